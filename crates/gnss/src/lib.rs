//! GNSS interference and spoofing, seen from ADS-B alone.
//!
//! Four steps, each in its own module:
//! - integrity ([`nofly_model::integrity`]): whether one report's position can be trusted, from the
//!   NIC and NACp the aircraft broadcasts (degraded below NIC 7 / NACp 8, the ADS-B Out floor);
//! - [`indicators`]: spoofing signs in one aircraft's own track (impossible jumps, cruise altitude
//!   at walking speed, GNSS height far from barometric altitude), [`shared_points`]: many
//!   aircraft reporting one point, and [`cross_check`]: the ADS-B position against where
//!   multilateration or a radar measured the aircraft;
//! - [`cells`]: per H3 cell and time window, how many aircraft were seen and how many were affected,
//!   with a confidence that accounts for few aircraft, and a NORMAL / SUSPECT / INTERFERENCE state
//!   with hysteresis;
//! - [`interference_zones`]: the raised cells as live `gnss-interference` zones with
//!   INTERFERENCE_START and INTERFERENCE_END events, for the engine to watch like any other zone.
//!
//! The rules and their thresholds are in docs/gnss.md.

pub mod cells;
pub mod cross_check;
pub mod daily_map;
pub mod held_cell;
pub mod indicators;
pub mod interference_zones;
pub mod shared_points;

pub use cells::{CellState, CellWindow, GnssMonitor, GnssSettings, Transition};
pub use cross_check::CrossCheck;
pub use daily_map::{daily_maps, Basemap};
pub use indicators::{Indicator, TrackChecker};
pub use interference_zones::InterferenceZones;
pub use nofly_model::integrity::{is_degraded, IntegrityThresholds};
