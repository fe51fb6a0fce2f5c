//! Appeals travelling with their SLA tasks (`domain::papers`): on the holder's workstation, which
//! of its appeals have their task assigned to a colleague and which papers it handed over
//! (`office_papers_sent`); on the assignee's, the papers the office gave it (`remote_appeals`).
//! Both are sync bookkeeping and copies of others' records, so they are written in the replica's
//! transaction, like the pull's.

use std::collections::HashMap;

use rusqlite::{params, OptionalExtension};

use super::{Store, StoreError};
use crate::domain::papers::{appeal_of_task_key, HeldPaper};

impl Store {
    /// The SLA tasks of appeals held here that the office assigned to someone other than `me`:
    /// (the appeal's number, the task's key), in the order of the keys.
    pub fn appeals_assigned_away(&self, me: &str) -> Result<Vec<(String, String)>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT object_key FROM office_assignments WHERE object_key LIKE 'appeal:%' AND assigned_to <> ?1 \
             ORDER BY object_key",
        )?;
        let keys: Vec<String> = stmt.query_map([me], |r| r.get(0))?.collect::<Result<_, _>>()?;
        let mut held = self.conn.prepare("SELECT 1 FROM appeals WHERE appeal_no = ?1")?;
        let mut out = Vec::new();
        for key in keys {
            let Some((no, _)) = appeal_of_task_key(&key) else { continue };
            if held.query_row([no], |_| Ok(())).optional()?.is_some() {
                out.push((no.to_string(), key.clone()));
            }
        }
        Ok(out)
    }

    /// The fingerprint of every paper handed to the office, by its task's key.
    pub fn office_papers_sent(&self) -> Result<HashMap<String, String>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT task_key, fingerprint FROM office_papers_sent")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Remembers the papers the office took and forgets those it withdrew.
    pub fn record_papers_sent(&mut self, sent: &[(&str, &str)], withdrawn: &[&str]) -> Result<(), StoreError> {
        self.replicate(|tx| {
            let mut stmt = tx.prepare(
                "INSERT INTO office_papers_sent(task_key, fingerprint) VALUES (?1, ?2) \
                 ON CONFLICT(task_key) DO UPDATE SET fingerprint = excluded.fingerprint",
            )?;
            for (key, fingerprint) in sent {
                stmt.execute(params![key, fingerprint])?;
            }
            for key in withdrawn {
                tx.execute("DELETE FROM office_papers_sent WHERE task_key = ?1", [key])?;
            }
            Ok(())
        })
    }

    /// Replaces the papers given by the office with `papers` (already checked): one it no longer
    /// gives is gone from here too.
    pub fn replace_remote_appeals(&mut self, papers: &[HeldPaper]) -> Result<(), StoreError> {
        self.replicate(|tx| {
            tx.execute("DELETE FROM remote_appeals", [])?;
            let mut stmt = tx.prepare(
                "INSERT INTO remote_appeals(appeal_no, task_key, holder, updated_at, paper) VALUES (?1, ?2, ?3, ?4, ?5) \
                 ON CONFLICT(appeal_no) DO UPDATE SET task_key = excluded.task_key, holder = excluded.holder, \
                 updated_at = excluded.updated_at, paper = excluded.paper WHERE excluded.updated_at > remote_appeals.updated_at",
            )?;
            for held in papers {
                let paper = serde_json::to_string(&held.paper).map_err(|e| StoreError::Internal(e.to_string()))?;
                stmt.execute(params![held.paper.appeal_no, held.paper.task_key, held.holder, held.updated_at, paper])?;
            }
            Ok(())
        })
    }

    /// The paper the office gave for this appeal, if it gave one.
    pub fn remote_appeal(&self, appeal_no: &str) -> Result<Option<HeldPaper>, StoreError> {
        let row: Option<(String, String, String)> = self
            .conn
            .query_row("SELECT holder, updated_at, paper FROM remote_appeals WHERE appeal_no = ?1", [appeal_no], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()?;
        row.map(|(holder, updated_at, paper)| {
            let paper = serde_json::from_str(&paper).map_err(|e| StoreError::Invalid(e.to_string()))?;
            Ok(HeldPaper { holder, updated_at, paper })
        })
        .transpose()
    }

    /// How many papers the office gave this workstation.
    pub fn remote_appeal_count(&self) -> Result<usize, StoreError> {
        let n: i64 = self.conn.query_row("SELECT count(*) FROM remote_appeals", [], |r| r.get(0))?;
        Ok(n as usize)
    }
}
