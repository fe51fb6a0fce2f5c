//! The views built on the task graph: the prosecutor's desk, the reminders that fire, what slips
//! through unnoticed and the supervisor's dashboard.

use chrono::NaiveDate;
use serde::Serialize;

use crate::api::{ApiError, Session, TaskView};
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

impl Session {
    /// The desk of one assignee (or everyone's): open tasks by urgency, and today's reminders.
    pub fn desk(&self, today: NaiveDate, assignee: Option<&str>) -> Result<Desk, ApiError> {
        let calendar = self.calendar()?;
        let graph = self.graph()?;
        let mine = |t: &Task| assignee.is_none_or(|a| t.assignee == a);
        let mut views: Vec<TaskView> = graph
            .tasks()
            .filter(|t| t.is_open() && mine(t))
            .map(|t| self.view(&graph, &calendar, t.id, today))
            .collect::<Result<_, _>>()?;
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
        desk.reminders = graph
            .reminders_due(&calendar, today)
            .into_iter()
            .filter(|r| graph.task(r.task_id).is_some_and(&mine))
            .collect();
        Ok(desk)
    }

    pub fn reminders(&self, today: NaiveDate) -> Result<Vec<Reminder>, ApiError> {
        Ok(self.graph()?.reminders_due(&*self.calendar()?, today))
    }

    pub fn slips(&self, today: NaiveDate) -> Result<Vec<Slip>, ApiError> {
        Ok(self.graph()?.slips(&*self.calendar()?, today))
    }

    pub fn dashboard(&self, today: NaiveDate) -> Result<Dashboard, ApiError> {
        Ok(dashboard(&*self.graph()?, &*self.calendar()?, today))
    }
}
