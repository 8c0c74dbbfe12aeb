//! The detection on every core (`--threads`): the aircraft are shared among worker threads, each
//! with a [`Detector`] of its own (by [`nofly_engine::owner`]), every worker sees every batch of
//! reports (its own aircraft's judged, the others' only moving its clock) and the events of each
//! batch are merged back by report position and [`nofly_engine::merge_rank`]: the same events in
//! the same order, byte for byte, whatever the number of threads. With `--gnss` the interference
//! areas are judged on everyone's reports, so the detection runs on one thread.

use crate::detector::{Detection, Detector};
use nofly_model::{Event, Report, Zone};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Batches handed to the workers before the merge waits for the oldest one's events.
const IN_FLIGHT: usize = 3;

/// What a worker is given.
enum Work {
    Batch(Arc<Vec<Report>>),
    /// Send the detector's saved state (every batch given before has been judged).
    Save(SyncSender<anyhow::Result<Vec<u8>>>),
    Finish,
}

/// One worker's events of a batch: each with its report's position in the batch (`u32::MAX` at
/// the end of the recording).
type Raised = Vec<(u32, Event)>;

struct Worker {
    to: SyncSender<Work>,
    from: Receiver<Raised>,
    /// The worker's detector and the time it spent judging, once it has finished.
    thread: JoinHandle<(Detector, Duration)>,
}

/// The detection over one or several threads.
pub struct PartitionedDetector(Mode);

enum Mode {
    /// On the calling thread.
    One(Box<Detector>),
    /// On worker threads.
    Many {
        /// The workers, in partition order.
        workers: Vec<Worker>,
        /// Batches given out whose events have not been merged yet.
        in_flight: usize,
    },
}

impl PartitionedDetector {
    /// A detection over `threads` workers (one runs on the calling thread).
    pub fn new(detection: &Detection, zones: &[Zone], threads: usize) -> Self {
        let threads = Self::threads_for(detection, threads);
        let detectors = (0..threads)
            .map(|_| Detector::new(detection, zones))
            .collect();
        Self::over(detectors)
    }

    /// A detection that goes on from the detectors' states [`Self::save_state`] gave: one per
    /// thread, so the run must have as many threads as the one that saved them.
    pub fn restored(
        detection: &Detection,
        zones: &[Zone],
        threads: usize,
        saved: &[Vec<u8>],
    ) -> anyhow::Result<Self> {
        let threads = Self::threads_for(detection, threads);
        anyhow::ensure!(
            saved.len() == threads,
            "the run to resume judged on {} thread(s), this one on {threads}: give --threads {}",
            saved.len(),
            saved.len()
        );
        let detectors = saved
            .iter()
            .map(|state| {
                let mut d = Detector::new(detection, zones);
                d.restore_state(state)?;
                Ok(d)
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        Ok(Self::over(detectors))
    }

    /// The threads a detection runs on: one with `--gnss`.
    fn threads_for(detection: &Detection, threads: usize) -> usize {
        if detection.gnss.is_some() {
            1
        } else {
            threads.max(1)
        }
    }

    /// The detection over these detectors, one a thread (one on the calling thread).
    fn over(mut detectors: Vec<Detector>) -> Self {
        let threads = detectors.len();
        if threads == 1 {
            let one = detectors.pop().expect("one detector");
            return PartitionedDetector(Mode::One(Box::new(one)));
        }
        let workers = detectors
            .into_iter()
            .enumerate()
            .map(|(part, mut detector)| {
                let (to, work) = sync_channel::<Work>(IN_FLIGHT);
                let (raised, from) = sync_channel::<Raised>(IN_FLIGHT);
                let thread = std::thread::spawn(move || {
                    let mut busy = Duration::ZERO;
                    while let Ok(item) = work.recv() {
                        let started = Instant::now();
                        let mut out = Vec::new();
                        match item {
                            Work::Batch(batch) => {
                                for (i, r) in batch.iter().enumerate() {
                                    let at = i as u32;
                                    let emit = &mut |e| out.push((at, e));
                                    if nofly_engine::owner(r.icao, threads) == part {
                                        detector.process(r, emit);
                                    } else {
                                        detector.advance_clock(r, emit);
                                    }
                                }
                            }
                            Work::Save(reply) => {
                                let _ = reply.send(detector.save_state());
                                continue;
                            }
                            Work::Finish => detector.finish(&mut |e| out.push((u32::MAX, e))),
                        }
                        busy += started.elapsed();
                        if raised.send(out).is_err() {
                            break;
                        }
                    }
                    (detector, busy)
                });
                Worker { to, from, thread }
            })
            .collect();
        PartitionedDetector(Mode::Many {
            workers,
            in_flight: 0,
        })
    }

    /// The number of threads judging reports.
    pub fn threads(&self) -> usize {
        match &self.0 {
            Mode::One(_) => 1,
            Mode::Many { workers, .. } => workers.len(),
        }
    }

    /// Judges a batch of reports in event-time order; `emit` gets the events as one detector
    /// raises them (those of the latest batches may come with a later call).
    pub fn process(&mut self, batch: Vec<Report>, emit: &mut dyn FnMut(Event)) {
        match &mut self.0 {
            Mode::One(d) => {
                for r in &batch {
                    d.process(r, emit);
                }
            }
            Mode::Many { workers, in_flight } => {
                let batch = Arc::new(batch);
                for w in workers.iter() {
                    // A worker that stopped has panicked: its thread's join says so at the end.
                    let _ = w.to.send(Work::Batch(batch.clone()));
                }
                *in_flight += 1;
                if *in_flight >= IN_FLIGHT {
                    merge_oldest(workers, emit);
                    *in_flight -= 1;
                }
            }
        }
    }

    /// Every detector's state between two batches, for a replay's checkpoint: the events of the
    /// batches still being judged go to `emit` first, so that every event of the reports given so
    /// far has been emitted when the states are taken.
    pub fn save_state(&mut self, emit: &mut dyn FnMut(Event)) -> anyhow::Result<Vec<Vec<u8>>> {
        match &mut self.0 {
            Mode::One(d) => Ok(vec![d.save_state()?]),
            Mode::Many { workers, in_flight } => {
                while *in_flight > 0 {
                    merge_oldest(workers, emit);
                    *in_flight -= 1;
                }
                workers
                    .iter()
                    .map(|w| {
                        let (reply, state) = sync_channel(1);
                        w.to.send(Work::Save(reply))
                            .map_err(|_| anyhow::anyhow!("a detection thread stopped"))?;
                        state
                            .recv()
                            .map_err(|_| anyhow::anyhow!("a detection thread stopped"))?
                    })
                    .collect()
            }
        }
    }

    /// The end of the recording: the remaining events, then the detectors (one per thread) and
    /// the time the worker threads spent judging, all added up (`None` on the calling thread, whose
    /// caller times it).
    pub fn finish(self, emit: &mut dyn FnMut(Event)) -> (Vec<Detector>, Option<Duration>) {
        match self.0 {
            Mode::One(mut d) => {
                d.finish(emit);
                (vec![*d], None)
            }
            Mode::Many {
                workers,
                mut in_flight,
            } => {
                while in_flight > 0 {
                    merge_oldest(&workers, emit);
                    in_flight -= 1;
                }
                for w in &workers {
                    let _ = w.to.send(Work::Finish);
                }
                merge_oldest(&workers, emit);
                let mut busy = Duration::ZERO;
                let detectors = workers
                    .into_iter()
                    .map(|w| {
                        drop(w.to);
                        let (d, spent) = w.thread.join().expect("a detection thread panicked");
                        busy += spent;
                        d
                    })
                    .collect();
                (detectors, Some(busy))
            }
        }
    }
}

/// Merges every worker's events of the oldest batch given out: by report position, then
/// [`nofly_engine::merge_rank`], each worker's own order kept for the rest (a stable sort).
fn merge_oldest(workers: &[Worker], emit: &mut dyn FnMut(Event)) {
    let mut all: Vec<(u32, Event)> = Vec::new();
    for w in workers {
        all.extend(w.from.recv().expect("a detection thread panicked"));
    }
    if all.is_empty() {
        return;
    }
    all.sort_by_cached_key(|(at, e)| (*at, nofly_engine::merge_rank(e, *at == u32::MAX)));
    for (_, e) in all {
        emit(e);
    }
}
