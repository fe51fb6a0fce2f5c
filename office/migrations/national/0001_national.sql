-- The national database's own tables (docs/NATIONAL.md): the regions attached, and the tables
-- each region publishes, partitioned by region (one partition per region, made when it is
-- attached: `national::attach`). Numbered like the office's migrations, in their own table
-- (`national_migrations`). This first one was the schema `national init` created in code before
-- the national side had migrations, so it is written to be a no-op on a database made by it
-- (IF NOT EXISTS): such a database is recorded at 1 and takes every later one in order.
CREATE TABLE IF NOT EXISTS national_regions (
    region       text PRIMARY KEY,
    conninfo     text NOT NULL,
    attached_at  timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS national_task_counts (
    region    text NOT NULL,
    cell      text NOT NULL,
    district  text,
    category  text,
    status    text NOT NULL,
    due       date,
    done_on   date,
    n         bigint NOT NULL,
    PRIMARY KEY (region, cell)
) PARTITION BY LIST (region);
CREATE TABLE IF NOT EXISTS national_appeal_counts (
    region    text NOT NULL,
    cell      text NOT NULL,
    district  text,
    category  text,
    month     date NOT NULL,
    n         bigint NOT NULL,
    PRIMARY KEY (region, cell)
) PARTITION BY LIST (region);
CREATE TABLE IF NOT EXISTS national_cosignatures (
    region       text NOT NULL,
    ws           text NOT NULL,
    epoch        text NOT NULL,
    size         bigint NOT NULL,
    merkle_root  text NOT NULL,
    at           text NOT NULL,
    signature    text NOT NULL,
    PRIMARY KEY (region, ws, size)
) PARTITION BY LIST (region);
ALTER TABLE national_regions ADD COLUMN IF NOT EXISTS office_key text;
CREATE TABLE IF NOT EXISTS national_acts (
    region               text NOT NULL,
    id                   bigint NOT NULL,
    kind                 text NOT NULL,
    issued_on            date NOT NULL,
    response_due         date,
    unconfirmed_norm     text,
    district             text NOT NULL,
    answer               text,
    answer_on            date,
    court                text,
    checklist_complete   boolean,
    placeholders_filled  boolean,
    formal_defect        boolean NOT NULL,
    PRIMARY KEY (region, id)
) PARTITION BY LIST (region);
CREATE TABLE IF NOT EXISTS national_inspections (
    region            text NOT NULL,
    key               text NOT NULL,
    subject           text NOT NULL,
    body              text NOT NULL,
    kind              text NOT NULL,
    day               date NOT NULL,
    district          text NOT NULL,
    oked_section      text,
    violations        integer NOT NULL,
    sanctions         text NOT NULL,
    appealed          boolean,
    declared_illegal  boolean,
    PRIMARY KEY (region, key)
) PARTITION BY LIST (region);
CREATE TABLE IF NOT EXISTS national_appeal_days (
    region         text NOT NULL,
    cell           text NOT NULL,
    appeal_region  text,
    category       text,
    received       date NOT NULL,
    decided        date,
    outcome        text,
    n              bigint NOT NULL,
    PRIMARY KEY (region, cell)
) PARTITION BY LIST (region);
CREATE TABLE IF NOT EXISTS national_chain (
    region      text NOT NULL,
    ws          text NOT NULL,
    epoch       text NOT NULL,
    seq         bigint NOT NULL,
    global_seq  bigint NOT NULL,
    prev_hash   text NOT NULL,
    hash        text NOT NULL,
    PRIMARY KEY (region, ws, epoch, seq)
) PARTITION BY LIST (region);
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ekn_national_analyst') THEN
        CREATE ROLE ekn_national_analyst NOLOGIN;
    END IF;
END $$;
REVOKE ALL ON national_regions, national_chain, national_cosignatures, national_acts, national_inspections,
    national_appeal_days FROM PUBLIC;
GRANT SELECT ON national_task_counts, national_appeal_counts, national_appeal_days TO ekn_national_analyst;
