//! Risk analytics end to end on generated registries imported like real ones: the planted
//! practices are found by the JSON fields a checker asks for, a clean twin yields (almost)
//! nothing, the risk model learns the generator's outcome process and explains itself, and a
//! person's dismissal or override is journaled and shown, never deleted.

use ekn::analytics::practices::{AnomalyKind, DetectParams};
use ekn::analytics::risk::{RiskParams, Target};
use ekn::api::{AnomalyReview, ListedAnomaly, RiskAssessment, Session};
use ekn::domain::records::DataKind;
use ekn::generator::{generate_with, Scale, ANCHOR};

use crate::support::TempDb;

fn imported(seed: u64, planted: bool) -> (TempDb, serde_json::Value) {
    let db = TempDb::new();
    let data = db.dir.path().join("data");
    generate_with(Scale::Demo, seed, ANCHOR, planted, &data).unwrap();
    for (kind, name) in [(DataKind::Inspections, "inspections.csv"), (DataKind::Appeals, "appeals.csv")] {
        db.import(kind, &data.join(name)).unwrap();
    }
    let truth = serde_json::from_slice(&std::fs::read(data.join("ground_truth.json")).unwrap()).unwrap();
    (db, truth)
}

fn session(db: &TempDb) -> Session {
    let context = ekn::api::Context::new(
        ekn::domain::journal::Face::Cli,
        Some("analyst".into()),
        std::sync::Arc::new(ekn::api::PinnedDay(ANCHOR)),
    );
    Session::open_with(&db.path, context).unwrap()
}

/// Which planted pattern an anomaly is, by the fields a checker reads; None for a false alarm.
fn matches(a: &ListedAnomaly, truth: &serde_json::Value) -> Option<&'static str> {
    let x = &a.anomaly;
    let s = |v: &serde_json::Value| v.as_str().map(str::to_string);
    match x.kind {
        AnomalyKind::FrequentVisits
            if x.control_body == s(&truth["frequent_visits"]["control_body"])
                && x.district == s(&truth["frequent_visits"]["district_kato_prefix"]) =>
        {
            Some("frequent_visits")
        }
        AnomalyKind::IllegalShare if x.district == s(&truth["illegal_share"]["district_kato_prefix"]) => {
            Some("illegal_share")
        }
        AnomalyKind::UnplannedGrowth if x.district == s(&truth["unplanned_growth"]["district_kato_prefix"]) => {
            Some("unplanned_growth")
        }
        AnomalyKind::RefusedSpike
            if x.region_code == s(&truth["refused_spike"]["region_code"])
                && x.category == s(&truth["refused_spike"]["category"])
                && x.period.from.to_string().as_str() <= truth["refused_spike"]["to"].as_str().unwrap()
                && x.period.to.to_string().as_str() >= truth["refused_spike"]["from"].as_str().unwrap() =>
        {
            Some("refused_spike")
        }
        AnomalyKind::SanctionCombination if x.control_body == s(&truth["sanction_combination"]["control_body"]) => {
            Some("sanction_combination")
        }
        _ => None,
    }
}

#[test]
fn planted_practices_are_found_for_several_seeds_and_a_clean_twin_yields_almost_nothing() {
    let (mut found, mut false_alarms, mut clean_alarms) = (0, 0, 0);
    let seeds = [3u64, 11, 2024];
    for seed in seeds {
        let (db, truth) = imported(seed, true);
        let report = session(&db).anomalies(&DetectParams::default(), None).unwrap();
        let mut kinds: Vec<&str> = report.anomalies.iter().filter_map(|a| matches(a, &truth)).collect();
        kinds.sort_unstable();
        kinds.dedup();
        found += kinds.len();
        let extra: Vec<&str> =
            report.anomalies.iter().filter(|a| matches(a, &truth).is_none()).map(|a| a.anomaly.key.as_str()).collect();
        false_alarms += extra.len();
        println!("seed {seed}: found {kinds:?}; not planted: {extra:?}");
        for a in &report.anomalies {
            assert!(a.anomaly.p_value <= a.anomaly.q_value + 1e-12 && a.anomaly.q_value <= 0.05, "{a:?}");
            assert!(a.anomaly.ratio >= 1.5 && a.anomaly.observed > a.anomaly.expected);
            for text in [&a.anomaly.explanation.ru, &a.anomaly.explanation.kk, &a.anomaly.explanation.en] {
                assert!(text.len() > 80, "{text}");
            }
            assert!(a.anomaly.explanation.kk.contains("болжам"), "the Kazakh text says it is a hypothesis");
        }

        let (clean, _) = imported(seed, false);
        let report = session(&clean).anomalies(&DetectParams::default(), None).unwrap();
        println!("seed {seed} clean twin: {:?}", report.anomalies.iter().map(|a| &a.anomaly.key).collect::<Vec<_>>());
        clean_alarms += report.anomalies.len();
    }
    println!("recall {found}/{}; false alarms {false_alarms} planted, {clean_alarms} clean", 5 * seeds.len());
    assert_eq!(found, 5 * seeds.len(), "every planted practice, every seed");
    assert!(false_alarms <= seeds.len(), "{false_alarms} anomalies that were not planted");
    assert!(clean_alarms <= 1, "{clean_alarms} anomalies on the clean twins");
}

#[test]
fn an_anomaly_opens_onto_its_funnel_and_evidence_and_a_dismissal_is_journaled_not_deleted() {
    let (db, truth) = imported(2024, true);
    let mut s = session(&db);
    let report = s.anomalies(&DetectParams::default(), Some(AnomalyKind::SanctionCombination)).unwrap();
    let target = report.anomalies.iter().find(|a| matches(a, &truth).is_some()).expect("the planted combination");
    let detail = s.anomaly_detail(&target.anomaly.id, 10).unwrap();
    let funnel = detail.funnel.expect("a funnel");
    assert!(funnel.points.iter().any(|p| p.anomaly_id.as_deref() == Some(target.anomaly.id.as_str())));
    assert!(funnel.limits.windows(2).all(|w| w[0].1 >= w[1].1), "limits narrow as volume grows");
    assert_eq!(detail.inspections.len(), 10);
    assert_eq!(detail.evidence_total as f64, target.anomaly.observed);
    assert!(detail.inspections.iter().all(|i| i.violations == 0 && i.sanctions.contains(" + ")));

    for bad in [
        DetectParams { fdr: 1.5, ..DetectParams::default() },
        DetectParams { min_ratio: f64::NAN, ..DetectParams::default() },
    ] {
        assert_eq!(s.anomalies(&bad, None).unwrap_err().code, ekn::api::ErrorCode::InvalidInput);
    }
    let refused = s.review_anomaly(&target.anomaly.id, AnomalyReview::Dismiss, "  ").unwrap_err();
    assert_eq!(refused.code, ekn::api::ErrorCode::ReasonRequired);
    s.review_anomaly(&target.anomaly.id, AnomalyReview::Dismiss, "checked: a court order suspended them").unwrap();
    let again = s.anomalies(&DetectParams::default(), None).unwrap();
    let listed = again.anomalies.iter().find(|a| a.anomaly.id == target.anomaly.id).expect("still listed");
    assert!(listed.dismissed);
    assert_eq!(listed.review.as_ref().unwrap().author, "analyst");
    assert!(again.anomalies.last().unwrap().dismissed, "dismissed ones come last");
    let journal = s.journal(&ekn::api::JournalQuery::default()).unwrap();
    assert!(journal.iter().any(|l| l.kind == "anomaly_reviewed" && l.detail.contains("court order")));
    assert!(ekn::api::verify_journal(&db.path, &ekn::api::Context::cli()).unwrap().ok);
}

#[test]
fn the_risk_model_learns_the_outcome_process_scores_a_plan_and_explains_an_object() {
    let (db, _) = imported(2024, true);
    let mut s = session(&db);
    let report = s.train_risk_model(Target::DeclaredIllegal, &RiskParams::default(), &|_| {}).unwrap();
    let auc = report.metrics.auc.unwrap();
    println!("held-out AUC {auc:.3}, Brier {:.4} vs {:.4}", report.metrics.brier, report.metrics.brier_of_base_rate);
    assert!(auc > 0.6, "held-out AUC {auc}");
    assert!(report.metrics.brier < report.metrics.brier_of_base_rate, "better than the base rate");
    assert!(report.metrics.train_period.1 < report.metrics.test_period.0, "a time split");
    assert!(!report.metrics.by_region.is_empty());
    assert_eq!(report.model.kind, "risk_model");
    let passport = s.model_passport(&report.model.name).unwrap();
    assert!(passport.markdown.contains("AUC") && passport.markdown.contains("hypothes"), "{}", passport.markdown);

    // A plan: two upcoming inspections of a planted frequently visited object by the planted
    // body, and one of an ordinary object; outcome columns present and ignored.
    let truth: serde_json::Value =
        serde_json::from_slice(&std::fs::read(db.dir.path().join("data/ground_truth.json")).unwrap()).unwrap();
    let frequent_bin = truth["frequent_visits"]["subjects"][0].as_str().unwrap();
    let body = truth["frequent_visits"]["control_body"].as_str().unwrap();
    let plan = format!(
        "registry_no,bin,kato,oked,control_body,kind,start_date,declared_illegal\n\
         P-1,{frequent_bin},192010000,47.11.0,\"{body}\",unplanned,2026-12-01,нет\n\
         P-2,{frequent_bin},192010000,47.11.0,\"{body}\",unplanned,2026-12-10,нет\n\
         P-3,{},750000000,47.11.0,Новый орган,planned,2026-12-05,да\n",
        crate::support::bin(77)
    );
    let file = db.file("plan.csv", plan);
    let scored = s.score_plan(&file, None).unwrap();
    assert_eq!((scored.rows.len(), scored.rows_total), (3, 3));
    let first = s.score_plan(&file, Some(1)).unwrap();
    assert_eq!((first.rows.len(), first.rows_total), (1, 3));
    assert_eq!(first.rows[0], scored.rows[0], "the same ranking, the first row only");
    assert!(scored.rows.windows(2).all(|w| w[0].probability >= w[1].probability), "most likely first");
    let row = |no: &str| scored.rows.iter().find(|r| r.registry_no == no).unwrap();
    assert!(row("P-2").probability >= row("P-1").probability, "the plan's earlier visit counts for its later one");
    assert!(row("P-1").similar.iter().any(|c| c.same_object), "{:?}", row("P-1").similar);
    assert!(row("P-1").norms.iter().any(|n| n.id == "unplanned-grounds" && !n.verified));
    // P-3 is a planned visit to an object the body has not visited: similar cases are of the
    // body's practice, never of the same object.
    assert!(row("P-3").similar.iter().all(|c| !c.same_object), "{:?}", row("P-3").similar);
    for r in &scored.rows {
        assert!(!r.contributions.is_empty() && r.contributions.iter().all(|c| !c.text.kk.is_empty()));
    }

    let explained = s.explain_risk(frequent_bin).unwrap();
    let local = explained.local.as_ref().expect("a local estimate");
    assert!(local.probability > 0.0 && local.probability < 1.0);
    assert!(explained.note.ru.contains("гипотеза"));
    let overridden = s.override_risk(frequent_bin, RiskAssessment::Low, "visits ordered by a court").unwrap();
    assert_eq!(overridden.overridden.as_ref().unwrap().value.as_deref(), Some("low"));
    let kinds: Vec<String> =
        s.journal(&ekn::api::JournalQuery::default()).unwrap().into_iter().map(|l| l.kind).collect();
    for kind in ["risk_model_trained", "predictions_made", "risk_overridden"] {
        assert!(kinds.iter().any(|k| k == kind), "{kind} journaled");
    }
    // A plan with a broken date names its file, line and field.
    let broken =
        db.file("broken.csv", "registry_no,bin,control_body,kind,start_date\nP-9,123,Орган,unplanned,2026-13-40\n");
    let e = s.score_plan(&broken, None).unwrap_err().message;
    assert!(e.contains("broken.csv") && e.contains("line 2"), "{e}");
}
