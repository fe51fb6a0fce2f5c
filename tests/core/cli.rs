//! The `ekn` binary as a person uses it: exit codes, one-line errors, stable JSON.

use std::process::Command;

fn ekn(db: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_ekn")).arg("--db").arg(db).args(args).output().unwrap()
}

#[test]
fn init_card_search_and_status_through_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("sub").join("ekn.db");
    let out = ekn(&db, &["init", "--demo"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("inserted"), "{text}");

    let again = ekn(&db, &["init", "--demo"]);
    assert!(!again.status.success());
    let err = String::from_utf8(again.stderr).unwrap();
    assert!(err.starts_with("ekn: error [database_exists]: a database already exists"), "{err}");
    assert_eq!(err.lines().count(), 1);

    let search = ekn(&db, &["search", "ТОО", "--json", "--limit", "3"]);
    let hits: serde_json::Value = serde_json::from_slice(&search.stdout).unwrap();
    let bin = hits["subjects"][0]["bin"].as_str().unwrap().to_string();

    let card = ekn(&db, &["card", &bin, "--json"]);
    assert!(card.status.success());
    let card: serde_json::Value = serde_json::from_slice(&card.stdout).unwrap();
    assert_eq!(card["schema"], "ekn.card/1");
    assert_eq!(card["subject"]["bin"], bin.as_str());

    let text = ekn(&db, &["card", &bin]);
    assert!(String::from_utf8(text.stdout).unwrap().contains("Indicators"));

    let bench = ekn(&db, &["bench", "--samples", "50", "--json"]);
    let bench: serde_json::Value = serde_json::from_slice(&bench.stdout).unwrap();
    assert_eq!(bench["cards"], 50);
    let busiest = bench["busiest"].as_array().unwrap();
    assert_eq!(busiest.len(), 10);
    assert!(busiest[0]["inspections"].as_u64() >= busiest[9]["inspections"].as_u64());

    let status = ekn(&db, &["status", "--json"]);
    let status: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    // The registry's three files, then the acts its office issued on them.
    assert_eq!(status["imports"].as_array().unwrap().len(), 4);
    assert_eq!(status["demo"], true);

    // A plan scored by the demo's risk model: --json streams one document, every row with its
    // reasons; the text view and --top show the first rows and say how many more there are.
    let plan = dir.path().join("plan.csv");
    std::fs::write(
        &plan,
        format!(
            "registry_no,bin,kato,oked,control_body,kind,start_date\n\
             P-1,{bin},192010000,47.11.0,Орган,unplanned,2026-12-01\n\
             P-2,{bin},192010000,47.11.0,Орган,unplanned,2026-12-02\n\
             P-3,{bin},192010000,47.11.0,Орган,planned,2026-12-03\n"
        ),
    )
    .unwrap();
    let plan = plan.to_str().unwrap();
    let scored = ekn(&db, &["risk", "score", plan, "--json"]);
    assert!(scored.status.success(), "{}", String::from_utf8_lossy(&scored.stderr));
    let scored: serde_json::Value = serde_json::from_slice(&scored.stdout).unwrap();
    assert_eq!(scored["rows_total"], 3);
    let rows = scored["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 3);
    assert!(rows.windows(2).all(|w| w[0]["probability"].as_f64() >= w[1]["probability"].as_f64()));
    assert!(rows.iter().all(|r| r["contributions"][0]["text"]["kk"].as_str().is_some_and(|t| !t.is_empty())));
    let top = ekn(&db, &["risk", "score", plan, "--json", "--top", "1"]);
    let top: serde_json::Value = serde_json::from_slice(&top.stdout).unwrap();
    assert_eq!(top["rows"].as_array().unwrap().len(), 1);
    assert_eq!(top["rows"][0], rows[0]);
    let text = ekn(&db, &["risk", "score", plan, "--top", "2"]);
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("3 row(s)") && text.contains("… 1 more"), "{text}");

    // The examples the model trains on, for refitting with another tool: a time split, no BINs.
    let examples = dir.path().join("examples.csv");
    let written = ekn(&db, &["risk", "features", "--out", examples.to_str().unwrap()]);
    assert!(written.status.success(), "{}", String::from_utf8_lossy(&written.stderr));
    let table = std::fs::read_to_string(&examples).unwrap();
    let mut lines = table.lines();
    assert!(lines.next().unwrap().starts_with("split,label,prior_visits_same_body,"));
    let sides: Vec<&str> = lines.map(|l| l.split(',').next().unwrap()).collect();
    assert!(sides.len() > 1000 && sides.contains(&"train") && sides.contains(&"test"));
    let first_test = sides.iter().position(|s| *s == "test").unwrap();
    assert!(sides[first_test..].iter().all(|s| *s == "test"), "the held-out rows are the most recent");
    assert!(!table.contains(&bin), "no BIN in the examples");

    // A typed value is accepted as the docs spell it and as command lines usually do; a wrong one
    // names the choices.
    for target in ["declared_illegal", "declared-illegal", "violations_found"] {
        let out = dir.path().join(format!("{target}.csv"));
        let written = ekn(&db, &["risk", "features", "--target", target, "--out", out.to_str().unwrap()]);
        assert!(written.status.success(), "{target}: {}", String::from_utf8_lossy(&written.stderr));
    }
    let wrong = ekn(&db, &["risk", "features", "--target", "illegal", "--out", "/dev/null"]);
    let said = String::from_utf8_lossy(&wrong.stderr);
    assert!(!wrong.status.success() && said.contains("declared_illegal"), "{said}");
    for kind in ["frequent_visits", "frequent-visits"] {
        let listed = ekn(&db, &["anomalies", "--kind", kind, "--json"]);
        assert!(listed.status.success(), "{kind}: {}", String::from_utf8_lossy(&listed.stderr));
    }
}

#[test]
fn a_failed_import_with_json_prints_the_error_with_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ekn.db");
    assert!(ekn(&db, &["init"]).status.success());
    let file = dir.path().join("bad.csv");
    let text = crate::support::inspections_csv().replacen("01.02.2022", "31.02.2022", 1).replace('\n', "\r\n");
    std::fs::write(&file, &text).unwrap();
    let out = ekn(&db, &["import", "inspections", file.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let error: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(error["code"], "invalid_input");
    assert_eq!(error["detail"]["line"], 3, "the file's third line, CRLF as Excel writes it: {error}");
    assert_eq!(error["detail"]["field"], "start_date");
    assert_eq!(error["detail"]["value"], "31.02.2022");
    let said = String::from_utf8(out.stderr).unwrap();
    assert!(said.starts_with("ekn: error [invalid_input]: ") && said.contains("line 3, field start_date"), "{said}");
}

#[test]
fn failures_exit_non_zero_with_one_line_a_person_can_act_on() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("none.db");
    let cases: [(&[&str], &str); 3] = [
        (&["card", "123"], "ekn: error [no_database]: no database at"),
        (&["status"], "ekn: error [no_database]:"),
        (&["search", "x"], "ekn: error [no_database]:"),
    ];
    for (args, start) in cases {
        let out = ekn(&db, args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.starts_with(start), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
    assert!(!db.exists(), "reading commands never create a database");

    let out = ekn(&db, &["init"]);
    assert!(out.status.success());
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "registry_no;bin\nx;1\n").unwrap();
    let out = ekn(&db, &["import", "inspections", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("bad.csv: line 1, field control_body: required column is missing"), "{err}");
    let out = ekn(&db, &["card", "000000000000"]);
    assert!(String::from_utf8(out.stderr).unwrap().starts_with("ekn: error [invalid_input]: BIN/IIN"));
}

#[test]
fn task_commands_through_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    assert!(ekn(&db, &["init"]).status.success());
    let add = |args: &[&str]| {
        let mut all = vec!["task", "add", "--assignee", "Ахметова А.", "--unit", "Отдел", "--json"];
        all.extend_from_slice(args);
        let out = ekn(&db, &all);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let response = add(&["--kind", "issue_response", "--norm", "prosecutor-submission", "--from", "2024-03-01"]);
    let created = response["created"].as_array().unwrap();
    assert_eq!(created.len(), 2, "the act brings its control of execution");
    assert_eq!(created[0]["current_due"], "2024-04-01");
    assert_eq!(created[1]["kind"], "control_execution");

    // Thirty calendar days (155-VII art. 36 p. 2) reach Sunday 31 March; the law has no rule for a
    // last day off, so the move to Monday is said to be unconfirmed.
    let show = String::from_utf8(ekn(&db, &["task", "show", "1"]).stdout).unwrap();
    assert!(show.contains("art. 36, para. 2") && show.contains("30 calendar days"), "{show}");
    assert!(show.contains("a rule that is UNCONFIRMED for this period"), "{show}");
    let cycle = ekn(&db, &["task", "depend", "1", "--on", "2"]);
    assert!(String::from_utf8(cycle.stderr).unwrap().contains("would close a cycle: #1 → #2 → #1"));

    let desk: serde_json::Value =
        serde_json::from_slice(&ekn(&db, &["desk", "--today", "2024-04-01", "--json"]).stdout).unwrap();
    assert_eq!(desk["due_today"][0]["id"], 1);
    // Five working days before Monday 1 April 2024 is Wednesday 20 March: 21–23 March are Nauryz
    // and 25 March its moved day off, so 26–29 March and 1 April are the five.
    let reminders: serde_json::Value =
        serde_json::from_slice(&ekn(&db, &["reminders", "--due", "--today", "2024-03-20", "--json"]).stdout).unwrap();
    assert_eq!(reminders[0]["kind"], "five_days_before");
    let slips: serde_json::Value =
        serde_json::from_slice(&ekn(&db, &["slips", "--today", "2024-04-10", "--json"]).stdout).unwrap();
    assert_eq!(slips[0]["kind"], "overdue_without_extension_or_note");
    assert_eq!(slips[0]["chain"], serde_json::json!([2]));

    assert!(ekn(&db, &["task", "note", "1", "ждём ответа ведомства"]).status.success());
    assert!(ekn(&db, &["task", "done", "1", "--on", "2024-04-03"]).status.success());
    let board: serde_json::Value =
        serde_json::from_slice(&ekn(&db, &["dashboard", "--today", "2024-04-10", "--json"]).stdout).unwrap();
    assert_eq!(board["totals"]["done_late_last_90_days"], 1);
    assert_eq!(board["by_assignee"]["Ахметова А."]["open"], 1);
}

#[test]
fn a_reader_that_stops_reading_ends_the_command_quietly() {
    // `ekn deadline … | head -c 100`: the pipe closes while ekn still writes; it must not panic.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ekn.db");
    assert!(ekn(&db, &["init"]).status.success());
    let mut child = Command::new(env!("CARGO_BIN_EXE_ekn"))
        .arg("--db")
        .arg(&db)
        .args(["deadline", "--from", "2026-12-20", "--working-days", "15", "--json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader goes away before reading anything
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(out.status.success(), "{stderr}");
}

/// `ekn guide` needs no database: a search in Kazakh finds its topic first with language, title and
/// path; an unknown screen or topic is refused naming what there is.
#[test]
fn the_guide_is_searched_listed_and_shown_without_a_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("none.db");
    let out = ekn(&db, &["guide", "search", "мерзімін ұзарту", "--lang", "kk", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let hits: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(hits[0]["id"], "extend-deadline");
    assert_eq!(hits[0]["lang"], "kk");
    assert_eq!(hits[0]["path"], "docs/guide/kk/extend-deadline.md");
    assert!(hits[0]["title"].as_str().unwrap().contains("ұзарт"));
    let list = ekn(&db, &["guide", "list", "--lang", "en", "--screen", "settings"]);
    assert!(String::from_utf8_lossy(&list.stdout).contains("forgotten-passphrase"));
    let bad = ekn(&db, &["guide", "list", "--screen", "nowhere"]);
    assert!(!bad.status.success() && String::from_utf8_lossy(&bad.stderr).contains("desk, appeals"));
    let missing = ekn(&db, &["guide", "show", "no-such-topic"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("extend-deadline"));
    let shown = ekn(&db, &["guide", "show", "journal", "--lang", "ru"]);
    assert!(String::from_utf8_lossy(&shown.stdout).contains("# Что доказывает журнал"));
    assert!(!db.exists(), "the guide made no database");
}
