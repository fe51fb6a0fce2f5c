-- A connector whose dataset has a modified-since field reads, on its second and later runs, only the
-- records modified since the newest value the previous published run saw at its start. Both ends are
-- kept on the run as JSON `{"field": F, "value": V}` (the field, so a watermark of another field is
-- never used): `modified_since` is what this run asked from (NULL: the whole dataset), `modified_upto`
-- the newest value of the field when it started, the next run's `modified_since` once published.
ALTER TABLE connector_runs ADD COLUMN modified_since TEXT;
ALTER TABLE connector_runs ADD COLUMN modified_upto TEXT;
