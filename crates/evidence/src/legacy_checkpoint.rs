//! The checkpoints of nofly logs before December 2026 (`nofly evidence checkpoint v1`, with the
//! signer's wall-clock time), read only to migrate such logs to C2SP checkpoints
//! ([`crate::migrate_log`]).

use ed25519_dalek::{Signature, Verifier, VerifyingKey};
use sha2::{Digest, Sha256};

/// A v1 checkpoint as it was written in a log line.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LegacyCheckpoint {
    /// Number of entries covered.
    pub tree_size: u64,
    /// Merkle tree hash of those entries, hex.
    pub root_hash: String,
    /// When it was signed (wall clock, RFC 3339 UTC).
    pub time: String,
    /// First 8 bytes of SHA-256 of the signer's public key, hex.
    pub key_id: String,
    /// Ed25519 signature over [`LegacyCheckpoint::signed_text`], hex.
    pub signature: String,
}

/// The v1 key id of a public key.
pub fn legacy_key_id(key: &VerifyingKey) -> String {
    hex::encode(&Sha256::digest(key.as_bytes())[..8])
}

impl LegacyCheckpoint {
    /// The exact bytes that were signed.
    pub fn signed_text(&self) -> String {
        format!(
            "nofly evidence checkpoint v1\ntree_size {}\nroot_hash {}\ntime {}\nkey_id {}\n",
            self.tree_size, self.root_hash, self.time, self.key_id
        )
    }

    /// Checks the key id and the signature; says what is wrong otherwise.
    pub fn verify(&self, key: &VerifyingKey) -> Result<(), String> {
        if self.key_id != legacy_key_id(key) {
            return Err(format!(
                "signed by key {}, not by the given key {}",
                self.key_id,
                legacy_key_id(key)
            ));
        }
        let bytes: [u8; 64] = hex::decode(&self.signature)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or("the signature is not 64 bytes of hex")?;
        key.verify(
            self.signed_text().as_bytes(),
            &Signature::from_bytes(&bytes),
        )
        .map_err(|_| "the signature does not match the checkpoint".to_string())
    }
}
