//! Story tests of deadlines and tasks: what a prosecutor and a supervisor live through.

use chrono::NaiveDate;
use ekn::api::NewTaskRequest;
use ekn::domain::records::DataKind;
use ekn::domain::tasks::{ReminderKind, SlipKind, TaskKind};

use crate::support::*;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn consider(appeal: &str, assignee: &str) -> NewTaskRequest {
    NewTaskRequest {
        kind: TaskKind::ConsiderAppeal,
        title: None,
        subject_bin: None,
        appeal_no: Some(appeal.into()),
        assignee: assignee.into(),
        unit: "Отдел по надзору за соблюдением прав граждан".into(),
        norm: Some("appk-76-consideration".into()),
        period: None,
        event_date: None,
        depends_on: vec![],
    }
}

/// A task with a bare period of working days from `event`, for tests that need no appeal.
fn task_by_period(kind: TaskKind, subject: Option<String>, days: u32, event: &str) -> NewTaskRequest {
    NewTaskRequest {
        kind,
        title: None,
        subject_bin: subject,
        appeal_no: None,
        assignee: "Ахметова А.".into(),
        unit: "Отдел надзора".into(),
        norm: None,
        period: Some(ekn::domain::deadline::Period { amount: days, unit: ekn::domain::deadline::Unit::WorkingDays }),
        event_date: Some(d(event)),
        depends_on: vec![],
    }
}

#[test]
fn an_appeal_from_arrival_to_the_supervisors_figures() {
    let db = TempDb::new();
    let appeals = db.file("appeals.csv", appeals_csv());
    db.import(DataKind::Appeals, &appeals).unwrap();
    let mut session = db.session();

    // A-1 arrived on Monday 01.04.2024: 15 working days → Monday 22.04.2024.
    let first = session.tasks().add(&consider("A-1", "Ахметова А.")).unwrap().created[0].task.clone();
    assert_eq!((first.event_date, first.current_due), (d("2024-04-01"), d("2024-04-22")));
    assert_eq!(first.category.as_deref(), Some("предпринимательство"));

    // Five working days before, the reminder fires.
    let reminders = session.tasks().reminders(d("2024-04-15")).unwrap();
    assert_eq!(reminders[0].kind, ReminderKind::FiveDaysBefore);

    // The head extends by a reasoned decision; the whole term runs to at most two months from
    // receipt: 01.06.2024 is a Saturday, so the cap is Monday 03.06.2024.
    let refused = session.tasks().extend(first.id, d("2024-06-04"), None, "запрос в уполномоченный орган").unwrap_err();
    assert!(refused.message.contains("beyond the longest extension allowed (2024-06-03"), "{}", refused.message);
    assert_eq!(session.tasks().extend(first.id, d("2024-04-01"), None, "x").unwrap_err().code.code(), "invalid_input");
    assert_eq!(
        session.tasks().extend(first.id, d("2024-05-20"), None, " ").unwrap_err().code.code(),
        "reason_required"
    );
    assert_eq!(refused.code.code(), "beyond_cap");
    let extended = session.tasks().extend(first.id, d("2024-05-20"), None, "запрос в уполномоченный орган").unwrap();
    assert_eq!((extended.view.task.original_due, extended.view.task.current_due), (d("2024-04-22"), d("2024-05-20")));
    assert!(extended.log.iter().any(|e| e.action == "extended" && e.new_due == Some(d("2024-05-20"))));

    // A-3 arrived on Sunday 05.05.2024; May holidays and the transfer push it to 29.05.2024.
    let second = session.tasks().add(&consider("A-3", "Серіков Б.")).unwrap().created[0].task.clone();
    assert_eq!(second.current_due, d("2024-05-29"));

    // Closed on time (within the extension) and late (three working days).
    session.tasks().complete(first.id, d("2024-05-15")).unwrap();
    let late = session.tasks().complete(second.id, d("2024-06-03")).unwrap();
    assert!(late.log.iter().any(|e| e.detail.as_deref() == Some("done on 2024-06-03 (late)")));

    let board = session.tasks().dashboard(d("2024-06-10")).unwrap();
    assert_eq!((board.totals.done_on_time_last_90_days, board.totals.done_late_last_90_days), (1, 1));
    assert_eq!(board.totals.median_days_late, Some(3.0));
    assert_eq!(board.by_assignee["Серіков Б."].done_late_last_90_days, 1);
    assert_eq!(board.by_unit["Отдел по надзору за соблюдением прав граждан"].done_on_time_last_90_days, 1);
}

#[test]
fn an_act_of_response_brings_its_control_and_stages_suggest_the_next_step() {
    let db = TempDb::new();
    let inspections = db.file("inspections.csv", inspections_csv());
    db.import(DataKind::Inspections, &inspections).unwrap();
    let mut session = db.session();
    let check = session
        .tasks()
        .add(&task_by_period(TaskKind::InspectionCheck, Some(bin(1)), 10, "2024-09-02"))
        .unwrap()
        .created[0]
        .task
        .clone();
    let before = session.tasks().suggest_for_subject(&bin(2)).unwrap().unwrap();
    assert_eq!((before.kind, before.after_task), (TaskKind::GatherInformation, None));
    assert_eq!(session.tasks().suggest_for_subject(&bin(1)).unwrap(), None, "work under way");
    let done = session.tasks().complete(check.id, d("2024-09-10")).unwrap();
    assert_eq!(session.tasks().suggest_for_subject(&bin(1)).unwrap().unwrap().kind, TaskKind::IssueResponse);
    let suggestion = done.suggestion.expect("an inspection suggests an act of response");
    assert_eq!(suggestion.kind, TaskKind::IssueResponse);

    // Not followed up yet: the slip is visible.
    assert!(session
        .tasks()
        .slips(d("2024-09-11"))
        .unwrap()
        .iter()
        .any(|s| s.task_id == check.id && s.kind == SlipKind::NotFollowedUp));

    // Declining is logged with its reason; accepting creates the act and its control of execution.
    session.tasks().decline_suggestion(check.id, "нарушения устранены в ходе проверки").unwrap();
    assert!(session
        .tasks()
        .detail(check.id, d("2024-09-11"))
        .unwrap()
        .log
        .iter()
        .any(|e| e.action == "suggestion_declined"
            && e.detail.as_deref() == Some("issue_response: нарушения устранены в ходе проверки")));
    let created = session.tasks().accept_suggestion(check.id, None).unwrap().created;
    assert_eq!(created.len(), 2);
    let (response, control) = (&created[0], &created[1]);
    assert_eq!((response.task.kind, control.task.kind), (TaskKind::IssueResponse, TaskKind::ControlExecution));
    assert_eq!(control.blocked_by, vec![response.task.id]);
    assert_eq!(control.task.event_date, response.task.current_due);
    let slips = session.tasks().slips(d("2024-09-11")).unwrap();
    assert!(!slips.iter().any(|s| s.kind == SlipKind::ResponseWithoutControl));
    assert!(!slips.iter().any(|s| s.task_id == check.id), "followed up now");

    // The control task cannot be finished while the act is open, and a cycle is refused by name.
    assert!(session.tasks().complete(control.task.id, d("2024-09-12")).unwrap_err().message.contains("blocked"));
    let err = session.tasks().add_dependency(response.task.id, control.task.id).unwrap_err();
    assert_eq!(
        err.message,
        format!("this dependency would close a cycle: #{r} → #{c} → #{r}", r = response.task.id, c = control.task.id)
    );
    // The response's urgency counts the control task that slips with it.
    let desk = session.tasks().desk(response.task.current_due, None).unwrap();
    let on_desk = desk.due_today.iter().find(|v| v.task.id == response.task.id).expect("due today");
    assert_eq!(on_desk.slips_with_it, vec![control.task.id]);
    assert_eq!(on_desk.urgency.unwrap().from_blocking, 15.0);
}

#[test]
fn a_calendar_change_recomputes_open_deadlines_and_logs_the_move() {
    let db = TempDb::new();
    let mut session = db.session();
    let task = session.tasks().add(&task_by_period(TaskKind::FollowUp, None, 5, "2024-06-10")).unwrap().created[0]
        .task
        .clone();
    // 11–14 and 17 June (Kurban Ait fell on Sunday 16 June and was not moved).
    assert_eq!(task.current_due, d("2024-06-17"));
    let mut year: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("assets/calendar/kz-2024.json").unwrap()).unwrap();
    year["transfers"].as_array_mut().unwrap().push(serde_json::json!({
        "working_day": "2024-06-15", "day_off": "2024-06-17", "act": "test: an imagined transfer", "confirmed": true
    }));
    let file = db.file("kz-2024.json", year.to_string());
    let report = session.deadlines().import_calendar(&file).unwrap();
    assert!(report.replaced);
    assert_eq!(report.recomputed.len(), 1);
    // Saturday 15 June is now worked and 17 June rested: 11, 12, 13, 14, 15 June make five working days.
    assert_eq!((report.recomputed[0].from, report.recomputed[0].to), (d("2024-06-17"), d("2024-06-15")));
    let detail = session.tasks().detail(task.id, d("2024-06-12")).unwrap();
    assert!(detail.log.iter().any(|e| e.action == "recomputed" && e.old_due == Some(d("2024-06-17"))));
}

#[test]
fn the_journal_and_the_task_log_view_of_it_are_append_only() {
    let db = TempDb::new();
    let mut session = db.session();
    session
        .tasks()
        .add(&NewTaskRequest {
            kind: TaskKind::FollowUp,
            title: None,
            subject_bin: None,
            appeal_no: None,
            assignee: "A".into(),
            unit: "U".into(),
            norm: Some("control-of-execution".into()),
            period: None,
            event_date: Some(d("2024-06-10")),
            depends_on: vec![],
        })
        .unwrap();
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    let err = conn.execute("UPDATE journal SET detail = 'rewritten'", []).unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
    assert!(conn.execute("DELETE FROM journal", []).unwrap_err().to_string().contains("append-only"));
    // The task log is a view of the journal: it cannot be written at all.
    assert!(conn.execute("DELETE FROM task_log", []).is_err());
    let actions: Vec<String> = conn
        .prepare("SELECT action FROM task_log")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(actions, vec!["created".to_string()]);
}

#[test]
fn a_calendar_that_changed_between_sessions_is_noticed_on_open() {
    // As if a new release shipped a different 2024 file: the database last saw an imported 2024
    // document, which is then gone, so the calendar in force differs from the recorded digest.
    let db = TempDb::new();
    let mut session = db.session();
    let task = session.tasks().add(&task_by_period(TaskKind::FollowUp, None, 5, "2024-06-10")).unwrap().created[0]
        .task
        .clone();
    let mut year: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("assets/calendar/kz-2024.json").unwrap()).unwrap();
    year["transfers"].as_array_mut().unwrap().push(serde_json::json!({
        "working_day": "2024-06-15", "day_off": "2024-06-17", "act": "test", "confirmed": true
    }));
    session.deadlines().import_calendar(&db.file("kz-2024.json", year.to_string())).unwrap();
    assert_eq!(session.tasks().detail(task.id, d("2024-06-12")).unwrap().view.task.current_due, d("2024-06-15"));
    drop(session);

    rusqlite::Connection::open(&db.path).unwrap().execute("DELETE FROM calendar_years", []).unwrap();
    let mut reopened = db.session();
    let detail = reopened.tasks().detail(task.id, d("2024-06-12")).unwrap();
    assert_eq!(detail.view.task.current_due, d("2024-06-17"), "recomputed on open with the shipped calendar");
    let last = detail.log.last().unwrap();
    assert_eq!(
        (last.action.as_str(), last.old_due, last.new_due),
        ("recomputed", Some(d("2024-06-15")), Some(d("2024-06-17")))
    );
}

/// The app's task actions through the declared methods, as the UI calls them: a task created with a
/// norm, its clock stopped for a period, one task made to wait for another (a cycle refused, an
/// unknown norm refused with its code), what slips through listed with each task, every write
/// journaled with the face it came through.
#[test]
fn the_apps_task_actions_go_through_the_declared_methods() {
    use serde_json::json;
    let db = TempDb::new();
    let appeals = db.file("appeals.csv", appeals_csv());
    db.import(DataKind::Appeals, &appeals).unwrap();
    let host = ekn::api::host::Host::start(&db.path, false, ekn::domain::journal::Face::Browser, None).unwrap();
    let add = |appeal: &str, norm: &str| {
        host.call(
            "add_task",
            json!({"kind": "consider_appeal", "title": " ", "subject_bin": null, "appeal_no": appeal, "assignee": "Ахметова А.",
                   "unit": "Отдел", "norm": norm, "period": null, "event_date": null, "depends_on": []}),
        )
    };
    let first = add("A-1", "appk-76-consideration").unwrap();
    let first_id = first["created"][0]["id"].as_i64().unwrap();
    // A-1 arrived on 01.04.2024: 15 working days → 22.04.2024; a blank title is the kind's own.
    assert_eq!(first["created"][0]["current_due"], "2024-04-22");
    assert!(!first["created"][0]["title"].as_str().unwrap().trim().is_empty());
    assert_eq!(add("A-3", "no-such-norm").unwrap_err().code.code(), "not_found");

    // The clock stopped for three working days (Wed–Fri) moves the due date by three working days.
    let suspended = host
        .call("suspend_task", json!({"id": first_id, "from": "2024-04-10", "to": "2024-04-12", "reason": "экспертиза"}))
        .unwrap();
    assert_eq!(suspended["current_due"], "2024-04-25");
    let no_reason =
        host.call("suspend_task", json!({"id": first_id, "from": "2024-04-15", "to": "2024-04-16", "reason": " "}));
    assert_eq!(no_reason.unwrap_err().code.code(), "reason_required");

    // A-3's task waits for A-1's; the other way round would be a cycle.
    let second_id = add("A-3", "appk-76-consideration").unwrap()["created"][0]["id"].as_i64().unwrap();
    let waiting = host.call("wait_for_task", json!({"id": second_id, "prerequisite": first_id})).unwrap();
    assert_eq!(waiting["blocked_by"], json!([first_id]));
    let cycle = host.call("wait_for_task", json!({"id": first_id, "prerequisite": second_id})).unwrap_err();
    assert_eq!(cycle.code.code(), "invalid_input");
    assert!(cycle.message.contains("cycle"), "{}", cycle.message);

    // Both are long overdue today with neither extension nor note: each slip carries its task.
    let slips = host.call("slips", json!({})).unwrap();
    let slipped: Vec<(i64, String)> = slips
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["task"]["id"].as_i64().unwrap(), s["kind"].as_str().unwrap().to_string()))
        .collect();
    assert!(slipped.contains(&(first_id, "overdue_without_extension_or_note".into())), "{slipped:?}");
    drop(host);

    let session = db.session();
    let lines = session.journal(&ekn::api::JournalQuery { limit: Some(100), ..Default::default() }).unwrap();
    for kind in ["task_created", "task_suspended", "dependency_added"] {
        assert!(lines.iter().any(|l| l.kind == kind && l.face == "browser"), "{kind} through the app: {lines:?}");
    }
}
