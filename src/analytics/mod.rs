//! Analytics: pure computation over data the store hands it — today the appeals classifier
//! (`text` for normalisation and n-grams, `classifier` for TF-IDF and the linear SVM, `evaluate` for
//! held-out figures). No I/O and no SQL here, as in `domain`; `api` feeds it and stores its output.

pub mod anomalies;
pub mod classifier;
pub mod duplicates;
pub mod effect;
pub mod effect_study;
pub mod evaluate;
pub mod farrington;
pub mod logistic;
pub mod outcome_kpis;
pub mod parallel;
pub mod power;
pub mod practices;
pub mod proposals;
pub mod risk;
pub mod similar;
pub mod text;
pub mod themes;
pub mod themes_study;
pub mod verification;
