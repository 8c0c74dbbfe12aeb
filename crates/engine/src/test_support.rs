//! Zones and reports the engine's tests build on (synthetic, named so).

use crate::Engine;
use geo_types::{polygon, MultiPolygon};
use nofly_model::{
    ActiveInterval, Event, EventKind, EventTime, Icao24, Report, Shape, SourceRef, VerticalBand,
    Zone, ZoneKind,
};

/// The unit square (0..1° E, 0..1° N) as a restricted zone.
pub(crate) fn square_zone(id: &str, band: VerticalBand, active: Vec<ActiveInterval>) -> Zone {
    let sq = polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 1.0), (x: 0.0, y: 0.0)];
    Zone {
        id: id.into(),
        name: id.into(),
        kind: ZoneKind::Restricted,
        shape: Shape::Polygons(MultiPolygon(vec![sq])),
        band,
        active,
        version: "v".into(),
        exempt: Default::default(),
    }
}

/// A position report of aircraft abcdef at `t` milliseconds, its record number `t`.
pub(crate) fn report(t: i64, lat: f64, lon: f64, alt: Option<f64>) -> Report {
    let mut r = Report::new(
        EventTime::from_millis(t),
        Icao24(0xabcdef),
        SourceRef {
            input: 0,
            record: t as u64,
        },
    );
    r.position = Some((lat, lon));
    r.alt_baro_ft = alt;
    r
}

/// Every event an engine raises for the reports (without the end of the recording).
pub(crate) fn run_engine(mut engine: Engine, reports: &[Report]) -> Vec<Event> {
    let mut out = Vec::new();
    for r in reports {
        engine.process(r, &mut |e| out.push(e));
    }
    out
}

/// [`run_engine`] then the end of the recording.
pub(crate) fn run_to_end(mut engine: Engine, reports: &[Report]) -> Vec<Event> {
    let mut out = Vec::new();
    for r in reports {
        engine.process(r, &mut |e| out.push(e));
    }
    engine.finish(&mut |e| out.push(e));
    out
}

/// Kind, time, zone and unknown-altitude flag of the events of a default engine.
pub(crate) fn run(zones: &[Zone], reports: &[Report]) -> Vec<(EventKind, i64, String, bool)> {
    run_engine(Engine::new(zones), reports)
        .into_iter()
        .map(|e| (e.kind, e.time.millis(), e.zone_id, e.alt_unknown))
        .collect()
}

/// Synthetic: an aircraft at 0.5° N flying east at `speed` knots, reporting every 10 s from
/// `lon0`, against the unit square zone.
pub(crate) fn eastbound(n: i64, lon0: f64, speed: f32) -> Vec<Report> {
    let step_deg = f64::from(speed) * 1852.0 / 3600.0 * 10.0 / 111_195.0;
    (0..n)
        .map(|i| {
            let mut r = report(i * 10_000, 0.5, lon0 + step_deg * i as f64, Some(30_000.0));
            r.ground_speed_kt = Some(speed);
            r.track_deg = Some(90.0);
            r
        })
        .collect()
}
