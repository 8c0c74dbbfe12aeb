//! PREDICTED_ENTRY and PREDICTION_CLEARED (`--predict`): the first zone the aircraft would enter
//! on its current track, speed and vertical rate within the look-ahead window (the path is cast
//! in `crate::extrapolation`), announced once and cleared when it no longer holds.

use super::{Aircraft, Context, Emit, Moments, Rule};
use crate::airspace::{Airspace, Remap};
use crate::extrapolation::{first_entry, Predicted, Velocity};
use crate::placement::Placement;
use crate::saved_state::StateError;
use crate::settings::Settings;
use crate::tracks::PerAircraft;
use crate::PredictionSettings;
use nofly_model::{Altitude, EventKind, PredictedPoint, Report};

/// The prediction rule.
pub(crate) struct Prediction {
    settings: PredictionSettings,
    aircraft: PerAircraft<Heading>,
}

/// What the rule remembers of an aircraft.
#[derive(Debug, Clone, Copy, Default, serde::Serialize, serde::Deserialize)]
struct Heading {
    /// The latest velocity reported.
    velocity: Option<Velocity>,
    /// The latest barometric and geometric altitudes reported.
    baro_ft: Option<f64>,
    geo_ft: Option<f64>,
    /// The entry announced and standing, if any.
    standing: Option<Predicted>,
}

impl Rule for Prediction {
    const ACTS: Moments = Moments {
        on_report: true,
        on_position: true,
        ..Moments::NONE
    };

    fn new(settings: &Settings, _: &Airspace) -> Option<Self> {
        settings.prediction.map(|settings| Prediction {
            settings,
            aircraft: PerAircraft::default(),
        })
    }


    fn save(&self) -> Result<Vec<u8>, StateError> {
        Ok(postcard::to_allocvec(&self.aircraft)?)
    }

    fn restore(&mut self, saved: &[u8]) -> Result<(), StateError> {
        self.aircraft = postcard::from_bytes(saved)?;
        Ok(())
    }

    fn on_report(&mut self, _: &Context, aircraft: &mut Aircraft, report: &Report) {
        let heading = self.aircraft.get_mut(aircraft.id);
        if let (Some(gs), Some(trk)) = (report.ground_speed_kt, report.track_deg) {
            heading.velocity = Some(Velocity {
                time: report.time,
                ground_speed_kt: gs,
                track_deg: trk,
                vertical_rate_fpm: report.vertical_rate_fpm.unwrap_or(0.0),
            });
        }
        heading.baro_ft = report.alt_baro_ft.or(heading.baro_ft);
        heading.geo_ft = report.alt_geo_ft.or(heading.geo_ft);
    }

    fn on_position(
        &mut self,
        cx: &Context,
        aircraft: &mut Aircraft,
        place: &mut Placement,
        out: &mut Emit,
    ) {
        let heading = self.aircraft.get_mut(aircraft.id);
        let cast = |settings: &PredictionSettings| {
            let velocity = heading.velocity?;
            let now = Altitude {
                on_ground: place.altitude.on_ground,
                baro_ft: heading.baro_ft,
                geo_ft: heading.geo_ft,
            };
            first_entry(
                settings,
                cx.airspace.index(),
                cx.airspace.current(),
                place.inside,
                place.fix.time,
                (place.fix.lat, place.fix.lon),
                &now,
                &velocity,
                cx.settings.altitude,
            )
        };
        let new = cast(&self.settings);
        place.predicted = new.map(|p| p.zone);
        // Hysteresis: an announced entry that slips just past the end of the window, or whose
        // velocity is a few seconds too old (velocity messages are missed in bursts), stands while
        // the path still reaches its zone within the window plus the re-announcement threshold,
        // cast from a velocity up to that threshold older. Without it, entries were cleared and
        // announced again report after report on long_flight (bench/RESULTS.md).
        let still_ahead = |old: &Predicted| {
            let wider = PredictionSettings {
                lookahead_ms: self.settings.lookahead_ms + self.settings.min_change_ms,
                max_age_ms: self.settings.max_age_ms + self.settings.min_change_ms,
                ..self.settings
            };
            cast(&wider).is_some_and(|p| p.zone == old.zone)
        };
        // What changes: the earlier announcement cleared (unless the aircraft moved into its zone,
        // whose ENTER fulfils it), a new one announced, and the one that stands.
        let fulfilled = |old: &Predicted| place.inside.binary_search(&old.zone).is_ok();
        let (cleared, announced, standing) = match (heading.standing, new) {
            // Not a material change: the earlier announcement stands.
            (Some(old), Some(n))
                if old.zone == n.zone
                    && (n.time.millis() - old.time.millis()).abs()
                        <= self.settings.min_change_ms =>
            {
                (None, None, Some(old))
            }
            (Some(old), None) if !fulfilled(&old) && still_ahead(&old) => (None, None, Some(old)),
            (Some(old), n) => {
                let moved = n.is_none_or(|n| n.zone != old.zone);
                ((moved && !fulfilled(&old)).then_some(old.zone), n, n)
            }
            (None, n) => (None, n, n),
        };
        heading.standing = standing;
        let track = &mut *aircraft.track;
        if let Some(z) = cleared {
            out(cx.judged_event(
                EventKind::PredictionCleared,
                z,
                track,
                &place.fix,
                &place.altitude,
            ));
        }
        if let Some(n) = announced {
            let mut event = cx.judged_event(
                EventKind::PredictedEntry,
                n.zone,
                track,
                &place.fix,
                &place.altitude,
            );
            event.predicted = Some(PredictedPoint {
                predicted_time: n.time,
                predicted_lat: n.lat,
                predicted_lon: n.lon,
            });
            out(event);
        }
    }

    /// A standing prediction follows its zone into the new set, or is forgotten with it.
    fn zones_replaced(&mut self, _: &Airspace, remap: &Remap) {
        for heading in self.aircraft.iter_mut() {
            heading.standing = heading
                .standing
                .and_then(|p| remap.zone(p.zone).map(|zone| Predicted { zone, ..p }));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::*;
    use crate::{Engine, PredictionSettings};
    use nofly_model::{ActiveInterval, Event, EventKind, EventTime, Report, VerticalBand, Zone};

    fn run_predicting(zones: &[Zone], reports: &[Report]) -> Vec<Event> {
        run_engine(
            Engine::new(zones).with_prediction(PredictionSettings::default()),
            reports,
        )
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
        // Positions keep coming but the velocity stops: stale after 10 s, and an announcement
        // standing is cleared once it is 40 s old (the look-ahead's 10 s plus the 30 s threshold).
        let mut stale = eastbound(6, -0.2, 360.0);
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
    fn an_entry_at_the_horizon_is_not_cleared_and_announced_again() {
        // Synthetic: flying east at 360 kt towards the zone, reporting every 2 s from 0.25° west
        // of it, the reported ground speed wobbling between 352 and 368 kt: for some seconds the
        // entry is inside the two-minute window at one report and just past it at the next.
        let z = [square_zone("Z", VerticalBand::everything(), vec![])];
        let step_deg = 360.0 * 1852.0 / 3600.0 * 2.0 / 111_195.0;
        let track: Vec<Report> = (0..90)
            .map(|i| {
                let mut r = report(i * 2_000, 0.5, -0.25 + step_deg * i as f64, Some(30_000.0));
                r.ground_speed_kt = Some(if i % 2 == 0 { 368.0 } else { 352.0 });
                r.track_deg = Some(90.0);
                r
            })
            .collect();
        let kinds: Vec<EventKind> = run_predicting(&z, &track).iter().map(|e| e.kind).collect();
        assert_eq!(kinds, [EventKind::PredictedEntry, EventKind::Enter]);
    }

    #[test]
    fn a_standing_prediction_follows_its_zone_across_a_reload() {
        // Synthetic: predicted to enter Z; the set is reloaded with another zone first, so Z's
        // index changes: the prediction stands (nothing cleared, nothing announced again).
        let z = square_zone("Z", VerticalBand::everything(), vec![]);
        let mut far = square_zone("FAR", VerticalBand::everything(), vec![]);
        far.shape = nofly_model::Shape::Circle {
            lat: 40.0,
            lon: 40.0,
            radius_m: 1_000.0,
        };
        let track = eastbound(3, -0.2, 360.0);
        let mut engine =
            Engine::new(std::slice::from_ref(&z)).with_prediction(PredictionSettings::default());
        let mut kinds = Vec::new();
        engine.process(&track[0], &mut |e| kinds.push(e.kind));
        engine.replace_zones(&[far, z]);
        for r in &track[1..] {
            engine.process(r, &mut |e| kinds.push(e.kind));
        }
        assert_eq!(kinds, [EventKind::PredictedEntry]);
    }
}
