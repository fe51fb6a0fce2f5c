-- Each region's estimate for each kind of act besides all acts together (the region's migration
-- 0025, issue 62). Applied before the regions upgrade: a region's row with a kind would otherwise
-- name a column this side lacks and stop its subscription. A peer's kind is checked when read
-- (`national_acts::region_estimates`), not here: a CHECK refusing a row would stop the
-- subscription as well.
ALTER TABLE national_effect_estimates ADD COLUMN IF NOT EXISTS act_kind text NOT NULL DEFAULT 'all';
ALTER TABLE national_effect_estimates DROP CONSTRAINT IF EXISTS national_effect_estimates_pkey;
ALTER TABLE national_effect_estimates ADD PRIMARY KEY (region, outcome, act_kind);
