//! The use cases every face calls: one function per command, with request and response types and
//! errors that carry a stable `code`. The command line (src/main.rs), and later `ekn serve` and
//! the desktop app, only parse input, call one function here and render the result.

mod deadlines;
mod demo;
pub mod host;
mod norms;
pub mod rpc;
mod screens;
mod tasks;

use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Serialize;

use crate::domain::card::Card;
use crate::domain::ids::SubjectId;
use crate::domain::privacy::Pseudonymiser;
use crate::domain::records::DataKind;
use crate::ingest::{self, ImportOptions, ImportReport, IngestError, Input, LegalCard, Progress};
use crate::store::{secret, ImportRecord, SearchHits, Store, StoreError, TableCounts};

pub use deadlines::{
    builtin_calendar, compute_deadline, explain, CalendarImportReport, CalendarYearView, DeadlineReport,
    DeadlineRequest, RuleChoice, RuleView,
};
pub use demo::{demo_files, DEMO_SEED};
pub use norms::{NormChange, NormView, NormsImportReport, NormsInForce, NormsList};
pub use screens::{
    ActTemplate, CaseScreen, ChecklistItem, GroundReason, GroundView, HomeScreen, OverdueRow, Preferences,
};
pub use tasks::{today_in_kazakhstan, CreatedTasks, Desk, NewTaskRequest, Recomputed, TaskBench, TaskDetail, TaskView};

/// An error as the faces show it: a stable code to switch on and a sentence to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error, ts_rs::TS)]
#[error("{message}")]
pub struct ApiError {
    /// One of: `not_found`, `invalid_input`, `no_database`, `database_exists`, `database_too_new`,
    /// `io`, `internal`.
    pub code: &'static str,
    pub message: String,
}

impl ApiError {
    fn new(code: &'static str, message: impl Into<String>) -> Self {
        ApiError { code, message: message.into() }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        let code = match &e {
            StoreError::TooNew { .. } => "database_too_new",
            StoreError::NotFound(_) => "no_database",
            StoreError::Io { .. } | StoreError::BadKey { .. } => "io",
            StoreError::Sqlite(_) => "internal",
        };
        ApiError::new(code, e.to_string())
    }
}

impl From<IngestError> for ApiError {
    fn from(e: IngestError) -> Self {
        match e {
            IngestError::Store(inner) => inner.into(),
            other => ApiError::new("invalid_input", other.to_string()),
        }
    }
}

/// Where the database lives unless `--db` or `EKN_DB` says otherwise: the OS data directory
/// (on Linux `~/.local/share/ekn/ekn.db`).
pub fn default_db_path() -> PathBuf {
    directories::ProjectDirs::from("kz", "ekn", "ekn")
        .map(|dirs| dirs.data_dir().join("ekn.db"))
        .unwrap_or_else(|| PathBuf::from("ekn.db"))
}

/// An open database with its pseudonymisation key. The working-day calendar and the task graph
/// are built from storage once and kept until a write changes what they were built from.
pub struct Session {
    store: Store,
    pseudonymiser: Pseudonymiser,
    path: PathBuf,
    calendar_cache: std::cell::RefCell<Option<std::rc::Rc<crate::domain::calendar::Calendar>>>,
    norms_cache: std::cell::RefCell<Option<std::rc::Rc<NormsInForce>>>,
    graph_cache: std::cell::RefCell<Option<std::rc::Rc<crate::domain::tasks::TaskGraph>>>,
}

/// What `init` did.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct InitReport {
    pub database: String,
    pub key_file: String,
    pub schema_version: i64,
    pub imports: Vec<ImportReport>,
    pub counts: TableCounts,
}

/// Creates the database at `path` (and its key file). With `demo: Some(today)`, fills it with the
/// demo data made for that day, imported through the same importer a real export goes through.
/// `force` replaces an existing one.
pub fn init(
    path: &Path,
    demo: Option<chrono::NaiveDate>,
    force: bool,
    progress: &mut dyn FnMut(&str, Progress),
) -> Result<InitReport, ApiError> {
    if path.exists() {
        if !force {
            return Err(ApiError::new(
                "database_exists",
                format!("a database already exists at {}; use --force to replace it", path.display()),
            ));
        }
        for suffix in ["", "-wal", "-shm", ".key"] {
            let mut name = path.as_os_str().to_owned();
            name.push(suffix);
            let _ = std::fs::remove_file(PathBuf::from(name));
        }
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| ApiError::new("io", format!("{}: {e}", dir.display())))?;
    }
    let mut session = Session::open_or_create(path)?;
    // Record which rules (calendar, norms) the database starts with, so a later change is noticed.
    session.record_norm_versions()?;
    session.recompute_if_rules_changed()?;
    let mut imports = Vec::new();
    if let Some(today) = demo {
        for (kind, name, bytes) in demo_files(today)? {
            let options = ImportOptions {
                kind,
                source: Some("ЭКН demo data (generated)".into()),
                skip_invalid: false,
                legal_card: None,
            };
            let report = ingest::import(
                &mut session.store,
                Input::Bytes { name: &name, bytes: bytes.into() },
                &options,
                &session.pseudonymiser,
                &mut |p| progress(&name, p),
            )?;
            imports.push(report);
        }
        demo::create_demo_tasks(&mut session, today)?;
        session.store.set_setting("demo", "true")?;
        session.store.set_setting("demo_day", &today.to_string())?;
    }
    session.store.checkpoint()?;
    Ok(InitReport {
        database: path.display().to_string(),
        key_file: secret::key_path(path).display().to_string(),
        schema_version: session.store.schema_version()?,
        imports,
        counts: session.store.counts()?,
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

impl Session {
    /// Opens an existing database; a missing one is an error that says how to create it.
    pub fn open(path: &Path) -> Result<Session, ApiError> {
        let mut session = Session::with_store(Store::open_existing(path)?, path)?;
        session.record_norm_versions()?;
        session.recompute_if_rules_changed()?;
        Ok(session)
    }

    fn open_or_create(path: &Path) -> Result<Session, ApiError> {
        Session::with_store(Store::open(path)?, path)
    }

    fn with_store(store: Store, path: &Path) -> Result<Session, ApiError> {
        let key = secret::load_or_create(path)?;
        Ok(Session {
            store,
            pseudonymiser: Pseudonymiser::new(key),
            path: path.to_path_buf(),
            calendar_cache: Default::default(),
            norms_cache: Default::default(),
            graph_cache: Default::default(),
        })
    }

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
            return Err(ApiError::new("not_found", format!("{}: no such file", file.display())));
        }
        let legal_card: Option<LegalCard> = legal_card_file.map(ingest::read_legal_card).transpose()?;
        let options = ImportOptions { kind, source, skip_invalid, legal_card };
        let report = ingest::import(&mut self.store, Input::Path(file), &options, &self.pseudonymiser, progress)?;
        // Risk scores feed task urgency, and appeals and objects are what tasks point at.
        self.graph_cache.take();
        Ok(report)
    }

    /// What importing `file` would meet, without writing anything.
    pub fn preview_import(&self, file: &Path, kind: Option<DataKind>) -> Result<ingest::Preview, ApiError> {
        Ok(ingest::preview(file, kind, &self.pseudonymiser)?)
    }

    /// The case card of one subject.
    pub fn card(&self, bin: &str) -> Result<Card, ApiError> {
        let id = SubjectId::parse(bin)
            .map_err(|e| ApiError::new("invalid_input", format!("BIN/IIN '{}' {e}", bin.trim())))?;
        self.store.card(id.as_str())?.ok_or_else(|| {
            ApiError::new("not_found", format!("no object with BIN/IIN {id} in {}", self.path.display()))
        })
    }

    /// Objects by name or BIN prefix, appeals by words of their text.
    pub fn search(&self, text: &str, limit: usize) -> Result<SearchHits, ApiError> {
        if text.trim().is_empty() {
            return Err(ApiError::new("invalid_input", "the search text is empty"));
        }
        Ok(self.store.search(text, limit.clamp(1, 500))?)
    }

    pub fn status(&self) -> Result<Status, ApiError> {
        Ok(Status {
            database: self.path.display().to_string(),
            schema_version: self.store.schema_version()?,
            demo: self.store.setting("demo")?.as_deref() == Some("true"),
            counts: self.store.counts()?,
            imports: self.store.imports()?,
        })
    }

    /// Assembles `samples` cards of subjects spread over the database and reports the latency
    /// distribution. A measurement, not a test: it asserts nothing.
    pub fn bench_card(&self, samples: usize) -> Result<CardBench, ApiError> {
        let bins = self.store.sample_subject_ids(samples)?;
        let mut micros = Vec::with_capacity(bins.len());
        let mut inspections = 0usize;
        for bin in &bins {
            let started = Instant::now();
            let card = self.store.card(bin)?.expect("sampled subjects exist");
            micros.push(started.elapsed().as_secs_f64() * 1e6);
            inspections += card.inspections.len();
        }
        micros.sort_by(f64::total_cmp);
        // The worst case: the objects with the most inspections, which a uniform sample misses.
        let mut busiest = Vec::new();
        for bin in self.store.busiest_subject_ids(10)? {
            let started = Instant::now();
            let card = self.store.card(&bin)?.expect("listed subjects exist");
            busiest.push(BusyCard {
                bin,
                inspections: card.inspections.len(),
                appeals: card.appeals.len(),
                ms: started.elapsed().as_secs_f64() * 1000.0,
            });
        }
        let pick = |q: f64| micros.get(((micros.len() as f64 - 1.0) * q).round() as usize).copied().unwrap_or(0.0);
        Ok(CardBench {
            cards: micros.len(),
            mean_inspections_per_card: if bins.is_empty() { 0.0 } else { inspections as f64 / bins.len() as f64 },
            p50_ms: pick(0.5) / 1000.0,
            p99_ms: pick(0.99) / 1000.0,
            max_ms: micros.last().copied().unwrap_or(0.0) / 1000.0,
            busiest,
            counts: self.store.counts()?,
        })
    }
}

/// Card assembly latency over a sample of subjects.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct CardBench {
    pub cards: usize,
    pub mean_inspections_per_card: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    /// The ten objects with the most inspections, each timed once.
    pub busiest: Vec<BusyCard>,
    pub counts: TableCounts,
}

/// One timed card of a busy object.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct BusyCard {
    pub bin: String,
    pub inspections: usize,
    pub appeals: usize,
    pub ms: f64,
}
