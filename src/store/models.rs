//! Storing model versions: each trained model with what it was trained on, how, how well, who and
//! when, and its arrays (so any later prediction can name and replay the version that made it).

use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use super::{Store, StoreError, Write};
use crate::domain::journal::Entry;

/// A model version as listed (without its arrays).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ModelRecord {
    pub id: i64,
    pub kind: String,
    pub version: i64,
    /// `appeals-v3`: what every prediction names.
    pub name: String,
    pub created_at: String,
    pub author: String,
    pub data_file: String,
    pub data_sha256: String,
    pub texts: i64,
    /// JSON: the categories, in the model's order.
    pub classes: String,
    /// JSON: the training parameters.
    pub params: String,
    /// JSON: the held-out metrics.
    pub metrics: String,
    pub temperature: f64,
    pub c: f64,
    pub char_weight: f64,
    pub arrays_sha256: String,
}

/// A model version to store.
#[derive(Debug, Clone)]
pub struct NewModel<'a> {
    pub kind: &'a str,
    pub data_file: &'a str,
    pub data_sha256: &'a str,
    pub texts: i64,
    pub classes: String,
    pub params: String,
    pub metrics: String,
    pub temperature: f64,
    pub c: f64,
    pub char_weight: f64,
    pub arrays: &'a [u8],
    pub arrays_sha256: &'a str,
}

const COLUMNS: &str = "id, kind, version, name, created_at, author, data_file, data_sha256, texts, classes, params,
                       metrics, temperature, c, char_weight, arrays_sha256";

fn record(r: &Row<'_>) -> rusqlite::Result<ModelRecord> {
    Ok(ModelRecord {
        id: r.get(0)?,
        kind: r.get(1)?,
        version: r.get(2)?,
        name: r.get(3)?,
        created_at: r.get(4)?,
        author: r.get(5)?,
        data_file: r.get(6)?,
        data_sha256: r.get(7)?,
        texts: r.get(8)?,
        classes: r.get(9)?,
        params: r.get(10)?,
        metrics: r.get(11)?,
        temperature: r.get(12)?,
        c: r.get(13)?,
        char_weight: r.get(14)?,
        arrays_sha256: r.get(15)?,
    })
}

impl Store {
    /// Every model version, newest first.
    pub fn models(&self) -> Result<Vec<ModelRecord>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM models ORDER BY id DESC");
        let rows = self.conn.prepare(&sql)?.query_map([], record)?.collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// A model version by name, or the newest of a kind, with its arrays.
    pub fn model(&self, kind: &str, name: Option<&str>) -> Result<Option<(ModelRecord, Vec<u8>)>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS}, arrays FROM models WHERE kind = ?1 AND (?2 IS NULL OR name = ?2) ORDER BY id DESC LIMIT 1"
        );
        Ok(self.conn.query_row(&sql, params![kind, name], |r| Ok((record(r)?, r.get::<_, Vec<u8>>(16)?))).optional()?)
    }
}

impl Store {
    /// The newest check of model version `name` (`ekn models check`): its time and entry.
    pub fn last_model_check(&self, name: &str) -> Result<Option<(String, Entry)>, StoreError> {
        let seq: Option<i64> = self
            .conn
            .query_row(
                "SELECT max(seq) FROM journal WHERE kind IN ('model_checked', 'risk_model_checked') \
                 AND json_extract(payload, '$.model') = ?1",
                [name],
                |r| r.get(0),
            )
            .optional()?
            .flatten();
        let Some(seq) = seq else { return Ok(None) };
        let Some(stored) = self.journal_entry(seq)? else { return Ok(None) };
        Ok(serde_json::from_str::<Entry>(&stored.payload).ok().map(|entry| (stored.at, entry)))
    }

    /// Imports of `kind` journaled after model `model_id` was (journal order, not clock time: a
    /// training and an import in the same second are still told apart) that inserted or updated
    /// rows: how many, their rows, the newest one's end.
    pub fn imports_after_model(&self, kind: &str, model_id: i64) -> Result<(i64, i64, Option<String>), StoreError> {
        Ok(self.conn.query_row(
            "SELECT count(*), coalesce(sum(i.inserted + i.updated), 0), max(i.finished_at)
               FROM imports i JOIN journal j ON j.record = 'import:' || i.id
              WHERE i.kind = ?1 AND i.inserted + i.updated > 0
                AND j.seq > (SELECT coalesce(min(seq), 0) FROM journal WHERE record = 'model:' || ?2)",
            params![kind, model_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?)
    }

    /// Categories people gave appeals after model `model_id` was journaled.
    pub fn corrections_after_model(&self, model_id: i64) -> Result<i64, StoreError> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM journal
              WHERE kind = 'appeal_corrected' AND json_extract(payload, '$.aspect') = 'category'
                AND seq > (SELECT coalesce(min(seq), 0) FROM journal WHERE record = 'model:' || ?1)",
            [model_id],
            |r| r.get(0),
        )?)
    }
}

impl Write<'_> {
    /// Stores a new version of a model; its name is `<prefix>-v<version>`. Returns (id, name).
    pub fn put_model(&self, prefix: &str, model: &NewModel<'_>) -> Result<(i64, String), StoreError> {
        let version: i64 = self.tx.query_row(
            "SELECT coalesce(max(version), 0) + 1 FROM models WHERE kind = ?1",
            [model.kind],
            |r| r.get(0),
        )?;
        let name = format!("{prefix}-v{version}");
        self.tx.execute(
            "INSERT INTO models(kind, version, name, created_at, author, data_file, data_sha256, texts, classes, params,
                                metrics, temperature, c, char_weight, arrays, arrays_sha256)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
            params![
                model.kind,
                version,
                name,
                self.stamp().at,
                self.stamp().actor.person,
                model.data_file,
                model.data_sha256,
                model.texts,
                model.classes,
                model.params,
                model.metrics,
                model.temperature,
                model.c,
                model.char_weight,
                model.arrays,
                model.arrays_sha256,
            ],
        )?;
        Ok((self.tx.last_insert_rowid(), name))
    }
}
