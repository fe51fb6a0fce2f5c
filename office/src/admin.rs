//! Administration from the app (issue 64): an administrator logged in with their own name and
//! password (a bearer session, never a workstation's signature: an administrator enrols no
//! machine) sees the office's people, workstations, connectors and their runs, incidents and the
//! administrators' journal,
//! and adds, blocks, unblocks, sets districts, revokes and re-admits — each with a reason.
//!
//! The server connects as `ekn_office_app`, which may write a person only inside a transaction
//! that `ekn_admin_begin` opened for that very person (migration 0022): the database itself
//! checks that the bearer token is a live administrator's session and journals the action before
//! the write can pass, so the journal holds every change made from the app, with who and why.

use ekn_domain::office_admin::{
    AdminAction, AdminConnector, AdminIncident, AdminJournalLine, AdminOverview, AdminPerson, AdminRun,
    AdminWorkstation, MAX_INCIDENTS, MAX_JOURNAL, MAX_RUNS,
};

use crate::error::OfficeError;
use crate::people::{self, Person, Role};
use crate::workstations;

/// The administrator a bearer token belongs to: a live session of a person whose role is admin.
pub async fn administrator(client: &deadpool_postgres::Client, token: &str) -> Result<Person, OfficeError> {
    let person = people::session_person(client, token).await?;
    if person.role != Role::Admin {
        return Err(OfficeError::forbidden(format!("{} is not an administrator of the office", person.name)));
    }
    Ok(person)
}

/// The office as an administrator sees it: people, workstations, the newest incidents (their
/// reading journaled by the database) and the administrators' journal.
pub async fn overview(client: &mut deadpool_postgres::Client, token: &str) -> Result<AdminOverview, OfficeError> {
    administrator(client, token).await?;
    overview_of(client, token).await
}

/// The overview for a token already found an administrator's (the incidents' and the journal's
/// functions check it again in the database).
async fn overview_of(client: &mut deadpool_postgres::Client, token: &str) -> Result<AdminOverview, OfficeError> {
    let people = people::list(client)
        .await?
        .into_iter()
        .map(|p| AdminPerson {
            name: p.name,
            role: p.role.code().to_string(),
            districts: p.districts,
            blocked: p.blocked,
            blocked_reason: p.blocked_reason,
        })
        .collect();
    let workstations = workstations::workstations(&*client)
        .await?
        .into_iter()
        .map(|w| AdminWorkstation {
            id: w.id,
            name: w.name,
            person: w.person,
            epoch: w.epoch,
            last_push_at: w.last_push_at,
            last_pull_at: w.last_pull_at,
            blocked_reason: w.blocked_reason,
            revoked_at: w.revoked_at,
            revoked_reason: w.revoked_reason,
        })
        .collect();
    let mut connectors = Vec::new();
    for c in crate::connectors::list(&*client).await? {
        let runs = crate::connectors::runs(&*client, &c.spec.name, MAX_RUNS as i64)
            .await?
            .into_iter()
            .map(|r| AdminRun {
                id: r.id,
                status: r.status,
                started_by: r.started_by,
                started_at: r.started_at,
                finished_at: r.finished_at,
                records: r.records,
                error: r.error,
            })
            .collect();
        connectors.push(AdminConnector {
            data: c.spec.data.code().to_string(),
            kind: c.spec.kind,
            url: c.spec.url,
            added_by: c.added_by,
            every_hours: c.spec.every_hours,
            next_run: c.next_run,
            name: c.spec.name,
            runs,
        });
    }
    let digest = people::token_digest(token);
    // The incidents' reading is an action of its own: journaled in its transaction.
    let tx = client.transaction().await?;
    let incidents = tx
        .query("SELECT at, kind, ws, detail FROM ekn_admin_incidents($1, $2)", &[&digest, &(MAX_INCIDENTS as i32)])
        .await?
        .iter()
        .map(|r| AdminIncident { at: r.get(0), kind: r.get(1), workstation: r.get(2), detail: r.get(3) })
        .collect();
    tx.commit().await?;
    let journal = client
        .query(
            "SELECT at, admin, action, subject, reason FROM ekn_admin_journal($1, $2)",
            &[&digest, &(MAX_JOURNAL as i32)],
        )
        .await?
        .iter()
        .map(|r| AdminJournalLine {
            at: r.get(0),
            admin: r.get(1),
            action: r.get(2),
            subject: r.get(3),
            reason: r.get(4),
        })
        .collect();
    Ok(AdminOverview { people, workstations, connectors, incidents, journal, at: chrono::Utc::now() })
}

/// Carries out one action in a transaction the database journals first; a refusal (a reason
/// missing, nobody of that name, a workstation revoked already) leaves nothing, the journal's
/// line included.
pub async fn act(
    client: &mut deadpool_postgres::Client,
    token: &str,
    action: &AdminAction,
) -> Result<AdminOverview, OfficeError> {
    let admin = administrator(client, token).await?;
    let (journaled, subject) = action.journaled();
    if action.reason().trim().is_empty() {
        return Err(OfficeError::bad_request(format!("{journaled} needs a reason")));
    }
    if subject.chars().count() > people::MAX_NAME || action.reason().chars().count() > 4_000 {
        return Err(OfficeError::bad_request("a name of at most 200 characters and a reason of at most 4000"));
    }
    let tx = client.transaction().await?;
    tx.query_one(
        "SELECT ekn_admin_begin($1, $2, $3, $4)",
        &[&people::token_digest(token), &journaled, &subject, &action.reason()],
    )
    .await?;
    match action {
        AdminAction::AddPerson { name, role, districts, password, .. } => {
            let role = Role::parse(role)?;
            let districts = district_list(districts)?;
            people::add(&tx, name, role, &districts, &[], password).await?;
        }
        AdminAction::Block { name, reason } => {
            people::block(&tx, name, reason).await?;
        }
        AdminAction::Unblock { name, reason } => {
            people::unblock(&tx, name, reason).await?;
        }
        AdminAction::SetDistricts { name, districts, .. } => {
            let districts = district_list(districts)?;
            people::set_districts(&tx, name, &districts).await?;
        }
        AdminAction::Revoke { workstation, reason } => {
            workstations::revoke(&tx, &admin, workstation, reason).await?;
        }
        AdminAction::Readmit { workstation, epoch, reason } => {
            workstations::readmit(&tx, workstation, epoch, reason).await?;
        }
    }
    tx.commit().await?;
    overview_of(client, token).await
}

/// A list of districts as the console's `--districts` reads them, one element each.
fn district_list(list: &[String]) -> Result<Vec<String>, OfficeError> {
    if list.len() > 1_000 || list.iter().any(|d| d.contains(',')) {
        return Err(OfficeError::bad_request("districts are a list of KATO code prefixes (up to 9 digits) or '*'"));
    }
    people::parse_districts(&list.join(","))
}
