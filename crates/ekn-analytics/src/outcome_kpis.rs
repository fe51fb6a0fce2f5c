//! Recorded outcomes counted (issue 39, tier 1): what each act's latest answer and court decision
//! were, as KPIs with their numerators, denominators and exact intervals, and by district for a
//! funnel plot — answered within the addressee's period, satisfied, satisfied fully or partly,
//! protests upheld, the median days to an answer, and the acts' quality at issuance. One pure
//! function over plain rows, so a workstation's `ekn effect` and the office's `ekn-office effect`
//! count with the same code (the office's figures are the sum of its workstations').

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A share with its numerator, denominator and exact (Clopper–Pearson) 95 % interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Proportion {
    pub numerator: u64,
    pub denominator: u64,
    pub share: Option<f64>,
    pub ci95: Option<[f64; 2]>,
}

/// One district's point on a KPI's funnel plot: its share against the office's, and whether it
/// lies inside the 95 % and 99.8 % limits for its denominator (outside is a question, not a rank).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct KpiFunnelPoint {
    pub kpi: String,
    /// The district's KATO code (four digits), or `—` for objects without one.
    pub district: String,
    pub numerator: u64,
    pub denominator: u64,
    pub share: f64,
    pub inside95: bool,
    pub inside998: bool,
}

/// Tier 1: recorded outcomes, counted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Kpis {
    /// Acts in scope.
    pub acts: u64,
    /// Acts whose addressee's period has ended: answered on or before its last day.
    pub answered_in_time: Proportion,
    /// Answered acts: fully satisfied.
    pub satisfied: Proportion,
    /// Answered acts: satisfied fully or partly.
    pub satisfied_or_partly: Proportion,
    /// Protests a court decided (withdrawn left out): upheld.
    pub protests_upheld: Proportion,
    /// Days from the act to its answer: the median, with a distribution-free 95 % interval.
    pub median_days_to_answer: Option<f64>,
    pub median_days_ci95: Option<[f64; 2]>,
    pub answered: u64,
    /// Norms behind the periods counted that are not yet confirmed against the law's text:
    /// "in time" rests on them.
    pub unconfirmed_norms: Vec<String>,
    /// Acts with no period to count (warnings; acts of a kind without a norm).
    pub without_period: u64,
    /// Quality at issuance.
    pub quality: QualityKpis,
    /// Every KPI's districts, the quality's included (`kpi` names the KPI).
    pub funnel: Vec<KpiFunnelPoint>,
}

/// The quality of acts at issuance (issue 39): each over the acts it can be said of.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct QualityKpis {
    /// Acts recorded here (an import keeps no checklist): issued with their evidence checklist complete.
    pub checklist_complete: Proportion,
    /// Acts issued from a draft made here: every placeholder filled.
    pub placeholders_filled: Proportion,
    /// Acts the addressee answered or a court decided: returned or overturned for a formal defect.
    pub formal_defects: Proportion,
}

/// One act as the KPIs read it, with its latest outcomes.
#[derive(Debug, Clone, PartialEq)]
pub struct ActForKpis {
    pub kind: String,
    pub issued_on: NaiveDate,
    /// The last day of the addressee's period, when the act gives one.
    pub response_due: Option<NaiveDate>,
    /// The norm the period comes from, when it is not yet confirmed against the law.
    pub unconfirmed_norm: Option<String>,
    /// The object's district (KATO, four digits), `—` when unknown.
    pub place: String,
    /// The latest answer: its result and day.
    pub answer: Option<(String, NaiveDate)>,
    /// The latest court decision's result.
    pub court: Option<String>,
    /// Quality at issuance, when it can be said (an act recorded with its checklist; issued from a
    /// draft made where it was recorded).
    pub checklist_complete: Option<bool>,
    pub placeholders_filled: Option<bool>,
    /// An outcome returned or overturned it for a formal defect.
    pub formal_defect: bool,
}

/// The KPIs over `acts`, as of `today` (a period counts once it has ended).
pub fn kpis(acts: &[ActForKpis], today: NaiveDate) -> Kpis {
    let mut kpi = KpiCounter::default();
    let mut unconfirmed: BTreeSet<String> = BTreeSet::new();
    let mut days_to_answer = Vec::new();
    for a in acts {
        let place = a.place.as_str();
        let answer = a.answer.as_ref().map(|(r, on)| (r.as_str(), *on));
        kpi.acts += 1;
        match a.response_due {
            Some(due) if due < today => {
                kpi.count("answered_in_time", place, answer.is_some_and(|(_, on)| on <= due));
                if let Some(norm) = &a.unconfirmed_norm {
                    unconfirmed.insert(norm.clone());
                }
            }
            Some(_) => {}
            None => kpi.without_period += 1,
        }
        if let Some((result, on)) = answer {
            kpi.count("satisfied", place, result == "satisfied");
            kpi.count("satisfied_or_partly", place, result == "satisfied" || result == "partly");
            days_to_answer.push((on - a.issued_on).num_days() as f64);
        }
        if a.kind == "protest" {
            if let Some(result) = a.court.as_deref().filter(|r| *r != "withdrawn") {
                kpi.count("protests_upheld", place, result == "upheld");
            }
        }
        if let Some(complete) = a.checklist_complete {
            kpi.count("checklist_complete", place, complete);
        }
        if let Some(filled) = a.placeholders_filled {
            kpi.count("placeholders_filled", place, filled);
        }
        if answer.is_some() || a.court.is_some() {
            kpi.count("formal_defects", place, a.formal_defect);
        }
    }
    days_to_answer.sort_by(f64::total_cmp);
    let (median, median_ci) = median_with_interval(&days_to_answer);
    Kpis {
        acts: kpi.acts,
        answered_in_time: kpi.proportion("answered_in_time"),
        satisfied: kpi.proportion("satisfied"),
        satisfied_or_partly: kpi.proportion("satisfied_or_partly"),
        protests_upheld: kpi.proportion("protests_upheld"),
        median_days_to_answer: median,
        median_days_ci95: median_ci,
        answered: days_to_answer.len() as u64,
        unconfirmed_norms: unconfirmed.into_iter().collect(),
        without_period: kpi.without_period,
        quality: QualityKpis {
            checklist_complete: kpi.proportion("checklist_complete"),
            placeholders_filled: kpi.proportion("placeholders_filled"),
            formal_defects: kpi.proportion("formal_defects"),
        },
        funnel: kpi.funnel(),
    }
}

const Z95: f64 = 1.959_963_984_540_054;
const Z998: f64 = 3.090_232_306_167_813;

/// The exact binomial (Clopper–Pearson) interval for `k` of `n`: the anomalies' ratio interval on a
/// proportion whose expectation is its own denominator.
fn clopper_pearson(k: u64, n: u64) -> Option<[f64; 2]> {
    let (k, n) = (k as f64, n as f64);
    super::anomalies::ratio_interval(k, n, Some(n)).map(|(lo, hi)| [lo, hi])
}

pub fn proportion(k: u64, n: u64) -> Proportion {
    Proportion {
        numerator: k,
        denominator: n,
        share: (n > 0).then(|| k as f64 / n as f64),
        ci95: clopper_pearson(k, n),
    }
}

/// The median of sorted values and its distribution-free 95 % interval (order statistics whose
/// ranks a Binomial(n, ½) brackets; normal approximation of the ranks).
fn median_with_interval(sorted: &[f64]) -> (Option<f64>, Option<[f64; 2]>) {
    let n = sorted.len();
    if n == 0 {
        return (None, None);
    }
    let median = if n % 2 == 1 { sorted[n / 2] } else { (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0 };
    let half = Z95 * (n as f64).sqrt() / 2.0;
    let lo = ((n as f64 / 2.0 - half).floor().max(1.0) as usize).min(n) - 1;
    let hi = ((n as f64 / 2.0 + half).ceil() as usize).clamp(1, n) - 1;
    (Some(median), Some([sorted[lo], sorted[hi]]))
}

/// Counts of each KPI, overall and by district.
#[derive(Default)]
struct KpiCounter {
    acts: u64,
    without_period: u64,
    /// (kpi, district) → (numerator, denominator).
    by_place: std::collections::BTreeMap<(&'static str, String), (u64, u64)>,
}

impl KpiCounter {
    fn count(&mut self, kpi: &'static str, place: &str, hit: bool) {
        let e = self.by_place.entry((kpi, place.to_string())).or_default();
        e.0 += u64::from(hit);
        e.1 += 1;
    }

    fn totals(&self, kpi: &str) -> (u64, u64) {
        self.by_place.iter().filter(|((k, _), _)| *k == kpi).fold((0, 0), |(a, b), (_, (k, n))| (a + k, b + n))
    }

    fn proportion(&self, kpi: &str) -> Proportion {
        let (k, n) = self.totals(kpi);
        proportion(k, n)
    }

    /// Each district's share against the office's, with the funnel's limits for its denominator.
    fn funnel(&self) -> Vec<KpiFunnelPoint> {
        self.by_place
            .iter()
            .filter_map(|((kpi, place), (k, n))| {
                let (total_k, total_n) = self.totals(kpi);
                if *n == 0 || total_n == 0 {
                    return None;
                }
                let p0 = total_k as f64 / total_n as f64;
                let share = *k as f64 / *n as f64;
                let sd = (p0 * (1.0 - p0) / *n as f64).sqrt();
                let inside = |z: f64| (share - p0).abs() <= z * sd + 0.5 / *n as f64;
                Some(KpiFunnelPoint {
                    kpi: kpi.to_string(),
                    district: place.clone(),
                    numerator: *k,
                    denominator: *n,
                    share,
                    inside95: inside(Z95),
                    inside998: inside(Z998),
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_intervals_and_the_medians_interval_bracket_their_figures() {
        let [lo, hi] = clopper_pearson(7, 10).unwrap();
        // R: binom.test(7, 10)$conf.int = 0.3475471 0.9332605
        assert!((lo - 0.347_547_1).abs() < 1e-6 && (hi - 0.933_260_5).abs() < 1e-6, "{lo} {hi}");
        assert_eq!(clopper_pearson(0, 0), None);
        assert_eq!(clopper_pearson(0, 5).unwrap()[0], 0.0);
        let values: Vec<f64> = (1..=99).map(f64::from).collect();
        let (m, ci) = median_with_interval(&values);
        assert_eq!(m, Some(50.0));
        let [a, b] = ci.unwrap();
        assert!(a < 50.0 && b > 50.0 && a >= 38.0 && b <= 62.0, "{a} {b}");
    }
}
