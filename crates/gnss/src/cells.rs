//! Interference per H3 cell and time window.
//!
//! Reports (in time order) fall into fixed windows of event time (10 minutes by default) and into
//! the H3 cells containing them at each chosen resolution (4, as the public interference maps use,
//! about 1,770 km², and 6, about 36 km²). When a window closes, each cell seen in it counts its
//! aircraft `n` and the *affected* ones `k`: those whose reports there were mostly degraded
//! ([`nofly_model::integrity`]) or that showed a spoofing sign ([`crate::indicators`]).
//!
//! The ratio k/n of few aircraft says little, so a cell is judged on the lower end of the Wilson
//! score interval of k/n at 95 % (z = 1.96):
//! `(p + z²/2n − z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n)` with `p = k/n`.
//! One affected aircraft of one gives 0.21, two of two 0.34, 10 of 100 0.055.
//!
//! States: INTERFERENCE when the lower bound reaches 0.30 with at least two aircraft affected,
//! SUSPECT when it reaches 0.10, else NORMAL; a single degraded aircraft without a spoofing sign
//! raises nothing (its avionics, not the area, may be at fault), while one spoofing sign may. A cell rises at once; it falls only after two windows in a row below its state, or
//! after three windows without any aircraft (nothing seen is no evidence of an end).

use crate::held_cell::{CellShapes, HeldCell};
use crate::indicators::{Indicator, TrackChecker};
use crate::shared_points::{SharedPoints, SHARED_EVERY_MS, SHARED_MIN_FT};
use h3o::{CellIndex, LatLng, Resolution};
use nofly_model::integrity::{is_degraded, IntegrityThresholds};
use nofly_model::{EventTime, Icao24, Report};
use rustc_hash::FxHashMap;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// How long an aircraft is remembered after its latest report, milliseconds.
const FORGET_AFTER_MS: i64 = 600_000;

/// Settings of the interference monitor.
#[derive(Debug, Clone)]
pub struct GnssSettings {
    /// H3 resolutions watched.
    pub resolutions: Vec<Resolution>,
    /// Window length, milliseconds of event time.
    pub window_ms: i64,
    /// What counts as degraded.
    pub thresholds: IntegrityThresholds,
    /// Lower confidence bound from which a cell is SUSPECT.
    pub suspect_from: f64,
    /// Lower confidence bound from which a cell is INTERFERENCE.
    pub interference_from: f64,
    /// Windows in a row below its state before a cell falls.
    pub calm_windows: u32,
    /// Windows in a row without aircraft after which a cell is NORMAL again.
    pub quiet_windows: u32,
    /// Keep every closed cell window in [`GnssMonitor::windows`] (offline analysis); a live
    /// monitor keeps none and takes its transitions as they come.
    pub keep_windows: bool,
}

impl Default for GnssSettings {
    fn default() -> Self {
        GnssSettings {
            resolutions: vec![Resolution::Four, Resolution::Six],
            window_ms: 600_000,
            thresholds: IntegrityThresholds::default(),
            suspect_from: 0.10,
            interference_from: 0.30,
            calm_windows: 2,
            quiet_windows: 3,
            keep_windows: true,
        }
    }
}

/// The state of a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Default)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CellState {
    /// Nothing wrong seen.
    #[default]
    Normal,
    /// Some aircraft affected, not enough to be confident.
    Suspect,
    /// Confidently affected.
    Interference,
}

/// What one cell saw in one window.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CellWindow {
    /// H3 index, hex.
    pub cell: String,
    /// H3 resolution.
    pub resolution: u8,
    /// Window start.
    pub start: EventTime,
    /// Window end (exclusive).
    pub end: EventTime,
    /// Aircraft seen.
    pub aircraft: u32,
    /// Aircraft whose reports there were mostly degraded.
    pub degraded: u32,
    /// Aircraft that showed a spoofing sign there.
    pub spoofed: u32,
    /// Degraded or spoofed aircraft.
    pub affected: u32,
    /// affected / aircraft.
    pub ratio: f64,
    /// Lower end of the 95 % Wilson interval of the ratio.
    pub lower_bound: f64,
    /// The cell's state after this window.
    pub state: CellState,
    /// Spoofing signs seen, by kind: aircraft count.
    pub indicators: BTreeMap<Indicator, u32>,
}

/// A change of a cell's state.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Transition {
    /// H3 index, hex.
    pub cell: String,
    /// H3 resolution.
    pub resolution: u8,
    /// End of the window that decided it.
    pub time: EventTime,
    /// State before.
    pub from: CellState,
    /// State after.
    pub to: CellState,
    /// Aircraft seen in the cell in the deciding window (0 when it fell for want of any).
    pub aircraft: u32,
    /// Of which affected.
    pub affected: u32,
    /// Lower end of the 95 % Wilson interval of affected/aircraft in that window.
    pub lower_bound: f64,
}

#[derive(Debug, Default)]
struct AircraftCounts {
    /// The aircraft reported a position in the cell (with or without integrity).
    seen: bool,
    good: u32,
    bad: u32,
    signs: BTreeSet<Indicator>,
}

impl AircraftCounts {
    /// Adds these counts to the aircraft's in `cell` of the open window.
    fn add_to(self, open: &mut OpenWindow, cell: CellIndex, icao: Icao24) {
        if !self.seen {
            return;
        }
        let counts = open.entry(cell).or_default().entry(icao).or_default();
        counts.seen = true;
        counts.good += self.good;
        counts.bad += self.bad;
        counts.signs.extend(self.signs);
    }
}

/// The open window: per cell, per aircraft, its counts.
type OpenWindow = BTreeMap<CellIndex, BTreeMap<Icao24, AircraftCounts>>;

/// What the monitor keeps of an aircraft: its spoofing checks, its last position and, per
/// resolution, the cell it is in with its counts there in the open window (added to the window
/// when it leaves the cell or the window closes, so that most reports touch only this).
#[derive(Debug, Default)]
struct HeldCells {
    checker: TrackChecker,
    /// Time of the aircraft's latest report, ms (aircraft gone for a while are forgotten).
    last_ms: i64,
    /// When its position was last offered to the shared-point search, ms.
    shared_ms: Option<i64>,
    position: Option<(f64, f64)>,
    cells: Vec<Option<(HeldCell, AircraftCounts)>>,
}

#[derive(Debug, Default, Clone, Copy)]
struct CellHistory {
    state: CellState,
    calm: u32,
    quiet: u32,
}

/// The monitor: feed reports in time order, then [`GnssMonitor::finish`].
#[derive(Debug)]
pub struct GnssMonitor {
    settings: GnssSettings,
    /// Each aircraft's last position and its cells: a position repeated unchanged (a quarter of
    /// OpenSky's state vectors) or inside a cell's inscribed circle needs no new lookup.
    held: FxHashMap<Icao24, HeldCells>,
    shapes: CellShapes,
    shared: SharedPoints,
    /// The open window's number and end, ms.
    window: Option<(i64, i64)>,
    open: OpenWindow,
    history: BTreeMap<CellIndex, CellHistory>,
    /// Every cell window closed so far, in window then cell order.
    pub windows: Vec<CellWindow>,
    /// Every state change so far.
    pub transitions: Vec<Transition>,
    /// Reports with a position taken.
    pub reports: u64,
    /// Of which degraded.
    pub degraded_reports: u64,
    /// Of which judged (they carried NIC or NACp).
    pub judged_reports: u64,
}

/// Lower end of the Wilson score interval of `k` successes in `n` trials at 95 %.
pub fn wilson_lower(k: u32, n: u32) -> f64 {
    if n == 0 {
        return 0.0;
    }
    let (n, p, z) = (f64::from(n), f64::from(k) / f64::from(n), 1.96_f64);
    let z2 = z * z;
    (p + z2 / (2.0 * n) - z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt()) / (1.0 + z2 / n)
}

impl GnssMonitor {
    /// A monitor with these settings.
    pub fn new(settings: GnssSettings) -> Self {
        GnssMonitor {
            settings,
            held: FxHashMap::default(),
            shapes: CellShapes::default(),
            shared: SharedPoints::default(),
            window: None,
            open: BTreeMap::new(),
            history: BTreeMap::new(),
            windows: Vec::new(),
            transitions: Vec::new(),
            reports: 0,
            degraded_reports: 0,
            judged_reports: 0,
        }
    }

    /// Takes one report (in event-time order).
    pub fn observe(&mut self, r: &Report) {
        let Some((lat, lon)) = r.position else {
            return;
        };
        let Ok(point) = LatLng::new(lat, lon) else {
            return;
        };
        // The window changes once in many reports: a comparison, not a division, per report.
        let t = r.time.millis();
        let w = match self.window {
            Some((current, end)) if t < end => current,
            _ => {
                let w = t.div_euclid(self.settings.window_ms);
                if let Some((current, _)) = self.window {
                    for closing in current..w {
                        self.close(closing);
                    }
                }
                self.window = Some((w, (w + 1) * self.settings.window_ms));
                w
            }
        };
        self.reports += 1;
        let degraded = is_degraded(r.nic, r.nacp, self.settings.thresholds);
        self.judged_reports += u64::from(degraded.is_some());
        self.degraded_reports += u64::from(degraded == Some(true));
        let resolutions = &self.settings.resolutions;
        let held = self.held.entry(r.icao).or_default();
        held.last_ms = r.time.millis();
        let signs = held.checker.check(r);
        let mut shared: &[Icao24] = &[];
        if held.position != Some((lat, lon)) || held.cells.len() != resolutions.len() {
            held.position = Some((lat, lon));
            if held.cells.len() != resolutions.len() {
                held.cells.resize_with(resolutions.len(), || None);
            }
            for (slot, &res) in held.cells.iter_mut().zip(resolutions) {
                if slot.as_ref().is_some_and(|(c, _)| c.holds(lat, lon)) {
                    continue;
                }
                let fresh = self.shapes.held(point, res);
                match slot {
                    // In the cell's margin, still in the cell: the counts stay.
                    Some((held_cell, _)) if held_cell.cell == fresh.cell => *held_cell = fresh,
                    _ => {
                        if let Some((old, counts)) =
                            slot.replace((fresh, AircraftCounts::default()))
                        {
                            counts.add_to(&mut self.open, old.cell, r.icao);
                        }
                    }
                }
            }
            if r.on_ground != Some(true)
                && r.alt_baro_ft.is_some_and(|ft| ft >= SHARED_MIN_FT)
                && held.shared_ms.is_none_or(|at| t - at >= SHARED_EVERY_MS)
            {
                held.shared_ms = Some(t);
                shared = self.shared.observe(w, r.icao, lat, lon);
            }
        }
        for (held_cell, counts) in held.cells.iter_mut().flatten() {
            for &other in shared {
                self.open
                    .entry(held_cell.cell)
                    .or_default()
                    .entry(other)
                    .or_default()
                    .signs
                    .insert(Indicator::SharedPosition);
            }
            counts.seen = true;
            match degraded {
                Some(true) => counts.bad += 1,
                Some(false) => counts.good += 1,
                None => {}
            }
            counts.signs.extend(signs.iter().copied());
        }
    }

    /// Closes the last window.
    pub fn finish(&mut self) {
        if let Some((w, _)) = self.window.take() {
            self.close(w);
        }
    }

    fn close(&mut self, w: i64) {
        let s = &self.settings;
        let start = EventTime::from_millis(w * s.window_ms);
        // Aircraft not heard for ten minutes before the window are forgotten: their spoofing
        // checks would not compare across such a gap, and a live monitor's memory stays bounded.
        let open = &mut self.open;
        self.held.retain(|&icao, held| {
            for (cell, counts) in held.cells.iter_mut().flatten() {
                std::mem::take(counts).add_to(open, cell.cell, icao);
            }
            held.last_ms >= start.millis() - FORGET_AFTER_MS
        });
        let end = EventTime::from_millis((w + 1) * s.window_ms);
        let open = std::mem::take(&mut self.open);
        for (cell, aircraft) in &open {
            let n = aircraft.len() as u32;
            let mut indicators: BTreeMap<Indicator, u32> = BTreeMap::new();
            let (mut degraded, mut spoofed, mut affected) = (0, 0, 0);
            for c in aircraft.values() {
                let bad = c.bad > 0 && c.bad * 2 >= c.bad + c.good;
                degraded += u32::from(bad);
                spoofed += u32::from(!c.signs.is_empty());
                affected += u32::from(bad || !c.signs.is_empty());
                for sign in &c.signs {
                    *indicators.entry(*sign).or_default() += 1;
                }
            }
            let lower = wilson_lower(affected, n);
            // One aircraft with poor integrity is an avionics problem; two are an area problem. A
            // spoofing sign is evidence on its own.
            let evidence = spoofed > 0 || degraded >= 2;
            let target = if !evidence {
                CellState::Normal
            } else if lower >= s.interference_from && affected >= 2 {
                CellState::Interference
            } else if lower >= s.suspect_from {
                CellState::Suspect
            } else {
                CellState::Normal
            };
            let h = self.history.entry(*cell).or_default();
            h.quiet = 0;
            let next = if target >= h.state {
                h.calm = 0;
                target
            } else {
                h.calm += 1;
                if h.calm >= s.calm_windows {
                    h.calm = 0;
                    target
                } else {
                    h.state
                }
            };
            if next != h.state {
                self.transitions.push(Transition {
                    cell: cell.to_string(),
                    resolution: u8::from(cell.resolution()),
                    time: end,
                    from: h.state,
                    to: next,
                    aircraft: n,
                    affected,
                    lower_bound: lower,
                });
                h.state = next;
            }
            if !s.keep_windows {
                continue;
            }
            self.windows.push(CellWindow {
                cell: cell.to_string(),
                resolution: u8::from(cell.resolution()),
                start,
                end,
                aircraft: n,
                degraded,
                spoofed,
                affected,
                ratio: f64::from(affected) / f64::from(n.max(1)),
                lower_bound: lower,
                state: next,
                indicators,
            });
        }
        // Cells raised but not seen in this window.
        for (cell, h) in self.history.iter_mut() {
            if open.contains_key(cell) || h.state == CellState::Normal {
                continue;
            }
            h.quiet += 1;
            if h.quiet >= s.quiet_windows {
                self.transitions.push(Transition {
                    cell: cell.to_string(),
                    resolution: u8::from(cell.resolution()),
                    time: end,
                    from: h.state,
                    to: CellState::Normal,
                    aircraft: 0,
                    affected: 0,
                    lower_bound: 0.0,
                });
                *h = CellHistory::default();
            }
        }
    }

    /// The cell windows as a GeoJSON FeatureCollection (cell boundaries as polygons), keeping
    /// those where `keep` says so.
    pub fn geojson(&self, keep: impl Fn(&CellWindow) -> bool) -> serde_json::Value {
        let features: Vec<serde_json::Value> = self
            .windows
            .iter()
            .filter(|w| keep(w))
            .filter_map(|w| {
                let cell: CellIndex = w.cell.parse().ok()?;
                let mut ring: Vec<[f64; 2]> =
                    cell.boundary().iter().map(|p| [p.lng(), p.lat()]).collect();
                ring.push(*ring.first()?);
                Some(serde_json::json!({
                    "type": "Feature",
                    "geometry": { "type": "Polygon", "coordinates": [ring] },
                    "properties": w,
                }))
            })
            .collect();
        serde_json::json!({ "type": "FeatureCollection", "features": features })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nofly_model::SourceRef;

    #[test]
    fn wilson_lower_bounds_match_the_formula() {
        assert!((wilson_lower(1, 1) - 0.2065).abs() < 1e-3);
        assert!((wilson_lower(2, 2) - 0.3424).abs() < 1e-3);
        assert!((wilson_lower(10, 100) - 0.0552).abs() < 1e-3);
        assert_eq!(wilson_lower(0, 50), 0.0);
    }

    fn report(icao: u32, t_s: i64, lat: f64, lon: f64, nic: u8) -> Report {
        let mut r = Report::new(
            EventTime::from_millis(t_s * 1000),
            Icao24(icao),
            SourceRef::default(),
        );
        r.position = Some((lat, lon));
        r.nic = Some(nic);
        r
    }

    #[test]
    fn a_jammed_cell_rises_at_once_and_falls_after_calm_windows() {
        let settings = GnssSettings {
            resolutions: vec![Resolution::Four],
            ..GnssSettings::default()
        };
        let mut m = GnssMonitor::new(settings);
        // Synthetic: window 0, three of three aircraft at NIC 0 near Kaliningrad.
        for a in 0..3 {
            m.observe(&report(a, 10, 54.7 + f64::from(a) * 0.01, 20.5, 0));
        }
        // Windows 1 and 2: the same aircraft fine again.
        for w in 1..=2 {
            for a in 0..3 {
                m.observe(&report(
                    a,
                    w * 600 + 10,
                    54.7 + f64::from(a) * 0.01,
                    20.5,
                    8,
                ));
            }
        }
        m.finish();
        let states: Vec<CellState> = m.windows.iter().map(|w| w.state).collect();
        assert_eq!(
            states,
            [
                CellState::Interference,
                CellState::Interference,
                CellState::Normal
            ]
        );
        assert_eq!(m.transitions.len(), 2);
        assert_eq!(m.transitions[0].to, CellState::Interference);
        assert_eq!(m.transitions[1].time, EventTime::from_millis(1_800_000));
        assert_eq!((m.windows[0].affected, m.windows[0].aircraft), (3, 3));
        let geojson = m.geojson(|w| w.state != CellState::Normal);
        assert_eq!(geojson["features"].as_array().unwrap().len(), 2);
        assert_eq!(
            geojson["features"][0]["geometry"]["coordinates"][0]
                .as_array()
                .unwrap()
                .len(),
            7
        );
    }

    #[test]
    fn a_lone_degraded_aircraft_raises_nothing_but_a_lone_spoofed_one_does() {
        let settings = GnssSettings {
            resolutions: vec![Resolution::Four],
            ..GnssSettings::default()
        };
        let mut m = GnssMonitor::new(settings);
        m.observe(&report(1, 10, 33.7, -125.0, 2));
        // Synthetic: 51 kt at FL380 for a minute.
        for t in 0..=6 {
            let mut r = report(2, 10 + t * 10, 49.7, 23.9, 8);
            r.alt_baro_ft = Some(38_000.0);
            r.ground_speed_kt = Some(51.0);
            m.observe(&r);
        }
        m.finish();
        let spoofed_cell = LatLng::new(49.7, 23.9)
            .unwrap()
            .to_cell(Resolution::Four)
            .to_string();
        for w in &m.windows {
            let expected = if w.cell == spoofed_cell {
                CellState::Suspect
            } else {
                CellState::Normal
            };
            assert_eq!((w.aircraft, w.state), (1, expected), "{w:?}");
        }
        assert_eq!(m.windows.len(), 2);
    }

    #[test]
    fn aircraft_at_cruise_sharing_one_point_are_spoofed() {
        let settings = GnssSettings {
            resolutions: vec![Resolution::Four],
            ..GnssSettings::default()
        };
        let mut m = GnssMonitor::new(settings);
        // Synthetic: three aircraft with perfect integrity at FL350 all reporting one point near
        // Beirut, and seven flying normally in the same cell.
        for a in 0..10u32 {
            let spread = if a < 3 { 0.0 } else { f64::from(a) * 0.02 };
            let mut r = report(a, 10 + i64::from(a), 33.82 + spread, 35.49, 9);
            r.alt_baro_ft = Some(35_000.0);
            m.observe(&r);
        }
        m.finish();
        let w = &m.windows[0];
        assert_eq!((w.aircraft, w.spoofed), (10, 3));
        assert_eq!(w.indicators.get(&Indicator::SharedPosition), Some(&3));
        assert_eq!(w.state, CellState::Suspect);
    }

    #[test]
    fn one_degraded_aircraft_among_many_stays_normal() {
        let settings = GnssSettings {
            resolutions: vec![Resolution::Four],
            ..GnssSettings::default()
        };
        let mut m = GnssMonitor::new(settings);
        for a in 0..30 {
            m.observe(&report(a, 10, 50.0, 8.0, if a == 0 { 3 } else { 9 }));
        }
        m.finish();
        assert_eq!(m.windows[0].state, CellState::Normal);
        assert!(m.transitions.is_empty());
    }
}
