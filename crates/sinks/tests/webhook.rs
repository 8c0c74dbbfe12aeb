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
    let sink = DeliverySink::webhook(&url, dir.path(), filter.clone(), 1 << 20).unwrap();
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
    let sink = DeliverySink::webhook(&url, dir.path(), filter, 1 << 20).unwrap();
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
