//! Candidate selection with a pre-classified cell grid over the zones, then the exact shape test
//! where the grid cannot settle it.

use crate::cell_grid::{Candidate, CellClass, CellGrid};
use crate::{GeodesicCircle, PolygonIndex};
use geo::BoundingRect;
use nofly_model::{Shape, Zone};

/// A box `(min_lon, min_lat, max_lon, max_lat)` in degrees.
pub type BoundingBox = [f64; 4];

/// The smallest box holding all of `boxes`, or `None` when there are none.
pub fn extent<'a>(boxes: impl IntoIterator<Item = &'a BoundingBox>) -> Option<BoundingBox> {
    let mut boxes = boxes.into_iter();
    let first = *boxes.next()?;
    Some(boxes.fold(first, |e, b| {
        [
            e[0].min(b[0]),
            e[1].min(b[1]),
            e[2].max(b[2]),
            e[3].max(b[3]),
        ]
    }))
}

#[derive(Debug, Clone)]
enum PreparedShape {
    Polygons(PolygonIndex),
    Circle(GeodesicCircle),
}

/// Every zone's shape prepared for point tests, behind a grid of cells classified per zone as
/// wholly inside or on the edge.
#[derive(Debug, Clone)]
pub struct ZoneIndex {
    grid: CellGrid,
    shapes: Vec<PreparedShape>,
    boxes: Vec<Vec<BoundingBox>>,
}

impl ZoneIndex {
    /// Prepares the shapes of `zones`; zone `i` of the slice is candidate number `i`.
    pub fn new(zones: &[Zone]) -> Self {
        let mut shapes = Vec::with_capacity(zones.len());
        let mut boxes = Vec::with_capacity(zones.len());
        let mut edges = 0;
        for zone in zones {
            let (prepared, zone_boxes) = match &zone.shape {
                Shape::Polygons(mp) => {
                    // One box per polygon, so that far-apart islands do not make one huge box.
                    let b: Vec<BoundingBox> =
                        mp.0.iter()
                            .filter_map(|p| p.bounding_rect())
                            .map(|r| [r.min().x, r.min().y, r.max().x, r.max().y])
                            .collect();
                    edges += rings(mp).map(|r| r.0.len()).sum::<usize>();
                    (PreparedShape::Polygons(PolygonIndex::new(mp)), b)
                }
                Shape::Circle { lat, lon, radius_m } => {
                    let c = GeodesicCircle::new(*lat, *lon, *radius_m);
                    (PreparedShape::Circle(c), c.bounding_boxes())
                }
            };
            shapes.push(prepared);
            boxes.push(zone_boxes);
        }
        let mut grid = CellGrid::sized_for(&boxes, edges);
        // Per-cell stamps (zone + 1): which cells the current zone reaches, and which of those its
        // boundary may cross.
        let mut reached = vec![0u32; grid.cell_count()];
        let mut boundary = vec![0u32; grid.cell_count()];
        grid.fill(zones.len(), |grid, z| {
            let stamp = z as u32 + 1;
            let mut cells = Vec::new();
            for b in &boxes[z] {
                for c in grid.cells_meeting(b, 0.0) {
                    if reached[c] != stamp {
                        reached[c] = stamp;
                        cells.push(c);
                    }
                }
            }
            if let Shape::Polygons(mp) = &zones[z].shape {
                for ring in rings(mp) {
                    for w in ring.0.windows(2) {
                        grid.mark_segment((w[0].x, w[0].y), (w[1].x, w[1].y), &mut boundary, stamp);
                    }
                    if let (Some(first), Some(last)) = (ring.0.first(), ring.0.last()) {
                        grid.mark_segment(
                            (last.x, last.y),
                            (first.x, first.y),
                            &mut boundary,
                            stamp,
                        );
                    }
                }
            }
            cells
                .into_iter()
                .map(|cell| {
                    let b = grid.cell_box(cell);
                    let class = match &shapes[z] {
                        PreparedShape::Polygons(_) if boundary[cell] == stamp => CellClass::Edge,
                        PreparedShape::Polygons(p) => {
                            if p.contains((b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0) {
                                CellClass::Inside
                            } else {
                                CellClass::Outside
                            }
                        }
                        PreparedShape::Circle(c) if c.surely_covers(&b) => CellClass::Inside,
                        PreparedShape::Circle(c) if c.surely_misses(&b) => CellClass::Outside,
                        PreparedShape::Circle(_) => CellClass::Edge,
                    };
                    (cell, class)
                })
                .collect()
        });
        ZoneIndex {
            grid,
            shapes,
            boxes,
        }
    }

    /// The candidate zones at `(lat, lon)`, in ascending zone order; those not
    /// [`Candidate::surely_inside`] need the exact test.
    #[inline]
    pub fn candidates(&self, lat: f64, lon: f64) -> &[Candidate] {
        if (-180.0..=180.0).contains(&lon) {
            self.grid.entries_at(lon, lat)
        } else {
            // The grid covers longitudes as zones are written, −180…180.
            self.grid
                .entries_at((lon + 180.0).rem_euclid(360.0) - 180.0, lat)
        }
    }

    /// Whether candidate `c` (from [`ZoneIndex::candidates`] at the same point) contains the point.
    #[inline]
    pub fn candidate_contains(&self, c: Candidate, lat: f64, lon: f64) -> bool {
        c.surely_inside() || self.shape_contains(c.zone(), lat, lon)
    }

    /// The exact horizontal test of zone `zone` at `(lat, lon)`.
    pub fn shape_contains(&self, zone: u32, lat: f64, lon: f64) -> bool {
        match &self.shapes[zone as usize] {
            PreparedShape::Polygons(p) => p.contains(lon, lat),
            PreparedShape::Circle(c) => c.contains(lat, lon),
        }
    }

    /// Distance in metres from `(lat, lon)` to the boundary of zone `zone` when the point is outside
    /// it and within `max_m` of it (geodesic for circles, local plane for polygons).
    pub fn distance_outside_m(&self, zone: u32, lat: f64, lon: f64, max_m: f64) -> Option<f64> {
        match &self.shapes[zone as usize] {
            PreparedShape::Polygons(p) => {
                if p.contains(lon, lat) {
                    None
                } else {
                    p.boundary_distance_m(lon, lat, max_m)
                }
            }
            PreparedShape::Circle(c) => {
                let d = c.distance_from_centre(lat, lon) - c.radius_m();
                (d > 0.0 && d <= max_m).then_some(d)
            }
        }
    }

    /// Distance in metres from `(lat, lon)` to the boundary of zone `zone`, inside or outside, if
    /// within `max_m`.
    pub fn boundary_distance_m(&self, zone: u32, lat: f64, lon: f64, max_m: f64) -> Option<f64> {
        match &self.shapes[zone as usize] {
            PreparedShape::Polygons(p) => p.boundary_distance_m(lon, lat, max_m),
            PreparedShape::Circle(c) => {
                let d = (c.distance_from_centre(lat, lon) - c.radius_m()).abs();
                (d <= max_m).then_some(d)
            }
        }
    }

    /// The box holding every zone, or `None` when there are none.
    pub fn extent(&self) -> Option<BoundingBox> {
        extent(self.boxes.iter().flatten())
    }

    /// The bounding boxes of zone `zone`.
    pub fn bounding_boxes(&self, zone: u32) -> &[BoundingBox] {
        &self.boxes[zone as usize]
    }

    /// Number of zones.
    pub fn len(&self) -> usize {
        self.shapes.len()
    }

    /// Whether there are no zones.
    pub fn is_empty(&self) -> bool {
        self.shapes.is_empty()
    }

    /// Cells in the grid and (zone, cell) entries stored, for reports on the index's size.
    pub fn grid_size(&self) -> (usize, usize) {
        (self.grid.cell_count(), self.grid.entry_count())
    }
}

fn rings(mp: &geo_types::MultiPolygon<f64>) -> impl Iterator<Item = &geo_types::LineString<f64>> {
    mp.0.iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo_types::{polygon, LineString, MultiPolygon, Polygon};
    use nofly_model::{VerticalBand, ZoneKind};

    fn zone(id: &str, shape: Shape) -> Zone {
        Zone {
            id: id.into(),
            name: id.into(),
            kind: ZoneKind::Custom,
            shape,
            band: VerticalBand::everything(),
            active: vec![],
            version: "v".into(),
            exempt: Default::default(),
        }
    }

    #[test]
    fn candidates_then_exact_test() {
        let tri = polygon![(x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 0.0, y: 10.0)];
        let zones = vec![
            zone("tri", Shape::Polygons(MultiPolygon(vec![tri]))),
            zone(
                "circle",
                Shape::Circle {
                    lat: 50.0,
                    lon: 5.0,
                    radius_m: 1000.0,
                },
            ),
        ];
        let idx = ZoneIndex::new(&zones);
        let c = idx.candidates(9.0, 9.0);
        assert!(c.iter().all(|c| c.zone() == 0), "only the triangle is near");
        assert!(
            !c.iter().any(|c| idx.candidate_contains(*c, 9.0, 9.0)),
            "but the point is not inside it"
        );
        let c = idx.candidates(50.0, 5.0);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].zone(), 1);
        assert!(idx.candidate_contains(c[0], 50.0, 5.0));
        assert!(idx.candidates(-40.0, 5.0).is_empty());
        // Deep inside the triangle the grid settles it without the exact test.
        assert!(idx.candidates(1.0, 1.0).iter().any(|c| c.surely_inside()));
    }

    /// Synthetic zones: random polygons (some with holes, some self-intersecting), circles
    /// (including across the antimeridian and around a pole); random points plus every vertex
    /// and edge midpoint. The grid's answer must equal the exact test of every zone.
    #[test]
    fn grid_answers_exactly_what_the_exact_tests_answer() {
        let mut seed = 12345u64;
        let mut rnd = move || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut zones = Vec::new();
        let mut probes = Vec::new();
        for i in 0..300 {
            let (lat, lon) = (-60.0 + rnd() * 120.0, -179.0 + rnd() * 358.0);
            let size = 0.01 + rnd() * 3.0;
            if i % 3 == 0 {
                zones.push(zone(
                    &format!("C{i}"),
                    Shape::Circle {
                        lat,
                        lon,
                        radius_m: size * 50_000.0,
                    },
                ));
                continue;
            }
            let n = 3 + (rnd() * 40.0) as usize;
            let ring: Vec<(f64, f64)> = (0..n)
                .map(|k| {
                    let a = k as f64 / n as f64 * std::f64::consts::TAU;
                    // Every fifth polygon gets random radii, which makes some rings cross themselves.
                    let r = if i % 5 == 0 {
                        size * rnd()
                    } else {
                        size * (0.5 + 0.5 * rnd())
                    };
                    (lon + r * a.cos(), lat + r * a.sin() * 0.5)
                })
                .collect();
            let hole: Vec<(f64, f64)> = if i % 4 == 1 {
                vec![
                    (lon - size * 0.1, lat - size * 0.05),
                    (lon + size * 0.1, lat - size * 0.05),
                    (lon, lat + size * 0.05),
                ]
            } else {
                vec![]
            };
            for w in ring.windows(2) {
                probes.push((w[0].1, w[0].0));
                probes.push(((w[0].1 + w[1].1) / 2.0, (w[0].0 + w[1].0) / 2.0));
            }
            let interiors = if hole.is_empty() {
                vec![]
            } else {
                vec![LineString::from(hole)]
            };
            zones.push(zone(
                &format!("P{i}"),
                Shape::Polygons(MultiPolygon(vec![Polygon::new(
                    LineString::from(ring),
                    interiors,
                )])),
            ));
        }
        zones.push(zone(
            "ANTI",
            Shape::Circle {
                lat: -16.0,
                lon: 179.9,
                radius_m: 80_000.0,
            },
        ));
        zones.push(zone(
            "POLE",
            Shape::Circle {
                lat: 88.5,
                lon: 10.0,
                radius_m: 300_000.0,
            },
        ));
        for _ in 0..200_000 {
            probes.push((-90.0 + rnd() * 180.0, -180.0 + rnd() * 360.0));
        }
        for _ in 0..100_000 {
            let z = &zones[(rnd() * zones.len() as f64) as usize];
            if let Shape::Circle { lat, lon, .. } = z.shape {
                probes.push((lat + (rnd() - 0.5) * 4.0, lon + (rnd() - 0.5) * 4.0));
            }
        }
        let idx = ZoneIndex::new(&zones);
        let mut surely = 0;
        // Positions as sources give them: latitude within ±90, longitude wrapped into ±180.
        let valid = probes
            .into_iter()
            .filter(|(lat, _)| lat.abs() <= 90.0)
            .map(|(lat, lon)| (lat, (lon + 180.0f64).rem_euclid(360.0) - 180.0));
        for (lat, lon) in valid {
            let got: Vec<u32> = idx
                .candidates(lat, lon)
                .iter()
                .filter(|c| idx.candidate_contains(**c, lat, lon))
                .map(|c| c.zone())
                .collect();
            surely += idx
                .candidates(lat, lon)
                .iter()
                .filter(|c| c.surely_inside())
                .count();
            let want: Vec<u32> = (0..zones.len() as u32)
                .filter(|z| idx.shape_contains(*z, lat, lon))
                .collect();
            assert_eq!(got, want, "at {lat}, {lon}");
        }
        assert!(
            surely > 1000,
            "the grid settled only {surely} points by itself"
        );
    }
}
