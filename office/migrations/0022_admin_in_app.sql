-- Administration from the app (issue 64): an administrator logged in from a workstation adds,
-- blocks and unblocks people, sets their districts, revokes and re-admits workstations and reads
-- the incidents — through the server, which connects as `ekn_office_app`. That role changed nobody
-- until now (0006: people were the console's alone); it gains those writes only inside a
-- transaction that an administrator's live session opened in the administrators' journal, naming
-- the very person the write touches and why. The journal is append-only: what an administrator
-- did from the app is kept, with who, when and the reason, whatever the server does later.

CREATE TABLE admin_journal (
    id        bigserial PRIMARY KEY,
    at        timestamptz NOT NULL DEFAULT now(),
    admin_id  bigint NOT NULL REFERENCES people(id),
    action    text NOT NULL CHECK (action IN (
                  'add_person', 'block', 'unblock', 'set_districts', 'revoke', 'readmit', 'read_incidents')),
    -- The person's name or the workstation's id the action touches ('' for a read).
    subject   text NOT NULL CHECK (length(subject) <= 200),
    reason    text NOT NULL CHECK (length(reason) <= 4000),
    -- The transaction the action ran in: the policies below let a write through only in it.
    tx        bigint NOT NULL DEFAULT txid_current(),
    CHECK (action = 'read_incidents' OR length(btrim(reason)) > 0)
);

CREATE FUNCTION ekn_admin_journal_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the administrators'' journal is append-only';
END $$;
CREATE TRIGGER admin_journal_guard BEFORE UPDATE OR DELETE ON admin_journal
    FOR EACH ROW EXECUTE FUNCTION ekn_admin_journal_guard();

-- Opens an administrator's action: the bearer token's digest must be a live session of a person
-- who is an administrator and not blocked; the action is journaled in this transaction, and its
-- id returned. Anything else raises (insufficient_privilege), and nothing is written.
CREATE FUNCTION ekn_admin_begin(token_digest text, act text, subj text, why text) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    admin bigint;
    entry bigint;
BEGIN
    SELECT p.id INTO admin FROM sessions s JOIN people p ON p.id = s.person_id
     WHERE s.token_sha256 = token_digest AND s.revoked_at IS NULL AND s.expires_at > now()
       AND p.role = 'admin' AND p.blocked_at IS NULL;
    IF admin IS NULL THEN
        RAISE EXCEPTION 'not a live administrator''s session' USING ERRCODE = 'insufficient_privilege';
    END IF;
    INSERT INTO admin_journal(admin_id, action, subject, reason) VALUES (admin, act, subj, coalesce(why, ''))
        RETURNING id INTO entry;
    RETURN entry;
END $$;
REVOKE ALL ON FUNCTION ekn_admin_begin(text, text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ekn_admin_begin(text, text, text, text) TO ekn_office_app;

-- Whether this transaction journaled one of `acts` on `subj` (what the policies ask).
CREATE FUNCTION ekn_admin_acting(acts text[], subj text) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT EXISTS (SELECT 1 FROM admin_journal j
                    WHERE j.tx = txid_current() AND j.action = ANY (acts) AND j.subject = subj)
$$;
REVOKE ALL ON FUNCTION ekn_admin_acting(text[], text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ekn_admin_acting(text[], text) TO ekn_office_app;

-- People: the app role reads them as before (never a hash), and writes one only as journaled.
-- The owner (the console) is not bound by these policies.
GRANT INSERT (name, role, districts, units, password_hash) ON people TO ekn_office_app;
GRANT UPDATE (districts, blocked_at, blocked_reason) ON people TO ekn_office_app;
ALTER TABLE people ENABLE ROW LEVEL SECURITY;
CREATE POLICY people_read ON people FOR SELECT USING (true);
CREATE POLICY people_add ON people FOR INSERT WITH CHECK (ekn_admin_acting(ARRAY['add_person'], name));
CREATE POLICY people_change ON people FOR UPDATE
    USING (ekn_admin_acting(ARRAY['block', 'unblock', 'set_districts'], name))
    WITH CHECK (ekn_admin_acting(ARRAY['block', 'unblock', 'set_districts'], name));

-- The incidents, newest first, for an administrator's live session (the app role still may not
-- read the table itself); the reading is journaled.
CREATE FUNCTION ekn_admin_incidents(token_digest text, lim integer)
    RETURNS TABLE (at timestamptz, kind text, ws text, detail text)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM ekn_admin_begin(token_digest, 'read_incidents', '', '');
    RETURN QUERY SELECT i.at, i.kind, i.ws, i.detail FROM incidents i ORDER BY i.id DESC LIMIT lim;
END $$;
REVOKE ALL ON FUNCTION ekn_admin_incidents(text, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ekn_admin_incidents(text, integer) TO ekn_office_app;

-- The administrators' journal, newest first, for an administrator's live session.
CREATE FUNCTION ekn_admin_journal(token_digest text, lim integer)
    RETURNS TABLE (at timestamptz, admin text, action text, subject text, reason text)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM sessions s JOIN people p ON p.id = s.person_id
                    WHERE s.token_sha256 = token_digest AND s.revoked_at IS NULL AND s.expires_at > now()
                      AND p.role = 'admin' AND p.blocked_at IS NULL) THEN
        RAISE EXCEPTION 'not a live administrator''s session' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN QUERY SELECT j.at, p.name, j.action, j.subject, j.reason
                   FROM admin_journal j JOIN people p ON p.id = j.admin_id
                  WHERE j.action <> 'read_incidents' ORDER BY j.id DESC LIMIT lim;
END $$;
REVOKE ALL ON FUNCTION ekn_admin_journal(text, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ekn_admin_journal(text, integer) TO ekn_office_app;
