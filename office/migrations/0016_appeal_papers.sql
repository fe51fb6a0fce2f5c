-- An appeal travels with its SLA task (issue 41; docs/OFFICE.md, "An appeal travels with its
-- task"): when the office's routing or a supervisor gives an appeal's deadline task to someone
-- other than the prosecutor whose workstation holds the appeal, that workstation hands over the
-- appeal's paper — masked text, category, route, priority, status, decisions; never the applicant
-- — and the office gives it to the person the task is assigned to, and to no one else (not the
-- holder's supervisor: the facts in `office_appeals` are what the office counts with). One row
-- per task and holder; the holder replaces or withdraws it, a destruction act deletes it.
-- Masked text is still an appeal's content: never in a published table.
CREATE TABLE office_appeal_papers (
    task_key    text NOT NULL,
    ws          text NOT NULL REFERENCES workstations(id),
    appeal_no   text NOT NULL,
    -- Where the office placed it (within the holder's districts, as the appeal's facts).
    district    text,
    paper       jsonb NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (task_key, ws)
);
CREATE INDEX office_appeal_papers_appeal ON office_appeal_papers(appeal_no);
ALTER TABLE office_appeal_papers ENABLE ROW LEVEL SECURITY;
ALTER TABLE office_appeal_papers FORCE ROW LEVEL SECURITY;
-- The holder reads and writes its own; the assignee of the task reads it; a destruction act
-- reaches the copies placed in its author's districts (`ekn.redacting`, as for the journal).
CREATE POLICY office_appeal_papers_read ON office_appeal_papers FOR SELECT USING (
    ws = current_setting('ekn.writer', true)
    OR task_key IN (SELECT a.object_key FROM assignments a WHERE a.person_id = ekn_person()));
CREATE POLICY office_appeal_papers_insert ON office_appeal_papers FOR INSERT
    WITH CHECK (ws = current_setting('ekn.writer', true));
CREATE POLICY office_appeal_papers_update ON office_appeal_papers FOR UPDATE
    USING (ws = current_setting('ekn.writer', true)) WITH CHECK (ws = current_setting('ekn.writer', true));
CREATE POLICY office_appeal_papers_delete ON office_appeal_papers FOR DELETE USING (
    ws = current_setting('ekn.writer', true)
    OR (current_setting('ekn.redacting', true) = 'on' AND ekn_in_scope(district)));
CREATE POLICY office_appeal_papers_redact_read ON office_appeal_papers FOR SELECT USING (
    current_setting('ekn.redacting', true) = 'on' AND ekn_in_scope(district));
GRANT SELECT, INSERT, UPDATE, DELETE ON office_appeal_papers TO ekn_office_app;
