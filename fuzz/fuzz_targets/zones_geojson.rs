//! Any text as a zone file of every format (nofly GeoJSON, OpenAIR, ED-269, ED-318, told apart by
//! content): zones or problems, never a panic. Seed it with data/zones/ (`fuzz/README.md`).
#![no_main]
use libfuzzer_sys::fuzz_target;
use nofly_model::Shape;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for read in [
        nofly_zones::read_geojson("fuzz.geojson", text),
        nofly_zones::read_openair("fuzz.txt", text),
        nofly_zones::read_zone_file("fuzz", text).1,
    ] {
    for z in &read.zones {
        if let Shape::Circle { radius_m, .. } = z.shape {
            assert!(radius_m > 0.0 && radius_m.is_finite());
        }
        assert!(!z.id.is_empty());
    }
    for p in &read.problems {
        let _ = p.to_string();
    }
    }
});
