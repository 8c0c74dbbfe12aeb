//! The HTTP API: read endpoints for zones, aircraft, events, evidence, the live stream, health,
//! metrics and the OpenAPI document; write endpoints for zones only when a token is configured.

use crate::assets;
use crate::monitor::{wall_ms, Monitor, StoredEvent};
use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Path, Query, Request, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use nofly_model::EventTime;
use serde::Deserialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};

/// Largest zone upload accepted.
pub const MAX_UPLOAD_BYTES: usize = 16 * 1024 * 1024;
/// Messages waiting for one stream client before it is dropped as too slow.
pub const CLIENT_QUEUE: usize = 256;
/// Most events in one `/api/events` answer.
pub const MAX_EVENTS: usize = 10_000;

/// Builds the evidence bundle (JSON text) of an event the server holds.
pub type EvidenceFn = dyn Fn(&str) -> Result<String, String> + Send + Sync;

/// A file of the evidence log served as C2SP tlog-tiles (`checkpoint`, `tile/...`), by its path
/// under `/log/`; `None` when there is no such file.
pub type LogFileFn = dyn Fn(&str) -> Option<Vec<u8>> + Send + Sync;

/// A change of the zone set asked for through the API, applied by whoever owns the zones (the live
/// engine in `watch`); the reply says what was done or why not.
pub struct ZoneRequest {
    /// What to do.
    pub command: ZoneCommand,
    /// The answer: a summary, or the problems that refused it.
    pub reply: oneshot::Sender<Result<String, String>>,
}

/// What a [`ZoneRequest`] asks for.
pub enum ZoneCommand {
    /// Replace the zone set with this zone file (any format nofly reads).
    Upload {
        /// The file's text.
        text: String,
    },
    /// Read the configured zone files again.
    Reload,
}

/// What a server serves beyond the monitor.
#[derive(Clone, Default)]
pub struct ServerOptions {
    /// Bearer token of the write endpoints; without it they do not exist.
    pub token: Option<String>,
    /// Where zone changes go; without it the write endpoints do not exist.
    pub zone_control: Option<mpsc::Sender<ZoneRequest>>,
    /// Evidence bundles, when an evidence log and its key were given.
    pub evidence: Option<Arc<EvidenceFn>>,
    /// The evidence log as tlog-tiles under `/log/`, when an evidence log was given.
    pub log_files: Option<Arc<LogFileFn>>,
}

#[derive(Clone)]
struct App {
    monitor: Arc<Monitor>,
    options: ServerOptions,
}

/// The router of every endpoint and the embedded map.
pub fn router(monitor: Arc<Monitor>, options: ServerOptions) -> Router {
    let writable = options.token.is_some() && options.zone_control.is_some();
    let zone_routes = if writable {
        get(zones).put(upload_zones)
    } else {
        get(zones)
    };
    let mut api = Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .route("/api/info", get(info))
        .route("/api/zones", zone_routes)
        .route("/api/aircraft", get(aircraft))
        .route("/api/aircraft/{icao24}/profile", get(profile))
        .route("/api/events", get(events))
        .route("/api/events/{id}/evidence", get(evidence))
        .route("/log/{*path}", get(log_file))
        .route("/api/stream", get(stream))
        .route("/api/openapi.json", get(openapi));
    if writable {
        api = api.route("/api/zones/reload", post(reload_zones));
    }
    let app = App { monitor, options };
    api.fallback(static_asset)
        .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES))
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            count_request,
        ))
        .with_state(app)
}

async fn count_request(State(app): State<App>, request: Request, next: Next) -> Response {
    app.monitor
        .counters
        .requests
        .fetch_add(1, Ordering::Relaxed);
    next.run(request).await
}

/// An error answer, sent as `{"error": message}` (a 401 also names the Bearer scheme).
struct ApiError(StatusCode, String);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Json(json!({ "error": self.1 }));
        if self.0 == StatusCode::UNAUTHORIZED {
            (self.0, [(header::WWW_AUTHENTICATE, "Bearer")], body).into_response()
        } else {
            (self.0, body).into_response()
        }
    }
}

fn problem(status: StatusCode, message: impl Into<String>) -> Response {
    ApiError(status, message.into()).into_response()
}

/// The query parameters, or a 400 naming the one that does not parse.
fn query_params<T>(query: Result<Query<T>, QueryRejection>) -> Result<T, ApiError> {
    query
        .map(|Query(q)| q)
        .map_err(|e| ApiError(StatusCode::BAD_REQUEST, e.body_text()))
}

/// A time parameter: RFC 3339 or Unix seconds.
fn parse_time(name: &str, value: &Option<String>) -> Result<Option<EventTime>, ApiError> {
    let Some(text) = value.as_deref().filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let parsed = match text.parse::<f64>() {
        Ok(s) => EventTime::from_unix_seconds(s),
        Err(_) => text.parse::<EventTime>().ok(),
    };
    parsed.map(Some).ok_or_else(|| {
        ApiError(
            StatusCode::BAD_REQUEST,
            format!("{name}: {text:?} is neither an RFC 3339 time nor Unix seconds"),
        )
    })
}

async fn healthz(State(app): State<App>) -> Response {
    Json(json!({ "status": "ok", "mode": app.monitor.mode() })).into_response()
}

async fn info(State(app): State<App>) -> Response {
    let s = app.monitor.read();
    let span = s.tracks.span();
    Json(json!({
        "mode": app.monitor.mode(),
        "version": env!("CARGO_PKG_VERSION"),
        "zone_set": s.zones.set_hash(),
        "zones": s.zones.len(),
        "start": span.map(|(a, _)| a),
        "end": span.map(|(_, b)| b),
        "events": s.events.len(),
        "writable": app.options.token.is_some() && app.options.zone_control.is_some(),
        "evidence": app.options.evidence.is_some(),
    }))
    .into_response()
}

async fn metrics(State(app): State<App>) -> Response {
    let c = &app.monitor.counters;
    let status = app.monitor.status();
    let zones = app.monitor.read().zones.len();
    let by_kind = app.monitor.read().events_by_kind.clone();
    let mut out = String::new();
    let mut metric = |name: &str, kind: &str, help: &str, samples: Vec<(String, f64)>| {
        out.push_str(&format!("# HELP {name} {help}\n# TYPE {name} {kind}\n"));
        for (labels, value) in samples {
            out.push_str(&format!("{name}{labels} {value}\n"));
        }
    };
    let one = |v: f64| vec![(String::new(), v)];
    let load = |a: &std::sync::atomic::AtomicU64| a.load(Ordering::Relaxed) as f64;
    metric(
        "nofly_reports_total",
        "counter",
        "Reports taken.",
        one(load(&c.reports)),
    );
    metric(
        "nofly_reports_per_second",
        "gauge",
        "Reports per second over the last second (live runs).",
        one(status.reports_per_s),
    );
    metric(
        "nofly_events_total",
        "counter",
        "Events raised, by kind.",
        by_kind
            .iter()
            .map(|(k, n)| (format!("{{kind=\"{k}\"}}"), *n as f64))
            .collect(),
    );
    metric(
        "nofly_lag_seconds",
        "gauge",
        "Wall clock minus the latest event time in the data (live runs).",
        one(status.lag_s.unwrap_or(0.0)),
    );
    metric(
        "nofly_aircraft",
        "gauge",
        "Aircraft tracked.",
        one(status.aircraft as f64),
    );
    metric(
        "nofly_zones",
        "gauge",
        "Zones in the set.",
        one(zones as f64),
    );
    metric(
        "nofly_stream_clients",
        "gauge",
        "Clients of /api/stream.",
        one(load(&c.stream_clients)),
    );
    metric(
        "nofly_stream_dropped_total",
        "counter",
        "Stream clients dropped for not keeping up.",
        one(load(&c.stream_dropped)),
    );
    metric(
        "nofly_events_evicted_total",
        "counter",
        "Events no longer held in memory for /api/events (live runs keep the latest 100000).",
        one(load(&c.events_evicted)),
    );
    metric(
        "nofly_http_requests_total",
        "counter",
        "HTTP requests answered.",
        one(load(&c.requests)),
    );
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], out).into_response()
}

#[derive(Deserialize)]
struct ZonesQuery {
    at: Option<String>,
    geometry: Option<bool>,
}

async fn zones(
    State(app): State<App>,
    query: Result<Query<ZonesQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let q = query_params(query)?;
    let at = parse_time("at", &q.at)?;
    let s = app.monitor.read();
    let at = at
        .or(s.latest)
        .unwrap_or_else(|| EventTime::from_millis(wall_ms()));
    Ok((
        [(header::CONTENT_TYPE, "application/json")],
        s.zones.feature_collection(at, q.geometry.unwrap_or(true)),
    )
        .into_response())
}

#[derive(Deserialize)]
struct AircraftQuery {
    at: Option<String>,
    trail: Option<u32>,
}

async fn aircraft(
    State(app): State<App>,
    query: Result<Query<AircraftQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let q = query_params(query)?;
    let at = parse_time("at", &q.at)?;
    let trail_ms = i64::from(q.trail.unwrap_or(300).min(3600)) * 1000;
    Ok(Json(json!({ "aircraft": app.monitor.aircraft(at, trail_ms) })).into_response())
}

async fn profile(State(app): State<App>, Path(icao24): Path<String>) -> Response {
    let Ok(icao) = icao24.parse::<nofly_model::Icao24>() else {
        return problem(
            StatusCode::BAD_REQUEST,
            "icao24: not an ICAO address (six hex digits)",
        );
    };
    match app.monitor.profile(icao) {
        Some(points) => {
            Json(json!({ "icao24": icao.to_string(), "points": points })).into_response()
        }
        None => problem(
            StatusCode::NOT_FOUND,
            format!("no position of {icao} is held"),
        ),
    }
}

#[derive(Deserialize)]
struct EventsQuery {
    since: Option<String>,
    until: Option<String>,
    zone: Option<String>,
    kind: Option<String>,
    limit: Option<usize>,
}

async fn events(
    State(app): State<App>,
    query: Result<Query<EventsQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let q = query_params(query)?;
    let (since, until) = (
        parse_time("since", &q.since)?,
        parse_time("until", &q.until)?,
    );
    let kinds: Vec<&str> = q.kind.as_deref().map_or(Vec::new(), |k| {
        k.split(',')
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .collect()
    });
    if let Some(bad) = kinds
        .iter()
        .find(|k| nofly_model::EventKind::from_name(k).is_none())
    {
        return Err(ApiError(
            StatusCode::BAD_REQUEST,
            format!("kind: unknown event kind {bad:?}"),
        ));
    }
    let zones: Vec<&str> = q
        .zone
        .as_deref()
        .map_or(Vec::new(), |z| z.split(',').collect());
    let limit = q.limit.unwrap_or(1000).min(MAX_EVENTS);
    let s = app.monitor.read();
    let matching = s.events.iter().filter(|e: &&StoredEvent| {
        since.is_none_or(|t| e.time_ms >= t.millis())
            && until.is_none_or(|t| e.time_ms <= t.millis())
            && (zones.is_empty() || zones.contains(&e.zone_id.as_str()))
            && (kinds.is_empty() || kinds.contains(&e.kind.as_str()))
    });
    let mut body = String::from("{\"events\":[");
    let mut n = 0;
    let mut more = false;
    for e in matching {
        if n == limit {
            more = true;
            break;
        }
        if n > 0 {
            body.push(',');
        }
        body.push_str(&e.json);
        n += 1;
    }
    body.push_str(&format!("],\"count\":{n},\"more\":{more}}}"));
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

async fn evidence(State(app): State<App>, Path(id): Path<String>) -> Response {
    let Some(build) = app.options.evidence.clone() else {
        return problem(
            StatusCode::NOT_FOUND,
            "this server has no evidence log (run with --evidence-log and --key)",
        );
    };
    if !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') || id.len() > 128 {
        return problem(StatusCode::BAD_REQUEST, "id: not an event id");
    }
    if !app.monitor.read().events.iter().any(|e| e.id == id) {
        return problem(StatusCode::NOT_FOUND, format!("no event {id}"));
    }
    let answer = tokio::task::spawn_blocking({
        let id = id.clone();
        move || build(&id)
    })
    .await;
    match answer {
        Ok(Ok(bundle)) => (
            [
                (header::CONTENT_TYPE, "application/json".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"nofly-evidence-{id}.json\""),
                ),
            ],
            bundle,
        )
            .into_response(),
        Ok(Err(e)) => problem(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("evidence of {id}: {e}"),
        ),
        Err(e) => problem(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("evidence of {id}: {e}"),
        ),
    }
}

/// A tlog-tiles file of the evidence log. Full tiles never change and are cached for good; the
/// checkpoint and partial tiles change as the log grows.
async fn log_file(State(app): State<App>, Path(path): Path<String>) -> Response {
    let Some(read) = app.options.log_files.clone() else {
        return problem(StatusCode::NOT_FOUND, "this server has no evidence log");
    };
    let lookup = path.clone();
    match tokio::task::spawn_blocking(move || read(&lookup)).await {
        Ok(Some(bytes)) => {
            let kind = if path == "checkpoint" {
                "text/plain; charset=utf-8"
            } else {
                "application/octet-stream"
            };
            let cache = if path == "checkpoint" || path.contains(".p/") {
                "no-cache"
            } else {
                "public, max-age=31536000, immutable"
            };
            (
                [(header::CONTENT_TYPE, kind), (header::CACHE_CONTROL, cache)],
                bytes,
            )
                .into_response()
        }
        Ok(None) => problem(StatusCode::NOT_FOUND, format!("no {path} in the log")),
        Err(e) => problem(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}

/// Server-sent events: `status` at once, then `aircraft`, `event`, `status` and `zones` as they
/// come. Each client has its own queue of [`CLIENT_QUEUE`] messages, filled by a task that never
/// waits for the client: a client whose queue is full is dropped, with the reason logged, so a slow
/// reader can never make the server hold more than that.
async fn stream(State(app): State<App>, ConnectInfo(peer): ConnectInfo<SocketAddr>) -> Response {
    let c = &app.monitor.counters;
    let mut feed = app.monitor.subscribe();
    let (tx, rx) = mpsc::channel::<SseEvent>(CLIENT_QUEUE);
    let status = serde_json::to_string(&app.monitor.status()).unwrap_or_default();
    let _ = tx.try_send(SseEvent::default().event("status").data(status));
    c.stream_clients.fetch_add(1, Ordering::Relaxed);
    let monitor = app.monitor.clone();
    tokio::spawn(async move {
        let c = &monitor.counters;
        loop {
            let message = match feed.recv().await {
                Ok(m) => m,
                Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => {
                    tracing::warn!("stream client {peer} dropped: {n} messages were lost before it could be served");
                    c.stream_dropped.fetch_add(1, Ordering::Relaxed);
                    break;
                }
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
            };
            match tx.try_send(SseEvent::default().event(message.name).data(&*message.data)) {
                Ok(()) => {}
                Err(mpsc::error::TrySendError::Full(_)) => {
                    tracing::warn!("stream client {peer} dropped: it did not read {CLIENT_QUEUE} waiting messages");
                    c.stream_dropped.fetch_add(1, Ordering::Relaxed);
                    break;
                }
                Err(mpsc::error::TrySendError::Closed(_)) => break,
            }
        }
        c.stream_clients.fetch_sub(1, Ordering::Relaxed);
    });
    let events = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|e| (Ok::<_, Infallible>(e), rx))
    });
    Sse::new(events)
        .keep_alive(KeepAlive::default())
        .into_response()
}

async fn openapi() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        include_str!("openapi.json"),
    )
        .into_response()
}

/// Checks the bearer token in constant time (both sides hashed, then compared whole).
fn authorised(app: &App, headers: &HeaderMap) -> Result<(), ApiError> {
    let expected = app.options.token.as_deref().unwrap_or_default();
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    let same = Sha256::digest(given.as_bytes())
        .iter()
        .zip(Sha256::digest(expected.as_bytes()).iter())
        .fold(0u8, |acc, (a, b)| acc | (a ^ b))
        == 0;
    if same && !given.is_empty() {
        Ok(())
    } else {
        Err(ApiError(
            StatusCode::UNAUTHORIZED,
            "a valid bearer token is needed".into(),
        ))
    }
}

async fn ask_zone_owner(app: &App, command: ZoneCommand) -> Response {
    let Some(control) = &app.options.zone_control else {
        return problem(StatusCode::NOT_FOUND, "zones cannot be changed here");
    };
    let (reply, answer) = oneshot::channel();
    if control.send(ZoneRequest { command, reply }).await.is_err() {
        return problem(StatusCode::SERVICE_UNAVAILABLE, "the run is stopping");
    }
    match answer.await {
        Ok(Ok(summary)) => Json(json!({ "ok": true, "message": summary })).into_response(),
        Ok(Err(why)) => problem(StatusCode::UNPROCESSABLE_ENTITY, why),
        Err(_) => problem(StatusCode::SERVICE_UNAVAILABLE, "the run is stopping"),
    }
}

async fn upload_zones(State(app): State<App>, headers: HeaderMap, body: String) -> Response {
    if let Err(e) = authorised(&app, &headers) {
        return e.into_response();
    }
    ask_zone_owner(&app, ZoneCommand::Upload { text: body }).await
}

async fn reload_zones(State(app): State<App>, headers: HeaderMap) -> Response {
    if let Err(e) = authorised(&app, &headers) {
        return e.into_response();
    }
    ask_zone_owner(&app, ZoneCommand::Reload).await
}

/// The embedded map's files; anything else is 404 (the table holds only what the build put in
/// web/dist, so no path can reach outside it).
async fn static_asset(uri: Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    let path = if path.is_empty() { "index.html" } else { path };
    match assets::get(path) {
        Some((mime, bytes)) => Response::builder()
            .header(header::CONTENT_TYPE, mime)
            .header(
                header::CACHE_CONTROL,
                if path == "index.html" {
                    "no-cache"
                } else {
                    "max-age=3600"
                },
            )
            .body(Body::from(bytes))
            .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response()),
        None => problem(StatusCode::NOT_FOUND, format!("no such file: /{path}")),
    }
}
