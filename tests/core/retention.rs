//! Lawful destruction as an auditor and a thief would check it: an old appeal's personal data,
//! once its retention period ended and an act was applied, cannot be found by search, on the
//! object's card, on the appeal card, in an evidence package packed afterwards, or anywhere in
//! the bytes of the files beside the database; the journal still verifies and says which act
//! redacted how many entries — and any other change made after the redaction is still named.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use ekn::api::{
    self, verify_journal, ActLang, Context, CorrectionAspect, FixedClock, JournalProblem, JournalQuery, PinnedDay,
    RetentionApplyRequest, Session,
};
use ekn::domain::journal::Face;
use ekn::domain::retention::{RecordKind, RetentionRules};

use crate::support::files_under;

/// The day the tests stand on: five years after the demo's first decided appeals.
const DAY: &str = "2027-02-01";

fn day(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}

fn demo(dir: &Path) -> PathBuf {
    crate::support::demo_copy(dir)
}

fn session_on(db: &Path, today: &str) -> Session {
    let context = Context::new(Face::Cli, Some("Ахметова А.".into()), Arc::new(PinnedDay(day(today))));
    Session::open_with(db, context).unwrap()
}

/// A session whose clock stands still at noon (Kazakhstan) of `today`: what it writes is stamped on
/// that day, not on the day the test happens to run (an attachment's period runs from its stamp, so
/// a test on the real clock passed or failed by the date CI ran it).
fn session_at_noon(db: &Path, today: &str) -> Session {
    let noon = day(today).and_hms_opt(7, 0, 0).unwrap().and_utc();
    let context = Context::new(Face::Cli, Some("Ахметова А.".into()), Arc::new(FixedClock(noon)));
    Session::open_with(db, context).unwrap()
}

fn sql_text(db: &Path, query: &str, arg: &str) -> Option<String> {
    let conn = rusqlite::Connection::open(db).unwrap();
    if query.contains("?1") {
        conn.query_row(query, [arg], |r| r.get(0)).ok()
    } else {
        conn.query_row(query, [], |r| r.get(0)).ok()
    }
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    let needle = needle.as_bytes();
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The text of a .docx as python-docx (an independent reader) sees it, tables included.
fn docx_text(path: &Path) -> String {
    let script = "import sys, docx\nd = docx.Document(sys.argv[1])\n\
                  parts = [p.text for p in d.paragraphs]\n\
                  parts += [c.text for t in d.tables for r in t.rows for c in r.cells]\n\
                  parts += [p.text for s in d.sections for p in s.footer.paragraphs]\nprint('\\n'.join(parts))";
    let out = std::process::Command::new("python3").arg("-c").arg(script).arg(path).output().expect("python3 runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// A word of the text long enough to be searched for on its own.
fn searchable_word(text: &str) -> String {
    text.split(|c: char| !c.is_alphabetic()).filter(|w| w.chars().count() >= 8).max_by_key(|w| w.len()).unwrap().into()
}

#[test]
fn an_old_appeal_is_destroyed_everywhere_and_the_journal_still_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let rules = RetentionRules::builtin();
    let mut session = session_on(&db, DAY);

    // The plan changes nothing and names each due record with its (unconfirmed) rule.
    let entries_before = verify_journal(&db, &Context::cli()).unwrap().entries;
    let plan = session.retention().plan(&rules, day(DAY)).unwrap();
    assert!(plan.total > 0 && plan.unconfirmed, "{plan:?}");
    let appeals_plan = plan.rules.iter().find(|p| p.rule.record == RecordKind::Appeal).unwrap();
    assert!(appeals_plan.due.iter().all(|d| d.event_date.as_str() <= "2022-01-31"));
    assert_eq!(verify_journal(&db, &Context::cli()).unwrap().entries, entries_before);

    // A due appeal whose text no other appeal repeats, its subject, and what a person wrote about it.
    let (appeal_no, text) = appeals_plan
        .due
        .iter()
        .find_map(|d| {
            let text = sql_text(&db, "SELECT text FROM appeals WHERE appeal_no = ?1", &d.key)?;
            let copies = sql_text(&db, "SELECT count(*) || '' FROM appeals WHERE text = ?1", &text)?;
            (copies == "1" && text.split_whitespace().count() > 8).then(|| (d.key.clone(), text))
        })
        .expect("a due appeal with a text of its own");
    let bin = sql_text(
        &db,
        "SELECT s.bin FROM appeals a JOIN subjects s ON s.id = a.subject_id WHERE a.appeal_no = ?1",
        &appeal_no,
    )
    .expect("the demo's appeals name their object");
    let person_words = "заявитель Қуанышбекова Әйгерім просила перезвонить";
    session.appeals().correct(&appeal_no, CorrectionAspect::Category, "экология", person_words).unwrap();
    // And taken into a theme with the same words as the reason (theme_members, its journal entry).
    let theme =
        ekn::analytics::themes::ThemeDefinition { categories: vec!["environment".into()], ..Default::default() };
    session
        .analytics()
        .save_theme(&ekn::api::SaveThemeRequest {
            name: "Экология".into(), definition: theme, reason: "план".into()
        })
        .unwrap();
    session
        .analytics()
        .decide_theme_member(&ekn::api::MemberRequest {
            theme: "Экология".into(),
            kind: ekn::api::ItemKind::Appeal,
            key: appeal_no.clone(),
            choice: ekn::api::MemberChoice::Accept,
            reason: person_words.into(),
        })
        .unwrap();
    let word = searchable_word(&text);
    assert!(session.registry().search(&word, 500).unwrap().appeals.iter().any(|a| a.appeal_no == appeal_no));
    // An untouched appeal, to tell a destruction from a wiped database.
    let kept_no =
        sql_text(&db, "SELECT appeal_no FROM appeals WHERE decided > '2025-01-01' AND text IS NOT NULL LIMIT 1", "")
            .or_else(|| {
                sql_text(&db, "SELECT appeal_no FROM appeals WHERE decided IS NULL AND text IS NOT NULL LIMIT 1", "")
            })
            .unwrap();

    // A wrong act: no number, no reason, a day after today.
    let request = |number: &str, reason: &str, as_of: &str| RetentionApplyRequest {
        as_of: day(as_of),
        act_number: number.into(),
        reason: reason.into(),
        lang: Some(ActLang::Ru),
    };
    assert!(session.retention().apply(&rules, &request(" ", "срок истёк", DAY)).is_err());
    assert!(session.retention().apply(&rules, &request("7-УД", " ", DAY)).is_err());
    assert!(session.retention().apply(&rules, &request("7-УД", "срок истёк", "2027-02-02")).is_err());

    let plan = session.retention().plan(&rules, day(DAY)).unwrap();
    let report =
        session.retention().apply(&rules, &request("7-УД", "Истёк срок хранения (Закон 94-V, ст. 12)", DAY)).unwrap();
    assert_eq!(report.records, plan.total);
    assert!(report.redacted_entries >= 1, "the correction's reason was redacted: {report:?}");
    assert!(report.unconfirmed);
    // The same act twice, or an act with nothing due, is refused.
    assert!(session.retention().apply(&rules, &request("7-УД", "ещё раз", DAY)).is_err());
    assert!(session.retention().apply(&rules, &request("8-УД", "ничего", DAY)).is_err());

    // The journal verifies and names the act and how many entries it redacted.
    let verification = verify_journal(&db, &Context::cli()).unwrap();
    assert!(verification.ok, "{:?}", verification.problems);
    assert_eq!(verification.redactions.len(), 1);
    assert_eq!(verification.redactions[0].act_number, "7-УД");
    assert_eq!(verification.redactions[0].entries, report.redacted_entries);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ekn"))
        .arg("--db")
        .arg(&db)
        .args(["journal", "verify"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("7-УД"), "{}", String::from_utf8_lossy(&out.stdout));

    // Gone from search, the object's card, the appeal card and the journal's lines.
    assert!(!session.registry().search(&word, 500).unwrap().appeals.iter().any(|a| a.appeal_no == appeal_no));
    let card = session.registry().card(&bin).unwrap();
    let on_card = card.appeals.iter().find(|a| a.appeal_no == appeal_no).unwrap();
    assert_eq!((on_card.text.as_deref(), on_card.applicant.as_deref()), (None, None));
    assert_eq!(on_card.destroyed_by.as_deref(), Some("7-УД"));
    let appeal_card = session.appeals().card(&appeal_no).unwrap();
    assert_eq!((appeal_card.text.as_deref(), appeal_card.destroyed_by.as_deref()), (None, Some("7-УД")));
    let lines = session.journal(&JournalQuery { appeal: Some(appeal_no.clone()), ..Default::default() }).unwrap();
    assert!(!lines.is_empty());
    for line in &lines {
        let shown = serde_json::to_string(line).unwrap();
        assert!(!shown.contains("Қуанышбекова"), "{shown}");
    }
    assert!(lines
        .iter()
        .any(|l| l.redacted_by.as_deref() == Some("7-УД") && l.detail.contains("destroyed by act 7-УД")));
    // The untouched appeal keeps its text.
    assert!(session.appeals().card(&kept_no).unwrap().text.is_some());
    // The theme keeps the appeal as a member; the reason given for it is gone.
    let members = session.analytics().theme_candidates("Экология", Some(1000), None).unwrap();
    let member = members.items.iter().find(|c| c.key == appeal_no).unwrap();
    let decision = member.decision.as_ref().unwrap();
    assert_eq!((decision.decision.as_str(), decision.reason.as_deref()), ("accepted", None));

    // Not in an evidence package packed afterwards.
    let package = dir.path().join("package");
    session.evidence().package(&bin, &package, false).unwrap();
    for (path, bytes) in files_under(&package) {
        assert!(!contains(&bytes, &text) && !contains(&bytes, "Қуанышбекова"), "{}", path.display());
    }

    // Not in the bytes of any file beside the database (plain SQLite here: secure_delete zeroed
    // the freed pages and the write-ahead log was emptied into the file).
    drop(session);
    let probe = text.chars().take(60).collect::<String>();
    for (path, bytes) in files_under(db.parent().unwrap()) {
        if path.starts_with(&package) {
            continue;
        }
        assert!(!contains(&bytes, &probe), "the appeal's text is still in {}", path.display());
        assert!(!contains(&bytes, "Қуанышбекова"), "the person's words are still in {}", path.display());
    }

    // The act: its number, the appeal's number, the unconfirmed warning — and not the text.
    let act = dir.path().join("act.docx");
    std::fs::write(&act, &report.act_docx).unwrap();
    let words = docx_text(&act);
    assert!(words.contains("7-УД") && words.contains(&appeal_no), "{words}");
    assert!(words.contains("не подтверждены") && words.contains("94-V"), "{words}");
    // The act says which copies it covers: here, a workstation of no office, there are no others.
    assert!(words.contains("Других копий нет"), "{words}");
    assert!(!words.contains(&probe));

    // Tampering after the redaction is still named: another entry's personal data removed
    // without an act, or edited, and the act's own entry edited.
    let journal_personal_seq = |db: &Path| -> i64 {
        let conn = rusqlite::Connection::open(db).unwrap();
        conn.query_row("SELECT min(seq) FROM journal_personal", [], |r| r.get(0)).unwrap()
    };
    let tampered = |name: &str, statements: &dyn Fn(i64) -> String| -> Vec<JournalProblem> {
        let copy_dir = tempfile::tempdir().unwrap();
        let copy = copy_dir.path().join("copy.db");
        for suffix in ["", ".key", ".signing-key", ".checkpoint"] {
            let from = PathBuf::from(format!("{}{suffix}", db.display()));
            std::fs::copy(from, PathBuf::from(format!("{}{suffix}", copy.display()))).unwrap();
        }
        let seq = journal_personal_seq(&copy);
        rusqlite::Connection::open(&copy).unwrap().execute_batch(&statements(seq)).unwrap();
        let problems = verify_journal(&copy, &Context::cli()).unwrap().problems;
        assert!(!problems.is_empty(), "{name}: not detected");
        problems
    };
    let seq = journal_personal_seq(&db);
    assert_eq!(
        tampered("removed", &|seq| format!("DELETE FROM journal_personal WHERE seq = {seq}")),
        vec![JournalProblem::PersonalDataRemoved { seq }]
    );
    assert_eq!(
        tampered("edited", &|seq| format!(
            "DROP TRIGGER journal_personal_no_update;
             UPDATE journal_personal SET fields = '{{\"title\":\"другое\"}}' WHERE seq = {seq}"
        )),
        vec![JournalProblem::PersonalDataChanged { seq }]
    );
    let problems = tampered("the act edited", &|_| {
        "DROP TRIGGER journal_no_update;
         UPDATE journal SET payload = replace(payload, '7-УД', '9-УД') WHERE kind = 'retention_applied'"
            .to_string()
    });
    assert!(
        matches!(problems[0], JournalProblem::BrokenChain { seq, .. } if seq == report.journal_seq),
        "{problems:?}"
    );
}

#[test]
fn an_attached_document_is_deleted_with_its_file_and_a_reimport_never_brings_a_text_back() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let rules = RetentionRules::builtin();
    let bin = sql_text(&db, "SELECT bin FROM subjects ORDER BY id LIMIT 1", "").unwrap();
    let mut session = session_at_noon(&db, "2026-11-22");
    let name = "Объяснение Жұмабаевой Гүлнар.pdf";
    let content = "объяснительная записка — уникальное содержимое Ғ-Ү-Ұ";
    let attached = session.evidence().attach(&bin, name, content.as_bytes(), None).unwrap();
    let blob = ekn::store::blobs::document_path(&db, &attached.attachment.sha256);
    assert!(blob.is_file());
    drop(session);

    // Five years and two days on, the document is due; an act destroys it and its file.
    let mut later = session_at_noon(&db, "2031-11-24");
    let plan = later.retention().plan(&rules, day("2031-11-24")).unwrap();
    let due = &plan.rules.iter().find(|p| p.rule.record == RecordKind::Attachment).unwrap().due;
    assert_eq!(due.len(), 1, "{due:?}");
    assert!(!due[0].key.contains("Жұмабаевой"), "a plan names a document by digest, not by name");
    let request = RetentionApplyRequest {
        as_of: day("2031-11-24"),
        act_number: "12/2031".into(),
        reason: "Истёк срок хранения".into(),
        lang: Some(ActLang::Kk),
    };
    let report = later.retention().apply(&rules, &request).unwrap();
    assert_eq!(report.documents_deleted, 1);
    assert!(!blob.exists());
    assert!(later.evidence().attachments(&bin).unwrap().is_empty());
    let verification = verify_journal(&db, &Context::cli()).unwrap();
    assert!(verification.ok, "{:?}", verification.problems);
    let act = dir.path().join("act.docx");
    std::fs::write(&act, &report.act_docx).unwrap();
    let words = docx_text(&act);
    assert!(words.contains("12/2031") && words.contains("расталмаған"), "{words}");

    // The demo's appeals file imported again: the destroyed appeals stay without their text.
    let appeals_file = dir.path().join("appeals.csv");
    let files = api::demo_files(ekn::generator::ANCHOR).unwrap();
    let (_, _, bytes) =
        files.iter().find(|(kind, _, _)| *kind == ekn::domain::records::DataKind::Appeals).expect("an appeals file");
    std::fs::write(&appeals_file, bytes).unwrap();
    later
        .registry()
        .import(ekn::domain::records::DataKind::Appeals, &appeals_file, None, false, None, &mut |_| {})
        .unwrap();
    let destroyed = sql_text(
        &db,
        "SELECT count(*) || '' FROM appeals a JOIN destroyed_records d ON d.record_key = a.appeal_no WHERE a.text IS NOT NULL",
        "",
    );
    assert_eq!(destroyed.as_deref(), Some("0"));
    drop(later);
    for (path, bytes) in files_under(dir.path()) {
        if path == act {
            continue;
        }
        assert!(!contains(&bytes, "Жұмабаевой"), "{}", path.display());
        assert!(!contains(&bytes, "уникальное содержимое"), "{}", path.display());
    }
    let verification = verify_journal(&db, &Context::cli()).unwrap();
    assert!(verification.ok, "{:?}", verification.problems);
}

#[test]
fn the_plan_on_the_command_line_lists_rules_with_their_basis_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let before = std::fs::read(&db).unwrap();
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_ekn")).arg("--db").arg(&db).args(args).output().unwrap()
    };
    let out = run(&["retention", "plan", "--as-of", DAY, "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(plan["total"].as_u64().unwrap() > 0);
    assert_eq!(plan["rules"][0]["rule"]["confirmed"], false);
    let text = run(&["retention", "plan", "--as-of", DAY]);
    assert!(String::from_utf8_lossy(&text.stdout).contains("UNCONFIRMED"));
    assert_eq!(std::fs::read(&db).unwrap(), before, "a plan writes nothing");
    // Applying on a day after today is refused, and so is an act with nowhere to go.
    let out = run(&["retention", "apply", "--as-of", "2099-01-01", "--act-number", "1", "--reason", "тест"]);
    assert_ne!(out.status.code(), Some(0));
    let existing = dir.path().join("exists.docx");
    std::fs::write(&existing, b"x").unwrap();
    let out = run(&[
        "retention",
        "apply",
        "--as-of",
        "2026-11-01",
        "--act-number",
        "1",
        "--reason",
        "тест",
        "--out",
        existing.to_str().unwrap(),
    ]);
    assert_ne!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("exists"));
    // A rules file with a bad field is named.
    let bad = dir.path().join("rules.json");
    std::fs::write(&bad, ekn::domain::retention::BUILTIN.replace("\"amount\": 5", "\"amount\": 0")).unwrap();
    let out = run(&["retention", "plan", "--as-of", DAY, "--rules", bad.to_str().unwrap()]);
    assert_ne!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("period.amount"));
}

#[test]
fn a_read_document_takes_its_text_its_facts_and_the_decisions_on_them_when_destroyed() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let rules = RetentionRules::builtin();
    let bin = sql_text(&db, "SELECT bin FROM subjects ORDER BY id LIMIT 1", "").unwrap();
    // The demo's own documents (another object's, kept by this act) are the baseline.
    let count = |table: &str| sql_text(&db, &format!("SELECT count(*) || '' FROM {table}"), "").unwrap();
    let tables = ["doc_pages", "doc_facts", "doc_fact_decisions"];
    let baseline: Vec<String> = tables.iter().map(|t| count(t)).collect();
    let decisions_personal = "SELECT count(*) || '' FROM journal j JOIN journal_personal p ON p.seq = j.seq \
                              WHERE j.kind IN ('fact_confirmed', 'fact_rejected')";
    let personal_before = sql_text(&db, decisions_personal, "");
    let mut session = session_at_noon(&db, "2026-11-22");
    let docx =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/documents/008-ru-answer.docx")).unwrap();
    let attached = session.evidence().attach_and_read(&bin, "ответ.docx", &docx, None, &mut |_| true).unwrap();
    assert_eq!(attached.read_state.as_deref(), Some("read"));
    let facts = session.evidence().document_facts(&bin).unwrap();
    let fact = |kind: &str| facts.documents[0].facts.iter().find(|f| f.kind == kind).unwrap().id;
    session.evidence().confirm_fact(fact("addressee"), Some("Прокурору Сейткалиевой Г.М."), None).unwrap();
    session.evidence().reject_fact(fact("number"), "номер Сейткалиевой не тот", None).unwrap();
    assert_ne!(count("doc_pages"), baseline[0]);
    assert_ne!(count("doc_facts"), baseline[1]);
    drop(session);

    let mut later = session_at_noon(&db, "2031-11-24");
    let request = RetentionApplyRequest {
        as_of: day("2031-11-24"),
        act_number: "13/2031".into(),
        reason: "Истёк срок хранения".into(),
        lang: Some(ActLang::Ru),
    };
    let report = later.retention().apply(&rules, &request).unwrap();
    assert_eq!(report.documents_deleted, 1);
    for (table, before) in tables.iter().zip(&baseline) {
        assert_eq!(&count(table), before, "{table} emptied of the document");
    }
    assert!(later.registry().search("Сообщаем", 10).unwrap().documents.is_empty(), "the index forgets the text");
    assert!(later.registry().card(&bin).unwrap().document_facts.is_empty());
    let verification = verify_journal(&db, &Context::cli()).unwrap();
    assert!(verification.ok, "{:?}", verification.problems);
    drop(later);
    // The decisions' personal fields (a corrected addressee, a reason) are gone from the journal.
    let after = sql_text(&db, decisions_personal, "");
    assert_eq!(after, personal_before);
    for (path, bytes) in files_under(dir.path()) {
        for word in ["Сообщаем", "Сейткалиевой"] {
            assert!(!contains(&bytes, word), "«{word}» still in {}", path.display());
        }
    }
}

#[test]
fn an_old_act_is_destroyed_with_its_outcomes_an_open_control_holds_one_and_the_journal_still_verifies() {
    use ekn::api::{ActIssueRequest, ActOutcomeRequest};
    use ekn::domain::outcomes::{ActResult, ActStage, Measures};
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let rules = RetentionRules::builtin();
    let bin = sql_text(&db, "SELECT bin FROM subjects ORDER BY id LIMIT 1", "").unwrap();
    let mut s = session_on(&db, "2026-11-24");
    let issue = |s: &mut Session, kind, issued_on: &str, number: &str, requirement: &str| {
        s.acts()
            .issue(&ActIssueRequest {
                bin: bin.clone(),
                kind: Some(kind),
                issued_on: Some(day(issued_on)),
                number: Some(number.into()),
                addressee: "Директору ТОО".into(),
                requirements: vec![requirement.into()],
                ..Default::default()
            })
            .unwrap()
    };
    // An act of 2019, answered that spring and its control ticked: five years on, it is due.
    let old = issue(&mut s, ekn::acts::ActKind::Submission, "2019-03-01", "П-2019/1", "уникальное требование Қайнар");
    s.tasks().complete(old.control_task.as_ref().unwrap().task.id, day("2019-05-01")).unwrap();
    for (stage, result, on) in
        [(ActStage::Answer, ActResult::Satisfied, "2019-04-01"), (ActStage::Court, ActResult::Upheld, "2019-06-01")]
    {
        s.acts()
            .record_outcome(&ActOutcomeRequest {
                act: old.act.id,
                stage,
                result,
                on: Some(day(on)),
                measures: Measures { disciplined: Some(2), ..Default::default() },
                document: None,
                from_fact: None,
                formal_defect: false,
            })
            .unwrap();
    }
    // An act as old whose control is still open is held; a recent one is not due.
    let held = issue(&mut s, ekn::acts::ActKind::Submission, "2019-03-05", "П-2019/2", "требование под контролем");
    let recent = issue(&mut s, ekn::acts::ActKind::Submission, "2025-06-01", "П-2025/1", "свежее требование");

    let plan = s.retention().plan(&rules, day("2026-11-24")).unwrap();
    let acts = plan.rules.iter().find(|p| p.rule.record == RecordKind::Act).expect("a rule for acts");
    assert!(!acts.rule.confirmed, "the acts' period is a placeholder and says so");
    // The demo's own acts of years ago are due too (their keys name their objects); of this
    // object's, only the old answered one.
    let ours: Vec<_> = acts.due.iter().filter(|d| d.key.starts_with(&format!("act:{bin}:"))).collect();
    assert_eq!(ours.iter().map(|d| d.key.as_str()).collect::<Vec<_>>(), [format!("act:{bin}:П-2019/1")]);
    assert_eq!(ours[0].event_date, "2019-06-01", "the period runs from the latest outcome");
    assert_eq!(acts.held, 1);

    let report = s
        .retention()
        .apply(
            &rules,
            &RetentionApplyRequest {
                as_of: day("2026-11-24"),
                act_number: "7/2026".into(),
                reason: "Истёк срок хранения".into(),
                lang: Some(ActLang::Ru),
            },
        )
        .unwrap();
    assert!(report.redacted_entries >= 1, "the act_issued entry's addressee is cleared");
    // The act and its outcomes are gone; the held and the recent acts stay whole.
    assert!(s.acts().detail(old.act.id).is_err());
    let count = |sql: &str| sql_text(&db, sql, "").unwrap();
    assert_eq!(count(&format!("SELECT count(*) || '' FROM act_outcomes WHERE act_id = {}", old.act.id)), "0");
    assert_eq!(s.acts().detail(held.act.id).unwrap().act.number.as_deref(), Some("П-2019/2"));
    assert!(s.acts().detail(recent.act.id).is_ok());
    assert_eq!(
        count(&format!(
            "SELECT record_key FROM destroyed_records WHERE record_kind = 'act' AND record_key LIKE 'act:{bin}:%'"
        )),
        format!("act:{bin}:П-2019/1")
    );
    // The journal shows the act's entries redacted by the destruction act, and verifies.
    let journal =
        s.journal(&JournalQuery { object: Some(bin.clone()), limit: Some(500), ..Default::default() }).unwrap();
    let redaction_of = |act_id: i64| -> Vec<Option<String>> {
        journal
            .iter()
            .filter(|l| matches!(&l.entry, Some(ekn::domain::journal::Entry::ActIssued { act_id: id, .. }) if *id == act_id))
            .map(|l| l.redacted_by.clone())
            .collect()
    };
    assert_eq!(redaction_of(old.act.id), [Some("7/2026".to_string())], "the destroyed act's entry is redacted");
    assert_eq!(redaction_of(held.act.id), [None], "the held act's entry keeps its addressee");
    // The tables stay append-only for anything but a destruction.
    let conn = rusqlite::Connection::open(&db).unwrap();
    assert!(conn.execute("DELETE FROM act_outcomes WHERE act_id = ?1", [held.act.id]).is_ok_and(|n| n == 0));
    assert!(conn.execute("DELETE FROM acts_issued WHERE id = ?1", [held.act.id]).is_err());
    drop(conn);
    drop(s);
    let verification = verify_journal(&db, &Context::cli()).unwrap();
    assert!(verification.ok, "{:?}", verification.problems);
    for (path, bytes) in files_under(dir.path()) {
        assert!(!contains(&bytes, "уникальное требование"), "{}", path.display());
    }
}

#[test]
fn an_old_theme_note_loses_its_text_under_an_act_and_the_card_names_the_act() {
    use ekn::api::{SaveThemeRequest, ThemeDefinition};
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let rules = RetentionRules::builtin();
    let rule = rules.for_record(RecordKind::ThemeNote).expect("a rule for theme notes");
    assert!(
        !rule.confirmed && !rule.legal_basis.is_empty(),
        "its period is a placeholder, with its basis, and says so"
    );

    // A note written in March 2020 and one written now, each on its own day.
    let mut then = session_at_noon(&db, "2020-03-02");
    let definition = ThemeDefinition { categories: vec!["social.labour".into()], ..Default::default() };
    then.analytics()
        .save_theme(&SaveThemeRequest { name: "Зарплаты".into(), definition, reason: "план".into() })
        .unwrap();
    then.analytics().note_theme("Зарплаты", "Старая заметка: звонила Жанар Қасымқызы").unwrap();
    drop(then);
    let mut now = session_at_noon(&db, "2026-11-24");
    now.analytics().note_theme("Зарплаты", "Свежая заметка на план").unwrap();

    let plan = now.retention().plan(&rules, day("2026-11-24")).unwrap();
    let notes = plan.rules.iter().find(|p| p.rule.record == RecordKind::ThemeNote).unwrap();
    assert_eq!(notes.due.len(), 1, "only the note past its five years: {:?}", notes.due);
    assert!(notes.due[0].key.starts_with("theme-note:") && notes.due[0].event_date == "2020-03-02");
    assert!(notes.due[0].about.contains("Зарплаты") && !notes.due[0].about.contains("Жанар"), "{:?}", notes.due[0]);

    let report = now
        .retention()
        .apply(
            &rules,
            &RetentionApplyRequest {
                as_of: day("2026-11-24"),
                act_number: "9/2026".into(),
                reason: "Истёк срок хранения".into(),
                lang: Some(ActLang::Kk),
            },
        )
        .unwrap();
    assert!(report.rules.iter().any(|r| r.rule == "theme-note" && r.records == 1), "{:?}", report.rules);
    // The card keeps the note's place and names the act; the fresh note is whole.
    let left = now.analytics().theme_notes("Зарплаты").unwrap();
    assert_eq!(left.len(), 2);
    assert_eq!(left[0].note.as_deref(), Some("Свежая заметка на план"));
    assert_eq!((left[1].note.as_deref(), left[1].destroyed_by.as_deref()), (None, Some("9/2026")));
    // A second plan finds nothing more to destroy among the notes.
    let again = now.retention().plan(&rules, day("2026-11-24")).unwrap();
    assert!(again.rules.iter().find(|p| p.rule.record == RecordKind::ThemeNote).unwrap().due.is_empty());
    drop(now);
    let verification = verify_journal(&db, &Context::cli()).unwrap();
    assert!(verification.ok, "{:?}", verification.problems);
    for (path, bytes) in files_under(dir.path()) {
        assert!(!contains(&bytes, "Жанар"), "{}", path.display());
    }
}
