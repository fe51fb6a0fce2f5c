-- The appeals pipeline (issue 10): what was masked in each text (kinds and rules, never values), a
-- SimHash of the masked text for near-duplicate search, and every automatic or human decision
-- about an appeal — its category, priority, route and duplicate group — kept append-only with the
-- model or rule version that made it, the digest of its inputs and its explanation. The decision
-- in force for an aspect is the newest one; older ones stay as history.
ALTER TABLE appeals ADD COLUMN masked TEXT;
ALTER TABLE appeals ADD COLUMN text_simhash INTEGER;
CREATE INDEX appeals_applicant ON appeals(applicant_pseudonym, received) WHERE applicant_pseudonym IS NOT NULL;

CREATE TABLE appeal_decisions (
    id             INTEGER PRIMARY KEY,
    appeal_id      INTEGER NOT NULL REFERENCES appeals(id),
    aspect         TEXT NOT NULL CHECK (aspect IN ('category', 'priority', 'route', 'duplicate')),
    value          TEXT,
    confidence     REAL,
    -- The model version (`appeals-v3`), rule set version (`priority-2026.1`) or `person`.
    basis          TEXT NOT NULL,
    inputs_sha256  TEXT NOT NULL,
    explanation    TEXT NOT NULL,
    decided_at     TEXT NOT NULL,
    author         TEXT NOT NULL,
    reason         TEXT
);
CREATE INDEX appeal_decisions_appeal ON appeal_decisions(appeal_id, aspect, id);
CREATE TRIGGER appeal_decisions_no_update BEFORE UPDATE ON appeal_decisions
BEGIN SELECT RAISE(ABORT, 'appeal_decisions is append-only'); END;
CREATE TRIGGER appeal_decisions_no_delete BEFORE DELETE ON appeal_decisions
BEGIN SELECT RAISE(ABORT, 'appeal_decisions is append-only'); END;

-- One more kind of task, for the appeal's SLA contour: forwarding an appeal outside the office's
-- competence. SQLite cannot change a CHECK in place, so the table is rebuilt; references
-- from dependencies and suspensions follow the rename (checked when the migration commits).
PRAGMA defer_foreign_keys = ON;
CREATE TABLE tasks_rebuilt (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('gather_information', 'consider_appeal', 'inspection_check',
                                                'issue_response', 'control_execution', 'follow_up',
                                                'forward_appeal')),
    title         TEXT NOT NULL,
    subject_id    INTEGER REFERENCES subjects(id),
    appeal_id     INTEGER REFERENCES appeals(id),
    assignee      TEXT NOT NULL,
    unit          TEXT NOT NULL,
    region_code   TEXT,
    category      TEXT,
    norm_id       TEXT,
    period_amount INTEGER NOT NULL CHECK (period_amount > 0),
    period_unit   TEXT NOT NULL CHECK (period_unit IN ('working_days', 'calendar_days', 'months')),
    event_date    TEXT NOT NULL,
    original_due  TEXT NOT NULL,
    current_due   TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'cancelled')),
    done_on       TEXT,
    note          TEXT,
    created_at    TEXT NOT NULL
);
INSERT INTO tasks_rebuilt SELECT * FROM tasks;
DROP TABLE tasks;
ALTER TABLE tasks_rebuilt RENAME TO tasks;
CREATE INDEX tasks_status_due ON tasks(status, current_due);
CREATE INDEX tasks_subject ON tasks(subject_id);
CREATE INDEX tasks_appeal ON tasks(appeal_id) WHERE appeal_id IS NOT NULL;
