//! Documents kept beside the database (`<database>.files/`), one file per content, named by its
//! SHA-256 and encrypted at rest with ChaCha20-Poly1305, since a scanned explanation can carry a
//! citizen's name. The key is derived from the database's pseudonymisation key (`<db>.key`), so
//! a copied directory without its key file reveals nothing, and it is never kept anywhere else.
//!
//! Each file starts with the id of the key it was sealed with (the first 8 bytes of a digest of
//! the key), so a document sealed under another key is named as such instead of "damaged", and a
//! document attached again under the current key replaces a copy no one can open. Files written
//! before the header existed (nonce and ciphertext only) are still read.

use std::path::{Path, PathBuf};

use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use sha2::{Digest, Sha256};

use super::{secret, StoreError};

/// What a sealed file starts with: "EKNB" and the format's version.
const MAGIC: &[u8; 5] = b"EKNB\x02";
const KEY_ID_LEN: usize = 8;
const NONCE_LEN: usize = 12;

/// The encrypted, content-addressed files of one database.
#[derive(Clone)]
pub struct BlobStore {
    dir: PathBuf,
    cipher: ChaCha20Poly1305,
    key_id: [u8; KEY_ID_LEN],
}

/// What reading a stored document can meet besides a clean read.
#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    #[error("{path}: no such document in the store")]
    Missing { path: PathBuf },
    #[error(
        "{path}: the document was sealed with another key (id {found}, this database's is {expected}); \
         restore the database's key file {key_file} from your copy of it to read it"
    )]
    OtherKey { path: PathBuf, found: String, expected: String, key_file: PathBuf },
    #[error("{path}: the stored document is damaged")]
    Damaged { path: PathBuf },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Where the documents of the database at `db_path` are kept.
pub fn blobs_dir(db_path: &Path) -> PathBuf {
    super::files::DbFiles::of(db_path).documents
}

/// Where the document with content digest `sha256` (64 hex digits) is kept beside `db_path`:
/// in a folder of the digest's first two digits, so no folder grows to thousands of files.
pub fn document_path(db_path: &Path, sha256: &str) -> PathBuf {
    blobs_dir(db_path).join(&sha256[..2]).join(sha256)
}

fn io(path: &Path, source: std::io::Error) -> StoreError {
    StoreError::Io { path: path.to_path_buf(), source }
}

impl BlobStore {
    /// The store beside `db_path`, sealing with a key derived from the database's `key`.
    pub fn new(db_path: &Path, key: &[u8; 32]) -> BlobStore {
        let mut hasher = Sha256::new();
        hasher.update(b"ekn attachments v1");
        hasher.update(key);
        let derived: [u8; 32] = hasher.finalize().into();
        let id: [u8; 32] = Sha256::digest(derived).into();
        BlobStore {
            dir: blobs_dir(db_path),
            cipher: ChaCha20Poly1305::new(Key::from_slice(&derived)),
            key_id: id[..KEY_ID_LEN].try_into().expect("a digest is longer than a key id"),
        }
    }

    fn path_of(&self, sha256: &str) -> PathBuf {
        self.dir.join(&sha256[..2]).join(sha256)
    }

    /// Keeps `bytes` under their digest `sha256` (which the caller computed). Writes nothing when a
    /// copy this key opens is already there; a copy it cannot open (another key, damaged) is
    /// replaced. Returns whether a file was written.
    pub fn put(&self, sha256: &str, bytes: &[u8], db_path: &Path) -> Result<bool, StoreError> {
        check_digest(sha256)?;
        if self.get(sha256, db_path).is_ok() {
            return Ok(false);
        }
        let mut nonce = [0u8; NONCE_LEN];
        nonce.copy_from_slice(&secret::random_key()[..NONCE_LEN]);
        let sealed = self
            .cipher
            .encrypt(Nonce::from_slice(&nonce), bytes)
            .map_err(|_| StoreError::Internal("a document could not be encrypted".into()))?;
        let path = self.path_of(sha256);
        let dir = path.parent().expect("a document's path has a directory");
        std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
        let mut content = Vec::with_capacity(MAGIC.len() + KEY_ID_LEN + NONCE_LEN + sealed.len());
        content.extend_from_slice(MAGIC);
        content.extend_from_slice(&self.key_id);
        content.extend_from_slice(&nonce);
        content.extend_from_slice(&sealed);
        // Written aside, flushed to the disk and renamed, the rename flushed too — all before the
        // row that names the document commits: after a power cut a committed row never names a
        // truncated or missing file.
        let partial = path.with_extension("partial");
        let write = || -> std::io::Result<()> {
            use std::io::Write;
            let mut file = crate::disk::create(&partial)?;
            file.write_all(&content)?;
            file.sync_all()
        };
        write().map_err(|e| io(&partial, e))?;
        std::fs::rename(&partial, &path).map_err(|e| io(&path, e))?;
        super::vault::sync_dir(&path);
        Ok(true)
    }

    /// The document stored under `sha256`, decrypted and checked against its digest.
    /// Removes the file kept under `sha256` (a connector's staged page once its run is over);
    /// absent already is fine.
    pub fn remove(&self, sha256: &str) -> Result<(), StoreError> {
        check_digest(sha256)?;
        let path = self.path_of(sha256);
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(io(&path, e)),
        }
    }

    pub fn get(&self, sha256: &str, db_path: &Path) -> Result<Vec<u8>, BlobError> {
        check_digest(sha256)?;
        let path = self.path_of(sha256);
        let content = match crate::disk::read(&path) {
            Ok(content) => content,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(BlobError::Missing { path }),
            Err(e) => return Err(io(&path, e).into()),
        };
        let damaged = || BlobError::Damaged { path: path.clone() };
        let (nonce, sealed) = match content.strip_prefix(MAGIC.as_slice()) {
            Some(rest) => {
                if rest.len() < KEY_ID_LEN + NONCE_LEN {
                    return Err(damaged());
                }
                let (found, rest) = rest.split_at(KEY_ID_LEN);
                if found != self.key_id {
                    return Err(BlobError::OtherKey {
                        path: path.clone(),
                        found: hex::encode(found),
                        expected: hex::encode(self.key_id),
                        key_file: secret::key_path(db_path),
                    });
                }
                rest.split_at(NONCE_LEN)
            }
            // The first format: nonce and ciphertext, no key id.
            None if content.len() >= NONCE_LEN => content.split_at(NONCE_LEN),
            None => return Err(damaged()),
        };
        let bytes = self.cipher.decrypt(Nonce::from_slice(nonce), sealed).map_err(|_| damaged())?;
        if crate::domain::digest::sha256_hex(&bytes) != sha256 {
            return Err(damaged());
        }
        Ok(bytes)
    }
}

/// A digest names a file, so it must be 64 lowercase hexadecimal digits and nothing else.
fn check_digest(sha256: &str) -> Result<(), StoreError> {
    if sha256.len() == 64 && sha256.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        Ok(())
    } else {
        Err(StoreError::Invalid(format!("'{sha256}' is not a SHA-256 digest")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digest(bytes: &[u8]) -> String {
        hex::encode(Sha256::digest(bytes))
    }

    #[test]
    fn a_document_reads_back_and_another_key_is_named_not_called_damaged() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("x.db");
        let ours = BlobStore::new(&db, &[7; 32]);
        let bytes = b"\xd0\x9e\xd0\xb1\xd1\x8a\xd1\x8f\xd1\x81\xd0\xbd\xd0\xb5\xd0\xbd\xd0\xb8\xd0\xb5".to_vec();
        let sha = digest(&bytes);
        assert!(ours.put(&sha, &bytes, &db).unwrap());
        assert!(!ours.put(&sha, &bytes, &db).unwrap(), "a copy this key opens is not written again");
        assert_eq!(ours.get(&sha, &db).unwrap(), bytes);
        let stored = std::fs::read(blobs_dir(&db).join(&sha[..2]).join(&sha)).unwrap();
        assert!(!stored.windows(bytes.len()).any(|w| w == bytes.as_slice()), "the file holds no plaintext");

        let theirs = BlobStore::new(&db, &[8; 32]);
        assert!(matches!(theirs.get(&sha, &db), Err(BlobError::OtherKey { .. })));
        // Attaching the same bytes under the new key replaces the copy no one could open.
        assert!(theirs.put(&sha, &bytes, &db).unwrap());
        assert_eq!(theirs.get(&sha, &db).unwrap(), bytes);
    }

    #[test]
    fn a_digest_that_is_not_one_never_names_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("x.db");
        let store = BlobStore::new(&db, &[1; 32]);
        for bad in ["", "../../etc/passwd", &"A".repeat(64), &"0".repeat(63)] {
            assert!(matches!(store.get(bad, &db), Err(BlobError::Store(StoreError::Invalid(_)))), "{bad}");
        }
    }
}
