-- The office's figures for the heads (issue 64), as the office last sent them: the app shows them
-- when the office is out of reach, saying how old they are. One row per kind of figures
-- ("dashboard"); a new answer replaces the old. Kept outside the journal (the office's, not this
-- workstation's work), in the encrypted database like everything the office sends.
CREATE TABLE office_figures (
    kind        TEXT PRIMARY KEY,
    body        TEXT NOT NULL,
    fetched_at  TEXT NOT NULL
) WITHOUT ROWID;
