//! An entry as it is stored and hashed (`StoredEntry`, its personal data apart in journal v2),
//! the chain hash, the Merkle leaf, and the signed checkpoint of the journal's head.

use chrono::NaiveDate;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::Entry;
use crate::merkle::{self, Frontier};

/// Every stored field of an entry, in the order they are hashed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct StoredEntry {
    pub seq: i64,
    pub at: String,
    pub person: String,
    pub face: String,
    pub kind: String,
    pub subject_bin: Option<String>,
    pub appeal_no: Option<String>,
    pub task_id: Option<i64>,
    pub record: Option<String>,
    pub state_digest: Option<String>,
    pub old_due: Option<NaiveDate>,
    pub new_due: Option<NaiveDate>,
    pub detail: String,
    /// The typed entry as JSON (in a v2 entry, its personal fields hold `PERSONAL_PLACEHOLDER`).
    pub payload: String,
    /// 1 for entries written before journal v2, whose personal data is in `detail` and `payload`
    /// and hashed as it is; 2 for those that keep it apart.
    pub version: i64,
    /// v2: the salted digest of the entry's personal data, hashed into the chain in its place.
    pub personal_digest: Option<String>,
    pub prev_hash: String,
    pub hash: String,
    /// v2: the personal data itself, from the table a destruction act may clear; `None` once
    /// cleared (or when the entry had none). Not hashed: its digest is.
    pub personal: Option<PersonalData>,
    /// The number of the destruction act that cleared this entry's personal data, as the store's
    /// index says (verification does not trust it: it reads the act's own entry).
    pub redacted_by: Option<String>,
}

/// An entry's personal data as journal v2 keeps it: a random salt (so the digest in the chain
/// cannot confirm a guessed name once the data is gone) and the fields as a JSON object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct PersonalData {
    pub salt: String,
    pub fields: String,
}

impl PersonalData {
    /// SHA-256 over the salt and the fields, each length-prefixed.
    pub fn digest(&self) -> String {
        let mut h = Sha256::new();
        for part in [&self.salt, &self.fields] {
            h.update((part.len() as u64).to_le_bytes());
            h.update(part.as_bytes());
        }
        hex::encode(h.finalize())
    }
}

/// What stands in a v2 entry's payload and detail for a personal field.
pub const PERSONAL_PLACEHOLDER: &str = "⟨personal data⟩";

/// The version of the entries written now.
pub const JOURNAL_VERSION: i64 = 2;

/// An entry split for journal v2: its payload and detail with the personal fields replaced by
/// the placeholder, and the fields themselves as a JSON object (`None` when it has none).
pub fn split_personal(entry: &Entry) -> Result<(String, String, Option<String>), String> {
    let fields = Entry::personal_fields(entry.kind());
    let mut value = serde_json::to_value(entry).map_err(|e| e.to_string())?;
    let mut personal = serde_json::Map::new();
    if let Some(object) = value.as_object_mut() {
        for field in fields {
            if let Some(serde_json::Value::String(text)) = object.get(*field) {
                if !text.is_empty() {
                    personal.insert((*field).to_string(), serde_json::Value::String(text.clone()));
                    object.insert((*field).to_string(), serde_json::Value::String(PERSONAL_PLACEHOLDER.into()));
                }
            }
        }
    }
    if personal.is_empty() {
        return Ok((serde_json::to_string(entry).map_err(|e| e.to_string())?, entry.detail(), None));
    }
    let public: Entry = serde_json::from_value(value.clone()).map_err(|e| e.to_string())?;
    Ok((value.to_string(), public.detail(), Some(serde_json::Value::Object(personal).to_string())))
}

impl StoredEntry {
    /// The entry as the faces show it: with its personal data put back while it exists, and
    /// with the placeholder naming the destruction act once it does not.
    pub fn shown(&self) -> (String, Option<Entry>) {
        let Ok(mut value) = serde_json::from_str::<serde_json::Value>(&self.payload) else {
            return (self.detail.clone(), None);
        };
        let replacement = match (&self.personal, &self.redacted_by) {
            (Some(personal), _) => {
                match serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&personal.fields) {
                    Ok(fields) => {
                        if let Some(object) = value.as_object_mut() {
                            object.extend(fields);
                        }
                        None
                    }
                    Err(_) => Some("⟨personal data unreadable⟩".to_string()),
                }
            }
            (None, Some(act)) => Some(format!("⟨destroyed by act {act}⟩")),
            (None, None) => None,
        };
        if self.personal.is_none() && self.personal_digest.is_none() {
            return (self.detail.clone(), serde_json::from_value(value).ok());
        }
        let entry: Option<Entry> = serde_json::from_value(value).ok();
        let detail = entry.as_ref().map_or_else(|| self.detail.clone(), Entry::detail);
        match replacement {
            Some(words) => (
                detail.replace(PERSONAL_PLACEHOLDER, &words),
                serde_json::from_str(&self.payload.replace(PERSONAL_PLACEHOLDER, &words)).ok(),
            ),
            None => (detail, entry),
        }
    }
}

/// The previous hash of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The chain hash of an entry: SHA-256 over the previous hash and every stored field but the
/// hash itself, each length-prefixed so no two different entries hash the same bytes.
pub fn chain_hash(e: &StoredEntry) -> String {
    let mut h = Sha256::new();
    let mut feed = |text: &str| {
        h.update((text.len() as u64).to_le_bytes());
        h.update(text.as_bytes());
    };
    feed(&e.prev_hash);
    feed(&e.seq.to_string());
    feed(&e.at);
    feed(&e.person);
    feed(&e.face);
    feed(&e.kind);
    for optional in [&e.subject_bin, &e.appeal_no, &e.record, &e.state_digest] {
        feed(optional.as_deref().unwrap_or("\u{0}"));
    }
    feed(&e.task_id.map_or_else(|| "\u{0}".to_string(), |t| t.to_string()));
    feed(&e.old_due.map_or_else(|| "\u{0}".to_string(), |d| d.to_string()));
    feed(&e.new_due.map_or_else(|| "\u{0}".to_string(), |d| d.to_string()));
    feed(&e.detail);
    feed(&e.payload);
    // A v1 entry hashes exactly what it did before v2 existed, so old chains verify unchanged.
    if e.version >= 2 {
        feed("v2");
        feed(e.personal_digest.as_deref().unwrap_or("\u{0}"));
    }
    hex::encode(h.finalize())
}

/// The Merkle leaf of an entry: its chain hash.
pub fn leaf_of(entry_hash: &str) -> merkle::Hash {
    merkle::leaf_hash(entry_hash.as_bytes())
}

/// A signed statement of the journal's head, kept outside the database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Checkpoint {
    pub schema: String,
    /// Entries covered: 1 to `size`.
    pub size: u64,
    /// The chain hash of entry `size` (the genesis hash when empty).
    pub head_hash: String,
    /// The RFC 6962 root over the entries' leaves.
    pub merkle_root: String,
    /// The perfect subtrees' roots, so the next checkpoint extends this one without rereading.
    pub frontier: Vec<String>,
    pub at: String,
    pub public_key: String,
    pub signature: String,
}

pub const CHECKPOINT_SCHEMA: &str = "ekn.checkpoint/1";

impl Checkpoint {
    /// The bytes the signature covers: every field but the signature, length-prefixed.
    fn signed_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for part in
            [&self.schema, &self.size.to_string(), &self.head_hash, &self.merkle_root, &self.at, &self.public_key]
        {
            out.extend((part.len() as u64).to_le_bytes());
            out.extend(part.as_bytes());
        }
        for node in &self.frontier {
            out.extend((node.len() as u64).to_le_bytes());
            out.extend(node.as_bytes());
        }
        out
    }

    /// A checkpoint of `frontier` whose last entry hashes to `head_hash`, signed.
    pub fn sign(key: &SigningKey, frontier: &Frontier, head_hash: &str, at: &str) -> Checkpoint {
        let mut checkpoint = Checkpoint {
            schema: CHECKPOINT_SCHEMA.into(),
            size: frontier.size,
            head_hash: head_hash.to_string(),
            merkle_root: merkle::to_hex(&frontier.root()),
            frontier: frontier.nodes.iter().map(merkle::to_hex).collect(),
            at: at.to_string(),
            public_key: hex::encode(key.verifying_key().to_bytes()),
            signature: String::new(),
        };
        checkpoint.signature = hex::encode(key.sign(&checkpoint.signed_bytes()).to_bytes());
        checkpoint
    }

    /// Checks the signature against `trusted` (the key beside the database), and that the
    /// frontier agrees with the root it states.
    pub fn verify(&self, trusted: &VerifyingKey) -> Result<(), String> {
        if self.schema != CHECKPOINT_SCHEMA {
            return Err(format!("unknown checkpoint schema '{}'", self.schema));
        }
        if self.public_key != hex::encode(trusted.to_bytes()) {
            return Err("signed by another key than the one beside the database".into());
        }
        let bytes: [u8; 64] = hex::decode(&self.signature)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or("the signature is not 64 bytes of hex")?;
        trusted
            .verify(&self.signed_bytes(), &Signature::from_bytes(&bytes))
            .map_err(|_| "the signature does not match the checkpoint".to_string())?;
        let frontier = self.frontier().ok_or("the frontier is damaged")?;
        if merkle::to_hex(&frontier.root()) != self.merkle_root {
            return Err("the frontier does not give the stated root".into());
        }
        Ok(())
    }

    pub fn frontier(&self) -> Option<Frontier> {
        let nodes = self.frontier.iter().map(|n| merkle::from_hex(n)).collect::<Option<Vec<_>>>()?;
        (nodes.len() as u32 == self.size.count_ones()).then_some(Frontier { size: self.size, nodes })
    }
}
