//! Cursor-on-Target output: every event as a CoT 2.0 `<event>` (the XML that ATAK, WinTAK,
//! iTAK and TAK Server read) over UDP (`udp://host:port`, one datagram per event, e.g. the SA
//! multicast group 239.2.3.1:6969) or TCP (`tcp://host:port`, e.g. a TAK Server's input on 8087),
//! through the delivery spool.
//!
//! The CoT event is the aircraft at the event: `type` `a-u-A` (an air track of unknown
//! affiliation), `how` `m-g` (machine, GPS-derived: ADS-B), `uid` `nofly-<icao24>` so that TAK
//! moves one marker per aircraft, `time` and `start` the event's time and `stale` a minute later
//! (event time, so that the same events give the same XML), `point` with `hae` the altitude in
//! metres (barometric: CoT has no field for it, as TAK clients use ADS-B altitude) and `ce` the
//! NIC containment radius when known, the callsign in `contact`, and the event in `remarks`.

use crate::delivery::{DeliverySink, Transport};
use crate::EventFilter;
use serde_json::Value;
use std::io::Write;
use std::net::{TcpStream, ToSocketAddrs, UdpSocket};
use std::path::Path;
use std::time::Duration;

/// CoT's "unknown" for circular and linear errors.
const UNKNOWN_ERROR: &str = "9999999.0";

/// Escapes text for an XML attribute value.
fn attr(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The CoT XML of an event (its JSON).
pub fn cot_xml(event: &Value) -> String {
    let time = event["time"].as_str().unwrap_or("");
    let stale = time
        .parse::<nofly_model::EventTime>()
        .map(|t| nofly_model::EventTime::from_millis(t.millis() + 60_000).to_rfc3339())
        .unwrap_or_default();
    let hae = event["alt_ft"]
        .as_f64()
        .map_or(UNKNOWN_ERROR.to_string(), |ft| {
            format!("{:.1}", ft * 0.3048)
        });
    let ce = event["nic"]
        .as_u64()
        .and_then(|n| u8::try_from(n).ok())
        .and_then(nofly_model::integrity::containment_radius_m)
        .map_or(UNKNOWN_ERROR.to_string(), |m| format!("{m:.1}"));
    let icao = event["icao24"].as_str().unwrap_or("area");
    let callsign = event["callsign"].as_str().unwrap_or(icao);
    format!(
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
            r#"<event version="2.0" uid="nofly-{uid}" type="a-u-A" how="m-g" time="{time}" start="{time}" stale="{stale}">"#,
            r#"<point lat="{lat}" lon="{lon}" hae="{hae}" ce="{ce}" le="{le}"/>"#,
            r#"<detail><contact callsign="{callsign}"/><remarks source="nofly">{remarks}</remarks></detail>"#,
            "</event>"
        ),
        uid = attr(icao),
        time = attr(time),
        stale = attr(&stale),
        lat = event["lat"].as_f64().unwrap_or(0.0),
        lon = event["lon"].as_f64().unwrap_or(0.0),
        hae = hae,
        ce = ce,
        le = UNKNOWN_ERROR,
        callsign = attr(callsign),
        remarks = attr(&crate::summary(event)),
    )
}

/// How CoT is sent.
enum Link {
    Udp(UdpSocket, std::net::SocketAddr),
    Tcp(String, Option<TcpStream>),
}

impl DeliverySink {
    /// A sink sending each event as Cursor-on-Target XML to `url` (`udp://host:port` or
    /// `tcp://host:port`), spooling in `dir` up to `max_bytes`.
    pub fn cot(
        url: &str,
        dir: &Path,
        filter: EventFilter,
        max_bytes: u64,
    ) -> std::io::Result<Self> {
        let bad = |why: &str| std::io::Error::other(format!("{url}: {why}"));
        let (scheme, address) = url
            .split_once("://")
            .ok_or_else(|| bad("CoT goes to udp://host:port or tcp://host:port"))?;
        let address = address.trim_end_matches('/').to_string();
        let mut link = match scheme {
            "udp" => {
                let to = address
                    .to_socket_addrs()?
                    .next()
                    .ok_or_else(|| bad("no such address"))?;
                let socket = UdpSocket::bind(if to.is_ipv4() { "0.0.0.0:0" } else { "[::]:0" })?;
                Link::Udp(socket, to)
            }
            "tcp" => Link::Tcp(address, None),
            _ => return Err(bad("CoT goes to udp://host:port or tcp://host:port")),
        };
        let url = url.to_string();
        let send: Transport = Box::new(move |_id, json| {
            let event: Value =
                serde_json::from_str(json).map_err(|e| format!("spooled event: {e}"))?;
            let xml = cot_xml(&event);
            match &mut link {
                Link::Udp(socket, to) => socket
                    .send_to(xml.as_bytes(), *to)
                    .map(|_| ())
                    .map_err(|e| format!("{url}: {e}")),
                Link::Tcp(address, stream) => {
                    if stream.is_none() {
                        let addr = address
                            .to_socket_addrs()
                            .map_err(|e| format!("{url}: {e}"))?
                            .next()
                            .ok_or_else(|| format!("{url}: no such address"))?;
                        *stream = Some(
                            TcpStream::connect_timeout(&addr, Duration::from_secs(10))
                                .map_err(|e| format!("{url}: {e}"))?,
                        );
                    }
                    let written = stream
                        .as_mut()
                        .map(|s| s.write_all(xml.as_bytes()).and_then(|()| s.flush()));
                    match written {
                        Some(Ok(())) => Ok(()),
                        Some(Err(e)) => {
                            *stream = None;
                            Err(format!("{url}: {e}"))
                        }
                        None => Err(format!("{url}: not connected")),
                    }
                }
            }
        });
        DeliverySink::open(send, dir, filter, max_bytes)
    }
}
