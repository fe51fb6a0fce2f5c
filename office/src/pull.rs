//! A pull (`GET /v1/sync/pull?since=N`): the entries after the cursor that the caller may read,
//! other workstations' only, in the office's global order, with what happened in the same
//! stretch of that order — assignments, conflicts, destruction acts to carry out on the replica,
//! restored databases' superseded streams to undo — and the office's settings. Row-level
//! security decides what the caller reads; the answer is signed by the office key (`http`).

use chrono::{DateTime, Utc};
use ekn_domain::sync::{
    in_scope, AssignmentNotice, PullReply, PulledEvent, RetractedTask, RetractionNotice, SyncEvent, TaskState,
};

use crate::db::scoped;
use crate::entries::{stored_entry, ENTRY_JOINS};
use crate::error::OfficeError;
use crate::people::{Caller, Role};

/// An entry as a pull returns it; callers add their own conditions after the `WHERE`.
fn pull_query() -> String {
    format!(
        "SELECT e.global_seq, e.ws, e.epoch, p.name, e.entry, e.object_key, e.district, e.base_global, \
         e.task, ep.personal, ra.act_number FROM events e JOIN people p ON p.id = e.person_id {ENTRY_JOINS} \
         WHERE e.superseded_by IS NULL"
    )
}

fn pulled_from_row(row: &tokio_postgres::Row) -> Result<PulledEvent, OfficeError> {
    let task: Option<serde_json::Value> = row.get(8);
    Ok(PulledEvent {
        global_seq: row.get(0),
        workstation_id: row.get(1),
        epoch: row.get(2),
        author: row.get(3),
        event: SyncEvent {
            entry: stored_entry(row.get(4), row.get(9), row.get(10))?,
            object_key: row.get(5),
            district: row.get(6),
            base_global: row.get(7),
            task: task
                .map(serde_json::from_value)
                .transpose()
                .map_err(|e| OfficeError::Config(format!("a stored task: {e}")))?,
        },
    })
}

/// The entries after `since` that the caller may read, other workstations' only, in global order.
pub async fn pull(
    pool: &deadpool_postgres::Pool,
    caller: &Caller,
    since: i64,
    limit: i64,
) -> Result<PullReply, OfficeError> {
    caller.require(&[Role::Prosecutor, Role::Supervisor], "pull colleagues' work")?;
    let limit = limit.clamp(1, ekn_domain::sync::MAX_PULL);
    let since = since.max(0);
    let own = caller.workstation.clone().unwrap_or_default();
    let mut client = pool.get().await?;
    let tx = scoped(&mut client, &caller.scope()).await?;
    // The head first: every number up to it is committed (numbers are taken in commit order), so
    // the events read next hold all of them that the scope allows.
    let head: i64 = tx.query_one("SELECT last FROM sync_head WHERE id = 1", &[]).await?.get(0);
    let rows = tx
        .query(
            &format!(
                "{} AND e.global_seq > $1 AND e.global_seq <= $2 AND e.ws <> $3 ORDER BY e.global_seq LIMIT $4",
                pull_query()
            ),
            &[&since, &head, &own, &limit],
        )
        .await?;
    let events = rows.iter().map(pulled_from_row).collect::<Result<Vec<_>, _>>()?;
    let more = events.len() as i64 == limit;
    let next = if more { events.last().map_or(since, |e| e.global_seq) } else { head.max(since) };
    // Assignments in the same stretch of the order, on tasks the caller may see (row-level
    // security on assignments and tasks decides: their districts, or assigned to them).
    let rows = tx
        .query(
            "SELECT a.global_seq, a.object_key, o.name, t.district, t.state, p.name, coalesce(b.name, 'rule ' || a.rule), \
             a.reason, a.at \
             FROM assignments a JOIN office_task_view t ON t.object_key = a.object_key \
             JOIN people o ON o.id = t.owner_id JOIN people p ON p.id = a.person_id LEFT JOIN people b ON b.id = a.assigned_by \
             WHERE a.global_seq > $1 AND a.global_seq <= $2 ORDER BY a.global_seq",
            &[&since, &next],
        )
        .await?;
    let mut assignments = Vec::with_capacity(rows.len());
    for row in &rows {
        let task: serde_json::Value = row.get(4);
        assignments.push(AssignmentNotice {
            global_seq: row.get(0),
            object_key: row.get(1),
            holder: row.get(2),
            district: row.get(3),
            task: serde_json::from_value(task).map_err(|e| OfficeError::Config(format!("a stored task: {e}")))?,
            assigned_to: row.get(5),
            assigned_by: row.get(6),
            reason: row.get(7),
            at: row.get::<_, DateTime<Utc>>(8).to_rfc3339(),
        });
    }
    // A task newly assigned to the caller brings the entries written on it before it was theirs
    // (at or before `since`, which no earlier pull of theirs could have returned).
    let handed: Vec<String> = assignments
        .iter()
        .filter(|a| a.assigned_to == caller.person.name && a.holder != caller.person.name)
        .map(|a| a.object_key.clone())
        .collect();
    let history = if handed.is_empty() {
        Vec::new()
    } else {
        let rows = tx
            .query(
                &format!(
                    "{} AND e.global_seq <= $1 AND e.ws <> $2 AND e.object_key = ANY($3) ORDER BY e.global_seq",
                    pull_query()
                ),
                &[&since, &own, &handed],
            )
            .await?;
        rows.iter().map(pulled_from_row).collect::<Result<Vec<_>, _>>()?
    };
    // Conflicts opened, grown or resolved in the same stretch, on objects the caller may see.
    let conflicts = crate::conflicts::notices(
        &tx,
        "WHERE c.global_seq > $1 AND c.global_seq <= $2 ORDER BY c.global_seq",
        &[&since, &next],
    )
    .await?;
    let redactions = crate::retention::notices(&tx, since, next, &own).await?;
    let retractions = retractions(&tx, caller, since, next).await?;
    // What the office sets for every workstation (small: a few certificates and a proxy).
    let network = crate::settings::network(&tx).await?;
    // The office connectors' newest published runs (a line each).
    let connector_runs = crate::connectors::offered(&tx).await?;
    // The calendar documents the office holds, by digest: the workstation sends those it lacks.
    let calendars_held = Some(crate::calendar::held(&tx).await?);
    // The norms catalogue the office confirmed: a workstation that lacks it fetches it.
    let norms = crate::norms::in_force(&tx).await?;
    // How many appeals of this workstation the office holds: a workstation that handed over
    // more (the office restored from a backup) hands them over again. Asked on the last page
    // only, which is the one the workstation reads it from.
    let appeals_held = if more {
        None
    } else {
        let n: i64 = tx.query_one("SELECT count(*) FROM office_appeals WHERE ws = $1", &[&own]).await?.get(0);
        Some(n as u64)
    };
    // Asking from `since` says every page up to it is stored: what a destruction act has reached.
    tx.execute(
        "UPDATE workstations SET last_pull_at = now(), pulled_through = greatest(pulled_through, $2) WHERE id = $1",
        &[&own, &since],
    )
    .await?;
    tx.commit().await?;
    Ok(PullReply {
        events,
        next,
        more,
        assignments,
        conflicts,
        history,
        network,
        connector_runs,
        redactions,
        retractions,
        calendars_held,
        appeals_held,
        norms,
    })
}

/// A workstation says it stored every page up to `through` (after its last page of a sync):
/// what a destruction act has reached is counted from this.
pub async fn ack(pool: &deadpool_postgres::Pool, caller: &Caller, through: i64) -> Result<(), OfficeError> {
    let Some(ws) = &caller.workstation else {
        return Err(OfficeError::forbidden("a workstation acknowledges what it pulled, with its signature"));
    };
    let client = pool.get().await?;
    client
        .execute(
            "UPDATE workstations SET pulled_through = greatest(pulled_through, least($2, (SELECT last FROM sync_head))) \
             WHERE id = $1",
            &[ws, &through],
        )
        .await?;
    Ok(())
}

/// Restored databases' superseded streams in `(since, until]`: each with the tasks it touched
/// that the caller may see (their districts, or assigned to them before the retraction).
async fn retractions(
    tx: &deadpool_postgres::Transaction<'_>,
    caller: &Caller,
    since: i64,
    until: i64,
) -> Result<Vec<RetractionNotice>, OfficeError> {
    let rows = tx
        .query(
            "SELECT global_seq, ws, epoch, from_seq, tasks FROM retractions WHERE global_seq > $1 AND global_seq <= $2 \
             ORDER BY global_seq",
            &[&since, &until],
        )
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        let listed: Vec<serde_json::Value> = serde_json::from_value(row.get(4))
            .map_err(|e| OfficeError::Config(format!("a retraction's tasks: {e}")))?;
        let mut tasks = Vec::new();
        for task in listed {
            let district = task.get("district").and_then(|d| d.as_str());
            let assigned = task.get("assigned_to").and_then(serde_json::Value::as_i64) == Some(caller.person.id);
            if !assigned && !district.is_some_and(|d| in_scope(d, &caller.person.districts)) {
                continue;
            }
            let state: Option<TaskState> = match task.get("state") {
                Some(s) if !s.is_null() => Some(
                    serde_json::from_value(s.clone())
                        .map_err(|e| OfficeError::Config(format!("a stored task: {e}")))?,
                ),
                _ => None,
            };
            let object_key = task.get("object_key").and_then(|k| k.as_str()).unwrap_or_default().to_string();
            tasks.push(RetractedTask { object_key, state });
        }
        out.push(RetractionNotice {
            global_seq: row.get(0),
            workstation_id: row.get(1),
            epoch: row.get(2),
            from_seq: row.get(3),
            tasks,
        });
    }
    Ok(out)
}
