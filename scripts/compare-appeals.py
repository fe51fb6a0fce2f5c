#!/usr/bin/env python3
"""Measures the appeals classifier's method against scikit-learn's classical baselines on the same
five splits of a labelled file (docs/APPEALS.md, "On a public set of real Russian texts").

    python3 scripts/compare-appeals.py LABELLED.csv [EKN]

Runs `ekn appeals evaluate FILE --splits 5 --json` (EKN defaults to target/release/ekn), takes the
held-out rows of each of its splits, and fits on the other rows scikit-learn's TF-IDF (word 1-2-grams
+ character 2-5-grams inside words, `char_wb`, or over the whole text, `char`; sublinear TF) with
LinearSVC over a grid of C, balanced class weights or not, and a multinomial LogisticRegression. The baseline
reported is the best of that grid by mean accuracy over the five splits — chosen on the test splits
themselves, so it flatters the baseline, never ЭКН. Prints mean ± standard deviation of accuracy and
macro-F1 per configuration. The file needs `text` and `category` columns; rows with either empty are
skipped, as ekn skips them. Needs numpy and scikit-learn; not part of the test suite.
"""

import csv
import json
import subprocess
import sys
import time

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.pipeline import make_union
from sklearn.svm import LinearSVC


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if (r.get("text") or "").strip() and (r.get("category") or "").strip()]
    return [r["text"] for r in rows], np.array([r["category"].strip() for r in rows])


def features(analyzer):
    return make_union(
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
        TfidfVectorizer(analyzer=analyzer, ngram_range=(2, 5), sublinear_tf=True),
    )


# The grid: every linear SVM below on both feature sets, and a multinomial logistic regression
# (slow on 300,000 columns: one setting, the one that did best in a trial).
MODELS = [
    (f"LinearSVC(C={c}, class_weight={w})", lambda c=c, w=w: LinearSVC(C=c, class_weight=w))
    for c in (0.3, 1.0, 3.0)
    for w in (None, "balanced")
] + [("LogisticRegression(C=10, class_weight=balanced)",
      lambda: LogisticRegression(C=10.0, class_weight="balanced", max_iter=300))]


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    path = sys.argv[1]
    ekn = sys.argv[2] if len(sys.argv) > 2 else "target/release/ekn"
    started = time.time()
    result = subprocess.run([ekn, "appeals", "evaluate", path, "--splits", "5", "--json"],
                            check=True, capture_output=True, text=True)
    evaluation = json.loads(result.stdout)
    texts, labels = read(path)
    if len(texts) != evaluation["texts"]:
        sys.exit(f"ekn read {evaluation['texts']} texts, this script {len(texts)}: the rows would not line up")
    print(f"{path}: {len(texts)} texts, {evaluation['categories']} categories, five stratified 80/20 splits")
    print(f"ЭКН ({ekn}): accuracy {evaluation['accuracy_mean']:.4f} ± {evaluation['accuracy_sd']:.4f}   "
          f"macro-F1 {evaluation['macro_f1_mean']:.4f} ± {evaluation['macro_f1_sd']:.4f}   "
          f"log-loss {evaluation['log_loss_mean']:.3f}   calibration error {evaluation['calibration_error_mean']:.3f}   "
          f"({time.time() - started:.0f} s)")
    figures = {}
    for split in evaluation["splits"]:
        test = np.zeros(len(texts), dtype=bool)
        test[split["test_rows"]] = True
        train_texts = [t for t, held in zip(texts, test) if not held]
        test_texts = [t for t, held in zip(texts, test) if held]
        for analyzer in ("char_wb", "char"):
            union = features(analyzer)
            x_train = union.fit_transform(train_texts)
            x_test = union.transform(test_texts)
            for name, make in MODELS:
                if name.startswith("LogisticRegression") and analyzer == "char":
                    continue
                predicted = make().fit(x_train, labels[~test]).predict(x_test)
                figures.setdefault(f"{name}, word + {analyzer}", []).append(
                    (accuracy_score(labels[test], predicted), f1_score(labels[test], predicted, average="macro")))
        print(f"  split {split['seed']} done ({time.time() - started:.0f} s)", file=sys.stderr)
    ranked = sorted(figures.items(), key=lambda kv: -np.mean([a for a, _ in kv[1]]))
    for name, values in ranked:
        values = np.array(values)
        print(f"scikit-learn {name}: accuracy {values[:, 0].mean():.4f} ± {values[:, 0].std(ddof=1):.4f}   "
              f"macro-F1 {values[:, 1].mean():.4f} ± {values[:, 1].std(ddof=1):.4f}")
    best = np.array(ranked[0][1])
    ours = np.array([s["metrics"]["accuracy"] for s in evaluation["splits"]])
    diff = ours - best[:, 0]
    print(f"ЭКН minus the best baseline, split by split: {' '.join(f'{d:+.4f}' for d in diff)}; "
          f"mean {diff.mean():+.4f} ± {diff.std(ddof=1):.4f}")


if __name__ == "__main__":
    main()
