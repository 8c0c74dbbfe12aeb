//! EUROCAE ED-269 UAS geographical zones (JSON): every zone volume becomes one nofly zone.
//!
//! Accepted wrappers: a bare array of zones, `{"features": [...]}` (the EUROCAE file with
//! metadata), `{"UASZoneList": [...]}`, `{"uas_zones": [...]}` (EUROCONTROL's prototype API) and a
//! single zone object. Limits may be numbers, numeric strings or `null`; `applicability` may be a
//! list or one object, with `schedule` or `dailyPeriod` windows. A zone with several volumes gives
//! zones `ID/1`, `ID/2`, … each with its own band.

use crate::uas_common::{
    read_translated, unique_identifier, SeenIdentifiers, Translated, Translator, UasZone, Volume,
};
use crate::{ReadZones, ZoneProblem};
use serde_json::{json, Value};

/// The restrictions ED-269 defines (and the American spelling some files use).
const RESTRICTIONS: [&str; 5] = [
    "PROHIBITED",
    "REQ_AUTHORISATION",
    "REQ_AUTHORIZATION",
    "CONDITIONAL",
    "NO_RESTRICTION",
];

/// Where the zones are in an ED-269 document, and the JSON pointer of that list.
pub(crate) fn ed269_zones(root: &Value) -> Option<(Vec<&Value>, String)> {
    match root {
        Value::Array(a) => Some((a.iter().collect(), String::new())),
        Value::Object(m) => {
            for key in ["UASZoneList", "uas_zones", "features"] {
                if let Some(Value::Array(a)) = m.get(key) {
                    let is_geojson = a
                        .iter()
                        .any(|f| f.get("type").and_then(Value::as_str) == Some("Feature"));
                    if !is_geojson && a.iter().any(|z| z.get("identifier").is_some()) {
                        return Some((a.iter().collect(), format!("/{key}")));
                    }
                }
            }
            (m.contains_key("identifier") && m.get("geometry").is_some_and(Value::is_array))
                .then(|| (vec![root], String::new()))
        }
        _ => None,
    }
}

/// Reads an ED-269 document already parsed as JSON. `file` is only used in messages.
pub(crate) fn read_ed269(file: &str, root: &Value) -> ReadZones {
    let Some((zones, list_pointer)) = ed269_zones(root) else {
        return ReadZones {
            problems: vec![ZoneProblem::file_error(
                file,
                "no ED-269 zone list (UASZoneList, features, uas_zones or an array of zones)",
            )],
            ..ReadZones::default()
        };
    };
    let mut translated = Vec::new();
    let mut problems = Vec::new();
    let mut seen = SeenIdentifiers::new();
    for (index, zone) in zones.into_iter().enumerate() {
        let pointer = if list_pointer.is_empty() && !root.is_array() {
            String::new()
        } else {
            format!("{list_pointer}/{index}")
        };
        let mut t = Translator::new(file, index);
        let volumes = translate_zone(&mut t, &mut seen, zone, &pointer);
        if !t.has_errors() {
            translated.extend(volumes.into_iter().map(|(feature, ptr)| Translated {
                feature,
                index,
                pointer: ptr,
            }));
        }
        problems.append(&mut t.problems);
    }
    read_translated(file, translated, problems)
}

fn translate_zone(
    t: &mut Translator,
    seen: &mut SeenIdentifiers,
    zone: &Value,
    pointer: &str,
) -> Vec<(Value, String)> {
    if !zone.is_object() {
        t.error(pointer, "a zone must be an object");
        return Vec::new();
    }
    let Some(identifier) = t.required_str(zone, "identifier", pointer) else {
        return Vec::new();
    };
    let identifier = &unique_identifier(t, identifier, seen, &format!("{pointer}/identifier"));
    t.id = Some(identifier.to_string());
    let name = zone
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or(identifier)
        .to_string();
    let restriction = t
        .required_str(zone, "restriction", pointer)
        .map(str::to_ascii_uppercase);
    if let Some(r) = &restriction {
        if !RESTRICTIONS.contains(&r.as_str()) {
            t.error(&format!("{pointer}/restriction"), format!("{r:?} is not one of PROHIBITED, REQ_AUTHORISATION, CONDITIONAL, NO_RESTRICTION"));
        }
    }
    let mut active = Vec::new();
    let items: Vec<&Value> = match zone.get("applicability") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a.iter().collect(),
        Some(one) => vec![one],
    };
    let list = zone.get("applicability").is_some_and(Value::is_array);
    for (i, item) in items.into_iter().enumerate() {
        let ptr = if list {
            format!("{pointer}/applicability/{i}")
        } else {
            format!("{pointer}/applicability")
        };
        let permanent_only = item.get("permanent").and_then(Value::as_str) == Some("YES");
        if let Some(period) = t.period(item, &ptr) {
            let unrestricted =
                period.from.is_none() && period.to.is_none() && period.schedule.is_empty();
            if !(unrestricted && permanent_only) {
                active.push(period.to_json());
            }
        }
    }
    let Some(volumes) = zone
        .get("geometry")
        .and_then(Value::as_array)
        .filter(|v| !v.is_empty())
    else {
        t.error(
            &format!("{pointer}/geometry"),
            "required: a non-empty list of airspace volumes",
        );
        return Vec::new();
    };
    let zone_info = UasZone {
        identifier,
        name: &name,
        format: "ED-269",
        restriction: restriction.as_deref(),
        country: zone.get("country").and_then(Value::as_str),
        active: &active,
        volumes: volumes.len(),
    };
    let mut out = Vec::new();
    for (v, volume) in volumes.iter().enumerate() {
        let ptr = format!("{pointer}/geometry/{v}");
        let Some(unit) = t.unit(
            volume.get("uomDimensions"),
            &format!("{ptr}/uomDimensions"),
            None,
        ) else {
            continue;
        };
        let lower = t.limit(
            volume.get("lowerLimit"),
            unit,
            volume.get("lowerVerticalReference"),
            (
                &format!("{ptr}/lowerLimit"),
                &format!("{ptr}/lowerVerticalReference"),
            ),
            "SFC",
        );
        let upper = t.limit(
            volume.get("upperLimit"),
            unit,
            volume.get("upperVerticalReference"),
            (
                &format!("{ptr}/upperLimit"),
                &format!("{ptr}/upperVerticalReference"),
            ),
            "UNL",
        );
        let Some(geometry) = projection(
            t,
            volume.get("horizontalProjection"),
            &format!("{ptr}/horizontalProjection"),
        ) else {
            continue;
        };
        let (Some(lower), Some(upper)) = (lower, upper) else {
            continue;
        };
        let (geometry, radius_m) = geometry;
        let volume = Volume {
            index: v,
            lower,
            upper,
            geometry,
            radius_m,
        };
        out.push((zone_info.feature(volume), ptr));
    }
    out
}

/// A `horizontalProjection`: a GeoJSON Polygon, or `{"type": "Circle", "center": [lon, lat],
/// "radius": metres}` (returned as a Point and its radius).
fn projection(
    t: &mut Translator,
    value: Option<&Value>,
    pointer: &str,
) -> Option<(Value, Option<f64>)> {
    let Some(value) = value.filter(|v| v.is_object()) else {
        t.error(pointer, "required: a Polygon or a Circle");
        return None;
    };
    match value.get("type").and_then(Value::as_str) {
        Some("Polygon" | "MultiPolygon") => Some((value.clone(), None)),
        Some("Circle") => {
            let radius = value
                .get("radius")
                .and_then(Value::as_f64)
                .filter(|r| r.is_finite() && *r > 0.0);
            let Some(radius) = radius else {
                t.error(
                    &format!("{pointer}/radius"),
                    "a Circle needs a positive radius in metres",
                );
                return None;
            };
            let Some(center) = value.get("center").filter(|c| c.is_array()) else {
                t.error(
                    &format!("{pointer}/center"),
                    "a Circle needs its center [longitude, latitude]",
                );
                return None;
            };
            Some((
                json!({"type": "Point", "coordinates": center}),
                Some(radius),
            ))
        }
        other => {
            t.error(
                &format!("{pointer}/type"),
                format!(
                    "{} is not a horizontal projection: use Polygon or Circle",
                    other.unwrap_or("a missing type")
                ),
            );
            None
        }
    }
}
