//! The HTTP API over real TCP: what each endpoint answers, its errors, the write endpoints'
//! token, static files that cannot escape web/dist, and the stream, including a client too slow
//! to read it. Zones and flights are synthetic (named so); events come from the real engine.

use nofly_model::{Event, EventTime, Icao24, Report, SourceRef};
use nofly_server::{Mode, Monitor, ServerOptions, ZoneCommand, ZoneRequest};
use nofly_zones::{read_zone_file, ZoneSet};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::Duration;

/// A synthetic square zone over 10–11°E, 50–51°N, active from 2024-01-01T00:10:00Z.
const ZONES: &str = r#"{"type":"FeatureCollection","features":[{"type":"Feature",
 "properties":{"id":"SQUARE","name":"Synthetic square","kind":"restricted","lower":"SFC","upper":"FL100",
  "active":[{"from":"2024-01-01T00:10:00Z"}]},
 "geometry":{"type":"Polygon","coordinates":[[[10,50],[11,50],[11,51],[10,51],[10,50]]]}}]}"#;
const T0: i64 = 1_704_067_200_000; // 2024-01-01T00:00:00Z

fn zone_set(text: &str) -> ZoneSet {
    let (_, read) = read_zone_file("synthetic.geojson", text);
    assert!(read.problems.is_empty(), "{:?}", read.problems);
    ZoneSet::from_files(vec![("synthetic.geojson".into(), read)]).unwrap()
}

/// A synthetic flight due east along 50.5°N at 5,000 ft, one report every 10 s for 40 minutes,
/// entering the square after the zone became active.
fn flight() -> Vec<Report> {
    (0..240)
        .map(|i| {
            let mut r = Report::new(
                EventTime::from_millis(T0 + i * 10_000),
                Icao24(0x3c6444),
                SourceRef {
                    input: 0,
                    record: i as u64,
                },
            );
            r.position = Some((50.5, 9.0 + i as f64 * 0.01));
            r.alt_baro_ft = Some(5000.0);
            r.track_deg = Some(90.0);
            r.callsign = nofly_model::Callsign::new("SYN123");
            r
        })
        .collect()
}

fn detect(set: &ZoneSet, reports: &[Report]) -> Vec<Event> {
    let mut engine = nofly_engine::Engine::new(&set.zones);
    let mut events = Vec::new();
    for r in reports {
        engine.process(r, &mut |e| events.push(e));
    }
    events
}

fn start(monitor: Arc<Monitor>, options: ServerOptions) -> (tokio::runtime::Runtime, SocketAddr) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (addr, _task) = runtime
        .block_on(nofly_server::serve(
            "127.0.0.1:0".parse().unwrap(),
            monitor,
            options,
        ))
        .unwrap();
    (runtime, addr)
}

/// Status and body of a request, whatever the status.
fn call(method: &str, url: &str, token: Option<&str>, body: Option<&str>) -> (u16, String) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut response = match (method, body) {
        ("GET", _) => {
            let mut req = agent.get(url);
            if let Some(t) = token {
                req = req.header("Authorization", &format!("Bearer {t}"));
            }
            req.call().unwrap()
        }
        (_, body) => {
            let mut req = if method == "PUT" {
                agent.put(url)
            } else {
                agent.post(url)
            };
            if let Some(t) = token {
                req = req.header("Authorization", &format!("Bearer {t}"));
            }
            req.send(body.unwrap_or("")).unwrap()
        }
    };
    let status = response.status().as_u16();
    (
        status,
        response.body_mut().read_to_string().unwrap_or_default(),
    )
}

fn json(url: &str) -> serde_json::Value {
    let (status, body) = call("GET", url, None, None);
    assert_eq!(status, 200, "{url}: {body}");
    serde_json::from_str(&body).unwrap()
}

#[test]
fn a_replay_is_served_with_zones_aircraft_events_and_evidence() {
    let set = zone_set(ZONES);
    let reports = flight();
    let events = detect(&set, &reports);
    assert_eq!(events.len(), 2, "one entry and one exit: {events:?}");
    let monitor = Monitor::replay(&set, &reports, &events);
    let evidence: Arc<nofly_server::EvidenceFn> =
        Arc::new(|id: &str| Ok(format!("{{\"bundle_of\":\"{id}\"}}")));
    let (_rt, addr) = start(
        monitor,
        ServerOptions {
            evidence: Some(evidence),
            ..ServerOptions::default()
        },
    );
    let base = format!("http://{addr}");

    let info = json(&format!("{base}/api/info"));
    assert_eq!(
        (info["mode"].as_str(), info["zones"].as_u64()),
        (Some("replay"), Some(1))
    );
    assert_eq!(info["start"], "2024-01-01T00:00:00.000Z");

    // Zones: active only from 00:10; without geometry on request.
    let early = json(&format!("{base}/api/zones?at=2024-01-01T00:05:00Z"));
    assert_eq!(early["features"][0]["properties"]["active"], false);
    let late = json(&format!(
        "{base}/api/zones?at={}&geometry=false",
        (T0 + 900_000) / 1000
    ));
    assert_eq!(late["features"][0]["properties"]["active"], true);
    assert!(late["features"][0]["geometry"].is_null());
    assert_eq!(
        json(&format!("{base}/api/zones"))["features"][0]["geometry"]["type"],
        "MultiPolygon"
    );

    // Aircraft: interpolated at 00:00:05 between the first two reports; gone long after the end.
    let at = json(&format!(
        "{base}/api/aircraft?at=2024-01-01T00:00:05Z&trail=60"
    ));
    let a = &at["aircraft"][0];
    assert_eq!(
        (a["icao24"].as_str(), a["callsign"].as_str()),
        (Some("3c6444"), Some("SYN123"))
    );
    assert!((a["lon"].as_f64().unwrap() - 9.005).abs() < 1e-9, "{a}");
    assert_eq!(
        json(&format!("{base}/api/aircraft?at=2024-01-02T00:00:00Z"))["aircraft"],
        serde_json::json!([])
    );

    // Events: filters by kind, zone and time; errors name the parameter.
    assert_eq!(json(&format!("{base}/api/events"))["count"], 2);
    let enters = json(&format!("{base}/api/events?kind=enter&zone=SQUARE"));
    assert_eq!(enters["events"][0]["id"], events[0].id.as_str());
    assert_eq!(json(&format!("{base}/api/events?zone=OTHER"))["count"], 0);
    assert_eq!(
        json(&format!("{base}/api/events?since={}", events[1].time))["count"],
        1
    );
    let limited = json(&format!("{base}/api/events?limit=1"));
    assert_eq!(
        (limited["count"].as_u64(), limited["more"].as_bool()),
        (Some(1), Some(true))
    );
    let (status, body) = call(
        "GET",
        &format!("{base}/api/events?kind=landing"),
        None,
        None,
    );
    assert_eq!(status, 400);
    assert!(body.contains("kind") && body.contains("landing"), "{body}");
    let (status, body) = call(
        "GET",
        &format!("{base}/api/aircraft?at=yesterday"),
        None,
        None,
    );
    assert_eq!(status, 400);
    assert!(body.contains("at:"), "{body}");

    // Evidence: the bundle of a known event, 404 for an unknown one.
    let (status, body) = call(
        "GET",
        &format!("{base}/api/events/{}/evidence", events[0].id),
        None,
        None,
    );
    assert_eq!(
        (status, body),
        (200, format!("{{\"bundle_of\":\"{}\"}}", events[0].id))
    );
    assert_eq!(
        call(
            "GET",
            &format!("{base}/api/events/0123abcd/evidence"),
            None,
            None
        )
        .0,
        404
    );

    // Health, metrics and the API description.
    assert_eq!(json(&format!("{base}/healthz"))["status"], "ok");
    let (_, metrics) = call("GET", &format!("{base}/metrics"), None, None);
    assert!(metrics.contains("nofly_reports_total 240\n"), "{metrics}");
    assert!(
        metrics.contains("nofly_events_total{kind=\"enter\"} 1\n"),
        "{metrics}"
    );
    let openapi = json(&format!("{base}/api/openapi.json"));
    for path in [
        "/api/zones",
        "/api/aircraft",
        "/api/events",
        "/api/events/{id}/evidence",
        "/api/stream",
        "/healthz",
        "/metrics",
    ] {
        assert!(openapi["paths"][path].is_object(), "{path} is documented");
    }
}

#[test]
fn static_files_cannot_escape_the_embedded_folder() {
    let (_rt, addr) = start(
        Monitor::new(Mode::Store, &zone_set(ZONES)),
        ServerOptions::default(),
    );
    let (status, page) = call("GET", &format!("http://{addr}/"), None, None);
    assert_eq!(status, 200);
    assert!(page.contains("nofly"), "{page}");
    for path in [
        "/../Cargo.toml",
        "/%2e%2e/Cargo.toml",
        "/..%2fCargo.toml",
        "//etc/passwd",
        "/src/lib.rs",
        "/index.html/..",
    ] {
        let mut stream = TcpStream::connect(addr).unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        assert!(
            !answer.contains("[package]") && !answer.contains("root:"),
            "{path}: {answer}"
        );
        assert!(
            !answer.starts_with("HTTP/1.1 200") || path == "/index.html/..",
            "{path}: {answer}"
        );
    }
}

#[test]
fn zone_writes_need_the_token_and_exist_only_with_one() {
    let set = zone_set(ZONES);
    // Without a token: read only.
    let (_rt, addr) = start(Monitor::new(Mode::Store, &set), ServerOptions::default());
    assert_eq!(
        call(
            "PUT",
            &format!("http://{addr}/api/zones"),
            Some("x"),
            Some(ZONES)
        )
        .0,
        405
    );
    assert_eq!(
        call(
            "POST",
            &format!("http://{addr}/api/zones/reload"),
            Some("x"),
            None
        )
        .0,
        404
    );

    // With a token: the owner of the zones gets the request and answers it.
    let (tx, mut rx) = tokio::sync::mpsc::channel::<ZoneRequest>(1);
    std::thread::spawn(move || {
        while let Some(request) = rx.blocking_recv() {
            let answer = match request.command {
                ZoneCommand::Upload { text } if text.contains("FeatureCollection") => {
                    Ok(format!("{} bytes", text.len()))
                }
                ZoneCommand::Upload { .. } => Err("not a zone file".to_string()),
                ZoneCommand::Reload => Ok("reloaded".to_string()),
            };
            let _ = request.reply.send(answer);
        }
    });
    let token = "a-token-of-sixteen-or-more";
    let options = ServerOptions {
        token: Some(token.into()),
        zone_control: Some(tx),
        evidence: None,
        log_files: None,
    };
    let (_rt2, addr) = start(Monitor::new(Mode::Store, &set), options);
    let url = format!("http://{addr}/api/zones");
    assert_eq!(call("PUT", &url, None, Some(ZONES)).0, 401);
    assert_eq!(
        call("PUT", &url, Some("a-token-of-sixteen-or-mor"), Some(ZONES)).0,
        401
    );
    let (status, body) = call("PUT", &url, Some(token), Some(ZONES));
    assert_eq!(status, 200, "{body}");
    assert!(body.contains(&format!("{} bytes", ZONES.len())), "{body}");
    let (status, body) = call("PUT", &url, Some(token), Some("OpenAIR? no"));
    assert_eq!(
        (status, body.contains("not a zone file")),
        (422, true),
        "{body}"
    );
    assert_eq!(
        call("POST", &format!("{url}/reload"), Some(token), None).0,
        200
    );
    let too_big = "x".repeat(nofly_server::MAX_UPLOAD_BYTES + 1);
    assert_eq!(call("PUT", &url, Some(token), Some(&too_big)).0, 413);
}

/// Reads from a stream until `needle` appears (or panics after 10 s).
fn read_until(stream: &mut TcpStream, seen: &mut String, needle: &str) {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut buf = [0u8; 4096];
    while !seen.contains(needle) {
        let n = stream.read(&mut buf).expect("stream data in time");
        assert!(n > 0, "stream closed before {needle:?}: {seen}");
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
}

#[test]
fn the_stream_sends_live_updates_and_drops_a_client_that_does_not_read() {
    let set = zone_set(ZONES);
    let reports = flight();
    let events = detect(&set, &reports);
    let monitor = Monitor::new(Mode::Live, &set);
    let (_rt, addr) = start(monitor.clone(), ServerOptions::default());

    let mut reader = TcpStream::connect(addr).unwrap();
    write!(reader, "GET /api/stream HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let mut seen = String::new();
    read_until(&mut reader, &mut seen, "event: status");
    for r in &reports[..100] {
        monitor.observe(r);
    }
    monitor.publish(&events[0]);
    monitor.tick(1.0);
    read_until(&mut reader, &mut seen, &events[0].id);
    read_until(&mut reader, &mut seen, "event: aircraft");
    assert!(seen.contains("\"icao24\":\"3c6444\""), "{seen}");

    // A client that never reads: its queue fills, it is dropped; memory stays bounded.
    let slow = TcpStream::connect(addr).unwrap();
    (&slow)
        .write_all(b"GET /api/stream HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let clients = |m: &Monitor| {
        m.counters
            .stream_clients
            .load(std::sync::atomic::Ordering::Relaxed)
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while clients(&monitor) < 2 {
        assert!(
            std::time::Instant::now() < deadline,
            "the slow client connected"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let mut big = events[0].clone();
    big.zone_name = "z".repeat(16 * 1024);
    let dropped = |m: &Monitor| {
        m.counters
            .stream_dropped
            .load(std::sync::atomic::Ordering::Relaxed)
    };
    let mut sent = 0;
    while dropped(&monitor) == 0 {
        assert!(sent < 200_000, "the slow client was never dropped");
        monitor.publish(&big);
        sent += 1;
        // The reading client keeps up.
        if sent % 64 == 0 {
            let mut buf = vec![0u8; 1 << 20];
            reader
                .set_read_timeout(Some(Duration::from_millis(50)))
                .unwrap();
            let _ = reader.read(&mut buf);
            std::thread::sleep(Duration::from_millis(2));
        }
    }
    assert_eq!(dropped(&monitor), 1, "only the slow client was dropped");
    drop(slow);
}
