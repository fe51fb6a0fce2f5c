//! The office's administration as it crosses the wire (issue 64): what an administrator logged in
//! from the app sees of the office — its people, its workstations, the incidents to act on and the
//! administrators' own journal — and the actions they take, each with its reason. One type for
//! the office that answers and the workstation that shows it.

use serde::{Deserialize, Serialize};

/// A person of the office as an administrator sees them (never a password or its hash).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct AdminPerson {
    pub name: String,
    /// `prosecutor`, `supervisor`, `analyst` or `admin`.
    pub role: String,
    /// KATO prefixes the role covers (`*`: every district).
    pub districts: Vec<String>,
    pub blocked: bool,
    pub blocked_reason: Option<String>,
}

/// An enrolled workstation as an administrator sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct AdminWorkstation {
    pub id: String,
    pub name: String,
    /// The person it is enrolled to.
    pub person: String,
    /// The epoch its entries are pushed under (a restored database starts another).
    pub epoch: String,
    /// The last push and pull, RFC 3339 by the office's clock.
    pub last_push_at: Option<String>,
    pub last_pull_at: Option<String>,
    /// Why its syncs are refused until an administrator acts (a fork), if they are.
    pub blocked_reason: Option<String>,
    pub revoked_at: Option<String>,
    pub revoked_reason: Option<String>,
}

/// Something the office refused or noticed, for the administrator's to-do list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct AdminIncident {
    #[ts(type = "string")]
    pub at: chrono::DateTime<chrono::Utc>,
    /// `fork`, `epoch`, `suspicious_claim`, `readmitted`, `revoked`, …
    pub kind: String,
    pub workstation: Option<String>,
    pub detail: String,
}

/// One line of the administrators' journal: who did what to whom, when and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct AdminJournalLine {
    #[ts(type = "string")]
    pub at: chrono::DateTime<chrono::Utc>,
    pub admin: String,
    pub action: String,
    pub subject: String,
    pub reason: String,
}

/// One run of an office connector, as the administrator follows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct AdminRun {
    pub id: i64,
    /// `running`, `published`, `unchanged`, `failed`, …
    pub status: String,
    pub started_by: String,
    /// RFC 3339 by the office's clock.
    pub started_at: String,
    pub finished_at: Option<String>,
    pub records: Option<i64>,
    pub error: Option<String>,
}

/// An office connector (a registry fetched once for every workstation) and its newest runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct AdminConnector {
    pub name: String,
    /// `inspections` or `risk`.
    pub data: String,
    /// `egov-v4`, `http-file`, …
    pub kind: String,
    /// Where it fetches from (keys are never in it: they stay in the server's environment).
    pub url: String,
    pub added_by: String,
    pub every_hours: Option<u32>,
    /// When its schedule runs it next (RFC 3339), if it has one.
    pub next_run: Option<String>,
    /// The newest first (at most `MAX_RUNS`).
    pub runs: Vec<AdminRun>,
}

/// How many runs of each connector an overview carries.
pub const MAX_RUNS: usize = 5;

/// The office as an administrator sees it (`GET /v1/admin`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct AdminOverview {
    pub people: Vec<AdminPerson>,
    pub workstations: Vec<AdminWorkstation>,
    /// The office's connectors and their runs.
    #[serde(default)]
    pub connectors: Vec<AdminConnector>,
    /// The newest incidents first (at most `MAX_INCIDENTS`).
    pub incidents: Vec<AdminIncident>,
    /// The newest actions first (at most `MAX_JOURNAL`).
    pub journal: Vec<AdminJournalLine>,
    /// When the office answered, by its clock.
    #[ts(type = "string")]
    pub at: chrono::DateTime<chrono::Utc>,
}

/// How many incidents and journal lines an overview carries.
pub const MAX_INCIDENTS: usize = 200;
pub const MAX_JOURNAL: usize = 200;

/// What an administrator does, each with its reason (`POST /v1/admin/act`).
#[derive(Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum AdminAction {
    /// A new person with a first password (at least 10 characters) they change at the console.
    AddPerson {
        name: String,
        role: String,
        districts: Vec<String>,
        password: String,
        reason: String,
    },
    /// Their sessions end at once and their workstations' syncs are refused.
    Block {
        name: String,
        reason: String,
    },
    Unblock {
        name: String,
        reason: String,
    },
    /// Replaces the districts their role covers; their sessions end.
    SetDistricts {
        name: String,
        districts: Vec<String>,
        reason: String,
    },
    /// For good: every request the workstation signs is refused, and it purges what it pulled.
    Revoke {
        workstation: String,
        reason: String,
    },
    /// A restored or copied database may begin a new stream under `epoch` (the incident names it).
    Readmit {
        workstation: String,
        epoch: String,
        reason: String,
    },
}

impl AdminAction {
    /// The journal's name of the action and whom it touches.
    pub fn journaled(&self) -> (&'static str, &str) {
        match self {
            AdminAction::AddPerson { name, .. } => ("add_person", name),
            AdminAction::Block { name, .. } => ("block", name),
            AdminAction::Unblock { name, .. } => ("unblock", name),
            AdminAction::SetDistricts { name, .. } => ("set_districts", name),
            AdminAction::Revoke { workstation, .. } => ("revoke", workstation),
            AdminAction::Readmit { workstation, .. } => ("readmit", workstation),
        }
    }

    pub fn reason(&self) -> &str {
        match self {
            AdminAction::AddPerson { reason, .. }
            | AdminAction::Block { reason, .. }
            | AdminAction::Unblock { reason, .. }
            | AdminAction::SetDistricts { reason, .. }
            | AdminAction::Revoke { reason, .. }
            | AdminAction::Readmit { reason, .. } => reason,
        }
    }
}

/// Never the first password in a log line or an error.
impl std::fmt::Debug for AdminAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (action, subject) = self.journaled();
        f.debug_struct("AdminAction").field("action", &action).field("subject", &subject).finish_non_exhaustive()
    }
}
