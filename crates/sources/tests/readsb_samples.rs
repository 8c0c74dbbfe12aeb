//! The real readsb samples (data/samples/readsb): every aircraft with a position becomes a report
//! with readsb's own NIC and NACp; damaged entries are reported with entry and field; raw records
//! of an aircraft decode back into the same reports (what evidence bundles rely on).

use nofly_model::{EventTime, Report};
use nofly_sources::{decode_raw, extract_raw, read_file, Format, ModesOptions};
use std::path::PathBuf;

fn sample(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../data/samples/readsb")
        .join(name)
}

fn read(name: &str) -> (Vec<Report>, nofly_sources::ReadStats) {
    let mut out = Vec::new();
    let (format, stats) = read_file(
        &sample(name),
        None,
        0,
        EventTime::from_millis(0),
        &mut |r| out.push(r),
        &mut |_, _| {},
    )
    .unwrap();
    assert_eq!(format, Format::ReadsbJson);
    (out, stats)
}

#[test]
fn a_snapshot_and_json_lines_read_with_integrity() {
    let (reports, stats) = read("aircraft_1.json");
    assert_eq!((stats.records, reports.len(), stats.malformed), (64, 63, 0));
    let with_nic = reports
        .iter()
        .filter(|r| r.nic.is_some() && r.nacp.is_some())
        .count();
    assert!(with_nic >= 55, "{with_nic} of 63 carry nic and nac_p");
    assert!(reports
        .iter()
        .all(|r| r.time.seconds_f64() > 1_700_513_000.0));

    let (reports, stats) = read("json_2.json");
    assert_eq!((stats.records, reports.len(), stats.malformed), (90, 87, 0));

    let (reports, stats) = read("json_3.json");
    assert!(stats.malformed >= 7, "{stats:?}");
    assert!(stats.first_errors[0]
        .to_string()
        .ends_with("entry 1: field squawk: \"d276\" is not four octal digits"));
    assert_eq!(
        reports.len() as u64 + stats.malformed + stats.ignored,
        stats.records
    );
}

#[test]
fn raw_entries_decode_back_into_the_same_reports() {
    let (reports, _) = read("aircraft_1.json");
    let first = &reports[0];
    let options = ModesOptions::default();
    let extract = extract_raw(
        &sample("aircraft_1.json"),
        Format::ReadsbJson,
        0,
        &options,
        first.icao,
        first.time,
        first.time,
    )
    .unwrap();
    assert_eq!(extract.records.len(), 1);
    let again = decode_raw(&extract, 0, &options).unwrap();
    assert_eq!(&again, &reports[..1]);
}
