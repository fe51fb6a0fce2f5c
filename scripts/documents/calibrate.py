#!/usr/bin/env python3
"""Fit the document reader's confidence calibration (assets/extract/calibration.json).

Each fact the reader proposes carries its rule's score (`confidence` in assets/extract/rules.json,
times the OCR words' confidence). Those scores order findings but promise too much on documents the
rules were not written for. This script counts, on corpora with ground truth measured by
`ekn docs measure DIR --facts --json`, how often each rule's facts were right, per way of reading
(a text layer or OCR):

  p(way)        = (right + 1) / (facts + 2)                      all rules read that way
  p(way, kind)  = (right + m * p(way)) / (facts + m)            shrunk towards the way
  p(way, rule)  = (right + m * p(way, kind)) / (facts + m)      shrunk towards the kind

(m = 8: a rule seen on a handful of facts says little on its own), and for OCR the slope of the
log-odds on the weakest word's confidence around its median (maximum likelihood on a grid). The
reader looks a fact up by rule, else kind, else way (src/extract/requisites/calibration.rs).

Fit only on corpora you may tune on: the first generator and a frozen set that has been spent.
Never on the second generator (make_corpus_b.py) or a frozen set still unread: those judge the fit.

  python3 scripts/documents/calibrate.py assets/extract/calibration.json --version calibration-2026.11.27 \\
      --corpus "first generator, make_corpus.py --count 18 --seed 38=/tmp/a38.fit.json" \\
      --corpus "scripts/documents/heldout (spent), make_corpus_b.py --seed 6161=/tmp/heldout.fit.json"

Then name the new version in assets/extract/rules.json ("calibration") and bump the rules' version.
"""

import argparse
import json
import math
import statistics

SHRINK = 8.0


def stored(p):
    """A chance as the file keeps it: four places, never 0 or 1 (the reader takes its log-odds)."""
    return min(max(round(p, 4), 0.0001), 0.9999)


def logit(p):
    # Groups' chances come through stored(), never 0 or 1.
    return math.log(p / (1.0 - p))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--version", required=True)
    ap.add_argument("--corpus", action="append", required=True, help="LABEL=FILE (ekn docs measure --facts --json)")
    args = ap.parse_args()

    facts, fitted_on = [], []
    for item in args.corpus:
        label, _, path = item.rpartition("=")
        with open(path, encoding="utf-8") as f:
            measured = json.load(f)
        these = measured.get("facts") or []
        if not these:
            raise SystemExit(f"{path}: no facts (measure with --facts --json)")
        facts.extend(these)
        fitted_on.append({"corpus": label, "rules": measured["rules_version"], "facts": len(these),
                          "right": sum(1 for x in these if x["right"])})

    groups = {}
    for way, is_ocr in (("text", False), ("ocr", True)):
        mine = [x for x in facts if x["ocr"] == is_ocr]
        right = sum(1 for x in mine if x["right"])
        p_way = (right + 1.0) / (len(mine) + 2.0)
        groups[f"{way}|*"] = {"p": stored(p_way), "facts": len(mine), "right": right}
        for kind in sorted({x["kind"] for x in mine}):
            of_kind = [x for x in mine if x["kind"] == kind]
            r = sum(1 for x in of_kind if x["right"])
            p_kind = (r + SHRINK * p_way) / (len(of_kind) + SHRINK)
            groups[f"{way}|kind:{kind}"] = {"p": stored(p_kind), "facts": len(of_kind), "right": r}
            for rule in sorted({x["rule"] for x in of_kind}):
                of_rule = [x for x in of_kind if x["rule"] == rule]
                rr = sum(1 for x in of_rule if x["right"])
                p_rule = (rr + SHRINK * p_kind) / (len(of_rule) + SHRINK)
                groups[f"{way}|{rule}"] = {"p": stored(p_rule), "facts": len(of_rule), "right": rr}

    # The OCR slope: log-odds per 10 points of the weakest word's confidence, around the median.
    ocr = [x for x in facts if x["ocr"] and x.get("word_confidence") is not None]
    centre = statistics.median(x["word_confidence"] for x in ocr) if ocr else 80.0

    def base(x):
        for key in (f"ocr|{x['rule']}", f"ocr|kind:{x['kind']}", "ocr|*"):
            if key in groups:
                return logit(groups[key]["p"])
        return 0.0

    def log_likelihood(slope):
        total = 0.0
        for x in ocr:
            z = base(x) + slope * (x["word_confidence"] - centre) / 10.0
            p = 1.0 / (1.0 + math.exp(-z))
            p = min(max(p, 1e-9), 1 - 1e-9)
            total += math.log(p if x["right"] else 1.0 - p)
        return total

    slope = max((s / 100.0 for s in range(-100, 201)), key=log_likelihood) if ocr else 0.0

    out = {
        "version": args.version,
        "about": ("The chance a fact is right, per way of reading and rule, counted on corpora with ground "
                  "truth and shrunk towards the rule's kind and the way of reading (m = 8); for OCR, the "
                  "log-odds move by ocr_slope_per_10 for every 10 points of the weakest word's confidence "
                  "above ocr_centre. Fitted by scripts/documents/calibrate.py; never on the second generator "
                  "or an unread frozen set (docs/DOCUMENTS.md)."),
        "fitted_on": fitted_on,
        "ocr_slope_per_10": round(slope, 2),
        "ocr_centre": round(centre, 1),
        "groups": groups,
    }
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"{len(facts)} facts, {len(groups)} groups, OCR slope {slope:.2f} per 10 points around {centre:.1f}")


if __name__ == "__main__":
    main()
