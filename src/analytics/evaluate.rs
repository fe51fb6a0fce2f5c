//! Honest figures for a classifier: a stratified held-out split, cross-validation on the training
//! part to choose the regularisation, and the usual measures — accuracy, macro-F1, per-category
//! precision and recall, the confusion matrix. The model that is kept is then trained on all the
//! data with the chosen settings; its figures are the held-out ones.

use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::classifier::{argmax, Classifier, Example, TrainParams};

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

/// Accuracy of a model trained on `train` and tested on `test`.
fn accuracy(train: &[Example], test: &[Example], c: f64, params: &TrainParams) -> f64 {
    let model = Classifier::train_with(train, c, params);
    let right = test.iter().filter(|e| model.classes[model.predict_index(&e.text)] == e.label).count();
    right as f64 / test.len().max(1) as f64
}

/// Chooses C by stratified k-fold cross-validation on `train` (the best mean accuracy; ties go to
/// the smaller C, the simpler model).
fn choose_c(train: &[Example], params: &TrainParams, progress: &dyn Fn(&str)) -> (f64, Vec<(f64, f64)>) {
    let default = params.c_grid.get(params.c_grid.len() / 2).copied().unwrap_or(1.0);
    if train.len() > params.cv_max_texts || params.c_grid.len() < 2 || params.cv_folds < 2 {
        return (default, Vec::new());
    }
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
    let mut figures = Vec::new();
    for &c in &params.c_grid {
        progress(&format!("cross-validation, C = {c}"));
        let mut sum = 0.0;
        for f in 0..params.cv_folds {
            let inside: Vec<usize> = (0..train.len()).filter(|&i| fold_of[i] != f).collect();
            let outside: Vec<usize> = (0..train.len()).filter(|&i| fold_of[i] == f).collect();
            sum += accuracy(&pick(train, &inside), &pick(train, &outside), c, params);
        }
        figures.push((c, sum / params.cv_folds as f64));
    }
    let best = figures
        .iter()
        .fold((default, f64::NEG_INFINITY), |best, &(c, a)| if a > best.1 + 1e-9 { (c, a) } else { best });
    (best.0, figures)
}

/// Evaluates on a held-out split, then trains the kept model on everything. `progress` hears what
/// is being done.
/// `groups`, when given, names each example's group (its region) for the per-group figures.
pub fn train_and_evaluate(
    examples: &[Example],
    groups: Option<&[Option<String>]>,
    params: &TrainParams,
    progress: &dyn Fn(&str),
) -> (Classifier, Metrics) {
    let labels: Vec<String> = examples.iter().map(|e| e.label.clone()).collect();
    let (train_idx, test_idx) = stratified_split(&labels, params.test_share, params.seed);
    let (train, test) = (pick(examples, &train_idx), pick(examples, &test_idx));
    let (c, cv) = choose_c(&train, params, progress);
    progress("training on the training part");
    let mut model = Classifier::train_with(&train, c, params);
    progress("measuring on the held-out part");
    let scores: Vec<Vec<f64>> = test.iter().map(|e| model.scores(&e.text)).collect();
    let truth: Vec<Option<usize>> = test.iter().map(|e| model.classes.binary_search(&e.label).ok()).collect();
    let known: Vec<(Vec<f64>, usize)> =
        scores.iter().zip(&truth).filter_map(|(s, t)| t.map(|t| (s.clone(), t))).collect();
    let (s, t): (Vec<Vec<f64>>, Vec<usize>) = known.into_iter().unzip();
    model.calibrate(&s, &t);
    let temperature = model.temperature;

    let mut all: Vec<String> = labels.clone();
    all.sort();
    all.dedup();
    let k = all.len();
    let mut confusion = vec![vec![0usize; k]; k];
    for (e, s) in test.iter().zip(&scores) {
        let truth = all.binary_search(&e.label).unwrap_or(0);
        let predicted = all.binary_search(&model.classes[argmax(s)]).unwrap_or(0);
        confusion[truth][predicted] += 1;
    }
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
                examples: labels.iter().filter(|l| **l == all[i]).count(),
            }
        })
        .collect();
    let measured: Vec<&ClassFigures> = per_class.iter().filter(|c| c.support > 0).collect();
    let macro_f1 = measured.iter().map(|c| c.f1).sum::<f64>() / measured.len().max(1) as f64;
    let unmeasured = per_class.iter().filter(|c| c.support == 0).map(|c| c.category.clone()).collect();
    let mut by_group: std::collections::BTreeMap<String, (usize, usize)> = Default::default();
    if let Some(groups) = groups {
        for (i, s) in test_idx.iter().zip(&scores) {
            let Some(group) = groups.get(*i).cloned().flatten() else { continue };
            let entry = by_group.entry(group).or_default();
            entry.0 += 1;
            entry.1 += usize::from(model.classes[argmax(s)] == examples[*i].label);
        }
    }
    let by_group = by_group
        .into_iter()
        .map(|(group, (texts, right))| GroupFigures { group, texts, accuracy: right as f64 / texts as f64 })
        .collect();
    let metrics = Metrics {
        train_texts: train.len(),
        test_texts: test.len(),
        accuracy: right as f64 / test.len().max(1) as f64,
        macro_f1,
        per_class,
        confusion,
        cv,
        c,
        temperature,
        unmeasured,
        by_group,
    };
    progress("training the kept model on all the data");
    let mut kept = Classifier::train_with(examples, c, params);
    kept.temperature = temperature;
    (kept, metrics)
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
