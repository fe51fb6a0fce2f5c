//! The imported data as the faces reach it: creating a database (empty or with the demo data),
//! importing an export file or an upload (with the appeals pipeline over what an appeals import
//! wrote), previewing one without writing, the case card, search and the database's status.

pub mod demo;
mod demo_acts;

use crate::api::session::handles::Read;
use crate::api::session::handles::{Journal, Kernel};
use crate::domain::privacy::Pseudonymiser;
use std::path::Path;

use serde::Serialize;

use crate::api::appeals::triage::TriageScope;
use crate::api::vault::{Access, NewVault};
use crate::api::{ApiError, Context, ErrorCode, Session};
use crate::domain::card::Card;
use crate::domain::ids::SubjectId;
use crate::domain::journal::VaultChange;
use crate::domain::records::DataKind;
use crate::ingest::{self, ImportOptions, ImportReport, Input, LegalCard, Progress};
use crate::store::secret::{self, KeyFile};
use crate::store::{ImportRecord, SearchHits, Store, TableCounts};
use demo::demo_files;
use zeroize::Zeroizing;

/// The registry: imports (with their previews), the case card, search, the database's status.
/// `Session::registry` lends it with the one secret it uses: the pseudonymiser, since applicants
/// become pseudonyms at the door.
pub struct Registry<'s> {
    kernel: Kernel<'s>,
    pseudonyms: &'s Pseudonymiser,
}

impl<'s> Registry<'s> {
    pub(in crate::api) fn new(kernel: Kernel<'s>, pseudonyms: &'s Pseudonymiser) -> Registry<'s> {
        Registry { kernel, pseudonyms }
    }

    pub(in crate::api) fn read(&self) -> Read<'_> {
        self.kernel.read()
    }

    pub(in crate::api) fn journal(&mut self) -> Journal<'_> {
        self.kernel.journal()
    }
}

/// What `init` did.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct InitReport {
    pub database: String,
    /// Where the database's keys are: the key file beside a plain database, or the vault header
    /// of an encrypted one (whose keys are inside it).
    pub key_file: String,
    pub encrypted: bool,
    /// The recovery key's file, for an encrypted database.
    pub recovery_file: Option<String>,
    pub schema_version: i64,
    pub imports: Vec<ImportReport>,
    pub counts: TableCounts,
}

/// Creates the database at `path` (and its key files). With `demo: Some(today)`, fills it with the
/// demo data made for that day, imported through the same importer a real export goes through.
/// `force` replaces an existing one. Writes are made by `context`'s actor.
pub fn init(
    path: &Path,
    demo: Option<chrono::NaiveDate>,
    force: bool,
    context: Context,
    progress: &mut dyn FnMut(&str, Progress),
) -> Result<InitReport, ApiError> {
    init_with(path, demo, force, None, context, progress)
}

/// `init` of an encrypted database: the vault header and the recovery key are written before the
/// database, whose keys are kept inside it (see `api::vault`).
pub fn init_encrypted(
    path: &Path,
    demo: Option<chrono::NaiveDate>,
    force: bool,
    vault: &NewVault,
    context: Context,
    progress: &mut dyn FnMut(&str, Progress),
) -> Result<InitReport, ApiError> {
    init_with(path, demo, force, Some(vault), context, progress)
}

fn init_with(
    path: &Path,
    demo: Option<chrono::NaiveDate>,
    force: bool,
    vault: Option<&NewVault>,
    context: Context,
    progress: &mut dyn FnMut(&str, Progress),
) -> Result<InitReport, ApiError> {
    if let Some(new) = vault {
        // Refused before an old database is removed: a bad passphrase or recovery file loses nothing.
        crate::api::vault::check_new_passphrase(&new.passphrase)?;
        crate::api::vault::check_recovery_out(&new.recovery_out)?;
    }
    if path.exists() {
        if !force {
            return Err(ApiError::new(
                ErrorCode::DatabaseExists,
                format!("a database already exists at {}; use --force to replace it", path.display()),
            ));
        }
        // Everything kept for the old database goes with it: its keys, and the documents and
        // packages only those keys open.
        crate::store::remove_database(path)?;
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| ApiError::new(ErrorCode::Io, format!("{}: {e}", dir.display())))?;
    }
    let mut session = match vault {
        None => {
            let keys = (
                Zeroizing::new(secret::load_or_create_for_new(path, KeyFile::Pseudonyms)?),
                Zeroizing::new(secret::load_or_create_for_new(path, KeyFile::Signing)?),
            );
            Session::with_store(Store::open(path)?, path, keys, Access::Plain, context)
        }
        Some(new) => {
            let (store, keys, access) = crate::api::vault::create_encrypted(path, new, &context.clock.stamp())?;
            let mut session = Session::with_store(store, path, keys, access, context);
            session.vault().keep_keys(VaultChange::Created)?;
            session
        }
    };
    session.start()?;
    let mut imports = Vec::new();
    if let Some(today) = demo {
        let mut labelled = None;
        let mut files = demo_files(today)?;
        // The acts an office would have issued on this registry go in last, through the same
        // importer (they need their objects and inspections in first).
        let bytes_of = |kind: DataKind| files.iter().find(|f| f.0 == kind).map(|f| f.2.as_slice()).unwrap_or(&[]);
        let acts = demo_acts::demo_acts_csv(bytes_of(DataKind::Inspections), bytes_of(DataKind::Appeals), today)?;
        files.push((DataKind::Acts, "demo/acts.csv".into(), acts));
        for (kind, name, bytes) in files {
            if kind == DataKind::Appeals {
                labelled = Some((name.clone(), std::sync::Arc::<[u8]>::from(bytes.as_slice())));
            }
            let options = ImportOptions {
                kind,
                source: Some("ЭКН demo data (generated)".into()),
                skip_invalid: false,
                legal_card: None,
                // Acts are due as the norms in force count them (what `import_input` does).
                act_periods: if kind == DataKind::Acts { Some(session.read().act_periods()?) } else { None },
            };
            let report = session.registry().import_only(
                Input::Bytes { name: &name, bytes: bytes.into() },
                &options,
                &mut |p| progress(&name, p),
            )?;
            imports.push(report);
        }
        demo::create_demo_tasks(&mut session, today)?;
        demo::save_demo_theme(&mut session)?;
        demo::attach_demo_documents(&mut session)?;
        if let Some((name, bytes)) = labelled {
            demo::train_and_triage(&mut session, &name, bytes, today)?;
        }
        session.kernel().journal().set_setting("demo", "true")?;
        session.kernel().journal().set_setting("demo_day", &today.to_string())?;
    }
    session.read().store().checkpoint()?;
    Ok(InitReport {
        database: path.display().to_string(),
        key_file: match vault {
            None => secret::key_path(path),
            Some(_) => crate::store::vault::header_path(path),
        }
        .display()
        .to_string(),
        encrypted: vault.is_some(),
        recovery_file: vault.map(|v| v.recovery_out.display().to_string()),
        schema_version: session.read().store().schema_version()?,
        imports,
        counts: session.read().store().counts()?,
    })
}

/// What `status` shows.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Status {
    pub database: String,
    pub schema_version: i64,
    pub demo: bool,
    pub counts: TableCounts,
    pub imports: Vec<ImportRecord>,
}

impl Registry<'_> {
    /// Imports one file of the given kind.
    pub fn import(
        &mut self,
        kind: DataKind,
        file: &Path,
        source: Option<String>,
        skip_invalid: bool,
        legal_card_file: Option<&Path>,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<ImportReport, ApiError> {
        if !file.is_file() {
            return Err(ApiError::new(ErrorCode::NotFound, format!("{}: no such file", file.display())));
        }
        let legal_card: Option<LegalCard> = legal_card_file.map(ingest::read_legal_card).transpose()?;
        let options = ImportOptions { kind, source, skip_invalid, legal_card, act_periods: None };
        self.import_input(Input::Path(file), &options, progress)
    }

    /// Imports from any input as the acting person, journaled as one entry, and seals the
    /// journal: the rows and nothing after them (no triage, no periods looked up).
    pub(in crate::api) fn import_only(
        &mut self,
        input: Input<'_>,
        options: &ImportOptions,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<ImportReport, ApiError> {
        let stamp = self.read().stamp()?;
        let report = ingest::import(self.kernel.journal().store(), stamp, input, options, self.pseudonyms, progress)?;
        self.journal().seal(report.journal_seq.unwrap_or(1))?;
        Ok(report)
    }

    /// Imports from any input, journaled as one entry, and seals the journal.
    pub(crate) fn import_input(
        &mut self,
        input: Input<'_>,
        options: &ImportOptions,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<ImportReport, ApiError> {
        // Acts are due as the norms in force count them, like an act recorded by hand.
        let with_periods;
        let options = match (options.kind, &options.act_periods) {
            (DataKind::Acts, None) => {
                with_periods = ImportOptions { act_periods: Some(self.read().act_periods()?), ..options.clone() };
                &with_periods
            }
            _ => options,
        };
        let mut report = self.import_only(input, options, progress)?;
        if report.kind == DataKind::Appeals && report.inserted + report.updated > 0 {
            // The pipeline runs on what this import wrote; its progress continues the import's.
            let (bytes, rows) = (report.size_bytes, report.rows_read);
            let step = std::cell::RefCell::new(progress);
            let on_triage = |done: usize, total: usize| {
                (step.borrow_mut())(ingest::Progress {
                    bytes_done: bytes,
                    bytes_total: bytes,
                    rows,
                    triaged: done as u64,
                    triage_total: total as u64,
                })
            };
            report.triage =
                Some(self.kernel.lend().appeals().triage(TriageScope::Import(report.import_id), &on_triage)?);
        }
        tracing::info!(
            target: "ekn::import",
            kind = report.kind.code(),
            rows = report.rows_read,
            inserted = report.inserted,
            rejected = report.rejected,
            seconds = report.seconds,
            "import done"
        );
        // The import commits its chunks itself, outside the kernel's write path; appeals and
        // objects are what tasks point at, so the graph is forgotten here by hand.
        self.read().memo().forget_graph();
        Ok(report)
    }

    /// What importing `file` would meet, without writing anything.
    pub fn preview_import(&self, file: &Path, kind: Option<DataKind>) -> Result<ingest::Preview, ApiError> {
        Ok(ingest::preview(Input::Path(file), kind, self.pseudonyms)?)
    }

    /// What importing a file held in memory (an upload) would meet, without writing anything.
    pub fn preview_bytes(
        &self,
        name: &str,
        bytes: std::sync::Arc<[u8]>,
        kind: Option<DataKind>,
    ) -> Result<ingest::Preview, ApiError> {
        Ok(ingest::preview(Input::Bytes { name, bytes }, kind, self.pseudonyms)?)
    }

    /// Imports a file held in memory (an upload); its kind is recognised from its columns when
    /// not given. Rejected rows, with `skip_invalid`, stay in the report for download.
    pub fn import_bytes(
        &mut self,
        name: &str,
        bytes: std::sync::Arc<[u8]>,
        kind: Option<DataKind>,
        skip_invalid: bool,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<ImportReport, ApiError> {
        let kind = match kind {
            Some(kind) => kind,
            None => self.preview_bytes(name, bytes.clone(), None)?.kind,
        };
        let options =
            ImportOptions { kind, source: Some(name.to_string()), skip_invalid, legal_card: None, act_periods: None };
        self.import_input(Input::Bytes { name, bytes }, &options, progress)
    }

    /// The case card of one subject, opened by a person: the office's access log records it.
    pub fn card(&self, bin: &str) -> Result<Card, ApiError> {
        let card = self.read().card_content(bin)?;
        self.read().logged().card(card.subject.bin.as_str())?;
        Ok(card)
    }

    /// Objects by name or BIN prefix, appeals by words of their text.
    pub fn search(&self, text: &str, limit: usize) -> Result<SearchHits, ApiError> {
        if text.trim().is_empty() {
            return Err(ApiError::new(ErrorCode::InvalidInput, "the search text is empty"));
        }
        let hits = self.read().store().search(text, limit.clamp(1, 500))?;
        // The words searched for may name a person: the office logs that a search was made, not what.
        self.read().logged().search()?;
        Ok(hits)
    }

    pub fn status(&self) -> Result<Status, ApiError> {
        Ok(Status {
            database: self.read().database().display().to_string(),
            schema_version: self.read().store().schema_version()?,
            demo: self.read().store().setting("demo")?.as_deref() == Some("true"),
            counts: self.read().store().counts()?,
            imports: self.read().store().imports()?,
        })
    }
}

impl Read<'_> {
    /// The card's content for work that logs itself (an act drafted is an export, a package a
    /// package) or is part of an opening already logged: read once, logged once.
    pub(in crate::api) fn card_content(&self, bin: &str) -> Result<Card, ApiError> {
        let id = SubjectId::parse(bin)
            .map_err(|e| ApiError::new(ErrorCode::InvalidInput, format!("BIN/IIN '{}' {e}", bin.trim())))?;
        let mut card = self.store().card(id.as_str())?.ok_or_else(|| {
            ApiError::new(ErrorCode::NotFound, format!("no object with BIN/IIN {id} in {}", self.database().display()))
        })?;
        card.document_facts = self.confirmed_document_facts(id.as_str())?;
        card.disagreements =
            crate::domain::reconcile::disagreements(&card.subject.bin, &card.inspections, &card.document_facts);
        Ok(card)
    }

    /// The object's BIN as stored and its row id, without reading its card.
    pub(in crate::api) fn subject_id_of(&self, bin: &str) -> Result<(String, i64), ApiError> {
        let id = SubjectId::parse(bin).map_err(|e| ApiError::invalid(format!("BIN/IIN '{}' {e}", bin.trim())))?;
        let bin = id.as_str().to_string();
        let subject_id = self
            .store()
            .subject_id(&bin)?
            .ok_or_else(|| ApiError::new(ErrorCode::NotFound, format!("no object with BIN/IIN {bin}")))?;
        Ok((bin, subject_id))
    }

    /// The norms and calendar an imported act's period is counted by (`ingest::ActPeriods`).
    fn act_periods(&self) -> Result<ingest::ActPeriods, ApiError> {
        let norms = self.norms()?;
        let procedure = crate::domain::procedure::Procedure::builtin();
        let by_kind = crate::acts::ActKind::ALL
            .into_iter()
            .filter(|kind| kind.is_response())
            .filter_map(|kind| {
                let id = procedure.act(kind.code())?.norm.clone()?;
                norms.entry(&id)?;
                Some((kind, id))
            })
            .collect();
        Ok(ingest::ActPeriods { calendar: (*self.calendar()?).clone(), catalog: norms.catalog.clone(), norms: by_kind })
    }
}
