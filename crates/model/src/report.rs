//! The one normalised report type every source produces.

use crate::{Callsign, EventTime, Icao24};

/// Where a report came from: the input's index in the run and the record within it
/// (1-based line for text formats, 0-based row for Parquet), so that the raw bytes can be found again.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct SourceRef {
    /// Index of the input in the order given on the command line.
    pub input: u16,
    /// Line (text) or row (Parquet) number within that input.
    pub record: u64,
}

/// Where a report's position came from: what the aircraft said of itself, or what others measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PositionSource {
    /// The aircraft's own ADS-B position (DF17/18 airborne or surface position, readsb `adsb_*`).
    Adsb,
    /// Multilateration: the times several receivers heard one of its messages (mlat-client's
    /// results, readsb's `mlat`, nofly's own solver).
    Mlat,
    /// A radar plot or track.
    Radar,
    /// A fused system track (several sensors).
    Fused,
}

impl PositionSource {
    /// The name written in events (`adsb`, `mlat`, `radar`, `fused`).
    pub fn as_str(self) -> &'static str {
        match self {
            PositionSource::Adsb => "adsb",
            PositionSource::Mlat => "mlat",
            PositionSource::Radar => "radar",
            PositionSource::Fused => "fused",
        }
    }
}

/// One position/state report. Every field but time, address and source is optional because
/// most messages carry only some of them (an SBS `MSG,5` has an altitude and nothing else).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Report {
    /// Event time, from the data.
    pub time: EventTime,
    /// ICAO 24-bit address.
    pub icao: Icao24,
    /// Flight identification.
    pub callsign: Option<Callsign>,
    /// Mode A code as its four octal digits read as a number (7700 → 0o7700).
    pub squawk: Option<u16>,
    /// Latitude and longitude in degrees (WGS84).
    pub position: Option<(f64, f64)>,
    /// Barometric (pressure) altitude, feet.
    pub alt_baro_ft: Option<f64>,
    /// Geometric (GNSS) altitude, feet.
    pub alt_geo_ft: Option<f64>,
    /// Ground speed, knots.
    pub ground_speed_kt: Option<f32>,
    /// Ground track, degrees clockwise from true north.
    pub track_deg: Option<f32>,
    /// Vertical rate, feet per minute.
    pub vertical_rate_fpm: Option<f32>,
    /// On-ground flag.
    pub on_ground: Option<bool>,
    /// The aircraft declares an emergency (ADS-B emergency/priority status, SBS emergency flag).
    pub emergency: Option<bool>,
    /// Navigation integrity category, where the source has it.
    pub nic: Option<u8>,
    /// Navigation accuracy category for position, where the source has it.
    pub nacp: Option<u8>,
    /// ADS-B emitter category (identification messages, readsb's `category`).
    pub category: Option<crate::EmitterCategory>,
    /// Where the position came from, when the source says (SBS and OpenSky state vectors do not).
    pub position_source: Option<PositionSource>,
    /// The surveillance sensor that reported it, for ASTERIX inputs.
    pub sensor: Option<crate::Sensor>,
    /// The raw record this report was decoded from.
    pub source: SourceRef,
}

impl Report {
    /// A report with only the mandatory fields set.
    pub fn new(time: EventTime, icao: Icao24, source: SourceRef) -> Self {
        Report {
            time,
            icao,
            callsign: None,
            squawk: None,
            position: None,
            alt_baro_ft: None,
            alt_geo_ft: None,
            ground_speed_kt: None,
            track_deg: None,
            vertical_rate_fpm: None,
            on_ground: None,
            emergency: None,
            nic: None,
            nacp: None,
            category: None,
            position_source: None,
            sensor: None,
            source,
        }
    }
}
