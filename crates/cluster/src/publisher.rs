//! The ingester's side: reports published on their partition's subject, acknowledged by JetStream,
//! many in flight at once, republished after a failure (the de-duplication id makes that safe).

use crate::report_stream::StreamSpec;
use crate::wire::{dedup_id, encode, partition};
use async_nats::jetstream::{self, context::PublishAckFuture};
use nofly_model::Report;
use std::collections::VecDeque;
use std::time::Duration;

/// Publishes that may wait for their acknowledgement at once.
const IN_FLIGHT: usize = 1024;

/// One report on its way: subject, id, body.
struct Pending {
    subject: String,
    id: String,
    body: Vec<u8>,
}

/// Publishes reports to the stream.
pub struct Publisher {
    spec: StreamSpec,
    js: jetstream::Context,
    in_flight: VecDeque<(Pending, PublishAckFuture)>,
    /// Reports published and acknowledged.
    pub acknowledged: u64,
    /// Of which the stream said it already had (the same message from another receiver).
    pub duplicates: u64,
}

impl Publisher {
    /// Connects to the stream of `spec` (waiting for the server if it is down).
    pub async fn connect(spec: StreamSpec) -> Self {
        let (js, _) = spec.open().await;
        Publisher {
            spec,
            js,
            in_flight: VecDeque::new(),
            acknowledged: 0,
            duplicates: 0,
        }
    }

    /// Publishes one report; returns once it is sent (its acknowledgement may still be awaited).
    pub async fn publish(&mut self, r: &Report) {
        let pending = Pending {
            subject: self.spec.subject(partition(r.icao, self.spec.partitions)),
            id: dedup_id(r),
            body: encode(r),
        };
        if self.in_flight.len() >= IN_FLIGHT {
            self.settle_one().await;
        }
        let ack = self.send(&pending).await;
        self.in_flight.push_back((pending, ack));
    }

    /// Waits until every report published is acknowledged.
    pub async fn flush(&mut self) {
        while !self.in_flight.is_empty() {
            self.settle_one().await;
        }
    }

    /// Sends until the client takes the message (it buffers while reconnecting).
    async fn send(&self, p: &Pending) -> PublishAckFuture {
        let mut wait = Duration::from_millis(250);
        loop {
            let mut headers = async_nats::HeaderMap::new();
            headers.insert("Nats-Msg-Id", p.id.as_str());
            match self
                .js
                .publish_with_headers(p.subject.clone(), headers, p.body.clone().into())
                .await
            {
                Ok(ack) => return ack,
                Err(e) => {
                    tracing::warn!("{}: publish failed ({e}); retrying", self.spec.url);
                    tokio::time::sleep(wait).await;
                    wait = (wait * 2).min(Duration::from_secs(10));
                }
            }
        }
    }

    /// Waits for the oldest acknowledgement; a failed one is published again until it succeeds.
    async fn settle_one(&mut self) {
        let Some((pending, mut ack)) = self.in_flight.pop_front() else {
            return;
        };
        loop {
            match tokio::time::timeout(Duration::from_secs(10), ack).await {
                Ok(Ok(a)) => {
                    self.acknowledged += 1;
                    self.duplicates += u64::from(a.duplicate);
                    return;
                }
                Ok(Err(e)) => tracing::warn!(
                    "{}: not acknowledged ({e}); publishing again",
                    self.spec.url
                ),
                Err(_) => tracing::warn!(
                    "{}: no acknowledgement within 10 s; publishing again",
                    self.spec.url
                ),
            }
            ack = self.send(&pending).await;
        }
    }
}
