//! The web map and HTTP API of a command (`--http`): its token, evidence downloads, and serving a
//! finished replay until Ctrl-C.

use crate::HttpArgs;
use anyhow::{Context, Result};
use nofly_server::{EvidenceFn, Monitor, ServerOptions};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

/// Where `--http` alone and `nofly serve` listen.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8080";

/// The write endpoints' token: the first line of `--http-token-file`, else `NOFLY_HTTP_TOKEN`.
pub fn token(args: &HttpArgs) -> Result<Option<String>> {
    let token = match &args.http_token_file {
        Some(path) => std::fs::read_to_string(path)
            .with_context(|| format!("{}: cannot read the token file", path.display()))?
            .lines()
            .next()
            .unwrap_or_default()
            .trim()
            .to_string(),
        None => std::env::var("NOFLY_HTTP_TOKEN").unwrap_or_default(),
    };
    anyhow::ensure!(
        token.is_empty() || token.len() >= 16,
        "the HTTP token must have at least 16 characters"
    );
    Ok((!token.is_empty()).then_some(token))
}

/// Evidence bundles from `log` signed with `key`, when both are given.
pub fn evidence(log: Option<&Path>, key: Option<&Path>) -> Result<Option<Arc<EvidenceFn>>> {
    let (Some(log), Some(key)) = (log, key) else {
        return Ok(None);
    };
    let key = nofly_evidence::keys::read_signing_key(key)?;
    let log = log.to_path_buf();
    Ok(Some(Arc::new(move |id: &str| {
        let bundle = nofly_evidence::build_bundle(&log, id, 300, &key, Vec::new())?;
        serde_json::to_string_pretty(&bundle).map_err(|e| e.to_string())
    })))
}

/// The evidence log's tlog-tiles, computed again whenever the file has changed.
pub fn log_files(log: Option<&Path>) -> Option<Arc<nofly_server::LogFileFn>> {
    type Cached = Option<(
        (u64, std::time::SystemTime),
        std::collections::BTreeMap<String, Vec<u8>>,
    )>;
    let log = log?.to_path_buf();
    let cache: std::sync::Mutex<Cached> = std::sync::Mutex::new(None);
    Some(Arc::new(move |path: &str| {
        let meta = std::fs::metadata(&log).ok()?;
        let stamp = (meta.len(), meta.modified().ok()?);
        let mut cache = cache.lock().unwrap_or_else(|p| p.into_inner());
        if cache.as_ref().map(|(s, _)| *s) != Some(stamp) {
            let contents = nofly_evidence::read_log(&log)
                .map_err(|e| tracing::warn!("cannot serve the log's tiles: {e}"))
                .ok()?;
            let tiles = nofly_evidence::tiles::tiles(&contents)
                .map_err(|e| tracing::warn!("cannot serve the log's tiles: {e}"))
                .ok()?;
            for why in &tiles.left_out {
                tracing::warn!("the log's tiles leave out {why}");
            }
            *cache = Some((stamp, tiles.files));
        }
        cache.as_ref()?.1.get(path).cloned()
    }))
}

/// Starts serving on the current runtime and says where.
pub async fn start(
    addr: SocketAddr,
    monitor: Arc<Monitor>,
    options: ServerOptions,
) -> Result<tokio::task::JoinHandle<std::io::Result<()>>> {
    let writable = options.token.is_some() && options.zone_control.is_some();
    let (bound, task) = nofly_server::serve(addr, monitor, options)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    eprintln!(
        "nofly: web map and API on http://{bound}/ ({})",
        if writable {
            "zone upload and reload need the bearer token"
        } else {
            "read only"
        }
    );
    if !bound.ip().is_loopback() {
        tracing::warn!("listening on {bound}: reachable from other machines");
    }
    Ok(task)
}

/// Serves until Ctrl-C (replays, the demo and `nofly serve`).
pub fn serve_until_interrupted(
    addr: SocketAddr,
    monitor: Arc<Monitor>,
    options: ServerOptions,
) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let task = start(addr, monitor, options).await?;
        eprintln!("nofly: serving until Ctrl-C");
        tokio::signal::ctrl_c().await?;
        task.abort();
        Ok(())
    })
}

/// Serves a finished replay's zones, aircraft and events until Ctrl-C; zones cannot be changed
/// (they judged the run).
pub fn serve_replay(
    addr: SocketAddr,
    zones: &nofly_zones::ZoneSet,
    outcome: &crate::pipeline::ReplayOutcome,
    evidence_log: Option<&Path>,
    key: Option<&Path>,
) -> Result<()> {
    // The map shows each interference area once, as its latest version says (with its end).
    let judged = crate::pipeline::judged_zones(zones, outcome);
    let mut seen = std::collections::HashSet::new();
    let mut latest: Vec<usize> = (0..judged.zones.len())
        .rev()
        .filter(|&i| seen.insert(judged.zones[i].id.clone()))
        .collect();
    latest.reverse();
    let zones = nofly_zones::ZoneSet {
        zones: latest.iter().map(|&i| judged.zones[i].clone()).collect(),
        definitions: latest
            .iter()
            .map(|&i| judged.definitions[i].clone())
            .collect(),
    };
    let monitor = Monitor::replay(&zones, &outcome.reports, &outcome.events);
    let options = ServerOptions {
        evidence: evidence(evidence_log, key)?,
        log_files: log_files(evidence_log),
        ..ServerOptions::default()
    };
    serve_until_interrupted(addr, monitor, options)
}
