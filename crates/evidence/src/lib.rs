//! The nofly evidence log and evidence bundles: proof, for a party who trusts nobody, that an event
//! was found in the given data against the given zone by the given rules, and was not changed after.
//!
//! - [`merkle`]: the RFC 6962 / 9162 Merkle tree: root, inclusion and consistency proofs.
//! - [`note`]: C2SP signed notes, Ed25519 signatures and tlog-cosignatures.
//! - [`checkpoint`]: C2SP tlog-checkpoint bodies and tlog-proof texts.
//! - [`policy`]: which log, which witnesses and which quorum a verifier trusts.
//! - [`EvidenceLog`]: the append-only log of runs, zone versions and events (one canonical JSON
//!   object per line), with signed checkpoints, cosigned by witnesses through an [`Attestor`].
//! - [`keys`]: key files (private key mode 0600) in the signed-note text forms.
//! - [`build_bundle`] / [`verify_bundle`]: one event with its raw records, zone, run, tlog-proofs
//!   and time-stamps; verification re-runs the detection.
//! - [`verify_log`]: every checkpoint, every consistency proof and every event id of a log.
//! - [`corroboration`]: other receivers' signed excerpts in a bundle, and whether they agree.
//! - [`migrate_log`]: logs of the v1 format to C2SP checkpoints.
//! - [`witness`]: the C2SP tlog-witness protocol, for `nofly witness`.
//! - [`timestamp`]: RFC 3161 time-stamp requests and tokens.
//! - [`tiles`]: the log as C2SP tlog-tiles.
//!
//! ```
//! use nofly_evidence::merkle::{leaf_hash, root, inclusion_proof, verify_inclusion};
//! let leaves: Vec<_> = [b"a", b"b", b"c"].iter().map(|d| leaf_hash(*d)).collect();
//! let proof = inclusion_proof(2, &leaves);
//! assert!(verify_inclusion(2, 3, &leaves[2], &proof, &root(&leaves)));
//! ```
#![deny(missing_docs)]

mod bundle;
pub mod checkpoint;
pub mod corroboration;
pub mod keys;
mod legacy_checkpoint;
mod log;
pub mod merkle;
mod migrate;
pub mod note;
pub mod policy;
pub mod tiles;
pub mod timestamp;
mod verdict;
mod verify_log;
pub mod witness;

pub use bundle::{build_bundle, verify_bundle, Bundle, ProvenEntry, BUNDLE_FORMAT};
pub use log::{
    canonical, checkpoint_line, read_log, record_leaf, Attestation, Attestor, EvidenceLog,
    LogCheckpoint, LogContents, LogEntry, LogError, TimestampToken,
};
pub use migrate::migrate_log;
pub use verdict::{Check, Verdict};
pub use verify_log::{recompute_event_id, verify_log};

/// SHA-256 of a file's bytes, hex (one implementation, the sources crate's, for inputs and
/// bundles alike).
pub use nofly_sources::file_sha256;
