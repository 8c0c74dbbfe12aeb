//! The solver on real receptions: the LocaRDS subset in data/mlat (OpenSky Network receivers,
//! GPS-synchronised, five per message, with the aircraft's own ADS-B position as the truth;
//! CC-BY-SA 4.0, Schäfer et al. 2021, see data/mlat/README.md). Each message is solved from its
//! arrival times and its barometric altitude alone, and the fix compared with where the aircraft
//! said it was.

use nofly_mlat::{distance_m, solve, Arrival, Geodetic, Refused, Settings};
use std::collections::HashMap;
use std::path::PathBuf;

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../data/mlat")
        .join(name)
}

struct Message {
    arrivals: Vec<Arrival>,
    baro_m: f64,
    truth: Geodetic,
}

fn messages() -> Vec<Message> {
    let mut receivers = HashMap::new();
    for row in csv::Reader::from_path(data("sensors.csv"))
        .unwrap()
        .records()
    {
        let row = row.unwrap();
        let f = |i: usize| row[i].parse::<f64>().unwrap();
        receivers.insert(
            row[0].to_string(),
            Geodetic {
                lat: f(1),
                lon: f(2),
                height_m: f(3),
            },
        );
    }
    let mut out = Vec::new();
    for set in 1..=6 {
        for row in csv::Reader::from_path(data(&format!("set_{set}.csv")))
            .unwrap()
            .records()
        {
            let row = row.unwrap();
            let f = |i: usize| row[i].parse::<f64>().unwrap();
            let measured: Vec<(u64, f64, f64)> = serde_json::from_str(&row[8]).unwrap();
            out.push(Message {
                arrivals: measured
                    .iter()
                    .map(|(serial, ns, _)| Arrival {
                        receiver: receivers[&serial.to_string()],
                        time_ns: *ns,
                    })
                    .collect(),
                baro_m: f(5),
                truth: Geodetic {
                    lat: f(3),
                    lon: f(4),
                    height_m: f(6),
                },
            });
        }
    }
    out
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

#[test]
fn real_receptions_give_fixes_within_75_m_median_and_300_m_90th_percentile() {
    let messages = messages();
    assert!(messages.len() > 1_000, "{} messages", messages.len());
    let mut errors = Vec::new();
    let mut refused: HashMap<&str, usize> = HashMap::new();
    let mut within_estimate = 0;
    for m in &messages {
        match solve(&m.arrivals, Some(m.baro_m), &Settings::default()) {
            Ok(fix) => {
                let at_truth_height = Geodetic {
                    height_m: m.truth.height_m,
                    ..fix.position
                };
                let error = distance_m(&at_truth_height, &m.truth);
                within_estimate += usize::from(error <= 3.0 * fix.horizontal_error_m);
                errors.push(error);
            }
            Err(why) => {
                *refused
                    .entry(match why {
                        Refused::Residual(_) => "residual",
                        Refused::Imprecise(_) => "imprecise",
                        Refused::OutOfRange(_) => "out of range",
                        Refused::NotConverged => "not converged",
                        Refused::Undetermined => "undetermined",
                        Refused::TooFewReceivers(_) => "too few",
                        Refused::Ambiguous(_) => "ambiguous",
                    })
                    .or_default() += 1
            }
        }
    }
    errors.sort_by(f64::total_cmp);
    let (median, p90) = (percentile(&errors, 0.5), percentile(&errors, 0.9));
    eprintln!(
        "{} messages: {} fixes, refused {refused:?}; horizontal error median {median:.0} m, 90th percentile {p90:.0} m, max {:.0} m; {within_estimate} within 3σ of their estimate",
        messages.len(),
        errors.len(),
        errors.last().unwrap()
    );
    assert!(median <= 75.0, "median {median:.0} m");
    assert!(p90 <= 300.0, "90th percentile {p90:.0} m");
    // Divergent fixes are refused, not published: none far off (without the check of several
    // starts, two fixes 65 and 74 km off were published), and few refused.
    assert!(*errors.last().unwrap() < 2_000.0);
    assert!(
        errors.len() * 100 >= messages.len() * 95,
        "{} of {}",
        errors.len(),
        messages.len()
    );
}
