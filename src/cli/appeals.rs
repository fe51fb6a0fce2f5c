//! Rendering the appeals classifier's commands: a training report (held-out figures per category
//! and the confusion matrix), classified rows with their reasons, and the model versions.

use std::fmt::Write as _;

use ekn::analytics::evaluate::Metrics;
use ekn::api::{ClassifiedRow, ModelRecord, TrainReport};

/// Prints each training step on stderr (not with --json, whose stdout is the answer).
pub fn step_reporter(json: bool) -> impl Fn(&str) {
    move |step: &str| {
        if !json {
            eprintln!("  … {step}");
        }
    }
}

pub fn render_training(r: &TrainReport) -> String {
    let mut out = String::new();
    let m = &r.metrics;
    let _ = writeln!(
        out,
        "Model {} registered: {} texts from {} ({}), {} features, {:.1} s",
        r.model.name, r.model.texts, r.model.data_file, r.file_format, r.features, r.seconds
    );
    let _ = writeln!(out, "  data sha256 {}", r.model.data_sha256);
    if !r.skipped_lines.is_empty() {
        let shown: Vec<String> = r.skipped_lines.iter().take(10).map(u64::to_string).collect();
        let _ = writeln!(
            out,
            "  {} line(s) skipped for an empty text or category: {}{}",
            r.skipped_lines.len(),
            shown.join(", "),
            if r.skipped_lines.len() > 10 { ", …" } else { "" }
        );
    }
    out.push_str(&render_metrics(m));
    out
}

/// Held-out figures, per category, and the confusion matrix.
pub fn render_metrics(m: &Metrics) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Held-out evaluation ({} training, {} held-out texts, stratified): accuracy {:.3}, macro-F1 {:.3}",
        m.train_texts, m.test_texts, m.accuracy, m.macro_f1
    );
    if !m.cv.is_empty() {
        let tried: Vec<String> = m.cv.iter().map(|(c, a)| format!("C={c}: {a:.3}")).collect();
        let _ = writeln!(out, "  C chosen by cross-validation on the training part: {} ({})", m.c, tried.join(", "));
    }
    let _ = writeln!(out, "  confidence temperature {:.2} (fitted on the held-out part)", m.temperature);
    let _ = writeln!(
        out,
        "  {:<40} {:>9} {:>7} {:>6} {:>8} {:>8}",
        "category", "precision", "recall", "F1", "held-out", "examples"
    );
    for c in &m.per_class {
        let _ = writeln!(
            out,
            "  {:<40} {:>9.3} {:>7.3} {:>6.3} {:>8} {:>8}",
            c.category, c.precision, c.recall, c.f1, c.support, c.examples
        );
    }
    if !m.unmeasured.is_empty() {
        let _ = writeln!(out, "  too few examples to measure: {}", m.unmeasured.join(", "));
    }
    let _ = writeln!(out, "  confusion (rows: true category, columns: predicted, in the order above):");
    for row in &m.confusion {
        let cells: Vec<String> = row.iter().map(|n| format!("{n:>5}")).collect();
        let _ = writeln!(out, "  {}", cells.join(""));
    }
    out
}

pub fn render_classified(rows: &Vec<ClassifiedRow>) -> String {
    let mut out = String::new();
    for r in rows {
        let reasons: Vec<&str> = r.explanation.for_category.iter().take(3).map(|w| w.ngram.as_str()).collect();
        let _ = writeln!(
            out,
            "line {:>6}  {:<20} {:<40} {:>5.1}%  ({}; because: {})",
            r.line,
            r.appeal_no.as_deref().unwrap_or("-"),
            r.category,
            r.confidence * 100.0,
            r.model,
            reasons.join(", ")
        );
    }
    out
}

pub fn render_models(models: &Vec<ModelRecord>) -> String {
    let mut out = String::new();
    if models.is_empty() {
        out.push_str("No model has been trained yet (ekn appeals train FILE).\n");
    }
    for m in models {
        let figures = serde_json::from_str::<Metrics>(&m.metrics)
            .map(|x| format!("accuracy {:.3}, macro-F1 {:.3} held out", x.accuracy, x.macro_f1))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{:<16} {}  by {}  {} texts from {} (sha256 {}…)  {figures}",
            m.name,
            m.created_at,
            m.author,
            m.texts,
            m.data_file,
            &m.data_sha256[..m.data_sha256.len().min(16)]
        );
    }
    out
}
