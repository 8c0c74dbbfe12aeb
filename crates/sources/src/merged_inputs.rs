//! Many recorded inputs read as one stream of reports in event time, never collected whole.
//!
//! Each input is read on a thread of its own, through its [`Reorder`] window, into a bounded
//! channel of batches; the merge takes the earliest head among the open inputs, ties going to the
//! input named first and then to file order, which is exactly the order a stable sort of all
//! the inputs' reports would give. An input is opened only when the merge reaches the time it
//! starts at ([`input_start`]), so a month of hourly files holds one or two of them open at a time.
//! Memory is bounded by the open inputs' windows and batches, not by the length of the recording.
//!
//! [`MergedInputs::position`] says where the merge stands between two batches, and
//! [`MergedInputs::resume`] continues from there in a new process (a killed replay continued):
//! inputs read to their end are not opened again, and the ones being read are read again from
//! their start with the reports already passed on dropped, so that the merge goes on exactly as
//! it would have.
//!
//! A Parquet file whose rows are out of time order by more than the window (the `traffic`
//! library writes flights one after the other) is read whole and sorted, as that file alone
//! needs; a text input out of order beyond the window has its late reports counted and passed on
//! where they came.

use crate::file_input::read_file_hashing;
use crate::reorder::Reorder;
use crate::{input_start, FileError, Format, ModesOptions, ReadStats};
use nofly_model::Report;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::Arc;

/// Reports per batch passed from a reader thread to the merge: ask [`MergedInputs::next_batch`]
/// for this many and a batch of a lone open input goes through without a copy.
pub const BATCH: usize = 16 * 1024;
/// Batches a reader may have ready before it waits for the merge.
const BATCHES_AHEAD: usize = 2;
/// Inputs up to this size on disk are read whole when the merge opens them, on the merge's thread,
/// rather than on a thread of their own: a day of readsb `globe_history` is tens of thousands of
/// small trace files that overlap in time, more than the system gives threads. Memory is then
/// their reports while they are open: the aircraft flying at that moment.
const SMALL_INPUT: u64 = 1 << 20;

/// How the inputs are read and merged.
#[derive(Debug, Clone, Copy)]
pub struct MergeSettings {
    /// `None` sniffs each file.
    pub format: Option<Format>,
    /// Decoding options (untimed start, receiver, repair).
    pub options: ModesOptions,
    /// How far out of event-time order an input may be and still come out in order, ms.
    pub reorder_window_ms: i64,
    /// Compute each input's SHA-256 (its [`ReadStats::sha256`]) for a record of the run.
    pub hash_inputs: bool,
}

/// What reading one input found.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct InputOutcome {
    /// The input as named.
    pub path: PathBuf,
    /// The format it was read as.
    pub format: Format,
    /// Its counts, malformed records and notes.
    pub stats: ReadStats,
    /// Reports more than the window out of order, passed on where they came.
    pub late: u64,
    /// The first of them: record number and how far (ms) before a report already passed on.
    pub first_late: Vec<(u64, i64)>,
    /// The input was out of order beyond the window and was read whole and sorted (Parquet).
    pub sorted_whole: bool,
}

/// Where the merge of the inputs stands between two batches ([`MergedInputs::position`]), to
/// continue from with [`MergedInputs::resume`].
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MergePosition {
    /// Each input, in the order named.
    inputs: Vec<InputPosition>,
}

/// Where one input stands.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
enum InputPosition {
    /// Not opened yet.
    Waiting,
    /// Being read: this many of its reports (after its reorder window) have been passed on.
    Reading { passed: u64 },
    /// Read to its end.
    Ended(InputOutcome),
}

/// One input before it is opened.
struct Planned {
    index: u16,
    path: PathBuf,
    /// Its size in bytes (0 for standard input), for the progress.
    size: u64,
    format: Option<Format>,
    /// No report of the input comes before this time (ms), unless late.
    opens_at: i64,
    sorted_whole: bool,
}

enum Chunk {
    Reports(Vec<Report>),
    End(Result<InputOutcome, FileError>),
}

/// An input being read.
struct Open {
    /// The batch being taken from, and how much of it has been taken.
    buffer: Vec<Report>,
    taken: usize,
    /// Where its batches come from.
    source: Source,
    ended: bool,
    /// Reports passed on to the merge's output so far (those skipped included).
    passed: u64,
    /// Reports still to drop as they come: passed on before the run was resumed.
    skip: u64,
}

/// Where an open input's batches come from.
enum Source {
    /// A reader thread of its own (joined once the input has ended: an unjoined thread keeps its
    /// stack).
    Thread {
        from: Receiver<Chunk>,
        thread: Option<std::thread::JoinHandle<()>>,
    },
    /// A small input, read whole when it was opened (see [`SMALL_INPUT`]), its reports held
    /// packed until the merge takes them.
    Read(VecDeque<Held>),
}

/// A chunk of a small input while it waits for the merge: its reports in postcard's compact form
/// (about a third of their size in memory: a day of trace files holds thousands of inputs open),
/// or its end.
enum Held {
    Packed(Vec<u8>),
    End(Result<InputOutcome, FileError>),
}

impl Held {
    fn of(chunk: Chunk) -> Held {
        match chunk {
            Chunk::Reports(reports) => {
                Held::Packed(postcard::to_allocvec(&reports).expect("reports always serialise"))
            }
            Chunk::End(outcome) => Held::End(outcome),
        }
    }

    fn unpack(self) -> Chunk {
        match self {
            Held::Packed(bytes) => Chunk::Reports(
                postcard::from_bytes(&bytes).expect("the bytes were packed by Held::of"),
            ),
            Held::End(outcome) => Chunk::End(outcome),
        }
    }
}

/// The merged stream of all inputs.
pub struct MergedInputs {
    settings: MergeSettings,
    /// Inputs not opened yet, by the time they open at (then as named).
    pending: VecDeque<Planned>,
    /// The inputs being read, by index.
    open: Vec<Option<Open>>,
    /// Each open input's next report's time, earliest first (ties: the input named first): the
    /// merge takes from the top, in time logarithmic in the number of open inputs (a day of
    /// trace files keeps thousands open).
    heads: BinaryHeap<Reverse<(i64, u16)>>,
    outcomes: Vec<Option<InputOutcome>>,
    /// Per input: bytes of it read so far (Parquet: its share of rows times its size).
    done: Vec<Arc<AtomicU64>>,
    total_bytes: u64,
}

impl MergedInputs {
    /// Plans the merge: finds where each input starts (reading only its head, or a Parquet file's
    /// `time` column). Nothing is decoded yet.
    pub fn new(paths: &[PathBuf], settings: MergeSettings) -> Result<Self, FileError> {
        let waiting = paths.iter().map(|_| InputPosition::Waiting).collect();
        MergedInputs::resume(paths, settings, MergePosition { inputs: waiting })
    }

    /// Plans the merge of the same inputs as a merge that stood at `position`, to go on from
    /// there: inputs it had read to their end stay closed, with their outcomes as they were, and
    /// those it was reading are opened at once and read again, the reports it had passed on
    /// dropped. Refused when the position is of another number of inputs.
    pub fn resume(
        paths: &[PathBuf],
        settings: MergeSettings,
        position: MergePosition,
    ) -> Result<Self, FileError> {
        if position.inputs.len() != paths.len() {
            return Err(FileError::Format {
                file: format!("{} inputs", paths.len()),
                reason: format!("the run to resume read {} inputs", position.inputs.len()),
            });
        }
        let window = settings.reorder_window_ms.max(0);
        let mut pending = Vec::with_capacity(paths.len());
        let mut total_bytes = 0;
        let mut outcomes: Vec<Option<InputOutcome>> = (0..paths.len()).map(|_| None).collect();
        let done: Vec<Arc<AtomicU64>> = (0..paths.len()).map(|_| Arc::default()).collect();
        let mut reading = Vec::new();
        for ((i, path), at) in paths.iter().enumerate().zip(position.inputs) {
            let index = u16::try_from(i).map_err(|_| FileError::Format {
                file: path.display().to_string(),
                reason: format!("at most {} inputs per run", u16::MAX),
            })?;
            let size = std::fs::metadata(path).map_or(0, |m| m.len());
            total_bytes += size;
            match at {
                InputPosition::Ended(outcome) => {
                    outcomes[i] = Some(outcome);
                    done[i].store(size, Ordering::Relaxed);
                    continue;
                }
                InputPosition::Reading { passed } => reading.push((index, passed)),
                InputPosition::Waiting => {}
            }
            // Standard input is read once, whole: it opens at the start.
            let (format, opens_at, sorted_whole) = if path.as_os_str() == "-" {
                (settings.format, i64::MIN, false)
            } else {
                let start = input_start(path, settings.format, &settings.options)?;
                let whole = start.step_back_ms.is_some_and(|s| s > window);
                let first = start.first.map_or(i64::MIN, |t| t.millis());
                // A text input within its window has nothing earlier than its first report
                // minus the window; a Parquet file's earliest is exact.
                let opens_at = match start.step_back_ms {
                    Some(_) => first,
                    None => first.saturating_sub(window),
                };
                (Some(start.format), opens_at, whole)
            };
            pending.push(Planned {
                index,
                path: path.clone(),
                size,
                format,
                opens_at,
                sorted_whole,
            });
        }
        pending.sort_by_key(|p| (p.opens_at, p.index));
        let mut merged = MergedInputs {
            settings,
            pending: pending.into(),
            open: (0..paths.len()).map(|_| None).collect(),
            heads: BinaryHeap::new(),
            outcomes,
            done,
            total_bytes,
        };
        for (index, passed) in reading {
            let at = merged.pending.iter().position(|p| p.index == index);
            if let Some(p) = at.and_then(|at| merged.pending.remove(at)) {
                merged.start(p, passed)?;
            }
        }
        Ok(merged)
    }

    /// Where the merge stands now: call between two [`Self::next_batch`], keep it, and give it to
    /// [`Self::resume`] to continue from here.
    pub fn position(&self) -> MergePosition {
        let inputs = self
            .outcomes
            .iter()
            .enumerate()
            .map(|(i, outcome)| match outcome {
                Some(outcome) => InputPosition::Ended(outcome.clone()),
                None => match &self.open[i] {
                    Some(o) => InputPosition::Reading { passed: o.passed },
                    None => InputPosition::Waiting,
                },
            })
            .collect();
        MergePosition { inputs }
    }

    /// Bytes read so far and in all, over every input (for a progress bar).
    pub fn progress(&self) -> (u64, u64) {
        let done = self.done.iter().map(|d| d.load(Ordering::Relaxed)).sum();
        (done, self.total_bytes)
    }

    /// Appends up to `max` next reports in event time to `out`; false once every input is done.
    pub fn next_batch(&mut self, out: &mut Vec<Report>, max: usize) -> Result<bool, FileError> {
        let goal = out.len() + max.max(1);
        while out.len() < goal {
            let head = self.heads.peek().map(|Reverse((t, _))| *t);
            if self
                .pending
                .front()
                .is_some_and(|p| head.is_none_or(|t| p.opens_at <= t))
            {
                let p = self.pending.pop_front().expect("checked");
                self.start(p, 0)?;
                continue;
            }
            // The earliest head (ties: the input named first).
            let Some(Reverse((_, index))) = self.heads.pop() else {
                return Ok(!self.pending.is_empty());
            };
            // Take a run from it: every report until another input's head (or the next input's
            // start) would come first.
            let other = self
                .heads
                .peek()
                .map_or((i64::MAX, u32::MAX), |Reverse((t, i))| (*t, u32::from(*i)));
            let opening = self
                .pending
                .front()
                .map_or((i64::MAX, u32::MAX), |p| (p.opens_at - 1, u32::MAX));
            let bound = other.min(opening);
            let me = u32::from(index);
            let o = self.open[usize::from(index)]
                .as_mut()
                .expect("an input with a head is open");
            let room = goal - out.len();
            let run = o.buffer[o.taken..]
                .iter()
                .take(room)
                .take_while(|r| (r.time.millis(), me) < bound)
                .count();
            o.passed += run as u64;
            if out.is_empty() && o.taken == 0 && run == o.buffer.len() {
                // A whole batch goes out as it came: no copy.
                std::mem::swap(out, &mut o.buffer);
                o.buffer.clear();
            } else {
                out.extend_from_slice(&o.buffer[o.taken..o.taken + run]);
                o.taken += run;
            }
            self.queue(index)?;
        }
        Ok(true)
    }

    /// Puts open input `index` among the heads by its next report, or closes it at its end.
    fn queue(&mut self, index: u16) -> Result<(), FileError> {
        let slot = usize::from(index);
        if self.fill(slot)? {
            let o = self.open[slot].as_ref().expect("filled inputs are open");
            self.heads
                .push(Reverse((o.buffer[o.taken].time.millis(), index)));
        } else {
            self.open[slot] = None;
        }
        Ok(())
    }

    /// What each input held, in the order they were named; call after [`Self::next_batch`]
    /// returned false.
    pub fn finish(self) -> Vec<InputOutcome> {
        self.outcomes.into_iter().flatten().collect()
    }

    /// Makes sure open input `slot` has a report buffered; false when it has ended.
    fn fill(&mut self, slot: usize) -> Result<bool, FileError> {
        let o = self.open[slot]
            .as_mut()
            .expect("only open inputs are filled");
        while o.taken == o.buffer.len() {
            if o.ended {
                return Ok(false);
            }
            let next = match &mut o.source {
                Source::Thread { from, .. } => from.recv().ok(),
                Source::Read(held) => held.pop_front().map(Held::unpack),
            };
            match next {
                Some(Chunk::Reports(batch)) => {
                    // Reports passed on before a resume are dropped as they come again.
                    let skipped = o.skip.min(batch.len() as u64);
                    o.skip -= skipped;
                    o.buffer = batch;
                    o.taken = skipped as usize;
                }
                Some(Chunk::End(outcome)) => {
                    o.ended = true;
                    if let Source::Thread { thread, .. } = &mut o.source {
                        if let Some(thread) = thread.take() {
                            let _ = thread.join();
                        }
                    }
                    self.outcomes[slot] = Some(outcome?);
                }
                None => {
                    return Err(FileError::Format {
                        file: format!("input {slot}"),
                        reason: "its reader stopped without a word".into(),
                    })
                }
            }
        }
        Ok(true)
    }

    /// Starts reading a planned input, its first `skip` reports to be dropped (passed on before
    /// a resume): a small input is read whole here, any other on a thread of its own; fails
    /// (rather than panics) when the system refuses another thread, naming how many inputs were
    /// open at once.
    fn start(&mut self, p: Planned, skip: u64) -> Result<(), FileError> {
        let settings = self.settings;
        let done = self.done[usize::from(p.index)].clone();
        let index = p.index;
        let source = if p.size <= SMALL_INPUT && p.path.as_os_str() != "-" {
            let mut held = VecDeque::new();
            read_input(p, settings, &done, &mut |chunk| {
                held.push_back(Held::of(chunk));
                true
            });
            Source::Read(held)
        } else {
            let (to, from) = sync_channel(BATCHES_AHEAD);
            let name = p.path.display().to_string();
            let spawned = std::thread::Builder::new()
                .name(format!("read input {index}"))
                .spawn(move || read_input(p, settings, &done, &mut |c| to.send(c).is_ok()));
            let thread = spawned.map_err(|e| FileError::Format {
                file: name,
                reason: format!(
                    "cannot start a thread to read it ({e}) with {} inputs open at once: that many overlap in time; merge fewer at a time",
                    self.open.iter().flatten().count()
                ),
            })?;
            Source::Thread {
                from,
                thread: Some(thread),
            }
        };
        self.open[usize::from(index)] = Some(Open {
            buffer: Vec::new(),
            taken: 0,
            source,
            ended: false,
            passed: skip,
            skip,
        });
        // It joins the heads with its first report.
        self.queue(index)
    }
}

/// Reads one input through its reorder window, handing each batch and then its outcome to
/// `send`, which says false once the merge has stopped (the input is then read on to its end,
/// keeping nothing); `done` follows its bytes read.
fn read_input(
    p: Planned,
    settings: MergeSettings,
    done: &AtomicU64,
    send: &mut dyn FnMut(Chunk) -> bool,
) {
    let size = p.size;
    let window = (!p.sorted_whole).then_some(settings.reorder_window_ms.max(0));
    let mut reorder = Reorder::new(window);
    let mut batch = Vec::with_capacity(BATCH);
    let mut gone = false;
    let result = read_file_hashing(
        &p.path,
        p.format,
        p.index,
        &settings.options,
        settings.hash_inputs,
        &mut |r| {
            if gone {
                return;
            }
            reorder.push(r, &mut batch);
            if batch.len() >= BATCH {
                let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                gone = !send(Chunk::Reports(full));
            }
        },
        &mut |read, of| {
            let share = if of == 0 {
                0
            } else {
                (u128::from(size) * u128::from(read.min(of)) / u128::from(of)) as u64
            };
            done.store(share, Ordering::Relaxed);
        },
    );
    done.store(size, Ordering::Relaxed);
    if gone || (!batch.is_empty() && !send(Chunk::Reports(batch))) {
        return;
    }
    reorder.drain(BATCH, &mut |rest| {
        if !gone {
            gone = !send(Chunk::Reports(rest));
        }
    });
    if gone {
        return;
    }
    // A Parquet file is read by ranges: hashed here, after it, for the run's record.
    let result = result.and_then(|(format, mut stats)| {
        if settings.hash_inputs && stats.sha256.is_none() && p.path.as_os_str() != "-" {
            let hash = crate::file_sha256(&p.path).map_err(|error| FileError::Io {
                file: p.path.display().to_string(),
                error,
            })?;
            stats.sha256 = Some(hash);
        }
        Ok((format, stats))
    });
    let outcome = result.map(|(format, stats)| InputOutcome {
        path: p.path,
        format,
        stats,
        late: reorder.late,
        first_late: std::mem::take(&mut reorder.first_late),
        sorted_whole: p.sorted_whole,
    });
    send(Chunk::End(outcome));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Synthetic OpenSky CSV inputs that overlap in time, one a little out of order.
    fn inputs(dir: &std::path::Path) -> Vec<PathBuf> {
        let times: [&[i64]; 3] = [
            &[0, 1, 2, 3, 5, 4, 6, 9, 10, 11, 12, 14, 13, 20],
            &[1, 1, 2, 7, 8, 8, 9, 15],
            &[30, 31, 31, 32, 40, 41, 42],
        ];
        times
            .iter()
            .enumerate()
            .map(|(i, times)| {
                let mut text = String::from("time,icao24,lat,lon\n");
                for t in *times {
                    text.push_str(&format!("{t},00000{i},1.0,2.0\n"));
                }
                let path = dir.join(format!("input-{i}.csv"));
                std::fs::write(&path, text).unwrap();
                path
            })
            .collect()
    }

    fn settings() -> MergeSettings {
        MergeSettings {
            format: None,
            options: ModesOptions::default(),
            reorder_window_ms: 2_000,
            hash_inputs: true,
        }
    }

    /// `(input, record)` of every report `merged` gives from here, in batches of three.
    fn rest(mut merged: MergedInputs) -> (Vec<(u16, u64)>, Vec<InputOutcome>) {
        let mut out = Vec::new();
        loop {
            let mut batch = Vec::new();
            let more = merged.next_batch(&mut batch, 3).unwrap();
            out.extend(batch.iter().map(|r| (r.source.input, r.source.record)));
            if !more && batch.is_empty() {
                return (out, merged.finish());
            }
        }
    }

    #[test]
    fn a_merge_resumed_from_any_position_goes_on_as_it_would_have() {
        let dir = std::env::temp_dir().join(format!("nofly-merge-resume-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let paths = inputs(&dir);
        let (whole, outcomes) = rest(MergedInputs::new(&paths, settings()).unwrap());
        assert_eq!(whole.len(), 29);
        for batches in 0..=10 {
            let mut first = MergedInputs::new(&paths, settings()).unwrap();
            let mut got = Vec::new();
            for _ in 0..batches {
                let mut batch = Vec::new();
                first.next_batch(&mut batch, 3).unwrap();
                got.extend(batch.iter().map(|r| (r.source.input, r.source.record)));
            }
            let position = first.position();
            drop(first);
            let resumed = MergedInputs::resume(&paths, settings(), position).unwrap();
            let (after, resumed_outcomes) = rest(resumed);
            got.extend(after);
            assert_eq!(got, whole, "resumed after {batches} batches");
            assert_eq!(
                resumed_outcomes, outcomes,
                "resumed after {batches} batches"
            );
        }
        // Small inputs are read whole when opened, on no thread of their own.
        let mut merged = MergedInputs::new(&paths, settings()).unwrap();
        merged.next_batch(&mut Vec::new(), 3).unwrap();
        assert!(merged.open.iter().flatten().count() > 0);
        assert!(merged
            .open
            .iter()
            .flatten()
            .all(|o| matches!(o.source, Source::Read(_))));
        let wrong = MergedInputs::new(&paths[..2], settings())
            .unwrap()
            .position();
        assert!(MergedInputs::resume(&paths, settings(), wrong).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
