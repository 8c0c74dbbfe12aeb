//! Whether a report's position can be trusted, from the integrity and accuracy it broadcasts.
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
}
