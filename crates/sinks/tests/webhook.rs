//! The webhook sink against a real HTTP receiver on loopback that is down at first while a sink is
//! dropped with events still spooled and a new one opened on the same spool, then comes up: every
//! event arrives, once.

mod common;
use common::event;
use nofly_model::EventKind;
use nofly_sinks::{DeliverySink, EventFilter};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A minimal HTTP/1.1 receiver: counts the Idempotency-Key of every POST and answers 200.
fn receiver(listener: TcpListener, seen: Arc<Mutex<BTreeMap<String, u32>>>) {
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let seen = seen.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                loop {
                    let (mut length, mut key) = (0usize, String::new());
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    loop {
                        line.clear();
                        reader.read_line(&mut line).unwrap();
                        let header = line.trim_end();
                        if header.is_empty() {
                            break;
                        }
                        let (name, value) = header.split_once(':').unwrap();
                        match name.to_ascii_lowercase().as_str() {
                            "content-length" => length = value.trim().parse().unwrap(),
                            "idempotency-key" => key = value.trim().to_string(),
                            _ => {}
                        }
                    }
                    let mut body = vec![0; length];
                    reader.read_exact(&mut body).unwrap();
                    let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
                    assert_eq!(json["id"], key.as_str());
                    *seen.lock().unwrap().entry(key).or_default() += 1;
                    stream
                        .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
                        .unwrap();
                }
            });
        }
    });
}

#[test]
fn a_receiver_that_is_down_loses_nothing_and_gets_each_event_once() {
    let dir = tempfile::tempdir().unwrap();
    // Reserve a port, and leave it closed for now: the receiver is down.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/events");
    let filter: EventFilter = "kinds=enter".parse().unwrap();
    let sink = DeliverySink::webhook(&url, None, dir.path(), filter.clone(), 1 << 20).unwrap();
    for i in 0..10 {
        assert!(sink.send(&event(i, EventKind::Enter)).unwrap());
        assert!(
            !sink.send(&event(i, EventKind::Exit)).unwrap(),
            "filtered out"
        );
    }
    assert_eq!(
        sink.flush(Duration::from_millis(700)),
        10,
        "nothing delivered while down"
    );
    // nofly restarts while the receiver is still down: the spool is kept.
    drop(sink);
    let sink = DeliverySink::webhook(&url, None, dir.path(), filter, 1 << 20).unwrap();
    for i in 10..15 {
        sink.send(&event(i, EventKind::Enter)).unwrap();
    }
    // The receiver comes up.
    let seen = Arc::new(Mutex::new(BTreeMap::new()));
    receiver(
        TcpListener::bind(("127.0.0.1", port)).unwrap(),
        seen.clone(),
    );
    assert_eq!(
        sink.flush(Duration::from_secs(60)),
        0,
        "everything delivered"
    );
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 15);
    assert!(seen.values().all(|n| *n == 1), "{seen:?}");
    assert_eq!(sink.dropped(), 0);
}

/// One POST's headers (lowercased names) and body, as a receiver on loopback got them.
fn capture(listener: TcpListener) -> std::sync::mpsc::Receiver<(BTreeMap<String, String>, String)> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            let mut headers = BTreeMap::new();
            loop {
                line.clear();
                reader.read_line(&mut line).unwrap();
                let Some((name, value)) = line.trim_end().split_once(':') else {
                    break;
                };
                headers.insert(name.to_ascii_lowercase(), value.trim().to_string());
            }
            let mut body = vec![0; headers["content-length"].parse().unwrap()];
            reader.read_exact(&mut body).unwrap();
            stream
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
                .unwrap();
            tx.send((headers, String::from_utf8(body).unwrap()))
                .unwrap();
        }
    });
    rx
}

#[test]
fn the_shipped_templates_are_sent_exactly_as_rendered() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let got = capture(listener);
    let mut e = event(3, EventKind::Enter);
    e.callsign = nofly_model::Callsign::new("AFL1000");
    e.zone_name = "Estonia \"EE\" & sea".into();
    let summary = "ENTER AFL1000 (000abc) into Estonia \"EE\" & sea (Z) at 2023-11-14T22:13:23.000Z, 1.00000 N 2.00000 E";
    assert_eq!(
        nofly_sinks::summary(&serde_json::to_value(&e).unwrap()),
        summary
    );
    let expected = [
        ("ntfy.tmpl", "text/plain; charset=utf-8", summary.to_string()),
        ("discord.tmpl", "application/json", format!("{{\"username\": \"nofly\", \"content\": {}}}", serde_json::to_string(summary).unwrap())),
        ("telegram.tmpl", "application/json", format!("{{\"chat_id\": \"YOUR_CHAT_ID\", \"text\": {}, \"disable_web_page_preview\": true}}", serde_json::to_string(summary).unwrap())),
        ("slack.tmpl", "application/json", format!("{{\"text\": {}}}", serde_json::to_string(summary).unwrap())),
        ("mastodon.tmpl", "application/x-www-form-urlencoded", "status=ENTER%20AFL1000%20%28000abc%29%20into%20Estonia%20%22EE%22%20%26%20sea%20%28Z%29%20at%202023-11-14T22%3A13%3A23.000Z%2C%201.00000%20N%202.00000%20E&visibility=unlisted".to_string()),
        ("bluesky.tmpl", "application/json", format!("{{\"repo\": \"YOUR_HANDLE.bsky.social\", \"collection\": \"app.bsky.feed.post\", \"record\": {{\"$type\": \"app.bsky.feed.post\", \"text\": {}, \"createdAt\": \"2023-11-14T22:13:23.000Z\"}}}}", serde_json::to_string(summary).unwrap())),
    ];
    for (file, content_type, body) in expected {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../docs/templates")
            .join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        let template =
            nofly_sinks::Template::parse(file, &text, nofly_sinks::EVENT_FIELDS).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let sink = DeliverySink::webhook(
            &url,
            Some(template),
            dir.path(),
            EventFilter::default(),
            1 << 20,
        )
        .unwrap();
        sink.send(&e).unwrap();
        assert_eq!(sink.flush(Duration::from_secs(10)), 0, "{file} delivered");
        let (headers, received) = got.recv_timeout(Duration::from_secs(10)).unwrap();
        assert_eq!(received, body, "{file}");
        assert_eq!(headers["content-type"], content_type, "{file}");
        assert_eq!(headers["idempotency-key"], e.id, "{file}");
        if file == "ntfy.tmpl" {
            assert_eq!(headers["title"], "nofly: enter AFL1000 000abc in Z");
            assert_eq!(headers["priority"], "high");
        }
    }
}

#[test]
fn the_template_fields_are_exactly_those_of_an_event() {
    // An event writes every field but those left out when empty or false; together they are the
    // fields a template may name, so a field added to events must be added there too.
    let value = serde_json::to_value(event(0, EventKind::Enter)).unwrap();
    let written: std::collections::BTreeSet<&str> = value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let optional = [
        "aircraft",
        "category",
        "cell",
        "degraded",
        "distance_m",
        "gs_kt",
        "exempt",
        "nacp",
        "nic",
        "predicted",
        "same_instant",
        "squawk",
    ];
    let all: std::collections::BTreeSet<&str> = written.iter().copied().chain(optional).collect();
    let fields: std::collections::BTreeSet<&str> =
        nofly_sinks::EVENT_FIELDS.iter().copied().collect();
    assert_eq!(fields, all);
}
