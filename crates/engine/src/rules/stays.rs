//! ENTER and EXIT, the exact answer: an aircraft enters a zone at its first report inside and
//! leaves it at its first report outside (without `--min-dwell`; see `dwell_stays`).

use super::{Aircraft, Context, Emit, Moments, Rule};
use crate::airspace::Airspace;
use crate::placement::Placement;
use crate::settings::Settings;
use nofly_model::EventKind;

/// The exact stays rule; its state is the [`crate::Track`]'s `inside`, which it alone changes.
pub(crate) struct Stays;

impl Rule for Stays {
    const ACTS: Moments = Moments {
        on_position: true,
        ..Moments::NONE
    };

    fn new(settings: &Settings, _: &Airspace) -> Option<Self> {
        (settings.min_dwell_ms == 0).then_some(Stays)
    }


    #[inline]
    fn on_position(
        &mut self,
        cx: &Context,
        aircraft: &mut Aircraft,
        place: &mut Placement,
        out: &mut Emit,
    ) {
        let track = &mut *aircraft.track;
        if same_zones(place.inside, &track.inside) {
            return;
        }
        let mut before = std::mem::take(&mut track.inside);
        for &z in before
            .iter()
            .filter(|z| place.inside.binary_search(z).is_err())
        {
            out(cx.judged_event(EventKind::Exit, z, track, &place.fix, &place.altitude));
        }
        for &z in place
            .inside
            .iter()
            .filter(|z| before.binary_search(z).is_err())
        {
            out(cx.judged_event(EventKind::Enter, z, track, &place.fix, &place.altitude));
        }
        before.clear();
        before.extend_from_slice(place.inside);
        track.inside = before;
    }
}

/// Whether two sorted zone lists are equal. Compared element by element: `==` on the slices calls
/// libc's memcmp, which measured as more than half of the engine's time for these zero- to
/// few-element lists.
pub(crate) fn same_zones(a: &[u32], b: &[u32]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

#[cfg(test)]
mod tests {
    use crate::test_support::*;
    use crate::Engine;
    use geo_types::{polygon, MultiPolygon};
    use nofly_model::{ActiveInterval, EventKind, EventTime, Limit, Shape, VerticalBand, Zone};

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
        let reports: Vec<_> = track
            .iter()
            .enumerate()
            .map(|(t, (lat, lon))| report(t as i64, *lat, *lon, None))
            .collect();
        let events: Vec<(EventKind, i64, String)> = run(&zones, &reports)
            .into_iter()
            .map(|e| (e.0, e.1, e.2))
            .collect();
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
        let reports: Vec<_> = [5_000.0, 15_000.0, 5_000.0]
            .iter()
            .map(|alt| report(1_000, 0.5, 0.5, Some(*alt)))
            .collect();
        let numbered: Vec<(EventKind, String, u32)> =
            run_engine(Engine::new(&[low, high]), &reports)
                .into_iter()
                .map(|e| (e.kind, e.zone_id, e.same_instant))
                .collect();
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
    fn events_at_one_instant_get_distinct_ids() {
        let z = [square_zone("Z", VerticalBand::everything(), vec![])];
        let reports: Vec<_> = [(0.5, 0.5), (3.0, 3.0), (0.5, 0.5)]
            .iter()
            .map(|(lat, lon)| report(0, *lat, *lon, None))
            .collect();
        let mut ids: Vec<String> = run_engine(Engine::new(&z), &reports)
            .into_iter()
            .map(|e| e.id)
            .collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 3);
    }
}
