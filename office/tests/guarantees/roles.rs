//! Row-level security as deployed: the documented set-up (an owner with no right to create roles,
//! the server's own role) migrates and serves; the server refuses to serve as anything but
//! `ekn_office_app`; that role reads nothing without a scope, never a password hash or the office
//! key, and cannot delete a word; and the access log's verification cannot pass by reading nothing.

use crate::support::{inspections_in, office_cli, Office, Workstation, SUPERUSER};

fn office() -> Option<Office> {
    let office = Office::start()?;
    office.add_user("Асель Нурланова", "prosecutor", "1940");
    office.add_user("Bekzat Omarov", "prosecutor", "5532");
    Some(office)
}

#[test]
fn the_documented_set_up_migrates_as_a_plain_owner_and_serves_only_as_the_app_role() {
    let Some(office) = office() else { return };
    // The owner is what `createuser ekn` makes: no superuser, no right to create roles; it migrated.
    let owner = office.pg.psql(
        "ekn",
        "SELECT rolsuper || ',' || rolcreaterole || ',' || rolbypassrls FROM pg_roles WHERE rolname = 'ekn'",
    );
    assert_eq!(owner, "false,false,false");
    let key = office.key_file.display().to_string();
    // Migrating again changes nothing and keeps the key.
    let (ok, out, err) = office_cli(&office.pg_url, &["migrate", "--key-file", &key], &[]);
    assert!(ok && out.contains("[]"), "{out}{err}");
    // Served as the owner, row-level security would not judge the owner's reads the same way: refused.
    let (ok, _, err) = office_cli(&office.pg_url, &["serve", "--listen", "127.0.0.1:0", "--key-file", &key], &[]);
    assert!(!ok && err.contains("owner of the office's tables") && err.contains("ekn_office_app"), "{err}");
    // Served as a superuser: refused.
    let superuser = office.pg.url_as(SUPERUSER, "ekn");
    let (ok, _, err) = office_cli(&superuser, &["serve", "--listen", "127.0.0.1:0", "--key-file", &key], &[]);
    assert!(!ok && err.contains("superuser"), "{err}");
    // Migrating as the server's role: refused before anything.
    let (ok, _, err) = office_cli(&office.app_url, &["migrate", "--key-file", &key], &[]);
    assert!(!ok && err.contains("owner"), "{err}");
    // A console change needs the owner, and says so in words (not "db error").
    let (ok, _, err) = office_cli(
        &office.app_url,
        &["user", "add", "Someone", "--role", "prosecutor", "--districts", "1940"],
        &[("EKN_OFFICE_PASSWORD", crate::support::PASSWORD)],
    );
    // (The server's role may add a person only in a transaction an administrator's session opened
    // in the administrators' journal, migration 0022: row-level security refuses it here.)
    let refused = err.contains("permission denied") || err.contains("row-level security");
    assert!(!ok && refused && err.contains("owner's connection"), "{err}");
    // A key file that is not the office's is never taken: a new key would be refused by every workstation.
    let other = office.pg.dir.join("other.key");
    std::fs::write(&other, format!("{}\n", "11".repeat(32))).unwrap();
    std::fs::set_permissions(&other, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    let (ok, _, err) = office_cli(
        &office.app_url,
        &["serve", "--listen", "127.0.0.1:0", "--key-file", &other.display().to_string()],
        &[],
    );
    assert!(!ok && err.contains("another key"), "{err}");
}

#[test]
fn the_servers_role_reads_nothing_without_a_scope_and_never_a_secret() {
    let Some(office) = office() else { return };
    let csv = inspections_in(&["1940"], 2);
    let wa = Workstation::new(&csv);
    wa.join(&office, "Асель Нурланова", "office PC");
    let bin = crate::support::bins_of(&csv)[0].0.clone();
    let mut s = wa.session();
    s.tasks()
        .note(
            crate::add_task(&wa, &bin, "a task with a note", "2026-11-02".parse().unwrap()),
            "a note that names a person",
        )
        .unwrap();
    s.registry().card(&bin).unwrap();
    s.office().sync().unwrap();
    let app = |sql: &str| office.pg.psql_as("ekn_office_app", "ekn", sql);
    for table in [
        "events",
        "event_personal",
        "office_tasks",
        "object_districts",
        "access_log",
        "assignments",
        "conflicts",
        "dashboard_counts",
        "dashboard_tasks",
    ] {
        let all: i64 = office.pg.psql("ekn", &format!("SELECT count(*) FROM {table}")).parse().unwrap();
        let seen = app(&format!("SELECT count(*) FROM {table}")).unwrap();
        assert_eq!(seen, "0", "{table}: the server's role read rows without any scope set ({all} exist)");
    }
    assert!(office.pg.psql("ekn", "SELECT count(*) FROM events") != "0");
    // With a scope, exactly the scope.
    let scoped = |districts: &str| {
        app(&format!(
            "BEGIN; SELECT set_config('ekn.districts', '{districts}', true); SELECT count(*) FROM events; COMMIT;"
        ))
        .unwrap()
        .lines()
        .rfind(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_digit()))
        .unwrap()
        .to_string()
    };
    assert_ne!(scoped("1940"), "0");
    assert_eq!(scoped("5532"), "0");
    // Secrets are out of its reach; nothing it reads can be edited or deleted behind the guard.
    for sql in [
        "SELECT password_hash FROM people",
        "SELECT secret FROM office_key",
        "DELETE FROM event_personal",
        "UPDATE events SET entry = '{}'::jsonb",
        "DELETE FROM access_log",
        "INSERT INTO people(name, role, districts, password_hash) VALUES ('x', 'admin', '{*}', 'x')",
        "ALTER TABLE events DISABLE ROW LEVEL SECURITY",
    ] {
        let refused = app(sql).unwrap_err();
        // A person is added only as an administrator's journaled action (migration 0022): row-level
        // security refuses the bare insert.
        let policy = sql.starts_with("INSERT INTO people") && refused.contains("violates row-level security policy");
        assert!(
            refused.contains("permission denied") || refused.contains("must be owner") || policy,
            "{sql}: {refused}"
        );
    }
    // The office key's secret is not in the database at all.
    assert_eq!(office.pg.psql("ekn", "SELECT count(*) FROM office_key WHERE secret IS NOT NULL"), "0");
}

#[test]
fn the_access_logs_verification_cannot_pass_by_reading_nothing() {
    let Some(office) = office() else { return };
    let token = office.login("Асель Нурланова");
    for bin in ["000000000001", "000000000002", "000000000003"] {
        office.get(&token, &format!("/v1/cards/{bin}"));
    }
    let (ok, out, err) = office_cli(&office.pg_url, &["access-log", "--verify"], &[]);
    assert!(ok && out.contains("3 lines"), "{out}{err}");
    // A line removed behind the log's back (its head still says three).
    office.pg.psql(
        "ekn",
        "ALTER TABLE access_log DISABLE TRIGGER access_log_append_only; DELETE FROM access_log WHERE seq = 3; \
         ALTER TABLE access_log ENABLE TRIGGER access_log_append_only;",
    );
    let (ok, _, err) = office_cli(&office.pg_url, &["access-log", "--verify"], &[]);
    assert!(!ok && err.contains("head says 3") && err.contains("reads 2"), "{err}");
}

#[test]
fn the_access_log_takes_reads_from_their_workstation_only_and_keeps_them_in_their_district() {
    let Some(office) = office() else { return };
    office.add_user("Supervisor 5532", "supervisor", "5532");
    office.add_user("Supervisor 1940", "supervisor", "1940");
    // A person's session may not report reads (a workstation reports its own, signed).
    let token = office.login("Асель Нурланова");
    let read = serde_json::json!([{ "action": "card", "subject": "000000000001", "district": "5532",
        "outcome": "allowed", "at": chrono::Utc::now().to_rfc3339(), "local_id": 1, "detail": null }]);
    assert_eq!(office.post(&token, "/v1/access", read.clone()).0, 403);
    // A workstation's report is taken bounded, only as what its person opened, placed by the office.
    let rogue = crate::support::Rogue::enrol(&office, "Асель Нурланова", 9);
    let refused = serde_json::json!([{ "action": "card", "subject": "x", "district": null, "outcome": "refused",
        "at": chrono::Utc::now().to_rfc3339(), "local_id": 2, "detail": null }]);
    let (status, _, _) = rogue.signed("POST", "/v1/access", &serde_json::to_vec(&refused).unwrap(), None);
    assert_eq!(status, 400, "a workstation does not log refusals in the office's name");
    let (status, body, _) = rogue.signed("POST", "/v1/access", &serde_json::to_vec(&read).unwrap(), None);
    assert_eq!(status, 200, "{body}");
    // It claimed 5532; the office knows nothing of the card, so it stands in the reader's own district.
    let line = office.pg.psql("ekn", "SELECT district FROM access_log WHERE local_id = 1");
    assert_eq!(line, "1940");
    // Each supervisor reads the lines of their districts, never the other's.
    let (_, log_5532) = office.get(&office.login("Supervisor 5532"), "/v1/access-log");
    assert!(!log_5532.to_string().contains("000000000001"), "{log_5532}");
    let (_, log_1940) = office.get(&office.login("Supervisor 1940"), "/v1/access-log");
    assert!(log_1940.to_string().contains("000000000001"), "{log_1940}");
}
