-- An appeal travels with its SLA task (issue 41; docs/OFFICE.md, "An appeal travels with its
-- task"). On the workstation that holds the appeal: which papers it handed to the office (one
-- per task assigned away), with the SHA-256 of each as sent, so a sync sends only new or changed
-- ones and withdraws those whose task came back. On the colleague's workstation the task was assigned to: the papers the office gave
-- it, replaced whole at every sync (the office's answer is the truth; one it no longer gives is
-- gone), cleared by a destruction act's notice and by a purge. Masked text only: the applicant is
-- never in a paper.
CREATE TABLE office_papers_sent (
    task_key     TEXT PRIMARY KEY,
    fingerprint  TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE remote_appeals (
    appeal_no   TEXT PRIMARY KEY,
    task_key    TEXT NOT NULL,
    holder      TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    -- The paper as the office gave it (JSON, `AppealPaper`), checked before it was stored.
    paper       TEXT NOT NULL
) WITHOUT ROWID;
