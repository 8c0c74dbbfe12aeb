//! rs1090 on nofly's benchmark recordings: decodes every frame (rs1090's full message decode) and
//! prints messages per second, best of three.

use rs1090::prelude::DekuContainerRead;
use std::io::Read;
use std::time::Instant;

fn frames(name: &str) -> Vec<Vec<u8>> {
    let path = format!("{}/../../data/modes/{name}", env!("CARGO_MANIFEST_DIR"));
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap()).read_to_string(&mut text).unwrap();
    let hex = |s: &str| (0..s.len() / 2).filter_map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok()).collect::<Vec<u8>>();
    text.lines()
        .map(|l| match l.split_once(',') {
            Some((_, h)) => hex(&h[18..]),
            None => hex(l.trim().trim_start_matches('*').trim_end_matches(';')),
        })
        .filter(|f| f.len() == 7 || f.len() == 14)
        .collect()
}

fn main() {
    for name in ["long_flight.csv.gz", "lax-messages.txt.gz"] {
        let data = frames(name);
        let mut best = f64::INFINITY;
        let mut ok = 0;
        for _ in 0..3 {
            let t = Instant::now();
            ok = data.iter().filter(|f| rs1090::prelude::Message::from_bytes((f, 0)).is_ok()).count();
            best = best.min(t.elapsed().as_secs_f64());
        }
        println!("rs1090 {name}: {} frames ({ok} decoded) in {best:.3} s = {:.0} msg/s", data.len(), data.len() as f64 / best);
    }
}
