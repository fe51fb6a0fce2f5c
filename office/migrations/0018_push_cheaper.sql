-- A push's fixed costs, trimmed without changing what anything means (issue 41, "push at bulk
-- speed"; docs/PERFORMANCE.md):
--
-- 1. A push's projection is an `INSERT … ON CONFLICT DO UPDATE`, which fires the statement's
--    AFTER INSERT trigger even when every row was an update; the recount then ran its five
--    statements over an empty list. Now it returns at once when the statement inserted nothing.
-- 2. An upsert checks the existing row against the SELECT policies, whose first test was the
--    district scope (a string split and a LIKE per row); the pusher's own rows are told by the
--    writer setting alone. The same tests, the cheap one first (OR is evaluated in order).
CREATE OR REPLACE FUNCTION ekn_dashboard_after_new() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    keys text[] := ARRAY(SELECT DISTINCT object_key FROM changed);
BEGIN
    IF cardinality(keys) > 0 THEN
        PERFORM ekn_dashboard_recount(keys);
    END IF;
    RETURN NULL;
END $$;

DROP POLICY office_tasks_read ON office_tasks;
CREATE POLICY office_tasks_read ON office_tasks FOR SELECT USING (
    ws = current_setting('ekn.writer', true)
    OR ekn_in_scope(district) OR owner_id = ekn_person()
    OR object_key IN (SELECT a.object_key FROM assignments a WHERE a.person_id = ekn_person()));
