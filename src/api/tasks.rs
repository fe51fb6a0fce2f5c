//! Task use cases: creating tasks with due dates from the norms catalog, the lifecycle of a task
//! (extend, suspend, note, done), the suggested next step and its acceptance or refusal, and the
//! views built on the graph: the desk, reminders, slips and the supervisor's dashboard.
//!
//! Every change goes through one `TaskWriter` transaction and leaves an entry in the append-only
//! task log. The graph is rebuilt from storage for each request; at 100,000 tasks that is a
//! measured few hundred milliseconds (docs/PERFORMANCE.md).

use chrono::{Duration, NaiveDate, Utc};
use serde::Serialize;

use super::deadlines::{explain, RuleView};
use super::{ApiError, Session};
use crate::domain::calendar::Calendar;
use crate::domain::deadline::{
    check_extension, check_inputs, compute, extension_cap, shift_extended_due, Period, Suspension,
};
use crate::domain::tasks::{
    dashboard, next_step, Dashboard, Reminder, Slip, Suggestion, Task, TaskGraph, TaskKind, TaskStatus, Urgency,
};
use crate::store::{LogEntry, NewTask};

/// Today's date in Kazakhstan (UTC+5 everywhere since 1 March 2024), the date legal deadlines use.
pub fn today_in_kazakhstan() -> NaiveDate {
    (Utc::now() + Duration::hours(5)).date_naive()
}

/// What the person asked for when creating a task.
#[derive(Debug, Clone, PartialEq)]
pub struct NewTaskRequest {
    pub kind: TaskKind,
    pub title: Option<String>,
    pub subject_bin: Option<String>,
    pub appeal_no: Option<String>,
    pub assignee: String,
    pub unit: String,
    /// A norm of the catalog, or a bare period; one of the two.
    pub norm: Option<String>,
    pub period: Option<Period>,
    /// The triggering event; for a task about an appeal, its receipt date when not given.
    pub event_date: Option<NaiveDate>,
    pub depends_on: Vec<i64>,
}

/// What creating a task did, including tasks the stage expects to follow.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct CreatedTasks {
    pub created: Vec<TaskView>,
}

/// A task with what the graph knows of it.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct TaskView {
    #[serde(flatten)]
    pub task: Task,
    pub blocked_by: Vec<i64>,
    pub slips_with_it: Vec<i64>,
    pub urgency: Option<Urgency>,
}

/// One task in full: the view, how its due date was computed (the rule in three languages, the
/// explanation with the extension cap), and its log.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct TaskDetail {
    #[serde(flatten)]
    pub view: TaskView,
    pub rule: RuleView,
    pub suspensions: Vec<Suspension>,
    pub explanation: crate::domain::deadline::Deadline,
    pub log: Vec<LogEntry>,
    pub suggestion: Option<Suggestion>,
}

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

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::new("invalid_input", message)
}

impl Session {
    /// The task graph, built from storage on first use and kept until a write.
    pub(super) fn graph(&self) -> Result<std::rc::Rc<TaskGraph>, ApiError> {
        if let Some(cached) = self.graph_cache.borrow().as_ref() {
            return Ok(cached.clone());
        }
        let (tasks, dependencies) = self.store.load_task_graph()?;
        let graph = std::rc::Rc::new(TaskGraph::build(tasks, &dependencies));
        *self.graph_cache.borrow_mut() = Some(graph.clone());
        Ok(graph)
    }

    /// Forgets the cached graph after a write to tasks.
    fn tasks_changed(&self) {
        self.graph_cache.take();
    }

    pub(super) fn view(
        &self,
        graph: &TaskGraph,
        calendar: &Calendar,
        id: i64,
        today: NaiveDate,
    ) -> Result<TaskView, ApiError> {
        let task = graph.task(id).ok_or_else(|| ApiError::new("not_found", format!("no task {id}")))?.clone();
        let urgency = task.is_open().then(|| graph.urgency(calendar, id, today));
        Ok(TaskView { blocked_by: graph.open_prerequisites(id), slips_with_it: graph.slip_chain(id), urgency, task })
    }

    /// Creates a task (and, for an act of response, its control-of-execution task).
    pub fn add_task(&mut self, request: &NewTaskRequest) -> Result<CreatedTasks, ApiError> {
        let calendar = self.calendar()?;
        let catalog = self.norms()?;
        let (norm_id, period) = match (&request.norm, request.period) {
            (Some(id), None) => {
                let norm = catalog
                    .get(id)
                    .ok_or_else(|| ApiError::new("not_found", format!("no norm '{id}' in the catalog")))?;
                (Some(norm.id.clone()), norm.period)
            }
            (None, Some(period)) => {
                period.check()?;
                (None, period)
            }
            _ => return Err(invalid("give either a norm of the catalog or a period of at least 1")),
        };
        if request.assignee.trim().is_empty() || request.unit.trim().is_empty() {
            return Err(invalid("a task needs an assignee and a unit"));
        }
        let appeal = match &request.appeal_no {
            Some(no) => Some(
                self.store.appeal_facts(no)?.ok_or_else(|| ApiError::new("not_found", format!("no appeal {no}")))?,
            ),
            None => None,
        };
        let subject_id = match &request.subject_bin {
            Some(bin) => Some(
                self.store
                    .subject_id(bin.trim())?
                    .ok_or_else(|| ApiError::new("not_found", format!("no object {bin}")))?,
            ),
            None => appeal.as_ref().and_then(|a| a.subject_id),
        };
        let event_date = request
            .event_date
            .or(appeal.as_ref().map(|a| a.received))
            .ok_or_else(|| invalid("give the date of the triggering event (--from)"))?;
        let graph = self.graph()?;
        for &prerequisite in &request.depends_on {
            if graph.task(prerequisite).is_none() {
                return Err(ApiError::new("not_found", format!("no task {prerequisite}")));
            }
        }
        let due = compute(&calendar, event_date, period, &[])?.due;
        let title = request.title.clone().unwrap_or_else(|| default_title(request.kind, request));
        let new = NewTask {
            kind: request.kind,
            title,
            subject_id,
            appeal_id: appeal.as_ref().map(|a| a.id),
            assignee: request.assignee.trim().to_string(),
            unit: request.unit.trim().to_string(),
            region_code: appeal.as_ref().and_then(|a| a.region_code.clone()),
            category: appeal.as_ref().and_then(|a| a.category.clone()),
            norm_id,
            period,
            event_date,
            due,
        };
        let writer = self.store.task_writer()?;
        let id = writer.insert(&new)?;
        let mut created = vec![id];
        // A task created now has no dependents, so its edges cannot close a cycle.
        for &prerequisite in &request.depends_on {
            writer.add_dependency(id, prerequisite)?;
        }
        if request.kind == TaskKind::IssueResponse {
            // An act of response always brings its control of execution, counted from the act's due date.
            let control = catalog.get("control-of-execution").ok_or_else(|| {
                invalid("the norms catalog in force has no 'control-of-execution' norm; import one that has")
            })?;
            let control_due = compute(&calendar, due, control.period, &[])?.due;
            let control_id = writer.insert(&NewTask {
                kind: TaskKind::ControlExecution,
                title: format!("Контроль исполнения: {}", new.title),
                norm_id: Some(control.id.clone()),
                period: control.period,
                event_date: due,
                due: control_due,
                ..new.clone()
            })?;
            writer.add_dependency(control_id, id)?;
            created.push(control_id);
        }
        writer.commit()?;
        self.tasks_changed();
        let graph = self.graph()?;
        let today = today_in_kazakhstan();
        Ok(CreatedTasks {
            created: created.into_iter().map(|id| self.view(&graph, &calendar, id, today)).collect::<Result<_, _>>()?,
        })
    }

    /// Declares that `task` waits for `prerequisite`; a cycle is refused with the cycle named.
    pub fn add_dependency(&mut self, task: i64, prerequisite: i64) -> Result<(), ApiError> {
        let graph = self.graph()?;
        graph.check_dependency(task, prerequisite).map_err(|e| match e {
            crate::domain::tasks::GraphError::UnknownTask(id) => ApiError::new("not_found", format!("no task {id}")),
            other => invalid(other.to_string()),
        })?;
        let writer = self.store.task_writer()?;
        writer.add_dependency(task, prerequisite)?;
        writer.commit()?;
        self.tasks_changed();
        Ok(())
    }

    fn open_task(&self, id: i64) -> Result<(std::rc::Rc<TaskGraph>, Task), ApiError> {
        let graph = self.graph()?;
        let task = graph.task(id).cloned().ok_or_else(|| ApiError::new("not_found", format!("no task {id}")))?;
        if !task.is_open() {
            return Err(invalid(format!("task {id} is {} already", task.status.code())));
        }
        Ok((graph, task))
    }

    /// Moves the due date later by a reasoned decision, within the norm's cap (counted from what
    /// the norm says: for АППК art. 76, two months from receipt).
    pub fn extend_task(&mut self, id: i64, to: NaiveDate, reason: &str) -> Result<TaskDetail, ApiError> {
        if reason.trim().is_empty() {
            return Err(invalid("an extension needs its reason (a reasoned decision)"));
        }
        let (_, task) = self.open_task(id)?;
        let calendar = self.calendar()?;
        let norms = self.norms()?;
        let cap = task
            .norm_id
            .as_deref()
            .and_then(|n| norms.get(n).and_then(|n| n.extension_cap.clone()))
            .ok_or_else(|| invalid(format!("task {id} follows no norm that allows an extension")))?;
        let (_, suspensions) =
            self.store.task_rule(id)?.ok_or_else(|| ApiError::new("not_found", format!("no task {id}")))?;
        let (cap_date, _) = extension_cap(&calendar, &cap, task.event_date, task.original_due, &suspensions)?;
        let accepted =
            check_extension(&calendar, &cap_date, task.current_due, to).map_err(|e| invalid(e.to_string()))?;
        let writer = self.store.task_writer()?;
        writer.set_due(id, "extended", task.current_due, accepted, None, reason.trim())?;
        writer.commit()?;
        self.tasks_changed();
        self.task_detail(id, today_in_kazakhstan())
    }

    /// Stops the clock from `from` to `to`. The suspension moves the original and the current due
    /// date alike, in the period's own unit, so a task never extended stays unextended; an
    /// extended date moves by the units the suspension takes out of the running term.
    pub fn suspend_task(&mut self, id: i64, suspension: Suspension, reason: &str) -> Result<TaskDetail, ApiError> {
        if reason.trim().is_empty() {
            return Err(invalid("a suspension needs its reason"));
        }
        let (_, task) = self.open_task(id)?;
        check_inputs(task.event_date, &[suspension])?;
        let calendar = self.calendar()?;
        let (period, mut suspensions) =
            self.store.task_rule(id)?.ok_or_else(|| ApiError::new("not_found", format!("no task {id}")))?;
        let earlier = suspensions.clone();
        suspensions.push(suspension);
        let original = compute(&calendar, task.event_date, period, &suspensions)?.due;
        let current = if task.extended() {
            let start = task.event_date + chrono::Days::new(1);
            shift_extended_due(&calendar, period.unit, start, task.current_due, suspension, &earlier)
        } else {
            original
        };
        let writer = self.store.task_writer()?;
        writer.add_suspension(id, suspension)?;
        writer.set_due(
            id,
            "suspended",
            task.current_due,
            current,
            Some(original),
            &format!("{} – {}: {}", suspension.from, suspension.to, reason.trim()),
        )?;
        writer.commit()?;
        self.tasks_changed();
        self.task_detail(id, today_in_kazakhstan())
    }

    pub fn note_task(&mut self, id: i64, note: &str) -> Result<TaskDetail, ApiError> {
        if note.trim().is_empty() {
            return Err(invalid("the note is empty"));
        }
        self.graph()?.task(id).ok_or_else(|| ApiError::new("not_found", format!("no task {id}")))?;
        let writer = self.store.task_writer()?;
        writer.set_note(id, note.trim())?;
        writer.commit()?;
        self.tasks_changed();
        self.task_detail(id, today_in_kazakhstan())
    }

    /// Marks a task done on `on`; the answer carries the next step the stage suggests.
    pub fn complete_task(&mut self, id: i64, on: NaiveDate) -> Result<TaskDetail, ApiError> {
        let (graph, task) = self.open_task(id)?;
        let open = graph.open_prerequisites(id);
        if !open.is_empty() {
            return Err(invalid(format!("task {id} is blocked by open task(s) {open:?}")));
        }
        if on < task.event_date {
            return Err(invalid(format!("task {id} cannot be done before its event ({})", task.event_date)));
        }
        let late = if on > task.current_due { " (late)" } else { " (on time)" };
        let writer = self.store.task_writer()?;
        writer.set_status(id, TaskStatus::Done, Some(on), &format!("done on {on}{late}"))?;
        writer.commit()?;
        self.tasks_changed();
        self.task_detail(id, on)
    }

    /// Accepts the suggested next step after a task: creates it, waiting for that task.
    pub fn accept_suggestion(&mut self, after: i64, assignee: Option<String>) -> Result<CreatedTasks, ApiError> {
        let graph = self.graph()?;
        let task = graph.task(after).cloned().ok_or_else(|| ApiError::new("not_found", format!("no task {after}")))?;
        let (kind, reason) =
            next_step(task.kind).ok_or_else(|| invalid(format!("no next step follows a {} task", task.kind.code())))?;
        let request = NewTaskRequest {
            kind,
            title: None,
            subject_bin: task.subject_bin.clone(),
            appeal_no: task.appeal_no.clone(),
            assignee: assignee.unwrap_or(task.assignee.clone()),
            unit: task.unit.clone(),
            norm: Some(default_norm(kind).to_string()),
            period: None,
            event_date: Some(task.done_on.unwrap_or(task.current_due)),
            depends_on: vec![after],
        };
        let created = self.add_task(&request)?;
        let writer = self.store.task_writer()?;
        writer.log(after, "suggestion_accepted", None, None, Some(&format!("{}: {reason}", kind.code())))?;
        writer.commit()?;
        self.tasks_changed();
        Ok(created)
    }

    /// Declines the suggested next step with a reason; the refusal is logged, nothing is created.
    pub fn decline_suggestion(&mut self, after: i64, reason: &str) -> Result<(), ApiError> {
        if reason.trim().is_empty() {
            return Err(invalid("declining a suggestion needs a reason"));
        }
        let graph = self.graph()?;
        let task = graph.task(after).ok_or_else(|| ApiError::new("not_found", format!("no task {after}")))?;
        let (kind, _) = next_step(task.kind).ok_or_else(|| invalid(format!("no next step follows task {after}")))?;
        let writer = self.store.task_writer()?;
        writer.log(after, "suggestion_declined", None, None, Some(&format!("{}: {}", kind.code(), reason.trim())))?;
        writer.commit()?;
        self.tasks_changed();
        Ok(())
    }

    /// The next sensible step for an object, from the stage its tasks have reached: the most
    /// advanced finished step without a follow-up, or information gathering when nothing started.
    pub fn suggest_for_subject(&self, bin: &str) -> Result<Option<Suggestion>, ApiError> {
        let graph = self.graph()?;
        let mut tasks: Vec<&Task> = graph.tasks().filter(|t| t.subject_bin.as_deref() == Some(bin.trim())).collect();
        if tasks.is_empty() {
            return Ok(Some(Suggestion {
                after_task: None,
                kind: TaskKind::GatherInformation,
                stage: TaskKind::GatherInformation.stage(),
                reason: "no supervision task on this object yet: start by gathering information".into(),
            }));
        }
        if tasks.iter().any(|t| t.is_open()) {
            return Ok(None); // work is under way; its own deadlines lead
        }
        tasks.sort_by_key(|t| (t.kind.stage(), t.done_on, t.id));
        let last = tasks.last().expect("not empty");
        let already_followed = !graph.dependents(last.id).is_empty();
        Ok(next_step(last.kind).filter(|_| !already_followed).map(|(kind, reason)| Suggestion {
            after_task: Some(last.id),
            kind,
            stage: kind.stage(),
            reason: reason.into(),
        }))
    }

    pub fn task_detail(&self, id: i64, today: NaiveDate) -> Result<TaskDetail, ApiError> {
        let calendar = self.calendar()?;
        let graph = self.graph()?;
        let view = self.view(&graph, &calendar, id, today)?;
        let (period, suspensions) =
            self.store.task_rule(id)?.ok_or_else(|| ApiError::new("not_found", format!("no task {id}")))?;
        let norms = self.norms()?;
        let norm = view.task.norm_id.as_deref().and_then(|n| norms.get(n));
        let explanation =
            explain(&calendar, norm, period, view.task.event_date, Some(view.task.original_due), &suspensions)?;
        let rule = match norm {
            Some(norm) => RuleView::of_norm(norm, norms.version(&norm.id)),
            None => RuleView::of_period(period, view.task.event_date),
        };
        let suggestion = (view.task.status == TaskStatus::Done || view.task.kind == TaskKind::IssueResponse)
            .then(|| next_step(view.task.kind))
            .flatten()
            .filter(|(kind, _)| !graph.dependents(id).iter().any(|d| graph.task(*d).is_some_and(|t| t.kind == *kind)))
            .map(|(kind, reason)| Suggestion {
                after_task: Some(id),
                kind,
                stage: kind.stage(),
                reason: reason.into(),
            });
        Ok(TaskDetail { rule, suspensions, explanation, log: self.store.task_log(id)?, suggestion, view })
    }

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

    /// Recomputes the due dates of open tasks after a rule in force changed (the calendar, or the
    /// norm a task follows), logging each move. A task whose norm's period changed takes the new
    /// period. Extended tasks keep the decided date unless it now falls on a day off.
    pub fn recompute_open_deadlines(&mut self) -> Result<Vec<Recomputed>, ApiError> {
        let calendar = self.calendar()?;
        let graph = self.graph()?;
        let norms = self.norms()?;
        let mut changes = Vec::new();
        let mut plans = Vec::new();
        for task in graph.tasks().filter(|t| t.is_open()) {
            let Some((stored, suspensions)) = self.store.task_rule(task.id)? else { continue };
            let period = task.norm_id.as_deref().and_then(|id| norms.get(id)).map_or(stored, |n| n.period);
            let original = compute(&calendar, task.event_date, period, &suspensions)?.due;
            let current = if task.extended() { calendar.next_working_on_or_after(task.current_due) } else { original };
            if period != stored || original != task.original_due || current != task.current_due {
                let why = match (&task.norm_id, period != stored) {
                    (Some(id), true) => format!(
                        "norm {id} changed: {} → {} (version {})",
                        stored.describe(),
                        period.describe(),
                        norms.version(id).map_or_else(|| "?".into(), |v| v.to_string())
                    ),
                    _ => "the working-day calendar changed".into(),
                };
                plans.push((task.id, task.current_due, current, original, (period != stored).then_some(period), why));
            }
        }
        plans.sort_by_key(|p| p.0);
        let writer = self.store.task_writer()?;
        for (id, old, new, original, period, why) in plans {
            if let Some(period) = period {
                writer.set_period(id, period)?;
            }
            writer.set_due(id, "recomputed", old, new, Some(original), &why)?;
            changes.push(Recomputed { task_id: id, from: old, to: new });
        }
        writer.commit()?;
        self.tasks_changed();
        Ok(changes)
    }
}

/// A due date moved by a calendar change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Recomputed {
    pub task_id: i64,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// The catalog norm a task of this kind follows by default when a suggestion is accepted.
fn default_norm(kind: TaskKind) -> &'static str {
    match kind {
        TaskKind::ConsiderAppeal => "appk-76-consideration",
        TaskKind::IssueResponse => "prosecutor-submission",
        _ => "control-of-execution",
    }
}

fn default_title(kind: TaskKind, request: &NewTaskRequest) -> String {
    let what = match kind {
        TaskKind::GatherInformation => "Сбор информации",
        TaskKind::ConsiderAppeal => "Рассмотрение обращения",
        TaskKind::InspectionCheck => "Проверка",
        TaskKind::IssueResponse => "Акт прокурорского реагирования",
        TaskKind::ControlExecution => "Контроль исполнения",
        TaskKind::FollowUp => "Последующий контроль",
    };
    match (&request.appeal_no, &request.subject_bin) {
        (Some(no), _) => format!("{what}: {no}"),
        (None, Some(bin)) => format!("{what}: {bin}"),
        _ => what.to_string(),
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
        let writer = self.store.task_writer()?;
        let mut previous = None;
        for i in 0..count {
            let event = today - Duration::days((i % 60) as i64);
            let period = Period { amount: 15, unit: crate::domain::deadline::Unit::WorkingDays };
            let id = writer.insert(&NewTask {
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
            })?;
            if i % 10 == 9 {
                if let Some(p) = previous {
                    writer.add_dependency(id, p)?;
                }
            }
            previous = Some(id);
        }
        writer.commit()?;
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
