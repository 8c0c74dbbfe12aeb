//! Signed checkpoints: a tree size and root hash, with the time they were signed and the key id,
//! signed with Ed25519.

use crate::keys::key_id;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};

/// A signed statement that the log had `tree_size` entries with root `root_hash`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Checkpoint {
    /// Number of entries covered.
    pub tree_size: u64,
    /// Merkle tree hash of those entries, hex.
    pub root_hash: String,
    /// When it was signed (wall clock, RFC 3339 UTC): the only non-deterministic part of a log.
    pub time: String,
    /// Key id of the signer.
    pub key_id: String,
    /// Ed25519 signature over [`Checkpoint::signed_text`], hex.
    pub signature: String,
}

impl Checkpoint {
    /// The exact bytes that are signed.
    pub fn signed_text(tree_size: u64, root_hash: &str, time: &str, key_id: &str) -> String {
        format!("nofly evidence checkpoint v1\ntree_size {tree_size}\nroot_hash {root_hash}\ntime {time}\nkey_id {key_id}\n")
    }

    /// Signs a checkpoint.
    pub fn sign(key: &SigningKey, tree_size: u64, root: &[u8; 32], time: &str) -> Self {
        let root_hash = hex::encode(root);
        let id = key_id(&key.verifying_key());
        let signature = key.sign(Self::signed_text(tree_size, &root_hash, time, &id).as_bytes());
        Checkpoint {
            tree_size,
            root_hash,
            time: time.to_string(),
            key_id: id,
            signature: hex::encode(signature.to_bytes()),
        }
    }

    /// Checks the key id and the signature; says what is wrong otherwise.
    pub fn verify(&self, key: &VerifyingKey) -> Result<(), String> {
        if self.key_id != key_id(key) {
            return Err(format!(
                "signed by key {}, not by the given key {}",
                self.key_id,
                key_id(key)
            ));
        }
        let bytes: [u8; 64] = hex::decode(&self.signature)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or("the signature is not 64 bytes of hex")?;
        key.verify(
            Self::signed_text(self.tree_size, &self.root_hash, &self.time, &self.key_id).as_bytes(),
            &Signature::from_bytes(&bytes),
        )
        .map_err(|_| "the signature does not match the checkpoint".to_string())
    }
}
