//! The nofly detection engine: per-aircraft state machines keyed by ICAO address, in event time.
//!
//! - [`Engine`]: feed it [`Report`]s in event-time order; it emits ENTER and EXIT [`Event`]s
//!   following the rules of `docs/semantics.md`.
//! - [`Track`]: what the engine remembers of each aircraft, summarised at the end of a run.
//! - [`sort_reports`]: puts recorded reports in event-time order, ties in input order.
//! - [`PredictionSettings`]: look-ahead for PREDICTED_ENTRY events ([`Engine::with_prediction`]).
//!
//! ```
//! use nofly_engine::Engine;
//! use nofly_model::*;
//! let zone = Zone { id: "C".into(), name: "Circle".into(), kind: ZoneKind::Prohibited,
//!     shape: Shape::Circle { lat: 54.7, lon: 20.5, radius_m: 10_000.0 },
//!     band: VerticalBand::everything(), active: vec![], version: "v1".into(),
//!     exempt: Exemptions::default() };
//! let zones = [zone];
//! let mut engine = Engine::new(&zones);
//! let mut events = Vec::new();
//! for (t, lat) in [(0, 54.5), (1_000, 54.7), (2_000, 54.9)] {
//!     let mut r = Report::new(EventTime::from_millis(t), Icao24(0x155fb6), SourceRef::default());
//!     r.position = Some((lat, 20.5));
//!     engine.process(&r, &mut |e| events.push(e));
//! }
//! let kinds: Vec<_> = events.iter().map(|e| e.kind).collect();
//! assert_eq!(kinds, [EventKind::Enter, EventKind::Exit]);
//! ```
#![deny(missing_docs)]

mod engine;
mod ordering;
mod prediction;

pub use engine::{Engine, EngineStats, Track};
pub use nofly_model::{Event, Report};
pub use ordering::sort_reports;
pub use prediction::PredictionSettings;
