#!/usr/bin/env python3
"""Refits the risk model's features with scikit-learn, as a careful analyst would, to check the
product's own logistic regression against it (docs/ANALYTICS.md, "Checked against scikit-learn").

    ekn --db DB risk features --out examples.csv
    ekn --db DB risk train --json > trained.json
    python3 scripts/compare-sklearn.py examples.csv trained.json

or, on a registry of the second generator (no database; docs/ANALYTICS.md, "On a registry it was
not built on"):

    ekn risk study --per-year 100000 --out examples.csv --json > trained.json
    python3 scripts/compare-sklearn.py examples.csv trained.json

Reads the examples `ekn risk features` (or `ekn risk study`) writes — the same time split, labels
and raw features the product trains on — and fits on the training side:

- scikit-learn's LogisticRegression as the product is set (C = 1, standardised numbers, one-hot
  categories with rare levels pooled);
- the analyst's logistic regression: the same plus every pairwise product of the numbers, with C
  chosen from a grid on the most recent fifth of the training side (never on the test side);
- a gradient-boosting challenger (HistGradientBoostingClassifier; a category of more than 255
  levels keeps its 254 most frequent and pools the rest);

and prints each one's held-out AUC and Brier score beside the product's (and, from a study, the
AUC of the generator's true probabilities: the ceiling). Needs numpy and scikit-learn (pip install
scikit-learn); not part of the test suite.
"""

import csv
import json
import sys

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, PolynomialFeatures, StandardScaler

def read(path):
    """The examples, with the features named by the file's header: `*_code` columns are categories."""
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        features = reader.fieldnames[2:]
        rows = list(reader)
    numeric = [c for c in features if not c.endswith("_code")]
    categorical = [c for c in features if c.endswith("_code")]
    split = np.array([r["split"] for r in rows])
    y = np.array([int(r["label"]) for r in rows])
    numbers = np.array([[float(r[c]) for c in numeric] for r in rows])
    # Categories stay codes (strings): a missing one is its own level.
    categories = np.array([[r[c] or "missing" for c in categorical] for r in rows], dtype=object)
    return split, y, numbers, categories


def logistic(n_num, n_cat, c, interactions):
    numbers = (make_pipeline(StandardScaler(), PolynomialFeatures(2, interaction_only=True, include_bias=False),
                             StandardScaler())
               if interactions else StandardScaler())
    columns = ColumnTransformer(
        [
            ("numbers", numbers, list(range(n_num))),
            (
                "categories",
                OneHotEncoder(handle_unknown="infrequent_if_exist", min_frequency=5),
                list(range(n_num, n_num + n_cat)),
            ),
        ]
    )
    return make_pipeline(columns, LogisticRegression(C=c, max_iter=3000))


def codes_for_trees(categories):
    """Ordinal codes, at most 255 levels per column (the rarest pooled into one)."""
    codes = np.zeros(categories.shape)
    for j in range(categories.shape[1]):
        levels, inverse, counts = np.unique(categories[:, j], return_inverse=True, return_counts=True)
        if len(levels) > 255:
            keep = np.argsort(-counts, kind="stable")[:254]
            remap = np.full(len(levels), 254)
            remap[keep] = np.arange(254)
            inverse = remap[inverse]
        codes[:, j] = inverse
    return codes


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    split, y, numbers, categories = read(sys.argv[1])
    x = np.concatenate([numbers, categories], axis=1)
    train, test = split == "train", split == "test"
    n_num, n_cat = numbers.shape[1], categories.shape[1]
    plain = logistic(n_num, n_cat, 1.0, False).fit(x[train], y[train])
    p_plain = plain.predict_proba(x[test])[:, 1]

    # The analyst's: C chosen on the most recent fifth of the training side (rows are in date order).
    train_rows = np.flatnonzero(train)
    inner_cut = train_rows[int(len(train_rows) * 0.8)]
    inner, valid = train & (np.arange(len(y)) < inner_cut), train & (np.arange(len(y)) >= inner_cut)
    tried = []
    for c in (0.01, 0.1, 1.0, 10.0):
        model = logistic(n_num, n_cat, c, True).fit(x[inner], y[inner])
        tried.append((roc_auc_score(y[valid], model.predict_proba(x[valid])[:, 1]), c))
    best_c = max(tried)[1]
    analyst = logistic(n_num, n_cat, best_c, True).fit(x[train], y[train])
    p_analyst = analyst.predict_proba(x[test])[:, 1]

    trees_x = np.concatenate([numbers, codes_for_trees(categories)], axis=1)
    trees = HistGradientBoostingClassifier(
        categorical_features=list(range(n_num, n_num + n_cat)), random_state=0
    )
    trees.fit(trees_x[train], y[train])
    p_trees = trees.predict_proba(trees_x[test])[:, 1]

    def line(name, p):
        print(f"{name:<52} AUC {roc_auc_score(y[test], p):.4f}   Brier {brier_score_loss(y[test], p):.5f}")

    print(f"examples: {train.sum()} train, {test.sum()} test; held-out base rate {y[test].mean():.4f}")
    line("scikit-learn LogisticRegression (C = 1)", p_plain)
    line(f"scikit-learn analyst's LogisticRegression (C = {best_c})", p_analyst)
    line("scikit-learn HistGradientBoosting", p_trees)
    if len(sys.argv) > 2:
        with open(sys.argv[2], encoding="utf-8") as f:
            report = json.load(f)
        metrics = report["metrics"]
        print(f"{'ekn (its own logistic regression)':<52} AUC {metrics['auc']:.4f}   Brier {metrics['brier']:.5f}")
        if report.get("oracle_auc") is not None:
            print(f"{'the generator true probabilities (the ceiling)':<52} AUC {report['oracle_auc']:.4f}")


if __name__ == "__main__":
    main()
