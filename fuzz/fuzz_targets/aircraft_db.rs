//! Any bytes as an aircraft database file (tar1090 or OpenSky CSV, gzipped or not): never panics;
//! every record is loaded or named as a problem, and every loaded address is a 24-bit one.
#![no_main]
use libfuzzer_sys::fuzz_target;
use nofly_aircraft::AircraftDb;

fuzz_target!(|data: &[u8]| {
    if let Ok(db) = AircraftDb::parse("fuzz.csv", data) {
        for (icao, _) in db.iter() {
            assert!(icao <= 0xFF_FFFF);
        }
        for p in &db.problems {
            assert!(p.place.starts_with("fuzz.csv:"), "{p}");
        }
    }
});
