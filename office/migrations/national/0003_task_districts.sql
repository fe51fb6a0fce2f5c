-- The regions' task counts by district (issue 63; office migration 0023 publishes the column): the
-- country's map opens a region into its districts' deadlines as well as their appeals. Applied
-- before the offices are upgraded (docs/NATIONAL.md): a published column the national side lacks
-- stops that region's subscription until it is added here.
ALTER TABLE national_task_counts ADD COLUMN IF NOT EXISTS place text;
