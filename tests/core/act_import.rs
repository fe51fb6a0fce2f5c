//! `ekn import acts` (issue 39): a registry's history of acts of response comes in through the
//! same importer as the registry itself — Russian, Kazakh or English headers in CSV, XLSX or
//! JSON; a bad row refused with its file, line and field and nothing written; a re-import
//! unchanged; an outcome the export adds later appended, never rewritten; every act and outcome
//! journaled by the person importing; the card and `status` show them.

use ekn::api::{self, Context, JournalQuery, Session};
use ekn::domain::ids::with_check_digit;
use ekn::domain::records::DataKind;

use crate::support::demo_copy;

/// Two demo objects with an inspection each and no act yet (the demo's office issued some):
/// (BIN, registry number of one of its inspections).
fn two_inspected(s: &mut Session) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let today = s.today();
    for hit in s.registry().search("ТОО", 50).unwrap().subjects {
        let card = s.registry().card(&hit.bin).unwrap();
        if !s.screens().case_screen(&hit.bin, today).unwrap().issued_acts.is_empty() {
            continue;
        }
        if let Some(i) = card.inspections.first() {
            found.push((hit.bin.clone(), i.registry_no.clone()));
        }
        if found.len() == 2 {
            return found;
        }
    }
    panic!("the demo has inspected companies");
}

#[test]
fn acts_and_their_outcomes_are_imported_checked_idempotent_and_journaled() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_copy(dir.path());
    let person = Context { person: Some("Аналитик Сейтова".into()), ..Context::cli() };
    let mut s = Session::open_with(&db, person).unwrap();
    let objects = two_inspected(&mut s);
    let ((bin_a, reg_a), (bin_b, _)) = (objects[0].clone(), objects[1].clone());
    let before = s.registry().status().unwrap().counts;

    // A BIN with a valid check digit that the registry does not know: the row is refused like a
    // bad value, with the file, the line and the field, and nothing of the file is kept.
    let stranger = with_check_digit([9, 9, 0, 1, 4, 0, 0, 0, 0, 0, 7]).unwrap();
    let bad = dir.path().join("acts-bad.csv");
    std::fs::write(
        &bad,
        format!(
            "Номер акта;БИН;Вид акта;Дата акта\n\
             П-1;{bin_a};представление;01.04.2024\n\
             П-2;{stranger};протест;02.04.2024\n"
        ),
    )
    .unwrap();
    let err = s.registry().import(DataKind::Acts, &bad, None, false, None, &mut |_| {}).unwrap_err();
    assert!(err.message.contains("acts-bad.csv: line 3, field bin: no object with this BIN"), "{err}");
    assert_eq!(
        s.registry().status().unwrap().counts.acts_issued,
        before.acts_issued,
        "nothing of a refused file is kept"
    );

    // Half an outcome, an unknown kind, an outcome before the act, a court's word for an answer.
    for (row, field) in [
        (format!("П-1;{bin_a};представление;01.04.2024;удовлетворено;;"), "outcome_on"),
        (format!("П-1;{bin_a};рекомендация;01.04.2024;;;"), "kind"),
        (format!("П-1;{bin_a};протест;01.04.2024;отклонено;01.03.2024;"), "outcome_on"),
        (format!("П-1;{bin_a};протест;01.04.2024;отменено;01.05.2024;ответ"), "outcome"),
    ] {
        let path = dir.path().join("acts-row.csv");
        std::fs::write(&path, format!("Номер акта;БИН;Вид акта;Дата акта;Результат;Дата результата;Стадия\n{row}\n"))
            .unwrap();
        let err = s.registry().import(DataKind::Acts, &path, None, false, None, &mut |_| {}).unwrap_err();
        assert!(err.message.contains(&format!("line 2, field {field}:")), "{row}: {err}");
    }

    // A formal defect goes only with an outcome that sent the act back, and is a yes or a no.
    for row in [
        format!("П-1;{bin_a};представление;01.04.2024;удовлетворено;20.04.2024;да"),
        format!("П-1;{bin_a};представление;01.04.2024;;;да"),
        format!("П-1;{bin_a};представление;01.04.2024;отклонено;20.04.2024;может быть"),
    ] {
        let path = dir.path().join("acts-defect.csv");
        std::fs::write(
            &path,
            format!("Номер акта;БИН;Вид акта;Дата акта;Результат;Дата результата;Формальный дефект\n{row}\n"),
        )
        .unwrap();
        let err = s.registry().import(DataKind::Acts, &path, None, false, None, &mut |_| {}).unwrap_err();
        assert!(err.message.contains("line 2, field formal_defect:"), "{row}: {err}");
    }

    // Russian headers, CSV: a submission answered, a protest with no outcome yet, each with the
    // violation's category; the first names the inspection that prompted it.
    let ru = dir.path().join("acts-ru.csv");
    std::fs::write(
        &ru,
        format!(
            "Номер акта;БИН;Вид акта;Дата акта;Категория нарушения;Результат;Дата результата;Номер проверки;Адресат\n\
             П-1;{bin_a};представление;01.04.2024;Трудовые права;удовлетворено частично;20.04.2024;{reg_a};Директор Иванов Иван Иванович\n\
             П-2;{bin_b};протест;2024-05-02;Налоги;;;;\n"
        ),
    )
    .unwrap();
    let report = s
        .registry()
        .import(DataKind::Acts, &ru, Some("ИС «Прокурорский надзор»".into()), false, None, &mut |_| {})
        .unwrap();
    assert_eq!((report.kind, report.inserted, report.rejected), (DataKind::Acts, 2, 0));
    assert_eq!(report.masked_names, 1, "an addressee who is a person is masked at the door");
    let again = s.registry().import(DataKind::Acts, &ru, None, false, None, &mut |_| {}).unwrap();
    assert_eq!((again.inserted, again.updated, again.unchanged), (0, 0, 2), "a re-import changes nothing");
    assert_eq!(again.same_file_as_import, Some(report.import_id));

    // Kazakh headers in a workbook, Excel's numbers for BINs: the protest's court decision came
    // later — appended to the same act, whose row is never rewritten.
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["Акт нөмірі", "БСН", "Акт түрі", "Акт күні", "Нәтиже", "Нәтиже күні"].iter().enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    let row = ["П-2", &bin_b, "наразылық", "02.05.2024", "күшінде қалдырылды", "15.07.2024"];
    for (c, v) in row.iter().enumerate() {
        if c == 1 {
            sheet.write_number(1, 1, v.parse::<f64>().unwrap()).unwrap();
        } else {
            sheet.write_string(1, c as u16, *v).unwrap();
        }
    }
    let kk = dir.path().join("acts-kk.xlsx");
    book.save(&kk).unwrap();
    let later = s.registry().import(DataKind::Acts, &kk, None, false, None, &mut |_| {}).unwrap();
    assert_eq!((later.inserted, later.updated, later.unchanged), (0, 1, 0), "{later:?}");

    // English keys, JSON: a number already recorded for another object is refused, not rewritten.
    let en = dir.path().join("acts-en.json");
    std::fs::write(
        &en,
        format!(r#"[{{"act_no": "П-1", "bin": "{bin_b}", "kind": "submission", "issued_on": "2024-04-01"}}]"#),
    )
    .unwrap();
    let err = s.registry().import(DataKind::Acts, &en, None, false, None, &mut |_| {}).unwrap_err();
    assert!(err.message.contains("acts-en.json: line 1, field act_no: this act number is already recorded"), "{err}");

    // What the card, the act and `status` show.
    let today = s.today();
    let screen = s.screens().case_screen(&bin_a, today).unwrap();
    let act = screen.issued_acts.iter().find(|a| a.number.as_deref() == Some("П-1")).expect("the imported act");
    assert_eq!(
        (act.kind.as_str(), act.issued_on.as_str(), act.category.as_deref(), act.trigger_registry_no.as_deref()),
        ("submission", "2024-04-01", Some("Трудовые права"), Some(reg_a.as_str()))
    );
    assert_eq!(act.import_id, Some(report.import_id));
    assert!(!act.addressee.contains("Иванов"), "{}", act.addressee);
    assert!(act.response_due.is_some(), "an imported submission is due as the norms count it");
    assert!(act.control_task_id.is_none(), "a historical act opens no control task");
    let outcome = screen.act_outcomes.iter().find(|o| o.act_id == act.id).expect("its answer");
    assert_eq!(
        (outcome.stage.as_str(), outcome.result.as_str(), outcome.source.as_str()),
        ("answer", "partly", "import")
    );
    let today = s.today();
    let protest = s.screens().case_screen(&bin_b, today).unwrap();
    let court = protest.act_outcomes.iter().find(|o| o.stage == "court").expect("the court's decision");
    assert_eq!((court.result.as_str(), court.on.as_str()), ("upheld", "2024-07-15"));
    assert!(!outcome.formal_defect && !court.formal_defect);
    let counts = s.registry().status().unwrap().counts;
    assert_eq!((counts.acts_issued, counts.act_outcomes), (before.acts_issued + 2, before.act_outcomes + 2));

    // An order returned for its form, from an export in English keys.
    let returned = dir.path().join("acts-returned.ndjson");
    std::fs::write(
        &returned,
        format!(
            r#"{{"act_no": "П-3", "bin": "{bin_a}", "kind": "order", "issued_on": "2024-06-03", "outcome": "rejected", "outcome_on": "2024-06-20", "formal_defect": "yes"}}"#
        ),
    )
    .unwrap();
    assert_eq!(s.registry().import(DataKind::Acts, &returned, None, false, None, &mut |_| {}).unwrap().inserted, 1);
    let today = s.today();
    let screen = s.screens().case_screen(&bin_a, today).unwrap();
    let order = screen.issued_acts.iter().find(|a| a.number.as_deref() == Some("П-3")).unwrap();
    assert!(screen.act_outcomes.iter().any(|o| o.act_id == order.id && o.result == "rejected" && o.formal_defect));

    // Every act and outcome is journaled by the person importing; the journal holds.
    let journal =
        s.journal(&JournalQuery { object: Some(bin_b.clone()), limit: Some(500), ..Default::default() }).unwrap();
    let written: Vec<_> = journal.iter().filter(|l| l.kind == "act_issued" || l.kind == "act_outcome").collect();
    assert_eq!(written.len(), 2, "{written:?}");
    assert!(written.iter().all(|l| l.person == "Аналитик Сейтова"), "{written:?}");
    drop(s);
    assert!(api::verify_journal(&db, &Context::cli()).unwrap().ok);
}
