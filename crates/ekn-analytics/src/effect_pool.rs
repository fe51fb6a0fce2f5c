//! Tier 3 for the country (issue 62): each region's office estimates the acts' effect over its own
//! registry (`effect_tiers`, the stacked design) and publishes the headline — the ratio, its
//! interval, how many acted-on objects it rests on, its pre-trend test — and nothing else; the
//! national side pools the regions' estimates of one outcome by inverse-variance weighting on the
//! log scale: the common-effect figure and the random-effects one (DerSimonian–Laird), with
//! Cochran's Q, I² and τ² saying how far the regions disagree — for all acts together and for each
//! kind of act (a region publishes both).
//!
//! Why pool estimates rather than fit one model over the country: the acts never leave their
//! region with the object they name (docs/NATIONAL.md: the national side holds no object of an act),
//! so no national fit can pair an act with its object's inspections. A region's estimate already
//! compares like with like inside the region; pooling them is the standard meta-analysis of
//! independent studies (each region's objects are its own). The random-effects figure is the
//! headline: acts work differently in different regions, and its interval widens by τ² to say so;
//! the common-effect one stands beside it.
//!
//! A region whose own pre-trend test warned (p < 0.05) is pooled all the same, and counted in
//! `regions_warned`: leaving it out would choose regions by their results.

use serde::{Deserialize, Serialize};
use statrs::distribution::{ChiSquared, ContinuousCDF};

use crate::effect::{EffectOutcome, Z95};

/// The pooling's version, for the record beside every pooled figure.
pub const POOL_METHOD: &str = "pool-2026.11.29 (inverse variance on log ratios; DerSimonian–Laird)";

/// One region's published headline for one outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct RegionEstimate {
    /// Two digits of KATO.
    pub region: String,
    pub outcome: EffectOutcome,
    /// «all» for all acts together, or one kind's code (`effect_tiers::KINDS_ESTIMATED`).
    pub kind: String,
    pub ratio: f64,
    pub ci95: [f64; 2],
    /// The standard error of the log ratio, read back from the interval when published.
    pub log_se: f64,
    pub n_treated: u64,
    pub n_controls: u64,
    pub pre_trend_p: Option<f64>,
    /// The office's method (`effect_tiers`' version) that produced it.
    pub method: String,
    /// The day the office computed it.
    pub as_of: chrono::NaiveDate,
}

/// A pooled ratio with its interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct PooledRatio {
    pub ratio: f64,
    pub ci95: [f64; 2],
}

/// The regions' estimates of one outcome pooled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct PooledEffect {
    pub outcome: EffectOutcome,
    /// «all», or the kind of act whose regional estimates it pools.
    pub kind: String,
    /// How many regions' estimates it pools, and how many acted-on objects they rest on.
    pub regions: usize,
    pub n_treated: u64,
    /// Regions whose own pre-trend test warned (p < 0.05).
    pub regions_warned: usize,
    /// Every region the same effect (inverse-variance weights).
    pub common: PooledRatio,
    /// The headline: each region its own effect around the country's (DerSimonian–Laird);
    /// with one region it is that region's estimate.
    pub random: PooledRatio,
    /// Between-region variance of the log ratios.
    pub tau2: f64,
    /// Cochran's Q, its p-value (`None` with one region) and I² (the share of the spread that is
    /// not chance, 0…1).
    pub q: f64,
    pub q_p: Option<f64>,
    pub i2: f64,
    pub method: String,
}

/// The kinds a region publishes an estimate of, in the order the pooled figures list them: all
/// acts together, then each kind estimated on its own.
pub fn pooled_kinds() -> impl Iterator<Item = &'static str> {
    std::iter::once("all").chain(crate::effect_tiers::KINDS_ESTIMATED.iter().map(|k| k.code()))
}

/// Whether a region's row names a kind the country pools (a peer's text is checked before use).
pub fn kind_is_pooled(kind: &str) -> bool {
    pooled_kinds().any(|k| k == kind)
}

/// Pools the estimates of each outcome and kind of act (the outcomes in their order, within each
/// all acts first and then the kinds, one entry for each that has an estimate). Estimates whose
/// ratio or error is not a finite positive number, or whose kind is none the country pools, are
/// left out. Each kind is pooled over the regions that estimated it: a kind a region issued too
/// few of to estimate is no region's zero.
pub fn pool(estimates: &[RegionEstimate]) -> Vec<PooledEffect> {
    EffectOutcome::ALL
        .into_iter()
        .flat_map(|outcome| pooled_kinds().map(move |kind| (outcome, kind)))
        .filter_map(|(outcome, kind)| {
            let usable: Vec<&RegionEstimate> = estimates
                .iter()
                .filter(|e| e.outcome == outcome && e.kind == kind && e.ratio.is_finite() && e.ratio > 0.0)
                .filter(|e| e.log_se.is_finite() && e.log_se > 0.0)
                .collect();
            pool_one(outcome, kind, &usable)
        })
        .collect()
}

fn pool_one(outcome: EffectOutcome, kind: &str, estimates: &[&RegionEstimate]) -> Option<PooledEffect> {
    if estimates.is_empty() {
        return None;
    }
    let y: Vec<f64> = estimates.iter().map(|e| e.ratio.ln()).collect();
    let v: Vec<f64> = estimates.iter().map(|e| e.log_se * e.log_se).collect();
    let w: Vec<f64> = v.iter().map(|v| 1.0 / v).collect();
    let sum_w: f64 = w.iter().sum();
    let common_log = w.iter().zip(&y).map(|(w, y)| w * y).sum::<f64>() / sum_w;
    let q: f64 = w.iter().zip(&y).map(|(w, y)| w * (y - common_log).powi(2)).sum();
    let k = estimates.len();
    let df = (k - 1) as f64;
    // DerSimonian–Laird: τ² = max(0, (Q − df) / (Σw − Σw²/Σw)).
    let c = sum_w - w.iter().map(|w| w * w).sum::<f64>() / sum_w;
    let tau2 = if k > 1 && c > 0.0 { ((q - df) / c).max(0.0) } else { 0.0 };
    let w_random: Vec<f64> = v.iter().map(|v| 1.0 / (v + tau2)).collect();
    let sum_w_random: f64 = w_random.iter().sum();
    let random_log = w_random.iter().zip(&y).map(|(w, y)| w * y).sum::<f64>() / sum_w_random;
    let ratio =
        |log: f64, se: f64| PooledRatio { ratio: log.exp(), ci95: [(log - Z95 * se).exp(), (log + Z95 * se).exp()] };
    let q_p = (k > 1).then(|| ChiSquared::new(df).map(|chi| 1.0 - chi.cdf(q)).ok()).flatten();
    Some(PooledEffect {
        outcome,
        kind: kind.to_string(),
        regions: k,
        n_treated: estimates.iter().map(|e| e.n_treated).sum(),
        regions_warned: estimates.iter().filter(|e| e.pre_trend_p.is_some_and(|p| p < 0.05)).count(),
        common: ratio(common_log, (1.0 / sum_w).sqrt()),
        random: ratio(random_log, (1.0 / sum_w_random).sqrt()),
        tau2,
        q,
        q_p,
        i2: if q > df && q > 0.0 { (q - df) / q } else { 0.0 },
        method: POOL_METHOD.to_string(),
    })
}

/// The standard error of a log ratio read back from its 95 % interval (what a region publishes).
pub fn log_se_from_ci(ci95: [f64; 2]) -> Option<f64> {
    let [low, high] = ci95;
    (low > 0.0 && high > low && high.is_finite()).then(|| (high.ln() - low.ln()) / (2.0 * Z95))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn estimate(region: &str, ratio: f64, log_se: f64) -> RegionEstimate {
        RegionEstimate {
            region: region.into(),
            outcome: EffectOutcome::ViolationsPerInspection,
            kind: "all".into(),
            ratio,
            ci95: [(ratio.ln() - Z95 * log_se).exp(), (ratio.ln() + Z95 * log_se).exp()],
            log_se,
            n_treated: 100,
            n_controls: 300,
            pre_trend_p: Some(0.4),
            method: "test".into(),
            as_of: chrono::NaiveDate::from_ymd_opt(2026, 11, 29).expect("a day"),
        }
    }

    /// Four regions, worked by hand (numpy, the formulas of DerSimonian & Laird 1986): log ratios
    /// ln 0.70, ln 0.85, ln 0.95, ln 0.60 with errors 0.10, 0.08, 0.12, 0.15 give the common
    /// effect 0.7898 (0.7133–0.8745), Q 8.026 (p 0.0455), τ² 0.01942, I² 0.6262 and the random
    /// effect 0.7752 (0.6511–0.9230).
    #[test]
    fn four_regions_pool_to_the_hand_worked_figures() {
        let estimates = [
            estimate("11", 0.70, 0.10),
            estimate("15", 0.85, 0.08),
            estimate("19", 0.95, 0.12),
            estimate("33", 0.60, 0.15),
        ];
        let pooled = pool(&estimates);
        assert_eq!(pooled.len(), 1, "one outcome");
        let p = &pooled[0];
        let close = |a: f64, b: f64, tol: f64| assert!((a - b).abs() < tol, "{a} vs {b}");
        close(p.common.ratio, 0.7898, 5e-4);
        close(p.common.ci95[0], 0.7133, 5e-4);
        close(p.common.ci95[1], 0.8745, 5e-4);
        close(p.q, 8.026, 5e-3);
        close(p.q_p.expect("a p-value"), 0.0455, 5e-4);
        close(p.tau2, 0.01942, 5e-5);
        close(p.i2, 0.6262, 5e-4);
        close(p.random.ratio, 0.7752, 5e-4);
        close(p.random.ci95[0], 0.6511, 5e-4);
        close(p.random.ci95[1], 0.9230, 5e-4);
        assert_eq!((p.regions, p.n_treated, p.regions_warned), (4, 400, 0));
    }

    /// Each kind of act is pooled apart from all acts and from the other kinds, over the regions
    /// that estimated it, in the order all acts first and then the kinds; a kind the country does
    /// not pool (a peer's text) is left out.
    #[test]
    fn each_kind_is_pooled_over_the_regions_that_estimated_it() {
        let kind =
            |region: &str, kind: &str, ratio: f64| RegionEstimate { kind: kind.into(), ..estimate(region, ratio, 0.1) };
        let pooled = pool(&[
            kind("11", "protest", 0.6),
            estimate("11", 0.8, 0.1),
            kind("15", "protest", 0.6),
            kind("15", "submission", 0.9),
            estimate("15", 0.8, 0.1),
            kind("19", "appeal-answer", 0.5),
            kind("19", "anything", 0.5),
        ]);
        let seen: Vec<(&str, usize)> = pooled.iter().map(|p| (p.kind.as_str(), p.regions)).collect();
        assert_eq!(seen, [("all", 2), ("protest", 2), ("submission", 1)]);
        assert!((pooled[1].random.ratio - 0.6).abs() < 1e-12 && (pooled[0].random.ratio - 0.8).abs() < 1e-12);
        assert!(kind_is_pooled("warning") && !kind_is_pooled("appeal-answer") && !kind_is_pooled(""));
    }

    #[test]
    fn one_region_is_its_own_estimate_and_agreeing_regions_have_no_spread() {
        let one = pool(&[estimate("11", 0.8, 0.1)]);
        assert!((one[0].random.ratio - 0.8).abs() < 1e-12 && one[0].q_p.is_none() && one[0].tau2 == 0.0);
        let same = pool(&[estimate("11", 0.8, 0.1), estimate("15", 0.8, 0.2)]);
        assert!(same[0].tau2 == 0.0 && same[0].i2 == 0.0);
        assert!((same[0].random.ratio - 0.8).abs() < 1e-12);
    }

    /// An outcome's code is its JSON's, read back by `from_code`; any other text is none.
    #[test]
    fn an_outcomes_code_is_its_json_and_reads_back() {
        for outcome in EffectOutcome::ALL {
            assert_eq!(serde_json::to_value(outcome).unwrap(), serde_json::json!(outcome.code()));
            assert_eq!(EffectOutcome::from_code(outcome.code()), Some(outcome));
        }
        assert_eq!(EffectOutcome::from_code("violations"), None);
    }

    #[test]
    fn estimates_that_are_no_numbers_are_left_out_and_nothing_pools_to_nothing() {
        assert!(pool(&[]).is_empty());
        let mut bad = estimate("11", f64::NAN, 0.1);
        assert!(pool(&[bad.clone()]).is_empty());
        bad.ratio = 0.8;
        bad.log_se = 0.0;
        assert!(pool(&[bad]).is_empty());
        assert_eq!(log_se_from_ci([0.0, 1.0]), None);
        let se = log_se_from_ci([(-Z95 * 0.1f64).exp(), (Z95 * 0.1f64).exp()]).expect("an error");
        assert!((se - 0.1).abs() < 1e-12);
    }
}
