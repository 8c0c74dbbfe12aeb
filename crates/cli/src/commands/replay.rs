//! `nofly replay`: recorded files against zones.

use crate::pipeline::{
    print_summary, replay_files, settings_json, write_outputs, EventsOut, InputOptions, Keep,
};
use crate::zone_loading::load_zones;
use crate::ReplayArgs;
use anyhow::Result;
use std::process::ExitCode;

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
    let mut events_out = EventsOut::open(&args.output)?;
    let outcome = replay_files(
        &zones.zones,
        &args.inputs,
        &options,
        &detection,
        keep,
        Some(&mut events_out),
    )?;
    events_out.finish()?;
    write_outputs(
        &outcome,
        &zones,
        &settings_json(&options, &detection),
        &args.output,
    )?;
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
