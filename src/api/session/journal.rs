//! The journal's use cases: sealing the head after every write (a signed checkpoint beside the
//! database), verifying the whole journal (`ekn journal verify`), listing entries for an object or
//! a task (`ekn journal`, the case card's history), and starting a new checkpoint on purpose.
//!
//! Verification walks the chain once: it names the first entry whose sequence, link or content
//! is wrong; checks that the journal still extends the last signed checkpoint (a cut tail shows
//! there); recomputes the RFC 6962 root; and compares the current state of every journaled record
//! — tasks, settings, calendar years, norms, imports, and the registry tables as a whole — with
//! the digest of its last entry, naming each record changed, added or removed behind its back.

use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

use ed25519_dalek::SigningKey;
use serde::Serialize;

use crate::api::session::context::Context;
use crate::api::session::handles::{Journal, Read};
use crate::api::vault::{self, Access};
use crate::api::{ApiError, ErrorCode, Session};
use crate::domain::journal::{chain_hash, leaf_of, Checkpoint, Entry, RecordRef, StoredEntry, TableState, GENESIS};
use crate::domain::merkle::{self, Frontier};
use crate::store::journal::JournalFilter;
use crate::store::{seal, secret, About, Store};

/// What is wrong with the journal, one finding each.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum JournalProblem {
    /// The first entry that does not hold: a gap, a wrong link, or content that does not match
    /// its hash. Entries after it are not trusted.
    BrokenChain { seq: i64, reason: String },
    /// There is no checkpoint beside the database although the journal has entries.
    CheckpointMissing { entries: i64 },
    /// The checkpoint file is damaged, or signed by another key, or its signature fails.
    CheckpointInvalid { reason: String },
    /// The journal is shorter than the signed checkpoint: entries were cut from its end, or the
    /// database lost its last writes (a crash before they reached the disk, a deleted
    /// write-ahead log, an older copy put back) — the checkpoint cannot tell which.
    TailCut { checkpoint_size: u64, entries: i64 },
    /// The entry the checkpoint signed is no longer the one in the journal.
    CheckpointNotExtended { size: u64, reason: String },
    /// A record's current state differs from the digest of its last entry.
    RecordChanged { record: String, seq: i64 },
    /// A record the journal knows is gone.
    RecordMissing { record: String, seq: i64 },
    /// A record exists that no entry ever recorded.
    RecordNotJournaled { record: String },
    /// A registry table's rows differ from the state its last import recorded.
    TableChanged { table: String, journaled_rows: u64, rows: u64, seq: i64 },
    /// A v2 entry's personal data does not match the salted digest its chain hash covers.
    PersonalDataChanged { seq: i64 },
    /// A v2 entry's personal data is gone, and no destruction act in the journal cleared it.
    PersonalDataRemoved { seq: i64 },
}

impl JournalProblem {
    pub fn text(&self) -> String {
        match self {
            JournalProblem::BrokenChain { seq, reason } => format!("entry {seq}: {reason}"),
            JournalProblem::CheckpointMissing { entries } => {
                format!("no signed checkpoint beside the database, although the journal has {entries} entries")
            }
            JournalProblem::CheckpointInvalid { reason } => format!("the checkpoint is not valid: {reason}"),
            JournalProblem::TailCut { checkpoint_size, entries } => format!(
                "the journal has {entries} entries but the signed checkpoint covers {checkpoint_size}: the last {} are \
                 missing. Either they were removed from its end, or the database lost its last writes (a crash or power \
                 cut before they reached the disk, a deleted write-ahead log, an older copy put back). Before writing \
                 anything more, compare with the last backup (`ekn restore FILE --to NEW.db`, then `ekn journal verify` \
                 on it); once you know which, `ekn journal seal --reason …` starts a new checkpoint",
                (*checkpoint_size as i64 - entries).max(0)
            ),
            JournalProblem::CheckpointNotExtended { size, reason } => {
                format!("the journal does not extend the signed checkpoint of {size} entries: {reason}")
            }
            JournalProblem::RecordChanged { record, seq } => {
                format!("{record} was changed behind the journal's back (its last entry is {seq})")
            }
            JournalProblem::RecordMissing { record, seq } => {
                format!("{record} was removed behind the journal's back (its last entry is {seq})")
            }
            JournalProblem::RecordNotJournaled { record } => format!("{record} exists but no entry records it"),
            JournalProblem::TableChanged { table, journaled_rows, rows, seq } => format!(
                "table {table} was changed behind the journal's back: {rows} rows, {journaled_rows} recorded by entry {seq}"
            ),
            JournalProblem::PersonalDataChanged { seq } => {
                format!("entry {seq}: its personal data does not match the digest in the chain (it was edited)")
            }
            JournalProblem::PersonalDataRemoved { seq } => {
                format!("entry {seq}: its personal data was removed, and no destruction act in the journal cleared it")
            }
        }
    }
}

/// The checkpoint as verification saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct CheckpointView {
    pub size: u64,
    pub at: String,
    pub merkle_root: String,
    pub public_key: String,
}

/// What `ekn journal verify` found.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct JournalVerification {
    pub ok: bool,
    pub entries: i64,
    pub head_hash: Option<String>,
    /// The RFC 6962 root over every entry (meaningful when the chain holds).
    pub merkle_root: String,
    pub checkpoint: Option<CheckpointView>,
    pub records_checked: usize,
    pub tables_checked: usize,
    /// Entries whose personal data a destruction act lawfully cleared, per act.
    pub redactions: Vec<RedactionView>,
    pub problems: Vec<JournalProblem>,
    pub seconds: f64,
}

/// The entries one destruction act cleared, as verification found them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct RedactionView {
    pub act_number: String,
    /// The act's own entry.
    pub seq: i64,
    pub entries: usize,
}

/// One entry as the faces show it: the stored fields with the typed entry parsed.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct JournalLine {
    pub seq: i64,
    pub at: String,
    pub person: String,
    pub face: String,
    pub kind: String,
    pub subject_bin: Option<String>,
    pub appeal_no: Option<String>,
    pub task_id: Option<i64>,
    pub record: Option<String>,
    pub detail: String,
    pub entry: Option<Entry>,
    /// The destruction act that cleared the entry's personal data.
    pub redacted_by: Option<String>,
    pub hash: String,
}

impl From<StoredEntry> for JournalLine {
    fn from(e: StoredEntry) -> JournalLine {
        let (detail, entry) = e.shown();
        JournalLine {
            entry,
            seq: e.seq,
            at: e.at,
            person: e.person,
            face: e.face,
            kind: e.kind,
            subject_bin: e.subject_bin,
            appeal_no: e.appeal_no,
            task_id: e.task_id,
            record: e.record,
            detail,
            redacted_by: e.redacted_by,
            hash: e.hash,
        }
    }
}

/// Which entries `ekn journal` lists.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct JournalQuery {
    pub object: Option<String>,
    pub task: Option<i64>,
    pub appeal: Option<String>,
    /// The newest this many (at most 10,000; default 200).
    pub limit: Option<u32>,
}

fn signing_key(db: &Path) -> Result<SigningKey, ApiError> {
    Ok(SigningKey::from_bytes(&secret::load(db, secret::KeyFile::Signing)?))
}

/// Reads and checks the checkpoint beside `db`: `Ok(None)` when there is none.
pub(in crate::api) fn read_checkpoint(
    db: &Path,
    key: &SigningKey,
) -> Result<Option<Result<Checkpoint, String>>, ApiError> {
    let Some(text) = seal::read_checkpoint(db)? else { return Ok(None) };
    let parsed = serde_json::from_str::<Checkpoint>(&text).map_err(|e| format!("not a checkpoint: {e}"));
    Ok(Some(parsed.and_then(|cp| cp.verify(&key.verifying_key()).map(|()| cp))))
}

/// Pushes the entries from `from` on into `frontier` and writes the signed checkpoint; nothing
/// when there are none.
fn write_checkpoint(
    store: &Store,
    db: &Path,
    signer: &SigningKey,
    at: &str,
    mut frontier: Frontier,
    from: i64,
) -> Result<(), ApiError> {
    let mut head = None;
    store.for_each_entry(from, &mut |e| {
        frontier.push(leaf_of(&e.hash));
        head = Some(e.hash);
        Ok(())
    })?;
    let Some(head) = head else { return Ok(()) };
    let checkpoint = Checkpoint::sign(signer, &frontier, &head, at);
    let text =
        serde_json::to_string_pretty(&checkpoint).map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
    seal::write_checkpoint(db, &text)?;
    Ok(())
}

/// Whether the journal in `store` still extends `checkpoint`: the entry it signed is there.
fn extends(store: &Store, checkpoint: &Checkpoint) -> Result<Result<(), JournalProblem>, ApiError> {
    if checkpoint.size == 0 {
        return Ok(Ok(()));
    }
    let entries = store.journal_len()?;
    if (entries as u64) < checkpoint.size {
        return Ok(Err(JournalProblem::TailCut { checkpoint_size: checkpoint.size, entries }));
    }
    Ok(match store.journal_entry(checkpoint.size as i64)? {
        Some(e) if e.hash == checkpoint.head_hash => Ok(()),
        Some(_) => Err(JournalProblem::CheckpointNotExtended {
            size: checkpoint.size,
            reason: format!("entry {} is not the one that was signed", checkpoint.size),
        }),
        None => Err(JournalProblem::CheckpointNotExtended {
            size: checkpoint.size,
            reason: format!("entry {} is missing", checkpoint.size),
        }),
    })
}

impl Journal<'_> {
    /// Extends the signed checkpoint over the entries committed since it — by this session or
    /// by any other program on the database. `first_new` is the first entry of the write just
    /// committed: a checkpoint is created from nothing only when that write began the journal,
    /// and one that does not verify or that the journal no longer extends is never overwritten —
    /// it is the evidence; `journal verify` reports it, and `ekn journal seal --reason` starts a
    /// new one on a person's decision.
    ///
    /// Sealed under the database's write lock, after the commit: two programs sealing at once
    /// would otherwise each read the old checkpoint and write their own, and the later one could
    /// take back what the earlier signed. Under the lock the checkpoint is read, extended to the
    /// journal's committed end, and replaced, so it only grows and never covers an entry that is
    /// not committed (and, with `synchronous = FULL`, on disk). When another program holds the
    /// lock past the wait (a long import), the write stands as committed and answered, and the
    /// next seal — this program's or that one's — covers it.
    pub(in crate::api) fn seal(&mut self, first_new: i64) -> Result<(), ApiError> {
        let stamp = self.context.clock.stamp();
        let (path, signer) = (self.path, self.signer);
        let sealed = self.store.under_write_lock(|store| {
            let (frontier, from) = match read_checkpoint(path, signer)? {
                None if first_new <= 1 => (Frontier::default(), 1),
                None => {
                    tracing::warn!(target: "ekn::journal", "no checkpoint beside the database; not creating one over an existing journal");
                    return Ok(());
                }
                Some(Err(reason)) => {
                    tracing::warn!(target: "ekn::journal", %reason, "the checkpoint does not verify; left as it is");
                    return Ok(());
                }
                Some(Ok(checkpoint)) => {
                    if let Err(problem) = extends(store, &checkpoint)? {
                        tracing::warn!(target: "ekn::journal", problem = %problem.text(), "the journal does not extend the checkpoint; left as it is");
                        return Ok(());
                    }
                    let frontier =
                        checkpoint.frontier().ok_or_else(|| ApiError::new(ErrorCode::Internal, "damaged frontier"))?;
                    (frontier, checkpoint.size as i64 + 1)
                }
            };
            write_checkpoint(store, path, signer, &stamp, frontier, from)
        });
        match sealed {
            Err(e) if e.code == ErrorCode::Busy => {
                tracing::warn!(target: "ekn::journal", "another program holds the database; the next write seals this one");
                Ok(())
            }
            other => other,
        }
    }
}

impl Session {
    /// Seals whatever the journal holds beyond the checkpoint (entries committed without sealing,
    /// as an encryption in place does in its copy).
    pub(in crate::api) fn seal_head(&mut self) -> Result<(), ApiError> {
        self.seal(i64::MAX)
    }

    /// Extends the signed checkpoint over the entries committed since `first_new` (`Journal::seal`).
    pub(in crate::api) fn seal(&mut self, first_new: i64) -> Result<(), ApiError> {
        self.kernel().journal().seal(first_new)
    }

    /// Starts a new checkpoint over the whole journal as it stands, on a person's decision and
    /// with their reason (journaled), when the old one is lost or no longer matches.
    pub fn reseal_journal(&mut self, reason: &str) -> Result<JournalVerification, ApiError> {
        if reason.trim().is_empty() {
            return Err(ApiError::new(ErrorCode::ReasonRequired, "starting a new checkpoint needs a reason"));
        }
        let previous = match read_checkpoint(&self.path, &self.keys.signer)? {
            Some(Ok(cp)) => Some((cp.size, cp.merkle_root)),
            _ => None,
        };
        let entry = Entry::CheckpointReset {
            reason: reason.trim().to_string(),
            previous_size: previous.as_ref().map(|p| p.0),
            previous_root: previous.map(|p| p.1),
        };
        let stamp = self.read().stamp()?;
        let mut write = self.store.write(stamp)?;
        write.append(&entry, About::default(), None)?;
        write.commit()?;
        let stamp = self.context.clock.stamp();
        let (path, signer) = (&self.path, &self.keys.signer);
        self.store.under_write_lock(|store| write_checkpoint(store, path, signer, &stamp, Frontier::default(), 1))?;
        verify_with(&self.path, &self.keys.access)
    }

    /// Walks this database's own journal (`verify`), with the access it was opened with.
    pub fn verify_journal(&self) -> Result<JournalVerification, ApiError> {
        verify_with(&self.path, self.keys.access())
    }

    /// Entries about an object, a task or an appeal, oldest first (the newest `limit`).
    pub fn journal(&self, query: &JournalQuery) -> Result<Vec<JournalLine>, ApiError> {
        self.read().journal_lines(query)
    }
}

impl Read<'_> {
    /// Entries about an object, a task or an appeal, oldest first (the newest `limit`); a
    /// colleague's task (a negative number) answers with its history as pulled from the office.
    pub(in crate::api) fn journal_lines(&self, query: &JournalQuery) -> Result<Vec<JournalLine>, ApiError> {
        if let Some(task) = query.task.filter(|t| *t < 0) {
            return self.colleague_task_journal(task, query.limit.unwrap_or(200).clamp(1, 10_000) as usize);
        }
        let filter = JournalFilter {
            subject_bin: query.object.as_ref().map(|b| b.trim().to_string()),
            task_id: query.task,
            appeal_no: query.appeal.clone(),
            kind: None,
            limit: Some(query.limit.unwrap_or(200).clamp(1, 10_000) as usize),
        };
        Ok(self.store().journal_entries(&filter)?.into_iter().map(JournalLine::from).collect())
    }
}

/// Walks the journal of the database at `db` and reports every problem (see the module doc).
/// Reads only: it opens the database itself and writes nothing.
/// An encrypted database needs the context's passphrase.
pub fn verify(db: &Path, context: &Context) -> Result<JournalVerification, ApiError> {
    verify_with(db, &vault::access(db, context)?)
}

/// `verify` with the access already worked out (a session's own).
pub(in crate::api) fn verify_with(db: &Path, access: &Access) -> Result<JournalVerification, ApiError> {
    let started = Instant::now();
    let (store, key) = match access {
        Access::Plain => (Store::open_existing(db)?, signing_key(db)?),
        Access::Encrypted(_) => {
            let (store, keys) = vault::open_store(db, access)?;
            (store, SigningKey::from_bytes(&keys.1))
        }
    };
    let mut problems = Vec::new();
    let mut frontier = Frontier::default();
    let mut expected = 1i64;
    let mut prev = GENESIS.to_string();
    let mut broken = false;
    let mut last_digest: HashMap<String, (i64, Option<String>)> = HashMap::new();
    let mut tables: HashMap<String, (i64, TableState)> = HashMap::new();
    let mut hashes_at: HashMap<i64, String> = HashMap::new();
    // v2 entries whose personal data is gone, and the entries each destruction act cleared.
    let mut missing_personal: Vec<i64> = Vec::new();
    let mut lawful: HashMap<i64, (String, i64)> = HashMap::new();
    let mut redactions: Vec<RedactionView> = Vec::new();
    // The checkpoint first, then one snapshot of the database: a write that commits meanwhile
    // seals after its commit, so the checkpoint read never covers more than the snapshot holds.
    let checkpoint = read_checkpoint(db, &key)?;
    store.begin_read()?;
    let signed_size = match &checkpoint {
        Some(Ok(cp)) => cp.size as i64,
        _ => 0,
    };
    store.for_each_entry(1, &mut |e| {
        if !broken {
            let reason = if e.seq != expected {
                Some(format!(
                    "the journal jumps from entry {} to {}: entries are missing or out of order",
                    expected - 1,
                    e.seq
                ))
            } else if e.prev_hash != prev {
                Some(format!("it does not follow entry {} (entries were removed, inserted or swapped)", expected - 1))
            } else if chain_hash(&e) != e.hash {
                Some("its content does not match its hash (it was edited)".to_string())
            } else {
                None
            };
            if let Some(reason) = reason {
                problems.push(JournalProblem::BrokenChain { seq: expected.min(e.seq), reason });
                broken = true;
            }
        }
        if e.seq == signed_size {
            hashes_at.insert(e.seq, e.hash.clone());
        }
        if e.version >= 2 {
            match (&e.personal_digest, &e.personal) {
                (Some(digest), Some(personal)) if *digest == personal.digest() => {}
                (Some(_), None) => missing_personal.push(e.seq),
                (None, None) => {}
                _ => problems.push(JournalProblem::PersonalDataChanged { seq: e.seq }),
            }
        } else if e.personal.is_some() {
            problems.push(JournalProblem::PersonalDataChanged { seq: e.seq });
        }
        if (e.kind == "retention_applied" || e.kind == "retention_received") && !broken {
            // An act applied here, or a colleague's act received through the office: either lists
            // the entries whose personal data it cleared, and only those may lack it.
            let act = match serde_json::from_str::<Entry>(&e.payload) {
                Ok(Entry::RetentionApplied { act_number, redacted_entries, .. }) => {
                    Some((act_number, redacted_entries))
                }
                Ok(Entry::RetentionReceived { act_number, redacted_entries, .. }) => {
                    Some((act_number, redacted_entries))
                }
                _ => None,
            };
            if let Some((act_number, redacted_entries)) = act {
                redactions.push(RedactionView { act_number: act_number.clone(), seq: e.seq, entries: 0 });
                for seq in redacted_entries.into_iter().filter(|s| *s < e.seq) {
                    lawful.insert(seq, (act_number.clone(), e.seq));
                }
            }
        }
        frontier.push(leaf_of(&e.hash));
        if let Some(record) = &e.record {
            last_digest.insert(record.clone(), (e.seq, e.state_digest.clone()));
        }
        if Entry::WITH_TABLES.contains(&e.kind.as_str()) {
            if let Ok(entry) = serde_json::from_str::<Entry>(&e.payload) {
                for state in entry.tables().unwrap_or_default() {
                    tables.insert(state.table.clone(), (e.seq, state.clone()));
                }
            }
        }
        prev = e.hash.clone();
        expected += 1;
        Ok(())
    })?;
    let entries = expected - 1;
    let head_hash = (entries > 0).then(|| prev.clone());
    for seq in missing_personal {
        match lawful.get(&seq) {
            Some((_, act_seq)) => {
                if let Some(r) = redactions.iter_mut().find(|r| r.seq == *act_seq) {
                    r.entries += 1;
                }
            }
            None => problems.push(JournalProblem::PersonalDataRemoved { seq }),
        }
    }

    let checkpoint_view = match checkpoint {
        None => {
            if entries > 0 {
                problems.push(JournalProblem::CheckpointMissing { entries });
            }
            None
        }
        Some(Err(reason)) => {
            problems.push(JournalProblem::CheckpointInvalid { reason });
            None
        }
        Some(Ok(cp)) => {
            if (entries as u64) < cp.size {
                problems.push(JournalProblem::TailCut { checkpoint_size: cp.size, entries });
            } else if cp.size > 0 && hashes_at.get(&(cp.size as i64)) != Some(&cp.head_hash) {
                problems.push(JournalProblem::CheckpointNotExtended {
                    size: cp.size,
                    reason: format!("entry {} is not the one that was signed", cp.size),
                });
            }
            Some(CheckpointView { size: cp.size, at: cp.at, merkle_root: cp.merkle_root, public_key: cp.public_key })
        }
    };

    // Every journaled record as it stands now, against its last entry's digest.
    let mut records_checked = 0;
    let mut keys: Vec<(&String, &(i64, Option<String>))> = last_digest.iter().collect();
    keys.sort_by_key(|(_, (seq, _))| *seq);
    for (key, (seq, digest)) in keys {
        let Some(record) = RecordRef::parse(key) else { continue };
        records_checked += 1;
        let now = store.record_digest(&record)?;
        match (now, digest.as_deref()) {
            (None, Some("absent")) | (None, None) => {}
            (None, Some(_)) => problems.push(JournalProblem::RecordMissing { record: key.clone(), seq: *seq }),
            (Some(now), Some(then)) if now == then => {}
            (Some(_), _) => problems.push(JournalProblem::RecordChanged { record: key.clone(), seq: *seq }),
        }
    }
    for record in store.existing_records()? {
        if !last_digest.contains_key(&record.key()) {
            problems.push(JournalProblem::RecordNotJournaled { record: record.key() });
        }
    }
    let mut tables_checked = 0;
    for (name, _) in crate::store::journal::TABLES {
        tables_checked += 1;
        let now = store.table_digest(name)?;
        match tables.get(*name) {
            Some((seq, state)) if state.digest != now.text() => problems.push(JournalProblem::TableChanged {
                table: name.to_string(),
                journaled_rows: state.rows,
                rows: now.rows,
                seq: *seq,
            }),
            None if now.rows > 0 => problems.push(JournalProblem::TableChanged {
                table: name.to_string(),
                journaled_rows: 0,
                rows: now.rows,
                seq: 0,
            }),
            _ => {}
        }
    }
    store.end_read()?;
    Ok(JournalVerification {
        ok: problems.is_empty(),
        entries,
        head_hash,
        merkle_root: merkle::to_hex(&frontier.root()),
        checkpoint: checkpoint_view,
        records_checked,
        tables_checked,
        redactions,
        problems,
        seconds: started.elapsed().as_secs_f64(),
    })
}
