//! Key files: the log's and the witnesses' Ed25519 keys, in the C2SP signed-note text forms.
//!
//! A private key file holds one line `PRIVATE+KEY+<name>+<hex id>+<base64(0x01 ‖ seed)>` (the form
//! of Go's `golang.org/x/mod/sumdb/note`) and is created with mode 0600, never overwritten. A public
//! key file holds the verifier key `<name>+<hex id>+<base64(type ‖ key)>`: type 0x01 for a log,
//! 0x04 for a witness. Key files of nofly before December 2026 (64 hex digits) are still read;
//! their key is named [`default_name`].

use crate::note::{valid_name, NoteKey, NoteSigner, COSIGNATURE_V1, ED25519};
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

/// The name a key gets when none is chosen: `nofly/` and the first 4 bytes of SHA-256 of the
/// public key, in hex.
pub fn default_name(key: &VerifyingKey) -> String {
    format!(
        "nofly/{}",
        hex::encode(&Sha256::digest(key.as_bytes())[..4])
    )
}

/// Generates a key from the operating system's random source, named `name` or [`default_name`].
pub fn generate(name: Option<&str>) -> Result<NoteSigner, KeyError> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| KeyError {
        file: "(random source)".into(),
        reason: e.to_string(),
    })?;
    let key = SigningKey::from_bytes(&seed);
    let name = match name {
        Some(n) if valid_name(n) => n.to_string(),
        Some(n) => {
            return Err(KeyError {
                file: "(key name)".into(),
                reason: format!("{n:?} is not a key name: no spaces, no '+', not empty"),
            })
        }
        None => default_name(&key.verifying_key()),
    };
    Ok(NoteSigner { name, key })
}

/// Writes `<stem>.key` (mode 0600, refused if it exists) and `<stem>.pub` into `dir`; the public
/// key is written as a log's (type 0x01) or, with `witness`, as a witness's (type 0x04).
pub fn write_pair(
    dir: &Path,
    stem: &str,
    signer: &NoteSigner,
    witness: bool,
) -> Result<(PathBuf, PathBuf), KeyError> {
    let private = dir.join(format!("{stem}.key"));
    let public = dir.join(format!("{stem}.pub"));
    let err = |file: &Path, e: std::io::Error| KeyError {
        file: file.display().to_string(),
        reason: e.to_string(),
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut f = options.open(&private).map_err(|e| err(&private, e))?;
    f.write_all(format!("{}\n", signer.private_text()).as_bytes())
        .map_err(|e| err(&private, e))?;
    let kind = if witness { COSIGNATURE_V1 } else { ED25519 };
    std::fs::write(&public, format!("{}\n", signer.public(kind).vkey()))
        .map_err(|e| err(&public, e))?;
    Ok((private, public))
}

/// 32 bytes from 64 hex digits (the key files of nofly before December 2026).
fn legacy_hex(text: &str) -> Option<[u8; 32]> {
    hex::decode(text.trim()).ok()?.try_into().ok()
}

/// Reads a private key file.
pub fn read_signing_key(path: &Path) -> Result<NoteSigner, KeyError> {
    let err = |reason: String| KeyError {
        file: path.display().to_string(),
        reason,
    };
    let text = std::fs::read_to_string(path).map_err(|e| err(e.to_string()))?;
    if let Some(seed) = legacy_hex(&text) {
        let key = SigningKey::from_bytes(&seed);
        let name = default_name(&key.verifying_key());
        return Ok(NoteSigner { name, key });
    }
    NoteSigner::parse_private(&text).map_err(err)
}

/// Reads a public key: a verifier key given directly or in a file (either type), or a key file
/// of nofly before December 2026 (64 hex digits, taken as a log key named [`default_name`]).
pub fn read_verifying_key(path_or_text: &str) -> Result<NoteKey, KeyError> {
    let err = |reason: String| KeyError {
        file: path_or_text.into(),
        reason,
    };
    let text = if NoteKey::parse(path_or_text).is_ok() || legacy_hex(path_or_text).is_some() {
        path_or_text.to_string()
    } else {
        std::fs::read_to_string(path_or_text).map_err(|e| err(e.to_string()))?
    };
    if let Some(bytes) = legacy_hex(&text) {
        let key = VerifyingKey::from_bytes(&bytes)
            .map_err(|e| err(format!("not an Ed25519 public key: {e}")))?;
        return Ok(NoteKey {
            name: default_name(&key),
            kind: ED25519,
            key,
        });
    }
    NoteKey::parse(&text).map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_key_is_owner_only_and_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let signer = generate(Some("example.org/log")).unwrap();
        let (private, public) = write_pair(dir.path(), "nofly", &signer, false).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&private).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        let back = read_signing_key(&private).unwrap();
        assert_eq!(back.key.to_bytes(), signer.key.to_bytes());
        assert_eq!(back.name, "example.org/log");
        assert_eq!(
            read_verifying_key(public.to_str().unwrap()).unwrap(),
            signer.public(ED25519)
        );
        assert!(
            write_pair(dir.path(), "nofly", &signer, false).is_err(),
            "never overwrites a key"
        );
        assert!(generate(Some("has space")).is_err());
    }

    #[test]
    fn legacy_hex_key_files_still_read() {
        let dir = tempfile::tempdir().unwrap();
        let key = SigningKey::from_bytes(&[9; 32]);
        let private = dir.path().join("old.key");
        std::fs::write(&private, format!("{}\n", hex::encode(key.to_bytes()))).unwrap();
        let signer = read_signing_key(&private).unwrap();
        assert_eq!(signer.name, default_name(&key.verifying_key()));
        let public = hex::encode(key.verifying_key().as_bytes());
        assert_eq!(read_verifying_key(&public).unwrap(), signer.public(ED25519));
    }
}
