//! Volume-aware comparison of units against their peers — the statistics under `ekn anomalies`
//! (`practices` builds the units of each kind of anomaly and calls this).
//!
//! A unit (a control body in a district, a district, a region's category of appeals) has `events`
//! out of `trials` (inspections declared illegal out of inspections; appeals refused out of those
//! decided) or `observed` events against an `expected` count (visits to the same objects against
//! what peers' rates predict). Raw rates put small units at the top by chance, so each unit is
//! judged on a funnel plot: its z-score against the pooled rate with the sampling error of its own
//! volume, widened by the between-unit spread the data show beyond chance (Spiegelhalter's additive
//! random-effects correction, with a winsorised estimate of over-dispersion, so the outliers being
//! hunted do not hide themselves by inflating it). One-sided p-values (excess only: these are
//! hypotheses of a practice worth a thematic check) are then controlled for the many comparisons by
//! Benjamini–Hochberg: a unit is flagged when its q-value is at most the chosen false-discovery rate.

use serde::{Deserialize, Serialize};

/// One unit's counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitCounts {
    pub key: String,
    /// Events: inspections declared illegal, appeals refused…
    pub events: f64,
    /// For a proportion: the trials the events are out of. For a count against expectation: the
    /// expected count (then `events / trials` is the observed-to-expected ratio).
    pub trials: f64,
}

/// How a unit compares with its peers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Judgement {
    pub key: String,
    pub observed: f64,
    /// What the unit would have at the peers' rate, for its volume.
    pub expected: f64,
    /// observed / expected (infinite when nothing was expected).
    pub ratio: f64,
    pub z: f64,
    /// One-sided: the chance of an excess at least this large if the unit were like its peers.
    pub p_value: f64,
    /// Benjamini–Hochberg adjusted p-value over all the units compared together.
    pub q_value: f64,
    pub significant: bool,
}

/// What kind of count the units carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// `events` out of `trials`: binomial sampling error.
    Proportion,
    /// `events` against an expected count in `trials`: Poisson sampling error on the ratio.
    Ratio,
}

/// The standard normal upper tail.
pub fn upper_tail(z: f64) -> f64 {
    0.5 * libm::erfc(z / std::f64::consts::SQRT_2)
}

/// Benjamini–Hochberg q-values, in the input's order.
pub fn benjamini_hochberg(p: &[f64]) -> Vec<f64> {
    let n = p.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]));
    let mut q = vec![1.0; n];
    let mut running = 1.0f64;
    for (rank, &i) in order.iter().enumerate().rev() {
        running = running.min(p[i] * n as f64 / (rank + 1) as f64);
        q[i] = running.min(1.0);
    }
    q
}

/// The peers' funnel: the pooled rate and the spread beyond chance, from which any volume's
/// control limits follow (the Analytics screen draws them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Funnel {
    pub target: f64,
    pub tau2: f64,
    pub proportion: bool,
    pub units: usize,
    /// Counts against an expectation that is exact under the null (no pooled rate, no spread
    /// beyond chance): limits and p-values from the Poisson distribution itself, not the normal
    /// approximation, which is poor for the small expected counts such units have.
    #[serde(default)]
    pub exact: bool,
}

impl Funnel {
    /// The upper control limit at `volume` for a one-sided z (1.96 ≈ 97.5%, 3.09 ≈ 99.9%).
    pub fn upper(&self, volume: f64, z: f64) -> f64 {
        if self.exact {
            return poisson_upper_limit(volume, upper_tail(z)) / volume.max(1e-9);
        }
        self.target + z * (self.variance(volume) + self.tau2).sqrt()
    }

    pub fn lower(&self, volume: f64, z: f64) -> f64 {
        (self.target - z * (self.variance(volume) + self.tau2).sqrt()).max(0.0)
    }

    fn variance(&self, volume: f64) -> f64 {
        if self.proportion {
            self.target * (1.0 - self.target) / volume
        } else {
            self.target / volume
        }
    }

    /// The one-sided p-value of `events` in `volume` against this funnel.
    pub fn p_value(&self, events: f64, volume: f64) -> f64 {
        if volume <= 0.0 {
            return 1.0;
        }
        if self.exact {
            return poisson_tail(events, volume);
        }
        let z = (events / volume - self.target) / (self.variance(volume) + self.tau2).sqrt();
        upper_tail(z).max(chance_tail(events, volume, self.target, self.proportion))
    }
}

/// P(X ≥ `observed`) for X ~ Poisson(`expected`).
pub fn poisson_tail(observed: f64, expected: f64) -> f64 {
    use statrs::distribution::{DiscreteCDF, Poisson};
    if observed <= 0.0 {
        return 1.0;
    }
    match Poisson::new(expected) {
        Ok(poisson) => poisson.sf(observed.ceil() as u64 - 1),
        Err(_) => 1.0,
    }
}

/// The exact chance of at least `events` at the `target` rate with no spread beyond chance:
/// Binomial(`trials`, target) for a proportion, Poisson(target × trials) for a ratio. A p-value
/// is never smaller than this. The normal approximation behind a funnel is far too sure of itself
/// where few events are expected (2 seen against 0.2 expected: 1.7e-4 by z, 0.018 exactly), and
/// such units — a small body's one unusual measure, a district with a handful of inspections —
/// were most of the false alarms on registries the detectors were not built on.
pub fn chance_tail(events: f64, trials: f64, target: f64, proportion: bool) -> f64 {
    use statrs::distribution::{Binomial, DiscreteCDF};
    if events <= 0.0 {
        return 1.0;
    }
    if !proportion {
        return poisson_tail(events, target * trials);
    }
    let n = trials.round().max(0.0) as u64;
    let k = events.ceil() as u64;
    if k > n {
        return 0.0;
    }
    match Binomial::new(target.clamp(0.0, 1.0), n) {
        Ok(b) => b.sf(k - 1),
        Err(_) => 1.0,
    }
}

/// A 95% interval for `observed / expected` from chance alone (the spread between units beyond
/// chance would widen it): Garwood's exact Poisson limits on the count, or — when the count is a
/// proportion of `trials` at the peers' rate — Clopper–Pearson's limits on it, each divided by what
/// was expected. None when nothing was expected. Shown beside every listed ratio: near the bar of
/// 1.5 the point estimate of a busy unit overstates it (the estimate passed the bar because chance
/// pushed it up), and the interval says how far below the truth may lie.
pub fn ratio_interval(observed: f64, expected: f64, trials: Option<f64>) -> Option<(f64, f64)> {
    use statrs::distribution::{Beta, ContinuousCDF, Gamma};
    if expected <= 0.0 || !expected.is_finite() || observed < 0.0 {
        return None;
    }
    const TAIL: f64 = 0.025;
    if let Some(n) = trials.filter(|&n| n >= observed && n > 0.0) {
        // Limits on the proportion observed / n, times n / expected (= 1 / the peers' rate).
        let low = if observed <= 0.0 { 0.0 } else { Beta::new(observed, n - observed + 1.0).ok()?.inverse_cdf(TAIL) };
        let high =
            if observed >= n { 1.0 } else { Beta::new(observed + 1.0, n - observed).ok()?.inverse_cdf(1.0 - TAIL) };
        return Some((low * n / expected, high * n / expected));
    }
    let low = if observed <= 0.0 { 0.0 } else { Gamma::new(observed, 1.0).ok()?.inverse_cdf(TAIL) };
    let high = Gamma::new(observed + 1.0, 1.0).ok()?.inverse_cdf(1.0 - TAIL);
    Some((low / expected, high / expected))
}

/// The smallest count whose Poisson(`expected`) upper tail is at most `tail`.
fn poisson_upper_limit(expected: f64, tail: f64) -> f64 {
    let mut k = expected.floor().max(1.0);
    while poisson_tail(k, expected) > tail {
        k += 1.0;
    }
    k
}

/// Judges units whose `trials` is an expected count exact under the null (`Funnel::exact`): each
/// by its Poisson tail, without multiplicity adjustment (see `adjust`).
pub fn judge_exact(units: &[UnitCounts]) -> Option<(Vec<Judgement>, Funnel)> {
    let used: Vec<&UnitCounts> = units.iter().filter(|u| u.trials > 0.0 && u.events >= 0.0).collect();
    if used.is_empty() {
        return None;
    }
    let judged = used
        .iter()
        .map(|u| Judgement {
            key: u.key.clone(),
            observed: u.events,
            expected: u.trials,
            ratio: u.events / u.trials,
            z: 0.0,
            p_value: poisson_tail(u.events, u.trials),
            q_value: 1.0,
            significant: false,
        })
        .collect();
    Some((judged, Funnel { target: 1.0, tau2: 0.0, proportion: false, units: used.len(), exact: true }))
}

/// Judges every unit with at least `min_trials` against the pooled rate of them all; units below
/// the minimum take no part (their rate says nothing either way). `fdr` is the false-discovery
/// rate to control (0.05 is usual).
pub fn judge(units: &[UnitCounts], scale: Scale, min_trials: f64, fdr: f64) -> Vec<Judgement> {
    let Some((mut judged, _)) = judge_unadjusted(units, scale, min_trials, None) else { return Vec::new() };
    adjust(&mut judged, fdr);
    judged
}

/// Sets q-values (Benjamini–Hochberg over all of `judged`, which may come from several funnels
/// judged as one family) and flags those at most `fdr`.
pub fn adjust(judged: &mut [Judgement], fdr: f64) {
    let q = benjamini_hochberg(&judged.iter().map(|j| j.p_value).collect::<Vec<_>>());
    for (j, q) in judged.iter_mut().zip(q) {
        j.q_value = q;
        j.significant = q <= fdr;
    }
}

/// Units fewer than this leave the spread beyond chance unestimated (τ² = 0): a handful of points
/// cannot tell over-dispersion from the outlier being hunted.
const MIN_UNITS_FOR_SPREAD: usize = 10;

/// Judges units against their pooled rate (or `target`, the rate of every peer including those
/// too small to judge) without adjusting for multiplicity; returns the judgements (q-values
/// unset) and the funnel. None when no unit has the volume, or fewer than three do and no
/// target is given.
pub fn judge_unadjusted(
    units: &[UnitCounts],
    scale: Scale,
    min_trials: f64,
    target: Option<f64>,
) -> Option<(Vec<Judgement>, Funnel)> {
    let used: Vec<&UnitCounts> =
        units.iter().filter(|u| u.trials >= min_trials && u.trials > 0.0 && u.events >= 0.0).collect();
    if used.is_empty() || (used.len() < 3 && target.is_none()) {
        return None;
    }
    let total_events: f64 = used.iter().map(|u| u.events).sum();
    let total_trials: f64 = used.iter().map(|u| u.trials).sum();
    // The target on the funnel (the pooled rate) and each unit's sampling variance around it.
    let pooled = target.unwrap_or(total_events / total_trials);
    let targets = vec![pooled; used.len()];
    Some(judge_around(&used, &targets, scale))
}

/// Judges proportions each against a null rate of its own (`targets[i]` for `units[i]`: what the
/// unit's own past and everyone else's change say it should be), with the spread beyond chance
/// estimated as on a funnel; the funnel returned carries the trial-weighted mean target, for the
/// plot. Units without trials take no part. None when none has any.
pub fn judge_each(units: &[UnitCounts], targets: &[f64]) -> Option<(Vec<Judgement>, Funnel)> {
    let (used, targets): (Vec<&UnitCounts>, Vec<f64>) =
        units.iter().zip(targets).filter(|(u, _)| u.trials > 0.0 && u.events >= 0.0).map(|(u, t)| (u, *t)).unzip();
    if used.is_empty() {
        return None;
    }
    let (judged, mut funnel) = judge_around(&used, &targets, Scale::Proportion);
    let trials: f64 = used.iter().map(|u| u.trials).sum();
    funnel.target = used.iter().zip(&targets).map(|(u, t)| u.trials * t).sum::<f64>() / trials;
    Some((judged, funnel))
}

/// Over-dispersion from z-scores winsorised at 10 % each tail, then the additive between-unit
/// variance τ² that brings it back to 1 (Spiegelhalter): zero when the data show no more spread
/// than chance, or when fewer than `MIN_UNITS_FOR_SPREAD` units cannot tell. `weights` are the
/// units' inverse sampling variances.
pub(crate) fn spread_beyond_chance(raw_z: &[f64], weights: &[f64]) -> f64 {
    if raw_z.len() < MIN_UNITS_FOR_SPREAD {
        return 0.0;
    }
    let mut sorted = raw_z.to_vec();
    sorted.sort_by(f64::total_cmp);
    let k = sorted.len() / 10;
    let (low, high) = (sorted[k], sorted[sorted.len() - 1 - k]);
    let n = raw_z.len() as f64;
    let phi = raw_z.iter().map(|z| z.clamp(low, high).powi(2)).sum::<f64>() / n;
    let (sum_w, sum_w2) = (weights.iter().sum::<f64>(), weights.iter().map(|w| w * w).sum::<f64>());
    if n * phi > n - 1.0 {
        ((n * phi - (n - 1.0)) / (sum_w - sum_w2 / sum_w)).max(0.0)
    } else {
        0.0
    }
}

/// The funnel's arithmetic: each unit's z-score against its target with its own sampling error,
/// Spiegelhalter's additive spread τ² from winsorised z-scores, one-sided p-values.
fn judge_around(used: &[&UnitCounts], targets: &[f64], scale: Scale) -> (Vec<Judgement>, Funnel) {
    let clamp = |t: f64| match scale {
        Scale::Proportion => t.clamp(1e-9, 1.0 - 1e-9),
        Scale::Ratio => t.max(1e-9),
    };
    let targets: Vec<f64> = targets.iter().map(|&t| clamp(t)).collect();
    let variance = |u: &UnitCounts, target: f64| match scale {
        Scale::Proportion => target * (1.0 - target) / u.trials,
        Scale::Ratio => target / u.trials,
    };
    let rate = |u: &UnitCounts| u.events / u.trials;
    let raw_z: Vec<f64> = used.iter().zip(&targets).map(|(u, &t)| (rate(u) - t) / variance(u, t).sqrt()).collect();

    let weights: Vec<f64> = used.iter().zip(&targets).map(|(u, &t)| 1.0 / variance(u, t)).collect();
    let tau2 = spread_beyond_chance(&raw_z, &weights);

    let judged: Vec<Judgement> = used
        .iter()
        .zip(&targets)
        .map(|(u, &target)| {
            let z = (rate(u) - target) / (variance(u, target) + tau2).sqrt();
            let expected = target * u.trials;
            let observed = u.events;
            let exact = chance_tail(observed, u.trials, target, scale == Scale::Proportion);
            Judgement {
                key: u.key.clone(),
                observed,
                expected,
                ratio: if expected > 0.0 { observed / expected } else { f64::INFINITY },
                z,
                p_value: upper_tail(z).max(exact),
                q_value: 1.0,
                significant: false,
            }
        })
        .collect();
    let target = targets.first().copied().unwrap_or(0.0);
    (judged, Funnel { target, tau2, proportion: scale == Scale::Proportion, units: used.len(), exact: false })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    fn binomial(rng: &mut ChaCha8Rng, n: u32, p: f64) -> f64 {
        (0..n).filter(|_| rng.random_bool(p)).count() as f64
    }

    #[test]
    fn a_few_events_against_a_tiny_expectation_get_their_exact_tail_not_the_normals() {
        // Two of 100 at a pooled 0.2%: the normal approximation says 1.7e-4, Binomial(100, 0.002)
        // says P(X ≥ 2) ≈ 0.0175 — the p-value must be the latter.
        let exact = chance_tail(2.0, 100.0, 0.002, true);
        assert!((exact - 0.0175).abs() < 5e-4, "{exact}");
        let mut units: Vec<UnitCounts> =
            (0..20).map(|i| UnitCounts { key: format!("u{i}"), events: 0.0, trials: 100.0 }).collect();
        units.push(UnitCounts { key: "two".into(), events: 2.0, trials: 100.0 });
        let (judged, _) = judge_unadjusted(&units, Scale::Proportion, 0.0, Some(0.002)).unwrap();
        let two = judged.iter().find(|j| j.key == "two").unwrap();
        assert!(upper_tail(two.z) < 1e-3, "the normal alone would call it rare: z {}", two.z);
        assert!((two.p_value - exact).abs() < 1e-12, "{two:?}");
        // The Poisson side for a ratio: 3 seen against 0.4 expected.
        assert!((chance_tail(3.0, 0.4, 1.0, false) - poisson_tail(3.0, 0.4)).abs() < 1e-15);
    }

    #[test]
    fn a_ratios_interval_is_garwoods_for_counts_and_clopper_pearsons_for_proportions() {
        // Garwood's 95% limits for 10 events: 4.795 and 18.390 (published tables); against 5 expected.
        let (low, high) = ratio_interval(10.0, 5.0, None).unwrap();
        assert!((low - 4.795 / 5.0).abs() < 1e-3 && (high - 18.390 / 5.0).abs() < 1e-3, "{low} {high}");
        // None seen: the lower limit is 0, the upper 3.689 / expected.
        let (low, high) = ratio_interval(0.0, 2.0, None).unwrap();
        assert!(low == 0.0 && (high - 3.689 / 2.0).abs() < 1e-3, "{high}");
        // Clopper–Pearson for 5 of 20: 0.0866 to 0.4910; the peers' rate 0.1 (2 expected).
        let (low, high) = ratio_interval(5.0, 2.0, Some(20.0)).unwrap();
        assert!((low - 0.0866 / 0.1).abs() < 1e-3 && (high - 0.4910 / 0.1).abs() < 1e-3, "{low} {high}");
        // All of them: the upper limit is the whole.
        let (_, high) = ratio_interval(20.0, 2.0, Some(20.0)).unwrap();
        assert!((high - 10.0).abs() < 1e-9);
        assert_eq!(ratio_interval(3.0, 0.0, None), None);
    }

    #[test]
    fn the_normal_tail_and_bh_match_known_values() {
        assert!((upper_tail(1.959964) - 0.025).abs() < 1e-6);
        assert!((upper_tail(0.0) - 0.5).abs() < 1e-12);
        let q = benjamini_hochberg(&[0.01, 0.04, 0.03, 0.5]);
        assert_eq!(q.iter().map(|v| (v * 1e4).round() / 1e4).collect::<Vec<_>>(), [0.04, 0.0533, 0.0533, 0.5]);
    }

    #[test]
    fn with_nothing_planted_almost_nothing_is_flagged_and_small_units_never_top_by_chance() {
        let mut alarms = 0;
        for seed in 0..20 {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let units: Vec<UnitCounts> = (0..60)
                .map(|i| {
                    let n = if i % 3 == 0 { 5 } else { 40 + 20 * (i % 7) };
                    UnitCounts { key: format!("u{i}"), events: binomial(&mut rng, n, 0.1), trials: f64::from(n) }
                })
                .collect();
            alarms += judge(&units, Scale::Proportion, 1.0, 0.05).iter().filter(|j| j.significant).count();
        }
        assert!(alarms <= 2, "{alarms} false alarms over 20 clean data sets of 60 units");
    }

    #[test]
    fn a_unit_three_times_its_peers_rate_is_found_among_noisy_peers() {
        let (mut found, mut false_alarms) = (0, 0);
        for seed in 0..20 {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let mut units: Vec<UnitCounts> = (0..40)
                .map(|i| {
                    // Peers differ among themselves more than chance (a real registry does).
                    let p = 0.08 + 0.04 * rng.random::<f64>();
                    UnitCounts { key: format!("u{i}"), events: binomial(&mut rng, 120, p), trials: 120.0 }
                })
                .collect();
            units.push(UnitCounts { key: "planted".into(), events: binomial(&mut rng, 150, 0.30), trials: 150.0 });
            // A tiny unit with an extreme raw rate must not be flagged on five trials.
            units.push(UnitCounts { key: "tiny".into(), events: 2.0, trials: 5.0 });
            let judged = judge(&units, Scale::Proportion, 20.0, 0.05);
            assert!(judged.iter().all(|j| j.key != "tiny"), "below the minimum volume: not judged");
            let planted = judged.iter().find(|j| j.key == "planted").unwrap();
            found += usize::from(planted.significant);
            false_alarms += judged.iter().filter(|j| j.significant && j.key != "planted").count();
        }
        assert!(found >= 18, "the planted unit was found in {found} of 20 data sets");
        // 800 peer judgements; the false-discovery rate is controlled, not zero (3 seen when written).
        assert!(false_alarms <= 6, "{false_alarms} peers flagged over 20 data sets");
    }

    #[test]
    fn counts_against_expectation_are_judged_on_the_ratio() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let mut units: Vec<UnitCounts> = (0..30)
            .map(|i| {
                let expected = 20.0 + f64::from(i);
                let observed = (0..(expected * 2.0) as u32).filter(|_| rng.random_bool(0.5)).count() as f64;
                UnitCounts { key: format!("body{i}"), events: observed, trials: expected }
            })
            .collect();
        units.push(UnitCounts { key: "frequent".into(), events: 120.0, trials: 30.0 });
        let judged = judge(&units, Scale::Ratio, 5.0, 0.05);
        let top = judged.iter().max_by(|a, b| a.z.total_cmp(&b.z)).unwrap();
        assert_eq!(top.key, "frequent");
        assert!(top.significant && top.ratio > 3.0, "{top:?}");
        assert!(judge(&units[..2], Scale::Ratio, 5.0, 0.05).is_empty(), "too few units to compare");
    }

    #[test]
    fn exact_counts_use_the_poisson_tail_and_its_limits() {
        assert_eq!(poisson_tail(0.0, 0.3), 1.0);
        // P(X ≥ 3 | 0.3) = 1 − e^−0.3 (1 + 0.3 + 0.045)
        let exact = 1.0 - (-0.3f64).exp() * (1.0 + 0.3 + 0.045);
        assert!((poisson_tail(3.0, 0.3) - exact).abs() < 1e-12, "{}", poisson_tail(3.0, 0.3));
        // A unit expecting 0.3 chance events: one is not an excess; ten is.
        let units = [
            UnitCounts { key: "one".into(), events: 1.0, trials: 0.3 },
            UnitCounts { key: "ten".into(), events: 10.0, trials: 0.3 },
            UnitCounts { key: "none".into(), events: 0.0, trials: 0.0 },
        ];
        let (judged, funnel) = judge_exact(&units).unwrap();
        assert_eq!(judged.len(), 2, "nothing expected: not judged");
        assert!(judged[0].p_value > 0.2 && judged[1].p_value < 1e-10, "{judged:?}");
        // The 97.5% limit at 0.3 expected is 3 events (P(X ≥ 2) = 0.037 > 0.025): a ratio of 10,
        // where the normal approximation would put it at 1 + 1.96·√(1/0.3) ≈ 4.6.
        assert!(funnel.exact);
        assert!((funnel.upper(0.3, 1.959964) - 10.0).abs() < 1e-9, "{}", funnel.upper(0.3, 1.959964));
    }
}
