-- The office's own connectors: registry data (inspections, risk scores) the office fetches once for
-- every workstation instead of each fetching it. Pages are staged here until a run's last page is
-- in; only then is the run published (its records' size and SHA-256 set) and offered to the
-- workstations with their pulls, which download and import it. A run cut off keeps its pages and
-- is resumed from its last cursor. The server runs them as the owner; the app role (the pull and
-- the download of a run's records) only reads.
CREATE TABLE office_connectors (
    name      text PRIMARY KEY,
    spec      jsonb NOT NULL,
    added_by  text NOT NULL,
    added_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE office_connector_runs (
    id            bigserial PRIMARY KEY,
    connector     text NOT NULL,
    -- staging: pages being fetched (or cut off: resumed by the next run); published: offered to
    -- the workstations; unchanged: the published file had not changed (304); failed: given up.
    status        text NOT NULL CHECK (status IN ('staging', 'published', 'unchanged', 'failed')),
    version       text NOT NULL,
    started_by    text NOT NULL,
    started_at    timestamptz NOT NULL DEFAULT now(),
    finished_at   timestamptz,
    requests      integer NOT NULL DEFAULT 0,
    retries       integer NOT NULL DEFAULT 0,
    too_many      integer NOT NULL DEFAULT 0,
    error         text,
    -- The portal refused (a key, a dataset): the schedule waits for a person instead of knocking.
    refused       boolean NOT NULL DEFAULT false,
    etag          text,
    last_modified text,
    file_name     text,
    source        text,
    records       bigint,
    bytes         bigint,
    sha256        text
);
CREATE INDEX office_connector_runs_by_connector ON office_connector_runs(connector, id);

CREATE TABLE office_connector_pages (
    run_id   bigint NOT NULL REFERENCES office_connector_runs(id) ON DELETE CASCADE,
    page     integer NOT NULL,
    -- The page's records as the portal sent them (a JSON array), or the published file itself.
    body     bytea NOT NULL,
    records  integer NOT NULL,
    cursor   text,
    PRIMARY KEY (run_id, page)
);

GRANT SELECT ON office_connectors, office_connector_runs, office_connector_pages TO ekn_office_app;
