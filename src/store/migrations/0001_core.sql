-- Core schema: provenance of imports, reference data, subjects, and the three registries.
-- Released migrations are never edited; add a new numbered file instead.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- One row per import run: what file, its SHA-256, where it came from, and the legal card
-- of the data set, so any row can be traced to the file that brought it.
CREATE TABLE imports (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('inspections', 'appeals', 'risk')),
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

CREATE TABLE regions (
    code     TEXT PRIMARY KEY,
    name_ru  TEXT NOT NULL,
    name_kk  TEXT NOT NULL,
    name_en  TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE control_bodies (
    id    INTEGER PRIMARY KEY,
    name  TEXT NOT NULL UNIQUE
);

-- Supervised objects: organisations (BIN) and individual entrepreneurs (IIN).
CREATE TABLE subjects (
    id               INTEGER PRIMARY KEY,
    bin              TEXT NOT NULL UNIQUE,
    id_kind          TEXT NOT NULL CHECK (id_kind IN ('bin', 'iin')),
    name             TEXT,
    kato             TEXT,
    region_code      TEXT REFERENCES regions(code),
    oked             TEXT,
    oked_section     TEXT,
    facts_hash       INTEGER NOT NULL,
    first_import_id  INTEGER NOT NULL REFERENCES imports(id),
    last_import_id   INTEGER NOT NULL REFERENCES imports(id)
);
CREATE INDEX subjects_region ON subjects(region_code);

CREATE TABLE inspections (
    id                INTEGER PRIMARY KEY,
    registry_no       TEXT NOT NULL UNIQUE,
    subject_id        INTEGER NOT NULL REFERENCES subjects(id),
    control_body_id   INTEGER NOT NULL REFERENCES control_bodies(id),
    kind              TEXT NOT NULL CHECK (kind IN ('planned', 'unplanned', 'preventive_visit')),
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
    source_line       INTEGER NOT NULL
);
CREATE INDEX inspections_subject ON inspections(subject_id, start_date);

-- Appeals carry no IIN: only a keyed pseudonym, and a text with personal markers masked.
CREATE TABLE appeals (
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
    outcome              TEXT CHECK (outcome IN ('satisfied', 'refused', 'explained')),
    row_hash             INTEGER NOT NULL,
    first_import_id      INTEGER NOT NULL REFERENCES imports(id),
    last_import_id       INTEGER NOT NULL REFERENCES imports(id),
    source_line          INTEGER NOT NULL
);
CREATE INDEX appeals_subject ON appeals(subject_id, received);
CREATE INDEX appeals_repeats ON appeals(applicant_pseudonym, text_fingerprint, received);

CREATE TABLE risk_scores (
    id               INTEGER PRIMARY KEY,
    subject_id       INTEGER NOT NULL REFERENCES subjects(id),
    model            TEXT NOT NULL,
    computed         TEXT NOT NULL,
    score            REAL NOT NULL CHECK (score >= 0 AND score <= 100),
    degree           TEXT NOT NULL CHECK (degree IN ('high', 'medium', 'low')),
    row_hash         INTEGER NOT NULL,
    first_import_id  INTEGER NOT NULL REFERENCES imports(id),
    last_import_id   INTEGER NOT NULL REFERENCES imports(id),
    source_line      INTEGER NOT NULL,
    UNIQUE (subject_id, model, computed)
);

CREATE TABLE risk_factors (
    risk_id   INTEGER NOT NULL REFERENCES risk_scores(id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    name      TEXT NOT NULL,
    value     REAL NOT NULL,
    PRIMARY KEY (risk_id, position)
) WITHOUT ROWID;

-- Full-text search. Contentless (the text lives once, in the tables above) with delete support,
-- fed by the store with ё folded to е. Names get a trigram index for substrings as you type;
-- appeal texts get word tokens with prefix queries.
CREATE VIRTUAL TABLE subjects_fts USING fts5(
    name, content='', contentless_delete=1, tokenize='trigram remove_diacritics 1'
);
CREATE VIRTUAL TABLE appeals_fts USING fts5(
    text, category, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2'
);
