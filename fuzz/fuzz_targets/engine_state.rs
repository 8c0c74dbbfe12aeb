//! Any bytes as a saved engine state (a replay's checkpoint, `replay --resume`): refused, or taken
//! into an engine with every rule on that then judges reports and ends its recording without a
//! panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use nofly_engine::{Engine, PredictionSettings};
use nofly_model::{
    EventTime, Exemptions, Icao24, Report, Shape, SourceRef, VerticalBand, Zone, ZoneKind,
};

fn engine() -> Engine {
    // Synthetic: one circle zone.
    let zone = Zone {
        id: "C".into(),
        name: "Circle".into(),
        kind: ZoneKind::Prohibited,
        shape: Shape::Circle {
            lat: 54.7,
            lon: 20.5,
            radius_m: 10_000.0,
        },
        band: VerticalBand::everything(),
        active: vec![],
        version: "v1".into(),
        exempt: Exemptions::default(),
    };
    Engine::new(&[zone])
        .with_signal_loss(60_000)
        .with_closest_approach(5_000.0)
        .with_min_dwell(10_000)
        .with_prediction(PredictionSettings::default())
}

fuzz_target!(|data: &[u8]| {
    let mut e = engine();
    if e.restore_state(data).is_err() {
        return;
    }
    let mut events = 0;
    for (i, icao) in [0x155fb6, 0x000001, 0xffffff].into_iter().enumerate() {
        let mut r = Report::new(
            EventTime::from_millis(1_000_000 + i as i64 * 70_000),
            Icao24(icao),
            SourceRef::default(),
        );
        r.position = Some((54.7, 20.4 + i as f64 * 0.1));
        r.ground_speed_kt = Some(400.0);
        r.track_deg = Some(90.0);
        r.squawk = Some(0o7700);
        e.process(&r, &mut |_| events += 1);
    }
    e.finish(&mut |_| events += 1);
    // What was restored saves again.
    let _ = e.save_state();
});
