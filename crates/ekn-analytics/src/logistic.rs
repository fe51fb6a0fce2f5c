//! L2-regularised logistic regression fitted by Newton's method (iteratively reweighted least
//! squares) on sparse rows with a fixed number of non-zeros — the risk model's engine.
//!
//! Why by hand: the rows are one-hot categories (control body, district, industry…) plus a few
//! numbers, so each has ~15 non-zeros among several hundred columns. linfa's logistic regression
//! takes a dense `ndarray` (a million rows × 500 columns is 4 GB of f64) and fits with L-BFGS;
//! Newton on the sparse rows needs only the d×d Hessian (d ≤ a few thousand, capped by the
//! feature builder), converges in under ten steps to the same optimum scikit-learn's
//! `LogisticRegression(C=…)` finds (the objective is identical: ½‖w‖² + C·Σ log-loss, the
//! intercept unpenalised), and its dense Cholesky solve is twenty lines.

use serde::{Deserialize, Serialize};

/// Rows of a design matrix: each row has `width` (column, value) pairs; column 0 is the intercept
/// and is added by the fitter, not stored.
#[derive(Debug, Clone, Default)]
pub struct Design {
    pub width: usize,
    pub columns: Vec<u32>,
    pub values: Vec<f32>,
}

impl Design {
    pub fn new(width: usize) -> Design {
        Design { width, columns: Vec::new(), values: Vec::new() }
    }

    pub fn rows(&self) -> usize {
        self.columns.len().checked_div(self.width).unwrap_or(0)
    }

    pub fn push(&mut self, row: &[(u32, f32)]) {
        debug_assert_eq!(row.len(), self.width);
        for &(c, v) in row {
            self.columns.push(c);
            self.values.push(v);
        }
    }

    fn row(&self, i: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        let from = i * self.width;
        self.columns[from..from + self.width]
            .iter()
            .zip(&self.values[from..from + self.width])
            .map(|(&c, &v)| (c as usize, f64::from(v)))
    }

    /// The linear predictor (log-odds) of row `i` under `weights`.
    pub fn logit(&self, weights: &[f64], i: usize) -> f64 {
        weights[0] + self.row(i).map(|(c, v)| weights[c] * v).sum::<f64>()
    }
}

/// How the fit went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fit {
    pub weights: Vec<f64>,
    pub iterations: usize,
    pub converged: bool,
    /// The penalised negative log-likelihood at the end.
    pub objective: f64,
}

pub fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

fn log1p_exp(z: f64) -> f64 {
    if z > 30.0 {
        z
    } else {
        z.exp().ln_1p()
    }
}

fn objective(design: &Design, labels: &[bool], weights: &[f64], c: f64) -> f64 {
    let loss: f64 = (0..design.rows())
        .map(|i| {
            let z = design.logit(weights, i);
            log1p_exp(z) - if labels[i] { z } else { 0.0 }
        })
        .sum();
    0.5 * weights[1..].iter().map(|w| w * w).sum::<f64>() + c * loss
}

/// Solves `a x = b` for a symmetric positive definite `a` (row-major n×n) by Cholesky, in place.
fn cholesky_solve(a: &mut [f64], b: &mut [f64], n: usize) -> bool {
    for j in 0..n {
        let mut d = a[j * n + j];
        for k in 0..j {
            d -= a[j * n + k] * a[j * n + k];
        }
        if d <= 0.0 {
            return false;
        }
        let d = d.sqrt();
        a[j * n + j] = d;
        for i in j + 1..n {
            let mut s = a[i * n + j];
            for k in 0..j {
                s -= a[i * n + k] * a[j * n + k];
            }
            a[i * n + j] = s / d;
        }
    }
    for i in 0..n {
        let mut s = b[i];
        for k in 0..i {
            s -= a[i * n + k] * b[k];
        }
        b[i] = s / a[i * n + i];
    }
    for i in (0..n).rev() {
        let mut s = b[i];
        for k in i + 1..n {
            s -= a[k * n + i] * b[k];
        }
        b[i] = s / a[i * n + i];
    }
    true
}

/// Fits weights (length `dimension`, index 0 the intercept) minimising ½‖w‖² + C·Σ log-loss.
pub fn fit(design: &Design, labels: &[bool], dimension: usize, c: f64) -> Fit {
    let n = dimension;
    let mut weights = vec![0.0; n];
    let positives = labels.iter().filter(|&&y| y).count() as f64;
    let rows = labels.len().max(1) as f64;
    let prior = (positives / rows).clamp(1e-6, 1.0 - 1e-6);
    weights[0] = (prior / (1.0 - prior)).ln();
    let mut current = objective(design, labels, &weights, c);
    let mut iterations = 0;
    let mut converged = false;
    let mut hessian = vec![0.0; n * n];
    let mut gradient = vec![0.0; n];
    while iterations < 30 {
        iterations += 1;
        hessian.iter_mut().for_each(|h| *h = 0.0);
        gradient.iter_mut().for_each(|g| *g = 0.0);
        let mut cols: Vec<(usize, f64)> = Vec::with_capacity(design.width + 1);
        for (i, &label) in labels.iter().enumerate().take(design.rows()) {
            let p = sigmoid(design.logit(&weights, i));
            let residual = c * (p - if label { 1.0 } else { 0.0 });
            let curvature = c * (p * (1.0 - p)).max(1e-12);
            cols.clear();
            cols.push((0, 1.0));
            cols.extend(design.row(i));
            for (a, &(ca, va)) in cols.iter().enumerate() {
                gradient[ca] += residual * va;
                let scaled = curvature * va;
                for (b, &(cb, vb)) in cols[..=a].iter().enumerate() {
                    // The lower triangle only, mirrored below. A column repeated within a row
                    // meets itself twice as an unordered pair, so it counts twice.
                    let (r, k) = if ca >= cb { (ca, cb) } else { (cb, ca) };
                    let twice = if ca == cb && a != b { 2.0 } else { 1.0 };
                    hessian[r * n + k] += twice * scaled * vb;
                }
            }
        }
        for r in 0..n {
            for k in 0..r {
                hessian[k * n + r] = hessian[r * n + k];
            }
        }
        for j in 1..n {
            gradient[j] += weights[j];
            hessian[j * n + j] += 1.0;
        }
        hessian[0] += 1e-9;
        let mut step = gradient.clone();
        let mut a = hessian.clone();
        if !cholesky_solve(&mut a, &mut step, n) {
            break;
        }
        // Newton's step, halved while it does not lower the objective (rarely needed for a
        // convex, twice-differentiable loss, but cheap insurance on separable data).
        let mut scale = 1.0;
        let mut accepted = false;
        for _ in 0..20 {
            let trial: Vec<f64> = weights.iter().zip(&step).map(|(w, s)| w - scale * s).collect();
            let value = objective(design, labels, &trial, c);
            if value <= current + 1e-12 {
                let largest = step.iter().fold(0.0f64, |m, s| m.max((scale * s).abs()));
                weights = trial;
                let improvement = current - value;
                current = value;
                accepted = true;
                if largest < 1e-6 || improvement < 1e-10 * (1.0 + current.abs()) {
                    converged = true;
                }
                break;
            }
            scale *= 0.5;
        }
        if !accepted {
            converged = true;
        }
        if converged {
            break;
        }
    }
    Fit { weights, iterations, converged, objective: current }
}

/// The Brier score: the mean squared gap between each probability and its outcome (0 or 1).
pub fn brier(predicted: &[f64], labels: &[bool]) -> f64 {
    predicted.iter().zip(labels).map(|(p, &y)| (p - f64::from(u8::from(y))).powi(2)).sum::<f64>()
        / labels.len().max(1) as f64
}

/// The area under the ROC curve (the chance a random positive outranks a random negative; ties
/// count half), or None when one class is absent.
pub fn auc(scores: &[f64], labels: &[bool]) -> Option<f64> {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    let (mut rank_sum, mut positives) = (0.0, 0.0);
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && scores[order[j + 1]] == scores[order[i]] {
            j += 1;
        }
        let mid_rank = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            if labels[k] {
                rank_sum += mid_rank;
                positives += 1.0;
            }
        }
        i = j + 1;
    }
    let negatives = scores.len() as f64 - positives;
    if positives == 0.0 || negatives == 0.0 {
        return None;
    }
    Some((rank_sum - positives * (positives + 1.0) / 2.0) / (positives * negatives))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn newton_recovers_the_weights_of_a_known_process() {
        // Two one-hot groups (3 + 4 levels) and one number; outcomes drawn from known weights.
        let truth = [-1.0, 0.0, 0.8, -0.5, 0.0, 1.2, 0.3, -0.7, 0.9];
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let mut design = Design::new(3);
        let mut labels = Vec::new();
        for _ in 0..40_000 {
            let a = rng.random_range(1..4u32);
            let b = rng.random_range(4..8u32);
            let x: f32 = rng.random_range(-2.0..2.0);
            let z = truth[0] + truth[a as usize] + truth[b as usize] + truth[8] * f64::from(x);
            labels.push(rng.random_bool(sigmoid(z)));
            design.push(&[(a, 1.0), (b, 1.0), (8, x)]);
        }
        let fit = fit(&design, &labels, 9, 1.0);
        assert!(fit.converged && fit.iterations < 15, "{fit:?}");
        // One-hot groups are identified only up to a shift (the penalty picks one); differences
        // within a group and the numeric slope are identified.
        let w = &fit.weights;
        assert!((w[8] - 0.9).abs() < 0.05, "{w:?}");
        assert!(((w[2] - w[1]) - 0.8).abs() < 0.1, "{w:?}");
        assert!(((w[5] - w[7]) - 1.9).abs() < 0.1, "{w:?}");
        let scores: Vec<f64> = (0..design.rows()).map(|i| design.logit(w, i)).collect();
        let a = auc(&scores, &labels).unwrap();
        assert!(a > 0.7 && a < 0.9, "{a}");
    }

    #[test]
    fn auc_counts_ties_as_half_and_needs_both_classes() {
        assert_eq!(auc(&[0.1, 0.4, 0.35, 0.8], &[false, false, true, true]), Some(0.75));
        assert_eq!(auc(&[0.5, 0.5], &[false, true]), Some(0.5));
        assert_eq!(auc(&[0.5, 0.6], &[true, true]), None);
    }
}
