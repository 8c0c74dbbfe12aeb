//! `nofly keygen`, `evidence`, `verify` and `verify-log`.

use crate::EvidenceArgs;
use anyhow::{Context, Result};
use nofly_evidence::keys;
use std::path::Path;
use std::process::ExitCode;

/// Writes a key pair and prints its fingerprint.
pub fn keygen(dir: &Path) -> Result<ExitCode> {
    std::fs::create_dir_all(dir).with_context(|| format!("{}: cannot create", dir.display()))?;
    let key = keys::generate()?;
    let (private, public) = keys::write_pair(dir, &key)?;
    println!(
        "private key {} (mode 0600: keep it secret)",
        private.display()
    );
    println!(
        "public key  {} (give it to whoever verifies)",
        public.display()
    );
    println!("key id      {}", keys::key_id(&key.verifying_key()));
    Ok(ExitCode::SUCCESS)
}

/// Writes the bundle of one event.
pub fn bundle(args: &EvidenceArgs) -> Result<ExitCode> {
    let key = keys::read_signing_key(&args.key)?;
    let bundle = nofly_evidence::build_bundle(&args.log, &args.event_id, args.window, &key)
        .map_err(anyhow::Error::msg)?;
    let text = serde_json::to_string_pretty(&bundle)?;
    std::fs::write(&args.out, text + "\n")
        .with_context(|| format!("{}: cannot write", args.out.display()))?;
    eprintln!(
        "nofly: {}: event {} with {} raw records ({}), zone {}, checkpoint of {} entries signed by {}",
        args.out.display(),
        args.event_id,
        bundle.raw.records.len(),
        bundle.raw.format,
        bundle.zone.record["id"],
        bundle.checkpoint.tree_size,
        bundle.checkpoint.key_id
    );
    Ok(ExitCode::SUCCESS)
}

/// Verifies a bundle and prints the verdict.
pub fn verify(path: &Path, pubkey: &str) -> Result<ExitCode> {
    let key = keys::read_verifying_key(pubkey)?;
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read", path.display()))?;
    let mut trust = None;
    let verdict = match serde_json::from_str::<nofly_evidence::Bundle>(&text) {
        Ok(b) => {
            trust = position_integrity(&b.event.record["event"]);
            nofly_evidence::verify_bundle(&b, &key)
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
pub fn verify_log(path: &Path, pubkey: &str) -> Result<ExitCode> {
    let key = keys::read_verifying_key(pubkey)?;
    let verdict = nofly_evidence::verify_log(path, &key);
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
