//! Live feeds over TCP, reconnecting with backoff: `sbs://HOST:PORT` (SBS/BaseStation, port 30003),
//! `beast://HOST:PORT` (Beast binary, port 30005), `avr://HOST:PORT` (AVR text, port 30002) and
//! `json://HOST:PORT` (readsb's JSON-per-line output, `--net-json-port`, with NIC and NACp).
//! Live reports take their arrival time when the feed gives no absolute time of its own.
//! `asterix+udp://GROUP:PORT` receives ASTERIX datagrams over UDP: a multicast group is joined
//! (what radar and tracker networks send), any other address is bound as it is (127.0.0.1 for a
//! local relay); each datagram is dated by its arrival.

use crate::modes_feed::{avr_line, BeastFramer, FrameDecoder, ModesOptions, RawFrame};
use crate::sbs::{SbsClock, SbsParser};
use crate::RecordError;
use nofly_model::{EventTime, Report, SourceRef};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::net::TcpStream;
use tokio::sync::mpsc;

/// What the live client tells its consumer.
#[derive(Debug, Clone)]
pub enum LiveEvent {
    /// A decoded report.
    Report(Report),
    /// A malformed line, skipped.
    Malformed(RecordError),
    /// Connected to the feed.
    Connected(String),
    /// The connection failed or dropped; the client retries after the given delay.
    Disconnected {
        /// Why.
        reason: String,
        /// Delay before the next attempt.
        retry_in: Duration,
    },
}

/// The protocols of live feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LiveProtocol {
    /// SBS/BaseStation text.
    Sbs,
    /// Beast binary.
    Beast,
    /// AVR text.
    Avr,
    /// readsb JSON, one aircraft object a line.
    Json,
    /// ASTERIX datagrams over UDP (multicast or unicast).
    AsterixUdp,
}

/// Splits `sbs://HOST:PORT`, `beast://HOST:PORT`, `avr://HOST:PORT`, `json://HOST:PORT` or
/// `asterix+udp://GROUP:PORT`.
pub fn parse_live_url(url: &str) -> Result<(LiveProtocol, String), String> {
    let (scheme, rest) = url.split_once("://").ok_or_else(|| {
        format!("{url:?}: expected sbs://HOST:PORT, beast://HOST:PORT, avr://HOST:PORT, json://HOST:PORT or asterix+udp://GROUP:PORT")
    })?;
    let protocol = match scheme {
        "sbs" => LiveProtocol::Sbs,
        "beast" => LiveProtocol::Beast,
        "avr" => LiveProtocol::Avr,
        "json" => LiveProtocol::Json,
        "asterix+udp" => LiveProtocol::AsterixUdp,
        other => {
            return Err(format!(
                "{url:?}: unknown protocol {other:?}: use sbs, beast, avr, json or asterix+udp"
            ))
        }
    };
    let addr = rest.trim_end_matches('/');
    if !addr.contains(':') {
        return Err(format!(
            "{url:?}: give the port too, e.g. {scheme}://127.0.0.1:30005"
        ));
    }
    Ok((protocol, addr.to_string()))
}

/// Says why the feed stopped and waits `backoff` before the next attempt, doubling it up to 30 s;
/// false when nobody listens any more.
async fn retry_after(
    failure: String,
    backoff: &mut Duration,
    tx: &mpsc::Sender<LiveEvent>,
) -> bool {
    let told = tx
        .send(LiveEvent::Disconnected {
            reason: failure,
            retry_in: *backoff,
        })
        .await
        .is_ok();
    if told {
        tokio::time::sleep(*backoff).await;
        *backoff = (*backoff * 2).min(Duration::from_secs(30));
    }
    told
}

/// Binds `addr` for UDP, joining it when it is a multicast group (on every interface the system
/// routes multicast to). A group's port is bound shared (SO_REUSEADDR), so that several programs
/// on one machine can listen to the same surveillance multicast.
async fn bind_udp(addr: &str) -> std::io::Result<tokio::net::UdpSocket> {
    let at = tokio::net::lookup_host(addr)
        .await?
        .next()
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "no such address"))?;
    if !at.ip().is_multicast() {
        return tokio::net::UdpSocket::bind(at).await;
    }
    let socket = socket2::Socket::new(
        socket2::Domain::for_address(at),
        socket2::Type::DGRAM,
        Some(socket2::Protocol::UDP),
    )?;
    socket.set_reuse_address(true)?;
    socket.set_nonblocking(true)?;
    socket.bind(&at.into())?;
    match at.ip() {
        std::net::IpAddr::V4(group) => {
            socket.join_multicast_v4(&group, &std::net::Ipv4Addr::UNSPECIFIED)?
        }
        std::net::IpAddr::V6(group) => socket.join_multicast_v6(&group, 0)?,
    }
    tokio::net::UdpSocket::from_std(socket.into())
}

/// Receives ASTERIX datagrams on `addr` until the receiver of `tx` is dropped; a socket that
/// fails is bound again with the same backoff as a TCP feed. Sites, tracks and the day carry on.
async fn asterix_udp(
    url: String,
    addr: String,
    input_index: u16,
    options: ModesOptions,
    tx: mpsc::Sender<LiveEvent>,
    now: fn() -> EventTime,
) {
    let mut stream =
        crate::asterix_feed::AsterixStream::new(&url, input_index, options.asterix, now());
    let mut backoff = Duration::from_millis(500);
    let mut datagrams = 0u64;
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let failure = match bind_udp(&addr).await {
            Ok(socket) => {
                backoff = Duration::from_millis(500);
                if tx.send(LiveEvent::Connected(url.clone())).await.is_err() {
                    return;
                }
                loop {
                    let n = match socket.recv(&mut buf).await {
                        Ok(n) => n,
                        Err(e) => break e.to_string(),
                    };
                    datagrams += 1;
                    let mut stats = crate::ReadStats::default();
                    let mut events = Vec::new();
                    let datagram = crate::asterix_capture::Datagram {
                        bytes: &buf[..n],
                        captured: Some(now()),
                        base: datagrams << 16,
                    };
                    stream.datagram(datagram, &mut stats, &mut |r| {
                        events.push(LiveEvent::Report(r))
                    });
                    events.extend(stats.first_errors.into_iter().map(LiveEvent::Malformed));
                    for e in events {
                        if tx.send(e).await.is_err() {
                            return;
                        }
                    }
                }
            }
            Err(e) => format!("cannot receive on {addr}: {e}"),
        };
        if !retry_after(failure, &mut backoff, &tx).await {
            return;
        }
    }
}

/// The wall clock: the `now` of [`live_feed`] for live reports without a time of their own.
pub fn wall_clock() -> EventTime {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    EventTime::from_millis(now.as_millis() as i64)
}

/// Connects to the feed at `url` and sends every outcome to `tx` until the receiver is dropped.
/// Reconnects after failures with exponential backoff from 0.5 s up to 30 s, reset by every
/// successful connection; decoding state (CPR pairs, known addresses) survives reconnections.
pub async fn live_feed(
    url: String,
    input_index: u16,
    options: ModesOptions,
    tx: mpsc::Sender<LiveEvent>,
    now: fn() -> EventTime,
) {
    let Ok((protocol, addr)) = parse_live_url(&url) else {
        return;
    };
    if protocol == LiveProtocol::AsterixUdp {
        return asterix_udp(url, addr, input_index, options, tx, now).await;
    }
    let mut backoff = Duration::from_millis(500);
    let mut sbs = SbsParser::new(SbsClock::Received);
    let mut decoder = FrameDecoder::new(options.receiver, options.repair, options.start);
    let mut record = 0u64;
    loop {
        let failure = match TcpStream::connect(&addr).await {
            Ok(stream) => {
                backoff = Duration::from_millis(500);
                if tx.send(LiveEvent::Connected(url.clone())).await.is_err() {
                    return;
                }
                let mut events = Vec::new();
                let outcome = match protocol {
                    LiveProtocol::AsterixUdp => unreachable!("asterix+udp returned above"),
                    LiveProtocol::Beast => {
                        let mut framer = BeastFramer::default();
                        let mut reader = stream;
                        let mut buf = vec![0u8; 1 << 16];
                        loop {
                            match reader.read(&mut buf).await {
                                Ok(0) => break "the feed closed the connection".to_string(),
                                Ok(n) => {
                                    let t = now();
                                    framer.push(&buf[..n], &mut |f| {
                                        let f = RawFrame { time: Some(t), ..f };
                                        if let Some((_, r)) = decoder.frame(&f, input_index) {
                                            events.push(LiveEvent::Report(r));
                                        }
                                    });
                                }
                                Err(e) => break e.to_string(),
                            }
                            for e in events.drain(..) {
                                if tx.send(e).await.is_err() {
                                    return;
                                }
                            }
                        }
                    }
                    LiveProtocol::Sbs | LiveProtocol::Avr | LiveProtocol::Json => {
                        let mut lines = BufReader::new(stream).lines();
                        let mut frame_buf = [0u8; 14];
                        loop {
                            match lines.next_line().await {
                                Ok(Some(line)) => {
                                    record += 1;
                                    let source = SourceRef {
                                        input: input_index,
                                        record,
                                    };
                                    let event = if protocol == LiveProtocol::Sbs {
                                        match sbs.parse_line_received(&line, source, now()) {
                                            Ok(Some(r)) => LiveEvent::Report(r),
                                            Ok(None) => continue,
                                            Err(p) => LiveEvent::Malformed(p.at(&url, record)),
                                        }
                                    } else if protocol == LiveProtocol::Json {
                                        if line.trim().is_empty() {
                                            continue;
                                        }
                                        match crate::readsb_json::live_line(&line, source, now()) {
                                            Ok(Some(r)) => LiveEvent::Report(r),
                                            Ok(None) => continue,
                                            Err((field, reason)) => {
                                                LiveEvent::Malformed(RecordError {
                                                    file: url.clone(),
                                                    record,
                                                    unit: "line".into(),
                                                    field: field.map(Into::into),
                                                    reason,
                                                })
                                            }
                                        }
                                    } else {
                                        match avr_line(&line, record, &mut frame_buf) {
                                            Ok(Some(f)) => match decoder.frame(
                                                &RawFrame {
                                                    time: Some(now()),
                                                    ..f
                                                },
                                                input_index,
                                            ) {
                                                Some((_, r)) => LiveEvent::Report(r),
                                                None => continue,
                                            },
                                            Ok(None) => continue,
                                            Err(reason) => LiveEvent::Malformed(RecordError {
                                                file: url.clone(),
                                                record,
                                                unit: "line".into(),
                                                field: None,
                                                reason: reason.into(),
                                            }),
                                        }
                                    };
                                    if tx.send(event).await.is_err() {
                                        return;
                                    }
                                }
                                Ok(None) => break "the feed closed the connection".to_string(),
                                Err(e) => break e.to_string(),
                            }
                        }
                    }
                };
                outcome
            }
            Err(e) => e.to_string(),
        };
        if !retry_after(failure, &mut backoff, &tx).await {
            return;
        }
    }
}
