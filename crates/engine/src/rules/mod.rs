//! The rules: each turns what the engine knows of an aircraft into events of one family, with its
//! own per-aircraft state, in a file of its own.
//!
//! For each report the engine calls, in the order of the `rules!` list: every rule's
//! [`Rule::before_report`] (rules on the clock of everyone's data), then, once the report's shared
//! facts are on its [`Track`], every rule's [`Rule::on_report`], then, for a position, every
//! rule's [`Rule::on_position`] with the one zone lookup of that report, then every rule's
//! [`Rule::after_report`]. Events of one report therefore come in rule order. A new rule is a new
//! file here and one line in the `rules!` list below.

use crate::airspace::{Airspace, Remap};
use crate::placement::{Fix, Placement};
use crate::saved_state::StateError;
use crate::settings::Settings;
use crate::tracks::{AircraftId, Track, Tracks};
use nofly_model::{Altitude, Event, EventKind, Report};

/// Declares the rules, in the order their events come for one report: each is the module of that
/// name and the type it holds. The set of rules is a struct with one optional field per rule, and
/// each moment calls the rules in order directly: the compiler inlines each rule's work and drops
/// the moments a rule does not act on (`ACTS`). Through a list of `dyn Rule` the engine spent 68 %
/// more instructions per report on the Kaliningrad sample (bench/RESULTS.md).
macro_rules! rules {
    ($($module:ident :: $rule:ident),* $(,)?) => {
        $(mod $module;)*

        /// The rules some settings ask for: each field is `None` when they do not.
        pub(crate) struct RuleSet {
            $($module: Option<$module::$rule>,)*
        }

        impl RuleSet {
            /// The rules these settings ask for.
            pub(crate) fn new(settings: &Settings, airspace: &Airspace) -> Self {
                RuleSet {
                    $($module: <$module::$rule as Rule>::new(settings, airspace),)*
                }
            }

            /// How many rules run.
            #[cfg(test)]
            pub(crate) fn len(&self) -> usize {
                0 $(+ usize::from(self.$module.is_some()))*
            }

            /// Every rule's [`Rule::before_report`], in order.
            #[inline]
            pub(crate) fn before_report(&mut self, cx: &Context, report: &Report, tracks: &mut Tracks, out: &mut Emit) {
                $(
                    if <$module::$rule as Rule>::ACTS.before_report {
                        if let Some(r) = &mut self.$module {
                            r.before_report(cx, report, tracks, out);
                        }
                    }
                )*
            }

            /// Every rule's [`Rule::on_report`], in order.
            #[inline]
            pub(crate) fn on_report(&mut self, cx: &Context, aircraft: &mut Aircraft, report: &Report) {
                $(
                    if <$module::$rule as Rule>::ACTS.on_report {
                        if let Some(r) = &mut self.$module {
                            r.on_report(cx, aircraft, report);
                        }
                    }
                )*
            }

            /// Every rule's [`Rule::on_position`], in order.
            #[inline]
            pub(crate) fn on_position(&mut self, cx: &Context, aircraft: &mut Aircraft, place: &mut Placement, out: &mut Emit) {
                $(
                    if <$module::$rule as Rule>::ACTS.on_position {
                        if let Some(r) = &mut self.$module {
                            r.on_position(cx, aircraft, place, out);
                        }
                    }
                )*
            }

            /// Every rule's [`Rule::after_report`], in order.
            #[inline]
            pub(crate) fn after_report(&mut self, cx: &Context, aircraft: &mut Aircraft) {
                $(
                    if <$module::$rule as Rule>::ACTS.after_report {
                        if let Some(r) = &mut self.$module {
                            r.after_report(cx, aircraft);
                        }
                    }
                )*
            }

            /// Every rule's [`Rule::finish`], in order.
            pub(crate) fn finish(&mut self, cx: &Context, tracks: &mut Tracks, out: &mut Emit) {
                $(
                    if let Some(r) = &mut self.$module {
                        r.finish(cx, tracks, out);
                    }
                )*
            }

            /// Every rule's [`Rule::zones_replacing`], in order.
            pub(crate) fn zones_replacing(&mut self, cx: &Context, remap: &Remap, tracks: &mut Tracks) {
                $(
                    if let Some(r) = &mut self.$module {
                        r.zones_replacing(cx, remap, tracks);
                    }
                )*
            }

            /// Every rule's [`Rule::save`], in order (nothing for a rule not running).
            pub(crate) fn save(&self) -> Result<Vec<Vec<u8>>, StateError> {
                Ok(vec![$(
                    match &self.$module {
                        Some(r) => r.save()?,
                        None => Vec::new(),
                    },
                )*])
            }

            /// Every rule's [`Rule::restore`] from what [`RuleSet::save`] gave.
            pub(crate) fn restore(&mut self, saved: &[Vec<u8>]) -> Result<(), StateError> {
                let mut saved = saved.iter();
                $(
                    let mine = saved.next().ok_or_else(|| StateError::new("fewer rules than run"))?;
                    if let Some(r) = &mut self.$module {
                        r.restore(mine)?;
                    }
                )*
                match saved.next() {
                    Some(_) => Err(StateError::new("more rules than run")),
                    None => Ok(()),
                }
            }

            /// Every rule's [`Rule::zones_replaced`], in order.
            pub(crate) fn zones_replaced(&mut self, airspace: &Airspace, remap: &Remap) {
                $(
                    if let Some(r) = &mut self.$module {
                        r.zones_replaced(airspace, remap);
                    }
                )*
            }
        }
    };
}

// Every rule, in the order their events come for one report; each makes itself from the settings
// or stays out when they do not ask for it.
rules! {
    signal_loss::SignalLoss,
    stays::Stays,
    dwell_stays::DwellStays,
    prediction::Prediction,
    emergency::Emergency,
    closest_approach::ClosestApproach,
}

/// The per-report moments a rule acts on: those of its [`Rule`] methods it implements.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Moments {
    pub(crate) before_report: bool,
    pub(crate) on_report: bool,
    pub(crate) on_position: bool,
    pub(crate) after_report: bool,
}

impl Moments {
    /// No moment: what a rule's `ACTS` starts from.
    pub(crate) const NONE: Moments = Moments {
        before_report: false,
        on_report: false,
        on_position: false,
        after_report: false,
    };
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

/// One rule of the engine. Every method but `new` has a default that does nothing, so a rule
/// implements only the moments it acts on, and names the per-report ones in `ACTS`.
pub(crate) trait Rule {
    /// The per-report methods this rule implements (the others are not called).
    const ACTS: Moments;

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

    /// What the rule remembers of every aircraft, saved between two reports (a replay's
    /// checkpoint, [`crate::Engine::save_state`]); a rule that remembers nothing saves nothing.
    fn save(&self) -> Result<Vec<u8>, StateError> {
        Ok(Vec::new())
    }

    /// Takes back what [`Rule::save`] gave, into the rule made by `new` from the same settings.
    fn restore(&mut self, _saved: &[u8]) -> Result<(), StateError> {
        Ok(())
    }
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
            position_source: at.position_source,
            sensor: at.sensor,
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
            position_dispute: None,
            cell: None,
            same_instant,
            aircraft: None,
            gs_kt: None,
            category: None,
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
