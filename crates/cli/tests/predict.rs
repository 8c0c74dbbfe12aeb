//! `nofly replay --predict` on a crafted SBS track (synthetic, named so): an aircraft flying east at
//! 360 kt towards a zone is announced about two minutes before it enters, the run is byte-identical
//! when repeated, and the run's settings record the look-ahead.

mod common;
use common::*;

/// Synthetic SBS: MSG,3 positions at 0.5° N every 10 s from 0.3° W eastwards at 360 kt, each
/// followed by an MSG,4 with ground speed 360 kt and track 90°.
fn synthetic_track() -> String {
    let step = 360.0 * 1852.0 / 3600.0 * 10.0 / 111_195.0;
    let mut text = String::new();
    for i in 0..30 {
        let (m, s) = (i * 10 / 60, i * 10 % 60);
        let time = format!("2024/05/17,12:{m:02}:{s:02}.000");
        let lon = -0.3 + step * i as f64;
        text.push_str(&format!(
            "MSG,3,1,1,ABC123,1,{time},{time},,30000,,,0.5,{lon:.6},,,,,,0\n"
        ));
        text.push_str(&format!(
            "MSG,4,1,1,ABC123,1,{time},{time},,,360,90,,,0,,,,,0\n"
        ));
    }
    text
}

#[test]
fn an_entry_is_announced_two_minutes_ahead_and_the_run_is_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("synthetic-eastbound.sbs");
    std::fs::write(&input, synthetic_track()).unwrap();
    let zones = dir.path().join("zones.geojson");
    std::fs::write(
        &zones,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"SQ","kind":"prohibited"},
        "geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}}]}"#,
    )
    .unwrap();
    let run = |db: &str| {
        let out = nofly(&[
            "replay",
            "--predict",
            "--zones",
            zones.to_str().unwrap(),
            "--db",
            dir.path().join(db).to_str().unwrap(),
            input.to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
        out.stdout
    };
    let first = run("a.db");
    assert_eq!(first, run("b.db"), "two runs give byte-identical events");
    let events = json_lines(&String::from_utf8(first).unwrap());
    let kinds: Vec<&str> = events.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["predicted_entry", "enter"]);
    let ms = |v: &serde_json::Value| {
        v.as_str()
            .unwrap()
            .parse::<nofly_model::EventTime>()
            .unwrap()
            .millis()
    };
    let warning = ms(&events[1]["time"]) - ms(&events[0]["time"]);
    assert!(
        (100_000..=130_000).contains(&warning),
        "{warning} ms of warning"
    );
    assert!((ms(&events[0]["predicted_time"]) - ms(&events[1]["time"])).abs() <= 10_000);
    let settings = rusqlite::Connection::open(dir.path().join("a.db"))
        .unwrap()
        .query_row("SELECT settings FROM runs", [], |r| r.get::<_, String>(0))
        .unwrap();
    assert!(settings.contains("\"lookahead_s\":120.0"), "{settings}");
}

/// Real data: the long_flight recording (Toulouse → Amsterdam, decoded by nofly from raw Mode S)
/// against synthetic zones placed on and beside its own track.
#[test]
fn on_a_real_flight_entries_are_predicted_and_near_misses_measured() {
    let recording = repo_file("data/modes/long_flight.csv.gz");
    let decoded = nofly(&[
        "decode",
        recording.to_str().unwrap(),
        "--receiver",
        "43.63,1.37",
    ]);
    assert!(decoded.status.success());
    let track: Vec<(f64, f64)> = json_lines(&String::from_utf8(decoded.stdout).unwrap())
        .iter()
        .filter(|m| m["icao24"] == "486257" && m.get("lat").is_some() && m["on_ground"] != true)
        .map(|m| (m["lat"].as_f64().unwrap(), m["lon"].as_f64().unwrap()))
        .collect();
    let (on, beside) = (track[track.len() / 3], track[2 * track.len() / 3]);
    // Synthetic zones: a 10 km circle on the track, and a 5 km circle about 15 km east of it.
    let zones = format!(
        r#"{{"type":"FeatureCollection","features":[
        {{"type":"Feature","properties":{{"id":"ON-TRACK","radius_m":10000}},"geometry":{{"type":"Point","coordinates":[{},{}]}}}},
        {{"type":"Feature","properties":{{"id":"BESIDE","radius_m":5000}},"geometry":{{"type":"Point","coordinates":[{},{}]}}}}]}}"#,
        on.1,
        on.0,
        beside.1 + 15_000.0 / (111_195.0 * beside.0.to_radians().cos()),
        beside.0
    );
    let dir = tempfile::tempdir().unwrap();
    let zone_file = dir.path().join("synthetic-on-long-flight.geojson");
    std::fs::write(&zone_file, zones).unwrap();
    let run = || {
        let out = nofly(&[
            "replay",
            "--predict",
            "--closest-approach",
            "--zones",
            zone_file.to_str().unwrap(),
            "--receiver",
            "43.63,1.37",
            recording.to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
        out.stdout
    };
    let first = run();
    assert_eq!(first, run(), "byte-identical");
    let events = json_lines(&String::from_utf8(first).unwrap());
    let ours: Vec<&serde_json::Value> = events.iter().filter(|e| e["icao24"] == "486257").collect();
    let kinds: Vec<(&str, &str)> = ours
        .iter()
        .map(|e| (e["kind"].as_str().unwrap(), e["zone_id"].as_str().unwrap()))
        .collect();
    let at = |kind: &str, zone: &str| kinds.iter().position(|k| *k == (kind, zone));
    let (predicted, entered) = (at("predicted_entry", "ON-TRACK"), at("enter", "ON-TRACK"));
    assert!(predicted.is_some() && predicted < entered, "{kinds:?}");
    let ms = |v: &serde_json::Value| {
        v.as_str()
            .unwrap()
            .parse::<nofly_model::EventTime>()
            .unwrap()
            .millis()
    };
    let warning = ms(&ours[entered.unwrap()]["time"]) - ms(&ours[predicted.unwrap()]["time"]);
    assert!(warning >= 60_000, "{warning} ms of warning");
    let near = &ours[at("closest_approach", "BESIDE").expect("a closest approach")];
    let d = near["distance_m"].as_f64().unwrap();
    assert!((5_000.0..15_000.0).contains(&d), "{d}");
}
