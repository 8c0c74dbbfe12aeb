//! CLOSEST_APPROACH (`--closest-approach`): an aircraft passing within the distance of a zone
//! (active, in its band) without entering it gets one event at its closest report, raised once it
//! moves away (or at the end of the recording).

use super::{Aircraft, Context, Emit, Moments, Rule};
use crate::airspace::{Airspace, Remap};
use crate::placement::{Fix, Placement};
use crate::saved_state::StateError;
use crate::settings::Settings;
use crate::tracks::{PerAircraft, Tracks};
use nofly_model::{Event, EventKind, Report};
use nofly_spatial::NearIndex;

/// The closest-approach rule.
pub(crate) struct ClosestApproach {
    within_m: f64,
    /// The zones' boxes widened by the distance.
    near_index: NearIndex,
    aircraft: PerAircraft<Passes>,
    /// Scratch list of the zones near a report.
    near: Vec<u32>,
    /// Closest approaches of passes a zone change ended, raised with the next report.
    ended: Vec<Event>,
}

/// What the rule remembers of an aircraft.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
struct Passes {
    /// Zones the aircraft is passing near, with its closest report so far.
    approaches: Vec<Approach>,
    /// Zones entered during the current pass near them: no closest approach until it is over.
    entered_on_pass: Vec<u32>,
}

/// An aircraft near a zone it is not inside: the closest it has come so far.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
struct Approach {
    zone: u32,
    distance_m: f64,
    at: Fix,
}

impl Rule for ClosestApproach {
    const ACTS: Moments = Moments {
        before_report: true,
        on_position: true,
        ..Moments::NONE
    };

    fn new(settings: &Settings, airspace: &Airspace) -> Option<Self> {
        settings.closest_approach_m.map(|within_m| ClosestApproach {
            within_m,
            near_index: NearIndex::new(airspace.index(), within_m),
            aircraft: PerAircraft::default(),
            near: Vec::new(),
            ended: Vec::new(),
        })
    }


    fn before_report(&mut self, _: &Context, _: &Report, _: &mut Tracks, out: &mut Emit) {
        for e in self.ended.drain(..) {
            out(e);
        }
    }

    fn on_position(
        &mut self,
        cx: &Context,
        aircraft: &mut Aircraft,
        place: &mut Placement,
        out: &mut Emit,
    ) {
        let (lat, lon) = (place.fix.lat, place.fix.lon);
        self.near.clear();
        self.near
            .extend(self.near_index.near(lat, lon).iter().map(|c| c.zone()));
        let passes = self.aircraft.get_mut(aircraft.id);
        let mut closest = Vec::new();
        for &z in &self.near {
            let inside = place.inside.binary_search(&z).is_ok();
            if inside && !passes.entered_on_pass.contains(&z) {
                passes.entered_on_pass.push(z);
            }
            let near = if inside || passes.entered_on_pass.contains(&z) {
                None
            } else if cx
                .airspace
                .applies(z, place.fix.time, &place.altitude, cx.settings.altitude)
            {
                cx.airspace
                    .index()
                    .distance_outside_m(z, lat, lon, self.within_m)
            } else {
                None
            };
            let slot = passes.approaches.iter().position(|a| a.zone == z);
            match (near, slot) {
                (Some(d), Some(i)) if d < passes.approaches[i].distance_m => {
                    passes.approaches[i] = Approach {
                        zone: z,
                        distance_m: d,
                        at: place.fix,
                    };
                }
                (Some(_), Some(_)) => {}
                (Some(d), None) => passes.approaches.push(Approach {
                    zone: z,
                    distance_m: d,
                    at: place.fix,
                }),
                // Entered, out of the band, inactive or moved beyond the distance.
                (None, Some(i)) => {
                    let a = passes.approaches.remove(i);
                    if !passes.entered_on_pass.contains(&z) {
                        closest.push(a);
                    }
                }
                (None, None) => {}
            }
        }
        // Zones left behind entirely (no longer even near their boxes): the pass is over.
        let near = &self.near;
        passes
            .entered_on_pass
            .retain(|z| near.binary_search(z).is_ok());
        let (far, kept): (Vec<Approach>, Vec<Approach>) = passes
            .approaches
            .iter()
            .partition(|a| near.binary_search(&a.zone).is_err());
        passes.approaches = kept;
        closest.extend(far);
        closest.sort_by_key(|a| a.zone);
        for a in closest {
            raise(cx, aircraft.track, &a, out);
        }
    }

    fn finish(&mut self, cx: &Context, tracks: &mut Tracks, out: &mut Emit) {
        for e in self.ended.drain(..) {
            out(e);
        }
        for icao in tracks.by_address() {
            let Some(track) = tracks.get_mut(icao) else {
                continue;
            };
            let Some(passes) = self.aircraft.get(track.id) else {
                continue;
            };
            if passes.approaches.is_empty() {
                continue;
            }
            let open = std::mem::take(&mut self.aircraft.get_mut(track.id).approaches);
            for a in open {
                raise(cx, track, &a, out);
            }
        }
    }

    /// A pass near a zone that is gone or changed is over: its closest approach is raised against
    /// the zone as it was measured.
    fn zones_replacing(&mut self, cx: &Context, remap: &Remap, tracks: &mut Tracks) {
        for icao in tracks.by_address() {
            let Some(track) = tracks.get_mut(icao) else {
                continue;
            };
            let id = track.id;
            let Some(passes) = self.aircraft.get(id) else {
                continue;
            };
            if passes.approaches.iter().all(|a| remap.unchanged(a.zone)) {
                continue;
            }
            let (ended, open): (Vec<Approach>, Vec<Approach>) = passes
                .approaches
                .iter()
                .partition(|a| !remap.unchanged(a.zone));
            self.aircraft.get_mut(id).approaches = open;
            for a in ended {
                raise(cx, track, &a, &mut |e| self.ended.push(e));
            }
        }
    }

    /// Passes follow their zones into the new set.
    fn save(&self) -> Result<Vec<u8>, StateError> {
        if !self.ended.is_empty() {
            return Err(StateError::new(
                "closest approaches ended by a change of zones wait for the next report",
            ));
        }
        Ok(postcard::to_allocvec(&self.aircraft)?)
    }

    fn restore(&mut self, saved: &[u8]) -> Result<(), StateError> {
        self.aircraft = postcard::from_bytes(saved)?;
        Ok(())
    }

    fn zones_replaced(&mut self, airspace: &Airspace, remap: &Remap) {
        self.near_index = NearIndex::new(airspace.index(), self.within_m);
        for passes in self.aircraft.iter_mut() {
            passes.approaches = passes
                .approaches
                .iter()
                .filter_map(|a| remap.zone(a.zone).map(|zone| Approach { zone, ..*a }))
                .collect();
            passes.entered_on_pass = passes
                .entered_on_pass
                .iter()
                .filter_map(|&z| remap.zone(z))
                .collect();
        }
    }
}

/// The CLOSEST_APPROACH of a pass.
fn raise(cx: &Context, track: &mut crate::Track, a: &Approach, out: &mut Emit) {
    let mut event = cx.event(EventKind::ClosestApproach, a.zone, track, &a.at);
    event.distance_m = Some(a.distance_m);
    out(event);
}

#[cfg(test)]
mod tests {
    use crate::test_support::*;
    use crate::Engine;
    use nofly_model::{EventKind, Report, VerticalBand};

    #[test]
    fn a_pass_near_a_zone_that_changes_ends_with_the_version_it_was_measured_against() {
        let z = square_zone("Z", VerticalBand::everything(), vec![]);
        let mut z2 = z.clone();
        z2.version = "v2".into();
        // Synthetic: westbound 5 km north of the square, the zone redefined half-way.
        let reports: Vec<Report> = (0..=200)
            .map(|i| report(i * 1_000, 1.045, 1.5 - 0.01 * i as f64, None))
            .collect();
        let mut engine = Engine::new(std::slice::from_ref(&z)).with_closest_approach(18_520.0);
        let mut out = Vec::new();
        for r in &reports[..100] {
            engine.process(r, &mut |e| out.push(e));
        }
        engine.replace_zones(&[z2.clone()]);
        // Unchanged zones keep their passes going.
        engine.replace_zones(&[z2]);
        for r in &reports[100..] {
            engine.process(r, &mut |e| out.push(e));
        }
        engine.finish(&mut |e| out.push(e));
        let seen: Vec<(&str, i64)> = out
            .iter()
            .map(|e| (e.zone_version.as_str(), e.time.millis()))
            .collect();
        // 5 km from the square all along its top edge (from 50 s to 150 s); the first of equal
        // distances is the closest. The first pass ends at the change, named v; the second is
        // measured against v2 from the change on.
        assert_eq!(seen, [("v", 50_000), ("v2", 100_000)]);
    }

    #[test]
    fn a_flight_passing_near_a_zone_gets_its_closest_approach_once_it_moves_away() {
        let z = [square_zone("Z", VerticalBand::everything(), vec![])];
        // Synthetic: westbound along 1.045° N, 5 km north of the square's top edge (1.0° N).
        let reports: Vec<Report> = (0..=200)
            .map(|i| report(i * 1_000, 1.045, 1.5 - 0.01 * i as f64, None))
            .collect();
        let out = run_to_end(Engine::new(&z).with_closest_approach(18_520.0), &reports);
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
        let kinds: Vec<EventKind> =
            run_to_end(Engine::new(&z).with_closest_approach(18_520.0), &through)
                .iter()
                .map(|e| e.kind)
                .collect();
        assert_eq!(kinds, [EventKind::Enter, EventKind::Exit]);
    }
}
