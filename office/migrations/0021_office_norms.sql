-- The norms catalogue the office confirmed (docs/OFFICE.md, "The office's norms"): imported once
-- on the server's console by a named administrator (`ekn-office norms import FILE --as NAME`),
-- kept verbatim with its SHA-256 and the file it came from, and handed to every workstation with
-- its next sync (`GET /v1/norms`), which journals whom it came from. The newest row is in force;
-- older ones stay as the history. A catalogue is law, not personal data: no row-level security.
-- Written by the owner on the console; the server may only read it.
CREATE TABLE office_norm_catalogs (
    id           bigserial PRIMARY KEY,
    sha256       text NOT NULL,
    document     text NOT NULL,
    source_file  text NOT NULL,
    norms        integer NOT NULL,
    person_id    bigint NOT NULL REFERENCES people(id),
    imported_by  text NOT NULL,
    imported_at  timestamptz NOT NULL DEFAULT now(),
    -- Its place in the office's order (from sync_head, like an assignment's).
    global_seq   bigint NOT NULL
);
GRANT SELECT ON office_norm_catalogs TO ekn_office_app;

-- The import is a decision of the office's own journal.
ALTER TABLE office_journal DROP CONSTRAINT office_journal_kind_check;
ALTER TABLE office_journal ADD CONSTRAINT office_journal_kind_check CHECK (kind IN (
    'assigned', 'assigned_by_rule', 'conflict_resolved', 'assignment_withdrawn', 'norms_imported'));
