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
