-- The acts' effect by kind of act on the national read-side (issue 62: "the office's and the
-- national figures … by kind of act"): a region publishes its office's estimate for each kind of act
-- besides all acts together, one row per outcome and kind (`act_kind`: 'all' or the kind's code).
-- The national side must hold the column first (national migration 0005): upgrade the national
-- database before the regions' offices (docs/NATIONAL.md, "Upgrading").
ALTER TABLE national_effect_estimates
    ADD COLUMN act_kind text NOT NULL DEFAULT 'all'
        CHECK (act_kind IN ('all', 'protest', 'submission', 'order', 'resolution', 'warning'));
ALTER TABLE national_effect_estimates DROP CONSTRAINT national_effect_estimates_pkey;
ALTER TABLE national_effect_estimates ADD PRIMARY KEY (region, outcome, act_kind);
