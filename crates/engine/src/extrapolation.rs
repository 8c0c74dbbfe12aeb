//! Path casting for predicted entries: where an aircraft will be if it keeps its ground track, ground speed and
//! vertical rate, and the first zone it would enter within the look-ahead window.

use geo::{Destination, Haversine, Point};
use nofly_model::{Altitude, AltitudeMode, EventTime, Zone};
use nofly_spatial::ZoneIndex;

/// Settings of [`crate::Engine::with_prediction`] (the look-ahead of `rules/prediction.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PredictionSettings {
    /// How far ahead to look, milliseconds (default 120 s).
    pub lookahead_ms: i64,
    /// Time between extrapolated positions, milliseconds (default 5 s: 1 km at 400 kt).
    pub step_ms: i64,
    /// Velocity older than this is stale and predicts nothing, milliseconds (default 10 s).
    pub max_age_ms: i64,
    /// A prediction for the same zone is announced again only when its entry time moves by more
    /// than this, milliseconds (default 30 s).
    pub min_change_ms: i64,
}

impl Default for PredictionSettings {
    fn default() -> Self {
        PredictionSettings {
            lookahead_ms: 120_000,
            step_ms: 5_000,
            max_age_ms: 10_000,
            min_change_ms: 30_000,
        }
    }
}

/// The last velocity an aircraft reported.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Velocity {
    /// When it was reported.
    pub time: EventTime,
    /// Ground speed, knots.
    pub ground_speed_kt: f32,
    /// Ground track, degrees from true north.
    pub track_deg: f32,
    /// Vertical rate, feet per minute (0 when unknown).
    pub vertical_rate_fpm: f32,
}

/// A predicted entry: the zone, and when and where the aircraft would be inside it.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Predicted {
    /// Index of the zone.
    pub zone: u32,
    /// Predicted time of entry (the first extrapolated instant inside).
    pub time: EventTime,
    /// Predicted position then.
    pub lat: f64,
    /// Predicted position then.
    pub lon: f64,
}

const METRES_PER_SECOND_PER_KNOT: f64 = 1852.0 / 3600.0;

/// The first zone, not among `inside_now`, that the aircraft would be inside at one of the
/// extrapolated instants `now + k·step` (k = 1, 2, …, up to the look-ahead), judged as at that
/// instant (activation included) at the extrapolated altitude; the lowest zone index wins a tie.
/// Positions are interpolated in latitude and longitude between the current position and the
/// great-circle (spherical) point at the end of the window (solved at every step within 10° of the
/// poles).
#[allow(clippy::too_many_arguments)]
pub fn first_entry(
    settings: &PredictionSettings,
    index: &ZoneIndex,
    zones: &[Zone],
    inside_now: &[u32],
    now: EventTime,
    (lat, lon): (f64, f64),
    altitude: &Altitude,
    velocity: &Velocity,
    mode: AltitudeMode,
) -> Option<Predicted> {
    if now.millis() - velocity.time.millis() > settings.max_age_ms
        || velocity.ground_speed_kt.is_nan()
        || velocity.ground_speed_kt <= 0.0
        || altitude.on_ground
    {
        return None;
    }
    let start = Point::new(lon, lat);
    let speed = f64::from(velocity.ground_speed_kt) * METRES_PER_SECOND_PER_KNOT;
    let steps = settings.lookahead_ms / settings.step_ms.max(1);
    // The great-circle point at the end of the window; the steps between are interpolated in
    // latitude and longitude. The two paths differ by at most L²·tan(lat)/8R mid-window (30 m for
    // 30 km flown east-west at 60° N), small against the kilometre between steps, and it saves a
    // trigonometric solution per step:
    // on the Kaliningrad sample detection took 1.3 s with one per step, 0.19 s like this.
    let window_s = (steps * settings.step_ms) as f64 / 1000.0;
    let end = Haversine.destination(start, f64::from(velocity.track_deg), speed * window_s);
    let mut dlon = end.x() - lon;
    if dlon > 180.0 {
        dlon -= 360.0;
    } else if dlon < -180.0 {
        dlon += 360.0;
    }
    let near_pole = lat.abs() > 80.0 || end.y().abs() > 80.0;
    for k in 1..=steps {
        let dt_ms = k * settings.step_ms;
        let dt = dt_ms as f64 / 1000.0;
        let p = if near_pole {
            Haversine.destination(start, f64::from(velocity.track_deg), speed * dt)
        } else {
            let f = dt / window_s;
            let x = lon + dlon * f;
            Point::new(
                if x > 180.0 {
                    x - 360.0
                } else if x < -180.0 {
                    x + 360.0
                } else {
                    x
                },
                lat + (end.y() - lat) * f,
            )
        };
        let climb = f64::from(velocity.vertical_rate_fpm) * dt / 60.0;
        let then = Altitude {
            on_ground: false,
            baro_ft: altitude.baro_ft.map(|a| a + climb),
            geo_ft: altitude.geo_ft.map(|a| a + climb),
        };
        let at = EventTime::from_millis(now.millis() + dt_ms);
        let (plat, plon) = (p.y(), p.x());
        let hit = index.candidates(plat, plon).iter().find(|c| {
            let zone = &zones[c.zone() as usize];
            inside_now.binary_search(&c.zone()).is_err()
                && zone.is_active(at)
                && zone.band.contains(&then, mode)
                && index.candidate_contains(**c, plat, plon)
        });
        if let Some(c) = hit {
            return Some(Predicted {
                zone: c.zone(),
                time: at,
                lat: plat,
                lon: plon,
            });
        }
    }
    None
}
