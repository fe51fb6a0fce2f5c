//! Analytics: pure computation over data the store hands it — today the appeals classifier
//! (`text` for normalisation and n-grams, `classifier` for TF-IDF and the linear SVM, `evaluate` for
//! held-out figures). No I/O and no SQL here, as in `domain`; `api` feeds it and stores its output.

pub mod anomalies;
pub mod anomaly_list;
pub mod classifier;
pub mod duplicates;
pub mod effect;
pub mod effect_pool;
pub mod effect_staggered;
pub mod effect_tiers;
pub mod evaluate;
pub mod farrington;
pub mod fepois;
pub mod logistic;
pub mod national_reports;
pub mod neighbours;
pub mod office_reports;
pub mod outcome_kpis;
pub mod parallel;
pub mod practices;
pub mod proposals;
pub mod risk;
pub mod similar;
pub mod text;
pub mod theme_neighbours;
pub mod theme_reports;
pub mod themes;
pub mod verification;

/// One step of a long computation, for whoever shows progress: its code (the catalogue words it
/// as `cli.step.CODE`, the person's language being the face's business) and the figure it is at
/// (the C being tried, the split's number), empty when none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub code: &'static str,
    pub value: String,
}

impl Step {
    pub fn new(code: &'static str) -> Step {
        Step { code, value: String::new() }
    }

    pub fn at(code: &'static str, value: impl std::fmt::Display) -> Step {
        Step { code, value: value.to_string() }
    }
}
