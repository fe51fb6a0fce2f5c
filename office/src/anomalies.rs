//! The office's anomalies of inspection practice (`ekn-office anomalies`): the workstations'
//! detectors (`analytics::practices::detect`) over everything the office holds — the registry its
//! connectors fetched and the appeals' facts the workstations handed over (one copy per number) —
//! so a region's administrator sees what its workstations would, and what the national side
//! compares with every other region's (`national_practice`). Dismissals are made and kept on
//! workstations; here nothing is dismissed.

use std::collections::HashMap;

use chrono::NaiveDate;
use ekn_analytics::anomaly_list::AnomalyReport;
use ekn_analytics::practices::{detect, DetectParams};
use serde::Serialize;

use crate::db::Scope;
use crate::error::OfficeError;
use crate::not_computed::NotComputed;
use crate::registry::{self, RegistryRun};

/// `ekn-office anomalies --json`: the list, and what it was computed over.
#[derive(Debug, Clone, Serialize)]
pub struct OfficeAnomalies {
    #[serde(flatten)]
    pub report: AnomalyReport,
    /// Appeals read (one per number).
    pub appeals_held: usize,
    /// The published runs the registry was read from.
    pub registry: Vec<RegistryRun>,
    pub not_computed: Vec<NotComputed>,
}

/// The whole office's anomalies as of `today`.
pub async fn whole_office(
    client: &mut deadpool_postgres::Client,
    today: NaiveDate,
) -> Result<OfficeAnomalies, OfficeError> {
    let started = std::time::Instant::now();
    let appeals = crate::appeals::held(client, &Scope::office()).await?;
    let mut not_computed = Vec::new();
    let held = registry::held(&*client).await?.or_note(
        &mut not_computed,
        NotComputed::new(
            "anomalies_no_registry",
            "the anomalies of inspections read the registry: the office has no published run of a connector of \
                 inspections (`ekn-office connector add … --data inspections`)",
        ),
        ("anomalies_registry_unreadable", "the anomalies"),
    );
    let (registry, _) = crate::appeals::registry_with(held.as_deref().map(|h| &h.registry), &appeals, []);
    let params = DetectParams::default();
    let detection = detect(&registry, today, &params);
    Ok(OfficeAnomalies {
        report: AnomalyReport::of(&detection, today, &params, None, &HashMap::new(), started),
        appeals_held: appeals.len(),
        registry: held.map(|h| h.runs.clone()).unwrap_or_default(),
        not_computed,
    })
}
