//! Per-aircraft state and the ENTER/EXIT rules.

use crate::prediction::{first_entry, Predicted, PredictionSettings, Velocity};
use nofly_model::integrity::{is_degraded, IntegrityThresholds};
use nofly_model::{
    zone_set_hash, Altitude, AltitudeMode, Callsign, Event, EventKind, EventTime, Exemptions,
    Icao24, PredictedPoint, Report, SourceRef, Zone,
};
use nofly_spatial::{NearIndex, ZoneIndex};
use rustc_hash::FxHashMap;

/// What the engine remembers of one aircraft.
#[derive(Debug, Clone, Default)]
pub struct Track {
    /// Latest callsign seen.
    pub callsign: Option<Callsign>,
    /// Time of the first report.
    pub first_seen: EventTime,
    /// Time of the latest report.
    pub last_seen: EventTime,
    /// Reports received.
    pub reports: u64,
    /// Reports with a position (the ones judged against zones).
    pub positions: u64,
    /// Events raised for this aircraft.
    pub events: u64,
    /// Indices of the zones the aircraft was inside at its latest position, sorted.
    inside: Vec<u32>,
    /// Time of the latest event and a hash of the zone of the first event at that instant (the
    /// zones of the others are in [`Alerting::instant_zones`]), for unique ids.
    last_event: (EventTime, u32),
    /// The latest Mode A code heard.
    squawk: Option<u16>,
    /// The latest emergency status declared (ADS-B, SBS flag).
    emergency_status: bool,
    /// What only the alerting options need, allocated for an aircraft the first time one does:
    /// most aircraft never need it, and the engine's memory and speed with many aircraft depend
    /// on the size of this struct (100,000 aircraft: 159 bytes of memory each and 6.5 M reports/s
    /// with it boxed, 505 bytes and 4.3 M reports/s with its fields inline).
    alerting: Option<Box<Alerting>>,
}

/// Per-aircraft state of predictions, signal loss, emergencies, dwell and closest approaches.
#[derive(Debug, Clone, Default)]
struct Alerting {
    /// The latest velocity reported (for predictions).
    velocity: Option<Velocity>,
    /// The latest barometric and geometric altitudes reported (for predictions).
    altitudes: (Option<f64>, Option<f64>),
    /// The entry currently predicted, if any.
    prediction: Option<Predicted>,
    /// The latest position report, as events name it (for signal loss).
    last_fix: Option<Occasion>,
    /// When the signal counts as lost if nothing is heard (only while inside a zone).
    deadline: Option<EventTime>,
    /// The signal was lost inside the zones of `inside`.
    lost: bool,
    /// Zones an EMERGENCY was raised for during the current emergency.
    emergency_zones: Vec<u32>,
    /// Entries and exits waiting for `--min-dwell` to pass.
    pending: Vec<Pending>,
    /// Zones the aircraft is passing near, with its closest report so far.
    approaches: Vec<Approach>,
    /// Zones entered during the current pass near them: no closest approach until it is over.
    entered_on_pass: Vec<u32>,
    /// Hashes of the zones of the second and later events at the instant of `Track::last_event`.
    instant_zones: Vec<u32>,
}

/// The alerting state of an aircraft that has none.
static NO_ALERTING: Alerting = Alerting {
    velocity: None,
    altitudes: (None, None),
    prediction: None,
    last_fix: None,
    deadline: None,
    lost: false,
    emergency_zones: Vec::new(),
    pending: Vec::new(),
    approaches: Vec::new(),
    entered_on_pass: Vec::new(),
    instant_zones: Vec::new(),
};

impl Track {
    /// The aircraft's alerting state, to read.
    fn alerts(&self) -> &Alerting {
        self.alerting.as_deref().unwrap_or(&NO_ALERTING)
    }

    /// The aircraft's alerting state, to change (allocated the first time).
    fn alerts_mut(&mut self) -> &mut Alerting {
        self.alerting.get_or_insert_with(Box::default)
    }
}

/// An aircraft near a zone it is not inside: the closest it has come so far.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Approach {
    zone: u32,
    distance_m: f64,
    at: Occasion,
}

/// An entry or exit seen but not yet confirmed by the minimum dwell time.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Pending {
    zone: u32,
    entering: bool,
    /// The first report on the new side of the boundary: the event's time and place if confirmed.
    since: Occasion,
}

/// Counters over a whole run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EngineStats {
    /// Reports processed.
    pub reports: u64,
    /// Reports with a position.
    pub positions: u64,
    /// Reports older than the aircraft's latest one, dropped (only live feeds produce them).
    pub late: u64,
    /// Events emitted.
    pub events: u64,
}

/// When, where and from which record an event happens: the report that causes it or, for a lost
/// signal, the aircraft's last position report.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Occasion {
    time: EventTime,
    icao: Icao24,
    lat: f64,
    lon: f64,
    alt_ft: Option<f64>,
    on_ground: bool,
    /// The position's NIC and NACp, when its source gave them.
    nic: Option<u8>,
    nacp: Option<u8>,
    source: SourceRef,
}

/// An event of `track` about `zone`, numbered among the aircraft's events at the same instant.
#[allow(clippy::too_many_arguments)] // every argument is a different part of the event
fn new_event(
    kind: EventKind,
    at: &Occasion,
    zone: &Zone,
    zone_set: &str,
    track: &mut Track,
    alt_unknown: bool,
    predicted: Option<PredictedPoint>,
    global: &Exemptions,
) -> Event {
    track.events += 1;
    let callsign = track.callsign.map(|c| c.to_string());
    let exempt = [global, &zone.exempt]
        .iter()
        .any(|e| e.covers(at.icao, callsign.as_deref(), track.squawk));
    // Numbered among the aircraft's earlier events in the same zone at the same millisecond: an
    // event's id then depends on that zone alone, and an evidence bundle (which holds one zone)
    // re-creates it.
    let zone_key = zone_hash(&zone.id);
    let same_instant = if track.last_event.0 == at.time && track.events > 1 {
        let earlier = u32::from(track.last_event.1 == zone_key)
            + track
                .alerts()
                .instant_zones
                .iter()
                .filter(|&&z| z == zone_key)
                .count() as u32;
        track.alerts_mut().instant_zones.push(zone_key);
        earlier
    } else {
        if let Some(a) = track.alerting.as_mut() {
            a.instant_zones.clear();
        }
        track.last_event = (at.time, zone_key);
        0
    };
    Event {
        id: Event::derive_id(
            kind,
            at.time,
            Some(at.icao),
            &zone.id,
            &zone.version,
            same_instant,
        ),
        kind,
        time: at.time,
        icao24: Some(at.icao),
        callsign: track.callsign,
        zone_id: zone.id.clone(),
        zone_name: zone.name.clone(),
        zone_version: zone.version.clone(),
        zone_set: zone_set.to_string(),
        lat: at.lat,
        lon: at.lon,
        alt_ft: at.alt_ft,
        alt_unknown,
        on_ground: at.on_ground,
        source: at.source,
        predicted,
        exempt,
        distance_m: None,
        squawk: None,
        nic: at.nic,
        nacp: at.nacp,
        degraded: is_degraded(at.nic, at.nacp, IntegrityThresholds::default()) == Some(true),
        cell: None,
        same_instant,
    }
}

/// A 32-bit hash of a zone id (FNV-1a), to tell zones apart in [`Track::last_event`] without
/// keeping the id.
fn zone_hash(id: &str) -> u32 {
    id.bytes().fold(0x811c_9dc5, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

/// Whether a Mode A code is an emergency: 7500 (unlawful interference), 7600 (radio failure),
/// 7700 (general emergency).
fn is_emergency(code: u16) -> bool {
    matches!(code, 0o7500 | 0o7600 | 0o7700)
}

/// The detection engine over a set of zones that can be replaced while it runs.
pub struct Engine {
    /// The current zones, then the retired ones some aircraft were still inside when the set was
    /// replaced (never candidates: their EXIT comes with the aircraft's next position).
    zones: Vec<Zone>,
    /// How many of `zones` are current (and indexed).
    current: usize,
    /// The current set's hash, named by every event.
    zone_set: String,
    index: ZoneIndex,
    /// Keyed with FxHash: SipHash's flood resistance buys nothing for 24-bit keys from the data,
    /// and the lookup is on every report (measured: see bench/README.md).
    tracks: FxHashMap<Icao24, Track>,
    inside_now: Vec<u32>,
    altitude_mode: AltitudeMode,
    prediction: Option<PredictionSettings>,
    /// `--lost-after`, milliseconds.
    lost_after_ms: Option<i64>,
    /// Aircraft exempt from every zone.
    exemptions: Exemptions,
    /// `--min-dwell`, milliseconds: how long a change of side must last to count.
    min_dwell_ms: i64,
    /// `--approach-within`, metres: closest approaches tracked within this distance of zones.
    approach_m: Option<f64>,
    /// `--boundary-buffer`, metres: how far past a boundary an entry or exit must go.
    boundary_buffer_m: f64,
    /// Scratch list of zones near a report.
    near: Vec<u32>,
    /// The zones' boxes widened by the closest-approach distance.
    near_index: Option<NearIndex>,
    /// The latest event time seen from any aircraft: the clock signal loss is judged by.
    clock: EventTime,
    /// Signal-loss deadlines of the aircraft inside zones, earliest first.
    deadlines: std::collections::BTreeSet<(EventTime, Icao24)>,
    stats: EngineStats,
}

impl Engine {
    /// An engine judging reports against `zones` (the index is built here).
    pub fn new(zones: &[Zone]) -> Self {
        Engine {
            zones: zones.to_vec(),
            current: zones.len(),
            zone_set: zone_set_hash(zones),
            index: ZoneIndex::new(zones),
            tracks: FxHashMap::default(),
            inside_now: Vec::new(),
            altitude_mode: AltitudeMode::default(),
            prediction: None,
            lost_after_ms: None,
            exemptions: Exemptions::default(),
            min_dwell_ms: 0,
            approach_m: None,
            boundary_buffer_m: 0.0,
            near: Vec::new(),
            near_index: None,
            clock: EventTime::default(),
            deadlines: std::collections::BTreeSet::new(),
            stats: EngineStats::default(),
        }
    }

    /// Hysteresis: an entry (or exit) counts only once the aircraft has stayed on the new side of
    /// the boundary for `min_dwell_ms`, as seen at a later report; the event then carries the time
    /// and place of the first report on that side. Zero keeps the exact geometric answer.
    pub fn with_min_dwell(mut self, min_dwell_ms: i64) -> Self {
        self.min_dwell_ms = min_dwell_ms.max(0);
        self
    }

    /// Hysteresis in space: an aircraft enters a zone only once it is more than `metres` inside
    /// the boundary, and leaves only once it is more than `metres` outside (horizontally; the
    /// vertical band is not buffered). Zero keeps the exact geometric answer.
    pub fn with_boundary_buffer(mut self, metres: f64) -> Self {
        self.boundary_buffer_m = metres.max(0.0);
        self
    }

    /// Turns on CLOSEST_APPROACH events for aircraft passing within `metres` of a zone (active,
    /// in its band) without entering it.
    pub fn with_closest_approach(mut self, metres: f64) -> Self {
        self.approach_m = Some(metres);
        self.near_index = Some(NearIndex::new(&self.index, metres));
        self
    }

    /// Marks the events of these aircraft exempt, in every zone (zones may exempt more).
    pub fn with_exemptions(mut self, exemptions: Exemptions) -> Self {
        self.exemptions = exemptions;
        self
    }

    /// Turns on SIGNAL_LOST and SIGNAL_REGAINED events: an aircraft inside a zone that is not
    /// heard for `lost_after_ms` of event time (the latest time of anyone's reports).
    pub fn with_signal_loss(mut self, lost_after_ms: i64) -> Self {
        self.lost_after_ms = Some(lost_after_ms);
        self
    }

    /// Reports SIGNAL_LOST for every aircraft still inside a zone at the end of a recording, at its
    /// last report's time plus the timeout. Call once after the last report of a replay.
    pub fn finish(&mut self, emit: &mut dyn FnMut(Event)) {
        self.expire(None, emit);
        let mut icaos: Vec<Icao24> = self.tracks.keys().copied().collect();
        icaos.sort_unstable();
        for icao in icaos {
            let Some(track) = self.tracks.get_mut(&icao) else {
                continue;
            };
            let open = track
                .alerting
                .as_mut()
                .map(|a| std::mem::take(&mut a.approaches));
            for a in open.unwrap_or_default() {
                let zone = &self.zones[a.zone as usize];
                let mut e = new_event(
                    EventKind::ClosestApproach,
                    &a.at,
                    zone,
                    &self.zone_set,
                    track,
                    false,
                    None,
                    &self.exemptions,
                );
                e.distance_m = Some(a.distance_m);
                emit(e);
                self.stats.events += 1;
            }
        }
    }

    /// SIGNAL_LOST for the aircraft whose deadline is before `now` (all of them when `None`), in
    /// deadline then address order.
    fn expire(&mut self, now: Option<EventTime>, emit: &mut dyn FnMut(Event)) {
        while let Some(&(deadline, icao)) = self.deadlines.first() {
            if now.is_some_and(|now| deadline >= now) {
                break;
            }
            self.deadlines.pop_first();
            let Some(track) = self.tracks.get_mut(&icao) else {
                continue;
            };
            track.alerts_mut().deadline = None;
            track.alerts_mut().lost = true;
            let Some(fix) = track.alerts_mut().last_fix else {
                continue;
            };
            let at = Occasion {
                time: deadline,
                ..fix
            };
            self.raise_for_stays(EventKind::SignalLost, icao, &at, emit);
        }
    }

    /// One event of `kind` for each zone the aircraft is inside, at `at`.
    fn raise_for_stays(
        &mut self,
        kind: EventKind,
        icao: Icao24,
        at: &Occasion,
        emit: &mut dyn FnMut(Event),
    ) {
        let Some(track) = self.tracks.get_mut(&icao) else {
            return;
        };
        for z in track.inside.clone() {
            let zone = &self.zones[z as usize];
            emit(new_event(
                kind,
                at,
                zone,
                &self.zone_set,
                track,
                false,
                None,
                &self.exemptions,
            ));
            self.stats.events += 1;
        }
    }

    /// Keeps the aircraft's signal-loss deadline in step with its last report and whether it is
    /// inside a zone.
    fn refresh_deadline(&mut self, icao: Icao24) {
        let Some(lost_after) = self.lost_after_ms else {
            return;
        };
        let Some(track) = self.tracks.get_mut(&icao) else {
            return;
        };
        if let Some(old) = track.alerting.as_mut().and_then(|a| a.deadline.take()) {
            self.deadlines.remove(&(old, icao));
        }
        if !track.inside.is_empty() && !track.alerts().lost {
            let deadline = EventTime::from_millis(track.last_seen.millis() + lost_after);
            track.alerts_mut().deadline = Some(deadline);
            self.deadlines.insert((deadline, icao));
        }
    }

    /// Turns on predicted entries (PREDICTED_ENTRY and PREDICTION_CLEARED events).
    pub fn with_prediction(mut self, settings: PredictionSettings) -> Self {
        self.prediction = Some(settings);
        self
    }

    /// Chooses which altitude height limits are compared with (barometric by default).
    pub fn with_altitude_mode(mut self, mode: AltitudeMode) -> Self {
        self.altitude_mode = mode;
        self
    }

    /// Processes one report and calls `emit` for each event it causes: first EXITs, then ENTERs,
    /// each in zone order. Reports must come in event-time order per aircraft; an older one is
    /// counted as late and ignored.
    pub fn process(&mut self, report: &Report, emit: &mut dyn FnMut(Event)) {
        if self.lost_after_ms.is_some() {
            self.process_watching_signal(report, emit);
        } else {
            self.process_report(report, emit);
        }
    }

    /// [`Engine::process`] with signal-loss events around it.
    fn process_watching_signal(&mut self, report: &Report, emit: &mut dyn FnMut(Event)) {
        if report.time > self.clock {
            self.clock = report.time;
            self.expire(Some(self.clock), emit);
        }
        if let Some(track) = self.tracks.get_mut(&report.icao) {
            if track.alerts().lost && report.time >= track.last_seen {
                track.alerts_mut().lost = false;
                if let Some(fix) = track.alerts_mut().last_fix {
                    let at = Occasion {
                        time: report.time,
                        lat: report.position.map_or(fix.lat, |p| p.0),
                        lon: report.position.map_or(fix.lon, |p| p.1),
                        alt_ft: report.alt_baro_ft,
                        nic: report.position.map_or(fix.nic, |_| report.nic),
                        nacp: report.position.map_or(fix.nacp, |_| report.nacp),
                        source: report.source,
                        ..fix
                    };
                    self.raise_for_stays(EventKind::SignalRegained, report.icao, &at, emit);
                }
            }
        }
        self.process_report(report, emit);
        self.refresh_deadline(report.icao);
    }

    fn process_report(&mut self, report: &Report, emit: &mut dyn FnMut(Event)) {
        self.stats.reports += 1;
        let track = self.tracks.entry(report.icao).or_insert_with(|| Track {
            first_seen: report.time,
            ..Track::default()
        });
        if report.time < track.last_seen {
            self.stats.late += 1;
            return;
        }
        track.last_seen = report.time;
        track.reports += 1;
        if report.callsign.is_some() {
            track.callsign = report.callsign;
        }
        if let (Some(gs), Some(trk)) = (report.ground_speed_kt, report.track_deg) {
            if self.prediction.is_some() {
                track.alerts_mut().velocity = Some(Velocity {
                    time: report.time,
                    ground_speed_kt: gs,
                    track_deg: trk,
                    vertical_rate_fpm: report.vertical_rate_fpm.unwrap_or(0.0),
                });
            }
        }
        if report.alt_baro_ft.is_some() && self.prediction.is_some() {
            track.alerts_mut().altitudes.0 = report.alt_baro_ft;
        }
        if report.squawk.is_some() || report.emergency.is_some() {
            track.squawk = report.squawk.or(track.squawk);
            track.emergency_status = report.emergency.unwrap_or(track.emergency_status);
            if !track.squawk.is_some_and(is_emergency) && !track.emergency_status {
                if let Some(a) = track.alerting.as_mut() {
                    a.emergency_zones.clear();
                }
            }
        }
        if report.alt_geo_ft.is_some() && self.prediction.is_some() {
            track.alerts_mut().altitudes.1 = report.alt_geo_ft;
        }
        let Some((lat, lon)) = report.position else {
            return;
        };
        track.positions += 1;
        self.stats.positions += 1;
        let occasion = Occasion {
            time: report.time,
            icao: report.icao,
            lat,
            lon,
            alt_ft: report.alt_baro_ft,
            on_ground: report.on_ground == Some(true),
            nic: report.nic,
            nacp: report.nacp,
            source: report.source,
        };
        if self.lost_after_ms.is_some() {
            track.alerts_mut().last_fix = Some(occasion);
        }

        let altitude = Altitude {
            on_ground: report.on_ground == Some(true),
            baro_ft: report.alt_baro_ft,
            geo_ft: report.alt_geo_ft,
        };
        let mode = self.altitude_mode;
        self.inside_now.clear();
        for &c in self.index.candidates(lat, lon) {
            let zone = &self.zones[c.zone() as usize];
            if zone.is_active(report.time)
                && zone.band.contains(&altitude, mode)
                && self.index.candidate_contains(c, lat, lon)
            {
                self.inside_now.push(c.zone());
            }
        }
        if self.boundary_buffer_m > 0.0 {
            let buffer = self.boundary_buffer_m;
            let mut held: Vec<u32> = self
                .inside_now
                .iter()
                .copied()
                .filter(|z| {
                    track.inside.binary_search(z).is_ok()
                        || self
                            .index
                            .boundary_distance_m(*z, lat, lon, buffer)
                            .is_none()
                })
                .collect();
            for &z in &track.inside {
                let current = (z as usize) < self.current;
                if current && self.inside_now.binary_search(&z).is_err() {
                    let zone = &self.zones[z as usize];
                    if zone.is_active(report.time)
                        && zone.band.contains(&altitude, mode)
                        && self.index.distance_outside_m(z, lat, lon, buffer).is_some()
                    {
                        held.push(z);
                    }
                }
            }
            held.sort_unstable();
            self.inside_now = held;
        }
        // Compared element by element: `==` on the slices calls libc's memcmp, which measured as
        // more than half of the engine's time for these zero- to few-element lists.
        let unchanged = self.inside_now.len() == track.inside.len()
            && self
                .inside_now
                .iter()
                .zip(&track.inside)
                .all(|(a, b)| a == b);
        let prediction = self.prediction.map(|settings| {
            let velocity = track.alerts().velocity?;
            let now = Altitude {
                on_ground: altitude.on_ground,
                baro_ft: track.alerts().altitudes.0,
                geo_ft: track.alerts().altitudes.1,
            };
            let current = &self.zones[..self.current];
            first_entry(
                &settings,
                &self.index,
                current,
                &self.inside_now,
                report.time,
                (lat, lon),
                &now,
                &velocity,
                mode,
            )
        });
        // Declared by the code (kept on the event) or by the emergency status alone.
        let emergency: Option<Option<u16>> = match track.squawk.filter(|c| is_emergency(*c)) {
            Some(code) => Some(Some(code)),
            None => track.emergency_status.then_some(None),
        };
        let emergency_pending = emergency.is_some_and(|_| {
            let predicted = prediction.flatten().map(|p| p.zone);
            self.inside_now
                .iter()
                .copied()
                .chain(predicted)
                .any(|z| !track.alerts().emergency_zones.contains(&z))
        });
        if unchanged
            && prediction.is_none()
            && !emergency_pending
            && track.alerts().pending.is_empty()
            && self.approach_m.is_none()
        {
            return;
        }
        let zones = &self.zones;
        let zone_set = &self.zone_set;
        let exemptions = &self.exemptions;
        let mut raise_at = |kind: EventKind,
                            z: u32,
                            track: &mut Track,
                            at: &Occasion,
                            predicted: Option<PredictedPoint>,
                            squawk: Option<u16>| {
            let zone = &zones[z as usize];
            let unknown = zone.band.lacks_altitude(&altitude, mode);
            let mut event = new_event(
                kind, at, zone, zone_set, track, unknown, predicted, exemptions,
            );
            event.squawk = squawk.map(|c| format!("{c:04o}"));
            emit(event);
        };
        let mut raised = 0;
        if unchanged {
            if let Some(a) = track.alerting.as_mut() {
                a.pending.clear();
            }
        } else if self.min_dwell_ms > 0 {
            let now = &self.inside_now;
            // A change of side that did not last is forgotten.
            track
                .alerts_mut()
                .pending
                .retain(|p| p.entering == now.binary_search(&p.zone).is_ok());
            let mut confirmed = track.inside.clone();
            let exits = track
                .inside
                .iter()
                .filter(|z| now.binary_search(z).is_err());
            let enters = now
                .iter()
                .filter(|z| track.inside.binary_search(z).is_err());
            let changes: Vec<(u32, bool)> = exits
                .map(|z| (*z, false))
                .chain(enters.map(|z| (*z, true)))
                .collect();
            for (z, entering) in changes {
                match track.alerts().pending.iter().position(|p| p.zone == z) {
                    None => track.alerts_mut().pending.push(Pending {
                        zone: z,
                        entering,
                        since: occasion,
                    }),
                    Some(i)
                        if occasion.time.millis()
                            - track.alerts().pending[i].since.time.millis()
                            >= self.min_dwell_ms =>
                    {
                        let p = track.alerts_mut().pending.remove(i);
                        let kind = if entering {
                            EventKind::Enter
                        } else {
                            EventKind::Exit
                        };
                        raise_at(kind, z, track, &p.since, None, None);
                        raised += 1;
                        if entering {
                            confirmed.push(z);
                        } else {
                            confirmed.retain(|c| *c != z);
                        }
                    }
                    Some(_) => {}
                }
            }
            confirmed.sort_unstable();
            track.inside = confirmed;
        } else {
            let before = std::mem::take(&mut track.inside);
            for &z in before
                .iter()
                .filter(|z| self.inside_now.binary_search(z).is_err())
            {
                raise_at(EventKind::Exit, z, track, &occasion, None, None);
                raised += 1;
            }
            for &z in self
                .inside_now
                .iter()
                .filter(|z| before.binary_search(z).is_err())
            {
                raise_at(EventKind::Enter, z, track, &occasion, None, None);
                raised += 1;
            }
            track.inside.clone_from(&self.inside_now);
        }
        if let (Some(new), Some(settings)) = (prediction, self.prediction) {
            let point = |p: &Predicted| PredictedPoint {
                predicted_time: p.time,
                predicted_lat: p.lat,
                predicted_lon: p.lon,
            };
            // What changes: the earlier announcement cleared (unless the aircraft moved into its
            // zone, whose ENTER fulfils it), a new one announced, and the one that stands.
            let fulfilled = |old: &Predicted| self.inside_now.binary_search(&old.zone).is_ok();
            let (cleared, announced, standing) = match (track.alerts().prediction, new) {
                // Not a material change: the earlier announcement stands.
                (Some(old), Some(n))
                    if old.zone == n.zone
                        && (n.time.millis() - old.time.millis()).abs()
                            <= settings.min_change_ms =>
                {
                    (None, None, Some(old))
                }
                (Some(old), n) => {
                    let moved = n.is_none_or(|n| n.zone != old.zone);
                    ((moved && !fulfilled(&old)).then_some(old.zone), n, n)
                }
                (None, n) => (None, n, n),
            };
            if let Some(z) = cleared {
                raise_at(
                    EventKind::PredictionCleared,
                    z,
                    track,
                    &occasion,
                    None,
                    None,
                );
                raised += 1;
            }
            if let Some(n) = announced {
                let at = Some(point(&n));
                raise_at(
                    EventKind::PredictedEntry,
                    n.zone,
                    track,
                    &occasion,
                    at,
                    None,
                );
                raised += 1;
            }
            track.alerts_mut().prediction = standing;
        }
        if let (Some(code), true) = (emergency, emergency_pending) {
            let predicted = prediction.flatten().map(|p| p.zone);
            let targets: Vec<u32> = self.inside_now.iter().copied().chain(predicted).collect();
            for z in targets {
                if !track.alerts().emergency_zones.contains(&z) {
                    track.alerts_mut().emergency_zones.push(z);
                    raise_at(EventKind::Emergency, z, track, &occasion, None, code);
                    raised += 1;
                }
            }
        }
        if let Some(within) = self.approach_m {
            self.near.clear();
            if let Some(near) = &self.near_index {
                self.near
                    .extend(near.near(lat, lon).iter().map(|c| c.zone()));
            }
            let mut closest = Vec::new();
            for &z in &self.near {
                let zone = &zones[z as usize];
                let inside = self.inside_now.binary_search(&z).is_ok();
                if inside && !track.alerts().entered_on_pass.contains(&z) {
                    track.alerts_mut().entered_on_pass.push(z);
                }
                let near = if inside || track.alerts().entered_on_pass.contains(&z) {
                    None
                } else if zone.is_active(report.time) && zone.band.contains(&altitude, mode) {
                    self.index.distance_outside_m(z, lat, lon, within)
                } else {
                    None
                };
                let slot = track.alerts().approaches.iter().position(|a| a.zone == z);
                match (near, slot) {
                    (Some(d), Some(i)) if d < track.alerts().approaches[i].distance_m => {
                        track.alerts_mut().approaches[i] = Approach {
                            zone: z,
                            distance_m: d,
                            at: occasion,
                        };
                    }
                    (Some(_), Some(_)) => {}
                    (Some(d), None) => track.alerts_mut().approaches.push(Approach {
                        zone: z,
                        distance_m: d,
                        at: occasion,
                    }),
                    // Entered, out of the band, inactive or moved beyond the distance.
                    (None, Some(i)) => {
                        let a = track.alerts_mut().approaches.remove(i);
                        if !track.alerts().entered_on_pass.contains(&z) {
                            closest.push(a);
                        }
                    }
                    (None, None) => {}
                }
            }
            // Zones left behind entirely (no longer even near their boxes): the pass is over.
            let near = &self.near;
            track
                .alerts_mut()
                .entered_on_pass
                .retain(|z| near.binary_search(z).is_ok());
            let (far, kept): (Vec<Approach>, Vec<Approach>) = track
                .alerts()
                .approaches
                .iter()
                .partition(|a| near.binary_search(&a.zone).is_err());
            track.alerts_mut().approaches = kept;
            closest.extend(far);
            closest.sort_by_key(|a| a.zone);
            for a in closest {
                let zone = &zones[a.zone as usize];
                let mut e = new_event(
                    EventKind::ClosestApproach,
                    &a.at,
                    zone,
                    zone_set,
                    track,
                    false,
                    None,
                    exemptions,
                );
                e.distance_m = Some(a.distance_m);
                emit(e);
                raised += 1;
            }
        }
        self.stats.events += raised;
    }

    /// Replaces the zone set (a reload in `watch`). An aircraft's stay in a zone continues across
    /// the change when the new set has a zone with the same id, whatever its version: its next event
    /// there names the version it was judged against. A stay in a zone that is gone ends with an
    /// EXIT at the aircraft's next position report, naming the zone as it was.
    pub fn replace_zones(&mut self, zones: &[Zone]) {
        let by_id: FxHashMap<&str, u32> = zones
            .iter()
            .enumerate()
            .map(|(i, z)| (z.id.as_str(), i as u32))
            .collect();
        let mut retired: Vec<Zone> = Vec::new();
        let mut remap: FxHashMap<u32, u32> = FxHashMap::default();
        for track in self.tracks.values_mut() {
            for z in &mut track.inside {
                let new = *remap.entry(*z).or_insert_with(|| {
                    let old = &self.zones[*z as usize];
                    by_id.get(old.id.as_str()).copied().unwrap_or_else(|| {
                        retired.push(old.clone());
                        (zones.len() + retired.len() - 1) as u32
                    })
                });
                *z = new;
            }
            track.inside.sort_unstable();
            // Zone indices changed: changes awaiting the dwell time start again.
            if let Some(a) = track.alerting.as_mut() {
                a.pending.clear();
            }
        }
        self.index = ZoneIndex::new(zones);
        if let Some(m) = self.approach_m {
            self.near_index = Some(NearIndex::new(&self.index, m));
        }
        self.current = zones.len();
        self.zone_set = zone_set_hash(zones);
        self.zones = zones.to_vec();
        self.zones.append(&mut retired);
    }

    /// The hash of the current zone set, as events name it.
    pub fn zone_set(&self) -> &str {
        &self.zone_set
    }

    /// The current zones.
    pub fn zones(&self) -> &[Zone] {
        &self.zones[..self.current]
    }

    /// Run counters so far.
    pub fn stats(&self) -> EngineStats {
        self.stats
    }

    /// Every aircraft seen, in address order (for deterministic summaries).
    pub fn tracks(&self) -> Vec<(Icao24, &Track)> {
        let mut v: Vec<(Icao24, &Track)> = self.tracks.iter().map(|(k, t)| (*k, t)).collect();
        v.sort_by_key(|(k, _)| *k);
        v
    }

    /// Number of aircraft seen.
    pub fn aircraft(&self) -> usize {
        self.tracks.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PredictionSettings;
    use geo_types::{polygon, MultiPolygon};
    use nofly_model::{ActiveInterval, Limit, Shape, SourceRef, VerticalBand, ZoneKind};

    fn square_zone(id: &str, band: VerticalBand, active: Vec<ActiveInterval>) -> Zone {
        let sq = polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 1.0), (x: 0.0, y: 0.0)];
        Zone {
            id: id.into(),
            name: id.into(),
            kind: ZoneKind::Restricted,
            shape: Shape::Polygons(MultiPolygon(vec![sq])),
            band,
            active,
            version: "v".into(),
            exempt: Default::default(),
        }
    }

    fn report(t: i64, lat: f64, lon: f64, alt: Option<f64>) -> Report {
        let mut r = Report::new(
            EventTime::from_millis(t),
            Icao24(0xabcdef),
            SourceRef {
                input: 0,
                record: t as u64,
            },
        );
        r.position = Some((lat, lon));
        r.alt_baro_ft = alt;
        r
    }

    fn run(zones: &[Zone], reports: &[Report]) -> Vec<(EventKind, i64, String, bool)> {
        let mut engine = Engine::new(zones);
        let mut out = Vec::new();
        for r in reports {
            engine.process(r, &mut |e| {
                out.push((e.kind, e.time.millis(), e.zone_id, e.alt_unknown))
            });
        }
        out
    }

    #[test]
    fn altitude_mode_chooses_which_altitude_height_limits_read() {
        // Synthetic: a zone from 10,000 ft MSL up; the aircraft at 9,800 ft pressure altitude and
        // 10,300 ft GNSS altitude.
        let band = VerticalBand::new(Limit::Msl(10_000.0), Limit::Unlimited);
        let z = [square_zone("Z", band, vec![])];
        let mut r = report(0, 0.5, 0.5, Some(9_800.0));
        r.alt_geo_ft = Some(10_300.0);
        assert!(run(&z, &[r]).is_empty());
        let mut engine = Engine::new(&z).with_altitude_mode(AltitudeMode::Geometric);
        let mut kinds = Vec::new();
        engine.process(&r, &mut |e| kinds.push((e.kind, e.alt_unknown)));
        assert_eq!(kinds, [(EventKind::Enter, false)]);
        // Without a GNSS altitude the geometric test cannot be made: inside, flagged unknown.
        let mut engine = Engine::new(&z).with_altitude_mode(AltitudeMode::Geometric);
        r.alt_geo_ft = None;
        let mut kinds = Vec::new();
        engine.process(&r, &mut |e| kinds.push((e.kind, e.alt_unknown)));
        assert_eq!(kinds, [(EventKind::Enter, true)]);
    }

    #[test]
    fn events_at_one_instant_are_numbered_within_their_zone() {
        // Synthetic: undated data puts three reports at one millisecond, climbing out of a low
        // zone into a high one over the same square and back.
        let low = square_zone(
            "LOW",
            VerticalBand::new(Limit::Surface, Limit::Msl(10_000.0)),
            vec![],
        );
        let high = square_zone(
            "HIGH",
            VerticalBand::new(Limit::Msl(10_000.0), Limit::Unlimited),
            vec![],
        );
        let mut engine = Engine::new(&[low, high]);
        let mut numbered = Vec::new();
        for alt in [5_000.0, 15_000.0, 5_000.0] {
            engine.process(&report(1_000, 0.5, 0.5, Some(alt)), &mut |e| {
                numbered.push((e.kind, e.zone_id, e.same_instant))
            });
        }
        let expected = [
            (EventKind::Enter, "LOW", 0),
            (EventKind::Exit, "LOW", 1),
            (EventKind::Enter, "HIGH", 0),
            (EventKind::Exit, "HIGH", 1),
            (EventKind::Enter, "LOW", 2),
        ];
        let numbered: Vec<(EventKind, &str, u32)> = numbered
            .iter()
            .map(|(k, z, n)| (*k, z.as_str(), *n))
            .collect();
        assert_eq!(numbered, expected);
    }

    #[test]
    fn replacing_zones_keeps_stays_by_id_and_ends_stays_in_removed_zones() {
        let everything = VerticalBand::everything();
        let mut v2 = square_zone("KEPT", everything, vec![]);
        v2.version = "v2".into();
        let first = [
            square_zone("KEPT", everything, vec![]),
            square_zone("GONE", everything, vec![]),
        ];
        let mut engine = Engine::new(&first);
        let mut events = Vec::new();
        let mut record = |engine: &mut Engine, r: Report| {
            engine.process(&r, &mut |e| {
                events.push((e.kind, e.zone_id, e.zone_version))
            })
        };
        record(&mut engine, report(0, 0.5, 0.5, None));
        engine.replace_zones(&[v2]);
        assert_eq!(engine.zones().len(), 1);
        record(&mut engine, report(1, 0.6, 0.6, None));
        record(&mut engine, report(2, 2.0, 2.0, None));
        let kinds: Vec<(EventKind, &str, &str)> = events
            .iter()
            .map(|(k, z, v)| (*k, z.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            kinds,
            [
                (EventKind::Enter, "KEPT", "v"),
                (EventKind::Enter, "GONE", "v"),
                // The zone left the set: the stay ends at the next position, naming it as it was.
                (EventKind::Exit, "GONE", "v"),
                // The stay in KEPT went on across the reload; its end names the new version.
                (EventKind::Exit, "KEPT", "v2"),
            ]
        );
    }

    /// Synthetic: an aircraft at 0.5° N flying east at `speed` knots, reporting every 10 s from
    /// `lon0`, against the unit square zone (0..1° E, 0..1° N).
    fn eastbound(n: i64, lon0: f64, speed: f32) -> Vec<Report> {
        let step_deg = f64::from(speed) * 1852.0 / 3600.0 * 10.0 / 111_195.0;
        (0..n)
            .map(|i| {
                let mut r = report(i * 10_000, 0.5, lon0 + step_deg * i as f64, Some(30_000.0));
                r.ground_speed_kt = Some(speed);
                r.track_deg = Some(90.0);
                r
            })
            .collect()
    }

    fn run_predicting(zones: &[Zone], reports: &[Report]) -> Vec<Event> {
        let mut engine = Engine::new(zones).with_prediction(PredictionSettings::default());
        let mut out = Vec::new();
        for r in reports {
            engine.process(r, &mut |e| out.push(e));
        }
        out
    }

    #[test]
    fn an_approaching_aircraft_is_predicted_to_enter_before_it_does() {
        let z = [square_zone("Z", VerticalBand::everything(), vec![])];
        // 360 kt = 185 m/s; starting 0.2° (22 km) west of the zone: inside after about 120 s.
        let events = run_predicting(&z, &eastbound(20, -0.2, 360.0));
        let kinds: Vec<EventKind> = events.iter().map(|e| e.kind).collect();
        assert_eq!(kinds, [EventKind::PredictedEntry, EventKind::Enter]);
        let (predicted, entered) = (&events[0], &events[1]);
        let at = predicted.predicted.unwrap();
        // Announced at the first report whose look-ahead reaches the zone, and within a step of
        // the true entry (the boundary is crossed between reports 12 and 13).
        assert!(predicted.time.millis() <= entered.time.millis() - 100_000);
        assert!(
            (at.predicted_time.millis() - 120_000).abs() <= 10_000,
            "{at:?}"
        );
        assert!(at.predicted_lon >= 0.0 && at.predicted_lon < 0.02, "{at:?}");
        // Serialised with the predicted point.
        let json = serde_json::to_string(predicted).unwrap();
        assert!(
            json.contains("\"kind\":\"predicted_entry\"") && json.contains("\"predicted_time\"")
        );
    }

    #[test]
    fn a_turn_away_or_stale_velocity_clears_the_prediction() {
        let z = [square_zone("Z", VerticalBand::everything(), vec![])];
        let mut track = eastbound(4, -0.2, 360.0);
        // Then it turns north, away from the zone.
        for r in track.iter_mut().skip(2) {
            r.track_deg = Some(0.0);
        }
        let kinds: Vec<EventKind> = run_predicting(&z, &track).iter().map(|e| e.kind).collect();
        assert_eq!(
            kinds,
            [EventKind::PredictedEntry, EventKind::PredictionCleared]
        );
        // Positions keep coming but the velocity stops: stale after 10 s.
        let mut stale = eastbound(4, -0.2, 360.0);
        for r in stale.iter_mut().skip(1) {
            r.ground_speed_kt = None;
            r.track_deg = None;
        }
        let kinds: Vec<EventKind> = run_predicting(&z, &stale).iter().map(|e| e.kind).collect();
        assert_eq!(
            kinds,
            [EventKind::PredictedEntry, EventKind::PredictionCleared]
        );
    }

    #[test]
    fn a_zone_that_activates_within_the_window_counts_and_small_shifts_are_not_repeated() {
        let t = EventTime::from_millis;
        // Active from 100 s: entering at about 120 s happens while it is active.
        let z = [square_zone(
            "Z",
            VerticalBand::everything(),
            vec![ActiveInterval::between(Some(t(100_000)), None)],
        )];
        let mut track = eastbound(6, -0.2, 360.0);
        // Speed wobbles by a few knots: the predicted time moves by less than 30 s.
        for (i, r) in track.iter_mut().enumerate() {
            r.ground_speed_kt = Some(360.0 + (i % 2) as f32 * 4.0);
        }
        let kinds: Vec<EventKind> = run_predicting(&z, &track).iter().map(|e| e.kind).collect();
        assert_eq!(kinds, [EventKind::PredictedEntry]);
        // A zone that is over before the aircraft arrives is not predicted.
        let over = [square_zone(
            "Z",
            VerticalBand::everything(),
            vec![ActiveInterval::between(None, Some(t(60_000)))],
        )];
        assert!(run_predicting(&over, &eastbound(6, -0.2, 360.0)).is_empty());
    }

    #[test]
    fn signal_lost_inside_a_zone_in_event_time_regained_and_reported_at_the_end() {
        let z = [square_zone("Z", VerticalBand::everything(), vec![])];
        let mut engine = Engine::new(&z).with_signal_loss(30_000);
        let mut out = Vec::new();
        let mut feed = |engine: &mut Engine, r: Report| {
            engine.process(&r, &mut |e| {
                out.push((e.kind, e.time.millis(), e.icao24.unwrap().0, e.lat))
            })
        };
        // Synthetic: A inside from 0 to 10 s, then silent; B outside, reporting every 10 s.
        let a = |t| report(t, 0.5, 0.5, None);
        let b = |t| {
            let mut r = report(t, 5.0, 5.0, None);
            r.icao = Icao24(0xb);
            r
        };
        feed(&mut engine, a(0));
        feed(&mut engine, a(10_000));
        for t in (20_000..=100_000).step_by(10_000) {
            feed(&mut engine, b(t));
        }
        feed(&mut engine, a(120_000));
        engine.finish(&mut |e| out.push((e.kind, e.time.millis(), e.icao24.unwrap().0, e.lat)));
        let a_events: Vec<(EventKind, i64)> = out
            .iter()
            .filter(|e| e.2 == 0xabcdef)
            .map(|e| (e.0, e.1))
            .collect();
        assert_eq!(
            a_events,
            [
                (EventKind::Enter, 0),
                // Last heard at 10 s: lost at 40 s, noticed when B's report at 50 s moved the clock.
                (EventKind::SignalLost, 40_000),
                (EventKind::SignalRegained, 120_000),
                // Still inside at the end of the recording: lost at last seen + 30 s.
                (EventKind::SignalLost, 150_000),
            ]
        );
        assert!(out.iter().all(|e| e.2 != 0xb), "B was never inside");
    }

    #[test]
    fn an_emergency_code_inside_or_ahead_is_raised_once_per_code() {
        let z = [square_zone("Z", VerticalBand::everything(), vec![])];
        let squawking = |t, lat, lon, code| {
            let mut r = report(t, lat, lon, Some(20_000.0));
            r.squawk = Some(code);
            r
        };
        let reports = [
            squawking(0, 0.5, 0.5, 0o1200),
            squawking(1_000, 0.5, 0.5, 0o7700),
            squawking(2_000, 0.5, 0.6, 0o7700),
            squawking(3_000, 0.5, 0.7, 0o1200),
            squawking(4_000, 0.5, 0.8, 0o7600),
        ];
        let mut engine = Engine::new(&z);
        let mut out = Vec::new();
        for r in &reports {
            engine.process(r, &mut |e| out.push((e.kind, e.time.millis(), e.squawk)));
        }
        assert_eq!(
            out,
            [
                (EventKind::Enter, 0, None),
                (EventKind::Emergency, 1_000, Some("7700".into())),
                (EventKind::Emergency, 4_000, Some("7600".into())),
            ]
        );
        // The ADS-B emergency status alone (no code) declares one too.
        let mut declared = report(0, 0.5, 0.5, None);
        declared.emergency = Some(true);
        let mut engine = Engine::new(&z);
        let mut kinds = Vec::new();
        engine.process(&declared, &mut |e| kinds.push((e.kind, e.squawk)));
        assert_eq!(
            kinds,
            [(EventKind::Enter, None), (EventKind::Emergency, None)]
        );
        // Predicted to enter while squawking 7500: raised for the zone ahead.
        let mut ahead = eastbound(2, -0.2, 360.0);
        ahead[1].squawk = Some(0o7500);
        let kinds: Vec<EventKind> = run_predicting(&z, &ahead).iter().map(|e| e.kind).collect();
        assert_eq!(kinds, [EventKind::PredictedEntry, EventKind::Emergency]);
    }

    #[test]
    fn exempt_aircraft_are_recorded_and_marked() {
        let mut zone = square_zone("Z", VerticalBand::everything(), vec![]);
        zone.exempt.callsigns = vec!["POL*".into()];
        let z = [zone];
        let mut police = report(0, 0.5, 0.5, None);
        police.callsign = nofly_model::Callsign::new("POLICE1");
        let other = {
            let mut r = report(0, 0.5, 0.5, None);
            r.icao = Icao24(0x123456);
            r
        };
        let mut marked = Vec::new();
        let mut engine = Engine::new(&z).with_exemptions(nofly_model::Exemptions {
            squawks: vec![0o7000],
            ..Default::default()
        });
        engine.process(&police, &mut |e| {
            marked.push((e.icao24.unwrap().0, e.exempt))
        });
        engine.process(&other, &mut |e| {
            marked.push((e.icao24.unwrap().0, e.exempt))
        });
        let mut vfr = report(1, 0.5, 0.5, None);
        vfr.icao = Icao24(0x777777);
        vfr.squawk = Some(0o7000);
        engine.process(&vfr, &mut |e| marked.push((e.icao24.unwrap().0, e.exempt)));
        assert_eq!(
            marked,
            [(0xabcdef, true), (0x123456, false), (0x777777, true)]
        );
    }

    #[test]
    fn min_dwell_ignores_flapping_and_dates_lasting_changes_from_the_first_report() {
        let z = [square_zone("Z", VerticalBand::everything(), vec![])];
        // Synthetic: along the east edge (lon 1.0), in and out every 10 s, inside for good from
        // 50 s, then out for good from 200 s.
        let lon_at = |t: i64| match t {
            0..=50_000 if (t / 10_000) % 2 == 1 => 0.999,
            0..=50_000 => 1.001,
            60_000..=190_000 => 0.9,
            _ => 1.2,
        };
        let reports: Vec<Report> = (0..=30)
            .map(|i| report(i * 10_000, 0.5, lon_at(i * 10_000), None))
            .collect();
        let exact: Vec<EventKind> = run(&z, &reports).into_iter().map(|e| e.0).collect();
        assert_eq!(exact.len(), 6, "two flaps and the lasting stay: {exact:?}");
        let mut engine = Engine::new(&z).with_min_dwell(30_000);
        let mut out = Vec::new();
        for r in &reports {
            engine.process(r, &mut |e| out.push((e.kind, e.time.millis())));
        }
        // Inside for good from the report at 50 s (confirmed at 80 s), out from 200 s.
        assert_eq!(
            out,
            [(EventKind::Enter, 50_000), (EventKind::Exit, 200_000)]
        );
    }

    #[test]
    fn a_flight_passing_near_a_zone_gets_its_closest_approach_once_it_moves_away() {
        let z = [square_zone("Z", VerticalBand::everything(), vec![])];
        // Synthetic: westbound along 1.045° N, 5 km north of the square's top edge (1.0° N).
        let reports: Vec<Report> = (0..=200)
            .map(|i| report(i * 1_000, 1.045, 1.5 - 0.01 * i as f64, None))
            .collect();
        let mut engine = Engine::new(&z).with_closest_approach(18_520.0);
        let mut out = Vec::new();
        for r in &reports {
            engine.process(r, &mut |e| out.push(e));
        }
        engine.finish(&mut |e| out.push(e));
        assert_eq!(out.len(), 1, "{out:?}");
        let e = &out[0];
        assert_eq!(e.kind, EventKind::ClosestApproach);
        let d = e.distance_m.unwrap();
        assert!((d - 5_004.0).abs() < 50.0, "{d}");
        // The closest report is above the edge, and the event was raised once the aircraft had
        // gone more than 10 NM past the square's west side.
        assert!((0.0..=1.0).contains(&e.lon), "{}", e.lon);
        // An aircraft that enters gets no closest approach.
        let through: Vec<Report> = (0..=200)
            .map(|i| report(i * 1_000, 0.5, 1.5 - 0.01 * i as f64, None))
            .collect();
        let mut engine = Engine::new(&z).with_closest_approach(18_520.0);
        let mut kinds = Vec::new();
        for r in &through {
            engine.process(r, &mut |e| kinds.push(e.kind));
        }
        engine.finish(&mut |e| kinds.push(e.kind));
        assert_eq!(kinds, [EventKind::Enter, EventKind::Exit]);
    }

    #[test]
    fn a_boundary_buffer_needs_a_real_crossing_both_ways() {
        let z = [square_zone("Z", VerticalBand::everything(), vec![])];
        // Synthetic: along 0.5° N, east edge at 1.0° E; 0.005° of longitude is about 553 m here.
        let at = |t, lon| report(t, 0.5, lon, None);
        let reports = [
            at(0, 1.02),      // outside, 2.2 km
            at(1_000, 0.997), // inside by 330 m: not enough for a 500 m buffer
            at(2_000, 0.99),  // inside by 1.1 km: enter
            at(3_000, 1.003), // outside by 330 m: still inside
            at(4_000, 1.01),  // outside by 1.1 km: exit
        ];
        let mut engine = Engine::new(&z).with_boundary_buffer(500.0);
        let mut out = Vec::new();
        for r in &reports {
            engine.process(r, &mut |e| out.push((e.kind, e.time.millis())));
        }
        assert_eq!(out, [(EventKind::Enter, 2_000), (EventKind::Exit, 4_000)]);
        let exact: Vec<(EventKind, i64)> =
            run(&z, &reports).into_iter().map(|e| (e.0, e.1)).collect();
        assert_eq!(exact, [(EventKind::Enter, 1_000), (EventKind::Exit, 3_000)]);
    }

    #[test]
    fn first_report_inside_enters_and_leaving_exits() {
        let z = [square_zone("Z", VerticalBand::everything(), vec![])];
        let ev = run(
            &z,
            &[
                report(0, 0.5, 0.5, Some(1000.0)),
                report(1, 0.6, 0.6, Some(1000.0)),
                report(2, 2.0, 2.0, Some(1000.0)),
            ],
        );
        assert_eq!(
            ev,
            vec![
                (EventKind::Enter, 0, "Z".into(), false),
                (EventKind::Exit, 2, "Z".into(), false)
            ]
        );
    }

    #[test]
    fn altitude_band_is_part_of_inside() {
        let band = VerticalBand::new(Limit::Surface, Limit::FlightLevel(100));
        let z = [square_zone("Z", band, vec![])];
        let ev = run(
            &z,
            &[
                report(0, 0.5, 0.5, Some(12_000.0)),
                report(1, 0.5, 0.5, Some(10_000.0)),
                report(2, 0.5, 0.5, Some(10_001.0)),
            ],
        );
        assert_eq!(
            ev.iter().map(|e| (e.0, e.1)).collect::<Vec<_>>(),
            vec![(EventKind::Enter, 1), (EventKind::Exit, 2)]
        );
    }

    #[test]
    fn unknown_altitude_counts_inside_and_says_so() {
        let band = VerticalBand::new(Limit::FlightLevel(200), Limit::Unlimited);
        let z = [square_zone("Z", band, vec![])];
        let ev = run(&z, &[report(0, 0.5, 0.5, None)]);
        assert_eq!(ev, vec![(EventKind::Enter, 0, "Z".into(), true)]);
    }

    #[test]
    fn activation_starts_and_ends_inside_the_zone() {
        let t = EventTime::from_millis;
        let z = [square_zone(
            "Z",
            VerticalBand::everything(),
            vec![ActiveInterval::between(Some(t(10)), Some(t(20)))],
        )];
        let ev = run(
            &z,
            &[
                report(5, 0.5, 0.5, None),
                report(10, 0.5, 0.5, None),
                report(15, 0.5, 0.5, None),
                report(20, 0.5, 0.5, None),
            ],
        );
        assert_eq!(
            ev.iter().map(|e| (e.0, e.1)).collect::<Vec<_>>(),
            vec![(EventKind::Enter, 10), (EventKind::Exit, 20)]
        );
    }

    #[test]
    fn on_ground_is_at_the_surface() {
        let band = VerticalBand::new(Limit::Msl(500.0), Limit::Unlimited);
        let z = [square_zone("Z", band, vec![])];
        let mut r = report(0, 0.5, 0.5, Some(1_000.0));
        r.on_ground = Some(true);
        assert!(run(&z, &[r]).is_empty());
    }

    #[test]
    fn late_reports_are_dropped_and_positionless_ones_keep_state() {
        let z = [square_zone("Z", VerticalBand::everything(), vec![])];
        let mut engine = Engine::new(&z);
        let mut n = 0;
        engine.process(&report(10, 0.5, 0.5, None), &mut |_| n += 1);
        let mut no_pos = report(11, 0.0, 0.0, None);
        no_pos.position = None;
        engine.process(&no_pos, &mut |_| n += 1);
        engine.process(&report(5, 3.0, 3.0, None), &mut |_| n += 1);
        assert_eq!((n, engine.stats().late), (1, 1));
    }

    #[test]
    fn events_at_one_instant_get_distinct_ids() {
        let z = [square_zone("Z", VerticalBand::everything(), vec![])];
        let mut engine = Engine::new(&z);
        let mut ids = Vec::new();
        for (lat, lon) in [(0.5, 0.5), (3.0, 3.0), (0.5, 0.5)] {
            engine.process(&report(0, lat, lon, None), &mut |e| ids.push(e.id));
        }
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 3);
    }

    #[test]
    fn zones_across_the_antimeridian_and_around_a_pole() {
        // A circle centred on the antimeridian, and a polygon split at it as RFC 7946 asks.
        let fiji = Zone {
            shape: Shape::Circle {
                lat: -17.0,
                lon: 180.0,
                radius_m: 100_000.0,
            },
            ..square_zone("FIJI", VerticalBand::everything(), vec![])
        };
        let west = polygon![(x: 179.0, y: -1.0), (x: 180.0, y: -1.0), (x: 180.0, y: 1.0), (x: 179.0, y: 1.0), (x: 179.0, y: -1.0)];
        let east = polygon![(x: -180.0, y: -1.0), (x: -179.0, y: -1.0), (x: -179.0, y: 1.0), (x: -180.0, y: 1.0), (x: -180.0, y: -1.0)];
        let split = Zone {
            shape: Shape::Polygons(MultiPolygon(vec![west, east])),
            ..square_zone("SPLIT", VerticalBand::everything(), vec![])
        };
        let pole = Zone {
            shape: Shape::Circle {
                lat: 90.0,
                lon: 0.0,
                radius_m: 200_000.0,
            },
            ..square_zone("POLE", VerticalBand::everything(), vec![])
        };
        let zones = [fiji, split, pole];
        let track = [
            (-17.0, 179.5),
            (-17.0, -179.5),
            (0.0, 179.9),
            (0.0, -179.9),
            (0.0, -178.0),
            (89.5, 120.0),
            (89.5, -60.0),
            (85.0, 0.0),
        ];
        let mut engine = Engine::new(&zones);
        let mut events = Vec::new();
        for (t, (lat, lon)) in track.iter().enumerate() {
            engine.process(&report(t as i64, *lat, *lon, None), &mut |e| {
                events.push((e.kind, e.time.millis(), e.zone_id))
            });
        }
        let expect = vec![
            (EventKind::Enter, 0, "FIJI".to_string()),
            (EventKind::Exit, 2, "FIJI".to_string()),
            (EventKind::Enter, 2, "SPLIT".to_string()),
            (EventKind::Exit, 4, "SPLIT".to_string()),
            (EventKind::Enter, 5, "POLE".to_string()),
            (EventKind::Exit, 7, "POLE".to_string()),
        ];
        assert_eq!(events, expect);
    }

    #[test]
    fn overlapping_zones_give_one_event_each() {
        let z = [
            square_zone("A", VerticalBand::everything(), vec![]),
            square_zone("B", VerticalBand::everything(), vec![]),
        ];
        let ev = run(&z, &[report(0, 0.5, 0.5, None), report(1, 5.0, 5.0, None)]);
        let names: Vec<_> = ev.iter().map(|e| (e.0, e.2.as_str())).collect();
        assert_eq!(
            names,
            vec![
                (EventKind::Enter, "A"),
                (EventKind::Enter, "B"),
                (EventKind::Exit, "A"),
                (EventKind::Exit, "B")
            ]
        );
    }
}
