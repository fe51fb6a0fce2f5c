//! Outlines small enough to ship and draw, simplified without gaps between neighbours.
//!
//! Why not simplify each unit by itself: a border shared by two units would then be thinned twice,
//! differently, and the map would show slivers and gaps along it. Instead (TopoJSON's method in
//! miniature): coordinates are snapped to a grid of 1e-6° so the vertices two units share are equal;
//! a vertex where the set of units sharing it changes is a junction and is kept; each ring is cut at
//! its junctions into arcs; every arc is simplified once (Visvalingam–Whyatt, `geo::SimplifyVw`,
//! ends kept) in one canonical direction, and both units take that one result. A ring with no
//! junction (an island, a city enclosed by one district) is one closed arc starting at its least
//! vertex, so the enclosing unit's hole simplifies to the very same ring.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use geo::{Coord, LineString, SimplifyVw};

use crate::source::{District, Ring};

/// The snapping grid: 1e-6° (about 0.1 m).
const SNAP: f64 = 1e6;

type Key = (i64, i64);

fn key(p: [f64; 2]) -> Key {
    ((p[0] * SNAP).round() as i64, (p[1] * SNAP).round() as i64)
}

fn point(k: Key) -> [f64; 2] {
    [k.0 as f64 / SNAP, k.1 as f64 / SNAP]
}

/// A ring snapped, without repeated vertices, open (its first vertex not repeated at the end).
fn snapped(ring: &Ring) -> Vec<Key> {
    let mut out: Vec<Key> = Vec::with_capacity(ring.len());
    for &p in ring {
        let k = key(p);
        if out.last() != Some(&k) {
            out.push(k);
        }
    }
    while out.len() > 1 && out.first() == out.last() {
        out.pop();
    }
    out
}

fn simplify_line(points: &[Key], epsilon: f64) -> Vec<Key> {
    let line: LineString<f64> = points.iter().map(|&k| Coord { x: point(k)[0], y: point(k)[1] }).collect();
    line.simplify_vw(epsilon).0.into_iter().map(|c| key([c.x, c.y])).collect()
}

/// Every unit's rings simplified (closed, in lon/lat), in the order of `districts`. `epsilon` is
/// Visvalingam's least triangle area, in square degrees.
pub fn simplify(districts: &[District], epsilon: f64) -> Vec<Vec<Ring>> {
    let rings: Vec<Vec<Vec<Key>>> =
        districts.iter().map(|d| d.rings.iter().map(snapped).filter(|r| r.len() >= 3).collect()).collect();
    // Which units share each vertex.
    let mut owners: HashMap<Key, BTreeSet<usize>> = HashMap::new();
    for (unit, unit_rings) in rings.iter().enumerate() {
        for ring in unit_rings {
            for &k in ring {
                owners.entry(k).or_default().insert(unit);
            }
        }
    }
    let mut arcs: BTreeMap<Vec<Key>, Vec<Key>> = BTreeMap::new();
    let mut simplify_arc = |arc: &[Key]| -> Vec<Key> {
        // One canonical direction, so both sides of a border get the same arc.
        let reversed = arc.first() > arc.last() || (arc.first() == arc.last() && arc.get(1) > arc.iter().rev().nth(1));
        let canonical: Vec<Key> = if reversed { arc.iter().rev().copied().collect() } else { arc.to_vec() };
        let done = arcs.entry(canonical.clone()).or_insert_with(|| simplify_line(&canonical, epsilon)).clone();
        if reversed {
            done.into_iter().rev().collect()
        } else {
            done
        }
    };
    let mut out = Vec::with_capacity(rings.len());
    for unit_rings in &rings {
        let mut simplified_rings = Vec::new();
        for ring in unit_rings {
            let n = ring.len();
            let sharers = |i: usize| owners.get(&ring[i % n]);
            let junction = |i: usize| {
                let here = sharers(i);
                here.is_some_and(|s| s.len() >= 3) || here != sharers(i + n - 1) || here != sharers(i + 1)
            };
            let junctions: Vec<usize> = (0..n).filter(|&i| junction(i)).collect();
            let mut result: Vec<Key> = Vec::new();
            if junctions.is_empty() {
                // A closed arc from its least vertex.
                let start = (0..n).min_by_key(|&i| ring[i]).unwrap_or(0);
                let mut arc: Vec<Key> = (0..=n).map(|i| ring[(start + i) % n]).collect();
                arc = simplify_arc(&arc);
                if arc.len() < 4 {
                    // Too small to simplify: kept as it is.
                    arc = (0..=n).map(|i| ring[(start + i) % n]).collect();
                }
                result = arc;
            } else {
                for (j, &from) in junctions.iter().enumerate() {
                    let to = junctions.get(j + 1).copied().unwrap_or(junctions[0] + n);
                    let arc: Vec<Key> = (from..=to).map(|i| ring[i % n]).collect();
                    let piece = simplify_arc(&arc);
                    if result.is_empty() {
                        result.extend(piece);
                    } else {
                        result.extend(piece.into_iter().skip(1));
                    }
                }
                if result.len() < 4 {
                    result = ring.iter().copied().chain(ring.first().copied()).collect();
                }
            }
            simplified_rings.push(result.into_iter().map(point).collect());
        }
        out.push(simplified_rings);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(kato: &str, rings: Vec<Ring>) -> District {
        District::unnamed(kato, rings)
    }

    #[test]
    fn a_shared_border_is_simplified_once_and_stays_shared() {
        // Two units side by side whose common border wiggles a little (many vertices).
        let mut border: Vec<[f64; 2]> = (0..=100).map(|i| [1.0 + 0.0001 * ((i % 2) as f64), i as f64 * 0.01]).collect();
        let mut left = vec![[0.0, 0.0]];
        left.extend(border.iter().copied());
        left.extend([[0.0, 1.0], [0.0, 0.0]]);
        border.reverse();
        let mut right = vec![[2.0, 1.0]];
        right.extend(border.iter().copied());
        right.extend([[2.0, 0.0], [2.0, 1.0]]);
        let units = [unit("1", vec![left]), unit("2", vec![right])];
        let out = simplify(&units, 1e-6);
        let keys = |ring: &Ring| ring.iter().map(|&p| key(p)).collect::<BTreeSet<_>>();
        let (a, b) = (keys(&out[0][0]), keys(&out[1][0]));
        let on_border = |k: &&Key| point(**k)[0] > 0.5 && point(**k)[0] < 1.5;
        let a_border: BTreeSet<_> = a.iter().filter(on_border).collect();
        let b_border: BTreeSet<_> = b.iter().filter(on_border).collect();
        assert_eq!(a_border, b_border, "both sides keep the same vertices of their border");
        assert!(a_border.len() < 60, "the border is thinned: {}", a_border.len());
    }

    #[test]
    fn an_enclosed_city_and_its_districts_hole_are_the_same_ring() {
        let city: Ring = (0..=40)
            .map(|i| {
                let t = i as f64 / 40.0 * std::f64::consts::TAU;
                [0.5 + 0.2 * t.cos() + 0.001 * (i % 3) as f64, 0.5 + 0.2 * t.sin()]
            })
            .collect();
        let mut hole = city.clone();
        hole.reverse();
        let outer: Ring = vec![[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]];
        let units = [unit("1", vec![city]), unit("2", vec![outer, hole])];
        let out = simplify(&units, 1e-5);
        let keys = |ring: &Ring| ring.iter().map(|&p| key(p)).collect::<BTreeSet<_>>();
        assert_eq!(keys(&out[0][0]), keys(&out[1][1]));
        assert!(out[0][0].len() >= 4);
    }
}
