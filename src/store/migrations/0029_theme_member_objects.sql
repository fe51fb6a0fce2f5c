-- A theme's members may be decided by object too (issue 40): a person takes an object (by BIN)
-- into the theme's places and sectors, or out of the theme with all its items. SQLite cannot
-- widen a CHECK, so the table is rebuilt as 0027 made it, with 'object' among the kinds; no table
-- references it, ids and rows are kept as they are, and its triggers and indexes are made again.
CREATE TABLE theme_members_rebuilt (
    id           INTEGER PRIMARY KEY,
    theme        TEXT NOT NULL,
    item_kind    TEXT NOT NULL CHECK (item_kind IN ('appeal', 'inspection', 'object')),
    item_key     TEXT NOT NULL CHECK (length(item_key) BETWEEN 1 AND 200),
    decision     TEXT NOT NULL CHECK (decision IN ('accepted', 'rejected')),
    reason       TEXT,
    seen_import  INTEGER NOT NULL,
    author       TEXT NOT NULL,
    at           TEXT NOT NULL
);
INSERT INTO theme_members_rebuilt(id, theme, item_kind, item_key, decision, reason, seen_import, author, at)
    SELECT id, theme, item_kind, item_key, decision, reason, seen_import, author, at FROM theme_members;
DROP TRIGGER theme_members_no_delete;
DROP TRIGGER theme_members_no_update;
DROP TABLE theme_members;
ALTER TABLE theme_members_rebuilt RENAME TO theme_members;
CREATE INDEX theme_members_item ON theme_members(theme, item_kind, item_key, id);
CREATE INDEX theme_members_appeal ON theme_members(item_kind, item_key);
CREATE TRIGGER theme_members_no_delete BEFORE DELETE ON theme_members
BEGIN SELECT RAISE(ABORT, 'theme_members is append-only'); END;
CREATE TRIGGER theme_members_no_update BEFORE UPDATE ON theme_members
WHEN NOT (NEW.reason IS NULL AND OLD.item_kind = 'appeal'
          AND NEW.id = OLD.id AND NEW.theme = OLD.theme AND NEW.item_kind = OLD.item_kind
          AND NEW.item_key = OLD.item_key AND NEW.decision = OLD.decision
          AND NEW.seen_import = OLD.seen_import AND NEW.author = OLD.author AND NEW.at = OLD.at
          AND EXISTS (SELECT 1 FROM destroyed_records d
                      WHERE d.record_kind = 'appeal' AND d.record_key = OLD.item_key))
BEGIN SELECT RAISE(ABORT, 'theme_members is append-only'); END;
