//! The journal as values: who acted (`Actor`: a person and the face they came through), what an
//! entry concerns (`RecordRef`), the typed entries every write appends (`Entry`), how an entry
//! is hashed into the chain, and the signed checkpoint of the journal's head.
//!
//! An entry's hash covers every stored field and the previous entry's hash, so an edited,
//! deleted or reordered entry breaks the chain at that point. A checkpoint — the number of
//! entries, the last entry's hash and the RFC 6962 Merkle root, signed with ed25519 by a key that
//! lives outside the database — is what a cut tail cannot forge. Everything here is computation;
//! the store reads and writes, and keeps the key.//!
//! `entry` holds the typed entries, `chain` the stored form, its hashing and the checkpoint.

mod chain;
mod entry;

pub use chain::*;
pub use entry::*;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The face a write came through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Face {
    Cli,
    Desktop,
    Browser,
    /// An unattended import (a registry connector, a scheduled job).
    Import,
    /// The product itself: recomputations after a rule changed, housekeeping.
    System,
}

impl Face {
    pub fn code(self) -> &'static str {
        match self {
            Face::Cli => "cli",
            Face::Desktop => "desktop",
            Face::Browser => "browser",
            Face::Import => "import",
            Face::System => "system",
        }
    }

    pub fn from_code(code: &str) -> Option<Face> {
        [Face::Cli, Face::Desktop, Face::Browser, Face::Import, Face::System].into_iter().find(|f| f.code() == code)
    }
}

/// Who made a write: a person (their name as the office knows it) and the face they used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Actor {
    pub person: String,
    pub face: Face,
}

impl Actor {
    /// The product acting on its own (after a rule changed), on behalf of no one.
    pub fn system() -> Actor {
        Actor { person: "ЭКН".into(), face: Face::System }
    }
}

/// The record an entry concerns, whose new state the entry digests.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RecordRef {
    Task(i64),
    Setting(String),
    CalendarYear(i32),
    NormCatalog(i64),
    Norm(String),
    Import(i64),
    /// A registry table as a whole (inspections, appeals, risk_scores, subjects).
    Table(String),
    /// A model version.
    Model(i64),
}

impl RecordRef {
    /// The key written in the journal: `task:12`, `setting:ui.language`, `table:inspections`…
    pub fn key(&self) -> String {
        match self {
            RecordRef::Task(id) => format!("task:{id}"),
            RecordRef::Setting(key) => format!("setting:{key}"),
            RecordRef::CalendarYear(year) => format!("calendar:{year}"),
            RecordRef::NormCatalog(id) => format!("norm_catalog:{id}"),
            RecordRef::Norm(id) => format!("norm:{id}"),
            RecordRef::Import(id) => format!("import:{id}"),
            RecordRef::Table(name) => format!("table:{name}"),
            RecordRef::Model(id) => format!("model:{id}"),
        }
    }

    pub fn parse(key: &str) -> Option<RecordRef> {
        let (kind, rest) = key.split_once(':')?;
        Some(match kind {
            "task" => RecordRef::Task(rest.parse().ok()?),
            "setting" => RecordRef::Setting(rest.to_string()),
            "calendar" => RecordRef::CalendarYear(rest.parse().ok()?),
            "norm_catalog" => RecordRef::NormCatalog(rest.parse().ok()?),
            "norm" => RecordRef::Norm(rest.to_string()),
            "import" => RecordRef::Import(rest.parse().ok()?),
            "table" => RecordRef::Table(rest.to_string()),
            "model" => RecordRef::Model(rest.parse().ok()?),
            _ => return None,
        })
    }
}

/// The legal card of an imported data set, as the import entry records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct LegalCardRecord {
    pub source: String,
    pub purpose: String,
    pub legal_basis: String,
    pub retention: String,
    pub roles: String,
}

/// A registry table's state after an import: its rows and an order-free digest of their content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct TableState {
    pub table: String,
    pub rows: u64,
    pub digest: String,
}

/// An order-free digest of a table's rows: the count and the sum, modulo 2^256, of the SHA-256
/// of each row's content. A row added, removed or changed changes it; an import keeps it up to
/// date row by row (subtract the old content, add the new), and `journal verify` recomputes it
/// from the table, so a row edited, added or deleted behind the journal's back is caught.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TableDigest {
    pub rows: u64,
    sum: [u64; 4],
}

impl TableDigest {
    /// The element of one row: SHA-256 of the table's name and the row's canonical bytes.
    pub fn element(table: &str, canonical_row: &[u8]) -> [u8; 32] {
        let mut h = Self::element_hasher(table);
        h.update(canonical_row);
        h.finalize().into()
    }

    /// The hasher of an element with the table's name already fed, for callers that stream the row.
    pub fn element_hasher(table: &str) -> Sha256 {
        let mut h = Sha256::new();
        h.update((table.len() as u64).to_le_bytes());
        h.update(table.as_bytes());
        h
    }

    pub fn add(&mut self, element: &[u8; 32]) {
        self.rows += 1;
        let mut carry = 0u128;
        for (i, limb) in self.sum.iter_mut().enumerate() {
            let part = u64::from_le_bytes(element[i * 8..i * 8 + 8].try_into().expect("8 bytes"));
            let total = u128::from(*limb) + u128::from(part) + carry;
            *limb = total as u64;
            carry = total >> 64;
        }
    }

    pub fn remove(&mut self, element: &[u8; 32]) {
        self.rows = self.rows.saturating_sub(1);
        let mut borrow = 0i128;
        for (i, limb) in self.sum.iter_mut().enumerate() {
            let part = u64::from_le_bytes(element[i * 8..i * 8 + 8].try_into().expect("8 bytes"));
            let total = i128::from(*limb) - i128::from(part) - borrow;
            if total < 0 {
                *limb = (total + (1i128 << 64)) as u64;
                borrow = 1;
            } else {
                *limb = total as u64;
                borrow = 0;
            }
        }
    }

    /// `rows:N sum:HEX`, as stored in a journal entry.
    pub fn text(&self) -> String {
        let bytes: Vec<u8> = self.sum.iter().flat_map(|l| l.to_le_bytes()).collect();
        format!("rows:{} sum:{}", self.rows, hex::encode(bytes))
    }

    pub fn parse(text: &str) -> Option<TableDigest> {
        let (rows, sum) = text.strip_prefix("rows:")?.split_once(" sum:")?;
        let bytes = hex::decode(sum).ok()?;
        if bytes.len() != 32 {
            return None;
        }
        let mut limbs = [0u64; 4];
        for (i, limb) in limbs.iter_mut().enumerate() {
            *limb = u64::from_le_bytes(bytes[i * 8..i * 8 + 8].try_into().ok()?);
        }
        Some(TableDigest { rows: rows.parse().ok()?, sum: limbs })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::merkle::Frontier;
    use ed25519_dalek::SigningKey;

    fn entry(seq: i64, prev: &str) -> StoredEntry {
        let mut e = StoredEntry {
            seq,
            at: "2026-11-21T10:00:00Z".into(),
            person: "Ахметова А.".into(),
            face: "cli".into(),
            kind: "task_noted".into(),
            subject_bin: None,
            appeal_no: None,
            task_id: Some(1),
            record: Some("task:1".into()),
            state_digest: Some("ab".into()),
            old_due: None,
            new_due: None,
            detail: "note".into(),
            payload: "{}".into(),
            version: 1,
            personal_digest: None,
            prev_hash: prev.into(),
            hash: String::new(),
            personal: None,
            redacted_by: None,
        };
        e.hash = chain_hash(&e);
        e
    }

    #[test]
    fn every_field_is_in_the_hash() {
        let base = entry(1, GENESIS);
        let mut edited = base.clone();
        edited.detail = "other".into();
        assert_ne!(chain_hash(&edited), base.hash);
        let mut moved = base.clone();
        moved.seq = 2;
        assert_ne!(chain_hash(&moved), base.hash);
        // No field can be shifted into its neighbour.
        let mut a = base.clone();
        a.person = "ab".into();
        a.face = "c".into();
        let mut b = base.clone();
        b.person = "a".into();
        b.face = "bc".into();
        assert_ne!(chain_hash(&a), chain_hash(&b));
    }

    #[test]
    fn a_v1_entry_hashes_as_before_journal_v2_and_a_v2_entry_commits_to_its_personal_data() {
        // The hash of this entry by the algorithm before v2, computed independently (Python).
        let v1 = entry(1, GENESIS);
        assert_eq!(v1.hash, "d05d74df1a8a3329b883ec7a35d95905339081a2b2a0267c15666885022b77ab");
        let note = Entry::TaskNoted { task_id: 1, note: "звонила Қуанышбекова".into() };
        let (payload, detail, fields) = split_personal(&note).unwrap();
        assert!(!payload.contains("Қуанышбекова") && !detail.contains("Қуанышбекова"));
        let personal = PersonalData { salt: "00ff".into(), fields: fields.unwrap() };
        let mut v2 = StoredEntry {
            version: 2,
            personal_digest: Some(personal.digest()),
            detail,
            payload,
            personal: Some(personal.clone()),
            ..v1.clone()
        };
        v2.hash = chain_hash(&v2);
        assert_ne!(v2.hash, v1.hash);
        assert_eq!(v2.shown().1, Some(note), "the entry reads back whole while its data exists");
        // Clearing the data keeps the hash; changing its digest does not.
        let cleared = StoredEntry { personal: None, redacted_by: Some("7".into()), ..v2.clone() };
        assert_eq!(chain_hash(&cleared), v2.hash);
        assert!(cleared.shown().0.contains("destroyed by act 7"));
        let other = PersonalData { salt: "00fe".into(), ..personal };
        assert_ne!(chain_hash(&StoredEntry { personal_digest: Some(other.digest()), ..v2.clone() }), v2.hash);
    }

    #[test]
    fn a_checkpoint_verifies_with_its_key_only() {
        let key = SigningKey::from_bytes(&[7u8; 32]);
        let mut frontier = Frontier::default();
        let first = entry(1, GENESIS);
        frontier.push(leaf_of(&first.hash));
        let checkpoint = Checkpoint::sign(&key, &frontier, &first.hash, "2026-11-21T10:00:00Z");
        assert_eq!(checkpoint.verify(&key.verifying_key()), Ok(()));
        let other = SigningKey::from_bytes(&[8u8; 32]);
        assert!(checkpoint.verify(&other.verifying_key()).is_err());
        let mut forged = checkpoint.clone();
        forged.size = 0;
        assert!(forged.verify(&key.verifying_key()).is_err());
    }

    #[test]
    fn a_table_digest_forgets_a_removed_row_and_notices_a_changed_one() {
        let a = TableDigest::element("t", b"row a");
        let b = TableDigest::element("t", b"row b");
        let mut digest = TableDigest::default();
        digest.add(&a);
        let only_a = digest;
        digest.add(&b);
        assert_ne!(digest, only_a);
        digest.remove(&b);
        assert_eq!(digest, only_a);
        assert_eq!(TableDigest::parse(&digest.text()), Some(digest));
        let mut order = TableDigest::default();
        order.add(&b);
        order.add(&a);
        digest.add(&b);
        assert_eq!(digest, order, "the order of rows does not matter");
        // Subtraction below zero wraps like addition past 2^256.
        let mut wrap = TableDigest::default();
        wrap.remove(&a);
        wrap.add(&a);
        wrap.rows = 0;
        assert_eq!(wrap, TableDigest::default());
    }

    #[test]
    fn record_keys_read_back() {
        for r in [RecordRef::Task(12), RecordRef::Setting("ui.language".into()), RecordRef::Table("inspections".into())]
        {
            assert_eq!(RecordRef::parse(&r.key()), Some(r));
        }
    }
}
