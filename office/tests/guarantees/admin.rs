//! Administration from the app (issue 64): an administrator logged in with their own name and
//! password sees the office's people, workstations and incidents and acts on them — adds, blocks,
//! unblocks, sets districts, revokes, re-admits — each with a reason, each journaled by the
//! database in the same transaction. The server's own role (`ekn_office_app`, as deployed) still
//! changes nobody outside such a transaction: a write without an administrator's live session in
//! the journal is refused by PostgreSQL itself, and the journal cannot be rewritten.

use ekn::api::ErrorCode;
use serde_json::json;

use crate::office_of_three;
use crate::support::{inspections_in, Workstation, PASSWORD};

fn journal_line(overview: &serde_json::Value, action: &str, subject: &str) -> serde_json::Value {
    overview["journal"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["action"] == action && l["subject"] == subject)
        .cloned()
        .unwrap_or_else(|| panic!("{action} {subject} journaled: {overview:#}"))
}

#[test]
fn an_administrator_administers_from_the_app_and_the_database_journals_every_change() {
    let Some(office) = office_of_three() else { return };
    office.add_user("Admin Dana", "admin", "");
    let asel = Workstation::new(&inspections_in(&["1940"], 2));
    asel.join(&office, "Асель Нурланова", "office PC");
    let bekzat = Workstation::new(&inspections_in(&["5532"], 2));
    bekzat.join(&office, "Bekzat Omarov", "laptop");
    let admin = office.login("Admin Dana");

    // What an administrator sees: people (never a hash), workstations with their person.
    let (status, seen) = office.get(&admin, "/v1/admin");
    assert_eq!(status, 200, "{seen}");
    let names: Vec<&str> = seen["people"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert!(names.contains(&"Асель Нурланова") && names.contains(&"Admin Dana"), "{names:?}");
    assert!(!seen.to_string().contains("argon2"), "no password hash leaves the office");
    // The office's connectors with their runs: the registry fetched once for everyone, who ran it.
    let _portal = super::effect::fetch_registry(&office, &inspections_in(&["1940"], 3));
    let (_, seen) = office.get(&admin, "/v1/admin");
    let connector = &seen["connectors"][0];
    assert_eq!((&connector["name"], &connector["data"]), (&json!("registry"), &json!("inspections")), "{seen:#}");
    assert_eq!(connector["runs"][0]["status"], "published", "{connector:#}");
    assert_eq!(connector["runs"][0]["started_by"], "Admin Dana");
    let laptop = seen["workstations"].as_array().unwrap().iter().find(|w| w["person"] == "Bekzat Omarov").unwrap();
    let laptop_id = laptop["id"].as_str().unwrap().to_string();

    // Nobody else: a supervisor's session, or a workstation's signature, is refused.
    let supervisor = office.login("Supervisor Saule");
    assert_eq!(office.get(&supervisor, "/v1/admin").0, 403);
    let (status, _) =
        office.post(&supervisor, "/v1/admin/act", json!({"action": "block", "name": "Bekzat Omarov", "reason": "x"}));
    assert_eq!(status, 403);
    assert_eq!(office.get("not-a-token", "/v1/admin").0, 401);

    // Block with a reason: her sessions end and her workstation's sync is refused; journaled.
    let (status, refused) =
        office.post(&admin, "/v1/admin/act", json!({"action": "block", "name": "Асель Нурланова", "reason": " "}));
    assert_eq!(status, 400, "{refused}");
    let (status, after) = office.post(
        &admin,
        "/v1/admin/act",
        json!({"action": "block", "name": "Асель Нурланова", "reason": "в отпуске"}),
    );
    assert_eq!(status, 200, "{after}");
    assert_eq!(asel.session().office().sync().unwrap_err().code, ErrorCode::OfficeRevoked);
    let line = journal_line(&after, "block", "Асель Нурланова");
    assert_eq!((&line["admin"], &line["reason"]), (&json!("Admin Dana"), &json!("в отпуске")));
    assert_eq!(after["journal"].as_array().unwrap().len(), 1, "the refused block left nothing: {after:#}");
    let (_, after) = office.post(
        &admin,
        "/v1/admin/act",
        json!({"action": "unblock", "name": "Асель Нурланова", "reason": "вернулась"}),
    );
    asel.session().office().sync().unwrap();
    journal_line(&after, "unblock", "Асель Нурланова");

    // Districts set, a person added (who then logs in with the first password), a name unknown refused.
    let (status, after) = office.post(
        &admin,
        "/v1/admin/act",
        json!({"action": "set_districts", "name": "Bekzat Omarov", "districts": ["5532", "5522"], "reason": "замещает"}),
    );
    assert_eq!(status, 200, "{after}");
    let bek = after["people"].as_array().unwrap().iter().find(|p| p["name"] == "Bekzat Omarov").unwrap();
    assert_eq!(bek["districts"], json!(["5532", "5522"]));
    let (status, bad) = office.post(
        &admin,
        "/v1/admin/act",
        json!({"action": "set_districts", "name": "Bekzat Omarov", "districts": ["55,22"], "reason": "x"}),
    );
    assert_eq!(status, 400, "{bad}");
    let (status, _) = office.post(
        &admin,
        "/v1/admin/act",
        json!({"action": "add_person", "name": "Analyst Arman", "role": "analyst", "districts": [], "password": PASSWORD, "reason": "новый аналитик"}),
    );
    assert_eq!(status, 200);
    office.login("Analyst Arman");
    let (status, _) = office.post(&admin, "/v1/admin/act", json!({"action": "block", "name": "Nobody", "reason": "x"}));
    assert_eq!(status, 404);

    // From the app: the administrator logs in through a joined workstation (its office, its pinned
    // trust) with their own password — a prosecutor's password opens no administration — and
    // revokes Bekzat's laptop: its next sync is refused, the incident is on the to-do list.
    let as_admin = |user: &str| ekn::api::office::OfficeLoginParams {
        url: None,
        user: user.into(),
        password: PASSWORD.into(),
        tls_ca: None,
        tls_pin: None,
    };
    let not_admin = asel.session().office().admin_login(&as_admin("Асель Нурланова")).err().unwrap();
    assert!(not_admin.message.contains("not an administrator"), "{}", not_admin.message);
    let session = asel.session().office().admin_login(&as_admin("Admin Dana")).unwrap();
    let reasonless = ekn::api::office::AdminAction::Revoke { workstation: laptop_id.clone(), reason: " ".into() };
    assert_eq!(session.act(&reasonless).unwrap_err().code, ErrorCode::InvalidInput);
    let revoke = ekn::api::office::AdminAction::Revoke {
        workstation: laptop_id.clone(),
        reason: "украден 23 ноября".into(),
    };
    let view = session.act(&revoke).unwrap();
    assert_eq!(view.person, "Admin Dana");
    assert_eq!(bekzat.session().office().sync().unwrap_err().code, ErrorCode::OfficeRevoked);
    let incident = view.overview.incidents.iter().find(|i| i.kind == "revoked").unwrap();
    assert_eq!(incident.workstation.as_deref(), Some(laptop_id.as_str()));
    assert!(incident.detail.contains("Admin Dana"), "{incident:?}");
    let after = serde_json::to_value(&view.overview).unwrap();
    journal_line(&after, "revoke", &laptop_id);
    // The administration as a workbook in Russian, read back by another library: the revocation
    // among the incidents and in the administrators' journal, with its reason.
    let (name, bytes) = session.report(ekn::api::office::ReportFormat::Xlsx, ekn::i18n::Lang::Ru).unwrap();
    assert!(name.starts_with("office-administration-") && name.ends_with(".xlsx"), "{name}");
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let sheets = book.sheet_names();
    assert!(
        sheets.iter().any(|s| s == "Инциденты") && sheets.iter().any(|s| s == "Журнал администраторов"),
        "{sheets:?}"
    );
    let journal = book.worksheet_range("Журнал администраторов").unwrap();
    let rows: Vec<String> =
        journal.rows().map(|r| r.iter().map(|c| c.to_string()).collect::<Vec<_>>().join("|")).collect();
    assert!(rows.iter().any(|r| r.contains("revoke") && r.contains("украден 23 ноября")), "{rows:?}");
    // Who looked at whom, the whole office's, read with the administrator's own session: her own
    // reading among the lines, every line's hash and its neighbours' links checked in the app; a
    // filter narrows it, and the reading is a file too.
    let hers = ekn::api::office::AccessLogParams { person: Some("Admin Dana".into()), ..Default::default() };
    let hers = session.access_log(&hers, chrono::Utc::now()).unwrap();
    assert!(!hers.lines.is_empty() && hers.lines.iter().all(|l| l.person == "Admin Dana"));
    let everything = ekn::api::office::AccessLogParams::default();
    let log = session.access_log(&everything, chrono::Utc::now()).unwrap();
    assert!(log.check.holds() && log.check.linked_pairs > 0, "{:?}", log.check);
    assert!(log.lines.iter().filter(|l| l.person == "Admin Dana" && l.action == "access_log").count() >= 2);
    let (name, _) = session
        .access_log_report(&everything, ekn::api::office::ReportFormat::Xlsx, ekn::i18n::Lang::Kk, chrono::Utc::now())
        .unwrap();
    assert!(name.starts_with("office-access-log-"), "{name}");
    session.logout();

    // The server's role, as deployed, changes nobody on its own: no journaled action in its
    // transaction, no write; a supervisor's session does not open one; the journal stays as written.
    let app = |sql: &str| office.pg.psql_as("ekn_office_app", "ekn", sql);
    assert_eq!(
        app("UPDATE people SET blocked_at = now() WHERE name = 'Bekzat Omarov' RETURNING id").unwrap(),
        "UPDATE 0"
    );
    let refused =
        app("INSERT INTO people(name, role, districts, password_hash) VALUES ('Mallory', 'admin', '{}', 'x')");
    assert!(refused.unwrap_err().contains("row-level security"));
    let digest = |token: &str| {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(token.as_bytes()))
    };
    let opened = app(&format!("SELECT ekn_admin_begin('{}', 'block', 'Bekzat Omarov', 'x')", digest(&supervisor)));
    assert!(opened.unwrap_err().contains("not a live administrator"));
    let rewritten = office.pg.psql_as("ekn", "ekn", "UPDATE admin_journal SET reason = 'nothing happened'");
    assert!(rewritten.unwrap_err().contains("append-only"));
    assert!(
        app("SELECT count(*) FROM admin_journal").is_err(),
        "the app role reads the journal only through its function"
    );
    // An administrator blocked at the console: their session is over.
    let (ok, _, err) =
        crate::support::office_cli(&office.pg_url, &["user", "block", "Admin Dana", "--reason", "left"], &[]);
    assert!(ok, "{err}");
    assert_eq!(office.get(&admin, "/v1/admin").0, 401);
}
