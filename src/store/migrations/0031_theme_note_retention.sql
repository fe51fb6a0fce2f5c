-- Retention of theme notes (issue 40): a note's text is personal data kept only in its journal
-- entry's personal part, so a retention rule for `theme_note` records clears that part under a
-- numbered act as it does an appeal's. `destroyed_records` learns the fourth kind: rebuilt as
-- 0025 did (SQLite cannot widen a CHECK in place), its rows copied as they were, and the two
-- triggers that read it (the decisions' and the theme members', as 0025 and 0029 made them)
-- dropped first and made again as they were.
DROP TRIGGER appeal_decisions_no_update;
DROP TRIGGER theme_members_no_update;
CREATE TABLE destroyed_records_v3 (
    record_kind     TEXT NOT NULL CHECK (record_kind IN ('appeal', 'attachment', 'act', 'theme_note')),
    record_key      TEXT NOT NULL,
    rule_id         TEXT NOT NULL,
    destruction_id  INTEGER NOT NULL REFERENCES destructions(id),
    PRIMARY KEY (record_kind, record_key)
) WITHOUT ROWID;
INSERT INTO destroyed_records_v3(record_kind, record_key, rule_id, destruction_id)
    SELECT record_kind, record_key, rule_id, destruction_id FROM destroyed_records;
DROP TABLE destroyed_records;
ALTER TABLE destroyed_records_v3 RENAME TO destroyed_records;
CREATE TRIGGER appeal_decisions_no_update BEFORE UPDATE ON appeal_decisions
WHEN NOT (NEW.explanation = '{"destroyed":true}' AND NEW.reason IS NULL
          AND NEW.id = OLD.id AND NEW.appeal_id = OLD.appeal_id AND NEW.aspect = OLD.aspect
          AND NEW.value IS OLD.value AND NEW.confidence IS OLD.confidence AND NEW.basis = OLD.basis
          AND NEW.inputs_sha256 = OLD.inputs_sha256 AND NEW.decided_at = OLD.decided_at
          AND NEW.author = OLD.author
          AND EXISTS (SELECT 1 FROM appeals a JOIN destroyed_records d
                        ON d.record_kind = 'appeal' AND d.record_key = a.appeal_no
                      WHERE a.id = OLD.appeal_id))
BEGIN SELECT RAISE(ABORT, 'appeal_decisions is append-only'); END;
CREATE TRIGGER theme_members_no_update BEFORE UPDATE ON theme_members
WHEN NOT (NEW.reason IS NULL AND OLD.item_kind = 'appeal'
          AND NEW.id = OLD.id AND NEW.theme = OLD.theme AND NEW.item_kind = OLD.item_kind
          AND NEW.item_key = OLD.item_key AND NEW.decision = OLD.decision
          AND NEW.seen_import = OLD.seen_import AND NEW.author = OLD.author AND NEW.at = OLD.at
          AND EXISTS (SELECT 1 FROM destroyed_records d
                      WHERE d.record_kind = 'appeal' AND d.record_key = OLD.item_key))
BEGIN SELECT RAISE(ABORT, 'theme_members is append-only'); END;
