//! Aircraft identities: the ICAO 24-bit address and the 8-character callsign.

use std::fmt;
use std::str::FromStr;

/// An ICAO 24-bit aircraft address, shown as six lowercase hex digits; or, for a target that
/// sends no address (a primary radar plot, a system track without Mode S), a sensor's track
/// identity: the top bit set and 31 bits derived from the sensor and its track, shown as `~` and
/// eight hex digits ([`Icao24::sensor_track`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Icao24(pub u32);

impl Icao24 {
    /// The bit that marks a sensor's track identity rather than an address.
    const TRACK: u32 = 0x8000_0000;

    /// The stable identity of track `track` of sensor `sac`/`sic` in ASTERIX category `category`
    /// (the tracker's own track number, or one nofly gave a series of plots). The same four
    /// numbers give the same identity in every run (FNV-1a of their bytes, 31 bits).
    pub fn sensor_track(category: u8, sac: u8, sic: u8, track: u32) -> Icao24 {
        let mut hash: u32 = 0x811c_9dc5;
        for byte in [category, sac, sic].into_iter().chain(track.to_be_bytes()) {
            hash = (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193);
        }
        Icao24(Icao24::TRACK | hash & !Icao24::TRACK)
    }

    /// True for a sensor's track identity, false for an aircraft address.
    pub fn is_sensor_track(self) -> bool {
        self.0 & Icao24::TRACK != 0
    }
}

/// `text` without leading and trailing white space, as `str::trim` gives it; ASCII text (what
/// every source sends) is trimmed byte by byte, which took a third of the time of parsing an
/// address or callsign from a Parquet column (perf, bench/RESULTS.md).
fn trim(text: &str) -> &str {
    if !text.is_ascii() {
        return text.trim();
    }
    // `str::trim`'s white space in ASCII: `u8::is_ascii_whitespace` and the vertical tab.
    let space = |b: &u8| b.is_ascii_whitespace() || *b == 0x0b;
    let bytes = text.as_bytes();
    let start = bytes.iter().position(|b| !space(b)).unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !space(b))
        .map_or(start, |last| last + 1);
    &text[start..end]
}

/// A string that is not six hex digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseIcaoError(pub String);

impl fmt::Display for ParseIcaoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not an ICAO 24-bit address (6 hex digits): {:?}", self.0)
    }
}
impl std::error::Error for ParseIcaoError {}

impl FromStr for Icao24 {
    type Err = ParseIcaoError;
    /// Accepts exactly six hex digits in either case, with an optional leading `~`
    /// (readsb's mark for non-ICAO addresses, which is kept in the low 24 bits); or `~` and eight
    /// hex digits with the top bit set, a sensor's track identity as nofly writes it.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = trim(s);
        if let Some(track) = t.strip_prefix('~').filter(|h| h.len() == 8) {
            return u32::from_str_radix(track, 16)
                .ok()
                .filter(|v| v & Icao24::TRACK != 0 && track.bytes().all(|b| b.is_ascii_hexdigit()))
                .map(Icao24)
                .ok_or_else(|| ParseIcaoError(s.to_string()));
        }
        let hex = t.strip_prefix('~').unwrap_or(t);
        if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(ParseIcaoError(s.to_string()));
        }
        u32::from_str_radix(hex, 16)
            .map(Icao24)
            .map_err(|_| ParseIcaoError(s.to_string()))
    }
}

impl fmt::Display for Icao24 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_sensor_track() {
            write!(f, "~{:08x}", self.0)
        } else {
            write!(f, "{:06x}", self.0)
        }
    }
}

/// Six hex digits in text formats; the number itself in compact binary ones (a replay's
/// checkpoint).
impl serde::Serialize for Icao24 {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        crate::text_serde::text_or_number(s, self, self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Icao24 {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::text_serde::from_text_or_number(d, Icao24)
    }
}

/// A flight identification of up to eight characters, stored inline without trailing spaces.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Callsign {
    bytes: [u8; 8],
    len: u8,
}

impl Callsign {
    /// Trims spaces; returns `None` when nothing is left or the text is not printable ASCII
    /// (longer text is cut to eight characters, as the transponder field holds no more).
    pub fn new(text: &str) -> Option<Self> {
        let t = trim(text);
        if t.is_empty() || !t.bytes().all(|b| b.is_ascii_graphic()) {
            return None;
        }
        let mut bytes = [0u8; 8];
        let len = t.len().min(8);
        bytes[..len].copy_from_slice(&t.as_bytes()[..len]);
        Some(Callsign {
            bytes,
            len: len as u8,
        })
    }

    /// The callsign text.
    pub fn as_str(&self) -> &str {
        // Only ASCII graphic bytes are ever stored.
        std::str::from_utf8(&self.bytes[..self.len as usize]).unwrap_or("")
    }
}

impl fmt::Display for Callsign {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Callsign {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Callsign({:?})", self.as_str())
    }
}

impl serde::Serialize for Callsign {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Callsign {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = crate::text_serde::text(d)?;
        Callsign::new(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("not a callsign: {text:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sensor_tracks_are_stable_and_apart_from_addresses() {
        let t = Icao24::sensor_track(48, 25, 13, 3563);
        assert_eq!(t, Icao24::sensor_track(48, 25, 13, 3563));
        assert_ne!(t, Icao24::sensor_track(48, 25, 14, 3563));
        assert_ne!(t, Icao24::sensor_track(62, 25, 13, 3563));
        assert!(t.is_sensor_track() && !Icao24(0xffffff).is_sensor_track());
        let shown = t.to_string();
        assert!(shown.starts_with('~') && shown.len() == 9, "{shown}");
        assert_eq!(shown.parse::<Icao24>(), Ok(t));
        assert_eq!("~3c660c".parse::<Icao24>(), Ok(Icao24(0x3c660c)));
        assert!(
            "~0000000a".parse::<Icao24>().is_err(),
            "eight digits without the track bit"
        );
    }

    #[test]
    fn trimming_ascii_byte_by_byte_is_str_trim() {
        let space = [
            " ", "\t", "\n", "\x0b", "\x0c", "\r", "", "\u{a0}", "\u{2003}",
        ];
        for a in space {
            for b in space {
                for core in ["", "ABC", "A B", "\x0bX"] {
                    let text = format!("{a}{b}{core}{b}{a}");
                    assert_eq!(trim(&text), text.trim(), "{text:?}");
                }
            }
        }
    }

    #[test]
    fn icao_round_trips_lowercase() {
        let a: Icao24 = "4B1908".parse().unwrap();
        assert_eq!(a.to_string(), "4b1908");
        assert!("4B190".parse::<Icao24>().is_err());
        assert!("4B190G".parse::<Icao24>().is_err());
        assert_eq!("~abc123".parse::<Icao24>().unwrap().0, 0xabc123);
    }

    #[test]
    fn callsign_trims_and_rejects_empty() {
        assert_eq!(Callsign::new("AFL1000 ").unwrap().as_str(), "AFL1000");
        assert!(Callsign::new("   ").is_none());
        assert!(Callsign::new("AB\u{0}C").is_none());
    }
}
