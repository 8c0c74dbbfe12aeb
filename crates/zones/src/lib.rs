//! Zone readers for nofly, with validation that names the file, feature, field and what is wrong.
//!
//! - [`read_geojson`]: a GeoJSON FeatureCollection (schema in `docs/zones.md`) into [`Zone`]s,
//!   with every problem found listed as a [`ZoneProblem`] instead of stopping at the first.
//! - [`read_openair`]: OpenAIR v1/v2 airspace files, translated into the same zones (geodesic arcs
//!   densified to within [`ARC_TOLERANCE_M`], circles kept exact), problems with file and line.
//! - ED-269 JSON and ED-318 GeoJSON UAS zones, one nofly zone per volume, weekly schedules kept.
//! - [`read_zone_file`]: any of these, the format told from the content ([`ZoneFormat`]).
//! - [`ZoneSet`]: the zones of one run, from one or more files, with ids checked for uniqueness
//!   and a content hash that every run records.
//!
//! ```
//! let text = r#"{"type": "FeatureCollection", "features": [{"type": "Feature",
//!   "properties": {"id": "R1", "kind": "restricted", "lower": "SFC", "upper": "FL95"},
//!   "geometry": {"type": "Point", "coordinates": [20.5, 54.7]}}]}"#;
//! let read = nofly_zones::read_geojson("zones.geojson", text);
//! assert_eq!(read.zones.len(), 0);
//! assert!(read.problems[0].to_string().contains("radius_m"));
//! ```
#![deny(missing_docs)]

mod ed269_reader;
mod ed318_reader;
mod geojson_reader;
mod geometry_check;
mod openair_reader;
mod problem;
mod uas_common;
mod zone_format;
mod zone_set;

pub use geojson_reader::{read_geojson, ReadZones};
pub use geometry_check::geometry_problems;
pub use nofly_model::Zone;
pub use openair_reader::{looks_like_openair, read_openair, ARC_TOLERANCE_M};
pub use problem::{Severity, ZoneProblem};
pub use zone_format::{read_zone_file, ZoneFormat};
pub use zone_set::{ZoneSet, ZoneSetError};
