"""A fourth registry generator for judging tier 3 (issue 62) — written from scratch on 2026-11-29,
after generator C was spent, and BEFORE the change it is to judge (conditioning the stacked
design's comparison on the path before the trigger) was written, built or run. Committed before its
first run; run once per design judged (docs/EFFECT.md says when and what it gave). It shares no code
with `staggered_study.make_registry` (A, the tuning generator), `registry_b` (B) or `registry_c` (C),
and no design may be changed after looking at what it gives here.

How its world differs from A's, B's and C's, on purpose:
- an object's management is in one of three states (good, lax, bad) that it leaves with a small
  chance each quarter (a Markov chain, mostly moving one step): the lasting part of its rate jumps
  and stays, rather than wandering (B's AR(1), C's random walk) or spiking (A);
- inspections come from two sources: a sector's plan (a Poisson number whose mean depends on the
  sector and the season) and complaints, which follow the current state; and an inspection
  moratorium halves planned inspections for six quarters in the middle of the period (as
  Kazakhstan's did), so exposure itself moves in time;
- violations per inspection are negative binomial (a gamma per inspection, shape 1.5), and a
  district has its own trend (−3 %…+2 % a quarter);
- a prosecutor looks at the last two quarters together (violations over inspections against the
  district's usual rate), at whether the object had violations in at least three of its last eight
  quarters with inspections (a "repeat offender"), and at the count itself; a district's prosecutor
  acts above a threshold of his own with noise — a hard edge per district, not a smooth curve;
- the trigger the registry names is the inspection with the most violations of the two quarters;
  the act comes in the trigger's quarter or up to two after it;
- the act works at once at some objects, over three quarters at others, and not at all at a third
  of them (they do not comply); the planted figure is the mean among those that do comply times
  their share, so the acted-on objects' mean effect is about the planted ratio; objects in the bad
  state comply less;
- objects open over the first two years; an object in the bad state closes more often.

`registry(rng, n, planted)` returns a DataFrame with obj, q, insp, viol, act, trigger (−1 when none),
mu0 (the expected violations with no act) and mu (with the act), one row per object-quarter open;
`truth(df)` the estimand: the acted-on objects' violations over what they would have had, from
their act (and the quarter after the trigger) up to eight quarters on.
"""

import numpy as np
import pandas as pd

STATES = np.log(np.array([0.15, 0.45, 1.3]))  # violations per inspection by management state
# A state's chance to move each quarter: to the neighbour states mostly.
MOVE = np.array([
    [0.955, 0.040, 0.005],
    [0.035, 0.935, 0.030],
    [0.010, 0.060, 0.930],
])


def registry(rng, n, planted, quarters=26):
    district = rng.integers(0, 9, n)
    district_trend = rng.uniform(-0.03, 0.02, 9)
    district_usual = np.exp(rng.normal(np.log(0.45), 0.2, 9))
    threshold = rng.uniform(5.0, 9.0, 9)  # how far above the district's usual rate moves its prosecutor
    sector = rng.integers(0, 4, n)
    sector_plan = np.array([0.25, 0.45, 0.7, 1.1])[sector]
    sector_level = np.array([-0.2, 0.0, 0.1, 0.25])[sector]
    season = np.array([0.8, 1.2, 1.15, 0.85])
    own = rng.normal(0.0, 0.35, n)
    state = rng.choice(3, size=n, p=[0.45, 0.4, 0.15])
    opened = np.where(rng.random(n) < 0.75, 0, rng.integers(1, 9, n))
    closed = np.full(n, quarters + 100)
    # Compliance: who the act works on, and how fast.
    complies = rng.random(n)
    fast = rng.random(n) < 0.5
    complier_ratio = 1.0 - (1.0 - planted) / (2.0 / 3.0)  # the compliers' ratio giving the planted mean
    complier_ratio = max(complier_ratio, 0.05)

    history_v = np.zeros((8, n))  # the last eight quarters' violations and inspections, oldest first
    history_n = np.zeros((8, n))
    act = np.full(n, -1)
    trig = np.full(n, -1)
    pending = np.full(n, -1)
    works = np.zeros(n, dtype=bool)
    rows = []
    for q in range(quarters):
        open_ = (q >= opened) & (q < closed)
        # The state moves first.
        u = rng.random(n)
        cum = MOVE[state].cumsum(axis=1)
        state = (u[:, None] > cum).sum(axis=1)
        moratorium = 0.5 if 10 <= q < 16 else 1.0
        planned = rng.poisson(sector_plan * season[q % 4] * moratorium)
        complaints = rng.poisson(0.05 * np.exp(1.2 * (STATES[state] - STATES[1])))
        insp = np.where(open_, planned + complaints, 0)
        log_rate = STATES[state] + sector_level + own + district_trend[district] * q
        rate0 = np.exp(log_rate)
        since = q - act
        ramp = np.where(fast, 1.0, np.clip((since + 1) / 3.0, 0.0, 1.0))
        mult = np.where((act >= 0) & (since >= 0) & works, complier_ratio ** ramp, 1.0)
        mu0 = insp * rate0
        mu = mu0 * mult
        # Negative binomial: a gamma per inspection summed is a gamma of shape 1.5 × inspections.
        shape = 1.5 * np.maximum(insp, 1)
        viol = np.where(insp > 0, rng.poisson(mu * rng.gamma(shape, 1.0 / shape)), 0)
        # Acts decided earlier whose quarter has come.
        due = (pending == q) & (act < 0) & open_
        act[due] = q
        # The prosecutor's look: the last two quarters against the district's usual, the repeat
        # record, the count; above his own threshold (with noise) he acts.
        two_v = history_v[-1] + viol
        two_n = history_n[-1] + insp
        against = (two_v + 0.5) / (two_n * district_usual[district] + 0.5)
        repeat = ((history_v > 0).sum(axis=0) + (viol > 0)) >= 3
        look = np.log(against) + 0.35 * repeat + 0.12 * np.log1p(viol) + rng.normal(0.0, 0.3, n)
        decide = (open_ & (act < 0) & (pending < 0) & (insp > 0) & (viol > 1) & (q < quarters - 2)
                  & (look > np.log(threshold[district])))
        lag = rng.choice([0, 1, 2], size=n, p=[0.35, 0.45, 0.2])
        pending[decide] = q + lag[decide]
        # The registry names the inspection with the most violations of the two quarters.
        trig[decide] = np.where(history_v[-1][decide] > viol[decide], q - 1, q)
        works[decide] = complies[decide] < (2.0 / 3.0) * np.where(state[decide] == 2, 0.85, 1.08)
        now = decide & (lag == 0)
        act[now] = q
        for i in np.nonzero(open_)[0]:
            rows.append((i, q, insp[i], viol[i], mu0[i] * 1.0, mu[i] * 1.0))
        history_v = np.vstack([history_v[1:], np.where(open_, viol, 0)[None, :]])
        history_n = np.vstack([history_n[1:], insp[None, :]])
        hazard = np.array([0.008, 0.012, 0.03])[state]
        closing = open_ & (rng.random(n) < hazard)
        closed[closing] = q + 1
    df = pd.DataFrame(rows, columns=["obj", "q", "insp", "viol", "mu0", "mu"])
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
