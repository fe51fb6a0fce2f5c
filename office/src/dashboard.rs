//! The office's dashboard: the very figures a workstation's `ekn dashboard` computes
//! (`domain::tasks::dashboard`, the same code), over every task the office holds in the caller's
//! scope, with each prosecutor's own figures beside them. A task in an open conflict counts with
//! the earlier due date, as it is shown everywhere until a supervisor resolves the conflict.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use ekn::domain::calendar::Calendar;
use ekn::domain::sync::TaskState;
use ekn::domain::tasks::{dashboard, Dashboard, Figures, Task, TaskGraph, TaskKind, TaskStatus};
use serde::Serialize;

use crate::db::{scoped, Scope};
use crate::error::OfficeError;
use crate::people::{Caller, Role};

/// `GET /v1/dashboard` and `ekn-office dashboard --json`.
#[derive(Debug, Clone, Serialize)]
pub struct OfficeDashboard {
    /// The workstation's figures, over the office's tasks in scope.
    #[serde(flatten)]
    pub figures: Dashboard,
    /// The same figures for each person whose workstation holds the tasks (the owner, or the
    /// person a supervisor assigned the task to). Empty for an analyst: aggregates only.
    pub by_owner: BTreeMap<String, Figures>,
    /// How many tasks and workstations the figures are over, and the conflicts still open.
    pub tasks: usize,
    pub workstations: usize,
    pub open_conflicts: usize,
    /// The working-day calendar the figures were computed with.
    pub calendar: String,
}

/// What the office's calendar is, said wherever its figures are: the one shipped with the core.
/// A workstation that imported a newer year's calendar counts with that; the office does not yet.
pub const CALENDAR_NOTE: &str = "the calendar shipped with ЭКН (2018–2027, statutory rules outside them)";

/// Today in Kazakhstan (UTC+5 since 1 March 2024), by the office's clock: the legal date the
/// workstations judge deadlines on.
pub fn kazakhstan_today() -> NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(5)).date_naive()
}

/// The dashboard for a person of the office (a prosecutor: their districts and their own work;
/// a supervisor: the districts supervised; an analyst: the districts, without names).
pub async fn for_caller(
    client: &mut deadpool_postgres::Client,
    caller: &Caller,
    today: NaiveDate,
) -> Result<OfficeDashboard, OfficeError> {
    caller.require(&[Role::Prosecutor, Role::Supervisor, Role::Analyst], "read the dashboard")?;
    // An analyst reads only what the server aggregates here, so the districts are in scope for
    // this read although no row of theirs ever leaves the server.
    let scope = Scope { districts: caller.person.districts.clone(), ..caller.scope() };
    let mut board = compute(client, &scope, today).await?;
    if caller.person.role == Role::Analyst {
        board.figures.by_assignee.clear();
        board.by_owner.clear();
    }
    Ok(board)
}

/// The whole office's dashboard, for the server's console.
pub async fn whole_office(
    client: &mut deadpool_postgres::Client,
    today: NaiveDate,
) -> Result<OfficeDashboard, OfficeError> {
    let scope = Scope::office();
    compute(client, &scope, today).await
}

async fn compute(
    client: &mut deadpool_postgres::Client,
    scope: &Scope,
    today: NaiveDate,
) -> Result<OfficeDashboard, OfficeError> {
    let tx = scoped(client, scope).await?;
    let rows = tx
        .query(
            "SELECT t.state, t.effective_due, coalesce(a_p.name, o.name), t.ws \
             FROM office_task_view t JOIN people o ON o.id = t.owner_id \
             LEFT JOIN assignments a ON a.object_key = t.object_key LEFT JOIN people a_p ON a_p.id = a.person_id",
            &[],
        )
        .await?;
    let open_conflicts: i64 = tx
        .query_one(
            "SELECT count(*) FROM conflicts c WHERE c.resolved_at IS NULL AND EXISTS \
             (SELECT 1 FROM office_task_view t WHERE t.object_key = c.object_key)",
            &[],
        )
        .await?
        .get(0);
    tx.commit().await?;

    let mut tasks = Vec::with_capacity(rows.len());
    let mut owners: BTreeMap<String, Vec<Task>> = BTreeMap::new();
    let mut workstations = std::collections::BTreeSet::new();
    for (index, row) in rows.iter().enumerate() {
        let state: TaskState = serde_json::from_value(row.get(0))
            .map_err(|e| OfficeError::Config(format!("a stored task's state: {e}")))?;
        let task = task_of(index as i64 + 1, &state, row.get(1))?;
        owners.entry(row.get(2)).or_default().push(task.clone());
        workstations.insert(row.get::<_, String>(3));
        tasks.push(task);
    }
    let calendar = Calendar::builtin();
    let count = tasks.len();
    let figures = dashboard(&TaskGraph::build(tasks, &[]), &calendar, today);
    let by_owner = owners
        .into_iter()
        .map(|(owner, tasks)| (owner, dashboard(&TaskGraph::build(tasks, &[]), &calendar, today).totals))
        .collect();
    Ok(OfficeDashboard {
        figures,
        by_owner,
        tasks: count,
        workstations: workstations.len(),
        open_conflicts: open_conflicts as usize,
        calendar: CALENDAR_NOTE.into(),
    })
}

/// The graph's task for a state a workstation pushed; `effective_due` is the date in force.
fn task_of(id: i64, state: &TaskState, effective_due: NaiveDate) -> Result<Task, OfficeError> {
    let unknown = |what: &str, code: &str| OfficeError::Config(format!("a stored task has an unknown {what} {code:?}"));
    Ok(Task {
        id,
        kind: TaskKind::from_code(&state.task_kind).ok_or_else(|| unknown("kind", &state.task_kind))?,
        title: state.title.clone(),
        subject_bin: state.subject_bin.clone(),
        appeal_no: state.appeal_no.clone(),
        assignee: state.assignee.clone(),
        unit: state.unit.clone(),
        region_code: state.region_code.clone(),
        category: state.category.clone(),
        norm_id: None,
        event_date: state.event_date,
        original_due: state.original_due,
        current_due: effective_due,
        status: TaskStatus::from_code(&state.status).ok_or_else(|| unknown("status", &state.status))?,
        done_on: state.done_on,
        note: None,
        risk: None,
    })
}
