//! What the ED-269 and ED-318 readers share: they translate each UAS zone volume into a feature of
//! nofly's GeoJSON schema (docs/zones.md) and report problems with the JSON pointer of the field in
//! the original file.
//!
//! Conventions both formats leave open, and documented in docs/zones.md:
//! - a `null` or absent lower limit is the surface, a `null` or absent upper limit is unlimited;
//! - a daily window ending at `23:59:59` (or the leap second `23:59:60`) ends at midnight;
//! - a time of day without a UTC offset is UTC (both standards write UTC), with a warning;
//! - sunrise/sunset windows (`startEvent`/`endEvent`) are refused: the zone is not used, never
//!   widened to the whole day.

use crate::geojson_reader::read_features;
use crate::{ReadZones, Severity, ZoneProblem};
use nofly_model::{EventTime, TimeOfDay, WEEKDAYS};
use serde_json::{json, Map, Value};

/// Collects one zone's problems, pointing into the source file.
pub(crate) struct Translator<'a> {
    pub file: &'a str,
    /// Index of the zone in the file.
    pub index: usize,
    /// The zone's identifier, once known.
    pub id: Option<String>,
    pub problems: Vec<ZoneProblem>,
}

/// One activation period: `[from, to)` and its weekly windows (as nofly's schema writes them).
#[derive(Debug, Clone, Default)]
pub(crate) struct Period {
    pub from: Option<EventTime>,
    pub to: Option<EventTime>,
    pub schedule: Vec<Value>,
}

impl Period {
    /// The `active` item of nofly's schema.
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        if let Some(f) = self.from {
            m.insert("from".into(), json!(f.to_rfc3339()));
        }
        if let Some(t) = self.to {
            m.insert("to".into(), json!(t.to_rfc3339()));
        }
        if !self.schedule.is_empty() {
            m.insert("schedule".into(), Value::Array(self.schedule.clone()));
        }
        Value::Object(m)
    }

    /// Narrows the period to `[from, to)` (an ED-318 collection's validity).
    pub fn clamp(&mut self, from: Option<EventTime>, to: Option<EventTime>) {
        self.from = match (self.from, from) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        self.to = match (self.to, to) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }
}

impl<'a> Translator<'a> {
    pub fn new(file: &'a str, index: usize) -> Self {
        Translator {
            file,
            index,
            id: None,
            problems: Vec::new(),
        }
    }

    fn report(&mut self, severity: Severity, pointer: &str, message: impl Into<String>) {
        let at = (self.index, self.id.as_deref());
        let problem = ZoneProblem::in_feature(severity, self.file, at, pointer, message);
        self.problems.push(problem);
    }

    pub fn error(&mut self, pointer: &str, message: impl Into<String>) {
        self.report(Severity::Error, pointer, message);
    }

    pub fn warn(&mut self, pointer: &str, message: impl Into<String>) {
        self.report(Severity::Warning, pointer, message);
    }

    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(|p| p.severity == Severity::Error)
    }

    /// A required string member.
    pub fn required_str<'v>(
        &mut self,
        obj: &'v Value,
        key: &str,
        pointer: &str,
    ) -> Option<&'v str> {
        match obj.get(key) {
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim()),
            Some(other) if !other.is_null() => {
                self.error(
                    &format!("{pointer}/{key}"),
                    format!("must be a non-empty string, found {other}"),
                );
                None
            }
            _ => {
                self.error(&format!("{pointer}/{key}"), "required");
                None
            }
        }
    }

    /// The unit of a limit: `M`/`FT` (ED-269, required) or `m`/`ft` (ED-318, metres by default).
    pub fn unit(
        &mut self,
        value: Option<&Value>,
        pointer: &str,
        default: Option<&'static str>,
    ) -> Option<&'static str> {
        match value {
            None | Some(Value::Null) if default.is_some() => default,
            Some(Value::String(s)) if s.eq_ignore_ascii_case("m") => Some("m"),
            Some(Value::String(s)) if s.eq_ignore_ascii_case("ft") => Some("ft"),
            Some(other) => {
                self.error(pointer, format!("unit must be m or ft, found {other}"));
                None
            }
            None => {
                self.error(pointer, "required: the unit of the limits, M or FT");
                None
            }
        }
    }

    /// One limit as nofly writes it (`120 m AGL`); `absent` (SFC or UNL) when the value is null.
    pub fn limit(
        &mut self,
        value: Option<&Value>,
        unit: &str,
        reference: Option<&Value>,
        pointers: (&str, &str),
        absent: &str,
    ) -> Option<String> {
        let (value_ptr, ref_ptr) = pointers;
        let number = match value {
            None | Some(Value::Null) => return Some(absent.to_string()),
            Some(Value::Number(n)) => n.as_f64(),
            Some(Value::String(s)) => s.trim().parse::<f64>().ok(),
            Some(_) => None,
        };
        let Some(number) = number.filter(|n| n.is_finite()) else {
            self.error(
                value_ptr,
                format!("must be a number, found {}", value.unwrap_or(&Value::Null)),
            );
            return None;
        };
        let datum = match reference
            .and_then(Value::as_str)
            .map(str::to_ascii_uppercase)
            .as_deref()
        {
            Some("AGL") => "AGL",
            Some("AMSL" | "MSL") => "MSL",
            Some("WGS84") => "WGS84",
            _ => {
                self.error(
                    ref_ptr,
                    format!(
                        "vertical reference must be AGL, AMSL or WGS84, found {}",
                        reference.unwrap_or(&Value::Null)
                    ),
                );
                return None;
            }
        };
        Some(format!("{number} {unit} {datum}"))
    }

    /// A date-time member; leap seconds (`15:59:60`) are the first instant of the next minute.
    pub fn date_time(
        &mut self,
        obj: &Value,
        key: &str,
        pointer: &str,
    ) -> Result<Option<EventTime>, ()> {
        match obj.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => s.parse::<EventTime>().map(Some).map_err(|e| {
                self.error(&format!("{pointer}/{key}"), e.to_string());
            }),
            Some(other) => {
                self.error(
                    &format!("{pointer}/{key}"),
                    format!("must be an RFC 3339 date-time string, found {other}"),
                );
                Err(())
            }
        }
    }

    /// An applicability / limitedApplicability item: dates and weekly windows (`schedule`, or
    /// `dailyPeriod` as some ED-269 files write it).
    pub fn period(&mut self, item: &Value, pointer: &str) -> Option<Period> {
        if !item.is_object() {
            self.error(pointer, "must be an object");
            return None;
        }
        let from = self.date_time(item, "startDateTime", pointer).ok()?;
        let to = self.date_time(item, "endDateTime", pointer).ok()?;
        if let (Some(f), Some(t)) = (from, to) {
            if f >= t {
                self.error(
                    pointer,
                    format!("startDateTime {f} is not before endDateTime {t}"),
                );
                return None;
            }
        }
        let mut period = Period {
            from,
            to,
            schedule: Vec::new(),
        };
        for key in ["schedule", "dailyPeriod"] {
            let entries = match item.get(key) {
                None | Some(Value::Null) => continue,
                Some(Value::Array(a)) => a.iter().collect::<Vec<_>>(),
                Some(one @ Value::Object(_)) => vec![one],
                Some(other) => {
                    self.error(
                        &format!("{pointer}/{key}"),
                        format!("must be a list of daily periods, found {other}"),
                    );
                    return None;
                }
            };
            for (i, entry) in entries.into_iter().enumerate() {
                let ptr = format!("{pointer}/{key}/{i}");
                match self.daily(entry, &ptr) {
                    Ok(Some(window)) => period.schedule.push(window),
                    Ok(None) => {}
                    Err(()) => return None,
                }
            }
        }
        if item.get("permanent").and_then(Value::as_str) == Some("YES")
            && (from.is_some() || to.is_some() || !period.schedule.is_empty())
        {
            self.warn(
                &format!("{pointer}/permanent"),
                "permanent is YES but dates or a schedule are given: the dates and schedule are applied",
            );
        }
        Some(period)
    }

    /// One daily period: `Ok(None)` for the empty placeholder some files write (no days, no times).
    fn daily(&mut self, entry: &Value, pointer: &str) -> Result<Option<Value>, ()> {
        for key in ["startEvent", "endEvent"] {
            if entry.get(key).is_some_and(|v| !v.is_null()) {
                self.error(
                    &format!("{pointer}/{key}"),
                    "windows that open or close at sunrise, sunset or twilight are not supported: the zone is refused rather than widened to the whole day",
                );
                return Err(());
            }
        }
        let days: Vec<&Value> = match entry.get("day") {
            Some(Value::Array(a)) => a.iter().collect(),
            Some(one @ Value::String(_)) => vec![one],
            None | Some(Value::Null) => Vec::new(),
            Some(other) => {
                self.error(
                    &format!("{pointer}/day"),
                    format!("must be a list of MON..SUN or ANY, found {other}"),
                );
                return Err(());
            }
        };
        let start = entry.get("startTime").filter(|v| !v.is_null());
        let end = entry.get("endTime").filter(|v| !v.is_null());
        if days.is_empty() {
            if start.is_none() && end.is_none() {
                return Ok(None);
            }
            self.error(&format!("{pointer}/day"), "times are given but no day");
            return Err(());
        }
        let mut names = Vec::new();
        for (d, day) in days.iter().enumerate() {
            match day.as_str().map(str::to_ascii_uppercase) {
                Some(name) if name == "ANY" || WEEKDAYS.contains(&name.as_str()) => {
                    names.push(name)
                }
                _ => {
                    self.error(
                        &format!("{pointer}/day/{d}"),
                        format!("{day} is not one of MON, TUE, WED, THU, FRI, SAT, SUN, ANY"),
                    );
                    return Err(());
                }
            }
        }
        let mut time = |value: Option<&Value>, key: &str, default: u32| -> Result<TimeOfDay, ()> {
            let Some(value) = value else {
                return Ok(TimeOfDay {
                    ms: default,
                    utc_offset_s: None,
                });
            };
            let parsed = value.as_str().map(str::parse::<TimeOfDay>);
            match parsed {
                Some(Ok(t)) => {
                    if t.utc_offset_s.is_none() {
                        self.warn(&format!("{pointer}/{key}"), "no UTC offset: read as UTC");
                    }
                    Ok(t)
                }
                Some(Err(e)) => {
                    self.error(&format!("{pointer}/{key}"), e.to_string());
                    Err(())
                }
                None => {
                    self.error(
                        &format!("{pointer}/{key}"),
                        format!("must be a time string, found {value}"),
                    );
                    Err(())
                }
            }
        };
        let start = time(start, "startTime", 0)?;
        let mut end = time(end, "endTime", 86_400_000)?;
        // The last second of the day written as the day's end, as schedules often do.
        if end.ms >= 86_399_000 {
            end.ms = 86_400_000;
        }
        let offset = match (start.utc_offset_s, end.utc_offset_s) {
            (Some(a), Some(b)) if a != b => {
                self.error(pointer, "startTime and endTime have different UTC offsets");
                return Err(());
            }
            (a, b) => a.or(b).unwrap_or(0),
        };
        let write = |t: TimeOfDay| {
            TimeOfDay {
                ms: t.ms,
                utc_offset_s: Some(offset),
            }
            .to_text()
        };
        if start.ms == end.ms {
            self.error(
                pointer,
                "startTime equals endTime: the window would be empty",
            );
            return Err(());
        }
        Ok(Some(
            json!({"days": names, "start": write(start), "end": write(end)}),
        ))
    }
}

/// A translated zone volume: nofly's feature, the index of the zone in the source file, and the
/// JSON pointer of the volume there.
pub(crate) struct Translated {
    pub feature: Value,
    pub index: usize,
    pub pointer: String,
}

/// Reads translated features with nofly's own reader; a problem it finds is reported at the
/// source zone and volume.
pub(crate) fn read_translated(
    file: &str,
    translated: Vec<Translated>,
    mut problems: Vec<ZoneProblem>,
) -> ReadZones {
    let features: Vec<Value> = translated.iter().map(|t| t.feature.clone()).collect();
    let mut read = read_features(file, &features);
    for p in &mut read.problems {
        if let Some(t) = p.feature.and_then(|i| translated.get(i)) {
            p.feature = Some(t.index);
            p.field = Some(match &p.field {
                Some(f) => format!("{} ({f} once translated)", t.pointer),
                None => t.pointer.clone(),
            });
        }
    }
    problems.append(&mut read.problems);
    read.problems = problems;
    read
}

/// Identifiers already used in a file, so that a repeated one can be told apart.
pub(crate) type SeenIdentifiers = std::collections::HashMap<String, usize>;

/// The identifier a zone is known by in nofly: its own, or `identifier#n` for the n-th zone of
/// the file that repeats it (with a warning; ids must be unique within a zone set).
pub(crate) fn unique_identifier(
    t: &mut Translator,
    identifier: &str,
    seen: &mut SeenIdentifiers,
    pointer: &str,
) -> String {
    let count = seen.entry(identifier.to_string()).or_insert(0);
    *count += 1;
    if *count == 1 {
        identifier.to_string()
    } else {
        let id = format!("{identifier}#{count}");
        t.warn(pointer, format!("identifier {identifier:?} is used by an earlier zone of this file: this one is {id:?}"));
        id
    }
}

/// What a UAS zone says of all its volumes, as nofly's features carry it.
pub(crate) struct UasZone<'a> {
    pub identifier: &'a str,
    pub name: &'a str,
    /// `ED-269` or `ED-318`.
    pub format: &'static str,
    pub restriction: Option<&'a str>,
    pub country: Option<&'a str>,
    /// The `active` items of nofly's schema (empty: always active).
    pub active: &'a [Value],
    /// How many volumes the zone has.
    pub volumes: usize,
}

/// One volume of a UAS zone: what it is, its limits as nofly writes them, and its geometry (a
/// Point with `radius_m` for a circle).
pub(crate) struct Volume {
    pub index: usize,
    pub lower: String,
    pub upper: String,
    pub geometry: Value,
    pub radius_m: Option<f64>,
}

impl UasZone<'_> {
    /// The feature of nofly's schema for one volume: id `identifier` for a single volume,
    /// `identifier/1`, `identifier/2`, … otherwise, named "… (volume 2 of 3)".
    pub fn feature(&self, volume: Volume) -> Value {
        let (id, name) = if self.volumes == 1 {
            (self.identifier.to_string(), self.name.to_string())
        } else {
            let n = volume.index + 1;
            (
                format!("{}/{n}", self.identifier),
                format!("{} (volume {n} of {})", self.name, self.volumes),
            )
        };
        let mut p = Map::new();
        p.insert("id".into(), json!(id));
        p.insert("name".into(), json!(name));
        p.insert("kind".into(), json!("uas"));
        p.insert("lower".into(), json!(volume.lower));
        p.insert("upper".into(), json!(volume.upper));
        if !self.active.is_empty() {
            p.insert("active".into(), Value::Array(self.active.to_vec()));
        }
        p.insert("source_format".into(), json!(self.format));
        if let Some(r) = self.restriction {
            p.insert("restriction".into(), json!(r));
        }
        if let Some(c) = self.country {
            p.insert("country".into(), json!(c));
        }
        if let Some(r) = volume.radius_m {
            p.insert("radius_m".into(), json!(r));
        }
        json!({"type": "Feature", "properties": p, "geometry": volume.geometry})
    }
}
