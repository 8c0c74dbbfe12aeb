//! `nofly serve`: the web map and HTTP API over zone files and a store's events.

use crate::http::{evidence, serve_until_interrupted, token, DEFAULT_ADDR};
use crate::zone_loading::{load_zones, requested_zone_set};
use crate::ServeArgs;
use anyhow::Result;
use nofly_server::{Mode, Monitor, ServerOptions, StoredEvent};
use nofly_sinks::SqliteStore;
use std::process::ExitCode;

/// Serves until Ctrl-C. Zone upload and reload (with a token) change the zones shown.
pub fn run(args: ServeArgs) -> Result<ExitCode> {
    let zones = load_zones(&args.zones, false)?;
    let monitor = Monitor::new(Mode::Store, &zones);
    if let Some(db) = &args.db {
        let store = SqliteStore::open(db)?;
        let mut unreadable = 0;
        for json in store.event_jsons()? {
            match StoredEvent::from_json(&json) {
                Some(e) => monitor.add_event(e),
                None => unreadable += 1,
            }
        }
        if unreadable > 0 {
            eprintln!("nofly: {}: {unreadable} stored events lack an id, kind, time or zone and are not served", db.display());
        }
        eprintln!(
            "nofly: {}: {} events",
            db.display(),
            monitor.status().events
        );
    }
    let token = token(&args.http)?;
    let zone_control = token.as_ref().map(|_| {
        let (tx, mut rx) = tokio::sync::mpsc::channel::<nofly_server::ZoneRequest>(4);
        let (monitor, files) = (monitor.clone(), args.zones.clone());
        std::thread::spawn(move || {
            while let Some(request) = rx.blocking_recv() {
                let answer = requested_zone_set(&request.command, &files, false).map(|set| {
                    monitor.set_zones(&set);
                    format!(
                        "{} zone(s), zone set {}",
                        set.zones.len(),
                        set.content_hash()
                    )
                });
                let _ = request.reply.send(answer);
            }
        });
        tx
    });
    let options = ServerOptions {
        token,
        zone_control,
        evidence: evidence(args.evidence_log.as_deref(), args.key.as_deref())?,
        log_files: crate::http::log_files(args.evidence_log.as_deref()),
    };
    let addr = args.http.http.unwrap_or(DEFAULT_ADDR.parse()?);
    serve_until_interrupted(addr, monitor, options)?;
    Ok(ExitCode::SUCCESS)
}
