//! The effectiveness report end to end (issue 39, `ekn effect`): acts and outcomes imported into
//! a copy of the demo, then the three tiers read back — KPIs whose numerators and denominators
//! are counted here independently, verification counts covering every act, both outcomes'
//! estimates (or the reason there is none) labelled as estimates, filters, refusals, and the
//! data digest and journal entry that let a report be made again and compared.

use std::fmt::Write as _;

use ekn::acts::ActKind;
use ekn::api::EffectOutcome;
use ekn::api::{EffectRequest, Session};
use ekn::domain::records::DataKind;

use crate::support::demo_copy;

#[test]
fn the_report_counts_outcomes_verifies_every_act_and_labels_its_estimates() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_copy(dir.path());
    let mut s = Session::open(&db).unwrap();
    // The demo comes with its office's acts (issue 62): what this test adds is counted over them.
    let before = s.analytics().effect_report(&EffectRequest::default()).unwrap();
    assert!(before.kpis.acts > 100, "the demo holds acts: {}", before.kpis.acts);
    let protests_before =
        s.analytics().effect_report(&EffectRequest { kind: Some(ActKind::Protest), ..Default::default() }).unwrap();
    // Sixty inspected companies the demo's office left alone, each given an act three weeks after
    // its last inspection before June 2025, with outcomes in a fixed rotation.
    let mut csv = String::from("act_no,bin,kind,issued_on,category,outcome,outcome_on,registry_no\n");
    let mut bins = Vec::new();
    let (mut acts, mut satisfied, mut partly, mut answered, mut protests_decided, mut upheld) = (0, 0, 0, 0, 0, 0);
    let cutoff: chrono::NaiveDate = "2025-06-01".parse().unwrap();
    for hit in s.registry().search("ТОО", 500).unwrap().subjects {
        if acts == 60 {
            break;
        }
        let today = s.today();
        if !s.screens().case_screen(&hit.bin, today).unwrap().act_verifications.is_empty() {
            continue;
        }
        let card = s.registry().card(&hit.bin).unwrap();
        let Some(last) = card.inspections.iter().filter(|i| i.start_date < cutoff).max_by_key(|i| i.start_date) else {
            continue;
        };
        let issued = last.start_date + chrono::Days::new(21);
        let kind = ["submission", "protest", "order"][acts % 3];
        let (outcome, on) = match acts % 4 {
            0 => ("satisfied", issued + chrono::Days::new(20)),
            1 => ("partly", issued + chrono::Days::new(40)),
            2 if kind == "protest" => ("upheld", issued + chrono::Days::new(90)),
            2 => ("rejected", issued + chrono::Days::new(30)),
            _ => ("", issued),
        };
        match outcome {
            "satisfied" => (satisfied, answered) = (satisfied + 1, answered + 1),
            "partly" => (partly, answered) = (partly + 1, answered + 1),
            "rejected" => answered += 1,
            "upheld" => (protests_decided, upheld) = (protests_decided + 1, upheld + 1),
            _ => {}
        }
        let on = if outcome.is_empty() { String::new() } else { on.to_string() };
        // Half name a category of the appeals taxonomy, half one it does not know.
        let category = ["Трудовые права", "wages"][acts % 2];
        let _ = writeln!(csv, "E-{acts},{},{kind},{issued},{category},{outcome},{on},{}", hit.bin, last.registry_no);
        bins.push(hit.bin.clone());
        acts += 1;
    }
    assert_eq!(acts, 60, "the demo has sixty inspected companies");
    let file = dir.path().join("acts.csv");
    std::fs::write(&file, csv).unwrap();
    assert_eq!(s.registry().import(DataKind::Acts, &file, None, false, None, &mut |_| {}).unwrap().inserted, 60);

    let report = s.analytics().effect_report(&EffectRequest::default()).unwrap();
    let (k, b) = (&report.kpis, &before.kpis);
    assert_eq!(k.acts, b.acts + 60);
    let added = |now: &ekn::analytics::outcome_kpis::Proportion, then: &ekn::analytics::outcome_kpis::Proportion| {
        (now.numerator - then.numerator, now.denominator - then.denominator)
    };
    assert_eq!(added(&k.satisfied, &b.satisfied), (satisfied, answered));
    assert_eq!(added(&k.satisfied_or_partly, &b.satisfied_or_partly), (satisfied + partly, answered));
    assert_eq!(added(&k.protests_upheld, &b.protests_upheld), (upheld, protests_decided));
    assert_eq!(k.answered, b.answered + answered);
    let [lo, hi] = k.satisfied.ci95.unwrap();
    assert!(lo < k.satisfied.share.unwrap() && k.satisfied.share.unwrap() < hi);
    // Every submission's and protest's period has ended (issued before June 2025): each is in time
    // or not. An order's period was the act's own, which the export does not give: not judged.
    assert_eq!(k.answered_in_time.denominator - b.answered_in_time.denominator, 40);
    assert!(
        k.unconfirmed_norms.is_empty(),
        "the prosecutor's periods are quoted from 155-VII: {:?}",
        k.unconfirmed_norms
    );
    assert!(k.funnel.iter().all(|p| p.denominator > 0));
    let (v, w) = (&report.verification, &before.verification);
    let checks = |v: &ekn::api::VerificationCounts| {
        [&v.next_inspection, &v.appeals, &v.category_appeals, &v.returning_applicant]
            .map(|c| [c.verified, c.contradicted, c.no_data])
    };
    let (now, then) = (checks(v), checks(w));
    let counted: [[u64; 3]; 4] = std::array::from_fn(|i| std::array::from_fn(|j| now[i][j] - then[i][j]));
    for c in counted {
        assert_eq!(c.iter().sum::<u64>(), 60, "every act is verified, contradicted or without data");
    }
    assert!(counted[2][2] >= 30, "a category the taxonomy does not know verifies nothing");
    assert!(counted[3][2] >= 60 - satisfied, "only a satisfied answer can be contradicted by a return");
    // The report's counts are the cards' verifications summed: the same rules over the same rows,
    // whether read from the analytics registry or from each card.
    let mut from_cards = [[0u64; 3]; 4];
    for bin in &bins {
        let today = s.today();
        for verification in s.screens().case_screen(bin, today).unwrap().act_verifications {
            for (i, (_, check)) in verification.checks().into_iter().enumerate() {
                from_cards[i][check.status as usize] += 1;
            }
        }
    }
    assert_eq!(from_cards, counted, "the card's verification and the report's counts agree");
    // Both outcomes for all acts, then per kind; each an estimate, with a figure or the reason.
    let all: Vec<_> = report.effects.iter().filter(|e| e.kind == "all" && e.scope == "all").collect();
    assert_eq!(
        all.iter().map(|e| e.figures.outcome).collect::<Vec<_>>(),
        [EffectOutcome::ViolationsPerInspection, EffectOutcome::AppealsPerQuarter]
    );
    for entry in &report.effects {
        assert!(entry.estimate);
        let e = &entry.figures;
        assert!(e.ratio.is_some() == e.ci95.is_some());
        assert!(e.ratio.is_some() || e.note.is_some(), "{e:?}");
        if e.n_treated < 30 {
            assert!(e.ratio.is_none() && e.note.as_deref().unwrap().contains("fewer than 30"), "{e:?}");
        }
    }
    assert!(report.effects.iter().any(|e| e.kind == "protest"));
    assert_eq!(report.horizon_days, 365);
    assert_eq!(report.data_digest.len(), 64);
    let again = s.analytics().effect_report(&EffectRequest::default()).unwrap();
    assert_eq!(
        (again.data_digest.as_str(), again.journal.clone()),
        (report.data_digest.as_str(), report.journal.clone())
    );

    // Narrowed: one kind; a district.
    let protests =
        s.analytics().effect_report(&EffectRequest { kind: Some(ActKind::Protest), ..Default::default() }).unwrap();
    assert_eq!(protests.kpis.acts, protests_before.kpis.acts + 20);
    assert!(protests.effects.iter().all(|e| e.kind == "protest"));
    let region =
        s.analytics().effect_report(&EffectRequest { district: Some("99".into()), ..Default::default() }).unwrap();
    assert_eq!(region.kpis.acts, 0);
    // Refused: a horizon out of range, a district that is not a KATO prefix.
    assert!(s.analytics().effect_report(&EffectRequest { horizon_days: Some(5), ..Default::default() }).is_err());
    assert!(s
        .analytics()
        .effect_report(&EffectRequest { district: Some("Алматы".into()), ..Default::default() })
        .is_err());
}

/// `ekn effect study --quarters`: a registry written outside ЭКН is read row by row — a bad row named
/// by file, line and field, nothing guessed — and estimated with the very code of `ekn effect`.
#[test]
fn a_registry_by_quarters_is_checked_row_by_row_and_estimated_with_the_shipped_design() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("registry.csv");
    let write = |text: &str| ekn::api::disk::write(&path, text).unwrap();
    for (text, line, field) in [
        ("obj,q,insp,viol,act\n1,0,2,x,-1\n", 2, "viol"),
        ("obj,q,insp,viol,act\n1,0,2,1,-1\n1,1,0,3,-1\n", 3, "viol"),
        ("obj,q,insp,viol,act\n1,0,2,1,-1\n1,1,1,0,4\n", 3, "act"),
        ("obj,q,insp,viol,act\n1,0,2,1,0\n", 2, "act"),
        ("obj,q,insp,viol\n1,0,2,1\n", 1, "act"),
    ] {
        write(text);
        let error = ekn::api::staggered_from_quarters(&path, None).unwrap_err().to_string();
        assert!(error.contains(&format!("line {line}, field '{field}'")), "{error}");
        assert!(error.contains("registry.csv"), "{error}");
    }
    // A world by quarters: 400 objects inspected twice a quarter; a spike in quarter 6 at every
    // third; half of those acted on in quarter 7 and halved afterwards.
    let mut csv = String::from("obj,q,insp,viol,act,trigger\n");
    for o in 0..400u32 {
        let level = 2 + 2 * ((o / 6) % 4);
        let (spiked, acted) = (o % 3 == 0, o % 6 == 0);
        for q in 0..16u32 {
            let mut v = 2 * level;
            if spiked && q == 6 {
                v = 6 * level;
            }
            if acted && q >= 7 {
                v = level;
            }
            let (act, trigger) = if acted { (7, 6) } else { (-1, -1) };
            writeln!(csv, "{o},{q},2,{v},{act},{trigger}").unwrap();
        }
    }
    write(&csv);
    let export = dir.path().join("out");
    let entry = ekn::api::staggered_from_quarters(&path, Some(&export)).unwrap();
    assert!(entry.matched.is_some(), "the matched design stands beside the headline");
    let figures = entry.figures;
    assert!((figures.ratio.unwrap() - 0.5).abs() < 1e-6, "{figures:?}");
    assert_eq!(figures.acts_in_scope, Some(67));
    assert_eq!(figures.n_treated, 67);
    let rows = std::fs::read_to_string(export.join("stacked.csv")).unwrap();
    assert!(
        rows.starts_with(
            "stack,object,quarter,y,exposure,treated,after,event,path_count,path_exposure,path_over_record,\
             path_over_recent,path_level,path_span\n"
        ),
        "{}",
        &rows[..80.min(rows.len())]
    );
    assert!(!rows.lines().skip(1).any(|l| l.split(',').nth(2) == Some("6")), "the trigger quarter is left out");
    assert!(export.join("ekn-stacked.json").exists());
}

#[test]
fn acts_are_read_by_the_body_whose_inspection_prompted_them() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_copy(dir.path());
    let mut s = Session::open(&db).unwrap();
    let bodies_of = |s: &mut Session| -> std::collections::BTreeMap<String, u64> {
        let report = s.analytics().effect_report(&EffectRequest::default()).unwrap();
        assert!(report.bodies.iter().map(|b| b.acts).sum::<u64>() <= report.kpis.acts);
        assert!(report.bodies.windows(2).all(|w| w[0].acts >= w[1].acts), "most acts first");
        report.bodies.into_iter().map(|b| (b.body, b.acts)).collect()
    };
    let before = bodies_of(&mut s);
    // Thirty companies given an act three weeks after an inspection the act names: its body is
    // read here off the company's card, apart from the report's own reading.
    let mut csv = String::from("act_no,bin,kind,issued_on,registry_no\n");
    let mut added: std::collections::BTreeMap<String, u64> = std::collections::BTreeMap::new();
    let cutoff: chrono::NaiveDate = "2025-06-01".parse().unwrap();
    let today = s.today();
    for hit in s.registry().search("ТОО", 500).unwrap().subjects {
        if added.values().sum::<u64>() == 30 {
            break;
        }
        if !s.screens().case_screen(&hit.bin, today).unwrap().act_verifications.is_empty() {
            continue;
        }
        let card = s.registry().card(&hit.bin).unwrap();
        // The worst inspection before the cutoff, so it is also the worst of the half-year before
        // the act: the named trigger and the worst agree.
        let Some(named) = card.inspections.iter().filter(|i| i.start_date < cutoff).max_by_key(|i| i.start_date) else {
            continue;
        };
        let window = named.start_date - chrono::Days::new(200);
        if card.inspections.iter().any(|i| i.start_date > window && i.start_date < named.start_date) {
            continue;
        }
        let issued = named.start_date + chrono::Days::new(21);
        let number = added.values().sum::<u64>();
        let _ = writeln!(csv, "B-{number},{},submission,{issued},{}", hit.bin, named.registry_no);
        *added.entry(named.control_body.clone()).or_default() += 1;
    }
    assert_eq!(added.values().sum::<u64>(), 30, "the demo has thirty such companies");
    let file = dir.path().join("acts.csv");
    std::fs::write(&file, csv).unwrap();
    assert_eq!(s.registry().import(DataKind::Acts, &file, None, false, None, &mut |_| {}).unwrap().inserted, 30);

    let after = bodies_of(&mut s);
    for (body, n) in &added {
        assert_eq!(after.get(body).copied().unwrap_or(0), before.get(body).copied().unwrap_or(0) + n, "{body}");
        // Narrowed to the body, every tier reads its acts and no other's.
        let narrowed =
            s.analytics().effect_report(&EffectRequest { body: Some(body.clone()), ..Default::default() }).unwrap();
        assert_eq!(narrowed.kpis.acts, after[body], "{body}");
        assert_eq!(narrowed.body.as_deref(), Some(body.as_str()));
        let v = &narrowed.verification.next_inspection;
        assert_eq!(v.verified + v.contradicted + v.no_data, after[body]);
        let effects = narrowed.effects.iter().find(|e| e.kind == "all").unwrap();
        assert!(effects.figures.acts_in_scope.unwrap() <= after[body] as usize);
    }
    let none = s
        .analytics()
        .effect_report(&EffectRequest {
            body: Some("Орган, которого нет в реестре".into()), ..Default::default()
        })
        .unwrap();
    assert_eq!(none.kpis.acts, 0);
    let error = s
        .analytics()
        .effect_report(&EffectRequest { body: Some("две\nстроки".into()), ..Default::default() })
        .unwrap_err();
    assert_eq!(error.code, ekn::api::ErrorCode::InvalidInput, "{error:?}");
}
