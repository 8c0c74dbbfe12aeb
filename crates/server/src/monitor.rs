//! What the server shows and counts: the zone layer, the aircraft, the events, and the broadcast
//! channel behind `/api/stream`. A live run feeds it report by report and ticks it every second; a
//! replay fills it once; a store is read into it.

use crate::tracks::{AircraftView, Tracks};
use crate::zone_layer::ZoneLayer;
use nofly_model::{Event, EventTime, Icao24, Report};
use nofly_zones::ZoneSet;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};
use tokio::sync::broadcast;

/// Messages kept for each `/api/stream` client before a client that does not read them is dropped.
pub const STREAM_BUFFER: usize = 1024;
/// Events a live run keeps in memory for `/api/events` (the oldest go first; the store keeps all).
pub const LIVE_EVENTS_KEPT: usize = 100_000;
/// A live aircraft disappears from the map this long after its last position.
const LIVE_FORGET_MS: i64 = 300_000;
/// Trail a live run keeps per aircraft.
const LIVE_TRAIL_MS: i64 = 600_000;

/// Where the data shown comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// A live feed: aircraft are where they were last reported.
    Live,
    /// A finished replay: aircraft are shown at a chosen time.
    Replay,
    /// Stored events only (`nofly serve`): no aircraft.
    Store,
}

/// One event as kept for the API: the fields it is searched by and its JSON text as written to
/// the events output.
#[derive(Debug, Clone)]
pub struct StoredEvent {
    /// Event id.
    pub id: String,
    /// Kind name (`enter`, …).
    pub kind: String,
    /// Event time, milliseconds.
    pub time_ms: i64,
    /// Zone id.
    pub zone_id: String,
    /// The event as one JSON object.
    pub json: String,
}

impl StoredEvent {
    /// From an engine event.
    pub fn from_event(e: &Event) -> Self {
        StoredEvent {
            id: e.id.clone(),
            kind: e.kind.as_str().to_string(),
            time_ms: e.time.millis(),
            zone_id: e.zone_id.clone(),
            json: serde_json::to_string(e).unwrap_or_default(),
        }
    }

    /// From an event's JSON text (as stored); `None` when a field the API needs is missing.
    pub fn from_json(json: &str) -> Option<Self> {
        let v: serde_json::Value = serde_json::from_str(json).ok()?;
        Some(StoredEvent {
            id: v["id"].as_str()?.to_string(),
            kind: v["kind"].as_str()?.to_string(),
            time_ms: v["time"].as_str()?.parse::<EventTime>().ok()?.millis(),
            zone_id: v["zone_id"].as_str()?.to_string(),
            json: json.to_string(),
        })
    }
}

/// A message on `/api/stream`: its SSE event name and JSON data.
#[derive(Debug, Clone)]
pub struct StreamMessage {
    /// `aircraft`, `event` or `status`.
    pub name: &'static str,
    /// JSON text.
    pub data: Arc<str>,
}

/// Counters behind `/metrics`.
#[derive(Debug, Default)]
pub struct Counters {
    /// Reports taken.
    pub reports: AtomicU64,
    /// Stream clients dropped because they did not keep up.
    pub stream_dropped: AtomicU64,
    /// Stream clients connected now.
    pub stream_clients: AtomicU64,
    /// Events no longer held in memory (live runs keep the last [`LIVE_EVENTS_KEPT`]).
    pub events_evicted: AtomicU64,
    /// HTTP requests answered.
    pub requests: AtomicU64,
}

pub(crate) struct State {
    pub zones: ZoneLayer,
    pub tracks: Tracks,
    pub events: VecDeque<StoredEvent>,
    pub events_by_kind: BTreeMap<String, u64>,
    /// Latest event time seen in the data.
    pub latest: Option<EventTime>,
    /// Wall-clock milliseconds when `latest` was seen (for the lag of live runs).
    pub latest_seen_wall_ms: Option<i64>,
    changed: BTreeSet<Icao24>,
    reports_at_tick: u64,
    /// Reports per second over the last tick.
    pub report_rate: f64,
}

/// The shared state of one server.
pub struct Monitor {
    mode: Mode,
    state: RwLock<State>,
    stream: broadcast::Sender<StreamMessage>,
    /// Counters for `/metrics`.
    pub counters: Counters,
}

/// A lag-and-rate snapshot, sent on the stream every second and shown as the map's badge.
#[derive(Debug, Clone, Serialize)]
pub struct Status {
    /// Live, replay or store.
    pub mode: Mode,
    /// Latest event time in the data.
    pub latest: Option<EventTime>,
    /// Wall clock minus the latest event time, seconds (live runs).
    pub lag_s: Option<f64>,
    /// Reports per second over the last second.
    pub reports_per_s: f64,
    /// Aircraft shown.
    pub aircraft: usize,
    /// Events so far.
    pub events: u64,
}

impl Monitor {
    /// An empty monitor over `zones`.
    pub fn new(mode: Mode, zones: &ZoneSet) -> Arc<Self> {
        let (stream, _) = broadcast::channel(STREAM_BUFFER);
        Arc::new(Monitor {
            mode,
            state: RwLock::new(State {
                zones: ZoneLayer::new(zones),
                tracks: Tracks::default(),
                events: VecDeque::new(),
                events_by_kind: BTreeMap::new(),
                latest: None,
                latest_seen_wall_ms: None,
                changed: BTreeSet::new(),
                reports_at_tick: 0,
                report_rate: 0.0,
            }),
            stream,
            counters: Counters::default(),
        })
    }

    /// A finished replay: every report's position and every event.
    pub fn replay(zones: &ZoneSet, reports: &[Report], events: &[Event]) -> Arc<Self> {
        let monitor = Monitor::new(Mode::Replay, zones);
        {
            let mut s = monitor.write();
            for r in reports {
                s.tracks.observe(r);
            }
            s.latest = s.tracks.span().map(|(_, last)| last);
        }
        monitor
            .counters
            .reports
            .store(reports.len() as u64, Ordering::Relaxed);
        for e in events {
            monitor.add_event(StoredEvent::from_event(e));
        }
        monitor
    }

    /// Where the data comes from.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    pub(crate) fn read(&self) -> RwLockReadGuard<'_, State> {
        self.state
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, State> {
        self.state
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// A new receiver of the stream.
    pub fn subscribe(&self) -> broadcast::Receiver<StreamMessage> {
        self.stream.subscribe()
    }

    /// Takes one live report.
    pub fn observe(&self, r: &Report) {
        self.counters.reports.fetch_add(1, Ordering::Relaxed);
        let mut s = self.write();
        if s.tracks.observe(r) {
            s.changed.insert(r.icao);
        }
        if s.latest.is_none_or(|l| r.time > l) {
            s.latest = Some(r.time);
            s.latest_seen_wall_ms = Some(wall_ms());
        }
    }

    /// Takes one event and sends it to the stream.
    pub fn publish(&self, e: &Event) {
        let stored = StoredEvent::from_event(e);
        let data: Arc<str> = Arc::from(stored.json.as_str());
        self.add_event(stored);
        // No receiver is not an error: nobody has the map open.
        let _ = self.stream.send(StreamMessage {
            name: "event",
            data,
        });
    }

    /// Adds an event without streaming it (stores and replays).
    pub fn add_event(&self, e: StoredEvent) {
        let mut s = self.write();
        *s.events_by_kind.entry(e.kind.clone()).or_default() += 1;
        s.events.push_back(e);
        if self.mode == Mode::Live && s.events.len() > LIVE_EVENTS_KEPT {
            s.events.pop_front();
            self.counters.events_evicted.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Replaces the zone set shown.
    pub fn set_zones(&self, zones: &ZoneSet) {
        self.write().zones = ZoneLayer::new(zones);
        let _ = self.stream.send(StreamMessage {
            name: "zones",
            data: Arc::from(format!("{{\"zone_set\":\"{}\"}}", zones.content_hash())),
        });
    }

    /// Once a second in live runs: streams the aircraft that moved, forgets those gone, measures
    /// the report rate and streams the status.
    pub fn tick(&self, seconds: f64) {
        let moved = {
            let mut s = self.write();
            let reports = self.counters.reports.load(Ordering::Relaxed);
            s.report_rate = (reports - s.reports_at_tick) as f64 / seconds.max(1e-3);
            s.reports_at_tick = reports;
            if let Some(latest) = s.latest {
                s.tracks.forget_older(
                    EventTime::from_millis(latest.millis() - LIVE_FORGET_MS),
                    LIVE_TRAIL_MS,
                );
            }
            let changed = std::mem::take(&mut s.changed);
            s.tracks.latest_of(changed, LIVE_TRAIL_MS)
        };
        if !moved.is_empty() {
            self.send_json("aircraft", &moved);
        }
        self.send_json("status", &self.status());
    }

    fn send_json<T: Serialize>(&self, name: &'static str, value: &T) {
        if let Ok(text) = serde_json::to_string(value) {
            let _ = self.stream.send(StreamMessage {
                name,
                data: Arc::from(text),
            });
        }
    }

    /// The current status.
    pub fn status(&self) -> Status {
        let s = self.read();
        let lag_s = match (self.mode, s.latest, s.latest_seen_wall_ms) {
            (Mode::Live, Some(latest), Some(_)) => {
                Some((wall_ms() - latest.millis()) as f64 / 1000.0)
            }
            _ => None,
        };
        Status {
            mode: self.mode,
            latest: s.latest,
            lag_s,
            reports_per_s: s.report_rate,
            aircraft: s.tracks.len(),
            events: s.events_by_kind.values().sum(),
        }
    }

    /// The altitude profile of `icao`: `(time ms, feet)` of every position held.
    pub fn profile(&self, icao: nofly_model::Icao24) -> Option<Vec<(i64, Option<f32>)>> {
        self.read().tracks.profile(icao)
    }

    /// Aircraft: live runs where they were last reported, replays where they were at `at`
    /// (default: the end of the data).
    pub fn aircraft(&self, at: Option<EventTime>, trail_ms: i64) -> Vec<AircraftView> {
        let s = self.read();
        match (self.mode, at.or(s.latest)) {
            (Mode::Replay, Some(at)) => s.tracks.at(at, trail_ms),
            (Mode::Replay | Mode::Store, None) | (Mode::Store, Some(_)) => Vec::new(),
            (Mode::Live, _) => s.tracks.latest(trail_ms),
        }
    }
}

pub(crate) fn wall_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}
