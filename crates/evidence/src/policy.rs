//! Trust policies: which log keys, which witnesses and which quorum of them a verifier requires,
//! in the text format of Sigsum's policy files (also used by transparency-dev), with keys written
//! as C2SP verifier keys:
//!
//! ```text
//! # comments and empty lines are ignored
//! log <vkey of the log, type 0x01> [url]
//! witness <name> <vkey of the witness, type 0x04> [url]
//! group <name> <all|any|k> <member> <member>...
//! quorum <name|none>
//! ```
//!
//! Witnesses and groups share one namespace (`none` is predefined); a group's members are defined
//! before it; exactly one `quorum` line. A checkpoint satisfies the policy when one of the logs
//! signed it and the witnesses that cosigned it satisfy the quorum.

use crate::checkpoint::{open_checkpoint, Checkpoint};
use crate::note::{Note, NoteKey, COSIGNATURE_V1, ED25519};
use crate::verdict::Verdict;
use std::collections::{BTreeMap, HashSet};

/// A witness of a policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyWitness {
    /// Its name in the policy.
    pub name: String,
    /// Its cosignature key.
    pub key: NoteKey,
    /// Where it is reached, if given.
    pub url: Option<String>,
}

/// A quorum rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Quorum {
    /// No witness needed.
    None,
    /// This witness (index in [`Policy::witnesses`]) must cosign.
    Witness(usize),
    /// At least `threshold` of the members must be satisfied.
    Group {
        /// The group's name.
        name: String,
        /// How many members must be satisfied.
        threshold: usize,
        /// The members.
        members: Vec<Quorum>,
    },
}

/// A parsed policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// The trusted log keys, with their URLs.
    pub logs: Vec<(NoteKey, Option<String>)>,
    /// The witnesses.
    pub witnesses: Vec<PolicyWitness>,
    /// What must cosign.
    pub quorum: Quorum,
    /// DER certificates of the time-stamping authorities trusted (not part of the text format:
    /// given to `nofly verify` with `--tsa-cert`); empty: tokens are checked against the
    /// certificate they carry, and said to be unpinned.
    pub tsa_certs: Vec<Vec<u8>>,
}

/// What a policy found in a checkpoint note.
#[derive(Debug, Clone)]
pub struct PolicyCheck<'a> {
    /// The checkpoint, signed by a trusted log.
    pub checkpoint: Checkpoint<'a>,
    /// The policy's witnesses whose cosignature verifies, with the time each signed (seconds).
    pub cosigned: Vec<(String, u64)>,
}

impl Policy {
    /// A policy of one log and no witness (`quorum none`).
    pub fn log_only(key: NoteKey) -> Self {
        Policy {
            logs: vec![(key, None)],
            witnesses: Vec::new(),
            quorum: Quorum::None,
            tsa_certs: Vec::new(),
        }
    }

    /// Reads a policy; errors name the line.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut logs = Vec::new();
        let mut witnesses: Vec<PolicyWitness> = Vec::new();
        let mut names: BTreeMap<String, Quorum> = BTreeMap::new();
        names.insert("none".into(), Quorum::None);
        let mut quorum = None;
        for (i, raw) in text.lines().enumerate() {
            let err = |why: String| format!("line {}: {why}", i + 1);
            let line = raw.split('#').next().unwrap_or("").trim();
            let words: Vec<&str> = line.split_whitespace().collect();
            let Some((&keyword, args)) = words.split_first() else {
                continue;
            };
            let key = |text: &str, kind: u8| -> Result<NoteKey, String> {
                let k = NoteKey::parse(text).map_err(&err)?;
                if k.kind != kind {
                    return Err(err(format!(
                        "{} is a key of type 0x{:02x}, a {} key is of type 0x{kind:02x}",
                        k.name,
                        k.kind,
                        if kind == ED25519 { "log" } else { "witness" }
                    )));
                }
                Ok(k)
            };
            match (keyword, args) {
                ("log", [vkey]) | ("log", [vkey, _]) => {
                    logs.push((key(vkey, ED25519)?, args.get(1).map(|u| u.to_string())))
                }
                ("witness", [name, vkey]) | ("witness", [name, vkey, _]) => {
                    if names.contains_key(*name) {
                        return Err(err(format!("the name {name} is already defined")));
                    }
                    names.insert(name.to_string(), Quorum::Witness(witnesses.len()));
                    witnesses.push(PolicyWitness {
                        name: name.to_string(),
                        key: key(vkey, COSIGNATURE_V1)?,
                        url: args.get(2).map(|u| u.to_string()),
                    });
                }
                ("group", [name, threshold, members @ ..]) if !members.is_empty() => {
                    if names.contains_key(*name) {
                        return Err(err(format!("the name {name} is already defined")));
                    }
                    let mut seen = HashSet::new();
                    let members = members
                        .iter()
                        .map(|m| {
                            if !seen.insert(*m) {
                                return Err(err(format!("{m} is listed twice in group {name}")));
                            }
                            names.get(*m).cloned().ok_or_else(|| {
                                err(format!("{m} is not defined before group {name}"))
                            })
                        })
                        .collect::<Result<Vec<_>, _>>()?;
                    let threshold = match *threshold {
                        "all" => members.len(),
                        "any" => 1,
                        k => match k.parse::<usize>() {
                            Ok(k) if (1..=members.len()).contains(&k) => k,
                            _ => {
                                return Err(err(format!(
                                    "the threshold of group {name} is all, any or 1 to {}",
                                    members.len()
                                )))
                            }
                        },
                    };
                    names.insert(
                        name.to_string(),
                        Quorum::Group {
                            name: name.to_string(),
                            threshold,
                            members,
                        },
                    );
                }
                ("quorum", [name]) => {
                    if quorum.is_some() {
                        return Err(err("a policy has one quorum line".into()));
                    }
                    quorum =
                        Some(names.get(*name).cloned().ok_or_else(|| {
                            err(format!("{name} is not defined before the quorum"))
                        })?);
                }
                ("log" | "witness" | "group" | "quorum", _) => {
                    return Err(err(format!("wrong number of fields for {keyword}")))
                }
                _ => return Err(err(format!("unknown keyword {keyword:?}"))),
            }
        }
        if logs.is_empty() {
            return Err("the policy names no log".into());
        }
        Ok(Policy {
            logs,
            witnesses,
            quorum: quorum.ok_or("the policy has no quorum line")?,
            tsa_certs: Vec::new(),
        })
    }

    /// Which log signed the note and which of the policy's witnesses cosigned it.
    pub fn examine<'a>(
        &self,
        note: &'a Note,
    ) -> (Result<Checkpoint<'a>, String>, Vec<(String, u64)>) {
        let mut last_error = String::from("no log key in the policy");
        let mut checkpoint = None;
        for (key, _) in &self.logs {
            match open_checkpoint(note, key) {
                Ok(c) => {
                    checkpoint = Some(c);
                    break;
                }
                Err(e) => last_error = e,
            }
        }
        let cosigned = self
            .witnesses
            .iter()
            .filter_map(|w| note.signed_by(&w.key).map(|(_, t)| (w.name.clone(), t)))
            .collect();
        (checkpoint.ok_or(last_error), cosigned)
    }

    /// Whether the quorum is met by these cosigning witnesses.
    pub fn quorum_met(&self, cosigned: &[(String, u64)]) -> bool {
        fn met(q: &Quorum, policy: &Policy, names: &HashSet<&str>) -> bool {
            match q {
                Quorum::None => true,
                Quorum::Witness(i) => names.contains(policy.witnesses[*i].name.as_str()),
                Quorum::Group {
                    threshold, members, ..
                } => members.iter().filter(|m| met(m, policy, names)).count() >= *threshold,
            }
        }
        let names = cosigned.iter().map(|(n, _)| n.as_str()).collect();
        met(&self.quorum, self, &names)
    }

    /// The quorum in words.
    pub fn describe_quorum(&self) -> String {
        match &self.quorum {
            Quorum::None => "none".into(),
            Quorum::Witness(i) => format!("witness {}", self.witnesses[*i].name),
            Quorum::Group {
                name,
                threshold,
                members,
            } => format!("group {name}: {threshold} of {}", members.len()),
        }
    }

    /// Records the checks of one checkpoint note under `label`: the log's signature, the
    /// cosignatures and the quorum; returns the checkpoint and the cosignatures when all hold.
    pub fn check_note<'a>(
        &self,
        v: &mut Verdict,
        label: &str,
        note: &'a Note,
    ) -> Option<PolicyCheck<'a>> {
        let (checkpoint, cosigned) = self.examine(note);
        let checkpoint = match checkpoint {
            Ok(c) => {
                v.check(
                    format!("{label}: log signature"),
                    Ok(format!("tree of {} entries signed by {}", c.size, c.origin)),
                );
                Some(c)
            }
            Err(e) => {
                v.check(format!("{label}: log signature"), Err(e));
                None
            }
        };
        let times = |list: &[(String, u64)]| {
            list.iter()
                .map(|(n, t)| format!("{n} at {}", seconds_rfc3339(*t)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let met = self.quorum_met(&cosigned);
        let outcome = match (met, cosigned.is_empty()) {
            (true, true) => Ok(format!(
                "quorum {}: no cosignature needed",
                self.describe_quorum()
            )),
            (true, false) => Ok(format!(
                "quorum {} met: cosigned by {}",
                self.describe_quorum(),
                times(&cosigned)
            )),
            (false, _) => Err(format!(
                "quorum {} not met: cosigned by {} of the policy's {} witnesses{}",
                self.describe_quorum(),
                cosigned.len(),
                self.witnesses.len(),
                if cosigned.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", times(&cosigned))
                }
            )),
        };
        v.check(format!("{label}: witnesses"), outcome);
        checkpoint.filter(|_| met).map(|checkpoint| PolicyCheck {
            checkpoint,
            cosigned,
        })
    }
}

/// Seconds since 1970 as RFC 3339 UTC.
pub fn seconds_rfc3339(seconds: u64) -> String {
    nofly_model::EventTime::from_millis(seconds.min(i64::MAX as u64 / 1000) as i64 * 1000)
        .to_rfc3339()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::note::test_signer as signer;

    #[test]
    fn two_of_three_quorum_and_nested_groups() {
        let log = signer("log.example", 1);
        let w: Vec<_> = (0..3)
            .map(|i| signer(&format!("w{i}.example"), 10 + i))
            .collect();
        let text = format!(
            "# test policy\nlog {}\nwitness A {}\nwitness B {} http://b\nwitness C {}\ngroup two 2 A B C\nquorum two\n",
            log.public(ED25519).vkey(),
            w[0].public(COSIGNATURE_V1).vkey(),
            w[1].public(COSIGNATURE_V1).vkey(),
            w[2].public(COSIGNATURE_V1).vkey()
        );
        let policy = Policy::parse(&text).unwrap();
        let body = crate::checkpoint::Checkpoint {
            origin: "log.example",
            size: 3,
            root: [5; 32],
        }
        .body();
        let mut note = Note::parse(&format!("{body}\n{}", log.sign(&body))).unwrap();
        note.add_signature_lines(&w[0].cosign(&body, 100)).unwrap();
        let mut v = Verdict::default();
        assert!(policy.check_note(&mut v, "c", &note).is_none(), "{v}");
        note.add_signature_lines(&w[2].cosign(&body, 101)).unwrap();
        let mut v = Verdict::default();
        let found = policy.check_note(&mut v, "c", &note).expect("2 of 3");
        assert_eq!(found.cosigned.len(), 2);
        // A cosignature over another checkpoint does not count.
        let other = body.replace("\n3\n", "\n4\n");
        let mut forged = Note::parse(&format!("{body}\n{}", log.sign(&body))).unwrap();
        forged.add_signature_lines(&w[0].cosign(&other, 1)).unwrap();
        forged.add_signature_lines(&w[1].cosign(&other, 1)).unwrap();
        assert!(!policy.quorum_met(&policy.examine(&forged).1));
    }

    #[test]
    fn malformed_policies_name_their_line() {
        let log = signer("log.example", 1).public(ED25519).vkey();
        let wit = signer("w", 2).public(COSIGNATURE_V1).vkey();
        for (bad, line) in [
            (format!("log {log}\nquorum X\n"), "line 2"),
            (format!("log {log}\nwitness A {log}\nquorum A\n"), "line 2"),
            (
                format!("log {log}\nwitness A {wit}\ngroup g 2 A\nquorum g\n"),
                "line 3",
            ),
            (
                format!("log {log}\nwitness A {wit}\ngroup g 1 A A\nquorum g\n"),
                "line 3",
            ),
            (format!("log {log}\nquorum none\nquorum none\n"), "line 3"),
            (format!("log {log}\nfrobnicate\nquorum none\n"), "line 2"),
        ] {
            let e = Policy::parse(&bad).unwrap_err();
            assert!(e.starts_with(line), "{e}");
        }
        assert!(Policy::parse(&format!("log {log}\n")).is_err());
        assert!(Policy::parse("quorum none\n").is_err());
    }
}
