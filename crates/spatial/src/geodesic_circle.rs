//! Circles on the WGS84 ellipsoid: every point within a geodesic distance of a centre.

use geo::{Destination, Distance, Geodesic, Haversine, Point};

/// Relative difference between spherical (haversine) and ellipsoidal distances that is never exceeded
/// on WGS84 (the true bound is about 0.56 %); inside this margin the exact geodesic is computed.
const SPHERE_ERROR: f64 = 0.007;

/// A geodesic circle, prepared for fast point tests and with its bounding boxes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GeodesicCircle {
    centre: Point<f64>,
    radius_m: f64,
}

impl GeodesicCircle {
    /// A circle of `radius_m` metres around `(lat, lon)`.
    pub fn new(lat: f64, lon: f64, radius_m: f64) -> Self {
        GeodesicCircle {
            centre: Point::new(lon, lat),
            radius_m,
        }
    }

    /// Whether `(lat, lon)` is within the radius (boundary included). A cheap spherical distance
    /// settles points far from the rim; points near it get Karney's exact geodesic.
    pub fn contains(&self, lat: f64, lon: f64) -> bool {
        let p = Point::new(lon, lat);
        let approx = Haversine.distance(self.centre, p);
        if approx < self.radius_m * (1.0 - SPHERE_ERROR) {
            return true;
        }
        if approx > self.radius_m * (1.0 + SPHERE_ERROR) + 1.0 {
            return false;
        }
        Geodesic.distance(self.centre, p) <= self.radius_m
    }

    /// Whether every point of the box `(min_lon, min_lat, max_lon, max_lat)` (at most half a degree
    /// wide) is surely inside: nine points of the box (corners, edge midpoints, centre) are within
    /// the radius by more than the sphere's error and 10 m, far more than a parallel of such a box
    /// bows away from the points sampled on it.
    pub fn surely_covers(&self, b: &[f64; 4]) -> bool {
        let limit = self.radius_m * (1.0 - SPHERE_ERROR) - 10.0;
        [b[0], (b[0] + b[2]) / 2.0, b[2]].iter().all(|&x| {
            [b[1], (b[1] + b[3]) / 2.0, b[3]]
                .iter()
                .all(|&y| Haversine.distance(self.centre, Point::new(x, y)) < limit)
        })
    }

    /// Whether no point of the box `(min_lon, min_lat, max_lon, max_lat)` can be inside: the point
    /// of the box nearest the centre in longitude and latitude is farther than the radius by the
    /// sphere's error plus the box's diagonal (the geodesically nearest point is within a diagonal
    /// of it).
    pub fn surely_misses(&self, b: &[f64; 4]) -> bool {
        let (x, y) = (
            self.centre.x().clamp(b[0], b[2]),
            self.centre.y().clamp(b[1], b[3]),
        );
        let diagonal = Haversine.distance(Point::new(b[0], b[1]), Point::new(b[2], b[3]));
        Haversine.distance(self.centre, Point::new(x, y))
            > self.radius_m * (1.0 + SPHERE_ERROR) + diagonal + 10.0
    }

    /// The radius in metres.
    pub fn radius_m(&self) -> f64 {
        self.radius_m
    }

    /// Geodesic distance in metres from the centre to `(lat, lon)`.
    pub fn distance_from_centre(&self, lat: f64, lon: f64) -> f64 {
        Geodesic.distance(self.centre, Point::new(lon, lat))
    }

    /// Bounding boxes `(min_lon, min_lat, max_lon, max_lat)` that cover the circle: one box, or two
    /// when it crosses the antimeridian, or a full-longitude cap when it contains a pole.
    pub fn bounding_boxes(&self) -> Vec<[f64; 4]> {
        let clon = self.centre.x();
        let r = self.radius_m;
        let reaches =
            |pole_lat: f64| Geodesic.distance(self.centre, Point::new(clon, pole_lat)) <= r;
        let north = Geodesic.destination(self.centre, 0.0, r).y();
        let south = Geodesic.destination(self.centre, 180.0, r).y();
        const LAT_MARGIN: f64 = 1e-4;
        if reaches(90.0) || reaches(-90.0) {
            let max_lat = if reaches(90.0) {
                90.0
            } else {
                (north + LAT_MARGIN).min(90.0)
            };
            let min_lat = if reaches(-90.0) {
                -90.0
            } else {
                (south - LAT_MARGIN).max(-90.0)
            };
            return vec![[-180.0, min_lat, 180.0, max_lat]];
        }
        // Widest longitude offset of a small circle on a sphere, asin(sin(r/R) / cos(lat)) with the
        // smallest earth radius, padded by 2 % for the ellipsoid (which changes distances by under
        // 0.6 %): the exact test follows, so a slightly wide box only adds candidates. (Sampling the
        // rim every degree, 360 geodesic solutions per circle, made a 10,000-zone build take 0.4 s.)
        let ratio = (r / 6_356_752.0).sin() / self.centre.y().to_radians().cos().max(1e-12);
        let half_width = if ratio >= 1.0 {
            180.0
        } else {
            ratio.asin().to_degrees() * 1.02 + LAT_MARGIN
        };
        let (min_lat, max_lat) = (
            (south - LAT_MARGIN).max(-90.0),
            (north + LAT_MARGIN).min(90.0),
        );
        if half_width >= 180.0 {
            return vec![[-180.0, min_lat, 180.0, max_lat]];
        }
        let (west, east) = (clon - half_width, clon + half_width);
        if west < -180.0 {
            vec![
                [west + 360.0, min_lat, 180.0, max_lat],
                [-180.0, min_lat, east, max_lat],
            ]
        } else if east > 180.0 {
            vec![
                [west, min_lat, 180.0, max_lat],
                [-180.0, min_lat, east - 360.0, max_lat],
            ]
        } else {
            vec![[west, min_lat, east, max_lat]]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rim_is_decided_by_the_exact_geodesic() {
        let c = GeodesicCircle::new(54.7, 20.5, 10_000.0);
        let east = Geodesic.destination(Point::new(20.5, 54.7), 90.0, 9_999.9);
        let beyond = Geodesic.destination(Point::new(20.5, 54.7), 90.0, 10_000.1);
        assert!(c.contains(east.y(), east.x()));
        assert!(!c.contains(beyond.y(), beyond.x()));
    }

    #[test]
    fn boxes_cover_the_circle_across_the_antimeridian() {
        let c = GeodesicCircle::new(-16.0, 179.9, 50_000.0);
        let boxes = c.bounding_boxes();
        assert_eq!(boxes.len(), 2);
        for az in (0..360).step_by(7) {
            let p = Geodesic.destination(Point::new(179.9, -16.0), f64::from(az), 49_999.0);
            assert!(c.contains(p.y(), p.x()));
            assert!(
                boxes
                    .iter()
                    .any(|b| p.x() >= b[0] && p.x() <= b[2] && p.y() >= b[1] && p.y() <= b[3]),
                "{p:?} outside {boxes:?}"
            );
        }
    }

    #[test]
    fn polar_circle_covers_all_longitudes() {
        let c = GeodesicCircle::new(89.5, 0.0, 100_000.0);
        assert_eq!(
            c.bounding_boxes(),
            vec![[-180.0, c.bounding_boxes()[0][1], 180.0, 90.0]]
        );
        assert!(c.contains(89.9, 179.0));
    }
}
