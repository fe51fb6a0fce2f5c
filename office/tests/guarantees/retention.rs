//! A destruction act reaches every copy. Асель's office PC and her colleague Dina both hold an old
//! appeal and wrote about it, and both imported the same old act of response from the registry;
//! Асель also kept a theme of supervision with a note written in 2020 (a theme note is personal
//! data: it is kept five years); the supervisor pulled what they wrote. Асель applies the act: the
//! office clears its copy (PostgreSQL's rows, and after the sweep the table's files), and with
//! their next syncs the supervisor's replica and Dina's own journal and copy of the appeal are
//! cleared too; every journal still verifies, and Асель's act says which copies it reached.

use std::sync::Arc;

use ekn::api::{ActLang, Context, CorrectionAspect, FixedClock, JournalQuery, RetentionApplyRequest};
use ekn::domain::retention::RetentionRules;

use crate::support::{decided_appeal_in, inspections_in, office_cli, Office, Workstation};

const NOTE: &str = "записка о заявителе Сапаргалиевой";
const REASON_A: &str = "жалоба Қуанышбековой Әйгерім по телефону";
const REASON_D: &str = "повторное обращение Дины о Жанбырбаеве";
/// What Асель noted on a theme in March 2020.
const THEME_NOTE: &str = "звонила Жанар Қасымқызы о задержке зарплаты";
/// The addressee of the old act both import (an organisation: the door masks persons' names).
const ADDRESSEE: &str = "Директору ТОО «Сапфир-Ақжол»";
/// The masked text of a paper that travelled with the appeal's task.
const PAPER_TEXT: &str = "Прошу проверить начисление пособия Тлеубердиной";

/// Whether any file in `files` holds `needle` (its UTF-8 bytes).
fn bytes_hold(files: &[std::path::PathBuf], needle: &str) -> bool {
    let needle = needle.as_bytes();
    files.iter().filter_map(|f| std::fs::read(f).ok()).any(|bytes| bytes.windows(needle.len()).any(|w| w == needle))
}

/// Every text a workstation's database holds in the tables that keep colleagues' work, its own
/// journal's personal data and the appeals, read through SQLCipher with the vault's key.
fn replica_text(ws: &Workstation) -> String {
    let conn = ws.raw();
    let mut all = String::new();
    for sql in [
        "SELECT coalesce(group_concat(entry, ' '), '') FROM remote_events",
        "SELECT coalesce(group_concat(notice, ' '), '') FROM office_conflicts",
        "SELECT coalesce(group_concat(fields, ' '), '') FROM journal_personal",
        "SELECT coalesce(group_concat(coalesce(text, ''), ' '), '') FROM appeals",
        "SELECT coalesce(group_concat(coalesce(note, ''), ' '), '') FROM tasks",
    ] {
        let text: String = conn.query_row(sql, [], |r| r.get(0)).unwrap();
        all.push_str(&text);
        all.push('\n');
    }
    all
}

#[test]
fn a_destruction_act_reaches_the_office_a_colleague_and_the_supervisor_down_to_the_bytes() {
    let Some(office) = Office::start() else { return };
    office.add_user("Асель Нурланова", "prosecutor", "1940");
    office.add_user("Dina Seitkali", "prosecutor", "1940");
    office.add_user("Supervisor Saule", "supervisor", "1940");
    let (no, appeals) = decided_appeal_in("1940");
    let csv = inspections_in(&["1940"], 1);
    let (wa, wd, ws) = (Workstation::new(&csv), Workstation::new(&csv), Workstation::new(&csv));
    wa.import_appeals(&appeals);
    wd.import_appeals(&appeals);
    // The same registry act of 2019, answered that summer, on both workstations.
    let bin = csv.lines().nth(1).unwrap().split(';').nth(1).unwrap().to_string();
    for w in [&wa, &wd] {
        let file = w.dir.path().join("acts.csv");
        std::fs::write(
            &file,
            format!("act_no,bin,kind,issued_on,outcome,outcome_on,addressee\nП-2019/77,{bin},submission,2019-05-06,satisfied,2019-06-01,{ADDRESSEE}\n"),
        )
        .unwrap();
        w.session()
            .registry()
            .import(ekn::domain::records::DataKind::Acts, &file, None, false, None, &mut |_| {})
            .unwrap();
    }
    // Асель's theme and its note, written in March 2020 (before she joined: her first push sends them).
    {
        let noon = "2020-03-02T07:00:00Z".parse().unwrap();
        let mut then = wa.session_with(Context::new(ekn::domain::journal::Face::Cli, None, Arc::new(FixedClock(noon))));
        let definition = ekn::api::ThemeDefinition { categories: vec!["social.labour".into()], ..Default::default() };
        then.analytics()
            .save_theme(&ekn::api::SaveThemeRequest {
                name: "Зарплаты".into(), definition, reason: "план".into()
            })
            .unwrap();
        then.analytics().note_theme("Зарплаты", THEME_NOTE).unwrap();
    }
    wa.join(&office, "Асель Нурланова", "office PC");
    wd.join(&office, "Dina Seitkali", "PC");
    ws.join(&office, "Supervisor Saule", "supervisor's PC");

    // What each wrote about the appeal: Асель a task with a note and a reclassification, Dina a
    // reclassification on her copy.
    let task = {
        let mut s = wa.session();
        let created = s
            .tasks()
            .add(&ekn::api::tasks::NewTaskRequest {
                kind: ekn::domain::tasks::TaskKind::GatherInformation,
                title: Some("запросить ответ".into()),
                subject_bin: None,
                appeal_no: Some(no.clone()),
                assignee: "—".into(),
                unit: "надзор".into(),
                norm: None,
                period: Some(ekn::domain::deadline::Period {
                    amount: 10,
                    unit: ekn::domain::deadline::Unit::WorkingDays,
                }),
                event_date: Some("2020-03-05".parse().unwrap()),
                depends_on: vec![],
            })
            .unwrap();
        let id = created.created[0].task.id;
        s.tasks().note(id, NOTE).unwrap();
        s.tasks().complete(id, "2020-03-10".parse().unwrap()).unwrap();
        s.appeals().correct(&no, CorrectionAspect::Category, "экология", REASON_A).unwrap();
        id
    };
    wd.session().appeals().correct(&no, CorrectionAspect::Category, "трудовые права", REASON_D).unwrap();
    wa.session().office().sync().unwrap();
    wd.session().office().sync().unwrap();
    ws.session().office().sync().unwrap();

    // Before: the office and the supervisor hold every word (and the bytes show it: the check below
    // can fail).
    let behind = |sql: &str| office.pg.psql("ekn", sql);
    let words = "SELECT count(*) FROM event_personal WHERE personal::text LIKE '%Сапаргалиевой%' \
                 OR personal::text LIKE '%Қуанышбековой%' OR personal::text LIKE '%Жанбырбаеве%' \
                 OR personal::text LIKE '%Сапфир-Ақжол%'";
    assert_eq!(behind(words), "5", "the note, two reasons, and the act's addressee from each workstation");
    let theme_note = "SELECT count(*) FROM event_personal WHERE personal::text LIKE '%Қасымқызы%'";
    assert_eq!(behind(theme_note), "1", "the theme's note reached the office");
    // Both workstations handed the appeal's facts over, each with its pseudonym of the applicant.
    let pseudonyms = format!(
        "SELECT count(*) FROM office_appeals WHERE appeal_no = '{no}' AND (applicant IS NOT NULL OR simhash IS NOT NULL)"
    );
    assert_eq!(behind(&pseudonyms), "2", "the appeal's facts reached the office from both");
    let pseudonym = behind(&format!("SELECT applicant FROM office_appeals WHERE appeal_no = '{no}' LIMIT 1"));
    assert!(pseudonym.starts_with("p:"), "{pseudonym}");
    // Each copy of the appeal travelled once with a task to a colleague (tests/guarantees/papers.rs
    // shows the journey; here its rows are laid down behind the office's back): a paper's masked
    // text is the appeal's content and goes with the act, from both holders' copies.
    behind(&format!(
        "INSERT INTO office_appeal_papers(task_key, ws, appeal_no, district, paper) \
         SELECT 'appeal:{no}/consider_appeal', ws, appeal_no, district, '{{\"text\": \"{PAPER_TEXT}\"}}'::jsonb \
         FROM office_appeals WHERE appeal_no = '{no}'"
    ));
    assert_eq!(behind("SELECT count(*) FROM office_appeal_papers"), "2");
    behind("CHECKPOINT");
    assert!(bytes_hold(&office.pg.table_files("office_appeal_papers"), PAPER_TEXT), "the paper is on disk before");
    let files = office.pg.table_files("event_personal");
    assert!(bytes_hold(&files, "Сапаргалиевой"), "the note is in PostgreSQL's files before the act");
    assert!(bytes_hold(&office.pg.table_files("office_appeals"), &pseudonym), "the pseudonym is on disk before");
    assert!(bytes_hold(&files, "Қасымқызы"), "the theme's note is in PostgreSQL's files before the act");
    let supervisor_before = replica_text(&ws);
    assert!(supervisor_before.contains("Сапаргалиевой") && supervisor_before.contains("Жанбырбаеве"));
    assert!(supervisor_before.contains("Сапфир-Ақжол"), "the supervisor pulled the act's addressee");
    let colleague_task = ws.session().office().status().unwrap();
    assert!(colleague_task.colleagues_tasks >= 1);
    // `ekn journal --task -N` for each colleague's task the supervisor holds.
    let supervisor_journal = |ws: &Workstation| -> String {
        let conn = ws.raw();
        let mut stmt = conn.prepare("SELECT id FROM remote_tasks").unwrap();
        let ids: Vec<i64> = stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
        ids.iter()
            .flat_map(|id| ws.session().journal(&JournalQuery { task: Some(-id), ..Default::default() }).unwrap())
            .map(|l| l.detail)
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(supervisor_journal(&ws).contains(NOTE), "ekn journal --task -N shows the note before");

    // The office counts the registry act both imported once, from two workstations.
    let (ok, out, err) = office_cli(&office.pg_url, &["effect", "--json"], &[]);
    assert!(ok, "{err}");
    let effect: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!((effect["kpis"]["acts"].as_u64(), effect["shared_acts"].as_u64()), (Some(1), Some(1)), "{out}");
    assert_eq!(effect["workstations"], 2, "{out}");

    // Асель applies the act (the appeal was decided in March 2020: five years have passed).
    let rules = RetentionRules::builtin();
    let today = chrono::Utc::now().date_naive();
    let report = wa
        .session()
        .retention()
        .apply(
            &rules,
            &RetentionApplyRequest {
                as_of: today,
                act_number: "17/2026".into(),
                reason: "истёк срок хранения".into(),
                lang: Some(ActLang::Ru),
            },
        )
        .unwrap();
    assert!(report.records >= 3, "the appeal, the act and the theme's note at least: {report:?}");
    assert!(report.rules.iter().any(|r| r.rule == "theme-note" && r.records == 1), "{:?}", report.rules);
    assert_eq!(wa.raw().query_row("SELECT count(*) FROM acts_issued", [], |r| r.get::<_, i64>(0)).unwrap(), 0);
    let synced = wa.session().office().sync().unwrap();
    assert_eq!(synced.acts, vec!["17/2026".to_string()], "{synced:?}");

    // The office's copy: no row holds a word, every entry stays (its chain verifies on a re-push).
    assert_eq!(behind(words), "0");
    assert_eq!(behind(theme_note), "0", "the theme's note is cleared at the office");
    assert_eq!(behind(&pseudonyms), "0", "the applicant and the text's fingerprint leave both copies of the facts");
    assert_eq!(behind(&format!("SELECT count(*) FROM office_appeals WHERE appeal_no = '{no}'")), "2");
    assert_eq!(behind("SELECT count(*) FROM events WHERE entry::text LIKE '%Сапаргалиевой%'"), "0");
    let cleared: i64 =
        behind("SELECT cardinality(entries) FROM redaction_acts WHERE act_number = '17/2026'").parse().unwrap();
    assert!(cleared >= 4, "the two reclassifications, the task's title and its note at least: {cleared}");
    // The sweep rewrites the table: the words leave PostgreSQL's data files too.
    let (ok, out, err) = office_cli(&office.pg_url, &["retention", "sweep"], &[]);
    assert!(ok, "{out}{err}");
    behind("CHECKPOINT");
    let files = office.pg.table_files("event_personal");
    for word in ["Сапаргалиевой", "Қуанышбековой", "Жанбырбаеве", "Сапфир-Ақжол", "Қасымқызы"]
    {
        assert!(!bytes_hold(&files, word), "{word} is still in PostgreSQL's files after the sweep");
    }
    assert!(!bytes_hold(&office.pg.table_files("office_appeals"), &pseudonym), "the pseudonym left the files");
    assert_eq!(behind("SELECT count(*) FROM office_appeal_papers"), "0", "both papers went with the act");
    assert!(!bytes_hold(&office.pg.table_files("office_appeal_papers"), PAPER_TEXT), "the paper left the files");
    let (ok, out, _) = office_cli(&office.pg_url, &["retention", "acts"], &[]);
    assert!(ok && out.contains("17/2026") && out.contains("reached 0 workstation(s), 2 not yet"), "{out}");

    // The supervisor's replica: the words are gone from every table, the entries name the act.
    ws.session().office().sync().unwrap();
    let supervisor_after = replica_text(&ws);
    for word in ["Сапаргалиевой", "Қуанышбековой", "Жанбырбаеве", "Сапфир-Ақжол"]
    {
        assert!(!supervisor_after.contains(word), "{word} is still in the supervisor's database");
    }
    let journal = supervisor_journal(&ws);
    assert!(!journal.contains(NOTE) && journal.contains("destroyed by act 17/2026"), "{journal}");
    // Its files are ciphertext; the write-ahead log was emptied into them.
    let files: Vec<_> = std::fs::read_dir(ws.dir.path()).unwrap().flatten().map(|e| e.path()).collect();
    assert!(!bytes_hold(&files, "Сапаргалиевой"));

    // Dina's workstation: her own entry's words, her copy of the appeal, what she pulled.
    wd.session().office().sync().unwrap();
    let dina = replica_text(&wd);
    for word in ["Сапаргалиевой", "Қуанышбековой", "Жанбырбаеве", "Сапфир-Ақжол"]
    {
        assert!(!dina.contains(word), "{word} is still in Dina's database");
    }
    // Her copy of the registry act went with its outcome, under the act received.
    let dina_acts: i64 = wd.raw().query_row("SELECT count(*) FROM acts_issued", [], |r| r.get(0)).unwrap();
    let dina_outcomes: i64 = wd.raw().query_row("SELECT count(*) FROM act_outcomes", [], |r| r.get(0)).unwrap();
    assert_eq!((dina_acts, dina_outcomes), (0, 0));
    // Her copy of the appeal, cleared here too, went back to the office without the applicant.
    assert_eq!(behind(&pseudonyms), "0");
    let acts = wd.session().retention().acts().unwrap();
    assert!(acts.iter().any(|a| a.act_number.starts_with("17/2026") && a.received_from.is_some()), "{acts:?}");
    for w in [&wa, &wd, &ws] {
        let context = Context::cli().with_passphrase(w.passphrase.clone().unwrap());
        let verified = ekn::api::verify_journal(&w.path, &context).unwrap();
        assert!(verified.ok, "{:?}", verified.problems);
    }
    let verified =
        ekn::api::verify_journal(&wd.path, &Context::cli().with_passphrase(wd.passphrase.clone().unwrap())).unwrap();
    assert!(
        verified.redactions.iter().any(|r| r.act_number == "17/2026" && r.entries >= 1),
        "{:?}",
        verified.redactions
    );

    // Асель's act says how far it reached.
    wa.session().office().sync().unwrap();
    let acts = wa.session().retention().acts().unwrap();
    let act = acts.iter().find(|a| a.act_number == "17/2026").unwrap();
    assert_eq!(act.office_entries, Some(cleared), "{act:?}");
    assert!(act.office_reached_at.is_some());
    assert_eq!(act.replicas_pending, Vec::<String>::new(), "{act:?}");
    assert_eq!(act.replicas_reached.len(), 2, "{act:?}");
    assert!(task > 0);
}
