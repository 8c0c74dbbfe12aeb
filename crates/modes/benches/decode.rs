//! Decoder throughput on the real recordings: CRC check alone, full decode, and decode with
//! per-aircraft tracking (CPR), in messages per second on one core.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use nofly_modes::{crc::syndrome, decode, Repair, Tracked, Tracker};
use std::hint::black_box;
use std::io::Read;

fn frames(name: &str) -> Vec<(i64, Vec<u8>)> {
    let path = format!("{}/../../data/modes/{name}", env!("CARGO_MANIFEST_DIR"));
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap())
        .read_to_string(&mut text)
        .unwrap();
    let hex = |s: &str| {
        let mut buf = [0u8; 14];
        let n = nofly_modes::hex_to_bytes(s, &mut buf).unwrap_or(0);
        buf[..n].to_vec()
    };
    text.lines()
        .enumerate()
        .filter_map(|(i, l)| match l.split_once(',') {
            Some((t, h)) => Some(((t.parse::<f64>().ok()? * 1000.0) as i64, hex(&h[18..]))),
            None => Some((
                i as i64 * 10,
                hex(l.trim().trim_start_matches('*').trim_end_matches(';')),
            )),
        })
        .filter(|(_, f)| f.len() == 7 || f.len() == 14)
        .collect()
}

fn bench(c: &mut Criterion) {
    for name in ["long_flight.csv.gz", "lax-messages.txt.gz"] {
        let data = frames(name);
        let mut g = c.benchmark_group(name.split('.').next().unwrap().to_string());
        g.throughput(Throughput::Elements(data.len() as u64));
        g.sample_size(20);
        g.bench_function("crc_only", |b| {
            b.iter(|| {
                data.iter()
                    .map(|(_, f)| syndrome(f))
                    .fold(0u32, |a, s| a ^ s)
            })
        });
        g.bench_function("decode", |b| {
            b.iter(|| {
                data.iter()
                    .filter(|(_, f)| decode(f, Repair::ExtendedSquitter).is_ok())
                    .count()
            })
        });
        g.bench_function("decode_and_track", |b| {
            b.iter(|| {
                let mut tracker = Tracker::new(Some((43.63, 1.37)));
                let mut positions = 0;
                for (t, f) in &data {
                    if let Ok(m) = decode(f, Repair::ExtendedSquitter) {
                        if let Tracked::Accepted { position: Some(_) } = tracker.update(*t, &m) {
                            positions += 1;
                        }
                    }
                }
                black_box(positions)
            })
        });
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
