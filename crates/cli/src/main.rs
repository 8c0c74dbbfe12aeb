//! `nofly`: replay recorded air-surveillance data or watch a live feed against four-dimensional
//! no-fly zones, and report every entry and exit as JSON lines and in an SQLite store.

mod attest;
mod checkpoint;
mod commands;
mod detector;
mod http;
mod input_paths;
mod partitioned;
mod pipeline;
mod zone_loading;

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// Watch air-surveillance data (ADS-B / Mode S) for violations of no-fly zones.
///
/// Zones are four-dimensional: an area (polygons with holes, or geodesic circles), an altitude band
/// and activation times. Every event is judged in event time (the time in the data), so a replay of
/// a recording and a live run give the same events. See docs/semantics.md for the exact rules.
#[derive(Parser, Debug)]
#[command(name = "nofly", version, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Replay recorded files against zones and write the events.
    ///
    /// Inputs: SBS/BaseStation text (as readsb/dump1090 serve on port 30003), OpenSky state vectors
    /// (historical-dataset schema) as CSV or Parquet, and raw Mode S decoded by nofly: Beast binary,
    /// AVR text and `<unix seconds>,<hex>` lines (single-bit errors repaired in DF17/18 only, see
    /// `nofly decode --help`), and readsb JSON (aircraft.json, JSON lines, trace files). Inputs may be
    /// gzip, zstd or tar archives (OpenSky's `states_….csv.tar`), folders or quoted patterns.
    /// The inputs are read as streams merged in event time (ties keep input order), never collected
    /// whole, and the detection runs on every core (docs/replay.md). Malformed records are skipped,
    /// counted, and the first ten reported with file, line/row and field.
    Replay(ReplayArgs),
    /// A self-contained HTML report to hand a finding on: map of the track and zones, altitude
    /// profile against the zones' vertical bands, timeline, who the aircraft is, the evidence
    /// bundle with how to verify it, and the run's inputs with their SHA-256 (docs/alerts.md).
    ///
    /// The recording is replayed with the zones and settings given, so the report shows what a
    /// replay finds. One event (--event ID, with its flight), one aircraft (--icao HEX), or every
    /// event in a time range (--from, --to); --period day|week writes one summary per day or week
    /// into the folder --out. --pdf prints it with Chromium.
    Report(ReportArgs),
    /// Watch a live feed and write events as they happen; Ctrl-C stops and flushes everything.
    ///
    /// Reconnects by itself with backoff (0.5 s doubling to 30 s) when the feed is down or drops.
    Watch(WatchArgs),
    /// Publish reports to NATS JetStream for the workers of a cluster (docs/deploy.md): from
    /// recorded files or live feeds, partitioned by ICAO address, each acknowledged by the server;
    /// the same report from two receivers within one second is kept once.
    Ingest(IngestArgs),
    /// Decode raw Mode S (Beast, AVR, `<unix seconds>,<hex>` lines) and print one JSON object per
    /// message: downlink format, address, type code, decoded fields, and the resolved position.
    /// ASTERIX (pcap, pcapng, raw data blocks) is printed one object per record: category,
    /// edition, and the target report or service message in nofly's units.
    ///
    /// Single-bit errors are repaired in DF17/18 extended squitters by default (their parity is
    /// pure, so a one-bit syndrome identifies the bit; --no-repair turns it off). DF11 is never
    /// repaired: its parity may carry the interrogator's code, so a small syndrome is ambiguous.
    /// Addresses recovered from the parity of DF0/4/5/16/20/21 are used only once seen announced in
    /// DF11/17/18.
    Decode {
        /// Raw Mode S or ASTERIX file (gzip allowed), `-` for standard input, or beast://HOST:PORT
        /// or avr://HOST:PORT, read until the feed closes.
        input: PathBuf,
        /// Input format: auto, beast, avr, modes-hex or asterix.
        #[arg(long, default_value = "auto", value_name = "F")]
        format: String,
        #[command(flatten)]
        asterix: AsterixArgs,
        /// Receiver position LAT,LON: the reference for surface positions.
        #[arg(long, value_name = "LAT,LON")]
        receiver: Option<String>,
        /// Do not repair single-bit errors.
        #[arg(long)]
        no_repair: bool,
    },
    /// The aircraft database events are annotated with (`--aircraft-db` without a path): fetch
    /// it, install one from a file, look aircraft up (docs/alerts.md).
    AircraftDb {
        #[command(subcommand)]
        command: AircraftDbCommand,
    },
    /// Validate zone files and summarise them.
    Zones {
        #[command(subcommand)]
        command: ZonesCommand,
    },
    /// Write a new Ed25519 key: nofly.key (mode 0600) and nofly.pub, the C2SP verifier key a
    /// verifier trusts (witness.key and witness.pub with --witness). Never overwrites a key.
    Keygen {
        /// Directory to write the two files into.
        #[arg(long, default_value = ".", value_name = "DIR")]
        dir: PathBuf,
        /// The key's name: a log's checkpoints carry it as their origin line, a witness signs
        /// with it (e.g. example.org/nofly); `nofly/<8 hex digits of the key>` if not given.
        #[arg(long, value_name = "NAME")]
        name: Option<String>,
        /// A witness's key: its public key is written as a cosignature key (type 0x04).
        #[arg(long)]
        witness: bool,
    },
    /// Run a C2SP tlog-witness: cosign the checkpoints of the given logs over HTTP
    /// (POST /add-checkpoint), each only if it extends the last one cosigned, so that a log cannot
    /// show two histories. Listens on 127.0.0.1:7380 unless --listen says otherwise.
    Witness {
        /// The witness's private key (`nofly keygen --witness`).
        #[arg(long, value_name = "FILE")]
        key: PathBuf,
        /// The verifier key of a log to witness (a nofly.pub file or the key itself); repeatable.
        #[arg(long = "log", value_name = "KEY", required = true)]
        logs: Vec<String>,
        /// Where the witness keeps the latest checkpoint it cosigned of each log (written
        /// atomically before each answer).
        #[arg(long, value_name = "FILE", default_value = "nofly-witness-state.json")]
        state: PathBuf,
        /// Address to listen on.
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:7380")]
        listen: std::net::SocketAddr,
    },
    /// Write the evidence log as C2SP tlog-tiles (checkpoint, tile/<L>/<N>, tile/entries/<N>)
    /// into a folder, for static hosting; `nofly serve` also serves them under /log/.
    LogTiles {
        /// The evidence log.
        log: PathBuf,
        /// The folder to write into.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// Write this receiver's signed excerpt of an aircraft around a time, from its own evidence
    /// log, for another receiver's bundle (`nofly evidence --corroboration`). Needs the run's
    /// input files, unchanged.
    Excerpt {
        /// This receiver's evidence log.
        #[arg(long, value_name = "LOG")]
        log: PathBuf,
        /// Its private key.
        #[arg(long, value_name = "FILE")]
        key: PathBuf,
        /// The aircraft (24-bit address, hex).
        #[arg(long, value_name = "HEX")]
        icao24: String,
        /// The event's time (RFC 3339).
        #[arg(long, value_name = "TIME")]
        at: String,
        /// Seconds of records before and after.
        #[arg(long, default_value_t = 60, value_name = "SECONDS")]
        window: u64,
        /// Where to write the excerpt.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Print the RFC 6962 consistency proof from the log's first OLD entries to its first NEW
    /// entries, one base64 hash per line (the form tlog-witness requests carry), for monitors and
    /// independent checkers.
    ConsistencyProof {
        /// The evidence log.
        log: PathBuf,
        /// The smaller tree size.
        #[arg(long, value_name = "N")]
        old: u64,
        /// The larger tree size (the whole log if not given).
        #[arg(long, value_name = "N")]
        new: Option<u64>,
    },
    /// Convert an evidence log of nofly before December 2026 (v1 checkpoints) to C2SP checkpoints,
    /// after checking every old checkpoint; entries are copied unchanged.
    MigrateLog {
        /// The old log.
        log: PathBuf,
        /// The key that signed it (its name becomes the log's origin).
        #[arg(long, value_name = "FILE")]
        key: PathBuf,
        /// Where to write the new log (must not exist).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Write the evidence bundle of one event: the event, the aircraft's raw input records around it,
    /// the zone definition, the run's settings and inputs' hashes, their C2SP tlog-proofs against the
    /// latest (cosigned) checkpoint, its time-stamps and other receivers' excerpts. Needs the run's
    /// input files, unchanged.
    Evidence(EvidenceArgs),
    /// Verify an evidence bundle against a trust policy (log key, witnesses, quorum): the checkpoint,
    /// its cosignatures and time-stamps, the proofs, every hash, other receivers' excerpts, then
    /// re-run the detection on the bundled raw records and zone; states the time interval the
    /// evidence is proven to exist in. Exit 0 only when every check passes.
    Verify {
        /// The bundle (JSON).
        bundle: PathBuf,
        #[command(flatten)]
        trust: TrustArgs,
    },
    /// Verify a whole evidence log: its structure, every checkpoint's signature and root, that each
    /// checkpoint extends the one before, and every event id. Exit 0 only when every check passes.
    VerifyLog {
        /// The evidence log.
        log: PathBuf,
        #[command(flatten)]
        trust: TrustArgs,
    },
    /// Run the flagship real scenario: Russian flights to Kaliningrad, 22 Feb – 5 Mar 2022, against
    /// the national airspace of the states that closed it to Russian aircraft.
    ///
    /// Fetches the OpenSky sample once from PyPI (the `traffic` package's source archive) into a
    /// cache directory and checks its SHA-256; if that is impossible, says why and runs a bundled
    /// SBS sample instead. Writes events and an SQLite store, then tells the story per zone and flight.
    Demo(DemoArgs),
    /// Serve the web map and the HTTP API over zone files and the events of an SQLite store (from
    /// earlier replays and watches), with evidence downloads when the evidence log and its key are
    /// given. Listens on 127.0.0.1:8080 unless --http says otherwise.
    Serve(ServeArgs),
    /// Find GNSS interference and spoofing in recorded data, from ADS-B alone.
    ///
    /// Per H3 cell (resolutions 4 and 6) and 10-minute window of event time: the aircraft seen,
    /// those whose reports were mostly degraded (NIC below 7, or NACp below 8 without a NIC) and
    /// those showing a spoofing sign (position jumps no aircraft can fly, cruise altitude at
    /// walking speed, GNSS height far from barometric altitude). A cell is SUSPECT or INTERFERENCE
    /// on the lower 95 % confidence bound of its affected share, with hysteresis (docs/gnss.md).
    /// Writes the cells as GeoJSON and prints each cell's raised periods.
    Gnss(GnssArgs),
    /// Measure nofly's speed on your own data.
    Bench {
        #[command(subcommand)]
        command: BenchCommand,
    },
}

#[derive(Subcommand, Debug)]
enum BenchCommand {
    /// The zone index alone: build time and point-in-zone queries per second on one thread, for
    /// uniformly random points in the zones' bounding box (horizontal test only: no time, no
    /// altitude). The same seed gives the same points on any machine.
    Geofence {
        /// Zone files (any format nofly reads); repeat for several.
        #[arg(long = "zones", value_name = "FILE", required = true)]
        zones: Vec<PathBuf>,
        /// Number of points.
        #[arg(long, default_value_t = 10_000_000)]
        points: usize,
        /// Seed of the point generator.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// The detection engine on synthetic traffic: aircraft flying straight at 250 kt through the
    /// zones' bounding box, one position a second each; reports/s and memory per tracked aircraft.
    Engine {
        /// Zone files (any format nofly reads); repeat for several.
        #[arg(long = "zones", value_name = "FILE", required = true)]
        zones: Vec<PathBuf>,
        /// Number of aircraft tracked at once.
        #[arg(long, default_value_t = 10_000)]
        aircraft: u32,
        /// Number of reports in all.
        #[arg(long, default_value_t = 10_000_000)]
        reports: u64,
        /// Seed of the traffic generator.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
enum AircraftDbCommand {
    /// Download a database (default: tar1090-db's aircraft.csv.gz, the one readsb and tar1090
    /// use), check that it reads, and install it; the old one stays until the new one has read.
    Update {
        /// Where to download from (tar1090, OpenSky CSV; gzip or not).
        #[arg(long, default_value = commands::aircraft_db::DEFAULT_URL, value_name = "URL")]
        url: String,
    },
    /// Install a database from a file or folder: tar1090-db aircraft.csv[.gz], OpenSky
    /// aircraftDatabase.csv, or a dump1090 db/ folder. Bad records are listed and skipped.
    Load {
        /// The database file or folder.
        path: PathBuf,
    },
    /// Print who aircraft are, one JSON object per address, as events carry it: country and
    /// military block from the address, and the database's record.
    Show {
        /// ICAO addresses (six hex digits).
        #[arg(required = true)]
        icao: Vec<String>,
        /// The database to read (default: the installed one, if any).
        #[arg(long, value_name = "PATH")]
        db: Option<PathBuf>,
    },
}

#[derive(Subcommand, Debug)]
enum ZonesCommand {
    /// Check zone files: list every problem with its place (feature and field, or line), then summarise each
    /// zone. Exits with 1 when any file has an error.
    Check {
        /// Zone files: nofly GeoJSON, OpenAIR, ED-269 or ED-318.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Write the valid zones of any mix of zone files as one normalised GeoJSON FeatureCollection
    /// (nofly's schema, docs/zones.md), which reads back into the same zones with the same versions.
    Export {
        /// Zone files: nofly GeoJSON, OpenAIR, ED-269 or ED-318.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Output file (default: standard output).
        #[arg(long, value_name = "FILE")]
        geojson: Option<PathBuf>,
    },
    /// Publish zone files to the NATS key-value bucket the workers of a cluster read
    /// (`watch --source nats://…` without --zones); each publish is a new revision, which every
    /// worker switches to between two batches. The files are checked first.
    Publish {
        /// Zone files: nofly GeoJSON, OpenAIR, ED-269 or ED-318.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The NATS server, e.g. nats://127.0.0.1:4222.
        #[arg(long, value_name = "URL")]
        to: String,
        /// The bucket.
        #[arg(long, default_value = "nofly_zones", value_name = "NAME")]
        bucket: String,
    },
}

/// Whom a verification trusts.
#[derive(Args, Debug)]
#[group(skip)]
#[command(group(clap::ArgGroup::new("trust").required(true).args(["pubkey", "policy"])))]
struct TrustArgs {
    /// The log's public key alone (no witness required): a nofly.pub file or the verifier key
    /// itself (a v1 key of 64 hex digits is read too).
    #[arg(long, value_name = "KEY")]
    pubkey: Option<String>,
    /// A trust policy file naming the log key, the witnesses and the quorum (docs/evidence.md).
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
    /// The certificate (PEM or DER) of a time-stamping authority to trust; repeatable. Without
    /// one, time-stamps are checked against the certificate they carry and said to be unpinned.
    #[arg(long = "tsa-cert", value_name = "FILE")]
    tsa_certs: Vec<PathBuf>,
}

#[derive(Args, Debug)]
struct EvidenceArgs {
    /// The event's id.
    event_id: String,
    /// The evidence log that holds it.
    #[arg(long, value_name = "LOG")]
    log: PathBuf,
    /// Where to write the bundle.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// The log's private key: it also signs the bundle, binding the raw records to it.
    #[arg(long, value_name = "FILE")]
    key: PathBuf,
    /// Seconds of the aircraft's raw records to include before and after the event.
    #[arg(long, default_value_t = 300, value_name = "SECONDS")]
    window: u64,
    /// Another receiver's signed excerpt of the aircraft (`nofly excerpt`), carried in the bundle
    /// so that `verify` can count the receivers that corroborate the position; repeatable.
    #[arg(long, value_name = "FILE")]
    corroboration: Vec<PathBuf>,
}

/// The web map and HTTP API of a command.
#[derive(Args, Debug, Clone, Default)]
struct HttpArgs {
    /// Serve the web map and the HTTP API (docs/api.md) on ADDR; `--http` alone means
    /// 127.0.0.1:8080. A replay or the demo keeps serving its results until Ctrl-C.
    #[arg(long, value_name = "ADDR", num_args = 0..=1, default_missing_value = http::DEFAULT_ADDR)]
    http: Option<std::net::SocketAddr>,
    /// File whose first line is the bearer token of the write endpoints (zone upload and reload;
    /// `watch` and `serve` only), at least 16 characters; NOFLY_HTTP_TOKEN works too. Without a
    /// token the write endpoints do not exist.
    #[arg(long, value_name = "FILE")]
    http_token_file: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct GnssArgs {
    /// Recorded inputs (any format `replay` reads; readsb JSON and raw Mode S carry NIC and NACp);
    /// `-` is standard input.
    #[arg(required = true, value_name = "INPUT")]
    inputs: Vec<PathBuf>,
    #[command(flatten)]
    input: InputArgs,
    /// Where to write the cells (GeoJSON FeatureCollection, one feature per cell and window).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// H3 resolutions; repeat for several.
    #[arg(long = "resolution", value_name = "RES", default_values_t = [4u8, 6u8])]
    resolutions: Vec<u8>,
    /// Window length, seconds.
    #[arg(long, default_value_t = 600, value_name = "SECONDS")]
    window: u32,
    /// Write every cell window, not only those with affected aircraft or a raised state.
    #[arg(long)]
    all: bool,
    /// Also write one map image a UTC day into DIR (`cells-YYYY-MM-DD.png`): every cell seen that
    /// day at the coarsest resolution, in the colour of its worst state, over the Natural Earth
    /// basemap built into nofly.
    #[arg(long, value_name = "DIR")]
    png_dir: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct ServeArgs {
    /// Zone file (any format nofly reads); repeat for several.
    #[arg(long = "zones", value_name = "FILE", required = true)]
    zones: Vec<PathBuf>,
    /// SQLite store whose events are served.
    #[arg(long, value_name = "FILE")]
    db: Option<PathBuf>,
    /// Evidence log of those events: bundles are offered for download.
    #[arg(long, value_name = "FILE", requires = "key")]
    evidence_log: Option<PathBuf>,
    /// The evidence log's private key (bundles are signed with it).
    #[arg(long, value_name = "FILE")]
    key: Option<PathBuf>,
    #[command(flatten)]
    http: HttpArgs,
}

/// Options shared by every command that detects.
#[derive(Args, Debug, Clone, Default)]
struct OutputArgs {
    /// Write events as JSON lines to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    events: Option<PathBuf>,
    /// Which events go to --events (or standard output), as for --webhook-filter; the store and
    /// the evidence log always take every event.
    #[arg(long, value_name = "FILTER", default_value = "")]
    events_filter: nofly_sinks::EventFilter,
    /// Also record the run, zones, events and track summaries in this SQLite database (created if
    /// missing; the same run replayed again adds nothing).
    #[arg(long, value_name = "FILE")]
    db: Option<PathBuf>,
    /// Append the run, its zones and its events to this signed evidence log (docs/evidence.md);
    /// needs --key. Events already in the log are not appended again.
    #[arg(long, value_name = "FILE", requires = "key")]
    evidence_log: Option<PathBuf>,
    /// Private key (from `nofly keygen`) that signs the evidence log's checkpoints.
    #[arg(long, value_name = "FILE")]
    key: Option<PathBuf>,
    /// Sign a checkpoint every N log entries (and always at the end).
    #[arg(long, default_value_t = 1000, value_name = "N")]
    checkpoint_every: u64,
    /// Have every checkpoint cosigned by the C2SP tlog-witness at this URL (e.g. one run with
    /// `nofly witness`); repeatable. A witness that is down or refuses is reported and skipped.
    #[arg(long = "witness", value_name = "URL", requires = "evidence_log")]
    witnesses: Vec<String>,
    /// Have every checkpoint time-stamped by the RFC 3161 time-stamping authority at this URL;
    /// repeatable. The tokens are kept in the log and in bundles.
    #[arg(long = "tsa", value_name = "URL", requires = "evidence_log")]
    tsas: Vec<String>,
    /// Also POST every event, as JSON, to this URL (retried with backoff; spooled on disk first, so
    /// that a receiver that is down loses nothing; each request has the event id as
    /// Idempotency-Key).
    #[arg(long, value_name = "URL")]
    webhook: Option<String>,
    /// What the webhook sends: a template file of headers and body with {{field}} placeholders
    /// (docs/templates/: ntfy, Discord, Telegram, Slack); the event's JSON when not given.
    #[arg(long, value_name = "FILE", requires = "webhook")]
    webhook_template: Option<PathBuf>,
    /// Which events the webhook gets: conditions that must all hold, e.g.
    /// `kinds=enter,emergency;zones=EE,FI;icao=4241*;callsign=AFL*;squawk=7700;alt_ft=0..20000;near=59.44,24.75,50`
    /// (README: Filters).
    #[arg(long, value_name = "FILTER", default_value = "")]
    webhook_filter: nofly_sinks::EventFilter,
    /// The webhook's spool directory; events not yet delivered stay there for the next run.
    #[arg(long, value_name = "DIR", default_value = "nofly-webhook-spool")]
    webhook_spool: PathBuf,
    /// How long a replay waits for the webhook, NATS and MQTT to take its events before exiting (they
    /// stay spooled), seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    webhook_wait: u64,
    /// Also publish every event to NATS JetStream at this URL (e.g. nats://127.0.0.1:4222), on the
    /// subject `<--nats-subject>.<kind>` with the event id as Nats-Msg-Id, spooled on disk first.
    #[arg(long, value_name = "URL")]
    nats: Option<String>,
    /// JetStream stream for --nats (created with the subjects `<--nats-subject>.>` if missing).
    #[arg(long, value_name = "NAME", default_value = "NOFLY_EVENTS")]
    nats_stream: String,
    /// Subject prefix for --nats.
    #[arg(long, value_name = "PREFIX", default_value = "nofly.events")]
    nats_subject: String,
    /// Which events NATS gets, as for --webhook-filter.
    #[arg(long, value_name = "FILTER", default_value = "")]
    nats_filter: nofly_sinks::EventFilter,
    /// The NATS sink's spool directory.
    #[arg(long, value_name = "DIR", default_value = "nofly-nats-spool")]
    nats_spool: PathBuf,
    /// Also publish every event to this MQTT broker (mqtt://host[:port], e.g. Mosquitto or Home
    /// Assistant's) on `<--mqtt-topic>/<kind>` with QoS 1, spooled on disk first.
    #[arg(long, value_name = "URL")]
    mqtt: Option<String>,
    /// Topic prefix for --mqtt.
    #[arg(long, value_name = "PREFIX", default_value = "nofly/events")]
    mqtt_topic: String,
    /// Which events MQTT gets, as for --webhook-filter.
    #[arg(long, value_name = "FILTER", default_value = "")]
    mqtt_filter: nofly_sinks::EventFilter,
    /// The MQTT sink's spool directory.
    #[arg(long, value_name = "DIR", default_value = "nofly-mqtt-spool")]
    mqtt_spool: PathBuf,
    /// Also send every event as Cursor-on-Target XML (ATAK, WinTAK, TAK Server) to
    /// udp://host:port (one datagram each, e.g. udp://239.2.3.1:6969) or tcp://host:port.
    #[arg(long, value_name = "URL")]
    cot: Option<String>,
    /// Which events CoT gets, as for --webhook-filter.
    #[arg(long, value_name = "FILTER", default_value = "")]
    cot_filter: nofly_sinks::EventFilter,
    /// The CoT sink's spool directory.
    #[arg(long, value_name = "DIR", default_value = "nofly-cot-spool")]
    cot_spool: PathBuf,
    /// Alert rules (docs/alerts.md): named rules of conditions, each with its cooldown and the
    /// alert sinks it sends to; the webhook, NATS, MQTT and CoT then take only the events a rule
    /// matches, with the rules' names in the payload. `watch` reloads the file when it changes
    /// and on SIGHUP (a file with an error is refused and the rules in use kept).
    #[arg(long, value_name = "FILE")]
    rules: Option<PathBuf>,
}

/// Reads an alert rule file.
fn read_rules(path: &std::path::Path) -> Result<nofly_sinks::AlertRules, String> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| format!("{shown}: {e}"))?;
    nofly_sinks::AlertRules::parse(&shown, &text)
}

/// A delivery sink with its name and spool, or why it did not open (`what` names it in the error).
fn opened(
    name: &'static str,
    what: &str,
    spool: &std::path::Path,
    sink: std::io::Result<nofly_sinks::DeliverySink>,
) -> anyhow::Result<(&'static str, PathBuf, nofly_sinks::DeliverySink)> {
    let sink =
        sink.map_err(|e| anyhow::anyhow!("{}: cannot open the {what}: {e}", spool.display()))?;
    Ok((name, spool.to_path_buf(), sink))
}

impl OutputArgs {
    /// Whether an output takes the events after the run (the store and the evidence log record
    /// the run first, with its inputs' hashes; the alert sinks deliver through their spools), so
    /// that a replay must keep them until its end.
    fn records_events_after_the_run(&self) -> bool {
        self.db.is_some()
            || self.evidence_log.is_some()
            || self.webhook.is_some()
            || self.nats.is_some()
            || self.mqtt.is_some()
            || self.cot.is_some()
    }

    /// The alert rules of --rules, shared with the sinks so that `watch` can reload them.
    fn alert_rules(&self) -> anyhow::Result<Option<nofly_sinks::SharedRules>> {
        let Some(path) = &self.rules else {
            return Ok(None);
        };
        let rules = read_rules(path).map_err(anyhow::Error::msg)?;
        if rules.rules.is_empty() {
            tracing::warn!(
                "{}: no rules in it: the alert sinks get no events",
                path.display()
            );
        }
        Ok(Some(std::sync::Arc::new(std::sync::RwLock::new(rules))))
    }

    /// The delivery sinks asked for (webhook, NATS, MQTT, CoT), each with its name and spool
    /// directory, sending what `rules` match when there are rules.
    fn delivery_sinks(
        &self,
        rules: Option<&nofly_sinks::SharedRules>,
    ) -> anyhow::Result<Vec<(&'static str, PathBuf, nofly_sinks::DeliverySink)>> {
        let mut out = self.unruled_sinks()?;
        if let Some(rules) = rules {
            out = out
                .into_iter()
                .map(|(name, spool, sink)| (name, spool, sink.with_rules(name, rules.clone())))
                .collect();
        }
        Ok(out)
    }

    fn unruled_sinks(
        &self,
    ) -> anyhow::Result<Vec<(&'static str, PathBuf, nofly_sinks::DeliverySink)>> {
        let mut out = Vec::new();
        if let Some(sink) = self.webhook_sink()? {
            out.push(("webhook", self.webhook_spool.clone(), sink));
        }
        if let Some(url) = &self.nats {
            let sink = nofly_sinks::DeliverySink::nats(
                url,
                &self.nats_stream,
                &self.nats_subject,
                &self.nats_spool,
                self.nats_filter.clone(),
                1 << 30,
            );
            out.push(opened("nats", "NATS spool", &self.nats_spool, sink)?);
        }
        if let Some(url) = &self.mqtt {
            let sink = nofly_sinks::DeliverySink::mqtt(
                url,
                &self.mqtt_topic,
                &self.mqtt_spool,
                self.mqtt_filter.clone(),
                1 << 30,
            );
            out.push(opened("mqtt", "MQTT sink", &self.mqtt_spool, sink)?);
        }
        if let Some(url) = &self.cot {
            let sink = nofly_sinks::DeliverySink::cot(
                url,
                &self.cot_spool,
                self.cot_filter.clone(),
                1 << 30,
            );
            out.push(opened("cot", "CoT sink", &self.cot_spool, sink)?);
        }
        Ok(out)
    }

    /// The webhook sink, when one is asked for.
    fn webhook_sink(&self) -> anyhow::Result<Option<nofly_sinks::DeliverySink>> {
        let Some(url) = &self.webhook else {
            return Ok(None);
        };
        let template = match &self.webhook_template {
            None => None,
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
                Some(nofly_sinks::Template::parse(
                    &path.display().to_string(),
                    &text,
                    nofly_sinks::EVENT_FIELDS,
                )?)
            }
        };
        let sink = nofly_sinks::DeliverySink::webhook(
            url,
            template,
            &self.webhook_spool,
            self.webhook_filter.clone(),
            1 << 30,
        )
        .map_err(|e| {
            anyhow::anyhow!(
                "{}: cannot open the webhook spool: {e}",
                self.webhook_spool.display()
            )
        })?;
        Ok(Some(sink))
    }
}

/// The zones of a detecting command.
#[derive(Args, Debug)]
struct ZoneArgs {
    /// Zone file (nofly GeoJSON, OpenAIR, ED-269 or ED-318, see docs/zones.md); repeat for several.
    /// Zone ids must be unique. Required, except for a worker (`watch --source nats://…`), which
    /// takes the zone set published with `nofly zones publish` when none is given.
    #[arg(long = "zones", value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Use the valid zones of a zone file that also has invalid ones, instead of refusing to run.
    #[arg(long)]
    skip_bad_zones: bool,
    /// Which altitude MSL, AGL and WGS84 limits are compared with: barometric (pressure altitude,
    /// as ATC sees it) or geometric (GNSS). Flight levels always use barometric (docs/semantics.md).
    #[arg(long, default_value = "barometric", value_name = "MODE")]
    altitude: nofly_model::AltitudeMode,
    /// Also raise PREDICTED_ENTRY (and PREDICTION_CLEARED) events: the first zone each aircraft
    /// would enter on its current track, speed and vertical rate within --lookahead seconds.
    #[arg(long)]
    predict: bool,
    /// Look-ahead window of --predict, seconds.
    #[arg(long, default_value_t = 120, value_name = "SECONDS")]
    lookahead: u32,
    /// A prediction for the same zone is announced again only when its entry time moves by more
    /// than this, seconds.
    #[arg(long, default_value_t = 30, value_name = "SECONDS")]
    prediction_change: u32,
    /// Raise SIGNAL_LOST for an aircraft inside a zone not heard for this many seconds of event
    /// time (the latest time in anyone's data), and SIGNAL_REGAINED when it is heard again; at the
    /// end of a replay, aircraft still inside are reported lost at last seen + this.
    #[arg(long, value_name = "SECONDS")]
    lost_after: Option<u32>,
    /// Mark this aircraft's events exempt in every zone (24-bit address in hex); repeatable.
    /// Exempt events are still written, with `"exempt": true`.
    #[arg(long, value_name = "HEX")]
    exempt_icao: Vec<nofly_model::Icao24>,
    /// Mark the events of aircraft whose callsign matches exempt (`*` and `?` wildcards); repeatable.
    #[arg(long, value_name = "PATTERN")]
    exempt_callsign: Vec<String>,
    /// Mark the events of aircraft squawking this code exempt (four octal digits); repeatable.
    #[arg(long, value_name = "CODE", value_parser = parse_squawk)]
    exempt_squawk: Vec<u16>,
    /// Hysteresis: an entry or exit counts only once the aircraft has stayed on the new side of the
    /// boundary this many seconds (seen at a later report); the event keeps the time and place of
    /// the first report on that side. 0 keeps the exact geometric answer.
    #[arg(long, default_value_t = 0, value_name = "SECONDS")]
    min_dwell: u32,
    /// Hysteresis in space: an aircraft enters a zone only once more than this many metres inside
    /// its boundary, and leaves only once more than this many metres outside. 0 keeps the exact
    /// geometric answer.
    #[arg(long, default_value_t = 0.0, value_name = "METRES")]
    boundary_buffer: f64,
    /// Raise CLOSEST_APPROACH for aircraft passing within this many nautical miles of a zone
    /// (active, in its band) without entering it: the closest report and its distance, once the
    /// aircraft moves away. `--closest-approach` alone means 10 NM; `--closest-approach=5` sets it.
    #[arg(long, value_name = "NM", num_args = 0..=1, require_equals = true, default_missing_value = "10")]
    closest_approach: Option<f64>,
    /// Watch for GNSS interference (docs/gnss.md): areas where aircraft broadcast degraded
    /// integrity or show spoofing signs become live zones of kind `gnss-interference`, with
    /// INTERFERENCE_START and INTERFERENCE_END events. `--gnss` raises INTERFERENCE areas,
    /// `--gnss=suspect` SUSPECT ones too. Zone ids starting `gnss-` are then reserved.
    #[arg(long, value_name = "STATE", num_args = 0..=1, require_equals = true,
          default_missing_value = "interference", value_parser = ["interference", "suspect"])]
    gnss: Option<String>,
    /// H3 resolution of the --gnss areas (4: about 1,770 km², as the public interference maps).
    #[arg(long, default_value_t = 4, value_name = "RES", value_parser = clap::value_parser!(u8).range(0..=15))]
    gnss_resolution: u8,
    /// Window of event time over which --gnss judges each area, seconds.
    #[arg(long, default_value_t = 600, value_name = "SECONDS", value_parser = clap::value_parser!(u32).range(1..))]
    gnss_window: u32,
    /// Annotate events with who the aircraft is from this database (tar1090-db aircraft.csv[.gz],
    /// OpenSky aircraftDatabase.csv or a dump1090 db/ folder); without a path, the one
    /// `nofly aircraft-db update|load` installed. Country and military address blocks are
    /// annotated with or without it. The run records the database's hash.
    #[arg(long, value_name = "PATH", num_args = 0..=1, default_missing_value = "installed")]
    aircraft_db: Option<PathBuf>,
}

/// Parses `LAT,LON` (`--receiver`).
pub(crate) fn parse_position(text: &str) -> anyhow::Result<(f64, f64)> {
    use anyhow::{bail, Context};
    let (lat, lon) = text
        .split_once(',')
        .context("expected LAT,LON, e.g. 43.63,1.37")?;
    let (lat, lon): (f64, f64) = (
        lat.trim().parse().context("latitude")?,
        lon.trim().parse().context("longitude")?,
    );
    if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
        bail!("{text}: latitude must be in -90..90 and longitude in -180..180");
    }
    Ok((lat, lon))
}

fn parse_squawk(text: &str) -> Result<u16, String> {
    if text.len() == 4 && text.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
        u16::from_str_radix(text, 8).map_err(|e| e.to_string())
    } else {
        Err(format!("{text:?} is not four octal digits"))
    }
}

impl ZoneArgs {
    /// The detection settings these options ask for.
    fn detection(&self) -> anyhow::Result<detector::Detection> {
        Ok(detector::Detection {
            engine: nofly_engine::Settings {
                altitude: self.altitude,
                prediction: self.predict.then(|| nofly_engine::PredictionSettings {
                    lookahead_ms: i64::from(self.lookahead) * 1000,
                    min_change_ms: i64::from(self.prediction_change) * 1000,
                    ..nofly_engine::PredictionSettings::default()
                }),
                lost_after_ms: self.lost_after.map(|s| i64::from(s) * 1000),
                min_dwell_ms: i64::from(self.min_dwell) * 1000,
                boundary_buffer_m: self.boundary_buffer,
                closest_approach_m: self.closest_approach.map(|nm| nm * 1852.0),
                exemptions: nofly_model::Exemptions {
                    icao24: self.exempt_icao.clone(),
                    callsigns: self.exempt_callsign.clone(),
                    squawks: self.exempt_squawk.clone(),
                },
            },
            gnss: self.gnss.as_deref().map(|raise| detector::GnssDetection {
                raise_at: if raise == "suspect" {
                    nofly_gnss::CellState::Suspect
                } else {
                    nofly_gnss::CellState::Interference
                },
                resolution: h3o::Resolution::try_from(self.gnss_resolution)
                    .unwrap_or(h3o::Resolution::Four),
                window_ms: i64::from(self.gnss_window) * 1000,
            }),
            aircraft_db: self
                .aircraft_db
                .as_deref()
                .map(commands::aircraft_db::open)
                .transpose()?
                .map(std::sync::Arc::new),
        })
    }
}

/// How ASTERIX inputs are decoded.
#[derive(Args, Debug, Clone)]
struct AsterixArgs {
    /// ASTERIX editions other than the defaults (CAT021 2.6, CAT034 1.29, CAT048 1.31, CAT062 1.20,
    /// CAT065 1.6): CATEGORY=EDITION for every source, SAC/SIC:CATEGORY=EDITION for one,
    /// comma-separated, e.g. 21=0.26,25/13:48=1.27.
    #[arg(long, default_value = "", value_name = "LIST")]
    asterix_editions: String,
    /// A radar's site, to place its CAT048 polar plots when its CAT034 messages give none:
    /// SAC/SIC=LAT,LON[,HEIGHT_M] (height above the WGS-84 ellipsoid); repeatable.
    #[arg(long, value_name = "SITE")]
    radar_site: Vec<String>,
}

impl AsterixArgs {
    /// Parses the options.
    fn options(&self) -> anyhow::Result<nofly_sources::AsterixOptions> {
        let mut sites = nofly_sources::RadarSites::default();
        for site in &self.radar_site {
            sites
                .add(site)
                .map_err(|e| anyhow::anyhow!("--radar-site {e}"))?;
        }
        Ok(nofly_sources::AsterixOptions {
            editions: nofly_sources::AsterixEditions::parse(&self.asterix_editions)
                .map_err(|e| anyhow::anyhow!("--asterix-editions {e}"))?,
            sites,
        })
    }
}

/// How recorded inputs are read: `replay`, `gnss` and `ingest`.
#[derive(Args, Debug)]
struct InputArgs {
    /// Input format: auto (sniff each file and say which format was chosen), sbs, opensky-csv,
    /// opensky-parquet, readsb-json, beast, avr, modes-hex or asterix (pcap, pcapng or raw data
    /// blocks; a raw file's times of day are dated from --untimed-start).
    #[arg(long, default_value = "auto", value_name = "F")]
    format: String,
    #[command(flatten)]
    asterix: AsterixArgs,
    /// Time given to SBS lines without a date that come before any dated line (RFC 3339). Later
    /// undated lines take the time of the previous dated line. Also the day a raw ASTERIX block
    /// file's first time of day is dated to (captures are dated by their packets).
    #[arg(long, default_value = "1970-01-01T00:00:00Z", value_name = "TIME")]
    untimed_start: String,
    /// Receiver position LAT,LON for raw Mode S inputs: the reference for surface positions.
    #[arg(long, value_name = "LAT,LON")]
    receiver: Option<String>,
    /// How far out of event-time order an input may be and still be read in order: seconds, or
    /// with a unit (500ms, 90s, 10m, 2h, 1d). Inputs are read as streams and merged in event
    /// time, holding this much of each in memory; a report later than that is judged where it
    /// comes and counted. A Parquet file out of order by more (flight after flight) is read whole.
    #[arg(long, default_value = "60s", value_name = "DURATION", value_parser = parse_duration_ms)]
    reorder_window: i64,
    /// Detection threads: the aircraft are shared among them; the output is the same whatever
    /// the number. Default: every core (one with --gnss).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    threads: Option<u16>,
}

/// A duration as milliseconds: a number of seconds, or a number with ms, s, m, h or d.
fn parse_duration_ms(text: &str) -> Result<i64, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let per_unit = match unit.trim() {
        "" | "s" => 1000.0,
        "ms" => 1.0,
        "m" | "min" => 60_000.0,
        "h" => 3_600_000.0,
        "d" => 86_400_000.0,
        other => return Err(format!("unknown unit {other:?}: use ms, s, m, h or d")),
    };
    let value: f64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a duration (e.g. 60, 90s, 10m, 2h)"))?;
    let ms = value * per_unit;
    if !ms.is_finite() || !(0.0..=1e15).contains(&ms) {
        return Err(format!("{text:?} is out of range"));
    }
    Ok(ms.round() as i64)
}

impl InputArgs {
    /// Parses the options.
    fn options(&self) -> anyhow::Result<pipeline::InputOptions> {
        use anyhow::Context;
        Ok(pipeline::InputOptions {
            format: match self.format.as_str() {
                "auto" => None,
                f => Some(f.parse().map_err(anyhow::Error::msg)?),
            },
            untimed_start: self.untimed_start.parse().context("--untimed-start")?,
            receiver: self.receiver.as_deref().map(parse_position).transpose()?,
            asterix: self.asterix.options()?,
            reorder_window_ms: self.reorder_window,
            threads: self.threads.map_or_else(pipeline::all_cores, usize::from),
            hash_inputs: true,
        })
    }
}

#[derive(Args, Debug)]
struct ReplayArgs {
    #[command(flatten)]
    zones: ZoneArgs,
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    output: OutputArgs,
    #[command(flatten)]
    http: HttpArgs,
    /// Make the replay resumable: write a checkpoint to FILE every --resume-every, and when FILE
    /// holds the checkpoint of a killed run of the same command, continue from it (the events
    /// file comes out byte for byte as if the run had never stopped). Needs --events FILE; not
    /// with --db, --evidence-log, alert sinks, --http or --gnss. FILE is removed when the replay
    /// ends.
    #[arg(long, value_name = "FILE", requires = "events")]
    resume: Option<PathBuf>,
    /// How often a resumable replay writes its checkpoint (wall-clock time: 60, 90s, 10m, 1h;
    /// 0 after every batch of reports).
    #[arg(long, default_value = "60s", value_name = "DURATION", value_parser = parse_duration_ms, requires = "resume")]
    resume_every: i64,
    /// Recorded input files: SBS, OpenSky CSV or Parquet, readsb JSON, Beast, AVR or
    /// `<unix seconds>,<hex>` lines, plain or in gzip, zstd or tar; a folder stands for every file
    /// under it and a quoted pattern for every file it matches (in path order); `-` is standard
    /// input (read whole, then sniffed like a file).
    #[arg(required = true, value_name = "INPUT")]
    inputs: Vec<PathBuf>,
}

#[derive(Args, Debug)]
struct ReportArgs {
    #[command(flatten)]
    zones: ZoneArgs,
    #[command(flatten)]
    input: InputArgs,
    /// Recorded input files, as for `replay`.
    #[arg(required = true, value_name = "INPUT")]
    inputs: Vec<PathBuf>,
    /// Report this event (its id) and the rest of its aircraft's flight.
    #[arg(long, value_name = "ID", conflicts_with = "icao")]
    event: Option<String>,
    /// Report this aircraft (ICAO address, six hex digits): its track and every event.
    #[arg(long, value_name = "HEX")]
    icao: Option<String>,
    /// Only from this time on (RFC 3339, e.g. 2022-02-28T00:00:00Z).
    #[arg(long, value_name = "TIME")]
    from: Option<nofly_model::EventTime>,
    /// Only before this time (RFC 3339).
    #[arg(long, value_name = "TIME")]
    to: Option<nofly_model::EventTime>,
    /// One summary per UTC day or ISO week with events (day or week); --out is then a folder.
    #[arg(long, value_name = "PERIOD", value_parser = ["day", "week"])]
    period: Option<String>,
    /// Attach this evidence bundle (from `nofly evidence`) of the --event: embedded as a download,
    /// with the command that verifies it.
    #[arg(long, value_name = "FILE", requires = "event")]
    bundle: Option<PathBuf>,
    /// The trust policy the shown verify command names.
    #[arg(long, value_name = "FILE", requires = "bundle")]
    policy: Option<PathBuf>,
    /// The log's public key the shown verify command names (when no --policy).
    #[arg(long, value_name = "FILE", requires = "bundle")]
    pubkey: Option<PathBuf>,
    /// Where the report goes (a folder with --period).
    #[arg(long, value_name = "PATH", default_value = "nofly-report.html")]
    out: PathBuf,
    /// Also print the report to this PDF with Chromium (headless).
    #[arg(long, value_name = "FILE", conflicts_with = "period")]
    pdf: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct WatchArgs {
    #[command(flatten)]
    zones: ZoneArgs,
    /// Live source: sbs://HOST:PORT (SBS/BaseStation, port 30003), beast://HOST:PORT (Beast binary,
    /// port 30005), avr://HOST:PORT (AVR text, port 30002), json://HOST:PORT (readsb's
    /// --net-json-port output, one aircraft object a line, with NIC and NACp),
    /// asterix+udp://GROUP:PORT (ASTERIX datagrams: a multicast group is joined, another address
    /// bound as given), or nats://HOST:PORT: a worker of a cluster reading the reports `nofly ingest` publishes
    /// (docs/deploy.md).
    #[arg(long, value_name = "URL")]
    source: String,
    #[command(flatten)]
    cluster: WorkerArgs,
    /// Receiver position LAT,LON: the reference for surface positions of beast:// and avr:// feeds.
    #[arg(long, value_name = "LAT,LON")]
    receiver: Option<String>,
    #[command(flatten)]
    asterix: AsterixArgs,
    #[command(flatten)]
    output: OutputArgs,
    #[command(flatten)]
    http: HttpArgs,
}

/// The stream of reports on NATS JetStream (docs/deploy.md).
#[derive(Args, Debug, Clone)]
struct StreamArgs {
    /// JetStream stream of the reports.
    #[arg(long, default_value = "NOFLY_REPORTS", value_name = "NAME")]
    stream: String,
    /// Subject prefix: partition n is `<prefix>.<n>`.
    #[arg(long, default_value = "nofly.reports", value_name = "PREFIX")]
    subject_prefix: String,
}

impl StreamArgs {
    fn spec(&self, url: &str) -> nofly_cluster::StreamSpec {
        nofly_cluster::StreamSpec {
            stream: self.stream.clone(),
            prefix: self.subject_prefix.clone(),
            ..nofly_cluster::StreamSpec::new(url)
        }
    }
}

/// What a worker (`watch --source nats://…`) reads and where it stores.
#[derive(Args, Debug)]
struct WorkerArgs {
    /// The partitions this worker owns: `0-3`, `1,3` or `2`.
    #[arg(long, value_name = "LIST")]
    partitions: Option<String>,
    #[command(flatten)]
    stream: StreamArgs,
    /// PostgreSQL store (`postgres://user@host:port/database`): events and zone versions, stored
    /// before the reports that raised them are acknowledged.
    #[arg(long, value_name = "URL")]
    pg: Option<String>,
    /// Schema of the PostgreSQL tables.
    #[arg(long, default_value = "nofly", value_name = "NAME")]
    pg_schema: String,
    /// Key-value bucket of the zone set (`nofly zones publish`), read when no --zones is given.
    #[arg(long, default_value = "nofly_zones", value_name = "NAME")]
    zone_bucket: String,
    /// Seconds a delivered report may stay unacknowledged before JetStream delivers it again.
    #[arg(long, default_value_t = 30, value_name = "SECONDS")]
    ack_wait: u64,
    /// Reports a worker takes at a time (their events are stored, then they are acknowledged).
    #[arg(long, default_value_t = 1000, value_name = "N", value_parser = clap::value_parser!(usize))]
    batch: usize,
    /// Stop once reports have come and then none for this many seconds (re-processing a stream as
    /// a batch job, benchmarks); by default a worker runs until Ctrl-C.
    #[arg(long, value_name = "SECONDS")]
    stop_when_idle: Option<f64>,
}

#[derive(Args, Debug)]
struct IngestArgs {
    /// Where the reports come from: recorded files (any format `replay` reads, put in event-time
    /// order first) or live feeds (sbs://, beast://, avr://, json://); repeatable.
    #[arg(long = "source", value_name = "FILE|URL", required = true)]
    sources: Vec<String>,
    /// The NATS server, e.g. nats://127.0.0.1:4222.
    #[arg(long, value_name = "URL")]
    to: String,
    /// Number of partitions (subjects) the reports are spread over, by ICAO address.
    #[arg(long, default_value_t = 4, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1024))]
    partitions: u32,
    #[command(flatten)]
    stream: StreamArgs,
    /// How long the stream keeps reports, hours (a restarted worker re-reads that much).
    #[arg(long, default_value_t = 6.0, value_name = "HOURS")]
    max_age_hours: f64,
    #[command(flatten)]
    input: InputArgs,
}

#[derive(Args, Debug)]
struct DemoArgs {
    /// Where the fetched OpenSky sample is kept (default: $NOFLY_CACHE, else $XDG_CACHE_HOME/nofly,
    /// else ~/.cache/nofly).
    #[arg(long, value_name = "DIR")]
    cache: Option<PathBuf>,
    /// Do not try to fetch; run the bundled sample.
    #[arg(long)]
    offline: bool,
    /// Events file (JSON lines).
    #[arg(long, value_name = "FILE", default_value = "nofly-demo-events.jsonl")]
    events: PathBuf,
    /// SQLite database.
    #[arg(long, value_name = "FILE", default_value = "nofly-demo.db")]
    db: PathBuf,
    /// Signed evidence log; the demo's key pair is created in the cache directory the first time.
    #[arg(long, value_name = "FILE", default_value = "nofly-demo-evidence.log")]
    evidence_log: PathBuf,
    /// Evidence bundle written for the first violation found, then verified.
    #[arg(long, value_name = "FILE", default_value = "nofly-demo-bundle.json")]
    bundle: PathBuf,
    /// Trust policy written for the bundle's verification: the demo's log key and its two
    /// witnesses (started in this process, keys in the cache directory), both required.
    #[arg(long, value_name = "FILE", default_value = "nofly-demo-policy.txt")]
    policy: PathBuf,
    /// Also time-stamp every checkpoint with this RFC 3161 time-stamping authority; repeatable.
    #[arg(long = "tsa", value_name = "URL")]
    tsas: Vec<String>,
    /// Serve the web map and HTTP API on ADDR after the run (`--http` alone: 127.0.0.1:8080),
    /// until Ctrl-C.
    #[arg(long, value_name = "ADDR", num_args = 0..=1, default_missing_value = http::DEFAULT_ADDR)]
    http: Option<std::net::SocketAddr>,
}

/// glibc's malloc serves every block over 128 KiB with mmap and unmaps it when freed, so each batch
/// of reports passed between the reading, decoding and detection threads (megabytes each) came
/// back as fresh pages, one page fault per 4 KiB: 1.2 s of system time in a 2.6 s replay of 10 M
/// Parquet reports, 0.26 s once freed batches stay in the heap for the next one (1.9 s in all;
/// bench/RESULTS.md). Up to 64 MiB are kept.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn keep_freed_batches() {
    const KEPT: libc::c_int = 64 << 20;
    // SAFETY: mallopt only sets two of glibc malloc's tunables; called before any thread starts.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, KEPT);
        libc::mallopt(libc::M_TRIM_THRESHOLD, KEPT);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn keep_freed_batches() {}

fn main() -> ExitCode {
    keep_freed_batches();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Replay(a) => commands::replay::run(a),
        Command::Report(a) => commands::report::run(a),
        Command::Watch(a) if a.source.starts_with("nats://") => commands::cluster::worker(a),
        Command::Watch(a) => commands::watch::run(a),
        Command::AircraftDb { command } => match command {
            AircraftDbCommand::Update { url } => commands::aircraft_db::update(&url),
            AircraftDbCommand::Load { path } => commands::aircraft_db::load(&path),
            AircraftDbCommand::Show { icao, db } => {
                commands::aircraft_db::show(&icao, db.as_deref())
            }
        },
        Command::Zones {
            command: ZonesCommand::Check { files },
        } => commands::zones_check::run(&files),
        Command::Zones {
            command: ZonesCommand::Export { files, geojson },
        } => commands::zones_check::export(&files, geojson.as_deref()),
        Command::Zones {
            command: ZonesCommand::Publish { files, to, bucket },
        } => commands::cluster::publish_zones(&files, &to, &bucket),
        Command::Ingest(a) => commands::cluster::ingest(a),
        Command::Demo(a) => commands::demo::run(a),
        Command::Serve(a) => commands::serve::run(a),
        Command::Gnss(a) => commands::gnss::run(a),
        Command::Bench {
            command:
                BenchCommand::Geofence {
                    zones,
                    points,
                    seed,
                    json,
                },
        } => commands::bench::geofence(&zones, points, seed, json),
        Command::Bench {
            command:
                BenchCommand::Engine {
                    zones,
                    aircraft,
                    reports,
                    seed,
                    json,
                },
        } => commands::bench::engine(&zones, aircraft, reports, seed, json),
        Command::Decode {
            input,
            format,
            asterix,
            receiver,
            no_repair,
        } => asterix.options().and_then(|asterix| {
            commands::decode::run(&input, &format, asterix, receiver.as_deref(), no_repair)
        }),
        Command::Keygen { dir, name, witness } => {
            commands::evidence::keygen(&dir, name.as_deref(), witness)
        }
        Command::Witness {
            key,
            logs,
            state,
            listen,
        } => commands::witness::run(&key, &logs, &state, listen),
        Command::Excerpt {
            log,
            key,
            icao24,
            at,
            window,
            out,
        } => commands::evidence::excerpt(&log, &key, &icao24, &at, window, &out),
        Command::ConsistencyProof { log, old, new } => {
            commands::evidence::consistency_proof(&log, old, new)
        }
        Command::LogTiles { log, out } => commands::evidence::log_tiles(&log, &out),
        Command::MigrateLog { log, key, out } => commands::evidence::migrate(&log, &key, &out),
        Command::Evidence(a) => commands::evidence::bundle(&a),
        Command::Verify { bundle, trust } => commands::evidence::verify(&bundle, &trust),
        Command::VerifyLog { log, trust } => commands::evidence::verify_log(&log, &trust),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("nofly: error: {e:#}");
            ExitCode::from(2)
        }
    }
}
