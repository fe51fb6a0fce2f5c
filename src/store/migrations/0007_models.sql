-- Model versions (issue 10): every trained model is a record — what it was trained on (the file's
-- digest), how (parameters), how well (held-out metrics), who and when — with its arrays, so a
-- prediction made months ago can be replayed by the version that made it. Journaled as `model:N`.
CREATE TABLE models (
    id             INTEGER PRIMARY KEY,
    kind           TEXT NOT NULL CHECK (kind IN ('appeals_classifier')),
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
