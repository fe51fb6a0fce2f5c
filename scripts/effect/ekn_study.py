#!/usr/bin/env python3
"""The simulation study of tier 3 as it ships (issue 62): many registries from a generator, each
written as CSV and handed to `ekn effect study --quarters` — the very code of `ekn effect` — whose
headline (the stacked design) and the matched design beside it are compared with the registry's
true ratio. Reports per planted effect: the mean ratio, the bias on the log scale, the coverage of
the 95 % interval, how often it excludes 1 (power; on the null, false alarms), and how many acted-on
objects each design rests on against the acts issued.

  --generator a   staggered_study.make_registry (acts chosen on the record so far): the generator
                  the design was CHOSEN on — figures here are tuning figures;
  --generator b   registry_b.registry: written afterwards, never tuned on (docs/EFFECT.md); judged
                  once and spent for the stacked design;
  --generator c   registry_c.registry: written after B failed and before any change for it was run;
                  run once, at the end (docs/EFFECT.md); spent.
  --generator d   registry_d.registry: written after C was spent and before the path-conditioned
                  comparison was written; judged once per design (docs/EFFECT.md).

Usage: python scripts/effect/ekn_study.py --generator b --registries 200 --objects 20000
       [--effects 1.0,0.75,0.6] [--seed 62] [--jobs 2] [--ekn target/debug/ekn] [--out FILE.json]
"""

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from multiprocessing import Pool

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

Z = 1.959963984540054


def one(task):
    generator, seed, objects, effect, ekn, selection = task
    rng = np.random.default_rng(seed)
    if generator == "a":
        import staggered_study
        df = staggered_study.make_registry(rng, objects, effect, selection=selection)
        truth = staggered_study.truth_ratio(df)
        columns = ["obj", "q", "insp", "viol", "act"]
    else:
        registry = __import__("registry_" + generator)
        df = registry.registry(rng, objects, effect)
        truth = registry.truth(df)
        columns = ["obj", "q", "insp", "viol", "act", "trigger"]
    acts = int((df.groupby("obj").act.first() >= 0).sum())
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "registry.csv")
        df[columns].to_csv(path, index=False)
        out = subprocess.run([ekn, "effect", "study", "--quarters", path, "--json"], check=True,
                             capture_output=True, text=True).stdout
    figures = json.loads(out)["figures"] if "figures" in json.loads(out) else json.loads(out)
    matched = figures.get("matched") or {}
    return {"seed": seed, "effect": effect, "truth": truth, "acts": acts,
            "stacked": pick(figures), "matched": pick(matched)}


def pick(f):
    return {"ratio": f.get("ratio"), "ci95": f.get("ci95"), "n_treated": f.get("n_treated", 0),
            "pre_trend_p": f.get("pre_trend_p")}


def summary(rows, design):
    est = [r for r in rows if r[design]["ratio"]]
    if not est:
        return f"  {design:<8} no estimate in {len(rows)} registries"
    b = np.array([math.log(r[design]["ratio"]) for r in est])
    t = np.array([math.log(r["truth"]) for r in est])
    lo = np.array([math.log(r[design]["ci95"][0]) for r in est])
    hi = np.array([math.log(r[design]["ci95"][1]) for r in est])
    cover = np.mean((lo <= t) & (t <= hi))
    excl = np.mean((hi < 0) | (lo > 0))
    used = np.mean([r[design]["n_treated"] for r in est])
    acts = np.mean([r["acts"] for r in est])
    pre = np.mean([1.0 if (r[design]["pre_trend_p"] or 1) < 0.05 else 0.0 for r in est])
    return (f"  {design:<8} {len(est):>4}/{len(rows):<4} {math.exp(b.mean()):>7.3f} {np.mean(b - t):>+8.3f} "
            f"{cover:>7.2f} {excl:>7.2f} {used:>8.0f}/{acts:<6.0f} {pre:>6.2f}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--generator", choices=["a", "b", "c", "d"], required=True)
    ap.add_argument("--registries", type=int, default=20)
    ap.add_argument("--objects", type=int, default=3000)
    ap.add_argument("--effects", default="1.0,0.75,0.6")
    ap.add_argument("--seed", type=int, default=62)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--ekn", default="target/debug/ekn")
    ap.add_argument("--selection", choices=["observed", "smooth"], default="observed",
                    help="generator a only: acts on a threshold of the record (observed) or smoothly (smooth)")
    ap.add_argument("--out")
    args = ap.parse_args()
    everything = []
    print(f"generator {args.generator}: {args.registries} registries a setting, {args.objects} objects, seed {args.seed}")
    for k, effect in enumerate(float(x) for x in args.effects.split(",")):
        started = time.time()
        tasks = [(args.generator, args.seed * 100_000 + k * 10_000 + i, args.objects, effect, args.ekn, args.selection)
                 for i in range(args.registries)]
        with Pool(args.jobs) as pool:
            rows = pool.map(one, tasks)
        everything += rows
        print(f"\nplanted x{effect:.2f}: true ratio {np.mean([r['truth'] for r in rows]):.3f}; {time.time() - started:.0f} s")
        print(f"  {'design':<8} {'fits':>9} {'ratio':>7} {'bias':>8} {'cover':>7} {'excl 1':>7} {'acted-on/acts':>15} {'pre<.05':>6}")
        for design in ("stacked", "matched"):
            print(summary(rows, design))
    if args.out:
        json.dump(everything, open(args.out, "w"), indent=1)


if __name__ == "__main__":
    main()
