//! Where the aircraft are: per aircraft its latest position and a trail of positions at least
//! [`SPACING_MS`] apart. A live run keeps the last minutes of each trail; a replay keeps whole
//! tracks and answers "where was everyone at time T" by interpolating between points.

use nofly_model::{EventTime, Icao24, Report};
use serde::Serialize;
use std::collections::{BTreeMap, VecDeque};

/// Trail points are at least this far apart in time (a map draws nothing finer at useful zooms).
pub const SPACING_MS: i64 = 5_000;
/// A replayed aircraft is shown this long after its last position when nothing follows.
const SHOWN_AFTER_MS: i64 = 60_000;
/// Two points further apart than this are not interpolated (the aircraft was not seen between).
const MAX_GAP_MS: i64 = 300_000;
/// Most points in one trail answer.
const MAX_TRAIL_POINTS: usize = 240;

#[derive(Debug, Clone, Copy)]
struct TrackPoint {
    t: i64,
    lat: f64,
    lon: f64,
    alt_ft: Option<f32>,
    track_deg: Option<f32>,
    speed_kt: Option<f32>,
}

#[derive(Debug, Clone)]
struct Track {
    callsign: Option<String>,
    squawk: Option<u16>,
    head: TrackPoint,
    points: VecDeque<TrackPoint>,
}

/// One aircraft as the API and the map show it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AircraftView {
    /// ICAO address, 6 hex digits.
    pub icao24: String,
    /// Latest callsign.
    pub callsign: Option<String>,
    /// Latest Mode A code, 4 octal digits.
    pub squawk: Option<String>,
    /// When this position was reported (or interpolated for).
    pub time: EventTime,
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
    /// Altitude in feet (barometric, else geometric).
    pub alt_ft: Option<f32>,
    /// Track over ground, degrees clockwise from true north.
    pub track_deg: Option<f32>,
    /// Ground speed, knots.
    pub speed_kt: Option<f32>,
    /// Earlier positions, oldest first, as `[lon, lat]`.
    pub trail: Vec<[f64; 2]>,
}

/// Every aircraft's track.
#[derive(Debug, Default)]
pub struct Tracks {
    tracks: BTreeMap<Icao24, Track>,
    first: Option<i64>,
    last: Option<i64>,
}

impl Tracks {
    /// Takes one report (in event-time order); returns true when it carried a position.
    pub fn observe(&mut self, r: &Report) -> bool {
        let Some((lat, lon)) = r.position else {
            if let Some(t) = self.tracks.get_mut(&r.icao) {
                t.update_identity(r);
            }
            return false;
        };
        let t = r.time.millis();
        let point = TrackPoint {
            t,
            lat,
            lon,
            alt_ft: r.alt_baro_ft.or(r.alt_geo_ft).map(|a| a as f32),
            track_deg: r.track_deg,
            speed_kt: r.ground_speed_kt,
        };
        self.first = Some(self.first.map_or(t, |f| f.min(t)));
        self.last = Some(self.last.map_or(t, |l| l.max(t)));
        let track = self.tracks.entry(r.icao).or_insert_with(|| Track {
            callsign: None,
            squawk: None,
            head: point,
            points: VecDeque::from([point]),
        });
        track.update_identity(r);
        let head = TrackPoint {
            track_deg: point.track_deg.or(track.head.track_deg),
            speed_kt: point.speed_kt.or(track.head.speed_kt),
            alt_ft: point.alt_ft.or(track.head.alt_ft),
            ..point
        };
        track.head = head;
        if track.points.back().is_none_or(|p| t - p.t >= SPACING_MS) {
            track.points.push_back(head);
        }
        true
    }

    /// The altitude profile of `icao`: `(time ms, feet)` of every point held, `None` when the
    /// aircraft has no position.
    pub fn profile(&self, icao: Icao24) -> Option<Vec<(i64, Option<f32>)>> {
        let track = self.tracks.get(&icao)?;
        let mut points: Vec<(i64, Option<f32>)> =
            track.points.iter().map(|p| (p.t, p.alt_ft)).collect();
        if track.points.back().is_none_or(|p| p.t != track.head.t) {
            points.push((track.head.t, track.head.alt_ft));
        }
        Some(points)
    }

    /// First and last position time.
    pub fn span(&self) -> Option<(EventTime, EventTime)> {
        Some((
            EventTime::from_millis(self.first?),
            EventTime::from_millis(self.last?),
        ))
    }

    /// Number of aircraft.
    pub fn len(&self) -> usize {
        self.tracks.len()
    }

    /// Forgets aircraft last seen before `before` and trail points older than `trail_ms` before
    /// their latest position (live runs).
    pub fn forget_older(&mut self, before: EventTime, trail_ms: i64) {
        self.tracks.retain(|_, t| t.head.t >= before.millis());
        for t in self.tracks.values_mut() {
            while t.points.front().is_some_and(|p| p.t < t.head.t - trail_ms) {
                t.points.pop_front();
            }
        }
    }

    /// Every aircraft at its latest position, with `trail_ms` of trail.
    pub fn latest(&self, trail_ms: i64) -> Vec<AircraftView> {
        self.tracks
            .iter()
            .map(|(icao, t)| t.view(*icao, t.head, t.points.len(), trail_ms))
            .collect()
    }

    /// The aircraft given, at their latest position (for live updates).
    pub fn latest_of(
        &self,
        which: impl IntoIterator<Item = Icao24>,
        trail_ms: i64,
    ) -> Vec<AircraftView> {
        which
            .into_iter()
            .filter_map(|icao| {
                let t = self.tracks.get(&icao)?;
                Some(t.view(icao, t.head, t.points.len(), trail_ms))
            })
            .collect()
    }

    /// Every aircraft seen around `at`, where it was then (interpolated between its two nearest
    /// points when they are close enough in time), with `trail_ms` of trail.
    pub fn at(&self, at: EventTime, trail_ms: i64) -> Vec<AircraftView> {
        let at = at.millis();
        self.tracks
            .iter()
            .filter_map(|(icao, t)| {
                let after = t.points.partition_point(|p| p.t <= at);
                let before = t.points.get(after.checked_sub(1)?)?;
                let point = match t.points.get(after) {
                    Some(next) if next.t - before.t <= MAX_GAP_MS => interpolate(before, next, at),
                    _ if at - before.t <= SHOWN_AFTER_MS => *before,
                    _ => return None,
                };
                Some(t.view(*icao, point, after, trail_ms))
            })
            .collect()
    }
}

impl Track {
    fn update_identity(&mut self, r: &Report) {
        if let Some(c) = &r.callsign {
            self.callsign = Some(c.to_string());
        }
        if r.squawk.is_some() {
            self.squawk = r.squawk;
        }
    }

    /// The view of this track at `point`, with the trail of points before index `end`.
    fn view(&self, icao: Icao24, point: TrackPoint, end: usize, trail_ms: i64) -> AircraftView {
        let start = self.points.partition_point(|p| p.t < point.t - trail_ms);
        let start = start.max(end.saturating_sub(MAX_TRAIL_POINTS));
        let mut trail: Vec<[f64; 2]> = self
            .points
            .range(start..end.max(start))
            .map(|p| [p.lon, p.lat])
            .collect();
        trail.push([point.lon, point.lat]);
        AircraftView {
            icao24: icao.to_string(),
            callsign: self.callsign.clone(),
            squawk: self.squawk.map(|s| format!("{s:04o}")),
            time: EventTime::from_millis(point.t),
            lat: point.lat,
            lon: point.lon,
            alt_ft: point.alt_ft,
            track_deg: point.track_deg,
            speed_kt: point.speed_kt,
            trail,
        }
    }
}

/// The point between `a` and `b` at time `t` (linear in latitude and longitude: the points are
/// seconds apart, so the great circle between them is a straight line at map scale).
fn interpolate(a: &TrackPoint, b: &TrackPoint, t: i64) -> TrackPoint {
    let f = if b.t == a.t {
        0.0
    } else {
        (t - a.t) as f64 / (b.t - a.t) as f64
    };
    let mut dlon = b.lon - a.lon;
    if dlon > 180.0 {
        dlon -= 360.0;
    } else if dlon < -180.0 {
        dlon += 360.0;
    }
    let mut lon = a.lon + f * dlon;
    if lon > 180.0 {
        lon -= 360.0;
    } else if lon < -180.0 {
        lon += 360.0;
    }
    TrackPoint {
        t,
        lat: a.lat + f * (b.lat - a.lat),
        lon,
        ..*a
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nofly_model::SourceRef;

    fn report(icao: u32, t_s: i64, lat: f64, lon: f64) -> Report {
        let mut r = Report::new(
            EventTime::from_millis(t_s * 1000),
            Icao24(icao),
            SourceRef {
                input: 0,
                record: t_s as u64,
            },
        );
        r.position = Some((lat, lon));
        r
    }

    #[test]
    fn replay_positions_are_interpolated_and_vanish_after_a_gap() {
        let mut tracks = Tracks::default();
        for (t, lon) in [(0, 20.0), (10, 20.1), (20, 20.2), (1000, 21.0)] {
            tracks.observe(&report(0x4b1234, t, 55.0, lon));
        }
        let at = |s: i64| tracks.at(EventTime::from_millis(s * 1000), 600_000);
        assert_eq!(at(-1), vec![]);
        let mid = &at(15)[0];
        assert!((mid.lon - 20.15).abs() < 1e-9, "{mid:?}");
        assert_eq!(
            mid.trail.len(),
            3,
            "two earlier points and the position itself"
        );
        assert_eq!(
            at(60)[0].lon,
            20.2,
            "shown at its last position for a minute"
        );
        assert_eq!(
            at(200),
            vec![],
            "not seen for 180 s and the next point is 980 s later"
        );
        assert_eq!(at(1000)[0].lon, 21.0);
    }

    #[test]
    fn interpolation_crosses_the_antimeridian_the_short_way() {
        let a = TrackPoint {
            t: 0,
            lat: 0.0,
            lon: 179.9,
            alt_ft: None,
            track_deg: None,
            speed_kt: None,
        };
        let b = TrackPoint {
            t: 10,
            lon: -179.9,
            ..a
        };
        assert!((interpolate(&a, &b, 5).lon.abs() - 180.0).abs() < 1e-9);
        let c = interpolate(&a, &b, 8).lon;
        assert!((c - -179.94).abs() < 1e-9, "{c}");
    }

    #[test]
    fn live_runs_forget_old_aircraft_and_old_trail() {
        let mut tracks = Tracks::default();
        tracks.observe(&report(0xaaaaaa, 0, 50.0, 8.0));
        for t in (0..=600).step_by(5) {
            tracks.observe(&report(0xbbbbbb, t, 51.0, 8.0 + t as f64 / 1000.0));
        }
        tracks.forget_older(EventTime::from_millis(300_000), 120_000);
        let live = tracks.latest(3_600_000);
        assert_eq!(live.len(), 1);
        assert_eq!(live[0].icao24, "bbbbbb");
        assert_eq!(
            live[0].trail.len(),
            26,
            "120 s of points 5 s apart, and the head"
        );
    }
}
