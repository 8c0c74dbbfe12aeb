//! Every field of 3,000 real DF17/18 messages recorded near LAX agrees with the values on which two
//! independent decoders (rs1090 and pyModeS) agree (data/modes/golden_lax_df17_agreed.jsonl).

use nofly_modes::{decode, Repair};

fn hex(s: &str) -> Vec<u8> {
    let mut buf = [0u8; 14];
    let n = nofly_modes::hex_to_bytes(s, &mut buf).expect("test frames are hex");
    buf[..n].to_vec()
}

#[test]
fn every_field_of_the_golden_lax_messages() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/modes/golden_lax_df17_agreed.jsonl"
    );
    let mut checked = 0;
    let mut fields = 0;
    for line in std::fs::read_to_string(path).unwrap().lines() {
        let g: serde_json::Value = serde_json::from_str(line).unwrap();
        let m = decode(&hex(g["hex"].as_str().unwrap()), Repair::None)
            .unwrap_or_else(|e| panic!("{line}: {e:?}"));
        let ctx = || format!("{line}\n  nofly: {}", serde_json::to_string(&m).unwrap());
        assert_eq!(u64::from(m.df), g["df"].as_u64().unwrap(), "{}", ctx());
        assert_eq!(
            m.icao24.unwrap().to_string(),
            g["icao"].as_str().unwrap(),
            "{}",
            ctx()
        );
        assert_eq!(m.tc.map(u64::from), g["tc"].as_u64(), "{}", ctx());
        if let Some(c) = g["callsign"].as_str() {
            assert_eq!(
                m.callsign.map(|c| c.to_string()).unwrap_or_default(),
                c.trim_end_matches('_').trim(),
                "{}",
                ctx()
            );
            fields += 1;
        }
        if let Some(a) = g["altitude"].as_i64() {
            assert_eq!(m.altitude.map(i64::from), Some(a), "{}", ctx());
            fields += 1;
        }
        if let Some(v) = g["cpr_lat"].as_u64() {
            assert_eq!(
                (
                    m.cpr.map(|c| u64::from(c.lat)),
                    m.cpr.map(|c| u64::from(c.lon))
                ),
                (Some(v), g["cpr_lon"].as_u64()),
                "{}",
                ctx()
            );
            fields += 2;
        }
        if let Some(gs) = g["groundspeed"].as_f64() {
            assert!((m.groundspeed.unwrap() - gs).abs() <= 1.0, "{}", ctx());
            fields += 1;
        }
        if let Some(t) = g["track"].as_f64() {
            let d = (m.track.unwrap() - t).abs();
            assert!(d.min(360.0 - d) < 0.1, "{}", ctx());
            fields += 1;
        }
        if let Some(vr) = g["vertical_rate"].as_i64() {
            assert_eq!(m.vertical_rate.map(i64::from), Some(vr), "{}", ctx());
            fields += 1;
        }
        checked += 1;
    }
    assert_eq!(checked, 3000);
    eprintln!("{checked} messages, {fields} fields agree");
}
