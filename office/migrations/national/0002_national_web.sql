-- The national side's read-only HTTP face (`ekn-office national serve`, issue 64; docs/NATIONAL.md,
-- "The HTTP face"). The server connects as `ekn_national_web`, which owns nothing and is no
-- superuser: it reads the published tables the national figures are computed from (never the
-- chains, the cosignatures or the regions' connection strings) and keeps its own sessions.
--
-- Who may log in is PostgreSQL's to say, as for `psql`: a national analyst is a login role in
-- `ekn_national_analyst` (the figures), a national administrator one in `ekn_national_admin` (how
-- each region's replication stands); the face checks the password by connecting as that role, so
-- it holds no password of its own, and a role made NOLOGIN or taken out of the group is refused at
-- its next request.
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ekn_national_admin') THEN
        CREATE ROLE ekn_national_admin NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ekn_national_web') THEN
        CREATE ROLE ekn_national_web LOGIN;
    END IF;
END $$;

-- A session: the digest of its bearer token (the token itself is never stored), the login role.
CREATE TABLE national_web_sessions (
    token_sha256  text PRIMARY KEY,
    login         text NOT NULL,
    created_at    timestamptz NOT NULL,
    last_seen     timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL
);

-- What the owner's `national status` last found of each region's slot (it alone holds the
-- region's connection string); the national administrator sees it beside what the national
-- side's own views say.
CREATE TABLE national_region_checks (
    region      text PRIMARY KEY REFERENCES national_regions(region) ON DELETE CASCADE,
    checked_at  timestamptz NOT NULL,
    slot        text,
    lag_bytes   bigint,
    caught_up   boolean NOT NULL,
    problem     text
);

REVOKE ALL ON national_web_sessions, national_region_checks FROM PUBLIC;
GRANT SELECT ON national_task_counts, national_appeal_counts, national_appeal_days, national_acts,
    national_inspections, national_region_checks, national_migrations TO ekn_national_web;
GRANT SELECT (region, attached_at) ON national_regions TO ekn_national_web;
GRANT SELECT, INSERT, UPDATE, DELETE ON national_web_sessions TO ekn_national_web;
