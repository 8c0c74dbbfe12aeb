//! Zone index: build time and point queries (candidates from the cell grid, then the exact test) for a
//! synthetic set of 10,000 zones (named synthetic: random circles and 24-gons over Europe) and
//! 1,000 zones, with uniformly random points over the same area.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use geo_types::{LineString, MultiPolygon, Polygon};
use nofly_model::{Shape, VerticalBand, Zone, ZoneKind};
use nofly_spatial::ZoneIndex;
use std::hint::black_box;

struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn synthetic_zones(n: usize, rng: &mut Lcg) -> Vec<Zone> {
    (0..n)
        .map(|i| {
            let (lat, lon) = (35.0 + rng.next() * 30.0, -10.0 + rng.next() * 40.0);
            let size = 0.02 + rng.next() * 0.3;
            let shape = if i % 2 == 0 {
                Shape::Circle {
                    lat,
                    lon,
                    radius_m: size * 111_000.0 / 2.0,
                }
            } else {
                let ring: Vec<(f64, f64)> = (0..24)
                    .map(|k| {
                        let a = k as f64 / 24.0 * std::f64::consts::TAU;
                        let r = size * (0.6 + 0.4 * rng.next());
                        (
                            lon + r * a.cos() / lat.to_radians().cos(),
                            lat + r * a.sin(),
                        )
                    })
                    .collect();
                Shape::Polygons(MultiPolygon(vec![Polygon::new(
                    LineString::from(ring),
                    vec![],
                )]))
            };
            Zone {
                id: format!("SYNTH-{i}"),
                name: String::new(),
                kind: ZoneKind::Custom,
                shape,
                band: VerticalBand::everything(),
                active: vec![],
                version: String::new(),
                exempt: Default::default(),
            }
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let mut rng = Lcg(7);
    let points: Vec<(f64, f64)> = (0..200_000)
        .map(|_| (35.0 + rng.next() * 30.0, -10.0 + rng.next() * 40.0))
        .collect();
    for n in [1_000usize, 10_000] {
        let zones = synthetic_zones(n, &mut rng);
        let mut g = c.benchmark_group(format!("synthetic_{n}_zones"));
        g.sample_size(10);
        g.bench_function("build", |b| b.iter(|| black_box(ZoneIndex::new(&zones))));
        let index = ZoneIndex::new(&zones);
        g.throughput(Throughput::Elements(points.len() as u64));
        g.bench_function("query", |b| {
            b.iter(|| {
                let mut inside = 0usize;
                for (lat, lon) in &points {
                    inside += index
                        .candidates(*lat, *lon)
                        .iter()
                        .filter(|c| index.candidate_contains(**c, *lat, *lon))
                        .count();
                }
                black_box(inside)
            })
        });
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
