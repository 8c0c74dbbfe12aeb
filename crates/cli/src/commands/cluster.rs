//! nofly on several machines (docs/deploy.md): `nofly ingest` publishes reports to NATS JetStream,
//! `nofly watch --source nats://…` runs a worker over some of the partitions, `nofly zones
//! publish` distributes the zone set.

use crate::detector::Detector;
use crate::pipeline::{zone_rows, InputOptions, Inputs};
use crate::zone_loading::{load_zones, zone_set_from_texts};
use crate::{IngestArgs, WatchArgs};
use anyhow::{bail, Context, Result};
use nofly_cluster::zone_bucket::{ZoneBucket, ZoneFile};
use nofly_cluster::{ConsumerSpec, PartitionReader, Publisher};
use nofly_model::Event;
use nofly_sinks::{JsonLinesSink, PostgresStore};
use nofly_sources::{live_feed, LiveEvent, ModesOptions};
use nofly_zones::ZoneSet;
use std::collections::BTreeMap;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

fn runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?)
}

/// `nofly zones publish`: checks the files, then puts them in the bucket as a new revision.
pub fn publish_zones(files: &[PathBuf], url: &str, bucket: &str) -> Result<ExitCode> {
    let set = load_zones(files, false)?;
    let files = files
        .iter()
        .map(|path| {
            Ok(ZoneFile {
                name: path.file_name().map_or_else(
                    || path.display().to_string(),
                    |n| n.to_string_lossy().into_owned(),
                ),
                text: std::fs::read_to_string(path)
                    .with_context(|| format!("{}: cannot read", path.display()))?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let revision = runtime()?.block_on(async {
        let bucket = ZoneBucket::open(url, bucket)
            .await
            .map_err(anyhow::Error::msg)?;
        bucket.put(files).await.map_err(anyhow::Error::msg)
    })?;
    eprintln!(
        "nofly: {} zone(s), zone set {}, published to {url} as revision {revision}",
        set.zones.len(),
        set.content_hash()
    );
    Ok(ExitCode::SUCCESS)
}

/// `nofly ingest`: files in event-time order, or live feeds as they come, to the stream.
pub fn ingest(args: IngestArgs) -> Result<ExitCode> {
    let options = args.input.options()?;
    anyhow::ensure!(
        args.max_age_hours > 0.0 && args.max_age_hours.is_finite(),
        "--max-age-hours must be positive"
    );
    let (live, files): (Vec<&String>, Vec<&String>) =
        args.sources.iter().partition(|s| s.contains("://"));
    if !live.is_empty() && !files.is_empty() {
        bail!("--source: give recorded files or live feeds, not both in one ingester");
    }
    let spec = nofly_cluster::StreamSpec {
        partitions: args.partitions,
        max_age: Duration::from_secs_f64(args.max_age_hours * 3600.0),
        ..args.stream.spec(&args.to)
    };
    let started = Instant::now();
    runtime()?.block_on(async {
        let mut publisher = Publisher::connect(spec).await;
        if files.is_empty() {
            ingest_live(&live, &options, &mut publisher).await?;
        } else {
            // Published as the merged inputs are read: memory stays bounded whatever their length.
            let paths: Vec<PathBuf> = files.iter().map(PathBuf::from).collect();
            let mut reader = Inputs::open(&paths, &options)?;
            while let Some(batch) = reader.next()? {
                for r in &batch {
                    publisher.publish(r).await;
                }
            }
            reader.finish()?;
        }
        publisher.flush().await;
        let seconds = started.elapsed().as_secs_f64();
        eprintln!(
            "nofly: {} reports published to {} in {seconds:.2} s ({:.0} reports/s), {} already there",
            publisher.acknowledged,
            args.to,
            publisher.acknowledged as f64 / seconds.max(1e-9),
            publisher.duplicates
        );
        Ok::<(), anyhow::Error>(())
    })?;
    Ok(ExitCode::SUCCESS)
}

/// Live feeds to the stream until Ctrl-C.
async fn ingest_live(
    urls: &[&String],
    input: &crate::pipeline::InputOptions,
    publisher: &mut Publisher,
) -> Result<()> {
    for url in urls {
        nofly_sources::parse_live_url(url).map_err(anyhow::Error::msg)?;
    }
    let (tx, mut rx) = tokio::sync::mpsc::channel(8192);
    let options = ModesOptions {
        receiver: input.receiver,
        asterix: input.asterix,
        ..ModesOptions::default()
    };
    let feeds: Vec<_> = urls
        .iter()
        .enumerate()
        .map(|(i, url)| {
            tokio::spawn(live_feed(
                url.to_string(),
                i as u16,
                options,
                tx.clone(),
                nofly_sources::wall_clock,
            ))
        })
        .collect();
    drop(tx);
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    loop {
        tokio::select! {
            _ = &mut ctrl_c => break,
            message = rx.recv() => match message {
                Some(LiveEvent::Report(r)) => publisher.publish(&r).await,
                Some(LiveEvent::Malformed(e)) => tracing::warn!("skipped malformed record: {e}"),
                Some(LiveEvent::Connected(name)) => tracing::info!("connected to {name}"),
                Some(LiveEvent::Disconnected { reason, retry_in }) => tracing::warn!("feed unavailable ({reason}); retrying in {:.1} s", retry_in.as_secs_f64()),
                None => break,
            },
        }
    }
    for feed in feeds {
        feed.abort();
    }
    Ok(())
}

/// Parses `0-3`, `1,3`, `2` (and mixes: `0-1,5`).
pub fn parse_partitions(text: &str) -> Result<Vec<u32>> {
    let mut out = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let number = |s: &str| {
            s.trim()
                .parse::<u32>()
                .with_context(|| format!("--partitions {text:?}: {s:?} is not a partition number"))
        };
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b) = (number(a)?, number(b)?);
                anyhow::ensure!(a <= b, "--partitions {text:?}: {a}-{b} is empty");
                out.extend(a..=b);
            }
            None => out.push(number(part)?),
        }
    }
    out.sort_unstable();
    out.dedup();
    anyhow::ensure!(!out.is_empty(), "--partitions {text:?}: no partition");
    Ok(out)
}

/// The zone set of a worker: its --zones, or the latest in the bucket (waiting for one).
async fn worker_zones(args: &WatchArgs, bucket: Option<&ZoneBucket>) -> Result<(ZoneSet, u64)> {
    let Some(bucket) = bucket else {
        return Ok((load_zones(&args.zones.files, args.zones.skip_bad_zones)?, 0));
    };
    let mut told = false;
    loop {
        if let Some((revision, files)) = bucket.latest().await.map_err(anyhow::Error::msg)? {
            let texts = files.into_iter().map(|f| (f.name, f.text)).collect();
            return Ok((
                zone_set_from_texts(texts, args.zones.skip_bad_zones)?,
                revision,
            ));
        }
        if !told {
            tracing::info!("waiting for a zone set (nofly zones publish)");
            told = true;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// Stores events until PostgreSQL takes them (reconnecting after a failure).
async fn store_until_done(
    store: &mut Option<PostgresStore>,
    url: &str,
    schema: &str,
    events: &[Event],
) -> u64 {
    let mut wait = Duration::from_millis(250);
    loop {
        if store.is_none() {
            match PostgresStore::connect(url, schema).await {
                Ok(s) => *store = Some(s),
                Err(e) => tracing::warn!("PostgreSQL: {e}; retrying"),
            }
        }
        if let Some(s) = store.as_mut() {
            match s.store_events(events).await {
                Ok(new) => return new,
                Err(e) => {
                    tracing::warn!("PostgreSQL: events not stored ({e}); reconnecting");
                    *store = None;
                }
            }
        }
        tokio::time::sleep(wait).await;
        wait = (wait * 2).min(Duration::from_secs(10));
    }
}

/// `nofly watch --source nats://…`: a worker over some partitions until Ctrl-C.
pub fn worker(args: WatchArgs) -> Result<ExitCode> {
    let partitions = parse_partitions(
        args.cluster
            .partitions
            .as_deref()
            .context("a worker needs --partitions, e.g. --partitions 0-3")?,
    )?;
    let o = &args.output;
    if o.db.is_some()
        || o.evidence_log.is_some()
        || o.webhook.is_some()
        || o.nats.is_some()
        || args.http.http.is_some()
    {
        bail!("a worker stores its events in PostgreSQL (--pg) and writes them with --events; --db, --evidence-log, --webhook, --nats and --http belong to a `nofly watch` of a feed");
    }
    let detection = args.zones.detection()?;
    if detection.gnss.is_some() {
        bail!("--gnss needs every aircraft of an area, and a worker sees only its partitions: run the interference monitor on one `nofly watch` of a feed");
    }
    let mut out: JsonLinesSink<Box<dyn Write>> = JsonLinesSink::new(match &args.output.events {
        Some(p) => Box::new(BufWriter::new(
            std::fs::File::create(p).with_context(|| format!("{}: cannot create", p.display()))?,
        )),
        None => Box::new(std::io::stdout()),
    });
    let spec = args.cluster.stream.spec(&args.source);
    let consumer = ConsumerSpec {
        ack_wait: Duration::from_secs(args.cluster.ack_wait.max(1)),
        batch: args.cluster.batch.max(1),
    };
    let pg = args.cluster.pg.clone();
    let schema = args.cluster.pg_schema.clone();
    let settings = crate::pipeline::settings_json(&InputOptions::default(), &detection);
    let worker_name = format!(
        "partitions {} of {} on {}",
        args.cluster.partitions.as_deref().unwrap_or_default(),
        args.cluster.stream.stream,
        std::env::var("HOSTNAME").unwrap_or_else(|_| "this host".into())
    );
    runtime()?.block_on(async {
        let bucket = if args.zones.files.is_empty() {
            Some(
                ZoneBucket::open(&args.source, &args.cluster.zone_bucket)
                    .await
                    .map_err(anyhow::Error::msg)?,
            )
        } else {
            None
        };
        let (mut zones, mut revision) = worker_zones(&args, bucket.as_ref()).await?;
        let mut store = match &pg {
            Some(url) => {
                let mut s = PostgresStore::connect(url, &schema)
                    .await
                    .map_err(anyhow::Error::msg)?;
                s.record_zones(&zone_rows(&zones)).await.map_err(anyhow::Error::msg)?;
                s.record_run(&zones.content_hash(), &settings, &worker_name)
                    .await
                    .map_err(anyhow::Error::msg)?;
                tracing::info!(
                    "storing in {url}, schema {schema}{}",
                    if s.has_postgis() { ", with PostGIS positions" } else { "" }
                );
                Some(s)
            }
            None => None,
        };
        tracing::info!(
            "worker of partitions {partitions:?} on {}: {} zone(s), zone set {}",
            args.source,
            zones.zones.len(),
            zones.content_hash()
        );
        let mut detectors: BTreeMap<u32, Detector> = partitions
            .iter()
            .map(|&p| (p, Detector::new(&detection, &zones.zones)))
            .collect();
        let mut reader = PartitionReader::open(spec, consumer, partitions).await;
        let (mut reports, mut raised, mut stored) = (0u64, 0u64, 0u64);
        let (mut zone_check, mut progress) = (Instant::now(), Instant::now());
        let (mut active, mut first) = (Instant::now(), None);
        let idle_limit = args.cluster.stop_when_idle.map(Duration::from_secs_f64);
        let ctrl_c = tokio::signal::ctrl_c();
        tokio::pin!(ctrl_c);
        loop {
            let batch = tokio::select! {
                _ = &mut ctrl_c => break,
                batch = reader.next() => batch,
            };
            let detector = detectors
                .get_mut(&batch.partition)
                .expect("a partition of this worker");
            let mut events = Vec::new();
            for r in &batch.reports {
                detector.process(r, &mut |e| events.push(e));
            }
            reports += batch.reports.len() as u64;
            raised += events.len() as u64;
            if !batch.reports.is_empty() {
                active = Instant::now();
                first.get_or_insert(active);
            }
            // History an earlier run acknowledged only rebuilds the state: its events were stored
            // then (acknowledgement follows storage), maybe under an older zone set.
            if !events.is_empty() && !batch.replayed {
                if let Some(url) = &pg {
                    stored += store_until_done(&mut store, url, &schema, &events).await;
                }
                for e in events.iter().filter(|e| args.output.events_filter.passes(e)) {
                    out.write(e)?;
                }
                out.flush()?;
            }
            reader.ack().await;
            if let Some(bucket) = &bucket {
                if zone_check.elapsed() >= Duration::from_secs(1) {
                    zone_check = Instant::now();
                    if let Some((r, set)) = newer_zones(&args, bucket, revision).await {
                        revision = r;
                        let Some(set) = set else { continue };
                        for d in detectors.values_mut() {
                            d.replace_zones(&set.zones);
                        }
                        if let Some(s) = store.as_mut() {
                            let recorded = match s.record_zones(&zone_rows(&set)).await {
                                Ok(()) => s.record_run(&set.content_hash(), &settings, &worker_name).await.map(|_| ()),
                                Err(e) => Err(e),
                            };
                            if let Err(e) = recorded {
                                tracing::warn!("PostgreSQL: zone set {} not recorded: {e}", set.content_hash());
                            }
                        }
                        tracing::info!("zone set revision {r}: zone set {}", set.content_hash());
                        zones = set;
                    }
                }
            }
            if progress.elapsed() >= Duration::from_secs(10) {
                progress = Instant::now();
                tracing::info!("{reports} reports, {raised} events ({stored} new in the store)");
            }
            if first.is_some() && idle_limit.is_some_and(|limit| active.elapsed() >= limit) {
                let busy = first.map_or(0.0, |f| active.duration_since(f).as_secs_f64());
                eprintln!(
                    "nofly: idle: {reports} reports taken in {busy:.2} s ({:.0} reports/s)",
                    reports as f64 / busy.max(1e-9)
                );
                break;
            }
        }
        out.flush()?;
        eprintln!(
            "nofly: worker stopped: {reports} reports, {raised} events ({stored} new in the store), zone set {}",
            zones.content_hash()
        );
        Ok::<(), anyhow::Error>(())
    })?;
    Ok(ExitCode::SUCCESS)
}

/// A revision of the bucket after `revision`, with its zone set, or none when it does not read
/// (refused, and the current set kept).
async fn newer_zones(
    args: &WatchArgs,
    bucket: &ZoneBucket,
    revision: u64,
) -> Option<(u64, Option<ZoneSet>)> {
    match bucket.latest().await {
        Ok(Some((r, files))) if r > revision => {
            let texts = files.into_iter().map(|f| (f.name, f.text)).collect();
            match zone_set_from_texts(texts, args.zones.skip_bad_zones) {
                Ok(set) => Some((r, Some(set))),
                Err(e) => {
                    tracing::error!("zone set revision {r} refused, the current one kept: {e:#}");
                    Some((r, None))
                }
            }
        }
        Ok(_) => None,
        Err(e) => {
            tracing::warn!("zone bucket: {e}");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_partitions;

    #[test]
    fn partition_lists_and_ranges() {
        assert_eq!(parse_partitions("0-3").unwrap(), [0, 1, 2, 3]);
        assert_eq!(parse_partitions("3,1,1").unwrap(), [1, 3]);
        assert_eq!(parse_partitions("0-1,5").unwrap(), [0, 1, 5]);
        assert!(parse_partitions("3-1").is_err());
        assert!(parse_partitions("a").is_err());
        assert!(parse_partitions("").is_err());
    }
}
