-- The office's own journal (docs/OFFICE.md, "The office's journal"): what the office itself
-- decides or records on a person's word — a supervisor's assignment, an assignment by the routing
-- rule, a conflict resolved, an assignment withdrawn with a superseded stream — as append-only,
-- hash-chained entries, verified like a workstation's journal (`ekn-office journal --verify`). The
-- tables `assignments` and `conflicts` still hold the current state; the journal holds how it came
-- to be, and nobody can rewrite that unseen. Assignments and resolutions made before this
-- migration stay as rows of those tables (with their author, time and reason); the chain begins
-- with the first one after it.

CREATE TABLE office_journal_head (
    id         integer PRIMARY KEY CHECK (id = 1),
    last_seq   bigint NOT NULL,
    last_hash  text NOT NULL
);
INSERT INTO office_journal_head VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
GRANT SELECT, UPDATE ON office_journal_head TO ekn_office_app;

CREATE TABLE office_journal (
    seq          bigint PRIMARY KEY,
    at           timestamptz NOT NULL,
    -- Who decided: a person of the office, or none for the office's own rule.
    person_id    bigint REFERENCES people(id),
    person       text,
    kind         text NOT NULL CHECK (kind IN ('assigned', 'assigned_by_rule', 'conflict_resolved',
                                               'assignment_withdrawn')),
    object_key   text NOT NULL,
    district     text,
    -- The decision's number in the office's order (what workstations pull it as).
    global_seq   bigint NOT NULL,
    -- What was decided and why, as JSON text: hashed exactly as stored.
    detail       text NOT NULL,
    prev_hash    text NOT NULL,
    hash         text NOT NULL
);
CREATE INDEX office_journal_object ON office_journal(object_key);
CREATE TRIGGER office_journal_append_only BEFORE UPDATE OR DELETE ON office_journal
    FOR EACH ROW EXECUTE FUNCTION ekn_append_only();

-- A reason is free text about a case: read within the districts, by the person who decided, or by
-- an administrator for entries of no district; written under the deciding person's own scope.
ALTER TABLE office_journal ENABLE ROW LEVEL SECURITY;
ALTER TABLE office_journal FORCE ROW LEVEL SECURITY;
CREATE POLICY office_journal_read ON office_journal FOR SELECT USING (
    ekn_in_scope(district) OR person_id = ekn_person() OR (district IS NULL AND ekn_admin()));
CREATE POLICY office_journal_append ON office_journal FOR INSERT WITH CHECK (
    person_id IS NULL OR person_id = ekn_person());
GRANT SELECT, INSERT ON office_journal TO ekn_office_app;
