//! Takes each checkpoint the evidence log signs to the witnesses (`--witness URL`, C2SP
//! tlog-witness) and the time-stamping authorities (`--tsa URL`, RFC 3161) given on the command
//! line. A witness or TSA that is down or refuses is reported and left out; the checkpoint is
//! written with the cosignatures and time-stamps that were obtained, and `nofly verify` says
//! whether they meet the verifier's policy.
//!
//! Calls are blocking with a 5-second timeout each: a live watch holds its records in its queue
//! meanwhile and loses none.

use nofly_evidence::merkle::{consistency_proof, Hash};
use nofly_evidence::{Attestation, Attestor, TimestampToken};
use std::time::Duration;

/// One witness and the tree size it last cosigned for this log, as far as the log knows.
struct WitnessClient {
    url: String,
    known: u64,
}

/// The witnesses and TSAs of a run.
pub struct NetworkAttestor {
    agent: ureq::Agent,
    witnesses: Vec<WitnessClient>,
    tsas: Vec<String>,
}

impl NetworkAttestor {
    /// An attestor for these witness and TSA URLs, or none when both lists are empty.
    pub fn for_urls(witnesses: &[String], tsas: &[String]) -> Option<Box<dyn Attestor>> {
        if witnesses.is_empty() && tsas.is_empty() {
            return None;
        }
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(5)))
            .http_status_as_error(false)
            .build()
            .into();
        Some(Box::new(NetworkAttestor {
            agent,
            witnesses: witnesses
                .iter()
                .map(|u| WitnessClient {
                    url: u.trim_end_matches('/').to_string(),
                    known: 0,
                })
                .collect(),
            tsas: tsas.to_vec(),
        }))
    }

    /// One add-checkpoint request: the cosignature lines, or what went wrong. On a size conflict
    /// the witness's size is learnt and the request made once more with a proof from it.
    fn cosign(&self, w: &mut WitnessClient, note: &str, leaves: &[Hash]) -> Result<String, String> {
        let size = leaves.len() as u64;
        for _ in 0..2 {
            let old = w.known.min(size);
            let mut body = format!("old {old}\n");
            if old > 0 && old < size {
                for h in consistency_proof(old as usize, leaves) {
                    body.push_str(&base64_line(&h));
                }
            }
            body.push('\n');
            body.push_str(note);
            let url = format!("{}/add-checkpoint", w.url);
            let mut response = self
                .agent
                .post(&url)
                .content_type("text/plain; charset=utf-8")
                .send(&body)
                .map_err(|e| format!("{url}: {e}"))?;
            let status = response.status().as_u16();
            let sized = response
                .headers()
                .get("content-type")
                .is_some_and(|v| v.as_bytes().starts_with(b"text/x.tlog.size"));
            let text = response
                .body_mut()
                .with_config()
                .limit(64 * 1024)
                .read_to_string()
                .map_err(|e| format!("{url}: {e}"))?;
            match status {
                200 => {
                    w.known = size;
                    return Ok(text);
                }
                409 if sized => {
                    let theirs: u64 = text
                        .trim_end()
                        .parse()
                        .map_err(|_| format!("{url}: 409 with an unreadable size {text:?}"))?;
                    if theirs > size {
                        return Err(format!("{url}: the witness has cosigned {theirs} entries of this log, more than the {size} it holds: another history of this log exists"));
                    }
                    w.known = theirs;
                }
                _ => return Err(format!("{url}: {status}: {}", text.trim_end())),
            }
        }
        Err(format!(
            "{}: the witness's size changed twice during the request",
            w.url
        ))
    }
}

fn base64_line(h: &Hash) -> String {
    format!("{}\n", nofly_evidence::checkpoint::encode_hash(h))
}

impl NetworkAttestor {
    /// An RFC 3161 token over `note` from the TSA at `url`, base64.
    fn timestamp(&self, url: &str, note: &str) -> Result<String, String> {
        use nofly_evidence::timestamp::{request, token_of_response};
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos() as u64;
        // A positive nonce whose first byte is not zero, so that its DER encoding is minimal.
        let nonce = (nanos & ((1 << 62) - 1)) | (1 << 62);
        let mut response = self
            .agent
            .post(url)
            .content_type("application/timestamp-query")
            .send(&request(note.as_bytes(), nonce)[..])
            .map_err(|e| e.to_string())?;
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .with_config()
            .limit(1 << 20)
            .read_to_vec()
            .map_err(|e| e.to_string())?;
        if status != 200 {
            return Err(format!(
                "{status}: {}",
                String::from_utf8_lossy(&body).trim_end()
            ));
        }
        let token = token_of_response(&body, note.as_bytes(), nonce)?;
        Ok(base64::Engine::encode(
            &base64::engine::general_purpose::STANDARD,
            token,
        ))
    }
}

impl Attestor for NetworkAttestor {
    fn attest(&mut self, note: &str, leaves: &[Hash]) -> Attestation {
        let mut out = Attestation::default();
        let mut witnesses = std::mem::take(&mut self.witnesses);
        for w in &mut witnesses {
            match self.cosign(w, note, leaves) {
                Ok(lines) => out.cosignatures.push_str(&lines),
                Err(e) => eprintln!("nofly: witness: {e}; the checkpoint of {} entries goes without this cosignature", leaves.len()),
            }
        }
        self.witnesses = witnesses;
        for url in &self.tsas {
            match self.timestamp(url, note) {
                Ok(token) => out.timestamps.push(TimestampToken {
                    tsa: url.clone(),
                    token,
                }),
                Err(e) => eprintln!(
                    "nofly: time-stamp: {url}: {e}; the checkpoint of {} entries goes without it",
                    leaves.len()
                ),
            }
        }
        out
    }
}
