//! `verify-log`: a whole log, every checkpoint's signature and root, that every checkpoint extends
//! the one before it, and every event id.

use crate::log::{read_log, LogContents};
use crate::merkle::{consistency_proof, root, verify_consistency, Hash};
use crate::policy::Policy;
use crate::verdict::Verdict;
use nofly_model::{Event, EventKind, EventTime, Icao24};
use serde_json::Value;
use std::path::Path;

/// Recomputes an event's id from the fields of its JSON (docs/semantics.md).
pub fn recompute_event_id(event: &Value) -> Result<String, String> {
    let kind = event["kind"]
        .as_str()
        .and_then(EventKind::from_name)
        .ok_or_else(|| format!("unknown event kind {:?}", event["kind"]))?;
    let time: EventTime = event["time"]
        .as_str()
        .unwrap_or("")
        .parse()
        .map_err(|e| format!("{e}"))?;
    // An interference event names no aircraft (null).
    let icao: Option<Icao24> = match &event["icao24"] {
        Value::Null => None,
        v => Some(
            v.as_str()
                .unwrap_or("")
                .parse()
                .map_err(|e| format!("{e}"))?,
        ),
    };
    let zone_id = event["zone_id"].as_str().ok_or("no zone_id")?;
    let version = event["zone_version"].as_str().ok_or("no zone_version")?;
    let same_instant = event["same_instant"].as_u64().unwrap_or(0) as u32;
    Ok(Event::derive_id(
        kind,
        time,
        icao,
        zone_id,
        version,
        same_instant,
    ))
}

/// Checks a whole log against a trust policy.
pub fn verify_log(path: &Path, policy: &Policy) -> Verdict {
    let mut v = Verdict::default();
    let log = match read_log(path) {
        Ok(log) => log,
        Err(e) => {
            v.check("log structure", Err(e.to_string()));
            return v;
        }
    };
    v.check(
        "log structure",
        Ok(format!("{} entries and {} checkpoints, every line canonical, every leaf hash matches its record", log.entries.len(), log.checkpoints.len())),
    );
    check_checkpoints(&mut v, &log, policy);
    let mut bad = Vec::new();
    let mut events = 0;
    for e in log.entries.iter().filter(|e| e.record["type"] == "event") {
        events += 1;
        match recompute_event_id(&e.record["event"]) {
            Ok(id) if Some(id.as_str()) == e.record["event"]["id"].as_str() => {}
            Ok(id) => bad.push(format!(
                "line {}: id {} should be {id}",
                e.line, e.record["event"]["id"]
            )),
            Err(why) => bad.push(format!("line {}: {why}", e.line)),
        }
    }
    v.check(
        "event ids",
        if bad.is_empty() {
            Ok(format!("all {events} recompute from their content"))
        } else {
            Err(bad.join("; "))
        },
    );
    v
}

fn check_checkpoints(v: &mut Verdict, log: &LogContents, policy: &Policy) {
    if log.checkpoints.is_empty() {
        v.check(
            "checkpoints",
            Err("the log has no signed checkpoint".into()),
        );
        return;
    }
    let leaves = log.leaves();
    let mut previous: Option<(u64, Hash)> = None;
    for (n, c) in log.checkpoints.iter().enumerate() {
        let name = format!("checkpoint {} (line {}, {} entries)", n + 1, c.line, c.size);
        policy.check_note(v, &name, &c.note);
        let signed = crate::checkpoint::log_signed_note(&c.note, &c.origin);
        crate::bundle::check_timestamps(v, &format!("{name}: "), &c.timestamps, &signed, policy);
        let before = log.entries.iter().filter(|e| e.line < c.line).count() as u64;
        if c.size > before {
            v.check(
                format!("{name}: root hash"),
                Err(format!(
                    "covers {} entries but only {before} come before it",
                    c.size
                )),
            );
            continue;
        }
        let computed = root(&leaves[..c.size as usize]);
        v.check(
            format!("{name}: root hash"),
            if computed == c.root {
                Ok("equals the Merkle root of the entries it covers".into())
            } else {
                Err(format!(
                    "is {} but the entries give {}",
                    hex::encode(c.root),
                    hex::encode(computed)
                ))
            },
        );
        if let Some((size, previous_root)) = previous {
            let proof = consistency_proof(size as usize, &leaves[..c.size as usize]);
            let ok =
                c.size >= size && verify_consistency(size, c.size, &previous_root, &c.root, &proof);
            v.check(
                format!("{name}: extends the previous checkpoint"),
                if ok {
                    Ok(format!(
                        "consistency proof from {size} entries holds: the log only grew"
                    ))
                } else {
                    Err(format!("does not extend the checkpoint of {size} entries"))
                },
            );
        }
        previous = Some((c.size, c.root));
    }
    let signed = previous.map_or(0, |p| p.0);
    v.check(
        "every entry signed",
        if signed == leaves.len() as u64 {
            Ok("the last checkpoint covers every entry".into())
        } else {
            Err(format!(
                "{} entries after the last checkpoint are not signed",
                leaves.len() as u64 - signed
            ))
        },
    );
}
