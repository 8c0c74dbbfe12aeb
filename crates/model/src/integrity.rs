//! Whether a report's position can be trusted, from the integrity and accuracy it broadcasts.
//!
//! Shared by the engine (every event states the integrity of the position it was raised from) and
//! the GNSS interference monitor (`nofly-gnss`, which counts degraded aircraft per area).
//!
//! A report is degraded when its NIC is below 7 (containment radius 0.2 NM = 370 m or worse) or,
//! without a NIC, its NACp is below 8 (95 % accuracy 0.05 NM = 93 m or worse). Both floors are the
//! ADS-B Out performance that aviation rules require of every equipped aircraft (14 CFR 91.227:
//! NIC ≥ 7, NACp ≥ 8), which a working GNSS receiver meets everywhere; the public interference maps
//! use the same NIC floor. A report with neither is not judged.

/// The floors below which a report is degraded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IntegrityThresholds {
    /// Lowest acceptable NIC.
    pub nic: u8,
    /// Lowest acceptable NACp (used when the report has no NIC).
    pub nacp: u8,
}

impl Default for IntegrityThresholds {
    fn default() -> Self {
        IntegrityThresholds { nic: 7, nacp: 8 }
    }
}

/// `Some(true)` when the report is degraded, `Some(false)` when it is fine, `None` when it says
/// nothing of its integrity.
pub fn is_degraded(nic: Option<u8>, nacp: Option<u8>, t: IntegrityThresholds) -> Option<bool> {
    match (nic, nacp) {
        (Some(nic), _) => Some(nic < t.nic),
        (None, Some(nacp)) => Some(nacp < t.nacp),
        (None, None) => None,
    }
}

/// The containment radius a NIC guarantees, metres: the position is within it with the integrity
/// the category stands for (DO-260B, the largest radius where supplements split a category).
/// `None` for NIC 0 (unknown) and values out of range.
pub fn containment_radius_m(nic: u8) -> Option<f64> {
    const NM: f64 = 1852.0;
    Some(match nic {
        1 => 20.0 * NM,
        2 => 8.0 * NM,
        3 => 4.0 * NM,
        4 => 2.0 * NM,
        5 => NM,
        6 => 0.6 * NM,
        7 => 0.2 * NM,
        8 => 0.1 * NM,
        9 => 75.0,
        10 => 25.0,
        11 => 7.5,
        _ => return None,
    })
}

/// The 95 % accuracy bound a NACp guarantees, metres (DO-260B estimated position uncertainty).
/// `None` for NACp 0 (unknown) and values out of range.
pub fn accuracy_bound_m(nacp: u8) -> Option<f64> {
    const NM: f64 = 1852.0;
    Some(match nacp {
        1 => 10.0 * NM,
        2 => 4.0 * NM,
        3 => 2.0 * NM,
        4 => NM,
        5 => 0.5 * NM,
        6 => 0.3 * NM,
        7 => 0.1 * NM,
        8 => 0.05 * NM,
        9 => 30.0,
        10 => 10.0,
        11 => 3.0,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nic_decides_and_nacp_stands_in() {
        let t = IntegrityThresholds::default();
        assert_eq!(is_degraded(Some(8), Some(2), t), Some(false));
        assert_eq!(is_degraded(Some(6), Some(10), t), Some(true));
        assert_eq!(is_degraded(None, Some(7), t), Some(true));
        assert_eq!(is_degraded(None, Some(8), t), Some(false));
        assert_eq!(is_degraded(None, None, t), None);
    }

    #[test]
    fn categories_give_radii() {
        let near = |a: Option<f64>, b: f64| a.is_some_and(|a| (a - b).abs() < 1e-9);
        assert!(near(containment_radius_m(7), 370.4));
        assert_eq!(containment_radius_m(0), None);
        assert!(near(accuracy_bound_m(8), 92.6));
        assert_eq!(accuracy_bound_m(12), None);
        // Every better category promises a smaller radius.
        for c in 1..11 {
            assert!(containment_radius_m(c + 1) < containment_radius_m(c));
            assert!(accuracy_bound_m(c + 1) < accuracy_bound_m(c));
        }
    }
}
