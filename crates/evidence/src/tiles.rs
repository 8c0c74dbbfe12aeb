//! The log as C2SP tlog-tiles (c2sp.org/tlog-tiles): static files that mirrors and monitors
//! fetch with the tools they already have.
//!
//! - `checkpoint`: the latest checkpoint, with its cosignatures;
//! - `tile/<L>/<N>[.p/<W>]`: hash tiles of height 8: tile N of level L holds the hashes of the
//!   complete subtrees of 256^L leaves numbered 256·N to 256·N+W-1, 32 bytes each; a tile with
//!   fewer than 256 is partial and its path ends in `.p/<W>`;
//! - `tile/entries/<N>[.p/<W>]`: entry bundles: leaves 256·N onwards, each as a big-endian 16-bit
//!   length and the leaf data (the record's RFC 8785 bytes).
//!
//! `N` is written in groups of three digits, all but the last prefixed with `x`
//! (1234067 → `x001/x234/067`). Only what the latest checkpoint covers is written.
//!
//! An entry bundle holds entries of at most 65535 bytes. A larger record (a zone with a long
//! national border can be one) cannot be in one: its bundle is left out and said so, while the
//! checkpoint and every hash tile are still written, so the tree is still followed and proven;
//! such entries are read from the log itself.

use crate::log::{canonical, LogContents};
use crate::merkle::{node_hash, Hash};
use std::collections::BTreeMap;
use std::path::Path;

/// Hashes per full tile.
const WIDTH: usize = 256;

/// A tile index as a path: groups of three digits, all but the last prefixed with `x`.
pub fn index_path(n: u64) -> String {
    let mut parts = vec![format!("{:03}", n % 1000)];
    let mut rest = n / 1000;
    while rest > 0 {
        parts.push(format!("x{:03}", rest % 1000));
        rest /= 1000;
    }
    parts.reverse();
    parts.join("/")
}

fn tile_path(level: &str, n: usize, width: usize) -> String {
    let partial = if width == WIDTH {
        String::new()
    } else {
        format!(".p/{width}")
    };
    format!("tile/{level}/{}{partial}", index_path(n as u64))
}

/// The files of a tiled log, and what could not be written.
#[derive(Debug, Clone, Default)]
pub struct Tiles {
    /// Path → bytes.
    pub files: BTreeMap<String, Vec<u8>>,
    /// Entry bundles left out, and why.
    pub left_out: Vec<String>,
}

/// Every file of the tiled log for the latest checkpoint of `log`.
pub fn tiles(log: &LogContents) -> Result<Tiles, String> {
    let mut out = Tiles::default();
    let files = &mut out.files;
    let Some(checkpoint) = log.checkpoints.last() else {
        return Ok(out);
    };
    let size = checkpoint.size as usize;
    let entries = log
        .entries
        .get(..size)
        .ok_or("the last checkpoint covers more entries than the log holds")?;
    files.insert(
        "checkpoint".to_string(),
        checkpoint.note.text().into_bytes(),
    );
    'bundles: for (n, chunk) in entries.chunks(WIDTH).enumerate() {
        let mut bundle = Vec::new();
        let path = tile_path("entries", n, chunk.len());
        for e in chunk {
            let data = canonical(&e.record);
            let Ok(len) = u16::try_from(data.len()) else {
                out.left_out.push(format!(
                    "{path}: entry {} is {} bytes, more than the 65535 an entry bundle holds (it is in the log itself)",
                    e.index,
                    data.len()
                ));
                continue 'bundles;
            };
            bundle.extend_from_slice(&len.to_be_bytes());
            bundle.extend_from_slice(data.as_bytes());
        }
        files.insert(path, bundle);
    }
    let mut level: Vec<Hash> = entries.iter().map(|e| e.leaf).collect();
    let mut l = 0;
    while !level.is_empty() {
        for (n, chunk) in level.chunks(WIDTH).enumerate() {
            files.insert(tile_path(&l.to_string(), n, chunk.len()), chunk.concat());
        }
        // The complete subtrees 256 times larger: eight levels of pairs, odd ones left out.
        for _ in 0..8 {
            level = level
                .chunks_exact(2)
                .map(|p| node_hash(&p[0], &p[1]))
                .collect();
        }
        l += 1;
    }
    Ok(out)
}

/// Writes the tiles of `log` under `dir`; returns how many files and bytes, and what was left out.
pub fn write_tiles(log: &LogContents, dir: &Path) -> Result<(usize, usize, Vec<String>), String> {
    let tiles = tiles(log)?;
    let mut bytes = 0;
    for (path, data) in &tiles.files {
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        std::fs::write(&target, data).map_err(|e| format!("{}: {e}", target.display()))?;
        bytes += data.len();
    }
    Ok((tiles.files.len(), bytes, tiles.left_out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::merkle::{leaf_hash, root};

    #[test]
    fn index_paths_follow_the_spec_examples() {
        assert_eq!(index_path(0), "000");
        assert_eq!(index_path(67), "067");
        assert_eq!(index_path(1234067), "x001/x234/067");
        assert_eq!(index_path(1000), "x001/000");
    }

    #[test]
    fn level_one_tiles_hold_the_roots_of_full_level_zero_tiles() {
        let mut log = LogContents::default();
        for i in 0..600u64 {
            let record = serde_json::json!({"n": i});
            log.entries.push(crate::log::LogEntry {
                index: i,
                leaf: leaf_hash(canonical(&record).as_bytes()),
                record,
                line: i as usize + 1,
            });
        }
        let signer = crate::note::test_signer("t", 1);
        let leaves = log.leaves();
        let body = crate::checkpoint::Checkpoint {
            origin: "t",
            size: 600,
            root: root(&leaves),
        }
        .body();
        let note = crate::note::Note::parse(&format!("{body}\n{}", signer.sign(&body))).unwrap();
        log.checkpoints.push(crate::log::LogCheckpoint {
            line: 601,
            origin: "t".into(),
            size: 600,
            root: root(&leaves),
            note,
            timestamps: Vec::new(),
        });
        let files = tiles(&log).unwrap().files;
        let names: Vec<&str> = files.keys().map(String::as_str).collect();
        assert_eq!(
            names,
            [
                "checkpoint",
                "tile/0/000",
                "tile/0/001",
                "tile/0/002.p/88",
                "tile/1/000.p/2",
                "tile/entries/000",
                "tile/entries/001",
                "tile/entries/002.p/88"
            ]
        );
        assert_eq!(files["tile/1/000.p/2"][32..], root(&leaves[256..512]));
        assert_eq!(
            &files["tile/entries/002.p/88"][..11],
            b"\x00\x09{\"n\":512}"
        );
    }
}
