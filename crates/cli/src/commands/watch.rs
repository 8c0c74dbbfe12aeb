//! `nofly watch`: a live feed against zones, events written as they happen.

use crate::detector::Detector;
use crate::pipeline::{track_records, zone_rows};
use crate::zone_loading::{load_zones, requested_zone_set, ZoneFileWatch};
use crate::WatchArgs;
use anyhow::{Context, Result};
use nofly_model::Event;
use nofly_server::{Mode, Monitor, ServerOptions};
use nofly_sinks::{InputRecord, JsonLinesSink, RunRecord, SqliteStore};
use nofly_sources::{live_feed, parse_live_url, wall_clock, LiveEvent, ModesOptions};
use std::io::{BufWriter, Write};
use std::process::ExitCode;
use std::time::Duration;
use tokio::sync::mpsc;

/// Runs until Ctrl-C; events are flushed to the events output after every message and to the
/// database every second; the evidence log signs a checkpoint every N entries and every minute with
/// new entries; everything is flushed and signed on the way out. The zone files are read again on
/// SIGHUP, when they change on disk and when the HTTP API asks (a set with errors is refused and
/// the current one kept); the API can also upload a new set.
pub fn run(args: WatchArgs) -> Result<ExitCode> {
    if args.cluster.partitions.is_some() || args.cluster.pg.is_some() {
        anyhow::bail!(
            "--partitions and --pg are for a worker of a cluster (--source nats://HOST:PORT)"
        );
    }
    let mut zones = load_zones(&args.zones.files, args.zones.skip_bad_zones)?;
    let mut zone_watch = ZoneFileWatch::new(&args.zones.files);
    let (protocol, _) = parse_live_url(&args.source).map_err(anyhow::Error::msg)?;
    let options = ModesOptions {
        receiver: args
            .receiver
            .as_deref()
            .map(crate::parse_position)
            .transpose()?,
        asterix: args.asterix.options()?,
        ..ModesOptions::default()
    };
    let mut events: JsonLinesSink<Box<dyn Write>> = JsonLinesSink::new(match &args.output.events {
        Some(p) => Box::new(BufWriter::new(
            std::fs::File::create(p).with_context(|| format!("{}: cannot create", p.display()))?,
        )),
        None => Box::new(std::io::stdout()),
    });
    let mut store = args
        .output
        .db
        .as_deref()
        .map(SqliteStore::open)
        .transpose()?;
    let detection = args.zones.detection()?;
    let run = RunRecord {
        program_version: env!("CARGO_PKG_VERSION").to_string(),
        zone_set_hash: zones.content_hash(),
        settings: crate::pipeline::settings_json(
            &crate::pipeline::InputOptions {
                receiver: options.receiver,
                ..Default::default()
            },
            &detection,
        ),
        inputs: vec![InputRecord {
            path: args.source.clone(),
            sha256: format!("live session from {}", wall_clock()),
            format: format!("{protocol:?}").to_lowercase(),
        }],
        summary: "{}".into(),
    };
    let mut zone_rows = zone_rows(&zones);
    let rules = args.output.alert_rules()?;
    let mut rule_watch = ZoneFileWatch::new(args.output.rules.as_slice());
    let deliveries = args.output.delivery_sinks(rules.as_ref())?;
    let mut evidence = match &args.output.evidence_log {
        Some(path) => {
            let mut log = crate::pipeline::open_evidence_log(path, &args.output)?;
            let inputs = serde_json::to_value(&run.inputs)?;
            let run_entry = log.append_run(
                env!("CARGO_PKG_VERSION"),
                &run.zone_set_hash,
                serde_json::from_str(&run.settings)?,
                inputs,
            )?;
            crate::pipeline::append_zones(&mut log, &zones)?;
            Some((log, run_entry))
        }
        None => None,
    };
    let monitor = args.http.http.map(|_| Monitor::new(Mode::Live, &zones));
    let token = crate::http::token(&args.http)?;
    // Zone changes asked through the API; the sender is kept even without a server, so that the
    // receiver waits instead of reporting a closed channel.
    let (zone_requests, mut zone_rx) = mpsc::channel::<nofly_server::ZoneRequest>(4);
    let server_options = ServerOptions {
        zone_control: token.is_some().then(|| zone_requests.clone()),
        token,
        evidence: crate::http::evidence(
            args.output.evidence_log.as_deref(),
            args.output.key.as_deref(),
        )?,
        log_files: crate::http::log_files(args.output.evidence_log.as_deref()),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let server = match (args.http.http, &monitor) {
            (Some(addr), Some(m)) => Some(crate::http::start(addr, m.clone(), server_options).await?),
            _ => None,
        };
        let (tx, mut rx) = mpsc::channel(8192);
        let feed = tokio::spawn(live_feed(args.source.clone(), 0, options, tx, wall_clock));
        let mut detector = Detector::new(&detection, &zones.zones);
        let mut pending: Vec<Event> = Vec::new();
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        let mut malformed = 0u64;
        let (mut logged, mut ticks) = (0usize, 0u64);
        let ctrl_c = tokio::signal::ctrl_c();
        tokio::pin!(ctrl_c);
        let mut hangup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())?;
        let apply = |why: &str, candidate: std::result::Result<nofly_zones::ZoneSet, String>, detector: &mut Detector, zones: &mut nofly_zones::ZoneSet, zone_rows: &mut Vec<_>, evidence: &mut Option<(nofly_evidence::EvidenceLog, u64)>| -> Result<std::result::Result<String, String>> {
            match candidate {
                Err(e) => {
                    tracing::error!("zones not reloaded ({why}): {e}; still watching with zone set {}", zones.content_hash());
                    Ok(Err(e))
                }
                Ok(set) if set.content_hash() == zones.content_hash() => {
                    tracing::info!("zones unchanged ({why})");
                    Ok(Ok(format!("zones unchanged: zone set {}", set.content_hash())))
                }
                Ok(set) => {
                    let message = format!("{} zone(s), zone set {} (was {})", set.zones.len(), set.content_hash(), zones.content_hash());
                    tracing::info!("zones reloaded ({why}): {message}");
                    detector.replace_zones(&set.zones);
                    let live = detector.live_zone_set(&set);
                    if let Some((log, _)) = evidence.as_mut() {
                        crate::pipeline::append_zones(log, &live)?;
                    }
                    if let Some(m) = &monitor {
                        m.set_zones(&live);
                    }
                    *zone_rows = crate::pipeline::zone_rows(&live);
                    *zones = set;
                    Ok(Ok(message))
                }
            }
        };
        let from_files = || load_zones(&args.zones.files, args.zones.skip_bad_zones).map_err(|e| format!("{e:#}"));
        loop {
            tokio::select! {
                _ = &mut ctrl_c => { tracing::info!("interrupted: flushing and stopping"); break; }
                _ = hangup.recv() => {
                    let _logged = apply("SIGHUP", from_files(), &mut detector, &mut zones, &mut zone_rows, &mut evidence)?;
                    reload_rules("SIGHUP", args.output.rules.as_deref(), rules.as_ref());
                }
                Some(request) = zone_rx.recv() => {
                    let candidate = requested_zone_set(&request.command, &args.zones.files, args.zones.skip_bad_zones);
                    let answer = apply("HTTP API", candidate, &mut detector, &mut zones, &mut zone_rows, &mut evidence)?;
                    let _ = request.reply.send(answer);
                }
                message = rx.recv() => match message {
                    Some(LiveEvent::Report(r)) => {
                        let mut failed = None;
                        if let Some(m) = &monitor {
                            m.observe(&r);
                        }
                        let areas_changed = detector.process(&r, &mut |e| {
                            if let Some(m) = &monitor {
                                m.publish(&e);
                            }
                            if args.output.events_filter.passes(&e) {
                                if let Err(err) = events.write(&e) { failed = Some(err); }
                            }
                            for (_, _, sink) in &deliveries {
                                if let Err(err) = sink.send(&e) { failed = Some(err); }
                            }
                            pending.push(e);
                        });
                        if let Some(err) = failed { return Err(anyhow::Error::new(err).context("cannot write events")); }
                        if areas_changed {
                            // GNSS interference areas came or went: the map, the store and the
                            // log get the zone versions the new events name.
                            let live = detector.live_zone_set(&zones);
                            if let Some(m) = &monitor {
                                m.set_zones(&live);
                            }
                            if let Some((log, _)) = evidence.as_mut() {
                                crate::pipeline::append_zones(log, &live)?;
                            }
                            zone_rows = crate::pipeline::zone_rows(&live);
                        }
                        if let Some((log, run_entry)) = evidence.as_mut() {
                            for e in &pending[logged..] { log.append_event(e, *run_entry)?; }
                        }
                        logged = pending.len();
                        events.flush()?;
                    }
                    Some(LiveEvent::Malformed(e)) => {
                        malformed += 1;
                        if malformed <= 10 { tracing::warn!("skipped malformed record: {e}"); }
                    }
                    Some(LiveEvent::Connected(name)) => tracing::info!("connected to {name}"),
                    Some(LiveEvent::Disconnected { reason, retry_in }) => tracing::warn!("feed unavailable ({reason}); retrying in {:.1} s", retry_in.as_secs_f64()),
                    None => break,
                },
                _ = tick.tick() => {
                    if let Some(store) = store.as_mut() {
                        if !pending.is_empty() {
                            store.record_run(&run, &zone_rows, &pending, &[])?;
                        }
                    }
                    pending.clear();
                    logged = 0;
                    ticks += 1;
                    if rule_watch.poll() {
                        reload_rules("rule file changed", args.output.rules.as_deref(), rules.as_ref());
                    }
                    if zone_watch.poll() {
                        let _logged = apply("zone file changed", from_files(), &mut detector, &mut zones, &mut zone_rows, &mut evidence)?;
                    }
                    if let Some(m) = &monitor {
                        m.tick(1.0);
                    }
                    if let Some((log, _)) = evidence.as_mut() {
                        if ticks % 60 == 0 { log.checkpoint_if_new()?; }
                    }
                }
            }
        }
        feed.abort();
        if let Some(server) = server {
            server.abort();
        }
        drop(zone_requests);
        events.flush()?;
        for (name, spool, sink) in &deliveries {
            let waiting = sink.flush(Duration::from_secs(5));
            if waiting > 0 {
                tracing::warn!("{name}: {waiting} events still spooled in {} for the next run", spool.display());
            }
        }
        if let Some(store) = store.as_mut() {
            store.record_run(&run, &zone_rows, &pending, &track_records(std::iter::once(detector.engine())))?;
        }
        if let Some((log, _)) = evidence {
            log.close()?;
        }
        let engine = detector.engine();
        let s = engine.stats();
        eprintln!("nofly: stopped: {} reports, {} aircraft, {} events, {} malformed, {} late", s.reports, engine.aircraft(), s.events, malformed, s.late);
        Ok(ExitCode::SUCCESS)
    })
}

/// Reads the rule file again and puts its rules in place of those in use; a file with an error
/// is refused and said so, the rules in use kept.
fn reload_rules(
    why: &str,
    path: Option<&std::path::Path>,
    rules: Option<&nofly_sinks::SharedRules>,
) {
    let (Some(path), Some(rules)) = (path, rules) else {
        return;
    };
    match crate::read_rules(path) {
        Err(e) => tracing::error!("rules not reloaded ({why}): {e}; the rules in use are kept"),
        Ok(new) => {
            let names: Vec<&str> = new.rules.iter().map(|r| r.name.as_str()).collect();
            tracing::info!(
                "rules reloaded ({why}): {} rule(s): {}",
                names.len(),
                names.join(", ")
            );
            *rules.write().unwrap_or_else(|e| e.into_inner()) = new;
        }
    }
}
