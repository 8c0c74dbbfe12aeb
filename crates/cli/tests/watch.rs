//! `nofly watch` against a real TCP feed served from the test: events as they happen, reconnection
//! after the feed drops, and a clean stop on Ctrl-C (SIGINT) that flushes the events and the store.

mod common;
use common::*;
use std::io::Write;
use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !done() {
        assert!(Instant::now() < deadline, "gave up waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Listens on a free local port and starts `nofly watch` on it (`scheme://127.0.0.1:PORT`) with the
/// Sicily test zones and the extra arguments.
fn start_watch(scheme: &str, extra: &[&str]) -> (TcpListener, std::process::Child) {
    start_watch_on(&fixture("synthetic-sicily-zones.geojson"), scheme, extra)
}

/// The same with another zone file.
fn start_watch_on(
    zones: &std::path::Path,
    scheme: &str,
    extra: &[&str],
) -> (TcpListener, std::process::Child) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let child = Command::new(env!("CARGO_BIN_EXE_nofly"))
        .args(["watch", "--zones", zones.to_str().unwrap()])
        .args(["--source", &format!("{scheme}://127.0.0.1:{port}")])
        .args(extra)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    (listener, child)
}

/// Sends a signal (`INT`, `HUP`) to a process.
fn signal(child: &std::process::Child, name: &str) {
    let status = Command::new("kill")
        .args([&format!("-{name}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

/// The recorded SBS sample (dump1090-mutability, port 30003).
fn sample_sbs() -> String {
    std::fs::read_to_string(repo_file("data/samples/modes1_dump1090mut_30003.sbs")).unwrap()
}

/// Its lines in time order, so that no report is late.
fn time_ordered(text: &str) -> Vec<&str> {
    let mut lines: Vec<&str> = text.lines().collect();
    lines.sort_by_key(|l| l.split(',').nth(7).unwrap_or("").to_string());
    lines
}

/// Collects the child's standard error as it comes, for waiting on what it says.
fn capture_stderr(
    child: &mut std::process::Child,
) -> (
    std::sync::Arc<std::sync::Mutex<String>>,
    std::thread::JoinHandle<()>,
) {
    let log = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let stderr = child.stderr.take().unwrap();
    let reader = {
        let log = log.clone();
        std::thread::spawn(move || {
            use std::io::BufRead;
            for line in std::io::BufReader::new(stderr).lines() {
                let line = line.unwrap();
                log.lock().unwrap().push_str(&(line + "\n"));
            }
        })
    };
    (log, reader)
}

/// Stops `nofly watch` as Ctrl-C would and returns what it printed.
fn interrupt(child: std::process::Child) -> std::process::Output {
    signal(&child, "INT");
    child.wait_with_output().unwrap()
}

#[test]
fn live_feed_reconnects_and_ctrl_c_flushes_everything() {
    let dir = tempfile::tempdir().unwrap();
    let events = dir.path().join("live.jsonl");
    let db = dir.path().join("live.db");
    assert!(nofly(&["keygen", "--dir", dir.path().to_str().unwrap()])
        .status
        .success());
    let log = dir.path().join("live.log");
    let key = dir.path().join("nofly.key");
    let (listener, child) = start_watch(
        "sbs",
        &[
            "--events",
            events.to_str().unwrap(),
            "--db",
            db.to_str().unwrap(),
        ]
        .into_iter()
        .chain([
            "--evidence-log",
            log.to_str().unwrap(),
            "--key",
            key.to_str().unwrap(),
        ])
        .collect::<Vec<_>>(),
    );

    let text = sample_sbs();
    let lines = time_ordered(&text);
    let (first, second) = lines.split_at(lines.len() / 2);

    let (mut conn, _) = listener.accept().unwrap();
    conn.write_all((first.join("\n") + "\nMSG,3,1,1,ZZZZZZ,broken\n").as_bytes())
        .unwrap();
    drop(conn); // the feed drops; nofly must come back by itself
    let (mut conn, _) = listener.accept().unwrap();
    conn.write_all((second.join("\n") + "\n").as_bytes())
        .unwrap();
    conn.flush().unwrap();

    let count = || {
        std::fs::read_to_string(&events)
            .map(|t| t.lines().count())
            .unwrap_or(0)
    };
    wait_for("events from the second connection", || {
        std::fs::read_to_string(&events)
            .map(|t| {
                json_lines(&t)
                    .iter()
                    .any(|e| e["source"]["record"].as_u64().unwrap() > first.len() as u64)
            })
            .unwrap_or(false)
    });
    let seen = count();
    let out = interrupt(child);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("retrying in"), "{err}");
    assert!(err.contains("skipped malformed record"), "{err}");
    assert!(err.contains("stopped:"), "{err}");
    let written = json_lines(&std::fs::read_to_string(&events).unwrap());
    assert!(written.len() >= seen && seen > 0);
    let store = nofly_sinks::SqliteStore::open(&db).unwrap();
    assert_eq!(
        store.event_count().unwrap(),
        written.len() as u64,
        "every event written is in the store"
    );
    let verified = nofly(&[
        "verify-log",
        log.to_str().unwrap(),
        "--pubkey",
        dir.path().join("nofly.pub").to_str().unwrap(),
    ]);
    assert!(
        verified.status.success(),
        "{}",
        String::from_utf8_lossy(&verified.stdout)
    );
    let logged = nofly_evidence::read_log(&log)
        .unwrap()
        .entries
        .iter()
        .filter(|e| e.record["type"] == "event")
        .count();
    assert_eq!(
        logged,
        written.len(),
        "every event written is in the signed log"
    );
}

#[test]
fn live_beast_feed_is_decoded_and_survives_a_receiver_restart() {
    let dir = tempfile::tempdir().unwrap();
    let events = dir.path().join("beast.jsonl");
    let (listener, child) = start_watch("beast", &["--events", events.to_str().unwrap()]);
    let beast = std::fs::read(repo_file("data/modes/modes1_dump1090mut_30005.beast")).unwrap();
    let (mut conn, _) = listener.accept().unwrap();
    conn.write_all(&beast[..beast.len() / 3]).unwrap();
    drop(conn); // the receiver restarts
    let (mut conn, _) = listener.accept().unwrap();
    conn.write_all(&beast[beast.len() / 3..]).unwrap();
    conn.flush().unwrap();
    wait_for("an event from the Beast feed", || {
        std::fs::read_to_string(&events)
            .map(|t| !t.is_empty())
            .unwrap_or(false)
    });
    let out = interrupt(child);
    let err = stderr(&out);
    assert!(
        out.status.success() && err.contains("retrying in") && err.contains("stopped:"),
        "{err}"
    );
    let ev = json_lines(&std::fs::read_to_string(&events).unwrap());
    assert!(ev.iter().all(|e| e["icao24"] == "4d2023"), "{ev:?}");
}

#[test]
fn zone_files_are_reloaded_on_sighup_and_on_change_and_a_broken_one_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let events = dir.path().join("reload.jsonl");
    let zones = dir.path().join("zones.geojson");
    // Synthetic: a zone nowhere near the recorded aircraft.
    std::fs::write(
        &zones,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"FAR","radius_m":1000},"geometry":{"type":"Point","coordinates":[0,0]}}]}"#,
    )
    .unwrap();
    let (listener, mut child) =
        start_watch_on(&zones, "sbs", &["--events", events.to_str().unwrap()]);
    let (log, reader) = capture_stderr(&mut child);
    let said = |text: &str| log.lock().unwrap().contains(text);
    let text = sample_sbs();
    let lines = time_ordered(&text);
    let (first, second) = lines.split_at(lines.len() / 2);
    let (mut conn, _) = listener.accept().unwrap();
    conn.write_all((first.join("\n") + "\n").as_bytes())
        .unwrap();
    conn.flush().unwrap();

    // A broken zone file is refused; the current set stays.
    std::fs::write(&zones, "{ not json").unwrap();
    signal(&child, "HUP");
    wait_for("the broken zone file refused", || {
        said("zones not reloaded (SIGHUP)")
    });
    // A good one is picked up from the change on disk alone.
    std::fs::copy(fixture("synthetic-sicily-zones.geojson"), &zones).unwrap();
    wait_for("the new zones loaded", || {
        said("zones reloaded (zone file changed)")
    });
    conn.write_all((second.join("\n") + "\n").as_bytes())
        .unwrap();
    conn.flush().unwrap();
    wait_for("an event against the reloaded zones", || {
        std::fs::read_to_string(&events)
            .map(|t| !t.is_empty())
            .unwrap_or(false)
    });
    signal(&child, "INT");
    assert!(child.wait().unwrap().success());
    reader.join().unwrap();
    let (_, read) = nofly_zones::read_zone_file("z", &std::fs::read_to_string(&zones).unwrap());
    let ev = json_lines(&std::fs::read_to_string(&events).unwrap());
    for e in &ev {
        let zone = read.zones.iter().find(|z| z.id == e["zone_id"]).unwrap();
        assert_eq!(e["zone_version"], zone.version.as_str(), "{e}");
        assert!(e["source"]["record"].as_u64().unwrap() > first.len() as u64);
    }
}

#[test]
fn the_web_api_follows_a_live_feed_and_takes_zone_uploads_with_the_token() {
    let dir = tempfile::tempdir().unwrap();
    let events = dir.path().join("live.jsonl");
    let token_file = dir.path().join("token");
    let token = "test-token-0123456789";
    std::fs::write(&token_file, format!("{token}\n")).unwrap();
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let (listener, mut child) = start_watch(
        "sbs",
        &[
            "--events",
            events.to_str().unwrap(),
            "--http",
            &format!("127.0.0.1:{port}"),
            "--http-token-file",
            token_file.to_str().unwrap(),
        ],
    );
    let (log, reader) = capture_stderr(&mut child);
    let said = |text: &str| log.lock().unwrap().contains(text);
    wait_for("the web API", || said("web map and API on"));
    let text = sample_sbs();
    let (mut conn, _) = listener.accept().unwrap();
    conn.write_all((time_ordered(&text).join("\n") + "\n").as_bytes())
        .unwrap();
    conn.flush().unwrap();
    let written = || {
        std::fs::read_to_string(&events)
            .map(|t| t.lines().count())
            .unwrap_or(0)
    };
    let json = |path: &str| -> serde_json::Value {
        let (status, body) = http("GET", &format!("{base}{path}"), None, "");
        assert_eq!(status, 200, "{path}: {body}");
        serde_json::from_str(&body).unwrap()
    };
    wait_for("the API to hold every event written", || {
        written() > 0 && json("/api/events")["count"].as_u64() == Some(written() as u64)
    });
    assert_eq!(json("/api/info")["mode"], "live");
    assert!(!json("/api/aircraft")["aircraft"]
        .as_array()
        .unwrap()
        .is_empty());
    let (_, metrics) = http("GET", &format!("{base}/metrics"), None, "");
    assert!(metrics.contains("nofly_lag_seconds "), "{metrics}");
    assert!(!metrics.contains("nofly_reports_total 0\n"), "{metrics}");

    // Zone upload: refused without the token and when broken; applied to the engine when good.
    let zones_url = format!("{base}/api/zones");
    let good = std::fs::read_to_string(repo_file("data/zones/synthetic-la-demo.geojson")).unwrap();
    assert_eq!(http("PUT", &zones_url, None, &good).0, 401);
    let broken = std::fs::read_to_string(fixture("synthetic-bad-zones.geojson")).unwrap();
    let (status, body) = http("PUT", &zones_url, Some(token), &broken);
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("zone error"), "{body}");
    let (status, body) = http("PUT", &zones_url, Some(token), &good);
    assert_eq!(status, 200, "{body}");
    wait_for("the uploaded zones in force", || {
        said("zones reloaded (HTTP API)")
    });
    let ids: Vec<String> = json("/api/zones")["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, ["SYNTH-LA-EAST", "SYNTH-LA-HIGH"]);
    signal(&child, "INT");
    assert!(child.wait().unwrap().success());
    reader.join().unwrap();
}

#[test]
fn a_live_readsb_json_feed_raises_interference_areas_as_zones() {
    let dir = tempfile::tempdir().unwrap();
    let (zones, events, db) = (
        dir.path().join("zones.geojson"),
        dir.path().join("live.jsonl"),
        dir.path().join("live.db"),
    );
    std::fs::write(&zones, SYNTHETIC_JAMMED_ZONES).unwrap();
    let (listener, child) = start_watch_on(
        &zones,
        "json",
        &[
            "--gnss",
            "--events",
            events.to_str().unwrap(),
            "--db",
            db.to_str().unwrap(),
        ],
    );
    let (mut conn, _) = listener.accept().unwrap();
    conn.write_all((synthetic_jammed_recording() + "not json\n").as_bytes())
        .unwrap();
    conn.flush().unwrap();
    let events_of = |kind: &str| -> Vec<serde_json::Value> {
        std::fs::read_to_string(&events)
            .map(|t| {
                json_lines(&t)
                    .into_iter()
                    .filter(|e| e["kind"] == kind)
                    .collect()
            })
            .unwrap_or_default()
    };
    wait_for("the area's end", || {
        !events_of("interference_end").is_empty()
    });
    let out = interrupt(child);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("skipped malformed record"), "{err}");
    let start = &events_of("interference_start")[0];
    assert_eq!(
        start["time"], "2024-09-17T09:10:00.000Z",
        "event time comes from the data"
    );
    let zone_id = start["zone_id"].as_str().unwrap();
    assert!(events_of("enter")
        .iter()
        .any(|e| e["zone_id"] == zone_id && e["icao24"] == "ddd004"));
    let conn = rusqlite::Connection::open(&db).unwrap();
    let versions: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM zones WHERE zone_id = ?1",
            [zone_id],
            |row| row.get(0),
        )
        .unwrap();
    assert!(versions >= 1, "the store holds the area's zone");
}

#[test]
fn alert_rules_are_reloaded_on_sighup_and_on_change_and_a_broken_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (events, rules) = (
        dir.path().join("events.jsonl"),
        dir.path().join("alerts.rules"),
    );
    // Synthetic rules: at first none matches the sample's Maltese aircraft (4D2023).
    std::fs::write(&rules, "[russian]\ncountry = RU\n").unwrap();
    let prefix = format!("nofly_watch_rules_{}", std::process::id());
    let (_subscriber, mut incoming) = subscribe(&prefix);
    let spool = dir.path().join("spool");
    let (listener, mut child) = start_watch(
        "sbs",
        &[
            "--events",
            events.to_str().unwrap(),
            "--rules",
            rules.to_str().unwrap(),
            "--mqtt",
            "mqtt://127.0.0.1:1883",
            "--mqtt-topic",
            &prefix,
            "--mqtt-spool",
            spool.to_str().unwrap(),
        ],
    );
    let (log, reader) = capture_stderr(&mut child);
    let said = |text: &str| log.lock().unwrap().contains(text);
    let text = sample_sbs();
    let lines = time_ordered(&text);
    let (first, second) = lines.split_at(lines.len() / 2);
    let (mut conn, _) = listener.accept().unwrap();
    conn.write_all((first.join("\n") + "\n").as_bytes())
        .unwrap();
    conn.flush().unwrap();
    let written = || {
        std::fs::read_to_string(&events)
            .map(|t| t.lines().count())
            .unwrap_or(0)
    };
    wait_for("the first half's events", || written() > 0);
    // The first half is taken whole once the events file has stopped growing for a second.
    let mut before = written();
    loop {
        std::thread::sleep(Duration::from_secs(1));
        if written() == before {
            break;
        }
        before = written();
    }

    std::fs::write(&rules, "[malta]\ncountry = Malta\n").unwrap();
    signal(&child, "HUP");
    wait_for("the broken rule file refused", || {
        said("rules not reloaded (SIGHUP)") && said("alerts.rules:2: country: \"Malta\"")
    });
    std::fs::write(&rules, "# synthetic\n[malta]\ncountry = MT\nsend = mqtt\n").unwrap();
    wait_for("the new rules loaded", || {
        said("rules reloaded (rule file changed): 1 rule(s): malta")
    });
    conn.write_all((second.join("\n") + "\n").as_bytes())
        .unwrap();
    conn.flush().unwrap();
    let all = |n: usize| move || written() > n;
    wait_for("the second half's events", all(before));
    std::thread::sleep(Duration::from_secs(1));
    signal(&child, "INT");
    assert!(child.wait().unwrap().success());
    reader.join().unwrap();
    // Exactly the events after the reload were alerted, each naming the new rule.
    let ev = json_lines(&std::fs::read_to_string(&events).unwrap());
    let expected: Vec<&str> = ev[before..]
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert!(!expected.is_empty() && before > 0);
    let got = receive(&mut incoming, expected.len());
    let ids: Vec<&str> = got.iter().map(|(_, e)| e["id"].as_str().unwrap()).collect();
    assert_eq!(ids, expected);
    assert!(got
        .iter()
        .all(|(_, e)| e["rules"] == serde_json::json!(["malta"])));
}
