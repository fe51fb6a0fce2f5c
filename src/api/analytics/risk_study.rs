//! The risk model measured on registries it was not built on (issue 23): `ekn risk study` makes a
//! registry with the second generator's outcome process (`generator::second::Outcomes::Process`,
//! written apart from the model's features), trains and tests the model on it exactly as `ekn risk
//! train` does on a database — older 80%, most recent 20% — and writes the same examples `ekn risk
//! features` writes, so `scripts/compare-sklearn.py` can refit them with scikit-learn. Beside the
//! model's held-out figures it gives the AUC of the true probabilities (an oracle's: the ceiling
//! no model can pass on that data). Nothing is stored; no database is needed.

use std::path::Path;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::analytics::logistic::auc;
use crate::analytics::risk::{self, RiskMetrics, RiskParams, Target};
use crate::api::{ApiError, ErrorCode};
use crate::generator::second::{second_registry, Outcomes, SecondSpec};

/// What registry to make.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct RiskStudySpec {
    pub seed: u64,
    pub per_year: usize,
    pub years: u32,
}

/// What the study found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct RiskStudy {
    pub spec: RiskStudySpec,
    pub generator: String,
    pub inspections: usize,
    pub examples: usize,
    /// The model's held-out figures (the same as `ekn risk train --json` gives).
    pub metrics: RiskMetrics,
    /// The AUC of the generator's true probabilities on the same held-out inspections.
    pub oracle_auc: Option<f64>,
    /// Where the examples were written.
    pub examples_file: String,
    pub seconds: f64,
}

/// Makes the registry, writes its examples to `examples_out`, trains and tests the model.
pub fn risk_study(
    spec: &RiskStudySpec,
    examples_out: &Path,
    progress: &dyn Fn(crate::analytics::Step),
) -> Result<RiskStudy, ApiError> {
    let started = std::time::Instant::now();
    if !(1_000..=2_000_000).contains(&spec.per_year) || !(2..=10).contains(&spec.years) {
        return Err(ApiError::new(
            ErrorCode::InvalidInput,
            "--per-year must be 1,000 to 2,000,000 and --years 2 to 10".to_string(),
        ));
    }
    progress(crate::analytics::Step::new("generating_registry"));
    let second = SecondSpec {
        seed: spec.seed,
        per_year: spec.per_year,
        appeals_per_year: spec.per_year / 2,
        years: spec.years,
        end: NaiveDate::from_ymd_opt(2026, 10, 31).expect("a valid date"),
        plant: None,
        outcomes: Outcomes::Process,
    };
    let (registry, truth) = second_registry(&second);
    let params = RiskParams::default();
    progress(crate::analytics::Step::new("writing_examples"));
    let examples = risk::examples(&registry, Target::DeclaredIllegal, &params);
    let cut = risk::time_split(&examples, params.holdout_share);
    super::risk::write_examples(&examples, cut, examples_out)?;
    let held_out: Vec<usize> = (cut..examples.labels.len()).collect();
    let oracle: Vec<f64> = held_out.iter().map(|&r| truth.outcome_probability[examples.facts[r]]).collect();
    let labels: Vec<bool> = held_out.iter().map(|&r| examples.labels[r]).collect();
    let trained = risk::train_on(&registry, &examples, Target::DeclaredIllegal, &params, progress)
        .map_err(|e| ApiError::new(ErrorCode::InvalidInput, format!("risk study: {e}")))?;
    Ok(RiskStudy {
        spec: spec.clone(),
        generator: "second (outcomes: process)".to_string(),
        inspections: registry.inspections.len(),
        examples: trained.examples,
        metrics: trained.metrics,
        oracle_auc: auc(&oracle, &labels),
        examples_file: examples_out.display().to_string(),
        seconds: started.elapsed().as_secs_f64(),
    })
}
