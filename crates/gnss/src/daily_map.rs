//! The daily map image of the cells: for each UTC day, every cell seen that day at one resolution,
//! filled in the colour of its worst state that day (NORMAL with aircraft pale green, SUSPECT
//! orange, INTERFERENCE red), over land and borders when a basemap is given, in an
//! equirectangular view of that day's cells (longitudes scaled by the cosine of the middle
//! latitude, so shapes keep their proportions).

use crate::cells::{CellState, CellWindow};
use h3o::CellIndex;
use std::collections::BTreeMap;
use tiny_skia::{Color, FillRule, Paint, PathBuilder, Pixmap, Stroke, Transform};

/// Width of the images, pixels.
const WIDTH: u32 = 1200;
/// Degrees of margin around the day's cells.
const MARGIN_DEG: f64 = 2.0;

/// Land polygons (outer rings) and border lines to draw under the cells, as `[lon, lat]` rings.
#[derive(Debug, Default, Clone)]
pub struct Basemap {
    /// Land areas.
    pub land: Vec<Vec<[f64; 2]>>,
    /// Borders between countries.
    pub borders: Vec<Vec<[f64; 2]>>,
}

/// One PNG per UTC day (`YYYY-MM-DD`, bytes), from the cell windows at `resolution`.
pub fn daily_maps(
    windows: &[CellWindow],
    resolution: u8,
    basemap: &Basemap,
) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut days: BTreeMap<String, BTreeMap<&str, CellState>> = BTreeMap::new();
    for w in windows.iter().filter(|w| w.resolution == resolution) {
        let day = w.start.to_rfc3339()[..10].to_string();
        let worst = days
            .entry(day)
            .or_default()
            .entry(w.cell.as_str())
            .or_default();
        *worst = (*worst).max(w.state);
    }
    days.into_iter()
        .map(|(day, cells)| Ok((day, draw(&cells, basemap)?)))
        .collect()
}

fn draw(cells: &BTreeMap<&str, CellState>, basemap: &Basemap) -> Result<Vec<u8>, String> {
    let rings: Vec<(Vec<[f64; 2]>, CellState)> = cells
        .iter()
        .filter_map(|(cell, state)| {
            let cell: CellIndex = cell.parse().ok()?;
            Some((
                cell.boundary().iter().map(|p| [p.lng(), p.lat()]).collect(),
                *state,
            ))
        })
        .collect();
    let (mut west, mut south, mut east, mut north) = (180.0_f64, 90.0_f64, -180.0_f64, -90.0_f64);
    for [lon, lat] in rings.iter().flat_map(|(r, _)| r) {
        (west, east, south, north) = (
            west.min(*lon),
            east.max(*lon),
            south.min(*lat),
            north.max(*lat),
        );
    }
    let (west, east) = (west - MARGIN_DEG, east + MARGIN_DEG);
    let (south, north) = (
        (south - MARGIN_DEG).max(-85.0),
        (north + MARGIN_DEG).min(85.0),
    );
    let squeeze = ((south + north) / 2.0).to_radians().cos().max(0.1);
    let scale = f64::from(WIDTH) / ((east - west) * squeeze);
    let height = (((north - south) * scale).round() as u32).clamp(100, 4000);
    let project = |[lon, lat]: [f64; 2]| {
        (
            ((lon - west) * squeeze * scale) as f32,
            ((north - lat) * scale) as f32,
        )
    };
    let path = |ring: &[[f64; 2]], close: bool| {
        let mut pb = PathBuilder::new();
        for (i, p) in ring.iter().enumerate() {
            let (x, y) = project(*p);
            if i == 0 {
                pb.move_to(x, y);
            } else {
                pb.line_to(x, y);
            }
        }
        if close {
            pb.close();
        }
        pb.finish()
    };
    let mut pixmap = Pixmap::new(WIDTH, height).ok_or("cannot allocate the image")?;
    pixmap.fill(Color::from_rgba8(207, 221, 232, 255));
    let mut paint = Paint::default();
    paint.set_color_rgba8(243, 241, 234, 255);
    for ring in &basemap.land {
        if let Some(p) = path(ring, true) {
            pixmap.fill_path(&p, &paint, FillRule::EvenOdd, Transform::identity(), None);
        }
    }
    paint.set_color_rgba8(150, 156, 164, 255);
    let thin = Stroke {
        width: 0.8,
        ..Stroke::default()
    };
    for line in &basemap.borders {
        if let Some(p) = path(line, false) {
            pixmap.stroke_path(&p, &paint, &thin, Transform::identity(), None);
        }
    }
    for (ring, state) in &rings {
        let Some(p) = path(ring, true) else { continue };
        let (r, g, b, a) = match state {
            CellState::Normal => (67, 160, 71, 70),
            CellState::Suspect => (239, 108, 0, 190),
            CellState::Interference => (198, 40, 40, 220),
        };
        paint.set_color_rgba8(r, g, b, a);
        pixmap.fill_path(&p, &paint, FillRule::Winding, Transform::identity(), None);
        paint.set_color_rgba8(r, g, b, 255);
        pixmap.stroke_path(
            &p,
            &paint,
            &Stroke {
                width: 0.6,
                ..Stroke::default()
            },
            Transform::identity(),
            None,
        );
    }
    pixmap.encode_png().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use nofly_model::EventTime;

    fn window(cell: &str, day_ms: i64, state: CellState) -> CellWindow {
        CellWindow {
            cell: cell.into(),
            resolution: 4,
            start: EventTime::from_millis(day_ms),
            end: EventTime::from_millis(day_ms + 600_000),
            aircraft: 1,
            degraded: 0,
            spoofed: 0,
            affected: 0,
            ratio: 0.0,
            lower_bound: 0.0,
            state,
            indicators: BTreeMap::new(),
        }
    }

    #[test]
    fn one_image_per_day_with_the_worst_state_drawn() {
        let cell = h3o::LatLng::new(49.7, 23.9)
            .unwrap()
            .to_cell(h3o::Resolution::Four)
            .to_string();
        let day = 1_726_531_200_000; // 2024-09-17
        let windows = [
            window(&cell, day, CellState::Normal),
            window(&cell, day + 600_000, CellState::Suspect),
            window(&cell, day + 86_400_000, CellState::Normal),
        ];
        let maps = daily_maps(&windows, 4, &Basemap::default()).unwrap();
        assert_eq!(
            maps.iter().map(|(d, _)| d.as_str()).collect::<Vec<_>>(),
            ["2024-09-17", "2024-09-18"]
        );
        let centre = |png: &[u8]| {
            let image = Pixmap::decode_png(png).unwrap();
            image
                .pixel(WIDTH / 2, image.height() / 2)
                .unwrap()
                .demultiply()
        };
        let orange = centre(&maps[0].1);
        assert!(
            orange.red() > 200 && orange.green() < 160,
            "the cell is orange: {orange:?}"
        );
        let green = centre(&maps[1].1);
        assert!(
            green.green() > green.red(),
            "the cell is pale green: {green:?}"
        );
    }
}
