-- Tier 3 of the acts' effectiveness on the national read-side (issue 62; docs/NATIONAL.md, "The
-- acts' effectiveness"): the office's own estimate of the acts' effect over its registry — the
-- stacked design's headline for all acts, one row per outcome: the ratio, its interval, how many
-- acted-on objects and controls it rests on, its pre-trend test, the method and the day — and
-- nothing that names an act, an object or a person. The office refills it after the acts or the
-- registry change and when the region is published (`national_acts::refresh_estimates`); the
-- national side pools the regions' rows (`ekn_analytics::effect_pool`).
CREATE TABLE national_effect_estimates (
    region       text NOT NULL,
    outcome      text NOT NULL CHECK (outcome IN ('violations_per_inspection', 'appeals_per_quarter')),
    ratio        double precision NOT NULL CHECK (ratio > 0),
    ci_low       double precision NOT NULL CHECK (ci_low > 0),
    ci_high      double precision NOT NULL CHECK (ci_high >= ci_low),
    n_treated    bigint NOT NULL CHECK (n_treated >= 0),
    n_controls   bigint NOT NULL CHECK (n_controls >= 0),
    pre_trend_p  double precision,
    method       text NOT NULL,
    as_of        date NOT NULL,
    PRIMARY KEY (region, outcome)
);
GRANT SELECT, INSERT, DELETE ON national_effect_estimates TO ekn_office_app;
ALTER PUBLICATION ekn_national ADD TABLE national_effect_estimates;
