//! WGS84 positions as latitude, longitude and height and as Earth-centred Cartesian (ECEF)
//! coordinates, and the speed at which a radio signal travels through the air.

/// WGS84 semi-major axis, metres.
const A: f64 = 6_378_137.0;
/// WGS84 flattening.
const F: f64 = 1.0 / 298.257_223_563;
/// First eccentricity squared.
const E2: f64 = F * (2.0 - F);

/// The speed of a radio signal in the lower atmosphere, m/s: the speed of light over a mean
/// refractive index of 1.0003 (the value multilateration servers for ADS-B receivers use; the
/// index falls from about 1.0003 at the ground towards 1 in the upper troposphere).
pub const SPEED_OF_LIGHT_IN_AIR: f64 = 299_792_458.0 / 1.0003;

/// A position: latitude and longitude in degrees, height above the WGS84 ellipsoid in metres.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Geodetic {
    /// Latitude, degrees north.
    pub lat: f64,
    /// Longitude, degrees east.
    pub lon: f64,
    /// Height above the ellipsoid, metres.
    pub height_m: f64,
}

impl Geodetic {
    /// Earth-centred, Earth-fixed Cartesian coordinates, metres.
    pub(crate) fn to_ecef(self) -> [f64; 3] {
        let (lat, lon) = (self.lat.to_radians(), self.lon.to_radians());
        let n = A / (1.0 - E2 * lat.sin().powi(2)).sqrt();
        [
            (n + self.height_m) * lat.cos() * lon.cos(),
            (n + self.height_m) * lat.cos() * lon.sin(),
            (n * (1.0 - E2) + self.height_m) * lat.sin(),
        ]
    }

    /// The position of ECEF coordinates (Bowring's iteration, to well under a millimetre for
    /// heights of aircraft).
    pub(crate) fn from_ecef([x, y, z]: [f64; 3]) -> Geodetic {
        let p = x.hypot(y);
        let lon = y.atan2(x);
        let mut lat = z.atan2(p * (1.0 - E2));
        let mut height = 0.0;
        for _ in 0..6 {
            let n = A / (1.0 - E2 * lat.sin().powi(2)).sqrt();
            height = p / lat.cos() - n;
            lat = z.atan2(p * (1.0 - E2 * n / (n + height)));
        }
        Geodetic {
            lat: lat.to_degrees(),
            lon: lon.to_degrees(),
            height_m: height,
        }
    }

    /// The unit vectors east, north and up at this position, in ECEF.
    pub(crate) fn east_north_up(self) -> [[f64; 3]; 3] {
        let (lat, lon) = (self.lat.to_radians(), self.lon.to_radians());
        [
            [-lon.sin(), lon.cos(), 0.0],
            [-lat.sin() * lon.cos(), -lat.sin() * lon.sin(), lat.cos()],
            [lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin()],
        ]
    }
}

/// Straight-line distance between two positions, metres.
pub fn distance_m(a: &Geodetic, b: &Geodetic) -> f64 {
    norm(sub(a.to_ecef(), b.to_ecef()))
}

pub(crate) fn sub(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}

pub(crate) fn dot(a: [f64; 3], b: [f64; 3]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

pub(crate) fn norm(a: [f64; 3]) -> f64 {
    dot(a, a).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ecef_round_trips_and_matches_known_values() {
        // The equator at the prime meridian is one semi-major axis from the centre.
        let e = Geodetic {
            lat: 0.0,
            lon: 0.0,
            height_m: 0.0,
        }
        .to_ecef();
        assert!((e[0] - A).abs() < 1e-6 && e[1].abs() < 1e-6 && e[2].abs() < 1e-6);
        for (lat, lon, h) in [
            (47.2, 8.1, 10_000.0),
            (-33.9, 151.2, 50.0),
            (89.0, -120.0, 12_000.0),
        ] {
            let g = Geodetic::from_ecef(
                Geodetic {
                    lat,
                    lon,
                    height_m: h,
                }
                .to_ecef(),
            );
            assert!(
                (g.lat - lat).abs() < 1e-9 && (g.lon - lon).abs() < 1e-9,
                "{g:?}"
            );
            assert!((g.height_m - h).abs() < 1e-3, "{g:?}");
        }
    }
}
