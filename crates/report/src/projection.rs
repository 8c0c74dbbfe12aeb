//! The map's projection: equirectangular, longitudes scaled by the cosine of the middle latitude
//! so that shapes keep their proportions near it, fitted to a box of points with a margin. A view
//! whose points straddle the antimeridian is drawn with longitudes taken on 0..360.

/// A fitted view: degrees in, SVG pixels out.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct View {
    west: f64,
    north: f64,
    scale: f64,
    x_scale: f64,
    wrap: bool,
    /// Width in pixels.
    pub width: f64,
    /// Height in pixels.
    pub height: f64,
}

impl View {
    /// The view of `points` (lat, lon) in a `width`-pixel-wide picture, with a 12 % margin and at
    /// least `min_span_deg` of latitude shown; the height follows the points' shape (between a
    /// third and the whole of the width).
    pub fn fit(
        points: impl IntoIterator<Item = (f64, f64)>,
        width: f64,
        min_span_deg: f64,
    ) -> View {
        let points: Vec<(f64, f64)> = points
            .into_iter()
            .filter(|(lat, lon)| lat.is_finite() && lon.is_finite())
            .collect();
        let (lon_min, lon_max) = bounds(points.iter().map(|p| p.1));
        let wrap = lon_max - lon_min > 180.0 && {
            let (a, b) = bounds(points.iter().map(|p| wrapped(p.1)));
            b - a < lon_max - lon_min
        };
        let (mut west, mut east) =
            bounds(points.iter().map(|p| if wrap { wrapped(p.1) } else { p.1 }));
        let (mut south, mut north) = bounds(points.iter().map(|p| p.0));
        if points.is_empty() {
            (west, east, south, north) = (-10.0, 30.0, 35.0, 65.0);
        }
        let mid = ((south + north) / 2.0).clamp(-80.0, 80.0);
        let x_scale = mid.to_radians().cos();
        let grow_lat = ((min_span_deg - (north - south)) / 2.0).max(0.0);
        let grow_lon = ((min_span_deg / x_scale - (east - west)) / 2.0).max(0.0);
        let (lat_pad, lon_pad) = (
            (north - south) * 0.12 + grow_lat,
            (east - west) * 0.12 + grow_lon,
        );
        (south, north, west, east) = (
            (south - lat_pad).max(-89.9),
            (north + lat_pad).min(89.9),
            west - lon_pad,
            east + lon_pad,
        );
        let (w_deg, h_deg) = ((east - west) * x_scale, north - south);
        let height = (width * h_deg / w_deg).clamp(width / 3.0, width);
        let scale = (width / w_deg).min(height / h_deg);
        // Centre the box in the picture when one side was clamped.
        let west = west - ((width / scale) - w_deg) / 2.0 / x_scale;
        let north = north + ((height / scale) - h_deg) / 2.0;
        View {
            west,
            north,
            scale,
            x_scale,
            wrap,
            width,
            height,
        }
    }

    /// Pixel coordinates of (lat, lon).
    pub fn xy(&self, lat: f64, lon: f64) -> (f64, f64) {
        let lon = if self.wrap { wrapped(lon) } else { lon };
        (
            (lon - self.west) * self.x_scale * self.scale,
            (self.north - lat) * self.scale,
        )
    }

    /// Metres per pixel at the middle of the view (for the scale bar).
    pub fn metres_per_pixel(&self) -> f64 {
        111_320.0 / self.scale
    }
}

fn wrapped(lon: f64) -> f64 {
    if lon < 0.0 {
        lon + 360.0
    } else {
        lon
    }
}

fn bounds(values: impl Iterator<Item = f64>) -> (f64, f64) {
    values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_fit_inside_the_picture_with_a_margin() {
        let view = View::fit([(59.0, 24.0), (60.0, 28.0)], 800.0, 0.1);
        for (lat, lon) in [(59.0, 24.0), (60.0, 28.0)] {
            let (x, y) = view.xy(lat, lon);
            assert!(
                x > 20.0 && x < 780.0 && y > 5.0 && y < view.height - 5.0,
                "{x} {y}"
            );
        }
        // One degree of latitude is as long as 1/cos(59.5°) degrees of longitude.
        let (x0, y0) = view.xy(59.5, 25.0);
        let (x1, _) = view.xy(59.5, 25.0 + 1.0 / 59.5f64.to_radians().cos());
        let (_, y1) = view.xy(58.5, 25.0);
        assert!(((x1 - x0) - (y1 - y0)).abs() < 1e-6);
    }

    #[test]
    fn a_track_across_the_antimeridian_stays_together() {
        let view = View::fit([(50.0, 179.5), (50.5, -179.5)], 800.0, 0.1);
        let (a, _) = view.xy(50.0, 179.5);
        let (b, _) = view.xy(50.5, -179.5);
        assert!(b > a && b - a < 700.0, "{a} {b}");
    }
}
