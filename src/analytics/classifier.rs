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
}

impl Default for TrainParams {
    fn default() -> Self {
        TrainParams {
            c_grid: vec![0.1, 0.3, 1.0, 3.0],
            cv_folds: 3,
            cv_max_texts: 20_000,
            min_df_from: 5_000,
            max_features: 400_000,
            char_weight: 1.0,
            max_epochs: 60,
            tolerance: 0.1,
            test_share: 0.2,
            seed: 2024,
        }
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

/// A feature's hash with its block in the lowest bit (the character block sorts after the words).
fn tagged_id(block: Block, text: &str) -> u64 {
    feature_id(block, text) << 1 | u64::from(block == Block::Chars)
}

/// The vocabulary and inverse document frequencies: text → sparse TF-IDF row.
#[derive(Debug, Clone, PartialEq)]
pub struct Vectorizer {
    /// Feature hash → column; word features take columns `0..words`, character ones the rest.
    index: FxHashMap<u64, u32>,
    hashes: Vec<u64>,
    words: usize,
    idf: Vec<f32>,
    char_weight: f32,
}

impl Vectorizer {
    /// Learns the vocabulary of `texts` (already normalised).
    pub fn fit(texts: &[String], params: &TrainParams) -> Vectorizer {
        let min_df = if texts.len() >= params.min_df_from { 2 } else { 1 };
        let mut df: FxHashMap<u64, (u32, bool)> = FxHashMap::default();
        let mut seen: Vec<u64> = Vec::new();
        for text in texts {
            seen.clear();
            for_each_feature(text, &mut |block, t| seen.push(tagged_id(block, t)));
            seen.sort_unstable();
            seen.dedup();
            for &tagged in &seen {
                df.entry(tagged).or_insert((0, tagged & 1 == 1)).0 += 1;
            }
        }
        let mut kept: Vec<(u64, u32, bool)> =
            df.into_iter().filter(|(_, (n, _))| *n >= min_df).map(|(h, (n, c))| (h, n, c)).collect();
        // The most frequent features first, ties by hash: the same data gives the same model.
        kept.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        kept.truncate(params.max_features);
        kept.sort_unstable_by_key(|&(h, _, chars)| (chars, h));
        let n = texts.len() as f32;
        let words = kept.iter().filter(|k| !k.2).count();
        let hashes: Vec<u64> = kept.iter().map(|k| k.0).collect();
        let idf = kept.iter().map(|&(_, d, _)| ((1.0 + n) / (1.0 + d as f32)).ln() + 1.0).collect();
        let index = hashes.iter().enumerate().map(|(i, &h)| (h, i as u32)).collect();
        Vectorizer { index, hashes, words, idf, char_weight: params.char_weight as f32 }
    }

    pub fn features(&self) -> usize {
        self.hashes.len()
    }

    /// The TF-IDF row of a normalised text: sublinear term frequency, each block normalised to
    /// length 1, the character block weighted, the whole row of length 1.
    pub fn transform(&self, normalized: &str) -> Vec<(u32, f32)> {
        self.transform_named(normalized, None)
    }

    fn transform_named(&self, normalized: &str, mut names: Option<&mut FxHashMap<u32, String>>) -> Vec<(u32, f32)> {
        let mut columns: Vec<u32> = Vec::new();
        for_each_feature(normalized, &mut |block, t| {
            if let Some(&col) = self.index.get(&tagged_id(block, t)) {
                columns.push(col);
                if let Some(names) = names.as_deref_mut() {
                    // A piece of a word shows the word's edges as `·`; words and pairs read as written.
                    names.entry(col).or_insert_with(|| match block {
                        Block::Words => t.to_string(),
                        Block::Chars => t.replace(' ', "·"),
                    });
                }
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
        let (mut word_norm, mut char_norm) = (0f32, 0f32);
        for (col, v) in row.iter_mut() {
            *v = (1.0 + v.ln()) * self.idf[*col as usize];
            if (*col as usize) < self.words {
                word_norm += *v * *v;
            } else {
                char_norm += *v * *v;
            }
        }
        let word_scale = if word_norm > 0.0 { 1.0 / word_norm.sqrt() } else { 0.0 };
        let char_scale = if char_norm > 0.0 { self.char_weight / char_norm.sqrt() } else { 0.0 };
        let total =
            (if word_norm > 0.0 { 1.0 } else { 0.0 }) + (if char_norm > 0.0 { self.char_weight.powi(2) } else { 0.0 });
        let overall = if total > 0.0 { 1.0 / total.sqrt() } else { 0.0 };
        for (col, v) in row.iter_mut() {
            *v *= overall * if (*col as usize) < self.words { word_scale } else { char_scale };
        }
        row
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

impl Classifier {
    /// Trains on `examples` with C fixed.
    pub fn train_with(examples: &[Example], c: f64, params: &TrainParams) -> Classifier {
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
        let weights = fit_all(&rows, &labels, classes.len(), vectorizer.features(), c, params);
        Classifier { classes, vectorizer, weights, temperature: 1.0, c }
    }

    fn scores_of(&self, row: &[(u32, f32)]) -> Vec<f64> {
        let width = self.vectorizer.features() + 1;
        (0..self.classes.len())
            .map(|k| {
                let w = &self.weights[k * width..(k + 1) * width];
                let mut s = f64::from(w[width - 1]);
                for &(j, x) in row {
                    s += f64::from(w[j as usize]) * f64::from(x);
                }
                s
            })
            .collect()
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
        let mut names = FxHashMap::default();
        let row = self.vectorizer.transform_named(&normalize(text), Some(&mut names));
        let scores = self.scores_of(&row);
        let p = self.probabilities(&scores);
        let mut ranked: Vec<usize> = (0..p.len()).collect();
        ranked.sort_by(|a, b| p[*b].total_cmp(&p[*a]));
        let best = ranked[0];
        let width = self.vectorizer.features() + 1;
        let w = &self.weights[best * width..(best + 1) * width];
        let mut parts: Vec<Weighed> = row
            .iter()
            .map(|&(j, x)| Weighed {
                ngram: names.get(&j).cloned().unwrap_or_default(),
                weight: f64::from(w[j as usize]) * f64::from(x),
            })
            .collect();
        parts.sort_by(|a, b| b.weight.total_cmp(&a.weight));
        let for_category: Vec<Weighed> = parts.iter().filter(|p| p.weight > 0.0).take(top).cloned().collect();
        let against_category: Vec<Weighed> = parts.iter().rev().filter(|p| p.weight < 0.0).take(top).cloned().collect();
        Prediction {
            category: self.classes[best].clone(),
            confidence: p[best],
            alternatives: ranked.iter().skip(1).take(2).map(|&k| (self.classes[k].clone(), p[k])).collect(),
            for_category,
            against_category,
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

    /// The model's arrays as bytes, for storing a model version (little-endian: counts, hashes,
    /// the word count, idf, weights).
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
        out
    }

    /// Rebuilds a classifier from its stored parts; `None` when the bytes do not fit the classes.
    pub fn from_parts(
        classes: Vec<String>,
        bytes: &[u8],
        temperature: f64,
        c: f64,
        char_weight: f64,
    ) -> Option<Classifier> {
        let word = |at: usize| -> Option<u64> { Some(u64::from_le_bytes(bytes.get(at..at + 8)?.try_into().ok()?)) };
        let features = usize::try_from(word(0)?).ok()?;
        let words = usize::try_from(word(8)?).ok()?;
        let weights_len = classes.len().checked_mul(features.checked_add(1)?)?;
        let expected = 16usize.checked_add(features.checked_mul(12)?)?.checked_add(weights_len.checked_mul(4)?)?;
        if bytes.len() != expected || words > features {
            return None;
        }
        let hashes: Vec<u64> = (0..features).map(|i| word(16 + i * 8)).collect::<Option<_>>()?;
        let floats_at = 16 + features * 8;
        let float =
            |i: usize| f32::from_le_bytes(bytes[floats_at + i * 4..floats_at + i * 4 + 4].try_into().unwrap_or([0; 4]));
        let idf = (0..features).map(float).collect();
        let weights = (features..features + weights_len).map(float).collect();
        let index = hashes.iter().enumerate().map(|(i, &h)| (h, i as u32)).collect();
        Some(Classifier {
            classes,
            vectorizer: Vectorizer { index, hashes, words, idf, char_weight: char_weight as f32 },
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
        let model = Classifier::train_with(&examples(), 1.0, &TrainParams::default());
        let back =
            Classifier::from_parts(model.classes.clone(), &model.arrays_to_bytes(), model.temperature, model.c, 1.0)
                .unwrap();
        for text in ["отопления нет", "зарплату не платят", "тауар сапасыз", "что-то совсем другое"]
        {
            assert_eq!(model.scores(text), back.scores(text));
        }
        assert!(Classifier::from_parts(model.classes.clone(), &model.arrays_to_bytes()[1..], 1.0, 1.0, 1.0).is_none());
        assert!(Classifier::from_parts(vec!["a".into()], &model.arrays_to_bytes(), 1.0, 1.0, 1.0).is_none());
    }

    #[test]
    fn declined_forms_and_typos_share_character_ngrams() {
        let model = Classifier::train_with(&examples(), 1.0, &TrainParams::default());
        let p = model.predict("батарея холодная, отоплене не дают", 3);
        assert_eq!(p.category, "жкх", "{p:?}");
        assert!(p.for_category.iter().all(|w| w.weight > 0.0) && !p.for_category.is_empty());
        assert!(p.confidence > 1.0 / 3.0 && p.confidence <= 1.0);
        assert_eq!(model.classes[model.predict_index("жалақы төленбеді")], "труд");
    }
}
