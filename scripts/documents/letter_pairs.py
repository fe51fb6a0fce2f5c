#!/usr/bin/env python3
"""Builds assets/extract/letter_pairs.json: the pairs of letters that occur inside words of Russian,
Kazakh and English text, each language's set from texts named here with their digests. A PDF's text
layer is trusted only when most of its letter pairs are pairs these languages write
(src/extract/layer.rs): mojibake («Ïðîêóðàòóðà», cp1251 read as cp1252), glyph ids read as letters
and Latin look-alikes fail it whatever their encoding, because they are not text in any of the three.

Usage: letter_pairs.py --ru FILE… --kk FILE… --en FILE… [--min-count N] > assets/extract/letter_pairs.json
The shipped file was made from the official Russian text of the КоАП (../shared/law), the project's
Kazakh and English user guide (docs/guide/kk, docs/guide/en) and its Kazakh and English words
(ui/src/lib/words/kk.json, en.json).
"""
import argparse
import collections
import hashlib
import json
import os
import sys


def words(text):
    word = []
    for ch in text.lower():
        if ch.isalpha():
            word.append(ch)
        elif word:
            yield "".join(word)
            word = []
    if word:
        yield "".join(word)


def pairs_of(paths, limit):
    counts = collections.Counter()
    sources = []
    for path in paths:
        with open(path, "rb") as f:
            data = f.read()
        sources.append({"file": os.path.relpath(path), "sha256": hashlib.sha256(data).hexdigest()})
        text = data.decode("utf-8", errors="ignore")[:limit]
        if path.endswith(".json"):
            text = " ".join(str(v) for v in json.loads(data).values())
        for w in words(text):
            for a, b in zip(w, w[1:]):
                counts[a + b] += 1
    return counts, sources


def main():
    ap = argparse.ArgumentParser()
    for lang in ("ru", "kk", "en"):
        ap.add_argument(f"--{lang}", nargs="+", required=True)
    ap.add_argument("--min-count", type=int, default=3)
    ap.add_argument("--limit", type=int, default=3_000_000, help="characters read of each file")
    args = ap.parse_args()
    out = {"about": "Letter pairs inside words of Russian, Kazakh and English text (scripts/documents/letter_pairs.py); "
                    "a pair seen fewer than min_count times is left out.",
           "min_count": args.min_count, "languages": {}}
    for lang in ("ru", "kk", "en"):
        counts, sources = pairs_of(getattr(args, lang), args.limit)
        kept = sorted(p for p, n in counts.items() if n >= args.min_count)
        out["languages"][lang] = {"sources": sources, "pairs": " ".join(kept)}
        print(f"{lang}: {len(kept)} pairs from {sum(counts.values())} seen", file=sys.stderr)
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
    print()


if __name__ == "__main__":
    main()
