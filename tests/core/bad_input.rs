//! The bad-input suite: every malformed file fails with its file, line (or row) and field named,
//! and the database is exactly as it was before the attempt.

use ekn::domain::records::DataKind;

use crate::support::*;

/// Imports `bytes` as `name` into a database that already holds data, expects failure, and
/// returns the message after checking that nothing changed.
fn fails(kind: DataKind, name: &str, bytes: impl AsRef<[u8]>) -> String {
    let db = TempDb::new();
    let seed = db.file("seed.csv", inspections_csv());
    db.import(DataKind::Inspections, &seed).unwrap();
    let before = db.fingerprint();
    let path = db.file(name, bytes);
    let err = db.import(kind, &path).expect_err("the import must fail");
    assert_eq!(err.code.code(), "invalid_input", "{}", err.message);
    assert_eq!(db.fingerprint(), before, "a failed import changed the database");
    assert!(!err.message.contains('\n'), "one line: {}", err.message);
    err.message.replace(&path.display().to_string(), name)
}

fn inspections_with(edit: impl Fn(&mut Vec<[String; 15]>)) -> String {
    let mut rows = inspection_rows();
    edit(&mut rows);
    let mut text = INSPECTION_HEADER_RU.join(";") + "\n";
    for row in &rows {
        text.push_str(&(csv_line(row, ';') + "\n"));
    }
    text
}

#[test]
fn a_bad_date_names_its_line_and_field() {
    let msg = fails(DataKind::Inspections, "x.csv", inspections_with(|r| r[1][8] = "31.02.2024".into()));
    assert_eq!(msg, "x.csv: line 3, field start_date: '31.02.2024' is not a date (expected dd.mm.yyyy or yyyy-mm-dd)");
}

#[test]
fn a_bad_value_carries_its_place_as_data_for_the_faces() {
    let db = TempDb::new();
    let path = db.file("x.csv", inspections_with(|r| r[1][8] = "31.02.2024".into()));
    let err = db.import(DataKind::Inspections, &path).unwrap_err();
    let detail = err.detail.expect("the place travels as data, not only inside the English sentence");
    assert_eq!(
        (detail.file.as_str(), detail.position.as_str(), detail.line, detail.field.as_str()),
        (path.display().to_string().as_str(), "line", 3, "start_date")
    );
    assert_eq!(detail.value.as_deref(), Some("31.02.2024"), "a date is safe to show");
    // A value that may be personal data (a BIN can be an entrepreneur's IIN) is never repeated.
    let path = db.file("y.csv", inspections_with(|r| r[2][1] = "123".into()));
    let detail = db.import(DataKind::Inspections, &path).unwrap_err().detail.unwrap();
    assert_eq!((detail.line, detail.field.as_str(), detail.value), (4, "bin", None));
}

#[test]
fn a_csv_with_windows_line_endings_names_the_same_line_as_with_unix_ones() {
    // Excel and the state systems write CRLF; the line of a bad value must not depend on it.
    for (bad_row, line) in [(0usize, 2u64), (1, 3), (2, 4)] {
        let unix = inspections_with(|r| r[bad_row][8] = "31.02.2024".into());
        let windows = unix.replace('\n', "\r\n");
        assert!(windows.contains("\r\n") && !unix.contains('\r'));
        let unix_msg = fails(DataKind::Inspections, "x.csv", &unix);
        let windows_msg = fails(DataKind::Inspections, "x.csv", &windows);
        let expected = format!("x.csv: line {line}, field start_date: '31.02.2024'");
        assert!(unix_msg.starts_with(&expected), "LF: {unix_msg}");
        assert!(windows_msg.starts_with(&expected), "CRLF: {windows_msg}");
    }
    // A quoted value spanning lines counts its lines in both.
    let unix = inspections_with(|r| {
        r[0][7] = "по обращению\nпрокурора".into();
        r[1][8] = "31.02.2024".into();
    });
    for text in [unix.clone(), unix.replace('\n', "\r\n")] {
        let msg = fails(DataKind::Inspections, "x.csv", &text);
        assert!(msg.starts_with("x.csv: line 4, field start_date"), "{msg:?}");
    }
}

#[test]
fn a_bin_with_a_wrong_check_digit_is_refused() {
    let msg = fails(
        DataKind::Inspections,
        "x.csv",
        inspections_with(|r| {
            let mut b = r[2][1].clone();
            let last = b.pop().unwrap().to_digit(10).unwrap();
            b.push(char::from_digit((last + 1) % 10, 10).unwrap());
            r[2][1] = b;
        }),
    );
    assert!(msg.starts_with("x.csv: line 4, field bin: '"), "{msg}");
    assert!(msg.contains("check digit is wrong"), "{msg}");
}

#[test]
fn a_truncated_last_line_names_the_first_missing_field() {
    let mut text = inspections_with(|_| {});
    text.truncate(text.trim_end().rfind(";10.10.2025").unwrap());
    let msg = fails(DataKind::Inspections, "x.csv", text);
    assert_eq!(
        msg,
        "x.csv: line 4, field Дата начала: expected 15 fields as in the header, found 8 (a truncated line, or an unquoted delimiter inside a value?)"
    );
}

#[test]
fn a_line_with_too_many_fields_is_refused() {
    let text = inspections_with(|_| {}).replacen("обращение физического лица;", "обращение; физического лица;", 1);
    let msg = fails(DataKind::Inspections, "x.csv", text);
    assert!(msg.starts_with("x.csv: line 2, field column 16: expected 15 fields as in the header, found 16"), "{msg}");
}

#[test]
fn an_empty_file_and_a_blank_file_are_refused() {
    assert_eq!(fails(DataKind::Inspections, "empty.csv", ""), "empty.csv: line 1, field —: the file is empty");
    assert_eq!(fails(DataKind::Appeals, "blank.csv", "\n \r\n"), "blank.csv: line 1, field —: the file is empty");
}

#[test]
fn a_duplicate_key_in_one_file_names_both_lines() {
    let msg = fails(DataKind::Inspections, "x.csv", inspections_with(|r| r[2][0] = "R-1".into()));
    assert_eq!(msg, "x.csv: line 4, field registry_no: this registry_no already appeared on line 2 of this file");
}

#[test]
fn a_duplicate_of_an_identical_row_is_still_a_duplicate() {
    let msg = fails(DataKind::Inspections, "x.csv", inspections_with(|r| r.push(r[0].clone())));
    assert_eq!(msg, "x.csv: line 5, field registry_no: this registry_no already appeared on line 2 of this file");
}

#[test]
fn a_huge_field_is_refused_with_its_length() {
    let (header, mut rows) = appeal_rows();
    rows[0][7] = "жалоба!".repeat(20_000);
    let mut text = header.join(",") + "\n";
    for row in &rows {
        text.push_str(&(csv_line(row, ',') + "\n"));
    }
    let msg = fails(DataKind::Appeals, "a.csv", text);
    assert_eq!(msg, "a.csv: line 2, field text: is 140000 characters long; the limit is 100000");
}

#[test]
fn a_utf8_file_with_a_line_in_another_encoding_names_that_line() {
    let mut bytes = inspections_with(|_| {}).into_bytes();
    // Replace "Кайнар" on line 3 with its Windows-1251 bytes.
    let text = String::from_utf8(bytes.clone()).unwrap();
    let line3_start = text.match_indices('\n').nth(1).unwrap().0 + 1;
    let at = line3_start + text[line3_start..].find("Кайнар").unwrap();
    let (cp1251, _, _) = encoding_rs::WINDOWS_1251.encode("Кайнар");
    bytes.splice(at..at + "Кайнар".len(), cp1251.iter().copied());
    let msg = fails(DataKind::Inspections, "x.csv", bytes);
    assert!(msg.starts_with("x.csv: line 3, field Наименование субъекта: is not valid UTF-8"), "{msg}");
}

#[test]
fn utf16_and_binary_files_are_refused_by_name() {
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in "registry_no,bin\n".encode_utf16() {
        utf16.extend(unit.to_le_bytes());
    }
    assert!(fails(DataKind::Inspections, "u16.csv", utf16).contains("the file is UTF-16"));
    assert!(fails(DataKind::Inspections, "old.xls", b"\xD0\xCF\x11\xE0\x00\x00\x00").contains("binary"));
}

#[test]
fn a_missing_required_column_is_named_on_line_one() {
    let text = inspections_with(|_| {}).replace("Вид проверки", "Комментарий");
    let msg = fails(DataKind::Inspections, "x.csv", text);
    assert!(msg.starts_with("x.csv: line 1, field kind: required column is missing"), "{msg}");
}

#[test]
fn values_outside_their_vocabulary_are_refused() {
    let msg = fails(DataKind::Inspections, "x.csv", inspections_with(|r| r[0][6] = "еженедельная".into()));
    assert!(msg.starts_with("x.csv: line 2, field kind: 'еженедельная' is not a kind of inspection"), "{msg}");
    let msg = fails(DataKind::Inspections, "x.csv", inspections_with(|r| r[0][3] = "991110000".into()));
    assert!(msg.starts_with("x.csv: line 2, field kato: '991110000' starts with 99"), "{msg}");
    let msg = fails(DataKind::Inspections, "x.csv", inspections_with(|r| r[0][13] = "возможно".into()));
    assert!(msg.starts_with("x.csv: line 2, field appealed:"), "{msg}");
    let msg = fails(DataKind::Inspections, "x.csv", inspections_with(|r| r[0][9] = "01.01.2020".into()));
    assert_eq!(msg, "x.csv: line 2, field end_date: 2020-01-01 is before start_date 2024-03-15");
}

#[test]
fn an_invalid_applicant_iin_is_refused_without_repeating_it() {
    let (header, mut rows) = appeal_rows();
    rows[2][4] = "850315300129".into();
    let mut text = header.join(",") + "\n";
    for row in &rows {
        text.push_str(&(csv_line(row, ',') + "\n"));
    }
    let msg = fails(DataKind::Appeals, "a.csv", text);
    assert!(msg.starts_with("a.csv: line 4, field applicant_iin: the IIN"), "{msg}");
    assert!(!msg.contains("850315300129"), "the message must not carry personal data: {msg}");
}

#[test]
fn broken_json_names_the_line_of_the_record() {
    let valid =
        format!(r#"{{"bin": "{}", "score": 5, "degree": "low", "model": "m", "computed": "2025-01-01"}}"#, bin(1));
    let msg = fails(DataKind::Risk, "r.json", format!("[\n{valid},\n{{\"bin\": \"2\", \"score\": }}\n]"));
    assert!(msg.starts_with("r.json: line 3, field —: invalid JSON"), "{msg}");
    let msg = fails(DataKind::Risk, "r.json", format!("[\n{{\"bin\": \"{}\", \"score\": 5, ", bin(1)));
    assert_eq!(msg, "r.json: line 2, field —: the file ends inside this record (truncated file?)");
    let msg = fails(DataKind::Risk, "r.ndjson", format!("{{\"bin\": \"{}\", \"score\": 500, \"degree\": \"low\", \"model\": \"m\", \"computed\": \"2025-01-01\"}}\n", bin(1)));
    assert_eq!(msg, "r.ndjson: line 1, field score: '500' is outside 0–100");
}

#[test]
fn a_bad_xlsx_row_is_named_by_its_row_number() {
    let db = TempDb::new();
    let before = db.fingerprint();
    let path = db.dir.path().join("bad.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (col, header) in ["bin", "score", "degree", "model", "computed"].iter().enumerate() {
        sheet.write_string(0, col as u16, *header).unwrap();
    }
    for (col, cell) in [bin(1).as_str(), "50", "high", "m", "2025-01-01"].iter().enumerate() {
        sheet.write_string(1, col as u16, *cell).unwrap();
    }
    for (col, cell) in [bin(2).as_str(), "50", "extreme", "m", "2025-01-01"].iter().enumerate() {
        sheet.write_string(2, col as u16, *cell).unwrap();
    }
    book.save(&path).unwrap();
    let err = db.import(DataKind::Risk, &path).unwrap_err();
    assert!(
        err.message.ends_with(
            "bad.xlsx: row 3, field degree: 'extreme' is not a degree (high, medium, low — высокая, средняя, низкая)"
        ),
        "{}",
        err.message
    );
    let detail = err.detail.expect("the row travels as data");
    assert_eq!((detail.position.as_str(), detail.line, detail.field.as_str()), ("row", 3, "degree"));
    assert_eq!(detail.value.as_deref(), Some("extreme"));
    assert_eq!(db.fingerprint(), before);
}

#[test]
fn a_missing_file_is_not_found() {
    let db = TempDb::new();
    let err = db.import(DataKind::Inspections, &db.dir.path().join("nope.csv")).unwrap_err();
    assert_eq!(err.code.code(), "not_found");
}

/// A workbook of risk scores with `extra` written after its one good row.
fn risk_book(extra: impl Fn(&mut rust_xlsxwriter::Worksheet)) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (col, header) in ["bin", "score", "degree", "model", "computed"].iter().enumerate() {
        sheet.write_string(0, col as u16, *header).unwrap();
    }
    for (col, cell) in [bin(1).as_str(), "50", "high", "m", "2025-01-01"].iter().enumerate() {
        sheet.write_string(1, col as u16, *cell).unwrap();
    }
    extra(sheet);
    book.save_to_buffer().unwrap()
}

#[test]
fn a_two_cell_workbook_spanning_the_whole_sheet_is_refused_without_allocating_it() {
    // A1 and XFD1048576: a dense reader asks for 17·10⁹ cells and the process aborts.
    let bytes = risk_book(|sheet| {
        sheet.write_string(1_048_575, 16_383, "far").unwrap();
    });
    assert!(bytes.len() < 10_000, "the hostile file is small: {} bytes", bytes.len());
    let msg = fails(DataKind::Risk, "far.xlsx", &bytes);
    assert!(msg.contains("A1:XFD1048576") && msg.contains("256 columns"), "{msg}");
    // The preview (the Import screen's, and `ekn serve`'s) reads the same way and refuses it too.
    let db = TempDb::new();
    let path = db.file("far.xlsx", &bytes);
    let err = db.session().registry().preview_import(&path, Some(DataKind::Risk)).unwrap_err();
    assert_eq!(err.code.code(), "invalid_input", "{}", err.message);
}

#[test]
fn a_stray_value_far_down_an_honest_sheet_costs_only_its_row() {
    // Z1000000: within the bounds, read as a stream; the import names that row, not a gigabyte.
    let bytes = risk_book(|sheet| {
        sheet.write_string(999_999, 25, "stray").unwrap();
    });
    let msg = fails(DataKind::Risk, "stray.xlsx", &bytes);
    assert!(msg.starts_with("stray.xlsx: row 1000000, field "), "{msg}");
}

#[test]
fn a_workbook_whose_strings_inflate_past_the_cap_is_refused_before_they_are_read() {
    use std::io::Write;
    // A real workbook whose shared strings are replaced by 1.1 GiB of zeros, deflated to about a
    // megabyte: read whole (as the reader's library does), it would take the memory with it.
    let good = risk_book(|_| {});
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(good)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    // The fastest level: a run of spaces deflates as small at 1 as at 6, in a fraction of the time.
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1))
        .large_file(true);
    for i in 0..archive.len() {
        let mut part = archive.by_index(i).unwrap();
        let name = part.name().to_string();
        out.start_file(name.as_str(), deflated).unwrap();
        if name == "xl/sharedStrings.xml" {
            let zeros = vec![b' '; 1 << 20];
            for _ in 0..1100 {
                out.write_all(&zeros).unwrap();
            }
        } else {
            std::io::copy(&mut part, &mut out).unwrap();
        }
    }
    let bomb = out.finish().unwrap().into_inner();
    assert!(bomb.len() < 16 << 20, "the bomb is small (1% of what it unpacks to): {} bytes", bomb.len());
    let msg = fails(DataKind::Risk, "bomb.xlsx", &bomb);
    assert!(msg.contains("unpacks to more than 1 GiB") && msg.contains("sharedStrings"), "{msg}");
}
