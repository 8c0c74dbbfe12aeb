//! Core types of nofly, shared by every other crate. No I/O happens here.
//!
//! - [`EventTime`]: a UTC instant in milliseconds, always taken from the data.
//! - [`Icao24`] and [`Callsign`]: aircraft identities.
//! - [`Report`]: one normalised position/state report from any source; [`Sensor`]: the radar or
//!   station that detected it, and how.
//! - [`Limit`] and [`VerticalBand`]: aviation altitude limits (`SFC`, `FL95`, `2500 ft MSL`, `UNL`, …).
//! - [`Zone`], [`ZoneKind`], [`Shape`], [`ActiveInterval`], [`WeeklyWindow`]: a four-dimensional
//!   no-fly zone.
//! - [`Event`] and [`EventKind`]: what the engine emits; [`AircraftIdentity`]: who the aircraft is.
//! - [`integrity`]: whether a position's NIC and NACp make it trustworthy.
//!
//! ```
//! use nofly_model::{Altitude, AltitudeMode, Limit, VerticalBand};
//! let band = VerticalBand::new("SFC".parse().unwrap(), "FL95".parse::<Limit>().unwrap());
//! let at = |ft| Altitude { baro_ft: Some(ft), ..Altitude::default() };
//! assert!(band.contains(&at(9_500.0), AltitudeMode::Barometric));
//! assert!(!band.contains(&at(9_501.0), AltitudeMode::Barometric));
//! ```
#![deny(missing_docs)]

mod aircraft;
mod category;
mod event;
mod identity;
pub mod integrity;
mod limit;
mod report;
mod schedule;
mod sensor;
mod text_serde;
mod time;
mod zone;

pub use aircraft::{AircraftIdentity, MilitarySource};
pub use category::EmitterCategory;
pub use event::{CellFigures, Event, EventKind, PositionDispute, PredictedPoint};
pub use identity::{Callsign, Icao24, ParseIcaoError};
pub use limit::{Altitude, AltitudeMode, Limit, ParseLimitError, VerticalBand, FEET_PER_METRE};
pub use report::{PositionSource, Report, SourceRef};
pub use schedule::{ParseTimeOfDayError, TimeOfDay, WeeklyWindow, WEEKDAYS};
pub use sensor::{DetectionKind, Sensor};
pub use time::{EventTime, ParseTimeError};
pub use zone::{zone_set_hash, ActiveInterval, Exemptions, Shape, Zone, ZoneKind};
