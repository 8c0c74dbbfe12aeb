//! Corroboration by other receivers: an excerpt of another receiver's own evidence log (its run
//! entry with a tlog-proof against its checkpoint, and its raw records of the aircraft around the
//! event, signed with its own key), carried in the bundle; verification counts the independent
//! receivers whose records put the aircraft where the event says it was.
//!
//! A receiver is independent when its checkpoint is signed by a log of the verifier's policy other
//! than the bundle's own. Positions agree when the receiver's report nearest in time to the event
//! is within [`AGREE_BASE_M`] of the event's position, plus the distance the aircraft flies in the
//! time between them.

use crate::bundle::{decoding_options, proven, raw_of_run, Bundle, ProvenEntry};
use crate::checkpoint::TlogProof;
use crate::log::{read_log, record_leaf};
use crate::merkle::verify_inclusion;
use crate::note::{NoteSigner, ED25519};
use crate::policy::Policy;
use crate::verdict::Verdict;
use ed25519_dalek::{Signature, Signer, Verifier};
use geo::{Distance, Haversine, Point};
use nofly_model::EventTime;
use nofly_sources::{decode_raw, RawExtract};
use std::collections::BTreeSet;
use std::path::Path;

/// The format name written in every excerpt.
pub const EXCERPT_FORMAT: &str = "nofly-receiver-excerpt/v1";
/// Distance within which two receivers' positions of the same instant agree, metres: several times
/// the 95 % accuracy of ADS-B positions (NACp 8: 93 m) and of CPR rounding.
pub const AGREE_BASE_M: f64 = 1000.0;
/// Speed assumed when a report gives none, m/s (faster than any airliner).
const FALLBACK_SPEED_MS: f64 = 300.0;

/// One receiver's signed excerpt.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Excerpt {
    /// Always [`EXCERPT_FORMAT`].
    pub format: String,
    /// The aircraft.
    pub icao24: String,
    /// Start of the window (RFC 3339).
    pub from: String,
    /// End of the window.
    pub to: String,
    /// Which input of the run the records come from.
    pub input: u64,
    /// The receiver's run entry, with its tlog-proof against the receiver's checkpoint.
    pub run: ProvenEntry,
    /// The receiver's raw records of the aircraft in the window.
    pub raw: RawExtract,
    /// Ed25519 signature, hex, by the receiver's log key over [`Excerpt::signed_text`].
    pub signature: String,
}

impl Excerpt {
    /// The bytes signed: a fixed first line and the canonical JSON without `signature`.
    pub fn signed_text(&self) -> String {
        crate::log::signed_text_of("nofly receiver excerpt v1", self)
    }
}

/// The excerpt of aircraft `icao24` within `window_s` seconds of `at`, from the latest run of the
/// receiver's log at `log_path` that has its records (the run's input must be unchanged).
pub fn build_excerpt(
    log_path: &Path,
    icao24: &str,
    at: EventTime,
    window_s: u64,
    signer: &NoteSigner,
) -> Result<Excerpt, String> {
    let log = read_log(log_path).map_err(|e| e.to_string())?;
    let checkpoint = log
        .checkpoints
        .last()
        .filter(|c| c.note.signed_by(&signer.public(ED25519)).is_some())
        .ok_or_else(|| {
            format!(
                "{}: no checkpoint signed by {}",
                log_path.display(),
                signer.name
            )
        })?;
    let leaves = log.leaves();
    let leaves = leaves
        .get(..checkpoint.size as usize)
        .ok_or("the checkpoint covers more entries than the log holds")?;
    let icao = icao24.parse().map_err(|e| format!("{e}"))?;
    let w = window_s as i64 * 1000;
    let (from, to) = (
        EventTime::from_millis(at.millis() - w),
        EventTime::from_millis(at.millis() + w),
    );
    let runs = log.entries[..leaves.len()]
        .iter()
        .rev()
        .filter(|e| e.record["type"] == "run");
    for run in runs {
        let inputs = run.record["inputs"].as_array().map_or(0, Vec::len);
        for input in 0..inputs as u64 {
            let raw = raw_of_run(&run.record, input, icao, from, to)?;
            if raw.records.is_empty() {
                continue;
            }
            let mut excerpt = Excerpt {
                format: EXCERPT_FORMAT.into(),
                icao24: icao24.to_string(),
                from: from.to_rfc3339(),
                to: to.to_rfc3339(),
                input,
                run: proven(run.index, &run.record, leaves, &checkpoint.note),
                raw,
                signature: String::new(),
            };
            excerpt.signature =
                hex::encode(signer.key.sign(excerpt.signed_text().as_bytes()).to_bytes());
            return Ok(excerpt);
        }
    }
    Err(format!(
        "{}: no run has records of {icao24} between {} and {}",
        log_path.display(),
        from.to_rfc3339(),
        to.to_rfc3339()
    ))
}

/// Checks each excerpt of the bundle and says how many independent receivers corroborate the
/// event's position.
pub(crate) fn check_corroboration(v: &mut Verdict, bundle: &Bundle, policy: &Policy, origin: &str) {
    let event = &bundle.event.record["event"];
    let Some(time) = event["time"]
        .as_str()
        .and_then(|t| t.parse::<EventTime>().ok())
    else {
        return;
    };
    let position = event["lat"].as_f64().zip(event["lon"].as_f64());
    let mut agreeing = BTreeSet::new();
    for (k, x) in bundle.corroboration.iter().enumerate() {
        let outcome = check_excerpt(
            x,
            event["icao24"].as_str().unwrap_or(""),
            time,
            position,
            policy,
            origin,
        );
        if let Ok((receiver, _)) = &outcome {
            agreeing.insert(receiver.clone());
        }
        v.check(
            format!("receiver {}", k + 1),
            outcome.map(|(_, found)| found),
        );
    }
    v.check(
        "corroboration",
        Ok(match agreeing.len() {
            0 => format!("no other receiver: the position rests on {origin}'s records alone"),
            n => format!(
                "{n} independent receiver(s) besides {origin} put the aircraft at the event's position: {}",
                agreeing.into_iter().collect::<Vec<_>>().join(", ")
            ),
        }),
    );
}

/// One excerpt: its receiver and what it shows, or what is wrong.
fn check_excerpt(
    x: &Excerpt,
    icao24: &str,
    time: EventTime,
    position: Option<(f64, f64)>,
    policy: &Policy,
    origin: &str,
) -> Result<(String, String), String> {
    if x.format != EXCERPT_FORMAT {
        return Err(format!("unknown excerpt format {:?}", x.format));
    }
    let proof = TlogProof::parse(&x.run.proof).map_err(|e| format!("its tlog-proof: {e}"))?;
    let (checkpoint, _) = policy.examine(&proof.checkpoint);
    let checkpoint = checkpoint.map_err(|e| format!("not a receiver the policy trusts: {e}"))?;
    let receiver = checkpoint.origin.to_string();
    if receiver == origin {
        return Err(format!(
            "{receiver} is the bundle's own log: not an independent receiver"
        ));
    }
    let key = policy
        .logs
        .iter()
        .map(|(k, _)| k)
        .find(|k| k.name == receiver)
        .ok_or("no key")?;
    let signature: [u8; 64] = hex::decode(&x.signature)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or("the signature is not 64 bytes of hex")?;
    key.key
        .verify(
            x.signed_text().as_bytes(),
            &Signature::from_bytes(&signature),
        )
        .map_err(|_| {
            format!("{receiver}: the signature does not match the excerpt: it was changed")
        })?;
    if proof.index != x.run.index
        || !verify_inclusion(
            x.run.index,
            checkpoint.size,
            &record_leaf(&x.run.record),
            &proof.hashes,
            &checkpoint.root,
        )
    {
        return Err(format!(
            "{receiver}: its run entry is not in its signed log"
        ));
    }
    if x.icao24 != icao24 {
        return Err(format!(
            "{receiver}: the excerpt is of {}, the event of {icao24}",
            x.icao24
        ));
    }
    let options = decoding_options(&x.run.record["settings"])?;
    let reports = decode_raw(&x.raw, x.input as u16, &options)
        .map_err(|e| format!("{receiver}: a raw record does not decode: {e}"))?;
    let icao: nofly_model::Icao24 = icao24.parse().map_err(|e| format!("{e}"))?;
    let positions: Vec<_> = reports
        .iter()
        .filter(|r| r.icao == icao && r.position.is_some())
        .collect();
    let nearest = positions
        .iter()
        .min_by_key(|r| (r.time.millis() - time.millis()).abs())
        .ok_or_else(|| format!("{receiver}: no position of {icao24} in its records"))?;
    let (Some((lat, lon)), Some((elat, elon))) = (nearest.position, position) else {
        return Err("the event has no position".into());
    };
    let dt = (nearest.time.millis() - time.millis()).abs() as f64 / 1000.0;
    let speed = nearest
        .ground_speed_kt
        .map_or(FALLBACK_SPEED_MS, |kt| f64::from(kt) * 0.514_444);
    let distance = Haversine.distance(Point::new(lon, lat), Point::new(elon, elat));
    let allowed = AGREE_BASE_M + speed * dt;
    let found = format!(
        "{receiver}: {} positions of {icao24}; the nearest, {dt:.1} s from the event, is {distance:.0} m from the event's position (within {allowed:.0} m agrees)",
        positions.len()
    );
    if distance <= allowed {
        Ok((receiver, format!("{found}: agrees")))
    } else {
        Err(format!("{found}: DISAGREES"))
    }
}
