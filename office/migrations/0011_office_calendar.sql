-- The working-day calendar the office counts with (docs/OFFICE.md, "The calendar"): the one
-- shipped with ЭКН, and over it, for each year, the newest document any workstation imported —
-- sent by the workstation after it pushed the journal entry of its import, checked against that
-- entry's digest and parsed like an import, and in force from the entry's place in the office's
-- order. A calendar is law, not personal data: no row-level security.
CREATE TABLE office_calendars (
    year          integer NOT NULL,
    sha256        text NOT NULL,
    document      text NOT NULL,
    -- The import that makes it newest: its workstation, person and number in the office's order
    -- (the latest such import of this very document, when several workstations imported it).
    ws            text NOT NULL REFERENCES workstations(id),
    person_id     bigint NOT NULL REFERENCES people(id),
    entry_global  bigint NOT NULL,
    received_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (year, sha256)
);
GRANT SELECT, INSERT, UPDATE ON office_calendars TO ekn_office_app;
