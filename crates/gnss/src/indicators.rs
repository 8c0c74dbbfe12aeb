//! Spoofing signs in one aircraft's own reports, needing no integrity field: a spoofed receiver
//! reports a confident position, so these look at what the spoofer cannot fake consistently.
//!
//! - **Jump**: the position moves more than 10 km from the previous one at a speed above both
//!   800 kt and 1.5 × the reported ground speed (gaps over 10 minutes are not judged; a position
//!   repeated unchanged counts from when it was first reported).
//! - **Slow at altitude**: at or above 20,000 ft barometric (pressure altitude, not from GNSS) with a
//!   ground speed under 100 kt for 30 s or more: no aircraft that climbs there flies that slowly,
//!   but a spoofed GNSS velocity does (a spoofer replays a fixed or circling position).
//! - **Height divergence**: GNSS height and barometric altitude more than 2,000 ft apart for 30 s
//!   or more (they differ by temperature and pressure, a few hundred feet, not thousands).

use nofly_model::{Icao24, Report};
use serde::Serialize;
use std::collections::HashMap;

const JUMP_M: f64 = 10_000.0;
const JUMP_KT: f64 = 800.0;
const MAX_GAP_MS: i64 = 600_000;
const CRUISE_FT: f64 = 20_000.0;
const SLOW_KT: f32 = 100.0;
const DIVERGENCE_FT: f64 = 2_000.0;
const SUSTAINED_MS: i64 = 30_000;

/// A spoofing sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Indicator {
    /// The position jumped faster than any aircraft flies.
    Jump,
    /// Cruise altitude at walking speed.
    SlowAtAltitude,
    /// GNSS height far from barometric altitude.
    HeightDivergence,
}

#[derive(Debug, Clone, Copy, Default)]
struct AircraftTrack {
    last: Option<(f64, f64, i64)>,
    slow_since: Option<i64>,
    divergent_since: Option<i64>,
}

/// The spoofing checks over every aircraft, fed reports in time order.
#[derive(Debug, Default)]
pub struct TrackChecker {
    aircraft: HashMap<Icao24, AircraftTrack>,
}

/// Great-circle distance in metres.
pub fn distance_m(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (la1, lo1, la2, lo2) = (
        a.0.to_radians(),
        a.1.to_radians(),
        b.0.to_radians(),
        b.1.to_radians(),
    );
    let h = ((la2 - la1) / 2.0).sin().powi(2)
        + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
    2.0 * 6_371_008.8 * h.sqrt().asin()
}

/// Whether `condition` has held for [`SUSTAINED_MS`] up to `t`, updating when it started.
fn sustained(since: &mut Option<i64>, condition: bool, t: i64) -> bool {
    if !condition {
        *since = None;
        return false;
    }
    t - *since.get_or_insert(t) >= SUSTAINED_MS
}

impl TrackChecker {
    /// The signs this report shows (in a fixed order), given the aircraft's earlier reports.
    pub fn check(&mut self, r: &Report) -> Vec<Indicator> {
        let mut found = Vec::new();
        let Some((lat, lon)) = r.position else {
            return found;
        };
        let t = r.time.millis();
        let a = self.aircraft.entry(r.icao).or_default();
        if let Some((plat, plon, pt)) = a.last {
            let dt_ms = t - pt;
            if dt_ms > 0 && dt_ms <= MAX_GAP_MS {
                let d = distance_m((plat, plon), (lat, lon));
                let kt = d / (dt_ms as f64 / 1000.0) * 3600.0 / 1852.0;
                let reported = f64::from(r.ground_speed_kt.unwrap_or(0.0));
                if d > JUMP_M && kt > JUMP_KT.max(1.5 * reported) {
                    found.push(Indicator::Jump);
                }
            }
        }
        // A position repeated unchanged is the same fix reported again (OpenSky and resampled data
        // repeat the last position until a new one comes): it keeps the time it was first seen.
        if a.last
            .is_none_or(|(plat, plon, _)| (plat, plon) != (lat, lon))
        {
            a.last = Some((lat, lon, t));
        }
        let airborne = r.on_ground != Some(true);
        let slow = airborne
            && r.alt_baro_ft.is_some_and(|alt| alt >= CRUISE_FT)
            && r.ground_speed_kt.is_some_and(|gs| gs < SLOW_KT);
        if sustained(&mut a.slow_since, slow, t) {
            found.push(Indicator::SlowAtAltitude);
        }
        let divergent = airborne
            && matches!((r.alt_baro_ft, r.alt_geo_ft), (Some(b), Some(g)) if (b - g).abs() > DIVERGENCE_FT);
        if sustained(&mut a.divergent_since, divergent, t) {
            found.push(Indicator::HeightDivergence);
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nofly_model::{EventTime, SourceRef};

    fn report(t_s: i64, lat: f64, lon: f64, alt: f64, gs: f32) -> Report {
        let mut r = Report::new(
            EventTime::from_millis(t_s * 1000),
            Icao24(0x4baac6),
            SourceRef::default(),
        );
        r.position = Some((lat, lon));
        r.alt_baro_ft = Some(alt);
        r.ground_speed_kt = Some(gs);
        r
    }

    #[test]
    fn synthetic_jumps_and_slow_cruise_are_flagged_and_normal_flight_is_not() {
        let mut c = TrackChecker::default();
        // Normal cruise: 480 kt is 0.0741 NM/s; 10 s apart, 2.47 km north each time.
        for i in 0..10 {
            assert!(c
                .check(&report(
                    i * 10,
                    45.0 + i as f64 * 0.0222,
                    25.0,
                    38_000.0,
                    480.0
                ))
                .is_empty());
        }
        // A jump of 4° of latitude in 10 s.
        assert_eq!(
            c.check(&report(100, 49.2, 25.0, 38_000.0, 480.0)),
            vec![Indicator::Jump]
        );
        // 51 kt at FL380 for 30 s and more.
        assert!(c.check(&report(110, 49.2, 25.0, 38_000.0, 51.0)).is_empty());
        assert!(c.check(&report(130, 49.2, 25.0, 38_000.0, 51.0)).is_empty());
        assert_eq!(
            c.check(&report(140, 49.2, 25.0, 38_000.0, 51.0)),
            vec![Indicator::SlowAtAltitude]
        );
        // Slow on the way down to land is normal.
        assert!(c.check(&report(200, 49.2, 25.0, 3_000.0, 90.0)).is_empty());
    }

    #[test]
    fn height_divergence_must_last() {
        let mut c = TrackChecker::default();
        let mut r = report(0, 45.0, 25.0, 30_000.0, 450.0);
        r.alt_geo_ft = Some(33_500.0);
        assert!(c.check(&r).is_empty());
        r.time = nofly_model::EventTime::from_millis(31_000);
        assert_eq!(c.check(&r), vec![Indicator::HeightDivergence]);
        r.alt_geo_ft = Some(30_400.0);
        assert!(c.check(&r).is_empty());
    }
}
