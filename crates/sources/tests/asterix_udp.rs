//! `asterix+udp://`: ASTERIX datagrams received live, over unicast and over a multicast group
//! (synthetic CAT062 system tracks built here), each report dated by its arrival; a datagram that
//! is no ASTERIX is reported as malformed and the next one is still read.

use nofly_model::EventTime;
use nofly_sources::{live_feed, LiveEvent, ModesOptions};
use std::time::Duration;

/// A CAT062 block of one system track of tracker 25/100: track 4242 at `lat`, `lon`.
fn track_block(lat: f64, lon: f64) -> Vec<u8> {
    // FRN 1 (010), 4 (070), 5 (105), then 12 (040): FSPEC 0b1001_1001, 0b0000_1000.
    let mut r = vec![0x99, 0x08, 25, 100];
    r.extend(&((45_000.0f64 * 128.0) as u32).to_be_bytes()[1..]);
    let deg = |d: f64| ((d * 33_554_432.0 / 180.0).round() as i32).to_be_bytes();
    r.extend(deg(lat));
    r.extend(deg(lon));
    r.extend(4242u16.to_be_bytes());
    let mut block = vec![62];
    block.extend(((r.len() + 3) as u16).to_be_bytes());
    block.extend(r);
    block
}

fn noon() -> EventTime {
    "2026-12-06T12:00:00Z".parse().unwrap()
}

/// Receives on `url` what `send` sends to `to`, until two reports came.
async fn receive(url: &str, to: &str) -> Vec<LiveEvent> {
    let (tx, mut rx) = tokio::sync::mpsc::channel(64);
    let feed = tokio::spawn(live_feed(
        url.to_string(),
        0,
        ModesOptions::default(),
        tx,
        noon,
    ));
    let mut events = Vec::new();
    // Unbound to an address: a multicast datagram leaves by the interface the group was joined on.
    let sender = std::net::UdpSocket::bind("0.0.0.0:0").unwrap();
    let mut reports = 0;
    while reports < 2 {
        match tokio::time::timeout(Duration::from_secs(10), rx.recv()).await {
            Ok(Some(LiveEvent::Connected(_))) => {
                sender.send_to(b"not asterix", to).unwrap();
                sender.send_to(&track_block(54.5, 20.5), to).unwrap();
                sender.send_to(&track_block(54.6, 20.6), to).unwrap();
            }
            Ok(Some(e)) => {
                reports += matches!(e, LiveEvent::Report(_)) as usize;
                events.push(e);
            }
            other => panic!("{url}: {other:?} after {events:?}"),
        }
    }
    feed.abort();
    events
}

fn check(events: &[LiveEvent]) {
    let malformed = events
        .iter()
        .filter(|e| matches!(e, LiveEvent::Malformed(_)))
        .count();
    assert_eq!(malformed, 1, "{events:?}");
    let reports: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            LiveEvent::Report(r) => Some(*r),
            _ => None,
        })
        .collect();
    assert_eq!(reports.len(), 2);
    let lat = reports[1].position.unwrap().0;
    assert!((lat - 54.6).abs() < 1e-5, "{lat}");
    assert_eq!(reports[0].icao, reports[1].icao, "one track, one identity");
    assert!(reports[0].icao.is_sensor_track());
    assert_eq!(reports[0].time.to_rfc3339(), "2026-12-06T12:30:00.000Z");
}

#[tokio::test]
async fn unicast_datagrams_become_reports() {
    let port = std::net::UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let at = format!("127.0.0.1:{port}");
    check(&receive(&format!("asterix+udp://{at}"), &at).await);
}

#[tokio::test]
async fn a_multicast_group_is_joined() {
    let port = std::net::UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let group = format!("239.255.42.99:{port}");
    check(&receive(&format!("asterix+udp://{group}"), &group).await);
}
