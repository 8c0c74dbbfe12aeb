//! Ed25519 key pairs for signing checkpoints: generation, files, fingerprints.
//!
//! Files are one line of lowercase hex each: the 32-byte private seed (`nofly.key`, created with
//! mode 0600) and the 32-byte public key (`nofly.pub`). The key id is the first 8 bytes of SHA-256
//! over the public key, in hex.

use ed25519_dalek::{SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};

/// A key file that cannot be read or written.
#[derive(Debug, thiserror::Error)]
#[error("{file}: {reason}")]
pub struct KeyError {
    /// The file.
    pub file: String,
    /// What is wrong.
    pub reason: String,
}

/// The key id (fingerprint) of a public key.
pub fn key_id(key: &VerifyingKey) -> String {
    hex::encode(&Sha256::digest(key.as_bytes())[..8])
}

/// Generates a key pair from the operating system's random source.
pub fn generate() -> Result<SigningKey, KeyError> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| KeyError {
        file: "(random source)".into(),
        reason: e.to_string(),
    })?;
    Ok(SigningKey::from_bytes(&seed))
}

/// Writes `nofly.key` (mode 0600, refused if it exists) and `nofly.pub` into `dir`; returns both paths.
pub fn write_pair(dir: &Path, key: &SigningKey) -> Result<(PathBuf, PathBuf), KeyError> {
    let private = dir.join("nofly.key");
    let public = dir.join("nofly.pub");
    let err = |file: &Path, e: std::io::Error| KeyError {
        file: file.display().to_string(),
        reason: e.to_string(),
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut f = options.open(&private).map_err(|e| err(&private, e))?;
    f.write_all(format!("{}\n", hex::encode(key.to_bytes())).as_bytes())
        .map_err(|e| err(&private, e))?;
    std::fs::write(
        &public,
        format!("{}\n", hex::encode(key.verifying_key().as_bytes())),
    )
    .map_err(|e| err(&public, e))?;
    Ok((private, public))
}

fn read_hex32(path: &Path) -> Result<[u8; 32], KeyError> {
    let err = |reason: String| KeyError {
        file: path.display().to_string(),
        reason,
    };
    let text = std::fs::read_to_string(path).map_err(|e| err(e.to_string()))?;
    let bytes = hex::decode(text.trim()).map_err(|_| err("not a hex key".into()))?;
    bytes
        .try_into()
        .map_err(|_| err("a key is 32 bytes (64 hex digits)".into()))
}

/// Reads a private key file.
pub fn read_signing_key(path: &Path) -> Result<SigningKey, KeyError> {
    Ok(SigningKey::from_bytes(&read_hex32(path)?))
}

/// Reads a public key from a file, or takes it from 64 hex digits given directly.
pub fn read_verifying_key(path_or_hex: &str) -> Result<VerifyingKey, KeyError> {
    let bytes = match hex::decode(path_or_hex.trim()) {
        Ok(b) if b.len() == 32 => b.try_into().expect("32 bytes"),
        _ => read_hex32(Path::new(path_or_hex))?,
    };
    VerifyingKey::from_bytes(&bytes).map_err(|e| KeyError {
        file: path_or_hex.into(),
        reason: format!("not an Ed25519 public key: {e}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_key_is_owner_only_and_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let key = generate().unwrap();
        let (private, public) = write_pair(dir.path(), &key).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&private).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        assert_eq!(
            read_signing_key(&private).unwrap().to_bytes(),
            key.to_bytes()
        );
        assert_eq!(
            read_verifying_key(public.to_str().unwrap()).unwrap(),
            key.verifying_key()
        );
        assert!(
            write_pair(dir.path(), &key).is_err(),
            "never overwrites a key"
        );
        assert_eq!(key_id(&key.verifying_key()).len(), 16);
    }
}
