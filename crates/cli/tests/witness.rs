//! Witnesses (`nofly witness`, C2SP tlog-witness) and RFC 3161 time-stamps, end to end: real
//! witness processes, a local TSA made with `openssl ts` (tests/evidence/tsa_server.py), and
//! `openssl ts -verify` as the independent checker of the tokens.

mod common;
use common::*;
use nofly_evidence::checkpoint::Checkpoint;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// A child process killed when dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts a process and waits for the line of its output (stdout or stderr) that `find` reads an
/// address from.
fn start(
    mut cmd: Command,
    stderr: bool,
    find: impl Fn(&str) -> Option<String>,
) -> (Running, String) {
    let mut child = if stderr {
        cmd.stderr(Stdio::piped()).stdout(Stdio::null())
    } else {
        cmd.stdout(Stdio::piped()).stderr(Stdio::null())
    }
    .spawn()
    .expect("starts");
    let pipe: Box<dyn std::io::Read + Send> = if stderr {
        Box::new(child.stderr.take().unwrap())
    } else {
        Box::new(child.stdout.take().unwrap())
    };
    let mut lines = BufReader::new(pipe).lines();
    let found = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|l| find(&l))
        .expect("says where it listens");
    // Keep draining its output so that it never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    (Running(child), found)
}

fn witness(key: &Path, log_pub: &Path, state: &Path) -> (Running, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_nofly"));
    cmd.args(["witness", "--key"])
        .arg(key)
        .arg("--log")
        .arg(log_pub)
        .arg("--state")
        .arg(state)
        .args(["--listen", "127.0.0.1:0"]);
    start(cmd, true, |l| {
        l.split_once("listening on ").map(|(_, r)| {
            r.split(' ')
                .next()
                .unwrap_or("")
                .trim_end_matches('/')
                .to_string()
        })
    })
}

fn tsa(dir: &Path, kind: &str) -> (Running, String) {
    let mut cmd = Command::new("python3");
    cmd.arg(repo_file("tests/evidence/tsa_server.py"))
        .arg(dir)
        .arg(kind);
    start(cmd, false, |l| {
        l.strip_prefix("port ")
            .map(|p| format!("http://127.0.0.1:{p}"))
    })
}

fn keygen(dir: &Path, name: &str, witness: bool) {
    let mut args = vec!["keygen", "--dir", dir.to_str().unwrap(), "--name", name];
    if witness {
        args.push("--witness");
    }
    let out = nofly(&args);
    assert!(out.status.success(), "{}", stderr(&out));
}

fn replay(
    input: &Path,
    log: &Path,
    key: &Path,
    events: &Path,
    extra: &[String],
) -> std::process::Output {
    replay_sicily(
        input,
        log,
        key,
        events,
        &extra.iter().map(String::as_str).collect::<Vec<_>>(),
    )
}

fn first_enter(events: &Path) -> String {
    json_lines(&std::fs::read_to_string(events).unwrap())
        .iter()
        .find(|e| e["kind"] == "enter")
        .expect("an enter")["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The bundle of the first ENTER of `events`, with a minute of raw records each side.
fn bundle_of_first_enter(d: &Path, log: &Path, events: &Path) -> PathBuf {
    let bundle = d.join("bundle.json");
    let out = evidence_bundle(
        &first_enter(events),
        log,
        &d.join("nofly.key"),
        &bundle,
        &["--window", "60"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    bundle
}

fn verify_with(bundle: &Path, trust: &[&str]) -> (bool, String) {
    let mut args = vec!["verify", bundle.to_str().unwrap()];
    args.extend_from_slice(trust);
    let out = nofly(&args);
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// POSTs an add-checkpoint request: status and body.
fn add_checkpoint(url: &str, body: &str) -> (u16, String) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut r = agent
        .post(&format!("{url}/add-checkpoint"))
        .send(body)
        .expect("the witness answers");
    (r.status().as_u16(), r.body_mut().read_to_string().unwrap())
}

/// A free port nothing listens on: a witness that is down.
fn dead_url() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    format!("http://{}", l.local_addr().unwrap())
}

struct Witnessed {
    dir: tempfile::TempDir,
    witnesses: Vec<(Option<Running>, String, PathBuf)>,
    log: PathBuf,
    bundle: PathBuf,
    policy_2_of_3: PathBuf,
}

/// A log whose checkpoints go to two running witnesses and one that is down, and a bundle of it.
fn witnessed_log() -> Witnessed {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    keygen(d, "test.nofly/log", false);
    let mut witnesses = Vec::new();
    let mut policy = format!(
        "log {}",
        std::fs::read_to_string(d.join("nofly.pub")).unwrap()
    );
    for i in 0..3 {
        let wd = d.join(format!("w{i}"));
        keygen(&wd, &format!("w{i}.test"), true);
        let state = wd.join("state.json");
        let (running, url) = if i < 2 {
            let (r, u) = witness(&wd.join("witness.key"), &d.join("nofly.pub"), &state);
            (Some(r), u)
        } else {
            (None, dead_url())
        };
        policy.push_str(&format!(
            "witness W{i} {} {url}\n",
            std::fs::read_to_string(wd.join("witness.pub"))
                .unwrap()
                .trim()
        ));
        witnesses.push((running, url, state));
    }
    policy.push_str("group two-of-three 2 W0 W1 W2\nquorum two-of-three\n");
    let policy_2_of_3 = d.join("policy.txt");
    std::fs::write(&policy_2_of_3, &policy).unwrap();
    std::fs::write(d.join("policy-all.txt"), policy.replace(" 2 W0", " all W0")).unwrap();

    let input = d.join("modes1.sbs");
    std::fs::copy(
        repo_file("data/samples/modes1_dump1090mut_30003.sbs"),
        &input,
    )
    .unwrap();
    let (log, events) = (d.join("evidence.log"), d.join("events.jsonl"));
    let flags: Vec<String> = witnesses
        .iter()
        .flat_map(|(_, u, _)| ["--witness".to_string(), u.clone()])
        .collect();
    let out = replay(&input, &log, &d.join("nofly.key"), &events, &flags);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&witnesses[2].1)
            && stderr(&out).contains("goes without this cosignature"),
        "the witness that is down is reported: {}",
        stderr(&out)
    );
    let bundle = bundle_of_first_enter(d, &log, &events);
    Witnessed {
        dir,
        witnesses,
        log,
        bundle,
        policy_2_of_3,
    }
}

#[test]
fn a_two_of_three_quorum_holds_with_one_witness_down_and_a_split_view_is_refused() {
    let mut w = witnessed_log();
    let d = w.dir.path().to_path_buf();
    let d = d.as_path();
    let policy = w.policy_2_of_3.to_str().unwrap();
    let (ok, text) = verify_with(&w.bundle, &["--policy", policy]);
    assert!(ok, "{text}");
    assert!(
        text.contains("quorum group two-of-three: 2 of 3 met: cosigned by W0 at"),
        "{text}"
    );
    let (ok, text) = verify_with(
        &w.bundle,
        &["--policy", d.join("policy-all.txt").to_str().unwrap()],
    );
    assert!(
        !ok && text.contains("not met: cosigned by 2 of the policy's 3 witnesses"),
        "{text}"
    );
    let out = nofly(&["verify-log", w.log.to_str().unwrap(), "--policy", policy]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    // The log's key signs another tree of the size the witnesses cosigned: a split view. Every
    // witness refuses it (422), and it stays refused after a witness restarts.
    let contents = nofly_evidence::read_log(&w.log).unwrap();
    let last = contents.checkpoints.last().unwrap();
    let signer = nofly_evidence::keys::read_signing_key(&d.join("nofly.key")).unwrap();
    let forked_body = Checkpoint {
        origin: &signer.name,
        size: last.size,
        root: [0x42; 32],
    }
    .body();
    let forked = format!("{forked_body}\n{}", signer.sign(&forked_body));
    let honest = nofly_evidence::checkpoint::log_signed_note(&last.note, &signer.name);
    for (_, url, _) in &w.witnesses[..2] {
        let (status, body) = add_checkpoint(url, &format!("old {}\n\n{forked}", last.size));
        assert_eq!(status, 422, "{body}");
        // The same size with the honest root is cosigned again.
        assert_eq!(
            add_checkpoint(url, &format!("old {}\n\n{honest}", last.size)).0,
            200
        );
        // A stale old size learns the witness's size.
        assert_eq!(
            add_checkpoint(url, &format!("old 0\n\n{honest}")),
            (409, format!("{}\n", last.size))
        );
    }
    let (first, _, state) = &mut w.witnesses[0];
    drop(first.take());
    let (_restarted, url) = witness(&d.join("w0/witness.key"), &d.join("nofly.pub"), state);
    assert_eq!(
        add_checkpoint(&url, &format!("old 0\n\n{honest}")),
        (409, format!("{}\n", last.size))
    );
    assert_eq!(
        add_checkpoint(&url, &format!("old {}\n\n{forked}", last.size)).0,
        422
    );

    // A forked log (other input, same key) submitted to the same witnesses gets no cosignature,
    // and its bundle fails the policy.
    let fork_input = d.join("fork.sbs");
    let original = std::fs::read_to_string(d.join("modes1.sbs")).unwrap();
    std::fs::write(
        &fork_input,
        original.lines().skip(3).collect::<Vec<_>>().join("\n") + "\n",
    )
    .unwrap();
    let (fork_log, fork_events) = (d.join("fork.log"), d.join("fork.jsonl"));
    let flags = vec![
        "--witness".to_string(),
        url.clone(),
        "--witness".into(),
        w.witnesses[1].1.clone(),
    ];
    let out = replay(
        &fork_input,
        &fork_log,
        &d.join("nofly.key"),
        &fork_events,
        &flags,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let fork_bundle = d.join("fork.json");
    let out = evidence_bundle(
        &first_enter(&fork_events),
        &fork_log,
        &d.join("nofly.key"),
        &fork_bundle,
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let (ok, text) = verify_with(
        &fork_bundle,
        &["--policy", w.policy_2_of_3.to_str().unwrap()],
    );
    assert!(!ok, "{text}");
    assert!(
        text.contains("FAILED  checkpoint: witnesses: quorum group two-of-three: 2 of 3 not met"),
        "{text}"
    );
    // Its own log's key alone still verifies it: only witnesses expose the split view.
    let (ok, _) = verify_with(
        &fork_bundle,
        &["--pubkey", d.join("nofly.pub").to_str().unwrap()],
    );
    assert!(ok);
}

#[test]
fn rfc3161_tokens_verify_with_openssl_and_a_token_over_another_checkpoint_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    keygen(d, "test.nofly/log", false);
    let (_rsa, rsa_url) = tsa(&d.join("tsa-rsa"), "rsa");
    let (_ec, ec_url) = tsa(&d.join("tsa-ec"), "ec");
    let input = repo_file("data/samples/modes1_dump1090mut_30003.sbs");
    let (log, events) = (d.join("evidence.log"), d.join("events.jsonl"));
    let flags = vec![
        "--tsa".to_string(),
        rsa_url.clone(),
        "--tsa".into(),
        ec_url.clone(),
    ];
    let out = replay(&input, &log, &d.join("nofly.key"), &events, &flags);
    assert!(out.status.success(), "{}", stderr(&out));
    let bundle = bundle_of_first_enter(d, &log, &events);
    let public = d.join("nofly.pub");
    let rsa_cert = d.join("tsa-rsa/tsa.crt");
    let ec_cert = d.join("tsa-ec/tsa.crt");
    let (ok, text) = verify_with(
        &bundle,
        &[
            "--pubkey",
            public.to_str().unwrap(),
            "--tsa-cert",
            rsa_cert.to_str().unwrap(),
            "--tsa-cert",
            ec_cert.to_str().unwrap(),
        ],
    );
    assert!(ok, "{text}");
    assert_eq!(
        text.matches("(a pinned TSA certificate)").count(),
        2,
        "{text}"
    );
    assert!(text.contains("proven to exist in ["), "{text}");

    // openssl, given the data and the CA, agrees on every token of the log.
    let contents = nofly_evidence::read_log(&log).unwrap();
    let signer = nofly_evidence::keys::read_signing_key(&d.join("nofly.key")).unwrap();
    let mut checked = 0;
    for c in &contents.checkpoints {
        assert_eq!(
            c.timestamps.len(),
            2,
            "two TSAs for checkpoint at line {}",
            c.line
        );
        let data = d.join("signed-checkpoint.txt");
        std::fs::write(
            &data,
            nofly_evidence::checkpoint::log_signed_note(&c.note, &signer.name),
        )
        .unwrap();
        for t in &c.timestamps {
            let token = d.join("token.der");
            std::fs::write(&token, base64_decode(&t.token)).unwrap();
            let ca = if t.tsa == rsa_url {
                "tsa-rsa/ca.crt"
            } else {
                "tsa-ec/ca.crt"
            };
            let out = Command::new("openssl")
                .args(["ts", "-verify", "-token_in", "-in"])
                .arg(&token)
                .arg("-data")
                .arg(&data)
                .arg("-CAfile")
                .arg(d.join(ca))
                .output()
                .unwrap();
            assert!(
                String::from_utf8_lossy(&out.stdout).contains("Verification: OK"),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            checked += 1;
        }
    }
    assert!(checked >= 8, "{checked} tokens");

    // The tokens of the first checkpoint, put in the bundle of the last: refused as over other data.
    let mut b: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&bundle).unwrap()).unwrap();
    b["timestamps"] = serde_json::to_value(&contents.checkpoints[0].timestamps).unwrap();
    let swapped = d.join("swapped.json");
    std::fs::write(&swapped, b.to_string()).unwrap();
    let (ok, text) = verify_with(&swapped, &["--pubkey", public.to_str().unwrap()]);
    assert!(
        !ok && text.contains("FAILED  time-stamp 1")
            && text.contains("its imprint is not the hash of this checkpoint"),
        "{text}"
    );
    // A token of a TSA that is not the pinned one is refused.
    let (ok, text) = verify_with(
        &bundle,
        &[
            "--pubkey",
            public.to_str().unwrap(),
            "--tsa-cert",
            ec_cert.to_str().unwrap(),
        ],
    );
    assert!(
        !ok && text.contains("not signed by a pinned TSA certificate"),
        "{text}"
    );
}

fn base64_decode(text: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .unwrap()
}

#[test]
fn serve_publishes_the_log_as_the_tiles_log_tiles_writes() {
    let w = witnessed_log();
    let d = w.dir.path();
    let tiles = d.join("tiles");
    let out = nofly(&[
        "log-tiles",
        w.log.to_str().unwrap(),
        "--out",
        tiles.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_nofly"));
    cmd.args([
        "serve",
        "--zones",
        fixture("synthetic-sicily-zones.geojson").to_str().unwrap(),
    ])
    .arg("--evidence-log")
    .arg(&w.log)
    .arg("--key")
    .arg(d.join("nofly.key"))
    .args(["--http", "127.0.0.1:0"]);
    let (_server, base) = start(cmd, true, |l| {
        l.split_once("web map and API on ").map(|(_, r)| {
            r.split(' ')
                .next()
                .unwrap_or("")
                .trim_end_matches('/')
                .to_string()
        })
    });
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut files = Vec::new();
    let mut stack = vec![tiles.clone()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p)
            } else {
                files.push(p)
            }
        }
    }
    assert!(files.len() >= 3, "{files:?}");
    for f in &files {
        let rel = f.strip_prefix(&tiles).unwrap().to_str().unwrap();
        let mut r = agent.get(&format!("{base}/log/{rel}")).call().unwrap();
        assert_eq!(r.status().as_u16(), 200, "{rel}");
        assert_eq!(
            r.body_mut().read_to_vec().unwrap(),
            std::fs::read(f).unwrap(),
            "{rel}"
        );
    }
    let checkpoint = std::fs::read_to_string(tiles.join("checkpoint")).unwrap();
    assert_eq!(
        checkpoint.matches("\n\u{2014} w").count(),
        2,
        "two cosignatures: {checkpoint}"
    );
    assert_eq!(
        agent
            .get(&format!("{base}/log/tile/9/000"))
            .call()
            .unwrap()
            .status()
            .as_u16(),
        404
    );
    assert_eq!(
        agent
            .get(&format!("{base}/log/../Cargo.toml"))
            .call()
            .unwrap()
            .status()
            .as_u16(),
        404
    );
}
