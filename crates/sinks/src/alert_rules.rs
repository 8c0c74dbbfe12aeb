//! Alert rules: a small file of named rules, each a set of [`EventFilter`] conditions, a
//! cooldown of its own and the alert sinks it sends to. With rules, an alert sink (webhook,
//! NATS, MQTT, CoT) takes an event only when a rule naming it matches, and the payload says
//! which rules matched (`"rules": [...]`).
//!
//! ```text
//! # military aircraft heading into Estonia: to the phone and to TAK
//! [military-estonia]
//! kinds = enter, predicted_entry
//! zones = EE
//! military = yes
//! cooldown = 900
//! send = webhook, cot
//!
//! [watchlist]
//! watchlist = /etc/nofly/plane-alert-db.csv
//! ```
//!
//! A rule is a `[name]` line (letters, digits, `-`, `_`, `.`) followed by `condition = values`
//! lines, one condition each, with the conditions and values of a filter
//! ([`EventFilter::add_condition`]) plus `send` (which alert sinks: `webhook`, `nats`, `mqtt`,
//! `cot`; all of them when left out). `#` starts a comment line. Every error names the file,
//! the line and the field; a file with any error is refused whole.

use crate::EventFilter;
use nofly_model::Event;

/// The alert sinks a rule can send to.
pub const ALERT_SINKS: &[&str] = &["webhook", "nats", "mqtt", "cot"];

/// One named rule.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertRule {
    /// Its name, as the payload's `rules` lists it.
    pub name: String,
    /// Its conditions and cooldown.
    pub filter: EventFilter,
    /// The alert sinks it sends to; empty for all.
    pub send: Vec<String>,
    /// The line its `[name]` is on.
    pub line: usize,
}

/// A rule file's rules, in file order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AlertRules {
    /// The rules.
    pub rules: Vec<AlertRule>,
}

impl AlertRule {
    /// Whether this rule sends to the sink named `sink`.
    pub fn sends_to(&self, sink: &str) -> bool {
        self.send.is_empty() || self.send.iter().any(|s| s == sink)
    }
}

impl AlertRules {
    /// Reads a rule file's `text`; `file` names it in errors, which are `file:line: field: what`.
    pub fn parse(file: &str, text: &str) -> Result<AlertRules, String> {
        let mut rules: Vec<AlertRule> = Vec::new();
        for (n, raw) in text.lines().enumerate() {
            let line = raw.trim();
            let at = n + 1;
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(name) = line.strip_prefix('[') {
                let name = name
                    .strip_suffix(']')
                    .ok_or_else(|| format!("{file}:{at}: a rule starts with a line [name]"))?;
                let name = name.trim();
                if name.is_empty()
                    || !name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
                {
                    return Err(format!(
                        "{file}:{at}: rule name {name:?}: letters, digits, -, _ and . only"
                    ));
                }
                if let Some(earlier) = rules.iter().find(|r| r.name == name) {
                    return Err(format!(
                        "{file}:{at}: rule name {name:?} is already used on line {}",
                        earlier.line
                    ));
                }
                rules.push(AlertRule {
                    name: name.to_string(),
                    filter: EventFilter::default(),
                    send: Vec::new(),
                    line: at,
                });
                continue;
            }
            let (key, values) = line.split_once('=').ok_or_else(|| {
                format!("{file}:{at}: a condition is `name = values` (or a rule's [name] line)")
            })?;
            let key = key.trim();
            let rule = rules.last_mut().ok_or_else(|| {
                format!("{file}:{at}: {key}: the condition comes before any [rule] line")
            })?;
            if key == "send" {
                for sink in values.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                    if !ALERT_SINKS.contains(&sink) {
                        return Err(format!(
                            "{file}:{at}: send: {sink:?} is not an alert sink ({})",
                            ALERT_SINKS.join(", ")
                        ));
                    }
                    rule.send.push(sink.to_string());
                }
                continue;
            }
            rule.filter
                .add_condition(key, values.trim())
                .map_err(|e| format!("{file}:{at}: {e}"))?;
        }
        Ok(AlertRules { rules })
    }

    /// The rules that send to `sink` and match `event` (their cooldowns aside), in file order.
    pub fn matching<'a>(
        &'a self,
        sink: &'a str,
        event: &'a Event,
    ) -> impl Iterator<Item = &'a AlertRule> + 'a {
        self.rules
            .iter()
            .filter(move |r| r.sends_to(sink) && r.filter.passes(event))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULES: &str = "\
# a comment
[military-estonia]
kinds = enter, predicted_entry
zones = EE
military = yes
cooldown = 900
send = webhook, cot

[aeroflot]
callsign = AFL*
";

    #[test]
    fn rules_read_with_their_conditions_and_sinks() {
        let rules = AlertRules::parse("rules.txt", RULES).unwrap();
        let names: Vec<&str> = rules.rules.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["military-estonia", "aeroflot"]);
        assert_eq!(rules.rules[0].line, 2);
        assert_eq!(rules.rules[0].filter.cooldown_ms(), Some(900_000));
        assert!(rules.rules[0].sends_to("cot") && !rules.rules[0].sends_to("mqtt"));
        assert!(rules.rules[1].sends_to("mqtt"));
    }

    #[test]
    fn every_error_names_file_line_and_field() {
        let cases = [
            (
                "[a]\nsquawk = 7800\n",
                "r:2: squawk: \"7800\" is not a Mode A code",
            ),
            (
                "[a]\nmilitary = maybe\n",
                "r:2: military: \"maybe\" is yes or no",
            ),
            (
                "[a]\nsend = email\n",
                "r:2: send: \"email\" is not an alert sink",
            ),
            (
                "kinds = enter\n",
                "r:1: kinds: the condition comes before any [rule] line",
            ),
            (
                "[a]\n[a]\n",
                "r:2: rule name \"a\" is already used on line 1",
            ),
            ("[a b]\n", "r:1: rule name \"a b\": letters"),
            ("[a\n", "r:1: a rule starts with a line [name]"),
            ("[a]\nkinds enter\n", "r:2: a condition is `name = values`"),
            (
                "[a]\n\n# x\nspeed = 1\n",
                "r:4: \"speed\": the conditions are",
            ),
            ("[a]\ngs_kt = 300..200\n", "r:2: gs_kt: 300 is above 200"),
            (
                "[a]\ncountry = Russia\n",
                "r:2: country: \"Russia\" is not an ISO 3166-1",
            ),
        ];
        for (text, expected) in cases {
            let error = AlertRules::parse("r", text).unwrap_err();
            assert!(error.starts_with(expected), "{text:?}: {error}");
        }
    }
}
