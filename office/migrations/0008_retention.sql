-- Lawful destruction reaches the office's copy. A pushed entry's personal data (journal v2: a
-- note, a reason, a title, a file name — the chain covers only its salted digest) lives apart
-- from the entry, in `event_personal`, which nothing may change and only one audited function may
-- delete from: `ekn_redact`, called when a workstation's destruction act arrives. The entry stays
-- whole and its chain still verifies; the act and what it cleared are kept, and numbered in the
-- office's order so every replica pulls the redaction too.

CREATE TABLE event_personal (
    global_seq  bigint PRIMARY KEY REFERENCES events(global_seq),
    personal    jsonb NOT NULL
);
INSERT INTO event_personal(global_seq, personal)
    SELECT global_seq, entry->'personal' FROM events WHERE jsonb_typeof(entry->'personal') = 'object';
ALTER TABLE events DISABLE TRIGGER events_guard;
UPDATE events SET entry = entry - 'personal' - 'redacted_by' WHERE entry ? 'personal' OR entry ? 'redacted_by';
ALTER TABLE events ENABLE TRIGGER events_guard;

ALTER TABLE event_personal ENABLE ROW LEVEL SECURITY;
ALTER TABLE event_personal FORCE ROW LEVEL SECURITY;
-- Readable with the entry it belongs to (the events' own policy decides).
CREATE POLICY event_personal_read ON event_personal FOR SELECT USING (
    EXISTS (SELECT 1 FROM events e WHERE e.global_seq = event_personal.global_seq));
CREATE POLICY event_personal_insert ON event_personal FOR INSERT WITH CHECK (
    EXISTS (SELECT 1 FROM events e WHERE e.global_seq = event_personal.global_seq
            AND e.ws = current_setting('ekn.writer', true)));
-- Only inside `ekn_redact` (the app role has no right to delete at all).
CREATE POLICY event_personal_redact ON event_personal FOR DELETE USING (current_setting('ekn.redacting', true) = 'on');
GRANT SELECT, INSERT ON event_personal TO ekn_office_app;

CREATE FUNCTION ekn_event_personal_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('ekn.redacting', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'personal data of the office''s entries is changed only by a destruction act (ekn_redact)';
END $$;
CREATE TRIGGER event_personal_guard BEFORE UPDATE OR DELETE ON event_personal
    FOR EACH ROW EXECUTE FUNCTION ekn_event_personal_guard();

-- Each destruction act the office carried out: whose, carried by which entry, what it names (appeal
-- numbers and document keys, never content), which of the office's entries it cleared, and its
-- place in the office's order (the notice every replica pulls).
CREATE TABLE redaction_acts (
    id            bigserial PRIMARY KEY,
    act_number    text NOT NULL,
    ws            text NOT NULL REFERENCES workstations(id),
    person_id     bigint NOT NULL REFERENCES people(id),
    entry_global  bigint NOT NULL REFERENCES events(global_seq),
    global_seq    bigint NOT NULL UNIQUE,
    records       jsonb NOT NULL,
    entries       bigint[] NOT NULL,
    -- Entries about the records written before journal v2, whose text the chain hashes as it was.
    kept_v1       integer NOT NULL,
    -- Entries about the records placed outside the act's author's districts: theirs to destroy.
    kept_outside  integer NOT NULL,
    at            timestamptz NOT NULL DEFAULT now(),
    UNIQUE (ws, act_number)
);
CREATE TABLE redactions (
    global_seq  bigint PRIMARY KEY REFERENCES events(global_seq),
    act_id      bigint NOT NULL REFERENCES redaction_acts(id)
);
GRANT SELECT ON redaction_acts, redactions TO ekn_office_app;

-- The one exception to the guard: clears the personal data of `entries` under the act carried by
-- the entry `entry_global` (which must be that workstation's `retention_applied`), and records it.
CREATE FUNCTION ekn_redact(act text, by_ws text, by_person bigint, entry_global bigint, notice_global bigint,
                           records jsonb, entries bigint[], kept_v1 integer, kept_outside integer)
    RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    act_id bigint;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM events e WHERE e.global_seq = entry_global AND e.ws = by_ws
                   AND e.kind = 'retention_applied') THEN
        RAISE EXCEPTION 'entry % is not a destruction act of workstation %', entry_global, by_ws;
    END IF;
    INSERT INTO redaction_acts(act_number, ws, person_id, entry_global, global_seq, records, entries, kept_v1, kept_outside)
        VALUES (act, by_ws, by_person, entry_global, notice_global, records, entries, kept_v1, kept_outside)
        RETURNING id INTO act_id;
    PERFORM set_config('ekn.redacting', 'on', true);
    DELETE FROM event_personal p WHERE p.global_seq = ANY(entries);
    PERFORM set_config('ekn.redacting', 'off', true);
    INSERT INTO redactions(global_seq, act_id) SELECT x, act_id FROM unnest(entries) AS x ON CONFLICT DO NOTHING;
    RETURN act_id;
END $$;
REVOKE ALL ON FUNCTION ekn_redact(text, text, bigint, bigint, bigint, jsonb, bigint[], integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ekn_redact(text, text, bigint, bigint, bigint, jsonb, bigint[], integer, integer) TO ekn_office_app;
