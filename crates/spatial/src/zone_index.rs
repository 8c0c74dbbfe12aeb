//! Candidate selection with an R-tree over zone bounding boxes, then the exact shape test.

use crate::{GeodesicCircle, PolygonIndex};
use geo::BoundingRect;
use nofly_model::{Shape, Zone};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::RTree;

/// A box `(min_lon, min_lat, max_lon, max_lat)` in degrees.
pub type BoundingBox = [f64; 4];

#[derive(Debug, Clone)]
enum PreparedShape {
    Polygons(PolygonIndex),
    Circle(GeodesicCircle),
}

/// Every zone's shape prepared for point tests, behind an R-tree of bounding boxes.
#[derive(Debug, Clone)]
pub struct ZoneIndex {
    tree: RTree<GeomWithData<Rectangle<[f64; 2]>, u32>>,
    shapes: Vec<PreparedShape>,
    boxes: Vec<Vec<BoundingBox>>,
}

impl ZoneIndex {
    /// Prepares the shapes of `zones`; zone `i` of the slice is candidate number `i`.
    pub fn new(zones: &[Zone]) -> Self {
        let mut entries = Vec::new();
        let mut shapes = Vec::with_capacity(zones.len());
        let mut boxes = Vec::with_capacity(zones.len());
        for (i, zone) in zones.iter().enumerate() {
            let (prepared, zone_boxes) = match &zone.shape {
                Shape::Polygons(mp) => {
                    // One box per polygon, so that far-apart islands do not make one huge box.
                    let b: Vec<BoundingBox> =
                        mp.0.iter()
                            .filter_map(|p| p.bounding_rect())
                            .map(|r| [r.min().x, r.min().y, r.max().x, r.max().y])
                            .collect();
                    (PreparedShape::Polygons(PolygonIndex::new(mp)), b)
                }
                Shape::Circle { lat, lon, radius_m } => {
                    let c = GeodesicCircle::new(*lat, *lon, *radius_m);
                    (PreparedShape::Circle(c), c.bounding_boxes())
                }
            };
            for b in &zone_boxes {
                entries.push(GeomWithData::new(
                    Rectangle::from_corners([b[0], b[1]], [b[2], b[3]]),
                    i as u32,
                ));
            }
            shapes.push(prepared);
            boxes.push(zone_boxes);
        }
        ZoneIndex {
            tree: RTree::bulk_load(entries),
            shapes,
            boxes,
        }
    }

    /// Writes into `out` (cleared first) the sorted, distinct indices of zones whose bounding boxes
    /// contain `(lat, lon)`.
    pub fn candidates_into(&self, lat: f64, lon: f64, out: &mut Vec<u32>) {
        out.clear();
        out.extend(self.tree.locate_all_at_point(&[lon, lat]).map(|e| e.data));
        if out.len() > 1 {
            out.sort_unstable();
            out.dedup();
        }
    }

    /// The exact horizontal test of zone `zone` at `(lat, lon)`.
    pub fn shape_contains(&self, zone: u32, lat: f64, lon: f64) -> bool {
        match &self.shapes[zone as usize] {
            PreparedShape::Polygons(p) => p.contains(lon, lat),
            PreparedShape::Circle(c) => c.contains(lat, lon),
        }
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo_types::{polygon, MultiPolygon};
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
        let mut c = Vec::new();
        idx.candidates_into(9.0, 9.0, &mut c);
        assert_eq!(c, vec![0], "inside the box of the triangle");
        assert!(
            !idx.shape_contains(0, 9.0, 9.0),
            "but not inside the triangle"
        );
        idx.candidates_into(50.0, 5.0, &mut c);
        assert_eq!(c, vec![1]);
        assert!(idx.shape_contains(1, 50.0, 5.0));
        idx.candidates_into(-40.0, 5.0, &mut c);
        assert!(c.is_empty());
    }
}
