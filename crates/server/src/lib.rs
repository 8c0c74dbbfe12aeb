//! nofly's HTTP server: the web map (embedded in the binary), the JSON API over zones, aircraft
//! and events, evidence downloads, a server-sent-events stream, health and Prometheus metrics.
//!
//! The server binds where it is told (127.0.0.1:8080 by default in the CLI). Write endpoints
//! (zone upload and reload) exist only when a bearer token is configured and the run can change
//! its zones. [`Monitor`] holds what is shown; a live run feeds it, a replay fills it once.

mod assets;
mod monitor;
mod routes;
mod tracks;
mod zone_layer;

pub use monitor::{Mode, Monitor, Status, StoredEvent, LIVE_EVENTS_KEPT, STREAM_BUFFER};
pub use routes::{
    router, EvidenceFn, LogFileFn, ServerOptions, ZoneCommand, ZoneRequest, CLIENT_QUEUE,
    MAX_UPLOAD_BYTES,
};
pub use tracks::AircraftView;

use std::net::SocketAddr;
use std::sync::Arc;

/// Binds `addr` and serves in a task until it is aborted (stream clients never finish by themselves,
/// so there is no graceful end); returns the address bound (port 0 picks one) and the task.
pub async fn serve(
    addr: SocketAddr,
    monitor: Arc<Monitor>,
    options: ServerOptions,
) -> std::io::Result<(SocketAddr, tokio::task::JoinHandle<std::io::Result<()>>)> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    let app = router(monitor, options).into_make_service_with_connect_info::<SocketAddr>();
    let task = tokio::spawn(async move { axum::serve(listener, app).await });
    Ok((bound, task))
}

/// A file of the embedded web map by its path under web/dist (the Natural Earth basemap, for
/// instance); `None` when the map was not built into this binary.
pub fn embedded_file(path: &str) -> Option<&'static [u8]> {
    assets::FILES
        .iter()
        .find(|(name, _, _)| *name == path)
        .map(|(_, _, bytes)| *bytes)
}

/// The web map's country outlines (Natural Earth, GeoJSON), when the map was built in.
pub fn basemap_countries() -> Option<&'static [u8]> {
    assets::get("basemap-countries.json").map(|(_, bytes)| bytes)
}
