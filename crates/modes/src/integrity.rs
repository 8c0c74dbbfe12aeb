//! Navigation integrity (NIC) of an ADS-B position: from the position message's type code and the
//! NIC supplements, as DO-260B (ADS-B version 2) and DO-260A (version 1) define them.
//!
//! Supplement A and, for surface positions, supplement C come from the aircraft's operational
//! status (TC 31); supplement B is bit 40 of the airborne position itself (in version 1 that bit is
//! the single-antenna flag, not a supplement). Version 0 has no supplements: the type code alone.
//! Combinations the standard leaves undefined take the lower NIC of the type code, as readsb does,
//! so that a report never claims more integrity than its type code can give.

/// The supplements known for an aircraft when one of its positions arrives.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Supplements {
    /// ADS-B version from its operational status (None: not heard yet, taken as version 0).
    pub version: Option<u8>,
    /// NIC supplement A (TC 31).
    pub a: bool,
    /// NIC supplement B (bit 40 of airborne positions, version 2 only).
    pub b: bool,
    /// NIC supplement C (surface operational status, version 2 only).
    pub c: bool,
}

/// The NIC (0–11) of a position message with type code `tc`, or None for a type code that carries
/// no position.
pub fn navigation_integrity(tc: u8, s: Supplements) -> Option<u8> {
    let version = s.version.unwrap_or(0);
    let a = version >= 1 && s.a;
    let b = version >= 2 && s.b;
    let c = version >= 2 && s.c;
    Some(match tc {
        // Surface positions.
        5 => 11,
        6 => 10,
        7 if a => 9,
        7 => 8,
        8 if a && c => 7,
        8 if version >= 2 && (a || c) => 6,
        8 if version == 1 && a => 6,
        8 => 0,
        // Airborne positions with barometric altitude.
        9 => 11,
        10 => 10,
        11 if a && (b || version == 1) => 9,
        11 => 8,
        12 => 7,
        13 => 6,
        14 => 5,
        15 => 4,
        16 if a && (b || version == 1) => 3,
        16 => 2,
        17 => 1,
        18 => 0,
        // Airborne positions with GNSS height.
        20 => 11,
        21 => 10,
        22 => 0,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v2(a: bool, b: bool, c: bool) -> Supplements {
        Supplements {
            version: Some(2),
            a,
            b,
            c,
        }
    }

    #[test]
    fn version_2_follows_do_260b() {
        assert_eq!(navigation_integrity(11, v2(true, true, false)), Some(9));
        assert_eq!(navigation_integrity(11, v2(false, false, false)), Some(8));
        assert_eq!(navigation_integrity(16, v2(true, true, false)), Some(3));
        assert_eq!(navigation_integrity(16, v2(false, false, false)), Some(2));
        assert_eq!(navigation_integrity(7, v2(true, false, false)), Some(9));
        assert_eq!(navigation_integrity(8, v2(true, false, true)), Some(7));
        assert_eq!(navigation_integrity(8, v2(true, false, false)), Some(6));
        assert_eq!(navigation_integrity(8, v2(false, false, true)), Some(6));
        assert_eq!(navigation_integrity(8, v2(false, false, false)), Some(0));
        for (tc, nic) in [
            (9, 11),
            (10, 10),
            (12, 7),
            (13, 6),
            (14, 5),
            (15, 4),
            (17, 1),
            (18, 0),
            (20, 11),
            (21, 10),
            (22, 0),
        ] {
            assert_eq!(
                navigation_integrity(tc, v2(true, true, true)),
                Some(nic),
                "TC {tc}"
            );
        }
    }

    #[test]
    fn undefined_combinations_take_the_lower_value() {
        assert_eq!(navigation_integrity(11, v2(true, false, false)), Some(8));
        assert_eq!(navigation_integrity(11, v2(false, true, false)), Some(8));
        assert_eq!(navigation_integrity(16, v2(false, true, false)), Some(2));
    }

    #[test]
    fn older_versions_ignore_the_supplements_they_do_not_have() {
        let v1 = Supplements {
            version: Some(1),
            a: true,
            b: false,
            c: true,
        };
        assert_eq!(
            navigation_integrity(11, v1),
            Some(9),
            "version 1: supplement A alone"
        );
        assert_eq!(navigation_integrity(16, v1), Some(3));
        let v0 = Supplements {
            version: Some(0),
            a: true,
            b: true,
            c: true,
        };
        assert_eq!(navigation_integrity(11, v0), Some(8));
        assert_eq!(
            navigation_integrity(11, Supplements::default()),
            Some(8),
            "status not heard yet"
        );
        assert_eq!(
            navigation_integrity(19, v0),
            None,
            "velocity carries no position"
        );
    }
}
