//! CAT062, system track data: a tracker's fused track from radars, multilateration and ADS-B.

use crate::bits::{icao_chars, mode_a, signed, unsigned};
use crate::message::{time_of_day, Position, Target, TargetKind};
use crate::record::Record;

/// Knots in a metre a second.
const KNOTS_PER_M_S: f64 = 3600.0 / 1852.0;

/// The target report of a CAT062 record.
pub(crate) fn target(r: &Record<'_>) -> Target {
    let mut t = Target::new(62, r, TargetKind::SystemTrack);
    t.time_of_day_s = r.fixed("070", 3).map(time_of_day);
    // I062/105: latitude and longitude, signed 32 bits, 180/2^25.
    t.position = r.fixed("105", 8).map(|b| Position::Wgs84 {
        lat: signed(b, 0, 32) as f64 * 180.0 / 33_554_432.0,
        lon: signed(b, 32, 32) as f64 * 180.0 / 33_554_432.0,
    });
    t.mode_a = r.fixed("060", 2).map(|b| mode_a(b, 4));
    // I062/136 measured flight level, else I062/135 the calculated barometric altitude: 1/4 FL.
    t.flight_level = r
        .fixed("136", 2)
        .map(|b| signed(b, 0, 16) as f64 / 4.0)
        .or_else(|| r.fixed("135", 2).map(|b| signed(b, 1, 15) as f64 / 4.0));
    // I062/130: geometric altitude, 6.25 ft.
    t.geometric_height_ft = r.fixed("130", 2).map(|b| signed(b, 0, 16) as f64 * 6.25);
    t.address = r
        .subitem("380", "ADR", 3)
        .map(|b| unsigned(b, 0, 24) as u32);
    // I062/245: STI (2 bits), spare (6), then the characters; else I062/380 ID.
    t.callsign = r
        .fixed("245", 7)
        .and_then(|b| icao_chars(b, 8))
        .or_else(|| r.subitem("380", "ID", 6).and_then(|b| icao_chars(b, 0)));
    t.track_number = r.fixed("040", 2).map(|b| unsigned(b, 0, 16) as u16);
    // I062/185: Vx, Vy in 1/4 m/s, x east and y north.
    if let Some(b) = r.fixed("185", 4) {
        let (vx, vy) = (
            signed(b, 0, 16) as f64 / 4.0,
            signed(b, 16, 16) as f64 / 4.0,
        );
        t.ground_speed_kt = Some(vx.hypot(vy) * KNOTS_PER_M_S);
        t.track_deg = Some(vx.atan2(vy).to_degrees().rem_euclid(360.0));
    }
    t.vertical_rate_fpm = r.fixed("220", 2).map(|b| signed(b, 0, 16) as f64 * 6.25);
    // I062/080: SIM is the first bit of the first extension; SFC (surface) that of the fourth.
    if let Some(b) = r.fixed("080", 1) {
        t.simulated = b.len() > 1 && b[1] & 0x80 != 0;
        if b.len() > 4 {
            t.on_ground = Some(b[4] & 0x10 != 0);
        }
    }
    t
}
