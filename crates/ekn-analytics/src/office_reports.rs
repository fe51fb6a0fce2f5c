//! The office's reports as they cross the wire (issue 64): what `ekn-office` computes for a person
//! of the office and a joined workstation shows in the app. One type for the office that writes
//! a report and the workstation that reads it, so the two cannot drift apart.

use serde::{Deserialize, Serialize};

use chrono::NaiveDate;

use crate::effect_tiers::{EffectEntry, StatusCounts};
use crate::outcome_kpis::Kpis;
use crate::theme_reports::{ThemeScanReport, ThemeScoreReport};

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

/// A control body whose inspections prompted acts, and how many (the choices of the body filter).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct BodyActs {
    pub body: String,
    pub acts: u64,
}

/// `GET /v1/effect` and `ekn-office effect --json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct OfficeEffect {
    pub as_of: NaiveDate,
    pub horizon_days: u64,
    pub default_horizon_days: u64,
    /// `protest`, `submission`, `order`, `warning` when narrowed to one kind.
    pub kind: Option<String>,
    /// The KATO prefix narrowed to.
    pub district: Option<String>,
    /// The control body narrowed to (acts its inspections prompted); absent from an older office.
    #[serde(default)]
    pub body: Option<String>,
    /// The bodies whose inspections prompted the acts of the asked kind and district, most acts
    /// first (empty without a registry, or from an older office).
    #[serde(default)]
    pub bodies: Vec<BodyActs>,
    /// The workstation report's `kpis`, computed by the same code.
    pub kpis: Kpis,
    /// What the next inspection found after each act; `None` without a registry (see `not_computed`).
    pub verification: Option<OfficeVerification>,
    /// The estimated effect on violations per inspection, entries as in the workstation's report
    /// (empty without a registry).
    pub effects: Vec<EffectEntry>,
    pub method: String,
    /// The published runs the registry was read from.
    pub registry: Vec<RegistryRun>,
    /// Appeals the workstations handed over (one per number), all of the office's.
    pub appeals_held: usize,
    /// How many workstations the acts came from, and how many acts two of them share (counted once).
    pub workstations: usize,
    pub shared_acts: usize,
    /// What is not computed at the office, and why.
    pub not_computed: Vec<NotComputed>,
    /// When the office computed the figures, by its clock (absent from an office older than it).
    #[serde(default)]
    #[ts(type = "string | null")]
    pub computed_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// Tier 2 at the office, counted as the workstation counts it; a check is `None` where the
/// office lacks its data (`not_computed` says which).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct OfficeVerification {
    /// What the next inspection found (needs a registry of inspections).
    pub next_inspection: Option<StatusCounts>,
    /// Appeals about the object after the act, of the act's category, and an earlier applicant
    /// returning after a "satisfied" answer (need the workstations' appeals).
    pub appeals: Option<StatusCounts>,
    pub category_appeals: Option<StatusCounts>,
    pub returning_applicant: Option<StatusCounts>,
    /// Acts whose object the registry of inspections does not know (their next inspection is
    /// not checked).
    pub not_in_registry: u64,
    pub rule: String,
}

/// `ekn-office themes scores --json` and `GET /v1/themes/scores`: the workstations' themes ranked
/// for the plan by the lower bound of their score, each score decomposed into its parts, by the
/// code `ekn themes scores` runs (`score_report`), over the office's appeals (with the flags
/// triage set on the workstation that holds each), registry, risk scores and anomalies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct OfficeThemeScores {
    #[serde(flatten)]
    pub scores: ThemeScoreReport,
    pub owners: Vec<ThemeOwner>,
    #[ts(type = "number")]
    pub appeals_held: usize,
    pub registry: Vec<RegistryRun>,
    pub not_computed: Vec<NotComputed>,
    /// When the office computed the scores, by its clock (absent from an office older than it).
    #[serde(default)]
    #[ts(type = "string | null")]
    pub computed_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// `GET /v1/anomalies` and `ekn-office anomalies --json`: the workstations' detectors run over
/// everything the office holds (its registry and every workstation's appeals, so a district is
/// compared with all of the office's peers and neighbours), listed as the caller's role lets them
/// be read — a prosecutor or supervisor the units in their districts, an analyst every unit but
/// never the objects behind it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct OfficeAnomalies {
    #[serde(flatten)]
    #[ts(flatten)]
    pub report: crate::anomaly_list::AnomalyReport,
    /// Appeals read (one per number), all of the office's.
    #[ts(type = "number")]
    pub appeals_held: usize,
    /// The published runs the registry was read from.
    pub registry: Vec<RegistryRun>,
    pub not_computed: Vec<NotComputed>,
    /// The KATO prefixes the list was narrowed to (`["*"]`: the whole office).
    #[serde(default)]
    pub districts: Vec<String>,
    /// Anomalies the detectors listed outside those districts (not shown).
    #[serde(default)]
    #[ts(type = "number")]
    pub outside: usize,
    /// The objects behind each anomaly were withheld: the caller's role reads aggregates only.
    #[serde(default)]
    pub objects_withheld: bool,
    /// When the office computed the list, by its clock (absent from an office older than it).
    #[serde(default)]
    #[ts(type = "string | null")]
    pub computed_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// A district's appeals as the office counts them for its map.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct DistrictAppeals {
    /// Not decided yet.
    pub open: u64,
    /// Received in the 90 days up to the map's day.
    pub received_90_days: u64,
    pub total: u64,
}

/// `GET /v1/appeals/map`: the appeals every workstation handed over in the caller's districts,
/// counted by district (the first four digits of KATO) for the Appeals screen's map in office scope.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct OfficeAppealsMap {
    pub today: NaiveDate,
    pub by_district: std::collections::BTreeMap<String, DistrictAppeals>,
    /// Appeals whose KATO code names no district (counted, not drawn).
    pub without_district: u64,
    #[ts(type = "number")]
    pub appeals_held: usize,
    #[serde(default)]
    #[ts(type = "string | null")]
    pub computed_at: Option<chrono::DateTime<chrono::Utc>>,
}
