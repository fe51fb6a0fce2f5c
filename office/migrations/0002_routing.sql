-- Appeals' SLA tasks handed out by rule: the units a person works in (the routing table's unit
-- ids, assets/appeals/routing.json), and assignments the office made itself by the routing table
-- and the unit's workload, which name the rule instead of a person.

ALTER TABLE people ADD COLUMN units text[] NOT NULL DEFAULT '{}';

ALTER TABLE assignments ALTER COLUMN assigned_by DROP NOT NULL;
ALTER TABLE assignments ADD COLUMN rule text;
-- Exactly one author: a supervisor, or the office's rule (with its version).
ALTER TABLE assignments ADD CONSTRAINT assignments_one_author CHECK ((assigned_by IS NULL) <> (rule IS NULL));
