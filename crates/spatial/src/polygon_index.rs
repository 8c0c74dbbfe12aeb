//! Exact point-in-multipolygon test accelerated by latitude strips.
//!
//! `geo::Contains` walks every edge of a polygon for each point; national-airspace zones have tens of
//! thousands of edges, which made it the engine's bottleneck (see bench/README.md for the measured
//! ratio). Here each edge is filed under the horizontal strips its latitude range overlaps, and the
//! crossing-number test for a point only visits the edges of its strip: a horizontal ray from the
//! point can only cross edges whose latitude range contains the point's latitude.

use geo_types::{LineString, MultiPolygon};

#[derive(Debug, Clone, Copy)]
struct Edge {
    x1: f64,
    y1: f64,
    x2: f64,
    y2: f64,
    polygon: u32,
}

/// A multipolygon prepared for fast exact point tests. Coordinates are planar: x is longitude and
/// y latitude, edges are straight in that plane (the GeoJSON convention). Points on an edge or
/// vertex are inside; polygons of a multipolygon are tested independently, so overlapping parts
/// do not cancel out.
#[derive(Debug, Clone)]
pub struct PolygonIndex {
    min_y: f64,
    max_y: f64,
    strips_per_degree: f64,
    /// Compressed rows: the edges of strip `s` are `edges[offsets[s]..offsets[s + 1]]`.
    offsets: Vec<u32>,
    edges: Vec<Edge>,
    polygon_count: usize,
}

impl PolygonIndex {
    /// Prepares a multipolygon. Rings need not be closed explicitly; empty rings are ignored.
    pub fn new(shape: &MultiPolygon<f64>) -> Self {
        let mut all = Vec::new();
        for (p, polygon) in shape.0.iter().enumerate() {
            for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
                push_ring_edges(ring, p as u32, &mut all);
            }
        }
        let (min_y, max_y) = all
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), e| {
                (lo.min(e.y1.min(e.y2)), hi.max(e.y1.max(e.y2)))
            });
        let strip_count = all.len().clamp(1, 1 << 16);
        let height = (max_y - min_y).max(f64::MIN_POSITIVE);
        let strips_per_degree = strip_count as f64 / height;
        let strip_of = |y: f64| (((y - min_y) * strips_per_degree) as usize).min(strip_count - 1);

        let mut counts = vec![0u32; strip_count + 1];
        for e in &all {
            for s in strip_of(e.y1.min(e.y2))..=strip_of(e.y1.max(e.y2)) {
                counts[s + 1] += 1;
            }
        }
        for s in 0..strip_count {
            counts[s + 1] += counts[s];
        }
        let offsets = counts;
        let mut fill = offsets.clone();
        let mut edges = vec![
            all.first().copied().unwrap_or(Edge {
                x1: 0.0,
                y1: 0.0,
                x2: 0.0,
                y2: 0.0,
                polygon: 0
            });
            offsets[strip_count] as usize
        ];
        for e in &all {
            for s in strip_of(e.y1.min(e.y2))..=strip_of(e.y1.max(e.y2)) {
                edges[fill[s] as usize] = *e;
                fill[s] += 1;
            }
        }
        PolygonIndex {
            min_y,
            max_y,
            strips_per_degree,
            offsets,
            edges,
            polygon_count: shape.0.len(),
        }
    }

    /// Whether the point `(x, y)` = `(lon, lat)` is inside or on the boundary.
    pub fn contains(&self, x: f64, y: f64) -> bool {
        if !(y >= self.min_y && y <= self.max_y) {
            return false;
        }
        let strip =
            (((y - self.min_y) * self.strips_per_degree) as usize).min(self.offsets.len() - 2);
        let edges = &self.edges[self.offsets[strip] as usize..self.offsets[strip + 1] as usize];
        if self.polygon_count == 1 {
            let mut inside = false;
            for e in edges {
                match crossing(e, x, y) {
                    Crossing::OnBoundary => return true,
                    Crossing::Right => inside = !inside,
                    Crossing::None => {}
                }
            }
            return inside;
        }
        // Several polygons: parity per polygon, from the list of polygons whose edges were crossed.
        let mut crossed: Vec<u32> = Vec::new();
        for e in edges {
            match crossing(e, x, y) {
                Crossing::OnBoundary => return true,
                Crossing::Right => crossed.push(e.polygon),
                Crossing::None => {}
            }
        }
        crossed.sort_unstable();
        crossed
            .chunk_by(|a, b| a == b)
            .any(|run| run.len() % 2 == 1)
    }

    /// Distance in metres from `(x, y)` = `(lon, lat)` to the nearest edge, if within `max_m`:
    /// only the strips within `max_m` of the point's latitude are visited. Distances are measured
    /// in a local equirectangular plane (spherical earth, 6,371 km), which over tens of kilometres
    /// is within a fraction of a percent of the geodesic.
    pub fn boundary_distance_m(&self, x: f64, y: f64, max_m: f64) -> Option<f64> {
        const METRES_PER_DEGREE: f64 = 6_371_000.0 * std::f64::consts::PI / 180.0;
        let dlat = max_m / METRES_PER_DEGREE;
        if y + dlat < self.min_y || y - dlat > self.max_y {
            return None;
        }
        let last = self.offsets.len() - 2;
        let strip =
            |v: f64| (((v - self.min_y).max(0.0) * self.strips_per_degree) as usize).min(last);
        let (from, to) = (strip(y - dlat), strip(y + dlat));
        let edges = &self.edges[self.offsets[from] as usize..self.offsets[to + 1] as usize];
        let kx = METRES_PER_DEGREE * y.to_radians().cos();
        let best = edges
            .iter()
            .map(|e| {
                let (ax, ay) = ((e.x1 - x) * kx, (e.y1 - y) * METRES_PER_DEGREE);
                let (bx, by) = ((e.x2 - x) * kx, (e.y2 - y) * METRES_PER_DEGREE);
                let (dx, dy) = (bx - ax, by - ay);
                let len2 = dx * dx + dy * dy;
                let t = if len2 > 0.0 {
                    (-(ax * dx + ay * dy) / len2).clamp(0.0, 1.0)
                } else {
                    0.0
                };
                (ax + t * dx).hypot(ay + t * dy)
            })
            .fold(f64::INFINITY, f64::min);
        (best <= max_m).then_some(best)
    }

    /// Number of edge entries stored (edges spanning several strips count once per strip).
    pub fn stored_edges(&self) -> usize {
        self.edges.len()
    }
}

fn push_ring_edges(ring: &LineString<f64>, polygon: u32, out: &mut Vec<Edge>) {
    let pts = &ring.0;
    if pts.len() < 2 {
        return;
    }
    for w in pts.windows(2) {
        out.push(Edge {
            x1: w[0].x,
            y1: w[0].y,
            x2: w[1].x,
            y2: w[1].y,
            polygon,
        });
    }
    let (first, last) = (pts[0], pts[pts.len() - 1]);
    if first != last {
        out.push(Edge {
            x1: last.x,
            y1: last.y,
            x2: first.x,
            y2: first.y,
            polygon,
        });
    }
}

enum Crossing {
    None,
    Right,
    OnBoundary,
}

/// How a horizontal ray from `(x, y)` towards +x meets the edge. Uses the half-open rule on y so a
/// ray through a vertex counts once, and the sign of the cross product so the answer agrees with the
/// orientation test rather than with a rounded intersection abscissa.
#[inline(always)]
fn crossing(e: &Edge, x: f64, y: f64) -> Crossing {
    let spans = (e.y1 > y) != (e.y2 > y);
    if spans {
        let cross = (e.x2 - e.x1) * (y - e.y1) - (e.y2 - e.y1) * (x - e.x1);
        if cross == 0.0 {
            return Crossing::OnBoundary;
        }
        if (cross > 0.0) == (e.y2 > e.y1) {
            Crossing::Right
        } else {
            Crossing::None
        }
    } else if (e.y1 == y || e.y2 == y) && on_segment(e, x, y) {
        Crossing::OnBoundary
    } else {
        Crossing::None
    }
}

fn on_segment(e: &Edge, x: f64, y: f64) -> bool {
    let cross = (e.x2 - e.x1) * (y - e.y1) - (e.y2 - e.y1) * (x - e.x1);
    cross == 0.0
        && x >= e.x1.min(e.x2)
        && x <= e.x1.max(e.x2)
        && y >= e.y1.min(e.y2)
        && y <= e.y1.max(e.y2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo_types::{coord, polygon, Polygon};

    fn square(x0: f64, y0: f64, size: f64) -> Polygon<f64> {
        polygon![(x: x0, y: y0), (x: x0 + size, y: y0), (x: x0 + size, y: y0 + size), (x: x0, y: y0 + size), (x: x0, y: y0)]
    }

    #[test]
    fn boundary_and_vertices_are_inside() {
        let idx = PolygonIndex::new(&MultiPolygon(vec![square(0.0, 0.0, 10.0)]));
        assert!(idx.contains(0.0, 0.0));
        assert!(idx.contains(10.0, 5.0));
        assert!(idx.contains(5.0, 10.0));
        assert!(!idx.contains(10.000001, 5.0));
        assert!(!idx.contains(-1.0, 0.0));
    }

    #[test]
    fn multipolygon_parts_and_overlaps() {
        let idx = PolygonIndex::new(&MultiPolygon(vec![
            square(0.0, 0.0, 10.0),
            square(5.0, 5.0, 10.0),
            square(30.0, 0.0, 1.0),
        ]));
        assert!(idx.contains(7.0, 7.0), "overlap of two parts stays inside");
        assert!(idx.contains(12.0, 12.0));
        assert!(idx.contains(30.5, 0.5));
        assert!(!idx.contains(20.0, 0.5));
    }

    #[test]
    fn unclosed_ring_is_closed_implicitly() {
        let ring = LineString(vec![
            coord! {x: 0.0, y: 0.0},
            coord! {x: 4.0, y: 0.0},
            coord! {x: 0.0, y: 4.0},
        ]);
        let idx = PolygonIndex::new(&MultiPolygon(vec![Polygon::new(ring, vec![])]));
        assert!(idx.contains(1.0, 1.0));
        assert!(!idx.contains(3.0, 3.0));
    }

    #[test]
    fn agrees_with_geo_on_a_jagged_polygon() {
        use geo::Contains;
        // A star with 200 spikes: many edges per strip.
        let mut ring = Vec::new();
        for i in 0..400 {
            let a = i as f64 / 400.0 * std::f64::consts::TAU;
            let r = if i % 2 == 0 { 10.0 } else { 4.0 };
            ring.push(coord! {x: r * a.cos(), y: r * a.sin()});
        }
        let poly = Polygon::new(
            LineString(ring),
            vec![LineString::from(vec![
                (-1.0, -1.0),
                (1.0, -1.0),
                (1.0, 1.0),
                (-1.0, 1.0),
                (-1.0, -1.0),
            ])],
        );
        let mp = MultiPolygon(vec![poly.clone()]);
        let idx = PolygonIndex::new(&mp);
        let mut state = 12345u64;
        let mut rand = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((state >> 11) as f64 / (1u64 << 53) as f64) * 24.0 - 12.0
        };
        for _ in 0..20_000 {
            let (x, y) = (rand(), rand());
            assert_eq!(
                idx.contains(x, y),
                poly.contains(&geo_types::Point::new(x, y)),
                "at {x},{y}"
            );
        }
    }
}
