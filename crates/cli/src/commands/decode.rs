//! `nofly decode`: raw Mode S to one JSON object per message, for people who debug receivers.

use anyhow::{bail, Context, Result};
use nofly_sources::{read_modes_messages, sniff, Format, ModesOptions, ReadStats, Repair};
use std::io::{BufWriter, Read, Write};
use std::path::Path;
use std::process::ExitCode;

/// Parses `LAT,LON`.
pub fn parse_position(text: &str) -> Result<(f64, f64)> {
    let (lat, lon) = text.split_once(',').context("expected LAT,LON, e.g. 43.63,1.37")?;
    let (lat, lon): (f64, f64) = (lat.trim().parse().context("latitude")?, lon.trim().parse().context("longitude")?);
    if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
        bail!("{text}: latitude must be in -90..90 and longitude in -180..180");
    }
    Ok((lat, lon))
}

/// Runs the command.
pub fn run(input: &Path, format: &str, receiver: Option<&str>, no_repair: bool) -> Result<ExitCode> {
    let mut bytes = Vec::new();
    std::fs::File::open(input).and_then(|mut f| f.read_to_end(&mut bytes)).with_context(|| format!("{}: cannot read", input.display()))?;
    if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut plain = Vec::new();
        flate2::read::MultiGzDecoder::new(&bytes[..]).read_to_end(&mut plain).with_context(|| format!("{}: bad gzip", input.display()))?;
        bytes = plain;
    }
    let format = match format {
        "auto" => sniff(&bytes[..bytes.len().min(4096)]).map_err(|e| anyhow::anyhow!("{}: {e}", input.display()))?,
        f => f.parse::<Format>().map_err(anyhow::Error::msg)?,
    };
    if !matches!(format, Format::Beast | Format::Avr | Format::ModesHex) {
        bail!("{}: {format} is not raw Mode S: decode reads beast, avr and modes-hex", input.display());
    }
    let options = ModesOptions {
        receiver: receiver.map(parse_position).transpose()?,
        repair: if no_repair { Repair::None } else { Repair::ExtendedSquitter },
        ..ModesOptions::default()
    };
    let mut out = BufWriter::new(std::io::stdout().lock());
    let mut stats = ReadStats::default();
    let mut failed = None;
    read_modes_messages(&bytes[..], format, &input.display().to_string(), 0, &options, &mut stats, &mut |m, r| {
        let mut v = serde_json::to_value(m).expect("messages serialise");
        v["time"] = serde_json::json!(r.time.to_rfc3339());
        v["record"] = serde_json::json!(r.source.record);
        if let Some((lat, lon)) = r.position {
            v["lat"] = serde_json::json!(lat);
            v["lon"] = serde_json::json!(lon);
        }
        if let Err(e) = writeln!(out, "{v}") {
            failed.get_or_insert(e);
        }
    })?;
    match failed.map_or_else(|| out.flush(), Err) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(ExitCode::SUCCESS), // e.g. `| head`
        other => other.context("cannot write to standard output")?,
    }
    for note in &stats.notes {
        eprintln!("nofly: {note}");
    }
    for e in &stats.first_errors {
        eprintln!("nofly: skipped malformed record: {e}");
    }
    eprintln!("nofly: {} frames, {} messages decoded, {} not used, {} malformed", stats.records, stats.reports, stats.ignored, stats.malformed);
    Ok(ExitCode::SUCCESS)
}
