//! An independent check of nofly's C2SP output with crates nofly does not use: `signed_note`
//! for the checkpoint notes and `tlog_tiles` for the tiles and proofs. Written from
//! docs/evidence.md; shares no code with nofly.
//!
//! Usage: nofly-independent-verifier TILES_DIR VKEY [BUNDLE]
//!
//! Reads the tiled log (`checkpoint`, `tile/<L>/<N>[.p/<W>]`, `tile/entries/<N>[.p/<W>]`):
//! verifies the checkpoint note, authenticates every tile needed against its root with
//! `TileHashReader`, checks every entry of the entry bundles against the tree (`prove_record`,
//! `check_record`), and, given a bundle, checks its three tlog-proofs against the bundle's
//! checkpoint with the entry data from the tiles. Exits 1 on any failure.

use base64::Engine;
use signed_note::{Note, StandardVerifier, VerifierList};
use std::path::{Path, PathBuf};
use tlog_tiles::{check_record, prove_record, record_hash, tree_hash, Checkpoint, Hash, Tile, TileHashReader, TileReader};

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// Reads tiles by their C2SP paths: tile/<L>/<N>[.p/<W>], N in groups of three digits.
struct Dir(PathBuf);

fn index_path(n: u64) -> String {
    let mut s = format!("{:03}", n % 1000);
    let mut rest = n / 1000;
    while rest > 0 {
        s = format!("x{:03}/{s}", rest % 1000);
        rest /= 1000;
    }
    s
}

fn c2sp_path(level: &str, n: u64, width: u32) -> String {
    let partial = if width == 256 { String::new() } else { format!(".p/{width}") };
    format!("tile/{level}/{}{partial}", index_path(n))
}

impl TileReader for Dir {
    fn height(&self) -> u8 {
        8
    }
    fn read_tiles(&self, tiles: &[Tile]) -> Result<Vec<Vec<u8>>, tlog_tiles::Error> {
        tiles
            .iter()
            .map(|t| {
                let path = self.0.join(c2sp_path(&t.level().to_string(), t.level_index(), t.width()));
                std::fs::read(&path).map_err(|_| tlog_tiles::Error::InvalidTile)
            })
            .collect()
    }
    fn save_tiles(&self, _: &[Tile], _: &[Vec<u8>]) {}
}

fn fail(why: String) -> ! {
    println!("FAILED  {why}");
    println!("NOT VERIFIED");
    std::process::exit(1)
}

fn open_checkpoint(text: &[u8], vkey: &str) -> Checkpoint {
    let verifier = StandardVerifier::new(vkey).unwrap_or_else(|e| fail(format!("verifier key: {e:?}")));
    let note = Note::from_bytes(text).unwrap_or_else(|e| fail(format!("the checkpoint note: {e:?}")));
    note.verify(&VerifierList::new(vec![Box::new(verifier)]))
        .unwrap_or_else(|e| fail(format!("signed_note: the checkpoint's signature: {e:?}")));
    Checkpoint::from_bytes(note.text()).unwrap_or_else(|e| fail(format!("tlog_tiles: the checkpoint body: {e:?}")))
}

/// Every entry's data, in order, from the entry bundles (16-bit big-endian length, data).
fn entries(dir: &Path, size: u64) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut n = 0;
    while (out.len() as u64) < size {
        let width = (size - n * 256).min(256) as u32;
        let path = dir.join(c2sp_path("entries", n, width));
        let bytes = std::fs::read(&path).unwrap_or_else(|e| fail(format!("{}: {e}", path.display())));
        let mut rest = &bytes[..];
        while !rest.is_empty() {
            let len = u16::from_be_bytes([rest[0], rest[1]]) as usize;
            out.push(rest[2..2 + len].to_vec());
            rest = &rest[2 + len..];
        }
        n += 1;
    }
    if out.len() as u64 != size {
        fail(format!("the entry bundles hold {} entries, the checkpoint {size}", out.len()));
    }
    out
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: nofly-independent-verifier TILES_DIR VKEY [BUNDLE]");
        std::process::exit(2);
    }
    let dir = PathBuf::from(&args[1]);
    let vkey = std::fs::read_to_string(&args[2]).unwrap_or_else(|_| args[2].clone());
    let vkey = vkey.trim();
    let text = std::fs::read(dir.join("checkpoint")).unwrap_or_else(|e| fail(format!("checkpoint: {e}")));
    let c = open_checkpoint(&text, vkey);
    println!("ok      signed_note: checkpoint of {} entries signed by {}", c.size(), c.origin());
    let reader = Dir(dir.clone());
    let hashes = TileHashReader::new(c.size(), *c.hash(), &reader);
    let root = tree_hash(c.size(), &hashes).unwrap_or_else(|e| fail(format!("tlog_tiles: the tiles do not give the root: {e:?}")));
    if root != *c.hash() {
        fail("the tiles' tree hash is not the checkpoint's root".into());
    }
    println!("ok      tlog_tiles: the hash tiles authenticate against the checkpoint's root");
    let data = entries(&dir, c.size());
    for (i, d) in data.iter().enumerate() {
        let proof = prove_record(c.size(), i as u64, &hashes).unwrap_or_else(|e| fail(format!("entry {i}: {e:?}")));
        check_record(&proof, c.size(), *c.hash(), i as u64, record_hash(d))
            .unwrap_or_else(|e| fail(format!("entry {i} of the entry bundles is not in the tree: {e:?}")));
    }
    println!("ok      tlog_tiles: all {} entries of the entry bundles are in the tree", data.len());

    if let Some(bundle) = args.get(3) {
        let bundle: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(bundle).unwrap_or_else(|e| fail(format!("{bundle}: {e}"))))
            .unwrap_or_else(|e| fail(format!("the bundle: {e}")));
        for name in ["event", "run", "zone"] {
            let text = bundle[name]["proof"].as_str().unwrap_or_else(|| fail(format!("no {name} proof")));
            let (head, note) = text.split_once("\n\n").unwrap_or_else(|| fail(format!("{name}: not a tlog-proof")));
            let mut lines = head.lines();
            if lines.next() != Some("c2sp.org/tlog-proof@v1") {
                fail(format!("{name}: not a c2sp.org/tlog-proof@v1"));
            }
            let index: u64 = lines
                .next()
                .and_then(|l| l.strip_prefix("index "))
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| fail(format!("{name}: no index line")));
            let proof: Vec<Hash> = lines
                .map(|l| Hash(B64.decode(l).ok().and_then(|b| b.try_into().ok()).unwrap_or_else(|| fail(format!("{name}: proof line {l:?}")))))
                .collect();
            let cp = open_checkpoint(note.as_bytes(), vkey);
            let leaf = data.get(index as usize).unwrap_or_else(|| fail(format!("{name}: entry {index} is not in the tiles")));
            check_record(&proof, cp.size(), *cp.hash(), index, record_hash(leaf))
                .unwrap_or_else(|e| fail(format!("{name}: tlog_tiles::check_record: {e:?}")));
            let record: serde_json::Value = serde_json::from_slice(leaf).unwrap_or_else(|e| fail(format!("{name}: entry {index}: {e}")));
            if record != bundle[name]["record"] {
                fail(format!("{name}: the bundle's record is not entry {index} of the log"));
            }
            println!("ok      {name}: tlog-proof of entry {index} holds against the checkpoint of {} entries, and the record is the log's", cp.size());
        }
    }
    println!("VERIFIED by signed_note and tlog_tiles");
}
