//! Engine throughput on the real Kaliningrad sample (OpenSky, fetched by `nofly demo` into
//! $NOFLY_CACHE), and the exact polygon test against `geo::Contains` on the same national-airspace
//! zones, which is why `nofly-spatial` has its own strip index.
//!
//! Run: `NOFLY_CACHE=.cache/nofly cargo bench -p nofly-engine` (after `make demo` once).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use geo::Contains;
use nofly_engine::{Engine, PredictionSettings};
use nofly_model::{Report, Shape};
use nofly_sources::sort_reports;
use std::hint::black_box;
use std::path::PathBuf;

fn zones() -> Vec<nofly_model::Zone> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/zones/kaliningrad-closures-2022.geojson"
    );
    nofly_zones::read_geojson(path, &std::fs::read_to_string(path).unwrap()).zones
}

fn reports() -> Option<Vec<Report>> {
    let cache = std::env::var_os("NOFLY_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("../../.cache/nofly"));
    let path = cache.join("opensky-kaliningrad-2022.parquet");
    if !path.exists() {
        eprintln!(
            "{} missing: run `make demo` first; skipping the engine benchmark",
            path.display()
        );
        return None;
    }
    let mut out = Vec::new();
    nofly_sources::read_file(
        &path,
        None,
        0,
        Default::default(),
        &mut |r| out.push(r),
        &mut |_, _| {},
    )
    .unwrap();
    sort_reports(&mut out);
    Some(out)
}

fn engine(c: &mut Criterion) {
    let zones = zones();
    let Some(reports) = reports() else { return };
    let mut g = c.benchmark_group("engine");
    g.throughput(Throughput::Elements(reports.len() as u64));
    g.sample_size(20);
    // The index is built once, outside the timed loop: what is measured is the engine's work per
    // report, as the summary's "engine alone" figure.
    let run = |engine: &mut Engine| {
        let mut n = 0u64;
        for r in &reports {
            engine.process(r, &mut |_| n += 1);
        }
        engine.finish(&mut |_| n += 1);
        black_box(n)
    };
    g.bench_function("kaliningrad_8_zones", |b| {
        b.iter_batched_ref(
            || Engine::new(&zones),
            run,
            criterion::BatchSize::LargeInput,
        )
    });
    // Every alerting option on (the demo's zones): prediction, signal loss, closest approach.
    g.bench_function("kaliningrad_8_zones_alerting", |b| {
        b.iter_batched_ref(
            || {
                Engine::new(&zones)
                    .with_prediction(PredictionSettings::default())
                    .with_signal_loss(60_000)
                    .with_closest_approach(18_520.0)
            },
            run,
            criterion::BatchSize::LargeInput,
        )
    });
    g.finish();
}

fn point_in_polygon(c: &mut Criterion) {
    let zones = zones();
    let Some(reports) = reports() else { return };
    let points: Vec<(f64, f64)> = reports
        .iter()
        .filter_map(|r| r.position)
        .take(100_000)
        .collect();
    let fi = zones.iter().find(|z| z.id == "FI").unwrap();
    let Shape::Polygons(mp) = &fi.shape else {
        unreachable!()
    };
    let index = nofly_spatial::PolygonIndex::new(mp);
    let mut g = c.benchmark_group("point_in_finland_airspace");
    g.throughput(Throughput::Elements(points.len() as u64));
    g.sample_size(10);
    g.bench_function("nofly_strip_index", |b| {
        b.iter(|| {
            points
                .iter()
                .filter(|(lat, lon)| index.contains(*lon, *lat))
                .count()
        })
    });
    g.bench_function("geo_contains", |b| {
        b.iter(|| {
            points
                .iter()
                .filter(|(lat, lon)| mp.contains(&geo::Point::new(*lon, *lat)))
                .count()
        })
    });
    g.finish();
}

criterion_group!(benches, engine, point_in_polygon);
criterion_main!(benches);
