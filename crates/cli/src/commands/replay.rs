//! `nofly replay`: recorded files against zones.

use crate::checkpoint::{Resume, RunIdentity};
use crate::pipeline::{
    print_summary, replay_files, settings_json, write_outputs, EventsOut, InputOptions, Keep,
    Resumption,
};
use crate::zone_loading::load_zones;
use crate::ReplayArgs;
use anyhow::{Context, Result};
use std::process::ExitCode;
use std::time::Duration;

/// Runs the command; exit 0 when every input was read (malformed records are skipped and counted).
pub fn run(args: ReplayArgs) -> Result<ExitCode> {
    let zones = load_zones(&args.zones.files, args.zones.skip_bad_zones)?;
    let detection = args.zones.detection()?;
    let serving = args.http.http.is_some();
    let keep = Keep {
        reports: serving,
        events: serving || args.output.records_events_after_the_run(),
    };
    // The inputs' hashes go into the run's record: only a run that keeps one computes them.
    let options = InputOptions {
        hash_inputs: keep.events,
        ..args.input.options()?
    };
    let settings = settings_json(&options, &detection);
    let inputs = crate::input_paths::expand(&args.inputs)?;
    let mut checkpoints = None;
    let mut events_out = match &args.resume {
        None => EventsOut::open(&args.output)?,
        Some(path) => {
            anyhow::ensure!(
                !keep.events,
                "--resume writes the events to --events FILE as they come; --db, --evidence-log, the alert sinks and --http take them at the end of the run and cannot be resumed: replay to --events first"
            );
            anyhow::ensure!(
                detection.gnss.is_none(),
                "--resume cannot be used with --gnss: its interference areas are not checkpointed"
            );
            let events = args
                .output
                .events
                .as_deref()
                .context("--resume needs --events FILE")?;
            let identity = RunIdentity {
                zone_set: &zones.content_hash(),
                settings: &settings,
                // --gnss (which would run on one thread) was refused above.
                threads: options.threads,
                inputs: &inputs,
                events,
                events_filter: format!("{:?}", args.output.events_filter),
            };
            let every = Duration::from_millis(args.resume_every.max(0) as u64);
            let (resume, from) = Resume::open(path, every, &identity)?;
            let out = match &from {
                Some(c) => {
                    eprintln!(
                        "nofly: {}: resuming after {} reports judged; {} cut back to its {} bytes",
                        path.display(),
                        c.reports,
                        events.display(),
                        c.events_bytes
                    );
                    EventsOut::resume(&args.output, c.events_bytes)?
                }
                None => EventsOut::open(&args.output)?,
            };
            checkpoints = Some((resume, from));
            out
        }
    };
    let outcome = replay_files(
        &zones.zones,
        &inputs,
        &options,
        &detection,
        keep,
        Some(&mut events_out),
        checkpoints.as_mut().map(|(resume, from)| Resumption {
            checkpoints: resume,
            from: from.take(),
        }),
    )?;
    events_out.finish()?;
    if let Some((resume, _)) = checkpoints {
        resume.finish()?;
    }
    write_outputs(&outcome, &zones, &settings, &args.output)?;
    print_summary(&outcome);
    if let Some(addr) = args.http.http {
        crate::http::serve_replay(
            addr,
            &zones,
            &outcome,
            args.output.evidence_log.as_deref(),
            args.output.key.as_deref(),
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
