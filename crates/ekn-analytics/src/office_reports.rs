//! The office's reports as they cross the wire (issue 64): what `ekn-office` computes for a person
//! of the office and a joined workstation shows in the app. One type for the office that writes
//! a report and the workstation that reads it, so the two cannot drift apart.

use serde::{Deserialize, Serialize};

use crate::theme_reports::ThemeScanReport;

/// Something the office did not compute, and why: a code the consoles put into the person's
/// language (`office.not_computed.<code>`), the reason in English (the JSON's), and the detail a
/// reason quotes (a registry's fault).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct NotComputed {
    pub code: String,
    pub reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub detail: Option<String>,
}

impl NotComputed {
    pub fn new(code: &str, reason: impl Into<String>) -> NotComputed {
        NotComputed { code: code.to_string(), reason: reason.into(), detail: None }
    }

    /// The office's registry could not be read (`what` names the figures that wait for it).
    pub fn unreadable(code: &str, what: &str, detail: String) -> NotComputed {
        NotComputed {
            code: code.to_string(),
            reason: format!("{what}: the office's registry cannot be read ({detail})"),
            detail: Some(detail),
        }
    }
}

/// A published run the office read its registry from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct RegistryRun {
    pub connector: String,
    pub run_id: i64,
    /// `inspections` or `risk`.
    pub data: String,
    /// The records the run was published with (0 for a file, which is published as it came).
    pub records: i64,
    pub sha256: String,
    /// The rows the office read from it, each checked as an import checks it.
    #[ts(type = "number")]
    pub rows: usize,
}

/// A theme and its author.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ThemeOwner {
    pub theme: String,
    pub name: String,
    pub version: i64,
    pub person: String,
    pub workstation: String,
}

/// `ekn-office themes scan --json` and `GET /v1/themes/scan`: the workstation's report, each
/// theme named with its author, and what it was computed over.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct OfficeThemeScan {
    #[serde(flatten)]
    pub scan: ThemeScanReport,
    /// Whose each theme is (`theme` is its name in `themes`: `NAME — PERSON`).
    pub owners: Vec<ThemeOwner>,
    /// Appeals the scan read (one per number).
    #[ts(type = "number")]
    pub appeals_held: usize,
    /// The published runs the registry was read from (themes of inspections).
    pub registry: Vec<RegistryRun>,
    /// What could not be judged here, and why.
    pub not_computed: Vec<NotComputed>,
    /// When the office computed the scan, by its clock (absent from an office older than it).
    #[serde(default)]
    #[ts(type = "string | null")]
    pub computed_at: Option<chrono::DateTime<chrono::Utc>>,
}
