//! Webhook templates: the HTTP headers and body a webhook sends for an event, so that nofly talks
//! to ntfy, Discord, Telegram, Slack, Mastodon or any HTTP API directly (examples in
//! `data/templates/`).
//!
//! A template file is headers, an empty line, then the body, like an HTTP message:
//!
//! ```text
//! Content-Type: application/json
//! Title: {{kind}} {{callsign}} in {{zone_name}}
//!
//! {"content": {{summary|json}}}
//! ```
//!
//! `{{field}}` is replaced by the event's field as text (a string as is, a number as JSON writes
//! it, null as nothing); `{{field|json}}` by its JSON value (a quoted, escaped string, or `null`),
//! for JSON bodies; `{{field|url}}` by its text percent-encoded, for URLs and form bodies. The
//! fields are those of the event's JSON (docs/semantics.md), `aircraft.registration` and the other
//! fields of who the aircraft is, `summary`: one line saying what happened, and `rules`: the alert
//! rules that matched. An unknown field or filter is refused with its line and column.

use serde_json::Value;

/// The fields a template may name besides the event's own.
/// Fields a payload has besides the event's own: `summary` (made from the event) and `rules`
/// (the alert rules that matched, added by a sink with rules; empty otherwise).
const DERIVED: &[&str] = &["summary", "rules"];

/// The fields of an event's `aircraft` object a template may name as `aircraft.<field>`.
pub const AIRCRAFT_FIELDS: &[&str] = &[
    "registration",
    "type",
    "description",
    "operator",
    "year",
    "country",
    "country_code",
    "military",
    "interesting",
    "pia",
    "ladd",
];

/// The fields of an event's JSON (docs/semantics.md), in the order it writes them.
pub const EVENT_FIELDS: &[&str] = &[
    "id",
    "kind",
    "time",
    "icao24",
    "callsign",
    "zone_id",
    "zone_name",
    "zone_version",
    "zone_set",
    "lat",
    "lon",
    "alt_ft",
    "alt_unknown",
    "on_ground",
    "source",
    "predicted",
    "exempt",
    "distance_m",
    "squawk",
    "nic",
    "nacp",
    "degraded",
    "cell",
    "same_instant",
    "aircraft",
    "gs_kt",
    "category",
];

/// A template that does not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}:{column}: {reason}")]
pub struct TemplateError {
    /// The template file.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column (characters).
    pub column: usize,
    /// What is wrong.
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Filter {
    Text,
    Json,
    Url,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Literal(String),
    Field(String, Filter),
}

/// A parsed webhook template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    headers: Vec<(String, Vec<Piece>)>,
    body: Vec<Piece>,
}

/// Splits one header value (or the body) into literals and fields; `line` and `column` (of its
/// first character, from 0) place errors.
fn pieces(
    text: &str,
    fields: &[String],
    file: &str,
    line: usize,
    column: usize,
) -> Result<Vec<Piece>, TemplateError> {
    let mut out = Vec::new();
    let mut rest = text;
    let mut consumed = 0;
    let err = |at: usize, reason: String| {
        let before = &text[..at];
        let newlines = before.matches('\n').count();
        let within = before.rsplit('\n').next().unwrap_or("").chars().count();
        let column = if newlines == 0 {
            column + within
        } else {
            within
        } + 1;
        TemplateError {
            file: file.into(),
            line: line + newlines,
            column,
            reason,
        }
    };
    while let Some(open) = rest.find("{{") {
        out.push(Piece::Literal(rest[..open].to_string()));
        let after = &rest[open + 2..];
        let close = after
            .find("}}")
            .ok_or_else(|| err(consumed + open, "a {{ without its }}".into()))?;
        let inner = after[..close].trim();
        let (name, filter) = match inner.split_once('|') {
            None => (inner, Filter::Text),
            Some((n, f)) => (
                n.trim(),
                match f.trim() {
                    "json" => Filter::Json,
                    "url" => Filter::Url,
                    other => {
                        return Err(err(
                            consumed + open,
                            format!("unknown filter {other:?}: json or url"),
                        ))
                    }
                },
            ),
        };
        let known = match name.split_once('.') {
            Some(("aircraft", sub)) => AIRCRAFT_FIELDS.contains(&sub),
            _ => fields.iter().any(|f| f == name),
        };
        if !known {
            return Err(err(
                consumed + open,
                format!(
                    "unknown field {name:?}; the fields are {}, and aircraft.{}",
                    fields.join(", "),
                    AIRCRAFT_FIELDS.join(", aircraft.")
                ),
            ));
        }
        out.push(Piece::Field(name.to_string(), filter));
        consumed += open + 2 + close + 2;
        rest = &after[close + 2..];
    }
    out.push(Piece::Literal(rest.to_string()));
    out.retain(|p| p != &Piece::Literal(String::new()));
    Ok(out)
}

impl Template {
    /// Reads a template whose fields are `event_fields` ([`EVENT_FIELDS`] for events) and
    /// `summary`; `file` names it in errors.
    pub fn parse(file: &str, text: &str, event_fields: &[&str]) -> Result<Self, TemplateError> {
        let fields: Vec<String> = event_fields
            .iter()
            .chain(DERIVED)
            .map(|f| f.to_string())
            .collect();
        let (head, body, body_line) = match text.find("\n\n") {
            Some(at) => (&text[..at], &text[at + 2..], text[..at].lines().count() + 2),
            None => ("", text, 1),
        };
        let mut headers = Vec::new();
        for (i, line) in head.lines().enumerate() {
            let (name, value) = line.split_once(':').ok_or_else(|| TemplateError {
                file: file.into(),
                line: i + 1,
                column: 1,
                reason: "a header line is `Name: value`; an empty line ends the headers".into(),
            })?;
            let name = name.trim();
            if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
                return Err(TemplateError {
                    file: file.into(),
                    line: i + 1,
                    column: 1,
                    reason: format!("{name:?} is not a header name"),
                });
            }
            let value = value.trim_start();
            let column = line.chars().count() - value.chars().count();
            headers.push((
                name.to_string(),
                pieces(value, &fields, file, i + 1, column)?,
            ));
        }
        let body = body.strip_suffix('\n').unwrap_or(body);
        Ok(Template {
            headers,
            body: pieces(body, &fields, file, body_line, 0)?,
        })
    }

    /// The headers and body for an event (its JSON).
    pub fn render(&self, event: &Value) -> (Vec<(String, String)>, String) {
        let headers = self
            .headers
            .iter()
            .map(|(n, v)| (n.clone(), fill(v, event).replace(['\r', '\n'], " ")))
            .collect();
        (headers, fill(&self.body, event))
    }
}

fn fill(pieces: &[Piece], event: &Value) -> String {
    let mut out = String::new();
    for p in pieces {
        match p {
            Piece::Literal(s) => out.push_str(s),
            Piece::Field(name, filter) => {
                let value = match name.split_once('.') {
                    _ if name == "summary" => Value::String(summary(event)),
                    Some((object, field)) => event[object][field].clone(),
                    None => event[name].clone(),
                };
                match filter {
                    Filter::Json => out.push_str(&value.to_string()),
                    Filter::Text => out.push_str(&text(&value)),
                    Filter::Url => out.push_str(&percent_encode(&text(&value))),
                }
            }
        }
    }
    out
}

fn text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Every byte but the unreserved characters of RFC 3986 percent-encoded.
fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// One line: `ENTER AFL1000 (424396) into Estonia (EE) at 2022-02-28T05:44:37.000Z, 35000 ft, 59.48800 N 24.66700 E`
/// (`out of` for an exit, `towards` for a predicted entry or closest approach, `in` otherwise).
pub fn summary(event: &Value) -> String {
    let kind = text(&event["kind"]).to_uppercase();
    let who = match (text(&event["callsign"]), text(&event["icao24"])) {
        (c, i) if !c.is_empty() => format!(" {c} ({i})"),
        (_, i) if !i.is_empty() => format!(" {i}"),
        _ => String::new(),
    };
    // Who the aircraft is, when the aircraft database or its address says anything telling.
    let aircraft = &event["aircraft"];
    let identity: Vec<String> = [text(&aircraft["registration"]), text(&aircraft["type"])]
        .into_iter()
        .filter(|t| !t.is_empty())
        .chain(
            aircraft["military"]
                .is_string()
                .then(|| "military".to_string()),
        )
        .collect();
    let who = if identity.is_empty() {
        who
    } else {
        format!("{who} [{}]", identity.join(" "))
    };
    let zone = match (text(&event["zone_name"]), text(&event["zone_id"])) {
        (n, i) if !n.is_empty() && n != i => format!("{n} ({i})"),
        (_, i) => i,
    };
    let alt = event["alt_ft"]
        .as_f64()
        .map(|a| format!(", {a:.0} ft"))
        .unwrap_or_default();
    let position = match (event["lat"].as_f64(), event["lon"].as_f64()) {
        (Some(lat), Some(lon)) => format!(
            ", {:.5} {} {:.5} {}",
            lat.abs(),
            if lat < 0.0 { 'S' } else { 'N' },
            lon.abs(),
            if lon < 0.0 { 'W' } else { 'E' }
        ),
        _ => String::new(),
    };
    let preposition = match event["kind"].as_str() {
        Some("enter") => "into",
        Some("exit") => "out of",
        Some("predicted_entry" | "closest_approach") => "towards",
        _ => "in",
    };
    format!(
        "{kind}{who} {preposition} {zone} at {}{alt}{position}",
        text(&event["time"])
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIELDS: &[&str] = &[
        "kind",
        "callsign",
        "icao24",
        "zone_id",
        "zone_name",
        "time",
        "alt_ft",
        "lat",
        "lon",
    ];

    fn event() -> Value {
        serde_json::json!({"kind": "enter", "callsign": "AFL1000", "icao24": "424396", "zone_id": "EE",
            "zone_name": "Estonia \"territory\"", "time": "2022-02-28T05:44:37.000Z", "alt_ft": 35000.0, "lat": 59.488, "lon": 24.667})
    }

    #[test]
    fn renders_text_json_and_url_fields_exactly() {
        let t = Template::parse(
            "t",
            "Content-Type: application/json\nTitle: {{kind}} {{callsign}}\n\n{\"text\": {{summary|json}}, \"q\": \"{{zone_name|url}}\", \"alt\": {{alt_ft}}, \"none\": {{squawk|json}}}\n",
            &[FIELDS, &["squawk"]].concat(),
        )
        .unwrap();
        let (headers, body) = t.render(&event());
        assert_eq!(
            headers,
            [
                ("Content-Type".to_string(), "application/json".to_string()),
                ("Title".into(), "enter AFL1000".into())
            ]
        );
        assert_eq!(
            body,
            r#"{"text": "ENTER AFL1000 (424396) into Estonia \"territory\" (EE) at 2022-02-28T05:44:37.000Z, 35000 ft, 59.48800 N 24.66700 E", "q": "Estonia%20%22territory%22", "alt": 35000.0, "none": null}"#
        );
    }

    #[test]
    fn errors_name_line_and_column() {
        let e =
            Template::parse("f.tmpl", "Title: ok\n\n{\n  \"a\": {{nope}}\n}", FIELDS).unwrap_err();
        assert_eq!((e.line, e.column), (4, 8), "{e}");
        assert!(
            e.to_string()
                .starts_with("f.tmpl:4:8: unknown field \"nope\""),
            "{e}"
        );
        let e = Template::parse("f", "Title: {{kind|upper}}\n\nx", FIELDS).unwrap_err();
        assert_eq!((e.line, e.column), (1, 8), "{e}");
        assert!(Template::parse("f", "no colon here\n\nx", FIELDS).is_err());
        assert!(Template::parse("f", "Bad Name: x\n\nx", FIELDS).is_err());
        let e = Template::parse("f", "X: y\n\nbody {{kind", FIELDS).unwrap_err();
        assert_eq!((e.line, e.column), (3, 6), "{e}");
    }

    #[test]
    fn who_the_aircraft_is_and_the_rules_that_matched() {
        let t = Template::parse(
            "t",
            "Title: {{aircraft.registration}} {{aircraft.type}} {{rules|json}}\n\n{{summary}}",
            FIELDS,
        )
        .unwrap();
        let mut event = event();
        event["aircraft"] = serde_json::json!({"registration": "RA-73191", "type": "A320", "military": "address_range"});
        event["rules"] = serde_json::json!(["aeroflot"]);
        let (headers, body) = t.render(&event);
        assert_eq!(headers[0].1, r#"RA-73191 A320 ["aeroflot"]"#);
        assert!(
            body.starts_with("ENTER AFL1000 (424396) [RA-73191 A320 military] into Estonia"),
            "{body}"
        );
        let e = Template::parse("t", "X: {{aircraft.colour}}\n\nx", FIELDS).unwrap_err();
        assert!(e.to_string().contains("aircraft.registration"), "{e}");
    }
}
