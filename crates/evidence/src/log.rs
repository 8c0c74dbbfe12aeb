//! The append-only evidence log: one canonical JSON object per line, either an entry (a leaf of the
//! Merkle tree) or a signed checkpoint with its cosignatures and time-stamps. See docs/evidence.md
//! for the exact format.

use crate::checkpoint::Checkpoint;
use crate::merkle::{leaf_hash, root, Hash};
use crate::note::{Note, NoteSigner};
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

/// The text a signature over a document covers: `header`, a newline, and the canonical JSON of
/// the document without its `signature` field.
pub(crate) fn signed_text_of<T: serde::Serialize>(header: &str, document: &T) -> String {
    let mut value = serde_json::to_value(document).expect("documents serialise");
    if let Some(obj) = value.as_object_mut() {
        obj.remove("signature");
    }
    format!("{header}\n{}", canonical(&value))
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

/// An RFC 3161 time-stamp token over a checkpoint, as kept in the log and in bundles.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TimestampToken {
    /// The time-stamping authority's URL it came from.
    pub tsa: String,
    /// The token (a CMS `ContentInfo`, DER), base64.
    pub token: String,
}

/// A signed checkpoint read back from a log.
#[derive(Debug, Clone)]
pub struct LogCheckpoint {
    /// Line in the file.
    pub line: usize,
    /// The note: the log's signature and the witnesses' cosignatures.
    pub note: Note,
    /// The origin line (the log key's name).
    pub origin: String,
    /// Entries covered.
    pub size: u64,
    /// Root hash.
    pub root: Hash,
    /// Time-stamp tokens over the log-signed note.
    pub timestamps: Vec<TimestampToken>,
}

/// A log read back and checked for structure: consecutive indices, canonical lines, leaf hashes.
#[derive(Debug, Clone, Default)]
pub struct LogContents {
    /// Entries in order.
    pub entries: Vec<LogEntry>,
    /// Checkpoints in order.
    pub checkpoints: Vec<LogCheckpoint>,
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
                out.checkpoints
                    .push(read_checkpoint(&value).map_err(|e| err(Some(n), e))?.at(n));
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

/// A checkpoint line's content.
fn read_checkpoint(value: &Value) -> Result<LogCheckpoint, String> {
    let text =
        match &value["checkpoint"] {
            Value::String(text) => text,
            Value::Object(_) => return Err(
                "a checkpoint of the nofly v1 log format: convert the log with `nofly migrate-log`"
                    .into(),
            ),
            _ => return Err("a checkpoint line holds its signed note as a string".into()),
        };
    let note = Note::parse(text).map_err(|e| format!("bad checkpoint note: {e}"))?;
    let c = Checkpoint::parse(&note.body).map_err(|e| format!("bad checkpoint: {e}"))?;
    let timestamps = match value.get("timestamps") {
        None => Vec::new(),
        Some(t) => serde_json::from_value(t.clone()).map_err(|e| format!("bad timestamps: {e}"))?,
    };
    Ok(LogCheckpoint {
        line: 0,
        origin: c.origin.to_string(),
        size: c.size,
        root: c.root,
        note,
        timestamps,
    })
}

impl LogCheckpoint {
    fn at(mut self, line: usize) -> Self {
        self.line = line;
        self
    }
}

/// The line a checkpoint is written as.
pub fn checkpoint_line(note: &Note, timestamps: &[TimestampToken]) -> String {
    let mut value = json!({"kind": "checkpoint", "checkpoint": note.text()});
    if !timestamps.is_empty() {
        value["timestamps"] = json!(timestamps);
    }
    canonical(&value)
}

/// What witnesses and time-stamping authorities add to a checkpoint once the log has signed it.
#[derive(Debug, Clone, Default)]
pub struct Attestation {
    /// Cosignature lines, each `\n`-terminated.
    pub cosignatures: String,
    /// RFC 3161 tokens over the log-signed note.
    pub timestamps: Vec<TimestampToken>,
}

/// Takes a freshly signed checkpoint to witnesses and time-stamping authorities.
pub trait Attestor: Send {
    /// `note` is the log-signed checkpoint of the first `leaves.len()` entries (the leaves give the
    /// consistency proofs witnesses ask for). Failures are reported by the attestor and leave
    /// their part out: the checkpoint is written with what was obtained.
    fn attest(&mut self, note: &str, leaves: &[Hash]) -> Attestation;
}

/// An open log, appending entries and signing checkpoints.
pub struct EvidenceLog {
    path: PathBuf,
    out: std::io::BufWriter<std::fs::File>,
    leaves: Vec<Hash>,
    event_ids: HashSet<String>,
    zones: HashSet<(String, String)>,
    signer: NoteSigner,
    every: u64,
    since_checkpoint: u64,
    attestor: Option<Box<dyn Attestor>>,
}

impl EvidenceLog {
    /// Opens (or creates) the log at `path`, checking what is already in it; signs a checkpoint
    /// every `every` entries and when closed, and hands each to `attestor` when there is one.
    pub fn open(
        path: &Path,
        signer: NoteSigner,
        every: u64,
        attestor: Option<Box<dyn Attestor>>,
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
        if let Some(c) = existing
            .checkpoints
            .iter()
            .find(|c| c.origin != signer.name)
        {
            return Err(LogError {
                file: path.display().to_string(),
                line: Some(c.line),
                reason: format!(
                    "the log is signed as {:?}, the key given is {:?}",
                    c.origin, signer.name
                ),
            });
        }
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
            signer,
            every: every.max(1),
            since_checkpoint: 0,
            attestor,
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
        let last_signed = existing.checkpoints.last().map_or(0, |c| c.size);
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

    /// Signs a checkpoint of the whole log as it is now, has it cosigned and time-stamped by the
    /// attestor, and writes it; returns the note.
    pub fn checkpoint(&mut self) -> Result<Note, LogError> {
        let body = Checkpoint {
            origin: &self.signer.name,
            size: self.leaves.len() as u64,
            root: root(&self.leaves),
        }
        .body();
        let signed = format!("{body}\n{}", self.signer.sign(&body));
        let mut note = Note::parse(&signed).map_err(|e| LogError {
            file: self.path.display().to_string(),
            line: None,
            reason: format!(
                "the checkpoint signed as {:?} is not a note: {e}",
                self.signer.name
            ),
        })?;
        // Entries must be on disk before any witness is told of them.
        self.flush()?;
        let attestation = match &mut self.attestor {
            Some(a) => a.attest(&signed, &self.leaves),
            None => Attestation::default(),
        };
        if let Err(e) = note.add_signature_lines(&attestation.cosignatures) {
            tracing::warn!("a witness answered with unreadable cosignatures, left out: {e}");
        }
        self.write_line(&checkpoint_line(&note, &attestation.timestamps))?;
        self.since_checkpoint = 0;
        self.flush()?;
        Ok(note)
    }

    /// Signs a checkpoint if anything was appended since the last one.
    pub fn checkpoint_if_new(&mut self) -> Result<Option<Note>, LogError> {
        if self.since_checkpoint > 0 {
            self.checkpoint().map(Some)
        } else {
            Ok(None)
        }
    }

    /// Signs a final checkpoint if anything was appended since the last one, and flushes.
    pub fn close(mut self) -> Result<Option<Note>, LogError> {
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
