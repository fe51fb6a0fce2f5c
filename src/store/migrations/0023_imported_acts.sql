-- Historical acts from a registry export (issue 39, `ekn import acts`): an act remembers the import
-- and line that brought it, the violation's category and the inspection that prompted it (each
-- absent for an act recorded by hand), so a re-import finds it by number and the analyses can
-- group by category and trigger. An outcome may come from an import too: `act_outcomes` is
-- rebuilt because SQLite cannot widen a CHECK in place (its rows are copied as they were; the
-- append-only triggers are made again).
ALTER TABLE acts_issued ADD COLUMN category TEXT;
ALTER TABLE acts_issued ADD COLUMN trigger_registry_no TEXT;
ALTER TABLE acts_issued ADD COLUMN import_id INTEGER REFERENCES imports(id);
ALTER TABLE acts_issued ADD COLUMN source_line INTEGER;
CREATE INDEX acts_issued_number ON acts_issued(number);

CREATE TABLE act_outcomes_v2 (
    id              INTEGER PRIMARY KEY,
    act_id          INTEGER NOT NULL REFERENCES acts_issued(id),
    stage           TEXT NOT NULL CHECK (stage IN ('answer', 'consideration', 'court')),
    result          TEXT NOT NULL CHECK (result IN ('satisfied', 'partly', 'rejected', 'withdrawn', 'upheld', 'overturned')),
    on_date         TEXT NOT NULL,
    disciplined     INTEGER CHECK (disciplined >= 0),
    admin_cases     INTEGER CHECK (admin_cases >= 0),
    restored_tiyn   INTEGER CHECK (restored_tiyn >= 0),
    eliminated      INTEGER CHECK (eliminated IN (0, 1)),
    document        TEXT,
    source          TEXT NOT NULL CHECK (source IN ('person', 'document', 'import')),
    author          TEXT NOT NULL,
    at              TEXT NOT NULL,
    import_id       INTEGER REFERENCES imports(id),
    source_line     INTEGER
);
INSERT INTO act_outcomes_v2(id, act_id, stage, result, on_date, disciplined, admin_cases, restored_tiyn, eliminated,
                            document, source, author, at)
    SELECT id, act_id, stage, result, on_date, disciplined, admin_cases, restored_tiyn, eliminated,
           document, source, author, at FROM act_outcomes;
DROP TABLE act_outcomes;
ALTER TABLE act_outcomes_v2 RENAME TO act_outcomes;
CREATE INDEX act_outcomes_act ON act_outcomes(act_id, id);

CREATE TRIGGER act_outcomes_no_update BEFORE UPDATE ON act_outcomes
BEGIN SELECT RAISE(ABORT, 'act_outcomes is append-only'); END;
CREATE TRIGGER act_outcomes_no_delete BEFORE DELETE ON act_outcomes
BEGIN SELECT RAISE(ABORT, 'act_outcomes is append-only'); END;

-- An import may now be of acts. `imports` is rebuilt for its CHECK the same way (the migration
-- runs with references off and checked after, store::migrate); ids and rows are kept.
CREATE TABLE imports_v2 (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('inspections', 'appeals', 'risk', 'acts')),
    file_name     TEXT NOT NULL,
    sha256        TEXT NOT NULL,
    size_bytes    INTEGER NOT NULL,
    format        TEXT NOT NULL,
    source        TEXT NOT NULL,
    started_at    TEXT NOT NULL,
    finished_at   TEXT,
    rows_read     INTEGER NOT NULL DEFAULT 0,
    inserted      INTEGER NOT NULL DEFAULT 0,
    updated       INTEGER NOT NULL DEFAULT 0,
    unchanged     INTEGER NOT NULL DEFAULT 0,
    rejected      INTEGER NOT NULL DEFAULT 0,
    purpose       TEXT NOT NULL,
    legal_basis   TEXT NOT NULL,
    retention     TEXT NOT NULL,
    roles         TEXT NOT NULL,
    tool_version  TEXT NOT NULL
);
INSERT INTO imports_v2 SELECT * FROM imports;
DROP TABLE imports;
ALTER TABLE imports_v2 RENAME TO imports;
