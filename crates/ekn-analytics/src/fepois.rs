//! Poisson regression with two sets of fixed effects and standard errors clustered by a third
//! key: what the staggered effect design (`effect_staggered`) fits — counts with an exposure
//! offset, an effect per (stack, object) and per (stack, quarter), and a handful of terms of
//! interest. Written here because no kept Rust crate fits a high-dimensional fixed-effects
//! Poisson; it follows the published algorithm of ppmlhdfe and pyfixest's `fepois` (iteratively
//! reweighted least squares whose working variable and regressors are demeaned by the fixed
//! effects with the current weights, by alternating projections), so its estimates and
//! CRV1 errors can be checked against pyfixest to the printed digits
//! (`scripts/effect/stacked_oracle.py`).
//!
//! Observations of a fixed-effect group whose counts are all zero carry no information (their
//! effect would be −∞, the fit "separated"), nor do a group's single observation; both are dropped
//! first, repeatedly, as pyfixest does.

use std::collections::HashMap;

use nalgebra::{DMatrix, DVector};

/// One observation.
#[derive(Debug, Clone)]
pub struct Row {
    pub y: f64,
    /// log exposure.
    pub offset: f64,
    /// The two fixed effects' group ids (dense, from 0).
    pub fe: [usize; 2],
    /// The cluster of the standard errors (dense, from 0).
    pub cluster: usize,
    /// The terms of interest.
    pub x: Vec<f64>,
}

/// A fit's result.
#[derive(Debug, Clone)]
pub struct Fit {
    pub beta: Vec<f64>,
    /// CRV1 covariance, clustered, with the factor G/(G−1)·(N−1)/(N−K) as pyfixest applies it
    /// (K: the terms and the fixed effects not nested in the clusters).
    pub vcov: Vec<Vec<f64>>,
    /// Observations used (after the all-zero groups and singletons were dropped).
    pub n_obs: usize,
    /// Which rows were used, in the input's order.
    pub used: Vec<bool>,
}

/// Why no fit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FitError {
    /// Nothing left once the all-zero groups were dropped, or a term constant within the groups.
    NotIdentified(&'static str),
    /// The iterations did not settle (which of them).
    NotConverged(&'static str),
}

const IRLS_TOL: f64 = 1e-10;
const IRLS_MAX: usize = 200;
const DEMEAN_TOL: f64 = 1e-11;
const DEMEAN_MAX: usize = 100_000;

/// Which rows survive dropping, repeatedly, every group (of either fixed effect) whose counts are
/// all zero — its effect would be −∞ — or that holds one row: a singleton is fitted perfectly by
/// its own effect, says nothing of the terms, and kept would only swell the count of observations
/// behind the standard errors (Correia 2015; pyfixest drops them too).
fn informative(rows: &[Row], groups: [usize; 2]) -> Vec<bool> {
    let mut keep = vec![true; rows.len()];
    loop {
        let mut sums = [vec![0.0; groups[0]], vec![0.0; groups[1]]];
        let mut counts = [vec![0usize; groups[0]], vec![0usize; groups[1]]];
        for (r, _) in rows.iter().zip(&keep).filter(|(_, k)| **k) {
            for d in 0..2 {
                sums[d][r.fe[d]] += r.y;
                counts[d][r.fe[d]] += 1;
            }
        }
        let mut changed = false;
        for (r, k) in rows.iter().zip(keep.iter_mut()) {
            if *k && (0..2).any(|d| sums[d][r.fe[d]] <= 0.0 || counts[d][r.fe[d]] < 2) {
                *k = false;
                changed = true;
            }
        }
        if !changed {
            return keep;
        }
    }
}

/// Up to this many groups of the second fixed effect in one connected part, the projection is
/// solved exactly.
const EXACT_MAX_GROUPS: usize = 2000;

/// Subtracts from each column of `columns` its weighted projection on both fixed effects.
///
/// Exactly where it can: the first effect's group means are eliminated, leaving for the second's a
/// symmetric system (its Schur complement, `diag(W₁) − Σ_g u_g u_gᵀ / W_g`) that falls apart into
/// one small block per connected part — per stack, a stack's quarters — each solved once per
/// weighting by Cholesky for every column. Alternating projections, the textbook way, crawl where
/// the two effects are thinly connected (a sparse registry, an object inspected once a year: on
/// the demo registry they had not settled after 100,000 sweeps); they remain for a part too large.
fn demean(columns: &mut [Vec<f64>], fe: &[[usize; 2]], w: &[f64], groups: [usize; 2]) -> Result<(), FitError> {
    match Blocks::new(fe, w, groups) {
        Some(blocks) => blocks.project(columns, fe, w),
        None => demean_alternating(columns, fe, w, groups),
    }
}

/// One part's system, factored: by Cholesky, or — where rounding left it a hair short of positive
/// definite — by its pseudo-inverse (the minimum-norm solution, as good for the fitted sum).
enum Solver {
    Cholesky(nalgebra::Cholesky<f64, nalgebra::Dyn>),
    Pseudo(DMatrix<f64>),
}

impl Solver {
    fn solve(&self, rhs: &DVector<f64>) -> DVector<f64> {
        match self {
            Solver::Cholesky(c) => c.solve(rhs),
            Solver::Pseudo(p) => p * rhs,
        }
    }
}

/// The second effect's groups split into connected parts, each with its factored system.
struct Blocks {
    groups: [usize; 2],
    /// Per second-effect group: (its part, its place in the part).
    place: Vec<(usize, usize)>,
    parts: Vec<Solver>,
    sizes: Vec<usize>,
    w0: Vec<f64>,
    /// Per first-effect group: its weight by second-effect group.
    by_first: Vec<Vec<(usize, f64)>>,
}

fn root(parent: &mut [usize], mut a: usize) -> usize {
    while parent[a] != a {
        parent[a] = parent[parent[a]];
        a = parent[a];
    }
    a
}

impl Blocks {
    fn new(fe: &[[usize; 2]], w: &[f64], groups: [usize; 2]) -> Option<Blocks> {
        let mut w0 = vec![0.0; groups[0]];
        let mut w1 = vec![0.0; groups[1]];
        let mut cross: HashMap<(usize, usize), f64> = HashMap::new();
        for (g, wi) in fe.iter().zip(w) {
            w0[g[0]] += wi;
            w1[g[1]] += wi;
            *cross.entry((g[0], g[1])).or_default() += wi;
        }
        let mut by_first: Vec<Vec<(usize, f64)>> = vec![Vec::new(); groups[0]];
        for ((g0, g1), u) in cross {
            by_first[g0].push((g1, u));
        }
        // Second-effect groups joined through a first-effect group are one part.
        let mut parent: Vec<usize> = (0..groups[1]).collect();
        for list in &by_first {
            for pair in list.windows(2) {
                let (a, b) = (root(&mut parent, pair[0].0), root(&mut parent, pair[1].0));
                parent[a] = b;
            }
        }
        let mut part_of_root: HashMap<usize, usize> = HashMap::new();
        let mut sizes: Vec<usize> = Vec::new();
        let mut place = Vec::with_capacity(groups[1]);
        for g in 0..groups[1] {
            let r = root(&mut parent, g);
            let part = *part_of_root.entry(r).or_insert_with(|| {
                sizes.push(0);
                sizes.len() - 1
            });
            place.push((part, sizes[part]));
            sizes[part] += 1;
        }
        if sizes.iter().any(|&n| n > EXACT_MAX_GROUPS) {
            return None;
        }
        let mut systems: Vec<DMatrix<f64>> = sizes.iter().map(|&n| DMatrix::zeros(n, n)).collect();
        for (g, wg) in w1.iter().enumerate() {
            let (part, i) = place[g];
            // A group with no weight left (all its rows dropped) is pinned at zero.
            systems[part][(i, i)] += if *wg > 0.0 { *wg } else { 1.0 };
        }
        for (list, total) in by_first.iter().zip(&w0) {
            if *total <= 0.0 {
                continue;
            }
            for &(a, ua) in list {
                for &(b, ub) in list {
                    let ((part, i), (_, j)) = (place[a], place[b]);
                    systems[part][(i, j)] -= ua * ub / total;
                }
            }
        }
        // Each part's system is singular along a shift between the two effects: a ridge far below
        // the weights picks one solution; the fitted sum does not depend on it.
        let parts = systems
            .into_iter()
            .map(|mut m| {
                let scale = (0..m.nrows()).map(|i| m[(i, i)]).fold(0.0, f64::max).max(1e-300);
                for i in 0..m.nrows() {
                    m[(i, i)] += scale * 1e-10;
                }
                match nalgebra::Cholesky::new(m.clone()) {
                    Some(c) => Some(Solver::Cholesky(c)),
                    None => m.pseudo_inverse(scale * 1e-9).ok().map(Solver::Pseudo),
                }
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Blocks { groups, place, parts, sizes, w0, by_first })
    }

    fn project(&self, columns: &mut [Vec<f64>], fe: &[[usize; 2]], w: &[f64]) -> Result<(), FitError> {
        for col in columns.iter_mut() {
            let mut sum0 = vec![0.0; self.groups[0]];
            let mut rhs: Vec<DVector<f64>> = self.sizes.iter().map(|&n| DVector::zeros(n)).collect();
            for ((g, wi), v) in fe.iter().zip(w).zip(col.iter()) {
                sum0[g[0]] += wi * v;
                let (part, i) = self.place[g[1]];
                rhs[part][i] += wi * v;
            }
            for ((list, total), s) in self.by_first.iter().zip(&self.w0).zip(&sum0) {
                if *total > 0.0 {
                    for &(g1, u) in list {
                        let (part, i) = self.place[g1];
                        rhs[part][i] -= u * s / total;
                    }
                }
            }
            let solved: Vec<DVector<f64>> = self.parts.iter().zip(&rhs).map(|(c, r)| c.solve(r)).collect();
            let second = |g1: usize| {
                let (part, i) = self.place[g1];
                solved[part][i]
            };
            let mut first = vec![0.0; self.groups[0]];
            for ((g, wi), v) in fe.iter().zip(w).zip(col.iter()) {
                first[g[0]] += wi * (v - second(g[1]));
            }
            for (f, total) in first.iter_mut().zip(&self.w0) {
                *f = if *total > 0.0 { *f / total } else { 0.0 };
            }
            for (g, v) in fe.iter().zip(col.iter_mut()) {
                *v -= first[g[0]] + second(g[1]);
            }
            if col.iter().any(|v| !v.is_finite()) {
                return Err(FitError::NotConverged("the fixed effects' system"));
            }
        }
        Ok(())
    }
}

/// Alternating projections until no group mean moves by more than the tolerance.
fn demean_alternating(
    columns: &mut [Vec<f64>],
    fe: &[[usize; 2]],
    w: &[f64],
    groups: [usize; 2],
) -> Result<(), FitError> {
    let mut wsum = [vec![0.0; groups[0]], vec![0.0; groups[1]]];
    for (g, wi) in fe.iter().zip(w) {
        for d in 0..2 {
            wsum[d][g[d]] += wi;
        }
    }
    let mut acc = [vec![0.0; groups[0]], vec![0.0; groups[1]]];
    for col in columns.iter_mut() {
        let mut settled = false;
        for _ in 0..DEMEAN_MAX {
            let mut moved: f64 = 0.0;
            for d in 0..2 {
                acc[d].iter_mut().for_each(|a| *a = 0.0);
                for ((g, wi), v) in fe.iter().zip(w).zip(col.iter()) {
                    acc[d][g[d]] += wi * v;
                }
                for (a, s) in acc[d].iter_mut().zip(&wsum[d]) {
                    *a = if *s > 0.0 { *a / s } else { 0.0 };
                    moved = moved.max(a.abs());
                }
                for (g, v) in fe.iter().zip(col.iter_mut()) {
                    *v -= acc[d][g[d]];
                }
            }
            if moved < DEMEAN_TOL {
                settled = true;
                break;
            }
        }
        if !settled {
            return Err(FitError::NotConverged("the fixed effects' demeaning"));
        }
    }
    Ok(())
}

/// Fits `y ~ x | fe0 + fe1` by Poisson with offset, errors clustered.
pub fn fit(rows: &[Row]) -> Result<Fit, FitError> {
    let k = rows.first().map_or(0, |r| r.x.len());
    let dense = |d: usize| rows.iter().map(|r| r.fe[d] + 1).max().unwrap_or(0);
    let groups = [dense(0), dense(1)];
    let used = informative(rows, groups);
    let kept: Vec<&Row> = rows.iter().zip(&used).filter(|(_, u)| **u).map(|(r, _)| r).collect();
    let n = kept.len();
    if n <= k || k == 0 {
        return Err(FitError::NotIdentified("too few observations with counts"));
    }
    // A term whose rows hold no count at all is separated: its coefficient runs to −∞ (no
    // violation after any act would read as "acts prevent everything"), so no estimate.
    if (0..k).any(|a| kept.iter().all(|r| r.x[a] == 0.0 || r.y == 0.0)) {
        return Err(FitError::NotIdentified("a term's rows hold no count (separation)"));
    }
    let fe: Vec<[usize; 2]> = kept.iter().map(|r| r.fe).collect();
    let y: Vec<f64> = kept.iter().map(|r| r.y).collect();
    let mean_y = y.iter().sum::<f64>() / n as f64;
    // Start from the counts themselves (pulled towards their mean so no log of zero).
    let mut mu: Vec<f64> = y.iter().map(|v| (v + mean_y) / 2.0).collect();
    let mut eta: Vec<f64> = mu.iter().map(|m| m.ln()).collect();
    let mut beta = vec![0.0; k];
    let mut deviance = f64::INFINITY;
    let mut converged = false;
    for iteration in 1..=IRLS_MAX {
        // The working variable, the offset taken out (it is not demeaned, it is part of the mean).
        let z: Vec<f64> = (0..n).map(|i| eta[i] - kept[i].offset + (y[i] - mu[i]) / mu[i]).collect();
        let mut columns: Vec<Vec<f64>> = (0..k).map(|j| kept.iter().map(|r| r.x[j]).collect()).collect();
        columns.push(z.clone());
        demean(&mut columns, &fe, &mu, groups)?;
        let z_tilde = columns.pop().expect("the working variable");
        let x_tilde = columns;
        let mut xtwx = DMatrix::<f64>::zeros(k, k);
        let mut xtwz = DVector::<f64>::zeros(k);
        for i in 0..n {
            for a in 0..k {
                xtwz[a] += mu[i] * x_tilde[a][i] * z_tilde[i];
                for b in 0..=a {
                    xtwx[(a, b)] += mu[i] * x_tilde[a][i] * x_tilde[b][i];
                }
            }
        }
        for a in 0..k {
            for b in 0..a {
                xtwx[(b, a)] = xtwx[(a, b)];
            }
        }
        let Some(inverse) = xtwx.clone().try_inverse() else {
            return Err(FitError::NotIdentified("a term does not vary within the fixed effects"));
        };
        if (0..k).any(|a| xtwx[(a, a)] <= 1e-12) {
            return Err(FitError::NotIdentified("a term does not vary within the fixed effects"));
        }
        let b = &inverse * xtwz;
        beta = b.iter().copied().collect();
        // The fixed effects' part is what demeaning took away from z less what the terms explain.
        let target: Vec<f64> = (0..n)
            .map(|i| {
                let fitted_x: f64 = (0..k).map(|a| x_tilde[a][i] * beta[a]).sum();
                z[i] - (z_tilde[i] - fitted_x) + kept[i].offset
            })
            .collect();
        // A full step can overshoot where a group's counts are nearly all zero (a mean driven
        // towards zero overflows the log): the step is halved until the deviance is finite again.
        let deviance_at = |eta: &[f64]| {
            2.0 * (0..n)
                .map(|i| {
                    let m = eta[i].exp();
                    if y[i] > 0.0 {
                        y[i] * (y[i] / m).ln() - (y[i] - m)
                    } else {
                        m
                    }
                })
                .sum::<f64>()
        };
        let previous = eta.clone();
        let mut step = 1.0;
        let mut new_deviance = f64::NAN;
        let mut accepted = false;
        for _ in 0..40 {
            for i in 0..n {
                eta[i] = previous[i] + step * (target[i] - previous[i]);
            }
            new_deviance = deviance_at(&eta);
            if new_deviance.is_finite() && (iteration == 1 || new_deviance <= deviance * (1.0 + 1e-9) + 1e-9) {
                accepted = true;
                break;
            }
            step /= 2.0;
        }
        // A step halved forty times that still raises the deviance would look "settled" to the test
        // below (it barely moves): it is a failure, said as one.
        if !accepted {
            return Err(FitError::NotConverged(if new_deviance.is_finite() {
                "the deviance would not fall"
            } else {
                "the deviance is not finite (separation)"
            }));
        }
        for i in 0..n {
            mu[i] = eta[i].exp();
        }
        if ((new_deviance - deviance).abs() / (0.1 + new_deviance.abs())) < IRLS_TOL {
            converged = true;
            break;
        }
        deviance = new_deviance;
    }
    if !converged {
        return Err(FitError::NotConverged("the reweighting"));
    }
    // A coefficient past e^±10 (a ratio under 1/22,000 or over 22,000) is a fit running off to
    // infinity along counts that barely overlap, not an effect.
    if beta.iter().any(|b| b.abs() > 10.0) {
        return Err(FitError::NotIdentified("a coefficient runs off to infinity (quasi-separation)"));
    }
    // The sandwich: scores summed per cluster, with the regressors demeaned at the final weights.
    let mut columns: Vec<Vec<f64>> = (0..k).map(|j| kept.iter().map(|r| r.x[j]).collect()).collect();
    demean(&mut columns, &fe, &mu, groups)?;
    let x_tilde = columns;
    let mut xtwx = DMatrix::<f64>::zeros(k, k);
    for i in 0..n {
        for a in 0..k {
            for b in 0..k {
                xtwx[(a, b)] += mu[i] * x_tilde[a][i] * x_tilde[b][i];
            }
        }
    }
    let Some(bread) = xtwx.try_inverse() else {
        return Err(FitError::NotIdentified("a term does not vary within the fixed effects"));
    };
    let mut scores: HashMap<usize, DVector<f64>> = HashMap::new();
    for i in 0..n {
        let s = scores.entry(kept[i].cluster).or_insert_with(|| DVector::zeros(k));
        for a in 0..k {
            s[a] += x_tilde[a][i] * (y[i] - mu[i]);
        }
    }
    let g = scores.len();
    if g < 2 {
        return Err(FitError::NotIdentified("fewer than two clusters"));
    }
    let mut meat = DMatrix::<f64>::zeros(k, k);
    for s in scores.values() {
        meat += s * s.transpose();
    }
    // The small-sample factor as fixest and pyfixest apply it by default ("nonnested"): the
    // parameters counted are the terms and every fixed effect not nested in a cluster (a fixed
    // effect wholly inside clusters costs one), less one per fixed effect beyond the first.
    let mut parameters = k as f64 - 1.0;
    for d in 0..2 {
        let mut cluster_of: HashMap<usize, usize> = HashMap::new();
        let mut nested = true;
        for r in &kept {
            nested &= *cluster_of.entry(r.fe[d]).or_insert(r.cluster) == r.cluster;
        }
        parameters += if nested { 1.0 } else { cluster_of.len() as f64 };
    }
    if n as f64 <= parameters {
        return Err(FitError::NotIdentified("more parameters than observations"));
    }
    let factor = (g as f64 / (g as f64 - 1.0)) * ((n as f64 - 1.0) / (n as f64 - parameters));
    let vcov = &bread * meat * &bread * factor;
    Ok(Fit { beta, vcov: (0..k).map(|a| (0..k).map(|b| vcov[(a, b)]).collect()).collect(), n_obs: n, used })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Objects in two groups over quarters: the treated half's rate falls by `ratio` after q 4.
    fn panel(ratio: f64) -> Vec<Row> {
        let mut rows = Vec::new();
        for o in 0..60 {
            let level = 1.0 + (o % 7) as f64;
            for q in 0..8 {
                let treated_after = o % 2 == 0 && q >= 4;
                let season = 1.0 + 0.1 * q as f64;
                let y = (level * season * if treated_after { ratio } else { 1.0 } * 10.0).round();
                rows.push(Row {
                    y,
                    offset: 10f64.ln(),
                    fe: [o, q],
                    cluster: o,
                    x: vec![if treated_after { 1.0 } else { 0.0 }],
                });
            }
        }
        rows
    }

    #[test]
    fn a_planted_ratio_is_recovered_with_object_and_quarter_effects() {
        let fit = fit(&panel(0.75)).expect("a fit");
        // Rounding the counts moves the ratio a little; the level and season cancel out.
        assert!((fit.beta[0].exp() - 0.75).abs() < 0.01, "{}", fit.beta[0].exp());
        assert!(fit.vcov[0][0] > 0.0);
        let null = super::fit(&panel(1.0)).expect("a fit");
        assert!(null.beta[0].abs() < 1e-6, "{}", null.beta[0]);
    }

    #[test]
    fn the_exact_projection_and_alternating_projections_agree() {
        // Two parts (stacks) of unevenly filled cells with uneven weights: the exact solve and the
        // fallback for parts too large for it must leave the same residuals.
        let mut fe = Vec::new();
        let mut w = Vec::new();
        let mut v = Vec::new();
        for stack in 0..2 {
            for object in 0..12 {
                for quarter in 0..6 {
                    if (object * 7 + quarter * 3 + stack) % 4 == 0 {
                        continue;
                    }
                    fe.push([stack * 12 + object, stack * 6 + quarter]);
                    w.push(0.5 + ((object * quarter + stack) % 5) as f64);
                    v.push(((object * 31 + quarter * 17 + stack * 5) % 11) as f64 - 4.0);
                }
            }
        }
        let groups = [24, 12];
        let blocks = Blocks::new(&fe, &w, groups).expect("small parts are solved exactly");
        assert_eq!(blocks.parts.len(), 2, "one part per stack");
        let mut exact = vec![v.clone()];
        blocks.project(&mut exact, &fe, &w).unwrap();
        let mut alternating = vec![v];
        demean_alternating(&mut alternating, &fe, &w, groups).unwrap();
        for (a, b) in exact[0].iter().zip(&alternating[0]) {
            assert!((a - b).abs() < 1e-8, "{a} against {b}");
        }
    }

    #[test]
    fn groups_of_zeros_are_dropped_and_a_constant_term_is_refused() {
        let mut rows = panel(0.75);
        for r in rows.iter_mut().filter(|r| r.fe[0] == 3) {
            r.y = 0.0;
        }
        let fit = fit(&rows).expect("a fit");
        assert_eq!(fit.n_obs, rows.len() - 8);
        assert!(!fit.used[3 * 8]);
        let constant: Vec<Row> = rows.iter().map(|r| Row { x: vec![1.0], ..r.clone() }).collect();
        assert!(matches!(super::fit(&constant), Err(FitError::NotIdentified(_))));
    }
}
