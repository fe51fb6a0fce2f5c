//! The office's dashboard: the very figures a workstation's `ekn dashboard` computes
//! (`domain::tasks::dashboard_of_counts`, the same code), over every task the office holds in the
//! caller's scope, with each prosecutor's own figures beside them. A task in an open conflict
//! counts with the earlier due date, as it is shown everywhere until a supervisor resolves the
//! conflict.
//!
//! The figures are read from counts the office keeps as it stores tasks (migration 0009): tasks
//! that look alike to the dashboard are one row with their number, so a dashboard over a million
//! tasks reads thousands of rows, not a million states. `recount_from_tasks` still computes the
//! same from every task, for `ekn-office dashboard --check`.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use ekn_domain::sync::TaskState;
use ekn_domain::tasks::{dashboard, dashboard_of_counts, Task, TaskGraph, TaskKind, TaskStatus};

use crate::calendar::OfficeCalendar;
use crate::db::{scoped, Scope};
use crate::error::OfficeError;
use crate::people::{Caller, Role};

/// `GET /v1/dashboard` and `ekn-office dashboard --json`: one type with the workstation that reads it.
pub use ekn_domain::tasks::OfficeDashboard;

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

/// The figures from the counts the office keeps (`dashboard_counts`, migration 0009): open tasks
/// and tasks done in the last 90 days, grouped; working days are counted here, once per group,
/// with the same calendar and the same code as a workstation's.
async fn compute(
    client: &mut deadpool_postgres::Client,
    scope: &Scope,
    today: NaiveDate,
) -> Result<OfficeDashboard, OfficeError> {
    let window_start = today - chrono::Days::new(90);
    let tx = scoped(client, scope).await?;
    let rows = tx
        .query(
            "SELECT c.status, c.due, c.done_on, c.assignee, c.unit, c.region, c.category, c.n, \
               coalesce(a_p.name, o.name), c.district \
             FROM dashboard_counts c JOIN people o ON o.id = c.owner_id LEFT JOIN people a_p ON a_p.id = c.assigned_id \
             WHERE c.status = 'open' OR (c.status = 'done' AND c.done_on BETWEEN $1 AND $2)",
            &[&window_start, &today],
        )
        .await?;
    let sizes = tx
        .query_one("SELECT coalesce(sum(n), 0)::bigint, count(DISTINCT ws) FROM dashboard_counts WHERE n > 0", &[])
        .await?;
    let open_conflicts = open_conflicts(&tx).await?;
    tx.commit().await?;
    let OfficeCalendar { calendar, note } = crate::calendar::in_force(client).await?;

    let mut groups = Vec::with_capacity(rows.len());
    for row in &rows {
        let group = CountedGroup {
            status: row.get(0),
            due: row.get(1),
            done_on: row.get(2),
            assignee: row.get(3),
            unit: row.get(4),
            region: row.get(5),
            category: row.get(6),
        };
        let task = group.task(today)?;
        let n = usize::try_from(row.get::<_, i64>(7)).unwrap_or(0);
        groups.push((task, n, row.get::<_, String>(8), district_of(row.get(9))));
    }
    let figures = dashboard_of_counts(groups.iter().map(|(task, n, _, _)| (task, *n)), &calendar, today);
    let mut owners: BTreeMap<&str, Vec<(&Task, usize)>> = BTreeMap::new();
    let mut districts: BTreeMap<&str, Vec<(&Task, usize)>> = BTreeMap::new();
    for (task, n, owner, district) in &groups {
        owners.entry(owner.as_str()).or_default().push((task, *n));
        if let Some(district) = district {
            districts.entry(district.as_str()).or_default().push((task, *n));
        }
    }
    let by_owner = owners
        .into_iter()
        .map(|(owner, groups)| (owner.to_string(), dashboard_of_counts(groups, &calendar, today).totals))
        .collect();
    let by_district = districts
        .into_iter()
        .map(|(district, groups)| (district.to_string(), dashboard_of_counts(groups, &calendar, today).totals))
        .collect();
    Ok(OfficeDashboard {
        figures,
        by_owner,
        by_district,
        tasks: usize::try_from(sizes.get::<_, i64>(0)).unwrap_or(0),
        workstations: usize::try_from(sizes.get::<_, i64>(1)).unwrap_or(0),
        open_conflicts,
        calendar: note,
        computed_at: chrono::Utc::now(),
    })
}

/// A task's district as the maps name it: the first four digits of its place's KATO code, when it
/// has one of at least four digits.
pub(crate) fn district_of(kato: Option<String>) -> Option<String> {
    let kato = kato?;
    let head = kato.get(..4)?;
    head.bytes().all(|b| b.is_ascii_digit()).then(|| head.to_string())
}

/// A row of kept counts: what the dashboard reads of the tasks it stands for.
pub struct CountedGroup {
    pub status: String,
    pub due: Option<NaiveDate>,
    pub done_on: Option<NaiveDate>,
    pub assignee: String,
    pub unit: String,
    pub region: Option<String>,
    pub category: Option<String>,
}

impl CountedGroup {
    /// The task `dashboard_of_counts` counts for this row.
    pub fn task(self, today: NaiveDate) -> Result<Task, OfficeError> {
        let status = TaskStatus::from_code(&self.status)
            .ok_or_else(|| OfficeError::Config(format!("a counted task has an unknown status {:?}", self.status)))?;
        Ok(Task {
            id: 0,
            // The figures read the category, and a task without one is counted under its kind:
            // the counts hold that already, so the kind here is never read.
            kind: TaskKind::GatherInformation,
            title: String::new(),
            subject_bin: None,
            appeal_no: None,
            assignee: self.assignee,
            unit: self.unit,
            region_code: self.region,
            // The kept counts go by region; a district is not among them.
            district: None,
            category: self.category,
            norm_id: None,
            event_date: today,
            original_due: self.due.unwrap_or(today),
            current_due: self.due.unwrap_or(today),
            status,
            done_on: self.done_on,
            note: None,
            risk: None,
        })
    }
}

/// Open conflicts about a task the reader may see.
async fn open_conflicts(tx: &deadpool_postgres::Transaction<'_>) -> Result<usize, OfficeError> {
    let open: i64 = tx
        .query_one(
            "SELECT count(*) FROM conflicts c WHERE c.resolved_at IS NULL AND EXISTS \
             (SELECT 1 FROM office_task_view t WHERE t.object_key = c.object_key)",
            &[],
        )
        .await?
        .get(0);
    Ok(usize::try_from(open).unwrap_or(0))
}

/// The whole office's dashboard computed the slow way, from every task's state (what the counts
/// replaced): `ekn-office dashboard --check` compares the two, and the tests do on random histories.
pub async fn recount_from_tasks(
    client: &mut deadpool_postgres::Client,
    today: NaiveDate,
) -> Result<OfficeDashboard, OfficeError> {
    let tx = scoped(client, &Scope::office()).await?;
    let rows = tx
        .query(
            "SELECT t.state, t.effective_due, coalesce(a_p.name, o.name), t.ws, t.district \
             FROM office_task_view t JOIN people o ON o.id = t.owner_id \
             LEFT JOIN assignments a ON a.object_key = t.object_key LEFT JOIN people a_p ON a_p.id = a.person_id",
            &[],
        )
        .await?;
    let open_conflicts = open_conflicts(&tx).await?;
    tx.commit().await?;
    let OfficeCalendar { calendar, note } = crate::calendar::in_force(client).await?;

    let mut tasks = Vec::with_capacity(rows.len());
    let mut owners: BTreeMap<String, Vec<Task>> = BTreeMap::new();
    let mut districts: BTreeMap<String, Vec<Task>> = BTreeMap::new();
    let mut workstations = std::collections::BTreeSet::new();
    for (index, row) in rows.iter().enumerate() {
        let state: TaskState = serde_json::from_value(row.get(0))
            .map_err(|e| OfficeError::Config(format!("a stored task's state: {e}")))?;
        let task = task_of(index as i64 + 1, &state, row.get(1))?;
        owners.entry(row.get(2)).or_default().push(task.clone());
        if let Some(district) = district_of(row.get(4)) {
            districts.entry(district).or_default().push(task.clone());
        }
        workstations.insert(row.get::<_, String>(3));
        tasks.push(task);
    }
    let count = tasks.len();
    let figures = dashboard(&TaskGraph::build(tasks, &[]), &calendar, today);
    let by_owner = owners
        .into_iter()
        .map(|(owner, tasks)| (owner, dashboard(&TaskGraph::build(tasks, &[]), &calendar, today).totals))
        .collect();
    let by_district = districts
        .into_iter()
        .map(|(district, tasks)| (district, dashboard(&TaskGraph::build(tasks, &[]), &calendar, today).totals))
        .collect();
    Ok(OfficeDashboard {
        figures,
        by_owner,
        by_district,
        tasks: count,
        workstations: workstations.len(),
        open_conflicts,
        calendar: note,
        computed_at: chrono::Utc::now(),
    })
}

/// Where the kept counts and a recount from the tasks differ (none: they agree).
pub fn differences(kept: &OfficeDashboard, recounted: &OfficeDashboard) -> Vec<String> {
    let mut found = Vec::new();
    let mut compare = |what: &str, a: String, b: String| {
        if a != b {
            found.push(format!("{what}: kept {a}, recounted {b}"));
        }
    };
    compare("tasks", kept.tasks.to_string(), recounted.tasks.to_string());
    compare("workstations", kept.workstations.to_string(), recounted.workstations.to_string());
    compare("totals", format!("{:?}", kept.figures.totals), format!("{:?}", recounted.figures.totals));
    for (name, a, b) in [
        ("by_assignee", format!("{:?}", kept.figures.by_assignee), format!("{:?}", recounted.figures.by_assignee)),
        ("by_unit", format!("{:?}", kept.figures.by_unit), format!("{:?}", recounted.figures.by_unit)),
        (
            "overdue_matrix",
            format!("{:?}", kept.figures.overdue_matrix),
            format!("{:?}", recounted.figures.overdue_matrix),
        ),
        ("by_owner", format!("{:?}", kept.by_owner), format!("{:?}", recounted.by_owner)),
        ("by_district", format!("{:?}", kept.by_district), format!("{:?}", recounted.by_district)),
    ] {
        compare(name, a, b);
    }
    found
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
        // A pushed task's state names its region, not its district.
        district: None,
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
