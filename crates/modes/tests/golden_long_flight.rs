//! Positions decoded from the real Toulouse → Amsterdam recording (data/modes/long_flight.csv.gz)
//! against data/modes/golden_long_flight_positions.jsonl.gz: every golden position within 1 m, and
//! the positions only one side has are counted and explained.

use nofly_modes::{decode, Repair, Tracked, Tracker};
use std::collections::HashMap;
use std::io::{BufRead, BufReader};

fn hex(s: &str) -> Vec<u8> {
    let mut buf = [0u8; 14];
    let n = nofly_modes::hex_to_bytes(s, &mut buf).expect("test frames are hex");
    buf[..n].to_vec()
}

fn data(name: &str) -> BufReader<flate2::read::GzDecoder<std::fs::File>> {
    let path = format!("{}/../../data/modes/{name}", env!("CARGO_MANIFEST_DIR"));
    BufReader::new(flate2::read::GzDecoder::new(
        std::fs::File::open(path).unwrap(),
    ))
}

#[test]
fn positions_match_the_golden_decode() {
    let mut golden: HashMap<(String, i64), (f64, f64)> = HashMap::new();
    for line in data("golden_long_flight_positions.jsonl.gz").lines() {
        let g: serde_json::Value = serde_json::from_str(&line.unwrap()).unwrap();
        let t = (g["t"].as_f64().unwrap() * 1e6).round() as i64;
        golden.insert(
            (g["hex"].as_str().unwrap().to_string(), t),
            (g["lat"].as_f64().unwrap(), g["lon"].as_f64().unwrap()),
        );
    }
    let mut tracker = Tracker::new(Some((43.63, 1.37)));
    let (mut matched, mut extra, mut implausible) = (0, Vec::new(), 0);
    // Every position per aircraft in time order, marked when the golden decode lacks it.
    let mut tracks: HashMap<u32, Vec<(f64, f64, f64, bool)>> = HashMap::new();
    let mut worst: f64 = 0.0;
    for line in data("long_flight.csv.gz").lines() {
        let line = line.unwrap();
        let (ts, frame_hex) = line.split_once(',').unwrap();
        let t: f64 = ts.parse().unwrap();
        let frame_hex = &frame_hex[18..];
        let Ok(m) = decode(&hex(frame_hex), Repair::ExtendedSquitter) else {
            continue;
        };
        match tracker.update((t * 1000.0) as i64, &m) {
            Tracked::Accepted {
                position: Some((lat, lon)),
            } => {
                let key = (frame_hex.to_lowercase(), (t * 1e6).round() as i64);
                tracks.entry(m.icao24.unwrap().0).or_default().push((
                    t,
                    lat,
                    lon,
                    !golden.contains_key(&key),
                ));
                match golden.remove(&key) {
                    Some((glat, glon)) => {
                        let d = ((lat - glat) * 111_195.0)
                            .hypot((lon - glon) * 111_195.0 * glat.to_radians().cos());
                        worst = worst.max(d);
                        assert!(
                            d < 1.0,
                            "{line}: {lat},{lon} vs golden {glat},{glon} ({d:.2} m)"
                        );
                        matched += 1;
                    }
                    None => extra.push(line.clone()),
                }
            }
            Tracked::Implausible => implausible += 1,
            _ => {}
        }
    }
    eprintln!("matched {matched}, worst {worst:.3} m, golden only {}, nofly only {}, implausible rejected {implausible}", golden.len(), extra.len());
    for l in extra.iter().take(5) {
        eprintln!("  nofly only: {l}");
    }
    let mut missing: Vec<_> = golden.keys().collect();
    missing.sort_by_key(|k| k.1);
    for k in missing.iter().take(5) {
        eprintln!("  golden only: {k:?}");
    }
    assert!(
        golden.is_empty(),
        "{} golden positions not decoded",
        golden.len()
    );
    // A position the golden decode lacks must sit on the aircraft's track: the speed it implies from
    // the previous and to the next golden position is one an airliner flies.
    let mut checked_extra = 0;
    for points in tracks.values() {
        for (i, p) in points.iter().enumerate().filter(|(_, p)| p.3) {
            let prev = points[..i].iter().rev().find(|q| !q.3);
            let next = points[i + 1..].iter().find(|q| !q.3);
            for q in prev.into_iter().chain(next) {
                let d = ((p.1 - q.1) * 111_195.0)
                    .hypot((p.2 - q.2) * 111_195.0 * p.1.to_radians().cos());
                let kt = d / (p.0 - q.0).abs().max(0.5) * 3600.0 / 1852.0;
                assert!(
                    kt < 650.0,
                    "position at {} implies {kt:.0} kt from its neighbour at {}",
                    p.0,
                    q.0
                );
            }
            checked_extra += 1;
        }
    }
    assert_eq!(checked_extra, extra.len());
}
