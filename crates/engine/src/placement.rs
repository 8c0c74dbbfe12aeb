//! Where a position report puts its aircraft: which zones contain it, once per report, before any
//! rule looks at it.

use crate::airspace::Airspace;
use crate::boundary_buffer;
use crate::settings::Settings;
use nofly_model::{Altitude, EventTime, Icao24, PositionSource, Report, SourceRef};

/// When, where and from which record an event happens: the report that causes it or, for a lost
/// signal, the aircraft's last position report.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub(crate) struct Fix {
    pub(crate) time: EventTime,
    pub(crate) icao: Icao24,
    pub(crate) lat: f64,
    pub(crate) lon: f64,
    pub(crate) alt_ft: Option<f64>,
    pub(crate) on_ground: bool,
    /// The position's NIC and NACp, when its source gave them.
    pub(crate) nic: Option<u8>,
    pub(crate) nacp: Option<u8>,
    pub(crate) source: SourceRef,
    /// Where the position came from, when its source said.
    pub(crate) position_source: Option<PositionSource>,
    /// The surveillance sensor that reported it (ASTERIX inputs).
    pub(crate) sensor: Option<nofly_model::Sensor>,
}

/// A position report judged against the zones, as the rules see it.
pub(crate) struct Placement<'a> {
    /// The report's time, place and record.
    pub(crate) fix: Fix,
    /// The report's altitudes, as zone bands read them.
    pub(crate) altitude: Altitude,
    /// The current zones the aircraft counts as inside now (the boundary buffer applied), sorted.
    pub(crate) inside: &'a [u32],
    /// The zone the prediction rule found ahead, for the rules after it (emergencies ahead).
    pub(crate) predicted: Option<u32>,
}

/// Judges a position report of an aircraft that was inside the zones `was_inside`: the zones
/// are looked up into `scratch`, which the placement then borrows.
#[inline]
pub(crate) fn place<'a>(
    airspace: &Airspace,
    settings: &Settings,
    report: &Report,
    (lat, lon): (f64, f64),
    was_inside: &[u32],
    scratch: &'a mut Vec<u32>,
) -> Placement<'a> {
    let on_ground = report.on_ground == Some(true);
    let altitude = Altitude {
        on_ground,
        baro_ft: report.alt_baro_ft,
        geo_ft: report.alt_geo_ft,
    };
    airspace.locate(
        (lat, lon),
        report.time,
        &altitude,
        settings.altitude,
        scratch,
    );
    if settings.boundary_buffer_m > 0.0 {
        *scratch = boundary_buffer::hold(
            airspace,
            scratch,
            was_inside,
            (lat, lon),
            report.time,
            &altitude,
            settings,
        );
    }
    Placement {
        fix: Fix {
            time: report.time,
            icao: report.icao,
            lat,
            lon,
            alt_ft: report.alt_baro_ft,
            on_ground,
            nic: report.nic,
            nacp: report.nacp,
            source: report.source,
            position_source: report.position_source,
            sensor: report.sensor,
        },
        altitude,
        inside: scratch,
        predicted: None,
    }
}
