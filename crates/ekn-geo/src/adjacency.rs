//! Who borders whom, and along how many kilometres, measured on the unsimplified shapes.
//!
//! Why not "do the polygons touch": at 1:1,000,000 a border is good to about ±500 m, so two
//! neighbours' lines wander apart and across each other, and three units meeting at a point touch
//! each other there. A stretch of A's outline counts as shared with B when it lies within
//! `TOLERANCE_M` of B's outline; the border's length is the mean of what A shares with B and B with
//! A; a pair sharing less than `CORNER_M` (or touching at a point) is a corner contact, not a border.
//! Lengths are measured in one Lambert conformal conic projection for the whole country (standard
//! parallels 45° and 51° N, central meridian 68° E, on a sphere of 6,371 km: a length is off by
//! well under 1 %), so the tolerance is the same number of metres everywhere. Where three units
//! meet, the tolerance adds up to its own length at each end of a border (as the length of one
//! outline inside the other's buffer does, which `scripts/geo/cross_check.py` computes with GEOS).

use std::collections::{BTreeMap, HashMap};

use crate::source::District;

/// How far apart two outlines may lie and still be one border (half the source's accuracy).
pub const TOLERANCE_M: f64 = 300.0;
/// A shared stretch shorter than this is a corner contact.
pub const CORNER_M: f64 = 1_000.0;
/// The longest piece a segment is measured in.
const PIECE_M: f64 = 50.0;
/// The grid cell the segments are indexed by.
const CELL_M: f64 = 5_000.0;
const EARTH_RADIUS_M: f64 = 6_371_000.0;

/// The Lambert conformal conic projection (spherical; Snyder, Map Projections — A Working Manual,
/// 1987, eqs. 15-1 to 15-5), in metres.
pub struct Lambert {
    n: f64,
    f: f64,
    rho0: f64,
    lon0: f64,
}

impl Lambert {
    pub fn kazakhstan() -> Self {
        let (phi1, phi2, phi0) = (45f64.to_radians(), 51f64.to_radians(), 48f64.to_radians());
        let t = |phi: f64| (std::f64::consts::FRAC_PI_4 + phi / 2.0).tan();
        let n = (phi1.cos() / phi2.cos()).ln() / (t(phi2) / t(phi1)).ln();
        let f = phi1.cos() * t(phi1).powf(n) / n;
        let rho0 = EARTH_RADIUS_M * f / t(phi0).powf(n);
        Lambert { n, f, rho0, lon0: 68f64.to_radians() }
    }

    pub fn project(&self, lon: f64, lat: f64) -> [f64; 2] {
        let phi = lat.to_radians();
        let rho = EARTH_RADIUS_M * self.f / (std::f64::consts::FRAC_PI_4 + phi / 2.0).tan().powf(self.n);
        let theta = self.n * (lon.to_radians() - self.lon0);
        [rho * theta.sin(), self.rho0 - rho * theta.cos()]
    }
}

/// A pair of units and what they share.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Pair {
    pub a: String,
    pub b: String,
    /// The shared border's length in kilometres (three decimals).
    pub border_km: f64,
    /// They touch at a point or along less than `CORNER_M`.
    pub corner: bool,
}

struct Segment {
    owner: usize,
    from: [f64; 2],
    to: [f64; 2],
}

fn distance_to_segment(p: [f64; 2], s: &Segment) -> f64 {
    let (dx, dy) = (s.to[0] - s.from[0], s.to[1] - s.from[1]);
    let length2 = dx * dx + dy * dy;
    let t = if length2 == 0.0 {
        0.0
    } else {
        (((p[0] - s.from[0]) * dx + (p[1] - s.from[1]) * dy) / length2).clamp(0.0, 1.0)
    };
    let (x, y) = (s.from[0] + t * dx, s.from[1] + t * dy);
    ((p[0] - x).powi(2) + (p[1] - y).powi(2)).sqrt()
}

fn cell(p: [f64; 2]) -> (i64, i64) {
    ((p[0] / CELL_M).floor() as i64, (p[1] / CELL_M).floor() as i64)
}

/// Every pair of `districts` that shares a border or a corner, sorted by codes (a < b).
pub fn pairs(districts: &[District]) -> Vec<Pair> {
    let projection = Lambert::kazakhstan();
    let mut segments = Vec::new();
    for (owner, d) in districts.iter().enumerate() {
        for ring in &d.rings {
            let points: Vec<[f64; 2]> = ring.iter().map(|p| projection.project(p[0], p[1])).collect();
            for w in points.windows(2) {
                segments.push(Segment { owner, from: w[0], to: w[1] });
            }
        }
    }
    // Each segment is filed under every cell its box, widened by the tolerance, covers.
    let mut grid: HashMap<(i64, i64), Vec<usize>> = HashMap::new();
    for (i, s) in segments.iter().enumerate() {
        let low = cell([s.from[0].min(s.to[0]) - TOLERANCE_M, s.from[1].min(s.to[1]) - TOLERANCE_M]);
        let high = cell([s.from[0].max(s.to[0]) + TOLERANCE_M, s.from[1].max(s.to[1]) + TOLERANCE_M]);
        for x in low.0..=high.0 {
            for y in low.1..=high.1 {
                grid.entry((x, y)).or_default().push(i);
            }
        }
    }
    // Each segment is walked in pieces of at most `PIECE_M`: a piece whose middle lies within the
    // tolerance of another unit's outline is shared with that unit (so a segment that runs along a
    // neighbour for part of its length counts for that part); any point within it is a touch.
    let mut shared: BTreeMap<(usize, usize), f64> = BTreeMap::new();
    let mut touching: BTreeMap<(usize, usize), bool> = BTreeMap::new();
    let near_units = |p: [f64; 2], owner: usize| -> Vec<usize> {
        let mut found: Vec<usize> = grid
            .get(&cell(p))
            .map(Vec::as_slice)
            .unwrap_or(&[])
            .iter()
            .map(|&j| &segments[j])
            .filter(|other| other.owner != owner && distance_to_segment(p, other) <= TOLERANCE_M)
            .map(|other| other.owner)
            .collect();
        found.sort_unstable();
        found.dedup();
        found
    };
    for s in &segments {
        let length = ((s.to[0] - s.from[0]).powi(2) + (s.to[1] - s.from[1]).powi(2)).sqrt();
        let pieces = (length / PIECE_M).ceil().max(1.0) as usize;
        for other in near_units(s.from, s.owner) {
            touching.insert((s.owner, other), true);
        }
        for k in 0..pieces {
            let t = (k as f64 + 0.5) / pieces as f64;
            let middle = [s.from[0] + t * (s.to[0] - s.from[0]), s.from[1] + t * (s.to[1] - s.from[1])];
            for other in near_units(middle, s.owner) {
                touching.insert((s.owner, other), true);
                *shared.entry((s.owner, other)).or_default() += length / pieces as f64;
            }
        }
    }
    let mut out = Vec::new();
    for &(a, b) in touching.keys() {
        if a >= b {
            continue;
        }
        let ab = shared.get(&(a, b)).copied().unwrap_or(0.0);
        let ba = shared.get(&(b, a)).copied().unwrap_or(0.0);
        let metres = (ab + ba) / 2.0;
        out.push(Pair {
            a: districts[a].kato.clone(),
            b: districts[b].kato.clone(),
            border_km: (metres / 1000.0 * 1000.0).round() / 1000.0,
            corner: metres < CORNER_M,
        });
    }
    out.sort_by(|x, y| (&x.a, &x.b).cmp(&(&y.a, &y.b)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(kato: &str, x0: f64, y0: f64, side: f64) -> District {
        District::unnamed(
            kato,
            vec![vec![[x0, y0], [x0 + side, y0], [x0 + side, y0 + side], [x0, y0 + side], [x0, y0]]],
        )
    }

    #[test]
    fn a_shared_side_is_a_border_of_its_length_and_a_shared_point_a_corner() {
        // Three squares of 0.1° near 48° N: A and B side by side, C touching B at a corner only.
        let units = [square("1", 68.0, 48.0, 0.1), square("2", 68.1, 48.0, 0.1), square("3", 68.2, 48.1, 0.1)];
        let found = pairs(&units);
        let ab = found.iter().find(|p| p.a == "1" && p.b == "2").expect("A and B share a side");
        // 0.1° of latitude is 11.1 km; the tolerance adds up to 300 m at each end, where the other
        // square's top and bottom sides start within it (as a buffer's intersection does).
        assert!(ab.border_km > 11.0 && ab.border_km < 11.12 + 0.65, "{ab:?}");
        assert!(!ab.corner);
        let bc = found.iter().find(|p| p.a == "2" && p.b == "3").expect("B and C touch");
        assert!(bc.corner, "{bc:?}");
        assert!(!found.iter().any(|p| p.a == "1" && p.b == "3"), "A and C are 8 km apart: {found:?}");
    }

    #[test]
    fn lines_that_wander_within_the_tolerance_are_still_one_border() {
        // B's left side lies 150 m (0.002° of longitude at 48° N) inside A's right side.
        let units = [square("1", 68.0, 48.0, 0.1), square("2", 68.098, 48.0, 0.1)];
        let found = pairs(&units);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].border_km > 10.0 && !found[0].corner, "{found:?}");
    }
}
