//! Many aircraft reporting the same point: a spoofer broadcasts one fake position, and every
//! receiver it captures computes that position, whatever the aircraft's true place.
//!
//! Airborne positions at or above 10,000 ft barometric (well clear of the runways and approach
//! paths where aircraft legitimately follow each other over the same spots) are rounded to a grid
//! of 0.001° (about 110 m of latitude). When three different aircraft report the same grid point
//! within one window, all of them show the **shared position** sign, and so does any later aircraft
//! reporting it in that window. An aircraft is counted once at a point, and its positions are
//! offered at most every 30 s (a spoofed aircraft stays on the fake point for minutes; offering
//! every position cost more than all the other signs together).

use nofly_model::Icao24;
use rustc_hash::FxHashMap;

/// Lowest barometric altitude looked at, feet.
pub const SHARED_MIN_FT: f64 = 10_000.0;
/// Aircraft at one point from which the sign is shown.
pub const SHARED_MIN_AIRCRAFT: usize = 3;
/// Time between two positions of an aircraft offered, milliseconds.
pub const SHARED_EVERY_MS: i64 = 30_000;
/// Grid step, degrees.
const GRID_DEG: f64 = 0.001;

/// The grid points of the current window and the first aircraft seen at each (no allocation per
/// point: the vector of every aircraft each point was a visible cost, and only the first three
/// are needed to tell a newcomer).
#[derive(Debug, Default)]
pub struct SharedPoints {
    window: i64,
    points: FxHashMap<(i32, i32), ([Icao24; SHARED_MIN_AIRCRAFT], u32)>,
    marked: Vec<Icao24>,
}

impl SharedPoints {
    /// Takes an airborne position at or above [`SHARED_MIN_FT`] in `window`; returns the aircraft
    /// that now show the sign (every one at the point when it reaches the threshold, then each
    /// newcomer), or nothing.
    pub fn observe(&mut self, window: i64, icao: Icao24, lat: f64, lon: f64) -> &[Icao24] {
        if window != self.window {
            self.points.clear();
            self.window = window;
        }
        let key = (
            (lat / GRID_DEG).round() as i32,
            (lon / GRID_DEG).round() as i32,
        );
        let (first, n) = self
            .points
            .entry(key)
            .or_insert(([Icao24(0); SHARED_MIN_AIRCRAFT], 0));
        let known = (*n as usize).min(SHARED_MIN_AIRCRAFT);
        if first[..known].contains(&icao) {
            return &[];
        }
        *n += 1;
        self.marked.clear();
        match *n as usize {
            k if k < SHARED_MIN_AIRCRAFT => first[k - 1] = icao,
            k if k == SHARED_MIN_AIRCRAFT => {
                first[k - 1] = icao;
                self.marked.extend_from_slice(first);
            }
            // A later aircraft (one reporting the point again after leaving it may count twice:
            // marking it again changes nothing).
            _ => self.marked.push(icao),
        }
        &self.marked
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_third_aircraft_on_a_point_marks_all_three() {
        let mut points = SharedPoints::default();
        // Synthetic: three aircraft reporting (33.8200, 35.4880) within a window.
        assert!(points.observe(7, Icao24(1), 33.8200, 35.4880).is_empty());
        assert!(
            points.observe(7, Icao24(1), 33.82004, 35.48801).is_empty(),
            "same aircraft"
        );
        assert!(points.observe(7, Icao24(2), 33.8201, 35.4879).is_empty());
        assert_eq!(
            points.observe(7, Icao24(3), 33.8199, 35.4881),
            [Icao24(1), Icao24(2), Icao24(3)]
        );
        assert_eq!(points.observe(7, Icao24(4), 33.8200, 35.4880), [Icao24(4)]);
        // Another point, and the next window starts afresh.
        assert!(points.observe(7, Icao24(5), 33.9, 35.4880).is_empty());
        assert!(points.observe(8, Icao24(6), 33.8200, 35.4880).is_empty());
    }
}
