-- The office as trusted and heard from (issue 37). How this workstation trusts the office's TLS
-- certificate, fixed at joining: the office's own CA (PEM), or its certificate's confirmed
-- SHA-256 pin; neither: Mozilla's roots.
ALTER TABLE office_link ADD COLUMN tls_ca TEXT;
ALTER TABLE office_link ADD COLUMN tls_pin TEXT;

-- A destruction act applied here, as far as it reached: the office's copy (when, how many of its
-- entries it cleared, what it kept and why) and the colleagues' workstations that pulled it.
ALTER TABLE destructions ADD COLUMN office_reached_at TEXT;
ALTER TABLE destructions ADD COLUMN office_entries INTEGER;
ALTER TABLE destructions ADD COLUMN office_kept_v1 INTEGER;
ALTER TABLE destructions ADD COLUMN office_kept_outside INTEGER;
-- {"reached": [...], "pending": [...], "checked_at": "..."}: the latest word from the office.
ALTER TABLE destructions ADD COLUMN replicas TEXT;
-- A colleague's act carried out here (`retention_received`): whose workstation it came from.
ALTER TABLE destructions ADD COLUMN received_from TEXT;

-- Colleagues' acts pulled and not yet carried out here (a crash between the pull and the write
-- loses none: the next sync carries out what waits).
CREATE TABLE office_redactions (
    global_seq  INTEGER PRIMARY KEY,
    notice      TEXT NOT NULL,
    applied_seq INTEGER
);
