//! Which surveillance sensor reported a target and how it detected it: a radar's plot (primary,
//! secondary, Mode S), an ADS-B ground station's report, a tracker's fused system track.

/// How a target was detected, or what its track is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DetectionKind {
    /// A track position with no detection this scan.
    NoDetection,
    /// Primary radar only: the target sent nothing.
    Primary,
    /// Secondary radar (Mode A/C).
    Ssr,
    /// Secondary and primary radar together.
    SsrPrimary,
    /// Mode S (all-call or roll-call).
    ModeS,
    /// Mode S and primary radar together.
    ModeSPrimary,
    /// An ADS-B ground station's report of what the aircraft broadcast.
    Adsb,
    /// A system track fused from several sensors.
    SystemTrack,
}

impl DetectionKind {
    /// The name written in events (`primary`, `mode_s`, `system_track`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            DetectionKind::NoDetection => "no_detection",
            DetectionKind::Primary => "primary",
            DetectionKind::Ssr => "ssr",
            DetectionKind::SsrPrimary => "ssr_primary",
            DetectionKind::ModeS => "mode_s",
            DetectionKind::ModeSPrimary => "mode_s_primary",
            DetectionKind::Adsb => "adsb",
            DetectionKind::SystemTrack => "system_track",
        }
    }
}

/// The sensor of a report: its ASTERIX system area and identification codes and the kind of
/// detection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Sensor {
    /// System area code.
    pub sac: u8,
    /// System identification code.
    pub sic: u8,
    /// How it detected the target.
    pub kind: DetectionKind,
}
