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
    /// Feet above the WGS84 ellipsoid (`100 m WGS84`, ED-318's ellipsoidal height).
    Ellipsoid(f64),
    /// Flight level: hundreds of feet of pressure altitude on the standard setting (`FL95`).
    FlightLevel(u16),
}

/// Which of an aircraft's two altitudes the height limits (MSL, AGL, WGS84) are compared with.
/// Flight levels are pressure altitudes by definition and always use the barometric one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum AltitudeMode {
    /// Barometric (pressure) altitude for every limit: what ATC sees and what aviation's limits
    /// are flown by (no QNH correction is known, so MSL compares with pressure altitude).
    #[default]
    Barometric,
    /// Geometric (GNSS) altitude for MSL, AGL and WGS84 limits; barometric for flight levels.
    Geometric,
}

impl AltitudeMode {
    /// The name used on the command line and in run records.
    pub fn as_str(self) -> &'static str {
        match self {
            AltitudeMode::Barometric => "barometric",
            AltitudeMode::Geometric => "geometric",
        }
    }
}

impl FromStr for AltitudeMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "barometric" | "baro" => Ok(AltitudeMode::Barometric),
            "geometric" | "geo" | "gnss" => Ok(AltitudeMode::Geometric),
            other => Err(format!(
                "altitude mode {other:?}: use barometric or geometric"
            )),
        }
    }
}

/// An aircraft's altitudes as the band test sees them.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Altitude {
    /// The aircraft reports that it is on the ground.
    pub on_ground: bool,
    /// Barometric (pressure) altitude in feet.
    pub baro_ft: Option<f64>,
    /// Geometric (GNSS) altitude in feet.
    pub geo_ft: Option<f64>,
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
            Limit::Msl(ft) | Limit::Agl(ft) | Limit::Ellipsoid(ft) => ft,
            Limit::FlightLevel(fl) => f64::from(fl) * 100.0,
        }
    }

    /// Whether an aircraft on the ground satisfies this limit as a lower bound.
    fn admits_surface_as_lower(self) -> bool {
        match self {
            Limit::Surface => true,
            Limit::Msl(ft) | Limit::Agl(ft) | Limit::Ellipsoid(ft) => ft <= 0.0,
            Limit::FlightLevel(_) | Limit::Unlimited => false,
        }
    }

    /// The aircraft altitude this limit is compared with under `mode`: `Ok(None)` when the limit
    /// needs none (SFC, UNL), `Err(())` when it needs one the report does not have.
    fn measurement(self, altitude: &Altitude, mode: AltitudeMode) -> Result<Option<f64>, ()> {
        let wanted = match (self, mode) {
            (Limit::Surface | Limit::Unlimited, _) => return Ok(None),
            (Limit::FlightLevel(_), _) | (_, AltitudeMode::Barometric) => altitude.baro_ft,
            (_, AltitudeMode::Geometric) => altitude.geo_ft,
        };
        wanted.map(Some).ok_or(())
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
            .ok_or_else(|| err("missing unit (ft or m) and reference (MSL, AMSL, AGL or WGS84)"))?;
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
            Some("WGS84" | "HAE") => Ok(Limit::Ellipsoid(feet)),
            Some(_) => Err(err("unknown reference: use MSL, AMSL, AGL or WGS84")),
            None => Err(err("missing reference: use MSL, AMSL, AGL or WGS84")),
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
            Limit::Ellipsoid(ft) => write!(f, "{} ft WGS84", trim_float(*ft)),
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

    /// Whether an aircraft is inside the band, both ends inclusive, each limit compared with the
    /// altitude `mode` assigns to it. A limit whose altitude the report lacks is passed (see
    /// [`VerticalBand::lacks_altitude`]); an aircraft on the ground is at the surface: inside when
    /// the lower limit is SFC or at or below zero.
    pub fn contains(&self, altitude: &Altitude, mode: AltitudeMode) -> bool {
        if altitude.on_ground {
            return self.lower.admits_surface_as_lower();
        }
        let lower_ok = match self.lower.measurement(altitude, mode) {
            Ok(Some(ft)) => self.lower.feet() <= ft,
            Ok(None) | Err(()) => true,
        };
        lower_ok
            && match self.upper.measurement(altitude, mode) {
                Ok(Some(ft)) => ft <= self.upper.feet(),
                Ok(None) | Err(()) => true,
            }
    }

    /// Whether the band test could only pass because the report lacks an altitude one of the
    /// limits is compared with (events say `alt_unknown`).
    pub fn lacks_altitude(&self, altitude: &Altitude, mode: AltitudeMode) -> bool {
        !altitude.on_ground
            && (self.lower.measurement(altitude, mode).is_err()
                || self.upper.measurement(altitude, mode).is_err())
    }

    /// Whether either limit is AGL (compared as MSL until terrain is loaded).
    pub fn uses_agl(&self) -> bool {
        matches!(self.lower, Limit::Agl(_)) || matches!(self.upper, Limit::Agl(_))
    }

    /// Whether the two limits are measured from the same datum, so that `lower ≤ upper` can be
    /// checked without knowing the terrain or the geoid.
    pub fn limits_comparable(&self) -> bool {
        let datum = |l: Limit| match l {
            Limit::Surface | Limit::Unlimited => None,
            Limit::Msl(_) | Limit::FlightLevel(_) => Some(0),
            Limit::Agl(_) => Some(1),
            Limit::Ellipsoid(_) => Some(2),
        };
        match (datum(self.lower), datum(self.upper)) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        }
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
        assert_eq!(lim("100 m WGS84"), Limit::Ellipsoid(100.0 / 0.3048));
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

    fn baro(ft: f64) -> Altitude {
        Altitude {
            baro_ft: Some(ft),
            ..Altitude::default()
        }
    }

    #[test]
    fn band_is_inclusive_and_handles_surface_and_unknown() {
        let mode = AltitudeMode::Barometric;
        let band = VerticalBand::new(lim("FL100"), lim("FL200"));
        assert!(band.contains(&baro(10_000.0), mode));
        assert!(band.contains(&baro(20_000.0), mode));
        assert!(!band.contains(&baro(9_999.0), mode));
        let ground = Altitude {
            on_ground: true,
            ..Altitude::default()
        };
        assert!(!band.contains(&ground, mode));
        assert!(band.contains(&Altitude::default(), mode));
        assert!(band.lacks_altitude(&Altitude::default(), mode));
        let low = VerticalBand::new(Limit::Surface, lim("1000 ft MSL"));
        assert!(low.contains(&ground, mode));
        assert!(low.contains(&baro(-50.0), mode));
        assert!(!VerticalBand::everything().lacks_altitude(&Altitude::default(), mode));
    }

    #[test]
    fn each_datum_reads_the_altitude_the_mode_assigns() {
        // Barometric 9,800 ft, GNSS 10,300 ft (a warm day).
        let alt = Altitude {
            on_ground: false,
            baro_ft: Some(9_800.0),
            geo_ft: Some(10_300.0),
        };
        let msl = VerticalBand::new(lim("10000 ft MSL"), Limit::Unlimited);
        let fl = VerticalBand::new(lim("FL100"), Limit::Unlimited);
        let hae = VerticalBand::new(lim("10000 ft WGS84"), Limit::Unlimited);
        assert!(!msl.contains(&alt, AltitudeMode::Barometric));
        assert!(msl.contains(&alt, AltitudeMode::Geometric));
        assert!(hae.contains(&alt, AltitudeMode::Geometric));
        // A flight level is a pressure altitude whatever the mode.
        assert!(!fl.contains(&alt, AltitudeMode::Geometric));
        let baro_only = baro(10_500.0);
        assert!(msl.contains(&baro_only, AltitudeMode::Geometric));
        assert!(msl.lacks_altitude(&baro_only, AltitudeMode::Geometric));
        assert!(!fl.lacks_altitude(&baro_only, AltitudeMode::Geometric));
    }

    #[test]
    fn limits_from_different_datums_are_not_compared() {
        assert!(!VerticalBand::new(lim("100 ft AGL"), lim("90 ft MSL")).limits_comparable());
        assert!(VerticalBand::new(lim("FL100"), lim("9000 ft MSL")).limits_comparable());
        assert!(VerticalBand::new(Limit::Surface, lim("90 m WGS84")).limits_comparable());
    }

    #[test]
    fn displays_canonically() {
        assert_eq!(lim("FL 95").to_string(), "FL95");
        assert_eq!(lim("2500 FT amsl").to_string(), "2500 ft MSL");
    }
}
