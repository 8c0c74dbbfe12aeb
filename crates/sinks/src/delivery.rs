//! Delivery that loses nothing while the receiver is down: every event (that passes the sink's
//! filter) is first appended to an on-disk spool, and a delivery thread hands the spooled events,
//! in order, to a transport (an HTTP POST for webhooks, a JetStream publish for NATS), retrying
//! with backoff (0.5 s doubling to 30 s) until it is accepted. The spool survives restarts: a new
//! sink on the same directory delivers what an earlier one could not. Delivery is at least once;
//! the transports pass the event id along (`Idempotency-Key`, `Nats-Msg-Id`) so that the receiver
//! can take every event once.

use crate::EventFilter;
use nofly_model::Event;
use std::fs::{File, OpenOptions};
use std::future::IntoFuture;
use std::io::{BufRead, BufReader, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// What the producer and the delivery thread share.
#[derive(Debug, Default)]
struct Spool {
    /// Events in the spool file.
    lines: u64,
    /// Events delivered, and the byte offset just past them.
    delivered: (u64, u64),
    /// Events refused because the spool was full.
    dropped: u64,
    stop: bool,
}

/// Hands one spooled event (its id and JSON) to the receiver; `Err` says why it was not accepted.
pub type Transport = Box<dyn FnMut(&str, &str) -> Result<(), String> + Send>;

/// What a cooldown tells apart: the rule (empty for the sink's own filter), the aircraft, the
/// zone and the kind of event.
type AlertKey = (
    String,
    Option<nofly_model::Icao24>,
    String,
    nofly_model::EventKind,
);

/// Alert rules shared with whoever reloads them.
pub type SharedRules = Arc<std::sync::RwLock<crate::AlertRules>>;

/// A spooled delivery sink (see the module documentation).
pub struct DeliverySink {
    dir: PathBuf,
    filter: EventFilter,
    max_bytes: u64,
    shared: Arc<(Mutex<Spool>, Condvar)>,
    worker: Option<JoinHandle<()>>,
    /// With a `cooldown`: when each (rule, aircraft, zone, kind) was last sent, event time.
    last_sent: Mutex<std::collections::HashMap<AlertKey, i64>>,
    /// With alert rules: this sink's name in their `send` lists, and the rules.
    rules: Option<(&'static str, SharedRules)>,
}

const SPOOL: &str = "spool.jsonl";
const DELIVERED: &str = "delivered";

impl DeliverySink {
    /// A sink POSTing each event to `url` with its id as `Idempotency-Key`, spooling in `dir`
    /// (created if missing) up to `max_bytes`: the event's JSON, or what `template` makes of it.
    pub fn webhook(
        url: &str,
        template: Option<crate::Template>,
        dir: &Path,
        filter: EventFilter,
        max_bytes: u64,
    ) -> std::io::Result<Self> {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(10)))
            .build()
            .into();
        let url = url.to_string();
        let post: Transport = Box::new(move |id, json| {
            let request = agent.post(&url).header("Idempotency-Key", id);
            let sent = match &template {
                None => request.content_type("application/json").send(json),
                Some(t) => {
                    let event: serde_json::Value =
                        serde_json::from_str(json).map_err(|e| format!("spooled event: {e}"))?;
                    let (headers, body) = t.render(&event);
                    let request = headers.iter().fold(request, |r, (name, value)| {
                        r.header(name.as_str(), value.as_str())
                    });
                    request.send(body.as_str())
                }
            };
            sent.map(|_| ()).map_err(|e| format!("{url}: {e}"))
        });
        DeliverySink::open(post, dir, filter, max_bytes)
    }

    /// A sink publishing each event to NATS JetStream at `url` on the subject
    /// `<prefix>.<kind>` with its id as `Nats-Msg-Id` (JetStream drops a repeat within its
    /// duplicate window), in the stream `stream` (created with the subjects `<prefix>.>` if
    /// missing), each publish acknowledged before the next; spooling in `dir` up to `max_bytes`.
    /// A server that is down is connected to again by the retries.
    pub fn nats(
        url: &str,
        stream: &str,
        prefix: &str,
        dir: &Path,
        filter: EventFilter,
        max_bytes: u64,
    ) -> std::io::Result<Self> {
        use async_nats::jetstream;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let (url, stream, prefix) = (url.to_string(), stream.to_string(), prefix.to_string());
        let mut context: Option<jetstream::Context> = None;
        let publish: Transport = Box::new(move |id, json| {
            runtime.block_on(async {
                let timeout = Duration::from_secs(10);
                if context.is_none() {
                    let client = async_nats::ConnectOptions::new()
                        .connection_timeout(timeout)
                        .connect(url.as_str())
                        .await
                        .map_err(|e| format!("{url}: {e}"))?;
                    let js = jetstream::new(client);
                    js.get_or_create_stream(jetstream::stream::Config {
                        name: stream.clone(),
                        subjects: vec![format!("{prefix}.>")],
                        ..Default::default()
                    })
                    .await
                    .map_err(|e| format!("{url}: stream {stream}: {e}"))?;
                    context = Some(js);
                }
                let js = context.as_ref().ok_or("not connected")?;
                let kind = serde_json::from_str::<serde_json::Value>(json)
                    .ok()
                    .and_then(|v| v["kind"].as_str().map(str::to_string))
                    .unwrap_or_else(|| "event".into());
                let mut headers = async_nats::HeaderMap::new();
                headers.insert("Nats-Msg-Id", id);
                let ack = js
                    .publish_with_headers(
                        format!("{prefix}.{kind}"),
                        headers,
                        json.to_string().into(),
                    )
                    .await
                    .map_err(|e| format!("{url}: {e}"))?;
                tokio::time::timeout(timeout, ack.into_future())
                    .await
                    .map_err(|_| format!("{url}: no acknowledgement within {timeout:?}"))?
                    .map(|_| ())
                    .map_err(|e| format!("{url}: {e}"))
            })
        });
        DeliverySink::open(publish, dir, filter, max_bytes)
    }

    /// A sink handing spooled events to `transport`, spooling in `dir` (created if missing) up
    /// to `max_bytes`.
    pub fn open(
        transport: Transport,
        dir: &Path,
        filter: EventFilter,
        max_bytes: u64,
    ) -> std::io::Result<Self> {
        std::fs::create_dir_all(dir)?;
        let spool = dir.join(SPOOL);
        let lines = match File::open(&spool) {
            Ok(f) => BufReader::new(f).lines().count() as u64,
            Err(_) => 0,
        };
        let delivered = std::fs::read_to_string(dir.join(DELIVERED))
            .ok()
            .and_then(|s| {
                let (n, offset) = s.trim().split_once(' ')?;
                Some((n.parse().ok()?, offset.parse().ok()?))
            })
            .unwrap_or((0, 0));
        let shared = Arc::new((
            Mutex::new(Spool {
                lines,
                delivered,
                ..Spool::default()
            }),
            Condvar::new(),
        ));
        let worker = {
            let (shared, dir) = (shared.clone(), dir.to_path_buf());
            std::thread::Builder::new()
                .name("nofly-delivery".into())
                .spawn(move || deliver(transport, &dir, &shared))?
        };
        Ok(DeliverySink {
            dir: dir.to_path_buf(),
            filter,
            max_bytes,
            shared,
            worker: Some(worker),
            last_sent: Mutex::default(),
            rules: None,
        })
    }

    /// Makes this sink (named `name` in the rules' `send` lists) take only the events a rule
    /// sending to it matches; the payload then lists the rules under `rules`.
    pub fn with_rules(mut self, name: &'static str, rules: SharedRules) -> Self {
        self.rules = Some((name, rules));
        self
    }

    /// Spools an event for delivery when the filter (and, with rules, a rule sending to this
    /// sink) lets it through and no cooldown holds it back; returns whether it did.
    pub fn send(&self, event: &Event) -> std::io::Result<bool> {
        if !self.filter.passes(event) {
            return Ok(false);
        }
        let matched: Option<Vec<(String, Option<i64>)>> =
            self.rules.as_ref().map(|(sink, rules)| {
                let rules = rules.read().unwrap_or_else(|e| e.into_inner());
                rules
                    .matching(sink, event)
                    .filter(|r| !self.cooling_down(&r.name, r.filter.cooldown_ms(), event, false))
                    .map(|r| (r.name.clone(), r.filter.cooldown_ms()))
                    .collect()
            });
        if matched.as_ref().is_some_and(Vec::is_empty)
            || self.cooling_down("", self.filter.cooldown_ms(), event, true)
        {
            return Ok(false);
        }
        let mut line = serde_json::to_string(event).map_err(std::io::Error::other)?;
        if let Some(matched) = &matched {
            for (name, cooldown) in matched {
                self.cooling_down(name, *cooldown, event, true);
            }
            // The event's own fields in their order, then the rules that matched.
            let names: Vec<&str> = matched.iter().map(|(n, _)| n.as_str()).collect();
            line.pop();
            line.push_str(",\"rules\":");
            line.push_str(&serde_json::to_string(&names).map_err(std::io::Error::other)?);
            line.push('}');
        }
        line.push('\n');
        let (lock, wake) = &*self.shared;
        let mut spool = lock.lock().unwrap_or_else(|e| e.into_inner());
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.join(SPOOL))?;
        if file.metadata()?.len() + line.len() as u64 > self.max_bytes {
            spool.dropped += 1;
            tracing::error!(
                "delivery spool {} is full ({} bytes): event {} not queued",
                self.dir.display(),
                self.max_bytes,
                event.id
            );
            return Ok(false);
        }
        file.write_all(line.as_bytes())?;
        file.sync_data()?;
        spool.lines += 1;
        wake.notify_all();
        Ok(true)
    }

    /// Whether the same aircraft had the same kind of event in the same zone sent, for `rule`
    /// (empty: the sink's own filter), less than `cooldown` before in event time (one alert per
    /// aircraft per pass); with `record`, remembers this one when it is not held back. Memory:
    /// one entry per rule, aircraft, zone and kind alerted.
    fn cooling_down(&self, rule: &str, cooldown: Option<i64>, event: &Event, record: bool) -> bool {
        let Some(cooldown) = cooldown else {
            return false;
        };
        let mut last = self.last_sent.lock().unwrap_or_else(|e| e.into_inner());
        let key = (
            rule.to_string(),
            event.icao24,
            event.zone_id.clone(),
            event.kind,
        );
        let now = event.time.millis();
        match last.get(&key) {
            Some(&then) if now >= then && now - then < cooldown => true,
            _ => {
                if record {
                    last.insert(key, now);
                }
                false
            }
        }
    }

    /// Waits until every spooled event is delivered or `timeout` passes; returns how many are
    /// still waiting (they stay in the spool for the next sink on the same directory).
    pub fn flush(&self, timeout: Duration) -> u64 {
        let (lock, wake) = &*self.shared;
        let deadline = Instant::now() + timeout;
        let mut spool = lock.lock().unwrap_or_else(|e| e.into_inner());
        while spool.delivered.0 < spool.lines {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            spool = wake
                .wait_timeout(spool, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        spool.lines - spool.delivered.0
    }

    /// Events refused because the spool was full.
    pub fn dropped(&self) -> u64 {
        self.shared
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .dropped
    }
}

impl Drop for DeliverySink {
    fn drop(&mut self) {
        let (lock, wake) = &*self.shared;
        lock.lock().unwrap_or_else(|e| e.into_inner()).stop = true;
        wake.notify_all();
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
    }
}

/// The delivery thread: the next undelivered line, handed over until it is accepted.
fn deliver(mut transport: Transport, dir: &Path, shared: &(Mutex<Spool>, Condvar)) {
    let (lock, wake) = shared;
    let mut backoff = Duration::from_millis(500);
    loop {
        let (index, offset) = {
            let mut spool = lock.lock().unwrap_or_else(|e| e.into_inner());
            while !spool.stop && spool.delivered.0 >= spool.lines {
                spool = wake.wait(spool).unwrap_or_else(|e| e.into_inner());
            }
            if spool.stop {
                return;
            }
            spool.delivered
        };
        let Some(line) = read_line_at(&dir.join(SPOOL), offset) else {
            std::thread::sleep(Duration::from_millis(100));
            continue;
        };
        let id = serde_json::from_str::<serde_json::Value>(&line)
            .ok()
            .and_then(|v| v["id"].as_str().map(str::to_string))
            .unwrap_or_default();
        match transport(&id, line.trim_end()) {
            Ok(_) => {
                backoff = Duration::from_millis(500);
                let mut spool = lock.lock().unwrap_or_else(|e| e.into_inner());
                spool.delivered = (index + 1, offset + line.len() as u64);
                if spool.delivered.0 == spool.lines {
                    // Everything delivered: start the spool afresh.
                    let _ = File::create(dir.join(SPOOL));
                    spool.lines = 0;
                    spool.delivered = (0, 0);
                }
                let (n, at) = spool.delivered;
                if let Err(e) = std::fs::write(dir.join(DELIVERED), format!("{n} {at}\n")) {
                    tracing::error!("delivery spool {}: {e}", dir.display());
                }
                wake.notify_all();
            }
            Err(e) => {
                tracing::warn!("delivery: {e}; retrying in {:.1} s", backoff.as_secs_f64());
                let spool = lock.lock().unwrap_or_else(|e| e.into_inner());
                let (spool, _) = wake
                    .wait_timeout_while(spool, backoff, |s| !s.stop)
                    .unwrap_or_else(|e| e.into_inner());
                if spool.stop {
                    return;
                }
                backoff = (backoff * 2).min(Duration::from_secs(30));
            }
        }
    }
}

/// The line starting at byte `offset` of the spool, with its newline.
fn read_line_at(path: &Path, offset: u64) -> Option<String> {
    let mut file = File::open(path).ok()?;
    file.seek(SeekFrom::Start(offset)).ok()?;
    let mut line = String::new();
    BufReader::new(file).read_line(&mut line).ok()?;
    line.ends_with('\n').then_some(line)
}
