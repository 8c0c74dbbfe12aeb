//! What the delivery tests share: a synthetic event.

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
        predicted: None,
        exempt: false,
        distance_m: None,
        squawk: None,
        nic: None,
        nacp: None,
        degraded: false,
        cell: None,
        same_instant: 0,
    }
}
