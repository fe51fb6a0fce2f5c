//! The office's own journal read from a joined workstation (issue 64): the decisions the office
//! recorded on a person's word — assignments (a supervisor's, the routing rule's), conflicts
//! resolved, assignments withdrawn, norms imported — as the office lets this workstation's person
//! read them (a supervisor or prosecutor: their districts' and their own; an administrator's
//! workstation: also those of no district), newest first, with what this workstation could check of
//! the entries' chain (`ekn_domain::office_journal::check_entries`).
//!
//! The entries name people: they are shown, never kept here, and an office out of reach is an
//! error, not an old copy (as the access log).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::Office;
use crate::api::{ApiError, ErrorCode};
use crate::domain::access_log::ChainCheck;
use crate::domain::office_journal::{check_entries, OfficeEntry};

/// The most entries one reading asks for (the office answers at most 10,000).
const MAX_ENTRIES: u32 = 10_000;

/// What a reading of the office's journal asks for.
#[derive(Debug, Clone, Default, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct OfficeJournalParams {
    /// How many of the newest entries (1–10,000; default 200).
    #[serde(default)]
    pub limit: Option<u32>,
}

/// The entries the office gave, newest first, and what could be checked of them.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct OfficeJournalView {
    pub entries: Vec<OfficeEntry>,
    pub check: ChainCheck,
    #[ts(type = "string")]
    pub fetched_at: DateTime<Utc>,
}

/// The kinds of decision the office records.
const KINDS: [&str; 5] =
    ["assigned", "assigned_by_rule", "conflict_resolved", "assignment_withdrawn", "norms_imported"];

/// Checks the office's entries as a peer's: no more than asked for, kinds the office records, fields
/// as it bounds them, the detail a JSON object.
fn checked(entries: &[OfficeEntry], asked: u32) -> Result<(), ApiError> {
    let bad = entries.iter().any(|e| {
        !KINDS.contains(&e.kind.as_str())
            || e.person.as_deref().is_some_and(|p| p.chars().count() > 200 || p.chars().any(char::is_control))
            || e.object_key.chars().count() > 400
            || e.district.as_deref().is_some_and(|d| d.len() > 9 || !d.bytes().all(|b| b.is_ascii_digit()))
            || e.detail.len() > 8_000
            || !serde_json::from_str::<serde_json::Value>(&e.detail).is_ok_and(|d| d.is_object())
            || e.hash.len() != 64
            || e.prev_hash.len() != 64
    });
    if entries.len() > asked as usize || bad {
        return Err(ApiError::new(ErrorCode::OfficeRefused, "the office's journal is not one an office sends"));
    }
    Ok(())
}

impl Office<'_> {
    /// The office journal's newest entries this person may read, with the chain's check.
    pub fn journal_entries(&mut self, params: &OfficeJournalParams) -> Result<OfficeJournalView, ApiError> {
        let limit = params.limit.unwrap_or(200);
        if !(1..=MAX_ENTRIES).contains(&limit) {
            return Err(ApiError::invalid(format!("limit: 1 to {MAX_ENTRIES} entries")));
        }
        let link = self.linked()?;
        let client = self.office_client(&link)?;
        let path = format!("/v1/journal?limit={limit}");
        let entries: Vec<OfficeEntry> = client.call("GET", &path, None::<&()>, self.office_auth(&link))?;
        checked(&entries, limit)?;
        let check = check_entries(&entries);
        Ok(OfficeJournalView { entries, check, fetched_at: self.read().clock().now() })
    }
}
