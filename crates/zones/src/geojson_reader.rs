//! The GeoJSON zone format (docs/zones.md): a FeatureCollection of Polygon, MultiPolygon or
//! Point + `radius_m` features with aviation limits and activation intervals in their properties.
//!
//! The reader walks `serde_json::Value`s itself rather than deserialising into the `geojson` crate's
//! types: that crate stops at the first malformed geometry, while users need every problem of every
//! feature listed with its index, id and field, and the valid zones around it kept.

use crate::{Severity, ZoneProblem};
use geo_types::{Coord, LineString, MultiPolygon, Polygon};
use nofly_model::{
    ActiveInterval, EventTime, Exemptions, Icao24, Limit, Shape, TimeOfDay, VerticalBand,
    WeeklyWindow, Zone, ZoneKind, WEEKDAYS,
};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// The result of reading one zone file: the valid zones and every problem found.
#[derive(Debug, Clone, Default)]
pub struct ReadZones {
    /// Zones that passed validation, in file order.
    pub zones: Vec<Zone>,
    /// Canonical JSON (RFC 8785) of each valid zone's feature, hashed into its version.
    pub definitions: Vec<String>,
    /// Errors (the feature was not read) and warnings (it was).
    pub problems: Vec<ZoneProblem>,
}

impl ReadZones {
    /// Whether any problem is an error.
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(|p| p.severity == Severity::Error)
    }
}

/// Reads a GeoJSON FeatureCollection of zones. `file` is only used in messages.
pub fn read_geojson(file: &str, text: &str) -> ReadZones {
    match parse_json(file, text) {
        Ok(root) => read_collection(file, &root),
        Err(read) => read,
    }
}

/// Parses a JSON zone file; a syntax error is reported with its line.
pub(crate) fn parse_json(file: &str, text: &str) -> Result<Value, ReadZones> {
    serde_json::from_str(text).map_err(|e| ReadZones {
        problems: vec![file_problem(
            file,
            Some(e.line()),
            format!("not valid JSON: {e}"),
        )],
        ..ReadZones::default()
    })
}

fn file_problem(file: &str, line: Option<usize>, message: String) -> ZoneProblem {
    ZoneProblem {
        line,
        ..ZoneProblem::file_error(file, message)
    }
}

/// Reads nofly's GeoJSON schema from a parsed document.
pub(crate) fn read_collection(file: &str, root: &Value) -> ReadZones {
    if root.get("type").and_then(Value::as_str) != Some("FeatureCollection") {
        return ReadZones {
            problems: vec![file_problem(
                file,
                None,
                "the top level must be a GeoJSON FeatureCollection (or an ED-269 zone list)".into(),
            )],
            ..ReadZones::default()
        };
    }
    let Some(features) = root.get("features").and_then(Value::as_array) else {
        return ReadZones {
            problems: vec![file_problem(
                file,
                None,
                "`features` must be an array".into(),
            )],
            ..ReadZones::default()
        };
    };
    let mut read = read_features(file, features);
    for p in &mut read.problems {
        if let (Some(i), Some(field)) = (p.feature, &p.field) {
            p.field = Some(json_pointer(i, field));
        }
    }
    read
}

/// The JSON pointer (RFC 6901) of a feature's field written as a path: feature 3's
/// `properties.active[0].from` is `/features/3/properties/active/0/from`.
fn json_pointer(feature: usize, path: &str) -> String {
    let steps = path.replace(']', "").replace(['[', '.'], "/");
    format!("/features/{feature}/{steps}")
}

/// Reads zones from GeoJSON features of nofly's schema (also used by the other format readers,
/// which translate into such features).
pub(crate) fn read_features(file: &str, features: &[Value]) -> ReadZones {
    let mut out = ReadZones::default();
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (index, feature) in features.iter().enumerate() {
        let mut reader = FeatureReader {
            file,
            index,
            id: None,
            problems: Vec::new(),
        };
        let zone = reader.read(feature);
        if let Some(mut zone) = zone {
            // Files that publish one area as several vertical slices repeat its id (aixmParser's
            // GeoJSON does): the later ones are told apart as `id#2`, `id#3`, … in file order.
            let count = seen.entry(zone.id.clone()).or_insert(0);
            *count += 1;
            if *count > 1 {
                let renamed = format!("{}#{count}", zone.id);
                reader.report(
                    Severity::Warning,
                    "properties.id",
                    format!("id {:?} is used by an earlier feature of this file: this zone is {renamed:?}", zone.id),
                );
                zone.id = renamed;
            }
            out.problems.append(&mut reader.problems);
            out.definitions.push(canonical_json(feature));
            out.zones.push(zone);
        } else {
            out.problems.append(&mut reader.problems);
        }
    }
    out
}

/// RFC 8785 (JSON Canonicalization Scheme): keys sorted, no whitespace, numbers as ECMAScript
/// prints them, so that any language can recompute a zone's version.
pub(crate) fn canonical_json(v: &Value) -> String {
    serde_jcs::to_string(v).unwrap_or_else(|_| v.to_string())
}

struct FeatureReader<'a> {
    file: &'a str,
    index: usize,
    id: Option<String>,
    problems: Vec<ZoneProblem>,
}

impl FeatureReader<'_> {
    fn report(&mut self, severity: Severity, field: &str, message: impl Into<String>) {
        let at = (self.index, self.id.as_deref());
        let problem = ZoneProblem::in_feature(severity, self.file, at, field, message);
        self.problems.push(problem);
    }

    fn error(&mut self, field: &str, message: impl Into<String>) {
        self.report(Severity::Error, field, message);
    }

    fn read(&mut self, feature: &Value) -> Option<Zone> {
        if feature.get("type").and_then(Value::as_str) != Some("Feature") {
            self.error("type", "every member of `features` must be a Feature");
            return None;
        }
        let empty = Map::new();
        let props = match feature.get("properties") {
            Some(Value::Object(m)) => m,
            Some(Value::Null) | None => &empty,
            Some(_) => {
                self.error("properties", "must be an object");
                return None;
            }
        };
        self.id = match props.get("id").or_else(|| feature.get("id")) {
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
            _ => None,
        };
        if self.id.is_none() {
            self.error(
                "properties.id",
                "required: a non-empty string that identifies the zone",
            );
        }
        let errors_before = self.problems.len();
        let name = match props.get("name") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => {
                self.error("properties.name", "must be a string");
                None
            }
        };
        let kind = match props.get("kind") {
            None | Some(Value::Null) => ZoneKind::Custom,
            Some(Value::String(s)) => s.parse().unwrap_or_else(|()| {
                self.error("properties.kind", format!("unknown kind {s:?}: use one of prohibited, restricted, danger, tfr, conflict, uas, custom"));
                ZoneKind::Custom
            }),
            Some(_) => {
                self.error("properties.kind", "must be a string");
                ZoneKind::Custom
            }
        };
        let lower = self.limit(props, "lower", Limit::Surface);
        let upper = self.limit(props, "upper", Limit::Unlimited);
        let band = VerticalBand::new(lower, upper);
        if band.limits_comparable() && lower.feet() > upper.feet() {
            self.error(
                "properties.lower",
                format!("lower limit {lower} is above upper limit {upper}"),
            );
        }
        if band.uses_agl() {
            let agl = if matches!(lower, Limit::Agl(_)) {
                "lower"
            } else {
                "upper"
            };
            self.report(
                Severity::Warning,
                &format!("properties.{agl}"),
                "AGL limit compared as MSL: no terrain model is loaded (see docs/semantics.md)",
            );
        }
        let active = self.active(props.get("active"));
        let exempt = self.exemptions(props.get("exempt"));
        let shape = self.shape(feature.get("geometry"), props);
        if self.problems[errors_before..]
            .iter()
            .any(|p| p.severity == Severity::Error)
            || self.id.is_none()
        {
            return None;
        }
        let id = self.id.clone()?;
        let mut h = Sha256::new();
        h.update(canonical_json(feature).as_bytes());
        let version = hex::encode(&h.finalize()[..16]);
        Some(Zone {
            name: name.unwrap_or_else(|| id.clone()),
            id,
            kind,
            shape: shape?,
            band,
            active,
            version,
            exempt,
        })
    }

    /// `{"icao24": ["4b1805"], "callsigns": ["SWR*"], "squawks": ["7000"]}`, every member optional.
    fn exemptions(&mut self, value: Option<&Value>) -> Exemptions {
        let mut out = Exemptions::default();
        let Some(value) = value.filter(|v| !v.is_null()) else {
            return out;
        };
        let Some(obj) = value.as_object() else {
            self.error(
                "properties.exempt",
                "must be an object with `icao24`, `callsigns` and/or `squawks` lists",
            );
            return out;
        };
        for (key, items) in obj {
            let field = format!("properties.exempt.{key}");
            let Some(items) = items.as_array() else {
                self.error(&field, "must be a list of strings");
                continue;
            };
            for (i, item) in items.iter().enumerate() {
                let text = item.as_str().unwrap_or("");
                let bad = |what: &str| format!("{item} is not {what}");
                match key.as_str() {
                    "icao24" => match text.parse::<Icao24>() {
                        Ok(a) => out.icao24.push(a),
                        Err(_) => {
                            self.error(&format!("{field}[{i}]"), bad("a 24-bit address in hex"))
                        }
                    },
                    "callsigns" if !text.trim().is_empty() => {
                        out.callsigns.push(text.trim().to_string())
                    }
                    "squawks"
                        if text.len() == 4 && text.bytes().all(|b| (b'0'..=b'7').contains(&b)) =>
                    {
                        out.squawks.push(u16::from_str_radix(text, 8).unwrap_or(0));
                    }
                    "callsigns" => self.error(&format!("{field}[{i}]"), bad("a callsign pattern")),
                    "squawks" => self.error(&format!("{field}[{i}]"), bad("four octal digits")),
                    _ => {
                        self.error(&field, "unknown: use icao24, callsigns or squawks");
                        break;
                    }
                }
            }
        }
        out
    }

    fn limit(&mut self, props: &Map<String, Value>, key: &str, default: Limit) -> Limit {
        let field = format!("properties.{key}");
        match props.get(key) {
            None | Some(Value::Null) if props.contains_key(&format!("{key}Type")) => {
                self.aixm_limit(props, key).unwrap_or(default)
            }
            None | Some(Value::Null) => default,
            Some(Value::String(s)) => {
                s.parse().unwrap_or_else(|e: nofly_model::ParseLimitError| {
                    self.error(&field, e.to_string());
                    default
                })
            }
            Some(other) => {
                self.error(
                    &field,
                    format!("must be a string such as \"FL95\" or \"2500 ft MSL\", found {other}"),
                );
                default
            }
        }
    }

    /// A limit as aixmParser's GeoJSON writes it, from AIXM 4.5: `{key}Type` (ALT above mean sea
    /// level, HEI above ground, STD on the standard pressure setting), `{key}Value` and
    /// `{key}Unit` (FT, M or FL).
    fn aixm_limit(&mut self, props: &Map<String, Value>, key: &str) -> Option<Limit> {
        let text = |suffix: &str| match props.get(&format!("{key}{suffix}")) {
            Some(Value::String(s)) => Some(s.trim().to_ascii_uppercase()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        let field = format!("properties.{key}Type");
        let (Some(kind), Some(value), Some(unit)) = (text("Type"), text("Value"), text("Unit"))
        else {
            self.error(
                &field,
                "an AIXM limit needs all three of Type, Value and Unit",
            );
            return None;
        };
        let number: Option<f64> = value.parse().ok().filter(|v: &f64| v.is_finite());
        let limit = match (kind.as_str(), unit.as_str(), number) {
            (_, _, None) if value == "UNL" => Some(Limit::Unlimited),
            // AIXM writes the surface as a height or an altitude of zero (aixmParser prints SFC).
            ("HEI" | "ALT", _, Some(0.0)) => Some(Limit::Surface),
            ("STD", "FL", Some(v)) if (0.0..1000.0).contains(&v) && v.fract() == 0.0 => {
                Some(Limit::FlightLevel(v as u16))
            }
            // A pressure altitude on the standard setting in feet is a flight level in hundreds.
            ("STD", "FT", Some(v)) if (0.0..100_000.0).contains(&v) && v % 100.0 == 0.0 => {
                Some(Limit::FlightLevel((v / 100.0) as u16))
            }
            ("ALT" | "HEI", "FT" | "M", Some(v)) => {
                let text = format!(
                    "{v} {} {}",
                    unit.to_lowercase(),
                    if kind == "ALT" { "MSL" } else { "AGL" }
                );
                text.parse().ok()
            }
            _ => None,
        };
        if limit.is_none() {
            self.error(
                &field,
                format!("cannot read the AIXM limit {kind} {value} {unit}"),
            );
        }
        limit
    }

    fn active(&mut self, value: Option<&Value>) -> Vec<ActiveInterval> {
        let items = match value {
            None | Some(Value::Null) => return Vec::new(),
            Some(Value::Array(a)) => a,
            Some(_) => {
                self.error(
                    "properties.active",
                    "must be a list of {\"from\": time, \"to\": time}",
                );
                return Vec::new();
            }
        };
        if items.is_empty() {
            self.error(
                "properties.active",
                "an empty list would never be active: leave `active` out for always",
            );
        }
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let Some(obj) = item.as_object() else {
                self.error(
                    &format!("properties.active[{i}]"),
                    "must be an object with `from` and/or `to`",
                );
                continue;
            };
            let mut end = |key: &str| match obj.get(key) {
                None | Some(Value::Null) => None,
                Some(Value::String(s)) => s.parse::<EventTime>().map_or_else(
                    |e| {
                        self.error(&format!("properties.active[{i}].{key}"), e.to_string());
                        None
                    },
                    Some,
                ),
                Some(_) => {
                    self.error(
                        &format!("properties.active[{i}].{key}"),
                        "must be an RFC 3339 string",
                    );
                    None
                }
            };
            let (from, to) = (end("from"), end("to"));
            if let (Some(f), Some(t)) = (from, to) {
                if f >= t {
                    self.error(
                        &format!("properties.active[{i}]"),
                        format!("`from` {f} is not before `to` {t}"),
                    );
                }
            }
            let schedule = self.schedule(
                obj.get("schedule"),
                &format!("properties.active[{i}].schedule"),
            );
            out.push(ActiveInterval { from, to, schedule });
        }
        out
    }

    /// Weekly windows: `[{"days": ["SAT", "SUN"], "start": "17:00:00+02:00", "end": "24:00:00+02:00"}]`.
    fn schedule(&mut self, value: Option<&Value>, field: &str) -> Vec<WeeklyWindow> {
        let items = match value {
            None | Some(Value::Null) => return Vec::new(),
            Some(Value::Array(a)) if !a.is_empty() => a,
            Some(_) => {
                self.error(
                    field,
                    "must be a non-empty list of {\"days\", \"start\", \"end\"}",
                );
                return Vec::new();
            }
        };
        let mut out = Vec::new();
        for (w, item) in items.iter().enumerate() {
            let field = format!("{field}[{w}]");
            let days = match item.get("days").and_then(Value::as_array) {
                Some(days) if !days.is_empty() => days,
                _ => {
                    self.error(
                        &format!("{field}.days"),
                        "must be a non-empty list of MON..SUN or ANY",
                    );
                    continue;
                }
            };
            let mut mask = 0u8;
            for (d, day) in days.iter().enumerate() {
                match day.as_str().map(str::to_ascii_uppercase).as_deref() {
                    Some("ANY") => mask = 0x7f,
                    Some(name) if WEEKDAYS.contains(&name) => {
                        mask |= 1 << WEEKDAYS.iter().position(|x| *x == name).unwrap_or(0);
                    }
                    _ => self.error(
                        &format!("{field}.days[{d}]"),
                        format!("{day} is not one of MON, TUE, WED, THU, FRI, SAT, SUN, ANY"),
                    ),
                }
            }
            let mut time = |key: &str| -> Option<TimeOfDay> {
                let text = item.get(key).and_then(Value::as_str);
                match text.map(str::parse::<TimeOfDay>) {
                    Some(Ok(t)) if t.utc_offset_s.is_some() => Some(t),
                    Some(Ok(_)) => {
                        self.error(
                            &format!("{field}.{key}"),
                            "needs its UTC offset (`Z` or `±HH:MM`)",
                        );
                        None
                    }
                    Some(Err(e)) => {
                        self.error(&format!("{field}.{key}"), e.to_string());
                        None
                    }
                    None => {
                        self.error(
                            &format!("{field}.{key}"),
                            "required: a time of day such as \"17:00:00Z\"",
                        );
                        None
                    }
                }
            };
            let (Some(start), Some(end)) = (time("start"), time("end")) else {
                continue;
            };
            if start.utc_offset_s != end.utc_offset_s {
                self.error(&field, "`start` and `end` must have the same UTC offset");
                continue;
            }
            if start.ms == end.ms {
                self.error(&field, "`start` equals `end`: the window would be empty");
                continue;
            }
            out.push(WeeklyWindow {
                days: mask,
                start_ms: start.ms,
                end_ms: end.ms,
                utc_offset_s: start.utc_offset_s.unwrap_or(0),
            });
        }
        out
    }

    fn shape(&mut self, geometry: Option<&Value>, props: &Map<String, Value>) -> Option<Shape> {
        let Some(geometry) = geometry.filter(|g| !g.is_null()) else {
            self.error("geometry", "required");
            return None;
        };
        let kind = geometry.get("type").and_then(Value::as_str).unwrap_or("");
        let coords = geometry.get("coordinates");
        match kind {
            "Polygon" => {
                let p = self.polygon(coords, "geometry.coordinates")?;
                Some(Shape::Polygons(MultiPolygon(vec![p])))
            }
            "MultiPolygon" => {
                let Some(parts) = coords.and_then(Value::as_array).filter(|a| !a.is_empty()) else {
                    self.error(
                        "geometry.coordinates",
                        "a MultiPolygon needs a non-empty array of polygons",
                    );
                    return None;
                };
                let polys: Vec<Option<Polygon<f64>>> = parts
                    .iter()
                    .enumerate()
                    .map(|(i, p)| self.polygon(Some(p), &format!("geometry.coordinates[{i}]")))
                    .collect();
                polys
                    .into_iter()
                    .collect::<Option<Vec<_>>>()
                    .map(|v| Shape::Polygons(MultiPolygon(v)))
            }
            "Point" => {
                let c = self.position(coords, "geometry.coordinates")?;
                let radius = match props.get("radius_m") {
                    Some(Value::Number(n)) => n.as_f64().filter(|r| r.is_finite() && *r > 0.0),
                    _ => None,
                };
                let Some(radius_m) = radius else {
                    self.error(
                        "properties.radius_m",
                        "a Point zone needs `radius_m`, a positive number of metres",
                    );
                    return None;
                };
                Some(Shape::Circle {
                    lat: c.y,
                    lon: c.x,
                    radius_m,
                })
            }
            "" => {
                self.error("geometry.type", "missing");
                None
            }
            other => {
                self.error("geometry.type", format!("{other} is not a zone shape: use Polygon, MultiPolygon or Point with radius_m"));
                None
            }
        }
    }

    fn polygon(&mut self, value: Option<&Value>, field: &str) -> Option<Polygon<f64>> {
        let Some(rings) = value.and_then(Value::as_array).filter(|a| !a.is_empty()) else {
            self.error(field, "a polygon needs a non-empty array of rings");
            return None;
        };
        let mut out = Vec::with_capacity(rings.len());
        for (r, ring) in rings.iter().enumerate() {
            let field = format!("{field}[{r}]");
            let Some(points) = ring.as_array() else {
                self.error(&field, "a ring must be an array of positions");
                return None;
            };
            let coords: Vec<Coord<f64>> = points
                .iter()
                .enumerate()
                .map(|(i, p)| self.position(Some(p), &format!("{field}[{i}]")))
                .collect::<Option<_>>()?;
            if coords.len() < 4 {
                self.error(
                    &field,
                    format!(
                        "a ring needs at least 4 positions (a closed triangle), found {}",
                        coords.len()
                    ),
                );
                return None;
            }
            let (first, last) = (coords[0], coords[coords.len() - 1]);
            if first != last {
                self.error(
                    &field,
                    format!(
                        "ring is not closed: first position [{}, {}] differs from last [{}, {}]",
                        first.x, first.y, last.x, last.y
                    ),
                );
                return None;
            }
            out.push(LineString(coords));
        }
        let exterior = out.remove(0);
        let (west, east) = exterior
            .0
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(w, e), c| {
                (w.min(c.x), e.max(c.x))
            });
        if east - west > 180.0 {
            self.report(
                Severity::Warning,
                field,
                format!(
                    "spans {:.1}° of longitude: edges are straight in longitude/latitude, so a polygon meant to cross the antimeridian must be split into parts on either side (RFC 7946, 3.1.9)",
                    east - west
                ),
            );
        }
        Some(Polygon::new(exterior, out))
    }

    fn position(&mut self, value: Option<&Value>, field: &str) -> Option<Coord<f64>> {
        let Some(arr) = value.and_then(Value::as_array) else {
            self.error(field, "a position must be an array [longitude, latitude]");
            return None;
        };
        let nums: Vec<Option<f64>> = arr.iter().map(Value::as_f64).collect();
        let (Some(Some(lon)), Some(Some(lat))) = (nums.first(), nums.get(1)) else {
            self.error(
                field,
                "a position must start with two numbers [longitude, latitude]",
            );
            return None;
        };
        if !(-180.0..=180.0).contains(lon) {
            self.error(field, format!("longitude {lon} is outside -180..180"));
            return None;
        }
        if !(-90.0..=90.0).contains(lat) {
            self.error(field, format!("latitude {lat} is outside -90..90"));
            return None;
        }
        Some(Coord { x: *lon, y: *lat })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collection(features: &[&str]) -> String {
        format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            features.join(",")
        )
    }

    const SQUARE: &str = r#"{"type":"Feature","properties":{"id":"SQ","name":"Square","kind":"prohibited","lower":"SFC","upper":"FL95","active":[{"from":"2022-02-27T14:00:00Z"}]},
        "geometry":{"type":"Polygon","coordinates":[[[20,54],[21,54],[21,55],[20,55],[20,54]]]}}"#;

    #[test]
    fn reads_a_valid_zone() {
        let r = read_geojson("t.geojson", &collection(&[SQUARE]));
        assert!(r.problems.is_empty(), "{:?}", r.problems);
        let z = &r.zones[0];
        assert_eq!(
            (z.id.as_str(), z.name.as_str(), z.kind),
            ("SQ", "Square", ZoneKind::Prohibited)
        );
        assert_eq!(z.band.upper, Limit::FlightLevel(95));
        assert_eq!(z.active.len(), 1);
        assert_eq!(z.version.len(), 32);
    }

    #[test]
    fn keeps_good_features_and_names_the_bad_ones() {
        let open_ring = r#"{"type":"Feature","properties":{"id":"OPEN"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}}"#;
        let bad_unit = r#"{"type":"Feature","properties":{"id":"UNIT","upper":"3000 yd MSL"},"geometry":{"type":"Point","coordinates":[0,0]},"radius_m":5}"#;
        let bad_lat = r#"{"type":"Feature","properties":{"id":"LAT"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,91],[1,1],[0,0]]]}}"#;
        let r = read_geojson(
            "z.geojson",
            &collection(&[open_ring, SQUARE, bad_unit, bad_lat]),
        );
        assert_eq!(r.zones.len(), 1);
        assert_eq!(r.zones[0].id, "SQ");
        let msgs: Vec<String> = r.problems.iter().map(ToString::to_string).collect();
        assert!(msgs[0].starts_with("error: z.geojson: feature 0 (id \"OPEN\"): /features/0/geometry/coordinates/0: ring is not closed"), "{msgs:?}");
        assert!(
            msgs.iter().any(|m| m
                .contains("feature 2 (id \"UNIT\"): /features/2/properties/upper")
                && m.contains("unknown unit")),
            "{msgs:?}"
        );
        assert!(
            msgs.iter()
                .any(|m| m.contains("feature 3") && m.contains("latitude 91 is outside")),
            "{msgs:?}"
        );
    }

    #[test]
    fn syntax_errors_give_the_line() {
        let r = read_geojson(
            "s.geojson",
            "{\n\"type\": \"FeatureCollection\",\n\"features\": [\n}",
        );
        assert_eq!(r.problems[0].line, Some(4));
    }

    #[test]
    fn circles_holes_and_multipolygons() {
        let circle = r#"{"type":"Feature","properties":{"id":"C","radius_m":5000},"geometry":{"type":"Point","coordinates":[20.5,54.7]}}"#;
        let multi = r#"{"type":"Feature","properties":{"id":"M"},"geometry":{"type":"MultiPolygon","coordinates":[
            [[[0,0],[10,0],[10,10],[0,10],[0,0]],[[4,4],[6,4],[6,6],[4,6],[4,4]]], [[[20,0],[21,0],[21,1],[20,0]]]]}}"#;
        let r = read_geojson("c.geojson", &collection(&[circle, multi]));
        assert!(r.problems.is_empty(), "{:?}", r.problems);
        assert!(matches!(r.zones[0].shape, Shape::Circle { radius_m, .. } if radius_m == 5000.0));
        let Shape::Polygons(mp) = &r.zones[1].shape else {
            panic!()
        };
        assert_eq!((mp.0.len(), mp.0[0].interiors().len()), (2, 1));
    }

    #[test]
    fn a_polygon_wider_than_a_hemisphere_is_flagged() {
        let wide = r#"{"type":"Feature","properties":{"id":"W"},"geometry":{"type":"Polygon","coordinates":[[[170,-10],[-170,-10],[-170,10],[170,10],[170,-10]]]}}"#;
        let r = read_geojson("w.geojson", &collection(&[wide]));
        assert_eq!(r.zones.len(), 1);
        assert!(
            r.problems[0].message.contains("antimeridian"),
            "{:?}",
            r.problems
        );
    }

    #[test]
    fn exemptions_are_read_and_bad_ones_named() {
        let ok = r#"{"type":"Feature","properties":{"id":"E","radius_m":100,"exempt":{"icao24":["4B1805"],"callsigns":["SWR*"],"squawks":["7000"]}},"geometry":{"type":"Point","coordinates":[0,0]}}"#;
        let bad = r#"{"type":"Feature","properties":{"id":"B","radius_m":100,"exempt":{"squawks":["7009"]}},"geometry":{"type":"Point","coordinates":[0,0]}}"#;
        let r = read_geojson("e.geojson", &collection(&[ok, bad]));
        assert_eq!(r.zones.len(), 1);
        let e = &r.zones[0].exempt;
        assert_eq!(
            (e.icao24.len(), e.callsigns.len(), e.squawks.as_slice()),
            (1, 1, &[0o7000][..])
        );
        assert!(
            r.problems[0].to_string().contains(
                "/features/1/properties/exempt/squawks/0: \"7009\" is not four octal digits"
            ),
            "{}",
            r.problems[0]
        );
    }

    #[test]
    fn agl_is_a_warning_and_inverted_band_an_error() {
        let agl = r#"{"type":"Feature","properties":{"id":"A","upper":"500 ft AGL","radius_m":100},"geometry":{"type":"Point","coordinates":[0,0]}}"#;
        let inverted = r#"{"type":"Feature","properties":{"id":"I","lower":"FL100","upper":"5000 ft MSL","radius_m":100},"geometry":{"type":"Point","coordinates":[0,0]}}"#;
        let r = read_geojson("a.geojson", &collection(&[agl, inverted]));
        assert_eq!(r.zones.len(), 1);
        assert_eq!(r.problems[0].severity, Severity::Warning);
        assert!(r.problems[1].message.contains("above upper limit"));
    }
}
