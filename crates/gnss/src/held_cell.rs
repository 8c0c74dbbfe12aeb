//! The H3 cell an aircraft is in, remembered with its shape, so that its next positions need no
//! H3 lookup while they stay well inside it.
//!
//! An aircraft reports a position every second or so and crosses a resolution-4 cell (about 45 km
//! across) in minutes; the lookup (`LatLng::to_cell`, trigonometry on the icosahedron) was the
//! largest cost of the interference monitor. Each cell met is drawn once on a local flat
//! projection (equirectangular at its centre's latitude; its boundary costs more than a lookup):
//! its edges become half-planes, and a position on the inner side of every edge by more than a
//! margin is in the cell. The margin, 2 % of the distance from the centre to the nearest edge
//! (about 400 m at resolution 4), is well above the error of the flat drawing over a cell (the
//! scale change across it and the bow of a great-circle edge, some 150 m at 60° of latitude);
//! poleward of 75° every position is looked up. A position in the margin is looked up too.

use h3o::{CellIndex, LatLng, Resolution};
use rustc_hash::FxHashMap;
use std::sync::Arc;

/// Metres per degree of latitude (mean Earth radius 6,371 km).
const METRES_PER_DEGREE: f64 = 6_371_000.0 * std::f64::consts::PI / 180.0;
/// The margin, as a share of the distance from the centre to the nearest edge.
const MARGIN: f64 = 0.02;
/// Latitude beyond which the flat projection is not trusted.
const MAX_ABS_LAT: f64 = 75.0;

/// A cell and the part of it known without a lookup.
#[derive(Debug, Clone)]
pub struct HeldCell {
    /// The cell.
    pub cell: CellIndex,
    interior: Arc<Interior>,
}

/// A cell drawn flat around its centre, shrunk by the margin.
#[derive(Debug)]
struct Interior {
    centre: (f64, f64),
    cos_lat: f64,
    /// Per edge, the inward unit normal and offset: a point `p` (metres east and north of the
    /// centre) is inside the edge by `n · p + c` metres.
    edges: Vec<(f64, f64, f64)>,
    /// How far inside every edge a point must be (infinite: always look up).
    margin_m: f64,
}

/// The shapes of the cells met so far.
#[derive(Debug, Default)]
pub struct CellShapes {
    known: FxHashMap<CellIndex, Arc<Interior>>,
}

impl CellShapes {
    /// The cell holding `point` at `resolution`, with its shape.
    pub fn held(&mut self, point: LatLng, resolution: Resolution) -> HeldCell {
        let cell = point.to_cell(resolution);
        let interior = self
            .known
            .entry(cell)
            .or_insert_with(|| Arc::new(Interior::of(cell)))
            .clone();
        HeldCell { cell, interior }
    }
}

impl Interior {
    fn of(cell: CellIndex) -> Self {
        let c = LatLng::from(cell);
        let (lat, lon) = (c.lat(), c.lng());
        let cos_lat = lat.to_radians().cos();
        let flat = |p: LatLng| {
            let dlon = lon_delta(p.lng(), lon);
            (
                dlon * cos_lat * METRES_PER_DEGREE,
                (p.lat() - lat) * METRES_PER_DEGREE,
            )
        };
        let corners: Vec<(f64, f64)> = cell.boundary().iter().map(|&p| flat(p)).collect();
        let mut edges = Vec::with_capacity(corners.len());
        for (&a, &b) in corners.iter().zip(corners.iter().cycle().skip(1)) {
            let (dx, dy) = (b.0 - a.0, b.1 - a.1);
            let length = dx.hypot(dy);
            if length == 0.0 {
                continue;
            }
            // The normal of the edge, turned towards the centre (the origin).
            let (mut nx, mut ny) = (-dy / length, dx / length);
            if nx * a.0 + ny * a.1 > 0.0 {
                (nx, ny) = (-nx, -ny);
            }
            edges.push((nx, ny, -(nx * a.0 + ny * a.1)));
        }
        let nearest = edges.iter().map(|e| e.2).fold(f64::INFINITY, f64::min);
        let margin_m = if lat.abs() > MAX_ABS_LAT || edges.len() < 3 || !nearest.is_finite() {
            f64::INFINITY
        } else {
            nearest * MARGIN
        };
        Interior {
            centre: (lat, lon),
            cos_lat,
            edges,
            margin_m,
        }
    }
}

impl HeldCell {
    /// Whether `(lat, lon)` is surely in the cell (false means: look it up).
    pub fn holds(&self, lat: f64, lon: f64) -> bool {
        let i = &*self.interior;
        let dlon = lon_delta(lon, i.centre.1);
        let x = dlon * i.cos_lat * METRES_PER_DEGREE;
        let y = (lat - i.centre.0) * METRES_PER_DEGREE;
        i.edges
            .iter()
            .all(|&(nx, ny, c)| nx * x + ny * y + c > i.margin_m)
    }
}

/// `lon − from` in degrees, the short way round (−180 to 180); without `rem_euclid`, whose
/// floating-point remainder was a visible cost per report.
pub(crate) fn lon_delta(lon: f64, from: f64) -> f64 {
    let d = lon - from;
    if d > 180.0 {
        d - 360.0
    } else if d < -180.0 {
        d + 360.0
    } else {
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every point the held cell claims is in the cell H3 gives, on a dense grid over cells of
    /// several sizes, latitudes and the antimeridian, and most points of the cell are claimed.
    #[test]
    fn a_held_cell_never_claims_a_point_of_another_cell() {
        for (lat0, lon0, res) in [
            (54.7, 20.5, Resolution::Four),
            (49.7, 23.9, Resolution::Six),
            (0.1, 179.95, Resolution::Four),
            (-33.9, 151.2, Resolution::Five),
            (70.0, -20.0, Resolution::Four),
        ] {
            let held = CellShapes::default().held(LatLng::new(lat0, lon0).unwrap(), res);
            let (mut claimed, mut inside) = (0, 0);
            for i in -100..=100 {
                for j in -100..=100 {
                    let lat = lat0 + f64::from(i) * 0.004;
                    let lon = lon0 + f64::from(j) * 0.006;
                    let lon = (lon + 540.0).rem_euclid(360.0) - 180.0;
                    let truth = LatLng::new(lat, lon).unwrap().to_cell(res) == held.cell;
                    inside += u32::from(truth);
                    if held.holds(lat, lon) {
                        claimed += 1;
                        assert!(truth, "({lat}, {lon}) is not in {}", held.cell);
                    }
                }
            }
            assert!(
                f64::from(claimed) > 0.9 * f64::from(inside),
                "{claimed} of {inside} at {lat0},{lon0}"
            );
        }
    }
}
