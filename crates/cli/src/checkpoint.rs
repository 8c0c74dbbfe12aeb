//! Resumable replays (`replay --resume FILE`): a replay of a month can be killed and run again
//! with the same command, and it continues where its last checkpoint stood, with the same events
//! file, byte for byte, as a run that was never stopped.
//!
//! Every `--resume-every` of wall-clock time, between two batches of reports, the replay makes
//! its events file durable and then writes the checkpoint: where the merge of the inputs stood
//! ([`MergePosition`]), each detection thread's state (the engine's tracks and rules), the
//! events file's length and the running tally. A checkpoint is written to a temporary file,
//! synced and renamed over the previous one, so a kill at any moment leaves the last complete
//! checkpoint. On resume the events file is cut back to the checkpoint's length (the events a
//! killed run wrote after it are raised again), inputs read to their end stay closed and the
//! detection goes on from the saved states. When a run ends the checkpoint is removed.
//!
//! A checkpoint names its run by a hash of what decides the output: nofly's version, the zone
//! set, the settings, the thread count, the inputs (path, size and modification time), the events
//! file and its filter. A checkpoint of another run is refused, never silently used.

use crate::pipeline::EventTally;
use anyhow::{Context, Result};
use nofly_sources::MergePosition;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The form of the checkpoint file, first in it.
const FORMAT: &str = "nofly-replay-checkpoint/1";

/// For the tests: stop the process (as a kill would) instead of writing checkpoint number N.
const TEST_KILL_AT: &str = "NOFLY_TEST_KILL_AT_CHECKPOINT";

/// Where a replay stood at a checkpoint.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct Checkpoint {
    /// [`FORMAT`].
    format: String,
    /// The hash of the run's identity.
    run: String,
    /// Where the merge of the inputs stood.
    pub merge: MergePosition,
    /// Each detection thread's saved state, in partition order.
    pub detectors: Vec<Vec<u8>>,
    /// The events file's length, made durable before the checkpoint was written.
    pub events_bytes: u64,
    /// The events counted so far.
    pub tally: EventTally,
    /// Reports judged so far, for the user's information.
    pub reports: u64,
}

/// What decides a replay's output, hashed into the name of its run.
pub struct RunIdentity<'a> {
    /// The zone set's content hash.
    pub zone_set: &'a str,
    /// The recorded settings (JSON).
    pub settings: &'a str,
    /// Detection threads.
    pub threads: usize,
    /// The inputs, folders and patterns expanded.
    pub inputs: &'a [PathBuf],
    /// The events file.
    pub events: &'a Path,
    /// The events filter, as it reads.
    pub events_filter: String,
}

impl RunIdentity<'_> {
    /// The hash naming the run (hex SHA-256 of every part, each input with its size and time).
    fn hash(&self) -> Result<String> {
        let mut h = Sha256::new();
        let mut part = |bytes: &[u8]| {
            h.update((bytes.len() as u64).to_le_bytes());
            h.update(bytes);
        };
        part(FORMAT.as_bytes());
        part(env!("CARGO_PKG_VERSION").as_bytes());
        part(self.zone_set.as_bytes());
        part(self.settings.as_bytes());
        part(&(self.threads as u64).to_le_bytes());
        part(self.events.as_os_str().as_encoded_bytes());
        part(self.events_filter.as_bytes());
        for input in self.inputs {
            let meta = std::fs::metadata(input)
                .with_context(|| format!("{}: cannot read", input.display()))?;
            let modified = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            part(input.as_os_str().as_encoded_bytes());
            part(&meta.len().to_le_bytes());
            part(&modified.to_le_bytes());
        }
        Ok(hex::encode(h.finalize()))
    }
}

/// The checkpoints of one replay.
pub struct Resume {
    path: PathBuf,
    every: Duration,
    last: Instant,
    run: String,
    written: u64,
    kill_at: Option<u64>,
}

impl Resume {
    /// The checkpoints of this run in `path`, every `every`; the checkpoint to continue from when
    /// the file holds one of this run. A file that is not a checkpoint, or is one of another run,
    /// is refused with what to do.
    pub fn open(
        path: &Path,
        every: Duration,
        run: &RunIdentity,
    ) -> Result<(Self, Option<Checkpoint>)> {
        let run = run.hash()?;
        let found = match std::fs::read(path) {
            Ok(bytes) => {
                let checkpoint: Checkpoint = postcard::from_bytes(&bytes)
                    .ok()
                    .filter(|c: &Checkpoint| c.format == FORMAT)
                    .with_context(|| {
                        format!(
                            "{}: not a checkpoint of this nofly ({FORMAT}); remove it to start the replay again",
                            path.display()
                        )
                    })?;
                anyhow::ensure!(
                    checkpoint.run == run,
                    "{}: the checkpoint of another run (other inputs, zones, settings, threads or events file); remove it to start this replay from the beginning",
                    path.display()
                );
                Some(checkpoint)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(e).with_context(|| format!("{}: cannot read", path.display())),
        };
        let kill_at = std::env::var(TEST_KILL_AT)
            .ok()
            .and_then(|n| n.parse().ok());
        Ok((
            Resume {
                path: path.to_path_buf(),
                every,
                last: Instant::now(),
                run,
                written: 0,
                kill_at,
            },
            found,
        ))
    }

    /// Whether a checkpoint is due.
    pub fn due(&self) -> bool {
        self.last.elapsed() >= self.every
    }

    /// Writes a checkpoint (the events file must be durable up to `events_bytes` already):
    /// to a temporary file, synced, renamed over the last one, the folder synced.
    pub fn write(
        &mut self,
        merge: MergePosition,
        detectors: Vec<Vec<u8>>,
        events_bytes: u64,
        tally: &EventTally,
        reports: u64,
    ) -> Result<()> {
        self.written += 1;
        if self.kill_at == Some(self.written) {
            eprintln!("nofly: {TEST_KILL_AT}: stopped as a kill would");
            std::process::abort();
        }
        let checkpoint = Checkpoint {
            format: FORMAT.into(),
            run: self.run.clone(),
            merge,
            detectors,
            events_bytes,
            tally: tally.clone(),
            reports,
        };
        let bytes = postcard::to_allocvec(&checkpoint)?;
        nofly_sources::write_atomically(&self.path, &bytes)
            .with_context(|| format!("{}: cannot write the checkpoint", self.path.display()))?;
        self.last = Instant::now();
        Ok(())
    }

    /// The run is over: its checkpoint is removed.
    pub fn finish(self) -> Result<()> {
        match std::fs::remove_file(&self.path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(e).with_context(|| format!("{}: cannot remove", self.path.display()))
            }
            _ => Ok(()),
        }
    }
}
