//! Navigation integrity and accuracy on the real LAX recording, against pyModeS 2.22
//! (data/modes/golden_lax_integrity.jsonl.gz, written by scripts/golden_integrity.py): version,
//! NIC supplements A, B and C, NACp of TC 29 and 31, and the NIC of every airborne position given
//! what its aircraft last said of its version and supplement A.

use nofly_modes::{decode, Repair, Tracker};
use std::io::{BufRead, BufReader};

#[test]
fn integrity_fields_agree_with_pymodes() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/modes/golden_lax_integrity.jsonl.gz"
    );
    let file = flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap());
    let mut tracker = Tracker::new(None);
    let (mut messages, mut nics, mut nacps) = (0, 0, 0);
    for (i, line) in BufReader::new(file).lines().enumerate() {
        let line = line.unwrap();
        let g: serde_json::Value = serde_json::from_str(&line).unwrap();
        let mut buf = [0u8; 14];
        nofly_modes::hex_to_bytes(g["hex"].as_str().unwrap(), &mut buf).unwrap();
        let m = decode(&buf, Repair::None).unwrap();
        tracker.update(i as i64 * 10, &m);
        let flag = |v: Option<bool>| v.map(u64::from);
        match g["tc"].as_u64().unwrap() {
            31 => {
                assert_eq!(
                    m.adsb_version.map(u64::from),
                    g["version"].as_u64(),
                    "{line}"
                );
                if let Some(a) = g["nic_a"].as_u64() {
                    assert_eq!(flag(m.nic_supplement_a), Some(a), "{line}");
                }
                assert_eq!(m.nacp.map(u64::from), g["nacp"].as_u64(), "{line}");
                if let Some(c) = g["nic_c"].as_u64() {
                    assert_eq!(flag(m.nic_supplement_c), Some(c), "{line}");
                }
            }
            29 => assert_eq!(m.nacp.map(u64::from), g["nacp"].as_u64(), "{line}"),
            _ => {
                assert_eq!(flag(m.nic_supplement_b), g["nic_b"].as_u64(), "{line}");
                if let Some(nic) = g["nic"].as_u64() {
                    assert_eq!(tracker.integrity(&m).0.map(u64::from), Some(nic), "{line}");
                    nics += 1;
                }
            }
        }
        nacps += usize::from(g["nacp"].is_u64());
        messages += 1;
    }
    assert!(
        messages > 30_000 && nics > 20_000 && nacps > 10_000,
        "{messages} {nics} {nacps}"
    );
}
