//! Hysteresis in space (`--boundary-buffer`): an aircraft counts as entering a zone only once it is
//! more than the buffer inside the boundary, and as leaving only once it is more than the buffer
//! outside (horizontally; the vertical band is not buffered).

use crate::airspace::Airspace;
use crate::settings::Settings;
use nofly_model::{Altitude, EventTime};

/// The zones the aircraft counts as inside, sorted, from those that contain it exactly
/// (`exact`) and those it counted as inside before (`was_inside`): a zone it was in holds it until
/// it is past the buffer outside, a new zone takes it once it is past the buffer inside.
pub(crate) fn hold(
    airspace: &Airspace,
    exact: &[u32],
    was_inside: &[u32],
    (lat, lon): (f64, f64),
    time: EventTime,
    altitude: &Altitude,
    settings: &Settings,
) -> Vec<u32> {
    let buffer = settings.boundary_buffer_m;
    let index = airspace.index();
    let mut held: Vec<u32> = exact
        .iter()
        .copied()
        .filter(|&z| {
            was_inside.binary_search(&z).is_ok()
                || index.boundary_distance_m(z, lat, lon, buffer).is_none()
        })
        .collect();
    for &z in was_inside {
        if airspace.is_current(z)
            && exact.binary_search(&z).is_err()
            && airspace.applies(z, time, altitude, settings.altitude)
            && index.distance_outside_m(z, lat, lon, buffer).is_some()
        {
            held.push(z);
        }
    }
    held.sort_unstable();
    held
}

#[cfg(test)]
mod tests {
    use crate::test_support::*;
    use crate::Engine;
    use nofly_model::{EventKind, VerticalBand};

    #[test]
    fn a_boundary_buffer_needs_a_real_crossing_both_ways() {
        let z = [square_zone("Z", VerticalBand::everything(), vec![])];
        // Synthetic: along 0.5° N, east edge at 1.0° E; 0.005° of longitude is about 553 m here.
        let at = |t, lon| report(t, 0.5, lon, None);
        let reports = [
            at(0, 1.02),      // outside, 2.2 km
            at(1_000, 0.997), // inside by 330 m: not enough for a 500 m buffer
            at(2_000, 0.99),  // inside by 1.1 km: enter
            at(3_000, 1.003), // outside by 330 m: still inside
            at(4_000, 1.01),  // outside by 1.1 km: exit
        ];
        let engine = Engine::new(&z).with_boundary_buffer(500.0);
        let out: Vec<(EventKind, i64)> = run_engine(engine, &reports)
            .iter()
            .map(|e| (e.kind, e.time.millis()))
            .collect();
        assert_eq!(out, [(EventKind::Enter, 2_000), (EventKind::Exit, 4_000)]);
        let exact: Vec<(EventKind, i64)> =
            run(&z, &reports).into_iter().map(|e| (e.0, e.1)).collect();
        assert_eq!(exact, [(EventKind::Enter, 1_000), (EventKind::Exit, 3_000)]);
    }
}
