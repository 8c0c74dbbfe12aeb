//! Where nofly's events go.
//!
//! - [`JsonLinesSink`]: one JSON object per event and line, field order fixed, so that the same
//!   input gives byte-identical output.
//! - [`SqliteStore`]: the embedded default store: runs (inputs' hashes, zone-set hash, settings,
//!   program version), zone versions, events (deduplicated by their deterministic id) and
//!   per-aircraft track summaries.
//! - [`PostgresStore`]: zone versions and events in PostgreSQL (PostGIS position when available),
//!   idempotent, for workers on several machines.
//! - [`DeliverySink`]: webhook (HTTP POST), NATS JetStream, MQTT or Cursor-on-Target delivery of each event through an
//!   on-disk spool, so that a receiver that is down loses nothing; [`EventFilter`] chooses the
//!   events a sink takes; a [`Template`] makes a webhook's headers and body (ntfy, Discord,
//!   Telegram, any HTTP API); [`AlertRules`], read from a rule file, send each event to the alert
//!   sinks whose named rules match it.
//!
//! ```
//! use nofly_sinks::JsonLinesSink;
//! let mut out = Vec::new();
//! let sink = JsonLinesSink::new(&mut out);
//! assert_eq!(sink.written(), 0);
//! ```
#![deny(missing_docs)]

mod alert_rules;
mod cot;
mod delivery;
mod event_filter;
mod json_lines;
mod mqtt;
mod postgres_store;
mod sqlite_store;
mod template;

pub use alert_rules::{AlertRule, AlertRules, ALERT_SINKS};
pub use cot::cot_xml;
pub use delivery::{DeliverySink, SharedRules, Transport};
pub use event_filter::EventFilter;
pub use json_lines::JsonLinesSink;
pub use mqtt::parse_mqtt_url;
pub use postgres_store::PostgresStore;
pub use sqlite_store::{InputRecord, RunRecord, SqliteStore, StoreError, TrackRecord};
pub use template::{summary, Template, TemplateError, EVENT_FIELDS};
