//! XLSX workbooks read as a stream of rows, with every size a hostile file could choose bounded
//! before anything is allocated for it.
//!
//! A workbook names its own used range, and a reader that builds a dense grid of it allocates
//! rows × columns cells: a 2 KB file with one value in A1 and one in XFD1048576 asks for
//! 17·10⁹ cells and aborts the process (an abort, not a panic: nothing catches it). So the
//! first sheet is read cell by cell (calamine's cell reader) on a thread of its own that owns the
//! workbook and hands rows over a bounded channel; a declared range or a cell beyond
//! `MAX_ROWS` × `MAX_COLUMNS` is refused by name, empty cells cost nothing, and a stray value far
//! down an honest sheet costs only the rows that hold values. The parts calamine reads whole
//! (shared strings, styles, the workbook) and the sheet itself are inflated once beforehand with
//! a counter, so a few kilobytes of deflate cannot grow into gigabytes in memory.

use std::io::{Cursor, Read};
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::Arc;

use calamine::{DataRef, Reader, Xlsx};

use crate::source::{Cells, Position, RawRecord, ReadError, Table};

/// Excel's own limit of rows on a sheet.
pub const MAX_ROWS: u32 = 1_048_576;
/// The widest sheet an export is read from: the widest of ours has a few dozen columns.
pub const MAX_COLUMNS: u32 = 256;
/// The most the parts calamine keeps whole (shared strings, styles, the workbook and its
/// relationships) may inflate to together.
pub const MAX_WHOLE_PARTS: u64 = 1 << 30;
/// The most the whole archive may inflate to (as for any other zipped export).
pub const MAX_INFLATED: u64 = crate::zipped::MAX_MEMBER_BYTES;

/// The start of the error a failure of this reader's own code becomes (never expected).
pub const READER_FAILED: &str = "the workbook could not be read: its reader stopped on a damaged part";
/// The start of the error a failure inside the workbook library on a damaged part becomes.
pub const LIBRARY_FAILED: &str = "the workbook is damaged: the XLSX library could not read a part of it";

/// A contained panic of the reading thread is the import's error, said once in words: the default
/// hook would also print it with a backtrace, as if the program had failed. Other threads' panics
/// are printed as before.
fn quiet_reader_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if std::thread::current().name() == Some(READER_THREAD) {
                tracing::warn!(panic = %info, "the XLSX reader stopped on a damaged workbook");
            } else {
                previous(info);
            }
        }));
    });
}

/// The name of the thread that reads a workbook.
const READER_THREAD: &str = "ekn-xlsx";

/// A panic's message, for an error.
fn panic_text(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default()
}

/// Rows waiting between the reading thread and the import: enough to keep both busy.
const QUEUE: usize = 1024;

/// What the reading thread sends.
enum Message {
    /// The sheet opened: its name.
    Opened(String),
    Row(Result<RawRecord, ReadError>),
}

/// Opens a workbook already read whole (its ZIP directory is at the end of the file): its first
/// sheet, the first row with a value as the header, then a record per row with a value.
pub fn open(bytes: Vec<u8>, progress: Arc<AtomicU64>, total: u64) -> Result<Table, ReadError> {
    check_inflation(&bytes)?;
    quiet_reader_panics();
    let (sender, receiver) = sync_channel::<Message>(QUEUE);
    std::thread::Builder::new()
        .name(READER_THREAD.into())
        .spawn(move || {
            let send = |m| sender.send(m).is_ok();
            // A reader library's panic on a malformed part must not end the rows early as if the
            // sheet ended there: it becomes the import's error.
            if let Err(panic) = std::panic::catch_unwind(AssertUnwindSafe(|| read_sheet(bytes, &send))) {
                send(Message::Row(Err(ReadError::at(0, format!("{READER_FAILED} ({})", panic_text(&panic))))));
            }
        })
        .map_err(|e| ReadError::at(0, format!("cannot start reading the workbook: {e}")))?;
    let sheet = match receiver.recv() {
        Ok(Message::Opened(name)) => name,
        Ok(Message::Row(Err(e))) => return Err(e),
        Ok(Message::Row(Ok(_))) | Err(_) => return Err(ReadError::at(0, "the workbook could not be read")),
    };
    let mut rows = Rows { receiver };
    let header = match rows.next() {
        Some(Ok(record)) => record,
        Some(Err(e)) => return Err(e),
        None => return Err(ReadError::at(1, "the first sheet is empty")),
    };
    let Cells::Positional(headers) = header.cells else { unreachable!("a sheet's rows are positional") };
    let width = headers.len();
    let records = rows.map(move |row| {
        row.map(|mut record| {
            if let Cells::Positional(cells) = &mut record.cells {
                if cells.len() < width {
                    cells.resize(width, String::new());
                }
            }
            record
        })
    });
    progress.store(total, Ordering::Relaxed);
    Ok(Table {
        format: format!("XLSX, sheet «{sheet}»"),
        headers: Some(headers),
        position: Position::Row,
        records: Box::new(records),
        progress,
        total,
    })
}

/// The rows the reading thread sends, until it stops.
struct Rows {
    receiver: Receiver<Message>,
}

impl Iterator for Rows {
    type Item = Result<RawRecord, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        match self.receiver.recv() {
            Ok(Message::Row(row)) => Some(row),
            Ok(Message::Opened(_)) | Err(_) => None,
        }
    }
}

/// Inflates every part of the archive once, counting, and refuses one that would grow past the
/// caps (the deflate of a few kilobytes can reach gigabytes). Nothing inflated is kept.
fn check_inflation(bytes: &[u8]) -> Result<(), ReadError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| ReadError::at(0, format!("not a readable XLSX workbook: {e}")))?;
    let mut whole_parts = 0u64;
    let mut everything = 0u64;
    let mut sink = vec![0u8; 64 * 1024];
    let shared = shared_strings(&mut archive, &mut sink)?;
    for index in 0..archive.len() {
        let mut part =
            archive.by_index(index).map_err(|e| ReadError::at(0, format!("not a readable XLSX workbook: {e}")))?;
        let name = part.name().to_string();
        let sheet = name.starts_with("xl/worksheets/") && name.ends_with(".xml");
        let kept_whole = !name.starts_with("xl/worksheets/") || name.ends_with(".rels");
        let mut refs = RefScanner { shared, ..RefScanner::default() };
        loop {
            let n = match part.read(&mut sink) {
                Ok(0) => break,
                Ok(n) => n as u64,
                Err(e) => return Err(ReadError::at(0, format!("«{name}» in the workbook cannot be unpacked: {e}"))),
            };
            if sheet {
                refs.feed(&sink[..n as usize]).map_err(|bad| {
                    ReadError::at(
                        0,
                        format!("the sheet «{name}» names the cell «{bad}», which no spreadsheet writes: the file is damaged"),
                    )
                })?;
            }
            everything += n;
            if kept_whole {
                whole_parts += n;
            }
            if everything > MAX_INFLATED || whole_parts > MAX_WHOLE_PARTS {
                return Err(ReadError::at(
                    0,
                    format!(
                        "the workbook unpacks to more than {} GiB («{name}» among its parts): it is not an export \
                         ЭКН reads; save the sheet as CSV",
                        if whole_parts > MAX_WHOLE_PARTS { MAX_WHOLE_PARTS >> 30 } else { MAX_INFLATED >> 30 }
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// Checks the cell references a worksheet's XML names as its bytes go by: a row's number
/// (` r="7"`), a cell's (` r="B7"`), a range's (` ref="A1:C9"`: the used range, merged cells,
/// shared formulas). The reader's library computes with them unchecked (a reversed range or a row
/// number of eleven digits overflows its arithmetic), so one no spreadsheet writes is refused here.
#[derive(Default)]
struct RefScanner {
    /// The end of the previous piece, where a reference may have been cut in two.
    tail: Vec<u8>,
    /// How many shared strings the workbook has: a cell of type `s` names one by its index.
    shared: usize,
}

/// The longest reference value looked at: `XFD1048576:XFD1048576` is 21 bytes.
const LONGEST_REF: usize = 40;

impl RefScanner {
    fn feed(&mut self, piece: &[u8]) -> Result<(), String> {
        let mut buffer = std::mem::take(&mut self.tail);
        buffer.extend_from_slice(piece);
        for (pattern, range) in [(&b" r=\""[..], false), (&b" ref=\""[..], true)] {
            let mut from = 0;
            while let Some(at) = find(&buffer[from..], pattern) {
                let start = from + at + pattern.len();
                match buffer[start..].iter().take(LONGEST_REF + 1).position(|b| *b == b'"') {
                    Some(end) => check_ref(&buffer[start..start + end], range)?,
                    // Cut at the end of this piece: looked at again with the next one.
                    None if buffer.len() - start <= LONGEST_REF => {}
                    None => return Err(String::from_utf8_lossy(&buffer[start..start + LONGEST_REF]).into_owned()),
                }
                from = start;
            }
        }
        // A shared-string cell (` t="s"`) names its string by index in its `<v>`: the library
        // indexes the table with it unchecked.
        let mut from = 0;
        while let Some(at) = find(&buffer[from..], b" t=\"s\"") {
            let start = from + at;
            let window = &buffer[start..buffer.len().min(start + SHARED_WINDOW)];
            if let Some(v) = find(window, b"<v>") {
                let digits: Vec<u8> = window[v + 3..].iter().take_while(|b| b.is_ascii_digit()).copied().collect();
                let closed = window.get(v + 3 + digits.len()) == Some(&b'<');
                if closed {
                    let index: Option<usize> = std::str::from_utf8(&digits).ok().and_then(|d| d.parse().ok());
                    if index.is_none_or(|i| i >= self.shared) {
                        return Err(format!("shared string {} of {}", String::from_utf8_lossy(&digits), self.shared));
                    }
                }
            }
            from = start + 1;
        }
        let keep = buffer.len().min(SHARED_WINDOW + 8);
        self.tail = buffer[buffer.len() - keep..].to_vec();
        Ok(())
    }
}

/// How far after a cell's ` t="s"` its `<v>` is looked for (past a formula, it is not).
const SHARED_WINDOW: usize = 256;

/// Counts the workbook's shared strings (`<si>` elements, namespaced or not), reading the table
/// once with a counter; none when it has no table.
fn shared_strings(archive: &mut zip::ZipArchive<Cursor<&[u8]>>, sink: &mut [u8]) -> Result<usize, ReadError> {
    let Ok(mut part) = archive.by_name("xl/sharedStrings.xml") else { return Ok(0) };
    let mut count = 0;
    let mut tail: Vec<u8> = Vec::new();
    let mut read = 0u64;
    loop {
        let n = part
            .read(sink)
            .map_err(|e| ReadError::at(0, format!("«xl/sharedStrings.xml» in the workbook cannot be unpacked: {e}")))?;
        if n == 0 {
            break;
        }
        read += n as u64;
        if read > MAX_WHOLE_PARTS {
            return Err(ReadError::at(
                0,
                format!(
                    "the workbook unpacks to more than {} GiB («xl/sharedStrings.xml» among its parts): it is not an \
                     export ЭКН reads; save the sheet as CSV",
                    MAX_WHOLE_PARTS >> 30
                ),
            ));
        }
        let mut buffer = std::mem::take(&mut tail);
        let old = buffer.len();
        buffer.extend_from_slice(&sink[..n]);
        // Each `si` tag counted once: only those that end in this piece's new bytes.
        for (i, w) in buffer.windows(4).enumerate() {
            let opens = (w[0] == b'<' || w[0] == b':') && w[1] == b's' && w[2] == b'i';
            if opens && matches!(w[3], b'>' | b'/' | b' ' | b'\t' | b'\n' | b'\r') && i + 4 > old {
                // A namespaced `<x:si>` is `:si>`; a closing `</si>` is `/si>` and not counted.
                count += 1;
            }
        }
        let keep = buffer.len().min(3);
        tail = buffer[buffer.len() - keep..].to_vec();
    }
    Ok(count)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A row number, a cell (`B7`), or with `range` a cell or two (`A1:C9`, not reversed).
fn check_ref(value: &[u8], range: bool) -> Result<(), String> {
    let bad = || Err(String::from_utf8_lossy(value).into_owned());
    let cell = |text: &[u8]| -> Option<(u32, u32)> {
        let letters = text.iter().take_while(|b| b.is_ascii_uppercase()).count();
        let digits = &text[letters..];
        if letters > 3 || digits.is_empty() || digits.len() > 7 || !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let row: u32 = std::str::from_utf8(digits).ok()?.parse().ok()?;
        let column = text[..letters].iter().fold(0u32, |n, b| n * 26 + u32::from(b - b'A' + 1));
        (1..=MAX_ROWS).contains(&row).then_some((row, column))
    };
    if !range {
        return if cell(value).is_some() { Ok(()) } else { bad() };
    }
    let parts: Vec<&[u8]> = value.split(|b| *b == b':').collect();
    match parts.as_slice() {
        [one] if cell(one).is_some() => Ok(()),
        [start, end] => match (cell(start), cell(end)) {
            (Some(a), Some(b)) if b.0 >= a.0 && b.1 >= a.1 => Ok(()),
            _ => bad(),
        },
        _ => bad(),
    }
}

/// Reads the first sheet cell by cell and sends each row that holds a value, then stops; `send`
/// says false when nobody listens any more (the import was given up).
fn read_sheet(bytes: Vec<u8>, send: &dyn Fn(Message) -> bool) {
    let fail = |reason: String| {
        send(Message::Row(Err(ReadError::at(0, reason))));
    };
    // The library's own failures on a damaged part (it indexes and subtracts unchecked in
    // places) are contained at each call and said as such; a failure of this module's code is
    // READER_FAILED (the thread's guard), which the fuzz test never accepts.
    let library = |panic: Box<dyn std::any::Any + Send>| {
        send(Message::Row(Err(ReadError::at(0, format!("{LIBRARY_FAILED} ({})", panic_text(&panic))))));
    };
    let mut book: Xlsx<_> = match std::panic::catch_unwind(AssertUnwindSafe(|| Xlsx::new(Cursor::new(bytes)))) {
        Ok(Ok(book)) => book,
        Ok(Err(e)) => return fail(format!("not a readable XLSX workbook: {e}")),
        Err(panic) => return library(panic),
    };
    let Some(sheet) = book.sheet_names().first().cloned() else { return fail("the workbook has no sheets".into()) };
    let (book, name) = (&mut book, sheet.as_str());
    // `let book = book` moves the borrow into the call: the reader keeps it for as long as it lives.
    let mut cells = match std::panic::catch_unwind(AssertUnwindSafe(move || {
        let book = book;
        book.worksheet_cells_reader(name)
    })) {
        Ok(Ok(cells)) => cells,
        Ok(Err(e)) => return fail(format!("sheet «{sheet}» cannot be read: {e}")),
        Err(panic) => return library(panic),
    };
    let declared = cells.dimensions();
    let (rows, columns) =
        (declared.end.0.saturating_sub(declared.start.0), declared.end.1.saturating_sub(declared.start.1));
    if declared.end.0 >= MAX_ROWS || declared.end.1 >= MAX_COLUMNS || rows >= MAX_ROWS || columns >= MAX_COLUMNS {
        return fail(format!(
            "sheet «{sheet}» says it uses {}:{}, more than {MAX_ROWS} rows × {MAX_COLUMNS} columns; an export is \
             narrower: delete the stray cells far from the table (or save the sheet as CSV)",
            cell_name(declared.start),
            cell_name(declared.end)
        ));
    }
    if !send(Message::Opened(sheet.clone())) {
        return;
    }
    let mut current: Option<(u32, Vec<String>)> = None;
    loop {
        let next = std::panic::catch_unwind(AssertUnwindSafe(|| {
            cells.next_cell().map(|cell| cell.map(|c| (c.get_position(), cell_text(c.get_value()))))
        }));
        let ((row, column), text) = match next {
            Ok(Ok(Some(cell))) => cell,
            Ok(Ok(None)) => break,
            Ok(Err(e)) => return fail(format!("sheet «{sheet}» cannot be read: {e}")),
            Err(panic) => return library(panic),
        };
        let line = u64::from(row) + 1;
        if row >= MAX_ROWS || column >= MAX_COLUMNS {
            send(Message::Row(Err(ReadError::at(
                line,
                format!(
                    "a value in cell {} lies beyond {MAX_ROWS} rows × {MAX_COLUMNS} columns; an export is narrower",
                    cell_name((row, column))
                ),
            ))));
            return;
        }
        if let Some((at, values)) = current.take() {
            if row < at {
                send(Message::Row(Err(ReadError::at(
                    line,
                    format!("row {line} comes after row {}: the sheet is damaged", at + 1),
                ))));
                return;
            }
            if row == at {
                current = Some((at, values));
            } else if !flush(at, values, send) {
                return;
            }
        }
        if text.trim().is_empty() {
            // An empty or only styled cell: it takes no place, however far out it is.
            if current.is_none() {
                current = Some((row, Vec::new()));
            }
            continue;
        }
        let (_, values) = current.get_or_insert_with(|| (row, Vec::new()));
        let column = column as usize;
        if values.len() <= column {
            values.resize(column + 1, String::new());
        }
        values[column] = text;
    }
    if let Some((at, values)) = current {
        flush(at, values, send);
    }
}

/// Sends a row that holds a value (an empty one is skipped, as in a CSV); false when nobody listens.
fn flush(row: u32, values: Vec<String>, send: &dyn Fn(Message) -> bool) -> bool {
    if values.iter().all(|v| v.trim().is_empty()) {
        return true;
    }
    send(Message::Row(Ok(RawRecord { line: u64::from(row) + 1, cells: Cells::Positional(values) })))
}

/// A cell's value as the importers read text.
fn cell_text(cell: &DataRef<'_>) -> String {
    match cell {
        DataRef::Empty => String::new(),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_string(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        DataRef::Float(f) => f.to_string(),
        DataRef::Bool(b) => b.to_string(),
        DataRef::DateTime(d) => d.as_datetime().map_or_else(|| d.as_f64().to_string(), |dt| dt.date().to_string()),
        DataRef::Error(e) => format!("#ERROR {e:?}"),
    }
}

/// A cell's name as a spreadsheet shows it (`(0, 0)` is A1).
fn cell_name((row, column): (u32, u32)) -> String {
    let mut letters = Vec::new();
    let mut n = column + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    format!("{}{}", String::from_utf8_lossy(&letters), u64::from(row) + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_no_spreadsheet_writes_are_refused_even_cut_between_pieces() {
        assert!(check_ref(b"7", false).is_ok());
        assert!(check_ref(b"XFD1048576", false).is_ok());
        assert!(check_ref(b"A1:C9", true).is_ok());
        assert!(check_ref(b"B5:A1", true).is_err(), "a reversed range");
        assert!(check_ref(b"A99999999999", false).is_err(), "a row number that overflows");
        assert!(check_ref(b"A0", false).is_err());
        assert!(check_ref(b"ZZZZ1", false).is_err());
        let mut scanner = RefScanner::default();
        assert!(scanner.feed(b"<row r=\"1\"><c r=\"A1").is_ok());
        assert!(scanner.feed(b"\"/></row><dimension ref=\"B9:").is_ok());
        assert_eq!(scanner.feed(b"A1\"/>"), Err("B9:A1".into()));
        let mut scanner = RefScanner { shared: 2, ..RefScanner::default() };
        assert!(scanner.feed(b"<c r=\"A1\" t=\"s\"><v>1</v></c>").is_ok());
        assert!(scanner.feed(b"<c r=\"A2\" t=\"s\"><v>2</v></c>").is_err(), "past the table");
    }

    #[test]
    fn cells_are_named_as_a_spreadsheet_names_them() {
        assert_eq!(cell_name((0, 0)), "A1");
        assert_eq!(cell_name((9, 25)), "Z10");
        assert_eq!(cell_name((0, 26)), "AA1");
        assert_eq!(cell_name((1_048_575, 16_383)), "XFD1048576");
    }
}
