-- What became of an issued act (issue 39, tier 1): the addressee's answer, its consideration, a
-- court's decision on a protest or an appealed act — each with its date, the measures the answer
-- reports, an optional attached document, where it came from (a person; a person confirming what
-- a read document proposed), and who recorded it. Append-only: a later row at the same stage
-- supersedes an earlier one without erasing it.
CREATE TABLE act_outcomes (
    id              INTEGER PRIMARY KEY,
    act_id          INTEGER NOT NULL REFERENCES acts_issued(id),
    stage           TEXT NOT NULL CHECK (stage IN ('answer', 'consideration', 'court')),
    result          TEXT NOT NULL CHECK (result IN ('satisfied', 'partly', 'rejected', 'withdrawn', 'upheld', 'overturned')),
    on_date         TEXT NOT NULL,
    disciplined     INTEGER CHECK (disciplined >= 0),
    admin_cases     INTEGER CHECK (admin_cases >= 0),
    restored_tiyn   INTEGER CHECK (restored_tiyn >= 0),
    eliminated      INTEGER CHECK (eliminated IN (0, 1)),
    document        TEXT,
    source          TEXT NOT NULL CHECK (source IN ('person', 'document')),
    author          TEXT NOT NULL,
    at              TEXT NOT NULL
);
CREATE INDEX act_outcomes_act ON act_outcomes(act_id, id);

CREATE TRIGGER act_outcomes_no_update BEFORE UPDATE ON act_outcomes
BEGIN SELECT RAISE(ABORT, 'act_outcomes is append-only'); END;
CREATE TRIGGER act_outcomes_no_delete BEFORE DELETE ON act_outcomes
BEGIN SELECT RAISE(ABORT, 'act_outcomes is append-only'); END;
