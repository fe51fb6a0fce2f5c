-- Calendar years added by an administrator (ekn calendar import). A year here replaces the shipped
-- document of the same year. Kept verbatim: a calendar document is law-derived source data with
-- its own provenance (the file and its SHA-256), like an imported registry file.
CREATE TABLE calendar_years (
    year         INTEGER PRIMARY KEY,
    document     TEXT NOT NULL,
    sha256       TEXT NOT NULL,
    source_file  TEXT NOT NULL,
    imported_at  TEXT NOT NULL
);
