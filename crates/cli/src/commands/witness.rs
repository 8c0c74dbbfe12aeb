//! `nofly witness`: a C2SP tlog-witness over HTTP. `POST /add-checkpoint` cosigns a checkpoint of a
//! log it knows when it extends the last one it cosigned ([`nofly_evidence::witness`]);
//! `GET /` says which key it signs with and which logs it follows.

use anyhow::{Context, Result};
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use nofly_evidence::keys;
use nofly_evidence::witness::Witness;
use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

/// Runs the witness until Ctrl-C.
pub fn run(key: &Path, logs: &[String], state: &Path, listen: SocketAddr) -> Result<ExitCode> {
    let signer = keys::read_signing_key(key)?;
    let logs = logs
        .iter()
        .map(|l| keys::read_verifying_key(l))
        .collect::<Result<Vec<_>, _>>()?;
    anyhow::ensure!(
        !logs.is_empty(),
        "give the key of at least one log to witness (--log)"
    );
    let witness = Witness::open(signer, logs, state).map_err(anyhow::Error::msg)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .with_context(|| format!("cannot listen on {listen}"))?;
        let (app, about) = router(witness);
        eprintln!(
            "nofly witness: listening on http://{}/ ; state in {}\n{about}",
            listener.local_addr()?,
            state.display()
        );
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await?;
        Ok(ExitCode::SUCCESS)
    })
}

/// Starts a witness on a free port of 127.0.0.1 in a thread of its own, for as long as the
/// process lives (the demo's witnesses); returns its URL.
pub fn spawn_local(witness: Witness) -> Result<String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    listener.set_nonblocking(true)?;
    let url = format!("http://{}", listener.local_addr()?);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    std::thread::spawn(move || {
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener)?;
            axum::serve(listener, router(witness).0).await
        })
    });
    Ok(url)
}

/// The witness's routes, and what `GET /` says about it.
fn router(witness: Witness) -> (axum::Router, String) {
    let about = format!(
        "nofly witness (C2SP tlog-witness): POST /add-checkpoint\ncosignature key {}\n",
        witness.vkey()
    );
    let page = about.clone();
    let app = axum::Router::new()
        .route("/", get(move || async move { page }))
        .route("/add-checkpoint", post(add_checkpoint))
        .layer(DefaultBodyLimit::max(64 * 1024))
        .with_state(Arc::new(witness));
    (app, about)
}

async fn add_checkpoint(State(witness): State<Arc<Witness>>, body: String) -> Response {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs();
    // The state is fsynced before answering: off the async threads.
    let answer = tokio::task::spawn_blocking(move || witness.add_checkpoint(&body, now)).await;
    match answer {
        Ok(Ok(cosignature)) => (StatusCode::OK, cosignature).into_response(),
        Ok(Err(refusal)) => {
            let status =
                StatusCode::from_u16(refusal.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let kind = if refusal.size_conflict {
                "text/x.tlog.size"
            } else {
                "text/plain; charset=utf-8"
            };
            (status, [(header::CONTENT_TYPE, kind)], refusal.body).into_response()
        }
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}
