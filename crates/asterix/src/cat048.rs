//! CAT048, monoradar target reports: one plot of one radar, in slant range and azimuth.

use crate::bits::{icao_chars, mode_a, signed, unsigned};
use crate::message::{angle16, knots_from_nm_per_s, time_of_day, Position, Target, TargetKind};
use crate::record::Record;

/// The target report of a CAT048 record.
pub(crate) fn target(r: &Record<'_>) -> Target {
    // I048/020: TYP (3 bits), SIM, RDP, SPI, RAB, FX; first extension TST, ...
    let descriptor = r.fixed("020", 1);
    let kind = match descriptor.map(|d| d[0] >> 5) {
        Some(1) => TargetKind::Primary,
        Some(2) => TargetKind::Ssr,
        Some(3) => TargetKind::SsrPrimary,
        Some(4) | Some(5) => TargetKind::ModeS,
        Some(6) | Some(7) => TargetKind::ModeSPrimary,
        _ => TargetKind::NoDetection,
    };
    let mut t = Target::new(48, r, kind);
    if let Some(d) = descriptor {
        t.simulated = d[0] & 0x10 != 0;
        // RAB: a field monitor (fixed transponder), not an aircraft.
        t.test = d[0] & 0x02 != 0 || (d.len() > 1 && d[1] & 0x80 != 0);
    }
    t.time_of_day_s = r.fixed("140", 3).map(time_of_day);
    // I048/040: RHO 1/256 NM, THETA 360/2^16.
    t.position = r.fixed("040", 4).map(|b| Position::Polar {
        range_nm: unsigned(b, 0, 16) as f64 / 256.0,
        azimuth_deg: angle16(unsigned(b, 16, 16)),
    });
    // I048/070: V G L spare, then 12 bits of code.
    t.mode_a = r.fixed("070", 2).map(|b| mode_a(b, 4));
    // I048/090: V G, then 14 bits two's complement in 1/4 FL.
    t.flight_level = r.fixed("090", 2).map(|b| signed(b, 2, 14) as f64 / 4.0);
    // I048/110: height measured by a 3D radar, 14 bits two's complement, 25 ft.
    t.geometric_height_ft = r.fixed("110", 2).map(|b| signed(b, 2, 14) as f64 * 25.0);
    t.address = r.fixed("220", 3).map(|b| unsigned(b, 0, 24) as u32);
    t.callsign = r.fixed("240", 6).and_then(|b| icao_chars(b, 0));
    t.track_number = r.fixed("161", 2).map(|b| unsigned(b, 4, 12) as u16);
    // I048/200: ground speed 2^-14 NM/s, heading 360/2^16.
    if let Some(b) = r.fixed("200", 4) {
        t.ground_speed_kt = Some(knots_from_nm_per_s(unsigned(b, 0, 16) as f64));
        t.track_deg = Some(angle16(unsigned(b, 16, 16)));
    }
    // I048/230 STAT: 0 and 2 airborne, 1 and 3 on the ground, others do not say.
    t.on_ground = r.fixed("230", 2).and_then(|b| match unsigned(b, 3, 3) {
        0 | 2 => Some(false),
        1 | 3 => Some(true),
        _ => None,
    });
    t
}
