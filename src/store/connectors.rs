//! Connectors in SQLite: each connector's spec (as JSON; the API key is never stored, only the
//! name of the variable that holds it), its runs, and the pages a run has staged (their records
//! sealed in files beside the database, like attached documents). Staging is bookkeeping, not a
//! person's write: a page is one statement, whole or absent; the run's publication is an import,
//! journaled as one.

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::{Store, StoreError};

/// One run as the store keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct RunRow {
    pub id: i64,
    pub connector: String,
    pub started_at: String,
    pub finished_at: Option<String>,
    /// `staging`, `published`, `failed`.
    pub status: String,
    pub version: String,
    pub requests: i64,
    pub retries: i64,
    pub too_many: i64,
    /// Why the run stopped or failed: the error's code (`portal_refused`…) and its words.
    pub error_code: Option<String>,
    pub error: Option<String>,
    /// The import's report when published (JSON).
    pub report: Option<String>,
    /// A modified-since run: the watermark it read from and the newest value when it started
    /// (JSON `{"field", "value"}`); `None` for a whole read.
    pub modified_since: Option<String>,
    pub modified_upto: Option<String>,
}

/// A staged page.
#[derive(Debug, Clone, PartialEq)]
pub struct StagedPage {
    pub page: i64,
    pub sha256: String,
    pub records: i64,
    /// The cursor after this page (JSON), `None` when the page was empty.
    pub cursor: Option<String>,
}

const RUN_COLUMNS: &str = "id, connector, started_at, finished_at, status, version, requests, retries, too_many, \
     error, report, error_code, modified_since, modified_upto";

fn run_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RunRow> {
    Ok(RunRow {
        id: r.get(0)?,
        connector: r.get(1)?,
        started_at: r.get(2)?,
        finished_at: r.get(3)?,
        status: r.get(4)?,
        version: r.get(5)?,
        requests: r.get(6)?,
        retries: r.get(7)?,
        too_many: r.get(8)?,
        error: r.get(9)?,
        report: r.get(10)?,
        error_code: r.get(11)?,
        modified_since: r.get(12)?,
        modified_upto: r.get(13)?,
    })
}

impl Store {
    /// Every connector: (name, spec as JSON, when it was added).
    pub fn connectors(&self) -> Result<Vec<(String, String, String)>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT name, spec, created_at FROM connectors ORDER BY name")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// A connector's unfinished run, if one was cut off.
    pub fn staging_run(&self, connector: &str) -> Result<Option<RunRow>, StoreError> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {RUN_COLUMNS} FROM connector_runs WHERE connector = ?1 AND status = 'staging' ORDER BY id DESC LIMIT 1"),
                [connector],
                run_row,
            )
            .optional()?)
    }

    pub fn start_run(&self, connector: &str, version: &str, at: &str) -> Result<i64, StoreError> {
        self.conn.execute(
            "INSERT INTO connector_runs(connector, started_at, status, version) VALUES (?1, ?2, 'staging', ?3)",
            params![connector, at, version],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Stages one page: its row and the cursor after it in one statement.
    pub fn stage_page(&self, run: i64, page: &StagedPage) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO connector_pages(run_id, page, sha256, records, cursor) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![run, page.page, page.sha256, page.records, page.cursor],
        )?;
        Ok(())
    }

    pub fn staged_pages(&self, run: i64) -> Result<Vec<StagedPage>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT page, sha256, records, cursor FROM connector_pages WHERE run_id = ?1 ORDER BY page")?;
        let rows = stmt.query_map([run], |r| {
            Ok(StagedPage { page: r.get(0)?, sha256: r.get(1)?, records: r.get(2)?, cursor: r.get(3)? })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Adds a stretch of requests to a run's counts (a resumed run keeps counting).
    pub fn count_run_requests(&self, run: i64, requests: u32, retries: u32, too_many: u32) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE connector_runs SET requests = requests + ?2, retries = retries + ?3, too_many = too_many + ?4 WHERE id = ?1",
            params![run, requests, retries, too_many],
        )?;
        Ok(())
    }

    /// The validators of the connector's file as last published (ETag, Last-Modified).
    pub fn last_validators(&self, connector: &str) -> Result<(Option<String>, Option<String>), StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT etag, last_modified FROM connector_runs WHERE connector = ?1 AND status = 'published' \
                 AND (etag IS NOT NULL OR last_modified IS NOT NULL) ORDER BY id DESC LIMIT 1",
                [connector],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .unwrap_or((None, None)))
    }

    pub fn set_run_validators(
        &self,
        run: i64,
        etag: Option<&str>,
        last_modified: Option<&str>,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE connector_runs SET etag = ?2, last_modified = ?3 WHERE id = ?1",
            params![run, etag, last_modified],
        )?;
        Ok(())
    }

    /// Notes the window of a modified-since run (before its first page, so a resumed run reads
    /// the same window).
    pub fn set_run_window(&self, run: i64, since: Option<&str>, upto: Option<&str>) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE connector_runs SET modified_since = ?2, modified_upto = ?3 WHERE id = ?1",
            params![run, since, upto],
        )?;
        Ok(())
    }

    /// The newest value of the modified field seen at the start of the connector's last published
    /// run that had one: where the next run reads from.
    pub fn last_modified_upto(&self, connector: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT modified_upto FROM connector_runs WHERE connector = ?1 AND status = 'published' \
                 AND modified_upto IS NOT NULL ORDER BY id DESC LIMIT 1",
                [connector],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Notes why a run stopped before its end (it stays `staging`, to be resumed).
    pub fn set_run_error(&self, run: i64, code: &str, error: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE connector_runs SET error_code = ?2, error = ?3 WHERE id = ?1",
            params![run, code, error],
        )?;
        Ok(())
    }

    /// Ends a run, and forgets its staged pages (returning their digests, for their files).
    pub fn finish_run(
        &self,
        run: i64,
        status: &str,
        at: &str,
        error: Option<(&str, &str)>,
        report: Option<&str>,
    ) -> Result<Vec<String>, StoreError> {
        let pages = self.staged_pages(run)?;
        self.conn.execute(
            "UPDATE connector_runs SET status = ?2, finished_at = ?3, error_code = ?4, error = ?5, report = ?6 WHERE id = ?1",
            params![run, status, at, error.map(|e| e.0), error.map(|e| e.1), report],
        )?;
        self.conn.execute("DELETE FROM connector_pages WHERE run_id = ?1", [run])?;
        // A page's file is removed unless a document attached to an object has the same bytes.
        let mut digests = Vec::new();
        for page in pages {
            let attached: bool = self.conn.query_row(
                "SELECT EXISTS (SELECT 1 FROM attachments WHERE sha256 = ?1)",
                [&page.sha256],
                |r| r.get(0),
            )?;
            if !attached {
                digests.push(page.sha256);
            }
        }
        Ok(digests)
    }

    /// A connector's runs, newest first.
    pub fn connector_runs(&self, connector: &str, limit: usize) -> Result<Vec<RunRow>, StoreError> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {RUN_COLUMNS} FROM connector_runs WHERE connector = ?1 ORDER BY id DESC LIMIT ?2"
        ))?;
        let rows = stmt.query_map(params![connector, limit as i64], run_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

impl super::journal::Write<'_> {
    /// Adds or replaces a connector (journal it with `Entry::SettingChanged`).
    pub fn set_connector(&self, name: &str, spec: &str, at: &str) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT INTO connectors(name, spec, created_at) VALUES (?1, ?2, ?3) \
             ON CONFLICT(name) DO UPDATE SET spec = excluded.spec",
            params![name, spec, at],
        )?;
        Ok(())
    }

    /// Removes a connector; its runs stay as history. Whether there was one to remove.
    pub fn remove_connector(&self, name: &str) -> Result<bool, StoreError> {
        Ok(self.tx.execute("DELETE FROM connectors WHERE name = ?1", [name])? > 0)
    }
}
