//! A sink's `cooldown`: one alert per aircraft, zone and kind per pass, in event time; other
//! aircraft, zones and kinds are not held back.

mod common;
use nofly_model::{EventKind, Icao24};
use nofly_sinks::DeliverySink;
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[test]
fn an_aircraft_s_repeated_alerts_wait_for_the_cooldown() {
    let sent = Arc::new(Mutex::new(Vec::new()));
    let record = sent.clone();
    let dir = tempfile::tempdir().unwrap();
    let sink = DeliverySink::open(
        Box::new(move |id, _| {
            record.lock().unwrap().push(id.to_string());
            Ok(())
        }),
        dir.path(),
        "kinds=enter;cooldown=600".parse().unwrap(),
        1 << 20,
    )
    .unwrap();
    // Events i seconds after the first: the same aircraft re-entering at 0, 100, 599 and 600 s, another
    // aircraft at 100 s, another zone at 200 s, an exit at 300 s (filtered out by kind).
    let at = |i: i64, icao: u32, zone: &str, kind: EventKind| {
        let mut e = common::event(i, kind);
        e.icao24 = Some(Icao24(icao));
        e.zone_id = zone.into();
        e.id = format!("{i}-{icao:x}-{zone}");
        e
    };
    let events = [
        at(0, 0xabc, "Z", EventKind::Enter),
        at(100, 0xabc, "Z", EventKind::Enter),
        at(100, 0xdef, "Z", EventKind::Enter),
        at(200, 0xabc, "Y", EventKind::Enter),
        at(300, 0xabc, "Z", EventKind::Exit),
        at(599, 0xabc, "Z", EventKind::Enter),
        at(600, 0xabc, "Z", EventKind::Enter),
    ];
    let taken: Vec<bool> = events.iter().map(|e| sink.send(e).unwrap()).collect();
    assert_eq!(taken, [true, false, true, true, false, false, true]);
    assert_eq!(sink.flush(Duration::from_secs(10)), 0);
    assert_eq!(
        *sent.lock().unwrap(),
        ["0-abc-Z", "100-def-Z", "200-abc-Y", "600-abc-Z"]
    );
    assert!("cooldown=-5".parse::<nofly_sinks::EventFilter>().is_err());
}
