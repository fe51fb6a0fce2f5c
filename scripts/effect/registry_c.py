"""A third registry generator for judging tier 3 (issue 62) — written from scratch on 2026-11-28,
after generator B showed the stacked design failing and BEFORE any change made for it was built or
run; committed before its first run and run once (docs/EFFECT.md says when and what it gave). It
shares no code with `staggered_study.make_registry` (A, the tuning generator) or `registry_b` (B,
spent), and the design must never be changed after looking at what it gives here.

How its world differs from A's and B's, on purpose:
- three sizes of business with their own inspection regimes: a planned inspection on a schedule
  (every two quarters for the large, four for the medium, eight for the small) and unplanned ones
  that come with appeals, which rise with the object's current rate;
- violations are overdispersed (a gamma frailty per object-quarter, shape 2), not Poisson;
- an object's rate drifts on two clocks: a slow random walk and a fast AR(1) shock (0.7);
- every object's rate falls 1 % a quarter, and a rule change at quarter 10 lowers it by a tenth;
- a prosecutor weighs the quarter's violations against the object's last four quarters only (not
  its whole record), the count of violations and whether the quarter was an unplanned inspection
  (which the registry shows as an inspection outside the object's schedule, not as a field), with
  probability rising smoothly; some offices act more readily than others (an office's own
  propensity, unobserved, constant in time — a level, not a trend);
- an act follows its trigger in the same quarter or up to three later; its effect depends on the
  act's calendar cohort and the object's size, starts at half in the act's quarter, reaches its
  full size the next, and fades back by a twentieth of the way each quarter after a year;
- objects open over the first three years and close at a hazard that an act raises (a business
  told to comply sometimes closes instead).

`registry(rng, n, planted)` returns a DataFrame with obj, q, insp, viol, act, trigger (−1 when none),
mu0 (the mean with no act) and mu (with the act), one row per object-quarter open; `truth(df)` the
estimand: the acted-on objects' violations over what they would have had, from the act (and the
quarter after the trigger) to eight quarters on.
"""

import numpy as np
import pandas as pd


def _logistic(x):
    return 1.0 / (1.0 + np.exp(-x))


def registry(rng, n, planted, quarters=24):
    size = rng.choice([0, 1, 2], size=n, p=[0.6, 0.3, 0.1])  # small, medium, large
    period = np.array([8, 4, 2])[size]
    phase = rng.integers(0, 8, n) % period
    office = rng.integers(0, 14, n)
    office_readiness = rng.normal(0.0, 0.5, 14)
    level = rng.normal(np.log(0.35), 0.55, n) + np.array([-0.1, 0.0, 0.15])[size]
    opened = np.where(rng.random(n) < 0.7, 0, rng.integers(1, 13, n))
    closed = np.full(n, quarters + 100)
    cohort_effect = planted * np.exp(rng.normal(0.0, 0.1, quarters)) if planted != 1.0 else np.ones(quarters)
    size_effect = np.array([1.05, 1.0, 0.93]) if planted != 1.0 else np.ones(3)

    walk = np.zeros(n)
    fast = rng.normal(0.0, 0.25, n)
    window_v = np.zeros((4, n))  # the last four quarters' violations and inspections, oldest first
    window_n = np.zeros((4, n))
    act = np.full(n, -1)
    trig = np.full(n, -1)
    pending = np.full(n, -1)
    rows = []
    for q in range(quarters):
        open_ = (q >= opened) & (q < closed)
        walk = walk + rng.normal(0.0, 0.08, n)
        fast = 0.7 * fast + rng.normal(0.0, 0.25, n)
        common = -0.01 * q + (np.log(0.9) if q >= 10 else 0.0)
        rate0 = np.exp(level + walk + fast + common)
        planned = ((q - phase) % period == 0) | ((size == 0) & (rng.random(n) < 0.03))
        appeals = rng.poisson(0.15 * np.exp(0.8 * (walk + fast)))
        unplanned = rng.binomial(np.minimum(appeals, 3), 0.6)
        insp = np.where(open_, planned.astype(int) + unplanned, 0)
        since = q - act
        full = np.where(act >= 0, cohort_effect[np.clip(act, 0, quarters - 1)] * size_effect[size], 1.0)
        fade = np.clip((since - 4) / 20.0, 0.0, 1.0)
        strength = np.where(since == 0, 0.5, 1.0) * (1.0 - fade)
        mult = np.where((act >= 0) & (since >= 0), full ** strength, 1.0)
        mu0 = insp * rate0
        mu = mu0 * mult
        frailty = rng.gamma(2.0, 0.5, n)
        viol = rng.poisson(mu * frailty)
        # Acts decided earlier whose quarter has come (one decided for an object closed since did
        # not happen).
        due = (pending == q) & (act < 0) & open_
        act[due] = q
        # The prosecutor's look: this quarter against the last four, the count, and whether the
        # inspection came outside the schedule.
        seen_n = window_n.sum(axis=0)
        recent = np.where(seen_n > 0, window_v.sum(axis=0) / np.maximum(seen_n, 1), np.nan)
        against = np.log((viol + 1.0) / (insp * np.nan_to_num(recent, nan=0.5) + 1.0))
        score = -4.6 + 1.1 * against + 0.55 * np.log1p(viol) + 0.6 * (unplanned > 0) + office_readiness[office]
        p_act = np.where(insp > 0, _logistic(score), 0.0)
        decide = open_ & (act < 0) & (pending < 0) & (q < quarters - 2) & (rng.random(n) < p_act)
        lag = rng.choice([0, 1, 2, 3], size=n, p=[0.2, 0.45, 0.25, 0.1])
        pending[decide] = q + lag[decide]
        trig[decide] = q
        now = decide & (lag == 0)
        act[now] = q
        for i in np.nonzero(open_)[0]:
            rows.append((i, q, insp[i], viol[i], mu0[i] * 1.0, mu[i] * 1.0))
        window_v = np.vstack([window_v[1:], np.where(open_, viol, 0)[None, :]])
        window_n = np.vstack([window_n[1:], insp[None, :]])
        # Closing: a steady hazard, raised after an act.
        hazard = np.where((act >= 0) & (act <= q), 0.018, 0.012)
        closing = open_ & (rng.random(n) < hazard)
        closed[closing] = q + 1
    df = pd.DataFrame(rows, columns=["obj", "q", "insp", "viol", "mu0", "mu"])
    # The rows' mean is the frailty's mean (1) times mu: the counterfactual is mu0 likewise.
    issued = act >= 0
    df["act"] = np.where(issued, act, -1)[df.obj.to_numpy()]
    df["trigger"] = np.where(issued, trig, -1)[df.obj.to_numpy()]
    return df


def truth(df, after=8):
    """The acted-on objects' violations over what they would have had, from their act's quarter
    (and the quarter after the trigger) up to `after` quarters on: the estimand."""
    start = np.maximum(df.act, df.trigger + 1)
    t = df[(df.act >= 0) & (df.q >= start) & (df.q <= df.act + after)]
    return t.mu.sum() / t.mu0.sum()
