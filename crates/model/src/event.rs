//! Events the engine emits, with identifiers derived from their content.

use crate::{AircraftIdentity, Callsign, EventTime, Icao24, SourceRef};
use sha2::{Digest, Sha256};
use std::fmt;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// The aircraft is inside the zone and its previous report was not.
    Enter,
    /// The aircraft is outside the zone and its previous report was inside.
    Exit,
    /// On its current track, speed and vertical rate the aircraft would enter the zone within the
    /// look-ahead window (the event says when and where).
    PredictedEntry,
    /// An earlier predicted entry no longer holds (the aircraft turned, the zone will not be
    /// active, or its velocity is stale).
    PredictionCleared,
    /// The aircraft was inside the zone and has not been heard for the `--lost-after` time; the
    /// event's time is its last report's time plus that timeout, its position the last known.
    SignalLost,
    /// An aircraft whose signal was lost inside the zone is heard again.
    SignalRegained,
    /// An aircraft inside the zone, or predicted to enter it, squawks 7500, 7600 or 7700.
    Emergency,
    /// An aircraft passed within the set distance of the zone without entering it: its closest
    /// report (time, place, `distance_m`), raised once it moves away.
    ClosestApproach,
    /// A GNSS interference area (an H3 cell) became a `gnss-interference` zone: enough aircraft
    /// there had degraded positions or spoofing signs (docs/gnss.md). Names no aircraft.
    InterferenceStart,
    /// A GNSS interference area is back to normal; its zone ends. Names no aircraft.
    InterferenceEnd,
}

impl EventKind {
    /// Every kind.
    pub const ALL: [EventKind; 10] = [
        EventKind::Enter,
        EventKind::Exit,
        EventKind::PredictedEntry,
        EventKind::PredictionCleared,
        EventKind::SignalLost,
        EventKind::SignalRegained,
        EventKind::Emergency,
        EventKind::ClosestApproach,
        EventKind::InterferenceStart,
        EventKind::InterferenceEnd,
    ];

    /// The kind written `name` in JSON.
    pub fn from_name(name: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// The lowercase name used in JSON and the store.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Enter => "enter",
            EventKind::Exit => "exit",
            EventKind::PredictedEntry => "predicted_entry",
            EventKind::PredictionCleared => "prediction_cleared",
            EventKind::SignalLost => "signal_lost",
            EventKind::SignalRegained => "signal_regained",
            EventKind::Emergency => "emergency",
            EventKind::ClosestApproach => "closest_approach",
            EventKind::InterferenceStart => "interference_start",
            EventKind::InterferenceEnd => "interference_end",
        }
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An aircraft's own ADS-B position against an independent measurement of it (multilateration,
/// radar, a fused track) at nearly the same time, farther apart than their errors allow.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PositionDispute {
    /// When the two positions were compared (the later of the two).
    pub at: crate::EventTime,
    /// How far apart they were, metres.
    pub distance_m: f64,
    /// How far apart their errors and the time between them allow, metres.
    pub allowed_m: f64,
    /// What measured the aircraft.
    pub against: crate::PositionSource,
}

/// One event. Serialises to one JSON object with a fixed field order.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Event {
    /// Deterministic identifier: see [`Event::derive_id`].
    pub id: String,
    /// What happened.
    pub kind: EventKind,
    /// Time of the report that triggered it (for an interference event, the end of the window
    /// that decided it).
    pub time: EventTime,
    /// The aircraft; `null` for an interference event, which is about an area.
    pub icao24: Option<Icao24>,
    /// Its latest known callsign.
    pub callsign: Option<Callsign>,
    /// The zone's identifier.
    pub zone_id: String,
    /// The zone's name.
    pub zone_name: String,
    /// The content hash of the zone definition the report was judged against.
    pub zone_version: String,
    /// The hash of the whole zone set in force (see [`crate::zone_set_hash`]), as the run records it.
    pub zone_set: String,
    /// Latitude of the triggering report.
    pub lat: f64,
    /// Longitude of the triggering report.
    pub lon: f64,
    /// Barometric altitude in feet, if known.
    pub alt_ft: Option<f64>,
    /// True when the report had no altitude and the band test passed by rule.
    pub alt_unknown: bool,
    /// True when the report said the aircraft was on the ground.
    pub on_ground: bool,
    /// The raw record of the triggering report.
    pub source: SourceRef,
    /// Where the triggering position came from (ADS-B, multilateration, radar, a fused track),
    /// when its source said; written only then.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position_source: Option<crate::PositionSource>,
    /// The surveillance sensor of the triggering report (ASTERIX inputs); written only then.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sensor: Option<crate::Sensor>,
    /// For a predicted entry: when and where the aircraft would enter.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub predicted: Option<PredictedPoint>,
    /// The aircraft is exempt from the zone (or from every zone); written only when true.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub exempt: bool,
    /// For a closest approach: the distance to the zone's boundary, metres.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distance_m: Option<f64>,
    /// For an emergency: the Mode A code, four octal digits (`7700`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub squawk: Option<String>,
    /// The NIC of the triggering position, when its source gave one ([`crate::integrity`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nic: Option<u8>,
    /// The NACp of the triggering position, when its source gave one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nacp: Option<u8>,
    /// The triggering position's integrity is below the floor ([`crate::integrity::is_degraded`]):
    /// it may be wrong by more than the zone's margin; written only when true.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub degraded: bool,
    /// The aircraft's ADS-B position disagreed, shortly before this event, with where
    /// multilateration or a radar measured it: a spoofing sign (an annotation like `aircraft`,
    /// written only then).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position_dispute: Option<PositionDispute>,
    /// For an interference event: the cell and what was seen there in the deciding window.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub cell: Option<CellFigures>,
    /// How many earlier events this aircraft had at the same millisecond (see [`Event::derive_id`]);
    /// written only when not zero.
    #[serde(skip_serializing_if = "is_zero")]
    pub same_instant: u32,
    /// Who the aircraft is (an annotation added after detection, not proven by the raw
    /// records); written when anything is known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aircraft: Option<AircraftIdentity>,
    /// The aircraft's latest ground speed, knots (an annotation like `aircraft`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gs_kt: Option<f64>,
    /// The aircraft's latest ADS-B emitter category (`A3`…): an annotation like `aircraft`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<crate::EmitterCategory>,
}

/// When and where a predicted entry would happen; written as `predicted_time`, `predicted_lat`,
/// `predicted_lon`.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct PredictedPoint {
    /// Predicted time of entry.
    pub predicted_time: EventTime,
    /// Predicted latitude at entry.
    pub predicted_lat: f64,
    /// Predicted longitude at entry.
    pub predicted_lon: f64,
}

/// What an interference event says of its cell; written as `cell`, `cell_aircraft`,
/// `cell_affected`, `cell_confidence`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CellFigures {
    /// H3 index of the cell, hex.
    pub cell: String,
    /// Aircraft seen in the cell during the deciding window.
    #[serde(rename = "cell_aircraft")]
    pub aircraft: u32,
    /// Of which degraded or showing a spoofing sign.
    #[serde(rename = "cell_affected")]
    pub affected: u32,
    /// Lower end of the 95 % Wilson interval of affected/aircraft.
    #[serde(rename = "cell_confidence")]
    pub confidence: f64,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl Event {
    /// The identifier of an event: the first 128 bits, in hex, of SHA-256 over
    /// `kind|time_ms|icao24|zone_id|zone_version` (`icao24` empty for an interference event),
    /// followed by `|n` when this is the n-th (n ≥ 1)
    /// earlier event of the same aircraft at the same millisecond (undated or coarse data can put
    /// an exit and a re-entry at one instant). Two runs on the same data give the same ids.
    pub fn derive_id(
        kind: EventKind,
        time: EventTime,
        icao: Option<Icao24>,
        zone_id: &str,
        zone_version: &str,
        same_instant: u32,
    ) -> String {
        let mut text = format!(
            "{}|{}|{}|{}|{}",
            kind.as_str(),
            time.millis(),
            icao.map(|a| a.to_string()).unwrap_or_default(),
            zone_id,
            zone_version
        );
        if same_instant > 0 {
            text.push_str(&format!("|{same_instant}"));
        }
        hex::encode(&Sha256::digest(text.as_bytes())[..16])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_depend_on_content_only() {
        let t = EventTime::from_millis(1_645_970_400_000);
        let a = Event::derive_id(EventKind::Enter, t, Some(Icao24(0x155fb6)), "EE", "v1", 0);
        assert_eq!(
            a,
            Event::derive_id(EventKind::Enter, t, Some(Icao24(0x155fb6)), "EE", "v1", 0)
        );
        assert_ne!(
            a,
            Event::derive_id(EventKind::Exit, t, Some(Icao24(0x155fb6)), "EE", "v1", 0)
        );
        assert_ne!(
            a,
            Event::derive_id(EventKind::Enter, t, Some(Icao24(0x155fb6)), "EE", "v2", 0)
        );
        assert_ne!(
            a,
            Event::derive_id(EventKind::Enter, t, Some(Icao24(0x155fb6)), "EE", "v1", 1)
        );
        assert_ne!(
            a,
            Event::derive_id(EventKind::Enter, t, None, "EE", "v1", 0)
        );
        assert_eq!(a.len(), 32);
    }
}
