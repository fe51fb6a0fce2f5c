//! The one write path and the journal it feeds.
//!
//! Every write goes through a `Write`: a handle over one SQLite transaction (BEGIN IMMEDIATE, so
//! two processes never interleave their entries) that carries a `Stamp` — the actor and the time
//! — and appends typed entries to the hash-chained `journal` table in the same transaction. A
//! write without an entry is refused at commit; a write that fails rolls back with its entries,
//! so nothing half-done is ever journaled and nothing journaled is ever lost.
//!
//! Each entry names the record it concerns and a digest of that record's state after the write;
//! `record_digest` computes the digest the same way at write time and at verification, so a
//! record changed behind the journal's back is named. Registry tables are digested as a whole
//! (`TableDigest`), kept current by the import writer row by row.

use rusqlite::types::ValueRef;
use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};
use sha2::{Digest, Sha256};

use super::secret;
use super::{Store, StoreError};
use crate::domain::journal::{
    chain_hash, split_personal, Actor, Entry, PersonalData, RecordRef, StoredEntry, TableDigest, TableState, GENESIS,
    JOURNAL_VERSION,
};

/// Who writes and when: carried by every write handle, written into every entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    /// RFC 3339, UTC, from the session's clock.
    pub at: String,
    pub actor: Actor,
}

/// What an entry is about, beyond its record: the object and the appeal, for the card's history.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct About {
    pub subject_bin: Option<String>,
    pub appeal_no: Option<String>,
}

/// A write in progress. Commit it with `commit`; drop it to roll everything back.
pub struct Write<'s> {
    pub(super) tx: Transaction<'s>,
    stamp: Stamp,
    head: Option<(i64, String)>,
    appended: Vec<StoredEntry>,
    /// A bulk write's tables, whose foreign keys are checked once before it commits; the guard
    /// turns enforcement row by row back on after the transaction ends (it is declared after `tx`,
    /// so a dropped write rolls back first and then restores it).
    bulk: Option<(Vec<NewRows>, ForeignKeysDeferred<'s>)>,
    /// The references of the rows a bulk write added, as its writer vouched for them
    /// (`vouch_row`): checked at the end value by value instead of by reading the rows back.
    vouched: Vouched,
}

/// What a bulk write's writer said its new rows refer to: per table, how many rows it vouched
/// for and the columns it named; per (table, column), the distinct values. A table whose count
/// does not match the rows it gained is read back as before, so a path that inserts without
/// vouching costs time, never a missed check.
#[derive(Default)]
struct Vouched {
    rows: rustc_hash::FxHashMap<&'static str, (u64, Vec<&'static str>)>,
    values: rustc_hash::FxHashMap<(&'static str, &'static str), rustc_hash::FxHashSet<Reference>>,
}

/// A value a reference column holds.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Reference {
    Id(i64),
    Code(Box<str>),
}

/// Where the rows a bulk write adds to a table begin: past the largest key the table held when
/// the write began (its rowid, or the first column of its primary key for a table without one).
struct NewRows {
    table: &'static str,
    key: String,
    after: i64,
}

/// Foreign keys not enforced row by row on this connection until dropped. SQLite only changes
/// the setting outside a transaction, so this lives beside one and is dropped after it.
struct ForeignKeysDeferred<'s>(&'s Connection);

impl Drop for ForeignKeysDeferred<'_> {
    fn drop(&mut self) {
        if let Err(e) = self.0.pragma_update(None, "foreign_keys", "ON") {
            // Nothing to return to; the next write refuses to start without enforcement.
            eprintln!("warning: foreign keys could not be turned back on: {e}");
        }
    }
}

impl Store {
    /// Opens the one kind of write there is.
    pub fn write(&mut self, stamp: Stamp) -> Result<Write<'_>, StoreError> {
        self.ensure_foreign_keys()?;
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        Ok(Write { tx, stamp, head: None, appended: Vec::new(), bulk: None, vouched: Vouched::default() })
    }

    /// A write of many registry rows (an import): references are not looked up row by row but
    /// checked once, before the commit, for the rows the write added to `tables`, and any that
    /// points nowhere refuses the commit. Each of an inspection's five references cost a parent
    /// lookup and a cursor opened and closed per row, about a sixth of a million-row import
    /// (docs/PERFORMANCE.md); the check at the end reads only the new rows, so it grows with the
    /// import, not with the table. Rows the write changes in place take their references from
    /// rows the writer read or inserted in the same transaction (import.rs).
    pub(super) fn bulk_write(
        &mut self,
        stamp: Stamp,
        tables: &'static [&'static str],
    ) -> Result<Write<'_>, StoreError> {
        self.ensure_foreign_keys()?;
        let conn: &Connection = &self.conn;
        let mut new_rows = Vec::new();
        for table in tables {
            let key: String = conn
                .query_row(
                    "SELECT CASE WHEN w.wr THEN (SELECT name FROM pragma_table_info(?1) WHERE pk = 1) ELSE 'rowid' END
                     FROM (SELECT \"wr\" FROM pragma_table_list(?1)) w",
                    [table],
                    |r| r.get(0),
                )
                .map_err(|e| StoreError::Internal(format!("cannot find the key of {table}: {e}")))?;
            let after: i64 =
                conn.query_row(&format!("SELECT coalesce(max({key}), 0) FROM {table}"), [], |r| r.get(0))?;
            new_rows.push(NewRows { table, key, after });
        }
        conn.pragma_update(None, "foreign_keys", "OFF")?;
        let deferred = ForeignKeysDeferred(conn);
        let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
        Ok(Write {
            tx,
            stamp,
            head: None,
            appended: Vec::new(),
            bulk: Some((new_rows, deferred)),
            vouched: Vouched::default(),
        })
    }

    /// Refuses to write on a connection whose foreign keys are off (a bulk write's guard that
    /// could not restore them), turning them on first.
    fn ensure_foreign_keys(&self) -> Result<(), StoreError> {
        self.conn.pragma_update(None, "foreign_keys", "ON")?;
        let on: bool = self.conn.pragma_query_value(None, "foreign_keys", |r| r.get(0))?;
        if on {
            Ok(())
        } else {
            Err(StoreError::Internal("foreign keys cannot be enforced on this connection".into()))
        }
    }

    /// Runs `f` while this connection holds the database's write lock, writing nothing: what
    /// must follow every program's commits in the order they were made (the journal's head
    /// sealed into the checkpoint file beside the database) is serialised by SQLite's own lock,
    /// and sees the journal as the last commit left it. Waits like a write (the busy timeout).
    pub fn under_write_lock<T, E: From<StoreError>>(&self, f: impl FnOnce(&Store) -> Result<T, E>) -> Result<T, E> {
        let held = Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate).map_err(StoreError::from)?;
        let out = f(self);
        // Nothing was written: rolling back only lets the lock go (also when `f` panics).
        drop(held);
        out
    }

    /// Opens the one other kind of transaction: a copy of entries already journaled elsewhere
    /// (colleagues' entries pulled from the office, each with its author and its own chain). It
    /// touches only the replica tables, never this workstation's records, so it has nothing to
    /// journal here; a page is kept whole or not at all.
    pub(super) fn replicate<T>(
        &mut self,
        copy: impl FnOnce(&Transaction<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let result = copy(&tx)?;
        tx.commit()?;
        Ok(result)
    }
}

impl Write<'_> {
    pub fn stamp(&self) -> &Stamp {
        &self.stamp
    }

    /// Appends an entry about `record`, whose state is digested as it stands now in this write.
    pub fn append(
        &mut self,
        entry: &Entry,
        about: About,
        record: Option<RecordRef>,
    ) -> Result<StoredEntry, StoreError> {
        let digest = match &record {
            Some(r) => Some(record_digest(&self.tx, r)?.unwrap_or_else(|| "absent".into())),
            None => None,
        };
        self.append_with_digest(entry, about, record, digest)
    }

    /// Appends an entry whose record digest the caller computed (an import's tables).
    pub fn append_with_digest(
        &mut self,
        entry: &Entry,
        about: About,
        record: Option<RecordRef>,
        state_digest: Option<String>,
    ) -> Result<StoredEntry, StoreError> {
        let (seq, prev) = match &self.head {
            Some(head) => head.clone(),
            None => head(&self.tx)?.unwrap_or((0, GENESIS.to_string())),
        };
        let (old_due, new_due) = entry.due_change();
        let (payload, detail, fields) = split_personal(entry).map_err(StoreError::Internal)?;
        let personal = fields.map(|fields| PersonalData { salt: secret::random_hex(16), fields });
        let mut stored = StoredEntry {
            seq: seq + 1,
            at: self.stamp.at.clone(),
            person: self.stamp.actor.person.clone(),
            face: self.stamp.actor.face.code().to_string(),
            kind: entry.kind().to_string(),
            subject_bin: about.subject_bin,
            appeal_no: about.appeal_no,
            task_id: entry.task_id(),
            record: record.map(|r| r.key()),
            state_digest,
            old_due,
            new_due,
            detail,
            payload,
            version: JOURNAL_VERSION,
            personal_digest: personal.as_ref().map(PersonalData::digest),
            prev_hash: prev,
            hash: String::new(),
            personal,
            redacted_by: None,
        };
        stored.hash = chain_hash(&stored);
        self.tx
            .prepare_cached(
                "INSERT INTO journal(seq, at, person, face, kind, subject_bin, appeal_no, task_id, record, state_digest,
                    old_due, new_due, detail, payload, prev_hash, hash, version, personal_digest)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
            )?
            .execute(params![
                stored.seq,
                stored.at,
                stored.person,
                stored.face,
                stored.kind,
                stored.subject_bin,
                stored.appeal_no,
                stored.task_id,
                stored.record,
                stored.state_digest,
                stored.old_due,
                stored.new_due,
                stored.detail,
                stored.payload,
                stored.prev_hash,
                stored.hash,
                stored.version,
                stored.personal_digest
            ])?;
        // Rows left under this number by entries someone cut from the journal's end (the cut
        // itself stays visible against the signed checkpoint) must not stick to the new entry.
        self.tx.prepare_cached("DELETE FROM journal_personal WHERE seq = ?1")?.execute([stored.seq])?;
        self.tx.prepare_cached("DELETE FROM journal_redactions WHERE seq = ?1")?.execute([stored.seq])?;
        if let Some(personal) = &stored.personal {
            self.tx
                .prepare_cached("INSERT INTO journal_personal(seq, salt, fields) VALUES (?1, ?2, ?3)")?
                .execute(params![stored.seq, personal.salt, personal.fields])?;
        }
        self.head = Some((stored.seq, stored.hash.clone()));
        self.appended.push(stored.clone());
        Ok(stored)
    }

    /// Commits the write and its entries. A write that journaled nothing is refused: every
    /// change to the database has an author and a trace.
    pub fn commit(self) -> Result<Vec<StoredEntry>, StoreError> {
        if self.appended.is_empty() {
            return Err(StoreError::Internal("a write without a journal entry was refused".into()));
        }
        let Write { tx, appended, bulk, vouched, .. } = self;
        let checked = match &bulk {
            Some((tables, _)) => foreign_keys_hold(&tx, tables, &vouched),
            None => Ok(()),
        };
        // The transaction ends (committed, or rolled back on drop) before the guard turns
        // enforcement back on: SQLite ignores the setting inside a transaction.
        let committed = checked.and_then(|()| tx.commit().map_err(StoreError::from));
        drop(bulk);
        committed.map(|()| appended)
    }

    /// In a bulk write, says what a row just inserted into `table` refers to: every reference
    /// column of the table with the value bound to it (`None` for a null). The check before the
    /// commit then looks each distinct value up in its parent instead of reading the new rows
    /// back (on a million inspections, 1.5 s of 16). Outside a bulk write it does nothing.
    pub fn vouch_row(&mut self, table: &'static str, references: &[(&'static str, Option<Reference>)]) {
        if self.bulk.is_none() {
            return;
        }
        let (count, columns) = self.vouched.rows.entry(table).or_insert_with(|| (0, Vec::new()));
        *count += 1;
        if columns.is_empty() {
            columns.extend(references.iter().map(|(c, _)| *c));
        } else if columns.len() != references.len() || !references.iter().zip(columns.iter()).all(|((c, _), k)| c == k)
        {
            // Another shape of call: never trust this table's vouching (its rows are read back).
            *count = u64::MAX;
        }
        for (column, value) in references {
            if let Some(value) = value {
                self.vouched.values.entry((table, column)).or_default().insert(value.clone());
            }
        }
    }

    /// Sets one value of the settings table (journal it with `Entry::SettingChanged`).
    pub fn set_setting(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT INTO settings(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }

    /// The last journaled state of a table, or an empty one.
    pub fn table_state(&self, table: &str) -> Result<TableDigest, StoreError> {
        Ok(last_table_states(&self.tx)?
            .into_iter()
            .find(|t| t.table == table)
            .and_then(|t| TableDigest::parse(&t.digest))
            .unwrap_or_default())
    }
}

/// Refuses a bulk write whose new rows refer to rows that do not exist, naming the first. The
/// references the writer vouched for every new row of a table are looked up once per distinct
/// value; the others are checked by reading the new rows back.
fn foreign_keys_hold(tx: &Transaction<'_>, tables: &[NewRows], vouched: &Vouched) -> Result<(), StoreError> {
    for NewRows { table, key, after } in tables {
        let references: Vec<(String, String, Option<String>)> = tx
            .prepare(r#"SELECT "from", "table", "to" FROM pragma_foreign_key_list(?1)"#)?
            .query_map([table], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?;
        if references.is_empty() {
            continue;
        }
        // The writer's word for the new rows, taken only when it vouched for every one of them.
        let added: i64 =
            tx.query_row(&format!("SELECT count(*) FROM {table} WHERE {key} > ?1"), [after], |r| r.get(0))?;
        let named: &[&str] = match vouched.rows.get(table) {
            Some((count, columns)) if i64::try_from(*count).ok() == Some(added) => columns,
            _ => &[],
        };
        let mut scanned = Vec::new();
        for (column, parent, parent_column) in &references {
            // Every reference in the schema names its parent column; one that did not would
            // point at the parent's primary key, its rowid in every table referred to here.
            let parent_column = parent_column.as_deref().unwrap_or("rowid");
            if !named.contains(&column.as_str()) {
                scanned.push((column, parent, parent_column));
                continue;
            }
            let Some(values) = vouched.values.get(&(*table, column.as_str())) else { continue };
            let mut exists = tx.prepare(&format!("SELECT 1 FROM {parent} WHERE {parent_column} = ?1"))?;
            for value in values {
                let found = match value {
                    Reference::Id(id) => exists.exists([id])?,
                    Reference::Code(code) => exists.exists([code.as_ref()])?,
                };
                if !found {
                    return Err(StoreError::Internal(format!(
                        "a new row of {table} refers to a missing row of {parent} ({column} = {value:?}); nothing was written"
                    )));
                }
            }
        }
        if scanned.is_empty() {
            continue;
        }
        // One pass over the new rows for the references not vouched for: the new rows of a first
        // load are the whole table, read once instead of once per reference.
        let dangling: Vec<String> = scanned
            .iter()
            .map(|(column, parent, parent_column)| {
                format!("(c.{column} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {parent} p WHERE p.{parent_column} = c.{column}))")
            })
            .collect();
        let first_broken = |condition: &str| -> Result<Option<i64>, StoreError> {
            let sql = format!("SELECT c.{key} FROM {table} c WHERE c.{key} > ?1 AND ({condition}) LIMIT 1");
            Ok(tx.query_row(&sql, [after], |r| r.get(0)).optional()?)
        };
        if first_broken(&dangling.join(" OR "))?.is_some() {
            // Name the first reference that fails (read again, only on this rare path).
            for ((column, parent, _), condition) in scanned.iter().zip(&dangling) {
                if let Some(row) = first_broken(condition)? {
                    return Err(StoreError::Internal(format!(
                        "row {row} of {table} refers to a missing row of {parent} ({column}); nothing was written"
                    )));
                }
            }
        }
    }
    Ok(())
}

/// The last entry's sequence number and hash.
fn head(conn: &Connection) -> Result<Option<(i64, String)>, StoreError> {
    Ok(conn
        .query_row("SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// The canonical bytes of a row's values: a type tag and the value, length-prefixed, so that the
/// digest at write time and at verification agree and no two different rows encode alike.
pub fn canonical(values: &[ValueRef<'_>]) -> Vec<u8> {
    let mut out = Vec::new();
    write_canonical(values, &mut |bytes| out.extend_from_slice(bytes));
    out
}

/// Feeds the canonical bytes of `values` to `sink`, piece by piece (no buffer: imports hash a row
/// per insert on the writing thread, where an allocation per row shows).
fn write_canonical(values: &[ValueRef<'_>], sink: &mut dyn FnMut(&[u8])) {
    for value in values {
        match value {
            ValueRef::Null => sink(&[0]),
            ValueRef::Integer(i) => {
                sink(&[1]);
                sink(&i.to_le_bytes());
            }
            ValueRef::Real(f) => {
                sink(&[2]);
                sink(&f.to_le_bytes());
            }
            ValueRef::Text(t) | ValueRef::Blob(t) => {
                sink(&[3]);
                sink(&(t.len() as u64).to_le_bytes());
                sink(t);
            }
        }
    }
}

/// Digest of the rows a query returns, in its order.
fn rows_digest(conn: &Connection, sql: &str, key: &dyn rusqlite::ToSql) -> Result<Option<String>, StoreError> {
    let mut stmt = conn.prepare_cached(sql)?;
    let columns = stmt.column_count();
    let mut rows = stmt.query([key])?;
    let mut hasher = Sha256::new();
    let mut any = false;
    while let Some(row) = rows.next()? {
        any = true;
        let values: Vec<ValueRef<'_>> = (0..columns).map(|i| row.get_ref(i)).collect::<Result<_, _>>()?;
        hasher.update(canonical(&values));
    }
    Ok(any.then(|| hex::encode(hasher.finalize())))
}

/// The digest of a record's current state; `None` when the record does not exist.
pub fn record_digest(conn: &Connection, record: &RecordRef) -> Result<Option<String>, StoreError> {
    match record {
        RecordRef::Task(id) => {
            let Some(task) = rows_digest(
                conn,
                "SELECT kind, title, subject_id, appeal_id, assignee, unit, region_code, category, norm_id,
                        period_amount, period_unit, event_date, original_due, current_due, status, done_on, note
                 FROM tasks WHERE id = ?1",
                id,
            )?
            else {
                return Ok(None);
            };
            let suspensions = rows_digest(
                conn,
                "SELECT from_date, to_date FROM task_suspensions WHERE task_id = ?1 ORDER BY from_date, to_date",
                id,
            )?;
            let dependencies = rows_digest(
                conn,
                "SELECT depends_on FROM task_dependencies WHERE task_id = ?1 ORDER BY depends_on",
                id,
            )?;
            // Columns added later (migration 0035) join the digest only once they have a value,
            // so every task signed before them keeps the digest it was signed with.
            let law = conn.query_row(
                "SELECT norm_version, extension_decided, period_set_by_act FROM tasks WHERE id = ?1",
                [id],
                |r| Ok((r.get::<_, Option<String>>(0)?, r.get::<_, Option<String>>(1)?, r.get::<_, i64>(2)?)),
            )?;
            let mut h = Sha256::new();
            for part in [Some(task), suspensions, dependencies] {
                h.update(part.unwrap_or_default().as_bytes());
                h.update([0]);
            }
            if law != (None, None, 0) {
                h.update(b"law");
                for value in [law.0, law.1, Some(law.2.to_string())] {
                    h.update(value.unwrap_or_default().as_bytes());
                    h.update([0]);
                }
            }
            Ok(Some(hex::encode(h.finalize())))
        }
        RecordRef::Setting(key) => rows_digest(conn, "SELECT value FROM settings WHERE key = ?1", key),
        RecordRef::CalendarYear(year) => rows_digest(conn, "SELECT document FROM calendar_years WHERE year = ?1", year),
        // A catalogue the office sent also answers for who imported it there and when; one imported
        // here keeps the digest it had before the office's catalogues existed.
        RecordRef::NormCatalog(id) => rows_digest(
            conn,
            "SELECT document, source_file FROM norm_catalogs WHERE id = ?1 AND origin <> 'office'
             UNION ALL
             SELECT document, source_file || char(0) || origin || char(0) || coalesce(office_imported_by, '')
                    || char(0) || coalesce(office_imported_at, '')
             FROM norm_catalogs WHERE id = ?1 AND origin = 'office'",
            id,
        ),
        RecordRef::Norm(id) => rows_digest(
            conn,
            "SELECT version, document, origin FROM norm_versions WHERE norm_id = ?1 ORDER BY version DESC LIMIT 1",
            id,
        ),
        RecordRef::Import(id) => rows_digest(
            conn,
            "SELECT kind, file_name, sha256, size_bytes, format, source, started_at, finished_at, rows_read, inserted,
                    updated, unchanged, rejected, purpose, legal_basis, retention, roles, tool_version
             FROM imports WHERE id = ?1",
            id,
        ),
        RecordRef::Table(name) => Ok(Some(table_digest(conn, name)?.text())),
        RecordRef::Model(id) => rows_digest(
            conn,
            "SELECT kind, version, name, created_at, author, data_file, data_sha256, texts, classes, params, metrics,
                    temperature, c, char_weight, arrays_sha256, arrays FROM models WHERE id = ?1",
            id,
        ),
    }
}

/// The registry tables digested as a whole, with the columns that make a row's content: every
/// column but the provenance that an unchanged row's re-import touches (`last_import_id`,
/// `source_line`). Derived search indexes are not included.
pub const TABLES: &[(&str, &str)] = &[
    ("subjects", "SELECT id, bin, id_kind, name, kato, region_code, oked, oked_section, first_import_id FROM subjects"),
    ("control_bodies", "SELECT id, name FROM control_bodies"),
    (
        "inspections",
        "SELECT id, registry_no, subject_id, control_body_id, kind, grounds, start_date, end_date, kato, region_code,
                violations, sanctions, fine_tiyn, appealed, declared_illegal, row_hash, first_import_id, subject_size
         FROM inspections",
    ),
    (
        "appeals",
        "SELECT id, appeal_no, received, channel, applicant_category, applicant_pseudonym, subject_id, kato,
                region_code, text, text_fingerprint, category, status, decided, outcome, row_hash, first_import_id
         FROM appeals",
    ),
    (
        "risk_scores",
        "SELECT id, subject_id, model, computed, score, degree, row_hash, first_import_id FROM risk_scores",
    ),
    ("risk_factors", "SELECT risk_id, position, name, value FROM risk_factors"),
    (
        "appeal_decisions",
        "SELECT id, appeal_id, aspect, value, confidence, basis, inputs_sha256, explanation, decided_at, author, reason
         FROM appeal_decisions",
    ),
];

/// The select of one table's content columns.
pub fn table_select(table: &str) -> Option<&'static str> {
    TABLES.iter().find(|(name, _)| *name == table).map(|(_, sql)| *sql)
}

/// Columns added to a journaled table after databases were signed with it: `(table, position of
/// the first added column)`. An added column that is NULL is left out of a row's element, so every
/// row from before keeps the digest it was signed with; one that has a value is part of it (the
/// encoding is self-delimiting, so a row with it never reads as one without).
const ADDED_COLUMNS: &[(&str, usize)] = &[("inspections", 17)];

/// The element of one row of `table`, from its content columns in `TABLES` order.
pub fn row_element(table: &str, values: &[ValueRef<'_>]) -> [u8; 32] {
    let mut hasher = TableDigest::element_hasher(table);
    let mut values = values;
    if let Some(&(_, first_added)) = ADDED_COLUMNS.iter().find(|(t, _)| *t == table) {
        while values.len() > first_added && matches!(values.last(), Some(ValueRef::Null)) {
            values = &values[..values.len() - 1];
        }
    }
    write_canonical(values, &mut |bytes| hasher.update(bytes));
    hasher.finalize().into()
}

/// Recomputes a table's digest from its rows.
pub fn table_digest(conn: &Connection, table: &str) -> Result<TableDigest, StoreError> {
    let sql = table_select(table).ok_or_else(|| StoreError::Internal(format!("no journaled table '{table}'")))?;
    let mut stmt = conn.prepare(sql)?;
    let columns = stmt.column_count();
    let mut rows = stmt.query([])?;
    let mut digest = TableDigest::default();
    while let Some(row) = rows.next()? {
        let values: Vec<ValueRef<'_>> = (0..columns).map(|i| row.get_ref(i)).collect::<Result<_, _>>()?;
        digest.add(&row_element(table, &values));
    }
    Ok(digest)
}

/// The element of one row of `table` by its id (the first content column), or `None`.
pub fn row_element_by_id(
    conn: &Connection,
    table: &str,
    id_column: &str,
    id: i64,
) -> Result<Vec<[u8; 32]>, StoreError> {
    let sql = table_select(table).ok_or_else(|| StoreError::Internal(format!("no journaled table '{table}'")))?;
    let sql = format!("{sql} WHERE {id_column} = ?1");
    let mut stmt = conn.prepare_cached(&sql)?;
    let columns = stmt.column_count();
    let mut rows = stmt.query([id])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        let values: Vec<ValueRef<'_>> = (0..columns).map(|i| row.get_ref(i)).collect::<Result<_, _>>()?;
        out.push(row_element(table, &values));
    }
    Ok(out)
}

/// The tables' states as the journal last recorded them (by imports and baselines).
pub fn last_table_states(conn: &Connection) -> Result<Vec<TableState>, StoreError> {
    let mut states: Vec<TableState> = Vec::new();
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT payload FROM journal WHERE kind IN ({}) ORDER BY seq DESC",
        Entry::WITH_TABLES.map(|k| format!("'{k}'")).join(", ")
    ))?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let payload: String = row.get(0)?;
        let Ok(entry) = serde_json::from_str::<Entry>(&payload) else { continue };
        for t in entry.tables().unwrap_or_default() {
            if !states.iter().any(|s| s.table == t.table) {
                states.push(t.clone());
            }
        }
        if states.len() == TABLES.len() {
            break;
        }
    }
    Ok(states)
}

/// Which entries to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JournalFilter {
    pub subject_bin: Option<String>,
    pub task_id: Option<i64>,
    pub appeal_no: Option<String>,
    /// Only entries of this kind (`backup_made`).
    pub kind: Option<String>,
    pub limit: Option<usize>,
}

fn stored_entry(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredEntry> {
    Ok(StoredEntry {
        seq: r.get(0)?,
        at: r.get(1)?,
        person: r.get(2)?,
        face: r.get(3)?,
        kind: r.get(4)?,
        subject_bin: r.get(5)?,
        appeal_no: r.get(6)?,
        task_id: r.get(7)?,
        record: r.get(8)?,
        state_digest: r.get(9)?,
        old_due: r.get(10)?,
        new_due: r.get(11)?,
        detail: r.get(12)?,
        payload: r.get(13)?,
        prev_hash: r.get(14)?,
        hash: r.get(15)?,
        version: r.get(16)?,
        personal_digest: r.get(17)?,
        personal: match (r.get::<_, Option<String>>(18)?, r.get::<_, Option<String>>(19)?) {
            (Some(salt), Some(fields)) => Some(PersonalData { salt, fields }),
            _ => None,
        },
        redacted_by: r.get(20)?,
    })
}

/// The columns of an entry, its personal data and the act that cleared it (journal `j`,
/// personal data `p`, redactions `r`: see `ENTRY_FROM`).
const ENTRY_COLUMNS: &str = "j.seq, j.at, j.person, j.face, j.kind, j.subject_bin, j.appeal_no, j.task_id, j.record,
    j.state_digest, j.old_due, j.new_due, j.detail, j.payload, j.prev_hash, j.hash, j.version, j.personal_digest,
    p.salt, p.fields, r.act_number";

const ENTRY_FROM: &str = "journal j LEFT JOIN journal_personal p ON p.seq = j.seq
    LEFT JOIN journal_redactions r ON r.seq = j.seq";

impl Store {
    /// Entries matching the filter, oldest first (the newest `limit` when a limit is given).
    pub fn journal_entries(&self, filter: &JournalFilter) -> Result<Vec<StoredEntry>, StoreError> {
        let mut sql = format!("SELECT {ENTRY_COLUMNS} FROM {ENTRY_FROM} WHERE 1 = 1");
        let mut args: Vec<Box<dyn rusqlite::ToSql>> = Vec::new();
        if let Some(bin) = &filter.subject_bin {
            args.push(Box::new(bin.clone()));
            sql.push_str(&format!(
                " AND (j.subject_bin = ?{n} OR j.task_id IN (SELECT t.id FROM tasks t JOIN subjects s ON s.id = t.subject_id WHERE s.bin = ?{n}))",
                n = args.len()
            ));
        }
        if let Some(task) = filter.task_id {
            args.push(Box::new(task));
            sql.push_str(&format!(" AND j.task_id = ?{}", args.len()));
        }
        if let Some(no) = &filter.appeal_no {
            args.push(Box::new(no.clone()));
            sql.push_str(&format!(" AND j.appeal_no = ?{}", args.len()));
        }
        if let Some(kind) = &filter.kind {
            args.push(Box::new(kind.clone()));
            sql.push_str(&format!(" AND j.kind = ?{}", args.len()));
        }
        sql.push_str(" ORDER BY j.seq DESC");
        if let Some(limit) = filter.limit {
            sql.push_str(&format!(" LIMIT {}", limit.min(100_000)));
        }
        let refs: Vec<&dyn rusqlite::ToSql> = args.iter().map(|a| a.as_ref()).collect();
        let mut entries =
            self.conn.prepare(&sql)?.query_map(refs.as_slice(), stored_entry)?.collect::<Result<Vec<_>, _>>()?;
        entries.reverse();
        Ok(entries)
    }

    /// Calls `f` with every entry from `from_seq` on, in order, without holding them all.
    pub fn for_each_entry(
        &self,
        from_seq: i64,
        f: &mut dyn FnMut(StoredEntry) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let mut stmt =
            self.conn.prepare(&format!("SELECT {ENTRY_COLUMNS} FROM {ENTRY_FROM} WHERE j.seq >= ?1 ORDER BY j.seq"))?;
        let mut rows = stmt.query([from_seq])?;
        while let Some(row) = rows.next()? {
            f(stored_entry(row)?)?;
        }
        Ok(())
    }

    /// At most `limit` entries from `from_seq` on, in order (a sync push's batch).
    pub fn journal_batch(&self, from_seq: i64, limit: usize) -> Result<Vec<StoredEntry>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(&format!("SELECT {ENTRY_COLUMNS} FROM {ENTRY_FROM} WHERE j.seq >= ?1 ORDER BY j.seq LIMIT ?2"))?;
        let rows = stmt.query_map(rusqlite::params![from_seq, limit as i64], stored_entry)?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// The entry with this sequence number.
    pub fn journal_entry(&self, seq: i64) -> Result<Option<StoredEntry>, StoreError> {
        Ok(self
            .conn
            .query_row(&format!("SELECT {ENTRY_COLUMNS} FROM {ENTRY_FROM} WHERE j.seq = ?1"), [seq], stored_entry)
            .optional()?)
    }

    /// Begins a read that sees one state of the database until `end_read`, whatever other
    /// connections write meanwhile (verification reads entries and records in that one state).
    pub fn begin_read(&self) -> Result<(), StoreError> {
        self.conn.execute_batch("BEGIN DEFERRED; SELECT count(*) FROM journal;")?;
        Ok(())
    }

    pub fn end_read(&self) -> Result<(), StoreError> {
        self.conn.execute_batch("COMMIT")?;
        Ok(())
    }

    /// The number of entries and the last one's hash.
    pub fn journal_head(&self) -> Result<Option<(i64, String)>, StoreError> {
        head(&self.conn)
    }

    pub fn journal_len(&self) -> Result<i64, StoreError> {
        Ok(self.conn.query_row("SELECT count(*) FROM journal", [], |r| r.get(0))?)
    }

    /// Every record that exists now and should have a journal entry.
    pub fn existing_records(&self) -> Result<Vec<RecordRef>, StoreError> {
        let mut out = Vec::new();
        let ids = |sql: &str| -> Result<Vec<i64>, StoreError> {
            Ok(self.conn.prepare(sql)?.query_map([], |r| r.get(0))?.collect::<Result<Vec<i64>, _>>()?)
        };
        out.extend(ids("SELECT id FROM tasks ORDER BY id")?.into_iter().map(RecordRef::Task));
        out.extend(
            ids("SELECT id FROM imports WHERE finished_at IS NOT NULL ORDER BY id")?.into_iter().map(RecordRef::Import),
        );
        out.extend(ids("SELECT id FROM norm_catalogs ORDER BY id")?.into_iter().map(RecordRef::NormCatalog));
        out.extend(
            ids("SELECT year FROM calendar_years ORDER BY year")?
                .into_iter()
                .map(|y| RecordRef::CalendarYear(y as i32)),
        );
        let texts = |sql: &str| -> Result<Vec<String>, StoreError> {
            Ok(self.conn.prepare(sql)?.query_map([], |r| r.get(0))?.collect::<Result<Vec<String>, _>>()?)
        };
        out.extend(texts("SELECT key FROM settings ORDER BY key")?.into_iter().map(RecordRef::Setting));
        out.extend(
            texts("SELECT DISTINCT norm_id FROM norm_versions ORDER BY norm_id")?.into_iter().map(RecordRef::Norm),
        );
        Ok(out)
    }

    /// The digest of a record's current state.
    pub fn record_digest(&self, record: &RecordRef) -> Result<Option<String>, StoreError> {
        record_digest(&self.conn, record)
    }

    /// The tables' states as the journal last recorded them.
    pub fn journaled_tables(&self) -> Result<Vec<TableState>, StoreError> {
        last_table_states(&self.conn)
    }

    /// A table's digest recomputed from its rows.
    pub fn table_digest(&self, table: &str) -> Result<TableDigest, StoreError> {
        table_digest(&self.conn, table)
    }

    /// True while the database still has the task log of the time before the journal as a table.
    pub fn has_legacy_task_log(&self) -> Result<bool, StoreError> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM sqlite_master WHERE name = 'task_log' AND type = 'table'",
            [],
            |r| r.get::<_, i64>(0),
        )? > 0)
    }

    /// Starts the journal of a database: carries the old task log's lines over as entries, turns
    /// `task_log` into a view of the journal, and records a baseline of every record and table
    /// that exists, so later changes are compared with something. Runs once, in one write.
    pub fn start_journal(&mut self, stamp: Stamp) -> Result<Vec<StoredEntry>, StoreError> {
        let existing = self.existing_records()?;
        let legacy: Vec<Entry> = self
            .conn
            .prepare("SELECT task_id, at, action, old_due, new_due, detail FROM task_log ORDER BY id")?
            .query_map([], |r| {
                Ok(Entry::LegacyTaskLog {
                    task_id: r.get(0)?,
                    at: r.get(1)?,
                    action: r.get(2)?,
                    old_due: r.get(3)?,
                    new_due: r.get(4)?,
                    detail: r.get(5)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        let mut write = self.write(stamp)?;
        for entry in &legacy {
            write.append(entry, About::default(), None)?;
        }
        write.tx.execute_batch(
            "DROP TRIGGER task_log_no_update;
             DROP TRIGGER task_log_no_delete;
             DROP TABLE task_log;
             CREATE VIEW task_log AS
                 SELECT seq AS id, task_id, at, person, face,
                        CASE kind
                            WHEN 'task_created' THEN 'created'
                            WHEN 'task_extended' THEN 'extended'
                            WHEN 'task_suspended' THEN 'suspended'
                            WHEN 'task_noted' THEN 'note'
                            WHEN 'task_done' THEN 'done'
                            WHEN 'task_recomputed' THEN 'recomputed'
                            WHEN 'legacy_task_log' THEN json_extract(payload, '$.action')
                            ELSE kind
                        END AS action,
                        old_due, new_due, detail
                 FROM journal WHERE task_id IS NOT NULL;",
        )?;
        let tables = TABLES
            .iter()
            .map(|(name, _)| {
                Ok(TableState { table: name.to_string(), rows: 0, digest: table_digest(&write.tx, name)?.text() })
            })
            .collect::<Result<Vec<_>, StoreError>>()?
            .into_iter()
            .map(|mut t| {
                t.rows = TableDigest::parse(&t.digest).map_or(0, |d| d.rows);
                t
            })
            .collect();
        let note = "the journal begins: the state of the registry tables".to_string();
        write.append(&Entry::Baseline { note, tables }, About::default(), None)?;
        for record in existing {
            let entry =
                Entry::Baseline { note: format!("state of {} when the journal began", record.key()), tables: vec![] };
            write.append(&entry, About::default(), Some(record))?;
        }
        write.commit()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_added_column_left_null_keeps_a_rows_element_and_one_with_a_value_changes_it() {
        let base: Vec<ValueRef<'_>> = (0..17).map(ValueRef::Integer).collect();
        let mut with_null = base.clone();
        with_null.push(ValueRef::Null);
        let mut with_size = base.clone();
        with_size.push(ValueRef::Text(b"small"));
        assert_eq!(row_element("inspections", &base), row_element("inspections", &with_null));
        assert_ne!(row_element("inspections", &base), row_element("inspections", &with_size));
        // Only the added columns are dropped when NULL: a base column that is NULL still counts.
        let mut base_null = base.clone();
        base_null[16] = ValueRef::Null;
        assert_ne!(row_element("inspections", &base_null), row_element("inspections", &base_null[..16]));
        // Tables without added columns are unchanged.
        let mut appeals = base.clone();
        appeals.push(ValueRef::Null);
        assert_ne!(row_element("appeals", &base), row_element("appeals", &appeals));
    }
}
