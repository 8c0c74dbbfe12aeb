//! Decoding throughput of a raw ASTERIX block file: blocks split, records measured and read into
//! targets and service messages, on one core. The file is named by NOFLY_ASTERIX_BENCH
//! (bench/asterix_peers.py builds it from asterix_decoder's sample captures, which are not
//! committed); prints one JSON line: records, best seconds of five runs, records a second.

use nofly_asterix::{blocks, interpret, records, Editions};
use std::hint::black_box;
use std::time::Instant;

fn main() {
    let Ok(path) = std::env::var("NOFLY_ASTERIX_BENCH") else {
        eprintln!("NOFLY_ASTERIX_BENCH is not set: run bench/asterix_peers.py");
        return;
    };
    let data = std::fs::read(&path).expect("the bench input");
    let editions = Editions::default();
    let mut best = f64::INFINITY;
    let mut count = 0u64;
    for _ in 0..5 {
        let started = Instant::now();
        count = 0;
        for block in blocks(&data).map_while(Result::ok) {
            for record in records(block, &editions).map_while(Result::ok) {
                black_box(interpret(&record));
                count += 1;
            }
        }
        best = best.min(started.elapsed().as_secs_f64());
    }
    println!(
        "{{\"records\": {count}, \"seconds\": {best:.6}, \"records_per_s\": {:.0}}}",
        count as f64 / best
    );
}
