//! `nofly decode`: raw Mode S to one JSON object per message, for people who debug receivers.

use anyhow::{bail, Context, Result};
use nofly_sources::{read_modes_messages, sniff, Format, ModesOptions, ReadStats, Repair};
use std::io::{BufWriter, Read, Write};
use std::path::Path;
use std::process::ExitCode;

/// Reads a live feed until it closes, retrying the connection for up to ten seconds.
fn read_feed(url: &str) -> Result<(Format, Vec<u8>)> {
    let (protocol, addr) = nofly_sources::parse_live_url(url).map_err(anyhow::Error::msg)?;
    let format = match protocol {
        nofly_sources::LiveProtocol::Beast => Format::Beast,
        nofly_sources::LiveProtocol::Avr => Format::Avr,
        nofly_sources::LiveProtocol::AsterixUdp => {
            bail!("{url}: a UDP stream has no end to decode to; record it (tcpdump -w) and decode the capture, or watch it with nofly watch --source")
        }
        nofly_sources::LiveProtocol::Sbs | nofly_sources::LiveProtocol::Json => {
            bail!(
                "{url}: SBS and readsb JSON are already decoded; decode reads beast:// and avr://"
            )
        }
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let mut stream = loop {
        match std::net::TcpStream::connect(&addr) {
            Ok(s) => break s,
            Err(e) if std::time::Instant::now() < deadline => {
                eprintln!("nofly: {url}: {e}; retrying");
                std::thread::sleep(std::time::Duration::from_millis(250));
            }
            Err(e) => return Err(e).with_context(|| format!("{url}: cannot connect")),
        }
    };
    eprintln!("nofly: {url}: connected; decoding until the feed closes");
    let mut bytes = Vec::new();
    stream
        .read_to_end(&mut bytes)
        .with_context(|| format!("{url}: read failed"))?;
    Ok((format, bytes))
}

/// Runs the command. `input` is a file, `-` for standard input, or `beast://HOST:PORT` /
/// `avr://HOST:PORT`, read until the feed closes.
pub fn run(
    input: &Path,
    format: &str,
    asterix: nofly_sources::AsterixOptions,
    receiver: Option<&str>,
    no_repair: bool,
) -> Result<ExitCode> {
    let text = input.to_string_lossy();
    let (live_format, mut bytes) = if text.contains("://") {
        let (f, b) = read_feed(&text)?;
        (Some(f), b)
    } else if input == Path::new("-") {
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .read_to_end(&mut bytes)
            .context("standard input: cannot read")?;
        (None, bytes)
    } else {
        let mut bytes = Vec::new();
        std::fs::File::open(input)
            .and_then(|mut f| f.read_to_end(&mut bytes))
            .with_context(|| format!("{}: cannot read", input.display()))?;
        (None, bytes)
    };
    if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut plain = Vec::new();
        flate2::read::MultiGzDecoder::new(&bytes[..])
            .read_to_end(&mut plain)
            .with_context(|| format!("{}: bad gzip", input.display()))?;
        bytes = plain;
    }
    let format = match (live_format, format) {
        (Some(f), _) => f,
        (None, "auto") => sniff(&bytes[..bytes.len().min(4096)])
            .map_err(|e| anyhow::anyhow!("{}: {e}", input.display()))?,
        (None, f) => f.parse::<Format>().map_err(anyhow::Error::msg)?,
    };
    if format == Format::Asterix {
        return decode_asterix(input, &bytes, asterix);
    }
    if !matches!(format, Format::Beast | Format::Avr | Format::ModesHex) {
        bail!(
            "{}: {format} is not raw Mode S or ASTERIX: decode reads beast, avr, modes-hex and asterix",
            input.display()
        );
    }
    let options = ModesOptions {
        receiver: receiver.map(crate::parse_position).transpose()?,
        repair: if no_repair {
            Repair::None
        } else {
            Repair::ExtendedSquitter
        },
        ..ModesOptions::default()
    };
    let mut out = BufWriter::new(std::io::stdout().lock());
    let mut stats = ReadStats::default();
    let mut failed = None;
    read_modes_messages(
        &bytes[..],
        format,
        &input.display().to_string(),
        0,
        &options,
        &mut stats,
        &mut |m, r| {
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
        },
    )?;
    finish(out, failed, &stats, "frames")
}

/// Flushes the output and says on stderr what was read: `unit` is what the input is counted in.
fn finish(
    mut out: impl Write,
    failed: Option<std::io::Error>,
    stats: &ReadStats,
    unit: &str,
) -> Result<ExitCode> {
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
    eprintln!(
        "nofly: {} {unit}, {} messages decoded, {} not used, {} malformed",
        stats.records, stats.reports, stats.ignored, stats.malformed
    );
    Ok(ExitCode::SUCCESS)
}

/// `nofly decode` of an ASTERIX recording: one JSON object per record.
fn decode_asterix(
    input: &Path,
    bytes: &[u8],
    asterix: nofly_sources::AsterixOptions,
) -> Result<ExitCode> {
    let options = ModesOptions {
        asterix,
        ..ModesOptions::default()
    };
    let mut out = BufWriter::new(std::io::stdout().lock());
    let mut stats = ReadStats::default();
    let mut failed = None;
    nofly_sources::decode_asterix(
        bytes,
        &input.display().to_string(),
        &options,
        &mut stats,
        &mut |r| {
            let line = serde_json::to_string(&r).expect("decoded records serialise");
            if let Err(e) = writeln!(out, "{line}") {
                failed.get_or_insert(e);
            }
        },
    )?;
    finish(out, failed, &stats, "records")
}
