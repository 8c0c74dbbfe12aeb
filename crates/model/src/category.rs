//! The ADS-B emitter category (DO-260B 2.2.3.2.5.2): what kind of aircraft a transponder says it
//! is (A1 light, A3 large, A5 heavy, A7 rotorcraft, B2 balloon, B6 unmanned, C1 surface vehicle…),
//! sent in the identification message: the set from its type code (4 A, 3 B, 2 C, 1 D) and the
//! number from its 3-bit category field; readsb writes the same two characters.

use std::fmt;
use std::str::FromStr;

/// An emitter category: set `A` to `D` and number 0 to 7 (0: no information).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EmitterCategory {
    set: u8,
    number: u8,
}

impl EmitterCategory {
    /// From an identification message's type code (1 to 4) and category field (0 to 7).
    pub fn from_type_code(tc: u8, ca: u8) -> Option<Self> {
        (1..=4).contains(&tc).then_some(())?;
        (ca <= 7).then_some(EmitterCategory {
            set: b'A' + (4 - tc),
            number: ca,
        })
    }
}

impl fmt::Display for EmitterCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.set as char, self.number)
    }
}

impl FromStr for EmitterCategory {
    type Err = String;
    /// `A0` to `D7`, either case.
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().as_bytes() {
            [set @ (b'A'..=b'D' | b'a'..=b'd'), number @ b'0'..=b'7'] => Ok(EmitterCategory {
                set: set.to_ascii_uppercase(),
                number: number - b'0',
            }),
            _ => Err(format!("{s:?} is not an emitter category (A0 to D7)")),
        }
    }
}

impl serde::Serialize for EmitterCategory {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for EmitterCategory {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::text_serde::from_text(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_code_and_field_give_the_set_and_number() {
        assert_eq!(
            EmitterCategory::from_type_code(4, 3).unwrap().to_string(),
            "A3"
        );
        assert_eq!(
            EmitterCategory::from_type_code(1, 0).unwrap().to_string(),
            "D0"
        );
        assert_eq!(
            EmitterCategory::from_type_code(3, 6).unwrap().to_string(),
            "B6"
        );
        assert_eq!(EmitterCategory::from_type_code(5, 0), None);
        assert_eq!("b2".parse::<EmitterCategory>().unwrap().to_string(), "B2");
        assert!("A8".parse::<EmitterCategory>().is_err());
        assert!("E1".parse::<EmitterCategory>().is_err());
    }
}
