//! What people ask of the office beyond sync: an object's card as the office knows it (its tasks
//! and their history, every opening logged, a refusal too), the tasks in the caller's scope with
//! who owns each, and work a supervisor assigns (conflicts are `conflicts.rs`).

use chrono::NaiveDate;
use ekn_domain::journal::StoredEntry;
use ekn_domain::sync::{in_scope, scopes_meet, Colleague, TaskState};
use serde::{Deserialize, Serialize};

use crate::access::log_now;
use crate::db::{scoped, Scope};
use crate::error::OfficeError;
use crate::people::{self, Caller, Role};

/// A task as the office shows it: the workstation's state, whose it is, the due date in force.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OfficeTask {
    pub object_key: String,
    /// The person whose workstation holds the task.
    pub owner: String,
    /// The person the office assigned it to, when a supervisor did.
    pub assigned_to: Option<String>,
    pub district: Option<String>,
    pub state: TaskState,
    /// The due date in force: the task's own, or the earliest of a conflict still open.
    pub effective_due: NaiveDate,
    pub in_conflict: bool,
}

/// One entry of an object's history on the office, with its author.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OfficeEntry {
    pub global_seq: i64,
    pub author: String,
    pub workstation: String,
    pub entry: StoredEntry,
}

/// `GET /v1/cards/{bin}`: what the office knows of one object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OfficeCard {
    pub bin: String,
    pub district: Option<String>,
    pub tasks: Vec<OfficeTask>,
    pub history: Vec<OfficeEntry>,
}

const TASK_QUERY: &str = "SELECT t.object_key, o.name, a_p.name, t.district, t.state, t.effective_due, \
     EXISTS (SELECT 1 FROM conflicts c WHERE c.object_key = t.object_key AND c.resolved_at IS NULL) \
     FROM office_task_view t JOIN people o ON o.id = t.owner_id \
     LEFT JOIN assignments a ON a.object_key = t.object_key LEFT JOIN people a_p ON a_p.id = a.person_id";

fn task_from_row(row: &tokio_postgres::Row) -> Result<OfficeTask, OfficeError> {
    let state: serde_json::Value = row.get(4);
    Ok(OfficeTask {
        object_key: row.get(0),
        owner: row.get(1),
        assigned_to: row.get(2),
        district: row.get(3),
        state: serde_json::from_value(state).map_err(|e| OfficeError::Config(format!("a stored task: {e}")))?,
        effective_due: row.get(5),
        in_conflict: row.get(6),
    })
}

fn check_key(text: &str, what: &str) -> Result<(), OfficeError> {
    if text.is_empty() || text.len() > 120 || text.chars().any(char::is_control) {
        return Err(OfficeError::bad_request(format!("{what} is 1 to 120 characters without control characters")));
    }
    Ok(())
}

/// One object's card. Outside the caller's districts: 403, and the refusal is logged. Whether
/// the office knows the object, and where, is looked up office-wide (the districts its entries
/// were placed in, each by a push whose author's scope covered it): the caller may read the card
/// when one of them is theirs, and reads of it what row-level security lets them.
pub async fn card(
    client: &mut deadpool_postgres::Client,
    caller: &Caller,
    bin: &str,
) -> Result<OfficeCard, OfficeError> {
    check_key(bin, "a BIN")?;
    let key = format!("card:{bin}");
    let districts: Vec<String> = {
        let tx = scoped(client, &Scope::office()).await?;
        let rows =
            tx.query("SELECT district FROM object_districts WHERE object_key = $1 ORDER BY district", &[&key]).await?;
        tx.commit().await?;
        rows.iter().map(|r| r.get(0)).collect()
    };
    if districts.is_empty() {
        log_now(client, caller, "card", Some(bin), None, "not_found", None).await?;
        return Err(OfficeError::not_found(format!("the office knows nothing of {bin}")));
    }
    let Some(district) = districts.iter().find(|d| caller.may_read_district(Some(d.as_str()))).cloned() else {
        log_now(client, caller, "card", Some(bin), Some(&districts[0]), "refused", None).await?;
        return Err(OfficeError::forbidden(format!(
            "{bin} is outside the districts of {} ({})",
            caller.person.name,
            caller.person.districts.join(", ")
        )));
    };
    log_now(client, caller, "card", Some(bin), Some(&district), "allowed", None).await?;
    let tx = scoped(client, &caller.scope()).await?;
    let rows =
        tx.query(&format!("{TASK_QUERY} WHERE t.state->>'subject_bin' = $1 ORDER BY t.effective_due"), &[&bin]).await?;
    let tasks = rows.iter().map(task_from_row).collect::<Result<Vec<_>, _>>()?;
    let rows = tx
        .query(
            &format!(
                "SELECT e.global_seq, p.name, e.ws, e.entry, ep.personal, ra.act_number FROM events e \
                 JOIN people p ON p.id = e.person_id {} \
                 WHERE e.entry->>'subject_bin' = $1 AND e.superseded_by IS NULL ORDER BY e.global_seq",
                crate::entries::ENTRY_JOINS
            ),
            &[&bin],
        )
        .await?;
    let mut history = Vec::with_capacity(rows.len());
    for row in &rows {
        history.push(OfficeEntry {
            global_seq: row.get(0),
            author: row.get(1),
            workstation: row.get(2),
            entry: crate::entries::stored_entry(row.get(3), row.get(4), row.get(5))?,
        });
    }
    tx.commit().await?;
    Ok(OfficeCard { bin: bin.to_string(), district: Some(district), tasks, history })
}

/// The tasks in the caller's scope (their districts; a prosecutor's own and assigned work too).
/// A page of them at most `limit` long (1 to 10,000; 1,000 by default), after the task `after`
/// (by key): the office's whole list is never built at once for one request.
pub async fn tasks(
    client: &mut deadpool_postgres::Client,
    caller: &Caller,
    after: Option<&str>,
    limit: Option<i64>,
) -> Result<Vec<OfficeTask>, OfficeError> {
    caller
        .require(&[Role::Prosecutor, Role::Supervisor], "read tasks (an analyst reads the dashboard's aggregates)")?;
    if let Some(after) = after {
        check_key(after, "a task's key")?;
    }
    let limit = limit.unwrap_or(1000).clamp(1, 10_000);
    let tx = scoped(client, &caller.scope()).await?;
    let rows = tx
        .query(
            &format!("{TASK_QUERY} WHERE ($1::text IS NULL OR t.object_key > $1) ORDER BY t.object_key LIMIT $2"),
            &[&after, &limit],
        )
        .await?;
    tx.commit().await?;
    rows.iter().map(task_from_row).collect()
}

/// `GET /v1/people`: whom a supervisor may give work to — the prosecutors and supervisors not
/// blocked whose districts meet the supervisor's, each with the open tasks they hold in the
/// supervisor's districts (from the dashboard's counts: held by them and not handed to another, or
/// handed to them), by name.
pub async fn assignable(
    client: &mut deadpool_postgres::Client,
    caller: &Caller,
) -> Result<Vec<Colleague>, OfficeError> {
    caller.require(&[Role::Supervisor], "list whom to assign work to")?;
    let tx = scoped(client, &caller.scope()).await?;
    let rows = tx
        .query(
            "SELECT p.name, p.role, p.districts, p.units, \
               coalesce((SELECT sum(c.n) FROM dashboard_counts c \
                 WHERE c.status = 'open' AND coalesce(c.assigned_id, c.owner_id) = p.id), 0)::bigint \
             FROM people p WHERE p.blocked_at IS NULL AND p.role IN ('prosecutor', 'supervisor') ORDER BY p.name",
            &[],
        )
        .await?;
    tx.commit().await?;
    Ok(rows
        .iter()
        .map(|row| Colleague {
            name: row.get(0),
            role: row.get(1),
            districts: row.get(2),
            units: row.get(3),
            open_tasks: u64::try_from(row.get::<_, i64>(4)).unwrap_or(0),
        })
        .filter(|c| scopes_meet(&c.districts, &caller.person.districts))
        .collect())
}

/// A supervisor hands a task to a person, with a reason.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Assignment {
    pub object_key: String,
    pub person: String,
    pub reason: String,
}

pub async fn assign(
    client: &mut deadpool_postgres::Client,
    caller: &Caller,
    assignment: &Assignment,
) -> Result<OfficeTask, OfficeError> {
    caller.require(&[Role::Supervisor], "assign work")?;
    check_key(&assignment.object_key, "a task's key")?;
    if assignment.reason.trim().is_empty() {
        return Err(OfficeError::bad_request("assigning work needs a reason"));
    }
    if assignment.reason.chars().count() > 2000 || assignment.person.chars().count() > crate::people::MAX_NAME {
        return Err(OfficeError::bad_request("a reason is at most 2,000 characters, a name 200"));
    }
    let person = people::by_name(client, &assignment.person).await?;
    if person.blocked || !matches!(person.role, Role::Prosecutor | Role::Supervisor) {
        return Err(OfficeError::bad_request(format!("{} cannot be given work", person.name)));
    }
    let tx = scoped(client, &caller.scope()).await?;
    let found = tx.query_opt(&format!("{TASK_QUERY} WHERE t.object_key = $1"), &[&assignment.object_key]).await?;
    let Some(row) = found else {
        return Err(OfficeError::not_found(format!("no task {} in your districts", assignment.object_key)));
    };
    let task = task_from_row(&row)?;
    if !task.district.as_deref().is_some_and(|d| in_scope(d, &caller.person.districts)) {
        return Err(OfficeError::forbidden(format!("task {} is outside your districts", assignment.object_key)));
    }
    // The number comes from the counter row pushes take theirs from, so pullers see the
    // assignment in commit order among the entries.
    let global: i64 =
        tx.query_one("UPDATE sync_head SET last = last + 1 WHERE id = 1 RETURNING last", &[]).await?.get(0);
    tx.execute(
        "INSERT INTO assignments(object_key, global_seq, person_id, assigned_by, reason, at, district) \
         VALUES ($1, $5, $2, $3, $4, now(), $6) \
         ON CONFLICT (object_key) DO UPDATE SET global_seq = EXCLUDED.global_seq, person_id = EXCLUDED.person_id, \
         assigned_by = EXCLUDED.assigned_by, rule = NULL, reason = EXCLUDED.reason, at = EXCLUDED.at, \
         district = EXCLUDED.district",
        &[&assignment.object_key, &person.id, &caller.person.id, &assignment.reason.trim(), &global, &task.district],
    )
    .await?;
    let decision = crate::journal::Decision {
        person: Some((caller.person.id, &caller.person.name)),
        kind: "assigned",
        object_key: &assignment.object_key,
        district: task.district.as_deref(),
        global_seq: global,
        detail: serde_json::json!({ "assigned_to": person.name, "reason": assignment.reason.trim() }),
    };
    crate::journal::append(&tx, decision).await?;
    let row = tx.query_one(&format!("{TASK_QUERY} WHERE t.object_key = $1"), &[&assignment.object_key]).await?;
    let task = task_from_row(&row)?;
    tx.commit().await?;
    Ok(task)
}
