//! Proposals for new themes: groups of recent appeals that talk about the same thing, found without
//! labels, for a person to look at and perhaps save as a theme — never a verdict about anyone.
//!
//! The texts are turned into the classifier's own TF-IDF rows (`classifier::Vectorizer`: word 1–2-
//! grams, character n-grams inside words and across them), reduced to a few dozen dimensions by a
//! truncated SVD (latent semantic analysis; the randomized range finder of Halko, Martinsson and
//! Tropp 2011, as scikit-learn's `TruncatedSVD` does), the reduced rows scaled to length 1 so that
//! distance follows the cosine, and clustered by HDBSCAN* (Campello, Moulavi and Sander 2013; the
//! `hdbscan` crate): density-based, so it finds groups of any number and leaves the texts that
//! belong to no group as noise instead of forcing them somewhere. Each group is named by the words
//! and word pairs that are most frequent in it and rare elsewhere (class-based TF-IDF).
//!
//! `adjusted_rand_index` measures a clustering against labels (Hubert and Arabie 1985), the
//! figure docs/THEMES.md reports on real labelled texts beside scikit-learn's pipeline.

use std::collections::HashMap;

use nalgebra::DMatrix;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};
use serde::{Deserialize, Serialize};

use super::classifier::{TrainParams, Vectorizer};
use super::text::{for_each_feature, normalize, Block};

/// The method's name and version, given with every proposal.
pub const METHOD: &str = "proposals-tfidf-svd-hdbscan-v1";

/// How the proposals are made. Reported with them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ProposalParams {
    /// Dimensions the SVD keeps (fewer when there are fewer texts).
    pub dimensions: usize,
    /// Passes of the power iteration in the randomized SVD.
    pub power_iterations: usize,
    /// The smallest group HDBSCAN keeps (smaller ones are noise); also its `min_samples`.
    pub min_cluster_size: usize,
    /// At most this many texts are clustered (the most recent); the rest are counted, not read.
    pub max_texts: usize,
    /// At most this many features (the most frequent), each in two texts at least.
    pub max_features: usize,
    /// Words and word pairs that name a group.
    pub terms: usize,
    pub seed: u64,
}

impl Default for ProposalParams {
    fn default() -> Self {
        ProposalParams {
            dimensions: 50,
            power_iterations: 5,
            min_cluster_size: 10,
            max_texts: 5_000,
            max_features: 400_000,
            terms: 6,
            seed: 2026,
        }
    }
}

/// One group of texts.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// Positions of its texts in the input, the most typical first (nearest the group's centre).
    pub members: Vec<usize>,
    /// Its naming words and word pairs, the most telling first, each with the share of its texts
    /// that carry it.
    pub terms: Vec<(String, f64)>,
}

/// What clustering a set of texts gave.
#[derive(Debug, Clone, PartialEq)]
pub struct Clustering {
    /// Per text, its group's position in `groups`, or -1 for noise.
    pub labels: Vec<i32>,
    /// Groups, the largest first.
    pub groups: Vec<Group>,
    /// Dimensions the SVD kept, and the features the vectorizer kept.
    pub dimensions: usize,
    pub features: usize,
}

/// Clusters `texts` (masked, as stored). Fewer texts than two groups' worth give no groups.
pub fn cluster_texts(texts: &[String], params: &ProposalParams) -> Clustering {
    let n = texts.len();
    let normalized: Vec<String> = texts.iter().map(|t| normalize(t)).collect();
    let empty = Clustering { labels: vec![-1; n], groups: Vec::new(), dimensions: 0, features: 0 };
    let min_cluster = params.min_cluster_size.max(2);
    if n < 2 * min_cluster {
        return empty;
    }
    // Features in one text only cannot bring two texts together: two texts at least, always.
    let vector_params =
        TrainParams { min_df_from: 0, max_features: params.max_features, spans: false, ..TrainParams::default() };
    let vectorizer = Vectorizer::fit(&normalized, &vector_params);
    let columns = vectorizer.features();
    let rows: Vec<Vec<(u32, f32)>> = normalized.iter().map(|t| vectorizer.transform(t)).collect();
    let k = params.dimensions.min(n - 1).min(columns.saturating_sub(1)).max(1);
    if columns < 2 {
        return empty;
    }
    let embedding = truncated_svd(&rows, columns, k, params.power_iterations, params.seed);
    let points: Vec<Vec<f64>> = embedding
        .into_iter()
        .map(|mut row| {
            let norm = row.iter().map(|x| x * x).sum::<f64>().sqrt();
            if norm > 0.0 {
                row.iter_mut().for_each(|x| *x /= norm);
            }
            row
        })
        .collect();
    let hyper = hdbscan::HdbscanHyperParams::builder()
        .min_cluster_size(min_cluster)
        .min_samples(min_cluster)
        .dist_metric(hdbscan::DistanceMetric::Euclidean)
        .nn_algorithm(hdbscan::NnAlgorithm::KdTree)
        .build();
    // The points are finite and of one dimension, the only things the crate refuses.
    let Ok(raw) = hdbscan::Hdbscan::new(&points, hyper).cluster() else {
        return Clustering { dimensions: k, features: columns, ..empty };
    };
    let mut by_label: HashMap<i32, Vec<usize>> = HashMap::new();
    for (i, &l) in raw.iter().enumerate() {
        if l >= 0 {
            by_label.entry(l).or_default().push(i);
        }
    }
    let mut members: Vec<Vec<usize>> = by_label.into_values().collect();
    members.sort_by(|a, b| b.len().cmp(&a.len()).then(a[0].cmp(&b[0])));
    let mut labels = vec![-1; n];
    for (g, list) in members.iter().enumerate() {
        for &i in list {
            labels[i] = g as i32;
        }
    }
    let words = word_sets(&normalized);
    let groups = members
        .into_iter()
        .map(|list| Group { terms: naming_terms(&list, &words, params.terms), members: by_typicality(list, &points) })
        .collect();
    Clustering { labels, groups, dimensions: k, features: columns }
}

/// Rows of a sparse matrix (`columns` wide) projected on their first `k` singular directions: the
/// rows of `U·Σ`. Randomized: a Gaussian sketch of `k + 10` columns, `power` passes of `A·Aᵀ` with a
/// QR between them, then the exact SVD of the small projected matrix.
fn truncated_svd(rows: &[Vec<(u32, f32)>], columns: usize, k: usize, power: usize, seed: u64) -> Vec<Vec<f64>> {
    let n = rows.len();
    let l = (k + 10).min(n).min(columns);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    // Ω: columns × l, row-major.
    let omega: Vec<f64> = (0..columns * l).map(|_| StandardNormal.sample(&mut rng)).collect();
    let times = |right: &[f64]| -> DMatrix<f64> {
        // A · R for R (columns × l, row-major): n × l.
        DMatrix::from_fn(n, l, |i, c| rows[i].iter().map(|&(j, v)| f64::from(v) * right[j as usize * l + c]).sum())
    };
    let transposed_times = |q: &DMatrix<f64>| -> Vec<f64> {
        // Aᵀ · Q for Q (n × l): columns × l, row-major.
        let mut out = vec![0.0; columns * l];
        for (i, row) in rows.iter().enumerate() {
            for &(j, v) in row {
                let base = j as usize * l;
                for c in 0..l {
                    out[base + c] += f64::from(v) * q[(i, c)];
                }
            }
        }
        out
    };
    let mut q = times(&omega).qr().q();
    for _ in 0..power {
        let z = transposed_times(&q);
        q = times(&z).qr().q();
    }
    // B = Qᵀ·A (l × columns); B·Bᵀ = (AᵀQ)ᵀ(AᵀQ) is l × l, its eigenvectors are B's left singular
    // vectors and its eigenvalues their squared singular values.
    let bt = transposed_times(&q);
    let bt = DMatrix::from_row_slice(columns, l, &bt);
    let gram = bt.transpose() * &bt;
    let eigen = gram.symmetric_eigen();
    let mut order: Vec<usize> = (0..l).collect();
    order.sort_by(|&a, &b| eigen.eigenvalues[b].total_cmp(&eigen.eigenvalues[a]));
    let kept = &order[..k.min(l)];
    // Row embedding A·V = Q·U_B·Σ.
    (0..n)
        .map(|i| {
            kept.iter()
                .map(|&e| {
                    let sigma = eigen.eigenvalues[e].max(0.0).sqrt();
                    let u: f64 = (0..l).map(|c| q[(i, c)] * eigen.eigenvectors[(c, e)]).sum();
                    u * sigma
                })
                .collect()
        })
        .collect()
}

/// A group's members, those nearest its centre first.
fn by_typicality(mut list: Vec<usize>, points: &[Vec<f64>]) -> Vec<usize> {
    let dims = points[list[0]].len();
    let mut centre = vec![0.0; dims];
    for &i in &list {
        for (c, x) in centre.iter_mut().zip(&points[i]) {
            *c += x / list.len() as f64;
        }
    }
    let distance = |i: usize| points[i].iter().zip(&centre).map(|(a, b)| (a - b).powi(2)).sum::<f64>();
    list.sort_by(|&a, &b| distance(a).total_cmp(&distance(b)).then(a.cmp(&b)));
    list
}

/// Each text's words and word pairs (the classifier's word block) that can name a group: of three
/// letters or more, not only digits (digits are folded to 0).
fn word_sets(normalized: &[String]) -> Vec<Vec<String>> {
    normalized
        .iter()
        .map(|t| {
            let mut seen: Vec<String> = Vec::new();
            for_each_feature(t, false, &mut |block, term| {
                if block == Block::Words
                    && term.split(' ').all(|w| w.chars().count() >= 3 && w.chars().any(|c| c != '0'))
                {
                    seen.push(term.to_string());
                }
            });
            seen.sort_unstable();
            seen.dedup();
            seen
        })
        .collect()
}

/// The terms most frequent in a group and rare in the rest (share in the group × log of the
/// inverse share in all texts), carried by a fifth of the group at least; a word pair is kept only
/// when it says more than its words already listed.
fn naming_terms(list: &[usize], words: &[Vec<String>], count: usize) -> Vec<(String, f64)> {
    let n = words.len() as f64;
    let mut overall: HashMap<&str, u32> = HashMap::new();
    for set in words {
        for w in set {
            *overall.entry(w.as_str()).or_default() += 1;
        }
    }
    let mut inside: HashMap<&str, u32> = HashMap::new();
    for &i in list {
        for w in &words[i] {
            *inside.entry(w.as_str()).or_default() += 1;
        }
    }
    let size = list.len() as f64;
    let mut scored: Vec<(&str, f64, f64)> = inside
        .into_iter()
        .filter(|&(_, c)| f64::from(c) >= (0.2 * size).max(2.0))
        .map(|(w, c)| {
            let share = f64::from(c) / size;
            (w, share, share * (n / f64::from(overall[w])).ln())
        })
        .collect();
    scored.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.0.cmp(b.0)));
    let mut picked: Vec<(String, f64)> = Vec::new();
    for (term, share, _) in scored {
        if picked.len() == count {
            break;
        }
        let redundant = term.contains(' ') && term.split(' ').all(|w| picked.iter().any(|(p, _)| p == w));
        if !redundant {
            picked.push((term.to_string(), share));
        }
    }
    picked
}

/// The adjusted Rand index of two labellings of the same items (1 the same partition, about 0 as
/// by chance, negative worse than chance). Every distinct value is a cluster — noise (-1) as one,
/// as scikit-learn's `adjusted_rand_score` counts it.
pub fn adjusted_rand_index(a: &[i64], b: &[i64]) -> f64 {
    assert_eq!(a.len(), b.len(), "two labellings of the same items");
    let pairs = |x: f64| x * (x - 1.0) / 2.0;
    let mut table: HashMap<(i64, i64), u64> = HashMap::new();
    let mut rows: HashMap<i64, u64> = HashMap::new();
    let mut cols: HashMap<i64, u64> = HashMap::new();
    for (&x, &y) in a.iter().zip(b) {
        *table.entry((x, y)).or_default() += 1;
        *rows.entry(x).or_default() += 1;
        *cols.entry(y).or_default() += 1;
    }
    let index: f64 = table.values().map(|&c| pairs(c as f64)).sum();
    let sum_rows: f64 = rows.values().map(|&c| pairs(c as f64)).sum();
    let sum_cols: f64 = cols.values().map(|&c| pairs(c as f64)).sum();
    let total = pairs(a.len() as f64);
    if total == 0.0 {
        return 1.0;
    }
    let expected = sum_rows * sum_cols / total;
    let max = (sum_rows + sum_cols) / 2.0;
    if max == expected {
        // Both labellings are one cluster each, or each item its own: the same partition.
        return 1.0;
    }
    (index - expected) / (max - expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adjusted_rand_index_matches_known_values() {
        // Values as scikit-learn's adjusted_rand_score gives them.
        assert!((adjusted_rand_index(&[0, 0, 1, 1], &[1, 1, 0, 0]) - 1.0).abs() < 1e-12);
        assert!((adjusted_rand_index(&[0, 0, 1, 2], &[0, 0, 1, 1]) - 0.571_428_571_428_571_4).abs() < 1e-12);
        assert!((adjusted_rand_index(&[0, 0, 1, 1], &[0, 1, 0, 1]) - (-0.5)).abs() < 1e-12);
        assert!((adjusted_rand_index(&[0, 0, 0, 0], &[0, 1, 2, 3])).abs() < 1e-12);
        assert!((adjusted_rand_index(&[5, 5, 5], &[1, 1, 1]) - 1.0).abs() < 1e-12);
    }

    /// Texts about a few topics: each text three of its topic's five phrases and one of six
    /// phrases every topic shares, so no two texts are the same and the shared words are noise.
    fn texts(topics: &[[&str; 5]], per_topic: usize) -> Vec<String> {
        let shared = ["прошу разобраться", "помогите пожалуйста", "уже месяц", "жильцы дома", "срочно", "просим меры"];
        let mut out = Vec::new();
        for phrases in topics {
            for i in 0..per_topic {
                let pick = [i % 5, (i + 1 + i / 5) % 5, (i + 3) % 5];
                let mut text = vec![shared[(i * 7 + 3) % shared.len()]];
                text.extend(pick.iter().map(|&p| phrases[p]));
                out.push(text.join(" "));
            }
        }
        out
    }

    const BARRIER: [&str; 5] = [
        "во дворе поставили шлагбаум",
        "скорая помощь не может проехать",
        "управляющая компания не открывает шлагбаум",
        "машины пожарных не проедут к подъезду",
        "въезд во двор закрыт без решения жильцов",
    ];
    const CANTEEN: [&str; 5] = [
        "в школе не работает столовая",
        "дети остаются без горячего питания",
        "буфет продает просроченные продукты",
        "родители жалуются на питание в школе",
        "повар уволился и обеды не готовят",
    ];

    #[test]
    fn two_topics_make_two_groups_named_by_their_words() {
        let input = texts(&[BARRIER, CANTEEN], 20);
        let params = ProposalParams { min_cluster_size: 5, ..ProposalParams::default() };
        let found = cluster_texts(&input, &params);
        assert_eq!(found.groups.len(), 2, "{:?}", found.groups);
        for (g, group) in found.groups.iter().enumerate() {
            let first = group.members[0] / 20;
            assert!(group.members.iter().all(|&i| i / 20 == first), "group {g} mixes topics");
            let terms: Vec<&str> = group.terms.iter().map(|(t, _)| t.as_str()).collect();
            let expected = if first == 0 { "шлагбаум" } else { "питани" };
            assert!(terms.iter().any(|t| t.contains(expected)), "{terms:?}");
        }
        let truth: Vec<i64> = (0..40).map(|i| i / 20).collect();
        let got: Vec<i64> = found.labels.iter().map(|&l| i64::from(l)).collect();
        assert!(adjusted_rand_index(&truth, &got) > 0.8, "{:?}", found.labels);
    }

    #[test]
    fn too_few_texts_give_no_group() {
        let found = cluster_texts(&texts(&[BARRIER], 5), &ProposalParams::default());
        assert!(found.groups.is_empty() && found.labels.iter().all(|&l| l == -1));
    }
}
