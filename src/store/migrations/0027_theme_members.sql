-- A theme's members as people decided them (issue 40): an appeal or an inspection the definition
-- matched, accepted into the theme or rejected from it, with a reason — the latest decision per item
-- in force. Append-only; the one update allowed clears a reason once the appeal it concerns has been
-- destroyed under retention (the reason is a person's words about a citizen's appeal).
-- `seen_import` (here and on theme_versions) is the latest finished import when the decision or the
-- version was made: data imported after it, matching the theme and not yet decided, are the theme's
-- news on the Desk.
CREATE TABLE theme_members (
    id           INTEGER PRIMARY KEY,
    theme        TEXT NOT NULL,
    item_kind    TEXT NOT NULL CHECK (item_kind IN ('appeal', 'inspection')),
    item_key     TEXT NOT NULL CHECK (length(item_key) BETWEEN 1 AND 200),
    decision     TEXT NOT NULL CHECK (decision IN ('accepted', 'rejected')),
    reason       TEXT,
    seen_import  INTEGER NOT NULL,
    author       TEXT NOT NULL,
    at           TEXT NOT NULL
);
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
ALTER TABLE theme_versions ADD COLUMN seen_import INTEGER NOT NULL DEFAULT 0;
