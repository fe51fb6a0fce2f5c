-- The theme scores at the office (issue 40; docs/THEMES.md, "At the office"): whether triage found
-- harm or a threat in an appeal (`severe`: its priority rules among the scoring weights' severity
-- rules) and whether it repeats an earlier one (`repeat`: a duplicate group's member), as the
-- workstation that holds it judged. Flags, not content: the office scores its themes with the
-- workstations' own code from them.
ALTER TABLE office_appeals ADD COLUMN severe boolean NOT NULL DEFAULT false;
ALTER TABLE office_appeals ADD COLUMN repeat boolean NOT NULL DEFAULT false;
