//! The per-database secret keys, in files beside the database (readable by the owner only),
//! never inside it: `<db>.key` keys applicants' pseudonyms, so a copied database file alone cannot
//! be used to test guesses of IINs against pseudonyms; `<db>.signing-key` is the ed25519 key that
//! signs the journal's checkpoints, so whoever edits the database file cannot re-sign its head.
//! Losing the pseudonymisation key loses no data, only the link between old and new pseudonyms;
//! losing the signing key means the existing checkpoint can no longer be extended (verification
//! says so, and `ekn journal seal --reason` starts a new one, journaled).

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use rand::TryRngCore;

use super::StoreError;

/// Where the key of the database at `db_path` lives.
pub fn key_path(db_path: &Path) -> PathBuf {
    let mut name = db_path.as_os_str().to_owned();
    name.push(".key");
    PathBuf::from(name)
}

/// Where the journal's signing key of the database at `db_path` lives.
pub fn signing_key_path(db_path: &Path) -> PathBuf {
    let mut name = db_path.as_os_str().to_owned();
    name.push(".signing-key");
    PathBuf::from(name)
}

/// Reads the pseudonymisation key beside `db_path`, creating a fresh random one when there is none.
pub fn load_or_create(db_path: &Path) -> Result<[u8; 32], StoreError> {
    load_or_create_at(&key_path(db_path))
}

/// Reads the signing key's seed beside `db_path`, creating a fresh random one when there is none.
pub fn load_or_create_signing(db_path: &Path) -> Result<[u8; 32], StoreError> {
    load_or_create_at(&signing_key_path(db_path))
}

fn load_or_create_at(path: &Path) -> Result<[u8; 32], StoreError> {
    let path = path.to_path_buf();
    match fs::read_to_string(&path) {
        Ok(text) => parse_key(&path, &text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = random_key();
            write_private(&path, &hex::encode(key)).map_err(|source| StoreError::Io { path: path.clone(), source })?;
            Ok(key)
        }
        Err(source) => Err(StoreError::Io { path, source }),
    }
}

/// A new random key from the operating system's generator.
pub fn random_key() -> [u8; 32] {
    let mut key = [0u8; 32];
    rand::rngs::OsRng.try_fill_bytes(&mut key).expect("the operating system's random generator works");
    key
}

fn parse_key(path: &Path, text: &str) -> Result<[u8; 32], StoreError> {
    let bytes = hex::decode(text.trim())
        .ok()
        .filter(|b| b.len() == 32)
        .ok_or_else(|| StoreError::BadKey { path: path.to_path_buf() })?;
    Ok(bytes.try_into().expect("length checked above"))
}

fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}
