//! The views built on the task graph: the prosecutor's desk, the reminders that fire, what slips
//! through unnoticed and the supervisor's dashboard. The desk and the dashboard include the
//! colleagues' tasks pulled from the office (`colleagues.rs`).

use chrono::NaiveDate;
use serde::Serialize;

use super::Tasks;
use crate::api::{ApiError, TaskView};
use crate::domain::tasks::{dashboard, Dashboard, Reminder, Slip, Task};

/// The prosecutor's desk: open tasks by urgency, and the reminders that fire today.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Desk {
    pub today: NaiveDate,
    pub due_today: Vec<TaskView>,
    pub overdue: Vec<TaskView>,
    pub next_7_working_days: Vec<TaskView>,
    pub later: usize,
    pub reminders: Vec<Reminder>,
}

/// One thing that slips through unnoticed, with its task.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct SlipView {
    #[serde(flatten)]
    #[ts(flatten)]
    pub slip: Slip,
    pub task: TaskView,
}

impl Tasks<'_> {
    /// The desk of one assignee (or everyone's): open tasks by urgency, and today's reminders.
    pub fn desk(&self, today: NaiveDate, assignee: Option<&str>) -> Result<Desk, ApiError> {
        let calendar = self.read().calendar()?;
        // Colleagues' tasks pulled from the office stand beside this workstation's own, with
        // their owner; an assignee's desk holds what is assigned to them or held by them.
        let office = self.read().office_graph()?;
        let graph = &office.graph;
        let owner = |t: &Task| office.owners.get(&t.id);
        let assigned = |t: &Task| office.assigned.get(&t.id);
        let mine = |t: &Task| {
            assignee.is_none_or(|a| {
                t.assignee == a || owner(t).is_some_and(|o| o == a) || assigned(t).is_some_and(|o| o == a)
            })
        };
        let mut views: Vec<TaskView> = graph
            .tasks()
            .filter(|t| t.is_open() && mine(t))
            .map(|t| {
                let mut view = self.read().view(graph, &calendar, t.id, today)?;
                view.owner = owner(t).cloned();
                view.assigned_to = assigned(t).cloned();
                view.conflict = office.conflicts.get(&t.id).cloned();
                Ok(view)
            })
            .collect::<Result<_, ApiError>>()?;
        views.sort_by(|a, b| {
            let score = |v: &TaskView| v.urgency.map_or(0.0, |u| u.score);
            score(b).total_cmp(&score(a)).then(a.task.id.cmp(&b.task.id))
        });
        let mut desk = Desk {
            today,
            due_today: vec![],
            overdue: vec![],
            next_7_working_days: vec![],
            later: 0,
            reminders: vec![],
        };
        // By date first: a task due before today is overdue and one due today is due today,
        // whatever the weekday (on a Sunday, Friday's tasks are overdue, not "due today").
        for view in views {
            let due = view.task.current_due;
            let left = view.urgency.map_or(i32::MAX, |u| u.working_days_left);
            if due < today {
                desk.overdue.push(view);
            } else if due == today {
                desk.due_today.push(view);
            } else if left <= 7 {
                desk.next_7_working_days.push(view);
            } else {
                desk.later += 1;
            }
        }
        // Reminders are the holder's: a colleague's fire on their workstation.
        desk.reminders = graph
            .reminders_due(&calendar, today)
            .into_iter()
            .filter(|r| r.task_id > 0 && graph.task(r.task_id).is_some_and(&mine))
            .collect();
        Ok(desk)
    }

    pub fn reminders(&self, today: NaiveDate) -> Result<Vec<Reminder>, ApiError> {
        Ok(self.read().graph()?.reminders_due(&*self.read().calendar()?, today))
    }

    pub fn slips(&self, today: NaiveDate) -> Result<Vec<Slip>, ApiError> {
        Ok(self.read().graph()?.slips(&*self.read().calendar()?, today))
    }

    /// What slips through, each with its task as the desk shows it (for the app's Slips panel).
    pub fn slip_views(&self, today: NaiveDate) -> Result<Vec<SlipView>, ApiError> {
        let graph = self.read().graph()?;
        let calendar = self.read().calendar()?;
        graph
            .slips(&calendar, today)
            .into_iter()
            .map(|slip| Ok(SlipView { task: self.read().view(&graph, &calendar, slip.task_id, today)?, slip }))
            .collect()
    }

    /// The dashboard over this workstation's tasks and, after a sync, the colleagues' in scope.
    pub fn dashboard(&self, today: NaiveDate) -> Result<Dashboard, ApiError> {
        Ok(dashboard(&self.read().office_graph()?.graph, &*self.read().calendar()?, today))
    }
}
