//! Measuring the document reader on a corpus with ground truth (`ekn docs measure DIR`): per
//! rendition (docx, pdf, scan300, scan200, broken) and per requisite, precision and recall;
//! how many broken text layers went to OCR; time per page by method; how well the facts'
//! confidences tell right from wrong (Brier score and expected calibration error, before and after
//! calibration), and on request every fact with its score for fitting the calibration
//! (`scripts/documents/calibrate.py`). A measurement, not a test:
//! it asserts nothing. The corpus comes from scripts/documents/make_corpus.py (files named
//! `NAME.RENDITION.EXT` beside `NAME.truth.json`).

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use serde::Serialize;
use serde_json::Value;

use crate::api::{ApiError, ErrorCode};
use crate::extract::{self, Engines, Method, Rules};

/// Counts for one (rendition, requisite).
#[derive(Debug, Clone, Default, Serialize)]
pub struct FieldScore {
    pub true_positives: usize,
    pub false_positives: usize,
    pub false_negatives: usize,
    pub precision: f64,
    pub recall: f64,
    /// The harmonic mean of the two (0 when both are).
    pub f1: f64,
}

/// One rendition's figures.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RenditionScore {
    pub documents: usize,
    pub pages: usize,
    pub pages_by_ocr: usize,
    pub seconds_per_page: f64,
    #[serde(skip)]
    seconds: f64,
    /// The share of the document's words (its `NAME.txt`, where the corpus has one) found in the
    /// text read, counted with repeats: how much of the text OCR or a text layer gave back. Names
    /// the reader masks ([ФИО], [ТЕЛЕФОН]) count as lost. `None` without texts.
    pub word_accuracy: Option<f64>,
    #[serde(skip)]
    words: (usize, usize),
    pub fields: BTreeMap<String, FieldScore>,
    /// The documents where a field was missed or wrong, for reading.
    pub misses: Vec<String>,
}

/// How well confidences tell right facts from wrong ones.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ConfidenceScore {
    /// The mean squared gap between confidence and being right (0 is perfect).
    pub brier: f64,
    /// Expected calibration error: over ten equal bins of confidence, the facts-weighted mean gap
    /// between the bin's mean confidence and its share of right facts.
    pub ece: f64,
    /// The mean confidence, to set beside the share of facts right (`CalibrationMeasure`).
    pub mean_confidence: f64,
    /// Per bin (0–0.1, …, 0.9–1): facts, mean confidence, share right.
    pub bins: Vec<(usize, f64, f64)>,
}

/// The facts' confidences on the whole corpus: the rules' own scores and the calibrated ones.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CalibrationMeasure {
    pub calibration: String,
    /// Facts of the kinds the truth names (IINs aside), and how many were right.
    pub facts: usize,
    pub right: usize,
    pub rule_scores: ConfidenceScore,
    pub calibrated: ConfidenceScore,
}

/// One fact as read, for fitting a calibration (`--facts`).
#[derive(Debug, Clone, Serialize)]
pub struct MeasuredFact {
    pub file: String,
    pub kind: String,
    /// The rule's id without the version.
    pub rule: String,
    pub ocr: bool,
    pub word_confidence: Option<f32>,
    pub score: f32,
    pub confidence: f32,
    pub right: bool,
}

impl ConfidenceScore {
    fn of(pairs: &[(f64, bool)]) -> ConfidenceScore {
        let n = pairs.len().max(1) as f64;
        let brier = pairs.iter().map(|(p, right)| (p - f64::from(u8::from(*right))).powi(2)).sum::<f64>() / n;
        let mut bins = vec![(0usize, 0.0f64, 0.0f64); 10];
        for (p, right) in pairs {
            let b = ((p * 10.0).floor() as usize).min(9);
            bins[b].0 += 1;
            bins[b].1 += p;
            bins[b].2 += f64::from(u8::from(*right));
        }
        let ece = bins.iter().map(|(_, sum_p, sum_right)| (sum_p - sum_right).abs()).sum::<f64>() / n;
        let bins = bins
            .into_iter()
            .map(|(k, sum_p, sum_right)| {
                let m = k.max(1) as f64;
                (k, sum_p / m, sum_right / m)
            })
            .collect();
        let mean_confidence = pairs.iter().map(|(p, _)| p).sum::<f64>() / n;
        ConfidenceScore { brier, ece, mean_confidence, bins }
    }
}

/// The whole measurement.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentsMeasure {
    pub corpus: String,
    pub engine: String,
    pub rules_version: String,
    pub renditions: BTreeMap<String, RenditionScore>,
    /// The same per language (`ru`, `kk`, told by the file's name), each rendition and `all`.
    pub languages: BTreeMap<String, BTreeMap<String, RenditionScore>>,
    pub confidence: CalibrationMeasure,
    /// Every fact read, with its score (only when asked for: `ekn docs measure --facts`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub facts: Vec<MeasuredFact>,
}

/// One document read in one rendition, as a score counts it.
struct Reading<'a> {
    file: &'a str,
    pages: usize,
    ocr_pages: usize,
    seconds: f64,
    /// The document's words found in what was read, of its words (when the corpus has its text).
    words: Option<(usize, usize)>,
}

/// The words of a text, lower-cased, letters and figures only (layout marks and punctuation out).
fn words_of(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect()
}

/// How many of `truth`'s words (with repeats) the text read holds.
fn words_found(truth: &str, read: &str) -> (usize, usize) {
    let mut available: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for w in words_of(read) {
        *available.entry(w).or_default() += 1;
    }
    let truth = words_of(truth);
    let found = truth
        .iter()
        .filter(|w| match available.get_mut(*w) {
            Some(n) if *n > 0 => {
                *n -= 1;
                true
            }
            _ => false,
        })
        .count();
    (found, truth.len())
}

impl RenditionScore {
    /// Precision, recall, F1 and time a page from the counts.
    fn finish(&mut self) {
        self.seconds_per_page = self.seconds / self.pages.max(1) as f64;
        self.word_accuracy = (self.words.1 > 0).then(|| self.words.0 as f64 / self.words.1 as f64);
        for field in self.fields.values_mut() {
            let (tp, fp, fn_) =
                (field.true_positives as f64, field.false_positives as f64, field.false_negatives as f64);
            field.precision = if tp + fp > 0.0 { tp / (tp + fp) } else { 1.0 };
            field.recall = if tp + fn_ > 0.0 { tp / (tp + fn_) } else { 1.0 };
            let sum = field.precision + field.recall;
            field.f1 = if sum > 0.0 { 2.0 * field.precision * field.recall / sum } else { 0.0 };
        }
    }
}

/// Counts one reading into a score: each fact found matched to one expected of its kind.
fn tally(score: &mut RenditionScore, reading: &Reading<'_>, expected: &[(String, Value)], found: &[(String, Value)]) {
    score.documents += 1;
    score.pages += reading.pages;
    score.pages_by_ocr += reading.ocr_pages;
    score.seconds += reading.seconds;
    if let Some((found, of)) = reading.words {
        score.words.0 += found;
        score.words.1 += of;
    }
    let file = reading.file;
    let mut kinds: Vec<&String> = expected.iter().chain(found).map(|(kind, _)| kind).collect();
    kinds.sort();
    kinds.dedup();
    for kind in kinds {
        // IINs are masked; the corpus names none, so an IIN found is a false positive.
        let want: Vec<&Value> = expected.iter().filter(|e| &e.0 == kind).map(|e| &e.1).collect();
        let got: Vec<&Value> = found.iter().filter(|f| &f.0 == kind).map(|f| &f.1).collect();
        let field = score.fields.entry(kind.clone()).or_default();
        let mut matched = vec![false; want.len()];
        for g in &got {
            match want.iter().enumerate().position(|(i, w)| !matched[i] && same(kind, w, g)) {
                Some(i) => {
                    matched[i] = true;
                    field.true_positives += 1;
                }
                None => {
                    field.false_positives += 1;
                    score.misses.push(format!("{file}: {kind} found {g} (not in the truth)"));
                }
            }
        }
        for (i, w) in want.iter().enumerate() {
            if !matched[i] {
                field.false_negatives += 1;
                score.misses.push(format!("{file}: {kind} {w} missed"));
            }
        }
    }
}

/// The requisites the truth files name, as (kind, value) pairs in the contract's normal form.
fn truth_facts(truth: &Value) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for kind in
        ["doc_type", "number", "date", "issuer", "addressee", "in_reply_to_number", "in_reply_to_date", "outcome"]
    {
        if let Some(v) = truth.get(kind).filter(|v| !v.is_null()) {
            out.push((kind.to_string(), v.clone()));
        }
    }
    for (list, kind) in [("bins", "bin"), ("articles", "article"), ("amounts", "amount"), ("periods", "period")] {
        for v in truth.get(list).and_then(Value::as_array).into_iter().flatten() {
            out.push((kind.to_string(), v.clone()));
        }
    }
    out
}

/// Names compare without case and extra spaces (a letterhead may be in capitals).
fn same(kind: &str, a: &Value, b: &Value) -> bool {
    match (kind, a, b) {
        ("issuer" | "addressee" | "number", Value::String(x), Value::String(y)) => {
            let norm = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
            norm(x) == norm(y)
        }
        _ => a == b,
    }
}

/// Measures the reader on every document of `dir`.
pub fn measure_documents(
    dir: &Path,
    ocr: bool,
    keep_facts: bool,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<DocumentsMeasure, ApiError> {
    let io = |e: std::io::Error| ApiError::new(ErrorCode::Io, format!("{}: {e}", dir.display()));
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .map_err(io)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && !p.to_string_lossy().ends_with(".truth.json"))
        .collect();
    files.sort();
    let engines = if ocr { Engines::detect() } else { Engines::text_only() };
    let rules = Rules::shipped();
    let mut renditions: BTreeMap<String, RenditionScore> = BTreeMap::new();
    let mut languages: BTreeMap<String, BTreeMap<String, RenditionScore>> = BTreeMap::new();
    let total = files.len();
    let mut measured_facts: Vec<MeasuredFact> = Vec::new();
    for (i, path) in files.iter().enumerate() {
        progress(i, total);
        let file = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        let mut parts = file.splitn(2, '.');
        let name = parts.next().unwrap_or_default().to_string();
        let rest = parts.next().unwrap_or_default();
        let rendition = match rest {
            "docx" => "docx",
            "pdf" => "pdf",
            r if r.starts_with("broken") => "broken",
            r if r.starts_with("scan300") => "scan300",
            r if r.starts_with("scan200") => "scan200",
            // The second corpus (make_corpus_b.py): a phone photo, and a picture under a mojibake layer.
            r if r.starts_with("photo200") => "photo200",
            r if r.starts_with("mojibake") => "mojibake",
            _ => continue,
        };
        let Ok(truth_text) = crate::disk::read_to_string(dir.join(format!("{name}.truth.json"))) else { continue };
        let truth: Value =
            serde_json::from_str(&truth_text).map_err(|e| ApiError::invalid(format!("{name}.truth.json: {e}")))?;
        let bytes = crate::disk::read(path).map_err(io)?;
        let started = Instant::now();
        let read = extract::read_document(&bytes, &engines, rules, &mut |_| true)
            .map_err(|e| ApiError::new(ErrorCode::Io, format!("{file}: {e}")))?;
        let elapsed = started.elapsed().as_secs_f64();
        let found: Vec<(String, Value)> = read.facts.iter().map(|f| (f.kind.clone(), f.value.clone())).collect();
        let expected = truth_facts(&truth);
        for fact in read.facts.iter().filter(|f| f.kind != "iin") {
            let ocr = read.pages.get(fact.page as usize - 1).is_some_and(|p| p.method == Method::Ocr);
            let right = expected.iter().any(|(kind, value)| kind == &fact.kind && same(kind, value, &fact.value));
            measured_facts.push(MeasuredFact {
                file: file.clone(),
                kind: fact.kind.clone(),
                rule: fact.rule_id().to_string(),
                ocr,
                word_confidence: fact.word_confidence,
                score: fact.score,
                confidence: fact.confidence,
                right,
            });
        }
        let ocr_pages = read.pages.iter().filter(|p| p.method == Method::Ocr).count();
        let text_read: String = read.pages.iter().map(|p| p.text.as_str()).collect::<Vec<_>>().join("\n");
        let words = crate::disk::read_to_string(dir.join(format!("{name}.txt")))
            .ok()
            .map(|truth_text| words_found(&truth_text, &text_read));
        let reading = Reading { file: &file, pages: read.pages.len(), ocr_pages, seconds: elapsed, words };
        tally(renditions.entry(rendition.to_string()).or_default(), &reading, &expected, &found);
        // The language is the name's second part (`r01-ru-…`, `b003-kk-…`, `000-ru-…`).
        if let Some(lang) = name.split('-').nth(1).filter(|l| matches!(*l, "ru" | "kk")) {
            let by_rendition = languages.entry(lang.to_string()).or_default();
            for key in [rendition, "all"] {
                tally(by_rendition.entry(key.to_string()).or_default(), &reading, &expected, &found);
            }
        }
    }
    progress(total, total);
    for score in renditions.values_mut().chain(languages.values_mut().flat_map(|r| r.values_mut())) {
        score.finish();
    }
    // Misses are listed once, under their rendition; the languages' tables repeat the counts only.
    for score in languages.values_mut().flat_map(|r| r.values_mut()) {
        score.misses.clear();
    }
    let scored =
        |f: &MeasuredFact, calibrated: bool| (f64::from(if calibrated { f.confidence } else { f.score }), f.right);
    let confidence = CalibrationMeasure {
        calibration: rules.calibration.version.clone(),
        facts: measured_facts.len(),
        right: measured_facts.iter().filter(|f| f.right).count(),
        rule_scores: ConfidenceScore::of(&measured_facts.iter().map(|f| scored(f, false)).collect::<Vec<_>>()),
        calibrated: ConfidenceScore::of(&measured_facts.iter().map(|f| scored(f, true)).collect::<Vec<_>>()),
    };
    Ok(DocumentsMeasure {
        corpus: dir.display().to_string(),
        engine: engines.describe(),
        rules_version: rules.version.clone(),
        renditions,
        languages,
        confidence,
        facts: if keep_facts { measured_facts } else { Vec::new() },
    })
}

/// The dates the reader's rules find written in `text`, in order (`ekn docs dates`: measuring the
/// date normalisation alone, e.g. on KazNERD's DATE spans with scripts/documents/kaznerd_dates.py).
pub fn dates_written(text: &str) -> Vec<chrono::NaiveDate> {
    extract::requisites::numbers::dates(text, Rules::shipped()).into_iter().map(|(_, _, date)| date).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_read_back_are_counted_with_repeats_and_f1_is_the_harmonic_mean() {
        // «№ 12» twice in the truth, once in what was read; the layout marks are not words.
        assert_eq!(words_found("| АКТ № 12 | 12 мая |", "акт № 12 мая"), (3, 4));
        let mut score = RenditionScore::default();
        score.fields.insert(
            "number".into(),
            FieldScore { true_positives: 3, false_positives: 1, false_negatives: 3, ..FieldScore::default() },
        );
        score.finish();
        let f = &score.fields["number"];
        assert!((f.precision - 0.75).abs() < 1e-9 && (f.recall - 0.5).abs() < 1e-9);
        assert!((f.f1 - 0.6).abs() < 1e-9, "{}", f.f1);
    }

    #[test]
    fn confidences_are_scored_by_brier_and_calibration_error() {
        // Four facts at 0.9, three right: the bin's gap is 0.15; Brier (3·0.01 + 0.81) / 4.
        let pairs = [(0.9, true), (0.9, true), (0.9, true), (0.9, false)];
        let c = ConfidenceScore::of(&pairs);
        assert!((c.ece - 0.15).abs() < 1e-9, "{}", c.ece);
        assert!((c.brier - 0.21).abs() < 1e-9, "{}", c.brier);
        assert_eq!(c.bins[9].0, 4);
        // Confidences that say exactly how often they are right have no calibration error.
        let honest = [(0.25, true), (0.25, false), (0.25, false), (0.25, false), (0.95, true)];
        assert!(ConfidenceScore::of(&honest).ece < 0.011);
        assert_eq!(ConfidenceScore::of(&[]).brier, 0.0);
    }
}
