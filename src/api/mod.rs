//! The use cases every face calls: one function per command, with request and response types and
//! errors that carry a stable `code`. The faces (the command line, `ekn serve`, the desktop app)
//! only parse input, call one function here and render the result.
//!
//! A `Session` is an open database with the context of the face that opened it: the clock, and
//! who acts through which face. Every write goes through the store's one write path with that
//! actor and time, appends its journal entry in the same transaction, and then seals the journal's
//! head in a signed checkpoint beside the database (`journal.rs`).

mod acts;
mod anomalies;
mod appeal_queue;
mod appeals;
mod context;
mod deadlines;
mod demo;
mod desk;
mod evidence;
mod evidence_store;
pub mod host;
mod journal;
mod norms;
mod passport;
mod risk;
mod risk_plan;
pub mod rpc;
mod screens;
mod tasks;
mod triage;

use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Serialize;

use crate::domain::card::Card;
use crate::domain::ids::SubjectId;
use crate::domain::journal::{Actor, Entry, RecordRef};
use crate::domain::privacy::Pseudonymiser;
use crate::domain::records::DataKind;
use crate::ingest::{self, ImportOptions, ImportReport, IngestError, Input, LegalCard, Progress};
use crate::store::{secret, About, ImportRecord, Stamp, Store, StoreError, TableCounts, Write};

pub use crate::domain::triage::TriageReport;
pub use crate::store::{ModelRecord, RegionOverview, SearchHits};
pub use acts::{ActDraft, ActDraftRequest, ActIssueRequest, ActIssued};
pub use anomalies::{AnomalyDetail, AnomalyReport, EvidenceAppeal, EvidenceInspection, ListedAnomaly, UnitsJudged};
pub use appeal_queue::{
    AppealCard, AppealQueue, AppealsReference, DecisionView, DuplicateGroup, GroupMember, HeatCell, ModelJudgement,
    QueueFilter, QueueItem, SlaStep,
};
pub use appeals::{ClassifiedRow, TrainReport, APPEALS_CLASSIFIER};
pub use context::{clock_for, os_user, today_in_kazakhstan, Clock, Context, FixedClock, PinnedDay, SystemClock};
pub use deadlines::{
    builtin_calendar, compute_deadline, explain, CalendarImportReport, CalendarYearView, DeadlineReport,
    DeadlineRequest, RuleChoice, RuleView,
};
pub use demo::{demo_files, DEMO_SEED};
pub use desk::{Desk, TaskBench};
pub use evidence::{EvidencePackReport, EvidenceVerification};
pub use evidence_store::{ActChecklist, Attached, ChecklistMarkRequest, ChecklistState, MissingItem};
pub use journal::{
    verify as verify_journal, CheckpointView, JournalLine, JournalProblem, JournalQuery, JournalVerification,
};
pub use norms::{NormChange, NormView, NormsImportReport, NormsInForce, NormsList};
pub use passport::ModelPassport;
pub use risk::{
    hypothesis_note, CheckView, ContributionView, LocalRisk, PlanScore, PlanTimings, RiskExplanation, RiskTrainReport,
    ScoredRow, SimilarCase, RISK_MODEL,
};
pub use risk_plan::{PlanSink, RiskBenchRun};
pub use screens::{CaseScreen, GroundReason, GroundView, HomeScreen, OverdueRow, Preferences};
pub use tasks::{CreatedTasks, NewTaskRequest, Recomputed, TaskDetail, TaskView};
pub use triage::{CategorySource, DuplicateExplanation, PriorityExplanation, RouteExplanation, TriageScope};

/// The stable codes of errors: the UI words each one in the reader's language and never shows
/// the English sentence; the command line prints the code in brackets before the sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    NotFound,
    InvalidInput,
    NoDatabase,
    DatabaseExists,
    DatabaseTooNew,
    Io,
    Internal,
    /// A decision (extension, suspension, refusal, override) was given without its reason.
    ReasonRequired,
    /// The date asked for is not a working day.
    NotWorkingDay,
    /// An extension beyond the norm's cap.
    BeyondCap,
    /// The task waits for open tasks.
    Blocked,
    /// The task is already done or cancelled.
    Closed,
    /// A file or request larger than the product accepts.
    TooLarge,
    /// Nothing is suggested for the object now.
    NothingSuggested,
    /// `ekn serve` refuses a request naming another host (DNS rebinding).
    ForbiddenHost,
    /// `ekn serve` refuses a request from another web page.
    ForbiddenOrigin,
    /// `ekn serve` refuses a request without the session token.
    Unauthorized,
    /// `ekn journal verify` found a problem.
    JournalBroken,
    /// `ekn evidence verify` found a problem with a package.
    EvidenceBroken,
}

impl ErrorCode {
    pub fn code(self) -> &'static str {
        match self {
            ErrorCode::NotFound => "not_found",
            ErrorCode::InvalidInput => "invalid_input",
            ErrorCode::NoDatabase => "no_database",
            ErrorCode::DatabaseExists => "database_exists",
            ErrorCode::DatabaseTooNew => "database_too_new",
            ErrorCode::Io => "io",
            ErrorCode::Internal => "internal",
            ErrorCode::ReasonRequired => "reason_required",
            ErrorCode::NotWorkingDay => "not_working_day",
            ErrorCode::BeyondCap => "beyond_cap",
            ErrorCode::Blocked => "blocked",
            ErrorCode::Closed => "closed",
            ErrorCode::TooLarge => "too_large",
            ErrorCode::NothingSuggested => "nothing_suggested",
            ErrorCode::ForbiddenHost => "forbidden_host",
            ErrorCode::ForbiddenOrigin => "forbidden_origin",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::JournalBroken => "journal_broken",
            ErrorCode::EvidenceBroken => "evidence_broken",
        }
    }

    pub const ALL: [ErrorCode; 19] = [
        ErrorCode::NotFound,
        ErrorCode::InvalidInput,
        ErrorCode::NoDatabase,
        ErrorCode::DatabaseExists,
        ErrorCode::DatabaseTooNew,
        ErrorCode::Io,
        ErrorCode::Internal,
        ErrorCode::ReasonRequired,
        ErrorCode::NotWorkingDay,
        ErrorCode::BeyondCap,
        ErrorCode::Blocked,
        ErrorCode::Closed,
        ErrorCode::TooLarge,
        ErrorCode::NothingSuggested,
        ErrorCode::ForbiddenHost,
        ErrorCode::ForbiddenOrigin,
        ErrorCode::Unauthorized,
        ErrorCode::JournalBroken,
        ErrorCode::EvidenceBroken,
    ];
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// An error as the faces show it: a stable code to switch on and a sentence (English) for the
/// command line and the logs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error, ts_rs::TS)]
#[error("{message}")]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError { code, message: message.into() }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        let code = match &e {
            StoreError::TooNew { .. } => ErrorCode::DatabaseTooNew,
            StoreError::NotFound(_) => ErrorCode::NoDatabase,
            StoreError::Io { .. } | StoreError::BadKey { .. } => ErrorCode::Io,
            StoreError::Sqlite(_) | StoreError::Internal(_) => ErrorCode::Internal,
        };
        ApiError::new(code, e.to_string())
    }
}

impl From<IngestError> for ApiError {
    fn from(e: IngestError) -> Self {
        match e {
            IngestError::Store(inner) => inner.into(),
            other => ApiError::new(ErrorCode::InvalidInput, other.to_string()),
        }
    }
}

/// Starts structured logging to stderr for a face: the level from `EKN_LOG` (`warn` when unset;
/// `info`, `debug`, or a filter such as `ekn::host=debug`). Logs carry method names, counts and
/// timings — never parameters, texts, names or identifiers, so no personal data reaches them.
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("EKN_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(true)
        .try_init();
}

/// A random 256-bit token in hex (the session token of `ekn serve`).
pub fn random_token() -> String {
    hex::encode(secret::random_key())
}

/// Where the database lives unless `--db` or `EKN_DB` says otherwise: the OS data directory
/// (on Linux `~/.local/share/ekn/ekn.db`).
pub fn default_db_path() -> PathBuf {
    directories::ProjectDirs::from("kz", "ekn", "ekn")
        .map(|dirs| dirs.data_dir().join("ekn.db"))
        .unwrap_or_else(|| PathBuf::from("ekn.db"))
}

/// An open database with its keys and the context of the face that opened it. The working-day
/// calendar, the norms in force and the task graph are built from storage once and kept until a
/// write changes what they were built from.
pub struct Session {
    store: Store,
    pseudonymiser: Pseudonymiser,
    signer: ed25519_dalek::SigningKey,
    path: PathBuf,
    context: Context,
    calendar_cache: std::cell::RefCell<Option<std::rc::Rc<crate::domain::calendar::Calendar>>>,
    norms_cache: std::cell::RefCell<Option<std::rc::Rc<NormsInForce>>>,
    graph_cache: std::cell::RefCell<Option<std::rc::Rc<crate::domain::tasks::TaskGraph>>>,
    /// The registry as analytics reads it, with the data version it was read at.
    registry_cache: std::cell::RefCell<Option<(String, std::sync::Arc<crate::domain::facts::Registry>)>>,
    /// The last run of the anomaly detectors, with the data version, day and settings it ran on:
    /// the list and then one anomaly opened from it do not run the detectors twice.
    detection_cache: std::cell::RefCell<Option<(String, std::rc::Rc<crate::analytics::practices::Detection>)>>,
    /// The registry replayed for the risk model in force, with the data and model versions.
    risk_cache: std::cell::RefCell<Option<(String, std::rc::Rc<risk_plan::RiskContext>)>>,
}

/// A reason a person gives for answering an automatic output (a correction, a dismissal, an
/// override): required, and like a task's note at most 4,000 characters — words a person writes,
/// not a document. Returns it trimmed.
pub(crate) fn checked_reason(reason: &str, what: &str) -> Result<String, ApiError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(ApiError::new(ErrorCode::ReasonRequired, format!("{what} needs a reason")));
    }
    if reason.chars().count() > 4000 {
        return Err(ApiError::new(ErrorCode::InvalidInput, "a reason is at most 4,000 characters"));
    }
    Ok(reason.to_string())
}

/// The SHA-256 of bytes, in hex: how every digest the product records is written.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// JSON of a value kept as text in a record (a model's parameters and metrics, a decision's
/// explanation); these types always serialise.
pub(crate) fn json_text<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
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
    if path.exists() {
        if !force {
            return Err(ApiError::new(
                ErrorCode::DatabaseExists,
                format!("a database already exists at {}; use --force to replace it", path.display()),
            ));
        }
        for suffix in ["", "-wal", "-shm", ".key", ".signing-key", ".checkpoint"] {
            let mut name = path.as_os_str().to_owned();
            name.push(suffix);
            let _ = std::fs::remove_file(PathBuf::from(name));
        }
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| ApiError::new(ErrorCode::Io, format!("{}: {e}", dir.display())))?;
    }
    let mut session = Session::with_store(Store::open(path)?, path, context)?;
    session.start()?;
    let mut imports = Vec::new();
    if let Some(today) = demo {
        let mut labelled = None;
        for (kind, name, bytes) in demo_files(today)? {
            if kind == DataKind::Appeals {
                labelled = Some((name.clone(), std::sync::Arc::<[u8]>::from(bytes.as_slice())));
            }
            let options = ImportOptions {
                kind,
                source: Some("ЭКН demo data (generated)".into()),
                skip_invalid: false,
                legal_card: None,
            };
            let stamp = session.stamp()?;
            let report = ingest::import(
                &mut session.store,
                stamp,
                Input::Bytes { name: &name, bytes: bytes.into() },
                &options,
                &session.pseudonymiser,
                &mut |p| progress(&name, p),
            )?;
            session.seal(report.journal_seq.unwrap_or(1))?;
            imports.push(report);
        }
        demo::create_demo_tasks(&mut session, today)?;
        if let Some((name, bytes)) = labelled {
            demo::train_and_triage(&mut session, &name, bytes)?;
        }
        session.set_setting("demo", "true")?;
        session.set_setting("demo_day", &today.to_string())?;
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
    /// Opens an existing database as the command line (the person from `EKN_USER`, else
    /// Settings' "me", else the OS user); a missing database is an error that says how to create it.
    pub fn open(path: &Path) -> Result<Session, ApiError> {
        Session::open_with(path, Context::cli())
    }

    /// Opens an existing database for a face.
    pub fn open_with(path: &Path, context: Context) -> Result<Session, ApiError> {
        let mut session = Session::with_store(Store::open_existing(path)?, path, context)?;
        session.start()?;
        Ok(session)
    }

    fn with_store(store: Store, path: &Path, context: Context) -> Result<Session, ApiError> {
        let key = secret::load_or_create(path)?;
        let signer = ed25519_dalek::SigningKey::from_bytes(&secret::load_or_create_signing(path)?);
        Ok(Session {
            store,
            pseudonymiser: Pseudonymiser::new(key),
            signer,
            path: path.to_path_buf(),
            context,
            calendar_cache: Default::default(),
            norms_cache: Default::default(),
            graph_cache: Default::default(),
            registry_cache: Default::default(),
            detection_cache: Default::default(),
            risk_cache: Default::default(),
        })
    }

    /// What every open does: begins the journal of a database older than it, records the
    /// versions of the norms in force, and recomputes open deadlines when a rule changed.
    fn start(&mut self) -> Result<(), ApiError> {
        if self.store.has_legacy_task_log()? {
            let stamp = Stamp { at: self.context.clock.stamp(), actor: Actor::system() };
            let entries = self.store.start_journal(stamp)?;
            self.seal(entries.first().map_or(1, |e| e.seq))?;
        }
        self.record_norm_versions()?;
        self.recompute_if_rules_changed()?;
        Ok(())
    }

    /// The session's clock.
    pub fn clock(&self) -> &dyn Clock {
        self.context.clock.as_ref()
    }

    /// Today's date in Kazakhstan by the session's clock.
    pub fn today(&self) -> chrono::NaiveDate {
        self.context.clock.today()
    }

    /// Who is acting: the person the face named, else Settings' "me", else the OS user.
    pub fn actor(&self) -> Result<Actor, ApiError> {
        let person = match &self.context.person {
            Some(person) => person.clone(),
            None => match self.store.setting("ui.assignee")?.filter(|p| !p.trim().is_empty()) {
                Some(me) => me,
                None => os_user(),
            },
        };
        Ok(Actor { person, face: self.context.face })
    }

    /// The stamp of a write made now by the acting person.
    fn stamp(&self) -> Result<Stamp, ApiError> {
        Ok(Stamp { at: self.context.clock.stamp(), actor: self.actor()? })
    }

    /// The stamp of a write the product makes on its own (a recomputation after a rule changed).
    fn system_stamp(&self) -> Stamp {
        Stamp { at: self.context.clock.stamp(), actor: Actor::system() }
    }

    /// Runs `f` inside one write by `stamp`, commits it with its journal entries, and seals.
    fn write_as<T>(
        &mut self,
        stamp: Stamp,
        f: impl FnOnce(&mut Write<'_>) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let mut write = self.store.write(stamp)?;
        let out = f(&mut write)?;
        let entries = write.commit()?;
        self.seal(entries.first().map_or(1, |e| e.seq))?;
        Ok(out)
    }

    /// Runs `f` inside one write by the acting person.
    fn write<T>(&mut self, f: impl FnOnce(&mut Write<'_>) -> Result<T, ApiError>) -> Result<T, ApiError> {
        let stamp = self.stamp()?;
        self.write_as(stamp, f)
    }

    /// Sets a setting, journaled.
    fn set_setting(&mut self, key: &str, value: &str) -> Result<(), ApiError> {
        if self.store.setting(key)?.as_deref() == Some(value) {
            return Ok(());
        }
        self.write(|w| {
            w.set_setting(key, value)?;
            let entry = Entry::SettingChanged { key: key.into(), value: value.into() };
            w.append(&entry, About::default(), Some(RecordRef::Setting(key.into())))?;
            Ok(())
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
            return Err(ApiError::new(ErrorCode::NotFound, format!("{}: no such file", file.display())));
        }
        let legal_card: Option<LegalCard> = legal_card_file.map(ingest::read_legal_card).transpose()?;
        let options = ImportOptions { kind, source, skip_invalid, legal_card };
        self.import_input(Input::Path(file), &options, progress)
    }

    /// Imports from any input, journaled as one entry, and seals the journal.
    pub(crate) fn import_input(
        &mut self,
        input: Input<'_>,
        options: &ImportOptions,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<ImportReport, ApiError> {
        let stamp = self.stamp()?;
        let mut report = ingest::import(&mut self.store, stamp, input, options, &self.pseudonymiser, progress)?;
        self.seal(report.journal_seq.unwrap_or(1))?;
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
            report.triage = Some(self.triage(triage::TriageScope::Import(report.import_id), &on_triage)?);
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
        // Risk scores feed task urgency, and appeals and objects are what tasks point at.
        self.graph_cache.take();
        Ok(report)
    }

    /// What importing `file` would meet, without writing anything.
    pub fn preview_import(&self, file: &Path, kind: Option<DataKind>) -> Result<ingest::Preview, ApiError> {
        Ok(ingest::preview(Input::Path(file), kind, &self.pseudonymiser)?)
    }

    /// What importing a file held in memory (an upload) would meet, without writing anything.
    pub fn preview_bytes(
        &self,
        name: &str,
        bytes: std::sync::Arc<[u8]>,
        kind: Option<DataKind>,
    ) -> Result<ingest::Preview, ApiError> {
        Ok(ingest::preview(Input::Bytes { name, bytes }, kind, &self.pseudonymiser)?)
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
        let options = ImportOptions { kind, source: Some(name.to_string()), skip_invalid, legal_card: None };
        self.import_input(Input::Bytes { name, bytes }, &options, progress)
    }

    /// The database file this session has open.
    pub fn database(&self) -> &Path {
        &self.path
    }

    /// Drops every cache built from storage (after a failed request, nothing half-built stays).
    pub fn forget_caches(&self) {
        self.calendar_cache.take();
        self.norms_cache.take();
        self.graph_cache.take();
    }

    /// The case card of one subject.
    pub fn card(&self, bin: &str) -> Result<Card, ApiError> {
        let id = SubjectId::parse(bin)
            .map_err(|e| ApiError::new(ErrorCode::InvalidInput, format!("BIN/IIN '{}' {e}", bin.trim())))?;
        self.store.card(id.as_str())?.ok_or_else(|| {
            ApiError::new(ErrorCode::NotFound, format!("no object with BIN/IIN {id} in {}", self.path.display()))
        })
    }

    /// Objects by name or BIN prefix, appeals by words of their text.
    pub fn search(&self, text: &str, limit: usize) -> Result<SearchHits, ApiError> {
        if text.trim().is_empty() {
            return Err(ApiError::new(ErrorCode::InvalidInput, "the search text is empty"));
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
