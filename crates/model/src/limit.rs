//! Vertical limits of a zone as aviation writes them, and the band test against an aircraft's altitude.

use std::fmt;
use std::str::FromStr;

/// Feet in one metre (exact by definition of the international foot, 0.3048 m).
pub const FEET_PER_METRE: f64 = 1.0 / 0.3048;

/// One vertical limit of a zone.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Limit {
    /// The surface (`SFC`, `GND`): no lower bound.
    Surface,
    /// Unlimited (`UNL`): no upper bound.
    Unlimited,
    /// Feet above mean sea level (`2500 ft MSL`, `AMSL`, or metres converted exactly).
    Msl(f64),
    /// Feet above ground level (`500 ft AGL`). Until a terrain model exists this compares as MSL.
    Agl(f64),
    /// Flight level: hundreds of feet of pressure altitude on the standard setting (`FL95`).
    FlightLevel(u16),
}

/// An aircraft's altitude as the band test sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Altitude {
    /// The aircraft reports that it is on the ground.
    Surface,
    /// Barometric altitude in feet.
    Feet(f64),
    /// No altitude is known: the band test passes and events say `alt_unknown`.
    Unknown,
}

/// A limit that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseLimitError {
    /// The text as given.
    pub text: String,
    /// What is wrong with it.
    pub reason: &'static str,
}

impl fmt::Display for ParseLimitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "altitude limit {:?}: {}", self.text, self.reason)
    }
}
impl std::error::Error for ParseLimitError {}

impl Limit {
    /// The limit in feet for comparison with barometric altitude: the surface is −∞, unlimited +∞,
    /// AGL compares as MSL (documented in docs/semantics.md).
    pub fn feet(self) -> f64 {
        match self {
            Limit::Surface => f64::NEG_INFINITY,
            Limit::Unlimited => f64::INFINITY,
            Limit::Msl(ft) | Limit::Agl(ft) => ft,
            Limit::FlightLevel(fl) => f64::from(fl) * 100.0,
        }
    }

    /// Whether an aircraft on the ground satisfies this limit as a lower bound.
    fn admits_surface_as_lower(self) -> bool {
        match self {
            Limit::Surface => true,
            Limit::Msl(ft) | Limit::Agl(ft) => ft <= 0.0,
            Limit::FlightLevel(_) | Limit::Unlimited => false,
        }
    }
}

impl FromStr for Limit {
    type Err = ParseLimitError;

    /// Reads `SFC`, `GND`, `UNL`, `FL<n>` (also `FL 95`), and `<n> ft|m MSL|AMSL|AGL`
    /// (case-insensitive, the space between number and unit optional).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let err = |reason| ParseLimitError {
            text: text.to_string(),
            reason,
        };
        let upper = text.trim().to_ascii_uppercase();
        match upper.as_str() {
            "SFC" | "GND" => return Ok(Limit::Surface),
            "UNL" | "UNLIM" | "UNLIMITED" => return Ok(Limit::Unlimited),
            "" => return Err(err("empty")),
            _ => {}
        }
        if let Some(rest) = upper.strip_prefix("FL") {
            let n = rest.trim();
            if n.is_empty() || n.len() > 3 || !n.bytes().all(|b| b.is_ascii_digit()) {
                return Err(err(
                    "a flight level is FL followed by up to three digits, e.g. FL95",
                ));
            }
            return n
                .parse()
                .map(Limit::FlightLevel)
                .map_err(|_| err("bad flight level"));
        }
        let split = upper
            .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == '+'))
            .ok_or_else(|| err("missing unit (ft or m) and reference (MSL, AMSL or AGL)"))?;
        let value: f64 = upper[..split]
            .trim()
            .parse()
            .map_err(|_| err("the number cannot be read"))?;
        if !value.is_finite() {
            return Err(err("the number is not finite"));
        }
        let mut words = upper[split..].split_whitespace();
        let unit = words.next().unwrap_or("");
        let reference = words.next();
        if words.next().is_some() {
            return Err(err(
                "expected `<number> <unit> <reference>`, e.g. 2500 ft MSL",
            ));
        }
        let feet = match unit {
            "FT" | "F" => value,
            "M" => value * FEET_PER_METRE,
            _ => return Err(err("unknown unit: use ft or m")),
        };
        match reference {
            Some("MSL" | "AMSL") => Ok(Limit::Msl(feet)),
            Some("AGL") => Ok(Limit::Agl(feet)),
            Some(_) => Err(err("unknown reference: use MSL, AMSL or AGL")),
            None => Err(err("missing reference: use MSL, AMSL or AGL")),
        }
    }
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Limit::Surface => f.write_str("SFC"),
            Limit::Unlimited => f.write_str("UNL"),
            Limit::Msl(ft) => write!(f, "{} ft MSL", trim_float(*ft)),
            Limit::Agl(ft) => write!(f, "{} ft AGL", trim_float(*ft)),
            Limit::FlightLevel(fl) => write!(f, "FL{fl}"),
        }
    }
}

fn trim_float(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

/// A vertical band `lower ≤ altitude ≤ upper`, both ends inclusive.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VerticalBand {
    /// Lower limit.
    pub lower: Limit,
    /// Upper limit.
    pub upper: Limit,
}

impl VerticalBand {
    /// A band from its two limits.
    pub const fn new(lower: Limit, upper: Limit) -> Self {
        VerticalBand { lower, upper }
    }

    /// From the surface up without limit.
    pub const fn everything() -> Self {
        VerticalBand {
            lower: Limit::Surface,
            upper: Limit::Unlimited,
        }
    }

    /// Whether an altitude is inside the band. Unknown altitude is inside; an aircraft on the ground
    /// is at the surface (inside when the lower limit is SFC or at or below zero feet).
    pub fn contains(&self, altitude: Altitude) -> bool {
        match altitude {
            Altitude::Unknown => true,
            Altitude::Surface => self.lower.admits_surface_as_lower(),
            Altitude::Feet(ft) => self.lower.feet() <= ft && ft <= self.upper.feet(),
        }
    }

    /// Whether either limit is AGL (compared as MSL until terrain is loaded).
    pub fn uses_agl(&self) -> bool {
        matches!(self.lower, Limit::Agl(_)) || matches!(self.upper, Limit::Agl(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lim(s: &str) -> Limit {
        s.parse().unwrap()
    }

    #[test]
    fn parses_every_documented_form() {
        assert_eq!(lim("SFC"), Limit::Surface);
        assert_eq!(lim("gnd"), Limit::Surface);
        assert_eq!(lim("UNL"), Limit::Unlimited);
        assert_eq!(lim("FL95"), Limit::FlightLevel(95));
        assert_eq!(lim("FL 245"), Limit::FlightLevel(245));
        assert_eq!(lim("2500 ft MSL"), Limit::Msl(2500.0));
        assert_eq!(lim("2500ft AMSL"), Limit::Msl(2500.0));
        assert_eq!(lim("500 ft AGL"), Limit::Agl(500.0));
        assert_eq!(lim("1000 m MSL"), Limit::Msl(1000.0 / 0.3048));
    }

    #[test]
    fn refuses_with_a_reason() {
        assert_eq!(
            "2500 yd MSL".parse::<Limit>().unwrap_err().reason,
            "unknown unit: use ft or m"
        );
        assert!("2500"
            .parse::<Limit>()
            .unwrap_err()
            .reason
            .contains("missing unit"));
        assert!("2500 ft"
            .parse::<Limit>()
            .unwrap_err()
            .reason
            .contains("missing reference"));
        assert!("FL".parse::<Limit>().is_err());
        assert!("FL1000".parse::<Limit>().is_err());
        assert!("".parse::<Limit>().is_err());
        assert!("NaN ft MSL".parse::<Limit>().is_err());
    }

    #[test]
    fn band_is_inclusive_and_handles_surface_and_unknown() {
        let band = VerticalBand::new(lim("FL100"), lim("FL200"));
        assert!(band.contains(Altitude::Feet(10_000.0)));
        assert!(band.contains(Altitude::Feet(20_000.0)));
        assert!(!band.contains(Altitude::Feet(9_999.0)));
        assert!(!band.contains(Altitude::Surface));
        assert!(band.contains(Altitude::Unknown));
        let low = VerticalBand::new(Limit::Surface, lim("1000 ft MSL"));
        assert!(low.contains(Altitude::Surface));
        assert!(low.contains(Altitude::Feet(-50.0)));
    }

    #[test]
    fn displays_canonically() {
        assert_eq!(lim("FL 95").to_string(), "FL95");
        assert_eq!(lim("2500 FT amsl").to_string(), "2500 ft MSL");
    }
}
