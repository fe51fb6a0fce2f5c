//! Writing one import: a transaction that upserts registry rows by their natural keys.
//!
//! The whole import is one transaction, so a failed import leaves the database exactly as it was
//! (dropping the writer rolls back). Each row is looked up by its natural key (registry_no,
//! appeal_no, or BIN + model + date) and compared by a hash of its content, so re-importing a
//! file reports inserted / updated / unchanged instead of duplicating rows. Every row remembers
//! the import that first brought it, the last import that contained it, and its line there;
//! a row whose last import is the current one has appeared earlier in the same file.

use rusqlite::types::ValueRef;
use rusqlite::{params, OptionalExtension};
use sha2::{Digest, Sha256};

use super::journal::{row_element, row_element_by_id, About, Reference, Stamp, Write};
use super::{fold_for_search, Store, StoreError};
use crate::domain::ids::IdKind;
use crate::domain::journal::{Entry, LegalCardRecord, RecordRef, StoredEntry, TableDigest, TableState};
use crate::domain::records::{ActRecord, Appeal, Inspection, RiskScore, SubjectFacts};
use chrono::NaiveDate;

/// The tables an import writes rows into that refer to other rows: their references are checked
/// once, before the import commits (`Store::bulk_write`).
const WRITTEN_TABLES: &[&str] = &[
    "imports",
    "subjects",
    "control_bodies",
    "inspections",
    "appeals",
    "risk_scores",
    "risk_factors",
    "acts_issued",
    "act_outcomes",
    "journal",
];

const INSERT_INSPECTION: &str = "INSERT INTO inspections(registry_no, subject_id, control_body_id, kind, grounds,
        start_date, end_date, kato, region_code, violations, sanctions, fine_tiyn, appealed, declared_illegal,
        row_hash, first_import_id, last_import_id, source_line, subject_size)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?16, ?17, ?18)";

/// The digest an inspection is compared by on re-import. A function of the record alone, so the
/// parsing thread computes it and the writing thread, the import's bottleneck, does not.
pub fn inspection_hash(rec: &Inspection) -> i64 {
    let size = rec.subject_size.map(|s| s.code());
    let base: [&dyn HashPart; 12] = [
        &rec.subject.id.as_str(),
        &rec.control_body,
        &rec.kind.code(),
        &rec.grounds,
        &rec.start_date,
        &rec.end_date,
        &rec.subject.kato.as_ref().map(|k| &k.code),
        &rec.violations,
        &rec.sanctions,
        &rec.fine_tiyn,
        &rec.appealed,
        &rec.declared_illegal,
    ];
    // The size came later (migration 0028): a row without it hashes as it always did, so
    // re-importing an old export changes nothing.
    match &size {
        None => content_hash(&base),
        Some(code) => {
            let mut parts = base.to_vec();
            parts.push(code);
            content_hash(&parts)
        }
    }
}

/// The digest a subject's facts are compared by (name, KATO, OKED): computed on the parsing thread
/// for inspections, which carry them on every row.
pub fn subject_facts_hash(facts: &SubjectFacts) -> i64 {
    content_hash(&[&facts.name, &facts.kato.as_ref().map(|k| &k.code), &facts.oked.as_ref().map(|o| &o.code)])
}

/// The digest a risk score is compared by on re-import (see `inspection_hash`).
pub fn risk_hash(rec: &RiskScore) -> i64 {
    let names: Vec<&str> = rec.factors.iter().map(|(n, _)| n.as_str()).collect();
    let values: Vec<f64> = rec.factors.iter().map(|(_, v)| *v).collect();
    content_hash(&[&rec.score, &rec.degree.code(), &names, &values])
}

/// What is known about the file before its rows are read; written to the import log.
#[derive(Debug, Clone)]
pub struct ImportHeader {
    pub kind: &'static str,
    pub file_name: String,
    pub sha256: String,
    pub size_bytes: u64,
    pub format: String,
    pub source: String,
    pub purpose: String,
    pub legal_basis: String,
    pub retention: String,
    pub roles: String,
}

/// What one row did to the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upsert {
    Inserted,
    Updated,
    Unchanged,
    /// The same natural key already appeared in this file, on the given line.
    DuplicateInFile {
        first_line: u64,
    },
    /// The row cannot be stored as it stands (an act for an object the registry does not know):
    /// refused like a bad value, naming the field.
    Refused {
        field: &'static str,
        reason: &'static str,
    },
}

/// Counts written to the import log when the import finishes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct ImportTotals {
    pub rows_read: u64,
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub rejected: u64,
}

impl ImportTotals {
    pub fn count(&mut self, outcome: Upsert) {
        match outcome {
            Upsert::Inserted => self.inserted += 1,
            Upsert::Updated => self.updated += 1,
            Upsert::Unchanged => self.unchanged += 1,
            Upsert::DuplicateInFile { .. } | Upsert::Refused { .. } => self.rejected += 1,
        }
    }
}

/// An import in progress, inside the one write path. Call `finish` to journal and commit it;
/// drop it to roll everything back (its journal entry with it).
pub struct ImportWriter<'s> {
    write: Write<'s>,
    header: ImportHeader,
    import_id: i64,
    /// BIN → (row id, hash of name/KATO/OKED): most rows name a subject already seen.
    subjects: rustc_hash::FxHashMap<String, (i64, i64)>,
    control_bodies: rustc_hash::FxHashMap<String, i64>,
    /// The registry tables' digests, kept current row by row from the last journaled state.
    tables: Vec<(&'static str, TableDigest)>,
    /// On a first load (the inspections table empty at the start), the fingerprints of the
    /// registry numbers written so far; `None` otherwise.
    first_load_keys: Option<rustc_hash::FxHashSet<u64>>,
    /// Act numbers met in this file, with their lines (acts are matched by number).
    act_lines: rustc_hash::FxHashMap<String, u64>,
}

impl<'s> ImportWriter<'s> {
    pub fn begin(store: &'s mut Store, stamp: Stamp, header: &ImportHeader) -> Result<Self, StoreError> {
        let write = store.bulk_write(stamp, WRITTEN_TABLES)?;
        let mut tables = Vec::new();
        for (name, _) in super::journal::TABLES {
            tables.push((*name, write.table_state(name)?));
        }
        let tx = &write.tx;
        tx.execute(
            "INSERT INTO imports(kind, file_name, sha256, size_bytes, format, source, started_at,
                                 purpose, legal_basis, retention, roles, tool_version)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            params![
                header.kind,
                header.file_name,
                header.sha256,
                header.size_bytes as i64,
                header.format,
                header.source,
                write.stamp().at,
                header.purpose,
                header.legal_basis,
                header.retention,
                header.roles,
                env!("CARGO_PKG_VERSION"),
            ],
        )?;
        let import_id = tx.last_insert_rowid();
        let empty = !tx.query_row("SELECT EXISTS (SELECT 1 FROM inspections)", [], |r| r.get::<_, bool>(0))?;
        let first_load_keys = (empty && header.kind == "inspections").then(rustc_hash::FxHashSet::default);
        Ok(ImportWriter {
            first_load_keys,
            write,
            header: header.clone(),
            import_id,
            subjects: rustc_hash::FxHashMap::default(),
            control_bodies: rustc_hash::FxHashMap::default(),
            tables,
            act_lines: rustc_hash::FxHashMap::default(),
        })
    }

    fn digest(&mut self, table: &str) -> &mut TableDigest {
        &mut self.tables.iter_mut().find(|(name, _)| *name == table).expect("a journaled table").1
    }

    /// The elements of rows as they stand now, for a row about to change.
    fn elements(&self, table: &str, id_column: &str, id: i64) -> Result<Vec<[u8; 32]>, StoreError> {
        row_element_by_id(&self.write.tx, table, id_column, id)
    }

    fn forget(&mut self, table: &str, elements: &[[u8; 32]]) {
        let digest = self.digest(table);
        for e in elements {
            digest.remove(e);
        }
    }

    fn count(&mut self, table: &str, elements: &[[u8; 32]]) {
        let digest = self.digest(table);
        for e in elements {
            digest.add(e);
        }
    }

    pub fn import_id(&self) -> i64 {
        self.import_id
    }

    /// Records the totals, journals the import as one entry (the file, its digest, the counts,
    /// the legal card, and the tables' new state) and commits the whole import.
    pub fn finish(mut self, totals: &ImportTotals) -> Result<(i64, Vec<StoredEntry>), StoreError> {
        self.write.tx.execute(
            "UPDATE imports SET finished_at = ?2, rows_read = ?3, inserted = ?4, updated = ?5,
                                unchanged = ?6, rejected = ?7 WHERE id = ?1",
            params![
                self.import_id,
                self.write.stamp().at,
                totals.rows_read as i64,
                totals.inserted as i64,
                totals.updated as i64,
                totals.unchanged as i64,
                totals.rejected as i64
            ],
        )?;
        let h = &self.header;
        let entry = Entry::Import {
            import_id: self.import_id,
            data_kind: h.kind.to_string(),
            file: h.file_name.clone(),
            sha256: h.sha256.clone(),
            size_bytes: h.size_bytes,
            rows_read: totals.rows_read,
            inserted: totals.inserted,
            updated: totals.updated,
            unchanged: totals.unchanged,
            rejected: totals.rejected,
            legal_card: LegalCardRecord {
                source: h.source.clone(),
                purpose: h.purpose.clone(),
                legal_basis: h.legal_basis.clone(),
                retention: h.retention.clone(),
                roles: h.roles.clone(),
            },
            tables: self
                .tables
                .iter()
                .map(|(name, d)| TableState { table: name.to_string(), rows: d.rows, digest: d.text() })
                .collect(),
        };
        let record = RecordRef::Import(self.import_id);
        self.write.append(&entry, About::default(), Some(record))?;
        let entries = self.write.commit()?;
        Ok((self.import_id, entries))
    }

    /// Stores one inspection; `hash` is `inspection_hash(rec)`, computed on the parsing thread.
    /// `facts_hash` is `subject_facts_hash(&rec.subject)`, likewise.
    pub fn inspection(
        &mut self,
        rec: &Inspection,
        hash: i64,
        facts_hash: i64,
        line: u64,
    ) -> Result<Upsert, StoreError> {
        let subject_id = self.subject_hashed(&rec.subject, Some(facts_hash))?;
        let body_id = self.control_body(&rec.control_body)?;
        let kato = rec.subject.kato.as_ref();
        let import_id = self.import_id;
        let values = params![
            rec.registry_no,
            subject_id,
            body_id,
            rec.kind.code(),
            rec.grounds,
            rec.start_date.to_string(),
            rec.end_date.map(|d| d.to_string()),
            kato.map(|k| &k.code),
            kato.map(|k| k.region.code),
            rec.violations,
            rec.sanctions,
            rec.fine_tiyn,
            rec.appealed,
            rec.declared_illegal,
            hash,
            import_id,
            line as i64,
            rec.subject_size.map(|s| s.code()),
        ];
        // Into a table that was empty, a number not seen earlier in this file cannot be stored:
        // the lookup is skipped (a tenth of the writer's work on a first load). A number whose
        // fingerprint was seen is looked up, which tells a real repeat from a fingerprint clash.
        let unseen = self.first_load_keys.as_mut().is_some_and(|seen| seen.insert(fingerprint(&rec.registry_no)));
        let existing = if unseen {
            None
        } else {
            self.write
                .tx
                .prepare_cached(
                    "SELECT id, row_hash, last_import_id, source_line FROM inspections WHERE registry_no = ?1",
                )?
                .query_row([&rec.registry_no], existing_row)
                .optional()?
        };
        match self.classify(existing, hash)? {
            Change::New => {
                self.write.tx.prepare_cached(INSERT_INSPECTION)?.execute(values)?;
                // What it refers to, as bound above: checked value by value before the commit.
                self.write.vouch_row(
                    "inspections",
                    &[
                        ("subject_id", Some(Reference::Id(subject_id))),
                        ("control_body_id", Some(Reference::Id(body_id))),
                        ("kind", Some(Reference::Code(rec.kind.code().into()))),
                        ("region_code", kato.map(|k| Reference::Code(k.region.code.into()))),
                        ("first_import_id", Some(Reference::Id(import_id))),
                        ("last_import_id", Some(Reference::Id(import_id))),
                        ("subject_size", rec.subject_size.map(|s| Reference::Code(s.code().into()))),
                    ],
                );
                // The row's element from the values just written, in `journal::TABLES` order.
                let id = self.write.tx.last_insert_rowid();
                let (start, end) = (rec.start_date.to_string(), rec.end_date.map(|d| d.to_string()));
                let element = row_element(
                    "inspections",
                    &[
                        ValueRef::Integer(id),
                        text(&rec.registry_no),
                        ValueRef::Integer(subject_id),
                        ValueRef::Integer(body_id),
                        text(rec.kind.code()),
                        opt_text(rec.grounds.as_deref()),
                        text(&start),
                        opt_text(end.as_deref()),
                        opt_text(kato.map(|k| k.code.as_str())),
                        opt_text(kato.map(|k| k.region.code)),
                        ValueRef::Integer(i64::from(rec.violations)),
                        opt_text(rec.sanctions.as_deref()),
                        opt_int(rec.fine_tiyn),
                        opt_int(rec.appealed.map(i64::from)),
                        opt_int(rec.declared_illegal.map(i64::from)),
                        ValueRef::Integer(hash),
                        ValueRef::Integer(self.import_id),
                        opt_text(rec.subject_size.map(|s| s.code())),
                    ],
                );
                self.count("inspections", &[element]);
                Ok(Upsert::Inserted)
            }
            Change::Modified(id) => {
                let old = self.elements("inspections", "id", id)?;
                self.forget("inspections", &old);
                self.write
                    .tx
                    .prepare_cached(
                        "UPDATE inspections SET subject_id = ?2, control_body_id = ?3, kind = ?4, grounds = ?5,
                            start_date = ?6, end_date = ?7, kato = ?8, region_code = ?9, violations = ?10,
                            sanctions = ?11, fine_tiyn = ?12, appealed = ?13, declared_illegal = ?14,
                            row_hash = ?15, last_import_id = ?16, source_line = ?17, subject_size = ?18
                         WHERE registry_no = ?1",
                    )?
                    .execute(values)?;
                let new = self.elements("inspections", "id", id)?;
                self.count("inspections", &new);
                Ok(Upsert::Updated)
            }
            Change::Same(id) => self.touch("inspections", id, line),
            Change::Duplicate(first_line) => Ok(Upsert::DuplicateInFile { first_line }),
        }
    }

    pub fn appeal(&mut self, rec: &Appeal, line: u64) -> Result<Upsert, StoreError> {
        // An appeal a destruction act cleared comes back without its personal data, whatever the
        // file says: a re-import never undoes a lawful destruction.
        let cleared;
        let rec = if self
            .write
            .tx
            .prepare_cached("SELECT 1 FROM destroyed_records WHERE record_kind = 'appeal' AND record_key = ?1")?
            .exists([&rec.appeal_no])?
        {
            cleared = Appeal {
                text: None,
                applicant_pseudonym: None,
                applicant_office: None,
                masked: Vec::new(),
                text_simhash: None,
                ..rec.clone()
            };
            &cleared
        } else {
            rec
        };
        // The office-wide pseudonym joins the digest only when there is one, so a database that
        // has not joined an office digests its appeals as it always did (a re-import after an
        // upgrade changes nothing); one that has, re-importing an appeal from before it joined,
        // updates it with the pseudonym.
        let (subject, kato, outcome) = (
            rec.subject.as_ref().map(|s| s.as_str()),
            rec.kato.as_ref().map(|k| &k.code),
            rec.outcome.map(|o| o.code()),
        );
        let mut parts: Vec<&dyn HashPart> =
            vec![&rec.received, &rec.channel, &rec.applicant_category, &rec.applicant_pseudonym];
        if let Some(office) = &rec.applicant_office {
            parts.push(office);
        }
        parts.extend([&subject as &dyn HashPart, &kato, &rec.text, &rec.category, &rec.status, &rec.decided, &outcome]);
        let hash = content_hash(&parts);
        let existing = self
            .write
            .tx
            .prepare_cached("SELECT id, row_hash, last_import_id, source_line FROM appeals WHERE appeal_no = ?1")?
            .query_row([&rec.appeal_no], existing_row)
            .optional()?;
        let change = self.classify(existing, hash)?;
        let subject_id = match &rec.subject {
            Some(id) if matches!(change, Change::New | Change::Modified(_)) => {
                Some(self.subject(&SubjectFacts { id: id.clone(), name: None, kato: None, oked: None })?)
            }
            _ => None,
        };
        let fingerprint = rec.text.as_deref().map(text_fingerprint);
        // Kinds and rules only; not in the table digest (it describes the text, which is).
        let masked = (!rec.masked.is_empty()).then(|| serde_json::to_string(&rec.masked).unwrap_or_default());
        let import_id = self.import_id;
        let values = params![
            rec.appeal_no,
            rec.received.to_string(),
            rec.channel,
            rec.applicant_category,
            rec.applicant_pseudonym,
            subject_id,
            rec.kato.as_ref().map(|k| &k.code),
            rec.kato.as_ref().map(|k| k.region.code),
            rec.text,
            fingerprint,
            rec.category,
            rec.status,
            rec.decided.map(|d| d.to_string()),
            rec.outcome.map(|o| o.code()),
            hash,
            import_id,
            line as i64,
            masked,
            rec.text_simhash,
            rec.applicant_office,
        ];
        let row_id = match change {
            Change::New => {
                self.write
                    .tx
                    .prepare_cached(
                        "INSERT INTO appeals(appeal_no, received, channel, applicant_category, applicant_pseudonym,
                            subject_id, kato, region_code, text, text_fingerprint, category, status, decided, outcome,
                            row_hash, first_import_id, last_import_id, source_line, masked, text_simhash,
                            applicant_office)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?16, ?17, ?18, ?19,
                                 ?20)",
                    )?
                    .execute(values)?;
                self.write.tx.last_insert_rowid()
            }
            Change::Modified(id) => {
                let old = self.elements("appeals", "id", id)?;
                self.forget("appeals", &old);
                self.write
                    .tx
                    .prepare_cached(
                        "UPDATE appeals SET received = ?2, channel = ?3, applicant_category = ?4,
                            applicant_pseudonym = ?5, subject_id = ?6, kato = ?7, region_code = ?8, text = ?9,
                            text_fingerprint = ?10, category = ?11, status = ?12, decided = ?13, outcome = ?14,
                            row_hash = ?15, last_import_id = ?16, source_line = ?17, masked = ?18, text_simhash = ?19,
                            applicant_office = ?20
                         WHERE appeal_no = ?1",
                    )?
                    .execute(values)?;
                self.write.tx.prepare_cached("DELETE FROM appeals_fts WHERE rowid = ?1")?.execute([id])?;
                id
            }
            Change::Same(id) => return self.touch("appeals", id, line),
            Change::Duplicate(first_line) => return Ok(Upsert::DuplicateInFile { first_line }),
        };
        let new = if matches!(change, Change::New) {
            // The new row's element from the values just written, in `journal::TABLES` order.
            let (received, decided) = (rec.received.to_string(), rec.decided.map(|d| d.to_string()));
            vec![row_element(
                "appeals",
                &[
                    ValueRef::Integer(row_id),
                    text(&rec.appeal_no),
                    text(&received),
                    opt_text(rec.channel.as_deref()),
                    opt_text(rec.applicant_category.as_deref()),
                    opt_text(rec.applicant_pseudonym.as_deref()),
                    opt_int(subject_id),
                    opt_text(rec.kato.as_ref().map(|k| k.code.as_str())),
                    opt_text(rec.kato.as_ref().map(|k| k.region.code)),
                    opt_text(rec.text.as_deref()),
                    opt_int(fingerprint),
                    opt_text(rec.category.as_deref()),
                    opt_text(rec.status.as_deref()),
                    opt_text(decided.as_deref()),
                    opt_text(rec.outcome.map(|o| o.code())),
                    ValueRef::Integer(hash),
                    ValueRef::Integer(import_id),
                ],
            )]
        } else {
            // An update keeps the row's first import: read what was stored (updates are rare).
            self.elements("appeals", "id", row_id)?
        };
        self.count("appeals", &new);
        self.write.tx.prepare_cached("INSERT INTO appeals_fts(rowid, text, category) VALUES (?1, ?2, ?3)")?.execute(
            params![row_id, rec.text.as_deref().map(fold_for_search), rec.category.as_deref().map(fold_for_search)],
        )?;
        Ok(if matches!(change, Change::New) { Upsert::Inserted } else { Upsert::Updated })
    }

    /// Stores one risk score and its factors; `hash` is `risk_hash(rec)`.
    pub fn risk(&mut self, rec: &RiskScore, hash: i64, line: u64) -> Result<Upsert, StoreError> {
        let subject_id = self.subject(&SubjectFacts { id: rec.subject.clone(), name: None, kato: None, oked: None })?;
        let computed = rec.computed.to_string();
        let existing = self
            .write
            .tx
            .prepare_cached(
                "SELECT id, row_hash, last_import_id, source_line FROM risk_scores
                 WHERE subject_id = ?1 AND model = ?2 AND computed = ?3",
            )?
            .query_row(params![subject_id, rec.model, computed], existing_row)
            .optional()?;
        let change = self.classify(existing, hash)?;
        let inserted = matches!(change, Change::New);
        let row_id = match change {
            Change::New => {
                self.write
                    .tx
                    .prepare_cached(
                        "INSERT INTO risk_scores(subject_id, model, computed, score, degree, row_hash,
                            first_import_id, last_import_id, source_line)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8)",
                    )?
                    .execute(params![
                        subject_id,
                        rec.model,
                        computed,
                        rec.score,
                        rec.degree.code(),
                        hash,
                        self.import_id,
                        line as i64
                    ])?;
                self.write.tx.last_insert_rowid()
            }
            Change::Modified(id) => {
                let old = self.elements("risk_scores", "id", id)?;
                self.forget("risk_scores", &old);
                let old_factors = self.elements("risk_factors", "risk_id", id)?;
                self.forget("risk_factors", &old_factors);
                self.write
                    .tx
                    .prepare_cached(
                        "UPDATE risk_scores SET score = ?2, degree = ?3, row_hash = ?4, last_import_id = ?5,
                            source_line = ?6 WHERE id = ?1",
                    )?
                    .execute(params![id, rec.score, rec.degree.code(), hash, self.import_id, line as i64])?;
                self.write.tx.prepare_cached("DELETE FROM risk_factors WHERE risk_id = ?1")?.execute([id])?;
                id
            }
            Change::Same(id) => return self.touch("risk_scores", id, line),
            Change::Duplicate(first_line) => return Ok(Upsert::DuplicateInFile { first_line }),
        };
        let mut elements = if inserted {
            vec![row_element(
                "risk_scores",
                &[
                    ValueRef::Integer(row_id),
                    ValueRef::Integer(subject_id),
                    text(&rec.model),
                    text(&computed),
                    ValueRef::Real(rec.score),
                    text(rec.degree.code()),
                    ValueRef::Integer(hash),
                    ValueRef::Integer(self.import_id),
                ],
            )]
        } else {
            self.elements("risk_scores", "id", row_id)?
        };
        {
            let mut insert = self
                .write
                .tx
                .prepare_cached("INSERT INTO risk_factors(risk_id, position, name, value) VALUES (?1, ?2, ?3, ?4)")?;
            for (position, (name, value)) in rec.factors.iter().enumerate() {
                insert.execute(params![row_id, position as i64, name, value])?;
                elements.push(row_element(
                    "risk_factors",
                    &[
                        ValueRef::Integer(row_id),
                        ValueRef::Integer(position as i64),
                        text(name),
                        ValueRef::Real(*value),
                    ],
                ));
            }
        }
        let (score, factors) = elements.split_at(1);
        self.count("risk_scores", score);
        self.count("risk_factors", factors);
        Ok(if inserted { Upsert::Inserted } else { Upsert::Updated })
    }

    /// Stores one act of response from a registry's export, and its outcome when the export has
    /// one, each journaled (`act_issued`, `act_outcome`) by the person importing. An act is
    /// found again by its number: the same act with an outcome not yet recorded gains it
    /// (updated); the same act as recorded is unchanged; a number recorded for another object,
    /// kind or date is refused, since an act is never rewritten. `due` is the norm and the
    /// addressee's due date (`ingest::ActPeriods`), counted on the parsing thread.
    pub fn act(&mut self, rec: &ActRecord, due: Option<(&str, NaiveDate)>, line: u64) -> Result<Upsert, StoreError> {
        if let Some(&first_line) = self.act_lines.get(&rec.act_no) {
            return Ok(Upsert::DuplicateInFile { first_line });
        }
        self.act_lines.insert(rec.act_no.clone(), line);
        let bin = rec.bin.as_str();
        let subject_id: Option<i64> = self
            .write
            .tx
            .prepare_cached("SELECT id FROM subjects WHERE bin = ?1")?
            .query_row([bin], |r| r.get(0))
            .optional()?;
        let Some(subject_id) = subject_id else {
            return Ok(Upsert::Refused {
                field: "bin",
                reason: "no object with this BIN in the registry; import its inspections first",
            });
        };
        if let Some(registry_no) = &rec.registry_no {
            let of: Option<i64> = self
                .write
                .tx
                .prepare_cached("SELECT subject_id FROM inspections WHERE registry_no = ?1")?
                .query_row([registry_no], |r| r.get(0))
                .optional()?;
            match of {
                None => {
                    return Ok(Upsert::Refused { field: "registry_no", reason: "no inspection with this registry_no" })
                }
                Some(of) if of != subject_id => {
                    return Ok(Upsert::Refused {
                        field: "registry_no",
                        reason: "this inspection is of another object than the act's BIN",
                    })
                }
                Some(_) => {}
            }
        }
        let issued_on = rec.issued_on.to_string();
        let recorded: Vec<(i64, i64, String, String)> = self
            .write
            .tx
            .prepare_cached("SELECT id, subject_id, kind, issued_on FROM acts_issued WHERE number = ?1 ORDER BY id")?
            .query_map([&rec.act_no], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<Result<_, _>>()?;
        let same = recorded
            .iter()
            .find(|(_, subject, kind, on)| *subject == subject_id && kind == rec.kind.code() && *on == issued_on);
        let (act_id, inserted) = match (same, recorded.is_empty()) {
            (Some((id, ..)), _) => (*id, false),
            (None, false) => {
                return Ok(Upsert::Refused {
                    field: "act_no",
                    reason: "this act number is already recorded for another object, kind or date; acts are never \
                             rewritten, so correct the file or the number",
                })
            }
            (None, true) => {
                let act_id = self.write.insert_issued_act(&super::NewIssuedAct {
                    subject_id,
                    kind: rec.kind.code(),
                    number: Some(&rec.act_no),
                    issued_on: &issued_on,
                    addressee: rec.addressee.as_deref().unwrap_or(""),
                    requirements: &[],
                    norm_id: due.map(|(norm, _)| norm),
                    response_due: due.map(|(_, d)| d.to_string()).as_deref(),
                    control_task_id: None,
                    document: None,
                    category: rec.category.as_deref(),
                    trigger_registry_no: rec.registry_no.as_deref(),
                    import: Some((self.import_id, line)),
                    checklist_missing: None,
                    draft: None,
                })?;
                let entry = Entry::ActIssued {
                    act_id,
                    subject_bin: bin.to_string(),
                    act_kind: rec.kind.code().into(),
                    number: Some(rec.act_no.clone()),
                    issued_on: rec.issued_on,
                    addressee: rec.addressee.clone().unwrap_or_default(),
                    requirements: 0,
                    response_due: due.map(|(_, d)| d),
                    control_task_id: None,
                    missing: Vec::new(),
                    import_id: Some(self.import_id),
                    draft_seq: None,
                    category: rec.category.clone(),
                    trigger_registry_no: rec.registry_no.clone(),
                };
                self.write.append(&entry, About { subject_bin: Some(bin.to_string()), appeal_no: None }, None)?;
                (act_id, true)
            }
        };
        let mut outcome_added = false;
        if let Some((stage, result, on)) = rec.outcome {
            let on = on.to_string();
            let latest: Option<(String, String)> = self
                .write
                .tx
                .prepare_cached(
                    "SELECT result, on_date FROM act_outcomes WHERE act_id = ?1 AND stage = ?2 ORDER BY id DESC LIMIT 1",
                )?
                .query_row(params![act_id, stage.code()], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            if latest.as_ref().is_none_or(|(r, d)| r != result.code() || *d != on) {
                self.write.insert_act_outcome(&super::NewActOutcome {
                    act_id,
                    stage: stage.code(),
                    result: result.code(),
                    on: &on,
                    measures: Default::default(),
                    document: None,
                    source: "import",
                    import: Some((self.import_id, line)),
                    formal_defect: rec.formal_defect,
                })?;
                let entry = Entry::ActOutcome {
                    act_id,
                    subject_bin: bin.to_string(),
                    stage: stage.code().into(),
                    result: result.code().into(),
                    on: rec.outcome.map(|(_, _, d)| d).expect("matched above"),
                    measures: Default::default(),
                    document: None,
                    source: "import".into(),
                    import_id: Some(self.import_id),
                    formal_defect: rec.formal_defect,
                };
                self.write.append(&entry, About { subject_bin: Some(bin.to_string()), appeal_no: None }, None)?;
                outcome_added = true;
            }
        }
        Ok(match (inserted, outcome_added) {
            (true, _) => Upsert::Inserted,
            (false, true) => Upsert::Updated,
            (false, false) => Upsert::Unchanged,
        })
    }

    fn classify(&self, existing: Option<ExistingRow>, hash: i64) -> Result<Change, StoreError> {
        Ok(match existing {
            None => Change::New,
            Some(row) if row.last_import_id == self.import_id => Change::Duplicate(row.source_line),
            Some(row) if row.row_hash == hash => Change::Same(row.id),
            Some(row) => Change::Modified(row.id),
        })
    }

    /// An unchanged row still records that this import confirmed it, and where.
    fn touch(&self, table: &str, id: i64, line: u64) -> Result<Upsert, StoreError> {
        let sql = format!("UPDATE {table} SET last_import_id = ?2, source_line = ?3 WHERE id = ?1");
        self.write.tx.prepare_cached(&sql)?.execute(params![id, self.import_id, line as i64])?;
        Ok(Upsert::Unchanged)
    }

    /// The row id of a subject, creating it or refreshing its facts as needed. Facts a row leaves
    /// empty keep their stored values: an appeal that names only a BIN does not erase the name.
    fn subject(&mut self, facts: &SubjectFacts) -> Result<i64, StoreError> {
        self.subject_hashed(facts, None)
    }

    /// `subject`, with the facts' digest when the caller computed it already.
    fn subject_hashed(&mut self, facts: &SubjectFacts, facts_hash: Option<i64>) -> Result<i64, StoreError> {
        let bin = facts.id.as_str();
        let cached = match self.subjects.get(bin) {
            Some(&entry) => Some(entry),
            None => self
                .write
                .tx
                .prepare_cached("SELECT id, facts_hash FROM subjects WHERE bin = ?1")?
                .query_row([bin], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?,
        };
        let given = facts.name.is_some() || facts.kato.is_some() || facts.oked.is_some();
        let hash = facts_hash.unwrap_or_else(|| subject_facts_hash(facts));
        let id = match cached {
            Some((id, stored)) if !given || stored == hash => id,
            Some((id, _)) => {
                let old = self.elements("subjects", "id", id)?;
                self.forget("subjects", &old);
                self.write
                    .tx
                    .prepare_cached(
                        "UPDATE subjects SET name = coalesce(?2, name), kato = coalesce(?3, kato),
                            region_code = coalesce(?4, region_code), oked = coalesce(?5, oked),
                            oked_section = coalesce(?6, oked_section), facts_hash = ?7, last_import_id = ?8
                         WHERE id = ?1",
                    )?
                    .execute(params![
                        id,
                        facts.name,
                        facts.kato.as_ref().map(|k| &k.code),
                        facts.kato.as_ref().map(|k| k.region.code),
                        facts.oked.as_ref().map(|o| &o.code),
                        facts.oked.as_ref().map(|o| o.section.to_string()),
                        hash,
                        self.import_id
                    ])?;
                if facts.name.is_some() {
                    self.write.tx.prepare_cached("DELETE FROM subjects_fts WHERE rowid = ?1")?.execute([id])?;
                    self.index_subject_name(id, facts)?;
                }
                let new = self.elements("subjects", "id", id)?;
                self.count("subjects", &new);
                id
            }
            None => {
                let kind = match facts.id.kind() {
                    IdKind::Bin => "bin",
                    IdKind::Iin => "iin",
                };
                self.write
                    .tx
                    .prepare_cached(
                        "INSERT INTO subjects(bin, id_kind, name, kato, region_code, oked, oked_section, facts_hash,
                            first_import_id, last_import_id)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
                    )?
                    .execute(params![
                        bin,
                        kind,
                        facts.name,
                        facts.kato.as_ref().map(|k| &k.code),
                        facts.kato.as_ref().map(|k| k.region.code),
                        facts.oked.as_ref().map(|o| &o.code),
                        facts.oked.as_ref().map(|o| o.section.to_string()),
                        if given { hash } else { 0 },
                        self.import_id
                    ])?;
                let id = self.write.tx.last_insert_rowid();
                let import_id = self.import_id;
                self.write.vouch_row(
                    "subjects",
                    &[
                        ("id_kind", Some(Reference::Code(kind.into()))),
                        ("region_code", facts.kato.as_ref().map(|k| Reference::Code(k.region.code.into()))),
                        ("first_import_id", Some(Reference::Id(import_id))),
                        ("last_import_id", Some(Reference::Id(import_id))),
                    ],
                );
                self.index_subject_name(id, facts)?;
                let section = facts.oked.as_ref().map(|o| o.section.to_string());
                let element = row_element(
                    "subjects",
                    &[
                        ValueRef::Integer(id),
                        text(bin),
                        text(kind),
                        opt_text(facts.name.as_deref()),
                        opt_text(facts.kato.as_ref().map(|k| k.code.as_str())),
                        opt_text(facts.kato.as_ref().map(|k| k.region.code)),
                        opt_text(facts.oked.as_ref().map(|o| o.code.as_str())),
                        opt_text(section.as_deref()),
                        ValueRef::Integer(self.import_id),
                    ],
                );
                self.count("subjects", &[element]);
                id
            }
        };
        let stored_hash = if given { hash } else { cached.map_or(0, |(_, h)| h) };
        self.subjects.insert(bin.to_string(), (id, stored_hash));
        Ok(id)
    }

    fn index_subject_name(&self, id: i64, facts: &SubjectFacts) -> Result<(), StoreError> {
        if let Some(name) = &facts.name {
            self.write
                .tx
                .prepare_cached("INSERT INTO subjects_fts(rowid, name) VALUES (?1, ?2)")?
                .execute(params![id, fold_for_search(name)])?;
        }
        Ok(())
    }

    fn control_body(&mut self, name: &str) -> Result<i64, StoreError> {
        if let Some(&id) = self.control_bodies.get(name) {
            return Ok(id);
        }
        let inserted = self
            .write
            .tx
            .prepare_cached("INSERT INTO control_bodies(name) VALUES (?1) ON CONFLICT(name) DO NOTHING")?
            .execute([name])?;
        let id = self
            .write
            .tx
            .prepare_cached("SELECT id FROM control_bodies WHERE name = ?1")?
            .query_row([name], |r| r.get(0))?;
        if inserted > 0 {
            let element = row_element("control_bodies", &[ValueRef::Integer(id), text(name)]);
            self.count("control_bodies", &[element]);
        }
        self.control_bodies.insert(name.to_string(), id);
        Ok(id)
    }
}

struct ExistingRow {
    id: i64,
    row_hash: i64,
    last_import_id: i64,
    source_line: u64,
}

fn existing_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ExistingRow> {
    Ok(ExistingRow {
        id: r.get(0)?,
        row_hash: r.get(1)?,
        last_import_id: r.get(2)?,
        source_line: r.get::<_, i64>(3)? as u64,
    })
}

enum Change {
    New,
    Modified(i64),
    Same(i64),
    Duplicate(u64),
}

/// A stable 64-bit digest of a row's content (SHA-256, first 8 bytes): stable across builds and
/// platforms, unlike the standard library's hasher. Each part is written with its length, so
/// ("ab", "c") and ("a", "bc") differ, and `None` differs from an empty string.
fn content_hash(parts: &[&dyn HashPart]) -> i64 {
    let mut hasher = Sha256::new();
    for part in parts {
        part.feed(&mut hasher);
    }
    i64::from_le_bytes(hasher.finalize()[..8].try_into().expect("8 bytes"))
}

/// A value that can be fed to the row digest without formatting it.
trait HashPart {
    fn feed(&self, hasher: &mut Sha256);
}

impl HashPart for str {
    fn feed(&self, hasher: &mut Sha256) {
        hasher.update((self.len() as u64).to_le_bytes());
        hasher.update(self.as_bytes());
    }
}

impl HashPart for String {
    fn feed(&self, hasher: &mut Sha256) {
        self.as_str().feed(hasher);
    }
}

impl<T: HashPart + ?Sized> HashPart for &T {
    fn feed(&self, hasher: &mut Sha256) {
        (**self).feed(hasher);
    }
}

impl<T: HashPart> HashPart for Option<T> {
    fn feed(&self, hasher: &mut Sha256) {
        match self {
            Some(value) => {
                hasher.update([1]);
                value.feed(hasher);
            }
            None => hasher.update([0]),
        }
    }
}

impl<T: HashPart> HashPart for [T] {
    fn feed(&self, hasher: &mut Sha256) {
        hasher.update((self.len() as u64).to_le_bytes());
        for item in self {
            item.feed(hasher);
        }
    }
}

impl<T: HashPart> HashPart for Vec<T> {
    fn feed(&self, hasher: &mut Sha256) {
        self.as_slice().feed(hasher);
    }
}

macro_rules! hash_as_bytes {
    ($($t:ty),*) => {$(
        impl HashPart for $t {
            fn feed(&self, hasher: &mut Sha256) {
                hasher.update(self.to_le_bytes());
            }
        }
    )*};
}
hash_as_bytes!(i64, u32, f64);

impl HashPart for bool {
    fn feed(&self, hasher: &mut Sha256) {
        hasher.update([u8::from(*self)]);
    }
}

impl HashPart for chrono::NaiveDate {
    fn feed(&self, hasher: &mut Sha256) {
        hasher.update(chrono::Datelike::num_days_from_ce(self).to_le_bytes());
    }
}

/// A 64-bit fingerprint of a key, for telling keys apart in memory (equal keys, equal prints).
fn fingerprint(key: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = rustc_hash::FxHasher::default();
    key.hash(&mut hasher);
    hasher.finish()
}

/// Texts that differ only in case, ё/е or spacing count as the same text.
fn text_fingerprint(text: &str) -> i64 {
    let folded = fold_for_search(text);
    let normalised: Vec<&str> = folded.split_whitespace().collect();
    content_hash(&[&normalised.join(" ")])
}

fn text(value: &str) -> ValueRef<'_> {
    ValueRef::Text(value.as_bytes())
}

fn opt_text(value: Option<&str>) -> ValueRef<'_> {
    value.map_or(ValueRef::Null, text)
}

fn opt_int(value: Option<i64>) -> ValueRef<'static> {
    value.map_or(ValueRef::Null, ValueRef::Integer)
}
