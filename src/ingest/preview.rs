//! A dry run of an import for the Import screen: the detected format, which data set the columns
//! look like, how each column maps, a few rows to look at (personal data masked), and the
//! validation errors by line, all without writing to the database. The real import checks the
//! same rules again (and also duplicates, which need the database).

use serde::Serialize;

use super::columns::{fields_of, ColumnMap};
use super::source::{self, Cells};
use super::{parse_records, IngestError, Input, Parsed};
use crate::domain::privacy::{mask_personal_data, Pseudonymiser};
use crate::domain::records::DataKind;

/// Rows shown as a sample.
const SAMPLE_ROWS: usize = 10;
/// Validation errors listed; the rest are counted.
const LISTED_ERRORS: usize = 200;

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Preview {
    pub file: String,
    pub format: String,
    pub kind: DataKind,
    /// True when the kind was recognised from the columns rather than chosen.
    pub kind_guessed: bool,
    pub columns: Vec<ColumnPreview>,
    /// Required fields no column provides.
    pub missing_required: Vec<String>,
    pub sample: Vec<SampleRow>,
    pub rows_checked: u64,
    pub rows_valid: u64,
    pub errors: Vec<RowError>,
    pub errors_total: u64,
    /// False when the file could not be read to its end (the last error says where).
    pub readable_to_end: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct ColumnPreview {
    pub header: String,
    /// The field it fills, or none when it will be ignored.
    pub field: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct SampleRow {
    pub line: u64,
    pub cells: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct RowError {
    pub line: u64,
    pub field: String,
    pub reason: String,
}

/// The first rows' raw cells with their lines, shared with the reading thread.
type SampleCells = std::sync::Arc<std::sync::Mutex<Vec<(u64, Vec<String>)>>>;

const KINDS: [DataKind; 4] = [DataKind::Inspections, DataKind::Appeals, DataKind::Risk, DataKind::Acts];

/// How well a header row fits a data set: `None` when a required field is missing.
fn fit(kind: DataKind, headers: &[String]) -> Option<usize> {
    let map = ColumnMap::new(fields_of(kind), headers).ok()?;
    let mapped = map.column_field.iter().flatten().count();
    let required = fields_of(kind).iter().enumerate().filter(|(_, f)| f.required);
    required.clone().all(|(i, _)| map.header_of_field[i].is_some()).then_some(mapped)
}

/// Reads the whole input once and reports what an import of it would meet.
pub fn preview(
    input: Input<'_>,
    kind: Option<DataKind>,
    pseudonymiser: &Pseudonymiser,
) -> Result<Preview, IngestError> {
    let file = input.name();
    let table =
        source::open_input(&input, 0).map_err(|e| IngestError::File { file: file.clone(), reason: e.reason })?;
    let mut records = table.records;
    // JSON has no header row: the keys of the first record stand in for it.
    let mut first = None;
    let headers = match &table.headers {
        Some(h) => h.clone(),
        None => {
            first = records.next();
            match &first {
                Some(Ok(record)) => match &record.cells {
                    Cells::Keyed(pairs) => pairs.iter().map(|(k, _)| k.clone()).collect(),
                    Cells::Positional(cells) => (1..=cells.len()).map(|i| format!("#{i}")).collect(),
                },
                _ => Vec::new(),
            }
        }
    };
    let (kind, kind_guessed) = match kind {
        Some(k) => (k, false),
        None => {
            let best = KINDS.iter().filter_map(|k| fit(*k, &headers).map(|n| (n, *k))).max_by_key(|(n, _)| *n);
            (best.map_or(DataKind::Inspections, |(_, k)| k), true)
        }
    };
    let fields = fields_of(kind);
    let map = ColumnMap::new(fields, &headers).ok();
    let columns = headers
        .iter()
        .enumerate()
        .map(|(i, header)| ColumnPreview {
            header: header.clone(),
            field: match &map {
                Some(m) if table.headers.is_some() => m.column_field[i].map(|f| fields[f].name.to_string()),
                _ => super::columns::field_for_header(fields, header).map(|f| fields[f].name.to_string()),
            },
        })
        .collect();
    let missing_required = fields
        .iter()
        .filter(|f| {
            f.required
                && !headers
                    .iter()
                    .any(|h| super::columns::field_for_header(fields, h).is_some_and(|i| fields[i].name == f.name))
        })
        .map(|f| f.name.to_string())
        .collect();
    let mut preview = Preview {
        file,
        format: table.format,
        kind,
        kind_guessed,
        columns,
        missing_required,
        sample: Vec::new(),
        rows_checked: 0,
        rows_valid: 0,
        errors: Vec::new(),
        errors_total: 0,
        readable_to_end: true,
    };
    let all = first.into_iter().chain(records);
    let map_for_rows = if table.headers.is_some() { map.as_ref() } else { None };
    let (sender, receiver) = std::sync::mpsc::sync_channel::<Vec<Parsed>>(8);
    // Keep the raw cells of the first rows for the sample on their way to validation; the file
    // itself streams through, so a large export is previewed in flat memory.
    let sample_cells: SampleCells = Default::default();
    let tap = sample_cells.clone();
    let tapped = all.inspect(move |r| {
        if let Ok(record) = r {
            let mut sample = tap.lock().expect("not poisoned");
            if sample.len() < SAMPLE_ROWS {
                let cells = match &record.cells {
                    Cells::Positional(c) => c.clone(),
                    Cells::Keyed(pairs) => pairs.iter().map(|(_, v)| v.clone()).collect(),
                };
                sample.push((record.line, cells));
            }
        }
    });
    std::thread::scope(|scope| {
        scope.spawn(|| parse_records(Box::new(tapped), kind, map_for_rows, pseudonymiser, None, sender));
        for batch in receiver {
            for parsed in batch {
                preview.rows_checked += 1;
                let error = match parsed {
                    Parsed::Valid { .. } => {
                        preview.rows_valid += 1;
                        None
                    }
                    Parsed::Invalid { line, field, reason, .. } => Some((line, field.to_string(), reason)),
                    Parsed::Unreadable(e) => {
                        if e.field.is_none() {
                            preview.readable_to_end = false;
                        }
                        Some((e.line, e.field.unwrap_or_else(|| "—".into()), e.reason))
                    }
                };
                if let Some((line, field, reason)) = error {
                    preview.errors_total += 1;
                    if preview.errors.len() < LISTED_ERRORS {
                        preview.errors.push(RowError { line, field, reason });
                    }
                }
            }
        }
    });
    let sample = std::mem::take(&mut *sample_cells.lock().expect("not poisoned"));
    preview.sample = sample
        .into_iter()
        .map(|(line, cells)| SampleRow { line, cells: cells.iter().map(|c| mask_personal_data(c).0).collect() })
        .collect();
    Ok(preview)
}
