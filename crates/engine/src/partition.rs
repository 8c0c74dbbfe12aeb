//! One engine per group of aircraft: which engine owns an aircraft, and the order that merges
//! the engines' events into exactly the order one engine would have raised them in.
//!
//! Every rule keeps per-aircraft state only, so a replay can run on several cores by giving each
//! aircraft to one engine ([`owner`]) and letting the others see its reports only as clock ticks
//! ([`crate::Engine::advance_clock`]: signal loss runs on the clock of everyone's data). For the
//! report at one position in the stream, only its own aircraft's engine raises events of the
//! report; the other engines can raise only SIGNAL_LOST, which one engine raises before anything
//! else of that report, in deadline then address order. At the end of a recording come the
//! SIGNAL_LOST of aircraft still inside (deadline then address), then the CLOSEST_APPROACH of
//! passes under way (address order). [`merge_rank`] is that order: sorting the events of one
//! report position (or of the end) from all engines by it, stably and engine by engine, gives
//! one engine's order. Interference zones (`--gnss`) are judged on everyone's reports and are not
//! partitioned.

use nofly_model::{Event, EventKind, Icao24};

/// The engine, of `parts`, that owns an aircraft: a multiplicative hash of the address, so that
/// neighbouring addresses (one operator's fleet) spread over the engines.
pub fn owner(icao: Icao24, parts: usize) -> usize {
    let spread = u64::from(icao.0).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32;
    (spread % parts.max(1) as u64) as usize
}

/// Where an event goes among the events of the same report position (`at_end` false) or of the
/// end of the recording (`at_end` true) raised by several engines: SIGNAL_LOST first by deadline
/// and address; at the end, then CLOSEST_APPROACH by address; then everything else, which only
/// the report's own aircraft's engine raises, already in order.
pub fn merge_rank(event: &Event, at_end: bool) -> (u8, i64, u32) {
    let icao = event.icao24.map_or(0, |i| i.0);
    match event.kind {
        EventKind::SignalLost => (0, event.time.millis(), icao),
        EventKind::ClosestApproach if at_end => (1, 0, icao),
        _ => (2, 0, 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::*;
    use crate::Engine;
    use nofly_model::{Report, VerticalBand};

    /// Synthetic: aircraft crossing one zone at staggered times, several silent inside it, so
    /// that signal loss and closest approach raise events for many aircraft at one report and at
    /// the end.
    fn traffic() -> Vec<Report> {
        let mut reports = Vec::new();
        for a in 0..40u32 {
            for step in 0..30i64 {
                if a % 3 == 0 && step > 12 {
                    continue; // silent inside the zone
                }
                let mut r = report(
                    step * 10_000 + i64::from(a % 5) * 1_000,
                    -0.5 + step as f64 * 0.07,
                    0.2 + f64::from(a) * 0.03,
                    None,
                );
                r.icao = Icao24(0x100000 + a * 7);
                reports.push(r);
            }
        }
        reports.sort_by_key(|r| r.time);
        reports
    }

    fn engine(zones: &[nofly_model::Zone]) -> Engine {
        Engine::new(zones)
            .with_signal_loss(25_000)
            .with_closest_approach(20_000.0)
    }

    #[test]
    fn partitioned_engines_merge_into_one_engines_order() {
        let z = [square_zone("Z", VerticalBand::everything(), vec![])];
        let reports = traffic();
        let one = run_to_end(engine(&z), &reports);
        assert!(one.iter().any(|e| e.kind == EventKind::SignalLost));
        assert!(one.iter().any(|e| e.kind == EventKind::ClosestApproach));
        for parts in [2, 3, 7] {
            let mut engines: Vec<Engine> = (0..parts).map(|_| engine(&z)).collect();
            let mut merged = Vec::new();
            let mut step = |events: Vec<Vec<Event>>, at_end: bool| {
                let mut all: Vec<Event> = events.into_iter().flatten().collect();
                all.sort_by_key(|e| merge_rank(e, at_end));
                merged.extend(all);
            };
            for r in &reports {
                let per: Vec<Vec<Event>> = engines
                    .iter_mut()
                    .enumerate()
                    .map(|(p, e)| {
                        let mut out = Vec::new();
                        if owner(r.icao, parts) == p {
                            e.process(r, &mut |ev| out.push(ev));
                        } else {
                            e.advance_clock(r, &mut |ev| out.push(ev));
                        }
                        out
                    })
                    .collect();
                step(per, false);
            }
            let ends = engines
                .iter_mut()
                .map(|e| {
                    let mut out = Vec::new();
                    e.finish(&mut |ev| out.push(ev));
                    out
                })
                .collect();
            step(ends, true);
            assert_eq!(merged, one, "{parts} engines");
        }
    }
}
