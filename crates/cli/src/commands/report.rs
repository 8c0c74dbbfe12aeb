//! `nofly report`: a self-contained HTML report of one event, one aircraft or a time range,
//! made by replaying the recording (so the report shows exactly what a replay finds), with the
//! track, the zones, the altitude profile, the timeline, who the aircraft are, the evidence
//! bundle when given, and the run's inputs with their hashes. `--period day|week` writes one
//! summary per day or week instead; `--pdf` prints the page with Chromium.

use crate::pipeline::{replay_files, settings_json, ReplayOutcome};
use crate::zone_loading::load_zones;
use crate::ReportArgs;
use anyhow::{anyhow, bail, Context, Result};
use nofly_model::{Event, EventTime, Report, Zone};
use nofly_report::{Evidence, Finding, RunInfo, Track, TrackPoint};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::process::ExitCode;

/// A gap in an aircraft's reports this long starts another flight.
const FLIGHT_GAP_MS: i64 = nofly_report::GAP_MS;
/// Most points drawn per track (evenly thinned above it).
const MAX_POINTS: usize = 3000;
const DAY_MS: i64 = 86_400_000;

/// What a report is about.
enum Subject {
    Event(String),
    Aircraft(u32),
    Range,
}

/// Runs the command.
pub fn run(args: ReportArgs) -> Result<ExitCode> {
    let zones = load_zones(&args.zones.files, args.zones.skip_bad_zones)?;
    let options = args.input.options()?;
    let detection = args.zones.detection()?;
    let keep = crate::pipeline::Keep {
        reports: true,
        events: true,
    };
    let outcome = replay_files(
        &zones.zones,
        &args.inputs,
        &options,
        &detection,
        keep,
        None,
        None,
    )?;
    let all_zones: Vec<Zone> = zones
        .zones
        .iter()
        .cloned()
        .chain(outcome.raised_zones.iter().map(|(z, _)| z.clone()))
        .collect();
    let from = args.from.map(EventTime::millis).unwrap_or(i64::MIN);
    let to = args.to.map(EventTime::millis).unwrap_or(i64::MAX);
    let subject = match (&args.event, &args.icao) {
        (Some(id), None) => Subject::Event(id.clone()),
        (None, Some(hex)) => Subject::Aircraft(
            u32::from_str_radix(hex, 16)
                .ok()
                .filter(|_| hex.len() == 6)
                .ok_or_else(|| anyhow!("--icao {hex}: not an ICAO address (six hex digits)"))?,
        ),
        (None, None) => Subject::Range,
        (Some(_), Some(_)) => bail!("--event and --icao: one subject per report"),
    };
    let mut run = RunInfo {
        program_version: env!("CARGO_PKG_VERSION").to_string(),
        zone_set: zones.content_hash(),
        inputs: outcome
            .inputs
            .iter()
            .map(|i| (i.path.clone(), i.format.clone(), i.sha256.clone()))
            .collect(),
        command: rerun_command(&args),
        settings: settings_json(&options, &detection),
        attribution: Vec::new(),
    };
    if outcome.inputs.iter().any(|i| i.format.contains("opensky")) {
        run.attribution
            .push("The OpenSky Network, https://opensky-network.org".into());
    }
    let basemap = nofly_server::basemap_countries().and_then(|b| serde_json::from_slice(b).ok());
    let base = Finding {
        run,
        basemap,
        ..Finding::default()
    };
    let recorded = &ByAircraft::new(&outcome.reports);
    if let Some(period) = &args.period {
        if !matches!(subject, Subject::Range) {
            bail!("--period makes summaries of time ranges: leave out --event and --icao");
        }
        return summaries(
            &args,
            &outcome,
            recorded,
            &all_zones,
            base,
            period,
            (from, to),
        );
    }
    let finding = match subject {
        Subject::Event(id) => event_finding(&outcome, recorded, &all_zones, &id, base, &args)?,
        Subject::Aircraft(icao) => {
            let events = select(&outcome.events, |e| {
                e.icao24.is_some_and(|a| a.0 == icao) && (from..to).contains(&e.time.millis())
            });
            let track = track_of(recorded, icao, from, to);
            if track.points.is_empty() && events.is_empty() {
                bail!(
                    "{icao:06x}: the recording has no position of this aircraft in the time asked"
                );
            }
            Finding {
                title: format!("nofly report: aircraft {}", track.label()),
                subtitle: format!(
                    "Every event of {icao:06x} in the recording{}",
                    range_words(&args)
                ),
                zones: zones_named(&events, &all_zones),
                events,
                tracks: vec![track],
                ..base
            }
        }
        Subject::Range => range_finding(
            &outcome,
            recorded,
            &all_zones,
            base,
            (from, to),
            range_words(&args),
        ),
    };
    write(
        &args.out,
        &nofly_report::render(&finding),
        args.pdf.as_deref(),
    )?;
    Ok(ExitCode::SUCCESS)
}

/// `nofly replay` with the zone files and inputs of this report.
fn rerun_command(args: &ReportArgs) -> String {
    let mut words = vec!["nofly replay".to_string()];
    for z in &args.zones.files {
        words.push(format!("--zones {}", z.display()));
    }
    words.extend(args.inputs.iter().map(|i| i.display().to_string()));
    words.join(" ")
}

fn range_words(args: &ReportArgs) -> String {
    match (args.from, args.to) {
        (None, None) => String::new(),
        (f, t) => format!(
            " from {} to {}",
            f.map_or("its start".into(), |t| t.to_rfc3339()),
            t.map_or("its end".into(), |t| t.to_rfc3339())
        ),
    }
}

fn select(events: &[Event], keep: impl Fn(&Event) -> bool) -> Vec<Event> {
    events.iter().filter(|e| keep(e)).cloned().collect()
}

/// The zones the events name, each in the version the first event naming it was judged against.
fn zones_named(events: &[Event], zones: &[Zone]) -> Vec<Zone> {
    let mut seen = BTreeSet::new();
    events
        .iter()
        .filter(|e| seen.insert(e.zone_id.clone()))
        .filter_map(|e| {
            zones
                .iter()
                .find(|z| z.id == e.zone_id && z.version == e.zone_version)
                .or_else(|| zones.iter().find(|z| z.id == e.zone_id))
                .cloned()
        })
        .collect()
}

/// The recording's reports grouped by aircraft once, in time order, so that finding a flight or a
/// track reads only that aircraft's reports.
struct ByAircraft<'a>(HashMap<u32, Vec<&'a Report>>);

impl<'a> ByAircraft<'a> {
    fn new(reports: &'a [Report]) -> Self {
        let mut by_icao: HashMap<u32, Vec<&Report>> = HashMap::new();
        for r in reports {
            by_icao.entry(r.icao.0).or_default().push(r);
        }
        ByAircraft(by_icao)
    }

    fn of(&self, icao: u32) -> &[&'a Report] {
        self.0.get(&icao).map_or(&[], Vec::as_slice)
    }
}

/// The positions of `icao` in `[from, to)`, thinned to [`MAX_POINTS`].
fn track_of(recorded: &ByAircraft, icao: u32, from: i64, to: i64) -> Track {
    let mut track = Track {
        icao24: format!("{icao:06x}"),
        ..Track::default()
    };
    for r in recorded
        .of(icao)
        .iter()
        .filter(|r| (from..to).contains(&r.time.millis()))
    {
        if let Some(c) = &r.callsign {
            track.callsign = Some(c.as_str().to_string());
        }
        if let Some((lat, lon)) = r.position {
            track.points.push(TrackPoint {
                t_ms: r.time.millis(),
                lat,
                lon,
                alt_ft: r.alt_baro_ft,
            });
        }
    }
    let step = track.points.len().div_ceil(MAX_POINTS).max(1);
    if step > 1 {
        let last = track.points.last().copied();
        track.points = track.points.into_iter().step_by(step).collect();
        track
            .points
            .extend(last.filter(|l| track.points.last() != Some(l)));
    }
    track
}

/// The flight of `icao` around `at`: its reports between the gaps of [`FLIGHT_GAP_MS`] on either side.
fn flight_span(recorded: &ByAircraft, icao: u32, at: i64) -> (i64, i64) {
    let times: Vec<i64> = recorded.of(icao).iter().map(|r| r.time.millis()).collect();
    let i = times
        .partition_point(|&t| t < at)
        .min(times.len().saturating_sub(1));
    let (mut a, mut b) = (i, i);
    while a > 0 && times[a] - times[a - 1] < FLIGHT_GAP_MS {
        a -= 1;
    }
    while b + 1 < times.len() && times[b + 1] - times[b] < FLIGHT_GAP_MS {
        b += 1;
    }
    times
        .get(a)
        .zip(times.get(b))
        .map_or((at, at + 1), |(&s, &e)| (s, e + 1))
}

fn event_finding(
    outcome: &ReplayOutcome,
    recorded: &ByAircraft,
    zones: &[Zone],
    id: &str,
    base: Finding,
    args: &ReportArgs,
) -> Result<Finding> {
    let event = outcome.events.iter().find(|e| e.id == id).ok_or_else(|| {
        anyhow!("event {id}: not found when replaying these inputs with these zones and settings")
    })?;
    let icao = event.icao24.ok_or_else(|| {
        anyhow!(
            "event {id} is about an area, not an aircraft: report its time range (--from, --to)"
        )
    })?;
    let (start, end) = flight_span(recorded, icao.0, event.time.millis());
    let events = select(&outcome.events, |e| {
        e.icao24 == Some(icao) && (start..end).contains(&e.time.millis())
    });
    let track = track_of(recorded, icao.0, start, end);
    let evidence = match &args.bundle {
        None => None,
        Some(path) => {
            let bytes = std::fs::read(path)
                .with_context(|| format!("{}: cannot read the bundle", path.display()))?;
            let bundled: serde_json::Value = serde_json::from_slice(&bytes)
                .with_context(|| format!("{}: not an evidence bundle (JSON)", path.display()))?;
            let bundled_id = &bundled["event"]["record"]["event"]["id"];
            if bundled_id.as_str() != Some(id) {
                bail!(
                    "{}: the bundle is of event {bundled_id}, not {id}",
                    path.display()
                );
            }
            let name = path
                .file_name()
                .map_or("bundle.json".into(), |n| n.to_string_lossy().to_string());
            let trust = match (&args.policy, &args.pubkey) {
                (Some(p), _) => format!("--policy {}", p.display()),
                (None, Some(k)) => format!("--pubkey {}", k.display()),
                (None, None) => "--pubkey LOG-PUBLIC-KEY".into(),
            };
            Some(Evidence {
                verify_command: format!("nofly verify {name} {trust}"),
                file_name: name,
                bytes,
            })
        }
    };
    Ok(Finding {
        title: format!(
            "nofly report: {} {} {}",
            track.label(),
            match event.kind {
                nofly_model::EventKind::Enter => "entered",
                _ => event.kind.as_str(),
            },
            event.zone_name
        ),
        subtitle: format!(
            "Event {id} at {} and the rest of that flight",
            event.time.to_rfc3339()
        ),
        zones: zones_named(&events, zones),
        events,
        tracks: vec![track],
        evidence,
        ..base
    })
}

/// Every event in `[from, to)` with the tracks of the aircraft involved over the same range.
fn range_finding(
    outcome: &ReplayOutcome,
    recorded: &ByAircraft,
    zones: &[Zone],
    base: Finding,
    (from, to): (i64, i64),
    words: String,
) -> Finding {
    let events = select(&outcome.events, |e| (from..to).contains(&e.time.millis()));
    let aircraft: BTreeSet<u32> = events
        .iter()
        .filter_map(|e| e.icao24.map(|a| a.0))
        .collect();
    let tracks = aircraft
        .iter()
        .map(|&icao| {
            let times: Vec<i64> = events
                .iter()
                .filter(|e| e.icao24.is_some_and(|a| a.0 == icao))
                .map(|e| e.time.millis())
                .collect();
            let first = flight_span(recorded, icao, times[0]).0.max(from);
            let last = flight_span(recorded, icao, times[times.len() - 1])
                .1
                .min(to);
            track_of(recorded, icao, first, last)
        })
        .collect();
    Finding {
        title: if words.is_empty() {
            "nofly report: the whole recording".into()
        } else {
            "nofly summary".into()
        },
        subtitle: format!(
            "Every event{}",
            if words.is_empty() {
                " of the recording".to_string()
            } else {
                words
            }
        ),
        zones: zones_named(&events, zones),
        events,
        tracks,
        ..base
    }
}

/// One summary per UTC day or ISO week (Monday to Sunday) with events, into the folder `args.out`.
fn summaries(
    args: &ReportArgs,
    outcome: &ReplayOutcome,
    recorded: &ByAircraft,
    zones: &[Zone],
    base: Finding,
    period: &str,
    (from, to): (i64, i64),
) -> Result<ExitCode> {
    let days = match period {
        "day" => 1,
        "week" => 7,
        other => bail!("--period {other}: day or week"),
    };
    let mut periods: BTreeMap<i64, ()> = BTreeMap::new();
    for e in outcome
        .events
        .iter()
        .filter(|e| (from..to).contains(&e.time.millis()))
    {
        let day = e.time.millis().div_euclid(DAY_MS);
        // 1970-01-01 was a Thursday: (day + 3) % 7 is 0 on Mondays.
        let start = if days == 7 {
            day - (day + 3).rem_euclid(7)
        } else {
            day
        };
        periods.insert(start, ());
    }
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("{}: cannot create the folder", args.out.display()))?;
    for &start in periods.keys() {
        let (a, b) = (
            (start * DAY_MS).max(from),
            ((start + days) * DAY_MS).min(to),
        );
        let date = EventTime::from_millis(start * DAY_MS).to_rfc3339()[..10].to_string();
        let name = if days == 1 {
            format!("nofly-summary-{date}.html")
        } else {
            format!("nofly-summary-week-of-{date}.html")
        };
        let words = format!(
            " of the {} starting {date} (UTC)",
            if days == 1 { "day" } else { "week" }
        );
        let mut finding = range_finding(outcome, recorded, zones, base.clone(), (a, b), words);
        finding.title = format!(
            "nofly {} summary, {date}",
            if days == 1 { "daily" } else { "weekly" }
        );
        let path = args.out.join(&name);
        write(&path, &nofly_report::render(&finding), None)?;
    }
    eprintln!(
        "{} summary report(s) in {}",
        periods.len(),
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Writes the page, and prints it to PDF with Chromium when asked.
fn write(path: &Path, html: &str, pdf: Option<&Path>) -> Result<()> {
    std::fs::write(path, html).with_context(|| format!("{}: cannot write", path.display()))?;
    eprintln!(
        "report written to {} ({} bytes)",
        path.display(),
        html.len()
    );
    if let Some(pdf) = pdf {
        print_pdf(path, pdf)?;
    }
    Ok(())
}

/// Prints the page with a headless Chromium (`chromium`, `chromium-browser` or `google-chrome`).
fn print_pdf(html: &Path, pdf: &Path) -> Result<()> {
    let html = std::fs::canonicalize(html)?;
    let pdf_arg = format!("--print-to-pdf={}", std::path::absolute(pdf)?.display());
    for browser in ["chromium", "chromium-browser", "google-chrome"] {
        let status = std::process::Command::new(browser)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--no-pdf-header-footer",
                &pdf_arg,
            ])
            .arg(format!("file://{}", html.display()))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status();
        match status {
            Ok(s) if s.success() => {
                eprintln!("PDF written to {}", pdf.display());
                return Ok(());
            }
            Ok(s) => bail!("{browser} could not print {} to PDF ({s})", html.display()),
            Err(_) => continue,
        }
    }
    bail!("--pdf needs Chromium (chromium, chromium-browser or google-chrome) on the PATH; the HTML report is written")
}
