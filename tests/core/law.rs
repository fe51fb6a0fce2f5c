//! Deadlines the law would sign: one test per finding of the review of the deadline engine
//! (calendar corrections, 2027, years without a document, the extension cap, suspensions, the desk
//! on a non-working day, the demo's dates, norms at runtime), each named after what it pins.

use std::process::Command;

use chrono::NaiveDate;
use ekn::api::{self, NewTaskRequest, Session};
use ekn::domain::calendar::{Calendar, DayReason};
use ekn::domain::deadline::{Period, Suspension, Unit, Warning};
use ekn::domain::tasks::TaskKind;

use crate::support::*;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn ekn(db: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_ekn")).arg("--db").arg(db).args(args).output().unwrap()
}

fn json(out: &std::process::Output) -> serde_json::Value {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn working_days_in(calendar: &Calendar, year: i32) -> usize {
    use chrono::Datelike;
    let mut day = NaiveDate::from_ymd_opt(year, 1, 1).unwrap();
    let mut n = 0;
    while day.year() == year {
        n += usize::from(calendar.is_working(day));
        day = day.succ_opt().unwrap();
    }
    n
}

fn by_period(days: u32, event: &str) -> NewTaskRequest {
    NewTaskRequest {
        kind: TaskKind::FollowUp,
        title: None,
        subject_bin: None,
        appeal_no: None,
        assignee: "Ахметова А.".into(),
        unit: "Отдел".into(),
        norm: None,
        period: Some(Period { amount: days, unit: Unit::WorkingDays }),
        event_date: Some(d(event)),
        depends_on: vec![],
    }
}

fn by_norm(norm: &str, event: &str) -> NewTaskRequest {
    NewTaskRequest { norm: Some(norm.into()), period: None, ..by_period(1, event) }
}

#[test]
fn kurban_ait_2024_fell_on_sunday_16_june_so_monday_17_june_was_worked() {
    let c = Calendar::builtin();
    assert_eq!(c.day(d("2024-06-17")), DayReason::Working);
    match c.day(d("2024-06-16")) {
        DayReason::Holiday { name_en, confirmed: true, source, .. } => {
            assert!(name_en.starts_with("Kurban Ait"));
            assert!(source.contains("07.06.2024") && source.contains("17.06.2024 is a working day"), "{source}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(working_days_in(&c, 2024), 249);
}

#[test]
fn may_2019_saturday_4_may_was_worked_and_friday_10_may_rested() {
    let c = Calendar::builtin();
    match (c.day(d("2019-05-04")), c.day(d("2019-05-10"))) {
        (
            DayReason::TransferredWorkingDay { act, confirmed: true },
            DayReason::TransferredDayOff { confirmed: true, .. },
        ) => assert!(act.contains("No. 888") && act.contains("P1800000888"), "{act}"),
        other => panic!("{other:?}"),
    }
    // A working week of two days: Monday 6 and Wednesday 8 May 2019.
    let week: Vec<bool> = (6..=10).map(|day| c.is_working(NaiveDate::from_ymd_opt(2019, 5, day).unwrap())).collect();
    assert_eq!(week, vec![true, false, true, false, false]);
    assert_eq!(working_days_in(&c, 2019), 246);
}

#[test]
fn a_deadline_from_20_december_2026_runs_into_the_2027_calendar_and_ends_13_january() {
    let none = std::path::Path::new("/nonexistent/ekn.db");
    let report = json(&ekn(none, &["deadline", "--from", "2026-12-20", "--working-days", "15", "--json"]));
    // 1–2 January are holidays (the 2nd a Saturday, moved to Monday 4 January), 7 January is
    // Orthodox Christmas.
    assert_eq!(report["due"], "2027-01-13");
    let warnings = report["explanation"]["warnings"].as_array().unwrap();
    assert!(!warnings.iter().any(|w| w["kind"] == "no_calendar"), "2027 has its document: {warnings:?}");
    let pending = warnings.iter().find(|w| w["kind"] == "pending").expect("the 2027 transfers are not published");
    assert_eq!(pending["element"], "transfers");
    let skipped: Vec<&str> =
        report["explanation"]["skipped"].as_array().unwrap().iter().map(|s| s["date"].as_str().unwrap()).collect();
    for day in ["2027-01-01", "2027-01-02", "2027-01-04", "2027-01-07"] {
        assert!(skipped.contains(&day), "{day} skipped: {skipped:?}");
    }

    // What is not confirmed about 2027 is named wherever a result touches it.
    let calendar = Calendar::builtin();
    let around = |from: &str, days: u32| {
        ekn::domain::deadline::compute(&calendar, d(from), Period { amount: days, unit: Unit::WorkingDays }, &[])
            .unwrap()
            .warnings
    };
    let march = around("2027-03-10", 5);
    assert!(
        march.iter().any(|w| matches!(w, Warning::UnconfirmedHoliday { date, name_en, .. }
        if *date == d("2027-03-15") && name_en == "Constitution Day")),
        "{march:?}"
    );
    let may = around("2027-05-13", 3);
    assert!(may.iter().any(|w| matches!(w, Warning::Pending { element, .. } if element == "kurban")), "{may:?}");
    assert!(!around("2027-08-25", 5).iter().any(|w| matches!(w, Warning::UnconfirmedHoliday { .. })));
    // No Constitution Day on 30 August any more; 15 March is one (unconfirmed) from 2027.
    assert!(calendar.is_working(d("2027-08-30")));
    assert!(!calendar.is_working(d("2027-03-15")));
}

#[test]
fn a_year_without_a_calendar_document_gets_its_statutory_holidays_by_rule() {
    let calendar = Calendar::builtin();
    // 2030: 1–2 January (Tuesday, Wednesday); Nauryz 21–23 March with Saturday the 23rd moved to
    // Monday 25 March; no transfer is assumed.
    let due =
        ekn::domain::deadline::compute(&calendar, d("2029-12-28"), Period { amount: 3, unit: Unit::WorkingDays }, &[])
            .unwrap();
    assert_eq!(due.due, d("2030-01-04"));
    assert!(due.warnings.contains(&Warning::NoCalendar { year: 2030, by_rule: true }));
    assert!(due.warnings.contains(&Warning::NoCalendar { year: 2029, by_rule: true }));
    for day in ["2030-03-21", "2030-03-22"] {
        assert!(matches!(calendar.day(d(day)), DayReason::StatutoryHoliday { .. }), "{day}");
    }
    assert!(
        matches!(calendar.day(d("2030-03-25")), DayReason::StatutoryMovedDayOff { for_holiday, .. } if for_holiday == d("2030-03-23"))
    );
    // Far from the documents the rules still apply, computed on demand.
    assert!(matches!(calendar.day(d("2061-12-16")), DayReason::StatutoryHoliday { .. }));
    // And the warning says in words what is still unknown.
    let text = Warning::NoCalendar { year: 2030, by_rule: true }.text();
    assert!(text.contains("transfers") && text.contains("Kurban Ait"), "{text}");
}

#[test]
fn the_extension_cap_of_art_76_is_two_months_from_receipt_not_from_the_first_due_date() {
    let none = std::path::Path::new("/nonexistent/ekn.db");
    let report = json(&ekn(none, &["deadline", "--from", "2024-03-15", "--norm", "appk-76-consideration", "--json"]));
    assert_eq!(report["due"], "2024-04-10");
    assert_eq!(report["extension_cap"], "2024-05-15");
    let cap = &report["explanation"]["extension_cap"];
    assert_eq!((cap["anchor"].as_str(), cap["anchor_date"].as_str()), (Some("event"), Some("2024-03-15")));
    assert_eq!(cap["on_non_working_day"], "next_working_day");
    assert!(cap["text_ru"].as_str().unwrap().contains("не более чем до двух месяцев"));
    let protest = json(&ekn(none, &["deadline", "--from", "2024-03-15", "--norm", "prosecutor-protest", "--json"]));
    assert!(protest["extension_cap"].is_null(), "a norm without a cap says null");
    let bare = json(&ekn(none, &["deadline", "--from", "2024-03-15", "--working-days", "15", "--json"]));
    assert!(bare["extension_cap"].is_null());
    let text =
        String::from_utf8(ekn(none, &["deadline", "--from", "2024-03-15", "--norm", "appk-76-consideration"]).stdout)
            .unwrap();
    assert!(text.contains("Extension cap: 2024-05-15 — 2 months from the event (2024-03-15)"), "{text}");

    // The same cap where a prosecutor extends a task.
    let db = TempDb::new();
    let mut session = db.session();
    let task = session.tasks().add(&by_norm("appk-76-consideration", "2024-03-15")).unwrap().created[0].task.clone();
    let refused = session.tasks().extend(task.id, d("2024-05-16"), None, "запрос информации").unwrap_err();
    assert!(refused.message.contains("beyond the longest extension allowed (2024-05-15"), "{}", refused.message);
    let detail = session.tasks().extend(task.id, d("2024-05-15"), None, "запрос информации").unwrap();
    assert_eq!(detail.view.task.current_due, d("2024-05-15"));
    assert_eq!(detail.explanation.extension_cap.as_ref().unwrap().date, d("2024-05-15"));
}

#[test]
fn a_suspension_moves_the_original_and_the_current_due_date_alike() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ekn.db");
    assert!(ekn(&db, &["init"]).status.success());
    let created = json(&ekn(
        &db,
        &[
            "task",
            "add",
            "--kind",
            "consider_appeal",
            "--assignee",
            "Ахметова А.",
            "--unit",
            "Отдел",
            "--norm",
            "appk-76-consideration",
            "--from",
            "2024-10-01",
            "--json",
        ],
    ));
    let id = created["created"][0]["id"].as_i64().unwrap().to_string();
    assert_eq!(created["created"][0]["current_due"], "2024-10-22");
    let suspend = |from: &str, to: &str| {
        let out = ekn(&db, &["task", "suspend", &id, "--from", from, "--to", to, "--reason", "запрос в госорган"]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        json(&ekn(&db, &["task", "show", &id, "--json"]))
    };
    // Two working days stopped (3–4 October): both dates move by two working days.
    let shown = suspend("2024-10-03", "2024-10-04");
    assert_eq!(shown["original_due"], shown["current_due"], "a task never extended is not extended");
    assert_eq!(shown["current_due"], "2024-10-24");
    // A second suspension follows the same path, not the extension's: one more working day, and
    // Friday 25 October is Republic Day, so Monday 28 October.
    let shown = suspend("2024-10-10", "2024-10-10");
    assert_eq!(
        (shown["original_due"].as_str(), shown["current_due"].as_str()),
        (Some("2024-10-28"), Some("2024-10-28"))
    );
    let log: Vec<&str> = shown["log"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(log.iter().filter(|a| **a == "suspended").count(), 2);
    assert!(!log.contains(&"extended"));
    // The cap moves with the clock: two months from receipt plus the three suspended days.
    assert_eq!(shown["explanation"]["extension_cap"]["date"], "2024-12-04");

    // Overdue and unextended, it is still reported as slipping unnoticed.
    let slips = json(&ekn(&db, &["slips", "--today", "2024-11-05", "--json"]));
    assert!(slips.as_array().unwrap().iter().any(|s| s["kind"] == "overdue_without_extension_or_note"));

    // An extended task keeps its decision and moves by the working days the suspension takes.
    let mut session = Session::open(&db).unwrap();
    let task = session.tasks().add(&by_norm("appk-76-consideration", "2024-10-01")).unwrap().created[0].task.clone();
    session.tasks().extend(task.id, d("2024-11-05"), None, "продлено руководителем").unwrap();
    let detail = session
        .tasks()
        .suspend(task.id, Suspension { from: d("2024-10-28"), to: d("2024-10-29") }, "экспертиза")
        .unwrap();
    assert_eq!(detail.view.task.original_due, d("2024-10-22"), "the suspension lies after the original term");
    assert_eq!(detail.view.task.current_due, d("2024-11-07"), "two working days later than the decided 05.11");
}

#[test]
fn on_a_sunday_fridays_tasks_are_overdue_not_due_today() {
    let db = TempDb::new();
    let mut session = db.session();
    // Event Friday 13.11.2026, five working days: due Friday 20.11.2026.
    let task = session.tasks().add(&by_period(5, "2026-11-13")).unwrap().created[0].task.clone();
    assert_eq!(task.current_due, d("2026-11-20"));
    let sunday = d("2026-11-22");
    let desk = session.tasks().desk(sunday, None).unwrap();
    assert!(desk.due_today.is_empty(), "nothing is due on a Sunday");
    let overdue = desk.overdue.iter().find(|v| v.task.id == task.id).expect("overdue on Sunday");
    assert_eq!(overdue.urgency.unwrap().working_days_left, -1, "late by Monday's working day, never 0");
    assert!(session.tasks().reminders(sunday).unwrap().is_empty(), "reminders fire on working days only");
    let monday = session.tasks().reminders(d("2026-11-23")).unwrap();
    assert!(monday.iter().any(|r| r.task_id == task.id && r.kind == ekn::domain::tasks::ReminderKind::Overdue));
    // On the Friday itself it is due today.
    assert!(session.tasks().desk(d("2026-11-20"), None).unwrap().due_today.iter().any(|v| v.task.id == task.id));
    let board = session.tasks().dashboard(sunday).unwrap();
    assert_eq!(board.totals.overdue, 1);
}

#[test]
fn the_demo_is_dated_around_the_day_it_is_made() {
    let dir = tempfile::tempdir().unwrap();
    let make = |name: &str, today: NaiveDate| {
        let path = dir.path().join(name);
        api::init(&path, Some(today), false, api::Context::cli(), &mut |_, _| {}).unwrap();
        Session::open(&path).unwrap()
    };
    let anchor = ekn::generator::ANCHOR;
    let today = d("2027-03-10");
    let shift = today - anchor;
    let (mut a, mut b, mut c) = (make("a.db", today), make("b.db", today), make("c.db", anchor));

    // A realistic desk on the day it is made: work due in the coming days, a manageable backlog,
    // about as much as on the day the fixtures were written.
    let (desk_a, desk_c) = (a.tasks().desk(today, None).unwrap(), c.tasks().desk(anchor, None).unwrap());
    assert!(!desk_a.next_7_working_days.is_empty());
    let open =
        |desk: &ekn::api::Desk| desk.overdue.len() + desk.due_today.len() + desk.next_7_working_days.len() + desk.later;
    assert_eq!(open(&desk_a), open(&desk_c));
    assert!(desk_a.overdue.len().abs_diff(desk_c.overdue.len()) <= desk_c.overdue.len() / 4 + 5);

    // The same offsets from the day: an object's history moves by exactly the days between.
    let truth: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("fixtures/demo/ground_truth.json").unwrap()).unwrap();
    let bin = truth["frequent_visits"]["subjects"][0].as_str().unwrap();
    let dates =
        |s: &mut Session| s.registry().card(bin).unwrap().inspections.iter().map(|i| i.start_date).collect::<Vec<_>>();
    let moved: Vec<NaiveDate> = dates(&mut c).into_iter().map(|day| day + shift).collect();
    assert_eq!(dates(&mut a), moved);
    assert!(dates(&mut a).iter().all(|day| *day <= today));

    // Deterministic for a given seed and day.
    let dues = |desk: &ekn::api::Desk| {
        desk.overdue.iter().chain(&desk.next_7_working_days).map(|v| v.task.current_due).collect::<Vec<_>>()
    };
    assert_eq!(dues(&desk_a), dues(&b.tasks().desk(today, None).unwrap()));
    assert_eq!(a.registry().status().unwrap().counts, b.registry().status().unwrap().counts);
}

#[test]
fn a_norms_import_versions_the_norm_and_recomputes_the_deadlines_that_follow_it() {
    let db = TempDb::new();
    let mut session = db.session();
    let task = session.tasks().add(&by_norm("prosecutor-protest", "2024-10-01")).unwrap().created[0].task.clone();
    assert_eq!(task.current_due, d("2024-10-11"), "10 calendar days (155-VII art. 33 p. 3)");
    drop(session);

    // The office corrects the reading of the protest's version to 5 working days, without a new
    // release: the same version of the law, read anew, so open deadlines under it are recomputed.
    let exported = json(&ekn(&db.path, &["norms", "export"]));
    let mut catalog = exported.clone();
    for norm in catalog["norms"].as_array_mut().unwrap() {
        if norm["id"] == "prosecutor-protest" {
            norm["versions"][0]["period"] = serde_json::json!({"amount": 5, "unit": "working_days"});
            norm["versions"][0]["verified"] = true.into();
            norm["versions"][0]["paragraph"] = "test paragraph".into();
        }
    }
    let file = db.file("norms.json", serde_json::to_string_pretty(&catalog).unwrap());
    let report = json(&ekn(&db.path, &["norms", "import", file.to_str().unwrap(), "--json"]));
    assert_eq!(report["changes"].as_array().unwrap().len(), 1);
    assert_eq!(report["changes"][0]["id"], "prosecutor-protest");
    assert_eq!(
        (report["changes"][0]["from_version"].as_u64(), report["changes"][0]["to_version"].as_u64()),
        (Some(1), Some(2))
    );
    assert_eq!(report["recomputed"][0]["to"], "2024-10-08");

    let mut session = db.session();
    let detail = session.tasks().detail(task.id, d("2024-10-02")).unwrap();
    assert_eq!(detail.view.task.current_due, d("2024-10-08"));
    assert_eq!(detail.rule.version, Some(2));
    assert!(detail.rule.verified && detail.explanation.warnings.is_empty(), "{:?}", detail.explanation.warnings);
    let moved = detail.log.iter().find(|e| e.action == "recomputed").unwrap();
    assert!(moved
        .detail
        .as_deref()
        .unwrap()
        .contains("norm prosecutor-protest changed: 10 calendar days → 5 working days"));
    let list = session.deadlines().norms_list().unwrap();
    assert_eq!(list.origin, "imported");
    let protest = list.norms.iter().find(|n| n.id == "prosecutor-protest").unwrap();
    assert_eq!((protest.version, protest.verified, protest.origin.as_str()), (2, true, "imported"));
    drop(session);

    // A bad catalog is refused with its file, line and field, and changes nothing.
    let before = db.fingerprint();
    let broken = exported.to_string().replacen("\"amount\":15", "\"amount\":-3", 1);
    let out = ekn(&db.path, &["norms", "import", db.file("bad.json", broken).to_str().unwrap()]);
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        err.starts_with("ekn: error [invalid_input]:")
            && err.contains("bad.json: line 1")
            && err.contains("norms[0].versions[0].period.amount"),
        "{err}"
    );
    // A norm open tasks follow cannot be removed.
    let mut without = catalog.clone();
    without["norms"].as_array_mut().unwrap().retain(|n| n["id"] != "prosecutor-protest");
    let out = ekn(&db.path, &["norms", "import", db.file("without.json", without.to_string()).to_str().unwrap()]);
    assert!(String::from_utf8(out.stderr).unwrap().contains("norm 'prosecutor-protest' is missing, but open task"));
    assert_eq!(db.fingerprint(), before);

    // The list speaks the three languages.
    let listed = json(&ekn(&db.path, &["norms", "list", "--json"]));
    let first = &listed["norms"][0];
    assert!(first["basis"]["kk"].as_str().unwrap().contains("24-бап"), "{first}");
}

mod bounded {
    //! No input a person can type or send makes the deadline, calendar or norms entry points panic:
    //! extreme and odd values get an error.
    use super::*;
    use ekn::api::{compute_deadline, DeadlineRequest};
    use ekn::domain::calendar::YearCalendar;
    use ekn::domain::norms::{NormsCatalog, BUILTIN};
    use proptest::prelude::*;

    fn unit() -> impl Strategy<Value = Unit> {
        prop_oneof![Just(Unit::WorkingDays), Just(Unit::CalendarDays), Just(Unit::Months)]
    }

    fn any_day() -> impl Strategy<Value = NaiveDate> {
        // From year -5000 to 5000 or so: far outside what the product computes with.
        (-2_500_000i32..2_500_000).prop_map(|offset| d("2000-01-01") + chrono::Duration::days(i64::from(offset)))
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

        #[test]
        fn deadlines_answer_an_error_never_a_panic(
            amount in prop_oneof![0u32..3, 1u32..100_000, Just(u32::MAX), Just(100_000_000), Just(4_000_000_000)],
            unit in unit(), from in any_day(), norm in prop_oneof![Just(None), Just(Some("appk-76-consideration")), Just(Some("nope"))],
            suspensions in proptest::collection::vec((any_day(), -400i64..400), 0..3),
        ) {
            let calendar = Calendar::builtin();
            let catalog = NormsCatalog::builtin();
            let (norm, period) = match norm {
                Some(id) => (Some(id.to_string()), None),
                None => (None, Some(Period { amount, unit })),
            };
            let suspensions = suspensions.into_iter().map(|(from, len)| Suspension { from, to: from + chrono::Duration::days(len) }).collect();
            let result = compute_deadline(&calendar, &catalog, &DeadlineRequest { from, norm, period, decided: None, suspensions });
            if let Ok(report) = result {
                prop_assert!(report.due > from);
            }
        }

        #[test]
        fn calendar_documents_answer_an_error_never_a_panic(
            year in prop_oneof![Just(2027i32), any::<i32>(), 1900i32..2300],
            holidays in proptest::collection::vec((any_day(), any::<bool>(), any::<bool>()), 0..60),
            transfers in proptest::collection::vec((any_day(), any_day()), 0..25),
        ) {
            let document = serde_json::json!({
                "year": year,
                "holidays": holidays.iter().map(|(date, moves, confirmed)| serde_json::json!({
                    "date": date, "holiday": "x", "name_ru": "x", "name_kk": "x", "name_en": "x",
                    "moves_if_weekend": moves, "source": "x", "confirmed": confirmed })).collect::<Vec<_>>(),
                "transfers": transfers.iter().map(|(w, off)| serde_json::json!({
                    "working_day": w, "day_off": off, "act": "x", "confirmed": true })).collect::<Vec<_>>(),
            });
            if let Ok(year) = YearCalendar::from_json(&document.to_string()) {
                let calendar = Calendar::from_years([year]);
                let _ = calendar.next_working_on_or_after(d("2027-06-01"));
            }
        }

        #[test]
        fn norms_catalogs_answer_an_error_never_a_panic(
            amount in any::<u32>(), unit in unit(), cut in 0usize..12_000, junk in ".{0,20}",
        ) {
            let edited = BUILTIN.replacen("\"amount\": 15", &format!("\"amount\": {amount}"), 1)
                .replacen("\"working_days\"", &format!("\"{}\"", unit.code()), 1);
            if let Ok(catalog) = NormsCatalog::from_json(&edited) {
                let calendar = Calendar::builtin();
                let request = DeadlineRequest { from: d("2024-01-01"), norm: Some("appk-76-consideration".into()), period: None, decided: None, suspensions: vec![] };
                prop_assert!(compute_deadline(&calendar, &catalog, &request).is_ok());
            }
            let cut = cut.min(BUILTIN.len());
            let boundary = (0..=cut).rev().find(|i| BUILTIN.is_char_boundary(*i)).unwrap_or(0);
            let _ = NormsCatalog::from_json(&format!("{}{junk}", &BUILTIN[..boundary]));
        }
    }

    #[test]
    fn the_command_line_refuses_huge_periods_with_an_error_not_a_crash() {
        let none = std::path::Path::new("/nonexistent/ekn.db");
        for args in [
            ["deadline", "--from", "2024-01-01", "--calendar-days", "100000000"],
            ["deadline", "--from", "2024-01-01", "--months", "4000000000"],
            ["deadline", "--from", "9999-12-31", "--working-days", "1"],
        ] {
            let out = ekn(none, &args);
            assert_eq!(out.status.code(), Some(1), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
            let err = String::from_utf8(out.stderr).unwrap();
            assert!(err.starts_with("ekn: error [invalid_input]:"), "{err}");
        }
        let db = TempDb::new();
        let mut session = db.session();
        let task = session.tasks().add(&by_period(5, "2024-01-10")).unwrap().created[0].task.clone();
        let far = Suspension { from: d("2024-01-11"), to: d("9999-01-01") };
        assert_eq!(session.tasks().suspend(task.id, far, "x").unwrap_err().code.code(), "invalid_input");
        let huge = NewTaskRequest {
            period: Some(Period { amount: u32::MAX, unit: Unit::Months }),
            ..by_period(1, "2024-01-10")
        };
        assert_eq!(session.tasks().add(&huge).unwrap_err().code.code(), "invalid_input");
        let year = db.file("kz-9999.json", r#"{"year": 9999, "holidays": []}"#);
        let err = session.deadlines().import_calendar(&year).unwrap_err();
        assert!(err.message.contains("outside the years"), "{}", err.message);
    }
}
