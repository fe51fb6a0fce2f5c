//! Reading an export file as a stream of raw records, whatever its format.
//!
//! The format is detected from the content, not the file name: a ZIP signature means XLSX, a
//! leading `[` a JSON array, a leading `{` NDJSON, anything else CSV. CSV encoding is UTF-8 (with
//! or without BOM) when the first megabyte is valid UTF-8, Windows-1251 otherwise; UTF-16 and
//! binary files are refused by name. The delimiter is whichever of `;` `,` or tab the header line
//! uses most. CSV and JSON are streamed (memory does not grow with the file); XLSX is read one
//! sheet at a time, which is how the format is laid out.

use std::io::{BufRead, BufReader, Cursor, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// The cells of one record, either by position (files with a header row) or by key (JSON).
#[derive(Debug, Clone, PartialEq)]
pub enum Cells {
    Positional(Vec<String>),
    Keyed(Vec<(String, String)>),
}

/// One record and where it starts in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct RawRecord {
    pub line: u64,
    pub cells: Cells,
}

/// A problem reading the file itself (as opposed to a value in it). `field` is `None` when the
/// problem is not tied to a column.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadError {
    pub line: u64,
    pub field: Option<String>,
    pub reason: String,
}

impl ReadError {
    pub(super) fn at(line: u64, reason: impl Into<String>) -> Self {
        ReadError { line, field: None, reason: reason.into() }
    }
}

/// How positions in this file are named in messages: lines of text, or rows of a sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    Line,
    Row,
}

impl Position {
    pub fn word(self) -> &'static str {
        match self {
            Position::Line => "line",
            Position::Row => "row",
        }
    }
}

/// An opened export: its detected format, its header row (if it has one), and its records.
pub struct Table {
    pub format: String,
    pub headers: Option<Vec<String>>,
    pub position: Position,
    pub records: Box<dyn Iterator<Item = Result<RawRecord, ReadError>> + Send>,
    /// Bytes consumed so far, for progress; with `total`, the fraction done.
    pub progress: Arc<AtomicU64>,
    pub total: u64,
}

const SNIFF: usize = 1 << 20;

/// Opens a file on disk.
pub fn open_path(path: &std::path::Path) -> Result<Table, ReadError> {
    let file = ekn_disk::open(path).map_err(|e| ReadError::at(0, format!("cannot open: {e}")))?;
    let total = file.metadata().map(|m| m.len()).unwrap_or(0);
    open_reader(Box::new(file), total)
}

/// Opens an in-memory file (the embedded demo data).
pub fn open_bytes(bytes: std::sync::Arc<[u8]>) -> Result<Table, ReadError> {
    let total = bytes.len() as u64;
    open_reader(Box::new(Cursor::new(bytes)), total)
}

/// Opens whatever an import reads from; `size` is a stream's length when known (for progress).
pub fn open_input(input: &crate::Input<'_>, size: u64) -> Result<Table, ReadError> {
    match input {
        crate::Input::Path(path) => open_path(path),
        crate::Input::Bytes { bytes, .. } => open_bytes(bytes.clone()),
        crate::Input::Stream { open, .. } => {
            let reader = open().map_err(|e| ReadError::at(0, format!("cannot open: {e}")))?;
            open_reader(reader, size)
        }
    }
}

fn open_reader(mut reader: Box<dyn Read + Send>, total: u64) -> Result<Table, ReadError> {
    let mut head = Vec::with_capacity(SNIFF.min(total as usize + 1));
    (&mut reader)
        .take(SNIFF as u64)
        .read_to_end(&mut head)
        .map_err(|e| ReadError::at(0, format!("cannot read: {e}")))?;
    let progress = Arc::new(AtomicU64::new(0));
    let whole = CountingReader { inner: Cursor::new(head.clone()).chain(reader), count: progress.clone() };
    let first = head.iter().position(|b| !b.is_ascii_whitespace());
    if head.is_empty() || first.is_none() {
        return Err(ReadError::at(1, "the file is empty"));
    }
    if head.starts_with(b"PK\x03\x04") {
        // An XLSX workbook or a zipped export: the directory is at the end, so read it whole.
        let mut bytes = Vec::new();
        { whole }.read_to_end(&mut bytes).map_err(|e| ReadError::at(0, format!("cannot read: {e}")))?;
        return match crate::zipped::open(bytes)? {
            crate::zipped::Zipped::Workbook(bytes) => crate::xlsx::open(bytes, progress, total),
            crate::zipped::Zipped::Member { name, bytes } => {
                let total = bytes.len() as u64;
                let mut table = open_reader(Box::new(Cursor::new(bytes)), total)?;
                table.format = format!("ZIP «{name}»: {}", table.format);
                Ok(table)
            }
        };
    }
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        return Err(ReadError::at(1, "the file is UTF-16; save it as UTF-8 or Windows-1251 CSV"));
    }
    if head.contains(&0) {
        return Err(ReadError::at(1, "the file is binary, not text (is it an old .xls? save it as .xlsx or CSV)"));
    }
    let bom = head.starts_with(b"\xEF\xBB\xBF");
    let body = if bom { &head[3..] } else { &head[..] };
    match body.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'[') => return Ok(json_table(whole, progress, total, bom, JsonShape::Array)),
        Some(b'{') => return Ok(json_table(whole, progress, total, bom, JsonShape::Lines)),
        _ => {}
    }
    let utf8 = looks_like_utf8(body);
    let delimiter = guess_delimiter(body);
    let delimiter_name = match delimiter {
        b';' => "';'",
        b'\t' => "tab",
        _ => "','",
    };
    if utf8 {
        let encoding = if bom { "UTF-8 with BOM" } else { "UTF-8" };
        let mut reader = whole;
        if bom {
            let mut skip = [0u8; 3];
            reader.read_exact(&mut skip).map_err(|e| ReadError::at(1, e.to_string()))?;
        }
        csv_table(reader, format!("CSV, {encoding}, delimiter {delimiter_name}"), delimiter, progress, total, true)
    } else {
        let decoded =
            encoding_rs_io::DecodeReaderBytesBuilder::new().encoding(Some(encoding_rs::WINDOWS_1251)).build(whole);
        csv_table(decoded, format!("CSV, Windows-1251, delimiter {delimiter_name}"), delimiter, progress, total, false)
    }
}

/// True when the sample is UTF-8, or mostly UTF-8 with some damaged bytes: then the damage is
/// reported at its line instead of the whole file being misread as Windows-1251. Windows-1251
/// Cyrillic text almost never forms valid multi-byte UTF-8 sequences, so counting them decides.
fn looks_like_utf8(sample: &[u8]) -> bool {
    let (mut valid_multibyte, mut invalid) = (0usize, 0usize);
    let mut rest = sample;
    loop {
        match std::str::from_utf8(rest) {
            Ok(text) => {
                valid_multibyte += text.chars().filter(|c| !c.is_ascii()).count();
                break;
            }
            Err(e) => {
                let (good, bad) = rest.split_at(e.valid_up_to());
                valid_multibyte += std::str::from_utf8(good).map_or(0, |t| t.chars().filter(|c| !c.is_ascii()).count());
                match e.error_len() {
                    // A sequence cut by the sniffing window is not damage.
                    None => break,
                    Some(len) => {
                        invalid += 1;
                        rest = &bad[len..];
                    }
                }
            }
        }
    }
    invalid == 0 || valid_multibyte > invalid * 4
}

/// Counts the delimiters of the first line outside quotes; the most frequent one wins.
/// The candidates are ASCII, so this works the same in UTF-8 and Windows-1251.
fn guess_delimiter(body: &[u8]) -> u8 {
    let mut counts = [(b';', 0usize), (b',', 0), (b'\t', 0)];
    let mut quoted = false;
    for &b in body {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => break,
            _ if !quoted => {
                for (d, n) in counts.iter_mut() {
                    if *d == b {
                        *n += 1;
                    }
                }
            }
            _ => {}
        }
    }
    counts.iter().max_by_key(|(_, n)| *n).filter(|(_, n)| *n > 0).map_or(b',', |(d, _)| *d)
}

fn csv_table<R: Read + Send + 'static>(
    reader: R,
    format: String,
    delimiter: u8,
    progress: Arc<AtomicU64>,
    total: u64,
    check_utf8: bool,
) -> Result<Table, ReadError> {
    let (reader, recent) = crate::record_lines::Recent::new(reader);
    let mut csv = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(1 << 16)
        .from_reader(reader);
    let mut record = csv::ByteRecord::new();
    let has_header = csv.read_byte_record(&mut record).map_err(|e| csv_error(&e, 1))?;
    if !has_header {
        return Err(ReadError::at(1, "the file is empty"));
    }
    let headers: Vec<String> = decode_cells(&record, 1, &[], check_utf8)?;
    if headers.iter().all(|h| h.trim().is_empty()) {
        return Err(ReadError::at(1, "the header row is empty"));
    }
    let header_names = headers.clone();
    let width = headers.len();
    let mut done = false;
    let records = std::iter::from_fn(move || {
        if done {
            return None;
        }
        let mut record = csv::ByteRecord::new();
        match csv.read_byte_record(&mut record) {
            Ok(false) => None,
            Err(e) => {
                done = true;
                Some(Err(csv_error(&e, 0)))
            }
            Ok(true) => {
                // The line its first byte is on, not where the reader stood (see record_lines.rs).
                let line = record.position().map_or(0, |p| recent.record_line(p.byte(), p.line()));
                if record.len() == 1 && record.get(0).is_some_and(|c| c.iter().all(u8::is_ascii_whitespace)) {
                    // A blank line (often the last one) is not a record.
                    return Some(Ok(RawRecord { line, cells: Cells::Positional(Vec::new()) }));
                }
                if record.len() != width {
                    let field = if record.len() < width {
                        header_names.get(record.len()).cloned()
                    } else {
                        Some(format!("column {}", width + 1))
                    };
                    return Some(Err(ReadError {
                        line,
                        field,
                        reason: format!(
                            "expected {width} fields as in the header, found {} (a truncated line, or an unquoted delimiter inside a value?)",
                            record.len()
                        ),
                    }));
                }
                Some(decode_cells(&record, line, &header_names, check_utf8).map(|cells| RawRecord {
                    line,
                    cells: Cells::Positional(cells),
                }))
            }
        }
    })
    .filter(|r| !matches!(r, Ok(RawRecord { cells: Cells::Positional(c), .. }) if c.is_empty()));
    Ok(Table { format, headers: Some(headers), position: Position::Line, records: Box::new(records), progress, total })
}

fn decode_cells(
    record: &csv::ByteRecord,
    line: u64,
    headers: &[String],
    check_utf8: bool,
) -> Result<Vec<String>, ReadError> {
    record
        .iter()
        .enumerate()
        .map(|(i, bytes)| match std::str::from_utf8(bytes) {
            Ok(text) => Ok(text.to_string()),
            Err(_) if check_utf8 => Err(ReadError {
                line,
                field: Some(headers.get(i).cloned().unwrap_or_else(|| format!("column {}", i + 1))),
                reason:
                    "is not valid UTF-8 although the file began as UTF-8 (is part of it saved in another encoding?)"
                        .into(),
            }),
            Err(_) => Ok(String::from_utf8_lossy(bytes).into_owned()),
        })
        .collect()
}

fn csv_error(e: &csv::Error, fallback_line: u64) -> ReadError {
    let line = e.position().map_or(fallback_line, |p| p.line());
    ReadError::at(line, format!("unreadable CSV: {e}"))
}

#[derive(Clone, Copy)]
enum JsonShape {
    Array,
    Lines,
}

fn json_table<R: Read + Send + 'static>(
    reader: R,
    progress: Arc<AtomicU64>,
    total: u64,
    bom: bool,
    shape: JsonShape,
) -> Table {
    let format = match shape {
        JsonShape::Array => "JSON array",
        JsonShape::Lines => "NDJSON (one object per line)",
    };
    let mut splitter = JsonSplitter::new(BufReader::with_capacity(1 << 16, reader), bom, shape);
    let records = std::iter::from_fn(move || splitter.next_record());
    Table {
        format: format.to_string() + if bom { ", UTF-8 with BOM" } else { "" },
        headers: None,
        position: Position::Line,
        records: Box::new(records),
        progress,
        total,
    }
}

/// Cuts a JSON array (or a stream of objects) into its top-level objects without holding the
/// whole file, remembering the line each one starts on; each object is then parsed on its own.
struct JsonSplitter<R: BufRead> {
    reader: R,
    shape: JsonShape,
    line: u64,
    skip_bom: bool,
    started: bool,
    finished: bool,
}

impl<R: BufRead> JsonSplitter<R> {
    fn new(reader: R, skip_bom: bool, shape: JsonShape) -> Self {
        JsonSplitter { reader, shape, line: 1, skip_bom, started: false, finished: false }
    }

    fn next_byte(&mut self) -> Result<Option<u8>, ReadError> {
        let buf = self.reader.fill_buf().map_err(|e| ReadError::at(self.line, format!("cannot read: {e}")))?;
        let Some(&b) = buf.first() else { return Ok(None) };
        self.reader.consume(1);
        if b == b'\n' {
            self.line += 1;
        }
        Ok(Some(b))
    }

    fn next_record(&mut self) -> Option<Result<RawRecord, ReadError>> {
        if self.finished {
            return None;
        }
        let result = self.scan();
        if !matches!(result, Ok(Some(_))) {
            self.finished = true;
        }
        result.transpose()
    }

    fn scan(&mut self) -> Result<Option<RawRecord>, ReadError> {
        if self.skip_bom {
            for _ in 0..3 {
                self.next_byte()?;
            }
            self.skip_bom = false;
        }
        // Find the start of the next object.
        loop {
            let Some(b) = self.next_byte()? else {
                return match (self.shape, self.started) {
                    (JsonShape::Array, _) => {
                        Err(ReadError::at(self.line, "the file ends before the closing ] of the array"))
                    }
                    (JsonShape::Lines, _) => Ok(None),
                };
            };
            match (b, self.shape) {
                (b'[', JsonShape::Array) if !self.started => self.started = true,
                (b',', JsonShape::Array) if self.started => {}
                (b']', JsonShape::Array) if self.started => return self.expect_end(),
                (b'{', _) => break,
                (b, _) if b.is_ascii_whitespace() => {}
                (b, _) => {
                    return Err(ReadError::at(
                        self.line,
                        format!("unexpected '{}' where a record (a JSON object) should start", char::from(b)),
                    ))
                }
            }
        }
        let start_line = self.line;
        let mut bytes = vec![b'{'];
        let (mut depth, mut in_string, mut escaped) = (1usize, false, false);
        while depth > 0 {
            let Some(b) = self.next_byte()? else {
                return Err(ReadError::at(start_line, "the file ends inside this record (truncated file?)"));
            };
            bytes.push(b);
            if in_string {
                match b {
                    _ if escaped => escaped = false,
                    b'\\' => escaped = true,
                    b'"' => in_string = false,
                    _ => {}
                }
            } else {
                match b {
                    b'"' => in_string = true,
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => depth -= 1,
                    _ => {}
                }
            }
        }
        let object: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(&bytes)
            .map_err(|e| ReadError::at(start_line + e.line() as u64 - 1, format!("invalid JSON: {e}")))?;
        let cells = object
            .into_iter()
            .map(|(key, value)| {
                let text = match value {
                    serde_json::Value::Null => String::new(),
                    serde_json::Value::String(s) => s,
                    other => other.to_string(),
                };
                (key, text)
            })
            .collect();
        Ok(Some(RawRecord { line: start_line, cells: Cells::Keyed(cells) }))
    }

    fn expect_end(&mut self) -> Result<Option<RawRecord>, ReadError> {
        while let Some(b) = self.next_byte()? {
            if !b.is_ascii_whitespace() {
                return Err(ReadError::at(self.line, "text after the closing ] of the array"));
            }
        }
        Ok(None)
    }
}

/// Counts bytes as they pass, for the progress bar.
struct CountingReader<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(bytes: &'static [u8]) -> (Table, Vec<Result<RawRecord, ReadError>>) {
        let mut table = open_bytes(bytes.into()).unwrap();
        let records: Vec<_> = table.records.by_ref().collect();
        (table, records)
    }

    #[test]
    fn semicolon_csv_with_bom_and_a_quoted_newline() {
        let (table, recs) = records(b"\xEF\xBB\xBFa;b\n1;\"x\ny\"\n2;z\n\n");
        assert_eq!(table.format, "CSV, UTF-8 with BOM, delimiter ';'");
        assert_eq!(table.headers.unwrap(), vec!["a", "b"]);
        assert_eq!(recs.len(), 2);
        assert_eq!(recs[1].as_ref().unwrap().line, 4);
    }

    #[test]
    fn windows_1251_is_detected_and_decoded() {
        // "Канал" in Windows-1251.
        let (table, recs) = records(b"\xCA\xE0\xED\xE0\xEB,b\n\xE4\xE0,1\n");
        assert!(table.format.contains("Windows-1251"), "{}", table.format);
        assert_eq!(table.headers.unwrap()[0], "Канал");
        assert_eq!(recs[0].as_ref().unwrap().cells, Cells::Positional(vec!["да".into(), "1".into()]));
    }

    #[test]
    fn json_array_records_know_their_lines() {
        let (_, recs) = records(b"[\n {\"a\": \"x}\", \"n\": 5},\n {\"a\": null,\n  \"b\": {\"k\": 1}}\n]\n");
        let recs: Vec<RawRecord> = recs.into_iter().map(Result::unwrap).collect();
        assert_eq!(recs[0].line, 2);
        assert_eq!(recs[1].line, 3);
        assert_eq!(recs[0].cells, Cells::Keyed(vec![("a".into(), "x}".into()), ("n".into(), "5".into())]));
    }

    #[test]
    fn a_truncated_json_array_is_an_error_at_its_last_record() {
        let (_, recs) = records(b"[{\"a\": 1},\n{\"a\": 2");
        let err = recs.last().unwrap().as_ref().unwrap_err();
        assert_eq!(err.line, 2);
    }
}
