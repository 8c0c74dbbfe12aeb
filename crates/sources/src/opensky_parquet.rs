//! OpenSky Network state vectors as Parquet (the historical-dataset schema, as the `traffic`
//! library and OpenSky's own exports write it). Same columns and units as the CSV form; `time` may
//! be integer or fractional Unix seconds or an Arrow timestamp of any unit. Only the needed columns
//! are decoded. NaN in a float column counts as null, as pandas writes missing values that way.

use crate::opensky_csv::{check_position, FPM_PER_MPS, KNOTS_PER_MPS};
use crate::{ReadStats, RecordError};
use arrow_array::cast::AsArray;
use arrow_array::types::{
    Float32Type, Float64Type, Int32Type, Int64Type, TimestampMicrosecondType,
    TimestampMillisecondType, TimestampNanosecondType, TimestampSecondType,
};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType, TimeUnit};
use nofly_model::{Callsign, EventTime, Icao24, Report, SourceRef, FEET_PER_METRE};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ProjectionMask;
use parquet::file::reader::ChunkReader;

const COLUMNS: [&str; 12] = [
    "time",
    "icao24",
    "lat",
    "lon",
    "velocity",
    "heading",
    "vertrate",
    "callsign",
    "onground",
    "squawk",
    "baroaltitude",
    "geoaltitude",
];

/// The number of rows a Parquet file declares in its footer, or `None` when `path` is not a
/// readable Parquet file: lets a caller reserve room for the reports before reading them.
pub fn row_count(path: &std::path::Path) -> Option<u64> {
    let file = std::fs::File::open(path).ok()?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).ok()?;
    u64::try_from(builder.metadata().file_metadata().num_rows()).ok()
}

/// Reports a decoding thread hands over at a time, and how many such chunks it may have ready.
const CHUNK: usize = 16 * 1024;
const CHUNKS_AHEAD: usize = 2;

/// What a decoding thread hands over: reports of its current row group, or the end of that
/// group with its counts.
enum Decoded {
    Reports(Vec<Report>),
    GroupEnd(Result<ReadStats, String>),
}

/// Reads a Parquet file from its path, its row groups decoded on up to `threads` threads at once
/// (each with its own file handle) and emitted in file order: the same reports as [`read`], with
/// the decoding (the costliest part of a Parquet replay) spread over the cores. Each thread hands
/// its reports over in small chunks, so memory stays a few chunks per thread.
pub(crate) fn read_path(
    path: &std::path::Path,
    name: &str,
    input_index: u16,
    threads: usize,
    stats: &mut ReadStats,
    emit: &mut dyn FnMut(Report),
    on_rows: &mut dyn FnMut(u64, u64),
) -> Result<(), String> {
    let open = || std::fs::File::open(path).map_err(|e| format!("cannot open: {e}"));
    let builder = ParquetRecordBatchReaderBuilder::try_new(open()?)
        .map_err(|e| format!("not a readable Parquet file: {e}"))?;
    let metadata = builder.metadata().clone();
    let groups = metadata.num_row_groups();
    let threads = threads.clamp(1, groups.max(1));
    if threads == 1 {
        return read(open()?, name, input_index, stats, emit, on_rows);
    }
    check_schema(&builder)?;
    let total = metadata.file_metadata().num_rows().max(0) as u64;
    let first_rows: Vec<u64> = metadata
        .row_groups()
        .iter()
        .scan(0u64, |row, g| {
            let first = *row;
            *row += g.num_rows().max(0) as u64;
            Some(first)
        })
        .collect();
    // Decoder k takes groups k, k + threads, …; the groups come back in file order by taking
    // from the decoders in turn.
    std::thread::scope(|scope| {
        let receivers: Vec<_> = (0..threads)
            .map(|k| {
                let (to, from) = std::sync::mpsc::sync_channel(CHUNKS_AHEAD);
                let first_rows = &first_rows;
                scope.spawn(move || {
                    for g in (k..groups).step_by(threads) {
                        let mut chunk = Vec::with_capacity(CHUNK);
                        let mut gone = false;
                        let result = open().and_then(|file| {
                            read_group(file, g, first_rows[g], name, input_index, &mut |r| {
                                chunk.push(r);
                                if chunk.len() == CHUNK && !gone {
                                    let full =
                                        std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK));
                                    gone = to.send(Decoded::Reports(full)).is_err();
                                }
                            })
                        });
                        if gone
                            || to.send(Decoded::Reports(chunk)).is_err()
                            || to.send(Decoded::GroupEnd(result)).is_err()
                        {
                            return;
                        }
                    }
                });
                from
            })
            .collect();
        let mut done = 0u64;
        for g in 0..groups {
            loop {
                let decoded = receivers[g % threads]
                    .recv()
                    .map_err(|_| "a decoding thread stopped".to_string())?;
                match decoded {
                    Decoded::Reports(reports) => reports.into_iter().for_each(&mut *emit),
                    Decoded::GroupEnd(group) => {
                        stats.add(&group?);
                        break;
                    }
                }
            }
            done += metadata.row_group(g).num_rows().max(0) as u64;
            on_rows(done, total);
        }
        Ok(())
    })
}

/// Decodes row group `g` (whose first row is `first_row` of the file); returns its counts.
fn read_group(
    file: std::fs::File,
    g: usize,
    first_row: u64,
    name: &str,
    input_index: u16,
    emit: &mut dyn FnMut(Report),
) -> Result<ReadStats, String> {
    let builder = ParquetRecordBatchReaderBuilder::try_new(file)
        .map_err(|e| format!("not a readable Parquet file: {e}"))?
        .with_row_groups(vec![g]);
    let mut stats = ReadStats::default();
    let mut row = first_row;
    for batch in projected(builder)? {
        let batch = batch.map_err(|e| format!("row {row}: cannot decode: {e}"))?;
        read_batch(&batch, name, input_index, row, &mut stats, emit)?;
        row += batch.num_rows() as u64;
    }
    Ok(stats)
}

/// Refuses a file without the columns every report needs.
fn check_schema<R: ChunkReader>(
    builder: &ParquetRecordBatchReaderBuilder<R>,
) -> Result<(), String> {
    let schema = builder.schema();
    for required in ["time", "icao24", "lat", "lon"] {
        if schema.index_of(required).is_err() {
            return Err(format!("the Parquet schema has no `{required}` column"));
        }
    }
    Ok(())
}

/// Reads a Parquet file; `on_rows(done, total)` reports progress in rows.
pub(crate) fn read<R: ChunkReader + 'static>(
    file: R,
    name: &str,
    input_index: u16,
    stats: &mut ReadStats,
    emit: &mut dyn FnMut(Report),
    on_rows: &mut dyn FnMut(u64, u64),
) -> Result<(), String> {
    let builder = ParquetRecordBatchReaderBuilder::try_new(file)
        .map_err(|e| format!("not a readable Parquet file: {e}"))?;
    let total = builder.metadata().file_metadata().num_rows().max(0) as u64;
    check_schema(&builder)?;
    let reader = projected(builder)?;
    let mut row: u64 = 0;
    for batch in reader {
        let batch = batch.map_err(|e| format!("row {row}: cannot decode: {e}"))?;
        read_batch(&batch, name, input_index, row, stats, emit)?;
        row += batch.num_rows() as u64;
        on_rows(row, total);
    }
    Ok(())
}

/// One column, typed once per batch.
enum Col<'a> {
    Absent,
    F64(&'a arrow_array::Float64Array),
    F32(&'a arrow_array::Float32Array),
    I64(&'a arrow_array::Int64Array),
    I32(&'a arrow_array::Int32Array),
    /// Timestamp array, its raw values and their number of units per second.
    Timestamp(&'a dyn Array, &'a [i64], i64),
    Str(Box<dyn Fn(usize) -> Option<&'a str> + 'a>),
    Bool(&'a arrow_array::BooleanArray),
}

impl<'a> Col<'a> {
    fn of(batch: &'a RecordBatch, name: &str) -> Result<Self, String> {
        let Some(a) = batch.column_by_name(name) else {
            return Ok(Col::Absent);
        };
        Ok(match a.data_type() {
            DataType::Float64 => Col::F64(a.as_primitive::<Float64Type>()),
            DataType::Float32 => Col::F32(a.as_primitive::<Float32Type>()),
            DataType::Int64 => Col::I64(a.as_primitive::<Int64Type>()),
            DataType::Int32 => Col::I32(a.as_primitive::<Int32Type>()),
            DataType::Timestamp(unit, _) => timestamp(a, unit),
            DataType::Utf8 => {
                let s = a.as_string::<i32>();
                Col::Str(Box::new(move |i| s.is_valid(i).then(|| s.value(i))))
            }
            DataType::LargeUtf8 => {
                let s = a.as_string::<i64>();
                Col::Str(Box::new(move |i| s.is_valid(i).then(|| s.value(i))))
            }
            DataType::Utf8View => {
                let s = a.as_string_view();
                Col::Str(Box::new(move |i| s.is_valid(i).then(|| s.value(i))))
            }
            DataType::Boolean => Col::Bool(a.as_boolean()),
            // What pandas and pyarrow write for a column without a single value: all missing.
            DataType::Null => Col::Absent,
            other => {
                return Err(format!(
                    "column `{name}` has type {other}, which nofly does not read"
                ))
            }
        })
    }

    /// The value as f64; NaN counts as null (pandas writes missing floats as NaN).
    fn f64(&self, i: usize) -> Option<f64> {
        self.f64_raw(i).filter(|v| !v.is_nan())
    }

    fn f64_raw(&self, i: usize) -> Option<f64> {
        match self {
            Col::F64(a) => a.is_valid(i).then(|| a.value(i)),
            Col::F32(a) => a.is_valid(i).then(|| f64::from(a.value(i))),
            Col::I64(a) => a.is_valid(i).then(|| a.value(i) as f64),
            Col::I32(a) => a.is_valid(i).then(|| f64::from(a.value(i))),
            Col::Str(s) => s(i).and_then(|t| t.trim().parse().ok()),
            _ => None,
        }
    }

    fn millis(&self, i: usize) -> Option<EventTime> {
        match self {
            Col::Timestamp(a, values, per_second) => a
                .is_valid(i)
                .then(|| EventTime::from_millis(scale_to_millis(values[i], *per_second))),
            Col::I64(a) => a
                .is_valid(i)
                .then(|| EventTime::from_millis(a.value(i).saturating_mul(1000))),
            _ => self.f64(i).and_then(EventTime::from_unix_seconds),
        }
    }

    fn str(&self, i: usize) -> Option<&'a str> {
        match self {
            Col::Str(s) => s(i),
            _ => None,
        }
    }

    fn bool(&self, i: usize) -> Option<bool> {
        match self {
            Col::Bool(a) => a.is_valid(i).then(|| a.value(i)),
            _ => None,
        }
    }
}

/// A batch reader of only the OpenSky columns the file has.
fn projected<R: ChunkReader + 'static>(
    builder: ParquetRecordBatchReaderBuilder<R>,
) -> Result<parquet::arrow::arrow_reader::ParquetRecordBatchReader, String> {
    let schema = builder.schema().clone();
    let roots: Vec<usize> = COLUMNS
        .iter()
        .filter_map(|c| schema.index_of(c).ok())
        .collect();
    let mask = ProjectionMask::roots(builder.parquet_schema(), roots);
    builder
        .with_projection(mask)
        .with_batch_size(64 * 1024)
        .build()
        .map_err(|e| e.to_string())
}

/// The named columns of the chosen rows as canonical JSON objects (RFC 8785), in row order: the
/// Parquet counterpart of a text line, for evidence bundles. `time` is written as Unix seconds with
/// millisecond precision, floats NaN as null, absent columns are left out.
pub(crate) fn rows_as_json<R: ChunkReader + 'static>(
    file: R,
    rows: &std::collections::BTreeSet<u64>,
) -> Result<Vec<(u64, String)>, String> {
    let builder = ParquetRecordBatchReaderBuilder::try_new(file)
        .map_err(|e| format!("not a readable Parquet file: {e}"))?;
    let reader = projected(builder)?;
    let mut out = Vec::new();
    let mut first_row = 0u64;
    for batch in reader {
        let batch = batch.map_err(|e| e.to_string())?;
        let n = batch.num_rows() as u64;
        let wanted: Vec<u64> = rows.range(first_row..first_row + n).copied().collect();
        if !wanted.is_empty() {
            let cols: Vec<(&str, Col)> = COLUMNS
                .iter()
                .filter(|c| batch.column_by_name(c).is_some())
                .map(|c| Ok((*c, Col::of(&batch, c)?)))
                .collect::<Result<_, String>>()?;
            for row in wanted {
                let i = (row - first_row) as usize;
                let mut obj = serde_json::Map::new();
                for (name, col) in &cols {
                    let v = match (*name, col) {
                        ("time", c) => c
                            .millis(i)
                            .map(|t| serde_json::json!(t.millis() as f64 / 1000.0)),
                        (_, Col::Str(_)) => col.str(i).map(|s| serde_json::json!(s)),
                        (_, Col::Bool(_)) => col.bool(i).map(|b| serde_json::json!(b)),
                        (_, c) => c.f64(i).map(|f| serde_json::json!(f)),
                    };
                    obj.insert((*name).to_string(), v.unwrap_or(serde_json::Value::Null));
                }
                out.push((row, serde_jcs::to_string(&obj).map_err(|e| e.to_string())?));
            }
        }
        first_row += n;
    }
    Ok(out)
}

fn timestamp<'a>(a: &'a ArrayRef, unit: &TimeUnit) -> Col<'a> {
    let (values, per_second): (&'a [i64], i64) = match unit {
        TimeUnit::Second => (a.as_primitive::<TimestampSecondType>().values(), 1),
        TimeUnit::Millisecond => (a.as_primitive::<TimestampMillisecondType>().values(), 1_000),
        TimeUnit::Microsecond => (
            a.as_primitive::<TimestampMicrosecondType>().values(),
            1_000_000,
        ),
        TimeUnit::Nanosecond => (
            a.as_primitive::<TimestampNanosecondType>().values(),
            1_000_000_000,
        ),
    };
    Col::Timestamp(a.as_ref(), values, per_second)
}

fn scale_to_millis(v: i64, per_second: i64) -> i64 {
    if per_second >= 1000 {
        v.div_euclid(per_second / 1000)
    } else {
        v.saturating_mul(1000 / per_second)
    }
}

fn read_batch(
    batch: &RecordBatch,
    file: &str,
    input_index: u16,
    first_row: u64,
    stats: &mut ReadStats,
    emit: &mut dyn FnMut(Report),
) -> Result<(), String> {
    let [time, icao24, lat, lon, velocity, heading, vertrate, callsign, onground, squawk, baro, geo] =
        COLUMNS.map(|c| Col::of(batch, c));
    let (time, icao24, lat, lon) = (time?, icao24?, lat?, lon?);
    let (velocity, heading, vertrate, callsign) = (velocity?, heading?, vertrate?, callsign?);
    let (onground, squawk, baro, geo) = (onground?, squawk?, baro?, geo?);
    for i in 0..batch.num_rows() {
        stats.records += 1;
        let record = first_row + i as u64;
        let fail = |stats: &mut ReadStats, field: &'static str, reason: String| {
            stats.malformed(RecordError {
                file: file.into(),
                record,
                unit: "row".into(),
                field: Some(field.into()),
                reason,
            });
        };
        let (Some(la), Some(lo)) = (lat.f64(i), lon.f64(i)) else {
            stats.ignored += 1;
            continue;
        };
        if let Err((field, reason)) = check_position(la, lo) {
            fail(stats, field, reason);
            continue;
        }
        let Some(t) = time.millis(i) else {
            fail(stats, "time", "null or unusable".into());
            continue;
        };
        let Some(icao) = icao24.str(i).and_then(|s| s.parse::<Icao24>().ok()) else {
            fail(
                stats,
                "icao24",
                format!("{:?} is not 6 hex digits", icao24.str(i)),
            );
            continue;
        };
        let mut r = Report::new(
            t,
            icao,
            SourceRef {
                input: input_index,
                record,
            },
        );
        r.position = Some((la, lo));
        r.ground_speed_kt = velocity
            .f64(i)
            .filter(|v| v.is_finite())
            .map(|v| (v * KNOTS_PER_MPS) as f32);
        r.track_deg = heading.f64(i).filter(|v| v.is_finite()).map(|v| v as f32);
        r.vertical_rate_fpm = vertrate
            .f64(i)
            .filter(|v| v.is_finite())
            .map(|v| (v * FPM_PER_MPS) as f32);
        r.callsign = callsign.str(i).and_then(Callsign::new);
        r.on_ground = onground.bool(i);
        r.squawk = match squawk.str(i) {
            Some(s) => crate::sbs::squawk(s.trim()).unwrap_or(None),
            None => squawk.f64(i).and_then(numeric_squawk),
        };
        r.alt_baro_ft = baro
            .f64(i)
            .filter(|v| v.is_finite())
            .map(|m| m * FEET_PER_METRE);
        r.alt_geo_ft = geo
            .f64(i)
            .filter(|v| v.is_finite())
            .map(|m| m * FEET_PER_METRE);
        stats.reports += 1;
        emit(r);
    }
    Ok(())
}

/// A Mode A code stored as a number (its four octal digits read as a decimal number, as pandas
/// writes a squawk column it took for numbers): 7700.0 is 0o7700; anything but a whole number of
/// at most four digits 0 to 7 is no code. Read without formatting the number (a per-row
/// allocation).
fn numeric_squawk(v: f64) -> Option<u16> {
    if v.fract() != 0.0 || v.is_sign_negative() || v > 7777.0 {
        return None;
    }
    let decimal = v as u16;
    let digits = [
        decimal / 1000,
        decimal / 100 % 10,
        decimal / 10 % 10,
        decimal % 10,
    ];
    digits
        .iter()
        .all(|&d| d <= 7)
        .then(|| digits.iter().fold(0, |code, &d| code * 8 + d))
}

/// How a Parquet file's rows are ordered in time, from its `time` column alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeOrder {
    /// The earliest time of any row.
    pub earliest: EventTime,
    /// The largest step back in time from the latest row before a row to that row, milliseconds
    /// (0 when the rows are in time order).
    pub largest_step_back_ms: i64,
}

/// Reads only the `time` column: how the rows are ordered (`None` for a file without rows).
pub fn time_order<R: ChunkReader + 'static>(file: R) -> Result<Option<TimeOrder>, String> {
    let builder = ParquetRecordBatchReaderBuilder::try_new(file)
        .map_err(|e| format!("not a readable Parquet file: {e}"))?;
    let Ok(time) = builder.schema().index_of("time") else {
        return Err("the Parquet schema has no `time` column".into());
    };
    let mask = ProjectionMask::roots(builder.parquet_schema(), [time]);
    let reader = builder
        .with_projection(mask)
        .with_batch_size(64 * 1024)
        .build()
        .map_err(|e| e.to_string())?;
    let (mut earliest, mut latest, mut step_back) = (i64::MAX, i64::MIN, 0i64);
    let mut row = 0u64;
    for batch in reader {
        let batch = batch.map_err(|e| format!("row {row}: cannot decode: {e}"))?;
        let col = Col::of(&batch, "time")?;
        for i in 0..batch.num_rows() {
            if let Some(t) = col.millis(i) {
                let t = t.millis();
                earliest = earliest.min(t);
                latest = latest.max(t);
                step_back = step_back.max(latest - t);
            }
        }
        row += batch.num_rows() as u64;
    }
    Ok((earliest != i64::MAX).then(|| TimeOrder {
        earliest: EventTime::from_millis(earliest),
        largest_step_back_ms: step_back,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_numeric_squawk_reads_as_its_digits_formatted_would() {
        for v in [
            0.0, 7.0, 12.0, 700.0, 7700.0, 7777.0, 7778.0, 8.0, 1234.5, -0.0, -7.0, 1e9, 77770.0,
        ] {
            let formatted = crate::sbs::squawk(&format!("{v:04}")).unwrap_or(None);
            assert_eq!(numeric_squawk(v), formatted, "{v}");
        }
    }
}
