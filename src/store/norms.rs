//! Storing the norms catalog: imported catalogs verbatim with their SHA-256, and the numbered
//! versions of each norm that has been in force.

use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use super::{Store, StoreError, Write};

/// An imported catalog document.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredCatalog {
    pub document: String,
    pub sha256: String,
    pub source_file: String,
    pub imported_at: String,
    /// `imported` (on this workstation) or `office` (sent by the office with a sync).
    pub origin: String,
    /// For the office's: who imported it at the office, and when.
    pub office_imported_by: Option<String>,
    pub office_imported_at: Option<String>,
}

const CATALOG_COLUMNS: &str =
    "document, sha256, source_file, imported_at, origin, office_imported_by, office_imported_at";

fn catalog_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredCatalog> {
    Ok(StoredCatalog {
        document: r.get(0)?,
        sha256: r.get(1)?,
        source_file: r.get(2)?,
        imported_at: r.get(3)?,
        origin: r.get(4)?,
        office_imported_by: r.get(5)?,
        office_imported_at: r.get(6)?,
    })
}

/// One recorded version of a norm.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct NormVersionRecord {
    pub norm_id: String,
    pub version: u32,
    pub sha256: String,
    /// `shipped` or `imported`.
    pub origin: String,
    pub catalog_sha256: String,
    pub recorded_at: String,
}

impl Store {
    /// The catalog imported last, if any.
    pub fn latest_norm_catalog(&self) -> Result<Option<StoredCatalog>, StoreError> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {CATALOG_COLUMNS} FROM norm_catalogs ORDER BY id DESC LIMIT 1"),
                [],
                catalog_row,
            )
            .optional()?)
    }

    /// The catalog the office sent last, if any.
    pub fn latest_office_norm_catalog(&self) -> Result<Option<StoredCatalog>, StoreError> {
        Ok(self
            .conn
            .query_row(
                &format!(
                    "SELECT {CATALOG_COLUMNS} FROM norm_catalogs WHERE origin = 'office' ORDER BY id DESC LIMIT 1"
                ),
                [],
                catalog_row,
            )
            .optional()?)
    }

    /// The latest recorded version of every norm.
    pub fn latest_norm_versions(&self) -> Result<Vec<NormVersionRecord>, StoreError> {
        let rows = self
            .conn
            .prepare(
                "SELECT v.norm_id, v.version, v.sha256, v.origin, v.catalog_sha256, v.recorded_at FROM norm_versions v
                 WHERE v.version = (SELECT max(version) FROM norm_versions w WHERE w.norm_id = v.norm_id)
                 ORDER BY v.norm_id",
            )?
            .query_map([], |r| {
                Ok(NormVersionRecord {
                    norm_id: r.get(0)?,
                    version: r.get(1)?,
                    sha256: r.get(2)?,
                    origin: r.get(3)?,
                    catalog_sha256: r.get(4)?,
                    recorded_at: r.get(5)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }
}

impl Write<'_> {
    /// Stores an imported catalog; returns its id.
    pub fn put_norm_catalog(&self, document: &str, sha256: &str, source_file: &str) -> Result<i64, StoreError> {
        self.tx.execute(
            "INSERT INTO norm_catalogs(document, sha256, source_file, imported_at) VALUES (?1, ?2, ?3, ?4)",
            params![document, sha256, source_file, self.stamp().at],
        )?;
        Ok(self.tx.last_insert_rowid())
    }

    /// Stores the catalog the office sent, with who imported it there and when; returns its id.
    pub fn put_office_norm_catalog(
        &self,
        document: &str,
        sha256: &str,
        source_file: &str,
        imported_by: &str,
        imported_at: &str,
    ) -> Result<i64, StoreError> {
        self.tx.execute(
            "INSERT INTO norm_catalogs(document, sha256, source_file, imported_at, origin, office_imported_by,
                 office_imported_at) VALUES (?1, ?2, ?3, ?4, 'office', ?5, ?6)",
            params![document, sha256, source_file, self.stamp().at, imported_by, imported_at],
        )?;
        Ok(self.tx.last_insert_rowid())
    }

    pub fn add_norm_version(&self, record: &NormVersionRecord, document: &str) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT INTO norm_versions(norm_id, version, sha256, document, origin, catalog_sha256, recorded_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                record.norm_id,
                record.version,
                record.sha256,
                document,
                record.origin,
                record.catalog_sha256,
                record.recorded_at
            ],
        )?;
        Ok(())
    }
}
