//! Which events a sink takes: by kind and by zone, written `kinds=enter,emergency;zones=EE,FI`
//! (either part optional; an absent part takes everything).

use nofly_model::{Event, EventKind};
use std::str::FromStr;

/// A sink's filter; the default takes every event.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventFilter {
    kinds: Vec<EventKind>,
    zones: Vec<String>,
}

impl EventFilter {
    /// Whether the sink takes `event`.
    pub fn passes(&self, event: &Event) -> bool {
        (self.kinds.is_empty() || self.kinds.contains(&event.kind))
            && (self.zones.is_empty() || self.zones.contains(&event.zone_id))
    }
}

impl FromStr for EventFilter {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        let mut filter = EventFilter::default();
        for part in text.split(';').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, values) = part
                .split_once('=')
                .ok_or_else(|| format!("{part:?}: expected kinds=… or zones=…"))?;
            let values = values.split(',').map(str::trim).filter(|v| !v.is_empty());
            match key.trim() {
                "kinds" => {
                    for v in values {
                        let kind = EventKind::from_name(v).ok_or_else(|| {
                            let known: Vec<&str> =
                                EventKind::ALL.iter().map(|k| k.as_str()).collect();
                            format!("unknown event kind {v:?}: use {}", known.join(", "))
                        })?;
                        filter.kinds.push(kind);
                    }
                }
                "zones" => filter.zones.extend(values.map(str::to_string)),
                other => return Err(format!("{other:?}: a filter has kinds=… and/or zones=…")),
            }
        }
        Ok(filter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_filters_by_kind_and_zone() {
        let f: EventFilter = "kinds=enter, emergency; zones=EE".parse().unwrap();
        assert_eq!(f.kinds, [EventKind::Enter, EventKind::Emergency]);
        assert_eq!(f.zones, ["EE"]);
        assert!("kinds=landing"
            .parse::<EventFilter>()
            .unwrap_err()
            .contains("unknown event kind"));
        assert!("speed=1".parse::<EventFilter>().is_err());
        assert_eq!("".parse::<EventFilter>().unwrap(), EventFilter::default());
    }
}
