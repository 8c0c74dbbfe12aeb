//! `nofly replay`: recorded files against zones.

use crate::pipeline::{print_summary, replay_files, settings_json, write_outputs};
use crate::zone_loading::load_zones;
use crate::ReplayArgs;
use anyhow::{Context, Result};
use nofly_model::EventTime;
use nofly_sources::Format;
use std::process::ExitCode;

/// Runs the command; exit 0 when every input was read (malformed records are skipped and counted).
pub fn run(args: ReplayArgs) -> Result<ExitCode> {
    let zones = load_zones(&args.zones.files, args.zones.skip_bad_zones)?;
    let format = match args.format.as_str() {
        "auto" => None,
        f => Some(f.parse::<Format>().map_err(anyhow::Error::msg)?),
    };
    let untimed_start: EventTime = args.untimed_start.parse().context("--untimed-start")?;
    let receiver = args
        .receiver
        .as_deref()
        .map(crate::commands::decode::parse_position)
        .transpose()?;
    let detection = args.zones.detection();
    let outcome = replay_files(
        &zones.zones,
        &args.inputs,
        format,
        untimed_start,
        receiver,
        &detection,
    )?;
    write_outputs(
        &outcome,
        &zones,
        &settings_json(format, untimed_start, receiver, &detection),
        &args.output,
    )?;
    print_summary(&outcome, &zones);
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
