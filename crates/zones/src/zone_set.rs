//! The zones of one run, merged from several files, with a content hash.

use crate::ReadZones;
use nofly_model::Zone;
use std::collections::BTreeMap;

/// Zones with unique ids, in the order they were read, and the canonical definition of each.
#[derive(Debug, Clone, Default)]
pub struct ZoneSet {
    /// The zones.
    pub zones: Vec<Zone>,
    /// Canonical JSON definition of each zone (same order), as hashed into its version.
    pub definitions: Vec<String>,
}

/// Two zones with the same id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("zone id {id:?} is defined twice: in {first} and in {second}")]
pub struct ZoneSetError {
    /// The id.
    pub id: String,
    /// Where it was first defined.
    pub first: String,
    /// Where it was defined again.
    pub second: String,
}

impl ZoneSet {
    /// Merges files read with [`crate::read_geojson`]; ids must be unique across all of them.
    pub fn from_files(files: Vec<(String, ReadZones)>) -> Result<Self, ZoneSetError> {
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        let mut set = ZoneSet::default();
        for (file, read) in files {
            for (zone, definition) in read.zones.into_iter().zip(read.definitions) {
                if let Some(first) = seen.insert(zone.id.clone(), file.clone()) {
                    return Err(ZoneSetError {
                        id: zone.id,
                        first,
                        second: file,
                    });
                }
                set.zones.push(zone);
                set.definitions.push(definition);
            }
        }
        Ok(set)
    }

    /// SHA-256 (hex) over the sorted `id:version` lines of every zone: the same zones give the same
    /// hash whatever the file order or formatting.
    pub fn content_hash(&self) -> String {
        nofly_model::zone_set_hash(&self.zones)
    }
}
