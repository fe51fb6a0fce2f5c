//! Outcomes of issued acts as stored (`act_outcomes`, append-only): what each stage of an act's
//! life came to, with its measures, document, source and author. The api checks a stage against
//! its results (`domain::outcomes`) before a row is written.

use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use super::{IssuedAct, Store, StoreError, Write};
use crate::domain::outcomes::Measures;

/// One recorded outcome of an act.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct ActOutcomeRow {
    pub id: i64,
    pub act_id: i64,
    pub stage: String,
    pub result: String,
    /// The day the stage came to this result (YYYY-MM-DD).
    pub on: String,
    pub measures: Measures,
    /// The SHA-256 of the attached document that says so.
    pub document: Option<String>,
    /// `person`, `document` when a person confirmed what a read document proposed, or `import`
    /// when a registry's export recorded it.
    pub source: String,
    /// The outcome returned or overturned the act for a formal defect.
    pub formal_defect: bool,
    pub author: String,
    pub at: String,
}

/// What recording an outcome stores (the author and time come from the write's stamp).
pub struct NewActOutcome<'a> {
    pub act_id: i64,
    pub stage: &'a str,
    pub result: &'a str,
    pub on: &'a str,
    pub measures: Measures,
    pub document: Option<&'a str>,
    pub source: &'a str,
    /// The import and line that brought it, for an outcome from a registry's export.
    pub import: Option<(i64, u64)>,
    pub formal_defect: bool,
}

fn outcome_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ActOutcomeRow> {
    Ok(ActOutcomeRow {
        id: r.get(0)?,
        act_id: r.get(1)?,
        stage: r.get(2)?,
        result: r.get(3)?,
        on: r.get(4)?,
        measures: Measures {
            disciplined: r.get(5)?,
            admin_cases: r.get(6)?,
            restored_tiyn: r.get(7)?,
            eliminated: r.get::<_, Option<i64>>(8)?.map(|e| e == 1),
        },
        document: r.get(9)?,
        source: r.get(10)?,
        author: r.get(11)?,
        at: r.get(12)?,
        formal_defect: r.get::<_, Option<i64>>(13)? == Some(1),
    })
}

const OUTCOME_COLUMNS: &str =
    "id, act_id, stage, result, on_date, disciplined, admin_cases, restored_tiyn, eliminated, document, source, author, at,
     formal_defect";

impl Store {
    /// An issued act by its id, with its object's BIN and row id.
    pub fn issued_act(&self, act_id: i64) -> Result<Option<(String, i64, IssuedAct)>, StoreError> {
        let Some((bin, subject_id)): Option<(String, i64)> = self
            .conn
            .prepare_cached(
                "SELECT s.bin, s.id FROM acts_issued a JOIN subjects s ON s.id = a.subject_id WHERE a.id = ?1",
            )?
            .query_row([act_id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?
        else {
            return Ok(None);
        };
        let act = self.issued_acts(subject_id)?.into_iter().find(|a| a.id == act_id);
        Ok(act.map(|a| (bin, subject_id, a)))
    }

    /// The act whose control-of-execution task `task_id` is, if any.
    pub fn act_controlled_by(&self, task_id: i64) -> Result<Option<i64>, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT id FROM acts_issued WHERE control_task_id = ?1 ORDER BY id LIMIT 1")?
            .query_row([task_id], |r| r.get(0))
            .optional()?)
    }

    /// The outcomes of the acts issued to an object, oldest first.
    pub fn act_outcomes_of_subject(&self, subject_id: i64) -> Result<Vec<ActOutcomeRow>, StoreError> {
        let sql = format!(
            "SELECT {OUTCOME_COLUMNS} FROM act_outcomes
             WHERE act_id IN (SELECT id FROM acts_issued WHERE subject_id = ?1) ORDER BY on_date, id"
        );
        Ok(self.conn.prepare_cached(&sql)?.query_map([subject_id], outcome_row)?.collect::<Result<_, _>>()?)
    }
}

impl Write<'_> {
    pub fn insert_act_outcome(&self, outcome: &NewActOutcome<'_>) -> Result<i64, StoreError> {
        let m = outcome.measures;
        self.tx.execute(
            "INSERT INTO act_outcomes(act_id, stage, result, on_date, disciplined, admin_cases, restored_tiyn,
                                      eliminated, document, source, author, at, import_id, source_line,
                                      formal_defect)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            params![
                outcome.act_id,
                outcome.stage,
                outcome.result,
                outcome.on,
                m.disciplined,
                m.admin_cases,
                m.restored_tiyn,
                m.eliminated.map(i64::from),
                outcome.document,
                outcome.source,
                self.stamp().actor.person,
                self.stamp().at,
                outcome.import.map(|(id, _)| id),
                outcome.import.map(|(_, line)| line as i64),
                outcome.formal_defect.then_some(1i64),
            ],
        )?;
        Ok(self.tx.last_insert_rowid())
    }
}

pub use crate::domain::facts::AppealIdentity;

/// An issued act as the effectiveness report reads it (every act, without its texts).
#[derive(Debug, Clone, PartialEq)]
pub struct ActForReport {
    pub id: i64,
    pub bin: String,
    pub kind: String,
    pub issued_on: String,
    pub response_due: Option<String>,
    pub norm_id: Option<String>,
    pub trigger_registry_no: Option<String>,
    pub category: Option<String>,
    /// Quality at issuance (none for an imported act, or one issued without a draft made here).
    pub checklist_missing: Option<Vec<String>>,
    pub draft_unfilled: Option<Vec<String>>,
}

/// One recorded outcome as the report reads it, in the order recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct OutcomeForReport {
    pub act_id: i64,
    pub stage: String,
    pub result: String,
    pub on: String,
    pub formal_defect: bool,
}

/// An outcome read as `act_id, stage, result, on_date, formal_defect`.
fn outcome_for_report(r: &rusqlite::Row<'_>) -> rusqlite::Result<OutcomeForReport> {
    Ok(OutcomeForReport {
        act_id: r.get(0)?,
        stage: r.get(1)?,
        result: r.get(2)?,
        on: r.get(3)?,
        formal_defect: r.get::<_, Option<i64>>(4)? == Some(1),
    })
}

impl Store {
    /// Every issued act and every recorded outcome (oldest first: a later outcome at the same
    /// stage supersedes an earlier one), for the effectiveness report.
    pub fn acts_for_report(&self) -> Result<(Vec<ActForReport>, Vec<OutcomeForReport>), StoreError> {
        let acts = self
            .conn
            .prepare(
                "SELECT a.id, s.bin, a.kind, a.issued_on, a.response_due, a.norm_id, a.trigger_registry_no, a.category,
                        a.checklist_missing, a.draft_unfilled
                 FROM acts_issued a JOIN subjects s ON s.id = a.subject_id ORDER BY a.id",
            )?
            .query_map([], |r| {
                let list = |i: usize| -> rusqlite::Result<Option<Vec<String>>> {
                    Ok(r.get::<_, Option<String>>(i)?.map(|text| serde_json::from_str(&text).unwrap_or_default()))
                };
                Ok(ActForReport {
                    id: r.get(0)?,
                    bin: r.get(1)?,
                    kind: r.get(2)?,
                    issued_on: r.get(3)?,
                    response_due: r.get(4)?,
                    norm_id: r.get(5)?,
                    trigger_registry_no: r.get(6)?,
                    category: r.get(7)?,
                    checklist_missing: list(8)?,
                    draft_unfilled: list(9)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let outcomes = self
            .conn
            .prepare("SELECT act_id, stage, result, on_date, formal_defect FROM act_outcomes ORDER BY id")?
            .query_map([], outcome_for_report)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok((acts, outcomes))
    }

    /// The applicant's pseudonym and the text's SimHash of each appeal about an object that has
    /// an act, by appeal number — what the returning-applicant check reads beyond the analytics
    /// registry (which carries neither), for the acted-on objects only.
    pub fn appeal_identities_of_acted(&self) -> Result<std::collections::HashMap<String, AppealIdentity>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT appeal_no, applicant_pseudonym, text_simhash FROM appeals
             WHERE subject_id IN (SELECT subject_id FROM acts_issued)
               AND (applicant_pseudonym IS NOT NULL OR text_simhash IS NOT NULL)",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Each scored object's latest risk score (by BIN), for matching by risk decile.
    pub fn latest_risk_scores(&self) -> Result<Vec<(String, f64)>, StoreError> {
        Ok(self
            .conn
            .prepare(
                "SELECT s.bin, r.score FROM risk_scores r JOIN subjects s ON s.id = r.subject_id
                 WHERE r.id = (SELECT r2.id FROM risk_scores r2 WHERE r2.subject_id = r.subject_id
                               ORDER BY r2.computed DESC, r2.id DESC LIMIT 1)",
            )?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<Vec<_>, _>>()?)
    }
}

/// An earlier act as precedents read it: the act, its object's activity and kind of identifier.
#[derive(Debug, Clone, PartialEq)]
pub struct PrecedentAct {
    pub id: i64,
    pub subject_id: i64,
    pub bin: String,
    pub is_legal_entity: bool,
    pub number: Option<String>,
    pub issued_on: String,
    pub category: Option<String>,
    pub oked: Option<String>,
    pub oked_section: Option<String>,
}

impl Store {
    /// An object's OKED code and section.
    pub fn subject_activity(&self, subject_id: i64) -> Result<(Option<String>, Option<String>), StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT oked, oked_section FROM subjects WHERE id = ?1")?
            .query_row([subject_id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?
            .unwrap_or((None, None)))
    }

    /// Every act of a kind with its object's activity, and those acts' outcomes in the order recorded.
    pub fn precedent_rows(&self, kind: &str) -> Result<(Vec<PrecedentAct>, Vec<OutcomeForReport>), StoreError> {
        let acts = self
            .conn
            .prepare(
                "SELECT a.id, a.subject_id, s.bin, s.id_kind = 'bin', a.number, a.issued_on, a.category, s.oked,
                        s.oked_section
                 FROM acts_issued a JOIN subjects s ON s.id = a.subject_id WHERE a.kind = ?1 ORDER BY a.id",
            )?
            .query_map([kind], |r| {
                Ok(PrecedentAct {
                    id: r.get(0)?,
                    subject_id: r.get(1)?,
                    bin: r.get(2)?,
                    is_legal_entity: r.get(3)?,
                    number: r.get(4)?,
                    issued_on: r.get(5)?,
                    category: r.get(6)?,
                    oked: r.get(7)?,
                    oked_section: r.get(8)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let outcomes = self
            .conn
            .prepare(
                "SELECT o.act_id, o.stage, o.result, o.on_date, o.formal_defect FROM act_outcomes o
                 JOIN acts_issued a ON a.id = o.act_id WHERE a.kind = ?1 ORDER BY o.id",
            )?
            .query_map([kind], outcome_for_report)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok((acts, outcomes))
    }
}
