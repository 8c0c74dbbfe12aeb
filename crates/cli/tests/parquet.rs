//! OpenSky state vectors as Parquet: the same rows as CSV give the same events, whatever the time
//! column's type, and rows without a position are skipped silently.

mod common;
use arrow_array::{
    ArrayRef, BooleanArray, Float64Array, NullArray, RecordBatch, StringArray,
    TimestampNanosecondArray,
};
use common::*;
use parquet::arrow::ArrowWriter;
use std::sync::Arc;

/// A synthetic row: unix seconds, lat, lon, baroaltitude in metres.
type Row = (i64, Option<f64>, Option<f64>, Option<f64>);

const ROWS: [Row; 6] = [
    (1764087265, Some(36.0), Some(13.8), Some(6500.0)),
    (1764087266, Some(37.05), Some(13.8), Some(6500.0)),
    (1764087267, None, None, Some(6500.0)),
    (1764087268, Some(37.06), Some(13.8), None),
    (1764087269, Some(37.06), Some(13.8), Some(9000.0)),
    (1764087270, Some(38.5), Some(13.8), Some(6500.0)),
];

/// The rows as Parquet; with `empty_columns`, also `geoaltitude` and `vertrate` typed Null, as
/// pandas and pyarrow write a column that has no value at all.
fn write_parquet(path: &std::path::Path, empty_columns: bool) {
    let n = ROWS.len();
    let mut cols: Vec<(&str, ArrayRef)> = vec![
        (
            "time",
            Arc::new(
                TimestampNanosecondArray::from(
                    ROWS.iter().map(|r| r.0 * 1_000_000_000).collect::<Vec<_>>(),
                )
                .with_timezone("UTC"),
            ),
        ),
        ("icao24", Arc::new(StringArray::from(vec!["4d2023"; n]))),
        (
            "lat",
            Arc::new(Float64Array::from(
                ROWS.iter().map(|r| r.1).collect::<Vec<_>>(),
            )),
        ),
        (
            "lon",
            Arc::new(Float64Array::from(
                ROWS.iter().map(|r| r.2).collect::<Vec<_>>(),
            )),
        ),
        (
            "callsign",
            Arc::new(StringArray::from(vec![Some("AMC421  "); n])),
        ),
        (
            "onground",
            Arc::new(BooleanArray::from(vec![Some(false); n])),
        ),
        ("squawk", Arc::new(StringArray::from(vec![Some("1000"); n]))),
        (
            "baroaltitude",
            Arc::new(Float64Array::from(
                ROWS.iter().map(|r| r.3).collect::<Vec<_>>(),
            )),
        ),
    ];
    if empty_columns {
        cols.push(("geoaltitude", Arc::new(NullArray::new(n))));
        cols.push(("vertrate", Arc::new(NullArray::new(n))));
    }
    let batch =
        RecordBatch::try_from_iter_with_nullable(cols.into_iter().map(|(n, a)| (n, a, true)))
            .unwrap();
    let mut w =
        ArrowWriter::try_new(std::fs::File::create(path).unwrap(), batch.schema(), None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
}

fn write_csv(path: &std::path::Path) {
    let mut text = String::from("time,icao24,lat,lon,callsign,onground,squawk,baroaltitude\n");
    let opt = |v: Option<f64>| v.map_or(String::new(), |v| v.to_string());
    for r in ROWS {
        text.push_str(&format!(
            "{},4d2023,{},{},AMC421,False,1000,{}\n",
            r.0,
            opt(r.1),
            opt(r.2),
            opt(r.3)
        ));
    }
    std::fs::write(path, text).unwrap();
}

fn events_without_source(input: &std::path::Path) -> Vec<serde_json::Value> {
    let out = nofly(&[
        "replay",
        "--zones",
        fixture("synthetic-sicily-zones.geojson").to_str().unwrap(),
        input.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    json_lines(&String::from_utf8(out.stdout).unwrap())
        .into_iter()
        .map(|mut e| {
            e.as_object_mut().unwrap().remove("source");
            e
        })
        .collect()
}

#[test]
fn parquet_and_csv_of_the_same_rows_give_the_same_events() {
    let dir = tempfile::tempdir().unwrap();
    let (pq, csv) = (
        dir.path().join("synthetic.parquet"),
        dir.path().join("synthetic.csv"),
    );
    write_parquet(&pq, false);
    write_csv(&csv);
    let from_parquet = events_without_source(&pq);
    assert_eq!(from_parquet, events_without_source(&csv));
    // All-empty columns of Arrow type Null read as missing values.
    let with_nulls = dir.path().join("synthetic-null-columns.parquet");
    write_parquet(&with_nulls, true);
    assert_eq!(events_without_source(&with_nulls), from_parquet);
    let kinds: Vec<(&str, &str)> = from_parquet
        .iter()
        .map(|e| (e["kind"].as_str().unwrap(), e["time"].as_str().unwrap()))
        .collect();
    // Enters the FL200-FL250 circle at 16:14:26 (21,325 ft), alt unknown at :28 stays inside, climbs out at :29.
    assert_eq!(
        kinds,
        vec![
            ("enter", "2025-11-25T16:14:26.000Z"),
            ("exit", "2025-11-25T16:14:29.000Z")
        ]
    );
    assert_eq!(from_parquet[0]["callsign"], "AMC421");
}
