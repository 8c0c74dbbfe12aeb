//! `replay --mqtt` against the real Mosquitto broker on 127.0.0.1:1883: a subscriber receives the
//! replay's events as written to --events, filtered by --mqtt-filter.

mod common;
use common::*;
use rumqttc::{Client, Event, MqttOptions, Packet, QoS};
use std::time::Duration;

#[test]
fn a_replay_publishes_its_filtered_events_to_the_broker() {
    let prefix = format!("nofly_cli_test_{}", std::process::id());
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
            other => panic!("the broker on 127.0.0.1:1883 answers: {other:?}"),
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let events = dir.path().join("events.jsonl");
    let out = nofly(&[
        "replay",
        "--zones",
        fixture("synthetic-sicily-zones.geojson").to_str().unwrap(),
        "--events",
        events.to_str().unwrap(),
        "--mqtt",
        "mqtt://127.0.0.1:1883",
        "--mqtt-topic",
        &prefix,
        "--mqtt-filter",
        "kinds=enter",
        "--mqtt-spool",
        dir.path().join("spool").to_str().unwrap(),
        repo_file("data/samples/modes1_dump1090mut_30003.sbs")
            .to_str()
            .unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let written = json_lines(&std::fs::read_to_string(&events).unwrap());
    let enters: Vec<String> = written
        .iter()
        .filter(|e| e["kind"] == "enter")
        .map(|e| e["id"].as_str().unwrap().to_string())
        .collect();
    assert!(enters.len() >= 2 && enters.len() < written.len());
    assert!(
        stderr(&out).contains(&format!(
            "mqtt: {n} of {n} events delivered",
            n = enters.len()
        )),
        "{}",
        stderr(&out)
    );
    let mut got = Vec::new();
    while got.len() < enters.len() {
        match incoming.recv_timeout(Duration::from_secs(10)) {
            Ok(Ok(Event::Incoming(Packet::Publish(p)))) => {
                assert_eq!(p.topic, format!("{prefix}/enter"));
                let body: serde_json::Value = serde_json::from_slice(&p.payload).unwrap();
                got.push(body["id"].as_str().unwrap().to_string());
            }
            Ok(Ok(_)) => continue,
            other => panic!(
                "{} of {} events received, then {other:?}",
                got.len(),
                enters.len()
            ),
        }
    }
    assert_eq!(got, enters);
}
