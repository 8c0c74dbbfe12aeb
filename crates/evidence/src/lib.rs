//! The nofly evidence log and evidence bundles.
#![deny(missing_docs)]

pub mod merkle;
