//! Re-testing a stored risk model on the inspections that came after it (`ekn models check
//! risk-vN`, and the Settings screen's "check" button): the MLOps contour for the risk model, as
//! `model_check` is for the appeals classifier. A risk model's held-out figures describe the
//! registry it was trained on; once newer inspections with known outcomes are imported, the check
//! replays the registry as training did, scores each newer inspection with the stored version —
//! features from what was known before it, never its outcome — and sets the AUC, the Brier score,
//! the observed against the predicted rate, and each region's AUC beside the figures the version
//! was registered with. Journaled (`risk_model_checked`); the passport and Settings show the last
//! check. It changes no model and no decision.

use serde::{Deserialize, Serialize};

use crate::analytics::logistic::{auc, brier};
use crate::analytics::risk::{self, RiskMetrics, RiskModel};
use crate::api::models::Models;
use crate::api::{ApiError, ErrorCode, RISK_MODEL};
use crate::domain::facts::{date_of, day_of, region_text};
use crate::domain::journal::{Entry, RecordRef};
use crate::domain::norms::Localized;
use crate::store::About;

/// The fewest newer inspections with a known outcome, and of them declared illegal, a check
/// measures on: below that an AUC is noise.
const MIN_NEWER: usize = 100;
const MIN_POSITIVES: usize = 5;

/// One region's AUC now and when the version was registered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct RiskRegionCheck {
    pub region: String,
    pub inspections: usize,
    pub auc: Option<f64>,
    pub auc_then: Option<f64>,
}

/// What a risk model's check found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct RiskModelCheck {
    pub model: String,
    /// The newer inspections' first and last day.
    pub period: (String, String),
    pub inspections: usize,
    pub auc: Option<f64>,
    /// The AUC's standard error (Hanley and McNeil, 1982): the spread a check this size has by chance.
    pub auc_standard_error: Option<f64>,
    pub auc_then: Option<f64>,
    pub brier: f64,
    pub brier_then: f64,
    pub observed_rate: f64,
    pub mean_predicted: f64,
    /// Worst change first; regions with at least 30 newer inspections.
    pub by_region: Vec<RiskRegionCheck>,
    pub drifted: bool,
    pub verdict: Localized,
    pub journal_seq: i64,
    pub seconds: f64,
}

/// The standard error of an AUC with `positives` and `negatives` (Hanley and McNeil, 1982).
fn auc_standard_error(auc: f64, positives: usize, negatives: usize) -> f64 {
    let (p, n) = (positives as f64, negatives as f64);
    let q1 = auc / (2.0 - auc);
    let q2 = 2.0 * auc * auc / (1.0 + auc);
    ((auc * (1.0 - auc) + (p - 1.0) * (q1 - auc * auc) + (n - 1.0) * (q2 - auc * auc)) / (p * n)).max(0.0).sqrt()
}

impl Models<'_> {
    /// Re-tests risk model version `name` on the inspections in the database dated after the
    /// registry it was trained on, and journals the result.
    pub fn check_risk(&mut self, name: &str) -> Result<RiskModelCheck, ApiError> {
        let started = std::time::Instant::now();
        let record = self.read().model_named(name.trim())?;
        if record.kind != RISK_MODEL {
            return Err(ApiError::invalid(format!(
                "{} is a {}: an appeals classifier is re-tested on a labelled file (ekn models check {} --on FILE)",
                record.name, record.kind, record.name
            )));
        }
        let (_, model): (_, RiskModel) = self.read().risk_model(Some(&record.name))?;
        let then: RiskMetrics = serde_json::from_str(&record.metrics).map_err(|e| {
            ApiError::new(ErrorCode::Internal, format!("model {}: its stored metrics cannot be read: {e}", record.name))
        })?;
        let last_trained = then.test_period.1.clone();
        let last_day = chrono::NaiveDate::parse_from_str(&last_trained, "%Y-%m-%d").map(day_of).map_err(|e| {
            ApiError::new(
                ErrorCode::Internal,
                format!("model {}: its last training day {last_trained:?}: {e}", record.name),
            )
        })?;
        let registry = self.read().analytics_registry()?;
        let examples = risk::examples(&registry, model.target, &model.params);
        // Examples are in date order: the newer ones are the tail.
        let first_newer = examples.days.partition_point(|&d| d <= last_day);
        let newer: Vec<usize> = (first_newer..examples.labels.len()).collect();
        let positives = newer.iter().filter(|&&r| examples.labels[r]).count();
        if newer.len() < MIN_NEWER || positives < MIN_POSITIVES || positives == newer.len() {
            return Err(ApiError::invalid(format!(
                "{}: {} inspection(s) with a known outcome after {last_trained} (the last day it was trained on), {positives} \
                 of them positive: a check needs at least {MIN_NEWER} and {MIN_POSITIVES}; import newer inspections first",
                record.name,
                newer.len()
            )));
        }
        let bound = model.bind(&registry.bodies);
        let predicted: Vec<f64> = newer.iter().map(|&r| bound.probability(&examples.raw[r])).collect();
        let labels: Vec<bool> = newer.iter().map(|&r| examples.labels[r]).collect();
        let n = labels.len() as f64;
        let auc_now = auc(&predicted, &labels);
        let auc_standard_error = auc_now.map(|a| auc_standard_error(a, positives, newer.len() - positives));
        let brier = brier(&predicted, &labels);
        let observed_rate = positives as f64 / n;
        let mean_predicted = predicted.iter().sum::<f64>() / n;
        let regions: Vec<Option<String>> =
            newer.iter().map(|&r| registry.inspections[examples.facts[r]].region.map(region_text)).collect();
        let mut by_region: Vec<RiskRegionCheck> = risk::group_errors(&regions, &predicted, &labels, 30)
            .into_iter()
            .map(|g| RiskRegionCheck {
                auc_then: then.by_region.iter().find(|t| t.group == g.group).and_then(|t| t.auc),
                region: g.group,
                inspections: g.inspections,
                auc: g.auc,
            })
            .collect();
        by_region.sort_by(|a, b| {
            let change = |r: &RiskRegionCheck| match (r.auc, r.auc_then) {
                (Some(now), Some(then)) => now - then,
                _ => 0.0,
            };
            change(a).total_cmp(&change(b)).then(a.region.cmp(&b.region))
        });
        // Drift: the AUC fell by more than twice its standard error, or the rate moved away from
        // what the model predicts by more than twice the binomial spread (and by a fifth at least).
        let auc_fell =
            matches!((auc_now, then.auc, auc_standard_error), (Some(a), Some(t), Some(se)) if a + 2.0 * se < t);
        let rate_spread = (mean_predicted * (1.0 - mean_predicted) / n).sqrt();
        let rate_moved = (observed_rate - mean_predicted).abs() > (2.0 * rate_spread).max(0.2 * mean_predicted);
        let drifted = auc_fell || rate_moved;
        let period =
            (date_of(examples.days[newer[0]]).to_string(), date_of(examples.days[newer[newer.len() - 1]]).to_string());
        let verdict = verdict(&record.name, auc_now, then.auc, observed_rate, mean_predicted, auc_fell, rate_moved);
        let entry = Entry::RiskModelChecked {
            model: record.name.clone(),
            period: period.clone(),
            inspections: newer.len(),
            auc: auc_now,
            auc_then: then.auc,
            brier,
            brier_then: then.brier,
            observed_rate,
            mean_predicted,
            by_region: by_region.iter().map(|r| (r.region.clone(), r.inspections, r.auc, r.auc_then)).collect(),
            drifted,
        };
        let journal_seq =
            self.journal().run(|w| Ok(w.append(&entry, About::default(), Some(RecordRef::Model(record.id)))?.seq))?;
        Ok(RiskModelCheck {
            model: record.name,
            period,
            inspections: newer.len(),
            auc: auc_now,
            auc_standard_error,
            auc_then: then.auc,
            brier,
            brier_then: then.brier,
            observed_rate,
            mean_predicted,
            by_region,
            drifted,
            verdict,
            journal_seq,
            seconds: started.elapsed().as_secs_f64(),
        })
    }
}

fn verdict(
    model: &str,
    auc: Option<f64>,
    then: Option<f64>,
    observed: f64,
    predicted: f64,
    auc_fell: bool,
    rate_moved: bool,
) -> Localized {
    let figure = |a: Option<f64>| a.map_or("—".to_string(), |a| format!("{a:.3}"));
    let (now, then) = (figure(auc), figure(then));
    let (observed, predicted) = (format!("{:.1}%", observed * 100.0), format!("{:.1}%", predicted * 100.0));
    let (mut ru, mut kk, mut en) = (
        format!("{model}: AUC на новых проверках {now} (при регистрации {then}); доля признанных незаконными {observed}, модель ожидала {predicted}."),
        format!("{model}: жаңа тексерулердегі AUC {now} (тіркелген кезде {then}); заңсыз деп танылғандар үлесі {observed}, модель күткені {predicted}."),
        format!("{model}: AUC on the newer inspections {now} (registered {then}); share declared illegal {observed}, the model expected {predicted}."),
    );
    if auc_fell {
        ru += " Ранжирование ухудшилось сильнее случайного разброса — модель стоит переобучить (ekn risk train).";
        kk += " Саралау кездейсоқ ауытқудан артық нашарлады — модельді қайта үйрету керек (ekn risk train).";
        en += " The ranking fell by more than chance allows — retrain the model (ekn risk train).";
    }
    if rate_moved {
        ru += " Доля сместилась: вероятности модели больше не соответствуют данным — переобучите модель.";
        kk += " Үлес ығысты: модель ықтималдықтары деректерге енді сәйкес емес — модельді қайта үйретіңіз.";
        en += " The rate has moved: the model's probabilities no longer match the data — retrain it.";
    }
    if !auc_fell && !rate_moved {
        ru += " В пределах разброса: модель держится.";
        kk += " Ауытқу шегінде: модель жарамды.";
        en += " Within the spread: the model holds.";
    }
    Localized { ru, kk, en }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_aucs_standard_error_shrinks_with_the_cases_and_vanishes_at_perfection() {
        let small = auc_standard_error(0.7, 10, 500);
        let large = auc_standard_error(0.7, 100, 5_000);
        assert!(small > large && large > 0.0, "{small} {large}");
        // Hanley and McNeil's table: AUC 0.8 with 50 and 50 cases has a standard error near 0.044.
        assert!((auc_standard_error(0.8, 50, 50) - 0.044).abs() < 0.003);
        assert!(auc_standard_error(1.0, 10, 10) < 1e-9);
    }
}
