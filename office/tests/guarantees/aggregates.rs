//! The office's dashboard is read from counts it keeps as it stores tasks (issue 41, part 2); on
//! random histories — prosecutors adding tasks, finishing them early or late, extending them,
//! suspending them, syncing in rounds, a supervisor reassigning colleagues' tasks — the kept counts give exactly
//! the figures the supervisor's own workstation computes from the tasks it pulled, and exactly what
//! a recount from every task's state gives (`ekn-office dashboard --check`), on several days; and
//! the office counts working days with the newest calendar any workstation imported.

use chrono::NaiveDate;
use ekn::api::office::{OfficeReport, ReportFormat};
use ekn::domain::deadline::Suspension;

use crate::support::{bins_of, inspections_in, office_cli, Office, Workstation};
use crate::{add_task, day};

/// A small deterministic generator (xorshift64*): the same seed, the same history.
struct Dice(u64);

impl Dice {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn day_between(&mut self, from: NaiveDate, days: u64) -> NaiveDate {
        from + chrono::Days::new(self.below(days + 1))
    }
}

/// The workstation's figures and the office's, as JSON, keys by keys.
fn figures_of(board: &serde_json::Value) -> serde_json::Value {
    serde_json::json!({
        "totals": board["totals"],
        "by_assignee": board["by_assignee"],
        "by_unit": board["by_unit"],
        "overdue_matrix": board["overdue_matrix"],
    })
}

#[test]
fn the_kept_counts_equal_the_workstations_figures_on_random_histories() {
    let office = Office::start().expect("PostgreSQL for the office's tests");
    let prosecutors = [("Асель Нурланова", "1940"), ("Bekzat Omarov", "5532"), ("Dina Sadykova", "1940")];
    for (name, district) in prosecutors {
        office.add_user(name, "prosecutor", district);
    }
    office.add_user("Supervisor Saule", "supervisor", "1940,5532");
    let desks: Vec<(Workstation, Vec<String>)> = prosecutors
        .iter()
        .map(|(name, district)| {
            let csv = inspections_in(&[district], 4);
            let ws = Workstation::new(&csv);
            ws.join(&office, name, "office PC");
            (ws, bins_of(&csv).into_iter().map(|(bin, _)| bin).collect())
        })
        .collect();
    let supervisor = Workstation::new(&inspections_in(&["1940"], 1));
    supervisor.join(&office, "Supervisor Saule", "supervisor's PC");
    let token = office.login("Supervisor Saule");

    let mut dice = Dice(0x9E37_79B9_7F4A_7C15);
    let mut open: Vec<Vec<(i64, NaiveDate)>> = vec![Vec::new(); desks.len()];
    let days = [day("2026-09-15"), day("2026-11-02"), day("2026-12-01"), day("2027-01-20")];
    let mut reassigned = 0;
    for round in 0..4 {
        for (desk, ((ws, bins), tasks)) in desks.iter().zip(open.iter_mut()).enumerate() {
            for n in 0..1 + dice.below(4) {
                let on = dice.day_between(day("2026-07-01"), 150);
                let bin = &bins[dice.below(bins.len() as u64) as usize];
                let id = add_task(ws, bin, &format!("round {round} desk {desk} task {n}"), on);
                tasks.push((id, on));
            }
            let mut still_open = Vec::new();
            for (id, on) in tasks.drain(..) {
                if dice.chance(30) {
                    // Done some day within 40 days of its start: early, on time or late.
                    ws.session().tasks().complete(id, dice.day_between(on, 40)).unwrap();
                } else {
                    if dice.chance(15) {
                        // Suspended for a while: its due date moves on.
                        let from = dice.day_between(on, 5);
                        let suspension = Suspension { from, to: dice.day_between(from, 10) };
                        ws.session().tasks().suspend(id, suspension, "waiting for an expert").unwrap();
                    }
                    still_open.push((id, on));
                }
            }
            *tasks = still_open;
            // Not every desk syncs every round: the office lags some, then catches up.
            if dice.chance(75) || round == 3 {
                ws.session().office().sync().unwrap();
            }
        }
        // The supervisor hands a colleague's task to another prosecutor now and then.
        supervisor.session().office().sync().unwrap();
        let pulled: Vec<i64> = supervisor
            .session()
            .tasks()
            .desk(day("2026-12-01"), None)
            .unwrap()
            .overdue
            .iter()
            .map(|v| v.task.id)
            .filter(|id| *id < 0)
            .collect();
        if !pulled.is_empty() && dice.chance(70) {
            let id = pulled[dice.below(pulled.len() as u64) as usize];
            let (to, _) = prosecutors[dice.below(prosecutors.len() as u64) as usize];
            supervisor.session().office().assign(id, to, "the load is uneven").unwrap();
            reassigned += 1;
        }
        supervisor.session().office().sync().unwrap();

        for today in days {
            let own = serde_json::to_value(supervisor.session().tasks().dashboard(today).unwrap()).unwrap();
            let (status, board) = office.get(&token, &format!("/v1/dashboard?today={today}"));
            assert_eq!(status, 200, "{board}");
            assert_eq!(figures_of(&board), figures_of(&own), "round {round}, {today}: {board:#}");
            let (ok, out, err) =
                office_cli(&office.pg_url, &["dashboard", "--check", "--today", &today.to_string(), "--json"], &[]);
            assert!(ok, "round {round}, {today}: {err}{out}");
        }
    }
    let (_, board) = office.get(&token, "/v1/dashboard?today=2026-12-01");
    let totals = &board["totals"];
    assert!(reassigned > 0, "the history reassigned work");
    for figure in ["open", "overdue", "done_on_time_last_90_days", "done_late_last_90_days"] {
        assert!(totals[figure].as_u64().unwrap() > 0, "every figure is exercised: {totals}");
    }
    assert!(board["tasks"].as_u64().unwrap() >= 12, "{board}");
}

/// The office counts working days with the newest calendar any workstation imported: a
/// workstation's import (a transfer that makes Friday 27 November 2026 a day off) reaches the
/// office with its next sync, checked against the journal entry of the import, and the office's
/// figures equal that workstation's own again; a later import elsewhere (the shipped document)
/// wins; a document no entry names, or one that is not a calendar, is refused.
#[test]
fn the_office_counts_with_the_newest_calendar_a_workstation_imported() {
    let office = Office::start().expect("PostgreSQL for the office's tests");
    office.add_user("Асель Нурланова", "prosecutor", "1940");
    office.add_user("Supervisor Saule", "supervisor", "1940");
    let csv = inspections_in(&["1940"], 3);
    let (asel, saule) = (Workstation::new(&csv), Workstation::new(&inspections_in(&["1940"], 1)));
    asel.join(&office, "Асель Нурланова", "office PC");
    saule.join(&office, "Supervisor Saule", "supervisor's PC");
    let bins = bins_of(&csv);
    // Overdue by a stretch that holds 27 November, and one due just after it.
    for (i, start) in ["2026-11-02", "2026-11-06", "2026-11-13", "2026-11-16"].into_iter().enumerate() {
        add_task(&asel, &bins[i % bins.len()].0, &format!("task {i}"), day(start));
    }
    asel.session().office().sync().unwrap();
    let today = day("2026-12-01");
    let token = office.login("Supervisor Saule");
    let office_figures = || {
        let (status, board) = office.get(&token, &format!("/v1/dashboard?today={today}"));
        assert_eq!(status, 200, "{board}");
        board
    };
    let own = || figures_of(&serde_json::to_value(asel.session().tasks().dashboard(today).unwrap()).unwrap());
    let shipped = office_figures();
    assert_eq!(figures_of(&shipped), own());
    assert!(shipped["calendar"].as_str().unwrap().starts_with("the calendar shipped with ЭКН"), "{shipped}");

    let mut year: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(SHIPPED_2026).unwrap()).unwrap();
    year["transfers"].as_array_mut().unwrap().push(serde_json::json!({
        "working_day": "2026-12-05", "day_off": "2026-11-27", "act": "test: an imagined transfer", "confirmed": true
    }));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("kz-2026.json");
    std::fs::write(&file, year.to_string()).unwrap();
    asel.session().deadlines().import_calendar(&file).unwrap();
    let report = asel.session().office().sync().unwrap();
    assert_eq!(report.calendars_sent, 1, "{report:?}");
    assert_eq!(asel.session().office().sync().unwrap().calendars_sent, 0, "sent once");
    let imported = office_figures();
    assert_eq!(figures_of(&imported), own(), "{imported:#}");
    assert_ne!(imported["totals"], shipped["totals"], "the transfer changes the figures");
    assert!(imported["calendar"].as_str().unwrap().contains("2026 as imported on workstation"), "{imported}");
    let (ok, out, err) =
        office_cli(&office.pg_url, &["dashboard", "--check", "--today", &today.to_string(), "--json"], &[]);
    assert!(ok, "{err}{out}");

    // The supervisor imports the shipped 2026 document later: the newest import is in force.
    let shipped_file = dir.path().join("kz-2026-shipped.json");
    std::fs::copy(SHIPPED_2026, &shipped_file).unwrap();
    saule.session().deadlines().import_calendar(&shipped_file).unwrap();
    assert_eq!(saule.session().office().sync().unwrap().calendars_sent, 1);
    let newest = office_figures();
    // Асель's states keep the dates her calendar gave them; the office counts the days late
    // between them with the shipped calendar again (27 November a working day).
    assert_ne!(newest["totals"]["median_days_late"], imported["totals"]["median_days_late"], "{newest:#}");
    assert!(newest["calendar"].as_str().unwrap().contains(&format!("workstation {}", saule_ws(&office))), "{newest}");

    // A document no journal entry of the sender names, or not a calendar at all, is refused.
    let rogue = crate::support::Rogue::enrol(&office, "Асель Нурланова", 61);
    let mut other = year.clone();
    other["note"] = serde_json::json!("never imported anywhere");
    let body = serde_json::json!({"year": 2026, "document": other.to_string()});
    let (status, reply, _) = rogue.signed("POST", "/v1/calendar", body.to_string().as_bytes(), None);
    assert_eq!((status, reply["error"].as_str()), (409, Some("not_journaled")), "{reply}");
    let body = serde_json::json!({"year": 2026, "document": "{\"year\": 2026}"});
    let (status, reply, _) = rogue.signed("POST", "/v1/calendar", body.to_string().as_bytes(), None);
    assert_eq!(status, 400, "{reply}");
}

/// The 2026 calendar as shipped.
const SHIPPED_2026: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../assets/calendar/kz-2026.json");

/// The supervisor's workstation's id at the office.
fn saule_ws(office: &Office) -> String {
    office.pg.psql(
        "ekn",
        "SELECT w.id FROM workstations w JOIN people p ON p.id = w.person_id WHERE p.name = 'Supervisor Saule'",
    )
}

/// The heads' view in the app (issue 64): a supervisor's workstation asks the office for its
/// dashboard as its enrolled person and shows the office's figures over every workstation in its
/// districts — each prosecutor's own beside them, and when the office computed them; a
/// prosecutor's workstation gets what the office lets a prosecutor see (its districts, no
/// colleague's name). With the office out of reach each shows the last figures it was given and
/// says so; a workstation that was never given any says that instead.
#[test]
fn a_heads_workstation_shows_the_offices_dashboard_and_its_last_figures_offline() {
    let mut office = Office::start().expect("PostgreSQL for the office's tests");
    office.add_user("Асель Нурланова", "prosecutor", "1940");
    office.add_user("Bekzat Omarov", "prosecutor", "5532");
    office.add_user("Supervisor Saule", "supervisor", "1940,5532");
    let (csv_a, csv_b) = (inspections_in(&["1940"], 3), inspections_in(&["5532"], 3));
    let (asel, bekzat, saule) =
        (Workstation::new(&csv_a), Workstation::new(&csv_b), Workstation::new(&inspections_in(&["1940"], 1)));
    asel.join(&office, "Асель Нурланова", "office PC");
    bekzat.join(&office, "Bekzat Omarov", "laptop");
    saule.join(&office, "Supervisor Saule", "supervisor's PC");
    for (ws, csv) in [(&asel, &csv_a), (&bekzat, &csv_b)] {
        for (i, (bin, _)) in bins_of(csv).iter().enumerate() {
            add_task(ws, bin, &format!("task {i}"), day("2026-10-01"));
        }
        ws.session().office().sync().unwrap();
    }
    let never_asked = Workstation::new(&csv_a);
    never_asked.join(&office, "Асель Нурланова", "second PC");

    let before = chrono::Utc::now();
    let view = saule.session().office().dashboard().unwrap();
    assert!(view.offline.is_none(), "{view:?}");
    let board = &view.dashboard;
    assert!(board.computed_at >= before - chrono::Duration::seconds(5), "{}", board.computed_at);
    assert_eq!(board.tasks, 6, "both prosecutors' tasks: {board:?}");
    let names: Vec<&String> = board.by_owner.keys().collect();
    assert!(names.iter().any(|n| n.contains("Асель")) && names.iter().any(|n| n.contains("Bekzat")), "{names:?}");
    // Each district's figures, for the map's region opened into its districts.
    let open_in = |board: &ekn::domain::tasks::OfficeDashboard, d: &str| board.by_district.get(d).map(|f| f.open);
    assert_eq!((open_in(board, "1940"), open_in(board, "5532")), (Some(3), Some(3)), "{:?}", board.by_district);
    // The same figures the office's own endpoint gives the supervisor.
    let token = office.login("Supervisor Saule");
    let (status, direct) = office.get(&token, &format!("/v1/dashboard?today={}", board.figures.today));
    assert_eq!(status, 200, "{direct}");
    assert_eq!(figures_of(&serde_json::to_value(board).unwrap()), figures_of(&direct));

    let own = asel.session().office().dashboard().unwrap().dashboard;
    assert_eq!(own.tasks, 3, "a prosecutor's office figures are their districts': {own:?}");
    assert!(own.by_owner.keys().all(|n| !n.contains("Bekzat")), "{:?}", own.by_owner);
    assert_eq!(own.by_district.keys().collect::<Vec<_>>(), ["1940"], "only the prosecutor's district");

    // The report a head hands on: the same figures as a workbook, read back by another library.
    let (name, bytes) =
        saule.session().office().report(OfficeReport::Dashboard, ReportFormat::Xlsx, ekn::i18n::Lang::Ru).unwrap();
    assert!(name.ends_with(".xlsx"), "{name}");
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    use calamine::Reader;
    assert_eq!(
        book.sheet_names(),
        [
            "О выгрузке",
            "По сотрудникам",
            "По исполнителям",
            "По подразделениям",
            "По районам",
            "Просрочено по регионам"
        ]
    );
    let about = book.worksheet_range("О выгрузке").unwrap();
    let text: Vec<String> = about.rows().flat_map(|r| r.iter().map(|c| c.to_string())).collect();
    assert!(text.iter().any(|c| c == "Supervisor Saule (supervisor)"), "{text:?}");
    // When the office computed the figures the export asked for (a moment after `board`'s).
    let computed = text.iter().skip_while(|c| *c != "Офис вычислил").nth(1).expect("the row says when");
    let computed = chrono::DateTime::parse_from_rfc3339(computed).expect("a time").with_timezone(&chrono::Utc);
    assert!(computed >= board.computed_at, "when the office computed it: {text:?}");
    let people = book.worksheet_range("По сотрудникам").unwrap();
    for row in people.rows().skip(1) {
        let figures = &board.by_owner[&row[0].to_string()];
        assert_eq!(row[1].to_string(), figures.open.to_string(), "{row:?}");
        assert_eq!(row[3].to_string(), figures.overdue.to_string(), "{row:?}");
    }
    assert_eq!(people.rows().count(), board.by_owner.len() + 1);

    // The last figures this workstation was given, before the office goes out of reach.
    let view = saule.session().office().dashboard().unwrap();
    office.server.kill();
    let kept = saule.session().office().dashboard().unwrap();
    let why = kept.offline.as_deref().expect("the figures say the office is out of reach");
    assert!(!why.is_empty());
    assert_eq!(kept.dashboard, view.dashboard, "the last figures given, as given");
    assert_eq!(kept.fetched_at.timestamp(), view.fetched_at.timestamp());
    // Offline, the workbook says its figures are the last ones kept.
    let (_, offline) =
        saule.session().office().report(OfficeReport::Dashboard, ReportFormat::Xlsx, ekn::i18n::Lang::En).unwrap();
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(offline)).unwrap();
    let about = book.worksheet_range("About").unwrap();
    assert!(about.rows().flatten().any(|c| c.to_string().starts_with("The office was out of reach")), "{about:?}");
    let none = never_asked.session().office().dashboard().unwrap_err();
    assert!(none.message.contains("no figures of the office"), "{}", none.message);
}
