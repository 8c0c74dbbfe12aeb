//! Input sources for nofly: everything that turns recorded or live surveillance data into
//! [`Report`]s.
//!
//! - ASTERIX recordings (pcap, pcapng or raw data blocks) through `nofly-asterix`, with
//!   [`AsterixOptions`]: editions per source and radar sites ([`RadarSites`]).
//! - [`Format`] and [`sniff`]: which format a file is in (`--format auto`).
//! - [`read_file`]: SBS/BaseStation text, OpenSky state vectors as CSV or Parquet, gzip or not, with
//!   a [`ReadStats`] that counts what was skipped and keeps the first few [`RecordError`]s.
//! - [`SbsParser`]: one SBS line at a time, for files and for the live client.
//! - [`live_feed`]: a reconnecting TCP client for `sbs://`, `beast://` and `avr://HOST:PORT`.
//! - [`MergedInputs`]: many inputs as one stream in event time, each read on its own thread
//!   through a bounded reorder window ([`MergeSettings`]), in memory bounded by the window.
//! - [`sort_reports`]: puts recorded reports in event-time order, ties in input order.
//! - [`extract_raw`] and [`decode_raw`]: raw records of one aircraft, byte for byte, for evidence.
//!
//! ```
//! use nofly_sources::{SbsParser, SbsClock};
//! use nofly_model::SourceRef;
//! let mut parser = SbsParser::new(SbsClock::CarryForward { start: Default::default() });
//! let line = "MSG,3,1,1,4B1908,1,2026/11/25,16:14:24.937,2026/11/25,16:14:26.921,,2525,,,33.96693,-118.25598,,,0,0,0,0";
//! let report = parser.parse_line(line, SourceRef { input: 0, record: 1 }).unwrap().unwrap();
//! assert_eq!(report.icao.to_string(), "4b1908");
//! assert_eq!(report.time.to_rfc3339(), "2026-11-25T16:14:24.937Z");
//! assert_eq!(report.position, Some((33.96693, -118.25598)));
//! ```
#![deny(missing_docs)]

mod asterix_capture;
mod asterix_feed;
mod file_input;
mod format;
mod live_feed;
mod merged_inputs;
mod modes_feed;
mod opensky_csv;
mod opensky_parquet;
mod ordering;
mod plot_tracks;
mod raw_records;
mod readsb_json;
mod record_error;
mod reorder;
mod sbs;
mod unpacking;

pub use asterix_feed::{
    decode_asterix, AsterixOptions, AsterixRecord, RadarSites, MAX_RADAR_SITES,
};
pub use file_input::{
    file_sha256, input_start, read_file, read_file_with, read_parquet_bytes, read_text,
    write_atomically, FileError, InputStart,
};
pub use format::{sniff, Format};
pub use live_feed::{live_feed, parse_live_url, wall_clock, LiveEvent, LiveProtocol};
pub use merged_inputs::{
    InputOutcome, MergePosition, MergeSettings, MergedInputs, BATCH as MERGE_BATCH,
};
pub use modes_feed::{
    avr_line, hex_line, read_modes_messages, BeastFramer, BeastStats, FrameDecoder, ModesOptions,
    RawFrame,
};
pub use nofly_asterix::Editions as AsterixEditions;
pub use nofly_model::Report;
pub use nofly_modes::{Message, Repair};
pub use opensky_parquet::row_count as parquet_row_count;
pub use ordering::sort_reports;
pub use raw_records::{decode_raw, extract_raw, RawExtract, RawRecord};
pub use record_error::{ReadStats, RecordError};
pub use sbs::{SbsClock, SbsParser};
