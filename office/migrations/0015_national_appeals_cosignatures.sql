-- Appeals in the national picture (issue 41; docs/NATIONAL.md): how many appeals a region holds by
-- district, category and month — counts, never an appeal. `office_appeal_cells` places each appeal
-- (by its number, once however many workstations hold it) in its cell: the district of its KATO
-- code (else the district the office placed it in), its category as the taxonomy's code, the month
-- it was received. The first workstation to hand an appeal over keeps its cell current. The
-- published `national_appeal_counts` follows it row by row, in the same transaction, once the
-- office knows its region.
CREATE TABLE office_appeal_cells (
    appeal_no  text PRIMARY KEY,
    ws         text NOT NULL REFERENCES workstations(id),
    district   text,
    category   text,
    month      date NOT NULL
);
ALTER TABLE office_appeal_cells ENABLE ROW LEVEL SECURITY;
ALTER TABLE office_appeal_cells FORCE ROW LEVEL SECURITY;
CREATE POLICY office_appeal_cells_read ON office_appeal_cells FOR SELECT USING (
    ekn_in_scope(district) OR ws = current_setting('ekn.writer', true));
CREATE POLICY office_appeal_cells_insert ON office_appeal_cells FOR INSERT
    WITH CHECK (ws = current_setting('ekn.writer', true));
CREATE POLICY office_appeal_cells_update ON office_appeal_cells FOR UPDATE
    USING (ws = current_setting('ekn.writer', true));
-- The refill counts every appeal, whatever its district.
CREATE POLICY office_appeal_cells_publish ON office_appeal_cells FOR SELECT
    USING (current_setting('ekn.publishing', true) = 'on');
GRANT SELECT, INSERT, UPDATE ON office_appeal_cells TO ekn_office_app;

CREATE TABLE national_appeal_counts (
    region    text NOT NULL,
    cell      text NOT NULL,
    district  text,
    category  text,
    month     date NOT NULL,
    n         bigint NOT NULL,
    PRIMARY KEY (region, cell)
);
GRANT SELECT, INSERT, UPDATE, DELETE ON national_appeal_counts TO ekn_office_app;

CREATE FUNCTION ekn_national_appeal_cell(district text, category text, month date) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$
    SELECT concat_ws('|', coalesce(district, ''), coalesce(category, ''), month::text)
$$;

-- One appeal leaving its cell is one less there, entering one is one more.
CREATE FUNCTION ekn_national_appeal_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF ekn_region() IS NULL THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE national_appeal_counts SET n = n - 1
            WHERE region = ekn_region() AND cell = ekn_national_appeal_cell(OLD.district, OLD.category, OLD.month);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO national_appeal_counts AS c (region, cell, district, category, month, n)
            VALUES (ekn_region(), ekn_national_appeal_cell(NEW.district, NEW.category, NEW.month), NEW.district,
                    NEW.category, NEW.month, 1)
            ON CONFLICT (region, cell) DO UPDATE SET n = c.n + 1;
    END IF;
    DELETE FROM national_appeal_counts WHERE n = 0;
    RETURN NULL;
END $$;
CREATE TRIGGER office_appeal_cells_published AFTER INSERT OR UPDATE OR DELETE ON office_appeal_cells
    FOR EACH ROW EXECUTE FUNCTION ekn_national_appeal_moved();

-- The office's cosignatures in the national picture (issue 41; docs/NATIONAL.md): each time the
-- office witnesses a workstation's signed checkpoint it cosigns the Merkle root of that many
-- entries; the office keeps every cosignature (`office_cosignatures`) and, once it knows its region,
-- publishes it (`national_cosignatures`: a pseudonymous workstation id, a size, a root, a time, a
-- signature — nothing personal). The national side checks each against the office key it pinned
-- when it attached the region and against the root of the published chain, so a region cannot
-- rewrite what its own office signed for without the national side seeing it.
CREATE TABLE office_cosignatures (
    ws           text NOT NULL REFERENCES workstations(id),
    epoch        text NOT NULL,
    size         bigint NOT NULL,
    merkle_root  text NOT NULL,
    at           text NOT NULL,
    signature    text NOT NULL,
    PRIMARY KEY (ws, size)
);
GRANT SELECT, INSERT ON office_cosignatures TO ekn_office_app;

CREATE TABLE national_cosignatures (
    region       text NOT NULL,
    ws           text NOT NULL,
    epoch        text NOT NULL,
    size         bigint NOT NULL,
    merkle_root  text NOT NULL,
    at           text NOT NULL,
    signature    text NOT NULL,
    PRIMARY KEY (region, ws, size)
);
GRANT SELECT, INSERT ON national_cosignatures TO ekn_office_app;

CREATE FUNCTION ekn_national_cosigned() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF ekn_region() IS NOT NULL THEN
        INSERT INTO national_cosignatures(region, ws, epoch, size, merkle_root, at, signature)
            SELECT ekn_region(), c.ws, c.epoch, c.size, c.merkle_root, c.at, c.signature FROM added c
            ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER office_cosignatures_published AFTER INSERT ON office_cosignatures REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION ekn_national_cosigned();

-- The refill (when the region is first set or changed) counts the appeals and copies the cosignatures too.
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
    INSERT INTO national_task_counts(region, cell, district, category, status, due, done_on, n)
        SELECT this_region, ekn_national_cell(d.region, d.category, d.status, d.due, d.done_on), d.region, d.category,
            d.status, d.due, d.done_on, count(*)
        FROM dashboard_tasks d GROUP BY d.region, d.category, d.status, d.due, d.done_on;
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

ALTER PUBLICATION ekn_national ADD TABLE national_appeal_counts, national_cosignatures;
