//! Evidence bundles: everything needed to check one event without trusting nofly, and the check.

use crate::checkpoint::TlogProof;
use crate::log::{canonical, read_log, record_leaf, TimestampToken};
use crate::merkle::{inclusion_proof, verify_inclusion, Hash};
use crate::note::{Note, NoteSigner};
use crate::policy::Policy;
use crate::verdict::Verdict;
use crate::verify_log::recompute_event_id;
use ed25519_dalek::{Signature, Signer, Verifier};
use nofly_engine::Engine;
use nofly_model::EventTime;
use nofly_sources::sort_reports;
use nofly_sources::{decode_raw, extract_raw, Format, ModesOptions, RawExtract};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::path::Path;

/// The format name written in every bundle.
pub const BUNDLE_FORMAT: &str = "nofly-evidence-bundle/v2";

/// A log entry with its C2SP tlog-proof: index, inclusion proof and the cosigned checkpoint.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ProvenEntry {
    /// Index of the entry in the log.
    pub index: u64,
    /// The entry's record, exactly as in the log; its leaf data is the record's RFC 8785 bytes.
    pub record: Value,
    /// The entry's c2sp.org/tlog-proof@v1 text.
    pub proof: String,
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
    /// RFC 3161 time-stamp tokens over the checkpoint the three proofs share.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub timestamps: Vec<TimestampToken>,
    /// Other receivers' signed excerpts of the aircraft around the event.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub corroboration: Vec<crate::corroboration::Excerpt>,
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
        crate::log::signed_text_of("nofly evidence bundle v2", self)
    }
}

/// An entry with its tlog-proof against `checkpoint`, the checkpoint of the first `leaves.len()` entries.
pub(crate) fn proven(
    index: u64,
    record: &Value,
    leaves: &[Hash],
    checkpoint: &Note,
) -> ProvenEntry {
    let proof = TlogProof {
        extra: None,
        index,
        hashes: inclusion_proof(index as usize, leaves),
        checkpoint: checkpoint.clone(),
    };
    ProvenEntry {
        index,
        record: record.clone(),
        proof: proof.text(),
    }
}

/// Builds the bundle of event `event_id` from the log at `log_path`, re-reading the run's input to
/// take the raw records (its SHA-256 must still match the one in the log).
pub fn build_bundle(
    log_path: &Path,
    event_id: &str,
    window_s: u64,
    signer: &NoteSigner,
    corroboration: Vec<crate::corroboration::Excerpt>,
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
    let checkpoint = log
        .checkpoints
        .iter()
        .rev()
        .find(|c| c.size > entry.index.max(run_index).max(zone.index))
        .ok_or("no signed checkpoint covers the event yet")?;
    // A checkpoint claiming more entries than the log holds is a damaged log: refuse, do not panic.
    let leaves = all_leaves.get(..checkpoint.size as usize).ok_or_else(|| {
        format!(
            "the checkpoint covers {} entries but the log holds {}: run verify-log",
            checkpoint.size,
            all_leaves.len()
        )
    })?;

    let input_index = event["source"]["input"]
        .as_u64()
        .ok_or("the event has no source input")?;
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
    let raw = raw_of_run(
        &run.record,
        input_index,
        icao,
        EventTime::from_millis(time.millis() - w),
        EventTime::from_millis(time.millis() + w),
    )?;
    if checkpoint
        .note
        .signed_by(&signer.public(crate::note::ED25519))
        .is_none()
    {
        return Err(format!(
            "the log is signed by {}, not by the key given ({})",
            checkpoint.origin, signer.name
        ));
    }
    let note = &checkpoint.note;
    let mut bundle = Bundle {
        format: BUNDLE_FORMAT.into(),
        event: proven(entry.index, &entry.record, leaves, note),
        run: proven(run_index, &run.record, leaves, note),
        zone: proven(zone.index, &zone.record, leaves, note),
        timestamps: checkpoint.timestamps.clone(),
        corroboration,
        window_s,
        raw,
        signature: String::new(),
    };
    bundle.signature = hex::encode(signer.key.sign(bundle.signed_text().as_bytes()).to_bytes());
    Ok(bundle)
}

/// The raw records of aircraft `icao` in `[from, to]` from input `input_index` of a run entry,
/// read again from the input file, whose SHA-256 must still be the one the run logged.
pub(crate) fn raw_of_run(
    run: &Value,
    input_index: u64,
    icao: nofly_model::Icao24,
    from: EventTime,
    to: EventTime,
) -> Result<RawExtract, String> {
    let input = &run["inputs"][input_index as usize];
    let path = Path::new(
        input["path"]
            .as_str()
            .ok_or("the run names no input path")?,
    );
    let hash = crate::file_sha256(path)
        .map_err(|e| format!("{}: {e}: the raw input is needed", path.display()))?;
    if Some(hash.as_str()) != input["sha256"].as_str() {
        return Err(format!(
            "{}: its SHA-256 is {hash}, not {} as when the run read it: the input was changed",
            path.display(),
            input["sha256"]
        ));
    }
    let format: Format = input["format"].as_str().unwrap_or("").parse()?;
    let options = decoding_options(&run["settings"])?;
    extract_raw(path, format, input_index as u16, &options, icao, from, to)
        .map_err(|e| e.to_string())
}

/// The decoding options a run recorded in its settings: untimed start, receiver position, and
/// the ASTERIX editions and radar sites.
pub(crate) fn decoding_options(settings: &Value) -> Result<ModesOptions, String> {
    let start: EventTime = settings["untimed_start"]
        .as_str()
        .unwrap_or("1970-01-01T00:00:00Z")
        .parse()
        .map_err(|e| format!("{e}"))?;
    let receiver = settings["receiver"]
        .as_array()
        .and_then(|a| Some((a.first()?.as_f64()?, a.get(1)?.as_f64()?)));
    let mut asterix = nofly_sources::AsterixOptions {
        editions: nofly_sources::AsterixEditions::parse(
            settings["asterix_editions"].as_str().unwrap_or(""),
        )?,
        ..Default::default()
    };
    for site in settings["radar_sites"].as_array().into_iter().flatten() {
        asterix.sites.add(site.as_str().unwrap_or(""))?;
    }
    Ok(ModesOptions {
        receiver,
        start,
        asterix,
        ..ModesOptions::default()
    })
}

/// Checks a bundle against a trust policy: the checkpoint's log signature and witness quorum, the
/// bundle's signature, the three inclusion proofs, the event id, the zone version, and a re-run of
/// the detection on the bundled raw records and zone.
pub fn verify_bundle(bundle: &Bundle, policy: &Policy) -> Verdict {
    let mut v = Verdict::default();
    v.check(
        "bundle format",
        if bundle.format == BUNDLE_FORMAT {
            Ok(bundle.format.clone())
        } else {
            Err(format!("unknown format {:?}", bundle.format))
        },
    );
    let proofs: Result<Vec<TlogProof>, String> = [&bundle.event, &bundle.run, &bundle.zone]
        .iter()
        .map(|e| TlogProof::parse(&e.proof))
        .collect();
    let proofs = match proofs {
        Ok(p) => p,
        Err(e) => {
            v.check("tlog-proofs", Err(format!("a proof does not read: {e}")));
            return v;
        }
    };
    let note = &proofs[0].checkpoint;
    v.check(
        "one checkpoint",
        if proofs.iter().all(|p| p.checkpoint.body == note.body) {
            Ok("the event, run and zone proofs lead to the same checkpoint".into())
        } else {
            Err("the proofs lead to different checkpoints".into())
        },
    );
    let checked = policy.check_note(&mut v, "checkpoint", note);
    let log_key = policy
        .logs
        .iter()
        .map(|(k, _)| k)
        .find(|k| note.signed_by(k).is_some());
    let signature: Option<[u8; 64]> = hex::decode(&bundle.signature)
        .ok()
        .and_then(|b| b.try_into().ok());
    let unaltered = v.check(
        "bundle signature",
        match (signature, log_key) {
            (Some(s), Some(key))
                if key
                    .key
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
    let tree = crate::checkpoint::Checkpoint::parse(&note.body).ok();
    for ((name, entry), proof) in [
        ("event", &bundle.event),
        ("run", &bundle.run),
        ("zone", &bundle.zone),
    ]
    .into_iter()
    .zip(&proofs)
    {
        let ok = proof.index == entry.index
            && tree.is_some_and(|c| {
                verify_inclusion(
                    entry.index,
                    c.size,
                    &record_leaf(&entry.record),
                    &proof.hashes,
                    &c.root,
                )
            });
        v.check(
            format!("{name} entry in the signed log"),
            match (ok, tree) {
                (true, Some(c)) => Ok(format!(
                    "entry {} is in the tree of {} entries",
                    entry.index, c.size
                )),
                _ => Err(format!(
                    "entry {} does not lead to the checkpoint's root: record or proof altered",
                    entry.index
                )),
            },
        );
    }
    // The origin is the checkpoint's own: time-stamps and excerpts are checked even when the
    // witnesses' quorum was not met (that failure is already in the verdict).
    let origin = tree.map_or("", |c| c.origin);
    check_time(&mut v, bundle, note, origin, checked.as_ref(), policy);
    crate::corroboration::check_corroboration(&mut v, bundle, policy, origin);
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

/// The time-stamps, and the interval the evidence is proven to exist in: from the event's own
/// time (in the data) to the earliest trusted time the checkpoint was seen (a TSA's genTime, else
/// a witness's cosignature).
fn check_time(
    v: &mut Verdict,
    bundle: &Bundle,
    note: &Note,
    origin: &str,
    checked: Option<&crate::policy::PolicyCheck>,
    policy: &Policy,
) {
    use crate::policy::seconds_rfc3339;
    let signed = crate::checkpoint::log_signed_note(note, origin);
    let tsa_times = check_timestamps(v, "", &bundle.timestamps, &signed, policy);
    let event_time: Option<EventTime> = bundle.event.record["event"]["time"]
        .as_str()
        .and_then(|t| t.parse().ok());
    let witness_first = checked.and_then(|c| c.cosigned.iter().map(|(_, t)| *t).min());
    let (by, source) = match (tsa_times.iter().min(), witness_first) {
        (Some(t), _) => (Some(*t), "the earliest time-stamp"),
        (None, Some(t)) => (
            Some(t),
            "the earliest witness cosignature (on the witness's clock)",
        ),
        (None, None) => (None, ""),
    };
    let outcome = match (event_time, by) {
        (Some(e), Some(by)) if e.millis() > by as i64 * 1000 => Err(format!(
            "the event's time {} is after {source} {}: the data's clock is wrong or the data is not what was logged",
            e.to_rfc3339(),
            seconds_rfc3339(by)
        )),
        (Some(e), Some(by)) => Ok(format!(
            "the event (at {}, the data's own time) was in the log by {} ({source}): proven to exist in [{}, {}]",
            e.to_rfc3339(),
            seconds_rfc3339(by),
            e.to_rfc3339(),
            seconds_rfc3339(by)
        )),
        (Some(e), None) => Ok(format!(
            "the event is at {} in the data's own time; no time-stamp or cosignature bounds when it was logged",
            e.to_rfc3339()
        )),
        (None, _) => Err("the event has no readable time".into()),
    };
    v.check("proven time interval", outcome);
}

/// Checks each RFC 3161 token over `signed` (a log-signed checkpoint) as a check named
/// `<label>time-stamp N (url)`; returns the genTimes of those that hold.
pub(crate) fn check_timestamps(
    v: &mut Verdict,
    label: &str,
    tokens: &[TimestampToken],
    signed: &str,
    policy: &Policy,
) -> Vec<u64> {
    let mut times = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        let token = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, &t.token)
            .map_err(|_| "the token is not base64".to_string());
        let outcome = token
            .and_then(|der| crate::timestamp::verify(&der, signed.as_bytes(), &policy.tsa_certs));
        v.check(
            format!("{label}time-stamp {} ({})", i + 1, t.tsa),
            outcome.map(|info| {
                times.push(info.seconds);
                format!(
                    "RFC 3161 token over the signed checkpoint: genTime {}, signed by {}{}",
                    crate::policy::seconds_rfc3339(info.seconds),
                    info.signer,
                    if info.pinned {
                        " (a pinned TSA certificate)"
                    } else {
                        " (its own certificate: not pinned, give --tsa-cert to pin the TSA)"
                    }
                )
            }),
        );
    }
    times
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
    // Who the aircraft is, its speed and its emitter category are annotations added after
    // detection (from the address, the run's aircraft database and its latest messages): taken
    // as logged too.
    if let Some(m) = again.as_object_mut() {
        for key in ["zone_set", "aircraft", "gs_kt", "category"] {
            match event.get(key) {
                Some(logged) => m.insert(key.into(), logged.clone()),
                None => m.remove(key),
            };
        }
    }
    if canonical(&again) == canonical(event) {
        Ok(format!(
            "{} raw records ({}) decoded and run through the engine give the same event{}",
            reports.len(),
            bundle.raw.format,
            if event.get("aircraft").is_some() {
                " (who the aircraft is and its speed are annotations, not proven by the records: taken as logged)"
            } else {
                ""
            }
        ))
    } else {
        Err(format!(
            "the re-run gives {}, the log says {}",
            canonical(&again),
            canonical(event)
        ))
    }
}
