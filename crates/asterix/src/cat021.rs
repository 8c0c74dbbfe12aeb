//! CAT021, ADS-B target reports of a ground station: what an aircraft broadcast, as the station
//! received it. Editions 0.x and 2.x differ in their descriptor, times and position scales.

use crate::bits::{icao_chars, mode_a, signed, unsigned};
use crate::message::{angle16, knots_from_nm_per_s, time_of_day, Position, Target, TargetKind};
use crate::record::Record;

/// Degrees per unit of a position `bits` long covering ±180° (180/2^(bits-1)).
fn scale(bits: u32) -> f64 {
    180.0 / f64::from(1u32 << (bits - 1))
}

/// The target report of a CAT021 record.
pub(crate) fn target(r: &Record<'_>) -> Target {
    let mut t = Target::new(21, r, TargetKind::Adsb);
    let descriptor = r.item("040");
    if r.uap.edition.major == 0 {
        // 0.2x: DCR GBS SIM TST RAB SAA SPI spare / ATP (3) ARC (2) spare; 32-bit positions at
        // 180/2^25; one time of day; a signed ground speed.
        if let Some(d) = descriptor {
            t.on_ground = Some(d[0] & 0x40 != 0);
            t.simulated = d[0] & 0x20 != 0;
            t.test = d[0] & 0x10 != 0 || d[0] & 0x08 != 0;
            t.address_is_icao = d[1] >> 5 == 0;
        }
        t.time_of_day_s = r.item("030").map(time_of_day);
        t.position = r.item("130").map(|b| Position::Wgs84 {
            lat: signed(b, 0, 32) as f64 * scale(26),
            lon: signed(b, 32, 32) as f64 * scale(26),
        });
        if let Some(b) = r.item("160") {
            t.ground_speed_kt = Some(knots_from_nm_per_s(signed(b, 0, 16) as f64));
            t.track_deg = Some(angle16(unsigned(b, 16, 16)));
        }
        t.vertical_rate_fpm = r.item("155").map(|b| signed(b, 0, 16) as f64 * 6.25);
    } else {
        // 2.x: ATP (3) ARC (2) RC RAB FX / DCR GBS SIM TST SAA CL (2) FX; positions at 180/2^23
        // (I021/130) or 180/2^30 (I021/131); times of applicability and of reception.
        if let Some(d) = descriptor {
            t.address_is_icao = d[0] >> 5 == 0;
            t.test = d[0] & 0x02 != 0;
            if d.len() > 1 {
                t.on_ground = Some(d[1] & 0x40 != 0);
                t.simulated = d[1] & 0x20 != 0;
                t.test |= d[1] & 0x10 != 0;
            }
        }
        t.time_of_day_s = ["071", "073", "077"]
            .iter()
            .find_map(|name| r.item(name))
            .map(time_of_day);
        t.position = r
            .item("131")
            .map(|b| Position::Wgs84 {
                lat: signed(b, 0, 32) as f64 * scale(31),
                lon: signed(b, 32, 32) as f64 * scale(31),
            })
            .or_else(|| {
                r.item("130").map(|b| Position::Wgs84 {
                    lat: signed(b, 0, 24) as f64 * scale(24),
                    lon: signed(b, 24, 24) as f64 * scale(24),
                })
            });
        // I021/160: RE, 15 bits of ground speed, 16 of track angle.
        if let Some(b) = r.item("160") {
            t.ground_speed_kt = Some(knots_from_nm_per_s(unsigned(b, 1, 15) as f64));
            t.track_deg = Some(angle16(unsigned(b, 16, 16)));
        }
        // I021/155 barometric, else I021/157 geometric vertical rate: RE, 15 bits, 6.25 ft/min.
        t.vertical_rate_fpm = r
            .item("155")
            .or_else(|| r.item("157"))
            .map(|b| signed(b, 1, 15) as f64 * 6.25);
        t.track_number = r.item("161").map(|b| unsigned(b, 4, 12) as u16);
    }
    t.address = r.item("080").map(|b| unsigned(b, 0, 24) as u32);
    t.flight_level = r.item("145").map(|b| signed(b, 0, 16) as f64 / 4.0);
    t.geometric_height_ft = r.item("140").map(|b| signed(b, 0, 16) as f64 * 6.25);
    t.mode_a = r.item("070").map(|b| mode_a(b, 4));
    t.callsign = r.item("170").and_then(|b| icao_chars(b, 0));
    t
}
