#!/usr/bin/env python3
"""An independent check of tier 3's headline, the stacked design (issue 62, docs/EFFECT.md).

One registry from the study's own generator (`staggered_study.make_registry`, acts chosen on the
record so far) is written as CSV by quarters; `ekn effect study --quarters FILE --export DIR` reads it,
builds its stacks and writes them (`stacked.csv`) with its estimate (`ekn-stacked.json`). This script
then fits the very same rows with pyfixest's `fepois` — Poisson, stack×object and stack×quarter
effects, log exposure as offset, errors clustered by object (CRV1) — once with the one
"acted-on and after" term and once with the event-time terms, and prints both beside ЭКН's: the
digits must agree. It also prints the study's own pandas build of the same design (`cut_at_act`),
which draws its controls by the fixed rule the generator uses where ЭКН reads the rule off each
stack's acts — close, not equal.

Usage: python scripts/effect/stacked_oracle.py [--objects 3000] [--effect 0.75] [--seed 5]
       [--ekn target/debug/ekn]   (needs numpy, pandas, pyfixest)
"""

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile

import numpy as np
import pandas as pd

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import staggered_study  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--objects", type=int, default=3000)
    ap.add_argument("--effect", type=float, default=0.75)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--ekn", default="target/debug/ekn")
    args = ap.parse_args()
    import pyfixest as pf

    rng = np.random.default_rng(args.seed)
    df = staggered_study.make_registry(rng, args.objects, args.effect, selection="observed")
    with tempfile.TemporaryDirectory() as tmp:
        registry = os.path.join(tmp, "registry.csv")
        df[["obj", "q", "insp", "viol", "act"]].to_csv(registry, index=False)
        out = os.path.join(tmp, "out")
        subprocess.run([args.ekn, "effect", "study", "--quarters", registry, "--export", out, "--json"],
                       check=True, stdout=subprocess.DEVNULL)
        rows = pd.read_csv(os.path.join(out, "stacked.csv"))
        ekn = json.load(open(os.path.join(out, "ekn-stacked.json")))

    rows = rows.rename(columns={"object": "obj", "quarter": "q"})
    rows[["treated", "after"]] = rows[["treated", "after"]].astype(int)
    rows["log_e"] = np.log(rows.exposure)
    rows["so"] = rows["stack"].astype(str) + "_" + rows.obj.astype(str)
    rows["sq"] = rows["stack"].astype(str) + "_" + rows.q.astype(str)
    rows["treated_after"] = (rows.treated * rows.after).astype(float)
    # Since effect-2026.11.29 the quarters after the act move with each member's path to its trigger:
    # one term per path figure, after × (the figure less its stack's mean over members). pyfixest
    # drops a figure the others determine, as ЭКН does; the scale ЭКН gives them does not change the
    # effect's term.
    path = [c for c in rows.columns if c.startswith("path_")]
    members = rows.drop_duplicates(["stack", "obj"])[["stack", "obj"] + path]
    centred = members[path] - members.groupby("stack")[path].transform("mean")
    centred[["stack", "obj"]] = members[["stack", "obj"]]
    rows = rows.drop(columns=path).merge(centred, on=["stack", "obj"])
    adjust = []
    for c in path:
        if rows[c].abs().max() > 1e-9:
            rows["after_" + c] = rows[c] * rows.after
            adjust.append("after_" + c)
    rhs = " + ".join(["treated_after"] + adjust)
    fit = pf.fepois(f"y ~ {rhs} | so + sq", data=rows, vcov={"CRV1": "obj"}, offset="log_e",
                    fixef_tol=1e-10, fixef_maxiter=100_000)
    b, se = fit.coef()["treated_after"], fit.se()["treated_after"]
    z = 1.959963984540054
    print(f"registry: {args.objects} objects, planted x{args.effect}, seed {args.seed}; "
          f"true ratio {staggered_study.truth_ratio(df):.4f}; {len(rows)} stacked rows")
    print(f"{'':<22}{'ratio':>9}{'ci low':>9}{'ci high':>9}")
    print(f"{'ЭКН (Rust)':<22}{ekn['ratio']:>9.4f}{ekn['ci95'][0]:>9.4f}{ekn['ci95'][1]:>9.4f}")
    print(f"{'pyfixest, same rows':<22}{math.exp(b):>9.4f}{math.exp(b - z * se):>9.4f}{math.exp(b + z * se):>9.4f}")

    # The event-time profile: before the trigger −4…−2 (the quarter before it the reference), after 0…8.
    terms = []
    for q in range(-4, -1):
        name = f"pre_m{-q}"
        rows[name] = ((rows.treated == 1) & (rows.after == 0) & (rows.event == q)).astype(float)
        terms.append((name, "before_trigger", q))
    for q in range(0, 9):
        name = f"post_{q}"
        rows[name] = ((rows.treated == 1) & (rows.after == 1) & (rows.event == q)).astype(float)
        terms.append((name, "after_act", q))
    terms = [t for t in terms if rows[t[0]].sum() > 0]
    prof = pf.fepois("y ~ " + " + ".join([t[0] for t in terms] + adjust) + " | so + sq", data=rows, vcov={"CRV1": "obj"},
                     offset="log_e", fixef_tol=1e-10, fixef_maxiter=100_000)
    ours = {(p["side"], p["quarter"]): p for p in ekn["profile"]}
    print("\nevent-time profile: ЭКН ratio [ci] | pyfixest ratio [ci]")
    for name, side, q in terms:
        pb, ps = prof.coef()[name], prof.se()[name]
        mine = ours.get((side, q))
        left = f"{mine['ratio']:.4f} [{mine['ci95'][0]:.4f}, {mine['ci95'][1]:.4f}]" if mine else "—"
        print(f"  {side:<15}{q:+3d}  {left}  |  {math.exp(pb):.4f} [{math.exp(pb - z * ps):.4f}, {math.exp(pb + z * ps):.4f}]")
    b2, se2 = staggered_study.stacked_censored(df, pf, keep_trigger=True)
    print(f"\nthe study's pandas build (fixed rule): {math.exp(b2):.4f} "
          f"[{math.exp(b2 - z * se2):.4f}, {math.exp(b2 + z * se2):.4f}]")
    print(f"ЭКН: {ekn['n_treated']} acted-on of {ekn['acts_in_scope']} acts, {ekn['n_controls']} controls, "
          f"{len(ekn['cohorts'])} stacks; left out {ekn['left_out']}")


if __name__ == "__main__":
    main()
