//! The workstation's side of the office in SQLite: the link (which office, as whom, how far
//! pushed and pulled), the colleagues' entries and tasks pulled from it, the reads queued for the
//! office's access log, and what a push needs to place each entry (its object's district, the
//! task's state). Sync bookkeeping is not a person's write, so it is not journaled; joining is.

use std::collections::HashMap;

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::tasks::LogEntry;
use super::{Store, StoreError};
use crate::domain::deadline::{Period, Suspension};
use crate::domain::journal::StoredEntry;
use crate::domain::sync::{ConflictNotice, PullReply, RedactionNotice, RetractionNotice, TaskState, DEADLINE_KINDS};

/// The row of `office_link`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct OfficeLink {
    pub url: String,
    pub workstation_id: String,
    pub workstation_name: String,
    pub person: String,
    pub role: String,
    pub districts: Vec<String>,
    pub office_key: String,
    pub instance: String,
    pub joined_at: String,
    pub pushed_through: i64,
    pub pull_cursor: i64,
    pub last_sync_at: Option<String>,
    pub last_error: Option<String>,
    /// The office's own CA (PEM), when it was given at joining.
    pub tls_ca: Option<String>,
    /// The SHA-256 of the office's certificate, when a person confirmed it at joining.
    pub tls_pin: Option<String>,
    /// The office's pseudonym key (64 hex digits), handed out at enrolment: a secret, never shown.
    #[serde(skip)]
    #[ts(skip)]
    pub pseudonym_key: Option<String>,
}

/// A queued read for the office's access log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueuedRead {
    pub id: i64,
    pub at: String,
    pub action: String,
    pub subject: Option<String>,
    pub district: Option<String>,
    /// What was read (an act's kind and language, how many rows an export held).
    pub detail: Option<String>,
}

/// A colleague's task as their workstation last pushed it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RemoteTask {
    /// This workstation's number for it (shown negated beside its own tasks).
    pub id: i64,
    /// `task:<workstation>/<its local id>`, or `appeal:<no>/<kind>`.
    pub object_key: String,
    /// The person whose workstation holds it.
    pub owner: String,
    pub district: Option<String>,
    pub state: TaskState,
}

/// A local task as a push places it: the office's view of it, its object's KATO code, its period.
#[derive(Debug, Clone)]
pub struct Placed {
    pub state: TaskState,
    pub kato: Option<String>,
    pub period: Period,
}

/// What `Store::placements` read for a batch of entries, keyed as the entries name things.
#[derive(Debug, Default)]
pub struct Placements {
    /// Local tasks (positive numbers).
    pub tasks: HashMap<i64, Placed>,
    /// Their suspensions, in order.
    pub suspensions: HashMap<i64, Vec<Suspension>>,
    /// A local task that is an appeal's first rule-made deadline of its kind: (appeal, kind).
    pub appeal_identities: HashMap<i64, (String, String)>,
    /// Colleagues' tasks, by their (negative) number here: the object key they were pulled with.
    pub remote_keys: HashMap<i64, String>,
    pub appeal_katos: HashMap<String, Option<String>>,
    pub subject_katos: HashMap<String, Option<String>>,
}

const LINK_COLUMNS: &str = "url, workstation_id, workstation_name, person, role, districts, office_key, instance, \
                            joined_at, pushed_through, pull_cursor, last_sync_at, last_error, tls_ca, tls_pin, \
                            pseudonym_key";

impl Store {
    /// The office this workstation joined, if it did.
    pub fn office_link(&self) -> Result<Option<OfficeLink>, StoreError> {
        Ok(self
            .conn
            .query_row(&format!("SELECT {LINK_COLUMNS} FROM office_link WHERE id = 1"), [], |r| {
                let districts: String = r.get(5)?;
                Ok(OfficeLink {
                    url: r.get(0)?,
                    workstation_id: r.get(1)?,
                    workstation_name: r.get(2)?,
                    person: r.get(3)?,
                    role: r.get(4)?,
                    districts: districts.split(',').filter(|d| !d.is_empty()).map(str::to_string).collect(),
                    office_key: r.get(6)?,
                    instance: r.get(7)?,
                    joined_at: r.get(8)?,
                    pushed_through: r.get(9)?,
                    pull_cursor: r.get(10)?,
                    last_sync_at: r.get(11)?,
                    last_error: r.get(12)?,
                    tls_ca: r.get(13)?,
                    tls_pin: r.get(14)?,
                    pseudonym_key: r.get(15)?,
                })
            })
            .optional()?)
    }

    /// Records the sync's progress: how far the journal was pushed, the office's cosignature.
    pub fn record_pushed(&self, through: i64, cosignature: Option<&str>) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE office_link SET pushed_through = max(pushed_through, ?1), cosignature = coalesce(?2, cosignature) WHERE id = 1",
            params![through, cosignature],
        )?;
        Ok(())
    }

    /// Records the end of a sync: when, and what went wrong if anything did.
    pub fn record_sync_end(&self, at: &str, error: Option<&str>) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE office_link SET last_sync_at = CASE WHEN ?2 IS NULL THEN ?1 ELSE last_sync_at END, last_error = ?2 WHERE id = 1",
            params![at, error],
        )?;
        Ok(())
    }

    /// Stores a page of pulled entries, assignments and conflict notices, and the new cursor, in
    /// one transaction: a page is kept whole or not at all, and an entry pulled twice is kept once.
    pub fn store_pulled(&mut self, page: &PullReply) -> Result<usize, StoreError> {
        let (next, assignments) = (page.next, &page.assignments);
        self.replicate(|tx| {
            for c in &page.conflicts {
                upsert_conflict(tx, c)?;
            }
            let own: String =
                tx.query_row("SELECT workstation_id FROM office_link WHERE id = 1", [], |r| r.get(0))?;
            for a in assignments {
                upsert_assignment(tx, &a.object_key, &a.assigned_to, &a.assigned_by, &a.reason, &a.at, a.global_seq)?;
                // A task newly assigned to this person arrives with the assignment, its state as
                // the office holds it; this workstation's own tasks are not copied.
                if !a.object_key.starts_with(&format!("task:{own}/")) {
                    let state = serde_json::to_string(&a.task).map_err(|err| StoreError::Invalid(err.to_string()))?;
                    tx.execute(
                        "INSERT INTO remote_tasks(object_key, owner, district, state, updated_global) VALUES (?1, ?2, ?3, ?4, ?5) \
                         ON CONFLICT(object_key) DO UPDATE SET owner = excluded.owner, district = excluded.district, \
                         state = excluded.state, updated_global = excluded.updated_global \
                         WHERE excluded.updated_global > remote_tasks.updated_global",
                        params![a.object_key, a.holder, a.district, state, a.global_seq],
                    )?;
                }
            }
            let mut stored = 0;
            {
                let mut insert = tx.prepare_cached(
                    "INSERT OR IGNORE INTO remote_events(global_seq, workstation_id, epoch, seq, author, object_key, district, kind, entry) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                )?;
                let mut task = tx.prepare_cached(
                    "INSERT INTO remote_tasks(object_key, owner, district, state, updated_global) VALUES (?1, ?2, ?3, ?4, ?5) \
                     ON CONFLICT(object_key) DO UPDATE SET owner = excluded.owner, district = excluded.district, \
                     state = excluded.state, updated_global = excluded.updated_global \
                     WHERE excluded.updated_global > remote_tasks.updated_global",
                )?;
                // A newly assigned task's earlier history first, then the page's entries.
                for e in page.history.iter().chain(&page.events) {
                    let entry =
                        serde_json::to_string(&e.event.entry).map_err(|err| StoreError::Invalid(err.to_string()))?;
                    stored += insert.execute(params![
                        e.global_seq,
                        e.workstation_id,
                        e.epoch,
                        e.event.entry.seq,
                        e.author,
                        e.event.object_key,
                        e.event.district,
                        e.event.entry.kind,
                        entry
                    ])?;
                    if let (Some(key), Some(state)) = (&e.event.object_key, &e.event.task) {
                        let state = serde_json::to_string(state).map_err(|err| StoreError::Invalid(err.to_string()))?;
                        task.execute(params![key, e.author, e.event.district, state, e.global_seq])?;
                    }
                }
            }
            for r in &page.retractions {
                retract(tx, r)?;
            }
            for notice in &page.redactions {
                scrub_replica(tx, notice)?;
                // This workstation's own copies (its entries, the records it holds) are cleared by
                // a journaled write; the notice waits here until that write is made.
                let text = serde_json::to_string(notice).map_err(|e| StoreError::Invalid(e.to_string()))?;
                tx.execute(
                    "INSERT INTO office_redactions(global_seq, notice) VALUES (?1, ?2) ON CONFLICT(global_seq) DO NOTHING",
                    params![notice.global_seq, text],
                )?;
            }
            tx.execute("UPDATE office_link SET pull_cursor = max(pull_cursor, ?1) WHERE id = 1", [next])?;
            Ok(stored)
        })
    }

    /// Colleagues' destruction acts pulled and not yet carried out on this workstation's own copies.
    pub fn pending_redactions(&self) -> Result<Vec<RedactionNotice>, StoreError> {
        let mut stmt =
            self.conn.prepare("SELECT notice FROM office_redactions WHERE applied_seq IS NULL ORDER BY global_seq")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for row in rows {
            out.push(serde_json::from_str(&row?).map_err(|e| StoreError::Invalid(e.to_string()))?);
        }
        Ok(out)
    }

    /// Forgets everything pulled from the office (a revoked workstation, a blocked person): the
    /// colleagues' entries, tasks, assignments, conflicts and acts waiting; the pull starts over
    /// should the office take this workstation back. Returns (entries, tasks) purged.
    pub fn purge_pulled(&mut self) -> Result<(usize, usize), StoreError> {
        self.replicate(|tx| {
            let entries = tx.execute("DELETE FROM remote_events", [])?;
            let tasks = tx.execute("DELETE FROM remote_tasks", [])?;
            tx.execute("DELETE FROM office_assignments", [])?;
            tx.execute("DELETE FROM office_conflicts", [])?;
            tx.execute("DELETE FROM office_figures", [])?;
            tx.execute("DELETE FROM office_redactions", [])?;
            // Taken back, this workstation hands the office its appeals again from the start.
            tx.execute("DELETE FROM office_appeals_sent", [])?;
            // Papers: those given here go, and this workstation's own are handed over again.
            tx.execute("DELETE FROM remote_appeals", [])?;
            tx.execute("DELETE FROM office_papers_sent", [])?;
            tx.execute("UPDATE office_link SET pull_cursor = 0 WHERE id = 1", [])?;
            Ok((entries, tasks))
        })
    }

    /// Records how far one of this workstation's acts reached: the office's copy, and the
    /// colleagues' workstations (JSON `{reached, pending, checked_at}`).
    pub fn record_act_reach(
        &self,
        act_number: &str,
        reach: &crate::domain::sync::RedactionReach,
        checked_at: &str,
    ) -> Result<(), StoreError> {
        let replicas = serde_json::json!({
            "reached": reach.replicas_reached, "pending": reach.replicas_pending, "checked_at": checked_at
        })
        .to_string();
        self.conn.execute(
            "UPDATE destructions SET office_reached_at = ?2, office_entries = ?3, office_kept_v1 = ?4, \
             office_kept_outside = ?5, replicas = ?6 WHERE act_number = ?1 AND received_from IS NULL",
            params![act_number, reach.office_at, reach.office_entries, reach.kept_v1, reach.kept_outside, replicas],
        )?;
        Ok(())
    }

    /// This workstation's own acts the office has not fully carried everywhere yet (not reached
    /// the office, or some colleague's workstation still to pull them).
    pub fn acts_to_follow(&self) -> Result<Vec<String>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT act_number FROM destructions WHERE received_from IS NULL AND (office_reached_at IS NULL \
             OR replicas IS NULL OR json_array_length(replicas, '$.pending') > 0) ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<Vec<String>, _>>()?)
    }

    /// Keeps the office's latest figures of one kind (its JSON as checked), replacing the last.
    pub fn keep_office_figures(&mut self, kind: &str, body: &str, fetched_at: &str) -> Result<(), StoreError> {
        self.replicate(|tx| {
            tx.execute(
                "INSERT INTO office_figures(kind, body, fetched_at) VALUES (?1, ?2, ?3) \
                 ON CONFLICT(kind) DO UPDATE SET body = excluded.body, fetched_at = excluded.fetched_at",
                rusqlite::params![kind, body, fetched_at],
            )?;
            Ok(())
        })
    }

    /// The office's figures of one kind last kept, with when they came: `(body, fetched_at)`.
    pub fn office_figures(&self, kind: &str) -> Result<Option<(String, String)>, StoreError> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn
            .query_row("SELECT body, fetched_at FROM office_figures WHERE kind = ?1", [kind], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?)
    }

    /// Records a conflict notice the office answered with (a resolution this workstation's
    /// supervisor just made); the pull brings the same notice again, harmlessly.
    pub fn record_conflict(&mut self, notice: &ConflictNotice) -> Result<(), StoreError> {
        self.replicate(|tx| upsert_conflict(tx, notice))
    }

    /// The conflicts on this workstation's tasks and the colleagues' it holds, by task number
    /// (negative for a colleague's), as the office last numbered them.
    pub fn conflicted_tasks(&self, workstation_id: &str) -> Result<Vec<(i64, ConflictNotice)>, StoreError> {
        let mut stmt = self.conn.prepare(&format!("{} ORDER BY 1", by_task_number("office_conflicts", "o.notice")))?;
        let rows = stmt.query_map([workstation_id], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (id, notice) = row?;
            out.push((id, serde_json::from_str(&notice).map_err(|e| StoreError::Invalid(e.to_string()))?));
        }
        Ok(out)
    }

    /// The latest entry that moved a task's deadline, as `(workstation, its seq)`: this
    /// workstation's journal for its own task (positive number), the pulled entries for a
    /// colleague's. A resolved conflict's date holds only while this is one of its entries.
    pub fn latest_deadline_move(&self, workstation_id: &str, id: i64) -> Result<Option<(String, i64)>, StoreError> {
        let kinds = DEADLINE_KINDS.map(|k| format!("'{k}'")).join(", ");
        if id > 0 {
            let seq: Option<i64> = self.conn.query_row(
                &format!("SELECT max(seq) FROM journal WHERE task_id = ?1 AND kind IN ({kinds})"),
                [id],
                |r| r.get(0),
            )?;
            return Ok(seq.map(|s| (workstation_id.to_string(), s)));
        }
        Ok(self
            .conn
            .query_row(
                &format!(
                    "SELECT e.workstation_id, e.seq FROM remote_events e JOIN remote_tasks r ON r.object_key = e.object_key \
                     WHERE r.id = ?1 AND e.kind IN ({kinds}) ORDER BY e.global_seq DESC LIMIT 1"
                ),
                // `-N` is remote task N; i64::MIN has no counterpart and finds nothing.
                [id.wrapping_neg()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    /// Records an assignment this workstation's person just made through the office (the pull
    /// brings the office's copy, with its number, next time).
    pub fn record_assignment(
        &mut self,
        object_key: &str,
        assigned_to: &str,
        assigned_by: &str,
        reason: &str,
        at: &str,
    ) -> Result<(), StoreError> {
        self.replicate(|tx| upsert_assignment(tx, object_key, assigned_to, assigned_by, reason, at, 0))
    }

    /// Who the office assigned each task to, by this workstation's task number (negative for a
    /// colleague's): the workstation's own tasks by their office key, the colleagues' by theirs.
    pub fn assigned_tasks(&self, workstation_id: &str) -> Result<Vec<(i64, String, String)>, StoreError> {
        let mut stmt = self.conn.prepare(&by_task_number("office_assignments", "o.assigned_to, o.reason"))?;
        let rows = stmt.query_map([workstation_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The colleagues' tasks pulled so far.
    pub fn remote_tasks(&self) -> Result<Vec<RemoteTask>, StoreError> {
        self.query_remote_tasks("SELECT id, object_key, owner, district, state FROM remote_tasks ORDER BY id", [])
    }

    /// The colleagues' tasks this workstation does not hold itself: an appeal's rule-made deadline
    /// pulled from a colleague who imported the same appeal is this workstation's own task already.
    pub fn remote_tasks_not_held(&self) -> Result<Vec<RemoteTask>, StoreError> {
        self.query_remote_tasks(
            "SELECT r.id, r.object_key, r.owner, r.district, r.state FROM remote_tasks r \
             WHERE NOT EXISTS (SELECT 1 FROM tasks t JOIN appeals a ON a.id = t.appeal_id \
                               WHERE t.norm_id IS NOT NULL AND 'appeal:' || a.appeal_no || '/' || t.kind = r.object_key) \
             ORDER BY r.id",
            [],
        )
    }

    /// One colleague's task by this workstation's number for it.
    /// A colleague's task by the number it shows on this workstation: `-N` is remote task N. Any
    /// other number (positive, or one with no positive counterpart) names no colleague's task.
    pub fn remote_task_numbered(&self, number: i64) -> Result<Option<RemoteTask>, StoreError> {
        match number.checked_neg() {
            Some(id) if id > 0 => self.remote_task(id),
            _ => Ok(None),
        }
    }

    /// A colleague's task by its own (positive) number in the replica.
    pub fn remote_task(&self, id: i64) -> Result<Option<RemoteTask>, StoreError> {
        Ok(self
            .query_remote_tasks("SELECT id, object_key, owner, district, state FROM remote_tasks WHERE id = ?1", [id])?
            .pop())
    }

    fn query_remote_tasks(&self, sql: &str, args: impl rusqlite::Params) -> Result<Vec<RemoteTask>, StoreError> {
        let mut stmt = self.conn.prepare(sql)?;
        let rows = stmt.query_map(args, |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, String>(4)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, object_key, owner, district, state) = row?;
            let state: TaskState = serde_json::from_str(&state).map_err(|e| StoreError::Invalid(e.to_string()))?;
            out.push(RemoteTask { id, object_key, owner, district, state });
        }
        Ok(out)
    }

    /// The entries pulled on one object, in the office's order: (global number, author, entry).
    pub fn remote_entries(&self, object_key: &str) -> Result<Vec<(i64, String, StoredEntry)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT global_seq, author, entry FROM remote_events WHERE object_key = ?1 ORDER BY global_seq")?;
        let rows = stmt
            .query_map([object_key], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (global_seq, author, entry) = row?;
            let entry: StoredEntry = serde_json::from_str(&entry).map_err(|e| StoreError::Invalid(e.to_string()))?;
            out.push((global_seq, author, entry));
        }
        Ok(out)
    }

    /// A colleague's task's history as its log: the entries pulled on its object, in the office's
    /// order, each with the author the office names.
    pub fn remote_task_log(&self, object_key: &str) -> Result<Vec<LogEntry>, StoreError> {
        let mut log = Vec::new();
        for (global_seq, author, entry) in self.remote_entries(object_key)? {
            let action = match entry.kind.as_str() {
                "task_created" => "created",
                "task_extended" => "extended",
                "task_suspended" => "suspended",
                "task_noted" => "note",
                "task_done" => "done",
                "task_recomputed" => "recomputed",
                other => other,
            };
            log.push(LogEntry {
                seq: global_seq,
                at: entry.at.clone(),
                person: author,
                face: entry.face.clone(),
                action: action.to_string(),
                old_due: entry.old_due,
                new_due: entry.new_due,
                // With its personal words (a reason, a note) put back while they exist.
                detail: Some(entry.shown().0),
            });
        }
        Ok(log)
    }

    /// How many colleagues' entries were pulled.
    pub fn remote_event_count(&self) -> Result<i64, StoreError> {
        Ok(self.conn.query_row("SELECT count(*) FROM remote_events", [], |r| r.get(0))?)
    }

    /// What a push needs to place a batch of its entries, read with one query per kind of lookup
    /// (a batch is up to 500 entries; one lookup per entry and kind was five point queries each).
    pub fn placements(&self, entries: &[StoredEntry]) -> Result<Placements, StoreError> {
        let mut local_tasks: Vec<i64> = entries.iter().filter_map(|e| e.task_id).filter(|id| *id > 0).collect();
        let mut remote_tasks: Vec<i64> =
            entries.iter().filter_map(|e| e.task_id).filter_map(|id| id.checked_neg()).filter(|id| *id > 0).collect();
        let mut appeals: Vec<&str> =
            entries.iter().filter(|e| e.task_id.is_none()).filter_map(|e| e.appeal_no.as_deref()).collect();
        let mut subjects: Vec<&str> = entries
            .iter()
            .filter(|e| e.task_id.is_none() && e.appeal_no.is_none())
            .filter_map(|e| e.subject_bin.as_deref())
            .collect();
        for list in [&mut local_tasks, &mut remote_tasks] {
            list.sort_unstable();
            list.dedup();
        }
        for list in [&mut appeals, &mut subjects] {
            list.sort_unstable();
            list.dedup();
        }
        let mut out = Placements::default();
        let tasks_sql = format!(
            "SELECT {columns}, coalesce(s.kato, a.kato), t.period_amount, t.period_unit FROM tasks t \
             LEFT JOIN subjects s ON s.id = t.subject_id LEFT JOIN appeals a ON a.id = t.appeal_id WHERE t.id IN {{in}}",
            columns = super::tasks::TASK_COLUMNS
        );
        // The period's unit is checked after the rows are read: a row callback answers only
        // rusqlite's errors, and an unknown unit is the store's (`period_of`).
        let mut rows = Vec::new();
        self.each_in(&tasks_sql, &local_tasks, |r| {
            rows.push((
                super::tasks::task_row(r)?,
                r.get::<_, Option<String>>(18)?,
                r.get::<_, u32>(19)?,
                r.get::<_, String>(20)?,
            ));
            Ok(())
        })?;
        for (task, kato, amount, unit) in rows {
            let period = super::tasks::period_of(task.id, amount, &unit)?;
            out.tasks.insert(task.id, Placed { state: TaskState::of(&task), kato, period });
        }
        self.each_in(
            "SELECT task_id, from_date, to_date FROM task_suspensions WHERE task_id IN {in}",
            &local_tasks,
            |r| {
                let id: i64 = r.get(0)?;
                out.suspensions.entry(id).or_default().push(Suspension { from: r.get(1)?, to: r.get(2)? });
                Ok(())
            },
        )?;
        for list in out.suspensions.values_mut() {
            list.sort_by_key(|s| s.from);
        }
        self.each_in(
            "SELECT t.id, a.appeal_no, t.kind FROM tasks t JOIN appeals a ON a.id = t.appeal_id \
             WHERE t.norm_id IS NOT NULL AND t.id = \
             (SELECT min(o.id) FROM tasks o WHERE o.appeal_id = t.appeal_id AND o.kind = t.kind AND o.norm_id IS NOT NULL) \
             AND t.id IN {in}",
            &local_tasks,
            |r| {
                out.appeal_identities.insert(r.get(0)?, (r.get(1)?, r.get(2)?));
                Ok(())
            },
        )?;
        self.each_in("SELECT id, object_key FROM remote_tasks WHERE id IN {in}", &remote_tasks, |r| {
            out.remote_keys.insert(-r.get::<_, i64>(0)?, r.get(1)?);
            Ok(())
        })?;
        self.each_in("SELECT appeal_no, kato FROM appeals WHERE appeal_no IN {in}", &appeals, |r| {
            out.appeal_katos.insert(r.get(0)?, r.get(1)?);
            Ok(())
        })?;
        self.each_in("SELECT bin, kato FROM subjects WHERE bin IN {in}", &subjects, |r| {
            out.subject_katos.insert(r.get(0)?, r.get(1)?);
            Ok(())
        })?;
        Ok(out)
    }

    /// The highest global sequence seen on each of these objects (0 for one never seen).
    pub fn seen_on_objects(&self, keys: &[&str]) -> Result<HashMap<String, i64>, StoreError> {
        let mut seen = HashMap::new();
        self.each_in(
            "SELECT object_key, max(global_seq) FROM remote_events WHERE object_key IN {in} GROUP BY object_key",
            keys,
            |r| {
                seen.insert(r.get(0)?, r.get(1)?);
                Ok(())
            },
        )?;
        Ok(seen)
    }

    /// Runs `sql`, its `{in}` made `(?, ?, …)`, over `values` in chunks (SQLite bounds a
    /// statement's parameters), handing each row to `row`.
    fn each_in<V: rusqlite::ToSql>(
        &self,
        sql: &str,
        values: &[V],
        mut row: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<()>,
    ) -> Result<(), StoreError> {
        for chunk in values.chunks(500) {
            let marks = format!("({})", vec!["?"; chunk.len()].join(", "));
            let mut stmt = self.conn.prepare(&sql.replace("{in}", &marks))?;
            let mut rows = stmt.query(rusqlite::params_from_iter(chunk))?;
            while let Some(r) = rows.next()? {
                row(r)?;
            }
        }
        Ok(())
    }

    /// The KATO code of a supervised object, by BIN.
    pub fn subject_kato(&self, bin: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT kato FROM subjects WHERE bin = ?1", [bin], |r| r.get::<_, Option<String>>(0))
            .optional()?
            .flatten())
    }

    /// The KATO code of an appeal, by number.
    pub fn appeal_kato(&self, appeal_no: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT kato FROM appeals WHERE appeal_no = ?1", [appeal_no], |r| r.get::<_, Option<String>>(0))
            .optional()?
            .flatten())
    }

    /// The office-wide identity of a task the rules made for an appeal (`(appeal number, kind)`):
    /// every workstation that imported the appeal holds the same legal deadline, so two of them
    /// extending it is one task extended twice. Only the first rule-made task of its kind on the
    /// appeal has it; any other task is this workstation's own.
    pub fn appeal_task_identity(&self, id: i64) -> Result<Option<(String, String)>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT a.appeal_no, t.kind FROM tasks t JOIN appeals a ON a.id = t.appeal_id \
                 WHERE t.id = ?1 AND t.norm_id IS NOT NULL AND t.id = \
                 (SELECT min(o.id) FROM tasks o WHERE o.appeal_id = t.appeal_id AND o.kind = t.kind AND o.norm_id IS NOT NULL)",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    /// Queues a read for the office's access log (only on a workstation that joined an office).
    pub fn queue_read(
        &self,
        at: &str,
        action: &str,
        subject: Option<&str>,
        district: Option<&str>,
        detail: Option<&str>,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO access_queue(at, action, subject, district, detail) \
             SELECT ?1, ?2, ?3, ?4, ?5 WHERE EXISTS (SELECT 1 FROM office_link)",
            params![at, action, subject, district, detail],
        )?;
        Ok(())
    }

    /// Reads not yet sent to the office, oldest first.
    pub fn queued_reads(&self, limit: usize) -> Result<Vec<QueuedRead>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT id, at, action, subject, district, detail FROM access_queue WHERE sent = 0 ORDER BY id LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit as i64], |r| {
            Ok(QueuedRead {
                id: r.get(0)?,
                at: r.get(1)?,
                action: r.get(2)?,
                subject: r.get(3)?,
                district: r.get(4)?,
                detail: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    pub fn mark_reads_sent(&self, through_id: i64) -> Result<(), StoreError> {
        self.conn.execute("UPDATE access_queue SET sent = 1 WHERE sent = 0 AND id <= ?1", [through_id])?;
        Ok(())
    }
}

impl super::journal::Write<'_> {
    /// Binds this database to an office (the join's own journal entry records it). Joining again
    /// (the same office, the same workstation) keeps the sync's progress.
    pub fn set_office_link(&self, link: &OfficeLink) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT INTO office_link(id, url, workstation_id, workstation_name, person, role, districts, office_key, instance, joined_at, tls_ca, tls_pin, pseudonym_key) \
             VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) \
             ON CONFLICT(id) DO UPDATE SET url = excluded.url, workstation_name = excluded.workstation_name, \
             person = excluded.person, role = excluded.role, districts = excluded.districts, office_key = excluded.office_key, \
             joined_at = excluded.joined_at, tls_ca = excluded.tls_ca, tls_pin = excluded.tls_pin, \
             pseudonym_key = coalesce(excluded.pseudonym_key, office_link.pseudonym_key)",
            params![
                link.url,
                link.workstation_id,
                link.workstation_name,
                link.person,
                link.role,
                link.districts.join(","),
                link.office_key,
                link.instance,
                link.joined_at,
                link.tls_ca,
                link.tls_pin,
                link.pseudonym_key
            ],
        )?;
        Ok(())
    }
}

/// Keeps the newest assignment of a task (a lower number never replaces a higher one; the
/// workstation's own record, numbered 0, gives way to the office's copy).
/// The rows of an office table keyed by object (`office_assignments`, `office_conflicts`) on the
/// tasks this workstation shows, by task number: its own tasks by their office key (`?1` is its
/// workstation id; an appeal's rule-made deadline by the appeal's key), the colleagues' it pulled
/// negated. `columns` name the table's columns as `o.…`.
fn by_task_number(table: &str, columns: &str) -> String {
    format!(
        "SELECT t.id, {columns} FROM tasks t LEFT JOIN appeals a ON a.id = t.appeal_id \
         JOIN {table} o ON o.object_key = 'task:' || ?1 || '/' || t.id \
              OR (t.norm_id IS NOT NULL AND o.object_key = 'appeal:' || a.appeal_no || '/' || t.kind) \
         UNION ALL \
         SELECT -r.id, {columns} FROM remote_tasks r JOIN {table} o ON o.object_key = r.object_key"
    )
}

/// Clears this replica's copies of what a destruction act cleared at the office: the personal
/// data of colleagues' entries it pulled (the entry stays, naming the act), and the words of the
/// conflict notices that quoted them. This workstation's own journal is a journaled write of its own.
fn scrub_replica(tx: &rusqlite::Transaction<'_>, notice: &RedactionNotice) -> Result<(), StoreError> {
    let destroyed = serde_json::Value::String(format!("⟨destroyed by act {}⟩", notice.act_number));
    for global in &notice.entries {
        tx.execute(
            "UPDATE remote_events SET entry = json_set(json_remove(entry, '$.personal'), '$.redacted_by', ?2) \
             WHERE global_seq = ?1",
            params![global, notice.act_number],
        )?;
    }
    // A colleague's appeal given here with its task goes with the act that destroyed it.
    for record in &notice.records {
        tx.execute("DELETE FROM remote_appeals WHERE appeal_no = ?1", [record])?;
    }
    let mut stmt = tx.prepare("SELECT id, notice FROM office_conflicts")?;
    let conflicts: Vec<(i64, String)> =
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
    for (id, text) in conflicts {
        let mut value: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let mut changed = false;
        if let Some(entries) = value.get_mut("entries").and_then(|e| e.as_array_mut()) {
            for entry in entries {
                let global = entry.get("global_seq").and_then(serde_json::Value::as_i64);
                if global.is_some_and(|g| notice.entries.contains(&g)) {
                    entry["detail"] = destroyed.clone();
                    changed = true;
                }
            }
        }
        if changed {
            tx.execute("UPDATE office_conflicts SET notice = ?2 WHERE id = ?1", params![id, value.to_string()])?;
        }
    }
    Ok(())
}

/// Undoes on this replica what a re-admitted restored database's superseded stream made: its
/// entries from `from_seq` on, and each task they touched back to the state that stands (or gone).
fn retract(tx: &rusqlite::Transaction<'_>, notice: &RetractionNotice) -> Result<(), StoreError> {
    tx.execute(
        "DELETE FROM remote_events WHERE workstation_id = ?1 AND epoch = ?2 AND seq >= ?3",
        params![notice.workstation_id, notice.epoch, notice.from_seq],
    )?;
    for task in &notice.tasks {
        match &task.state {
            Some(state) => {
                let state = serde_json::to_string(state).map_err(|e| StoreError::Invalid(e.to_string()))?;
                tx.execute(
                    "UPDATE remote_tasks SET state = ?2, updated_global = ?3 WHERE object_key = ?1",
                    params![task.object_key, state, notice.global_seq],
                )?;
            }
            None => {
                tx.execute("DELETE FROM remote_tasks WHERE object_key = ?1", [&task.object_key])?;
                tx.execute("DELETE FROM office_assignments WHERE object_key = ?1", [&task.object_key])?;
                tx.execute("DELETE FROM office_conflicts WHERE object_key = ?1", [&task.object_key])?;
            }
        }
    }
    Ok(())
}

/// Keeps a conflict's latest notice (a later number replaces an earlier one, never the reverse).
fn upsert_conflict(tx: &rusqlite::Transaction<'_>, notice: &ConflictNotice) -> Result<(), StoreError> {
    let text = serde_json::to_string(notice).map_err(|e| StoreError::Invalid(e.to_string()))?;
    tx.execute(
        "INSERT INTO office_conflicts(id, object_key, notice, global_seq) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT(id) DO UPDATE SET object_key = excluded.object_key, notice = excluded.notice, \
         global_seq = excluded.global_seq WHERE excluded.global_seq >= office_conflicts.global_seq",
        params![notice.id, notice.object_key, text, notice.global_seq],
    )?;
    Ok(())
}

fn upsert_assignment(
    tx: &rusqlite::Transaction<'_>,
    object_key: &str,
    assigned_to: &str,
    assigned_by: &str,
    reason: &str,
    at: &str,
    global_seq: i64,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO office_assignments(object_key, assigned_to, assigned_by, reason, at, global_seq) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(object_key) DO UPDATE SET assigned_to = excluded.assigned_to, \
         assigned_by = excluded.assigned_by, reason = excluded.reason, at = excluded.at, global_seq = excluded.global_seq \
         WHERE excluded.global_seq >= office_assignments.global_seq OR excluded.global_seq = 0",
        params![object_key, assigned_to, assigned_by, reason, at, global_seq],
    )?;
    Ok(())
}
