//! `nofly bench geofence`: the horizontal point-in-zone throughput of nofly's zone index alone, on
//! the user's own zones, so that the core figure in bench/RESULTS.md can be reproduced anywhere.

use crate::zone_loading::load_zones;
use anyhow::{ensure, Result};
use nofly_spatial::ZoneIndex;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

/// SplitMix64: a seeded, portable stream of points (the same seed gives the same points anywhere).
struct SplitMix(u64);

impl SplitMix {
    fn unit(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Builds the index of `files`' zones, then tests `points` uniformly random points in the zones'
/// bounding box on one thread; prints the timings (as JSON with `json`).
pub fn geofence(files: &[PathBuf], points: usize, seed: u64, json: bool) -> Result<ExitCode> {
    ensure!(points > 0, "--points must be at least 1");
    let zones = load_zones(files, false)?;
    let build_started = Instant::now();
    let index = ZoneIndex::new(&zones.zones);
    let build_s = build_started.elapsed().as_secs_f64();
    let (min_lon, min_lat, max_lon, max_lat) = (0..index.len() as u32)
        .flat_map(|z| index.bounding_boxes(z).iter())
        .fold(
            (
                f64::INFINITY,
                f64::INFINITY,
                f64::NEG_INFINITY,
                f64::NEG_INFINITY,
            ),
            |(a, b, c, d), x| (a.min(x[0]), b.min(x[1]), c.max(x[2]), d.max(x[3])),
        );
    let mut rng = SplitMix(seed);
    let coords: Vec<(f64, f64)> = (0..points)
        .map(|_| {
            (
                min_lat + rng.unit() * (max_lat - min_lat),
                min_lon + rng.unit() * (max_lon - min_lon),
            )
        })
        .collect();
    let started = Instant::now();
    let (mut inside_any, mut hits, mut candidates, mut exact) = (0u64, 0u64, 0u64, 0u64);
    for &(lat, lon) in &coords {
        let found = index.candidates(lat, lon);
        candidates += found.len() as u64;
        exact += found.iter().filter(|c| !c.surely_inside()).count() as u64;
        let n = found
            .iter()
            .filter(|c| index.candidate_contains(**c, lat, lon))
            .count() as u64;
        hits += n;
        inside_any += u64::from(n > 0);
    }
    let query_s = started.elapsed().as_secs_f64();
    let rate = points as f64 / query_s;
    let (cells, entries) = index.grid_size();
    let per_point = |n: u64| n as f64 / points as f64;
    if json {
        println!(
            "{}",
            serde_json::json!({
                "zones": index.len(), "zone_set": zones.content_hash(), "grid_cells": cells,
                "grid_entries": entries, "build_s": build_s, "points": points, "seed": seed,
                "bbox": [min_lon, min_lat, max_lon, max_lat], "query_s": query_s,
                "points_per_s": rate, "inside_fraction": per_point(inside_any),
                "hits": hits, "candidates_per_point": per_point(candidates),
                "exact_tests_per_point": per_point(exact),
            })
        );
    } else {
        println!(
            "zones: {} (zone set {}), grid {cells} cells holding {entries} zone entries",
            index.len(),
            &zones.content_hash()[..16]
        );
        println!("index build: {:.2} ms", build_s * 1e3);
        println!(
            "points: {points} uniform in lon {min_lon:.4}..{max_lon:.4}, lat {min_lat:.4}..{max_lat:.4} (seed {seed})"
        );
        println!(
            "queries: {query_s:.3} s on one thread = {:.2} M points/s; {:.2} % of points inside a zone; {:.3} candidate zones and {:.3} exact tests per point",
            rate / 1e6,
            per_point(inside_any) * 100.0,
            per_point(candidates),
            per_point(exact)
        );
    }
    Ok(ExitCode::SUCCESS)
}
