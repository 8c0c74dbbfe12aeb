//! The engine: one zone lookup per position report, then each rule of `crate::rules` in turn.

use crate::airspace::Airspace;
use crate::placement::place;
use crate::rules::{Aircraft, Context, RuleSet};
use crate::settings::Settings;
use crate::tracks::{Track, Tracks};
use crate::PredictionSettings;
use nofly_model::{AltitudeMode, Event, Exemptions, Icao24, Report, Zone};

/// Counters over a whole run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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

/// The detection engine over a set of zones that can be replaced while it runs.
pub struct Engine {
    airspace: Airspace,
    settings: Settings,
    /// The rules the settings ask for, in the order their events come.
    rules: RuleSet,
    tracks: Tracks,
    /// Scratch list of the zones a report is inside.
    inside_now: Vec<u32>,
    stats: EngineStats,
}

impl Engine {
    /// An engine judging reports against `zones` with the default settings (the index is built
    /// here).
    pub fn new(zones: &[Zone]) -> Self {
        Engine::with_settings(zones, Settings::default())
    }

    /// An engine judging reports against `zones` with these settings.
    pub fn with_settings(zones: &[Zone], settings: Settings) -> Self {
        let airspace = Airspace::new(zones);
        Engine {
            rules: RuleSet::new(&settings, &airspace),
            airspace,
            settings,
            tracks: Tracks::default(),
            inside_now: Vec::new(),
            stats: EngineStats::default(),
        }
    }

    /// The same engine with changed settings (before any report).
    fn set(mut self, change: impl FnOnce(&mut Settings)) -> Self {
        change(&mut self.settings);
        self.rules = RuleSet::new(&self.settings, &self.airspace);
        self
    }

    /// Hysteresis: an entry (or exit) counts only once the aircraft has stayed on the new side of
    /// the boundary for `min_dwell_ms`, as seen at a later report; the event then carries the time
    /// and place of the first report on that side. Zero keeps the exact geometric answer.
    pub fn with_min_dwell(self, min_dwell_ms: i64) -> Self {
        self.set(|s| s.min_dwell_ms = min_dwell_ms.max(0))
    }

    /// Hysteresis in space: an aircraft enters a zone only once it is more than `metres` inside
    /// the boundary, and leaves only once it is more than `metres` outside (horizontally; the
    /// vertical band is not buffered). Zero keeps the exact geometric answer.
    pub fn with_boundary_buffer(self, metres: f64) -> Self {
        self.set(|s| s.boundary_buffer_m = metres.max(0.0))
    }

    /// Turns on CLOSEST_APPROACH events for aircraft passing within `metres` of a zone (active,
    /// in its band) without entering it.
    pub fn with_closest_approach(self, metres: f64) -> Self {
        self.set(|s| s.closest_approach_m = Some(metres))
    }

    /// Marks the events of these aircraft exempt, in every zone (zones may exempt more).
    pub fn with_exemptions(self, exemptions: Exemptions) -> Self {
        self.set(|s| s.exemptions = exemptions)
    }

    /// Turns on SIGNAL_LOST and SIGNAL_REGAINED events: an aircraft inside a zone that is not
    /// heard for `lost_after_ms` of event time (the latest time of anyone's reports).
    pub fn with_signal_loss(self, lost_after_ms: i64) -> Self {
        self.set(|s| s.lost_after_ms = Some(lost_after_ms))
    }

    /// Turns on predicted entries (PREDICTED_ENTRY and PREDICTION_CLEARED events).
    pub fn with_prediction(self, prediction: PredictionSettings) -> Self {
        self.set(|s| s.prediction = Some(prediction))
    }

    /// Chooses which altitude height limits are compared with (barometric by default).
    pub fn with_altitude_mode(self, mode: AltitudeMode) -> Self {
        self.set(|s| s.altitude = mode)
    }

    /// The settings in force.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Processes one report and calls `emit` for each event it causes, rule by rule (signal
    /// loss, exits then entries in zone order, predictions, emergencies, closest approaches).
    /// Reports must come in event-time order per aircraft; an older one is counted as late and
    /// ignored.
    pub fn process(&mut self, report: &Report, emit: &mut dyn FnMut(Event)) {
        let out = &mut counted(&mut self.stats.events, emit);
        let cx = Context {
            airspace: &self.airspace,
            settings: &self.settings,
        };
        self.rules.before_report(&cx, report, &mut self.tracks, out);
        self.stats.reports += 1;
        match self.tracks.observe(report) {
            None => self.stats.late += 1,
            Some((id, track)) => {
                let mut aircraft = Aircraft { id, track };
                self.rules.on_report(&cx, &mut aircraft, report);
                if let Some(position) = report.position {
                    aircraft.track.positions += 1;
                    self.stats.positions += 1;
                    let mut placement = place(
                        &self.airspace,
                        &self.settings,
                        report,
                        position,
                        &aircraft.track.inside,
                        &mut self.inside_now,
                    );
                    self.rules
                        .on_position(&cx, &mut aircraft, &mut placement, out);
                }
                self.rules.after_report(&cx, &mut aircraft);
            }
        }
    }

    /// A report of an aircraft another engine owns (a partitioned replay, [`crate::owner`]): only
    /// the rules on the clock of everyone's data act (signal loss), so that this engine's
    /// aircraft are judged on the same clock as in one engine. The report is not counted.
    pub fn advance_clock(&mut self, report: &Report, emit: &mut dyn FnMut(Event)) {
        let out = &mut counted(&mut self.stats.events, emit);
        let cx = Context {
            airspace: &self.airspace,
            settings: &self.settings,
        };
        self.rules.before_report(&cx, report, &mut self.tracks, out);
    }

    /// The end of a recording: every rule raises what is still open (SIGNAL_LOST for aircraft
    /// still inside at their last report plus the timeout, closest approaches of passes under way).
    /// Call once after the last report of a replay.
    pub fn finish(&mut self, emit: &mut dyn FnMut(Event)) {
        let out = &mut counted(&mut self.stats.events, emit);
        let cx = Context {
            airspace: &self.airspace,
            settings: &self.settings,
        };
        self.rules.finish(&cx, &mut self.tracks, out);
    }

    /// Replaces the zone set (a reload in `watch`). An aircraft's stay in a zone continues across
    /// the change when the new set has a zone with the same id, whatever its version: its next event
    /// there names the version it was judged against. A stay in a zone that is gone ends with an
    /// EXIT at the aircraft's next position report, naming the zone as it was. A pass near a zone
    /// that is gone or changed is over: its CLOSEST_APPROACH, naming the version it was measured
    /// against, comes with the next report processed (or the end of the recording).
    pub fn replace_zones(&mut self, zones: &[Zone]) {
        let remap = self.airspace.remap_to(zones);
        let cx = Context {
            airspace: &self.airspace,
            settings: &self.settings,
        };
        self.rules.zones_replacing(&cx, &remap, &mut self.tracks);
        self.airspace.replace(zones, &remap, &mut self.tracks);
        self.rules.zones_replaced(&self.airspace, &remap);
    }

    /// The hash of the current zone set, as events name it.
    pub fn zone_set(&self) -> &str {
        self.airspace.zone_set()
    }

    /// The current zones.
    pub fn zones(&self) -> &[Zone] {
        self.airspace.current()
    }

    /// Run counters so far.
    pub fn stats(&self) -> EngineStats {
        self.stats
    }

    /// Every aircraft seen, in address order (for deterministic summaries).
    pub fn tracks(&self) -> Vec<(Icao24, &Track)> {
        self.tracks.sorted()
    }

    /// Number of aircraft seen.
    pub fn aircraft(&self) -> usize {
        self.tracks.len()
    }

    /// The table of tracks (for saving the state).
    pub(crate) fn tracks_table(&self) -> &Tracks {
        &self.tracks
    }

    /// The rules running (for saving the state).
    pub(crate) fn rule_set(&self) -> &RuleSet {
        &self.rules
    }

    /// The rules the settings ask for, with no aircraft yet (to restore a state into).
    pub(crate) fn fresh_rules(&self) -> RuleSet {
        RuleSet::new(&self.settings, &self.airspace)
    }

    /// Takes a restored state in place of this engine's.
    pub(crate) fn take_state(&mut self, tracks: Tracks, rules: RuleSet, stats: EngineStats) {
        self.tracks = tracks;
        self.rules = rules;
        self.stats = stats;
    }
}

/// `emit`, counting the events into `count`.
fn counted<'a>(count: &'a mut u64, emit: &'a mut dyn FnMut(Event)) -> impl FnMut(Event) + 'a {
    move |e| {
        *count += 1;
        emit(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::*;
    use nofly_model::{EventKind, Limit, VerticalBand};

    #[test]
    fn altitude_mode_chooses_which_altitude_height_limits_read() {
        // Synthetic: a zone from 10,000 ft MSL up; the aircraft at 9,800 ft pressure altitude and
        // 10,300 ft GNSS altitude.
        let band = VerticalBand::new(Limit::Msl(10_000.0), Limit::Unlimited);
        let z = [square_zone("Z", band, vec![])];
        let mut r = report(0, 0.5, 0.5, Some(9_800.0));
        r.alt_geo_ft = Some(10_300.0);
        assert!(run(&z, &[r]).is_empty());
        let geometric = || Engine::new(&z).with_altitude_mode(AltitudeMode::Geometric);
        let kinds: Vec<_> = run_engine(geometric(), &[r])
            .into_iter()
            .map(|e| (e.kind, e.alt_unknown))
            .collect();
        assert_eq!(kinds, [(EventKind::Enter, false)]);
        // Without a GNSS altitude the geometric test cannot be made: inside, flagged unknown.
        r.alt_geo_ft = None;
        let kinds: Vec<_> = run_engine(geometric(), &[r])
            .into_iter()
            .map(|e| (e.kind, e.alt_unknown))
            .collect();
        assert_eq!(kinds, [(EventKind::Enter, true)]);
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

    #[test]
    fn exempt_aircraft_are_recorded_and_marked() {
        let mut zone = square_zone("Z", VerticalBand::everything(), vec![]);
        zone.exempt.callsigns = vec!["POL*".into()];
        let z = [zone];
        let mut police = report(0, 0.5, 0.5, None);
        police.callsign = nofly_model::Callsign::new("POLICE1");
        let mut other = report(0, 0.5, 0.5, None);
        other.icao = Icao24(0x123456);
        let mut vfr = report(1, 0.5, 0.5, None);
        vfr.icao = Icao24(0x777777);
        vfr.squawk = Some(0o7000);
        let engine = Engine::new(&z).with_exemptions(Exemptions {
            squawks: vec![0o7000],
            ..Default::default()
        });
        let marked: Vec<(u32, bool)> = run_engine(engine, &[police, other, vfr])
            .into_iter()
            .map(|e| (e.icao24.unwrap().0, e.exempt))
            .collect();
        assert_eq!(
            marked,
            [(0xabcdef, true), (0x123456, false), (0x777777, true)]
        );
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
    fn settings_choose_the_rules_and_builders_agree_with_them() {
        let z = [square_zone("Z", VerticalBand::everything(), vec![])];
        let built = Engine::new(&z)
            .with_min_dwell(30_000)
            .with_signal_loss(60_000)
            .with_closest_approach(1_000.0);
        let settings = Settings {
            min_dwell_ms: 30_000,
            lost_after_ms: Some(60_000),
            closest_approach_m: Some(1_000.0),
            ..Settings::default()
        };
        assert_eq!(built.settings(), &settings);
        // Signal loss, the dwell-time stays, emergencies and closest approaches.
        assert_eq!(built.rules.len(), 4);
        assert_eq!(Engine::new(&z).rules.len(), 2, "stays and emergencies");
    }
}
