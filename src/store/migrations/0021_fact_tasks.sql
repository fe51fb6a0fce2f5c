-- A task a person opened from a confirmed period of a document (issue 38): which object, which
-- document (by content), which fact (by kind and proposed value, so the link survives reading the
-- document again under new rules, like the decisions do) and which task. The task itself is
-- journaled as any task; this row only lets the viewer say "task 12 runs this period".
CREATE TABLE doc_fact_tasks (
    id          INTEGER PRIMARY KEY,
    subject_id  INTEGER NOT NULL REFERENCES subjects(id),
    sha256      TEXT NOT NULL,
    kind        TEXT NOT NULL,
    proposed    TEXT NOT NULL,
    task_id     INTEGER NOT NULL REFERENCES tasks(id),
    UNIQUE (subject_id, sha256, kind, proposed)
);
