-- The national read-side (docs/NATIONAL.md): what a regional office publishes to the national
-- PostgreSQL by logical replication. Any subscriber can read all of a publication, so a published
-- table holds nothing personal at all: the dashboard's counts without people (district, category,
-- status, dates, how many), and each workstation's chain of hashes (pseudonymous workstation ids,
-- sequence numbers, hashes — no entry's content). No appeal text, masked or not, no personal field
-- of the journal, no access log, no name.
--
-- The tables fill once the office knows its region (`ekn-office national publish --region NN`,
-- run by the region's administrator as the owner): from then on every statement that stores tasks
-- or entries keeps them, in the same transaction.

CREATE TABLE office_region (
    id      integer PRIMARY KEY CHECK (id = 1),
    region  text CHECK (region ~ '^[0-9]{2}$')
);
INSERT INTO office_region VALUES (1, NULL);
GRANT SELECT ON office_region TO ekn_office_app;

CREATE FUNCTION ekn_region() RETURNS text LANGUAGE sql STABLE AS $$
    SELECT region FROM office_region WHERE id = 1
$$;

-- The dashboard's counts as the nation sees them: per region, district (the KATO the task concerns,
-- as the dashboard's overdue matrix reads it), category, status and dates.
-- `cell` joins the other columns (NULL as empty): the key the national side finds a row by.
CREATE TABLE national_task_counts (
    region    text NOT NULL,
    cell      text NOT NULL,
    district  text,
    category  text,
    status    text NOT NULL,
    due       date,
    done_on   date,
    n         bigint NOT NULL,
    PRIMARY KEY (region, cell)
);
CREATE INDEX national_task_counts_empty ON national_task_counts(n) WHERE n = 0;

-- Each workstation's chain as the office stored it: enough for the national side to re-check that
-- every entry follows the one before it, and never the entry itself.
CREATE TABLE national_chain (
    region      text NOT NULL,
    ws          text NOT NULL,
    epoch       text NOT NULL,
    seq         bigint NOT NULL,
    global_seq  bigint NOT NULL,
    prev_hash   text NOT NULL,
    hash        text NOT NULL,
    PRIMARY KEY (region, ws, epoch, seq)
);
GRANT SELECT, INSERT, UPDATE, DELETE ON national_task_counts TO ekn_office_app;
GRANT SELECT, INSERT ON national_chain TO ekn_office_app;

CREATE FUNCTION ekn_national_cell(district text, category text, status text, due date, done_on date)
    RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT concat_ws('|', coalesce(district, ''), coalesce(category, ''), status, coalesce(due::text, ''),
        coalesce(done_on::text, ''))
$$;

-- The national counts follow the dashboard's: every task's counted row leaving `dashboard_tasks`
-- (a recount takes it out) is one less, every row entering it one more — the same deltas, without
-- people, kept by the statements of `ekn_dashboard_recount` itself. (A transition table is seen only
-- by its trigger's own function, hence one function per direction.)
CREATE FUNCTION ekn_national_count_out() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF ekn_region() IS NOT NULL THEN
        INSERT INTO national_task_counts AS c (region, cell, district, category, status, due, done_on, n)
            SELECT ekn_region(), ekn_national_cell(d.region, d.category, d.status, d.due, d.done_on), d.region,
                d.category, d.status, d.due, d.done_on, -count(*)
            FROM counted d GROUP BY d.region, d.category, d.status, d.due, d.done_on ORDER BY 2
            ON CONFLICT (region, cell) DO UPDATE SET n = c.n + excluded.n;
    END IF;
    RETURN NULL;
END $$;
CREATE FUNCTION ekn_national_count_in() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF ekn_region() IS NOT NULL THEN
        INSERT INTO national_task_counts AS c (region, cell, district, category, status, due, done_on, n)
            SELECT ekn_region(), ekn_national_cell(d.region, d.category, d.status, d.due, d.done_on), d.region,
                d.category, d.status, d.due, d.done_on, count(*)
            FROM counted d GROUP BY d.region, d.category, d.status, d.due, d.done_on ORDER BY 2
            ON CONFLICT (region, cell) DO UPDATE SET n = c.n + excluded.n;
        DELETE FROM national_task_counts WHERE n = 0;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER dashboard_tasks_published_out AFTER DELETE ON dashboard_tasks REFERENCING OLD TABLE AS counted
    FOR EACH STATEMENT EXECUTE FUNCTION ekn_national_count_out();
CREATE TRIGGER dashboard_tasks_published_in AFTER INSERT ON dashboard_tasks REFERENCING NEW TABLE AS counted
    FOR EACH STATEMENT EXECUTE FUNCTION ekn_national_count_in();

-- Every entry stored joins its workstation's published chain.
CREATE FUNCTION ekn_national_chain_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF ekn_region() IS NOT NULL THEN
        INSERT INTO national_chain(region, ws, epoch, seq, global_seq, prev_hash, hash)
            SELECT ekn_region(), e.ws, e.epoch, e.seq, e.global_seq, e.entry->>'prev_hash', e.hash FROM added e
            ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER events_published AFTER INSERT ON events REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION ekn_national_chain_after_insert();

-- The refill reads every entry's place in its chain (never its content), whatever its district.
CREATE POLICY events_publish ON events FOR SELECT USING (current_setting('ekn.publishing', true) = 'on');

-- Fills the published tables from what the office holds (when the region is first set or changed).
CREATE FUNCTION ekn_national_refill() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    this_region text := ekn_region();
BEGIN
    DELETE FROM national_task_counts;
    DELETE FROM national_chain;
    IF this_region IS NULL THEN
        RETURN;
    END IF;
    PERFORM set_config('ekn.dashboard', 'on', true);
    INSERT INTO national_task_counts(region, cell, district, category, status, due, done_on, n)
        SELECT this_region, ekn_national_cell(d.region, d.category, d.status, d.due, d.done_on), d.region, d.category,
            d.status, d.due, d.done_on, count(*)
        FROM dashboard_tasks d GROUP BY d.region, d.category, d.status, d.due, d.done_on;
    PERFORM set_config('ekn.dashboard', '', true);
    PERFORM set_config('ekn.publishing', 'on', true);
    INSERT INTO national_chain(region, ws, epoch, seq, global_seq, prev_hash, hash)
        SELECT this_region, e.ws, e.epoch, e.seq, e.global_seq, e.entry->>'prev_hash', e.hash FROM events e;
    PERFORM set_config('ekn.publishing', '', true);
END $$;

-- What the national side subscribes to. Its reader (a role with REPLICATION, created by the
-- database's administrator) is granted SELECT on these two tables by `national publish`.
CREATE PUBLICATION ekn_national FOR TABLE national_task_counts, national_chain;
