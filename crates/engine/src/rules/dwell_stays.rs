//! ENTER and EXIT with hysteresis in time (`--min-dwell`): a change of side counts only once the
//! aircraft has stayed on the new side for the minimum dwell, as seen at a later report; the event
//! then carries the time and place of the first report on that side.

use super::{Aircraft, Context, Emit, Moments, Rule};
use crate::airspace::{Airspace, Remap};
use crate::placement::{Fix, Placement};
use crate::rules::stays::same_zones;
use crate::saved_state::StateError;
use crate::settings::Settings;
use crate::tracks::PerAircraft;
use nofly_model::EventKind;

/// The dwell-time stays rule; like [`super::stays::Stays`] it alone changes the track's `inside`.
pub(crate) struct DwellStays {
    min_dwell_ms: i64,
    /// Per aircraft, the changes of side waiting for the dwell time to pass.
    pending: PerAircraft<Vec<Pending>>,
}

/// An entry or exit seen but not yet confirmed by the minimum dwell time.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
struct Pending {
    zone: u32,
    entering: bool,
    /// The first report on the new side of the boundary: the event's time and place if confirmed.
    since: Fix,
}

impl Rule for DwellStays {
    const ACTS: Moments = Moments {
        on_position: true,
        ..Moments::NONE
    };

    fn new(settings: &Settings, _: &Airspace) -> Option<Self> {
        (settings.min_dwell_ms > 0).then(|| DwellStays {
            min_dwell_ms: settings.min_dwell_ms,
            pending: PerAircraft::default(),
        })
    }


    fn on_position(
        &mut self,
        cx: &Context,
        aircraft: &mut Aircraft,
        place: &mut Placement,
        out: &mut Emit,
    ) {
        let track = &mut *aircraft.track;
        if same_zones(place.inside, &track.inside) {
            if let Some(pending) = self.pending.get(aircraft.id) {
                if !pending.is_empty() {
                    self.pending.get_mut(aircraft.id).clear();
                }
            }
            return;
        }
        let now = place.inside;
        let pending = self.pending.get_mut(aircraft.id);
        // A change of side that did not last is forgotten.
        pending.retain(|p| p.entering == now.binary_search(&p.zone).is_ok());
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
        let mut confirmed = track.inside.clone();
        for (z, entering) in changes {
            match pending.iter().position(|p| p.zone == z) {
                None => pending.push(Pending {
                    zone: z,
                    entering,
                    since: place.fix,
                }),
                Some(i)
                    if place.fix.time.millis() - pending[i].since.time.millis()
                        >= self.min_dwell_ms =>
                {
                    let p = pending.remove(i);
                    let kind = if entering {
                        EventKind::Enter
                    } else {
                        EventKind::Exit
                    };
                    out(cx.judged_event(kind, z, track, &p.since, &place.altitude));
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
    }

    /// Zone indices changed: changes awaiting the dwell time start again.
    fn save(&self) -> Result<Vec<u8>, StateError> {
        Ok(postcard::to_allocvec(&self.pending)?)
    }

    fn restore(&mut self, saved: &[u8]) -> Result<(), StateError> {
        self.pending = postcard::from_bytes(saved)?;
        Ok(())
    }

    fn zones_replaced(&mut self, _: &Airspace, _: &Remap) {
        for pending in self.pending.iter_mut() {
            pending.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::*;
    use crate::Engine;
    use nofly_model::{EventKind, Report, VerticalBand};

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
        let out: Vec<(EventKind, i64)> =
            run_engine(Engine::new(&z).with_min_dwell(30_000), &reports)
                .iter()
                .map(|e| (e.kind, e.time.millis()))
                .collect();
        // Inside for good from the report at 50 s (confirmed at 80 s), out from 200 s.
        assert_eq!(
            out,
            [(EventKind::Enter, 50_000), (EventKind::Exit, 200_000)]
        );
    }
}
