//! ASTERIX inputs end to end, on a synthetic, named scenario: "a primary-only intruder", a
//! target that sends nothing (no transponder) seen only by a primary radar, flying east across a
//! restricted zone. The recording is built here record by record (CAT034 with the radar's site,
//! CAT048 primary plots with no address, no track number and no Mode C).

mod common;
use common::*;

/// The synthetic radar 25/13 stands at 54.70 N 20.50 E, 40 m above the ellipsoid.
const SITE: (f64, f64, f64) = (54.70, 20.50, 40.0);

fn block(category: u8, records: &[Vec<u8>]) -> Vec<u8> {
    let body = records.concat();
    let mut out = vec![category];
    out.extend(((body.len() + 3) as u16).to_be_bytes());
    out.extend(body);
    out
}

/// The field specification marking `frns` (1-based) present.
fn fspec(frns: &[usize]) -> Vec<u8> {
    let bytes = frns.iter().max().unwrap().div_ceil(7);
    let mut out = vec![0u8; bytes];
    for &frn in frns {
        out[(frn - 1) / 7] |= 0x80 >> ((frn - 1) % 7);
    }
    for b in &mut out[..bytes - 1] {
        *b |= 1;
    }
    out
}

fn tod(seconds: f64) -> Vec<u8> {
    ((seconds * 128.0).round() as u32).to_be_bytes()[1..].to_vec()
}

/// CAT034 north marker with the radar's site (I034/120).
fn site_message(seconds: f64) -> Vec<u8> {
    let mut r = fspec(&[1, 2, 3, 11]);
    r.extend([25, 13, 1]);
    r.extend(tod(seconds));
    let deg = |d: f64| ((d / 180.0 * 8_388_608.0).round() as i32).to_be_bytes()[1..].to_vec();
    r.extend((SITE.2 as i16).to_be_bytes());
    r.extend(deg(SITE.0));
    r.extend(deg(SITE.1));
    r
}

/// CAT048 primary-only plot (TYP 1) at `range_nm` and `azimuth_deg`.
fn primary_plot(seconds: f64, range_nm: f64, azimuth_deg: f64) -> Vec<u8> {
    let mut r = fspec(&[1, 2, 3, 4]);
    r.extend([25, 13]);
    r.extend(tod(seconds));
    r.push(0x20); // TYP 1, nothing else, no extension
    r.extend(((range_nm * 256.0).round() as u16).to_be_bytes());
    r.extend(((azimuth_deg / 360.0 * 65536.0).round() as u16).to_be_bytes());
    r
}

/// The scenario: a site message, then a plot every 4 s from 10 NM to 40 NM due east at 450 kt
/// (0.5 NM a scan), starting at 23:59:00 so that the recording crosses midnight.
fn scenario() -> Vec<u8> {
    let start = 86_340.0;
    let mut out = block(34, &[site_message(start)]);
    for scan in 0..60 {
        let t = start + 4.0 * scan as f64;
        let t = if t >= 86_400.0 { t - 86_400.0 } else { t };
        out.extend(block(
            48,
            &[primary_plot(t, 10.0 + 0.5 * scan as f64, 90.0)],
        ));
    }
    out
}

/// A zone east of the radar, from about 20 to 30 NM out.
const ZONE: &str = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"SYN-EAST","name":"Synthetic restricted box east of the radar","kind":"restricted","lower":"SFC","upper":"UNL"},"geometry":{"type":"Polygon","coordinates":[[[21.07,54.6],[21.37,54.6],[21.37,54.8],[21.07,54.8],[21.07,54.6]]]}}]}"#;

fn replay(
    dir: &std::path::Path,
    recording: &[u8],
    extra: &[&str],
) -> (std::process::Output, Vec<serde_json::Value>) {
    let zones = dir.join("zones.geojson");
    std::fs::write(&zones, ZONE).unwrap();
    let input = dir.join("synthetic-primary-intruder.ast");
    std::fs::write(&input, recording).unwrap();
    let mut args = vec![
        "replay",
        "--zones",
        zones.to_str().unwrap(),
        "--untimed-start",
        "2026-12-05T23:58:00Z",
    ];
    args.extend(extra);
    args.push(input.to_str().unwrap());
    let out = nofly(&args);
    let events = json_lines(&String::from_utf8(out.stdout.clone()).unwrap());
    (out, events)
}

#[test]
fn a_primary_only_plot_raises_an_enter() {
    let dir = tempfile::tempdir().unwrap();
    let (out, events) = replay(dir.path(), &scenario(), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("asterix"),
        "the format is sniffed and said: {err}"
    );
    let enter: Vec<_> = events.iter().filter(|e| e["kind"] == "enter").collect();
    assert_eq!(enter.len(), 1, "{events:?}");
    let e = enter[0];
    let id = e["icao24"].as_str().unwrap();
    assert!(
        id.starts_with('~') && id.len() == 9,
        "a track identity, not an address: {id}"
    );
    assert_eq!(e["position_source"], "radar");
    assert_eq!(
        e["sensor"],
        serde_json::json!({"sac": 25, "sic": 13, "kind": "primary"})
    );
    assert!(e["alt_ft"].is_null(), "a primary plot has no altitude: {e}");
    // Entered between 19 and 21 NM out: after midnight, dated into the next day.
    let lon = e["lon"].as_f64().unwrap();
    assert!((21.07..21.1).contains(&lon), "{lon}");
    assert!(
        e["time"].as_str().unwrap().starts_with("2026-12-06T00:00"),
        "{e}"
    );
    // Every plot belongs to the one track nofly kept for it.
    assert!(events.iter().all(|e| e["icao24"] == id), "{events:?}");
    let exit: Vec<_> = events.iter().filter(|e| e["kind"] == "exit").collect();
    assert_eq!(exit.len(), 1, "{events:?}");
}

#[test]
fn the_same_recording_gives_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let (a, _) = replay(dir.path(), &scenario(), &[]);
    let (b, _) = replay(dir.path(), &scenario(), &[]);
    assert!(a.status.success() && !a.stdout.is_empty());
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn corrupt_bytes_are_reported_and_the_rest_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let good = scenario();
    let (_, clean) = replay(dir.path(), &good, &[]);
    // Twenty bytes of garbage after the site message and the first three plots.
    let plot = block(48, &[primary_plot(0.0, 10.0, 90.0)]).len();
    let cut = block(34, &[site_message(86_340.0)]).len() + 3 * plot;
    let mut bad = good[..cut].to_vec();
    bad.extend([0xff; 20]);
    bad.extend(&good[cut..]);
    let (out, events) = replay(dir.path(), &bad, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("byte {cut}"))
            && err.contains("20 bytes that are no ASTERIX data block"),
        "{err}"
    );
    let kinds = |e: &[serde_json::Value]| e.iter().map(|e| e["kind"].clone()).collect::<Vec<_>>();
    assert_eq!(
        kinds(&events),
        kinds(&clean),
        "the plots around the garbage are all read"
    );
}

#[test]
fn a_radar_without_a_site_is_named_and_can_be_given_one() {
    let dir = tempfile::tempdir().unwrap();
    // The scenario without its CAT034 site message.
    let skip = block(34, &[site_message(86_340.0)]).len();
    let plots = scenario()[skip..].to_vec();
    let (out, events) = replay(dir.path(), &plots, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(events.is_empty());
    assert!(
        stderr(&out).contains("--radar-site 25/13="),
        "{}",
        stderr(&out)
    );
    let (out, events) = replay(
        dir.path(),
        &plots,
        &["--radar-site", "25/13=54.70,20.50,40"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(events.iter().filter(|e| e["kind"] == "enter").count(), 1);
}

/// CAT048 Mode S roll-call plot of aircraft 4B1812 at FL350.
fn mode_s_plot(seconds: f64, range_nm: f64, azimuth_deg: f64) -> Vec<u8> {
    let mut r = fspec(&[1, 2, 3, 4, 6, 8]);
    r.extend([25, 13]);
    r.extend(tod(seconds));
    r.push(0xa0); // TYP 5
    r.extend(((range_nm * 256.0).round() as u16).to_be_bytes());
    r.extend(((azimuth_deg / 360.0 * 65536.0).round() as u16).to_be_bytes());
    r.extend(1400u16.to_be_bytes()); // FL350
    r.extend([0x4b, 0x18, 0x12]);
    r
}

/// CAT021 2.6 ADS-B report of station 25/50: aircraft 4B1812 at FL350 where it says it is.
fn adsb_report(seconds: f64, lat: f64, lon: f64) -> Vec<u8> {
    let mut r = fspec(&[1, 2, 5, 7, 11, 21]);
    r.extend([25, 50, 0x00]);
    r.extend(tod(seconds));
    let deg = |d: f64| ((d * 2f64.powi(30) / 180.0).round() as i32).to_be_bytes();
    r.extend(deg(lat));
    r.extend(deg(lon));
    r.extend([0x4b, 0x18, 0x12]);
    r.extend(1400i16.to_be_bytes());
    r
}

/// Synthetic: the radar sees 4B1812 flying east at FL350, and the aircraft broadcasts ADS-B half
/// a second after each plot, `offset_deg` north of where the radar sees it.
fn seen_and_said(offset_deg: f64) -> Vec<u8> {
    let start = 43_200.0;
    let site = nofly_asterix::Site {
        lat: SITE.0,
        lon: SITE.1,
        height_m: SITE.2,
    };
    let mut out = block(34, &[site_message(start)]);
    for scan in 0..50 {
        let t = start + 2.0 * scan as f64;
        let range = 10.0 + 0.25 * scan as f64;
        out.extend(block(48, &[mode_s_plot(t, range, 90.0)]));
        let (lat, lon) = nofly_asterix::plot_position(&site, range, 90.0, Some(35_000.0 * 0.3048));
        out.extend(block(21, &[adsb_report(t + 0.5, lat + offset_deg, lon)]));
    }
    out
}

#[test]
fn an_ads_b_position_the_radar_does_not_confirm_marks_the_event() {
    let dir = tempfile::tempdir().unwrap();
    let enter = |events: &[serde_json::Value]| {
        events
            .iter()
            .find(|e| e["kind"] == "enter" && e["icao24"] == "4b1812")
            .cloned()
            .unwrap_or_else(|| panic!("{events:?}"))
    };
    let (out, honest) = replay(dir.path(), &seen_and_said(0.0), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let e = enter(&honest);
    assert!(
        e.get("position_dispute").is_none(),
        "radar and ADS-B agree: {e}"
    );
    // Spoofed: the ADS-B positions 0.05° (5.6 km) north of the radar's.
    let (out, spoofed) = replay(dir.path(), &seen_and_said(0.05), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let e = enter(&spoofed);
    let dispute = &e["position_dispute"];
    assert_eq!(dispute["against"], "radar", "{e}");
    let distance = dispute["distance_m"].as_f64().unwrap();
    assert!((5_000.0..6_000.0).contains(&distance), "{e}");
    assert!(dispute["allowed_m"].as_f64().unwrap() < 1_500.0, "{e}");
}

/// Replays `recording` into an evidence log, bundles its first ENTER and verifies the bundle;
/// returns the bundle's first raw record and what `nofly verify` printed.
fn bundle_first_enter(recording: &[u8], extra: &[&str]) -> (String, String) {
    let dir = tempfile::tempdir().unwrap();
    assert!(nofly(&["keygen", "--dir", dir.path().to_str().unwrap()])
        .status
        .success());
    let (log, key, public) = (
        dir.path().join("a.log"),
        dir.path().join("nofly.key"),
        dir.path().join("nofly.pub"),
    );
    let events = dir.path().join("a.jsonl");
    let mut args = vec![
        "--evidence-log",
        log.to_str().unwrap(),
        "--key",
        key.to_str().unwrap(),
        "--events",
        events.to_str().unwrap(),
    ];
    args.extend(extra);
    let (out, _) = replay(dir.path(), recording, &args);
    assert!(out.status.success(), "{}", stderr(&out));
    let ev = json_lines(&std::fs::read_to_string(&events).unwrap());
    let id = ev.iter().find(|e| e["kind"] == "enter").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let bundle = dir.path().join("bundle.json");
    let out = evidence_bundle(&id, &log, &key, &bundle, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let b: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&bundle).unwrap()).unwrap();
    let first = b["raw"]["records"][0]["text"].as_str().unwrap().to_string();
    let out = verify_bundle(&bundle, &public);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{text}");
    (first, text)
}

const SAME_EVENT: &str =
    "raw records (asterix) decoded and run through the engine give the same event";

#[test]
fn a_bundle_of_a_primary_plot_re_runs_the_decoder_and_the_site() {
    let (first, text) = bundle_first_enter(&scenario(), &[]);
    assert!(
        first.starts_with("22"),
        "the radar's CAT034 site record comes first: {first}"
    );
    assert!(text.contains(SAME_EVENT), "{text}");
}

#[test]
fn a_bundle_of_a_plot_placed_from_a_given_site_re_runs_with_that_site() {
    // The scenario without its CAT034 site message: the run's --radar-site places the plots, and
    // the verifier takes the site from the run's recorded settings.
    let skip = block(34, &[site_message(86_340.0)]).len();
    let (first, text) = bundle_first_enter(
        &scenario()[skip..],
        &["--radar-site", "25/13=54.70,20.50,40"],
    );
    assert!(first.starts_with("30"), "no site record to carry: {first}");
    assert!(text.contains(SAME_EVENT), "{text}");
}

#[test]
fn a_disputed_position_is_a_spoofing_sign_for_the_gnss_monitor() {
    let dir = tempfile::tempdir().unwrap();
    let cells = |offset_deg: f64| {
        let input = dir.path().join("seen-and-said.ast");
        std::fs::write(&input, seen_and_said(offset_deg)).unwrap();
        let out_file = dir.path().join("cells.geojson");
        let out = nofly(&[
            "gnss",
            "--untimed-start",
            "2026-12-05T23:58:00Z",
            "--out",
            out_file.to_str().unwrap(),
            input.to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
        std::fs::read_to_string(&out_file).unwrap()
    };
    assert!(!cells(0.0).contains("position_disputed"));
    let spoofed = cells(0.05);
    assert!(spoofed.contains("\"position_disputed\""), "{spoofed}");
}
