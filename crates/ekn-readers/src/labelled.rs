//! Reading a labelled export for training the appeals classifier: any file the importers read
//! (CSV, XLSX, JSON), with a text column and a category column at least (the office's own labels,
//! as written), and the appeal number and received date when present. Texts are masked of personal
//! data here, before anything learns from them. A row without a text or a label is skipped and
//! counted, never guessed.

use std::path::Path;

use std::sync::Arc;

use crate::source::{open_bytes, Cells};
use crate::IngestError;
use ekn_domain::privacy::mask_personal_data;

/// One labelled text, masked.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelledText {
    pub line: u64,
    pub appeal_no: Option<String>,
    pub received: Option<String>,
    pub text: String,
    pub category: String,
    /// The region (2 digits of KATO, or the name as written), when the file has such a column:
    /// held-out figures are reported per region as a bias check.
    pub region: Option<String>,
}

/// What a labelled file gave.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelledFile {
    pub format: String,
    pub rows: Vec<LabelledText>,
    /// Lines skipped for an empty text or label.
    pub skipped: Vec<u64>,
    /// SHA-256 of the file's bytes, recorded with a model trained on it.
    pub sha256: String,
}

const TEXT: &[&str] = &["text", "текст", "текст обращения", "содержание", "өтініш мәтіні", "мәтін", "content", "body"];
const CATEGORY: &[&str] = &["category", "категория", "label", "класс", "тема", "санат", "topic", "class"];
const NUMBER: &[&str] = &["appeal_no", "номер обращения", "номер", "өтініш нөмірі", "id"];
const RECEIVED: &[&str] = &["received", "дата поступления", "дата", "түскен күні", "date"];
const REGION: &[&str] = &["kato", "като", "region", "region_code", "регион", "область", "өңір"];

fn column(headers: &[String], names: &[&str]) -> Option<usize> {
    headers.iter().position(|h| {
        let h = h.trim().trim_start_matches('\u{feff}').to_lowercase();
        names.contains(&h.as_str())
    })
}

/// Reads `path`. The file must have a text and a category column (by one of their names in
/// English, Russian or Kazakh); the error names the file, line 1 and the missing field otherwise.
pub fn read_labelled(path: &Path) -> Result<LabelledFile, IngestError> {
    read(path, true)
}

/// Reads the texts of `path` for classifying: a text column is required, a category is not (its
/// `category` is then empty).
pub fn read_texts(path: &Path) -> Result<Vec<LabelledText>, IngestError> {
    Ok(read(path, false)?.rows)
}

/// Reads a labelled file held in memory (the demo's generated appeals), named `name` in errors.
pub fn read_labelled_bytes(name: &str, bytes: Arc<[u8]>) -> Result<LabelledFile, IngestError> {
    parse(name.to_string(), bytes, true)
}

fn read(path: &Path, need_category: bool) -> Result<LabelledFile, IngestError> {
    let file = path.display().to_string();
    // Read once: the digest and the records come from the same bytes.
    let bytes: Arc<[u8]> =
        ekn_disk::read(path).map_err(|e| IngestError::File { file: file.clone(), reason: e.to_string() })?.into();
    parse(file, bytes, need_category)
}

fn parse(file: String, bytes: Arc<[u8]>, need_category: bool) -> Result<LabelledFile, IngestError> {
    let sha256 = ekn_domain::digest::sha256_hex(&bytes);
    let table = open_bytes(bytes).map_err(|e| IngestError::Invalid {
        file: file.clone(),
        position: "line",
        line: e.line,
        field: e.field.clone().unwrap_or_else(|| "-".into()),
        reason: e.reason,
        value: None,
    })?;
    let position = table.position.word();
    let headers = table.headers.clone();
    let missing = |field: &str| IngestError::Invalid {
        file: file.clone(),
        position,
        line: 1,
        field: field.into(),
        reason: format!("no '{field}' column (a labelled file needs at least 'text' and 'category')"),
        value: None,
    };
    let index = match &headers {
        Some(h) => Some((
            column(h, TEXT).ok_or_else(|| missing("text"))?,
            match column(h, CATEGORY) {
                None if need_category => return Err(missing("category")),
                found => found,
            },
            column(h, NUMBER),
            column(h, RECEIVED),
            column(h, REGION),
        )),
        None => None,
    };
    let mut rows = Vec::new();
    let mut skipped = Vec::new();
    for record in table.records {
        let record = record.map_err(|e| IngestError::Invalid {
            file: file.clone(),
            position,
            line: e.line,
            field: e.field.clone().unwrap_or_else(|| "-".into()),
            reason: e.reason,
            value: None,
        })?;
        let get = |names: &[&str], at: Option<usize>| -> Option<String> {
            let value = match (&record.cells, at) {
                (Cells::Positional(cells), Some(i)) => cells.get(i).cloned(),
                (Cells::Keyed(pairs), _) => pairs
                    .iter()
                    .find(|(k, _)| names.contains(&k.trim().to_lowercase().as_str()))
                    .map(|(_, v)| v.clone()),
                _ => None,
            };
            value.map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
        };
        let (t, c, n, r, g) = index.map_or((None, None, None, None, None), |(t, c, n, r, g)| (Some(t), c, n, r, g));
        let category = get(CATEGORY, c).or_else(|| (!need_category).then(String::new));
        match (get(TEXT, t), category) {
            (Some(text), Some(category)) => rows.push(LabelledText {
                line: record.line,
                appeal_no: get(NUMBER, n),
                received: get(RECEIVED, r),
                text: mask_personal_data(&text).0,
                category,
                region: get(REGION, g).map(|v| match v.get(..2) {
                    Some(code) if v.chars().all(|c| c.is_ascii_digit()) => code.to_string(),
                    _ => v,
                }),
            }),
            _ => skipped.push(record.line),
        }
    }
    if rows.is_empty() {
        let what = if need_category { "both a text and a category" } else { "a text" };
        return Err(IngestError::File { file, reason: format!("no row has {what}") });
    }
    Ok(LabelledFile { format: table.format, rows, skipped, sha256 })
}
