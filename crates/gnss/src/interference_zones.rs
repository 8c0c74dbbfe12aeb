//! Interference areas as live zones, for the detection engine to watch like any other.
//!
//! A [`GnssMonitor`] watching one H3 resolution (4 by default) runs beside the engine. When a cell
//! rises to the chosen state (INTERFERENCE by default, SUSPECT on request) it becomes a zone of
//! kind `gnss-interference`: id `gnss-<H3 index>`, the cell's hexagon from the surface up, active
//! from the end of the window that raised it, and an INTERFERENCE_START event is raised. When the
//! cell falls back below that state the zone gets its end (a new version, active `[start, end)`)
//! and an INTERFERENCE_END event is raised. An ended zone stays in the set, inactive, for an hour
//! of event time, so that an aircraft still inside gets its EXIT from the version that says the
//! area ended; then it is dropped, and a live run's zone set stays bounded.
//!
//! Every version is written as a GeoJSON feature and read back by the reader of user zones, so its
//! version hash, its place in the store and in the evidence log are those of any other zone.
//! A cell crossing the antimeridian raises its events but no zone: its hexagon cannot be written
//! with straight longitude/latitude edges.

use crate::cells::{CellState, GnssMonitor, GnssSettings, Transition};
use h3o::CellIndex;
use nofly_model::{CellFigures, Event, EventKind, EventTime, Report, SourceRef, Zone};
use std::collections::btree_map::{BTreeMap, Entry};

/// How long an ended area stays in the set (inactive), milliseconds of event time.
const KEEP_ENDED_MS: i64 = 3_600_000;

/// Prefix of the id of every interference zone.
pub const ZONE_ID_PREFIX: &str = "gnss-";

/// One area raised during the run.
#[derive(Debug, Clone)]
struct Area {
    zone: Option<Zone>,
    definition: String,
    start: EventTime,
    end: Option<EventTime>,
}

/// An area that started or ended, waiting to become an event.
#[derive(Debug, Clone)]
struct Change {
    kind: EventKind,
    transition: Transition,
    zone_id: String,
    zone_name: String,
    zone_version: String,
    centre: (f64, f64),
    trigger: SourceRef,
}

/// The live interference zones: feed every report (in event-time order) to
/// [`InterferenceZones::observe`]; when it says the zones changed, give the engine the user's zones
/// followed by [`InterferenceZones::zones`], then take the events with
/// [`InterferenceZones::take_events`].
#[derive(Debug)]
pub struct InterferenceZones {
    monitor: GnssMonitor,
    raise_at: CellState,
    window_ms: i64,
    /// End of the current window, ms: ended areas are dropped when it passes.
    window_end: i64,
    areas: BTreeMap<String, Area>,
    changes: Vec<Change>,
    /// Every zone version made so far, with its definition (canonical GeoJSON), in order.
    pub versions: Vec<(Zone, String)>,
}

impl InterferenceZones {
    /// Areas from cells at the first resolution of `settings` that reach `raise_at` (SUSPECT or
    /// INTERFERENCE).
    pub fn new(settings: GnssSettings, raise_at: CellState) -> Self {
        let settings = GnssSettings {
            resolutions: settings.resolutions.into_iter().take(1).collect(),
            keep_windows: false,
            ..settings
        };
        InterferenceZones {
            window_ms: settings.window_ms,
            monitor: GnssMonitor::new(settings),
            raise_at: raise_at.max(CellState::Suspect),
            window_end: i64::MIN,
            areas: BTreeMap::new(),
            changes: Vec::new(),
            versions: Vec::new(),
        }
    }

    /// Takes one report; true when the zones changed (before this report is judged: the report
    /// that closes a window sees the areas that window raised).
    pub fn observe(&mut self, r: &Report) -> bool {
        self.monitor.observe(r);
        let mut changed = !self.monitor.transitions.is_empty() && self.apply(r.source);
        let t = r.time.millis();
        if t >= self.window_end {
            self.window_end = (t.div_euclid(self.window_ms) + 1) * self.window_ms;
            changed |= self.drop_ended(r.time);
        }
        changed
    }

    /// Closes the last window at the end of a replay; true when the zones changed.
    pub fn finish(&mut self, last: SourceRef) -> bool {
        self.monitor.finish();
        self.apply(last)
    }

    /// The areas' current zones (started, and ended less than an hour ago), in cell order.
    pub fn zones(&self) -> impl Iterator<Item = &Zone> {
        self.areas.values().filter_map(|a| a.zone.as_ref())
    }

    /// The INTERFERENCE_START and INTERFERENCE_END events since the last call, naming `zone_set`
    /// (the hash of the whole set in force, user zones included).
    pub fn take_events(&mut self, zone_set: &str) -> Vec<Event> {
        self.changes
            .drain(..)
            .map(|c| {
                let t = &c.transition;
                Event {
                    id: Event::derive_id(c.kind, t.time, None, &c.zone_id, &c.zone_version, 0),
                    kind: c.kind,
                    time: t.time,
                    icao24: None,
                    callsign: None,
                    zone_id: c.zone_id,
                    zone_name: c.zone_name,
                    zone_version: c.zone_version,
                    zone_set: zone_set.to_string(),
                    lat: c.centre.0,
                    lon: c.centre.1,
                    alt_ft: None,
                    alt_unknown: false,
                    on_ground: false,
                    source: c.trigger,
                    position_source: None,
                    sensor: None,
                    predicted: None,
                    exempt: false,
                    distance_m: None,
                    squawk: None,
                    nic: None,
                    nacp: None,
                    degraded: false,
                    position_dispute: None,
                    cell: Some(CellFigures {
                        cell: t.cell.clone(),
                        aircraft: t.aircraft,
                        affected: t.affected,
                        confidence: t.lower_bound,
                    }),
                    same_instant: 0,
                    aircraft: None,
                    gs_kt: None,
                    category: None,
                }
            })
            .collect()
    }

    fn apply(&mut self, trigger: SourceRef) -> bool {
        let transitions = std::mem::take(&mut self.monitor.transitions);
        let mut changed = false;
        for t in transitions {
            let (was, is) = (t.from >= self.raise_at, t.to >= self.raise_at);
            if was == is {
                continue;
            }
            let Ok(cell) = t.cell.parse::<CellIndex>() else {
                continue;
            };
            let id = format!("{ZONE_ID_PREFIX}{}", t.cell);
            let (kind, area) = if is {
                let started = Area {
                    zone: None,
                    definition: String::new(),
                    start: t.time,
                    end: None,
                };
                let area = match self.areas.entry(id.clone()) {
                    Entry::Vacant(v) => v.insert(started),
                    Entry::Occupied(o) => {
                        let area = o.into_mut();
                        *area = started;
                        area
                    }
                };
                (EventKind::InterferenceStart, area)
            } else {
                let Some(area) = self.areas.get_mut(&id) else {
                    continue;
                };
                area.end = Some(t.time);
                (EventKind::InterferenceEnd, area)
            };
            let (zone, definition) = area_zone(cell, &id, area.start, area.end);
            if let Some(z) = &zone {
                self.versions.push((z.clone(), definition.clone()));
            }
            area.zone = zone;
            area.definition = definition;
            let centre = cell_centre(cell);
            self.changes.push(Change {
                kind,
                zone_name: zone_name(cell),
                zone_version: area
                    .zone
                    .as_ref()
                    .map_or_else(String::new, |z| z.version.clone()),
                zone_id: id,
                transition: t,
                centre,
                trigger,
            });
            changed = true;
        }
        changed
    }

    fn drop_ended(&mut self, now: EventTime) -> bool {
        let before = self.areas.len();
        self.areas.retain(|_, a| {
            a.end
                .is_none_or(|end| now.millis() - end.millis() < KEEP_ENDED_MS)
        });
        self.areas.len() != before
    }

    /// The definition of every current area, in cell order (for a zone list or a store).
    pub fn definitions(&self) -> impl Iterator<Item = (&Zone, &str)> {
        self.areas
            .values()
            .filter_map(|a| a.zone.as_ref().map(|z| (z, a.definition.as_str())))
    }
}

fn zone_name(cell: CellIndex) -> String {
    let (lat, lon) = cell_centre(cell);
    format!("GNSS interference near {lat:.2}, {lon:.2} (H3 {cell})")
}

fn cell_centre(cell: CellIndex) -> (f64, f64) {
    let c = h3o::LatLng::from(cell);
    (c.lat(), c.lng())
}

/// The zone of an area and its definition, read back by the GeoJSON zone reader; no zone for a
/// cell crossing the antimeridian.
fn area_zone(
    cell: CellIndex,
    id: &str,
    start: EventTime,
    end: Option<EventTime>,
) -> (Option<Zone>, String) {
    let mut ring: Vec<[f64; 2]> = cell.boundary().iter().map(|p| [p.lng(), p.lat()]).collect();
    let (min, max) = ring.iter().fold((f64::MAX, f64::MIN), |(lo, hi), p| {
        (lo.min(p[0]), hi.max(p[0]))
    });
    if max - min > 180.0 {
        return (None, String::new());
    }
    if let Some(first) = ring.first().copied() {
        ring.push(first);
    }
    let mut active = serde_json::json!({ "from": start.to_rfc3339() });
    if let Some(end) = end {
        active["to"] = end.to_rfc3339().into();
    }
    let feature = serde_json::json!({
        "type": "FeatureCollection",
        "features": [{
            "type": "Feature",
            "geometry": { "type": "Polygon", "coordinates": [ring] },
            "properties": {
                "id": id,
                "name": zone_name(cell),
                "kind": "gnss-interference",
                "lower": "SFC",
                "upper": "UNL",
                "active": [active],
            },
        }],
    });
    let read = nofly_zones::read_geojson(id, &feature.to_string());
    match (
        read.zones.into_iter().next(),
        read.definitions.into_iter().next(),
    ) {
        (Some(zone), Some(definition)) => (Some(zone), definition),
        _ => (None, String::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use h3o::{LatLng, Resolution};
    use nofly_model::Icao24;

    fn report(icao: u32, t_s: i64, lat: f64, lon: f64, nic: u8, record: u64) -> Report {
        let mut r = Report::new(
            EventTime::from_millis(t_s * 1000),
            Icao24(icao),
            SourceRef { input: 0, record },
        );
        r.position = Some((lat, lon));
        r.nic = Some(nic);
        r
    }

    #[test]
    fn a_jammed_cell_becomes_a_zone_that_ends_and_is_dropped() {
        let mut areas = InterferenceZones::new(GnssSettings::default(), CellState::Interference);
        let mut record = 0;
        let mut feed = |areas: &mut InterferenceZones, t: i64, nic: u8| {
            let mut changed = false;
            for a in 0..3 {
                record += 1;
                changed |=
                    areas.observe(&report(a, t, 54.7 + f64::from(a) * 0.01, 20.5, nic, record));
            }
            changed
        };
        // Synthetic: window 0, three aircraft at NIC 0 near Kaliningrad; nothing raised yet.
        assert!(!feed(&mut areas, 10, 0));
        // The first report of window 1 closes window 0: the area starts.
        assert!(feed(&mut areas, 610, 8));
        let zones: Vec<&Zone> = areas.zones().collect();
        assert_eq!(zones.len(), 1);
        let cell = LatLng::new(54.7, 20.5).unwrap().to_cell(Resolution::Four);
        assert_eq!(zones[0].id, format!("gnss-{cell}"));
        assert_eq!(zones[0].kind, nofly_model::ZoneKind::GnssInterference);
        assert!(zones[0].active[0].contains(EventTime::from_millis(600_000)));
        assert!(!zones[0].active[0].contains(EventTime::from_millis(599_999)));
        let started = areas.take_events("set");
        assert_eq!(started.len(), 1);
        let e = &started[0];
        assert_eq!(e.kind, EventKind::InterferenceStart);
        assert_eq!((e.time.millis(), e.icao24), (600_000, None));
        assert_eq!(e.source.record, 4, "the report that closed the window");
        let figures = e.cell.as_ref().unwrap();
        assert_eq!((figures.aircraft, figures.affected), (3, 3));
        let start_version = e.zone_version.clone();
        // Windows 1 and 2 are calm: the area ends at the end of window 2 (seen in window 3).
        assert!(!feed(&mut areas, 1210, 8));
        assert!(feed(&mut areas, 1810, 8));
        let ended = areas.take_events("set");
        assert_eq!(ended[0].kind, EventKind::InterferenceEnd);
        assert_eq!(ended[0].time.millis(), 1_800_000);
        assert_ne!(
            ended[0].zone_version, start_version,
            "the end is a new version"
        );
        let zone = areas.zones().next().unwrap();
        assert!(!zone.active[0].contains(EventTime::from_millis(1_800_000)));
        assert_eq!(areas.versions.len(), 2);
        // An hour after its end the zone leaves the set.
        assert!(!feed(&mut areas, 1800 + 3000, 8));
        assert!(feed(&mut areas, 1800 + 3610, 8));
        assert_eq!(areas.zones().count(), 0);
    }

    #[test]
    fn suspect_cells_raise_zones_only_when_asked() {
        let spoofed = |areas: &mut InterferenceZones| {
            // Synthetic: 51 kt at FL380 for a minute, then a report in the next window.
            for t in 0..=6 {
                let mut r = report(2, 10 + t * 10, 49.7, 23.9, 8, t as u64);
                r.alt_baro_ft = Some(38_000.0);
                r.ground_speed_kt = Some(51.0);
                areas.observe(&r);
            }
            areas.observe(&report(2, 700, 49.7, 23.9, 8, 9))
        };
        let mut strict = InterferenceZones::new(GnssSettings::default(), CellState::Interference);
        assert!(!spoofed(&mut strict));
        let mut wide = InterferenceZones::new(GnssSettings::default(), CellState::Suspect);
        assert!(spoofed(&mut wide));
        assert_eq!(wide.take_events("s")[0].cell.as_ref().unwrap().affected, 1);
    }
}
