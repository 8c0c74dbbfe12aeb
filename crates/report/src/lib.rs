//! Self-contained HTML reports of what nofly found, for handing a finding on: one file with no
//! outside resources (no scripts, fonts or tiles) that opens in any browser and prints to PDF.
//!
//! A [`Finding`] is what a report shows: the events, the tracks of the aircraft involved, the
//! zones the events name, who the aircraft are (the events' `aircraft` annotations), the run
//! that found them and, for one event, its evidence bundle. [`render`] makes the page:
//!
//! - a map ([`map`]): the zones, the tracks and numbered event markers over the basemap's
//!   country outlines, on an equirectangular projection scaled to the middle latitude;
//! - an altitude profile ([`profile`]) of each aircraft against the vertical bands of its zones,
//!   darker where the events say it was inside;
//! - the timeline of events, who the aircraft is, the run's inputs with their SHA-256, and the
//!   evidence bundle (embedded) with the commands that verify it ([`page`]).
//!
//! ```
//! use nofly_report::{render, Finding};
//! let html = render(&Finding { title: "Nothing found".into(), ..Finding::default() });
//! assert!(html.starts_with("<!doctype html>") && html.contains("Nothing found"));
//! ```
#![deny(missing_docs)]

mod map;
mod page;
mod profile;
mod projection;

use nofly_model::{Event, Zone};

/// Positions further apart in time than this (30 minutes) are not joined by a line: the aircraft
/// was not heard in between (another flight, or out of coverage).
pub const GAP_MS: i64 = 30 * 60 * 1000;

/// One recorded position of an aircraft.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrackPoint {
    /// Event time, milliseconds since the Unix epoch.
    pub t_ms: i64,
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
    /// Barometric altitude, feet, when known.
    pub alt_ft: Option<f64>,
}

/// The positions of one aircraft, in time order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Track {
    /// ICAO address, six lowercase hex digits.
    pub icao24: String,
    /// Its last callsign, if any.
    pub callsign: Option<String>,
    /// Positions.
    pub points: Vec<TrackPoint>,
}

impl Track {
    /// The callsign, else the address: how the report names the aircraft.
    pub fn label(&self) -> &str {
        self.callsign.as_deref().unwrap_or(&self.icao24)
    }
}

/// An evidence bundle carried by the report.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Evidence {
    /// The file name it is offered under.
    pub file_name: String,
    /// Its bytes (embedded in the page as a download).
    pub bytes: Vec<u8>,
    /// The `nofly verify` command line that checks it, as the user runs it.
    pub verify_command: String,
}

/// The run that found the events: what a reader needs to re-run it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunInfo {
    /// nofly's version.
    pub program_version: String,
    /// The zone set's content hash.
    pub zone_set: String,
    /// Each input: path, format, SHA-256.
    pub inputs: Vec<(String, String, String)>,
    /// The command line that reproduces the run.
    pub command: String,
    /// The detection settings, as the run records them (JSON).
    pub settings: String,
    /// Attribution the data's licence asks for (e.g. "The OpenSky Network").
    pub attribution: Vec<String>,
}

/// What a report shows.
#[derive(Debug, Clone, Default)]
pub struct Finding {
    /// The page's title.
    pub title: String,
    /// One line under the title: what was asked (an event, an aircraft, a time range).
    pub subtitle: String,
    /// The events, in time order.
    pub events: Vec<Event>,
    /// The aircraft's tracks, in the order they are drawn.
    pub tracks: Vec<Track>,
    /// The zones the events name.
    pub zones: Vec<Zone>,
    /// Country outlines (a GeoJSON FeatureCollection of polygons) under the map, if any.
    pub basemap: Option<serde_json::Value>,
    /// The run.
    pub run: RunInfo,
    /// The evidence bundle of the event, if one was made.
    pub evidence: Option<Evidence>,
}

/// The report as one HTML page.
pub fn render(finding: &Finding) -> String {
    page::html(finding)
}
