//! Any text as an altitude limit: parsed or refused with a reason; parsed limits print and re-parse.
#![no_main]
use libfuzzer_sys::fuzz_target;
use nofly_model::Limit;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(limit) = text.parse::<Limit>() {
        let again: Limit = limit.to_string().parse().expect("a printed limit parses");
        assert!((again.feet() - limit.feet()).abs() < 0.01 || again.feet() == limit.feet());
    }
});
