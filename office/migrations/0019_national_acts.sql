-- The acts' effectiveness on the national read-side (issue 41; docs/NATIONAL.md, "The acts'
-- effectiveness"): each act of response as the KPIs read it — its kind, the day issued, the last
-- day of the addressee's period (and the norm it comes from, when that is unconfirmed), its
-- district (four digits of KATO), the latest answer's result and day, the latest court decision,
-- its quality at issuance — and nothing that names it or anyone: no object, no number, no
-- addressee, no author, no text. The office refills it whole after every push that carries an act,
-- an outcome, a draft or a destruction act (`national::refresh_acts`, behind an advisory lock), and
-- when the region is published; the national side computes the KPIs with the workstations' code.
CREATE TABLE national_acts (
    region               text NOT NULL,
    id                   bigserial,
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
);
GRANT SELECT, INSERT, DELETE ON national_acts TO ekn_office_app;
GRANT USAGE ON SEQUENCE national_acts_id_seq TO ekn_office_app;
ALTER PUBLICATION ekn_national ADD TABLE national_acts;

