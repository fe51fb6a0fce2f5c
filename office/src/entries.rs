//! An entry as the office stores it, read back: the joins that put its personal data back from
//! `event_personal` (or name the destruction act that cleared it), and the entry rebuilt from those
//! columns as the workstation's own journal would show it. Pulls, conflicts and the office's reads
//! of cards all rebuild entries this one way.

use ekn_domain::journal::{PersonalData, StoredEntry};

use crate::error::OfficeError;

/// An entry as the office keeps it, with its personal data put back from `event_personal` (or the
/// act that cleared it named), as the workstation's own journal would show it.
pub fn stored_entry(
    entry: serde_json::Value,
    personal: Option<serde_json::Value>,
    redacted_by: Option<String>,
) -> Result<StoredEntry, OfficeError> {
    let mut stored: StoredEntry =
        serde_json::from_value(entry).map_err(|e| OfficeError::Config(format!("a stored entry: {e}")))?;
    stored.personal = personal
        .map(serde_json::from_value::<PersonalData>)
        .transpose()
        .map_err(|e| OfficeError::Config(format!("a stored entry's personal data: {e}")))?;
    stored.redacted_by = redacted_by;
    Ok(stored)
}

/// The columns that rebuild an entry over `events e` (`stored_entry(entry, personal, act)`).
pub const ENTRY_JOINS: &str = "LEFT JOIN event_personal ep ON ep.global_seq = e.global_seq \
     LEFT JOIN redactions rd ON rd.global_seq = e.global_seq LEFT JOIN redaction_acts ra ON ra.id = rd.act_id";
