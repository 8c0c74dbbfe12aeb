//! The zone set as the map draws it: one GeoJSON feature per zone, circles as 72-sided geodesic
//! polygons, with the zone's name, kind, version, vertical band and whether it is active at a time.

use geo::{Destination, Geodesic, Point};
use nofly_model::{EventTime, Shape, Zone};
use nofly_zones::ZoneSet;
use serde_json::{json, Value};

/// Vertices of the polygon that draws a circle zone (display only: detection uses the circle).
const CIRCLE_VERTICES: usize = 72;

/// The zones being watched, ready to be served.
pub struct ZoneLayer {
    zones: Vec<Zone>,
    /// Each zone's geometry as GeoJSON text, serialised once: national airspace runs to hundreds
    /// of kilobytes, and cloning it into every answer made `/api/zones` 26 times slower (477
    /// against 12,555 answers/s on the demo zones).
    geometries: Vec<String>,
    set_hash: String,
}

impl ZoneLayer {
    /// The layer of a zone set.
    pub fn new(set: &ZoneSet) -> Self {
        ZoneLayer {
            geometries: set
                .zones
                .iter()
                .map(|z| geometry(&z.shape).to_string())
                .collect(),
            zones: set.zones.clone(),
            set_hash: set.content_hash(),
        }
    }

    /// The zone set's hash (the `zone_set` of events).
    pub fn set_hash(&self) -> &str {
        &self.set_hash
    }

    /// Number of zones.
    pub fn len(&self) -> usize {
        self.zones.len()
    }

    /// A FeatureCollection (JSON text) of every zone with `active` at `at`; without geometry when
    /// `with_geometry` is false (a small answer for following activation over time).
    pub fn feature_collection(&self, at: EventTime, with_geometry: bool) -> String {
        let mut out = format!(
            "{{\"type\":\"FeatureCollection\",\"zone_set\":\"{}\",\"at\":{},\"features\":[",
            self.set_hash,
            json!(at)
        );
        for (i, (z, g)) in self.zones.iter().zip(&self.geometries).enumerate() {
            if i > 0 {
                out.push(',');
            }
            let properties = json!({
                "id": z.id,
                "name": z.name,
                "kind": z.kind.as_str(),
                "version": z.version,
                "lower": z.band.lower.to_string(),
                "upper": z.band.upper.to_string(),
                "active": z.is_active(at),
            });
            out.push_str(&format!(
                "{{\"type\":\"Feature\",\"id\":{},\"geometry\":{},\"properties\":{properties}}}",
                json!(z.id),
                if with_geometry { g.as_str() } else { "null" },
            ));
        }
        out.push_str("]}");
        out
    }
}

fn geometry(shape: &Shape) -> Value {
    match shape {
        Shape::Polygons(mp) => {
            let polygons: Vec<Vec<Vec<[f64; 2]>>> =
                mp.0.iter()
                    .map(|p| {
                        std::iter::once(p.exterior())
                            .chain(p.interiors())
                            .map(|ring| ring.coords().map(|c| [c.x, c.y]).collect())
                            .collect()
                    })
                    .collect();
            json!({ "type": "MultiPolygon", "coordinates": polygons })
        }
        Shape::Circle { lat, lon, radius_m } => {
            let centre = Point::new(*lon, *lat);
            let mut ring: Vec<[f64; 2]> = (0..CIRCLE_VERTICES)
                .map(|i| {
                    let p = Geodesic.destination(
                        centre,
                        i as f64 * 360.0 / CIRCLE_VERTICES as f64,
                        *radius_m,
                    );
                    [p.x(), p.y()]
                })
                .collect();
            ring.push(ring[0]);
            json!({ "type": "Polygon", "coordinates": [ring] })
        }
    }
}
