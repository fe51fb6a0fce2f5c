//! What was read from attached documents, as stored: each reading (engines, rules, state), its
//! pages' masked text with the OCR boxes, the candidate facts, the full-text index over the
//! pages, and a person's decisions on facts per object. Reads and facts belong to a document's
//! content (SHA-256); decisions to an object. A decision made on an earlier reading carries over
//! to a fact of a later reading with the same kind and value, so reading again loses no work.

use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use super::{fold_for_search, Store, StoreError, Write};

/// A reading to store (the api turns `extract`'s result into this).
pub struct NewRead {
    pub sha256: String,
    pub format: String,
    pub state: String,
    pub why: String,
    pub engine: String,
    pub rules_version: String,
    pub pages: Vec<NewPage>,
    pub facts: Vec<NewFact>,
}

pub struct NewPage {
    pub page: u32,
    pub method: String,
    pub quality: f32,
    pub why: String,
    pub text: String,
    /// The OCR words' boxes as JSON.
    pub words: String,
}

pub struct NewFact {
    pub kind: String,
    /// JSON.
    pub value: String,
    pub page: u32,
    pub span: (usize, usize),
    pub bbox: Option<String>,
    pub rule: String,
    pub confidence: f32,
    pub context: String,
}

/// A stored reading of a document.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct DocRead {
    pub id: i64,
    pub sha256: String,
    pub format: String,
    pub state: String,
    pub why: String,
    pub engine: String,
    pub rules_version: String,
    pub pages: i64,
    pub author: String,
    pub at: String,
}

/// A page of a reading.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct DocPage {
    pub page: i64,
    pub method: String,
    pub quality: f64,
    pub why: String,
    pub text: String,
    /// The OCR words' boxes (JSON array of `{start, end, bbox, conf}`), `[]` for a text layer.
    pub words: String,
}

/// A candidate fact with the decision in force on it for one object.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct DocFact {
    pub id: i64,
    pub read_id: i64,
    pub kind: String,
    /// The value as proposed (JSON).
    pub proposed: String,
    /// The value in force: the confirmed (possibly corrected) one, else the proposed one (JSON).
    pub value: String,
    pub page: i64,
    pub span: (i64, i64),
    pub bbox: Option<String>,
    pub rule: String,
    pub confidence: f64,
    pub context: String,
    /// `proposed`, `confirmed` or `rejected`.
    pub status: String,
    pub corrected: bool,
    pub reason: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    /// The task a person opened from this fact (a period), if any.
    pub task_id: Option<i64>,
}

/// A document found by words of its text.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct DocumentHit {
    /// The attachment's id (what `ekn docs show` takes).
    pub id: i64,
    pub sha256: String,
    pub file_name: String,
    pub subject_bin: String,
    pub page: i64,
    pub excerpt: String,
}

fn read_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<DocRead> {
    Ok(DocRead {
        id: r.get(0)?,
        sha256: r.get(1)?,
        format: r.get(2)?,
        state: r.get(3)?,
        why: r.get(4)?,
        engine: r.get(5)?,
        rules_version: r.get(6)?,
        pages: r.get(7)?,
        author: r.get(8)?,
        at: r.get(9)?,
    })
}

/// A decision as read back: the fact's kind and proposed value, then status, value, corrected,
/// reason, author and time.
type Decision = (String, String, String, Option<String>, bool, Option<String>, String, String);

const READ_COLUMNS: &str = "id, sha256, format, state, why, engine, rules_version, pages, author, at";

impl Store {
    /// The reading in force of a document, if it was read.
    pub fn current_read(&self, sha256: &str) -> Result<Option<DocRead>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "SELECT {READ_COLUMNS} FROM doc_reads WHERE sha256 = ?1 ORDER BY id DESC LIMIT 1"
            ))?
            .query_row([sha256], read_row)
            .optional()?)
    }

    /// The object an attachment belongs to: (BIN, subject id).
    pub fn attachment_subject(&self, attachment_id: i64) -> Result<Option<(String, i64)>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT s.bin, s.id FROM attachments a JOIN subjects s ON s.id = a.subject_id WHERE a.id = ?1",
            )?
            .query_row([attachment_id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?)
    }

    /// The objects a document (by content) is attached to.
    pub fn attachment_holders(&self, sha256: &str) -> Result<Vec<(String, i64)>, StoreError> {
        let rows = self
            .conn
            .prepare_cached(
                "SELECT s.bin, s.id FROM attachments a JOIN subjects s ON s.id = a.subject_id WHERE a.sha256 = ?1 ORDER BY a.id",
            )?
            .query_map([sha256], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    /// The pages of a reading, in order.
    pub fn doc_pages(&self, read_id: i64) -> Result<Vec<DocPage>, StoreError> {
        let rows = self
            .conn
            .prepare_cached(
                "SELECT page, method, quality, why, text, words FROM doc_pages WHERE read_id = ?1 ORDER BY page",
            )?
            .query_map([read_id], |r| {
                Ok(DocPage {
                    page: r.get(0)?,
                    method: r.get(1)?,
                    quality: r.get(2)?,
                    why: r.get(3)?,
                    text: r.get(4)?,
                    words: r.get(5)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    /// The facts of a reading with the decisions `subject_id` made on them (or on the same kind
    /// and value in an earlier reading of the same document).
    pub fn doc_facts(&self, read_id: i64, subject_id: i64) -> Result<Vec<DocFact>, StoreError> {
        let decisions: Vec<Decision> = self
            .conn
            .prepare_cached(
                "SELECT f.kind, f.value, d.status, d.value, d.corrected, d.reason, d.author, d.at
                 FROM doc_fact_decisions d JOIN doc_facts f ON f.id = d.fact_id JOIN doc_reads r ON r.id = f.read_id
                 WHERE d.subject_id = ?1 AND r.sha256 = (SELECT sha256 FROM doc_reads WHERE id = ?2)
                 ORDER BY d.id",
            )?
            .query_map(params![subject_id, read_id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?))
            })?
            .collect::<Result<_, _>>()?;
        let mut facts: Vec<DocFact> = self
            .conn
            .prepare_cached(
                "SELECT id, read_id, kind, value, page, span_start, span_end, bbox, rule, confidence, context
                 FROM doc_facts WHERE read_id = ?1 ORDER BY page, span_start, id",
            )?
            .query_map([read_id], |r| {
                let value: String = r.get(3)?;
                Ok(DocFact {
                    id: r.get(0)?,
                    read_id: r.get(1)?,
                    kind: r.get(2)?,
                    proposed: value.clone(),
                    value,
                    page: r.get(4)?,
                    span: (r.get(5)?, r.get(6)?),
                    bbox: r.get(7)?,
                    rule: r.get(8)?,
                    confidence: r.get(9)?,
                    context: r.get(10)?,
                    status: "proposed".into(),
                    corrected: false,
                    reason: None,
                    decided_by: None,
                    decided_at: None,
                    task_id: None,
                })
            })?
            .collect::<Result<_, _>>()?;
        let tasks: Vec<(String, String, i64)> = self
            .conn
            .prepare_cached(
                "SELECT kind, proposed, task_id FROM doc_fact_tasks
                 WHERE subject_id = ?1 AND sha256 = (SELECT sha256 FROM doc_reads WHERE id = ?2)",
            )?
            .query_map(params![subject_id, read_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?;
        for fact in &mut facts {
            fact.task_id = tasks.iter().find(|t| t.0 == fact.kind && t.1 == fact.proposed).map(|t| t.2);
            // The latest decision on this kind and proposed value is in force.
            if let Some((_, _, status, value, corrected, reason, author, at)) =
                decisions.iter().rev().find(|d| d.0 == fact.kind && d.1 == fact.proposed)
            {
                fact.status = status.clone();
                if let Some(v) = value {
                    fact.value = v.clone();
                }
                fact.corrected = *corrected;
                fact.reason = reason.clone();
                fact.decided_by = Some(author.clone());
                fact.decided_at = Some(at.clone());
            }
        }
        Ok(facts)
    }

    /// One fact and the document it was read from.
    pub fn doc_fact(&self, fact_id: i64) -> Result<Option<(i64, String, String, String)>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT f.read_id, r.sha256, f.kind, f.value FROM doc_facts f JOIN doc_reads r ON r.id = f.read_id
                 WHERE f.id = ?1",
            )?
            .query_row([fact_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .optional()?)
    }

    /// Documents whose text holds every word of `query` (prefixes, folded), best first, with
    /// the object each is attached to.
    pub fn search_documents(&self, query: &str, limit: usize) -> Result<Vec<DocumentHit>, StoreError> {
        let folded = fold_for_search(query.trim());
        let words: Vec<String> = folded
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(|w| format!("\"{}\"*", w.replace('"', "\"\"")))
            .collect();
        if words.is_empty() {
            return Ok(Vec::new());
        }
        let first_word = folded.split(|c: char| !c.is_alphanumeric()).find(|w| !w.is_empty()).unwrap_or("").to_string();
        let rows = self
            .conn
            .prepare_cached(
                "SELECT a.id, r.sha256, a.file_name, s.bin, p.page, p.text
                 FROM doc_pages_fts f
                 JOIN doc_pages p ON p.id = f.rowid
                 JOIN doc_reads r ON r.id = p.read_id
                 JOIN attachments a ON a.sha256 = r.sha256
                 JOIN subjects s ON s.id = a.subject_id
                 WHERE doc_pages_fts MATCH ?1
                   AND r.id = (SELECT max(id) FROM doc_reads r2 WHERE r2.sha256 = r.sha256)
                 ORDER BY f.rank, a.id, p.page LIMIT ?2",
            )?
            .query_map(params![words.join(" "), limit as i64], |r| {
                let text: String = r.get(5)?;
                Ok(DocumentHit {
                    id: r.get(0)?,
                    sha256: r.get(1)?,
                    file_name: r.get(2)?,
                    subject_bin: r.get(3)?,
                    page: r.get(4)?,
                    excerpt: super::search::excerpt(&text, &first_word),
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        // One hit per document and object: its best page.
        let mut seen = std::collections::BTreeSet::new();
        Ok(rows.into_iter().filter(|h| seen.insert((h.id, h.sha256.clone()))).collect())
    }

    /// The facts confirmed on an object, with their document's name (for the card's timeline).
    pub fn confirmed_facts(&self, subject_id: i64) -> Result<Vec<(DocFact, String, String)>, StoreError> {
        let docs: Vec<(i64, String, String)> = self
            .conn
            .prepare_cached(
                "SELECT r.id, a.file_name, a.sha256 FROM attachments a
                 JOIN doc_reads r ON r.sha256 = a.sha256
                 WHERE a.subject_id = ?1 AND r.id = (SELECT max(id) FROM doc_reads r2 WHERE r2.sha256 = a.sha256)",
            )?
            .query_map([subject_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?;
        let mut out = Vec::new();
        for (read_id, file_name, sha256) in docs {
            for fact in self.doc_facts(read_id, subject_id)? {
                if fact.status == "confirmed" {
                    out.push((fact, file_name.clone(), sha256.clone()));
                }
            }
        }
        Ok(out)
    }
}

impl Write<'_> {
    /// Stores a reading with its pages (indexed for search) and facts; returns its id.
    pub fn insert_doc_read(&self, read: &NewRead) -> Result<i64, StoreError> {
        let stamp = self.stamp();
        self.tx.execute(
            "INSERT INTO doc_reads(sha256, format, state, why, engine, rules_version, pages, author, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                read.sha256,
                read.format,
                read.state,
                read.why,
                read.engine,
                read.rules_version,
                read.pages.len() as i64,
                stamp.actor.person,
                stamp.at
            ],
        )?;
        let read_id = self.tx.last_insert_rowid();
        // The pages of the reading this one replaces leave the index: a search finds a document
        // by what it says now.
        let old: Vec<i64> = self
            .tx
            .prepare_cached(
                "SELECT p.id FROM doc_pages p JOIN doc_reads r ON r.id = p.read_id WHERE r.sha256 = ?1 AND r.id <> ?2",
            )?
            .query_map(params![read.sha256, read_id], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        for id in old {
            self.tx.prepare_cached("DELETE FROM doc_pages_fts WHERE rowid = ?1")?.execute([id])?;
        }
        for page in &read.pages {
            self.tx.prepare_cached(
                "INSERT INTO doc_pages(read_id, page, method, quality, why, text, words) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![read_id, page.page, page.method, page.quality as f64, page.why, page.text, page.words])?;
            let page_id = self.tx.last_insert_rowid();
            if !page.text.is_empty() {
                self.tx
                    .prepare_cached("INSERT INTO doc_pages_fts(rowid, text) VALUES (?1, ?2)")?
                    .execute(params![page_id, fold_for_search(&page.text)])?;
            }
        }
        for fact in &read.facts {
            self.tx.prepare_cached(
                "INSERT INTO doc_facts(read_id, kind, value, page, span_start, span_end, bbox, rule, confidence, context)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?
            .execute(params![
                read_id,
                fact.kind,
                fact.value,
                fact.page,
                fact.span.0 as i64,
                fact.span.1 as i64,
                fact.bbox,
                fact.rule,
                fact.confidence as f64,
                fact.context
            ])?;
        }
        Ok(read_id)
    }

    /// Records a person's decision on a fact for an object.
    pub fn insert_fact_decision(
        &self,
        subject_id: i64,
        fact_id: i64,
        status: &str,
        value: Option<&str>,
        corrected: bool,
        reason: Option<&str>,
    ) -> Result<i64, StoreError> {
        let stamp = self.stamp();
        self.tx.execute(
            "INSERT INTO doc_fact_decisions(subject_id, fact_id, status, value, corrected, reason, author, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![subject_id, fact_id, status, value, corrected, reason, stamp.actor.person, stamp.at],
        )?;
        Ok(self.tx.last_insert_rowid())
    }

    /// Links a task opened from a fact (by the fact's document, kind and proposed value).
    pub fn insert_fact_task(
        &self,
        subject_id: i64,
        sha256: &str,
        kind: &str,
        proposed: &str,
        task_id: i64,
    ) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT INTO doc_fact_tasks(subject_id, sha256, kind, proposed, task_id) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![subject_id, sha256, kind, proposed, task_id],
        )?;
        Ok(())
    }

    /// Destroys what was read from a document (text, index, facts) and an object's decisions on
    /// it; the reading's row stays as a record that the text existed. Called by retention.
    pub fn destroy_document_text(&self, sha256: &str, subject_id: i64, last_copy: bool) -> Result<(), StoreError> {
        self.tx.execute(
            "DELETE FROM doc_fact_decisions WHERE subject_id = ?1
               AND fact_id IN (SELECT f.id FROM doc_facts f JOIN doc_reads r ON r.id = f.read_id WHERE r.sha256 = ?2)",
            params![subject_id, sha256],
        )?;
        // The task stays (it is the office's work, journaled); only its pointer to the fact goes.
        self.tx
            .execute("DELETE FROM doc_fact_tasks WHERE subject_id = ?1 AND sha256 = ?2", params![subject_id, sha256])?;
        if !last_copy {
            return Ok(());
        }
        let pages: Vec<i64> = self
            .tx
            .prepare("SELECT p.id FROM doc_pages p JOIN doc_reads r ON r.id = p.read_id WHERE r.sha256 = ?1")?
            .query_map([sha256], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        for id in pages {
            self.tx.execute("DELETE FROM doc_pages_fts WHERE rowid = ?1", [id])?;
        }
        self.tx.execute(
            "DELETE FROM doc_fact_decisions WHERE fact_id IN
               (SELECT f.id FROM doc_facts f JOIN doc_reads r ON r.id = f.read_id WHERE r.sha256 = ?1)",
            [sha256],
        )?;
        self.tx
            .execute("DELETE FROM doc_facts WHERE read_id IN (SELECT id FROM doc_reads WHERE sha256 = ?1)", [sha256])?;
        self.tx
            .execute("DELETE FROM doc_pages WHERE read_id IN (SELECT id FROM doc_reads WHERE sha256 = ?1)", [sha256])?;
        self.tx.execute(
            "UPDATE doc_reads SET why = 'destroyed by retention', state = 'partly' WHERE sha256 = ?1",
            [sha256],
        )?;
        Ok(())
    }
}
