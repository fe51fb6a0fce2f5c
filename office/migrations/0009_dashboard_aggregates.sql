-- The dashboard as aggregates (docs/OFFICE.md, "The dashboard"): the office keeps, beside its
-- tasks, how many tasks look alike to the dashboard — same district, holder, assignee, unit,
-- region, category, status, due date and date done — and the dashboard reads those counts, not a
-- million task states. The counts are kept by the statements that store tasks: every INSERT,
-- UPDATE or DELETE of `office_tasks` or `assignments` (a push, set-based or entry by entry, a
-- supervisor's resolution, a retraction, an assignment) recounts the tasks it touched in the same
-- transaction, so the figures can never lag or drift from the tasks they count.
--
-- What is counted is the office's view of a task (`office_task_view`): the newest state any holder
-- pushed, in that holder's district, with the person the office assigned it to.

-- What each task contributes now: the row to take back out of the counts when it changes.
CREATE TABLE dashboard_tasks (
    object_key   text PRIMARY KEY,
    ws           text NOT NULL,
    owner_id     bigint NOT NULL,
    assigned_id  bigint,
    district     text,
    assignee     text NOT NULL,
    unit         text NOT NULL,
    region       text,
    category     text,
    status       text NOT NULL,
    -- The date in force (the earlier one while a conflict is open); none for a cancelled task.
    due          date,
    -- Only for a task done.
    done_on      date
);

-- How many tasks share each combination: what the dashboard reads.
CREATE TABLE dashboard_counts (
    district     text,
    owner_id     bigint NOT NULL,
    assigned_id  bigint,
    ws           text NOT NULL,
    assignee     text NOT NULL,
    unit         text NOT NULL,
    region       text,
    category     text,
    status       text NOT NULL,
    due          date,
    done_on      date,
    n            bigint NOT NULL,
    UNIQUE NULLS NOT DISTINCT (district, owner_id, assigned_id, ws, assignee, unit, region, category, status, due,
        done_on)
);
-- Counts that fell to zero are swept after each recount; this finds them without a scan.
CREATE INDEX dashboard_counts_empty ON dashboard_counts(n) WHERE n = 0;
-- The dashboard reads open tasks and tasks done in the last 90 days; older done tasks stay counted
-- (the window moves) but are passed over by the index.
CREATE INDEX dashboard_counts_read ON dashboard_counts(status, done_on);

-- Who reads the counts: the same people who read the tasks (their districts, their own, what was
-- assigned to them). Written only while a recount runs (`ekn.dashboard`, set by the function
-- below for its own statements, like `ekn.resolving` for a resolution).
ALTER TABLE dashboard_counts ENABLE ROW LEVEL SECURITY;
ALTER TABLE dashboard_counts FORCE ROW LEVEL SECURITY;
CREATE POLICY dashboard_counts_read ON dashboard_counts FOR SELECT USING (
    ekn_in_scope(district) OR owner_id = ekn_person() OR assigned_id = ekn_person()
    OR current_setting('ekn.dashboard', true) = 'on');
CREATE POLICY dashboard_counts_write ON dashboard_counts FOR ALL USING (current_setting('ekn.dashboard', true) = 'on')
    WITH CHECK (current_setting('ekn.dashboard', true) = 'on');
ALTER TABLE dashboard_tasks ENABLE ROW LEVEL SECURITY;
ALTER TABLE dashboard_tasks FORCE ROW LEVEL SECURITY;
CREATE POLICY dashboard_tasks_recount ON dashboard_tasks FOR ALL USING (current_setting('ekn.dashboard', true) = 'on')
    WITH CHECK (current_setting('ekn.dashboard', true) = 'on');
GRANT SELECT, INSERT, UPDATE, DELETE ON dashboard_counts, dashboard_tasks TO ekn_office_app;

-- A recount reads every holder's state of the tasks it recounts, whoever's push touched them.
CREATE POLICY office_tasks_recount ON office_tasks FOR SELECT USING (current_setting('ekn.dashboard', true) = 'on');
CREATE POLICY assignments_recount ON assignments FOR SELECT USING (current_setting('ekn.dashboard', true) = 'on');

-- Recounts the tasks `keys` names: their old contributions out, their current ones in, empty
-- counts swept. Set-based: a push of 100,000 tasks is five statements. The counts are changed in
-- one order (sorted), so two transactions recounting overlapping groups wait rather than deadlock.
CREATE FUNCTION ekn_dashboard_recount(keys text[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    before text := current_setting('ekn.dashboard', true);
BEGIN
    -- For this function's own statements only (a function's SET clause on a custom setting needs a
    -- superuser to create it, and the owner is not one).
    PERFORM set_config('ekn.dashboard', 'on', true);
    INSERT INTO dashboard_counts AS c (district, owner_id, assigned_id, ws, assignee, unit, region, category, status,
            due, done_on, n)
        SELECT d.district, d.owner_id, d.assigned_id, d.ws, d.assignee, d.unit, d.region, d.category, d.status, d.due,
            d.done_on, -count(*)
        FROM dashboard_tasks d JOIN unnest(keys) k(object_key) USING (object_key)
        GROUP BY d.district, d.owner_id, d.assigned_id, d.ws, d.assignee, d.unit, d.region, d.category, d.status,
            d.due, d.done_on
        ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
        ON CONFLICT (district, owner_id, assigned_id, ws, assignee, unit, region, category, status, due, done_on)
        DO UPDATE SET n = c.n + excluded.n;
    DELETE FROM dashboard_tasks d USING unnest(keys) k(object_key) WHERE d.object_key = k.object_key;
    INSERT INTO dashboard_tasks
        SELECT DISTINCT ON (t.object_key) t.object_key, t.ws, t.owner_id, a.person_id, t.district,
            coalesce(t.state->>'assignee', ''), coalesce(t.state->>'unit', ''), t.state->>'region_code',
            coalesce(t.state->>'category', t.state->>'task_kind'), t.status,
            CASE WHEN t.status <> 'cancelled' THEN t.effective_due END,
            CASE WHEN t.status = 'done' THEN (t.state->>'done_on')::date END
        FROM office_tasks t JOIN (SELECT DISTINCT object_key FROM unnest(keys) k(object_key)) k USING (object_key)
        LEFT JOIN assignments a ON a.object_key = t.object_key
        ORDER BY t.object_key, t.updated_global DESC;
    INSERT INTO dashboard_counts AS c (district, owner_id, assigned_id, ws, assignee, unit, region, category, status,
            due, done_on, n)
        SELECT d.district, d.owner_id, d.assigned_id, d.ws, d.assignee, d.unit, d.region, d.category, d.status, d.due,
            d.done_on, count(*)
        FROM dashboard_tasks d JOIN (SELECT DISTINCT object_key FROM unnest(keys) k(object_key)) k USING (object_key)
        GROUP BY d.district, d.owner_id, d.assigned_id, d.ws, d.assignee, d.unit, d.region, d.category, d.status,
            d.due, d.done_on
        ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
        ON CONFLICT (district, owner_id, assigned_id, ws, assignee, unit, region, category, status, due, done_on)
        DO UPDATE SET n = c.n + excluded.n;
    DELETE FROM dashboard_counts WHERE n = 0;
    PERFORM set_config('ekn.dashboard', coalesce(before, ''), true);
END $$;
GRANT EXECUTE ON FUNCTION ekn_dashboard_recount(text[]) TO ekn_office_app;

-- The statements that change tasks or assignments recount what they touched, once per statement
-- (a transition table per kind of change: PostgreSQL allows one event per trigger that has one).
CREATE FUNCTION ekn_dashboard_after_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM ekn_dashboard_recount(ARRAY(SELECT DISTINCT object_key FROM changed));
    RETURN NULL;
END $$;
CREATE TRIGGER office_tasks_counted_insert AFTER INSERT ON office_tasks REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION ekn_dashboard_after_new();
-- An update recounts only the tasks whose counted look changed (status, dates, holder, district,
-- assignee, unit, region, category) or whose updated holder is not the one counted (it may now be
-- the newest): a push of notes on a thousand tasks changes no count and recounts none.
CREATE FUNCTION ekn_dashboard_after_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    before_setting text := current_setting('ekn.dashboard', true);
    keys text[];
BEGIN
    PERFORM set_config('ekn.dashboard', 'on', true);
    keys := ARRAY(
        SELECT DISTINCT n.object_key FROM changed n JOIN previous o ON o.object_key = n.object_key AND o.ws = n.ws
        WHERE (n.owner_id, n.district, n.status, n.effective_due, n.state->>'assignee', n.state->>'unit',
               n.state->>'region_code', n.state->>'category', n.state->>'task_kind', n.state->>'done_on')
              IS DISTINCT FROM
              (o.owner_id, o.district, o.status, o.effective_due, o.state->>'assignee', o.state->>'unit',
               o.state->>'region_code', o.state->>'category', o.state->>'task_kind', o.state->>'done_on')
           OR NOT EXISTS (SELECT 1 FROM dashboard_tasks d WHERE d.object_key = n.object_key AND d.ws = n.ws));
    PERFORM set_config('ekn.dashboard', coalesce(before_setting, ''), true);
    IF cardinality(keys) > 0 THEN
        PERFORM ekn_dashboard_recount(keys);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER office_tasks_counted_update AFTER UPDATE ON office_tasks
    REFERENCING OLD TABLE AS previous NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION ekn_dashboard_after_update();
CREATE TRIGGER office_tasks_counted_delete AFTER DELETE ON office_tasks REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION ekn_dashboard_after_new();
CREATE TRIGGER assignments_counted_insert AFTER INSERT ON assignments REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION ekn_dashboard_after_new();
CREATE TRIGGER assignments_counted_update AFTER UPDATE ON assignments REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION ekn_dashboard_after_new();
CREATE TRIGGER assignments_counted_delete AFTER DELETE ON assignments REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION ekn_dashboard_after_new();

-- The tasks already stored are counted once, now.
SELECT ekn_dashboard_recount(ARRAY(SELECT DISTINCT object_key FROM office_tasks));
