//! Documents a prosecutor attaches to an object: kept once per content by the store's encrypted
//! blob store (`store::blobs`, beside the database), named and noted with personal data masked,
//! and journaled. Reading one back checks it against its digest.

use super::Evidence;
use std::path::Path;

use serde::Serialize;

use crate::api::{checked_note, sha256_hex, ApiError, ErrorCode};
use crate::domain::journal::Entry;
use crate::domain::privacy::mask_personal_data;
use crate::store::blobs::BlobError;
use crate::store::{About, Attachment};

/// The largest document the product keeps (a scanned act is a few MB).
pub const MAX_ATTACHMENT_BYTES: usize = 100 << 20;

/// What attaching did: the row, and whether the bytes were new to the store.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Attached {
    pub subject_bin: String,
    pub attachment: Attachment,
    pub new: bool,
    /// What reading it found (`read`, `partly`, `not_a_document`), when it was read on attaching.
    pub read_state: Option<String>,
    /// Facts proposed from it.
    pub facts: usize,
    /// Why reading did not finish (cancelled, an engine's failure); the attachment stands.
    pub read_error: Option<String>,
}

impl From<BlobError> for ApiError {
    fn from(e: BlobError) -> Self {
        match e {
            BlobError::Store(inner) => inner.into(),
            BlobError::Missing { .. } => ApiError::new(ErrorCode::NotFound, e.to_string()),
            BlobError::OtherKey { .. } => ApiError::new(ErrorCode::KeyMismatch, e.to_string()),
            BlobError::Damaged { .. } => ApiError::new(ErrorCode::Io, e.to_string()),
        }
    }
}

impl Evidence<'_> {
    /// Where attached documents are kept: beside the database, one file per SHA-256.
    pub fn attachments_dir(&self) -> std::path::PathBuf {
        crate::store::blobs::blobs_dir(self.read().database())
    }

    /// Attaches a document to an object: kept once per content, encrypted, journaled. The file's
    /// name is masked like any text that may carry a citizen's name.
    pub fn attach(
        &mut self,
        bin: &str,
        file_name: &str,
        bytes: &[u8],
        note: Option<&str>,
    ) -> Result<Attached, ApiError> {
        let (bin, subject_id) = self.read().subject_id_of(bin)?;
        if bytes.is_empty() {
            return Err(ApiError::invalid(format!("{file_name}: the file is empty")));
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
            return Err(ApiError::invalid("the document needs a file name"));
        }
        let (name, _) = mask_personal_data(&base);
        let note = checked_note(note)?.map(|n| mask_personal_data(&n).0);
        let sha256 = sha256_hex(bytes);
        // The same bytes attached to the same object again record nothing, but a stored copy the
        // database's key cannot open (sealed under a key since lost) is replaced by this one.
        let existing = self.read().store().attachments(subject_id)?.into_iter().find(|a| a.sha256 == sha256);
        self.documents.blobs().put(&sha256, bytes, self.read().database())?;
        if let Some(existing) = existing {
            return Ok(Attached {
                subject_bin: bin,
                attachment: existing,
                new: false,
                read_state: None,
                facts: 0,
                read_error: None,
            });
        }
        let octets = bytes.len() as u64;
        let id = self.journal().run(|w| {
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
            .read()
            .store()
            .attachments(subject_id)?
            .into_iter()
            .find(|a| a.id == id)
            .ok_or_else(|| ApiError::new(ErrorCode::Internal, "the attachment just recorded is not found"))?;
        Ok(Attached { subject_bin: bin, attachment, new: true, read_state: None, facts: 0, read_error: None })
    }

    /// Attaches a document and reads it (text, OCR, requisites), with progress; a reading that
    /// fails or is cancelled leaves the attachment in place, marked unread.
    pub fn attach_and_read(
        &mut self,
        bin: &str,
        file_name: &str,
        bytes: &[u8],
        note: Option<&str>,
        progress: &mut dyn FnMut(crate::extract::Progress) -> bool,
    ) -> Result<Attached, ApiError> {
        let mut attached = self.attach(bin, file_name, bytes, note)?;
        match self.read_document(attached.attachment.id, progress) {
            Ok(report) => {
                attached.read_state = Some(report.document.state.clone());
                attached.facts = report.document.facts.len();
            }
            Err(e) => attached.read_error = Some(e.message),
        }
        Ok(attached)
    }

    /// An attached document's bytes, decrypted and checked against its digest.
    pub fn attachment_bytes(&self, sha256: &str) -> Result<Vec<u8>, ApiError> {
        Ok(self.documents.blobs().get(&sha256.trim().to_ascii_lowercase(), self.read().database())?)
    }

    /// The documents attached to an object, oldest first.
    pub fn attachments(&self, bin: &str) -> Result<Vec<Attachment>, ApiError> {
        let (_, subject_id) = self.read().subject_id_of(bin)?;
        Ok(self.read().store().attachments(subject_id)?)
    }

    /// One document attached to an object with its bytes (what the UI downloads).
    pub fn attachment_of(&self, bin: &str, sha256: &str) -> Result<(Attachment, Vec<u8>), ApiError> {
        let sha256 = sha256.trim().to_ascii_lowercase();
        let attachment = self.attachments(bin)?.into_iter().find(|a| a.sha256 == sha256).ok_or_else(|| {
            ApiError::new(ErrorCode::NotFound, format!("no document {sha256} attached to {}", bin.trim()))
        })?;
        let bytes = self.attachment_bytes(&sha256)?;
        Ok((attachment, bytes))
    }
}
