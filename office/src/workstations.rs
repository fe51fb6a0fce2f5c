//! The enrolled workstations: enrolment (a logged-in person enrols a machine with the key that
//! signs its journal, proving it holds that key), what the office knows of each, and what an
//! administrator does to one — re-admit a restored or copied database under its new epoch, or
//! revoke a single machine (a stolen laptop) without blocking its person. Every refusal the office
//! makes of a workstation's push is an incident, an administrator's to-do list.

use chrono::{DateTime, Utc};
use ekn_domain::journal::GENESIS;
use ekn_domain::sync::{parse_public_key, verify_enrol};
use serde::{Deserialize, Serialize};

use crate::error::OfficeError;
use crate::keys::{public_key, random_bytes};
use crate::people::{Caller, Person, Role};

/// `POST /v1/workstations/enrol`, made by a logged-in person from the workstation.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EnrolRequest {
    /// What the person calls the machine ("office PC", "laptop").
    pub name: String,
    /// The ed25519 public key that signs the workstation's journal checkpoints, hex.
    pub public_key: String,
    pub epoch: String,
    /// The key's signature over the person's name, the key and the epoch (`enrol_bytes`): nobody
    /// enrols a colleague's published public key as their own.
    pub proof: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EnrolReply {
    pub workstation_id: String,
    pub office_key: String,
    pub person: Person,
    /// The entries of this workstation the office already holds (0 for a new one).
    pub last_seq: i64,
    /// The office's pseudonym key (64 hex digits): every workstation of the office pseudonymises
    /// applicants under it too, so the office tells one applicant writing to two prosecutors.
    pub pseudonym_key: String,
}

/// A workstation as the office knows it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Workstation {
    pub id: String,
    pub person_id: i64,
    pub person: String,
    pub name: String,
    pub public_key: String,
    pub epoch: String,
    pub last_seq: i64,
    pub witnessed_size: i64,
    pub blocked_reason: Option<String>,
    pub readmit_epoch: Option<String>,
    /// Revoked by an administrator (a stolen or retired machine): refused everything, for good.
    pub revoked_at: Option<String>,
    pub revoked_reason: Option<String>,
    pub last_push_at: Option<String>,
    pub last_pull_at: Option<String>,
}

const WS_COLUMNS: &str = "w.id, w.person_id, p.name AS person, w.name, w.public_key, w.epoch, w.last_seq, \
                          w.witnessed_size, w.blocked_reason, w.readmit_epoch, w.revoked_at, w.revoked_reason, \
                          w.last_push_at, w.last_pull_at";

fn workstation_from_row(row: &tokio_postgres::Row) -> Workstation {
    let time = |name: &str| row.get::<_, Option<DateTime<Utc>>>(name).map(|t| t.to_rfc3339());
    Workstation {
        id: row.get("id"),
        person_id: row.get("person_id"),
        person: row.get("person"),
        name: row.get("name"),
        public_key: row.get("public_key"),
        epoch: row.get("epoch"),
        last_seq: row.get("last_seq"),
        witnessed_size: row.get("witnessed_size"),
        blocked_reason: row.get("blocked_reason"),
        readmit_epoch: row.get("readmit_epoch"),
        revoked_at: time("revoked_at"),
        revoked_reason: row.get("revoked_reason"),
        last_push_at: time("last_push_at"),
        last_pull_at: time("last_pull_at"),
    }
}

pub async fn workstation<C: deadpool_postgres::GenericClient>(
    client: &C,
    id: &str,
) -> Result<Option<Workstation>, OfficeError> {
    if id.len() > 64 {
        return Ok(None);
    }
    let row = client
        .query_opt(
            &format!("SELECT {WS_COLUMNS} FROM workstations w JOIN people p ON p.id = w.person_id WHERE w.id = $1"),
            &[&id],
        )
        .await?;
    Ok(row.as_ref().map(workstation_from_row))
}

pub async fn workstations<C: deadpool_postgres::GenericClient>(client: &C) -> Result<Vec<Workstation>, OfficeError> {
    let rows = client
        .query(
            &format!(
                "SELECT {WS_COLUMNS} FROM workstations w JOIN people p ON p.id = w.person_id ORDER BY p.name, w.name"
            ),
            &[],
        )
        .await?;
    Ok(rows.iter().map(workstation_from_row).collect())
}

/// Enrols a workstation for the calling person. Joining again with the same key is the same
/// workstation (unless it was revoked); a key enrolled to somebody else is refused, and so is a
/// key the caller does not prove they hold.
pub async fn enrol<C: deadpool_postgres::GenericClient>(
    client: &C,
    caller: &Caller,
    request: &EnrolRequest,
    office_key: &ed25519_dalek::SigningKey,
) -> Result<EnrolReply, OfficeError> {
    caller.require(&[Role::Prosecutor, Role::Supervisor], "enrol a workstation")?;
    parse_public_key(&request.public_key).map_err(OfficeError::bad_request)?;
    if request.epoch.trim().is_empty() || request.epoch.len() > 100 {
        return Err(OfficeError::bad_request("the workstation's epoch is missing"));
    }
    let name = request.name.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(OfficeError::bad_request("a workstation's name is 1 to 100 characters"));
    }
    verify_enrol(&caller.person.name, &request.public_key, &request.epoch, &request.proof)
        .map_err(OfficeError::unauthorized)?;
    let id = hex::encode(random_bytes::<16>()?);
    client
        .execute(
            "INSERT INTO workstations(id, person_id, name, public_key, epoch, last_hash) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (public_key) DO NOTHING",
            &[&id, &caller.person.id, &name, &request.public_key, &request.epoch, &GENESIS],
        )
        .await?;
    let row = client
        .query_one(
            &format!(
                "SELECT {WS_COLUMNS} FROM workstations w JOIN people p ON p.id = w.person_id WHERE w.public_key = $1"
            ),
            &[&request.public_key],
        )
        .await?;
    let ws = workstation_from_row(&row);
    if ws.person_id != caller.person.id {
        return Err(OfficeError::conflict("enrolled", "this workstation's key is enrolled to another person"));
    }
    if ws.revoked_at.is_some() {
        return Err(OfficeError::refused(
            axum::http::StatusCode::UNAUTHORIZED,
            "revoked",
            "this workstation was revoked by the office's administrator: its key is not taken again",
        ));
    }
    Ok(EnrolReply {
        workstation_id: ws.id,
        office_key: public_key(client).await?,
        person: caller.person.clone(),
        last_seq: ws.last_seq,
        pseudonym_key: hex::encode(crate::keys::pseudonym_key(office_key)),
    })
}

/// Records an incident (outside the refused transaction, so it stays).
pub async fn incident<C: deadpool_postgres::GenericClient>(
    client: &C,
    ws: &str,
    kind: &str,
    detail: &str,
) -> Result<(), OfficeError> {
    client.execute("INSERT INTO incidents(ws, kind, detail) VALUES ($1, $2, $3)", &[&ws, &kind, &detail]).await?;
    Ok(())
}

/// An administrator re-admits a workstation whose database was restored or copied: its next push
/// under `epoch` may begin a new stream from the last entry both histories share. Lifts a block.
pub async fn readmit<C: deadpool_postgres::GenericClient>(
    client: &C,
    ws: &str,
    epoch: &str,
    reason: &str,
) -> Result<(), OfficeError> {
    if reason.trim().is_empty() {
        return Err(OfficeError::bad_request("re-admitting a workstation needs a reason"));
    }
    let changed = client
        .execute(
            "UPDATE workstations SET readmit_epoch = $2, blocked_reason = NULL WHERE id = $1 AND revoked_at IS NULL",
            &[&ws, &epoch],
        )
        .await?;
    if changed == 0 {
        return Err(OfficeError::not_found(format!("no workstation '{ws}' that is not revoked")));
    }
    incident(client, ws, "readmitted", &format!("epoch {epoch}: {reason}")).await
}

/// An administrator revokes one workstation (a stolen or retired laptop): every request it signs
/// is refused from now on, for good, and at its next contact it purges what it pulled. Its
/// person's other workstations and sessions go on.
pub async fn revoke<C: deadpool_postgres::GenericClient>(
    client: &C,
    by: &Person,
    ws: &str,
    reason: &str,
) -> Result<Workstation, OfficeError> {
    if by.role != Role::Admin {
        return Err(OfficeError::forbidden(format!(
            "{} is not an administrator: only one revokes a workstation",
            by.name
        )));
    }
    if reason.trim().is_empty() {
        return Err(OfficeError::bad_request("revoking a workstation needs a reason"));
    }
    let changed = client
        .execute(
            "UPDATE workstations SET revoked_at = now(), revoked_reason = $2 WHERE id = $1 AND revoked_at IS NULL",
            &[&ws, &format!("{reason} (by {})", by.name)],
        )
        .await?;
    if changed == 0 {
        return Err(OfficeError::not_found(format!("no workstation '{ws}' that is not revoked already")));
    }
    incident(client, ws, "revoked", &format!("by {}: {reason}", by.name)).await?;
    workstation(client, ws).await?.ok_or_else(|| OfficeError::not_found(format!("no workstation '{ws}'")))
}

/// One incident as the console lists it.
#[derive(Debug, Clone, Serialize)]
pub struct Incident {
    pub at: String,
    pub kind: String,
    pub workstation: Option<String>,
    pub detail: String,
}

/// The newest incidents (the owner's console: the server's role may not read them).
pub async fn incidents(client: &deadpool_postgres::Client, limit: i64) -> Result<Vec<Incident>, OfficeError> {
    let rows = client.query("SELECT at, kind, ws, detail FROM incidents ORDER BY id DESC LIMIT $1", &[&limit]).await?;
    Ok(rows
        .iter()
        .map(|r| Incident {
            at: r.get::<_, DateTime<Utc>>(0).to_rfc3339(),
            kind: r.get(1),
            workstation: r.get(2),
            detail: r.get(3),
        })
        .collect())
}
