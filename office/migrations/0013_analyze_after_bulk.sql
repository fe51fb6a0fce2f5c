-- Fresh statistics after a large backlog arrives (docs/PERFORMANCE.md, the pull after a fast load):
-- a hundred thousand entries pushed in seconds would otherwise be read by pulls on statistics of an
-- almost empty table until autovacuum wakes. Only a table's owner may ANALYZE it; this one function,
-- run as the owner, lets the server ask for it after every 20,000 entries it stored.
CREATE FUNCTION ekn_analyze_events() RETURNS void LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public, pg_temp AS $$
BEGIN
    ANALYZE events;
    ANALYZE event_personal;
    ANALYZE office_tasks;
END $$;
REVOKE ALL ON FUNCTION ekn_analyze_events() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ekn_analyze_events() TO ekn_office_app;
