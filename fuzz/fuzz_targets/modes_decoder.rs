//! Any 7 or 14 bytes as a Mode S frame, then through the tracker: refused or decoded, never a
//! panic; positions that come out are on the globe.
#![no_main]
use libfuzzer_sys::fuzz_target;
use nofly_modes::{decode, Repair, Tracked, Tracker};

fuzz_target!(|data: &[u8]| {
    let mut tracker = Tracker::new(Some((43.6, 1.4)));
    for (i, frame) in data.chunks(14).enumerate() {
        for f in [frame, &frame[..frame.len().min(7)]] {
            if let Ok(m) = decode(f, Repair::ExtendedSquitter) {
                if let Tracked::Accepted { position: Some((lat, lon)) } = tracker.update(i as i64 * 500, &m) {
                    assert!((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon), "{lat} {lon}");
                }
            }
        }
    }
});
