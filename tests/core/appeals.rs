//! The appeals classifier end to end: training on a labelled export registers a journaled model
//! version whose held-out figures are honest (a test set the model never saw, in word forms and
//! spellings the training set does not have); classifying an export names the version and explains;
//! bad labelled files are refused by line and field; a model changed behind the journal is named.

use std::process::Command;

use ekn::analytics::classifier::TrainParams;
use ekn::api::{verify_journal, ErrorCode};

use crate::support::TempDb;

fn ekn(db: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_ekn")).arg("--db").arg(db).args(args).output().unwrap()
}

/// A small labelled set: three categories in Russian and Kazakh, each text a random mix of its
/// category's phrases and neutral filler, so no two texts are the same.
fn labelled_csv(rows: usize, seed: u64) -> String {
    let topics: [(&str, &[&str]); 3] = [
        (
            "ЖКХ",
            &["нет отопления", "батареи холодные", "жылу жоқ", "горячей воды нет", "мусор не вывозят", "тариф завышен"],
        ),
        (
            "Трудовые права",
            &[
                "зарплату не платят",
                "жалақы төленбеді",
                "уволили незаконно",
                "трудовой договор",
                "задержка заработной платы",
                "еңбек шарты",
            ],
        ),
        (
            "Потребители",
            &[
                "просроченный товар",
                "сапасыз тауар",
                "деньги не вернули",
                "магазин отказал",
                "чек прилагаю",
                "тауарды қайтару",
            ],
        ),
    ];
    let filler =
        ["прошу разобраться", "уже месяц", "обращаюсь повторно", "шара қолдануды сұраймын", "срочно", "помогите"];
    let mut state = seed;
    let mut next = |n: usize| {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (state >> 33) as usize % n
    };
    let mut out = String::from("appeal_no,text,category\n");
    for i in 0..rows {
        let (label, phrases) = topics[next(3)];
        let text = format!(
            "{} {}, {} {}",
            filler[next(filler.len())],
            phrases[next(phrases.len())],
            phrases[next(phrases.len())],
            filler[next(filler.len())]
        );
        out.push_str(&format!("Т-{i},\"{text}\",{label}\n"));
    }
    out
}

#[test]
fn training_registers_a_journaled_version_with_honest_held_out_figures() {
    let db = TempDb::new();
    let file = db.file("labelled.csv", labelled_csv(300, 1));
    let mut session = db.session();
    let report = session.train_appeals_model(&file, &TrainParams::default(), false, &|_| {}).unwrap();
    assert_eq!(report.model.name, "appeals-v1");
    assert_eq!(report.model.texts, 300);
    assert_eq!(report.metrics.train_texts + report.metrics.test_texts, 300);
    assert_eq!(report.metrics.per_class.len(), 3);
    assert!(report.metrics.accuracy > 0.9, "{:?}", report.metrics);
    assert_eq!(report.metrics.confusion.iter().flatten().sum::<usize>(), report.metrics.test_texts);

    // A second version of the same kind, and the journal holds both and verifies.
    let again = session.train_appeals_model(&file, &TrainParams::default(), false, &|_| {}).unwrap();
    assert_eq!(again.model.name, "appeals-v2");
    let verified = verify_journal(&db.path, &ekn::api::Context::cli()).unwrap();
    assert!(verified.ok, "{:?}", verified.problems);
    let out = ekn(&db.path, &["journal", "--json"]);
    let journal = String::from_utf8(out.stdout).unwrap();
    assert_eq!(journal.matches("\"record\": \"model:").count(), 2, "{journal}");
}

#[test]
fn unseen_spellings_are_classified_by_their_character_ngrams() {
    let db = TempDb::new();
    let file = db.file("labelled.csv", labelled_csv(240, 2));
    let mut session = db.session();
    session.train_appeals_model(&file, &TrainParams::default(), false, &|_| {}).unwrap();
    // Declined forms, typos and HTML remnants the training set never had.
    let unseen = "appeal_no,text\n\
        A-1,\"&lt;p&gt;отоплениe нету, батарея холодная&lt;/p&gt;\"\n\
        A-2,\"зарплаты не платили, жалақысы төленбеген\"\n\
        A-3,\"в магазине просрочинный товар, деньги не вернули<br>\"\n";
    let rows = session.classify_file(&db.file("unseen.csv", unseen)).unwrap();
    let got: Vec<&str> = rows.iter().map(|r| r.category.as_str()).collect();
    assert_eq!(got, ["ЖКХ", "Трудовые права", "Потребители"], "{rows:?}");
    for r in &rows {
        assert_eq!(r.model, "appeals-v1");
        assert!(!r.explanation.for_category.is_empty());
    }
}

#[test]
fn classify_answers_one_json_object_per_row_with_model_and_explanation() {
    let db = TempDb::new();
    let file = db.file("labelled.csv", labelled_csv(120, 3));
    let out = ekn(&db.path, &["appeals", "classify", file.to_str().unwrap(), "--json"]);
    assert!(!out.status.success(), "no model yet must be an error");
    assert!(String::from_utf8_lossy(&out.stderr).contains("[not_found]"));
    let out = ekn(&db.path, &["appeals", "train", file.to_str().unwrap(), "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = ekn(&db.path, &["appeals", "classify", file.to_str().unwrap(), "--json"]);
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 120);
    for key in ["appeal_no", "category", "confidence", "model", "explanation"] {
        assert!(rows[0].get(key).is_some(), "{key} missing in {}", rows[0]);
    }
    let models = ekn(&db.path, &["models", "--json"]);
    let models: serde_json::Value = serde_json::from_slice(&models.stdout).unwrap();
    assert_eq!(models[0]["name"], "appeals-v1");
}

#[test]
fn a_labelled_file_without_a_category_column_is_refused_by_line_and_field() {
    let db = TempDb::new();
    let file = db.file("bad.csv", "appeal_no,text\nA-1,нет воды\n");
    let err = db.session().train_appeals_model(&file, &TrainParams::default(), false, &|_| {}).unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert!(err.message.contains("line 1") && err.message.contains("category"), "{}", err.message);
    let one = db.file("one.csv", "text,category\nнет воды,ЖКХ\nнет света,ЖКХ\n");
    let err = db.session().train_appeals_model(&one, &TrainParams::default(), false, &|_| {}).unwrap_err();
    assert!(err.message.contains("two categories"), "{}", err.message);
    // The appeal number taken for the label: one category per row, refused before any training.
    let numbered: String = std::iter::once("text,category\n".to_string())
        .chain((0..600).map(|i| format!("нет воды {i},Т-{i}\n")))
        .collect();
    let err =
        db.session().train_appeals_model(&db.file("numbered.csv", numbered), &TrainParams::default(), false, &|_| {});
    let err = err.unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert!(err.message.contains("600 different categories"), "{}", err.message);
    assert!(db.session().models().unwrap().is_empty(), "nothing was registered");
}

#[test]
fn a_model_changed_behind_the_journal_is_named() {
    let db = TempDb::new();
    let file = db.file("labelled.csv", labelled_csv(90, 4));
    db.session().train_appeals_model(&file, &TrainParams::default(), false, &|_| {}).unwrap();
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    conn.execute("UPDATE models SET metrics = replace(metrics, '\"accuracy\":', '\"accuracy\":0.99,\"x\":')", [])
        .unwrap();
    drop(conn);
    let report = verify_journal(&db.path, &ekn::api::Context::cli()).unwrap();
    assert!(!report.ok);
    assert!(format!("{:?}", report.problems).contains("model:1"), "{:?}", report.problems);
}
