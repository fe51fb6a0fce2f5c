//! The model passport: one document per model version, generated from its stored record — what
//! it was trained on (file, digest, texts per category), how (method, parameters, the C chosen by
//! cross-validation, the calibration), how well on held-out data (accuracy, macro-F1, per
//! category, by region as the bias check), what it is for and not for, its limits, and how many
//! decisions it has made. Markdown, so it reads the same in the app, in a terminal and in docs/.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::analytics::classifier::TrainParams;
use crate::analytics::evaluate::Metrics;
use crate::analytics::risk::{RiskMetrics, RiskParams};
use crate::api::{ApiError, ErrorCode, Session};
use crate::domain::journal::Entry;
use crate::store::ModelRecord;

/// A model version's passport.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ModelPassport {
    pub name: String,
    pub markdown: String,
}

/// Categories with fewer training texts than this are named as a limit.
const FEW_EXAMPLES: usize = 20;

impl Session {
    /// The record of model version `name`; `not_found` names the versions there are.
    pub(in crate::api) fn model_named(&self, name: &str) -> Result<ModelRecord, ApiError> {
        let models = self.store.models()?;
        models.iter().find(|m| m.name == name).cloned().ok_or_else(|| {
            let known: Vec<&str> = models.iter().map(|m| m.name.as_str()).collect();
            ApiError::new(ErrorCode::NotFound, format!("no model '{name}' (known: {})", known.join(", ")))
        })
    }

    /// The passport of model version `name` (`appeals-v3`).
    pub fn model_passport(&self, name: &str) -> Result<ModelPassport, ApiError> {
        let name = name.trim();
        let record = &self.model_named(name)?;
        let broken = |what: &str, e: serde_json::Error| {
            ApiError::new(ErrorCode::Internal, format!("model {name}: its stored {what} cannot be read: {e}"))
        };
        if record.kind == crate::api::RISK_MODEL {
            let metrics: RiskMetrics = serde_json::from_str(&record.metrics).map_err(|e| broken("metrics", e))?;
            let params: RiskParams = serde_json::from_str(&record.params).map_err(|e| broken("parameters", e))?;
            let (entries, rows) = self.store.predictions_by(&record.name)?;
            let (_, model) = self.risk_model(Some(&record.name))?;
            let mut markdown = risk_passport(record, &metrics, &params, &model, entries, rows);
            markdown.push_str(&risk_check_section(self.store.last_model_check(&record.name)?));
            return Ok(ModelPassport { name: record.name.clone(), markdown });
        }
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
        if record.data_file.contains(crate::api::registry::demo::GENERATED) {
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
        md.push_str("\n## Last check on newer data\n\n");
        match self.store.last_model_check(&record.name)? {
            Some((
                at,
                Entry::ModelChecked {
                    data_file,
                    data_sha256,
                    texts,
                    accuracy,
                    macro_f1,
                    per_class,
                    unknown_labels,
                    ..
                },
            )) => {
                let _ = writeln!(
                    md,
                    "{at}: {texts} labelled texts from {data_file} (SHA-256 `{data_sha256}`): accuracy {:.1}% \
                     (held out when registered {:.1}%), macro-F1 {:.3} (then {:.3}).",
                    accuracy * 100.0,
                    metrics.accuracy * 100.0,
                    macro_f1,
                    metrics.macro_f1
                );
                for (category, n, f1, then) in per_class.iter().take(3) {
                    let then = then.map_or("not measured".to_string(), |t| format!("{t:.3}"));
                    let _ = writeln!(md, "- {category}: F1 {f1:.3} on {n} texts (then {then})");
                }
                if !unknown_labels.is_empty() {
                    let names: Vec<String> = unknown_labels.iter().map(|(l, n)| format!("{l} ({n})")).collect();
                    let _ = writeln!(md, "- categories the model does not know: {}", names.join(", "));
                }
            }
            _ => md.push_str("Not re-tested since it was registered (`ekn models check NAME --on FILE`).\n"),
        }
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

fn percent(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// The risk passport's last section: the last re-test on newer inspections, if any.
fn risk_check_section(last: Option<(String, Entry)>) -> String {
    let mut md = String::from("\n## Last check on newer data\n\n");
    match last {
        Some((
            at,
            Entry::RiskModelChecked {
                period,
                inspections,
                auc,
                auc_then,
                brier,
                brier_then,
                observed_rate,
                mean_predicted,
                drifted,
                ..
            },
        )) => {
            let figure = |a: Option<f64>| a.map_or("—".to_string(), |a| format!("{a:.3}"));
            let _ = writeln!(
                md,
                "{at}: {inspections} inspections from {} to {}: AUC {} (registered {}), Brier {brier:.4} (registered \
                 {brier_then:.4}), declared illegal {} against {} predicted — {}.",
                period.0,
                period.1,
                figure(auc),
                figure(auc_then),
                percent(observed_rate),
                percent(mean_predicted),
                if drifted { "drifted: retrain it" } else { "within the spread" }
            );
        }
        _ => md.push_str("Not re-tested yet (`ekn models check NAME` once newer inspections are imported).\n"),
    }
    md
}

/// The passport of a risk model version.
fn risk_passport(
    record: &ModelRecord,
    m: &RiskMetrics,
    params: &RiskParams,
    model: &crate::analytics::risk::RiskModel,
    entries: i64,
    rows: i64,
) -> String {
    let mut md = String::new();
    let _ = writeln!(md, "# Model passport: {}\n", record.name);
    let _ = writeln!(
        md,
        "Local risk model (`{}`), version {} — trained {} by {}. Arrays SHA-256 `{}`.\n",
        m.target.code(),
        record.version,
        record.created_at,
        record.author,
        record.arrays_sha256
    );
    md.push_str("## Intended use\n\n");
    md.push_str(
        "Ranks upcoming inspections (a plan, or unplanned ones just registered) by how likely they are to go wrong, so \
         that a prosecutor looks first where a check is most likely needed, and explains each estimate (contributions, \
         similar past cases, what to check). Its outputs are hypotheses and priorities to verify by procedural means, \
         never a finding; they concern organisations and the practices of control bodies, never citizens, and make no \
         black list. A person may override any estimate with a reason (journaled).\n\n",
    );
    md.push_str("## Data\n\n");
    let _ = writeln!(md, "- {}", record.data_file);
    let _ = writeln!(md, "- SHA-256 of the imports used: `{}`", record.data_sha256);
    if record.data_file.contains(crate::api::registry::demo::GENERATED) {
        md.push_str(
            "- **The data are generated** (the demo set): figures on them say nothing about real inspections.\n",
        );
    }
    let _ = writeln!(
        md,
        "- Inspections with a known outcome: {} — trained on {} ({} – {}), held out the most recent {} ({} – {})",
        record.texts,
        m.train_inspections,
        m.train_period.0,
        m.train_period.1,
        m.test_inspections,
        m.test_period.0,
        m.test_period.1
    );
    md.push_str("\n## Method\n\n");
    let _ = writeln!(
        md,
        "Features known before an inspection's outcome, built by replaying the registry in date order (an inspection \
         never sees itself or its own day): numbers — {}; categories (one-hot, levels seen fewer than {} times pooled \
         as \"other\") — {}. The outcome columns (appealed, declared illegal) are never inputs. Logistic regression \
         with L2 penalty (C = {}{}), fitted by Newton's method; numbers standardised on the training part. Every \
         prediction splits exactly into per-feature contributions to the log-odds against the average inspection.\n",
        model.numeric.iter().map(|n| n.name.as_str()).collect::<Vec<_>>().join(", "),
        params.min_level_count,
        model.categorical.iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join(", "),
        params.c,
        if params.c_grid.is_empty() {
            String::new()
        } else {
            format!(", chosen from {:?} on the most recent fifth of the training part", params.c_grid)
        }
    );
    md.push_str("## Held-out figures (time split)\n\n");
    let _ = writeln!(
        md,
        "AUC **{}**, Brier score **{:.4}** (a constant at the base rate scores {:.4}), calibration error {:.4}; base \
         rate {} in training, {} held out.\n",
        m.auc.map_or("—".into(), |a| format!("{a:.3}")),
        m.brier,
        m.brier_of_base_rate,
        m.calibration_error,
        percent(m.base_rate_train),
        percent(m.base_rate_test)
    );
    md.push_str("### Calibration\n\n| Predicted | Inspections | Mean predicted | Observed |\n|---|---|---|---|\n");
    for b in &m.calibration {
        let _ = writeln!(
            md,
            "| {:.0}–{:.0}% | {} | {} | {} |",
            b.from * 100.0,
            b.to * 100.0,
            b.inspections,
            percent(b.mean_predicted),
            percent(b.observed_rate)
        );
    }
    for (title, groups) in
        [("Bias check: by region", &m.by_region), ("Bias check: by control body", &m.by_control_body)]
    {
        let _ = writeln!(md, "\n### {title}\n");
        if groups.is_empty() {
            md.push_str("No group had 30 or more held-out inspections.\n");
            continue;
        }
        md.push_str("| Group | Held out | Mean predicted | Observed | AUC |\n|---|---|---|---|---|\n");
        for g in groups.iter().take(25) {
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} | {} |",
                region_label(&g.group),
                g.inspections,
                percent(g.mean_predicted),
                percent(g.observed_rate),
                g.auc.map_or("—".into(), |a| format!("{a:.3}"))
            );
        }
    }
    md.push_str(
        "\n## Limits\n\n\
         - It learns the registry's past: a practice that changed (a new head of a body, a new law) is not in it until \
         the next version.\n\
         - A body, district or industry unseen in training gets the average of its feature (\"other\"), said so in \
         the contributions.\n\
         - Outcomes not yet known (inspections still open to appeal) are left out of training; a very recent period \
         therefore weighs less.\n\
         - Contributions show what the model used, not why an inspection would be unlawful.\n",
    );
    if !m.converged {
        md.push_str("- The fit stopped before converging (iteration limit): treat the figures with caution.\n");
    }
    md.push_str("\n## Use so far\n\n");
    let _ = writeln!(md, "{entries} journaled prediction run(s) with this version, {rows} prediction(s) in all.");
    md
}
