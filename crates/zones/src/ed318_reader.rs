//! EUROCAE ED-318 UAS geographical zones: a GeoJSON FeatureCollection whose geometries carry a
//! `layer` (vertical limits with their own references AGL, AMSL or WGS84) and whose properties
//! follow the ED-318 model. Every layered geometry becomes one nofly zone.
//!
//! Geometries: Polygon, MultiPolygon, Point with `extent: {"subType": "Circle", "radius": m}`, and
//! GeometryCollections of those (a layer on the collection applies to members without their own).
//! The collection's `metadata.validFrom`/`validTo` bound every zone's activation.

use crate::uas_common::{
    read_translated, unique_identifier, Period, SeenIdentifiers, Translated, Translator, UasZone,
    Volume,
};
use crate::{ReadZones, ZoneProblem};
use nofly_model::EventTime;
use serde_json::{json, Value};

/// ED-318 zone types (`REQ_AUTHORISATION`, ED-269's spelling, is accepted too).
const ZONE_TYPES: [&str; 6] = [
    "USPACE",
    "PROHIBITED",
    "REQ_AUTHORIZATION",
    "REQ_AUTHORISATION",
    "CONDITIONAL",
    "NO_RESTRICTION",
];

/// Whether a parsed GeoJSON FeatureCollection is ED-318 rather than nofly's own schema.
pub(crate) fn is_ed318(root: &Value) -> bool {
    let features = root.get("features").and_then(Value::as_array);
    features.is_some_and(|f| {
        f.iter().any(|feature| {
            let props = feature.get("properties");
            props.and_then(|p| p.get("identifier")).is_some()
                && props.and_then(|p| p.get("id")).is_none()
        })
    })
}

/// Reads an ED-318 FeatureCollection already parsed as JSON. `file` is only used in messages.
pub(crate) fn read_ed318(file: &str, root: &Value) -> ReadZones {
    let file_error = |field: &str, message: String| ZoneProblem {
        field: Some(field.to_string()),
        ..ZoneProblem::file_error(file, message)
    };
    let mut meta = Translator::new(file, 0);
    let metadata = root.get("metadata").cloned().unwrap_or(Value::Null);
    let valid_from = meta.date_time(&metadata, "validFrom", "/metadata");
    let valid_to = meta.date_time(&metadata, "validTo", "/metadata");
    let _ = meta.date_time(&metadata, "issued", "/metadata");
    // The collection's validity bounds every zone: without it no zone can be placed in time, so
    // the features are still checked (to list their problems) but none is used.
    let metadata_problems: Vec<ZoneProblem> = meta
        .problems
        .into_iter()
        .map(|p| {
            file_error(
                p.field.as_deref().unwrap_or(""),
                format!("{}; no zone of this file is used", p.message),
            )
        })
        .collect();
    let validity = (valid_from.ok().flatten(), valid_to.ok().flatten());
    let Some(features) = root.get("features").and_then(Value::as_array) else {
        return ReadZones {
            problems: vec![file_error(
                "/features",
                "required: an array of features".into(),
            )],
            ..ReadZones::default()
        };
    };
    let mut translated = Vec::new();
    let mut problems = metadata_problems.clone();
    let mut seen = SeenIdentifiers::new();
    for (index, feature) in features.iter().enumerate() {
        let mut t = Translator::new(file, index);
        let volumes = translate_feature(
            &mut t,
            &mut seen,
            feature,
            &format!("/features/{index}"),
            validity,
        );
        if !t.has_errors() && metadata_problems.is_empty() {
            translated.extend(volumes.into_iter().map(|(feature, pointer)| Translated {
                feature,
                index,
                pointer,
            }));
        }
        problems.append(&mut t.problems);
    }
    read_translated(file, translated, problems)
}

/// The text of a list of `{"text", "lang"}` in English when there is one, else the first;
/// every item must name its language.
fn localised(t: &mut Translator, props: &Value, key: &str, pointer: &str) -> Option<String> {
    let items = props.get(key)?.as_array()?;
    for (i, item) in items.iter().enumerate() {
        if item.get("lang").and_then(Value::as_str).is_none() {
            t.error(
                &format!("{pointer}/{key}/{i}/lang"),
                "required: the language of the text (e.g. en-GB)",
            );
        }
    }
    let text = |item: &&Value| item.get("text").and_then(Value::as_str).map(str::to_string);
    let english = items.iter().find(|i| {
        i.get("lang")
            .and_then(Value::as_str)
            .is_some_and(|l| l.starts_with("en"))
    });
    english
        .and_then(|e| text(&e))
        .or_else(|| items.first().and_then(|f| text(&f)))
}

fn translate_feature(
    t: &mut Translator,
    seen: &mut SeenIdentifiers,
    feature: &Value,
    pointer: &str,
    validity: (Option<EventTime>, Option<EventTime>),
) -> Vec<(Value, String)> {
    if feature.get("type").and_then(Value::as_str) != Some("Feature") {
        t.error(
            &format!("{pointer}/type"),
            "every member of `features` must be a Feature",
        );
        return Vec::new();
    }
    let props_ptr = format!("{pointer}/properties");
    let Some(props) = feature.get("properties").filter(|p| p.is_object()) else {
        t.error(&props_ptr, "required: the zone's properties");
        return Vec::new();
    };
    let Some(identifier) = t.required_str(props, "identifier", &props_ptr) else {
        return Vec::new();
    };
    let identifier = &unique_identifier(t, identifier, seen, &format!("{props_ptr}/identifier"));
    t.id = Some(identifier.to_string());
    match t.required_str(props, "country", &props_ptr) {
        Some(c) if c.chars().count() != 3 => t.error(
            &format!("{props_ptr}/country"),
            format!("{c:?} is not an ISO 3166 alpha-3 code"),
        ),
        _ => {}
    }
    let zone_type = t
        .required_str(props, "type", &props_ptr)
        .map(str::to_ascii_uppercase);
    if let Some(z) = &zone_type {
        if !ZONE_TYPES.contains(&z.as_str()) {
            t.error(&format!("{props_ptr}/type"), format!("{z:?} is not one of USPACE, PROHIBITED, REQ_AUTHORIZATION, CONDITIONAL, NO_RESTRICTION"));
        }
    }
    if let Some(v) = t.required_str(props, "variant", &props_ptr) {
        if v != "COMMON" && v != "CUSTOMIZED" {
            t.error(
                &format!("{props_ptr}/variant"),
                format!("{v:?} is not COMMON or CUSTOMIZED"),
            );
        }
    }
    if props
        .get("zoneAuthority")
        .and_then(Value::as_array)
        .is_none_or(|a| a.is_empty())
    {
        t.error(
            &format!("{props_ptr}/zoneAuthority"),
            "required: at least one authority",
        );
    }
    let name = localised(t, props, "name", &props_ptr).unwrap_or_else(|| identifier.to_string());
    for key in ["otherReasonInfo", "message"] {
        localised(t, props, key, &props_ptr);
    }
    let mut periods: Vec<Period> = Vec::new();
    match props.get("limitedApplicability") {
        None | Some(Value::Null) => periods.push(Period::default()),
        Some(Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                if let Some(p) = t.period(item, &format!("{props_ptr}/limitedApplicability/{i}")) {
                    periods.push(p);
                }
            }
        }
        Some(other) => t.error(
            &format!("{props_ptr}/limitedApplicability"),
            format!("must be a list of time periods, found {other}"),
        ),
    }
    for p in &mut periods {
        p.clamp(validity.0, validity.1);
    }
    periods.retain(|p| p.from.zip(p.to).is_none_or(|(f, to)| f < to));
    if periods.is_empty() {
        t.error(
            &format!("{props_ptr}/limitedApplicability"),
            "no period falls within the collection's validFrom..validTo",
        );
    }
    let active: Vec<Value> = periods
        .iter()
        .filter(|p| p.from.is_some() || p.to.is_some() || !p.schedule.is_empty())
        .map(Period::to_json)
        .collect();

    let geo_ptr = format!("{pointer}/geometry");
    let Some(geometry) = feature.get("geometry").filter(|g| g.is_object()) else {
        t.error(&geo_ptr, "required");
        return Vec::new();
    };
    let members: Vec<(&Value, String, Option<&Value>)> =
        if geometry.get("type").and_then(Value::as_str) == Some("GeometryCollection") {
            let outer_layer = geometry.get("layer");
            match geometry
                .get("geometries")
                .and_then(Value::as_array)
                .filter(|g| !g.is_empty())
            {
                Some(g) => g
                    .iter()
                    .enumerate()
                    .map(|(i, m)| {
                        (
                            m,
                            format!("{geo_ptr}/geometries/{i}"),
                            m.get("layer").or(outer_layer),
                        )
                    })
                    .collect(),
                None => {
                    t.error(
                        &format!("{geo_ptr}/geometries"),
                        "a GeometryCollection needs a non-empty list of geometries",
                    );
                    return Vec::new();
                }
            }
        } else {
            vec![(geometry, geo_ptr.clone(), geometry.get("layer"))]
        };
    let zone_info = UasZone {
        identifier,
        name: &name,
        format: "ED-318",
        restriction: zone_type.as_deref(),
        country: props.get("country").and_then(Value::as_str),
        active: &active,
        volumes: members.len(),
    };
    let mut out = Vec::new();
    for (v, (member, ptr, layer)) in members.into_iter().enumerate() {
        let Some((lower, upper)) = layer_limits(t, layer, &ptr) else {
            continue;
        };
        let Some((geometry, radius)) = shape(t, member, &ptr) else {
            continue;
        };
        let volume = Volume {
            index: v,
            lower,
            upper,
            geometry,
            radius_m: radius,
        };
        out.push((zone_info.feature(volume), ptr));
    }
    out
}

/// The lower and upper limit of a layer, as nofly writes them.
fn layer_limits(
    t: &mut Translator,
    layer: Option<&Value>,
    pointer: &str,
) -> Option<(String, String)> {
    let Some(layer) = layer.filter(|l| !l.is_null()) else {
        t.warn(
            &format!("{pointer}/layer"),
            "no layer: the zone extends from the surface without upper limit",
        );
        return Some(("SFC".into(), "UNL".into()));
    };
    let lp = format!("{pointer}/layer");
    let unit = t.unit(layer.get("uom"), &format!("{lp}/uom"), Some("m"))?;
    let lower = t.limit(
        layer.get("lower"),
        unit,
        layer.get("lowerReference"),
        (&format!("{lp}/lower"), &format!("{lp}/lowerReference")),
        "SFC",
    );
    let upper = t.limit(
        layer.get("upper"),
        unit,
        layer.get("upperReference"),
        (&format!("{lp}/upper"), &format!("{lp}/upperReference")),
        "UNL",
    );
    Some((lower?, upper?))
}

/// A member geometry as nofly's schema writes it: polygons as they are, a Point with a circular
/// extent as a Point and its radius in metres.
fn shape(t: &mut Translator, geometry: &Value, pointer: &str) -> Option<(Value, Option<f64>)> {
    match geometry.get("type").and_then(Value::as_str) {
        Some("Polygon" | "MultiPolygon") => {
            let mut g = geometry.clone();
            if let Some(m) = g.as_object_mut() {
                m.remove("layer");
                m.remove("extent");
            }
            Some((g, None))
        }
        Some("Point") => {
            let extent = geometry.get("extent");
            if extent
                .and_then(|e| e.get("subType"))
                .and_then(Value::as_str)
                != Some("Circle")
            {
                t.error(
                    &format!("{pointer}/extent"),
                    "a Point zone needs an extent {\"subType\": \"Circle\", \"radius\": metres}",
                );
                return None;
            }
            let radius = extent
                .and_then(|e| e.get("radius"))
                .and_then(Value::as_f64)
                .filter(|r| r.is_finite() && *r > 0.0);
            let Some(radius) = radius else {
                t.error(
                    &format!("{pointer}/extent/radius"),
                    "must be a positive number of metres",
                );
                return None;
            };
            Some((
                json!({"type": "Point", "coordinates": geometry.get("coordinates")}),
                Some(radius),
            ))
        }
        other => {
            t.error(&format!("{pointer}/type"), format!("{} cannot bound a zone: use Polygon, MultiPolygon or Point with a Circle extent", other.unwrap_or("a missing type")));
            None
        }
    }
}
