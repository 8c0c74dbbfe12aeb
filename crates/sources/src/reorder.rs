//! Putting one input's reports in event-time order within a bounded window (`--reorder-window`).
//!
//! Receivers write reports nearly in time order: readsb's SBS output and OpenSky's hourly files
//! are out of order by a few seconds at most. [`Reorder`] holds the reports of the last `window`
//! of event time and releases each once no report within the window can come before it, so an
//! input that is in order within the window comes out exactly as a stable sort of the whole input
//! would put it, in memory bounded by the window rather than the input's length. A report more than
//! the window out of order is *late*: it is released at once, counted and its place kept (the
//! engine then treats it as a live feed's late report).

use nofly_model::Report;
use std::collections::VecDeque;

/// How many late reports are kept by place for messages.
const KEPT_LATE: usize = 5;

/// One input's reorder buffer.
#[derive(Debug)]
pub struct Reorder {
    /// The window, milliseconds of event time; `None` holds everything until [`Reorder::drain`].
    window_ms: Option<i64>,
    /// Reports held, in time order (ties in arrival order).
    held: VecDeque<Report>,
    /// The newest time seen.
    newest: i64,
    /// The time of the last report released (a report before it is late).
    released: i64,
    /// Reports released late.
    pub late: u64,
    /// The first late reports: record number and how far (ms) before an already released report.
    pub first_late: Vec<(u64, i64)>,
}

impl Reorder {
    /// A buffer of `window_ms` of event time; `None` keeps everything and sorts it at the end.
    pub fn new(window_ms: Option<i64>) -> Self {
        Reorder {
            window_ms,
            held: VecDeque::new(),
            newest: i64::MIN,
            released: i64::MIN,
            late: 0,
            first_late: Vec::new(),
        }
    }

    /// Takes a report; appends to `out` every report that can no longer be preceded.
    #[inline]
    pub fn push(&mut self, report: Report, out: &mut Vec<Report>) {
        let t = report.time.millis();
        let Some(window) = self.window_ms else {
            self.held.push_back(report);
            return;
        };
        if t < self.released {
            self.late += 1;
            if self.first_late.len() < KEPT_LATE {
                self.first_late
                    .push((report.source.record, self.released - t));
            }
            out.push(report);
            return;
        }
        if t >= self.newest {
            self.newest = t;
            if window == 0 && self.held.is_empty() {
                self.released = t;
                out.push(report);
                return;
            }
            self.held.push_back(report);
        } else {
            // After every held report of the same time or earlier: ties keep arrival order.
            let at = self.held.partition_point(|r| r.time.millis() <= t);
            self.held.insert(at, report);
        }
        let until = self.newest.saturating_sub(window);
        while let Some(first) = self.held.front() {
            if first.time.millis() > until {
                break;
            }
            self.released = first.time.millis();
            out.extend(self.held.pop_front());
        }
    }

    /// The end of the input: everything still held, in order, in batches of up to `batch`
    /// (sorted in place and handed out from the front, so that the input is held once).
    pub fn drain(&mut self, batch: usize, out: &mut dyn FnMut(Vec<Report>)) {
        if self.window_ms.is_none() {
            crate::sort_reports(self.held.make_contiguous());
        }
        while !self.held.is_empty() {
            let n = batch.max(1).min(self.held.len());
            out(self.held.drain(..n).collect());
        }
        self.held = VecDeque::new();
    }

    /// Reports held now.
    #[cfg(test)]
    fn held(&self) -> usize {
        self.held.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nofly_model::{EventTime, Icao24, SourceRef};

    fn r(t: i64, record: u64) -> Report {
        Report::new(
            EventTime::from_millis(t),
            Icao24(1),
            SourceRef { input: 0, record },
        )
    }

    fn run(window: Option<i64>, times: &[i64]) -> (Vec<(i64, u64)>, u64) {
        let mut b = Reorder::new(window);
        let mut out = Vec::new();
        for (i, &t) in times.iter().enumerate() {
            b.push(r(t, i as u64), &mut out);
        }
        b.drain(3, &mut |batch| out.extend(batch));
        (
            out.iter()
                .map(|r| (r.time.millis(), r.source.record))
                .collect(),
            b.late,
        )
    }

    #[test]
    fn disorder_within_the_window_comes_out_as_a_stable_sort() {
        let times = [0, 5, 3, 3, 9, 7, 7, 12, 10, 15];
        let mut expected: Vec<(i64, u64)> = times
            .iter()
            .enumerate()
            .map(|(i, &t)| (t, i as u64))
            .collect();
        expected.sort_by_key(|p| p.0);
        for window in [Some(2), Some(3), Some(100), None] {
            assert_eq!(run(window, &times), (expected.clone(), 0), "{window:?}");
        }
    }

    #[test]
    fn a_report_beyond_the_window_is_late_released_at_once_and_counted() {
        let (order, late) = run(Some(2), &[0, 10, 20, 3, 21]);
        assert_eq!(late, 1);
        // 3 came after 10 had been released (20 - 2 > 10): it goes out where it arrived.
        assert_eq!(order, [(0, 0), (10, 1), (3, 3), (20, 2), (21, 4)]);
    }

    #[test]
    fn a_zero_window_passes_ordered_input_through_without_holding_it() {
        let mut b = Reorder::new(Some(0));
        let mut out = Vec::new();
        for t in [1, 1, 2, 5] {
            b.push(r(t, 0), &mut out);
            assert_eq!(b.held(), 0);
        }
        assert_eq!(out.len(), 4);
    }
}
