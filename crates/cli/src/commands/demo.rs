//! `nofly demo`: the flagship real scenario, end to end, told plainly.
//!
//! Russian flights between Moscow / St Petersburg and Kaliningrad, 22 Feb – 5 Mar 2022 (OpenSky
//! Network data shipped inside the `traffic` package on PyPI), against the national airspace of the
//! states that closed it to Russian aircraft (`data/zones/kaliningrad-closures-2022.geojson`,
//! embedded in the binary). The story compares every entry into each state's airspace with the time
//! its closure took effect.

use crate::detector::Detection;
use crate::pipeline::{
    detect, print_summary, replay_files, settings_json, sha256_file, write_outputs, EventsOut,
    InputOptions, Keep,
};
use crate::zone_loading::load_zones;
use crate::{DemoArgs, OutputArgs};
use anyhow::{bail, Context, Result};
use nofly_model::{EventKind, EventTime, Zone};
use nofly_zones::ZoneSet;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

const KALININGRAD_ZONES: &str =
    include_str!("../../../../data/zones/kaliningrad-closures-2022.geojson");
const FALLBACK_ZONES: &str = include_str!("../../../../data/zones/synthetic-la-demo.geojson");
const FALLBACK_SAMPLE: &str = include_str!("../../../../data/samples/sbs1-la-msgs.sbs");

const TRAFFIC_SDIST: &str = "traffic-2.13.tar.gz";
const PARQUET_MEMBER: &str = "traffic-2.13/docs/cache/abc667a5ac54d64f41c4b407a4beaf47.parquet";
const PARQUET_SHA256: &str = "5f858706a3fc358b4418b6d7a914a5e674cffe82330312210c796ccf75bedd40";
const PARQUET_NAME: &str = "opensky-kaliningrad-2022.parquet";

/// Runs the demo.
pub fn run(args: DemoArgs) -> Result<ExitCode> {
    let cache = cache_dir(args.cache.clone());
    std::fs::create_dir_all(&cache)
        .with_context(|| format!("{}: cannot create cache directory", cache.display()))?;
    let fetched = if args.offline {
        Err("--offline was given".to_string())
    } else {
        fetch_opensky_sample(&cache)
    };
    let (inputs, zone_file, real) = match fetched {
        Ok(parquet) => (
            vec![parquet],
            write_file(
                &cache,
                "kaliningrad-closures-2022.geojson",
                KALININGRAD_ZONES,
            )?,
            true,
        ),
        Err(why) => {
            eprintln!("nofly demo: the OpenSky sample is not available ({why}).");
            eprintln!("nofly demo: running the bundled Los Angeles SBS sample against synthetic zones instead.");
            (
                vec![write_file(&cache, "sbs1-la-msgs.sbs", FALLBACK_SAMPLE)?],
                write_file(&cache, "synthetic-la-demo.geojson", FALLBACK_ZONES)?,
                false,
            )
        }
    };
    let zones = load_zones(&[zone_file], false)?;
    let options = InputOptions::default();
    let keep = Keep {
        reports: true,
        events: true,
    };
    let outcome = replay_files(
        &zones.zones,
        &inputs,
        &options,
        &Detection::default(),
        keep,
        None,
        None,
    )?;
    let key = demo_key(&cache)?;
    let witnesses = demo_witnesses(&cache, &key, &args)?;
    let output = OutputArgs {
        events: Some(args.events.clone()),
        db: Some(args.db.clone()),
        evidence_log: Some(args.evidence_log.clone()),
        key: Some(key),
        checkpoint_every: 1000,
        witnesses,
        tsas: args.tsas.clone(),
        ..OutputArgs::default()
    };
    let mut events_out = EventsOut::open(&output)?;
    for e in &outcome.events {
        events_out.write(e);
    }
    events_out.finish()?;
    write_outputs(
        &outcome,
        &zones,
        &settings_json(&options, &Detection::default()),
        &output,
    )?;
    print_summary(&outcome);
    println!();
    if real {
        println!("Russian flights to and from Kaliningrad, 22 Feb - 5 Mar 2022 (data: The OpenSky Network, https://opensky-network.org)");
        println!("against the national airspace of the states that closed it to Russian aircraft (data/zones/README.md).");
    } else {
        println!(
            "Bundled Los Angeles SBS sample (no timestamps in the data) against synthetic zones."
        );
    }
    tell_story(&zones, &outcome.reports);
    prove_first_violation(&outcome.events, &args, &cache)?;
    println!();
    println!(
        "Events: {}   Store: {}   Evidence log: {}",
        args.events.display(),
        args.db.display(),
        args.evidence_log.display()
    );
    if let Some(addr) = args.http {
        crate::http::serve_replay(
            addr,
            &zones,
            &outcome,
            Some(&args.evidence_log),
            output.key.as_deref(),
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The demo's signing key in the cache directory, created the first time.
fn demo_key(cache: &Path) -> Result<PathBuf> {
    let private = cache.join("nofly.key");
    if !private.exists() {
        let signer = nofly_evidence::keys::generate(Some("nofly.demo/kaliningrad"))?;
        nofly_evidence::keys::write_pair(cache, "nofly", &signer, false)?;
    }
    Ok(private)
}

/// Starts the demo's two witnesses in this process and writes the policy that requires both;
/// returns their URLs. Their state lives beside the evidence log and starts afresh with it.
fn demo_witnesses(cache: &Path, log_key: &Path, args: &DemoArgs) -> Result<Vec<String>> {
    use nofly_evidence::keys;
    let log = keys::read_signing_key(log_key)?.public(nofly_evidence::note::ED25519);
    let mut policy = format!(
        "# nofly demo: the log and its two local witnesses, both required\nlog {}\n",
        log.vkey()
    );
    let mut urls = Vec::new();
    for name in ["a", "b"] {
        let stem = format!("demo-witness-{name}");
        if !cache.join(format!("{stem}.key")).exists() {
            let signer = keys::generate(Some(&format!("nofly.demo/witness-{name}")))?;
            keys::write_pair(cache, &stem, &signer, true)?;
        }
        let signer = keys::read_signing_key(&cache.join(format!("{stem}.key")))?;
        let state = PathBuf::from(format!(
            "{}.witness-{name}.json",
            args.evidence_log.display()
        ));
        if !args.evidence_log.exists() && state.exists() {
            std::fs::remove_file(&state)
                .with_context(|| format!("{}: cannot remove", state.display()))?;
        }
        let witness = nofly_evidence::witness::Witness::open(signer, vec![log.clone()], &state)
            .map_err(anyhow::Error::msg)?;
        policy.push_str(&format!(
            "witness {} {}",
            name.to_uppercase(),
            witness.vkey()
        ));
        let url = crate::commands::witness::spawn_local(witness)?;
        policy.push_str(&format!(" {url}\n"));
        urls.push(url);
    }
    policy.push_str("group both all A B\nquorum both\n");
    std::fs::write(&args.policy, policy)
        .with_context(|| format!("{}: cannot write", args.policy.display()))?;
    Ok(urls)
}

/// Builds the evidence bundle of the first ENTER while a zone was active, verifies it as a third
/// party would, and shows the commands to do the same.
fn prove_first_violation(
    events: &[nofly_model::Event],
    args: &DemoArgs,
    cache: &Path,
) -> Result<()> {
    let Some(first) = events.iter().find(|e| e.kind == EventKind::Enter) else {
        return Ok(());
    };
    let signing = nofly_evidence::keys::read_signing_key(&cache.join("nofly.key"))?;
    let bundle =
        nofly_evidence::build_bundle(&args.evidence_log, &first.id, 300, &signing, Vec::new())
            .map_err(anyhow::Error::msg)?;
    std::fs::write(&args.bundle, serde_json::to_string_pretty(&bundle)? + "\n")
        .with_context(|| format!("{}: cannot write", args.bundle.display()))?;
    let policy_text = std::fs::read_to_string(&args.policy)
        .with_context(|| format!("{}: cannot read", args.policy.display()))?;
    let policy = nofly_evidence::policy::Policy::parse(&policy_text)
        .map_err(|e| anyhow::anyhow!("{}: {e}", args.policy.display()))?;
    let verdict = nofly_evidence::verify_bundle(&bundle, &policy);
    println!();
    println!(
        "Proof of the first entry into an active zone ({} {} into {} at {}):",
        first.callsign.map_or("-".into(), |c| c.to_string()),
        first.icao24.map(|a| a.to_string()).unwrap_or_default(),
        first.zone_id,
        first.time
    );
    println!(
        "  nofly evidence {} --log {} --key {} --out {}",
        first.id,
        args.evidence_log.display(),
        cache.join("nofly.key").display(),
        args.bundle.display()
    );
    println!(
        "  nofly verify {} --policy {}",
        args.bundle.display(),
        args.policy.display()
    );
    println!("{verdict}");
    Ok(())
}

/// The cache directory: the option, else $NOFLY_CACHE, else $XDG_CACHE_HOME/nofly, else ~/.cache/nofly.
pub fn cache_dir(option: Option<PathBuf>) -> PathBuf {
    option
        .or_else(|| std::env::var_os("NOFLY_CACHE").map(PathBuf::from))
        .or_else(|| std::env::var_os("XDG_CACHE_HOME").map(|d| PathBuf::from(d).join("nofly")))
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache").join("nofly")))
        .unwrap_or_else(|| PathBuf::from(".nofly-cache"))
}

fn write_file(dir: &Path, name: &str, text: &str) -> Result<PathBuf> {
    let path = dir.join(name);
    std::fs::write(&path, text).with_context(|| format!("{}: cannot write", path.display()))?;
    Ok(path)
}

fn sha256_of(path: &Path) -> Option<String> {
    sha256_file(path).ok()
}

/// Returns the cached Parquet sample, fetching the `traffic` source archive from PyPI with pip
/// and extracting it the first time. Every path ends with a SHA-256 check.
fn fetch_opensky_sample(cache: &Path) -> Result<PathBuf, String> {
    let parquet = cache.join(PARQUET_NAME);
    if sha256_of(&parquet).as_deref() == Some(PARQUET_SHA256) {
        return Ok(parquet);
    }
    let sdist = cache.join(TRAFFIC_SDIST);
    if !sdist.exists() {
        eprintln!(
            "nofly demo: fetching {TRAFFIC_SDIST} (57 MB) from PyPI with pip into {} (once)",
            cache.display()
        );
        let status = Command::new("python3")
            .args([
                "-m",
                "pip",
                "download",
                "--quiet",
                "--no-deps",
                "--no-binary",
                ":all:",
                "traffic==2.13",
                "-d",
            ])
            .arg(cache)
            .status()
            .map_err(|e| format!("cannot run python3 -m pip: {e}"))?;
        if !status.success() || !sdist.exists() {
            return Err(format!("pip download traffic==2.13 failed ({status})"));
        }
    }
    extract_member(&sdist, PARQUET_MEMBER, &parquet)
        .map_err(|e| format!("{}: {e:#}", sdist.display()))?;
    match sha256_of(&parquet) {
        Some(h) if h == PARQUET_SHA256 => Ok(parquet),
        other => {
            let _ = std::fs::remove_file(&parquet);
            Err(format!(
                "{PARQUET_MEMBER} has SHA-256 {other:?}, expected {PARQUET_SHA256}"
            ))
        }
    }
}

fn extract_member(archive: &Path, member: &str, to: &Path) -> Result<()> {
    let file = std::fs::File::open(archive)?;
    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(file));
    for entry in tar.entries()? {
        let mut entry = entry?;
        if entry.path()?.to_string_lossy() == member {
            let tmp = to.with_extension("partial");
            let mut out = std::fs::File::create(&tmp)?;
            std::io::copy(&mut entry, &mut out)?;
            std::fs::rename(&tmp, to)?;
            return Ok(());
        }
    }
    bail!("{member} is not in the archive")
}

/// One stay inside a zone's area.
struct Stay {
    zone: usize,
    entered: EventTime,
    left: Option<EventTime>,
}

/// Prints, per zone, the entries into its area before and after it became active, and per flight
/// (UTC day, callsign, aircraft) each stay in a zone's area with its duration and verdict.
fn tell_story(zones: &ZoneSet, reports: &[nofly_model::Report]) {
    // The same zones with no activation times: every entry into the area, legal or not.
    let area_only: Vec<Zone> = zones
        .zones
        .iter()
        .map(|z| Zone {
            active: Vec::new(),
            ..z.clone()
        })
        .collect();
    let (_, events) = detect(&area_only, reports, &Detection::default());
    let index: BTreeMap<&str, usize> = zones
        .zones
        .iter()
        .enumerate()
        .map(|(i, z)| (z.id.as_str(), i))
        .collect();
    let mut flights: BTreeMap<(String, String, String), Vec<Stay>> = BTreeMap::new();
    let mut open: BTreeMap<(String, usize), (String, String, String)> = BTreeMap::new();
    for e in &events {
        // Interference areas and their zones are not among the demo's flights table.
        let (Some(&zone), Some(icao)) = (index.get(e.zone_id.as_str()), e.icao24) else {
            continue;
        };
        let icao = icao.to_string();
        match e.kind {
            EventKind::Enter => {
                let key = (
                    e.time.to_rfc3339()[..10].to_string(),
                    e.callsign.map_or("-".into(), |c| c.to_string()),
                    icao.clone(),
                );
                flights.entry(key.clone()).or_default().push(Stay {
                    zone,
                    entered: e.time,
                    left: None,
                });
                open.insert((icao, zone), key);
            }
            EventKind::Exit => {
                if let Some(key) = open.remove(&(icao, zone)) {
                    if let Some(stay) = flights
                        .get_mut(&key)
                        .and_then(|v| v.iter_mut().rev().find(|s| s.zone == zone))
                    {
                        stay.left = Some(e.time);
                    }
                }
            }
            // The table is of stays; the other kinds are in the events file.
            _ => {}
        }
    }
    println!();
    println!(
        "{:<6} {:<18} {:>28} {:>28}",
        "zone", "active from (UTC)", "entries before activation", "entries while active"
    );
    for (i, z) in zones.zones.iter().enumerate() {
        let (mut before, mut during) = (Vec::new(), Vec::new());
        for (key, s) in flights
            .iter()
            .flat_map(|(k, v)| v.iter().map(move |s| (k, s)))
            .filter(|(_, s)| s.zone == i)
        {
            if z.is_active(s.entered) {
                during.push(&key.2)
            } else {
                before.push(&key.2)
            }
        }
        let count = |v: &mut Vec<&String>| {
            let n = v.len();
            v.sort();
            v.dedup();
            if n == 0 {
                "0".to_string()
            } else {
                format!("{n} by {} aircraft", v.len())
            }
        };
        let from = z
            .active
            .iter()
            .filter_map(|i| i.from)
            .min()
            .map_or("always".to_string(), |t| {
                t.to_rfc3339()[..16].replace('T', " ")
            });
        println!(
            "{:<6} {:<18} {:>28} {:>28}",
            z.id,
            from,
            count(&mut before),
            count(&mut during)
        );
    }
    println!();
    println!("Per flight (UTC day, callsign, aircraft): each stay in a zone's area, its duration and the verdict");
    let mut short_violations = 0;
    for ((day, callsign, icao), stays) in &flights {
        let parts: Vec<String> = stays
            .iter()
            .map(|s| {
                let z = &zones.zones[s.zone];
                let active = z.is_active(s.entered);
                let t = s.entered.to_rfc3339();
                let duration = s.left.map_or("until the data ends".to_string(), |l| {
                    format!("{} s", (l.millis() - s.entered.millis()) / 1000)
                });
                if active
                    && s.left
                        .is_some_and(|l| l.millis() - s.entered.millis() < 120_000)
                {
                    short_violations += 1;
                }
                format!(
                    "{} {} {duration}{}",
                    z.id,
                    &t[11..19],
                    if active { " VIOLATION" } else { "" }
                )
            })
            .collect();
        println!("  {day} {callsign:<8} {icao}  {}", parts.join("; "));
    }
    if flights.is_empty() {
        println!("  no entry into any zone's area");
    }
    if short_violations > 0 {
        println!();
        println!("{short_violations} violation(s) last under two minutes: such clips of a zone's edge are within the");
        println!("uncertainty of approximate boundaries (see data/zones/README.md); check them against official charts.");
    }
}
