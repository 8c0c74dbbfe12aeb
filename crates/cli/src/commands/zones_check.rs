//! `nofly zones check` (validate zone files and summarise each zone) and `nofly zones export`
//! (the normalised GeoJSON of a zone set).

use crate::zone_loading::report_problems;
use anyhow::{Context, Result};
use nofly_model::{Shape, Zone};
use nofly_zones::ZoneSet;
use std::path::PathBuf;
use std::process::ExitCode;

/// Prints problems to stderr and one line per valid zone to stdout; exit 1 when any error.
pub fn run(files: &[PathBuf]) -> Result<ExitCode> {
    let mut any_error = false;
    let mut all = Vec::new();
    let mut per_format: std::collections::BTreeMap<nofly_zones::ZoneFormat, (usize, usize)> =
        std::collections::BTreeMap::new();
    for path in files {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).with_context(|| format!("{name}: cannot read"))?;
        let (format, mut read) = nofly_zones::read_zone_file(&name, &text);
        let geometry = nofly_zones::geometry_problems(&name, &read);
        read.problems.extend(geometry);
        report_problems(&read);
        any_error |= read.has_errors();
        let counts = per_format.entry(format).or_default();
        counts.0 += 1;
        counts.1 += read.zones.len();
        println!(
            "{name}: {format}, {} valid zone(s), {} problem(s)",
            read.zones.len(),
            read.problems.len()
        );
        for z in &read.zones {
            println!("  {}", describe(z));
        }
        all.push((name, read));
    }
    let formats: Vec<String> = per_format
        .iter()
        .map(|(f, (files, zones))| format!("{f}: {files} file(s), {zones} zone(s)"))
        .collect();
    println!("formats: {}", formats.join("; "));
    match ZoneSet::from_files(all) {
        Ok(set) => println!(
            "zone set: {} zone(s), content hash {}",
            set.zones.len(),
            set.content_hash()
        ),
        Err(e) => {
            eprintln!("nofly: error: {e}");
            any_error = true;
        }
    }
    Ok(if any_error {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn describe(z: &Zone) -> String {
    let shape = match &z.shape {
        Shape::Polygons(mp) => {
            let vertices: usize = mp
                .0
                .iter()
                .map(|p| {
                    p.exterior().0.len() + p.interiors().iter().map(|r| r.0.len()).sum::<usize>()
                })
                .sum();
            let holes: usize = mp.0.iter().map(|p| p.interiors().len()).sum();
            format!(
                "{} polygon(s), {holes} hole(s), {vertices} vertices",
                mp.0.len()
            )
        }
        Shape::Circle { lat, lon, radius_m } => {
            format!("circle r={radius_m} m around {lat:.5},{lon:.5}")
        }
    };
    let active = if z.active.is_empty() {
        "always active".to_string()
    } else {
        let parts: Vec<String> = z
            .active
            .iter()
            .map(|i| {
                let weekly: Vec<String> = i.schedule.iter().map(ToString::to_string).collect();
                format!(
                    "{} .. {}{}",
                    i.from.map_or("-∞".into(), |t| t.to_string()),
                    i.to.map_or("+∞".into(), |t| t.to_string()),
                    if weekly.is_empty() {
                        String::new()
                    } else {
                        format!(" on {}", weekly.join(" and "))
                    }
                )
            })
            .collect();
        format!("active {}", parts.join(", "))
    };
    format!(
        "{} [{}] {:?}: {} to {}; {shape}; {active}; version {}",
        z.id, z.kind, z.name, z.band.lower, z.band.upper, z.version
    )
}

/// Writes the zone set of `files` as one GeoJSON FeatureCollection of the zones' definitions.
pub fn export(files: &[PathBuf], out: Option<&std::path::Path>) -> Result<ExitCode> {
    let set = crate::zone_loading::load_zones(files, false)?;
    let features: Vec<serde_json::Value> = set
        .definitions
        .iter()
        .map(|d| serde_json::from_str(d))
        .collect::<Result<_, _>>()?;
    let text = serde_json::to_string(
        &serde_json::json!({"type": "FeatureCollection", "features": features}),
    )? + "\n";
    match out {
        Some(path) => std::fs::write(path, text)
            .with_context(|| format!("{}: cannot write", path.display()))?,
        None => print!("{text}"),
    }
    eprintln!(
        "nofly: {} zone(s), zone-set hash {}",
        set.zones.len(),
        set.content_hash()
    );
    Ok(ExitCode::SUCCESS)
}
