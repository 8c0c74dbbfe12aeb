//! A C2SP tlog-witness (c2sp.org/tlog-witness): it remembers the latest checkpoint it cosigned
//! for each log it knows, and cosigns a new checkpoint only when a consistency proof shows that the
//! new tree extends the old one. A log that shows two histories (a split view) cannot get both
//! cosigned by the same witness, so a quorum of honest witnesses exposes it.
//!
//! This module is the protocol without HTTP: [`Witness::add_checkpoint`] takes the request body
//! of `POST <prefix>/add-checkpoint` and gives the response. Its state is written to disk
//! (temporary file, fsync, rename, fsync of the folder) before any cosignature is returned.

use crate::checkpoint::{decode_hash, parse_decimal, Checkpoint};
use crate::merkle::{verify_consistency, Hash};
use crate::note::{Note, NoteKey, NoteSigner, COSIGNATURE_V1};
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Why a request was refused: the HTTP status, the body, and whether it is a size conflict
/// (answered with `Content-Type: text/x.tlog.size`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// HTTP status.
    pub status: u16,
    /// Response body.
    pub body: String,
    /// The body is the witness's known size (409).
    pub size_conflict: bool,
}

fn refuse(status: u16, why: impl Into<String>) -> Refusal {
    Refusal {
        status,
        body: format!("{}\n", why.into()),
        size_conflict: false,
    }
}

/// What the witness knows of one log.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct Known {
    size: u64,
    /// Root hash, base64.
    root: String,
    /// The latest checkpoint it cosigned, as received.
    checkpoint: String,
}

/// A witness: its key, the logs it witnesses and its durable state.
pub struct Witness {
    signer: NoteSigner,
    logs: Vec<NoteKey>,
    state_path: PathBuf,
    state: Mutex<BTreeMap<String, Known>>,
}

impl Witness {
    /// A witness signing with `signer`, for the logs whose keys are given, keeping its state in
    /// `state_path` (read if it exists).
    pub fn open(signer: NoteSigner, logs: Vec<NoteKey>, state_path: &Path) -> Result<Self, String> {
        let state = match std::fs::read_to_string(state_path) {
            Ok(text) => serde_json::from_str(&text)
                .map_err(|e| format!("{}: not a witness state file: {e}", state_path.display()))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => BTreeMap::new(),
            Err(e) => return Err(format!("{}: {e}", state_path.display())),
        };
        Ok(Witness {
            signer,
            logs,
            state_path: state_path.to_path_buf(),
            state: Mutex::new(state),
        })
    }

    /// The witness's cosignature verifier key.
    pub fn vkey(&self) -> String {
        self.signer.public(COSIGNATURE_V1).vkey()
    }

    /// The tree size the witness last cosigned for `origin` (0 if none).
    pub fn known_size(&self, origin: &str) -> u64 {
        let state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state.get(origin).map_or(0, |k| k.size)
    }

    /// Handles an add-checkpoint request body at `now` (seconds since 1970): the cosignature
    /// line, or why not.
    pub fn add_checkpoint(&self, request: &str, now: u64) -> Result<String, Refusal> {
        let (head, note_text) = request
            .split_once("\n\n")
            .ok_or_else(|| refuse(400, "the request has no empty line before the checkpoint"))?;
        let mut lines = head.split('\n');
        let old = lines
            .next()
            .and_then(|l| l.strip_prefix("old "))
            .and_then(parse_decimal)
            .ok_or_else(|| refuse(400, "the first line is \"old N\""))?;
        let proof: Vec<Hash> = lines
            .map(|l| {
                decode_hash(l)
                    .ok_or_else(|| refuse(400, format!("proof line {l:?} is not a base64 hash")))
            })
            .collect::<Result<_, _>>()?;
        if proof.len() > 63 {
            return Err(refuse(400, "a consistency proof has at most 63 hashes"));
        }
        let note =
            Note::parse(note_text).map_err(|e| refuse(400, format!("the checkpoint: {e}")))?;
        let c = Checkpoint::parse(&note.body)
            .map_err(|e| refuse(400, format!("the checkpoint: {e}")))?;
        let keys: Vec<&NoteKey> = self.logs.iter().filter(|k| k.name == c.origin).collect();
        if keys.is_empty() {
            return Err(refuse(404, format!("unknown log {}", c.origin)));
        }
        if !keys.iter().any(|k| note.signed_by(k).is_some()) {
            return Err(refuse(403, "no valid signature by the log's key"));
        }
        if old > c.size {
            return Err(refuse(
                400,
                format!("old size {old} is larger than the checkpoint's {}", c.size),
            ));
        }
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let known = state.get(c.origin);
        let known_size = known.map_or(0, |k| k.size);
        if old != known_size {
            return Err(Refusal {
                status: 409,
                body: format!("{known_size}\n"),
                size_conflict: true,
            });
        }
        if let Some(k) = known {
            let known_root =
                decode_hash(&k.root).ok_or_else(|| refuse(500, "the witness state is damaged"))?;
            if c.size == k.size {
                if !proof.is_empty() || c.root != known_root {
                    return Err(refuse(422, format!(
                        "a different tree of {} entries was already cosigned: the log shows two histories",
                        c.size
                    )));
                }
            } else if !verify_consistency(k.size, c.size, &known_root, &c.root, &proof) {
                return Err(refuse(
                    422,
                    format!(
                        "the consistency proof from {} to {} entries does not hold",
                        k.size, c.size
                    ),
                ));
            }
        } else if !proof.is_empty() {
            return Err(refuse(422, "a proof from an empty tree is empty"));
        }
        let mut next = state.clone();
        next.insert(
            c.origin.to_string(),
            Known {
                size: c.size,
                root: BASE64.encode(c.root),
                checkpoint: note_text.to_string(),
            },
        );
        persist(&self.state_path, &next)
            .map_err(|e| refuse(500, format!("the witness cannot store its state: {e}")))?;
        *state = next;
        Ok(self.signer.cosign(&note.body, now))
    }
}

/// Writes the state so that a crash leaves either the old or the new file, never half of one.
fn persist(path: &Path, state: &BTreeMap<String, Known>) -> std::io::Result<()> {
    let text = serde_json::to_string_pretty(state).map_err(std::io::Error::other)?;
    nofly_sources::write_atomically(path, text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::merkle::{consistency_proof, leaf_hash, root};

    fn note(log: &NoteSigner, leaves: &[Hash]) -> String {
        let body = Checkpoint {
            origin: &log.name,
            size: leaves.len() as u64,
            root: root(leaves),
        }
        .body();
        format!("{body}\n{}", log.sign(&body))
    }

    fn request(old: u64, proof: &[Hash], note: &str) -> String {
        let mut r = format!("old {old}\n");
        for h in proof {
            r.push_str(&format!("{}\n", BASE64.encode(h)));
        }
        format!("{r}\n{note}")
    }

    #[test]
    fn the_protocol_s_answers_and_a_restart_keeps_the_state() {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("w.json");
        let log = crate::note::test_signer("log.example", 1);
        let wkey = crate::note::test_signer("w.example", 2);
        let logs = vec![log.public(crate::note::ED25519)];
        let w = Witness::open(wkey.clone(), logs.clone(), &state).unwrap();
        let leaves: Vec<Hash> = (0..10u8).map(|i| leaf_hash(&[i])).collect();
        let fork: Vec<Hash> = (0..10u8).map(|i| leaf_hash(&[i, 1])).collect();

        let cosig = w
            .add_checkpoint(&request(0, &[], &note(&log, &leaves[..4])), 1000)
            .unwrap();
        let mut cosigned = Note::parse(&note(&log, &leaves[..4])).unwrap();
        cosigned.add_signature_lines(&cosig).unwrap();
        assert_eq!(
            cosigned
                .signed_by(&wkey.public(COSIGNATURE_V1))
                .map(|(_, t)| t),
            Some(1000)
        );

        // Stale old size: 409 with the known size.
        let stale = w
            .add_checkpoint(&request(0, &[], &note(&log, &leaves[..7])), 1001)
            .unwrap_err();
        assert_eq!(
            (stale.status, stale.body.as_str(), stale.size_conflict),
            (409, "4\n", true)
        );
        // Same size, other root: a split view.
        assert_eq!(
            w.add_checkpoint(&request(4, &[], &note(&log, &fork[..4])), 1)
                .unwrap_err()
                .status,
            422
        );
        // A larger fork cannot prove consistency.
        let bad = consistency_proof(4, &fork[..7]);
        assert_eq!(
            w.add_checkpoint(&request(4, &bad, &note(&log, &fork[..7])), 1)
                .unwrap_err()
                .status,
            422
        );
        // Unknown log, bad signature, old > size, garbage.
        let stranger = crate::note::test_signer("other.example", 3);
        assert_eq!(
            w.add_checkpoint(&request(0, &[], &note(&stranger, &leaves)), 1)
                .unwrap_err()
                .status,
            404
        );
        let impostor = crate::note::test_signer("log.example", 3);
        assert_eq!(
            w.add_checkpoint(&request(4, &[], &note(&impostor, &leaves)), 1)
                .unwrap_err()
                .status,
            403
        );
        assert_eq!(
            w.add_checkpoint(&request(11, &[], &note(&log, &leaves)), 1)
                .unwrap_err()
                .status,
            400
        );
        assert_eq!(w.add_checkpoint("garbage", 1).unwrap_err().status, 400);

        // A restart remembers size 4: a good proof to 10 is cosigned, old 0 is refused.
        drop(w);
        let w = Witness::open(wkey, logs, &state).unwrap();
        assert_eq!(w.known_size("log.example"), 4);
        assert_eq!(
            w.add_checkpoint(&request(0, &[], &note(&log, &leaves)), 1)
                .unwrap_err()
                .status,
            409
        );
        let good = consistency_proof(4, &leaves);
        assert!(w
            .add_checkpoint(&request(4, &good, &note(&log, &leaves)), 2000)
            .is_ok());
        assert_eq!(w.known_size("log.example"), 10);
        // The same checkpoint again is cosigned again.
        assert!(w
            .add_checkpoint(&request(10, &[], &note(&log, &leaves)), 2001)
            .is_ok());
    }
}
