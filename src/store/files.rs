//! Every file and folder kept beside a database, named in one place. A database is not one file:
//! its write-ahead log, its keys (a plain database's), its vault header (an encrypted one's), its
//! signed checkpoint, the encrypted documents, the office's own act templates, the evidence
//! packages the UI packed, the backups folder, and the leftovers of an encryption in place or a
//! restore that was interrupted. Removing a database, restoring one and finishing an interrupted
//! encryption all walk this list, so none of them can forget a file another one knows.

use std::path::{Path, PathBuf};

/// The files beside the database at `db`, by what each is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbFiles {
    pub db: PathBuf,
    pub wal: PathBuf,
    pub shm: PathBuf,
    /// A plain database's pseudonymisation and document key (an encrypted one keeps it inside).
    pub key: PathBuf,
    /// A plain database's journal signing key.
    pub signing_key: PathBuf,
    /// The signed checkpoint of the journal.
    pub checkpoint: PathBuf,
    /// An encrypted database's vault header (the data key sealed under the passphrase).
    pub vault: PathBuf,
    /// The encrypted copy an encryption in place is making.
    pub encrypting: PathBuf,
    /// The plain file an encryption in place replaced, until it is shredded.
    pub replaced_plain: PathBuf,
    /// The attached documents, encrypted (a folder).
    pub documents: PathBuf,
    /// The evidence packages the UI packed (a folder).
    pub evidence: PathBuf,
    /// The office's own act templates (a folder).
    pub acts: PathBuf,
    /// The folder backups are written to (`backups/` beside the database's folder's files).
    pub backups: PathBuf,
    /// Where a restore to this database writes it before it is checked.
    pub restoring: PathBuf,
}

/// `path` with `suffix` appended to its name.
pub fn beside(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

impl DbFiles {
    pub fn of(db: &Path) -> DbFiles {
        DbFiles {
            db: db.to_path_buf(),
            wal: beside(db, "-wal"),
            shm: beside(db, "-shm"),
            key: beside(db, ".key"),
            signing_key: beside(db, ".signing-key"),
            checkpoint: beside(db, ".checkpoint"),
            vault: beside(db, ".vault"),
            encrypting: beside(db, ".encrypting"),
            replaced_plain: beside(db, ".plain-replaced"),
            documents: beside(db, ".files"),
            evidence: beside(db, ".evidence"),
            acts: beside(db, ".acts"),
            backups: db.parent().unwrap_or(Path::new(".")).join("backups"),
            restoring: beside(db, ".restoring"),
        }
    }

    /// The files that are the database itself and its secrets and seals (removing a database
    /// removes these; a restore writes none of them over an existing one).
    pub fn files(&self) -> [&Path; 9] {
        [
            &self.db,
            &self.wal,
            &self.shm,
            &self.key,
            &self.signing_key,
            &self.checkpoint,
            &self.vault,
            &self.encrypting,
            &self.replaced_plain,
        ]
    }

    /// The folders removed with the database: its documents and evidence packages. The office's
    /// act templates are the office's own work and the backups folder is shared by the databases
    /// of one folder: both outlive a database on purpose.
    pub fn folders(&self) -> [&Path; 2] {
        [&self.documents, &self.evidence]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_is_named_beside_the_database() {
        let files = DbFiles::of(Path::new("/data/ekn.db"));
        assert_eq!(files.key, Path::new("/data/ekn.db.key"));
        assert_eq!(files.wal, Path::new("/data/ekn.db-wal"));
        assert_eq!(files.acts, Path::new("/data/ekn.db.acts"));
        assert_eq!(files.backups, Path::new("/data/backups"));
        let mut all: Vec<&Path> =
            files.files().into_iter().chain(files.folders()).chain([files.acts.as_path(), &files.restoring]).collect();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), 13, "no two purposes share a name");
    }
}
