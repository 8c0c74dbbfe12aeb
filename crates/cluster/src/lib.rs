//! nofly beyond one machine, on NATS JetStream.
//!
//! - [`wire`]: how a report is encoded on the stream, which partition an aircraft belongs to, and
//!   the de-duplication id that makes the same message from two receivers count once;
//! - [`report_stream`]: the stream of reports, its subjects and retention limits;
//! - [`publisher`]: the ingester's side, publishing with acknowledgements;
//! - [`partition_consumer`]: the worker's side, durable pull consumers per partition, state
//!   rebuilt from the stream at start, acknowledgement after the events are stored;
//! - [`zone_bucket`]: zone sets distributed through a key-value bucket with revisions.
//!
//! ```
//! use nofly_cluster::wire::{decode, encode, partition};
//! use nofly_model::{EventTime, Icao24, Report, SourceRef};
//! let r = Report::new(EventTime::from_millis(1_000), Icao24(0x424396), SourceRef::default());
//! assert_eq!(decode(&encode(&r)).unwrap(), r);
//! assert!(partition(r.icao, 4) < 4);
//! ```
#![deny(missing_docs)]

pub mod partition_consumer;
pub mod publisher;
pub mod report_stream;
pub mod wire;
pub mod zone_bucket;

pub use partition_consumer::{Batch, ConsumerSpec, PartitionReader};
pub use publisher::Publisher;
pub use report_stream::StreamSpec;
