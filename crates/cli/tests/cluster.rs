//! nofly on a cluster, against the real NATS JetStream (127.0.0.1:4222) and PostgreSQL
//! (127.0.0.1:5432, database `test`): one ingester and three workers give exactly the events of one
//! `nofly replay`; a worker killed with SIGKILL and restarted loses and duplicates nothing; workers
//! and ingester ride out the loss of their NATS connection.
//!
//! Every test uses its own stream, subjects, zone bucket and PostgreSQL schema.

mod common;
use common::*;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const NATS: &str = "127.0.0.1:4222";
const PG: &str = "postgres://postgres@127.0.0.1:5432/test";

/// Synthetic zones over the real long_flight recording (Toulouse area, central France).
const ZONES: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"id":"SYNTH-CENTRE-FRANCE","name":"Synthetic box over central France","kind":"restricted"},"geometry":{"type":"Polygon","coordinates":[[[0.5,44.5],[3.0,44.5],[3.0,47.5],[0.5,47.5],[0.5,44.5]]]}},
{"type":"Feature","properties":{"id":"SYNTH-LOW","name":"Synthetic low band over Toulouse","kind":"danger","upper":"FL100","radius_m":40000},"geometry":{"type":"Point","coordinates":[1.37,43.63]}}]}"#;

struct Cluster {
    dir: tempfile::TempDir,
    unique: String,
    nats: String,
}

impl Cluster {
    fn new(nats: &str) -> Self {
        let unique = format!(
            "c{}_{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        );
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("zones.geojson"), ZONES).unwrap();
        Cluster {
            dir,
            unique,
            nats: format!("nats://{nats}"),
        }
    }

    fn stream_args(&self) -> Vec<String> {
        vec![
            "--stream".into(),
            format!("S_{}", self.unique),
            "--subject-prefix".into(),
            format!("r_{}", self.unique),
        ]
    }

    fn publish_zones(&self) {
        self.publish_zone_file(&self.dir.path().join("zones.geojson"));
    }

    fn publish_zone_file(&self, file: &Path) {
        let out = nofly(&[
            "zones",
            "publish",
            file.to_str().unwrap(),
            "--to",
            &self.nats,
            "--bucket",
            &format!("z_{}", self.unique),
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
    }

    fn ingest_command(&self, input: &Path) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_nofly"));
        c.args([
            "ingest",
            "--source",
            input.to_str().unwrap(),
            "--receiver",
            "43.63,1.37",
        ])
        .args(["--to", &self.nats])
        .args(self.stream_args());
        c
    }

    fn ingest(&self, input: &Path) -> String {
        let out = self.ingest_command(input).output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        stderr(&out)
    }

    /// Starts a worker over `partitions`, its standard error in a file.
    fn worker(&self, partitions: &str, extra: &[&str]) -> (Child, PathBuf) {
        let log = self
            .dir
            .path()
            .join(format!("worker-{partitions}-{}.log", extra.len()));
        let child = Command::new(env!("CARGO_BIN_EXE_nofly"))
            .args(["watch", "--source", &self.nats, "--partitions", partitions])
            .args(self.stream_args())
            .args(["--zone-bucket", &format!("z_{}", self.unique)])
            .args(["--pg", PG, "--pg-schema", &self.unique])
            .args([
                "--events",
                self.dir
                    .path()
                    .join(format!("events-{partitions}.jsonl"))
                    .to_str()
                    .unwrap(),
            ])
            .args(extra)
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        (child, log)
    }

    /// The events in PostgreSQL, as JSON texts, sorted.
    fn stored(&self) -> Vec<String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let store = nofly_sinks::PostgresStore::connect(PG, &self.unique)
                .await
                .unwrap();
            let mut events = store.event_jsons().await.unwrap();
            events.sort();
            events
        })
    }

    fn wait_for_events(&self, n: usize) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(90);
        loop {
            let events = self.stored();
            if events.len() >= n {
                return events;
            }
            assert!(
                Instant::now() < deadline,
                "{} of {n} events stored",
                events.len()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

/// The events of one `nofly replay` of the inputs, as JSON texts, sorted.
fn replayed(dir: &Path, inputs: &[&Path]) -> Vec<String> {
    let mut args = vec![
        "replay".to_string(),
        "--zones".into(),
        dir.join("zones.geojson").display().to_string(),
        "--receiver".into(),
        "43.63,1.37".into(),
    ];
    args.extend(inputs.iter().map(|p| p.display().to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = nofly(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut events: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    events.sort();
    events
}

/// What an ingester said it did: reports published, and of those already in the stream.
fn ingest_counts(said: &str) -> (u64, u64) {
    let line = said
        .lines()
        .find(|l| l.contains("reports published"))
        .unwrap_or_else(|| panic!("{said}"));
    let first_number = |text: &str| -> u64 {
        let number = text.split(' ').next().unwrap_or_default();
        number.parse().unwrap_or_else(|_| panic!("{line}"))
    };
    let published = first_number(line.split("nofly: ").nth(1).unwrap_or_default());
    let already = first_number(line.split(", ").last().unwrap_or_default());
    (published, already)
}

fn long_flight() -> PathBuf {
    repo_file("data/modes/long_flight.csv.gz")
}

fn stop(mut child: Child) {
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn one_ingester_and_three_workers_find_exactly_the_events_of_one_replay() {
    let cluster = Cluster::new(NATS);
    let expected = replayed(cluster.dir.path(), &[&long_flight()]);
    assert!(
        expected.len() >= 10,
        "the zones catch the flight: {expected:?}"
    );
    cluster.publish_zones();
    let said = cluster.ingest(&long_flight());
    assert!(said.contains("reports published"), "{said}");
    // A second receiver hearing the same messages: every one is already in the stream.
    let again = cluster.ingest(&long_flight());
    let (published, already) = ingest_counts(&again);
    assert_eq!(published, already, "{again}");
    assert!(ingest_counts(&said).1 < published, "{said}");
    let workers: Vec<(Child, PathBuf)> = ["0-1", "2", "3"]
        .iter()
        .map(|p| cluster.worker(p, &[]))
        .collect();
    let stored = cluster.wait_for_events(expected.len());
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(cluster.stored(), expected, "the same events, no more");
    // Each worker wrote its own events as JSON lines too, every event once in all.
    let mut written: Vec<String> = ["0-1", "2", "3"]
        .iter()
        .flat_map(|p| {
            std::fs::read_to_string(cluster.dir.path().join(format!("events-{p}.jsonl")))
                .unwrap_or_default()
                .lines()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect();
    written.sort();
    assert_eq!(written, stored);
    for (child, log) in workers {
        stop(child);
        let log = std::fs::read_to_string(log).unwrap();
        assert!(
            log.contains("with PostGIS positions") || log.contains("storing in"),
            "{log}"
        );
    }
}

#[test]
fn a_worker_killed_mid_run_and_restarted_loses_and_duplicates_nothing() {
    let cluster = Cluster::new(NATS);
    let expected = replayed(cluster.dir.path(), &[&long_flight()]);
    cluster.publish_zones();
    // The worker takes the reports live as the ingester publishes them, in small batches, so that
    // the kill comes while it is behind, with some batches acknowledged and some not.
    let (mut first, _) = cluster.worker("0-3", &["--batch", "20"]);
    std::thread::sleep(Duration::from_secs(1));
    let mut ingester = cluster
        .ingest_command(&long_flight())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    cluster.wait_for_events(1);
    first.kill().unwrap(); // SIGKILL: no flush, no goodbye
    first.wait().unwrap();
    let at_kill = cluster.stored().len();
    assert!(ingester.wait().unwrap().success());
    let (second, log) = cluster.worker("0-3", &["--batch", "500"]);
    let stored = cluster.wait_for_events(expected.len());
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(cluster.stored(), expected, "none lost, none duplicated");
    assert_eq!(stored, expected);
    stop(second);
    // The restart re-read what the first run had acknowledged, and took the rest as new.
    let log = std::fs::read_to_string(log).unwrap();
    let floors: Vec<(u64, u64)> = log
        .lines()
        .filter_map(|l| {
            let rest = l.split("up to message ").nth(1)?;
            let end: u64 = rest.split(' ').next()?.parse().ok()?;
            let acked: u64 = rest.split('(').nth(1)?.split(' ').next()?.parse().ok()?;
            Some((acked, end))
        })
        .collect();
    assert_eq!(floors.len(), 4, "{log}");
    assert!(
        floors.iter().any(|&(acked, _)| acked > 0),
        "nothing was acknowledged before the kill: {log}"
    );
    assert!(
        floors.iter().any(|&(acked, end)| acked < end),
        "the first worker had finished: {log}"
    );
    assert!(at_kill >= 1 && at_kill <= expected.len());
}

#[test]
fn workers_switch_to_a_new_zone_set_revision_and_record_it() {
    let cluster = Cluster::new(NATS);
    let expected = replayed(cluster.dir.path(), &[&long_flight()]);
    // Revision 1: the low band alone.
    let mut low_only: serde_json::Value = serde_json::from_str(ZONES).unwrap();
    low_only["features"].as_array_mut().unwrap().remove(0);
    let first = cluster.dir.path().join("low-only.geojson");
    std::fs::write(&first, low_only.to_string()).unwrap();
    cluster.publish_zone_file(&first);
    let (worker, log) = cluster.worker("0-3", &[]);
    let deadline = Instant::now() + Duration::from_secs(30);
    while !std::fs::read_to_string(&log).unwrap().contains("1 zone(s)") {
        assert!(Instant::now() < deadline, "the worker did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    // Revision 2: both zones; the worker switches before the reports come.
    cluster.publish_zones();
    while !std::fs::read_to_string(&log)
        .unwrap()
        .contains("zone set revision 2")
    {
        assert!(Instant::now() < deadline, "the worker did not switch");
        std::thread::sleep(Duration::from_millis(100));
    }
    cluster.ingest(&long_flight());
    cluster.wait_for_events(expected.len());
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(
        cluster.stored(),
        expected,
        "events name the versions of revision 2"
    );
    stop(worker);
    // Both zone sets are recorded as runs, every zone version beside them.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (runs, versions) = runtime.block_on(async {
        let (client, connection) = tokio_postgres::connect(PG, tokio_postgres::NoTls)
            .await
            .unwrap();
        tokio::spawn(connection);
        let count = |table: &str| format!("SELECT count(*) FROM {}.{table}", cluster.unique);
        let runs: i64 = client.query_one(&count("runs"), &[]).await.unwrap().get(0);
        let versions: i64 = client.query_one(&count("zones"), &[]).await.unwrap().get(0);
        (runs, versions)
    });
    assert_eq!((runs, versions), (2, 2));
}

#[test]
fn an_ingester_publishes_a_live_beast_feed_until_ctrl_c() {
    let cluster = Cluster::new(NATS);
    let beast = std::fs::read(repo_file("data/modes/modes1_dump1090mut_30005.beast")).unwrap();
    let receiver = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("beast://{}", receiver.local_addr().unwrap());
    let ingester = Command::new(env!("CARGO_BIN_EXE_nofly"))
        .args(["ingest", "--source", &url, "--to", &cluster.nats])
        .args(cluster.stream_args())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (mut conn, _) = receiver.accept().unwrap();
    std::io::Write::write_all(&mut conn, &beast).unwrap();
    drop(conn);
    std::thread::sleep(Duration::from_secs(2));
    let status = Command::new("kill")
        .args(["-INT", &ingester.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = ingester.wait_with_output().unwrap();
    let said = stderr(&out);
    assert!(out.status.success(), "{said}");
    // Every report the feed's frames decode to (304, as `nofly replay` of the file finds) is in
    // the stream or was already there.
    let (published, _) = ingest_counts(&said);
    assert_eq!(published, 304, "{said}");
}

/// Forwards connections from a local port to NATS until stopped; stopping closes every
/// connection it carries.
struct Proxy {
    port: u16,
    open: Arc<Mutex<Vec<TcpStream>>>,
    running: Arc<Mutex<bool>>,
}

impl Proxy {
    fn start(port: u16) -> Self {
        let listener = TcpListener::bind(("127.0.0.1", port)).unwrap();
        let port = listener.local_addr().unwrap().port();
        let open: Arc<Mutex<Vec<TcpStream>>> = Arc::default();
        let running = Arc::new(Mutex::new(true));
        let (o, r) = (open.clone(), running.clone());
        listener.set_nonblocking(true).unwrap();
        std::thread::spawn(move || {
            while *r.lock().unwrap() {
                match listener.accept() {
                    Ok((client, _)) => {
                        client.set_nonblocking(false).unwrap();
                        let server = TcpStream::connect(NATS).unwrap();
                        o.lock()
                            .unwrap()
                            .extend([client.try_clone().unwrap(), server.try_clone().unwrap()]);
                        let (mut c1, mut s1) =
                            (client.try_clone().unwrap(), server.try_clone().unwrap());
                        let (mut c2, mut s2) = (client, server);
                        std::thread::spawn(move || std::io::copy(&mut c1, &mut s1));
                        std::thread::spawn(move || std::io::copy(&mut s2, &mut c2));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(20)),
                }
            }
        });
        Proxy {
            port,
            open,
            running,
        }
    }

    fn stop(self) -> u16 {
        *self.running.lock().unwrap() = false;
        for s in self.open.lock().unwrap().drain(..) {
            let _ = s.shutdown(std::net::Shutdown::Both);
        }
        std::thread::sleep(Duration::from_millis(100));
        self.port
    }
}

#[test]
fn workers_and_ingester_resume_by_themselves_after_nats_goes_away() {
    let proxy = Proxy::start(0);
    let cluster = Cluster::new(&format!("127.0.0.1:{}", proxy.port));
    let expected = replayed(cluster.dir.path(), &[&long_flight()]);
    cluster.publish_zones();
    let (worker, log) = cluster.worker("0-3", &[]);
    std::thread::sleep(Duration::from_secs(2));
    // NATS goes away under the running worker, and an ingester starts meanwhile.
    let port = proxy.stop();
    let mut ingester = cluster
        .ingest_command(&long_flight())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_secs(2));
    assert!(
        ingester.try_wait().unwrap().is_none(),
        "the ingester waits for the server"
    );
    let proxy = Proxy::start(port);
    let out = ingester.wait_with_output().unwrap();
    let said = stderr(&out);
    assert!(out.status.success(), "{said}");
    assert!(said.contains("reports published"), "{said}");
    cluster.wait_for_events(expected.len());
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(cluster.stored(), expected);
    stop(worker);
    proxy.stop();
    let log = std::fs::read_to_string(log).unwrap();
    assert!(
        log.to_lowercase().contains("disconnected") || log.contains("retrying"),
        "{log}"
    );
}
