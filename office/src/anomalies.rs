//! The office's anomalies of inspection practice (`ekn-office anomalies`): the workstations'
//! detectors (`analytics::practices::detect`) over everything the office holds — the registry its
//! connectors fetched and the appeals' facts the workstations handed over (one copy per number) —
//! so a region's people see what their workstations would (in the app too: `GET /v1/anomalies`),
//! and what the national side compares with every other region's (`national_practice`).
//! Dismissals are made and kept on workstations; here nothing is dismissed.

use std::collections::HashMap;

use chrono::NaiveDate;
use ekn_analytics::anomaly_list::AnomalyReport;
use ekn_analytics::practices::{detect, DetectParams};

use crate::db::Scope;
use crate::error::OfficeError;
use crate::not_computed::NotComputed;
use crate::people::{Caller, Role};
use crate::registry;

pub use ekn_analytics::office_reports::OfficeAnomalies;

/// The whole office's anomalies as of `today` (the console's).
pub async fn whole_office(
    client: &mut deadpool_postgres::Client,
    today: NaiveDate,
) -> Result<OfficeAnomalies, OfficeError> {
    detect_all(client, today).await
}

/// The anomalies as a person of the office may read them (`GET /v1/anomalies`). The detectors
/// run over the whole office — a district is judged against all of its peers and neighbours, not
/// only the caller's — and only what the role may read leaves the server: a prosecutor or a
/// supervisor the units in their districts (with the objects behind them), an analyst every unit
/// without its objects; an administrator reads no content.
pub async fn for_caller(
    client: &mut deadpool_postgres::Client,
    caller: &Caller,
    today: NaiveDate,
) -> Result<OfficeAnomalies, OfficeError> {
    caller.require(&[Role::Prosecutor, Role::Supervisor, Role::Analyst], "read the office's anomalies")?;
    let mut found = detect_all(client, today).await?;
    if caller.person.role == Role::Analyst {
        found.objects_withheld = true;
        for listed in &mut found.report.anomalies {
            listed.anomaly.subject_bins.clear();
        }
        return Ok(found);
    }
    let before = found.report.anomalies.len();
    // A unit without a district (a body across the region) is not one person's to read.
    found.report.anomalies.retain(|a| caller.may_read_district(a.anomaly.district.as_deref()));
    found.outside = before - found.report.anomalies.len();
    found.districts = caller.person.districts.clone();
    Ok(found)
}

async fn detect_all(client: &mut deadpool_postgres::Client, today: NaiveDate) -> Result<OfficeAnomalies, OfficeError> {
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
        districts: vec!["*".into()],
        outside: 0,
        objects_withheld: false,
        computed_at: Some(chrono::Utc::now()),
    })
}
