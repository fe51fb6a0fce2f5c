//! The office's own journal: what the office decides or records on a person's word — assignments
//! (a supervisor's, the routing rule's), conflicts resolved, assignments withdrawn with a superseded
//! stream — as append-only entries, each hashed over the one before it (the workstations' scheme:
//! SHA-256 over the previous hash and every field, length-prefixed), so an entry changed, removed
//! or slipped in is found by `ekn-office journal --verify`. Appends are serialised by the head row
//! (`office_journal_head`), taken after the office's order (`sync_head`) in every writer, so two
//! decisions never race for one place in the chain.

use chrono::{SubsecRound, Utc};

use crate::db::{scoped, Scope};
use crate::error::OfficeError;

pub use ekn_domain::office_journal::{entry_hash, OfficeEntry};

pub use ekn_domain::access_log::length_prefixed_sha256;

/// A decision to record: who (their id and name; none for the rule), what, about which task.
pub struct Decision<'a> {
    pub person: Option<(i64, &'a str)>,
    pub kind: &'a str,
    pub object_key: &'a str,
    pub district: Option<&'a str>,
    pub global_seq: i64,
    pub detail: serde_json::Value,
}

/// Appends a decision in the caller's transaction (which already holds the office's order), so it
/// is recorded exactly when the decision is; returns its number in the journal.
pub async fn append(tx: &deadpool_postgres::Transaction<'_>, decision: Decision<'_>) -> Result<i64, OfficeError> {
    let head = tx.query_one("SELECT last_seq, last_hash FROM office_journal_head WHERE id = 1 FOR UPDATE", &[]).await?;
    let mut entry = OfficeEntry {
        seq: head.get::<_, i64>(0) + 1,
        // PostgreSQL keeps microseconds: the hash covers what is stored, so what is re-read verifies.
        at: Utc::now().trunc_subsecs(6),
        person: decision.person.map(|(_, name)| name.to_string()),
        kind: decision.kind.to_string(),
        object_key: decision.object_key.to_string(),
        district: decision.district.map(str::to_string),
        global_seq: decision.global_seq,
        detail: decision.detail.to_string(),
        prev_hash: head.get(1),
        hash: String::new(),
    };
    entry.hash = entry_hash(&entry);
    tx.execute(
        "INSERT INTO office_journal(seq, at, person_id, person, kind, object_key, district, global_seq, detail, \
         prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        &[
            &entry.seq,
            &entry.at,
            &decision.person.map(|(id, _)| id),
            &entry.person,
            &entry.kind,
            &entry.object_key,
            &entry.district,
            &entry.global_seq,
            &entry.detail,
            &entry.prev_hash,
            &entry.hash,
        ],
    )
    .await?;
    tx.execute("UPDATE office_journal_head SET last_seq = $1, last_hash = $2 WHERE id = 1", &[&entry.seq, &entry.hash])
        .await?;
    Ok(entry.seq)
}

const COLUMNS: &str = "seq, at, person, kind, object_key, district, global_seq, detail, prev_hash, hash";

/// The entries in `scope`, oldest first, about one task when `object_key` is given.
pub async fn read(
    client: &mut deadpool_postgres::Client,
    scope: &Scope,
    object_key: Option<&str>,
) -> Result<Vec<OfficeEntry>, OfficeError> {
    let tx = scoped(client, scope).await?;
    let rows = tx
        .query(
            &format!("SELECT {COLUMNS} FROM office_journal WHERE ($1::text IS NULL OR object_key = $1) ORDER BY seq"),
            &[&object_key],
        )
        .await?;
    tx.commit().await?;
    Ok(rows.iter().map(entry_from_row).collect())
}

/// The most entries one reading of the journal from the app answers.
pub const MAX_READ: i64 = 10_000;

/// The newest `limit` entries a person of the office may read (`GET /v1/journal`): a supervisor or a
/// prosecutor the decisions in their districts and their own, an administrator also those of no
/// district; an analyst none (the entries name people). Row-level security decides which.
pub async fn newest_for(
    client: &mut deadpool_postgres::Client,
    caller: &crate::people::Caller,
    limit: Option<i64>,
) -> Result<Vec<OfficeEntry>, OfficeError> {
    use crate::people::Role;
    caller.require(&[Role::Prosecutor, Role::Supervisor, Role::Admin], "read the office's journal")?;
    let limit = limit.unwrap_or(500).clamp(1, MAX_READ);
    let tx = scoped(client, &caller.scope()).await?;
    let rows = tx.query(&format!("SELECT {COLUMNS} FROM office_journal ORDER BY seq DESC LIMIT $1"), &[&limit]).await?;
    tx.commit().await?;
    Ok(rows.iter().map(entry_from_row).collect())
}

/// Re-walks the whole chain with every entry in scope, and checks that it read as many entries as
/// the head says were written (a connection that may read fewer would find an empty chain that
/// "holds"). Returns the entries checked, or the first problem, naming the entry.
pub async fn verify_chain(client: &mut deadpool_postgres::Client) -> Result<Result<i64, String>, OfficeError> {
    let scope = Scope { admin: true, ..Scope::office() };
    let tx = scoped(client, &scope).await?;
    let written: i64 = tx.query_one("SELECT last_seq FROM office_journal_head WHERE id = 1", &[]).await?.get(0);
    let head_hash: String = tx.query_one("SELECT last_hash FROM office_journal_head WHERE id = 1", &[]).await?.get(0);
    let rows = tx.query(&format!("SELECT {COLUMNS} FROM office_journal ORDER BY seq"), &[]).await?;
    tx.commit().await?;
    if rows.len() as i64 != written {
        return Ok(Err(format!(
            "the office's journal head says {written} entries were written, and this connection reads {}: entries were \
             removed, or it may not read them all (run as the database's owner)",
            rows.len()
        )));
    }
    let mut prev = ekn_domain::journal::GENESIS.to_string();
    for (i, row) in rows.iter().enumerate() {
        let entry = entry_from_row(row);
        if entry.seq != i as i64 + 1 || entry.prev_hash != prev || entry_hash(&entry) != entry.hash {
            return Ok(Err(format!("office journal entry {} does not hash or does not follow entry {i}", entry.seq)));
        }
        prev = entry.hash;
    }
    if prev != head_hash {
        return Ok(Err(format!("the office's journal head does not name entry {written}'s hash")));
    }
    Ok(Ok(written))
}

fn entry_from_row(r: &tokio_postgres::Row) -> OfficeEntry {
    OfficeEntry {
        seq: r.get(0),
        at: r.get(1),
        person: r.get(2),
        kind: r.get(3),
        object_key: r.get(4),
        district: r.get(5),
        global_seq: r.get(6),
        detail: r.get(7),
        prev_hash: r.get(8),
        hash: r.get(9),
    }
}
