-- Retention of acts (issue 39): an act whose period has ended is destroyed under a numbered act
-- with its outcomes — the rows deleted, their journal entries' personal data cleared. The two
-- tables stay append-only for everything else: a row may be deleted only once its act is listed
-- in `act_destructions`, which the destruction writes first, in the same transaction.
-- `destroyed_records` learns the third kind: rebuilt, since SQLite cannot widen a CHECK in place
-- (its rows copied as they were). The decisions' trigger that reads it is dropped first and made
-- again as it was, so the rename finds nothing pointing at the old table.
DROP TRIGGER appeal_decisions_no_update;
CREATE TABLE destroyed_records_v2 (
    record_kind     TEXT NOT NULL CHECK (record_kind IN ('appeal', 'attachment', 'act')),
    record_key      TEXT NOT NULL,
    rule_id         TEXT NOT NULL,
    destruction_id  INTEGER NOT NULL REFERENCES destructions(id),
    PRIMARY KEY (record_kind, record_key)
) WITHOUT ROWID;
INSERT INTO destroyed_records_v2(record_kind, record_key, rule_id, destruction_id)
    SELECT record_kind, record_key, rule_id, destruction_id FROM destroyed_records;
DROP TABLE destroyed_records;
ALTER TABLE destroyed_records_v2 RENAME TO destroyed_records;
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

CREATE TABLE act_destructions (
    act_id          INTEGER PRIMARY KEY,
    destruction_id  INTEGER NOT NULL REFERENCES destructions(id)
);

DROP TRIGGER acts_issued_no_delete;
CREATE TRIGGER acts_issued_no_delete BEFORE DELETE ON acts_issued
WHEN NOT EXISTS (SELECT 1 FROM act_destructions x WHERE x.act_id = OLD.id)
BEGIN SELECT RAISE(ABORT, 'acts_issued is append-only'); END;

DROP TRIGGER act_outcomes_no_delete;
CREATE TRIGGER act_outcomes_no_delete BEFORE DELETE ON act_outcomes
WHEN NOT EXISTS (SELECT 1 FROM act_destructions x WHERE x.act_id = OLD.act_id)
BEGIN SELECT RAISE(ABORT, 'act_outcomes is append-only'); END;
