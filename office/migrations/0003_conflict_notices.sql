-- Conflicts travel to the workstations: each takes a number in the office's global order when it
-- opens, grows or is resolved (from sync_head, like an entry or an assignment), so a pull brings
-- its latest state in commit order and the due date in force is the same on every desk.
ALTER TABLE conflicts ADD COLUMN global_seq bigint;
UPDATE conflicts SET global_seq = (SELECT max(x) FROM unnest(events) AS x);
ALTER TABLE conflicts ALTER COLUMN global_seq SET NOT NULL;
CREATE INDEX conflicts_global ON conflicts(global_seq);
