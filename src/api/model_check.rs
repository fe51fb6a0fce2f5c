//! Re-testing a stored model on newer labelled data (`ekn models check NAME --on FILE`): the
//! article's MLOps contour. A model's held-out figures describe the data it was trained on; appeals
//! drift (new kinds of complaint, a new category, a region that writes differently), so an office
//! labels a fresh sample now and then and asks how the version in force does on it. The check
//! classifies every text with that version, measures accuracy, macro-F1, each category's F1 and
//! each region's accuracy, sets them beside the figures the version was registered with, and
//! journals the result (the passport shows the last one). It changes no model and no decision.
//!
//! Also here: whether a model is older than its data (appeals or inspections imported, or
//! categories corrected, since it was trained), which the app says beside each version.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::analytics::evaluate::Metrics;
use crate::api::appeals::APPEALS_CLASSIFIER;
use crate::api::models::Models;
use crate::api::{ApiError, ErrorCode, RISK_MODEL};
use crate::domain::journal::{Entry, RecordRef};
use crate::ingest::labelled::{read_labelled, read_labelled_bytes, LabelledFile};
use crate::store::About;

/// One category's figures now and when the version was registered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ClassCheck {
    pub category: String,
    /// Texts of this category in the new data.
    pub texts: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// The held-out F1 when registered (None: the category was not measured then).
    pub f1_then: Option<f64>,
}

/// One region's accuracy now and when registered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct RegionCheck {
    pub region: String,
    pub texts: usize,
    pub accuracy: f64,
    pub accuracy_then: Option<f64>,
}

/// What a check found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ModelCheck {
    pub model: String,
    pub data_file: String,
    pub data_sha256: String,
    pub texts: usize,
    /// Lines skipped for an empty text or label.
    pub skipped_lines: Vec<u64>,
    pub accuracy: f64,
    pub macro_f1: f64,
    pub accuracy_then: f64,
    pub macro_f1_then: f64,
    /// Worst change first.
    pub per_class: Vec<ClassCheck>,
    /// Worst change first; empty when the file names no region.
    pub by_region: Vec<RegionCheck>,
    /// Labels the model does not know, with their texts: counted wrong, and a reason to retrain.
    pub unknown_labels: Vec<(String, usize)>,
    /// What the figures say, in ru/kk/en.
    pub verdict: crate::domain::norms::Localized,
    /// Whether accuracy fell by more than chance allows (the verdict then says to retrain).
    pub drifted: bool,
    /// The journal entry that records the check.
    pub journal_seq: i64,
    pub seconds: f64,
}

/// How far accuracy may fall on new data before the check says the model has drifted: five random
/// held-out splits of the same real complaints gave 0.772–0.803 (docs/APPEALS.md §2, ±0.015 a
/// split), so a fall of less than two and a half points is not told from chance.
const DRIFT_POINTS: f64 = 0.025;

/// Whether accuracy `now` fell from `then` by more than chance allows (`DRIFT_POINTS`).
fn accuracy_drifted(now: f64, then: f64) -> bool {
    now + DRIFT_POINTS < then
}

/// Whether a model version is older than the data it stands on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ModelFreshness {
    pub model: String,
    /// Imports of the model's kind of data finished after it was trained.
    pub imports_since: usize,
    /// Rows those imports inserted or updated.
    pub rows_since: i64,
    /// Categories people corrected since (appeals classifiers).
    pub corrections_since: i64,
    /// The newest of those, when any.
    pub newest: Option<String>,
    /// The last check's time, the figure then and now: accuracy for an appeals classifier, AUC
    /// for a risk model (`check_measure`).
    pub last_check: Option<(String, f64, f64)>,
    /// `accuracy` or `auc`.
    #[serde(default)]
    pub check_measure: String,
    /// Whether the last check found the model drifted.
    #[serde(default)]
    pub drifted: bool,
}

/// A category's texts, precision, recall and F1.
type ClassCounts = (usize, f64, f64, f64);

/// Per-category precision, recall and F1 over (truth, predicted) pairs, and macro-F1 over the
/// categories present in the truth.
fn class_figures(pairs: &[(String, String)]) -> (BTreeMap<String, ClassCounts>, f64) {
    let mut counts: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new(); // (tp, truth, predicted)
    for (truth, predicted) in pairs {
        counts.entry(truth.clone()).or_default().1 += 1;
        counts.entry(predicted.clone()).or_default().2 += 1;
        if truth == predicted {
            counts.entry(truth.clone()).or_default().0 += 1;
        }
    }
    let mut out = BTreeMap::new();
    for (category, (tp, truth, predicted)) in counts {
        if truth == 0 {
            continue;
        }
        let precision = if predicted > 0 { tp as f64 / predicted as f64 } else { 0.0 };
        let recall = tp as f64 / truth as f64;
        let f1 = if precision + recall > 0.0 { 2.0 * precision * recall / (precision + recall) } else { 0.0 };
        out.insert(category, (truth, precision, recall, f1));
    }
    let macro_f1 = out.values().map(|v| v.3).sum::<f64>() / out.len().max(1) as f64;
    (out, macro_f1)
}

impl Models<'_> {
    /// Re-tests model version `name` on the labelled file `file` and journals the result.
    pub fn check(&mut self, name: &str, file: &Path) -> Result<ModelCheck, ApiError> {
        self.check_with(name, &file.display().to_string(), || Ok(read_labelled(file)?))
    }

    /// The same check on a labelled file sent to the app (Settings → Models), named `file_name` in
    /// the report, the journal and errors; the bytes are held in memory only.
    pub fn check_bytes(&mut self, name: &str, file_name: &str, bytes: Arc<[u8]>) -> Result<ModelCheck, ApiError> {
        self.check_with(name, file_name, || Ok(read_labelled_bytes(file_name, bytes)?))
    }

    /// The check itself; `read` reads the labelled texts once the model is known to be a classifier
    /// (a risk model's name is refused before the file is parsed).
    fn check_with(
        &mut self,
        name: &str,
        data_file: &str,
        read: impl FnOnce() -> Result<LabelledFile, ApiError>,
    ) -> Result<ModelCheck, ApiError> {
        let started = std::time::Instant::now();
        let name = name.trim();
        let record = self.read().model_named(name)?;
        if record.kind != APPEALS_CLASSIFIER {
            return Err(ApiError::invalid(format!(
                "{name} is a {}: a risk model is re-tested on the database's inspections newer than it, not on a \
                 labelled file (ekn models check {name})",
                record.kind
            )));
        }
        let (_, model) = self.read().appeals_classifier_version(Some(&record.name))?;
        let then: Metrics = serde_json::from_str(&record.metrics).map_err(|e| {
            ApiError::new(ErrorCode::Internal, format!("model {name}: its stored metrics cannot be read: {e}"))
        })?;
        let labelled = read()?;
        if labelled.rows.is_empty() {
            return Err(ApiError::invalid(format!("{data_file}: no labelled text to check the model on")));
        }
        // Labels are compared as written, as training took them: a label spelt otherwise is unknown.
        let known: std::collections::HashSet<&str> = model.classes.iter().map(String::as_str).collect();
        let pairs: Vec<(String, String)> = labelled
            .rows
            .iter()
            .map(|r| {
                let predicted = model.classes[model.predict_index(&r.text)].clone();
                (r.category.clone(), predicted)
            })
            .collect();
        let correct = pairs.iter().filter(|(t, p)| t == p).count();
        let accuracy = correct as f64 / pairs.len() as f64;
        let (classes, macro_f1) = class_figures(&pairs);
        let mut unknown: BTreeMap<String, usize> = BTreeMap::new();
        for (truth, _) in &pairs {
            if !known.contains(truth.as_str()) {
                *unknown.entry(truth.clone()).or_default() += 1;
            }
        }
        let mut per_class: Vec<ClassCheck> = classes
            .into_iter()
            .map(|(category, (texts, precision, recall, f1))| ClassCheck {
                f1_then: then.per_class.iter().find(|c| c.category == category && c.support > 0).map(|c| c.f1),
                category,
                texts,
                precision,
                recall,
                f1,
            })
            .collect();
        per_class.sort_by(|a, b| {
            let change = |c: &ClassCheck| c.f1 - c.f1_then.unwrap_or(c.f1);
            change(a).total_cmp(&change(b)).then(a.category.cmp(&b.category))
        });
        let mut regions: BTreeMap<String, (usize, usize)> = BTreeMap::new();
        for (row, (truth, predicted)) in labelled.rows.iter().zip(&pairs) {
            if let Some(region) = &row.region {
                let r = regions.entry(region.clone()).or_default();
                r.0 += 1;
                r.1 += usize::from(truth == predicted);
            }
        }
        let mut by_region: Vec<RegionCheck> = regions
            .into_iter()
            .map(|(region, (texts, right))| RegionCheck {
                accuracy_then: then.by_group.iter().find(|g| g.group == region).map(|g| g.accuracy),
                region,
                texts,
                accuracy: right as f64 / texts as f64,
            })
            .collect();
        by_region.sort_by(|a, b| {
            let change = |r: &RegionCheck| r.accuracy - r.accuracy_then.unwrap_or(r.accuracy);
            change(a).total_cmp(&change(b)).then(a.region.cmp(&b.region))
        });
        let unknown_labels: Vec<(String, usize)> = unknown.into_iter().collect();
        let verdict = verdict(&record.name, accuracy, then.accuracy, &unknown_labels, pairs.len());
        let data_file = data_file.to_string();
        let entry = Entry::ModelChecked {
            model: record.name.clone(),
            data_file: data_file.clone(),
            data_sha256: labelled.sha256.clone(),
            texts: pairs.len(),
            accuracy,
            macro_f1,
            accuracy_then: then.accuracy,
            macro_f1_then: then.macro_f1,
            per_class: per_class.iter().map(|c| (c.category.clone(), c.texts, c.f1, c.f1_then)).collect(),
            by_region: by_region.iter().map(|r| (r.region.clone(), r.texts, r.accuracy, r.accuracy_then)).collect(),
            unknown_labels: unknown_labels.clone(),
        };
        let journal_seq =
            self.journal().run(|w| Ok(w.append(&entry, About::default(), Some(RecordRef::Model(record.id)))?.seq))?;
        Ok(ModelCheck {
            model: record.name,
            data_file,
            data_sha256: labelled.sha256,
            texts: pairs.len(),
            skipped_lines: labelled.skipped,
            accuracy,
            macro_f1,
            accuracy_then: then.accuracy,
            macro_f1_then: then.macro_f1,
            per_class,
            by_region,
            unknown_labels,
            drifted: accuracy_drifted(accuracy, then.accuracy),
            verdict,
            journal_seq,
            seconds: started.elapsed().as_secs_f64(),
        })
    }

    /// Whether each model version is older than its data: imports of its kind of data (appeals for a
    /// classifier, inspections for a risk model) finished after it was trained, categories
    /// corrected since, and its last check.
    pub fn freshness(&self) -> Result<Vec<ModelFreshness>, ApiError> {
        let mut out = Vec::new();
        for model in self.read().store().models()? {
            let data_kind = if model.kind == RISK_MODEL { "inspections" } else { "appeals" };
            let (imports_since, rows_since, newest) = self.read().store().imports_after_model(data_kind, model.id)?;
            let corrections_since = if model.kind == APPEALS_CLASSIFIER {
                self.read().store().corrections_after_model(model.id)?
            } else {
                0
            };
            let checked = self.read().store().last_model_check(&model.name)?;
            let drifted = match &checked {
                Some((_, Entry::ModelChecked { accuracy, accuracy_then, .. })) => {
                    accuracy_drifted(*accuracy, *accuracy_then)
                }
                Some((_, Entry::RiskModelChecked { drifted, .. })) => *drifted,
                _ => false,
            };
            let last_check = checked.and_then(|(at, entry)| match entry {
                Entry::ModelChecked { accuracy, accuracy_then, .. } => Some((at, accuracy_then, accuracy)),
                Entry::RiskModelChecked { auc: Some(auc), auc_then: Some(then), .. } => Some((at, then, auc)),
                _ => None,
            });
            out.push(ModelFreshness {
                model: model.name.clone(),
                imports_since: imports_since as usize,
                rows_since,
                corrections_since,
                newest,
                last_check,
                check_measure: if model.kind == RISK_MODEL { "auc" } else { "accuracy" }.to_string(),
                drifted,
            });
        }
        Ok(out)
    }
}

/// The check's conclusion in three languages: drifted (accuracy fell by more than the spread of
/// held-out figures), holds, or better; and unknown labels named as a reason to retrain.
fn verdict(
    model: &str,
    accuracy: f64,
    then: f64,
    unknown: &[(String, usize)],
    texts: usize,
) -> crate::domain::norms::Localized {
    let (now_p, then_p) = (format!("{:.1}%", accuracy * 100.0), format!("{:.1}%", then * 100.0));
    let (mut ru, mut kk, mut en) = if accuracy_drifted(accuracy, then) {
        (
            format!("{model}: точность на новых данных {now_p} против {then_p} при регистрации — модель устарела, её стоит переобучить на свежей разметке."),
            format!("{model}: жаңа деректердегі дәлдік {now_p}, тіркелген кезде — {then_p}; модель ескірген, оны жаңа белгіленген деректермен қайта үйрету керек."),
            format!("{model}: accuracy on the new data {now_p} against {then_p} when registered — the model has drifted; retrain it on fresh labels."),
        )
    } else {
        (
            format!("{model}: точность на новых данных {now_p} против {then_p} при регистрации — в пределах разброса, модель держится."),
            format!("{model}: жаңа деректердегі дәлдік {now_p}, тіркелген кезде — {then_p}; ауытқу шегінде, модель жарамды."),
            format!("{model}: accuracy on the new data {now_p} against {then_p} when registered — within the spread; the model holds."),
        )
    };
    if !unknown.is_empty() {
        let n: usize = unknown.iter().map(|u| u.1).sum();
        let names = unknown.iter().map(|u| u.0.as_str()).collect::<Vec<_>>().join(", ");
        ru += &format!(
            " {n} из {texts} текстов в категориях, которых модель не знает ({names}): она не может их назначить."
        );
        kk += &format!(" {texts} мәтіннің {n}-і модель білмейтін санаттарда ({names}): ол оларды тағайындай алмайды.");
        en += &format!(
            " {n} of {texts} texts are in categories the model does not know ({names}): it cannot assign them."
        );
    }
    crate::domain::norms::Localized { ru, kk, en }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_per_class_count_what_was_right_and_what_was_claimed() {
        let pair = |t: &str, p: &str| (t.to_string(), p.to_string());
        let pairs = vec![pair("a", "a"), pair("a", "b"), pair("b", "b"), pair("c", "b")];
        let (classes, macro_f1) = class_figures(&pairs);
        assert_eq!(classes["a"], (2, 1.0, 0.5, 2.0 / 3.0));
        let b = classes["b"];
        assert_eq!((b.0, b.2), (1, 1.0));
        assert!((b.1 - 1.0 / 3.0).abs() < 1e-12 && (b.3 - 0.5).abs() < 1e-12);
        assert_eq!(classes["c"], (1, 0.0, 0.0, 0.0));
        assert!((macro_f1 - (2.0 / 3.0 + 0.5) / 3.0).abs() < 1e-12);
    }
}
