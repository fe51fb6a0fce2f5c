//! The norms catalog at runtime: which catalog is in force (the last one an office imported, else
//! the one shipped with the release), the numbered version of each norm, and `ekn norms
//! list/export/import`. An office can confirm a period without a new release; importing a catalog
//! recomputes the open deadlines that follow a changed norm, each move logged.

use std::path::Path;
use std::rc::Rc;

use serde::Serialize;

use chrono::NaiveDate;

use super::Deadlines;
use crate::api::session::handles::Read;
use crate::api::{ApiError, ErrorCode, Recomputed};
use crate::domain::deadline::{ExtensionCap, Period};
use crate::domain::journal::{Entry, RecordRef};
use crate::domain::norms::{Localized, Norm, NormEntry, NormsCatalog, BUILTIN};
use crate::domain::sync::{OfficeNormsDocument, OfficeNormsNotice, MAX_NORMS_DOCUMENT};
use crate::store::{About, NormVersionRecord};

/// The catalog in force, with where it came from and the version of each norm.
#[derive(Debug, Clone)]
pub struct NormsInForce {
    pub catalog: NormsCatalog,
    /// `shipped`, `imported` (on this workstation) or `office` (sent by the office).
    pub origin: &'static str,
    pub sha256: String,
    pub source_file: Option<String>,
    pub imported_at: Option<String>,
    versions: Vec<NormVersionRecord>,
}

impl NormsInForce {
    /// The norm `id` as it governs a trigger on `date` (the version in force that day).
    pub fn at(&self, id: &str, date: NaiveDate) -> Option<Norm> {
        self.catalog.at(id, date).ok()
    }

    /// The norm `id` with all its versions.
    pub fn entry(&self, id: &str) -> Option<&NormEntry> {
        self.catalog.entry(id)
    }

    /// The version in force of a norm (None before versions are recorded, or for an unknown id).
    pub fn version(&self, id: &str) -> Option<u32> {
        self.versions.iter().find(|v| v.norm_id == id).map(|v| v.version)
    }
}

/// One norm as `ekn norms list` and Settings show it: the version in force today in brief, and
/// every version with its dates, quote, act, article, edition and rules.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct NormView {
    pub id: String,
    pub name: Localized,
    /// Which law governs the deadline, in words.
    pub governs: Localized,
    /// Of the version in force today:
    pub basis: Localized,
    /// None when the act sets the period (or the norm sets none).
    pub period: Option<Period>,
    pub trigger: Localized,
    pub extension_cap: Option<ExtensionCap>,
    /// True when the period was checked against the law's text (quoted).
    pub verified: bool,
    pub note: Option<Localized>,
    /// Every version, oldest first.
    pub versions: Vec<VersionView>,
    /// The norm's revision in this database.
    pub version: u32,
    /// When this version came into force in this database.
    pub since: String,
    /// `shipped` or `imported`: where this version's text came from.
    pub origin: String,
}

/// One version of a norm, resolved, with the last day it governs and whether it is today's.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct VersionView {
    pub law: Norm,
    pub basis: Localized,
    pub last_day: Option<NaiveDate>,
    pub in_force_today: bool,
}

/// The catalogue the office sent: who imported it there, from what file, when.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct OfficeCatalog {
    pub sha256: String,
    pub source_file: String,
    pub imported_by: String,
    pub imported_at: String,
}

/// The catalog in force, as `ekn norms list` shows it.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct NormsList {
    /// `shipped`, `imported` (on this workstation) or `office` (sent by the office).
    pub origin: String,
    pub sha256: String,
    pub source_file: Option<String>,
    pub imported_at: Option<String>,
    /// True when an imported catalog is in force and this release ships a different one.
    pub shipped_differs: bool,
    /// The catalogue the office sent last, if it sent one.
    pub office: Option<OfficeCatalog>,
    /// True when this workstation's own import, made after the office's, is in force instead.
    pub differs_from_office: bool,
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

fn norm_digest(norm: &NormEntry) -> Result<(String, String), ApiError> {
    let document = serde_json::to_string(norm).map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
    Ok((crate::api::sha256_hex(document.as_bytes()), document))
}

impl Deadlines<'_> {
    /// Records a new version of every norm in force whose text differs from its last recorded
    /// version (a first version for norms never seen). Returns the changes.
    pub(in crate::api) fn record_norm_versions(&mut self) -> Result<Vec<NormChange>, ApiError> {
        let in_force = self.read().norms()?;
        let recorded = self.read().store().latest_norm_versions()?;
        let mut changes = Vec::new();
        let mut versions = Vec::new();
        let at = self.read().clock().stamp();
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
            let stamp = self.read().system_stamp();
            self.journal().run_as(stamp, |w| {
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
        for gone in recorded.iter().filter(|r| in_force.entry(&r.norm_id).is_none()) {
            changes.push(NormChange {
                id: gone.norm_id.clone(),
                change: "removed".into(),
                from_version: Some(gone.version),
                to_version: None,
            });
        }
        Ok(changes)
    }

    pub fn norms_list(&self) -> Result<NormsList, ApiError> {
        let in_force = self.read().norms()?;
        let recorded = self.read().store().latest_norm_versions()?;
        let today = self.read().today();
        let catalog = &in_force.catalog;
        let norms = catalog
            .norms
            .iter()
            .map(|n| {
                let record = recorded.iter().find(|r| r.norm_id == n.id);
                let now = catalog.at(&n.id, today).expect("a norm of the catalogue");
                let today_index = n.index_at(today);
                let versions = (0..n.versions.len())
                    .map(|i| {
                        let law = catalog.resolve(n, i, false);
                        VersionView {
                            basis: law.basis(),
                            law,
                            last_day: n.last_day(i),
                            in_force_today: today_index == Some(i),
                        }
                    })
                    .collect();
                NormView {
                    id: n.id.clone(),
                    name: n.name(),
                    governs: now.governs.clone(),
                    basis: now.basis(),
                    period: now.period(),
                    trigger: now.trigger.clone(),
                    extension_cap: now.cap.clone(),
                    verified: now.verified(),
                    note: now.note(),
                    versions,
                    version: record.map_or(1, |r| r.version),
                    since: record.map_or_else(String::new, |r| r.recorded_at.clone()),
                    origin: record.map_or_else(|| in_force.origin.to_string(), |r| r.origin.clone()),
                }
            })
            .collect();
        let office = self.read().store().latest_office_norm_catalog()?.map(|c| OfficeCatalog {
            sha256: c.sha256,
            source_file: c.source_file,
            imported_by: c.office_imported_by.unwrap_or_default(),
            imported_at: c.office_imported_at.unwrap_or_default(),
        });
        let differs_from_office = office.as_ref().is_some_and(|o| o.sha256 != in_force.sha256);
        Ok(NormsList {
            origin: in_force.origin.into(),
            sha256: in_force.sha256.clone(),
            source_file: in_force.source_file.clone(),
            imported_at: in_force.imported_at.clone(),
            shipped_differs: in_force.origin != "shipped" && in_force.catalog != NormsCatalog::builtin(),
            office,
            differs_from_office,
            norms,
        })
    }

    /// The catalog in force as a document `ekn norms import` reads back.
    pub fn norms_export(&self) -> Result<String, ApiError> {
        Ok(self.read().norms()?.catalog.to_json())
    }

    /// Imports a catalog: checked as a whole, stored verbatim with its SHA-256, the changed norms
    /// versioned, and the open deadlines that follow a changed norm recomputed and logged. A norm
    /// that open tasks follow cannot be removed.
    pub fn import_norms(&mut self, file: &Path) -> Result<NormsImportReport, ApiError> {
        let name = file.display().to_string();
        let size = std::fs::metadata(file).map_err(|e| ApiError::of_file(&name, &e))?.len();
        if size > MAX_NORMS_DOCUMENT as u64 {
            return Err(ApiError::new(
                ErrorCode::InvalidInput,
                format!("{name}: {size} bytes is too large for a norms catalog (at most {MAX_NORMS_DOCUMENT})"),
            ));
        }
        let text = crate::disk::read_to_string(file)
            .map_err(|e| ApiError::new(ErrorCode::InvalidInput, format!("{name}: {e}")))?;
        self.take_catalog(&text, &name, None)
    }

    /// Takes the catalogue the office confirmed (fetched by a sync because a pull named one this
    /// workstation does not hold): checked again here — its digest must be the one the office
    /// named, and it must read as any import — then stored and journaled with who imported it at
    /// the office, from what file and when. It comes into force over this workstation's own
    /// import: the office's word is the newer one.
    pub(in crate::api) fn take_office_norms(
        &mut self,
        sent: &OfficeNormsDocument,
    ) -> Result<NormsImportReport, ApiError> {
        let refused =
            |why: String| ApiError::new(ErrorCode::OfficeRefused, format!("the office's norms catalogue: {why}"));
        if sent.document.len() > MAX_NORMS_DOCUMENT {
            return Err(refused(format!("{} bytes, more than {MAX_NORMS_DOCUMENT}", sent.document.len())));
        }
        let sha256 = crate::api::sha256_hex(sent.document.as_bytes());
        if sha256 != sent.notice.sha256 {
            return Err(refused(format!("its digest is {sha256}, the office named {}", sent.notice.sha256)));
        }
        // The notice's words go into the journal as the office sent them: bounded, and a time.
        let notice = &sent.notice;
        for (field, value) in [
            ("source_file", &notice.source_file),
            ("imported_by", &notice.imported_by),
            ("imported_at", &notice.imported_at),
        ] {
            if value.trim().is_empty() || value.chars().count() > 300 {
                return Err(refused(format!("its {field} is empty or longer than 300 characters")));
            }
        }
        if chrono::DateTime::parse_from_rfc3339(&notice.imported_at).is_err() {
            return Err(refused(format!("its imported_at '{}' is not a time", notice.imported_at)));
        }
        let name = format!("office:{}", notice.source_file);
        self.take_catalog(&sent.document, &name, Some(&sent.notice)).map_err(|e| {
            if e.code == ErrorCode::InvalidInput {
                refused(e.message)
            } else {
                e
            }
        })
    }

    fn take_catalog(
        &mut self,
        text: &str,
        name: &str,
        office: Option<&OfficeNormsNotice>,
    ) -> Result<NormsImportReport, ApiError> {
        let catalog = NormsCatalog::from_json(text)
            .map_err(|e| ApiError::new(ErrorCode::InvalidInput, format!("{name}: {e}")))?;
        let graph = self.read().graph()?;
        for task in graph.tasks().filter(|t| t.is_open()) {
            if let Some(id) =
                task.norm_id.as_deref().filter(|id| catalog.entry(id).is_none() && !catalog.retired.contains_key(*id))
            {
                return Err(ApiError::new(
                    ErrorCode::InvalidInput,
                    format!("{name}: norm '{id}' is missing, but open task {} follows it; keep the norm", task.id),
                ));
            }
        }
        let sha256 = crate::api::sha256_hex(text.as_bytes());
        let norms = catalog.norms.len();
        self.journal().run(|w| {
            let (catalog_id, entry) = match office {
                None => {
                    let id = w.put_norm_catalog(text, &sha256, name)?;
                    (id, Entry::NormsImported { catalog_id: id, sha256: sha256.clone(), file: name.to_string(), norms })
                }
                Some(notice) => {
                    let id = w.put_office_norm_catalog(
                        text,
                        &sha256,
                        &notice.source_file,
                        &notice.imported_by,
                        &notice.imported_at,
                    )?;
                    let entry = Entry::NormsFromOffice {
                        catalog_id: id,
                        sha256: sha256.clone(),
                        file: notice.source_file.clone(),
                        norms,
                        imported_by: notice.imported_by.clone(),
                        imported_at: notice.imported_at.clone(),
                    };
                    (id, entry)
                }
            };
            w.append(&entry, About::default(), Some(RecordRef::NormCatalog(catalog_id)))?;
            Ok(())
        })?;
        let changes = self.record_norm_versions()?;
        let recomputed = self.recompute_if_rules_changed()?;
        Ok(NormsImportReport { sha256, norms, changes, recomputed })
    }
}

/// How one act's quotes read against a law text.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct ActCheck {
    /// The act's key in the catalogue (`155-VII`).
    pub act: String,
    pub name: Localized,
    pub quotes: usize,
    pub found: usize,
    /// The quotes the text no longer has (only for an act the text is: one with some found).
    pub missing: Vec<MissingQuote>,
}

/// A quote of the catalogue a law text no longer has.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct MissingQuote {
    /// Where the catalogue holds it: `norm@first day`, a cap, a rule.
    pub place: String,
    pub quote: String,
}

/// What `ekn norms check FILE` found: per act of the catalogue, how many of its quotes the text
/// has. An act none of whose quotes is there is another act's text, not a changed one.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct NormsCheck {
    pub file: String,
    pub sha256: String,
    pub acts: Vec<ActCheck>,
}

impl NormsCheck {
    /// Quotes missing from an act the text is.
    pub fn missing(&self) -> usize {
        self.acts.iter().filter(|a| a.found > 0).map(|a| a.missing.len()).sum()
    }
}

/// The largest law text read for a check (the longest code here is some 3.5 MB of text).
const MAX_LAW_TEXT_BYTES: u64 = 64 * 1024 * 1024;

/// Reads every quote of `catalog` against `text`, grouped by act.
pub fn check_quotes(catalog: &NormsCatalog, text: &str, file: &str, sha256: &str) -> NormsCheck {
    let haystack = crate::domain::norms::normalise_quote(text);
    let mut by_act: std::collections::BTreeMap<String, ActCheck> = std::collections::BTreeMap::new();
    for (key, edition) in &catalog.editions {
        let act = by_act.entry(edition.act.clone()).or_insert_with(|| ActCheck {
            act: edition.act.clone(),
            name: catalog.acts.get(&edition.act).map(|a| a.name.clone()).unwrap_or_default(),
            quotes: 0,
            found: 0,
            missing: Vec::new(),
        });
        for (place, quote) in crate::domain::norms::quotes_of(catalog, key) {
            act.quotes += 1;
            if haystack.contains(&crate::domain::norms::normalise_quote(quote)) {
                act.found += 1;
            } else {
                act.missing.push(MissingQuote { place, quote: quote.to_string() });
            }
        }
    }
    let mut acts: Vec<ActCheck> = by_act.into_values().filter(|a| a.quotes > 0).collect();
    for act in acts.iter_mut().filter(|a| a.found == 0) {
        act.missing.clear();
    }
    NormsCheck { file: file.to_string(), sha256: sha256.to_string(), acts }
}

impl Deadlines<'_> {
    /// Reads the catalogue in force's quotes against a law text an office supplies (plain text,
    /// or a PDF whose text is read as attached documents are), naming each norm whose sentence
    /// is no longer there. Reads only.
    pub fn check_norms_against(&self, file: &Path) -> Result<NormsCheck, ApiError> {
        let name = file.display().to_string();
        let size = std::fs::metadata(file).map_err(|e| ApiError::of_file(&name, &e))?.len();
        if size > MAX_LAW_TEXT_BYTES {
            return Err(ApiError::invalid(format!("{name}: {size} bytes is too large for a law's text")));
        }
        let bytes = crate::disk::read(file).map_err(|e| ApiError::of_file(&name, &e))?;
        let sha256 = crate::api::sha256_hex(&bytes);
        let text = match crate::extract::sniff(&bytes) {
            crate::extract::Format::Pdf => {
                let engines = crate::extract::Engines::detect();
                let read =
                    crate::extract::read_document(&bytes, &engines, crate::extract::Rules::shipped(), &mut |_| true)
                        .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
                read.pages.iter().map(|p| p.text.as_str()).collect::<Vec<_>>().join("\n")
            }
            _ => match String::from_utf8(bytes) {
                Ok(text) => text,
                Err(e) => encoding_rs::WINDOWS_1251.decode(e.as_bytes()).0.into_owned(),
            },
        };
        Ok(check_quotes(&self.read().norms()?.catalog, &text, &name, &sha256))
    }
}

impl Read<'_> {
    /// The catalog in force, built once per session.
    pub fn norms(&self) -> Result<Rc<NormsInForce>, ApiError> {
        if let Some(cached) = self.memo().norms.borrow().as_ref() {
            return Ok(cached.clone());
        }
        let in_force = Rc::new(self.load_norms()?);
        *self.memo().norms.borrow_mut() = Some(in_force.clone());
        Ok(in_force)
    }

    fn load_norms(&self) -> Result<NormsInForce, ApiError> {
        let versions = self.store().latest_norm_versions()?;
        Ok(match self.store().latest_norm_catalog()? {
            Some(stored) => NormsInForce {
                catalog: NormsCatalog::from_json(&stored.document).map_err(|e| {
                    ApiError::new(
                        ErrorCode::Internal,
                        format!("the imported norms catalog {} is damaged: {e}", stored.source_file),
                    )
                })?,
                origin: if stored.origin == "office" { "office" } else { "imported" },
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
}
