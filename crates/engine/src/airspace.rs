//! The zones the engine judges against: the current set with its index and hash, and the retired
//! zones some aircraft were still inside when the set was replaced.

use crate::tracks::Tracks;
use nofly_model::{zone_set_hash, Altitude, AltitudeMode, EventTime, Zone};
use nofly_spatial::ZoneIndex;
use rustc_hash::FxHashMap;

/// The current zones, indexed, then the retired ones (never candidates: their EXIT comes with the
/// aircraft's next position).
pub(crate) struct Airspace {
    zones: Vec<Zone>,
    /// How many of `zones` are current (and indexed).
    current: usize,
    /// The current set's hash, named by every event.
    zone_set: String,
    index: ZoneIndex,
}

/// Where each zone of the set before a replacement is in the new one (matched by id), and
/// whether it is unchanged there (same version).
pub(crate) struct Remap(Vec<Option<(u32, bool)>>);

impl Remap {
    /// The new index of a zone of the old set, if the new set has a zone with its id.
    pub(crate) fn zone(&self, old: u32) -> Option<u32> {
        self.0
            .get(old as usize)
            .copied()
            .flatten()
            .map(|(new, _)| new)
    }

    /// Whether a zone of the old set is in the new one with the same id and version.
    pub(crate) fn unchanged(&self, old: u32) -> bool {
        self.0
            .get(old as usize)
            .copied()
            .flatten()
            .is_some_and(|(_, same)| same)
    }
}

impl Airspace {
    /// The zones, indexed.
    pub(crate) fn new(zones: &[Zone]) -> Self {
        Airspace {
            zones: zones.to_vec(),
            current: zones.len(),
            zone_set: zone_set_hash(zones),
            index: ZoneIndex::new(zones),
        }
    }

    /// A zone, current or retired, by index.
    pub(crate) fn zone(&self, z: u32) -> &Zone {
        &self.zones[z as usize]
    }

    /// Whether a zone index is of the current set.
    pub(crate) fn is_current(&self, z: u32) -> bool {
        (z as usize) < self.current
    }

    /// The current zones.
    pub(crate) fn current(&self) -> &[Zone] {
        &self.zones[..self.current]
    }

    /// The spatial index of the current zones.
    pub(crate) fn index(&self) -> &ZoneIndex {
        &self.index
    }

    /// The hash of the current set.
    pub(crate) fn zone_set(&self) -> &str {
        &self.zone_set
    }

    /// Whether zone `z` applies at `time` to an aircraft at `altitude`: active, and the altitude in
    /// its band.
    pub(crate) fn applies(
        &self,
        z: u32,
        time: EventTime,
        altitude: &Altitude,
        mode: AltitudeMode,
    ) -> bool {
        let zone = self.zone(z);
        zone.is_active(time) && zone.band.contains(altitude, mode)
    }

    /// The current zones containing the position in three dimensions at `time`, in zone order,
    /// into `out`: the spatial index first, then activation and band, the exact test last.
    #[inline]
    pub(crate) fn locate(
        &self,
        (lat, lon): (f64, f64),
        time: EventTime,
        altitude: &Altitude,
        mode: AltitudeMode,
        out: &mut Vec<u32>,
    ) {
        out.clear();
        for &c in self.index.candidates(lat, lon) {
            if self.applies(c.zone(), time, altitude, mode)
                && self.index.candidate_contains(c, lat, lon)
            {
                out.push(c.zone());
            }
        }
    }

    /// Replaces the current set. An aircraft's stay in a zone continues across the change when the
    /// new set has a zone with the same id, whatever its version; a stay in a zone that is gone
    /// keeps the zone, retired (in the old set's order), until the aircraft's next position.
    /// `remap` is [`Airspace::remap_to`] the new zones.
    pub(crate) fn replace(&mut self, zones: &[Zone], remap: &Remap, tracks: &mut Tracks) {
        let mut stayed_in = vec![false; self.zones.len()];
        for track in tracks.iter_mut() {
            for &z in &track.inside {
                stayed_in[z as usize] = true;
            }
        }
        let mut retired: Vec<Zone> = Vec::new();
        let new_index: Vec<u32> = (0..self.zones.len())
            .map(|i| match remap.zone(i as u32) {
                Some(new) => new,
                None if stayed_in[i] => {
                    retired.push(self.zones[i].clone());
                    (zones.len() + retired.len() - 1) as u32
                }
                // No aircraft is inside it: nothing refers to this index any more.
                None => u32::MAX,
            })
            .collect();
        for track in tracks.iter_mut() {
            for z in &mut track.inside {
                *z = new_index[*z as usize];
            }
            track.inside.sort_unstable();
        }
        self.index = ZoneIndex::new(zones);
        self.current = zones.len();
        self.zone_set = zone_set_hash(zones);
        self.zones = zones.to_vec();
        self.zones.append(&mut retired);
    }

    /// Where the zones of this set (current and retired) are in `zones`.
    pub(crate) fn remap_to(&self, zones: &[Zone]) -> Remap {
        let by_id: FxHashMap<&str, (u32, &str)> = zones
            .iter()
            .enumerate()
            .map(|(i, z)| (z.id.as_str(), (i as u32, z.version.as_str())))
            .collect();
        Remap(
            self.zones
                .iter()
                .map(|z| {
                    by_id
                        .get(z.id.as_str())
                        .map(|&(new, version)| (new, version == z.version))
                })
                .collect(),
        )
    }
}
