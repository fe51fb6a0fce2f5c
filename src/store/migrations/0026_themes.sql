-- Themes of supervision (issue 40): a theme is a saved, versioned definition. Saving a theme adds a
-- version (never an edit in place), so an alarm or a score names the definition it was computed
-- on; retiring one adds a version marked retired. Append-only, like the reviews.
CREATE TABLE theme_versions (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    version     INTEGER NOT NULL CHECK (version >= 1),
    -- analytics::themes::ThemeDefinition as JSON.
    definition  TEXT NOT NULL CHECK (json_valid(definition)),
    retired     INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1)),
    reason      TEXT NOT NULL,
    author      TEXT NOT NULL,
    at          TEXT NOT NULL,
    UNIQUE (name, version)
);
CREATE TRIGGER theme_versions_no_update BEFORE UPDATE ON theme_versions
BEGIN SELECT RAISE(ABORT, 'theme_versions is append-only'); END;
CREATE TRIGGER theme_versions_no_delete BEFORE DELETE ON theme_versions
BEGIN SELECT RAISE(ABORT, 'theme_versions is append-only'); END;
