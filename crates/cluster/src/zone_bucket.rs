//! Zone sets for every worker, in a JetStream key-value bucket (`nofly_zones` by default, key
//! `zone_set`, 64 revisions kept). A value is the zone files themselves, as JSON
//! `{"files": [{"name": "zones.geojson", "text": "…"}]}`, so that a worker reads them with the same
//! readers and gets the same versions and hashes as `nofly replay` on those files. Each put is a new
//! revision; a worker checks for one between batches and switches all its partitions at once.
//!
//! The bucket is laid out as NATS lays out its key-value buckets (stream `KV_<bucket>`, subject
//! `$KV.<bucket>.<key>`, one message per revision, its stream sequence the revision), so that
//! `nats kv get nofly_zones zone_set` reads it; it is created and read through the stream API
//! because async-nats 0.42's key-value calls do not parse the answers of the nats-server 2.9 that
//! Debian ships (measured here: every bucket creation failed with an unparsable response).

use async_nats::jetstream::{self, stream};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// The key of the zone set in the bucket.
pub const KEY: &str = "zone_set";

/// One zone file as published.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ZoneFile {
    /// Its name (as given when published).
    pub name: String,
    /// Its text.
    pub text: String,
}

#[derive(Serialize, Deserialize)]
struct Value {
    files: Vec<ZoneFile>,
}

/// The bucket of zone sets.
pub struct ZoneBucket {
    js: jetstream::Context,
    stream: stream::Stream,
    subject: String,
}

impl ZoneBucket {
    /// Opens (creating if missing) the bucket `bucket` on the server at `url`.
    pub async fn open(url: &str, bucket: &str) -> Result<Self, String> {
        let client = async_nats::ConnectOptions::new()
            .connection_timeout(Duration::from_secs(5))
            .connect(url)
            .await
            .map_err(|e| format!("{url}: {e}"))?;
        let js = jetstream::new(client);
        let stream = js
            .get_or_create_stream(stream::Config {
                name: format!("KV_{bucket}"),
                subjects: vec![format!("$KV.{bucket}.>")],
                max_messages_per_subject: 64,
                allow_rollup: true,
                deny_delete: true,
                allow_direct: true,
                discard: stream::DiscardPolicy::New,
                ..Default::default()
            })
            .await
            .map_err(|e| format!("{url}: bucket {bucket}: {e}"))?;
        Ok(ZoneBucket {
            js,
            stream,
            subject: format!("$KV.{bucket}.{KEY}"),
        })
    }

    /// Puts a zone set; returns its revision.
    pub async fn put(&self, files: Vec<ZoneFile>) -> Result<u64, String> {
        let body = serde_json::to_vec(&Value { files }).map_err(|e| e.to_string())?;
        let ack = self
            .js
            .publish(self.subject.clone(), body.into())
            .await
            .map_err(|e| e.to_string())?;
        Ok(ack.await.map_err(|e| e.to_string())?.sequence)
    }

    /// The latest zone set and its revision, if one was put.
    pub async fn latest(&self) -> Result<Option<(u64, Vec<ZoneFile>)>, String> {
        let Ok(message) = self
            .stream
            .get_last_raw_message_by_subject(&self.subject)
            .await
        else {
            return Ok(None);
        };
        let value: Value = serde_json::from_slice(&message.payload)
            .map_err(|e| format!("revision {}: not a zone set: {e}", message.sequence))?;
        Ok(Some((message.sequence, value.files)))
    }
}
