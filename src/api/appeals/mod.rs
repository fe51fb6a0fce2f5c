//! The appeals classifier's use cases: train a model version on a labelled export (evaluated on a
//! held-out split first, then trained on everything and registered with its data digest,
//! parameters, metrics, author and time — journaled), classify an export without storing it, and
//! list the model versions.

pub mod queue;
pub mod triage;

use crate::api::session::handles::{Journal, Kernel};
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::analytics::classifier::{Classifier, Example, Prediction, TrainParams};
use crate::analytics::evaluate::{evaluate_splits, train_and_evaluate, Metrics, SplitFigures};
use crate::api::session::handles::Read;
use crate::api::{ApiError, ErrorCode};
use crate::domain::journal::{Entry, RecordRef};
use crate::ingest::labelled::read_labelled;
use crate::store::{About, ModelRecord, NewModel};

/// The appeals: their queue and cards, triage with its model, corrections, the classifier and its training. `Session::appeals` lends it; it holds the kernel and nothing else.
pub struct Appeals<'s> {
    kernel: Kernel<'s>,
}

impl<'s> Appeals<'s> {
    pub(in crate::api) fn new(kernel: Kernel<'s>) -> Appeals<'s> {
        Appeals { kernel }
    }

    pub(in crate::api) fn read(&self) -> Read<'_> {
        self.kernel.read()
    }

    pub(in crate::api) fn journal(&mut self) -> Journal<'_> {
        self.kernel.journal()
    }
}

/// The kind of model and the prefix of its version names.
pub const APPEALS_CLASSIFIER: &str = "appeals_classifier";
const NAME_PREFIX: &str = "appeals";
/// The most categories a model may learn. A taxonomy is tens of categories; thousands mean the wrong
/// column was taken for the label (an appeal number, say), and the weights would grow with them.
pub const MAX_CATEGORIES: usize = 500;
/// How many n-grams an explanation names each way.
const EXPLAIN_TOP: usize = 5;

/// What training did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct TrainReport {
    pub model: ModelRecord,
    pub metrics: Metrics,
    pub params: TrainParams,
    pub file_format: String,
    /// Lines skipped for an empty text or category.
    pub skipped_lines: Vec<u64>,
    pub features: usize,
    pub seconds: f64,
}

/// One classified row of an export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ClassifiedRow {
    pub line: u64,
    pub appeal_no: Option<String>,
    pub category: String,
    pub confidence: f64,
    /// The model version that decided.
    pub model: String,
    pub explanation: Prediction,
}

/// The classifier's method measured on several stratified splits of one labelled file — what a
/// single held-out split cannot say (one split of a thousand texts moves accuracy by ±1.5 points).
/// Nothing is stored or journaled: it judges the method, not a model version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct MethodEvaluation {
    pub file: String,
    /// Texts read (after skipping empty ones), and their categories.
    pub texts: usize,
    pub categories: usize,
    pub splits: Vec<SplitFigures>,
    pub accuracy_mean: f64,
    /// Sample standard deviation over the splits.
    pub accuracy_sd: f64,
    pub macro_f1_mean: f64,
    pub macro_f1_sd: f64,
    pub log_loss_mean: f64,
    pub calibration_error_mean: f64,
    pub seconds: f64,
}

/// Evaluates the classifier's method on `splits` stratified 80/20 splits of a labelled file (seeds
/// 0, 1, …; C and the blend chosen by cross-validation inside each training part).
/// Training parameters from a file holding a JSON object of some of them, the rest as default
/// (`ekn appeals evaluate --params`): read through the disk gate, at most 64 KiB, every refusal
/// naming the file (`TrainParams::with_overrides`).
pub fn read_train_params(path: &Path) -> Result<TrainParams, ApiError> {
    const MAX_OCTETS: u64 = 64 * 1024;
    let name = path.display().to_string();
    let octets = std::fs::metadata(path).map_err(|e| ApiError::of_file(&name, &e))?.len();
    if octets > MAX_OCTETS {
        return Err(ApiError::invalid(format!("{name}: {octets} bytes; training parameters fit in 64 KiB")));
    }
    let text = crate::disk::read_to_string(path).map_err(|e| ApiError::of_file(&name, &e))?;
    TrainParams::with_overrides(&text).map_err(|what| ApiError::invalid(format!("{name}: {what}")))
}

pub fn evaluate_appeals_method(
    file: &Path,
    splits: u64,
    params: &TrainParams,
    progress: &dyn Fn(crate::analytics::Step),
) -> Result<MethodEvaluation, ApiError> {
    let started = std::time::Instant::now();
    if !(1..=20).contains(&splits) {
        return Err(ApiError::new(ErrorCode::InvalidInput, format!("--splits: {splits}; between 1 and 20")));
    }
    if let Some(what) = params.problem() {
        return Err(ApiError::invalid(format!("training parameters: {what}")));
    }
    let labelled = read_labelled(file)?;
    let examples: Vec<Example> =
        labelled.rows.iter().map(|r| Example { text: r.text.clone(), label: r.category.clone() }).collect();
    let mut categories: Vec<&str> = examples.iter().map(|e| e.label.as_str()).collect();
    categories.sort_unstable();
    categories.dedup();
    if categories.len() < 2 || categories.len() > MAX_CATEGORIES {
        return Err(ApiError::new(
            ErrorCode::InvalidInput,
            format!(
                "{}: field category: {} categories; a classifier learns 2 to {MAX_CATEGORIES}",
                file.display(),
                categories.len()
            ),
        ));
    }
    let figures = evaluate_splits(&examples, splits, params, progress);
    let (accuracy_mean, accuracy_sd) = mean_sd(figures.iter().map(|f| f.metrics.accuracy).collect());
    let (macro_f1_mean, macro_f1_sd) = mean_sd(figures.iter().map(|f| f.metrics.macro_f1).collect());
    let (log_loss_mean, _) = mean_sd(figures.iter().map(|f| f.metrics.log_loss.unwrap_or(f64::NAN)).collect());
    let (calibration_error_mean, _) =
        mean_sd(figures.iter().map(|f| f.metrics.calibration_error.unwrap_or(f64::NAN)).collect());
    Ok(MethodEvaluation {
        file: file.display().to_string(),
        texts: examples.len(),
        categories: categories.len(),
        splits: figures,
        accuracy_mean,
        accuracy_sd,
        macro_f1_mean,
        macro_f1_sd,
        log_loss_mean,
        calibration_error_mean,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// The mean and the sample standard deviation (0 for a single split).
fn mean_sd(values: Vec<f64>) -> (f64, f64) {
    use statrs::statistics::Statistics;
    let sd = if values.len() > 1 { values.iter().std_dev() } else { 0.0 };
    (values.iter().mean(), sd)
}

impl Appeals<'_> {
    /// Trains and registers a new version of the appeals classifier on a labelled export, and with
    /// `include_corrections` also on the categories people gave appeals in this database (each
    /// correction's masked text and label; the data digest then covers both).
    pub fn train(
        &mut self,
        file: &Path,
        params: &TrainParams,
        include_corrections: bool,
        progress: &dyn Fn(crate::analytics::Step),
    ) -> Result<TrainReport, ApiError> {
        let labelled = read_labelled(file)?;
        self.train_on_labelled(labelled, &file.display().to_string(), params, include_corrections, progress)
    }

    pub(in crate::api) fn train_on_labelled(
        &mut self,
        labelled: crate::ingest::labelled::LabelledFile,
        data_file: &str,
        params: &TrainParams,
        include_corrections: bool,
        progress: &dyn Fn(crate::analytics::Step),
    ) -> Result<TrainReport, ApiError> {
        let started = std::time::Instant::now();
        let mut examples: Vec<Example> =
            labelled.rows.iter().map(|r| Example { text: r.text.clone(), label: r.category.clone() }).collect();
        let mut groups: Vec<Option<String>> = labelled.rows.iter().map(|r| r.region.clone()).collect();
        let mut data_sha256 = labelled.sha256.clone();
        let mut data_file = data_file.to_string();
        if include_corrections {
            let corrections = self.read().store().category_corrections()?;
            let mut h = Sha256::new();
            h.update(labelled.sha256.as_bytes());
            for (no, text, label) in &corrections {
                for part in [no, text, label] {
                    h.update((part.len() as u64).to_le_bytes());
                    h.update(part.as_bytes());
                }
                examples.push(Example { text: text.clone(), label: label.clone() });
                groups.push(None);
            }
            data_sha256 = hex::encode(h.finalize());
            data_file.push_str(&format!(" + {} correction(s) from the database", corrections.len()));
        }
        let file = Path::new(&data_file);
        let categories = {
            let mut c: Vec<&str> = examples.iter().map(|e| e.label.as_str()).collect();
            c.sort_unstable();
            c.dedup();
            c.len()
        };
        if categories > MAX_CATEGORIES {
            return Err(ApiError::new(
                ErrorCode::InvalidInput,
                format!(
                    "{}: field category: {categories} different categories, more than the {MAX_CATEGORIES} a model \
                     learns; is the right column named 'category'?",
                    file.display()
                ),
            ));
        }
        if categories < 2 {
            return Err(ApiError::new(
                ErrorCode::InvalidInput,
                format!("{}: a classifier needs at least two categories; the file has {categories}", file.display()),
            ));
        }
        let by_region = groups.iter().any(Option::is_some).then_some(groups.as_slice());
        let (model, metrics) = train_and_evaluate(&examples, by_region, params, progress);
        let arrays = model.arrays_to_bytes();
        let arrays_sha256 = crate::api::sha256_hex(&arrays);
        let new = NewModel {
            kind: APPEALS_CLASSIFIER,
            data_file: &data_file,
            data_sha256: &data_sha256,
            texts: examples.len() as i64,
            classes: crate::api::json_text(&model.classes),
            params: crate::api::json_text(params),
            metrics: crate::api::json_text(&metrics),
            temperature: model.temperature,
            c: model.c,
            char_weight: params.char_weight,
            arrays: &arrays,
            arrays_sha256: &arrays_sha256,
        };
        let (accuracy, macro_f1) = (metrics.accuracy, metrics.macro_f1);
        let id = self.journal().run(|w| {
            let (id, name) = w.put_model(NAME_PREFIX, &new)?;
            let entry = Entry::ModelTrained {
                model: name,
                model_kind: APPEALS_CLASSIFIER.into(),
                data_file: data_file.clone(),
                data_sha256: data_sha256.clone(),
                texts: examples.len(),
                accuracy,
                macro_f1,
                arrays_sha256: arrays_sha256.clone(),
            };
            w.append(&entry, About::default(), Some(RecordRef::Model(id)))?;
            Ok(id)
        })?;
        let record = self.model_record(id)?;
        Ok(TrainReport {
            model: record,
            metrics,
            params: params.clone(),
            file_format: labelled.format,
            skipped_lines: labelled.skipped,
            features: model.vectorizer.features(),
            seconds: started.elapsed().as_secs_f64(),
        })
    }

    /// The record of a model version just stored.
    pub(in crate::api) fn model_record(&self, id: i64) -> Result<ModelRecord, ApiError> {
        self.read()
            .store()
            .models()?
            .into_iter()
            .find(|m| m.id == id)
            .ok_or_else(|| ApiError::new(ErrorCode::Internal, "the model just stored cannot be read back".to_string()))
    }

    /// The appeals classifier in force (the newest version), with its record.
    pub fn classifier(&self) -> Result<(ModelRecord, Classifier), ApiError> {
        self.read().appeals_classifier_version(None)
    }

    /// Classifies every row of an export (a text column at least) without storing anything.
    pub fn classify_file(&self, file: &Path) -> Result<Vec<ClassifiedRow>, ApiError> {
        let (record, model) = self.classifier()?;
        let rows = crate::ingest::labelled::read_texts(file)?;
        // Rows are independent: every core takes a contiguous part, and the parts come back in
        // order (a file of a few rows is not worth a thread).
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 8);
        let parts = if rows.len() < 1_000 { 1 } else { threads };
        let classified = crate::analytics::parallel::map_parts(&rows, parts, |part| {
            part.iter()
                .map(|r| {
                    let explanation = model.predict(&r.text, EXPLAIN_TOP);
                    ClassifiedRow {
                        line: r.line,
                        appeal_no: r.appeal_no.clone(),
                        category: explanation.category.clone(),
                        confidence: explanation.confidence,
                        model: record.name.clone(),
                        explanation,
                    }
                })
                .collect::<Vec<_>>()
        });
        Ok(classified.into_iter().flatten().collect())
    }
}

impl Read<'_> {
    /// An appeals classifier version by name, or the newest with None, with its record.
    pub(in crate::api) fn appeals_classifier_version(
        &self,
        name: Option<&str>,
    ) -> Result<(ModelRecord, Classifier), ApiError> {
        let Some((record, arrays)) = self.store().model(APPEALS_CLASSIFIER, name)? else {
            let missing = match name {
                Some(name) => format!("no appeals classifier '{name}'"),
                None => "no appeals classifier has been trained yet (ekn appeals train FILE)".to_string(),
            };
            return Err(ApiError::new(ErrorCode::NotFound, missing));
        };
        let classes: Vec<String> = serde_json::from_str(&record.classes)
            .map_err(|e| ApiError::new(ErrorCode::Internal, format!("model {}: classes: {e}", record.name)))?;
        // The parameters say which feature layout the arrays hold (models before the spans block
        // read without it).
        let params: TrainParams = serde_json::from_str(&record.params)
            .map_err(|e| ApiError::new(ErrorCode::Internal, format!("model {}: parameters: {e}", record.name)))?;
        let model =
            Classifier::from_parts(classes, &arrays, record.temperature, record.c, &params).ok_or_else(|| {
                ApiError::new(ErrorCode::Internal, format!("model {}: its arrays do not fit", record.name))
            })?;
        Ok((record, model))
    }
}
