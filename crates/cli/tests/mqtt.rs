//! `replay --mqtt` against the real Mosquitto broker on 127.0.0.1:1883: a subscriber receives the
//! replay's events as written to --events, filtered by --mqtt-filter, or chosen by the named
//! rules of a --rules file (each with its own cooldown, the rules' names in the payload).

mod common;
use common::*;

/// `nofly replay` of the dump1090 SBS sample against the synthetic Sicily zones, publishing to
/// MQTT under `prefix`; the events it wrote.
fn replay_to_mqtt(
    prefix: &str,
    dir: &std::path::Path,
    extra: &[&str],
) -> (Vec<serde_json::Value>, String) {
    let events = dir.join("events.jsonl");
    let (zones, spool, input) = (
        fixture("synthetic-sicily-zones.geojson"),
        dir.join("spool"),
        repo_file("data/samples/modes1_dump1090mut_30003.sbs"),
    );
    let mut args = vec![
        "replay",
        "--zones",
        zones.to_str().unwrap(),
        "--events",
        events.to_str().unwrap(),
        "--mqtt",
        "mqtt://127.0.0.1:1883",
        "--mqtt-topic",
        prefix,
        "--mqtt-spool",
        spool.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    args.push(input.to_str().unwrap());
    let out = nofly(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    (
        json_lines(&std::fs::read_to_string(&events).unwrap()),
        stderr(&out),
    )
}

#[test]
fn a_replay_publishes_its_filtered_events_to_the_broker() {
    let prefix = format!("nofly_cli_test_{}", std::process::id());
    let (_subscriber, mut incoming) = subscribe(&prefix);
    let dir = tempfile::tempdir().unwrap();
    let (written, log) = replay_to_mqtt(&prefix, dir.path(), &["--mqtt-filter", "kinds=enter"]);
    let enters: Vec<String> = written
        .iter()
        .filter(|e| e["kind"] == "enter")
        .map(|e| e["id"].as_str().unwrap().to_string())
        .collect();
    assert!(enters.len() >= 2 && enters.len() < written.len());
    assert!(
        log.contains(&format!(
            "mqtt: {n} of {n} events delivered",
            n = enters.len()
        )),
        "{log}"
    );
    let got = receive(&mut incoming, enters.len());
    assert!(got
        .iter()
        .all(|(topic, _)| *topic == format!("{prefix}/enter")));
    let ids: Vec<&str> = got.iter().map(|(_, e)| e["id"].as_str().unwrap()).collect();
    assert_eq!(ids, enters);
}

#[test]
fn rules_choose_the_events_and_name_themselves_in_the_payload() {
    let prefix = format!("nofly_cli_rules_{}", std::process::id());
    let (_subscriber, mut incoming) = subscribe(&prefix);
    let dir = tempfile::tempdir().unwrap();
    // The sample's one aircraft, 4D2023, has a Maltese address (block 4D0000-4D03FF).
    let rules = dir.path().join("rules.txt");
    std::fs::write(
        &rules,
        "# synthetic rules for the dump1090 sample\n\
         [entries]\nkinds = enter\nsend = mqtt\n\n\
         [maltese-exits]\nkinds = exit\ncountry = MT\ncooldown = 3600\nsend = mqtt, webhook\n\n\
         [russian]\ncountry = RU\n\n\
         [to-tak-only]\nsend = cot\n",
    )
    .unwrap();
    let (written, log) = replay_to_mqtt(&prefix, dir.path(), &["--rules", rules.to_str().unwrap()]);
    // What the rules say should arrive: every ENTER; the first EXIT of each zone within an hour.
    let mut last_exit: std::collections::HashMap<String, i64> = Default::default();
    let mut expected: Vec<(String, &str)> = Vec::new();
    for e in &written {
        let id = e["id"].as_str().unwrap().to_string();
        let millis = event_millis(e["time"].as_str().unwrap());
        match e["kind"].as_str().unwrap() {
            "enter" => expected.push((id, "entries")),
            "exit" => {
                let zone = e["zone_id"].as_str().unwrap().to_string();
                if last_exit
                    .get(&zone)
                    .is_none_or(|&t| millis - t >= 3_600_000)
                {
                    last_exit.insert(zone, millis);
                    expected.push((id, "maltese-exits"));
                }
            }
            _ => {}
        }
    }
    assert_eq!(written[0]["aircraft"]["country_code"], "MT");
    assert!(expected.iter().any(|(_, r)| *r == "maltese-exits"));
    assert!(
        expected.len() < written.len(),
        "the rules hold some events back"
    );
    assert!(
        log.contains(&format!(
            "mqtt: {n} of {n} events delivered",
            n = expected.len()
        )),
        "{log}"
    );
    let got = receive(&mut incoming, expected.len());
    for ((topic, payload), (id, rule)) in got.iter().zip(&expected) {
        assert_eq!(payload["id"].as_str(), Some(id.as_str()));
        assert_eq!(payload["rules"], serde_json::json!([rule]));
        assert_eq!(
            *topic,
            format!("{prefix}/{}", payload["kind"].as_str().unwrap())
        );
    }
}

/// Milliseconds of an event's `time` (RFC 3339 with milliseconds, UTC).
fn event_millis(time: &str) -> i64 {
    let t: nofly_model::EventTime = time.parse().unwrap();
    t.millis()
}

#[test]
fn a_rule_file_with_an_error_is_refused_with_its_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules.txt");
    std::fs::write(&rules, "[a]\nkinds = enter\n\n[b]\nsquawk = 7800\n").unwrap();
    let out = nofly(&[
        "replay",
        "--zones",
        fixture("synthetic-sicily-zones.geojson").to_str().unwrap(),
        "--mqtt",
        "mqtt://127.0.0.1:1883",
        "--mqtt-spool",
        dir.path().join("spool").to_str().unwrap(),
        "--rules",
        rules.to_str().unwrap(),
        repo_file("data/samples/modes1_dump1090mut_30003.sbs")
            .to_str()
            .unwrap(),
    ]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains(&format!(
            "{}:5: squawk: \"7800\" is not a Mode A code",
            rules.display()
        )),
        "{}",
        stderr(&out)
    );
}
