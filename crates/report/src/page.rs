//! The report page: header, summary, map, timeline, aircraft (identity and altitude profile),
//! zones, evidence with how to verify it, and the run that found it all. Every time shown is the
//! data's, in UTC: the same finding renders to the same bytes.

use crate::profile::thousands;
use crate::{map, profile, Finding};
use base64::Engine as _;
use nofly_model::{AircraftIdentity, Event, EventKind, EventTime, MilitarySource, Zone};
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::fmt::Write;

/// Text made safe for HTML.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `HH:MM:SS` of a time in milliseconds.
pub fn hhmm(t_ms: i64) -> String {
    let text = EventTime::from_millis(t_ms).to_rfc3339();
    text.get(11..19).unwrap_or(&text).to_string()
}

/// `2022-02-28 05:44:37 UTC`.
fn when(time: EventTime) -> String {
    let text = time.to_rfc3339();
    match (text.get(..10), text.get(11..19)) {
        (Some(day), Some(clock)) => format!("{day} {clock} UTC"),
        _ => text,
    }
}

/// What an event kind means, in words.
fn kind_words(kind: EventKind) -> &'static str {
    match kind {
        EventKind::Enter => "entered",
        EventKind::Exit => "left",
        EventKind::PredictedEntry => "predicted to enter",
        EventKind::PredictionCleared => "prediction cleared",
        EventKind::SignalLost => "signal lost inside",
        EventKind::SignalRegained => "signal regained",
        EventKind::Emergency => "emergency squawk",
        EventKind::ClosestApproach => "closest approach to",
        EventKind::InterferenceStart => "GNSS interference began in",
        EventKind::InterferenceEnd => "GNSS interference ended in",
    }
}

/// `59.7376° N, 24.3575° E` (four decimals: about 10 m).
fn position(lat: f64, lon: f64) -> String {
    format!(
        "{:.4}° {}, {:.4}° {}",
        lat.abs(),
        if lat >= 0.0 { 'N' } else { 'S' },
        lon.abs(),
        if lon >= 0.0 { 'E' } else { 'W' }
    )
}

/// `36,025 ft (FL360)`, `on the ground`, `unknown`.
fn altitude(e: &Event) -> String {
    match e.alt_ft {
        _ if e.on_ground => "on the ground".into(),
        Some(ft) => format!(
            "{} ft (FL{:03.0})",
            thousands(ft),
            (ft / 100.0).round().max(0.0)
        ),
        None => "unknown".into(),
    }
}

const STYLE: &str = "body{font:14px/1.45 system-ui,sans-serif;color:#1d232b;max-width:1000px;margin:24px auto;padding:0 16px}\
h1{font-size:22px;margin:0}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ccd;padding-bottom:4px}\
.sub{color:#555;margin:4px 0 16px}table{border-collapse:collapse;width:100%;margin:8px 0}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #e3e5ea;vertical-align:top}\
th{background:#f2f4f7;font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums}.n{display:inline-block;min-width:20px;border-radius:10px;color:#fff;text-align:center;font-weight:600}\
svg{max-width:100%;height:auto;display:block;border:1px solid #ccd}svg .label{font:600 12px system-ui,sans-serif}svg .marker{font:700 10px system-ui,sans-serif;fill:#fff}svg .axis{font:11px system-ui,sans-serif;fill:#555}\
code,pre{font:12px ui-monospace,monospace;background:#f2f4f7;padding:1px 4px;word-break:break-all}pre{padding:8px;white-space:pre-wrap;word-break:break-all}\
.mil{color:#b3261e;font-weight:600}.note{color:#555;font-size:12px}a.button{display:inline-block;padding:6px 12px;background:#10223d;color:#fff;text-decoration:none;border-radius:4px}\
@media print{body{margin:0;max-width:none}h2{break-after:avoid}svg,table{break-inside:avoid}a.button{display:none}}";

/// The whole page.
pub fn html(f: &Finding) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title><style>{STYLE}</style></head><body>\n<h1>{}</h1><p class=\"sub\">{}</p>\n",
        escape(&f.title),
        escape(&f.title),
        escape(&f.subtitle)
    );
    summary(&mut out, f);
    if !f.tracks.is_empty() || !f.events.is_empty() {
        out.push_str("<h2>Map</h2>\n");
        out.push_str(&map::svg(f, 960.0));
        out.push_str("<p class=\"note\">Numbered markers are the events of the timeline. Zone edges are drawn as the zone file defines them (straight in longitude and latitude; circles geodesic).</p>\n");
    }
    timeline(&mut out, f);
    aircraft(&mut out, f);
    zones(&mut out, f);
    evidence(&mut out, f);
    run(&mut out, f);
    out.push_str("</body></html>\n");
    out
}

fn summary(out: &mut String, f: &Finding) {
    let aircraft: BTreeSet<String> = f
        .events
        .iter()
        .filter_map(|e| e.icao24.map(|a| a.to_string()))
        .collect();
    let zones: BTreeSet<&str> = f.events.iter().map(|e| e.zone_name.as_str()).collect();
    let entries = f
        .events
        .iter()
        .filter(|e| e.kind == EventKind::Enter)
        .count();
    let span = match (f.events.first(), f.events.last()) {
        (Some(a), Some(b)) => format!(" between {} and {}", when(a.time), when(b.time)),
        _ => String::new(),
    };
    let _ = writeln!(
        out,
        "<p><strong>{} event(s)</strong>, {entries} of them entries, by {} aircraft in {} zone(s){span}.</p>",
        f.events.len(),
        aircraft.len(),
        zones.len()
    );
}

fn timeline(out: &mut String, f: &Finding) {
    out.push_str("<h2>Timeline</h2>\n");
    if f.events.is_empty() {
        out.push_str("<p>No events.</p>\n");
        return;
    }
    out.push_str("<table class=\"timeline\"><tr><th>#</th><th>time (UTC)</th><th>aircraft</th><th>what</th><th>zone</th><th>position</th><th>altitude</th><th>speed</th><th>integrity</th></tr>\n");
    for (n, e) in f.events.iter().enumerate() {
        let who = match (&e.callsign, e.icao24) {
            (Some(c), Some(a)) => format!("{} <code>{a}</code>", escape(c.as_str())),
            (None, Some(a)) => format!("<code>{a}</code>"),
            _ => "(area)".into(),
        };
        let mut what = kind_words(e.kind).to_string();
        if let Some(p) = &e.predicted {
            let _ = write!(what, " at {}", hhmm(p.predicted_time.millis()));
        }
        if let Some(d) = e.distance_m {
            let _ = write!(what, " ({:.1} km)", d / 1000.0);
        }
        if let Some(s) = &e.squawk {
            let _ = write!(what, " {s}");
        }
        let integrity = match (e.nic, e.nacp) {
            (None, None) => "–".to_string(),
            (nic, nacp) => format!(
                "NIC {} · NACp {}{}",
                nic.map_or("–".into(), |v| v.to_string()),
                nacp.map_or("–".into(), |v| v.to_string()),
                if e.degraded {
                    " <strong>degraded</strong>"
                } else {
                    ""
                }
            ),
        };
        let _ = writeln!(
            out,
            "<tr><td><span class=\"n\" style=\"background:{}\">{}</span></td><td>{}</td><td>{who}</td><td>{}</td><td>{} <code>{}</code></td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{integrity}</td></tr>",
            map::event_colour(e.kind.as_str()),
            n + 1,
            when(e.time),
            escape(&what),
            escape(&e.zone_name),
            escape(&e.zone_id),
            position(e.lat, e.lon),
            altitude(e),
            e.gs_kt.map_or("–".into(), |v| format!("{v:.0} kt")),
        );
    }
    out.push_str("</table>\n<p class=\"note\">Event ids, zone versions and source records are in the evidence bundle and the events file; positions are rounded to four decimals (about 10 m) here.</p>\n");
}

fn identity_rows(who: &AircraftIdentity) -> String {
    let mut rows = String::new();
    let mut row = |name: &str, value: String| {
        let _ = write!(rows, "<tr><th>{name}</th><td>{value}</td></tr>");
    };
    if let Some(r) = &who.registration {
        row("registration", escape(r));
    }
    match (&who.type_code, &who.description) {
        (Some(t), Some(d)) => row("type", format!("{} <code>{}</code>", escape(d), escape(t))),
        (Some(t), None) => row("type", format!("<code>{}</code>", escape(t))),
        (None, Some(d)) => row("type", escape(d)),
        _ => {}
    }
    if let Some(o) = &who.operator {
        row("operator", escape(o));
    }
    if let Some(y) = who.year {
        row("built", y.to_string());
    }
    if let Some(c) = &who.country {
        row(
            "address block of",
            format!(
                "{} (the state ICAO allocated the 24-bit address to; territories registering under it, such as Bermuda for the United Kingdom, share its block)",
                escape(c)
            ),
        );
    }
    match who.military {
        Some(MilitarySource::Database) => row("military", "<span class=\"mil\">yes</span> (aircraft database)".into()),
        Some(MilitarySource::AddressRange) => row("military", "<span class=\"mil\">probably</span> (address in a military block; no database record says so)".into()),
        None => {}
    }
    let flags: Vec<&str> = [
        (who.interesting, "interesting"),
        (who.pia, "privacy address (PIA)"),
        (who.ladd, "LADD: owner asked not to be displayed"),
    ]
    .iter()
    .filter(|(on, _)| *on)
    .map(|(_, name)| *name)
    .collect();
    if !flags.is_empty() {
        row("flags", flags.join(", "));
    }
    rows
}

fn aircraft(out: &mut String, f: &Finding) {
    if f.tracks.is_empty() {
        return;
    }
    out.push_str("<h2>Aircraft</h2>\n");
    for track in f.tracks.iter().take(12) {
        let events: Vec<(usize, &Event)> = f
            .events
            .iter()
            .enumerate()
            .filter(|(_, e)| e.icao24.is_some_and(|a| a.to_string() == track.icao24))
            .map(|(i, e)| (i + 1, e))
            .collect();
        let _ = writeln!(
            out,
            "<h3>{} <code>{}</code></h3>",
            escape(track.label()),
            escape(&track.icao24)
        );
        let who = events.iter().find_map(|(_, e)| e.aircraft.as_ref());
        let category = events.iter().rev().find_map(|(_, e)| e.category);
        let rows = who.map(identity_rows).unwrap_or_default()
            + &category.map_or(String::new(), |c| {
                format!("<tr><th>emitter category</th><td>{c} (what its transponder says it is)</td></tr>")
            });
        match Some(rows).filter(|r| !r.is_empty()) {
            Some(rows) => {
                let _ = writeln!(out, "<table class=\"identity\">{rows}</table>");
            }
            None => out.push_str("<p class=\"note\">Nothing is known of who this aircraft is (no aircraft database record; its address is in no allocated block).</p>\n"),
        }
        let named: BTreeSet<&str> = events.iter().map(|(_, e)| e.zone_id.as_str()).collect();
        let zones: Vec<&Zone> = f
            .zones
            .iter()
            .filter(|z| named.contains(z.id.as_str()))
            .collect();
        out.push_str(&profile::svg(track, &events, &zones, 960.0, 260.0));
        let _ = writeln!(
            out,
            "<p class=\"note\">Barometric altitude of {} positions; shaded: the vertical band of each zone named (darker from entry to exit).</p>",
            track.points.len()
        );
    }
    if f.tracks.len() > 12 {
        let _ = writeln!(
            out,
            "<p class=\"note\">{} more aircraft are on the map and in the timeline.</p>",
            f.tracks.len() - 12
        );
    }
}

fn zones(out: &mut String, f: &Finding) {
    if f.zones.is_empty() {
        return;
    }
    out.push_str("<h2>Zones</h2>\n<table><tr><th>zone</th><th>kind</th><th>vertical band</th><th>active</th><th>version</th></tr>\n");
    for z in &f.zones {
        let active = if z.active.is_empty() {
            "always".to_string()
        } else {
            z.active
                .iter()
                .map(|i| {
                    format!(
                        "{} – {}{}",
                        i.from.map_or("…".into(), when),
                        i.to.map_or("…".into(), when),
                        if i.schedule.is_empty() {
                            ""
                        } else {
                            " (weekly schedule)"
                        }
                    )
                })
                .collect::<Vec<_>>()
                .join("<br>")
        };
        let _ = writeln!(
            out,
            "<tr><td>{} <code>{}</code></td><td><span style=\"color:{}\">■</span> {}</td><td>{} to {}</td><td>{active}</td><td><code>{}</code></td></tr>",
            escape(&z.name),
            escape(&z.id),
            map::kind_colour(z.kind.as_str()),
            z.kind,
            z.band.lower,
            z.band.upper,
            escape(&z.version)
        );
    }
    out.push_str("</table>\n");
}

fn evidence(out: &mut String, f: &Finding) {
    out.push_str("<h2>Evidence and how to check it</h2>\n");
    let Some(bundle) = &f.evidence else {
        out.push_str("<p>No evidence bundle was attached to this report. With a signed evidence log (<code>--evidence-log</code>), <code>nofly evidence EVENT_ID</code> makes one for any event.</p>\n");
        return;
    };
    let sha = hex::encode(Sha256::digest(&bundle.bytes));
    let _ = writeln!(
        out,
        "<p><a class=\"button\" download=\"{}\" href=\"data:application/json;base64,{}\">Download {}</a> ({} bytes, SHA-256 <code>{sha}</code>)</p>",
        escape(&bundle.file_name),
        base64::engine::general_purpose::STANDARD.encode(&bundle.bytes),
        escape(&bundle.file_name),
        bundle.bytes.len()
    );
    let _ = writeln!(
        out,
        "<p>Anyone can check it without trusting whoever made this report:</p><pre>{}</pre>\
<ol><li>the signature of the log's checkpoint (Ed25519, a C2SP signed note) and, with a trust policy, the witnesses' cosignatures;</li>\
<li>that the event, the zone definition and the run are entries of that log (RFC 6962 inclusion proofs);</li>\
<li>the time-stamps, when the log has them, which bound when the evidence existed;</li>\
<li>that the raw receiver records in the bundle, decoded and run through the same detection, give this very event.</li></ol>\
<p class=\"note\">The bundle's format is published (docs/evidence.md in nofly) so that it can be checked with tools nofly did not write: Go's <code>golang.org/x/mod/sumdb/note</code> and <code>tlog</code> read its checkpoint and proofs. Who the aircraft is comes from the address and an aircraft database: it is an annotation, not proven by the records.</p>",
        escape(&bundle.verify_command)
    );
}

fn run(out: &mut String, f: &Finding) {
    out.push_str("<h2>How this was found</h2>\n<table>");
    let _ = write!(
        out,
        "<tr><th>program</th><td>nofly {}</td></tr>",
        escape(&f.run.program_version)
    );
    if !f.run.zone_set.is_empty() {
        let _ = write!(
            out,
            "<tr><th>zone set</th><td><code>{}</code></td></tr>",
            escape(&f.run.zone_set)
        );
    }
    for (path, format, sha) in &f.run.inputs {
        let _ = write!(
            out,
            "<tr><th>input</th><td><code>{}</code> ({}), SHA-256 <code>{}</code></td></tr>",
            escape(path),
            escape(format),
            escape(sha)
        );
    }
    if !f.run.command.is_empty() {
        let _ = write!(
            out,
            "<tr><th>re-run with</th><td><code>{}</code></td></tr>",
            escape(&f.run.command)
        );
    }
    if !f.run.settings.is_empty() {
        let _ = write!(
            out,
            "<tr><th>settings</th><td><code>{}</code></td></tr>",
            escape(&f.run.settings)
        );
    }
    out.push_str("</table>\n");
    for a in &f.run.attribution {
        let _ = writeln!(out, "<p class=\"note\">Data: {}</p>", escape(a));
    }
    if f.basemap.is_some() {
        out.push_str("<p class=\"note\">Basemap: Natural Earth (public domain).</p>\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_read_as_a_person_writes_them() {
        assert_eq!(
            position(59.737554000595864, 24.35754184065194),
            "59.7376° N, 24.3575° E"
        );
        assert_eq!(position(-33.9, -151.2), "33.9000° S, 151.2000° W");
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        assert_eq!(hhmm(1_646_027_077_000), "05:44:37");
        assert_eq!(
            when(EventTime::from_millis(1_646_027_077_000)),
            "2022-02-28 05:44:37 UTC"
        );
    }
}
