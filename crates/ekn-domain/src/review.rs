//! A person's answer to an automatic output (an anomaly dismissed or restored, a risk estimate
//! overridden or the override withdrawn), as the store keeps it and the reports show it beside the
//! output it answers. Plain data: the store writes it, `analytics` lists it, the faces show it.

use serde::{Deserialize, Serialize};

/// One person's answer to an automatic output, as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Review {
    pub id: i64,
    /// `anomaly` or `risk`.
    pub target: String,
    /// The anomaly's key, or the object's BIN.
    pub key: String,
    /// `dismissed`, `restored`, `override`, `withdrawn`.
    pub action: String,
    /// For an override: the person's own assessment (`high`, `medium`, `low`).
    pub value: Option<String>,
    /// The model version the person answered.
    pub basis: Option<String>,
    pub reason: String,
    pub author: String,
    pub at: String,
}
