//! Mode S and ADS-B decoding for nofly, with no I/O.
#![deny(missing_docs)]

pub mod altitude;
pub mod cpr;
pub mod crc;
mod message;
mod tracker;

pub use message::{decode, DecodeError, Message, Repair};
pub use tracker::{Tracked, Tracker};
