//! A uniform longitude/latitude grid over the zones' extent whose cells are classified once, when
//! the index is built: for every zone that reaches a cell, whether the whole cell is inside the
//! zone (its points need no further test) or the zone's boundary may pass through it (its points
//! get the exact test). Most points of real traffic fall in cells that are empty or wholly inside,
//! so a query is an array lookup.
//!
//! Written here rather than taken from a crate: the R-tree (rstar) that selected candidates before
//! measured 7.3 M points/s on 1,000 zones and spent most of it descending the tree and deduplicating;
//! geo and rstar have no pre-classified grid.

use crate::{extent, BoundingBox};

/// Flag on a cell entry: the cell lies wholly inside the zone.
const INSIDE: u32 = 1 << 31;

/// A zone that may contain a point, as a grid cell lists it: the zone's index, and whether the
/// whole cell, so the point, is inside the zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate(u32);

impl Candidate {
    /// The zone's index in the slice the index was built from.
    #[inline]
    pub fn zone(self) -> u32 {
        self.0 & !INSIDE
    }

    /// Whether the point is certainly inside the zone's shape (no exact test needed).
    #[inline]
    pub fn surely_inside(self) -> bool {
        self.0 & INSIDE != 0
    }
}

/// The grid: cells in rows of `cols`, south to north; cell `c` lists its entries in
/// `entries[offsets[c]..offsets[c + 1]]`, zones in ascending order.
#[derive(Debug, Clone)]
pub struct CellGrid {
    min_x: f64,
    min_y: f64,
    max_x: f64,
    max_y: f64,
    cells_per_degree: f64,
    cols: usize,
    rows: usize,
    offsets: Vec<u32>,
    entries: Vec<Candidate>,
}

/// Cells wanted per zone bounding box (on the synthetic 10,000-zone bench 32 gave 12.6 M points/s
/// and a 59 ms build, 128 gave 14.5 M points/s and 119 ms; see bench/README.md).
const CELLS_PER_BOX: f64 = 64.0;
/// Cells wanted per polygon edge (2 → 8: 46.5 → 52.7 M points/s on the Kaliningrad zones).
const CELLS_PER_EDGE: f64 = 8.0;
/// How many cells a grid may have (16 MB of offsets).
const MAX_CELLS: f64 = 4_000_000.0;
/// Cells are at most this many degrees wide, so that circle classification stays exact enough.
const MAX_CELL_DEGREES: f64 = 0.5;
/// Degrees by which boundary boxes are widened when marking edge cells, so that a point rounded
/// into a neighbouring cell is never judged by a cell that the boundary touches.
const EDGE_SLACK: f64 = 1e-9;

/// How a zone meets one cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellClass {
    /// The zone does not reach the cell.
    Outside,
    /// The cell may hold points on both sides of the zone's boundary.
    Edge,
    /// Every point of the cell is inside the zone.
    Inside,
}

impl CellGrid {
    /// Sizes a grid for `boxes` (every zone's bounding boxes) and `edges` (the number of polygon
    /// edges): about [`CELLS_PER_BOX`] cells per box plus [`CELLS_PER_EDGE`] per edge, cells no
    /// wider than half a degree.
    pub fn sized_for(boxes: &[Vec<BoundingBox>], edges: usize) -> Self {
        let all = || boxes.iter().flatten();
        let usable = |e: &BoundingBox| e[0] <= e[2] && e[1] <= e[3];
        let Some([min_x, min_y, max_x, max_y]) = extent(all()).filter(usable) else {
            return CellGrid {
                min_x: 0.0,
                min_y: 0.0,
                max_x: -1.0,
                max_y: -1.0,
                cells_per_degree: 1.0,
                cols: 1,
                rows: 1,
                offsets: vec![0, 0],
                entries: Vec::new(),
            };
        };
        let (width, height) = ((max_x - min_x).max(1e-6), (max_y - min_y).max(1e-6));
        let wanted = (CELLS_PER_BOX * all().count() as f64 + CELLS_PER_EDGE * edges as f64)
            .clamp(4096.0, MAX_CELLS);
        let cell = (width * height / wanted)
            .sqrt()
            .min(MAX_CELL_DEGREES)
            .max((width * height / MAX_CELLS).sqrt());
        let cells_per_degree = 1.0 / cell;
        let cols = ((width * cells_per_degree).ceil() as usize).max(1);
        let rows = ((height * cells_per_degree).ceil() as usize).max(1);
        CellGrid {
            min_x,
            min_y,
            max_x,
            max_y,
            cells_per_degree,
            cols,
            rows,
            offsets: vec![0; cols * rows + 1],
            entries: Vec::new(),
        }
    }

    /// Number of cells.
    pub fn cell_count(&self) -> usize {
        self.cols * self.rows
    }

    /// Number of (zone, cell) entries stored.
    pub fn entry_count(&self) -> usize {
        self.entries.len()
    }

    /// The cell of a point, if it is in the grid's extent.
    #[inline]
    fn cell_of(&self, x: f64, y: f64) -> Option<usize> {
        if !(x >= self.min_x && x <= self.max_x && y >= self.min_y && y <= self.max_y) {
            return None;
        }
        let col = (((x - self.min_x) * self.cells_per_degree) as usize).min(self.cols - 1);
        let row = (((y - self.min_y) * self.cells_per_degree) as usize).min(self.rows - 1);
        Some(row * self.cols + col)
    }

    /// The entries of the cell holding `(x, y)` = `(lon, lat)`.
    #[inline]
    pub fn entries_at(&self, x: f64, y: f64) -> &[Candidate] {
        match self.cell_of(x, y) {
            Some(c) => &self.entries[self.offsets[c] as usize..self.offsets[c + 1] as usize],
            None => &[],
        }
    }

    /// The box `(min_lon, min_lat, max_lon, max_lat)` of cell `c`.
    pub fn cell_box(&self, c: usize) -> BoundingBox {
        let (row, col) = (c / self.cols, c % self.cols);
        let size = 1.0 / self.cells_per_degree;
        let x0 = self.min_x + col as f64 * size;
        let y0 = self.min_y + row as f64 * size;
        [x0, y0, x0 + size, y0 + size]
    }

    /// Every cell whose closed extent meets the box widened by `slack` degrees.
    pub fn cells_meeting(&self, b: &BoundingBox, slack: f64) -> impl Iterator<Item = usize> + '_ {
        let to_col = |x: f64| ((x - self.min_x) * self.cells_per_degree).floor();
        let to_row = |y: f64| ((y - self.min_y) * self.cells_per_degree).floor();
        let clamp = |v: f64, n: usize| v.clamp(0.0, (n - 1) as f64) as usize;
        let empty = b[2] + slack < self.min_x
            || b[0] - slack > self.max_x
            || b[3] + slack < self.min_y
            || b[1] - slack > self.max_y;
        let (c0, c1) = (
            clamp(to_col(b[0] - slack), self.cols),
            clamp(to_col(b[2] + slack), self.cols),
        );
        let (r0, r1) = (
            clamp(to_row(b[1] - slack), self.rows),
            clamp(to_row(b[3] + slack), self.rows),
        );
        let rows = (r0..=r1).filter(move |_| !empty);
        rows.flat_map(move |r| (c0..=c1).map(move |c| r * self.cols + c))
    }

    /// Fills the grid with what `classify(grid, zone)` says of each cell the zone reaches, zones
    /// in index order (so that each cell's entries come out sorted).
    pub fn fill(
        &mut self,
        zones: usize,
        mut classify: impl FnMut(&Self, usize) -> Vec<(usize, CellClass)>,
    ) {
        let mut pairs: Vec<(u32, Candidate)> = Vec::new();
        for zone in 0..zones {
            for (cell, class) in classify(self, zone) {
                match class {
                    CellClass::Outside => {}
                    CellClass::Edge => pairs.push((cell as u32, Candidate(zone as u32))),
                    CellClass::Inside => pairs.push((cell as u32, Candidate(zone as u32 | INSIDE))),
                }
            }
        }
        let mut counts = vec![0u32; self.cell_count() + 1];
        for (cell, _) in &pairs {
            counts[*cell as usize + 1] += 1;
        }
        for c in 0..self.cell_count() {
            counts[c + 1] += counts[c];
        }
        let mut fill = counts.clone();
        let mut entries = vec![Candidate(0); pairs.len()];
        for (cell, entry) in pairs {
            entries[fill[cell as usize] as usize] = entry;
            fill[cell as usize] += 1;
        }
        self.offsets = counts;
        self.entries = entries;
    }

    /// Marks, in `marks` (one slot per cell), every cell a segment may pass through, with `stamp`:
    /// the segment is cut into pieces no longer than a cell and each piece's box is marked.
    pub fn mark_segment(&self, a: (f64, f64), b: (f64, f64), marks: &mut [u32], stamp: u32) {
        let span = (b.0 - a.0).abs().max((b.1 - a.1).abs()) * self.cells_per_degree;
        let pieces = (span.ceil() as usize).clamp(1, self.cols + self.rows);
        let at = |k: usize| {
            let t = k as f64 / pieces as f64;
            (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t)
        };
        for k in 0..pieces {
            let (p, q) = (at(k), at(k + 1));
            let bx = [p.0.min(q.0), p.1.min(q.1), p.0.max(q.0), p.1.max(q.1)];
            for c in self.cells_meeting(&bx, EDGE_SLACK) {
                marks[c] = stamp;
            }
        }
    }
}
