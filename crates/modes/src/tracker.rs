//! Per-aircraft decoding state: which addresses have been announced (so that addresses recovered
//! from parity can be trusted), and the CPR frames and last position needed to turn encoded
//! positions into latitudes and longitudes, with a plausibility check that rejects bad decodes.

use crate::cpr::{global_airborne, global_surface, local, Cpr};
use crate::integrity::{navigation_integrity, Supplements};
use crate::Message;
use std::collections::{HashMap, HashSet};

/// Longest gap between an even and an odd frame used together for a global decode, ms.
const PAIR_MS: i64 = 10_000;
/// Oldest last position used as the reference of a local decode, ms (10 min at 1,000 kt is
/// 167 NM, inside the 180 NM for which an airborne local decode is unambiguous).
const REFERENCE_MS: i64 = 600_000;
/// Speeds no aircraft reaches, with slack for position quantisation.
const MAX_AIRBORNE_KT: f64 = 1_500.0;
const MAX_SURFACE_KT: f64 = 200.0;
const SLACK_M: f64 = 3_000.0;

#[derive(Debug, Clone, Default)]
struct Aircraft {
    even: Option<(Cpr, i64, bool)>,
    odd: Option<(Cpr, i64, bool)>,
    last: Option<(f64, f64, i64)>,
    /// Version and NIC supplements A and C from its operational status.
    status: Supplements,
    /// Latest NACp (TC 31, or TC 29 of version 2).
    nacp: Option<u8>,
}

/// What the tracker made of one message.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Tracked {
    /// An address recovered from parity that was never announced: the message is not used.
    UnknownAddress,
    /// A usable message, with the position resolved from it if it carried one and it decoded.
    Accepted {
        /// Latitude and longitude.
        position: Option<(f64, f64)>,
    },
    /// A position that decoded to an implausible place (impossible speed from the last one).
    Implausible,
}

/// Decoding state over all aircraft.
#[derive(Debug, Clone, Default)]
pub struct Tracker {
    aircraft: HashMap<u32, Aircraft>,
    announced: HashSet<u32>,
    receiver: Option<(f64, f64)>,
}

fn distance_m(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (la1, lo1, la2, lo2) = (
        a.0.to_radians(),
        a.1.to_radians(),
        b.0.to_radians(),
        b.1.to_radians(),
    );
    let h = ((la2 - la1) / 2.0).sin().powi(2)
        + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
    2.0 * 6_371_008.8 * h.sqrt().asin()
}

impl Tracker {
    /// A tracker; `receiver` is the receiver's position, the reference for surface positions and for
    /// airborne positions before any even/odd pair.
    pub fn new(receiver: Option<(f64, f64)>) -> Self {
        Tracker {
            receiver,
            ..Tracker::default()
        }
    }

    /// Number of aircraft with state.
    pub fn aircraft(&self) -> usize {
        self.aircraft.len()
    }

    /// The NIC of a position message given what its aircraft said of its version and supplements,
    /// and the aircraft's latest NACp: `(nic, nacp)`.
    pub fn integrity(&self, m: &Message) -> (Option<u8>, Option<u8>) {
        let aircraft = m.icao24.and_then(|a| self.aircraft.get(&a.0));
        let nacp = aircraft.and_then(|a| a.nacp);
        let Some(tc) = m.tc.filter(|_| m.cpr.is_some()) else {
            return (None, nacp);
        };
        let supplements = Supplements {
            b: m.nic_supplement_b.unwrap_or(false),
            ..aircraft.map(|a| a.status).unwrap_or_default()
        };
        (navigation_integrity(tc, supplements), nacp)
    }

    /// Takes one decoded message received at `t_ms`.
    pub fn update(&mut self, t_ms: i64, m: &Message) -> Tracked {
        let Some(addr) = m.icao24.map(|a| a.0) else {
            return Tracked::Accepted { position: None };
        };
        if m.address_from_parity {
            if !self.announced.contains(&addr) {
                return Tracked::UnknownAddress;
            }
        } else if m.df == 11 || m.df == 17 || m.df == 18 {
            self.announced.insert(addr);
        }
        if m.adsb_version.is_some() || m.nacp.is_some() {
            let a = self.aircraft.entry(addr).or_default();
            if let Some(version) = m.adsb_version {
                a.status.version = Some(version);
                a.status.a = m.nic_supplement_a.unwrap_or(false);
                if let Some(c) = m.nic_supplement_c {
                    a.status.c = c;
                }
            }
            if m.nacp.is_some() {
                a.nacp = m.nacp;
            }
        }
        let Some(cpr) = m.cpr else {
            return Tracked::Accepted { position: None };
        };
        let surface = m.is_surface_position();
        let receiver = self.receiver;
        let a = self.aircraft.entry(addr).or_default();
        let slot = (cpr, t_ms, surface);
        if cpr.odd {
            a.odd = Some(slot)
        } else {
            a.even = Some(slot)
        }
        let last = a.last.filter(|l| t_ms - l.2 <= REFERENCE_MS);
        let reference = last.map(|l| (l.0, l.1)).or(receiver);

        let mut candidate = None;
        if let (Some((e, te, se)), Some((o, to, so))) = (a.even, a.odd) {
            if se == surface && so == surface && (te - to).abs() <= PAIR_MS {
                candidate = if surface {
                    reference.and_then(|r| global_surface(e, o, cpr.odd, r))
                } else {
                    global_airborne(e, o, cpr.odd)
                };
            }
        }
        if candidate.is_none() {
            // Local decode: relative to the last position, or to the receiver for surface positions.
            let local_ref = last
                .map(|l| (l.0, l.1))
                .or(if surface { receiver } else { None });
            candidate = local_ref.map(|r| local(cpr, r, surface));
        }
        let Some(pos) = candidate else {
            return Tracked::Accepted { position: None };
        };
        if let Some((lat, lon, t)) = last {
            let max_kt = if surface {
                MAX_SURFACE_KT
            } else {
                MAX_AIRBORNE_KT
            };
            let allowed = max_kt * 1852.0 / 3600.0 * ((t_ms - t).abs() as f64 / 1000.0) + SLACK_M;
            if distance_m((lat, lon), pos) > allowed {
                return Tracked::Implausible;
            }
        }
        a.last = Some((pos.0, pos.1, t_ms));
        Tracked::Accepted {
            position: Some(pos),
        }
    }
}
