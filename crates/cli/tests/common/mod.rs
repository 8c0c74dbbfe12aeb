//! Helpers shared by the command-line integration tests: run the real `nofly` binary.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// A file under the repository root.
pub fn repo_file(rel: &str) -> PathBuf {
    root().join(rel)
}

/// A fixture of this crate's tests.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Runs `nofly` with arguments and returns its output.
pub fn nofly(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nofly"))
        .args(args)
        .output()
        .expect("nofly runs")
}

/// Runs `nofly` with arguments and `input` on its standard input.
pub fn nofly_with_stdin(args: &[&str], input: &[u8]) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_nofly"))
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("nofly runs");
    let mut stdin = child.stdin.take().expect("a pipe");
    let input = input.to_vec();
    // Written from a thread: nofly may fill its output pipe before it has read all of its input.
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().expect("nofly ends");
    writer.join().expect("writer").expect("input written");
    out
}

/// `nofly evidence ID --log LOG --key KEY --out BUNDLE` with any further arguments.
pub fn evidence_bundle(id: &str, log: &Path, key: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "evidence",
        id,
        "--log",
        log.to_str().unwrap(),
        "--key",
        key.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    nofly(&args)
}

/// `nofly verify BUNDLE --pubkey KEY`.
pub fn verify_bundle(bundle: &Path, public: &Path) -> Output {
    nofly(&[
        "verify",
        bundle.to_str().unwrap(),
        "--pubkey",
        public.to_str().unwrap(),
    ])
}

/// Standard error as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Parses JSON lines.
pub fn json_lines(text: &str) -> Vec<serde_json::Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect()
}

/// Status and body of an HTTP request (GET, or PUT with `body`) to nofly's API.
pub fn http(method: &str, url: &str, token: Option<&str>, body: &str) -> (u16, String) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let auth = token.map(|t| format!("Bearer {t}")).unwrap_or_default();
    let mut response = if method == "GET" {
        agent.get(url).header("Authorization", &auth).call()
    } else {
        agent.put(url).header("Authorization", &auth).send(body)
    }
    .unwrap();
    let status = response.status().as_u16();
    (status, response.body_mut().read_to_string().unwrap())
}

/// 2024-09-17T09:00:00Z, the start of a 10-minute window.
pub const T0: i64 = 1_726_563_600;

/// A synthetic readsb JSON-per-line recording near Kaliningrad (54.70 N, 20.50 E): aircraft A, B
/// and C broadcast NIC 0 for the first ten minutes and NIC 8 afterwards; aircraft D crosses the
/// area later at NIC 8 and is still there after the interference ends.
pub fn synthetic_jammed_recording() -> String {
    let mut lines = Vec::new();
    let mut line = |t: i64, hex: &str, lat: f64, lon: f64, nic: u8| {
        lines.push((
            t,
            format!(
                r#"{{"now":{t},"hex":"{hex}","lat":{lat:.5},"lon":{lon:.5},"alt_baro":30000,"alt_geom":30200,"gs":420,"track":90,"nic":{nic},"nac_p":{}}}"#,
                if nic == 0 { 0 } else { 9 }
            ),
        ));
    };
    for (k, hex) in ["aaa001", "aaa002", "aaa003"].iter().enumerate() {
        let lat = 54.68 + 0.02 * k as f64;
        for step in 0..90 {
            let t = T0 + 5 + step * 20;
            // 420 kt east: 0.0036° of longitude every 20 s at this latitude.
            let lon = 20.35 + 0.0036 * (step % 80) as f64;
            line(t, hex, lat, lon, if t < T0 + 600 { 0 } else { 8 });
        }
    }
    for step in 0..100 {
        let t = T0 + 900 + step * 10;
        line(t, "ddd004", 54.70, 20.40 + 0.0018 * step as f64, 8);
    }
    lines.sort_by_key(|(t, _)| *t);
    lines.into_iter().map(|(_, l)| l + "\n").collect()
}

/// A user zone over the area of [`synthetic_jammed_recording`] (synthetic).
pub const SYNTHETIC_JAMMED_ZONES: &str = r#"{"type": "FeatureCollection", "features": [
  {"type": "Feature", "properties": {"id": "R-SYNTH", "name": "Synthetic restricted area", "kind": "restricted"},
   "geometry": {"type": "Polygon", "coordinates": [[[20.3, 54.6], [20.7, 54.6], [20.7, 54.8], [20.3, 54.8], [20.3, 54.6]]]}}]}"#;

/// `nofly replay` of `input` against the synthetic Sicily test zones into the evidence log `log`
/// signed with `key`, a checkpoint every 4 entries, events to `events`, with further arguments.
pub fn replay_sicily(
    input: &Path,
    log: &Path,
    key: &Path,
    events: &Path,
    extra: &[&str],
) -> Output {
    let zones = fixture("synthetic-sicily-zones.geojson");
    let mut args = vec![
        "replay",
        "--zones",
        zones.to_str().unwrap(),
        "--evidence-log",
        log.to_str().unwrap(),
        "--key",
        key.to_str().unwrap(),
        "--checkpoint-every",
        "4",
        "--events",
        events.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    args.push(input.to_str().unwrap());
    nofly(&args)
}

/// A subscriber to everything under `prefix`, once the broker has acknowledged the subscription.
pub fn subscribe(prefix: &str) -> (rumqttc::Client, rumqttc::Connection) {
    let (subscriber, mut incoming) = rumqttc::Client::new(
        rumqttc::MqttOptions::new(format!("{prefix}-sub"), "127.0.0.1", 1883),
        64,
    );
    subscriber
        .subscribe(format!("{prefix}/#"), rumqttc::QoS::AtLeastOnce)
        .unwrap();
    loop {
        match incoming.recv_timeout(std::time::Duration::from_secs(10)) {
            Ok(Ok(rumqttc::Event::Incoming(rumqttc::Packet::SubAck(_)))) => break,
            Ok(Ok(_)) => continue,
            other => panic!("the broker on 127.0.0.1:1883 answers: {other:?}"),
        }
    }
    (subscriber, incoming)
}

/// The next `n` messages: topic and JSON payload.
pub fn receive(incoming: &mut rumqttc::Connection, n: usize) -> Vec<(String, serde_json::Value)> {
    let mut got = Vec::new();
    while got.len() < n {
        match incoming.recv_timeout(std::time::Duration::from_secs(10)) {
            Ok(Ok(rumqttc::Event::Incoming(rumqttc::Packet::Publish(p)))) => {
                got.push((p.topic.clone(), serde_json::from_slice(&p.payload).unwrap()));
            }
            Ok(Ok(_)) => continue,
            other => panic!("{} of {n} events received, then {other:?}", got.len()),
        }
    }
    got
}
