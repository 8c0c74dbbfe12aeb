//! Who an aircraft is, from its 24-bit address alone and from an aircraft database:
//!
//! - [`allocation`]: the state an address block is allocated to (ICAO Annex 10, Vol. III,
//!   Part I, Chapter 9, Table 9-1), hence the country of registration.
//! - [`military`]: the blocks within those that states use for military aircraft.
//! - [`database`]: registration, type, operator, year and flags read from the databases
//!   receiver owners already use (tar1090-db `aircraft.csv.gz`, the OpenSky aircraft database
//!   CSV, dump1090's `db/` JSON folder), with the line and field of every bad record.
//!
//! [`identify`] puts them together into the [`nofly_model::AircraftIdentity`] an event carries.

pub mod allocation;
pub mod database;
pub mod military;

pub use database::{AircraftDb, AircraftRecord, DbFormat, LoadProblem};

use nofly_model::{AircraftIdentity, MilitarySource};

/// Who the aircraft at `icao` is: the database's record when `db` has one, the country of the
/// address block, and the military flag from the database or else from the address.
pub fn identify(icao: u32, db: Option<&AircraftDb>) -> AircraftIdentity {
    let country = allocation::country(icao);
    let record = db.and_then(|d| d.get(icao));
    let military = if record.is_some_and(|r| r.military) {
        Some(MilitarySource::Database)
    } else if military::range(icao).is_some() {
        Some(MilitarySource::AddressRange)
    } else {
        None
    };
    AircraftIdentity {
        registration: record.and_then(|r| r.registration.clone()),
        type_code: record.and_then(|r| r.type_code.clone()),
        description: record.and_then(|r| r.description.clone()),
        operator: record.and_then(|r| r.operator.clone()),
        year: record.and_then(|r| r.year),
        country: country.map(|c| c.name.to_string()),
        country_code: country.map(|c| c.iso.to_string()),
        military,
        interesting: record.is_some_and(|r| r.interesting),
        pia: record.is_some_and(|r| r.pia),
        ladd: record.is_some_and(|r| r.ladd),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_without_a_database_comes_from_the_address() {
        let us_air_force = identify(0xae11e3, None);
        assert_eq!(us_air_force.country_code.as_deref(), Some("US"));
        assert_eq!(us_air_force.military, Some(MilitarySource::AddressRange));
        assert!(us_air_force.registration.is_none());
        let airbus = identify(0x3c6586, None);
        assert_eq!(airbus.country.as_deref(), Some("Germany"));
        assert_eq!(airbus.military, None);
    }
}
