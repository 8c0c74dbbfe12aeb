//! Mode S and ADS-B decoding for nofly, with no I/O.
#![deny(missing_docs)]

pub mod altitude;
pub mod cpr;
pub mod crc;
mod hex;
pub mod integrity;
mod message;
mod tracker;

pub use hex::{frame_from_hex, hex_to_bytes};
pub use message::{decode, DecodeError, Message, Repair};
pub use tracker::{Tracked, Tracker};
