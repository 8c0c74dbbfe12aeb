//! C2SP tlog-checkpoint (c2sp.org/tlog-checkpoint): the body of a signed checkpoint, and C2SP
//! tlog-proof (c2sp.org/tlog-proof): an entry's index and inclusion proof with the checkpoint it
//! leads to.
//!
//! A checkpoint body is three lines: the origin (the log's key name), the tree size in decimal,
//! and the RFC 6962 root hash in base64. nofly writes no extension lines and carries no time:
//! time comes from witnesses and time-stamping authorities, so a log is byte-for-byte the same
//! every time the same data is replayed.

use crate::merkle::{Hash, EMPTY_ROOT};
use crate::note::{Note, NoteKey};
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;

/// The first line of a tlog-proof.
pub const PROOF_HEADER: &str = "c2sp.org/tlog-proof@v1";

/// What a checkpoint says: the log named `origin` had `size` entries with root `root`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checkpoint<'a> {
    /// The log's origin line (its key name).
    pub origin: &'a str,
    /// Entries covered.
    pub size: u64,
    /// RFC 6962 root of those entries.
    pub root: Hash,
}

/// A hash in base64, as checkpoints and proofs write hashes.
pub fn encode_hash(hash: &Hash) -> String {
    BASE64.encode(hash)
}

/// Decodes base64 that must be the canonical encoding of exactly 32 bytes.
pub fn decode_hash(text: &str) -> Option<Hash> {
    let bytes = BASE64.decode(text).ok()?;
    let hash: Hash = bytes.try_into().ok()?;
    (BASE64.encode(hash) == text).then_some(hash)
}

/// A decimal with no sign and no leading zero, as checkpoints and proofs write numbers.
pub fn parse_decimal(text: &str) -> Option<u64> {
    let canonical = !text.is_empty()
        && text.bytes().all(|b| b.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'));
    canonical.then(|| text.parse().ok()).flatten()
}

impl<'a> Checkpoint<'a> {
    /// The body text that is signed.
    pub fn body(&self) -> String {
        format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            BASE64.encode(self.root)
        )
    }

    /// Reads a checkpoint body; extension lines after the root are allowed and ignored.
    pub fn parse(body: &'a str) -> Result<Self, String> {
        let mut lines = body.split('\n');
        let origin = lines
            .next()
            .filter(|o| !o.is_empty())
            .ok_or("the checkpoint has no origin line")?;
        let size = lines
            .next()
            .and_then(parse_decimal)
            .ok_or("the checkpoint's second line is not a tree size in decimal")?;
        let root = lines
            .next()
            .and_then(decode_hash)
            .ok_or("the checkpoint's third line is not a base64 SHA-256 root hash")?;
        if size == 0 && root != EMPTY_ROOT {
            return Err("an empty tree's root is the SHA-256 of nothing".into());
        }
        Ok(Checkpoint { origin, size, root })
    }
}

/// A checkpoint note read and its log signature checked against `log`.
pub fn open_checkpoint<'a>(note: &'a Note, log: &NoteKey) -> Result<Checkpoint<'a>, String> {
    let c = Checkpoint::parse(&note.body)?;
    if c.origin != log.name {
        return Err(format!(
            "the checkpoint is of log {:?}, the trusted key is of {:?}",
            c.origin, log.name
        ));
    }
    note.signed_by(log)
        .ok_or_else(|| format!("no valid signature by the log's key {}", log.vkey()))?;
    Ok(c)
}

/// The note as the log signed it, before any cosignature: body, empty line, and the signature
/// line of `origin`. This is what RFC 3161 time-stamps cover.
pub fn log_signed_note(note: &Note, origin: &str) -> String {
    let own = note.signatures.iter().find(|s| s.name == origin);
    format!("{}\n{}", note.body, own.map_or("", |s| s.line.as_str()))
}

/// A parsed tlog-proof.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlogProof {
    /// Opaque extra data, if any.
    pub extra: Option<Vec<u8>>,
    /// Index of the entry.
    pub index: u64,
    /// The inclusion proof, bottom first.
    pub hashes: Vec<Hash>,
    /// The checkpoint note, with its signatures and cosignatures.
    pub checkpoint: Note,
}

impl TlogProof {
    /// The proof as text.
    pub fn text(&self) -> String {
        let mut out = format!("{PROOF_HEADER}\n");
        if let Some(extra) = &self.extra {
            out.push_str(&format!("extra {}\n", BASE64.encode(extra)));
        }
        out.push_str(&format!("index {}\n", self.index));
        for h in &self.hashes {
            out.push_str(&BASE64.encode(h));
            out.push('\n');
        }
        out.push('\n');
        out.push_str(&self.checkpoint.text());
        out
    }

    /// Reads a tlog-proof text.
    pub fn parse(text: &str) -> Result<Self, String> {
        let rest = text
            .strip_prefix(PROOF_HEADER)
            .and_then(|r| r.strip_prefix('\n'))
            .ok_or_else(|| format!("a tlog-proof starts with the line {PROOF_HEADER}"))?;
        let (head, checkpoint) = rest
            .split_once("\n\n")
            .ok_or("a tlog-proof has an empty line before its checkpoint")?;
        let mut lines = head.split('\n').peekable();
        let extra = match lines.peek().and_then(|l| l.strip_prefix("extra ")) {
            Some(b64) => {
                let data = BASE64
                    .decode(b64)
                    .map_err(|_| "the extra line is not base64")?;
                lines.next();
                Some(data)
            }
            None => None,
        };
        let index = lines
            .next()
            .and_then(|l| l.strip_prefix("index "))
            .and_then(parse_decimal)
            .ok_or("a tlog-proof names its entry with a line \"index N\"")?;
        let hashes = lines
            .map(|l| {
                decode_hash(l)
                    .ok_or_else(|| format!("proof line {l:?} is not a base64 SHA-256 hash"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        if hashes.len() > 63 {
            return Err("an inclusion proof has at most 63 hashes".into());
        }
        Ok(TlogProof {
            extra,
            index,
            hashes,
            checkpoint: Note::parse(checkpoint)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::note::ED25519;

    #[test]
    fn body_and_proof_round_trip_and_strict_numbers() {
        let body = Checkpoint {
            origin: "log.example/a",
            size: 20,
            root: [7; 32],
        }
        .body();
        assert_eq!(
            body,
            "log.example/a\n20\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\n"
        );
        assert_eq!(Checkpoint::parse(&body).unwrap().size, 20);
        for bad in [
            "log\n020\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\n",
            "log\n-1\nBw==\n",
            "\n1\n",
            "log\n0\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\n",
        ] {
            assert!(Checkpoint::parse(bad).is_err(), "{bad:?}");
        }
        let signer = crate::note::test_signer("log.example/a", 1);
        let note = Note::parse(&format!("{body}\n{}", signer.sign(&body))).unwrap();
        assert!(open_checkpoint(&note, &signer.public(ED25519)).is_ok());
        let proof = TlogProof {
            extra: None,
            index: 3,
            hashes: vec![[1; 32], [2; 32]],
            checkpoint: note,
        };
        assert_eq!(TlogProof::parse(&proof.text()).unwrap(), proof);
        let with_extra = TlogProof {
            extra: Some(b"x".to_vec()),
            ..proof.clone()
        };
        assert_eq!(TlogProof::parse(&with_extra.text()).unwrap(), with_extra);
        assert!(TlogProof::parse(&proof.text().replace("index 3", "index 03")).is_err());
    }
}
