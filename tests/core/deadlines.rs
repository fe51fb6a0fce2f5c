//! Deadlines through the api and the command line: explanations, norms, calendar years.

use std::process::Command;

use chrono::NaiveDate;
use ekn::api::{self, DeadlineRequest};
use ekn::domain::deadline::{Period, Unit, Warning};

use crate::support::TempDb;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

#[test]
fn the_command_line_prints_the_due_date_and_its_explanation() {
    let out = Command::new(env!("CARGO_BIN_EXE_ekn"))
        .args(["--db", "/nonexistent/ekn.db", "deadline", "--from", "2024-03-15", "--working-days", "15", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["due"], "2024-04-10");
    assert_eq!(json["explanation"]["start"], "2024-03-16");
    let skipped = json["explanation"]["skipped"].as_array().unwrap();
    let moved = skipped.iter().find(|s| s["date"] == "2024-03-25").unwrap();
    assert_eq!(moved["kind"], "moved_day_off");
    assert_eq!(moved["for_holiday"], "2024-03-23");
    assert_eq!(moved["name_kk"], "Демалыс күнін ауыстыру: Наурыз мейрамы");

    let text = Command::new(env!("CARGO_BIN_EXE_ekn"))
        .args(["--db", "/nonexistent/ekn.db", "deadline", "--from", "15.03.2024", "--calendar-days", "10"])
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.starts_with("Due: 2024-03-26 (Tuesday)"), "{text}");
    assert!(text.contains("2024-03-25 Mon  day off moved from the holiday of 2024-03-23"), "{text}");

    let bad = Command::new(env!("CARGO_BIN_EXE_ekn"))
        .args(["--db", "/nonexistent/ekn.db", "deadline", "--from", "2024-02-30", "--months", "1"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8(bad.stderr)
        .unwrap()
        .starts_with("ekn: error [invalid_input]: --from: '2024-02-30' is not a date"));
}

#[test]
fn a_norm_brings_its_legal_basis_and_an_unverified_one_says_so() {
    let calendar = api::builtin_calendar();
    let catalog = ekn::domain::norms::NormsCatalog::builtin();
    let by = |norm: &str| DeadlineRequest {
        from: d("2024-03-15"),
        norm: Some(norm.into()),
        period: None,
        decided: None,
        suspensions: vec![],
    };
    // A complaint against a prosecutor's act: twenty working days, 155-VII art. 25 p. 1, quoted.
    // 18–20 March, Nauryz (21–23 March, 25 March its moved day off), 26–29 March, 1–5, 8–12 and
    // 15–17 April: the twentieth working day is Wednesday 17 April.
    let verified = api::compute_deadline(&calendar, &catalog, &by("prosecutor-complaint")).unwrap();
    assert_eq!(verified.due, d("2024-04-17"));
    assert!(verified.rule.verified);
    let basis = verified.rule.legal_basis.as_ref().unwrap();
    assert!(basis.en.contains("No. 155-VII") && basis.en.contains("art. 25, para. 1"), "{basis:?}");
    assert!(basis.ru.contains("№ 155-VII") && basis.ru.contains("ст. 25, п. 1"), "{basis:?}");
    assert!(basis.kk.contains("25-бап"), "{basis:?}");
    assert!(basis.en.contains("edition of 12.09.2023"), "the edition read is named: {basis:?}");
    assert!(verified.explanation.warnings.is_empty(), "{:?}", verified.explanation.warnings);
    let law = verified.rule.law.as_ref().unwrap();
    assert!(law.version.quote_ru.as_deref().unwrap().contains("двадцать рабочих дней"));

    // APPC art. 76 before Law 241-VIII: its text is not among the official ones, so unconfirmed.
    let unverified = api::compute_deadline(&calendar, &catalog, &by("appk-76-consideration")).unwrap();
    assert_eq!(unverified.due, d("2024-04-10"));
    assert!(!unverified.rule.verified);
    assert_eq!(
        unverified.explanation.warnings[0],
        Warning::UnverifiedNorm { norm_id: "appk-76-consideration".into() },
        "{:?}",
        unverified.explanation.warnings
    );
    assert!(unverified.explanation.warnings[0].text().contains("UNCONFIRMED"));

    let unknown = api::compute_deadline(
        &calendar,
        &catalog,
        &DeadlineRequest {
            from: d("2024-03-15"),
            norm: Some("no-such-rule".into()),
            period: None,
            decided: None,
            suspensions: vec![],
        },
    )
    .unwrap_err();
    assert_eq!(unknown.code.code(), "not_found");
}

#[test]
fn importing_a_years_calendar_moves_dates_and_silences_the_warning() {
    let db = TempDb::new();
    let request = DeadlineRequest {
        from: d("2027-12-27"),
        norm: None,
        period: Some(Period { amount: 5, unit: Unit::WorkingDays }),
        decided: None,
        suspensions: vec![],
    };
    let before = db.session().deadlines().deadline(&request).unwrap();
    // Without a 2028 document, the statutory rules apply: New Year falls on Saturday and Sunday
    // 1–2 January 2028 and moves to Monday 3 and Tuesday 4 January.
    assert_eq!(before.due, d("2028-01-05"));
    assert!(before.explanation.warnings.contains(&Warning::NoCalendar { year: 2028, by_rule: true }));

    let document = serde_json::json!({
        "year": 2028,
        "sources": ["test: a 2028 document with New Year and one transfer"],
        "holidays": [
            {"date": "2028-01-01", "holiday": "new_year", "name_ru": "Новый год", "name_kk": "Жаңа жыл", "name_en": "New Year",
             "moves_if_weekend": true, "source": "Law on holidays", "confirmed": true},
            {"date": "2028-01-02", "holiday": "new_year", "name_ru": "Новый год", "name_kk": "Жаңа жыл", "name_en": "New Year",
             "moves_if_weekend": true, "source": "Law on holidays", "confirmed": true}
        ],
        "moved_days_off": [
            {"date": "2028-01-03", "for_holiday": "2028-01-01", "name_ru": "Перенос", "name_kk": "Ауыстыру", "name_en": "Moved",
             "source": "Law on holidays, art. 5", "confirmed": true},
            {"date": "2028-01-04", "for_holiday": "2028-01-02", "name_ru": "Перенос", "name_kk": "Ауыстыру", "name_en": "Moved",
             "source": "Law on holidays, art. 5", "confirmed": true}
        ],
        "transfers": [
            {"working_day": "2028-01-08", "day_off": "2028-01-05", "act": "test order on the transfer of a day off", "confirmed": true}
        ]
    });
    let file = db.file("kz-2028.json", document.to_string());
    let mut session = db.session();
    let report = session.deadlines().import_calendar(&file).unwrap();
    assert_eq!((report.year, report.replaced), (2028, false));
    let after = session.deadlines().deadline(&request).unwrap();
    assert_eq!(after.due, d("2028-01-06"));
    assert!(
        !after.explanation.warnings.iter().any(|w| matches!(w, Warning::NoCalendar { .. })),
        "{:?}",
        after.explanation.warnings
    );
    let years = session.deadlines().calendar_years().unwrap();
    assert_eq!(years.last().unwrap().origin, "imported");

    let broken = db.file("kz-2029.json", r#"{"year": 2029, "holidays": [{"date": "2027-05-01"}]}"#);
    let err = session.deadlines().import_calendar(&broken).unwrap_err();
    assert_eq!(err.code.code(), "invalid_input");
    assert!(err.message.contains("kz-2029.json") && err.message.contains("line 1"), "{}", err.message);
    assert!(err.message.contains("field holidays[0]"), "{}", err.message);
}
