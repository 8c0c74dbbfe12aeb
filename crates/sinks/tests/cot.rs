//! Cursor-on-Target over UDP and TCP to receivers on loopback: each event arrives as the exact CoT
//! XML, escaped, with the aircraft's uid, position, altitude in metres and times from the event.

mod common;
use nofly_model::EventKind;
use nofly_sinks::{DeliverySink, EventFilter};
use std::io::Read;
use std::net::{TcpListener, UdpSocket};
use std::time::Duration;

fn expected(e: &nofly_model::Event) -> String {
    let summary = nofly_sinks::summary(&serde_json::to_value(e).unwrap())
        .replace('&', "&amp;")
        .replace('"', "&quot;");
    format!(
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
            r#"<event version="2.0" uid="nofly-000abc" type="a-u-A" how="m-g" time="2023-11-14T22:13:22.000Z" start="2023-11-14T22:13:22.000Z" stale="2023-11-14T22:14:22.000Z">"#,
            r#"<point lat="1" lon="2" hae="10668.0" ce="185.2" le="9999999.0"/>"#,
            r#"<detail><contact callsign="AFL1000"/><remarks source="nofly">{}</remarks></detail></event>"#
        ),
        summary
    )
}

fn event() -> nofly_model::Event {
    let mut e = common::event(2, EventKind::Enter);
    e.callsign = nofly_model::Callsign::new("AFL1000");
    e.zone_name = "Estonia \"EE\" & sea".into();
    e.alt_ft = Some(35000.0);
    e.nic = Some(8);
    e
}

#[test]
fn cot_over_udp_is_one_datagram_per_event() {
    let receiver = UdpSocket::bind("127.0.0.1:0").unwrap();
    receiver
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let url = format!("udp://{}", receiver.local_addr().unwrap());
    let dir = tempfile::tempdir().unwrap();
    let sink = DeliverySink::cot(&url, dir.path(), EventFilter::default(), 1 << 20).unwrap();
    let e = event();
    sink.send(&e).unwrap();
    assert_eq!(sink.flush(Duration::from_secs(10)), 0);
    let mut buf = vec![0; 65536];
    let n = receiver.recv(&mut buf).unwrap();
    let got = String::from_utf8(buf[..n].to_vec()).unwrap();
    assert_eq!(got, expected(&e));
    assert!(got.contains("Estonia &quot;EE&quot; &amp; sea"), "{got}");
}

#[test]
fn cot_over_tcp_streams_the_events_in_order() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("tcp://{}", listener.local_addr().unwrap());
    let dir = tempfile::tempdir().unwrap();
    let sink = DeliverySink::cot(&url, dir.path(), EventFilter::default(), 1 << 20).unwrap();
    let e = event();
    let mut exit = event();
    exit.kind = EventKind::Exit;
    sink.send(&e).unwrap();
    sink.send(&exit).unwrap();
    let (mut stream, _) = listener.accept().unwrap();
    assert_eq!(sink.flush(Duration::from_secs(10)), 0);
    drop(sink);
    let mut got = String::new();
    stream.read_to_string(&mut got).unwrap();
    assert_eq!(got, expected(&e) + &expected(&exit));
    assert!(
        got.contains("EXIT AFL1000 (000abc) out of Estonia"),
        "{got}"
    );
}
