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
//! - **Course mismatch**: over 30 s to 2 min and at least 5 km, at 150 kt or more, the bearing from
//!   the earlier position to the later one differs by more than 45° from the mean of the tracks the
//!   aircraft reported at both ends (in a steady turn the chord follows that mean, so turns pass);
//!   only new fixes at most 15 s apart are compared, as a track is stale after a coverage gap.

use geo::{Bearing, Distance, Haversine, Point};
use nofly_model::Report;
use serde::Serialize;

const JUMP_M: f64 = 10_000.0;
const JUMP_KT: f64 = 800.0;
/// Metres per degree of latitude (mean Earth radius 6,371 km).
const METRES_PER_DEGREE: f64 = 6_371_000.0 * std::f64::consts::PI / 180.0;
const MAX_GAP_MS: i64 = 600_000;
const CRUISE_FT: f64 = 20_000.0;
const SLOW_KT: f32 = 100.0;
const DIVERGENCE_FT: f64 = 2_000.0;
const SUSTAINED_MS: i64 = 30_000;
const COURSE_MIN_MS: i64 = 30_000;
const COURSE_MAX_MS: i64 = 120_000;
const COURSE_MIN_M: f64 = 5_000.0;
const COURSE_MIN_KT: f32 = 150.0;
const COURSE_MAX_DEG: f64 = 45.0;
const COURSE_MAX_FIX_GAP_MS: i64 = 15_000;

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
    /// The positions move in another direction than the reported track.
    CourseMismatch,
    /// Several aircraft report the same point (found across aircraft by
    /// [`crate::shared_points`], not by this checker).
    SharedPosition,
    /// The ADS-B position disagrees with multilateration or radar ([`crate::cross_check`]).
    PositionDisputed,
}

/// What the checks remember of one aircraft: feed it that aircraft's reports in time order.
#[derive(Debug, Clone, Copy, Default)]
pub struct TrackChecker {
    last: Option<(f64, f64, i64)>,
    /// Start of the course comparison: position, time, reported track.
    anchor: Option<(f64, f64, i64, f32)>,
    slow_since: Option<i64>,
    divergent_since: Option<i64>,
    cross: crate::CrossCheck,
}

/// Great-circle distance in metres between two `(lat, lon)` points.
pub(crate) fn distance_m(a: (f64, f64), b: (f64, f64)) -> f64 {
    Haversine.distance(Point::new(a.1, a.0), Point::new(b.1, b.0))
}

/// Initial great-circle bearing from `a` to `b`, degrees clockwise from north.
fn bearing_deg(a: (f64, f64), b: (f64, f64)) -> f64 {
    Haversine
        .bearing(Point::new(a.1, a.0), Point::new(b.1, b.0))
        .rem_euclid(360.0)
}

/// Smallest angle between two directions, degrees.
fn angle_between(a: f64, b: f64) -> f64 {
    let d = (a - b).rem_euclid(360.0);
    d.min(360.0 - d)
}

/// The direction halfway between two directions (the shorter way round).
fn mean_direction(a: f64, b: f64) -> f64 {
    let d = (b - a + 540.0).rem_euclid(360.0) - 180.0;
    (a + d / 2.0).rem_euclid(360.0)
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
    /// The signs this report of the aircraft shows (in a fixed order), given its earlier reports.
    pub fn check(&mut self, r: &Report) -> Vec<Indicator> {
        let mut found = Vec::new();
        if self.cross.observe(r).is_some() {
            found.push(Indicator::PositionDisputed);
        }
        // Only the aircraft's own positions make a track: a measurement is not where its GNSS said.
        if r.position_source
            .is_some_and(|s| s != nofly_model::PositionSource::Adsb)
        {
            return found;
        }
        let Some((lat, lon)) = r.position else {
            return found;
        };
        let t = r.time.millis();
        if let Some((plat, plon, pt)) = self.last {
            let dt_ms = t - pt;
            // Only a move that may exceed the jump distance is measured on the sphere: the flat
            // degree distance bounds it from above (within a tenth, at these distances).
            let dlon = crate::held_cell::lon_delta(lon, plon);
            let (dlat, reach) = (lat - plat, 0.9 * JUMP_M / METRES_PER_DEGREE);
            if dt_ms > 0 && dt_ms <= MAX_GAP_MS && dlat * dlat + dlon * dlon > reach * reach {
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
        let fresh = self
            .last
            .is_none_or(|(plat, plon, _)| (plat, plon) != (lat, lon));
        // A gap between fixes leaves the reported track stale (seen in OpenSky data during
        // coverage gaps): the course comparison starts again after one.
        let continuous = self
            .last
            .is_some_and(|(_, _, pt)| t - pt <= COURSE_MAX_FIX_GAP_MS);
        if fresh {
            self.last = Some((lat, lon, t));
        }
        let airborne = r.on_ground != Some(true);
        // Only new fixes are compared: a repeated position carries a track reported later than it.
        let moving = airborne && r.ground_speed_kt.is_some_and(|gs| gs >= COURSE_MIN_KT);
        if let Some(track) = r.track_deg.filter(|_| moving && fresh) {
            match self.anchor {
                Some((alat, alon, at, atrack)) if continuous && t - at <= COURSE_MAX_MS => {
                    if t - at >= COURSE_MIN_MS
                        && distance_m((alat, alon), (lat, lon)) >= COURSE_MIN_M
                    {
                        let course = bearing_deg((alat, alon), (lat, lon));
                        let expected = mean_direction(f64::from(atrack), f64::from(track));
                        if angle_between(course, expected) > COURSE_MAX_DEG {
                            found.push(Indicator::CourseMismatch);
                        }
                        self.anchor = Some((lat, lon, t, track));
                    }
                }
                _ => self.anchor = Some((lat, lon, t, track)),
            }
        } else if !moving {
            self.anchor = None;
        }
        let slow = airborne
            && r.alt_baro_ft.is_some_and(|alt| alt >= CRUISE_FT)
            && r.ground_speed_kt.is_some_and(|gs| gs < SLOW_KT);
        if sustained(&mut self.slow_since, slow, t) {
            found.push(Indicator::SlowAtAltitude);
        }
        let divergent = airborne
            && matches!((r.alt_baro_ft, r.alt_geo_ft), (Some(b), Some(g)) if (b - g).abs() > DIVERGENCE_FT);
        if sustained(&mut self.divergent_since, divergent, t) {
            found.push(Indicator::HeightDivergence);
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nofly_model::{EventTime, Icao24, SourceRef};

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
    fn a_course_against_the_reported_track_is_flagged_and_a_steady_turn_is_not() {
        let mut c = TrackChecker::default();
        // Synthetic: flying north at 480 kt (2.47 km per 10 s) while reporting track 90°.
        for i in 0..=4 {
            let mut r = report(i * 10, 45.0 + i as f64 * 0.0222, 25.0, 38_000.0, 480.0);
            r.track_deg = Some(90.0);
            let signs = c.check(&r);
            assert_eq!(
                signs.contains(&Indicator::CourseMismatch),
                i == 3,
                "{i}: {signs:?}"
            );
        }
        // A steady turn at 3°/s: the chord between two points follows the mean of the two tracks.
        let mut c = TrackChecker::default();
        let (mut lat, mut lon, step_m) = (45.0_f64, 25.0_f64, 480.0 * 1852.0 / 3600.0);
        for s in 0..=60 {
            let track = (f64::from(s) * 3.0).rem_euclid(360.0);
            let mut r = report(i64::from(s), lat, lon, 38_000.0, 480.0);
            r.track_deg = Some(track as f32);
            assert!(
                !c.check(&r).contains(&Indicator::CourseMismatch),
                "second {s}"
            );
            lat += step_m * track.to_radians().cos() / 111_195.0;
            lon += step_m * track.to_radians().sin() / (111_195.0 * lat.to_radians().cos());
        }
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
