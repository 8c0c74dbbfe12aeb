//! Any text as an alert rule file: never panics; an error names the file and a line that exists.
#![no_main]
use libfuzzer_sys::fuzz_target;
use nofly_sinks::AlertRules;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match AlertRules::parse("fuzz.rules", text) {
        Ok(rules) => {
            for r in &rules.rules {
                assert!(r.line >= 1 && r.line <= text.lines().count());
            }
        }
        Err(e) => {
            let line: usize = e
                .strip_prefix("fuzz.rules:")
                .and_then(|rest| rest.split(':').next())
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("no line in {e:?}"));
            assert!(line >= 1 && line <= text.lines().count(), "{e}");
        }
    }
});
