//! What serving costs: the live monitor's work per report (`watch --http` calls it for every
//! report, beside the engine), and answering "where was everyone at T" on a replay, the request the
//! map makes several times a second while a replay plays. Synthetic traffic: aircraft flying
//! straight at 250 kt, one position a second each.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use nofly_model::{EventTime, Icao24, Report, SourceRef};
use nofly_server::{Mode, Monitor};
use nofly_zones::{read_zone_file, ZoneSet};
use std::hint::black_box;

const ZONES: &str = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"Z","radius_m":1000},"geometry":{"type":"Point","coordinates":[0,0]}}]}"#;

fn zones() -> ZoneSet {
    let (_, read) = read_zone_file("synthetic", ZONES);
    ZoneSet::from_files(vec![("synthetic".into(), read)]).unwrap()
}

/// `seconds` of reports from `aircraft` aircraft, in time order.
fn traffic(aircraft: u32, seconds: i64) -> Vec<Report> {
    let mut out = Vec::with_capacity(aircraft as usize * seconds as usize);
    for t in 0..seconds {
        for a in 0..aircraft {
            let mut r = Report::new(
                EventTime::from_millis(1_700_000_000_000 + t * 1000),
                Icao24(0x400000 + a),
                SourceRef {
                    input: 0,
                    record: out.len() as u64,
                },
            );
            let lat = 40.0 + f64::from(a % 100) * 0.1;
            let lon = -10.0 + f64::from(a / 100) * 0.1 + t as f64 * 0.0019;
            r.position = Some((lat, lon));
            r.alt_baro_ft = Some(35_000.0);
            r.track_deg = Some(90.0);
            r.ground_speed_kt = Some(250.0);
            out.push(r);
        }
    }
    out
}

fn live_observe(c: &mut Criterion) {
    let reports = traffic(1_000, 60);
    let set = zones();
    let mut group = c.benchmark_group("live monitor");
    group.throughput(Throughput::Elements(reports.len() as u64));
    group.bench_function("observe 60 s of 1,000 aircraft", |b| {
        b.iter_batched(
            || Monitor::new(Mode::Live, &set),
            |monitor| {
                for r in &reports {
                    monitor.observe(black_box(r));
                }
                monitor
            },
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

fn replay_at(c: &mut Criterion) {
    let reports = traffic(1_000, 3_600);
    let monitor = Monitor::replay(&zones(), &reports, &[]);
    let mut group = c.benchmark_group("replay monitor");
    group.throughput(Throughput::Elements(1));
    let mut t = 0;
    group.bench_function(
        "aircraft at T, 1,000 aircraft over 1 h, 300 s trails",
        |b| {
            b.iter(|| {
                t = (t + 7_919) % 3_600;
                let at = EventTime::from_millis(1_700_000_000_000 + t * 1000);
                black_box(monitor.aircraft(Some(at), 300_000).len())
            })
        },
    );
    group.finish();
}

criterion_group!(benches, live_observe, replay_at);
criterion_main!(benches);
