-- Row-level security as deployed: the server connects as the login role `ekn_office_app`, which
-- owns nothing; the owner migrates and administers. Everything that holds personal data or a
-- secret is out of the app role's reach except through row-level security or one narrow function.

-- The schema's version is what `serve` checks before it answers (it no longer migrates).
GRANT SELECT ON schema_migrations TO ekn_office_app;

-- People: the app role reads who people are, never their password hashes, and changes nobody
-- (people are the console's, run as the owner). A login reads one hash through `ekn_login`.
REVOKE ALL ON people FROM ekn_office_app;
GRANT SELECT (id, name, role, districts, units, created_at, blocked_at, blocked_reason) ON people TO ekn_office_app;
CREATE FUNCTION ekn_login(login_name text) RETURNS TABLE (id bigint, password_hash text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT p.id, p.password_hash FROM people p WHERE p.name = login_name
$$;
REVOKE ALL ON FUNCTION ekn_login(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ekn_login(text) TO ekn_office_app;

-- The office key's secret leaves the database (`ekn-office migrate --key-file`): the server reads
-- it from a file only its own user reads; the database keeps the public half, which anyone may see.
ALTER TABLE office_key ALTER COLUMN secret DROP NOT NULL;
REVOKE ALL ON office_key FROM ekn_office_app;
GRANT SELECT (id, public_hex, created_at) ON office_key TO ekn_office_app;

-- The office's own connectors run inside `serve` now (which connects as the app role): their
-- bookkeeping holds registry data of businesses, not of people, and no secret (keys stay in the
-- server's environment).
GRANT INSERT, UPDATE, DELETE ON office_connectors, office_connector_runs, office_connector_pages TO ekn_office_app;
GRANT USAGE ON SEQUENCE office_connector_runs_id_seq TO ekn_office_app;

-- The console's settings are set by the owner only.
REVOKE INSERT, UPDATE, DELETE ON office_settings FROM ekn_office_app;

-- Who is the caller's scope's administrator: reads the access log's lines that belong to no district.
CREATE FUNCTION ekn_admin() RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT coalesce(current_setting('ekn.admin', true), '') = 'on'
$$;

-- Where each object lives: row-level security like the content it places. A card asked for
-- outside one's scope is answered 403 (not 404) by the server looking the district up office-wide
-- in a transaction of its own, never by this table being open.
ALTER TABLE object_districts ENABLE ROW LEVEL SECURITY;
ALTER TABLE object_districts FORCE ROW LEVEL SECURITY;
CREATE POLICY object_districts_read ON object_districts FOR SELECT USING (ekn_in_scope(district));
CREATE POLICY object_districts_insert ON object_districts FOR INSERT WITH CHECK (ekn_in_scope(district) OR district IS NULL);
CREATE POLICY object_districts_update ON object_districts FOR UPDATE USING (ekn_in_scope(district) OR district IS NULL)
    WITH CHECK (ekn_in_scope(district));

-- Assignments: a supervisor's reason is free text about a case. Each carries its task's district,
-- so its visibility needs no look into another table (which would loop through their policies).
ALTER TABLE assignments ADD COLUMN district text;
UPDATE assignments a SET district = (SELECT t.district FROM office_tasks t WHERE t.object_key = a.object_key);
ALTER TABLE assignments ENABLE ROW LEVEL SECURITY;
ALTER TABLE assignments FORCE ROW LEVEL SECURITY;
CREATE POLICY assignments_read ON assignments FOR SELECT USING (
    ekn_in_scope(district) OR person_id = ekn_person() OR assigned_by = ekn_person());
CREATE POLICY assignments_write ON assignments FOR INSERT WITH CHECK (ekn_in_scope(district));
CREATE POLICY assignments_update ON assignments FOR UPDATE USING (ekn_in_scope(district)) WITH CHECK (ekn_in_scope(district));

-- Conflicts: their entries are case content; the caller's districts, or a task they may see.
ALTER TABLE conflicts ENABLE ROW LEVEL SECURITY;
ALTER TABLE conflicts FORCE ROW LEVEL SECURITY;
CREATE POLICY conflicts_read ON conflicts FOR SELECT USING (
    ekn_in_scope(district) OR object_key IN (SELECT t.object_key FROM office_tasks t));
CREATE POLICY conflicts_insert ON conflicts FOR INSERT WITH CHECK (ekn_in_scope(district) OR district IS NULL);
CREATE POLICY conflicts_update ON conflicts FOR UPDATE USING (ekn_in_scope(district) OR district IS NULL);

-- The access log: a line of no district (an administrator's own reading, a card that was not
-- found) is an administrator's to read, not every supervisor's.
DROP POLICY access_log_read ON access_log;
CREATE POLICY access_log_read ON access_log FOR SELECT USING (
    current_setting('ekn.audit', true) = 'on' AND (ekn_in_scope(district) OR (district IS NULL AND ekn_admin())));

-- Incidents name workstations and what was refused: the administrators' (the owner's console).
REVOKE SELECT ON incidents FROM ekn_office_app;
