#!/usr/bin/env python3
"""Kazakh amounts on KazNERD's test set (IS2AI/KazNERD, CC BY 4.0): every MONEY span in tenge becomes
a one-sentence DOCX with its value as ground truth, for `ekn docs measure DIR` (read its `amount`
line). The value comes from the span itself when written in figures, and, for a span in words, from
the same sentence written with figures elsewhere in the set (the test file repeats sentences both
ways); a span in words without such a twin is left out. Spans in other currencies are left out.

Usage: kaznerd_money.py IOB2_test.txt OUT_DIR     (needs python-docx)
"""
import json
import os
import re
import sys

import docx


def sentences(path):
    words, tags = [], []
    for line in open(path, encoding="utf-8"):
        parts = line.split()
        if not parts:
            if words:
                yield words, tags
            words, tags = [], []
            continue
        words.append(parts[0])
        tags.append(parts[-1])
    if words:
        yield words, tags


def money_spans(words, tags):
    i = 0
    while i < len(tags):
        if tags[i] == "B-MONEY":
            j = i + 1
            while j < len(tags) and tags[j] == "I-MONEY":
                j += 1
            yield i, j
            i = j
        else:
            i += 1


def main():
    src, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    items = []  # (sentence words, span start, span end)
    for words, tags in sentences(src):
        for i, j in money_spans(words, tags):
            if any(w.lower().startswith("теңге") for w in words[i:j]):
                items.append((words, i, j))
    gold_by_key = {}
    for words, i, j in items:
        span = " ".join(words[i:j])
        # Ranges («15 – 18 теңге», «50000-нан 100000 теңгеге дейін») and spans with stray marks in
        # brackets have no one value; they are left out rather than given a made-up one.
        if re.search(r"[–(]|-нан|-нен|дан |ден ", span):
            continue
        digits = re.sub(r"[^\d]", "", span)
        if digits and not re.search(r"[а-яәғқңөұүһі]{3,}", re.sub(r"теңге\w*|кемі|астам|дейін|шамасында", "", span.lower())):
            key = " ".join(words[:i] + ["<M>"] + words[j:]).lower()
            gold_by_key[key] = int(digits)
    n = kept = 0
    for words, i, j in items:
        span = " ".join(words[i:j])
        key = " ".join(words[:i] + ["<M>"] + words[j:]).lower()
        gold = gold_by_key.get(key)
        n += 1
        if re.search(r"[–(]|-нан|-нен|дан |ден ", span):
            continue
        if gold is None:
            continue
        kept += 1
        name = os.path.join(out, f"{kept:04d}")
        d = docx.Document()
        d.add_paragraph(" ".join(words))
        d.save(name + ".docx")
        with open(name + ".truth.json", "w", encoding="utf-8") as f:
            json.dump({"amounts": [{"tenge": gold, "tiyn": 0}], "span": span}, f, ensure_ascii=False)
    print(f"{n} MONEY spans in tenge, {kept} with a value known (figures, or a twin in figures)", file=sys.stderr)


if __name__ == "__main__":
    main()
