//! What a record says, in units nofly uses: a target report (a radar plot, an ADS-B report, a
//! system track) or a service message (a radar's north marker and site, an SDPS status).

use crate::record::Record;
pub use nofly_model::DetectionKind as TargetKind;

/// Where a target is.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Position {
    /// Slant range and azimuth from the radar (CAT048 I048/040): needs the radar's site.
    Polar {
        /// Slant range, nautical miles.
        range_nm: f64,
        /// Azimuth, degrees clockwise from north.
        azimuth_deg: f64,
    },
    /// WGS-84 latitude and longitude, degrees.
    Wgs84 {
        /// Latitude.
        lat: f64,
        /// Longitude.
        lon: f64,
    },
}

/// A target report: a radar plot, an ADS-B report or a system track.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Target {
    /// The category it came in (not written: the record says it).
    #[serde(skip)]
    pub category: u8,
    /// System area code of the sensor or system (I010).
    pub sac: u8,
    /// System identification code.
    pub sic: u8,
    /// Seconds since midnight UTC of the detection, position or track time.
    pub time_of_day_s: Option<f64>,
    /// What detected it.
    pub kind: TargetKind,
    /// A simulated target (SIM set).
    pub simulated: bool,
    /// A test target (TST set, or a field monitor's fixed transponder).
    pub test: bool,
    /// Its position.
    pub position: Option<Position>,
    /// Mode 3/A code as its four octal digits read as a number (7700 → 0o7700).
    pub mode_a: Option<u16>,
    /// Barometric flight level (hundreds of feet).
    pub flight_level: Option<f64>,
    /// Geometric height or altitude, feet.
    pub geometric_height_ft: Option<f64>,
    /// 24-bit address.
    pub address: Option<u32>,
    /// Whether the address is an ICAO one (CAT021 ATP 0); other sources give only ICAO ones.
    pub address_is_icao: bool,
    /// Callsign or registration.
    pub callsign: Option<String>,
    /// The sensor's or system's track number.
    pub track_number: Option<u16>,
    /// Ground speed, knots.
    pub ground_speed_kt: Option<f64>,
    /// Track or heading over ground, degrees from true north.
    pub track_deg: Option<f64>,
    /// Vertical rate, feet per minute.
    pub vertical_rate_fpm: Option<f64>,
    /// On the ground.
    pub on_ground: Option<bool>,
}

impl Target {
    /// A target of `kind` from `record` with only its source set.
    pub(crate) fn new(category: u8, record: &Record<'_>, kind: TargetKind) -> Self {
        let (sac, sic) = source(record);
        Target {
            category,
            sac,
            sic,
            time_of_day_s: None,
            kind,
            simulated: false,
            test: false,
            position: None,
            mode_a: None,
            flight_level: None,
            geometric_height_ft: None,
            address: None,
            address_is_icao: true,
            callsign: None,
            track_number: None,
            ground_speed_kt: None,
            track_deg: None,
            vertical_rate_fpm: None,
            on_ground: None,
        }
    }
}

/// A radar's service message (CAT034).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RadarService {
    /// System area code of the radar.
    pub sac: u8,
    /// System identification code.
    pub sic: u8,
    /// I034/000: 1 north marker, 2 sector crossing, 3 geographical filtering, 4 jamming strobe,
    /// 5 solar storm, 6 SSR jamming strobe, 7 Mode S jamming strobe.
    pub message_type: Option<u8>,
    /// Seconds since midnight UTC.
    pub time_of_day_s: Option<f64>,
    /// Azimuth of the sector crossed, degrees.
    pub sector_deg: Option<f64>,
    /// The antenna's period, seconds.
    pub rotation_period_s: Option<f64>,
    /// The radar's site (I034/120).
    pub site: Option<Site>,
}

/// Where a radar stands.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Site {
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
    /// Height above the WGS-84 ellipsoid, metres.
    pub height_m: f64,
}

/// A surveillance data processing system's status (CAT065).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SdpsStatus {
    /// System area code.
    pub sac: u8,
    /// System identification code.
    pub sic: u8,
    /// I065/000: 1 SDPS status, 2 end of batch, 3 service status report.
    pub message_type: Option<u8>,
    /// Seconds since midnight UTC.
    pub time_of_day_s: Option<f64>,
}

/// What one record says.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = "message", rename_all = "snake_case")]
pub enum Message {
    /// A target report.
    Target(Target),
    /// A radar service message.
    RadarService(RadarService),
    /// An SDPS status message.
    SdpsStatus(SdpsStatus),
}

/// Reads what `record` says, by its category.
pub fn interpret(record: &Record<'_>) -> Message {
    match record.uap.category {
        21 => Message::Target(crate::cat021::target(record)),
        34 => Message::RadarService(crate::cat034::service(record)),
        48 => Message::Target(crate::cat048::target(record)),
        62 => Message::Target(crate::cat062::target(record)),
        _ => Message::SdpsStatus(crate::cat065::status(record)),
    }
}

/// SAC and SIC of item 010 (0, 0 when absent, which the specifications forbid).
pub(crate) fn source(record: &Record<'_>) -> (u8, u8) {
    record.source().unwrap_or((0, 0))
}

/// A 24-bit time of day in 1/128 s (the same in every category).
pub(crate) fn time_of_day(bytes: &[u8]) -> f64 {
    crate::bits::unsigned(bytes, 0, 24) as f64 / 128.0
}

/// Knots from a speed in nautical miles a second scaled by 2^-14.
pub(crate) fn knots_from_nm_per_s(raw: f64) -> f64 {
    raw / 16384.0 * 3600.0
}

/// Degrees from a 16-bit angle scaled by 360/2^16.
pub(crate) fn angle16(raw: u64) -> f64 {
    raw as f64 * 360.0 / 65536.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synthetic::{block, cat048_record};
    use crate::{blocks, records, Editions};

    #[test]
    fn reads_a_mode_s_plot() {
        let data = block(48, &[cat048_record()]);
        let editions = Editions::default();
        let b = blocks(&data).next().unwrap().unwrap();
        let r = records(b, &editions).next().unwrap().unwrap();
        let Message::Target(t) = interpret(&r) else {
            panic!("not a target")
        };
        assert_eq!((t.sac, t.sic, t.kind), (25, 201, TargetKind::ModeS));
        assert_eq!(t.time_of_day_s, Some(27354.6015625));
        let Some(Position::Polar {
            range_nm,
            azimuth_deg,
        }) = t.position
        else {
            panic!()
        };
        assert!(
            (range_nm - 197.68359375).abs() < 1e-9 && (azimuth_deg - 340.13671875).abs() < 1e-9
        );
        assert_eq!((t.mode_a, t.flight_level), (Some(0o1000), Some(330.0)));
        assert_eq!(
            (t.address, t.callsign.as_deref(), t.track_number),
            (Some(0x3c660c), Some("NOFLY1"), Some(3563))
        );
        assert!((t.ground_speed_kt.unwrap() - 434.3994140625).abs() < 1e-9);
        assert!((t.track_deg.unwrap() - 124.002685546875).abs() < 1e-9);
        assert!(!t.simulated && !t.test);
    }
}
