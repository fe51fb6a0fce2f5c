-- What ЭКН read from attached documents (issue 38). The text lives here, in the database (an
-- encrypted database keeps it encrypted), masked where it names a citizen; the document's bytes
-- stay in the encrypted files beside the database. Reads and facts are per content (SHA-256):
-- one scan attached to two objects is read once. A person's decision on a fact is per object.

-- One reading of a document: by which engines and rules, and what became of it. The latest row
-- per sha256 is in force; reading again after a rules or engine update adds a row.
CREATE TABLE doc_reads (
    id             INTEGER PRIMARY KEY,
    sha256         TEXT NOT NULL,
    format         TEXT NOT NULL,
    state          TEXT NOT NULL CHECK (state IN ('read', 'partly', 'not_a_document')),
    why            TEXT NOT NULL,
    engine         TEXT NOT NULL,
    rules_version  TEXT NOT NULL,
    pages          INTEGER NOT NULL,
    author         TEXT NOT NULL,
    at             TEXT NOT NULL
);
CREATE INDEX doc_reads_sha256 ON doc_reads(sha256, id);

-- Each page's text (masked), how it was obtained and how well, and the OCR words' boxes (JSON).
CREATE TABLE doc_pages (
    id       INTEGER PRIMARY KEY,
    read_id  INTEGER NOT NULL REFERENCES doc_reads(id),
    page     INTEGER NOT NULL,
    method   TEXT NOT NULL CHECK (method IN ('text', 'ocr', 'none')),
    quality  REAL NOT NULL,
    why      TEXT NOT NULL,
    text     TEXT NOT NULL,
    words    TEXT NOT NULL,
    UNIQUE (read_id, page)
);

-- Words of the pages, folded like appeal texts, for `ekn search`.
CREATE VIRTUAL TABLE doc_pages_fts USING fts5(
    text, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2'
);

-- Candidate facts of a reading: kind, normalised value (JSON), where, by which rule, how sure.
CREATE TABLE doc_facts (
    id          INTEGER PRIMARY KEY,
    read_id     INTEGER NOT NULL REFERENCES doc_reads(id),
    kind        TEXT NOT NULL,
    value       TEXT NOT NULL,
    page        INTEGER NOT NULL,
    span_start  INTEGER NOT NULL,
    span_end    INTEGER NOT NULL,
    bbox        TEXT,
    rule        TEXT NOT NULL,
    confidence  REAL NOT NULL,
    context     TEXT NOT NULL
);
CREATE INDEX doc_facts_read ON doc_facts(read_id, id);

-- A person's decision on a fact for one object: confirmed (with the value, corrected or as
-- proposed) or rejected (with the reason). Append-only; the latest per (object, fact) is in force.
CREATE TABLE doc_fact_decisions (
    id          INTEGER PRIMARY KEY,
    subject_id  INTEGER NOT NULL REFERENCES subjects(id),
    fact_id     INTEGER NOT NULL REFERENCES doc_facts(id),
    status      TEXT NOT NULL CHECK (status IN ('confirmed', 'rejected')),
    value       TEXT,
    corrected   INTEGER NOT NULL DEFAULT 0,
    reason      TEXT,
    author      TEXT NOT NULL,
    at          TEXT NOT NULL
);
CREATE INDEX doc_fact_decisions_subject ON doc_fact_decisions(subject_id, fact_id, id);

CREATE TRIGGER doc_fact_decisions_no_update BEFORE UPDATE ON doc_fact_decisions
BEGIN SELECT RAISE(ABORT, 'doc_fact_decisions is append-only'); END;
