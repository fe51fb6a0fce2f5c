-- The journal: one append-only, hash-chained history of every write — who (person and face),
-- when, what (a typed entry as JSON), what it concerns (object, appeal, task, record) and a digest
-- of the record's new state. Each entry's hash covers its fields and the previous entry's hash;
-- a signed checkpoint of the head lives outside this file (<db>.checkpoint). The old task_log
-- becomes a view of it (store::journal converts the rows of an older database on first open).
CREATE TABLE journal (
    seq           INTEGER PRIMARY KEY,
    at            TEXT NOT NULL,
    person        TEXT NOT NULL,
    face          TEXT NOT NULL,
    kind          TEXT NOT NULL,
    subject_bin   TEXT,
    appeal_no     TEXT,
    task_id       INTEGER,
    record        TEXT,
    state_digest  TEXT,
    old_due       TEXT,
    new_due       TEXT,
    detail        TEXT NOT NULL,
    payload       TEXT NOT NULL,
    prev_hash     TEXT NOT NULL,
    hash          TEXT NOT NULL
);
CREATE INDEX journal_subject ON journal(subject_bin) WHERE subject_bin IS NOT NULL;
CREATE INDEX journal_task ON journal(task_id) WHERE task_id IS NOT NULL;
CREATE INDEX journal_record ON journal(record) WHERE record IS NOT NULL;
CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
