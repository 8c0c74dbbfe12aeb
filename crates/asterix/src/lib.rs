//! A decoder of EUROCONTROL ASTERIX surveillance data, with no I/O: the radar plots (CAT048), radar
//! service messages (CAT034), system tracks (CAT062), ADS-B reports (CAT021) and SDPS status
//! messages (CAT065) a watch floor receives.
//!
//! - [`blocks`] splits a datagram or a file of data blocks; [`records`] reads a block's records
//!   with the edition [`Editions`] chooses for its category (each category in several editions,
//!   generated from the published definitions, `layouts.rs`).
//! - [`interpret`] reads what a record says ([`Message`]): a [`Target`] in nofly's units, a
//!   radar's [`RadarService`] message with its [`Site`], an [`SdpsStatus`].
//! - [`plot_position`] places a polar CAT048 plot with its radar's site.
//!
//! Malformed data is an error naming the byte and the item ([`DecodeError`]), never a panic.
//! The rules are in `docs/sensors.md`.
#![deny(missing_docs)]

mod bits;
mod cat021;
mod cat034;
mod cat048;
mod cat062;
mod cat065;
mod editions;
mod layout;
mod layouts;
mod message;
mod polar;
mod record;
#[cfg(test)]
mod synthetic;

pub use editions::{Editions, MAX_SOURCE_EDITIONS};
pub use layout::{Edition, Uap};
pub use message::{
    interpret, Message, Position, RadarService, SdpsStatus, Site, Target, TargetKind,
};
pub use polar::plot_position;
pub use record::{blocks, records, Block, DecodeError, Record};
