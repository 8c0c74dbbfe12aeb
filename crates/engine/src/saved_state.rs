//! An engine's state saved between two reports and taken back into a new engine over the same
//! zones and settings: what lets a killed replay continue where it stopped and raise the same
//! events, byte for byte, as a run that was never stopped.
//!
//! The state is the aircraft's tracks, each rule's own per-aircraft state and the run's counters,
//! in postcard's compact binary form (floats and times exactly as they were). The zones and
//! settings are not saved: the new engine is made from them, and the state names the zone set's
//! hash and the settings it was saved under so that a state is never taken into another run's
//! engine.

use crate::engine::{Engine, EngineStats};
use crate::tracks::{Track, Tracks};
use std::fmt;

/// Version of the saved form; a state of another version is refused.
const FORMAT: u32 = 1;

/// Why an engine's state could not be saved or taken back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateError(String);

impl StateError {
    pub(crate) fn new(what: impl Into<String>) -> Self {
        StateError(what.into())
    }
}

impl fmt::Display for StateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "engine state: {}", self.0)
    }
}

impl std::error::Error for StateError {}

impl From<postcard::Error> for StateError {
    fn from(e: postcard::Error) -> Self {
        StateError(format!("not a saved engine state ({e})"))
    }
}

/// What [`Engine::save_state`] writes.
#[derive(serde::Serialize, serde::Deserialize)]
struct Saved<T> {
    format: u32,
    zone_set: String,
    settings: String,
    stats: EngineStats,
    tracks: Vec<T>,
    rules: Vec<Vec<u8>>,
}

impl Engine {
    /// Everything the engine remembers between two reports, to take back with
    /// [`Engine::restore_state`] into an engine made from the same zones and settings.
    pub fn save_state(&self) -> Result<Vec<u8>, StateError> {
        let saved = Saved {
            format: FORMAT,
            zone_set: self.zone_set().to_string(),
            settings: self.settings_text(),
            stats: self.stats(),
            tracks: self.tracks_table().in_order(),
            rules: self.rule_set().save()?,
        };
        Ok(postcard::to_allocvec(&saved)?)
    }

    /// Takes back a state [`Engine::save_state`] gave. The engine must be new (no report yet) and
    /// made from the same zones and settings as the one that saved it; otherwise, or when the
    /// bytes are not such a state, it is refused and the engine is left as it was.
    pub fn restore_state(&mut self, bytes: &[u8]) -> Result<(), StateError> {
        if self.stats() != EngineStats::default() {
            return Err(StateError::new("only a new engine takes a saved state"));
        }
        let saved: Saved<Track> = postcard::from_bytes(bytes)?;
        if saved.format != FORMAT {
            return Err(StateError::new(format!(
                "saved in form {}, this nofly reads form {FORMAT}",
                saved.format
            )));
        }
        if saved.zone_set != self.zone_set() {
            return Err(StateError::new(format!(
                "saved over zone set {}, not this run's {}",
                saved.zone_set,
                self.zone_set()
            )));
        }
        if saved.settings != self.settings_text() {
            return Err(StateError::new(format!(
                "saved under other settings ({})",
                saved.settings
            )));
        }
        let tracks = Tracks::restore(saved.tracks).map_err(StateError::new)?;
        let mut rules = self.fresh_rules();
        rules.restore(&saved.rules)?;
        self.take_state(tracks, rules, saved.stats);
        Ok(())
    }

    /// The settings as the state names them.
    fn settings_text(&self) -> String {
        serde_json::Value::Object(self.settings().to_json()).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::*;
    use crate::PredictionSettings;
    use nofly_model::{Event, Icao24, Report, VerticalBand};

    /// Synthetic traffic that keeps every rule busy: three aircraft crossing the unit square
    /// eastbound at different speeds and starts, one squawking 7700 inside, one falling silent
    /// inside, one passing north of it.
    fn traffic() -> Vec<Report> {
        let mut all = Vec::new();
        for (k, (lon0, speed)) in [(-0.6, 420.0), (-0.3, 250.0), (-1.0, 480.0)]
            .into_iter()
            .enumerate()
        {
            for mut r in eastbound(60, lon0, speed) {
                r.icao = Icao24(0x100000 + k as u32);
                r.time.0 += k as i64 * 3_000;
                if k == 1 && r.time.0 > 300_000 {
                    continue; // silent from here on, inside
                }
                if k == 0 && (200_000..260_000).contains(&r.time.0) {
                    r.squawk = Some(0o7700);
                }
                if k == 2 {
                    r.position = r.position.map(|(lat, lon)| (lat + 0.52, lon));
                }
                all.push(r);
            }
        }
        all.sort_by_key(|r| r.time);
        all
    }

    fn engine() -> Engine {
        let zones = [square_zone("Z", VerticalBand::everything(), vec![])];
        Engine::new(&zones)
            .with_signal_loss(60_000)
            .with_closest_approach(5_000.0)
            .with_min_dwell(15_000)
            .with_prediction(PredictionSettings::default())
    }

    #[test]
    fn a_run_saved_and_restored_anywhere_raises_the_same_events() {
        let reports = traffic();
        let whole = run_to_end(engine(), &reports);
        let kinds: std::collections::BTreeSet<_> = whole.iter().map(|e| e.kind).collect();
        assert!(kinds.len() >= 5, "every rule at work: {kinds:?}");
        for cut in [0, 1, 17, 60, 95, reports.len() - 1, reports.len()] {
            let mut first = engine();
            let mut events: Vec<Event> = Vec::new();
            for r in &reports[..cut] {
                first.process(r, &mut |e| events.push(e));
            }
            let saved = first.save_state().unwrap();
            drop(first);
            let mut second = engine();
            second.restore_state(&saved).unwrap();
            events.extend(run_to_end(second, &reports[cut..]));
            assert_eq!(events, whole, "cut at report {cut}");
        }
    }

    #[test]
    fn a_state_is_refused_by_an_engine_of_other_zones_or_settings_or_a_used_one() {
        let reports = traffic();
        let mut first = engine();
        for r in &reports[..50] {
            first.process(r, &mut |_| {});
        }
        let saved = first.save_state().unwrap();
        let other_settings = engine().with_min_dwell(0);
        let other_zones = Engine::new(&[square_zone("Y", VerticalBand::everything(), vec![])]);
        for (mut e, why) in [
            (other_settings, "other settings"),
            (other_zones, "zone set"),
            (first, "only a new engine"),
        ] {
            let error = e.restore_state(&saved).unwrap_err().to_string();
            assert!(error.contains(why), "{error}");
        }
        let error = engine()
            .restore_state(&saved[..saved.len() / 2])
            .unwrap_err();
        assert!(
            error.to_string().contains("not a saved engine state"),
            "{error}"
        );
    }
}
