//! The rules: each turns what the engine knows of an aircraft into events of one family, with its
//! own per-aircraft state, in a file of its own.
//!
//! For each report the engine calls, in the order of [`RULES`]: every rule's
//! [`Rule::before_report`] (rules on the clock of everyone's data), then, once the report's shared
//! facts are on its [`Track`], every rule's [`Rule::on_report`], then, for a position, every
//! rule's [`Rule::on_position`] with the one zone lookup of that report, then every rule's
//! [`Rule::after_report`]. Events of one report therefore come in rule order. A new rule is a new
//! file here and one line in [`RULES`].

mod closest_approach;
mod dwell_stays;
mod emergency;
mod prediction;
mod signal_loss;
mod stays;

use crate::airspace::{Airspace, Remap};
use crate::placement::{Fix, Placement};
use crate::settings::Settings;
use crate::tracks::{AircraftId, Track, Tracks};
use nofly_model::{Altitude, Event, EventKind, Report};

/// Every rule, in the order their events come for one report; each makes itself from the settings
/// or stays out when they do not ask for it.
const RULES: [MakeRule; 6] = [
    make::<signal_loss::SignalLoss>,
    make::<stays::Stays>,
    make::<dwell_stays::DwellStays>,
    make::<prediction::Prediction>,
    make::<emergency::Emergency>,
    make::<closest_approach::ClosestApproach>,
];

/// The rules these settings ask for, in [`RULES`] order.
pub(crate) fn rules_for(settings: &Settings, airspace: &Airspace) -> Vec<Box<dyn Rule>> {
    RULES
        .iter()
        .filter_map(|make| make(settings, airspace))
        .collect()
}

type MakeRule = fn(&Settings, &Airspace) -> Option<Box<dyn Rule>>;

fn make<R: Rule + 'static>(settings: &Settings, airspace: &Airspace) -> Option<Box<dyn Rule>> {
    R::new(settings, airspace).map(|r| Box::new(r) as Box<dyn Rule>)
}

/// Where events go: counted by the engine, then handed to the caller.
pub(crate) type Emit<'a> = dyn FnMut(Event) + 'a;

/// The engine's view shared by every rule: the zones and the settings.
pub(crate) struct Context<'a> {
    pub(crate) airspace: &'a Airspace,
    pub(crate) settings: &'a Settings,
}

/// The aircraft a report is about.
pub(crate) struct Aircraft<'a> {
    pub(crate) id: AircraftId,
    pub(crate) track: &'a mut Track,
}

/// One rule of the engine. Every method has a default that does nothing, so a rule implements
/// only the moments it acts on.
pub(crate) trait Rule {
    /// The rule under these settings, or `None` when they do not ask for it.
    fn new(settings: &Settings, airspace: &Airspace) -> Option<Self>
    where
        Self: Sized;

    /// Before a report reaches its aircraft (even a late one), with every aircraft at hand.
    fn before_report(
        &mut self,
        _cx: &Context,
        _report: &Report,
        _tracks: &mut Tracks,
        _out: &mut Emit,
    ) {
    }

    /// Every report that is not late, after its shared facts (time, callsign, code) are taken.
    fn on_report(&mut self, _cx: &Context, _aircraft: &mut Aircraft, _report: &Report) {}

    /// A position report, judged against the zones once for all rules.
    fn on_position(
        &mut self,
        _cx: &Context,
        _aircraft: &mut Aircraft,
        _place: &mut Placement,
        _out: &mut Emit,
    ) {
    }

    /// Every report that is not late, after every rule's `on_position`.
    fn after_report(&mut self, _cx: &Context, _aircraft: &mut Aircraft) {}

    /// The end of a recording, with every aircraft at hand.
    fn finish(&mut self, _cx: &Context, _tracks: &mut Tracks, _out: &mut Emit) {}

    /// The zone set is about to be replaced (`cx` still has the old zones): make the events of
    /// what the change ends, naming the zones as they were, to raise with the next report.
    fn zones_replacing(&mut self, _cx: &Context, _remap: &Remap, _tracks: &mut Tracks) {}

    /// The zone set was replaced: zone indices held move as `remap` says (gone when `None`).
    fn zones_replaced(&mut self, _airspace: &Airspace, _remap: &Remap) {}
}

impl Context<'_> {
    /// An event of kind `kind` of the aircraft in zone `z` at `at`, numbered among the aircraft's
    /// events at that instant in that zone, marked exempt as the settings and the zone say.
    pub(crate) fn event(&self, kind: EventKind, z: u32, track: &mut Track, at: &Fix) -> Event {
        let zone = self.airspace.zone(z);
        let same_instant = track.number_event(at.time, &zone.id);
        let callsign = track.callsign.map(|c| c.to_string());
        let exempt = [&self.settings.exemptions, &zone.exempt]
            .iter()
            .any(|e| e.covers(at.icao, callsign.as_deref(), track.squawk));
        Event {
            id: Event::derive_id(
                kind,
                at.time,
                Some(at.icao),
                &zone.id,
                &zone.version,
                same_instant,
            ),
            kind,
            time: at.time,
            icao24: Some(at.icao),
            callsign: track.callsign,
            zone_id: zone.id.clone(),
            zone_name: zone.name.clone(),
            zone_version: zone.version.clone(),
            zone_set: self.airspace.zone_set().to_string(),
            lat: at.lat,
            lon: at.lon,
            alt_ft: at.alt_ft,
            alt_unknown: false,
            on_ground: at.on_ground,
            source: at.source,
            predicted: None,
            exempt,
            distance_m: None,
            squawk: None,
            nic: at.nic,
            nacp: at.nacp,
            degraded: nofly_model::integrity::is_degraded(
                at.nic,
                at.nacp,
                nofly_model::integrity::IntegrityThresholds::default(),
            ) == Some(true),
            cell: None,
            same_instant,
        }
    }

    /// [`Context::event`] judged at a report's altitude: flagged when the zone's band needs an
    /// altitude the report lacks.
    pub(crate) fn judged_event(
        &self,
        kind: EventKind,
        z: u32,
        track: &mut Track,
        at: &Fix,
        altitude: &Altitude,
    ) -> Event {
        let mut event = self.event(kind, z, track, at);
        event.alt_unknown = self
            .airspace
            .zone(z)
            .band
            .lacks_altitude(altitude, self.settings.altitude);
        event
    }
}
