//! Appeals' SLA tasks handed out by rule. A workstation that triages an appeal creates its
//! consideration (and forwarding) task for the unit the routing table chose, with no assignee
//! ("—"): who in that unit takes it is the office's to say, since only the office sees everyone's
//! work. When such a task arrives, the office gives it to the member of the unit whose districts
//! cover the appeal and who holds the least open work, and records the assignment with the rule's
//! version and the figures that decided it; a supervisor may reassign it with a reason like any
//! other. The assignment reaches the workstations in the global order, as a supervisor's does.

use std::collections::HashMap;

use ekn_domain::sync::{in_scope, TaskState};
use ekn_domain::tasks::TaskKind;
use ekn_domain::triage::RoutingTable;
use serde::{Deserialize, Serialize};

use crate::db::{scoped, Scope};
use crate::error::OfficeError;

/// The assignee a workstation writes on an SLA task it leaves to the office.
pub use ekn_domain::triage::routing::UNASSIGNED;

/// Names the rule in every assignment it makes: the routing table's version and this rule's own.
pub fn rule_name() -> String {
    format!("{} + workload-1", RoutingTable::builtin().version)
}

/// One assignment the rule made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Routed {
    pub object_key: String,
    pub person: String,
    pub reason: String,
}

/// Whether a task is an appeal's SLA task the office should hand out.
fn awaits_routing(state: &TaskState) -> bool {
    let sla = state.task_kind == TaskKind::ConsiderAppeal.code() || state.task_kind == TaskKind::ForwardAppeal.code();
    sla && state.assignee == UNASSIGNED && state.status == "open"
}

/// The routing table's unit a task names: workstations write the unit's Russian name, older ones its id.
fn unit_of(state: &TaskState) -> Option<String> {
    RoutingTable::builtin().units.iter().find(|u| u.id == state.unit || u.name_ru == state.unit).map(|u| u.id.clone())
}

/// Hands out the given tasks (those just pushed) that await routing and have no assignment yet.
/// Runs as the office itself in its own transaction after the push committed, so a push is never
/// refused for want of a unit member; a task left unassigned (nobody in the unit covers its
/// district) stays "—" on the dashboard for a supervisor. Tasks that were not handed out because
/// the server stopped in between are found again by `route_pending` at start.
pub async fn route(client: &mut deadpool_postgres::Client, keys: &[String]) -> Result<Vec<Routed>, OfficeError> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    // The office's own scope: it reads every district's tasks to count a member's work, and
    // writes only assignments; nothing it reads leaves the server except the counts in a reason.
    let tx = scoped(client, &Scope::office()).await?;
    let rows = tx
        .query(
            "SELECT t.object_key, t.district, t.state FROM office_task_view t \
             WHERE t.object_key = ANY($1) AND t.status = 'open' \
             AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.object_key = t.object_key) ORDER BY t.updated_global",
            &[&keys],
        )
        .await?;
    let rule = rule_name();
    let mut routed = Vec::new();
    // Each unit's members and their open work, counted once per pass and kept up as tasks are given.
    let mut members_of: HashMap<String, Vec<Member>> = HashMap::new();
    for row in &rows {
        let key: String = row.get(0);
        let district: Option<String> = row.get(1);
        let state: TaskState = match serde_json::from_value(row.get(2)) {
            Ok(s) => s,
            Err(e) => return Err(OfficeError::Config(format!("a stored task {key}: {e}"))),
        };
        if !awaits_routing(&state) {
            continue;
        }
        let Some(unit) = unit_of(&state) else { continue };
        if !members_of.contains_key(&unit) {
            members_of.insert(unit.clone(), unit_members(&tx, &unit).await?);
        }
        let members = members_of.get_mut(&unit).expect("loaded above");
        let covering = |m: &&mut Member| district.as_deref().is_some_and(|d| in_scope(d, &m.districts));
        let eligible = members.iter_mut().filter(covering).count();
        let Some(chosen) =
            members.iter_mut().filter(covering).min_by(|a, b| a.open.cmp(&b.open).then(a.name.cmp(&b.name)))
        else {
            tracing::info!(task = %key, unit = %unit, "no member of the unit covers the task's district; left for a supervisor");
            continue;
        };
        let (person_id, name, open) = (chosen.id, chosen.name.clone(), chosen.open);
        let reason = format!(
            "routing table {}: unit {unit}; the least open work among {} member(s) covering district {}: {open} task(s)",
            RoutingTable::builtin().version,
            eligible,
            district.as_deref().unwrap_or("—"),
        );
        let global: i64 =
            tx.query_one("UPDATE sync_head SET last = last + 1 WHERE id = 1 RETURNING last", &[]).await?.get(0);
        // A supervisor's assignment made meanwhile stands: the rule never overrides a person.
        let inserted = tx
            .execute(
                "INSERT INTO assignments(object_key, global_seq, person_id, assigned_by, rule, reason, at, district) \
                 VALUES ($1, $2, $3, NULL, $4, $5, now(), $6) ON CONFLICT (object_key) DO NOTHING",
                &[&key, &global, &person_id, &rule, &reason, &district],
            )
            .await?;
        if inserted == 1 {
            let decision = crate::journal::Decision {
                person: None,
                kind: "assigned_by_rule",
                object_key: &key,
                district: district.as_deref(),
                global_seq: global,
                detail: serde_json::json!({ "assigned_to": name, "rule": rule, "reason": reason }),
            };
            crate::journal::append(&tx, decision).await?;
            // The next task of this push counts the one just given.
            chosen.open += 1;
            routed.push(Routed { object_key: key, person: name, reason });
        }
    }
    tx.commit().await?;
    Ok(routed)
}

/// A member of a unit who may be given work, with their open tasks.
struct Member {
    id: i64,
    name: String,
    districts: Vec<String>,
    open: i64,
}

/// The unit's prosecutors who are not blocked, with their open tasks: those assigned to them, and
/// those they hold that nobody was assigned (an SLA task awaiting routing is nobody's).
async fn unit_members(tx: &deadpool_postgres::Transaction<'_>, unit: &str) -> Result<Vec<Member>, OfficeError> {
    let rows = tx
        .query(
            "SELECT p.id, p.name, p.districts, \
               (SELECT count(*) FROM office_task_view t LEFT JOIN assignments a ON a.object_key = t.object_key \
                WHERE t.status = 'open' AND (a.person_id = p.id \
                  OR (a.person_id IS NULL AND t.owner_id = p.id AND t.state->>'assignee' <> $2))) \
             FROM people p WHERE $1 = ANY(p.units) AND p.blocked_at IS NULL AND p.role = 'prosecutor'",
            &[&unit, &UNASSIGNED],
        )
        .await?;
    Ok(rows.iter().map(|r| Member { id: r.get(0), name: r.get(1), districts: r.get(2), open: r.get(3) }).collect())
}

/// Every open SLA task still awaiting routing (after a restart, or a member added to a unit).
pub async fn route_pending(client: &mut deadpool_postgres::Client) -> Result<Vec<Routed>, OfficeError> {
    let keys: Vec<String> = {
        let tx = scoped(client, &Scope::office()).await?;
        let rows = tx
            .query(
                "SELECT t.object_key FROM office_task_view t WHERE t.status = 'open' AND t.state->>'assignee' = $1 \
                 AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.object_key = t.object_key)",
                &[&UNASSIGNED],
            )
            .await?;
        tx.commit().await?;
        rows.iter().map(|r| r.get(0)).collect()
    };
    route(client, &keys).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(kind: &str, assignee: &str, unit: &str) -> TaskState {
        serde_json::from_value(serde_json::json!({
            "task_kind": kind, "title": "t", "subject_bin": null, "appeal_no": "A-1", "assignee": assignee,
            "unit": unit, "region_code": null, "category": null, "event_date": "2026-01-05",
            "original_due": "2026-02-04", "current_due": "2026-02-04", "status": "open", "done_on": null
        }))
        .unwrap()
    }

    #[test]
    fn only_unassigned_open_sla_tasks_await_routing() {
        assert!(awaits_routing(&state("consider_appeal", UNASSIGNED, "reception")));
        assert!(awaits_routing(&state("forward_appeal", UNASSIGNED, "reception")));
        assert!(!awaits_routing(&state("consider_appeal", "Айгерим", "reception")));
        assert!(!awaits_routing(&state("inspection_act", UNASSIGNED, "reception")));
    }

    #[test]
    fn a_unit_is_found_by_its_russian_name_or_its_id() {
        let table = RoutingTable::builtin();
        let unit = &table.units[0];
        assert_eq!(unit_of(&state("consider_appeal", UNASSIGNED, &unit.name_ru)), Some(unit.id.clone()));
        assert_eq!(unit_of(&state("consider_appeal", UNASSIGNED, &unit.id)), Some(unit.id.clone()));
        assert_eq!(unit_of(&state("consider_appeal", UNASSIGNED, "no such unit")), None);
    }
}
