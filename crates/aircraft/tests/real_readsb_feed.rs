//! nofly's identity from the address alone, measured against what a real readsb feed says of
//! the same aircraft (data/samples/readsb: Arizona and New Mexico, November 2023). readsb takes
//! `r` (registration) and `dbFlags` (bit 0: military) from tar1090-db, so they are an
//! independent judgement: the military guess must catch every aircraft readsb flags and flag
//! no other one, and the country of the address block must be the state the registration's
//! nationality mark belongs to.

use nofly_aircraft::{allocation, identify, military};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Every aircraft of the eight files with an ICAO address: registration, dbFlags and type.
fn feed() -> BTreeMap<u32, (Option<String>, u64, Option<String>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/samples/readsb");
    let mut aircraft = BTreeMap::new();
    for name in [
        "aircraft_1.json",
        "aircraft_2.json",
        "aircraft_3.json",
        "aircraft_4.json",
        "aircraft_5.json",
        "json_1.json",
        "json_2.json",
        "json_3.json",
    ] {
        let text = std::fs::read_to_string(dir.join(name)).unwrap();
        let objects: Vec<serde_json::Value> = match serde_json::from_str::<serde_json::Value>(&text)
        {
            Ok(snapshot) => snapshot["aircraft"].as_array().cloned().unwrap_or_default(),
            // JSON per line, each line ending with a comma: damaged lines are skipped here.
            Err(_) => text
                .lines()
                .filter_map(|l| serde_json::from_str(l.trim().trim_end_matches(',')).ok())
                .collect(),
        };
        for a in objects {
            let Some(hex) = a["hex"].as_str().filter(|h| !h.starts_with('~')) else {
                continue;
            };
            let Ok(icao) = u32::from_str_radix(hex, 16) else {
                continue;
            };
            aircraft.insert(
                icao,
                (
                    a["r"].as_str().map(str::to_string),
                    a["dbFlags"].as_u64().unwrap_or(0),
                    a["t"].as_str().map(str::to_string),
                ),
            );
        }
    }
    aircraft
}

#[test]
fn military_blocks_agree_with_readsb_on_every_address() {
    let aircraft = feed();
    assert_eq!(aircraft.len(), 461);
    let flagged: Vec<u32> = aircraft
        .iter()
        .filter(|(_, (_, flags, _))| flags & 1 == 1)
        .map(|(icao, _)| *icao)
        .collect();
    assert_eq!(flagged.len(), 12, "readsb flags twelve aircraft military");
    for (icao, (registration, flags, _)) in &aircraft {
        let guessed = military::range(*icao).is_some();
        assert_eq!(
            guessed,
            flags & 1 == 1,
            "{icao:06x} ({registration:?}): readsb says military={}, the address blocks {guessed}",
            flags & 1 == 1
        );
        // Without a database the event says why it is thought military: the address.
        assert_eq!(identify(*icao, None).military.is_some(), guessed);
    }
}

/// The state of a nationality mark (ICAO Annex 7), for the marks in the feed. US military
/// serials (`12-0063`) have none: their state is the United States.
fn state_of_mark(registration: &str) -> &'static str {
    const MARKS: &[(&str, &str)] = &[
        ("N", "US"),
        ("C-", "CA"),
        ("XA-", "MX"),
        ("HL", "KR"),
        ("A7-", "QA"),
        ("LX-", "LU"),
        ("B-", "CN"),
        ("HI", "DO"),
    ];
    if registration
        .as_bytes()
        .first()
        .is_some_and(u8::is_ascii_digit)
    {
        return "US";
    }
    MARKS
        .iter()
        .find(|(mark, _)| registration.starts_with(mark))
        .map(|(_, iso)| *iso)
        .unwrap_or_else(|| panic!("{registration}: add its nationality mark to the table"))
}

#[test]
fn the_address_block_is_the_state_of_the_registration() {
    let mut checked = 0;
    for (icao, (registration, _, _)) in feed() {
        let Some(registration) = registration else {
            continue;
        };
        let country = allocation::country(icao)
            .unwrap_or_else(|| panic!("{icao:06x} ({registration}): no state allocated"));
        assert_eq!(
            country.iso,
            state_of_mark(&registration),
            "{icao:06x} ({registration}) is in {}'s block",
            country.name
        );
        checked += 1;
    }
    assert_eq!(checked, 460);
}

/// Debian's `dump1090-mutability` ships a real dump1090 `db/` folder (installed by
/// scripts/test.sh): it reads without a problem, and where it and the feed's own database both
/// know an aircraft they name the same type (the join of file prefix and key is right).
#[test]
fn debian_dump1090_database_agrees_with_the_feed_on_types() {
    let folder = std::path::Path::new("/usr/share/dump1090-mutability/html/db");
    if !folder.is_dir() {
        eprintln!(
            "{} is not installed here (apt-get install dump1090-mutability): not checked",
            folder.display()
        );
        return;
    }
    let db = nofly_aircraft::AircraftDb::load(folder).unwrap();
    assert!(db.problems.is_empty(), "{:?}", db.problems.first());
    assert!(db.len() > 30_000, "{} aircraft", db.len());
    let types: BTreeMap<u32, String> = feed()
        .into_iter()
        .filter_map(|(icao, (_, _, t))| Some((icao, t?)))
        .collect();
    let both: Vec<u32> = types
        .keys()
        .copied()
        .filter(|a| db.get(*a).is_some())
        .collect();
    let same = both
        .iter()
        .filter(|a| {
            db.get(**a).and_then(|r| r.type_code.as_deref()) == types.get(a).map(String::as_str)
        })
        .count();
    assert!(both.len() >= 40, "{} addresses in both", both.len());
    assert!(
        same * 10 >= both.len() * 9,
        "{same} of {} types agree",
        both.len()
    );
}
