//! One fix from the arrival times of one message: weighted least squares (Gauss–Newton with step
//! halving) over the position and the unknown time of transmission, the barometric altitude a
//! measurement of its own, then the checks that refuse a fix that diverged.

use crate::geodesy::{distance_m, norm, sub, Geodetic, SPEED_OF_LIGHT_IN_AIR};
use crate::normal_equations;

/// One receiver's hearing of the message.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Arrival {
    /// Where the receiver's antenna is.
    pub receiver: Geodetic,
    /// When it heard the message, nanoseconds on the receivers' common (GPS) clock.
    pub time_ns: f64,
}

/// How a fix is made and when it is refused.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// The receivers' timing noise, 1σ, nanoseconds (GPS-synchronised receivers time-stamp to
    /// about 50 ns).
    pub timing_noise_ns: f64,
    /// How far the barometric altitude may stand from the height above the ellipsoid, 1σ,
    /// metres: pressure altitude follows the standard atmosphere and mean sea level, not the
    /// ellipsoid (the geoid alone is tens of metres off it).
    pub altitude_sigma_m: f64,
    /// A fix whose times fit worse than this (RMS of the residuals, in metres of range) is refused.
    pub max_residual_m: f64,
    /// A fix whose horizontal error estimate (1σ) is larger is refused.
    pub max_error_m: f64,
    /// A fix further than this from every receiver is refused (line of sight to an aircraft at
    /// 12 km is under 450 km).
    pub max_range_m: f64,
    /// Two positions that fit the times and lie further apart than this make the message
    /// ambiguous: refused.
    pub ambiguity_m: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            timing_noise_ns: 50.0,
            altitude_sigma_m: 100.0,
            max_residual_m: 150.0,
            max_error_m: 1_000.0,
            max_range_m: 500_000.0,
            ambiguity_m: 1_000.0,
        }
    }
}

/// A position found by multilateration.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fix {
    /// Where the aircraft was when it sent the message.
    pub position: Geodetic,
    /// Horizontal error estimate, metres, 1σ (from the receivers' geometry and timing noise).
    pub horizontal_error_m: f64,
    /// How well the times fit: RMS of the range residuals, metres.
    pub residual_m: f64,
    /// Receivers used.
    pub receivers: usize,
    /// Iterations to converge.
    pub iterations: u32,
}

/// Why no fix was published.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Refused {
    /// Fewer receivers than unknowns (three with an altitude, four without).
    TooFewReceivers(usize),
    /// The receivers' geometry does not determine a position (all in a line, or one place).
    Undetermined,
    /// The iteration did not settle.
    NotConverged,
    /// The times do not fit one position: RMS of the residuals, metres.
    Residual(f64),
    /// The horizontal error estimate, metres, is too large to publish.
    Imprecise(f64),
    /// The solution lies this far from the nearest receiver, metres: a mirror solution.
    OutOfRange(f64),
    /// Two positions this far apart, metres, both fit the times.
    Ambiguous(f64),
}

const MAX_ITERATIONS: u32 = 50;

/// The fix of one message heard by `arrivals` (each receiver once), with the aircraft's
/// barometric altitude in metres when it sent one, or why there is none.
pub fn solve(
    arrivals: &[Arrival],
    baro_altitude_m: Option<f64>,
    settings: &Settings,
) -> Result<Fix, Refused> {
    let needed = if baro_altitude_m.is_some() { 3 } else { 4 };
    if arrivals.len() < needed {
        return Err(Refused::TooFewReceivers(arrivals.len()));
    }
    let c = SPEED_OF_LIGHT_IN_AIR * 1e-9;
    let first = arrivals[0].time_ns;
    let stations: Vec<([f64; 3], f64)> = arrivals
        .iter()
        .map(|a| (a.receiver.to_ecef(), (a.time_ns - first) * c))
        .collect();
    let mut centroid = [0.0; 3];
    for (s, _) in &stations {
        for k in 0..3 {
            centroid[k] += s[k] / stations.len() as f64;
        }
    }
    let centre = Geodetic::from_ecef(centroid);
    let height_m = baro_altitude_m.unwrap_or(9_000.0);
    // From above the receivers' centroid, and from points around it: where the times allow two
    // positions (an aircraft outside the receivers' ring), the iterations from different starts
    // find both, and the fix is refused rather than one of them published at random.
    let starts = START_OFFSETS_DEG.iter().map(|(dlat, dlon)| Geodetic {
        lat: centre.lat + dlat,
        lon: centre.lon + dlon,
        height_m,
    });
    let mut best: Option<Result<Fix, Refused>> = None;
    for start in starts {
        let found = solve_from(start, &stations, baro_altitude_m, settings);
        best = Some(match (best, found) {
            (None, found) => found,
            (Some(Ok(a)), Ok(b)) => {
                if distance_m(&a.position, &b.position) > settings.ambiguity_m {
                    return Err(Refused::Ambiguous(distance_m(&a.position, &b.position)));
                }
                Ok(if b.residual_m < a.residual_m { b } else { a })
            }
            (Some(Ok(a)), Err(_)) | (Some(Err(_)), Ok(a)) => Ok(a),
            (Some(Err(a)), Err(_)) => Err(a),
        });
    }
    best.expect("at least one start")
}

/// Where the iterations start, degrees from the receivers' centroid: the centroid, and about
/// 150 km to each side.
const START_OFFSETS_DEG: [(f64, f64); 5] = [
    (0.0, 0.0),
    (1.35, 0.0),
    (-1.35, 0.0),
    (0.0, 2.0),
    (0.0, -2.0),
];

/// The fix the iterations from `start` settle on, checked.
fn solve_from(
    start: Geodetic,
    stations: &[([f64; 3], f64)],
    baro_altitude_m: Option<f64>,
    settings: &Settings,
) -> Result<Fix, Refused> {
    let sigma_t = settings.timing_noise_ns * SPEED_OF_LIGHT_IN_AIR * 1e-9;
    let mut p = start.to_ecef();
    let mut b = stations
        .iter()
        .map(|(s, range)| range - norm(sub(p, *s)))
        .sum::<f64>()
        / stations.len() as f64;
    let cost = |p: [f64; 3], b: f64| -> f64 {
        let timing: f64 = stations
            .iter()
            .map(|(s, range)| ((range - norm(sub(p, *s)) - b) / sigma_t).powi(2))
            .sum();
        let height = baro_altitude_m.map_or(0.0, |h| {
            ((h - Geodetic::from_ecef(p).height_m) / settings.altitude_sigma_m).powi(2)
        });
        timing + height
    };
    let mut iterations = 0;
    let covariance = loop {
        iterations += 1;
        if iterations > MAX_ITERATIONS {
            return Err(Refused::NotConverged);
        }
        let (m, v) = normal_equations_at(p, b, stations, baro_altitude_m, sigma_t, settings);
        let Some((step, covariance)) = normal_equations::solve(m, v) else {
            return Err(Refused::Undetermined);
        };
        let before = cost(p, b);
        let mut scale = 1.0;
        let (mut next_p, mut next_b);
        loop {
            next_p = [
                p[0] + scale * step[0],
                p[1] + scale * step[1],
                p[2] + scale * step[2],
            ];
            next_b = b + scale * step[3];
            if cost(next_p, next_b) <= before || scale < 1e-6 {
                break;
            }
            scale /= 2.0;
        }
        let moved = norm(sub(next_p, p));
        p = next_p;
        b = next_b;
        if !moved.is_finite() {
            return Err(Refused::NotConverged);
        }
        if moved < 1e-3 {
            break covariance;
        }
    };
    let residual_m = (stations
        .iter()
        .map(|(s, range)| (range - norm(sub(p, *s)) - b).powi(2))
        .sum::<f64>()
        / stations.len() as f64)
        .sqrt();
    if residual_m > settings.max_residual_m {
        return Err(Refused::Residual(residual_m));
    }
    let position = Geodetic::from_ecef(p);
    let [east, north, _] = position.east_north_up();
    // The covariance from the assumed noise, scaled up when the times fit worse than that noise
    // (the reduced chi-square of the fit, where there are more measurements than unknowns).
    let measurements = stations.len() + usize::from(baro_altitude_m.is_some());
    let scale = if measurements > 4 {
        (cost(p, b) / (measurements - 4) as f64).max(1.0)
    } else {
        1.0
    };
    let variance = |u: [f64; 3]| -> f64 {
        scale
            * (0..3)
                .map(|i| (0..3).map(|j| u[i] * covariance[i][j] * u[j]).sum::<f64>())
                .sum::<f64>()
    };
    let horizontal_error_m = (variance(east) + variance(north)).max(0.0).sqrt();
    if horizontal_error_m > settings.max_error_m {
        return Err(Refused::Imprecise(horizontal_error_m));
    }
    let nearest = stations
        .iter()
        .map(|(s, _)| norm(sub(p, *s)))
        .fold(f64::INFINITY, f64::min);
    if nearest > settings.max_range_m {
        return Err(Refused::OutOfRange(nearest));
    }
    Ok(Fix {
        position,
        horizontal_error_m,
        residual_m,
        receivers: stations.len(),
        iterations,
    })
}

/// `(JᵀWJ, -JᵀWr)` at position `p` and offset `b`: the timing residuals weighted by the timing
/// noise, the altitude's by its own.
fn normal_equations_at(
    p: [f64; 3],
    b: f64,
    stations: &[([f64; 3], f64)],
    baro_altitude_m: Option<f64>,
    sigma_t: f64,
    settings: &Settings,
) -> ([[f64; 4]; 4], [f64; 4]) {
    let mut m = [[0.0; 4]; 4];
    let mut v = [0.0; 4];
    let mut add = |row: [f64; 4], residual: f64, weight: f64| {
        for i in 0..4 {
            for j in 0..4 {
                m[i][j] += weight * row[i] * row[j];
            }
            v[i] -= weight * row[i] * residual;
        }
    };
    for (s, range) in stations {
        let d = sub(p, *s);
        let distance = norm(d);
        // r = range - |p - s| - b; dr/dp = -(p - s)/|p - s|, dr/db = -1.
        let row = [-d[0] / distance, -d[1] / distance, -d[2] / distance, -1.0];
        add(row, range - distance - b, 1.0 / (sigma_t * sigma_t));
    }
    if let Some(h) = baro_altitude_m {
        let here = Geodetic::from_ecef(p);
        let [_, _, up] = here.east_north_up();
        // r = h - height(p); d height / dp = up.
        let row = [-up[0], -up[1], -up[2], 0.0];
        let sigma = settings.altitude_sigma_m;
        add(row, h - here.height_m, 1.0 / (sigma * sigma));
    }
    (m, v)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Synthetic arrivals at `receivers` of a message sent from `aircraft`.
    fn heard(aircraft: Geodetic, receivers: &[(f64, f64)]) -> Vec<Arrival> {
        receivers
            .iter()
            .map(|&(lat, lon)| {
                let receiver = Geodetic {
                    lat,
                    lon,
                    height_m: 400.0,
                };
                let metres = distance_m(&receiver, &aircraft);
                Arrival {
                    receiver,
                    time_ns: 5e9 + metres / SPEED_OF_LIGHT_IN_AIR * 1e9,
                }
            })
            .collect()
    }

    #[test]
    fn exact_times_give_the_position_with_or_without_the_altitude() {
        let aircraft = Geodetic {
            lat: 48.3,
            lon: 10.1,
            height_m: 8_400.0,
        };
        let ring = [
            (48.0, 9.5),
            (48.8, 10.0),
            (47.9, 10.7),
            (48.5, 11.0),
            (48.2, 9.9),
        ];
        let arrivals = heard(aircraft, &ring);
        for altitude in [Some(8_400.0), None] {
            let fix = solve(&arrivals, altitude, &Settings::default()).unwrap();
            assert!(distance_m(&fix.position, &aircraft) < 0.5, "{fix:?}");
            assert!(
                fix.residual_m < 0.01 && fix.horizontal_error_m < 100.0,
                "{fix:?}"
            );
        }
    }

    #[test]
    fn too_few_receivers_and_times_that_fit_no_position_are_refused() {
        let aircraft = Geodetic {
            lat: 48.3,
            lon: 10.1,
            height_m: 8_400.0,
        };
        let ring = [(48.0, 9.5), (48.8, 10.0), (47.9, 10.7), (48.5, 11.0)];
        let arrivals = heard(aircraft, &ring);
        assert_eq!(
            solve(&arrivals[..2], Some(8_400.0), &Settings::default()),
            Err(Refused::TooFewReceivers(2))
        );
        assert_eq!(
            solve(&arrivals[..3], None, &Settings::default()),
            Err(Refused::TooFewReceivers(3))
        );
        // One receiver's clock 3 µs off: no position fits the four times and the altitude.
        let mut bad = arrivals.clone();
        bad[2].time_ns += 3_000.0;
        assert!(matches!(
            solve(&bad, Some(8_400.0), &Settings::default()),
            Err(Refused::Residual(_) | Refused::Ambiguous(_) | Refused::Imprecise(_))
        ));
    }
}
