//! The per-database secret key that keys applicants' pseudonyms.
//!
//! It lives in a file beside the database (`<db>.key`, readable by the owner only), never inside
//! it: a copied database file alone cannot be used to test guesses of IINs against pseudonyms.
//! Losing the key does not lose data; it only means new imports can no longer be linked to the
//! pseudonyms of old ones.

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

/// Reads the key beside `db_path`, creating a fresh random one when there is none.
pub fn load_or_create(db_path: &Path) -> Result<[u8; 32], StoreError> {
    let path = key_path(db_path);
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
