//! The signed evidence log and bundles, end to end through the `nofly` binary, and tampering.

mod common;
use common::*;
use std::path::{Path, PathBuf};

struct Setup {
    dir: tempfile::TempDir,
    log: PathBuf,
    key: PathBuf,
    public: PathBuf,
    events: Vec<serde_json::Value>,
}

fn replay_into_log(dir: &Path, log: &Path, key: &Path, events: &Path) -> std::process::Output {
    replay_sicily(&dir.join("modes1.sbs"), log, key, events, &[])
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        repo_file("data/samples/modes1_dump1090mut_30003.sbs"),
        dir.path().join("modes1.sbs"),
    )
    .unwrap();
    let keys = nofly(&["keygen", "--dir", dir.path().to_str().unwrap()]);
    assert!(keys.status.success(), "{}", stderr(&keys));
    let (log, key) = (
        dir.path().join("evidence.log"),
        dir.path().join("nofly.key"),
    );
    let out = replay_into_log(dir.path(), &log, &key, &dir.path().join("events.jsonl"));
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("signed by nofly/"),
        "the run names its key"
    );
    let events = json_lines(&std::fs::read_to_string(dir.path().join("events.jsonl")).unwrap());
    assert!(events.len() > 3);
    Setup {
        public: dir.path().join("nofly.pub"),
        log,
        key,
        events,
        dir,
    }
}

fn verify_log_ok(log: &Path, public: &Path) -> bool {
    let key = nofly_evidence::keys::read_verifying_key(public.to_str().unwrap()).unwrap();
    nofly_evidence::verify_log(log, &nofly_evidence::policy::Policy::log_only(key)).passed()
}

#[test]
fn a_run_writes_a_log_that_verifies_and_every_flipped_byte_is_caught() {
    let s = setup();
    let out = nofly(&[
        "verify-log",
        s.log.to_str().unwrap(),
        "--pubkey",
        s.public.to_str().unwrap(),
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("extends the previous checkpoint") && text.contains("VERIFIED"),
        "{text}"
    );

    let original = std::fs::read(&s.log).unwrap();
    let tampered = s.dir.path().join("tampered.log");
    for i in 0..original.len() {
        let mut bytes = original.clone();
        bytes[i] ^= 0x01;
        std::fs::write(&tampered, &bytes).unwrap();
        assert!(
            !verify_log_ok(&tampered, &s.public),
            "flipping byte {i} ({:?}) went unnoticed",
            original[i] as char
        );
    }
    let out = {
        let mut bytes = original.clone();
        let at = original.iter().position(|b| *b == b'Z').unwrap(); // inside the first record
        bytes[at] = b'Y';
        std::fs::write(&tampered, &bytes).unwrap();
        nofly(&[
            "verify-log",
            tampered.to_str().unwrap(),
            "--pubkey",
            s.public.to_str().unwrap(),
        ])
    };
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("tampered.log:1:"),
        "names the line: {}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn removing_reordering_or_resigning_entries_fails() {
    let s = setup();
    let text = std::fs::read_to_string(&s.log).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let entries: Vec<usize> = (0..lines.len())
        .filter(|i| lines[*i].contains("\"kind\":\"entry\""))
        .collect();
    let tampered = s.dir.path().join("t.log");
    let write = |ls: Vec<&str>| std::fs::write(&tampered, ls.join("\n") + "\n").unwrap();

    let mut removed = lines.clone();
    removed.remove(entries[2]);
    write(removed);
    assert!(!verify_log_ok(&tampered, &s.public), "an entry removed");

    let mut swapped = lines.clone();
    swapped.swap(entries[1], entries[2]);
    write(swapped);
    assert!(!verify_log_ok(&tampered, &s.public), "two entries swapped");

    let mut unsigned = lines.clone();
    unsigned.pop();
    write(unsigned);
    assert!(
        !verify_log_ok(&tampered, &s.public),
        "the final checkpoint removed"
    );

    let other = s.dir.path().join("other");
    assert!(nofly(&["keygen", "--dir", other.to_str().unwrap()])
        .status
        .success());
    assert!(
        !verify_log_ok(&s.log, &other.join("nofly.pub")),
        "another key"
    );
}

#[test]
fn replays_give_byte_identical_logs_and_add_nothing_twice() {
    let s = setup();
    let second = s.dir.path().join("second.log");
    assert!(replay_into_log(
        s.dir.path(),
        &second,
        &s.key,
        &s.dir.path().join("e2.jsonl")
    )
    .status
    .success());
    // C2SP checkpoints carry no time and Ed25519 signatures are deterministic.
    assert_eq!(
        std::fs::read(&s.log).unwrap(),
        std::fs::read(&second).unwrap()
    );

    let before = nofly_evidence::read_log(&s.log).unwrap().entries.len();
    let again = replay_into_log(s.dir.path(), &s.log, &s.key, &s.dir.path().join("e3.jsonl"));
    assert!(again.status.success());
    let after = nofly_evidence::read_log(&s.log).unwrap();
    assert_eq!(after.entries.len(), before + 1, "only a new run entry");
    assert!(verify_log_ok(&s.log, &s.public));
}

#[test]
fn a_bundle_verifies_anywhere_and_every_flipped_byte_is_caught() {
    let s = setup();
    let event = s.events.iter().find(|e| e["kind"] == "enter").unwrap();
    let id = event["id"].as_str().unwrap();
    let bundle = s.dir.path().join("bundle.json");
    let out = evidence_bundle(id, &s.log, &s.key, &bundle, &["--window", "1"]);
    assert!(out.status.success(), "{}", stderr(&out));

    // Copied elsewhere, alone, it still verifies.
    let elsewhere = tempfile::tempdir().unwrap();
    let copy = elsewhere.path().join("copy.json");
    std::fs::copy(&bundle, &copy).unwrap();
    std::fs::remove_file(s.dir.path().join("modes1.sbs")).unwrap();
    let out = verify_bundle(&copy, &s.public);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("re-run of the detection")
            && text.ends_with("VERIFIED: every check passed.\n"),
        "{text}"
    );

    let key = nofly_evidence::keys::read_verifying_key(s.public.to_str().unwrap()).unwrap();
    let policy = nofly_evidence::policy::Policy::log_only(key);
    let original = std::fs::read(&bundle).unwrap();
    for i in 0..original.len() {
        let mut bytes = original.clone();
        bytes[i] ^= 0x01;
        let verified = serde_json::from_slice::<nofly_evidence::Bundle>(&bytes)
            .map(|b| nofly_evidence::verify_bundle(&b, &policy).passed())
            .unwrap_or(false);
        assert!(
            !verified,
            "flipping byte {i} ({:?}) of the bundle went unnoticed",
            original[i] as char
        );
    }

    let other = s.dir.path().join("other");
    assert!(nofly(&["keygen", "--dir", other.to_str().unwrap()])
        .status
        .success());
    let out = verify_bundle(&copy, &other.join("nofly.pub"));
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout)
        .contains("NOT VERIFIED: check \"checkpoint: log signature\" failed."));

    // The independent Python verifier (tests/evidence/verify_bundle.py) agrees, where its packages exist.
    let python_ready = std::process::Command::new("python3")
        .args(["-c", "import cryptography, shapely, pyproj"])
        .status()
        .is_ok_and(|s| s.success());
    if python_ready {
        let out = std::process::Command::new("python3")
            .arg(repo_file("tests/evidence/verify_bundle.py"))
            .arg(&copy)
            .arg(&s.public)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
    } else {
        eprintln!("python3 with cryptography, shapely and pyproj not found: `make test` installs them and runs the independent verifier");
    }
}

#[test]
fn a_bundle_of_a_beast_recording_re_runs_the_decoder_too() {
    let dir = tempfile::tempdir().unwrap();
    assert!(nofly(&["keygen", "--dir", dir.path().to_str().unwrap()])
        .status
        .success());
    let (log, key, public) = (
        dir.path().join("b.log"),
        dir.path().join("nofly.key"),
        dir.path().join("nofly.pub"),
    );
    let events = dir.path().join("b.jsonl");
    let out = replay_sicily(
        &repo_file("data/modes/modes1_dump1090mut_30005.beast"),
        &log,
        &key,
        &events,
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let ev = json_lines(&std::fs::read_to_string(&events).unwrap());
    let id = ev.iter().find(|e| e["kind"] == "enter").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let bundle = dir.path().join("bundle.json");
    let out = evidence_bundle(&id, &log, &key, &bundle, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = verify_bundle(&bundle, &public);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success()
            && text.contains(
                "raw records (beast) decoded and run through the engine give the same event"
            ),
        "{text}"
    );
    // The event carries its position's integrity, decoded again by the re-run, and the verdict
    // says what it is worth.
    assert!(text.contains("Position integrity: NIC "), "{text}");
    // Alter one raw Beast frame: the bundle's signature no longer holds.
    let mut b: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&bundle).unwrap()).unwrap();
    let first = b["raw"]["records"][0]["text"].as_str().unwrap().to_string();
    b["raw"]["records"][0]["text"] = serde_json::json!(format!(
        "{}{}",
        &first[..first.len() - 1],
        if first.ends_with('0') { '1' } else { '0' }
    ));
    std::fs::write(&bundle, b.to_string()).unwrap();
    let out = verify_bundle(&bundle, &public);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("FAILED  bundle signature"));
}

#[test]
fn a_bundle_from_a_log_whose_checkpoint_overclaims_is_refused_not_a_crash() {
    let s = setup();
    let text = std::fs::read_to_string(&s.log).unwrap();
    let last = text.lines().last().unwrap();
    let mut checkpoint: serde_json::Value = serde_json::from_str(last).unwrap();
    let note = checkpoint["checkpoint"].as_str().unwrap().to_string();
    let size = note.lines().nth(1).unwrap();
    checkpoint["checkpoint"] =
        serde_json::json!(note.replacen(&format!("\n{size}\n"), "\n1000000\n", 1));
    let damaged = text.replace(last, &nofly_evidence::canonical(&checkpoint));
    let log = s.dir.path().join("damaged.log");
    std::fs::write(&log, damaged).unwrap();
    let id = s.events.iter().find(|e| e["kind"] == "enter").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let out = evidence_bundle(&id, &log, &s.key, &s.dir.path().join("b.json"), &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("covers 1000000 entries but the log holds"),
        "{}",
        stderr(&out)
    );
}

/// Receiver B's log of `input` (its own key), and its excerpt of the aircraft at `at`.
fn receiver_excerpt(
    dir: &Path,
    name: &str,
    input: &Path,
    extra: &[&str],
    at: &str,
) -> (PathBuf, PathBuf) {
    let d = dir.join(name);
    assert!(nofly(&[
        "keygen",
        "--dir",
        d.to_str().unwrap(),
        "--name",
        &format!("{name}.test")
    ])
    .status
    .success());
    let log = d.join("ev.log");
    let out = replay_sicily(
        input,
        &log,
        &d.join("nofly.key"),
        &d.join("ev.jsonl"),
        extra,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let excerpt = d.join("excerpt.json");
    let out = nofly(&[
        "excerpt",
        "--log",
        log.to_str().unwrap(),
        "--key",
        d.join("nofly.key").to_str().unwrap(),
        "--icao24",
        "4d2023",
        "--at",
        at,
        "--out",
        excerpt.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    (excerpt, d.join("nofly.pub"))
}

#[test]
fn other_receivers_excerpts_are_counted_when_their_positions_agree() {
    let s = setup();
    let event = s.events.iter().find(|e| e["kind"] == "enter").unwrap();
    let (id, at) = (
        event["id"].as_str().unwrap(),
        event["time"].as_str().unwrap(),
    );
    // A second copy of the real SBS recording, logged under another key, stands in for a second
    // receiver: its positions are those of the event's.
    let copy = s.dir.path().join("copy.sbs");
    std::fs::copy(s.dir.path().join("modes1.sbs"), &copy).unwrap();
    let (agreeing, b_pub) = receiver_excerpt(s.dir.path(), "receiver-b", &copy, &[], at);
    // The same dump1090 session's Beast feed: its frames carry a 12 MHz counter, not the replay's
    // clock, so at the event's time (starting the counter at the first SBS time) it puts the
    // aircraft elsewhere.
    let (skewed, c_pub) = receiver_excerpt(
        s.dir.path(),
        "receiver-c",
        &repo_file("data/modes/modes1_dump1090mut_30005.beast"),
        &["--untimed-start", "2026-11-25T16:14:24.900Z"],
        at,
    );
    let key = |p: &Path| std::fs::read_to_string(p).unwrap().trim().to_string();
    let policy = s.dir.path().join("policy.txt");
    std::fs::write(
        &policy,
        format!(
            "log {}\nlog {}\nlog {}\nquorum none\n",
            key(&s.public),
            key(&b_pub),
            key(&c_pub)
        ),
    )
    .unwrap();
    let verify = |bundle: &Path| {
        let out = nofly(&[
            "verify",
            bundle.to_str().unwrap(),
            "--policy",
            policy.to_str().unwrap(),
        ]);
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    // The event's bundle with one excerpt, verified against the policy.
    let corroborated_by = |excerpt: &Path, name: &str| {
        let bundle = s.dir.path().join(name);
        let out = evidence_bundle(
            id,
            &s.log,
            &s.key,
            &bundle,
            &["--corroboration", excerpt.to_str().unwrap()],
        );
        assert!(out.status.success(), "{}", stderr(&out));
        verify(&bundle)
    };
    let bundle = s.dir.path().join("corroborated.json");
    let out = evidence_bundle(
        id,
        &s.log,
        &s.key,
        &bundle,
        &["--corroboration", agreeing.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let (ok, text) = verify(&bundle);
    assert!(ok, "{text}");
    assert!(
        text.contains("0.0 s from the event, is 0 m from the event's position")
            && text.contains("1 independent receiver(s) besides"),
        "{text}"
    );

    let skewed_bundle = s.dir.path().join("skewed.json");
    let out = evidence_bundle(
        id,
        &s.log,
        &s.key,
        &skewed_bundle,
        &[
            "--corroboration",
            agreeing.to_str().unwrap(),
            "--corroboration",
            skewed.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let (ok, text) = verify(&skewed_bundle);
    assert!(
        !ok && text.contains("FAILED  receiver 2: receiver-c.test") && text.contains("DISAGREES"),
        "{text}"
    );

    // A receiver the policy does not name, and the bundle's own log, are not independent ones.
    let (ok, text) = verify_with_pubkey(&bundle, &s.public);
    assert!(
        !ok && text.contains("not a receiver the policy trusts"),
        "{text}"
    );
    let own = s.dir.path().join("own.json");
    assert!(nofly(&[
        "excerpt",
        "--log",
        s.log.to_str().unwrap(),
        "--key",
        s.key.to_str().unwrap(),
        "--icao24",
        "4d2023",
        "--at",
        at,
        "--out",
        own.to_str().unwrap()
    ])
    .status
    .success());
    let (ok, text) = corroborated_by(&own, "own-bundle.json");
    assert!(
        !ok && text.contains("not an independent receiver"),
        "{text}"
    );
    // An excerpt changed after its receiver signed it.
    let mut x: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&agreeing).unwrap()).unwrap();
    x["raw"]["records"].as_array_mut().unwrap().truncate(10);
    let changed = s.dir.path().join("changed.json");
    std::fs::write(&changed, x.to_string()).unwrap();
    let (ok, text) = corroborated_by(&changed, "changed-bundle.json");
    assert!(
        !ok && text.contains("the signature does not match the excerpt"),
        "{text}"
    );
}

fn verify_with_pubkey(bundle: &Path, public: &Path) -> (bool, String) {
    let out = verify_bundle(bundle, public);
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}
