//! The model passport: one document per model version, generated from its stored record — what
//! it was trained on (file, digest, texts per category), how (method, parameters, the C chosen by
//! cross-validation, the calibration), how well on held-out data (accuracy, macro-F1, per
//! category, by region as the bias check), what it is for and not for, its limits, and how many
//! decisions it has made. Written in Russian, Kazakh and English (`passport`), Markdown, so it
//! reads the same in the app, in a terminal, in an evidence package and in docs/.

mod passport;

use serde::{Deserialize, Serialize};

use crate::analytics::classifier::TrainParams;
use crate::analytics::evaluate::Metrics;
use crate::analytics::risk::{RiskMetrics, RiskParams};
use crate::api::session::handles::{Journal, Kernel, Read};
use crate::api::{ApiError, ErrorCode};
use crate::domain::norms::Localized;
use crate::store::ModelRecord;

/// A model version's passport, written in each language of the faces (the figures are the same).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ModelPassport {
    pub name: String,
    pub markdown: Localized,
}

/// The models as a capability: every version listed, its passport, and its re-tests (an appeals
/// classifier on a labelled file, a risk model on the inspections after its registry), each
/// journaled. `Session::models` lends it.
pub struct Models<'s> {
    kernel: Kernel<'s>,
}

impl<'s> Models<'s> {
    pub(in crate::api) fn new(kernel: Kernel<'s>) -> Models<'s> {
        Models { kernel }
    }

    // Open to `api`: the re-tests (`model_check.rs`, `risk_check.rs`) are sibling modules.
    pub(in crate::api) fn read(&self) -> Read<'_> {
        self.kernel.read()
    }

    pub(in crate::api) fn journal(&mut self) -> Journal<'_> {
        self.kernel.journal()
    }

    /// Every model version trained here, newest first.
    pub fn list(&self) -> Result<Vec<ModelRecord>, ApiError> {
        Ok(self.read().store().models()?)
    }
}

impl Models<'_> {
    /// The passport of model version `name` (`appeals-v3`), in Russian, Kazakh and English.
    pub fn passport(&self, name: &str) -> Result<ModelPassport, ApiError> {
        let name = name.trim();
        let record = &self.read().model_named(name)?;
        let broken = |what: &str, e: serde_json::Error| {
            ApiError::new(ErrorCode::Internal, format!("model {name}: its stored {what} cannot be read: {e}"))
        };
        let generated_data = record.data_file.contains(crate::api::registry::demo::GENERATED);
        let last_check = self.read().store().last_model_check(&record.name)?;
        let markdown = if record.kind == crate::api::RISK_MODEL {
            let metrics: RiskMetrics = serde_json::from_str(&record.metrics).map_err(|e| broken("metrics", e))?;
            let params: RiskParams = serde_json::from_str(&record.params).map_err(|e| broken("parameters", e))?;
            let (entries, rows) = self.read().store().predictions_by(&record.name)?;
            let (_, model) = self.read().risk_model(Some(&record.name))?;
            let facts = passport::RiskFacts {
                record,
                metrics: &metrics,
                params: &params,
                model: &model,
                entries,
                rows,
                last_check,
                generated_data,
            };
            passport::in_every_language(|lang| passport::risk(lang, &facts))
        } else {
            let metrics: Metrics = serde_json::from_str(&record.metrics).map_err(|e| broken("metrics", e))?;
            let params: TrainParams = serde_json::from_str(&record.params).map_err(|e| broken("parameters", e))?;
            let decisions = self.read().store().decisions_by(&record.name)?;
            let facts = passport::ClassifierFacts {
                record,
                metrics: &metrics,
                params: &params,
                decisions,
                last_check,
                generated_data,
            };
            passport::in_every_language(|lang| passport::classifier(lang, &facts))
        };
        Ok(ModelPassport { name: record.name.clone(), markdown })
    }
}

impl Read<'_> {
    /// The record of model version `name`; `not_found` names the versions there are.
    pub(in crate::api) fn model_named(&self, name: &str) -> Result<ModelRecord, ApiError> {
        let models = self.store().models()?;
        models.iter().find(|m| m.name == name).cloned().ok_or_else(|| {
            let known: Vec<&str> = models.iter().map(|m| m.name.as_str()).collect();
            ApiError::new(ErrorCode::NotFound, format!("no model '{name}' (known: {})", known.join(", ")))
        })
    }
}
