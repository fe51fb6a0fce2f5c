//! A district against its neighbours — the article's question («почему в одном районе доля
//! отменённых постановлений втрое выше, чем в соседнем?», issue 63).
//!
//! The all-peers funnel (`anomalies::judge`) asks whether a district stands out from the whole
//! country; a district three times its neighbours' share but near the national mean passes it
//! unseen. Here each district's proportion is compared with the pooled proportion of the districts
//! that border it (`assets/geo/adjacency.json`, corner contacts left out): a two-sample comparison,
//! the neighbours' own sampling error counted, widened by the spread beyond chance the data show
//! between neighbours (Spiegelhalter's additive τ², winsorised as on the funnel, so the district
//! being hunted does not hide itself), one-sided (an excess is a hypothesis of a practice worth a
//! check), then Benjamini–Hochberg over every district compared, as the other detectors do.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::anomalies::{benjamini_hochberg, chance_tail, spread_beyond_chance, upper_tail, Judgement, UnitCounts};

/// One district judged against its neighbours.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NeighbourJudgement {
    /// `expected` is what the district would have at its neighbours' pooled proportion.
    pub judgement: Judgement,
    /// The neighbours whose data were pooled, by code.
    pub neighbours: Vec<String>,
    pub neighbours_events: f64,
    pub neighbours_trials: f64,
}

/// Judges each unit with at least `min_trials` whose bordering units (by `adjacency`, code → codes)
/// pool at least `min_trials`, against their pooled proportion; flags those whose Benjamini–Hochberg
/// q-value is at most `fdr`. Units without neighbours with data take no part.
pub fn judge_against_neighbours(
    units: &[UnitCounts],
    adjacency: &BTreeMap<String, Vec<String>>,
    min_trials: f64,
    fdr: f64,
) -> Vec<NeighbourJudgement> {
    let by_key: BTreeMap<&str, &UnitCounts> =
        units.iter().filter(|u| u.trials > 0.0 && u.events >= 0.0).map(|u| (u.key.as_str(), u)).collect();
    struct Compared<'a> {
        unit: &'a UnitCounts,
        neighbours: Vec<String>,
        events: f64,
        trials: f64,
    }
    let mut compared = Vec::new();
    for unit in by_key.values().filter(|u| u.trials >= min_trials) {
        let around: Vec<&UnitCounts> = adjacency
            .get(&unit.key)
            .map(|list| list.iter().filter_map(|k| by_key.get(k.as_str()).copied()).collect())
            .unwrap_or_default();
        let (events, trials) = around.iter().fold((0.0, 0.0), |(e, t), u| (e + u.events, t + u.trials));
        if trials >= min_trials {
            compared.push(Compared {
                unit,
                neighbours: around.iter().map(|u| u.key.clone()).collect(),
                events,
                trials,
            });
        }
    }
    if compared.is_empty() {
        return Vec::new();
    }
    // Each difference with both samples' error, at the proportion of the two together.
    let variance = |c: &Compared| {
        let pooled = ((c.unit.events + c.events) / (c.unit.trials + c.trials)).clamp(1e-9, 1.0 - 1e-9);
        pooled * (1.0 - pooled) * (1.0 / c.unit.trials + 1.0 / c.trials)
    };
    let difference = |c: &Compared| c.unit.events / c.unit.trials - c.events / c.trials;
    let raw_z: Vec<f64> = compared.iter().map(|c| difference(c) / variance(c).sqrt()).collect();
    let tau2 = spread_beyond_chance(&raw_z, &compared.iter().map(|c| 1.0 / variance(c)).collect::<Vec<_>>());
    let mut judged: Vec<NeighbourJudgement> = compared
        .iter()
        .map(|c| {
            let target = (c.events / c.trials).clamp(1e-9, 1.0 - 1e-9);
            let z = difference(c) / (variance(c) + tau2).sqrt();
            let expected = target * c.unit.trials;
            // The exact tail at the neighbours' proportion is the floor of the p-value (a few
            // events against a tiny expectation), as on the funnel.
            let exact = chance_tail(c.unit.events, c.unit.trials, target, true);
            NeighbourJudgement {
                judgement: Judgement {
                    key: c.unit.key.clone(),
                    observed: c.unit.events,
                    expected,
                    ratio: if expected > 0.0 { c.unit.events / expected } else { f64::INFINITY },
                    z,
                    p_value: upper_tail(z).max(exact),
                    q_value: 1.0,
                    significant: false,
                },
                neighbours: c.neighbours.clone(),
                neighbours_events: c.events,
                neighbours_trials: c.trials,
            }
        })
        .collect();
    let q = benjamini_hochberg(&judged.iter().map(|j| j.judgement.p_value).collect::<Vec<_>>());
    for (j, q) in judged.iter_mut().zip(q) {
        j.judgement.q_value = q;
        j.judgement.significant = q <= fdr;
    }
    judged
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::anomalies::{judge, Scale};
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;
    use serde_json::Value;

    /// The country's real districts: each one's neighbours (borders, not corners) and the mean of
    /// its outline's coordinates (a rough centre), from the shipped territory files.
    fn country() -> (BTreeMap<String, Vec<String>>, BTreeMap<String, [f64; 2]>) {
        let adjacency: Value = serde_json::from_str(include_str!("../../../assets/geo/adjacency.json")).unwrap();
        let districts: Value = serde_json::from_str(include_str!("../../../assets/geo/districts.json")).unwrap();
        let mut neighbours: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for p in adjacency["pairs"].as_array().unwrap().iter().filter(|p| p["corner"] == false) {
            let (a, b) = (p["a"].as_str().unwrap().to_string(), p["b"].as_str().unwrap().to_string());
            neighbours.entry(a.clone()).or_default().push(b.clone());
            neighbours.entry(b).or_default().push(a);
        }
        let mut centres = BTreeMap::new();
        for f in districts["features"].as_array().unwrap() {
            let mut sum = [0.0, 0.0, 0.0];
            for polygon in f["geometry"]["coordinates"].as_array().unwrap() {
                for point in polygon[0].as_array().unwrap() {
                    sum[0] += point[0].as_f64().unwrap();
                    sum[1] += point[1].as_f64().unwrap();
                    sum[2] += 1.0;
                }
            }
            centres.insert(f["properties"]["kato"].as_str().unwrap().to_string(), [sum[0] / sum[2], sum[1] / sum[2]]);
        }
        (neighbours, centres)
    }

    /// A world where the share declared illegal runs smoothly from 5 % in the west to 25 % in the
    /// east (neighbours alike, the country's mean near 15 %), 400 inspections a district; `planted`
    /// gets three times the share of its neighbours' area.
    fn world(seed: u64, centres: &BTreeMap<String, [f64; 2]>, planted: Option<&str>) -> Vec<UnitCounts> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        centres
            .iter()
            .map(|(key, c)| {
                let mut share = 0.05 + 0.20 * ((c[0] - 46.5) / (87.0 - 46.5)).clamp(0.0, 1.0);
                if planted == Some(key.as_str()) {
                    share *= 3.0;
                }
                let trials = 400.0;
                let events = (0..400).filter(|_| rng.random_bool(share)).count() as f64;
                UnitCounts { key: key.clone(), events, trials }
            })
            .collect()
    }

    #[test]
    fn a_district_three_times_its_neighbours_near_the_national_mean_is_found_by_them_alone() {
        let (neighbours, centres) = country();
        // A district of the west (Атырау's region, share about 6 %), planted at about 18 %: near
        // the country's mean, three times its neighbours'.
        let planted = centres
            .iter()
            .filter(|(k, _)| k.starts_with("23"))
            .min_by(|a, b| a.1[0].total_cmp(&b.1[0]))
            .unwrap()
            .0
            .clone();
        let units = world(63, &centres, Some(&planted));
        let national: f64 = units.iter().map(|u| u.events).sum::<f64>() / units.iter().map(|u| u.trials).sum::<f64>();
        let own = units.iter().find(|u| u.key == planted).unwrap();
        assert!((own.events / own.trials - national).abs() < 0.06, "near the national mean");

        let peers = judge(&units, Scale::Proportion, 30.0, 0.05);
        assert!(!peers.iter().any(|j| j.key == planted && j.significant), "the all-peers funnel does not see it");
        let found = judge_against_neighbours(&units, &neighbours, 30.0, 0.05);
        let hit = found.iter().find(|j| j.judgement.key == planted).expect("judged");
        assert!(hit.judgement.significant, "{hit:?}");
        assert!(hit.judgement.ratio > 2.0, "{hit:?}");
        assert_eq!(hit.neighbours.len(), neighbours[&planted].len(), "its neighbours are named");
        // Nothing else is listed but, at most, a neighbour-less chance or two.
        let others = found.iter().filter(|j| j.judgement.significant && j.judgement.key != planted).count();
        assert!(others <= 2, "{others} others listed");
    }

    #[test]
    fn the_null_twin_gives_no_more_alarms_than_the_false_discovery_rate_allows() {
        let (neighbours, centres) = country();
        // Forty worlds with nothing planted: with BH at 5 %, a world with any alarm at all is
        // expected about one time in twenty.
        let worlds_with_alarms = (0..40)
            .filter(|seed| {
                let units = world(1000 + seed, &centres, None);
                judge_against_neighbours(&units, &neighbours, 30.0, 0.05).iter().any(|j| j.judgement.significant)
            })
            .count();
        assert!(worlds_with_alarms <= 5, "{worlds_with_alarms} of 40 null worlds raised an alarm");
    }

    #[test]
    fn units_without_neighbours_with_data_take_no_part() {
        let adjacency = BTreeMap::from([("a".to_string(), vec!["b".to_string()])]);
        let units = [UnitCounts { key: "a".into(), events: 10.0, trials: 100.0 }];
        assert!(judge_against_neighbours(&units, &adjacency, 30.0, 0.05).is_empty());
    }
}
