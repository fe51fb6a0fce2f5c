//! The journal as a court would rely on it: every write has an author and a face, lands in the
//! journal in its own transaction, and every kind of tampering a person with the sqlite3 tool can
//! do — editing a journaled record or an entry, deleting an entry in the middle or the tail,
//! swapping two — is detected by `journal verify` and named.

use std::path::{Path, PathBuf};
use std::process::Command;

use ekn::api::{self, verify_journal, Context, JournalProblem, JournalQuery, NewTaskRequest, Session};
use ekn::domain::journal::Face;
use ekn::domain::records::DataKind;
use ekn::domain::tasks::TaskKind;

use crate::support::*;

fn d(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}

fn ekn(db: &Path, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ekn"));
    command.arg("--db").arg(db).args(args).env_remove("EKN_USER");
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().unwrap()
}

/// A database with an import, tasks, settings and a calendar year: every kind of record.
fn journaled() -> TempDb {
    let db = TempDb::new();
    let inspections = db.file("inspections.csv", inspections_csv());
    db.import(DataKind::Inspections, &inspections).unwrap();
    let appeals = db.file("appeals.csv", appeals_csv());
    db.import(DataKind::Appeals, &appeals).unwrap();
    let mut session = db.session();
    for i in 0..6 {
        let request = NewTaskRequest {
            kind: TaskKind::FollowUp,
            title: Some(format!("задача {i}")),
            subject_bin: Some(bin(1)),
            appeal_no: None,
            assignee: "Ахметова А.".into(),
            unit: "Отдел".into(),
            norm: None,
            period: Some(ekn::domain::deadline::Period { amount: 5, unit: ekn::domain::deadline::Unit::WorkingDays }),
            event_date: Some(d("2026-11-02")),
            depends_on: vec![],
        };
        let id = session.tasks().add(&request).unwrap().created[0].task.id;
        session.tasks().note(id, &format!("примечание {i}")).unwrap();
    }
    db
}

/// A copy of the database and the files beside it, to tamper with.
fn copy_of(db: &TempDb, dir: &Path) -> PathBuf {
    let target = dir.join("copy.db");
    ekn::api::Session::open(&db.path).unwrap();
    for suffix in ["", ".key", ".signing-key", ".checkpoint"] {
        let mut from = db.path.as_os_str().to_owned();
        from.push(suffix);
        let mut to = target.as_os_str().to_owned();
        to.push(suffix);
        std::fs::copy(PathBuf::from(from), PathBuf::from(to)).unwrap();
    }
    target
}

fn problems(db: &Path) -> Vec<JournalProblem> {
    let report = verify_journal(db, &ekn::api::Context::cli()).unwrap();
    assert_eq!(report.ok, report.problems.is_empty());
    report.problems
}

fn sql(db: &Path, statements: &str) {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.execute_batch(statements).unwrap();
}

#[test]
fn an_intact_journal_verifies_and_the_command_exits_zero() {
    let db = journaled();
    let report = verify_journal(&db.path, &ekn::api::Context::cli()).unwrap();
    assert!(report.ok, "{:?}", report.problems);
    assert!(report.entries > 20 && report.records_checked > 10 && report.tables_checked == 7);
    let checkpoint = report.checkpoint.unwrap();
    assert_eq!((checkpoint.size as i64, checkpoint.merkle_root), (report.entries, report.merkle_root));
    let out = ekn(&db.path, &["journal", "verify"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8(out.stdout).unwrap().contains("All holds"));
}

#[test]
fn every_kind_of_tampering_is_detected_and_named() {
    let db = journaled();
    let entries = verify_journal(&db.path, &ekn::api::Context::cli()).unwrap().entries;
    let case = |name: &str, tamper: &dyn Fn(&Path)| -> Vec<JournalProblem> {
        let dir = tempfile::tempdir().unwrap();
        let copy = copy_of(&db, dir.path());
        tamper(&copy);
        let found = problems(&copy);
        assert!(!found.is_empty(), "{name}: not detected");
        let out = ekn(&copy, &["journal", "verify"], &[]);
        assert_ne!(out.status.code(), Some(0), "{name}: the command must fail");
        assert!(String::from_utf8_lossy(&out.stderr).starts_with("ekn: error [journal_broken]:"), "{name}");
        found
    };

    // A journaled record changed with sqlite3: the task is named.
    let found = case("edit a record", &|p| sql(p, "UPDATE tasks SET current_due = '2027-03-01' WHERE id = 3"));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(matches!(&found[0], JournalProblem::RecordChanged { record, .. } if record == "task:3"), "{found:?}");

    // A registry row changed: its table is named.
    let found = case("edit a registry row", &|p| sql(p, "UPDATE inspections SET declared_illegal = 1 WHERE id = 1"));
    assert!(matches!(&found[0], JournalProblem::TableChanged { table, .. } if table == "inspections"), "{found:?}");

    // A record added behind the journal's back.
    let found = case("add a setting", &|p| sql(p, "INSERT INTO settings(key, value) VALUES ('ui.forged', 'x')"));
    assert!(
        matches!(&found[0], JournalProblem::RecordNotJournaled { record } if record == "setting:ui.forged"),
        "{found:?}"
    );

    // An entry edited (the append-only trigger dropped first): the entry is named.
    let found = case("edit an entry", &|p| {
        sql(p, "DROP TRIGGER journal_no_update; UPDATE journal SET detail = 'продлено' WHERE seq = 10")
    });
    assert!(
        matches!(&found[0], JournalProblem::BrokenChain { seq: 10, reason } if reason.contains("edited")),
        "{found:?}"
    );

    // An entry deleted in the middle.
    let found =
        case("delete in the middle", &|p| sql(p, "DROP TRIGGER journal_no_delete; DELETE FROM journal WHERE seq = 12"));
    assert!(
        matches!(&found[0], JournalProblem::BrokenChain { seq: 12, reason } if reason.contains("missing")),
        "{found:?}"
    );

    // The tail cut: the chain that is left is intact, but the signed checkpoint knows better.
    let found = case("delete the tail", &|p| {
        sql(p, &format!("DROP TRIGGER journal_no_delete; DELETE FROM journal WHERE seq > {}", entries - 3))
    });
    assert!(
        found.iter().any(|p| matches!(p, JournalProblem::TailCut { checkpoint_size, entries: left }
            if *checkpoint_size == entries as u64 && *left == entries - 3)),
        "{found:?}"
    );
    assert!(!found.iter().any(|p| matches!(p, JournalProblem::BrokenChain { .. })), "{found:?}");

    // Two entries swapped.
    let found = case("swap two", &|p| {
        sql(
            p,
            "DROP TRIGGER journal_no_update;
             UPDATE journal SET seq = -1 WHERE seq = 15;
             UPDATE journal SET seq = 15 WHERE seq = 16;
             UPDATE journal SET seq = 16 WHERE seq = -1;",
        )
    });
    assert!(matches!(&found[0], JournalProblem::BrokenChain { seq: 15, .. }), "{found:?}");

    // The checkpoint deleted, or forged with another key.
    let found = case("remove the checkpoint", &|p| std::fs::remove_file(ekn::store::seal::checkpoint_path(p)).unwrap());
    assert!(matches!(&found[0], JournalProblem::CheckpointMissing { .. }), "{found:?}");
    let found = case("forge the checkpoint", &|p| {
        let path = ekn::store::seal::checkpoint_path(p);
        let text = std::fs::read_to_string(&path).unwrap().replacen("\"size\": ", "\"size\": 1", 1);
        std::fs::write(path, text).unwrap();
    });
    assert!(matches!(&found[0], JournalProblem::CheckpointInvalid { .. }), "{found:?}");
}

#[test]
fn a_cut_tail_is_never_resealed_by_a_later_write_without_a_persons_decision() {
    let db = journaled();
    let entries = verify_journal(&db.path, &ekn::api::Context::cli()).unwrap().entries;
    sql(&db.path, &format!("DROP TRIGGER journal_no_delete; DELETE FROM journal WHERE seq > {}", entries - 2));
    // A later write goes through, but the checkpoint — the evidence — is left as it was.
    let mut session = db.session();
    session.tasks().note(1, "after the cut").unwrap();
    drop(session);
    assert!(problems(&db.path).iter().any(|p| matches!(p, JournalProblem::TailCut { .. })));
    // A person starts a new checkpoint with a reason; the reset is itself journaled.
    let out = ekn(
        &db.path,
        &["--as", "Администратор", "journal", "seal", "--reason", "восстановлено из резервной копии"],
        &[],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // The new checkpoint holds; what the cut removed stays visible: the task whose creation and
    // note were cut exists without an entry.
    let report = verify_journal(&db.path, &ekn::api::Context::cli()).unwrap();
    assert_eq!(report.problems, vec![JournalProblem::RecordNotJournaled { record: "task:6".into() }]);
    let session = db.session();
    let last = session
        .journal(&JournalQuery::default())
        .unwrap()
        .into_iter()
        .rev()
        .find(|l| l.kind == "checkpoint_reset")
        .unwrap();
    assert_eq!(last.person, "Администратор");
    assert!(
        last.detail.contains("восстановлено из резервной копии") && last.detail.contains(&format!("covered {entries}"))
    );
}

#[test]
fn a_failed_import_leaves_the_journal_unchanged() {
    let db = journaled();
    let before = (verify_journal(&db.path, &ekn::api::Context::cli()).unwrap().head_hash, db.fingerprint());
    let bad = db
        .file("bad.csv", "registry_no;bin;control_body;kind;start_date;violations\nR-9;123;ДГД;planned;2026-01-10;1\n");
    assert!(db.import(DataKind::Inspections, &bad).is_err());
    let after = (verify_journal(&db.path, &ekn::api::Context::cli()).unwrap().head_hash, db.fingerprint());
    assert_eq!(before, after);
    assert!(verify_journal(&db.path, &ekn::api::Context::cli()).unwrap().ok);
}

#[test]
fn an_import_is_one_entry_with_its_digest_counts_legal_card_and_tables() {
    let db = TempDb::new();
    let file = db.file("inspections.csv", inspections_csv());
    let report = db.import(DataKind::Inspections, &file).unwrap();
    let session = db.session();
    let lines = session.journal(&JournalQuery::default()).unwrap();
    let imports: Vec<_> = lines.iter().filter(|l| l.kind == "import").collect();
    assert_eq!(imports.len(), 1);
    assert_eq!(imports[0].seq, report.journal_seq.unwrap());
    match imports[0].entry.as_ref().unwrap() {
        ekn::domain::journal::Entry::Import { sha256, inserted, legal_card, tables, .. } => {
            assert_eq!((sha256, *inserted), (&report.sha256, report.inserted));
            assert!(!legal_card.purpose.is_empty() && !legal_card.legal_basis.is_empty());
            let inspections = tables.iter().find(|t| t.table == "inspections").unwrap();
            assert_eq!(inspections.rows, 3);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn every_write_has_an_author_and_the_face_it_came_through() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ekn.db");
    // The command line: --as, else EKN_USER, else Settings' "me", else the OS user.
    assert!(ekn(&db, &["--as", "Серіков Б.", "init"], &[]).status.success());
    let add = |env: &[(&str, &str)], args: &[&str]| {
        let mut all = args.to_vec();
        all.extend([
            "task",
            "add",
            "--kind",
            "follow_up",
            "--assignee",
            "A",
            "--unit",
            "U",
            "--working-days",
            "3",
            "--from",
            "2026-11-02",
        ]);
        let out = ekn(&db, &all, env);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    };
    add(&[], &["--as", "Иванов В."]);
    add(&[("EKN_USER", "Жұмабаева Г.")], &[]);
    add(&[("USER", "os-user"), ("USERNAME", "os-user")], &[]);
    let host = api::host::Host::start(&db, false, Face::Browser, None).unwrap();
    host.call(
        "set_preferences",
        serde_json::json!({"language": "kk", "assignee": "Ахметова А.", "unit": null, "region": null}),
    )
    .unwrap();
    host.call("note_task", serde_json::json!({"id": 1, "text": "через браузер"})).unwrap();
    drop(host);
    add(&[("USER", "os-user")], &[]);
    let session = Session::open(&db).unwrap();
    let lines = session.journal(&JournalQuery { limit: Some(10_000), ..Default::default() }).unwrap();
    let authors: Vec<(String, String, String)> = lines
        .iter()
        .filter(|l| matches!(l.kind.as_str(), "task_created" | "task_noted" | "setting_changed"))
        .map(|l| (l.kind.clone(), l.person.clone(), l.face.clone()))
        .collect();
    let has =
        |kind: &str, person: &str, face: &str| authors.iter().any(|(k, p, f)| k == kind && p == person && f == face);
    assert!(has("task_created", "Иванов В.", "cli"), "{authors:?}");
    assert!(has("task_created", "Жұмабаева Г.", "cli"), "{authors:?}");
    assert!(has("task_created", "os-user", "cli"), "{authors:?}");
    assert!(authors.iter().any(|(k, _, f)| k == "setting_changed" && f == "browser"), "{authors:?}");
    assert!(has("task_noted", "Ахметова А.", "browser"), "Settings' \"me\" signs the UI's writes: {authors:?}");
    assert!(
        has("task_created", "Ахметова А.", "cli"),
        "…and the command line's when nothing else names the person: {authors:?}"
    );
    // Every entry names someone; the product's own are the system's.
    assert!(lines.iter().all(|l| !l.person.is_empty() && !l.face.is_empty()));
    assert!(lines.iter().any(|l| l.face == "system" && l.kind == "rules_changed"));
}

#[test]
fn accepting_a_suggestion_creates_its_tasks_and_records_the_acceptance_in_one_write() {
    let db = TempDb::new();
    let inspections = db.file("inspections.csv", inspections_csv());
    db.import(DataKind::Inspections, &inspections).unwrap();
    let mut session = Session::open_with(
        &db.path,
        Context::new(Face::Desktop, Some("Ахметова А.".into()), api::clock_for(Some(d("2024-09-20")))),
    )
    .unwrap();
    let request = NewTaskRequest {
        kind: TaskKind::InspectionCheck,
        title: None,
        subject_bin: Some(bin(1)),
        appeal_no: None,
        assignee: "Ахметова А.".into(),
        unit: "Отдел".into(),
        norm: None,
        period: Some(ekn::domain::deadline::Period { amount: 10, unit: ekn::domain::deadline::Unit::WorkingDays }),
        event_date: Some(d("2024-09-02")),
        depends_on: vec![],
    };
    let check = session.tasks().add(&request).unwrap().created[0].task.id;
    session.tasks().complete(check, d("2024-09-10")).unwrap();
    let head_before = verify_journal(&db.path, &ekn::api::Context::cli()).unwrap().entries;
    let created = session.tasks().accept_suggestion(check, None).unwrap().created;
    let lines = session.journal(&JournalQuery { object: Some(bin(1)), ..Default::default() }).unwrap();
    let new: Vec<&str> = lines.iter().filter(|l| l.seq > head_before).map(|l| l.kind.as_str()).collect();
    // The act, its control task and the acceptance: consecutive entries of one commit (one stamp).
    assert_eq!(new, vec!["task_created", "task_created", "suggestion_accepted"]);
    let stamps: std::collections::BTreeSet<&str> =
        lines.iter().filter(|l| l.seq > head_before).map(|l| l.at.as_str()).collect();
    assert_eq!(stamps.len(), 1);
    assert_eq!(created.len(), 2);
    assert!(verify_journal(&db.path, &ekn::api::Context::cli()).unwrap().ok);
}

#[test]
fn a_write_without_a_journal_entry_is_refused() {
    let db = TempDb::new();
    let mut store = ekn::store::Store::open(&db.path).unwrap();
    let stamp = ekn::store::Stamp { at: "2026-11-21T10:00:00Z".into(), actor: ekn::domain::journal::Actor::system() };
    let write = store.write(stamp).unwrap();
    write.set_setting("ui.language", "en").unwrap();
    assert!(write.commit().is_err());
    assert_eq!(store.setting("ui.language").unwrap(), None, "nothing was written");
    drop(store);
    assert!(verify_journal(&db.path, &ekn::api::Context::cli()).unwrap().ok);
}

#[test]
fn an_entry_can_be_proven_part_of_the_signed_journal_without_the_rest() {
    // What an evidence package will carry: an entry, its audit path and the signed checkpoint.
    use ekn::domain::journal::leaf_of;
    use ekn::domain::merkle::{from_hex, inclusion_proof, verify_inclusion};
    let db = journaled();
    let report = verify_journal(&db.path, &ekn::api::Context::cli()).unwrap();
    let session = db.session();
    let lines = session.journal(&JournalQuery { limit: Some(10_000), ..Default::default() }).unwrap();
    let leaves: Vec<_> = lines.iter().map(|l| leaf_of(&l.hash)).collect();
    let root = from_hex(&report.checkpoint.unwrap().merkle_root).unwrap();
    let index = 7;
    let proof = inclusion_proof(&leaves, index);
    assert!(proof.len() <= 6, "short: {} hashes for {} entries", proof.len(), leaves.len());
    assert!(verify_inclusion(&leaves[index], index as u64, leaves.len() as u64, &proof, &root));
}
