//! `nofly aircraft-db update|load|show`: the aircraft database that events are annotated with.
//!
//! The installed database lives in the cache directory (`$NOFLY_CACHE`, else
//! `$XDG_CACHE_HOME/nofly`, else `~/.cache/nofly`) as `aircraft-db/current` (a file, or a folder
//! for dump1090's format). A new one is read in full before it replaces the old, so a broken
//! download or file never leaves the user without a database.

use crate::commands::demo::cache_dir;
use anyhow::{anyhow, bail, Context, Result};
use nofly_aircraft::AircraftDb;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

/// tar1090-db's database, the one readsb's `--db-file` and tar1090 read (ODbL-1.0).
pub const DEFAULT_URL: &str = "https://github.com/wiedehopf/tar1090-db/raw/csv/aircraft.csv.gz";

/// Largest download taken (tar1090-db's file is about 10 MB).
const MAX_DOWNLOAD: u64 = 512 * 1024 * 1024;

/// Where the installed database is.
fn installed_path() -> PathBuf {
    cache_dir(None).join("aircraft-db").join("current")
}

/// Opens the database `--aircraft-db` names: `installed` for the one `update`/`load` installed.
pub fn open(path: &Path) -> Result<AircraftDb> {
    let path = if path == Path::new("installed") && !path.exists() {
        let installed = installed_path();
        if !installed.exists() {
            bail!(
                "--aircraft-db without a path reads the installed database, and none is installed: run `nofly aircraft-db update` or `nofly aircraft-db load FILE`, or give the path"
            );
        }
        installed
    } else {
        path.to_path_buf()
    };
    let db = AircraftDb::load(&path).map_err(|e| anyhow!("aircraft database {e}"))?;
    report(&path, &db);
    Ok(db)
}

/// Says on stderr what was read and which records were skipped (the first ten).
fn report(path: &Path, db: &AircraftDb) {
    eprintln!(
        "aircraft database {}: {} aircraft ({} format, sha256 {}), {} record(s) skipped",
        path.display(),
        db.len(),
        db.format.as_str(),
        db.sha256,
        db.problems.len()
    );
    for p in db.problems.iter().take(10) {
        eprintln!("  skipped {p}");
    }
    if db.problems.len() > 10 {
        eprintln!("  … and {} more", db.problems.len() - 10);
    }
}

/// `update`: downloads `url`, checks that it reads, installs it.
pub fn update(url: &str) -> Result<ExitCode> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(300)))
        .build()
        .into();
    eprintln!("downloading {url}");
    let mut response = agent.get(url).call().with_context(|| url.to_string())?;
    let mut bytes = Vec::new();
    response
        .body_mut()
        .as_reader()
        .take(MAX_DOWNLOAD)
        .read_to_end(&mut bytes)
        .with_context(|| format!("{url}: download interrupted"))?;
    let dir = installed_path()
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    std::fs::create_dir_all(&dir).with_context(|| format!("{}: cannot create", dir.display()))?;
    let staged = dir.join("download.tmp");
    std::fs::write(&staged, &bytes)
        .with_context(|| format!("{}: cannot write", staged.display()))?;
    install(&staged, true)
}

/// `load`: installs the database at `path` once it reads.
pub fn load(path: &Path) -> Result<ExitCode> {
    install(path, false)
}

/// Reads `source` in full, then puts a copy (or, for a staged download, the file itself) in
/// place of the installed database.
fn install(source: &Path, staged: bool) -> Result<ExitCode> {
    let db = AircraftDb::load(source).map_err(|e| anyhow!("not installed: {e}"))?;
    report(source, &db);
    let target = installed_path();
    let dir = target.parent().map(Path::to_path_buf).unwrap_or_default();
    std::fs::create_dir_all(&dir).with_context(|| format!("{}: cannot create", dir.display()))?;
    let incoming = dir.join("incoming");
    remove(&incoming)?;
    if staged {
        std::fs::rename(source, &incoming)
    } else if source.is_dir() {
        copy_folder(source, &incoming)
    } else {
        std::fs::copy(source, &incoming).map(|_| ())
    }
    .with_context(|| {
        format!(
            "{}: cannot copy to {}",
            source.display(),
            incoming.display()
        )
    })?;
    remove(&target)?;
    std::fs::rename(&incoming, &target)
        .with_context(|| format!("{}: cannot install", target.display()))?;
    println!(
        "installed {} aircraft ({} format, sha256 {}) as {}",
        db.len(),
        db.format.as_str(),
        db.sha256,
        target.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn remove(path: &Path) -> Result<()> {
    let removed = if path.is_dir() {
        std::fs::remove_dir_all(path)
    } else if path.exists() {
        std::fs::remove_file(path)
    } else {
        Ok(())
    };
    removed.with_context(|| format!("{}: cannot remove", path.display()))
}

/// Copies the files of a dump1090 `db/` folder (it has no subfolders).
fn copy_folder(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        if entry.file_type()?.is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name()))?;
        }
    }
    Ok(())
}

/// `show`: one JSON line per address, the identity an event would carry.
pub fn show(addresses: &[String], db: Option<&Path>) -> Result<ExitCode> {
    let db = match db {
        Some(path) => Some(open(path)?),
        None if installed_path().exists() => Some(open(&installed_path())?),
        None => None,
    };
    for text in addresses {
        let icao = u32::from_str_radix(text, 16)
            .ok()
            .filter(|_| text.len() == 6)
            .ok_or_else(|| anyhow!("{text}: not an ICAO address (six hex digits)"))?;
        let identity = nofly_aircraft::identify(icao, db.as_ref());
        let mut line = serde_json::json!({ "icao24": format!("{icao:06x}") });
        if let (Some(m), serde_json::Value::Object(fields)) =
            (line.as_object_mut(), serde_json::to_value(&identity)?)
        {
            m.extend(fields);
        }
        println!("{line}");
    }
    Ok(ExitCode::SUCCESS)
}
