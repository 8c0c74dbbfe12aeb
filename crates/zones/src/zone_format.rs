//! Which format a zone file is in, and reading any of them through one call.

use crate::ed269_reader::{ed269_zones, read_ed269};
use crate::ed318_reader::{is_ed318, read_ed318};
use crate::geojson_reader::{parse_json, read_collection};
use crate::{looks_like_openair, read_openair, ReadZones};
use std::fmt;

/// The zone formats nofly reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ZoneFormat {
    /// nofly's GeoJSON schema (docs/zones.md).
    GeoJson,
    /// OpenAIR v1/v2 text.
    OpenAir,
    /// EUROCAE ED-269 JSON.
    Ed269,
    /// EUROCAE ED-318 GeoJSON.
    Ed318,
}

impl fmt::Display for ZoneFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ZoneFormat::GeoJson => "GeoJSON",
            ZoneFormat::OpenAir => "OpenAIR",
            ZoneFormat::Ed269 => "ED-269",
            ZoneFormat::Ed318 => "ED-318",
        })
    }
}

/// Reads a zone file in whichever format it is: OpenAIR when its first command is `AC`; for JSON,
/// ED-318 when its features carry ED-318 properties (`identifier`), ED-269 when it holds a zone
/// list (`UASZoneList`, `uas_zones`, non-GeoJSON `features`, an array or a single zone), nofly's
/// GeoJSON otherwise. A JSON syntax error is reported as GeoJSON with its line.
pub fn read_zone_file(file: &str, text: &str) -> (ZoneFormat, ReadZones) {
    if looks_like_openair(text) {
        return (ZoneFormat::OpenAir, read_openair(file, text));
    }
    let root = match parse_json(file, text) {
        Ok(root) => root,
        Err(read) => return (ZoneFormat::GeoJson, read),
    };
    if root.get("type").and_then(serde_json::Value::as_str) == Some("FeatureCollection") {
        if is_ed318(&root) {
            (ZoneFormat::Ed318, read_ed318(file, &root))
        } else {
            (ZoneFormat::GeoJson, read_collection(file, &root))
        }
    } else if ed269_zones(&root).is_some() {
        (ZoneFormat::Ed269, read_ed269(file, &root))
    } else {
        (ZoneFormat::GeoJson, read_collection(file, &root))
    }
}
