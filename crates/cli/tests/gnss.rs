//! `--gnss` end to end through the `nofly` binary: a jammed area becomes a live
//! `gnss-interference` zone with INTERFERENCE_START/END events, aircraft entering it get ENTER and
//! EXIT events that evidence bundles prove, events from degraded positions say so, and the output
//! is byte-identical from run to run.

mod common;
use common::*;
use std::path::Path;

fn replay(dir: &Path, extra: &[&str]) -> (Vec<serde_json::Value>, String) {
    let (events, zones, recording) = (
        dir.join("events.jsonl"),
        dir.join("zones.geojson"),
        dir.join("recording.json"),
    );
    let mut args = vec![
        "replay",
        "--zones",
        zones.to_str().unwrap(),
        "--gnss",
        "--events",
        events.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    args.push(recording.to_str().unwrap());
    let out = nofly(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(&events).unwrap();
    (json_lines(&text), text)
}

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("recording.json"),
        synthetic_jammed_recording(),
    )
    .unwrap();
    std::fs::write(dir.path().join("zones.geojson"), SYNTHETIC_JAMMED_ZONES).unwrap();
    dir
}

fn of_kind<'a>(events: &'a [serde_json::Value], kind: &str) -> Vec<&'a serde_json::Value> {
    events.iter().filter(|e| e["kind"] == kind).collect()
}

#[test]
fn a_jammed_area_becomes_a_zone_with_start_and_end_events() {
    let dir = setup();
    let (events, text) = replay(dir.path(), &[]);

    let started = of_kind(&events, "interference_start");
    assert_eq!(started.len(), 1, "{text}");
    let start = started[0];
    assert_eq!(start["time"], "2024-09-17T09:10:00.000Z");
    assert!(start["icao24"].is_null());
    assert_eq!(
        (
            start["cell_aircraft"].as_u64(),
            start["cell_affected"].as_u64()
        ),
        (Some(3), Some(3))
    );
    let zone_id = start["zone_id"].as_str().unwrap();
    assert_eq!(zone_id, format!("gnss-{}", start["cell"].as_str().unwrap()));

    // Calm in windows 1 and 2: the area ends with window 2, in a new version of its zone.
    let ended = of_kind(&events, "interference_end");
    assert_eq!(ended.len(), 1, "{text}");
    assert_eq!(ended[0]["time"], "2024-09-17T09:30:00.000Z");
    assert_eq!(ended[0]["zone_id"], zone_id);
    assert_ne!(ended[0]["zone_version"], start["zone_version"]);

    // Every aircraft in the area while it is active enters it; D, still there, leaves it when it
    // ends.
    let in_area = |kind: &str| -> Vec<(String, String)> {
        of_kind(&events, kind)
            .into_iter()
            .filter(|e| e["zone_id"] == zone_id)
            .map(|e| {
                (
                    e["icao24"].as_str().unwrap().to_string(),
                    e["time"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let entered: Vec<String> = in_area("enter").into_iter().map(|(a, _)| a).collect();
    assert_eq!(entered, ["aaa001", "aaa002", "aaa003", "ddd004"], "{text}");
    assert!(in_area("exit")
        .iter()
        .any(|(a, t)| a == "ddd004" && t.as_str() >= "2024-09-17T09:30:00"));

    // Events of the user's zone raised from degraded positions say so, with the integrity.
    let first_entry = of_kind(&events, "enter")
        .into_iter()
        .find(|e| e["zone_id"] == "R-SYNTH")
        .unwrap();
    assert_eq!(
        (first_entry["nic"].as_u64(), first_entry["nacp"].as_u64()),
        (Some(0), Some(0))
    );
    assert_eq!(first_entry["degraded"], true);
    let late_entry = of_kind(&events, "enter")
        .into_iter()
        .find(|e| e["zone_id"] == "R-SYNTH" && e["icao24"] == "ddd004")
        .unwrap();
    assert_eq!(late_entry["nic"].as_u64(), Some(8));
    assert!(late_entry.get("degraded").is_none());

    // The same input, zones and settings: the same bytes.
    let (_, again) = replay(dir.path(), &[]);
    assert_eq!(text, again);
}

#[test]
fn entries_into_an_interference_zone_are_proven_and_the_area_events_say_how_to_check_them() {
    let dir = setup();
    let keys = nofly(&["keygen", "--dir", dir.path().to_str().unwrap()]);
    assert!(keys.status.success(), "{}", stderr(&keys));
    let (log, key, public) = (
        dir.path().join("evidence.log"),
        dir.path().join("nofly.key"),
        dir.path().join("nofly.pub"),
    );
    let db = dir.path().join("store.db");
    let (events, _) = replay(
        dir.path(),
        &[
            "--evidence-log",
            log.to_str().unwrap(),
            "--key",
            key.to_str().unwrap(),
            "--db",
            db.to_str().unwrap(),
        ],
    );
    let bundle = dir.path().join("bundle.json");
    for e in events
        .iter()
        .filter(|e| e["zone_id"].as_str().unwrap().starts_with("gnss-") && !e["icao24"].is_null())
    {
        let id = e["id"].as_str().unwrap();
        let out = evidence_bundle(id, &log, &key, &bundle, &[]);
        assert!(out.status.success(), "{}", stderr(&out));
        let verified = verify_bundle(&bundle, &public);
        assert!(
            verified.status.success(),
            "{} {}",
            e,
            String::from_utf8_lossy(&verified.stdout)
        );
    }
    let start = of_kind(&events, "interference_start")[0];
    let refused = evidence_bundle(start["id"].as_str().unwrap(), &log, &key, &bundle, &[]);
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("about an area, not an aircraft"),
        "{}",
        stderr(&refused)
    );

    // The store holds both versions of the area's zone beside the user's zone.
    let conn = rusqlite::Connection::open(&db).unwrap();
    let versions: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM zones WHERE zone_id = ?1",
            [start["zone_id"].as_str().unwrap()],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(versions, 2);
}
