//! Importing registry exports (inspections, appeals, risk scores, acts of response) into the store.
//!
//! `source` reads any supported file (CSV, XLSX, JSON, or one of them zipped: `zipped`) as raw
//! records, `columns` maps headers onto fields, `rows` validates a record into a domain value, and this module runs the whole import: one
//! transaction, a provenance record with the file's SHA-256 and legal card, an upsert per row,
//! and a report. A bad row stops the import and nothing is kept, unless the caller asked to skip
//! invalid rows, in which case they are written with their reasons beside the input.

mod places;
mod preview;

// The readers (files to checked records, no database) are the `ekn-readers` crate, which the office
// links too; they keep their old paths here.
pub use ekn_readers::{
    columns, labelled, plan, registry, rows, source, values, xlsx, IngestError, Input, OpenStream, MAX_IMPORT_BYTES,
};

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::time::Instant;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::domain::privacy::{MaskCounts, Pseudonymiser};
use crate::domain::records::DataKind;
use crate::store::{
    inspection_hash, risk_hash, subject_facts_hash, ImportHeader, ImportTotals, ImportWriter, Stamp, Store, StoreError,
    Upsert,
};
use columns::{fields_of, ColumnMap};
pub use places::{KatoCheck, KatoNote};
pub use preview::{preview, ColumnPreview, Preview, RowError, SampleRow};
use rows::FieldRow;
use source::{Cells, Position, RawRecord, ReadError, Table};

// The store's refusal travels boxed through the readers' error (they know no store); `ApiError`
// takes it back out.
impl From<StoreError> for IngestError {
    fn from(e: StoreError) -> Self {
        IngestError::Store(Box::new(e))
    }
}

/// Source, purpose, legal basis, retention and roles of a data set (Law 94-V asks for each).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct LegalCard {
    pub purpose: String,
    pub legal_basis: String,
    pub retention: String,
    pub roles: String,
}

/// The default legal card of a data set, shipped in assets/legal-cards.json.
pub fn default_legal_card(kind: DataKind) -> LegalCard {
    static CARDS: &str = include_str!("../../assets/legal-cards.json");
    let all: serde_json::Value = serde_json::from_str(CARDS).expect("assets/legal-cards.json is valid JSON");
    serde_json::from_value(all[kind.code()].clone()).expect("assets/legal-cards.json has a card for every data set")
}

/// Reads a legal card from a JSON file with the four fields.
pub fn read_legal_card(path: &Path) -> Result<LegalCard, IngestError> {
    let file = path.display().to_string();
    let text = crate::disk::read_to_string(path)
        .map_err(|e| IngestError::LegalCard { file: file.clone(), reason: e.to_string() })?;
    serde_json::from_str(&text).map_err(|e| IngestError::LegalCard { file, reason: e.to_string() })
}

#[derive(Debug, Clone)]
pub struct ImportOptions {
    pub kind: DataKind,
    /// Where the data came from (a registry, a portal, a person); defaults to the file name.
    pub source: Option<String>,
    pub skip_invalid: bool,
    pub legal_card: Option<LegalCard>,
    /// For acts: how their addressees' periods are counted (none: imported acts carry no due date).
    pub act_periods: Option<ActPeriods>,
}

/// How an imported act's addressee period is counted: the norms catalog's period for its kind,
/// over the working calendar — exactly as for an act recorded by hand, so the KPIs count both
/// alike. Built by the session from the norms and calendar in force.
#[derive(Debug, Clone)]
pub struct ActPeriods {
    pub calendar: crate::domain::calendar::Calendar,
    /// The norms catalogue in force: an act is counted by the version in force on its date.
    pub catalog: crate::domain::norms::NormsCatalog,
    /// Per kind of act of response: the norm's id.
    pub norms: Vec<(crate::acts::ActKind, String)>,
}

impl ActPeriods {
    /// The norm and due date of an act of this kind issued on `issued_on` (none for a kind
    /// without a period, such as a warning); an error when the calendar cannot count it.
    fn due(
        &self,
        kind: crate::acts::ActKind,
        issued_on: chrono::NaiveDate,
    ) -> Result<Option<(String, chrono::NaiveDate)>, String> {
        let Some((_, norm)) = self.norms.iter().find(|(k, ..)| *k == kind) else { return Ok(None) };
        let Ok(version) = self.catalog.at(norm, issued_on) else { return Ok(None) };
        // An act whose period it sets itself (a resolution) has no due date an export could say.
        let Some(period) = version.period() else { return Ok(None) };
        let counting = crate::domain::deadline::Counting {
            first_day: version.version.first_day,
            direction: version.version.direction,
            registration: version.version.registration,
            end_moves: version.end_rule.as_ref().is_none_or(|r| r.moves),
        };
        let deadline = crate::domain::deadline::compute_counted(&self.calendar, issued_on, period, &[], counting)
            .map_err(|e| e.to_string())?;
        Ok(Some((norm.clone(), deadline.due)))
    }
}

/// What an import did. Serialised as the `--json` form of `ekn import`.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct ImportReport {
    pub import_id: i64,
    pub kind: DataKind,
    pub file: String,
    pub format: String,
    pub sha256: String,
    pub size_bytes: u64,
    pub rows_read: u64,
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub rejected: u64,
    /// Where the rejected rows were written (only with skip-invalid, only when some were).
    pub rejected_file: Option<String>,
    /// The rejected rows of an import from memory (the UI's uploads), kept for download only:
    /// applicants' IINs blanked and texts masked, as in the file.
    #[serde(skip)]
    #[ts(skip)]
    pub rejected_csv: Option<Vec<u8>>,
    pub ignored_columns: Vec<String>,
    pub masked_iins: usize,
    pub masked_phones: usize,
    pub masked_emails: usize,
    pub masked_names: usize,
    pub masked_addresses: usize,
    /// An earlier import of a byte-identical file, if any.
    pub same_file_as_import: Option<i64>,
    /// The journal entry that records this import.
    pub journal_seq: Option<i64>,
    pub seconds: f64,
    /// What the appeals pipeline did with the rows (appeals imports through a session only).
    pub triage: Option<crate::domain::triage::TriageReport>,
    /// The rows whose KATO code the classifier lacks or has retired (`places`).
    pub kato: KatoCheck,
}

/// Progress of a running import, reported every few thousand rows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    pub bytes_done: u64,
    pub bytes_total: u64,
    pub rows: u64,
    /// After an appeals import: appeals through the pipeline so far, of how many.
    pub triaged: u64,
    pub triage_total: u64,
}

/// Imports one file. On error nothing is written (the transaction is rolled back).
pub fn import(
    store: &mut Store,
    stamp: Stamp,
    input: Input<'_>,
    options: &ImportOptions,
    pseudonymiser: &Pseudonymiser,
    progress: &mut dyn FnMut(Progress),
) -> Result<ImportReport, IngestError> {
    let started = Instant::now();
    let file = input.name();
    let (sha256, size_bytes) = digest(&input).map_err(|reason| IngestError::File { file: file.clone(), reason })?;
    let at = |e: ReadError, position: Position| match e.field {
        Some(field) => IngestError::Invalid {
            file: file.clone(),
            position: position.word(),
            line: e.line,
            field,
            reason: e.reason,
            value: None,
        },
        None if e.line == 0 => IngestError::File { file: file.clone(), reason: e.reason },
        None => IngestError::Invalid {
            file: file.clone(),
            position: position.word(),
            line: e.line,
            field: "—".into(),
            reason: e.reason,
            value: None,
        },
    };
    let table: Table = source::open_input(&input, size_bytes).map_err(|e| at(e, Position::Line))?;
    let position = table.position;
    let fields = fields_of(options.kind);
    let map = match &table.headers {
        Some(headers) => Some(ColumnMap::new(fields, headers).map_err(|(field, reason)| IngestError::Invalid {
            file: file.clone(),
            position: position.word(),
            line: 1,
            field,
            reason,
            value: None,
        })?),
        None => None,
    };
    let same_file_as_import = store.imports()?.iter().rev().find(|i| i.sha256 == sha256).map(|i| i.id);
    let card = options.legal_card.clone().unwrap_or_else(|| default_legal_card(options.kind));
    let header = ImportHeader {
        kind: options.kind.code(),
        file_name: file.clone(),
        sha256: sha256.clone(),
        size_bytes,
        format: table.format.clone(),
        source: options.source.clone().unwrap_or_else(|| file_stem(&file)),
        purpose: card.purpose,
        legal_basis: card.legal_basis,
        retention: card.retention,
        roles: card.roles,
    };

    let mut writer = ImportWriter::begin(store, stamp, &header)?;
    let mut totals = ImportTotals::default();
    let mut masked = MaskCounts::default();
    let mut rejects = match (&input, options.skip_invalid) {
        (Input::Path(path), true) => Some(Rejects::new(Some(path), table.headers.clone(), options.kind)),
        (Input::Bytes { .. } | Input::Stream { .. }, true) => {
            Some(Rejects::new(None, table.headers.clone(), options.kind))
        }
        (_, false) => None,
    };
    let progress_counter = table.progress.clone();
    let mut ignored_keys: Vec<String> = Vec::new();
    let mut kato_check = KatoCheck::new();
    let records = table.records;
    // Two stages on two threads: this one writes to SQLite while the other reads and validates
    // the next rows. The channel is bounded, so memory stays flat however large the file is.
    let (sender, receiver) = std::sync::mpsc::sync_channel::<Vec<Parsed>>(8);
    std::thread::scope(|scope| -> Result<(), IngestError> {
        let map_ref = map.as_ref();
        std::thread::Builder::new()
            .name("ekn-parse".into())
            .spawn_scoped(scope, move || {
                parse_records(records, options.kind, map_ref, pseudonymiser, options.act_periods.as_ref(), sender)
            })
            .map_err(|e| IngestError::File { file: file.clone(), reason: format!("cannot start a thread: {e}") })?;
        for batch in receiver {
            for parsed in batch {
                totals.rows_read += 1;
                match parsed {
                    Parsed::Unreadable(e) => match &e.field {
                        // A record the reader cannot delimit (wrong field count) can be skipped; a
                        // broken file (unreadable CSV, truncated JSON) cannot be read past.
                        Some(field) => {
                            let refused = Refused { line: e.line, field, reason: &e.reason, value: None };
                            reject(&mut rejects, refused, None, &file, position, &mut totals)?
                        }
                        None => return Err(at(e, position)),
                    },
                    Parsed::Invalid { line, field, reason, value, cells } => {
                        let refused = Refused { line, field, reason: &reason, value };
                        reject(&mut rejects, refused, Some(&cells), &file, position, &mut totals)?;
                    }
                    Parsed::Valid { line, record, counts, unknown_keys, kato } => {
                        for key in unknown_keys {
                            if !ignored_keys.contains(&key) {
                                ignored_keys.push(key);
                            }
                        }
                        let stored = match &record {
                            Record::Inspection(r, hash, facts) => writer.inspection(r, *hash, *facts, line),
                            Record::Appeal(r) => writer.appeal(r, line),
                            Record::Risk(r, hash) => writer.risk(r, *hash, line),
                            Record::Act(r, due) => writer.act(r, due.as_ref().map(|(n, d)| (n.as_str(), *d)), line),
                        }?;
                        match stored {
                            Upsert::DuplicateInFile { first_line } => {
                                let (field, reason) = duplicate_reason(options.kind, first_line, position);
                                let refused = Refused { line, field, reason: &reason, value: None };
                                reject(&mut rejects, refused, None, &file, position, &mut totals)?;
                            }
                            Upsert::Refused { field, reason } => {
                                let refused = Refused { line, field, reason, value: None };
                                reject(&mut rejects, refused, None, &file, position, &mut totals)?;
                            }
                            done => {
                                totals.count(done);
                                masked.add(&counts);
                                if let Some(note) = kato {
                                    kato_check.add(note);
                                }
                            }
                        }
                    }
                }
                if totals.rows_read % 4096 == 0 {
                    progress(Progress {
                        bytes_done: progress_counter.load(Ordering::Relaxed),
                        bytes_total: size_bytes,
                        rows: totals.rows_read,
                        ..Progress::default()
                    });
                }
            }
        }
        Ok(())
    })?;
    progress(Progress {
        bytes_done: size_bytes,
        bytes_total: size_bytes,
        rows: totals.rows_read,
        ..Progress::default()
    });
    let (rejected_file, rejected_csv) = match rejects {
        Some(r) => r.finish().map_err(|reason| IngestError::File { file: file.clone(), reason })?,
        None => (None, None),
    };
    let (import_id, entries) = writer.finish(&totals)?;
    let mut ignored_columns = map.map(|m| m.ignored).unwrap_or_default();
    ignored_columns.extend(ignored_keys);
    Ok(ImportReport {
        import_id,
        kind: options.kind,
        file,
        format: table.format,
        sha256,
        size_bytes,
        rows_read: totals.rows_read,
        inserted: totals.inserted,
        updated: totals.updated,
        unchanged: totals.unchanged,
        rejected: totals.rejected,
        rejected_file,
        rejected_csv,
        ignored_columns,
        masked_iins: masked.iins,
        masked_phones: masked.phones,
        masked_emails: masked.emails,
        masked_names: masked.names,
        masked_addresses: masked.addresses,
        same_file_as_import,
        journal_seq: entries.last().map(|e| e.seq),
        seconds: started.elapsed().as_secs_f64(),
        triage: None,
        kato: kato_check,
    })
}

/// A validated record, ready for the store, with the digest it is compared by on re-import
/// where that depends on the record alone (an appeal's depends on what the store has destroyed).
enum Record {
    /// With its row digest and its subject's facts digest, both computed here, off the writer.
    Inspection(crate::domain::records::Inspection, i64, i64),
    Appeal(crate::domain::records::Appeal),
    Risk(crate::domain::records::RiskScore, i64),
    /// With its norm and due date, when its kind has a period.
    Act(crate::domain::records::ActRecord, Option<(String, chrono::NaiveDate)>),
}

/// What the parsing stage hands the writing stage for one record. Variants differ in size, but
/// they live only in bounded batches; boxing them would cost an allocation per row for nothing.
#[allow(clippy::large_enum_variant)]
enum Parsed {
    Valid {
        line: u64,
        record: Record,
        counts: MaskCounts,
        unknown_keys: Vec<String>,
        /// What the КАТО check found in the row's code, if anything.
        kato: Option<KatoNote>,
    },
    /// A value failed validation; the cells travel along for the rejected-rows file.
    Invalid {
        line: u64,
        field: &'static str,
        reason: String,
        value: Option<String>,
        cells: Cells,
    },
    Unreadable(ReadError),
}

/// The parsing stage: reads records, validates them, and sends them on in batches. It stops at
/// the first unreadable record, or when the writing stage hangs up (after an error).
fn parse_records(
    records: Box<dyn Iterator<Item = Result<RawRecord, ReadError>> + Send>,
    kind: DataKind,
    map: Option<&ColumnMap>,
    pseudonymiser: &Pseudonymiser,
    act_periods: Option<&ActPeriods>,
    sender: std::sync::mpsc::SyncSender<Vec<Parsed>>,
) {
    const BATCH: usize = 512;
    let fields = fields_of(kind);
    let mut batch = Vec::with_capacity(BATCH);
    for record in records {
        let parsed = match record {
            Err(e) => {
                let fatal = e.field.is_none();
                batch.push(Parsed::Unreadable(e));
                if fatal {
                    break;
                }
                continue;
            }
            Ok(record) => {
                let row = FieldRow::new(fields, map, &record.cells);
                let mut counts = MaskCounts::default();
                // The place checked before the digest, so a retired code replaced is what is compared.
                let mut kato = None;
                let result = match kind {
                    DataKind::Inspections => rows::inspection(&row).map(|mut r| {
                        kato = places::check(&mut r.subject.kato, record.line);
                        let (hash, facts) = (inspection_hash(&r), subject_facts_hash(&r.subject));
                        Record::Inspection(r, hash, facts)
                    }),
                    DataKind::Appeals => rows::appeal(&row, pseudonymiser, &mut counts).map(|mut r| {
                        kato = places::check(&mut r.kato, record.line);
                        Record::Appeal(r)
                    }),
                    DataKind::Risk => rows::risk(&row).map(|r| {
                        let hash = risk_hash(&r);
                        Record::Risk(r, hash)
                    }),
                    DataKind::Acts => rows::act(&row, &mut counts).and_then(|r| {
                        let due =
                            match act_periods {
                                Some(periods) => periods
                                    .due(r.kind, r.issued_on)
                                    .map_err(|reason| rows::FieldError { field: "issued_on", reason, value: None })?,
                                None => None,
                            };
                        Ok(Record::Act(r, due))
                    }),
                };
                match result {
                    Ok(valid) => {
                        let unknown_keys = match &record.cells {
                            Cells::Keyed(pairs) => pairs
                                .iter()
                                .filter(|(key, _)| columns::field_for_header(fields, key).is_none())
                                .map(|(key, _)| key.clone())
                                .collect(),
                            Cells::Positional(_) => Vec::new(),
                        };
                        Parsed::Valid { line: record.line, record: valid, counts, unknown_keys, kato }
                    }
                    Err(e) => Parsed::Invalid {
                        line: record.line,
                        field: e.field,
                        reason: e.reason,
                        value: e.value,
                        cells: record.cells,
                    },
                }
            }
        };
        batch.push(parsed);
        if batch.len() == BATCH && sender.send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH))).is_err() {
            return;
        }
    }
    let _ = sender.send(batch);
}

fn duplicate_reason(kind: DataKind, first_line: u64, position: Position) -> (&'static str, String) {
    let (field, key) = match kind {
        DataKind::Inspections => ("registry_no", "this registry_no"),
        DataKind::Appeals => ("appeal_no", "this appeal_no"),
        DataKind::Risk => ("computed", "this BIN, model and date"),
        DataKind::Acts => ("act_no", "this act_no"),
    };
    (field, format!("{key} already appeared on {} {first_line} of this file", position.word()))
}

/// A row refused: where, which field, why, and the value where it is safe to show.
struct Refused<'a> {
    line: u64,
    field: &'a str,
    reason: &'a str,
    value: Option<String>,
}

/// Sends a bad row to the rejected-rows file when skipping invalid rows, or fails the import.
/// `cells` is `None` when the row's cells are not at hand (a record the reader could not split,
/// or a duplicate key found by the store).
fn reject(
    rejects: &mut Option<Rejects>,
    refused: Refused<'_>,
    cells: Option<&Cells>,
    file: &str,
    position: Position,
    totals: &mut ImportTotals,
) -> Result<(), IngestError> {
    match rejects {
        Some(r) => {
            totals.rejected += 1;
            r.add(refused.line, refused.field, refused.reason, cells)
                .map_err(|reason| IngestError::File { file: file.to_string(), reason })
        }
        None => Err(IngestError::Invalid {
            file: file.to_string(),
            position: position.word(),
            line: refused.line,
            field: refused.field.to_string(),
            reason: refused.reason.to_string(),
            value: refused.value,
        }),
    }
}

/// SHA-256 and size of the input, read once before importing so the provenance record is complete.
fn digest(input: &Input<'_>) -> Result<(String, u64), String> {
    let mut hasher = Sha256::new();
    let size = match input {
        Input::Bytes { bytes, .. } => {
            hasher.update(bytes);
            bytes.len() as u64
        }
        Input::Path(path) => {
            let file = crate::disk::open(path).map_err(|e| format!("cannot open: {e}"))?;
            hash_all(file, &mut hasher)?
        }
        Input::Stream { open, .. } => hash_all(open().map_err(|e| format!("cannot open: {e}"))?, &mut hasher)?,
    };
    Ok((hex::encode(hasher.finalize()), size))
}

/// Feeds everything `reader` gives to `hasher`; returns how many bytes that was.
fn hash_all(mut reader: impl Read, hasher: &mut Sha256) -> Result<u64, String> {
    let mut buf = vec![0u8; 1 << 16];
    let mut size = 0u64;
    loop {
        let n = reader.read(&mut buf).map_err(|e| format!("cannot read: {e}"))?;
        if n == 0 {
            return Ok(size);
        }
        hasher.update(&buf[..n]);
        size += n as u64;
    }
}

fn file_stem(file: &str) -> String {
    Path::new(file).file_name().map_or_else(|| file.to_string(), |n| n.to_string_lossy().into_owned())
}

/// The rejected rows of a `--skip-invalid` import, written beside the input as
/// `<input>.rejected.csv` (UTF-8 with BOM and `;`, so Excel in a Russian locale opens it).
/// Applicants' IINs are blanked and appeal texts masked here too: this file is a copy, and
/// copies of personal data are kept to the minimum.
struct Rejects {
    /// Beside the input file; none for an input from memory, whose rejects stay in memory.
    path: Option<PathBuf>,
    headers: Option<Vec<String>>,
    kind: DataKind,
    writer: Option<csv::Writer<Box<dyn std::io::Write>>>,
    memory: std::rc::Rc<std::cell::RefCell<Vec<u8>>>,
}

/// A writer into the shared buffer of an in-memory rejects file.
struct MemorySink(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);

impl std::io::Write for MemorySink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Rejects {
    fn new(input: Option<&Path>, headers: Option<Vec<String>>, kind: DataKind) -> Self {
        let path = input.map(|input| {
            let mut name = input.as_os_str().to_owned();
            name.push(".rejected.csv");
            PathBuf::from(name)
        });
        Rejects { path, headers, kind, writer: None, memory: Default::default() }
    }

    fn where_(&self) -> String {
        self.path.as_ref().map_or_else(|| "the rejected rows".to_string(), |p| p.display().to_string())
    }

    fn add(&mut self, line: u64, field: &str, reason: &str, cells: Option<&Cells>) -> Result<(), String> {
        let where_ = self.where_();
        let fail = |e: csv::Error| format!("cannot write {where_}: {e}");
        if self.writer.is_none() {
            let mut file: Box<dyn std::io::Write> = match &self.path {
                Some(path) => {
                    Box::new(crate::disk::create(path).map_err(|e| format!("cannot write {}: {e}", path.display()))?)
                }
                None => Box::new(MemorySink(self.memory.clone())),
            };
            std::io::Write::write_all(&mut file, b"\xEF\xBB\xBF").map_err(|e| e.to_string())?;
            let mut writer = csv::WriterBuilder::new().delimiter(b';').flexible(true).from_writer(file);
            let mut header = vec!["line".to_string(), "field".to_string(), "reason".to_string()];
            match &self.headers {
                Some(h) => header.extend(h.iter().cloned()),
                None => header.push("record".into()),
            }
            writer.write_record(&header).map_err(fail)?;
            self.writer = Some(writer);
        }
        let mut out = vec![line.to_string(), field.to_string(), reason.to_string()];
        // The copy keeps no more personal data than the database does.
        let kind = self.kind;
        let clean = |header: &str, value: &str| -> String {
            let field = columns::field_for_header(fields_of(kind), header).map(|i| fields_of(kind)[i].name);
            match (kind, field) {
                (DataKind::Appeals, Some("applicant_iin")) => String::new(),
                (DataKind::Appeals, Some("text")) => crate::domain::privacy::mask_personal_data(value).0,
                _ => value.to_string(),
            }
        };
        match cells {
            Some(Cells::Positional(values)) => {
                let headers = self.headers.clone().unwrap_or_default();
                out.extend(values.iter().enumerate().map(|(i, v)| clean(headers.get(i).map_or("", String::as_str), v)));
            }
            Some(Cells::Keyed(pairs)) => {
                let object: serde_json::Map<String, serde_json::Value> =
                    pairs.iter().map(|(k, v)| (k.clone(), serde_json::Value::String(clean(k, v)))).collect();
                out.push(serde_json::Value::Object(object).to_string());
            }
            None => {}
        }
        let writer = self.writer.as_mut().expect("created above");
        writer.write_record(&out).map_err(fail)
    }

    /// The file written (for a file input) or the bytes (for an input from memory), when any
    /// row was rejected.
    fn finish(self) -> Result<(Option<String>, Option<Vec<u8>>), String> {
        let where_ = self.where_();
        match self.writer {
            Some(mut w) => {
                w.flush().map_err(|e| format!("cannot write {where_}: {e}"))?;
                drop(w);
                match self.path {
                    Some(path) => Ok((Some(path.display().to_string()), None)),
                    None => Ok((None, Some(self.memory.take()))),
                }
            }
            None => Ok((None, None)),
        }
    }
}
