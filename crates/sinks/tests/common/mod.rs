//! What the delivery tests share: a synthetic event, and a loopback proxy to a real server.

// Each test binary uses part of what is here.
#![allow(dead_code)]

use nofly_model::{Event, EventKind, EventTime, Icao24, SourceRef};

/// Synthetic event number `i` of `kind`, in zone `Z`, one second after the previous.
pub fn event(i: i64, kind: EventKind) -> Event {
    let time = EventTime::from_millis(1_700_000_000_000 + i * 1000);
    Event {
        id: Event::derive_id(kind, time, Some(Icao24(0xabc)), "Z", "v", 0),
        kind,
        time,
        icao24: Some(Icao24(0xabc)),
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
        position_source: None,
        sensor: None,
        predicted: None,
        exempt: false,
        distance_m: None,
        squawk: None,
        nic: None,
        nacp: None,
        degraded: false,
        position_dispute: None,
        cell: None,
        same_instant: 0,
        aircraft: None,
        gs_kt: None,
        category: None,
    }
}

/// Forwards every connection on `listener` to the server at `target` (a broker that comes up
/// once the proxy does).
pub fn proxy(listener: std::net::TcpListener, target: &'static str) {
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let server = std::net::TcpStream::connect(target).unwrap();
            let (mut c1, mut s1) = (client.try_clone().unwrap(), server.try_clone().unwrap());
            let (mut c2, mut s2) = (client, server);
            std::thread::spawn(move || std::io::copy(&mut c1, &mut s1));
            std::thread::spawn(move || std::io::copy(&mut s2, &mut c2));
        }
    });
}

/// Sends `events` (12) through sinks made by `open`, whose server is reached through loopback
/// `port`: first down (8 events spooled, the sink dropped with them, a new one opened on the same
/// spool, 4 more), then up (a proxy to `target`). Nothing is delivered while down, everything after.
pub fn deliver_across_an_outage(
    open: impl Fn() -> nofly_sinks::DeliverySink,
    port: u16,
    target: &'static str,
    events: &[Event],
) {
    use std::time::Duration;
    let sink = open();
    for e in &events[..8] {
        sink.send(e).unwrap();
    }
    assert_eq!(
        sink.flush(Duration::from_millis(500)),
        8,
        "nothing delivered while unreachable"
    );
    drop(sink);
    let sink = open();
    for e in &events[8..] {
        sink.send(e).unwrap();
    }
    proxy(
        std::net::TcpListener::bind(("127.0.0.1", port)).unwrap(),
        target,
    );
    assert_eq!(
        sink.flush(Duration::from_secs(60)),
        0,
        "everything delivered"
    );
}

/// A name no other test run uses: the process id and the time in nanoseconds.
pub fn unique() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{}_{nanos}", std::process::id())
}
