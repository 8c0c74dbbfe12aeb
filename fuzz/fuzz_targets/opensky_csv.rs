//! Any bytes as OpenSky CSV: never panics; positions that come out are valid.
#![no_main]
use libfuzzer_sys::fuzz_target;
use nofly_sources::{read_text, Format, ReadStats};

fuzz_target!(|data: &[u8]| {
    let mut stats = ReadStats::default();
    let _ = read_text(data, Format::OpenSkyCsv, "fuzz.csv", 0, Default::default(), &mut stats, &mut |r| {
        let (lat, lon) = r.position.expect("CSV reports always have a position");
        assert!((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon));
    });
});
