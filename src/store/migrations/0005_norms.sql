-- Norms catalogs an office imported (ekn norms import), kept verbatim with their SHA-256 like
-- calendar years: the latest one is in force; with none, the catalog shipped with the release is.
CREATE TABLE norm_catalogs (
    id           INTEGER PRIMARY KEY,
    document     TEXT NOT NULL,
    sha256       TEXT NOT NULL,
    source_file  TEXT NOT NULL,
    imported_at  TEXT NOT NULL
);

-- Every distinct text of a norm that has been in force, numbered per norm: version 1 is the
-- first text this database used; each change (a new release, an imported catalog) adds one.
-- A task's explanation names the version of its norm, so a court can see which text applied.
CREATE TABLE norm_versions (
    norm_id         TEXT NOT NULL,
    version         INTEGER NOT NULL CHECK (version >= 1),
    sha256          TEXT NOT NULL,
    document        TEXT NOT NULL,
    origin          TEXT NOT NULL CHECK (origin IN ('shipped', 'imported')),
    catalog_sha256  TEXT NOT NULL,
    recorded_at     TEXT NOT NULL,
    PRIMARY KEY (norm_id, version)
) WITHOUT ROWID;
