//! Any bytes, in any chunking, as a Beast stream: frames come out 7 or 14 bytes long, never a panic,
//! and the frames do not depend on how the bytes were split.
#![no_main]
use libfuzzer_sys::fuzz_target;
use nofly_sources::BeastFramer;

fuzz_target!(|data: &[u8]| {
    let collect = |chunk: usize| {
        let mut framer = BeastFramer::default();
        let mut frames = Vec::new();
        for part in data.chunks(chunk.max(1)) {
            framer.push(part, &mut |f| {
                assert!(f.bytes.len() == 7 || f.bytes.len() == 14);
                frames.push(f.bytes.to_vec());
            });
        }
        frames
    };
    let whole = collect(data.len());
    let split = collect(1 + data.first().copied().unwrap_or(0) as usize % 7);
    assert_eq!(whole, split);
});
