//! ED-269 and ED-318 readers on every published file in data/zones/ed269 and data/zones/ed318:
//! the zones, their volumes, limits with their datums, schedules in time, and the invalid example
//! refused with the field named.

use nofly_model::{EventTime, Limit, Shape, Zone};
use nofly_zones::{read_zone_file, ReadZones, Severity, ZoneFormat};

fn read(path: &str) -> (ZoneFormat, ReadZones) {
    let full = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../data/zones")
        .join(path);
    read_zone_file(path, &std::fs::read_to_string(full).unwrap())
}

fn zone<'a>(read: &'a ReadZones, id: &str) -> &'a Zone {
    read.zones
        .iter()
        .find(|z| z.id == id)
        .unwrap_or_else(|| panic!("no zone {id}"))
}

fn t(s: &str) -> EventTime {
    s.parse().unwrap()
}

fn metres(m: f64) -> f64 {
    m / 0.3048
}

fn errors(read: &ReadZones) -> Vec<String> {
    read.problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .map(ToString::to_string)
        .collect()
}

#[test]
fn ed269_uaszonelist_with_string_and_null_limits() {
    let (format, r) = read("ed269/interuss-cis_source_sample_ed269.json");
    assert_eq!(format, ZoneFormat::Ed269);
    assert!(errors(&r).is_empty(), "{:?}", r.problems);
    let z = zone(&r, "LSXX");
    assert_eq!(
        (z.band.lower, z.band.upper),
        (Limit::Agl(0.0), Limit::Unlimited)
    );
    // permanent YES with an empty dailyPeriod placeholder: always active.
    assert!(z.active.is_empty());
}

#[test]
fn ed269_features_with_volumes_circles_and_weekly_schedule() {
    let (format, r) = read("ed269/interuss-geo-awareness-che-1.json");
    assert_eq!(format, ZoneFormat::Ed269);
    assert!(errors(&r).is_empty(), "{:?}", r.problems);
    assert_eq!(r.zones.len(), 10);
    let concert = zone(&r, "Montreux Concert Area");
    assert!(matches!(concert.shape, Shape::Circle { radius_m, .. } if radius_m == 3000.0));
    assert_eq!(concert.band.upper, Limit::Msl(metres(6259.0)));
    // Saturdays and Sundays 17:00 to the end of the day (UTC), 2022-06-15 to 2023-06-15.
    assert!(concert.is_active(t("2022-06-18T17:00:00Z")));
    assert!(concert.is_active(t("2022-06-19T23:59:59.5Z")));
    assert!(!concert.is_active(t("2022-06-18T16:59:59Z")));
    assert!(!concert.is_active(t("2022-06-17T18:00:00Z")), "a Friday");
    assert!(
        !concert.is_active(t("2023-06-17T18:00:00Z")),
        "after the end date"
    );
    // Three volumes of one zone, each with its own floor.
    let floors: Vec<Limit> = (1..=3)
        .map(|v| zone(&r, &format!("Flugplatz Reichenbach/{v}")).band.lower)
        .collect();
    assert_eq!(
        floors,
        [
            Limit::Agl(0.0),
            Limit::Agl(metres(50.0)),
            Limit::Agl(metres(100.0))
        ]
    );
    // The file uses one identifier twice: the second zone is told apart, with a warning.
    assert!(r.zones.iter().any(|z| z.id == "Gantrisch Nature Park#2"));
    assert!(r
        .problems
        .iter()
        .any(|p| p.message.contains("used by an earlier zone")));
}

#[test]
fn ed269_eurocontrol_examples_leap_second_and_object_applicability() {
    let (_, r) = read("ed269/eurocontrol/UASZoneVersion-example.json");
    assert!(errors(&r).is_empty(), "{:?}", r.problems);
    let z = zone(&r, "NFZ6546");
    // "2018-12-31T15:59:60.00Z" is a leap second: the interval starts at 16:00:00.
    assert_eq!(z.active[0].from, Some(t("2018-12-31T16:00:00Z")));
    assert_eq!(z.active[0].schedule.len(), 2);
    assert!(z.is_active(t("2019-03-05T16:30:00Z")), "ANY day 16-17");
    assert!(z.is_active(t("2019-03-03T11:00:00Z")), "Sunday 10-12");
    assert!(!z.is_active(t("2019-03-04T11:00:00Z")), "Monday 11:00");

    let (_, r) = read("ed269/eurocontrol/UASZoneVersion-example-extended.json");
    assert_eq!(r.zones.len(), 2);
    assert_eq!(zone(&r, "NFZ6546/2").band.lower, Limit::Msl(metres(500.0)));

    let (format, r) = read("ed269/eurocontrol/provision_uas_zones.json");
    assert_eq!(format, ZoneFormat::Ed269);
    assert!(errors(&r).is_empty(), "{:?}", r.problems);
    assert_eq!(r.zones.len(), 11);
    let Shape::Polygons(brussels) = &zone(&r, "28525c8").shape else {
        panic!("Brussels is a polygon")
    };
    assert_eq!(brussels.0[0].interiors().len(), 4);
    // `applicability` as one object, `day` as one string: Mondays 12:00-18:00 UTC in 2020.
    assert!(zone(&r, "28525c8").is_active(t("2020-03-02T12:00:00Z")));
    assert!(!zone(&r, "28525c8").is_active(t("2020-03-03T12:00:00Z")));
}

#[test]
fn ed318_layers_circles_and_collection_validity() {
    let (format, r) = read("ed318/examples/Example_Collection.json");
    assert_eq!(format, ZoneFormat::Ed318);
    assert!(errors(&r).is_empty(), "{:?}", r.problems);
    assert_eq!(r.zones.len(), 3);
    let upper_layer = zone(&r, "NFZ6547/1");
    assert_eq!(
        (upper_layer.band.lower, upper_layer.band.upper),
        (Limit::Agl(metres(50.0)), Limit::Agl(metres(150.0)))
    );
    let circle = zone(&r, "ABC1234");
    assert!(matches!(circle.shape, Shape::Circle { radius_m, .. } if radius_m == 3500.0));
    // No limitedApplicability: active from the collection's validFrom on.
    assert!(!circle.is_active(t("2018-12-31T15:59:58Z")));
    assert!(circle.is_active(t("2018-12-31T15:59:59Z")));

    let (_, r) = read("ed318/interuss-cis_source_sample_ed318.json");
    assert!(errors(&r).is_empty(), "{:?}", r.problems);
    assert_eq!(r.zones.len(), 3);
    assert_eq!(zone(&r, "LSZB003").band.upper, Limit::Agl(metres(99999.0)));
    // validFrom 2016-09-15T00:00:00+02:00.
    assert_eq!(
        zone(&r, "LSZB003").active[0].from,
        Some(t("2016-09-14T22:00:00Z"))
    );
    for file in [
        "Example_GeoZone_2_Layers",
        "Example_GeoZone_Circle",
        "Example_GeoZone_with_extension",
    ] {
        let (_, r) = read(&format!("ed318/examples/{file}.json"));
        assert!(
            errors(&r).is_empty() && !r.zones.is_empty(),
            "{file}: {:?}",
            r.problems
        );
    }
}

#[test]
fn invalid_ed318_example_is_refused_at_its_fields() {
    let (format, r) = read("ed318/examples/InvalidExample_GeoZone_2_Layers.json");
    assert_eq!(format, ZoneFormat::Ed318);
    assert!(r.zones.is_empty());
    let errors = errors(&r);
    assert!(
        errors
            .iter()
            .any(|e| e.contains("/metadata/validFrom: must be an RFC 3339 date-time")),
        "{errors:?}"
    );
    assert!(
        errors
            .iter()
            .any(|e| e.contains("/features/0/properties/name/0/lang: required")),
        "{errors:?}"
    );
    // ED-269's spelling REQ_AUTHORISATION is accepted in ED-318 files.
    assert!(!errors.iter().any(|e| e.contains("/type")), "{errors:?}");
}

#[test]
fn partial_examples_are_not_zone_files() {
    for file in [
        "PartialExample_GeoZoneProperties",
        "PartialExample_TimePeriod",
        "PartialExample_ZoneAuthority",
        "PartialExample_featureGeoJSON",
    ] {
        let (_, r) = read(&format!("ed318/examples/{file}.json"));
        assert!(r.zones.is_empty() && r.has_errors(), "{file}");
    }
}

#[test]
fn translated_zones_export_and_read_back_identically() {
    for path in [
        "ed269/interuss-geo-awareness-che-1.json",
        "ed269/eurocontrol/provision_uas_zones.json",
        "ed318/examples/Example_Collection.json",
        "france/airspaces-all.geojson",
    ] {
        let (_, r) = read(path);
        let features: Vec<serde_json::Value> = r
            .definitions
            .iter()
            .map(|d| serde_json::from_str(d).unwrap())
            .collect();
        let text =
            serde_json::json!({"type": "FeatureCollection", "features": features}).to_string();
        let back = nofly_zones::read_geojson("exported", &text);
        assert_eq!(back.zones, r.zones, "{path}");
    }
}

#[test]
fn schedule_edge_cases_are_read_or_refused_with_their_field() {
    let zone_with = |period: &str| {
        format!(
            r#"{{"UASZoneList": [{{"identifier": "T1", "restriction": "PROHIBITED",
            "applicability": [{period}],
            "geometry": [{{"uomDimensions": "FT", "lowerLimit": null, "lowerVerticalReference": "AMSL",
              "upperLimit": 400, "upperVerticalReference": "AGL",
              "horizontalProjection": {{"type": "Circle", "center": [7.0, 46.0], "radius": 500}}}}]}}]}}"#
        )
    };
    // Local time at +02:00, across midnight; a time without offset is UTC with a warning.
    let (_, r) = read_zone_file(
        "t",
        &zone_with(
            r#"{"permanent": "NO", "schedule": [{"day": ["FRI"], "startTime": "22:00:00+02:00", "endTime": "02:00:00+02:00"}]}"#,
        ),
    );
    let z = &r.zones[0];
    assert_eq!(z.band.lower, Limit::Surface);
    assert!(z.is_active(t("2024-05-17T20:30:00Z")), "Friday 22:30 local");
    assert!(
        z.is_active(t("2024-05-17T23:30:00Z")),
        "Saturday 01:30 local"
    );
    assert!(
        !z.is_active(t("2024-05-18T00:00:00Z")),
        "Saturday 02:00 local"
    );
    let (_, r) = read_zone_file(
        "t",
        &zone_with(r#"{"schedule": [{"day": ["MON"], "startTime": "08:00", "endTime": "09:00"}]}"#),
    );
    assert_eq!(r.zones.len(), 1);
    assert!(r.problems.iter().any(|p| p.message.contains("read as UTC")));
    // Sunrise/sunset windows cannot be evaluated: refused, not widened.
    let (_, r) = read_zone_file(
        "t",
        &zone_with(r#"{"schedule": [{"day": ["ANY"], "startEvent": "SR", "endTime": "12:00Z"}]}"#),
    );
    assert!(r.zones.is_empty());
    assert!(
        errors(&r)[0].contains("/UASZoneList/0/applicability/0/schedule/0/startEvent"),
        "{:?}",
        errors(&r)
    );
    let (_, r) = read_zone_file(
        "t",
        &zone_with(
            r#"{"schedule": [{"day": ["XYZ"], "startTime": "08:00Z", "endTime": "09:00Z"}]}"#,
        ),
    );
    assert!(
        errors(&r)[0].contains("/schedule/0/day/0"),
        "{:?}",
        errors(&r)
    );
    let bad_limit = zone_with("{}").replace("\"upperLimit\": 400", "\"upperLimit\": \"high\"");
    let (_, r) = read_zone_file("t", &bad_limit);
    assert!(r.zones.is_empty());
    assert!(
        errors(&r)[0].contains("/UASZoneList/0/geometry/0/upperLimit: must be a number"),
        "{:?}",
        errors(&r)
    );
}
