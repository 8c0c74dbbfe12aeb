//! Any bytes as readsb / dump1090 JSON (snapshots, JSON lines, traces): never panics, and every
//! entry is a report, ignored or a counted error.
#![no_main]
use libfuzzer_sys::fuzz_target;
use nofly_sources::{read_text, Format, ReadStats};

fuzz_target!(|data: &[u8]| {
    let mut stats = ReadStats::default();
    let mut n = 0u64;
    let _ = read_text(data, Format::ReadsbJson, "fuzz.json", 0, Default::default(), &mut stats, &mut |_| n += 1);
    assert_eq!(stats.reports, n);
    assert_eq!(stats.records, stats.reports + stats.ignored + stats.malformed);
});
