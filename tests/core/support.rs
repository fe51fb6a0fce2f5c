//! Shared helpers: temporary databases, small valid data sets written in every export format.

use std::path::{Path, PathBuf};

use ekn::api::{self, Session};
use ekn::domain::ids::with_check_digit;
use ekn::domain::records::DataKind;
use ekn::ingest::ImportReport;

/// The demo database dated [`ekn::generator::ANCHOR`], made once for this test binary through
/// `ekn init --demo`'s code path and copied, with the files beside it, into `dir` as `ekn.db`.
/// Making it trains the demo's two models and takes most of a minute in a debug build; a dozen
/// tests only need one to work on, each its own copy. The tests of the making itself (`ekn init
/// --demo`, the demo's dates, a server that creates it) still make their own.
pub fn demo_copy(dir: &Path) -> PathBuf {
    static TEMPLATE: std::sync::OnceLock<(tempfile::TempDir, PathBuf)> = std::sync::OnceLock::new();
    let (_, template) = TEMPLATE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ekn.db");
        api::init(&path, Some(ekn::generator::ANCHOR), false, api::Context::cli(), &mut |_, _| {}).unwrap();
        // Its write-ahead log folded into the file, so the files below are the whole database.
        ekn::store::Store::open(&path).unwrap().checkpoint().unwrap();
        (dir, path)
    });
    let copy = dir.join("ekn.db");
    let (from, to) = (ekn::store::files::DbFiles::of(template), ekn::store::files::DbFiles::of(&copy));
    for (source, target) in from.files().into_iter().zip(to.files()) {
        if source.exists() {
            std::fs::copy(source, target).unwrap();
        }
    }
    // The demo's documents (sealed with the database's key) go with it.
    copy_dir(&from.documents, &to.documents);
    copy
}

fn copy_dir(from: &Path, to: &Path) {
    if !from.exists() {
        return;
    }
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A temporary directory with a fresh, empty database in it.
pub struct TempDb {
    pub dir: tempfile::TempDir,
    pub path: PathBuf,
}

impl TempDb {
    pub fn new() -> TempDb {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ekn.db");
        api::init(&path, None, false, api::Context::cli(), &mut |_, _| {}).unwrap();
        TempDb { dir, path }
    }

    pub fn session(&self) -> Session {
        Session::open(&self.path).unwrap()
    }

    /// Writes `bytes` to a file named `name` inside the temporary directory.
    pub fn file(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    pub fn import(&self, kind: DataKind, file: &Path) -> Result<ImportReport, api::ApiError> {
        self.session().registry().import(kind, file, None, false, None, &mut |_| {})
    }

    pub fn import_skipping(&self, kind: DataKind, file: &Path) -> ImportReport {
        self.session().registry().import(kind, file, None, true, None, &mut |_| {}).unwrap()
    }

    /// A digest of every user table; equal before and after means nothing was written.
    pub fn fingerprint(&self) -> String {
        ekn::store::Store::open(&self.path).unwrap().content_fingerprint().unwrap()
    }

    /// The fingerprint of everything but the connectors' own bookkeeping (their runs and staged
    /// pages): what a run that published nothing must leave as it was.
    pub fn registry_fingerprint(&self) -> String {
        ekn::store::Store::open(&self.path)
            .unwrap()
            .content_fingerprint_except(&["connector_runs", "connector_pages"])
            .unwrap()
    }
}

/// A valid BIN built from a serial number (type digit 4, so it is a legal entity).
pub fn bin(serial: u32) -> String {
    valid_id("1503400", serial)
}

/// A valid IIN of an applicant (born on 15.03.1985).
pub fn iin(serial: u32) -> String {
    valid_id("8503153", serial)
}

/// Seven leading digits, four of the serial (shifted until a check digit exists), and the check digit.
fn valid_id(stem: &str, serial: u32) -> String {
    (0..)
        .find_map(|shift: u32| {
            let digits: Vec<u8> =
                format!("{stem}{:04}", (serial + shift * 1000) % 10_000).bytes().map(|b| b - b'0').collect();
            with_check_digit(digits.try_into().unwrap())
        })
        .unwrap()
}

pub const INSPECTION_HEADER_RU: [&str; 15] = [
    "Регистрационный номер",
    "БИН",
    "Наименование субъекта",
    "КАТО",
    "ОКЭД",
    "Орган контроля",
    "Вид проверки",
    "Основание",
    "Дата начала",
    "Дата окончания",
    "Количество нарушений",
    "Меры",
    "Сумма штрафа",
    "Обжаловано",
    "Признана незаконной",
];

/// Three inspections of two objects, as rows of Russian-style cells.
pub fn inspection_rows() -> Vec<[String; 15]> {
    let row =
        |no: &str, bin: &str, name: &str, kind: &str, start: &str, v: &str, m: &str, fine: &str, ap: &str, il: &str| {
            [
                no.to_string(),
                bin.to_string(),
                name.to_string(),
                "751110000".to_string(),
                "47.11".to_string(),
                "Департамент санитарно-эпидемиологического контроля, город Алматы".to_string(),
                kind.to_string(),
                "обращение физического лица".to_string(),
                start.to_string(),
                String::new(),
                v.to_string(),
                m.to_string(),
                fine.to_string(),
                ap.to_string(),
                il.to_string(),
            ]
        };
    vec![
        row("R-1", &bin(1), "ТОО «Кайнар Алем»", "внеплановая", "15.03.2024", "2", "штраф", "150 000,50", "да", "нет"),
        row("R-2", &bin(1), "ТОО «Кайнар Алем»", "плановая", "01.02.2022", "0", "", "", "нет", "нет"),
        row(
            "R-3",
            &bin(2),
            "ИП Галымжанова А.",
            "профилактический контроль с посещением",
            "10.10.2025",
            "1",
            "предупреждение",
            "",
            "нет",
            "нет",
        ),
    ]
}

/// Joins cells into a delimited line, quoting where needed.
pub fn csv_line(cells: &[String], delimiter: char) -> String {
    cells
        .iter()
        .map(|c| {
            if c.contains(delimiter) || c.contains('"') || c.contains('\n') {
                format!("\"{}\"", c.replace('"', "\"\""))
            } else {
                c.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(&delimiter.to_string())
}

/// The inspections as a semicolon CSV with a BOM and Russian headers (an Excel export).
pub fn inspections_csv() -> String {
    let mut text = String::from("\u{feff}");
    text.push_str(&INSPECTION_HEADER_RU.join(";"));
    text.push('\n');
    for row in inspection_rows() {
        text.push_str(&csv_line(&row, ';'));
        text.push('\n');
    }
    text
}

/// The header and rows of a small appeals file with personal data inside the texts.
pub fn appeal_rows() -> (Vec<&'static str>, Vec<Vec<String>>) {
    let header = vec![
        "appeal_no",
        "received",
        "channel",
        "applicant_category",
        "applicant_iin",
        "subject_bin",
        "kato",
        "text",
        "category",
        "status",
        "decided",
        "outcome",
    ];
    let rows = vec![
        vec![
            "A-1".into(),
            "2024-04-01".into(),
            "e-Otinish".into(),
            "физическое лицо".into(),
            iin(7),
            bin(1),
            "751110000".into(),
            format!("Проверки каждую неделю. Мой ИИН {}, тел. +7 701 555 12 34, почта zhanar.test@mail.kz", iin(7)),
            "предпринимательство".into(),
            "рассмотрено".into(),
            "2024-04-20".into(),
            "отказано".into(),
        ],
        vec![
            "A-2".into(),
            "2024-04-05".into(),
            "почта".into(),
            "физическое лицо".into(),
            iin(7),
            bin(1),
            "751110000".into(),
            format!("Проверки каждую неделю. Мой ИИН {}, тел. +7 701 555 12 34, почта zhanar.test@mail.kz", iin(7)),
            "предпринимательство".into(),
            "на рассмотрении".into(),
            String::new(),
            String::new(),
        ],
        vec![
            "A-3".into(),
            "2024-05-05".into(),
            "e-Otinish".into(),
            "пенсионер".into(),
            iin(8),
            bin(2),
            "751110000".into(),
            "Дүкенде сапасыз тауар сатылды, байланыс телефоны 8 777 123 45 67.".into(),
            "защита прав потребителей".into(),
            "рассмотрено".into(),
            "2024-05-20".into(),
            "удовлетворено".into(),
        ],
    ];
    (header, rows)
}

pub fn appeals_csv() -> String {
    let (header, rows) = appeal_rows();
    let mut text = header.join(",") + "\n";
    for row in rows {
        text.push_str(&csv_line(&row, ','));
        text.push('\n');
    }
    text
}

pub fn risk_csv() -> String {
    format!(
        "bin,score,degree,model,computed,factors\n{b},72.5,high,m1,2025-06-30,\"visits:0,6;fines:0,3\"\n{b},40,medium,m1,2024-06-30,visits:0.2\n{b},12,low,m2,2025-01-01,\n",
        b = bin(1)
    )
}

/// Every file under `dir` with its bytes.
pub fn files_under(dir: &std::path::Path) -> std::collections::BTreeMap<std::path::PathBuf, Vec<u8>> {
    let mut found = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                found.insert(path.clone(), std::fs::read(&path).unwrap());
            }
        }
    }
    found
}
