//! Raw Mode S feeds: the Beast binary protocol (0x1a-escaped frames with a 12 MHz clock and signal
//! level), AVR text (`*HEX;` and `@CLOCKHEX;`), and `<unix seconds>,<hex>` lines (hex optionally with
//! its Beast header). Frames are decoded by `nofly-modes` and tracked into reports.
//!
//! Event time: `<unix seconds>,<hex>` lines carry it. Beast and AVR recordings carry only the
//! receiver's 12 MHz clock, so the first frame gets the untimed start (`--untimed-start`) and later
//! frames add the clock's progress; a frame without a clock (`*HEX;`) takes the previous frame's time.

use crate::RecordError;
use nofly_model::{EventTime, PositionSource, Report, SourceRef};
use nofly_modes::{decode, DecodeError, Message, Repair, Tracked, Tracker};

/// One raw frame with what came with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawFrame<'a> {
    /// The Mode S frame, 7 or 14 bytes.
    pub bytes: &'a [u8],
    /// The receiver's 12 MHz clock, when the format carries it.
    pub clock_12mhz: Option<u64>,
    /// Absolute time, when the format carries it.
    pub time: Option<EventTime>,
    /// Record number (byte offset of the frame for Beast, line for text).
    pub record: u64,
    /// Length of the frame as it was in the stream, escapes included (Beast), or 0.
    pub raw_len: usize,
}

/// Counts of what a Beast stream held besides good frames.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BeastStats {
    /// Good Mode S frames.
    pub frames: u64,
    /// Mode A/C frames (type '1'), not decoded.
    pub mode_ac: u64,
    /// Bytes skipped while looking for a frame start.
    pub garbage_bytes: u64,
    /// Frames cut short by an unescaped 0x1a.
    pub bad_escapes: u64,
    /// Unknown frame types.
    pub unknown_types: u64,
}

/// Splits a Beast byte stream into frames. Resynchronises after garbage and truncated frames.
#[derive(Debug, Default)]
pub struct BeastFramer {
    pending: Vec<u8>,
    offset: u64,
    /// What was seen so far.
    pub stats: BeastStats,
}

impl BeastFramer {
    /// Feeds bytes; calls `frame` for each complete Mode S frame. Incomplete data is kept for the next call.
    pub fn push(&mut self, data: &[u8], frame: &mut dyn FnMut(RawFrame)) {
        // Only a partial frame left over from the last call is copied; new data is framed in place.
        let joined;
        let buf: &[u8] = if self.pending.is_empty() {
            data
        } else {
            self.pending.extend_from_slice(data);
            joined = std::mem::take(&mut self.pending);
            &joined
        };
        let mut i = 0;
        let mut unescaped = [0u8; 6 + 1 + 14];
        while i < buf.len() {
            if buf[i] != 0x1a {
                self.stats.garbage_bytes += 1;
                i += 1;
                continue;
            }
            let Some(&kind) = buf.get(i + 1) else { break };
            let payload = match kind {
                0x31 => 2,
                0x32 => 7,
                0x33 => 14,
                0x1a => {
                    // 0x1a 0x1a outside a frame: skip one byte only, the second may start a frame
                    // (a wrong guess yields bytes that fail the CRC downstream).
                    self.stats.garbage_bytes += 1;
                    i += 1;
                    continue;
                }
                _ => {
                    self.stats.unknown_types += 1;
                    i += 1;
                    continue;
                }
            };
            let want = 6 + 1 + payload;
            let (mut j, mut n, mut broken) = (i + 2, 0, false);
            while n < want && j < buf.len() {
                if buf[j] == 0x1a {
                    match buf.get(j + 1) {
                        Some(0x1a) => {
                            unescaped[n] = 0x1a;
                            j += 2;
                        }
                        Some(_) => {
                            broken = true;
                            break;
                        }
                        None => break, // maybe escaped: wait for more data
                    }
                } else {
                    unescaped[n] = buf[j];
                    j += 1;
                }
                n += 1;
            }
            if broken {
                self.stats.bad_escapes += 1;
                i = j; // resynchronise at the unescaped 0x1a
                continue;
            }
            if n < want {
                break; // incomplete: keep from i
            }
            let start = self.offset + i as u64;
            if kind == 0x31 {
                self.stats.mode_ac += 1;
            } else {
                self.stats.frames += 1;
                let clock = unescaped[..6]
                    .iter()
                    .fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
                frame(RawFrame {
                    bytes: &unescaped[7..want],
                    clock_12mhz: Some(clock),
                    time: None,
                    record: start,
                    raw_len: j - i,
                });
            }
            i = j;
        }
        self.offset += i as u64;
        self.pending = buf[i..].to_vec();
    }
}

/// The frame of a text record: its hex decoded into `buf`, with what the record says of its time.
fn text_frame<'b>(
    hex: &str,
    clock_12mhz: Option<u64>,
    time: Option<EventTime>,
    record: u64,
    buf: &'b mut [u8; 14],
) -> Result<Option<RawFrame<'b>>, &'static str> {
    let n = nofly_modes::frame_from_hex(hex, buf).ok_or("the frame is not 14 or 28 hex digits")?;
    Ok(Some(RawFrame {
        bytes: &buf[..n],
        clock_12mhz,
        time,
        record,
        raw_len: 0,
    }))
}

/// Parses one AVR line (`*HEX;` or `@` + 12 hex digits of clock + HEX + `;`).
pub fn avr_line<'b>(
    line: &str,
    record: u64,
    buf: &'b mut [u8; 14],
) -> Result<Option<RawFrame<'b>>, &'static str> {
    let line = line.trim();
    if line.is_empty() {
        return Ok(None);
    }
    let body = line.strip_suffix(';').ok_or("an AVR line ends with ';'")?;
    // `get` rather than indexing: a non-ASCII byte where the clock ends is bad input, not a panic.
    let (clock, hex) = match body.as_bytes().first() {
        Some(b'*') => (None, &body[1..]),
        Some(b'@') => {
            let clock = body
                .get(1..13)
                .and_then(|c| u64::from_str_radix(c, 16).ok())
                .ok_or("bad clock digits")?;
            (Some(clock), body.get(13..).ok_or("bad clock digits")?)
        }
        _ => return Err("an AVR line starts with '*' or '@'"),
    };
    text_frame(hex, clock, None, record, buf)
}

/// Parses one `<unix seconds>,<hex>` line; the hex may start with a Beast header (`1a32`/`1a33`,
/// clock and signal), which is skipped.
pub fn hex_line<'b>(
    line: &str,
    record: u64,
    buf: &'b mut [u8; 14],
) -> Result<Option<RawFrame<'b>>, &'static str> {
    let line = line.trim();
    if line.is_empty() {
        return Ok(None);
    }
    let (ts, hex) = line
        .split_once(',')
        .ok_or("expected <unix seconds>,<hex>")?;
    let seconds: f64 = ts.trim().parse().map_err(|_| "the time is not a number")?;
    let time = EventTime::from_unix_seconds(seconds).ok_or("the time is out of range")?;
    let hex = hex.trim();
    let lower = hex.get(..4).map(str::to_ascii_lowercase);
    let (hex, clock) = if matches!(lower.as_deref(), Some("1a32" | "1a33")) {
        let frame = hex.get(18..).ok_or("the Beast header is cut short")?;
        (
            frame,
            hex.get(4..16).and_then(|c| u64::from_str_radix(c, 16).ok()),
        )
    } else {
        (hex, None)
    };
    text_frame(hex, clock, Some(time), record, buf)
}

/// The clock value that marks a Beast frame as a multilateration result rather than a reception
/// (`FF 00` then "MLAT" in ASCII): mlat-client sends its results, and readsb and dump1090 forward
/// them, as extended squitters carrying this value.
pub const MLAT_RESULT_CLOCK: u64 = 0xFF00_4D4C_4154;

/// Where a frame's position came from: a multilateration result (by its clock), the aircraft's
/// own ADS-B (DF17, and DF18 with control field 0, 1 or 6: non-transponder ADS-B and ADS-R), or
/// not known (TIS-B and the rest).
fn position_source(f: &RawFrame) -> Option<PositionSource> {
    if f.clock_12mhz == Some(MLAT_RESULT_CLOCK) {
        return Some(PositionSource::Mlat);
    }
    let first = *f.bytes.first()?;
    match (first >> 3, first & 7) {
        (17, _) | (18, 0 | 1 | 6) => Some(PositionSource::Adsb),
        _ => None,
    }
}

/// Turns raw frames into reports: decodes, tracks, and keeps event time.
pub struct FrameDecoder {
    tracker: Tracker,
    repair: Repair,
    start: EventTime,
    first_clock: Option<u64>,
    last_time: EventTime,
    /// Frames refused, by reason: bad length, bad CRC, unsupported format, unknown address, implausible position.
    pub refused: [u64; 5],
}

impl FrameDecoder {
    /// A decoder; `receiver` is the reference for surface and first positions, `start` the time of
    /// the first frame of a recording that has only a receiver clock.
    pub fn new(receiver: Option<(f64, f64)>, repair: Repair, start: EventTime) -> Self {
        FrameDecoder {
            tracker: Tracker::new(receiver),
            repair,
            start,
            first_clock: None,
            last_time: start,
            refused: [0; 5],
        }
    }

    /// The event time of a frame.
    fn time_of(&mut self, f: &RawFrame) -> EventTime {
        let t = match (f.time, f.clock_12mhz) {
            (Some(t), _) => t,
            // A multilateration result carries no receiver clock: it takes the previous frame's
            // time, as a frame without a clock does.
            (None, Some(MLAT_RESULT_CLOCK)) => self.last_time,
            (None, Some(clock)) => {
                let first = *self.first_clock.get_or_insert(clock);
                EventTime::from_millis(
                    self.start.millis() + (clock.wrapping_sub(first) / 12_000) as i64,
                )
            }
            (None, None) => self.last_time,
        };
        self.last_time = t;
        t
    }

    /// Decodes one frame; returns the decoded message and the report it makes, if any.
    pub fn frame(&mut self, f: &RawFrame, input: u16) -> Option<(Message, Report)> {
        let time = self.time_of(f);
        let m = match decode(f.bytes, self.repair) {
            Ok(m) => m,
            Err(e) => {
                self.refused[match e {
                    DecodeError::BadLength => 0,
                    DecodeError::BadCrc => 1,
                    DecodeError::UnsupportedFormat => 2,
                }] += 1;
                return None;
            }
        };
        let position = match self.tracker.update(time.millis(), &m) {
            Tracked::UnknownAddress => {
                self.refused[3] += 1;
                return None;
            }
            Tracked::Implausible => {
                self.refused[4] += 1;
                None
            }
            Tracked::Accepted { position } => position,
        };
        let mut r = Report::new(
            time,
            m.icao24?,
            SourceRef {
                input,
                record: f.record,
            },
        );
        r.callsign = m.callsign;
        r.category = m.category;
        r.squawk = m.squawk;
        r.emergency = m.emergency_state.map(|s| s != 0);
        r.position = position;
        r.alt_baro_ft = m.altitude.map(f64::from);
        r.alt_geo_ft = m.altitude_gnss.map(f64::from);
        r.ground_speed_kt = m.groundspeed.map(|v| v as f32);
        r.track_deg = m.track.map(|v| v as f32);
        r.vertical_rate_fpm = m.vertical_rate.map(|v| v as f32);
        r.on_ground = m.on_ground;
        (r.nic, r.nacp) = self.tracker.integrity(&m);
        if r.position.is_some() {
            r.position_source = position_source(f);
        }
        Some((m, r))
    }

    /// The refusal counts as (reason, count) pairs.
    pub fn refusals(&self) -> [(&'static str, u64); 5] {
        let names = [
            "bad length",
            "bad CRC",
            "unsupported downlink format",
            "address never announced",
            "implausible position",
        ];
        [0, 1, 2, 3, 4].map(|i| (names[i], self.refused[i]))
    }
}

/// Decoding options for raw inputs: Mode S (Beast, AVR, hex) and ASTERIX.
#[derive(Debug, Clone, Copy)]
pub struct ModesOptions {
    /// Receiver position: reference for surface positions.
    pub receiver: Option<(f64, f64)>,
    /// Single-bit repair policy.
    pub repair: Repair,
    /// Time of the first frame of a recording that carries only a receiver clock, and the day
    /// a raw ASTERIX file's first time of day is dated to.
    pub start: EventTime,
    /// Editions and radar sites of ASTERIX inputs.
    pub asterix: crate::AsterixOptions,
}

impl Default for ModesOptions {
    fn default() -> Self {
        ModesOptions {
            receiver: None,
            repair: Repair::ExtendedSquitter,
            start: EventTime::default(),
            asterix: crate::AsterixOptions::default(),
        }
    }
}

/// Reads a raw Mode S stream (Beast, AVR or hex lines) and emits a report per accepted message.
pub(crate) fn read_modes(
    input: impl std::io::Read,
    format: crate::Format,
    name: &str,
    input_index: u16,
    options: &ModesOptions,
    stats: &mut crate::ReadStats,
    emit: &mut dyn FnMut(Report),
) -> std::io::Result<()> {
    read_modes_messages(
        input,
        format,
        name,
        input_index,
        options,
        stats,
        &mut |_, r| emit(r),
    )
}

/// Reads a raw Mode S stream and calls `emit` with each accepted message and the report made of it
/// (the report's position is the resolved one). Used by `nofly decode`.
pub fn read_modes_messages(
    mut input: impl std::io::Read,
    format: crate::Format,
    name: &str,
    input_index: u16,
    options: &ModesOptions,
    stats: &mut crate::ReadStats,
    emit: &mut dyn FnMut(&Message, Report),
) -> std::io::Result<()> {
    let mut decoder = FrameDecoder::new(options.receiver, options.repair, options.start);
    let mut take = |decoder: &mut FrameDecoder, f: &RawFrame, stats: &mut crate::ReadStats| {
        stats.records += 1;
        match decoder.frame(f, input_index) {
            Some((m, r)) => {
                stats.reports += 1;
                emit(&m, r);
            }
            None => stats.ignored += 1,
        }
    };
    if format == crate::Format::Beast {
        let mut framer = BeastFramer::default();
        let mut buf = vec![0u8; 1 << 16];
        loop {
            let n = input.read(&mut buf)?;
            if n == 0 {
                break;
            }
            framer.push(&buf[..n], &mut |f| take(&mut decoder, &f, stats));
        }
        let s = framer.stats;
        if s.bad_escapes > 0 {
            stats.malformed += s.bad_escapes;
            if stats.first_errors.len() < crate::record_error::KEPT_ERRORS {
                stats.first_errors.push(RecordError {
                    file: name.to_string(),
                    record: 0,
                    unit: "stream".into(),
                    field: None,
                    reason: format!(
                        "{} Beast frames cut short by an unescaped 0x1a",
                        s.bad_escapes
                    ),
                });
            }
        }
        stats.notes.push(format!("{name}: Beast: {} Mode S frames, {} Mode A/C, {} garbage bytes skipped, {} unknown frame types", s.frames, s.mode_ac, s.garbage_bytes, s.unknown_types));
    } else {
        let reader = std::io::BufReader::with_capacity(1 << 16, input);
        let mut buf = [0u8; 14];
        for (i, line) in std::io::BufRead::lines(reader).enumerate() {
            let line = line?;
            let record = i as u64 + 1;
            let parsed = if format == crate::Format::Avr {
                avr_line(&line, record, &mut buf)
            } else {
                hex_line(&line, record, &mut buf)
            };
            match parsed {
                Ok(Some(f)) => take(&mut decoder, &f, stats),
                Ok(None) => {}
                Err(reason) => {
                    stats.records += 1;
                    stats.malformed(RecordError {
                        file: name.to_string(),
                        record,
                        unit: "line".into(),
                        field: None,
                        reason: reason.to_string(),
                    });
                }
            }
        }
    }
    let refused: Vec<String> = decoder
        .refusals()
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(why, n)| format!("{n} {why}"))
        .collect();
    if !refused.is_empty() {
        stats
            .notes
            .push(format!("{name}: frames not used: {}", refused.join(", ")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_multilateration_result_is_marked_and_keeps_the_previous_time() {
        // The even and odd airborne positions of 40621D ("The 1090 MHz Riddle"), the odd one
        // once as received and once as mlat-client sends a result.
        let even = hex::decode("8D40621D58C382D690C8AC2863A7").unwrap();
        let odd = hex::decode("8D40621D58C386435CC412692AD6").unwrap();
        for (clock, source, millis) in [
            (24_000, Some(PositionSource::Adsb), 2),
            (MLAT_RESULT_CLOCK, Some(PositionSource::Mlat), 0),
        ] {
            let mut d = FrameDecoder::new(None, Repair::None, EventTime::from_millis(0));
            fn frame(bytes: &[u8], clock: u64) -> RawFrame<'_> {
                RawFrame {
                    bytes,
                    clock_12mhz: Some(clock),
                    time: None,
                    record: 0,
                    raw_len: 0,
                }
            }
            d.frame(&frame(&even, 0), 0);
            let (_, r) = d.frame(&frame(&odd, clock), 0).unwrap();
            assert!(r.position.is_some());
            assert_eq!((r.position_source, r.time.millis()), (source, millis));
        }
    }

    #[test]
    fn beast_frames_with_escapes_garbage_and_splits() {
        let frame = [
            0x8D, 0x1a, 0x40, 0xD6, 0x20, 0x2C, 0xC3, 0x71, 0xC3, 0x2C, 0xE0, 0x57, 0x60, 0x98,
        ];
        let mut stream = vec![0xff, 0x00, 0x1a]; // garbage, then a lone 0x1a before a real start
        stream.extend([0x1a, 0x33, 0, 0, 0, 0, 0x1a, 0x1a, 0x01, 0x80]);
        for b in frame {
            stream.push(b);
            if b == 0x1a {
                stream.push(0x1a);
            }
        }
        stream.extend([0x1a, 0x32, 1, 2]); // truncated by the next frame start
        stream.extend([0x1a, 0x31, 0, 0, 0, 0, 0, 1, 0x50, 0x12, 0x34]);
        let mut framer = BeastFramer::default();
        let mut got = Vec::new();
        for chunk in stream.chunks(3) {
            framer.push(chunk, &mut |f| got.push((f.bytes.to_vec(), f.clock_12mhz)));
        }
        assert_eq!(got, vec![(frame.to_vec(), Some(0x1a01))]);
        assert_eq!((framer.stats.mode_ac, framer.stats.bad_escapes), (1, 1));
        assert!(framer.stats.garbage_bytes >= 2);
    }

    #[test]
    fn avr_and_hex_lines() {
        let mut buf = [0u8; 14];
        let f = avr_line("*8D4840D6202CC371C32CE0576098;", 1, &mut buf)
            .unwrap()
            .unwrap();
        assert_eq!((f.bytes.len(), f.clock_12mhz), (14, None));
        let f = avr_line("@0000000012348D4840D6202CC371C32CE0576098;", 2, &mut buf)
            .unwrap()
            .unwrap();
        assert_eq!(f.clock_12mhz, Some(0x1234));
        assert!(avr_line("*8D4840D6202CC371C32CE05760;", 3, &mut buf).is_err());
        assert!(avr_line("8D4840D6202CC371C32CE0576098", 3, &mut buf).is_err());
        // Non-ASCII where the clock or the Beast header ends: refused, not a panic.
        assert!(avr_line("@00000000123é8D4840D6202CC371C32CE0576098;", 5, &mut buf).is_err());
        assert!(avr_line("@0000;", 5, &mut buf).is_err());
        assert!(hex_line(
            "1,1a33000023bb50f0aé903907dbc1b50fca1ad701efd570",
            6,
            &mut buf
        )
        .is_err());
        assert!(hex_line("1,1a33000023bb50f", 6, &mut buf).is_err());
        let f = hex_line(
            "1698140962.171425,1a33000023bb50f025903907dbc1b50fca1ad701efd570",
            4,
            &mut buf,
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            (f.bytes[0], f.time.unwrap().millis()),
            (0x90, 1_698_140_962_171)
        );
    }
}
