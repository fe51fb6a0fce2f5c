//! Colleagues' tasks on this workstation: once it has joined an office, the tasks pulled in the
//! person's scope stand beside its own on the desk and the dashboard, open with `ekn task show`
//! (their due date explained with this workstation's calendar and norms) and have their history,
//! with its authors, in `ekn journal --task`. They are numbered negatively (`-3`), so no number
//! of this workstation's own can be mistaken for one, and they are read-only here: a colleague's
//! task is changed on the workstation that holds it.

use crate::api::session::handles::Read;
use std::collections::HashMap;
use std::rc::Rc;

use chrono::NaiveDate;

use crate::api::deadlines::{explain, RuleView};
use crate::api::office::date_in_force;
use crate::api::session::journal::JournalLine;
use crate::api::{ApiError, ErrorCode, TaskDetail};
use crate::domain::sync::ConflictNotice;
use crate::domain::tasks::{Task, TaskGraph, TaskKind, TaskStatus};
use crate::store::office::RemoteTask;

/// The graph the desk and the dashboard read, and who owns each colleague's task in it.
pub(in crate::api) struct OfficeGraph {
    pub graph: Rc<TaskGraph>,
    pub owners: HashMap<i64, String>,
    /// Who a supervisor assigned a task to through the office, by task number.
    pub assigned: HashMap<i64, String>,
    /// The conflicts that set a task's date in force (already applied to the graph's tasks).
    pub conflicts: HashMap<i64, ConflictNotice>,
}

/// A pulled task as the graph holds it, under its negative number; `None` for a kind or status
/// this version does not know (a newer colleague's), which is left out rather than guessed.
fn as_task(remote: &RemoteTask) -> Option<Task> {
    let s = &remote.state;
    Some(Task {
        id: -remote.id,
        kind: TaskKind::from_code(&s.task_kind)?,
        title: s.title.clone(),
        subject_bin: s.subject_bin.clone(),
        appeal_no: s.appeal_no.clone(),
        assignee: s.assignee.clone(),
        unit: s.unit.clone(),
        region_code: s.region_code.clone(),
        // A colleague's task travels without its object's place.
        district: None,
        category: s.category.clone(),
        norm_id: s.norm_id.clone(),
        event_date: s.event_date,
        original_due: s.original_due,
        current_due: s.current_due,
        status: TaskStatus::from_code(&s.status)?,
        done_on: s.done_on,
        note: None,
        risk: None,
    })
}

impl Read<'_> {
    /// This workstation's tasks and the colleagues' it does not hold itself. Without an office
    /// (or before the first pull) it is the workstation's own graph.
    pub(in crate::api) fn office_graph(&self) -> Result<OfficeGraph, ApiError> {
        let (assigned, conflicts) = match self.store().office_link()? {
            Some(link) => (
                self.store().assigned_tasks(&link.workstation_id)?.into_iter().map(|(id, to, _)| (id, to)).collect(),
                self.conflicts_in_force(&link.workstation_id)?,
            ),
            None => (HashMap::new(), HashMap::new()),
        };
        let remote = self.store().remote_tasks_not_held()?;
        if remote.is_empty() && conflicts.is_empty() {
            return Ok(OfficeGraph { graph: self.graph()?, owners: HashMap::new(), assigned, conflicts });
        }
        let (mut tasks, dependencies) = self.store().load_task_graph()?;
        let mut owners = HashMap::new();
        for r in &remote {
            if let Some(task) = as_task(r) {
                owners.insert(task.id, r.owner.clone());
                tasks.push(task);
            }
        }
        // A conflict's date is the one in force here as on the office's dashboard.
        for task in &mut tasks {
            if let Some(notice) = conflicts.get(&task.id) {
                task.current_due = date_in_force(notice, task.current_due);
            }
        }
        Ok(OfficeGraph { graph: Rc::new(TaskGraph::build(tasks, &dependencies)), owners, assigned, conflicts })
    }

    /// The answer for a task number this workstation cannot change: a colleague's task is
    /// changed on the workstation that holds it; any other number is not a task.
    pub(in crate::api) fn no_such_task(&self, id: i64) -> ApiError {
        if id < 0 {
            if let Ok(Some(remote)) = self.store().remote_task_numbered(id) {
                return ApiError::invalid(format!(
                    "task {id} is {}'s, pulled from the office: it is changed on the workstation that holds it",
                    remote.owner
                ));
            }
        }
        ApiError::new(ErrorCode::NotFound, format!("no task {id}"))
    }

    /// A colleague's task in full: its due date explained with this workstation's calendar and
    /// norms from the period and suspensions its workstation sent, and its history as pulled.
    pub(in crate::api) fn colleague_task_detail(&self, id: i64, today: NaiveDate) -> Result<TaskDetail, ApiError> {
        let remote = self
            .store()
            .remote_task_numbered(id)?
            .ok_or_else(|| ApiError::new(ErrorCode::NotFound, format!("no task {id}")))?;
        let office = self.office_graph()?;
        let calendar = self.calendar()?;
        let mut view = self.view(&office.graph, &calendar, id, today)?;
        view.owner = Some(remote.owner.clone());
        view.assigned_to = office.assigned.get(&id).cloned();
        view.conflict = office.conflicts.get(&id).cloned();
        let period = remote.state.period.ok_or_else(|| {
            ApiError::invalid(format!(
                "task {id} came from a workstation that did not send its period; it updates with that workstation's next sync"
            ))
        })?;
        let norms = self.norms()?;
        // Counted by the version in force on its trigger in this workstation's catalogue.
        let norm = remote.state.norm_id.as_deref().and_then(|n| norms.at(n, view.task.event_date));
        let explanation = explain(
            &calendar,
            norm.as_ref(),
            period,
            view.task.event_date,
            Some(view.task.original_due),
            None,
            &remote.state.suspensions,
        )?;
        let rule = match &norm {
            Some(norm) => RuleView::of_norm(norm, norms.version(&norm.id), period, view.task.event_date),
            None => RuleView::of_period(period, view.task.event_date),
        };
        // An appeal's deadline task assigned to this person came with the appeal's paper: the
        // appeal is read here, so its reading is logged like any appeal's.
        let appeal_paper = match &remote.state.appeal_no {
            Some(no) => self.store().remote_appeal(no)?,
            None => None,
        };
        if let Some(held) = &appeal_paper {
            self.logged().colleagues_appeal(&held.paper.appeal_no, held.paper.kato.as_deref())?;
        }
        Ok(TaskDetail {
            rule,
            suspensions: remote.state.suspensions.clone(),
            explanation,
            log: self.store().remote_task_log(&remote.object_key)?,
            suggestion: None,
            view,
            // A colleague's act stays on the colleague's workstation.
            act_verification: None,
            appeal_paper,
        })
    }

    /// A colleague's task's entries for `ekn journal --task -N`, oldest first (the newest `limit`).
    pub(in crate::api) fn colleague_task_journal(&self, id: i64, limit: usize) -> Result<Vec<JournalLine>, ApiError> {
        let Some(remote) = self.store().remote_task_numbered(id)? else { return Ok(Vec::new()) };
        let entries = self.store().remote_entries(&remote.object_key)?;
        let skip = entries.len().saturating_sub(limit);
        Ok(entries
            .into_iter()
            .skip(skip)
            .map(|(_, author, entry)| {
                let mut line = JournalLine::from(entry);
                line.person = author;
                line.task_id = Some(id);
                line
            })
            .collect())
    }
}
