//! An object's evidence as the prosecutor gathers it: documents attached (stored content-addressed
//! by SHA-256 in `<database>.files/`, encrypted at rest with a key derived from the database's
//! own key, since a scanned explanation can carry a citizen's name), and the checklists of the
//! stage and of each act, each item satisfied by a signal in the data or by a person's tick
//! (who, when, which document). Every attachment and tick is journaled.

use std::path::{Path, PathBuf};

use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use serde::{Deserialize, Serialize};

use super::{ApiError, ErrorCode, Session};
use crate::acts::ActKind;
use crate::domain::journal::Entry;
use crate::domain::privacy::mask_personal_data;
use crate::domain::procedure::{CardFacts, ChecklistEntry, Procedure};
use crate::store::{About, Attachment, ChecklistMark};

/// The largest document the product keeps (a scanned act is a few MB).
pub const MAX_ATTACHMENT_BYTES: usize = 100 << 20;

/// A checklist item with what satisfies it, if anything.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct ChecklistState {
    pub id: String,
    pub ru: String,
    pub kk: String,
    pub en: String,
    /// What the data say, for items a signal can tick.
    pub signal: Option<bool>,
    /// A person's mark in force; it outranks the signal either way.
    pub mark: Option<ChecklistMark>,
    pub satisfied: bool,
}

/// An act's checklist on the card: the stage's items and the act's own.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct ActChecklist {
    pub kind: ActKind,
    pub items: Vec<ChecklistState>,
    pub missing: usize,
}

/// An item not yet satisfied, as an act's draft and issue report it.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct MissingItem {
    pub id: String,
    pub ru: String,
    pub kk: String,
    pub en: String,
}

/// What attaching did: the row, and whether the bytes were new to the store.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Attached {
    pub subject_bin: String,
    pub attachment: Attachment,
    pub new: bool,
}

/// A person's tick or untick.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(default, deny_unknown_fields)]
pub struct ChecklistMarkRequest {
    pub bin: String,
    pub item: String,
    pub ticked: bool,
    /// The SHA-256 of an attached document that satisfies the item.
    pub document: Option<String>,
    pub note: Option<String>,
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::InvalidInput, message)
}

fn io(path: &Path, e: impl std::fmt::Display) -> ApiError {
    ApiError::new(ErrorCode::Io, format!("{}: {e}", path.display()))
}

impl ChecklistState {
    fn of(entry: &ChecklistEntry, facts: &CardFacts, marks: &[ChecklistMark]) -> ChecklistState {
        let signal = entry.signal.map(|s| s.present(facts));
        let mark = marks.iter().find(|m| m.item == entry.id).cloned();
        let satisfied = mark.as_ref().map_or(signal == Some(true), |m| m.ticked);
        ChecklistState {
            id: entry.id.clone(),
            ru: entry.ru.clone(),
            kk: entry.kk.clone(),
            en: entry.en.clone(),
            signal,
            mark,
            satisfied,
        }
    }
}

impl Session {
    /// Where attached documents are kept: beside the database, one file per SHA-256.
    pub fn attachments_dir(&self) -> PathBuf {
        let mut name = self.path.as_os_str().to_owned();
        name.push(".files");
        PathBuf::from(name)
    }

    fn attachment_path(&self, sha256: &str) -> PathBuf {
        self.attachments_dir().join(&sha256[..2]).join(sha256)
    }

    /// The key documents are encrypted with, derived from the database's pseudonymisation key
    /// (so a copied database directory without its key file reveals neither).
    fn attachment_cipher(&self) -> Result<ChaCha20Poly1305, ApiError> {
        use sha2::Digest;
        let key = crate::store::secret::load_or_create(&self.path)?;
        let mut hasher = sha2::Sha256::new();
        hasher.update(b"ekn attachments v1");
        hasher.update(key);
        let derived: [u8; 32] = hasher.finalize().into();
        Ok(ChaCha20Poly1305::new(Key::from_slice(&derived)))
    }

    /// The object's BIN as stored and its row id, without reading its card.
    pub(super) fn subject_id_of(&self, bin: &str) -> Result<(String, i64), ApiError> {
        let id =
            crate::domain::ids::SubjectId::parse(bin).map_err(|e| invalid(format!("BIN/IIN '{}' {e}", bin.trim())))?;
        let bin = id.as_str().to_string();
        let subject_id = self
            .store
            .subject_id(&bin)?
            .ok_or_else(|| ApiError::new(ErrorCode::NotFound, format!("no object with BIN/IIN {bin}")))?;
        Ok((bin, subject_id))
    }

    /// Attaches a document to an object: kept once per content, encrypted, journaled. The file's
    /// name is masked like any text that may carry a citizen's name.
    pub fn attach_evidence(
        &mut self,
        bin: &str,
        file_name: &str,
        bytes: &[u8],
        note: Option<&str>,
    ) -> Result<Attached, ApiError> {
        let (bin, subject_id) = self.subject_id_of(bin)?;
        if bytes.is_empty() {
            return Err(invalid(format!("{file_name}: the file is empty")));
        }
        if bytes.len() > MAX_ATTACHMENT_BYTES {
            return Err(ApiError::new(
                ErrorCode::TooLarge,
                format!(
                    "{file_name}: {} bytes, more than the {} MiB a document may have",
                    bytes.len(),
                    MAX_ATTACHMENT_BYTES >> 20
                ),
            ));
        }
        let base = Path::new(file_name).file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        let base: String = base.chars().filter(|c| !c.is_control()).take(200).collect();
        if base.trim().is_empty() {
            return Err(invalid("the document needs a file name"));
        }
        let (name, _) = mask_personal_data(&base);
        let note = note.map(str::trim).filter(|n| !n.is_empty());
        if note.is_some_and(|n| n.chars().count() > 4000) {
            return Err(invalid("a note is at most 4,000 characters"));
        }
        let note = note.map(|n| mask_personal_data(n).0);
        let sha256 = super::sha256_hex(bytes);
        // The same bytes attached to the same object again change nothing and write nothing.
        if let Some(existing) = self.store.attachments(subject_id)?.into_iter().find(|a| a.sha256 == sha256) {
            return Ok(Attached { subject_bin: bin, attachment: existing, new: false });
        }
        let path = self.attachment_path(&sha256);
        if !path.exists() {
            let cipher = self.attachment_cipher()?;
            let mut nonce = [0u8; 12];
            nonce.copy_from_slice(&crate::store::secret::random_key()[..12]);
            let sealed = cipher
                .encrypt(Nonce::from_slice(&nonce), bytes)
                .map_err(|_| ApiError::new(ErrorCode::Internal, "the document could not be encrypted"))?;
            let dir = path.parent().expect("an attachment path has a directory");
            std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
            // Written aside and renamed, so a crash never leaves half a document under its digest.
            let partial = path.with_extension("partial");
            let mut content = nonce.to_vec();
            content.extend_from_slice(&sealed);
            std::fs::write(&partial, content).map_err(|e| io(&partial, e))?;
            std::fs::rename(&partial, &path).map_err(|e| io(&path, e))?;
        }
        let octets = bytes.len() as u64;
        let id = self.write(|w| {
            let id = w.insert_attachment(subject_id, &sha256, &name, octets as i64, note.as_deref())?;
            let entry = Entry::DocumentAttached {
                subject_bin: bin.clone(),
                sha256: sha256.clone(),
                file_name: name.clone(),
                octets,
            };
            w.append(&entry, About { subject_bin: Some(bin.clone()), appeal_no: None }, None)?;
            Ok(id)
        })?;
        let attachment = self
            .store
            .attachments(subject_id)?
            .into_iter()
            .find(|a| a.id == id)
            .ok_or_else(|| ApiError::new(ErrorCode::Internal, "the attachment just recorded is not found"))?;
        Ok(Attached { subject_bin: bin, attachment, new: true })
    }

    /// An attached document's bytes, decrypted and checked against its digest.
    pub fn attachment_bytes(&self, sha256: &str) -> Result<Vec<u8>, ApiError> {
        if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(invalid(format!("'{sha256}' is not a SHA-256 digest")));
        }
        let path = self.attachment_path(sha256);
        let content = std::fs::read(&path).map_err(|e| io(&path, e))?;
        if content.len() < 12 {
            return Err(ApiError::new(ErrorCode::Io, format!("{}: the stored document is damaged", path.display())));
        }
        let bytes =
            self.attachment_cipher()?.decrypt(Nonce::from_slice(&content[..12]), &content[12..]).map_err(|_| {
                ApiError::new(
                    ErrorCode::Io,
                    format!("{}: the stored document is damaged or its key changed", path.display()),
                )
            })?;
        if super::sha256_hex(&bytes) != sha256 {
            return Err(ApiError::new(
                ErrorCode::Io,
                format!("{}: the stored document does not match its digest", path.display()),
            ));
        }
        Ok(bytes)
    }

    pub fn attachments(&self, bin: &str) -> Result<Vec<Attachment>, ApiError> {
        let (_, subject_id) = self.subject_id_of(bin)?;
        Ok(self.store.attachments(subject_id)?)
    }

    /// Ticks or unticks a checklist item for an object, optionally pointing at the attached
    /// document that satisfies it; journaled with who and when.
    pub fn mark_checklist(&mut self, request: &ChecklistMarkRequest) -> Result<ChecklistState, ApiError> {
        let (bin, subject_id) = self.subject_id_of(&request.bin)?;
        let procedure = Procedure::builtin();
        let entry = procedure
            .item(request.item.trim())
            .ok_or_else(|| ApiError::new(ErrorCode::NotFound, format!("no checklist item '{}'", request.item.trim())))?
            .clone();
        if let Some(document) = &request.document {
            if !self.store.attachments(subject_id)?.iter().any(|a| &a.sha256 == document) {
                return Err(invalid(format!("document {document} is not attached to {bin}; attach it first")));
            }
        }
        let note = request.note.as_deref().map(str::trim).filter(|n| !n.is_empty());
        if note.is_some_and(|n| n.chars().count() > 4000) {
            return Err(invalid("a note is at most 4,000 characters"));
        }
        let note = note.map(|n| mask_personal_data(n).0);
        self.write(|w| {
            w.insert_checklist_mark(
                subject_id,
                &entry.id,
                request.ticked,
                request.document.as_deref(),
                note.as_deref(),
            )?;
            let journal = Entry::ChecklistMarked {
                subject_bin: bin.clone(),
                item: entry.id.clone(),
                ticked: request.ticked,
                document: request.document.clone(),
            };
            w.append(&journal, About { subject_bin: Some(bin.clone()), appeal_no: None }, None)?;
            Ok(())
        })?;
        let facts = CardFacts::of(&self.card(&bin)?);
        let marks = self.store.checklist_marks(subject_id)?;
        Ok(ChecklistState::of(&entry, &facts, &marks))
    }

    /// The states of `entries` for an object.
    pub(super) fn checklist_states(
        &self,
        subject_id: i64,
        facts: &CardFacts,
        entries: &[&ChecklistEntry],
    ) -> Result<Vec<ChecklistState>, ApiError> {
        let marks = self.store.checklist_marks(subject_id)?;
        Ok(entries.iter().map(|e| ChecklistState::of(e, facts, &marks)).collect())
    }

    /// The checklist of each act the card offers, with what is missing.
    pub fn act_checklists(&self, bin: &str) -> Result<Vec<ActChecklist>, ApiError> {
        let (bin, subject_id) = self.subject_id_of(bin)?;
        self.act_checklists_for(subject_id, &CardFacts::of(&self.card(&bin)?))
    }

    pub(super) fn act_checklists_for(&self, subject_id: i64, facts: &CardFacts) -> Result<Vec<ActChecklist>, ApiError> {
        let procedure = Procedure::builtin();
        let mut out = Vec::new();
        for act in procedure.acts_for(facts) {
            let Some(kind) = ActKind::parse(&act.id) else { continue };
            let items = self.checklist_states(subject_id, facts, &procedure.checklist_for_act(&act))?;
            let missing = items.iter().filter(|i| !i.satisfied).count();
            out.push(ActChecklist { kind, items, missing });
        }
        Ok(out)
    }

    /// What of an act's checklist is not yet satisfied for an object whose card gave `facts`.
    pub(super) fn missing_for_act(
        &self,
        subject_id: i64,
        facts: &CardFacts,
        kind: ActKind,
    ) -> Result<Vec<MissingItem>, ApiError> {
        let procedure = Procedure::builtin();
        let Some(act) = procedure.act(kind.code()) else { return Ok(Vec::new()) };
        let items = self.checklist_states(subject_id, facts, &procedure.checklist_for_act(act))?;
        Ok(items
            .into_iter()
            .filter(|i| !i.satisfied)
            .map(|i| MissingItem { id: i.id, ru: i.ru, kk: i.kk, en: i.en })
            .collect())
    }
}
