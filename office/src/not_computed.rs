//! Something the office did not compute, and why: every report of the office's figures (effect,
//! themes, anomalies) lists what it left out with a code the consoles put into the person's language
//! and the reason in English, instead of a figure it could not stand behind.

use serde::Serialize;

/// Something the office did not compute, and why: a code the consoles put into the person's
/// language (`office.not_computed.<code>`), the reason in English (the JSON's), and the detail a
/// reason quotes (a registry's fault).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NotComputed {
    pub code: &'static str,
    pub reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl NotComputed {
    pub fn new(code: &'static str, reason: impl Into<String>) -> NotComputed {
        NotComputed { code, reason: reason.into(), detail: None }
    }

    /// The office's registry could not be read (`what` names the figures that wait for it).
    pub fn unreadable(code: &'static str, what: &str, detail: String) -> NotComputed {
        NotComputed {
            code,
            reason: format!("{what}: the office's registry cannot be read ({detail})"),
            detail: Some(detail),
        }
    }
}
