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
    let verdict = match serde_json::from_str::<nofly_evidence::Bundle>(&text) {
        Ok(b) => nofly_evidence::verify_bundle(&b, &key),
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
    Ok(print_verdict(path, "evidence bundle", &verdict))
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
