//! Who looked at whom: every opening of a card, an appeal card or an evidence package, every
//! search and export, every refusal, and every reading of this log, as an append-only,
//! hash-chained line (person, role, time, action, subject, outcome). Reads a workstation made
//! offline arrive later in batches, each with the workstation's own number for it, so a batch sent
//! twice is logged once.

use chrono::{DateTime, SubsecRound, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::db::{scoped, Scope};
use crate::error::OfficeError;
use crate::people::{Caller, Role};

/// One line of the access log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccessLine {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub person: String,
    pub role: String,
    pub action: String,
    pub subject: Option<String>,
    pub district: Option<String>,
    pub outcome: String,
    pub ws: Option<String>,
    pub local_id: Option<i64>,
    pub detail: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

pub use ekn::domain::sync::AccessEvent;

pub const ACTIONS: [&str; 8] =
    ["card", "appeal", "package", "search", "export", "access_log", "dashboard", "conflicts"];

/// The hash of a line: SHA-256 over the previous hash and every field, length-prefixed.
pub fn line_hash(line: &AccessLine) -> String {
    let mut h = Sha256::new();
    let none = "\u{0}".to_string();
    let fields = [
        line.prev_hash.clone(),
        line.seq.to_string(),
        line.at.to_rfc3339(),
        line.person.clone(),
        line.role.clone(),
        line.action.clone(),
        line.subject.clone().unwrap_or_else(|| none.clone()),
        line.district.clone().unwrap_or_else(|| none.clone()),
        line.outcome.clone(),
        line.ws.clone().unwrap_or_else(|| none.clone()),
        line.local_id.map_or_else(|| none.clone(), |l| l.to_string()),
        line.detail.clone().unwrap_or_else(|| none.clone()),
    ];
    for field in fields {
        h.update((field.len() as u64).to_le_bytes());
        h.update(field.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Appends reads to the log in one transaction, for `caller`. A queued read already logged (same
/// workstation and number) is skipped. Returns how many lines were written.
pub async fn append(
    client: &mut deadpool_postgres::Client,
    caller: &Caller,
    events: &[AccessEvent],
) -> Result<usize, OfficeError> {
    for event in events {
        if !ACTIONS.contains(&event.action.as_str()) {
            return Err(OfficeError::bad_request(format!("unknown access action '{}'", event.action)));
        }
        if !["allowed", "refused", "not_found"].contains(&event.outcome.as_str()) {
            return Err(OfficeError::bad_request(format!("unknown access outcome '{}'", event.outcome)));
        }
    }
    let scope = Scope {
        districts: Vec::new(),
        person_id: Some(caller.person.id),
        writer: caller.workstation.clone(),
        audit: false,
    };
    let tx = scoped(client, &scope).await?;
    // The head row is the chain's lock: one appender at a time, in commit order.
    let head = tx.query_one("SELECT last_seq, last_hash FROM access_head WHERE id = 1 FOR UPDATE", &[]).await?;
    let (mut seq, mut prev): (i64, String) = (head.get(0), head.get(1));
    let mut written = 0;
    for event in events {
        // A queued read already logged (the same workstation's same number) takes no place in the
        // chain. Row-level security hides the log from its own writer, so a unique key of its
        // own, not a lookup in the log, decides.
        if let (Some(ws), Some(local)) = (&caller.workstation, event.local_id) {
            let fresh = tx
                .execute(
                    "INSERT INTO access_received(ws, local_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                    &[ws, &local],
                )
                .await?;
            if fresh == 0 {
                continue;
            }
        }
        let mut line = AccessLine {
            seq: seq + 1,
            // PostgreSQL keeps microseconds: the hash covers what is stored, so what is re-read verifies.
            at: event.at.trunc_subsecs(6),
            person: caller.person.name.clone(),
            role: caller.person.role.code().into(),
            action: event.action.clone(),
            subject: event.subject.clone(),
            district: event.district.clone(),
            outcome: event.outcome.clone(),
            ws: caller.workstation.clone(),
            local_id: event.local_id,
            detail: event.detail.clone(),
            prev_hash: prev.clone(),
            hash: String::new(),
        };
        line.hash = line_hash(&line);
        tx.execute(
            "INSERT INTO access_log(seq, at, person_id, person, role, action, subject, district, outcome, ws, local_id, detail, prev_hash, hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
            &[
                &line.seq,
                &line.at,
                &caller.person.id,
                &line.person,
                &line.role,
                &line.action,
                &line.subject,
                &line.district,
                &line.outcome,
                &line.ws,
                &line.local_id,
                &line.detail,
                &line.prev_hash,
                &line.hash,
            ],
        )
        .await?;
        seq = line.seq;
        prev = line.hash;
        written += 1;
    }
    tx.execute("UPDATE access_head SET last_seq = $1, last_hash = $2 WHERE id = 1", &[&seq, &prev]).await?;
    tx.commit().await?;
    Ok(written)
}

/// Logs one read made on the server now.
pub async fn log_now(
    client: &mut deadpool_postgres::Client,
    caller: &Caller,
    action: &str,
    subject: Option<&str>,
    district: Option<&str>,
    outcome: &str,
    detail: Option<String>,
) -> Result<(), OfficeError> {
    let event = AccessEvent {
        action: action.into(),
        subject: subject.map(str::to_string),
        district: district.map(str::to_string),
        outcome: outcome.into(),
        at: Utc::now(),
        local_id: None,
        detail,
    };
    append(client, caller, &[event]).await.map(|_| ())
}

/// What `access-log` is asked for.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AccessQuery {
    pub subject: Option<String>,
    pub user: Option<String>,
    pub limit: Option<i64>,
}

/// The log's lines a supervisor (their districts) or an administrator (all) may read; the
/// reading is itself logged first, so it is in the answer.
pub async fn read(
    client: &mut deadpool_postgres::Client,
    caller: &Caller,
    query: &AccessQuery,
) -> Result<Vec<AccessLine>, OfficeError> {
    caller.require(&[Role::Supervisor, Role::Admin], "read the access log")?;
    let mut what = Vec::new();
    if let Some(s) = &query.subject {
        what.push(format!("subject={s}"));
    }
    if let Some(u) = &query.user {
        what.push(format!("user={u}"));
    }
    log_now(client, caller, "access_log", query.subject.as_deref(), None, "allowed", Some(what.join(" "))).await?;
    let districts = match caller.person.role {
        Role::Admin => vec!["*".to_string()],
        _ => caller.person.districts.clone(),
    };
    let scope = Scope { districts, person_id: Some(caller.person.id), writer: None, audit: true };
    let tx = scoped(client, &scope).await?;
    let limit = query.limit.unwrap_or(1000).clamp(1, 100_000);
    let rows = tx
        .query(
            "SELECT seq, at, person, role, action, subject, district, outcome, ws, local_id, detail, prev_hash, hash \
             FROM access_log WHERE ($1::text IS NULL OR subject = $1) AND ($2::text IS NULL OR person = $2) \
             ORDER BY seq DESC LIMIT $3",
            &[&query.subject, &query.user, &limit],
        )
        .await?;
    tx.commit().await?;
    Ok(rows
        .iter()
        .map(|r| AccessLine {
            seq: r.get(0),
            at: r.get(1),
            person: r.get(2),
            role: r.get(3),
            action: r.get(4),
            subject: r.get(5),
            district: r.get(6),
            outcome: r.get(7),
            ws: r.get(8),
            local_id: r.get(9),
            detail: r.get(10),
            prev_hash: r.get(11),
            hash: r.get(12),
        })
        .collect())
}

/// Re-walks the whole chain (as the owner, outside row-level security: `ekn-office access-log
/// --verify`). Returns the first line that does not hash or does not follow, if any.
pub async fn verify_chain(client: &tokio_postgres::Client) -> Result<Option<String>, OfficeError> {
    let rows = client
        .query(
            "SELECT seq, at, person, role, action, subject, district, outcome, ws, local_id, detail, prev_hash, hash \
             FROM access_log ORDER BY seq",
            &[],
        )
        .await?;
    let mut prev = ekn::domain::journal::GENESIS.to_string();
    for (i, r) in rows.iter().enumerate() {
        let line = AccessLine {
            seq: r.get(0),
            at: r.get(1),
            person: r.get(2),
            role: r.get(3),
            action: r.get(4),
            subject: r.get(5),
            district: r.get(6),
            outcome: r.get(7),
            ws: r.get(8),
            local_id: r.get(9),
            detail: r.get(10),
            prev_hash: r.get(11),
            hash: r.get(12),
        };
        if line.seq != i as i64 + 1 || line.prev_hash != prev || line_hash(&line) != line.hash {
            return Ok(Some(format!("access log line {} does not hash or does not follow line {}", line.seq, i)));
        }
        prev = line.hash;
    }
    Ok(None)
}
