//! Streaming replay (issue 18): inputs merged in event time whatever way a recording is cut into
//! files, out-of-order reports put in order within `--reorder-window`, and the same events byte
//! for byte whatever the number of `--threads`.
//!
//! The recording is real: the positions the Beast recording `long_flight` (Toulouse → Amsterdam
//! and 29 other aircraft, 2023-10-24) decodes to, written as OpenSky CSV rows so that each row
//! stands alone and a file can be cut anywhere. The zones are synthetic (named so).

mod common;
use common::*;
use std::path::{Path, PathBuf};

const HEADER: &str = "time,icao24,lat,lon,baroaltitude\n";

/// `(unix seconds, CSV row)` of every airborne position of long_flight, in recording order.
fn long_flight_rows() -> Vec<(f64, String)> {
    let out = nofly(&[
        "decode",
        "--receiver",
        "43.63,1.37",
        repo_file("data/modes/long_flight.csv.gz").to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    let rows: Vec<(f64, String)> = json_lines(&text)
        .into_iter()
        .filter_map(|m| {
            let (lat, lon, alt) = (
                m["lat"].as_f64()?,
                m["lon"].as_f64()?,
                m["altitude"].as_f64()?,
            );
            let time = m["time"].as_str()?;
            let seconds = unix_seconds(time);
            Some((
                seconds,
                format!(
                    "{seconds:.3},{},{lat},{lon},{}\n",
                    m["icao24"].as_str()?,
                    alt * 0.3048
                ),
            ))
        })
        .collect();
    assert!(rows.len() > 10_000, "{} positions", rows.len());
    rows
}

/// Seconds since 1970 of an RFC 3339 time `YYYY-MM-DDTHH:MM:SS.mmmZ` (days from the civil date).
fn unix_seconds(t: &str) -> f64 {
    let n = |a: usize, b: usize| t[a..b].parse::<i64>().unwrap();
    let (y, m, d) = (n(0, 4), n(5, 7), n(8, 10));
    let (y, m) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * m + 2) / 5 + d - 1;
    let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468;
    let secs: f64 = t[17..23].parse().unwrap();
    (days * 86_400 + n(11, 13) * 3600 + n(14, 16) * 60) as f64 + secs
}

fn write_csv(path: &Path, rows: &[&(f64, String)]) {
    let mut text = String::from(HEADER);
    for (_, row) in rows {
        text.push_str(row);
    }
    std::fs::write(path, text).unwrap();
}

/// Replays the inputs against the synthetic route zones; the events without their `source`
/// (which names the input file and row) and the standard error.
fn replay(inputs: &[PathBuf], extra: &[&str]) -> (Vec<serde_json::Value>, String) {
    let dir = tempfile::tempdir().unwrap();
    let events = dir.path().join("events.jsonl");
    let zones = fixture("synthetic-toulouse-route-zones.geojson");
    let mut args = vec![
        "replay",
        "--zones",
        zones.to_str().unwrap(),
        "--lost-after",
        "20",
        "--closest-approach=20",
        "--events",
        events.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    args.extend(inputs.iter().map(|p| p.to_str().unwrap()));
    let out = nofly(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut ev = json_lines(&std::fs::read_to_string(&events).unwrap());
    for e in &mut ev {
        e.as_object_mut().unwrap().remove("source");
    }
    (ev, stderr(&out))
}

/// The rows of long_flight, and the events of them replayed from one CSV file in `dir`.
fn rows_and_events_in_one_file(dir: &Path) -> (Vec<(f64, String)>, Vec<serde_json::Value>) {
    let rows = long_flight_rows();
    let whole = dir.join("whole.csv");
    write_csv(&whole, &rows.iter().collect::<Vec<_>>());
    let (events, _) = replay(std::slice::from_ref(&whole), &[]);
    (rows, events)
}

#[test]
fn a_recording_cut_into_files_any_way_gives_the_same_events() {
    let dir = tempfile::tempdir().unwrap();
    let (rows, expected) = rows_and_events_in_one_file(dir.path());
    let kinds: std::collections::BTreeSet<&str> = expected
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert!(
        ["enter", "exit", "signal_lost"]
            .iter()
            .all(|k| kinds.contains(k)),
        "{kinds:?}"
    );

    // Three receivers' worth: rows dealt out in turn, every file spanning the whole two hours.
    let dealt: Vec<PathBuf> = (0..3)
        .map(|k| {
            let path = dir.path().join(format!("dealt-{k}.csv"));
            let part: Vec<_> = rows.iter().skip(k).step_by(3).collect();
            write_csv(&path, &part);
            path
        })
        .collect();
    assert_eq!(
        replay(&dealt, &[]).0,
        expected,
        "rows dealt over three files"
    );

    // Consecutive 20-minute files, named in reverse order, one of them gzipped: each is opened
    // only when the merge reaches its start.
    let start = rows[0].0;
    let mut hourly: Vec<PathBuf> = Vec::new();
    for k in 0..7 {
        let part: Vec<_> = rows
            .iter()
            .filter(|(t, _)| ((t - start) / 1200.0).floor() as usize == k)
            .collect();
        let path = dir.path().join(format!("part-{k}.csv"));
        write_csv(&path, &part);
        if k == 2 {
            let gz = dir.path().join("part-2.csv.gz");
            let mut enc = flate2::write::GzEncoder::new(
                std::fs::File::create(&gz).unwrap(),
                flate2::Compression::fast(),
            );
            std::io::Write::write_all(&mut enc, &std::fs::read(&path).unwrap()).unwrap();
            enc.finish().unwrap();
            hourly.push(gz);
        } else {
            hourly.push(path);
        }
    }
    hourly.reverse();
    let (merged, err) = replay(&hourly, &["--threads", "2"]);
    assert_eq!(merged, expected, "consecutive files in reverse order");
    assert!(!err.contains("out of time order"), "{err}");

    // The same parts as OpenSky's archive lays its hours out: a folder per hour holding
    // `states_….csv.tar` (a gzipped CSV and a licence inside), one hour zstd-compressed instead;
    // the archive named by its folder.
    let archive = dir.path().join("archive");
    for k in 0..7 {
        let part = std::fs::read(dir.path().join(format!("part-{k}.csv"))).unwrap();
        let hour = archive.join(format!("2023-10-24/{:02}", 9 + k));
        std::fs::create_dir_all(&hour).unwrap();
        if k == 4 {
            let z = zstd::stream::encode_all(&part[..], 3).unwrap();
            std::fs::write(hour.join(format!("states_2023-10-24-{k:02}.csv.zst")), z).unwrap();
            continue;
        }
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, &part).unwrap();
        let gz = gz.finish().unwrap();
        let mut tar = tar::Builder::new(
            std::fs::File::create(hour.join(format!("states_2023-10-24-{k:02}.csv.tar"))).unwrap(),
        );
        for (name, data) in [
            (format!("states_2023-10-24-{k:02}.csv.gz"), &gz[..]),
            (
                "LICENSE.txt".to_string(),
                &b"OpenSky terms (synthetic stand-in)"[..],
            ),
        ] {
            let mut h = tar::Header::new_ustar();
            h.set_size(data.len() as u64);
            h.set_mode(0o644);
            h.set_cksum();
            tar.append_data(&mut h, name, data).unwrap();
        }
        tar.finish().unwrap();
    }
    let (from_archive, err) = replay(std::slice::from_ref(&archive), &[]);
    assert_eq!(from_archive, expected, "an OpenSky-style archive folder");
    assert!(err.contains("format auto-detected as opensky-csv"), "{err}");
}

#[test]
fn reports_out_of_order_within_the_window_come_out_in_order_and_beyond_it_are_counted() {
    let dir = tempfile::tempdir().unwrap();
    let (rows, expected) = rows_and_events_in_one_file(dir.path());
    // Each 10 seconds of the recording written backwards.
    let mut jumbled: Vec<&(f64, String)> = Vec::new();
    for chunk in rows.chunk_by(|a, b| (a.0 / 10.0).floor() == (b.0 / 10.0).floor()) {
        jumbled.extend(chunk.iter().rev());
    }
    let path = dir.path().join("jumbled.csv");
    write_csv(&path, &jumbled);
    let (ordered, err) = replay(std::slice::from_ref(&path), &[]);
    assert_eq!(ordered, expected);
    assert!(!err.contains("--reorder-window"), "{err}");

    let (_, err) = replay(std::slice::from_ref(&path), &["--reorder-window", "0"]);
    assert!(
        err.contains("reports came more than --reorder-window after later ones"),
        "{err}"
    );
    assert!(err.contains("jumbled.csv"), "{err}");
}

#[test]
fn any_number_of_threads_gives_byte_identical_events() {
    let dir = tempfile::tempdir().unwrap();
    let run = |threads: &str| {
        let path = dir.path().join(format!("events-{threads}.jsonl"));
        let out = nofly(&[
            "replay",
            "--zones",
            fixture("synthetic-toulouse-route-zones.geojson")
                .to_str()
                .unwrap(),
            "--zones",
            fixture("synthetic-sicily-zones.geojson").to_str().unwrap(),
            "--zones",
            repo_file("data/zones/synthetic-la-demo.geojson")
                .to_str()
                .unwrap(),
            "--lost-after",
            "20",
            "--closest-approach=20",
            "--predict",
            "--threads",
            threads,
            "--receiver",
            "43.63,1.37",
            "--events",
            path.to_str().unwrap(),
            repo_file("data/modes/long_flight.csv.gz").to_str().unwrap(),
            // Untimed AVR: every report at one instant, so events of one report follow each other.
            repo_file("data/modes/lax-messages.txt.gz")
                .to_str()
                .unwrap(),
            repo_file("data/samples/modes1_dump1090mut_30003.sbs")
                .to_str()
                .unwrap(),
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(
            stderr(&out).contains(&format!("on {threads} thread")),
            "{}",
            stderr(&out)
        );
        std::fs::read(&path).unwrap()
    };
    let one = run("1");
    let lines = String::from_utf8_lossy(&one).lines().count();
    assert!(lines > 40, "{lines} events");
    for threads in ["2", "3", "4", "7"] {
        assert!(run(threads) == one, "{threads} threads differ from one");
    }
}

#[test]
fn a_parquet_file_of_many_row_groups_reads_as_its_csv_with_bad_rows_named() {
    use arrow_array::{ArrayRef, Float64Array, RecordBatch, StringArray};
    use std::sync::Arc;
    let dir = tempfile::tempdir().unwrap();
    let rows = long_flight_rows();
    // The rows as Parquet in row groups of 1,000 (decoded on several threads), one row's
    // address spoilt.
    let fields: Vec<Vec<String>> = rows
        .iter()
        .map(|(_, line)| line.trim_end().split(',').map(str::to_string).collect())
        .collect();
    let number = |k: usize| -> ArrayRef {
        Arc::new(Float64Array::from(
            fields
                .iter()
                .map(|f| f[k].parse::<f64>().unwrap())
                .collect::<Vec<_>>(),
        ))
    };
    let spoilt = 5_432;
    let mut icao: Vec<String> = fields.iter().map(|f| f[1].clone()).collect();
    icao[spoilt] = "nothex".into();
    let batch = RecordBatch::try_from_iter([
        ("time", number(0)),
        ("icao24", Arc::new(StringArray::from(icao)) as ArrayRef),
        ("lat", number(2)),
        ("lon", number(3)),
        ("baroaltitude", number(4)),
    ])
    .unwrap();
    let props = parquet::file::properties::WriterProperties::builder()
        .set_max_row_group_row_count(Some(1_000))
        .build();
    let path = dir.path().join("groups.parquet");
    let mut w = parquet::arrow::ArrowWriter::try_new(
        std::fs::File::create(&path).unwrap(),
        batch.schema(),
        Some(props),
    )
    .unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    let (from_parquet, err) = replay(std::slice::from_ref(&path), &[]);
    assert!(
        err.contains(&format!("row {spoilt}")) && err.contains("icao24"),
        "{err}"
    );
    // The events are those of the same rows as CSV without the spoilt one.
    let (without, _) = {
        let mut rows = rows.clone();
        rows.remove(spoilt);
        let csv = dir.path().join("without.csv");
        write_csv(&csv, &rows.iter().collect::<Vec<_>>());
        replay(std::slice::from_ref(&csv), &[])
    };
    assert!(!without.is_empty());
    assert_eq!(from_parquet, without);
}

/// The replay of the thread test's three real recordings (an untimed AVR file read whole, then
/// long_flight and the dated SBS file) with every rule on, to `events`, with `extra` arguments.
fn replay_three(events: &Path, extra: &[&str], kill_at: Option<&str>) -> std::process::Output {
    let zones = [
        fixture("synthetic-toulouse-route-zones.geojson"),
        fixture("synthetic-sicily-zones.geojson"),
        repo_file("data/zones/synthetic-la-demo.geojson"),
    ];
    let inputs = [
        repo_file("data/modes/long_flight.csv.gz"),
        repo_file("data/modes/lax-messages.txt.gz"),
        repo_file("data/samples/modes1_dump1090mut_30003.sbs"),
    ];
    let mut args = vec!["replay".to_string()];
    for z in &zones {
        args.extend(["--zones".into(), z.display().to_string()]);
    }
    for a in [
        "--lost-after",
        "20",
        "--closest-approach=20",
        "--predict",
        "--receiver",
        "43.63,1.37",
        "--events",
    ] {
        args.push(a.into());
    }
    args.push(events.display().to_string());
    args.extend(extra.iter().map(|a| a.to_string()));
    args.extend(inputs.iter().map(|p| p.display().to_string()));
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_nofly"));
    command.args(&args);
    if let Some(n) = kill_at {
        command.env("NOFLY_TEST_KILL_AT_CHECKPOINT", n);
    }
    command.output().unwrap()
}

#[test]
fn a_killed_replay_run_again_with_resume_continues_to_the_same_events_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("plain.jsonl");
    let out = replay_three(&plain, &["--threads", "1"], None);
    assert!(out.status.success(), "{}", stderr(&out));
    let expected = std::fs::read(&plain).unwrap();
    assert!(String::from_utf8_lossy(&expected).lines().count() > 40);
    // Killed after checkpoints in the first input (read whole), between inputs, and late in the
    // last; on one and on two detection threads.
    for threads in ["1", "2"] {
        for kill_at in ["1", "4", "14", "20"] {
            let case = format!("{threads} thread(s), killed at checkpoint {kill_at}");
            let events = dir.path().join(format!("events-{threads}-{kill_at}.jsonl"));
            let checkpoint = dir
                .path()
                .join(format!("replay-{threads}-{kill_at}.checkpoint"));
            let resumable = [
                "--threads",
                threads,
                "--resume",
                checkpoint.to_str().unwrap(),
                "--resume-every",
                "0",
            ];
            let killed = replay_three(&events, &resumable, Some(kill_at));
            assert!(!killed.status.success(), "{case}: the run was not killed");
            assert!(
                stderr(&killed).contains("stopped as a kill would"),
                "{case}"
            );
            assert_eq!(checkpoint.exists(), kill_at != "1", "{case}");
            let resumed = replay_three(&events, &resumable, None);
            assert!(resumed.status.success(), "{case}: {}", stderr(&resumed));
            if kill_at != "1" {
                assert!(stderr(&resumed).contains("resuming after"), "{case}");
            }
            assert!(
                std::fs::read(&events).unwrap() == expected,
                "{case}: events differ"
            );
            assert!(
                !checkpoint.exists(),
                "{case}: the checkpoint outlived its run"
            );
        }
    }
}

#[test]
fn a_checkpoint_of_another_run_is_refused_and_resume_refuses_outputs_taken_at_the_end() {
    let dir = tempfile::tempdir().unwrap();
    let events = dir.path().join("events.jsonl");
    let checkpoint = dir.path().join("replay.checkpoint");
    let resume_to = checkpoint.to_str().unwrap();
    let resumable = |threads| {
        vec![
            "--threads",
            threads,
            "--resume",
            resume_to,
            "--resume-every",
            "0",
        ]
    };
    let args = resumable("1");
    let killed = replay_three(&events, &args, Some("3"));
    assert!(!killed.status.success());
    // Other settings (here the thread count) make another run: refused, the checkpoint kept.
    let other = resumable("2");
    // A run refused: it fails and says why.
    let refused = |out: std::process::Output, says: &str| {
        assert!(!out.status.success());
        assert!(stderr(&out).contains(says), "{}", stderr(&out));
    };
    refused(
        replay_three(&events, &other, None),
        "the checkpoint of another run",
    );
    assert!(checkpoint.exists());
    // Not a checkpoint at all.
    std::fs::write(&checkpoint, b"not a checkpoint").unwrap();
    refused(replay_three(&events, &args, None), "not a checkpoint");
    // The store takes the events at the end of the run: not resumable.
    std::fs::remove_file(&checkpoint).unwrap();
    let db = dir.path().join("nofly.db");
    let mut with_db = args.clone();
    with_db.extend(["--db", db.to_str().unwrap()]);
    refused(replay_three(&events, &with_db, None), "cannot be resumed");
}

/// Writes `rows` (long_flight positions, each aircraft's in time order) as one gzipped readsb
/// trace file per aircraft in `dir`, the way `globe_history` keeps a day.
fn write_traces(dir: &Path, rows: &[(f64, String)]) -> usize {
    use std::io::Write;
    let mut by_aircraft: std::collections::BTreeMap<String, Vec<(f64, String)>> =
        Default::default();
    for (t, row) in rows {
        let f: Vec<&str> = row.trim().split(',').collect();
        let (lat, lon, alt_m): (f64, f64, f64) = (
            f[2].parse().unwrap(),
            f[3].parse().unwrap(),
            f[4].parse().unwrap(),
        );
        by_aircraft
            .entry(f[1].to_string())
            .or_default()
            .push((*t, format!("{lat},{lon},{}", alt_m / 0.3048)));
    }
    for (icao, points) in &by_aircraft {
        let start = points[0].0.floor();
        let trace: Vec<String> = points
            .iter()
            .map(|(t, p)| format!("[{:.3},{p},null,null,0,null,null]", t - start))
            .collect();
        let document = format!(
            r#"{{"icao":"{icao}","timestamp":{start},"trace":[{}]}}"#,
            trace.join(",")
        );
        let path = dir.join(format!("trace_full_{icao}.json.gz"));
        let mut gz = flate2::write::GzEncoder::new(
            std::fs::File::create(path).unwrap(),
            flate2::Compression::fast(),
        );
        gz.write_all(document.as_bytes()).unwrap();
        gz.finish().unwrap();
    }
    by_aircraft.len()
}

/// Kind, time, aircraft and zone of each event: what a trace and a CSV of the same positions
/// agree on (the trace's altitude is in feet, the CSV's in metres).
fn event_keys(events: &[serde_json::Value]) -> Vec<String> {
    events
        .iter()
        .map(|e| {
            format!(
                "{} {} {} {}",
                e["kind"], e["time"], e["icao24"], e["zone_id"]
            )
        })
        .collect()
}

#[test]
fn a_globe_history_day_of_many_overlapping_trace_files_reads_as_its_positions() {
    let dir = tempfile::tempdir().unwrap();
    // Synthetic copies of the real long_flight positions: every aircraft 600 times, each copy a
    // new address and 10 s later, so that over a thousand trace files overlap in time.
    let real = long_flight_rows();
    let mut aircraft: Vec<&str> = real
        .iter()
        .map(|(_, r)| r.split(',').nth(1).unwrap())
        .collect();
    aircraft.sort_unstable();
    aircraft.dedup();
    let mut rows = Vec::new();
    for copy in 0..600u32 {
        // The first copy whole (its longest trace is larger than the head), the others thinned.
        for (t, row) in real.iter().step_by(if copy == 0 { 1 } else { 20 }) {
            let mut f: Vec<String> = row.trim().split(',').map(String::from).collect();
            let n = aircraft.binary_search(&f[1].as_str()).unwrap() as u32;
            f[1] = format!("{:06x}", 0x100000 + copy * 256 + n);
            let t = t + f64::from(copy) * 10.0;
            f[0] = format!("{t:.3}");
            rows.push((t, format!("{}\n", f.join(","))));
        }
    }
    rows.sort_by(|a, b| a.0.total_cmp(&b.0));
    let csv = dir.path().join("positions.csv");
    write_csv(&csv, &rows.iter().collect::<Vec<_>>());
    let traces = dir.path().join("globe_history");
    std::fs::create_dir(&traces).unwrap();
    let files = write_traces(&traces, &rows);
    assert!(files > 1000, "{files} trace files");
    let (expected, _) = replay(&[csv], &[]);
    let (from_traces, log) = replay(&[traces], &[]);
    assert!(expected.len() > 100, "{} events", expected.len());
    assert_eq!(event_keys(&from_traces), event_keys(&expected));
    assert!(log.contains("format auto-detected as readsb-json"), "{log}");
}
