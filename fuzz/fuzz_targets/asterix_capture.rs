//! Any bytes as an ASTERIX recording (pcap, pcapng or raw blocks, sniffed from the first bytes):
//! never panics; every record is a report, ignored or a counted error.
#![no_main]
use libfuzzer_sys::fuzz_target;
use nofly_sources::{read_text, Format, ReadStats};

fuzz_target!(|data: &[u8]| {
    let mut stats = ReadStats::default();
    let mut n = 0u64;
    let _ = read_text(
        data,
        Format::Asterix,
        "fuzz.ast",
        0,
        Default::default(),
        &mut stats,
        &mut |r| {
            assert!(r
                .position
                .is_none_or(|(lat, lon)| lat.is_finite() && lon.is_finite()));
            n += 1
        },
    );
    assert_eq!(stats.reports, n);
    assert_eq!(
        stats.records,
        stats.reports + stats.ignored + stats.malformed
    );
});
