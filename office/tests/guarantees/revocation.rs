//! A stolen or restored machine. An administrator revokes one workstation (a stolen laptop): it is
//! refused, for good, and purges what it pulled, while its person's office PC goes on; a person is
//! blocked and unblocked, given other districts and a new password. A database restored from a
//! backup and re-admitted leaves no ghost task, no inherited assignment and no lost access-log line.

use ekn::api::ErrorCode;

use crate::support::{bins_of, inspections_in, office_cli, Office, Workstation, PASSWORD};

fn office() -> Option<Office> {
    let office = Office::start()?;
    office.add_user("Асель Нурланова", "prosecutor", "1940");
    office.add_user("Dina Seitkali", "prosecutor", "1940");
    office.add_user("Supervisor Saule", "supervisor", "1940");
    office.add_user("Admin Dana", "admin", "");
    Some(office)
}

#[test]
fn a_revoked_workstation_is_refused_for_good_and_purges_what_it_pulled() {
    let Some(office) = office() else { return };
    let csv = inspections_in(&["1940"], 2);
    let (pc, laptop, dina) = (Workstation::new(&csv), Workstation::new(&csv), Workstation::new(&csv));
    pc.join(&office, "Асель Нурланова", "office PC");
    let laptop_id = laptop.join(&office, "Асель Нурланова", "laptop").link.unwrap().workstation_id;
    dina.join(&office, "Dina Seitkali", "PC");
    crate::add_task(&dina, &bins_of(&csv)[0].0, "Dina's task", "2026-11-02".parse().unwrap());
    dina.session().office().sync().unwrap();
    laptop.session().office().sync().unwrap();
    assert!(laptop.session().office().status().unwrap().pulled_entries > 0);

    // Only an administrator revokes, with a reason.
    let (ok, _, err) = office_cli(
        &office.pg_url,
        &["workstation", "revoke", &laptop_id, "--reason", "stolen", "--as", "Supervisor Saule"],
        &[],
    );
    assert!(!ok && err.contains("not an administrator"), "{err}");
    let (ok, out, err) = office_cli(
        &office.pg_url,
        &["workstation", "revoke", &laptop_id, "--reason", "stolen from a car on 23 November", "--as", "Admin Dana"],
        &[],
    );
    assert!(ok, "{out}{err}");
    let refused = laptop.session().office().sync().unwrap_err();
    assert_eq!(refused.code, ErrorCode::OfficeRevoked, "{}", refused.message);
    let status = laptop.session().office().status().unwrap();
    assert_eq!((status.pulled_entries, status.colleagues_tasks), (0, 0), "what it pulled is purged");
    let journal = laptop.session().journal(&ekn::api::JournalQuery::default()).unwrap();
    assert!(journal.iter().any(|l| l.kind == "office_purged"), "the purge is journaled");
    let context = ekn::api::Context::cli().with_passphrase(laptop.passphrase.clone().unwrap());
    assert!(ekn::api::verify_journal(&laptop.path, &context).unwrap().ok);
    // For good: joining again with the same key is refused.
    let again = laptop.try_join(&office, "Асель Нурланова", "laptop").unwrap_err();
    assert!(again.message.contains("revoked"), "{}", again.message);
    // Her office PC goes on.
    pc.session().office().sync().unwrap();

    // A person blocked is refused on every machine; unblocked, they go on.
    let (ok, _, err) = office_cli(&office.pg_url, &["user", "block", "Dina Seitkali", "--reason", "on leave"], &[]);
    assert!(ok, "{err}");
    assert_eq!(dina.session().office().sync().unwrap_err().code, ErrorCode::OfficeRevoked);
    let (ok, _, err) = office_cli(&office.pg_url, &["user", "unblock", "Dina Seitkali", "--reason", "back"], &[]);
    assert!(ok, "{err}");
    dina.session().office().sync().unwrap();
    // Other districts end the person's sessions; a new password replaces the old one.
    let token = office.login("Dina Seitkali");
    let (ok, _, err) = office_cli(&office.pg_url, &["user", "districts", "Dina Seitkali", "5532"], &[]);
    assert!(ok, "{err}");
    assert_eq!(office.get(&token, "/v1/tasks").0, 401);
    let (ok, _, err) = office_cli(
        &office.pg_url,
        &["user", "password", "Dina Seitkali"],
        &[("EKN_OFFICE_PASSWORD", "a brand new passphrase")],
    );
    assert!(ok, "{err}");
    let old = crate::support::http()
        .post(format!("{}/v1/login", office.server.url))
        .json(&serde_json::json!({"name": "Dina Seitkali", "password": PASSWORD}))
        .send()
        .unwrap();
    assert_eq!(old.status().as_u16(), 401);
}

#[test]
fn a_restored_and_readmitted_database_leaves_no_ghost_task_inherited_assignment_or_lost_read() {
    let Some(office) = office() else { return };
    let csv = inspections_in(&["1940"], 2);
    let (bin, other_bin) = (bins_of(&csv)[0].0.clone(), bins_of(&csv)[1].0.clone());
    let (wa, wsup, dina) = (Workstation::new(&csv), Workstation::new(&csv), Workstation::new(&csv));
    let ws_id = wa.join(&office, "Асель Нурланова", "office PC").link.unwrap().workstation_id;
    wsup.join(&office, "Supervisor Saule", "supervisor's PC");
    dina.join(&office, "Dina Seitkali", "PC");
    wa.session().office().sync().unwrap();
    let backup = wa.dir.path().join("before.ekn-backup");
    wa.session().vault().backup(&backup, None).unwrap();

    // After the backup: a task, assigned by the supervisor to Dina, and a card opened.
    let ghost = crate::add_task(&wa, &bin, "a task the backup never saw", "2026-11-02".parse().unwrap());
    wa.session().registry().card(&bin).unwrap();
    wa.session().office().sync().unwrap();
    wsup.session().office().sync().unwrap();
    let theirs = wsup
        .session()
        .tasks()
        .desk("2026-11-23".parse().unwrap(), None)
        .unwrap()
        .overdue
        .iter()
        .find(|v| v.task.title == "a task the backup never saw")
        .unwrap()
        .task
        .id;
    wsup.session().office().assign(theirs, "Dina Seitkali", "Асель is away").unwrap();
    dina.session().office().sync().unwrap();
    assert_eq!(dina.session().office().status().unwrap().colleagues_tasks, 1);
    let key = format!("task:{ws_id}/{ghost}");
    assert_eq!(office.pg.psql("ekn", &format!("SELECT count(*) FROM assignments WHERE object_key = '{key}'")), "1");

    // The disk fails; the backup is restored and re-admitted.
    let restored_dir = tempfile::tempdir().unwrap();
    let to = restored_dir.path().join("ekn.db");
    let passphrase = wa.passphrase.clone().unwrap();
    ekn::api::restore_backup(&backup, &to, ekn::api::Context::cli().with_passphrase(passphrase.clone())).unwrap();
    let restored = Workstation { dir: restored_dir, path: to, passphrase: Some(passphrase) };
    let refused = restored.session().office().sync().unwrap_err();
    let epoch = refused.message.split("(epoch ").nth(1).unwrap().split(' ').next().unwrap().to_string();
    let (ok, _, err) = office_cli(
        &office.pg_url,
        &["workstation", "readmit", &ws_id, "--epoch", &epoch, "--reason", "restored from Monday's backup"],
        &[],
    );
    assert!(ok, "{err}");
    // The restored database makes a task under the same local number, and opens a card again.
    let reused = crate::add_task(&restored, &other_bin, "a new task after the restore", "2026-11-03".parse().unwrap());
    assert_eq!(reused, ghost, "the restored database numbers its tasks again from the backup");
    restored.session().registry().card(&other_bin).unwrap();
    restored.session().office().sync().unwrap();

    // The office: the key names the new task, its old assignment did not pass to it.
    let title = office.pg.psql("ekn", &format!("SELECT state->>'title' FROM office_tasks WHERE object_key = '{key}'"));
    assert_eq!(title, "a new task after the restore");
    assert_eq!(office.pg.psql("ekn", &format!("SELECT count(*) FROM assignments WHERE object_key = '{key}'")), "0");
    // Dina's replica no longer holds the ghost she was assigned.
    dina.session().office().sync().unwrap();
    let desk = dina.session().tasks().desk("2026-11-23".parse().unwrap(), Some("Dina Seitkali")).unwrap();
    assert!(
        desk.overdue
            .iter()
            .chain(&desk.due_today)
            .chain(&desk.next_7_working_days)
            .all(|v| v.task.title != "a task the backup never saw"),
        "a ghost task stayed on the assignee's desk"
    );
    // Both card readings are in the access log: the restored database's own numbers are new reads.
    let cards = office.pg.psql(
        "ekn",
        &format!(
            "SELECT count(*) FROM access_log WHERE action = 'card' AND person = 'Асель Нурланова' AND ws = '{ws_id}'"
        ),
    );
    assert_eq!(cards, "2");
}
