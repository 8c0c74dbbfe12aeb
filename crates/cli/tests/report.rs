//! `nofly report` on the real dump1090 SBS sample (one Maltese aircraft, 4D2023) against the
//! synthetic Sicily test zones: an event's report holds its flight's events, map, profile and
//! identity, carries the evidence bundle byte for byte, needs nothing from outside, and is the
//! same bytes when made again; summaries per day; wrong subjects refused with what is wrong.

mod common;
use base64::Engine as _;
use common::*;
use std::path::{Path, PathBuf};

struct Setup {
    dir: tempfile::TempDir,
    input: PathBuf,
    events: Vec<serde_json::Value>,
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("modes1.sbs");
    std::fs::copy(
        repo_file("data/samples/modes1_dump1090mut_30003.sbs"),
        &input,
    )
    .unwrap();
    let keys = nofly(&["keygen", "--dir", dir.path().to_str().unwrap()]);
    assert!(keys.status.success(), "{}", stderr(&keys));
    let out = replay_sicily(
        &input,
        &dir.path().join("evidence.log"),
        &dir.path().join("nofly.key"),
        &dir.path().join("events.jsonl"),
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let events = json_lines(&std::fs::read_to_string(dir.path().join("events.jsonl")).unwrap());
    Setup { dir, input, events }
}

fn report(s: &Setup, out: &Path, extra: &[&str]) -> std::process::Output {
    let zones = fixture("synthetic-sicily-zones.geojson");
    let mut args = vec![
        "report",
        "--zones",
        zones.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    args.push(s.input.to_str().unwrap());
    nofly(&args)
}

#[test]
fn an_event_report_shows_its_flight_and_carries_its_bundle() {
    let s = setup();
    let enter = s.events.iter().find(|e| e["kind"] == "enter").unwrap();
    let id = enter["id"].as_str().unwrap();
    let bundle = s.dir.path().join("bundle.json");
    let made = evidence_bundle(
        id,
        &s.dir.path().join("evidence.log"),
        &s.dir.path().join("nofly.key"),
        &bundle,
        &[],
    );
    assert!(made.status.success(), "{}", stderr(&made));
    let html_path = s.dir.path().join("report.html");
    let args = [
        "--event",
        id,
        "--bundle",
        bundle.to_str().unwrap(),
        "--pubkey",
        "nofly.pub",
    ];
    let out = report(&s, &html_path, &args);
    assert!(out.status.success(), "{}", stderr(&out));
    let html = std::fs::read_to_string(&html_path).unwrap();
    // Every event of the aircraft's flight is in the timeline (the sample is one short flight).
    let rows = html.matches("<tr><td><span class=\"n\"").count();
    assert_eq!(
        rows,
        s.events.len(),
        "one timeline row per event of the flight"
    );
    assert_eq!(
        html.matches("<g class=\"event\">").count(),
        rows,
        "one map marker per row"
    );
    assert!(html.contains("class=\"map\"") && html.contains("class=\"profile\""));
    assert!(
        html.contains("<td>Malta (the state ICAO allocated"),
        "who the aircraft is"
    );
    assert!(html.contains("AMC421"));
    // The zones its events name, with their bands.
    for zone in s.events.iter().map(|e| e["zone_id"].as_str().unwrap()) {
        assert!(html.contains(&format!("<code>{zone}</code>")), "{zone}");
    }
    // Self-contained: no script, no outside resource.
    assert!(!html.contains("<script"));
    assert!(!html.contains("src=\"http") && !html.contains("href=\"http"));
    // The bundle, byte for byte, with its hash and the command that checks it.
    let bytes = std::fs::read(&bundle).unwrap();
    let start = html.find("data:application/json;base64,").unwrap() + 29;
    let end = start + html[start..].find('"').unwrap();
    let embedded = base64::engine::general_purpose::STANDARD
        .decode(&html[start..end])
        .unwrap();
    assert_eq!(embedded, bytes);
    use sha2::Digest;
    assert!(html.contains(&hex::encode(sha2::Sha256::digest(&bytes))));
    assert!(html.contains("nofly verify bundle.json --pubkey nofly.pub"));
    // The run: the input's hash, the zone set, the command that re-runs it.
    let input_sha = hex::encode(sha2::Sha256::digest(std::fs::read(&s.input).unwrap()));
    assert!(html.contains(&input_sha));
    assert!(html.contains(enter["zone_set"].as_str().unwrap()));
    // Made again: the same bytes.
    let again = s.dir.path().join("again.html");
    let out = report(&s, &again, &args);
    assert!(out.status.success());
    assert_eq!(std::fs::read(&again).unwrap(), html.as_bytes());
}

#[test]
fn aircraft_reports_summaries_and_refusals() {
    let s = setup();
    let by_aircraft = s.dir.path().join("aircraft.html");
    let out = report(&s, &by_aircraft, &["--icao", "4d2023"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let html = std::fs::read_to_string(&by_aircraft).unwrap();
    assert_eq!(
        html.matches("<tr><td><span class=\"n\"").count(),
        s.events.len()
    );

    let folder = s.dir.path().join("daily");
    let out = report(&s, &folder, &["--period", "day"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let days: Vec<_> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let day = s.events[0]["time"].as_str().unwrap()[..10].to_string();
    assert_eq!(days, [format!("nofly-summary-{day}.html")]);

    let refusals = [
        (vec!["--event", "0123"], "event 0123: not found"),
        (vec!["--icao", "4d20"], "--icao 4d20: not an ICAO address"),
        (
            vec!["--icao", "abcdef"],
            "abcdef: the recording has no position of this aircraft",
        ),
        (
            vec!["--event", "x", "--icao", "4d2023"],
            "cannot be used with",
        ),
    ];
    for (args, message) in refusals {
        let out = report(&s, &s.dir.path().join("x.html"), &args);
        assert!(!out.status.success());
        assert!(stderr(&out).contains(message), "{args:?}: {}", stderr(&out));
    }
}
