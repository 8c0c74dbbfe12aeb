//! Multilateration: where an aircraft was when it sent one message, from the times several
//! GPS-synchronised receivers heard it (time differences of arrival), with its barometric altitude
//! as a constraint, for the aircraft that send no position of their own.
//!
//! - [`Arrival`]: one receiver's position and the time it heard the message.
//! - [`solve`]: the fix ([`Fix`]: position, a horizontal error estimate, the residual) or why
//!   there is none ([`Refused`]): too few receivers, a solution that does not converge, does not
//!   fit the times or lies far from every receiver. A divergent fix is refused, never published.
//! - [`Settings`]: the timing noise and the altitude's weight.
//!
//! The rules, and the figures measured on real receptions, are in `docs/sensors.md`.
//!
//! ```
//! use nofly_mlat::{solve, Arrival, Settings};
//! // Synthetic: four receivers around 47° N 8° E hear a message sent at 10,000 m above 47.2° N 8.1° E.
//! let aircraft = nofly_mlat::Geodetic { lat: 47.2, lon: 8.1, height_m: 10_000.0 };
//! let receivers = [(47.0, 7.5), (47.6, 8.0), (46.9, 8.6), (47.4, 8.9)];
//! let arrivals: Vec<Arrival> = receivers
//!     .iter()
//!     .map(|&(lat, lon)| {
//!         let at = nofly_mlat::Geodetic { lat, lon, height_m: 500.0 };
//!         let metres = nofly_mlat::distance_m(&at, &aircraft);
//!         Arrival { receiver: at, time_ns: 1e9 + metres / nofly_mlat::SPEED_OF_LIGHT_IN_AIR * 1e9 }
//!     })
//!     .collect();
//! let fix = solve(&arrivals, Some(10_000.0), &Settings::default()).unwrap();
//! assert!(nofly_mlat::distance_m(&fix.position, &aircraft) < 1.0);
//! ```
#![deny(missing_docs)]

mod geodesy;
mod normal_equations;
mod solver;

pub use geodesy::{distance_m, Geodetic, SPEED_OF_LIGHT_IN_AIR};
pub use solver::{solve, Arrival, Fix, Refused, Settings};
