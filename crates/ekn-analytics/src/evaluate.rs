//! Honest figures for a classifier: a stratified held-out split, cross-validation on the training
//! part to choose the regularisation, and the usual measures — accuracy, macro-F1, per-category
//! precision and recall, the confusion matrix. The model that is kept is then trained on all the
//! data with the chosen settings; its figures are the held-out ones.

use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::classifier::{argmax, Classifier, Example, Parts, TrainParams};

/// Per-category figures on held-out texts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ClassFigures {
    pub category: String,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// Held-out texts of this category.
    pub support: usize,
    /// Training texts of this category (all data).
    pub examples: usize,
}

/// What evaluation found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Metrics {
    pub train_texts: usize,
    pub test_texts: usize,
    pub accuracy: f64,
    pub macro_f1: f64,
    pub per_class: Vec<ClassFigures>,
    /// Rows: true category; columns: predicted; in the order of `per_class`.
    pub confusion: Vec<Vec<usize>>,
    /// Cross-validated accuracy of each C tried on the training part, and the C kept.
    pub cv: Vec<(f64, f64)>,
    pub c: f64,
    pub temperature: f64,
    /// Categories with too few examples to hold any out (they are trained on, not measured).
    pub unmeasured: Vec<String>,
    /// Held-out accuracy per group (the region, when the labelled file names it): the bias check.
    #[serde(default)]
    pub by_group: Vec<GroupFigures>,
    /// The naive Bayes' weight in the blend (0: the SVM alone, as every model before the blend).
    #[serde(default)]
    pub blend: f64,
    /// Cross-validated accuracy of every (C, blend) tried.
    #[serde(default)]
    pub cv_blends: Vec<(f64, f64, f64)>,
    /// Held-out mean log-loss of the calibrated probabilities, and the expected calibration error
    /// (ten bins of confidence); absent for models trained before they were measured.
    #[serde(default)]
    pub log_loss: Option<f64>,
    #[serde(default)]
    pub calibration_error: Option<f64>,
    /// What the temperature was fitted on: `cross_validation` (out-of-fold scores of the training
    /// part — the held-out figures are honest) or `held_out` (no cross-validation above
    /// `cv_max_texts`: fitted on the test side itself).
    #[serde(default)]
    pub calibrated_on: Option<String>,
}

/// Held-out figures of one group of texts (a region).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct GroupFigures {
    pub group: String,
    pub texts: usize,
    pub accuracy: f64,
}

/// Splits indices by category: `share` of each category (at least one when it has two or more)
/// goes to the test side.
pub fn stratified_split(labels: &[String], share: f64, seed: u64) -> (Vec<usize>, Vec<usize>) {
    let mut by_class: std::collections::BTreeMap<&str, Vec<usize>> = Default::default();
    for (i, l) in labels.iter().enumerate() {
        by_class.entry(l).or_default().push(i);
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let (mut train, mut test) = (Vec::new(), Vec::new());
    for (_, mut idx) in by_class {
        idx.shuffle(&mut rng);
        let held =
            if idx.len() < 2 { 0 } else { ((idx.len() as f64 * share).round() as usize).clamp(1, idx.len() - 1) };
        test.extend_from_slice(&idx[..held]);
        train.extend_from_slice(&idx[held..]);
    }
    train.sort_unstable();
    test.sort_unstable();
    (train, test)
}

fn pick(examples: &[Example], idx: &[usize]) -> Vec<Example> {
    idx.iter().map(|&i| examples[i].clone()).collect()
}

/// A text's decision values over every class, and its true class.
type Scored = (Vec<f64>, usize);
/// A text's SVM and naive Bayes decision values over every class apart, and its true class.
type ScoredApart = ((Vec<f64>, Vec<f64>), usize);

/// What cross-validation chose, with the out-of-fold decision values of the chosen setting (every
/// training text scored by a model that did not see it), which the temperature is fitted on.
struct Chosen {
    c: f64,
    blend: f64,
    /// Mean accuracy of each (C, blend) tried.
    figures: Vec<(f64, f64, f64)>,
    out_of_fold: Vec<Scored>,
}

/// Chooses C and the naive Bayes' blend weight by stratified k-fold cross-validation on `train`
/// (the best mean accuracy; ties go to the smaller C and the smaller blend). One SVM and one naive
/// Bayes are fitted per C and fold; the blends are scored from them without refitting.
fn choose(train: &[Example], params: &TrainParams, progress: &dyn Fn(crate::Step)) -> Chosen {
    let middle = |grid: &[f64], fallback: f64| grid.get(grid.len() / 2).copied().unwrap_or(fallback);
    let default = Chosen {
        c: middle(&params.c_grid, 1.0),
        blend: middle(&params.nb_blend_grid, 0.0),
        figures: Vec::new(),
        out_of_fold: Vec::new(),
    };
    let settings = params.c_grid.len() * params.nb_blend_grid.len().max(1);
    if train.len() > params.cv_max_texts || settings < 2 || params.cv_folds < 2 {
        return default;
    }
    let blends = if params.nb_blend_grid.is_empty() { vec![0.0] } else { params.nb_blend_grid.clone() };
    let labels: Vec<String> = train.iter().map(|e| e.label.clone()).collect();
    // Fold f holds every k-th text of each category, after a seeded shuffle.
    let mut fold_of = vec![0usize; train.len()];
    let (mut order, _) = stratified_split(&labels, 0.0, params.seed ^ 0x5eed);
    order.shuffle(&mut ChaCha8Rng::seed_from_u64(params.seed));
    let mut seen: std::collections::HashMap<&str, usize> = Default::default();
    for &i in &order {
        let n = seen.entry(&labels[i]).or_default();
        fold_of[i] = *n % params.cv_folds;
        *n += 1;
    }
    // Each training text is scored once per C by the fold's SVM and naive Bayes apart (in the order
    // of the full label set, so folds missing a rare class still line up); every blend is then
    // their weighted sum. Only the best C's scores so far are kept: the temperature needs the
    // chosen setting's alone, and keeping all of them would hold settings × texts × classes.
    let mut classes: Vec<String> = labels.clone();
    classes.sort();
    classes.dedup();
    let blended = |(svm, nb): &(Vec<f64>, Vec<f64>), blend: f64| -> Vec<f64> {
        svm.iter().zip(nb).map(|(s, n)| s + blend * n).collect()
    };
    let n = train.len() as f64;
    let mut figures = Vec::new();
    let mut best = (0usize, 0usize, f64::NEG_INFINITY);
    let mut best_scores: Vec<ScoredApart> = Vec::new();
    for (ci, &c) in params.c_grid.iter().enumerate() {
        progress(super::Step::at("cross_validation", c));
        let mut scores: Vec<ScoredApart> = Vec::with_capacity(train.len());
        for f in 0..params.cv_folds {
            let inside: Vec<usize> = (0..train.len()).filter(|&i| fold_of[i] != f).collect();
            let parts = Parts::train(&pick(train, &inside), c, params);
            for i in (0..train.len()).filter(|&i| fold_of[i] == f) {
                let (svm, nb) = parts.scores(&train[i].text);
                // A class this fold never trained on scores far below the rest.
                let (mut full_svm, mut full_nb) = (vec![-1e3; classes.len()], vec![0.0; classes.len()]);
                for (k, name) in parts.classes.iter().enumerate() {
                    if let Ok(at) = classes.binary_search(name) {
                        (full_svm[at], full_nb[at]) = (svm[k], nb[k]);
                    }
                }
                scores.push(((full_svm, full_nb), classes.binary_search(&train[i].label).unwrap_or(0)));
            }
        }
        let mut improved = false;
        for (bi, &blend) in blends.iter().enumerate() {
            let right = scores.iter().filter(|(s, truth)| argmax(&blended(s, blend)) == *truth).count();
            let accuracy = right as f64 / n;
            figures.push((c, blend, accuracy));
            if accuracy > best.2 + 1e-9 {
                best = (ci, bi, accuracy);
                improved = true;
            }
        }
        if improved {
            best_scores = scores;
        }
    }
    let blend = blends[best.1];
    Chosen {
        c: params.c_grid[best.0],
        blend,
        figures,
        out_of_fold: best_scores.iter().map(|(s, truth)| (blended(s, blend), *truth)).collect(),
    }
}

/// A model trained on `train` with the settings cross-validation chose, its temperature fitted on
/// the out-of-fold scores (or, when cross-validation was skipped, on the test side: then the
/// held-out log-loss is measured on what the temperature saw, and `Metrics::calibrated_on` says
/// so), its figures on `test`, and whether it got each test text right (for figures by group).
fn fit_and_measure(
    train: &[Example],
    test: &[Example],
    all_labels: &[String],
    params: &TrainParams,
    progress: &dyn Fn(crate::Step),
) -> (Classifier, Metrics, Vec<bool>) {
    let chosen = choose(train, params, progress);
    progress(super::Step::new("training_part"));
    let mut model = Classifier::train_with(train, chosen.c, chosen.blend, params);
    progress(super::Step::new("measuring_held_out"));
    let scores: Vec<Vec<f64>> = test.iter().map(|e| model.scores(&e.text)).collect();
    let truth: Vec<Option<usize>> = test.iter().map(|e| model.classes.binary_search(&e.label).ok()).collect();
    let calibrated_on = if chosen.out_of_fold.is_empty() {
        let known: Vec<(Vec<f64>, usize)> =
            scores.iter().zip(&truth).filter_map(|(s, t)| t.map(|t| (s.clone(), t))).collect();
        let (s, t): (Vec<Vec<f64>>, Vec<usize>) = known.into_iter().unzip();
        model.calibrate(&s, &t);
        "held_out"
    } else {
        // Out-of-fold scores are over every class of the training part, as the model's are.
        let (s, t): (Vec<Vec<f64>>, Vec<usize>) = chosen.out_of_fold.iter().cloned().unzip();
        model.calibrate(&s, &t);
        "cross_validation"
    };

    let mut all: Vec<String> = all_labels.to_vec();
    all.sort();
    all.dedup();
    let k = all.len();
    let mut confusion = vec![vec![0usize; k]; k];
    let (mut log_loss, mut confidences) = (0.0, Vec::with_capacity(test.len()));
    for ((e, s), t) in test.iter().zip(&scores).zip(&truth) {
        let truth_at = all.binary_search(&e.label).unwrap_or(0);
        let best = argmax(s);
        let predicted = all.binary_search(&model.classes[best]).unwrap_or(0);
        confusion[truth_at][predicted] += 1;
        let p = model.probabilities(s);
        log_loss -= t.map_or(1e-12, |t| p[t]).max(1e-12).ln();
        confidences.push((p[best], best == t.unwrap_or(usize::MAX)));
    }
    let (confidence, correct): (Vec<f64>, Vec<bool>) = confidences.into_iter().unzip();
    let right: usize = (0..k).map(|i| confusion[i][i]).sum();
    let per_class: Vec<ClassFigures> = (0..k)
        .map(|i| {
            let predicted: usize = (0..k).map(|r| confusion[r][i]).sum();
            let support: usize = confusion[i].iter().sum();
            let precision = if predicted > 0 { confusion[i][i] as f64 / predicted as f64 } else { 0.0 };
            let recall = if support > 0 { confusion[i][i] as f64 / support as f64 } else { 0.0 };
            let f1 = if precision + recall > 0.0 { 2.0 * precision * recall / (precision + recall) } else { 0.0 };
            ClassFigures {
                category: all[i].clone(),
                precision,
                recall,
                f1,
                support,
                examples: all_labels.iter().filter(|l| **l == all[i]).count(),
            }
        })
        .collect();
    let measured: Vec<&ClassFigures> = per_class.iter().filter(|c| c.support > 0).collect();
    let macro_f1 = measured.iter().map(|c| c.f1).sum::<f64>() / measured.len().max(1) as f64;
    let unmeasured = per_class.iter().filter(|c| c.support == 0).map(|c| c.category.clone()).collect();
    let metrics = Metrics {
        train_texts: train.len(),
        test_texts: test.len(),
        accuracy: right as f64 / test.len().max(1) as f64,
        macro_f1,
        per_class,
        confusion,
        cv: chosen.figures.iter().filter(|f| f.1 == chosen.blend).map(|f| (f.0, f.2)).collect(),
        c: chosen.c,
        temperature: model.temperature,
        unmeasured,
        by_group: Vec::new(),
        blend: chosen.blend,
        cv_blends: chosen.figures,
        log_loss: Some(log_loss / test.len().max(1) as f64),
        calibration_error: Some(super::risk::calibration(&confidence, &correct).1),
        calibrated_on: Some(calibrated_on.to_string()),
    };
    (model, metrics, correct)
}

/// Evaluates on a held-out split, then trains the kept model on everything. `progress` hears what
/// is being done.
/// `groups`, when given, names each example's group (its region) for the per-group figures.
pub fn train_and_evaluate(
    examples: &[Example],
    groups: Option<&[Option<String>]>,
    params: &TrainParams,
    progress: &dyn Fn(crate::Step),
) -> (Classifier, Metrics) {
    let labels: Vec<String> = examples.iter().map(|e| e.label.clone()).collect();
    let (train_idx, test_idx) = stratified_split(&labels, params.test_share, params.seed);
    let (train, test) = (pick(examples, &train_idx), pick(examples, &test_idx));
    let (_, mut metrics, correct) = fit_and_measure(&train, &test, &labels, params, progress);
    let mut by_group: std::collections::BTreeMap<String, (usize, usize)> = Default::default();
    if let Some(groups) = groups {
        for (&i, &right) in test_idx.iter().zip(&correct) {
            let Some(group) = groups.get(i).cloned().flatten() else { continue };
            let entry = by_group.entry(group).or_default();
            entry.0 += 1;
            entry.1 += usize::from(right);
        }
    }
    metrics.by_group = by_group
        .into_iter()
        .map(|(group, (texts, right))| GroupFigures { group, texts, accuracy: right as f64 / texts as f64 })
        .collect();
    progress(super::Step::new("training_kept"));
    let mut kept = Classifier::train_with(examples, metrics.c, metrics.blend, params);
    kept.temperature = metrics.temperature;
    (kept, metrics)
}

/// One split of a method's evaluation: which texts were held out, and the figures on them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct SplitFigures {
    pub seed: u64,
    /// Indices (0-based, in the order read) of the held-out texts, for another tool to use the
    /// same split.
    pub test_rows: Vec<usize>,
    pub metrics: Metrics,
}

/// The method (C and blend by cross-validation, calibration, the figures) on `splits` stratified
/// splits drawn with seeds 0, 1, …: the mean and spread a single split cannot give.
pub fn evaluate_splits(
    examples: &[Example],
    splits: u64,
    params: &TrainParams,
    progress: &dyn Fn(crate::Step),
) -> Vec<SplitFigures> {
    let labels: Vec<String> = examples.iter().map(|e| e.label.clone()).collect();
    (0..splits)
        .map(|seed| {
            progress(super::Step::at("split", format!("{}/{splits}", seed + 1)));
            let split_params = TrainParams { seed, ..params.clone() };
            let (train_idx, test_idx) = stratified_split(&labels, params.test_share, seed);
            let (train, test) = (pick(examples, &train_idx), pick(examples, &test_idx));
            let (_, metrics, _) = fit_and_measure(&train, &test, &labels, &split_params, progress);
            SplitFigures { seed, test_rows: test_idx, metrics }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stratified_split_holds_out_each_category_and_keeps_singletons_for_training() {
        let labels: Vec<String> =
            ["a"; 10].iter().chain(["b"; 5].iter()).chain(["c"].iter()).map(|s| s.to_string()).collect();
        let (train, test) = stratified_split(&labels, 0.2, 7);
        let held = |l: &str| test.iter().filter(|&&i| labels[i] == l).count();
        assert_eq!((held("a"), held("b"), held("c")), (2, 1, 0));
        assert_eq!(train.len() + test.len(), labels.len());
        assert_eq!(stratified_split(&labels, 0.2, 7), (train, test), "the same seed gives the same split");
    }
}
