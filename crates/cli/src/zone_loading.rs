//! Loading zone files for a run: every problem is printed; errors refuse the run unless the user
//! chose to skip bad zones.

use anyhow::{bail, Context, Result};
use nofly_zones::{read_zone_file, ReadZones, Severity, ZoneSet};
use std::path::PathBuf;

/// Reads and validates zone files. Problems go to stderr.
pub fn load_zones(files: &[PathBuf], skip_bad_zones: bool) -> Result<ZoneSet> {
    if files.is_empty() {
        bail!("no zones: give --zones FILE");
    }
    let texts = files
        .iter()
        .map(|path| {
            let name = path.display().to_string();
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("{name}: cannot read zone file"))?;
            Ok((name, text))
        })
        .collect::<Result<Vec<_>>>()?;
    zone_set_from_texts(texts, skip_bad_zones)
}

/// Validates zone files given as `(name, text)`. Problems go to stderr; the error of a refused
/// set names its first errors.
pub fn zone_set_from_texts(texts: Vec<(String, String)>, skip_bad_zones: bool) -> Result<ZoneSet> {
    let names: Vec<String> = texts.iter().map(|(name, _)| name.clone()).collect();
    let mut read = Vec::new();
    let mut errors = Vec::new();
    for (name, text) in texts {
        let (_, r) = read_zone_file(&name, &text);
        report_problems(&r);
        errors.extend(
            r.problems
                .iter()
                .filter(|p| p.severity == Severity::Error)
                .map(ToString::to_string),
        );
        read.push((name, r));
    }
    if !errors.is_empty() && !skip_bad_zones {
        bail!(
            "{} zone error(s): fix them, or run with --skip-bad-zones to use only the valid zones\n{}",
            errors.len(),
            errors.iter().take(10).cloned().collect::<Vec<_>>().join("\n")
        );
    }
    let set = ZoneSet::from_files(read)?;
    if set.zones.is_empty() {
        bail!("no usable zone in {}", names.join(", "));
    }
    Ok(set)
}

/// The zone set a request of the HTTP API asks for: the uploaded file, or the zone files read again.
pub fn requested_zone_set(
    command: &nofly_server::ZoneCommand,
    files: &[PathBuf],
    skip_bad_zones: bool,
) -> std::result::Result<ZoneSet, String> {
    match command {
        nofly_server::ZoneCommand::Upload { text } => {
            zone_set_from_texts(vec![("uploaded zone file".into(), text.clone())], false)
        }
        nofly_server::ZoneCommand::Reload => load_zones(files, skip_bad_zones),
    }
    .map_err(|e| format!("{e:#}"))
}

/// Prints a file's problems to stderr.
pub fn report_problems(read: &ReadZones) {
    for p in &read.problems {
        eprintln!("nofly: {p}");
    }
}

/// Notices when zone files change on disk, by polling their modification time and size (no
/// inotify dependency; a poll a second is nothing next to the feed). A change is reported once the
/// files have stayed the same for one poll, so that a file being written is not read half-way.
pub struct ZoneFileWatch {
    files: Vec<PathBuf>,
    stamps: Vec<Option<(std::time::SystemTime, u64)>>,
    unsettled: bool,
}

impl ZoneFileWatch {
    /// Starts watching `files` as they are now.
    pub fn new(files: &[PathBuf]) -> Self {
        ZoneFileWatch {
            files: files.to_vec(),
            stamps: files.iter().map(|f| stamp(f)).collect(),
            unsettled: false,
        }
    }

    /// Whether the files changed and have since settled.
    pub fn poll(&mut self) -> bool {
        let now: Vec<_> = self.files.iter().map(|f| stamp(f)).collect();
        if now != self.stamps {
            self.stamps = now;
            self.unsettled = true;
            return false;
        }
        std::mem::take(&mut self.unsettled)
    }
}

fn stamp(path: &std::path::Path) -> Option<(std::time::SystemTime, u64)> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.modified().ok()?, meta.len()))
}
