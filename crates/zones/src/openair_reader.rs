//! OpenAIR (v1 and v2) airspace files, as published by openAIP and used by gliding software.
//!
//! Each airspace is turned into a GeoJSON feature of nofly's own schema (docs/zones.md) and then
//! read by the GeoJSON reader, so the zone's definition, version hash and evidence are the same as for
//! a GeoJSON zone. Arcs (`DA`, `DB`) are geodesic on WGS84 and densified so that no point of the true
//! arc is more than [`ARC_TOLERANCE_M`] (1 m) from the polygon; a lone `DC` circle stays an exact
//! geodesic circle. A `DB` arc whose end lies at another distance from the centre than its start
//! (rounded published coordinates) gets a radius that changes linearly between the two.
//! Problems name the file and line.

use crate::geojson_reader::read_features;
use crate::{ReadZones, Severity, ZoneProblem};
use geo::{Bearing, Destination, Distance, Geodesic, Point};
use serde_json::{json, Map, Value};

/// Largest distance between a densified arc and the true arc, metres.
pub const ARC_TOLERANCE_M: f64 = 1.0;
const NM: f64 = 1852.0;

/// Whether a text looks like OpenAIR: its first command line starts with `AC `.
pub fn looks_like_openair(text: &str) -> bool {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('*'))
        .is_some_and(|l| l.starts_with("AC ") || l == "AC")
}

#[derive(Default)]
struct Airspace {
    line: usize,
    class: String,
    name: Option<String>,
    kind: Option<String>,
    upper: Option<(String, usize)>,
    lower: Option<(String, usize)>,
    active: Vec<Value>,
    extra: Map<String, Value>,
    points: Vec<(f64, f64)>,
    circle: Option<(f64, f64, f64)>,
    center: Option<(f64, f64)>,
    clockwise: bool,
    skip: Option<String>,
    /// An error was already reported for this airspace: it is not read.
    skip_error: bool,
}

/// Reads an OpenAIR file into zones. `file` is only used in messages.
pub fn read_openair(file: &str, text: &str) -> ReadZones {
    let mut problems = Vec::new();
    let mut airspaces: Vec<Airspace> = Vec::new();
    let problem = |severity, line: usize, field: &str, message: String| ZoneProblem {
        severity,
        file: file.to_string(),
        line: Some(line),
        feature: None,
        id: None,
        field: Some(field.to_string()),
        message,
    };
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        // Comments: whole lines starting with '*', and anything after a '*' elsewhere.
        let line = raw.split('*').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let (cmd, arg) = line
            .split_once(char::is_whitespace)
            .map_or((line, ""), |(c, a)| (c, a.trim()));
        if cmd == "AC" {
            airspaces.push(Airspace {
                line: n,
                class: arg.to_string(),
                clockwise: true,
                ..Airspace::default()
            });
            continue;
        }
        let Some(a) = airspaces.last_mut() else {
            problems.push(problem(
                Severity::Error,
                n,
                cmd,
                "a command before the first AC".into(),
            ));
            continue;
        };
        let mut fail = |field: &str, message: String| {
            problems.push(problem(Severity::Error, n, field, message))
        };
        match cmd {
            "AN" => a.name = Some(arg.to_string()),
            "AY" => a.kind = Some(arg.to_string()),
            "AH" | "AL" => {
                let slot = if cmd == "AH" {
                    &mut a.upper
                } else {
                    &mut a.lower
                };
                if let Some((_, first)) = slot {
                    let first = *first;
                    fail(cmd, format!("{cmd} given twice (lines {first} and {n}): refused rather than guessed"));
                    a.skip_error = true;
                }
                *slot = Some((arg.to_string(), n));
            }
            "AF" | "AG" | "AX" => drop(a.extra.insert(cmd.to_string(), json!(arg))),
            "AA" => match activation(arg) {
                Ok(Some(v)) => a.active.push(v),
                Ok(None) => {}
                Err(e) => fail("AA", e),
            },
            "SP" | "SB" | "AT" => {}
            "DY" => a.skip = Some(format!("line {n}: airways (DY) are not zones")),
            "V" => {
                let Some((key, value)) = arg.split_once('=') else {
                    fail("V", format!("{arg:?}: expected X=coordinate or D=+/-"));
                    continue;
                };
                match key.trim() {
                    "X" => match coordinate(value) {
                        Ok(c) => a.center = Some(c),
                        Err(e) => fail("V X", e),
                    },
                    "D" => a.clockwise = value.trim() != "-",
                    "W" | "Z" => {}
                    other => fail("V", format!("unknown variable {other:?}")),
                }
            }
            "DP" => match coordinate(arg) {
                Ok(c) => a.points.push(c),
                Err(e) => fail("DP", e),
            },
            "DC" => match (a.center, arg.trim().parse::<f64>()) {
                (Some((lat, lon)), Ok(r)) if r > 0.0 && r.is_finite() => {
                    a.circle = Some((lat, lon, r * NM))
                }
                (None, _) => fail("DC", "a circle needs its centre first (V X=)".into()),
                _ => fail("DC", format!("{arg:?} is not a radius in nautical miles")),
            },
            "DA" => {
                let parts: Vec<f64> = arg
                    .split(',')
                    .filter_map(|p| p.trim().parse().ok())
                    .collect();
                match (a.center, parts.as_slice()) {
                    (Some(c), [r, start, end]) if *r > 0.0 => {
                        let r = r * NM;
                        arc(c, r, *start, *end, a.clockwise, &mut a.points);
                    }
                    (None, _) => fail("DA", "an arc needs its centre first (V X=)".into()),
                    _ => fail(
                        "DA",
                        format!("{arg:?}: expected radius NM, start angle, end angle"),
                    ),
                }
            }
            "DB" => {
                let ends: Vec<&str> = arg.split(',').collect();
                match (a.center, ends.as_slice()) {
                    (Some(c), [p1, p2]) => match (coordinate(p1), coordinate(p2)) {
                        (Ok(p1), Ok(p2)) => {
                            let centre = Point::new(c.1, c.0);
                            let (from, to) = (Point::new(p1.1, p1.0), Point::new(p2.1, p2.0));
                            let radii = (
                                Geodesic.distance(centre, from),
                                Geodesic.distance(centre, to),
                            );
                            let first = a.points.len();
                            arc_between(
                                c,
                                radii,
                                Geodesic.bearing(centre, from),
                                Geodesic.bearing(centre, to),
                                a.clockwise,
                                &mut a.points,
                            );
                            // The arc starts and ends exactly on the given points.
                            a.points[first] = p1;
                            if let Some(last) = a.points.last_mut() {
                                *last = p2;
                            }
                        }
                        (Err(e), _) | (_, Err(e)) => fail("DB", e),
                    },
                    (None, _) => fail("DB", "an arc needs its centre first (V X=)".into()),
                    _ => fail(
                        "DB",
                        format!("{arg:?}: expected two coordinates separated by a comma"),
                    ),
                }
            }
            other => problems.push(problem(
                Severity::Warning,
                n,
                other,
                format!("unknown command {other:?} ignored"),
            )),
        }
    }
    let mut features = Vec::new();
    for a in airspaces {
        if a.skip_error {
            continue;
        }
        if let Some(why) = a.skip {
            problems.push(problem(
                Severity::Warning,
                a.line,
                "DY",
                format!("airspace {:?} skipped: {why}", a.name.unwrap_or_default()),
            ));
            continue;
        }
        match feature(&a) {
            Ok((f, notes)) => {
                for note in notes {
                    problems.push(problem(Severity::Warning, a.line, "AH/AL", note));
                }
                features.push(f);
            }
            Err((line, field, message)) => {
                problems.push(problem(Severity::Error, line, field, message))
            }
        }
    }
    let mut read = read_features(file, &features);
    problems.append(&mut read.problems);
    read.problems = problems;
    read
}

/// Appends the geodesic arc around `c` of radius `r` metres from bearing `start` to `end` (degrees),
/// clockwise or not, both ends included, with points close enough for [`ARC_TOLERANCE_M`].
fn arc(c: (f64, f64), r: f64, start: f64, end: f64, clockwise: bool, out: &mut Vec<(f64, f64)>) {
    arc_between(c, (r, r), start, end, clockwise, out);
}

/// [`arc`] whose radius goes linearly from `radii.0` to `radii.1`: a `DB` arc whose end point is
/// not quite at the start point's distance from the centre (published data rounds coordinates)
/// then meets both points instead of jumping at the end.
fn arc_between(
    c: (f64, f64),
    radii: (f64, f64),
    start: f64,
    end: f64,
    clockwise: bool,
    out: &mut Vec<(f64, f64)>,
) {
    let r = radii.0.max(radii.1);
    let sweep = if clockwise {
        (end - start).rem_euclid(360.0)
    } else {
        -(start - end).rem_euclid(360.0)
    };
    let sweep = if sweep == 0.0 {
        if clockwise {
            360.0
        } else {
            -360.0
        }
    } else {
        sweep
    };
    let max_step = (2.0 * (1.0 - ARC_TOLERANCE_M / r).clamp(-1.0, 1.0).acos())
        .to_degrees()
        .clamp(0.1, 10.0);
    let steps = (sweep.abs() / max_step).ceil().max(1.0) as usize;
    let centre = Point::new(c.1, c.0);
    for k in 0..=steps {
        let f = k as f64 / steps as f64;
        let bearing = start + sweep * f;
        let p = Geodesic.destination(centre, bearing, radii.0 + (radii.1 - radii.0) * f);
        out.push((p.y(), p.x()));
    }
}

fn feature(a: &Airspace) -> Result<(Value, Vec<String>), (usize, &'static str, String)> {
    let name = a.name.clone().unwrap_or_default();
    // The name, not the line, so that editing other airspaces of the file keeps this one's id (and
    // a reload keeps aircraft's stays); repeated names become `NAME#2`, … (geojson_reader).
    let id = slug(&name).unwrap_or_else(|| format!("AIRSPACE-LINE-{}", a.line));
    let mut notes = Vec::new();
    let upper = a.upper.as_ref().ok_or((
        a.line,
        "AH",
        format!("airspace {name:?} has no upper limit (AH)"),
    ))?;
    let lower = a.lower.as_ref().ok_or((
        a.line,
        "AL",
        format!("airspace {name:?} has no lower limit (AL)"),
    ))?;
    let (upper_text, upper_note) = limit(&upper.0).map_err(|e| (upper.1, "AH", e))?;
    let (lower_text, lower_note) = limit(&lower.0).map_err(|e| (lower.1, "AL", e))?;
    notes.extend(upper_note);
    notes.extend(lower_note);
    let mut props = a.extra.clone();
    props.insert("id".into(), json!(id));
    props.insert("name".into(), json!(name));
    props.insert("kind".into(), json!(kind(&a.class)));
    props.insert("class".into(), json!(a.class));
    if let Some(t) = &a.kind {
        props.insert("type".into(), json!(t));
    }
    props.insert("lower".into(), json!(lower_text));
    props.insert("upper".into(), json!(upper_text));
    if !a.active.is_empty() {
        props.insert("active".into(), json!(a.active));
    }
    let geometry = if let (Some((lat, lon, r)), true) = (a.circle, a.points.is_empty()) {
        props.insert("radius_m".into(), json!(r));
        json!({"type": "Point", "coordinates": [lon, lat]})
    } else {
        let mut ring: Vec<Value> = a
            .points
            .iter()
            .map(|(lat, lon)| json!([lon, lat]))
            .collect();
        if a.points.len() < 3 {
            return Err((
                a.line,
                "DP",
                format!(
                    "airspace {name:?} has {} points, a polygon needs at least 3",
                    a.points.len()
                ),
            ));
        }
        if a.points.first() != a.points.last() {
            ring.push(ring[0].clone());
        }
        json!({"type": "Polygon", "coordinates": [ring]})
    };
    Ok((
        json!({"type": "Feature", "properties": props, "geometry": geometry}),
        notes,
    ))
}

/// The name in capitals with runs of other characters as one `-`; `None` when nothing is left.
fn slug(name: &str) -> Option<String> {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '-'
            }
        })
        .collect();
    let s = s
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    (!s.is_empty()).then_some(s)
}

fn kind(class: &str) -> &'static str {
    match class.trim() {
        "P" => "prohibited",
        "R" => "restricted",
        "Q" => "danger",
        _ => "custom",
    }
}

/// An OpenAIR altitude as a nofly limit string, with a note when its meaning had to be chosen.
fn limit(text: &str) -> Result<(String, Option<String>), String> {
    let t = text.trim().to_ascii_uppercase();
    let compact: String = t.split_whitespace().collect::<Vec<_>>().join(" ");
    match compact.as_str() {
        "GND" | "SFC" | "0" => return Ok(("SFC".into(), None)),
        "UNL" | "UNLTD" | "UNLIM" | "UNLIMITED" => return Ok(("UNL".into(), None)),
        "NOTAM" | "NOTAM AGL" => {
            return Err(format!(
                "limit {text:?}: set by NOTAM, which nofly cannot know; give the published value"
            ))
        }
        _ => {}
    }
    if let Some(fl) = compact.strip_prefix("FL") {
        let fl = fl.trim();
        if fl.is_empty() {
            return Err(format!("limit {text:?}: FL without a number"));
        }
        return Ok((
            format!(
                "FL{}",
                fl.parse::<u32>()
                    .map_err(|_| format!("limit {text:?}: bad flight level"))?
            ),
            None,
        ));
    }
    let split = compact
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(compact.len());
    let value: f64 = compact[..split]
        .parse()
        .map_err(|_| format!("limit {text:?}: no number"))?;
    let rest: Vec<&str> = compact[split..].split_whitespace().collect();
    let (unit, reference) = match rest.as_slice() {
        [] => ("ft", "MSL"),
        [u] if *u == "FT" || *u == "F" || *u == "M" => (if *u == "M" { "m" } else { "ft" }, "MSL"),
        [r] => ("ft", *r),
        [u, r, ..] => (if *u == "M" { "m" } else { "ft" }, *r),
    };
    let (unit, reference) = if let Some(u) = reference.strip_suffix("FT").filter(|_| unit == "ft") {
        (unit, u)
    } else {
        (unit, reference)
    };
    let reference = match reference {
        "MSL" | "AMSL" | "ALT" => "MSL",
        "AGL" | "GND" | "SFC" | "AAL" => "AGL",
        "STD" => {
            return Ok((
                format!("FL{}", (value / 100.0).round() as u32),
                Some(format!("limit {text:?} read as a flight level (STD)")),
            ))
        }
        other => return Err(format!("limit {text:?}: unknown reference {other:?}")),
    };
    Ok((format!("{value} {unit} {reference}"), None))
}

/// An `AA start/end` activation window (RFC 3339 times or NONE).
fn activation(arg: &str) -> Result<Option<Value>, String> {
    let Some((from, to)) = arg.split_once('/') else {
        return if arg.trim() == "NONE" {
            Ok(None)
        } else {
            Err(format!("{arg:?}: expected START/END"))
        };
    };
    let end = |t: &str| -> Result<Value, String> {
        let t = t.trim();
        if t == "NONE" {
            return Ok(Value::Null);
        }
        let full = if t.len() == 17 && t.ends_with('Z') {
            format!("{}:00Z", &t[..16])
        } else {
            t.to_string()
        };
        full.parse::<nofly_model::EventTime>()
            .map(|e| json!(e.to_rfc3339()))
            .map_err(|e| e.to_string())
    };
    let (from, to) = (end(from)?, end(to)?);
    if from.is_null() && to.is_null() {
        return Err("AA NONE/NONE is no window".into());
    }
    let mut obj = Map::new();
    if !from.is_null() {
        obj.insert("from".into(), from);
    }
    if !to.is_null() {
        obj.insert("to".into(), to);
    }
    Ok(Some(Value::Object(obj)))
}

/// `DD:MM:SS[.s] N DDD:MM:SS[.s] E`, also `DD:MM.mmm`, with or without spaces before the hemisphere.
fn coordinate(text: &str) -> Result<(f64, f64), String> {
    let t = text.trim().to_ascii_uppercase();
    let split = t
        .find(['N', 'S'])
        .ok_or_else(|| format!("{text:?}: no N or S"))?;
    let lat = dms(&t[..split], 90.0).map_err(|e| format!("{text:?}: latitude {e}"))?
        * if &t[split..=split] == "S" { -1.0 } else { 1.0 };
    let rest = t[split + 1..].trim();
    let hemi = rest
        .find(['E', 'W'])
        .ok_or_else(|| format!("{text:?}: no E or W"))?;
    let lon = dms(&rest[..hemi], 180.0).map_err(|e| format!("{text:?}: longitude {e}"))?
        * if &rest[hemi..=hemi] == "W" { -1.0 } else { 1.0 };
    Ok((lat, lon))
}

fn dms(text: &str, max: f64) -> Result<f64, String> {
    let parts: Vec<f64> = text
        .trim()
        .split(':')
        .map(|p| {
            p.trim()
                .parse::<f64>()
                .map_err(|_| format!("{p:?} is not a number"))
        })
        .collect::<Result<_, _>>()?;
    let (d, m, s) = match parts.as_slice() {
        [d] => (*d, 0.0, 0.0),
        [d, m] => (*d, *m, 0.0),
        [d, m, s] => (*d, *m, *s),
        _ => return Err("expected degrees:minutes:seconds".into()),
    };
    if m >= 60.0 || s >= 60.0 || m < 0.0 || s < 0.0 {
        return Err(format!(
            "minutes and seconds must be below 60 (found {m}:{s})"
        ));
    }
    let v = d + m / 60.0 + s / 3600.0;
    if v > max {
        return Err(format!("{v} is beyond {max}"));
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_in_every_published_spelling() {
        let l = |t: &str| limit(t).unwrap().0;
        assert_eq!(l("GND"), "SFC");
        assert_eq!(l("3500ft AMSL"), "3500 ft MSL");
        assert_eq!(l("2500FT AMSL"), "2500 ft MSL");
        assert_eq!(l("1000ft AGL"), "1000 ft AGL");
        assert_eq!(l("1000 ft GND"), "1000 ft AGL");
        assert_eq!(l("3000m AMSL"), "3000 m MSL");
        assert_eq!(l("FL 150"), "FL150");
        assert_eq!(l("FL095"), "FL95");
        assert_eq!(l("UNLTD"), "UNL");
        assert_eq!(l("5000"), "5000 ft MSL");
        assert!(limit("FL").is_err());
        assert!(limit("NOTAM").is_err());
    }

    #[test]
    fn coordinates_in_degrees_minutes_seconds_or_decimal_minutes() {
        let (lat, lon) = coordinate("52:07:36 N 013:23:34 E").unwrap();
        assert!((lat - 52.126_666).abs() < 1e-5 && (lon - 13.392_777).abs() < 1e-5);
        let (lat, lon) = coordinate("31:57.5S 092:39.25W").unwrap();
        assert!((lat + 31.958_333).abs() < 1e-5 && (lon + 92.654_166).abs() < 1e-5);
        assert!(coordinate("52:60:00 N 013:23:34 E").is_err());
        assert!(coordinate("52:07:36 013:23:34").is_err());
    }

    #[test]
    fn problems_carry_the_line_and_good_airspaces_survive() {
        let text = "AC R\nAN A\nAH FL100\nAL GND\nDP 52:00:00 N 013:00:00 E\nDP 52:10:00 N 013:00:00 E\nDP 52:10:00 N 013:10:00 E\n\
                    AC R\nAN B\nAH FL100\nAL GND\nDP 91:00:00 N 013:00:00 E\n\
                    AC Q\nAN C\nAH 2000ft\nAL SFC\nV X=52:00:00 N 013:00:00 E\nDC 2\n";
        let r = read_openair("t.txt", text);
        assert_eq!(r.zones.len(), 2, "{:?}", r.problems);
        assert!(
            matches!(r.zones[1].shape, nofly_model::Shape::Circle { radius_m, .. } if (radius_m - 3704.0).abs() < 1e-9)
        );
        let p = r
            .problems
            .iter()
            .find(|p| p.severity == Severity::Error)
            .unwrap();
        assert_eq!((p.line, p.field.as_deref()), (Some(12), Some("DP")));
    }
}
