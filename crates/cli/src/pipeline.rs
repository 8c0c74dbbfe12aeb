//! The replay pipeline shared by `replay` and `demo`: read inputs → order by event time → engine →
//! events, then the JSON-lines and SQLite outputs and the end-of-run summary.

use crate::detector::{Detection, Detector};
use crate::OutputArgs;
use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use nofly_engine::{Engine, EngineStats};
use nofly_sources::sort_reports;
use nofly_model::{Event, EventKind, EventTime, Report, Zone};
use nofly_sinks::{InputRecord, JsonLinesSink, RunRecord, SqliteStore, TrackRecord};
use nofly_sources::{read_file_with, Format, ReadStats};
use nofly_zones::ZoneSet;
use std::collections::BTreeMap;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Everything a replay found.
pub struct ReplayOutcome {
    /// The reports, in event-time order.
    pub reports: Vec<Report>,
    /// Events in emission order.
    pub events: Vec<Event>,
    /// Counts over all inputs.
    pub read: ReadStats,
    /// Each input with its hash and format.
    pub inputs: Vec<InputRecord>,
    /// Engine counters.
    pub engine: EngineStats,
    /// Per-aircraft summaries, in address order.
    pub tracks: Vec<TrackRecord>,
    /// Every interference zone version raised during the run (`--gnss`), with its definition.
    pub raised_zones: Vec<(Zone, String)>,
    /// Where the run's time went.
    pub timings: Timings,
}

/// Where a replay's time went: the "engine alone" rate of the summary is the reports over
/// `engine` only, the loop a criterion benchmark measures (bench/RESULTS.md).
#[derive(Debug, Clone, Copy, Default)]
pub struct Timings {
    /// Reading and decoding the inputs.
    pub read: Duration,
    /// Putting the reports in event-time order.
    pub sort: Duration,
    /// Building the engine: copying the zones and indexing them.
    pub index: Duration,
    /// The engine over every report, and the end of the recording.
    pub engine: Duration,
}

/// Settings that determine the output, recorded with every run.
pub fn settings_json(
    format: Option<Format>,
    untimed_start: EventTime,
    receiver: Option<(f64, f64)>,
    detection: &Detection,
) -> String {
    let mut recorded = detection.engine.to_json();
    for (key, value) in [
        (
            "receiver",
            serde_json::json!(receiver.map(|(lat, lon)| [lat, lon])),
        ),
        (
            "format",
            serde_json::json!(format.map_or("auto", Format::as_str)),
        ),
        (
            "untimed_start",
            serde_json::json!(untimed_start.to_rfc3339()),
        ),
        (
            "gnss",
            serde_json::json!(detection.gnss.map(|g| g.settings_json())),
        ),
        ("aircraft_db", detection.aircraft_db_json()),
    ] {
        recorded.insert(key.to_string(), value);
    }
    serde_json::Value::Object(recorded).to_string()
}

/// Everything read from the inputs.
pub struct InputsRead {
    /// The reports, in input order (not yet sorted).
    pub reports: Vec<Report>,
    /// Counts over all inputs.
    pub read: ReadStats,
    /// Each input with its hash and format.
    pub inputs: Vec<InputRecord>,
}

/// The input options of `replay`, `gnss` and `ingest`, parsed.
pub struct InputOptions {
    /// `--format`; None for `auto` (sniff each file).
    pub format: Option<Format>,
    /// `--untimed-start`.
    pub untimed_start: EventTime,
    /// `--receiver LAT,LON`.
    pub receiver: Option<(f64, f64)>,
}

/// Reads every input, reporting problems and progress on stderr.
pub fn read_inputs(
    inputs: &[PathBuf],
    format: Option<Format>,
    untimed_start: EventTime,
    receiver: Option<(f64, f64)>,
) -> Result<InputsRead> {
    let options = nofly_sources::ModesOptions {
        start: untimed_start,
        receiver,
        ..nofly_sources::ModesOptions::default()
    };
    anyhow::ensure!(
        inputs.len() <= usize::from(u16::MAX),
        "at most {} inputs per run",
        u16::MAX
    );
    let mut reports: Vec<Report> = Vec::new();
    let mut read = ReadStats::default();
    let mut records = Vec::new();
    for (i, path) in inputs.iter().enumerate() {
        // Room for a Parquet file's rows up front: growing a vector of tens of millions of reports
        // by doubling copied it several times and made the kernel zero its pages again each time.
        if let Some(rows) = nofly_sources::parquet_row_count(path) {
            reports.reserve(usize::try_from(rows).unwrap_or(0));
        }
        let bar = progress_bar(path);
        let (used, stats) = read_file_with(
            path,
            format,
            i as u16,
            &options,
            &mut |r| reports.push(r),
            &mut |done, total| {
                bar.set_length(total);
                bar.set_position(done);
            },
        )?;
        bar.finish_and_clear();
        if format.is_none() {
            eprintln!("nofly: {}: format auto-detected as {used}", path.display());
        }
        for note in &stats.notes {
            eprintln!("nofly: {note}");
        }
        for e in &stats.first_errors {
            eprintln!("nofly: skipped malformed record: {e}");
        }
        if stats.malformed > stats.first_errors.len() as u64 {
            eprintln!(
                "nofly: {}: {} more malformed records not shown",
                path.display(),
                stats.malformed - stats.first_errors.len() as u64
            );
        }
        if stats.untimed > 0 {
            eprintln!(
                "nofly: {}: {} records had no date; they took the time of the previous dated record, or {} before the first (see --untimed-start)",
                path.display(),
                stats.untimed,
                untimed_start
            );
        }
        read.add(&stats);
        records.push(InputRecord {
            path: path.display().to_string(),
            // Text inputs are hashed while they are read; Parquet, read by ranges, is hashed here.
            sha256: match stats.sha256.clone() {
                Some(hash) => hash,
                None => sha256_file(path)?,
            },
            format: used.as_str().to_string(),
        });
    }
    Ok(InputsRead {
        reports,
        read,
        inputs: records,
    })
}

/// Reads every input, runs the engine over the zones, and returns what was found.
pub fn replay_files(
    zones: &[Zone],
    inputs: &[PathBuf],
    format: Option<Format>,
    untimed_start: EventTime,
    receiver: Option<(f64, f64)>,
    detection: &Detection,
) -> Result<ReplayOutcome> {
    let started = Instant::now();
    let InputsRead {
        mut reports,
        read: read_stats,
        inputs: records,
    } = read_inputs(inputs, format, untimed_start, receiver)?;
    let read = started.elapsed();
    let sort_started = Instant::now();
    sort_reports(&mut reports);
    let sort = sort_started.elapsed();
    let index_started = Instant::now();
    let mut detector = Detector::new(detection, zones);
    let index = index_started.elapsed();
    let engine_started = Instant::now();
    let events = run_detector(&mut detector, &reports);
    let timings = Timings {
        read,
        sort,
        index,
        engine: engine_started.elapsed(),
    };
    let engine = detector.engine();
    let tracks = track_records(engine);
    Ok(ReplayOutcome {
        reports,
        events,
        read: read_stats,
        inputs: records,
        engine: engine.stats(),
        tracks,
        raised_zones: detector.area_versions().to_vec(),
        timings,
    })
}

/// Runs the detection over ordered reports and collects the events.
pub fn detect(zones: &[Zone], reports: &[Report], detection: &Detection) -> (Detector, Vec<Event>) {
    let mut detector = Detector::new(detection, zones);
    let events = run_detector(&mut detector, reports);
    (detector, events)
}

/// Every report through a detector, then the end of the recording; the events in order.
fn run_detector(detector: &mut Detector, reports: &[Report]) -> Vec<Event> {
    let mut events = Vec::new();
    for r in reports {
        detector.process(r, &mut |e| events.push(e));
    }
    detector.finish(&mut |e| events.push(e));
    events
}

/// The engine's per-aircraft state as store records, in address order.
pub fn track_records(engine: &Engine) -> Vec<TrackRecord> {
    engine
        .tracks()
        .into_iter()
        .map(|(icao, t)| TrackRecord {
            icao24: icao.to_string(),
            callsign: t.callsign.map(|c| c.to_string()),
            first_seen: t.first_seen.to_rfc3339(),
            last_seen: t.last_seen.to_rfc3339(),
            reports: t.reports,
            positions: t.positions,
            events: t.events,
        })
        .collect()
}

fn progress_bar(path: &Path) -> ProgressBar {
    counting_bar(0, &path.display().to_string())
}

/// A progress bar on standard error (hidden when it is not a terminal) of `total` steps.
pub fn counting_bar(total: u64, message: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {percent}% ({eta} left)")
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar.set_message(message.to_string());
    bar
}

/// SHA-256 of a file's bytes, hex.
pub fn sha256_file(path: &Path) -> Result<String> {
    nofly_evidence::file_sha256(path).with_context(|| format!("{}: cannot read", path.display()))
}

/// Writes the events as JSON lines (file or stdout) and records the run in SQLite when asked.
pub fn write_outputs(
    outcome: &ReplayOutcome,
    zones: &ZoneSet,
    settings: &str,
    output: &OutputArgs,
) -> Result<()> {
    match &output.events {
        Some(path) => {
            let file = std::fs::File::create(path)
                .with_context(|| format!("{}: cannot create events file", path.display()))?;
            write_events(BufWriter::new(file), &outcome.events, &output.events_filter)
                .with_context(|| format!("{}: cannot write", path.display()))?;
        }
        None => write_events(
            std::io::stdout().lock(),
            &outcome.events,
            &output.events_filter,
        )
        .context("cannot write events to standard output")?,
    }
    for (name, spool, sink) in output.delivery_sinks(output.alert_rules()?.as_ref())? {
        let mut queued = 0;
        for e in &outcome.events {
            queued += u64::from(sink.send(e)?);
        }
        let waiting = sink.flush(std::time::Duration::from_secs(output.webhook_wait));
        let left = if waiting > 0 {
            format!(
                "; {waiting} still spooled in {} for the next run",
                spool.display()
            )
        } else {
            String::new()
        };
        eprintln!(
            "nofly: {name}: {} of {queued} events delivered{left}",
            queued.saturating_sub(waiting)
        );
    }
    let judged = judged_zones(zones, outcome);
    if let Some(db) = &output.db {
        let run = RunRecord {
            program_version: env!("CARGO_PKG_VERSION").to_string(),
            zone_set_hash: zones.content_hash(),
            settings: settings.to_string(),
            inputs: outcome.inputs.clone(),
            summary: summary_json(outcome),
        };
        let zone_rows = zone_rows(&judged);
        let mut store = SqliteStore::open(db)?;
        let (run_id, new) = store.record_run(&run, &zone_rows, &outcome.events, &outcome.tracks)?;
        eprintln!(
            "nofly: {}: run {run_id}: {new} new events of {} ({} already stored)",
            db.display(),
            outcome.events.len(),
            outcome.events.len() as u64 - new
        );
    }
    if let Some(log_path) = &output.evidence_log {
        let mut log = open_evidence_log(log_path, output)?;
        let inputs: Vec<InputRecord> = outcome
            .inputs
            .iter()
            .map(|i| InputRecord {
                path: std::fs::canonicalize(&i.path)
                    .map_or(i.path.clone(), |p| p.display().to_string()),
                ..i.clone()
            })
            .collect();
        let run = log.append_run(
            env!("CARGO_PKG_VERSION"),
            &zones.content_hash(),
            serde_json::from_str(settings)?,
            serde_json::to_value(inputs)?,
        )?;
        append_zones(&mut log, &judged)?;
        let mut new = 0;
        for e in &outcome.events {
            new += u64::from(log.append_event(e, run)?.is_some());
        }
        let size = log.len();
        log.close()?;
        eprintln!(
            "nofly: {}: run entry {run}, {new} new events, {size} entries, signed",
            log_path.display()
        );
    }
    Ok(())
}

/// The zones a run judged against: the user's, then every version of the interference areas it
/// raised (`--gnss`).
pub fn judged_zones(zones: &ZoneSet, outcome: &ReplayOutcome) -> ZoneSet {
    crate::detector::with_zones(
        zones,
        outcome.raised_zones.iter().map(|(z, d)| (z, d.as_str())),
    )
}

/// Opens the evidence log with the key given, and says which key signs it.
pub fn open_evidence_log(path: &Path, output: &OutputArgs) -> Result<nofly_evidence::EvidenceLog> {
    let key_path = output
        .key
        .as_deref()
        .context("--evidence-log needs --key (create one with `nofly keygen`)")?;
    let key = nofly_evidence::keys::read_signing_key(key_path)?;
    eprintln!(
        "nofly: evidence log {} signed by {}",
        path.display(),
        key.public(nofly_evidence::note::ED25519).vkey()
    );
    Ok(nofly_evidence::EvidenceLog::open(
        path,
        key,
        output.checkpoint_every,
        crate::attest::NetworkAttestor::for_urls(&output.witnesses, &output.tsas),
    )?)
}

/// Appends every zone version of the set that the log does not hold yet.
pub fn append_zones(log: &mut nofly_evidence::EvidenceLog, zones: &ZoneSet) -> Result<()> {
    for (z, definition) in zones.zones.iter().zip(&zones.definitions) {
        log.append_zone(&z.id, &z.version, serde_json::from_str(definition)?)?;
    }
    Ok(())
}

/// `(id, version, definition)` of every zone, for the store.
pub fn zone_rows(zones: &ZoneSet) -> Vec<(String, String, String)> {
    zones
        .zones
        .iter()
        .zip(&zones.definitions)
        .map(|(z, d)| (z.id.clone(), z.version.clone(), d.clone()))
        .collect()
}

fn write_events(
    out: impl Write,
    events: &[Event],
    filter: &nofly_sinks::EventFilter,
) -> std::io::Result<()> {
    let mut sink = JsonLinesSink::new(out);
    for e in events.iter().filter(|e| filter.passes(e)) {
        sink.write(e)?;
    }
    sink.flush()
}

fn summary_json(o: &ReplayOutcome) -> String {
    serde_json::json!({
        "records": o.read.records,
        "reports": o.read.reports,
        "ignored": o.read.ignored,
        "malformed": o.read.malformed,
        "aircraft": o.tracks.len(),
        "events": o.events.len(),
    })
    .to_string()
}

/// The end-of-run summary on stderr.
pub fn print_summary(o: &ReplayOutcome, zones: &ZoneSet) {
    let t = &o.timings;
    let total = t.read + t.sort + t.index + t.engine;
    let rate = |n: u64, d: Duration| n as f64 / d.as_secs_f64().max(1e-9);
    eprintln!("nofly: summary");
    eprintln!("  records read      {:>12}", o.read.records);
    eprintln!("  reports           {:>12}", o.read.reports);
    eprintln!(
        "  skipped           {:>12}  ({} malformed, {} without a usable position or not a report)",
        o.read.malformed + o.read.ignored,
        o.read.malformed,
        o.read.ignored
    );
    eprintln!("  aircraft          {:>12}", o.tracks.len());
    eprintln!("  events            {:>12}", o.events.len());
    let mut per_zone: BTreeMap<&str, [u64; 3]> = zones
        .zones
        .iter()
        .map(|z| (z.id.as_str(), [0; 3]))
        .collect();
    let (mut areas_started, mut areas_ended, mut area_entries) = (0, 0, 0);
    for e in &o.events {
        // Events of interference areas (zones raised during the run) are summed up apart.
        let Some(c) = per_zone.get_mut(e.zone_id.as_str()) else {
            match e.kind {
                EventKind::InterferenceStart => areas_started += 1,
                EventKind::InterferenceEnd => areas_ended += 1,
                EventKind::Enter => area_entries += 1,
                _ => {}
            }
            continue;
        };
        match e.kind {
            EventKind::Enter => c[0] += 1,
            EventKind::Exit => c[1] += 1,
            EventKind::PredictedEntry => c[2] += 1,
            _ => {}
        }
    }
    let predicting = o.events.iter().any(|e| e.kind == EventKind::PredictedEntry);
    for (zone, [enter, exit, predicted]) in per_zone {
        if predicting {
            eprintln!("    {zone:<24} {enter:>6} enter {exit:>6} exit {predicted:>6} predicted");
        } else {
            eprintln!("    {zone:<24} {enter:>6} enter {exit:>6} exit");
        }
    }
    if areas_started > 0 {
        eprintln!(
            "  gnss interference {areas_started:>12}  areas started, {areas_ended} ended, {area_entries} entries into them"
        );
    }
    eprintln!(
        "  elapsed           {:>12.3} s  (read {:.3} s, sort {:.3} s, index {:.3} s, engine {:.3} s)",
        total.as_secs_f64(),
        t.read.as_secs_f64(),
        t.sort.as_secs_f64(),
        t.index.as_secs_f64(),
        t.engine.as_secs_f64()
    );
    eprintln!(
        "  reports/s         {:>12.0}  end to end; engine alone {:.0}",
        rate(o.read.reports, total),
        rate(o.engine.reports, t.engine)
    );
}
