//! Lawful destruction in storage: which records a retention rule makes due (and which an open
//! case still holds), and, inside one journaled write, clearing a due record's personal data
//! everywhere the database keeps it — the registry row, the full-text index, the decisions'
//! explanations, the notes of its tasks, the journal v2 entries about it — and recording the
//! destruction by key. The rules and the act are the api's; this module only reads and writes.

use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension};

use super::journal::{table_digest, Write};
use super::{Store, StoreError};
use crate::domain::journal::TableState;

/// An appeal whose retention period has ended (identifiers and dates only: a plan and an act
/// name what is destroyed without repeating it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueAppeal {
    pub id: i64,
    pub appeal_no: String,
    pub received: String,
    pub decided: String,
    pub category: Option<String>,
    pub region_code: Option<String>,
}

/// An attached document whose retention period has ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueAttachment {
    pub id: i64,
    pub subject_bin: String,
    pub sha256: String,
    pub attached: String,
    pub octets: i64,
}

/// An issued act whose retention period has ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueAct {
    pub id: i64,
    pub subject_bin: String,
    pub kind: String,
    pub number: Option<String>,
    pub issued_on: String,
    /// Its latest outcome's day, or its issue's when it has none.
    pub closed: String,
    pub outcomes: i64,
}

impl DueAct {
    /// The key a destruction names it by: its object and number (which a colleague's copy of the
    /// same registry act shares), or its id here when it has no number.
    pub fn key(&self) -> String {
        match &self.number {
            Some(number) => format!("act:{}:{number}", self.subject_bin),
            None => format!("act:{}:#{}", self.subject_bin, self.id),
        }
    }
}

/// A theme note whose retention period has ended: its journal entry, by number, with the theme
/// it is about and the day it was written (never its text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueThemeNote {
    pub seq: i64,
    pub theme: String,
    pub noted: String,
}

impl DueThemeNote {
    /// The key a destruction names it by: its journal entry here (a note is an entry of its
    /// author's journal only; a colleague's copy at the office goes by the act's entry list).
    pub fn key(&self) -> String {
        format!("theme-note:{}", self.seq)
    }
}

/// What clearing one appeal touched.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cleared {
    /// Tasks whose note was cleared (each needs a `record_redacted` entry for its new state).
    pub tasks: Vec<i64>,
    /// Journal v2 entries whose personal data was deleted.
    pub entries: Vec<i64>,
    /// Journal v1 entries about the record: their text is hashed into the chain as it was and
    /// stays until the journal's own retention ends.
    pub kept_v1_entries: usize,
}

const OPEN_TASK: &str = "status = 'open'";

/// An appeal from the first six columns of a row (id, number, received, decided, category, region).
fn due_appeal(r: &rusqlite::Row<'_>) -> rusqlite::Result<DueAppeal> {
    Ok(DueAppeal {
        id: r.get(0)?,
        appeal_no: r.get(1)?,
        received: r.get(2)?,
        decided: r.get(3)?,
        category: r.get(4)?,
        region_code: r.get(5)?,
    })
}

/// An attachment from the first five columns of a row (id, BIN, digest, when, size).
fn due_attachment(r: &rusqlite::Row<'_>) -> rusqlite::Result<DueAttachment> {
    Ok(DueAttachment {
        id: r.get(0)?,
        subject_bin: r.get(1)?,
        sha256: r.get(2)?,
        attached: r.get(3)?,
        octets: r.get(4)?,
    })
}

impl Store {
    /// Decided appeals whose decision fell on or before `cut`, not destroyed yet; `held` the
    /// count of those an open task still holds.
    pub fn due_appeals(&self, cut: NaiveDate) -> Result<(Vec<DueAppeal>, usize), StoreError> {
        let sql = format!(
            "SELECT a.id, a.appeal_no, a.received, a.decided, a.category, a.region_code,
                    EXISTS (SELECT 1 FROM tasks t WHERE t.appeal_id = a.id AND t.{OPEN_TASK})
             FROM appeals a
             WHERE a.decided IS NOT NULL AND a.decided <= ?1
               AND NOT EXISTS (SELECT 1 FROM destroyed_records d WHERE d.record_kind = 'appeal' AND d.record_key = a.appeal_no)
             ORDER BY a.decided, a.appeal_no"
        );
        let mut due = Vec::new();
        let mut held = 0;
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query([cut.to_string()])?;
        while let Some(r) = rows.next()? {
            if r.get::<_, bool>(6)? {
                held += 1;
                continue;
            }
            due.push(due_appeal(r)?);
        }
        Ok((due, held))
    }

    /// Documents attached on or before `cut`; `held` the count an issued act still names.
    /// The theme notes written on or before `cut` whose text is still held (a note cleared by
    /// an earlier act has no personal part left). Nothing holds a note.
    pub fn due_theme_notes(&self, cut: NaiveDate) -> Result<(Vec<DueThemeNote>, usize), StoreError> {
        let notes = self
            .conn
            .prepare(
                "SELECT j.seq, json_extract(j.payload, '$.theme'), substr(j.at, 1, 10)
                 FROM journal j JOIN journal_personal p ON p.seq = j.seq
                 WHERE j.kind = 'theme_noted' AND substr(j.at, 1, 10) <= ?1
                 ORDER BY j.seq",
            )?
            .query_map([cut.to_string()], |r| Ok(DueThemeNote { seq: r.get(0)?, theme: r.get(1)?, noted: r.get(2)? }))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok((notes, 0))
    }

    pub fn due_attachments(&self, cut: NaiveDate) -> Result<(Vec<DueAttachment>, usize), StoreError> {
        let mut due = Vec::new();
        let mut held = 0;
        let mut stmt = self.conn.prepare(
            "SELECT at.id, s.bin, at.sha256, at.at, at.octets,
                    EXISTS (SELECT 1 FROM acts_issued i WHERE i.subject_id = at.subject_id AND i.document = at.sha256)
             FROM attachments at JOIN subjects s ON s.id = at.subject_id
             WHERE substr(at.at, 1, 10) <= ?1
             ORDER BY at.at, at.id",
        )?;
        let mut rows = stmt.query([cut.to_string()])?;
        while let Some(r) = rows.next()? {
            if r.get::<_, bool>(5)? {
                held += 1;
                continue;
            }
            due.push(due_attachment(r)?);
        }
        Ok((due, held))
    }

    /// Issued acts whose matter closed on or before `cut` (the latest outcome, else the issue);
    /// `held` the count whose control-of-execution task is still open.
    pub fn due_acts(&self, cut: NaiveDate) -> Result<(Vec<DueAct>, usize), StoreError> {
        self.acts_where("closed <= ?1", [cut.to_string()])
    }

    /// The acts a colleague's destruction names by `act:BIN:NUMBER`, each with whether an open
    /// control task here still holds it.
    pub fn acts_to_destroy(&self, bin: &str, number: &str) -> Result<(Vec<DueAct>, usize), StoreError> {
        self.acts_where("subject_bin = ?1 AND number = ?2", [bin, number])
    }

    fn acts_where(&self, filter: &str, args: impl rusqlite::Params) -> Result<(Vec<DueAct>, usize), StoreError> {
        let sql = format!(
            "SELECT * FROM (
                SELECT a.id, s.bin AS subject_bin, a.kind, a.number, a.issued_on,
                       max(a.issued_on, coalesce((SELECT max(o.on_date) FROM act_outcomes o WHERE o.act_id = a.id), '')) AS closed,
                       (SELECT count(*) FROM act_outcomes o WHERE o.act_id = a.id),
                       EXISTS (SELECT 1 FROM tasks t WHERE t.id = a.control_task_id AND t.{OPEN_TASK}) AS held
                FROM acts_issued a JOIN subjects s ON s.id = a.subject_id)
             WHERE {filter} ORDER BY closed, id"
        );
        let mut due = Vec::new();
        let mut held = 0;
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query(args)?;
        while let Some(r) = rows.next()? {
            if r.get::<_, bool>(7)? {
                held += 1;
                continue;
            }
            due.push(DueAct {
                id: r.get(0)?,
                subject_bin: r.get(1)?,
                kind: r.get(2)?,
                number: r.get(3)?,
                issued_on: r.get(4)?,
                closed: r.get(5)?,
                outcomes: r.get(6)?,
            });
        }
        Ok((due, held))
    }

    /// The appeal numbered `appeal_no`, unless it was destroyed already, and whether an open task
    /// still holds it (a colleague's act reaching this workstation clears only what no open case holds).
    pub fn appeal_to_destroy(&self, appeal_no: &str) -> Result<Option<(DueAppeal, bool)>, StoreError> {
        let sql = format!(
            "SELECT a.id, a.appeal_no, a.received, coalesce(a.decided, ''), a.category, a.region_code,
                    EXISTS (SELECT 1 FROM tasks t WHERE t.appeal_id = a.id AND t.{OPEN_TASK})
             FROM appeals a
             WHERE a.appeal_no = ?1
               AND NOT EXISTS (SELECT 1 FROM destroyed_records d WHERE d.record_kind = 'appeal' AND d.record_key = a.appeal_no)"
        );
        Ok(self.conn.query_row(&sql, [appeal_no], |r| Ok((due_appeal(r)?, r.get::<_, bool>(6)?))).optional()?)
    }

    /// The attachments of document `sha256` on the object `bin` not destroyed yet, each with
    /// whether an issued act still names it.
    pub fn attachments_to_destroy(&self, sha256: &str, bin: &str) -> Result<Vec<(DueAttachment, bool)>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT at.id, s.bin, at.sha256, at.at, at.octets,
                    EXISTS (SELECT 1 FROM acts_issued i WHERE i.subject_id = at.subject_id AND i.document = at.sha256)
             FROM attachments at JOIN subjects s ON s.id = at.subject_id
             WHERE at.sha256 = ?1 AND s.bin = ?2 ORDER BY at.id",
        )?;
        let rows = stmt.query_map([sha256, bin], |r| Ok((due_attachment(r)?, r.get::<_, bool>(5)?)))?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// The act that destroyed a record, if one did.
    pub fn destroyed_by(&self, kind: &str, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT x.act_number FROM destroyed_records d JOIN destructions x ON x.id = d.destruction_id
                 WHERE d.record_kind = ?1 AND d.record_key = ?2",
                [kind, key],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Whether an act of this number was applied already.
    pub fn destruction_exists(&self, act_number: &str) -> Result<bool, StoreError> {
        Ok(self.conn.prepare("SELECT 1 FROM destructions WHERE act_number = ?1")?.exists([act_number])?)
    }

    /// Digests of documents destroyed by an act that no attachment names any more: their files
    /// may go (again — a crash after the commit may have left one).
    pub fn destroyed_documents(&self) -> Result<Vec<String>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT DISTINCT substr(d.record_key, 1, 64) FROM destroyed_records d
             WHERE d.record_kind = 'attachment'
               AND NOT EXISTS (SELECT 1 FROM attachments a WHERE a.sha256 = substr(d.record_key, 1, 64))",
        )?;
        let found = stmt.query_map([], |r| r.get(0))?.collect::<Result<Vec<String>, _>>()?;
        Ok(found)
    }

    /// Writes every page of the write-ahead log into the database and empties the log, so the
    /// pages a destruction freed (zeroed by secure_delete) are the only ones left.
    pub fn checkpoint_truncate(&self) -> Result<(), StoreError> {
        self.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// Turns secure_delete on for this connection (an encrypted database has it on already).
    pub fn secure_delete(&self) -> Result<(), StoreError> {
        self.conn.query_row("PRAGMA secure_delete = ON", [], |_| Ok(()))?;
        Ok(())
    }
}

impl Write<'_> {
    /// Records the destruction act (its journal entry follows; `set_destruction_entry` links it).
    pub fn begin_destruction(&self, act_number: &str, as_of: NaiveDate, reason: &str) -> Result<i64, StoreError> {
        let stamp = self.stamp().clone();
        self.tx.execute(
            "INSERT INTO destructions(act_number, as_of, reason, author, at, records, entry_seq)
             VALUES (?1, ?2, ?3, ?4, ?5, 0, NULL)",
            params![act_number, as_of.to_string(), reason, stamp.actor.person, stamp.at],
        )?;
        Ok(self.tx.last_insert_rowid())
    }

    /// Marks a destruction as a colleague's act received through the office, from `workstation`.
    pub fn destruction_received_from(&self, id: i64, workstation: &str) -> Result<(), StoreError> {
        self.tx.execute("UPDATE destructions SET received_from = ?2 WHERE id = ?1", params![id, workstation])?;
        Ok(())
    }

    /// Clears the personal data of this journal's entries `seqs` under `act_number` (a
    /// colleague's act cleared them at the office); returns those that had any.
    pub fn redact_seqs(&self, seqs: &[i64], act_number: &str) -> Result<Vec<i64>, StoreError> {
        let mut cleared = Vec::new();
        for seq in seqs {
            if self.tx.execute("DELETE FROM journal_personal WHERE seq = ?1", [seq])? > 0 {
                self.tx.execute(
                    "INSERT INTO journal_redactions(seq, act_number) VALUES (?1, ?2) ON CONFLICT(seq) DO NOTHING",
                    params![seq, act_number],
                )?;
                cleared.push(*seq);
            }
        }
        Ok(cleared)
    }

    /// Marks a colleague's act pulled from the office as carried out here by entry `entry_seq`.
    pub fn redaction_received(&self, global_seq: i64, entry_seq: i64) -> Result<(), StoreError> {
        self.tx.execute(
            "UPDATE office_redactions SET applied_seq = ?2 WHERE global_seq = ?1",
            params![global_seq, entry_seq],
        )?;
        Ok(())
    }

    pub fn finish_destruction(&self, id: i64, records: usize, entry_seq: i64) -> Result<(), StoreError> {
        self.tx.execute(
            "UPDATE destructions SET records = ?2, entry_seq = ?3 WHERE id = ?1",
            params![id, records as i64, entry_seq],
        )?;
        Ok(())
    }

    fn mark_destroyed(&self, kind: &str, key: &str, rule: &str, destruction: i64) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT INTO destroyed_records(record_kind, record_key, rule_id, destruction_id) VALUES (?1, ?2, ?3, ?4)",
            params![kind, key, rule, destruction],
        )?;
        Ok(())
    }

    /// Clears an appeal's personal data: its text, fingerprints and applicant pseudonym, its
    /// words in the full-text index, its decisions' explanations and reasons, its tasks' notes,
    /// the reasons given for it in or out of a theme, and the personal data of the journal v2 entries about it or its tasks.
    pub fn clear_appeal(
        &self,
        appeal: &DueAppeal,
        rule: &str,
        destruction: i64,
        act_number: &str,
    ) -> Result<Cleared, StoreError> {
        self.mark_destroyed("appeal", &appeal.appeal_no, rule, destruction)?;
        self.tx.execute(
            "UPDATE appeals SET text = NULL, text_fingerprint = NULL, applicant_pseudonym = NULL, masked = NULL,
                    text_simhash = NULL, applicant_office = NULL
             WHERE id = ?1",
            [appeal.id],
        )?;
        self.tx.execute("DELETE FROM appeals_fts WHERE rowid = ?1", [appeal.id])?;
        self.tx.execute(
            "UPDATE appeal_decisions SET explanation = '{\"destroyed\":true}', reason = NULL WHERE appeal_id = ?1",
            [appeal.id],
        )?;
        let tasks: Vec<i64> = self
            .tx
            .prepare("SELECT id FROM tasks WHERE appeal_id = ?1 AND note IS NOT NULL ORDER BY id")?
            .query_map([appeal.id], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        self.tx.execute("UPDATE tasks SET note = NULL WHERE appeal_id = ?1 AND note IS NOT NULL", [appeal.id])?;
        self.tx.execute(
            "UPDATE theme_members SET reason = NULL WHERE item_kind = 'appeal' AND item_key = ?1 AND reason IS NOT NULL",
            [&appeal.appeal_no],
        )?;
        let (entries, kept_v1_entries) = self.redact_entries(
            "j.seq IN (SELECT seq FROM journal WHERE appeal_no = ?1
                       UNION SELECT seq FROM journal WHERE task_id IN (SELECT id FROM tasks WHERE appeal_id = ?2))",
            params![appeal.appeal_no, appeal.id],
            act_number,
        )?;
        Ok(Cleared { tasks, entries, kept_v1_entries })
    }

    /// Deletes an attachment's row (its file goes after the commit) and the personal data of
    /// the journal entries that attached it.
    /// Clears a theme note's text: the personal part of its journal entry, indexed under the act
    /// (the card then shows the act's number in its place).
    pub fn clear_theme_note(
        &self,
        note: &DueThemeNote,
        rule: &str,
        destruction: i64,
        act_number: &str,
    ) -> Result<Cleared, StoreError> {
        self.mark_destroyed("theme_note", &note.key(), rule, destruction)?;
        let (entries, kept_v1_entries) =
            self.redact_entries("j.kind = 'theme_noted' AND j.seq = ?1", params![note.seq], act_number)?;
        Ok(Cleared { tasks: vec![], entries, kept_v1_entries })
    }

    pub fn clear_attachment(
        &self,
        attachment: &DueAttachment,
        rule: &str,
        destruction: i64,
        act_number: &str,
    ) -> Result<Cleared, StoreError> {
        let key = format!("{}@{}", attachment.sha256, attachment.subject_bin);
        self.mark_destroyed("attachment", &key, rule, destruction)?;
        self.tx.execute("DELETE FROM attachments WHERE id = ?1", [attachment.id])?;
        // What was read from it goes with it: the object's decisions on its facts always, its
        // text, index and facts once no object holds the document any more.
        let subject_id: i64 =
            self.tx.query_row("SELECT id FROM subjects WHERE bin = ?1", [&attachment.subject_bin], |r| r.get(0))?;
        let others: i64 =
            self.tx
                .query_row("SELECT count(*) FROM attachments WHERE sha256 = ?1", [&attachment.sha256], |r| r.get(0))?;
        self.destroy_document_text(&attachment.sha256, subject_id, others == 0)?;
        let (entries, kept_v1_entries) = self.redact_entries(
            "j.kind IN ('document_attached', 'fact_confirmed', 'fact_rejected') AND j.subject_bin = ?1
               AND json_extract(j.payload, '$.sha256') = ?2",
            params![attachment.subject_bin, attachment.sha256],
            act_number,
        )?;
        Ok(Cleared { tasks: vec![], entries, kept_v1_entries })
    }

    /// Destroys an issued act with its outcomes: the rows deleted (the append-only triggers let
    /// them go once the act is listed as destroyed) and the personal data of its journal entries
    /// (the addressee of `act_issued`) cleared. The documents it names stay under their own rule.
    pub fn clear_act(
        &self,
        act: &DueAct,
        rule: &str,
        destruction: i64,
        act_number: &str,
    ) -> Result<Cleared, StoreError> {
        self.mark_destroyed("act", &act.key(), rule, destruction)?;
        self.tx.execute(
            "INSERT INTO act_destructions(act_id, destruction_id) VALUES (?1, ?2)",
            params![act.id, destruction],
        )?;
        let (entries, kept_v1_entries) = self.redact_entries(
            "j.kind IN ('act_issued', 'act_outcome') AND j.subject_bin = ?1 AND json_extract(j.payload, '$.act_id') = ?2",
            params![act.subject_bin, act.id],
            act_number,
        )?;
        self.tx.execute("DELETE FROM act_outcomes WHERE act_id = ?1", [act.id])?;
        self.tx.execute("DELETE FROM acts_issued WHERE id = ?1", [act.id])?;
        Ok(Cleared { tasks: vec![], entries, kept_v1_entries })
    }

    /// Deletes the personal data of the journal entries `filter` selects (over `journal j`),
    /// indexing each under the act; returns the v2 entries cleared and the v1 entries that hold
    /// their text in the chain.
    fn redact_entries(
        &self,
        filter: &str,
        args: impl rusqlite::Params + Clone,
        act_number: &str,
    ) -> Result<(Vec<i64>, usize), StoreError> {
        let seqs: Vec<i64> = self
            .tx
            .prepare(&format!(
                "SELECT j.seq FROM journal j JOIN journal_personal p ON p.seq = j.seq WHERE ({filter}) ORDER BY j.seq"
            ))?
            .query_map(args.clone(), |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let v1: i64 = self.tx.query_row(
            &format!(
                "SELECT count(*) FROM journal j WHERE ({filter}) AND j.version = 1
                   AND j.kind IN ('task_created', 'task_extended', 'task_suspended', 'task_noted',
                                  'suggestion_declined', 'appeal_corrected', 'document_attached', 'act_issued',
                                  'fact_confirmed', 'fact_rejected')"
            ),
            args,
            |r| r.get(0),
        )?;
        for seq in &seqs {
            self.tx.execute("DELETE FROM journal_personal WHERE seq = ?1", [seq])?;
            self.tx.execute(
                "INSERT INTO journal_redactions(seq, act_number) VALUES (?1, ?2)
                 ON CONFLICT(seq) DO NOTHING",
                params![seq, act_number],
            )?;
        }
        Ok((seqs, v1 as usize))
    }

    /// Merges the full-text index's segments, so the words of deleted rows leave the file.
    pub fn optimize_search_index(&self) -> Result<(), StoreError> {
        self.tx.execute("INSERT INTO appeals_fts(appeals_fts) VALUES ('optimize')", [])?;
        Ok(())
    }

    /// The states of the tables a destruction changes, recomputed from their rows.
    pub fn destruction_table_states(&self) -> Result<Vec<TableState>, StoreError> {
        ["appeals", "appeal_decisions"]
            .into_iter()
            .map(|name| {
                let digest = table_digest(&self.tx, name)?;
                Ok(TableState { table: name.to_string(), rows: digest.rows, digest: digest.text() })
            })
            .collect()
    }
}

/// A destruction act as the retention screen lists it, with how far it reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DestructionRow {
    pub act_number: String,
    pub as_of: String,
    pub reason: String,
    pub author: String,
    pub at: String,
    pub records: i64,
    pub entry_seq: Option<i64>,
    pub received_from: Option<String>,
    pub office_reached_at: Option<String>,
    pub office_entries: Option<i64>,
    pub office_kept_v1: Option<i64>,
    pub office_kept_outside: Option<i64>,
    /// `{"reached": [...], "pending": [...], "checked_at": "..."}` as the office last said.
    pub replicas: Option<String>,
}

impl Store {
    /// Every destruction act applied here or received through the office, newest first.
    pub fn destructions(&self) -> Result<Vec<DestructionRow>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT act_number, as_of, reason, author, at, records, entry_seq, received_from, office_reached_at,
                    office_entries, office_kept_v1, office_kept_outside, replicas
             FROM destructions ORDER BY id DESC",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(DestructionRow {
                act_number: r.get(0)?,
                as_of: r.get(1)?,
                reason: r.get(2)?,
                author: r.get(3)?,
                at: r.get(4)?,
                records: r.get(5)?,
                entry_seq: r.get(6)?,
                received_from: r.get(7)?,
                office_reached_at: r.get(8)?,
                office_entries: r.get(9)?,
                office_kept_v1: r.get(10)?,
                office_kept_outside: r.get(11)?,
                replicas: r.get(12)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }
}
