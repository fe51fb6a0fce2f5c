//! The use cases every face calls: one function per command, with request and response types and
//! errors that carry a stable `code`. The faces (the command line, `ekn serve`, the desktop app)
//! only parse input, call one function here and render the result.
//!
//! This file is the map. The folders are capabilities, as `cli/` is:
//!
//! - `session/` — the kernel: `Session` (an open database, its keys, the face's `Context`), the one
//!   way a use case writes (a journaled write, committed, then sealed), the journal's verification.
//! - `wire/` — what crosses to the UI: the declared method table (`rpc`) and the worker that owns a
//!   session for the desktop app and `ekn serve` (`host`).
//! - `registry/` — creating a database (and the demo), imports, previews, the card, search, status.
//! - `deadlines/` — due dates with their explanation, the calendar, the norms catalog in force.
//! - `tasks/` — the task graph's use cases, suggestions, the desk, reminders, slips, the dashboard.
//! - `appeals/` — the classifier's versions, the pipeline (triage), the queue and the appeal card.
//! - `analytics/` — anomalies, the local risk model, plan scoring; `models` — every model's passport.
//! - `acts/` — drafting and issuing acts of response, and the checklists they are judged by.
//! - `evidence/` — documents attached to an object, and the signed evidence package.
//! - `vault/` — encryption at rest: opening an encrypted database, creating one, its passphrase,
//!   the recovery key, encrypting a plain database in place; backups and restores.
//! - `retention/` — what the retention rules make due, and its lawful destruction under an act.
//! - `office/` — joining an office, the sync (push, pull, the office's notices, its norms and
//!   network settings), the office's connectors' runs imported.
//! - `connectors` — the registry sources a workstation fetches itself, and their schedule.
//! - `model_check`, `risk_check` — a model checked against data it was not trained on.
//! - `screens` — one answer per UI screen; `bench` — measurements that assert nothing.
//!
//! Everything a face may name is re-exported here, so a face writes `ekn::api::X` whatever folder
//! `X` lives in.

pub mod acts;
pub mod analytics;
pub mod appeals;
mod bench;
pub mod connectors;
pub mod deadlines;
mod error;
pub mod evidence;
mod model_check;
mod models;
pub mod office;
pub mod registry;
pub mod retention;
mod risk_check;
mod screens;
pub mod session;
pub mod tasks;
pub mod vault;
mod wire;

/// The one way a face opens a file outside SQLite (never a database the program has open).
pub use crate::disk;

/// The user guide built in, as the faces show it (`ekn guide`, the help panel): a reader of the
/// pages compiled into the program, no session needed.
pub mod guide {
    pub use crate::guide::{list, page, search, site, GuideHit, GuidePage, GuideTopic, LANGS, SCREENS};
}
/// The connectors' network flags both command lines take, and the proxy as set.
pub use crate::connect::network::{NetworkFlags, ProxySetting};
pub use wire::{host, rpc};

pub use crate::analytics::effect::EffectOutcome;
pub use crate::analytics::outcome_kpis::{ActForKpis, KpiFunnelPoint, Kpis, Proportion, QualityKpis};
pub use crate::analytics::proposals::ProposalParams;
pub use crate::analytics::themes::{ScorePart, ThemeDefinition, ThemeScore};
pub use crate::analytics::Step;
pub use crate::domain::procedure::GroundReason;
pub use crate::domain::triage::TriageReport;
pub use crate::extract::Progress as ReadProgress;
pub use crate::generator::second::Plant;
pub use crate::store::DocumentCounts;
pub use crate::store::DocumentHit;
pub use crate::store::ThemeNote;
pub use crate::store::{ModelRecord, RegionOverview, SearchHits};
pub use crate::studies::effect::StudyRow as EffectStudyRow;
pub use crate::studies::power::PowerReport;
pub use crate::studies::themes::ThemesStudy;
pub use acts::checklists::{ActChecklist, ChecklistMarkRequest, ChecklistState, MissingItem};
pub use acts::outcomes::{parse_measures, ActDetail, ActOutcomeRequest, OutcomeProposal};
pub use acts::precedents::{OutcomeTally, Precedent, PrecedentRequest, Precedents};
pub use acts::{ActDraft, ActDraftRequest, ActIssueRequest, ActIssued};
pub use analytics::anomalies::{
    power_study, AnomalyDetail, AnomalyReport, AnomalyReview, EvidenceAppeal, EvidenceInspection, ListedAnomaly,
    UnitsJudged,
};
pub use analytics::effect::{
    effect_study, export_effect_world, EffectEntry, EffectReport, EffectRequest, StatusCounts, VerificationCounts,
};
pub use analytics::effect_panel::staggered_from_quarters;
pub use analytics::plan::PlanSink;
pub use analytics::risk::{
    hypothesis_note, CheckView, ContributionView, LocalRisk, PlanScore, PlanTimings, RiskAssessment, RiskExplanation,
    RiskTrainReport, ScoredRow, SimilarCase, RISK_MODEL,
};
pub use analytics::risk_study::{risk_study, RiskStudy, RiskStudySpec};
pub use analytics::theme_members::{ItemKind, MemberChoice, MemberRequest, ThemeCandidate, ThemeCandidates, ThemeNews};
pub use analytics::theme_proposals::{
    evaluate_proposals, ProposalCount, ProposalEvaluation, ProposalExample, ProposalTerm, ThemeProposal,
    ThemeProposalReport,
};
pub use analytics::theme_timeline::{ThemeEvent, ThemeEventKind};
pub use analytics::themes::{
    export_themes_study, themes_study, KeyCount, LinkedAnomaly, SaveThemeRequest, ScoredTheme, ThemeActs, ThemeCard,
    ThemeList, ThemeMonth, ThemeNorm, ThemeScanReport, ThemeScanRow, ThemeScoreReport, ThemeSummary, ThemeTasks,
};
pub use appeals::queue::{
    AppealCard, AppealQueue, AppealsReference, DecisionView, DuplicateGroup, GroupMember, HeatCell, ModelJudgement,
    QueueFilter, QueueItem, SlaStep,
};
pub use appeals::triage::{
    CategorySource, CorrectionAspect, DuplicateExplanation, PriorityExplanation, RouteExplanation, TriageScope,
};
pub use appeals::{
    evaluate_appeals_method, read_train_params, ClassifiedRow, MethodEvaluation, TrainReport, APPEALS_CLASSIFIER,
};
pub use bench::{BusyCard, CardBench, JournalBench, RiskBenchRun, TaskBench};
pub use deadlines::norms::{
    ActCheck, MissingQuote, NormChange, NormView, NormsCheck, NormsImportReport, NormsInForce, NormsList,
    OfficeCatalog, VersionView,
};
pub use deadlines::{
    builtin_calendar, compute_deadline, explain, CalendarImportReport, CalendarYearView, DeadlineReport,
    DeadlineRequest, RuleView,
};
pub use error::{ApiError, ErrorCode, ErrorDetail};
pub use evidence::attachments::{Attached, MAX_ATTACHMENT_BYTES};
pub use evidence::documents::{
    DocumentFacts, DocumentOpen, DocumentPageImage, DocumentReadReport, DocumentView, FactView, PageSummary, PageText,
};
pub use evidence::fact_task::{FactTask, TaskFromFact};
pub use evidence::measure::{dates_written, measure_documents, DocumentsMeasure};
pub use evidence::package::{EvidencePackReport, EvidenceVerification};
pub use model_check::{ClassCheck, ModelCheck, ModelFreshness, RegionCheck};
pub use models::ModelPassport;
pub use registry::demo::{demo_files, DEMO_DOCUMENT_BIN, DEMO_SEED};
pub use registry::{init, init_encrypted, InitReport, Status};
pub use retention::{
    BackupHorizon, DestructionView, DueRecord, RetentionApplyRequest, RetentionPlan, RetentionReport, RulePlan,
};
pub use risk_check::{RiskModelCheck, RiskRegionCheck};
pub use screens::{CaseScreen, GroundView, HomeScreen, OverdueRow, Preferences};
pub use session::context::{
    clock_for, os_user, today_in_kazakhstan, Clock, Context, FixedClock, PinnedDay, SystemClock,
};
pub use session::journal::{
    verify as verify_journal, CheckpointView, JournalLine, JournalProblem, JournalQuery, JournalVerification,
    RedactionView,
};
pub use session::{default_db_path, init_logging, random_token, reset_keys, KeysReset, Session};
pub use tasks::desk::{Desk, SlipView};
pub use tasks::{CreatedTasks, NewTaskRequest, Recomputed, TaskDetail, TaskView};
pub use vault::backup::{restore as restore_backup, BackupReport, RestoreReport};
pub use vault::{
    change_passphrase, encrypt_in_place, is_encrypted, recover as recover_vault, vault_status, NewVault,
    VaultPassphrase, VaultStatus,
};

// Types of the layers below that requests and answers carry, named here so that a face needs no
// other path into the core (the architecture test holds the faces to `ekn::api` and `ekn::domain`).
pub use crate::acts::template::TemplateCheck;
pub use crate::acts::{ActKind, ActLang};
pub use crate::analytics::classifier::TrainParams;
pub use crate::analytics::evaluate::Metrics;
pub use crate::analytics::practices::{AnomalyKind, DetectParams};
pub use crate::analytics::risk::{RiskParams, Target};
pub use crate::generator::{GeneratedSet, Scale};
pub use crate::ingest::values::parse_date;
pub use crate::ingest::{ImportReport, Preview, Progress};
pub use registry::demo::generate_fixtures;

pub use session::MAX_WORDS;
pub(crate) use session::{checked_note, checked_reason, json_text, sha256_hex};
