//! `nofly gnss`: GNSS interference and spoofing in recorded data, per H3 cell and window.

use crate::pipeline::stream_inputs;
use crate::GnssArgs;
use anyhow::{Context, Result};
use nofly_gnss::{CellState, GnssMonitor, GnssSettings};
use nofly_model::EventTime;
use std::collections::BTreeMap;
use std::process::ExitCode;

/// Reads the inputs, runs the monitor, writes the cells and prints what was raised.
pub fn run(args: GnssArgs) -> Result<ExitCode> {
    let options = args.input.options()?;
    anyhow::ensure!(args.window > 0, "--window must be at least 1 second");
    let resolutions = args
        .resolutions
        .iter()
        .map(|&r| {
            h3o::Resolution::try_from(r)
                .map_err(|_| anyhow::anyhow!("--resolution {r}: H3 resolutions are 0 to 15"))
        })
        .collect::<Result<Vec<_>>>()?;
    let mut monitor = GnssMonitor::new(GnssSettings {
        resolutions,
        window_ms: i64::from(args.window) * 1000,
        ..GnssSettings::default()
    });
    stream_inputs(&args.inputs, &options, &mut |batch| {
        for r in &batch {
            monitor.observe(r);
        }
    })?;
    monitor.finish();
    let cells = monitor.geojson(|w| args.all || w.affected > 0 || w.state != CellState::Normal);
    let written = cells["features"].as_array().map_or(0, Vec::len);
    std::fs::write(&args.out, serde_json::to_string(&cells)? + "\n")
        .with_context(|| format!("{}: cannot write", args.out.display()))?;

    if let Some(dir) = &args.png_dir {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("{}: cannot create", dir.display()))?;
        let coarsest = args.resolutions.iter().copied().min().unwrap_or(4);
        let maps = nofly_gnss::daily_maps(&monitor.windows, coarsest, &basemap())
            .map_err(anyhow::Error::msg)?;
        for (day, png) in &maps {
            let path = dir.join(format!("cells-{day}.png"));
            std::fs::write(&path, png)
                .with_context(|| format!("{}: cannot write", path.display()))?;
        }
        eprintln!(
            "nofly gnss: {} daily map(s) in {}",
            maps.len(),
            dir.display()
        );
    }
    eprintln!(
        "nofly gnss: {} positions, {} with NIC or NACp ({} degraded), {} cell windows; {} written to {}",
        monitor.reports,
        monitor.judged_reports,
        monitor.degraded_reports,
        monitor.windows.len(),
        written,
        args.out.display()
    );
    let mut signs: BTreeMap<String, u32> = BTreeMap::new();
    for w in &monitor.windows {
        for (sign, n) in &w.indicators {
            *signs
                .entry(
                    serde_json::to_value(sign)?
                        .as_str()
                        .unwrap_or_default()
                        .to_string(),
                )
                .or_default() += n;
        }
    }
    if !signs.is_empty() {
        let list: Vec<String> = signs.iter().map(|(k, n)| format!("{k} {n}")).collect();
        eprintln!(
            "  spoofing signs (aircraft × cell windows): {}",
            list.join(", ")
        );
    }
    // Raised periods per cell, from the transitions.
    let mut open: BTreeMap<(u8, String), (CellState, EventTime)> = BTreeMap::new();
    let mut periods = Vec::new();
    for t in &monitor.transitions {
        let key = (t.resolution, t.cell.clone());
        if let Some((state, since)) = open.remove(&key) {
            periods.push((key.0, key.1.clone(), state, since, Some(t.time)));
        }
        if t.to != CellState::Normal {
            // Raised by what the window before this time saw: the period starts with that window.
            let start = EventTime::from_millis(t.time.millis() - i64::from(args.window) * 1000);
            open.insert(key, (t.to, start));
        }
    }
    periods.extend(
        open.into_iter()
            .map(|((res, cell), (state, since))| (res, cell, state, since, None)),
    );
    periods.sort_by(|a, b| (a.3, a.0, &a.1).cmp(&(b.3, b.0, &b.1)));
    if periods.is_empty() {
        println!("no cell raised: every cell stayed NORMAL");
    }
    for (res, cell, state, since, until) in periods {
        let worst = monitor
            .windows
            .iter()
            .filter(|w| w.cell == cell && w.end > since && until.is_none_or(|u| w.end <= u))
            .max_by(|a, b| a.lower_bound.total_cmp(&b.lower_bound));
        let (lat, lon) = cell
            .parse::<h3o::CellIndex>()
            .map(|c| {
                let centre = h3o::LatLng::from(c);
                (centre.lat(), centre.lng())
            })
            .unwrap_or_default();
        println!(
            "{:<12} res {res} {cell} ({lat:.2}, {lon:.2}) from {since} to {}{}",
            format!("{state:?}").to_uppercase(),
            until.map_or("the end of the data (still raised)".to_string(), |u| u
                .to_string()),
            worst.map_or(String::new(), |w| format!(
                "; worst window {} of {} aircraft affected, lower bound {:.2}",
                w.affected, w.aircraft, w.lower_bound
            )),
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Land and borders from the Natural Earth basemap built into the binary with the web map (empty
/// when the map was not built).
fn basemap() -> nofly_gnss::Basemap {
    let parse = |name: &str| -> serde_json::Value {
        nofly_server::embedded_file(name)
            .and_then(|bytes| serde_json::from_slice(bytes).ok())
            .unwrap_or_default()
    };
    let ring = |r: &serde_json::Value| -> Vec<[f64; 2]> {
        r.as_array()
            .map(|points| {
                points
                    .iter()
                    .filter_map(|p| Some([p.get(0)?.as_f64()?, p.get(1)?.as_f64()?]))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut map = nofly_gnss::Basemap::default();
    for f in parse("basemap-countries.json")["features"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let g = &f["geometry"];
        let polygons: Vec<&serde_json::Value> = match g["type"].as_str() {
            Some("Polygon") => vec![&g["coordinates"]],
            Some("MultiPolygon") => g["coordinates"].as_array().into_iter().flatten().collect(),
            _ => Vec::new(),
        };
        for polygon in polygons {
            map.land
                .extend(polygon.as_array().into_iter().flatten().take(1).map(ring));
        }
    }
    let borders = parse("basemap-borders.json");
    map.borders = borders["geometry"]["coordinates"]
        .as_array()
        .into_iter()
        .flatten()
        .map(ring)
        .collect();
    map
}
