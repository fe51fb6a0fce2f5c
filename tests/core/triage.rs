//! The appeals pipeline inside `ekn import appeals`: every appeal gets a category (with the model
//! version and its explanation), a priority with the rules that fired, a route, a duplicate group
//! when it repeats another, and open ones their SLA tasks; re-importing the same file decides
//! nothing again; a person's correction is journaled, wins over the machine, moves the route and
//! feeds the next model; a decision edited behind the journal is named by `journal verify`.

use std::process::Command;

use ekn::analytics::classifier::TrainParams;
use std::sync::Arc;

use ekn::api::{
    verify_journal, CategorySource, Context, CorrectionAspect, ErrorCode, PinnedDay, QueueFilter, Session, TriageScope,
};
use ekn::domain::journal::Face;
use ekn::domain::records::DataKind;

use crate::support::{bin, csv_line, iin, TempDb};

fn ekn(db: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_ekn")).arg("--db").arg(db).args(args).output().unwrap()
}

const HEADER: &str =
    "appeal_no,received,channel,applicant_category,applicant_iin,subject_bin,kato,text,category,status,decided,outcome";

/// An appeal row; `category` empty means the export carries no label and the model decides.
#[allow(clippy::too_many_arguments)]
fn row(
    no: &str,
    received: &str,
    applicant: u32,
    object: u32,
    text: &str,
    category: &str,
    who: &str,
    open: bool,
) -> String {
    let (status, decided, outcome) = if open {
        ("на рассмотрении", "", "")
    } else {
        ("рассмотрено", "2026-03-20", "разъяснено")
    };
    csv_line(
        &[
            no.into(),
            received.into(),
            "e-Otinish".into(),
            who.into(),
            iin(applicant),
            bin(object),
            "751110000".into(),
            text.into(),
            category.into(),
            status.into(),
            decided.into(),
            outcome.into(),
        ],
        ',',
    )
}

/// A labelled training file in the office's own labels.
fn training_csv() -> String {
    let mut out = String::from("text,category\n");
    let topics = [
        (
            "жилищно-коммунальное хозяйство",
            ["нет отопления в доме", "жылу жоқ пәтерде", "мусор не вывозят", "тариф на воду завышен"],
        ),
        (
            "трудовые права",
            ["не платят зарплату", "жалақы төленбеді", "уволили без приказа", "трудовой договор не выдали"],
        ),
        (
            "защита прав потребителей",
            [
                "продали просроченный товар",
                "сапасыз тауар сатылды",
                "деньги за товар не вернули",
                "магазин отказал в возврате",
            ],
        ),
    ];
    for i in 0..60 {
        let (label, phrases) = &topics[i % 3];
        out.push_str(&format!("\"{} {}, прошу разобраться {i}\",{label}\n", phrases[i % 4], phrases[(i / 3 + 1) % 4]));
    }
    out
}

/// A session that judges deadlines on `day`, so the figures do not drift with the calendar.
fn session_on(db: &TempDb, day: &str) -> Session {
    Session::open_with(&db.path, Context::new(Face::Cli, None, Arc::new(PinnedDay(day.parse().unwrap())))).unwrap()
}

fn appeals_file(db: &TempDb, rows: &[String]) -> std::path::PathBuf {
    db.file("appeals.csv", format!("{HEADER}\n{}\n", rows.join("\n")))
}

#[test]
fn an_import_triages_every_appeal_and_a_reimport_decides_nothing_again() {
    let db = TempDb::new();
    let mut session = session_on(&db, "2026-11-04");
    session.appeals().train(&db.file("train.csv", training_csv()), &TrainParams::default(), false, &|_| {}).unwrap();
    let rows = [
        row("Б-1", "2026-11-02", 1, 1, "Сосед избивает жену, угроза жизни, дети дома", "", "физическое лицо", true),
        row("Б-2", "2026-11-03", 2, 2, "Продали просроченный товар, деньги за товар не вернули", "", "пенсионер", true),
        row(
            "Б-3",
            "2026-03-03",
            3,
            3,
            "Не платят зарплату уже два месяца, трудовой договор не выдали",
            "трудовые права",
            "физическое лицо",
            false,
        ),
    ];
    let file = appeals_file(&db, &rows);
    let report = session.registry().import(DataKind::Appeals, &file, None, false, None, &mut |_| {}).unwrap();
    let triage = report.triage.expect("an appeals import runs the pipeline");
    assert_eq!((triage.appeals, triage.model.as_deref()), (3, Some("appeals-v1")));

    let card = session.appeals().card("Б-2").unwrap();
    assert_eq!(card.category_source, CategorySource::Model, "no label in the export: the model decides");
    assert_eq!(card.category.as_deref(), Some("защита прав потребителей"));
    assert_eq!(card.category_code.as_deref(), Some("economy.consumer"));
    let model = card.model.as_ref().unwrap();
    assert_eq!(model.model, "appeals-v1");
    assert!(!model.prediction.for_category.is_empty(), "the category is explained by n-grams");
    assert_eq!(card.priority.as_ref().unwrap().rules[0].id, "vulnerable_applicant");
    // Consumer appeals are forwarded by the shipped routing table: forwarding and consideration tasks.
    let steps: Vec<(&str, &str)> = card.sla.iter().map(|s| (s.step.as_str(), s.status.as_str())).collect();
    assert_eq!(steps, [("registration", "registered"), ("forwarding", "open"), ("consideration", "open")]);
    assert!(!card.sla[0].verified, "the registration period is shipped unconfirmed and says so");
    assert_eq!(card.sla[1].due.unwrap().to_string(), "2026-11-06", "3 working days after Tuesday 3.11");
    assert!(card.route.as_ref().unwrap().route.forward_to.is_some());

    let urgent = session.appeals().card("Б-1").unwrap();
    let fired: Vec<&str> = urgent.priority.as_ref().unwrap().rules.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(fired, ["threat_violence", "threat_life_health", "children"]);
    assert_eq!(urgent.priority.as_ref().unwrap().level, "urgent");
    assert_eq!(urgent.priority_level, "urgent", "the card gives the level in force, deadline rules included");
    assert_eq!(urgent.priority_points, 90, "40 + 35 + 15; the deadline is weeks away, so no deadline rule adds to it");

    let closed = session.appeals().card("Б-3").unwrap();
    assert_eq!(closed.category_source, CategorySource::Registered, "the export's label stands");
    assert_eq!(closed.sla.len(), 1, "a decided appeal gets no SLA tasks: {:?}", closed.sla);

    let queue = session.appeals().queue(&QueueFilter::default()).unwrap();
    assert_eq!(queue.items[0].appeal_no, "Б-1", "the most urgent first");
    assert_eq!(queue.total, 2);
    assert_eq!(queue.heatmap.iter().map(|c| c.open).sum::<usize>(), 2);
    let filtered =
        session.appeals().queue(&QueueFilter { category: Some("economy".into()), ..Default::default() }).unwrap();
    assert_eq!(filtered.items.iter().map(|i| i.appeal_no.as_str()).collect::<Vec<_>>(), ["Б-2"]);

    let decisions = session.appeals().card("Б-2").unwrap().decisions.len();
    let again = session.registry().import(DataKind::Appeals, &file, None, false, None, &mut |_| {}).unwrap();
    assert!(again.triage.is_none(), "nothing changed, nothing to triage");
    let rerun = session.appeals().triage(TriageScope::All, &|_, _| {}).unwrap();
    assert_eq!((rerun.decisions, rerun.tasks), (0, 0), "the same inputs and versions decide nothing again");
    assert_eq!(session.appeals().card("Б-2").unwrap().decisions.len(), decisions);
    assert!(verify_journal(&db.path, &ekn::api::Context::cli()).unwrap().ok);
}

#[test]
fn near_copies_of_one_applicant_are_grouped_and_get_no_sla_of_their_own() {
    let db = TempDb::new();
    let text =
        "Управляющая компания третью неделю не вывозит мусор во дворе дома, на звонки не отвечает, жители жалуются.";
    let rows = [
        row("В-1", "2026-11-02", 5, 5, text, "жилищно-коммунальное хозяйство", "физическое лицо", true),
        // The same applicant, reworded: a greeting, a typo, a closing line.
        row(
            "В-2",
            "2026-11-09",
            5,
            6,
            &format!("Здравствуйте! {} Прошу ответить письменно.", text.replacen("мусор", "мусар", 1)),
            "жилищно-коммунальное хозяйство",
            "физическое лицо",
            true,
        ),
        // Another applicant, another object, another matter.
        row(
            "В-3",
            "2026-11-09",
            6,
            7,
            "Не платят зарплату уже два месяца, директор не отвечает на звонки.",
            "трудовые права",
            "физическое лицо",
            true,
        ),
    ];
    db.import(DataKind::Appeals, &appeals_file(&db, &rows)).unwrap();
    let mut session = session_on(&db, "2026-11-10");
    let copy = session.appeals().card("В-2").unwrap();
    let group = copy.duplicates.as_ref().expect("linked as a duplicate");
    assert_eq!(group.head, "В-1");
    let explanation = group.explanation.as_ref().unwrap();
    assert!(explanation.same_applicant && explanation.distance <= explanation.max_distance);
    assert!(copy.sla.iter().all(|s| s.task_id.is_none()), "a repeat gets no tasks of its own: {:?}", copy.sla);
    assert_eq!(copy.sla.last().unwrap().status, "with_group", "it is considered with its first appeal");
    let head = session.appeals().card("В-1").unwrap();
    assert_eq!(head.duplicates.unwrap().members.len(), 1, "the head sees its group");
    assert!(session.appeals().card("В-3").unwrap().duplicates.is_none());
    // Nothing is deleted: all three are stored and listed.
    assert_eq!(session.appeals().queue(&QueueFilter::default()).unwrap().total, 3);
}

#[test]
fn a_correction_is_journaled_moves_the_route_survives_triage_and_trains_the_next_model() {
    let db = TempDb::new();
    let mut session = db.session();
    session.appeals().train(&db.file("train.csv", training_csv()), &TrainParams::default(), false, &|_| {}).unwrap();
    let rows = [row("Г-1", "2026-11-02", 1, 1, "Продали просроченный товар в магазине", "", "физическое лицо", true)];
    session.registry().import(DataKind::Appeals, &appeals_file(&db, &rows), None, false, None, &mut |_| {}).unwrap();
    assert_eq!(session.appeals().card("Г-1").unwrap().route_unit.as_deref(), Some("reception"));

    let err = session.appeals().correct("Г-1", CorrectionAspect::Category, "экология", "  ").unwrap_err();
    assert_eq!(err.code, ErrorCode::ReasonRequired);
    let err = session.appeals().correct("Г-1", CorrectionAspect::Route, "no-such-unit", "wrong unit").unwrap_err();
    assert!(err.message.contains("no-such-unit") && err.message.contains("social_rights"), "{}", err.message);
    let err = session.appeals().correct("Г-1", CorrectionAspect::Category, "экология", &"ы".repeat(4001)).unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput, "an endless reason is refused");
    let err =
        session.appeals().correct("Г-1", CorrectionAspect::Category, &"к".repeat(201), "слишком длинно").unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    let err = session.appeals().correct("Г-404", CorrectionAspect::Category, "экология", "why").unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);

    session.appeals().correct("Г-1", CorrectionAspect::Category, "экология", "речь о свалке за магазином").unwrap();
    let card = session.appeals().card("Г-1").unwrap();
    assert_eq!((card.category.as_deref(), card.category_source), (Some("экология"), CategorySource::Person));
    assert_eq!(card.route_unit.as_deref(), Some("environment"), "the route follows the corrected category");
    let model = card.model.as_ref().expect("the classifier's judgement stays visible after a correction");
    assert!(!model.agrees, "and it says it disagrees with the person");
    let correction = card.decisions.iter().find(|d| d.basis == "person").unwrap();
    assert_eq!(correction.reason.as_deref(), Some("речь о свалке за магазином"));
    assert!(card.history.iter().any(|h| h.kind == "appeal_corrected"), "the correction is in the appeal's history");

    let rerun = session.appeals().triage(TriageScope::All, &|_, _| {}).unwrap();
    assert_eq!(rerun.decisions, 0, "the machine does not overwrite a person");
    assert_eq!(session.appeals().card("Г-1").unwrap().category.as_deref(), Some("экология"));

    session
        .appeals()
        .correct("Г-1", CorrectionAspect::Route, "Отдел по работе с обращениями", "общий порядок")
        .unwrap();
    assert!(session.appeals().card("Г-1").unwrap().route_by_person);

    let report =
        session.appeals().train(&db.file("train.csv", training_csv()), &TrainParams::default(), true, &|_| {}).unwrap();
    assert_eq!(report.model.texts, 61, "60 labelled texts and 1 correction");
    assert!(report.model.data_file.contains("1 correction"));
    let passports = session.models().passport("appeals-v2").unwrap().markdown;
    let passport = &passports.en;
    assert!(
        passport.contains("1 correction(s) from the database") && passport.contains("no figures by region"),
        "{passport}"
    );
    assert!(passports.ru.contains("показателей по регионам нет"), "{}", passports.ru);
    assert!(passports.kk.contains("өңірлер бойынша көрсеткіштер жоқ"), "{}", passports.kk);
    assert_eq!(session.models().passport("appeals-v9").unwrap_err().code, ErrorCode::NotFound);
    assert!(verify_journal(&db.path, &ekn::api::Context::cli()).unwrap().ok);

    // A decision edited behind the journal (the trigger dropped first) is named.
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    conn.execute_batch(
        "DROP TRIGGER appeal_decisions_no_update;
         UPDATE appeal_decisions SET value = 'social_rights' WHERE aspect = 'route' AND basis = 'person';",
    )
    .unwrap();
    let report = verify_journal(&db.path, &ekn::api::Context::cli()).unwrap();
    assert!(!report.ok);
    assert!(format!("{:?}", report.problems).contains("appeal_decisions"), "{:?}", report.problems);
}

#[test]
fn the_command_line_lists_the_queue_and_shows_the_card_as_json() {
    let db = TempDb::new();
    let rows = [row(
        "Д-1",
        "2026-11-02",
        1,
        1,
        "В квартирах нет отопления, температура 12 градусов, дети болеют",
        "жилищно-коммунальное хозяйство",
        "многодетная семья",
        true,
    )];
    db.import(DataKind::Appeals, &appeals_file(&db, &rows)).unwrap();
    let out = ekn(&db.path, &["appeals", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let queue: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let item = &queue["items"][0];
    assert_eq!(item["appeal_no"], "Д-1");
    assert_eq!(item["unit"], "social_rights");
    let rules: Vec<&str> = item["rules"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert!(rules.contains(&"no_heating_in_winter") && rules.contains(&"vulnerable_applicant"), "{rules:?}");
    assert!(item["due"].is_string());

    let out = ekn(&db.path, &["appeals", "show", "Д-1", "--json"]);
    let card: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(card["category_source"], "registered");
    assert!(card["model"].is_null(), "no classifier trained: categories come from labels only");
    assert_eq!(card["sla"].as_array().unwrap().len(), 2);

    let out = ekn(&db.path, &["appeals", "reclassify", "Д-1", "экология"]);
    assert!(!out.status.success(), "a correction without --reason is refused");
    let out = ekn(&db.path, &["appeals", "reclassify", "Д-1", "экология", "--reason", "дым котельной", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let card: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((card["category"].as_str(), card["route_unit"].as_str()), (Some("экология"), Some("environment")));
    let out = ekn(&db.path, &["appeals", "show", "Ж-404"]);
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("Ж-404"));
}

#[test]
fn a_passport_reports_held_out_accuracy_by_region_when_the_file_names_it() {
    let db = TempDb::new();
    let mut labelled = String::from("text,category,kato\n");
    for (i, line) in training_csv().lines().skip(1).enumerate() {
        labelled.push_str(&format!("{line},{}\n", if i % 2 == 0 { "751110000" } else { "191020000" }));
    }
    let mut session = db.session();
    let report =
        session.appeals().train(&db.file("regions.csv", labelled), &TrainParams::default(), false, &|_| {}).unwrap();
    let regions: Vec<&str> = report.metrics.by_group.iter().map(|g| g.group.as_str()).collect();
    assert_eq!(regions, ["19", "75"]);
    assert_eq!(report.metrics.by_group.iter().map(|g| g.texts).sum::<usize>(), report.metrics.test_texts);
    let passports = session.models().passport(&report.model.name).unwrap().markdown;
    assert!(passports.en.contains("| 75 ") && passports.en.contains("Bias check"), "{}", passports.en);
    // The same figures in the reader's language, and no English heading left in it.
    let accuracy = format!("**{:.3}**", report.metrics.accuracy);
    for (text, bias, limits) in [
        (&passports.ru, "Проверка на смещение", "## Ограничения"),
        (&passports.kk, "Ығысуды тексеру", "## Шектеулер"),
        (&passports.en, "Bias check", "## Limits"),
    ] {
        assert!(text.contains("| 75 ") && text.contains(bias) && text.contains(limits), "{text}");
        assert!(text.contains(&accuracy), "{text}");
    }
    for english in ["## Limits", "## Method", "Bias check", "Held out", "## Data"] {
        assert!(!passports.ru.contains(english) && !passports.kk.contains(english), "{english} left untranslated");
    }
    let out = ekn(&db.path, &["models", "--passport", &report.model.name]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("## Limits"));
    let out = ekn(&db.path, &["models", "--passport", &report.model.name, "--lang", "kk"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("## Шектеулер"));
    let out = ekn(&db.path, &["models", "--passport", &report.model.name, "--lang", "de"]);
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("not a language"));
}

/// Drift as an office meets it: a version trained on three categories is re-tested on a fresh
/// labelled sample where a new kind of complaint appeared and one region writes differently. The
/// check says the model drifted, names the category it does not know, puts the regions' figures
/// beside the registered ones, journals it, and the passport shows it; a check on texts like the
/// training ones says the model holds. An appeals import after training makes the model older
/// than its data, which the app is told.
#[test]
fn a_model_re_tested_on_newer_labelled_data_reports_the_drift_per_category_and_region() {
    let db = TempDb::new();
    let mut labelled = String::from("text,category,kato\n");
    for (i, line) in training_csv().lines().skip(1).enumerate() {
        labelled.push_str(&format!("{line},{}\n", if i % 2 == 0 { "751110000" } else { "191020000" }));
    }
    let mut session = session_on(&db, "2026-11-04");
    let trained =
        session.appeals().train(&db.file("train.csv", &labelled), &TrainParams::default(), false, &|_| {}).unwrap();
    let name = trained.model.name.clone();
    let fresh = session.models().freshness().unwrap();
    assert_eq!((fresh[0].imports_since, fresh[0].corrections_since, fresh[0].last_check.is_some()), (0, 0, false));

    // The same kind of texts: the model holds.
    let same = session.models().check(&name, &db.file("same.csv", &labelled)).unwrap();
    assert!(same.accuracy >= same.accuracy_then - 0.025, "{same:?}");
    assert!(same.verdict.en.contains("holds") && same.unknown_labels.is_empty(), "{:?}", same.verdict);

    // A new category (emissions) in region 75, written in words the model never saw.
    let mut drifted = String::from("text,category,kato\n");
    for (i, line) in training_csv().lines().skip(1).enumerate().take(30) {
        drifted.push_str(&format!("{line},191020000\n"));
        let smoke = ["завод дымит по ночам", "зауыт түнде түтін шығарады", "выбросы в реку", "запах гари"][i % 4];
        drifted.push_str(&format!("\"{smoke}, прошу проверить {i}\",экология,751110000\n"));
    }
    let check = session.models().check(&name, &db.file("drifted.csv", &drifted)).unwrap();
    assert_eq!(check.texts, 60);
    assert!(check.drifted && !same.drifted);
    // Sent from the app rather than read from a path: the same figures, the file named as sent.
    let sent = session.models().check_bytes(&name, "drifted.csv", drifted.as_bytes().into()).unwrap();
    assert_eq!((sent.accuracy, &sent.per_class, &sent.by_region), (check.accuracy, &check.per_class, &check.by_region));
    assert_eq!(sent.data_file, "drifted.csv");
    assert!(sent.journal_seq > check.journal_seq, "each check is journaled");
    assert_eq!(check.unknown_labels, vec![("экология".to_string(), 30)]);
    assert!(check.accuracy < 0.55 && check.accuracy_then > 0.8, "{check:?}");
    assert!(check.verdict.en.contains("drifted") && check.verdict.ru.contains("экология"), "{:?}", check.verdict);
    assert!(check.verdict.kk.contains("модель білмейтін"), "{}", check.verdict.kk);
    // Worst change first: the category the new texts were taken for lost its precision.
    let worst = &check.per_class[0];
    assert!(worst.f1 + 0.3 < worst.f1_then.unwrap(), "{:?}", check.per_class);
    let new = check.per_class.iter().find(|c| c.category == "экология").unwrap();
    assert_eq!((new.texts, new.f1, new.f1_then), (30, 0.0, None));
    // Region 75's texts are the new category: its accuracy fell from the registered one; 19 held.
    assert_eq!(check.by_region[0].region, "75");
    assert!(check.by_region[0].accuracy < 0.1 && check.by_region[0].accuracy_then.is_some(), "{:?}", check.by_region);
    assert!(check.by_region[1].accuracy > 0.8, "{:?}", check.by_region);

    // Journaled, in the passport, and told to the app.
    let entries = session.journal(&ekn::api::JournalQuery::default()).unwrap();
    assert!(entries.iter().any(|e| e.kind == "model_checked" && e.seq == check.journal_seq));
    let passports = session.models().passport(&name).unwrap().markdown;
    let passport = &passports.en;
    assert!(passport.contains("Last check on newer data") && passport.contains("экология (30)"), "{passport}");
    assert!(passports.ru.contains("Последняя проверка на новых данных") && passports.ru.contains("экология (30)"));
    assert!(passports.kk.contains("Жаңа деректердегі соңғы тексеру") && passports.kk.contains("экология (30)"));
    let fresh = session.models().freshness().unwrap();
    assert_eq!(fresh[0].last_check.as_ref().map(|c| c.2), Some(check.accuracy));

    // New appeals imported after training: the model is older than its data.
    let rows = [row("Д-1", "2026-11-02", 1, 1, "Завод дымит по ночам, дышать нечем", "", "физическое лицо", true)];
    session.registry().import(DataKind::Appeals, &appeals_file(&db, &rows), None, false, None, &mut |_| {}).unwrap();
    let fresh = session.models().freshness().unwrap();
    assert_eq!((fresh[0].imports_since, fresh[0].rows_since), (1, 1), "{fresh:?}");

    // The command line: JSON, and a clear refusal of what cannot be checked.
    let out = ekn(
        &db.path,
        &["models", "check", &name, "--on", db.path.with_file_name("drifted.csv").to_str().unwrap(), "--json"],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["unknown_labels"][0][0], "экология");
    let out = ekn(&db.path, &["models", "check", "appeals-v9", "--on", "drifted.csv"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("[not_found]"), "{}", String::from_utf8_lossy(&out.stderr));
}
