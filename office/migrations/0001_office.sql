-- The office's database: its people (roles, districts, Argon2id password hashes), their sessions,
-- the enrolled workstations (each bound to a person and to the ed25519 key that signs its
-- journal's checkpoints), every journal entry they pushed in one global order equal to commit
-- order, the conflicts found between them, the tasks as the dashboards count them, and the
-- hash-chained log of who looked at whom.
--
-- Run as the owner (`ekn-office migrate`, a role that owns the database and is not a superuser);
-- the server then connects as the login role `ekn_office_app`, which owns nothing and has exactly
-- the grants below, so row-level security (FORCE) holds on the tables with personal data even for
-- a bug in the server's own queries. The administrator makes both roles (docs/OFFICE.md): the
-- owner needs no right to create roles.

DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ekn_office_app') THEN
        RAISE EXCEPTION 'the role ekn_office_app, which the server connects as, does not exist: create it first (sudo -u postgres createuser ekn_office_app; docs/OFFICE.md)';
    END IF;
    IF current_user = 'ekn_office_app' THEN
        RAISE EXCEPTION 'migrate as the database''s owner, not as ekn_office_app (the role the server connects as)';
    END IF;
END $$;
GRANT USAGE ON SCHEMA public TO ekn_office_app;

-- The office's own ed25519 key: it cosigns the workstations' checkpoints it witnessed.
CREATE TABLE office_key (
    id          integer PRIMARY KEY CHECK (id = 1),
    secret      bytea NOT NULL,
    public_hex  text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
GRANT SELECT ON office_key TO ekn_office_app;

CREATE TABLE people (
    id              bigserial PRIMARY KEY,
    name            text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
    role            text NOT NULL CHECK (role IN ('prosecutor', 'supervisor', 'analyst', 'admin')),
    -- KATO prefixes: '1910' holds every code that begins with it; '*' holds all.
    districts       text[] NOT NULL,
    password_hash   text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    blocked_at      timestamptz,
    blocked_reason  text
);
GRANT SELECT, INSERT, UPDATE ON people TO ekn_office_app;
GRANT USAGE ON SEQUENCE people_id_seq TO ekn_office_app;

-- Opaque bearer tokens: only their SHA-256 is kept; idle and absolute expiry, revocable at once.
CREATE TABLE sessions (
    token_sha256  text PRIMARY KEY,
    person_id     bigint NOT NULL REFERENCES people(id),
    created_at    timestamptz NOT NULL,
    last_seen     timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL,
    revoked_at    timestamptz
);
GRANT SELECT, INSERT, UPDATE ON sessions TO ekn_office_app;

-- An enrolled workstation: whose it is, its key, the epoch it was admitted in, and how far the
-- office holds its journal (the last entry's sequence and hash, the Merkle frontier over them).
CREATE TABLE workstations (
    id               text PRIMARY KEY,
    person_id        bigint NOT NULL REFERENCES people(id),
    name             text NOT NULL,
    public_key       text NOT NULL UNIQUE,
    epoch            text NOT NULL,
    last_seq         bigint NOT NULL DEFAULT 0,
    last_hash        text NOT NULL,
    frontier         text[] NOT NULL DEFAULT '{}',
    witnessed_size   bigint NOT NULL DEFAULT 0,
    witnessed_root   text,
    -- Set when a push was refused as a fork: the workstation syncs no more until an administrator acts.
    blocked_reason   text,
    -- An administrator re-admitted a restored database: its next push may begin a new stream
    -- under this epoch from the last entry both share.
    readmit_epoch    text,
    enrolled_at      timestamptz NOT NULL DEFAULT now(),
    last_push_at     timestamptz,
    last_pull_at     timestamptz
);
GRANT SELECT, INSERT, UPDATE ON workstations TO ekn_office_app;

-- The global order: one counter row taken in the pushing transaction, so a number becomes
-- visible only with its commit and a puller's cursor never skips a late-committing event (a
-- bigserial would: it is taken at INSERT and seen at COMMIT).
CREATE TABLE sync_head (
    id    integer PRIMARY KEY CHECK (id = 1),
    last  bigint NOT NULL
);
INSERT INTO sync_head VALUES (1, 0);
GRANT SELECT, UPDATE ON sync_head TO ekn_office_app;

-- Every entry every workstation pushed, as its chain holds it.
CREATE TABLE events (
    global_seq   bigint PRIMARY KEY,
    ws           text NOT NULL REFERENCES workstations(id),
    epoch        text NOT NULL,
    seq          bigint NOT NULL,
    person_id    bigint NOT NULL REFERENCES people(id),
    object_key   text,
    district     text,
    base_global  bigint NOT NULL,
    kind         text NOT NULL,
    entry        jsonb NOT NULL,
    task         jsonb,
    hash         text NOT NULL,
    -- A re-admitted restored database began a new stream from an earlier entry: the old
    -- stream's later entries stay, marked with the epoch that superseded them.
    superseded_by text,
    received_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (ws, epoch, seq)
);
CREATE INDEX events_object ON events(object_key) WHERE object_key IS NOT NULL;
CREATE INDEX events_ws_seq ON events(ws, seq);
GRANT SELECT, INSERT ON events TO ekn_office_app;
GRANT UPDATE (superseded_by) ON events TO ekn_office_app;

-- Where each object lives (its KATO district), without its content: lets the office answer a
-- request for an object outside the caller's scope with 403 (and log it) rather than pretend it
-- does not exist, without letting row-level security be bypassed to find out.
CREATE TABLE object_districts (
    object_key  text PRIMARY KEY,
    district    text
);
GRANT SELECT, INSERT, UPDATE ON object_districts TO ekn_office_app;

-- Who may be assigned what: a supervisor's assignment of a task or an appeal to a person.
CREATE TABLE assignments (
    object_key   text PRIMARY KEY,
    -- Taken from sync_head like an entry's: pulled in the same order, never passed over.
    global_seq   bigint NOT NULL,
    person_id    bigint NOT NULL REFERENCES people(id),
    assigned_by  bigint NOT NULL REFERENCES people(id),
    reason       text NOT NULL,
    at           timestamptz NOT NULL
);
GRANT SELECT, INSERT, UPDATE ON assignments TO ekn_office_app;
CREATE INDEX assignments_global ON assignments(global_seq);

-- The tasks as the office counts them: the state each workstation last pushed, plus the
-- assignee the office gave and the effective due date while a conflict is open (the earlier).
CREATE TABLE office_tasks (
    object_key     text PRIMARY KEY,
    ws             text NOT NULL REFERENCES workstations(id),
    owner_id       bigint NOT NULL REFERENCES people(id),
    district       text,
    state          jsonb NOT NULL,
    current_due    date NOT NULL,
    status         text NOT NULL,
    effective_due  date NOT NULL,
    updated_global bigint NOT NULL
);
CREATE INDEX office_tasks_district ON office_tasks(district);
GRANT SELECT, INSERT, UPDATE ON office_tasks TO ekn_office_app;

-- Two writes on one object that did not see each other: both kept, flagged for a supervisor.
CREATE TABLE conflicts (
    id            bigserial PRIMARY KEY,
    object_key    text NOT NULL,
    district      text,
    events        bigint[] NOT NULL,
    opened_at     timestamptz NOT NULL DEFAULT now(),
    resolved_at   timestamptz,
    resolved_by   bigint REFERENCES people(id),
    chosen        bigint,
    reason        text
);
CREATE INDEX conflicts_open ON conflicts(object_key) WHERE resolved_at IS NULL;
GRANT SELECT, INSERT, UPDATE ON conflicts TO ekn_office_app;
GRANT USAGE ON SEQUENCE conflicts_id_seq TO ekn_office_app;

-- What the office refused and why (a fork, an unknown epoch): an administrator's to-do list.
CREATE TABLE incidents (
    id          bigserial PRIMARY KEY,
    ws          text REFERENCES workstations(id),
    kind        text NOT NULL,
    detail      text NOT NULL,
    at          timestamptz NOT NULL DEFAULT now()
);
GRANT SELECT, INSERT ON incidents TO ekn_office_app;
GRANT USAGE ON SEQUENCE incidents_id_seq TO ekn_office_app;

-- Who looked at whom: every opening of a card, an appeal card or an evidence package, every
-- search and export, every refusal, and every reading of this log; hash-chained like the journal.
CREATE TABLE access_head (
    id         integer PRIMARY KEY CHECK (id = 1),
    last_seq   bigint NOT NULL,
    last_hash  text NOT NULL
);
INSERT INTO access_head VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
GRANT SELECT, UPDATE ON access_head TO ekn_office_app;

CREATE TABLE access_log (
    seq          bigint PRIMARY KEY,
    at           timestamptz NOT NULL,
    person_id    bigint NOT NULL REFERENCES people(id),
    person       text NOT NULL,
    role         text NOT NULL,
    action       text NOT NULL CHECK (action IN ('card', 'appeal', 'package', 'search', 'export', 'access_log', 'dashboard', 'conflicts')),
    subject      text,
    district     text,
    outcome      text NOT NULL CHECK (outcome IN ('allowed', 'refused', 'not_found')),
    -- A read made on a workstation (offline, queued) names it and its own number for the read.
    ws           text,
    local_id     bigint,
    detail       text,
    prev_hash    text NOT NULL,
    hash         text NOT NULL
);
CREATE INDEX access_log_subject ON access_log(subject);
-- The workstations' queued reads already logged, by their own numbers (no personal data, so no
-- row-level security: the append checks here whether a read sent again was logged before).
CREATE TABLE access_received (
    ws        text NOT NULL,
    local_id  bigint NOT NULL,
    PRIMARY KEY (ws, local_id)
);
GRANT SELECT, INSERT ON access_received TO ekn_office_app;
CREATE INDEX access_log_person ON access_log(person_id);
GRANT SELECT, INSERT ON access_log TO ekn_office_app;

-- Append-only: nothing pushed or logged is ever edited or removed behind the chain's back.
CREATE FUNCTION ekn_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END $$;
CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON access_log
    FOR EACH ROW EXECUTE FUNCTION ekn_append_only();
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION ekn_append_only();
CREATE FUNCTION ekn_events_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.global_seq IS DISTINCT FROM OLD.global_seq OR NEW.entry IS DISTINCT FROM OLD.entry
       OR NEW.hash IS DISTINCT FROM OLD.hash OR NEW.seq IS DISTINCT FROM OLD.seq
       OR NEW.ws IS DISTINCT FROM OLD.ws OR NEW.epoch IS DISTINCT FROM OLD.epoch THEN
        RAISE EXCEPTION 'events are append-only (only superseded_by may be set)';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER events_guard BEFORE UPDATE ON events FOR EACH ROW EXECUTE FUNCTION ekn_events_guard();

-- Row-level security on the tables with personal data. The server sets, per transaction,
-- `ekn.districts` (the caller's KATO prefixes, comma-separated), `ekn.person` (their id) and
-- `ekn.writer` (the workstation whose push this is). No setting: no rows (fails closed).
CREATE FUNCTION ekn_in_scope(district text) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT district IS NOT NULL AND EXISTS (
        SELECT 1 FROM unnest(string_to_array(coalesce(current_setting('ekn.districts', true), ''), ',')) AS p
        WHERE p = '*' OR (p <> '' AND district LIKE p || '%'))
$$;
CREATE FUNCTION ekn_person() RETURNS bigint LANGUAGE sql STABLE AS $$
    SELECT nullif(coalesce(current_setting('ekn.person', true), ''), '')::bigint
$$;

ALTER TABLE events ENABLE ROW LEVEL SECURITY;
ALTER TABLE events FORCE ROW LEVEL SECURITY;
CREATE POLICY events_read ON events FOR SELECT USING (
    ekn_in_scope(district) OR person_id = ekn_person()
    OR object_key IN (SELECT a.object_key FROM assignments a WHERE a.person_id = ekn_person()));
CREATE POLICY events_insert ON events FOR INSERT WITH CHECK (ws = current_setting('ekn.writer', true));
CREATE POLICY events_supersede ON events FOR UPDATE USING (ws = current_setting('ekn.writer', true));

ALTER TABLE office_tasks ENABLE ROW LEVEL SECURITY;
ALTER TABLE office_tasks FORCE ROW LEVEL SECURITY;
CREATE POLICY office_tasks_read ON office_tasks FOR SELECT USING (
    ekn_in_scope(district) OR owner_id = ekn_person()
    OR object_key IN (SELECT a.object_key FROM assignments a WHERE a.person_id = ekn_person())
    OR ws = current_setting('ekn.writer', true));
CREATE POLICY office_tasks_write ON office_tasks FOR INSERT WITH CHECK (ws = current_setting('ekn.writer', true));
CREATE POLICY office_tasks_update ON office_tasks FOR UPDATE USING (
    ws = current_setting('ekn.writer', true) OR ekn_in_scope(district));

ALTER TABLE access_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE access_log FORCE ROW LEVEL SECURITY;
-- Everyone's reads are logged; only those whose scope covers the subject's district (a
-- supervisor, an administrator with '*') read the lines back.
CREATE POLICY access_log_insert ON access_log FOR INSERT WITH CHECK (person_id = ekn_person());
CREATE POLICY access_log_read ON access_log FOR SELECT USING (
    current_setting('ekn.audit', true) = 'on' AND (ekn_in_scope(district) OR district IS NULL));
