//! The worker's side: each partition it owns read through a durable pull consumer
//! (`nofly-p<n>`), a batch at a time, acknowledged only when the caller says the batch's events are
//! stored.
//!
//! A worker keeps its detection state in memory. When it starts (first time, after a crash or a
//! `kill -9`), it first re-reads everything its partitions' stream holds, in stream order: fed to
//! the same detection, this rebuilds the state exactly, and the events it raises again have the ids
//! they had, so the store absorbs them. The part up to the durable consumer's acknowledgement floor
//! was processed by an earlier run ([`Batch::replayed`]: its events are stored already and not
//! written out again); the rest is new. Messages the durable consumer then delivers that the
//! re-reading already covered are acknowledged without being processed again. Every report goes
//! into the state once and every event into the store once: the effect is exactly once.

use crate::report_stream::StreamSpec;
use crate::wire::decode;
use async_nats::jetstream::consumer::{pull, AckPolicy, Consumer, DeliverPolicy};
use async_nats::jetstream::{stream::Stream, Message};
use futures_util::StreamExt;
use nofly_model::Report;
use std::time::Duration;

/// How a worker reads.
#[derive(Debug, Clone)]
pub struct ConsumerSpec {
    /// Messages a fetch asks for.
    pub batch: usize,
    /// How long a delivered message may stay unacknowledged before it is delivered again.
    pub ack_wait: Duration,
}

impl Default for ConsumerSpec {
    fn default() -> Self {
        ConsumerSpec {
            batch: 1000,
            ack_wait: Duration::from_secs(30),
        }
    }
}

/// Reports of one partition, in stream order.
pub struct Batch {
    /// The partition.
    pub partition: u32,
    /// The reports (a malformed message is reported and skipped).
    pub reports: Vec<Report>,
    /// True for history an earlier run of the worker acknowledged: re-read only to rebuild the
    /// state.
    pub replayed: bool,
}

/// The re-reading of one partition's history.
struct History {
    index: usize,
    end: u64,
    messages: Option<pull::Ordered>,
}

/// Reads a worker's partitions: [`PartitionReader::next`] gives the next batch, and
/// [`PartitionReader::ack`] acknowledges it once its events are stored.
pub struct PartitionReader {
    spec: StreamSpec,
    consumer: ConsumerSpec,
    stream: Stream,
    partitions: Vec<u32>,
    /// Per partition, the last stream sequence taken into the state.
    taken: Vec<u64>,
    /// Per partition, the durable consumer's acknowledgement floor when the worker started.
    acknowledged: Vec<u64>,
    history: Option<History>,
    durables: Vec<Consumer<pull::Config>>,
    live: Vec<Option<pull::Stream>>,
    turn: usize,
    unacked: Vec<Message>,
}

impl PartitionReader {
    /// Connects (waiting for the server) and starts with the history of the first partition.
    pub async fn open(spec: StreamSpec, consumer: ConsumerSpec, partitions: Vec<u32>) -> Self {
        let (_, stream) = spec.open().await;
        let mut acknowledged = Vec::new();
        for &p in &partitions {
            acknowledged.push(
                match stream.get_consumer::<pull::Config>(&durable_name(p)).await {
                    Ok(mut c) => c.info().await.map_or(0, |i| i.ack_floor.stream_sequence),
                    Err(_) => 0,
                },
            );
        }
        PartitionReader {
            taken: vec![0; partitions.len()],
            acknowledged,
            history: Some(History {
                index: 0,
                end: 0,
                messages: None,
            }),
            spec,
            consumer,
            stream,
            partitions,
            durables: Vec::new(),
            live: Vec::new(),
            turn: 0,
            unacked: Vec::new(),
        }
    }

    /// The next batch, waiting for one; connection losses are waited out.
    pub async fn next(&mut self) -> Batch {
        loop {
            let outcome = if self.history.is_some() {
                self.next_history().await
            } else {
                self.next_live().await
            };
            match outcome {
                Ok(Some(batch)) => return batch,
                Ok(None) => {}
                Err(e) => {
                    tracing::warn!("{}: {e}; retrying", self.spec.url);
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
            }
        }
    }

    /// Acknowledges the messages of the batch given last: the consumers acknowledge all (the last
    /// message of a batch acknowledges every earlier one of its partition), one acknowledgement a
    /// batch instead of one a message (the per-message acknowledgements held a worker to 30,000
    /// reports/s here).
    pub async fn ack(&mut self) {
        if let Some(m) = self.unacked.pop() {
            // A lost acknowledgement only means a redelivery, which is skipped as already taken.
            if let Err(e) = m.ack().await {
                tracing::warn!("{}: acknowledgement not sent: {e}", self.spec.url);
            }
        }
        self.unacked.clear();
    }

    async fn next_history(&mut self) -> Result<Option<Batch>, String> {
        let Some(h) = self.history.as_mut() else {
            return Ok(None);
        };
        let Some(&partition) = self.partitions.get(h.index) else {
            self.history = None;
            return Ok(None);
        };
        let subject = self.spec.subject(partition);
        if h.messages.is_none() {
            h.end = match self.stream.get_last_raw_message_by_subject(&subject).await {
                Ok(m) => m.sequence,
                Err(_) => 0,
            };
            let start = self.taken[h.index] + 1;
            if start > h.end {
                h.index += 1;
                return Ok(None);
            }
            let reader = self
                .stream
                .create_consumer(pull::OrderedConfig {
                    filter_subject: subject.clone(),
                    deliver_policy: DeliverPolicy::ByStartSequence {
                        start_sequence: start,
                    },
                    ..Default::default()
                })
                .await
                .map_err(|e| format!("{subject}: {e}"))?;
            h.messages = Some(reader.messages().await.map_err(|e| e.to_string())?);
        }
        let Some(messages) = h.messages.as_mut() else {
            return Ok(None);
        };
        let mut reports = Vec::new();
        // A batch is either history acknowledged before, or new.
        let floor = self.acknowledged[h.index];
        let replayed = self.taken[h.index] < floor;
        let stop = if replayed { floor.min(h.end) } else { h.end };
        while self.taken[h.index] < stop && reports.len() < self.consumer.batch {
            let next = tokio::time::timeout(Duration::from_secs(10), messages.next()).await;
            let message = match next {
                Ok(Some(Ok(m))) => m,
                Ok(Some(Err(e))) => {
                    h.messages = None;
                    return Err(format!("{subject}: {e}"));
                }
                Ok(None) | Err(_) => {
                    h.messages = None;
                    return Err(format!("{subject}: history stopped coming"));
                }
            };
            let sequence = message.info().map_err(|e| e.to_string())?.stream_sequence;
            push_report(&mut reports, &message.payload, &subject, sequence);
            self.taken[h.index] = sequence;
        }
        if self.taken[h.index] >= h.end {
            tracing::info!(
                "{subject}: state rebuilt from history up to message {} ({} acknowledged by an earlier run)",
                h.end,
                self.acknowledged[h.index].min(h.end)
            );
            h.index += 1;
            h.messages = None;
        }
        Ok(Some(Batch {
            partition,
            reports,
            replayed,
        }))
    }

    async fn next_live(&mut self) -> Result<Option<Batch>, String> {
        if self.durables.len() < self.partitions.len() {
            let p = self.partitions[self.durables.len()];
            let name = durable_name(p);
            let durable = self
                .stream
                .get_or_create_consumer(
                    &name,
                    pull::Config {
                        durable_name: Some(name.clone()),
                        filter_subject: self.spec.subject(p),
                        ack_policy: AckPolicy::All,
                        ack_wait: self.consumer.ack_wait,
                        deliver_policy: DeliverPolicy::All,
                        ..Default::default()
                    },
                )
                .await
                .map_err(|e| format!("consumer {name}: {e}"))?;
            self.durables.push(durable);
            self.live.push(None);
            return Ok(None);
        }
        let i = self.turn % self.partitions.len();
        self.turn += 1;
        if self.live[i].is_none() {
            // A continuous pull: the server keeps up to a batch in flight ahead of the worker.
            // (One-shot fetches waited 5 s for an end that nats-server 2.9 never sent.)
            let messages = self.durables[i]
                .stream()
                .max_messages_per_batch(self.consumer.batch)
                .heartbeat(Duration::from_secs(5))
                .expires(Duration::from_secs(30))
                .messages()
                .await
                .map_err(|e| e.to_string())?;
            self.live[i] = Some(messages);
        }
        let subject = self.spec.subject(self.partitions[i]);
        let Some(messages) = self.live[i].as_mut() else {
            return Ok(None);
        };
        let mut reports = Vec::new();
        let mut taken = 0;
        while taken < self.consumer.batch {
            let m = match tokio::time::timeout(Duration::from_millis(10), messages.next()).await {
                Err(_) => break,
                Ok(Some(Ok(m))) => m,
                Ok(Some(Err(e))) => {
                    self.live[i] = None;
                    return Err(format!("{subject}: {e}"));
                }
                Ok(None) => {
                    self.live[i] = None;
                    break;
                }
            };
            taken += 1;
            let sequence = m.info().map_err(|e| e.to_string())?.stream_sequence;
            if sequence > self.taken[i] {
                push_report(&mut reports, &m.payload, &subject, sequence);
                self.taken[i] = sequence;
            }
            self.unacked.push(m);
        }
        Ok(Some(Batch {
            partition: self.partitions[i],
            reports,
            replayed: false,
        }))
    }
}

/// The durable consumer of a partition.
fn durable_name(partition: u32) -> String {
    format!("nofly-p{partition}")
}

fn push_report(reports: &mut Vec<Report>, payload: &[u8], subject: &str, sequence: u64) {
    match decode(payload) {
        Ok(r) => reports.push(r),
        Err(e) => tracing::warn!("{subject}: message {sequence} skipped: {e}"),
    }
}
