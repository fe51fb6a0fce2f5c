-- Appeals at the office (issue 39; docs/OFFICE.md, "Appeals at the office"): each workstation
-- hands over the facts of the appeals of its person's districts — number, object, place,
-- category, days, outcome, the applicant's pseudonym under that workstation's own key and the
-- masked text's SimHash; never a text, a name or an IIN — so the office counts what rests on
-- appeals (the effectiveness report's appeals checks and estimate) over every workstation.
-- One row per appeal and workstation (two prosecutors who imported one appeal hold two copies,
-- as with `office_tasks`); readers take one copy per number. The office places each row: the
-- appeal's KATO code when the sender's districts hold it (else the row is not taken), the
-- sender's own first district when the appeal names no place. Pseudonyms are personal data:
-- row-level security by district, as the journal's; never in a published table.
CREATE TABLE office_appeals (
    appeal_no    text NOT NULL,
    ws           text NOT NULL REFERENCES workstations(id),
    district     text,
    subject_bin  text,
    kato         text,
    category     text,
    received     date NOT NULL,
    decided      date,
    outcome      text CHECK (outcome IN ('satisfied', 'refused', 'explained')),
    applicant    text,
    simhash      bigint,
    -- SHA-256 of the facts as last sent: a batch sent again changes nothing.
    fingerprint  text NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (appeal_no, ws)
);
CREATE INDEX office_appeals_subject ON office_appeals(subject_bin, received);
-- A workstation's own copies, counted at each pull (a restored office is told by the count).
CREATE INDEX office_appeals_ws ON office_appeals(ws);
ALTER TABLE office_appeals ENABLE ROW LEVEL SECURITY;
ALTER TABLE office_appeals FORCE ROW LEVEL SECURITY;
CREATE POLICY office_appeals_read ON office_appeals FOR SELECT USING (
    ekn_in_scope(district) OR ws = current_setting('ekn.writer', true));
CREATE POLICY office_appeals_insert ON office_appeals FOR INSERT WITH CHECK (ws = current_setting('ekn.writer', true));
CREATE POLICY office_appeals_update ON office_appeals FOR UPDATE USING (
    ws = current_setting('ekn.writer', true) OR ekn_in_scope(district));
GRANT SELECT, INSERT, UPDATE ON office_appeals TO ekn_office_app;
