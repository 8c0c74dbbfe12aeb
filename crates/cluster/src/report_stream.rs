//! The JetStream stream of reports: its name, subjects and limits, and the connection to it.
//!
//! Reports go to `<prefix>.<partition>` (`nofly.reports.0` …) in one stream (`NOFLY_REPORTS` by
//! default) that keeps them for `max_age` (6 h by default: a restarted worker re-reads its
//! partitions from there) and at most `max_bytes`, dropping the oldest, with a duplicate window of
//! two minutes for the `Nats-Msg-Id` of [`crate::wire::dedup_id`].

use async_nats::jetstream::{self, stream};
use std::time::Duration;

/// Where the reports go and how long they stay.
#[derive(Debug, Clone)]
pub struct StreamSpec {
    /// NATS server URL.
    pub url: String,
    /// Stream name.
    pub stream: String,
    /// Subject prefix; partition `n` is `<prefix>.<n>`.
    pub prefix: String,
    /// Number of partitions.
    pub partitions: u32,
    /// How long reports are kept.
    pub max_age: Duration,
    /// At most this many bytes are kept (-1: no limit).
    pub max_bytes: i64,
}

impl StreamSpec {
    /// The defaults for a server URL.
    pub fn new(url: &str) -> Self {
        StreamSpec {
            url: url.to_string(),
            stream: "NOFLY_REPORTS".into(),
            prefix: "nofly.reports".into(),
            partitions: 4,
            max_age: Duration::from_secs(6 * 3600),
            max_bytes: -1,
        }
    }

    /// The subject of a partition.
    pub fn subject(&self, partition: u32) -> String {
        format!("{}.{partition}", self.prefix)
    }

    /// Connects (retrying until the server answers) and returns the JetStream context and the
    /// stream, created if missing. The client reconnects by itself after a drop.
    pub async fn open(&self) -> (jetstream::Context, stream::Stream) {
        let mut wait = Duration::from_millis(250);
        loop {
            match self.try_open().await {
                Ok(opened) => return opened,
                Err(e) => {
                    eprintln!(
                        "nofly: {}: {e}; retrying in {:.1} s",
                        self.url,
                        wait.as_secs_f64()
                    );
                    tokio::time::sleep(wait).await;
                    wait = (wait * 2).min(Duration::from_secs(10));
                }
            }
        }
    }

    async fn try_open(&self) -> Result<(jetstream::Context, stream::Stream), String> {
        let client = async_nats::ConnectOptions::new()
            .connection_timeout(Duration::from_secs(5))
            .retry_on_initial_connect()
            .max_reconnects(None)
            .connect(self.url.as_str())
            .await
            .map_err(|e| e.to_string())?;
        let js = jetstream::new(client);
        let stream = js
            .get_or_create_stream(stream::Config {
                name: self.stream.clone(),
                subjects: vec![format!("{}.*", self.prefix)],
                max_age: self.max_age,
                max_bytes: self.max_bytes,
                duplicate_window: Duration::from_secs(120),
                discard: stream::DiscardPolicy::Old,
                ..Default::default()
            })
            .await
            .map_err(|e| format!("stream {}: {e}", self.stream))?;
        Ok((js, stream))
    }
}
