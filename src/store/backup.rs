//! A backup's file: one zip holding the encrypted copy of the database, the vault header that
//! opens it, the journal's signed checkpoint, the attached documents (sealed already), and a
//! manifest of them all with its signature. This module reads and writes the file and the files
//! a restore puts beside the new database; what the manifest says and who signs it is `api`'s.
//!
//! A backup is written to `<out>.partial` and given its name only when whole, never over an
//! existing file; a restore writes `<to>.restoring` and renames it when every member has been
//! checked, so a failure leaves no half database where the person asked for one.

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::vault::beside;
use super::{blobs, seal, vault, StoreError};

/// The members of a backup.
pub const DATABASE_MEMBER: &str = "database.sqlcipher";
pub const HEADER_MEMBER: &str = "vault.json";
pub const CHECKPOINT_MEMBER: &str = "checkpoint.json";
pub const MANIFEST_MEMBER: &str = "manifest.json";
pub const SIGNATURE_MEMBER: &str = "manifest.sig";
pub const FILES_PREFIX: &str = "files/";

/// The most a small member (manifest, header, checkpoint, signature) may have: a damaged or
/// hostile archive cannot make a restore read gigabytes into memory.
const SMALL_MEMBER_LIMIT: u64 = 4 * 1024 * 1024;

/// Where the encrypted copy is made before it goes into the archive.
pub fn scratch_path(out: &Path) -> PathBuf {
    beside(out, ".database-partial")
}

/// The SHA-256 and size of a file, read in pieces.
pub fn digest_file(path: &Path) -> Result<(String, u64), StoreError> {
    let io = |source| StoreError::Io { path: path.to_path_buf(), source };
    let mut file = crate::disk::open(path).map_err(io)?;
    let mut hasher = Sha256::new();
    let bytes = std::io::copy(&mut file, &mut hasher).map_err(io)?;
    Ok((hex::encode(hasher.finalize()), bytes))
}

/// An attached document as a backup member: its name in the archive and its file.
pub type Document = (String, PathBuf);

/// What a backup takes from beside the database: the checkpoint's text, and each attached
/// document.
pub fn beside_database(db: &Path) -> Result<(Option<String>, Vec<Document>), StoreError> {
    let checkpoint = seal::read_checkpoint(db)?;
    let dir = blobs::blobs_dir(db);
    let mut documents = Vec::new();
    let read = |dir: &Path| -> Result<Vec<Document>, StoreError> {
        match fs::read_dir(dir) {
            Ok(entries) => entries
                .map(|e| {
                    let e = e.map_err(|source| StoreError::Io { path: dir.to_path_buf(), source })?;
                    Ok((e.file_name().to_string_lossy().into_owned(), e.path()))
                })
                .collect(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(source) => Err(StoreError::Io { path: dir.to_path_buf(), source }),
        }
    };
    for (_, shard) in read(&dir)?.into_iter().filter(|(_, p)| p.is_dir()) {
        for (name, path) in read(&shard)? {
            // Only the store's own files: a digest for a name, nothing half-written.
            if path.is_file() && is_digest(&name) && path == blobs::document_path(db, &name) {
                documents.push((format!("{FILES_PREFIX}{name}"), path));
            }
        }
    }
    documents.sort();
    Ok((checkpoint, documents))
}

/// Writes the backup at `out` (which must not exist): the small members as given, the database
/// copy at `database` (removed afterwards) and the documents. Whole or not at all.
pub fn write_archive(
    out: &Path,
    database: &Path,
    small: &[(&str, &[u8])],
    documents: &[Document],
) -> Result<(), StoreError> {
    let partial = beside(out, ".partial");
    let result = (|| {
        if out.exists() {
            return Err(StoreError::Invalid(format!(
                "{} already exists; a backup is written to a new file only",
                out.display()
            )));
        }
        let _ = fs::remove_file(&partial);
        let io = |source| StoreError::Io { path: partial.clone(), source };
        let file = crate::disk::create_new(&partial).map_err(io)?;
        let mut zip = zip::ZipWriter::new(file);
        let zip_error = |e: zip::result::ZipError| StoreError::Internal(format!("{}: {e}", partial.display()));
        let deflated = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(false);
        // Encrypted pages and sealed documents do not compress; storing them saves the time.
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored)
            .large_file(true);
        for (name, bytes) in small {
            zip.start_file(*name, deflated).map_err(zip_error)?;
            zip.write_all(bytes).map_err(io)?;
        }
        zip.start_file(DATABASE_MEMBER, stored).map_err(zip_error)?;
        let mut copy =
            crate::disk::open(database).map_err(|source| StoreError::Io { path: database.into(), source })?;
        std::io::copy(&mut copy, &mut zip).map_err(io)?;
        for (name, path) in documents {
            zip.start_file(name.as_str(), stored).map_err(zip_error)?;
            let mut document =
                crate::disk::open(path).map_err(|source| StoreError::Io { path: path.clone(), source })?;
            std::io::copy(&mut document, &mut zip).map_err(io)?;
        }
        let file = zip.finish().map_err(zip_error)?;
        file.sync_all().map_err(io)?;
        drop(file);
        // A second name that cannot replace an existing file, then the partial one goes.
        fs::hard_link(&partial, out).map_err(|source| StoreError::Io { path: out.to_path_buf(), source })?;
        vault::sync_dir(out);
        Ok(())
    })();
    let _ = fs::remove_file(&partial);
    vault::shred(database)?;
    result
}

/// An opened backup file.
pub struct Archive {
    zip: zip::ZipArchive<fs::File>,
    label: String,
}

impl Archive {
    pub fn open(path: &Path) -> Result<Archive, StoreError> {
        let label = path.display().to_string();
        let file = crate::disk::open(path).map_err(|source| StoreError::Io { path: path.to_path_buf(), source })?;
        let zip = zip::ZipArchive::new(file)
            .map_err(|e| StoreError::Invalid(format!("{label}: not a backup of this program (not a zip: {e})")))?;
        Ok(Archive { zip, label })
    }

    /// The member names, in the archive's order.
    pub fn names(&self) -> Vec<String> {
        self.zip.file_names().map(str::to_string).collect()
    }

    fn member(&mut self, name: &str) -> Result<zip::read::ZipFile<'_, fs::File>, StoreError> {
        let label = self.label.clone();
        self.zip.by_name(name).map_err(|e| match e {
            zip::result::ZipError::FileNotFound => {
                StoreError::Invalid(format!("{label}: no {name} in it; is it a backup of this program?"))
            }
            other => StoreError::Invalid(format!("{label}: {name}: {other}")),
        })
    }

    /// A small member's bytes.
    pub fn small(&mut self, name: &str) -> Result<Vec<u8>, StoreError> {
        let label = self.label.clone();
        let member = self.member(name)?;
        if member.size() > SMALL_MEMBER_LIMIT {
            return Err(StoreError::Invalid(format!("{label}: {name} is too large to be what it says")));
        }
        let mut bytes = Vec::new();
        member
            .take(SMALL_MEMBER_LIMIT)
            .read_to_end(&mut bytes)
            .map_err(|e| StoreError::Invalid(format!("{label}: {name} cannot be read: {e}")))?;
        Ok(bytes)
    }

    /// Writes a member to the new file `to`, returning its SHA-256 and size.
    pub fn extract(&mut self, name: &str, to: &Path) -> Result<(String, u64), StoreError> {
        let label = self.label.clone();
        let mut member = self.member(name)?;
        let io = |source| StoreError::Io { path: to.to_path_buf(), source };
        let mut file = crate::disk::create_new(to).map_err(io)?;
        let mut hasher = Sha256::new();
        let mut buffer = vec![0u8; 256 * 1024];
        let mut bytes = 0u64;
        loop {
            let n = member
                .read(&mut buffer)
                .map_err(|e| StoreError::Invalid(format!("{label}: {name} cannot be read: {e}")))?;
            if n == 0 {
                break;
            }
            hasher.update(&buffer[..n]);
            file.write_all(&buffer[..n]).map_err(io)?;
            bytes += n as u64;
        }
        file.sync_all().map_err(io)?;
        Ok((hex::encode(hasher.finalize()), bytes))
    }
}

/// The files a restore to `to` makes: the database (first as `<to>.restoring`), its header,
/// its checkpoint and its documents' folder.
pub fn restore_targets(to: &Path) -> Vec<PathBuf> {
    let files = super::files::DbFiles::of(to);
    // Every file a database has (a stale write-ahead log beside the new name would be replayed
    // into the restored file), its documents, and the restore's own file and its logs.
    let mut targets: Vec<PathBuf> = files.files().into_iter().map(Path::to_path_buf).collect();
    targets.push(files.documents.clone());
    targets.push(files.restoring.clone());
    targets.push(beside(&files.restoring, "-wal"));
    targets.push(beside(&files.restoring, "-shm"));
    targets
}

/// Refuses a restore over anything that is there: a restore writes new files only.
pub fn check_restore_target(to: &Path) -> Result<(), StoreError> {
    if let Some(there) = restore_targets(to).into_iter().find(|p| p.exists()) {
        return Err(StoreError::Invalid(format!(
            "{} already exists; a restore writes a new database only (choose another --to)",
            there.display()
        )));
    }
    if let Some(dir) = to.parent().filter(|d| !d.as_os_str().is_empty()) {
        if !dir.is_dir() {
            return Err(StoreError::Invalid(format!("{}: no such folder", dir.display())));
        }
    }
    Ok(())
}

/// Makes the folder backups are written to, readable by the owner only.
pub fn ensure_dir(dir: &Path) -> Result<(), StoreError> {
    fs::create_dir_all(dir).map_err(|source| StoreError::Io { path: dir.to_path_buf(), source })?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = fs::set_permissions(dir, fs::Permissions::from_mode(0o700));
    }
    Ok(())
}

/// Where a restore writes the database before it is checked.
pub fn restoring_path(to: &Path) -> PathBuf {
    super::files::DbFiles::of(to).restoring
}

/// Where a restored document goes.
pub fn restored_document_path(to: &Path, member: &str) -> Result<PathBuf, StoreError> {
    let name = member.strip_prefix(FILES_PREFIX).unwrap_or(member);
    if !is_digest(name) {
        return Err(StoreError::Invalid(format!("{member}: not a document of this program's store")));
    }
    let path = blobs::document_path(to, name);
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(|source| StoreError::Io { path: dir.to_path_buf(), source })?;
    }
    Ok(path)
}

/// Gives the checked database its name.
pub fn finish_restore(to: &Path) -> Result<(), StoreError> {
    if to.exists() {
        return Err(StoreError::Invalid(format!("{} appeared while restoring; nothing replaced", to.display())));
    }
    fs::rename(restoring_path(to), to).map_err(|source| StoreError::Io { path: to.to_path_buf(), source })?;
    vault::sync_dir(to);
    Ok(())
}

/// Removes what a failed restore made (it made them all: the target was checked empty).
pub fn abandon_restore(to: &Path) {
    for path in restore_targets(to) {
        if path.is_dir() {
            let _ = fs::remove_dir_all(&path);
        } else {
            let _ = vault::shred(&path);
        }
    }
}

/// Writes the restored checkpoint beside the new database.
pub fn write_restored_checkpoint(to: &Path, text: &str) -> Result<(), StoreError> {
    seal::write_checkpoint(to, text)
}

impl super::Store {
    /// SQLite's `quick_check` over every page: a copy is checked before it is trusted.
    pub fn quick_check(&self) -> Result<(), StoreError> {
        let verdict: String = self.conn.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
        if verdict == "ok" {
            Ok(())
        } else {
            Err(StoreError::Corrupt(format!("the database copy fails SQLite's quick_check: {verdict}")))
        }
    }

    /// The database's epoch: 0 for one never restored, else the number of restores behind it.
    pub fn epoch(&self) -> Result<i64, StoreError> {
        Ok(self.conn.query_row("SELECT coalesce(max(epoch), 0) FROM restores", [], |r| r.get(0))?)
    }
}

impl super::Write<'_> {
    /// Records that the database was restored, beginning `epoch`.
    pub fn record_restore(
        &self,
        epoch: i64,
        from_file: &str,
        manifest_sha256: &str,
        journal_entries: i64,
    ) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT INTO restores(epoch, restored_at, from_file, manifest_sha256, journal_entries) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
            rusqlite::params![epoch, self.stamp().at, from_file, manifest_sha256, journal_entries],
        )?;
        Ok(())
    }
}

/// A lowercase SHA-256 in hex: the only names the document store gives.
fn is_digest(name: &str) -> bool {
    name.len() == 64 && name.chars().all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
}
