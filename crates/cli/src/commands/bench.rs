//! `nofly bench`: nofly's own speed on the user's zones, so that the core figures in
//! bench/RESULTS.md can be reproduced anywhere: `geofence` (the zone index alone, point-in-zone
//! queries per second) and `engine` (detection on synthetic traffic, reports per second and memory
//! per tracked aircraft).

use crate::zone_loading::load_zones;
use anyhow::{ensure, Context, Result};
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
    let [min_lon, min_lat, max_lon, max_lat] =
        index.extent().context("no zone to measure against")?;
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

/// Resident memory of this process in bytes (Linux `/proc/self/statm`), 0 where unavailable.
fn resident_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map_or(0, |pages| pages * 4096)
}

/// Runs the detection engine on synthetic traffic (named so): `aircraft` aircraft flying straight
/// at 250 kt through the zones' bounding box, one position a second each, round-robin, `reports`
/// reports in all; prints reports/s and the engine's memory per tracked aircraft.
pub fn engine(
    files: &[PathBuf],
    aircraft: u32,
    reports: u64,
    seed: u64,
    json: bool,
) -> Result<ExitCode> {
    ensure!(
        aircraft > 0 && reports > 0,
        "--aircraft and --reports must be at least 1"
    );
    let zones = load_zones(files, false)?;
    let index = ZoneIndex::new(&zones.zones);
    let [min_lon, min_lat, max_lon, max_lat] =
        index.extent().context("no zone to measure against")?;
    drop(index);
    let mut rng = SplitMix(seed);
    // Position and per-second step in degrees (250 kt ≈ 0.00116° of latitude a second).
    let mut state: Vec<(f64, f64, f64, f64)> = (0..aircraft)
        .map(|_| {
            let heading = rng.unit() * std::f64::consts::TAU;
            let lat = min_lat + rng.unit() * (max_lat - min_lat);
            let step = 250.0 * 1852.0 / 3600.0 / 111_320.0;
            let lon = min_lon + rng.unit() * (max_lon - min_lon);
            let east = step * heading.sin() / lat.to_radians().cos().max(0.01);
            (lat, lon, step * heading.cos(), east)
        })
        .collect();
    // Start when every zone that has an activation start has started.
    let start_ms = zones
        .zones
        .iter()
        .flat_map(|z| z.active.iter().filter_map(|i| i.from))
        .max()
        .map_or(0, |t| t.millis());
    let mut engine = nofly_engine::Engine::new(&zones.zones);
    let before = resident_bytes();
    let mut events = 0u64;
    let started = Instant::now();
    for i in 0..reports {
        let a = (i % u64::from(aircraft)) as usize;
        let s = &mut state[a];
        s.0 = (s.0 + s.2).clamp(-89.9, 89.9);
        s.1 = (s.1 + s.3 + 540.0) % 360.0 - 180.0;
        let time =
            nofly_model::EventTime::from_millis(start_ms + (i / u64::from(aircraft)) as i64 * 1000);
        let mut r = nofly_model::Report::new(
            time,
            nofly_model::Icao24(a as u32),
            nofly_model::SourceRef::default(),
        );
        r.position = Some((s.0, s.1));
        r.alt_baro_ft = Some(35_000.0);
        engine.process(&r, &mut |_| events += 1);
    }
    let wall = started.elapsed().as_secs_f64();
    let per_aircraft = resident_bytes().saturating_sub(before) as f64 / f64::from(aircraft);
    let rate = reports as f64 / wall;
    if json {
        println!(
            "{}",
            serde_json::json!({
                "zones": zones.zones.len(), "aircraft": aircraft, "reports": reports,
                "wall_s": wall, "reports_per_s": rate, "events": events,
                "resident_bytes_per_aircraft": per_aircraft,
            })
        );
    } else {
        println!(
            "engine: {reports} synthetic reports from {aircraft} aircraft against {} zones in {wall:.3} s = {:.2} M reports/s, {events} events; {per_aircraft:.0} bytes of resident memory per tracked aircraft",
            zones.zones.len(),
            rate / 1e6
        );
    }
    Ok(ExitCode::SUCCESS)
}
