//! The report's map as inline SVG: country outlines, the zones by kind, each aircraft's track
//! and a numbered marker per event (the numbers of the timeline), with a scale bar.

use crate::page::escape;
use crate::projection::View;
use crate::Finding;
use nofly_model::{Shape, Zone};
use std::fmt::Write;

/// Colours of zone kinds, as the web map draws them.
pub fn kind_colour(kind: &str) -> &'static str {
    match kind {
        "prohibited" => "#c62828",
        "restricted" => "#e65100",
        "danger" => "#f9a825",
        "tfr" => "#ad1457",
        "conflict" => "#6a1b9a",
        "uas" => "#1565c0",
        "gnss-interference" => "#00838f",
        _ => "#546e7a",
    }
}

/// Colours of tracks, one per aircraft in turn.
pub const TRACK_COLOURS: &[&str] = &[
    "#10223d", "#2e7d32", "#6d4c41", "#283593", "#00695c", "#4e342e",
];

/// Colours of event markers by kind.
pub fn event_colour(kind: &str) -> &'static str {
    match kind {
        "enter" | "emergency" => "#b3261e",
        "exit" | "signal_regained" | "prediction_cleared" => "#2e7d32",
        "predicted_entry" | "closest_approach" => "#e65100",
        _ => "#455a64",
    }
}

/// The map of `finding`, `width` pixels wide.
pub fn svg(finding: &Finding, width: f64) -> String {
    let points = finding
        .tracks
        .iter()
        .flat_map(|t| t.points.iter().map(|p| (p.lat, p.lon)))
        .chain(finding.events.iter().map(|e| (e.lat, e.lon)));
    let view = View::fit(points, width, 0.3);
    let mut out = String::new();
    let (w, h) = (view.width, view.height);
    let _ = write!(
        out,
        r##"<svg class="map" viewBox="0 0 {w:.0} {h:.0}" width="{w:.0}" height="{h:.0}" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="map of the tracks and zones"><defs><clipPath id="frame"><rect width="{w:.0}" height="{h:.0}"/></clipPath></defs><rect width="{w:.0}" height="{h:.0}" fill="#cfdde8"/><g clip-path="url(#frame)">"##
    );
    if let Some(basemap) = &finding.basemap {
        out.push_str(r##"<path fill="#f3f1ea" stroke="#9aa0a8" stroke-width="0.6" d=""##);
        for ring in basemap_rings(basemap).iter().filter(|r| in_view(&view, r)) {
            path_ring(&mut out, &view, ring);
        }
        out.push_str(r#""/>"#);
    }
    for zone in &finding.zones {
        let colour = kind_colour(zone.kind.as_str());
        let _ = write!(
            out,
            r#"<path fill="{colour}" fill-opacity="0.22" fill-rule="evenodd" stroke="{colour}" stroke-width="1.5" d=""#
        );
        for ring in zone_rings(zone) {
            path_ring(&mut out, &view, &ring);
        }
        let _ = write!(out, r#""><title>{}</title></path>"#, escape(&zone.name));
    }
    for (i, track) in finding.tracks.iter().enumerate() {
        let colour = TRACK_COLOURS[i % TRACK_COLOURS.len()];
        let _ = write!(
            out,
            r#"<path fill="none" stroke="{colour}" stroke-width="1.8" stroke-linejoin="round" d=""#
        );
        // A gap in the reports ends the line: nothing is drawn where the aircraft was not heard.
        for flight in track
            .points
            .chunk_by(|a, b| b.t_ms - a.t_ms <= crate::GAP_MS)
        {
            let line: Vec<(f64, f64)> = flight.iter().map(|p| (p.lat, p.lon)).collect();
            path_line(&mut out, &view, &line);
        }
        let _ = write!(out, r#""><title>{}</title></path>"#, escape(track.label()));
        if let Some(last) = track.points.last() {
            let (x, y) = view.xy(last.lat, last.lon);
            let _ = write!(
                out,
                r##"<text x="{:.1}" y="{:.1}" class="label" fill="{colour}">{}</text>"##,
                x + 5.0,
                y - 5.0,
                escape(track.label())
            );
        }
    }
    for (n, e) in finding.events.iter().enumerate() {
        let (x, y) = view.xy(e.lat, e.lon);
        let _ = write!(
            out,
            r##"<g class="event"><circle cx="{x:.1}" cy="{y:.1}" r="8" fill="{}" stroke="#fff" stroke-width="1.5"/><text x="{x:.1}" y="{:.1}" text-anchor="middle" class="marker">{}</text></g>"##,
            event_colour(e.kind.as_str()),
            y + 3.5,
            n + 1
        );
    }
    out.push_str("</g>");
    scale_bar(&mut out, &view);
    out.push_str("</svg>");
    out
}

/// A scale bar of a round number of kilometres, about a fifth of the width.
fn scale_bar(out: &mut String, view: &View) {
    let target_m = view.metres_per_pixel() * view.width / 5.0;
    let step = [1.0, 2.0, 5.0]
        .iter()
        .flat_map(|m| (0..6).map(move |e| m * 10f64.powi(e)))
        .filter(|km| km * 1000.0 <= target_m)
        .fold(1.0, f64::max);
    let px = step * 1000.0 / view.metres_per_pixel();
    let (x, y) = (12.0, view.height - 14.0);
    let _ = write!(
        out,
        r##"<g class="scale"><rect x="{:.1}" y="{:.1}" width="{:.1}" height="22" fill="#fff" fill-opacity="0.8"/><path d="M{x:.1} {y:.1}h{px:.1}" stroke="#222" stroke-width="2"/><text x="{x:.1}" y="{:.1}" class="label">{step} km</text></g>"##,
        x - 6.0,
        y - 16.0,
        px + 12.0,
        y - 4.0
    );
}

/// Whether any of the ring's bounding box is in the picture (outlines elsewhere are left out).
fn in_view(view: &View, ring: &[(f64, f64)]) -> bool {
    let (mut x0, mut y0, mut x1, mut y1) = (
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    );
    for &(lat, lon) in ring {
        let (x, y) = view.xy(lat, lon);
        (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
    }
    x1 >= 0.0 && y1 >= 0.0 && x0 <= view.width && y0 <= view.height
}

/// Appends a closed ring as SVG path commands, points closer than half a pixel merged.
fn path_ring(out: &mut String, view: &View, ring: &[(f64, f64)]) {
    if path_line(out, view, ring) {
        out.push('Z');
    }
}

/// Appends an open line; false when it has fewer than two distinct points.
fn path_line(out: &mut String, view: &View, line: &[(f64, f64)]) -> bool {
    let mut last: Option<(f64, f64)> = None;
    let mut drawn = 0;
    for &(lat, lon) in line {
        let (x, y) = view.xy(lat, lon);
        if last.is_some_and(|(lx, ly)| (lx - x).abs() < 0.5 && (ly - y).abs() < 0.5) {
            continue;
        }
        let _ = write!(
            out,
            "{}{x:.1} {y:.1}",
            if last.is_none() { 'M' } else { 'L' }
        );
        last = Some((x, y));
        drawn += 1;
    }
    drawn > 1
}

/// Every ring of a zone as (lat, lon); a circle as 120 points on the sphere.
fn zone_rings(zone: &Zone) -> Vec<Vec<(f64, f64)>> {
    match &zone.shape {
        Shape::Polygons(multi) => multi
            .0
            .iter()
            .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
            .map(|ring| ring.0.iter().map(|c| (c.y, c.x)).collect())
            .collect(),
        Shape::Circle { lat, lon, radius_m } => {
            let d = radius_m / 6_371_008.8;
            let (phi, lambda) = (lat.to_radians(), lon.to_radians());
            vec![(0..=120)
                .map(|i| {
                    let bearing = f64::from(i) * 3.0f64.to_radians();
                    let phi2 = (phi.sin() * d.cos() + phi.cos() * d.sin() * bearing.cos()).asin();
                    let lambda2 = lambda
                        + (bearing.sin() * d.sin() * phi.cos())
                            .atan2(d.cos() - phi.sin() * phi2.sin());
                    (phi2.to_degrees(), lambda2.to_degrees())
                })
                .collect()]
        }
    }
}

/// The rings of a GeoJSON FeatureCollection's polygons as (lat, lon).
fn basemap_rings(geojson: &serde_json::Value) -> Vec<Vec<(f64, f64)>> {
    let ring = |r: &serde_json::Value| -> Vec<(f64, f64)> {
        r.as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| Some((c.get(1)?.as_f64()?, c.get(0)?.as_f64()?)))
            .collect()
    };
    let mut rings = Vec::new();
    for feature in geojson["features"].as_array().into_iter().flatten() {
        let geometry = &feature["geometry"];
        let polygons: Vec<&serde_json::Value> = match geometry["type"].as_str() {
            Some("Polygon") => vec![&geometry["coordinates"]],
            Some("MultiPolygon") => geometry["coordinates"]
                .as_array()
                .into_iter()
                .flatten()
                .collect(),
            _ => Vec::new(),
        };
        for polygon in polygons {
            rings.extend(polygon.as_array().into_iter().flatten().map(ring));
        }
    }
    rings
}
