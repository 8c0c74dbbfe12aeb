//! Event-time ordering of recorded reports.

use nofly_model::Report;

/// Sorts reports by event time; reports with equal times keep their input order (a stable sort).
/// Already-ordered input, the usual case for recordings, is detected in one pass and left alone.
pub fn sort_reports(reports: &mut [Report]) {
    if reports.windows(2).all(|w| w[0].time <= w[1].time) {
        return;
    }
    reports.sort_by_key(|r| r.time);
}

#[cfg(test)]
mod tests {
    use super::*;
    use nofly_model::{EventTime, Icao24, SourceRef};

    #[test]
    fn ties_keep_input_order() {
        let r = |t, rec| {
            Report::new(
                EventTime::from_millis(t),
                Icao24(1),
                SourceRef {
                    input: 0,
                    record: rec,
                },
            )
        };
        let mut v = vec![r(5, 1), r(1, 2), r(5, 3), r(1, 4)];
        sort_reports(&mut v);
        let order: Vec<u64> = v.iter().map(|r| r.source.record).collect();
        assert_eq!(order, [2, 4, 1, 3]);
    }
}
