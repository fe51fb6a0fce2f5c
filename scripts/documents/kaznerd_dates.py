#!/usr/bin/env python3
"""Kazakh dates on KazNERD's test set (IS2AI/KazNERD, CC BY 4.0): how many DATE spans name one full
date, and how many of those `ekn docs dates` normalises to exactly that date (the truth is the
hand-labelled kaznerd_dates_truth.tsv beside this script). Also counts what the reader proposes
for spans that name no full date (it should propose nothing: a month and a year, a range or «биыл»
is not a document's date).

Usage: kaznerd_dates.py IOB2_test.txt [EKN_BINARY]
       (the test file: `git show HEAD:KazNERD/IOB2_test.txt` in a clone of IS2AI/KazNERD)
"""
import os
import subprocess
import sys


def spans(path):
    words, tags = [], []

    def flush():
        i = 0
        while i < len(tags):
            if tags[i] == "B-DATE":
                j = i + 1
                while j < len(tags) and tags[j] == "I-DATE":
                    j += 1
                yield " ".join(words[i:j])
                i = j
            else:
                i += 1

    for line in open(path, encoding="utf-8"):
        parts = line.split()
        if not parts:
            yield from flush()
            words, tags = [], []
            continue
        words.append(parts[0])
        tags.append(parts[-1])
    yield from flush()


def main():
    src = sys.argv[1]
    ekn = sys.argv[2] if len(sys.argv) > 2 else "target/debug/ekn"
    here = os.path.dirname(os.path.abspath(__file__))
    truth = {}
    for line in open(os.path.join(here, "kaznerd_dates_truth.tsv"), encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        span, date = line.rstrip("\n").split("\t")
        truth[span] = date
    all_spans = list(spans(src))
    found = subprocess.run([ekn, "docs", "dates"], input="\n".join(all_spans) + "\n", capture_output=True,
                           text=True, check=True).stdout.split("\n")
    full = exact = 0
    misses, extra = [], []
    for span, dates in zip(all_spans, found):
        dates = dates.split()
        if span in truth:
            full += 1
            if dates == [truth[span]]:
                exact += 1
            else:
                misses.append(f"{span!r}: expected {truth[span]}, read {dates}")
        elif dates:
            extra.append(f"{span!r}: read {dates}")
    print(f"DATE spans: {len(all_spans)}; naming one full date: {full}; normalised exactly: {exact} "
          f"({exact / max(full, 1):.3f}); spans without a full date that got one: {len(extra)}")
    for m in misses:
        print("  miss", m)
    for e in extra:
        print("  extra", e)


if __name__ == "__main__":
    main()
