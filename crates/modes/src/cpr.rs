//! Compact Position Reporting (CPR): the number of longitude zones, global decoding from an
//! even/odd pair, and local decoding relative to a reference position, for airborne (360° zones)
//! and surface (90° zones) positions.

use std::f64::consts::PI;
use std::sync::OnceLock;

/// 2^17: CPR coordinates are 17-bit fractions of a zone.
const CPR_MAX: f64 = 131_072.0;
/// Number of latitude zones between the equator and a pole.
const NZ: f64 = 15.0;

/// Latitudes at which NL drops from n to n-1, for n = 59 down to 2 (computed once from the
/// defining formula of DO-260B A.1.7.2.d rather than typed in).
fn transitions() -> &'static [f64] {
    static T: OnceLock<Vec<f64>> = OnceLock::new();
    T.get_or_init(|| {
        (2..=59)
            .rev()
            .map(|nl: i32| {
                let a = 1.0 - (PI / (2.0 * NZ)).cos();
                let b = 1.0 - (2.0 * PI / f64::from(nl)).cos();
                (a / b).sqrt().acos().to_degrees()
            })
            .collect()
    })
}

/// The number of longitude zones at latitude `lat` (1 to 59).
pub fn nl(lat: f64) -> i32 {
    let lat = lat.abs();
    let t = transitions();
    // t[0] is where NL drops from 59 to 58; NL = 59 minus the transitions at or below |lat|.
    59 - t.iter().take_while(|&&x| x <= lat).count() as i32
}

fn modulo(a: f64, b: f64) -> f64 {
    a - b * (a / b).floor()
}

fn normalise_lon(lon: f64) -> f64 {
    let l = modulo(lon + 180.0, 360.0) - 180.0;
    if l >= 180.0 {
        l - 360.0
    } else {
        l
    }
}

/// One CPR-encoded position: 17-bit latitude and longitude and the odd/even flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Cpr {
    /// Encoded latitude, 0..2^17.
    #[serde(rename = "cpr_lat")]
    pub lat: u32,
    /// Encoded longitude, 0..2^17.
    #[serde(rename = "cpr_lon")]
    pub lon: u32,
    /// Odd (F = 1) or even format.
    #[serde(rename = "cpr_odd")]
    pub odd: bool,
}

/// Global airborne decode from an even and an odd position; `latest_odd` says which was received
/// last (its position is returned). `None` when the two straddle a longitude-zone boundary.
pub fn global_airborne(even: Cpr, odd: Cpr, latest_odd: bool) -> Option<(f64, f64)> {
    global(even, odd, latest_odd, 360.0, None)
}

/// Global surface decode; the result is ambiguous by 90° and resolved with `reference` (receiver or
/// last known position).
pub fn global_surface(
    even: Cpr,
    odd: Cpr,
    latest_odd: bool,
    reference: (f64, f64),
) -> Option<(f64, f64)> {
    global(even, odd, latest_odd, 90.0, Some(reference))
}

fn global(
    even: Cpr,
    odd: Cpr,
    latest_odd: bool,
    span: f64,
    reference: Option<(f64, f64)>,
) -> Option<(f64, f64)> {
    let (lat_e, lat_o) = (f64::from(even.lat) / CPR_MAX, f64::from(odd.lat) / CPR_MAX);
    let (lon_e, lon_o) = (f64::from(even.lon) / CPR_MAX, f64::from(odd.lon) / CPR_MAX);
    let (d_lat_e, d_lat_o) = (span / 60.0, span / 59.0);
    let j = (59.0 * lat_e - 60.0 * lat_o + 0.5).floor();
    let mut r_lat_e = d_lat_e * (modulo(j, 60.0) + lat_e);
    let mut r_lat_o = d_lat_o * (modulo(j, 59.0) + lat_o);
    if let Some((ref_lat, _)) = reference {
        // Surface: the northern-hemisphere answer may need moving south by 90°.
        if r_lat_e - ref_lat > 45.0 {
            r_lat_e -= 90.0;
        }
        if r_lat_o - ref_lat > 45.0 {
            r_lat_o -= 90.0;
        }
    } else {
        if r_lat_e >= 270.0 {
            r_lat_e -= 360.0;
        }
        if r_lat_o >= 270.0 {
            r_lat_o -= 360.0;
        }
    }
    if !(-90.0..=90.0).contains(&r_lat_e)
        || !(-90.0..=90.0).contains(&r_lat_o)
        || nl(r_lat_e) != nl(r_lat_o)
    {
        return None;
    }
    let (lat, cpr_lon, i) = if latest_odd {
        (r_lat_o, lon_o, 1)
    } else {
        (r_lat_e, lon_e, 0)
    };
    let nl_lat = nl(lat);
    let ni = (nl_lat - i).max(1);
    let m = (lon_e * f64::from(nl_lat - 1) - lon_o * f64::from(nl_lat) + 0.5).floor();
    let d_lon = span / f64::from(ni);
    let mut lon = d_lon * (modulo(m, f64::from(ni)) + cpr_lon);
    if let Some((_, ref_lon)) = reference {
        // Four candidates 90° apart: take the one nearest the reference.
        lon = (0..4)
            .map(|k| normalise_lon(lon + 90.0 * f64::from(k)))
            .min_by(|a, b| {
                let da = (normalise_lon(a - ref_lon)).abs();
                let db = (normalise_lon(b - ref_lon)).abs();
                da.total_cmp(&db)
            })?;
    }
    Some((lat, normalise_lon(lon)))
}

/// Local decode of one position relative to `reference`, valid when the true position is within
/// half a zone of it (about 180 NM airborne, 45 NM on the surface).
pub fn local(cpr: Cpr, reference: (f64, f64), surface: bool) -> (f64, f64) {
    let span = if surface { 90.0 } else { 360.0 };
    let i = if cpr.odd { 1.0 } else { 0.0 };
    let (y, x) = (f64::from(cpr.lat) / CPR_MAX, f64::from(cpr.lon) / CPR_MAX);
    let d_lat = span / (60.0 - i);
    let (ref_lat, ref_lon) = reference;
    let j = (ref_lat / d_lat).floor() + (0.5 + modulo(ref_lat, d_lat) / d_lat - y).floor();
    let lat = d_lat * (j + y);
    let d_lon = span / f64::from(nl(lat) - cpr.odd as i32).max(1.0);
    let m = (ref_lon / d_lon).floor() + (0.5 + modulo(ref_lon, d_lon) / d_lon - x).floor();
    (lat, normalise_lon(d_lon * (m + x)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nl_at_known_latitudes() {
        assert_eq!(nl(0.0), 59);
        assert_eq!(nl(52.2572), 36);
        assert_eq!(nl(87.5), 1);
        assert_eq!(nl(-52.2572), 36);
    }

    #[test]
    fn global_and_local_decode_of_the_textbook_pair() {
        // The worked example of "The 1090 MHz Riddle": 8D40621D58C382D690C8AC2863A7 (even) and
        // 8D40621D58C386435CC412692AD6 (odd), position 52.2572, 3.9194 (even last).
        let even = Cpr {
            lat: 93000,
            lon: 51372,
            odd: false,
        };
        let odd = Cpr {
            lat: 74158,
            lon: 50194,
            odd: true,
        };
        let (lat, lon) = global_airborne(even, odd, false).unwrap();
        assert!(
            (lat - 52.25720).abs() < 1e-4 && (lon - 3.91937).abs() < 1e-4,
            "{lat} {lon}"
        );
        let (llat, llon) = local(even, (52.258, 3.918), false);
        assert!((llat - lat).abs() < 1e-9 && (llon - lon).abs() < 1e-9);
    }
}
