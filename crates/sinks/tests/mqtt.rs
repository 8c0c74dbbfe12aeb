//! The MQTT sink against the real Mosquitto broker on 127.0.0.1:1883, reached through a loopback
//! proxy that is down at first (nofly restarts meanwhile) and then comes up: a subscriber on the
//! broker receives every event, on `<prefix>/<kind>`, in order.

mod common;
use nofly_model::EventKind;
use nofly_sinks::{DeliverySink, EventFilter};
use rumqttc::{Client, Event, MqttOptions, Packet, QoS};
use std::net::TcpListener;
use std::time::Duration;

#[test]
fn a_broker_that_is_unreachable_for_a_while_gets_every_event_in_order() {
    let prefix = format!("nofly_test_{}", common::unique());
    // The subscriber, on the broker itself, before anything is published.
    let (subscriber, mut incoming) = Client::new(
        MqttOptions::new(format!("{prefix}-sub"), "127.0.0.1", 1883),
        64,
    );
    subscriber
        .subscribe(format!("{prefix}/#"), QoS::AtLeastOnce)
        .unwrap();
    loop {
        match incoming.recv_timeout(Duration::from_secs(10)) {
            Ok(Ok(Event::Incoming(Packet::SubAck(_)))) => break,
            Ok(Ok(_)) => continue,
            other => panic!("the broker on 127.0.0.1:1883 answers a subscription: {other:?}"),
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("mqtt://127.0.0.1:{port}");
    let open =
        || DeliverySink::mqtt(&url, &prefix, dir.path(), EventFilter::default(), 1 << 20).unwrap();
    common::deliver_across_an_outage(
        open,
        port,
        "127.0.0.1:1883",
        &(0..12)
            .map(|i| {
                common::event(
                    i,
                    if i < 8 && i % 2 == 1 {
                        EventKind::Exit
                    } else {
                        EventKind::Enter
                    },
                )
            })
            .collect::<Vec<_>>(),
    );

    let mut got = Vec::new();
    while got.len() < 12 {
        match incoming.recv_timeout(Duration::from_secs(10)) {
            Ok(Ok(Event::Incoming(Packet::Publish(p)))) => {
                let body: serde_json::Value = serde_json::from_slice(&p.payload).unwrap();
                got.push((p.topic.clone(), body["id"].as_str().unwrap().to_string()));
            }
            Ok(Ok(_)) => continue,
            other => panic!("{} of 12 events received, then {other:?}", got.len()),
        }
    }
    let want: Vec<(String, String)> = (0..12)
        .map(|i| {
            let kind = if i < 8 && i % 2 == 1 {
                EventKind::Exit
            } else {
                EventKind::Enter
            };
            let e = common::event(i, kind);
            (
                format!(
                    "{prefix}/{}",
                    if kind == EventKind::Exit {
                        "exit"
                    } else {
                        "enter"
                    }
                ),
                e.id,
            )
        })
        .collect();
    assert_eq!(got, want, "every event, on its kind's topic, in order");
}
