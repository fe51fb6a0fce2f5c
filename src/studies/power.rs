//! How much the anomaly detectors find, measured on registries they were not built on: the second
//! generator (`generator::second`) plants one practice at a time — a district's illegal share, a
//! body's, a region's growth of unplanned inspections, a body's returns to a few objects, a body's
//! unusual measures, a spike of refused appeals — over a grid of effect sizes and volumes, and the
//! study counts how often the default list (`practices::detect` with its default settings) names
//! the planted unit, and how many anomalies the clean twins list. `ekn anomalies power` prints it;
//! `scripts/power-study` runs the full grid for docs/ANALYTICS.md; the test suite runs a small one.
//!
//! Found means: an anomaly of the planted kind naming the planted unit (the district, the body, the
//! region, the category), nothing looser.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Instant;

use chrono::NaiveDate;
use serde::Serialize;

use crate::analytics::practices::{detect, Anomaly, DetectParams, METHOD};
use crate::generator::second::{second_registry, Plant, Planted, SecondSpec, Truth};

/// What a study covers.
#[derive(Debug, Clone, PartialEq)]
pub struct PowerGrid {
    /// Inspections a year (appeals: half as many).
    pub volumes: Vec<usize>,
    pub replicates: u32,
    pub years: u32,
    pub end: NaiveDate,
    /// The effects, each planted alone.
    pub plants: Vec<Plant>,
    pub seed: u64,
}

impl PowerGrid {
    /// The grid of docs/ANALYTICS.md (`full`), or the small one the tests run.
    pub fn standard(full: bool) -> PowerGrid {
        let mut plants = Vec::new();
        let factors: &[f64] = if full { &[1.5, 2.0, 3.0, 4.0] } else { &[2.0, 4.0] };
        for &factor in factors {
            plants.push(Plant::DistrictIllegal { factor });
            plants.push(Plant::BodyIllegal { factor });
            plants.push(Plant::RegionUnplannedGrowth { factor });
            plants.push(Plant::RefusedSpike { factor });
        }
        let visits: &[usize] = if full { &[3, 5, 8, 12] } else { &[4, 12] };
        plants.extend(visits.iter().map(|&visits| Plant::FrequentVisits { objects: 5, visits }));
        let shares: &[f64] = if full { &[0.02, 0.05, 0.1, 0.2] } else { &[0.05, 0.2] };
        plants.extend(shares.iter().map(|&share| Plant::SanctionCombination { share }));
        PowerGrid {
            volumes: if full { vec![10_000, 30_000, 100_000] } else { vec![8_000] },
            replicates: if full { 10 } else { 2 },
            years: 4,
            end: NaiveDate::from_ymd_opt(2026, 10, 31).expect("a date"),
            plants,
            seed: 2_301,
        }
    }
}

/// One cell: a plant at a volume, and how often it was found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PowerCell {
    pub plant: Plant,
    pub per_year: usize,
    pub replicates: u32,
    pub found: u32,
}

/// The clean twins at one volume: how many anomalies each listed, and how many of those were
/// false — all but a body or a district listed for an illegal share the generator truly raised at
/// least 1.5 times (a body's own rate against the overall one, a district's own effect): bodies and
/// districts differ by design, as real ones do.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CleanCell {
    pub per_year: usize,
    pub listed: Vec<usize>,
    pub false_alarms: Vec<usize>,
    /// False alarms by kind, summed over the twins.
    pub by_kind: Vec<(String, usize)>,
}

/// Whether an anomaly on a clean registry is a true difference the generator made.
fn truly_raised(anomaly: &Anomaly, truth: &Truth) -> bool {
    if anomaly.kind.code() != "illegal_share" {
        return false;
    }
    match (&anomaly.control_body, &anomaly.district) {
        (Some(body), _) => {
            truth.body_illegal.iter().any(|(name, rate)| name == body && *rate >= 1.5 * truth.overall_illegal)
        }
        (None, Some(district)) => {
            truth.district_illegal.iter().any(|(code, effect)| code == district && *effect >= 1.5)
        }
        (None, None) => false,
    }
}

/// A study's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PowerReport {
    pub method: String,
    pub generator: String,
    pub cells: Vec<PowerCell>,
    pub clean: Vec<CleanCell>,
    pub seconds: f64,
}

/// Whether the planted unit is among the anomalies.
pub fn found(anomalies: &[Anomaly], planted: &Planted) -> bool {
    let kind = planted.plant.kind();
    anomalies.iter().filter(|a| a.kind.code() == kind).any(|a| match planted.plant {
        Plant::DistrictIllegal { .. } => a.control_body.is_none() && a.district == planted.district,
        Plant::BodyIllegal { .. } | Plant::FrequentVisits { .. } => a.control_body == planted.body,
        Plant::SanctionCombination { .. } => {
            a.control_body == planted.body && a.combination.as_deref().is_some_and(|c| c.contains("приостановление"))
        }
        Plant::RegionUnplannedGrowth { .. } => {
            a.region_code == planted.region
                || a.district.as_deref().zip(planted.region.as_deref()).is_some_and(|(d, r)| d.starts_with(r))
        }
        Plant::RefusedSpike { .. } => a.region_code == planted.region && a.category == planted.category,
    })
}

/// One registry of a study: a volume, a replicate, and what was planted (None: the clean twin).
#[derive(Debug, Clone, Copy)]
struct Job {
    per_year: usize,
    replicate: u32,
    plant: Option<Plant>,
}

/// What one registry gave: for a planted one, whether the plant was found; for a clean twin, how
/// many anomalies were listed and the kinds of the false ones.
struct Outcome {
    found: bool,
    listed: usize,
    false_kinds: Vec<&'static str>,
}

fn run_job(grid: &PowerGrid, params: &DetectParams, job: Job) -> Outcome {
    let spec = SecondSpec {
        seed: grid.seed.wrapping_mul(1_000_003) + u64::from(job.replicate) * 7_919 + job.per_year as u64,
        per_year: job.per_year,
        appeals_per_year: job.per_year / 2,
        years: grid.years,
        end: grid.end,
        plant: job.plant,
        outcomes: Default::default(),
    };
    let (registry, truth) = second_registry(&spec);
    let detection = detect(&registry, grid.end, params);
    let found = truth.planted.as_ref().is_some_and(|p| found(&detection.anomalies, p));
    let false_kinds = detection.anomalies.iter().filter(|a| !truly_raised(a, &truth)).map(|a| a.kind.code()).collect();
    Outcome { found, listed: detection.anomalies.len(), false_kinds }
}

/// Runs the grid on every core; `progress(done, total)` after each registry.
pub fn study(grid: &PowerGrid, progress: &mut dyn FnMut(usize, usize)) -> PowerReport {
    let started = Instant::now();
    let params = DetectParams::default();
    let mut jobs = Vec::new();
    for &per_year in &grid.volumes {
        for plant in std::iter::once(None).chain(grid.plants.iter().copied().map(Some)) {
            jobs.extend((0..grid.replicates).map(|replicate| Job { per_year, replicate, plant }));
        }
    }
    let total = jobs.len();
    let next = AtomicUsize::new(0);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(total.max(1));
    let (sender, receiver) = mpsc::channel::<(usize, Outcome)>();
    let mut outcomes: Vec<Option<Outcome>> = (0..total).map(|_| None).collect();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let (sender, next, jobs, params) = (sender.clone(), &next, &jobs, &params);
            scope.spawn(move || loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some(&job) = jobs.get(index) else { break };
                if sender.send((index, run_job(grid, params, job))).is_err() {
                    break;
                }
            });
        }
        drop(sender);
        for (done, (index, outcome)) in receiver.iter().enumerate() {
            outcomes[index] = Some(outcome);
            progress(done + 1, total);
        }
    });
    // A worker that panicked ended the scope above with its panic; every job has its outcome here.
    let outcomes: Vec<Outcome> = outcomes.into_iter().map(|o| o.expect("every job ran")).collect();
    let mut cells = Vec::new();
    let mut clean = Vec::new();
    for &per_year in &grid.volumes {
        let of = |plant: Option<Plant>| {
            jobs.iter().zip(&outcomes).filter(move |(j, _)| j.per_year == per_year && j.plant == plant).map(|(_, o)| o)
        };
        let mut twins = CleanCell { per_year, listed: Vec::new(), false_alarms: Vec::new(), by_kind: Vec::new() };
        for outcome in of(None) {
            twins.listed.push(outcome.listed);
            twins.false_alarms.push(outcome.false_kinds.len());
            for kind in &outcome.false_kinds {
                match twins.by_kind.iter_mut().find(|(k, _)| k == kind) {
                    Some((_, n)) => *n += 1,
                    None => twins.by_kind.push((kind.to_string(), 1)),
                }
            }
        }
        clean.push(twins);
        for &plant in &grid.plants {
            let found = of(Some(plant)).filter(|o| o.found).count() as u32;
            cells.push(PowerCell { plant, per_year, replicates: grid.replicates, found });
        }
    }
    PowerReport {
        method: METHOD.to_string(),
        generator: "second-v1".to_string(),
        cells,
        clean,
        seconds: started.elapsed().as_secs_f64(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An illegal-share anomaly of a body or a district, as the detectors list it.
    fn listed(body: Option<&str>, district: Option<&str>) -> Anomaly {
        serde_json::from_value(serde_json::json!({
            "id": "x", "key": "x", "kind": "illegal_share", "control_body": body, "region_code": null,
            "district": district, "category": null, "combination": null, "subject_bins": [],
            "period": {"from": "2026-01-01", "to": "2026-06-30"}, "observed": 30.0, "expected": 18.0,
            "ratio": 1.67, "p_value": 0.001, "q_value": 0.01, "volume": 600.0, "peer_rate": 0.03, "peers": 40,
            "group": "illegal_share/district", "method": METHOD, "explanation": {"ru": "", "kk": "", "en": ""}
        }))
        .expect("an anomaly")
    }

    #[test]
    fn a_body_or_a_district_the_generator_raised_half_again_is_no_false_alarm_and_a_lesser_one_is() {
        let truth = Truth {
            planted: None,
            body_illegal: vec![("raised".into(), 0.06), ("ordinary".into(), 0.035)],
            district_illegal: vec![("1510".into(), 1.6), ("1520".into(), 1.3)],
            overall_illegal: 0.03,
            outcome_probability: Vec::new(),
        };
        assert!(truly_raised(&listed(Some("raised"), None), &truth));
        assert!(!truly_raised(&listed(Some("ordinary"), None), &truth));
        assert!(truly_raised(&listed(None, Some("1510")), &truth));
        assert!(!truly_raised(&listed(None, Some("1520")), &truth), "×1.3 truly, listed because read above 1.5");
        assert!(!truly_raised(&listed(None, Some("9999")), &truth));
    }
}
