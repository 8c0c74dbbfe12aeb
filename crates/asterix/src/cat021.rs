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
    let descriptor = r.fixed("040", 1);
    if r.uap.edition.major == 0 {
        // 0.2x: DCR GBS SIM TST RAB SAA SPI spare / ATP (3) ARC (2) spare; one time of day; a
        // signed ground speed.
        if let Some(d) = descriptor {
            t.on_ground = Some(d[0] & 0x40 != 0);
            t.simulated = d[0] & 0x20 != 0;
            t.test = d[0] & 0x10 != 0 || d[0] & 0x08 != 0;
            t.address_is_icao = d.get(1).is_none_or(|b| b >> 5 == 0);
        }
        t.time_of_day_s = r.fixed("030", 3).map(time_of_day);
        // 0.23: 24-bit halves at 180/2^23; from 0.24: 32-bit halves at 180/2^25.
        t.position = r.item("130").and_then(|b| {
            let (bits, unit) = match b.len() {
                8 => (32, scale(26)),
                6 => (24, scale(24)),
                _ => return None,
            };
            Some(Position::Wgs84 {
                lat: signed(b, 0, bits) as f64 * unit,
                lon: signed(b, bits, bits) as f64 * unit,
            })
        });
        if let Some(b) = r.fixed("160", 4) {
            t.ground_speed_kt = Some(knots_from_nm_per_s(signed(b, 0, 16) as f64));
            t.track_deg = Some(angle16(unsigned(b, 16, 16)));
        }
        t.vertical_rate_fpm = r.fixed("155", 2).map(|b| signed(b, 0, 16) as f64 * 6.25);
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
            .find_map(|name| r.fixed(name, 3))
            .map(time_of_day);
        t.position = r
            .fixed("131", 8)
            .map(|b| Position::Wgs84 {
                lat: signed(b, 0, 32) as f64 * scale(31),
                lon: signed(b, 32, 32) as f64 * scale(31),
            })
            .or_else(|| {
                r.fixed("130", 6).map(|b| Position::Wgs84 {
                    lat: signed(b, 0, 24) as f64 * scale(24),
                    lon: signed(b, 24, 24) as f64 * scale(24),
                })
            });
        // I021/160: RE, 15 bits of ground speed, 16 of track angle.
        if let Some(b) = r.fixed("160", 4) {
            t.ground_speed_kt = Some(knots_from_nm_per_s(unsigned(b, 1, 15) as f64));
            t.track_deg = Some(angle16(unsigned(b, 16, 16)));
        }
        // I021/155 barometric, else I021/157 geometric vertical rate: RE, 15 bits, 6.25 ft/min.
        t.vertical_rate_fpm = r
            .fixed("155", 2)
            .or_else(|| r.fixed("157", 2))
            .map(|b| signed(b, 1, 15) as f64 * 6.25);
        t.track_number = r.fixed("161", 2).map(|b| unsigned(b, 4, 12) as u16);
    }
    t.address = r.fixed("080", 3).map(|b| unsigned(b, 0, 24) as u32);
    t.flight_level = r.fixed("145", 2).map(|b| signed(b, 0, 16) as f64 / 4.0);
    t.geometric_height_ft = r.fixed("140", 2).map(|b| signed(b, 0, 16) as f64 * 6.25);
    t.mode_a = r.fixed("070", 2).map(|b| mode_a(b, 4));
    t.callsign = r.fixed("170", 6).and_then(|b| icao_chars(b, 0));
    t
}

#[cfg(test)]
mod tests {
    use crate::synthetic::{block, callsign};
    use crate::{blocks, interpret, records, Editions, Message, Position};

    fn target(editions: &str, record: Vec<u8>) -> crate::Target {
        let data = block(21, &[record]);
        let editions = Editions::parse(editions).unwrap();
        let b = blocks(&data).next().unwrap().unwrap();
        let r = records(b, &editions).next().unwrap().unwrap();
        match interpret(&r) {
            Message::Target(t) => t,
            other => panic!("{other:?}"),
        }
    }

    fn near(p: Option<Position>, lat: f64, lon: f64, within: f64) -> bool {
        matches!(p, Some(Position::Wgs84 { lat: a, lon: b }) if (a - lat).abs() < within && (b - lon).abs() < within)
    }

    #[test]
    fn reads_each_edition_family() {
        // Synthetic 2.6: 010, 040 (on the ground), 071, 131, 080, 145, 170.
        // FSPEC FRN 1, 2, 5, 7 | 11 | 21 | - | 29.
        let mut r = vec![0xcb, 0x11, 0x03, 0x01, 0x80];
        r.extend([25, 13, 0x01, 0x40]);
        r.extend([0x00, 0x10, 0x00]); // 071: 32 s
        r.extend(((54.5 * 2f64.powi(30) / 180.0).round() as i32).to_be_bytes());
        r.extend(((20.25 * 2f64.powi(30) / 180.0).round() as i32).to_be_bytes());
        r.extend([0x4b, 0x18, 0x12]); // 080
        r.extend(1400i16.to_be_bytes()); // 145: FL350
        r.extend(callsign("NOFLY21"));
        let t = target("", r);
        assert_eq!(t.time_of_day_s, Some(32.0));
        assert!(near(t.position, 54.5, 20.25, 2e-7), "{:?}", t.position);
        assert_eq!(
            (t.address, t.flight_level, t.on_ground),
            (Some(0x4b1812), Some(350.0), Some(true))
        );
        assert_eq!(t.callsign.as_deref(), Some("NOFLY21"));
        // Synthetic 0.23: 010, 040, 030, 130 of 24-bit halves.
        let mut r = vec![0xf0, 25, 13, 0x00, 0x00, 0x00, 0x10, 0x00];
        r.extend(&((54.5 * 2f64.powi(23) / 180.0).round() as i32).to_be_bytes()[1..]);
        r.extend(&((20.25 * 2f64.powi(23) / 180.0).round() as i32).to_be_bytes()[1..]);
        let t = target("21=0.23", r);
        assert!(near(t.position, 54.5, 20.25, 3e-5), "{:?}", t.position);
        assert_eq!(t.on_ground, Some(false));
    }
}
