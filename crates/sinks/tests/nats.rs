//! The NATS sink against the real JetStream server on 127.0.0.1:4222, reached through a loopback
//! proxy that is down at first (nofly restarts meanwhile) and then comes up: every event is in the
//! stream, once.

use nofly_model::{Event, EventKind, EventTime, Icao24, SourceRef};
use nofly_sinks::{DeliverySink, EventFilter};
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

fn event(i: i64) -> Event {
    let time = EventTime::from_millis(1_700_000_000_000 + i * 1000);
    Event {
        id: Event::derive_id(EventKind::Enter, time, Icao24(0xabc), "Z", "v", 0),
        kind: EventKind::Enter,
        time,
        icao24: Icao24(0xabc),
        callsign: None,
        zone_id: "Z".into(),
        zone_name: "Z".into(),
        zone_version: "v".into(),
        zone_set: "s".into(),
        lat: 1.0,
        lon: 2.0,
        alt_ft: None,
        alt_unknown: true,
        on_ground: false,
        source: SourceRef::default(),
        predicted: None,
        exempt: false,
        distance_m: None,
        squawk: None,
        same_instant: 0,
    }
}

/// Forwards every connection on `listener` to the NATS server.
fn proxy(listener: TcpListener) {
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let server = TcpStream::connect("127.0.0.1:4222").unwrap();
            let (mut c1, mut s1) = (client.try_clone().unwrap(), server.try_clone().unwrap());
            let (mut c2, mut s2) = (client, server);
            std::thread::spawn(move || std::io::copy(&mut c1, &mut s1));
            std::thread::spawn(move || std::io::copy(&mut s2, &mut c2));
        }
    });
}

#[test]
fn a_jetstream_server_that_is_unreachable_for_a_while_gets_every_event_once() {
    let unique = format!(
        "{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    );
    let (stream, prefix) = (
        format!("NOFLY_TEST_{unique}"),
        format!("nofly_test_{unique}"),
    );
    let dir = tempfile::tempdir().unwrap();
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("nats://127.0.0.1:{port}");
    let open = || {
        DeliverySink::nats(
            &url,
            &stream,
            &prefix,
            dir.path(),
            EventFilter::default(),
            1 << 20,
        )
        .unwrap()
    };
    let sink = open();
    for i in 0..8 {
        sink.send(&event(i)).unwrap();
    }
    assert_eq!(
        sink.flush(Duration::from_millis(500)),
        8,
        "nothing delivered while unreachable"
    );
    drop(sink);
    let sink = open();
    for i in 8..12 {
        sink.send(&event(i)).unwrap();
    }
    proxy(TcpListener::bind(("127.0.0.1", port)).unwrap());
    assert_eq!(
        sink.flush(Duration::from_secs(60)),
        0,
        "everything delivered"
    );
    drop(sink);

    // Read the stream back directly from the server.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let client = async_nats::connect("127.0.0.1:4222").await.unwrap();
        let js = async_nats::jetstream::new(client);
        let mut s = js.get_stream(&stream).await.unwrap();
        let state = s.info().await.unwrap().state.clone();
        assert_eq!(state.messages, 12, "each event once");
        let first = s.get_raw_message(state.first_sequence).await.unwrap();
        assert_eq!(first.subject.as_str(), format!("{prefix}.enter"));
        let body: serde_json::Value = serde_json::from_slice(&first.payload).unwrap();
        assert_eq!(body["id"], event(0).id.as_str());
        js.delete_stream(&stream).await.unwrap();
    });
}
