-- An act's quality at issuance (issue 39): the checklist items still unmet when it went out (a
-- JSON array of ids; NULL for an imported act, whose checklist no one kept here), the draft it
-- was issued from (its journal entry) and the placeholders that draft left unfilled (a JSON array;
-- NULL when no draft was made here); and whether an outcome returned or overturned the act for a
-- formal defect (its form, not its substance). Plain added columns: the append-only triggers stay.
ALTER TABLE acts_issued ADD COLUMN checklist_missing TEXT;
ALTER TABLE acts_issued ADD COLUMN draft_seq INTEGER;
ALTER TABLE acts_issued ADD COLUMN draft_unfilled TEXT;
ALTER TABLE act_outcomes ADD COLUMN formal_defect INTEGER CHECK (formal_defect IN (0, 1));
