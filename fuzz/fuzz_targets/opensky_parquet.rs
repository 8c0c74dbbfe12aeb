//! Any bytes as an OpenSky Parquet file: refused or read, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use nofly_sources::{read_parquet_bytes, ReadStats};

fuzz_target!(|data: &[u8]| {
    let mut stats = ReadStats::default();
    let _ = read_parquet_bytes(data.to_vec(), "fuzz.parquet", 0, &mut stats, &mut |r| {
        let (lat, lon) = r.position.expect("Parquet reports always have a position");
        assert!((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon));
    });
});
