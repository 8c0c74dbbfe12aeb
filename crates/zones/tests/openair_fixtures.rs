//! The OpenAIR reader against openAIP's parser fixtures (data/zones/openair-fixtures): for every
//! fixture with an expected result, the same airspaces with areas within 0.5 % of the expected shapes.

use geo::orient::{Direction, Orient};
use geo::{GeodesicArea, Polygon};

/// Geodesic area of a polygon whatever its ring orientation (a clockwise ring would otherwise
/// measure the rest of the globe).
fn area(p: &Polygon<f64>) -> f64 {
    p.orient(Direction::Default).geodesic_area_unsigned()
}
use nofly_model::Shape;

fn fixtures() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/zones/openair-fixtures")
}

fn polygon_area(coords: &serde_json::Value) -> f64 {
    let ring: Vec<(f64, f64)> = coords[0]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p[0].as_f64().unwrap(), p[1].as_f64().unwrap()))
        .collect();
    area(&Polygon::new(ring.into(), vec![]))
}

#[test]
fn areas_match_the_expected_shapes() {
    let mut compared = 0;
    let mut report = Vec::new();
    for entry in std::fs::read_dir(fixtures()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let Some(stem) = name.strip_suffix("-result.json") else {
            continue;
        };
        let input = fixtures().join(format!("{stem}.txt"));
        if !input.exists() {
            continue;
        }
        let expected: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let polygons: Vec<&serde_json::Value> = expected["features"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["geometry"]["type"] == "Polygon")
            .collect();
        if polygons.is_empty() {
            continue; // results that are lines (invalid airspaces turned into line strings) are not zones
        }
        let read = nofly_zones::read_openair(&name, &std::fs::read_to_string(&input).unwrap());
        assert_eq!(
            read.zones.len(),
            polygons.len(),
            "{stem}: zones read, problems {:?}",
            read.problems
        );
        for (zone, want) in read.zones.iter().zip(&polygons) {
            let want_area = polygon_area(&want["geometry"]["coordinates"]);
            let got_area = match &zone.shape {
                Shape::Polygons(mp) => mp.0.iter().map(area).sum::<f64>(),
                Shape::Circle { radius_m, .. } => std::f64::consts::PI * radius_m * radius_m,
            };
            let diff = (got_area - want_area).abs() / want_area * 100.0;
            report.push(format!(
                "{stem}/{}: {got_area:.0} m² vs {want_area:.0} m² ({diff:.3} %)",
                zone.name
            ));
            assert!(
                diff < 0.5,
                "{stem} {}: area {got_area:.0} vs expected {want_area:.0} ({diff:.3} %)",
                zone.name
            );
            compared += 1;
        }
    }
    eprintln!("{}", report.join("\n"));
    assert!(compared >= 10, "only {compared} shapes compared");
}
