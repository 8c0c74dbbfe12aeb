//! Every event says where its triggering position came from when the input says: an mlat-client
//! result (extended BaseStation `MLAT` lines) is `mlat`, a decoded ADS-B position `adsb`, and a
//! plain BaseStation line, which does not say, writes nothing.

mod common;
use common::*;

#[test]
fn events_of_multilateration_results_say_so() {
    let dir = tempfile::tempdir().unwrap();
    // The real LA recording, with one aircraft's position lines relabelled as mlat-client
    // results (synthetic relabelling: the positions are the recording's).
    let text = std::fs::read_to_string(repo_file("data/samples/sbs1-la-msgs.sbs")).unwrap();
    let relabelled: String = text
        .lines()
        .map(|l| {
            if l.starts_with("MSG,3,") && l.split(',').nth(4) == Some("4B1908") {
                format!("{}\n", l.replacen("MSG", "MLAT", 1))
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    let input = dir.path().join("la-with-mlat.sbs");
    std::fs::write(&input, relabelled).unwrap();
    let out = nofly(&[
        "replay",
        "--zones",
        repo_file("data/zones/synthetic-la-demo.geojson")
            .to_str()
            .unwrap(),
        input.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let events = json_lines(&String::from_utf8(out.stdout).unwrap());
    let mlat: Vec<_> = events.iter().filter(|e| e["icao24"] == "4b1908").collect();
    assert!(!mlat.is_empty());
    for e in &mlat {
        assert_eq!(e["position_source"], "mlat", "{e}");
    }
    let others: Vec<_> = events.iter().filter(|e| e["icao24"] != "4b1908").collect();
    assert!(!others.is_empty());
    for e in others {
        assert!(e.get("position_source").is_none(), "{e}");
    }
}

#[test]
fn events_of_decoded_ads_b_positions_say_adsb() {
    let out = nofly(&[
        "replay",
        "--zones",
        fixture("synthetic-toulouse-route-zones.geojson")
            .to_str()
            .unwrap(),
        "--receiver",
        "43.63,1.37",
        repo_file("data/modes/long_flight.csv.gz").to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let events = json_lines(&String::from_utf8(out.stdout).unwrap());
    let entries: Vec<_> = events.iter().filter(|e| e["kind"] == "enter").collect();
    assert!(!entries.is_empty());
    for e in entries {
        assert_eq!(e["position_source"], "adsb", "{e}");
    }
}
