-- The office decides where a pushed entry belongs, not the pusher (docs/OFFICE.md, "Placement").
--
-- Each workstation that holds a task keeps its own state of it: two prosecutors holding one
-- appeal's deadline are two rows, never one row the second must overwrite (which row-level
-- security refused, failing every push of the second workstation for ever).
ALTER TABLE office_tasks DROP CONSTRAINT office_tasks_pkey;
ALTER TABLE office_tasks ADD PRIMARY KEY (object_key, ws);
DROP POLICY office_tasks_update ON office_tasks;
CREATE POLICY office_tasks_update ON office_tasks FOR UPDATE USING (ws = current_setting('ekn.writer', true))
    WITH CHECK (ws = current_setting('ekn.writer', true));
-- A re-admitted restored database's ghost tasks are retracted (their creation was superseded).
CREATE POLICY office_tasks_delete ON office_tasks FOR DELETE USING (ws = current_setting('ekn.writer', true));
GRANT DELETE ON office_tasks TO ekn_office_app;

-- The office's view of a task: the newest state any of its holders pushed, one row per task, as
-- far as the reader's row-level security lets them see its holders.
CREATE VIEW office_task_view WITH (security_invoker = true) AS
    SELECT DISTINCT ON (object_key) object_key, ws, owner_id, district, state, current_due, status, effective_due,
        updated_global
    FROM office_tasks ORDER BY object_key, updated_global DESC;
GRANT SELECT ON office_task_view TO ekn_office_app;

-- Where an object's entries were placed: one row per district, each placed by a push whose
-- author's scope covers it. A card is refused (403) to a person who may see none of them, and
-- unknown (404) when there is none; no pusher can relabel where another's work lies.
DELETE FROM object_districts WHERE district IS NULL;
ALTER TABLE object_districts DROP CONSTRAINT object_districts_pkey;
ALTER TABLE object_districts ALTER COLUMN district SET NOT NULL;
ALTER TABLE object_districts ADD PRIMARY KEY (object_key, district);
DROP POLICY object_districts_update ON object_districts;

-- A conflict is seen by whoever may see one of its entries (two holders of one appeal's deadline
-- may be in different districts).
DROP POLICY conflicts_read ON conflicts;
CREATE POLICY conflicts_read ON conflicts FOR SELECT USING (
    ekn_in_scope(district) OR EXISTS (SELECT 1 FROM events e WHERE e.global_seq = ANY(conflicts.events)));
DROP POLICY conflicts_update ON conflicts;
CREATE POLICY conflicts_update ON conflicts FOR UPDATE USING (
    ekn_in_scope(district) OR district IS NULL OR EXISTS (SELECT 1 FROM events e WHERE e.global_seq = ANY(conflicts.events)));

-- How far each workstation has pulled the office's order (what a redaction notice has reached).
ALTER TABLE workstations ADD COLUMN pulled_through bigint NOT NULL DEFAULT 0;

-- A queued read is logged once per database epoch (a restored database numbers its reads again).
ALTER TABLE access_received ADD COLUMN epoch text NOT NULL DEFAULT '';
ALTER TABLE access_received DROP CONSTRAINT access_received_pkey;
ALTER TABLE access_received ADD PRIMARY KEY (ws, epoch, local_id);

-- A re-admitted restored database began a new stream: what the superseded part of the old one
-- made is retracted on the office and, by a notice in the office's order, on every replica — its
-- tasks' states go back to the last entry both histories share (or go, if the old stream made
-- them), and an assignment of a task the old stream made does not pass to the new task that
-- reuses its number (M5).
CREATE TABLE retractions (
    global_seq  bigint PRIMARY KEY,
    ws          text NOT NULL REFERENCES workstations(id),
    epoch       text NOT NULL,
    from_seq    bigint NOT NULL,
    -- [{"object_key": …, "state": TaskState or null}]: each task the superseded entries touched.
    tasks       jsonb NOT NULL,
    at          timestamptz NOT NULL DEFAULT now()
);
GRANT SELECT, INSERT ON retractions TO ekn_office_app;
GRANT DELETE ON assignments TO ekn_office_app;
CREATE POLICY assignments_delete ON assignments FOR DELETE USING (ekn_in_scope(district));

-- One workstation revoked (a stolen laptop), its person not blocked.
ALTER TABLE workstations ADD COLUMN revoked_at timestamptz, ADD COLUMN revoked_reason text;

-- A supervisor's resolution sets the date in force on every holder's state of the task (the
-- server marks that statement; the holders' own pushes change nothing else of each other's).
CREATE POLICY office_tasks_resolved ON office_tasks FOR UPDATE USING (current_setting('ekn.resolving', true) = 'on')
    WITH CHECK (current_setting('ekn.resolving', true) = 'on');

-- Nonces of signed requests seen in the last minutes: a request sent again is refused (kept in
-- the database, so a restarted server or a second one refuses it too). Forgotten past the window.
CREATE TABLE request_nonces (
    nonce    text PRIMARY KEY,
    ws       text NOT NULL,
    seen_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX request_nonces_seen ON request_nonces(seen_at);
GRANT SELECT, INSERT, DELETE ON request_nonces TO ekn_office_app;
