//! The parameter types of the methods in the table (`rpc.rs`), each refusing unknown fields, and
//! the small answers only a method gives (a file to download, `Ok`). Their names are the
//! TypeScript's (`ui/src/lib/types/`).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::analytics::practices::AnomalyKind;
use crate::analytics::risk::Target;
use crate::api::RetentionReport;
use crate::api::{ActDraft, EvidencePackReport};
use crate::api::{AnomalyReview, CorrectionAspect, RiskAssessment};
use crate::domain::records::DataKind;

/// The parameters of a method that takes none.
#[derive(Debug, Clone, Default, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct NoParams {}

#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct SearchParams {
    pub text: String,
    pub limit: Option<u32>,
}

/// "Back up now": a plain database's backup needs the passphrase it will open with.
#[derive(Clone, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct BackupNowParams {
    pub passphrase: Option<String>,
}

/// Settings → Vault → change the passphrase: the current one and the new one.
#[derive(Clone, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct RekeyParams {
    pub current: String,
    pub new: String,
}

// Passphrases never reach a log, not even a debug one.
impl std::fmt::Debug for BackupNowParams {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BackupNowParams { passphrase: … }")
    }
}

impl std::fmt::Debug for RekeyParams {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RekeyParams { … }")
    }
}

/// A connector by name.
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ConnectorParams {
    pub name: String,
}

#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct BinParams {
    pub bin: String,
}

#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct HomeParams {
    /// Whose desk: an assignee, "" for everyone, absent for the user's own.
    pub assignee: Option<String>,
}

#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct TaskParams {
    pub id: i64,
}

#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct AcceptParams {
    pub bin: String,
    pub assignee: String,
    pub unit: String,
    /// The working period of an information-gathering task, when that is the step.
    pub working_days: u32,
}

#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct DeclineParams {
    pub bin: String,
    pub reason: String,
}

#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ModelParams {
    pub name: String,
}

/// An appeals classifier version and a labelled file already uploaded (see `upload`) to re-test it on.
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct CheckModelParams {
    pub name: String,
    pub upload: String,
}

#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct AppealParams {
    pub appeal_no: String,
}

/// A person's correction of an appeal's category or route (`aspect`), with the reason.
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct CorrectAppealParams {
    pub appeal_no: String,
    pub aspect: CorrectionAspect,
    pub to: String,
    pub reason: String,
}

/// A supervisor's assignment of a task (a colleague's has a negative number) through the office.
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct AssignParams {
    pub id: i64,
    pub person: String,
    pub reason: String,
}

#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct NoteParams {
    pub id: i64,
    pub text: String,
}

#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct CompleteParams {
    pub id: i64,
    pub on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ExtendParams {
    pub id: i64,
    pub to: NaiveDate,
    pub reason: String,
    /// The day of the decision to extend (a cap may count from it); today when not given.
    #[serde(default)]
    #[ts(optional)]
    pub decided: Option<NaiveDate>,
}

/// A task recounted under the version of its norm that now governs its trigger, with the reason.
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct RecountParams {
    pub id: i64,
    pub reason: String,
}

/// The clock of a task stopped from `from` to `to` (both days included), with the reason.
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct SuspendParams {
    pub id: i64,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub reason: String,
}

/// The guide's topics in `lang`, or only those about `screen`.
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct GuideTopicsParams {
    pub lang: String,
    pub screen: Option<String>,
}

/// One topic of the guide.
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct GuidePageParams {
    pub lang: String,
    pub id: String,
}

/// A search over the guide: words in any language, all languages when `lang` is not given.
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct GuideSearchParams {
    pub query: String,
    pub lang: Option<String>,
    pub limit: usize,
}

/// Task `id` waits for task `prerequisite` (a cycle is refused, naming it).
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct WaitParams {
    pub id: i64,
    pub prerequisite: i64,
}

/// A file already uploaded (see `upload`), and what to do with it.
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ImportParams {
    pub upload: String,
    pub kind: Option<DataKind>,
    pub skip_invalid: bool,
}

#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct AnomaliesParams {
    /// Only this kind.
    pub kind: Option<AnomalyKind>,
}

#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct AnomalyParams {
    pub id: String,
    /// How many inspections or appeals behind it to return (default 100, at most 1,000).
    pub limit: Option<u32>,
}

/// A person's answer to an anomaly: `dismiss` or `restore`, with the reason.
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ReviewAnomalyParams {
    pub id: String,
    pub action: AnomalyReview,
    pub reason: String,
}

/// The themes in force (`all`: retired ones too).
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ThemesParams {
    #[serde(default)]
    pub all: bool,
}

/// One theme by name, as of a date (default today).
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ThemeParams {
    pub name: String,
    pub as_of: Option<NaiveDate>,
}

/// A theme's candidates (at most `limit`, default 100).
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ThemeMembersParams {
    pub name: String,
    pub limit: Option<u32>,
    /// Only the items of one district (its four KATO digits): the theme card's map opens it.
    #[serde(default)]
    #[ts(optional)]
    pub district: Option<String>,
}

/// A theme retired, with the reason.
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct RetireThemeParams {
    pub name: String,
    pub reason: String,
}

/// A note written on a theme's card.
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ThemeNoteParams {
    pub name: String,
    pub note: String,
}

/// The scan or the ranking as of a date (default today); the scan's months (default 3).
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ThemeScanParams {
    pub as_of: Option<NaiveDate>,
    pub months: Option<u32>,
}

/// The window of `theme_proposals`: days before the date (default today, 90 days).
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ThemeProposalParams {
    pub as_of: Option<NaiveDate>,
    pub days: Option<u32>,
}

/// A person's own assessment of an object's risk (`high`, `medium`, `low`, or `withdrawn`).
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct OverrideRiskParams {
    pub bin: String,
    pub assessment: RiskAssessment,
    pub reason: String,
}

#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct TrainRiskParams {
    pub target: Option<Target>,
}

/// A plan already uploaded (see `upload`).
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ScorePlanParams {
    pub upload: String,
    /// How many of the most likely rows come with their reasons (default 500; the whole ranking of
    /// a large plan is `ekn risk score FILE --json`).
    pub top: Option<usize>,
}

/// A document already uploaded, to attach to an object.
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct AttachParams {
    pub bin: String,
    pub upload: String,
    pub note: Option<String>,
}

/// A package already uploaded, to verify.
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct VerifyParams {
    pub upload: String,
}

#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct AttachmentParams {
    pub bin: String,
    pub sha256: String,
}

/// An attached document by its id (the attachment's).
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct DocumentParams {
    pub id: i64,
}

/// A page of an attached document (1-based).
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct DocumentPageParams {
    pub id: i64,
    pub page: u32,
}

/// Confirm a fact read from a document, as proposed (`value` null) or corrected.
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct FactConfirmParams {
    pub fact: i64,
    pub value: Option<String>,
    pub bin: Option<String>,
}

/// An issued act by its id.
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ActParams {
    pub act: i64,
    /// Days after the addressee's period that later data count (a year when null).
    #[serde(default)]
    pub horizon_days: Option<u64>,
}

/// Reject a fact read from a document, with the reason.
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct FactRejectParams {
    pub fact: i64,
    pub reason: String,
    pub bin: Option<String>,
}

/// A file the UI offers for download, base64-encoded.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct FileDownload {
    pub file_name: String,
    pub media_type: String,
    pub base64: String,
}

/// A drafted act with its document and PDF preview (the preview is absent, with the reason,
/// when the machine has no font to lay it out with).
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct ActDraftFiles {
    pub draft: ActDraft,
    pub docx: FileDownload,
    pub pdf: Option<FileDownload>,
    pub pdf_error: Option<String>,
}

/// Settings → Vault → restore: a backup of the backups folder, to a new database file beside
/// this one, with the backup's passphrase (this database's own when none is given).
#[derive(Clone, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct RestoreParams {
    pub file: String,
    pub to: String,
    pub passphrase: Option<String>,
}

impl std::fmt::Debug for RestoreParams {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RestoreParams").field("file", &self.file).field("to", &self.to).finish_non_exhaustive()
    }
}

/// Settings → Retention: the plan on a day (today when none is given).
#[derive(Clone, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct RetentionPlanParams {
    pub as_of: Option<NaiveDate>,
}

/// A destruction applied, with its act's draft for download.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct RetentionApplied {
    pub report: RetentionReport,
    pub act: FileDownload,
}

/// A packed evidence package and its zip for download (made in memory, never kept on disk).
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct EvidencePackFile {
    pub report: EvidencePackReport,
    pub file: FileDownload,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct Ok {
    pub ok: bool,
}
