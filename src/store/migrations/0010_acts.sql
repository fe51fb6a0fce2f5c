-- Acts of response and evidence (issue 12). Each table is append-only, like the journal that
-- records every row: a correction is a new row, and the latest row for a key is in force.

-- Documents attached to an object. The bytes live content-addressed (SHA-256) in the files
-- directory beside the database; this row says whose, what it is called and why it is there.
CREATE TABLE attachments (
    id          INTEGER PRIMARY KEY,
    subject_id  INTEGER NOT NULL REFERENCES subjects(id),
    sha256      TEXT NOT NULL,
    file_name   TEXT NOT NULL,
    octets      INTEGER NOT NULL,
    note        TEXT,
    author      TEXT NOT NULL,
    at          TEXT NOT NULL,
    UNIQUE (subject_id, sha256)
);

-- A checklist item ticked (or unticked) for an object by a person, optionally pointing at the
-- attached document that satisfies it. The latest row per (object, item) is in force.
CREATE TABLE checklist_marks (
    id          INTEGER PRIMARY KEY,
    subject_id  INTEGER NOT NULL REFERENCES subjects(id),
    item        TEXT NOT NULL,
    ticked      INTEGER NOT NULL CHECK (ticked IN (0, 1)),
    document    TEXT,
    note        TEXT,
    author      TEXT NOT NULL,
    at          TEXT NOT NULL
);
CREATE INDEX checklist_marks_subject ON checklist_marks(subject_id, item, id);

-- An act recorded as issued: its kind, date, addressee (masked at the door: an answer's
-- addressee is a citizen), the requirements, the addressee's period from the norms catalog and
-- the control-of-execution task that follows it.
CREATE TABLE acts_issued (
    id              INTEGER PRIMARY KEY,
    subject_id      INTEGER NOT NULL REFERENCES subjects(id),
    kind            TEXT NOT NULL,
    number          TEXT,
    issued_on       TEXT NOT NULL,
    addressee       TEXT NOT NULL,
    requirements    TEXT NOT NULL,
    norm_id         TEXT,
    response_due    TEXT,
    control_task_id INTEGER REFERENCES tasks(id),
    document        TEXT,
    author          TEXT NOT NULL,
    at              TEXT NOT NULL
);
CREATE INDEX acts_issued_subject ON acts_issued(subject_id, id);

CREATE TRIGGER attachments_no_update BEFORE UPDATE ON attachments
BEGIN SELECT RAISE(ABORT, 'attachments is append-only'); END;
CREATE TRIGGER checklist_marks_no_update BEFORE UPDATE ON checklist_marks
BEGIN SELECT RAISE(ABORT, 'checklist_marks is append-only'); END;
CREATE TRIGGER checklist_marks_no_delete BEFORE DELETE ON checklist_marks
BEGIN SELECT RAISE(ABORT, 'checklist_marks is append-only'); END;
CREATE TRIGGER acts_issued_no_update BEFORE UPDATE ON acts_issued
BEGIN SELECT RAISE(ABORT, 'acts_issued is append-only'); END;
CREATE TRIGGER acts_issued_no_delete BEFORE DELETE ON acts_issued
BEGIN SELECT RAISE(ABORT, 'acts_issued is append-only'); END;
