//! Which events a sink takes, written as `;`-separated conditions that must all hold (an absent
//! one takes everything), each a list of `,`-separated values of which one must match:
//!
//! | condition | values |
//! |---|---|
//! | `kinds=enter,emergency` | event kinds |
//! | `zones=EE,FI` | zone ids |
//! | `icao=4241*,3c6586` | ICAO addresses, hex; a trailing `*` matches a prefix |
//! | `callsign=AFL*,SDM63??` | callsigns; `*` any run of characters, `?` one |
//! | `squawk=7500,7600,7700` | Mode A codes, four octal digits (only emergencies carry one) |
//! | `alt_ft=0..20000` | a barometric altitude range in feet; either end may be left open (`30000..`) |
//! | `gs_kt=..250` | a ground-speed range in knots, as for `alt_ft` (the aircraft's latest speed) |
//! | `near=59.44,24.75,50` | within that many kilometres of LAT,LON (one point per condition) |
//! | `watchlist=FILE` | aircraft listed in a CSV file (Plane-Alert style): the column headed `icao`, `$ICAO`, `icao24` or `hex`, else the first; `#` lines are comments |
//! | `registration=N1*,G-*` | registrations (from `--aircraft-db`); `*` and `?` as for callsigns |
//! | `type=C30J,H60,B7*` | ICAO type designators (from `--aircraft-db`) |
//! | `operator=*Air Force*` | owner or operator (from `--aircraft-db`), any case |
//! | `country=RU,BY` | the state the address is allocated to, ISO 3166-1 alpha-2 |
//! | `military=yes` | military (`yes` or `no`): the database's flag, else the address blocks |
//! | `interesting=yes` | the database marks the aircraft interesting |
//! | `category=A7,B*` | ADS-B emitter category (A7 rotorcraft, B6 unmanned…); `B*` any of a set |
//! | `cooldown=600` | for alert sinks: an aircraft's event of a kind in a zone is sent again only that many seconds (event time) after the last one sent |
//!
//! A condition that does not read is refused with what is wrong with it.

use geo::{Distance, Haversine, Point};
use nofly_model::{Event, EventKind};
use std::str::FromStr;

/// A sink's filter; the default takes every event.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventFilter {
    kinds: Vec<EventKind>,
    zones: Vec<String>,
    icao: Vec<String>,
    callsigns: Vec<String>,
    squawks: Vec<String>,
    altitude: Option<(Option<f64>, Option<f64>)>,
    near: Option<(f64, f64, f64)>,
    cooldown_ms: Option<i64>,
    watchlist: Option<std::collections::BTreeSet<u32>>,
    registrations: Vec<String>,
    types: Vec<String>,
    operators: Vec<String>,
    countries: Vec<String>,
    military: Option<bool>,
    interesting: Option<bool>,
    speed: Option<(Option<f64>, Option<f64>)>,
    categories: Vec<String>,
}

/// The addresses of a watchlist CSV; errors name the file and line.
fn read_watchlist(path: &str) -> Result<std::collections::BTreeSet<u32>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("watchlist: {path}: {e}"))?;
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
    let Some((_, first)) = lines.next() else {
        return Err(format!("watchlist: {path}: no aircraft in it"));
    };
    let header: Vec<String> = first
        .split(',')
        .map(|c| c.trim().trim_start_matches('$').to_ascii_lowercase())
        .collect();
    let column = header
        .iter()
        .position(|c| ["icao", "icao24", "hex"].contains(&c.as_str()));
    let parse = |n: usize, line: &str, col: usize| -> Result<u32, String> {
        let cell = line
            .split(',')
            .nth(col)
            .unwrap_or("")
            .trim()
            .trim_matches('"');
        let cell = cell.trim_start_matches('~');
        (cell.len() == 6)
            .then(|| u32::from_str_radix(cell, 16).ok())
            .flatten()
            .ok_or_else(|| {
                format!(
                    "watchlist: {path}:{}: {cell:?} is not an ICAO address (six hex digits)",
                    n + 1
                )
            })
    };
    let mut out = std::collections::BTreeSet::new();
    if column.is_none() {
        // No header: the first line is an aircraft too.
        out.insert(parse(0, first, 0)?);
    }
    for (n, line) in lines {
        out.insert(parse(n, line, column.unwrap_or(0))?);
    }
    Ok(out)
}

/// Whether `text` matches `pattern`, where `*` is any run of characters and `?` one.
fn glob(pattern: &[u8], text: &[u8]) -> bool {
    match (pattern.split_first(), text.split_first()) {
        (None, None) => true,
        (Some((b'*', rest)), _) => {
            glob(rest, text) || (!text.is_empty() && glob(pattern, &text[1..]))
        }
        (Some((b'?', rest)), Some((_, t))) => glob(rest, t),
        (Some((p, rest)), Some((c, t))) => p.eq_ignore_ascii_case(c) && glob(rest, t),
        _ => false,
    }
}

impl EventFilter {
    /// The `cooldown`, milliseconds, if any (applied by [`crate::DeliverySink`]).
    pub fn cooldown_ms(&self) -> Option<i64> {
        self.cooldown_ms
    }

    /// Whether the sink takes `event` (the cooldown aside).
    pub fn passes(&self, event: &Event) -> bool {
        let any = |list: &[String], value: Option<String>| {
            list.is_empty()
                || value.is_some_and(|v| list.iter().any(|p| glob(p.as_bytes(), v.as_bytes())))
        };
        (self.kinds.is_empty() || self.kinds.contains(&event.kind))
            && (self.zones.is_empty() || self.zones.contains(&event.zone_id))
            && any(&self.icao, event.icao24.map(|a| a.to_string()))
            && any(
                &self.callsigns,
                event.callsign.map(|c| c.as_str().to_string()),
            )
            && (self.squawks.is_empty()
                || event
                    .squawk
                    .as_ref()
                    .is_some_and(|s| self.squawks.contains(s)))
            && self
                .altitude
                .is_none_or(|range| within(range, event.alt_ft))
            && self
                .watchlist
                .as_ref()
                .is_none_or(|w| event.icao24.is_some_and(|a| w.contains(&a.0)))
            && self.near.is_none_or(|(lat, lon, km)| {
                Haversine.distance(Point::new(lon, lat), Point::new(event.lon, event.lat))
                    <= km * 1000.0
            })
            && self.passes_identity(event)
            && self.speed.is_none_or(|range| within(range, event.gs_kt))
            && (self.categories.is_empty()
                || event.category.is_some_and(|c| {
                    let c = c.to_string();
                    self.categories
                        .iter()
                        .any(|p| glob(p.as_bytes(), c.as_bytes()))
                }))
    }

    /// The conditions on who the aircraft is (the event's `aircraft` annotation).
    fn passes_identity(&self, event: &Event) -> bool {
        let who = event.aircraft.as_ref();
        let any = |list: &[String], value: Option<&String>| {
            list.is_empty()
                || value.is_some_and(|v| list.iter().any(|p| glob(p.as_bytes(), v.as_bytes())))
        };
        any(
            &self.registrations,
            who.and_then(|a| a.registration.as_ref()),
        ) && any(&self.types, who.and_then(|a| a.type_code.as_ref()))
            && any(&self.operators, who.and_then(|a| a.operator.as_ref()))
            && any(&self.countries, who.and_then(|a| a.country_code.as_ref()))
            && self
                .military
                .is_none_or(|m| who.is_some_and(|a| a.military.is_some()) == m)
            && self
                .interesting
                .is_none_or(|i| who.is_some_and(|a| a.interesting) == i)
    }
}

/// Whether `value` lies in the inclusive range (an open end takes everything that side).
fn within((low, high): (Option<f64>, Option<f64>), value: Option<f64>) -> bool {
    value.is_some_and(|v| low.is_none_or(|l| v >= l) && high.is_none_or(|h| v <= h))
}

/// `LOW..HIGH`, either end left out for open.
fn range(list: &str, what: &str) -> Result<(Option<f64>, Option<f64>), String> {
    let (low, high) = list.split_once("..").ok_or_else(|| {
        format!("{what}: {list:?} is a range LOW..HIGH (either end may be left out)")
    })?;
    let end = |t: &str| (!t.trim().is_empty()).then(|| number(t, what)).transpose();
    let (low, high) = (end(low)?, end(high)?);
    if let (Some(l), Some(h)) = (low, high) {
        if l > h {
            return Err(format!("{what}: {l} is above {h}"));
        }
    }
    Ok((low, high))
}

fn yes_no(list: &str, what: &str) -> Result<bool, String> {
    match list.trim().to_ascii_lowercase().as_str() {
        "yes" | "true" => Ok(true),
        "no" | "false" => Ok(false),
        other => Err(format!("{what}: {other:?} is yes or no")),
    }
}

/// Glob patterns of free text (registrations, types, operators): anything but a comma.
fn patterns(
    values: impl Iterator<Item = impl AsRef<str>>,
    what: &str,
) -> Result<Vec<String>, String> {
    values
        .map(|v| {
            let v = v.as_ref();
            if v.chars().any(char::is_control) {
                Err(format!("{what}: {v:?} holds a control character"))
            } else {
                Ok(v.to_string())
            }
        })
        .collect()
}

/// The conditions a filter knows, as errors list them.
const CONDITIONS: &str = "kinds, zones, icao, callsign, squawk, alt_ft, gs_kt, near, watchlist, registration, type, operator, country, military, interesting, category and cooldown";

fn number(text: &str, what: &str) -> Result<f64, String> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| format!("{what}: {text:?} is not a number"))
}

impl FromStr for EventFilter {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        let mut filter = EventFilter::default();
        for part in text.split(';').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, list) = part
                .split_once('=')
                .ok_or_else(|| format!("{part:?}: a condition is name=values"))?;
            filter.add_condition(key.trim(), list)?;
        }
        Ok(filter)
    }
}

impl EventFilter {
    /// Adds the condition `key` with its `,`-separated `list` of values (what `key=list` in a
    /// filter, or `key = list` in a rule file, says); `Err` says what is wrong with it.
    pub fn add_condition(&mut self, key: &str, list: &str) -> Result<(), String> {
        let filter = self;
        let values = list.split(',').map(str::trim).filter(|v| !v.is_empty());
        {
            match key {
                "kinds" => {
                    for v in values {
                        let kind = EventKind::from_name(v).ok_or_else(|| {
                            let known: Vec<&str> =
                                EventKind::ALL.iter().map(|k| k.as_str()).collect();
                            format!("unknown event kind {v:?}: use {}", known.join(", "))
                        })?;
                        filter.kinds.push(kind);
                    }
                }
                "zones" => filter.zones.extend(values.map(str::to_string)),
                "icao" => {
                    for v in values {
                        let hex = v.strip_suffix('*').unwrap_or(v);
                        if hex.len() > 6
                            || !hex.bytes().all(|b| b.is_ascii_hexdigit())
                            || (hex.len() < 6 && !v.ends_with('*'))
                        {
                            return Err(format!(
                                "icao: {v:?} is not six hex digits or a hex prefix ending in *"
                            ));
                        }
                        filter.icao.push(v.to_ascii_lowercase());
                    }
                }
                "callsign" => {
                    for v in values {
                        if v.len() > 8
                            || !v
                                .bytes()
                                .all(|b| b.is_ascii_alphanumeric() || b == b'*' || b == b'?')
                        {
                            return Err(format!("callsign: {v:?} is not a callsign pattern (up to 8 letters, digits, * and ?)"));
                        }
                        filter.callsigns.push(v.to_ascii_uppercase());
                    }
                }
                "squawk" => {
                    for v in values {
                        if v.len() != 4 || !v.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
                            return Err(format!(
                                "squawk: {v:?} is not a Mode A code (four octal digits, 0 to 7)"
                            ));
                        }
                        filter.squawks.push(v.to_string());
                    }
                }
                "alt_ft" => filter.altitude = Some(range(list, "alt_ft")?),
                "gs_kt" => filter.speed = Some(range(list, "gs_kt")?),
                "registration" => filter.registrations = patterns(values, "registration")?,
                "type" => filter.types = patterns(values, "type")?,
                "operator" => filter.operators = patterns(values, "operator")?,
                "country" => {
                    for v in values {
                        if v.len() != 2 || !v.bytes().all(|b| b.is_ascii_alphabetic()) {
                            return Err(format!("country: {v:?} is not an ISO 3166-1 alpha-2 code (two letters, e.g. RU)"));
                        }
                        filter.countries.push(v.to_ascii_uppercase());
                    }
                }
                "category" => {
                    for v in values {
                        let valid = v.parse::<nofly_model::EmitterCategory>().is_ok()
                            || (v.len() == 2
                                && v.ends_with('*')
                                && matches!(v.as_bytes()[0].to_ascii_uppercase(), b'A'..=b'D'));
                        if !valid {
                            return Err(format!("category: {v:?} is not an emitter category (A0 to D7, or a set as A*)"));
                        }
                        filter.categories.push(v.to_ascii_uppercase());
                    }
                }
                "military" => filter.military = Some(yes_no(list, "military")?),
                "interesting" => filter.interesting = Some(yes_no(list, "interesting")?),
                "near" => {
                    let parts: Vec<&str> = list.split(',').collect();
                    let [lat, lon, km] = parts[..] else {
                        return Err(format!("near: {list:?} is LAT,LON,KILOMETRES"));
                    };
                    let (lat, lon, km) = (
                        number(lat, "near")?,
                        number(lon, "near")?,
                        number(km, "near")?,
                    );
                    if !(-90.0..=90.0).contains(&lat)
                        || !(-180.0..=180.0).contains(&lon)
                        || km < 0.0
                    {
                        return Err(format!("near: {list:?}: latitude -90 to 90, longitude -180 to 180, a distance of 0 or more"));
                    }
                    filter.near = Some((lat, lon, km));
                }
                "watchlist" => filter.watchlist = Some(read_watchlist(list.trim())?),
                "cooldown" => {
                    let seconds = number(list, "cooldown")?;
                    if seconds < 0.0 {
                        return Err(format!("cooldown: {list:?} is not a number of seconds"));
                    }
                    filter.cooldown_ms = Some((seconds * 1000.0) as i64);
                }
                other => return Err(format!("{other:?}: the conditions are {CONDITIONS}")),
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nofly_model::{Callsign, EventTime, Icao24, SourceRef};

    fn event() -> Event {
        let time = EventTime::from_millis(1_700_000_000_000);
        Event {
            id: String::new(),
            kind: EventKind::Emergency,
            time,
            icao24: Some(Icao24(0x424396)),
            callsign: Callsign::new("AFL1000"),
            zone_id: "EE".into(),
            zone_name: "Estonia".into(),
            zone_version: "v".into(),
            zone_set: "s".into(),
            lat: 59.44,
            lon: 24.75,
            alt_ft: Some(35000.0),
            alt_unknown: false,
            on_ground: false,
            source: SourceRef::default(),
            position_source: None,
            sensor: None,
            predicted: None,
            exempt: false,
            distance_m: None,
            squawk: Some("7700".into()),
            nic: None,
            nacp: None,
            degraded: false,
            position_dispute: None,
            cell: None,
            same_instant: 0,
            aircraft: None,
            gs_kt: None,
            category: None,
        }
    }

    #[test]
    fn parses_and_filters_by_kind_and_zone() {
        let f: EventFilter = "kinds=enter, emergency; zones=EE".parse().unwrap();
        assert_eq!(f.kinds, [EventKind::Enter, EventKind::Emergency]);
        assert_eq!(f.zones, ["EE"]);
        assert!("kinds=landing"
            .parse::<EventFilter>()
            .unwrap_err()
            .contains("unknown event kind"));
        assert!("speed=1".parse::<EventFilter>().is_err());
        assert_eq!("".parse::<EventFilter>().unwrap(), EventFilter::default());
    }

    #[test]
    fn every_condition_must_hold_and_one_value_of_each_match() {
        let e = event();
        for passing in [
            "icao=4243*", "icao=424396,3c6586", "callsign=AFL*", "callsign=afl10?0", "squawk=7500,7700",
            "alt_ft=30000..", "alt_ft=..35000", "alt_ft=0..40000", "near=59.4,24.7,10",
            "kinds=emergency;zones=EE;icao=42*;callsign=AFL*;squawk=7700;alt_ft=34000..36000;near=59.44,24.75,0.1",
        ] {
            assert!(passing.parse::<EventFilter>().unwrap().passes(&e), "{passing}");
        }
        for failing in [
            "icao=3c*",
            "callsign=SDM*",
            "callsign=AFL10",
            "squawk=7600",
            "alt_ft=..20000",
            "near=59.4,24.7,1",
            "kinds=enter;icao=42*",
        ] {
            assert!(
                !failing.parse::<EventFilter>().unwrap().passes(&e),
                "{failing}"
            );
        }
        let mut unknown = e.clone();
        (unknown.alt_ft, unknown.squawk, unknown.callsign) = (None, None, None);
        for needs_a_value in ["alt_ft=0..", "squawk=7700", "callsign=*"] {
            assert!(
                !needs_a_value
                    .parse::<EventFilter>()
                    .unwrap()
                    .passes(&unknown),
                "{needs_a_value}"
            );
        }
    }

    #[test]
    fn watchlists_read_plane_alert_style_csv_and_name_bad_lines() {
        let dir = tempfile::tempdir().unwrap();
        let list = dir.path().join("list.csv");
        std::fs::write(&list, "# synthetic test list\n$Registration,$ICAO,$Operator\nRA-73191,424396,Aeroflot\nX,3C6586,Y\n").unwrap();
        let f: EventFilter = format!("watchlist={}", list.display()).parse().unwrap();
        assert!(f.passes(&event()));
        std::fs::write(&list, "3c6586\n4b1234\n").unwrap();
        let f: EventFilter = format!("watchlist={}", list.display()).parse().unwrap();
        assert!(
            !f.passes(&event()),
            "no header: every line an address, 424396 not among them"
        );
        std::fs::write(&list, "icao24,name\n424396,a\n42439,b\n").unwrap();
        let e = format!("watchlist={}", list.display())
            .parse::<EventFilter>()
            .unwrap_err();
        assert!(
            e.ends_with("list.csv:3: \"42439\" is not an ICAO address (six hex digits)"),
            "{e}"
        );
        assert!("watchlist=/no/such/file.csv"
            .parse::<EventFilter>()
            .unwrap_err()
            .contains("/no/such/file.csv"));
    }

    #[test]
    fn malformed_conditions_say_what_is_wrong() {
        for (bad, says) in [
            ("squawk=7800", "four octal digits"),
            ("squawk=770", "four octal digits"),
            ("icao=42439", "six hex digits"),
            ("icao=xyz*", "six hex digits"),
            ("callsign=AF-1", "callsign pattern"),
            ("alt_ft=1000", "a range"),
            ("alt_ft=5000..1000", "above"),
            ("alt_ft=a..", "not a number"),
            ("near=59,24", "LAT,LON,KILOMETRES"),
            ("near=99,24,5", "latitude -90 to 90"),
            ("speed=1", "the conditions are"),
        ] {
            let e = bad.parse::<EventFilter>().unwrap_err();
            assert!(e.contains(says), "{bad}: {e}");
        }
    }

    #[test]
    fn identity_speed_and_category_conditions() {
        let mut e = event();
        e.aircraft = Some(nofly_model::AircraftIdentity {
            registration: Some("RA-73191".into()),
            type_code: Some("A320".into()),
            operator: Some("Aeroflot".into()),
            country_code: Some("RU".into()),
            ..Default::default()
        });
        e.gs_kt = Some(430.0);
        e.category = "A3".parse().ok();
        let takes = |f: &str| f.parse::<EventFilter>().unwrap().passes(&e);
        assert!(takes(
            "registration=RA-*;type=A32?;operator=*flot;country=ru"
        ));
        assert!(takes(
            "military=no;interesting=no;gs_kt=400..;category=A3,B*"
        ));
        assert!(takes("category=a*"));
        assert!(!takes("military=yes"));
        assert!(!takes("country=US"));
        assert!(!takes("gs_kt=..250"));
        assert!(!takes("category=A7"));
        for (bad, message) in [
            ("category=E1", "category: \"E1\" is not an emitter category"),
            ("country=RUS", "country: \"RUS\" is not an ISO 3166-1"),
            ("military=maybe", "military: \"maybe\" is yes or no"),
        ] {
            let error = bad.parse::<EventFilter>().unwrap_err();
            assert!(error.starts_with(message), "{bad}: {error}");
        }
    }
}
