-- The appeals this workstation handed to its office (issue 39: the office counts what rests on
-- appeals over every workstation; docs/OFFICE.md, "Appeals at the office"). One row per appeal
-- with the SHA-256 of its facts as sent, so a sync sends only appeals that are new or changed
-- (a decision, an outcome, a correction, a destruction that cleared its applicant). Joining
-- another office, or being refused by this one, empties it: the next sync sends everything.
CREATE TABLE office_appeals_sent (
    appeal_no    TEXT PRIMARY KEY,
    fingerprint  TEXT NOT NULL
) WITHOUT ROWID;
