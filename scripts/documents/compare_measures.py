#!/usr/bin/env python3
"""Read `ekn docs measure DIR --json` files the way a reader round is judged.

Every round of issue 61 is checked the same way: the spent sets and the second generator must lose
nothing, the set the change was made from shows what it mended, and the frozen set written before
it is measured once. These three views are what each round's table in docs/DOCUMENTS.md was made
from (the helpers had lived outside the repository and were lost with each fresh machine).

    compare_measures.py table SET.json                 F1 per rendition and field, and the totals
    compare_measures.py compare OLD.json NEW.json      totals, and every field that moved
                                                       (LOWER: true positives fell or false ones rose)
    compare_measures.py total A.json B.json …          right / missed / wrong summed over files

Totals are facts right / missed / wrong summed over all fields of all renditions.
"""
import json
import sys


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def totals(measure):
    right = missed = wrong = 0
    for rendition in measure["renditions"].values():
        for field in rendition["fields"].values():
            right += field["true_positives"]
            missed += field["false_negatives"]
            wrong += field["false_positives"]
    return right, missed, wrong


def table(path):
    measure = load(path)
    for name, rendition in measure["renditions"].items():
        cells = " ".join(f"{kind}={f['f1']:.2f}" for kind, f in rendition["fields"].items())
        print(f"{name:10} {cells}")
    print("right {} missed {} wrong {}".format(*totals(measure)))


def compare(old_path, new_path):
    old, new = load(old_path), load(new_path)
    print("old", list(totals(old)), "new", list(totals(new)))
    lower = 0
    for name, rendition in new["renditions"].items():
        for kind, f in rendition["fields"].items():
            before = old["renditions"].get(name, {}).get("fields", {}).get(kind)
            if not before:
                continue
            moved = (f["true_positives"] - before["true_positives"], f["false_positives"] - before["false_positives"])
            if moved == (0, 0):
                continue
            flag = "LOWER" if moved[0] < 0 or moved[1] > 0 else "up"
            lower += flag == "LOWER"
            print(
                f"  {flag:5} {name:10} {kind:20} tp {before['true_positives']}->{f['true_positives']} "
                f"fp {before['false_positives']}->{f['false_positives']} f1 {before['f1']:.2f}->{f['f1']:.2f}"
            )
    return lower


def total(paths):
    summed = [0, 0, 0]
    for path in paths:
        summed = [a + b for a, b in zip(summed, totals(load(path)))]
    print("right {} missed {} wrong {}".format(*summed))


def main(argv):
    if len(argv) >= 3 and argv[1] == "table":
        table(argv[2])
        return 0
    if len(argv) == 4 and argv[1] == "compare":
        # A field that got worse is the exit status, so a script can stop on it.
        return 1 if compare(argv[2], argv[3]) else 0
    if len(argv) >= 3 and argv[1] == "total":
        total(argv[2:])
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
