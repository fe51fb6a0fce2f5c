//! The model passport: one document per model version, generated from its stored record — what
//! it was trained on (file, digest, texts per category), how (method, parameters, the C chosen by
//! cross-validation, the calibration), how well on held-out data (accuracy, macro-F1, per
//! category, by region as the bias check), what it is for and not for, its limits, and how many
//! decisions it has made. Markdown, so it reads the same in the app, in a terminal and in docs/.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::{ApiError, ErrorCode, Session};
use crate::analytics::classifier::TrainParams;
use crate::analytics::evaluate::Metrics;

/// A model version's passport.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ModelPassport {
    pub name: String,
    pub markdown: String,
}

/// Categories with fewer training texts than this are named as a limit.
const FEW_EXAMPLES: usize = 20;

impl Session {
    /// The passport of model version `name` (`appeals-v3`).
    pub fn model_passport(&self, name: &str) -> Result<ModelPassport, ApiError> {
        let name = name.trim();
        let models = self.store.models()?;
        let record = models.iter().find(|m| m.name == name).ok_or_else(|| {
            let known: Vec<&str> = models.iter().map(|m| m.name.as_str()).collect();
            ApiError::new(ErrorCode::NotFound, format!("no model '{name}' (known: {})", known.join(", ")))
        })?;
        let broken = |what: &str, e: serde_json::Error| {
            ApiError::new(ErrorCode::Internal, format!("model {name}: its stored {what} cannot be read: {e}"))
        };
        let metrics: Metrics = serde_json::from_str(&record.metrics).map_err(|e| broken("metrics", e))?;
        let params: TrainParams = serde_json::from_str(&record.params).map_err(|e| broken("parameters", e))?;
        let decisions = self.store.decisions_by(&record.name)?;

        let mut md = String::new();
        let _ = writeln!(md, "# Model passport: {}\n", record.name);
        let _ = writeln!(
            md,
            "Appeals classifier, version {} — trained {} by {}. Arrays SHA-256 `{}`.\n",
            record.version, record.created_at, record.author, record.arrays_sha256
        );
        md.push_str("## Intended use\n\n");
        md.push_str(
            "Suggests the category of a citizen's appeal so that it can be prioritised and routed. The suggestion is a \
             hypothesis: the category registered by an officer stands over it, and any person may correct it with a \
             reason (journaled). It does not judge the appeal's merits, the applicant, or the object; it must not be \
             used to score citizens.\n\n",
        );
        md.push_str("## Data\n\n");
        let _ = writeln!(md, "- File: {}", record.data_file);
        let _ = writeln!(md, "- SHA-256 of the data: `{}`", record.data_sha256);
        let _ = writeln!(
            md,
            "- Texts: {} ({} for training, {} held out, stratified by category); personal data masked before learning",
            record.texts, metrics.train_texts, metrics.test_texts
        );
        if record.data_file.contains("generated demo data") {
            md.push_str(
                "- **The data are generated** (the demo set): figures on them say nothing about real appeals.\n",
            );
        }
        md.push_str("\n## Method\n\n");
        let choice = if metrics.cv.is_empty() {
            format!("C = {} fixed (no cross-validation: a single C was given, or the data were too many)", record.c)
        } else {
            let tried: Vec<String> = metrics.cv.iter().map(|(c, acc)| format!("C {c}: {acc:.3}")).collect();
            format!(
                "C = {} chosen by {}-fold cross-validation on the training part ({})",
                record.c,
                params.cv_folds,
                tried.join(", ")
            )
        };
        let _ = writeln!(
            md,
            "Normalised text (HTML remnants removed, lower case, ё→е, digits folded); word 1–2-grams and character \
             2–5-grams inside words (no stemmer, so Russian and Kazakh alike), TF-IDF with sublinear term frequency, \
             each block normalised, the character block weighted {}; one-vs-rest linear SVM (L2 loss, dual coordinate \
             descent) with balanced class weights; {choice}; probabilities by a softmax with temperature {:.3} fitted \
             on the held-out part.\n",
            record.char_weight, record.temperature
        );
        md.push_str("## Held-out figures\n\n");
        let _ = writeln!(md, "Accuracy **{:.3}**, macro-F1 **{:.3}**.\n", metrics.accuracy, metrics.macro_f1);
        md.push_str("| Category | Precision | Recall | F1 | Held out | Training texts |\n|---|---|---|---|---|---|\n");
        for c in &metrics.per_class {
            let _ = writeln!(
                md,
                "| {} | {:.3} | {:.3} | {:.3} | {} | {} |",
                c.category, c.precision, c.recall, c.f1, c.support, c.examples
            );
        }
        md.push_str("\n## Bias check: accuracy by region\n\n");
        if metrics.by_group.is_empty() {
            md.push_str(
                "The training file named no region (a `kato` or `region` column), so no figures by region exist.\n",
            );
        } else {
            md.push_str("| Region | Held-out texts | Accuracy |\n|---|---|---|\n");
            for g in &metrics.by_group {
                let _ = writeln!(md, "| {} | {} | {:.3} |", region_label(&g.group), g.texts, g.accuracy);
            }
            let worst =
                metrics.by_group.iter().filter(|g| g.texts >= 10).min_by(|a, b| a.accuracy.total_cmp(&b.accuracy));
            if let Some(w) = worst {
                let _ = writeln!(
                    md,
                    "\nLowest among regions with 10 or more held-out texts: {} at {:.3} (overall {:.3}).",
                    region_label(&w.group),
                    w.accuracy,
                    metrics.accuracy
                );
            }
        }
        md.push_str("\n## Limits\n\n");
        let few: Vec<String> = metrics
            .per_class
            .iter()
            .filter(|c| c.examples < FEW_EXAMPLES)
            .map(|c| format!("{} ({})", c.category, c.examples))
            .collect();
        if !few.is_empty() {
            let _ = writeln!(md, "- Categories with fewer than {FEW_EXAMPLES} training texts: {}.", few.join(", "));
        }
        if !metrics.unmeasured.is_empty() {
            let _ = writeln!(
                md,
                "- Trained on but not measured (too few to hold one out): {}.",
                metrics.unmeasured.join(", ")
            );
        }
        md.push_str(
            "- It knows only the categories of its training file, in its labels; a new kind of complaint gets the \
             nearest known category with low confidence.\n\
             - Its figures hold for texts like its training texts; a change in how appeals are written or registered \
             calls for a new version and a new passport.\n\
             - Explanations name the n-grams that weighed most; they show what the model used, not why the appeal \
             belongs to the category.\n",
        );
        md.push_str("\n## Use so far\n\n");
        let _ = writeln!(
            md,
            "{} category decision(s) recorded with this version; every one stores the inputs' digest and its explanation.",
            decisions
        );
        Ok(ModelPassport { name: record.name.clone(), markdown: md })
    }
}

/// "75 Алматы" for a region code, the group as written otherwise.
fn region_label(group: &str) -> String {
    match crate::domain::territory::REGIONS.iter().find(|r| r.code == group) {
        Some(r) => format!("{} {}", r.code, r.name_ru),
        None => group.to_string(),
    }
}
