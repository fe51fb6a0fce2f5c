//! The one declared list of what the UI may call: each method once, with its parameter and result
//! types and where it runs (on the session's worker, or beside it on the host). From this table
//! come the dispatch the Tauri command and `ekn serve`'s `POST /api/<method>` both use, and the
//! TypeScript method map (ui/src/lib/types/Methods.ts, generated and checked by tests/core/wire.rs),
//! so a misspelt method or parameter fails the UI's type check, and the desktop app and the browser
//! can never offer different operations. Parameters refuse unknown fields.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::analytics::practices::DetectParams;
use crate::analytics::risk::{RiskParams, Target};
use crate::api::connectors::{ConnectorRunReport, ConnectorSpec, ConnectorView, NetworkView, ScheduledRun};
use crate::api::office::{
    AccessLogParams, AccessLogReportParams, AccessLogView, AdminActParams, AdminView, AnalystView, Assigned,
    CountryParams, CountryView, JoinParams, NationalLoginParams, OfficeAnomaliesView, OfficeAppealsMapView,
    OfficeConnectorState, OfficeDashboardView, OfficeEffectView, OfficeJournalParams, OfficeJournalView,
    OfficeLoginParams, OfficeStatus, OfficeThemeScanView, OfficeThemeScoresView, ReportFileParams, ReportParams,
    ResolveParams, SyncReport,
};
use crate::api::vault::backup::VaultOverview;
use crate::api::wire::host::{
    HostState, ImportProgress, JournalStatus, ReadingProgress, RejectedRows, UnlockParams, UploadParams, UploadRef,
    Uploaded, VaultState,
};
use crate::api::{
    ActDetail, ActDraftRequest, ActIssueRequest, ActIssued, ActOutcomeRequest, Attached, ChecklistMarkRequest,
    ChecklistState, DocumentOpen, DocumentPageImage, DocumentReadReport, DocumentView, EffectReport, EffectRequest,
    EvidenceVerification, FactTask, FactView, PrecedentRequest, Precedents, TaskFromFact,
};
use crate::api::{AnomalyDetail, AnomalyReport, PlanScore, RiskExplanation, RiskTrainReport};
use crate::api::{ApiError, ErrorCode, Session};
use crate::api::{
    AppealCard, AppealQueue, AppealsReference, CalendarYearView, CaseScreen, CreatedTasks, HomeScreen, JournalLine,
    JournalQuery, JournalVerification, ModelCheck, ModelFreshness, ModelPassport, NormsList, OverdueRow, Preferences,
    QueueFilter, RiskModelCheck, Status, TaskDetail,
};
use crate::api::{BackupReport, RestoreReport, VaultPassphrase, VaultStatus};
use crate::api::{DestructionView, RetentionApplyRequest, RetentionPlan};
use crate::api::{MemberRequest, ThemeCandidates, ThemeNews, ThemeNote, ThemeProposalReport};
use crate::api::{NewTaskRequest, SlipView};
use crate::api::{SaveThemeRequest, ThemeCard, ThemeList, ThemeScanReport, ThemeScoreReport, ThemeSummary};
use crate::connect::network::NetworkSettings;
use crate::domain::retention::RetentionRules;
use crate::domain::sync::{Colleague, ConflictNotice};
use crate::domain::tasks::Dashboard;
use crate::guide::{GuideHit, GuidePage, GuideTopic};
use crate::ingest::{ImportReport, Preview};
use crate::store::connectors::RunRow;
use crate::store::{ModelRecord, RegionOverview, SearchHits};

// The parameters and the small answers of the methods are in `params` (re-exported: the table
// and the generated TypeScript name them as before).
pub use super::params::*;

/// Where a method runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Runs {
    /// On the session's worker thread, one call at a time.
    Session,
    /// Beside it, on the host, so it answers while the worker is busy (uploads, progress).
    Host,
    /// On the network worker's own session: the methods that wait on the office or a registry
    /// portal, so minutes spent waiting never hold up a screen's request behind them.
    Network,
}

impl Runs {
    /// The word the TypeScript table uses for where a method runs.
    pub fn word(self) -> &'static str {
        match self {
            Runs::Session => "session",
            Runs::Host => "host",
            Runs::Network => "network",
        }
    }
}

/// Where the method `name` runs, by the table; `None` for a name the table does not have.
pub fn runs_of(name: &str) -> Option<Runs> {
    METHODS.iter().find(|m| m.name == name).map(|m| m.runs)
}

/// A method's TypeScript: the names of its parameter and result types and what to import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MethodTypes {
    pub params: String,
    pub result: String,
    /// The parameters' field names, read from their TypeScript declaration: what a caller may send
    /// (the fuzzer builds its objects from them, so its values reach the use cases).
    pub param_fields: Vec<String>,
    /// `(type name, file stem)` of every exported type the two mention.
    pub imports: Vec<(String, String)>,
}

impl MethodTypes {
    fn of<P: ts_rs::TS + 'static, R: ts_rs::TS + 'static>(cfg: &ts_rs::Config) -> MethodTypes {
        let mut imports = Vec::new();
        for dependency in direct::<P>(cfg).into_iter().chain(direct::<R>(cfg)) {
            let stem = dependency.output_path.with_extension("").to_string_lossy().into_owned();
            if !imports.iter().any(|(name, _)| *name == dependency.ts_name) {
                imports.push((dependency.ts_name, stem));
            }
        }
        MethodTypes { params: P::name(cfg), result: R::name(cfg), imports, param_fields: fields_of(&P::decl(cfg)) }
    }
}

/// The field names of a TypeScript object declaration (`type X = { a: string, b?: number, }`).
fn fields_of(decl: &str) -> Vec<String> {
    let body = decl.split_once('{').map_or("", |(_, rest)| rest);
    let mut fields = Vec::new();
    let mut depth = 0usize;
    let mut current = String::new();
    for c in body.chars() {
        match c {
            '{' | '<' | '[' | '(' => depth += 1,
            '}' | '>' | ']' | ')' if depth > 0 => depth -= 1,
            ':' if depth == 0 => {
                let name = current.trim().trim_end_matches('?').trim_matches('"').to_string();
                if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                    fields.push(name);
                }
                current.clear();
                continue;
            }
            ',' if depth == 0 => {
                current.clear();
                continue;
            }
            _ => {}
        }
        if depth == 0 && c != '}' {
            current.push(c);
        } else {
            current.clear();
        }
    }
    fields
}

/// The exported types a type's name mentions: itself, or what a wrapper (`Vec<T>`) wraps.
fn direct<T: ts_rs::TS + 'static>(cfg: &ts_rs::Config) -> Vec<ts_rs::Dependency> {
    if let Some(itself) = ts_rs::Dependency::from_ty::<T>(cfg) {
        return vec![itself];
    }
    struct Visit<'a>(&'a ts_rs::Config, Vec<ts_rs::Dependency>);
    impl ts_rs::TypeVisitor for Visit<'_> {
        fn visit<U: ts_rs::TS + 'static + ?Sized>(&mut self) {
            self.1.extend(ts_rs::Dependency::from_ty::<U>(self.0));
        }
    }
    let mut visit = Visit(cfg, Vec::new());
    T::visit_generics(&mut visit);
    visit.1
}

/// Exports a type with its dependencies; for a wrapper (`Vec<T>`), the types it wraps.
/// Records `T` (when it has a file of its own) and everything it mentions, once each.
fn collect_types<T: ts_rs::TS + 'static + ?Sized>(seen: &mut Vec<(std::path::PathBuf, &'static str)>) {
    struct Visit<'a>(&'a mut Vec<(std::path::PathBuf, &'static str)>);
    impl ts_rs::TypeVisitor for Visit<'_> {
        fn visit<U: ts_rs::TS + 'static + ?Sized>(&mut self) {
            collect_types::<U>(self.0);
        }
    }
    let name = std::any::type_name::<T>();
    if seen.iter().any(|(_, n)| *n == name) {
        return;
    }
    if let Some(path) = T::output_path() {
        seen.push((path, name));
    }
    T::visit_dependencies(&mut Visit(seen));
    T::visit_generics(&mut Visit(seen));
}

fn export_type<T: ts_rs::TS + 'static>(cfg: &ts_rs::Config) -> Result<(), ts_rs::ExportError> {
    if T::output_path().is_some() {
        return T::export_all(cfg);
    }
    struct Visit<'a>(&'a ts_rs::Config, Result<(), ts_rs::ExportError>);
    impl ts_rs::TypeVisitor for Visit<'_> {
        fn visit<U: ts_rs::TS + 'static + ?Sized>(&mut self) {
            if self.1.is_ok() && U::output_path().is_some() {
                self.1 = U::export_all(self.0);
            }
        }
    }
    let mut visit = Visit(cfg, Ok(()));
    T::visit_generics(&mut visit);
    visit.1
}

/// One method of the table.
pub struct MethodSpec {
    pub name: &'static str,
    pub runs: Runs,
    /// Declared `with progress`: the method reports how far it got (`import_progress` answers it
    /// while it runs, and says it stopped when it returns); no other method's callbacks count.
    pub progress: bool,
    pub types: fn(&ts_rs::Config) -> MethodTypes,
}

/// Whether the method `name` is declared to report its progress.
pub fn reports_progress(name: &str) -> bool {
    METHODS.iter().any(|m| m.name == name && m.progress)
}

/// What a call on the worker may use besides the session: what the host keeps (uploads, the
/// journal's status) and the import's progress callback.
pub struct CallContext<'a> {
    pub state: &'a HostState,
    pub progress: &'a mut dyn FnMut(crate::ingest::Progress),
}

fn params<T: DeserializeOwned>(method: &str, value: Value) -> Result<T, ApiError> {
    // An absent body means no parameters.
    let value = if value.is_null() { Value::Object(Default::default()) } else { value };
    serde_json::from_value(value)
        .map_err(|e| ApiError::new(ErrorCode::InvalidInput, format!("bad parameters for '{method}': {e}")))
}

fn json<T: Serialize>(value: T) -> Result<Value, ApiError> {
    serde_json::to_value(value).map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))
}

/// Declares the methods: `name: Runs(Params) -> Result;`, or `…, with progress;` for one that
/// reports how far it got (the host's progress bar follows only those). Each `Session` method has a handler of
/// that name in `on_session`, each `Network` method one in `on_network` (over the network worker's
/// `NetSession`, which lends only the office link and the connectors) and each `Host` method one in
/// `crate::api::wire::host::on_host`, with exactly those types, so the table, the dispatch and the
/// handlers cannot disagree.
macro_rules! methods {
    ($( $(#[doc = $doc:literal])* $name:ident : $runs:ident ( $p:ty ) -> $r:ty $(, with $flag:ident)? ; )*) => {
        /// Every method the UI may call, in the order the table declares them.
        pub const METHODS: &[MethodSpec] = &[
            $( MethodSpec {
                name: stringify!($name),
                runs: Runs::$runs,
                progress: methods!(@with $($flag)?),
                types: MethodTypes::of::<$p, $r>,
            } ),*
        ];

        /// Runs a method on the screens' session (the worker's side of the table); a `Network`
        /// method is refused here: it runs on the network worker's `NetSession`.
        pub fn call(session: &mut Session, method: &str, value: Value, cx: &mut CallContext<'_>) -> Result<Value, ApiError> {
            $( methods!(@session $runs, $name, $p, method, value, session, cx); )*
            Err(ApiError::new(ErrorCode::NotFound, format!("no method '{method}'")))
        }

        /// Runs a `Network` method on the network worker's session; any other is refused there.
        pub fn call_network(net: &mut crate::api::wire::host::NetSession, method: &str, value: Value, cx: &mut CallContext<'_>) -> Result<Value, ApiError> {
            $( methods!(@network $runs, $name, $p, method, value, net, cx); )*
            Err(ApiError::new(ErrorCode::NotFound, format!("no method '{method}'")))
        }

        /// Runs a method that the host answers beside the worker; when the method runs on a
        /// session instead, hands its parameters back untouched (an upload's body is never copied).
        pub fn call_host(host: &crate::api::wire::host::Host, method: &str, value: Value) -> Result<Result<Value, ApiError>, Value> {
            $( methods!(@host $runs, $name, $p, method, value, host); )*
            Err(value)
        }

        /// Writes the TypeScript of every type the table mentions (and their dependencies).
        pub fn export_types(cfg: &ts_rs::Config) -> Result<(), ts_rs::ExportError> {
            $( export_type::<$p>(cfg)?; export_type::<$r>(cfg)?; )*
            Ok(())
        }

        /// Every exported type the table reaches, as (TypeScript file, Rust type): ts-rs names files
        /// by the type's bare name, so two Rust types of one name would silently share a file.
        pub fn exported_types() -> Vec<(std::path::PathBuf, &'static str)> {
            let mut seen = Vec::new();
            $( collect_types::<$p>(&mut seen); collect_types::<$r>(&mut seen); )*
            seen
        }

        /// The TypeScript method map, generated from the table.
        pub fn typescript(cfg: &ts_rs::Config) -> String {
            let mut imports: Vec<(String, String)> = Vec::new();
            let mut lines = Vec::new();
            $(
                let types = MethodTypes::of::<$p, $r>(cfg);
                for import in types.imports.clone() {
                    if !imports.contains(&import) { imports.push(import); }
                }
                lines.push(format!("  {}: {{ params: {}; result: {} }};", stringify!($name), types.params, types.result));
            )*
            imports.sort();
            let mut out = String::from("// Generated from src/api/wire/rpc.rs by tests/core/wire.rs. Do not edit this file by hand.\n\n");
            for (name, stem) in &imports {
                out.push_str(&format!("import type {{ {name} }} from \"./{stem}\";\n"));
            }
            out.push_str("\n/** Every method the UI may call, with its parameters and result. */\nexport type Methods = {\n");
            out.push_str(&lines.join("\n"));
            out.push_str("\n};\n\n/** Where each method runs: on the session's worker, on the host beside it, or on the network worker. */\nexport const METHOD_RUNS = {\n");
            $( out.push_str(&format!("  {}: '{}',\n", stringify!($name), Runs::$runs.word())); )*
            out.push_str("} as const;\n");
            out
        }
    };
    (@session Session, $name:ident, $p:ty, $method:ident, $value:ident, $session:ident, $cx:ident) => {
        if $method == stringify!($name) {
            let p: $p = params($method, $value)?;
            return json(on_session::$name($session, p, $cx)?);
        }
    };
    (@session Host, $name:ident, $p:ty, $method:ident, $value:ident, $session:ident, $cx:ident) => {
        if $method == stringify!($name) {
            return Err(ApiError::new(ErrorCode::Internal, format!("'{}' runs on the host, not the session", $method)));
        }
    };
    (@session Network, $name:ident, $p:ty, $method:ident, $value:ident, $session:ident, $cx:ident) => {
        if $method == stringify!($name) {
            return Err(ApiError::new(ErrorCode::Internal, format!("'{}' runs on the network worker, not the screens' session", $method)));
        }
    };
    (@network Network, $name:ident, $p:ty, $method:ident, $value:ident, $net:ident, $cx:ident) => {
        if $method == stringify!($name) {
            let p: $p = params($method, $value)?;
            return json(on_network::$name($net, p, $cx)?);
        }
    };
    (@network $runs:ident, $name:ident, $p:ty, $method:ident, $value:ident, $net:ident, $cx:ident) => {
        if $method == stringify!($name) {
            return Err(ApiError::new(ErrorCode::Internal, format!("'{}' does not run on the network worker", $method)));
        }
    };
    // What a method declares `with`: only `progress` is known, so a misspelt flag does not compile.
    (@with) => { false };
    (@with progress) => { true };
    (@host Session, $name:ident, $p:ty, $method:ident, $value:ident, $host:ident) => {};
    (@host Network, $name:ident, $p:ty, $method:ident, $value:ident, $host:ident) => {};
    (@host Host, $name:ident, $p:ty, $method:ident, $value:ident, $host:ident) => {
        if $method == stringify!($name) {
            return Ok(params::<$p>($method, $value).and_then(|p| crate::api::wire::host::on_host::$name($host, p)).and_then(json));
        }
    };
}

methods! {
    status: Session(NoParams) -> Status;
    preferences: Session(NoParams) -> Preferences;
    set_preferences: Session(Preferences) -> Preferences;
    home: Session(HomeParams) -> HomeScreen;
    search: Session(SearchParams) -> SearchHits;
    case: Session(BinParams) -> CaseScreen;
    task: Session(TaskParams) -> TaskDetail;
    accept_step: Session(AcceptParams) -> CreatedTasks;
    decline_step: Session(DeclineParams) -> Ok;
    note_task: Session(NoteParams) -> TaskDetail;
    complete_task: Session(CompleteParams) -> TaskDetail;
    extend_task: Session(ExtendParams) -> TaskDetail;
    recount_task: Session(RecountParams) -> TaskDetail;
    suspend_task: Session(SuspendParams) -> TaskDetail;
    wait_for_task: Session(WaitParams) -> TaskDetail;
    add_task: Session(NewTaskRequest) -> CreatedTasks;
    guide_topics: Session(GuideTopicsParams) -> Vec<GuideTopic>;
    guide_page: Session(GuidePageParams) -> GuidePage;
    guide_search: Session(GuideSearchParams) -> Vec<GuideHit>;
    dashboard: Session(NoParams) -> Dashboard;
    overdue: Session(NoParams) -> Vec<OverdueRow>;
    regions: Session(NoParams) -> Vec<RegionOverview>;
    slips: Session(NoParams) -> Vec<SlipView>;
    calendar_years: Session(NoParams) -> Vec<CalendarYearView>;
    norms: Session(NoParams) -> NormsList;
    journal: Session(JournalQuery) -> Vec<JournalLine>;
    journal_verify: Session(NoParams) -> JournalVerification;
    appeal_queue: Session(QueueFilter) -> AppealQueue;
    appeal_card: Session(AppealParams) -> AppealCard;
    appeals_reference: Session(NoParams) -> AppealsReference;
    models: Session(NoParams) -> Vec<ModelRecord>;
    models_freshness: Session(NoParams) -> Vec<ModelFreshness>;
    check_risk_model: Session(ModelParams) -> RiskModelCheck;
    check_model: Session(CheckModelParams) -> ModelCheck;
    model_passport: Session(ModelParams) -> ModelPassport;
    correct_appeal: Session(CorrectAppealParams) -> AppealCard;
    anomalies: Session(AnomaliesParams) -> AnomalyReport;
    anomaly: Session(AnomalyParams) -> AnomalyDetail;
    review_anomaly: Session(ReviewAnomalyParams) -> AnomalyDetail;
    risk_explain: Session(BinParams) -> RiskExplanation;
    override_risk: Session(OverrideRiskParams) -> RiskExplanation;
    train_risk: Session(TrainRiskParams) -> RiskTrainReport;
    score_plan: Session(ScorePlanParams) -> PlanScore;
    act_draft: Session(ActDraftRequest) -> ActDraftFiles;
    act_issue: Session(ActIssueRequest) -> ActIssued;
    act_show: Session(ActParams) -> ActDetail;
    act_outcome: Session(ActOutcomeRequest) -> ActDetail;
    act_precedents: Session(PrecedentRequest) -> Precedents;
    effect: Session(EffectRequest) -> EffectReport;
    themes: Session(ThemesParams) -> ThemeList;
    theme_save: Session(SaveThemeRequest) -> ThemeSummary;
    theme_retire: Session(RetireThemeParams) -> ThemeSummary;
    theme_card: Session(ThemeParams) -> ThemeCard;
    theme_scan: Session(ThemeScanParams) -> ThemeScanReport;
    theme_scores: Session(ThemeScanParams) -> ThemeScoreReport;
    theme_members: Session(ThemeMembersParams) -> ThemeCandidates;
    theme_decide: Session(MemberRequest) -> ThemeCandidates;
    theme_news: Session(NoParams) -> Vec<ThemeNews>;
    theme_note: Session(ThemeNoteParams) -> Vec<ThemeNote>;
    theme_proposals: Session(ThemeProposalParams) -> ThemeProposalReport;
    evidence_attach: Session(AttachParams) -> Attached;
    attachment: Session(AttachmentParams) -> FileDownload;
    checklist_mark: Session(ChecklistMarkRequest) -> ChecklistState;
    evidence_pack: Session(BinParams) -> EvidencePackFile;
    evidence_verify: Session(VerifyParams) -> EvidenceVerification;
    documents: Session(BinParams) -> Vec<DocumentView>;
    document_open: Session(DocumentParams) -> DocumentOpen;
    document_page_image: Session(DocumentPageParams) -> DocumentPageImage;
    document_read: Session(DocumentParams) -> DocumentReadReport;
    fact_confirm: Session(FactConfirmParams) -> FactView;
    fact_reject: Session(FactRejectParams) -> FactView;
    fact_task: Session(TaskFromFact) -> FactTask;
    import_preview: Session(ImportParams) -> Preview;
    import_file: Session(ImportParams) -> ImportReport, with progress;
    vault_overview: Session(NoParams) -> VaultOverview;
    backup_now: Session(BackupNowParams) -> BackupReport;
    rekey: Session(RekeyParams) -> VaultStatus;
    restore_backup: Session(RestoreParams) -> RestoreReport;
    retention_plan: Session(RetentionPlanParams) -> RetentionPlan;
    retention_apply: Session(RetentionApplyRequest) -> RetentionApplied;
    retention_acts: Session(NoParams) -> Vec<DestructionView>;
    office_status: Session(NoParams) -> OfficeStatus;
    office_join: Network(JoinParams) -> OfficeStatus;
    sync: Network(NoParams) -> SyncReport;
    office_assign: Network(AssignParams) -> Assigned;
    office_people: Session(NoParams) -> Vec<Colleague>;
    office_conflicts: Network(NoParams) -> Vec<ConflictNotice>;
    office_dashboard: Network(NoParams) -> OfficeDashboardView;
    office_theme_scan: Network(NoParams) -> OfficeThemeScanView;
    office_theme_scores: Network(NoParams) -> OfficeThemeScoresView;
    office_effect: Network(NoParams) -> OfficeEffectView;
    office_anomalies: Network(NoParams) -> OfficeAnomaliesView;
    office_appeals_map: Network(NoParams) -> OfficeAppealsMapView;
    office_access_log: Network(AccessLogParams) -> AccessLogView;
    office_journal: Network(OfficeJournalParams) -> OfficeJournalView;
    office_admin_login: Network(OfficeLoginParams) -> AdminView;
    office_admin: Network(NoParams) -> AdminView;
    office_admin_act: Network(AdminActParams) -> AdminView;
    office_admin_logout: Network(NoParams) -> Ok;
    office_analyst_login: Network(OfficeLoginParams) -> AnalystView;
    office_analyst: Network(NoParams) -> AnalystView;
    office_analyst_logout: Network(NoParams) -> Ok;
    national_login: Network(NationalLoginParams) -> CountryView;
    national_country: Network(CountryParams) -> CountryView;
    national_logout: Network(NoParams) -> Ok;
    national_report: Network(ReportFileParams) -> FileDownload;
    office_analyst_report: Network(ReportParams) -> FileDownload;
    office_admin_report: Network(ReportFileParams) -> FileDownload;
    office_admin_access_log: Network(AccessLogParams) -> AccessLogView;
    office_admin_access_log_report: Network(AccessLogReportParams) -> FileDownload;
    office_access_log_report: Network(AccessLogReportParams) -> FileDownload;
    office_report: Network(ReportParams) -> FileDownload;
    connectors: Session(NoParams) -> Vec<ConnectorView>;
    connector_add: Session(ConnectorSpec) -> ConnectorView;
    connector_remove: Session(ConnectorParams) -> Ok;
    connector_run: Network(ConnectorParams) -> ConnectorRunReport, with progress;
    connector_runs: Session(ConnectorParams) -> Vec<RunRow>;
    connectors_run_due: Network(NoParams) -> Vec<ScheduledRun>, with progress;
    connectors_network: Session(NoParams) -> NetworkView;
    connectors_network_set: Session(NetworkSettings) -> NetworkView;
    office_connectors: Session(NoParams) -> Vec<OfficeConnectorState>;
    office_resolve: Network(ResolveParams) -> ConflictNotice;
    upload: Host(UploadParams) -> Uploaded;
    discard_upload: Host(UploadRef) -> Ok;
    rejected_rows: Host(UploadRef) -> RejectedRows;
    import_progress: Host(NoParams) -> ImportProgress;
    reading_progress: Host(NoParams) -> ReadingProgress;
    reading_cancel: Host(NoParams) -> ReadingProgress;
    journal_status: Host(NoParams) -> JournalStatus;
    vault_state: Host(NoParams) -> VaultState;
    unlock: Host(UnlockParams) -> VaultState;
}

/// The handlers of the methods that run on the session, one per method, with the table's types.
/// A file for the UI to offer as a download (base64 in the JSON), for both kinds of handler.
fn download(file_name: String, media_type: &str, bytes: &[u8]) -> FileDownload {
    use base64::Engine;
    FileDownload {
        file_name,
        media_type: media_type.into(),
        base64: base64::engine::general_purpose::STANDARD.encode(bytes),
    }
}

mod on_session {
    use super::*;

    type R<T> = Result<T, ApiError>;

    pub fn status(s: &mut Session, _: NoParams, _: &mut CallContext<'_>) -> R<Status> {
        s.registry().status()
    }

    pub fn preferences(s: &mut Session, _: NoParams, _: &mut CallContext<'_>) -> R<Preferences> {
        s.screens().preferences()
    }

    pub fn set_preferences(s: &mut Session, p: Preferences, _: &mut CallContext<'_>) -> R<Preferences> {
        s.screens().set_preferences(&p)
    }

    pub fn home(s: &mut Session, p: HomeParams, _: &mut CallContext<'_>) -> R<HomeScreen> {
        let today = s.today();
        s.screens().home(today, p.assignee.as_deref())
    }

    pub fn search(s: &mut Session, p: SearchParams, _: &mut CallContext<'_>) -> R<SearchHits> {
        s.registry().search(&p.text, p.limit.unwrap_or(20) as usize)
    }

    pub fn case(s: &mut Session, p: BinParams, _: &mut CallContext<'_>) -> R<CaseScreen> {
        let today = s.today();
        s.screens().case_screen(&p.bin, today)
    }

    pub fn task(s: &mut Session, p: TaskParams, _: &mut CallContext<'_>) -> R<TaskDetail> {
        let today = s.today();
        s.tasks().detail(p.id, today)
    }

    pub fn accept_step(s: &mut Session, p: AcceptParams, _: &mut CallContext<'_>) -> R<CreatedTasks> {
        let today = s.today();
        s.screens().accept_for_subject(&p.bin, &p.assignee, &p.unit, p.working_days, today)
    }

    pub fn decline_step(s: &mut Session, p: DeclineParams, _: &mut CallContext<'_>) -> R<Ok> {
        s.screens().decline_for_subject(&p.bin, &p.reason)?;
        Ok(Ok { ok: true })
    }

    pub fn appeal_queue(s: &mut Session, p: QueueFilter, _: &mut CallContext<'_>) -> R<AppealQueue> {
        s.appeals().queue(&p)
    }

    pub fn appeal_card(s: &mut Session, p: AppealParams, _: &mut CallContext<'_>) -> R<AppealCard> {
        s.appeals().card(&p.appeal_no)
    }

    pub fn models(s: &mut Session, _: NoParams, _: &mut CallContext<'_>) -> R<Vec<ModelRecord>> {
        s.models().list()
    }
    pub fn models_freshness(s: &mut Session, _: NoParams, _: &mut CallContext<'_>) -> R<Vec<ModelFreshness>> {
        s.models().freshness()
    }
    pub fn check_risk_model(s: &mut Session, p: ModelParams, _: &mut CallContext<'_>) -> R<RiskModelCheck> {
        s.models().check_risk(&p.name)
    }

    pub fn check_model(s: &mut Session, p: CheckModelParams, cx: &mut CallContext<'_>) -> R<ModelCheck> {
        let upload = cx.state.get(&p.upload)?;
        let result = s.models().check_bytes(&p.name, &upload.name, upload.bytes.clone());
        cx.state.discard(&p.upload);
        result
    }

    pub fn model_passport(s: &mut Session, p: ModelParams, _: &mut CallContext<'_>) -> R<ModelPassport> {
        s.models().passport(&p.name)
    }

    pub fn appeals_reference(s: &mut Session, _: NoParams, _: &mut CallContext<'_>) -> R<AppealsReference> {
        Ok(s.appeals().reference())
    }

    pub fn correct_appeal(s: &mut Session, p: CorrectAppealParams, _: &mut CallContext<'_>) -> R<AppealCard> {
        s.appeals().correct(&p.appeal_no, p.aspect, &p.to, &p.reason)?;
        s.appeals().card(&p.appeal_no)
    }

    pub fn anomalies(s: &mut Session, p: AnomaliesParams, _: &mut CallContext<'_>) -> R<AnomalyReport> {
        s.analytics().anomalies(&DetectParams::default(), p.kind)
    }

    pub fn anomaly(s: &mut Session, p: AnomalyParams, _: &mut CallContext<'_>) -> R<AnomalyDetail> {
        s.analytics().anomaly_detail(&p.id, p.limit.unwrap_or(100).min(1000) as usize)
    }

    pub fn review_anomaly(s: &mut Session, p: ReviewAnomalyParams, _: &mut CallContext<'_>) -> R<AnomalyDetail> {
        s.analytics().review_anomaly(&p.id, p.action, &p.reason)
    }

    pub fn risk_explain(s: &mut Session, p: BinParams, _: &mut CallContext<'_>) -> R<RiskExplanation> {
        s.analytics().explain_risk(&p.bin)
    }

    pub fn override_risk(s: &mut Session, p: OverrideRiskParams, _: &mut CallContext<'_>) -> R<RiskExplanation> {
        s.analytics().override_risk(&p.bin, p.assessment, &p.reason)
    }

    pub fn train_risk(s: &mut Session, p: TrainRiskParams, _: &mut CallContext<'_>) -> R<RiskTrainReport> {
        s.analytics().train_risk_model(p.target.unwrap_or(Target::DeclaredIllegal), &RiskParams::default(), &|_| {})
    }

    pub fn score_plan(s: &mut Session, p: ScorePlanParams, cx: &mut CallContext<'_>) -> R<PlanScore> {
        let upload = cx.state.get(&p.upload)?;
        let result = s.analytics().score_plan_bytes(&upload.name, upload.bytes.clone(), Some(p.top.unwrap_or(500)));
        cx.state.discard(&p.upload);
        result
    }

    pub fn act_draft(s: &mut Session, p: ActDraftRequest, _: &mut CallContext<'_>) -> R<ActDraftFiles> {
        let draft = s.acts().draft(&p)?;
        let (pdf, pdf_error) = match s.acts().preview_pdf(&draft.docx) {
            Ok(bytes) => (Some(download(draft.file_name.replace(".docx", ".pdf"), "application/pdf", &bytes)), None),
            Err(e) => (None, Some(e.message)),
        };
        let docx = download(
            draft.file_name.clone(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            &draft.docx,
        );
        Ok(ActDraftFiles { draft, docx, pdf, pdf_error })
    }

    pub fn act_issue(s: &mut Session, p: ActIssueRequest, _: &mut CallContext<'_>) -> R<ActIssued> {
        s.acts().issue(&p)
    }

    pub fn act_show(s: &mut Session, p: ActParams, _: &mut CallContext<'_>) -> R<ActDetail> {
        s.acts().detail_over(p.act, p.horizon_days)
    }

    pub fn act_outcome(s: &mut Session, p: ActOutcomeRequest, _: &mut CallContext<'_>) -> R<ActDetail> {
        s.acts().record_outcome(&p)
    }

    pub fn act_precedents(s: &mut Session, p: PrecedentRequest, _: &mut CallContext<'_>) -> R<Precedents> {
        s.acts().precedents(&p)
    }

    pub fn effect(s: &mut Session, p: EffectRequest, _: &mut CallContext<'_>) -> R<EffectReport> {
        s.analytics().effect_report(&p)
    }

    pub fn themes(s: &mut Session, p: ThemesParams, _: &mut CallContext<'_>) -> R<ThemeList> {
        s.analytics().themes(p.all)
    }

    pub fn theme_save(s: &mut Session, p: SaveThemeRequest, _: &mut CallContext<'_>) -> R<ThemeSummary> {
        s.analytics().save_theme(&p)
    }

    pub fn theme_retire(s: &mut Session, p: RetireThemeParams, _: &mut CallContext<'_>) -> R<ThemeSummary> {
        s.analytics().retire_theme(&p.name, &p.reason)
    }

    pub fn theme_card(s: &mut Session, p: ThemeParams, _: &mut CallContext<'_>) -> R<ThemeCard> {
        s.analytics().theme_card(&p.name, p.as_of)
    }

    pub fn theme_scan(s: &mut Session, p: ThemeScanParams, _: &mut CallContext<'_>) -> R<ThemeScanReport> {
        s.analytics().theme_scan(p.as_of, p.months)
    }

    pub fn theme_scores(s: &mut Session, p: ThemeScanParams, _: &mut CallContext<'_>) -> R<ThemeScoreReport> {
        s.analytics().theme_scores(p.as_of)
    }

    pub fn theme_members(s: &mut Session, p: ThemeMembersParams, _: &mut CallContext<'_>) -> R<ThemeCandidates> {
        s.analytics().theme_candidates(&p.name, p.limit, p.district.as_deref())
    }

    pub fn theme_decide(s: &mut Session, p: MemberRequest, _: &mut CallContext<'_>) -> R<ThemeCandidates> {
        s.analytics().decide_theme_member(&p)
    }

    pub fn theme_news(s: &mut Session, _: NoParams, _: &mut CallContext<'_>) -> R<Vec<ThemeNews>> {
        s.analytics().theme_news()
    }

    pub fn theme_note(s: &mut Session, p: ThemeNoteParams, _: &mut CallContext<'_>) -> R<Vec<ThemeNote>> {
        s.analytics().note_theme(&p.name, &p.note)
    }

    pub fn theme_proposals(s: &mut Session, p: ThemeProposalParams, _: &mut CallContext<'_>) -> R<ThemeProposalReport> {
        s.analytics().theme_proposals(p.as_of, p.days)
    }

    pub fn evidence_attach(s: &mut Session, p: AttachParams, cx: &mut CallContext<'_>) -> R<Attached> {
        let upload = cx.state.get(&p.upload)?;
        // Read on attaching, like the command line; a reading that fails or is cancelled leaves
        // the attachment, unread. The UI polls `reading_progress` and may call `reading_cancel`.
        let state = cx.state;
        state.begin_reading();
        let result =
            s.evidence().attach_and_read(&p.bin, &upload.name, &upload.bytes, p.note.as_deref(), &mut |step| {
                state.reading_step(step.done, step.total)
            });
        state.end_reading();
        // The bytes are kept encrypted by the store now; the raw upload goes whatever the outcome.
        cx.state.discard(&p.upload);
        result
    }

    pub fn attachment(s: &mut Session, p: AttachmentParams, _: &mut CallContext<'_>) -> R<FileDownload> {
        let (listed, bytes) = s.evidence().attachment_of(&p.bin, &p.sha256)?;
        Ok(download(listed.file_name, "application/octet-stream", &bytes))
    }

    pub fn documents(s: &mut Session, p: BinParams, _: &mut CallContext<'_>) -> R<Vec<DocumentView>> {
        s.evidence().documents(&p.bin)
    }

    pub fn document_open(s: &mut Session, p: DocumentParams, _: &mut CallContext<'_>) -> R<DocumentOpen> {
        s.evidence().document_open(p.id)
    }

    pub fn document_page_image(
        s: &mut Session,
        p: DocumentPageParams,
        _: &mut CallContext<'_>,
    ) -> R<DocumentPageImage> {
        s.evidence().document_page_image(p.id, p.page)
    }

    pub fn document_read(s: &mut Session, p: DocumentParams, cx: &mut CallContext<'_>) -> R<DocumentReadReport> {
        let state = cx.state;
        state.begin_reading();
        let result = s.evidence().read_document(p.id, &mut |step| state.reading_step(step.done, step.total));
        state.end_reading();
        result
    }

    pub fn fact_task(s: &mut Session, p: TaskFromFact, _: &mut CallContext<'_>) -> R<FactTask> {
        s.evidence().task_from_fact(&p)
    }

    pub fn fact_confirm(s: &mut Session, p: FactConfirmParams, _: &mut CallContext<'_>) -> R<FactView> {
        s.evidence().confirm_fact(p.fact, p.value.as_deref(), p.bin.as_deref())
    }

    pub fn fact_reject(s: &mut Session, p: FactRejectParams, _: &mut CallContext<'_>) -> R<FactView> {
        s.evidence().reject_fact(p.fact, &p.reason, p.bin.as_deref())
    }

    pub fn checklist_mark(s: &mut Session, p: ChecklistMarkRequest, _: &mut CallContext<'_>) -> R<ChecklistState> {
        s.acts().mark_checklist(&p)
    }

    pub fn vault_overview(s: &mut Session, _: NoParams, _: &mut CallContext<'_>) -> R<VaultOverview> {
        s.vault().overview()
    }

    pub fn backup_now(s: &mut Session, p: BackupNowParams, _: &mut CallContext<'_>) -> R<BackupReport> {
        let passphrase = p.passphrase.map(VaultPassphrase::new);
        s.vault().backup_now(passphrase.as_ref())
    }

    pub fn rekey(s: &mut Session, p: RekeyParams, _: &mut CallContext<'_>) -> R<VaultStatus> {
        let context = s.read().context().clone().with_passphrase(VaultPassphrase::new(p.current));
        crate::api::change_passphrase(s.database(), &VaultPassphrase::new(p.new), context)
    }

    pub fn restore_backup(s: &mut Session, p: RestoreParams, _: &mut CallContext<'_>) -> R<RestoreReport> {
        s.vault().restore_from_backups(&p.file, &p.to, p.passphrase.map(VaultPassphrase::new))
    }

    /// The shipped rules: an office's own file is a command-line matter for now.
    pub fn retention_plan(s: &mut Session, p: RetentionPlanParams, _: &mut CallContext<'_>) -> R<RetentionPlan> {
        let as_of = p.as_of.unwrap_or_else(|| s.today());
        s.retention().plan(&RetentionRules::builtin(), as_of)
    }

    pub fn retention_apply(s: &mut Session, p: RetentionApplyRequest, _: &mut CallContext<'_>) -> R<RetentionApplied> {
        let report = s.retention().apply(&RetentionRules::builtin(), &p)?;
        let act = download(
            report.act_file_name.clone(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            &report.act_docx,
        );
        Ok(RetentionApplied { report, act })
    }

    pub fn evidence_pack(s: &mut Session, p: BinParams, _: &mut CallContext<'_>) -> R<EvidencePackFile> {
        let (report, name, bytes) = s.evidence().package_download(&p.bin)?;
        Ok(EvidencePackFile { report, file: download(name, "application/zip", &bytes) })
    }

    pub fn evidence_verify(s: &mut Session, p: VerifyParams, cx: &mut CallContext<'_>) -> R<EvidenceVerification> {
        let upload = cx.state.get(&p.upload)?;
        let result = s.evidence().verify_bytes(&upload.name, &upload.bytes);
        cx.state.discard(&p.upload);
        result
    }

    pub fn retention_acts(s: &mut Session, _: NoParams, _: &mut CallContext<'_>) -> R<Vec<DestructionView>> {
        s.retention().acts()
    }

    pub fn office_status(s: &mut Session, _: NoParams, _: &mut CallContext<'_>) -> R<OfficeStatus> {
        s.office().status()
    }

    pub fn office_people(s: &mut Session, _: NoParams, _: &mut CallContext<'_>) -> R<Vec<Colleague>> {
        s.office().people()
    }

    pub fn connectors(s: &mut Session, _: NoParams, _: &mut CallContext<'_>) -> R<Vec<ConnectorView>> {
        s.connectors().list()
    }

    pub fn connector_add(s: &mut Session, p: ConnectorSpec, _: &mut CallContext<'_>) -> R<ConnectorView> {
        s.connectors().add(&p)
    }

    pub fn connector_remove(s: &mut Session, p: ConnectorParams, _: &mut CallContext<'_>) -> R<Ok> {
        s.connectors().remove(&p.name).map(|()| Ok { ok: true })
    }

    pub fn connector_runs(s: &mut Session, p: ConnectorParams, _: &mut CallContext<'_>) -> R<Vec<RunRow>> {
        s.connectors().runs(&p.name, 50)
    }

    pub fn connectors_network(s: &mut Session, _: NoParams, _: &mut CallContext<'_>) -> R<NetworkView> {
        s.connectors().network()
    }

    pub fn connectors_network_set(s: &mut Session, p: NetworkSettings, _: &mut CallContext<'_>) -> R<NetworkView> {
        s.connectors().set_network(&p)
    }

    pub fn office_connectors(s: &mut Session, _: NoParams, _: &mut CallContext<'_>) -> R<Vec<OfficeConnectorState>> {
        s.office().connectors()
    }

    pub fn note_task(s: &mut Session, p: NoteParams, _: &mut CallContext<'_>) -> R<TaskDetail> {
        s.tasks().note(p.id, &p.text)
    }

    pub fn complete_task(s: &mut Session, p: CompleteParams, _: &mut CallContext<'_>) -> R<TaskDetail> {
        let on = p.on.unwrap_or_else(|| s.today());
        s.tasks().complete(p.id, on)
    }

    pub fn extend_task(s: &mut Session, p: ExtendParams, _: &mut CallContext<'_>) -> R<TaskDetail> {
        s.tasks().extend(p.id, p.to, p.decided, &p.reason)
    }

    pub fn recount_task(s: &mut Session, p: RecountParams, _: &mut CallContext<'_>) -> R<TaskDetail> {
        s.tasks().recount(p.id, &p.reason)
    }

    pub fn suspend_task(s: &mut Session, p: SuspendParams, _: &mut CallContext<'_>) -> R<TaskDetail> {
        s.tasks().suspend(p.id, crate::domain::deadline::Suspension { from: p.from, to: p.to }, &p.reason)
    }

    pub fn wait_for_task(s: &mut Session, p: WaitParams, _: &mut CallContext<'_>) -> R<TaskDetail> {
        s.tasks().add_dependency(p.id, p.prerequisite)?;
        let today = s.today();
        s.tasks().detail(p.id, today)
    }

    pub fn guide_topics(_: &mut Session, p: GuideTopicsParams, _: &mut CallContext<'_>) -> R<Vec<GuideTopic>> {
        Ok(crate::guide::list(&p.lang, p.screen.as_deref()))
    }

    pub fn guide_page(_: &mut Session, p: GuidePageParams, _: &mut CallContext<'_>) -> R<GuidePage> {
        crate::guide::page(&p.lang, &p.id)
            .ok_or_else(|| ApiError::new(ErrorCode::NotFound, format!("no topic '{}' in '{}'", p.id, p.lang)))
    }

    pub fn guide_search(_: &mut Session, p: GuideSearchParams, _: &mut CallContext<'_>) -> R<Vec<GuideHit>> {
        if p.query.len() > 1000 {
            return Err(ApiError::new(ErrorCode::TooLarge, "a search of the guide is at most 1,000 bytes"));
        }
        crate::guide::search(&p.query, p.lang.as_deref(), p.limit.clamp(1, 50))
            .map_err(|e| ApiError::new(ErrorCode::Internal, e))
    }

    pub fn add_task(s: &mut Session, p: NewTaskRequest, _: &mut CallContext<'_>) -> R<CreatedTasks> {
        s.tasks().add(&p)
    }

    pub fn dashboard(s: &mut Session, _: NoParams, _: &mut CallContext<'_>) -> R<Dashboard> {
        let today = s.today();
        s.tasks().dashboard(today)
    }

    pub fn overdue(s: &mut Session, _: NoParams, _: &mut CallContext<'_>) -> R<Vec<OverdueRow>> {
        let today = s.today();
        s.screens().overdue(today)
    }

    pub fn regions(s: &mut Session, _: NoParams, _: &mut CallContext<'_>) -> R<Vec<RegionOverview>> {
        s.screens().regions()
    }

    pub fn slips(s: &mut Session, _: NoParams, _: &mut CallContext<'_>) -> R<Vec<SlipView>> {
        let today = s.today();
        s.tasks().slip_views(today)
    }

    pub fn calendar_years(s: &mut Session, _: NoParams, _: &mut CallContext<'_>) -> R<Vec<CalendarYearView>> {
        s.deadlines().calendar_years()
    }

    pub fn norms(s: &mut Session, _: NoParams, _: &mut CallContext<'_>) -> R<NormsList> {
        s.deadlines().norms_list()
    }

    pub fn journal(s: &mut Session, p: JournalQuery, _: &mut CallContext<'_>) -> R<Vec<JournalLine>> {
        s.journal(&p)
    }

    pub fn journal_verify(s: &mut Session, _: NoParams, cx: &mut CallContext<'_>) -> R<JournalVerification> {
        let report = s.verify_journal()?;
        cx.state.record_verification(&report);
        Ok(report)
    }

    pub fn import_preview(s: &mut Session, p: ImportParams, cx: &mut CallContext<'_>) -> R<Preview> {
        let upload = cx.state.get(&p.upload)?;
        s.registry().preview_bytes(&upload.name, upload.bytes.clone(), p.kind)
    }

    pub fn import_file(s: &mut Session, p: ImportParams, cx: &mut CallContext<'_>) -> R<ImportReport> {
        let upload = cx.state.get(&p.upload)?;
        // The upload is raw personal data: it goes when the import is done, whatever the outcome.
        let result = s.registry().import_bytes(&upload.name, upload.bytes.clone(), p.kind, p.skip_invalid, cx.progress);
        cx.state.finish_import(&p.upload, &result);
        result
    }
}

/// The handlers of the `Network` methods: they run on the network worker's `NetSession`, which
/// lends the office link and the connectors and nothing else.
mod on_network {
    use super::*;
    use crate::api::wire::host::NetSession;

    type R<T> = Result<T, ApiError>;

    pub fn office_join(net: &mut NetSession, p: JoinParams, _: &mut CallContext<'_>) -> R<OfficeStatus> {
        net.office_join(&p)
    }

    pub fn sync(net: &mut NetSession, _: NoParams, _: &mut CallContext<'_>) -> R<SyncReport> {
        net.office().sync()
    }

    pub fn office_assign(net: &mut NetSession, p: AssignParams, _: &mut CallContext<'_>) -> R<Assigned> {
        net.office().assign(p.id, &p.person, &p.reason)
    }

    pub fn office_conflicts(net: &mut NetSession, _: NoParams, _: &mut CallContext<'_>) -> R<Vec<ConflictNotice>> {
        net.office().conflicts()
    }

    pub fn office_dashboard(net: &mut NetSession, _: NoParams, _: &mut CallContext<'_>) -> R<OfficeDashboardView> {
        net.office().dashboard()
    }

    pub fn office_theme_scan(net: &mut NetSession, _: NoParams, _: &mut CallContext<'_>) -> R<OfficeThemeScanView> {
        net.office().theme_scan()
    }

    pub fn office_theme_scores(net: &mut NetSession, _: NoParams, _: &mut CallContext<'_>) -> R<OfficeThemeScoresView> {
        net.office().theme_scores()
    }

    pub fn office_effect(net: &mut NetSession, _: NoParams, _: &mut CallContext<'_>) -> R<OfficeEffectView> {
        net.office().effect()
    }

    pub fn office_anomalies(net: &mut NetSession, _: NoParams, _: &mut CallContext<'_>) -> R<OfficeAnomaliesView> {
        net.office().anomalies()
    }

    pub fn office_appeals_map(net: &mut NetSession, _: NoParams, _: &mut CallContext<'_>) -> R<OfficeAppealsMapView> {
        net.office().appeals_map()
    }

    pub fn office_admin_login(net: &mut NetSession, p: OfficeLoginParams, _: &mut CallContext<'_>) -> R<AdminView> {
        net.admin_login(&p)
    }

    pub fn office_admin(net: &mut NetSession, _: NoParams, _: &mut CallContext<'_>) -> R<AdminView> {
        net.admin()?.overview()
    }

    pub fn office_admin_act(net: &mut NetSession, p: AdminActParams, _: &mut CallContext<'_>) -> R<AdminView> {
        net.admin()?.act(&p.act)
    }

    pub fn office_admin_logout(net: &mut NetSession, _: NoParams, _: &mut CallContext<'_>) -> R<Ok> {
        net.admin_logout();
        Ok(Ok { ok: true })
    }

    pub fn office_analyst_login(net: &mut NetSession, p: OfficeLoginParams, _: &mut CallContext<'_>) -> R<AnalystView> {
        net.analyst_login(&p)
    }

    pub fn office_analyst(net: &mut NetSession, _: NoParams, _: &mut CallContext<'_>) -> R<AnalystView> {
        let now = net.now();
        net.analyst()?.figures(now)
    }

    pub fn office_analyst_logout(net: &mut NetSession, _: NoParams, _: &mut CallContext<'_>) -> R<Ok> {
        net.analyst_logout();
        Ok(Ok { ok: true })
    }

    pub fn national_login(net: &mut NetSession, p: NationalLoginParams, _: &mut CallContext<'_>) -> R<CountryView> {
        net.national_login(&p)
    }

    pub fn national_country(net: &mut NetSession, p: CountryParams, _: &mut CallContext<'_>) -> R<CountryView> {
        let now = net.now();
        net.national()?.country(&p, now)
    }

    pub fn national_logout(net: &mut NetSession, _: NoParams, _: &mut CallContext<'_>) -> R<Ok> {
        net.national_logout();
        Ok(Ok { ok: true })
    }

    pub fn office_journal(
        net: &mut NetSession,
        p: OfficeJournalParams,
        _: &mut CallContext<'_>,
    ) -> R<OfficeJournalView> {
        net.office().journal_entries(&p)
    }

    pub fn office_access_log(net: &mut NetSession, p: AccessLogParams, _: &mut CallContext<'_>) -> R<AccessLogView> {
        net.office().access_log(&p)
    }

    /// The Country screen's figures as a file in the UI's language.
    pub fn national_report(net: &mut NetSession, p: ReportFileParams, _: &mut CallContext<'_>) -> R<FileDownload> {
        let lang = crate::i18n::choose(p.lang.as_deref());
        let (file_name, bytes) = net.national()?.report(p.format, lang)?;
        Ok(download(file_name, p.format.media_type(), &bytes))
    }

    /// The administration screen as a file in the UI's language.
    pub fn office_admin_report(net: &mut NetSession, p: ReportFileParams, _: &mut CallContext<'_>) -> R<FileDownload> {
        let lang = crate::i18n::choose(p.lang.as_deref());
        let (file_name, bytes) = net.admin()?.report(p.format, lang)?;
        Ok(download(file_name, p.format.media_type(), &bytes))
    }

    /// The whole access log as the office's administrator reads it, filtered, its chain checked.
    pub fn office_admin_access_log(
        net: &mut NetSession,
        p: AccessLogParams,
        _: &mut CallContext<'_>,
    ) -> R<AccessLogView> {
        let now = net.now();
        net.admin()?.access_log(&p, now)
    }

    /// The administrator's reading of the access log as a file in the UI's language.
    pub fn office_admin_access_log_report(
        net: &mut NetSession,
        p: AccessLogReportParams,
        _: &mut CallContext<'_>,
    ) -> R<FileDownload> {
        let lang = crate::i18n::choose(p.lang.as_deref());
        let now = net.now();
        let (file_name, bytes) = net.admin()?.access_log_report(&p.query, p.format, lang, now)?;
        Ok(download(file_name, p.format.media_type(), &bytes))
    }

    /// The access log's lines as read with the screen's filter, as a file in the UI's language.
    pub fn office_access_log_report(
        net: &mut NetSession,
        p: AccessLogReportParams,
        _: &mut CallContext<'_>,
    ) -> R<FileDownload> {
        let lang = crate::i18n::choose(p.lang.as_deref());
        let (file_name, bytes) = net.office().access_log_report(&p.query, p.format, lang)?;
        Ok(download(file_name, p.format.media_type(), &bytes))
    }

    /// One of the office's screens as its analyst sees it, as a file in the UI's language.
    pub fn office_analyst_report(net: &mut NetSession, p: ReportParams, _: &mut CallContext<'_>) -> R<FileDownload> {
        let lang = crate::i18n::choose(p.lang.as_deref());
        let (file_name, bytes) = net.analyst()?.report(p.report, p.format, lang)?;
        Ok(download(file_name, p.format.media_type(), &bytes))
    }

    /// The office's dashboard as a workbook in the UI's language (an unknown code: the program's).
    pub fn office_report(net: &mut NetSession, p: ReportParams, _: &mut CallContext<'_>) -> R<FileDownload> {
        let lang = crate::i18n::choose(p.lang.as_deref());
        let (file_name, bytes) = net.office().report(p.report, p.format, lang)?;
        Ok(download(file_name, p.format.media_type(), &bytes))
    }

    /// Progress goes where an import's does: the UI polls `import_progress`.
    pub fn connector_run(net: &mut NetSession, p: ConnectorParams, cx: &mut CallContext<'_>) -> R<ConnectorRunReport> {
        net.connectors().run(&p.name, cx.progress)
    }

    pub fn connectors_run_due(net: &mut NetSession, _: NoParams, cx: &mut CallContext<'_>) -> R<Vec<ScheduledRun>> {
        net.connectors().run_due(cx.progress)
    }

    pub fn office_resolve(net: &mut NetSession, p: ResolveParams, _: &mut CallContext<'_>) -> R<ConflictNotice> {
        net.office().resolve(&p)
    }
}
