//! A push (`POST /v1/sync/push`), in one transaction: the workstation's row locked, every entry's
//! chain checked with the core's own hash, duplicates skipped, a fork, a gap or an unknown epoch
//! refused with nothing applied, global numbers from one counter row so the order is the commit
//! order; each entry **placed by the office** (below), conflicts found office-wide, the pushing
//! workstation's own state of each task kept, its checkpoint witnessed and cosigned, a destruction
//! act carried out on the office's copy (`retention`).
//!
//! Placement: a push says which object an entry concerns and where that object lives, and the
//! office believes neither. The object's key is derived from the entry itself — its own task
//! (`task:<this workstation>/<id>`), an appeal's rule-made deadline (`appeal:<no>/<kind>`, checked
//! against the task's appeal and kind), an appeal (`appeal:<no>`), a card (`card:<BIN>`) — and the
//! district it is placed in is the one claimed only when the pusher's own scope covers it, else
//! the pusher's own district (an incident says so). A push is never refused for its placement: a
//! workstation cannot rewrite its chained journal, and a refusal would block it for ever.

use std::collections::{BTreeSet, HashMap};

use axum::http::StatusCode;
use chrono::{NaiveDate, Utc};
use ed25519_dalek::{Signer, SigningKey};
use ekn_domain::journal::{chain_hash, leaf_of, StoredEntry, GENESIS};
use ekn_domain::merkle::{self, Frontier};
use ekn_domain::sync::{
    conflicting_kinds, cosign_bytes, in_scope, parse_public_key, Cosignature, PushReply, PushRequest, Refusal,
    SyncEvent, TaskState, PROTOCOL,
};

use crate::db::{scoped, Scope};
use crate::error::OfficeError;
use crate::people::Person;
use crate::workstations::{incident, Workstation};

fn refusal(code: &str, message: String, expected_seq: Option<i64>) -> OfficeError {
    OfficeError::Refused(StatusCode::CONFLICT, Refusal { error: code.into(), message, expected_seq })
}

/// An entry the office holds, sent again with other content.
fn rewritten(seq: i64) -> OfficeError {
    refusal(
        "fork",
        format!(
            "entry {seq} differs from the one this workstation pushed before: its history was rewritten, \
             or a copy of its database was written to; nothing of this push was applied"
        ),
        None,
    )
}

/// A push that does not begin where the office's copy of the stream ends.
fn gap(held: i64, seq: i64) -> OfficeError {
    refusal(
        "gap",
        format!("the office holds this workstation's entries up to {held}; the push began at {seq}"),
        Some(held + 1),
    )
}

/// An entry whose predecessor is not the one the office holds.
fn broken_link(seq: i64) -> OfficeError {
    refusal(
        "fork",
        format!("entry {seq} does not follow the entry the office holds before it; nothing was applied"),
        None,
    )
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

/// Entries stored since the server last asked for fresh statistics.
static STORED_SINCE_ANALYZE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
/// How many stored entries call for fresh statistics: a backlog arriving in seconds would otherwise
/// be pulled on the statistics of a far smaller table (a plan that reads the table per page) until
/// autovacuum wakes, a minute later.
const ANALYZE_EVERY: usize = 20_000;

/// After every `ANALYZE_EVERY` stored entries, the owner's `ekn_analyze_events()` (migration 0013) in
/// the background: the push's answer does not wait, and a failure is logged, not the push's.
fn analyze_after_bulk(pool: &deadpool_postgres::Pool, applied: usize) {
    use std::sync::atomic::Ordering;
    let stored = STORED_SINCE_ANALYZE.fetch_add(applied, Ordering::Relaxed) + applied;
    if stored < ANALYZE_EVERY || STORED_SINCE_ANALYZE.swap(0, Ordering::Relaxed) < ANALYZE_EVERY {
        return;
    }
    let pool = pool.clone();
    tokio::spawn(async move {
        let analysed = match pool.get().await {
            Ok(client) => {
                client.execute("SELECT ekn_analyze_events()", &[]).await.map(|_| ()).map_err(OfficeError::from)
            }
            Err(e) => Err(OfficeError::from(e)),
        };
        if let Err(e) = analysed {
            tracing::warn!(target: "ekn_office", error = %e, "fresh statistics after a bulk push failed");
        }
    });
}

/// Takes a push from the workstation `ws` (its signature already checked). Everything or nothing.
pub async fn push(
    pool: &deadpool_postgres::Pool,
    office_key: &SigningKey,
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
    if request.events.len() > ekn_domain::sync::MAX_BATCH {
        return Err(OfficeError::refused(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("a push carries at most {} entries", ekn_domain::sync::MAX_BATCH),
        ));
    }
    let mut client = pool.get().await?;
    let result = push_in_transaction(&mut client, office_key, ws, person, request).await;
    match &result {
        Ok(reply) => {
            // Appeals' SLA tasks just arrived unassigned are handed out by rule, after the push
            // committed: a failure here loses nothing (the task waits for the next pass) and is logged.
            if let Err(e) = crate::routing::route(&mut client, &reply.routable).await {
                tracing::error!(target: "ekn_office", error = %e, "routing the pushed SLA tasks failed; they wait for the next pass");
            }
            for note in &reply.reply.placement {
                if note.suspicious {
                    incident(&client, &ws.id, "placement", &note.message).await?;
                }
            }
            analyze_after_bulk(pool, reply.reply.applied);
            // The national side's acts follow the office's (a region that publishes; else nothing).
            if request.events.iter().any(|e| crate::national_acts::ACT_KINDS.contains(&e.entry.kind.as_str())) {
                crate::national::refresh_in_background(pool, crate::national::Published::Acts);
                crate::national::refresh_estimates_in_background(pool);
            }
        }
        Err(OfficeError::Refused(_, refusal)) => {
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
        Err(_) => {}
    }
    result.map(|r| r.reply)
}

/// What a push did, with what happens after its commit.
struct Pushed {
    reply: PushReply,
    /// Tasks the push stored that await the office's routing.
    routable: Vec<String>,
}

async fn push_in_transaction(
    client: &mut deadpool_postgres::Client,
    office_key: &SigningKey,
    ws: &Workstation,
    person: &Person,
    request: &PushRequest,
) -> Result<Pushed, OfficeError> {
    // The push reads office-wide (placing entries, finding conflicts with rivals the pusher may
    // not see) and writes only rows of its own workstation (row-level security: ws = writer).
    let scope = Scope { person_id: Some(person.id), writer: Some(ws.id.clone()), ..Scope::office() };
    let tx = scoped(client, &scope).await?;
    let row = tx
        .query_one(
            "SELECT epoch, last_seq, last_hash, frontier, witnessed_size, blocked_reason, readmit_epoch, revoked_at \
             FROM workstations WHERE id = $1 FOR UPDATE",
            &[&ws.id],
        )
        .await?;
    if row.get::<_, Option<chrono::DateTime<Utc>>>("revoked_at").is_some() {
        return Err(OfficeError::refused(StatusCode::UNAUTHORIZED, "revoked", "this workstation was revoked"));
    }
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

    let mut reply = PushReply {
        accepted_through_seq: 0,
        applied: 0,
        duplicates: 0,
        global_from: None,
        global_to: None,
        conflicts: Vec::new(),
        cosignature: None,
        server_time: String::new(),
        placement: Vec::new(),
        redactions: Vec::new(),
    };
    let mut routable = Vec::new();
    match plan_push(&tx, &ws.id, request, &stream).await? {
        Plan::Bulk { fresh, duplicates } => {
            reply.duplicates = duplicates;
            apply_bulk(&tx, ws, person, &request.epoch, &fresh, &mut stream, &mut reply, &mut routable).await?;
        }
        Plan::OneByOne => {
            apply_one_by_one(&tx, ws, person, request, &mut stream, &mut reply, &mut routable).await?;
        }
    }

    reply.cosignature = match &request.checkpoint {
        Some(checkpoint) => witness(&tx, office_key, ws, &mut stream, checkpoint).await?,
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
            &reply.cosignature.as_ref().map(|c| c.merkle_root.clone()),
        ],
    )
    .await?;
    tx.commit().await?;
    reply.accepted_through_seq = stream.last_seq;
    reply.server_time = Utc::now().to_rfc3339();
    Ok(Pushed { reply, routable })
}

/// Entry by entry, a statement or more each: the way for a push that rewinds a re-admitted stream
/// or carries a destruction act out (both rare; each step depends on the one before).
#[allow(clippy::too_many_arguments)]
async fn apply_one_by_one(
    tx: &deadpool_postgres::Transaction<'_>,
    ws: &Workstation,
    person: &Person,
    request: &PushRequest,
    stream: &mut Stream,
    reply: &mut PushReply,
    routable: &mut Vec<String>,
) -> Result<(), OfficeError> {
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
                reply.duplicates += 1;
                continue;
            }
            if stream.readmitting {
                rewind(tx, &ws.id, &request.epoch, seq, stream).await?;
            } else {
                return Err(rewritten(seq));
            }
        }
        if seq != stream.last_seq + 1 {
            return Err(gap(stream.last_seq, seq));
        }
        if event.entry.prev_hash != stream.last_hash {
            return Err(broken_link(seq));
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
        let placed = place(&ws.id, person, event);
        if let Some(note) = placed.note.clone() {
            reply.placement.push(note);
        }
        let global = insert_event(tx, ws, person, &stream.epoch, event, &placed).await?;
        reply.global_from.get_or_insert(global);
        reply.global_to = Some(global);
        if let Some(key) = find_conflict(tx, &ws.id, event, &placed, global).await? {
            reply.conflicts.push(key);
        }
        if let Some(key) = project(tx, ws, person, event, &placed, global).await? {
            routable.push(key);
        }
        if event.entry.kind == "retention_applied" {
            if let Some(done) = crate::retention::carry_out(tx, ws, person, &event.entry, global).await? {
                reply.redactions.push(done);
            }
        }
        stream.frontier.push(leaf_of(&event.entry.hash));
        stream.last_seq = seq;
        stream.last_hash = event.entry.hash.clone();
        reply.applied += 1;
    }
    Ok(())
}

/// What a push is, worked out before anything is written.
enum Plan<'a> {
    /// Every entry extends the stream or repeats one the office holds: stored together.
    Bulk { fresh: Vec<&'a SyncEvent>, duplicates: usize },
    /// A re-admitted stream rewinds, or a destruction act is carried out: entry by entry.
    OneByOne,
}

/// Checks the whole push against the stream as the entry-by-entry way would, in the same order
/// and with the same refusals (a bad hash, a fork, a gap), reading only the hashes of the entries
/// it repeats. Nothing is written here.
async fn plan_push<'a>(
    tx: &deadpool_postgres::Transaction<'_>,
    ws_id: &str,
    request: &'a PushRequest,
    stream: &Stream,
) -> Result<Plan<'a>, OfficeError> {
    if request.events.iter().any(|e| e.entry.kind == "retention_applied") {
        return Ok(Plan::OneByOne);
    }
    let repeated: Vec<i64> = request.events.iter().map(|e| e.entry.seq).filter(|&s| s <= stream.last_seq).collect();
    let mut held: HashMap<i64, String> = HashMap::new();
    if !repeated.is_empty() {
        for row in tx
            .query(
                "SELECT seq, hash FROM events WHERE ws = $1 AND seq = ANY($2) AND superseded_by IS NULL",
                &[&ws_id, &repeated],
            )
            .await?
        {
            held.insert(row.get(0), row.get(1));
        }
    }
    let (mut last_seq, mut last_hash, mut readmitting) =
        (stream.last_seq, stream.last_hash.as_str(), stream.readmitting);
    let mut fresh: Vec<&SyncEvent> = Vec::with_capacity(request.events.len());
    let mut duplicates = 0;
    for event in &request.events {
        check_entry(&event.entry)?;
        let seq = event.entry.seq;
        if seq <= last_seq {
            // Held before this push, or stored earlier in it.
            let stored = held.get(&seq).map(String::as_str).or_else(|| {
                let first = fresh.first().map_or(i64::MAX, |e| e.entry.seq);
                (seq >= first).then(|| fresh[(seq - first) as usize].entry.hash.as_str())
            });
            if stored == Some(event.entry.hash.as_str()) {
                duplicates += 1;
                continue;
            }
            if readmitting {
                return Ok(Plan::OneByOne);
            }
            return Err(rewritten(seq));
        }
        if seq != last_seq + 1 {
            return Err(gap(last_seq, seq));
        }
        if event.entry.prev_hash != last_hash {
            return Err(broken_link(seq));
        }
        readmitting = false;
        fresh.push(event);
        last_seq = seq;
        last_hash = &event.entry.hash;
    }
    Ok(Plan::Bulk { fresh, duplicates })
}

/// Stores a push's new entries in a few set-based statements — the global numbers taken at once
/// from the counter row, the entries, their personal parts and their objects' districts each in
/// one `INSERT … SELECT FROM unnest(…)`, the conflicts looked for in one read, the tasks' states
/// projected in one upsert — with the same result as entry by entry: an entry's rivals are other
/// workstations' entries, all numbered before this push (the counter row is locked until it
/// commits), and only the last state of a task in the push stays projected.
#[allow(clippy::too_many_arguments)]
async fn apply_bulk(
    tx: &deadpool_postgres::Transaction<'_>,
    ws: &Workstation,
    person: &Person,
    request_epoch: &str,
    fresh: &[&SyncEvent],
    stream: &mut Stream,
    reply: &mut PushReply,
    routable: &mut Vec<String>,
) -> Result<(), OfficeError> {
    if fresh.is_empty() {
        return Ok(());
    }
    if stream.readmitting {
        // The first new entry of a re-admitted stream: from here on the new epoch is pinned.
        tx.execute("UPDATE workstations SET epoch = $2, readmit_epoch = NULL WHERE id = $1", &[&ws.id, &request_epoch])
            .await?;
        stream.epoch = request_epoch.to_string();
        stream.readmitting = false;
    }
    let placed: Vec<Placed> = fresh.iter().map(|e| place(&ws.id, person, e)).collect();
    reply.placement.extend(placed.iter().filter_map(|p| p.note.clone()));
    let n = fresh.len() as i64;
    let last: i64 =
        tx.query_one("UPDATE sync_head SET last = last + $1 WHERE id = 1 RETURNING last", &[&n]).await?.get(0);
    let globals: Vec<i64> = (last - n + 1..=last).collect();

    let bad = |e: serde_json::Error| OfficeError::bad_request(e.to_string());
    let mut entries = Vec::with_capacity(fresh.len());
    let mut tasks = Vec::with_capacity(fresh.len());
    let (mut personal_globals, mut personal_values) = (Vec::new(), Vec::new());
    for (event, &global) in fresh.iter().zip(&globals) {
        let bare = StoredEntry { personal: None, redacted_by: None, ..event.entry.clone() };
        // As JSON text, cast to jsonb by the statement: no tree of values built here only to be
        // written out again.
        entries.push(serde_json::to_string(&bare).map_err(bad)?);
        tasks.push(event.task.as_ref().map(serde_json::to_string).transpose().map_err(bad)?);
        if let Some(personal) = &event.entry.personal {
            personal_globals.push(global);
            personal_values.push(serde_json::to_string(personal).map_err(bad)?);
        }
    }
    let seqs: Vec<i64> = fresh.iter().map(|e| e.entry.seq).collect();
    let keys: Vec<Option<String>> = placed.iter().map(|p| p.object_key.clone()).collect();
    let districts: Vec<Option<String>> = placed.iter().map(|p| p.district.clone()).collect();
    let bases: Vec<i64> = fresh.iter().map(|e| e.base_global).collect();
    let kinds: Vec<&str> = fresh.iter().map(|e| e.entry.kind.as_str()).collect();
    let hashes: Vec<&str> = fresh.iter().map(|e| e.entry.hash.as_str()).collect();
    tx.execute(
        "INSERT INTO events(global_seq, ws, epoch, seq, person_id, object_key, district, base_global, kind, entry, task, hash) \
         SELECT g, $1, $2, s, $3, k, d, b, kd, e::jsonb, t::jsonb, h \
         FROM unnest($4::bigint[], $5::bigint[], $6::text[], $7::text[], $8::bigint[], $9::text[], $10::text[], \
                     $11::text[], $12::text[]) AS u(g, s, k, d, b, kd, e, t, h) ORDER BY g",
        &[
            &ws.id, &stream.epoch, &person.id, &globals, &seqs, &keys, &districts, &bases, &kinds, &entries, &tasks,
            &hashes,
        ],
    )
    .await?;
    if !personal_globals.is_empty() {
        tx.execute(
            "INSERT INTO event_personal(global_seq, personal) SELECT g, p::jsonb FROM unnest($1::bigint[], $2::text[]) AS u(g, p)",
            &[&personal_globals, &personal_values],
        )
        .await?;
    }
    let mut places: BTreeSet<(&str, &str)> = BTreeSet::new();
    for p in &placed {
        if let Some(district) = &p.district {
            for key in [&p.object_key, &p.card_key].into_iter().flatten() {
                places.insert((key, district));
            }
        }
    }
    if !places.is_empty() {
        let (place_keys, place_districts): (Vec<&str>, Vec<&str>) = places.into_iter().unzip();
        tx.execute(
            "INSERT INTO object_districts(object_key, district) SELECT * FROM unnest($1::text[], $2::text[]) \
             ON CONFLICT DO NOTHING",
            &[&place_keys, &place_districts],
        )
        .await?;
    }
    reply.global_from.get_or_insert(globals[0]);
    reply.global_to = Some(last);

    // Conflicts: other workstations' entries on the same objects since the oldest view in the push.
    // A key `task:<this workstation>/…` is derived for this workstation's entries only (`derive_key`),
    // so no other workstation's entry can be its rival, nor a conflict be open on it: not looked up.
    let own = format!("task:{}/", ws.id);
    let shared = |key: &&str| !key.starts_with(own.as_str());
    let objects: BTreeSet<&str> = placed.iter().filter_map(|p| p.object_key.as_deref()).filter(|k| shared(k)).collect();
    let mut others: HashMap<String, Vec<(i64, String)>> = HashMap::new();
    if !objects.is_empty() {
        let objects: Vec<&str> = objects.into_iter().collect();
        let oldest = bases.iter().copied().min().unwrap_or(0);
        for row in tx
            .query(
                "SELECT object_key, global_seq, kind FROM events WHERE object_key = ANY($1) AND ws <> $2 \
                 AND global_seq > $3 AND superseded_by IS NULL",
                &[&objects, &ws.id, &oldest],
            )
            .await?
        {
            others.entry(row.get(0)).or_default().push((row.get(1), row.get(2)));
        }
    }
    for ((event, p), &global) in fresh.iter().zip(&placed).zip(&globals) {
        let Some(key) = &p.object_key else { continue };
        let rivals: Vec<i64> = others
            .get(key)
            .into_iter()
            .flatten()
            .filter(|(g, kind)| *g > event.base_global && *g < global && conflicting_kinds(&event.entry.kind, kind))
            .map(|(g, _)| *g)
            .collect();
        if !rivals.is_empty() {
            record_conflict(tx, key, &p.district, rivals, global).await?;
            reply.conflicts.push(key.clone());
        }
    }

    // Projection: each task's last state in the push, its due date in force after the conflicts.
    let mut last_state: HashMap<&str, usize> = HashMap::new();
    for (i, (event, p)) in fresh.iter().zip(&placed).enumerate() {
        if let (Some(key), Some(task)) = (&p.object_key, &event.task) {
            last_state.insert(key, i);
            if task.assignee == crate::routing::UNASSIGNED {
                routable.push(key.clone());
            }
        }
    }
    if !last_state.is_empty() {
        let mut order: Vec<usize> = last_state.into_values().collect();
        order.sort_unstable();
        let task_keys: Vec<&str> = order.iter().filter_map(|&i| placed[i].object_key.as_deref()).collect();
        let contested: Vec<&str> = task_keys.iter().copied().filter(|k| shared(k)).collect();
        let mut earliest: HashMap<String, NaiveDate> = HashMap::new();
        if !contested.is_empty() {
            for row in tx
                .query(
                    "SELECT c.object_key, min((e.entry->>'new_due')::date) FROM conflicts c \
                     JOIN events e ON e.global_seq = ANY(c.events) \
                     WHERE c.object_key = ANY($1) AND c.resolved_at IS NULL GROUP BY c.object_key",
                    &[&contested],
                )
                .await?
            {
                if let Some(day) = row.get::<_, Option<NaiveDate>>(1) {
                    earliest.insert(row.get(0), day);
                }
            }
        }
        let mut states = Vec::with_capacity(order.len());
        let (mut dues, mut effective, mut statuses, mut updated, mut task_districts) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for (&i, key) in order.iter().zip(&task_keys) {
            let task = fresh[i].task.as_ref().expect("a projected entry has a task");
            states.push(tasks[i].clone().expect("a projected entry has a task"));
            dues.push(task.current_due);
            effective.push(earliest.get(*key).map_or(task.current_due, |d| (*d).min(task.current_due)));
            statuses.push(task.status.as_str());
            updated.push(globals[i]);
            task_districts.push(placed[i].district.as_deref());
        }
        tx.execute(
            "INSERT INTO office_tasks(object_key, ws, owner_id, district, state, current_due, status, effective_due, updated_global) \
             SELECT k, $1, $2, d, s::jsonb, c, st, ef, g \
             FROM unnest($3::text[], $4::text[], $5::text[], $6::date[], $7::text[], $8::date[], $9::bigint[]) \
                  AS u(k, d, s, c, st, ef, g) \
             ON CONFLICT (object_key, ws) DO UPDATE SET state = EXCLUDED.state, district = EXCLUDED.district, \
             current_due = EXCLUDED.current_due, status = EXCLUDED.status, effective_due = EXCLUDED.effective_due, \
             updated_global = EXCLUDED.updated_global",
            &[&ws.id, &person.id, &task_keys, &task_districts, &states, &dues, &statuses, &effective, &updated],
        )
        .await?;
    }

    for event in fresh {
        stream.frontier.push(leaf_of(&event.entry.hash));
    }
    let newest = fresh.last().expect("not empty");
    stream.last_seq = newest.entry.seq;
    stream.last_hash = newest.entry.hash.clone();
    reply.applied += fresh.len();
    Ok(())
}

/// Where the office places one entry: its object's key, derived from the entry, and the
/// district it is placed in.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    pub object_key: Option<String>,
    pub district: Option<String>,
    /// The card the entry is about, placed in the same district (a card's 403 or 404 is decided
    /// on the districts its entries were placed in).
    pub card_key: Option<String>,
    pub note: Option<ekn_domain::sync::PlacementNote>,
}

/// The key an entry's object has across the office, derived from the entry itself. A push's own
/// claim is taken only where it agrees: an appeal's rule-made deadline is shared by every
/// workstation that imported the appeal, and only the workstation knows which of its tasks that
/// is — so the claim `appeal:<no>/<kind>` stands when the task's own state names that appeal and
/// kind. Anything else about a task is this workstation's own task.
pub fn derive_key(ws_id: &str, event: &SyncEvent) -> (Option<String>, bool) {
    let entry = &event.entry;
    let derived = if let Some(id) = entry.task_id {
        let own = format!("task:{ws_id}/{id}");
        match (&event.object_key, &event.task) {
            (Some(claimed), Some(task)) if claimed.starts_with("appeal:") => {
                let shared = task.appeal_no.as_ref().map(|no| format!("appeal:{no}/{}", task.task_kind));
                if task.norm_id.is_some() && shared.as_deref() == Some(claimed.as_str()) {
                    claimed.clone()
                } else {
                    own
                }
            }
            _ => own,
        }
    } else if let Some(no) = &entry.appeal_no {
        format!("appeal:{no}")
    } else if let Some(bin) = &entry.subject_bin {
        format!("card:{bin}")
    } else {
        return (None, event.object_key.is_some());
    };
    let agreed = event.object_key.as_deref() == Some(derived.as_str());
    (Some(derived), !agreed)
}

/// Places an entry (see the module's note). Pure: the same push is placed the same way.
pub fn place(ws_id: &str, person: &Person, event: &SyncEvent) -> Placed {
    let (object_key, key_differs) = derive_key(ws_id, event);
    let home = person.districts.iter().find(|d| d.as_str() != "*").cloned();
    let (district, out_of_scope) = match &event.district {
        Some(claimed) if in_scope(claimed, &person.districts) => (Some(claimed.clone()), false),
        Some(_) => (home, true),
        None => (home, false),
    };
    let seq = event.entry.seq;
    let note = if out_of_scope {
        Some(ekn_domain::sync::PlacementNote {
            seq,
            message: format!(
                "entry {seq} claims district {} outside {}'s districts ({}): placed in {}",
                event.district.as_deref().unwrap_or("—"),
                person.name,
                person.districts.join(","),
                district.as_deref().unwrap_or("no district (the author's own)")
            ),
            suspicious: true,
        })
    } else if key_differs {
        Some(ekn_domain::sync::PlacementNote {
            seq,
            message: format!(
                "entry {seq} names object {} and is about {}: the office keeps it under the latter",
                event.object_key.as_deref().unwrap_or("none"),
                object_key.as_deref().unwrap_or("no object")
            ),
            suspicious: event.object_key.as_deref().is_some_and(|k| k.starts_with("task:")),
        })
    } else {
        None
    };
    let card_key = event.entry.subject_bin.as_ref().map(|bin| format!("card:{bin}"));
    Placed { object_key, district, card_key, note }
}

/// A re-admitted stream begins again at `seq`: the old stream's entries from `seq` on stay,
/// marked superseded, and the frontier is rebuilt over the entries both share. What those entries
/// made is retracted: each task they touched goes back to the state of this workstation's last
/// entry on it that stands (or goes, with its assignment, if the old stream made it), and a
/// notice in the office's order tells every replica the same.
async fn rewind(
    tx: &deadpool_postgres::Transaction<'_>,
    ws: &str,
    new_epoch: &str,
    seq: i64,
    stream: &mut Stream,
) -> Result<(), OfficeError> {
    let touched: Vec<String> = tx
        .query(
            "SELECT DISTINCT object_key FROM events WHERE ws = $1 AND seq >= $2 AND superseded_by IS NULL \
             AND task IS NOT NULL AND object_key IS NOT NULL",
            &[&ws, &seq],
        )
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    tx.execute(
        "UPDATE events SET superseded_by = $3 WHERE ws = $1 AND seq >= $2 AND superseded_by IS NULL",
        &[&ws, &seq, &new_epoch],
    )
    .await?;
    let mut tasks = Vec::new();
    let mut withdrawn_assignments = Vec::new();
    for key in &touched {
        let standing = tx
            .query_opt(
                "SELECT task, global_seq, district FROM events WHERE ws = $1 AND object_key = $2 AND task IS NOT NULL \
                 AND superseded_by IS NULL ORDER BY global_seq DESC LIMIT 1",
                &[&ws, key],
            )
            .await?;
        let assignee: Option<i64> =
            tx.query_opt("SELECT person_id FROM assignments WHERE object_key = $1", &[key]).await?.map(|r| r.get(0));
        let district: Option<String> = tx
            .query_opt("SELECT district FROM office_tasks WHERE object_key = $1 AND ws = $2", &[key, &ws])
            .await?
            .and_then(|r| r.get(0));
        match &standing {
            Some(row) => {
                let state: serde_json::Value = row.get(0);
                let task: TaskState = serde_json::from_value(state.clone())
                    .map_err(|e| OfficeError::Config(format!("a stored task: {e}")))?;
                let global: i64 = row.get(1);
                tx.execute(
                    "UPDATE office_tasks SET state = $3, current_due = $4, status = $5, effective_due = $4, \
                     updated_global = $6 WHERE object_key = $1 AND ws = $2",
                    &[key, &ws, &state, &task.current_due, &task.status, &global],
                )
                .await?;
            }
            None => {
                tx.execute("DELETE FROM office_tasks WHERE object_key = $1 AND ws = $2", &[key, &ws]).await?;
                if key.starts_with(&format!("task:{ws}/")) {
                    // The task was made by the superseded stream: its number will name another task.
                    let withdrawn = tx
                        .query_opt("DELETE FROM assignments WHERE object_key = $1 RETURNING person_id", &[key])
                        .await?;
                    if let Some(row) = withdrawn {
                        withdrawn_assignments.push((key.clone(), district.clone(), row.get::<_, i64>(0)));
                    }
                }
            }
        }
        tasks.push(serde_json::json!({
            "object_key": key,
            "district": district,
            "assigned_to": assignee,
            "state": standing.map(|r| r.get::<_, serde_json::Value>(0)),
        }));
    }
    let global: i64 =
        tx.query_one("UPDATE sync_head SET last = last + 1 WHERE id = 1 RETURNING last", &[]).await?.get(0);
    tx.execute(
        "INSERT INTO retractions(global_seq, ws, epoch, from_seq, tasks) VALUES ($1, $2, $3, $4, $5)",
        &[&global, &ws, &stream.epoch, &seq, &serde_json::Value::Array(tasks)],
    )
    .await?;
    // The office's journal says which assignments went with the superseded stream, and why.
    for (key, district, person_id) in &withdrawn_assignments {
        let detail = serde_json::json!({
            "assigned_to": person_id,
            "reason": format!("the task was made by a stream of workstation {ws} that a re-admitted database superseded from entry {seq}"),
        });
        let decision = crate::journal::Decision {
            person: None,
            kind: "assignment_withdrawn",
            object_key: key,
            district: district.as_deref(),
            global_seq: global,
            detail,
        };
        crate::journal::append(tx, decision).await?;
    }
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
/// transaction (so numbers become visible in the order they were given). Its personal data goes
/// to `event_personal`, the one place a destruction act can clear it from.
async fn insert_event(
    tx: &deadpool_postgres::Transaction<'_>,
    ws: &Workstation,
    person: &Person,
    epoch: &str,
    event: &SyncEvent,
    placed: &Placed,
) -> Result<i64, OfficeError> {
    let personal = event.entry.personal.clone();
    let bare = StoredEntry { personal: None, redacted_by: None, ..event.entry.clone() };
    let entry = serde_json::to_value(&bare).map_err(|e| OfficeError::bad_request(e.to_string()))?;
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
                &placed.object_key,
                &placed.district,
                &event.base_global,
                &event.entry.kind,
                &entry,
                &task,
                &event.entry.hash,
            ],
        )
        .await?;
    let global: i64 = row.get(0);
    if let Some(personal) = personal {
        let value = serde_json::to_value(&personal).map_err(|e| OfficeError::bad_request(e.to_string()))?;
        tx.execute("INSERT INTO event_personal(global_seq, personal) VALUES ($1, $2)", &[&global, &value]).await?;
    }
    if let Some(district) = &placed.district {
        for key in [&placed.object_key, &placed.card_key].into_iter().flatten() {
            tx.execute(
                "INSERT INTO object_districts(object_key, district) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                &[key, district],
            )
            .await?;
        }
    }
    Ok(global)
}

/// Opens (or extends) a conflict when this entry moves an object's deadline, or corrects an
/// appeal, and another workstation did the same without having seen this one's writer's view —
/// looked for office-wide, whatever the pusher may read.
async fn find_conflict(
    tx: &deadpool_postgres::Transaction<'_>,
    ws: &str,
    event: &SyncEvent,
    placed: &Placed,
    global: i64,
) -> Result<Option<String>, OfficeError> {
    let Some(key) = &placed.object_key else { return Ok(None) };
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
    record_conflict(tx, key, &placed.district, rivals, global).await?;
    Ok(Some(key.clone()))
}

/// Opens a conflict on an object with these rivals and the entry numbered `global`, or extends the
/// one open on it.
async fn record_conflict(
    tx: &deadpool_postgres::Transaction<'_>,
    key: &str,
    district: &Option<String>,
    rivals: Vec<i64>,
    global: i64,
) -> Result<(), OfficeError> {
    let open = tx.query_opt("SELECT id FROM conflicts WHERE object_key = $1 AND resolved_at IS NULL", &[&key]).await?;
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
                &[&key, district, &events, &global],
            )
            .await?;
        }
    }
    Ok(())
}

/// Keeps this workstation's state of the task the entry concerns, and while a conflict on it is
/// open, the earliest due date any of the conflicting entries set. Returns the task's key when it
/// is an appeal's SLA task left to the office's routing.
async fn project(
    tx: &deadpool_postgres::Transaction<'_>,
    ws: &Workstation,
    person: &Person,
    event: &SyncEvent,
    placed: &Placed,
    global: i64,
) -> Result<Option<String>, OfficeError> {
    let (Some(key), Some(task)) = (&placed.object_key, &event.task) else { return Ok(None) };
    let state = serde_json::to_value(task).map_err(|e| OfficeError::bad_request(e.to_string()))?;
    let effective = effective_due(tx, key, task.current_due).await?;
    tx.execute(
        "INSERT INTO office_tasks(object_key, ws, owner_id, district, state, current_due, status, effective_due, updated_global) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (object_key, ws) DO UPDATE SET state = EXCLUDED.state, district = EXCLUDED.district, \
         current_due = EXCLUDED.current_due, status = EXCLUDED.status, effective_due = EXCLUDED.effective_due, \
         updated_global = EXCLUDED.updated_global",
        &[&key, &ws.id, &person.id, &placed.district, &state, &task.current_due, &task.status, &effective, &global],
    )
    .await?;
    Ok((task.assignee == crate::routing::UNASSIGNED).then(|| key.clone()))
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

/// Checks a workstation's checkpoint against the entries the office holds and cosigns it. A
/// checkpoint older than the last one witnessed is refused without reading the stream again.
async fn witness(
    tx: &deadpool_postgres::Transaction<'_>,
    office_key: &SigningKey,
    ws: &Workstation,
    stream: &mut Stream,
    checkpoint: &ekn_domain::journal::Checkpoint,
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
    let at = Utc::now().to_rfc3339();
    let signature = hex::encode(office_key.sign(&cosign_bytes(&ws.id, checkpoint.size, &root, &at)).to_bytes());
    // Kept, and published with the region's chains (migration 0015): the national side checks it.
    tx.execute(
        "INSERT INTO office_cosignatures(ws, epoch, size, merkle_root, at, signature) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT DO NOTHING",
        &[&ws.id, &stream.epoch, &size, &root, &at, &signature],
    )
    .await?;
    stream.witnessed_size = size;
    Ok(Some(Cosignature {
        size: checkpoint.size,
        merkle_root: root,
        at,
        office_key: hex::encode(office_key.verifying_key().to_bytes()),
        signature,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::people::Role;

    fn person(districts: &[&str]) -> Person {
        Person {
            id: 1,
            name: "A".into(),
            role: Role::Prosecutor,
            districts: districts.iter().map(|d| d.to_string()).collect(),
            units: vec![],
            blocked: false,
            blocked_reason: None,
        }
    }

    fn event(
        task_id: Option<i64>,
        appeal: Option<&str>,
        claimed_key: Option<&str>,
        district: Option<&str>,
    ) -> SyncEvent {
        let mut entry: StoredEntry = serde_json::from_value(serde_json::json!({
            "seq": 1, "at": "2026-11-20T10:00:00+05:00", "person": "A", "face": "cli", "kind": "task_noted",
            "subject_bin": null, "appeal_no": appeal, "task_id": task_id, "record": null, "state_digest": null,
            "old_due": null, "new_due": null, "detail": "", "payload": "{}", "version": 2, "personal_digest": null,
            "prev_hash": GENESIS, "hash": "", "personal": null, "redacted_by": null
        }))
        .unwrap();
        entry.hash = chain_hash(&entry);
        let task: Option<TaskState> = task_id.map(|_| {
            serde_json::from_value(serde_json::json!({
                "task_kind": "consider_appeal", "title": "t", "subject_bin": null, "appeal_no": appeal,
                "assignee": "A", "unit": "u", "region_code": null, "category": null, "event_date": "2026-01-05",
                "original_due": "2026-02-04", "current_due": "2026-02-04", "status": "open", "done_on": null,
                "norm_id": "appeals.consider"
            }))
            .unwrap()
        });
        SyncEvent {
            entry,
            object_key: claimed_key.map(str::to_string),
            district: district.map(str::to_string),
            base_global: 0,
            task,
        }
    }

    #[test]
    fn a_task_is_the_pushers_own_unless_it_is_the_appeals_shared_deadline() {
        let own = event(Some(7), Some("A-1"), Some("task:other/7"), None);
        assert_eq!(derive_key("ws1", &own), (Some("task:ws1/7".into()), true));
        let shared = event(Some(7), Some("A-1"), Some("appeal:A-1/consider_appeal"), None);
        assert_eq!(derive_key("ws1", &shared), (Some("appeal:A-1/consider_appeal".into()), false));
        // Another appeal's deadline is not this task's to claim.
        let stolen = event(Some(7), Some("A-1"), Some("appeal:A-2/consider_appeal"), None);
        assert_eq!(derive_key("ws1", &stolen).0.as_deref(), Some("task:ws1/7"));
        let appeal = event(None, Some("A-1"), Some("card:123"), None);
        assert_eq!(derive_key("ws1", &appeal), (Some("appeal:A-1".into()), true));
    }

    #[test]
    fn an_entry_is_placed_in_the_claimed_district_only_within_the_pushers_scope() {
        let who = person(&["1910"]);
        let inside = place("ws1", &who, &event(None, Some("A-1"), Some("appeal:A-1"), Some("191010000")));
        assert_eq!((inside.district.as_deref(), inside.note), (Some("191010000"), None));
        let outside = place("ws1", &who, &event(None, Some("A-1"), Some("appeal:A-1"), Some("192010000")));
        assert_eq!(outside.district.as_deref(), Some("1910"));
        assert!(outside.note.unwrap().suspicious);
        let unknown = place("ws1", &who, &event(None, Some("A-1"), Some("appeal:A-1"), None));
        assert_eq!((unknown.district.as_deref(), unknown.note), (Some("1910"), None));
    }
}
