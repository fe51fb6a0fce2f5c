//! Lawful destruction on the office's copy. When a workstation's `retention_applied` entry arrives
//! in a push, the office clears the personal data (journal v2: a note, a reason, a file name —
//! the chain covers only its salted digest, so every chain still verifies) of the entries the act
//! listed from that workstation and of every entry about the records it names (its appeals,
//! documents and acts of response) placed in the author's districts, through the one audited exception to its guard
//! (`ekn_redact`). The act is numbered in the office's order: every replica pulls it and clears
//! its copies too, and the office can say which workstations it has reached. What the office
//! keeps is said, not hidden: entries written before journal v2 (their text is in the chain) and
//! entries about the records placed in other districts (theirs to destroy under their own acts).
//! The appeals' facts the workstations handed over lose their applicant's pseudonym and text
//! fingerprint the same way. `ekn-office retention sweep` rewrites the tables the data lived in,
//! so its bytes leave PostgreSQL's files too.

use ekn_domain::journal::{Entry, StoredEntry};
use ekn_domain::sync::{in_scope, RedactionDone, RedactionNotice, RedactionReach};
use serde::Serialize;

use crate::error::OfficeError;
use crate::people::Person;
use crate::workstations::Workstation;

/// Carries out the act in `entry` (stored as office entry `entry_global`) on the office's copy,
/// inside the push's transaction. `None` when the entry is not an act the office can read, or the
/// act was carried out before (a re-admitted database pushing it again).
pub async fn carry_out(
    tx: &deadpool_postgres::Transaction<'_>,
    ws: &Workstation,
    person: &Person,
    entry: &StoredEntry,
    entry_global: i64,
) -> Result<Option<RedactionDone>, OfficeError> {
    let Ok(Entry::RetentionApplied { act_number, records, redacted_entries, .. }) =
        serde_json::from_str::<Entry>(&entry.payload)
    else {
        return Ok(None);
    };
    if tx
        .query_opt("SELECT 1 FROM redaction_acts WHERE ws = $1 AND act_number = $2", &[&ws.id, &act_number])
        .await?
        .is_some()
    {
        return Ok(None);
    }
    // An act of response by its object and number (`act:BIN:NUMBER`): every workstation's
    // `act_issued` entry for the same registry act names its addressee.
    let acts: Vec<(String, String)> = records
        .iter()
        .filter_map(|r| r.strip_prefix("act:")?.split_once(':'))
        .filter(|(_, number)| !number.starts_with('#'))
        .map(|(bin, number)| (bin.to_string(), number.to_string()))
        .collect();
    let act_bins: Vec<String> = acts.iter().map(|(bin, _)| bin.clone()).collect();
    // A theme note (`theme-note:SEQ`) is one of the author's entries the act lists: cleared below
    // with them, never taken for an appeal's number.
    let appeals: Vec<String> = records
        .iter()
        .filter(|r| !r.contains('@') && !r.starts_with("act:") && !r.starts_with("theme-note:"))
        .cloned()
        .collect();
    let appeal_keys: Vec<String> = appeals.iter().map(|no| format!("appeal:{no}")).collect();
    let documents: Vec<(String, String)> =
        records.iter().filter_map(|r| r.split_once('@')).map(|(sha, bin)| (sha.to_string(), bin.to_string())).collect();
    let bins: Vec<String> = documents.iter().map(|(_, bin)| bin.clone()).collect();

    // The act's author's own entries it listed, in this workstation's stream as it stands.
    let own: Vec<i64> = tx
        .query(
            "SELECT global_seq FROM events WHERE ws = $1 AND seq = ANY($2) AND superseded_by IS NULL",
            &[&ws.id, &redacted_entries],
        )
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    // Every entry about the records, from any workstation (candidates for documents are read
    // whole: an attachment's digest is inside the entry's payload).
    let rows = tx
        .query(
            "SELECT e.global_seq, e.district, e.entry FROM events e WHERE e.superseded_by IS NULL AND e.global_seq <> $1 AND ( \
               e.entry->>'appeal_no' = ANY($2) OR e.object_key = ANY($3) OR split_part(e.object_key, '/', 1) = ANY($3) \
               OR e.object_key IN (SELECT t.object_key FROM office_tasks t WHERE t.state->>'appeal_no' = ANY($2)) \
               OR (e.kind IN ('document_attached', 'fact_confirmed', 'fact_rejected') AND e.entry->>'subject_bin' = ANY($4)) \
               OR (e.kind = 'act_issued' AND e.entry->>'subject_bin' = ANY($5)))",
            &[&entry_global, &appeals, &appeal_keys, &bins, &act_bins],
        )
        .await?;
    let mut cleared = own.clone();
    let (mut kept_v1, mut kept_outside) = (0i32, 0i32);
    for row in &rows {
        let global: i64 = row.get(0);
        let district: Option<String> = row.get(1);
        let Ok(stored) = serde_json::from_value::<StoredEntry>(row.get(2)) else { continue };
        // A document's entries (attached, and a person's decisions on what was read from it)
        // count only for the document the act names.
        if matches!(stored.kind.as_str(), "document_attached" | "fact_confirmed" | "fact_rejected") {
            let sha = serde_json::from_str::<serde_json::Value>(&stored.payload)
                .ok()
                .and_then(|p| p.get("sha256").and_then(|s| s.as_str()).map(str::to_string));
            let named =
                documents.iter().any(|(s, bin)| Some(s) == sha.as_ref() && Some(bin) == stored.subject_bin.as_ref());
            if !named && !stored.appeal_no.as_ref().is_some_and(|no| appeals.contains(no)) {
                continue;
            }
        }
        // An act's entry counts only for the act the destruction names (its number, on its object).
        if stored.kind == "act_issued" {
            let number = serde_json::from_str::<serde_json::Value>(&stored.payload)
                .ok()
                .and_then(|p| p.get("number").and_then(|n| n.as_str()).map(str::to_string));
            let named =
                acts.iter().any(|(bin, n)| Some(n) == number.as_ref() && Some(bin) == stored.subject_bin.as_ref());
            if !named {
                continue;
            }
        }
        if cleared.contains(&global) {
            continue;
        }
        if stored.version < 2 {
            kept_v1 += 1;
        } else if district.as_deref().is_some_and(|d| !in_scope(d, &person.districts)) {
            kept_outside += 1;
        } else {
            cleared.push(global);
        }
    }
    cleared.sort_unstable();
    // The appeals' facts the workstations handed over: the applicant's pseudonym and the text's
    // fingerprint go, as they go from the workstation's own row — on the author's copies and on
    // every copy placed in the author's districts (others' are theirs to destroy).
    tx.execute(
        "UPDATE office_appeals SET applicant = NULL, simhash = NULL, updated_at = now() \
         WHERE appeal_no = ANY($1) AND (applicant IS NOT NULL OR simhash IS NOT NULL) AND (ws = $2 OR ( \
           district IS NOT NULL AND EXISTS (SELECT 1 FROM unnest($3::text[]) p WHERE p = '*' OR district LIKE p || '%')))",
        &[&appeals, &ws.id, &person.districts],
    )
    .await?;
    // The appeals' papers that travelled with their tasks go whole (masked text is still the
    // appeal's content): the author's, and every copy placed in the author's districts.
    tx.execute("SELECT set_config('ekn.redacting', 'on', true)", &[]).await?;
    tx.execute(
        "DELETE FROM office_appeal_papers WHERE appeal_no = ANY($1) AND (ws = $2 OR ( \
           district IS NOT NULL AND EXISTS (SELECT 1 FROM unnest($3::text[]) p WHERE p = '*' OR district LIKE p || '%')))",
        &[&appeals, &ws.id, &person.districts],
    )
    .await?;
    tx.execute("SELECT set_config('ekn.redacting', '', true)", &[]).await?;
    let notice: i64 =
        tx.query_one("UPDATE sync_head SET last = last + 1 WHERE id = 1 RETURNING last", &[]).await?.get(0);
    let records_json = serde_json::to_value(&records).map_err(|e| OfficeError::Config(e.to_string()))?;
    tx.query_one(
        "SELECT ekn_redact($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        &[&act_number, &ws.id, &person.id, &entry_global, &notice, &records_json, &cleared, &kept_v1, &kept_outside],
    )
    .await?;
    Ok(Some(RedactionDone {
        act_number,
        global_seq: notice,
        office_entries: cleared.len() as i64,
        kept_v1: i64::from(kept_v1),
        kept_outside: i64::from(kept_outside),
    }))
}

/// The acts numbered in `(since, until]` of the office's order, as a puller receives them: every
/// puller gets every act (numbers and keys, no content), with which of the entries it cleared
/// are the puller's own (`own_ws`'s, by its journal's numbers), so it clears its copies too.
pub async fn notices(
    tx: &deadpool_postgres::Transaction<'_>,
    since: i64,
    until: i64,
    own_ws: &str,
) -> Result<Vec<RedactionNotice>, OfficeError> {
    let rows = tx
        .query(
            "SELECT r.global_seq, r.act_number, r.ws, r.records, r.entries, \
               coalesce((SELECT array_agg(e.seq ORDER BY e.seq) FROM events e \
                         WHERE e.global_seq = ANY(r.entries) AND e.ws = $3 AND e.superseded_by IS NULL), '{}') \
             FROM redaction_acts r WHERE r.global_seq > $1 AND r.global_seq <= $2 ORDER BY r.global_seq",
            &[&since, &until, &own_ws],
        )
        .await?;
    rows.iter()
        .map(|r| {
            Ok(RedactionNotice {
                global_seq: r.get(0),
                act_number: r.get(1),
                workstation_id: r.get(2),
                records: serde_json::from_value(r.get(3))
                    .map_err(|e| OfficeError::Config(format!("an act's records: {e}")))?,
                entries: r.get(4),
                own_entries: r.get(5),
            })
        })
        .collect()
}

/// How far a workstation's act has reached: the office's copy, and which enrolled workstations
/// have pulled its notice (an unrevoked one that has not is still holding what it destroys).
pub async fn reach(
    client: &deadpool_postgres::Client,
    ws: &str,
    act_number: &str,
) -> Result<RedactionReach, OfficeError> {
    let row = client
        .query_opt(
            "SELECT global_seq, cardinality(entries), kept_v1, kept_outside, at FROM redaction_acts \
             WHERE ws = $1 AND act_number = $2",
            &[&ws, &act_number],
        )
        .await?
        .ok_or_else(|| {
            OfficeError::not_found(format!("the office has not received act {act_number} from this workstation"))
        })?;
    let global: i64 = row.get(0);
    let others = client
        .query(
            "SELECT w.name, p.name, w.pulled_through >= $2 FROM workstations w JOIN people p ON p.id = w.person_id \
             WHERE w.id <> $1 AND w.revoked_at IS NULL ORDER BY p.name, w.name",
            &[&ws, &global],
        )
        .await?;
    let mut reached = Vec::new();
    let mut pending = Vec::new();
    for r in &others {
        let name = format!("{} ({})", r.get::<_, String>(1), r.get::<_, String>(0));
        if r.get::<_, bool>(2) {
            reached.push(name);
        } else {
            pending.push(name);
        }
    }
    Ok(RedactionReach {
        act_number: act_number.to_string(),
        office_at: row.get::<_, chrono::DateTime<chrono::Utc>>(4).to_rfc3339(),
        office_entries: i64::from(row.get::<_, i32>(1)),
        kept_v1: i64::from(row.get::<_, i32>(2)),
        kept_outside: i64::from(row.get::<_, i32>(3)),
        replicas_reached: reached,
        replicas_pending: pending,
    })
}

/// One act as the console lists it.
#[derive(Debug, Clone, Serialize)]
pub struct ActLine {
    pub act_number: String,
    pub by: String,
    pub workstation: String,
    pub at: String,
    pub records: usize,
    pub office_entries: i64,
    pub kept_v1: i64,
    pub kept_outside: i64,
    pub replicas_reached: i64,
    pub replicas_pending: i64,
}

/// Every act the office carried out, newest first, with its reach (the owner's console).
pub async fn acts(client: &deadpool_postgres::Client) -> Result<Vec<ActLine>, OfficeError> {
    let rows = client
        .query(
            "SELECT r.act_number, p.name, w.name, r.at, jsonb_array_length(r.records), cardinality(r.entries), r.kept_v1, \
               r.kept_outside, \
               (SELECT count(*) FROM workstations o WHERE o.id <> r.ws AND o.revoked_at IS NULL AND o.pulled_through >= r.global_seq), \
               (SELECT count(*) FROM workstations o WHERE o.id <> r.ws AND o.revoked_at IS NULL AND o.pulled_through < r.global_seq) \
             FROM redaction_acts r JOIN people p ON p.id = r.person_id JOIN workstations w ON w.id = r.ws ORDER BY r.id DESC",
            &[],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| ActLine {
            act_number: r.get(0),
            by: r.get(1),
            workstation: r.get(2),
            at: r.get::<_, chrono::DateTime<chrono::Utc>>(3).to_rfc3339(),
            records: r.get::<_, i32>(4) as usize,
            office_entries: i64::from(r.get::<_, i32>(5)),
            kept_v1: i64::from(r.get::<_, i32>(6)),
            kept_outside: i64::from(r.get::<_, i32>(7)),
            replicas_reached: r.get(8),
            replicas_pending: r.get(9),
        })
        .collect())
}

/// Rewrites the table the destroyed data lived in (`VACUUM FULL`: a new file, the old one
/// removed), so the bytes of cleared rows leave PostgreSQL's data files, not only its answers.
/// As the owner (the server's role may not); the table is small (personal fields only), so the
/// lock is short. Run it after acts arrive (a daily timer; docs/OFFICE.md).
pub async fn sweep(client: &tokio_postgres::Client) -> Result<(), OfficeError> {
    // One statement a call: a multi-statement string is one implicit transaction, which VACUUM refuses.
    client.batch_execute("VACUUM (FULL, ANALYZE) event_personal").await?;
    client.batch_execute("VACUUM (FULL, ANALYZE) office_appeals").await?;
    client.batch_execute("VACUUM (FULL, ANALYZE) office_appeal_papers").await?;
    Ok(())
}
