#!/usr/bin/env python3
"""Measures the themes' proposals (docs/THEMES.md, "Proposals") against scikit-learn's pipeline on the
same labelled texts.

    python3 scripts/themes/compare-proposals.py LABELLED.csv [EKN]

Runs `ekn themes propose --labelled FILE --json` (EKN defaults to target/release/ekn): ЭКН's TF-IDF
(the classifier's features), randomized truncated SVD to 50 dimensions, rows scaled to length 1,
HDBSCAN with min_cluster_size = min_samples = 10 — and fits on exactly the same rows scikit-learn's
TF-IDF (word 1-2-grams + character 2-5-grams inside words, sublinear TF, min_df 2), TruncatedSVD,
Normalizer and HDBSCAN over a small grid of dimensions and cluster sizes. The baseline reported first
is the grid's best by its adjusted Rand index against the file's categories — chosen on the labels
themselves, so it flatters the baseline, never ЭКН. Both clusterings are scored here with
scikit-learn's adjusted_rand_score (which also checks ЭКН's own figure). For reference, k-means given
the true number of categories (which no proposal knows). The file needs `text` and `category` columns;
rows with either empty are skipped, as ekn skips them. Needs numpy and scikit-learn ≥ 1.3 (HDBSCAN);
not part of the test suite.
"""

import csv
import json
import subprocess
import sys
import time

import numpy as np
from sklearn.cluster import HDBSCAN, KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_rand_score
from sklearn.pipeline import make_union
from sklearn.preprocessing import Normalizer


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if (r.get("text") or "").strip() and (r.get("category") or "").strip()]
    return [r["text"] for r in rows], np.array([r["category"].strip() for r in rows])


def scores(truth, labels):
    labels = np.asarray(labels)
    kept = labels >= 0
    # Purity: of the clustered texts, the share whose cluster's most common category is theirs
    # (what a person reading one proposal meets: is it about one thing?).
    agree = 0
    for c in set(labels[kept].tolist()):
        _, counts = np.unique(truth[labels == c], return_counts=True)
        agree += counts.max()
    return (
        adjusted_rand_score(truth, labels),
        adjusted_rand_score(truth[kept], labels[kept]) if kept.any() else float("nan"),
        kept.mean(),
        len(set(labels[kept].tolist())),
        agree / max(kept.sum(), 1),
    )


def main():
    path = sys.argv[1]
    ekn = sys.argv[2] if len(sys.argv) > 2 else "target/release/ekn"
    texts, truth = read(path)
    started = time.time()
    out = subprocess.run([ekn, "themes", "propose", "--labelled", path, "--json"], check=True, capture_output=True)
    report = json.loads(out.stdout)
    assert report["texts"] == len(texts), (report["texts"], len(texts))
    ari, ari_kept, share, k, purity = scores(truth, report["labels"])
    print(f"{len(texts)} texts, {len(set(truth))} categories")
    print(f"ЭКН ({report['method']}): ARI {ari:.4f} (ekn says {report['ari']:.4f}), over clustered {ari_kept:.4f}, "
          f"clustered {share:.1%}, {k} clusters, purity {purity:.1%}, {time.time() - started:.1f} s")

    started = time.time()
    tfidf = make_union(
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2),
    ).fit_transform(texts)
    results = []
    for dims in (50, 100):
        reduced = Normalizer().fit_transform(TruncatedSVD(dims, random_state=0).fit_transform(tfidf))
        for size in (5, 10, 20, 40):
            labels = HDBSCAN(min_cluster_size=size, min_samples=size).fit_predict(reduced)
            results.append((scores(truth, labels), f"TF-IDF + TruncatedSVD({dims}) + HDBSCAN({size})"))
        if dims == 50:
            labels = KMeans(len(set(truth)), n_init=10, random_state=0).fit_predict(reduced)
            kmeans = (scores(truth, labels), f"k-means, k = {len(set(truth))} given (reference)")
    results.sort(key=lambda r: -r[0][0])
    for (ari, ari_kept, share, k, purity), name in results + [kmeans]:
        print(f"{name}: ARI {ari:.4f}, over clustered {ari_kept:.4f}, clustered {share:.1%}, {k} clusters, "
              f"purity {purity:.1%}")
    print(f"scikit-learn grid: {time.time() - started:.1f} s")


if __name__ == "__main__":
    main()
