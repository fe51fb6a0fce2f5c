//! The registry readers: a registry export (CSV, XLSX, JSON, or one of them zipped) read into
//! checked domain records, with no database. `source` reads any supported file as raw records
//! (`xlsx`, `zipped`, `record_lines` for the JSON lines), `columns` maps headers onto fields,
//! `values` parses a cell, `rows` validates a record into a domain value, `registry` reads a whole
//! export into memory (the office's imports and connectors), `plan` and `labelled` read an
//! inspection plan and labelled appeals.
//!
//! Its own crate because the workstation's import (`ekn::ingest`, which writes to the store) and the
//! office (`ekn-office`, which keeps registries in PostgreSQL) must read a file with the same rules
//! and say the same thing about the same bad row.

pub mod columns;
pub mod labelled;
pub mod plan;
pub(crate) mod record_lines;
pub mod registry;
pub mod rows;
pub mod source;
pub mod values;
pub mod xlsx;
mod zipped;

use std::io::Read;
use std::path::Path;

/// The most one export may unpack to (a plain archive's member, a workbook's parts, an office
/// connector's run): a million inspections are about 200 MB of CSV.
pub const MAX_IMPORT_BYTES: u64 = zipped::MAX_MEMBER_BYTES;

/// Why a file could not be read or imported, naming the file and, where there is one, the line
/// and the field.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// A problem at a place in the file: a value, a record, the header.
    /// `value` is the refused value where it is safe to show (`columns::shows_value`).
    #[error("{file}: {position} {line}, field {field}: {reason}")]
    Invalid { file: String, position: &'static str, line: u64, field: String, reason: String, value: Option<String> },
    /// A problem with the file as a whole.
    #[error("{file}: {reason}")]
    File { file: String, reason: String },
    #[error("{file}: the legal card is not valid: {reason}")]
    LegalCard { file: String, reason: String },
    /// The store refused a write of the import (`ekn::ingest`): the store's own error, boxed because
    /// the readers know no store; `ekn::api` takes it back out to name its code.
    #[error(transparent)]
    Store(Box<dyn std::error::Error + Send + Sync>),
}

/// Where an import reads from: a file on disk, bytes in memory (the demo data, made on the fly), or
/// a stream opened afresh for each reading (a connector's staged pages, read once for the digest
/// and once to import, never whole in memory).
pub enum Input<'a> {
    Path(&'a Path),
    Bytes { name: &'a str, bytes: std::sync::Arc<[u8]> },
    Stream { name: &'a str, open: &'a OpenStream },
}

/// Opens a stream from its start; each call gives the same bytes.
pub type OpenStream = dyn Fn() -> std::io::Result<Box<dyn Read + Send>> + Sync;

impl Input<'_> {
    /// The name an error gives the input: its path, or the name it was given.
    pub fn name(&self) -> String {
        match self {
            Input::Path(p) => p.display().to_string(),
            Input::Bytes { name, .. } | Input::Stream { name, .. } => name.to_string(),
        }
    }
}
