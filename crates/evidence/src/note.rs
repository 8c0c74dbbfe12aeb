//! C2SP signed notes (c2sp.org/signed-note) with Ed25519 signatures, and C2SP tlog-cosignature
//! (c2sp.org/tlog-cosignature) Ed25519 cosignatures: the envelope of every checkpoint.
//!
//! Written here rather than taken from a crate: the crates that exist (`signed_note`,
//! `tlog_tiles`) are what the test suite uses as *independent* verifiers of what nofly writes, so
//! nofly must not share their code; the format is small and fully specified.
//!
//! A note is a body of `\n`-terminated lines, an empty line, then one or more signature lines
//! `— <name> <base64(key id ‖ signature)>\n`. Verifier keys are written `<name>+<hex key id>+<base64(type ‖
//! public key)>`: type 0x01 signs notes (a log), type 0x04 cosigns checkpoints (a witness).

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use sha2::{Digest, Sha256};

/// The signature type of an Ed25519 note signature (a log's key).
pub const ED25519: u8 = 0x01;
/// The signature type of an Ed25519 checkpoint cosignature (a witness's key).
pub const COSIGNATURE_V1: u8 = 0x04;
/// What starts every signature line: an em dash and a space.
const DASH: &str = "\u{2014} ";

/// Whether `name` is a valid key name: non-empty, no whitespace, no `+`.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty() && !name.contains('+') && !name.chars().any(char::is_whitespace)
}

/// The 4-byte key id of a key: SHA-256(name ‖ "\n" ‖ type ‖ public key), first 4 bytes.
pub fn key_id(name: &str, kind: u8, key: &VerifyingKey) -> [u8; 4] {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update(b"\n");
    h.update([kind]);
    h.update(key.as_bytes());
    let digest = h.finalize();
    [digest[0], digest[1], digest[2], digest[3]]
}

/// A public key that checks signatures of one name and type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteKey {
    /// The key's name (a log's origin, a witness's name).
    pub name: String,
    /// [`ED25519`] or [`COSIGNATURE_V1`].
    pub kind: u8,
    /// The Ed25519 key.
    pub key: VerifyingKey,
}

impl NoteKey {
    /// The key's 4-byte id.
    pub fn id(&self) -> [u8; 4] {
        key_id(&self.name, self.kind, &self.key)
    }

    /// The verifier key text `<name>+<hex id>+<base64(type ‖ key)>`.
    pub fn vkey(&self) -> String {
        let mut raw = vec![self.kind];
        raw.extend_from_slice(self.key.as_bytes());
        format!(
            "{}+{}+{}",
            self.name,
            hex::encode(self.id()),
            BASE64.encode(raw)
        )
    }

    /// Reads a verifier key, checking that its id matches its name and key.
    pub fn parse(vkey: &str) -> Result<Self, String> {
        let vkey = vkey.trim();
        let mut parts = vkey.splitn(3, '+');
        let (Some(name), Some(id), Some(key)) = (parts.next(), parts.next(), parts.next()) else {
            return Err("a verifier key is <name>+<hex key id>+<base64 key>".into());
        };
        if !valid_name(name) {
            return Err(format!("{name:?} is not a key name"));
        }
        let raw = BASE64
            .decode(key)
            .map_err(|_| "the key part is not base64".to_string())?;
        let (&kind, public) = raw.split_first().ok_or("the key part is empty")?;
        if kind != ED25519 && kind != COSIGNATURE_V1 {
            return Err(format!(
                "key type 0x{kind:02x} is not Ed25519 (0x01) nor an Ed25519 cosignature key (0x04)"
            ));
        }
        let public: [u8; 32] = public
            .try_into()
            .map_err(|_| "an Ed25519 key is 32 bytes".to_string())?;
        let key =
            VerifyingKey::from_bytes(&public).map_err(|e| format!("not an Ed25519 key: {e}"))?;
        let parsed = NoteKey {
            name: name.into(),
            kind,
            key,
        };
        if hex::encode(parsed.id()) != id.to_ascii_lowercase() {
            return Err(format!(
                "key id {id} does not match the name and key (they give {})",
                hex::encode(parsed.id())
            ));
        }
        Ok(parsed)
    }

    /// Checks one signature line's signature over `body`. For a log key that is all; for a
    /// cosignature key the signature also carries the witness's time, returned in seconds.
    pub fn check(&self, body: &str, signature: &NoteSignature) -> Option<u64> {
        if signature.name != self.name || signature.id != self.id() {
            return None;
        }
        match self.kind {
            ED25519 => {
                let sig: [u8; 64] = signature.bytes.as_slice().try_into().ok()?;
                self.key
                    .verify(body.as_bytes(), &Signature::from_bytes(&sig))
                    .ok()
                    .map(|()| 0)
            }
            _ => {
                let (time, sig) = signature.bytes.split_at_checked(8)?;
                let time = u64::from_be_bytes(time.try_into().ok()?);
                let sig: [u8; 64] = sig.try_into().ok()?;
                self.key
                    .verify(
                        cosigned_message(body, time).as_bytes(),
                        &Signature::from_bytes(&sig),
                    )
                    .ok()
                    .map(|()| time)
            }
        }
    }
}

/// The bytes a witness signs: "cosignature/v1\ntime <seconds>\n" and the checkpoint body.
fn cosigned_message(body: &str, time: u64) -> String {
    format!("cosignature/v1\ntime {time}\n{body}")
}

/// A private key with its name: signs notes as a log, or cosigns checkpoints as a witness.
#[derive(Clone)]
pub struct NoteSigner {
    /// The key's name.
    pub name: String,
    /// The Ed25519 key.
    pub key: SigningKey,
}

impl std::fmt::Debug for NoteSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "NoteSigner({})", self.name)
    }
}

impl NoteSigner {
    /// The public key of this signer, as a log ([`ED25519`]) or witness ([`COSIGNATURE_V1`]).
    pub fn public(&self, kind: u8) -> NoteKey {
        NoteKey {
            name: self.name.clone(),
            kind,
            key: self.key.verifying_key(),
        }
    }

    /// The signature line of a note with this body, as a log signs it.
    pub fn sign(&self, body: &str) -> String {
        let mut raw = self.public(ED25519).id().to_vec();
        raw.extend_from_slice(&self.key.sign(body.as_bytes()).to_bytes());
        format!("{DASH}{} {}\n", self.name, BASE64.encode(raw))
    }

    /// The cosignature line of a checkpoint with this body at `time` (seconds), as a witness signs it.
    pub fn cosign(&self, body: &str, time: u64) -> String {
        let mut raw = self.public(COSIGNATURE_V1).id().to_vec();
        raw.extend_from_slice(&time.to_be_bytes());
        raw.extend_from_slice(
            &self
                .key
                .sign(cosigned_message(body, time).as_bytes())
                .to_bytes(),
        );
        format!("{DASH}{} {}\n", self.name, BASE64.encode(raw))
    }

    /// The private key text of Go's `golang.org/x/mod/sumdb/note`:
    /// `PRIVATE+KEY+<name>+<hex id>+<base64(0x01 ‖ seed)>`.
    pub fn private_text(&self) -> String {
        let mut raw = vec![ED25519];
        raw.extend_from_slice(&self.key.to_bytes());
        format!(
            "PRIVATE+KEY+{}+{}+{}",
            self.name,
            hex::encode(self.public(ED25519).id()),
            BASE64.encode(raw)
        )
    }

    /// Reads a private key text written by [`NoteSigner::private_text`] (or by Go's `note.GenerateKey`).
    pub fn parse_private(text: &str) -> Result<Self, String> {
        let rest = text
            .trim()
            .strip_prefix("PRIVATE+KEY+")
            .ok_or("a private key starts with PRIVATE+KEY+")?;
        let mut parts = rest.splitn(3, '+');
        let (Some(name), Some(id), Some(key)) = (parts.next(), parts.next(), parts.next()) else {
            return Err("a private key is PRIVATE+KEY+<name>+<hex key id>+<base64 key>".into());
        };
        let raw = BASE64
            .decode(key)
            .map_err(|_| "the key part is not base64".to_string())?;
        let seed: [u8; 32] = match raw.split_first() {
            Some((&ED25519, seed)) => seed
                .try_into()
                .map_err(|_| "an Ed25519 private key is 32 bytes".to_string())?,
            _ => return Err("not an Ed25519 (type 0x01) private key".into()),
        };
        if !valid_name(name) {
            return Err(format!("{name:?} is not a key name"));
        }
        let signer = NoteSigner {
            name: name.into(),
            key: SigningKey::from_bytes(&seed),
        };
        if hex::encode(signer.public(ED25519).id()) != id.to_ascii_lowercase() {
            return Err(format!("key id {id} does not match the name and key"));
        }
        Ok(signer)
    }
}

/// One signature line of a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteSignature {
    /// The signer's name.
    pub name: String,
    /// The signer's key id.
    pub id: [u8; 4],
    /// The signature bytes after the key id.
    pub bytes: Vec<u8>,
    /// The line as written, with its newline.
    pub line: String,
}

/// A signed note split into its body and its signature lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// The text that is signed, every line `\n`-terminated.
    pub body: String,
    /// The signatures, in order.
    pub signatures: Vec<NoteSignature>,
}

impl Note {
    /// Parses a note: a body, an empty line, then signature lines, the text ending in `\n`.
    pub fn parse(text: &str) -> Result<Self, String> {
        if !text.ends_with('\n') {
            return Err("a note ends with a newline".into());
        }
        let split = text
            .rfind("\n\n")
            .ok_or("a note has an empty line between its text and its signatures")?;
        let (body, signatures) = (&text[..split + 1], &text[split + 2..]);
        if body.chars().any(|c| c.is_control() && c != '\n') {
            return Err("the note's text holds control characters".into());
        }
        let mut parsed = Vec::new();
        for line in signatures.split_inclusive('\n') {
            let rest = line
                .strip_prefix(DASH)
                .ok_or_else(|| format!("signature line {line:?} does not start with \"— \""))?;
            let (name, sig) = rest
                .trim_end_matches('\n')
                .split_once(' ')
                .ok_or_else(|| format!("signature line {line:?} has no signature"))?;
            if !valid_name(name) {
                return Err(format!("{name:?} is not a key name"));
            }
            let raw = BASE64
                .decode(sig)
                .map_err(|_| format!("the signature of {name} is not base64"))?;
            if raw.len() < 5 {
                return Err(format!("the signature of {name} is too short"));
            }
            parsed.push(NoteSignature {
                name: name.into(),
                id: [raw[0], raw[1], raw[2], raw[3]],
                bytes: raw[4..].to_vec(),
                line: line.into(),
            });
        }
        if parsed.is_empty() {
            return Err("the note has no signature".into());
        }
        Ok(Note {
            body: body.into(),
            signatures: parsed,
        })
    }

    /// The note as text: body, empty line, signature lines.
    pub fn text(&self) -> String {
        let mut text = format!("{}\n", self.body);
        for s in &self.signatures {
            text.push_str(&s.line);
        }
        text
    }

    /// The first signature that `key` verifies, with the time it carries (0 for a log signature).
    pub fn signed_by(&self, key: &NoteKey) -> Option<(&NoteSignature, u64)> {
        self.signatures
            .iter()
            .find_map(|s| key.check(&self.body, s).map(|t| (s, t)))
    }

    /// Adds signature lines (a witness's answer), skipping any the note already holds.
    pub fn add_signature_lines(&mut self, lines: &str) -> Result<(), String> {
        let extra = Note::parse(&format!("x\n\n{lines}"))?;
        for s in extra.signatures {
            if !self.signatures.iter().any(|t| t.line == s.line) {
                self.signatures.push(s);
            }
        }
        Ok(())
    }
}

/// A signer with a fixed key, for tests.
#[cfg(test)]
pub(crate) fn test_signer(name: &str, seed: u8) -> NoteSigner {
    NoteSigner {
        name: name.into(),
        key: SigningKey::from_bytes(&[seed; 32]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signer(name: &str, seed: u8) -> NoteSigner {
        test_signer(name, seed)
    }

    #[test]
    fn go_sumdb_note_example_key_reads_and_signs_as_published() {
        // The example key pair of golang.org/x/mod/sumdb/note's documentation.
        let private =
            "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
        let public = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
        let s = NoteSigner::parse_private(private).unwrap();
        assert_eq!(s.public(ED25519).vkey(), public);
        assert_eq!(s.private_text(), private);
        // The documented signed note, signature included (Ed25519 is deterministic).
        let body = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
        assert_eq!(
            s.sign(body),
            "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
        );
        let note = Note::parse(&format!("{body}\n{}", s.sign(body))).unwrap();
        assert!(note.signed_by(&NoteKey::parse(public).unwrap()).is_some());
    }

    #[test]
    fn cosignatures_carry_their_time_and_bind_the_body() {
        let w = signer("witness.example/w1", 7);
        let body = "log.example\n5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";
        let log = signer("log.example", 1);
        let mut note = Note::parse(&format!("{body}\n{}", log.sign(body))).unwrap();
        note.add_signature_lines(&w.cosign(body, 1_700_000_000))
            .unwrap();
        let wkey = NoteKey::parse(&w.public(COSIGNATURE_V1).vkey()).unwrap();
        assert_eq!(note.signed_by(&wkey).map(|(_, t)| t), Some(1_700_000_000));
        // The same key as a log key (type 0x01) has another id and does not check the cosignature.
        assert!(note.signed_by(&w.public(ED25519)).is_none());
        let again = Note::parse(&note.text()).unwrap();
        assert_eq!(again, note);
        let other = Note::parse(&note.text().replace("\n5\n", "\n6\n")).unwrap();
        assert!(other.signed_by(&wkey).is_none());
        assert!(other.signed_by(&log.public(ED25519)).is_none());
    }

    #[test]
    fn malformed_notes_and_keys_are_refused() {
        for bad in [
            "",
            "no signature\n",
            "body\n\n",
            "body\n\n— name\n",
            "body\n\n- name AAAAAAAA\n",
            "body\n\n— name !!!!\n",
            "body\n\n— na+me AAAAAAAA\n",
            "body\n\n— name AAAAAAAA",
        ] {
            assert!(Note::parse(bad).is_err(), "{bad:?}");
        }
        let good = signer("a", 3).public(ED25519).vkey();
        assert!(NoteKey::parse(&good).is_ok());
        for bad in [
            good.replacen("a+", "b+", 1),
            good.replace('+', "-"),
            format!("{}x", &good[..good.len() - 2]),
            "a+00000000+AQ==".into(),
        ] {
            assert!(NoteKey::parse(&bad).is_err(), "{bad}");
        }
    }
}
