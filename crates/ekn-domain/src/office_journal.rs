//! The office's own journal as it crosses the wire (issue 64): what the office decides or records on
//! a person's word — assignments (a supervisor's, the routing rule's), conflicts resolved,
//! assignments withdrawn, norms imported — one entry type for the office that writes the chain and
//! the workstation that shows it, the hash every entry is chained with, and the check a reader
//! makes of the entries it was given (`access_log::check_chain`: a supervisor sees the entries of
//! their districts, so only entries that follow each other can be linked).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::access_log::{check_chain, length_prefixed_sha256, ChainCheck};

/// One entry of the office's journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct OfficeEntry {
    pub seq: i64,
    #[ts(type = "string")]
    pub at: DateTime<Utc>,
    /// Who decided; none for the office's own rule.
    pub person: Option<String>,
    /// `assigned`, `assigned_by_rule`, `conflict_resolved`, `assignment_withdrawn`, `norms_imported`.
    pub kind: String,
    pub object_key: String,
    pub district: Option<String>,
    /// The decision's number in the office's order.
    pub global_seq: i64,
    /// What was decided and why (JSON text, hashed as stored).
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

/// The hash of an entry: SHA-256 over the previous hash and every field, length-prefixed.
pub fn entry_hash(e: &OfficeEntry) -> String {
    let none = "\u{0}".to_string();
    let fields = [
        e.prev_hash.clone(),
        e.seq.to_string(),
        e.at.to_rfc3339(),
        e.person.clone().unwrap_or_else(|| none.clone()),
        e.kind.clone(),
        e.object_key.clone(),
        e.district.clone().unwrap_or_else(|| none.clone()),
        e.global_seq.to_string(),
        e.detail.clone(),
    ];
    length_prefixed_sha256(&fields)
}

/// Checks each entry's own hash and its link to the entry numbered just before it, when given.
pub fn check_entries(entries: &[OfficeEntry]) -> ChainCheck {
    check_chain(entries, |e| (e.seq, e.prev_hash.as_str(), e.hash.as_str()), |e| entry_hash(e) == e.hash)
}
