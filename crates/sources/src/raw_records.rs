//! Raw input records kept byte for byte for evidence, and decoding them back into reports.
//!
//! Text formats keep the line as it is in the file (SBS lines, OpenSky CSV lines with the file's
//! header); Parquet rows become canonical JSON objects of their columns. Decoding a raw record goes
//! through the same parsers as reading the file, so a verifier re-running detection on the records of
//! an evidence bundle gets the same reports.

use crate::file_input::FileError;
use crate::sbs::{SbsClock, SbsParser};
use crate::{opensky_csv, opensky_parquet, Format, ReadStats};
use nofly_model::{EventTime, Icao24, Report, SourceRef};
use std::collections::BTreeSet;
use std::io::Read;
use std::path::Path;

/// One raw record of an input.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RawRecord {
    /// Line (text, 1-based), row (Parquet, 0-based) or byte offset (Beast) in the input.
    pub record: u64,
    /// The line without its line ending, or the Parquet row as canonical JSON.
    pub text: String,
    /// For records without an absolute time of their own (undated SBS lines, Beast frames, AVR
    /// lines): the time nofly gave them, in Unix milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carried_time_ms: Option<i64>,
}

/// The raw records of one aircraft in a time window of an input file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RawExtract {
    /// The input's format.
    pub format: String,
    /// The CSV header line, for OpenSky CSV.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<String>,
    /// The records, in file order.
    pub records: Vec<RawRecord>,
}

/// Collects the raw records of aircraft `icao` whose reports fall in `[from, to]`, plus the latest
/// earlier one that carried a callsign (so that a re-run names the aircraft the same way).
pub fn extract_raw(
    path: &Path,
    format: Format,
    input_index: u16,
    options: &crate::ModesOptions,
    icao: Icao24,
    from: EventTime,
    to: EventTime,
) -> Result<RawExtract, FileError> {
    let mut wanted = BTreeSet::new();
    let mut carried = std::collections::BTreeMap::new();
    let mut last_callsign: Option<u64> = None;
    let untimed_start = options.start;
    crate::file_input::read_file_with(
        path,
        Some(format),
        input_index,
        options,
        &mut |r| {
            if r.icao != icao {
                return;
            }
            if r.time < from {
                if r.callsign.is_some() {
                    last_callsign = Some(r.source.record);
                }
            } else if r.time <= to {
                wanted.insert(r.source.record);
                carried.insert(r.source.record, r.time.millis());
            }
        },
        &mut |_, _| {},
    )?;
    wanted.extend(last_callsign);
    let name = path.display().to_string();
    let fail = |reason: String| FileError::Format {
        file: name.clone(),
        reason,
    };
    let io = |error| FileError::Io {
        file: name.clone(),
        error,
    };
    if format == Format::OpenSkyParquet {
        let rows = opensky_parquet::rows_as_json(std::fs::File::open(path).map_err(io)?, &wanted)
            .map_err(fail)?;
        let records = rows
            .into_iter()
            .map(|(record, text)| RawRecord {
                record,
                text,
                carried_time_ms: None,
            })
            .collect();
        return Ok(RawExtract {
            format: format.as_str().into(),
            header: None,
            records,
        });
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .map_err(io)?
        .read_to_end(&mut bytes)
        .map_err(io)?;
    let mut plain = Vec::new();
    crate::unpacking::unpacked(Box::new(&bytes[..]))
        .and_then(|mut r| r.read_to_end(&mut plain))
        .map_err(io)?;
    let bytes = plain;
    if format == Format::Asterix {
        let records = crate::asterix_feed::raw_records(
            &bytes,
            &name,
            &options.asterix.editions,
            &wanted,
            &carried,
        )
        .map_err(io)?;
        return Ok(RawExtract {
            format: format.as_str().into(),
            header: None,
            records,
        });
    }
    if format == Format::Beast {
        // Each frame as it was in the stream, escapes included, in hex, with the time it was given.
        let mut records = Vec::new();
        let mut framer = crate::BeastFramer::default();
        framer.push(&bytes, &mut |f| {
            if wanted.contains(&f.record) {
                let start = f.record as usize;
                let text: String = bytes[start..start + f.raw_len]
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect();
                records.push(RawRecord {
                    record: f.record,
                    text,
                    carried_time_ms: carried.get(&f.record).copied(),
                });
            }
        });
        return Ok(RawExtract {
            format: format.as_str().into(),
            header: None,
            records,
        });
    }
    let text = String::from_utf8_lossy(&bytes);
    if format == Format::ReadsbJson {
        // Each entry made self-contained, as canonical JSON.
        let mut records = Vec::new();
        crate::readsb_json::for_each_entry(
            &text,
            &name,
            untimed_start,
            &mut ReadStats::default(),
            &mut |entry, _| {
                if wanted.contains(&entry.record) {
                    records.push(RawRecord {
                        record: entry.record,
                        text: entry.value.to_string(),
                        carried_time_ms: None,
                    });
                }
            },
        );
        return Ok(RawExtract {
            format: format.as_str().into(),
            header: None,
            records,
        });
    }
    let mut header = None;
    let mut records = Vec::new();
    let mut sbs = SbsParser::new(SbsClock::CarryForward {
        start: untimed_start,
    });
    for (i, line) in text.split('\n').enumerate() {
        let line_no = i as u64 + 1;
        let line = line.strip_suffix('\r').unwrap_or(line);
        if format == Format::OpenSkyCsv && header.is_none() && !line.trim().is_empty() {
            header = Some(line.to_string());
            continue;
        }
        if !wanted.contains(&line_no) {
            if format == Format::Sbs {
                let _ = sbs.parse_line(line, SourceRef::default());
            }
            continue;
        }
        let carried_time_ms = match format {
            Format::Sbs => {
                let _ = sbs.parse_line(line, SourceRef::default());
                sbs.last_was_untimed()
                    .then(|| carried.get(&line_no).copied())
                    .flatten()
            }
            // AVR lines carry at most a receiver clock: keep the time nofly gave them.
            Format::Avr => carried.get(&line_no).copied(),
            _ => None,
        };
        records.push(RawRecord {
            record: line_no,
            text: line.to_string(),
            carried_time_ms,
        });
    }
    Ok(RawExtract {
        format: format.as_str().into(),
        header,
        records,
    })
}

/// Decodes raw records back into reports, with `input_index` and each record's number as source.
/// Fails on a record that does not decode: evidence must not silently lose data.
pub fn decode_raw(
    extract: &RawExtract,
    input_index: u16,
    options: &crate::ModesOptions,
) -> Result<Vec<Report>, String> {
    let format: Format = extract.format.parse()?;
    let mut out = Vec::with_capacity(extract.records.len());
    let mut frames = crate::FrameDecoder::new(options.receiver, options.repair, options.start);
    let mut asterix = crate::asterix_feed::AsterixStream::new(
        "evidence",
        input_index,
        options.asterix,
        options.start,
    );
    for raw in &extract.records {
        let source = SourceRef {
            input: input_index,
            record: raw.record,
        };
        let fail = |why: String| format!("record {}: {why}", raw.record);
        let report = match format {
            Format::Sbs => {
                let start = EventTime::from_millis(raw.carried_time_ms.unwrap_or_default());
                SbsParser::new(SbsClock::CarryForward { start })
                    .parse_line(&raw.text, source)
                    .map_err(|p| fail(p.reason))?
            }
            Format::OpenSkyCsv => {
                let header = extract
                    .header
                    .as_deref()
                    .ok_or_else(|| fail("no CSV header in the extract".into()))?;
                decode_csv_line(header, &raw.text, source).map_err(fail)?
            }
            Format::OpenSkyParquet => {
                let row: serde_json::Map<String, serde_json::Value> =
                    serde_json::from_str(&raw.text).map_err(|e| fail(e.to_string()))?;
                let header: Vec<&str> = row.keys().map(String::as_str).collect();
                let mut writer = csv::WriterBuilder::new()
                    .has_headers(false)
                    .from_writer(Vec::new());
                let values: Vec<String> = row
                    .values()
                    .map(|v| match v {
                        serde_json::Value::Null => String::new(),
                        serde_json::Value::String(s) => s.clone(),
                        other => other.to_string(),
                    })
                    .collect();
                writer
                    .write_record(&values)
                    .map_err(|e| fail(e.to_string()))?;
                let line = String::from_utf8(writer.into_inner().map_err(|e| fail(e.to_string()))?)
                    .map_err(|e| fail(e.to_string()))?;
                decode_csv_line(&header.join(","), line.trim_end(), source).map_err(fail)?
            }
            Format::ReadsbJson => {
                let value: serde_json::Value =
                    serde_json::from_str(&raw.text).map_err(|e| fail(e.to_string()))?;
                crate::readsb_json::entry_report(&value, source)
                    .map_err(|(field, why)| fail(format!("field {field}: {why}")))?
            }
            Format::Asterix => asterix.raw_record(raw).map_err(fail)?,
            Format::Beast | Format::Avr | Format::ModesHex => {
                let mut buf = [0u8; 14];
                let mut one: Option<(Vec<u8>, Option<u64>)> = None;
                let parsed = match format {
                    Format::Beast => {
                        // A Beast frame with its escapes is at most 44 bytes.
                        let mut escaped = [0u8; 64];
                        let len = nofly_modes::hex_to_bytes(&raw.text, &mut escaped)
                            .ok_or_else(|| fail("the Beast frame is not hex".into()))?;
                        crate::BeastFramer::default().push(&escaped[..len], &mut |f| {
                            one = Some((f.bytes.to_vec(), f.clock_12mhz))
                        });
                        one.as_ref().map(|(b, c)| crate::RawFrame {
                            bytes: b,
                            clock_12mhz: *c,
                            time: None,
                            record: raw.record,
                            raw_len: 0,
                        })
                    }
                    Format::Avr => crate::avr_line(&raw.text, raw.record, &mut buf)
                        .map_err(|e| fail(e.into()))?,
                    _ => crate::hex_line(&raw.text, raw.record, &mut buf)
                        .map_err(|e| fail(e.into()))?,
                };
                let mut frame =
                    parsed.ok_or_else(|| fail("no Mode S frame in the record".into()))?;
                if let Some(ms) = raw.carried_time_ms {
                    frame.time = Some(EventTime::from_millis(ms));
                }
                frames.frame(&frame, input_index).map(|(_, r)| r)
            }
        };
        out.extend(report);
    }
    Ok(out)
}

fn decode_csv_line(header: &str, line: &str, source: SourceRef) -> Result<Option<Report>, String> {
    let mut stats = ReadStats::default();
    let mut out = None;
    opensky_csv::read(
        format!("{header}\n{line}\n").as_bytes(),
        "raw",
        source.input,
        &mut stats,
        &mut |mut r| {
            r.source = source;
            out = Some(r);
        },
    )?;
    if let Some(e) = stats.first_errors.first() {
        return Err(e.to_string());
    }
    Ok(out)
}
