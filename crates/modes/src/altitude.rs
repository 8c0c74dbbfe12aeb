//! Altitude and identity codes: the 13-bit altitude code of DF0/4/16/20 (with its M and Q bits),
//! the 12-bit altitude of airborne positions, Gillham (Mode C) decoding and the 13-bit identity
//! (Mode A code) of DF5/21.

/// The 13-bit identity field rearranged into the Mode A pulse order, one pulse group per hex
/// nibble: `0xABCD` where each of A, B, C, D holds the bits 1, 2, 4 of that digit.
pub fn id13_to_mode_a_nibbles(id13: u16) -> u16 {
    // (field bit, nibble bit): C1 A1 C2 A2 C4 A4 (X) B1 D1 B2 D2 B4 D4, most significant first.
    const MAP: [(u16, u16); 12] = [
        (0x1000, 0x0010),
        (0x0800, 0x1000),
        (0x0400, 0x0020),
        (0x0200, 0x2000),
        (0x0100, 0x0040),
        (0x0080, 0x4000),
        (0x0020, 0x0100),
        (0x0010, 0x0001),
        (0x0008, 0x0200),
        (0x0004, 0x0002),
        (0x0002, 0x0400),
        (0x0001, 0x0004),
    ];
    MAP.iter()
        .filter(|(f, _)| id13 & f != 0)
        .fold(0, |acc, (_, n)| acc | n)
}

/// The squawk of a 13-bit identity field, as four octal digits read as a number (7700 → 0o7700).
pub fn squawk(id13: u16) -> u16 {
    let n = id13_to_mode_a_nibbles(id13);
    let digit = |shift: u16| (n >> shift) & 7;
    (digit(12) << 9) | (digit(8) << 6) | (digit(4) << 3) | digit(0)
}

/// Decodes a Gillham-coded (Mode C) altitude given in Mode A nibble order; hundreds of feet.
pub fn gillham_hundreds(nibbles: u16) -> Option<i32> {
    // D1 is never used for altitude, and at least one C pulse must be present.
    if nibbles & 0x8889 != 0 || nibbles & 0x00F0 == 0 {
        return None;
    }
    let mut hundreds: i32 = 0;
    for (bit, flip) in [(0x0010, 7), (0x0020, 3), (0x0040, 1)] {
        if nibbles & bit != 0 {
            hundreds ^= flip;
        }
    }
    if hundreds & 5 == 5 {
        hundreds ^= 2; // the C code counts 1 2 3 4 5 in reflected order; 7 and 5 swap
    }
    if hundreds > 5 {
        return None;
    }
    let mut five_hundreds: i32 = 0;
    for (bit, flip) in [
        (0x0002, 0xFF),
        (0x0004, 0x7F),
        (0x1000, 0x3F),
        (0x2000, 0x1F),
        (0x4000, 0x0F),
        (0x0100, 0x07),
        (0x0200, 0x03),
        (0x0400, 0x01),
    ] {
        if nibbles & bit != 0 {
            five_hundreds ^= flip;
        }
    }
    if five_hundreds & 1 == 1 {
        hundreds = 6 - hundreds;
    }
    Some(five_hundreds * 5 + hundreds - 13)
}

/// The 13-bit altitude code (DF0/4/16/20) in feet; `None` when absent, metric (M bit) or invalid.
pub fn ac13_feet(ac13: u16) -> Option<i32> {
    if ac13 == 0 || ac13 & 0x0040 != 0 {
        return None;
    }
    if ac13 & 0x0010 != 0 {
        let n = ((ac13 & 0x1F80) >> 2) | ((ac13 & 0x0020) >> 1) | (ac13 & 0x000F);
        return Some(i32::from(n) * 25 - 1000);
    }
    let hundreds = gillham_hundreds(id13_to_mode_a_nibbles(ac13))?;
    (hundreds >= -12).then_some(hundreds * 100)
}

/// The 12-bit altitude of an airborne position (no M bit) in feet.
pub fn ac12_feet(ac12: u16) -> Option<i32> {
    if ac12 == 0 {
        return None;
    }
    if ac12 & 0x0010 != 0 {
        let n = ((ac12 & 0x0FE0) >> 1) | (ac12 & 0x000F);
        return Some(i32::from(n) * 25 - 1000);
    }
    ac13_feet(((ac12 & 0x0FC0) << 1) | (ac12 & 0x003F))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn q_bit_altitudes_in_25_ft_steps() {
        // 0xC38 in a position message: 38000 ft (the classic example frame 8D40621D58C382D690C8AC2863A7).
        assert_eq!(ac12_feet(0xC38), Some(38000));
        assert_eq!(ac12_feet(0), None);
    }

    #[test]
    fn gillham_is_a_bijection_onto_minus_1200_to_126700_ft() {
        // Every pulse combination with D1 clear: the valid ones must cover each 100 ft step exactly once.
        let mut seen = std::collections::BTreeMap::new();
        for a in 0..8u16 {
            for b in 0..8u16 {
                for c in 0..8u16 {
                    for d in (0..8u16).filter(|d| d & 1 == 0) {
                        if let Some(h) = gillham_hundreds((a << 12) | (b << 8) | (c << 4) | d) {
                            assert!(seen.insert(h, (a, b, c, d)).is_none(), "{h} twice");
                        }
                    }
                }
            }
        }
        assert_eq!(seen.keys().next(), Some(&-12));
        assert_eq!(seen.keys().last(), Some(&1267));
        assert_eq!(seen.len(), 1280);
        assert!(gillham_hundreds(0x0000).is_none());
        assert!(
            gillham_hundreds(0x0001 | 0x0010).is_none(),
            "D1 is never used"
        );
    }

    #[test]
    fn squawk_digits() {
        // Identity bits for 7700: A=7 (A1 A2 A4), B=7, C=0, D=0.
        let id13 = 0x0800 | 0x0200 | 0x0080 | 0x0020 | 0x0008 | 0x0002;
        assert_eq!(squawk(id13), 0o7700);
    }
}
