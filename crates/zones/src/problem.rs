//! Problems found while reading zones, each with the place it was found.

use std::fmt;

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The zone is read but something about it deserves attention (AGL limits without terrain).
    Warning,
    /// The zone cannot be used.
    Error,
}

/// One problem in a zone file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZoneProblem {
    /// Warning or error.
    pub severity: Severity,
    /// The file it was found in.
    pub file: String,
    /// Line in the file, when known (syntax errors).
    pub line: Option<usize>,
    /// Index of the feature in the collection, when the problem is in one.
    pub feature: Option<usize>,
    /// The feature's id, when it has one.
    pub id: Option<String>,
    /// The field, e.g. `properties.upper` or `geometry.coordinates[0][2]`.
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl ZoneProblem {
    /// An error about a whole file, not one feature.
    pub fn file_error(file: &str, message: impl Into<String>) -> Self {
        ZoneProblem {
            severity: Severity::Error,
            file: file.to_string(),
            line: None,
            feature: None,
            id: None,
            field: None,
            message: message.into(),
        }
    }

    /// A problem at a field of the feature numbered `feature` (with its id when known).
    pub fn in_feature(
        severity: Severity,
        file: &str,
        (feature, id): (usize, Option<&str>),
        field: &str,
        message: impl Into<String>,
    ) -> Self {
        ZoneProblem {
            severity,
            feature: Some(feature),
            id: id.map(str::to_string),
            field: Some(field.to_string()),
            ..ZoneProblem::file_error(file, message)
        }
    }
}

impl fmt::Display for ZoneProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(f, "{level}: {}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        match (self.feature, &self.id) {
            (Some(i), Some(id)) => write!(f, ": feature {i} (id {id:?})")?,
            (Some(i), None) => write!(f, ": feature {i}")?,
            (None, Some(id)) => write!(f, ": zone {id:?}")?,
            (None, None) => {}
        }
        if let Some(field) = &self.field {
            write!(f, ": {field}")?;
        }
        write!(f, ": {}", self.message)
    }
}
