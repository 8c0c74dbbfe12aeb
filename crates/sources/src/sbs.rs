//! SBS/BaseStation text: `MSG,<type>,<session>,<aircraft>,<hex>,<flight>,<date gen>,<time gen>,
//! <date log>,<time log>,<callsign>,<alt ft>,<gs kt>,<track>,<lat>,<lon>,<vr fpm>,<squawk>,<alert>,
//! <emergency>,<spi>,<on ground>`. Transmission types 1–8 are read; other message types
//! (`SEL`, `ID`, `AIR`, `STA`, `CLK`) are well-formed but carry no report.

use crate::RecordError;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use nofly_model::{Callsign, EventTime, Icao24, PositionSource, Report, SourceRef};

/// Where the time of a line without a date comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SbsClock {
    /// Recorded files: the time of the previous dated line, or `start` before any dated line.
    CarryForward {
        /// Time given to undated lines before the first dated one.
        start: EventTime,
    },
    /// Live feeds: undated lines take the time at which they were received, passed by the caller.
    Received,
}

/// A stateful SBS line parser (state: the last time seen, for undated lines).
#[derive(Debug, Clone)]
pub struct SbsParser {
    clock: SbsClock,
    last_time: Option<EventTime>,
    untimed: bool,
}

/// Why a line was not turned into a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineProblem {
    /// The field at fault.
    pub field: Option<&'static str>,
    /// What is wrong.
    pub reason: String,
}

impl LineProblem {
    /// Attaches the place of the line.
    pub fn at(self, file: &str, line: u64) -> RecordError {
        RecordError {
            file: file.to_string(),
            record: line,
            unit: "line".into(),
            field: self.field.map(Into::into),
            reason: self.reason,
        }
    }
}

fn bad(field: &'static str, reason: impl Into<String>) -> LineProblem {
    LineProblem {
        field: Some(field),
        reason: reason.into(),
    }
}

/// Outcome of one line.
pub type LineResult = Result<Option<Report>, LineProblem>;

impl SbsParser {
    /// A parser with the given clock policy.
    pub fn new(clock: SbsClock) -> Self {
        SbsParser {
            clock,
            last_time: None,
            untimed: false,
        }
    }

    /// Parses one line of a recorded file. `Ok(None)` for blank lines and non-`MSG` messages.
    pub fn parse_line(&mut self, line: &str, source: SourceRef) -> LineResult {
        self.parse_line_received(line, source, EventTime::default())
    }

    /// Whether the last parsed line had no date of its own.
    pub fn last_was_untimed(&self) -> bool {
        self.untimed
    }

    /// Parses one line; `received` is the arrival time used by [`SbsClock::Received`].
    pub fn parse_line_received(
        &mut self,
        line: &str,
        source: SourceRef,
        received: EventTime,
    ) -> LineResult {
        let line = line.trim_end_matches(['\r', '\n']);
        if line.trim().is_empty() {
            return Ok(None);
        }
        let f: Vec<&str> = line.split(',').collect();
        // mlat-client's extended BaseStation output writes its results as `MLAT` lines, the
        // fields of a `MSG` line (then its receiver count and error estimate).
        let mlat = f[0] == "MLAT";
        match f[0] {
            "MSG" | "MLAT" => {}
            "SEL" | "ID" | "AIR" | "STA" | "CLK" => return Ok(None),
            other => {
                return Err(bad(
                    "message type",
                    format!(
                        "{other:?} is not an SBS message type (MSG, MLAT, SEL, ID, AIR, STA, CLK)"
                    ),
                ))
            }
        }
        if f.len() < 11 {
            return Err(LineProblem {
                field: None,
                reason: format!("truncated: {} fields, a MSG line has 22", f.len()),
            });
        }
        // Fields beyond the 22 of BaseStation (some feeders append their own) are ignored.
        let get = |i: usize| f.get(i).map_or("", |s| s.trim());
        let kind: u8 = get(1).parse().map_err(|_| {
            bad(
                "transmission type",
                format!("{:?} is not a number 1-8", get(1)),
            )
        })?;
        if !(1..=8).contains(&kind) {
            return Err(bad("transmission type", format!("{kind} is not in 1-8")));
        }
        let icao: Icao24 = get(4)
            .parse()
            .map_err(|_| bad("hex ident", format!("{:?} is not 6 hex digits", get(4))))?;
        let time = match parse_datetime(get(6), get(7)).or_else(|| parse_datetime(get(8), get(9))) {
            Some(t) => {
                self.last_time = Some(t);
                self.untimed = false;
                t
            }
            None if !(get(6).is_empty() && get(8).is_empty()) => {
                return Err(bad(
                    "date/time generated",
                    format!("{:?} {:?} is not YYYY/MM/DD HH:MM:SS.sss", get(6), get(7)),
                ));
            }
            None => {
                self.untimed = true;
                match self.clock {
                    SbsClock::Received => received,
                    SbsClock::CarryForward { start } => self.last_time.unwrap_or(start),
                }
            }
        };
        let mut r = Report::new(time, icao, source);
        r.callsign = Callsign::new(get(10));
        r.alt_baro_ft = number(get(11), "altitude", -2_000.0, 200_000.0)?;
        r.ground_speed_kt = number(get(12), "ground speed", 0.0, 5_000.0)?.map(|v| v as f32);
        r.track_deg = number(get(13), "track", -360.0, 360.0)?.map(|v| v.rem_euclid(360.0) as f32);
        let lat = number(get(14), "latitude", -90.0, 90.0)?;
        let lon = number(get(15), "longitude", -180.0, 180.0)?;
        r.position = match (lat, lon) {
            (Some(lat), Some(lon)) => Some((lat, lon)),
            (None, None) => None,
            _ => {
                return Err(bad(
                    "latitude/longitude",
                    "one of latitude and longitude is missing",
                ))
            }
        };
        r.vertical_rate_fpm =
            number(get(16), "vertical rate", -100_000.0, 100_000.0)?.map(|v| v as f32);
        r.squawk = squawk(get(17))?;
        r.on_ground = flag(get(21), "is on ground")?;
        r.emergency = flag(get(19), "emergency")?;
        if mlat && r.position.is_some() {
            r.position_source = Some(PositionSource::Mlat);
        }
        Ok(Some(r))
    }
}

/// Parses `YYYY/MM/DD` (or `YYYY-MM-DD`) and `HH:MM:SS[.fff]` as UTC (dump1090 and readsb write UTC).
fn parse_datetime(date: &str, time: &str) -> Option<EventTime> {
    if date.is_empty() || time.is_empty() {
        return None;
    }
    let d = NaiveDate::parse_from_str(date, "%Y/%m/%d")
        .or_else(|_| NaiveDate::parse_from_str(date, "%Y-%m-%d"))
        .ok()?;
    let t = NaiveTime::parse_from_str(time, "%H:%M:%S%.f").ok()?;
    Some(EventTime::from_millis(
        NaiveDateTime::new(d, t).and_utc().timestamp_millis(),
    ))
}

fn number(text: &str, field: &'static str, min: f64, max: f64) -> Result<Option<f64>, LineProblem> {
    if text.is_empty() {
        return Ok(None);
    }
    let v: f64 = text
        .parse()
        .map_err(|_| bad(field, format!("{text:?} is not a number")))?;
    if !v.is_finite() || v < min || v > max {
        return Err(bad(field, format!("{text} is outside {min}..{max}")));
    }
    Ok(Some(v))
}

/// A Mode A code: four octal digits.
pub(crate) fn squawk(text: &str) -> Result<Option<u16>, LineProblem> {
    if text.is_empty() {
        return Ok(None);
    }
    if text.len() > 4 || !text.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
        return Err(bad("squawk", format!("{text:?} is not four octal digits")));
    }
    Ok(u16::from_str_radix(text, 8).ok())
}

fn flag(text: &str, field: &'static str) -> Result<Option<bool>, LineProblem> {
    match text {
        "" => Ok(None),
        "0" => Ok(Some(false)),
        "-1" | "1" => Ok(Some(true)),
        _ => Err(bad(field, format!("{text:?} is not 0 or -1"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(p: &mut SbsParser, line: &str) -> LineResult {
        p.parse_line(line, SourceRef::default())
    }

    #[test]
    fn mlat_client_extended_lines_are_multilateration_positions() {
        let mut p = SbsParser::new(SbsClock::CarryForward {
            start: EventTime::from_millis(0),
        });
        let line = "MLAT,3,1,1,A76E37,1,2016/03/10,18:22:22.989,2016/03/10,18:22:22.989,,28211,497,66,36.8347,-120.4883,1696,,,,,,5,,82";
        let r = parse(&mut p, line).unwrap().unwrap();
        assert_eq!(r.position, Some((36.8347, -120.4883)));
        assert_eq!(r.position_source, Some(PositionSource::Mlat));
        assert_eq!(r.alt_baro_ft, Some(28211.0));
        let msg = parse(&mut p, &line.replacen("MLAT", "MSG", 1))
            .unwrap()
            .unwrap();
        assert_eq!(msg.position_source, None);
    }

    #[test]
    fn undated_lines_carry_the_previous_time() {
        let mut p = SbsParser::new(SbsClock::CarryForward {
            start: EventTime::from_millis(5),
        });
        let r = parse(
            &mut p,
            "MSG,3,,,4B1908,,,,,,,2525,,,33.96693,-118.25598,,,0,0,0,0",
        )
        .unwrap()
        .unwrap();
        assert_eq!(r.time, EventTime::from_millis(5));
        assert_eq!(r.alt_baro_ft, Some(2525.0));
        assert_eq!(r.on_ground, Some(false));
        parse(
            &mut p,
            "MSG,5,1,1,4D2023,1,2026/11/25,16:14:24.942,2026/11/25,16:14:26.921,,23375,,,,,,,0,,0,",
        )
        .unwrap();
        let r = parse(&mut p, "MSG,8,,,4B1908,,,,,,,,,,,,,,,,,")
            .unwrap()
            .unwrap();
        assert_eq!(r.time.to_rfc3339(), "2026-11-25T16:14:24.942Z");
    }

    #[test]
    fn reads_callsign_squawk_velocity() {
        let mut p = SbsParser::new(SbsClock::CarryForward {
            start: EventTime::default(),
        });
        let r = parse(&mut p, "MSG,1,,,A8430D,,,,,,UAL123  ,,,,,,,,,,,")
            .unwrap()
            .unwrap();
        assert_eq!(r.callsign.unwrap().as_str(), "UAL123");
        let r = parse(&mut p, "MSG,6,,,A8430D,,,,,,,,,,,,,7700,0,1,0,0")
            .unwrap()
            .unwrap();
        assert_eq!(r.squawk, Some(0o7700));
        let r = parse(&mut p, "MSG,4,,,A8430D,,,,,,,,412,271.3,,,-1344,,,,,")
            .unwrap()
            .unwrap();
        assert_eq!(
            (r.ground_speed_kt, r.track_deg, r.vertical_rate_fpm),
            (Some(412.0), Some(271.3), Some(-1344.0))
        );
    }

    #[test]
    fn malformed_lines_name_the_field() {
        let mut p = SbsParser::new(SbsClock::CarryForward {
            start: EventTime::default(),
        });
        let e = parse(&mut p, "MSG,3,,,4B1908,,,,,,,2525,,,91.0,-118.2,,,0,0,0,0").unwrap_err();
        assert_eq!(e.field, Some("latitude"));
        let e = parse(&mut p, "MSG,3,,,4B1908,,,,,,,2525,,,NaN,-118.2,,,0,0,0,0").unwrap_err();
        assert_eq!(e.field, Some("latitude"));
        let e = parse(&mut p, "MSG,3,,,4B19").unwrap_err();
        assert!(e.reason.contains("truncated"));
        let e = parse(&mut p, "MSG,3,,,4B19XX,,,,,,,2525,,,33.9,-118.2,,,0,0,0,0").unwrap_err();
        assert_eq!(e.field, Some("hex ident"));
        assert_eq!(
            parse(
                &mut p,
                "STA,,5,179,400AE7,10103,2008/11/28,14:58:51.153,2008/11/28,14:58:51.153,RM"
            ),
            Ok(None)
        );
    }
}
