//! The outcome of a verification: every check with what it found, in plain language.

use std::fmt;

/// One check and its outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// What was checked.
    pub name: String,
    /// `Ok(what was found)` or `Err(what is wrong)`.
    pub outcome: Result<String, String>,
}

/// Every check of one verification, in the order they ran.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verdict {
    /// The checks.
    pub checks: Vec<Check>,
}

impl Verdict {
    /// Records a check.
    pub fn check(&mut self, name: impl Into<String>, outcome: Result<String, String>) -> bool {
        let ok = outcome.is_ok();
        self.checks.push(Check {
            name: name.into(),
            outcome,
        });
        ok
    }

    /// Whether every check passed (and there was at least one).
    pub fn passed(&self) -> bool {
        !self.checks.is_empty() && self.checks.iter().all(|c| c.outcome.is_ok())
    }

    /// The first failed check.
    pub fn first_failure(&self) -> Option<&Check> {
        self.checks.iter().find(|c| c.outcome.is_err())
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in &self.checks {
            match &c.outcome {
                Ok(found) => writeln!(f, "  ok      {}: {found}", c.name)?,
                Err(wrong) => writeln!(f, "  FAILED  {}: {wrong}", c.name)?,
            }
        }
        match self.first_failure() {
            None if self.passed() => write!(f, "VERIFIED: every check passed."),
            None => write!(f, "NOT VERIFIED: nothing was checked."),
            Some(c) => write!(f, "NOT VERIFIED: check \"{}\" failed.", c.name),
        }
    }
}
