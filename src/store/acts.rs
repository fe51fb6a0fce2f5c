//! Acts of response and an object's evidence as stored: documents attached (their bytes are kept
//! content-addressed beside the database, see `api::acts`), checklist items ticked by a person,
//! and acts recorded as issued. All three tables are append-only; the latest row is in force.

use rusqlite::params;
use serde::{Deserialize, Serialize};

use super::{Store, StoreError, Write};

/// A document attached to an object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Attachment {
    pub id: i64,
    pub sha256: String,
    pub file_name: String,
    pub octets: i64,
    pub note: Option<String>,
    pub author: String,
    pub at: String,
}

/// A person's mark on a checklist item: ticked or unticked, and the document behind it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ChecklistMark {
    pub item: String,
    pub ticked: bool,
    /// The SHA-256 of the attached document that satisfies the item.
    pub document: Option<String>,
    pub note: Option<String>,
    pub author: String,
    pub at: String,
}

/// An act recorded as issued.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct IssuedAct {
    pub id: i64,
    pub kind: String,
    pub number: Option<String>,
    pub issued_on: String,
    pub addressee: String,
    pub requirements: Vec<String>,
    pub norm_id: Option<String>,
    pub response_due: Option<String>,
    pub control_task_id: Option<i64>,
    /// The SHA-256 of the issued act's document, when it was attached.
    pub document: Option<String>,
    /// The violation's category, when an import named it (a person's act records none).
    pub category: Option<String>,
    /// The registry number of the inspection that prompted the act, when an import named it.
    pub trigger_registry_no: Option<String>,
    /// The import that brought the act from a registry's export (none for an act recorded here).
    pub import_id: Option<i64>,
    /// Quality at issuance, for an act recorded here: the checklist items unmet when it went out
    /// (empty: complete), the journal entry of the draft it was issued from and the placeholders
    /// that draft left unfilled (none when no draft was made here).
    #[serde(default)]
    pub checklist_missing: Option<Vec<String>>,
    #[serde(default)]
    pub draft_seq: Option<i64>,
    #[serde(default)]
    pub draft_unfilled: Option<Vec<String>>,
    pub author: String,
    pub at: String,
}

/// What recording an act stores (the author and time come from the write's stamp).
pub struct NewIssuedAct<'a> {
    pub subject_id: i64,
    pub kind: &'a str,
    pub number: Option<&'a str>,
    pub issued_on: &'a str,
    pub addressee: &'a str,
    pub requirements: &'a [String],
    pub norm_id: Option<&'a str>,
    pub response_due: Option<&'a str>,
    pub control_task_id: Option<i64>,
    pub document: Option<&'a str>,
    pub category: Option<&'a str>,
    pub trigger_registry_no: Option<&'a str>,
    /// The import and line that brought it, for an act from a registry's export.
    pub import: Option<(i64, u64)>,
    /// Checklist items unmet at issue (an act recorded here; none for an imported one).
    pub checklist_missing: Option<&'a [String]>,
    /// The draft it was issued from: its journal entry and the placeholders it left unfilled.
    pub draft: Option<(i64, &'a [String])>,
}

impl Store {
    pub fn attachments(&self, subject_id: i64) -> Result<Vec<Attachment>, StoreError> {
        let rows = self
            .conn
            .prepare(
                "SELECT id, sha256, file_name, octets, note, author, at FROM attachments
                 WHERE subject_id = ?1 ORDER BY id",
            )?
            .query_map([subject_id], |r| {
                Ok(Attachment {
                    id: r.get(0)?,
                    sha256: r.get(1)?,
                    file_name: r.get(2)?,
                    octets: r.get(3)?,
                    note: r.get(4)?,
                    author: r.get(5)?,
                    at: r.get(6)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// The mark in force on each item of an object's checklists (the latest per item).
    pub fn checklist_marks(&self, subject_id: i64) -> Result<Vec<ChecklistMark>, StoreError> {
        let rows = self
            .conn
            .prepare(
                "SELECT item, ticked, document, note, author, at FROM checklist_marks m
                 WHERE subject_id = ?1
                   AND id = (SELECT MAX(id) FROM checklist_marks WHERE subject_id = m.subject_id AND item = m.item)
                 ORDER BY item",
            )?
            .query_map([subject_id], |r| {
                Ok(ChecklistMark {
                    item: r.get(0)?,
                    ticked: r.get::<_, i64>(1)? == 1,
                    document: r.get(2)?,
                    note: r.get(3)?,
                    author: r.get(4)?,
                    at: r.get(5)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    pub fn issued_acts(&self, subject_id: i64) -> Result<Vec<IssuedAct>, StoreError> {
        let rows = self
            .conn
            .prepare(
                "SELECT id, kind, number, issued_on, addressee, requirements, norm_id, response_due,
                        control_task_id, document, author, at, category, trigger_registry_no, import_id,
                        checklist_missing, draft_seq, draft_unfilled
                 FROM acts_issued WHERE subject_id = ?1 ORDER BY id",
            )?
            .query_map([subject_id], |r| {
                let requirements: String = r.get(5)?;
                let list = |i: usize| -> rusqlite::Result<Option<Vec<String>>> {
                    Ok(r.get::<_, Option<String>>(i)?.map(|text| serde_json::from_str(&text).unwrap_or_default()))
                };
                Ok(IssuedAct {
                    id: r.get(0)?,
                    kind: r.get(1)?,
                    number: r.get(2)?,
                    issued_on: r.get(3)?,
                    addressee: r.get(4)?,
                    requirements: serde_json::from_str(&requirements).unwrap_or_default(),
                    norm_id: r.get(6)?,
                    response_due: r.get(7)?,
                    control_task_id: r.get(8)?,
                    document: r.get(9)?,
                    author: r.get(10)?,
                    at: r.get(11)?,
                    category: r.get(12)?,
                    trigger_registry_no: r.get(13)?,
                    import_id: r.get(14)?,
                    checklist_missing: list(15)?,
                    draft_seq: r.get(16)?,
                    draft_unfilled: list(17)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }
}

impl Write<'_> {
    /// Records an attachment (the same bytes twice for one object break the unique key: the
    /// caller checks first).
    pub fn insert_attachment(
        &self,
        subject_id: i64,
        sha256: &str,
        file_name: &str,
        octets: i64,
        note: Option<&str>,
    ) -> Result<i64, StoreError> {
        self.tx.execute(
            "INSERT INTO attachments(subject_id, sha256, file_name, octets, note, author, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![subject_id, sha256, file_name, octets, note, self.stamp().actor.person, self.stamp().at],
        )?;
        Ok(self.tx.last_insert_rowid())
    }

    pub fn insert_checklist_mark(
        &self,
        subject_id: i64,
        item: &str,
        ticked: bool,
        document: Option<&str>,
        note: Option<&str>,
    ) -> Result<i64, StoreError> {
        self.tx.execute(
            "INSERT INTO checklist_marks(subject_id, item, ticked, document, note, author, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![subject_id, item, ticked as i64, document, note, self.stamp().actor.person, self.stamp().at],
        )?;
        Ok(self.tx.last_insert_rowid())
    }

    pub fn insert_issued_act(&self, act: &NewIssuedAct<'_>) -> Result<i64, StoreError> {
        let json = |list: &[String]| serde_json::to_string(list).map_err(|e| StoreError::Internal(e.to_string()));
        let requirements = json(act.requirements)?;
        let checklist_missing = act.checklist_missing.map(json).transpose()?;
        let draft_unfilled = act.draft.map(|(_, unfilled)| json(unfilled)).transpose()?;
        self.tx.execute(
            "INSERT INTO acts_issued(subject_id, kind, number, issued_on, addressee, requirements, norm_id,
                                     response_due, control_task_id, document, author, at, category,
                                     trigger_registry_no, import_id, source_line, checklist_missing,
                                     draft_seq, draft_unfilled)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
            params![
                act.subject_id,
                act.kind,
                act.number,
                act.issued_on,
                act.addressee,
                requirements,
                act.norm_id,
                act.response_due,
                act.control_task_id,
                act.document,
                self.stamp().actor.person,
                self.stamp().at,
                act.category,
                act.trigger_registry_no,
                act.import.map(|(id, _)| id),
                act.import.map(|(_, line)| line as i64),
                checklist_missing,
                act.draft.map(|(seq, _)| seq),
                draft_unfilled,
            ],
        )?;
        Ok(self.tx.last_insert_rowid())
    }
}
