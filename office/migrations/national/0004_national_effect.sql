-- Each region's published estimate of the acts' effect (the region's migration 0024, issue 62),
-- a partition a region, as every published table; the national side pools them
-- (`national_acts::effect`). Read by the HTTP face as the other figures are.
CREATE TABLE IF NOT EXISTS national_effect_estimates (
    region       text NOT NULL,
    outcome      text NOT NULL,
    ratio        double precision NOT NULL,
    ci_low       double precision NOT NULL,
    ci_high      double precision NOT NULL,
    n_treated    bigint NOT NULL,
    n_controls   bigint NOT NULL,
    pre_trend_p  double precision,
    method       text NOT NULL,
    as_of        date NOT NULL,
    PRIMARY KEY (region, outcome)
) PARTITION BY LIST (region);
REVOKE ALL ON national_effect_estimates FROM PUBLIC;
GRANT SELECT ON national_effect_estimates TO ekn_national_web;
