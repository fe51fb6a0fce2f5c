"""An independent check of ЭКН's effect estimator (issue 39, docs/EFFECT.md).

`ekn effect study --seeds 1 --export DIR` writes one generated world's matched units (one row per
acted-on object or control: weight, counts and exposures before and after its act date) and
ЭКН's estimate. This script fits the same rows with two independent implementations of the same
model — a Poisson regression with an effect per unit, an "after" effect and "after × acted-on",
exposure as offset, each unit weighted, errors clustered by object — pyfixest's `fepois` and
statsmodels' GLM, and prints the three side by side. Point estimates must agree to rounding;
standard errors agree once the same small-sample factor G/(G−1) is applied.

When ЭКН's estimate says `design: after_only` (every before window clean on both sides: `ekn effect
study --seeds 1 --first-violation --export DIR`), the model is the after-counts alone on
"acted-on", exposure as offset, weighted, clustered by object — fitted the same two ways.

Usage: python scripts/effect/oracle.py DIR   (needs pandas, statsmodels, pyfixest)
"""

import json
import math
import sys

import numpy as np
import pandas as pd


def long_rows(units: pd.DataFrame, before: str, after: str) -> pd.DataFrame:
    """Two observations per unit (before, after), keeping units the conditional fit keeps."""
    y_b, e_b, y_a, e_a = f"y_{before}", f"e_{before}", f"y_{after}", f"e_{after}"
    keep = units[(units[e_b] > 0) & (units[e_a] > 0) & (units[y_b] + units[y_a] > 0) & (units.weight > 0)]
    keep = keep.reset_index(drop=True)
    keep["unit"] = keep.index
    rows = []
    for post, y, e in ((0, y_b, e_b), (1, y_a, e_a)):
        part = pd.DataFrame(
            {
                "unit": keep.unit,
                "object": keep.object,
                "w": keep.weight,
                "treated": keep.treated,
                "post": post,
                "y": keep[y],
                "log_e": np.log(keep[e]),
            }
        )
        rows.append(part)
    long = pd.concat(rows, ignore_index=True)
    long["post_treated"] = long.post * long.treated
    return long


def after_rows(units: pd.DataFrame) -> pd.DataFrame:
    """One observation per unit with data after its act date: the after-only comparison."""
    keep = units[(units.e_post > 0) & (units.weight > 0)].reset_index(drop=True)
    return pd.DataFrame(
        {"object": keep.object, "w": keep.weight, "treated": keep.treated, "y": keep.y_post, "log_e": np.log(keep.e_post)}
    )


def after_with_statsmodels(rows: pd.DataFrame):
    import statsmodels.api as sm

    x = sm.add_constant(rows[["treated"]].astype(float))
    model = sm.GLM(rows.y, x, family=sm.families.Poisson(), offset=rows.log_e, var_weights=rows.w)
    fit = model.fit(cov_type="cluster", cov_kwds={"groups": rows.object.to_numpy(), "use_correction": False})
    g = rows.object.nunique()
    return float(fit.params["treated"]), float(fit.bse["treated"]) * math.sqrt(g / (g - 1))


def after_with_pyfixest(rows: pd.DataFrame):
    import pyfixest as pf

    fit = pf.fepois(
        "y ~ treated", data=rows, offset="log_e", weights="w", vcov={"CRV1": "object"},
        ssc=pf.ssc(k_adj=False, G_adj=True),
    )
    return float(fit.coef()["treated"]), float(fit.se()["treated"])


def with_statsmodels(long: pd.DataFrame):
    import statsmodels.api as sm

    dummies = pd.get_dummies(long.unit, prefix="u", dtype=float)
    x = pd.concat([long[["post", "post_treated"]].astype(float), dummies], axis=1)
    model = sm.GLM(long.y, x, family=sm.families.Poisson(), offset=long.log_e, var_weights=long.w)
    fit = model.fit(cov_type="cluster", cov_kwds={"groups": long.object.to_numpy(), "use_correction": False})
    g = long.object.nunique()
    se = float(fit.bse["post_treated"]) * math.sqrt(g / (g - 1))
    return float(fit.params["post_treated"]), se


def with_pyfixest(long: pd.DataFrame):
    import pyfixest as pf

    fit = pf.fepois(
        "y ~ post + post_treated | unit",
        data=long,
        offset="log_e",
        weights="w",
        vcov={"CRV1": "object"},
        ssc=pf.ssc(k_adj=False, G_adj=True),
    )
    return float(fit.coef()["post_treated"]), float(fit.se()["post_treated"])


def main(directory: str) -> int:
    ours = json.load(open(f"{directory}/ekn-estimate.json"))
    failed = False
    for name in ("violations", "appeals"):
        units = pd.read_csv(f"{directory}/{name}.csv")
        ekn = ours[name]
        if ekn.get("design") == "after_only":
            long = after_rows(units)
            long["unit"] = long.index
            fits = (("statsmodels", after_with_statsmodels), ("pyfixest", after_with_pyfixest))
        else:
            long = long_rows(units, "pre", "post")
            fits = (("statsmodels", with_statsmodels), ("pyfixest", with_pyfixest))
        if ekn["ratio"] is None:
            print(f"{name}: ЭКН gives no estimate ({ekn['note']})")
            continue
        lo, hi = ekn["ci95"]
        ekn_delta = math.log(ekn["ratio"])
        ekn_se = (math.log(hi) - math.log(lo)) / (2 * 1.959963984540054)
        print(f"{name} ({ekn.get('design')}): {long.unit.nunique()} units, {long.object.nunique()} objects")
        print(f"  ЭКН          ratio {math.exp(ekn_delta):.6f}  log {ekn_delta:+.6f}  se {ekn_se:.6f}")
        for label, fit in fits:
            try:
                delta, se = fit(long)
            except ImportError as e:
                print(f"  {label:<12} not installed ({e})")
                failed = True
                continue
            print(f"  {label:<12} ratio {math.exp(delta):.6f}  log {delta:+.6f}  se {se:.6f}")
            if abs(delta - ekn_delta) > 1e-4 or abs(se - ekn_se) / ekn_se > 0.01:
                print(f"  DISAGREES with {label}")
                failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "effect-oracle"))
