//! OpenSky Network historical state vectors as CSV: a header row naming at least `time`, `icao24`,
//! `lat` and `lon`; optional `velocity` (m/s), `heading` (°), `vertrate` (m/s), `callsign`,
//! `onground`, `squawk`, `baroaltitude` and `geoaltitude` (m); other columns are ignored. Empty
//! fields are null. `time` is Unix seconds. Rows without a position are skipped without complaint.

use crate::sbs::squawk;
use crate::{ReadStats, RecordError};
use nofly_model::{Callsign, EventTime, Icao24, Report, SourceRef, FEET_PER_METRE};
use std::io::Read;

/// Knots per metre per second.
pub(crate) const KNOTS_PER_MPS: f64 = 3600.0 / 1852.0;
/// Feet per minute per metre per second.
pub(crate) const FPM_PER_MPS: f64 = 60.0 * FEET_PER_METRE;

struct Columns {
    time: usize,
    icao24: usize,
    lat: usize,
    lon: usize,
    velocity: Option<usize>,
    heading: Option<usize>,
    vertrate: Option<usize>,
    callsign: Option<usize>,
    onground: Option<usize>,
    squawk: Option<usize>,
    baroaltitude: Option<usize>,
    geoaltitude: Option<usize>,
}

/// Reads every row of `input`, calling `emit` for each report. Fails only when the header is unusable.
pub(crate) fn read(
    input: impl Read,
    file: &str,
    input_index: u16,
    stats: &mut ReadStats,
    emit: &mut dyn FnMut(Report),
) -> Result<(), String> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(input);
    let headers = reader
        .headers()
        .map_err(|e| format!("cannot read the CSV header: {e}"))?
        .clone();
    // Header names are matched without surrounding quotes, spaces or a UTF-8 byte-order mark.
    let find = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim_start_matches('\u{feff}').trim().trim_matches('"') == name)
    };
    let need = |name: &str| {
        find(name).ok_or_else(|| {
            format!(
                "the CSV header has no `{name}` column (header: {:?})",
                headers.iter().collect::<Vec<_>>()
            )
        })
    };
    let cols = Columns {
        time: need("time")?,
        icao24: need("icao24")?,
        lat: need("lat")?,
        lon: need("lon")?,
        velocity: find("velocity"),
        heading: find("heading"),
        vertrate: find("vertrate"),
        callsign: find("callsign"),
        onground: find("onground"),
        squawk: find("squawk"),
        baroaltitude: find("baroaltitude"),
        geoaltitude: find("geoaltitude"),
    };
    let mut record = csv::StringRecord::new();
    loop {
        let line = reader.position().line() + 1;
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                stats.records += 1;
                stats.malformed(RecordError {
                    file: file.into(),
                    record: line,
                    unit: "line".into(),
                    field: None,
                    reason: e.to_string(),
                });
                if e.is_io_error() {
                    break;
                }
                continue;
            }
        }
        let line = record.position().map_or(line, |p| p.line());
        // The header again: the next CSV of a tar archive read as one stream.
        if record.get(cols.time) == headers.get(cols.time) && record == headers {
            continue;
        }
        stats.records += 1;
        match row(
            &record,
            &cols,
            SourceRef {
                input: input_index,
                record: line,
            },
        ) {
            Ok(Some(r)) => {
                stats.reports += 1;
                emit(r);
            }
            Ok(None) => stats.ignored += 1,
            Err((field, reason)) => {
                let field = (!field.is_empty()).then_some(field);
                stats.malformed(RecordError {
                    file: file.into(),
                    record: line,
                    unit: "line".into(),
                    field: field.map(Into::into),
                    reason,
                });
            }
        }
    }
    Ok(())
}

type RowError = (&'static str, String);

fn row(
    rec: &csv::StringRecord,
    c: &Columns,
    source: SourceRef,
) -> Result<Option<Report>, RowError> {
    let text = |i: usize| rec.get(i).map(str::trim);
    let opt = |i: Option<usize>| {
        i.and_then(|i| rec.get(i))
            .map(str::trim)
            .filter(|s| !s.is_empty())
    };
    if c.lon.max(c.lat).max(c.icao24).max(c.time) >= rec.len() {
        return Err((
            "",
            format!("truncated: {} fields, the header has more", rec.len()),
        ));
    }
    let lat = number(text(c.lat), "lat")?;
    let lon = number(text(c.lon), "lon")?;
    let (lat, lon) = match (lat, lon) {
        (Some(lat), Some(lon)) => (lat, lon),
        (None, None) => return Ok(None),
        _ => return Err(("lat/lon", "one of lat and lon is empty".into())),
    };
    check_position(lat, lon)?;
    let seconds = number(text(c.time), "time")?.ok_or_else(|| ("time", "empty".to_string()))?;
    let time = EventTime::from_unix_seconds(seconds)
        .ok_or_else(|| ("time", format!("{seconds} is not a usable time")))?;
    let icao_text = text(c.icao24).unwrap_or("");
    let icao: Icao24 = icao_text
        .parse()
        .map_err(|_| ("icao24", format!("{icao_text:?} is not 6 hex digits")))?;
    let mut r = Report::new(time, icao, source);
    r.position = Some((lat, lon));
    r.ground_speed_kt = number(opt(c.velocity), "velocity")?.map(|v| (v * KNOTS_PER_MPS) as f32);
    r.track_deg = number(opt(c.heading), "heading")?.map(|v| v as f32);
    r.vertical_rate_fpm = number(opt(c.vertrate), "vertrate")?.map(|v| (v * FPM_PER_MPS) as f32);
    r.callsign = opt(c.callsign).and_then(Callsign::new);
    r.on_ground = match opt(c.onground) {
        None => None,
        Some(t) => {
            Some(boolean(t).ok_or_else(|| ("onground", format!("{t:?} is not true/false")))?)
        }
    };
    // pandas writes an all-numeric squawk column as floats ("1000.0"): the digits are the code.
    let squawk_text = opt(c.squawk).unwrap_or("");
    r.squawk = squawk(squawk_text.strip_suffix(".0").unwrap_or(squawk_text))
        .map_err(|e| ("squawk", e.reason))?;
    r.alt_baro_ft = number(opt(c.baroaltitude), "baroaltitude")?.map(|m| m * FEET_PER_METRE);
    r.alt_geo_ft = number(opt(c.geoaltitude), "geoaltitude")?.map(|m| m * FEET_PER_METRE);
    Ok(Some(r))
}

/// Latitude in −90..90 and longitude in −180..180.
pub(crate) fn check_position(lat: f64, lon: f64) -> Result<(), RowError> {
    if !(-90.0..=90.0).contains(&lat) {
        return Err(("lat", format!("{lat} is outside -90..90")));
    }
    if !(-180.0..=180.0).contains(&lon) {
        return Err(("lon", format!("{lon} is outside -180..180")));
    }
    Ok(())
}

fn number(text: Option<&str>, field: &'static str) -> Result<Option<f64>, RowError> {
    match text {
        None | Some("") => Ok(None),
        Some(t) => match t.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(Some(v)),
            _ => Err((field, format!("{t:?} is not a finite number"))),
        },
    }
}

fn boolean(t: &str) -> Option<bool> {
    match t {
        "true" | "True" | "TRUE" | "1" | "t" => Some(true),
        "false" | "False" | "FALSE" | "0" | "f" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "time,icao24,lat,lon,velocity,heading,vertrate,callsign,onground,alert,spi,squawk,baroaltitude,geoaltitude,lastposupdate,lastcontact\n";

    fn read_str(body: &str) -> (Vec<Report>, ReadStats) {
        let mut out = Vec::new();
        let mut stats = ReadStats::default();
        read(
            format!("{HEADER}{body}").as_bytes(),
            "t.csv",
            0,
            &mut stats,
            &mut |r| out.push(r),
        )
        .unwrap();
        (out, stats)
    }

    #[test]
    fn converts_units_and_nulls() {
        let (r, s) = read_str("1645970400,155fb6,55.1,20.2,200,270,-5,AFL1000 ,False,False,False,1000,10000,10100,1645970399.9,1645970400\n");
        assert_eq!(s.reports, 1);
        let r = r[0];
        assert_eq!(r.icao, Icao24(0x155fb6));
        assert!((r.alt_baro_ft.unwrap() - 32_808.4).abs() < 0.1);
        assert!((f64::from(r.ground_speed_kt.unwrap()) - 388.77).abs() < 0.01);
        assert!((f64::from(r.vertical_rate_fpm.unwrap()) + 984.25).abs() < 0.01);
        assert_eq!(r.squawk, Some(0o1000));
        assert_eq!(r.on_ground, Some(false));
        let (r, _) = read_str("1645970400,155fb6,55.1,20.2,,,,,,,,7700.0,,,,\n");
        assert_eq!(r[0].squawk, Some(0o7700));
        let (r, s) = read_str("1645970400,155fb6,55.1,20.2,,,,,,,,,,,,\n");
        assert_eq!(
            (s.reports, r[0].alt_baro_ft, r[0].callsign),
            (1, None, None)
        );
    }

    #[test]
    fn skips_positionless_rows_silently_and_reports_bad_ones() {
        let body = "1645970400,155fb6,,,200,270,-5,AFL1000,False,False,False,1000,10000,10100,,\n\
                    1645970401,155fb6,91,20.2,,,,,,,,,,,,\n\
                    1645970402,155fb6,NaN,20.2,,,,,,,,,,,,\n\
                    1645970403,155fb6,55.1\n\
                    1645970404,155fb6,55.1,20.3,,,,,,,,,,,,\n";
        let (r, s) = read_str(body);
        assert_eq!((s.records, s.reports, s.ignored, s.malformed), (5, 1, 1, 3));
        assert_eq!(r[0].source.record, 6);
        let msgs: Vec<String> = s.first_errors.iter().map(ToString::to_string).collect();
        assert_eq!(msgs[0], "t.csv: line 3: field lat: 91 is outside -90..90");
        assert_eq!(
            msgs[1],
            "t.csv: line 4: field lat: \"NaN\" is not a finite number"
        );
        assert!(
            msgs[2].starts_with("t.csv: line 5:") && msgs[2].contains("truncated"),
            "{msgs:?}"
        );
    }
}
