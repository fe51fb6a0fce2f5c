//! Acts of response and the evidence behind them, as a prosecutor meets them: every shipped
//! template drafted in both languages and read back by an independent reader (python-docx,
//! installed by scripts/setup) — every placeholder filled, in headers, footers and table rows,
//! Kazakh letters intact, the draft marked and journaled; a broken template named by the check;
//! an act recorded as issued with its control task; documents attached encrypted and content-
//! addressed, checklist items ticked with who and when, and all of it in the signed package.

use std::path::Path;
use std::process::Command;

use ekn::acts::{ActKind, ActLang};
use ekn::api::{ActDraftRequest, ActIssueRequest, ChecklistMarkRequest, JournalQuery};
use ekn::domain::journal::Entry;
use ekn::domain::records::DataKind;
use sha2::{Digest, Sha256};

use crate::support::{appeals_csv, bin, inspections_csv, TempDb};

const KAZAKH: &str = "ә ғ қ ң ө ұ ү һ і Ә Ғ Қ Ң Ө Ұ Ү Һ І";

/// Every text of a .docx as python-docx reads it: body paragraphs, table cells, headers, footers.
fn read_docx(path: &Path) -> serde_json::Value {
    let script = r#"
import json, sys, docx
d = docx.Document(sys.argv[1])
out = {"body": [p.text for p in d.paragraphs], "tables": [], "headers": [], "footers": []}
for t in d.tables:
    out["tables"].append([[c.text for c in row.cells] for row in t.rows])
for s in d.sections:
    out["headers"] += [p.text for p in s.header.paragraphs]
    out["footers"] += [p.text for p in s.footer.paragraphs]
print(json.dumps(out, ensure_ascii=False))
"#;
    let out = Command::new("python3").arg("-c").arg(script).arg(path).output().expect("python3 runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("No module named 'docx'"), "python-docx is not installed (scripts/setup installs it)");
    assert!(out.status.success(), "python-docx could not read {}: {stderr}", path.display());
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The text of a PDF as pypdf extracts it (installed by scripts/setup).
fn read_pdf_text(path: &Path) -> String {
    let script = "import sys, pypdf\nprint('\\n'.join(p.extract_text() for p in pypdf.PdfReader(sys.argv[1]).pages))";
    let out = Command::new("python3").arg("-c").arg(script).arg(path).output().expect("python3 runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("No module named 'pypdf'"), "pypdf is not installed (scripts/setup installs it)");
    assert!(out.status.success(), "pypdf could not read {}: {stderr}", path.display());
    String::from_utf8(out.stdout).unwrap()
}

fn all_text(doc: &serde_json::Value) -> String {
    let mut text = String::new();
    let mut walk = vec![doc.clone()];
    while let Some(v) = walk.pop() {
        match v {
            serde_json::Value::String(s) => {
                text.push_str(&s);
                text.push('\n');
            }
            serde_json::Value::Array(items) => walk.extend(items),
            serde_json::Value::Object(map) => walk.extend(map.into_iter().map(|(_, v)| v)),
            _ => {}
        }
    }
    text
}

fn seeded() -> TempDb {
    let db = TempDb::new();
    db.import(DataKind::Inspections, &db.file("inspections.csv", inspections_csv())).unwrap();
    db.import(DataKind::Appeals, &db.file("appeals.csv", appeals_csv())).unwrap();
    db
}

#[test]
fn every_template_round_trips_in_both_languages_through_an_independent_reader() {
    let db = seeded();
    let mut s = db.session();
    let object = bin(1);
    for kind in ActKind::ALL {
        for lang in ActLang::ALL {
            let request = ActDraftRequest {
                bin: object.clone(),
                kind: Some(kind),
                lang: Some(lang),
                addressee: Some(format!("Әкімдік басшысы {KAZAKH}")),
                requirements: vec!["Устранить нарушения".into(), format!("Талап {KAZAKH}")],
                ..Default::default()
            };
            let draft = s.acts().draft(&request).unwrap();
            let path = db.dir.path().join(&draft.file_name);
            std::fs::write(&path, &draft.docx).unwrap();
            let doc = read_docx(&path);
            let text = all_text(&doc);
            let what = format!("{kind:?} {lang:?}");
            assert!(
                !text.contains("{{") && !text.contains("{%") && !text.contains("}}"),
                "{what}: a tag left:\n{text}"
            );
            assert!(text.contains(KAZAKH), "{what}: Kazakh letters intact");
            assert!(text.contains(&object), "{what}: the object's BIN (split across runs in the template)");
            assert!(
                text.contains("Кайнар Алем"),
                "{what}: the object's name, whose placeholder Word split across runs"
            );
            assert!(text.contains("2. Талап"), "{what}: the requirements repeated, numbered");
            let header = doc["headers"].to_string();
            let footer = doc["footers"].to_string();
            let mark = if lang == ActLang::Ru { "ПРОЕКТ" } else { "ЖОБА" };
            assert!(header.contains(mark), "{what}: the header marks the draft: {header}");
            assert!(
                footer.contains(&format!("№ {}", draft.journal_seq)),
                "{what}: the footer names the journal entry: {footer}"
            );
            assert!(footer.contains(env!("CARGO_PKG_VERSION")), "{what}: the footer names the version");
            if kind.is_response() {
                // The period comes from the norms catalogue with its article of 155-VII; drafted
                // after the Constitution of 2026 came into force, the act says the edition read
                // is older.
                let article = if lang == ActLang::Ru { "ст. 3" } else { "-бап" };
                assert!(text.contains(article), "{what}: the period's article named");
                assert!(text.contains("Конституция"), "{what}: the edition's caveat said");
            }
            if matches!(kind, ActKind::Submission | ActKind::Order | ActKind::Resolution) {
                let rows = doc["tables"][0].as_array().unwrap();
                assert!(rows.iter().any(|r| r[0] == "R-1"), "{what}: the inspection with violations in its table row");
                assert!(!rows.iter().any(|r| r[0] == "R-2"), "{what}: the inspection without violations not cited");
            }
            if kind == ActKind::AppealAnswer {
                assert!(text.contains("A-1"), "{what}: the appeal answered named");
            }
            // Nothing is concluded for the prosecutor: the norms breached stay a prompt when not given.
            if kind != ActKind::AppealAnswer {
                assert!(text.contains('[') && text.contains(']'), "{what}: the unstated norms stay a bracketed prompt");
            }
            let journaled = s
                .journal(&JournalQuery { object: Some(object.clone()), ..Default::default() })
                .unwrap()
                .into_iter()
                .find(|l| l.seq == draft.journal_seq)
                .expect("the draft's journal entry");
            match journaled.entry {
                Some(Entry::ActDrafted { sha256, .. }) => {
                    assert_eq!(sha256, hex::encode(Sha256::digest(&draft.docx)), "the entry names the file's digest")
                }
                other => panic!("{what}: not a draft's entry: {other:?}"),
            }
            // The PDF preview lays the Kazakh letters out: pypdf reads them back from its text.
            let pdf = s.acts().preview_pdf(&draft.docx).unwrap();
            let pdf_path = path.with_extension("pdf");
            std::fs::write(&pdf_path, &pdf).unwrap();
            let pdf_text = read_pdf_text(&pdf_path);
            for letter in KAZAKH.split(' ') {
                assert!(pdf_text.contains(letter), "{what}: «{letter}» in the PDF preview:\n{pdf_text}");
            }
            assert!(pdf_text.contains(&object), "{what}: the BIN in the PDF preview");
        }
    }
}

#[test]
fn the_template_check_names_unknown_missing_and_malformed_placeholders() {
    let db = seeded();
    let mut s = db.session();
    let shipped = s.acts().check_templates(None).unwrap();
    assert_eq!(shipped.len(), 2 * ActKind::ALL.len(), "every kind in Russian and Kazakh");
    assert!(shipped.iter().all(|c| c.ok), "{shipped:?}");

    // A lawyer's edits: a misspelt field, the signature's name deleted, a tag left open.
    let original = ekn::acts::builtin_template(ActKind::Submission, ActLang::Kk);
    let broken = edit_document_xml(
        original,
        &[("{{ object.bin }}", "{{ object.bn }}"), ("{{ prosecutor.name }}", ""), ("{{ date }}", "{{ date ")],
    );
    let report = s.acts().check_templates(Some(("submission.kk.docx", &broken))).unwrap().remove(0);
    assert!(!report.ok);
    assert!(report.unknown.iter().any(|u| u.path == "object.bn" && u.part == "body"), "{report:?}");
    assert!(report.missing.contains(&"object.bin".to_string()), "{report:?}");
    assert!(report.missing.contains(&"prosecutor.name".to_string()), "{report:?}");
    assert!(report.errors.iter().any(|e| e.contains("unclosed") && e.contains("body, paragraph")), "{report:?}");

    // The command line exits non-zero and names them too.
    let file = db.file("submission.kk.docx", &broken);
    let out = Command::new(env!("CARGO_BIN_EXE_ekn"))
        .args(["--db", db.path.to_str().unwrap(), "act", "templates", "check", file.to_str().unwrap()])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success());
    assert!(stdout.contains("object.bn") && stdout.contains("prosecutor.name"), "{stdout}");

    // An office template beside the database is the one in force, and is checked as such.
    std::fs::create_dir_all(s.acts().office_templates_dir()).unwrap();
    std::fs::write(s.acts().office_templates_dir().join("submission.kk.docx"), &broken).unwrap();
    let in_force = s.acts().check_templates(None).unwrap();
    assert_eq!(in_force.iter().filter(|c| !c.ok).count(), 1);
}

/// Replaces text inside a template's word/document.xml (the placeholders are whole runs or the
/// replacement keeps the XML valid).
fn edit_document_xml(docx: &[u8], edits: &[(&str, &str)]) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let name = file.name().to_string();
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).unwrap();
        if name == "word/document.xml" {
            let mut text = String::from_utf8(bytes).unwrap();
            for (from, to) in edits {
                assert!(text.contains(from), "{from} in the template");
                text = text.replacen(from, to, 1);
            }
            bytes = text.into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        out.write_all(&bytes).unwrap();
    }
    out.finish().unwrap().into_inner()
}

#[test]
fn an_issued_act_is_journaled_with_its_control_task_and_the_evidence_goes_into_the_package() {
    let db = seeded();
    let mut s = db.session();
    let object = bin(1);

    // Documents: kept once per content, encrypted at rest, the name masked like any text.
    let scan = "Акт проверки R-1: нарушения санитарных правил, объяснение директора".as_bytes();
    let attached = s.evidence().attach(&object, "акт R-1.txt", scan, Some("копия из органа")).unwrap();
    assert!(attached.new);
    let again = s.evidence().attach(&object, "копия.txt", scan, None).unwrap();
    assert!(!again.new, "the same bytes are kept once");
    let stored =
        s.evidence().attachments_dir().join(&attached.attachment.sha256[..2]).join(&attached.attachment.sha256);
    let on_disk = std::fs::read(&stored).unwrap();
    assert!(!on_disk.windows(8).any(|w| w == &scan[..8]), "the document is not left readable on disk");
    assert_eq!(s.evidence().attachment_bytes(&attached.attachment.sha256).unwrap(), scan);

    // The checklist: the protest's own item ticked by a person with the document behind it.
    let before = s.acts().checklists(&object).unwrap();
    let protest = before.iter().find(|c| c.kind == ActKind::Protest).expect("a protest applies");
    let missing_before = protest.missing;
    let ticked = s
        .acts()
        .mark_checklist(&ChecklistMarkRequest {
            bin: object.clone(),
            item: "protest-act-copy".into(),
            ticked: true,
            document: Some(attached.attachment.sha256.clone()),
            note: Some("копия приобщена".into()),
        })
        .unwrap();
    assert!(ticked.satisfied && ticked.mark.as_ref().unwrap().document.is_some());
    let after = s.acts().checklists(&object).unwrap();
    assert_eq!(after.iter().find(|c| c.kind == ActKind::Protest).unwrap().missing, missing_before - 1);
    assert!(s
        .acts()
        .mark_checklist(&ChecklistMarkRequest {
            bin: object.clone(),
            item: "no-such-item".into(),
            ..Default::default()
        })
        .is_err());

    // Issued: journaled, the control task due after the addressee's period (thirty calendar days,
    // 155-VII art. 36 p. 2: 02.03.2026 → 01.04.2026) and the office's 5 working days.
    let issued = s
        .acts()
        .issue(&ActIssueRequest {
            bin: object.clone(),
            kind: Some(ActKind::Submission),
            issued_on: Some(chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap()),
            number: Some("2-15/26".into()),
            addressee: "ДСЭК г. Алматы".into(),
            requirements: vec!["Устранить нарушения".into()],
            assignee: Some("Ахметов".into()),
            unit: Some("Отдел надзора".into()),
            document: Some(attached.attachment.sha256.clone()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(issued.act.response_due.as_deref(), Some("2026-04-01"));
    assert_eq!(issued.norm_verified, Some(true));
    let task = issued.control_task.expect("a control-of-execution task");
    assert_eq!(task.task.norm_id.as_deref(), Some("control-of-execution"));
    assert!(task.task.current_due > chrono::NaiveDate::from_ymd_opt(2026, 4, 1).unwrap());
    let warning = s
        .acts()
        .issue(&ActIssueRequest {
            bin: object.clone(),
            kind: Some(ActKind::Warning),
            addressee: "ТОО".into(),
            ..Default::default()
        })
        .unwrap();
    assert!(warning.control_task.is_none(), "a warning gives no period to control");
    assert!(s
        .acts()
        .issue(&ActIssueRequest { bin: object.clone(), kind: Some(ActKind::Order), ..Default::default() })
        .is_err());
    // A resolution (155-VII art. 37 p. 2) is executed within the period it sets itself: none given
    // is refused in words; ten calendar days from 02.03.2026 is due 12.03.2026, controlled after.
    let resolution = ActIssueRequest {
        bin: object.clone(),
        kind: Some(ActKind::Resolution),
        issued_on: Some(chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap()),
        addressee: "Акимат".into(),
        requirements: vec!["Отменить ограничительные меры".into()],
        ..Default::default()
    };
    let refused = s.acts().issue(&resolution).unwrap_err();
    assert_eq!(refused.code, ekn::api::ErrorCode::InvalidInput, "{}", refused.message);
    let issued = s
        .acts()
        .issue(&ActIssueRequest {
            period: Some(ekn::domain::deadline::Period { amount: 10, unit: ekn::domain::deadline::Unit::CalendarDays }),
            ..resolution
        })
        .unwrap();
    assert_eq!(issued.act.response_due.as_deref(), Some("2026-03-12"));
    let control = issued.control_task.expect("a resolution's execution is controlled");
    assert!(control.task.current_due > chrono::NaiveDate::from_ymd_opt(2026, 3, 12).unwrap());
    let kinds: Vec<String> = s
        .journal(&JournalQuery { object: Some(object.clone()), ..Default::default() })
        .unwrap()
        .into_iter()
        .map(|l| l.kind)
        .collect();
    for kind in ["document_attached", "checklist_marked", "act_issued", "task_created"] {
        assert!(kinds.iter().any(|k| k == kind), "{kind} in {kinds:?}");
    }

    // The package carries the acts, the documents (decrypted) and the checklists.
    let out = db.dir.path().join("package");
    let packed = s.evidence().package(&object, &out, false).unwrap();
    let document = packed.contents.iter().find(|c| c.starts_with("attachments/") && c.ends_with(".txt")).unwrap();
    assert_eq!(std::fs::read(out.join("data").join(document)).unwrap(), scan);
    let acts = std::fs::read_to_string(out.join("data/acts/issued.json")).unwrap();
    assert!(acts.contains("2-15/26") && acts.contains("2026-04-01"));
    let checklist = std::fs::read_to_string(out.join("data/checklist.json")).unwrap();
    assert!(checklist.contains("protest-act-copy") && checklist.contains(&attached.attachment.sha256));
    assert!(s.evidence().verify(&out).unwrap().report.ok);
    crate::evidence::loc_bagit_validates(&out).expect("the LoC validator accepts the package with documents");
}

#[test]
fn an_acts_quality_at_issue_is_kept_and_counted_and_its_precedents_ranked_with_their_outcomes() {
    use ekn::api::{ActOutcomeRequest, EffectRequest, PrecedentRequest, Preferences};
    use ekn::domain::outcomes::{ActResult, ActStage};
    let db = seeded();
    let mut s = db.session();
    let object = bin(1);
    let day = |t: &str| Some(t.parse::<chrono::NaiveDate>().unwrap());
    s.screens()
        .set_preferences(&Preferences {
            language: "ru".into(),
            unit: Some("Прокуратура района".into()),
            ..Default::default()
        })
        .unwrap();

    // A draft with the norms breached and the requirements left to the prosecutor.
    let rough = s
        .acts()
        .draft(&ActDraftRequest {
            bin: object.clone(),
            kind: Some(ActKind::Submission),
            addressee: Some("ДСЭК".into()),
            ..Default::default()
        })
        .unwrap();
    assert!(rough.unfilled.contains(&"norms_breached".to_string()), "{:?}", rough.unfilled);
    assert!(rough.unfilled.contains(&"requirements".to_string()));
    assert!(!rough.unfilled.contains(&"addressee".to_string()) && !rough.unfilled.contains(&"office".to_string()));
    // Issued without naming the draft: the object's latest unused draft of the kind is the one.
    let first = s
        .acts()
        .issue(&ActIssueRequest {
            bin: object.clone(),
            kind: Some(ActKind::Submission),
            issued_on: day("2025-01-10"),
            addressee: "ДСЭК".into(),
            category: Some("Трудовые права".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(first.act.draft_seq, Some(rough.journal_seq));
    assert_eq!(first.act.draft_unfilled.as_deref(), Some(rough.unfilled.as_slice()));
    let missing: Vec<String> = first.missing.iter().map(|m| m.id.clone()).collect();
    assert_eq!(first.act.checklist_missing.as_deref(), Some(missing.as_slice()));
    assert_eq!(first.act.category.as_deref(), Some("social.labour"), "a category is kept as the taxonomy's code");

    // A draft with every placeholder filled, issued naming it; a draft named for another kind is refused.
    let full = s
        .acts()
        .draft(&ActDraftRequest {
            bin: object.clone(),
            kind: Some(ActKind::Submission),
            addressee: Some("ДСЭК".into()),
            addressee_position: Some("руководителю".into()),
            norms_breached: Some("ст. 152 Трудового кодекса".into()),
            requirements: vec!["Погасить задолженность".into()],
            prosecutor: Some("Ахметов А.".into()),
            prosecutor_position: Some("прокурор района".into()),
            ..Default::default()
        })
        .unwrap();
    assert!(full.unfilled.is_empty(), "{:?}", full.unfilled);
    let wrong = s
        .acts()
        .issue(&ActIssueRequest {
            bin: object.clone(),
            kind: Some(ActKind::Order),
            addressee: "ДСЭК".into(),
            draft_seq: Some(full.journal_seq),
            ..Default::default()
        })
        .unwrap_err();
    assert!(wrong.message.contains("is not a draft of a order"), "{wrong}");
    let second = s
        .acts()
        .issue(&ActIssueRequest {
            bin: object.clone(),
            kind: Some(ActKind::Submission),
            issued_on: day("2025-02-10"),
            addressee: "ДСЭК".into(),
            draft_seq: Some(full.journal_seq),
            ..Default::default()
        })
        .unwrap();
    assert_eq!((second.act.draft_seq, second.act.draft_unfilled.clone()), (Some(full.journal_seq), Some(vec![])));
    // No unused draft is left: a third act records none.
    let third = s
        .acts()
        .issue(&ActIssueRequest {
            bin: object.clone(),
            kind: Some(ActKind::Submission),
            issued_on: day("2025-03-10"),
            addressee: "ДСЭК".into(),
            ..Default::default()
        })
        .unwrap();
    assert_eq!((third.act.draft_seq, third.act.draft_unfilled.clone()), (None, None));

    // A formal defect goes only with a result that sent the act back.
    let outcome = |act: i64, result, formal_defect| ActOutcomeRequest {
        act,
        stage: ActStage::Answer,
        result,
        on: day("2025-03-01"),
        measures: Default::default(),
        document: None,
        from_fact: None,
        formal_defect,
    };
    let refused = s.acts().record_outcome(&outcome(first.act.id, ActResult::Satisfied, true)).unwrap_err();
    assert!(refused.message.contains("formal defect"), "{refused}");
    let returned = s.acts().record_outcome(&outcome(first.act.id, ActResult::Rejected, true)).unwrap();
    assert!(returned.outcomes[0].formal_defect);
    s.acts().record_outcome(&outcome(second.act.id, ActResult::Satisfied, false)).unwrap();

    // The report counts each over the acts it can be said of.
    let q = s.analytics().effect_report(&EffectRequest::default()).unwrap().kpis.quality;
    let complete = [&first, &second, &third].iter().filter(|a| a.missing.is_empty()).count() as u64;
    assert_eq!((q.checklist_complete.numerator, q.checklist_complete.denominator), (complete, 3));
    assert_eq!((q.placeholders_filled.numerator, q.placeholders_filled.denominator), (1, 2));
    assert_eq!((q.formal_defects.numerator, q.formal_defects.denominator), (1, 2));

    // The journal keeps what the draft left and which draft an act came from.
    let journal =
        s.journal(&JournalQuery { object: Some(object.clone()), limit: Some(100), ..Default::default() }).unwrap();
    let issued_from: Vec<Option<i64>> = journal
        .iter()
        .filter_map(|l| match &l.entry {
            Some(Entry::ActIssued { draft_seq, .. }) => Some(*draft_seq),
            _ => None,
        })
        .collect();
    assert_eq!(issued_from, [Some(rough.journal_seq), Some(full.journal_seq), None]);
    assert!(journal
        .iter()
        .any(|l| matches!(&l.entry, Some(Entry::ActDrafted { unfilled, .. }) if unfilled == &rough.unfilled)));

    // Precedents: an act of the same kind to another object of the same activity, in a category of
    // the same group, answered satisfied; the object's own first act ranks above it (the same
    // category and activity), with its formal defect; acts of other kinds are no precedent.
    let elsewhere = s
        .acts()
        .issue(&ActIssueRequest {
            bin: bin(2),
            kind: Some(ActKind::Submission),
            issued_on: day("2025-01-20"),
            addressee: "ИП".into(),
            category: Some("социальные выплаты".into()),
            ..Default::default()
        })
        .unwrap();
    s.acts().record_outcome(&outcome(elsewhere.act.id, ActResult::Satisfied, false)).unwrap();
    let p = s
        .acts()
        .precedents(&PrecedentRequest {
            bin: object.clone(),
            kind: Some(ActKind::Submission),
            category: Some("social.labour".into()),
            limit: None,
        })
        .unwrap();
    assert_eq!(p.matching, 4);
    assert_eq!(p.similar[0].act_id, first.act.id);
    assert_eq!(p.similar[0].matched_on, ["category", "oked"]);
    assert!(p.similar[0].formal_defect && p.similar[0].same_object);
    let there = p.similar.iter().find(|a| a.act_id == elsewhere.act.id).expect("the other object's act");
    assert_eq!(there.matched_on, ["category_group", "oked"]);
    assert_eq!(there.answer.as_deref(), Some("satisfied"));
    assert_eq!((p.tally.satisfied, p.tally.rejected, p.tally.no_answer, p.tally.formal_defects), (2, 1, 1, 1));
    let protests = s
        .acts()
        .precedents(&PrecedentRequest { bin: object, kind: Some(ActKind::Protest), ..Default::default() })
        .unwrap();
    assert_eq!(protests.matching, 0);
}
