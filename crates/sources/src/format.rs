//! Input formats and sniffing them from a file's first bytes.

use std::fmt;
use std::io::Read;
use std::str::FromStr;

/// A recorded-input format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Format {
    /// SBS/BaseStation text (`MSG,3,…`), as readsb and dump1090 serve on port 30003.
    Sbs,
    /// OpenSky historical state vectors as CSV with a header row.
    OpenSkyCsv,
    /// OpenSky historical state vectors as Parquet.
    OpenSkyParquet,
    /// Beast binary frames (readsb/dump1090 port 30005).
    Beast,
    /// AVR raw text, `*HEX;` or `@CLOCKHEX;` (port 30002).
    Avr,
    /// `<unix seconds>,<hex>` lines, the hex optionally with its Beast header.
    ModesHex,
    /// readsb / dump1090 JSON: aircraft.json snapshots, JSON-per-line output, trace files.
    ReadsbJson,
    /// EUROCONTROL ASTERIX: a pcap or pcapng capture of its UDP datagrams, or raw data blocks.
    Asterix,
}

impl Format {
    /// The name used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Sbs => "sbs",
            Format::OpenSkyCsv => "opensky-csv",
            Format::OpenSkyParquet => "opensky-parquet",
            Format::Beast => "beast",
            Format::Avr => "avr",
            Format::ModesHex => "modes-hex",
            Format::ReadsbJson => "readsb-json",
            Format::Asterix => "asterix",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "sbs" | "basestation" => Ok(Format::Sbs),
            "opensky-csv" | "csv" => Ok(Format::OpenSkyCsv),
            "opensky-parquet" | "parquet" => Ok(Format::OpenSkyParquet),
            "beast" => Ok(Format::Beast),
            "avr" => Ok(Format::Avr),
            "modes-hex" => Ok(Format::ModesHex),
            "readsb-json" | "json" => Ok(Format::ReadsbJson),
            "asterix" => Ok(Format::Asterix),
            _ => Err(format!("unknown format {s:?}: use auto, sbs, opensky-csv, opensky-parquet, beast, avr, modes-hex, readsb-json or asterix")),
        }
    }
}

const SBS_TYPES: [&str; 7] = ["MSG,", "MLAT,", "SEL,", "ID,", "AIR,", "STA,", "CLK,"];

/// Decides the format of `head`, the first bytes of a file (already decompressed when gzip).
/// Returns a reason when no format matches.
pub fn sniff(head: &[u8]) -> Result<Format, String> {
    if head.starts_with(b"PAR1") {
        return Ok(Format::OpenSkyParquet);
    }
    if head.starts_with(&[0x1f, 0x8b]) {
        let mut inner = Vec::new();
        let _ = flate2::read::GzDecoder::new(head)
            .take(64 * 1024)
            .read_to_end(&mut inner);
        return sniff(&inner).map_err(|e| format!("gzip-compressed, and inside: {e}"));
    }
    if crate::asterix_capture::is_capture(head) {
        return Ok(Format::Asterix);
    }
    if head.len() >= 2 && head[0] == 0x1a && (0x31..=0x33).contains(&head[1]) {
        return Ok(Format::Beast);
    }
    let text = String::from_utf8_lossy(head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head));
    let Some(first) = text.lines().map(str::trim).find(|l| !l.is_empty()) else {
        return Err("the file is empty".into());
    };
    if first.starts_with('{')
        && ["\"aircraft\"", "\"hex\"", "\"trace\""]
            .iter()
            .any(|key| text.contains(key))
    {
        return Ok(Format::ReadsbJson);
    }
    if SBS_TYPES.iter().any(|t| first.starts_with(t)) {
        return Ok(Format::Sbs);
    }
    if (first.starts_with('*') || first.starts_with('@')) && first.ends_with(';') {
        return Ok(Format::Avr);
    }
    if let Some((ts, hex)) = first.split_once(',') {
        if !ts.is_empty()
            && ts.parse::<f64>().is_ok()
            && !hex.is_empty()
            && hex.bytes().all(|b| b.is_ascii_hexdigit())
        {
            return Ok(Format::ModesHex);
        }
    }
    let columns: Vec<&str> = first
        .split(',')
        .map(|c| c.trim().trim_matches('"'))
        .collect();
    if ["time", "icao24", "lat", "lon"]
        .iter()
        .all(|c| columns.contains(c))
    {
        return Ok(Format::OpenSkyCsv);
    }
    // Last: a text file could start like a data block header by chance, never like several.
    if crate::asterix_capture::is_raw_blocks(head) {
        return Ok(Format::Asterix);
    }
    let shown: String = first.chars().take(60).collect();
    Err(format!(
        "first line {shown:?} is none of SBS (MSG,…), an OpenSky CSV header (time,icao24,lat,lon,…), Parquet, Beast, AVR (*HEX;), <unix seconds>,<hex> readsb JSON, or ASTERIX (pcap, pcapng, data blocks)"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_each_format() {
        assert_eq!(sniff(b"MSG,3,,,4B1908,,,,,,,2525"), Ok(Format::Sbs));
        assert_eq!(sniff(b"\n\nMSG,5,,"), Ok(Format::Sbs));
        assert_eq!(
            sniff(b"MLAT,3,1,1,4B1908,1,2016/03/10,18:22:22.989"),
            Ok(Format::Sbs)
        );
        assert_eq!(
            sniff(b"time,icao24,lat,lon,velocity\n"),
            Ok(Format::OpenSkyCsv)
        );
        assert_eq!(
            sniff(b"\xef\xbb\xbf\"time\",\"icao24\",\"lat\",\"lon\"\n"),
            Ok(Format::OpenSkyCsv)
        );
        assert_eq!(sniff(b"PAR1...."), Ok(Format::OpenSkyParquet));
        assert_eq!(sniff(b"*8D4840D6202CC371C32CE0576098;\n"), Ok(Format::Avr));
        assert_eq!(
            sniff(b"1698140962.119813,1a32000023b1dda011210000bd6b441a\n"),
            Ok(Format::ModesHex)
        );
        assert_eq!(sniff(b"\x1a\x33\x00\x00"), Ok(Format::Beast));
        assert_eq!(
            sniff(b"{ \"now\" : 1795623268.2,\n \"aircraft\" : ["),
            Ok(Format::ReadsbJson)
        );
        assert_eq!(
            sniff(b"{\"hex\":\"aa6abc\",\"lat\":35.5}"),
            Ok(Format::ReadsbJson)
        );
        assert_eq!(
            sniff(b"{\"icao\":\"4b1812\",\"trace\":[]}"),
            Ok(Format::ReadsbJson)
        );
        assert_eq!(
            sniff(&[0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0]),
            Ok(Format::Asterix)
        );
        assert_eq!(
            sniff(&[0x0a, 0x0d, 0x0d, 0x0a, 0x1c, 0, 0, 0]),
            Ok(Format::Asterix)
        );
        let blocks = [34, 0, 4, 0x80, 48, 0, 5, 0x80, 0];
        assert_eq!(sniff(&blocks), Ok(Format::Asterix));
        assert!(
            sniff(&blocks[..6]).is_ok(),
            "a block, then the next one's header"
        );
        assert!(sniff(b"hello world").unwrap_err().contains("none of"));
        assert!(sniff(b"0\n").is_err(), "a '0' is no CAT048 block");
        assert!(sniff(b"").is_err());
    }
}
