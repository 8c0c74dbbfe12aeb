//! `nofly migrate-log`: converts a log of nofly before December 2026 (v1 checkpoints with the
//! signer's wall-clock time) to C2SP checkpoints, after checking every old checkpoint's signature
//! and root. Entries are copied byte for byte, so every leaf, index and root stays the same.

use crate::checkpoint::Checkpoint;
use crate::legacy_checkpoint::LegacyCheckpoint;
use crate::log::{canonical, checkpoint_line, read_log, record_leaf};
use crate::merkle::root;
use crate::note::{Note, NoteSigner};
use serde_json::Value;
use std::path::Path;

/// Rewrites the log at `old` into `new` (which must not exist), re-signing every checkpoint with
/// `signer`, the same key that signed the old ones; returns the number of checkpoints converted.
pub fn migrate_log(old: &Path, new: &Path, signer: &NoteSigner) -> Result<usize, String> {
    let text = std::fs::read_to_string(old).map_err(|e| format!("{}: {e}", old.display()))?;
    let at = |n: usize, why: String| format!("{}:{}: {why}", old.display(), n + 1);
    let mut leaves = Vec::new();
    let mut out = String::with_capacity(text.len());
    let mut converted = 0;
    for (n, line) in text.lines().enumerate() {
        let value: Value =
            serde_json::from_str(line).map_err(|e| at(n, format!("not JSON: {e}")))?;
        match (&value["kind"], &value["checkpoint"]) {
            (k, Value::Object(_)) if k == "checkpoint" => {
                let old: LegacyCheckpoint = serde_json::from_value(value["checkpoint"].clone())
                    .map_err(|e| at(n, format!("bad v1 checkpoint: {e}")))?;
                old.verify(&signer.key.verifying_key())
                    .map_err(|e| at(n, format!("v1 checkpoint: {e}")))?;
                let covered = leaves.get(..old.tree_size as usize).ok_or_else(|| {
                    at(
                        n,
                        format!(
                            "the checkpoint covers {} entries, only {} precede it",
                            old.tree_size,
                            leaves.len()
                        ),
                    )
                })?;
                let tree_root = root(covered);
                if hex::encode(tree_root) != old.root_hash {
                    return Err(at(
                        n,
                        "the v1 checkpoint's root is not the root of its entries".into(),
                    ));
                }
                let body = Checkpoint {
                    origin: &signer.name,
                    size: old.tree_size,
                    root: tree_root,
                }
                .body();
                let note = Note::parse(&format!("{body}\n{}", signer.sign(&body)))
                    .map_err(|e| at(n, e))?;
                out.push_str(&checkpoint_line(&note, &[]));
                converted += 1;
            }
            (k, _) => {
                if k == "entry" {
                    leaves.push(record_leaf(&value["record"]));
                }
                // Lines are copied unchanged; read_log checks them once the new log is written.
                if canonical(&value) != line {
                    return Err(at(
                        n,
                        "not in canonical form (RFC 8785): the line was altered".into(),
                    ));
                }
                out.push_str(line);
            }
        }
        out.push('\n');
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    let mut f = options
        .open(new)
        .map_err(|e| format!("{}: {e}", new.display()))?;
    std::io::Write::write_all(&mut f, out.as_bytes())
        .map_err(|e| format!("{}: {e}", new.display()))?;
    read_log(new).map_err(|e| e.to_string())?;
    Ok(converted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::legacy_checkpoint::legacy_key_id;
    use crate::policy::Policy;
    use crate::EvidenceLog;
    use ed25519_dalek::{Signer, SigningKey};

    /// A v1 log line for the first `size` leaves, signed as nofly signed them then.
    fn v1_line(key: &SigningKey, leaves: &[crate::merkle::Hash], size: usize) -> String {
        let mut c = LegacyCheckpoint {
            tree_size: size as u64,
            root_hash: hex::encode(root(&leaves[..size])),
            time: "2026-11-01T00:00:00Z".into(),
            key_id: legacy_key_id(&key.verifying_key()),
            signature: String::new(),
        };
        c.signature = hex::encode(key.sign(c.signed_text().as_bytes()).to_bytes());
        canonical(&serde_json::json!({"kind": "checkpoint", "checkpoint": c}))
    }

    #[test]
    fn a_v1_log_migrates_to_c2sp_checkpoints_and_a_forged_one_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let key = SigningKey::from_bytes(&[4; 32]);
        let signer = NoteSigner {
            name: crate::keys::default_name(&key.verifying_key()),
            key: key.clone(),
        };
        // Entries written by today's log, then its checkpoint lines replaced by v1 ones.
        let path = dir.path().join("v2.log");
        let mut log = EvidenceLog::open(&path, signer.clone(), 1000, None).unwrap();
        for i in 0..5 {
            log.append(serde_json::json!({"type": "test", "n": i}))
                .unwrap();
        }
        log.close().unwrap();
        let contents = read_log(&path).unwrap();
        let leaves = contents.leaves();
        let entries: Vec<String> = std::fs::read_to_string(&path)
            .unwrap()
            .lines()
            .filter(|l| l.contains("\"entry\""))
            .map(String::from)
            .collect();
        let v1 = format!(
            "{}\n{}\n{}\n{}\n",
            entries[..3].join("\n"),
            v1_line(&key, &leaves, 3),
            entries[3..].join("\n"),
            v1_line(&key, &leaves, 5)
        );
        let old = dir.path().join("v1.log");
        std::fs::write(&old, &v1).unwrap();
        assert!(read_log(&old)
            .unwrap_err()
            .reason
            .contains("nofly migrate-log"));
        let new = dir.path().join("migrated.log");
        assert_eq!(migrate_log(&old, &new, &signer).unwrap(), 2);
        let policy = Policy::log_only(signer.public(crate::note::ED25519));
        let verdict = crate::verify_log(&new, &policy);
        assert!(verdict.passed(), "{verdict}");
        // The last checkpoint is the one today's log wrote itself.
        assert_eq!(
            std::fs::read_to_string(&new).unwrap().lines().last(),
            std::fs::read_to_string(&path).unwrap().lines().last()
        );
        // Another key cannot take the log over, and a v1 checkpoint with a wrong root is refused.
        let other = crate::note::test_signer("other", 5);
        assert!(migrate_log(&old, &dir.path().join("x.log"), &other)
            .unwrap_err()
            .contains("v1 checkpoint"));
        let forged = v1.replacen(
            &v1_line(&key, &leaves, 3),
            &v1_line(&key, &leaves[1..], 3),
            1,
        );
        std::fs::write(&old, forged).unwrap();
        assert!(migrate_log(&old, &dir.path().join("y.log"), &signer)
            .unwrap_err()
            .contains(":4: the v1 checkpoint's root"));
    }
}
