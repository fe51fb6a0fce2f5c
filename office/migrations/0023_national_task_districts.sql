-- The national task counts by district too (issue 63): until now a task was published under its
-- region's code only (the dashboard's `region`), so the country's map could open a region into its
-- districts' appeals but not their deadlines. Each published count now also carries `place`, the
-- first four KATO digits of the district the office files the task under (the same `district` its
-- own dashboard's `by_district` reads): still counts without people, as every published row is.
--
-- Upgrade order for a deployed country: the national database first (national migration 0003 adds
-- the column there), then the offices. An office migrated first publishes a column the national
-- side lacks; its subscription's worker then stops with "missing replicated column" and resumes,
-- losing nothing, once the national side has it.

ALTER TABLE national_task_counts ADD COLUMN place text CHECK (place ~ '^[0-9]{4}$');

-- A district code as the maps name it: its first four digits, when it has four.
CREATE FUNCTION ekn_national_place(district text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN district ~ '^[0-9]{4}' THEN left(district, 4) END
$$;

-- The key the national side finds a row by, now with the district first.
CREATE FUNCTION ekn_national_task_cell(place text, region text, category text, status text, due date, done_on date)
    RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(place, '') || '#' || ekn_national_cell(region, category, status, due, done_on)
$$;

CREATE OR REPLACE FUNCTION ekn_national_count_out() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF ekn_region() IS NOT NULL THEN
        INSERT INTO national_task_counts AS c (region, cell, place, district, category, status, due, done_on, n)
            SELECT ekn_region(), ekn_national_task_cell(p.place, p.region, p.category, p.status, p.due, p.done_on),
                p.place, p.region, p.category, p.status, p.due, p.done_on, -count(*)
            FROM (SELECT ekn_national_place(d.district) AS place, d.* FROM counted d) p
            GROUP BY p.place, p.region, p.category, p.status, p.due, p.done_on ORDER BY 2
            ON CONFLICT (region, cell) DO UPDATE SET n = c.n + excluded.n;
    END IF;
    RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION ekn_national_count_in() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF ekn_region() IS NOT NULL THEN
        INSERT INTO national_task_counts AS c (region, cell, place, district, category, status, due, done_on, n)
            SELECT ekn_region(), ekn_national_task_cell(p.place, p.region, p.category, p.status, p.due, p.done_on),
                p.place, p.region, p.category, p.status, p.due, p.done_on, count(*)
            FROM (SELECT ekn_national_place(d.district) AS place, d.* FROM counted d) p
            GROUP BY p.place, p.region, p.category, p.status, p.due, p.done_on ORDER BY 2
            ON CONFLICT (region, cell) DO UPDATE SET n = c.n + excluded.n;
        DELETE FROM national_task_counts WHERE n = 0;
    END IF;
    RETURN NULL;
END $$;

-- The refill counts the tasks by district too (the rest as migration 0015 made it).
CREATE OR REPLACE FUNCTION ekn_national_refill() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    this_region text := ekn_region();
BEGIN
    DELETE FROM national_task_counts;
    DELETE FROM national_chain;
    DELETE FROM national_appeal_counts;
    DELETE FROM national_cosignatures;
    IF this_region IS NULL THEN
        RETURN;
    END IF;
    PERFORM set_config('ekn.dashboard', 'on', true);
    INSERT INTO national_task_counts(region, cell, place, district, category, status, due, done_on, n)
        SELECT this_region, ekn_national_task_cell(p.place, p.region, p.category, p.status, p.due, p.done_on),
            p.place, p.region, p.category, p.status, p.due, p.done_on, count(*)
        FROM (SELECT ekn_national_place(d.district) AS place, d.* FROM dashboard_tasks d) p
        GROUP BY p.place, p.region, p.category, p.status, p.due, p.done_on;
    PERFORM set_config('ekn.dashboard', '', true);
    PERFORM set_config('ekn.publishing', 'on', true);
    INSERT INTO national_chain(region, ws, epoch, seq, global_seq, prev_hash, hash)
        SELECT this_region, e.ws, e.epoch, e.seq, e.global_seq, e.entry->>'prev_hash', e.hash FROM events e;
    INSERT INTO national_appeal_counts(region, cell, district, category, month, n)
        SELECT this_region, ekn_national_appeal_cell(a.district, a.category, a.month), a.district, a.category,
            a.month, count(*)
        FROM office_appeal_cells a GROUP BY a.district, a.category, a.month;
    INSERT INTO national_cosignatures(region, ws, epoch, size, merkle_root, at, signature)
        SELECT this_region, c.ws, c.epoch, c.size, c.merkle_root, c.at, c.signature FROM office_cosignatures c;
    PERFORM set_config('ekn.publishing', '', true);
END $$;

-- An office already publishing re-keys its published counts by district now (a fresh one has
-- nothing to refill).
DO $$ BEGIN
    IF ekn_region() IS NOT NULL THEN
        PERFORM ekn_national_refill();
    END IF;
END $$;
