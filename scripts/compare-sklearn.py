#!/usr/bin/env python3
"""Refits the risk model's features with scikit-learn, as a careful analyst would, to check the
product's own logistic regression against it (docs/ANALYTICS.md, "Checked against scikit-learn").

    ekn --db DB risk features --out examples.csv
    ekn --db DB risk train --json > trained.json
    python3 scripts/compare-sklearn.py examples.csv trained.json

Reads the examples `ekn risk features` writes (the same time split, labels and raw features the
product trains on), fits scikit-learn's LogisticRegression (C = 1, as the product) on the training
side with standardised numbers and one-hot categories (rare levels pooled, as the product does),
and a gradient-boosting challenger (HistGradientBoostingClassifier), and prints each one's held-out
AUC and Brier score beside the product's. Needs numpy and scikit-learn (pip install scikit-learn);
not part of the test suite.
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
from sklearn.preprocessing import OneHotEncoder, StandardScaler

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


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    split, y, numbers, categories = read(sys.argv[1])
    x = np.concatenate([numbers, categories], axis=1)
    train, test = split == "train", split == "test"
    n_num, n_cat = numbers.shape[1], categories.shape[1]
    columns = ColumnTransformer(
        [
            ("numbers", StandardScaler(), list(range(n_num))),
            (
                "categories",
                OneHotEncoder(handle_unknown="infrequent_if_exist", min_frequency=5),
                list(range(n_num, n_num + n_cat)),
            ),
        ]
    )
    logistic = make_pipeline(columns, LogisticRegression(C=1.0, max_iter=2000))
    logistic.fit(x[train], y[train])
    p_logistic = logistic.predict_proba(x[test])[:, 1]

    # The challenger: trees on the same columns, categories as ordinal codes.
    codes = np.zeros(categories.shape)
    for j in range(categories.shape[1]):
        _, codes[:, j] = np.unique(categories[:, j], return_inverse=True)
    trees_x = np.concatenate([numbers, codes], axis=1)
    trees = HistGradientBoostingClassifier(
        categorical_features=list(range(n_num, n_num + n_cat)), random_state=0
    )
    trees.fit(trees_x[train], y[train])
    p_trees = trees.predict_proba(trees_x[test])[:, 1]

    print(f"examples: {train.sum()} train, {test.sum()} test; held-out base rate {y[test].mean():.4f}")
    print(f"scikit-learn LogisticRegression   AUC {roc_auc_score(y[test], p_logistic):.4f}   "
          f"Brier {brier_score_loss(y[test], p_logistic):.5f}")
    print(f"scikit-learn HistGradientBoosting AUC {roc_auc_score(y[test], p_trees):.4f}   "
          f"Brier {brier_score_loss(y[test], p_trees):.5f}")
    if len(sys.argv) > 2:
        with open(sys.argv[2], encoding="utf-8") as f:
            metrics = json.load(f)["metrics"]
        print(f"ekn (its own logistic regression) AUC {metrics['auc']:.4f}   Brier {metrics['brier']:.5f}")


if __name__ == "__main__":
    main()
