//! What became of an act (issue 39, tier 1), end to end through the api on a copy of the demo: a
//! person records a stage's result with its measures, the core refuses a result the stage cannot
//! have, a date before the act or in the future, and a document not attached; a read answer that
//! replies to the act's number proposes its outcome, which a person records as theirs; every
//! outcome is journaled with its author and the journal verifies.

use ekn::acts::ActKind;
use ekn::api::{self, ActIssueRequest, ActOutcomeRequest, Context, JournalQuery, Session};
use ekn::domain::outcomes::{ActResult, ActStage, Measures};

use crate::support::demo_copy;

fn day(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}

#[test]
fn an_acts_outcomes_are_recorded_checked_proposed_from_a_read_answer_and_journaled() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_copy(dir.path());
    let mut s = Session::open(&db).unwrap();
    let bin = s.registry().search("ТОО", 5).unwrap().subjects[0].bin.clone();
    // The fixture answer replies to «№ 2-07-24/8176 от 06.09.2024» and says it was satisfied.
    let act = s
        .acts()
        .issue(&ActIssueRequest {
            bin: bin.clone(),
            kind: Some(ActKind::Submission),
            issued_on: Some(day("2024-09-06")),
            number: Some("2-07-24/8176".into()),
            addressee: "ТОО".into(),
            requirements: vec!["Погасить задолженность по заработной плате".into()],
            assignee: Some("Ахметов".into()),
            unit: Some("Отдел надзора".into()),
            document: None,
            ..Default::default()
        })
        .unwrap()
        .act;
    let request = |stage, result, on: &str| ActOutcomeRequest {
        act: act.id,
        stage,
        result,
        on: Some(day(on)),
        measures: Measures::default(),
        document: None,
        from_fact: None,
        formal_defect: false,
    };

    // What the stage cannot have, or a date the act cannot have it on, is refused; nothing written.
    let wrong = s.acts().record_outcome(&request(ActStage::Court, ActResult::Satisfied, "2024-10-01")).unwrap_err();
    assert!(wrong.message.contains("a court is upheld, overturned, withdrawn"), "{wrong}");
    let early = s.acts().record_outcome(&request(ActStage::Answer, ActResult::Partly, "2024-09-01")).unwrap_err();
    assert!(early.message.contains("before the act was issued"), "{early}");
    let future = s.acts().record_outcome(&request(ActStage::Answer, ActResult::Partly, "2099-01-01")).unwrap_err();
    assert!(future.message.contains("future"), "{future}");
    let stray = s
        .acts()
        .record_outcome(&ActOutcomeRequest {
            document: Some("ab".repeat(32)),
            ..request(ActStage::Answer, ActResult::Partly, "2024-10-01")
        })
        .unwrap_err();
    assert!(stray.message.contains("not attached"), "{stray}");
    assert!(s.acts().detail(act.id).unwrap().outcomes.is_empty());

    // A consideration with its measures.
    let detail = s
        .acts()
        .record_outcome(&ActOutcomeRequest {
            measures: Measures {
                disciplined: Some(2),
                admin_cases: Some(1),
                restored_tiyn: Some(60_700_000),
                eliminated: Some(true),
            },
            ..request(ActStage::Consideration, ActResult::Satisfied, "2024-09-20")
        })
        .unwrap();
    assert_eq!(detail.outcomes.len(), 1);
    let recorded = &detail.outcomes[0];
    assert_eq!(
        (recorded.stage.as_str(), recorded.result.as_str(), recorded.on.as_str()),
        ("consideration", "satisfied", "2024-09-20")
    );
    assert_eq!(recorded.measures.restored_tiyn, Some(60_700_000));
    assert_eq!(recorded.source, "person");

    // The answer is read; until a person confirms what it says, it proposes nothing.
    let (bytes, name) = (
        std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/documents/008-ru-answer.docx")).unwrap(),
        "008-ru-answer.docx",
    );
    let doc = s.evidence().attach_and_read(&bin, name, &bytes, None, &mut |_| true).unwrap().attachment;
    assert!(s.acts().detail(act.id).unwrap().proposals.is_empty(), "a proposed fact proposes no outcome");
    let facts = s.evidence().document(doc.id).unwrap().facts;
    let id_of = |kind: &str| facts.iter().find(|f| f.kind == kind).unwrap_or_else(|| panic!("no {kind}: {facts:?}")).id;
    for kind in ["in_reply_to_number", "outcome", "date"] {
        s.evidence().confirm_fact(id_of(kind), None, Some(&bin)).unwrap();
    }
    let proposals = s.acts().detail(act.id).unwrap().proposals;
    assert_eq!(proposals.len(), 1, "{proposals:?}");
    let p = &proposals[0];
    assert_eq!(
        (p.stage, p.result, p.on.as_deref(), p.document.as_str()),
        (ActStage::Answer, ActResult::Satisfied, Some("2024-09-23"), doc.sha256.as_str())
    );

    // Another act's fact cannot be passed off as this one's.
    let bogus = s
        .acts()
        .record_outcome(&ActOutcomeRequest {
            from_fact: Some(id_of("date")),
            ..request(ActStage::Answer, ActResult::Satisfied, "2024-09-23")
        })
        .unwrap_err();
    assert!(bogus.message.contains("proposes no outcome"), "{bogus}");
    let confirmed = s
        .acts()
        .record_outcome(&ActOutcomeRequest { from_fact: Some(p.fact_id), ..request(p.stage, p.result, "2024-09-23") })
        .unwrap();
    let from_document = confirmed.outcomes.iter().find(|o| o.stage == "answer").expect("the answer is recorded");
    assert_eq!(
        (from_document.source.as_str(), from_document.document.as_deref()),
        ("document", Some(doc.sha256.as_str()))
    );
    assert!(confirmed.proposals.is_empty(), "a recorded proposal is not proposed again");

    // What later data say is computed from the card's rows (the verification's own rules are unit
    // tested in analytics::verification); the demo object's inspections and appeals decide which.
    let v = s.acts().detail_over(act.id, Some(3650)).unwrap().verification;
    assert_eq!(
        Some(v.from.to_string()),
        act.response_due.clone(),
        "later data count from the addressee's period's end"
    );
    assert_eq!(v.horizon_days, 3650);
    assert!(v.until > v.from);
    assert!(v.rule.starts_with("verify-"));

    // The act's control-of-execution task carries the same verification, for whoever ticks it.
    let control = act.control_task_id.expect("a submission has its control task");
    let today = s.today();
    let detail = s.tasks().detail(control, today).unwrap();
    let on_task = detail.act_verification.expect("the control task shows what later data say of its act");
    assert_eq!(on_task.act_id, act.id);
    assert_eq!(on_task.horizon_days, 365);

    // The case screen carries them; each is journaled with its author; the journal holds.
    let today = s.today();
    let screen = s.screens().case_screen(&bin, today).unwrap();
    assert_eq!(screen.act_outcomes.iter().filter(|o| o.act_id == act.id).count(), 2);
    let journal =
        s.journal(&JournalQuery { object: Some(bin.clone()), limit: Some(200), ..Default::default() }).unwrap();
    let outcomes: Vec<_> = journal.iter().filter(|l| l.kind == "act_outcome").collect();
    assert_eq!(outcomes.len(), 2);
    assert!(outcomes.iter().all(|l| !l.person.is_empty()));
    assert!(api::verify_journal(&db, &Context::cli()).unwrap().ok);
}
