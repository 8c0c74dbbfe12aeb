//! Weekly activation windows (ED-269 `schedule`/`dailyPeriod`, ED-318 `schedule`): days of the
//! week and a daily time window at a fixed UTC offset, and the time-of-day text they are written in.

use crate::EventTime;

const DAY_MS: i64 = 86_400_000;

/// A daily time window on some days of the week, in local time at a fixed UTC offset:
/// `[start, end)` on each chosen day; an end at or before the start runs past midnight into the
/// next day (that part belongs to the day it started on).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeeklyWindow {
    /// Days on which the window opens: bit 0 is Monday, bit 6 Sunday.
    pub days: u8,
    /// Opening, milliseconds after local midnight.
    pub start_ms: u32,
    /// Closing, milliseconds after local midnight (86,400,000 for the end of the day).
    pub end_ms: u32,
    /// Local time minus UTC, seconds (`+02:00` is 7200).
    pub utc_offset_s: i32,
}

/// The names of the days of the week as ED-269 writes them, Monday first.
pub const WEEKDAYS: [&str; 7] = ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"];

impl WeeklyWindow {
    /// Whether `t` falls in the window.
    pub fn contains(&self, t: EventTime) -> bool {
        let local = t.millis() + i64::from(self.utc_offset_s) * 1000;
        let day = local.div_euclid(DAY_MS);
        let ms = local.rem_euclid(DAY_MS);
        // 1970-01-01 was a Thursday (index 3 with Monday as 0).
        let weekday = (day + 3).rem_euclid(7) as u8;
        let previous = (weekday + 6) % 7;
        let opens = |d: u8| self.days & (1 << d) != 0;
        let (start, end) = (i64::from(self.start_ms), i64::from(self.end_ms));
        if start < end {
            opens(weekday) && start <= ms && ms < end
        } else {
            (opens(weekday) && ms >= start) || (opens(previous) && ms < end)
        }
    }
}

impl std::fmt::Display for WeeklyWindow {
    /// `SAT,SUN 17:00:00+02:00-24:00:00+02:00`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let days: Vec<&str> = if self.days == 0x7f {
            vec!["ANY"]
        } else {
            (0..7)
                .filter(|d| self.days & (1 << d) != 0)
                .map(|d| WEEKDAYS[d])
                .collect()
        };
        let at = |ms| {
            TimeOfDay {
                ms,
                utc_offset_s: Some(self.utc_offset_s),
            }
            .to_text()
        };
        write!(
            f,
            "{} {}-{}",
            days.join(","),
            at(self.start_ms),
            at(self.end_ms)
        )
    }
}

/// A time of day that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseTimeOfDayError(pub String);

impl std::fmt::Display for ParseTimeOfDayError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "not a time of day `HH:MM[:SS[.fff]]` with a UTC offset (`Z` or `±HH:MM`): {:?}",
            self.0
        )
    }
}
impl std::error::Error for ParseTimeOfDayError {}

/// A time of day with its UTC offset, as RFC 3339 `full-time` writes it (`17:00:00Z`,
/// `12:00:00+02:00`, `16:00:00.00Z`). `24:00:00` is the end of the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeOfDay {
    /// Milliseconds after local midnight, 0..=86,400,000.
    pub ms: u32,
    /// Local time minus UTC, seconds; `None` when the text has no offset.
    pub utc_offset_s: Option<i32>,
}

impl std::str::FromStr for TimeOfDay {
    type Err = ParseTimeOfDayError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let err = || ParseTimeOfDayError(text.to_string());
        let t = text.trim();
        let (clock, offset) = match t.find(['Z', 'z', '+', '-']) {
            Some(i) => (&t[..i], Some(&t[i..])),
            None => (t, None),
        };
        let utc_offset_s = match offset {
            None => None,
            Some("Z" | "z") => Some(0),
            Some(o) => {
                let sign = if o.starts_with('-') { -1 } else { 1 };
                let digits: String = o[1..].chars().filter(|c| *c != ':').collect();
                if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(err());
                }
                let (h, m): (i32, i32) = (
                    digits[..2].parse().map_err(|_| err())?,
                    digits[2..].parse().map_err(|_| err())?,
                );
                if h > 23 || m > 59 {
                    return Err(err());
                }
                Some(sign * (h * 3600 + m * 60))
            }
        };
        let mut parts = clock.split(':');
        let mut field = |max: u32| -> Result<Option<u32>, ParseTimeOfDayError> {
            match parts.next() {
                None => Ok(None),
                Some(p) if p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()) => {
                    let v: u32 = p.parse().map_err(|_| err())?;
                    if v > max {
                        Err(err())
                    } else {
                        Ok(Some(v))
                    }
                }
                Some(_) => Err(err()),
            }
        };
        let hours = field(24)?.ok_or_else(err)?;
        let minutes = field(59)?.ok_or_else(err)?;
        let (seconds, millis) = match parts.next() {
            None => (0, 0),
            Some(p) => {
                let (whole, fraction) = p.split_once('.').unwrap_or((p, ""));
                if whole.len() != 2
                    || !whole.bytes().all(|b| b.is_ascii_digit())
                    || !fraction.bytes().all(|b| b.is_ascii_digit())
                {
                    return Err(err());
                }
                let s: u32 = whole.parse().map_err(|_| err())?;
                // 60 is a leap second: it ends where the next minute starts.
                if s > 60 {
                    return Err(err());
                }
                let ms = format!("{fraction:0<3}")[..3]
                    .parse::<u32>()
                    .map_err(|_| err())?;
                (s, ms)
            }
        };
        if parts.next().is_some() {
            return Err(err());
        }
        let ms = ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis;
        if ms > DAY_MS as u32 {
            return Err(err());
        }
        Ok(TimeOfDay { ms, utc_offset_s })
    }
}

impl TimeOfDay {
    /// RFC 3339 `full-time` with the offset, milliseconds only when there are any
    /// (`17:00:00+02:00`, `24:00:00Z`).
    pub fn to_text(self) -> String {
        let s = self.ms / 1000;
        let mut out = format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
        if !self.ms.is_multiple_of(1000) {
            out.push_str(&format!(".{:03}", self.ms % 1000));
        }
        match self.utc_offset_s {
            None => {}
            Some(0) => out.push('Z'),
            Some(o) => {
                let sign = if o < 0 { '-' } else { '+' };
                out.push_str(&format!(
                    "{sign}{:02}:{:02}",
                    o.abs() / 3600,
                    o.abs() / 60 % 60
                ));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ActiveInterval;

    #[test]
    fn weekly_windows_follow_local_days() {
        let t = |s: &str| s.parse::<EventTime>().unwrap();
        // Saturdays and Sundays 17:00–24:00 at +02:00 (Central European Summer Time).
        let weekend = WeeklyWindow {
            days: 0b110_0000,
            start_ms: 17 * 3_600_000,
            end_ms: 86_400_000,
            utc_offset_s: 7200,
        };
        // 2022-06-18 was a Saturday.
        assert!(weekend.contains(t("2022-06-18T15:00:00Z")));
        assert!(!weekend.contains(t("2022-06-18T14:59:59.999Z")));
        assert!(weekend.contains(t("2022-06-19T21:59:59Z")));
        // Monday 00:00 local is Sunday 22:00 UTC: closed.
        assert!(!weekend.contains(t("2022-06-19T22:00:00Z")));
        // Friday 22:00–02:00 UTC runs into Saturday morning.
        let night = WeeklyWindow {
            days: 0b001_0000,
            start_ms: 22 * 3_600_000,
            end_ms: 2 * 3_600_000,
            utc_offset_s: 0,
        };
        assert!(night.contains(t("2022-06-17T23:00:00Z")));
        assert!(night.contains(t("2022-06-18T01:59:00Z")));
        assert!(!night.contains(t("2022-06-18T02:00:00Z")));
        assert!(!night.contains(t("2022-06-18T23:00:00Z")));
        let interval = ActiveInterval {
            from: Some(t("2022-06-15T09:00:00Z")),
            to: Some(t("2023-06-15T09:00:00Z")),
            schedule: vec![weekend],
        };
        assert!(interval.contains(t("2022-06-18T16:00:00Z")));
        assert!(!interval.contains(t("2022-06-17T16:00:00Z")));
        assert!(!interval.contains(t("2023-06-17T16:00:00Z")));
    }

    #[test]
    fn times_of_day_with_offsets() {
        let p = |s: &str| s.parse::<TimeOfDay>();
        assert_eq!(
            p("16:00:00.00Z").unwrap(),
            TimeOfDay {
                ms: 57_600_000,
                utc_offset_s: Some(0)
            }
        );
        assert_eq!(p("12:00:00+02:00").unwrap().utc_offset_s, Some(7200));
        assert_eq!(p("12:00-0330").unwrap().utc_offset_s, Some(-12_600));
        assert_eq!(p("24:00:00Z").unwrap().ms, 86_400_000);
        assert_eq!(p("23:59:60Z").unwrap().ms, 86_400_000);
        assert_eq!(p("08:30").unwrap().utc_offset_s, None);
        for bad in [
            "",
            "8:30Z",
            "24:01Z",
            "12:00:00+25:00",
            "noon",
            "12:60Z",
            "12:00:00:00Z",
        ] {
            assert!(p(bad).is_err(), "{bad}");
        }
        assert_eq!(p("17:00:00+02:00").unwrap().to_text(), "17:00:00+02:00");
        assert_eq!(
            p("06:05:04.5-01:30").unwrap().to_text(),
            "06:05:04.500-01:30"
        );
    }
}
