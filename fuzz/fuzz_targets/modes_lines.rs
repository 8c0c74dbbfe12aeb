//! Any bytes as AVR text and as `<unix seconds>,<hex>` lines: every line is a report, refused or a
//! counted error, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use nofly_sources::{read_text, Format, ReadStats};

fuzz_target!(|data: &[u8]| {
    for format in [Format::Avr, Format::ModesHex] {
        let mut stats = ReadStats::default();
        let mut n = 0u64;
        let _ = read_text(data, format, "fuzz", 0, Default::default(), &mut stats, &mut |_| n += 1);
        assert_eq!(stats.reports, n);
    }
});
