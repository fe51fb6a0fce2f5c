//! The registry the office holds: the newest published run of each of its connectors of
//! inspections (and of risk scores), read back from the staged pages exactly as a workstation
//! downloads it (`records::RecordsBody`), checked against the digest the run was published
//! with, every row validated by the workstation's readers (`ekn_readers::registry`), and kept in
//! memory until a newer run is published. The effectiveness figures read it to say what later
//! inspections found after each act and to estimate the acts' effect on violations (issue 39).
//!
//! Appeals are not here: the office fetches none (see `connectors`), so whatever rests on appeals
//! stays with the workstations and the reports say so.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use ekn_domain::facts::Registry;
use ekn_domain::records::Inspection;
use ekn_readers::registry::{latest_risk, read_inspections, read_risk, registry_of};
use sha2::{Digest, Sha256};

use crate::records::RecordsBody;
use crate::OfficeError;

pub use ekn_analytics::office_reports::RegistryRun;

/// The registry as read, or why it could not be.
#[derive(Debug)]
pub struct OfficeRegistry {
    pub registry: Registry,
    /// Each object's latest risk score, from the risk connectors' runs.
    pub latest_risk: Vec<(String, f64)>,
    pub runs: Vec<RegistryRun>,
}

/// What `held` answers: the registry, none (no connector of inspections has published), or the
/// reason a published run cannot be read (its pages replaced, tampered with, or a bad row).
pub enum Held {
    Registry(Arc<OfficeRegistry>),
    NoRun,
    Unreadable(String),
}

impl Held {
    /// The registry when there is one; else none, with why pushed to `not_computed`: `no_run` when
    /// no connector of inspections has published, else the reading's failure under `unreadable`
    /// (its code, and what the failure stops being computed).
    pub fn or_note(
        self,
        not_computed: &mut Vec<crate::not_computed::NotComputed>,
        no_run: crate::not_computed::NotComputed,
        unreadable: (&'static str, &str),
    ) -> Option<Arc<OfficeRegistry>> {
        match self {
            Held::Registry(held) => Some(held),
            Held::NoRun => {
                not_computed.push(no_run);
                None
            }
            Held::Unreadable(reason) => {
                not_computed.push(crate::not_computed::NotComputed::unreadable(unreadable.0, unreadable.1, reason));
                None
            }
        }
    }
}

/// The last registry read, by the runs (and the digests they were published with) it was read from.
static READ: Mutex<Option<(RunKeys, Arc<OfficeRegistry>)>> = Mutex::new(None);

/// Runs by id and published digest.
type RunKeys = Vec<(i64, String)>;

/// The registry of the newest published runs, read once per set of runs.
pub async fn held<C: deadpool_postgres::GenericClient>(client: &C) -> Result<Held, OfficeError> {
    let rows = client
        .query(
            "SELECT DISTINCT ON (r.connector) r.connector, r.id, c.spec->>'data', r.records, r.sha256 \
             FROM office_connector_runs r JOIN office_connectors c ON c.name = r.connector \
             WHERE r.status = 'published' AND c.spec->>'data' IN ('inspections', 'risk') \
             ORDER BY r.connector, r.id DESC",
            &[],
        )
        .await?;
    let mut runs: Vec<RegistryRun> = rows
        .iter()
        .map(|r| RegistryRun {
            connector: r.get(0),
            run_id: r.get(1),
            data: r.get(2),
            records: r.get::<_, Option<i64>>(3).unwrap_or(0),
            sha256: r.get::<_, Option<String>>(4).unwrap_or_default(),
            rows: 0,
        })
        .collect();
    // Oldest run first: where two connectors give the same inspection, the newer run's row stands.
    runs.sort_by_key(|r| r.run_id);
    if !runs.iter().any(|r| r.data == "inspections") {
        return Ok(Held::NoRun);
    }
    let ids: RunKeys = runs.iter().map(|r| (r.run_id, r.sha256.clone())).collect();
    if let Some((read_ids, registry)) =
        READ.lock().map_err(|_| OfficeError::Config("the registry's lock".into()))?.as_ref()
    {
        if *read_ids == ids {
            return Ok(Held::Registry(registry.clone()));
        }
    }
    let mut inspections: Vec<Inspection> = Vec::new();
    let mut position: HashMap<String, usize> = HashMap::new();
    let mut scores = Vec::new();
    for run in &mut runs {
        let bytes = match records_of(client, run).await? {
            Ok(bytes) => bytes,
            Err(reason) => return Ok(Held::Unreadable(reason)),
        };
        let name = format!("office connector {} run {}", run.connector, run.run_id);
        if run.data == "risk" {
            match read_risk(&name, bytes) {
                Ok(rows) => {
                    run.rows = rows.len();
                    scores.extend(rows);
                }
                Err(e) => return Ok(Held::Unreadable(e.to_string())),
            }
            continue;
        }
        match read_inspections(&name, bytes) {
            Ok(rows) => {
                run.rows = rows.len();
                for row in rows {
                    match position.get(&row.registry_no) {
                        Some(&at) => inspections[at] = row,
                        None => {
                            position.insert(row.registry_no.clone(), inspections.len());
                            inspections.push(row);
                        }
                    }
                }
            }
            Err(e) => return Ok(Held::Unreadable(e.to_string())),
        }
    }
    let read =
        Arc::new(OfficeRegistry { registry: registry_of(&inspections), latest_risk: latest_risk(&scores), runs });
    *READ.lock().map_err(|_| OfficeError::Config("the registry's lock".into()))? = Some((ids, read.clone()));
    Ok(Held::Registry(read))
}

/// A run's records as a workstation downloads them, bounded as a download is, and checked against
/// the digest the run was published with; `Err` says why they cannot be used.
async fn records_of<C: deadpool_postgres::GenericClient>(
    client: &C,
    run: &RegistryRun,
) -> Result<Result<Arc<[u8]>, String>, OfficeError> {
    let mut body = match RecordsBody::published(client, &run.connector, run.run_id).await {
        Ok(body) => body,
        Err(OfficeError::Refused(_, refusal)) => return Ok(Err(refusal.message)),
        Err(e) => return Err(e),
    };
    let mut bytes = Vec::new();
    while let Some(piece) = body.next(client).await? {
        if (bytes.len() + piece.len()) as u64 > ekn_readers::MAX_IMPORT_BYTES {
            return Ok(Err(format!(
                "office connector {} run {}: more than {} bytes",
                run.connector,
                run.run_id,
                ekn_readers::MAX_IMPORT_BYTES
            )));
        }
        bytes.extend_from_slice(&piece);
    }
    let digest = hex::encode(Sha256::digest(&bytes));
    if digest != run.sha256 {
        return Ok(Err(format!(
            "office connector {} run {}: its records no longer match the SHA-256 it was published with",
            run.connector, run.run_id
        )));
    }
    Ok(Ok(bytes.into()))
}
