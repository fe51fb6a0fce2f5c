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
            // Exact tails are the floor of the p-value where the normal one flatters a few events
            // against a tiny expectation: at the neighbours' proportion, as on the funnel, and
            // Fisher's, which also counts that the neighbours' proportion is itself a small sample
            // (a dozen appeals of a category in a district, a few dozen around it).
            let exact = chance_tail(c.unit.events, c.unit.trials, target, true).max(fisher_tail(
                c.unit.events,
                c.unit.trials,
                c.events,
                c.trials,
            ));
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

/// Fisher's one-sided exact tail: the chance that a sample of `trials` drawn from the unit's and
/// its neighbours' counts pooled holds `events` or more of the pooled events (hypergeometric).
fn fisher_tail(events: f64, trials: f64, neighbour_events: f64, neighbour_trials: f64) -> f64 {
    use statrs::distribution::{DiscreteCDF, Hypergeometric};
    let (k, n) = (events.round().max(0.0) as u64, trials.round().max(0.0) as u64);
    let (k2, n2) = (neighbour_events.round().max(0.0) as u64, neighbour_trials.round().max(0.0) as u64);
    if k == 0 {
        return 1.0;
    }
    match Hypergeometric::new(n + n2, (k + k2).min(n + n2), n) {
        Ok(h) => h.sf(k - 1),
        Err(_) => 1.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::anomalies::{judge, Scale};
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;
    use serde_json::Value;

    #[test]
    fn fishers_tail_is_the_hypergeometric_upper_tail() {
        // 3 of 4 against 1 of 6: P(X ≥ 3) drawing 4 of 10 with 4 events = (C(4,3)C(6,1) + C(4,4)) / C(10,4).
        assert!((fisher_tail(3.0, 4.0, 1.0, 6.0) - 25.0 / 210.0).abs() < 1e-12);
        assert_eq!(fisher_tail(0.0, 4.0, 1.0, 6.0), 1.0);
        // Against a large pool it nears the binomial tail at the pool's proportion.
        let binomial = chance_tail(7.0, 12.0, 0.1, true);
        let fisher = fisher_tail(7.0, 12.0, 1_000.0, 10_000.0);
        assert!(fisher > binomial && fisher < binomial * 1.2, "{fisher} {binomial}");
    }

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
