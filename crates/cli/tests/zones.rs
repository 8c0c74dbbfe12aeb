//! `nofly zones check`, `zones export` and `bench geofence` on real published zone files in every
//! format nofly reads.

mod common;
use common::*;

fn path(rel: &str) -> String {
    repo_file(rel).to_str().unwrap().to_string()
}

fn mixed() -> Vec<String> {
    [
        "data/zones/ed269/interuss-geo-awareness-che-1.json",
        "data/zones/ed318/interuss-cis_source_sample_ed318.json",
        "data/zones/france/airspaces-all-gpsWithTopo.openair.txt",
        "data/zones/kaliningrad-closures-2022.geojson",
    ]
    .iter()
    .map(|p| path(p))
    .collect()
}

fn zone_set_hash(stdout: &str) -> String {
    stdout
        .lines()
        .find_map(|l| l.strip_prefix("zone set: "))
        .and_then(|l| l.split("content hash ").nth(1))
        .expect("a zone set line")
        .to_string()
}

#[test]
fn check_counts_formats_and_export_reads_back_into_the_same_set() {
    let files = mixed();
    let args: Vec<&str> = ["zones", "check"]
        .into_iter()
        .chain(files.iter().map(String::as_str))
        .collect();
    let out = nofly(&args);
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "{stdout}{}", stderr(&out));
    assert!(
        stdout.contains(
            "formats: GeoJSON: 1 file(s), 8 zone(s); OpenAIR: 1 file(s), 35 zone(s); ED-269: 1 file(s), 10 zone(s); ED-318: 1 file(s), 3 zone(s)"
        ),
        "{stdout}"
    );
    let dir = tempfile::tempdir().unwrap();
    let exported = dir.path().join("all.geojson");
    let args: Vec<&str> = ["zones", "export", "--geojson", exported.to_str().unwrap()]
        .into_iter()
        .chain(files.iter().map(String::as_str))
        .collect();
    assert!(nofly(&args).status.success());
    let again = nofly(&["zones", "check", exported.to_str().unwrap()]);
    let again_out = String::from_utf8_lossy(&again.stdout).to_string();
    assert!(again.status.success(), "{again_out}");
    assert_eq!(zone_set_hash(&again_out), zone_set_hash(&stdout));
}

#[test]
fn invalid_ed318_example_fails_the_check_with_its_field() {
    let out = nofly(&[
        "zones",
        "check",
        &path("data/zones/ed318/examples/InvalidExample_GeoZone_2_Layers.json"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("/metadata/validFrom"), "{err}");
    assert!(err.contains("/features/0/properties/name/0/lang"), "{err}");
}

#[test]
fn bench_geofence_is_reproducible_from_its_seed() {
    let kaliningrad = path("data/zones/kaliningrad-closures-2022.geojson");
    let run = |seed: &str| {
        let out = nofly(&[
            "bench",
            "geofence",
            "--zones",
            &kaliningrad,
            "--points",
            "20000",
            "--seed",
            seed,
            "--json",
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let (a, b, c) = (run("7"), run("7"), run("8"));
    assert_eq!(a["zones"], 8);
    assert!(a["points_per_s"].as_f64().unwrap() > 0.0);
    assert_eq!(a["hits"], b["hits"], "same seed, same points, same answers");
    assert_ne!(a["hits"], c["hits"]);
    let inside = a["inside_fraction"].as_f64().unwrap();
    assert!(inside > 0.1 && inside < 0.9, "{inside}");
}
