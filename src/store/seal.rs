//! The journal's signed checkpoint, a file beside the database (`<db>.checkpoint`), so a person
//! who cuts the journal's tail inside the database file cannot also take back what was signed.
//! Written whole to a temporary file and renamed over the old one, so a crash leaves the old
//! checkpoint or the new one, never half of either.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use super::StoreError;

/// Where the checkpoint of the database at `db_path` lives.
pub fn checkpoint_path(db_path: &Path) -> PathBuf {
    super::files::DbFiles::of(db_path).checkpoint
}

/// The checkpoint's text, or `None` when there is no file.
pub fn read_checkpoint(db_path: &Path) -> Result<Option<String>, StoreError> {
    let path = checkpoint_path(db_path);
    match crate::disk::read_to_string(&path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(StoreError::Io { path, source }),
    }
}

/// Replaces the checkpoint with `text`, atomically.
pub fn write_checkpoint(db_path: &Path, text: &str) -> Result<(), StoreError> {
    let path = checkpoint_path(db_path);
    let mut temp = path.as_os_str().to_owned();
    temp.push(".tmp");
    let temp = PathBuf::from(temp);
    let io = |source| StoreError::Io { path: path.clone(), source };
    let mut file = crate::disk::create(&temp).map_err(io)?;
    file.write_all(text.as_bytes()).map_err(io)?;
    file.sync_data().map_err(io)?;
    fs::rename(&temp, &path).map_err(io)?;
    // The rename itself reaches the disk before the write that extended the journal is answered.
    super::vault::sync_dir(&path);
    Ok(())
}
