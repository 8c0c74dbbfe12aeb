//! The datagrams of an ASTERIX recording: the UDP payloads of a pcap or pcapng capture (Ethernet,
//! Linux cooked, raw IP or BSD loopback links) with their capture times, or the data blocks of a
//! raw block file, one after the other.

use crate::RecordError;
use etherparse::{NetSlice, SlicedPacket, TransportSlice};
use nofly_model::EventTime;
use pcap_parser::traits::PcapReaderIterator;
use pcap_parser::{Block, Linktype, PcapBlockOwned, PcapError};
use std::io::{BufRead, BufReader, Read};

/// One unit of ASTERIX data: a UDP payload, or one data block of a raw file.
pub(crate) struct Datagram<'a> {
    /// The bytes: one or more data blocks.
    pub(crate) bytes: &'a [u8],
    /// When it was captured (pcap), if it was.
    pub(crate) captured: Option<EventTime>,
    /// The record number of its byte `i` is `base + i`: in a capture the packet's number (from 1)
    /// times 2^16 (a datagram is under 64 KiB); in a raw file its byte offset.
    pub(crate) base: u64,
}

/// The pcap and pcapng magic numbers, as the file's first four bytes.
const PCAP_MAGICS: [[u8; 4]; 5] = [
    [0xd4, 0xc3, 0xb2, 0xa1],
    [0xa1, 0xb2, 0xc3, 0xd4],
    [0x4d, 0x3c, 0xb2, 0xa1],
    [0xa1, 0xb2, 0x3c, 0x4d],
    [0x0a, 0x0d, 0x0d, 0x0a],
];

/// True when `head` starts like a pcap or pcapng capture.
pub(crate) fn is_capture(head: &[u8]) -> bool {
    PCAP_MAGICS.iter().any(|m| head.starts_with(m))
}

/// The length a data block header at the start of `bytes` gives, when it can be a block nofly
/// reads: a category it decodes, and at least the header and one FSPEC byte. `None` for fewer
/// than the 3 bytes of a header.
fn block_length(bytes: &[u8]) -> Option<usize> {
    let [category, high, low, ..] = *bytes else {
        return None;
    };
    let len = usize::from(u16::from_be_bytes([high, low]));
    (nofly_asterix::decodes(category) && len >= 4).then_some(len)
}

/// True when `head` starts with ASTERIX data blocks of categories nofly decodes that follow one
/// another exactly (at least one whole block, and the next block's header if there is one).
pub(crate) fn is_raw_blocks(head: &[u8]) -> bool {
    let mut at = 0;
    let mut whole = 0;
    while at + 3 <= head.len() && whole < 4 {
        let Some(len) = block_length(&head[at..]) else {
            return false;
        };
        at += len;
        if at <= head.len() {
            whole += 1;
        }
    }
    // The head may end inside the next block or its header.
    whole > 0 && (at + 3 > head.len() || whole == 4)
}

/// Calls `on` with every datagram of `input` (a capture or a raw block file, told by its first
/// bytes). Framing problems are counted in `stats` with their place, each as a malformed record
/// (a packet not UDP over IP as an ignored one); reading goes on where it can.
pub(crate) fn read_datagrams(
    input: impl Read,
    name: &str,
    stats: &mut crate::ReadStats,
    on: &mut dyn FnMut(Datagram<'_>, &mut crate::ReadStats),
) -> std::io::Result<()> {
    let mut input = BufReader::with_capacity(1 << 16, input);
    let head = input.fill_buf()?;
    if is_capture(head) {
        read_capture(input, name, stats, on)
    } else {
        read_raw_blocks(input, name, stats, on)
    }
}

/// A framing error at `record` (a byte offset or a packet number).
fn framing(name: &str, record: u64, unit: &'static str, reason: String) -> RecordError {
    RecordError {
        file: name.to_string(),
        record,
        unit: unit.into(),
        field: None,
        reason,
    }
}

fn read_capture(
    mut input: impl BufRead,
    name: &str,
    stats: &mut crate::ReadStats,
    on: &mut dyn FnMut(Datagram<'_>, &mut crate::ReadStats),
) -> std::io::Result<()> {
    let ng = input.fill_buf()?.starts_with(&PCAP_MAGICS[4]);
    let capacity = 1 << 20;
    let bad = |e: PcapError<&[u8]>| {
        std::io::Error::new(std::io::ErrorKind::InvalidData, format!("{e:?}"))
    };
    let mut reader: Box<dyn PcapReaderIterator + '_> = if ng {
        Box::new(pcap_parser::PcapNGReader::new(capacity, input).map_err(bad)?)
    } else {
        Box::new(pcap_parser::LegacyPcapReader::new(capacity, input).map_err(bad)?)
    };
    // Per interface (pcapng) or for the file (pcap): link type, time units a second, offset.
    let mut interfaces: Vec<(Linktype, u64, i64)> = Vec::new();
    let mut legacy: Option<(Linktype, u64)> = None;
    let mut packet = 0u64;
    let (mut not_udp, mut fragments) = (0u64, 0u64);
    loop {
        let (used, captured, link, data) = match reader.next() {
            Ok((used, block)) => match block {
                PcapBlockOwned::LegacyHeader(h) => {
                    let units = if h.is_nanosecond_precision() {
                        1_000_000_000
                    } else {
                        1_000_000
                    };
                    legacy = Some((h.network, units));
                    (used, None, None, None)
                }
                PcapBlockOwned::Legacy(b) => {
                    let (link, units) = legacy.unwrap_or((Linktype::ETHERNET, 1_000_000));
                    let ms =
                        i64::from(b.ts_sec) * 1000 + i64::from(b.ts_usec) * 1000 / units as i64;
                    (
                        used,
                        Some(EventTime::from_millis(ms)),
                        Some(link),
                        Some(b.data),
                    )
                }
                PcapBlockOwned::NG(Block::SectionHeader(_)) => {
                    interfaces.clear();
                    (used, None, None, None)
                }
                PcapBlockOwned::NG(Block::InterfaceDescription(idb)) => {
                    let units = idb.ts_resolution().unwrap_or(1_000_000);
                    interfaces.push((idb.linktype, units, idb.ts_offset()));
                    (used, None, None, None)
                }
                PcapBlockOwned::NG(Block::EnhancedPacket(epb)) => {
                    let (link, units, offset) = interfaces
                        .get(epb.if_id as usize)
                        .copied()
                        .unwrap_or((Linktype::ETHERNET, 1_000_000, 0));
                    let ticks = u128::from(epb.ts_high) << 32 | u128::from(epb.ts_low);
                    let ms = (ticks * 1000 / u128::from(units.max(1))) as i64 + offset * 1000;
                    let data = &epb.data[..(epb.caplen as usize).min(epb.data.len())];
                    (
                        used,
                        Some(EventTime::from_millis(ms)),
                        Some(link),
                        Some(data),
                    )
                }
                PcapBlockOwned::NG(Block::SimplePacket(spb)) => {
                    let link = interfaces.first().map_or(Linktype::ETHERNET, |i| i.0);
                    (used, None, Some(link), Some(spb.data))
                }
                PcapBlockOwned::NG(_) => (used, None, None, None),
            },
            Err(PcapError::Eof) => break,
            Err(PcapError::Incomplete(_)) => {
                reader.refill().map_err(bad)?;
                if reader.reader_exhausted() && reader.data().is_empty() {
                    break;
                }
                if reader.reader_exhausted() {
                    // A last packet cut short by the end of the file.
                    let rest = reader.data().len();
                    if let Err(PcapError::Incomplete(_)) = reader.next() {
                        stats.records += 1;
                        stats.malformed(framing(
                            name,
                            packet + 1,
                            "packet",
                            format!("the capture ends inside a packet ({rest} bytes)"),
                        ));
                        break;
                    }
                }
                continue;
            }
            Err(e) => {
                stats.records += 1;
                stats.malformed(framing(
                    name,
                    packet + 1,
                    "packet",
                    format!(
                        "not a readable capture block: {e:?}; the rest of the capture is skipped"
                    ),
                ));
                break;
            }
        };
        if let (Some(link), Some(data)) = (link, data) {
            packet += 1;
            match udp_payload(link, data) {
                Some(Ok(payload)) => on(
                    Datagram {
                        bytes: payload,
                        captured,
                        base: packet << 16,
                    },
                    stats,
                ),
                Some(Err(Fragment)) => fragments += 1,
                None => not_udp += 1,
            }
        }
        reader.consume(used);
    }
    stats.records += not_udp + fragments;
    stats.ignored += not_udp + fragments;
    stats.notes.push(format!(
        "{name}: capture: {packet} packets, {not_udp} not UDP over IP, {fragments} IP fragments skipped"
    ));
    Ok(())
}

/// A packet that is one fragment of a larger IP datagram (not reassembled).
struct Fragment;

/// The UDP payload of a captured packet on `link`; `None` if it is not UDP over IP.
fn udp_payload(link: Linktype, data: &[u8]) -> Option<Result<&[u8], Fragment>> {
    let sliced = match link {
        Linktype::ETHERNET => SlicedPacket::from_ethernet(data),
        Linktype::LINUX_SLL => SlicedPacket::from_linux_sll(data),
        Linktype::RAW | Linktype::IPV4 | Linktype::IPV6 => SlicedPacket::from_ip(data),
        // BSD loopback: a 4-byte address family, then IP.
        Linktype::NULL | Linktype::LOOP => SlicedPacket::from_ip(data.get(4..)?),
        _ => return None,
    }
    .ok()?;
    let fragmented = match &sliced.net {
        Some(NetSlice::Ipv4(ip)) => ip.is_payload_fragmented(),
        Some(NetSlice::Ipv6(ip)) => ip.is_payload_fragmented(),
        _ => false,
    };
    if fragmented {
        return Some(Err(Fragment));
    }
    match sliced.transport? {
        TransportSlice::Udp(udp) => Some(Ok(udp.payload())),
        _ => None,
    }
}

/// Reads data blocks end to end. A block whose header cannot be right (unknown category, length
/// under 4 or past the end) is reported, and reading goes on at the next byte that starts two
/// blocks in a row (or the last block of the file).
fn read_raw_blocks(
    mut input: impl BufRead,
    name: &str,
    stats: &mut crate::ReadStats,
    on: &mut dyn FnMut(Datagram<'_>, &mut crate::ReadStats),
) -> std::io::Result<()> {
    let mut buf: Vec<u8> = Vec::with_capacity(1 << 17);
    let mut offset = 0u64; // file offset of buf[0]
    let mut eof = false;
    let mut lost: Option<u64> = None; // where a run of unframable bytes started
    loop {
        while !eof && buf.len() < 1 << 17 {
            let chunk = input.fill_buf()?;
            if chunk.is_empty() {
                eof = true;
                break;
            }
            let n = chunk.len();
            buf.extend_from_slice(chunk);
            input.consume(n);
        }
        if buf.is_empty() {
            break;
        }
        // The length of a plausible block header at `at`; `Err(())` when more bytes are needed.
        let header = |at: usize| -> Result<Option<usize>, ()> {
            if at + 3 > buf.len() && !eof {
                return Err(());
            }
            Ok(block_length(&buf[at..]))
        };
        let mut at = 0;
        while at < buf.len() {
            let Ok(len) = header(at) else { break };
            let mut accept = false;
            if let Some(len) = len {
                if at + len > buf.len() && !eof {
                    break;
                }
                accept = at + len <= buf.len();
                // After lost bytes, resynchronise only on a block followed by another (or the end).
                if accept && lost.is_some() && at + len < buf.len() {
                    match header(at + len) {
                        Err(()) => break,
                        Ok(next) => accept = next.is_some(),
                    }
                }
            }
            if accept {
                let len = len.unwrap_or_default();
                if let Some(start) = lost.take() {
                    stats.records += 1;
                    let skipped = offset + at as u64 - start;
                    stats.malformed(framing(
                        name,
                        start,
                        "byte",
                        format!("{skipped} bytes that are no ASTERIX data block were skipped"),
                    ));
                }
                on(
                    Datagram {
                        bytes: &buf[at..at + len],
                        captured: None,
                        base: offset + at as u64,
                    },
                    stats,
                );
                at += len;
            } else {
                lost.get_or_insert(offset + at as u64);
                at += 1;
            }
        }
        buf.drain(..at);
        offset += at as u64;
        if eof && buf.is_empty() {
            break;
        }
    }
    if let Some(start) = lost {
        stats.records += 1;
        stats.malformed(framing(
            name,
            start,
            "byte",
            "the file ends in bytes that are no ASTERIX data block".into(),
        ));
    }
    Ok(())
}
