//! The national figures as they cross the wire (issue 64): what `ekn-office national …` computes
//! over every region's published tables and its read-only HTTP face (`national serve`) answers a
//! national analyst, and what the app's Country screen shows. One type for the national side that
//! writes the figures and the app that reads them, so the two cannot drift apart. Nothing here
//! names a person or an object: a region, a district (KATO digits), a category, counts.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use ekn_domain::norms::Localized;
use ekn_domain::tasks::Figures;
use serde::{Deserialize, Serialize};

use crate::anomaly_list::AnomalyReport;
use crate::outcome_kpis::Kpis;
use crate::themes::{CellScan, ScanParams};

/// `national dashboard --json` and `GET /v1/national/dashboard`: the totals of `ekn-office
/// dashboard --json` over every region, the overdue matrix by district × category, and each
/// region's own totals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct NationalDashboard {
    pub today: NaiveDate,
    pub totals: Figures,
    /// Region (two digits of KATO: the task counts are published by region, as the dashboard's matrix
    /// reads them; `—` without one) → category (or task kind) → overdue tasks.
    #[ts(type = "Record<string, Record<string, number>>")]
    pub overdue_matrix: BTreeMap<String, BTreeMap<String, usize>>,
    pub regions: BTreeMap<String, RegionFigures>,
    /// The same totals for each district the regions' offices file their tasks under (four KATO
    /// digits; office migration 0023): the Country screen's region opens into its districts'
    /// deadlines. Empty from a national database whose regions publish no district yet.
    #[serde(default)]
    pub by_district: BTreeMap<String, Figures>,
    pub tasks: u64,
    pub appeals: NationalAppeals,
    pub calendar: String,
}

/// One region's deadline figures and sizes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct RegionFigures {
    pub totals: Figures,
    pub tasks: u64,
    /// Appeals the region's office holds (each once, however many workstations hold it).
    pub appeals: u64,
}

/// The country's appeals as the regions count them: never an appeal, only how many.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct NationalAppeals {
    pub total: u64,
    /// Region → category (the taxonomy's code, or the label it does not know) → appeals.
    pub by_region_category: BTreeMap<String, BTreeMap<String, u64>>,
    /// Month received (`YYYY-MM`) → appeals, over every region.
    pub by_month: BTreeMap<String, u64>,
    /// District (four digits of KATO) → appeals, over every region: the districts' map of a region
    /// drilled into.
    #[serde(default)]
    pub by_district: BTreeMap<String, u64>,
}

/// `national effect --json` and `GET /v1/national/effect`: the country's KPIs and each region's,
/// and tier 3 — each region's published estimate of the acts' effect and the regions pooled
/// (`effect_pool`; empty from a national side before 2026-11-29 or where no region estimates).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct NationalEffect {
    pub today: NaiveDate,
    pub totals: Kpis,
    pub regions: BTreeMap<String, Kpis>,
    #[serde(default)]
    pub estimates: Vec<crate::effect_pool::RegionEstimate>,
    #[serde(default)]
    pub pooled: Vec<crate::effect_pool::PooledEffect>,
}

/// `national themes --json` and `GET /v1/national/themes`: the country's category × district
/// cells of appeals judged (or one region's, the drill-down).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct NationalCells {
    pub as_of: NaiveDate,
    pub method: String,
    pub params: ScanParams,
    /// The region drilled into, or none: the whole country, judged as one family.
    pub region: Option<String>,
    /// The regions whose counts were read.
    pub regions: Vec<String>,
    pub cells: CellScan,
    pub note: Localized,
}

/// `national anomalies --json` and `GET /v1/national/anomalies`: the anomalies of the country
/// (or of one region, the drill-down).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct NationalAnomalies {
    /// The region drilled into, or none: every region's units judged as one family.
    pub region: Option<String>,
    /// The regions whose rows were read.
    pub regions: Vec<String>,
    /// Published inspections and appeals read.
    #[ts(type = "number")]
    pub inspections: usize,
    #[ts(type = "number")]
    pub appeals: usize,
    /// The objects' pseudonyms were withheld (the HTTP face: a national analyst reads aggregates,
    /// never an object, even by its region's pseudonym).
    #[serde(default)]
    pub objects_withheld: bool,
    #[serde(flatten)]
    #[ts(flatten)]
    pub report: AnomalyReport,
}

/// `GET /v1/national/status` (the national administrator's): how each region's replication
/// stands, read on the national side — the subscription and its worker from PostgreSQL's own
/// views, and the region's slot as the owner's last `national status` found it (the HTTP face
/// never holds a region's connection string, so it cannot ask the region itself).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct RegionHealth {
    pub region: String,
    #[ts(type = "string")]
    pub attached_at: DateTime<Utc>,
    /// The subscription exists and is enabled.
    pub enabled: bool,
    /// Tables of the region still being copied (0: every table streams).
    pub copying: u32,
    /// The apply worker runs (connected to the region).
    pub worker: bool,
    /// When a message of the region last arrived (changes or its keep-alive).
    #[ts(type = "string | null")]
    pub last_message_at: Option<DateTime<Utc>>,
    /// The region's time of the last change the national side confirmed.
    #[ts(type = "string | null")]
    pub applied_up_to: Option<DateTime<Utc>>,
    /// The owner's last `national status` of this region, if one ran since the HTTP face existed.
    pub last_check: Option<SlotCheck>,
}

/// What the owner's `national status` found of one region (it reads the region's slot).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct SlotCheck {
    #[ts(type = "string")]
    pub checked_at: DateTime<Utc>,
    /// `reserved`, `extended`, `unreserved` or `lost`.
    pub slot: Option<String>,
    #[ts(type = "number | null")]
    pub lag_bytes: Option<i64>,
    pub caught_up: bool,
    pub problem: Option<String>,
}

/// `GET /v1/national/status`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct NationalHealth {
    pub regions: Vec<RegionHealth>,
    #[ts(type = "string")]
    pub at: DateTime<Utc>,
}
