//! Any bytes as a report message from the stream: never panics, and whatever decodes encodes back
//! to a message that decodes to the same report.
#![no_main]
use libfuzzer_sys::fuzz_target;
use nofly_cluster::wire::{decode, encode};

fuzz_target!(|data: &[u8]| {
    if let Ok(r) = decode(data) {
        assert_eq!(decode(&encode(&r)).ok(), Some(r));
    }
});
