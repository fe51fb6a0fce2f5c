-- Journal v2 and lawful destruction (issue 20). An entry written from now on keeps its personal
-- data (a note, a reason, a title, a file name, an addressee) in `journal_personal` and hashes
-- only the salted digest of it into the chain (`personal_digest`), so a destruction act can
-- clear the data without breaking the chain. Entries written before this migration are version
-- 1: they hash their text as they always did and verify exactly as before.
ALTER TABLE journal ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE journal ADD COLUMN personal_digest TEXT;

-- No foreign keys to `journal` here: a journal someone tampered with must still open, so that
-- verification can name what was done to it.
CREATE TABLE journal_personal (
    seq     INTEGER PRIMARY KEY,
    salt    TEXT NOT NULL,
    fields  TEXT NOT NULL
);
-- Personal data is never edited, only cleared by an act (verification names any other change).
CREATE TRIGGER journal_personal_no_update BEFORE UPDATE ON journal_personal
BEGIN SELECT RAISE(ABORT, 'journal personal data is never edited, only destroyed by an act'); END;

-- Which entries' personal data which act cleared: an index for the faces. Verification trusts
-- only the act's own journal entry, which lists the entries.
CREATE TABLE journal_redactions (
    seq         INTEGER PRIMARY KEY,
    act_number  TEXT NOT NULL
);

-- The destruction acts applied, and what each destroyed (by key, never by content).
CREATE TABLE destructions (
    id          INTEGER PRIMARY KEY,
    act_number  TEXT NOT NULL UNIQUE,
    as_of       TEXT NOT NULL,
    reason      TEXT NOT NULL,
    author      TEXT NOT NULL,
    at          TEXT NOT NULL,
    records     INTEGER NOT NULL,
    entry_seq   INTEGER
);
CREATE TABLE destroyed_records (
    record_kind     TEXT NOT NULL CHECK (record_kind IN ('appeal', 'attachment')),
    record_key      TEXT NOT NULL,
    rule_id         TEXT NOT NULL,
    destruction_id  INTEGER NOT NULL REFERENCES destructions(id),
    PRIMARY KEY (record_kind, record_key)
) WITHOUT ROWID;

-- Decisions about an appeal stay append-only, except that a destruction act may clear the
-- explanation (it quotes the text's words) and the person's reason of an appeal it destroyed.
DROP TRIGGER appeal_decisions_no_update;
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

-- A destruction finds the entries about an appeal by its number.
CREATE INDEX journal_appeal ON journal(appeal_no) WHERE appeal_no IS NOT NULL;
