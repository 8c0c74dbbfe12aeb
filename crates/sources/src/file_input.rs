//! Reading one recorded input file of any supported format, gzip-compressed or not.

use crate::sbs::{SbsClock, SbsParser};
use crate::{opensky_csv, opensky_parquet, sniff, Format, ReadStats};
use nofly_model::{EventTime, Report, SourceRef};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

/// Why a whole file could not be read (single bad records are counted in [`ReadStats`] instead).
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// The file could not be opened or read.
    #[error("{file}: {error}")]
    Io {
        /// The file.
        file: String,
        /// The I/O error (shown in the message, so not also chained as a source).
        error: std::io::Error,
    },
    /// The file is not in a format nofly reads, or its header or schema is unusable.
    #[error("{file}: {reason}")]
    Format {
        /// The file.
        file: String,
        /// What is wrong.
        reason: String,
    },
}

/// Reads `path` and calls `emit` for every report, in file order.
///
/// `format` `None` sniffs it. `untimed_start` is the time of SBS lines without a date that come
/// before any dated line. `on_progress(done, total)` is called now and then, in bytes for text
/// formats and in rows for Parquet. Returns the format used and what was read.
pub fn read_file(
    path: &Path,
    format: Option<Format>,
    input_index: u16,
    untimed_start: EventTime,
    emit: &mut dyn FnMut(Report),
    on_progress: &mut dyn FnMut(u64, u64),
) -> Result<(Format, ReadStats), FileError> {
    let options = crate::ModesOptions {
        start: untimed_start,
        ..crate::ModesOptions::default()
    };
    read_file_with(path, format, input_index, &options, emit, on_progress)
}

/// [`read_file`] with all decoding options: `options.start` is the untimed start, and raw Mode S
/// inputs use the receiver position and repair policy. A path of `-` is standard input, read
/// whole first (Parquet needs random access; every format is sniffed the same way).
pub fn read_file_with(
    path: &Path,
    format: Option<Format>,
    input_index: u16,
    options: &crate::ModesOptions,
    emit: &mut dyn FnMut(Report),
    on_progress: &mut dyn FnMut(u64, u64),
) -> Result<(Format, ReadStats), FileError> {
    read_file_hashing(path, format, input_index, options, true, emit, on_progress)
}

/// [`read_file_with`]; a text input's SHA-256 is computed while it is read only when `hash` says
/// so (a run that records nothing of its inputs saves a tenth of its time).
pub(crate) fn read_file_hashing(
    path: &Path,
    format: Option<Format>,
    input_index: u16,
    options: &crate::ModesOptions,
    hash: bool,
    emit: &mut dyn FnMut(Report),
    on_progress: &mut dyn FnMut(u64, u64),
) -> Result<(Format, ReadStats), FileError> {
    let name = path.display().to_string();
    let io = |error| FileError::Io {
        file: name.clone(),
        error,
    };
    let input = if path == Path::new("-") {
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .read_to_end(&mut bytes)
            .map_err(io)?;
        Input::Stdin(bytes)
    } else {
        Input::File(File::open(path).map_err(io)?)
    };
    let total = match &input {
        Input::Stdin(bytes) => bytes.len() as u64,
        Input::File(file) => file.metadata().map_err(io)?.len(),
    };
    let format = match format {
        Some(f) => f,
        None => {
            let head = match &input {
                Input::Stdin(bytes) => unpacked_head(Box::new(&bytes[..])),
                Input::File(_) => unpacked_head(Box::new(File::open(path).map_err(io)?)),
            };
            sniff_named(&head, &name)?
        }
    };
    let mut stats = ReadStats::default();
    let fail = |reason| FileError::Format {
        file: name.clone(),
        reason,
    };
    let mut digest = None;
    let reader: Box<dyn Read> = match input {
        Input::Stdin(bytes) if format == Format::OpenSkyParquet => {
            // Read by ranges, so hashed here rather than as it is read.
            stats.sha256 = Some(hex::encode(Sha256::digest(&bytes)));
            opensky_parquet::read(
                bytes::Bytes::from(bytes),
                &name,
                input_index,
                &mut stats,
                emit,
                on_progress,
            )
            .map_err(fail)?;
            return Ok((format, stats));
        }
        Input::File(_) if format == Format::OpenSkyParquet => {
            let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
            opensky_parquet::read_path(
                path,
                &name,
                input_index,
                threads,
                &mut stats,
                emit,
                on_progress,
            )
            .map_err(fail)?;
            return Ok((format, stats));
        }
        Input::Stdin(bytes) => Box::new(std::io::Cursor::new(bytes)),
        Input::File(_) => Box::new(File::open(path).map_err(io)?),
    };
    let counted = Counting {
        inner: reader,
        done: 0,
        total,
        on_progress,
        hasher: hash.then(Sha256::new),
        digest: &mut digest,
    };
    let text = crate::unpacking::unpacked(Box::new(counted)).map_err(io)?;
    read_text_with(text, format, &name, input_index, options, &mut stats, emit)?;
    stats.sha256 = digest;
    Ok((format, stats))
}

/// The first 64 KiB of an input inside its gzip, zstd and tar layers (what could be read of them).
fn unpacked_head(raw: Box<dyn Read + '_>) -> Vec<u8> {
    let mut head = Vec::new();
    if let Ok(reader) = crate::unpacking::unpacked(raw) {
        let _ = reader.take(64 * 1024).read_to_end(&mut head);
    }
    head
}

/// [`sniff`], the error naming the file.
fn sniff_named(head: &[u8], name: &str) -> Result<Format, FileError> {
    sniff(head).map_err(|reason| FileError::Format {
        file: name.to_string(),
        reason: format!("{reason}; name the format with --format"),
    })
}

/// Where an input comes from.
enum Input {
    File(File),
    /// Standard input (`-`), read whole.
    Stdin(Vec<u8>),
}

/// Reads a text format (SBS or OpenSky CSV) from any reader; `name` is only used in messages.
/// Parquet needs random access and is refused here.
pub fn read_text(
    input: impl Read,
    format: Format,
    name: &str,
    input_index: u16,
    untimed_start: EventTime,
    stats: &mut ReadStats,
    emit: &mut dyn FnMut(Report),
) -> Result<(), FileError> {
    let options = crate::ModesOptions {
        start: untimed_start,
        ..crate::ModesOptions::default()
    };
    read_text_with(input, format, name, input_index, &options, stats, emit)
}

fn read_text_with(
    input: impl Read,
    format: Format,
    name: &str,
    input_index: u16,
    options: &crate::ModesOptions,
    stats: &mut ReadStats,
    emit: &mut dyn FnMut(Report),
) -> Result<(), FileError> {
    let untimed_start = options.start;
    let fail = |reason| FileError::Format {
        file: name.to_string(),
        reason,
    };
    match format {
        Format::Sbs => read_sbs(
            BufReader::with_capacity(1 << 16, input),
            name,
            input_index,
            untimed_start,
            stats,
            emit,
        )
        .map_err(|error| FileError::Io {
            file: name.to_string(),
            error,
        }),
        Format::OpenSkyCsv => {
            opensky_csv::read(input, name, input_index, stats, emit).map_err(fail)
        }
        Format::OpenSkyParquet => Err(fail("Parquet is read from files, not streams".into())),
        Format::ReadsbJson => {
            let mut text = String::new();
            BufReader::new(input)
                .read_to_string(&mut text)
                .map_err(|error| FileError::Io {
                    file: name.to_string(),
                    error,
                })?;
            crate::readsb_json::read(&text, name, input_index, untimed_start, stats, emit);
            Ok(())
        }
        Format::Asterix => {
            crate::asterix_feed::read_asterix(input, name, input_index, options, stats, emit)
                .map_err(|error| FileError::Io {
                    file: name.to_string(),
                    error,
                })
        }
        Format::Beast | Format::Avr | Format::ModesHex => {
            crate::modes_feed::read_modes(input, format, name, input_index, options, stats, emit)
                .map_err(|error| FileError::Io {
                    file: name.to_string(),
                    error,
                })
        }
    }
}

/// Reads OpenSky Parquet from bytes in memory; `name` is only used in messages.
pub fn read_parquet_bytes(
    bytes: Vec<u8>,
    name: &str,
    input_index: u16,
    stats: &mut ReadStats,
    emit: &mut dyn FnMut(Report),
) -> Result<(), FileError> {
    opensky_parquet::read(
        bytes::Bytes::from(bytes),
        name,
        input_index,
        stats,
        emit,
        &mut |_, _| {},
    )
    .map_err(|reason| FileError::Format {
        file: name.to_string(),
        reason,
    })
}

fn read_sbs(
    mut input: impl BufRead,
    name: &str,
    input_index: u16,
    untimed_start: EventTime,
    stats: &mut ReadStats,
    emit: &mut dyn FnMut(Report),
) -> std::io::Result<()> {
    let mut parser = SbsParser::new(SbsClock::CarryForward {
        start: untimed_start,
    });
    let mut buf = Vec::new();
    let mut line_no = 0u64;
    loop {
        buf.clear();
        if input.read_until(b'\n', &mut buf)? == 0 {
            return Ok(());
        }
        line_no += 1;
        let Ok(line) = std::str::from_utf8(&buf) else {
            stats.records += 1;
            stats.malformed(crate::RecordError {
                file: name.into(),
                record: line_no,
                unit: "line".into(),
                field: None,
                reason: "not UTF-8 text".into(),
            });
            continue;
        };
        if line.trim().is_empty() {
            continue;
        }
        stats.records += 1;
        match parser.parse_line(
            line,
            SourceRef {
                input: input_index,
                record: line_no,
            },
        ) {
            Ok(Some(r)) => {
                if parser.last_was_untimed() {
                    stats.untimed += 1;
                }
                stats.reports += 1;
                emit(r);
            }
            Ok(None) => stats.ignored += 1,
            Err(p) => stats.malformed(p.at(name, line_no)),
        }
    }
}

/// Counts the bytes read from a file, reports progress every megabyte, and hashes them, so that the
/// run's record of its inputs needs no second pass over each file.
struct Counting<'a, R> {
    inner: R,
    done: u64,
    total: u64,
    on_progress: &'a mut dyn FnMut(u64, u64),
    hasher: Option<Sha256>,
    /// The file's SHA-256 (hex), written when the end of the file is reached.
    digest: &'a mut Option<String>,
}

impl<R: Read> Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(h) = self.hasher.as_mut() {
            h.update(&buf[..n]);
        }
        if n == 0 {
            if let Some(h) = self.hasher.take() {
                *self.digest = Some(hex::encode(h.finalize()));
            }
        }
        let before = self.done >> 20;
        self.done += n as u64;
        if self.done >> 20 != before || n == 0 {
            (self.on_progress)(self.done, self.total);
        }
        Ok(n)
    }
}

/// How much of a text input (after decompression) [`first_report_time`] reads.
const PEEK_BYTES: u64 = 256 * 1024;

/// Where an input starts in event time, found without reading all of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InputStart {
    /// The input's format.
    pub format: Format,
    /// The time of its first report (Parquet: its earliest); `None` when none was found.
    pub first: Option<EventTime>,
    /// Parquet only: the largest step back in time between its rows, milliseconds.
    pub step_back_ms: Option<i64>,
}

/// The format of `path` (sniffed when `format` is `None`) and the time of its first report, read
/// from its first 256 KiB (decompressed) only. For Parquet the time is the earliest of the whole
/// file and its order is measured too, both from the `time` column alone. A merge of many inputs
/// uses it to open each input only when the merge reaches its time.
pub fn input_start(
    path: &Path,
    format: Option<Format>,
    options: &crate::ModesOptions,
) -> Result<InputStart, FileError> {
    let name = path.display().to_string();
    let io = |error| FileError::Io {
        file: name.clone(),
        error,
    };
    let format = match format {
        Some(f) => f,
        None => sniff_named(
            &unpacked_head(Box::new(File::open(path).map_err(io)?)),
            &name,
        )?,
    };
    if format == Format::OpenSkyParquet {
        let order =
            opensky_parquet::time_order(File::open(path).map_err(io)?).map_err(|reason| {
                FileError::Format {
                    file: name.clone(),
                    reason,
                }
            })?;
        return Ok(InputStart {
            format,
            first: order.map(|o| o.earliest),
            step_back_ms: Some(order.map_or(0, |o| o.largest_step_back_ms)),
        });
    }
    let file = File::open(path).map_err(io)?;
    let mut head = Vec::new();
    crate::unpacking::unpacked(Box::new(file))
        .map_err(io)?
        .take(PEEK_BYTES)
        .read_to_end(&mut head)
        .map_err(io)?;
    let mut first = None;
    let mut ignored = ReadStats::default();
    // A record cut at the end of the prefix is malformed here and read whole later.
    let _ = read_text_with(
        &head[..],
        format,
        &name,
        0,
        options,
        &mut ignored,
        &mut |r| {
            first.get_or_insert(r.time);
        },
    );
    if first.is_none() && format == Format::ReadsbJson {
        // A trace file longer than the prefix is one document cut short: nothing in it comes
        // before the trace's own start.
        first = crate::readsb_json::trace_start(&head);
    }
    Ok(InputStart {
        format,
        first,
        step_back_ms: None,
    })
}

/// Writes `bytes` to `path` so that a crash leaves either the old file or the new one, never half
/// of one: to `path` with the extension `tmp`, synced, renamed over `path`, the folder synced (a
/// witness's state, a replay's checkpoint).
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let folder = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let temporary = path.with_extension("tmp");
    let mut file = File::create(&temporary)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    std::fs::rename(&temporary, path)?;
    File::open(folder)?.sync_all()
}

/// SHA-256 (hex) of a file's bytes: what a run records of each input (the evidence crate's
/// `file_sha256` is this one).
pub fn file_sha256(path: &Path) -> std::io::Result<String> {
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            return Ok(hex::encode(hasher.finalize()));
        }
        hasher.update(&buf[..n]);
    }
}
