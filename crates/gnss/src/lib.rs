//! GNSS interference and spoofing, seen from ADS-B alone.
//!
//! Three steps, each in its own module:
//! - [`integrity`]: whether one report's position can be trusted, from the NIC and NACp the
//!   aircraft broadcasts (degraded below NIC 7 / NACp 8, the ADS-B Out performance floor);
//! - [`indicators`]: spoofing signs in one aircraft's own track (impossible jumps, cruise altitude
//!   at walking speed, GNSS height far from barometric altitude);
//! - [`cells`]: per H3 cell and time window, how many aircraft were seen and how many were affected,
//!   with a confidence that accounts for few aircraft, and a NORMAL / SUSPECT / INTERFERENCE state
//!   with hysteresis.
//!
//! The rules and their thresholds are in docs/gnss.md.

pub mod cells;
pub mod daily_map;
pub mod indicators;
pub mod integrity;

pub use cells::{CellState, CellWindow, GnssMonitor, GnssSettings, Transition};
pub use daily_map::{daily_maps, Basemap};
pub use indicators::{Indicator, TrackChecker};
pub use integrity::{is_degraded, IntegrityThresholds};
