//! The per-database secret keys, in files beside the database (readable by the owner only),
//! never inside it: `<db>.key` keys applicants' pseudonyms, so a copied database file alone cannot
//! be used to test guesses of IINs against pseudonyms; `<db>.signing-key` is the ed25519 key that
//! signs the journal's checkpoints, so whoever edits the database file cannot re-sign its head.
//! The pseudonymisation key also seals the documents attached to objects (`blobs.rs`).
//!
//! Keys are made with a new database and never again on their own: an existing database whose key
//! file is missing is refused (`StoreError::KeyMissing`, naming the file), because a silently new
//! key would cut the link between old and new pseudonyms, leave every attached document unreadable
//! and stop the checkpoint from verifying, while the journal went on as if nothing had happened.
//! A person who has truly lost a key makes a new one on purpose, journaled (`ekn keys reset`).

use std::io::Write;
use std::path::{Path, PathBuf};

use rand::TryRngCore;

use super::StoreError;

/// Where the key of the database at `db_path` lives.
pub fn key_path(db_path: &Path) -> PathBuf {
    super::files::DbFiles::of(db_path).key
}

/// Where the journal's signing key of the database at `db_path` lives.
pub fn signing_key_path(db_path: &Path) -> PathBuf {
    super::files::DbFiles::of(db_path).signing_key
}

/// The two keys of a database, by what each is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyFile {
    /// `<db>.key`: applicants' pseudonyms and the attached documents' seal.
    Pseudonyms,
    /// `<db>.signing-key`: the journal's checkpoints.
    Signing,
}

impl KeyFile {
    pub const ALL: [KeyFile; 2] = [KeyFile::Pseudonyms, KeyFile::Signing];

    pub fn path(self, db_path: &Path) -> PathBuf {
        match self {
            KeyFile::Pseudonyms => key_path(db_path),
            KeyFile::Signing => signing_key_path(db_path),
        }
    }

    fn what(self) -> &'static str {
        match self {
            KeyFile::Pseudonyms => "pseudonymisation and document key",
            KeyFile::Signing => "journal signing key",
        }
    }
}

/// Reads a key of an existing database; a missing file is refused, never replaced.
pub fn load(db_path: &Path, which: KeyFile) -> Result<[u8; 32], StoreError> {
    let path = which.path(db_path);
    match crate::disk::read_to_string(&path) {
        Ok(text) => parse_key(&path, &text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(StoreError::KeyMissing { path, what: which.what() }),
        Err(source) => Err(StoreError::Io { path, source }),
    }
}

/// The keys of a database being created: a key file already beside the new database's path is
/// read (it may be a restored copy); a missing one is made.
pub fn load_or_create_for_new(db_path: &Path, which: KeyFile) -> Result<[u8; 32], StoreError> {
    match load(db_path, which) {
        Err(StoreError::KeyMissing { .. }) => create(db_path, which),
        other => other,
    }
}

/// Makes a new random key in a file that must not exist yet (it is never overwritten).
pub fn create(db_path: &Path, which: KeyFile) -> Result<[u8; 32], StoreError> {
    let path = which.path(db_path);
    let key = random_key();
    write_private(&path, &hex::encode(key)).map_err(|source| StoreError::Io { path: path.clone(), source })?;
    Ok(key)
}

/// A new random key from the operating system's generator.
pub fn random_key() -> [u8; 32] {
    let mut key = [0u8; 32];
    rand::rngs::OsRng.try_fill_bytes(&mut key).expect("the operating system's random generator works");
    key
}

/// `bytes` random bytes (at most 32) as hex: a salt.
pub fn random_hex(bytes: usize) -> String {
    hex::encode(&random_key()[..bytes.min(32)])
}

fn parse_key(path: &Path, text: &str) -> Result<[u8; 32], StoreError> {
    let bytes = hex::decode(text.trim())
        .ok()
        .filter(|b| b.len() == 32)
        .ok_or_else(|| StoreError::BadKey { path: path.to_path_buf() })?;
    Ok(bytes.try_into().expect("length checked above"))
}

fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    let mut file = crate::disk::create_private(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}
