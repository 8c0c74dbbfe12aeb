//! Validity of zone polygons by the OGC simple-features rules (geo's `Validation`): rings that cross
//! themselves, holes outside their polygon, rings that overlap. Reported as warnings, not refused:
//! published airspace has such rings (OpenAIR files especially) and the point test's answer on them
//! is well defined (the even-odd rule, docs/zones.md). `nofly zones check` runs it; runs do not,
//! since on national-airspace polygons it costs more than reading a day of traffic.

use crate::{ReadZones, Severity, ZoneProblem};
use geo::Validation;
use nofly_model::Shape;

/// A warning for every validity problem of every polygon zone read from `file`.
pub fn geometry_problems(file: &str, read: &ReadZones) -> Vec<ZoneProblem> {
    let mut out = Vec::new();
    for zone in &read.zones {
        let Shape::Polygons(mp) = &zone.shape else {
            continue;
        };
        for (i, polygon) in mp.0.iter().enumerate() {
            for problem in polygon.validation_errors() {
                out.push(ZoneProblem {
                    severity: Severity::Warning,
                    file: file.to_string(),
                    line: None,
                    feature: None,
                    id: Some(zone.id.clone()),
                    field: Some(format!("polygon {i}")),
                    message: format!("{problem}: points are judged by the even-odd rule over all of the polygon's rings (see docs/zones.md, Geometry)"),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_self_intersecting_ring_is_a_warning_naming_the_zone() {
        let bow_tie = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"BOW"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[2,2],[2,0],[0,2],[0,0]]]}}]}"#;
        let read = crate::read_geojson("b.geojson", bow_tie);
        assert_eq!(read.zones.len(), 1);
        let problems = geometry_problems("b.geojson", &read);
        assert_eq!(problems.len(), 1);
        assert_eq!(
            problems[0].to_string(),
            "warning: b.geojson: zone \"BOW\": polygon 0: exterior ring has a self-intersection: points are judged by the even-odd rule over all of the polygon's rings (see docs/zones.md, Geometry)"
        );
    }
}
