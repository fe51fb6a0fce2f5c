//! The import rules of the core-foundation issue, each pinned: formats and encodings, upserts by
//! natural key, provenance, pseudonymisation, skip-invalid.

use ekn::domain::records::DataKind;
use sha2::Digest;

use crate::support::*;

/// The card of `bin(1)` as JSON without provenance (which differs by design between databases).
fn card_without_sources(db: &TempDb) -> serde_json::Value {
    let mut card = serde_json::to_value(db.session().registry().card(&bin(1)).unwrap()).unwrap();
    for list in ["inspections", "appeals", "risk"] {
        for item in card[list].as_array_mut().unwrap() {
            item.as_object_mut().unwrap().remove("source");
        }
    }
    card
}

#[test]
fn the_same_data_in_every_export_format_gives_the_same_card() {
    let reference = TempDb::new();
    let file = reference.file("inspections.csv", inspections_csv());
    let report = reference.import(DataKind::Inspections, &file).unwrap();
    assert_eq!(report.format, "CSV, UTF-8 with BOM, delimiter ';'");
    assert_eq!((report.rows_read, report.inserted), (3, 3));
    let expected = card_without_sources(&reference);

    // Windows-1251, comma-separated.
    let db = TempDb::new();
    let mut text = INSPECTION_HEADER_RU.join(",") + "\r\n";
    for row in inspection_rows() {
        text.push_str(&(csv_line(&row, ',') + "\r\n"));
    }
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1251.encode(&text);
    // Windows-1251 has no Kazakh letters, so these rows use Russian spellings only.
    assert!(!unmappable);
    let path = db.file("cp1251.csv", &bytes);
    assert!(db.import(DataKind::Inspections, &path).unwrap().format.contains("Windows-1251"));
    assert_eq!(card_without_sources(&db), expected);

    // JSON array with English keys and ISO dates.
    let db = TempDb::new();
    let keys = ekn::ingest::columns::INSPECTION_FIELDS.iter().map(|f| f.name).collect::<Vec<_>>();
    let objects: Vec<serde_json::Value> = inspection_rows()
        .iter()
        .map(|row| {
            let mut map = serde_json::Map::new();
            for (key, cell) in keys.iter().zip(row) {
                let value = match *key {
                    "start_date" | "end_date" if !cell.is_empty() => {
                        let d = chrono::NaiveDate::parse_from_str(cell, "%d.%m.%Y").unwrap();
                        serde_json::Value::String(d.to_string())
                    }
                    "violations" => serde_json::Value::from(cell.parse::<u64>().unwrap()),
                    "appealed" | "declared_illegal" => serde_json::Value::Bool(cell == "да"),
                    _ if cell.is_empty() => serde_json::Value::Null,
                    _ => serde_json::Value::String(cell.clone()),
                };
                map.insert(key.to_string(), value);
            }
            serde_json::Value::Object(map)
        })
        .collect();
    let path = db.file("inspections.json", serde_json::to_string_pretty(&objects).unwrap());
    assert_eq!(db.import(DataKind::Inspections, &path).unwrap().format, "JSON array");
    assert_eq!(card_without_sources(&db), expected);

    // NDJSON: one object per line.
    let db = TempDb::new();
    let lines: String = objects.iter().map(|o| o.to_string() + "\n").collect();
    let path = db.file("inspections.ndjson", lines);
    assert!(db.import(DataKind::Inspections, &path).unwrap().format.starts_with("NDJSON"));
    assert_eq!(card_without_sources(&db), expected);

    // XLSX, first sheet, with dates as real Excel dates and numbers as numbers.
    let db = TempDb::new();
    let path = db.dir.path().join("inspections.xlsx");
    write_inspections_xlsx(&path);
    let report = db.import(DataKind::Inspections, &path).unwrap();
    assert!(report.format.starts_with("XLSX"), "{}", report.format);
    assert_eq!(card_without_sources(&db), expected);
}

/// Writes the inspections as Excel would hold them: dates as date cells, counts as numbers, and a
/// BIN that starts with 0 stored as a number (so its leading zero is lost, as in real exports).
pub fn write_inspections_xlsx(path: &std::path::Path) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Проверки").unwrap();
    let date_format = rust_xlsxwriter::Format::new().set_num_format("dd.mm.yyyy");
    for (col, header) in INSPECTION_HEADER_RU.iter().enumerate() {
        sheet.write_string(0, col as u16, *header).unwrap();
    }
    for (r, row) in inspection_rows().iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            match c {
                8 => {
                    let d = chrono::NaiveDate::parse_from_str(cell, "%d.%m.%Y").unwrap();
                    let excel = rust_xlsxwriter::ExcelDateTime::from_ymd(
                        chrono::Datelike::year(&d) as u16,
                        chrono::Datelike::month(&d) as u8,
                        chrono::Datelike::day(&d) as u8,
                    )
                    .unwrap();
                    sheet.write_datetime_with_format(r, c, &excel, &date_format).unwrap();
                }
                1 | 10 => {
                    sheet.write_number(r, c, cell.parse::<f64>().unwrap()).unwrap();
                }
                _ if cell.is_empty() => {}
                _ => {
                    sheet.write_string(r, c, cell).unwrap();
                }
            }
        }
    }
    book.save(path).unwrap();
}

#[test]
fn reimporting_upserts_by_natural_key_and_reports_what_changed() {
    let db = TempDb::new();
    let file = db.file("inspections.csv", inspections_csv());
    let first = db.import(DataKind::Inspections, &file).unwrap();
    assert_eq!((first.inserted, first.updated, first.unchanged), (3, 0, 0));
    assert_eq!(first.same_file_as_import, None);

    let again = db.import(DataKind::Inspections, &file).unwrap();
    assert_eq!((again.inserted, again.updated, again.unchanged, again.rejected), (0, 0, 3, 0));
    assert_eq!(again.same_file_as_import, Some(first.import_id));

    // An updated export: R-2 now has a violation, R-4 is new.
    let mut rows = inspection_rows();
    rows[1][10] = "1".into();
    let mut extra = rows[0].clone();
    extra[0] = "R-4".into();
    extra[8] = "01.06.2026".into();
    rows.push(extra);
    let mut text = INSPECTION_HEADER_RU.join(";") + "\n";
    for row in &rows {
        text.push_str(&(csv_line(row, ';') + "\n"));
    }
    let updated_file = db.file("inspections-v2.csv", text);
    let third = db.import(DataKind::Inspections, &updated_file).unwrap();
    assert_eq!((third.inserted, third.updated, third.unchanged), (1, 1, 2));
    let mut session = db.session();
    assert_eq!(session.registry().status().unwrap().counts.inspections, 4);
    let card = session.registry().card(&bin(1)).unwrap();
    let r2 = card.inspections.iter().find(|i| i.registry_no == "R-2").unwrap();
    assert_eq!(r2.violations, 1);
    // The row now points at the import that last contained it, and at its line there.
    assert_eq!((r2.source.import_id, r2.source.line), (third.import_id, 3));
}

#[test]
fn every_import_is_recorded_with_hash_source_and_legal_card() {
    let db = TempDb::new();
    let text = inspections_csv();
    let file = db.file("inspections.csv", &text);
    let report = db
        .session()
        .registry()
        .import(DataKind::Inspections, &file, Some("ИС «Тексеру»".into()), false, None, &mut |_| {})
        .unwrap();
    let expected_hash = hex::encode(sha2::Sha256::digest(text.as_bytes()));
    assert_eq!(report.sha256, expected_hash);
    let status = db.session().registry().status().unwrap();
    let record = &status.imports[0];
    assert_eq!(record.sha256, expected_hash);
    assert_eq!(record.source, "ИС «Тексеру»");
    assert_eq!(record.rows_read, 3);
    assert!(record.legal_basis.contains("155-VII"), "{}", record.legal_basis);
    assert!(!record.purpose.is_empty() && !record.retention.is_empty() && !record.roles.is_empty());
    assert!(record.finished_at.is_some());

    // A legal card of one's own is recorded instead of the default.
    let card_file = db
        .file("card.json", r#"{"purpose":"пилот","legal_basis":"приказ № 1","retention":"1 год","roles":"аналитик"}"#);
    let risk = db.file("risk.csv", risk_csv());
    db.session().registry().import(DataKind::Risk, &risk, None, false, Some(&card_file), &mut |_| {}).unwrap();
    let newest = &db.session().registry().status().unwrap().imports[0];
    assert_eq!((newest.purpose.as_str(), newest.retention.as_str()), ("пилот", "1 год"));

    // Every row on the card names the import and line it came from.
    let card = db.session().registry().card(&bin(1)).unwrap();
    assert!(!card.inspections.is_empty() && !card.risk.is_empty());
    assert!(card.inspections.iter().all(|i| i.source.import_id == report.import_id && i.source.line >= 2));
    assert!(card.risk.iter().all(|r| r.source.import_id == newest.id));
}

#[test]
fn applicants_are_pseudonymised_and_no_raw_identifier_reaches_the_database_file() {
    let db = TempDb::new();
    let file = db.file("appeals.csv", appeals_csv());
    let report = db.import(DataKind::Appeals, &file).unwrap();
    assert_eq!((report.masked_iins, report.masked_phones, report.masked_emails), (2, 3, 2));

    let card = db.session().registry().card(&bin(1)).unwrap();
    let (a1, a2) = (&card.appeals[0], &card.appeals[1]);
    assert!(a1.applicant.as_deref().unwrap().starts_with("p:"));
    assert_eq!(a1.applicant, a2.applicant, "the same applicant keeps the same pseudonym");
    assert_eq!(a2.repeats.as_deref(), Some("A-1"), "the second letter repeats the first");
    assert_eq!(card.indicators.appeals_repeated, 1);
    assert!(a1.text.as_deref().unwrap().contains("[ИИН]"));

    drop(card);
    ekn::store::Store::open(&db.path).unwrap().checkpoint().unwrap();
    let mut stored = std::fs::read(&db.path).unwrap();
    if let Ok(wal) = std::fs::read(db.path.with_extension("db-wal")) {
        stored.extend(wal);
    }
    for raw in [iin(7), iin(8), "701 555 12 34".into(), "zhanar.test@mail.kz".into(), "777 123 45 67".into()] {
        assert!(!stored.windows(raw.len()).any(|w| w == raw.as_bytes()), "{raw} was found in the database file");
    }
    // The key that makes pseudonyms is beside the database, not in it, and private.
    let key = ekn::store::secret::key_path(&db.path);
    assert!(key.exists());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&key).unwrap().permissions().mode() & 0o777, 0o600);
    }
}

#[test]
fn skip_invalid_keeps_the_valid_rows_and_writes_the_rejected_ones_with_reasons() {
    let db = TempDb::new();
    let (header, mut rows) = appeal_rows();
    rows[1][1] = "31.02.2024".into(); // line 3: bad date
    rows[2][4] = "123456789012".into(); // line 4: invalid applicant IIN
    let mut text = header.join(",") + "\n";
    for row in &rows {
        text.push_str(&(csv_line(row, ',') + "\n"));
    }
    let file = db.file("appeals.csv", text);
    let report = db.import_skipping(DataKind::Appeals, &file);
    assert_eq!((report.rows_read, report.inserted, report.rejected), (3, 1, 2));
    let rejected_path = report.rejected_file.expect("a rejected file");
    assert!(rejected_path.ends_with("appeals.csv.rejected.csv"));
    let rejected = std::fs::read_to_string(&rejected_path).unwrap();
    let lines: Vec<&str> = rejected.trim_start_matches('\u{feff}').lines().collect();
    assert!(lines[0].starts_with("line;field;reason;appeal_no"));
    assert!(lines[1].starts_with("3;received;'31.02.2024' is not a date"), "{}", lines[1]);
    assert!(lines[2].starts_with("4;applicant_iin;the IIN"), "{}", lines[2]);
    // The copy keeps no personal data: the IIN is blanked, the text masked.
    assert!(!rejected.contains(&iin(7)) && !rejected.contains("123456789012"), "{rejected}");
    assert!(!rejected.contains("zhanar.test@mail.kz"));
    assert_eq!(db.session().registry().status().unwrap().counts.appeals, 1);
}

#[test]
fn kazakh_headers_and_excel_stripped_zeros_are_understood() {
    let db = TempDb::new();
    // A BIN that starts with 0, written without it as Excel does with numbers.
    let zero_bin = (0..100)
        .find_map(|serial| {
            let stem: Vec<u8> = format!("0503400{serial:04}").bytes().map(|b| b - b'0').collect();
            ekn::domain::ids::with_check_digit(stem.try_into().unwrap())
        })
        .unwrap();
    let text = format!(
        "Тіркеу нөмірі;БСН;Субъектінің атауы;ӘАОЖ;ЭҚЖЖ;Бақылау органы;Тексеру түрі;Басталған күні\n\
         K-1;{};«Шаһар Құрылыс» ЖШС;711110000;41200;Құрылыс бақылауы;жоспардан тыс;2025-02-03\n",
        &zero_bin[1..]
    );
    let file = db.file("kk.csv", text);
    db.import(DataKind::Inspections, &file).unwrap();
    let card = db.session().registry().card(&zero_bin).unwrap();
    assert_eq!(card.subject.name.as_deref(), Some("«Шаһар Құрылыс» ЖШС"));
    assert_eq!(card.subject.region.as_ref().unwrap().name_kk, "Астана қаласы");
    assert_eq!(card.subject.oked.as_deref(), Some("41.20.0"));
    assert_eq!(card.subject.oked_section.as_ref().unwrap().code, "F");
    assert_eq!(card.indicators.by_kind.unplanned, 1);
}

#[test]
fn latest_risk_score_per_model_with_its_factors() {
    let db = TempDb::new();
    let file = db.file("risk.csv", risk_csv());
    db.import(DataKind::Risk, &file).unwrap();
    let card = db.session().registry().card(&bin(1)).unwrap();
    assert_eq!(card.risk.len(), 2);
    assert_eq!((card.risk[0].model.as_str(), card.risk[0].score), ("m1", 72.5));
    let factors: Vec<(&str, f64)> = card.risk[0].factors.iter().map(|f| (f.name.as_str(), f.value)).collect();
    assert_eq!(factors, vec![("visits", 0.6), ("fines", 0.3)]);
    assert!(card.risk[1].factors.is_empty());
}

/// Issue 63: every row's KATO code is looked up in the classifier НК РК 11-2025. A code it lacks is
/// named with its line and field and the row is kept as written; known codes pass without a word;
/// the CLI says the same in the person's language.
#[test]
fn kato_codes_the_classifier_lacks_are_named_by_line_and_field_and_nothing_is_lost() {
    let db = TempDb::new();
    let mut rows = inspection_rows();
    rows[1][3] = "751190000".into(); // no such place in Алматы
    rows[2][3] = "553200000".into(); // Актогайский район, Павлодарская область
    let mut text = INSPECTION_HEADER_RU.join(";") + "\n";
    for row in &rows {
        text.push_str(&(csv_line(row, ';') + "\n"));
    }
    let file = db.file("places.csv", text);
    let report = db.import(DataKind::Inspections, &file).unwrap();
    assert_eq!((report.inserted, report.rejected), (3, 0), "nothing is refused for its place");
    assert_eq!((report.kato.unknown, report.kato.mapped), (1, 0));
    assert_eq!(report.kato.classifier, "NK RK 11-2025");
    let note = &report.kato.notes[0];
    assert_eq!(
        (note.line, note.field.as_str(), note.code.as_str(), note.current.as_deref()),
        (3, "kato", "751190000", None)
    );
    let mut session = db.session();
    let card = session.registry().card(&bin(1)).unwrap();
    assert_eq!(card.subject.kato.as_deref(), Some("751190000"), "kept as written");

    // The command line names the row in the person's language.
    let cli = tempfile::tempdir().unwrap();
    let cli_db = cli.path().join("ekn.db");
    let ekn = |lang: &str, args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_ekn"))
            .arg("--db")
            .arg(&cli_db)
            .args(args)
            .env("EKN_LANG", lang)
            .output()
            .unwrap()
    };
    assert!(ekn("en", &["init"]).status.success());
    let out = ekn("ru", &["import", "inspections", file.to_str().unwrap()]);
    let printed = String::from_utf8(out.stdout).unwrap();
    assert!(printed.contains("строка 3, поле kato: «751190000» нет в классификаторе"), "{printed}");
    // The generated demo's places are all the classifier's own, its planted rows' too.
    for (kind, name) in [(DataKind::Inspections, "inspections.csv"), (DataKind::Appeals, "appeals.csv")] {
        let demo = db.file(name, std::fs::read(format!("fixtures/demo/{name}")).unwrap());
        let report = db.import(kind, &demo).unwrap();
        assert_eq!((report.kato.unknown, report.kato.mapped), (0, 0), "{name}: {:?}", report.kato.notes.first());
    }
}
