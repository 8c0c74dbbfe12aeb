//! readsb and dump1090 JSON: `aircraft.json` snapshots (`{"now": T, "aircraft": [...]}`, one per
//! file or one per line as in history files), readsb's JSON-per-line network output (one aircraft
//! object per line, `now` on the object or carried from the latest seen), and readsb trace files
//! (`{"icao": …, "timestamp": T, "trace": [[dt, lat, lon, alt, gs, track, flags, rate, {…}, …], …]}`).
//!
//! Every aircraft object or trace point is one *entry*, numbered from 1 in file order; it becomes
//! one report when it has a position. Its time is `now − seen_pos` (snapshots) or `timestamp + dt`
//! (traces); a trace point flagged stale (flag 1) keeps no position, and one flagged with a
//! geometric altitude (flag 8) gives it as the GNSS altitude. Fields read: `hex` (addresses with readsb's `~` prefix are not ICAO addresses and are
//! skipped), `flight`, `squawk`, `lat`, `lon`, `alt_baro` (or `"ground"`), `alt_geom`, `gs`,
//! `track`, `baro_rate`/`geom_rate`, `emergency`, `nic`, `nac_p`, and dump1090's older `altitude`,
//! `speed`, `vert_rate`. Metres and knots are never mixed: readsb writes feet, knots and ft/min.
//!
//! An entry is made self-contained (`now` put into it, a trace point given its aircraft and time) so
//! that evidence keeps it as one raw record that decodes alone.

use crate::sbs::squawk;
use crate::{ReadStats, RecordError};
use nofly_model::{Callsign, EventTime, Icao24, PositionSource, Report, SourceRef};
use serde_json::{Map, Value};

/// What one entry is, once made self-contained.
pub(crate) struct Entry {
    /// 1-based number of the entry in the file.
    pub record: u64,
    /// The aircraft object (with `now`), or `{"hex", "now", "trace_point": [...]}` for a trace point.
    pub value: Value,
}

/// Reads every entry of `text`, calling `emit` for each report.
pub(crate) fn read(
    text: &str,
    file: &str,
    input_index: u16,
    untimed_start: EventTime,
    stats: &mut ReadStats,
    emit: &mut dyn FnMut(Report),
) {
    for_each_entry(text, file, untimed_start, stats, &mut |entry, stats| {
        stats.records += 1;
        let source = SourceRef {
            input: input_index,
            record: entry.record,
        };
        match entry_report(&entry.value, source) {
            Ok(Some(r)) => {
                stats.reports += 1;
                emit(r);
            }
            Ok(None) => stats.ignored += 1,
            Err((field, reason)) => stats.malformed(RecordError {
                file: file.to_string(),
                record: entry.record,
                unit: "entry".into(),
                field: Some(field.into()),
                reason,
            }),
        }
    });
}

/// The start of a readsb trace file (its `"timestamp"`, Unix seconds) read from the head of the
/// document alone, for a file too long to parse in full just to know when it starts: every point
/// of the trace is timed from it, never before it. `None` when the head is not the start of a
/// trace document.
pub(crate) fn trace_start(head: &[u8]) -> Option<EventTime> {
    let text = std::str::from_utf8(head).or_else(|e| std::str::from_utf8(&head[..e.valid_up_to()]));
    let text = text.ok()?;
    if !text.trim_start().starts_with('{') || !text.contains("\"trace\"") {
        return None;
    }
    let after = &text[text.find("\"timestamp\"")? + "\"timestamp\"".len()..];
    let value = after.trim_start().strip_prefix(':')?.trim_start();
    let end = value
        .find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E')))
        .unwrap_or(value.len());
    EventTime::from_unix_seconds(value[..end].parse().ok()?)
}

/// Splits `text` into self-contained entries. Entries without a time of their own (JSON lines
/// before any `now`) take `untimed_start` and are counted as untimed.
pub(crate) fn for_each_entry(
    text: &str,
    file: &str,
    untimed_start: EventTime,
    stats: &mut ReadStats,
    each: &mut dyn FnMut(Entry, &mut ReadStats),
) {
    let mut record = 0u64;
    let mut now: Option<f64> = None;
    let whole = text
        .trim_start()
        .strip_prefix('\u{feff}')
        .unwrap_or(text.trim_start());
    // A whole-file document (pretty-printed aircraft.json or a trace file) or one document a line.
    let documents: Vec<(u64, Result<Value, String>)> = match serde_json::from_str::<Value>(whole) {
        Ok(v) => vec![(1, Ok(v))],
        Err(_) => text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty() && !matches!(l.trim(), "[" | "]"))
            .map(|(i, l)| {
                let l = l.trim().trim_end_matches(',');
                (
                    i as u64 + 1,
                    serde_json::from_str::<Value>(l).map_err(|e| e.to_string()),
                )
            })
            .collect(),
    };
    for (line, document) in documents {
        let document = match document {
            Ok(Value::Object(o)) => o,
            Ok(_) => {
                stats.records += 1;
                stats.malformed(problem(
                    file,
                    line,
                    "line",
                    None,
                    "not a JSON object".into(),
                ));
                continue;
            }
            Err(e) => {
                stats.records += 1;
                stats.malformed(problem(file, line, "line", None, format!("not JSON: {e}")));
                continue;
            }
        };
        if let Some(t) = document.get("now").and_then(Value::as_f64) {
            now = Some(t);
        }
        if let Some(aircraft) = document.get("aircraft").and_then(Value::as_array) {
            for a in aircraft {
                record += 1;
                let mut a = a.as_object().cloned().unwrap_or_default();
                a.insert("now".into(), now.into());
                each(
                    Entry {
                        record,
                        value: Value::Object(a),
                    },
                    stats,
                );
            }
        } else if let Some(trace) = document.get("trace").and_then(Value::as_array) {
            let hex = document.get("icao").cloned().unwrap_or(Value::Null);
            let start = document.get("timestamp").and_then(Value::as_f64);
            for point in trace {
                record += 1;
                let t = match (start, point.get(0).and_then(Value::as_f64)) {
                    (Some(s), Some(dt)) => Value::from(s + dt),
                    _ => Value::Null,
                };
                let mut entry = Map::new();
                entry.insert("hex".into(), hex.clone());
                entry.insert("now".into(), t);
                entry.insert("trace_point".into(), point.clone());
                each(
                    Entry {
                        record,
                        value: Value::Object(entry),
                    },
                    stats,
                );
            }
        } else if document.contains_key("hex") {
            record += 1;
            let mut a = document;
            if !a.contains_key("now") {
                stats.untimed += 1;
                a.insert(
                    "now".into(),
                    now.unwrap_or(untimed_start.seconds_f64()).into(),
                );
            }
            each(
                Entry {
                    record,
                    value: Value::Object(a),
                },
                stats,
            );
        } else {
            stats.records += 1;
            stats.ignored += 1;
        }
    }
}

/// One line of readsb's JSON-per-line network output (`--net-json-port`, one aircraft object a
/// line): its report, timed by the object's `now` or, without one, by `arrival`. `Ok(None)` when
/// it has no position or no ICAO address; the error names the field.
pub(crate) fn live_line(
    line: &str,
    source: SourceRef,
    arrival: EventTime,
) -> Result<Option<Report>, (Option<&'static str>, String)> {
    let mut value: Value = serde_json::from_str(line.trim().trim_end_matches(','))
        .map_err(|e| (None, format!("not JSON: {e}")))?;
    let object = value
        .as_object_mut()
        .ok_or_else(|| (None, "not a JSON object".to_string()))?;
    if !object.contains_key("now") {
        object.insert("now".into(), (arrival.millis() as f64 / 1000.0).into());
    }
    entry_report(&value, source).map_err(|(field, reason)| (Some(field), reason))
}

fn problem(
    file: &str,
    record: u64,
    unit: &'static str,
    field: Option<&'static str>,
    reason: String,
) -> RecordError {
    RecordError {
        file: file.to_string(),
        record,
        unit: unit.into(),
        field: field.map(Into::into),
        reason,
    }
}

type Bad = (&'static str, String);

fn number(o: &Map<String, Value>, key: &'static str) -> Result<Option<f64>, Bad> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n
            .as_f64()
            .filter(|v| v.is_finite())
            .map(Some)
            .ok_or_else(|| (key, "not a finite number".into())),
        Some(other) => Err((key, format!("{other} is not a number"))),
    }
}

/// The report of one self-contained entry: `Ok(None)` when it has no position or no ICAO address.
pub(crate) fn entry_report(value: &Value, source: SourceRef) -> Result<Option<Report>, Bad> {
    let o = value
        .as_object()
        .ok_or_else(|| ("entry", "not a JSON object".to_string()))?;
    let hex = o
        .get("hex")
        .and_then(Value::as_str)
        .ok_or_else(|| ("hex", "missing".to_string()))?;
    if hex.starts_with('~') {
        return Ok(None);
    }
    let icao: Icao24 = hex
        .parse()
        .map_err(|_| ("hex", format!("{hex:?} is not a 24-bit address")))?;
    let now = number(o, "now")?.ok_or_else(|| ("now", "no time for the entry".to_string()))?;
    if let Some(point) = o.get("trace_point") {
        return trace_point_report(point, icao, now, source);
    }
    let (Some(lat), Some(lon)) = (number(o, "lat")?, number(o, "lon")?) else {
        return Ok(None);
    };
    if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
        return Err(("lat", format!("{lat},{lon} is not a position")));
    }
    let age = number(o, "seen_pos")?.or(number(o, "seen")?).unwrap_or(0.0);
    let time = EventTime::from_unix_seconds(now - age)
        .ok_or_else(|| ("now", format!("{now} is not a time")))?;
    let mut r = Report::new(time, icao, source);
    r.position = Some((lat, lon));
    match o.get("alt_baro").or(o.get("altitude")) {
        Some(Value::String(s)) if s == "ground" => r.on_ground = Some(true),
        Some(_) => {
            let key = if o.contains_key("alt_baro") {
                "alt_baro"
            } else {
                "altitude"
            };
            r.alt_baro_ft = number(o, key)?;
            r.on_ground = r.alt_baro_ft.map(|_| false);
        }
        None => {}
    }
    r.alt_geo_ft = number(o, "alt_geom")?;
    // readsb lists the fields it took from multilateration in `mlat`; `type` is the kind of
    // message the aircraft's data came from.
    let mlat_position = o
        .get("mlat")
        .and_then(Value::as_array)
        .is_some_and(|fields| fields.iter().any(|f| f.as_str() == Some("lat")));
    r.position_source = if mlat_position {
        Some(PositionSource::Mlat)
    } else {
        o.get("type")
            .and_then(Value::as_str)
            .and_then(position_source)
    };
    r.ground_speed_kt = number(o, "gs")?.or(number(o, "speed")?).map(|v| v as f32);
    r.track_deg = number(o, "track")?.map(|v| v as f32);
    r.vertical_rate_fpm = number(o, "baro_rate")?
        .or(number(o, "geom_rate")?)
        .or(number(o, "vert_rate")?)
        .map(|v| v as f32);
    identity(o, &mut r)?;
    Ok(Some(r))
}

/// Callsign, squawk, emergency and integrity fields of an aircraft object or a trace's details.
fn identity(o: &Map<String, Value>, r: &mut Report) -> Result<(), Bad> {
    if let Some(f) = o.get("flight").and_then(Value::as_str) {
        r.callsign = Callsign::new(f.trim());
    }
    if let Some(s) = o.get("squawk").and_then(Value::as_str) {
        r.squawk = squawk(s).map_err(|p| ("squawk", p.reason))?;
    }
    if let Some(c) = o.get("category").and_then(Value::as_str) {
        r.category = Some(c.parse().map_err(|reason| ("category", reason))?);
    }
    if let Some(e) = o.get("emergency").and_then(Value::as_str) {
        r.emergency = Some(e != "none");
    }
    let category = |key: &'static str| -> Result<Option<u8>, Bad> {
        match number(o, key)? {
            Some(v) if (0.0..=11.0).contains(&v) && v.fract() == 0.0 => Ok(Some(v as u8)),
            Some(v) => Err((key, format!("{v} is not 0 to 11"))),
            None => Ok(None),
        }
    };
    r.nic = category("nic")?;
    r.nacp = category("nac_p")?;
    Ok(())
}

/// Where a position came from, by readsb's message type (`adsb_icao`, `adsr_icao`, `mlat`,
/// `tisb_trackfile`…): ADS-B and ADS-R are the aircraft's own, `mlat` multilateration; TIS-B and
/// the rest are not said.
fn position_source(kind: &str) -> Option<PositionSource> {
    if kind == "mlat" {
        Some(PositionSource::Mlat)
    } else if kind.starts_with("adsb") || kind.starts_with("adsr") {
        Some(PositionSource::Adsb)
    } else {
        None
    }
}

/// Trace point flag: the position is stale (none received for 20 s).
const TRACE_STALE: u32 = 1;
/// Trace point flag: the altitude is geometric rather than barometric.
const TRACE_GEOMETRIC_ALTITUDE: u32 = 8;

fn trace_point_report(
    point: &Value,
    icao: Icao24,
    now: f64,
    source: SourceRef,
) -> Result<Option<Report>, Bad> {
    let p = point
        .as_array()
        .ok_or_else(|| ("trace", "a trace point is an array".to_string()))?;
    let at = |i: usize| p.get(i).unwrap_or(&Value::Null);
    let num = |i: usize, name: &'static str| -> Result<Option<f64>, Bad> {
        match at(i) {
            Value::Null => Ok(None),
            Value::Number(n) => Ok(n.as_f64()),
            other => Err((name, format!("{other} is not a number"))),
        }
    };
    let (Some(lat), Some(lon)) = (num(1, "lat")?, num(2, "lon")?) else {
        return Ok(None);
    };
    if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
        return Err(("lat", format!("{lat},{lon} is not a position")));
    }
    let time = EventTime::from_unix_seconds(now)
        .ok_or_else(|| ("timestamp", format!("{now} is not a time")))?;
    let flags = num(6, "flags")?.map_or(0, |f| f as u32);
    let mut r = Report::new(time, icao, source);
    // Flag 1: no new position for 20 s; the point repeats the last one, which is not a fix of now.
    if flags & TRACE_STALE == 0 {
        r.position = Some((lat, lon));
        r.position_source = at(9).as_str().and_then(position_source);
    }
    match at(3) {
        Value::String(s) if s == "ground" => r.on_ground = Some(true),
        _ => {
            let altitude = num(3, "altitude")?;
            // Flag 8: the altitude is geometric (GNSS), not barometric.
            if flags & TRACE_GEOMETRIC_ALTITUDE != 0 {
                r.alt_geo_ft = altitude;
            } else {
                r.alt_baro_ft = altitude;
            }
            r.on_ground = altitude.map(|_| false);
        }
    }
    r.ground_speed_kt = num(4, "gs")?.map(|v| v as f32);
    r.track_deg = num(5, "track")?.map(|v| v as f32);
    r.vertical_rate_fpm = num(7, "rate")?.map(|v| v as f32);
    if let Some(geometric) = num(10, "alt_geom")? {
        r.alt_geo_ft = Some(geometric);
    }
    if let Value::Object(details) = at(8) {
        identity(details, &mut r)?;
    }
    Ok(Some(r))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(text: &str) -> (Vec<Report>, ReadStats) {
        let mut out = Vec::new();
        let mut stats = ReadStats::default();
        read(
            text,
            "t.json",
            0,
            EventTime::from_millis(0),
            &mut stats,
            &mut |r| out.push(r),
        );
        (out, stats)
    }

    #[test]
    fn snapshot_entries_take_now_minus_seen_pos() {
        let (r, s) = read_all(
            r#"{"now": 1700513836.875, "aircraft": [
                {"hex":"a3e31a","flight":"N35GR   ","alt_baro":45000,"alt_geom":45700,"gs":489.0,"track":67.26,"squawk":"3471","lat":35.2,"lon":-110.3,"nic":8,"nac_p":10,"seen_pos":1.875},
                {"hex":"~2b0c1f","lat":1,"lon":2},
                {"hex":"ab04bb","alt_baro":"ground","lat":35.5,"lon":-109.8}]}"#,
        );
        assert_eq!((r.len(), s.records, s.ignored, s.malformed), (2, 3, 1, 0));
        assert_eq!(r[0].time, EventTime::from_millis(1_700_513_835_000));
        assert_eq!(
            (r[0].nic, r[0].nacp, r[0].squawk),
            (Some(8), Some(10), Some(0o3471))
        );
        assert_eq!(
            r[0].callsign.as_ref().map(ToString::to_string).as_deref(),
            Some("N35GR")
        );
        assert_eq!((r[1].on_ground, r[1].source.record), (Some(true), 3));
    }

    #[test]
    fn json_lines_carry_now_and_bad_lines_are_reported_with_their_place() {
        let (r, s) = read_all(
            "{\"now\":1704737598.1,\"hex\":\"c01049\",\"lat\":37.5,\"lon\":-108.9,\"squawk\":\"d276\"},\n\
             {\"hex\":\"aaae1b\",\"lat\":37.6,\"lon\":-108.8,\"seen_pos\":0.1,\"nic\":\"x\"},\n\
             {\"hex\":\"aaae1c\",\"lat\":37.7,\"lon\":-108.7,\"seen_pos\":1.1},\n\
             not json\n",
        );
        assert_eq!((r.len(), s.malformed), (1, 3));
        assert_eq!(r[0].time, EventTime::from_millis(1_704_737_597_000));
        let errors: Vec<String> = s.first_errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            errors[0],
            "t.json: entry 1: field squawk: \"d276\" is not four octal digits"
        );
        assert!(errors[1].contains("entry 2: field nic"), "{errors:?}");
        assert!(
            errors[2].starts_with("t.json: line 4: not JSON"),
            "{errors:?}"
        );
    }

    #[test]
    fn a_trace_starts_at_its_timestamp_read_from_the_head_alone() {
        let head = br#"{"icao":"4b1812","timestamp":1700000000.5,"trace":[[0.0,46.1,7.2,"#;
        assert_eq!(
            trace_start(head),
            Some(EventTime::from_millis(1_700_000_000_500))
        );
        let pretty = b"{\n  \"trace\": [],\n  \"timestamp\" : 1.7e9 }";
        assert_eq!(
            trace_start(pretty),
            Some(EventTime::from_millis(1_700_000_000_000))
        );
        // aircraft.json has no trace; a line of JSON lines is not a document's head.
        assert_eq!(trace_start(br#"{"now":1700000000,"aircraft":[]}"#), None);
        assert_eq!(trace_start(br#"[{"timestamp":1,"trace":[]}]"#), None);
    }

    #[test]
    fn trace_points_are_timed_from_the_trace_start() {
        let (r, s) = read_all(
            r#"{"icao":"4b1812","timestamp":1700000000.5,"trace":[
                [0.0,47.1,8.5,12000,300.1,45.0,0,1200,{"flight":"SWR12 ","nic":8,"nac_p":9},"adsb_icao",12300],
                [10.0,47.2,8.6,"ground",null,null,0,null,null],
                [12.0,null,null,null]]}"#,
        );
        assert_eq!((r.len(), s.records, s.ignored), (2, 3, 1));
        assert_eq!(r[0].time, EventTime::from_millis(1_700_000_000_500));
        assert_eq!(
            (r[0].nic, r[0].nacp, r[0].alt_geo_ft),
            (Some(8), Some(9), Some(12300.0))
        );
        assert_eq!(r[1].time, EventTime::from_millis(1_700_000_010_500));
        assert_eq!(r[1].on_ground, Some(true));
    }

    #[test]
    fn readsb_says_which_positions_are_multilateration() {
        let (r, _) = read_all(
            r#"{"now":1700000000,"aircraft":[
                {"hex":"4b1812","type":"adsb_icao","lat":47.1,"lon":8.5,"mlat":[]},
                {"hex":"4b1813","type":"mlat","lat":47.2,"lon":8.6,"mlat":["lat","lon","gs"]},
                {"hex":"4b1814","type":"mode_s","lat":47.3,"lon":8.7,"mlat":["lat","lon"]},
                {"hex":"4b1815","type":"tisb_trackfile","lat":47.4,"lon":8.8}]}"#,
        );
        let sources: Vec<_> = r.iter().map(|r| r.position_source).collect();
        use PositionSource::*;
        assert_eq!(sources, [Some(Adsb), Some(Mlat), Some(Mlat), None]);
        let (t, _) = read_all(
            r#"{"icao":"4b1812","timestamp":1700000000,"trace":[
                [0.0,47.1,8.5,12000,300.1,45.0,0,1200,null,"adsb_icao"],
                [5.0,47.1,8.6,12100,300.1,45.0,0,1200,null,"mlat"]]}"#,
        );
        let sources: Vec<_> = t.iter().map(|r| r.position_source).collect();
        assert_eq!(sources, [Some(Adsb), Some(Mlat)]);
    }

    #[test]
    fn trace_flags_mark_stale_positions_and_geometric_altitudes() {
        // Flags as readsb writes them: 1 stale, 2 new leg, 4 geometric rate, 8 geometric altitude.
        let (r, _) = read_all(
            r#"{"icao":"4b1812","timestamp":1700000000,"trace":[
                [0.0,47.1,8.5,12000,300.1,45.0,2,1200,null],
                [5.0,47.1,8.5,12100,300.1,45.0,1,1200,null],
                [9.0,47.2,8.6,12500,300.1,45.0,12,1200,null]]}"#,
        );
        assert_eq!(r.len(), 3);
        assert_eq!(
            (r[0].position, r[0].alt_baro_ft),
            (Some((47.1, 8.5)), Some(12000.0))
        );
        assert_eq!(r[1].position, None, "a stale point is no fix");
        assert_eq!((r[2].alt_baro_ft, r[2].alt_geo_ft), (None, Some(12500.0)));
    }
}
