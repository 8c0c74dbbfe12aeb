//! The replay pipeline shared by `replay` and `demo`: read inputs → order by event time → engine →
//! events, then the JSON-lines and SQLite outputs and the end-of-run summary.

use crate::checkpoint::{Checkpoint, Resume};
use crate::detector::{Detection, Detector};
use crate::partitioned::PartitionedDetector;
use crate::OutputArgs;
use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use nofly_engine::{Engine, EngineStats};
use nofly_model::{Event, EventKind, EventTime, Report, Zone};
use nofly_sinks::{InputRecord, JsonLinesSink, RunRecord, SqliteStore, TrackRecord};
use nofly_sources::{Format, InputOutcome, MergePosition, MergeSettings, MergedInputs, ReadStats};
use nofly_zones::ZoneSet;
use std::collections::BTreeMap;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Everything a replay found.
pub struct ReplayOutcome {
    /// The reports, in event-time order, when the replay was asked to keep them (the web map and
    /// reports need them); empty otherwise, so that memory does not grow with the recording.
    pub reports: Vec<Report>,
    /// Events in emission order, when the replay was asked to keep them (the store, the evidence
    /// log, the alert sinks and the web map take them at the end); empty otherwise.
    pub events: Vec<Event>,
    /// Every event counted, kept or not.
    pub tally: EventTally,
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

/// Where a replay's time went. Reading runs on threads of its own while the detection runs, so
/// `read` is only the time the detection waited for reports; the "detection alone" rate of the
/// summary is the reports over `engine`, the loop a criterion benchmark measures
/// (bench/RESULTS.md).
#[derive(Debug, Clone, Copy, Default)]
pub struct Timings {
    /// Waiting for the inputs to be read, decoded and merged.
    pub read: Duration,
    /// Building the engines: copying the zones and indexing them.
    pub index: Duration,
    /// The detection over every report, and the end of the recording.
    pub engine: Duration,
    /// Threads the detection ran on.
    pub threads: usize,
    /// With several threads: the time they spent judging, added up (the rate per thread).
    pub workers_busy: Option<Duration>,
    /// Writing checkpoints (`--resume`).
    pub checkpoints: Duration,
    /// Reports judged before this run resumed from a checkpoint (not counted in its rates).
    pub resumed_after: u64,
}

/// Settings that determine the output, recorded with every run.
pub fn settings_json(options: &InputOptions, detection: &Detection) -> String {
    let mut recorded = detection.engine.to_json();
    for (key, value) in [
        (
            "receiver",
            serde_json::json!(options.receiver.map(|(lat, lon)| [lat, lon])),
        ),
        (
            "format",
            serde_json::json!(options.format.map_or("auto", Format::as_str)),
        ),
        (
            "asterix_editions",
            serde_json::json!(options.asterix.editions.to_string()),
        ),
        (
            "radar_sites",
            serde_json::json!(options.asterix.sites.entries().collect::<Vec<_>>()),
        ),
        (
            "untimed_start",
            serde_json::json!(options.untimed_start.to_rfc3339()),
        ),
        (
            "reorder_window_s",
            serde_json::json!(options.reorder_window_ms as f64 / 1000.0),
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

/// The default of `--reorder-window`: how far out of event-time order an input may be.
pub const DEFAULT_REORDER_WINDOW_MS: i64 = 60_000;

/// The input options of `replay`, `report`, `gnss` and `ingest`, parsed.
#[derive(Debug, Clone, Copy)]
pub struct InputOptions {
    /// `--format`; None for `auto` (sniff each file).
    pub format: Option<Format>,
    /// `--untimed-start`.
    pub untimed_start: EventTime,
    /// `--receiver LAT,LON`.
    pub receiver: Option<(f64, f64)>,
    /// `--asterix-editions`, `--radar-site`.
    pub asterix: nofly_sources::AsterixOptions,
    /// `--reorder-window`, milliseconds.
    pub reorder_window_ms: i64,
    /// `--threads`: detection threads.
    pub threads: usize,
    /// Whether the inputs' SHA-256 are computed: a run that records them (the store, the evidence
    /// log, a report, the web map's run) needs them; a replay to JSON lines alone does not.
    pub hash_inputs: bool,
}

impl Default for InputOptions {
    fn default() -> Self {
        InputOptions {
            format: None,
            untimed_start: EventTime::default(),
            receiver: None,
            asterix: nofly_sources::AsterixOptions::default(),
            reorder_window_ms: DEFAULT_REORDER_WINDOW_MS,
            threads: all_cores(),
            hash_inputs: true,
        }
    }
}

/// The cores this process may use.
pub fn all_cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Reports a batch of the merged inputs holds at most.
const BATCH: usize = nofly_sources::MERGE_BATCH;

/// The inputs merged in event time, with a progress bar over all of them.
pub struct Inputs {
    merged: MergedInputs,
    bar: ProgressBar,
    /// `--format auto`: each input's format is said.
    format_auto: bool,
    /// The inputs' SHA-256 are wanted.
    hash_inputs: bool,
}

impl Inputs {
    /// Plans the merge of the named inputs (folders and patterns expanded) and shows the bar.
    pub fn open(named: &[PathBuf], options: &InputOptions) -> Result<Self> {
        Inputs::open_at(named, options, None)
    }

    /// [`Inputs::open`], going on from where a merge of the same inputs stood when given.
    fn open_at(
        named: &[PathBuf],
        options: &InputOptions,
        at: Option<MergePosition>,
    ) -> Result<Self> {
        let inputs: &[PathBuf] = &crate::input_paths::expand(named)?;
        let settings = MergeSettings {
            format: options.format,
            options: nofly_sources::ModesOptions {
                start: options.untimed_start,
                receiver: options.receiver,
                asterix: options.asterix,
                ..nofly_sources::ModesOptions::default()
            },
            reorder_window_ms: options.reorder_window_ms,
            hash_inputs: options.hash_inputs,
        };
        let merged = match at {
            Some(at) => MergedInputs::resume(inputs, settings, at)?,
            None => MergedInputs::new(inputs, settings)?,
        };
        let label = match inputs {
            [one] => one.display().to_string(),
            _ => format!("{} inputs", inputs.len()),
        };
        let bar = bytes_bar(merged.progress().1, &label);
        Ok(Inputs {
            merged,
            bar,
            format_auto: options.format.is_none(),
            hash_inputs: options.hash_inputs,
        })
    }

    /// The next batch of reports in event time; `None` after the last.
    pub fn next(&mut self) -> Result<Option<Vec<Report>>> {
        let mut batch = Vec::with_capacity(BATCH);
        let more = self.merged.next_batch(&mut batch, BATCH)?;
        self.bar.set_position(self.merged.progress().0);
        Ok((more || !batch.is_empty()).then_some(batch))
    }

    /// What each input held, said on stderr, and the counts over all of them.
    pub fn finish(self) -> Result<(ReadStats, Vec<InputRecord>)> {
        self.bar.finish_and_clear();
        let mut read = ReadStats::default();
        let mut records = Vec::new();
        for input in self.merged.finish() {
            tell_input(&input, self.format_auto);
            read.add(&input.stats);
            records.push(InputRecord {
                path: input.path.display().to_string(),
                // Text inputs are hashed while they are read, Parquet by its reader once read,
                // standard input here.
                sha256: match input.stats.sha256.clone() {
                    Some(hash) => hash,
                    None if self.hash_inputs => sha256_file(&input.path)?,
                    None => String::new(),
                },
                format: input.format.as_str().to_string(),
            });
        }
        Ok((read, records))
    }
}

/// Reads every input in event-time order as a stream, handing each batch of reports to `take`,
/// reporting problems and progress on stderr; returns the counts and the inputs' records.
pub fn stream_inputs(
    inputs: &[PathBuf],
    options: &InputOptions,
    take: &mut dyn FnMut(Vec<Report>),
) -> Result<(ReadStats, Vec<InputRecord>)> {
    let mut reader = Inputs::open(inputs, options)?;
    while let Some(batch) = reader.next()? {
        take(batch);
    }
    reader.finish()
}

/// Says on stderr what reading one input found: its format, notes, malformed and untimed records
/// and its reports out of order.
fn tell_input(input: &InputOutcome, format_auto: bool) {
    let path = input.path.display();
    let stats = &input.stats;
    if format_auto {
        eprintln!("nofly: {path}: format auto-detected as {}", input.format);
    }
    for note in &stats.notes {
        eprintln!("nofly: {note}");
    }
    for e in &stats.first_errors {
        eprintln!("nofly: skipped malformed record: {e}");
    }
    if stats.malformed > stats.first_errors.len() as u64 {
        eprintln!(
            "nofly: {path}: {} more malformed records not shown",
            stats.malformed - stats.first_errors.len() as u64
        );
    }
    if stats.untimed > 0 {
        eprintln!(
            "nofly: {path}: {} records had no date; they took the time of the previous dated record, or the --untimed-start before the first",
            stats.untimed,
        );
    }
    if input.sorted_whole {
        eprintln!(
            "nofly: {path}: its records are out of time order by more than --reorder-window: read whole and sorted ({} reports held at once)",
            stats.reports
        );
    }
    if input.late > 0 {
        let first: Vec<String> = input
            .first_late
            .iter()
            .map(|(record, ms)| format!("record {record} ({:.3} s early)", *ms as f64 / 1000.0))
            .collect();
        eprintln!(
            "nofly: {path}: {} reports came more than --reorder-window after later ones and were judged where they came ({}); a larger --reorder-window puts them in order",
            input.late,
            first.join(", ")
        );
    }
}

/// What a replay keeps in memory for after the run: nothing unless asked, so that a replay of a
/// month holds only the aircraft's state and the inputs' windows.
#[derive(Debug, Clone, Copy, Default)]
pub struct Keep {
    /// The reports (the web map, the demo's story and reports draw them).
    pub reports: bool,
    /// The events (the store, the evidence log and the alert sinks record them after the run).
    pub events: bool,
}

/// Counts of the events by zone and kind, for the summary.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct EventTally {
    /// Every event.
    pub total: u64,
    /// ENTER, EXIT and PREDICTED_ENTRY per zone id.
    per_zone: BTreeMap<String, [u64; 3]>,
    /// Interference areas started and ended, and entries into them.
    areas: [u64; 3],
}

impl EventTally {
    /// A tally of the user's zones, every one listed even without events.
    fn of(zones: &[Zone]) -> Self {
        EventTally {
            per_zone: zones.iter().map(|z| (z.id.clone(), [0; 3])).collect(),
            ..EventTally::default()
        }
    }

    fn count(&mut self, e: &Event) {
        self.total += 1;
        // Events of interference areas (zones raised during the run, not the user's) are summed
        // up apart.
        let Some(c) = self.per_zone.get_mut(&e.zone_id) else {
            match e.kind {
                EventKind::InterferenceStart => self.areas[0] += 1,
                EventKind::InterferenceEnd => self.areas[1] += 1,
                EventKind::Enter => self.areas[2] += 1,
                _ => {}
            }
            return;
        };
        match e.kind {
            EventKind::Enter => c[0] += 1,
            EventKind::Exit => c[1] += 1,
            EventKind::PredictedEntry => c[2] += 1,
            _ => {}
        }
    }
}

/// The JSON-lines output of the events (`--events FILE`, else standard output), written as the
/// events come, through its `--events-filter`.
pub struct EventsOut {
    sink: JsonLinesSink<Box<dyn Write>>,
    filter: nofly_sinks::EventFilter,
    name: String,
    failed: Option<std::io::Error>,
    /// The events file (not standard output), to make durable at a checkpoint.
    file: Option<std::fs::File>,
}

impl EventsOut {
    /// Creates the events file (or takes standard output).
    pub fn open(output: &OutputArgs) -> Result<Self> {
        match &output.events {
            Some(path) => {
                let file = std::fs::File::create(path)
                    .with_context(|| format!("{}: cannot create events file", path.display()))?;
                EventsOut::over_file(output, path, file)
            }
            None => Ok(EventsOut {
                sink: JsonLinesSink::new(Box::new(BufWriter::new(std::io::stdout()))),
                filter: output.events_filter.clone(),
                name: "standard output".into(),
                failed: None,
                file: None,
            }),
        }
    }

    /// Opens the events file of a run being resumed, cut back to the `bytes` its checkpoint
    /// made durable (what a killed run wrote after it is written again), to append to.
    pub fn resume(output: &OutputArgs, bytes: u64) -> Result<Self> {
        let path = output
            .events
            .as_deref()
            .context("a resumed replay writes its events to --events FILE")?;
        // Appending: whatever is written goes after the cut.
        let file = std::fs::OpenOptions::new()
            .append(true)
            .open(path)
            .with_context(|| {
                format!("{}: cannot open the events file to resume", path.display())
            })?;
        let length = file.metadata()?.len();
        anyhow::ensure!(
            length >= bytes,
            "{}: the events file holds {length} bytes, fewer than the {bytes} the checkpoint made durable: it is not this run's",
            path.display()
        );
        file.set_len(bytes)?;
        EventsOut::over_file(output, path, file)
    }

    /// The output over an events file.
    fn over_file(output: &OutputArgs, path: &Path, file: std::fs::File) -> Result<Self> {
        let kept = file.try_clone()?;
        Ok(EventsOut {
            sink: JsonLinesSink::new(Box::new(BufWriter::new(file))),
            filter: output.events_filter.clone(),
            name: path.display().to_string(),
            failed: None,
            file: Some(kept),
        })
    }

    /// Writes out what is buffered and makes the events file durable; its length in bytes.
    pub fn make_durable(&mut self) -> Result<u64> {
        self.flush()?;
        let file = self
            .file
            .as_ref()
            .context("only an events file can be made durable")?;
        file.sync_data()
            .with_context(|| format!("cannot write events to {}", self.name))?;
        Ok(file.metadata()?.len())
    }

    /// Writes one event if the filter lets it through.
    pub fn write(&mut self, e: &Event) {
        if self.failed.is_none() && self.filter.passes(e) {
            if let Err(error) = self.sink.write(e) {
                self.failed = Some(error);
            }
        }
    }

    /// Flushes the output; the first write error, if any, names the output.
    pub fn finish(mut self) -> Result<()> {
        self.flush()
    }

    /// Writes out what is buffered; the first write error, if any, names the output.
    fn flush(&mut self) -> Result<()> {
        if let Some(error) = self.failed.take() {
            return Err(error).with_context(|| format!("cannot write events to {}", self.name));
        }
        self.sink
            .flush()
            .with_context(|| format!("cannot write events to {}", self.name))
    }
}

/// A replay that writes checkpoints (`--resume`), and the checkpoint it continues from.
pub struct Resumption<'a> {
    /// Where the checkpoints go.
    pub checkpoints: &'a mut Resume,
    /// The checkpoint of a killed run of the same replay, to continue from.
    pub from: Option<Checkpoint>,
}

/// Reads every input in event time as a stream and runs the detection over it on
/// `options.threads` threads; each event goes to `events_out` as it comes, and the reports and
/// events are kept only as `keep` says. With `resume`, checkpoints are written as it says, and
/// the replay goes on from its checkpoint (its events file already cut back to it).
pub fn replay_files(
    zones: &[Zone],
    inputs: &[PathBuf],
    options: &InputOptions,
    detection: &Detection,
    keep: Keep,
    events_out: Option<&mut EventsOut>,
    mut resume: Option<Resumption>,
) -> Result<ReplayOutcome> {
    let from = resume.as_mut().and_then(|r| r.from.take());
    let mut taken = TakenEvents {
        tally: EventTally::of(zones),
        out: events_out,
        keep: keep.events,
        kept: Vec::new(),
    };
    let mut judged_reports = 0;
    let planning = Instant::now();
    let (mut reader, saved) = match from {
        Some(from) => {
            taken.tally = from.tally;
            judged_reports = from.reports;
            let reader = Inputs::open_at(inputs, options, Some(from.merge))?;
            (reader, Some(from.detectors))
        }
        None => (Inputs::open(inputs, options)?, None),
    };
    let index_started = Instant::now();
    let mut detector = match saved {
        Some(states) => PartitionedDetector::restored(detection, zones, options.threads, &states)?,
        None => PartitionedDetector::new(detection, zones, options.threads),
    };
    let mut timings = Timings {
        // Planning the merge reads each input's head: time spent waiting for input.
        read: index_started - planning,
        index: index_started.elapsed(),
        resumed_after: judged_reports,
        threads: detector.threads(),
        ..Timings::default()
    };
    let mut reports = Vec::new();
    loop {
        let waited = Instant::now();
        let Some(batch) = reader.next()? else { break };
        timings.read += waited.elapsed();
        if keep.reports {
            reports.extend_from_slice(&batch);
        }
        let judged = Instant::now();
        judged_reports += batch.len() as u64;
        detector.process(batch, &mut |e| taken.take(e));
        timings.engine += judged.elapsed();
        if let Some(r) = resume.as_mut().filter(|r| r.checkpoints.due()) {
            let writing = Instant::now();
            let states = detector.save_state(&mut |e| taken.take(e))?;
            let out = taken
                .out
                .as_deref_mut()
                .context("a checkpointed replay writes its events to a file")?;
            let events_bytes = out.make_durable()?;
            r.checkpoints.write(
                reader.merged.position(),
                states,
                events_bytes,
                &taken.tally,
                judged_reports,
            )?;
            timings.checkpoints += writing.elapsed();
        }
    }
    let judged = Instant::now();
    let (detectors, workers_busy) = detector.finish(&mut |e| taken.take(e));
    timings.engine += judged.elapsed();
    timings.workers_busy = workers_busy;
    let (read_stats, records) = reader.finish()?;
    let mut engine = EngineStats::default();
    for d in &detectors {
        let s = d.engine().stats();
        engine.reports += s.reports;
        engine.positions += s.positions;
        engine.late += s.late;
        engine.events += s.events;
    }
    let raised_zones = detectors
        .first()
        .map_or_else(Vec::new, |d| d.area_versions().to_vec());
    Ok(ReplayOutcome {
        reports,
        events: taken.kept,
        tally: taken.tally,
        read: read_stats,
        inputs: records,
        engine,
        tracks: track_records(detectors.iter().map(|d| d.engine())),
        raised_zones,
        timings,
    })
}

/// Where a replay's events go: counted, written out as they come, kept when asked.
struct TakenEvents<'a> {
    tally: EventTally,
    out: Option<&'a mut EventsOut>,
    keep: bool,
    kept: Vec<Event>,
}

impl TakenEvents<'_> {
    fn take(&mut self, e: Event) {
        self.tally.count(&e);
        if let Some(out) = self.out.as_deref_mut() {
            out.write(&e);
        }
        if self.keep {
            self.kept.push(e);
        }
    }
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

/// The engines' per-aircraft state as store records, in address order.
pub fn track_records<'a>(engines: impl Iterator<Item = &'a Engine>) -> Vec<TrackRecord> {
    let mut tracks: Vec<_> = engines.flat_map(|e| e.tracks()).collect();
    tracks.sort_unstable_by_key(|(icao, _)| *icao);
    tracks
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

/// A progress bar over `total` bytes with the rate and time left (hidden when standard error is
/// not a terminal).
fn bytes_bar(total: u64, message: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template(
            "{msg} [{bar:40}] {percent}% {binary_bytes}/{binary_total_bytes} at {binary_bytes_per_sec} ({eta} left)",
        )
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

fn summary_json(o: &ReplayOutcome) -> String {
    serde_json::json!({
        "records": o.read.records,
        "reports": o.read.reports,
        "ignored": o.read.ignored,
        "malformed": o.read.malformed,
        "aircraft": o.tracks.len(),
        "events": o.tally.total,
    })
    .to_string()
}

/// The end-of-run summary on stderr.
pub fn print_summary(o: &ReplayOutcome) {
    let t = &o.timings;
    let total = t.read + t.index + t.engine + t.checkpoints;
    // Rates are of this run's own reports: a resumed run's earlier ones were judged before.
    let rate =
        |n: u64, d: Duration| n.saturating_sub(t.resumed_after) as f64 / d.as_secs_f64().max(1e-9);
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
    eprintln!("  events            {:>12}", o.tally.total);
    let predicting = o.tally.per_zone.values().any(|c| c[2] > 0);
    for (zone, [enter, exit, predicted]) in &o.tally.per_zone {
        if predicting {
            eprintln!("    {zone:<24} {enter:>6} enter {exit:>6} exit {predicted:>6} predicted");
        } else {
            eprintln!("    {zone:<24} {enter:>6} enter {exit:>6} exit");
        }
    }
    let [areas_started, areas_ended, area_entries] = o.tally.areas;
    if areas_started > 0 {
        eprintln!(
            "  gnss interference {areas_started:>12}  areas started, {areas_ended} ended, {area_entries} entries into them"
        );
    }
    if t.resumed_after > 0 {
        eprintln!(
            "  resumed after     {:>12}  reports judged before the checkpoint",
            t.resumed_after
        );
    }
    let checkpoints = if t.checkpoints.is_zero() {
        String::new()
    } else {
        format!(", checkpoints {:.3} s", t.checkpoints.as_secs_f64())
    };
    eprintln!(
        "  elapsed           {:>12.3} s  (waiting for input {:.3} s, index {:.3} s, detection {:.3} s on {} thread{}{checkpoints})",
        total.as_secs_f64(),
        t.read.as_secs_f64(),
        t.index.as_secs_f64(),
        t.engine.as_secs_f64(),
        t.threads,
        if t.threads == 1 { "" } else { "s" }
    );
    match t.workers_busy {
        None => eprintln!(
            "  reports/s         {:>12.0}  end to end; detection alone {:.0}",
            rate(o.read.reports, total),
            rate(o.engine.reports, t.engine)
        ),
        Some(busy) => eprintln!(
            "  reports/s         {:>12.0}  end to end; detection alone {:.0} a core",
            rate(o.read.reports, total),
            rate(o.read.reports, busy)
        ),
    }
}
