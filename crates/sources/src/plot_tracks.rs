//! Tracks of plots that come without a track number (a primary radar's plot extractor): each plot
//! joins the nearest track of the same radar whose last plot is earlier and near enough for a
//! target at 700 kt to have flown the distance (plus 500 m for the radar's own error), else it
//! starts a track. Tracks unseen for 60 s end. Deterministic: the same plots in the same order
//! give the same tracks.

use nofly_model::EventTime;
use std::collections::BTreeMap;

/// The fastest target followed, metres a second (700 kt).
const MAX_SPEED_M_S: f64 = 360.0;
/// The radar's own position error allowed, metres.
const PLOT_ERROR_M: f64 = 500.0;
/// A track unseen this long ends, milliseconds.
const TRACK_TIMEOUT_MS: i64 = 60_000;

struct PlotTrack {
    id: u32,
    time: EventTime,
    lat: f64,
    lon: f64,
}

/// The plot tracks of every radar.
#[derive(Default)]
pub(crate) struct PlotTracks {
    radars: BTreeMap<(u8, u8), (Vec<PlotTrack>, u32)>,
}

impl PlotTracks {
    /// The track number of a plot of radar `radar` at `time` and `lat`, `lon`.
    pub(crate) fn track_of(&mut self, radar: (u8, u8), time: EventTime, lat: f64, lon: f64) -> u32 {
        let (tracks, next) = self.radars.entry(radar).or_default();
        tracks.retain(|t| time.millis() - t.time.millis() <= TRACK_TIMEOUT_MS);
        let nearest = tracks
            .iter_mut()
            .filter(|t| t.time < time)
            .map(|t| {
                let gate = PLOT_ERROR_M
                    + MAX_SPEED_M_S * (time.millis() - t.time.millis()) as f64 / 1000.0;
                (metres(t.lat, t.lon, lat, lon) / gate, t)
            })
            .filter(|(ratio, _)| *ratio <= 1.0)
            .min_by(|a, b| a.0.total_cmp(&b.0));
        match nearest {
            Some((_, t)) => {
                (t.time, t.lat, t.lon) = (time, lat, lon);
                t.id
            }
            None => {
                *next += 1;
                tracks.push(PlotTrack {
                    id: *next,
                    time,
                    lat,
                    lon,
                });
                *next
            }
        }
    }
}

/// Distance in metres, equirectangular (plots of one track are a few km apart).
fn metres(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let mean = ((lat1 + lat2) / 2.0).to_radians();
    let dx = (lon2 - lon1).to_radians() * mean.cos();
    let dy = (lat2 - lat1).to_radians();
    6_371_000.0 * dx.hypot(dy)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_targets_and_keeps_them_apart() {
        let mut p = PlotTracks::default();
        let t = EventTime::from_millis;
        // Two synthetic targets 20 km apart, each moving 1 km a 4 s scan.
        let a1 = p.track_of((1, 2), t(0), 54.0, 20.0);
        let b1 = p.track_of((1, 2), t(100), 54.18, 20.0);
        assert_ne!(a1, b1);
        assert_eq!(p.track_of((1, 2), t(4000), 54.009, 20.0), a1);
        assert_eq!(p.track_of((1, 2), t(4100), 54.189, 20.0), b1);
        // Another radar's plots are numbered apart (its identity names the radar too).
        assert_eq!(p.track_of((1, 3), t(4200), 54.009, 20.0), 1);
        assert_eq!(p.track_of((1, 2), t(8000), 54.018, 20.0), a1);
        // Too far to have flown: a new track; after 60 s unseen, a new one too.
        assert_eq!(p.track_of((1, 2), t(8100), 55.0, 20.0), 3);
        assert_eq!(p.track_of((1, 2), t(70_000), 54.018, 20.0), 4);
    }
}
