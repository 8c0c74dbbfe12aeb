//! Any bytes as an RFC 3161 time-stamp token or response: checked or refused, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = nofly_evidence::timestamp::verify(data, b"checkpoint", &[]);
    let _ = nofly_evidence::timestamp::verify(data, b"checkpoint", &[data.to_vec()]);
    let _ = nofly_evidence::timestamp::token_of_response(data, b"checkpoint", 1 << 62);
});
