//! Loading zone files for a run: every problem is printed; errors refuse the run unless the user
//! chose to skip bad zones.

use anyhow::{bail, Context, Result};
use nofly_zones::{read_zone_file, ReadZones, Severity, ZoneSet};
use std::path::PathBuf;

/// Reads and validates zone files. Problems go to stderr.
pub fn load_zones(files: &[PathBuf], skip_bad_zones: bool) -> Result<ZoneSet> {
    let mut read = Vec::new();
    let mut errors = 0;
    for path in files {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("{name}: cannot read zone file"))?;
        let (_, r) = read_zone_file(&name, &text);
        report_problems(&r);
        errors += r
            .problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
            .count();
        read.push((name, r));
    }
    if errors > 0 && !skip_bad_zones {
        bail!("{errors} zone error(s): fix them, or run with --skip-bad-zones to use only the valid zones");
    }
    let set = ZoneSet::from_files(read)?;
    if set.zones.is_empty() {
        bail!(
            "no usable zone in {}",
            files
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    Ok(set)
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
