//! The line a CSV record really starts on. The csv crate stamps a record with the reader's place
//! when it began looking for it, which is before the line breaks it skips on the way: the `\n` left
//! after a record ended by `\r` (every CRLF file — Excel's, the state systems'), and blank lines.
//! Left alone, a bad value in a CRLF file was reported one line too early. `Recent` wraps the
//! reader the csv crate reads and keeps a window of the bytes it read, so the record's stamped
//! start can be moved past those breaks and its line counted right.

use std::io::Read;
use std::sync::{Arc, Mutex};

/// How much of what was read is kept. A record is looked at right after it was read, so its start
/// lies at most one record and the csv crate's read-ahead (64 KiB) behind the end of the window;
/// records are bounded well below this (a cell is at most 100,000 characters).
const WINDOW: usize = 4 << 20;

#[derive(Default)]
struct Window {
    /// The stream's offset of `bytes[0]`.
    base: u64,
    bytes: Vec<u8>,
}

/// The bytes a reader passed on lately, shared with whoever asks where a record starts.
#[derive(Clone, Default)]
pub struct RecentBytes(Arc<Mutex<Window>>);

impl RecentBytes {
    /// The line of the record the csv crate stamped with `byte` and `line`: the line breaks (and
    /// carriage returns) at `byte` are skipped, each `\n` adding a line. Outside the window the
    /// stamp is returned as it is.
    pub fn record_line(&self, byte: u64, line: u64) -> u64 {
        let window = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let Some(from) = byte.checked_sub(window.base).and_then(|d| usize::try_from(d).ok()) else {
            return line;
        };
        let skipped = window.bytes.get(from..).unwrap_or_default().iter().take_while(|&&b| b == b'\n' || b == b'\r');
        line + skipped.filter(|&&b| b == b'\n').count() as u64
    }
}

/// A reader that keeps what it passes on in a `RecentBytes` window.
pub struct Recent<R> {
    inner: R,
    recent: RecentBytes,
}

impl<R: Read> Recent<R> {
    pub fn new(inner: R) -> (Recent<R>, RecentBytes) {
        let recent = RecentBytes::default();
        (Recent { inner, recent: recent.clone() }, recent)
    }
}

impl<R: Read> Read for Recent<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut window = self.recent.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        window.bytes.extend_from_slice(&buf[..n]);
        if window.bytes.len() > 2 * WINDOW {
            // Dropped in large steps, so keeping the window costs one copy of the file in all.
            let drop = window.bytes.len() - WINDOW;
            window.bytes.drain(..drop);
            window.base += drop as u64;
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(text: &str) -> Vec<u64> {
        let (reader, recent) = Recent::new(text.as_bytes());
        let mut csv = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(reader);
        let mut out = Vec::new();
        let mut record = csv::ByteRecord::new();
        while csv.read_byte_record(&mut record).unwrap() {
            let p = record.position().unwrap();
            out.push(recent.record_line(p.byte(), p.line()));
        }
        out
    }

    #[test]
    fn records_start_on_their_own_line_whatever_the_line_endings() {
        assert_eq!(lines_of("h\na\nb\nc\n"), [1, 2, 3, 4]);
        assert_eq!(lines_of("h\r\na\r\nb\r\nc\r\n"), [1, 2, 3, 4]);
        assert_eq!(lines_of("h\r\na\r\n\r\n\r\nb\r\n"), [1, 2, 5], "blank lines are skipped and counted");
        assert_eq!(lines_of("h\na\n\n\nb"), [1, 2, 5]);
        assert_eq!(lines_of("h\r\n\"two\r\nlines\"\r\nc\r\n"), [1, 2, 4], "a quoted break is a line of the file");
        assert_eq!(lines_of("h\ra\rb\r"), [1, 1, 1], "old Mac endings have no line feeds to count (as csv says)");
    }
}
