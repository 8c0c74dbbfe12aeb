//! Input formats and sniffing them from a file's first bytes.

use std::fmt;
use std::io::Read;
use std::str::FromStr;

/// A recorded-input format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// SBS/BaseStation text (`MSG,3,…`), as readsb and dump1090 serve on port 30003.
    Sbs,
    /// OpenSky historical state vectors as CSV with a header row.
    OpenSkyCsv,
    /// OpenSky historical state vectors as Parquet.
    OpenSkyParquet,
}

impl Format {
    /// The name used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Sbs => "sbs",
            Format::OpenSkyCsv => "opensky-csv",
            Format::OpenSkyParquet => "opensky-parquet",
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
            _ => Err(format!("unknown format {s:?}: use auto, sbs, opensky-csv or opensky-parquet")),
        }
    }
}

const SBS_TYPES: [&str; 6] = ["MSG,", "SEL,", "ID,", "AIR,", "STA,", "CLK,"];

/// Decides the format of `head`, the first bytes of a file (already decompressed when gzip).
/// Returns a reason when no format matches.
pub fn sniff(head: &[u8]) -> Result<Format, String> {
    if head.starts_with(b"PAR1") {
        return Ok(Format::OpenSkyParquet);
    }
    if head.starts_with(&[0x1f, 0x8b]) {
        let mut inner = Vec::new();
        let _ = flate2::read::GzDecoder::new(head).take(64 * 1024).read_to_end(&mut inner);
        return sniff(&inner).map_err(|e| format!("gzip-compressed, and inside: {e}"));
    }
    let text = String::from_utf8_lossy(head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head));
    let Some(first) = text.lines().map(str::trim).find(|l| !l.is_empty()) else {
        return Err("the file is empty".into());
    };
    if SBS_TYPES.iter().any(|t| first.starts_with(t)) {
        return Ok(Format::Sbs);
    }
    let columns: Vec<&str> = first.split(',').map(|c| c.trim().trim_matches('"')).collect();
    if ["time", "icao24", "lat", "lon"].iter().all(|c| columns.contains(c)) {
        return Ok(Format::OpenSkyCsv);
    }
    let shown: String = first.chars().take(60).collect();
    Err(format!("first line {shown:?} is neither SBS (MSG,…) nor an OpenSky CSV header (time,icao24,lat,lon,…) nor Parquet"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_each_format() {
        assert_eq!(sniff(b"MSG,3,,,4B1908,,,,,,,2525"), Ok(Format::Sbs));
        assert_eq!(sniff(b"\n\nMSG,5,,"), Ok(Format::Sbs));
        assert_eq!(sniff(b"time,icao24,lat,lon,velocity\n"), Ok(Format::OpenSkyCsv));
        assert_eq!(sniff(b"\xef\xbb\xbf\"time\",\"icao24\",\"lat\",\"lon\"\n"), Ok(Format::OpenSkyCsv));
        assert_eq!(sniff(b"PAR1...."), Ok(Format::OpenSkyParquet));
        assert!(sniff(b"*8D4840D6202CC371C32CE0576098;").unwrap_err().contains("neither"));
        assert!(sniff(b"").is_err());
    }
}
