//! `nofly keygen`, `migrate-log`, `evidence`, `verify` and `verify-log`.

use crate::{EvidenceArgs, TrustArgs};
use anyhow::{Context, Result};
use nofly_evidence::keys;
use nofly_evidence::note::{COSIGNATURE_V1, ED25519};
use nofly_evidence::policy::Policy;
use std::path::Path;
use std::process::ExitCode;

/// Writes a key pair and prints its verifier key.
pub fn keygen(dir: &Path, name: Option<&str>, witness: bool) -> Result<ExitCode> {
    std::fs::create_dir_all(dir).with_context(|| format!("{}: cannot create", dir.display()))?;
    let signer = keys::generate(name)?;
    let stem = if witness { "witness" } else { "nofly" };
    let (private, public) = keys::write_pair(dir, stem, &signer, witness)?;
    println!(
        "private key {} (mode 0600: keep it secret)",
        private.display()
    );
    println!(
        "public key  {} (give it to whoever verifies)",
        public.display()
    );
    let kind = if witness { COSIGNATURE_V1 } else { ED25519 };
    println!("verifier key {}", signer.public(kind).vkey());
    Ok(ExitCode::SUCCESS)
}

/// Converts a v1 log.
pub fn migrate(log: &Path, key: &Path, out: &Path) -> Result<ExitCode> {
    let signer = keys::read_signing_key(key)?;
    let n = nofly_evidence::migrate_log(log, out, &signer).map_err(anyhow::Error::msg)?;
    eprintln!(
        "nofly: {}: {n} checkpoints re-signed as C2SP checkpoints of {}",
        out.display(),
        signer.name
    );
    Ok(ExitCode::SUCCESS)
}

/// Writes one receiver's excerpt of an aircraft around a time.
pub fn excerpt(
    log: &Path,
    key: &Path,
    icao24: &str,
    at: &str,
    window: u64,
    out: &Path,
) -> Result<ExitCode> {
    let signer = keys::read_signing_key(key)?;
    let at = at.parse().map_err(|e| anyhow::anyhow!("--at {at}: {e}"))?;
    let excerpt = nofly_evidence::corroboration::build_excerpt(log, icao24, at, window, &signer)
        .map_err(anyhow::Error::msg)?;
    std::fs::write(out, serde_json::to_string_pretty(&excerpt)? + "\n")
        .with_context(|| format!("{}: cannot write", out.display()))?;
    eprintln!(
        "nofly: {}: {} raw records of {icao24} from {} to {}, signed by {}",
        out.display(),
        excerpt.raw.records.len(),
        excerpt.from,
        excerpt.to,
        signer.name
    );
    Ok(ExitCode::SUCCESS)
}

/// Prints a consistency proof between two sizes of the log.
pub fn consistency_proof(log: &Path, old: u64, new: Option<u64>) -> Result<ExitCode> {
    let leaves = nofly_evidence::read_log(log)?.leaves();
    let new = new.unwrap_or(leaves.len() as u64);
    anyhow::ensure!(
        old <= new && new <= leaves.len() as u64,
        "{}: sizes {old} to {new} in a log of {} entries",
        log.display(),
        leaves.len()
    );
    if old > 0 {
        for h in nofly_evidence::merkle::consistency_proof(old as usize, &leaves[..new as usize]) {
            println!("{}", nofly_evidence::checkpoint::encode_hash(&h));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes the log's tlog-tiles.
pub fn log_tiles(log: &Path, out: &Path) -> Result<ExitCode> {
    let contents = nofly_evidence::read_log(log)?;
    let (files, bytes, left_out) =
        nofly_evidence::tiles::write_tiles(&contents, out).map_err(anyhow::Error::msg)?;
    for why in &left_out {
        eprintln!("nofly: {}: left out {why}", out.display());
    }
    eprintln!(
        "nofly: {}: {files} files, {bytes} bytes of tlog-tiles for the checkpoint of {} entries",
        out.display(),
        contents.checkpoints.last().map_or(0, |c| c.size)
    );
    Ok(ExitCode::SUCCESS)
}

/// The policy a verification applies.
fn read_trust(trust: &TrustArgs) -> Result<Policy> {
    let mut policy = match (&trust.pubkey, &trust.policy) {
        (Some(key), _) => Policy::log_only(keys::read_verifying_key(key)?),
        (None, Some(path)) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("{}: cannot read", path.display()))?;
            Policy::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?
        }
        (None, None) => anyhow::bail!("give --pubkey or --policy"),
    };
    for path in &trust.tsa_certs {
        policy.tsa_certs.push(read_certificate(path)?);
    }
    Ok(policy)
}

/// A certificate file, PEM or DER, as DER.
fn read_certificate(path: &Path) -> Result<Vec<u8>> {
    let bytes = std::fs::read(path).with_context(|| format!("{}: cannot read", path.display()))?;
    let Some(pem) = std::str::from_utf8(&bytes)
        .ok()
        .filter(|t| t.contains("-----BEGIN CERTIFICATE-----"))
    else {
        return Ok(bytes);
    };
    let b64: String = pem
        .lines()
        .skip_while(|l| !l.starts_with("-----BEGIN CERTIFICATE-----"))
        .skip(1)
        .take_while(|l| !l.starts_with("-----END"))
        .collect();
    base64::Engine::decode(&base64::engine::general_purpose::STANDARD, b64.trim())
        .with_context(|| format!("{}: the PEM certificate is not base64", path.display()))
}

/// Writes the bundle of one event.
pub fn bundle(args: &EvidenceArgs) -> Result<ExitCode> {
    let key = keys::read_signing_key(&args.key)?;
    let corroboration = args
        .corroboration
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("{}: cannot read", path.display()))?;
            serde_json::from_str(&text)
                .with_context(|| format!("{}: not a receiver excerpt", path.display()))
        })
        .collect::<Result<Vec<_>>>()?;
    let bundle =
        nofly_evidence::build_bundle(&args.log, &args.event_id, args.window, &key, corroboration)
            .map_err(anyhow::Error::msg)?;
    let text = serde_json::to_string_pretty(&bundle)?;
    std::fs::write(&args.out, text + "\n")
        .with_context(|| format!("{}: cannot write", args.out.display()))?;
    eprintln!(
        "nofly: {}: event {} with {} raw records ({}), zone {}, tlog-proofs against a checkpoint signed by {}",
        args.out.display(),
        args.event_id,
        bundle.raw.records.len(),
        bundle.raw.format,
        bundle.zone.record["id"],
        key.name
    );
    Ok(ExitCode::SUCCESS)
}

/// Verifies a bundle and prints the verdict.
pub fn verify(path: &Path, trust: &TrustArgs) -> Result<ExitCode> {
    let policy = read_trust(trust)?;
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read", path.display()))?;
    let mut trust = None;
    let verdict = match serde_json::from_str::<nofly_evidence::Bundle>(&text) {
        Ok(b) => {
            trust = position_integrity(&b.event.record["event"]);
            nofly_evidence::verify_bundle(&b, &policy)
        }
        Err(e) => {
            let mut v = nofly_evidence::Verdict::default();
            v.check(
                "bundle format",
                Err(format!(
                    "{}: not a nofly evidence bundle: {e}",
                    path.display()
                )),
            );
            v
        }
    };
    let code = print_verdict(path, "evidence bundle", &verdict);
    if let Some(trust) = trust.filter(|_| verdict.passed()) {
        println!("{trust}");
    }
    Ok(code)
}

/// How far the event's position can be trusted, from the NIC and NACp it carries.
fn position_integrity(event: &serde_json::Value) -> Option<String> {
    use nofly_model::integrity::{accuracy_bound_m, containment_radius_m};
    let category = |key: &str| event[key].as_u64().and_then(|v| u8::try_from(v).ok());
    let (nic, nacp) = (category("nic"), category("nacp"));
    if nic.is_none() && nacp.is_none() {
        return None;
    }
    let metres = |m: Option<f64>| m.map_or("unknown".to_string(), |m| format!("< {m:.0} m"));
    let mut parts = Vec::new();
    if let Some(n) = nic {
        parts.push(format!(
            "NIC {n}, containment radius {}",
            metres(containment_radius_m(n))
        ));
    }
    if let Some(n) = nacp {
        parts.push(format!(
            "NACp {n}, 95 % accuracy {}",
            metres(accuracy_bound_m(n))
        ));
    }
    let degraded = if event["degraded"] == true {
        " DEGRADED: below the ADS-B Out floors (NIC 7, NACp 8); the position may be wrong by more than a zone's margin"
    } else {
        ""
    };
    Some(format!(
        "Position integrity: {}.{degraded}",
        parts.join("; ")
    ))
}

/// Verifies a whole log and prints the verdict.
pub fn verify_log(path: &Path, trust: &TrustArgs) -> Result<ExitCode> {
    let verdict = nofly_evidence::verify_log(path, &read_trust(trust)?);
    Ok(print_verdict(path, "evidence log", &verdict))
}

/// Prints a verdict under the name of what was checked; exit 0 only when every check passed.
fn print_verdict(path: &Path, what: &str, verdict: &nofly_evidence::Verdict) -> ExitCode {
    println!("{}: {what}", path.display());
    println!("{verdict}");
    if verdict.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
