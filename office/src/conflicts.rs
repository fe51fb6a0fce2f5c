//! Conflicts as people and workstations see them: two or more writes on one object that did not
//! see each other (found by `push::find_conflict` during a push), read by a supervisor in their
//! districts, resolved with a reason, and sent to every workstation that may see the object as a
//! `ConflictNotice` in the pull stream — so the due date in force (the earliest while open, the
//! kept one once resolved) is the same on the office's dashboard and on every desk.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use ekn_domain::journal::StoredEntry;
use ekn_domain::sync::{ConflictEntry, ConflictNotice};
use serde::{Deserialize, Serialize};
use tokio_postgres::types::ToSql;

use crate::access::log_now;
use crate::db::scoped;
use crate::error::OfficeError;
use crate::people::{Caller, Role};

/// The conflicts a query's tail selects (`WHERE … ORDER BY …` over `conflicts c` and the task
/// `t` it concerns), each with its entries. Run under the caller's scope: row-level security on
/// the tasks and entries decides what the caller reads of them.
pub async fn notices(
    tx: &deadpool_postgres::Transaction<'_>,
    tail: &str,
    params: &[&(dyn ToSql + Sync)],
) -> Result<Vec<ConflictNotice>, OfficeError> {
    let rows = tx
        .query(
            &format!(
                "SELECT c.id, c.object_key, c.district, c.events, c.opened_at, c.resolved_at, p.name, c.chosen, \
                 c.reason, c.global_seq, t.state, t.effective_due \
                 FROM conflicts c LEFT JOIN people p ON p.id = c.resolved_by \
                 LEFT JOIN office_task_view t ON t.object_key = c.object_key {tail}"
            ),
            params,
        )
        .await?;
    let ids: Vec<i64> = rows.iter().flat_map(|r| r.get::<_, Vec<i64>>(3)).collect();
    let mut entries: HashMap<i64, ConflictEntry> = HashMap::new();
    for row in tx
        .query(
            &format!(
                "SELECT e.global_seq, e.ws, e.seq, p.name, e.entry, ep.personal, ra.act_number FROM events e \
                 JOIN people p ON p.id = e.person_id {} WHERE e.global_seq = ANY($1)",
                crate::entries::ENTRY_JOINS
            ),
            &[&ids],
        )
        .await?
    {
        let entry: StoredEntry = crate::entries::stored_entry(row.get(4), row.get(5), row.get(6))?;
        let global: i64 = row.get(0);
        // The reason with its personal words put back: the supervisor decides on it.
        let detail = entry.shown().0;
        entries.insert(
            global,
            ConflictEntry {
                global_seq: global,
                workstation_id: row.get(1),
                seq: row.get(2),
                author: row.get(3),
                kind: entry.kind,
                at: entry.at,
                old_due: entry.old_due,
                new_due: entry.new_due,
                detail,
            },
        );
    }
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        let ids: Vec<i64> = row.get(3);
        let listed: Vec<ConflictEntry> = ids.iter().filter_map(|id| entries.get(id).cloned()).collect();
        let resolved_at: Option<DateTime<Utc>> = row.get(5);
        let chosen: Option<i64> = row.get(7);
        let task: Option<serde_json::Value> = row.get(10);
        let task_due: Option<NaiveDate> = row.get(11);
        let due_in_force = match chosen {
            Some(chosen) => listed.iter().find(|e| e.global_seq == chosen).and_then(|e| e.new_due).or(task_due),
            None => listed.iter().filter_map(|e| e.new_due).chain(task_due).min(),
        };
        out.push(ConflictNotice {
            global_seq: row.get(9),
            id: row.get(0),
            object_key: row.get(1),
            district: row.get(2),
            task: task
                .map(serde_json::from_value)
                .transpose()
                .map_err(|e| OfficeError::Config(format!("a stored task: {e}")))?,
            entries: listed,
            opened_at: row.get::<_, DateTime<Utc>>(4).to_rfc3339(),
            due_in_force,
            resolved_at: resolved_at.map(|t| t.to_rfc3339()),
            resolved_by: row.get(6),
            chosen,
            reason: row.get(8),
        });
    }
    Ok(out)
}

/// The conflicts in a supervisor's districts, open ones first.
pub async fn conflicts(
    client: &mut deadpool_postgres::Client,
    caller: &Caller,
) -> Result<Vec<ConflictNotice>, OfficeError> {
    caller.require(&[Role::Supervisor], "read conflicts")?;
    // The entries' notes are case content: reading them is logged like opening a card.
    log_now(client, caller, "conflicts", None, None, "allowed", None).await?;
    let tx = scoped(client, &caller.scope()).await?;
    // Row-level security decides: the conflicts with an entry the supervisor may read.
    let out = notices(&tx, "ORDER BY c.resolved_at IS NOT NULL, c.id", &[]).await?;
    tx.commit().await?;
    Ok(out)
}

/// One conflict as the server's console lists it: the object, its district, the entries (their
/// numbers in the office's order), and whether and why it was resolved.
#[derive(Debug, Clone, Serialize)]
pub struct ConflictLine {
    pub id: i64,
    pub object_key: String,
    pub district: Option<String>,
    pub entries: Vec<i64>,
    pub resolved: bool,
    pub reason: Option<String>,
}

/// Every conflict of the office, open ones first: the console's view, under the office's own scope.
pub async fn whole_office(client: &mut deadpool_postgres::Client) -> Result<Vec<ConflictLine>, OfficeError> {
    let tx = scoped(client, &crate::db::Scope::office()).await?;
    let rows = tx
        .query(
            "SELECT c.id, c.object_key, c.district, c.events, c.resolved_at IS NOT NULL, c.reason \
             FROM conflicts c ORDER BY c.resolved_at IS NOT NULL, c.id",
            &[],
        )
        .await?;
    tx.commit().await?;
    Ok(rows
        .iter()
        .map(|r| ConflictLine {
            id: r.get(0),
            object_key: r.get(1),
            district: r.get(2),
            entries: r.get(3),
            resolved: r.get(4),
            reason: r.get(5),
        })
        .collect())
}

/// A supervisor's resolution: which entry's date stands, and why.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Resolution {
    pub chosen: i64,
    pub reason: String,
}

/// Resolves a conflict: the chosen entry's date is the one in force on the office and, with the
/// notice this numbers in the office's order, on every workstation's next pull.
pub async fn resolve(
    client: &mut deadpool_postgres::Client,
    caller: &Caller,
    id: i64,
    resolution: &Resolution,
) -> Result<ConflictNotice, OfficeError> {
    caller.require(&[Role::Supervisor], "resolve conflicts")?;
    let reason = resolution.reason.trim();
    if reason.is_empty() {
        return Err(OfficeError::bad_request("resolving a conflict needs a reason"));
    }
    if reason.chars().count() > 2000 || reason.chars().any(|c| c.is_control() && c != '\n') {
        return Err(OfficeError::bad_request("a reason is at most 2,000 characters without control characters"));
    }
    let tx = scoped(client, &caller.scope()).await?;
    // A conflict the supervisor may not see is answered as one that does not exist: its number
    // tells nothing (row-level security decides which they see).
    let row = tx
        .query_opt("SELECT object_key, district, events, resolved_at FROM conflicts WHERE id = $1 FOR UPDATE", &[&id])
        .await?
        .ok_or_else(|| OfficeError::not_found(format!("no conflict {id} in your districts")))?;
    if row.get::<_, Option<DateTime<Utc>>>(3).is_some() {
        return Err(OfficeError::conflict("resolved", format!("conflict {id} is already resolved")));
    }
    let events: Vec<i64> = row.get(2);
    if !events.contains(&resolution.chosen) {
        return Err(OfficeError::bad_request(format!("entry {} is not one of conflict {id}'s", resolution.chosen)));
    }
    let object_key: String = row.get(0);
    let chosen_due: Option<NaiveDate> = tx
        .query_one("SELECT (entry->>'new_due')::date FROM events WHERE global_seq = $1", &[&resolution.chosen])
        .await?
        .get(0);
    // A number in the office's order, so workstations pull the resolution among the entries.
    let global: i64 =
        tx.query_one("UPDATE sync_head SET last = last + 1 WHERE id = 1 RETURNING last", &[]).await?.get(0);
    tx.execute(
        "UPDATE conflicts SET resolved_at = now(), resolved_by = $2, chosen = $3, reason = $4, global_seq = $5 \
         WHERE id = $1",
        &[&id, &caller.person.id, &resolution.chosen, &reason, &global],
    )
    .await?;
    if let Some(due) = chosen_due {
        // Every holder's state of the task takes the kept date, whatever district it lies in.
        crate::db::set_scope(&tx, &crate::db::Scope::office()).await?;
        tx.execute("SELECT set_config('ekn.resolving', 'on', true)", &[]).await?;
        tx.execute("UPDATE office_tasks SET effective_due = $2 WHERE object_key = $1", &[&object_key, &due]).await?;
        tx.execute("SELECT set_config('ekn.resolving', 'off', true)", &[]).await?;
        crate::db::set_scope(&tx, &caller.scope()).await?;
    }
    let district: Option<String> = row.get(1);
    let decision = crate::journal::Decision {
        person: Some((caller.person.id, &caller.person.name)),
        kind: "conflict_resolved",
        object_key: &object_key,
        district: district.as_deref(),
        global_seq: global,
        detail: serde_json::json!({
            "conflict": id, "chosen": resolution.chosen, "due_in_force": chosen_due, "reason": reason,
        }),
    };
    crate::journal::append(&tx, decision).await?;
    let notice = notices(&tx, "WHERE c.id = $1", &[&id])
        .await?
        .pop()
        .ok_or_else(|| OfficeError::not_found(format!("no conflict {id}")))?;
    tx.commit().await?;
    Ok(notice)
}
