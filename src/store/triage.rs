//! Storage of the appeals pipeline: what triage reads of an appeal, the append-only decisions
//! about it (category, priority, route, duplicate group), the duplicate candidates of an appeal,
//! and the queries behind the queue and the appeal card. The decision in force for an aspect is
//! the newest row; the table's digest is carried in the journal entry of the write that added rows.

use rusqlite::{params, OptionalExtension, Row};

use super::journal::{table_select, Write};
use super::{Store, StoreError};
use crate::domain::journal::TableState;

/// The journaled table of decisions.
pub const DECISIONS: &str = "appeal_decisions";

/// What triage reads of one appeal.
#[derive(Debug, Clone, PartialEq)]
pub struct TriageInput {
    pub id: i64,
    pub appeal_no: String,
    pub received: String,
    pub applicant_category: Option<String>,
    pub applicant_pseudonym: Option<String>,
    pub subject_id: Option<i64>,
    pub subject_bin: Option<String>,
    pub kato: Option<String>,
    pub text: Option<String>,
    /// The category the export carried (the registering officer's label).
    pub label: Option<String>,
    /// Neither decided nor with an outcome.
    pub open: bool,
    pub simhash: Option<i64>,
    pub masked: Option<String>,
    pub channel: Option<String>,
    pub status: Option<String>,
    pub decided: Option<String>,
    pub outcome: Option<String>,
    pub region_code: Option<String>,
}

/// One stored decision about an appeal.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredDecision {
    pub id: i64,
    pub appeal_id: i64,
    pub aspect: String,
    pub value: Option<String>,
    pub confidence: Option<f64>,
    pub basis: String,
    pub inputs_sha256: String,
    pub explanation: String,
    pub decided_at: String,
    pub author: String,
    pub reason: Option<String>,
}

/// A decision to store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewDecision<'a> {
    pub appeal_id: i64,
    pub aspect: &'a str,
    pub value: Option<&'a str>,
    pub confidence: Option<f64>,
    pub basis: &'a str,
    pub inputs_sha256: &'a str,
    pub explanation: &'a str,
    pub reason: Option<&'a str>,
}

/// A task about an appeal, as its SLA contour reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct AppealTask {
    pub id: i64,
    pub kind: String,
    pub status: String,
    pub due: String,
    pub norm_id: Option<String>,
}

/// An earlier appeal a new one may repeat.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub id: i64,
    pub appeal_no: String,
    pub received: String,
    pub simhash: Option<i64>,
    pub same_applicant: bool,
}

const INPUT_COLUMNS: &str = "a.id, a.appeal_no, a.received, a.applicant_category, a.applicant_pseudonym, a.subject_id,
    s.bin, a.kato, a.text, a.category, (a.outcome IS NULL AND a.decided IS NULL), a.text_simhash, a.masked, a.channel,
    a.status, a.decided, a.outcome, a.region_code";

fn input(r: &Row<'_>) -> rusqlite::Result<TriageInput> {
    Ok(TriageInput {
        id: r.get(0)?,
        appeal_no: r.get(1)?,
        received: r.get(2)?,
        applicant_category: r.get(3)?,
        applicant_pseudonym: r.get(4)?,
        subject_id: r.get(5)?,
        subject_bin: r.get(6)?,
        kato: r.get(7)?,
        text: r.get(8)?,
        label: r.get(9)?,
        open: r.get(10)?,
        simhash: r.get(11)?,
        masked: r.get(12)?,
        channel: r.get(13)?,
        status: r.get(14)?,
        decided: r.get(15)?,
        outcome: r.get(16)?,
        region_code: r.get(17)?,
    })
}

fn decision(r: &Row<'_>) -> rusqlite::Result<StoredDecision> {
    Ok(StoredDecision {
        id: r.get(0)?,
        appeal_id: r.get(1)?,
        aspect: r.get(2)?,
        value: r.get(3)?,
        confidence: r.get(4)?,
        basis: r.get(5)?,
        inputs_sha256: r.get(6)?,
        explanation: r.get(7)?,
        decided_at: r.get(8)?,
        author: r.get(9)?,
        reason: r.get(10)?,
    })
}

const DECISION_COLUMNS: &str =
    "id, appeal_id, aspect, value, confidence, basis, inputs_sha256, explanation, decided_at, author, reason";

impl Store {
    /// Appeals an import wrote or touched (`Some(import)`), or every appeal (`None`), in the order they
    /// were received: an appeal's duplicate group is decided after the earlier appeals'.
    pub fn appeal_ids(&self, import: Option<i64>) -> Result<Vec<i64>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT id FROM appeals WHERE ?1 IS NULL OR last_import_id = ?1 OR first_import_id = ?1
             ORDER BY received, id",
        )?;
        let ids = stmt.query_map([import], |r| r.get(0))?.collect::<Result<_, _>>()?;
        Ok(ids)
    }

    /// Open appeals (neither decided nor with an outcome), in the order they were received.
    pub fn open_appeal_ids(&self) -> Result<Vec<i64>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT id FROM appeals WHERE outcome IS NULL AND decided IS NULL ORDER BY received, id")?;
        let ids = stmt.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
        Ok(ids)
    }

    /// What triage reads of the appeals with these ids, in id order.
    pub fn triage_inputs(&self, ids: &[i64]) -> Result<Vec<TriageInput>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {INPUT_COLUMNS} FROM appeals a LEFT JOIN subjects s ON s.id = a.subject_id WHERE a.id = ?1"
        ))?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(row) = stmt.query_row([id], input).optional()? {
                out.push(row);
            }
        }
        Ok(out)
    }

    /// One appeal by its number.
    pub fn triage_input(&self, appeal_no: &str) -> Result<Option<TriageInput>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "SELECT {INPUT_COLUMNS} FROM appeals a LEFT JOIN subjects s ON s.id = a.subject_id
                 WHERE a.appeal_no = ?1"
            ))?
            .query_row([appeal_no], input)
            .optional()?)
    }

    /// The decision in force for each aspect of an appeal (the newest of each).
    pub fn current_decisions(&self, appeal_id: i64) -> Result<Vec<StoredDecision>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {DECISION_COLUMNS} FROM appeal_decisions d
             WHERE appeal_id = ?1 AND id = (SELECT max(id) FROM appeal_decisions e
                                            WHERE e.appeal_id = d.appeal_id AND e.aspect = d.aspect)"
        ))?;
        let rows = stmt.query_map([appeal_id], decision)?.collect::<Result<_, _>>()?;
        Ok(rows)
    }

    /// Every decision about an appeal, oldest first.
    pub fn decision_history(&self, appeal_id: i64) -> Result<Vec<StoredDecision>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {DECISION_COLUMNS} FROM appeal_decisions WHERE appeal_id = ?1 ORDER BY id"
        ))?;
        let rows = stmt.query_map([appeal_id], decision)?.collect::<Result<_, _>>()?;
        Ok(rows)
    }

    /// The newest category a person gave each appeal, with its masked text: corrections as
    /// training data.
    pub fn category_corrections(&self) -> Result<Vec<(String, String, String)>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT a.appeal_no, a.text, d.value FROM appeal_decisions d JOIN appeals a ON a.id = d.appeal_id
             WHERE d.aspect = 'category' AND d.basis = 'person' AND a.text IS NOT NULL AND d.value IS NOT NULL
               AND d.id = (SELECT max(id) FROM appeal_decisions e WHERE e.appeal_id = d.appeal_id AND e.aspect = 'category')
             ORDER BY d.id",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<Result<_, _>>()?;
        Ok(rows)
    }

    /// Earlier-or-other appeals of the same applicant, or about the same object, received within
    /// `window_days` of `received`.
    pub fn duplicate_candidates(&self, of: &TriageInput, window_days: i64) -> Result<Vec<Candidate>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, appeal_no, received, text_simhash, applicant_pseudonym IS ?2 FROM appeals
             WHERE id != ?1 AND received BETWEEN date(?4, '-' || ?5 || ' days') AND date(?4, '+' || ?5 || ' days')
               AND ((?2 IS NOT NULL AND applicant_pseudonym = ?2) OR (?3 IS NOT NULL AND subject_id = ?3))
             ORDER BY received, id LIMIT 500",
        )?;
        let rows = stmt
            .query_map(params![of.id, of.applicant_pseudonym, of.subject_id, of.received, window_days], |r| {
                Ok(Candidate {
                    id: r.get(0)?,
                    appeal_no: r.get(1)?,
                    received: r.get(2)?,
                    simhash: r.get(3)?,
                    same_applicant: r.get(4)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    /// The appeals whose duplicate decision in force names `head`.
    pub fn duplicate_group(&self, head: &str) -> Result<Vec<(String, String, Option<f64>)>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.appeal_no, a.received, d.confidence FROM appeal_decisions d JOIN appeals a ON a.id = d.appeal_id
             WHERE d.aspect = 'duplicate' AND d.value = ?1
               AND d.id = (SELECT max(id) FROM appeal_decisions e WHERE e.appeal_id = d.appeal_id AND e.aspect = 'duplicate')
             ORDER BY a.received, a.id",
        )?;
        let rows = stmt.query_map([head], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<Result<_, _>>()?;
        Ok(rows)
    }

    /// How many decisions name `basis` (a model version or rule set).
    pub fn decisions_by(&self, basis: &str) -> Result<i64, StoreError> {
        Ok(self.conn.query_row("SELECT count(*) FROM appeal_decisions WHERE basis = ?1", [basis], |r| r.get(0))?)
    }

    /// The tasks about an appeal.
    pub fn appeal_tasks(&self, appeal_id: i64) -> Result<Vec<AppealTask>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, kind, status, current_due, norm_id FROM tasks WHERE appeal_id = ?1 ORDER BY id",
        )?;
        let rows = stmt
            .query_map([appeal_id], |r| {
                Ok(AppealTask { id: r.get(0)?, kind: r.get(1)?, status: r.get(2)?, due: r.get(3)?, norm_id: r.get(4)? })
            })?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }
}

impl Write<'_> {
    pub fn insert_decision(&mut self, d: &NewDecision<'_>) -> Result<i64, StoreError> {
        let stamp = self.stamp().clone();
        self.tx
            .prepare_cached(
                "INSERT INTO appeal_decisions(appeal_id, aspect, value, confidence, basis, inputs_sha256, explanation,
                                              decided_at, author, reason)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?
            .execute(params![
                d.appeal_id,
                d.aspect,
                d.value,
                d.confidence,
                d.basis,
                d.inputs_sha256,
                d.explanation,
                stamp.at,
                stamp.actor.person,
                d.reason
            ])?;
        Ok(self.tx.last_insert_rowid())
    }

    /// The decisions table's state after this write added the rows from `first_new_id` on: the
    /// state last journaled plus the new rows (decisions are never changed, so nothing is taken
    /// away). Only the new rows are read.
    pub fn decisions_state(&self, first_new_id: i64) -> Result<TableState, StoreError> {
        let mut digest = self.table_state(DECISIONS)?;
        let select = table_select(DECISIONS).expect("appeal_decisions is a journaled table");
        let mut stmt = self.tx.prepare(&format!("SELECT * FROM ({select}) WHERE id >= ?1"))?;
        let mut rows = stmt.query([first_new_id])?;
        let columns = rows.as_ref().map_or(0, |s| s.column_count());
        while let Some(row) = rows.next()? {
            let values: Vec<_> = (0..columns).map(|i| row.get_ref(i)).collect::<Result<_, _>>()?;
            digest.add(&super::journal::row_element(DECISIONS, &values));
        }
        Ok(TableState { table: DECISIONS.into(), rows: digest.rows, digest: digest.text() })
    }
}
