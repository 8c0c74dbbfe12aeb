//! SIGNAL_LOST and SIGNAL_REGAINED (`--lost-after`): an aircraft inside a zone that is not heard
//! for the timeout of event time, the clock being the latest time of anyone's reports; at the end
//! of a recording, aircraft still inside are lost at their last report plus the timeout.

use super::{Aircraft, Context, Emit, Moments, Rule};
use crate::airspace::Airspace;
use crate::placement::{Fix, Placement};
use crate::saved_state::StateError;
use crate::settings::Settings;
use crate::tracks::{PerAircraft, Track, Tracks};
use nofly_model::{EventKind, EventTime, Icao24, Report};
use std::collections::BTreeSet;

/// The signal-loss rule.
pub(crate) struct SignalLoss {
    lost_after_ms: i64,
    aircraft: PerAircraft<Watch>,
    /// The latest event time seen from any aircraft.
    clock: EventTime,
    /// Deadlines of the aircraft inside zones, earliest first (then by address).
    deadlines: BTreeSet<(EventTime, Icao24)>,
}

/// What the rule remembers of an aircraft.
#[derive(Debug, Clone, Copy, Default, serde::Serialize, serde::Deserialize)]
struct Watch {
    /// The latest position report, as events name it.
    last_fix: Option<Fix>,
    /// When the signal counts as lost if nothing is heard (only while inside a zone).
    deadline: Option<EventTime>,
    /// The signal was lost inside the zones the aircraft is inside.
    lost: bool,
}

impl Rule for SignalLoss {
    const ACTS: Moments = Moments {
        before_report: true,
        on_position: true,
        after_report: true,
        ..Moments::NONE
    };

    fn new(settings: &Settings, _: &Airspace) -> Option<Self> {
        settings.lost_after_ms.map(|lost_after_ms| SignalLoss {
            lost_after_ms,
            aircraft: PerAircraft::default(),
            clock: EventTime::default(),
            deadlines: BTreeSet::new(),
        })
    }


    fn save(&self) -> Result<Vec<u8>, StateError> {
        Ok(postcard::to_allocvec(&(
            &self.aircraft,
            self.clock,
            &self.deadlines,
        ))?)
    }

    fn restore(&mut self, saved: &[u8]) -> Result<(), StateError> {
        (self.aircraft, self.clock, self.deadlines) = postcard::from_bytes(saved)?;
        Ok(())
    }

    fn before_report(
        &mut self,
        cx: &Context,
        report: &Report,
        tracks: &mut Tracks,
        out: &mut Emit,
    ) {
        if report.time > self.clock {
            self.clock = report.time;
            self.expire(Some(self.clock), cx, tracks, out);
        }
        let Some(track) = tracks.get_mut(report.icao) else {
            return;
        };
        let id = track.id;
        let Some(watch) = self.aircraft.get(id).copied() else {
            return;
        };
        if !watch.lost || report.time < track.last_seen {
            return;
        }
        self.aircraft.get_mut(id).lost = false;
        if let Some(fix) = watch.last_fix {
            let at = Fix {
                time: report.time,
                lat: report.position.map_or(fix.lat, |p| p.0),
                lon: report.position.map_or(fix.lon, |p| p.1),
                alt_ft: report.alt_baro_ft,
                nic: report.position.map_or(fix.nic, |_| report.nic),
                nacp: report.position.map_or(fix.nacp, |_| report.nacp),
                position_source: report
                    .position
                    .map_or(fix.position_source, |_| report.position_source),
                sensor: report.position.map_or(fix.sensor, |_| report.sensor),
                source: report.source,
                ..fix
            };
            raise_for_stays(EventKind::SignalRegained, cx, track, &at, out);
        }
    }

    fn on_position(
        &mut self,
        _: &Context,
        aircraft: &mut Aircraft,
        place: &mut Placement,
        _: &mut Emit,
    ) {
        self.aircraft.get_mut(aircraft.id).last_fix = Some(place.fix);
    }

    /// Keeps the aircraft's deadline in step with its last report and whether it is inside.
    fn after_report(&mut self, _: &Context, aircraft: &mut Aircraft) {
        let track = &*aircraft.track;
        let watch = self.aircraft.get_mut(aircraft.id);
        if let Some(old) = watch.deadline.take() {
            self.deadlines.remove(&(old, track.icao));
        }
        if !track.inside.is_empty() && !watch.lost {
            let deadline = EventTime::from_millis(track.last_seen.millis() + self.lost_after_ms);
            watch.deadline = Some(deadline);
            self.deadlines.insert((deadline, track.icao));
        }
    }

    fn finish(&mut self, cx: &Context, tracks: &mut Tracks, out: &mut Emit) {
        self.expire(None, cx, tracks, out);
    }
}

impl SignalLoss {
    /// SIGNAL_LOST for the aircraft whose deadline is before `now` (all of them when `None`), in
    /// deadline then address order.
    fn expire(
        &mut self,
        now: Option<EventTime>,
        cx: &Context,
        tracks: &mut Tracks,
        out: &mut Emit,
    ) {
        while let Some(&(deadline, icao)) = self.deadlines.first() {
            if now.is_some_and(|now| deadline >= now) {
                break;
            }
            self.deadlines.pop_first();
            let Some(track) = tracks.get_mut(icao) else {
                continue;
            };
            let watch: &mut Watch = self.aircraft.get_mut(track.id);
            watch.deadline = None;
            watch.lost = true;
            if let Some(fix) = watch.last_fix {
                let at = Fix {
                    time: deadline,
                    ..fix
                };
                raise_for_stays(EventKind::SignalLost, cx, track, &at, out);
            }
        }
    }
}

/// One event of `kind` for each zone the aircraft is inside, at `at`.
fn raise_for_stays(kind: EventKind, cx: &Context, track: &mut Track, at: &Fix, out: &mut Emit) {
    for z in track.inside.clone() {
        out(cx.event(kind, z, track, at));
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::*;
    use crate::Engine;
    use nofly_model::{EventKind, Icao24, VerticalBand};

    #[test]
    fn signal_lost_inside_a_zone_in_event_time_regained_and_reported_at_the_end() {
        let z = [square_zone("Z", VerticalBand::everything(), vec![])];
        // Synthetic: A inside from 0 to 10 s, then silent; B outside, reporting every 10 s.
        let a = |t| report(t, 0.5, 0.5, None);
        let b = |t| {
            let mut r = report(t, 5.0, 5.0, None);
            r.icao = Icao24(0xb);
            r
        };
        let mut reports = vec![a(0), a(10_000)];
        reports.extend((20_000..=100_000).step_by(10_000).map(b));
        reports.push(a(120_000));
        let out = run_to_end(Engine::new(&z).with_signal_loss(30_000), &reports);
        let a_events: Vec<(EventKind, i64)> = out
            .iter()
            .filter(|e| e.icao24 == Some(Icao24(0xabcdef)))
            .map(|e| (e.kind, e.time.millis()))
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
        assert!(
            out.iter().all(|e| e.icao24 != Some(Icao24(0xb))),
            "B was never inside"
        );
    }
}
