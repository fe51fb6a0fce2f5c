//! The themes' cells against their neighbours (issue 63): over the months the scan judges, a
//! district's share of its appeals that are of a category, against the pooled share of the
//! districts bordering it — the same comparison as the anomaly kind `neighbours`
//! (`neighbours::judge_against_neighbours`: both samples' error, the spread beyond chance, exact
//! tails as the floor), Benjamini–Hochberg over every category and district together.
//!
//! Why beside the rise over time: a cell can rise with its neighbours (a season, a new law: every
//! district's wage appeals double), or stand out from them without rising (it has always been so).
//! A prosecutor asks both; the scan's monthly alarms answer the first, this the second. A city
//! inside one district is compared with its region's units, as the anomalies do.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::anomalies::{benjamini_hochberg, UnitCounts};
use crate::neighbours::judge_against_neighbours;

/// The comparison's version, named with its alarms (`CellScan::neighbours_method`).
pub const METHOD: &str = "neighbours-twosample-fisher-bh-v1";

/// The least ratio worth listing: the anomaly detectors' default bar.
pub const MIN_RATIO: f64 = 1.5;
/// A district's appeals over the judged months below this say nothing either way (the anomaly
/// detectors' default for appeals).
pub const MIN_APPEALS: f64 = 10.0;

/// A category × district cell whose share of the district's appeals stands out from its neighbours'.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct CellNeighbourAlarm {
    pub category: String,
    /// The district's four KATO digits.
    pub district: String,
    /// The cell's appeals over the judged months, and the district's appeals of every category.
    pub observed: u32,
    pub district_total: u32,
    /// What the cell would hold at its neighbours' pooled share.
    pub expected: f64,
    pub ratio: f64,
    pub p: f64,
    pub q: f64,
    /// The districts pooled (four digits), their appeals of the category and of every category.
    pub neighbours: Vec<String>,
    pub neighbours_observed: u32,
    pub neighbours_total: u32,
    /// A city inside one district: its region's units stand in for its neighbours.
    pub enclosed: bool,
}

/// Judges every cell's share over the months `from..` of its `counts` (index into each series)
/// against its neighbours'; the alarms within `fdr` at a ratio of `MIN_RATIO` or more, the
/// strongest first, and how many cells were judged.
pub fn judge_cells_against_neighbours(
    cells: &BTreeMap<(String, String), Vec<u32>>,
    from: usize,
    fdr: f64,
) -> (Vec<CellNeighbourAlarm>, usize) {
    let window = |counts: &Vec<u32>| counts.get(from..).map_or(0, |m| m.iter().sum::<u32>());
    let mut totals: BTreeMap<&str, u32> = BTreeMap::new();
    let mut by_category: BTreeMap<&str, BTreeMap<&str, u32>> = BTreeMap::new();
    for ((category, district), counts) in cells {
        let n = window(counts);
        *totals.entry(district).or_default() += n;
        *by_category.entry(category).or_default().entry(district).or_default() += n;
    }
    let code = |d: &str| d.parse::<u16>().ok();
    let with_data: BTreeSet<u16> = totals.iter().filter(|(_, &n)| n > 0).filter_map(|(d, _)| code(d)).collect();
    // Each district's comparison set among the districts with appeals: its bordering districts, or
    // for a city inside one district, its region's other units.
    let mut adjacency: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut enclosed: BTreeSet<String> = BTreeSet::new();
    for &d in &with_data {
        let Some((around, is_enclosed)) = ekn_domain::districts::compared_with(d, |n| with_data.contains(&n)) else {
            continue;
        };
        if is_enclosed {
            enclosed.insert(d.to_string());
        }
        adjacency.insert(d.to_string(), around.iter().map(u16::to_string).collect());
    }
    let mut found = Vec::new();
    for (category, counts) in &by_category {
        let units: Vec<UnitCounts> = totals
            .iter()
            .filter(|(d, &n)| n > 0 && adjacency.contains_key(**d))
            .map(|(d, &n)| UnitCounts {
                key: d.to_string(),
                events: f64::from(counts.get(d).copied().unwrap_or(0)),
                trials: f64::from(n),
            })
            .collect();
        for j in judge_against_neighbours(&units, &adjacency, MIN_APPEALS, 1.0) {
            found.push((category.to_string(), j));
        }
    }
    let judged = found.len();
    let q = benjamini_hochberg(&found.iter().map(|(_, j)| j.judgement.p_value).collect::<Vec<_>>());
    let mut alarms: Vec<CellNeighbourAlarm> = found
        .into_iter()
        .zip(q)
        .filter(|((_, j), q)| *q <= fdr && j.judgement.ratio >= MIN_RATIO)
        .map(|((category, j), q)| {
            let district = j.judgement.key.clone();
            CellNeighbourAlarm {
                district_total: totals.get(district.as_str()).copied().unwrap_or(0),
                enclosed: enclosed.contains(&district),
                category,
                district,
                observed: j.judgement.observed as u32,
                expected: j.judgement.expected,
                ratio: j.judgement.ratio,
                p: j.judgement.p_value,
                q,
                neighbours: j.neighbours,
                neighbours_observed: j.neighbours_events as u32,
                neighbours_total: j.neighbours_trials as u32,
            }
        })
        .collect();
    alarms.sort_by(|a, b| a.q.total_cmp(&b.q).then(b.ratio.total_cmp(&a.ratio)));
    (alarms, judged)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// Every district of the map with 60 appeals over three months, 15 % of them about wages;
    /// `planted` at three times that.
    fn cells(seed: u64, planted: Option<u16>) -> BTreeMap<(String, String), Vec<u32>> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut out = BTreeMap::new();
        for &d in ekn_domain::districts::districts().keys() {
            let share = if planted == Some(d) { 0.45 } else { 0.15 };
            let (mut wages, mut other) = (vec![0u32; 6], vec![0u32; 6]);
            for month in 3..6 {
                for _ in 0..20 {
                    if rng.random_bool(share) {
                        wages[month] += 1;
                    } else {
                        other[month] += 1;
                    }
                }
            }
            out.insert(("social.labour".to_string(), d.to_string()), wages);
            out.insert(("housing".to_string(), d.to_string()), other);
        }
        out
    }

    #[test]
    fn a_cell_three_times_its_neighbours_share_is_listed_with_them_and_null_worlds_stay_quiet() {
        let (alarms, judged) = judge_cells_against_neighbours(&cells(1, Some(5532)), 3, 0.05);
        assert!(judged > 400, "{judged}");
        let hit = alarms.iter().find(|a| a.district == "5532" && a.category == "social.labour").expect("listed");
        assert!(hit.ratio > 2.0 && hit.observed > 20 && hit.district_total == 60, "{hit:?}");
        assert_eq!(hit.neighbours.len(), ekn_domain::districts::district(5532).unwrap().neighbours.len());
        assert!(!hit.enclosed);
        // The months before the window do not count.
        let (early, _) = judge_cells_against_neighbours(&cells(1, Some(5532)), 6, 0.05);
        assert!(early.is_empty());
        let noise: usize =
            (0..20).map(|s| judge_cells_against_neighbours(&cells(100 + s, None), 3, 0.05).0.len()).sum();
        assert!(noise <= 3, "{noise} alarms in 20 null worlds");
    }

    #[test]
    fn a_city_inside_one_district_is_pooled_with_its_region() {
        let (alarms, _) = judge_cells_against_neighbours(&cells(2, Some(1010)), 3, 0.05);
        let hit = alarms.iter().find(|a| a.district == "1010").expect("Семей listed");
        assert!(hit.enclosed && hit.neighbours.len() > 3, "{hit:?}");
        assert!(hit.neighbours.iter().all(|n| n.starts_with("10")));
    }
}
