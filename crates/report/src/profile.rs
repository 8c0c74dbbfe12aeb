//! An aircraft's altitude profile against the vertical bands of the zones its events name, as
//! inline SVG: each band drawn lightly over the whole time axis (the band alone says nothing of
//! where the aircraft was) and darker from each ENTER to its EXIT, where the events say the
//! aircraft was inside; the numbered event markers of the timeline on the time axis.

use crate::map::{event_colour, kind_colour};
use crate::page::{escape, hhmm};
use crate::Track;
use nofly_model::{Event, EventKind, Limit, Zone};
use std::fmt::Write;

const LEFT: f64 = 64.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 14.0;
const BOTTOM: f64 = 30.0;

/// The profile of `track`, `width` × `height` pixels. `events` are (number, event) of this
/// aircraft; `zones` the zones they name.
pub fn svg(
    track: &Track,
    events: &[(usize, &Event)],
    zones: &[&Zone],
    width: f64,
    height: f64,
) -> String {
    let times = track
        .points
        .iter()
        .map(|p| p.t_ms)
        .chain(events.iter().map(|(_, e)| e.time.millis()));
    let (t0, t1) = times.fold((i64::MAX, i64::MIN), |(a, b), t| (a.min(t), b.max(t)));
    let (t0, t1) = if t0 > t1 {
        (0, 1)
    } else {
        (t0, t1.max(t0 + 1))
    };
    let highest = track
        .points
        .iter()
        .filter_map(|p| p.alt_ft)
        .fold(0.0, f64::max);
    let band_top = zones
        .iter()
        .flat_map(|z| [z.band.lower, z.band.upper])
        .map(Limit::feet)
        .filter(|f| f.is_finite())
        .fold(0.0, f64::max);
    let top = nice_ceiling((highest * 1.15).max(band_top * 1.1).max(1000.0));
    let (plot_w, plot_h) = (width - LEFT - RIGHT, height - TOP - BOTTOM);
    let x = |t: i64| LEFT + (t - t0) as f64 / (t1 - t0) as f64 * plot_w;
    let y = |ft: f64| TOP + (1.0 - ft.clamp(0.0, top) / top) * plot_h;
    let mut out = format!(
        r##"<svg class="profile" viewBox="0 0 {width:.0} {height:.0}" width="{width:.0}" height="{height:.0}" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="altitude profile of {}"><rect x="{LEFT}" y="{TOP}" width="{plot_w:.1}" height="{plot_h:.1}" fill="#fafafa" stroke="#bbb"/>"##,
        escape(track.label())
    );
    for zone in zones {
        let colour = kind_colour(zone.kind.as_str());
        let (low, high) = (
            zone.band.lower.feet().max(0.0),
            zone.band.upper.feet().min(top),
        );
        let _ = write!(
            out,
            r#"<rect x="{LEFT}" y="{:.1}" width="{plot_w:.1}" height="{:.1}" fill="{colour}" fill-opacity="0.10"><title>{}: {} to {}</title></rect>"#,
            y(high),
            y(low) - y(high),
            escape(&zone.name),
            zone.band.lower,
            zone.band.upper
        );
        for (from, to) in inside_intervals(events, &zone.id, t1) {
            let _ = write!(
                out,
                r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{colour}" fill-opacity="0.35"/>"#,
                x(from),
                y(high),
                (x(to) - x(from)).max(1.0),
                y(low) - y(high)
            );
        }
    }
    for i in 0..=4 {
        let ft = top * f64::from(i) / 4.0;
        let _ = write!(
            out,
            r##"<path d="M{LEFT} {:.1}h{plot_w:.1}" stroke="#ddd"/><text x="{:.1}" y="{:.1}" text-anchor="end" class="axis">{} ft</text>"##,
            y(ft),
            LEFT - 6.0,
            y(ft) + 4.0,
            thousands(ft)
        );
    }
    for i in 0..=4 {
        let t = t0 + (t1 - t0) * i / 4;
        let _ = write!(
            out,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="{}" class="axis">{}</text>"#,
            x(t),
            height - 10.0,
            match i {
                0 => "start",
                4 => "end",
                _ => "middle",
            },
            hhmm(t)
        );
    }
    let mut d = String::new();
    let mut pen_up = true;
    let mut last_t = i64::MIN;
    for p in &track.points {
        // A gap in the reports lifts the pen, as a missing altitude does.
        pen_up |= p.t_ms.saturating_sub(last_t) > crate::GAP_MS;
        last_t = p.t_ms;
        match p.alt_ft {
            Some(ft) => {
                let _ = write!(
                    d,
                    "{}{:.1} {:.1}",
                    if pen_up { 'M' } else { 'L' },
                    x(p.t_ms),
                    y(ft)
                );
                pen_up = false;
            }
            None => pen_up = true,
        }
    }
    let _ = write!(
        out,
        r##"<path d="{d}" fill="none" stroke="#10223d" stroke-width="1.6"/>"##
    );
    for (n, e) in events {
        let ex = x(e.time.millis());
        let ey = e.alt_ft.map_or(TOP + plot_h, y);
        let _ = write!(
            out,
            r##"<circle cx="{ex:.1}" cy="{ey:.1}" r="7" fill="{}" stroke="#fff"/><text x="{ex:.1}" y="{:.1}" text-anchor="middle" class="marker">{n}</text>"##,
            event_colour(e.kind.as_str()),
            ey + 3.5
        );
    }
    out.push_str("</svg>");
    out
}

/// When the events say the aircraft was inside zone `zone`: from each ENTER to the next EXIT
/// of that zone, or to `end`.
fn inside_intervals(events: &[(usize, &Event)], zone: &str, end: i64) -> Vec<(i64, i64)> {
    let mut out = Vec::new();
    let mut entered: Option<i64> = None;
    for (_, e) in events.iter().filter(|(_, e)| e.zone_id == zone) {
        match e.kind {
            EventKind::Enter => entered = entered.or(Some(e.time.millis())),
            EventKind::Exit => {
                if let Some(from) = entered.take() {
                    out.push((from, e.time.millis()));
                }
            }
            _ => {}
        }
    }
    if let Some(from) = entered {
        out.push((from, end));
    }
    out
}

/// The next of 1, 2, 2.5, 5 × 10ⁿ feet at or above `ft`.
fn nice_ceiling(ft: f64) -> f64 {
    let magnitude = 10f64.powf(ft.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|v| *v >= ft)
        .unwrap_or(10.0 * magnitude)
}

/// Feet with thousands separated by commas.
pub fn thousands(ft: f64) -> String {
    let digits = format!("{}", ft.round().abs() as i64);
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if ft.round() < 0.0 {
        out.insert(0, '-');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ceilings_and_separators_read_well() {
        assert_eq!(nice_ceiling(36_025.0 * 1.15), 50_000.0);
        assert_eq!(nice_ceiling(1000.0), 1000.0);
        assert_eq!(nice_ceiling(2100.0), 2500.0);
        assert_eq!(thousands(36_025.0), "36,025");
        assert_eq!(thousands(950.0), "950");
        assert_eq!(thousands(-1200.0), "-1,200");
    }
}
