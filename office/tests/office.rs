//! The office against a real PostgreSQL and the real `ekn-office` server, with workstations as
//! real `ekn` databases: push and pull within scope, a batch sent again, a copied database
//! refused as a fork with nothing applied, a restored one refused until re-admitted, a card
//! outside a prosecutor's districts refused and logged, the access log's chain, a puller that
//! never misses an entry committed late, a server killed in the middle of a push, and the
//! office's dashboard adding up to the workstations' own, and one appeal's deadline extended
//! offline on two workstations: both kept, one conflict, the earlier date in force until a
//! supervisor resolves it with a reason; a supervisor hands a task to another prosecutor, and
//! appeals' SLA tasks go by rule to the least-loaded member of the routed unit.

mod guarantees;
#[path = "../../tests/shared/help_walk.rs"]
mod help_walk;
mod support;

use ekn::api::office::{OfficeReport, ReportFormat};
use std::collections::BTreeMap;

use chrono::NaiveDate;
use ekn::api::tasks::NewTaskRequest;
use ekn::domain::deadline::{Period, Unit};
use ekn::domain::tasks::TaskKind;
use support::{bins_of, inspections_in, office_cli, open_appeals_in, Office, Workstation};

/// A task on `bin` due in ten working days from `on`.
fn add_task(ws: &Workstation, bin: &str, title: &str, on: NaiveDate) -> i64 {
    let mut s = ws.session();
    let created = s
        .tasks()
        .add(&NewTaskRequest {
            kind: TaskKind::GatherInformation,
            title: Some(title.into()),
            subject_bin: Some(bin.into()),
            appeal_no: None,
            assignee: "—".into(),
            unit: "надзор".into(),
            norm: None,
            period: Some(Period { amount: 10, unit: Unit::WorkingDays }),
            event_date: Some(on),
            depends_on: vec![],
        })
        .unwrap();
    created.created[0].task.id
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// Three people: a prosecutor in 1940 (Almaty region's district), one in 5532, their supervisor over both.
fn office_of_three() -> Option<Office> {
    let office = Office::start()?;
    office.add_user("Асель Нурланова", "prosecutor", "1940");
    office.add_user("Bekzat Omarov", "prosecutor", "5532");
    office.add_user("Supervisor Saule", "supervisor", "1940,5532");
    Some(office)
}

#[test]
fn colleagues_work_flows_within_scope_and_a_resent_batch_is_a_no_op() {
    let Some(office) = office_of_three() else { return };
    let csv_a = inspections_in(&["1940"], 3);
    let csv_b = inspections_in(&["5532"], 3);
    let wa = Workstation::new(&csv_a);
    let wb = Workstation::new(&csv_b);
    let wsup = Workstation::new(&inspections_in(&["1940"], 1));
    let joined = wa.join(&office, "Асель Нурланова", "office PC");
    assert_eq!(joined.link.as_ref().unwrap().person, "Асель Нурланова");
    wb.join(&office, "Bekzat Omarov", "laptop");
    wsup.join(&office, "Supervisor Saule", "supervisor's PC");

    let (bin_a, _) = &bins_of(&csv_a)[0];
    let (bin_b, _) = &bins_of(&csv_b)[0];
    let task_a = add_task(&wa, bin_a, "Запросить документы у объекта", day("2026-11-02"));
    add_task(&wb, bin_b, "Request the inspection file", day("2026-11-03"));

    // The author is the enrolled person, whatever the face typed.
    let detail = wa.session().tasks().detail(task_a, day("2026-11-05")).unwrap();
    assert!(detail.log.iter().all(|l| l.person == "Асель Нурланова"), "{:?}", detail.log);
    let typed = wa
        .session_with(ekn::api::Context { person: Some("Someone Else".into()), ..ekn::api::Context::cli() })
        .tasks()
        .note(task_a, "a note typed under another name");
    assert_eq!(typed.unwrap_err().code, ekn::api::ErrorCode::NotEnrolledPerson);

    let ra = wa.session().office().sync().unwrap();
    assert!(ra.pushed > 3, "{ra:?}");
    assert_eq!(ra.cosigned_size, Some(ra.pushed_through as u64), "the office witnessed the whole journal");
    let rb = wb.session().office().sync().unwrap();
    assert!(rb.pushed > 3);

    // The supervisor pulls both prosecutors' tasks; each prosecutor none of the other's.
    let rs = wsup.session().office().sync().unwrap();
    assert!(rs.pulled > 0);
    let sup = wsup.session().office().status().unwrap();
    assert_eq!(sup.colleagues_tasks, 2, "{sup:?}");
    let ra2 = wa.session().office().sync().unwrap();
    let tasks_seen_by_a = wa.session().office().status().unwrap().colleagues_tasks;
    assert_eq!(tasks_seen_by_a, 0, "a prosecutor in 1940 pulled a task of 5532: {ra2:?}");

    // A lost answer: the office committed, the workstation did not hear. Sending again is a no-op.
    let events_before = office.pg.psql("ekn", "SELECT count(*) FROM events");
    wa.sqlite("UPDATE office_link SET pushed_through = 0");
    let again = wa.session().office().sync().unwrap();
    assert_eq!(again.pushed, 0, "{again:?}");
    assert_eq!(again.duplicates as i64, ra.pushed_through, "{again:?}");
    assert_eq!(office.pg.psql("ekn", "SELECT count(*) FROM events"), events_before);

    // The supervisor's office view lists both tasks with their owners.
    let token = office.login("Supervisor Saule");
    let (status, tasks) = office.get(&token, "/v1/tasks");
    assert_eq!(status, 200);
    let owners: Vec<&str> = tasks.as_array().unwrap().iter().map(|t| t["owner"].as_str().unwrap()).collect();
    assert_eq!(owners.len(), 2, "{tasks}");
    assert!(owners.contains(&"Асель Нурланова") && owners.contains(&"Bekzat Omarov"));
    // Page by page, by key: one, then the one after it, then nothing; a key that is no key refused.
    let (_, first) = office.get(&token, "/v1/tasks?limit=1");
    let first_key = first[0]["object_key"].as_str().unwrap().to_string();
    let (_, second) = office.get(&token, &format!("/v1/tasks?limit=1&after={first_key}"));
    assert_eq!(second.as_array().unwrap().len(), 1, "{second}");
    assert!(second[0]["object_key"].as_str().unwrap() > first_key.as_str(), "{first} then {second}");
    let last_key = second[0]["object_key"].as_str().unwrap().to_string();
    let (_, none) = office.get(&token, &format!("/v1/tasks?limit=1&after={last_key}"));
    assert_eq!(none.as_array().unwrap().len(), 0, "{none}");
    assert_eq!(office.get(&token, "/v1/tasks?after=%0A").0, 400);
    // A prosecutor's list holds their own only.
    let token_b = office.login("Bekzat Omarov");
    let (_, tasks_b) = office.get(&token_b, "/v1/tasks");
    assert_eq!(tasks_b.as_array().unwrap().len(), 1, "{tasks_b}");
    // An analyst reads no tasks.
    office.add_user("Analyst Aida", "analyst", "");
    let (status, _) = office.get(&office.login("Analyst Aida"), "/v1/tasks");
    assert_eq!(status, 403);
}

#[test]
fn a_copied_database_is_refused_as_a_fork_and_nothing_of_it_is_applied() {
    let Some(office) = office_of_three() else { return };
    let csv = inspections_in(&["1940"], 2);
    let wa = Workstation::new(&csv);
    wa.join(&office, "Асель Нурланова", "office PC");
    wa.session().office().sync().unwrap();
    // The database and its key files copied to a second machine.
    let copy_dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(wa.dir.path()).unwrap().flatten() {
        std::fs::copy(entry.path(), copy_dir.path().join(entry.file_name())).unwrap();
    }
    let copy = Workstation { path: copy_dir.path().join("ekn.db"), dir: copy_dir, passphrase: wa.passphrase.clone() };
    let (bin, _) = &bins_of(&csv)[0];
    add_task(&wa, bin, "the original's task", day("2026-11-02"));
    add_task(&copy, bin, "the copy's task", day("2026-11-04"));
    wa.session().office().sync().unwrap();
    let events = office.pg.psql("ekn", "SELECT count(*) FROM events");
    let refused = copy.session().office().sync().unwrap_err();
    assert_eq!(refused.code, ekn::api::ErrorCode::OfficeRefused);
    assert!(refused.message.contains("fork"), "{}", refused.message);
    assert_eq!(office.pg.psql("ekn", "SELECT count(*) FROM events"), events, "nothing of the fork was applied");
    assert_eq!(office.pg.psql("ekn", "SELECT count(*) FROM incidents WHERE kind = 'fork'"), "1");
    // The workstation is blocked until an administrator acts; the original too (it is the same one).
    let blocked = wa.session().office().sync().unwrap_err();
    assert!(blocked.message.contains("blocked"), "{}", blocked.message);
    let status = copy.session().office().status().unwrap();
    assert!(status.link.unwrap().last_error.unwrap().contains("fork"));
}

#[test]
fn a_card_outside_a_prosecutors_districts_is_refused_and_logged() {
    let Some(office) = office_of_three() else { return };
    let csv_b = inspections_in(&["5532"], 2);
    let wb = Workstation::new(&csv_b);
    wb.join(&office, "Bekzat Omarov", "laptop");
    let (bin_b, kato_b) = bins_of(&csv_b)[0].clone();
    add_task(&wb, &bin_b, "a task in 5532", day("2026-11-02"));
    // A read made on the workstation is queued and logged with the next sync, and so is an
    // export: an act drafted from the card carries its content out of the program.
    wb.session().registry().card(&bin_b).unwrap();
    let draft = wb
        .session()
        .acts()
        .draft(&ekn::api::acts::ActDraftRequest {
            bin: bin_b.clone(),
            kind: Some(ekn::acts::ActKind::Warning),
            ..Default::default()
        })
        .unwrap();
    // A document opened in the viewer is a part of the card read: logged as the card, naming it.
    let docx =
        std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/documents/000-ru-submission.docx")).unwrap();
    let doc = wb
        .session()
        .evidence()
        .attach_and_read(&bin_b, "submission.docx", &docx, None, &mut |_| true)
        .unwrap()
        .attachment
        .id;
    wb.session().evidence().document_open(doc).unwrap();
    let r = wb.session().office().sync().unwrap();
    assert_eq!(r.reads_sent, 3, "the card opened, the act exported, the document opened: {r:?}");

    let token_a = office.login("Асель Нурланова");
    let (status, body) = office.get(&token_a, &format!("/v1/cards/{bin_b}"));
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["error"], "forbidden");
    let (status, _) = office.get(&token_a, "/v1/cards/000000000000");
    assert_eq!(status, 404);
    // The supervisor of 5532 reads the card: its task and its history, with their author.
    let token_s = office.login("Supervisor Saule");
    let (status, card) = office.get(&token_s, &format!("/v1/cards/{bin_b}"));
    assert_eq!(status, 200, "{card}");
    assert_eq!(card["district"], kato_b);
    assert_eq!(card["tasks"].as_array().unwrap().len(), 1);
    assert!(card["history"].as_array().unwrap().iter().all(|e| e["author"] == "Bekzat Omarov"));
    // A prosecutor may not read the access log; the supervisor may, and the reading is logged.
    let (status, _) = office.get(&token_a, "/v1/access-log");
    assert_eq!(status, 403);
    let (status, log) = office.get(&token_s, &format!("/v1/access-log?subject={bin_b}"));
    assert_eq!(status, 200);
    let lines = log.as_array().unwrap();
    let outcome = |person: &str, outcome: &str| {
        lines.iter().any(|l| l["person"] == person && l["outcome"] == outcome && l["subject"] == bin_b.as_str())
    };
    assert!(outcome("Асель Нурланова", "refused"), "{log}");
    assert!(outcome("Bekzat Omarov", "allowed"), "the workstation's queued read: {log}");
    assert!(outcome("Supervisor Saule", "allowed"), "{log}");
    assert!(lines.iter().any(|l| l["action"] == "access_log" && l["person"] == "Supervisor Saule"), "{log}");
    let export = lines.iter().find(|l| l["action"] == "export").expect("the drafted act is logged as an export");
    assert_eq!(export["person"], "Bekzat Omarov");
    assert!(export["detail"].as_str().unwrap().contains(&draft.file_name), "{export}");
    let document = format!("document {doc}");
    assert!(
        lines
            .iter()
            .any(|l| l["action"] == "card" && l["detail"] == document.as_str() && l["person"] == "Bekzat Omarov"),
        "the document's reading is logged as a part of its card: {log}"
    );
    // A queued read sent twice is logged once.
    let count = office.pg.psql("ekn", "SELECT count(*) FROM access_log");
    wb.sqlite("UPDATE access_queue SET sent = 0");
    wb.session().office().sync().unwrap();
    assert_eq!(office.pg.psql("ekn", "SELECT count(*) FROM access_log"), count);
    // The chain holds; the console's reading names its reader and is logged too.
    let (ok, out, err) = office_cli(&office.pg_url, &["access-log", "--verify"], &[]);
    assert!(ok && out.contains("holds"), "{out}{err}");
    let (ok, _, err) = office_cli(&office.pg_url, &["access-log", "--subject", &bin_b], &[]);
    assert!(!ok && err.contains("--as"), "{err}");
    let (ok, out, err) =
        office_cli(&office.pg_url, &["access-log", "--subject", &bin_b, "--as", "Supervisor Saule", "--json"], &[]);
    assert!(ok, "{err}");
    assert!(out.contains("refused"));
    // The same log on the supervisor's joined workstation (issue 64): the lines of her districts,
    // filtered by subject or by person, each line's hash and its neighbours' links checked there.
    use ekn::api::office::AccessLogParams;
    let saule = Workstation::new(&inspections_in(&["5532"], 1));
    saule.join(&office, "Supervisor Saule", "supervisor's PC");
    let about_b = AccessLogParams { subject: Some(bin_b.clone()), person: None, limit: Some(100) };
    let view = saule.session().office().access_log(&about_b).unwrap();
    let check = &view.check;
    assert!(check.holds() && check.hashes_hold == view.lines.len() && check.lines == view.lines.len(), "{check:?}");
    assert!(view.lines.iter().any(|l| l.person == "Асель Нурланова" && l.outcome == "refused"), "{:?}", view.lines);
    assert!(view.lines.iter().all(|l| l.subject.as_deref() == Some(bin_b.as_str())), "only the subject asked about");
    let his = AccessLogParams { person: Some("Bekzat Omarov".into()), ..Default::default() };
    let his = saule.session().office().access_log(&his).unwrap();
    assert!(!his.lines.is_empty() && his.lines.iter().all(|l| l.person == "Bekzat Omarov"));
    let everything = saule.session().office().access_log(&AccessLogParams::default()).unwrap();
    assert!(everything.check.holds() && everything.check.linked_pairs > 0, "{:?}", everything.check);
    // The lines she read, as a PDF printed by Chromium and read back by poppler: the filter, the
    // chain's check and the refused look at Bekzat's object, in Kazakh.
    let (name, pdf) = saule
        .session()
        .office()
        .access_log_report(&about_b, ekn::api::office::ReportFormat::Pdf, ekn::i18n::Lang::Kk)
        .unwrap();
    assert!(name.starts_with("office-access-log-") && pdf.starts_with(b"%PDF"), "{name}");
    let text = crate::support::pdf_text(&pdf);
    assert!(text.contains("Кім кімге қарады") && text.contains(&bin_b) && text.contains("бүтін"), "{text}");
    // A filter no person types is refused here; a prosecutor's workstation is refused by the office.
    let typed = AccessLogParams { subject: Some("x\u{7}".into()), ..Default::default() };
    assert!(saule.session().office().access_log(&typed).unwrap_err().message.starts_with("subject:"));
    assert!(wb.session().office().access_log(&AccessLogParams::default()).is_err());
    // An edited line is caught: by the console's walk of the whole chain, and on the workstation.
    office.pg.psql("ekn", "ALTER TABLE access_log DISABLE TRIGGER access_log_append_only; UPDATE access_log SET subject = 'x' WHERE seq = 1;");
    let (ok, _, err) = office_cli(&office.pg_url, &["access-log", "--verify"], &[]);
    assert!(!ok && err.contains("line 1"), "{err}");
    let after =
        saule.session().office().access_log(&AccessLogParams { limit: Some(10_000), ..Default::default() }).unwrap();
    assert!(after.lines.iter().any(|l| l.seq == 1), "the first line is in her districts");
    assert_eq!(after.check.broken, [1], "{:?}", after.check);
}

#[test]
fn a_restored_database_is_refused_until_an_administrator_readmits_it() {
    let Some(office) = office_of_three() else { return };
    let csv = inspections_in(&["1940"], 2);
    let (bin, _) = bins_of(&csv)[0].clone();
    let wa = Workstation::new(&csv);
    wa.join(&office, "Асель Нурланова", "office PC");
    wa.session().office().sync().unwrap();
    // An encrypted database's backup opens with the database's own passphrase.
    let passphrase = wa.passphrase.clone().unwrap();
    let backup = wa.dir.path().join("before.ekn-backup");
    wa.session().vault().backup(&backup, None).unwrap();
    // The original goes on after the backup, and the office holds that.
    add_task(&wa, &bin, "written after the backup", day("2026-11-02"));
    wa.session().office().sync().unwrap();
    let held = office.pg.psql("ekn", "SELECT max(seq) FROM events");

    let restored_dir = tempfile::tempdir().unwrap();
    let to = restored_dir.path().join("ekn.db");
    ekn::api::restore_backup(&backup, &to, ekn::api::Context::cli().with_passphrase(passphrase.clone())).unwrap();
    let restored = Workstation { dir: restored_dir, path: to, passphrase: Some(passphrase) };
    let refused = restored.session().office().sync().unwrap_err();
    assert!(refused.message.contains("epoch_mismatch"), "{}", refused.message);
    assert_eq!(office.pg.psql("ekn", "SELECT max(seq) FROM events"), held, "nothing applied");
    // The error names the new epoch; the administrator re-admits it with a reason.
    let epoch = refused.message.split("(epoch ").nth(1).unwrap().split(' ').next().unwrap().to_string();
    let ws_id = restored.session().office().status().unwrap().link.unwrap().workstation_id;
    let (ok, _, err) =
        office_cli(&office.pg_url, &["workstation", "readmit", &ws_id, "--epoch", &epoch, "--reason", ""], &[]);
    assert!(!ok && err.contains("reason"), "{err}");
    let (ok, out, err) = office_cli(
        &office.pg_url,
        &[
            "workstation",
            "readmit",
            &ws_id,
            "--epoch",
            &epoch,
            "--reason",
            "the laptop's disk failed; restored from Monday's backup",
        ],
        &[],
    );
    assert!(ok, "{out}{err}");
    let report = restored.session().office().sync().unwrap();
    assert!(report.pushed >= 1, "{report:?}");
    // The old stream's entries after the backup stay, marked as superseded by the new epoch.
    let superseded: i64 =
        office.pg.psql("ekn", "SELECT count(*) FROM events WHERE superseded_by IS NOT NULL").parse().unwrap();
    assert!(superseded >= 1);
    assert_eq!(office.pg.psql("ekn", &format!("SELECT epoch FROM workstations WHERE id = '{ws_id}'")), epoch);
    // And the new stream is witnessed like any other.
    assert_eq!(report.cosigned_size, Some(report.pushed_through as u64));
}

#[test]
fn a_puller_never_misses_an_entry_committed_late() {
    let Some(office) = office_of_three() else { return };
    let csv_a = inspections_in(&["1940"], 1);
    let csv_b = inspections_in(&["5532"], 1);
    let (wa, wb, wsup) = (Workstation::new(&csv_a), Workstation::new(&csv_b), Workstation::new(&csv_a));
    wa.join(&office, "Асель Нурланова", "office PC");
    wb.join(&office, "Bekzat Omarov", "laptop");
    wsup.join(&office, "Supervisor Saule", "supervisor's PC");
    wa.session().office().sync().unwrap();
    wb.session().office().sync().unwrap();
    wsup.session().office().sync().unwrap();
    let cursor_before = wsup.session().office().status().unwrap().link.unwrap().pull_cursor;

    // A slow writer takes the next global number the way a push does, and holds it uncommitted
    // (a copy of the first entry the office holds, which is Асель's).
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let behind = office.pg.url_as(support::SUPERUSER, "ekn");
    let (client, connection) = runtime.block_on(tokio_postgres::connect(&behind, tokio_postgres::NoTls)).unwrap();
    runtime.spawn(connection);
    runtime
        .block_on(client.batch_execute(
            "BEGIN; WITH h AS (UPDATE sync_head SET last = last + 1 WHERE id = 1 RETURNING last) \
             INSERT INTO events(global_seq, ws, epoch, seq, person_id, object_key, district, base_global, kind, entry, hash) \
             SELECT h.last, e.ws, 'late', 1000000, e.person_id, NULL, e.district, 0, e.kind, e.entry, e.hash \
             FROM h, (SELECT * FROM events ORDER BY global_seq LIMIT 1) e",
        ))
        .unwrap();
    // Meanwhile a colleague pushes: the office serialises on the counter, so it waits.
    add_task(&wb, &bins_of(&csv_b)[0].0, "pushed while the slow writer holds its number", day("2026-11-02"));
    let pusher = std::thread::spawn(move || {
        let report = wb.session().office().sync().unwrap();
        (wb, report)
    });
    std::thread::sleep(std::time::Duration::from_millis(700));
    // A pull now sees neither, and its cursor does not pass the uncommitted number.
    let early = wsup.session().office().sync().unwrap();
    assert_eq!(early.pulled, 0, "{early:?}");
    assert_eq!(wsup.session().office().status().unwrap().link.unwrap().pull_cursor, cursor_before);
    runtime.block_on(client.batch_execute("COMMIT")).unwrap();
    let (_wb, pushed) = pusher.join().unwrap();
    assert!(pushed.pushed >= 1, "{pushed:?}");
    // The next pull has both, the late one first: global order is commit order.
    let late = wsup.session().office().sync().unwrap();
    assert_eq!(late.pulled, 1 + pushed.pushed, "{late:?}");
    let seqs = office.pg.psql(
        "ekn",
        &format!(
            "SELECT string_agg(seq::text, ',' ORDER BY global_seq) FROM events WHERE global_seq > {cursor_before}"
        ),
    );
    assert!(seqs.starts_with("1000000,"), "{seqs}");
}

#[test]
fn a_server_killed_during_a_push_loses_nothing_and_duplicates_nothing() {
    let Some(mut office) = office_of_three() else { return };
    let csv = inspections_in(&["1940"], 1);
    let wa = Workstation::new(&csv);
    wa.join(&office, "Асель Нурланова", "office PC");
    // The notes spread over fifty tasks: a task's answer carries its whole log, so ten thousand
    // notes on one task would time the log, not the push.
    let bin = bins_of(&csv)[0].0.clone();
    let tasks: Vec<i64> = (0..50).map(|i| add_task(&wa, &bin, &format!("task {i}"), day("2026-11-02"))).collect();
    // Eight requests of 500: the kill comes after the first seventh is held, with most of the push
    // still to come. (Each note costs milliseconds in a debug build, so more would time the notes.)
    let entries: usize = std::env::var("EKN_OFFICE_TEST_EVENTS").ok().and_then(|v| v.parse().ok()).unwrap_or(4_000);
    let started = std::time::Instant::now();
    {
        let mut s = wa.session();
        let have = s.office().status().unwrap().pending_entries as usize;
        for i in have..entries {
            s.tasks().note(tasks[i % tasks.len()], &format!("заметка {i}")).unwrap();
        }
    }
    eprintln!("wrote {entries} journal entries in {:.1} s", started.elapsed().as_secs_f64());
    let (path, passphrase) = (wa.path.clone(), wa.passphrase.clone().unwrap());
    let pusher = std::thread::spawn(move || {
        let context = ekn::api::Context { person: None, ..ekn::api::Context::cli() }.with_passphrase(passphrase);
        ekn::api::Session::open_with(&path, context).unwrap().office().sync()
    });
    // Kill the server once it has taken some batches, mid-push.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    loop {
        let held: i64 = office.pg.psql("ekn", "SELECT count(*) FROM events").parse().unwrap();
        if held as usize >= entries / 7 || std::time::Instant::now() > deadline {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    office.server.kill();
    let cut = pusher.join().unwrap();
    let error = cut.expect_err("the push was cut off");
    assert_eq!(error.code, ekn::api::ErrorCode::OfficeUnreachable, "{}", error.message);
    let held: i64 = office.pg.psql("ekn", "SELECT count(*) FROM events").parse().unwrap();
    assert!(held > 0 && (held as usize) < entries, "the kill came mid-push ({held} of {entries} held)");

    office.server.restart();
    let report = wa.session().office().sync().unwrap();
    let journal = wa.session().office().status().unwrap();
    assert_eq!(journal.pending_entries, 0);
    let total = report.pushed_through;
    // Every entry exactly once, in order, with no gap.
    let (count, distinct, max) = {
        let row = office.pg.psql("ekn", "SELECT count(*) || ',' || count(DISTINCT seq) || ',' || max(seq) FROM events");
        let parts: Vec<i64> = row.split(',').map(|p| p.parse().unwrap()).collect();
        (parts[0], parts[1], parts[2])
    };
    assert_eq!((count, distinct, max), (total, total, total));
    assert_eq!(report.cosigned_size, Some(total as u64));
}

/// The figures that add up across workstations (a median does not).
const ADDITIVE: [&str; 5] =
    ["open", "due_within_3_working_days", "overdue", "done_on_time_last_90_days", "done_late_last_90_days"];

/// Adds `figures` (one workstation's or one person's) into `sum`, field by field.
fn add_figures(sum: &mut BTreeMap<&'static str, u64>, figures: &serde_json::Value) {
    for field in ADDITIVE {
        *sum.entry(field).or_default() += figures[field].as_u64().unwrap();
    }
}

fn additive(figures: &serde_json::Value) -> BTreeMap<&'static str, u64> {
    let mut sum = BTreeMap::new();
    add_figures(&mut sum, figures);
    sum
}

/// Every proportion of an effectiveness report (`ekn effect`'s `kpis`) as numerator and denominator.
fn kpi_counts(kpis: &serde_json::Value) -> BTreeMap<String, (u64, u64)> {
    let mut out = BTreeMap::new();
    for (name, value) in kpis.as_object().unwrap().iter().chain(kpis["quality"].as_object().unwrap()) {
        if let (Some(k), Some(n)) = (value["numerator"].as_u64(), value["denominator"].as_u64()) {
            out.insert(name.clone(), (k, n));
        }
    }
    for name in ["acts", "answered", "without_period"] {
        out.insert(name.to_string(), (kpis[name].as_u64().unwrap(), 0));
    }
    out
}

fn add_counts(sum: &mut BTreeMap<String, (u64, u64)>, more: &BTreeMap<String, (u64, u64)>) {
    for (name, (k, n)) in more {
        let e = sum.entry(name.clone()).or_default();
        e.0 += k;
        e.1 += n;
    }
}

#[test]
fn the_offices_effect_figures_are_the_sum_of_the_workstations() {
    let Some(office) = office_of_three() else { return };
    office.add_user("Analyst Dana", "analyst", "1940,5532");
    let csv_a = inspections_in(&["1940"], 3);
    let csv_b = inspections_in(&["5532"], 3);
    let (wa, wb) = (Workstation::new(&csv_a), Workstation::new(&csv_b));
    wa.join(&office, "Асель Нурланова", "office PC");
    wb.join(&office, "Bekzat Omarov", "laptop");
    // Each imports its district's registry acts with outcomes of every kind; Асель also drafts and
    // issues one herself, which a court later overturns for a formal defect.
    for (ws, csv, prefix) in [(&wa, &csv_a, "A"), (&wb, &csv_b, "B")] {
        let bins = bins_of(csv);
        let mut rows = String::from("act_no,bin,kind,issued_on,outcome,outcome_on\n");
        let outcomes =
            [("satisfied", 20), ("partly", 45), ("rejected", 10), ("", 0), ("upheld", 90), ("overturned", 60)];
        for (i, (outcome, days)) in outcomes.iter().enumerate() {
            let kind =
                if matches!(*outcome, "upheld" | "overturned") { "protest" } else { ["submission", "order"][i % 2] };
            let issued = day("2025-03-03") + chrono::Days::new(7 * i as u64);
            let on = if outcome.is_empty() { String::new() } else { (issued + chrono::Days::new(*days)).to_string() };
            rows.push_str(&format!("{prefix}-{i},{},{kind},{issued},{outcome},{on}\n", bins[i % bins.len()].0));
        }
        let file = ws.dir.path().join("acts.csv");
        std::fs::write(&file, rows).unwrap();
        ws.session()
            .registry()
            .import(ekn::domain::records::DataKind::Acts, &file, None, false, None, &mut |_| {})
            .unwrap();
    }
    {
        let mut s = wa.session();
        let bin = bins_of(&csv_a)[0].0.clone();
        s.acts()
            .draft(&ekn::api::ActDraftRequest {
                bin: bin.clone(),
                kind: Some(ekn::acts::ActKind::Protest),
                addressee: Some("Акимат".into()),
                ..Default::default()
            })
            .unwrap();
        let issued = s
            .acts()
            .issue(&ekn::api::ActIssueRequest {
                bin,
                kind: Some(ekn::acts::ActKind::Protest),
                issued_on: Some(day("2025-06-02")),
                addressee: "Акимат".into(),
                ..Default::default()
            })
            .unwrap();
        s.acts()
            .record_outcome(&ekn::api::ActOutcomeRequest {
                act: issued.act.id,
                stage: ekn::domain::outcomes::ActStage::Court,
                result: ekn::domain::outcomes::ActResult::Overturned,
                on: Some(day("2025-09-01")),
                measures: Default::default(),
                document: None,
                from_fact: None,
                formal_defect: true,
            })
            .unwrap();
        // An answer recorded after the imported one but dated before it: the last recorded is the
        // answer in force on the workstation, and must be at the office too (not the latest day).
        let first = bins_of(&csv_a)[0].0.clone();
        let screen = s.screens().case_screen(&first, day("2026-12-01")).unwrap();
        let imported = screen.issued_acts.iter().find(|a| a.number.as_deref() == Some("A-0")).expect("act A-0");
        s.acts()
            .record_outcome(&ekn::api::ActOutcomeRequest {
                act: imported.id,
                stage: ekn::domain::outcomes::ActStage::Answer,
                result: ekn::domain::outcomes::ActResult::Rejected,
                on: Some(day("2025-03-08")),
                measures: Default::default(),
                document: None,
                from_fact: None,
                formal_defect: false,
            })
            .unwrap();
    }
    wa.session().office().sync().unwrap();
    wb.session().office().sync().unwrap();

    let today = "2026-12-01";
    let report = |ws: &Workstation, kind: Option<ekn::acts::ActKind>| {
        let mut s = ws.session_with(ekn::api::Context::new(
            ekn::domain::journal::Face::Cli,
            None,
            std::sync::Arc::new(ekn::api::PinnedDay(day(today))),
        ));
        let r = s.analytics().effect_report(&ekn::api::EffectRequest { kind, ..Default::default() }).unwrap();
        kpi_counts(&serde_json::to_value(&r.kpis).unwrap())
    };
    let mut expected = BTreeMap::new();
    add_counts(&mut expected, &report(&wa, None));
    add_counts(&mut expected, &report(&wb, None));
    for kpi in [
        "answered_in_time",
        "satisfied",
        "protests_upheld",
        "checklist_complete",
        "placeholders_filled",
        "formal_defects",
    ] {
        assert!(expected[kpi].1 > 0, "{kpi} is exercised: {expected:?}");
    }

    let token = office.login("Supervisor Saule");
    let (status, figures) = office.get(&token, &format!("/v1/effect?today={today}"));
    assert_eq!(status, 200, "{figures}");
    assert_eq!(kpi_counts(&figures["kpis"]), expected, "{figures:#}");
    assert_eq!(figures["workstations"], 2);
    assert!(figures["not_computed"].to_string().contains("registry"));
    // Narrowed to protests: the sum of the workstations' protests.
    let mut protests = report(&wa, Some(ekn::acts::ActKind::Protest));
    add_counts(&mut protests, &report(&wb, Some(ekn::acts::ActKind::Protest)));
    let (_, narrowed) = office.get(&token, &format!("/v1/effect?today={today}&kind=protest"));
    assert_eq!(kpi_counts(&narrowed["kpis"]), protests);
    // A prosecutor's figures are their own districts'; an analyst reads the aggregates; a bad
    // filter is refused with its reason.
    let (_, own) = office.get(&office.login("Асель Нурланова"), &format!("/v1/effect?today={today}"));
    assert_eq!(kpi_counts(&own["kpis"]), report(&wa, None));
    let (status, aggregates) = office.get(&office.login("Analyst Dana"), &format!("/v1/effect?today={today}"));
    assert_eq!((status, kpi_counts(&aggregates["kpis"])), (200, expected.clone()));
    let (status, refused) = office.get(&token, "/v1/effect?kind=recommendation");
    assert_eq!(status, 400, "{refused}");
    // The console prints the same for the whole office.
    let (ok, out, err) = office_cli(&office.pg_url, &["effect", "--today", today, "--json"], &[]);
    assert!(ok, "{err}");
    let console: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(kpi_counts(&console["kpis"]), expected);

    // The same figures on the supervisor's joined workstation (issue 64), asked as its person, with
    // when the office computed them.
    let saule = Workstation::new(&inspections_in(&["1940"], 1));
    saule.join(&office, "Supervisor Saule", "supervisor's PC");
    let view = saule.session().office().effect().unwrap();
    let (_, direct) = office.get(&token, "/v1/effect");
    let seen = serde_json::to_value(&view.effect).unwrap();
    assert_eq!(kpi_counts(&seen["kpis"]), kpi_counts(&direct["kpis"]));
    assert!(view.offline.is_none() && view.effect.computed_at.is_some(), "{view:?}");
    assert_eq!(view.effect.workstations, 2);
    let words = ekn::i18n::office_lines::effect_text(&view.effect);
    assert!(words.contains("registry") || words.contains("реестр"), "{words}");
    // The figures a head hands on: a workbook read back by another library, each KPI's count and
    // denominator the office's, a check the office lacks data for written as not computed (never 0).
    use calamine::Reader;
    let (name, bytes) =
        saule.session().office().report(OfficeReport::Effect, ReportFormat::Xlsx, ekn::i18n::Lang::Ru).unwrap();
    assert!(name.ends_with(".xlsx"), "{name}");
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(book.sheet_names(), ["О выгрузке", "Исходы", "Последующие данные", "Оценки"]);
    let outcomes = book.worksheet_range("Исходы").unwrap();
    let in_time: Vec<String> = outcomes.rows().nth(1).unwrap().iter().map(|c| c.to_string()).collect();
    assert_eq!(in_time[0], "ответ в срок");
    let counts = &seen["kpis"]["answered_in_time"];
    assert_eq!(in_time[1].parse::<f64>().ok(), counts["numerator"].as_f64(), "{in_time:?}");
    assert_eq!(in_time[2].parse::<f64>().ok(), counts["denominator"].as_f64(), "{in_time:?}");
    let later = book.worksheet_range("Последующие данные").unwrap();
    let next: Vec<String> = later.rows().nth(1).unwrap().iter().map(|c| c.to_string()).collect();
    assert_eq!(next[0], "следующая проверка");
    match &view.effect.verification.as_ref().and_then(|v| v.next_inspection.clone()) {
        Some(c) => assert_eq!(next[1].parse::<f64>().ok(), Some(c.verified as f64), "{next:?}"),
        None => assert!(next[1].contains("не вычислено"), "{next:?}"),
    }
}

#[test]
fn the_offices_dashboard_is_the_sum_of_the_workstations() {
    let Some(office) = office_of_three() else { return };
    office.add_user("Analyst Dana", "analyst", "1940,5532");
    let today = day("2026-12-01");
    let csv_a = inspections_in(&["1940"], 3);
    let csv_b = inspections_in(&["5532"], 3);
    let (wa, wb) = (Workstation::new(&csv_a), Workstation::new(&csv_b));
    wa.join(&office, "Асель Нурланова", "office PC");
    wb.join(&office, "Bekzat Omarov", "laptop");
    // Overdue, due soon, done on time, done late, open and far: each kind of figure on each desk.
    for (ws, csv) in [(&wa, &csv_a), (&wb, &csv_b)] {
        let bins = bins_of(csv);
        for (i, start) in
            ["2026-09-01", "2026-11-20", "2026-10-01", "2026-10-05", "2026-11-30", "2026-08-10"].into_iter().enumerate()
        {
            let id = add_task(ws, &bins[i % bins.len()].0, &format!("task {i}"), day(start));
            match i {
                2 => drop(ws.session().tasks().complete(id, day("2026-10-06")).unwrap()),
                3 => drop(ws.session().tasks().complete(id, day("2026-11-25")).unwrap()),
                _ => {}
            }
        }
        ws.session().office().sync().unwrap();
    }
    let desks: Vec<serde_json::Value> = [&wa, &wb]
        .iter()
        .map(|ws| serde_json::to_value(ws.session().tasks().dashboard(today).unwrap()).unwrap())
        .collect();
    let mut expected = BTreeMap::new();
    for desk in &desks {
        add_figures(&mut expected, &desk["totals"]);
    }
    assert!(ADDITIVE.iter().all(|f| expected[f] > 0), "every figure is exercised: {expected:?}");

    let token = office.login("Supervisor Saule");
    let (status, board) = office.get(&token, "/v1/dashboard?today=2026-12-01");
    assert_eq!(status, 200, "{board}");
    assert_eq!(additive(&board["totals"]), expected, "{board:#}");
    assert_eq!(board["workstations"], 2);
    // Each prosecutor's own figures are their desk's, and the overdue heat map adds up cell by cell.
    assert_eq!(additive(&board["by_owner"]["Асель Нурланова"]), additive(&desks[0]["totals"]));
    assert_eq!(additive(&board["by_owner"]["Bekzat Omarov"]), additive(&desks[1]["totals"]));
    let mut matrix: BTreeMap<String, u64> = BTreeMap::new();
    for desk in &desks {
        support::add_matrix(&mut matrix, &desk["overdue_matrix"]);
    }
    let mut office_matrix = BTreeMap::new();
    support::add_matrix(&mut office_matrix, &board["overdue_matrix"]);
    assert_eq!(office_matrix, matrix);

    // The console prints the same figures for the whole office.
    let (ok, out, err) = office_cli(&office.pg_url, &["dashboard", "--today", "2026-12-01", "--json"], &[]);
    assert!(ok, "{err}");
    let console: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(additive(&console["totals"]), expected);

    // A prosecutor's dashboard is their districts only; an analyst's has the totals and no names.
    let (_, own) = office.get(&office.login("Асель Нурланова"), "/v1/dashboard?today=2026-12-01");
    assert_eq!(additive(&own["totals"]), additive(&desks[0]["totals"]));
    let (status, aggregates) = office.get(&office.login("Analyst Dana"), "/v1/dashboard?today=2026-12-01");
    assert_eq!(status, 200);
    assert_eq!(additive(&aggregates["totals"]), expected);
    assert_eq!(aggregates["by_owner"], serde_json::json!({}));
    assert_eq!(aggregates["by_assignee"], serde_json::json!({}));
    // An analyst still reads no tasks.
    let (status, _) = office.get(&office.login("Analyst Dana"), "/v1/tasks");
    assert_eq!(status, 403);

    // The supervisor's own workstation, after a sync, counts the same and shows whose each task is.
    let wsup = Workstation::new(&inspections_in(&["1940"], 1));
    wsup.join(&office, "Supervisor Saule", "supervisor's PC");
    assert_eq!(additive(&serde_json::to_value(wsup.session().tasks().dashboard(today).unwrap()).unwrap()["totals"]), {
        let mut none = BTreeMap::new();
        add_figures(
            &mut none,
            &serde_json::json!({"open": 0, "due_within_3_working_days": 0, "overdue": 0,
            "done_on_time_last_90_days": 0, "done_late_last_90_days": 0}),
        );
        none
    });
    wsup.session().office().sync().unwrap();
    let own = serde_json::to_value(wsup.session().tasks().dashboard(today).unwrap()).unwrap();
    assert_eq!(additive(&own["totals"]), expected, "{own:#}");
    let desk = wsup.session().tasks().desk(today, None).unwrap();
    let shown: Vec<_> = desk.overdue.iter().chain(&desk.due_today).chain(&desk.next_7_working_days).collect();
    let owners: std::collections::BTreeSet<_> = shown.iter().filter_map(|v| v.owner.clone()).collect();
    assert_eq!(owners, ["Bekzat Omarov".to_string(), "Асель Нурланова".to_string()].into(), "{desk:#?}");
    assert!(shown.iter().all(|v| v.task.id < 0 && v.owner.is_some()));
    // Асель's desk is filtered to her: an assignee's desk holds what she holds.
    let hers = wsup.session().tasks().desk(today, Some("Асель Нурланова")).unwrap();
    assert!(hers.overdue.iter().all(|v| v.owner.as_deref() == Some("Асель Нурланова")) && !hers.overdue.is_empty());

    // A colleague's task opens in full, its date explained here, its history with its author.
    let done = wsup
        .session()
        .tasks()
        .desk(today, None)
        .unwrap()
        .overdue
        .iter()
        .find(|v| v.owner.as_deref() == Some("Bekzat Omarov"))
        .unwrap()
        .task
        .id;
    let detail = wsup.session().tasks().detail(done, today).unwrap();
    assert_eq!(detail.view.owner.as_deref(), Some("Bekzat Omarov"));
    assert_eq!(detail.explanation.due, detail.view.task.original_due);
    assert!(detail.log.iter().any(|l| l.action == "created" && l.person == "Bekzat Omarov"), "{:?}", detail.log);
    let journal = wsup.session().journal(&ekn::api::JournalQuery { task: Some(done), ..Default::default() }).unwrap();
    assert!(!journal.is_empty() && journal.iter().all(|l| l.person == "Bekzat Omarov" && l.task_id == Some(done)));
    // It is changed on the workstation that holds it, not here.
    let refused = wsup.session().tasks().note(done, "a supervisor's note").unwrap_err();
    assert!(refused.message.contains("Bekzat Omarov's, pulled from the office"), "{}", refused.message);
    let refused = wsup.session().tasks().extend(done, day("2026-12-30"), None, "reason").unwrap_err();
    assert!(refused.message.contains("pulled from the office"), "{}", refused.message);
    // And the supervisor's own chain still verifies with the colleagues' work beside it.
    let verified = ekn::api::verify_journal(
        &wsup.path,
        &ekn::api::Context::cli().with_passphrase(wsup.passphrase.clone().unwrap()),
    )
    .unwrap();
    assert!(verified.ok, "{verified:?}");
}

/// The consideration task the rules gave appeal `no` on a workstation, and its due date.
fn consideration_of(ws: &Workstation, no: &str) -> (i64, NaiveDate) {
    let card = ws.session().appeals().card(no).unwrap();
    let step = card.sla.iter().find(|s| s.step == "consideration").expect("a consideration step");
    (step.task_id.expect("the consideration task"), step.due.unwrap())
}

/// Every row a desk lists.
fn rows(desk: &ekn::api::Desk) -> Vec<ekn::api::TaskView> {
    desk.overdue.iter().chain(&desk.due_today).chain(&desk.next_7_working_days).cloned().collect()
}

#[test]
fn one_deadline_extended_offline_on_two_workstations_is_one_conflict_with_the_earlier_date_in_force() {
    let Some(office) = office_of_three() else { return };
    let appeals = open_appeals_in("1940", 1);
    let no = appeals.lines().nth(1).unwrap().split(',').next().unwrap().to_string();
    // Асель's office PC and her laptop both hold the appeal, and so its deadline.
    let csv = inspections_in(&["1940"], 1);
    let (pc, laptop) = (Workstation::new(&csv), Workstation::new(&csv));
    for (ws, name) in [(&pc, "office PC"), (&laptop, "laptop")] {
        ws.import_appeals(&appeals);
        ws.join(&office, "Асель Нурланова", name);
        ws.session().office().sync().unwrap();
    }
    let (on_pc, due) = consideration_of(&pc, &no);
    let (on_laptop, due_there) = consideration_of(&laptop, &no);
    assert_eq!(due, due_there, "the same rule, the same date");
    let key = format!("appeal:{no}/consider_appeal");
    // Each holder keeps its own state of the shared deadline; the office's view is one task.
    assert_eq!(office.pg.psql("ekn", &format!("SELECT count(*) FROM office_tasks WHERE object_key = '{key}'")), "2");
    assert_eq!(
        office.pg.psql("ekn", &format!("SELECT count(*) FROM office_task_view WHERE object_key = '{key}'")),
        "1"
    );

    // Offline, each extends it, neither seeing the other.
    let calendar = ekn::domain::calendar::Calendar::builtin();
    let (near, far) = (
        calendar.next_working_on_or_after(due + chrono::Days::new(10)),
        calendar.next_working_on_or_after(due + chrono::Days::new(20)),
    );
    pc.session().tasks().extend(on_pc, far, None, "the applicant sent more documents").unwrap();
    laptop.session().tasks().extend(on_laptop, near, None, "an expert's opinion is awaited").unwrap();
    pc.session().office().sync().unwrap();
    let second = laptop.session().office().sync().unwrap();
    assert_eq!(second.conflicts, vec![key.clone()], "{second:?}");

    // Both entries kept, one conflict, and the earlier date is the one in force.
    let extensions: i64 = office
        .pg
        .psql("ekn", &format!("SELECT count(*) FROM events WHERE object_key = '{key}' AND kind = 'task_extended'"))
        .parse()
        .unwrap();
    assert_eq!(extensions, 2);
    let token = office.login("Supervisor Saule");
    let (_, conflicts) = office.get(&token, "/v1/conflicts");
    let conflicts = conflicts.as_array().unwrap();
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    assert_eq!(conflicts[0]["object_key"], key);
    assert_eq!(conflicts[0]["entries"].as_array().unwrap().len(), 2);
    let in_force = |office: &Office| -> (String, bool) {
        let (_, tasks) = office.get(&office.login("Supervisor Saule"), "/v1/tasks");
        let task = tasks.as_array().unwrap().iter().find(|t| t["object_key"] == key).unwrap().clone();
        (task["effective_due"].as_str().unwrap().to_string(), task["in_conflict"].as_bool().unwrap())
    };
    assert_eq!(in_force(&office), (near.to_string(), true));
    // Syncing again changes nothing: the pc pulls the laptop's entry, and the conflict stays one.
    pc.session().office().sync().unwrap();
    assert_eq!(office.pg.psql("ekn", "SELECT count(*) FROM conflicts"), "1");

    // The workstations learn it with their pull: on both desks the earlier date is the one in
    // force, with the conflict that puts it there (the pc's own extension said `far`).
    let today = near - chrono::Days::new(3);
    laptop.session().office().sync().unwrap();
    for (ws, id) in [(&pc, on_pc), (&laptop, on_laptop)] {
        let detail = ws.session().tasks().detail(id, today).unwrap();
        assert_eq!(detail.view.task.current_due, near, "{:?}", detail.view.conflict);
        let conflict = detail.view.conflict.as_ref().expect("the conflict is shown on the task");
        assert!(conflict.is_open() && conflict.entries.len() == 2, "{conflict:?}");
        let desk = ws.session().tasks().desk(today, None).unwrap();
        let row = rows(&desk).into_iter().find(|v| v.task.id == id).expect("due within a week: on the desk");
        assert_eq!(row.task.current_due, near);
    }
    // The supervisor's own workstation lists it (through the office) with both authors and dates.
    let wsup = Workstation::new(&csv);
    wsup.join(&office, "Supervisor Saule", "supervisor's PC");
    wsup.session().office().sync().unwrap();
    let listed = wsup.session().office().conflicts().unwrap();
    assert_eq!(listed.len(), 1, "{listed:?}");
    let dates: Vec<Option<NaiveDate>> = listed[0].entries.iter().map(|e| e.new_due).collect();
    assert!(dates.contains(&Some(near)) && dates.contains(&Some(far)), "{dates:?}");
    assert!(listed[0].entries.iter().all(|e| e.author == "Асель Нурланова"));
    assert_eq!(listed[0].due_in_force, Some(near));
    // The dashboard's kept counts hold the date in force, as a recount from the tasks does.
    counts_agree(&office, today);
    let theirs = wsup.session().tasks().desk(today, None).unwrap();
    let shown =
        rows(&theirs).into_iter().find(|v| v.conflict.is_some()).expect("the colleague's task with its conflict");
    assert_eq!(shown.task.current_due, near);

    // A prosecutor may not resolve it; a supervisor must give a reason, then the choice holds.
    let id = conflicts[0]["id"].as_i64().unwrap();
    let chosen = conflicts[0]["entries"].as_array().unwrap().iter().find(|e| e["new_due"] == far.to_string()).unwrap()
        ["global_seq"]
        .as_i64()
        .unwrap();
    let (status, _) = office.post(
        &office.login("Асель Нурланова"),
        &format!("/v1/conflicts/{id}/resolve"),
        serde_json::json!({"chosen": chosen, "reason": "mine"}),
    );
    assert_eq!(status, 403);
    let refused = pc
        .session()
        .office()
        .resolve(&ekn::api::office::ResolveParams { id, keep: chosen, reason: "mine".into() })
        .unwrap_err();
    assert_eq!(refused.code, ekn::api::ErrorCode::OfficeRefused, "{}", refused.message);
    let (status, _) = office.post(
        &token,
        &format!("/v1/conflicts/{id}/resolve"),
        serde_json::json!({"chosen": chosen, "reason": " "}),
    );
    assert_eq!(status, 400);
    let resolved = wsup
        .session()
        .office()
        .resolve(&ekn::api::office::ResolveParams {
            id,
            keep: chosen,
            reason: "the documents arrived; the longer period is lawful".into(),
        })
        .unwrap();
    assert_eq!(resolved.resolved_by.as_deref(), Some("Supervisor Saule"));
    assert_eq!(resolved.due_in_force, Some(far));
    assert_eq!(in_force(&office), (far.to_string(), false));
    // The resolution is an entry of the office's own journal, the chain holding.
    let (ok, out, err) = office_cli(&office.pg_url, &["journal", "--json"], &[]);
    assert!(ok, "{err}");
    let entries: serde_json::Value = serde_json::from_str(&out).unwrap();
    let resolution = entries.as_array().unwrap().iter().find(|e| e["kind"] == "conflict_resolved").expect("{out}");
    assert_eq!(resolution["person"], "Supervisor Saule");
    let detail: serde_json::Value = serde_json::from_str(resolution["detail"].as_str().unwrap()).unwrap();
    assert_eq!(
        (detail["chosen"].as_i64(), detail["due_in_force"].as_str()),
        (Some(chosen), Some(far.to_string().as_str()))
    );
    assert_eq!(detail["reason"], "the documents arrived; the longer period is lawful");
    let (ok, out, err) = office_cli(&office.pg_url, &["journal", "--verify"], &[]);
    assert!(ok, "{out}{err}");
    let (ok, out, _) = office_cli(&office.pg_url, &["conflicts", "--json"], &[]);
    assert!(ok && out.contains("the longer period is lawful"), "{out}");

    // Each workstation's next pull brings the decision: the kept date stands on both, the
    // laptop's own shorter extension included, and the task says who decided and why.
    for (ws, id) in [(&pc, on_pc), (&laptop, on_laptop)] {
        ws.session().office().sync().unwrap();
        let detail = ws.session().tasks().detail(id, today).unwrap();
        assert_eq!(detail.view.task.current_due, far);
        let conflict = detail.view.conflict.as_ref().expect("the resolved conflict is shown");
        assert!(
            !conflict.is_open()
                && conflict.reason.as_deref() == Some("the documents arrived; the longer period is lawful")
        );
    }
    // A later extension, made knowing the decision, is the task's own date again.
    let later = calendar.next_working_on_or_after(far + chrono::Days::new(3));
    laptop.session().tasks().extend(on_laptop, later, None, "the expert asked for three more days").unwrap();
    let detail = laptop.session().tasks().detail(on_laptop, today).unwrap();
    assert_eq!((detail.view.task.current_due, detail.view.conflict.is_none()), (later, true));
    let pushed = laptop.session().office().sync().unwrap();
    assert!(pushed.conflicts.is_empty(), "it saw the decision, so it opens no conflict: {pushed:?}");
    counts_agree(&office, today);
}

/// `ekn-office dashboard --check`: the counts the office keeps equal a recount from every task.
fn counts_agree(office: &Office, today: NaiveDate) {
    let (ok, out, err) =
        office_cli(&office.pg_url, &["dashboard", "--check", "--today", &today.to_string(), "--json"], &[]);
    assert!(ok, "{err}{out}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["differences"], serde_json::json!([]), "{report}");
    assert!(report["tasks"].as_u64().unwrap() > 0, "{report}");
}

#[test]
fn a_supervisor_reassigns_a_prosecutors_task_and_the_new_assignee_pulls_it() {
    let Some(office) = office_of_three() else { return };
    let today = day("2026-11-23");
    let csv_a = inspections_in(&["1940"], 1);
    let (wa, wb, wsup) =
        (Workstation::new(&csv_a), Workstation::new(&inspections_in(&["5532"], 1)), Workstation::new(&csv_a));
    wa.join(&office, "Асель Нурланова", "office PC");
    wb.join(&office, "Bekzat Omarov", "laptop");
    wsup.join(&office, "Supervisor Saule", "supervisor's PC");
    let own = add_task(&wa, &bins_of(&csv_a)[0].0, "check the permits", day("2026-10-01"));
    wa.session().office().sync().unwrap();
    wb.session().office().sync().unwrap();
    assert!(wb.session().tasks().desk(today, None).unwrap().overdue.is_empty(), "outside Bekzat's districts");

    // The supervisor sees Асель's task among the colleagues' and hands it to Bekzat with a reason.
    wsup.session().office().sync().unwrap();
    let desk = wsup.session().tasks().desk(today, None).unwrap();
    let theirs = desk.overdue.iter().find(|v| v.owner.as_deref() == Some("Асель Нурланова")).unwrap().task.id;
    // The office offers whom to give it to: its people whose districts meet the supervisor's, with
    // the open tasks each holds there (an analyst or another region's prosecutor: not offered).
    office.add_user("Analyst Dana", "analyst", "1940");
    office.add_user("Marat Elsewhere", "prosecutor", "7510");
    let offered = wsup.session().office().people().unwrap();
    let load: Vec<(&str, u64)> = offered.iter().map(|c| (c.name.as_str(), c.open_tasks)).collect();
    assert_eq!(load, [("Bekzat Omarov", 0), ("Supervisor Saule", 0), ("Асель Нурланова", 1)], "{offered:?}");
    let refused = wa.session().office().people().unwrap_err();
    assert_eq!(refused.code, ekn::api::ErrorCode::OfficeRefused, "{}", refused.message);
    let empty = wsup.session().office().assign(theirs, "Bekzat Omarov", "  ").unwrap_err();
    assert_eq!(empty.code, ekn::api::ErrorCode::InvalidInput);
    let assigned = wsup.session().office().assign(theirs, "Bekzat Omarov", "Асель is on leave until December").unwrap();
    assert_eq!(assigned.assigned_by, "Supervisor Saule");
    let shown = wsup.session().tasks().desk(today, None).unwrap();
    let row = shown.overdue.iter().find(|v| v.task.id == theirs).unwrap();
    assert_eq!(row.assigned_to.as_deref(), Some("Bekzat Omarov"));

    // A prosecutor may not hand work out.
    let refused = wa.session().office().assign(own, "Bekzat Omarov", "swap").unwrap_err();
    assert_eq!(refused.code, ekn::api::ErrorCode::OfficeRefused, "{}", refused.message);

    // Bekzat's next sync brings it onto his desk, held by Асель, assigned to him.
    wb.session().office().sync().unwrap();
    let his = wb.session().tasks().desk(today, Some("Bekzat Omarov")).unwrap();
    let row = his.overdue.iter().find(|v| v.task.title == "check the permits").expect("the assigned task");
    assert_eq!((row.owner.as_deref(), row.assigned_to.as_deref()), (Some("Асель Нурланова"), Some("Bekzat Omarov")));
    // With its whole history, written before it was his: its creation, by Асель.
    let history =
        wb.session().journal(&ekn::api::JournalQuery { task: Some(row.task.id), ..Default::default() }).unwrap();
    assert!(
        history.iter().any(|l| l.kind == "task_created" && l.person == "Асель Нурланова"),
        "{:?}",
        history.iter().map(|l| (&l.kind, &l.person)).collect::<Vec<_>>()
    );
    // And Асель's workstation learns it too, on her own task.
    wa.session().office().sync().unwrap();
    let detail = wa.session().tasks().detail(own, today).unwrap();
    assert_eq!(detail.view.assigned_to.as_deref(), Some("Bekzat Omarov"));

    // The office counts it as Bekzat's.
    let token = office.login("Supervisor Saule");
    let (_, tasks) = office.get(&token, "/v1/tasks");
    let task = tasks.as_array().unwrap().iter().find(|t| t["state"]["title"] == "check the permits").unwrap().clone();
    assert_eq!(task["assigned_to"], "Bekzat Omarov");
    let (_, board) = office.get(&token, "/v1/dashboard?today=2026-11-23");
    assert_eq!(board["by_owner"]["Bekzat Omarov"]["overdue"], 1, "{board:#}");
    let offered = wsup.session().office().people().unwrap();
    let load: Vec<(&str, u64)> = offered.iter().map(|c| (c.name.as_str(), c.open_tasks)).collect();
    assert_eq!(load, [("Bekzat Omarov", 1), ("Supervisor Saule", 0), ("Асель Нурланова", 0)], "{offered:?}");

    // The assignment is an entry of the office's own journal: who, to whom, why, its place in the
    // office's order; the chain holds, and an entry changed behind the office's back is named.
    let (ok, out, err) = office_cli(&office.pg_url, &["journal", "--json"], &[]);
    assert!(ok, "{err}");
    let entries: serde_json::Value = serde_json::from_str(&out).unwrap();
    let entry = &entries.as_array().unwrap()[0];
    assert_eq!((entry["kind"].as_str(), entry["person"].as_str()), (Some("assigned"), Some("Supervisor Saule")));
    assert_eq!(entry["object_key"], task["object_key"]);
    let detail: serde_json::Value = serde_json::from_str(entry["detail"].as_str().unwrap()).unwrap();
    assert_eq!(
        detail,
        serde_json::json!({"assigned_to": "Bekzat Omarov", "reason": "Асель is on leave until December"})
    );
    let (ok, out, err) = office_cli(&office.pg_url, &["journal", "--verify"], &[]);
    assert!(ok && out.contains("holds: 1 entr"), "{out}{err}");
    // The supervisor's app reads it from the office, its chain checked there; Асель, whose district
    // it is, too; Bekzat (another district, not the one who decided) sees none of it; an analyst,
    // who reads no names, is refused.
    let read =
        |ws: &Workstation| ws.session().office().journal_entries(&ekn::api::office::OfficeJournalParams::default());
    let seen = read(&wsup).unwrap();
    assert_eq!(seen.entries.len(), 1);
    assert_eq!(
        (seen.entries[0].kind.as_str(), seen.entries[0].person.as_deref()),
        ("assigned", Some("Supervisor Saule"))
    );
    assert!(seen.check.holds() && seen.check.hashes_hold == 1, "{:?}", seen.check);
    assert_eq!(read(&wa).unwrap().entries.len(), 1);
    assert!(read(&wb).unwrap().entries.is_empty());
    let (status, _) = office.get(&office.login("Analyst Dana"), "/v1/journal");
    assert_eq!(status, 403);
    // The server's role can neither change nor remove an entry.
    for sql in ["UPDATE office_journal SET detail = '{}'", "DELETE FROM office_journal"] {
        let refused = office.pg.psql_as("ekn_office_app", "ekn", sql).unwrap_err();
        assert!(refused.contains("permission denied"), "{sql}: {refused}");
    }
    office.pg.psql(
        "ekn",
        "ALTER TABLE office_journal DISABLE TRIGGER office_journal_append_only; \
         UPDATE office_journal SET detail = replace(detail, 'Bekzat Omarov', 'Асель Нурланова'); \
         ALTER TABLE office_journal ENABLE TRIGGER office_journal_append_only;",
    );
    let (ok, _, err) = office_cli(&office.pg_url, &["journal", "--verify"], &[]);
    assert!(!ok && err.contains("office journal entry 1 does not hash"), "{err}");
    // The supervisor's app names it too.
    let seen = read(&wsup).unwrap();
    assert_eq!(seen.check.broken, [1], "{:?}", seen.check);
}

#[test]
fn appeals_sla_tasks_go_to_the_least_loaded_member_of_the_routed_unit_who_covers_the_district() {
    let Some(office) = Office::start() else { return };
    let every_unit: Vec<String> =
        ekn::domain::triage::RoutingTable::builtin().units.iter().map(|u| u.id.clone()).collect();
    let every_unit = every_unit.join(",");
    // Two prosecutors of 1940 and one of 5532 in every unit; the clerk who registers appeals in none.
    office.add_user_in_units("Dana Seitkali", "prosecutor", "1940", &every_unit);
    office.add_user_in_units("Асель Нурланова", "prosecutor", "1940", &every_unit);
    office.add_user_in_units("Bekzat Omarov", "prosecutor", "5532", &every_unit);
    office.add_user("Clerk Gulnar", "prosecutor", "1940");
    office.add_user("Supervisor Saule", "supervisor", "1940,5532");
    let (ok, _, err) = office_cli(
        &office.pg_url,
        &["user", "add", "Nobody", "--role", "prosecutor", "--districts", "1940", "--units", "no_such_unit"],
        &[("EKN_OFFICE_PASSWORD", "x")],
    );
    assert!(!ok && err.contains("no_such_unit") && err.contains("social_rights"), "{err}");

    let csv = inspections_in(&["1940"], 1);
    let clerk = Workstation::new(&csv);
    clerk.import_appeals(&open_appeals_in("1940", 6));
    clerk.join(&office, "Clerk Gulnar", "reception PC");
    clerk.session().office().sync().unwrap();

    // Every SLA task was handed out by the rule, never to Bekzat (5532 does not cover the
    // appeals' district), evenly between the two who do, each naming the table and the figures.
    let rows = office.pg.psql(
        "ekn",
        "SELECT p.name || '|' || a.rule || '|' || a.reason FROM assignments a JOIN people p ON p.id = a.person_id ORDER BY a.global_seq",
    );
    let rows: Vec<&str> = rows.lines().collect();
    let sla: i64 = office
        .pg
        .psql(
            "ekn",
            "SELECT count(*) FROM office_tasks WHERE state->>'task_kind' IN ('consider_appeal', 'forward_appeal')",
        )
        .parse()
        .unwrap();
    assert!(sla >= 6, "six appeals, at least one SLA task each: {sla}");
    assert_eq!(rows.len() as i64, sla, "{rows:?}");
    let version = &ekn::domain::triage::RoutingTable::builtin().version;
    let count = |who: &str| rows.iter().filter(|r| r.starts_with(&format!("{who}|"))).count() as i64;
    assert_eq!(count("Bekzat Omarov"), 0);
    assert_eq!(count("Dana Seitkali") + count("Асель Нурланова"), sla);
    assert!((count("Dana Seitkali") - count("Асель Нурланова")).abs() <= 1, "{rows:?}");
    assert!(rows.iter().all(|r| r.contains(version.as_str()) && r.contains("district 1940")), "{rows:?}");
    // Each is an entry of the office's journal, by the office's rule (no person), with its reason.
    let by_rule = office.pg.psql(
        "ekn",
        "SELECT count(*) FROM office_journal WHERE kind = 'assigned_by_rule' AND person IS NULL \
         AND detail::jsonb->>'rule' LIKE 'routing-%' AND detail::jsonb->>'reason' LIKE '%district 1940%'",
    );
    assert_eq!(by_rule, sla.to_string());

    // Dana's workstation pulls hers onto her desk, held by the clerk, given by the rule.
    let dana = Workstation::new(&csv);
    dana.join(&office, "Dana Seitkali", "office PC");
    dana.session().office().sync().unwrap();
    let today = day("2026-11-23");
    let desk = dana.session().tasks().desk(today, Some("Dana Seitkali")).unwrap();
    let hers: Vec<_> = desk.overdue.iter().chain(&desk.due_today).chain(&desk.next_7_working_days).collect();
    assert_eq!((hers.len() + desk.later) as i64, count("Dana Seitkali"), "{desk:#?}");
    assert!(!hers.is_empty());
    assert!(hers.iter().all(|v| v.owner.as_deref() == Some("Clerk Gulnar")));
    assert!(hers.iter().all(|v| v.assigned_to.as_deref() == Some("Dana Seitkali")));

    // A supervisor's reassignment stands over the rule's, and a sync does not undo it.
    let sup = Workstation::new(&csv);
    sup.join(&office, "Supervisor Saule", "supervisor's PC");
    sup.session().office().sync().unwrap();
    let board = sup.session().tasks().desk(today, None).unwrap();
    let one = board
        .overdue
        .iter()
        .chain(&board.due_today)
        .chain(&board.next_7_working_days)
        .find(|v| v.assigned_to.as_deref() == Some("Dana Seitkali"))
        .unwrap();
    sup.session().office().assign(one.task.id, "Асель Нурланова", "Dana is in court all week").unwrap();
    clerk.session().office().sync().unwrap();
    assert_eq!(count_of(&office, "Асель Нурланова"), count("Асель Нурланова") + 1);

    // An appeal in a district nobody's unit covers waits for a person, and finds one when a
    // member joins the unit.
    let far = Workstation::new(&inspections_in(&["5532"], 1));
    office.add_user("Clerk Aru", "prosecutor", "5532");
    far.import_appeals(&open_appeals_in("5532", 1));
    office.pg.psql("ekn", "UPDATE people SET units = '{}' WHERE name = 'Bekzat Omarov'");
    far.join(&office, "Clerk Aru", "reception 2");
    far.session().office().sync().unwrap();
    assert_eq!(count_of(&office, "Bekzat Omarov"), 0);
    let waiting: i64 = office
        .pg
        .psql("ekn", "SELECT count(*) FROM office_tasks t WHERE district LIKE '5532%' AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.object_key = t.object_key)")
        .parse()
        .unwrap();
    assert!(waiting >= 1);
    let (ok, out, err) = office_cli(
        &office.pg_url,
        &["user", "units", "Bekzat Omarov", "reception,social_rights,business,environment,procedural"],
        &[],
    );
    assert!(ok, "{err}");
    assert_eq!(out.lines().filter(|l| l.contains("→ Bekzat Omarov")).count() as i64, waiting, "{out}");
    assert_eq!(count_of(&office, "Bekzat Omarov"), waiting);
}

/// How many assignments the office holds for `who`.
fn count_of(office: &Office, who: &str) -> i64 {
    office
        .pg
        .psql(
            "ekn",
            &format!("SELECT count(*) FROM assignments a JOIN people p ON p.id = a.person_id WHERE p.name = '{who}'"),
        )
        .parse()
        .unwrap()
}

#[test]
fn the_offices_ca_bundle_reaches_every_workstation_with_its_pulls_and_is_journaled_there() {
    let Some(office) = Office::start() else { return };
    office.add_user("Асель Нурланова", "prosecutor", "1940");
    office.add_user("Admin Dana", "admin", "");
    let ca = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/tls/office-ca.pem");
    let ws = Workstation::new(&inspections_in(&["1940"], 1));
    ws.join(&office, "Асель Нурланова", "office PC");

    // Only an administrator sets it; a bundle that is not certificates is refused.
    let (ok, _, err) =
        office_cli(&office.pg_url, &["connectors-network", "--ca-bundle", ca, "--as", "Асель Нурланова"], &[]);
    assert!(!ok && err.contains("not an administrator"), "{err}");
    let junk = office.pg.dir.join("junk.pem");
    std::fs::write(&junk, "not a certificate").unwrap();
    let (ok, _, err) = office_cli(
        &office.pg_url,
        &["connectors-network", "--ca-bundle", junk.to_str().unwrap(), "--as", "Admin Dana"],
        &[],
    );
    assert!(!ok && err.contains("no certificate"), "{err}");
    let (ok, out, err) = office_cli(
        &office.pg_url,
        &[
            "connectors-network",
            "--ca-bundle",
            ca,
            "--proxy",
            "http://proxy.office:3128",
            "--as",
            "Admin Dana",
            "--json",
        ],
        &[],
    );
    assert!(ok, "{out}{err}");
    let shown: serde_json::Value = serde_json::from_str(&out).unwrap();
    let fingerprint = shown["ca_fingerprints"][0].as_str().unwrap().to_string();

    // The next pull brings it; the workstation trusts the office's CA beside its own settings and
    // says who set it; the journal records it once by fingerprint, not again on an unchanged pull.
    ws.session().office().sync().unwrap();
    let view = ws.session().connectors().network().unwrap();
    assert_eq!(view.office_fingerprints, std::slice::from_ref(&fingerprint));
    assert_eq!(view.office.as_ref().map(|o| o.set_by.as_str()), Some("Admin Dana"));
    ws.session().office().sync().unwrap();
    let journal = ws.session().journal(&ekn::api::JournalQuery::default()).unwrap();
    let received: Vec<_> = journal.iter().filter(|l| format!("{l:?}").contains(&fingerprint)).collect();
    assert_eq!(received.len(), 1, "{received:?}");

    // Settings a workstation cannot use (written past the console's checks) do not stop the sync:
    // the report says why, and the connectors keep what they had.
    office
        .pg
        .psql("ekn", r#"UPDATE office_settings SET value = '{"ca_bundle": "junk", "proxy": {"mode": "environment"}}'"#);
    let report = ws.session().office().sync().unwrap();
    assert!(report.network_refused.as_deref().is_some_and(|r| r.contains("no certificate")), "{report:?}");
    assert_eq!(ws.session().connectors().network().unwrap().office_fingerprints, std::slice::from_ref(&fingerprint));
}

/// The shipped catalogue with one change an office might make: `note` added to its comment.
fn edited_catalogue(dir: &std::path::Path, name: &str, note: &str) -> std::path::PathBuf {
    let shipped = concat!(env!("CARGO_MANIFEST_DIR"), "/../assets/norms.json");
    let mut catalogue: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(shipped).unwrap()).unwrap();
    let comment = format!("{} {note}", catalogue["_comment"].as_str().unwrap());
    catalogue["_comment"] = comment.into();
    let file = dir.join(name);
    std::fs::write(&file, serde_json::to_string_pretty(&catalogue).unwrap()).unwrap();
    file
}

#[test]
fn the_norms_catalogue_an_administrator_confirms_reaches_every_workstation_checked_and_journaled() {
    let Some(office) = Office::start() else { return };
    office.add_user("Асель Нурланова", "prosecutor", "1940");
    office.add_user("Admin Dana", "admin", "");
    let ws = Workstation::new(&inspections_in(&["1940"], 1));
    ws.join(&office, "Асель Нурланова", "office PC");
    let dir = office.pg.dir.clone();
    let confirmed = edited_catalogue(&dir, "norms-office.json", "Confirmed by the regional office.");
    let file = confirmed.to_str().unwrap();

    // Before any import the office hands out none, and a sync takes nothing.
    let report = ws.session().office().sync().unwrap();
    assert_eq!((report.norms_taken.as_deref(), report.norms_refused.as_deref()), (None, None));
    assert!(ws.session().deadlines().norms_list().unwrap().office.is_none());

    // Only an administrator imports; a file that is not a catalogue is refused naming the file.
    let (ok, _, err) = office_cli(&office.pg_url, &["norms", "import", file, "--as", "Асель Нурланова"], &[]);
    assert!(!ok && err.contains("not an administrator"), "{err}");
    let junk = dir.join("junk-norms.json");
    std::fs::write(&junk, r#"{"format": "ekn.norms/2", "norms": [{"id": 1}]}"#).unwrap();
    let (ok, _, err) =
        office_cli(&office.pg_url, &["norms", "import", junk.to_str().unwrap(), "--as", "Admin Dana"], &[]);
    assert!(!ok && err.contains("junk-norms.json"), "{err}");
    let (ok, out, err) = office_cli(&office.pg_url, &["norms", "import", file, "--as", "Admin Dana", "--json"], &[]);
    assert!(ok, "{out}{err}");
    let notice: serde_json::Value = serde_json::from_str(&out).unwrap();
    let sha = notice["sha256"].as_str().unwrap().to_string();
    assert_eq!(sha, hex::encode(<sha2::Sha256 as sha2::Digest>::digest(std::fs::read(&confirmed).unwrap())));
    // The same document again changes nothing and is said so.
    let (ok, _, err) = office_cli(&office.pg_url, &["norms", "import", file, "--as", "Admin Dana"], &[]);
    assert!(!ok && err.contains("already the office's"), "{err}");
    let (ok, out, err) = office_cli(&office.pg_url, &["norms", "list", "--json"], &[]);
    assert!(ok, "{err}");
    let listed: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(listed.as_array().map(Vec::len), Some(1), "{listed}");
    assert_eq!(listed[0]["in_force"], true);
    assert_eq!(listed[0]["imported_by"], "Admin Dana");
    // The office's own journal records the decision, and its chain holds.
    let (ok, out, err) = office_cli(&office.pg_url, &["journal", "--json"], &[]);
    assert!(ok && out.contains("norms_imported") && out.contains(&sha), "{out}{err}");
    let (ok, _, err) = office_cli(&office.pg_url, &["journal", "--verify"], &[]);
    assert!(ok, "{err}");

    // A person's token is not a workstation: the catalogue goes only to enrolled machines.
    let token = office.login("Асель Нурланова");
    let (status, _) = office.get(&token, "/v1/norms");
    assert_eq!(status, 403);

    // The next sync takes it: checked again, in force, and journaled once with who imported it.
    let report = ws.session().office().sync().unwrap();
    assert_eq!(report.norms_taken.as_deref(), Some(sha.as_str()), "{report:?}");
    let list = ws.session().deadlines().norms_list().unwrap();
    assert_eq!((list.origin.as_str(), list.sha256.as_str()), ("office", sha.as_str()));
    assert_eq!(list.office.as_ref().map(|o| o.imported_by.as_str()), Some("Admin Dana"));
    assert!(!list.differs_from_office);
    let report = ws.session().office().sync().unwrap();
    assert_eq!(report.norms_taken, None, "an unchanged catalogue is not taken twice");
    let journal = ws.session().journal(&ekn::api::JournalQuery::default()).unwrap();
    let taken: Vec<_> = journal.iter().filter(|l| l.kind == "norms_from_office").collect();
    assert_eq!(taken.len(), 1, "{taken:?}");
    assert!(format!("{:?}", taken[0]).contains("Admin Dana"), "{:?}", taken[0]);
    let context = ekn::api::Context::cli().with_passphrase(ws.passphrase.clone().unwrap());
    let verified = ekn::api::verify_journal(&ws.path, &context).unwrap();
    assert!(verified.ok, "{verified:?}");

    // The workstation's own later import stays its own, and the list says it differs.
    let own = edited_catalogue(&dir, "norms-own.json", "Edited on this workstation.");
    ws.session().deadlines().import_norms(&own).unwrap();
    let list = ws.session().deadlines().norms_list().unwrap();
    assert!(list.differs_from_office && list.origin != "office", "{:?}", (list.origin, list.differs_from_office));

    // An office whose stored document no longer matches the digest it names (tampered on its
    // disk), or that grew past the bound, is refused: the sync goes on, the catalogue held stays.
    let newer = edited_catalogue(&dir, "norms-office-2.json", "Second confirmation.");
    let (ok, out, err) =
        office_cli(&office.pg_url, &["norms", "import", newer.to_str().unwrap(), "--as", "Admin Dana", "--json"], &[]);
    assert!(ok, "{out}{err}");
    let held = ws.session().deadlines().norms_list().unwrap().sha256;
    // What the office says of a catalogue goes into the journal: a name past any bound is refused.
    let newest = "WHERE id = (SELECT max(id) FROM office_norm_catalogs)";
    office.pg.psql("ekn", &format!("UPDATE office_norm_catalogs SET imported_by = repeat('x', 400) {newest}"));
    let report = ws.session().office().sync().unwrap();
    assert!(report.norms_refused.as_deref().is_some_and(|r| r.contains("imported_by")), "{report:?}");
    assert_eq!(ws.session().deadlines().norms_list().unwrap().sha256, held);
    office.pg.psql("ekn", &format!("UPDATE office_norm_catalogs SET imported_by = 'Admin Dana' {newest}"));
    office.pg.psql("ekn", "UPDATE office_norm_catalogs SET document = replace(document, 'Second', 'Forged')");
    let report = ws.session().office().sync().unwrap();
    assert!(report.norms_refused.as_deref().is_some_and(|r| r.contains("digest")), "{report:?}");
    assert_eq!(ws.session().deadlines().norms_list().unwrap().sha256, held);
    let past_the_bound = ekn::domain::sync::MAX_NORMS_DOCUMENT + 1;
    office.pg.psql(
        "ekn",
        &format!(
            "UPDATE office_norm_catalogs SET document = repeat('x', {past_the_bound}) \
             WHERE id = (SELECT max(id) FROM office_norm_catalogs)"
        ),
    );
    let report = ws.session().office().sync().unwrap();
    assert!(report.norms_refused.as_deref().is_some_and(|r| r.contains("bytes")), "{report:?}");
    assert_eq!(ws.session().deadlines().norms_list().unwrap().sha256, held);
}

/// `ekn-office connector …` as the administrator, with the portal's key in the environment.
fn connector_cli(office: &Office, args: &[&str]) -> (bool, String, String) {
    let mut all = vec!["connector"];
    all.extend_from_slice(args);
    office_cli(&office.pg_url, &all, &[("EKN_TEST_OFFICE_KEY", "office-key-1"), ("EKN_OFFICE_USER", "Admin Dana")])
}

fn inspections_count(ws: &Workstation) -> i64 {
    ws.session().registry().status().unwrap().counts.inspections
}

#[test]
fn the_office_fetches_a_registry_once_and_every_workstation_imports_each_published_run_once() {
    let Some(office) = Office::start() else { return };
    office.add_user("Асель Нурланова", "prosecutor", "1940");
    office.add_user("Saule Bekova", "supervisor", "1910,1940");
    office.add_user("Admin Dana", "admin", "");
    let records = support::portal::inspection_records(250);
    let key = "Регистрационный номер";
    // The third data request is refused (the key revoked half-way): the run is cut off there.
    let portal = support::portal::portal(records.clone(), key, Some("office-key-1"), &[3]);
    let first = Workstation::new(&inspections_in(&["1940"], 2));
    first.join(&office, "Асель Нурланова", "office PC");
    let second = Workstation::new(&inspections_in(&["1910"], 2));
    second.join(&office, "Saule Bekova", "laptop");
    let keys: std::collections::BTreeSet<&str> = records.iter().map(|r| r[key].as_str().unwrap()).collect();
    assert!(!inspections_in(&["1910", "1940"], 2).lines().any(|l| keys.contains(l.split(';').next().unwrap())));
    let (before_first, before_second) = (inspections_count(&first), inspections_count(&second));

    // What the office must not do, and who may add one.
    let base = ["--data", "inspections", "--url", &portal.url, "--dataset", "registry", "--version", "v1"];
    let spec: Vec<&str> = base
        .iter()
        .copied()
        .chain(["--key-field", key, "--api-key-env", "EKN_TEST_OFFICE_KEY", "--page-size", "100"])
        .chain(["--read-timeout-s", "5", "--every-hours", "24"])
        .collect();
    let appeals: Vec<&str> =
        spec.iter().map(|a| if *a == "inspections" { "appeals" } else { a }).chain(["--as", "Admin Dana"]).collect();
    let (ok, _, err) = connector_cli(&office, &[&["add", "appeals"], &appeals[..]].concat());
    assert!(!ok && err.contains("does not fetch appeals"), "{err}");
    let (ok, _, err) = connector_cli(&office, &[&["add", "reg"], &spec[..], &["--as", "Асель Нурланова"]].concat());
    assert!(!ok && err.contains("not an administrator"), "{err}");
    let (ok, out, err) = connector_cli(&office, &[&["add", "reg"], &spec[..]].concat());
    assert!(ok, "{out}{err}");

    // Cut off by the refusal: pages staged at the office, nothing offered, nothing imported.
    let (ok, _, err) = connector_cli(&office, &["run", "reg"]);
    assert!(!ok && err.contains("403") && err.contains("2 page(s) are staged"), "{err}");
    let report = first.session().office().sync().unwrap();
    assert!(report.office_imports.is_empty(), "{report:?}");
    assert_eq!(inspections_count(&first), before_first);
    assert!(first.session().office().connectors().unwrap().is_empty());

    // Run again: it resumes after the staged cursor (one request for the rest) and publishes.
    let (ok, out, err) = connector_cli(&office, &["run", "reg", "--json"]);
    assert!(ok, "{out}{err}");
    let run: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (run["resumed"].as_bool(), run["status"].as_str(), run["records"].as_i64()),
        (Some(true), Some("published"), Some(250))
    );
    assert_eq!(run["requests"].as_u64(), Some(1), "{run}");
    let run_id = run["run_id"].as_i64().unwrap();

    // The next sync of each workstation imports it once, journaled by the enrolled person with the
    // office connector and its run as the source.
    let report = first.session().office().sync().unwrap();
    let imported = &report.office_imports;
    assert_eq!(imported.len(), 1, "{report:?}");
    let import = imported[0].import.as_ref().unwrap_or_else(|| panic!("{imported:?}"));
    assert_eq!((imported[0].run_id, import.inserted, import.rejected), (run_id, 250, 0), "{imported:?}");
    assert_eq!(inspections_count(&first), before_first + 250);
    let journal = first.session().journal(&ekn::api::JournalQuery::default()).unwrap();
    let imports: Vec<_> = journal.iter().filter(|l| l.kind == "import").collect();
    let entry = imports
        .iter()
        .find(|l| format!("{:?}", l.entry).contains("office connector reg run"))
        .unwrap_or_else(|| panic!("{imports:?}"));
    assert_eq!(entry.person, "Асель Нурланова");
    assert!(first.session().office().sync().unwrap().office_imports.is_empty(), "imported once");
    let state = &first.session().office().connectors().unwrap()[0];
    assert_eq!((state.imported_run, state.inserted, state.error.as_deref()), (Some(run_id), 250, None));

    // Rows changed and added at the portal: the next run is the whole dataset again, the older
    // run's pages go, and a workstation writes only the changes.
    {
        let mut rows = portal.rows.lock().unwrap();
        rows[5]["Количество нарушений"] = serde_json::json!("9");
        let mut added = rows[0].clone();
        added[key] = serde_json::json!("9999-99999999");
        rows.push(added);
    }
    let (ok, out, err) = connector_cli(&office, &["run", "reg", "--json"]);
    assert!(ok, "{out}{err}");
    let rerun: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!((rerun["resumed"].as_bool(), rerun["records"].as_i64()), (Some(false), Some(251)));
    let pages_left =
        office.pg.psql("ekn", &format!("SELECT count(*) FROM office_connector_pages WHERE run_id = {run_id}"));
    assert_eq!(pages_left, "0", "a replaced run's pages are not kept");
    let report = first.session().office().sync().unwrap();
    let import = report.office_imports[0].import.as_ref().unwrap();
    assert_eq!((import.inserted, import.updated, import.unchanged), (1, 1, 249), "{import:?}");

    // A body that does not match the digest the pull named is refused and not fetched again.
    let newest = rerun["run_id"].as_i64().unwrap();
    office.pg.psql("ekn", &format!("UPDATE office_connector_runs SET sha256 = repeat('0', 64) WHERE id = {newest}"));
    let report = second.session().office().sync().unwrap();
    assert!(report.office_imports[0].error.as_deref().is_some_and(|e| e.contains("SHA-256")), "{report:?}");
    assert_eq!(inspections_count(&second), before_second);
    assert!(second.session().office().sync().unwrap().office_imports.is_empty(), "a refused run is not fetched again");

    // The schedule of the running server: a connector due is run without anyone asking, and the
    // workstation that refused the tampered run imports the new one.
    office.pg.psql("ekn", "UPDATE office_connector_runs SET started_at = started_at - interval '2 days'");
    let due_since = std::time::Instant::now();
    let scheduled = loop {
        let id = office.pg.psql(
            "ekn",
            &format!("SELECT coalesce(max(id), 0) FROM office_connector_runs WHERE status = 'published' AND started_by = 'schedule' AND id > {newest}"),
        );
        if id != "0" {
            break id.parse::<i64>().unwrap();
        }
        assert!(due_since.elapsed() < std::time::Duration::from_secs(60), "the schedule never ran the due connector");
        std::thread::sleep(std::time::Duration::from_millis(250));
    };
    let report = second.session().office().sync().unwrap();
    let import = report.office_imports[0].import.as_ref().unwrap();
    assert_eq!((report.office_imports[0].run_id, import.inserted), (scheduled, 251), "{report:?}");
    assert_eq!(inspections_count(&second), before_second + 251);

    // A file the office fetches: imported as a file under its own name; unchanged (304), it is not
    // offered again.
    *portal.file.lock().unwrap() = inspections_in(&["1910"], 3);
    let file_url = portal.url.replace("/api/v4", "/files/inspections.csv");
    let (ok, out, err) = connector_cli(
        &office,
        &["add", "kpssu-file", "--kind", "http-file", "--data", "inspections", "--url", &file_url],
    );
    assert!(ok, "{out}{err}");
    let (ok, out, err) = connector_cli(&office, &["run", "kpssu-file", "--json"]);
    assert!(ok && out.contains("\"published\""), "{out}{err}");
    let report = first.session().office().sync().unwrap();
    let file_import = report.office_imports.iter().find(|i| i.connector == "kpssu-file").unwrap();
    let import = file_import.import.as_ref().unwrap_or_else(|| panic!("{report:?}"));
    assert_eq!((import.inserted, import.rejected), (3, 0), "{import:?}");
    let (ok, out, err) = connector_cli(&office, &["run", "kpssu-file", "--json"]);
    assert!(ok && out.contains("\"unchanged\""), "{out}{err}");
    assert!(
        first.session().office().sync().unwrap().office_imports.is_empty(),
        "an unchanged file is not offered again"
    );
}

/// Every option of every subcommand of `ekn-office` that English describes has its words in
/// Russian and Kazakh (issue 42).
#[test]
fn every_option_of_every_office_command_is_described_in_russian_and_kazakh() {
    let missing = help_walk::untranslated_options(env!("CARGO_BIN_EXE_ekn-office"));
    assert!(missing.is_empty(), "options described in English only: {missing:#?}");
}

/// The office's console in Russian and Kazakh: people, connectors, destruction acts and the
/// connectors' network (issue 42), English as it was.
#[test]
fn the_office_console_speaks_russian_and_kazakh() {
    let Some(office) = Office::start() else { panic!("PostgreSQL for the office's tests") };
    let run = |args: &[&str], lang: &str| {
        let (ok, out, err) =
            office_cli(&office.pg_url, args, &[("EKN_LANG", lang), ("EKN_OFFICE_PASSWORD", support::PASSWORD)]);
        assert!(ok, "{args:?}: {err}{out}");
        out
    };
    let added = run(&["user", "add", "Дана Сейт", "--role", "admin", "--districts", "", "--units", ""], "kk");
    assert!(added.starts_with("Дана Сейт қосылды (admin"), "{added}");
    let added =
        run(&["user", "add", "Ivan Petrov", "--role", "prosecutor", "--districts", "1940", "--units", ""], "en");
    assert!(added.starts_with("added Ivan Petrov (prosecutor, districts 1940"), "{added}");
    assert_eq!(run(&["connector", "list"], "ru"), "коннекторов офиса нет (ekn-office connector add …)\n");
    assert_eq!(run(&["retention", "acts"], "kk"), "жою туралы бірде-бір акт кеңсеге жеткен жоқ\n");
    assert_eq!(run(&["retention", "acts"], "en"), "no destruction act has reached the office\n");
    assert!(run(&["connectors-network"], "ru").starts_with("офис не раздаёт сетевых настроек"));
}
