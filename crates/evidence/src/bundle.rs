//! Evidence bundles: everything needed to check one event without trusting nofly, and the check.

use crate::checkpoint::Checkpoint;
use crate::log::{canonical, read_log, record_leaf};
use crate::merkle::{inclusion_proof, verify_inclusion, Hash};
use crate::verdict::Verdict;
use crate::verify_log::recompute_event_id;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use nofly_engine::{sort_reports, Engine};
use nofly_model::EventTime;
use nofly_sources::{decode_raw, extract_raw, Format, ModesOptions, RawExtract};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::path::Path;

/// The format name written in every bundle.
pub const BUNDLE_FORMAT: &str = "nofly-evidence-bundle/v1";

/// A log entry with its index and its inclusion proof against the bundle's checkpoint.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ProvenEntry {
    /// Index of the entry in the log.
    pub index: u64,
    /// The entry's record, exactly as in the log.
    pub record: Value,
    /// Audit path from the entry to the checkpoint's root (RFC 9162 2.1.3), hex, bottom first.
    pub proof: Vec<String>,
}

/// One event with its proof.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Bundle {
    /// Always [`BUNDLE_FORMAT`].
    pub format: String,
    /// The event's entry.
    pub event: ProvenEntry,
    /// The entry of the run that found it: program version, settings, inputs and their hashes.
    pub run: ProvenEntry,
    /// The entry with the zone's definition.
    pub zone: ProvenEntry,
    /// The signed checkpoint all three proofs lead to.
    pub checkpoint: Checkpoint,
    /// Seconds of the aircraft's raw records kept before and after the event.
    pub window_s: u64,
    /// The aircraft's raw records from the event's input in that window.
    pub raw: RawExtract,
    /// Ed25519 signature, hex, by the log's key over [`Bundle::signed_text`]: binds the raw records
    /// and everything else in the bundle (the log's proofs cover the entries, not the raw excerpt).
    #[serde(default)]
    pub signature: String,
}

impl Bundle {
    /// The exact bytes signed: a fixed first line, then the RFC 8785 canonical JSON of the bundle
    /// without its `signature` field.
    pub fn signed_text(&self) -> String {
        let mut value = serde_json::to_value(self).expect("bundles serialise");
        if let Some(obj) = value.as_object_mut() {
            obj.remove("signature");
        }
        format!("nofly evidence bundle v1\n{}", canonical(&value))
    }
}

fn proven(index: u64, record: &Value, leaves: &[Hash]) -> ProvenEntry {
    ProvenEntry {
        index,
        record: record.clone(),
        proof: inclusion_proof(index as usize, leaves)
            .iter()
            .map(hex::encode)
            .collect(),
    }
}

/// Builds the bundle of event `event_id` from the log at `log_path`, re-reading the run's input to
/// take the raw records (its SHA-256 must still match the one in the log).
pub fn build_bundle(
    log_path: &Path,
    event_id: &str,
    window_s: u64,
    key: &SigningKey,
) -> Result<Bundle, String> {
    let log = read_log(log_path).map_err(|e| e.to_string())?;
    let entry = log
        .event(event_id)
        .ok_or_else(|| format!("no event {event_id} in {}", log_path.display()))?;
    let event = &entry.record["event"];
    let run_index = entry.record["run"]
        .as_u64()
        .ok_or("the event entry names no run")?;
    let run = log
        .entries
        .get(run_index as usize)
        .ok_or("the event's run is not in the log")?;
    let zone = log
        .entries
        .iter()
        .find(|e| {
            e.record["type"] == "zone"
                && e.record["id"] == event["zone_id"]
                && e.record["version"] == event["zone_version"]
        })
        .ok_or("the event's zone version is not in the log")?;
    let all_leaves = log.leaves();
    let (_, checkpoint) = log
        .checkpoints
        .iter()
        .rev()
        .find(|(_, c)| c.tree_size > entry.index.max(run_index).max(zone.index))
        .ok_or("no signed checkpoint covers the event yet")?;
    // A checkpoint claiming more entries than the log holds is a damaged log: refuse, do not panic.
    let leaves = all_leaves
        .get(..checkpoint.tree_size as usize)
        .ok_or_else(|| {
            format!(
                "the checkpoint covers {} entries but the log holds {}: run verify-log",
                checkpoint.tree_size,
                all_leaves.len()
            )
        })?;

    let input_index = event["source"]["input"]
        .as_u64()
        .ok_or("the event has no source input")?;
    let input = &run.record["inputs"][input_index as usize];
    let path = Path::new(
        input["path"]
            .as_str()
            .ok_or("the run names no input path")?,
    );
    let hash = crate::file_sha256(path).map_err(|e| {
        format!(
            "{}: {e}: the raw input is needed to build the bundle",
            path.display()
        )
    })?;
    if Some(hash.as_str()) != input["sha256"].as_str() {
        return Err(format!(
            "{}: its SHA-256 is {hash}, not {} as when the run read it: the input was changed",
            path.display(),
            input["sha256"]
        ));
    }
    let format: Format = input["format"].as_str().unwrap_or("").parse()?;
    let options = decoding_options(&run.record["settings"])?;
    let time: EventTime = event["time"]
        .as_str()
        .unwrap_or("")
        .parse()
        .map_err(|e| format!("{e}"))?;
    let Some(icao) = event["icao24"].as_str() else {
        return Err(format!(
            "event {} is about an area, not an aircraft ({}): it is proven by re-running `nofly gnss` on the run's inputs, whose hashes the log holds, not by one aircraft's records",
            event["id"], event["kind"]
        ));
    };
    let icao = icao.parse().map_err(|e| format!("{e}"))?;
    let w = window_s as i64 * 1000;
    let raw = extract_raw(
        path,
        format,
        input_index as u16,
        &options,
        icao,
        EventTime::from_millis(time.millis() - w),
        EventTime::from_millis(time.millis() + w),
    )
    .map_err(|e| e.to_string())?;
    if nofly_model_key_id(key) != checkpoint.key_id {
        return Err(format!(
            "the log is signed by key {}, not by the key given ({})",
            checkpoint.key_id,
            nofly_model_key_id(key)
        ));
    }
    let mut bundle = Bundle {
        format: BUNDLE_FORMAT.into(),
        event: proven(entry.index, &entry.record, leaves),
        run: proven(run_index, &run.record, leaves),
        zone: proven(zone.index, &zone.record, leaves),
        checkpoint: checkpoint.clone(),
        window_s,
        raw,
        signature: String::new(),
    };
    bundle.signature = hex::encode(key.sign(bundle.signed_text().as_bytes()).to_bytes());
    Ok(bundle)
}

/// The decoding options a run recorded in its settings: untimed start and receiver position.
fn decoding_options(settings: &Value) -> Result<ModesOptions, String> {
    let start: EventTime = settings["untimed_start"]
        .as_str()
        .unwrap_or("1970-01-01T00:00:00Z")
        .parse()
        .map_err(|e| format!("{e}"))?;
    let receiver = settings["receiver"]
        .as_array()
        .and_then(|a| Some((a.first()?.as_f64()?, a.get(1)?.as_f64()?)));
    Ok(ModesOptions {
        receiver,
        start,
        ..ModesOptions::default()
    })
}

fn nofly_model_key_id(key: &SigningKey) -> String {
    crate::keys::key_id(&key.verifying_key())
}

/// Checks a bundle against a public key: signature, the three inclusion proofs, the event id, the
/// zone version, and a re-run of the detection on the bundled raw records and zone.
pub fn verify_bundle(bundle: &Bundle, key: &VerifyingKey) -> Verdict {
    let mut v = Verdict::default();
    v.check(
        "bundle format",
        if bundle.format == BUNDLE_FORMAT {
            Ok(bundle.format.clone())
        } else {
            Err(format!("unknown format {:?}", bundle.format))
        },
    );
    let c = &bundle.checkpoint;
    v.check(
        "checkpoint signature",
        c.verify(key).map(|()| {
            format!(
                "checkpoint of {} entries signed by key {} at {}",
                c.tree_size, c.key_id, c.time
            )
        }),
    );
    let signature: Option<[u8; 64]> = hex::decode(&bundle.signature)
        .ok()
        .and_then(|b| b.try_into().ok());
    let unaltered = v.check(
        "bundle signature",
        match signature {
            Some(s)
                if key
                    .verify(bundle.signed_text().as_bytes(), &Signature::from_bytes(&s))
                    .is_ok() =>
            {
                Ok("the bundle, raw records included, is as the log's signer wrote it".into())
            }
            _ => Err(
                "the signature does not match the bundle's content: something in it was changed"
                    .into(),
            ),
        },
    );
    let root: Option<Hash> = hex::decode(&c.root_hash)
        .ok()
        .and_then(|b| b.try_into().ok());
    for (name, entry) in [
        ("event", &bundle.event),
        ("run", &bundle.run),
        ("zone", &bundle.zone),
    ] {
        let proof: Option<Vec<Hash>> = entry
            .proof
            .iter()
            .map(|h| hex::decode(h).ok().and_then(|b| b.try_into().ok()))
            .collect();
        let ok = match (&root, proof) {
            (Some(r), Some(p)) => {
                verify_inclusion(entry.index, c.tree_size, &record_leaf(&entry.record), &p, r)
            }
            _ => false,
        };
        v.check(
            format!("{name} entry in the signed log"),
            if ok {
                Ok(format!(
                    "entry {} is in the tree of {} entries",
                    entry.index, c.tree_size
                ))
            } else {
                Err(format!(
                    "entry {} does not lead to the checkpoint's root: record or proof altered",
                    entry.index
                ))
            },
        );
    }
    let event = &bundle.event.record["event"];
    v.check(
        "event id",
        match recompute_event_id(event) {
            Ok(id) if Some(id.as_str()) == event["id"].as_str() => {
                Ok(format!("{id} recomputes from the event's content"))
            }
            Ok(id) => Err(format!("the content gives {id}, not {}", event["id"])),
            Err(why) => Err(why),
        },
    );
    v.check(
        "event belongs to its run",
        if bundle.event.record["run"].as_u64() == Some(bundle.run.index) {
            Ok(format!("run entry {}", bundle.run.index))
        } else {
            Err("the event names another run".into())
        },
    );
    let zone = &bundle.zone.record;
    let definition = &zone["definition"];
    let version = hex::encode(&Sha256::digest(canonical(definition).as_bytes())[..16]);
    v.check(
        "zone definition",
        if zone["version"].as_str() == Some(version.as_str())
            && zone["version"] == event["zone_version"]
            && zone["id"] == event["zone_id"]
        {
            Ok(format!(
                "zone {} version {version} is the hash of the bundled definition",
                zone["id"]
            ))
        } else {
            Err(format!(
                "the definition hashes to {version}; the zone entry says {} and the event {}",
                zone["version"], event["zone_version"]
            ))
        },
    );
    let trigger = event["source"]["record"].as_u64();
    v.check(
        "raw records",
        if bundle.raw.records.iter().any(|r| Some(r.record) == trigger) {
            Ok(format!(
                "{} records of {} around the event, the triggering record {} among them",
                bundle.raw.records.len(),
                bundle.raw.format,
                trigger.unwrap_or(0)
            ))
        } else {
            Err("the triggering record is not in the bundle".into())
        },
    );
    // Re-running detection on altered records would prove nothing.
    v.check(
        "re-run of the detection",
        if unaltered {
            rerun(bundle)
        } else {
            Err("not attempted: the bundle was altered".into())
        },
    );
    v
}

fn rerun(bundle: &Bundle) -> Result<String, String> {
    let event = &bundle.event.record["event"];
    let input = event["source"]["input"].as_u64().unwrap_or(0) as u16;
    let options = decoding_options(&bundle.run.record["settings"])?;
    let mut reports = decode_raw(&bundle.raw, input, &options)
        .map_err(|e| format!("a raw record does not decode: {e}"))?;
    sort_reports(&mut reports);
    let collection = serde_json::json!({"type": "FeatureCollection", "features": [bundle.zone.record["definition"]]});
    let read = nofly_zones::read_geojson("bundled zone", &collection.to_string());
    if let Some(p) = read
        .problems
        .iter()
        .find(|p| p.severity == nofly_zones::Severity::Error)
    {
        return Err(format!("the bundled zone does not read: {p}"));
    }
    // The run's recorded settings, so that its events come out the same.
    let settings = nofly_engine::Settings::from_recorded(&bundle.run.record["settings"])
        .map_err(|e| format!("the run's settings do not read: {e}"))?;
    let mut engine = Engine::with_settings(&read.zones, settings);
    let mut found = None;
    let mut check = |e: nofly_model::Event| {
        if Some(e.id.as_str()) == event["id"].as_str() {
            found = Some(e);
        }
    };
    for r in &reports {
        engine.process(r, &mut check);
    }
    // Lost signals and open approaches at the end of the records are raised by finishing, as the
    // replay did at the end of its inputs.
    engine.finish(&mut check);
    let found = found.ok_or_else(|| {
        format!(
            "the {} raw records do not produce event {}",
            reports.len(),
            event["id"]
        )
    })?;
    let mut again = serde_json::to_value(&found).map_err(|e| e.to_string())?;
    // The bundle holds the one zone the event names, not the whole set, so the re-run cannot
    // recompute the set's hash: the logged one is taken (it is covered by the log's signature).
    if let (Some(m), Some(logged)) = (again.as_object_mut(), event.get("zone_set")) {
        m.insert("zone_set".into(), logged.clone());
    }
    if canonical(&again) == canonical(event) {
        Ok(format!(
            "{} raw records ({}) decoded and run through the engine give the same event",
            reports.len(),
            bundle.raw.format
        ))
    } else {
        Err(format!(
            "the re-run gives {}, the log says {}",
            canonical(&again),
            canonical(event)
        ))
    }
}
