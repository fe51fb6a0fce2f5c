//! SQLite storage: opening and migrating the database, and every query the product runs.
//! This is the only module that writes SQL.
//!
//! One connection per process, WAL journal, foreign keys on. Migrations are SQL files embedded in
//! the binary and applied in order, each in its own transaction, with the schema version kept in
//! `PRAGMA user_version`; a database written by a newer version of the product is refused rather
//! than guessed at.

pub mod acts;
pub mod analytics;
pub mod backup;
pub mod blobs;
mod card;
pub mod connectors;
mod documents;
pub mod files;
mod import;
pub mod journal;
mod models;
mod norms;
pub mod office;
pub mod office_appeals;
pub mod office_papers;
pub mod outcomes;
mod overview;
pub mod retention;
pub mod seal;
mod search;
pub mod secret;
mod tasks;
pub mod text_index;
pub mod themes;
pub mod triage;
pub mod vault;

use std::path::{Path, PathBuf};

use rusqlite::{params, Connection, OpenFlags};

use crate::domain::territory::REGIONS;

pub use acts::{Attachment, ChecklistMark, IssuedAct, NewIssuedAct};
pub use analytics::{NewReview, Review};
pub use documents::{DocFact, DocPage, DocRead, DocumentHit, NewFact, NewPage, NewRead};
pub use import::{inspection_hash, risk_hash, subject_facts_hash, ImportHeader, ImportTotals, ImportWriter, Upsert};
pub use journal::{About, JournalFilter, Stamp, Write};
pub use models::{ModelRecord, NewModel};
pub use norms::{NormVersionRecord, StoredCatalog};
pub use outcomes::{ActForReport, ActOutcomeRow, NewActOutcome, OutcomeForReport, PrecedentAct};
pub use overview::{AppealHeadline, RegionOverview, RiskyObject};
pub use search::{AppealHit, SearchHits, SubjectHit};
pub use tasks::{AppealFacts, LogEntry, NewTask, TaskLaw};
pub use themes::{AppealFlags, DocumentCounts, MemberDecision, ThemeNote, ThemeVersion};
pub use triage::{AppealTask, Candidate, NewDecision, StoredDecision, TriageInput};

/// The migrations in order; the schema version is the number of them applied.
const MIGRATIONS: &[(&str, &str)] = &[
    ("0001_core", include_str!("migrations/0001_core.sql")),
    ("0002_calendar", include_str!("migrations/0002_calendar.sql")),
    ("0003_tasks", include_str!("migrations/0003_tasks.sql")),
    ("0004_overview", include_str!("migrations/0004_overview.sql")),
    ("0005_norms", include_str!("migrations/0005_norms.sql")),
    ("0006_journal", include_str!("migrations/0006_journal.sql")),
    ("0007_models", include_str!("migrations/0007_models.sql")),
    ("0008_triage", include_str!("migrations/0008_triage.sql")),
    ("0009_analytics", include_str!("migrations/0009_analytics.sql")),
    ("0010_acts", include_str!("migrations/0010_acts.sql")),
    ("0011_vault", include_str!("migrations/0011_vault.sql")),
    ("0012_restores", include_str!("migrations/0012_restores.sql")),
    ("0013_retention", include_str!("migrations/0013_retention.sql")),
    ("0014_office", include_str!("migrations/0014_office.sql")),
    ("0015_office_conflicts", include_str!("migrations/0015_office_conflicts.sql")),
    ("0016_connectors", include_str!("migrations/0016_connectors.sql")),
    ("0017_inspections_kind_check", include_str!("migrations/0017_inspections_kind_check.sql")),
    ("0018_connector_modified", include_str!("migrations/0018_connector_modified.sql")),
    ("0019_office_trust", include_str!("migrations/0019_office_trust.sql")),
    ("0020_documents", include_str!("migrations/0020_documents.sql")),
    ("0021_fact_tasks", include_str!("migrations/0021_fact_tasks.sql")),
    ("0022_act_outcomes", include_str!("migrations/0022_act_outcomes.sql")),
    ("0023_imported_acts", include_str!("migrations/0023_imported_acts.sql")),
    ("0024_act_quality", include_str!("migrations/0024_act_quality.sql")),
    ("0025_act_retention", include_str!("migrations/0025_act_retention.sql")),
    ("0026_themes", include_str!("migrations/0026_themes.sql")),
    ("0027_theme_members", include_str!("migrations/0027_theme_members.sql")),
    ("0028_subject_size", include_str!("migrations/0028_subject_size.sql")),
    ("0029_theme_member_objects", include_str!("migrations/0029_theme_member_objects.sql")),
    ("0030_theme_notes_index", include_str!("migrations/0030_theme_notes_index.sql")),
    ("0031_theme_note_retention", include_str!("migrations/0031_theme_note_retention.sql")),
    ("0032_office_appeals_sent", include_str!("migrations/0032_office_appeals_sent.sql")),
    ("0033_office_pseudonym", include_str!("migrations/0033_office_pseudonym.sql")),
    ("0034_appeal_papers", include_str!("migrations/0034_appeal_papers.sql")),
    ("0035_norm_versions_by_date", include_str!("migrations/0035_norm_versions_by_date.sql")),
    ("0036_lookup_tables", include_str!("migrations/0036_lookup_tables.sql")),
    ("0037_office_figures", include_str!("migrations/0037_office_figures.sql")),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error(
        "the database has schema version {found}, newer than this program understands ({supported}); \
         use a newer version of ekn"
    )]
    TooNew { found: i64, supported: i64 },
    #[error("{path}: the key file is damaged (expected 64 hexadecimal digits)")]
    BadKey { path: PathBuf },
    /// A key of an existing database is not beside it. It is never made anew on its own: a new
    /// key would make every pseudonym, attached document or checkpoint sealed under the old one
    /// unreadable while the journal went on as if nothing had happened.
    #[error(
        "{path}: the database's {what} is missing. Put back the copy of this file you keep (it was made \
         with the database and must sit beside it); if it is truly lost, `ekn keys reset --reason \"…\"` \
         makes a new one, journaled"
    )]
    KeyMissing { path: PathBuf, what: &'static str },
    /// The database is encrypted and no passphrase was given.
    #[error(
        "{path} is encrypted: give its passphrase (EKN_PASSPHRASE, or the prompt on a terminal; the \
         desktop app and `ekn serve` ask for it in the page)"
    )]
    Locked { path: PathBuf },
    /// The passphrase does not open the database's vault header. Nothing was written.
    #[error(
        "{path}: the passphrase does not open this database (nothing was changed). A forgotten \
         passphrase is replaced with the recovery key: `ekn vault recover --recovery FILE`"
    )]
    WrongPassphrase { path: PathBuf },
    /// The vault header of an encrypted database is not beside it. Never made anew on its own.
    #[error(
        "{path}: the encrypted database's vault header is missing. Put back the copy you keep, or \
         make a new one from the recovery key: `ekn vault recover --recovery FILE`"
    )]
    VaultHeaderMissing { path: PathBuf },
    /// The key opened from the header is not the database's (a header of another database).
    #[error("{path}: the vault header's key does not open this database; is it the header of another one?")]
    VaultMismatch { path: PathBuf },
    /// Another program has the database open (its write-ahead log is there) where the file is to
    /// be replaced.
    #[error("{path} is open in another program (ekn serve, the desktop app); close it and try again")]
    InUse { path: PathBuf },
    /// There is no database where one was to be opened.
    #[error("{0}")]
    NoDatabase(String),
    /// A stored value the product cannot have written (a damaged row).
    #[error("{0}")]
    Corrupt(String),
    /// A value handed to the store that it refuses (a digest that is not one).
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    Internal(String),
}

impl StoreError {
    /// Whether another process holds the database's write lock for longer than the wait allows
    /// (an import beside `ekn serve`): worth trying again, unlike other database errors.
    pub fn is_busy(&self) -> bool {
        matches!(
            self,
            StoreError::Sqlite(rusqlite::Error::SqliteFailure(e, _))
                if matches!(e.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
        )
    }
}

/// Removes a database and everything kept beside it for it: the WAL and shared-memory files, the
/// keys and the vault header, the signed checkpoint, the attached documents and the UI's evidence packages. What is
/// not there is skipped; what cannot be removed is an error naming it. A database another
/// program has open is refused (`InUse`) and left as it is.
pub fn remove_database(path: &Path) -> Result<(), StoreError> {
    // Never from under another program: held to this process until every file is gone.
    let _alone = vault::in_sole_use(path)?;
    let files = files::DbFiles::of(path);
    for file in files.files() {
        match std::fs::remove_file(file) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => return Err(StoreError::Io { path: file.to_path_buf(), source }),
        }
    }
    for dir in files.folders() {
        match std::fs::remove_dir_all(dir) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => return Err(StoreError::Io { path: dir.to_path_buf(), source }),
        }
    }
    Ok(())
}

/// An open database. Reading needs `&self`; writing goes through `Store::write` (the one write path,
/// `journal.rs`), which holds a transaction and so needs `&mut self`.
pub struct Store {
    conn: Connection,
    /// The file registered as a live database while the connection is open, so that nothing in
    /// this process opens it outside SQLite (`crate::disk`). Dropped after the connection.
    _live: Option<crate::disk::LiveDatabase>,
}

impl Store {
    /// Opens (creating when needed) the plain database file at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        Store::open_keyed(path, None)
    }

    /// Opens (creating when needed) the database at `path`, encrypted with `key` when one is
    /// given (SQLCipher), and brings its schema up to date. The key is tried before anything is
    /// written: a key that does not open the file leaves it untouched.
    pub fn open_keyed(path: &Path, key: Option<&vault::DataKey>) -> Result<Store, StoreError> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags)?;
        let live = crate::disk::LiveDatabase::register(path, key.is_some());
        if let Some(key) = key {
            conn.execute_batch(&key.pragma("main"))?;
            // SQLCipher would print its own lines to stderr on a wrong key; the error we return
            // says it once, in words. Set after the key: keying first activates SQLCipher, which
            // then puts its default (warnings to stderr) over a level set before.
            conn.execute_batch("PRAGMA cipher_log_level = NONE;")?;
            // SQLCipher reads the file only at the first statement: a wrong key shows here.
            if let Err(e) = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)) {
                return Err(match e.sqlite_error_code() {
                    Some(rusqlite::ErrorCode::NotADatabase) => StoreError::VaultMismatch { path: path.to_path_buf() },
                    _ => e.into(),
                });
            }
            // Freed pages are overwritten, so what is deleted does not linger in the file.
            conn.pragma_update(None, "secure_delete", "ON")?;
        }
        conn.pragma_update(None, "journal_mode", "WAL")?;
        Store::prepare(conn, Some(live))
    }

    /// Opens an existing database, refusing to create one.
    pub fn open_existing(path: &Path) -> Result<Store, StoreError> {
        Store::open_existing_keyed(path, None)
    }

    /// Opens an existing database (encrypted with `key` when one is given), refusing to create one.
    pub fn open_existing_keyed(path: &Path, key: Option<&vault::DataKey>) -> Result<Store, StoreError> {
        if !path.exists() {
            return Err(StoreError::NoDatabase(format!(
                "no database at {}; create it with `ekn init --demo` (demo data) or `ekn init` (empty)",
                path.display()
            )));
        }
        Store::open_keyed(path, key)
    }

    /// A private in-memory database with the full schema, for tests.
    pub fn open_in_memory() -> Result<Store, StoreError> {
        Store::prepare(Connection::open_in_memory()?, None)
    }

    fn prepare(mut conn: Connection, live: Option<crate::disk::LiveDatabase>) -> Result<Store, StoreError> {
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // FULL: in WAL mode a commit reaches the disk (the log is flushed) before it is answered.
        // The journal's signed checkpoint, a file of its own, is flushed right after each commit;
        // with NORMAL a power cut could keep the checkpoint and lose the commit it covers, and
        // verification would then report entries removed that were never written (issue 58).
        conn.pragma_update(None, "synchronous", "FULL")?;
        // 128 MiB of page cache: an import writes its unique indexes at scattered places, and with
        // SQLite's default 2 MiB the transaction spills and re-reads pages constantly (measured:
        // several times slower on a million rows; docs/PERFORMANCE.md).
        conn.pragma_update(None, "cache_size", -131_072)?;
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.create_scalar_function(
            "ekn_fold",
            1,
            rusqlite::functions::FunctionFlags::SQLITE_UTF8 | rusqlite::functions::FunctionFlags::SQLITE_DETERMINISTIC,
            |ctx| Ok(ctx.get::<Option<String>>(0)?.map(|t| fold_for_search(&t))),
        )?;
        migrate(&mut conn)?;
        Ok(Store { conn, _live: live })
    }

    /// The schema version recorded in the file.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(self.conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    /// Row counts of the main tables, for `ekn status` and for tests that check nothing changed.
    pub fn counts(&self) -> Result<TableCounts, StoreError> {
        let count = |table: &str| -> Result<i64, StoreError> {
            Ok(self.conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?)
        };
        Ok(TableCounts {
            imports: count("imports")?,
            subjects: count("subjects")?,
            inspections: count("inspections")?,
            appeals: count("appeals")?,
            risk_scores: count("risk_scores")?,
            control_bodies: count("control_bodies")?,
            acts_issued: count("acts_issued")?,
            act_outcomes: count("act_outcomes")?,
        })
    }

    /// A fingerprint of every table's content — every table `sqlite_master` names, the full-text
    /// indexes' own included, not a list kept by hand (one of 16 missed the 24 added since) — so
    /// tests can prove a failed import changed nothing. Rows are compared in a sorted order of
    /// their own.
    pub fn content_fingerprint(&self) -> Result<String, StoreError> {
        self.content_fingerprint_except(&[])
    }

    /// The same fingerprint without the tables named in `except` (a connector's own bookkeeping,
    /// when what is compared is the registry it would publish into).
    pub fn content_fingerprint_except(&self, except: &[&str]) -> Result<String, StoreError> {
        let tables: Vec<String> = self
            .conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let mut text = String::new();
        for table in tables.iter().filter(|t| !except.contains(&t.as_str())) {
            let mut stmt = self.conn.prepare(&format!("SELECT * FROM \"{table}\""))?;
            let columns = stmt.column_count();
            let mut rows = stmt.query([])?;
            let mut lines = Vec::new();
            while let Some(row) = rows.next()? {
                let mut line = String::new();
                for i in 0..columns {
                    let value: rusqlite::types::Value = row.get(i)?;
                    line.push_str(&format!("{value:?}|"));
                }
                lines.push(line);
            }
            lines.sort_unstable();
            text.push_str(&format!("{table}\n{}\n", lines.join("\n")));
        }
        Ok(crate::domain::digest::sha256_hex(text))
    }

    /// Every import recorded, newest first.
    pub fn imports(&self) -> Result<Vec<ImportRecord>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT id, kind, file_name, sha256, size_bytes, format, source, started_at, finished_at,
                    rows_read, inserted, updated, unchanged, rejected, purpose, legal_basis, retention, roles
             FROM imports ORDER BY id DESC",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(ImportRecord {
                id: r.get(0)?,
                kind: r.get(1)?,
                file_name: r.get(2)?,
                sha256: r.get(3)?,
                size_bytes: r.get(4)?,
                format: r.get(5)?,
                source: r.get(6)?,
                started_at: r.get(7)?,
                finished_at: r.get(8)?,
                rows_read: r.get(9)?,
                inserted: r.get(10)?,
                updated: r.get(11)?,
                unchanged: r.get(12)?,
                rejected: r.get(13)?,
                purpose: r.get(14)?,
                legal_basis: r.get(15)?,
                retention: r.get(16)?,
                roles: r.get(17)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// A sample of subject identifiers, spread over the table, for the card benchmark.
    pub fn sample_subject_ids(&self, limit: usize) -> Result<Vec<String>, StoreError> {
        let total: i64 = self.conn.query_row("SELECT count(*) FROM subjects", [], |r| r.get(0))?;
        let step = (total / limit.max(1) as i64).max(1);
        let mut stmt = self.conn.prepare("SELECT bin FROM subjects WHERE id % ?1 = 0 LIMIT ?2")?;
        let rows = stmt.query_map(params![step, limit as i64], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The subjects with the most inspections, busiest first: the worst case for a card.
    pub fn busiest_subject_ids(&self, limit: usize) -> Result<Vec<String>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT s.bin FROM inspections i JOIN subjects s ON s.id = i.subject_id
             GROUP BY i.subject_id ORDER BY count(*) DESC, s.bin LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit as i64], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// One value of the settings table.
    pub fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        use rusqlite::OptionalExtension;
        Ok(self.conn.query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| r.get(0)).optional()?)
    }

    /// SQLite's data version of this connection: it changes whenever another connection, of
    /// this program or another, commits to the database (never for this connection's own writes).
    pub fn data_version(&self) -> Result<i64, StoreError> {
        Ok(self.conn.pragma_query_value(None, "data_version", |r| r.get(0))?)
    }

    /// Makes the WAL part of the main file, so the file on disk is complete by itself.
    pub fn checkpoint(&self) -> Result<(), StoreError> {
        self.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }
}

/// A calendar year an administrator imported.
#[derive(Debug, Clone, PartialEq, serde::Serialize, ts_rs::TS)]
pub struct StoredCalendarYear {
    pub year: i32,
    pub sha256: String,
    pub source_file: String,
    pub imported_at: String,
    #[serde(skip)]
    pub document: String,
}

impl Write<'_> {
    /// Stores (or replaces) an imported calendar year.
    pub fn put_calendar_year(
        &self,
        year: i32,
        document: &str,
        sha256: &str,
        source_file: &str,
    ) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT INTO calendar_years(year, document, sha256, source_file, imported_at) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT(year) DO UPDATE SET document = excluded.document, sha256 = excluded.sha256,
                 source_file = excluded.source_file, imported_at = excluded.imported_at",
            params![year, document, sha256, source_file, self.stamp().at],
        )?;
        Ok(())
    }
}

impl Store {
    /// Every imported calendar year, oldest year first.
    pub fn calendar_years(&self) -> Result<Vec<StoredCalendarYear>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT year, sha256, source_file, imported_at, document FROM calendar_years ORDER BY year")?;
        let rows = stmt.query_map([], |r| {
            Ok(StoredCalendarYear {
                year: r.get(0)?,
                sha256: r.get(1)?,
                source_file: r.get(2)?,
                imported_at: r.get(3)?,
                document: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// Row counts of the main tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct TableCounts {
    pub imports: i64,
    pub subjects: i64,
    pub inspections: i64,
    pub appeals: i64,
    pub risk_scores: i64,
    pub control_bodies: i64,
    /// Acts of response recorded as issued, and the outcomes recorded for them.
    pub acts_issued: i64,
    pub act_outcomes: i64,
}

/// One row of the import log.
#[derive(Debug, Clone, PartialEq, serde::Serialize, ts_rs::TS)]
pub struct ImportRecord {
    pub id: i64,
    pub kind: String,
    pub file_name: String,
    pub sha256: String,
    pub size_bytes: i64,
    pub format: String,
    pub source: String,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub rows_read: i64,
    pub inserted: i64,
    pub updated: i64,
    pub unchanged: i64,
    pub rejected: i64,
    pub purpose: String,
    pub legal_basis: String,
    pub retention: String,
    pub roles: String,
}

fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::TooNew { found, supported: SCHEMA_VERSION });
    }
    // A migration may rebuild a table others refer to (SQLite cannot widen a CHECK in place):
    // references are switched off while the migrations run — the pragma is a no-op inside a
    // transaction — and every one is checked before they are switched on again.
    let pending = (found as usize) < MIGRATIONS.len();
    if pending {
        conn.pragma_update(None, "foreign_keys", "OFF")?;
    }
    for (index, (_name, sql)) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        let broken: i64 = tx.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0))?;
        if broken > 0 {
            return Err(StoreError::Internal(format!(
                "migration {} would leave {broken} row(s) pointing nowhere; nothing was changed",
                MIGRATIONS[index].0
            )));
        }
        tx.pragma_update(None, "user_version", index as i64 + 1)?;
        tx.commit()?;
    }
    if pending {
        conn.pragma_update(None, "foreign_keys", "ON")?;
    }
    // Reference data is owned by the code (domain::territory), so it is refreshed on every open.
    let tx = conn.transaction()?;
    {
        let mut stmt = tx.prepare(
            "INSERT INTO regions(code, name_ru, name_kk, name_en) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(code) DO UPDATE SET name_ru = excluded.name_ru, name_kk = excluded.name_kk,
                                            name_en = excluded.name_en",
        )?;
        for r in &REGIONS {
            stmt.execute(params![r.code, r.name_ru, r.name_kk, r.name_en])?;
        }
    }
    tx.commit()?;
    Ok(())
}

/// Folds text the way the search indexes expect it: lower case, ё as е.
pub fn fold_for_search(text: &str) -> String {
    text.to_lowercase().replace('ё', "е")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_database_gets_every_migration_and_the_regions() {
        let store = Store::open_in_memory().unwrap();
        assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
        let regions: i64 = store.conn.query_row("SELECT count(*) FROM regions", [], |r| r.get(0)).unwrap();
        assert_eq!(regions, 20);
    }

    /// A bulk write looks references up once at the end: a row pointing nowhere is refused
    /// there, nothing of the write stays, and the next write enforces references row by row again.
    #[test]
    fn a_bulk_write_refuses_a_broken_reference_at_commit_and_restores_enforcement() {
        let mut store = Store::open_in_memory().unwrap();
        let stamp = Stamp { at: "2026-11-23T10:00:00Z".into(), actor: crate::domain::journal::Actor::system() };
        let setting = crate::domain::journal::Entry::SettingChanged { key: "k".into(), value: "v".into() };
        let mut write = store.bulk_write(stamp.clone(), &["inspections"]).unwrap();
        let off: bool = write.tx.pragma_query_value(None, "foreign_keys", |r| r.get(0)).unwrap();
        assert!(!off, "references are not looked up row by row inside a bulk write");
        write
            .tx
            .execute(
                "INSERT INTO inspections(registry_no, subject_id, control_body_id, kind, start_date, violations,
                    row_hash, first_import_id, last_import_id, source_line)
                 VALUES ('1-1', 999, 999, 'planned', '2026-01-01', 0, 0, 999, 999, 2)",
                [],
            )
            .unwrap();
        write.append(&setting, journal::About::default(), None).unwrap();
        let err = write.commit().expect_err("a reference to nothing is refused");
        assert!(err.to_string().contains("inspections") && err.to_string().contains("missing row"), "{err}");
        let rows: i64 = store.conn.query_row("SELECT count(*) FROM inspections", [], |r| r.get(0)).unwrap();
        assert_eq!(rows, 0, "nothing of the refused write stays");
        let journaled: i64 = store.conn.query_row("SELECT count(*) FROM journal", [], |r| r.get(0)).unwrap();
        assert_eq!(journaled, 0);

        let on: bool = store.conn.pragma_query_value(None, "foreign_keys", |r| r.get(0)).unwrap();
        assert!(on, "enforcement is back once the bulk write is over");
        let write = store.write(stamp).unwrap();
        let refused = write.tx.execute(
            "INSERT INTO inspections(registry_no, subject_id, control_body_id, kind, start_date, violations,
                row_hash, first_import_id, last_import_id, source_line)
             VALUES ('1-2', 999, 999, 'planned', '2026-01-01', 0, 0, 999, 999, 2)",
            [],
        );
        assert!(refused.is_err(), "an ordinary write refuses the same row at once");
    }

    /// The writer's word on what new rows refer to is checked value by value; a row it did not
    /// vouch for makes the whole table read back, so a path that forgot to vouch misses nothing.
    #[test]
    fn vouched_references_are_looked_up_and_an_unvouched_row_is_still_caught() {
        use journal::Reference;
        let stamp = Stamp { at: "2026-11-23T10:00:00Z".into(), actor: crate::domain::journal::Actor::system() };
        let setting = crate::domain::journal::Entry::SettingChanged { key: "k".into(), value: "v".into() };
        let insert = |write: &Write<'_>, no: &str, subject: i64| {
            write
                .tx
                .execute(
                    "INSERT INTO inspections(registry_no, subject_id, control_body_id, kind, start_date, violations,
                        row_hash, first_import_id, last_import_id, source_line)
                     VALUES (?1, ?2, 999, 'planned', '2026-01-01', 0, 0, 999, 999, 2)",
                    params![no, subject],
                )
                .unwrap();
        };
        let vouch = |write: &mut Write<'_>, subject: i64| {
            let id = |v| Some(Reference::Id(v));
            write.vouch_row(
                "inspections",
                &[
                    ("subject_id", id(subject)),
                    ("control_body_id", id(999)),
                    ("kind", Some(Reference::Code("planned".into()))),
                    ("region_code", None),
                    ("first_import_id", id(999)),
                    ("last_import_id", id(999)),
                    ("subject_size", None),
                ],
            );
        };
        // Vouched for, and wrong: refused by the lookup of the value.
        let mut store = Store::open_in_memory().unwrap();
        let mut write = store.bulk_write(stamp.clone(), &["inspections"]).unwrap();
        insert(&write, "1-1", 999);
        vouch(&mut write, 999);
        write.append(&setting, journal::About::default(), None).unwrap();
        let err = write.commit().expect_err("a vouched reference to nothing is refused");
        assert!(err.to_string().contains("missing row") && err.to_string().contains("999"), "{err}");

        // One row vouched for (its references sound), one not (pointing nowhere): the count does
        // not match, the new rows are read back, and the unvouched one is found.
        let mut store = Store::open_in_memory().unwrap();
        store.conn.execute_batch(
            "INSERT INTO imports(id, kind, file_name, sha256, size_bytes, format, source, started_at, purpose, legal_basis,
                 retention, roles, tool_version) VALUES (999, 'inspections', 'f', 'x', 0, 'CSV', 't', 'now', 't', 't', 't', 't', 't');
             INSERT INTO control_bodies(id, name) VALUES (999, 'Орган');
             INSERT INTO subjects(id, bin, id_kind, facts_hash, first_import_id, last_import_id) VALUES (5, '000000000005', 'bin', 0, 999, 999);",
        ).unwrap();
        let mut write = store.bulk_write(stamp, &["inspections"]).unwrap();
        insert(&write, "1-1", 5);
        vouch(&mut write, 5);
        insert(&write, "1-2", 777);
        write.append(&setting, journal::About::default(), None).unwrap();
        let err = write.commit().expect_err("the row nobody vouched for is read back and refused");
        assert!(err.to_string().contains("row 2 of inspections") && err.to_string().contains("subjects"), "{err}");
    }

    /// Migration 0017 rebuilds the inspections table: rows stay, with their ids, and the kind is
    /// still held to its three values. Run over a database as it stood before 0017 (a later
    /// migration, 0028, adds a column the rebuild does not know of).
    #[test]
    fn the_inspections_rebuild_keeps_rows_and_the_kind_check() {
        let conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "foreign_keys", "OFF").unwrap();
        let (name, rebuild) = MIGRATIONS[16];
        assert_eq!(name, "0017_inspections_kind_check");
        for (_, sql) in &MIGRATIONS[..16] {
            conn.execute_batch(sql).unwrap();
        }
        let insert = "INSERT INTO inspections(id, registry_no, subject_id, control_body_id, kind, start_date,
                          violations, row_hash, first_import_id, last_import_id, source_line)
                      VALUES (?1, ?2, 1, 1, ?3, '2026-01-01', 0, 7, 1, 1, 2)";
        conn.execute(insert, params![41, "1-41", "unplanned"]).unwrap();
        conn.execute_batch(rebuild).unwrap();
        let (id, kind): (i64, String) = conn
            .query_row("SELECT id, kind FROM inspections WHERE registry_no = '1-41'", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!((id, kind.as_str()), (41, "unplanned"));
        assert!(conn.execute(insert, params![42, "1-42", "surprise"]).is_err(), "an unknown kind is refused");
        let indexed: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_master WHERE name = 'inspections_subject'", [], |r| r.get(0))
            .unwrap();
        assert_eq!(indexed, 1);
        // The later migrations still apply over the rebuilt table, the size column last.
        for (_, sql) in &MIGRATIONS[17..] {
            conn.execute_batch(sql).unwrap();
        }
        let size: Option<String> =
            conn.query_row("SELECT subject_size FROM inspections WHERE id = 41", [], |r| r.get(0)).unwrap();
        assert_eq!(size, None);
    }

    /// Migration 0036 moves every enum column onto a lookup table: rows stay as they were, with
    /// their ids; an unknown value is refused by the reference; a new value is one insert into the
    /// vocabulary, not a rebuild; the append-only triggers it had to drop are back; and no
    /// `CHECK … IN ('…')` list is left in the schema for the next value to trip over.
    #[test]
    fn enum_columns_refer_to_lookup_tables_and_their_rebuild_keeps_rows_and_rules() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "foreign_keys", "OFF").unwrap();
        let at = MIGRATIONS.iter().position(|(name, _)| *name == "0036_lookup_tables").unwrap();
        for (_, sql) in &MIGRATIONS[..at] {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", at as i64).unwrap();
        conn.execute_batch(
            "INSERT INTO imports(id, kind, file_name, sha256, size_bytes, format, source, started_at, purpose,
                 legal_basis, retention, roles, tool_version)
             VALUES (1, 'appeals', 'f', 'x', 0, 'CSV', 't', 'now', 't', 't', 't', 't', 't');
             INSERT INTO appeals(id, appeal_no, received, outcome, row_hash, first_import_id, last_import_id, source_line)
             VALUES (1, 'A-1', '2026-01-05', 'explained', 0, 1, 1, 2);
             INSERT INTO tasks(id, kind, title, assignee, unit, period_amount, period_unit, event_date, original_due,
                 current_due, status, created_at)
             VALUES (7, 'forward_appeal', 'Переслать', 'p', 'u', 5, 'working_days', '2026-01-05', '2026-01-12',
                 '2026-01-12', 'done', '2026-01-05T09:00:00Z');
             INSERT INTO appeal_decisions(id, appeal_id, aspect, value, basis, inputs_sha256, explanation, decided_at, author)
             VALUES (3, 1, 'route', 'office', 'person', 'x', '{}', '2026-01-05T09:00:00Z', 'p');",
        )
        .unwrap();
        let rows = |conn: &Connection| -> Vec<String> {
            ["imports", "appeals", "tasks", "appeal_decisions"]
                .iter()
                .flat_map(|table| {
                    let mut stmt = conn.prepare(&format!("SELECT * FROM {table}")).unwrap();
                    let columns = stmt.column_count();
                    stmt.query_map([], |r| {
                        (0..columns).map(|i| r.get::<_, rusqlite::types::Value>(i).map(|v| format!("{v:?}"))).collect()
                    })
                    .unwrap()
                    .collect::<Result<Vec<Vec<String>>, _>>()
                    .unwrap()
                    .into_iter()
                    .map(move |row| format!("{table}: {}", row.join("|")))
                })
                .collect()
        };
        let before = rows(&conn);
        migrate(&mut conn).unwrap();
        assert_eq!(rows(&conn), before, "the rebuild keeps every row and id");
        let on: bool = conn.pragma_query_value(None, "foreign_keys", |r| r.get(0)).unwrap();
        assert!(on);

        let task = |id: i64, kind: &str| {
            conn.execute(
                "INSERT INTO tasks(id, kind, title, assignee, unit, period_amount, period_unit, event_date, original_due,
                     current_due, created_at)
                 VALUES (?1, ?2, 't', 'p', 'u', 5, 'working_days', '2026-01-05', '2026-01-12', '2026-01-12', 'now')",
                params![id, kind],
            )
        };
        let refused = task(8, "surprise").expect_err("an unknown kind is refused");
        assert!(refused.to_string().contains("FOREIGN KEY"), "{refused}");
        conn.execute("INSERT INTO task_kinds(name) VALUES ('surprise')", []).unwrap();
        task(8, "surprise").expect("a new kind is one insert into its vocabulary");

        let update = conn.execute("UPDATE appeal_decisions SET value = 'other' WHERE id = 3", []);
        assert!(update.unwrap_err().to_string().contains("append-only"), "the trigger is back");

        let lists: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%IN (''%'")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert!(lists.is_empty(), "enum lists still in CHECKs: {lists:?}");
    }

    #[test]
    fn a_database_from_a_newer_version_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.db");
        {
            let conn = Connection::open(&path).unwrap();
            conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1).unwrap();
        }
        let err = Store::open(&path).err().expect("refused");
        assert!(matches!(err, StoreError::TooNew { .. }), "{err}");
    }
}
