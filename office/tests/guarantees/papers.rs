//! An appeal travels with its SLA task (issue 41): Асель imports open appeals of her district and
//! triages them; the supervisor gives one appeal's consideration task to Dina. At Асель's next
//! sync the appeal's paper goes to the office, at Dina's it reaches her with the task — the masked
//! text, the category in force, the route, the decisions with their authors and reasons — and
//! nowhere is the applicant's pseudonym. Erlan, of the same district, and the supervisor who
//! assigned it, do not receive it. The office takes no paper for a task the sender does not hold,
//! and refuses a malformed one naming its field. When the task comes back to Асель, her sync
//! withdraws the paper and Dina's next sync drops it.

use crate::support::{inspections_in, open_appeals_in, Office, Rogue, Workstation};

const REASON: &str = "в тексте речь о задержке зарплаты, не о пособии";

#[test]
fn an_appeal_travels_with_its_task_to_the_assignee_and_to_no_one_else() {
    let Some(office) = Office::start() else { return };
    for (name, role) in [
        ("Асель Нурланова", "prosecutor"),
        ("Dina Seitkali", "prosecutor"),
        ("Erlan Abenov", "prosecutor"),
        ("Supervisor Saule", "supervisor"),
    ] {
        office.add_user(name, role, "1940");
    }
    let csv = inspections_in(&["1940"], 2);
    let (asel, dina, erlan, saule) =
        (Workstation::new(&csv), Workstation::new(&csv), Workstation::new(&csv), Workstation::new(&csv));
    asel.join(&office, "Асель Нурланова", "office PC");
    dina.join(&office, "Dina Seitkali", "PC");
    erlan.join(&office, "Erlan Abenov", "PC");
    saule.join(&office, "Supervisor Saule", "supervisor's PC");
    asel.import_appeals(&open_appeals_in("1940", 4));
    asel.session().appeals().triage(ekn::api::appeals::triage::TriageScope::All, &|_, _| {}).unwrap();
    let (no, text, applicant): (String, String, String) = asel
        .raw()
        .query_row(
            "SELECT appeal_no, text, coalesce(applicant_office, applicant_pseudonym) FROM appeals \
             WHERE text IS NOT NULL AND applicant_pseudonym IS NOT NULL ORDER BY appeal_no LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    asel.session()
        .appeals()
        .correct(&no, ekn::api::appeals::triage::CorrectionAspect::Category, "трудовые права", REASON)
        .unwrap();
    let first = asel.session().office().sync().unwrap();
    assert_eq!((first.papers_sent, first.papers_held), (0, 0), "nothing is assigned yet: {first:?}");

    // The supervisor gives the appeal's consideration to Dina.
    saule.session().office().sync().unwrap();
    let key = format!("appeal:{no}/consider_appeal");
    let remote: i64 = saule
        .raw()
        .query_row("SELECT id FROM remote_tasks WHERE object_key = ?1", [&key], |r| r.get(0))
        .unwrap_or_else(|e| panic!("the supervisor pulled {key}: {e}"));
    saule.session().office().assign(-remote, "Dina Seitkali", "Асель в отпуске").unwrap();

    let sent = asel.session().office().sync().unwrap();
    assert_eq!((sent.papers_sent, sent.papers_withdrawn), (1, 0), "{sent:?}");
    let again = asel.session().office().sync().unwrap();
    assert_eq!(again.papers_sent, 0, "an unchanged paper is not sent again: {again:?}");

    // At the office: the paper, without the applicant.
    let behind = |sql: &str| office.pg.psql("ekn", sql);
    assert_eq!(behind("SELECT count(*) FROM office_appeal_papers"), "1");
    let stored = behind("SELECT paper::text FROM office_appeal_papers");
    assert!(!stored.contains(&applicant) && !stored.contains("applicant\":"), "no applicant at the office: {stored}");

    // Dina receives it with the task and reads the appeal there.
    let got = dina.session().office().sync().unwrap();
    assert_eq!(got.papers_held, 1, "{got:?}");
    let task: i64 =
        dina.raw().query_row("SELECT id FROM remote_tasks WHERE object_key = ?1", [&key], |r| r.get(0)).unwrap();
    let today = chrono::Utc::now().date_naive();
    let detail = dina.session().tasks().detail(-task, today).unwrap();
    let held = detail.appeal_paper.as_ref().expect("the appeal came with the task");
    assert_eq!(held.holder, "Асель Нурланова");
    let paper = &held.paper;
    assert_eq!((paper.appeal_no.as_str(), paper.task_key.as_str()), (no.as_str(), key.as_str()));
    assert_eq!(paper.text.as_deref(), Some(text.as_str()), "the masked text as Асель holds it");
    assert_eq!(paper.category.as_deref(), Some("трудовые права"));
    assert_eq!(paper.category_source, "person");
    let correction = paper.decisions.iter().find(|d| d.basis == "person").expect("the person's correction");
    assert_eq!((correction.author.as_str(), correction.reason.as_deref()), ("Асель Нурланова", Some(REASON)));
    assert!(paper.decisions.iter().any(|d| d.aspect == "route"), "the route decided in triage: {:?}", paper.decisions);
    let json = serde_json::to_string(&detail).unwrap();
    assert!(!json.contains(&applicant), "no applicant on Dina's screen");
    let replica: String =
        dina.raw().query_row("SELECT group_concat(paper) FROM remote_appeals", [], |r| r.get(0)).unwrap();
    assert!(!replica.contains(&applicant), "no applicant in Dina's database");
    // Dina's reading is a read of an appeal, logged like any.
    let queued: i64 = dina
        .raw()
        .query_row("SELECT count(*) FROM access_queue WHERE action = 'appeal' AND subject = ?1", [&no], |r| r.get(0))
        .unwrap();
    assert_eq!(queued, 1, "the read is queued for the office's access log");

    // Nobody else: a colleague of the district, the supervisor who assigned it.
    for (ws, name) in [(&erlan, "Erlan Abenov"), (&saule, "Supervisor Saule")] {
        let report = ws.session().office().sync().unwrap();
        assert_eq!(report.papers_held, 0, "{name}: {report:?}");
        let (status, page) = office.get(&office.login(name), "/v1/appeals/papers");
        assert_eq!((status, page["papers"].as_array().map(Vec::len)), (200, Some(0)), "{name}: {page}");
    }

    // A workstation cannot hand over a paper for a task it does not hold, nor a malformed one.
    let rogue = Rogue::enrol(&office, "Erlan Abenov", 41);
    let mut forged = paper.clone();
    forged.text = Some("Подложный текст".into());
    let body = |p: &ekn::domain::papers::AppealPaper| {
        serde_json::to_vec(&ekn::domain::papers::PapersRequest { papers: vec![p.clone()], withdrawn: vec![] }).unwrap()
    };
    let (status, receipt, _) = rogue.signed("POST", "/v1/appeals/papers", &body(&forged), None);
    assert_eq!(status, 200, "{receipt}");
    assert_eq!(receipt["refused"][0]["reason"], "not_held", "{receipt}");
    assert_eq!(behind("SELECT count(*) FROM office_appeal_papers WHERE paper::text LIKE '%Подложный%'"), "0");
    forged.text = Some("\u{1b}[2J".into());
    let (status, refusal, _) = rogue.signed("POST", "/v1/appeals/papers", &body(&forged), None);
    assert_eq!(status, 400, "{refusal}");
    assert!(refusal["message"].as_str().unwrap().contains("field text"), "{refusal}");

    // The task comes back to Асель: her paper is withdrawn, Dina's copy goes at her next sync.
    saule.session().office().assign(-remote, "Асель Нурланова", "вернулась из отпуска").unwrap();
    let back = asel.session().office().sync().unwrap();
    assert_eq!(back.papers_withdrawn, 1, "{back:?}");
    assert_eq!(behind("SELECT count(*) FROM office_appeal_papers"), "0");
    let dropped = dina.session().office().sync().unwrap();
    assert_eq!(dropped.papers_held, 0, "{dropped:?}");
    let left: i64 = dina.raw().query_row("SELECT count(*) FROM remote_appeals", [], |r| r.get(0)).unwrap();
    assert_eq!(left, 0);
}
