//! Counting what an input held and reporting the first malformed records with their place.

use std::borrow::Cow;
use std::fmt;

/// How many malformed records are kept with their details; the rest are only counted.
pub const KEPT_ERRORS: usize = 10;

/// One malformed record.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RecordError {
    /// The input file (or `sbs://HOST:PORT`).
    pub file: String,
    /// Line (text, 1-based) or row (Parquet, 0-based).
    pub record: u64,
    /// `line` or `row`.
    pub unit: Cow<'static, str>,
    /// The field at fault, when one is.
    pub field: Option<Cow<'static, str>>,
    /// What is wrong.
    pub reason: String,
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} {}", self.file, self.unit, self.record)?;
        if let Some(field) = &self.field {
            write!(f, ": field {field}")?;
        }
        write!(f, ": {}", self.reason)
    }
}

/// What reading one input found.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ReadStats {
    /// Records (lines or rows) looked at, blank lines excluded.
    pub records: u64,
    /// Reports produced.
    pub reports: u64,
    /// Well-formed records that carry no report the engine uses (OpenSky rows without a position,
    /// SBS lines that are not `MSG`).
    pub ignored: u64,
    /// Malformed records, skipped.
    pub malformed: u64,
    /// Records that carried no time of their own (SBS lines with empty date fields).
    pub untimed: u64,
    /// The first [`KEPT_ERRORS`] malformed records.
    pub first_errors: Vec<RecordError>,
    /// Format-specific counts worth showing (frames refused by reason, framing problems).
    pub notes: Vec<String>,
    /// SHA-256 (hex) of the whole input file, when it was computed while reading it (text formats).
    pub sha256: Option<String>,
}

impl ReadStats {
    /// Counts a malformed record and keeps its details if fewer than [`KEPT_ERRORS`] are kept.
    pub fn malformed(&mut self, error: RecordError) {
        self.malformed += 1;
        if self.first_errors.len() < KEPT_ERRORS {
            self.first_errors.push(error);
        }
    }

    /// Adds another input's counts to these.
    pub fn add(&mut self, other: &ReadStats) {
        self.records += other.records;
        self.reports += other.reports;
        self.ignored += other.ignored;
        self.malformed += other.malformed;
        self.untimed += other.untimed;
        self.notes.extend(other.notes.iter().cloned());
        for e in &other.first_errors {
            if self.first_errors.len() < KEPT_ERRORS {
                self.first_errors.push(e.clone());
            }
        }
    }
}
