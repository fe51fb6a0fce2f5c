#!/usr/bin/env python3
"""The reference pipeline the issue compares ЭКН's reader with, on the same corpus
(make_corpus.py): the text from poppler's `pdftotext` (PDFs, the broken ones included), Tesseract
rus+kaz (scans, no background flattening) or python-docx (DOCX), then Natasha's DatesExtractor and
MoneyExtractor (yargy grammars, from PyPI) on that text.

Natasha finds every date and sum in a text and does not say which date is the document's own, so
for dates and amounts the figures are: recall (the truth's value is among those found) and how many
candidates a person would have to choose from per document. Prints a table per rendition.

Usage: reference.py CORPUS_DIR [--renditions docx,pdf,broken,scan300,scan200]
Needs: natasha==1.6.0, python-docx; pdftotext and tesseract on the PATH.
"""
import argparse
import json
import os
import subprocess
from datetime import date

from natasha import DatesExtractor, MoneyExtractor, MorphVocab


def text_of(path):
    if path.endswith(".docx"):
        import docx
        return "\n".join(p.text for p in docx.Document(path).paragraphs)
    if path.endswith(".pdf"):
        return subprocess.run(["pdftotext", "-enc", "UTF-8", path, "-"], capture_output=True, check=True).stdout.decode()
    out = subprocess.run(["tesseract", path, "-", "-l", "rus+kaz", "--psm", "4"], capture_output=True,
                         env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    return out.stdout.decode()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--renditions", default="docx,pdf,broken,scan300,scan200")
    args = ap.parse_args()
    vocab = MorphVocab()
    dates_x, money_x = DatesExtractor(vocab), MoneyExtractor(vocab)
    wanted = args.renditions.split(",")
    stats = {r: {"docs": 0, "date_hit": 0, "date_cands": 0, "amount_hit": 0, "amount_cands": 0} for r in wanted}
    for name in sorted(os.listdir(args.corpus)):
        if name.endswith(".truth.json"):
            continue
        stem, _, rest = name.partition(".")
        rendition = {"docx": "docx", "pdf": "pdf", "broken.pdf": "broken", "scan300.png": "scan300", "scan200.jpg": "scan200"}.get(rest)
        if rendition not in wanted:
            continue
        truth = json.load(open(os.path.join(args.corpus, stem + ".truth.json"), encoding="utf-8"))
        text = text_of(os.path.join(args.corpus, name))
        found_dates = set()
        for m in dates_x(text):
            f = m.fact
            if f.year and f.month and f.day:
                try:
                    found_dates.add(date(f.year, f.month, f.day).isoformat())
                except ValueError:
                    pass
        found_amounts = set()
        for m in money_x(text):
            found_amounts.add(int(m.fact.amount))
        s = stats[rendition]
        s["docs"] += 1
        s["date_hit"] += truth["date"] in found_dates
        s["date_cands"] += len(found_dates)
        tenge = {a["tenge"] for a in truth["amounts"]}
        s["amount_hit"] += bool(tenge & found_amounts)
        s["amount_cands"] += len(found_amounts)
    print("rendition  docs  date recall  dates found/doc  amount recall  amounts found/doc")
    for r, s in stats.items():
        n = max(s["docs"], 1)
        print(f"{r:<10} {s['docs']:>4}  {s['date_hit'] / n:>11.3f}  {s['date_cands'] / n:>15.1f}  "
              f"{s['amount_hit'] / n:>13.3f}  {s['amount_cands'] / n:>17.1f}")


if __name__ == "__main__":
    main()
