//! The append-only evidence log: one canonical JSON object per line, either an entry (a leaf of the
//! Merkle tree) or a signed checkpoint. See docs/evidence.md for the exact format.

use crate::checkpoint::Checkpoint;
use crate::merkle::{leaf_hash, root, Hash};
use ed25519_dalek::SigningKey;
use nofly_model::Event;
use serde_json::{json, Value};
use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

/// A problem with a log file, with the line it is on.
#[derive(Debug, thiserror::Error)]
#[error("{file}{}: {reason}", line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct LogError {
    /// The log file.
    pub file: String,
    /// 1-based line, when the problem is on one.
    pub line: Option<usize>,
    /// What is wrong.
    pub reason: String,
}

/// RFC 8785 canonical JSON of a value.
pub fn canonical(value: &Value) -> String {
    serde_jcs::to_string(value).expect("JSON values always canonicalise")
}

/// The leaf hash of an entry's record: SHA-256 of 0x00 and the record's canonical JSON.
pub fn record_leaf(record: &Value) -> Hash {
    leaf_hash(canonical(record).as_bytes())
}

/// One entry read back from a log.
#[derive(Debug, Clone)]
pub struct LogEntry {
    /// Position in the tree (0-based).
    pub index: u64,
    /// The record.
    pub record: Value,
    /// Its leaf hash.
    pub leaf: Hash,
    /// Line in the file.
    pub line: usize,
}

/// A log read back and checked for structure: consecutive indices, canonical lines, leaf hashes.
#[derive(Debug, Clone, Default)]
pub struct LogContents {
    /// Entries in order.
    pub entries: Vec<LogEntry>,
    /// Checkpoints with their line numbers, in order.
    pub checkpoints: Vec<(usize, Checkpoint)>,
}

impl LogContents {
    /// Every leaf hash, in order.
    pub fn leaves(&self) -> Vec<Hash> {
        self.entries.iter().map(|e| e.leaf).collect()
    }

    /// The entry of the event with this id.
    pub fn event(&self, id: &str) -> Option<&LogEntry> {
        self.entries
            .iter()
            .find(|e| e.record["type"] == "event" && e.record["event"]["id"] == id)
    }
}

/// Reads a log, refusing it at the first line that is not canonical JSON, not a known kind, out of
/// sequence, or whose recorded leaf hash does not match its record.
pub fn read_log(path: &Path) -> Result<LogContents, LogError> {
    let file = path.display().to_string();
    let err = |line: Option<usize>, reason: String| LogError {
        file: file.clone(),
        line,
        reason,
    };
    let f = std::fs::File::open(path).map_err(|e| err(None, e.to_string()))?;
    let mut out = LogContents::default();
    for (i, line) in BufReader::new(f).split(b'\n').enumerate() {
        let n = i + 1;
        let line = line.map_err(|e| err(Some(n), e.to_string()))?;
        let text = std::str::from_utf8(&line).map_err(|_| err(Some(n), "not UTF-8".into()))?;
        let value: Value =
            serde_json::from_str(text).map_err(|e| err(Some(n), format!("not JSON: {e}")))?;
        if canonical(&value) != text {
            return Err(err(
                Some(n),
                "not in canonical form (RFC 8785): the line was altered".into(),
            ));
        }
        match value["kind"].as_str() {
            Some("entry") => {
                let index = value["index"]
                    .as_u64()
                    .ok_or_else(|| err(Some(n), "entry without an index".into()))?;
                if index != out.entries.len() as u64 {
                    return Err(err(Some(n), format!("entry index {index} where {} was expected: entries removed or reordered", out.entries.len())));
                }
                let record = value["record"].clone();
                let leaf = record_leaf(&record);
                if value["leaf_hash"].as_str() != Some(hex::encode(leaf).as_str()) {
                    return Err(err(
                        Some(n),
                        "the recorded leaf hash does not match the record".into(),
                    ));
                }
                out.entries.push(LogEntry {
                    index,
                    record,
                    leaf,
                    line: n,
                });
            }
            Some("checkpoint") => {
                let c: Checkpoint = serde_json::from_value(value["checkpoint"].clone())
                    .map_err(|e| err(Some(n), format!("bad checkpoint: {e}")))?;
                out.checkpoints.push((n, c));
            }
            _ => {
                return Err(err(
                    Some(n),
                    "a line is either an entry or a checkpoint".into(),
                ))
            }
        }
    }
    Ok(out)
}

/// The wall clock as RFC 3339 UTC, seconds precision (checkpoint times).
pub fn wall_clock() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    nofly_model::EventTime::from_millis(now.as_secs() as i64 * 1000).to_rfc3339()
}

/// An open log, appending entries and signing checkpoints.
pub struct EvidenceLog {
    path: PathBuf,
    out: std::io::BufWriter<std::fs::File>,
    leaves: Vec<Hash>,
    event_ids: HashSet<String>,
    zones: HashSet<(String, String)>,
    key: SigningKey,
    every: u64,
    since_checkpoint: u64,
    clock: fn() -> String,
}

impl EvidenceLog {
    /// Opens (or creates) the log at `path`, checking what is already in it; signs a checkpoint
    /// every `every` entries and when closed. `clock` gives checkpoint times.
    pub fn open(
        path: &Path,
        key: SigningKey,
        every: u64,
        clock: fn() -> String,
    ) -> Result<Self, LogError> {
        let existing = if path.exists() {
            read_log(path)?
        } else {
            LogContents::default()
        };
        let err = |reason: String| LogError {
            file: path.display().to_string(),
            line: None,
            reason,
        };
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| err(e.to_string()))?;
        let mut log = EvidenceLog {
            path: path.to_path_buf(),
            out: std::io::BufWriter::new(file),
            leaves: existing.leaves(),
            event_ids: HashSet::new(),
            zones: HashSet::new(),
            key,
            every: every.max(1),
            since_checkpoint: 0,
            clock,
        };
        for e in &existing.entries {
            match e.record["type"].as_str() {
                Some("event") => drop(
                    log.event_ids
                        .insert(e.record["event"]["id"].as_str().unwrap_or("").to_string()),
                ),
                Some("zone") => drop(log.zones.insert((
                    e.record["id"].as_str().unwrap_or("").into(),
                    e.record["version"].as_str().unwrap_or("").into(),
                ))),
                _ => {}
            }
        }
        let last_signed = existing.checkpoints.last().map_or(0, |(_, c)| c.tree_size);
        log.since_checkpoint = log.leaves.len() as u64 - last_signed.min(log.leaves.len() as u64);
        Ok(log)
    }

    /// An I/O failure on this log.
    fn io_error(&self, e: std::io::Error) -> LogError {
        LogError {
            file: self.path.display().to_string(),
            line: None,
            reason: e.to_string(),
        }
    }

    /// Writes one line of the log.
    fn write_line(&mut self, line: &str) -> Result<(), LogError> {
        writeln!(self.out, "{line}").map_err(|e| self.io_error(e))
    }

    fn flush(&mut self) -> Result<(), LogError> {
        self.out.flush().map_err(|e| self.io_error(e))
    }

    /// Appends a record as the next entry and returns its index.
    pub fn append(&mut self, record: Value) -> Result<u64, LogError> {
        let index = self.len();
        let record_text = canonical(&record);
        let leaf = leaf_hash(record_text.as_bytes());
        // The line's keys are already in canonical order and its values canonical, so the record is
        // serialised once, not twice.
        let line = format!(
            r#"{{"index":{index},"kind":"entry","leaf_hash":"{}","record":{record_text}}}"#,
            hex::encode(leaf)
        );
        self.write_line(&line)?;
        self.leaves.push(leaf);
        self.since_checkpoint += 1;
        if self.since_checkpoint >= self.every {
            self.checkpoint()?;
        }
        Ok(index)
    }

    /// Appends a run's metadata.
    pub fn append_run(
        &mut self,
        program_version: &str,
        zone_set_hash: &str,
        settings: Value,
        inputs: Value,
    ) -> Result<u64, LogError> {
        self.append(json!({"type": "run", "program_version": program_version, "zone_set_hash": zone_set_hash, "settings": settings, "inputs": inputs}))
    }

    /// Appends a zone definition unless this id and version are already in the log.
    pub fn append_zone(
        &mut self,
        id: &str,
        version: &str,
        definition: Value,
    ) -> Result<Option<u64>, LogError> {
        if !self.zones.insert((id.to_string(), version.to_string())) {
            return Ok(None);
        }
        self.append(json!({"type": "zone", "id": id, "version": version, "definition": definition}))
            .map(Some)
    }

    /// Appends an event found by run entry `run`, unless an event with its id is already in the log.
    pub fn append_event(&mut self, event: &Event, run: u64) -> Result<Option<u64>, LogError> {
        if !self.event_ids.insert(event.id.clone()) {
            return Ok(None);
        }
        let value = serde_json::to_value(event).expect("events serialise");
        self.append(json!({"type": "event", "run": run, "event": value}))
            .map(Some)
    }

    /// Signs and writes a checkpoint of the whole log as it is now.
    pub fn checkpoint(&mut self) -> Result<Checkpoint, LogError> {
        let c = Checkpoint::sign(
            &self.key,
            self.leaves.len() as u64,
            &root(&self.leaves),
            &(self.clock)(),
        );
        self.write_line(&canonical(&json!({"kind": "checkpoint", "checkpoint": c})))?;
        self.since_checkpoint = 0;
        self.flush()?;
        Ok(c)
    }

    /// Signs a checkpoint if anything was appended since the last one.
    pub fn checkpoint_if_new(&mut self) -> Result<Option<Checkpoint>, LogError> {
        if self.since_checkpoint > 0 {
            self.checkpoint().map(Some)
        } else {
            Ok(None)
        }
    }

    /// Signs a final checkpoint if anything was appended since the last one, and flushes.
    pub fn close(mut self) -> Result<Option<Checkpoint>, LogError> {
        let last = self.checkpoint_if_new()?;
        self.flush()?;
        Ok(last)
    }

    /// Entries in the log.
    pub fn len(&self) -> u64 {
        self.leaves.len() as u64
    }

    /// Whether the log has no entries.
    pub fn is_empty(&self) -> bool {
        self.leaves.is_empty()
    }
}
