//! A radar plot's slant range and azimuth to latitude and longitude, from the radar's site.
//!
//! The Earth is taken as the sphere that osculates the WGS-84 ellipsoid at the site in the plot's
//! azimuth (Euler's radius): the slant range and both heights give the angle at the Earth's
//! centre by the law of cosines, and the plot lies that far along the great circle of its azimuth.
//! Over a radar's 250 NM this is within about 100 m of the ellipsoid, below the azimuth error of
//! an en-route radar (0.05° is 400 m at 250 NM).

use crate::message::Site;

/// WGS-84 semi-major axis, metres.
const A: f64 = 6_378_137.0;
/// WGS-84 first eccentricity squared.
const E2: f64 = 6.694_379_990_14e-3;
/// Metres in a nautical mile.
const METRES_PER_NM: f64 = 1852.0;

/// Latitude and longitude (degrees) of a plot `range_nm` (slant) from `site` at `azimuth_deg`,
/// the target `target_height_m` above the ellipsoid (`None`: at the site's height, which makes
/// the slant range a ground range).
pub fn plot_position(
    site: &Site,
    range_nm: f64,
    azimuth_deg: f64,
    target_height_m: Option<f64>,
) -> (f64, f64) {
    let (phi, theta) = (site.lat.to_radians(), azimuth_deg.to_radians());
    let w = (1.0 - E2 * phi.sin().powi(2)).sqrt();
    let meridian = A * (1.0 - E2) / w.powi(3);
    let prime_vertical = A / w;
    let radius = 1.0 / (theta.cos().powi(2) / meridian + theta.sin().powi(2) / prime_vertical);
    let rho = range_nm * METRES_PER_NM;
    let r_site = radius + site.height_m;
    let r_target = radius + target_height_m.unwrap_or(site.height_m);
    let cos_gamma = ((r_site * r_site + r_target * r_target - rho * rho)
        / (2.0 * r_site * r_target))
        .clamp(-1.0, 1.0);
    let gamma = cos_gamma.acos();
    let lat = (phi.sin() * gamma.cos() + phi.cos() * gamma.sin() * theta.cos()).asin();
    let lon = site.lon.to_radians()
        + (theta.sin() * gamma.sin() * phi.cos()).atan2(gamma.cos() - phi.sin() * lat.sin());
    let lon = (lon.to_degrees() + 540.0).rem_euclid(360.0) - 180.0;
    (lat.to_degrees(), lon)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_plots_along_their_azimuth() {
        let site = Site {
            lat: 0.0,
            lon: 0.0,
            height_m: 0.0,
        };
        // 60 NM east along the equator: the prime vertical radius, 60 NM of arc.
        let (lat, lon) = plot_position(&site, 60.0, 90.0, None);
        assert!(lat.abs() < 1e-9);
        let expected = (60.0 * 1852.0 / A).to_degrees();
        assert!((lon - expected).abs() < 1e-3, "{lon} {expected}");
        // A target 10 km up is nearer over the ground than its slant range.
        let (_, high) = plot_position(&site, 60.0, 90.0, Some(10_000.0));
        assert!(high < lon);
        // North, from 54° N: latitude grows, longitude stays.
        let north = Site {
            lat: 54.0,
            lon: 20.0,
            height_m: 100.0,
        };
        let (lat, lon) = plot_position(&north, 100.0, 0.0, Some(100.0));
        assert!(
            (lon - 20.0).abs() < 1e-9 && (lat - 55.66).abs() < 0.01,
            "{lat}"
        );
        // Across the antimeridian.
        let east = Site {
            lat: 0.0,
            lon: 179.9,
            height_m: 0.0,
        };
        let (_, lon) = plot_position(&east, 60.0, 90.0, None);
        assert!(lon < -179.0, "{lon}");
    }
}
