//! Documents that read themselves (issue 38), end to end through the api on a copy of the demo:
//! a DOCX, a born-digital PDF, a 300 dpi scan, a degraded 200 dpi photo-like scan and a PDF with
//! a broken text layer (fixtures/documents, made by scripts/documents/make_corpus.py, each with
//! its ground truth) are attached and read; the requisites the truth names are proposed with the
//! contract's values; a person confirms, corrects and rejects, journaled with the author; search
//! finds the document by a word of its text; nothing of the text is readable on disk in an
//! encrypted database; random bytes named `.pdf` are marked not a document. OCR is Debian's
//! Tesseract with the Russian and Kazakh models: a machine without them fails these tests loudly.

use std::path::{Path, PathBuf};

use ekn::api::{self, Context, Session};
use serde_json::{json, Value};

use crate::support::{demo_copy, files_under};

fn fixture(name: &str) -> (Vec<u8>, PathBuf) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/documents").join(name);
    (std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())), path)
}

/// The (kind, value) pairs a truth file names.
fn truth(name: &str) -> Vec<(String, Value)> {
    let (bytes, _) = fixture(&format!("{name}.truth.json"));
    let truth: Value = serde_json::from_slice(&bytes).unwrap();
    let mut out = Vec::new();
    for kind in
        ["doc_type", "number", "date", "issuer", "addressee", "in_reply_to_number", "in_reply_to_date", "outcome"]
    {
        if let Some(v) = truth.get(kind) {
            out.push((kind.to_string(), v.clone()));
        }
    }
    for (list, kind) in [("bins", "bin"), ("articles", "article"), ("amounts", "amount"), ("periods", "period")] {
        for v in truth[list].as_array().unwrap() {
            out.push((kind.to_string(), v.clone()));
        }
    }
    out
}

fn tesseract_is_installed() {
    let langs = std::process::Command::new("tesseract").arg("--list-langs").output().unwrap_or_else(|e| {
        panic!("tesseract is not installed ({e}); scripts/setup installs tesseract-ocr with the rus and kaz models")
    });
    let listed = String::from_utf8_lossy(&langs.stdout).to_string();
    for lang in ["rus", "kaz"] {
        assert!(listed.lines().any(|l| l.trim() == lang), "tesseract has no {lang} model: {listed}");
    }
}

fn first_bin(s: &mut Session) -> String {
    s.registry().search("ТОО", 5).unwrap().subjects[0].bin.clone()
}

/// The facts of the document `id` as the contract's JSON.
fn facts_of(s: &mut Session, bin: &str, id: i64) -> Value {
    let all = serde_json::to_value(s.evidence().document_facts(bin).unwrap()).unwrap();
    all["documents"].as_array().unwrap().iter().find(|d| d["id"] == json!(id)).cloned().expect("the document is listed")
}

/// How many of the truth's requisites are among the facts (names compared without case).
fn found(facts: &Value, expected: &[(String, Value)], kinds: &[&str]) -> (usize, usize, Vec<String>) {
    let list = facts["facts"].as_array().unwrap();
    let same = |kind: &str, a: &Value, b: &Value| match (a, b) {
        (Value::String(x), Value::String(y)) if kind == "issuer" || kind == "addressee" => {
            x.to_lowercase() == y.to_lowercase()
        }
        _ => a == b,
    };
    let wanted: Vec<&(String, Value)> = expected.iter().filter(|(k, _)| kinds.contains(&k.as_str())).collect();
    let mut missed = Vec::new();
    let hits = wanted
        .iter()
        .filter(|(k, v)| {
            let hit = list.iter().any(|f| f["kind"] == json!(k) && same(k, &f["value"], v));
            if !hit {
                missed.push(format!("{k} {v}"));
            }
            hit
        })
        .count();
    (hits, wanted.len(), missed)
}

const KEY_FIELDS: [&str; 6] = ["number", "date", "bin", "amount", "article", "period"];

#[test]
fn a_word_document_reads_itself_and_a_person_decides_on_its_facts() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_copy(dir.path());
    let mut s = Session::open(&db).unwrap();
    let bin = first_bin(&mut s);
    let (bytes, _) = fixture("000-ru-submission.docx");
    let attached = s.evidence().attach_and_read(&bin, "000-ru-submission.docx", &bytes, None, &mut |_| true).unwrap();
    assert_eq!(attached.read_state.as_deref(), Some("read"), "{attached:?}");
    let id = attached.attachment.id;

    // The contract: documents with id, file_name, sha256, pages (page, method, quality) and facts
    // (id, kind, value, page, span, confidence, status, rule).
    let doc = facts_of(&mut s, &bin, id);
    assert_eq!(doc["file_name"], json!("000-ru-submission.docx"));
    assert_eq!(doc["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(doc["pages"][0]["method"], json!("text"));
    assert!(doc["pages"][0]["quality"].as_f64().unwrap() > 0.9);
    for f in doc["facts"].as_array().unwrap() {
        for key in ["id", "kind", "value", "page", "span", "confidence", "status", "rule"] {
            assert!(f.get(key).is_some(), "a fact without {key}: {f}");
        }
        assert_eq!(f["status"], json!("proposed"));
        assert!(f["rule"].as_str().unwrap().contains("@requisites-"), "{f}");
    }
    let expected = truth("000-ru-submission");
    let all_kinds: Vec<&str> = expected.iter().map(|(k, _)| k.as_str()).collect();
    let (hits, wanted, missed) = found(&doc, &expected, &all_kinds);
    assert_eq!(hits, wanted, "every requisite of a Word document is found: missed {missed:?}\n{doc:#}");

    // A person confirms the amount corrected, confirms the number as proposed, rejects an article.
    let fact = |kind: &str| {
        doc["facts"].as_array().unwrap().iter().find(|f| f["kind"] == json!(kind)).unwrap()["id"].as_i64().unwrap()
    };
    let corrected = s.evidence().confirm_fact(fact("amount"), Some(r#"{"tenge": 1600701, "tiyn": 0}"#), None).unwrap();
    assert_eq!((corrected.status.as_str(), corrected.corrected), ("confirmed", true));
    assert_eq!(corrected.value, json!({"tenge": 1600701, "tiyn": 0}));
    let as_proposed = s.evidence().confirm_fact(fact("number"), None, None).unwrap();
    assert!(!as_proposed.corrected);
    let bad =
        s.evidence().confirm_fact(fact("date"), Some("16.10.2025"), None).expect_err("a date is written YYYY-MM-DD");
    assert_eq!(bad.code, api::ErrorCode::InvalidInput, "{bad}");
    let no_reason = s.evidence().reject_fact(fact("article"), "  ", None).expect_err("a reason is needed");
    assert_eq!(no_reason.code, api::ErrorCode::InvalidInput);
    let rejected =
        s.evidence().reject_fact(fact("article"), "статья приведена в справке, не в требовании", None).unwrap();
    assert_eq!(rejected.status, "rejected");
    let journal =
        s.journal(&api::JournalQuery { object: Some(bin.clone()), task: None, appeal: None, limit: Some(50) }).unwrap();
    let kinds: Vec<&str> = journal.iter().map(|l| l.kind.as_str()).collect();
    for kind in ["document_attached", "document_read", "fact_confirmed", "fact_rejected"] {
        assert!(kinds.contains(&kind), "{kind} is journaled: {kinds:?}");
    }
    assert!(
        journal.iter().filter(|l| l.kind.starts_with("fact_")).all(|l| !l.person.is_empty()),
        "every decision has its author"
    );
    assert!(api::verify_journal(&db, &Context::cli()).unwrap().ok);

    // Reading again with the same rules and engines records nothing, and decisions stand.
    let again = s.evidence().read_document(id, &mut |_| true).unwrap();
    assert!(!again.new_reading);
    assert_eq!(again.document.facts.iter().filter(|f| f.status != "proposed").count(), 3);

    // Search finds the document by a word of its text, at its page, with its object.
    let hits = s.registry().search("задолженность", 20).unwrap();
    let hit = hits.documents.iter().find(|h| h.id == id).expect("the document is found by its text");
    assert_eq!((hit.page, hit.subject_bin.as_str()), (1, bin.as_str()));
    // The card's timeline carries the confirmed facts with their document.
    let card = s.registry().card(&bin).unwrap();
    let text = serde_json::to_string(&card).unwrap();
    assert!(text.contains("000-ru-submission.docx"), "confirmed facts join the card's timeline");
}

#[test]
fn scans_and_broken_text_layers_are_read_by_ocr_in_russian_and_kazakh() {
    tesseract_is_installed();
    let dir = tempfile::tempdir().unwrap();
    let db = demo_copy(dir.path());
    let mut s = Session::open(&db).unwrap();
    let bin = first_bin(&mut s);
    // (file, its truth, the share of the key requisites that must be found)
    let cases = [
        ("001-kk-submission.pdf", "001-kk-submission", "text", 1.0),
        ("000-ru-submission.scan300.png", "000-ru-submission", "ocr", 0.9),
        ("000-ru-submission.broken.pdf", "000-ru-submission", "ocr", 0.9),
        ("001-kk-submission.scan200.jpg", "001-kk-submission", "ocr", 0.8),
    ];
    for (file, truth_name, method, share) in cases {
        let (bytes, _) = fixture(file);
        let mut steps = Vec::new();
        let attached = s
            .evidence()
            .attach_and_read(&bin, file, &bytes, None, &mut |p| {
                steps.push((p.done, p.total));
                true
            })
            .unwrap();
        assert_eq!(attached.read_state.as_deref(), Some("read"), "{file}: {attached:?}");
        assert!(
            steps.last().is_some_and(|(d, t)| d == t && *t >= 1),
            "{file}: progress ends at the last page: {steps:?}"
        );
        let doc = facts_of(&mut s, &bin, attached.attachment.id);
        assert_eq!(doc["pages"][0]["method"], json!(method), "{file}: {:#}", doc["pages"]);
        let (hits, wanted, missed) = found(&doc, &truth(truth_name), &KEY_FIELDS);
        assert!(hits as f64 >= share * wanted as f64, "{file}: {hits} of {wanted} key requisites; missed {missed:?}");
        if method == "ocr" {
            // Kazakh letters survive OCR in a Kazakh document.
            let text: String =
                s.evidence().document_text(attached.attachment.id, None).unwrap().into_iter().map(|p| p.text).collect();
            if truth_name.contains("-kk-") {
                assert!(text.chars().any(|c| "әғқңөұүһі".contains(c)), "{file}: Kazakh letters read: {text}");
            }
            let boxed = doc["facts"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|f| f["kind"] == json!("bin"))
                .all(|f| f["bbox"].is_array());
            assert!(boxed, "{file}: OCR facts carry their box");
        }
    }
    // Cancelling a reading records nothing.
    let (bytes, _) = fixture("000-ru-submission.scan300.png");
    let renamed: Vec<u8> = bytes.iter().copied().chain(std::iter::once(0)).collect();
    let attached = s.evidence().attach(&bin, "копия.png", &renamed, None).unwrap();
    let cancelled = s.evidence().read_document(attached.attachment.id, &mut |_| false).expect_err("cancelled");
    assert_eq!(cancelled.code, api::ErrorCode::Cancelled);
    assert_eq!(s.evidence().document(attached.attachment.id).unwrap().state, "unread");
}

#[test]
fn random_bytes_named_pdf_are_not_a_document_and_nothing_breaks() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_copy(dir.path());
    let mut s = Session::open(&db).unwrap();
    let bin = first_bin(&mut s);
    let noise: Vec<u8> = (0..5000u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect();
    for (name, bytes) in [
        ("scan.pdf", noise.clone()),
        ("half.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >>".to_vec()),
        ("zip.docx", b"PK\x03\x04 not a zip at all".to_vec()),
        ("photo.jpg", [&[0xFF, 0xD8, 0xFF, 0xE0][..], &noise[..200]].concat()),
    ] {
        let attached = s.evidence().attach_and_read(&bin, name, &bytes, None, &mut |_| true).unwrap();
        assert_eq!(attached.read_state.as_deref(), Some("not_a_document"), "{name}: {attached:?}");
        let doc = s.evidence().document(attached.attachment.id).unwrap();
        assert!(!doc.why.is_empty() && doc.facts.is_empty(), "{name}: {doc:?}");
    }
}

#[test]
fn in_an_encrypted_database_no_word_of_a_document_is_readable_on_disk() {
    let vault = crate::vault::Vault::new();
    vault.import_sample();
    let mut s = vault.session();
    let bin = crate::support::bin(1);
    let (bytes, _) = fixture("008-ru-answer.docx");
    let attached = s.evidence().attach_and_read(&bin, "ответ.docx", &bytes, None, &mut |_| true).unwrap();
    assert_eq!(attached.read_state.as_deref(), Some("read"));
    let doc = s.evidence().document_open(attached.attachment.id).unwrap();
    assert!(doc.pages[0].text.contains("Сообщаем"), "{}", doc.pages[0].text);
    let facts = s.evidence().document_facts(&bin).unwrap();
    let number = facts.documents[0].facts.iter().find(|f| f.kind == "number").expect("a number").id;
    s.evidence().confirm_fact(number, None, None).unwrap();
    assert!(!s.registry().search("Сообщаем", 5).unwrap().documents.is_empty());
    // Words of the text: nowhere in any file, with the session open and after it closed.
    let needles = ["Сообщаем", "задолженность", "представление"];
    let leaked = crate::vault::leaks(vault.dir.path(), &needles);
    assert!(leaked.is_empty(), "readable on disk with the session open: {leaked:?}");
    drop(s);
    let leaked = crate::vault::leaks(vault.dir.path(), &needles);
    assert!(leaked.is_empty(), "readable on disk: {leaked:?}");
    assert!(!files_under(vault.dir.path()).is_empty());
}

#[test]
fn a_confirmed_period_opens_a_task_and_a_document_that_contradicts_the_registry_is_shown_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_copy(dir.path());
    let mut s = Session::open(&db).unwrap();
    let bin = first_bin(&mut s);
    let (bytes, _) = fixture("008-ru-answer.docx");
    let id =
        s.evidence().attach_and_read(&bin, "008-ru-answer.docx", &bytes, None, &mut |_| true).unwrap().attachment.id;
    let doc = facts_of(&mut s, &bin, id);
    let fact = |kind: &str| {
        doc["facts"].as_array().unwrap().iter().find(|f| f["kind"] == json!(kind)).unwrap()["id"].as_i64().unwrap()
    };
    let request = |fact: i64| api::TaskFromFact {
        fact,
        bin: None,
        kind: None,
        from: None,
        assignee: "Аманова А.".into(),
        unit: "Отдел по надзору".into(),
        title: None,
    };

    // A proposal never starts a clock; neither does a fact that is not a period.
    let unconfirmed = s.evidence().task_from_fact(&request(fact("period"))).expect_err("the period is only proposed");
    assert!(unconfirmed.message.contains("confirm the period"), "{unconfirmed}");
    s.evidence().confirm_fact(fact("number"), None, None).unwrap();
    let not_a_period = s.evidence().task_from_fact(&request(fact("number"))).expect_err("a number opens no task");
    assert!(not_a_period.message.contains("only a period"), "{not_a_period}");
    // Confirmed, but the document's date is not: the person must say where the period runs from.
    s.evidence().confirm_fact(fact("period"), None, None).unwrap();
    let no_date = s.evidence().task_from_fact(&request(fact("period"))).expect_err("no confirmed date");
    assert!(no_date.message.contains("--from"), "{no_date}");

    s.evidence().confirm_fact(fact("date"), None, None).unwrap();
    let opened = s.evidence().task_from_fact(&request(fact("period"))).unwrap();
    assert_eq!(
        (opened.counted_from.to_string().as_str(), opened.from_source.as_str()),
        ("2024-09-23", "document_date")
    );
    let task = &opened.created.created[0].task;
    assert_eq!(task.event_date.to_string(), "2024-09-23");
    assert_eq!(task.subject_bin.as_deref(), Some(bin.as_str()));
    // One month from 23.09.2024 is 23.10.2024, a Wednesday and a working day.
    assert_eq!(task.original_due.to_string(), "2024-10-23", "{task:?}");
    assert!(task.title.contains("008-ru-answer.docx"), "{}", task.title);
    let again = s.evidence().task_from_fact(&request(fact("period"))).expect_err("one fact opens one task");
    assert!(again.message.contains("already"), "{again}");
    let view = s.evidence().document(id).unwrap();
    assert_eq!(view.facts.iter().find(|f| f.kind == "period").unwrap().task_id, Some(task.id));
    let journal =
        s.journal(&api::JournalQuery { object: Some(bin.clone()), task: None, appeal: None, limit: Some(50) }).unwrap();
    assert!(journal.iter().any(|l| l.kind == "task_created" && !l.person.is_empty()), "the task is journaled");

    // The answer names another organisation's BIN: once a person confirms it, the card shows the
    // object's BIN beside the document's instead of choosing.
    let card = s.registry().card(&bin).unwrap();
    assert!(card.disagreements.is_empty(), "nothing confirmed contradicts the registry yet: {:?}", card.disagreements);
    s.evidence().confirm_fact(fact("bin"), None, None).unwrap();
    let card = s.registry().card(&bin).unwrap();
    let differs = card.disagreements.iter().find(|d| d.field == "bin").expect("the BINs disagree");
    assert_eq!((differs.registry_value.as_str(), differs.document_value.as_str()), (bin.as_str(), "950155869007"));
    assert_eq!(differs.file_name, "008-ru-answer.docx");

    // A person says this is the act of one of the object's inspections and that it is dated a day
    // after the registry's end: both dates are shown, each with its source.
    let inspection = card
        .inspections
        .iter()
        .find(|i| {
            i.end_date.is_some_and(|end| {
                card.inspections.iter().filter(|o| o.end_date.is_some_and(|e| (e - end).num_days().abs() <= 11)).count()
                    == 1
            })
        })
        .expect("an inspection of the demo object ended apart from the others")
        .clone();
    let end = inspection.end_date.unwrap();
    let act_date = (end + chrono::Days::new(1)).to_string();
    s.evidence().confirm_fact(fact("doc_type"), Some("inspection_act"), None).unwrap();
    s.evidence().confirm_fact(fact("date"), Some(&act_date), None).unwrap();
    let card = s.registry().card(&bin).unwrap();
    let differs = card.disagreements.iter().find(|d| d.field == "end_date").expect("the dates disagree");
    assert_eq!(differs.registry_no.as_deref(), Some(inspection.registry_no.as_str()));
    assert_eq!((differs.registry_value.clone(), differs.document_value.clone()), (end.to_string(), act_date));
    assert_eq!(differs.registry_source.as_ref(), Some(&inspection.source));
    assert_eq!(differs.matched_by, "near_date");
    assert!(!differs.confirmed_by.is_empty());
    let json = serde_json::to_value(&card).unwrap();
    assert!(json["disagreements"].as_array().is_some_and(|d| d.len() == 2), "{}", json["disagreements"]);
}

/// The held-out documents of issue 61 are frozen: each set is measured once before the reader
/// changes and once at the end, never read or mended in between (scripts/documents/heldout/README.md).
/// Every file is the one its manifest names, and none is added or missing. The first set holds 24
/// documents, each later one (written before the next round of changes) 12; half of each is Kazakh.
#[test]
fn the_held_out_documents_are_frozen() {
    use sha2::{Digest, Sha256};
    for (folder, at_least) in [
        ("heldout", 24),
        ("heldout2", 12),
        ("heldout3", 12),
        ("heldout4", 12),
        ("heldout5", 12),
        ("heldout6", 12),
        ("heldout7", 12),
        ("heldout8", 12),
        ("heldout9", 12),
        ("heldout10", 12),
        ("heldout11", 12),
        ("heldout12", 12),
        ("heldout13", 12),
        ("heldout14", 12),
        ("heldout15", 12),
        ("heldout16", 12),
        ("heldout17", 12),
        ("heldout18", 12),
        ("heldout19", 12),
        ("heldout20", 12),
    ] {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/documents").join(folder);
        let manifest = std::fs::read_to_string(dir.join("MANIFEST.sha256")).expect("the manifest");
        let mut named = std::collections::BTreeSet::new();
        for line in manifest.lines() {
            let (digest, file) = line.split_once("  ").unwrap_or_else(|| panic!("a manifest line: {line}"));
            let bytes = std::fs::read(dir.join(file)).unwrap_or_else(|e| panic!("{folder}/{file}: {e}"));
            assert_eq!(hex::encode(Sha256::digest(&bytes)), digest, "{folder}/{file} changed since the freeze");
            named.insert(file.to_string());
        }
        let present: std::collections::BTreeSet<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .filter(|name| name != "MANIFEST.sha256")
            .collect();
        assert_eq!(present, named, "files added to or gone from the frozen set {folder}");
        let kazakh = named.iter().filter(|n| n.ends_with(".txt") && n.contains("-kk-")).count();
        let all = named.iter().filter(|n| n.ends_with(".txt")).count();
        assert!(all >= at_least && kazakh * 2 >= all, "{folder}: {all} documents, {kazakh} Kazakh");
    }
}

/// Every fact a reading proposes carries the calibrated chance of being right that its rule, its
/// way of reading (a text layer or OCR) and, for OCR, the confidence of its words give — not the
/// rule's own score (issue 61; assets/extract/calibration.json, the version the rules name).
#[test]
fn facts_carry_the_calibrated_chance_of_being_right() {
    tesseract_is_installed();
    let rules = ekn::extract::Rules::shipped();
    assert_eq!(rules.calibration_named.as_deref(), Some(rules.calibration.version.as_str()));
    for (name, ocr) in [("008-ru-answer.docx", false), ("000-ru-submission.scan300.png", true)] {
        let (bytes, _) = fixture(name);
        let engines = if ocr { ekn::extract::Engines::detect() } else { ekn::extract::Engines::text_only() };
        let read = ekn::extract::read_document(&bytes, &engines, rules, &mut |_| true).unwrap();
        assert!(read.facts.len() >= 5, "{name}: {} facts", read.facts.len());
        for f in &read.facts {
            let chance = rules.calibration.confidence(ocr, &f.kind, f.rule_id(), f.word_confidence, f.score);
            assert!(
                (f.confidence - chance).abs() < 1e-6,
                "{name}: {} {} carries {} not {chance}",
                f.kind,
                f.rule,
                f.confidence
            );
            assert!(f.confidence > 0.0 && f.confidence < 1.0, "{name}: {f:?}");
        }
        // Calibration changed what the rules said, and OCR facts know the words they came from.
        assert!(read.facts.iter().any(|f| (f.confidence - f.score).abs() > 0.01), "{name}: calibration applied");
        let from_words = read.facts.iter().filter(|f| f.word_confidence.is_some()).count();
        if ocr {
            assert!(
                from_words * 2 > read.facts.len(),
                "{name}: {from_words} of {} facts know their words",
                read.facts.len()
            );
        } else {
            assert_eq!(from_words, 0, "{name}: a text layer has no OCR words");
        }
    }
}

/// `ekn docs measure` (no database) reports how well the facts' confidences tell right from wrong,
/// and with `--facts` lists every fact with its rule's score and whether the truth names it — what
/// scripts/documents/calibrate.py fits on; without it, no fact list.
#[test]
fn docs_measure_scores_the_confidences_and_lists_the_facts_on_request() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["008-ru-answer.docx", "008-ru-answer.truth.json"] {
        std::fs::write(dir.path().join(name), fixture(name).0).unwrap();
    }
    let measure = |extra: &[&str]| -> Value {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_ekn"))
            .args(["docs", "measure"])
            .arg(dir.path())
            .args(["--no-ocr", "--json"])
            .args(extra)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let listed = measure(&["--facts"]);
    let facts = listed["facts"].as_array().expect("the facts, asked for");
    let confidence = &listed["confidence"];
    assert_eq!(confidence["facts"].as_u64(), Some(facts.len() as u64));
    assert!(facts.len() >= 5, "{listed}");
    let right = facts.iter().filter(|f| f["right"] == json!(true)).count();
    assert_eq!(confidence["right"].as_u64(), Some(right as u64));
    assert!(right >= 5, "the truth names most of them: {listed}");
    assert_eq!(confidence["calibration"], json!(ekn::extract::Rules::shipped().calibration.version));
    for f in facts {
        assert!(!f["rule"].as_str().unwrap().contains('@'), "the rule's id without its version: {f}");
        assert_eq!(f["ocr"], json!(false), "{f}");
    }
    for scores in ["rule_scores", "calibrated"] {
        let brier = confidence[scores]["brier"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&brier), "{scores}: {confidence}");
        assert_eq!(confidence[scores]["bins"].as_array().unwrap().len(), 10);
    }
    assert!(measure(&[]).get("facts").is_none(), "no fact list unless asked");
}

/// The viewer shows an OCR'd page as the picture OCR read (levelled, the light evened), and the
/// boxes stored with its facts, scaled, fall inside it on the words they name; a Word document has
/// no page picture to show and says so.
#[test]
fn a_scanned_page_is_shown_as_a_picture_with_its_facts_boxes_on_it() {
    tesseract_is_installed();
    let dir = tempfile::tempdir().unwrap();
    let db = demo_copy(dir.path());
    let mut s = Session::open(&db).unwrap();
    let bin = first_bin(&mut s);
    let (bytes, _) = fixture("001-kk-submission.scan200.jpg");
    let attached = s.evidence().attach_and_read(&bin, "scan.jpg", &bytes, None, &mut |_| true).unwrap();
    let id = attached.attachment.id;
    let picture = s.evidence().document_page_image(id, 1).unwrap();
    let png = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, &picture.png_base64).unwrap();
    let decoder = png::Decoder::new(std::io::Cursor::new(&png));
    let reader = decoder.read_info().unwrap();
    let info = reader.info();
    assert_eq!((info.width, info.height), (picture.width, picture.height));
    assert!(picture.width <= 1240 && picture.width >= 600, "{}×{}", picture.width, picture.height);
    let doc = facts_of(&mut s, &bin, id);
    let boxes: Vec<Vec<f64>> = doc["facts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["page"] == json!(1))
        .filter_map(|f| f["bbox"].as_array().map(|b| b.iter().map(|v| v.as_f64().unwrap()).collect()))
        .collect();
    assert!(!boxes.is_empty(), "an OCR'd page's facts carry boxes");
    for b in &boxes {
        let scale = f64::from(picture.scale);
        let (x, y, w, h) = (b[0] * scale, b[1] * scale, b[2] * scale, b[3] * scale);
        assert!(x >= 0.0 && y >= 0.0 && w > 0.0 && h > 0.0, "{b:?}");
        assert!(x + w <= f64::from(picture.width) + 1.0 && y + h <= f64::from(picture.height) + 1.0, "{b:?} × {scale}");
    }
    assert!(s.evidence().document_page_image(id, 2).is_err(), "an image has one page");
    let (word, _) = fixture("008-ru-answer.docx");
    let attached = s.evidence().attach_and_read(&bin, "answer.docx", &word, None, &mut |_| true).unwrap();
    let err = s.evidence().document_page_image(attached.attachment.id, 1).unwrap_err();
    assert_eq!(err.code, api::ErrorCode::NotFound, "{err}");
}

#[test]
fn the_demo_holds_a_born_digital_pdf_and_a_scan_read_with_one_fact_confirmed() {
    // Issue 64: a newcomer's demo shows documents — the submission as a born-digital PDF (its text
    // layer), the company's answer as a scan (OCR), facts proposed on both, the submission's own
    // number confirmed as a person would, and that confirmation on the object's card.
    tesseract_is_installed();
    let dir = tempfile::tempdir().unwrap();
    let db = demo_copy(dir.path());
    let mut s = Session::open(&db).unwrap();
    let documents = s.evidence().documents(api::DEMO_DOCUMENT_BIN).unwrap();
    let names: Vec<&str> = documents.iter().map(|d| d.file_name.as_str()).collect();
    assert_eq!(names, ["submission.pdf", "answer.scan.jpg"]);
    let fact = |d: &api::DocumentView, kind: &str| {
        d.facts.iter().find(|f| f.kind == kind).unwrap_or_else(|| panic!("{kind} in {}", d.file_name)).clone()
    };
    let (pdf, scan) = (&documents[0], &documents[1]);
    assert_eq!(pdf.state, "read");
    assert!(pdf.pages.iter().all(|p| p.method == "text"), "{:?}", pdf.pages);
    let number = fact(pdf, "number");
    assert_eq!((number.value.clone(), number.status.as_str()), (json!("2-19-26/3417"), "confirmed"));
    assert_eq!(fact(pdf, "bin").value, json!(api::DEMO_DOCUMENT_BIN));
    assert_eq!(fact(pdf, "amount").value, json!({"tenge": 4_350_000, "tiyn": 0}));
    assert_eq!(
        pdf.facts.iter().filter(|f| f.status == "confirmed").count(),
        1,
        "one fact confirmed, the rest proposed"
    );
    assert_eq!(scan.state, "read");
    assert!(scan.pages.iter().all(|p| p.method == "ocr"), "{:?}", scan.pages);
    assert_eq!(fact(scan, "in_reply_to_number").value, json!("2-19-26/3417"));
    // An answer without a title word, known by what it says (2026.11.29c: its paragraph opening
    // «Ұсыныс …» was taken for a title), its outcome, and its sum broken over two lines after «4 350».
    assert_eq!(fact(scan, "doc_type").value, json!("answer"));
    assert_eq!(fact(scan, "outcome").value, json!("satisfied"));
    assert_eq!(fact(scan, "amount").value, json!({"tenge": 4_350_000, "tiyn": 0}));
    assert!(scan.facts.iter().all(|f| f.status == "proposed"));
    let card = s.registry().card(api::DEMO_DOCUMENT_BIN).unwrap();
    assert_eq!(card.document_facts.len(), 1, "the confirmed number on the card's chronology");
}
