//! Reading a plan for `ekn risk score`: an export of upcoming inspections (next quarter's planned
//! ones, or unplanned ones just registered) in the inspections format, with or without outcome
//! columns. Outcome columns, when present, are read past and never used — the model must not see
//! what it predicts. A bad row stops the reading with its file, line and field; nothing is stored.

use std::path::Path;
use std::sync::Arc;

use crate::columns::{ColumnMap, INSPECTION_FIELDS};
use crate::rows::{inspection, FieldRow};
use crate::source::{open_bytes, Position};
use crate::IngestError;
use ekn_domain::records::Inspection;

/// A plan as read.
#[derive(Debug, Clone)]
pub struct PlanFile {
    pub file: String,
    pub format: String,
    pub sha256: String,
    /// Rows with their line numbers, in file order.
    pub rows: Vec<(u64, Inspection)>,
}

/// Reads a plan from disk.
pub fn read_plan(path: &Path) -> Result<PlanFile, IngestError> {
    let file = path.display().to_string();
    let bytes: Arc<[u8]> =
        ekn_disk::read(path).map_err(|e| IngestError::File { file: file.clone(), reason: e.to_string() })?.into();
    read_plan_bytes(&file, bytes)
}

/// Reads a plan held in memory (an upload), named `file` in errors.
pub fn read_plan_bytes(file: &str, bytes: Arc<[u8]>) -> Result<PlanFile, IngestError> {
    let sha256 = ekn_domain::digest::sha256_hex(&bytes);
    let file = file.to_string();
    let invalid = |position: Position, line: u64, field: String, reason: String| IngestError::Invalid {
        file: file.clone(),
        position: position.word(),
        line,
        field,
        reason,
        value: None,
    };
    let table = open_bytes(bytes).map_err(|e| match e.field {
        Some(field) => invalid(Position::Line, e.line, field, e.reason),
        None => IngestError::File { file: file.clone(), reason: e.reason },
    })?;
    let position = table.position;
    let map = match &table.headers {
        Some(headers) => Some(
            ColumnMap::new(INSPECTION_FIELDS, headers)
                .map_err(|(field, reason)| invalid(position, 1, field, reason))?,
        ),
        None => None,
    };
    let mut rows = Vec::new();
    for record in table.records {
        let record = record.map_err(|e| match &e.field {
            Some(field) => invalid(position, e.line, field.clone(), e.reason.clone()),
            None if e.line == 0 => IngestError::File { file: file.clone(), reason: e.reason.clone() },
            None => invalid(position, e.line, "—".into(), e.reason.clone()),
        })?;
        let row = FieldRow::new(INSPECTION_FIELDS, map.as_ref(), &record.cells);
        let mut parsed = inspection(&row).map_err(|e| invalid(position, record.line, e.field.to_string(), e.reason))?;
        // What the model predicts is not an input: blank whatever the plan says about it.
        parsed.appealed = None;
        parsed.declared_illegal = None;
        rows.push((record.line, parsed));
    }
    if rows.is_empty() {
        return Err(IngestError::File { file, reason: "the plan has no rows".into() });
    }
    Ok(PlanFile { file, format: table.format, sha256, rows })
}
