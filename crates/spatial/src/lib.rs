//! Where is an aircraft? Spatial index and exact containment for nofly zones.
//!
//! - [`PolygonIndex`]: exact point-in-multipolygon (holes honoured, boundary counts as inside) in
//!   O(edges per latitude strip) instead of O(all edges).
//! - [`GeodesicCircle`]: points within a geodesic distance of a centre on WGS84.
//! - [`ZoneIndex`]: a grid over the zones whose cells are classified once as wholly inside a zone
//!   or on its edge: a point's candidate zones are one array lookup, and only edge cells need the
//!   exact test.
//! - [`NearIndex`]: the zones a point is within a distance of (for closest approaches).
//!
//! ```
//! use geo_types::{polygon, MultiPolygon};
//! use nofly_spatial::PolygonIndex;
//! let square = polygon![(x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.0, y: 10.0), (x: 0.0, y: 10.0)];
//! let hole = polygon![(x: 4.0, y: 4.0), (x: 6.0, y: 4.0), (x: 6.0, y: 6.0), (x: 4.0, y: 6.0)];
//! let with_hole = geo_types::Polygon::new(square.exterior().clone(), vec![hole.exterior().clone()]);
//! let index = PolygonIndex::new(&MultiPolygon(vec![with_hole]));
//! assert!(index.contains(2.0, 2.0));   // x = lon, y = lat
//! assert!(!index.contains(5.0, 5.0));  // in the hole
//! assert!(!index.contains(11.0, 5.0));
//! ```
#![deny(missing_docs)]

mod cell_grid;
mod geodesic_circle;
mod near_index;
mod polygon_index;
mod zone_index;

pub use cell_grid::Candidate;
pub use geodesic_circle::GeodesicCircle;
pub use near_index::NearIndex;
pub use polygon_index::PolygonIndex;
pub use zone_index::{extent, BoundingBox, ZoneIndex};
