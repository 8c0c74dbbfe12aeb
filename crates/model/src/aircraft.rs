//! Who an aircraft is: the annotation an event carries beside what the engine found. It comes
//! from the address (country of registration, military address blocks) and, when one is loaded,
//! an aircraft database; it is not proven by the raw records, and a verifier takes it as logged.

/// Where the military flag comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MilitarySource {
    /// The aircraft database marks the aircraft military.
    Database,
    /// The address lies in a block a state reserves for its military aircraft.
    AddressRange,
}

/// What is known of an aircraft's identity; every field is left out of JSON when unknown.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct AircraftIdentity {
    /// Registration (tail number), from the database.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registration: Option<String>,
    /// ICAO type designator (`A320`, `C30J`), from the database.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_code: Option<String>,
    /// Type in words (`AIRBUS A-320`), from the database.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Owner or operator, from the database.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operator: Option<String>,
    /// Year built, from the database.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year: Option<u16>,
    /// The state the address is allocated to (ICAO Annex 10, Vol. III, Table 9-1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Its ISO 3166-1 alpha-2 code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country_code: Option<String>,
    /// Military, and why it is thought so; left out when nothing says so.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub military: Option<MilitarySource>,
    /// The database marks the aircraft interesting (government, police, special operators).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub interesting: bool,
    /// A Privacy ICAO Address (FAA PIA programme): the address hides the real registration.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub pia: bool,
    /// On the FAA's Limiting Aircraft Data Displayed list: the owner asked not to be shown.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub ladd: bool,
}

impl AircraftIdentity {
    /// Whether anything at all is known.
    pub fn is_empty(&self) -> bool {
        *self == AircraftIdentity::default()
    }
}
