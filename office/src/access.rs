//! Who looked at whom: every opening of a card, an appeal card or an evidence package, every
//! search and export, every refusal, and every reading of this log, as an append-only,
//! hash-chained line (person, role, time, action, subject, outcome). Reads a workstation made
//! offline arrive later in batches, each with the workstation's own number for it, so a batch sent
//! twice is logged once.

use chrono::{SubsecRound, Utc};
use serde::{Deserialize, Serialize};

use crate::db::{scoped, Scope};
use crate::error::OfficeError;
use crate::people::{Caller, Role};

pub use ekn_domain::access_log::AccessLine;
pub use ekn_domain::sync::AccessEvent;

pub const ACTIONS: [&str; 8] =
    ["card", "appeal", "package", "search", "export", "access_log", "dashboard", "conflicts"];

pub use ekn_domain::access_log::line_hash;

/// The most reads one batch carries (a workstation sends 500 at a time).
pub const MAX_BATCH: usize = 500;
/// The longest subject and detail a line keeps.
const MAX_SUBJECT: usize = 200;
const MAX_DETAIL: usize = 1000;
/// What a workstation may report it read: its own opening of something. Refusals, the log's own
/// reading, dashboards and conflicts are logged by the office as they happen, never taken from a peer.
const QUEUED_ACTIONS: [&str; 5] = ["card", "appeal", "package", "search", "export"];

/// Takes a workstation's queued reads (`POST /v1/access`, signed by the workstation that made
/// them): each field bounded, the time not in the future nor older than a year and a half, only
/// `allowed` (a workstation reports what its person opened), the district resolved by the office
/// from where the subject lives (else the person's own district), and each read logged once by the
/// workstation's epoch and its own number (a restored database numbers its reads again).
pub async fn append_queued(
    client: &mut deadpool_postgres::Client,
    caller: &Caller,
    events: &[AccessEvent],
) -> Result<usize, OfficeError> {
    let Some(ws) = caller.workstation.clone() else {
        return Err(OfficeError::forbidden(
            "reads are reported by the workstation that made them, with its signature; a person's session may not",
        ));
    };
    if events.len() > MAX_BATCH {
        return Err(OfficeError::bad_request(format!("a batch of reads holds at most {MAX_BATCH}")));
    }
    let now = Utc::now();
    for event in events {
        if !QUEUED_ACTIONS.contains(&event.action.as_str()) {
            return Err(OfficeError::bad_request(format!(
                "a workstation reports reads of {}; not '{}'",
                QUEUED_ACTIONS.join(", "),
                clip(&event.action, 40)
            )));
        }
        if event.outcome != "allowed" {
            return Err(OfficeError::bad_request(
                "a workstation reports what its person opened (allowed); refusals are the office's to log",
            ));
        }
        let bounded = |text: &Option<String>, most: usize| {
            text.as_ref().is_none_or(|t| t.chars().count() <= most && !t.chars().any(char::is_control))
        };
        if !bounded(&event.subject, MAX_SUBJECT) || !bounded(&event.detail, MAX_DETAIL) {
            return Err(OfficeError::bad_request(format!(
                "a read's subject is at most {MAX_SUBJECT} characters and its detail {MAX_DETAIL}, without control characters"
            )));
        }
        if event.at > now + chrono::Duration::minutes(5) || event.at < now - chrono::Duration::days(550) {
            return Err(OfficeError::bad_request("a read's time is in the future or more than a year and a half ago"));
        }
        if event.local_id.is_none_or(|id| id <= 0) || event.epoch.as_ref().is_some_and(|e| e.len() > 100) {
            return Err(OfficeError::bad_request("a queued read carries its workstation's number for it"));
        }
    }
    let lines: Vec<AccessEvent> = {
        // Where each subject lives, looked up office-wide (the reader may not see the object's row).
        let tx = scoped(client, &Scope::office()).await?;
        let mut out = Vec::with_capacity(events.len());
        for event in events {
            let key = match (event.action.as_str(), &event.subject) {
                ("appeal", Some(s)) => Some(format!("appeal:{s}")),
                (_, Some(s)) => Some(format!("card:{s}")),
                _ => None,
            };
            let known: Option<String> = match &key {
                Some(key) => tx
                    .query_opt("SELECT district FROM object_districts WHERE object_key = $1", &[key])
                    .await?
                    .and_then(|r| r.get(0)),
                None => None,
            };
            out.push(AccessEvent { district: known.or_else(|| caller.home_district()), ..event.clone() });
        }
        tx.commit().await?;
        out
    };
    write_lines(client, caller, Some(&ws), &lines).await
}

/// Appends lines to the log in one transaction, for `caller` (from the workstation `ws`, whose
/// reads already logged are skipped). Returns how many lines were written.
async fn write_lines(
    client: &mut deadpool_postgres::Client,
    caller: &Caller,
    ws: Option<&String>,
    events: &[AccessEvent],
) -> Result<usize, OfficeError> {
    let scope = Scope { person_id: Some(caller.person.id), writer: caller.workstation.clone(), ..Scope::default() };
    let tx = scoped(client, &scope).await?;
    // The head row is the chain's lock: one appender at a time, in commit order.
    let head = tx.query_one("SELECT last_seq, last_hash FROM access_head WHERE id = 1 FOR UPDATE", &[]).await?;
    let (mut seq, mut prev): (i64, String) = (head.get(0), head.get(1));
    let mut written = 0;
    for event in events {
        // A queued read already logged (the same workstation's same epoch and number) takes no
        // place in the chain. Row-level security hides the log from its own writer, so a unique
        // key of its own, not a lookup in the log, decides.
        if let (Some(ws), Some(local)) = (ws, event.local_id) {
            let epoch = event.epoch.clone().unwrap_or_default();
            let fresh = tx
                .execute(
                    "INSERT INTO access_received(ws, epoch, local_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                    &[ws, &epoch, &local],
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
            ws: ws.cloned(),
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

fn clip(text: &str, most: usize) -> String {
    text.chars().take(most).collect()
}

/// Logs one read made on the server now, at the office's time. A read with no district of its
/// own is logged under the reader's (an administrator's stays without one: administrators' lines).
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
        subject: subject.map(|s| clip(s, MAX_SUBJECT)),
        district: district.map(str::to_string).or_else(|| caller.home_district()),
        outcome: outcome.into(),
        at: Utc::now(),
        local_id: None,
        epoch: None,
        detail: detail.map(|d| clip(&d, MAX_DETAIL)),
    };
    write_lines(client, caller, None, &[event]).await.map(|_| ())
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
    let admin = caller.person.role == Role::Admin;
    let scope = Scope { districts, person_id: Some(caller.person.id), writer: None, audit: true, admin };
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
    Ok(rows.iter().map(line_from_row).collect())
}

/// Re-walks the whole chain (`ekn-office access-log --verify`) with every line in scope, and
/// checks that it read as many lines as the head says were written: a connection whose policies
/// let it read fewer would otherwise find an empty chain that "holds". Returns the lines checked,
/// or the first problem.
pub async fn verify_chain(client: &mut deadpool_postgres::Client) -> Result<Result<i64, String>, OfficeError> {
    let scope = Scope { audit: true, admin: true, ..Scope::office() };
    let tx = scoped(client, &scope).await?;
    let written: i64 = tx.query_one("SELECT last_seq FROM access_head WHERE id = 1", &[]).await?.get(0);
    let rows = tx
        .query(
            "SELECT seq, at, person, role, action, subject, district, outcome, ws, local_id, detail, prev_hash, hash \
             FROM access_log ORDER BY seq",
            &[],
        )
        .await?;
    tx.commit().await?;
    if rows.len() as i64 != written {
        return Ok(Err(format!(
            "the access log's head says {written} lines were written, and this connection reads {}: lines were removed, \
             or it may not read them all (run as the database's owner)",
            rows.len()
        )));
    }
    let mut prev = ekn_domain::journal::GENESIS.to_string();
    for (i, r) in rows.iter().enumerate() {
        let line = line_from_row(r);
        if line.seq != i as i64 + 1 || line.prev_hash != prev || line_hash(&line) != line.hash {
            return Ok(Err(format!("access log line {} does not hash or does not follow line {}", line.seq, i)));
        }
        prev = line.hash;
    }
    Ok(Ok(written))
}

fn line_from_row(r: &tokio_postgres::Row) -> AccessLine {
    AccessLine {
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
    }
}
