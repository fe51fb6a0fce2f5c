-- The workstation's link to its office: which office, as which enrolled person (from then on the
-- journal's author), its workstation id and the instance that, with the restore epoch, tells
-- this database apart from a copy or a restored backup; how far its journal was pushed and the
-- office's order pulled; the office's last cosignature of its checkpoint. One row, or none.
CREATE TABLE office_link (
    id               INTEGER PRIMARY KEY CHECK (id = 1),
    url              TEXT NOT NULL,
    workstation_id   TEXT NOT NULL,
    workstation_name TEXT NOT NULL,
    person           TEXT NOT NULL,
    role             TEXT NOT NULL,
    districts        TEXT NOT NULL,
    office_key       TEXT NOT NULL,
    instance         TEXT NOT NULL,
    joined_at        TEXT NOT NULL,
    pushed_through   INTEGER NOT NULL DEFAULT 0,
    pull_cursor      INTEGER NOT NULL DEFAULT 0,
    last_sync_at     TEXT,
    last_error       TEXT,
    cosignature      TEXT
);

-- Colleagues' journal entries pulled from the office, in its global order. They never enter this
-- database's own chain (which stays verifiable on its own); each keeps its author's chain hash.
CREATE TABLE remote_events (
    global_seq      INTEGER PRIMARY KEY,
    workstation_id  TEXT NOT NULL,
    epoch           TEXT NOT NULL,
    seq             INTEGER NOT NULL,
    author          TEXT NOT NULL,
    object_key      TEXT,
    district        TEXT,
    kind            TEXT NOT NULL,
    entry           TEXT NOT NULL,
    UNIQUE (workstation_id, epoch, seq)
);
CREATE INDEX remote_events_object ON remote_events(object_key) WHERE object_key IS NOT NULL;

-- Colleagues' tasks as their workstations last pushed them: the desk, the dashboard and
-- `ekn task show` read them beside this database's own.
CREATE TABLE remote_tasks (
    -- The workstation's own number for a colleague's task (shown negated beside its own tasks).
    id              INTEGER PRIMARY KEY,
    object_key      TEXT NOT NULL UNIQUE,
    owner           TEXT NOT NULL,
    district        TEXT,
    state           TEXT NOT NULL,
    updated_global  INTEGER NOT NULL
);

-- Work a supervisor assigned through the office, on this workstation's tasks or colleagues':
-- the office's record, pulled in its global order (a later assignment replaces an earlier one).
CREATE TABLE office_assignments (
    object_key   TEXT PRIMARY KEY,
    assigned_to  TEXT NOT NULL,
    assigned_by  TEXT NOT NULL,
    reason       TEXT NOT NULL,
    at           TEXT NOT NULL,
    global_seq   INTEGER NOT NULL
);

-- Reads the office must log (a card, an appeal card, an evidence package, a search, an export),
-- queued while offline and sent with the next sync; the office logs each once (by its id).
CREATE TABLE access_queue (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    action    TEXT NOT NULL,
    subject   TEXT,
    district  TEXT,
    sent      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX access_queue_unsent ON access_queue(id) WHERE sent = 0;
