//! `nofly replay` end to end on real recorded data, with determinism, bad input and the store.

mod common;
use common::*;

#[test]
fn replays_the_dated_sbs_sample_against_zones_with_holes_bands_and_activation() {
    let dir = tempfile::tempdir().unwrap();
    let events = dir.path().join("events.jsonl");
    let out = nofly(&[
        "replay",
        "--zones",
        fixture("synthetic-sicily-zones.geojson").to_str().unwrap(),
        "--events",
        events.to_str().unwrap(),
        repo_file("data/samples/modes1_dump1090mut_30003.sbs")
            .to_str()
            .unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("format auto-detected as sbs"), "{err}");
    let ev = json_lines(&std::fs::read_to_string(&events).unwrap());
    assert!(!ev.is_empty());
    for e in &ev {
        assert_eq!(e["icao24"], "4d2023");
        assert!(
            e["time"].as_str().unwrap().ends_with('Z') && e["time"].as_str().unwrap().len() == 24
        );
        assert_eq!(e["id"].as_str().unwrap().len(), 32);
    }
    // The holed polygon activates at 16:14:25: nothing may happen in it before.
    assert!(ev
        .iter()
        .filter(|e| e["zone_id"] == "SYNTH-HOLED")
        .all(|e| e["time"].as_str().unwrap() >= "2026-11-25T16:14:25.000Z"));
    // The circle's band is FL200-FL250: every event in it is at an altitude inside the band or an exit.
    for e in ev
        .iter()
        .filter(|e| e["zone_id"] == "SYNTH-CIRCLE" && e["kind"] == "enter")
    {
        let alt = e["alt_ft"].as_f64().unwrap();
        assert!((20_000.0..=25_000.0).contains(&alt), "{e}");
    }
    // Entries and exits alternate per zone.
    for zone in ["SYNTH-CIRCLE", "SYNTH-HOLED"] {
        let kinds: Vec<&str> = ev
            .iter()
            .filter(|e| e["zone_id"] == zone)
            .map(|e| e["kind"].as_str().unwrap())
            .collect();
        for (i, k) in kinds.iter().enumerate() {
            assert_eq!(
                *k,
                if i % 2 == 0 { "enter" } else { "exit" },
                "{zone}: {kinds:?}"
            );
        }
    }
}

#[test]
fn two_runs_give_byte_identical_events() {
    let dir = tempfile::tempdir().unwrap();
    let run = |name: &str| {
        let path = dir.path().join(name);
        let out = nofly(&[
            "replay",
            "--zones",
            repo_file("data/zones/synthetic-la-demo.geojson")
                .to_str()
                .unwrap(),
            "--zones",
            fixture("synthetic-sicily-zones.geojson").to_str().unwrap(),
            "--events",
            path.to_str().unwrap(),
            repo_file("data/samples/sbs1-la-msgs.sbs").to_str().unwrap(),
            repo_file("data/samples/modes1_dump1090mut_30003.sbs")
                .to_str()
                .unwrap(),
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
        std::fs::read(path).unwrap()
    };
    let (a, b) = (run("a.jsonl"), run("b.jsonl"));
    assert!(!a.is_empty());
    assert_eq!(a, b);
}

#[test]
fn malformed_lines_are_reported_with_their_place_and_the_rest_is_processed() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("mixed.sbs");
    let good =
        std::fs::read_to_string(repo_file("data/samples/modes1_dump1090mut_30003.sbs")).unwrap();
    let lines: Vec<&str> = good.lines().collect();
    let mut text = String::new();
    for (i, l) in lines.iter().enumerate() {
        text.push_str(l);
        text.push('\n');
        match i {
            10 => text.push_str("MSG,3,1,1,4D2023,1,2026/11/25,16:14:2\n"),
            20 => text.push_str("MSG,3,1,1,4D2023,1,2026/11/25,16:14:24.990,2026/11/25,16:14:26.922,,22875,,,NaN,13.78474,,,,,,\n"),
            30 => text.push_str("MSG,3,1,1,4D2023,1,2026/11/25,16:14:24.991,2026/11/25,16:14:26.922,,22875,,,91.0,13.78474,,,,,,\n"),
            40 => text.push_str("\u{1}\u{2}garbage\n"),
            _ => {}
        }
    }
    std::fs::write(&input, text).unwrap();
    let with_bad = dir.path().join("bad.jsonl");
    let clean = dir.path().join("clean.jsonl");
    let zones = fixture("synthetic-sicily-zones.geojson");
    let out = nofly(&[
        "replay",
        "--zones",
        zones.to_str().unwrap(),
        "--events",
        with_bad.to_str().unwrap(),
        input.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("mixed.sbs: line 12: truncated"), "{err}");
    assert!(
        err.contains("mixed.sbs: line 23: field latitude: \"NaN\" is not a number")
            || err.contains("line 23: field latitude"),
        "{err}"
    );
    assert!(
        err.contains("mixed.sbs: line 34: field latitude: 91.0 is outside"),
        "{err}"
    );
    assert!(
        err.contains("mixed.sbs: line 45: field message type"),
        "{err}"
    );
    assert!(err.contains("(4 malformed"), "{err}");
    let out = nofly(&[
        "replay",
        "--zones",
        zones.to_str().unwrap(),
        "--events",
        clean.to_str().unwrap(),
        repo_file("data/samples/modes1_dump1090mut_30003.sbs")
            .to_str()
            .unwrap(),
    ]);
    assert!(out.status.success());
    // Same events as the clean file, apart from the line numbers that the inserted lines moved.
    let strip = |p: &std::path::Path| -> Vec<String> {
        json_lines(&std::fs::read_to_string(p).unwrap())
            .into_iter()
            .map(|mut e| {
                e.as_object_mut().unwrap().remove("source");
                e.to_string()
            })
            .collect()
    };
    assert_eq!(strip(&with_bad), strip(&clean));
}

#[test]
fn opensky_csv_with_bad_rows_keeps_the_good_ones() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("synthetic-states.csv");
    std::fs::write(
        &input,
        "time,icao24,lat,lon,velocity,heading,vertrate,callsign,onground,alert,spi,squawk,baroaltitude,geoaltitude,lastposupdate,lastcontact,serials\n\
         1764087265,4d2023,36.0,13.8,200,0,0,AMC421,False,False,False,1000,6500,6600,1764087265,1764087265,[]\n\
         1764087266,4d2023,37.05,13.8,200,0,0,AMC421,False,False,False,1000,6500,6600,1764087266,1764087266,[]\n\
         1764087267,4d2023,NaN,13.8,200,0,0,AMC421,False,False,False,1000,6500,6600,,,\n\
         1764087268,4d2023,91,13.8,200,0,0,AMC421,False,False,False,1000,6500,6600,,,\n\
         1764087269,4d2023,37.06\n\
         1764087270,4d2023,,,200,0,0,AMC421,False,False,False,1000,6500,6600,,,\n\
         1764087271,4d2023,38.5,13.8,200,0,0,AMC421,False,False,False,1000,6500,6600,1764087271,1764087271,[]\n",
    )
    .unwrap();
    let events = dir.path().join("e.jsonl");
    let out = nofly(&[
        "replay",
        "--zones",
        fixture("synthetic-sicily-zones.geojson").to_str().unwrap(),
        "--events",
        events.to_str().unwrap(),
        input.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("format auto-detected as opensky-csv"), "{err}");
    assert!(
        err.contains("line 4: field lat: \"NaN\" is not a finite number"),
        "{err}"
    );
    assert!(
        err.contains("line 5: field lat: 91 is outside -90..90"),
        "{err}"
    );
    assert!(err.contains("line 6: truncated"), "{err}");
    let ev = json_lines(&std::fs::read_to_string(&events).unwrap());
    let summary: Vec<(String, String, String)> = ev
        .iter()
        .map(|e| {
            (
                e["kind"].as_str().unwrap().into(),
                e["zone_id"].as_str().unwrap().into(),
                e["time"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (
                "enter".into(),
                "SYNTH-CIRCLE".into(),
                "2025-11-25T16:14:26.000Z".into()
            ),
            (
                "exit".into(),
                "SYNTH-CIRCLE".into(),
                "2025-11-25T16:14:31.000Z".into()
            ),
        ]
    );
    assert_eq!(ev[0]["callsign"], "AMC421");
    assert!((ev[0]["alt_ft"].as_f64().unwrap() - 21_325.46).abs() < 0.01);
}

#[test]
fn broken_zone_files_are_refused_with_feature_and_field_unless_skipped() {
    let bad = fixture("synthetic-bad-zones.geojson");
    let input = repo_file("data/samples/modes1_dump1090mut_30003.sbs");
    let out = nofly(&[
        "replay",
        "--zones",
        bad.to_str().unwrap(),
        input.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains(
            "feature 0 (id \"OPEN-RING\"): /features/0/geometry/coordinates/0: ring is not closed"
        ),
        "{err}"
    );
    assert!(err.contains("feature 1 (id \"BAD-UNIT\"): /features/1/properties/upper: altitude limit \"3000 furlongs MSL\": unknown unit"), "{err}");
    assert!(err.contains("--skip-bad-zones"), "{err}");
    let out = nofly(&[
        "replay",
        "--skip-bad-zones",
        "--zones",
        bad.to_str().unwrap(),
        input.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let ev = json_lines(&String::from_utf8(out.stdout).unwrap());
    assert!(ev.iter().all(|e| e["zone_id"] == "GOOD") && !ev.is_empty());

    let check = nofly(&["zones", "check", bad.to_str().unwrap()]);
    assert_eq!(check.status.code(), Some(1));
    let good = nofly(&[
        "zones",
        "check",
        repo_file("data/zones/kaliningrad-closures-2022.geojson")
            .to_str()
            .unwrap(),
    ]);
    assert!(good.status.success(), "{}", stderr(&good));
    let text = String::from_utf8(good.stdout).unwrap();
    assert!(
        text.contains("8 valid zone(s), 0 problem(s)") && text.contains("EE [prohibited]"),
        "{text}"
    );
}

#[test]
fn replaying_into_the_same_database_does_not_duplicate() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("store.db");
    let args = [
        "replay".to_string(),
        "--zones".to_string(),
        fixture("synthetic-sicily-zones.geojson")
            .to_str()
            .unwrap()
            .to_string(),
        "--db".to_string(),
        db.to_str().unwrap().to_string(),
        "--events".to_string(),
        dir.path().join("e.jsonl").to_str().unwrap().to_string(),
        repo_file("data/samples/modes1_dump1090mut_30003.sbs")
            .to_str()
            .unwrap()
            .to_string(),
    ];
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    assert!(nofly(&args).status.success());
    let store = nofly_sinks::SqliteStore::open(&db).unwrap();
    let first = store.event_count().unwrap();
    drop(store);
    let again = nofly(&args);
    assert!(
        stderr(&again).contains(&format!("0 new events of {first}")),
        "{}",
        stderr(&again)
    );
    let store = nofly_sinks::SqliteStore::open(&db).unwrap();
    assert_eq!(
        (store.event_count().unwrap(), store.run_count().unwrap()),
        (first, 1)
    );
    assert!(first > 0);
}

#[test]
fn a_mix_of_openair_and_geojson_exports_to_geojson_that_reads_back_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("set.geojson");
    let openair = repo_file("data/zones/openair-fixtures/arc-cw-ccw.txt");
    let geojson = fixture("synthetic-sicily-zones.geojson");
    let export = nofly(&[
        "zones",
        "export",
        openair.to_str().unwrap(),
        geojson.to_str().unwrap(),
        "--geojson",
        out.to_str().unwrap(),
    ]);
    assert!(export.status.success(), "{}", stderr(&export));
    let hash = |o: &std::process::Output| {
        stderr(o)
            .lines()
            .last()
            .unwrap()
            .rsplit(' ')
            .next()
            .unwrap()
            .to_string()
    };
    let again = nofly(&["zones", "export", out.to_str().unwrap()]);
    assert!(again.status.success());
    assert_eq!(
        hash(&export),
        hash(&again),
        "same zones, same versions, same set hash"
    );
    let check = nofly(&["zones", "check", out.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&check.stdout).contains("TMA-NICE-PARTIE-3 [custom]"));
}

#[test]
fn nofly_serve_shows_the_events_of_a_store_as_they_were_written() {
    let dir = tempfile::tempdir().unwrap();
    let (db, events) = (dir.path().join("store.db"), dir.path().join("e.jsonl"));
    let zones = fixture("synthetic-sicily-zones.geojson");
    let out = nofly(&[
        "replay",
        "--zones",
        zones.to_str().unwrap(),
        "--db",
        db.to_str().unwrap(),
        "--events",
        events.to_str().unwrap(),
        repo_file("data/samples/modes1_dump1090mut_30003.sbs")
            .to_str()
            .unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut server = std::process::Command::new(env!("CARGO_BIN_EXE_nofly"))
        .args(["serve", "--zones", zones.to_str().unwrap()])
        .args(["--db", db.to_str().unwrap()])
        .args(["--http", &format!("127.0.0.1:{port}")])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(std::time::Instant::now() < deadline, "nofly serve listens");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let (status, body) = http("GET", &format!("{base}/api/events"), None, "");
    let (info_status, info) = http("GET", &format!("{base}/api/info"), None, "");
    let (put_status, _) = http("PUT", &format!("{base}/api/zones"), Some("x"), "{}");
    server.kill().unwrap();
    server.wait().unwrap();
    assert_eq!((status, info_status), (200, 200), "{body} {info}");
    let served: serde_json::Value = serde_json::from_str(&body).unwrap();
    let written = json_lines(&std::fs::read_to_string(&events).unwrap());
    assert!(!written.is_empty());
    assert_eq!(served["events"].as_array().unwrap(), &written);
    assert!(info.contains("\"mode\":\"store\""), "{info}");
    assert_eq!(put_status, 405, "no token configured: zones are read only");
}
