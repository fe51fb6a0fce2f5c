//! The norms catalog at runtime: which catalog is in force (the last one an office imported, else
//! the one shipped with the release), the numbered version of each norm, and `ekn norms
//! list/export/import`. An office can confirm a period without a new release; importing a catalog
//! recomputes the open deadlines that follow a changed norm, each move logged.

use std::path::Path;
use std::rc::Rc;

use serde::Serialize;

use crate::api::{ApiError, ErrorCode, Recomputed, Session};
use crate::domain::deadline::{ExtensionCap, Period};
use crate::domain::journal::{Entry, RecordRef};
use crate::domain::norms::{Localized, Norm, NormsCatalog, BUILTIN};
use crate::store::{About, NormVersionRecord};

/// The catalog in force, with where it came from and the version of each norm.
#[derive(Debug, Clone)]
pub struct NormsInForce {
    pub catalog: NormsCatalog,
    /// `shipped` or `imported`.
    pub origin: &'static str,
    pub sha256: String,
    pub source_file: Option<String>,
    pub imported_at: Option<String>,
    versions: Vec<NormVersionRecord>,
}

impl NormsInForce {
    pub fn get(&self, id: &str) -> Option<&Norm> {
        self.catalog.get(id)
    }

    /// The version in force of a norm (None before versions are recorded, or for an unknown id).
    pub fn version(&self, id: &str) -> Option<u32> {
        self.versions.iter().find(|v| v.norm_id == id).map(|v| v.version)
    }
}

/// One norm as `ekn norms list` and Settings show it.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct NormView {
    pub id: String,
    pub name: Localized,
    pub basis: Localized,
    pub period: Period,
    pub trigger: Localized,
    pub extension_cap: Option<ExtensionCap>,
    /// True when the period was checked against the law's text.
    pub verified: bool,
    pub note: Option<Localized>,
    pub version: u32,
    /// When this version came into force in this database.
    pub since: String,
    /// `shipped` or `imported`: where this version's text came from.
    pub origin: String,
}

/// The catalog in force, as `ekn norms list` shows it.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct NormsList {
    /// `shipped` or `imported`.
    pub origin: String,
    pub sha256: String,
    pub source_file: Option<String>,
    pub imported_at: Option<String>,
    /// True when an imported catalog is in force and this release ships a different one.
    pub shipped_differs: bool,
    pub norms: Vec<NormView>,
}

/// A norm an import added, changed or removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct NormChange {
    pub id: String,
    /// `added`, `changed` or `removed`.
    pub change: String,
    pub from_version: Option<u32>,
    pub to_version: Option<u32>,
}

/// What importing a catalog did.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct NormsImportReport {
    pub sha256: String,
    pub norms: usize,
    pub changes: Vec<NormChange>,
    /// Open tasks whose due date moved because a norm they follow changed.
    pub recomputed: Vec<Recomputed>,
}

/// The largest catalog file accepted: the shipped one is some 10 KB.
const MAX_CATALOG_BYTES: u64 = 4 * 1024 * 1024;

fn norm_digest(norm: &Norm) -> Result<(String, String), ApiError> {
    let document = serde_json::to_string(norm).map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
    Ok((crate::api::sha256_hex(document.as_bytes()), document))
}

impl Session {
    /// The catalog in force, built once per session.
    pub fn norms(&self) -> Result<Rc<NormsInForce>, ApiError> {
        if let Some(cached) = self.norms_cache.borrow().as_ref() {
            return Ok(cached.clone());
        }
        let in_force = Rc::new(self.load_norms()?);
        *self.norms_cache.borrow_mut() = Some(in_force.clone());
        Ok(in_force)
    }

    fn load_norms(&self) -> Result<NormsInForce, ApiError> {
        let versions = self.store.latest_norm_versions()?;
        Ok(match self.store.latest_norm_catalog()? {
            Some(stored) => NormsInForce {
                catalog: NormsCatalog::from_json(&stored.document).map_err(|e| {
                    ApiError::new(
                        ErrorCode::Internal,
                        format!("the imported norms catalog {} is damaged: {e}", stored.source_file),
                    )
                })?,
                origin: "imported",
                sha256: stored.sha256,
                source_file: Some(stored.source_file),
                imported_at: Some(stored.imported_at),
                versions,
            },
            None => NormsInForce {
                catalog: NormsCatalog::builtin(),
                origin: "shipped",
                sha256: crate::api::sha256_hex(BUILTIN.as_bytes()),
                source_file: None,
                imported_at: None,
                versions,
            },
        })
    }

    /// Records a new version of every norm in force whose text differs from its last recorded
    /// version (a first version for norms never seen). Returns the changes.
    pub(in crate::api) fn record_norm_versions(&mut self) -> Result<Vec<NormChange>, ApiError> {
        let in_force = self.norms()?;
        let recorded = self.store.latest_norm_versions()?;
        let mut changes = Vec::new();
        let mut versions = Vec::new();
        let at = self.clock().stamp();
        for norm in &in_force.catalog.norms {
            let (sha256, document) = norm_digest(norm)?;
            let last = recorded.iter().find(|r| r.norm_id == norm.id);
            if last.is_some_and(|l| l.sha256 == sha256) {
                continue;
            }
            let version = last.map_or(1, |l| l.version + 1);
            let record = NormVersionRecord {
                norm_id: norm.id.clone(),
                version,
                sha256,
                origin: in_force.origin.to_string(),
                catalog_sha256: in_force.sha256.clone(),
                recorded_at: at.clone(),
            };
            versions.push((record, document));
            changes.push(NormChange {
                id: norm.id.clone(),
                change: if last.is_some() { "changed" } else { "added" }.into(),
                from_version: last.map(|l| l.version),
                to_version: Some(version),
            });
        }
        if !versions.is_empty() {
            let stamp = self.system_stamp();
            self.write_as(stamp, |w| {
                for (record, document) in &versions {
                    w.add_norm_version(record, document)?;
                    let entry = Entry::NormVersionRecorded {
                        norm_id: record.norm_id.clone(),
                        version: record.version,
                        sha256: record.sha256.clone(),
                        origin: record.origin.clone(),
                    };
                    w.append(&entry, About::default(), Some(RecordRef::Norm(record.norm_id.clone())))?;
                }
                Ok(())
            })?;
        }
        for gone in recorded.iter().filter(|r| in_force.get(&r.norm_id).is_none()) {
            changes.push(NormChange {
                id: gone.norm_id.clone(),
                change: "removed".into(),
                from_version: Some(gone.version),
                to_version: None,
            });
        }
        self.norms_cache.take();
        Ok(changes)
    }

    pub fn norms_list(&self) -> Result<NormsList, ApiError> {
        let in_force = self.norms()?;
        let recorded = self.store.latest_norm_versions()?;
        let norms = in_force
            .catalog
            .norms
            .iter()
            .map(|n| {
                let record = recorded.iter().find(|r| r.norm_id == n.id);
                NormView {
                    id: n.id.clone(),
                    name: n.name(),
                    basis: n.basis.describe(),
                    period: n.period,
                    trigger: Localized { ru: n.trigger_ru.clone(), kk: n.trigger_kk.clone(), en: n.trigger_en.clone() },
                    extension_cap: n.extension_cap.clone(),
                    verified: n.verified,
                    note: n.note(),
                    version: record.map_or(1, |r| r.version),
                    since: record.map_or_else(String::new, |r| r.recorded_at.clone()),
                    origin: record.map_or_else(|| in_force.origin.to_string(), |r| r.origin.clone()),
                }
            })
            .collect();
        Ok(NormsList {
            origin: in_force.origin.into(),
            sha256: in_force.sha256.clone(),
            source_file: in_force.source_file.clone(),
            imported_at: in_force.imported_at.clone(),
            shipped_differs: in_force.origin == "imported" && in_force.catalog != NormsCatalog::builtin(),
            norms,
        })
    }

    /// The catalog in force as a document `ekn norms import` reads back.
    pub fn norms_export(&self) -> Result<String, ApiError> {
        Ok(self.norms()?.catalog.to_json())
    }

    /// Imports a catalog: checked as a whole, stored verbatim with its SHA-256, the changed norms
    /// versioned, and the open deadlines that follow a changed norm recomputed and logged. A norm
    /// that open tasks follow cannot be removed.
    pub fn import_norms(&mut self, file: &Path) -> Result<NormsImportReport, ApiError> {
        let name = file.display().to_string();
        let size = std::fs::metadata(file).map_err(|e| ApiError::of_file(&name, &e))?.len();
        if size > MAX_CATALOG_BYTES {
            return Err(ApiError::new(
                ErrorCode::InvalidInput,
                format!("{name}: {size} bytes is too large for a norms catalog (at most {MAX_CATALOG_BYTES})"),
            ));
        }
        let text = crate::disk::read_to_string(file)
            .map_err(|e| ApiError::new(ErrorCode::InvalidInput, format!("{name}: {e}")))?;
        let catalog = NormsCatalog::from_json(&text)
            .map_err(|e| ApiError::new(ErrorCode::InvalidInput, format!("{name}: {e}")))?;
        let graph = self.graph()?;
        for task in graph.tasks().filter(|t| t.is_open()) {
            if let Some(id) = task.norm_id.as_deref().filter(|id| catalog.get(id).is_none()) {
                return Err(ApiError::new(
                    ErrorCode::InvalidInput,
                    format!("{name}: norm '{id}' is missing, but open task {} follows it; keep the norm", task.id),
                ));
            }
        }
        let sha256 = crate::api::sha256_hex(text.as_bytes());
        let norms = catalog.norms.len();
        self.write(|w| {
            let catalog_id = w.put_norm_catalog(&text, &sha256, &name)?;
            let entry = Entry::NormsImported { catalog_id, sha256: sha256.clone(), file: name.clone(), norms };
            w.append(&entry, About::default(), Some(RecordRef::NormCatalog(catalog_id)))?;
            Ok(())
        })?;
        self.norms_cache.take();
        let changes = self.record_norm_versions()?;
        let recomputed = self.recompute_if_rules_changed()?;
        Ok(NormsImportReport { sha256, norms: catalog.norms.len(), changes, recomputed })
    }
}
