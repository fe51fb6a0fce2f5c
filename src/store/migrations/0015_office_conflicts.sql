-- Conflicts the office found on objects this workstation may see (two deadline moves, or two
-- corrections of one appeal, that did not see each other), as the office last numbered them: the
-- desk and the dashboard show the date in force (the earliest while open, the kept one once a
-- supervisor resolved it) and say why. A later notice on one conflict replaces an earlier one.
CREATE TABLE office_conflicts (
    id          INTEGER PRIMARY KEY,
    object_key  TEXT NOT NULL,
    notice      TEXT NOT NULL,
    global_seq  INTEGER NOT NULL
);
CREATE INDEX office_conflicts_object ON office_conflicts(object_key);

-- What a queued read was (an act's kind and language, how many rows an export held), for the
-- office's access log.
ALTER TABLE access_queue ADD COLUMN detail TEXT;
