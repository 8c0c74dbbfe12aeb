//! A four-dimensional no-fly zone: horizontal shape × vertical band × activation times.

use crate::{EventTime, VerticalBand, WeeklyWindow};
use geo_types::MultiPolygon;
use std::fmt;
use std::str::FromStr;

/// What kind of airspace a zone is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ZoneKind {
    /// Flight prohibited.
    Prohibited,
    /// Flight restricted to conditions.
    Restricted,
    /// Activities dangerous to flight.
    Danger,
    /// Temporary flight restriction.
    Tfr,
    /// Conflict zone.
    Conflict,
    /// UAS geographical zone.
    Uas,
    /// Anything else a user defines.
    Custom,
    /// An area where GNSS positions cannot be trusted, raised live by the interference monitor.
    GnssInterference,
}

impl ZoneKind {
    /// Every kind, in the order of the documentation.
    pub const ALL: [ZoneKind; 8] = [
        ZoneKind::Prohibited,
        ZoneKind::Restricted,
        ZoneKind::Danger,
        ZoneKind::Tfr,
        ZoneKind::Conflict,
        ZoneKind::Uas,
        ZoneKind::Custom,
        ZoneKind::GnssInterference,
    ];

    /// The lowercase name used in files and events.
    pub fn as_str(self) -> &'static str {
        match self {
            ZoneKind::Prohibited => "prohibited",
            ZoneKind::Restricted => "restricted",
            ZoneKind::Danger => "danger",
            ZoneKind::Tfr => "tfr",
            ZoneKind::Conflict => "conflict",
            ZoneKind::Uas => "uas",
            ZoneKind::Custom => "custom",
            ZoneKind::GnssInterference => "gnss-interference",
        }
    }
}

impl fmt::Display for ZoneKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ZoneKind {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        ZoneKind::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or(())
    }
}

/// The horizontal extent of a zone.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// Polygons with holes; edges are straight lines in longitude/latitude (x = lon, y = lat).
    Polygons(MultiPolygon<f64>),
    /// All points within `radius_m` metres (geodesic on WGS84) of the centre.
    Circle {
        /// Centre latitude, degrees.
        lat: f64,
        /// Centre longitude, degrees.
        lon: f64,
        /// Radius in metres.
        radius_m: f64,
    },
}

/// A half-open activation interval `[from, to)`; an absent end is open. When `schedule` is not
/// empty the zone is active inside the interval only during those weekly windows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveInterval {
    /// First active instant, or active since forever.
    pub from: Option<EventTime>,
    /// First instant no longer active, or active for ever.
    pub to: Option<EventTime>,
    /// Weekly windows that restrict the interval further (ED-269 `schedule`/`dailyPeriod`).
    pub schedule: Vec<WeeklyWindow>,
}

impl ActiveInterval {
    /// An interval with no weekly schedule.
    pub const fn between(from: Option<EventTime>, to: Option<EventTime>) -> Self {
        ActiveInterval {
            from,
            to,
            schedule: Vec::new(),
        }
    }

    /// Whether `t` falls inside the interval (and inside one of its weekly windows, if any).
    pub fn contains(&self, t: EventTime) -> bool {
        self.from.is_none_or(|f| f <= t)
            && self.to.is_none_or(|e| t < e)
            && (self.schedule.is_empty() || self.schedule.iter().any(|w| w.contains(t)))
    }
}

/// One no-fly zone.
#[derive(Debug, Clone, PartialEq)]
pub struct Zone {
    /// Unique identifier within its zone set.
    pub id: String,
    /// Human-readable name.
    pub name: String,
    /// Kind of airspace.
    pub kind: ZoneKind,
    /// Horizontal extent.
    pub shape: Shape,
    /// Vertical extent.
    pub band: VerticalBand,
    /// When the zone is active; empty means always.
    pub active: Vec<ActiveInterval>,
    /// Content hash of the zone's definition (hex), named by every event judged against it.
    pub version: String,
    /// Aircraft whose events in this zone are marked exempt (still recorded).
    pub exempt: Exemptions,
}

/// Aircraft exempt from a zone (or from every zone): their events are recorded and marked
/// `exempt`, never dropped.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Exemptions {
    /// ICAO addresses.
    pub icao24: Vec<crate::Icao24>,
    /// Callsign patterns: `*` any run of characters, `?` one character, case-insensitive.
    pub callsigns: Vec<String>,
    /// Mode A codes (octal value, as [`crate::Report::squawk`]).
    pub squawks: Vec<u16>,
}

impl Exemptions {
    /// Whether nothing is exempt.
    pub fn is_empty(&self) -> bool {
        self.icao24.is_empty() && self.callsigns.is_empty() && self.squawks.is_empty()
    }

    /// Whether an aircraft with this address, latest callsign and latest code is exempt.
    pub fn covers(&self, icao: crate::Icao24, callsign: Option<&str>, squawk: Option<u16>) -> bool {
        self.icao24.contains(&icao)
            || squawk.is_some_and(|s| self.squawks.contains(&s))
            || callsign.is_some_and(|c| self.callsigns.iter().any(|p| glob_matches(p, c)))
    }
}

/// `*` matches any run of characters, `?` one character; case-insensitive (callsigns are ASCII).
fn glob_matches(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<u8>, Vec<u8>) = (
        pattern.trim().to_ascii_uppercase().into_bytes(),
        text.trim().to_ascii_uppercase().into_bytes(),
    );
    // Iterative matching with one backtracking point for the last `*`.
    let (mut i, mut j, mut star, mut mark) = (0, 0, None, 0);
    while j < t.len() {
        if i < p.len() && (p[i] == b'?' || p[i] == t[j]) {
            i += 1;
            j += 1;
        } else if i < p.len() && p[i] == b'*' {
            star = Some(i);
            mark = j;
            i += 1;
        } else if let Some(s) = star {
            i = s + 1;
            mark += 1;
            j = mark;
        } else {
            return false;
        }
    }
    p[i..].iter().all(|&c| c == b'*')
}

impl Zone {
    /// Whether the zone is active at `t`.
    pub fn is_active(&self, t: EventTime) -> bool {
        self.active.is_empty() || self.active.iter().any(|i| i.contains(t))
    }
}

/// The version of a zone set: SHA-256 (hex) over the sorted `id:version\n` lines of its zones, so
/// that the same zones give the same hash whatever the file order or formatting.
pub fn zone_set_hash(zones: &[Zone]) -> String {
    use sha2::{Digest, Sha256};
    let mut lines: Vec<String> = zones
        .iter()
        .map(|z| format!("{}:{}\n", z.id, z.version))
        .collect();
    lines.sort();
    let mut h = Sha256::new();
    for l in &lines {
        h.update(l.as_bytes());
    }
    hex::encode(h.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_are_half_open() {
        let t = |s: &str| s.parse::<EventTime>().unwrap();
        let i = ActiveInterval::between(
            Some(t("2022-02-27T14:00:00Z")),
            Some(t("2022-02-28T00:00:00Z")),
        );
        assert!(!i.contains(t("2022-02-27T13:59:59.999Z")));
        assert!(i.contains(t("2022-02-27T14:00:00Z")));
        assert!(!i.contains(t("2022-02-28T00:00:00Z")));
        let open = ActiveInterval::between(None, None);
        assert!(open.contains(t("1970-01-01T00:00:00Z")));
    }

    #[test]
    fn exemptions_match_addresses_codes_and_callsign_patterns() {
        let e = Exemptions {
            icao24: vec![crate::Icao24(0xabc123)],
            callsigns: vec!["AFL1*".into(), "SDM63?9".into()],
            squawks: vec![0o7000],
        };
        assert!(e.covers(crate::Icao24(0xabc123), None, None));
        assert!(e.covers(crate::Icao24(1), Some("afl1008"), None));
        assert!(e.covers(crate::Icao24(1), Some("SDM6329"), None));
        assert!(!e.covers(crate::Icao24(1), Some("SDM63299"), None));
        assert!(!e.covers(crate::Icao24(1), Some("AFL2000"), None));
        assert!(e.covers(crate::Icao24(1), None, Some(0o7000)));
        assert!(!e.covers(crate::Icao24(1), None, Some(0o7001)));
        assert!(
            glob_matches("*", "")
                && glob_matches("A*B*C", "AXXBYC")
                && !glob_matches("A*B", "AXXBC")
        );
    }

    #[test]
    fn kinds_parse_case_insensitively() {
        assert_eq!("TFR".parse::<ZoneKind>(), Ok(ZoneKind::Tfr));
        assert!("forbidden".parse::<ZoneKind>().is_err());
    }
}
