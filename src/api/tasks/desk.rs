//! The views built on the task graph: the prosecutor's desk, the reminders that fire, what slips
//! through unnoticed, the supervisor's dashboard, and the benchmark of them over many tasks.

use chrono::{Duration, NaiveDate};
use serde::Serialize;

use super::{ApiError, Session, TaskView};
use crate::domain::deadline::{compute, Period};
use crate::domain::journal::{Entry, RecordRef};
use crate::domain::tasks::{dashboard, Dashboard, Reminder, Slip, Task, TaskKind};
use crate::store::{About, NewTask};

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

/// Timings of the task views over a database of synthetic tasks.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct TaskBench {
    pub tasks: usize,
    pub open: usize,
    pub dependencies: usize,
    pub insert_ms: f64,
    pub load_and_build_graph_ms: f64,
    pub dashboard_ms: f64,
    pub desk_ms: f64,
    pub reminders_ms: f64,
    pub slips_ms: f64,
}

impl Session {
    /// Adds `count` synthetic open tasks (every tenth waiting for the one before it) to this
    /// database, then times the graph rebuild and each view. Use a scratch database: the tasks
    /// stay. A measurement; it asserts nothing.
    pub fn bench_tasks(&mut self, count: usize, today: NaiveDate) -> Result<TaskBench, ApiError> {
        use std::time::Instant;
        let calendar = self.calendar()?;
        let started = Instant::now();
        // Synthetic tasks go through the write path like real ones, one journal entry each.
        let stamp = self.system_stamp();
        self.write_as(stamp, |w| {
            let mut previous = None;
            for i in 0..count {
                let event = today - Duration::days((i % 60) as i64);
                let period = Period { amount: 15, unit: crate::domain::deadline::Unit::WorkingDays };
                let new = NewTask {
                    kind: TaskKind::ALL[i % TaskKind::ALL.len()],
                    title: format!("synthetic task {i}"),
                    subject_id: None,
                    appeal_id: None,
                    assignee: format!("prosecutor {}", i % 40),
                    unit: format!("unit {}", i % 8),
                    region_code: Some(crate::domain::territory::REGIONS[i % 20].code.to_string()),
                    category: Some(["экология", "трудовые права", "ЖКХ", "социальные выплаты"][i % 4].to_string()),
                    norm_id: None,
                    period,
                    event_date: event,
                    due: compute(&calendar, event, period, &[])?.due,
                };
                let id = w.insert_task(&new)?;
                if i % 10 == 9 {
                    if let Some(p) = previous {
                        w.add_dependency(id, p)?;
                    }
                }
                let entry = Entry::TaskCreated {
                    task_id: id,
                    task_kind: new.kind.code().into(),
                    title: new.title.clone(),
                    norm_id: None,
                    period,
                    event_date: event,
                    due: new.due,
                };
                w.append(&entry, About::default(), Some(RecordRef::Task(id)))?;
                previous = Some(id);
            }
            Ok(())
        })?;
        self.tasks_changed();
        let insert_ms = started.elapsed().as_secs_f64() * 1000.0;
        let time = |f: &mut dyn FnMut() -> Result<(), ApiError>| -> Result<f64, ApiError> {
            let t = Instant::now();
            f()?;
            Ok(t.elapsed().as_secs_f64() * 1000.0)
        };
        // Cold: the graph is rebuilt from storage; the views after it use the session's graph.
        self.tasks_changed();
        let load_and_build_graph_ms = time(&mut || self.graph().map(|_| ()))?;
        let dashboard_ms = time(&mut || self.dashboard(today).map(|_| ()))?;
        let desk_ms = time(&mut || self.desk(today, None).map(|_| ()))?;
        let reminders_ms = time(&mut || self.reminders(today).map(|_| ()))?;
        let slips_ms = time(&mut || self.slips(today).map(|_| ()))?;
        let (tasks, dependencies) = self.store.load_task_graph()?;
        Ok(TaskBench {
            open: tasks.iter().filter(|t| t.is_open()).count(),
            tasks: tasks.len(),
            dependencies: dependencies.len(),
            insert_ms,
            load_and_build_graph_ms,
            dashboard_ms,
            desk_ms,
            reminders_ms,
            slips_ms,
        })
    }
}
