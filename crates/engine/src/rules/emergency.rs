//! EMERGENCY: an aircraft declaring an emergency (Mode A 7500, 7600 or 7700, or the ADS-B / SBS
//! emergency status) inside a zone or predicted to enter one, raised once per zone and emergency.

use super::{Aircraft, Context, Emit, Moments, Rule};
use crate::airspace::{Airspace, Remap};
use crate::placement::Placement;
use crate::saved_state::StateError;
use crate::settings::Settings;
use crate::tracks::AircraftId;
use nofly_model::{EventKind, Report};
use rustc_hash::FxHashMap;

/// The emergency rule, always on.
pub(crate) struct Emergency {
    /// The aircraft with an emergency status declared or an EMERGENCY raised during the current
    /// emergency: few ever are, so they are kept apart rather than beside every aircraft.
    declared: FxHashMap<AircraftId, Declared>,
}

/// One aircraft's current emergency.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
struct Declared {
    /// The emergency status (ADS-B, SBS flag) is set.
    status: bool,
    /// Zones an EMERGENCY was raised for.
    zones: Vec<u32>,
}

/// Whether a Mode A code is an emergency: 7500 (unlawful interference), 7600 (radio failure),
/// 7700 (general emergency).
fn is_emergency(code: u16) -> bool {
    matches!(code, 0o7500 | 0o7600 | 0o7700)
}

impl Rule for Emergency {
    const ACTS: Moments = Moments {
        on_report: true,
        on_position: true,
        ..Moments::NONE
    };

    fn new(_: &Settings, _: &Airspace) -> Option<Self> {
        Some(Emergency {
            declared: FxHashMap::default(),
        })
    }


    #[inline]
    fn on_report(&mut self, _: &Context, aircraft: &mut Aircraft, report: &Report) {
        // Nothing to start or end: the usual case, without a map lookup.
        if (report.squawk.is_none() && report.emergency.is_none())
            || (self.declared.is_empty() && report.emergency != Some(true))
        {
            return;
        }
        let status = match report.emergency {
            Some(true) => true,
            Some(false) => false,
            None => self.declared.get(&aircraft.id).is_some_and(|d| d.status),
        };
        if status {
            self.declared.entry(aircraft.id).or_default().status = true;
        } else if aircraft.track.squawk.is_some_and(is_emergency) {
            if let Some(d) = self.declared.get_mut(&aircraft.id) {
                d.status = false;
            }
        } else {
            // The emergency is over: the next one is raised again.
            self.declared.remove(&aircraft.id);
        }
    }

    #[inline]
    fn on_position(
        &mut self,
        cx: &Context,
        aircraft: &mut Aircraft,
        place: &mut Placement,
        out: &mut Emit,
    ) {
        // Declared by the code (kept on the event) or by the emergency status alone.
        let code = aircraft.track.squawk.filter(|c| is_emergency(*c));
        if code.is_none()
            && (self.declared.is_empty()
                || !self.declared.get(&aircraft.id).is_some_and(|d| d.status))
        {
            return;
        }
        let declared = self.declared.entry(aircraft.id).or_default();
        for z in place.inside.iter().copied().chain(place.predicted) {
            if !declared.zones.contains(&z) {
                declared.zones.push(z);
                let mut event = cx.judged_event(
                    EventKind::Emergency,
                    z,
                    aircraft.track,
                    &place.fix,
                    &place.altitude,
                );
                event.squawk = code.map(|c| format!("{c:04o}"));
                out(event);
            }
        }
    }

    /// Zones already raised keep their mark in the new set.
    fn save(&self) -> Result<Vec<u8>, StateError> {
        let mut declared: Vec<_> = self.declared.iter().collect();
        declared.sort_unstable_by_key(|(id, _)| **id);
        Ok(postcard::to_allocvec(&declared)?)
    }

    fn restore(&mut self, saved: &[u8]) -> Result<(), StateError> {
        let declared: Vec<(AircraftId, Declared)> = postcard::from_bytes(saved)?;
        self.declared = declared.into_iter().collect();
        Ok(())
    }

    fn zones_replaced(&mut self, _: &Airspace, remap: &Remap) {
        for declared in self.declared.values_mut() {
            declared.zones = declared
                .zones
                .iter()
                .filter_map(|&z| remap.zone(z))
                .collect();
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::*;
    use crate::{Engine, PredictionSettings};
    use nofly_model::{EventKind, VerticalBand};

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
        let out: Vec<_> = run_engine(Engine::new(&z), &reports)
            .into_iter()
            .map(|e| (e.kind, e.time.millis(), e.squawk))
            .collect();
        assert_eq!(
            out,
            [
                (EventKind::Enter, 0, None),
                (EventKind::Emergency, 1_000, Some("7700".into())),
                (EventKind::Emergency, 4_000, Some("7600".into())),
            ]
        );
        // The ADS-B emergency status alone (no code) declares one too, until it is withdrawn.
        let mut declared = report(0, 0.5, 0.5, None);
        declared.emergency = Some(true);
        let mut withdrawn = report(1_000, 0.5, 0.6, None);
        withdrawn.emergency = Some(false);
        let mut again = report(2_000, 0.5, 0.7, None);
        again.emergency = Some(true);
        let kinds: Vec<_> = run_engine(Engine::new(&z), &[declared, withdrawn, again])
            .into_iter()
            .map(|e| (e.kind, e.time.millis(), e.squawk))
            .collect();
        assert_eq!(
            kinds,
            [
                (EventKind::Enter, 0, None),
                (EventKind::Emergency, 0, None),
                (EventKind::Emergency, 2_000, None)
            ]
        );
        // Predicted to enter while squawking 7500: raised for the zone ahead.
        let mut ahead = eastbound(2, -0.2, 360.0);
        ahead[1].squawk = Some(0o7500);
        let engine = Engine::new(&z).with_prediction(PredictionSettings::default());
        let kinds: Vec<EventKind> = run_engine(engine, &ahead).iter().map(|e| e.kind).collect();
        assert_eq!(kinds, [EventKind::PredictedEntry, EventKind::Emergency]);
    }
}
