//! `nofly aircraft-db load|show` and `--aircraft-db`: a database installed in the cache folder
//! annotates the events of a replay (registration, type, operator, military from the database),
//! the run records its hash, bad records are named with file, line and field, and a database that
//! does not read leaves the installed one in place.

mod common;
use common::*;
use std::process::Command;

fn nofly_in_cache(cache: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_nofly"))
        .args(args)
        .env("NOFLY_CACHE", cache)
        .output()
        .unwrap()
}

#[test]
fn an_installed_database_annotates_the_events_and_the_run_records_it() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    // Synthetic records in the tar1090-db layout for the sample's aircraft (4D2023) and a bad line.
    let db = dir.path().join("aircraft.csv");
    std::fs::write(
        &db,
        "4d2023;9H-SYN;C130;1000;SYNTHETIC HERCULES;1999;Synthetic Air Arm;\nq00000;X;Y;0;;;;\n",
    )
    .unwrap();
    let (zones, sample) = (
        fixture("synthetic-sicily-zones.geojson"),
        repo_file("data/samples/modes1_dump1090mut_30003.sbs"),
    );
    let (zones, sample) = (zones.to_str().unwrap(), sample.to_str().unwrap());
    let none = nofly_in_cache(
        &cache,
        &["replay", "--aircraft-db", "--zones", zones, sample],
    );
    assert!(!none.status.success());
    assert!(
        stderr(&none).contains("none is installed: run `nofly aircraft-db update`"),
        "{}",
        stderr(&none)
    );

    let load = nofly_in_cache(&cache, &["aircraft-db", "load", db.to_str().unwrap()]);
    assert!(load.status.success(), "{}", stderr(&load));
    assert!(
        stderr(&load).contains(&format!("skipped {}:2: icao: \"q00000\"", db.display())),
        "{}",
        stderr(&load)
    );

    let show = nofly_in_cache(&cache, &["aircraft-db", "show", "4d2023", "ae571d"]);
    let shown = json_lines(&String::from_utf8_lossy(&show.stdout));
    assert_eq!(shown[0]["registration"], "9H-SYN");
    assert_eq!(shown[0]["military"], "database");
    assert_eq!(shown[1]["military"], "address_range");
    assert_eq!(shown[1]["country_code"], "US");

    // A file that does not read is not installed; the installed one stays.
    let broken = dir.path().join("broken.csv");
    std::fs::write(&broken, "not;a;database\n").unwrap();
    let refused = nofly_in_cache(&cache, &["aircraft-db", "load", broken.to_str().unwrap()]);
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("not installed"),
        "{}",
        stderr(&refused)
    );

    let store = dir.path().join("nofly.db");
    let out = nofly_in_cache(
        &cache,
        &[
            "replay",
            "--aircraft-db",
            "--zones",
            zones,
            "--db",
            store.to_str().unwrap(),
            sample,
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let events = json_lines(&String::from_utf8_lossy(&out.stdout));
    assert!(!events.is_empty());
    for e in &events {
        let a = &e["aircraft"];
        assert_eq!(a["registration"], "9H-SYN", "{e}");
        assert_eq!(a["type"], "C130");
        assert_eq!(a["operator"], "Synthetic Air Arm");
        assert_eq!(a["military"], "database");
        assert_eq!(a["country"], "Malta");
        assert!(e["gs_kt"].as_f64().is_some_and(|v| v > 300.0), "{e}");
    }
    use sha2::Digest;
    let sha = hex::encode(sha2::Sha256::digest(std::fs::read(&db).unwrap()));
    let conn = rusqlite::Connection::open(&store).unwrap();
    let settings: String = conn
        .query_row("SELECT settings FROM runs", [], |r| r.get(0))
        .unwrap();
    assert!(
        settings.contains(&format!("\"sha256\":\"{sha}\"")),
        "{settings}"
    );
}
