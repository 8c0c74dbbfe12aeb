//! Decoding one Mode S frame (56 or 112 bits) into its fields: downlink format, address (announced
//! or recovered from the parity), and for extended squitters (DF17/18) the ADS-B message of its
//! type code. Bit numbers in comments are the 1-based message bits of ICAO Annex 10 / DO-260B.

use crate::altitude::{ac12_feet, ac13_feet, squawk};
use crate::cpr::Cpr;
use crate::crc::{fix_single_bit, syndrome};
use crate::integrity::{navigation_integrity, Supplements};
use nofly_model::{Callsign, Icao24};

/// Why a frame was not decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecodeError {
    /// Neither 7 nor 14 bytes, or a long downlink format (DF16 and up) in 7.
    BadLength,
    /// The parity does not check and could not be repaired.
    BadCrc,
    /// A downlink format nofly does not read (Comm-D, military, …).
    UnsupportedFormat,
}

/// Which frames get single-bit error repair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repair {
    /// No repair: only intact frames are decoded.
    None,
    /// Repair one flipped bit of DF17/18 extended squitters (the default: their parity is pure, so a
    /// one-bit syndrome can only come from one wrong bit, and these carry the positions).
    ExtendedSquitter,
}

/// The fields of one frame; absent fields are `None`.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Message {
    /// Downlink format.
    pub df: u8,
    /// The aircraft address.
    pub icao24: Option<Icao24>,
    /// True when the address was recovered from the parity (DF0/4/5/16/20/21), which callers must
    /// trust only for addresses already seen announced in DF11/17/18.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub address_from_parity: bool,
    /// The bit repaired, if one was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repaired_bit: Option<u8>,
    /// ADS-B type code (DF17/18).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tc: Option<u8>,
    /// Flight identification.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub callsign: Option<Callsign>,
    /// Emitter category of an identification message (TC 1-4): `A3`, `B6`…
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<nofly_model::EmitterCategory>,
    /// Barometric altitude, feet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub altitude: Option<i32>,
    /// GNSS altitude (TC 20-22), feet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub altitude_gnss: Option<i32>,
    /// Mode A code, four octal digits as a number.
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "octal")]
    pub squawk: Option<u16>,
    /// ADS-B emergency state (TC 28 subtype 1): 0 none, 1 general, 2 medical, 3 minimum fuel,
    /// 4 no communications, 5 unlawful interference, 6 downed aircraft.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub emergency_state: Option<u8>,
    /// Encoded position (written as `cpr_lat`, `cpr_lon`, `cpr_odd`); a surface position when the
    /// type code is 5 to 8, see [`Message::is_surface_position`].
    #[serde(flatten)]
    pub cpr: Option<Cpr>,
    /// Ground speed, knots.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub groundspeed: Option<f64>,
    /// Ground track, degrees.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub track: Option<f64>,
    /// Magnetic heading (airspeed velocity subtypes), degrees.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heading: Option<f64>,
    /// Airspeed, knots.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub airspeed: Option<u32>,
    /// True airspeed (else indicated).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub airspeed_is_true: Option<bool>,
    /// Vertical rate, feet per minute.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vertical_rate: Option<i32>,
    /// Vertical rate from the barometric source (else GNSS), as dump1090 and readsb read bit 68.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vertical_rate_baro: Option<bool>,
    /// On the ground (surface position, or the flight status / capability of DF4/5/11/20/21).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_ground: Option<bool>,
    /// Selected altitude (TC 29), feet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selected_altitude: Option<i32>,
    /// Barometric pressure setting (TC 29), hPa.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub qnh: Option<f64>,
    /// ADS-B version (TC 31).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub adsb_version: Option<u8>,
    /// NIC supplement A (TC 31).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nic_supplement_a: Option<bool>,
    /// NIC supplement B (bit 40 of airborne positions; a supplement in ADS-B version 2 only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nic_supplement_b: Option<bool>,
    /// NIC supplement C (TC 31 surface status, version 2).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nic_supplement_c: Option<bool>,
    /// Navigation accuracy category for position (TC 31, and TC 29 of version 2).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nacp: Option<u8>,
    /// Navigation integrity category of a position from its type code alone (no supplement known
    /// from this message; [`crate::Tracker::integrity`] applies the aircraft's supplements).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nic: Option<u8>,
}

fn octal<S: serde::Serializer>(v: &Option<u16>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(code) => s.serialize_str(&format!("{code:04o}")),
        None => s.serialize_none(),
    }
}

/// Bits `first..=last` (1-based message bits) as a number.
#[inline(always)]
fn bits(f: &[u8], first: usize, last: usize) -> u32 {
    let mut v = 0u64;
    for byte in &f[(first - 1) / 8..=(last - 1) / 8] {
        v = (v << 8) | u64::from(*byte);
    }
    let end_bit = ((last - 1) / 8 + 1) * 8;
    ((v >> (end_bit - last)) & ((1u64 << (last - first + 1)) - 1)) as u32
}

const CHARSET: &[u8; 64] = b"#ABCDEFGHIJKLMNOPQRSTUVWXYZ##### ###############0123456789######";

/// Decodes one frame. `repair` decides whether one wrong bit is fixed in extended squitters.
///
/// The downlink format decides the length, as in readsb, dump1090 and rs1090: a short reply
/// (DF0-15) delivered in 112 bits, as OpenSky's raw frames and some receivers carry DF0/4/5/11, is
/// decoded from its first 56 bits and the trailing 56 ignored; a long format (DF16 and up) in 56
/// bits is cut short and refused.
pub fn decode(frame: &[u8], repair: Repair) -> Result<Message, DecodeError> {
    if frame.len() != 7 && frame.len() != 14 {
        return Err(DecodeError::BadLength);
    }
    let df = frame[0] >> 3;
    let long = df >= 16; // DF16 and up are 112-bit frames
    let frame = match (frame.len(), long) {
        (14, false) => &frame[..7],
        (7, true) => return Err(DecodeError::BadLength),
        _ => frame,
    };
    let mut m = Message {
        df,
        ..Message::default()
    };
    match df {
        17 | 18 => {
            let mut f = [0u8; 14];
            f.copy_from_slice(frame);
            if syndrome(&f) != 0 {
                match repair {
                    Repair::ExtendedSquitter => {
                        m.repaired_bit =
                            Some(fix_single_bit(&mut f).ok_or(DecodeError::BadCrc)? as u8)
                    }
                    Repair::None => return Err(DecodeError::BadCrc),
                }
            }
            m.icao24 = Some(Icao24(bits(&f, 9, 32)));
            // DF18 control field: 0/1 ADS-B (ICAO / other address), 2 and 5 fine TIS-B, 6 ADS-R use
            // the extended-squitter layout; 3 (coarse TIS-B), 4 (management) and 7 do not.
            if df == 18 && !matches!(bits(&f, 6, 8), 0 | 1 | 2 | 5 | 6) {
                return Ok(m);
            }
            extended_squitter(&f, &mut m);
        }
        11 => {
            // The parity may be overlaid with the interrogator code (II/SI): syndromes below 80 are fine.
            if syndrome(frame) & !0x7F != 0 {
                return Err(DecodeError::BadCrc);
            }
            m.icao24 = Some(Icao24(bits(frame, 9, 32)));
            m.on_ground = capability_ground(bits(frame, 6, 8));
        }
        0 | 4 | 16 | 20 => {
            m.icao24 = Some(Icao24(syndrome(frame)));
            m.address_from_parity = true;
            m.altitude = ac13_feet(bits(frame, 20, 32) as u16);
            if df == 4 || df == 20 {
                m.on_ground = flight_status_ground(bits(frame, 6, 8));
            } else {
                m.on_ground = Some(bits(frame, 6, 6) == 1);
            }
        }
        5 | 21 => {
            m.icao24 = Some(Icao24(syndrome(frame)));
            m.address_from_parity = true;
            m.squawk = Some(squawk(bits(frame, 20, 32) as u16));
            m.on_ground = flight_status_ground(bits(frame, 6, 8));
        }
        _ => return Err(DecodeError::UnsupportedFormat),
    }
    Ok(m)
}

fn flight_status_ground(fs: u32) -> Option<bool> {
    match fs {
        0 | 2 => Some(false),
        1 | 3 => Some(true),
        _ => None,
    }
}

fn capability_ground(ca: u32) -> Option<bool> {
    match ca {
        4 => Some(true),
        5 => Some(false),
        _ => None,
    }
}

fn extended_squitter(f: &[u8], m: &mut Message) {
    let tc = bits(f, 33, 37) as u8;
    m.tc = Some(tc);
    match tc {
        1..=4 => {
            m.category = nofly_model::EmitterCategory::from_type_code(tc, bits(f, 38, 40) as u8);
            let mut text = [0u8; 8];
            for (i, c) in text.iter_mut().enumerate() {
                *c = CHARSET[bits(f, 41 + 6 * i, 46 + 6 * i) as usize];
            }
            m.callsign = std::str::from_utf8(&text)
                .ok()
                .map(|s| s.replace('#', ""))
                .and_then(|s| Callsign::new(&s));
        }
        5..=8 => {
            m.on_ground = Some(true);
            let movement = bits(f, 38, 44);
            m.groundspeed = surface_speed(movement);
            if bits(f, 45, 45) == 1 {
                m.track = Some(f64::from(bits(f, 46, 52)) * 360.0 / 128.0);
            }
            position(f, m);
            m.nic = navigation_integrity(tc, Supplements::default());
        }
        9..=18 | 20..=22 => {
            let ac12 = bits(f, 41, 52) as u16;
            if tc <= 18 {
                m.altitude = ac12_feet(ac12);
            } else {
                m.altitude_gnss = ac12_feet(ac12);
            }
            m.on_ground = Some(false);
            position(f, m);
            if tc <= 18 {
                m.nic_supplement_b = Some(bits(f, 40, 40) == 1);
            }
            m.nic = navigation_integrity(tc, Supplements::default());
        }
        19 => velocity(f, m),
        28 if bits(f, 38, 40) == 1 => {
            m.emergency_state = Some(bits(f, 41, 43) as u8);
            let code = squawk(bits(f, 44, 56) as u16);
            m.squawk = Some(code);
        }
        29 if bits(f, 38, 39) == 1 => {
            let alt = bits(f, 42, 52);
            if alt != 0 {
                m.selected_altitude = Some((alt as i32 - 1) * 32);
            }
            let baro = bits(f, 53, 61);
            if baro != 0 {
                m.qnh = Some(800.0 + f64::from(baro - 1) * 0.8);
            }
            m.nacp = Some(bits(f, 72, 75) as u8);
        }
        31 => {
            let version = bits(f, 73, 75) as u8;
            m.adsb_version = Some(version);
            if version >= 1 {
                m.nic_supplement_a = Some(bits(f, 76, 76) == 1);
                m.nacp = Some(bits(f, 77, 80) as u8);
            }
            if version >= 2 && bits(f, 38, 40) == 1 {
                // Surface status: supplement C is the last bit of the capability class.
                m.nic_supplement_c = Some(bits(f, 52, 52) == 1);
            }
        }
        _ => {}
    }
}

fn position(f: &[u8], m: &mut Message) {
    let cpr = Cpr {
        lat: bits(f, 55, 71),
        lon: bits(f, 72, 88),
        odd: bits(f, 54, 54) == 1,
    };
    m.cpr = Some(cpr);
}

impl Message {
    /// Whether the message's position is a surface position (ADS-B type codes 5 to 8).
    pub fn is_surface_position(&self) -> bool {
        matches!(self.tc, Some(5..=8))
    }
}

/// Surface movement code to knots (DO-260B table 2-25), at the middle of each quantisation step.
fn surface_speed(movement: u32) -> Option<f64> {
    let m = f64::from(movement);
    Some(match movement {
        0 | 125.. => return None,
        1 => 0.0,
        2..=8 => 0.125 + (m - 2.0) * 0.125,
        9..=12 => 1.0 + (m - 9.0) * 0.25,
        13..=38 => 2.0 + (m - 13.0) * 0.5,
        39..=93 => 15.0 + (m - 39.0),
        94..=108 => 70.0 + (m - 94.0) * 2.0,
        109..=123 => 100.0 + (m - 109.0) * 5.0,
        124 => 175.0,
    })
}

fn velocity(f: &[u8], m: &mut Message) {
    let subtype = bits(f, 38, 40);
    let factor = if subtype == 2 || subtype == 4 {
        4.0
    } else {
        1.0
    };
    match subtype {
        1 | 2 => {
            let (ew, ns) = (bits(f, 47, 56), bits(f, 58, 67));
            if ew != 0 && ns != 0 {
                let vx = f64::from(ew - 1) * factor * if bits(f, 46, 46) == 1 { -1.0 } else { 1.0 };
                let vy = f64::from(ns - 1) * factor * if bits(f, 57, 57) == 1 { -1.0 } else { 1.0 };
                m.groundspeed = Some(vx.hypot(vy));
                m.track = Some(vx.atan2(vy).to_degrees().rem_euclid(360.0));
            }
        }
        3 | 4 => {
            if bits(f, 46, 46) == 1 {
                m.heading = Some(f64::from(bits(f, 47, 56)) * 360.0 / 1024.0);
            }
            let speed = bits(f, 58, 67);
            if speed != 0 {
                m.airspeed = Some(((speed - 1) as f64 * factor) as u32);
                m.airspeed_is_true = Some(bits(f, 57, 57) == 1);
            }
        }
        _ => return,
    }
    let vr = bits(f, 70, 78);
    if vr != 0 {
        m.vertical_rate = Some((vr as i32 - 1) * 64 * if bits(f, 69, 69) == 1 { -1 } else { 1 });
        m.vertical_rate_baro = Some(bits(f, 68, 68) == 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::hex::test_frame as hex;

    #[test]
    fn identification_position_and_velocity_of_textbook_frames() {
        let m = decode(&hex("8D4840D6202CC371C32CE0576098"), Repair::None).unwrap();
        assert_eq!(
            (m.df, m.icao24, m.tc),
            (17, Some(Icao24(0x4840D6)), Some(4))
        );
        assert_eq!(m.callsign.unwrap().as_str(), "KLM1023");
        assert_eq!(m.category.map(|c| c.to_string()).as_deref(), Some("A0"));
        let m = decode(&hex("8D40621D58C382D690C8AC2863A7"), Repair::None).unwrap();
        assert_eq!(
            (
                m.altitude,
                m.cpr.map(|c| c.lat),
                m.cpr.map(|c| c.lon),
                m.cpr.map(|c| c.odd)
            ),
            (Some(38000), Some(93000), Some(51372), Some(false))
        );
        let m = decode(&hex("8D485020994409940838175B284F"), Repair::None).unwrap();
        assert!(
            (m.groundspeed.unwrap() - 159.2).abs() < 0.1
                && (m.track.unwrap() - 182.88).abs() < 0.01
        );
        assert_eq!(
            (m.vertical_rate, m.vertical_rate_baro),
            (Some(-832), Some(false))
        );
    }

    #[test]
    fn bad_parity_and_lengths_are_refused() {
        assert_eq!(
            decode(&hex("8D4840D6202CC371C32CE0576099"), Repair::None),
            Err(DecodeError::BadCrc)
        );
        assert!(decode(
            &hex("8D4840D6202CC371C32CE0576099"),
            Repair::ExtendedSquitter
        )
        .is_ok());
        assert_eq!(
            decode(&hex("8D4840D6"), Repair::None),
            Err(DecodeError::BadLength)
        );
        assert_eq!(
            decode(&hex("5D4840D6202CC3"), Repair::None).map(|m| m.df),
            Err(DecodeError::BadCrc)
        );
        // A long format cut to 56 bits.
        assert_eq!(
            decode(&hex("8D4840D6202CC3"), Repair::None),
            Err(DecodeError::BadLength)
        );
    }

    #[test]
    fn short_replies_in_112_bits_decode_from_their_first_56() {
        // Real replies of long_flight (DF4 altitude 550 ft, DF5 identity 1000, DF11 all-call, all
        // of 486257 as pyModeS decodes them),
        // followed by 56 trailing bits as OpenSky's raw frames carry them: zeros, or anything.
        for short in ["210000bee58ab2", "2b00080064716c", "5d48625722d9cf"] {
            let alone = decode(&hex(short), Repair::None);
            assert_eq!(
                alone.as_ref().map(|m| m.icao24),
                Ok(Some(Icao24(0x486257))),
                "{short}"
            );
            for tail in ["00000000000000", "a5f00d1e2b3c4d"] {
                let padded = decode(&hex(&format!("{short}{tail}")), Repair::None);
                assert_eq!(padded, alone, "{short}{tail}");
            }
        }
    }
}
