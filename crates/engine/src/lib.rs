//! The nofly detection engine: per-aircraft state machines keyed by ICAO address, in event time.
//!
//! - [`Engine`]: feed it [`Report`]s in event-time order; it emits [`Event`]s following the rules
//!   of `docs/semantics.md`. Each report is looked up in the zones once; then each rule (one file
//!   each under `rules/`: stays, dwell-time stays, prediction, emergency, signal loss, closest
//!   approach) turns it into events with its own per-aircraft state.
//! - [`Settings`]: which rules run and how ([`Engine::with_settings`], or the `with_*` builders).
//! - [`Track`]: what the engine remembers of each aircraft, summarised at the end of a run.
//! - [`owner`] and [`merge_rank`]: one engine per group of aircraft on several cores, their
//!   events merged into one engine's order.
//! - [`PredictionSettings`]: look-ahead for PREDICTED_ENTRY events ([`Engine::with_prediction`]).
//! - [`Engine::save_state`] and [`Engine::restore_state`]: an engine's state between two reports,
//!   taken into a new engine over the same zones and settings (a replay's checkpoint).
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

mod airspace;
mod boundary_buffer;
mod engine;
mod extrapolation;
mod partition;
mod placement;
mod rules;
mod saved_state;
mod settings;
#[cfg(test)]
mod test_support;
mod tracks;

pub use engine::{Engine, EngineStats};
pub use extrapolation::PredictionSettings;
pub use nofly_model::{Event, Report};
pub use partition::{merge_rank, owner};
pub use saved_state::StateError;
pub use settings::Settings;
pub use tracks::Track;
