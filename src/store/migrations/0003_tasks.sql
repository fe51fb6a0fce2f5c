-- Procedural tasks with their deadlines, dependencies, suspensions, and an append-only log of
-- everything done to them (created, extended, suspended, noted, done, recomputed, suggestions
-- accepted or declined), so a court can replay how a date came to be.
CREATE TABLE tasks (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('gather_information', 'consider_appeal', 'inspection_check',
                                                'issue_response', 'control_execution', 'follow_up')),
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
CREATE INDEX tasks_status_due ON tasks(status, current_due);
CREATE INDEX tasks_subject ON tasks(subject_id);

CREATE TABLE task_dependencies (
    task_id     INTEGER NOT NULL REFERENCES tasks(id),
    depends_on  INTEGER NOT NULL REFERENCES tasks(id),
    PRIMARY KEY (task_id, depends_on)
) WITHOUT ROWID;

CREATE TABLE task_suspensions (
    task_id    INTEGER NOT NULL REFERENCES tasks(id),
    from_date  TEXT NOT NULL,
    to_date    TEXT NOT NULL
);
CREATE INDEX task_suspensions_task ON task_suspensions(task_id);

CREATE TABLE task_log (
    id       INTEGER PRIMARY KEY,
    task_id  INTEGER REFERENCES tasks(id),
    at       TEXT NOT NULL,
    action   TEXT NOT NULL,
    old_due  TEXT,
    new_due  TEXT,
    detail   TEXT
);
CREATE INDEX task_log_task ON task_log(task_id);
CREATE TRIGGER task_log_no_update BEFORE UPDATE ON task_log BEGIN SELECT RAISE(ABORT, 'task_log is append-only'); END;
CREATE TRIGGER task_log_no_delete BEFORE DELETE ON task_log BEGIN SELECT RAISE(ABORT, 'task_log is append-only'); END;
