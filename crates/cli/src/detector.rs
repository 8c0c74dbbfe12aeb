//! The engine over the user's zones and, with `--gnss`, the live interference zones beside them:
//! what `replay`, `watch` and `demo` run on every report. Each event it passes on carries who the
//! aircraft is ([`nofly_aircraft::identify`]: the address's country and military block, and the
//! `--aircraft-db` record), its latest ground speed and emitter category: annotations the alert rules read, added
//! after the engine decided, which an evidence bundle keeps as logged.

use nofly_aircraft::AircraftDb;
use nofly_engine::{Engine, Settings};
use nofly_gnss::{CellState, CrossCheck, GnssSettings, InterferenceZones};
use nofly_model::{Event, PositionDispute, Report, SourceRef, Zone};
use nofly_zones::ZoneSet;
use rustc_hash::FxHashMap;
use std::sync::Arc;

/// The settings that decide what a run finds: the engine's, and the interference areas.
#[derive(Debug, Clone, Default)]
pub struct Detection {
    /// What the engine raises.
    pub engine: Settings,
    /// `--gnss`: live interference zones.
    pub gnss: Option<GnssDetection>,
    /// `--aircraft-db`: who the aircraft are.
    pub aircraft_db: Option<Arc<AircraftDb>>,
}

impl Detection {
    /// The aircraft database as a run records it: its format, hash and size.
    pub fn aircraft_db_json(&self) -> serde_json::Value {
        match &self.aircraft_db {
            Some(db) => serde_json::json!({
                "format": db.format.as_str(),
                "sha256": db.sha256,
                "aircraft": db.len(),
            }),
            None => serde_json::Value::Null,
        }
    }
}

/// `--gnss`: which cells become zones, at which resolution, over which window.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GnssDetection {
    /// The lowest state that raises a zone (SUSPECT or INTERFERENCE).
    pub raise_at: CellState,
    /// H3 resolution of the zones.
    pub resolution: h3o::Resolution,
    /// Window length, milliseconds.
    pub window_ms: i64,
}

impl GnssDetection {
    /// The settings as a run records them.
    pub fn settings_json(&self) -> serde_json::Value {
        serde_json::json!({
            "raise_at": self.raise_at,
            "resolution": u8::from(self.resolution),
            "window_s": self.window_ms as f64 / 1000.0,
        })
    }
}

/// The engine, the user's zones, and the interference areas when asked for.
pub struct Detector {
    engine: Engine,
    user_zones: Vec<Zone>,
    areas: Option<InterferenceZones>,
    last_source: SourceRef,
    annotator: Annotator,
}

/// How long after an aircraft's ADS-B position was disputed its events are marked, milliseconds.
const DISPUTE_MARKS_MS: i64 = 60_000;

/// What the detector adds to each event: who the aircraft is, how fast it last flew, the
/// emitter category it last sent, and whether its ADS-B position was lately disputed by
/// multilateration or radar.
#[derive(Default)]
struct Annotator {
    db: Option<Arc<AircraftDb>>,
    /// Keyed with FxHash, as the engine's tracks are: two inserts on every report, and SipHash
    /// made them 4 % of a one-core Parquet replay (perf, bench/RESULTS.md).
    ground_speed_kt: FxHashMap<u32, f32>,
    category: FxHashMap<u32, nofly_model::EmitterCategory>,
    /// Only for aircraft whose reports say where their positions came from.
    cross: FxHashMap<u32, CrossCheck>,
    disputes: FxHashMap<u32, PositionDispute>,
}

impl Annotator {
    fn observe(&mut self, r: &Report) {
        if r.position_source.is_some() {
            if let Some(d) = self.cross.entry(r.icao.0).or_default().observe(r) {
                self.disputes.insert(r.icao.0, d);
            }
        }
        if let Some(gs) = r.ground_speed_kt {
            self.ground_speed_kt.insert(r.icao.0, gs);
        }
        if let Some(c) = r.category {
            self.category.insert(r.icao.0, c);
        }
    }

    fn annotate(&self, mut event: Event) -> Event {
        if let Some(icao) = event.icao24 {
            let identity = nofly_aircraft::identify(icao.0, self.db.as_deref());
            event.aircraft = (!identity.is_empty()).then_some(identity);
            // Speeds are decoded in tenths of a knot at best: one decimal is all there is.
            event.gs_kt = self
                .ground_speed_kt
                .get(&icao.0)
                .map(|&gs| (f64::from(gs) * 10.0).round() / 10.0);
            event.category = self.category.get(&icao.0).copied();
            event.position_dispute = self.disputes.get(&icao.0).copied().filter(|d| {
                let since = event.time.millis() - d.at.millis();
                (0..=DISPUTE_MARKS_MS).contains(&since)
            });
        }
        event
    }
}

impl Detector {
    /// A detector over `zones` with these settings.
    pub fn new(detection: &Detection, zones: &[Zone]) -> Self {
        Detector {
            engine: Engine::with_settings(zones, detection.engine.clone()),
            user_zones: zones.to_vec(),
            areas: detection.gnss.map(|g| {
                InterferenceZones::new(
                    GnssSettings {
                        resolutions: vec![g.resolution],
                        window_ms: g.window_ms,
                        ..GnssSettings::default()
                    },
                    g.raise_at,
                )
            }),
            last_source: SourceRef::default(),
            annotator: Annotator {
                db: detection.aircraft_db.clone(),
                ..Annotator::default()
            },
        }
    }

    /// Judges one report (in event-time order); returns true when the interference zones changed
    /// before it was judged (their events come first, at the end of the window that decided them).
    pub fn process(&mut self, r: &Report, emit: &mut dyn FnMut(Event)) -> bool {
        self.last_source = r.source;
        self.annotator.observe(r);
        let changed = match self.areas.as_mut() {
            Some(areas) => areas.observe(r),
            None => false,
        };
        if changed {
            self.install_areas(emit);
        }
        let annotator = &self.annotator;
        self.engine
            .process(r, &mut |e: Event| emit(annotator.annotate(e)));
        changed
    }

    /// A report of an aircraft another detector owns (`--threads`): it only moves the clock.
    pub fn advance_clock(&mut self, r: &Report, emit: &mut dyn FnMut(Event)) {
        let annotator = &self.annotator;
        self.engine
            .advance_clock(r, &mut |e: Event| emit(annotator.annotate(e)));
    }

    /// The end of a replay: the last window closes, then the engine raises what is still open.
    pub fn finish(&mut self, emit: &mut dyn FnMut(Event)) {
        let last = self.last_source;
        if self.areas.as_mut().is_some_and(|a| a.finish(last)) {
            self.install_areas(emit);
        }
        let annotator = &self.annotator;
        self.engine
            .finish(&mut |e: Event| emit(annotator.annotate(e)));
    }

    /// What the detector remembers between two reports, for a replay's checkpoint: the engine's
    /// state, and each aircraft's latest speed, category and position cross-check the events are
    /// annotated with.
    /// Refused with `--gnss`, whose interference areas are not saved.
    pub fn save_state(&self) -> anyhow::Result<Vec<u8>> {
        anyhow::ensure!(
            self.areas.is_none(),
            "a replay with --gnss cannot be checkpointed: its interference areas are not saved"
        );
        let saved = SavedDetector {
            engine: self.engine.save_state()?,
            ground_speed_kt: by_address(&self.annotator.ground_speed_kt),
            category: by_address(&self.annotator.category),
            cross: by_address(&self.annotator.cross),
            disputes: by_address(&self.annotator.disputes),
            last_source: self.last_source,
        };
        Ok(postcard::to_allocvec(&saved)?)
    }

    /// Takes back what [`Detector::save_state`] gave into this new detector, made from the same
    /// zones and settings.
    pub fn restore_state(&mut self, bytes: &[u8]) -> anyhow::Result<()> {
        let saved: SavedDetector = postcard::from_bytes(bytes)
            .map_err(|e| anyhow::anyhow!("not a saved detector state ({e})"))?;
        self.engine.restore_state(&saved.engine)?;
        self.annotator.ground_speed_kt = saved.ground_speed_kt.into_iter().collect();
        self.annotator.category = saved.category.into_iter().collect();
        self.annotator.cross = saved.cross.into_iter().collect();
        self.annotator.disputes = saved.disputes.into_iter().collect();
        self.last_source = saved.last_source;
        Ok(())
    }

    /// Replaces the user's zones (a reload); the interference zones stay.
    pub fn replace_zones(&mut self, zones: &[Zone]) {
        self.user_zones = zones.to_vec();
        let all = self.all_zones();
        self.engine.replace_zones(&all);
    }

    /// The engine, for its counters and tracks.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The user's zone set followed by the current interference zones (for the map and the store).
    pub fn live_zone_set(&self, user: &ZoneSet) -> ZoneSet {
        match &self.areas {
            Some(areas) => with_zones(user, areas.definitions()),
            None => user.clone(),
        }
    }

    /// Every interference zone version made so far, with its definition.
    pub fn area_versions(&self) -> &[(Zone, String)] {
        self.areas.as_ref().map_or(&[], |a| a.versions.as_slice())
    }

    fn all_zones(&self) -> Vec<Zone> {
        let mut all = self.user_zones.clone();
        if let Some(areas) = &self.areas {
            all.extend(areas.zones().cloned());
        }
        all
    }

    fn install_areas(&mut self, emit: &mut dyn FnMut(Event)) {
        let all = self.all_zones();
        self.engine.replace_zones(&all);
        if let Some(areas) = self.areas.as_mut() {
            for e in areas.take_events(self.engine.zone_set()) {
                emit(e);
            }
        }
    }
}

/// A map's entries in address order (a saved state is the same bytes for the same state).
fn by_address<T: Copy>(map: &FxHashMap<u32, T>) -> Vec<(u32, T)> {
    let mut v: Vec<(u32, T)> = map.iter().map(|(k, v)| (*k, *v)).collect();
    v.sort_unstable_by_key(|(k, _)| *k);
    v
}

/// What [`Detector::save_state`] writes.
#[derive(serde::Serialize, serde::Deserialize)]
struct SavedDetector {
    engine: Vec<u8>,
    ground_speed_kt: Vec<(u32, f32)>,
    category: Vec<(u32, nofly_model::EmitterCategory)>,
    cross: Vec<(u32, CrossCheck)>,
    disputes: Vec<(u32, PositionDispute)>,
    last_source: SourceRef,
}

/// `user` followed by more zones and their definitions.
pub fn with_zones<'a>(user: &ZoneSet, more: impl Iterator<Item = (&'a Zone, &'a str)>) -> ZoneSet {
    let mut set = user.clone();
    for (zone, definition) in more {
        set.zones.push(zone.clone());
        set.definitions.push(definition.to_string());
    }
    set
}
