//! What slips through unnoticed: acts of response without control of execution, overdue tasks
//! with neither extension nor note, finished steps nobody followed up.

use chrono::NaiveDate;
use serde::Serialize;

use super::super::calendar::Calendar;
use super::{signed_working_days, Task, TaskGraph, TaskKind, TaskStatus};

impl TaskGraph {
    /// What slips through: acts of response without control of execution, overdue tasks with no
    /// extension and no note, finished steps nobody followed up.
    pub fn slips(&self, calendar: &Calendar, today: NaiveDate) -> Vec<Slip> {
        let mut slips = Vec::new();
        let mut ids: Vec<&i64> = self.tasks.keys().collect();
        ids.sort_unstable();
        for &id in ids {
            let task = &self.tasks[&id];
            let dependents: Vec<&Task> = self.dependents(id).iter().filter_map(|d| self.tasks.get(d)).collect();
            if task.kind == TaskKind::IssueResponse
                && task.status != TaskStatus::Cancelled
                && !dependents.iter().any(|d| d.kind == TaskKind::ControlExecution)
            {
                slips.push(Slip { task_id: id, kind: SlipKind::ResponseWithoutControl, chain: Vec::new() });
            }
            if task.is_open()
                && signed_working_days(calendar, today, task.current_due) < 0
                && !task.extended()
                && task.note.as_deref().is_none_or(|n| n.trim().is_empty())
            {
                slips.push(Slip {
                    task_id: id,
                    kind: SlipKind::OverdueWithoutExtensionOrNote,
                    chain: self.slip_chain(id),
                });
            }
            let expects_next = matches!(task.kind, TaskKind::GatherInformation | TaskKind::InspectionCheck);
            if task.status == TaskStatus::Done && expects_next && dependents.is_empty() {
                slips.push(Slip { task_id: id, kind: SlipKind::NotFollowedUp, chain: Vec::new() });
            }
        }
        slips
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum SlipKind {
    ResponseWithoutControl,
    OverdueWithoutExtensionOrNote,
    NotFollowedUp,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Slip {
    pub task_id: i64,
    pub kind: SlipKind,
    /// Open tasks that slip with this one.
    pub chain: Vec<i64>,
}
