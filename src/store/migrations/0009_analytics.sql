-- Risk analytics (issue 11): risk models join the model registry, and the people's answers to
-- automatic outputs — an anomaly dismissed, a local risk estimate overridden — are kept
-- append-only with author, time and reason (each is also a journal entry). Predictions shown or
-- exported are logged as journal entries (`predictions_made`: model version, time, inputs' digest).

-- The registry takes a second kind of model. SQLite cannot change a CHECK in place, so the table
-- is rebuilt with the same rows. For a risk model `texts` counts training examples and `classes`
-- names its features.
CREATE TABLE models_rebuilt (
    id             INTEGER PRIMARY KEY,
    kind           TEXT NOT NULL CHECK (kind IN ('appeals_classifier', 'risk_model')),
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

-- A person's answer to an automatic output: `anomaly` (key = the anomaly's stable key, action
-- `dismissed` or `restored`) or `risk` (key = the object's BIN, action `override` with the
-- person's own assessment in `value`, or `withdrawn`).
CREATE TABLE analytic_reviews (
    id          INTEGER PRIMARY KEY,
    target      TEXT NOT NULL CHECK (target IN ('anomaly', 'risk')),
    key         TEXT NOT NULL,
    action      TEXT NOT NULL CHECK (action IN ('dismissed', 'restored', 'override', 'withdrawn')),
    value       TEXT,
    basis       TEXT,
    reason      TEXT NOT NULL,
    author      TEXT NOT NULL,
    at          TEXT NOT NULL
);
CREATE INDEX analytic_reviews_key ON analytic_reviews(target, key, id);
CREATE TRIGGER analytic_reviews_no_update BEFORE UPDATE ON analytic_reviews
BEGIN SELECT RAISE(ABORT, 'analytic_reviews is append-only'); END;
CREATE TRIGGER analytic_reviews_no_delete BEFORE DELETE ON analytic_reviews
BEGIN SELECT RAISE(ABORT, 'analytic_reviews is append-only'); END;
