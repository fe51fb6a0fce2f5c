-- Enum columns on lookup tables instead of `CHECK (column IN (…))` (issue 60). SQLite cannot change
-- a CHECK in place, so every new value of a vocabulary (a task kind, a record kind, an outcome's
-- source) cost a rebuild of its table: eight so far (0008, 0009, 0017, 0023 twice, 0025, 0029,
-- 0031). With a vocabulary in a table of its own, a new value is one `INSERT` in a migration; the
-- column refers to it, and the references are enforced as every other one is (and checked before
-- each migration and each bulk import commits, store/journal.rs).
--
-- Each vocabulary is a table of names. Flags stay `CHECK (x IN (0, 1))`: 0 and 1 are a type, not a
-- list that grows. This is the last rebuild of these tables: each is made again with the same
-- columns in the same order, its rows copied with their ids (so the journal's table digests do not
-- move), then its indexes and the triggers that name it are created again as they were. The
-- triggers are dropped first because a rename re-reads every trigger in the schema, and two of
-- them look into tables rebuilt here.
CREATE TABLE id_kinds (name TEXT PRIMARY KEY) WITHOUT ROWID;
INSERT INTO id_kinds(name) VALUES ('bin'), ('iin');
CREATE TABLE appeal_outcomes (name TEXT PRIMARY KEY) WITHOUT ROWID;
INSERT INTO appeal_outcomes(name) VALUES ('satisfied'), ('refused'), ('explained');
CREATE TABLE risk_degrees (name TEXT PRIMARY KEY) WITHOUT ROWID;
INSERT INTO risk_degrees(name) VALUES ('high'), ('medium'), ('low');
CREATE TABLE norm_origins (name TEXT PRIMARY KEY) WITHOUT ROWID;
INSERT INTO norm_origins(name) VALUES ('shipped'), ('imported');
CREATE TABLE appeal_aspects (name TEXT PRIMARY KEY) WITHOUT ROWID;
INSERT INTO appeal_aspects(name) VALUES ('category'), ('priority'), ('route'), ('duplicate');
CREATE TABLE task_kinds (name TEXT PRIMARY KEY) WITHOUT ROWID;
INSERT INTO task_kinds(name) VALUES ('gather_information'), ('consider_appeal'), ('inspection_check'), ('issue_response'), ('control_execution'), ('follow_up'), ('forward_appeal');
CREATE TABLE period_units (name TEXT PRIMARY KEY) WITHOUT ROWID;
INSERT INTO period_units(name) VALUES ('working_days'), ('calendar_days'), ('months');
CREATE TABLE task_statuses (name TEXT PRIMARY KEY) WITHOUT ROWID;
INSERT INTO task_statuses(name) VALUES ('open'), ('done'), ('cancelled');
CREATE TABLE model_kinds (name TEXT PRIMARY KEY) WITHOUT ROWID;
INSERT INTO model_kinds(name) VALUES ('appeals_classifier'), ('risk_model');
CREATE TABLE review_targets (name TEXT PRIMARY KEY) WITHOUT ROWID;
INSERT INTO review_targets(name) VALUES ('anomaly'), ('risk');
CREATE TABLE review_actions (name TEXT PRIMARY KEY) WITHOUT ROWID;
INSERT INTO review_actions(name) VALUES ('dismissed'), ('restored'), ('override'), ('withdrawn');
CREATE TABLE vault_key_names (name TEXT PRIMARY KEY) WITHOUT ROWID;
INSERT INTO vault_key_names(name) VALUES ('pseudonyms'), ('signing');
CREATE TABLE connector_run_statuses (name TEXT PRIMARY KEY) WITHOUT ROWID;
INSERT INTO connector_run_statuses(name) VALUES ('staging'), ('published'), ('failed');
CREATE TABLE inspection_kinds (name TEXT PRIMARY KEY) WITHOUT ROWID;
INSERT INTO inspection_kinds(name) VALUES ('planned'), ('unplanned'), ('preventive_visit');
CREATE TABLE subject_sizes (name TEXT PRIMARY KEY) WITHOUT ROWID;
INSERT INTO subject_sizes(name) VALUES ('micro'), ('small'), ('medium'), ('large');
CREATE TABLE doc_read_states (name TEXT PRIMARY KEY) WITHOUT ROWID;
INSERT INTO doc_read_states(name) VALUES ('read'), ('partly'), ('not_a_document');
CREATE TABLE page_read_methods (name TEXT PRIMARY KEY) WITHOUT ROWID;
INSERT INTO page_read_methods(name) VALUES ('text'), ('ocr'), ('none');
CREATE TABLE fact_decisions (name TEXT PRIMARY KEY) WITHOUT ROWID;
INSERT INTO fact_decisions(name) VALUES ('confirmed'), ('rejected');
CREATE TABLE outcome_stages (name TEXT PRIMARY KEY) WITHOUT ROWID;
INSERT INTO outcome_stages(name) VALUES ('answer'), ('consideration'), ('court');
CREATE TABLE outcome_results (name TEXT PRIMARY KEY) WITHOUT ROWID;
INSERT INTO outcome_results(name) VALUES ('satisfied'), ('partly'), ('rejected'), ('withdrawn'), ('upheld'), ('overturned');
CREATE TABLE outcome_sources (name TEXT PRIMARY KEY) WITHOUT ROWID;
INSERT INTO outcome_sources(name) VALUES ('person'), ('document'), ('import');
CREATE TABLE import_kinds (name TEXT PRIMARY KEY) WITHOUT ROWID;
INSERT INTO import_kinds(name) VALUES ('inspections'), ('appeals'), ('risk'), ('acts');
CREATE TABLE theme_item_kinds (name TEXT PRIMARY KEY) WITHOUT ROWID;
INSERT INTO theme_item_kinds(name) VALUES ('appeal'), ('inspection'), ('object');
CREATE TABLE member_decisions (name TEXT PRIMARY KEY) WITHOUT ROWID;
INSERT INTO member_decisions(name) VALUES ('accepted'), ('rejected');
CREATE TABLE record_kinds (name TEXT PRIMARY KEY) WITHOUT ROWID;
INSERT INTO record_kinds(name) VALUES ('appeal'), ('attachment'), ('act'), ('theme_note');

DROP TRIGGER appeal_decisions_no_delete;
DROP TRIGGER analytic_reviews_no_update;
DROP TRIGGER analytic_reviews_no_delete;
DROP TRIGGER doc_fact_decisions_no_update;
DROP TRIGGER act_outcomes_no_update;
DROP TRIGGER act_outcomes_no_delete;
DROP TRIGGER theme_members_no_delete;
DROP TRIGGER appeal_decisions_no_update;
DROP TRIGGER theme_members_no_update;

CREATE TABLE subjects_rebuilt (
    id               INTEGER PRIMARY KEY,
    bin              TEXT NOT NULL UNIQUE,
    id_kind          TEXT NOT NULL REFERENCES id_kinds(name),
    name             TEXT,
    kato             TEXT,
    region_code      TEXT REFERENCES regions(code),
    oked             TEXT,
    oked_section     TEXT,
    facts_hash       INTEGER NOT NULL,
    first_import_id  INTEGER NOT NULL REFERENCES imports(id),
    last_import_id   INTEGER NOT NULL REFERENCES imports(id)
);
INSERT INTO subjects_rebuilt SELECT * FROM subjects;
DROP TABLE subjects;
ALTER TABLE subjects_rebuilt RENAME TO subjects;
CREATE INDEX subjects_region ON subjects(region_code);

CREATE TABLE appeals_rebuilt (
    id                   INTEGER PRIMARY KEY,
    appeal_no            TEXT NOT NULL UNIQUE,
    received             TEXT NOT NULL,
    channel              TEXT,
    applicant_category   TEXT,
    applicant_pseudonym  TEXT,
    subject_id           INTEGER REFERENCES subjects(id),
    kato                 TEXT,
    region_code          TEXT REFERENCES regions(code),
    text                 TEXT,
    text_fingerprint     INTEGER,
    category             TEXT,
    status               TEXT,
    decided              TEXT,
    outcome              TEXT REFERENCES appeal_outcomes(name),
    row_hash             INTEGER NOT NULL,
    first_import_id      INTEGER NOT NULL REFERENCES imports(id),
    last_import_id       INTEGER NOT NULL REFERENCES imports(id),
    source_line          INTEGER NOT NULL,
    masked TEXT,
    text_simhash INTEGER,
    applicant_office TEXT
);
INSERT INTO appeals_rebuilt SELECT * FROM appeals;
DROP TABLE appeals;
ALTER TABLE appeals_rebuilt RENAME TO appeals;
CREATE INDEX appeals_subject ON appeals(subject_id, received);
CREATE INDEX appeals_repeats ON appeals(applicant_pseudonym, text_fingerprint, received);
CREATE INDEX appeals_received ON appeals(received, region_code);
CREATE INDEX appeals_applicant ON appeals(applicant_pseudonym, received) WHERE applicant_pseudonym IS NOT NULL;

CREATE TABLE risk_scores_rebuilt (
    id               INTEGER PRIMARY KEY,
    subject_id       INTEGER NOT NULL REFERENCES subjects(id),
    model            TEXT NOT NULL,
    computed         TEXT NOT NULL,
    score            REAL NOT NULL CHECK (score >= 0 AND score <= 100),
    degree           TEXT NOT NULL REFERENCES risk_degrees(name),
    row_hash         INTEGER NOT NULL,
    first_import_id  INTEGER NOT NULL REFERENCES imports(id),
    last_import_id   INTEGER NOT NULL REFERENCES imports(id),
    source_line      INTEGER NOT NULL,
    UNIQUE (subject_id, model, computed)
);
INSERT INTO risk_scores_rebuilt SELECT * FROM risk_scores;
DROP TABLE risk_scores;
ALTER TABLE risk_scores_rebuilt RENAME TO risk_scores;

CREATE TABLE norm_versions_rebuilt (
    norm_id         TEXT NOT NULL,
    version         INTEGER NOT NULL CHECK (version >= 1),
    sha256          TEXT NOT NULL,
    document        TEXT NOT NULL,
    origin          TEXT NOT NULL REFERENCES norm_origins(name),
    catalog_sha256  TEXT NOT NULL,
    recorded_at     TEXT NOT NULL,
    PRIMARY KEY (norm_id, version)
) WITHOUT ROWID;
INSERT INTO norm_versions_rebuilt SELECT * FROM norm_versions;
DROP TABLE norm_versions;
ALTER TABLE norm_versions_rebuilt RENAME TO norm_versions;

CREATE TABLE appeal_decisions_rebuilt (
    id             INTEGER PRIMARY KEY,
    appeal_id      INTEGER NOT NULL REFERENCES appeals(id),
    aspect         TEXT NOT NULL REFERENCES appeal_aspects(name),
    value          TEXT,
    confidence     REAL,
    -- The model version (`appeals-v3`), rule set version (`priority-2026.1`) or `person`.
    basis          TEXT NOT NULL,
    inputs_sha256  TEXT NOT NULL,
    explanation    TEXT NOT NULL,
    decided_at     TEXT NOT NULL,
    author         TEXT NOT NULL,
    reason         TEXT
);
INSERT INTO appeal_decisions_rebuilt SELECT * FROM appeal_decisions;
DROP TABLE appeal_decisions;
ALTER TABLE appeal_decisions_rebuilt RENAME TO appeal_decisions;
CREATE INDEX appeal_decisions_appeal ON appeal_decisions(appeal_id, aspect, id);

CREATE TABLE tasks_rebuilt (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL REFERENCES task_kinds(name),
    title         TEXT NOT NULL,
    subject_id    INTEGER REFERENCES subjects(id),
    appeal_id     INTEGER REFERENCES appeals(id),
    assignee      TEXT NOT NULL,
    unit          TEXT NOT NULL,
    region_code   TEXT,
    category      TEXT,
    norm_id       TEXT,
    period_amount INTEGER NOT NULL CHECK (period_amount > 0),
    period_unit   TEXT NOT NULL REFERENCES period_units(name),
    event_date    TEXT NOT NULL,
    original_due  TEXT NOT NULL,
    current_due   TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'open' REFERENCES task_statuses(name),
    done_on       TEXT,
    note          TEXT,
    created_at    TEXT NOT NULL,
    norm_version TEXT,
    extension_decided TEXT,
    period_set_by_act INTEGER NOT NULL DEFAULT 0
);
INSERT INTO tasks_rebuilt SELECT * FROM tasks;
DROP TABLE tasks;
ALTER TABLE tasks_rebuilt RENAME TO tasks;
CREATE INDEX tasks_status_due ON tasks(status, current_due);
CREATE INDEX tasks_subject ON tasks(subject_id);
CREATE INDEX tasks_appeal ON tasks(appeal_id) WHERE appeal_id IS NOT NULL;

CREATE TABLE models_rebuilt (
    id             INTEGER PRIMARY KEY,
    kind           TEXT NOT NULL REFERENCES model_kinds(name),
    version        INTEGER NOT NULL,
    name           TEXT NOT NULL UNIQUE,
    created_at     TEXT NOT NULL,
    author         TEXT NOT NULL,
    data_file      TEXT NOT NULL,
    data_sha256    TEXT NOT NULL,
    texts          INTEGER NOT NULL,
    classes        TEXT NOT NULL,
    params         TEXT NOT NULL,
    metrics        TEXT NOT NULL,
    temperature    REAL NOT NULL,
    c              REAL NOT NULL,
    char_weight    REAL NOT NULL,
    arrays         BLOB NOT NULL,
    arrays_sha256  TEXT NOT NULL,
    UNIQUE (kind, version)
);
INSERT INTO models_rebuilt SELECT * FROM models;
DROP TABLE models;
ALTER TABLE models_rebuilt RENAME TO models;

CREATE TABLE analytic_reviews_rebuilt (
    id          INTEGER PRIMARY KEY,
    target      TEXT NOT NULL REFERENCES review_targets(name),
    key         TEXT NOT NULL,
    action      TEXT NOT NULL REFERENCES review_actions(name),
    value       TEXT,
    basis       TEXT,
    reason      TEXT NOT NULL,
    author      TEXT NOT NULL,
    at          TEXT NOT NULL
);
INSERT INTO analytic_reviews_rebuilt SELECT * FROM analytic_reviews;
DROP TABLE analytic_reviews;
ALTER TABLE analytic_reviews_rebuilt RENAME TO analytic_reviews;
CREATE INDEX analytic_reviews_key ON analytic_reviews(target, key, id);

CREATE TABLE vault_keys_rebuilt (
    name TEXT PRIMARY KEY REFERENCES vault_key_names(name),
    key  BLOB NOT NULL CHECK (length(key) = 32)
);
INSERT INTO vault_keys_rebuilt SELECT * FROM vault_keys;
DROP TABLE vault_keys;
ALTER TABLE vault_keys_rebuilt RENAME TO vault_keys;

CREATE TABLE connector_runs_rebuilt (
    id           INTEGER PRIMARY KEY,
    connector    TEXT NOT NULL,
    started_at   TEXT NOT NULL,
    finished_at  TEXT,
    status       TEXT NOT NULL REFERENCES connector_run_statuses(name),
    version      TEXT NOT NULL,
    requests     INTEGER NOT NULL DEFAULT 0,
    retries      INTEGER NOT NULL DEFAULT 0,
    too_many     INTEGER NOT NULL DEFAULT 0,
    error_code   TEXT,
    error        TEXT,
    report       TEXT,
    -- A published file's validators (http-file): sent back next time, a 304 means unchanged.
    etag         TEXT,
    last_modified TEXT,
    modified_since TEXT,
    modified_upto TEXT
);
INSERT INTO connector_runs_rebuilt SELECT * FROM connector_runs;
DROP TABLE connector_runs;
ALTER TABLE connector_runs_rebuilt RENAME TO connector_runs;
CREATE INDEX connector_runs_by_connector ON connector_runs(connector, id);

CREATE TABLE inspections_rebuilt (
    id                INTEGER PRIMARY KEY,
    registry_no       TEXT NOT NULL UNIQUE,
    subject_id        INTEGER NOT NULL REFERENCES subjects(id),
    control_body_id   INTEGER NOT NULL REFERENCES control_bodies(id),
    kind              TEXT NOT NULL REFERENCES inspection_kinds(name),
    grounds           TEXT,
    start_date        TEXT NOT NULL,
    end_date          TEXT,
    kato              TEXT,
    region_code       TEXT REFERENCES regions(code),
    violations        INTEGER NOT NULL CHECK (violations >= 0),
    sanctions         TEXT,
    fine_tiyn         INTEGER,
    appealed          INTEGER CHECK (appealed IN (0, 1)),
    declared_illegal  INTEGER CHECK (declared_illegal IN (0, 1)),
    row_hash          INTEGER NOT NULL,
    first_import_id   INTEGER NOT NULL REFERENCES imports(id),
    last_import_id    INTEGER NOT NULL REFERENCES imports(id),
    source_line       INTEGER NOT NULL,
    subject_size TEXT REFERENCES subject_sizes(name)
);
INSERT INTO inspections_rebuilt SELECT * FROM inspections;
DROP TABLE inspections;
ALTER TABLE inspections_rebuilt RENAME TO inspections;
CREATE INDEX inspections_subject ON inspections(subject_id, start_date);

CREATE TABLE doc_reads_rebuilt (
    id             INTEGER PRIMARY KEY,
    sha256         TEXT NOT NULL,
    format         TEXT NOT NULL,
    state          TEXT NOT NULL REFERENCES doc_read_states(name),
    why            TEXT NOT NULL,
    engine         TEXT NOT NULL,
    rules_version  TEXT NOT NULL,
    pages          INTEGER NOT NULL,
    author         TEXT NOT NULL,
    at             TEXT NOT NULL
);
INSERT INTO doc_reads_rebuilt SELECT * FROM doc_reads;
DROP TABLE doc_reads;
ALTER TABLE doc_reads_rebuilt RENAME TO doc_reads;
CREATE INDEX doc_reads_sha256 ON doc_reads(sha256, id);

CREATE TABLE doc_pages_rebuilt (
    id       INTEGER PRIMARY KEY,
    read_id  INTEGER NOT NULL REFERENCES doc_reads(id),
    page     INTEGER NOT NULL,
    method   TEXT NOT NULL REFERENCES page_read_methods(name),
    quality  REAL NOT NULL,
    why      TEXT NOT NULL,
    text     TEXT NOT NULL,
    words    TEXT NOT NULL,
    UNIQUE (read_id, page)
);
INSERT INTO doc_pages_rebuilt SELECT * FROM doc_pages;
DROP TABLE doc_pages;
ALTER TABLE doc_pages_rebuilt RENAME TO doc_pages;

CREATE TABLE doc_fact_decisions_rebuilt (
    id          INTEGER PRIMARY KEY,
    subject_id  INTEGER NOT NULL REFERENCES subjects(id),
    fact_id     INTEGER NOT NULL REFERENCES doc_facts(id),
    status      TEXT NOT NULL REFERENCES fact_decisions(name),
    value       TEXT,
    corrected   INTEGER NOT NULL DEFAULT 0,
    reason      TEXT,
    author      TEXT NOT NULL,
    at          TEXT NOT NULL
);
INSERT INTO doc_fact_decisions_rebuilt SELECT * FROM doc_fact_decisions;
DROP TABLE doc_fact_decisions;
ALTER TABLE doc_fact_decisions_rebuilt RENAME TO doc_fact_decisions;
CREATE INDEX doc_fact_decisions_subject ON doc_fact_decisions(subject_id, fact_id, id);

CREATE TABLE act_outcomes_rebuilt (
    id              INTEGER PRIMARY KEY,
    act_id          INTEGER NOT NULL REFERENCES acts_issued(id),
    stage           TEXT NOT NULL REFERENCES outcome_stages(name),
    result          TEXT NOT NULL REFERENCES outcome_results(name),
    on_date         TEXT NOT NULL,
    disciplined     INTEGER CHECK (disciplined >= 0),
    admin_cases     INTEGER CHECK (admin_cases >= 0),
    restored_tiyn   INTEGER CHECK (restored_tiyn >= 0),
    eliminated      INTEGER CHECK (eliminated IN (0, 1)),
    document        TEXT,
    source          TEXT NOT NULL REFERENCES outcome_sources(name),
    author          TEXT NOT NULL,
    at              TEXT NOT NULL,
    import_id       INTEGER REFERENCES imports(id),
    source_line     INTEGER,
    formal_defect INTEGER CHECK (formal_defect IN (0, 1))
);
INSERT INTO act_outcomes_rebuilt SELECT * FROM act_outcomes;
DROP TABLE act_outcomes;
ALTER TABLE act_outcomes_rebuilt RENAME TO act_outcomes;
CREATE INDEX act_outcomes_act ON act_outcomes(act_id, id);

CREATE TABLE imports_rebuilt (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL REFERENCES import_kinds(name),
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
INSERT INTO imports_rebuilt SELECT * FROM imports;
DROP TABLE imports;
ALTER TABLE imports_rebuilt RENAME TO imports;

CREATE TABLE theme_members_rebuilt (
    id           INTEGER PRIMARY KEY,
    theme        TEXT NOT NULL,
    item_kind    TEXT NOT NULL REFERENCES theme_item_kinds(name),
    item_key     TEXT NOT NULL CHECK (length(item_key) BETWEEN 1 AND 200),
    decision     TEXT NOT NULL REFERENCES member_decisions(name),
    reason       TEXT,
    seen_import  INTEGER NOT NULL,
    author       TEXT NOT NULL,
    at           TEXT NOT NULL
);
INSERT INTO theme_members_rebuilt SELECT * FROM theme_members;
DROP TABLE theme_members;
ALTER TABLE theme_members_rebuilt RENAME TO theme_members;
CREATE INDEX theme_members_item ON theme_members(theme, item_kind, item_key, id);
CREATE INDEX theme_members_appeal ON theme_members(item_kind, item_key);

CREATE TABLE destroyed_records_rebuilt (
    record_kind     TEXT NOT NULL REFERENCES record_kinds(name),
    record_key      TEXT NOT NULL,
    rule_id         TEXT NOT NULL,
    destruction_id  INTEGER NOT NULL REFERENCES destructions(id),
    PRIMARY KEY (record_kind, record_key)
) WITHOUT ROWID;
INSERT INTO destroyed_records_rebuilt SELECT * FROM destroyed_records;
DROP TABLE destroyed_records;
ALTER TABLE destroyed_records_rebuilt RENAME TO destroyed_records;

CREATE TRIGGER appeal_decisions_no_delete BEFORE DELETE ON appeal_decisions
BEGIN SELECT RAISE(ABORT, 'appeal_decisions is append-only'); END;
CREATE TRIGGER analytic_reviews_no_update BEFORE UPDATE ON analytic_reviews
BEGIN SELECT RAISE(ABORT, 'analytic_reviews is append-only'); END;
CREATE TRIGGER analytic_reviews_no_delete BEFORE DELETE ON analytic_reviews
BEGIN SELECT RAISE(ABORT, 'analytic_reviews is append-only'); END;
CREATE TRIGGER doc_fact_decisions_no_update BEFORE UPDATE ON doc_fact_decisions
BEGIN SELECT RAISE(ABORT, 'doc_fact_decisions is append-only'); END;
CREATE TRIGGER act_outcomes_no_update BEFORE UPDATE ON act_outcomes
BEGIN SELECT RAISE(ABORT, 'act_outcomes is append-only'); END;
CREATE TRIGGER act_outcomes_no_delete BEFORE DELETE ON act_outcomes
WHEN NOT EXISTS (SELECT 1 FROM act_destructions x WHERE x.act_id = OLD.act_id)
BEGIN SELECT RAISE(ABORT, 'act_outcomes is append-only'); END;
CREATE TRIGGER theme_members_no_delete BEFORE DELETE ON theme_members
BEGIN SELECT RAISE(ABORT, 'theme_members is append-only'); END;
CREATE TRIGGER appeal_decisions_no_update BEFORE UPDATE ON appeal_decisions
WHEN NOT (NEW.explanation = '{"destroyed":true}' AND NEW.reason IS NULL
          AND NEW.id = OLD.id AND NEW.appeal_id = OLD.appeal_id AND NEW.aspect = OLD.aspect
          AND NEW.value IS OLD.value AND NEW.confidence IS OLD.confidence AND NEW.basis = OLD.basis
          AND NEW.inputs_sha256 = OLD.inputs_sha256 AND NEW.decided_at = OLD.decided_at
          AND NEW.author = OLD.author
          AND EXISTS (SELECT 1 FROM appeals a JOIN destroyed_records d
                        ON d.record_kind = 'appeal' AND d.record_key = a.appeal_no
                      WHERE a.id = OLD.appeal_id))
BEGIN SELECT RAISE(ABORT, 'appeal_decisions is append-only'); END;
CREATE TRIGGER theme_members_no_update BEFORE UPDATE ON theme_members
WHEN NOT (NEW.reason IS NULL AND OLD.item_kind = 'appeal'
          AND NEW.id = OLD.id AND NEW.theme = OLD.theme AND NEW.item_kind = OLD.item_kind
          AND NEW.item_key = OLD.item_key AND NEW.decision = OLD.decision
          AND NEW.seen_import = OLD.seen_import AND NEW.author = OLD.author AND NEW.at = OLD.at
          AND EXISTS (SELECT 1 FROM destroyed_records d
                      WHERE d.record_kind = 'appeal' AND d.record_key = OLD.item_key))
BEGIN SELECT RAISE(ABORT, 'theme_members is append-only'); END;
