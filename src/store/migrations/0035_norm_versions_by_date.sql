-- Deadlines by the law as it stands on the day (issue 59). A task keeps the version of its norm it
-- was counted under — the version's first day in force — so a version entered later never moves it
-- silently: the task says the law changed, and a recount is a person's journaled decision. NULL for
-- tasks made before versions by date: they are counted under the version in force on their trigger.
ALTER TABLE tasks ADD COLUMN norm_version TEXT;
-- The day of the decision to extend a task's period, for a cap counted from that decision (APPC
-- art. 76 part 3 as worded by Law 241-VIII of 17.12.2025).
ALTER TABLE tasks ADD COLUMN extension_decided TEXT;
-- 1 when the period is the one the act set (a protest's own, a resolution's), as its norm lets it:
-- a later correction of the norm's own period never replaces it.
ALTER TABLE tasks ADD COLUMN period_set_by_act INTEGER NOT NULL DEFAULT 0;
-- A catalogue the office imported reaches its workstations with their next sync: kept with who
-- imported it there and when, beside the catalogues imported on the workstation itself.
ALTER TABLE norm_catalogs ADD COLUMN origin TEXT NOT NULL DEFAULT 'imported';
ALTER TABLE norm_catalogs ADD COLUMN office_imported_by TEXT;
ALTER TABLE norm_catalogs ADD COLUMN office_imported_at TEXT;
