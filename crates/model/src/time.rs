//! Event time: milliseconds since the Unix epoch, UTC, taken from the data and never from the wall clock.

use chrono::{DateTime, SecondsFormat, Utc};
use std::fmt;
use std::str::FromStr;

/// A UTC instant with millisecond resolution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct EventTime(pub i64);

/// An RFC 3339 timestamp that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseTimeError(pub String);

impl fmt::Display for ParseTimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not an RFC 3339 time: {:?}", self.0)
    }
}
impl std::error::Error for ParseTimeError {}

impl EventTime {
    /// From Unix seconds with a fractional part, rounded to the nearest millisecond.
    /// Returns `None` for NaN, infinities and values outside ±10,000 years.
    pub fn from_unix_seconds(seconds: f64) -> Option<Self> {
        if !seconds.is_finite() || seconds.abs() > 315_569_520_000.0 {
            return None;
        }
        Some(EventTime((seconds * 1000.0).round() as i64))
    }

    /// From Unix milliseconds.
    pub const fn from_millis(millis: i64) -> Self {
        EventTime(millis)
    }

    /// Unix milliseconds.
    pub const fn millis(self) -> i64 {
        self.0
    }

    /// Unix seconds as a float (for arithmetic such as speeds).
    pub fn seconds_f64(self) -> f64 {
        self.0 as f64 / 1000.0
    }

    /// As a chrono date-time (for formatting and calendars).
    pub fn to_datetime(self) -> DateTime<Utc> {
        DateTime::from_timestamp_millis(self.0).unwrap_or_default()
    }

    /// RFC 3339 in UTC with exactly three fractional digits, e.g. `2022-02-27T14:00:00.000Z`.
    pub fn to_rfc3339(self) -> String {
        self.to_datetime()
            .to_rfc3339_opts(SecondsFormat::Millis, true)
    }
}

impl fmt::Display for EventTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

impl FromStr for EventTime {
    type Err = ParseTimeError;
    /// Reads RFC 3339 with any UTC offset; sub-millisecond digits are truncated.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DateTime::parse_from_rfc3339(s.trim())
            .map(|t| EventTime(t.timestamp_millis()))
            .map_err(|_| ParseTimeError(s.to_string()))
    }
}

/// RFC 3339 text in text formats; Unix milliseconds in compact binary ones (a replay's
/// checkpoint), so that every instant the type holds comes back exactly.
impl serde::Serialize for EventTime {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        crate::text_serde::text_or_number(s, self, self.0)
    }
}

impl<'de> serde::Deserialize<'de> for EventTime {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::text_serde::from_text_or_number(d, EventTime)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_with_milliseconds_in_utc() {
        let t: EventTime = "2022-02-27T15:00:00+01:00".parse().unwrap();
        assert_eq!(t.to_rfc3339(), "2022-02-27T14:00:00.000Z");
        assert_eq!(
            EventTime::from_unix_seconds(1645970400.1234)
                .unwrap()
                .to_rfc3339(),
            "2022-02-27T14:00:00.123Z"
        );
    }

    #[test]
    fn rejects_nonsense() {
        assert!("yesterday".parse::<EventTime>().is_err());
        assert!(EventTime::from_unix_seconds(f64::NAN).is_none());
        assert!(EventTime::from_unix_seconds(1e30).is_none());
    }
}
