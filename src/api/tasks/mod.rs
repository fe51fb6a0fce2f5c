//! Task use cases: creating tasks with due dates from the norms catalog, the lifecycle of a task
//! (extend, suspend, note, done), and the suggested next step with its acceptance or refusal.
//! The views built on the graph (desk, reminders, slips, dashboard) are in `desk.rs`.
//!
//! Every change is one write through the store's write path: the task is changed and the change
//! journaled, with the task as the record, in the same transaction — accepting a suggestion
//! creates its tasks and records the acceptance in one. The graph is rebuilt from storage after a
//! write; at 100,000 tasks that is a measured few hundred milliseconds (docs/PERFORMANCE.md).

mod colleagues;
pub mod desk;

use crate::api::session::handles::{Journal, Kernel};
use chrono::NaiveDate;
use serde::Serialize;

use crate::api::deadlines::{boundary_warning, counting_of, explain, period_under, RuleView};
use crate::api::session::handles::Read;
use crate::api::{checked_note, ApiError, ErrorCode};
use crate::domain::calendar::Calendar;
use crate::domain::deadline::{
    check_extension, check_inputs, compute, compute_counted, extension_cap, shift_extended_due, ExtensionError, Period,
    Suspension, Warning,
};
use crate::domain::journal::{Entry, RecordRef};
use crate::domain::norms::Norm;
use crate::domain::procedure::Procedure;
use crate::domain::tasks::{next_step, Suggestion, Task, TaskGraph, TaskKind, TaskStatus, Urgency};
use crate::store::{About, LogEntry, NewTask, Write};

/// The tasks: creating them with due dates, their lifecycle, the suggested next step, the desk's views. `Session::tasks` lends it; it holds the kernel and nothing else.
pub struct Tasks<'s> {
    kernel: Kernel<'s>,
}

impl<'s> Tasks<'s> {
    pub(in crate::api) fn new(kernel: Kernel<'s>) -> Tasks<'s> {
        Tasks { kernel }
    }

    pub(in crate::api) fn read(&self) -> Read<'_> {
        self.kernel.read()
    }

    pub(in crate::api) fn journal(&mut self) -> Journal<'_> {
        self.kernel.journal()
    }
}

/// What the person asked for when creating a task (`ekn task add`, and the app's `add_task`).
#[derive(Debug, Clone, PartialEq, serde::Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct NewTaskRequest {
    pub kind: TaskKind,
    pub title: Option<String>,
    pub subject_bin: Option<String>,
    pub appeal_no: Option<String>,
    pub assignee: String,
    pub unit: String,
    /// A norm of the catalog (the version in force on the event's day), or a bare period — or
    /// both, where the norm lets the act set its period (a protest's own period, a resolution's).
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
    /// A colleague's task pulled from the office: the person whose workstation holds it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub owner: Option<String>,
    /// The person a supervisor assigned the task to through the office.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub assigned_to: Option<String>,
    /// A conflict the office found on the task (two deadline moves that did not see each
    /// other): `current_due` is then the date it puts in force, and this says why.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub conflict: Option<crate::domain::sync::ConflictNotice>,
}

/// One task in full: the view, how its due date was computed (the rule in three languages, the
/// explanation with the extension cap), and its history from the journal (who, when, why).
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct TaskDetail {
    #[serde(flatten)]
    pub view: TaskView,
    pub rule: RuleView,
    pub suspensions: Vec<Suspension>,
    pub explanation: crate::domain::deadline::Deadline,
    pub log: Vec<LogEntry>,
    pub suggestion: Option<Suggestion>,
    /// For an act's control-of-execution task: what later registry data say of the act
    /// (`analytics::verification`), so the person ticking it sees whether the act worked.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub act_verification: Option<crate::analytics::verification::ActVerification>,
    /// For a colleague's appeal task assigned to this person: the appeal as its holder handed it
    /// over with the task (masked text, category, route, decisions; never the applicant).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub appeal_paper: Option<crate::domain::papers::HeldPaper>,
}

/// A task ready to be written: everything read and computed before the write begins.
pub(in crate::api) struct PlannedTask {
    new: NewTask,
    depends_on: Vec<i64>,
    /// An act of response brings its control of execution.
    control: Option<NewTask>,
    about: About,
}

fn reason_required(what: &str) -> ApiError {
    ApiError::new(ErrorCode::ReasonRequired, format!("{what} needs its reason"))
}

/// Writes a planned task (and its control task) and journals each creation.
pub(in crate::api) fn write_task(w: &mut Write<'_>, plan: &PlannedTask) -> Result<Vec<i64>, ApiError> {
    let id = w.insert_task(&plan.new)?;
    // A task created now has no dependents, so its edges cannot close a cycle.
    for &prerequisite in &plan.depends_on {
        w.add_dependency(id, prerequisite)?;
    }
    let created_entry = |id: i64, t: &NewTask| Entry::TaskCreated {
        task_id: id,
        task_kind: t.kind.code().into(),
        title: t.title.clone(),
        norm_id: t.norm_id.clone(),
        period: t.period,
        event_date: t.event_date,
        due: t.due,
    };
    w.append(&created_entry(id, &plan.new), plan.about.clone(), Some(RecordRef::Task(id)))?;
    let mut created = vec![id];
    if let Some(control) = &plan.control {
        let control_id = w.insert_task(control)?;
        w.add_dependency(control_id, id)?;
        w.append(&created_entry(control_id, control), plan.about.clone(), Some(RecordRef::Task(control_id)))?;
        created.push(control_id);
    }
    Ok(created)
}

impl Tasks<'_> {
    /// Creates a task (and, for an act of response, its control-of-execution task). A title, object
    /// or appeal given blank (a form's empty field, `--title ""`) is one not given.
    pub fn add(&mut self, request: &NewTaskRequest) -> Result<CreatedTasks, ApiError> {
        let given = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_string);
        let request = &NewTaskRequest {
            title: given(&request.title),
            subject_bin: given(&request.subject_bin),
            appeal_no: given(&request.appeal_no),
            ..request.clone()
        };
        let plan = self.read().plan_task(request)?;
        let ids = self.journal().run(|w| write_task(w, &plan))?;
        self.read().created(ids)
    }

    /// Declares that `task` waits for `prerequisite`; a cycle is refused with the cycle named.
    pub fn add_dependency(&mut self, task: i64, prerequisite: i64) -> Result<(), ApiError> {
        let graph = self.read().graph()?;
        graph.check_dependency(task, prerequisite).map_err(|e| match e {
            crate::domain::tasks::GraphError::UnknownTask(id) => self.read().no_such_task(id),
            other => ApiError::invalid(other.to_string()),
        })?;
        let about = self.read().about(graph.task(task).expect("checked above"));
        self.journal().run(|w| {
            w.add_dependency(task, prerequisite)?;
            w.append(
                &Entry::DependencyAdded { task_id: task, depends_on: prerequisite },
                about,
                Some(RecordRef::Task(task)),
            )?;
            Ok(())
        })?;
        Ok(())
    }

    fn open_task(&self, id: i64) -> Result<(std::rc::Rc<TaskGraph>, Task), ApiError> {
        let graph = self.read().graph()?;
        let task = graph.task(id).cloned().ok_or_else(|| self.read().no_such_task(id))?;
        if !task.is_open() {
            return Err(ApiError::new(ErrorCode::Closed, format!("task {id} is {} already", task.status.code())));
        }
        Ok((graph, task))
    }

    /// Moves the due date later by a reasoned decision taken on `decided` (today when not given),
    /// within the cap of the version the task is counted under, counted from what that version
    /// says: the event, the original due date, or the day of the decision itself (APPC art. 76
    /// as worded by Law 241-VIII: two months from the decision).
    pub fn extend(
        &mut self,
        id: i64,
        to: NaiveDate,
        decided: Option<NaiveDate>,
        reason: &str,
    ) -> Result<TaskDetail, ApiError> {
        if reason.trim().is_empty() {
            return Err(reason_required("an extension (a reasoned decision)"));
        }
        let (_, task) = self.open_task(id)?;
        let decided = decided.unwrap_or_else(|| self.read().today());
        if decided < task.event_date {
            return Err(ApiError::invalid(format!(
                "the decision to extend ({decided}) cannot come before the event the period counts from ({})",
                task.event_date
            )));
        }
        check_inputs(decided, &[])?;
        let calendar = self.read().calendar()?;
        let norm = self.read().counted_under(&task)?.map(|(norm, _)| norm);
        let cap = norm
            .and_then(|n| n.cap)
            .ok_or_else(|| ApiError::invalid(format!("task {id} follows no norm that allows an extension")))?;
        let (_, suspensions) = self
            .read()
            .store()
            .task_rule(id)?
            .ok_or_else(|| ApiError::new(ErrorCode::NotFound, format!("no task {id}")))?;
        let (cap_date, _) =
            extension_cap(&calendar, &cap, task.event_date, task.original_due, Some(decided), &suspensions)?
                .expect("a decision day is given");
        let accepted = check_extension(&calendar, &cap_date, task.current_due, to).map_err(|e| {
            let code = match e {
                ExtensionError::BeyondCap { .. } => ErrorCode::BeyondCap,
                ExtensionError::NotWorkingDay { .. } => ErrorCode::NotWorkingDay,
                ExtensionError::NotLater { .. } => ErrorCode::InvalidInput,
            };
            ApiError::new(code, e.to_string())
        })?;
        let about = self.read().about(&task);
        let entry = Entry::TaskExtended {
            task_id: id,
            from: task.current_due,
            to: accepted,
            reason: reason.trim().into(),
            decided: Some(decided),
        };
        self.journal().run(|w| {
            w.set_due(id, accepted, None)?;
            w.set_extension_decided(id, decided)?;
            w.append(&entry, about, Some(RecordRef::Task(id)))?;
            Ok(())
        })?;
        self.detail(id, self.read().today())
    }

    /// Stops the clock from `from` to `to`. The suspension moves the original and the current due
    /// date alike, in the period's own unit, so a task never extended stays unextended; an
    /// extended date moves by the units the suspension takes out of the running term.
    pub fn suspend(&mut self, id: i64, suspension: Suspension, reason: &str) -> Result<TaskDetail, ApiError> {
        if reason.trim().is_empty() {
            return Err(reason_required("a suspension"));
        }
        let (_, task) = self.open_task(id)?;
        check_inputs(task.event_date, &[suspension])?;
        let calendar = self.read().calendar()?;
        let (period, mut suspensions) = self
            .read()
            .store()
            .task_rule(id)?
            .ok_or_else(|| ApiError::new(ErrorCode::NotFound, format!("no task {id}")))?;
        let earlier = suspensions.clone();
        suspensions.push(suspension);
        let original = compute(&calendar, task.event_date, period, &suspensions)?.due;
        let current = if task.extended() {
            let start = task.event_date + chrono::Days::new(1);
            shift_extended_due(&calendar, period.unit, start, task.current_due, suspension, &earlier)
        } else {
            original
        };
        let about = self.read().about(&task);
        let entry = Entry::TaskSuspended {
            task_id: id,
            from: suspension.from,
            to: suspension.to,
            reason: reason.trim().into(),
            old_due: task.current_due,
            new_due: current,
        };
        self.journal().run(|w| {
            w.add_suspension(id, suspension)?;
            w.set_due(id, current, Some(original))?;
            w.append(&entry, about, Some(RecordRef::Task(id)))?;
            Ok(())
        })?;
        self.detail(id, self.read().today())
    }

    pub fn note(&mut self, id: i64, note: &str) -> Result<TaskDetail, ApiError> {
        let Some(note) = checked_note(Some(note))? else {
            return Err(ApiError::invalid("the note is empty"));
        };
        let note = note.as_str();
        let graph = self.read().graph()?;
        let task = graph.task(id).ok_or_else(|| self.read().no_such_task(id))?;
        let about = self.read().about(task);
        let entry = Entry::TaskNoted { task_id: id, note: note.trim().into() };
        self.journal().run(|w| {
            w.set_note(id, note.trim())?;
            w.append(&entry, about, Some(RecordRef::Task(id)))?;
            Ok(())
        })?;
        self.detail(id, self.read().today())
    }

    /// Marks a task done on `on`; the answer carries the next step the stage suggests.
    pub fn complete(&mut self, id: i64, on: NaiveDate) -> Result<TaskDetail, ApiError> {
        let (graph, task) = self.open_task(id)?;
        let open = graph.open_prerequisites(id);
        if !open.is_empty() {
            return Err(ApiError::new(ErrorCode::Blocked, format!("task {id} is blocked by open task(s) {open:?}")));
        }
        if on < task.event_date {
            return Err(ApiError::invalid(format!("task {id} cannot be done before its event ({})", task.event_date)));
        }
        if !crate::domain::calendar::in_supported_years(on) {
            return Err(ApiError::invalid(format!("{on} is outside the years the product computes with")));
        }
        let about = self.read().about(&task);
        let entry = Entry::TaskDone { task_id: id, on, late: on > task.current_due };
        self.journal().run(|w| {
            w.set_status(id, TaskStatus::Done, Some(on))?;
            w.append(&entry, about, Some(RecordRef::Task(id)))?;
            Ok(())
        })?;
        self.detail(id, on)
    }

    /// Accepts the suggested next step after a task: creates it, waiting for that task, and
    /// records the acceptance — in one write.
    pub fn accept_suggestion(&mut self, after: i64, assignee: Option<String>) -> Result<CreatedTasks, ApiError> {
        let graph = self.read().graph()?;
        let task =
            graph.task(after).cloned().ok_or_else(|| ApiError::new(ErrorCode::NotFound, format!("no task {after}")))?;
        let (kind, _) = next_step(task.kind).ok_or_else(|| {
            ApiError::new(ErrorCode::NothingSuggested, format!("no next step follows a {} task", task.kind.code()))
        })?;
        let request = NewTaskRequest {
            kind,
            title: None,
            subject_bin: task.subject_bin.clone(),
            appeal_no: task.appeal_no.clone(),
            assignee: assignee.unwrap_or(task.assignee.clone()),
            unit: task.unit.clone(),
            norm: Some(Procedure::builtin().norm_for_task(kind).to_string()),
            period: None,
            event_date: Some(task.done_on.unwrap_or(task.current_due)),
            depends_on: vec![after],
        };
        let plan = self.read().plan_task(&request)?;
        let about = self.read().about(&task);
        let ids = self.journal().run(|w| {
            let ids = write_task(w, &plan)?;
            let entry = Entry::SuggestionAccepted {
                after_task: Some(after),
                subject_bin: task.subject_bin.clone(),
                step: kind.code().into(),
                created: ids.clone(),
            };
            w.append(&entry, about, Some(RecordRef::Task(after)))?;
            Ok(ids)
        })?;
        self.read().created(ids)
    }

    /// Accepts a first step on an object with no task yet (nothing to follow): the task and the
    /// acceptance in one write.
    pub(in crate::api) fn accept_first_step(&mut self, request: &NewTaskRequest) -> Result<CreatedTasks, ApiError> {
        let plan = self.read().plan_task(request)?;
        let about = plan.about.clone();
        let ids = self.journal().run(|w| {
            let ids = write_task(w, &plan)?;
            let entry = Entry::SuggestionAccepted {
                after_task: None,
                subject_bin: about.subject_bin.clone(),
                step: request.kind.code().into(),
                created: ids.clone(),
            };
            w.append(&entry, about, None)?;
            Ok(ids)
        })?;
        self.read().created(ids)
    }

    /// Declines the suggested next step with a reason; the refusal is journaled, nothing is created.
    pub fn decline_suggestion(&mut self, after: i64, reason: &str) -> Result<(), ApiError> {
        if reason.trim().is_empty() {
            return Err(reason_required("declining a suggestion"));
        }
        let graph = self.read().graph()?;
        let task = graph.task(after).ok_or_else(|| ApiError::new(ErrorCode::NotFound, format!("no task {after}")))?;
        let (kind, _) = next_step(task.kind)
            .ok_or_else(|| ApiError::new(ErrorCode::NothingSuggested, format!("no next step follows task {after}")))?;
        let about = self.read().about(task);
        let entry = Entry::SuggestionDeclined {
            after_task: after,
            subject_bin: task.subject_bin.clone(),
            step: kind.code().into(),
            reason: reason.trim().into(),
        };
        self.journal().run(|w| {
            w.append(&entry, about, Some(RecordRef::Task(after)))?;
            Ok(())
        })?;
        Ok(())
    }

    /// The next sensible step for an object, from the stage its tasks have reached: the most
    /// advanced finished step without a follow-up, or information gathering when nothing started.
    pub fn suggest_for_subject(&self, bin: &str) -> Result<Option<Suggestion>, ApiError> {
        let graph = self.read().graph()?;
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

    pub fn detail(&self, id: i64, today: NaiveDate) -> Result<TaskDetail, ApiError> {
        if id < 0 {
            return self.read().colleague_task_detail(id, today);
        }
        let calendar = self.read().calendar()?;
        // The office's graph: a conflict's date in force shows here as on the desk.
        let office = self.read().office_graph()?;
        let graph = office.graph.clone();
        let mut view = self.read().view(&graph, &calendar, id, today)?;
        view.assigned_to = office.assigned.get(&id).cloned();
        view.conflict = office.conflicts.get(&id).cloned();
        let (period, suspensions) = self
            .read()
            .store()
            .task_rule(id)?
            .ok_or_else(|| ApiError::new(ErrorCode::NotFound, format!("no task {id}")))?;
        let norms = self.read().norms()?;
        let law = self.read().store().task_law(id)?.unwrap_or_default();
        let decided = law.extension_decided;
        let counted = self.read().counted_under(&view.task)?;
        let norm = counted.as_ref().map(|(n, _)| n);
        let event = view.task.event_date;
        let mut explanation =
            explain(&calendar, norm, period, event, Some(view.task.original_due), decided, &suspensions)?;
        if let Some((norm, changed)) = &counted {
            if let Some(w) = boundary_warning(&calendar, &norms.catalog, norm, period, event) {
                explanation.warnings.insert(0, w);
            }
            if let Some(now) = changed.as_ref().filter(|_| view.task.is_open()) {
                let now_period =
                    period_under(now, law.period_set_by_act.then_some(period), event, &calendar).unwrap_or(period);
                let due = compute_counted(&calendar, event, now_period, &suspensions, counting_of(now))?.due;
                explanation.warnings.insert(
                    0,
                    Warning::LawChanged {
                        norm_id: norm.id.clone(),
                        counted_under: norm.version_key(),
                        now_from: now.version_key(),
                        due,
                    },
                );
            }
        }
        let rule = match norm {
            Some(norm) => RuleView::of_norm(norm, norms.version(&norm.id), period, event),
            None => RuleView::of_period(period, event),
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
        let act_verification = match self.read().store().act_controlled_by(id)? {
            Some(act) => Some(self.read().act_verification_of(act)?),
            None => None,
        };
        Ok(TaskDetail {
            rule,
            suspensions,
            explanation,
            log: self.read().store().task_log(id)?,
            suggestion,
            view,
            act_verification,
            appeal_paper: None,
        })
    }

    /// Recounts an open task under the version of its norm that now governs its trigger, on a
    /// person's decision with their reason (journaled): the due date a change of law would
    /// otherwise have moved silently. A period the act set stays the act's; an extension decided
    /// stays unless the new original date passes it.
    pub fn recount(&mut self, id: i64, reason: &str) -> Result<TaskDetail, ApiError> {
        let reason = crate::api::session::checked_reason(reason, "a recount under the law now in force")?;
        let (_, task) = self.open_task(id)?;
        let Some((counted, Some(now))) = self.read().counted_under(&task)? else {
            return Err(ApiError::invalid(format!(
                "task {id} is counted under the version of the law that governs its trigger; there is nothing to recount"
            )));
        };
        let calendar = self.read().calendar()?;
        let (period, suspensions) = self
            .read()
            .store()
            .task_rule(id)?
            .ok_or_else(|| ApiError::new(ErrorCode::NotFound, format!("no task {id}")))?;
        let set_by_act = self.read().store().task_law(id)?.unwrap_or_default().period_set_by_act;
        let new_period = period_under(&now, set_by_act.then_some(period), task.event_date, &calendar)?;
        let original = compute_counted(&calendar, task.event_date, new_period, &suspensions, counting_of(&now))?.due;
        let current =
            if task.extended() { original.max(calendar.next_working_on_or_after(task.current_due)) } else { original };
        let about = self.read().about(&task);
        let entry = Entry::TaskRecounted {
            task_id: id,
            norm_id: now.id.clone(),
            from_version: counted.version_key(),
            to_version: now.version_key(),
            from: task.current_due,
            to: current,
            reason,
        };
        self.journal().run(|w| {
            if new_period != period {
                w.set_period(id, new_period)?;
            }
            w.set_due(id, current, Some(original))?;
            w.set_norm(id, &now.id, Some(now.version_key()))?;
            w.append(&entry, about, Some(RecordRef::Task(id)))?;
            Ok(())
        })?;
        self.detail(id, self.read().today())
    }

    /// Moves the open tasks of a norm that left the catalogue to the norm that replaced it (the
    /// catalogue's `retired`: the former «предписание» to the постановление, forwarding from
    /// APPC art. 76 to art. 65), and the consideration of appeals to the prosecutor's office from
    /// APPC art. 76 to the special law (155-VII art. 24), each move journaled by the product with
    /// its reason. The period a task ran for stays: for an act, it is the period the act set.
    pub(in crate::api) fn move_tasks_of_retired_norms(&mut self) -> Result<usize, ApiError> {
        let norms = self.read().norms()?;
        let graph = self.read().graph()?;
        let steps = &Procedure::builtin().norms;
        let mut moves = Vec::new();
        for task in graph.tasks().filter(|t| t.is_open()) {
            let Some(from) = task.norm_id.as_deref() else { continue };
            let (to, reason) = if let Some(retired) = norms.catalog.retired.get(from) {
                (retired.replaced_by.clone(), retired.reason.en.clone())
            } else if from == "appk-76-consideration"
                && task.kind == TaskKind::ConsiderAppeal
                && task.appeal_no.is_some()
                && steps.appeal_consideration != from
                && norms.entry(&steps.appeal_consideration).is_some()
            {
                (
                    steps.appeal_consideration.clone(),
                    "an appeal to the prosecutor's office is governed by the special law, Constitutional Law 155-VII \
                     art. 24, not by APPC art. 76"
                        .to_string(),
                )
            } else {
                continue;
            };
            let Some(norm) = norms.at(&to, task.event_date) else { continue };
            moves.push((task.id, from.to_string(), norm, reason, self.read().about(task)));
        }
        if moves.is_empty() {
            return Ok(0);
        }
        let stamp = self.read().system_stamp();
        let count = moves.len();
        self.journal().run_as(stamp, |w| {
            for (id, from, norm, reason, about) in moves {
                w.set_norm(id, &norm.id, Some(norm.version_key()))?;
                let entry = Entry::TaskNormReplaced { task_id: id, from, to: norm.id.clone(), reason };
                w.append(&entry, about, Some(RecordRef::Task(id)))?;
            }
            Ok(())
        })?;
        Ok(count)
    }

    /// Recomputes the due dates of open tasks after a rule in force changed (the calendar, or the
    /// catalogue's reading of the version a task is counted under), each move journaled by the
    /// product itself. A task whose version's period was corrected takes the new period, unless
    /// the act set its own. A task whose trigger now falls under another version is not moved: it
    /// says the law changed (`counted_under`), and a person recounts it. Extended tasks keep the
    /// decided date unless it now falls on a day off.
    pub fn recompute_open_deadlines(&mut self) -> Result<Vec<Recomputed>, ApiError> {
        let calendar = self.read().calendar()?;
        let graph = self.read().graph()?;
        let norms = self.read().norms()?;
        let mut plans = Vec::new();
        for task in graph.tasks().filter(|t| t.is_open()) {
            let Some((stored, suspensions)) = self.read().store().task_rule(task.id)? else { continue };
            let counted = self.read().counted_under(task)?;
            let act_set = self.read().store().task_law(task.id)?.unwrap_or_default().period_set_by_act;
            let (period, original) = match &counted {
                Some((norm, _)) => {
                    let period = if act_set { stored } else { norm.period().unwrap_or(stored) };
                    (period, compute_counted(&calendar, task.event_date, period, &suspensions, counting_of(norm))?.due)
                }
                None => (stored, compute(&calendar, task.event_date, stored, &suspensions)?.due),
            };
            let current = if task.extended() { calendar.next_working_on_or_after(task.current_due) } else { original };
            if period != stored || original != task.original_due || current != task.current_due {
                let why = match (&task.norm_id, period != stored) {
                    (Some(id), true) => format!(
                        "norm {id} changed: {} → {} (version {})",
                        stored.describe(),
                        period.describe(),
                        norms.version(id).map_or_else(|| "?".into(), |v| v.to_string())
                    ),
                    (Some(id), false) if original != task.original_due && period == stored => format!(
                        "the catalogue's reading of norm {id} or the working-day calendar changed (how the period is counted)"
                    ),
                    _ => "the working-day calendar changed".into(),
                };
                let about = self.read().about(task);
                plans.push((
                    task.id,
                    task.current_due,
                    current,
                    original,
                    (period != stored).then_some(period),
                    why,
                    about,
                ));
            }
        }
        if plans.is_empty() {
            return Ok(Vec::new());
        }
        plans.sort_by_key(|p| p.0);
        let stamp = self.read().system_stamp();
        let changes = self.journal().run_as(stamp, |w| {
            let mut changes = Vec::new();
            for (id, old, new, original, period, why, about) in plans {
                if let Some(period) = period {
                    w.set_period(id, period)?;
                }
                w.set_due(id, new, Some(original))?;
                let entry = Entry::TaskRecomputed { task_id: id, from: old, to: new, why };
                w.append(&entry, about, Some(RecordRef::Task(id)))?;
                changes.push(Recomputed { task_id: id, from: old, to: new });
            }
            Ok(changes)
        })?;
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

fn default_title(kind: TaskKind, request: &NewTaskRequest) -> String {
    let what = match kind {
        TaskKind::GatherInformation => "Сбор информации",
        TaskKind::ConsiderAppeal => "Рассмотрение обращения",
        TaskKind::InspectionCheck => "Проверка",
        TaskKind::IssueResponse => "Акт прокурорского реагирования",
        TaskKind::ControlExecution => "Контроль исполнения",
        TaskKind::FollowUp => "Последующий контроль",
        TaskKind::ForwardAppeal => "Направление обращения по подведомственности",
    };
    match (&request.appeal_no, &request.subject_bin) {
        (Some(no), _) => format!("{what}: {no}"),
        (None, Some(bin)) => format!("{what}: {bin}"),
        _ => what.to_string(),
    }
}

impl Read<'_> {
    /// The task graph, built from storage on first use and kept until a write names a task, an
    /// object or an appeal (`session::memo`).
    pub(in crate::api) fn graph(&self) -> Result<std::rc::Rc<TaskGraph>, ApiError> {
        if let Some(cached) = self.memo().graph.borrow().as_ref() {
            return Ok(cached.clone());
        }
        let (tasks, dependencies) = self.store().load_task_graph()?;
        let graph = std::rc::Rc::new(TaskGraph::build(tasks, &dependencies));
        *self.memo().graph.borrow_mut() = Some(graph.clone());
        Ok(graph)
    }
}

impl Read<'_> {
    pub(in crate::api) fn view(
        &self,
        graph: &TaskGraph,
        calendar: &Calendar,
        id: i64,
        today: NaiveDate,
    ) -> Result<TaskView, ApiError> {
        let task = graph.task(id).ok_or_else(|| self.no_such_task(id))?.clone();
        let urgency = task.is_open().then(|| graph.urgency(calendar, id, today));
        Ok(TaskView {
            blocked_by: graph.open_prerequisites(id),
            slips_with_it: graph.slip_chain(id),
            urgency,
            task,
            owner: None,
            assigned_to: None,
            conflict: None,
        })
    }

    /// Reads and computes everything a new task needs, before any write begins.
    pub(in crate::api) fn plan_task(&self, request: &NewTaskRequest) -> Result<PlannedTask, ApiError> {
        let calendar = self.calendar()?;
        let catalog = self.norms()?;
        if request.norm.is_none() && request.period.is_none() {
            return Err(ApiError::invalid("give either a norm of the catalog or a period of at least 1"));
        }
        if request.assignee.trim().is_empty() || request.unit.trim().is_empty() {
            return Err(ApiError::invalid("a task needs an assignee and a unit"));
        }
        for (what, text, limit) in [
            ("title", request.title.as_deref().unwrap_or(""), 500),
            ("assignee", &request.assignee, 200),
            ("unit", &request.unit, 300),
        ] {
            if text.chars().count() > limit {
                return Err(ApiError::invalid(format!("the {what} is longer than {limit} characters")));
            }
        }
        let appeal = match &request.appeal_no {
            Some(no) => Some(
                self.store()
                    .appeal_facts(no)?
                    .ok_or_else(|| ApiError::new(ErrorCode::NotFound, format!("no appeal {no}")))?,
            ),
            None => None,
        };
        let subject_id = match &request.subject_bin {
            Some(bin) => Some(
                self.store()
                    .subject_id(bin.trim())?
                    .ok_or_else(|| ApiError::new(ErrorCode::NotFound, format!("no object {bin}")))?,
            ),
            None => appeal.as_ref().and_then(|a| a.subject_id),
        };
        let subject_bin = match (&request.subject_bin, subject_id) {
            (Some(bin), _) => Some(bin.trim().to_string()),
            (None, Some(id)) => self.store().subject_bin(id)?,
            (None, None) => None,
        };
        let event_date = request
            .event_date
            .or(appeal.as_ref().map(|a| a.received))
            .ok_or_else(|| ApiError::invalid("give the date of the triggering event (--from)"))?;
        // The version of the norm in force on the event's day governs the task.
        let (norm, period) = match (&request.norm, request.period) {
            (Some(id), given) => {
                let norm = catalog
                    .at(id, event_date)
                    .ok_or_else(|| ApiError::new(ErrorCode::NotFound, format!("no norm '{id}' in the catalog")))?;
                let period = period_under(&norm, given, event_date, &calendar)?;
                (Some(norm), period)
            }
            (None, Some(period)) => {
                period.check()?;
                (None, period)
            }
            (None, None) => unreachable!("refused above"),
        };
        let graph = self.graph()?;
        for &prerequisite in &request.depends_on {
            if graph.task(prerequisite).is_none() {
                return Err(ApiError::new(ErrorCode::NotFound, format!("no task {prerequisite}")));
            }
        }
        let due = match &norm {
            Some(norm) => compute_counted(&calendar, event_date, period, &[], counting_of(norm))?.due,
            None => compute(&calendar, event_date, period, &[])?.due,
        };
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
            norm_id: norm.as_ref().map(|n| n.id.clone()),
            norm_version: norm.as_ref().map(Norm::version_key),
            period_set_by_act: norm.is_some() && request.period.is_some(),
            period,
            event_date,
            due,
        };
        let control = if request.kind == TaskKind::IssueResponse {
            // An act of response always brings its control of execution, counted from the act's due date.
            let control_id = &Procedure::builtin().norms.control_of_execution;
            let control = catalog.at(control_id, due).ok_or_else(|| {
                ApiError::invalid(format!("the norms catalog in force has no '{control_id}' norm; import one that has"))
            })?;
            let control_period = period_under(&control, None, due, &calendar)?;
            Some(NewTask {
                kind: TaskKind::ControlExecution,
                title: format!("Контроль исполнения: {}", new.title),
                norm_id: Some(control.id.clone()),
                norm_version: Some(control.version_key()),
                period_set_by_act: false,
                period: control_period,
                event_date: due,
                due: compute_counted(&calendar, due, control_period, &[], counting_of(&control))?.due,
                ..new.clone()
            })
        } else {
            None
        };
        Ok(PlannedTask {
            new,
            depends_on: request.depends_on.clone(),
            control,
            about: About { subject_bin, appeal_no: request.appeal_no.clone() },
        })
    }

    pub(in crate::api) fn created(&self, ids: Vec<i64>) -> Result<CreatedTasks, ApiError> {
        let graph = self.graph()?;
        let calendar = self.calendar()?;
        let today = self.today();
        Ok(CreatedTasks {
            created: ids.into_iter().map(|id| self.view(&graph, &calendar, id, today)).collect::<Result<_, _>>()?,
        })
    }

    /// The version of its norm a task is counted under — the one it was counted by, kept with
    /// it (or, for a task made before versions by date, the one in force on its trigger) — and,
    /// when the catalogue now puts its trigger under another version (one entered since), or a
    /// later version in force today governs running procedures too, that version: the law
    /// changed, and recounting is a person's decision (`recount_task`), never silent.
    pub(in crate::api) fn counted_under(&self, task: &Task) -> Result<Option<(Norm, Option<Norm>)>, ApiError> {
        let Some(id) = task.norm_id.as_deref() else { return Ok(None) };
        let norms = self.norms()?;
        let Some(entry) = norms.entry(id) else { return Ok(None) };
        let catalog = &norms.catalog;
        let Ok(now) = catalog.at(id, task.event_date) else { return Ok(None) };
        let stored = self.store().task_law(task.id)?.unwrap_or_default().norm_version;
        let counted = match stored.and_then(|key| entry.versions.iter().position(|v| v.in_force_from == key)) {
            Some(i) => catalog.resolve(entry, i, task.event_date < entry.versions[i].in_force_from),
            None => now.clone(),
        };
        let mut changed = (counted.version_key() != now.version_key()).then(|| now.clone());
        if changed.is_none() {
            changed = catalog.at(id, self.today()).ok().filter(|later| {
                later.version_key() > counted.version_key()
                    && later.version.transitional.as_ref().is_some_and(|t| t.applies_to_running)
            });
        }
        Ok(Some((counted, changed)))
    }

    /// The object and appeal a task is about, for its journal entries.
    fn about(&self, task: &Task) -> About {
        About { subject_bin: task.subject_bin.clone(), appeal_no: task.appeal_no.clone() }
    }
}
