//! The appeals classifier an office trains on its own labelled appeals: TF-IDF over word and
//! character n-grams (`text`), a one-vs-rest linear SVM (L2-regularised squared hinge, solved in the
//! dual by coordinate descent as LIBLINEAR does — Hsieh et al., ICML 2008), classes weighted by
//! their rarity so a category with a handful of examples is not drowned, and a softmax temperature
//! fitted on held-out data so the confidence means something. Every prediction can say which
//! n-grams of its text weighed most for and against the category.
//!
//! Written here rather than taken from a crate: the Rust ML crates (linfa, smartcore) train on dense
//! matrices, and an office's n-gram space is sparse and a hundred thousand columns wide.

use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::text::{feature_id, for_each_feature, normalize, Block};

/// How a model is trained. Recorded with every model version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct TrainParams {
    /// The regularisation constants tried by cross-validation; the best is kept.
    pub c_grid: Vec<f64>,
    /// Folds of the cross-validation that chooses C (skipped above `cv_max_texts`).
    pub cv_folds: usize,
    pub cv_max_texts: usize,
    /// A feature must occur in this many texts (2 above `min_df_from` texts, else 1).
    pub min_df_from: usize,
    /// At most this many features, the most frequent kept.
    pub max_features: usize,
    /// Weight of the character block against the word block (both normalised to length 1 first).
    pub char_weight: f64,
    /// Passes of coordinate descent at most, and the gap at which it stops.
    pub max_epochs: usize,
    pub tolerance: f64,
    /// Share of each category held out for evaluation.
    pub test_share: f64,
    pub seed: u64,
    /// Weights of the complement naive Bayes blended into the SVM, tried by the cross-validation
    /// with C (0 is the SVM alone). Models stored before the blend read as `[0]`.
    #[serde(default = "no_blend")]
    pub nb_blend_grid: Vec<f64>,
    /// The naive Bayes' additive smoothing, per feature.
    #[serde(default = "default_nb_alpha")]
    pub nb_alpha: f64,
    /// Character n-grams across word boundaries as a block of their own (models stored before
    /// the blend had none), and its weight against the word block.
    #[serde(default)]
    pub spans: bool,
    #[serde(default = "one")]
    pub span_weight: f64,
}

fn one() -> f64 {
    1.0
}

fn no_blend() -> Vec<f64> {
    vec![0.0]
}

fn default_nb_alpha() -> f64 {
    0.03
}

/// The defaults, chosen on two public labelled sets of real Russian texts, never one
/// (docs/APPEALS.md, "Two public sets", 2026-11-28): the best mean held-out accuracy over both of the
/// settings tried. The row is normalised as a whole, so a C here is a smaller one in LIBLINEAR's
/// scale; the old grid's top (3) was chosen on every split of the longer texts, and C up to 100
/// gained 0.9 points there. The spans block, a gain on the first set in a trial, did a little
/// worse on both when measured with the rest fixed, and is off.
impl Default for TrainParams {
    fn default() -> Self {
        TrainParams {
            c_grid: vec![0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0],
            cv_folds: 3,
            cv_max_texts: 20_000,
            min_df_from: 5_000,
            max_features: 400_000,
            char_weight: 1.0,
            max_epochs: 60,
            tolerance: 0.1,
            test_share: 0.2,
            seed: 2024,
            nb_blend_grid: vec![0.0, 0.5, 1.0, 1.5, 2.0, 3.0],
            nb_alpha: default_nb_alpha(),
            spans: false,
            span_weight: 1.0,
        }
    }
}

impl TrainParams {
    /// The defaults with some fields replaced by a JSON object's (`{"spans": false}`): a key that
    /// is no parameter, a value of the wrong kind, or a setting `problem` refuses is an error that
    /// names it.
    pub fn with_overrides(json: &str) -> Result<TrainParams, String> {
        let given: serde_json::Value = serde_json::from_str(json).map_err(|e| format!("line {}: {e}", e.line()))?;
        let serde_json::Value::Object(given) = given else {
            return Err("a JSON object of training parameters is expected".to_string());
        };
        let mut merged = serde_json::to_value(TrainParams::default()).map_err(|e| e.to_string())?;
        let serde_json::Value::Object(fields) = &mut merged else {
            return Err("the defaults are no object".to_string());
        };
        for (key, value) in given {
            if !fields.contains_key(&key) {
                let known: Vec<&str> = fields.keys().map(String::as_str).collect();
                return Err(format!("«{key}» is no training parameter ({})", known.join(", ")));
            }
            fields.insert(key, value);
        }
        let params: TrainParams = serde_json::from_value(merged).map_err(|e| e.to_string())?;
        match params.problem() {
            Some(what) => Err(what.to_string()),
            None => Ok(params),
        }
    }

    /// What makes these settings unusable — an empty grid, a value that would make training loop
    /// for ever, divide by zero or allocate without bound — or `None`.
    pub fn problem(&self) -> Option<&'static str> {
        let positive = |v: f64| v.is_finite() && v > 0.0;
        let weight = |v: f64| v.is_finite() && v >= 0.0;
        let grid_ok = |grid: &[f64], zero: bool| {
            !grid.is_empty() && grid.len() <= 16 && grid.iter().all(|&v| positive(v) || zero && v == 0.0)
        };
        [
            (!grid_ok(&self.c_grid, false), "c_grid: 1 to 16 values above 0"),
            (!grid_ok(&self.nb_blend_grid, true), "nb_blend_grid: 1 to 16 values of 0 or more"),
            (!(2..=10).contains(&self.cv_folds), "cv_folds: 2 to 10"),
            (!(1..=5_000_000).contains(&self.max_features), "max_features: 1 to 5,000,000"),
            (!(1..=1_000).contains(&self.max_epochs), "max_epochs: 1 to 1,000"),
            (!positive(self.tolerance), "tolerance: above 0"),
            (!positive(self.nb_alpha), "nb_alpha: above 0"),
            (!weight(self.char_weight), "char_weight: 0 or more"),
            (!weight(self.span_weight), "span_weight: 0 or more"),
            (!(self.test_share > 0.0 && self.test_share <= 0.5), "test_share: above 0, at most 0.5"),
        ]
        .into_iter()
        .find_map(|(bad, what)| bad.then_some(what))
    }
}

/// Texts as sparse rows, one after another (compressed sparse rows).
#[derive(Debug, Default, Clone)]
pub struct Rows {
    offsets: Vec<usize>,
    indices: Vec<u32>,
    values: Vec<f32>,
}

impl Rows {
    fn push(&mut self, row: &[(u32, f32)]) {
        if self.offsets.is_empty() {
            self.offsets.push(0);
        }
        for &(i, v) in row {
            self.indices.push(i);
            self.values.push(v);
        }
        self.offsets.push(self.indices.len());
    }

    fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    fn row(&self, r: usize) -> (&[u32], &[f32]) {
        let (a, b) = (self.offsets[r], self.offsets[r + 1]);
        (&self.indices[a..b], &self.values[a..b])
    }
}

/// A feature's hash with the lowest bit telling words (0) from character pieces (1); the spans
/// across words are character pieces with a hash of their own (`feature_id` salts by block).
fn tagged_id(block: Block, text: &str) -> u64 {
    feature_id(block, text) << 1 | u64::from(block != Block::Words)
}

fn block_index(block: Block) -> u8 {
    match block {
        Block::Words => 0,
        Block::Chars => 1,
        Block::Spans => 2,
    }
}

/// The vocabulary and inverse document frequencies: text → sparse TF-IDF row.
#[derive(Debug, Clone, PartialEq)]
pub struct Vectorizer {
    /// Feature hash → column; word features take columns `0..words`, pieces of words
    /// `words..chars_end`, spans across words the rest.
    index: FxHashMap<u64, u32>,
    hashes: Vec<u64>,
    words: usize,
    chars_end: usize,
    idf: Vec<f32>,
    char_weight: f32,
    /// 0 for a model without the spans block (every model before the blend).
    span_weight: f32,
}

impl Vectorizer {
    /// Learns the vocabulary of `texts` (already normalised).
    pub fn fit(texts: &[String], params: &TrainParams) -> Vectorizer {
        let min_df = if texts.len() >= params.min_df_from { 2 } else { 1 };
        let mut df: FxHashMap<u64, (u32, u8)> = FxHashMap::default();
        let mut seen: Vec<(u64, u8)> = Vec::new();
        for text in texts {
            seen.clear();
            for_each_feature(text, params.spans, &mut |block, t| seen.push((tagged_id(block, t), block_index(block))));
            seen.sort_unstable();
            seen.dedup();
            for &(tagged, block) in &seen {
                df.entry(tagged).or_insert((0, block)).0 += 1;
            }
        }
        let mut kept: Vec<(u64, u32, u8)> =
            df.into_iter().filter(|(_, (n, _))| *n >= min_df).map(|(h, (n, b))| (h, n, b)).collect();
        // The most frequent features first, ties by hash: the same data gives the same model.
        kept.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        kept.truncate(params.max_features);
        kept.sort_unstable_by_key(|&(h, _, block)| (block, h));
        let n = texts.len() as f32;
        let words = kept.iter().filter(|k| k.2 == 0).count();
        let chars_end = kept.iter().filter(|k| k.2 <= 1).count();
        let hashes: Vec<u64> = kept.iter().map(|k| k.0).collect();
        let idf = kept.iter().map(|&(_, d, _)| ((1.0 + n) / (1.0 + d as f32)).ln() + 1.0).collect();
        Vectorizer::from_arrays(hashes, words, chars_end, idf, params)
    }

    /// A vectorizer from its learnt arrays (the hashes in column order, where the word and the
    /// character blocks end, the idf) and the parameters that say the blocks' weights.
    fn from_arrays(
        hashes: Vec<u64>,
        words: usize,
        chars_end: usize,
        idf: Vec<f32>,
        params: &TrainParams,
    ) -> Vectorizer {
        let index = hashes.iter().enumerate().map(|(i, &h)| (h, i as u32)).collect();
        Vectorizer {
            index,
            hashes,
            words,
            chars_end,
            idf,
            char_weight: params.char_weight as f32,
            span_weight: if params.spans { params.span_weight as f32 } else { 0.0 },
        }
    }

    pub fn features(&self) -> usize {
        self.hashes.len()
    }

    fn block_of(&self, column: u32) -> usize {
        let c = column as usize;
        if c < self.words {
            0
        } else if c < self.chars_end {
            1
        } else {
            2
        }
    }

    /// The TF-IDF row of a normalised text: sublinear term frequency, each block normalised to
    /// length 1 and weighted, the whole row of length 1.
    pub fn transform(&self, normalized: &str) -> Vec<(u32, f32)> {
        let mut columns: Vec<u32> = Vec::new();
        for_each_feature(normalized, self.span_weight > 0.0, &mut |block, t| {
            if let Some(&col) = self.index.get(&tagged_id(block, t)) {
                columns.push(col);
            }
        });
        columns.sort_unstable();
        let mut row: Vec<(u32, f32)> = Vec::with_capacity(columns.len());
        for col in columns {
            match row.last_mut() {
                Some(last) if last.0 == col => last.1 += 1.0,
                _ => row.push((col, 1.0)),
            }
        }
        let mut norms = [0f32; 3];
        for (col, v) in row.iter_mut() {
            *v = (1.0 + v.ln()) * self.idf[*col as usize];
            norms[self.block_of(*col)] += *v * *v;
        }
        let weights = [1.0, self.char_weight, self.span_weight];
        let mut total = 0f32;
        let mut scales = [0f32; 3];
        for b in 0..3 {
            if norms[b] > 0.0 {
                scales[b] = weights[b] / norms[b].sqrt();
                total += weights[b] * weights[b];
            }
        }
        let overall = if total > 0.0 { 1.0 / total.sqrt() } else { 0.0 };
        for (col, v) in row.iter_mut() {
            *v *= overall * scales[self.block_of(*col)];
        }
        row
    }

    /// How the `wanted` columns read in this text: a word or two as written, a piece of text
    /// with its word edges shown as `·`.
    fn names_of(&self, normalized: &str, wanted: &[u32]) -> FxHashMap<u32, String> {
        let mut names: FxHashMap<u32, String> = FxHashMap::default();
        if wanted.is_empty() {
            return names;
        }
        for_each_feature(normalized, self.span_weight > 0.0, &mut |block, t| {
            if let Some(&col) = self.index.get(&tagged_id(block, t)) {
                if wanted.contains(&col) && !names.contains_key(&col) {
                    names.insert(
                        col,
                        match block {
                            Block::Words => t.to_string(),
                            Block::Chars | Block::Spans => t.replace(' ', "·"),
                        },
                    );
                }
            }
        });
        names
    }
}

/// One binary problem's solution: weights over the columns, and the bias last.
fn train_binary(
    rows: &Rows,
    positive: &[bool],
    cost: &[f64],
    columns: usize,
    params: &TrainParams,
    seed: u64,
) -> Vec<f32> {
    let n = rows.len();
    let mut w = vec![0f64; columns + 1];
    let mut alpha = vec![0f64; n];
    let diag: Vec<f64> = cost.iter().map(|c| 0.5 / c).collect();
    // Q_ii = x_i·x_i + 1 (the bias feature) + D_ii.
    let q: Vec<f64> = (0..n)
        .map(|i| {
            let (_, v) = rows.row(i);
            v.iter().map(|x| f64::from(*x).powi(2)).sum::<f64>() + 1.0 + diag[i]
        })
        .collect();
    let mut order: Vec<usize> = (0..n).collect();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    for _ in 0..params.max_epochs {
        order.shuffle(&mut rng);
        let (mut pg_max, mut pg_min) = (f64::NEG_INFINITY, f64::INFINITY);
        for &i in &order {
            let y = if positive[i] { 1.0 } else { -1.0 };
            let (idx, val) = rows.row(i);
            let mut margin = w[columns];
            for (j, x) in idx.iter().zip(val) {
                margin += w[*j as usize] * f64::from(*x);
            }
            let g = y * margin - 1.0 + diag[i] * alpha[i];
            let pg = if alpha[i] == 0.0 { g.min(0.0) } else { g };
            pg_max = pg_max.max(pg);
            pg_min = pg_min.min(pg);
            if pg.abs() > 1e-12 {
                let old = alpha[i];
                alpha[i] = (alpha[i] - g / q[i]).max(0.0);
                let step = (alpha[i] - old) * y;
                for (j, x) in idx.iter().zip(val) {
                    w[*j as usize] += step * f64::from(*x);
                }
                w[columns] += step;
            }
        }
        if pg_max - pg_min < params.tolerance {
            break;
        }
    }
    w.into_iter().map(|x| x as f32).collect()
}

/// A trained classifier: the vectorizer, one weight row per category, and the temperature.
#[derive(Debug, Clone, PartialEq)]
pub struct Classifier {
    pub classes: Vec<String>,
    pub vectorizer: Vectorizer,
    /// `classes.len()` rows of `features + 1` weights (bias last).
    weights: Vec<f32>,
    pub temperature: f64,
    pub c: f64,
}

/// A labelled text for training: already masked of personal data.
#[derive(Debug, Clone)]
pub struct Example {
    pub text: String,
    pub label: String,
}

/// One prediction with its explanation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Prediction {
    pub category: String,
    pub confidence: f64,
    /// The next most likely categories with their probabilities.
    pub alternatives: Vec<(String, f64)>,
    /// The n-grams of the text that pushed most towards the category, and most away from it.
    pub for_category: Vec<Weighed>,
    pub against_category: Vec<Weighed>,
}

/// An n-gram of the text and how much it weighed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Weighed {
    /// A word, two words, or a piece of a word (`·` marks the word's edge).
    pub ngram: String,
    pub weight: f64,
}

/// The two linear models a classifier blends, trained on the same TF-IDF rows: the SVM, and a
/// complement naive Bayes scaled to the SVM's spread. Both score a text as weights · row, so their
/// blend is one linear model again — stored, explained and applied exactly as the SVM alone was.
pub struct Parts {
    pub classes: Vec<String>,
    vectorizer: Vectorizer,
    /// `classes.len()` rows of `features + 1` weights (bias last), as `Classifier::weights`.
    svm: Vec<f32>,
    nb: Vec<f32>,
    c: f64,
}

impl Parts {
    /// Fits the vocabulary, the SVM with C fixed, and the naive Bayes on `examples`.
    pub fn train(examples: &[Example], c: f64, params: &TrainParams) -> Parts {
        let texts: Vec<String> = examples.iter().map(|e| normalize(&e.text)).collect();
        let vectorizer = Vectorizer::fit(&texts, params);
        let mut classes: Vec<String> = examples.iter().map(|e| e.label.clone()).collect();
        classes.sort();
        classes.dedup();
        let mut rows = Rows::default();
        for t in &texts {
            rows.push(&vectorizer.transform(t));
        }
        let labels: Vec<usize> =
            examples.iter().map(|e| classes.binary_search(&e.label).expect("every label is a class")).collect();
        let columns = vectorizer.features();
        let svm = fit_all(&rows, &labels, classes.len(), columns, c, params);
        let mut nb = complement_nb(&rows, &labels, classes.len(), columns, params.nb_alpha);
        // The naive Bayes' scores are log-likelihoods on a scale of their own: brought to the
        // SVM's spread on the training rows (both centred per text, as a softmax sees them), so a
        // blend weight of 1 means "as loud as the SVM".
        let spread = |weights: &[f32]| {
            let (mut sum, mut count) = (0.0, 0usize);
            for r in 0..rows.len() {
                let (idx, val) = rows.row(r);
                let scores =
                    linear_scores(weights, classes.len(), columns + 1, idx.iter().copied().zip(val.iter().copied()));
                let mean = scores.iter().sum::<f64>() / scores.len() as f64;
                sum += scores.iter().map(|s| (s - mean).powi(2)).sum::<f64>();
                count += scores.len();
            }
            (sum / count.max(1) as f64).sqrt()
        };
        let nb_spread = spread(&nb);
        let scale = if nb_spread > 0.0 { spread(&svm) / nb_spread } else { 0.0 };
        for w in &mut nb {
            *w = (f64::from(*w) * scale) as f32;
        }
        Parts { classes, vectorizer, svm, nb, c }
    }

    /// The SVM's and the (scaled) naive Bayes' decision values of a raw text, one per class each:
    /// a blend's are `svm + blend × nb`, so cross-validation scores every blend from one pass.
    pub fn scores(&self, text: &str) -> (Vec<f64>, Vec<f64>) {
        let row = self.vectorizer.transform(&normalize(text));
        let (classes, width) = (self.classes.len(), self.vectorizer.features() + 1);
        (
            linear_scores(&self.svm, classes, width, row.iter().copied()),
            linear_scores(&self.nb, classes, width, row.iter().copied()),
        )
    }

    /// The classifier scoring `svm + blend × naive Bayes` (temperature 1 until calibrated).
    pub fn blend(&self, blend: f64) -> Classifier {
        let weights =
            self.svm.iter().zip(&self.nb).map(|(s, n)| (f64::from(*s) + blend * f64::from(*n)) as f32).collect();
        Classifier {
            classes: self.classes.clone(),
            vectorizer: self.vectorizer.clone(),
            weights,
            temperature: 1.0,
            c: self.c,
        }
    }
}

/// Complement naive Bayes (Rennie et al., ICML 2003) as weights over the TF-IDF columns: a class's
/// weight of a feature is minus the log of the feature's smoothed share of the *other* classes'
/// mass — learnt from everything but the class, so a category with a handful of texts gets
/// estimates as steady as a large one's. Centred across the classes per feature (a text's scores
/// then sum to zero, which no softmax or argmax notices), bias 0.
fn complement_nb(rows: &Rows, labels: &[usize], classes: usize, columns: usize, alpha: f64) -> Vec<f32> {
    let mut mass = vec![0f64; classes * columns];
    for (r, &k) in labels.iter().enumerate() {
        let (idx, val) = rows.row(r);
        for (j, x) in idx.iter().zip(val) {
            mass[k * columns + *j as usize] += f64::from(*x);
        }
    }
    let mut total = vec![0f64; columns];
    for k in 0..classes {
        for j in 0..columns {
            total[j] += mass[k * columns + j];
        }
    }
    let all: f64 = total.iter().sum();
    let mut weights = vec![0f64; classes * columns];
    for k in 0..classes {
        let own: f64 = mass[k * columns..(k + 1) * columns].iter().sum();
        let denominator = (all - own + alpha * columns as f64).ln();
        for j in 0..columns {
            let complement = total[j] - mass[k * columns + j] + alpha;
            weights[k * columns + j] = denominator - complement.ln();
        }
    }
    let mut out = vec![0f32; classes * (columns + 1)];
    for j in 0..columns {
        let mean = (0..classes).map(|k| weights[k * columns + j]).sum::<f64>() / classes as f64;
        for k in 0..classes {
            out[k * (columns + 1) + j] = (weights[k * columns + j] - mean) as f32;
        }
    }
    out
}

/// Scores of a sparse row under `classes` rows of `width` weights (bias last).
fn linear_scores(
    weights: &[f32],
    classes: usize,
    width: usize,
    row: impl Iterator<Item = (u32, f32)> + Clone,
) -> Vec<f64> {
    (0..classes)
        .map(|k| {
            let w = &weights[k * width..(k + 1) * width];
            let mut s = f64::from(w[width - 1]);
            for (j, x) in row.clone() {
                s += f64::from(w[j as usize]) * f64::from(x);
            }
            s
        })
        .collect()
}

impl Classifier {
    /// Trains on `examples` with C and the naive Bayes' blend weight fixed.
    pub fn train_with(examples: &[Example], c: f64, blend: f64, params: &TrainParams) -> Classifier {
        Parts::train(examples, c, params).blend(blend)
    }

    fn scores_of(&self, row: &[(u32, f32)]) -> Vec<f64> {
        linear_scores(&self.weights, self.classes.len(), self.vectorizer.features() + 1, row.iter().copied())
    }

    /// The decision values of a raw text, one per class.
    pub fn scores(&self, text: &str) -> Vec<f64> {
        self.scores_of(&self.vectorizer.transform(&normalize(text)))
    }

    /// The most likely class of a raw text (index into `classes`).
    pub fn predict_index(&self, text: &str) -> usize {
        argmax(&self.scores(text))
    }

    /// Probabilities from decision values: a softmax at the fitted temperature.
    pub fn probabilities(&self, scores: &[f64]) -> Vec<f64> {
        softmax(scores, self.temperature)
    }

    /// Classifies a raw text and explains it with the `top` n-grams for and against.
    pub fn predict(&self, text: &str, top: usize) -> Prediction {
        let normalized = normalize(text);
        let row = self.vectorizer.transform(&normalized);
        let scores = self.scores_of(&row);
        let p = self.probabilities(&scores);
        let mut ranked: Vec<usize> = (0..p.len()).collect();
        ranked.sort_by(|a, b| p[*b].total_cmp(&p[*a]));
        let best = ranked[0];
        let width = self.vectorizer.features() + 1;
        let w = &self.weights[best * width..(best + 1) * width];
        let mut parts: Vec<(u32, f64)> =
            row.iter().map(|&(j, x)| (j, f64::from(w[j as usize]) * f64::from(x))).collect();
        parts.sort_by(|a, b| b.1.total_cmp(&a.1));
        let for_ids: Vec<(u32, f64)> = parts.iter().filter(|p| p.1 > 0.0).take(top).copied().collect();
        let against_ids: Vec<(u32, f64)> = parts.iter().rev().filter(|p| p.1 < 0.0).take(top).copied().collect();
        // Only the n-grams named are spelt out: a second pass over the text's features, instead of
        // a string for each of its hundreds of features (most of the time of classifying an export).
        let wanted: Vec<u32> = for_ids.iter().chain(&against_ids).map(|p| p.0).collect();
        let names = self.vectorizer.names_of(&normalized, &wanted);
        let named = |ids: Vec<(u32, f64)>| -> Vec<Weighed> {
            ids.into_iter()
                .map(|(j, weight)| Weighed { ngram: names.get(&j).cloned().unwrap_or_default(), weight })
                .collect()
        };
        Prediction {
            category: self.classes[best].clone(),
            confidence: p[best],
            alternatives: ranked.iter().skip(1).take(2).map(|&k| (self.classes[k].clone(), p[k])).collect(),
            for_category: named(for_ids),
            against_category: named(against_ids),
        }
    }

    /// Fits the temperature on held-out texts and their true classes (minimum log-loss over a grid).
    pub fn calibrate(&mut self, scores: &[Vec<f64>], truth: &[usize]) {
        if scores.is_empty() {
            return;
        }
        let loss =
            |t: f64| -> f64 { scores.iter().zip(truth).map(|(s, &y)| -softmax(s, t)[y].max(1e-12).ln()).sum::<f64>() };
        let grid = (0..=60).map(|i| 0.25 * 1.1f64.powi(i));
        self.temperature = grid.min_by(|a, b| loss(*a).total_cmp(&loss(*b))).unwrap_or(1.0);
    }

    /// The model's arrays as bytes, for storing a model version (little-endian: the feature and
    /// word counts, hashes, idf, weights, and — for a model with the spans block — where the
    /// character block ends).
    pub fn arrays_to_bytes(&self) -> Vec<u8> {
        let v = &self.vectorizer;
        let mut out = Vec::with_capacity(16 + v.hashes.len() * 12 + self.weights.len() * 4);
        out.extend((v.hashes.len() as u64).to_le_bytes());
        out.extend((v.words as u64).to_le_bytes());
        for h in &v.hashes {
            out.extend(h.to_le_bytes());
        }
        for x in v.idf.iter().chain(&self.weights) {
            out.extend(x.to_le_bytes());
        }
        if v.span_weight > 0.0 {
            out.extend((v.chars_end as u64).to_le_bytes());
        }
        out
    }

    /// Rebuilds a classifier from its stored parts and the parameters it was trained with;
    /// `None` when the bytes do not fit the classes.
    pub fn from_parts(
        classes: Vec<String>,
        bytes: &[u8],
        temperature: f64,
        c: f64,
        params: &TrainParams,
    ) -> Option<Classifier> {
        let word = |at: usize| -> Option<u64> { Some(u64::from_le_bytes(bytes.get(at..at + 8)?.try_into().ok()?)) };
        let features = usize::try_from(word(0)?).ok()?;
        let words = usize::try_from(word(8)?).ok()?;
        let weights_len = classes.len().checked_mul(features.checked_add(1)?)?;
        let arrays_end = 16usize.checked_add(features.checked_mul(12)?)?.checked_add(weights_len.checked_mul(4)?)?;
        let expected = arrays_end + if params.spans { 8 } else { 0 };
        if bytes.len() != expected || words > features {
            return None;
        }
        let chars_end = if params.spans { usize::try_from(word(arrays_end)?).ok()? } else { features };
        if chars_end < words || chars_end > features {
            return None;
        }
        let hashes: Vec<u64> = (0..features).map(|i| word(16 + i * 8)).collect::<Option<_>>()?;
        let floats_at = 16 + features * 8;
        let float =
            |i: usize| f32::from_le_bytes(bytes[floats_at + i * 4..floats_at + i * 4 + 4].try_into().unwrap_or([0; 4]));
        let idf = (0..features).map(float).collect();
        let weights = (features..features + weights_len).map(float).collect();
        Some(Classifier {
            classes,
            vectorizer: Vectorizer::from_arrays(hashes, words, chars_end, idf, params),
            weights,
            temperature,
            c,
        })
    }
}

/// Trains every one-vs-rest problem, split over two threads (the machine's cores).
fn fit_all(rows: &Rows, labels: &[usize], classes: usize, columns: usize, c: f64, params: &TrainParams) -> Vec<f32> {
    // Balanced class weights: n / (k · n_class), so each category weighs the same in total.
    let mut counts = vec![0usize; classes];
    for &l in labels {
        counts[l] += 1;
    }
    let n = labels.len() as f64;
    let class_weight: Vec<f64> = counts.iter().map(|&m| n / (classes as f64 * m.max(1) as f64)).collect();
    let cost: Vec<f64> = labels.iter().map(|&l| c * class_weight[l]).collect();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 4);
    // A class whose training panics fails the whole fit: a model with a class missing would be
    // registered and journaled as if whole.
    let mut solved: Vec<(usize, Vec<f32>)> = super::parallel::map_threads(threads, |t| {
        (t..classes)
            .step_by(threads)
            .map(|k| {
                let positive: Vec<bool> = labels.iter().map(|&l| l == k).collect();
                (k, train_binary(rows, &positive, &cost, columns, params, params.seed ^ k as u64))
            })
            .collect::<Vec<_>>()
    })
    .into_iter()
    .flatten()
    .collect();
    solved.sort_by_key(|(k, _)| *k);
    solved.into_iter().flat_map(|(_, w)| w).collect()
}

pub fn argmax(values: &[f64]) -> usize {
    values.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)).map_or(0, |(i, _)| i)
}

fn softmax(scores: &[f64], temperature: f64) -> Vec<f64> {
    let top = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let exp: Vec<f64> = scores.iter().map(|s| ((s - top) * temperature).exp()).collect();
    let sum: f64 = exp.iter().sum();
    exp.into_iter().map(|e| e / sum).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_are_the_defaults_with_what_is_given_and_unusable_ones_are_named() {
        assert_eq!(TrainParams::default().problem(), None);
        let given = TrainParams::with_overrides(r#"{"spans": true, "c_grid": [1.0]}"#).unwrap();
        assert!(given.spans && given.c_grid == [1.0]);
        assert_eq!(given.nb_blend_grid, TrainParams::default().nb_blend_grid);
        for (json, named) in [
            (r#"{"blend": 1}"#, "«blend» is no training parameter"),
            (r#"{"nb_blend_grid": [-1.0]}"#, "nb_blend_grid"),
            (r#"{"max_features": 0}"#, "max_features"),
            (r#"{"test_share": 0.9}"#, "test_share"),
            ("[]", "JSON object"),
            ("{", "line 1"),
        ] {
            let error = TrainParams::with_overrides(json).unwrap_err();
            assert!(error.contains(named), "{json}: {error}");
        }
    }

    fn examples() -> Vec<Example> {
        let data = [
            ("нет отопления в квартире, батареи холодные", "жкх"),
            ("пәтерде жылу жоқ, батареялар суық", "жкх"),
            ("управляющая компания не вывозит мусор", "жкх"),
            ("не выплачивают зарплату третий месяц", "труд"),
            ("жалақы үш ай бойы төленбеді", "труд"),
            ("уволили без объяснения причин", "труд"),
            ("в магазине продали просроченный товар", "потребители"),
            ("дүкенде сапасыз тауар сатылды", "потребители"),
        ];
        data.iter().map(|(t, l)| Example { text: t.to_string(), label: l.to_string() }).collect()
    }

    #[test]
    fn a_model_read_back_from_its_bytes_predicts_the_same() {
        // Both layouts: a model with the spans block, and one as stored before it.
        for params in [TrainParams::default(), TrainParams { spans: false, ..TrainParams::default() }] {
            let model = Classifier::train_with(&examples(), 1.0, 0.5, &params);
            let bytes = model.arrays_to_bytes();
            let back =
                Classifier::from_parts(model.classes.clone(), &bytes, model.temperature, model.c, &params).unwrap();
            for text in ["отопления нет", "зарплату не платят", "тауар сапасыз", "что-то совсем другое"]
            {
                assert_eq!(model.scores(text), back.scores(text));
            }
            assert!(Classifier::from_parts(model.classes.clone(), &bytes[1..], 1.0, 1.0, &params).is_none());
            assert!(Classifier::from_parts(vec!["a".into()], &bytes, 1.0, 1.0, &params).is_none());
            let other = TrainParams { spans: !params.spans, ..params.clone() };
            assert!(Classifier::from_parts(model.classes.clone(), &bytes, 1.0, 1.0, &other).is_none());
        }
    }

    #[test]
    fn declined_forms_and_typos_share_character_ngrams() {
        let model = Classifier::train_with(&examples(), 1.0, 0.5, &TrainParams::default());
        let p = model.predict("батарея холодная, отоплене не дают", 3);
        assert_eq!(p.category, "жкх", "{p:?}");
        assert!(p.for_category.iter().all(|w| w.weight > 0.0) && !p.for_category.is_empty());
        assert!(p.confidence > 1.0 / 3.0 && p.confidence <= 1.0);
        assert_eq!(model.classes[model.predict_index("жалақы төленбеді")], "труд");
    }
}
