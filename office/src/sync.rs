//! The office side of `ekn.sync/1`: enrolling a workstation, taking a push (one transaction: the
//! workstation's row locked, every entry's chain checked with the core's own hash, duplicates
//! skipped, a fork, a gap or an unknown epoch refused with nothing applied, global numbers from
//! one counter row so the order is the commit order), witnessing its checkpoint, flagging
//! conflicts, keeping the tasks the dashboards count, and answering a pull within the caller's
//! scope.

use axum::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};
use ed25519_dalek::Signer;
use ekn::domain::journal::{chain_hash, leaf_of, StoredEntry, GENESIS};
use ekn::domain::merkle::{self, Frontier};
use ekn::domain::sync::{
    conflicting_kinds, cosign_bytes, parse_public_key, AssignmentNotice, Cosignature, PullReply, PulledEvent,
    PushReply, PushRequest, Refusal, SyncEvent, PROTOCOL,
};
use serde::{Deserialize, Serialize};

use crate::db::{scoped, Scope};
use crate::error::OfficeError;
use crate::keys::{office_key, random_bytes};
use crate::people::{Caller, Person, Role};

/// `POST /v1/workstations/enrol`, made by a logged-in person from the workstation.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EnrolRequest {
    /// What the person calls the machine ("office PC", "laptop").
    pub name: String,
    /// The ed25519 public key that signs the workstation's journal checkpoints, hex.
    pub public_key: String,
    pub epoch: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EnrolReply {
    pub workstation_id: String,
    pub office_key: String,
    pub person: Person,
    /// The entries of this workstation the office already holds (0 for a new one).
    pub last_seq: i64,
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
}

const WS_COLUMNS: &str = "w.id, w.person_id, p.name AS person, w.name, w.public_key, w.epoch, w.last_seq, \
                          w.witnessed_size, w.blocked_reason, w.readmit_epoch";

fn workstation_from_row(row: &tokio_postgres::Row) -> Workstation {
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
    }
}

pub async fn workstation(client: &tokio_postgres::Client, id: &str) -> Result<Option<Workstation>, OfficeError> {
    let row = client
        .query_opt(
            &format!("SELECT {WS_COLUMNS} FROM workstations w JOIN people p ON p.id = w.person_id WHERE w.id = $1"),
            &[&id],
        )
        .await?;
    Ok(row.as_ref().map(workstation_from_row))
}

pub async fn workstations(client: &tokio_postgres::Client) -> Result<Vec<Workstation>, OfficeError> {
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
/// workstation; a key enrolled to somebody else is refused.
pub async fn enrol(
    client: &tokio_postgres::Client,
    caller: &Caller,
    request: &EnrolRequest,
) -> Result<EnrolReply, OfficeError> {
    caller.require(&[Role::Prosecutor, Role::Supervisor], "enrol a workstation")?;
    parse_public_key(&request.public_key).map_err(OfficeError::bad_request)?;
    if request.epoch.trim().is_empty() || request.epoch.len() > 100 {
        return Err(OfficeError::bad_request("the workstation's epoch is missing"));
    }
    let name = request.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(OfficeError::bad_request("a workstation's name is 1 to 100 characters"));
    }
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
    let office_key: String = client.query_one("SELECT public_hex FROM office_key WHERE id = 1", &[]).await?.get(0);
    Ok(EnrolReply { workstation_id: ws.id, office_key, person: caller.person.clone(), last_seq: ws.last_seq })
}

/// Records an incident (outside the refused transaction, so it stays).
pub async fn incident(client: &tokio_postgres::Client, ws: &str, kind: &str, detail: &str) -> Result<(), OfficeError> {
    client.execute("INSERT INTO incidents(ws, kind, detail) VALUES ($1, $2, $3)", &[&ws, &kind, &detail]).await?;
    Ok(())
}

/// An administrator re-admits a workstation whose database was restored or copied: its next push
/// under `epoch` may begin a new stream from the last entry both histories share. Lifts a block.
pub async fn readmit(client: &tokio_postgres::Client, ws: &str, epoch: &str, reason: &str) -> Result<(), OfficeError> {
    if reason.trim().is_empty() {
        return Err(OfficeError::bad_request("re-admitting a workstation needs a reason"));
    }
    let changed = client
        .execute("UPDATE workstations SET readmit_epoch = $2, blocked_reason = NULL WHERE id = $1", &[&ws, &epoch])
        .await?;
    if changed == 0 {
        return Err(OfficeError::not_found(format!("no workstation '{ws}'")));
    }
    incident(client, ws, "readmitted", &format!("epoch {epoch}: {reason}")).await
}

fn refusal(code: &str, message: String, expected_seq: Option<i64>) -> OfficeError {
    OfficeError::Refused(StatusCode::CONFLICT, Refusal { error: code.into(), message, expected_seq })
}

/// Checks that an entry hashes to what it says, and that its personal data is what its digest says.
fn check_entry(entry: &StoredEntry) -> Result<(), OfficeError> {
    if chain_hash(entry) != entry.hash {
        return Err(OfficeError::refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_chain",
            format!("entry {} does not hash to the hash it carries", entry.seq),
        ));
    }
    if let (Some(personal), Some(digest)) = (&entry.personal, &entry.personal_digest) {
        if &personal.digest() != digest {
            return Err(OfficeError::refused(
                StatusCode::UNPROCESSABLE_ENTITY,
                "bad_chain",
                format!("entry {}'s personal data does not match its digest", entry.seq),
            ));
        }
    }
    Ok(())
}

/// The state of the workstation's stream the push extends, as locked for the push.
struct Stream {
    epoch: String,
    last_seq: i64,
    last_hash: String,
    frontier: Frontier,
    witnessed_size: i64,
    readmitting: bool,
}

fn frontier_of(size: i64, nodes: &[String]) -> Result<Frontier, OfficeError> {
    let nodes = nodes
        .iter()
        .map(|n| merkle::from_hex(n))
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| OfficeError::Config("a workstation's stored frontier is damaged".into()))?;
    Ok(Frontier { size: size as u64, nodes })
}

/// Takes a push from the workstation `ws` (its signature already checked). Everything or nothing.
pub async fn push(
    pool: &deadpool_postgres::Pool,
    ws: &Workstation,
    person: &Person,
    request: &PushRequest,
) -> Result<PushReply, OfficeError> {
    if request.protocol != PROTOCOL {
        return Err(OfficeError::refused(
            StatusCode::UPGRADE_REQUIRED,
            "protocol",
            format!("the office speaks ekn.sync/{PROTOCOL}; this workstation sent /{}", request.protocol),
        ));
    }
    if request.workstation_id != ws.id {
        return Err(OfficeError::forbidden("the push names another workstation than the one that signed it"));
    }
    if request.events.len() > ekn::domain::sync::MAX_BATCH {
        return Err(OfficeError::refused(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("a push carries at most {} entries", ekn::domain::sync::MAX_BATCH),
        ));
    }
    let mut client = pool.get().await?;
    let result = push_in_transaction(&mut client, ws, person, request).await;
    if result.is_ok() {
        // Appeals' SLA tasks just arrived unassigned are handed out by rule, after the push
        // committed: a failure here loses nothing (the task waits for the next pass) and is logged.
        let keys: Vec<String> = request
            .events
            .iter()
            .filter(|e| e.task.as_ref().is_some_and(|t| t.assignee == crate::routing::UNASSIGNED))
            .filter_map(|e| e.object_key.clone())
            .collect();
        if let Err(e) = crate::routing::route(&mut client, &keys).await {
            tracing::error!(target: "ekn_office", error = %e, "routing the pushed SLA tasks failed; they wait for the next pass");
        }
    }
    if let Err(OfficeError::Refused(_, refusal)) = &result {
        if matches!(refusal.error.as_str(), "fork" | "epoch_mismatch" | "bad_chain" | "bad_checkpoint") {
            incident(&client, &ws.id, &refusal.error, &refusal.message).await?;
        }
        if refusal.error == "fork" {
            client
                .execute(
                    "UPDATE workstations SET blocked_reason = $2 WHERE id = $1",
                    &[&ws.id, &format!("refused as a fork: {}", refusal.message)],
                )
                .await?;
        }
    }
    result
}

async fn push_in_transaction(
    client: &mut deadpool_postgres::Client,
    ws: &Workstation,
    person: &Person,
    request: &PushRequest,
) -> Result<PushReply, OfficeError> {
    let scope = Scope {
        districts: person.districts.clone(),
        person_id: Some(person.id),
        writer: Some(ws.id.clone()),
        audit: false,
    };
    let tx = scoped(client, &scope).await?;
    let row = tx
        .query_one(
            "SELECT epoch, last_seq, last_hash, frontier, witnessed_size, blocked_reason, readmit_epoch \
             FROM workstations WHERE id = $1 FOR UPDATE",
            &[&ws.id],
        )
        .await?;
    if let Some(reason) = row.get::<_, Option<String>>("blocked_reason") {
        return Err(OfficeError::refused(
            StatusCode::FORBIDDEN,
            "blocked",
            format!("this workstation's sync is blocked until an administrator acts ({reason})"),
        ));
    }
    let pinned: String = row.get("epoch");
    let readmit: Option<String> = row.get("readmit_epoch");
    let readmitting = pinned != request.epoch && readmit.as_deref() == Some(request.epoch.as_str());
    if pinned != request.epoch && !readmitting {
        return Err(refusal(
            "epoch_mismatch",
            format!(
                "this database is not the one the office admitted (epoch {} instead of {pinned}): it was restored \
                 from a backup or copied; an administrator must re-admit it (ekn-office workstation readmit)",
                request.epoch
            ),
            None,
        ));
    }
    let last_seq: i64 = row.get("last_seq");
    let mut stream = Stream {
        epoch: pinned,
        last_seq,
        last_hash: row.get("last_hash"),
        frontier: frontier_of(last_seq, &row.get::<_, Vec<String>>("frontier"))?,
        witnessed_size: row.get("witnessed_size"),
        readmitting,
    };

    let mut applied = 0usize;
    let mut duplicates = 0usize;
    let mut global_from = None;
    let mut global_to = None;
    let mut conflicts = Vec::new();
    for event in &request.events {
        check_entry(&event.entry)?;
        let seq = event.entry.seq;
        if seq <= stream.last_seq {
            let stored: Option<String> = tx
                .query_opt(
                    "SELECT hash FROM events WHERE ws = $1 AND seq = $2 AND superseded_by IS NULL",
                    &[&ws.id, &seq],
                )
                .await?
                .map(|r| r.get(0));
            if stored.as_deref() == Some(event.entry.hash.as_str()) {
                duplicates += 1;
                continue;
            }
            if stream.readmitting {
                rewind(&tx, &ws.id, &request.epoch, seq, &mut stream).await?;
            } else {
                return Err(refusal(
                    "fork",
                    format!(
                        "entry {seq} differs from the one this workstation pushed before: its history was rewritten, \
                         or a copy of its database was written to; nothing of this push was applied"
                    ),
                    None,
                ));
            }
        }
        if seq != stream.last_seq + 1 {
            return Err(refusal(
                "gap",
                format!(
                    "the office holds this workstation's entries up to {}; the push began at {seq}",
                    stream.last_seq
                ),
                Some(stream.last_seq + 1),
            ));
        }
        if event.entry.prev_hash != stream.last_hash {
            return Err(refusal(
                "fork",
                format!("entry {seq} does not follow the entry the office holds before it; nothing was applied"),
                None,
            ));
        }
        if stream.readmitting {
            // The first new entry of a re-admitted stream: from here on the new epoch is pinned.
            tx.execute(
                "UPDATE workstations SET epoch = $2, readmit_epoch = NULL WHERE id = $1",
                &[&ws.id, &request.epoch],
            )
            .await?;
            stream.epoch = request.epoch.clone();
            stream.readmitting = false;
        }
        let global = insert_event(&tx, ws, person, &stream.epoch, event).await?;
        global_from.get_or_insert(global);
        global_to = Some(global);
        if let Some(key) = find_conflict(&tx, &ws.id, event, global).await? {
            conflicts.push(key);
        }
        project(&tx, ws, person, event, global).await?;
        stream.frontier.push(leaf_of(&event.entry.hash));
        stream.last_seq = seq;
        stream.last_hash = event.entry.hash.clone();
        applied += 1;
    }

    let cosignature = match &request.checkpoint {
        Some(checkpoint) => witness(&tx, ws, &mut stream, checkpoint).await?,
        None => None,
    };
    let frontier: Vec<String> = stream.frontier.nodes.iter().map(merkle::to_hex).collect();
    tx.execute(
        "UPDATE workstations SET last_seq = $2, last_hash = $3, frontier = $4, witnessed_size = $5, \
         witnessed_root = coalesce($6, witnessed_root), last_push_at = now() WHERE id = $1",
        &[
            &ws.id,
            &stream.last_seq,
            &stream.last_hash,
            &frontier,
            &stream.witnessed_size,
            &cosignature.as_ref().map(|c| c.merkle_root.clone()),
        ],
    )
    .await?;
    tx.commit().await?;
    Ok(PushReply {
        accepted_through_seq: stream.last_seq,
        applied,
        duplicates,
        global_from,
        global_to,
        conflicts,
        cosignature,
        server_time: Utc::now().to_rfc3339(),
    })
}

/// A re-admitted stream begins again at `seq`: the old stream's entries from `seq` on stay,
/// marked superseded, and the frontier is rebuilt over the entries both share.
async fn rewind(
    tx: &deadpool_postgres::Transaction<'_>,
    ws: &str,
    new_epoch: &str,
    seq: i64,
    stream: &mut Stream,
) -> Result<(), OfficeError> {
    tx.execute(
        "UPDATE events SET superseded_by = $3 WHERE ws = $1 AND seq >= $2 AND superseded_by IS NULL",
        &[&ws, &seq, &new_epoch],
    )
    .await?;
    let rows = tx
        .query(
            "SELECT hash FROM events WHERE ws = $1 AND seq < $2 AND superseded_by IS NULL ORDER BY seq",
            &[&ws, &seq],
        )
        .await?;
    let mut frontier = Frontier::default();
    let mut last_hash = GENESIS.to_string();
    for row in &rows {
        let hash: String = row.get(0);
        frontier.push(leaf_of(&hash));
        last_hash = hash;
    }
    stream.last_seq = seq - 1;
    stream.last_hash = last_hash;
    stream.frontier = frontier;
    stream.witnessed_size = stream.witnessed_size.min(seq - 1);
    Ok(())
}

/// Inserts one entry with the next global number, taken from the counter row in this
/// transaction (so numbers become visible in the order they were given).
async fn insert_event(
    tx: &deadpool_postgres::Transaction<'_>,
    ws: &Workstation,
    person: &Person,
    epoch: &str,
    event: &SyncEvent,
) -> Result<i64, OfficeError> {
    let entry = serde_json::to_value(&event.entry).map_err(|e| OfficeError::bad_request(e.to_string()))?;
    let task = event
        .task
        .as_ref()
        .map(serde_json::to_value)
        .transpose()
        .map_err(|e| OfficeError::bad_request(e.to_string()))?;
    let row = tx
        .query_one(
            "WITH h AS (UPDATE sync_head SET last = last + 1 WHERE id = 1 RETURNING last) \
             INSERT INTO events(global_seq, ws, epoch, seq, person_id, object_key, district, base_global, kind, entry, task, hash) \
             SELECT h.last, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11 FROM h RETURNING global_seq",
            &[
                &ws.id,
                &epoch,
                &event.entry.seq,
                &person.id,
                &event.object_key,
                &event.district,
                &event.base_global,
                &event.entry.kind,
                &entry,
                &task,
                &event.entry.hash,
            ],
        )
        .await?;
    let mut keys: Vec<&str> = Vec::new();
    let card_key = event.entry.subject_bin.as_ref().map(|bin| format!("card:{bin}"));
    if let Some(key) = &event.object_key {
        keys.push(key);
    }
    if let Some(key) = &card_key {
        keys.push(key);
    }
    for key in keys {
        tx.execute(
            "INSERT INTO object_districts(object_key, district) VALUES ($1, $2) \
             ON CONFLICT (object_key) DO UPDATE SET district = coalesce(EXCLUDED.district, object_districts.district)",
            &[&key, &event.district],
        )
        .await?;
    }
    Ok(row.get(0))
}

/// Opens (or extends) a conflict when this entry moves an object's deadline, or corrects an
/// appeal, and another workstation did the same without having seen this one's writer's view.
async fn find_conflict(
    tx: &deadpool_postgres::Transaction<'_>,
    ws: &str,
    event: &SyncEvent,
    global: i64,
) -> Result<Option<String>, OfficeError> {
    let Some(key) = &event.object_key else { return Ok(None) };
    let rows = tx
        .query(
            "SELECT global_seq, kind FROM events WHERE object_key = $1 AND ws <> $2 AND global_seq > $3 \
             AND global_seq < $4 AND superseded_by IS NULL",
            &[key, &ws, &event.base_global, &global],
        )
        .await?;
    let rivals: Vec<i64> =
        rows.iter().filter(|r| conflicting_kinds(&event.entry.kind, r.get::<_, &str>(1))).map(|r| r.get(0)).collect();
    if rivals.is_empty() {
        return Ok(None);
    }
    let open = tx.query_opt("SELECT id FROM conflicts WHERE object_key = $1 AND resolved_at IS NULL", &[key]).await?;
    match open {
        Some(row) => {
            let id: i64 = row.get(0);
            tx.execute(
                "UPDATE conflicts SET events = array_append(events, $2), global_seq = $2 WHERE id = $1",
                &[&id, &global],
            )
            .await?;
        }
        None => {
            let mut events = rivals;
            events.push(global);
            // The notice shares the number of the entry that opened it: pulled in the same stretch.
            tx.execute(
                "INSERT INTO conflicts(object_key, district, events, global_seq) VALUES ($1, $2, $3, $4)",
                &[key, &event.district, &events, &global],
            )
            .await?;
        }
    }
    Ok(Some(key.clone()))
}

/// Keeps the task the entry concerns as the office counts it: its latest state, and while a
/// conflict on it is open, the earliest due date any of the conflicting entries set.
async fn project(
    tx: &deadpool_postgres::Transaction<'_>,
    ws: &Workstation,
    person: &Person,
    event: &SyncEvent,
    global: i64,
) -> Result<(), OfficeError> {
    let (Some(key), Some(task)) = (&event.object_key, &event.task) else { return Ok(()) };
    let state = serde_json::to_value(task).map_err(|e| OfficeError::bad_request(e.to_string()))?;
    let effective = effective_due(tx, key, task.current_due).await?;
    tx.execute(
        "INSERT INTO office_tasks(object_key, ws, owner_id, district, state, current_due, status, effective_due, updated_global) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (object_key) DO UPDATE SET state = EXCLUDED.state, district = EXCLUDED.district, \
         current_due = EXCLUDED.current_due, status = EXCLUDED.status, effective_due = EXCLUDED.effective_due, \
         updated_global = EXCLUDED.updated_global",
        &[&key, &ws.id, &person.id, &event.district, &state, &task.current_due, &task.status, &effective, &global],
    )
    .await?;
    Ok(())
}

/// The due date in force: the task's own, or while a conflict on it is open the earliest date any
/// of the conflicting entries set (the safe side of a procedural deadline).
pub async fn effective_due(
    tx: &deadpool_postgres::Transaction<'_>,
    key: &str,
    current: NaiveDate,
) -> Result<NaiveDate, OfficeError> {
    let row = tx
        .query_opt(
            "SELECT min((e.entry->>'new_due')::date) FROM conflicts c JOIN events e ON e.global_seq = ANY(c.events) \
             WHERE c.object_key = $1 AND c.resolved_at IS NULL",
            &[&key],
        )
        .await?;
    let earliest: Option<NaiveDate> = row.and_then(|r| r.get(0));
    Ok(earliest.map_or(current, |d| d.min(current)))
}

/// Checks a workstation's checkpoint against the entries the office holds and cosigns it.
async fn witness(
    tx: &deadpool_postgres::Transaction<'_>,
    ws: &Workstation,
    stream: &mut Stream,
    checkpoint: &ekn::domain::journal::Checkpoint,
) -> Result<Option<Cosignature>, OfficeError> {
    let bad = |message: String| OfficeError::refused(StatusCode::UNPROCESSABLE_ENTITY, "bad_checkpoint", message);
    let key = parse_public_key(&ws.public_key).map_err(OfficeError::bad_request)?;
    checkpoint.verify(&key).map_err(|e| bad(format!("the checkpoint: {e}")))?;
    let size = checkpoint.size as i64;
    if size < stream.witnessed_size {
        return Err(bad(format!(
            "the checkpoint covers {size} entries; the office already witnessed {} of this workstation's",
            stream.witnessed_size
        )));
    }
    if size > stream.last_seq {
        // The journal grew after the entries were read: the next push brings both.
        return Ok(None);
    }
    let root = if size == stream.last_seq {
        merkle::to_hex(&stream.frontier.root())
    } else {
        let rows = tx
            .query(
                "SELECT hash FROM events WHERE ws = $1 AND seq <= $2 AND superseded_by IS NULL ORDER BY seq",
                &[&ws.id, &size],
            )
            .await?;
        let mut frontier = Frontier::default();
        for row in &rows {
            frontier.push(leaf_of(row.get::<_, &str>(0)));
        }
        merkle::to_hex(&frontier.root())
    };
    if root != checkpoint.merkle_root {
        return Err(refusal(
            "fork",
            format!("the checkpoint of {size} entries states another Merkle root than the entries the office holds"),
            None,
        ));
    }
    let office = office_key(tx).await?;
    let at = Utc::now().to_rfc3339();
    let signature = hex::encode(office.sign(&cosign_bytes(&ws.id, checkpoint.size, &root, &at)).to_bytes());
    stream.witnessed_size = size;
    Ok(Some(Cosignature {
        size: checkpoint.size,
        merkle_root: root,
        at,
        office_key: hex::encode(office.verifying_key().to_bytes()),
        signature,
    }))
}

/// An entry as a pull returns it; callers add their own conditions after the `WHERE`.
const PULL_QUERY: &str =
    "SELECT e.global_seq, e.ws, e.epoch, p.name, e.entry, e.object_key, e.district, e.base_global, \
     e.task FROM events e JOIN people p ON p.id = e.person_id WHERE e.superseded_by IS NULL";

fn pulled_from_row(row: &tokio_postgres::Row) -> Result<PulledEvent, OfficeError> {
    let entry: serde_json::Value = row.get(4);
    let task: Option<serde_json::Value> = row.get(8);
    Ok(PulledEvent {
        global_seq: row.get(0),
        workstation_id: row.get(1),
        epoch: row.get(2),
        author: row.get(3),
        event: SyncEvent {
            entry: serde_json::from_value(entry).map_err(|e| OfficeError::Config(format!("a stored entry: {e}")))?,
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
    let limit = limit.clamp(1, ekn::domain::sync::MAX_PULL);
    let own = caller.workstation.clone().unwrap_or_default();
    let mut client = pool.get().await?;
    let tx = scoped(&mut client, &caller.read_scope()).await?;
    // The head first: every number up to it is committed (numbers are taken in commit order), so
    // the events read next hold all of them that the scope allows.
    let head: i64 = tx.query_one("SELECT last FROM sync_head WHERE id = 1", &[]).await?.get(0);
    let rows = tx
        .query(
            &format!("{PULL_QUERY} AND e.global_seq > $1 AND e.global_seq <= $2 AND e.ws <> $3 ORDER BY e.global_seq LIMIT $4"),
            &[&since, &head, &own, &limit],
        )
        .await?;
    let events = rows.iter().map(pulled_from_row).collect::<Result<Vec<_>, _>>()?;
    let more = events.len() as i64 == limit;
    let next = if more { events.last().map_or(since, |e| e.global_seq) } else { head.max(since) };
    // Assignments in the same stretch of the order, on tasks the caller may see (row-level
    // security on office_tasks decides: their districts, or assigned to them).
    let rows = tx
        .query(
            "SELECT a.global_seq, a.object_key, o.name, t.district, t.state, p.name, coalesce(b.name, 'rule ' || a.rule), \
             a.reason, a.at \
             FROM assignments a JOIN office_tasks t ON t.object_key = a.object_key \
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
                &format!("{PULL_QUERY} AND e.global_seq <= $1 AND e.ws <> $2 AND e.object_key = ANY($3) ORDER BY e.global_seq"),
                &[&since, &own, &handed],
            )
            .await?;
        rows.iter().map(pulled_from_row).collect::<Result<Vec<_>, _>>()?
    };
    // Conflicts opened, grown or resolved in the same stretch, on objects the caller may see.
    let conflicts = crate::conflicts::notices(
        &tx,
        "WHERE c.global_seq > $1 AND c.global_seq <= $2 AND (ekn_in_scope(c.district) OR t.object_key IS NOT NULL) \
         ORDER BY c.global_seq",
        &[&since, &next],
    )
    .await?;
    // What the office sets for every workstation (small: a few certificates and a proxy).
    let network = crate::settings::network(&tx).await?;
    // The office connectors' newest published runs (a line each).
    let connector_runs = crate::connectors::offered(&tx).await?;
    tx.execute("UPDATE workstations SET last_pull_at = now() WHERE id = $1", &[&own]).await?;
    tx.commit().await?;
    Ok(PullReply { events, next, more, assignments, conflicts, history, network, connector_runs })
}
