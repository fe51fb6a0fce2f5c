//! Every file ЭКН opens outside SQLite is opened here, so that none of them can be a database
//! this process has open through SQLite.
//!
//! Why: SQLite holds its locks on a database as POSIX advisory locks, and POSIX releases *every*
//! lock a process holds on a file the moment the process closes *any* descriptor of that file
//! (SQLite's «How To Corrupt An SQLite Database File», §2.2). One `File::open` of a live database
//! — to read its first bytes, to hash it, to copy it — and its close leave every connection of the
//! process holding no lock: the next program that closes the database believes itself the last
//! one, checkpoints, and deletes the write-ahead log under them, and every write they answer
//! afterwards is lost when they stop (issue 58). SQLite guards its own descriptors (it keeps a
//! closed one open until the locks on its file are gone); nothing outside it can.
//!
//! So the store registers each database it opens here by its file's identity (device and inode,
//! whatever name reached it), and every open below refuses such a file, and its write-ahead log,
//! shared memory and rollback journal, with an error that says why. What this module opens is
//! everything else: export files, templates, the files beside a database (keys, the checkpoint,
//! the vault header, sealed documents), backups, packages. `tests/core/architecture.rs` fails on
//! a raw open anywhere else in the core, and `tests/core/concurrency.rs` watches `/proc/locks`.

use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// A file's identity: its device and inode where the system has them, else its canonical path.
#[derive(Debug, Clone, PartialEq, Eq)]
enum FileId {
    #[cfg(unix)]
    Inode(u64, u64),
    #[cfg(not(unix))]
    Path(PathBuf),
}

fn identity(path: &Path) -> Option<FileId> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // `metadata` follows links and opens nothing: a stat, not a descriptor.
        fs::metadata(path).ok().map(|m| FileId::Inode(m.dev(), m.ino()))
    }
    #[cfg(not(unix))]
    {
        fs::canonicalize(path).ok().map(FileId::Path)
    }
}

/// A database open through SQLite in this process: its file, the name it was opened by, and
/// whether it is encrypted.
struct Live {
    id: FileId,
    path: PathBuf,
    encrypted: bool,
}

/// The databases open through SQLite in this process, once per connection.
static LIVE: Mutex<Vec<Live>> = Mutex::new(Vec::new());

fn live() -> std::sync::MutexGuard<'static, Vec<Live>> {
    LIVE.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A database registered as open through SQLite for as long as this value lives (a connection
/// keeps one beside it). Registered right after SQLite opened the file and before the connection's
/// first statement, so before it holds any lock.
#[derive(Debug)]
pub struct LiveDatabase {
    id: Option<FileId>,
}

impl LiveDatabase {
    pub fn register(path: &Path, encrypted: bool) -> LiveDatabase {
        let id = identity(path);
        if let Some(id) = &id {
            live().push(Live { id: id.clone(), path: path.to_path_buf(), encrypted });
        }
        LiveDatabase { id }
    }
}

impl Drop for LiveDatabase {
    fn drop(&mut self) {
        if let Some(id) = self.id.take() {
            let mut live = live();
            if let Some(at) = live.iter().position(|l| l.id == id) {
                live.swap_remove(at);
            }
        }
    }
}

/// The files SQLite keeps beside a database under its name.
const SQLITE_COMPANIONS: [&str; 3] = ["-wal", "-shm", "-journal"];

/// The live database `path` is, or is a companion file of, by whatever name it was reached.
fn find<'a>(live: &'a [Live], path: &Path) -> Option<&'a Live> {
    if live.is_empty() {
        return None;
    }
    let mut candidates = vec![path.to_path_buf()];
    if let Some(name) = path.file_name().and_then(|n| n.to_str()) {
        for suffix in SQLITE_COMPANIONS {
            if let Some(stem) = name.strip_suffix(suffix).filter(|s| !s.is_empty()) {
                candidates.push(path.with_file_name(stem));
            }
        }
    }
    candidates.iter().filter_map(|c| identity(c)).find_map(|id| live.iter().find(|l| l.id == id))
}

/// Refuses `path` when it is a database open through SQLite in this process, or one of the
/// files SQLite keeps beside it, by whatever name it was reached.
pub fn refuse_live(path: &Path) -> io::Result<()> {
    match find(&live(), path) {
        None => Ok(()),
        Some(database) => Err(io::Error::new(
            io::ErrorKind::ResourceBusy,
            format!(
                "{} is the database {} this program has open (or a file SQLite keeps beside it): it is read and \
                 written through SQLite only",
                path.display(),
                database.path.display()
            ),
        )),
    }
}

/// What is known of a database file's beginning without a descriptor that could drop a
/// connection's locks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseHead {
    /// The process has it open through SQLite: whether encrypted is known from the opening.
    Live { encrypted: bool },
    /// Its first bytes (at most as many as asked for), read while no connection of this process
    /// had it open.
    Bytes(Vec<u8>),
}

/// The beginning of the database file at `path`: read once, before any connection of this
/// process opens it, and answered from the connection's registration afterwards. The registry
/// stays locked while the bytes are read, so no connection registers (and takes a lock) between
/// the check and the close.
pub fn database_head(path: &Path, bytes: u64) -> io::Result<DatabaseHead> {
    let live = live();
    if let Some(database) = find(&live, path) {
        return Ok(DatabaseHead::Live { encrypted: database.encrypted });
    }
    let mut head = Vec::new();
    io::Read::read_to_end(&mut io::Read::take(File::open(path)?, bytes), &mut head)?;
    drop(live);
    Ok(DatabaseHead::Bytes(head))
}

/// Opens a file to read.
pub fn open(path: impl AsRef<Path>) -> io::Result<File> {
    let path = path.as_ref();
    refuse_live(path)?;
    File::open(path)
}

/// A whole file's bytes.
pub fn read(path: impl AsRef<Path>) -> io::Result<Vec<u8>> {
    let path = path.as_ref();
    refuse_live(path)?;
    fs::read(path)
}

/// A whole file's text (UTF-8).
pub fn read_to_string(path: impl AsRef<Path>) -> io::Result<String> {
    let path = path.as_ref();
    refuse_live(path)?;
    fs::read_to_string(path)
}

/// Creates a file, or empties an existing one, to write.
pub fn create(path: impl AsRef<Path>) -> io::Result<File> {
    let path = path.as_ref();
    refuse_live(path)?;
    File::create(path)
}

/// Creates a file that must not exist yet.
pub fn create_new(path: impl AsRef<Path>) -> io::Result<File> {
    let path = path.as_ref();
    refuse_live(path)?;
    File::create_new(path)
}

/// Creates a file that must not exist yet, readable and writable by its owner only (keys, the
/// recovery key, a vault header).
pub fn create_private(path: impl AsRef<Path>) -> io::Result<File> {
    let path = path.as_ref();
    refuse_live(path)?;
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// Opens an existing file to write over it in place (a shredder's zeros).
pub fn open_to_overwrite(path: impl AsRef<Path>) -> io::Result<File> {
    let path = path.as_ref();
    refuse_live(path)?;
    OpenOptions::new().write(true).open(path)
}

/// Writes a whole file, creating it or replacing what it held.
pub fn write(path: impl AsRef<Path>, bytes: impl AsRef<[u8]>) -> io::Result<()> {
    let path = path.as_ref();
    refuse_live(path)?;
    fs::write(path, bytes)
}

/// Copies a file.
pub fn copy(from: impl AsRef<Path>, to: impl AsRef<Path>) -> io::Result<u64> {
    let (from, to) = (from.as_ref(), to.as_ref());
    refuse_live(from)?;
    refuse_live(to)?;
    fs::copy(from, to)
}

/// Flushes the directory holding `path`, so a rename in it survives a power cut (a no-op where
/// directories cannot be opened, as on Windows). A directory is never a database.
pub fn sync_dir(path: &Path) {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if let Ok(dir) = File::open(dir) {
            let _ = dir.sync_all();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn live_db(dir: &Path) -> (rusqlite::Connection, LiveDatabase, PathBuf) {
        let path = dir.join("live.db");
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch("PRAGMA journal_mode = WAL; CREATE TABLE t(x); INSERT INTO t VALUES (1);").unwrap();
        let registered = LiveDatabase::register(&path, false);
        (conn, registered, path)
    }

    #[test]
    fn a_live_database_is_refused_by_every_name_and_its_companions_too() {
        let dir = tempfile::tempdir().unwrap();
        let (conn, registered, path) = live_db(dir.path());
        let link = dir.path().join("link.db");
        std::os::unix::fs::symlink(&path, &link).unwrap();
        let hard = dir.path().join("hard.db");
        fs::hard_link(&path, &hard).unwrap();
        let relative = {
            let cwd = std::env::current_dir().unwrap();
            pathdiff(&path, &cwd)
        };
        for name in [&path, &link, &hard, &relative, &dir.path().join("live.db-wal"), &dir.path().join("live.db-shm")] {
            let refused = read(name).unwrap_err();
            assert_eq!(refused.kind(), io::ErrorKind::ResourceBusy, "{}", name.display());
            assert!(refused.to_string().contains("through SQLite only"), "{refused}");
            assert!(create(name).is_err() && write(name, b"x").is_err() && open(name).is_err());
        }
        // Files beside it that SQLite does not keep are ordinary files.
        let beside = dir.path().join("live.db.checkpoint");
        write(&beside, b"signed").unwrap();
        assert_eq!(read(&beside).unwrap(), b"signed");
        assert_eq!(database_head(&link, 16).unwrap(), DatabaseHead::Live { encrypted: false });
        drop(conn);
        drop(registered);
        assert!(read(&path).is_ok(), "closed, the file is an ordinary file again");
        assert_eq!(database_head(&path, 16).unwrap(), DatabaseHead::Bytes(b"SQLite format 3\0".to_vec()));
    }

    /// `path` relative to `base` (both absolute), climbing with `..` as needed.
    fn pathdiff(path: &Path, base: &Path) -> PathBuf {
        let (p, b): (Vec<_>, Vec<_>) = (path.components().collect(), base.components().collect());
        let common = p.iter().zip(&b).take_while(|(x, y)| x == y).count();
        let mut out = PathBuf::new();
        for _ in common..b.len() {
            out.push("..");
        }
        for c in &p[common..] {
            out.push(c);
        }
        out
    }
}
