-- Connectors: registry sources fetched over HTTP, kept as data (docs/CONNECTORS.md). The API key
-- is never here: only the name of the environment variable that holds it.
CREATE TABLE connectors (
    name           TEXT PRIMARY KEY,
    spec           TEXT NOT NULL,
    created_at     TEXT NOT NULL
);

-- Each run: staging while its pages arrive, then published (one import, one journal entry) or
-- failed. A run cut off stays `staging`, and the next run of the connector resumes it.
CREATE TABLE connector_runs (
    id           INTEGER PRIMARY KEY,
    connector    TEXT NOT NULL,
    started_at   TEXT NOT NULL,
    finished_at  TEXT,
    status       TEXT NOT NULL CHECK (status IN ('staging', 'published', 'failed')),
    version      TEXT NOT NULL,
    requests     INTEGER NOT NULL DEFAULT 0,
    retries      INTEGER NOT NULL DEFAULT 0,
    too_many     INTEGER NOT NULL DEFAULT 0,
    error_code   TEXT,
    error        TEXT,
    report       TEXT,
    -- A published file's validators (http-file): sent back next time, a 304 means unchanged.
    etag         TEXT,
    last_modified TEXT
);
CREATE INDEX connector_runs_by_connector ON connector_runs(connector, id);

-- A staged page: its records sealed in a file beside the database (as attached documents are:
-- registry rows can name people), its size, and the cursor the next page starts after. One row
-- per page, written in one statement: a page is staged whole or not at all.
CREATE TABLE connector_pages (
    run_id   INTEGER NOT NULL REFERENCES connector_runs(id),
    page     INTEGER NOT NULL,
    sha256   TEXT NOT NULL,
    records  INTEGER NOT NULL,
    cursor   TEXT,
    PRIMARY KEY (run_id, page)
);
