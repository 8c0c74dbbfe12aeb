//! What the engine remembers of each aircraft that every rule shares, and the table of them.

use nofly_model::{Callsign, EventTime, Icao24, Report};
use rustc_hash::FxHashMap;

/// The number of an aircraft within one engine, given in order of first report: rules keep their
/// own per-aircraft state in a [`PerAircraft`] indexed by it, with no hash lookup of their own.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub(crate) struct AircraftId(u32);

/// What the engine remembers of one aircraft.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Track {
    /// Latest callsign seen.
    pub callsign: Option<Callsign>,
    /// Time of the first report.
    pub first_seen: EventTime,
    /// Time of the latest report.
    pub last_seen: EventTime,
    /// Reports received.
    pub reports: u64,
    /// Reports with a position (the ones judged against zones).
    pub positions: u64,
    /// Events raised for this aircraft.
    pub events: u64,
    /// The aircraft's address.
    pub(crate) icao: Icao24,
    /// The aircraft's number, for the rules' own state.
    pub(crate) id: AircraftId,
    /// Indices of the zones the aircraft is inside (its confirmed stays), sorted.
    pub(crate) inside: Vec<u32>,
    /// The latest Mode A code heard (exemptions and emergencies read it).
    pub(crate) squawk: Option<u16>,
    /// Time of the latest event and a hash of the zone of the first event at that instant.
    last_event: (EventTime, u32),
    /// Hashes of the zones of the second and later events at the instant of `last_event`.
    instant_zones: Vec<u32>,
}

impl Track {
    /// Aircraft number `id`, first heard at `first_seen`.
    fn new(icao: Icao24, id: AircraftId, first_seen: EventTime) -> Self {
        Track {
            callsign: None,
            first_seen,
            last_seen: EventTime::default(),
            reports: 0,
            positions: 0,
            events: 0,
            icao,
            id,
            inside: Vec::new(),
            squawk: None,
            last_event: (EventTime::default(), 0),
            instant_zones: Vec::new(),
        }
    }

    /// Takes the facts of a report every rule may read: time, callsign, Mode A code.
    fn observe(&mut self, report: &Report) {
        self.last_seen = report.time;
        self.reports += 1;
        if report.callsign.is_some() {
            self.callsign = report.callsign;
        }
        if report.squawk.is_some() {
            self.squawk = report.squawk;
        }
    }

    /// Counts an event of this aircraft in the zone `zone_id` at `time` and returns its number
    /// among the aircraft's earlier events in the same zone at the same millisecond: an event's
    /// id then depends on that zone alone, and an evidence bundle (which holds one zone)
    /// re-creates it.
    pub(crate) fn number_event(&mut self, time: EventTime, zone_id: &str) -> u32 {
        self.events += 1;
        let key = zone_hash(zone_id);
        if self.last_event.0 == time && self.events > 1 {
            let earlier = u32::from(self.last_event.1 == key)
                + self.instant_zones.iter().filter(|&&z| z == key).count() as u32;
            self.instant_zones.push(key);
            earlier
        } else {
            self.instant_zones.clear();
            self.last_event = (time, key);
            0
        }
    }
}

/// A 32-bit hash of a zone id (FNV-1a), to tell zones apart in event numbering without keeping
/// the id.
fn zone_hash(id: &str) -> u32 {
    id.bytes().fold(0x811c_9dc5, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

/// Every aircraft seen, by address.
#[derive(Default)]
pub(crate) struct Tracks {
    /// Keyed with FxHash: SipHash's flood resistance buys nothing for 24-bit keys from the data,
    /// and the lookup is on every report (measured: see bench/README.md). The tracks live in the
    /// map itself: one lookup per report, no second load.
    tracks: FxHashMap<Icao24, Track>,
}

impl Tracks {
    /// The aircraft of a report, created at its first one; `None` when the report is older than
    /// the aircraft's latest (only live feeds send those), else the track after taking the
    /// report's shared facts.
    #[inline]
    pub(crate) fn observe(&mut self, report: &Report) -> Option<(AircraftId, &mut Track)> {
        let next = AircraftId(self.tracks.len() as u32);
        let track = self
            .tracks
            .entry(report.icao)
            .or_insert_with(|| Track::new(report.icao, next, report.time));
        if report.time < track.last_seen {
            return None;
        }
        track.observe(report);
        Some((track.id, track))
    }

    /// The track of an aircraft seen before.
    pub(crate) fn get_mut(&mut self, icao: Icao24) -> Option<&mut Track> {
        self.tracks.get_mut(&icao)
    }

    /// Every track.
    pub(crate) fn iter_mut(&mut self) -> impl Iterator<Item = &mut Track> {
        self.tracks.values_mut()
    }

    /// Every aircraft's address, sorted (for deterministic summaries and endings).
    pub(crate) fn by_address(&self) -> Vec<Icao24> {
        let mut icaos: Vec<Icao24> = self.tracks.keys().copied().collect();
        icaos.sort_unstable();
        icaos
    }

    /// Every track with its address, in address order.
    pub(crate) fn sorted(&self) -> Vec<(Icao24, &Track)> {
        let mut v: Vec<(Icao24, &Track)> = self.tracks.iter().map(|(k, t)| (*k, t)).collect();
        v.sort_unstable_by_key(|(k, _)| *k);
        v
    }

    /// Number of aircraft seen.
    pub(crate) fn len(&self) -> usize {
        self.tracks.len()
    }

    /// Every track in the order the aircraft were first seen (their numbers), to save.
    pub(crate) fn in_order(&self) -> Vec<&Track> {
        let mut v: Vec<&Track> = self.tracks.values().collect();
        v.sort_unstable_by_key(|t| t.id);
        v
    }

    /// The tracks [`Tracks::in_order`] gave, taken back: inserted in the same order, so that the
    /// next aircraft gets the next number.
    pub(crate) fn restore(saved: Vec<Track>) -> Result<Self, String> {
        let mut tracks = Tracks::default();
        for (i, track) in saved.into_iter().enumerate() {
            if track.id.0 as usize != i || tracks.tracks.insert(track.icao, track).is_some() {
                return Err(format!("aircraft {i} is out of place"));
            }
        }
        Ok(tracks)
    }
}

/// A rule's own state for each aircraft, made with `S::default()` the first time it is asked for.
#[derive(serde::Serialize, serde::Deserialize)]
pub(crate) struct PerAircraft<S>(Vec<S>);

impl<S> Default for PerAircraft<S> {
    fn default() -> Self {
        PerAircraft(Vec::new())
    }
}

impl<S: Default> PerAircraft<S> {
    /// The aircraft's state, to change.
    pub(crate) fn get_mut(&mut self, id: AircraftId) -> &mut S {
        let i = id.0 as usize;
        if i >= self.0.len() {
            self.0.resize_with(i + 1, S::default);
        }
        &mut self.0[i]
    }

    /// The aircraft's state, if it has been made.
    pub(crate) fn get(&self, id: AircraftId) -> Option<&S> {
        self.0.get(id.0 as usize)
    }

    /// Every state made so far.
    pub(crate) fn iter_mut(&mut self) -> impl Iterator<Item = &mut S> {
        self.0.iter_mut()
    }
}
