//! Which zones a point is near: a grid over every zone's bounding boxes widened by a distance, for
//! tracking closest approaches without scanning every zone at every report.

use crate::cell_grid::{Candidate, CellClass, CellGrid};
use crate::{BoundingBox, ZoneIndex};

/// Zones whose bounding boxes, widened by a fixed distance, may contain a point.
#[derive(Debug, Clone)]
pub struct NearIndex {
    grid: CellGrid,
}

/// A box widened by `margin_m` on every side (a little more than the distance, never less: a
/// degree of latitude is taken as 110 km, longitude at the box's poleward edge; a box that comes
/// within the margin of a pole spans every longitude).
fn widen(b: &BoundingBox, margin_m: f64) -> BoundingBox {
    let dlat = margin_m / 110_000.0;
    let (south, north) = ((b[1] - dlat).max(-90.0), (b[3] + dlat).min(90.0));
    let poleward = south.abs().max(north.abs());
    if poleward >= 89.0 {
        return [-180.0, south, 180.0, north];
    }
    let dlon = dlat / poleward.to_radians().cos();
    [
        (b[0] - dlon).max(-180.0),
        south,
        (b[2] + dlon).min(180.0),
        north,
    ]
}

impl NearIndex {
    /// The zones of `index` widened by `margin_m` metres.
    pub fn new(index: &ZoneIndex, margin_m: f64) -> Self {
        let widened: Vec<Vec<BoundingBox>> = (0..index.len() as u32)
            .map(|z| {
                index
                    .bounding_boxes(z)
                    .iter()
                    .map(|b| widen(b, margin_m))
                    .collect()
            })
            .collect();
        let mut grid = CellGrid::sized_for(&widened, 0);
        let mut seen = vec![0u32; grid.cell_count()];
        grid.fill(widened.len(), |grid, z| {
            let stamp = z as u32 + 1;
            let mut cells = Vec::new();
            for b in &widened[z] {
                for c in grid.cells_meeting(b, 0.0) {
                    if seen[c] != stamp {
                        seen[c] = stamp;
                        cells.push((c, CellClass::Edge));
                    }
                }
            }
            cells
        });
        NearIndex { grid }
    }

    /// The zones a point may be near, in ascending order (a superset: the distance decides).
    pub fn near(&self, lat: f64, lon: f64) -> &[Candidate] {
        self.grid.entries_at(lon, lat)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nofly_model::{Shape, VerticalBand, Zone, ZoneKind};

    #[test]
    fn finds_zones_within_the_margin_only() {
        let circle = |id: &str, lat: f64, lon: f64| Zone {
            id: id.into(),
            name: id.into(),
            kind: ZoneKind::Custom,
            shape: Shape::Circle {
                lat,
                lon,
                radius_m: 1_000.0,
            },
            band: VerticalBand::everything(),
            active: vec![],
            version: "v".into(),
            exempt: Default::default(),
        };
        let zones = [circle("A", 60.0, 10.0), circle("B", 60.0, 12.0)];
        let near = NearIndex::new(&ZoneIndex::new(&zones), 18_520.0);
        let ids = |lat, lon| {
            near.near(lat, lon)
                .iter()
                .map(|c| c.zone())
                .collect::<Vec<_>>()
        };
        // 15 km east of A (0.27° of longitude at 60° N): near A only.
        assert_eq!(ids(60.0, 10.27), [0]);
        // Half way between (56 km from each): near neither.
        assert!(ids(60.0, 11.0).is_empty());
        assert!(ids(10.0, 10.0).is_empty());
    }
}
