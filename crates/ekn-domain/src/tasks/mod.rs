//! The deadline task graph: procedural tasks, their dependencies, and what follows from them —
//! which tasks are blocked, which slip together, how urgent each is (with the reasons), which
//! reminders fire, and which next step the stage of a case suggests.
//!
//! Like TaskChampion's dependency map, the graph is built once from storage and then queried in
//! memory; nothing here does I/O.

mod dashboard;
mod graph;
mod slips;
mod urgency;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use dashboard::{dashboard, dashboard_of_counts, Dashboard, Figures, OfficeDashboard};
pub use graph::{GraphError, TaskGraph};
pub use slips::{Slip, SlipKind};
pub use urgency::{signed_working_days, Reminder, ReminderKind, Urgency};

/// What a task is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum TaskKind {
    GatherInformation,
    ConsiderAppeal,
    InspectionCheck,
    IssueResponse,
    ControlExecution,
    FollowUp,
    /// Forwarding an appeal outside the office's competence (its SLA contour).
    ForwardAppeal,
}

impl TaskKind {
    pub const ALL: [TaskKind; 7] = [
        Self::GatherInformation,
        Self::ConsiderAppeal,
        Self::InspectionCheck,
        Self::IssueResponse,
        Self::ControlExecution,
        Self::FollowUp,
        Self::ForwardAppeal,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::GatherInformation => "gather_information",
            Self::ConsiderAppeal => "consider_appeal",
            Self::InspectionCheck => "inspection_check",
            Self::IssueResponse => "issue_response",
            Self::ControlExecution => "control_execution",
            Self::FollowUp => "follow_up",
            Self::ForwardAppeal => "forward_appeal",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The supervision stage a task of this kind belongs to.
    pub fn stage(self) -> Stage {
        match self {
            Self::GatherInformation | Self::ConsiderAppeal | Self::ForwardAppeal => Stage::InformationGathering,
            Self::InspectionCheck => Stage::Inspection,
            Self::IssueResponse => Stage::Response,
            Self::ControlExecution | Self::FollowUp => Stage::ControlOfExecution,
        }
    }
}

/// Supervision runs in stages: information gathering → inspection → act of response → control of execution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    InformationGathering,
    Inspection,
    Response,
    ControlOfExecution,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    Open,
    Done,
    Cancelled,
}

impl TaskStatus {
    pub fn code(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Done => "done",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Open, Self::Done, Self::Cancelled].into_iter().find(|s| s.code() == code)
    }
}

/// One task as the graph needs it.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Task {
    pub id: i64,
    pub kind: TaskKind,
    pub title: String,
    pub subject_bin: Option<String>,
    pub appeal_no: Option<String>,
    pub assignee: String,
    pub unit: String,
    pub region_code: Option<String>,
    /// The district (four KATO digits) of the task's object, or else of its appeal; the map's
    /// unit (issue 63). `None` where the workstation does not know the place.
    pub district: Option<String>,
    pub category: Option<String>,
    pub norm_id: Option<String>,
    pub event_date: NaiveDate,
    pub original_due: NaiveDate,
    pub current_due: NaiveDate,
    pub status: TaskStatus,
    pub done_on: Option<NaiveDate>,
    pub note: Option<String>,
    /// The latest risk score (0–100) of the task's object, if any.
    pub risk: Option<f64>,
}

impl Task {
    pub fn is_open(&self) -> bool {
        self.status == TaskStatus::Open
    }

    pub fn extended(&self) -> bool {
        self.current_due != self.original_due
    }
}

/// The next procedural step the stage of a case suggests, and the tasks it expects. The product
/// suggests; the prosecutor decides (accepting creates the tasks, declining is logged).
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Suggestion {
    pub after_task: Option<i64>,
    pub kind: TaskKind,
    pub stage: Stage,
    pub reason: String,
}

/// Suggests what follows a task of `kind` that is done (or, for a response, that exists).
pub fn next_step(kind: TaskKind) -> Option<(TaskKind, &'static str)> {
    Some(match kind {
        TaskKind::GatherInformation | TaskKind::ConsiderAppeal => (
            TaskKind::InspectionCheck,
            "information gathered: decide whether the facts call for an inspection of the object",
        ),
        TaskKind::InspectionCheck => {
            (TaskKind::IssueResponse, "inspection finished: decide on an act of prosecutorial response")
        }
        TaskKind::IssueResponse => {
            (TaskKind::ControlExecution, "an act of response was issued: its execution must be controlled")
        }
        // A forwarded appeal leaves the office: nothing follows here.
        TaskKind::ControlExecution | TaskKind::FollowUp | TaskKind::ForwardAppeal => return None,
    })
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::*;

    pub fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    pub fn task(id: i64, kind: TaskKind, due: &str, status: TaskStatus) -> Task {
        Task {
            id,
            kind,
            title: format!("task {id}"),
            subject_bin: None,
            appeal_no: None,
            assignee: if id % 2 == 0 { "Ахметова А." } else { "Серіков Б." }.into(),
            unit: "Отдел надзора".into(),
            region_code: Some("75".into()),
            district: Some("7511".into()),
            category: Some("экология".into()),
            norm_id: None,
            event_date: d("2024-04-01"),
            original_due: d(due),
            current_due: d(due),
            status,
            done_on: None,
            note: None,
            risk: None,
        }
    }
}
