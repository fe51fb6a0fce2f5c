-- Practices of inspection on the national read-side (issue 41; docs/NATIONAL.md, "Anomalies
-- across regions"): what the anomaly detectors read, and nothing that names an object or a person.
--
-- `national_inspections`: each inspection of the region's own territory in the registry the
-- office's connectors fetched — control body, kind, day, district, the object's OKED section,
-- violations, measures, appealed, declared illegal — under a keyed hash of its registry number
-- (the number names its object in the public registry) and of its object's BIN (an individual
-- entrepreneur's BIN is its owner's IIN; the repeat-visit detector needs "the same object", never
-- which). The key is the region's own (`national_pseudonym_key`, never published), so the national
-- side and its analysts cannot turn a pseudonym back by hashing every BIN. Refreshed by difference
-- after each published run of a connector of inspections and when the region is published.
--
-- `national_appeal_days`: the region's appeals counted by the region of their KATO code, category,
-- day received, day decided and outcome — counts, never an appeal — what the refused-appeal
-- detector reads, one row per such cell (`cell` names it). Brought up to date by difference after
-- each batch of appeals' facts and when the region is published, so a batch replicates only the
-- cells it changed.
CREATE TABLE national_pseudonym_key (
    id   integer PRIMARY KEY CHECK (id = 1),
    key  bytea NOT NULL CHECK (length(key) = 32)
);
GRANT SELECT, INSERT ON national_pseudonym_key TO ekn_office_app;

CREATE TABLE national_inspections (
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
);
GRANT SELECT, INSERT, UPDATE, DELETE ON national_inspections TO ekn_office_app;
ALTER PUBLICATION ekn_national ADD TABLE national_inspections;

CREATE TABLE national_appeal_days (
    region         text NOT NULL,
    cell           text NOT NULL,
    appeal_region  text,
    category       text,
    received       date NOT NULL,
    decided        date,
    outcome        text,
    n              bigint NOT NULL,
    PRIMARY KEY (region, cell)
);
GRANT SELECT, INSERT, UPDATE, DELETE ON national_appeal_days TO ekn_office_app;
ALTER PUBLICATION ekn_national ADD TABLE national_appeal_days;
