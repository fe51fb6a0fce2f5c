//! The vault: a database encrypted at rest with SQLCipher, and the small header file beside it
//! (`<db>.vault`) that lets a passphrase open it.
//!
//! The database is keyed with a random 256-bit data key, never with the passphrase: the header
//! holds that key sealed (XChaCha20-Poly1305) under a key stretched from the passphrase with
//! Argon2id, with the stretching's parameters and salt beside it. Changing the passphrase re-seals
//! the header and leaves the database's pages as they are; a forgotten passphrase is replaced with
//! the recovery key, which is the data key itself written out once for the supervisor to keep — so
//! a lost header is recoverable too. The data key is handed to SQLCipher as a raw key, so SQLCipher
//! does not stretch it again on every open.
//!
//! Whether a file is encrypted is read from its first bytes (plain SQLite files begin with
//! "SQLite format 3"), not from the header's presence: a header left by an encryption that did not
//! finish must not make a plain database look encrypted. `tidy` finishes or undoes such an
//! encryption (see `encrypt_in_place` in the api) the next time the database is touched.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::secret::random_key;
use super::StoreError;

/// The header's format name; a later format gets a new name, and this one stays readable.
pub const HEADER_FORMAT: &str = "ekn.vault/1";

/// How the passphrase is stretched for new headers: Argon2id with 64 MiB, 3 passes, 1 lane
/// (RFC 9106's second recommended setting, with one lane for a two-core laptop). Stored in each
/// header, so headers made with other settings keep opening.
pub const KDF_MEMORY_KIB: u32 = 64 * 1024;
pub const KDF_ITERATIONS: u32 = 3;
pub const KDF_PARALLELISM: u32 = 1;

/// The fewest characters a new passphrase may have.
pub const MIN_PASSPHRASE_CHARS: usize = 8;

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

const RECOVERY_TAG: &str = "EKN-RECOVERY-1";

/// Where the vault header of the database at `db` lives.
pub fn header_path(db: &Path) -> PathBuf {
    super::files::DbFiles::of(db).vault
}

/// The encrypted copy being made by an encryption in place.
pub fn encrypting_path(db: &Path) -> PathBuf {
    super::files::DbFiles::of(db).encrypting
}

/// The plain file an encryption in place replaced, kept until it is overwritten and removed.
pub fn replaced_plain_path(db: &Path) -> PathBuf {
    super::files::DbFiles::of(db).replaced_plain
}

pub(super) fn beside(db: &Path, suffix: &str) -> PathBuf {
    super::files::beside(db, suffix)
}

/// What a database file is, read from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Missing,
    Plain,
    Encrypted,
}

/// Reads what the file at `db` is. An empty file is plain (SQLite writes nothing until the first
/// table); anything that does not begin like SQLite is taken as encrypted and needs its key.
///
/// Never from a descriptor that could cost a connection its locks (`crate::disk`): the first
/// bytes are read only while this process has no connection to the file, and a database it has
/// open is known from how it was opened.
pub fn file_kind(db: &Path) -> Result<FileKind, StoreError> {
    let io = |source| StoreError::Io { path: db.to_path_buf(), source };
    match crate::disk::database_head(db, SQLITE_MAGIC.len() as u64) {
        Ok(crate::disk::DatabaseHead::Live { encrypted }) => {
            Ok(if encrypted { FileKind::Encrypted } else { FileKind::Plain })
        }
        Ok(crate::disk::DatabaseHead::Bytes(head)) => {
            Ok(if head.is_empty() || head.as_slice() == SQLITE_MAGIC { FileKind::Plain } else { FileKind::Encrypted })
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(FileKind::Missing),
        Err(source) => Err(io(source)),
    }
}

/// Whether another connection — another program, or another session of this one — has the
/// plain database at `db` open: SQLite is asked for the file's exclusive lock, which any open
/// connection's shared lock refuses. Held by the returned connection while it lives, so nobody
/// opens the database meanwhile; `None` when the database is in use. The connection never
/// checkpoints on closing, so dropping it changes no byte.
pub(super) fn sole_access(db: &Path) -> Result<Option<SoleAccess>, StoreError> {
    let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = rusqlite::Connection::open_with_flags(db, flags)?;
    let live = crate::disk::LiveDatabase::register(db, false);
    conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)?;
    // Exclusive locking mode before the first read: SQLite then takes the file's EXCLUSIVE lock
    // at once, in WAL mode too, and keeps it until the connection closes.
    conn.pragma_update(None, "locking_mode", "EXCLUSIVE")?;
    match conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)) {
        Ok(_) => Ok(Some(SoleAccess { _conn: conn, _live: live })),
        Err(e)
            if matches!(
                e.sqlite_error_code(),
                Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
            ) =>
        {
            Ok(None)
        }
        Err(e) => Err(e.into()),
    }
}

/// A database held to this process alone (see `sole_access`); let go when dropped.
pub struct SoleAccess {
    _conn: rusqlite::Connection,
    _live: crate::disk::LiveDatabase,
}

/// Holds the database at `db` to this connection alone, or refuses in words (`InUse`) while
/// another program — or another session of this one — has it open; used before the file is
/// replaced or removed. A plain database is asked for its exclusive lock. An encrypted one
/// cannot be read without its key, so SQLite cannot be asked; a write-ahead log or shared memory
/// beside it (every connection in WAL mode keeps both, and the last to close removes them) is
/// taken as a program that has it open. `None` when there is no database.
pub fn in_sole_use(db: &Path) -> Result<Option<SoleAccess>, StoreError> {
    let in_use = || StoreError::InUse { path: db.to_path_buf() };
    match file_kind(db)? {
        FileKind::Missing => Ok(None),
        FileKind::Plain => sole_access(db)?.map(Some).ok_or_else(in_use),
        FileKind::Encrypted => {
            let files = super::files::DbFiles::of(db);
            if files.wal.exists() || files.shm.exists() {
                return Err(in_use());
            }
            Ok(None)
        }
    }
}

/// The 256-bit key SQLCipher encrypts the database's pages with. Wiped from memory when dropped.
#[derive(Clone)]
pub struct DataKey(Zeroizing<[u8; 32]>);

impl DataKey {
    /// A new random key from the operating system's generator.
    pub fn random() -> DataKey {
        DataKey(Zeroizing::new(random_key()))
    }

    fn from_bytes(bytes: &[u8]) -> Option<DataKey> {
        let array: [u8; 32] = bytes.try_into().ok()?;
        Some(DataKey(Zeroizing::new(array)))
    }

    /// The statement that keys a connection with this raw key (SQLCipher's `x'…'` form, which
    /// skips SQLCipher's own key derivation).
    pub(super) fn pragma(&self, schema: &str) -> Zeroizing<String> {
        Zeroizing::new(format!("PRAGMA {schema}.key = \"x'{}'\";", hex::encode(*self.0)))
    }

    /// The raw-key text a SQLCipher client is keyed with (`PRAGMA key = "x'…'"`): for a person
    /// (or a test) reading the file with SQLCipher's own tools, behind the product's back.
    pub fn sqlcipher_key(&self) -> Zeroizing<String> {
        self.attach_value()
    }

    /// The key as the value of an `ATTACH … KEY ?` parameter (the raw-key text `x'…'`).
    pub(super) fn attach_value(&self) -> Zeroizing<String> {
        Zeroizing::new(format!("x'{}'", hex::encode(*self.0)))
    }
}

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(…)")
    }
}

/// A passphrase as a person typed it. Wiped from memory when dropped, never printed.
#[derive(Clone)]
pub struct Passphrase(Zeroizing<String>);

impl Passphrase {
    pub fn new(text: impl Into<String>) -> Passphrase {
        Passphrase(Zeroizing::new(text.into()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Passphrase(…)")
    }
}

/// How a header's passphrase is stretched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Kdf {
    pub algorithm: String,
    pub version: u32,
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
    pub salt: String,
}

impl Kdf {
    fn new() -> Kdf {
        Kdf {
            algorithm: "argon2id".into(),
            version: 0x13,
            memory_kib: KDF_MEMORY_KIB,
            iterations: KDF_ITERATIONS,
            parallelism: KDF_PARALLELISM,
            salt: hex::encode(&random_key()[..16]),
        }
    }

    /// The key the passphrase stretches to.
    fn stretch(&self, passphrase: &Passphrase, path: &Path) -> Result<Zeroizing<[u8; 32]>, StoreError> {
        let damaged = |why: String| StoreError::Corrupt(format!("{}: {why}", path.display()));
        if self.algorithm != "argon2id" || self.version != 0x13 {
            return Err(damaged(format!("unknown key derivation {} v{}", self.algorithm, self.version)));
        }
        let salt = hex::decode(&self.salt).map_err(|_| damaged("the salt is not hexadecimal".into()))?;
        let params = argon2::Params::new(self.memory_kib, self.iterations, self.parallelism, Some(32))
            .map_err(|e| damaged(format!("key derivation parameters: {e}")))?;
        let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
        let mut out = Zeroizing::new([0u8; 32]);
        argon
            .hash_password_into(passphrase.as_str().as_bytes(), &salt, out.as_mut())
            .map_err(|e| damaged(format!("key derivation: {e}")))?;
        Ok(out)
    }

    /// The parameters in words, for the journal and `vault status`.
    pub fn describe(&self) -> String {
        format!("{} m={} KiB t={} p={}", self.algorithm, self.memory_kib, self.iterations, self.parallelism)
    }
}

/// The data key sealed under the stretched passphrase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealedKey {
    pub aead: String,
    pub nonce: String,
    pub ciphertext: String,
}

/// The vault header file: what opens the database with a passphrase. It holds nothing secret
/// without the passphrase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    pub format: String,
    /// A random identifier of this encrypted database, bound into the seal: a header cannot be
    /// swapped in from another database unnoticed, and the recovery key names it.
    pub database_id: String,
    pub cipher: String,
    pub kdf: Kdf,
    pub sealed_key: SealedKey,
    pub created_at: String,
    pub passphrase_changed_at: Option<String>,
}

impl Header {
    /// A header for a new encrypted database.
    pub fn new(key: &DataKey, passphrase: &Passphrase, at: &str, path: &Path) -> Result<Header, StoreError> {
        let database_id = hex::encode(&random_key()[..16]);
        let kdf = Kdf::new();
        let sealed_key = seal(key, passphrase, &kdf, &database_id, path)?;
        Ok(Header {
            format: HEADER_FORMAT.into(),
            database_id,
            cipher: "sqlcipher4".into(),
            kdf,
            sealed_key,
            created_at: at.into(),
            passphrase_changed_at: None,
        })
    }

    /// The same database's header sealed under a new passphrase (with a new salt).
    pub fn with_passphrase(
        &self,
        key: &DataKey,
        passphrase: &Passphrase,
        at: &str,
        path: &Path,
    ) -> Result<Header, StoreError> {
        let kdf = Kdf::new();
        let sealed_key = seal(key, passphrase, &kdf, &self.database_id, path)?;
        Ok(Header { kdf, sealed_key, passphrase_changed_at: Some(at.into()), ..self.clone() })
    }

    /// The data key, if the passphrase is the right one.
    pub fn open(&self, passphrase: &Passphrase, db: &Path) -> Result<DataKey, StoreError> {
        let path = header_path(db);
        let damaged = |why: &str| StoreError::Corrupt(format!("{}: {why}", path.display()));
        if self.sealed_key.aead != "xchacha20poly1305" {
            return Err(damaged("unknown seal"));
        }
        let stretched = self.kdf.stretch(passphrase, &path)?;
        let nonce = hex::decode(&self.sealed_key.nonce).map_err(|_| damaged("the nonce is not hexadecimal"))?;
        let sealed =
            hex::decode(&self.sealed_key.ciphertext).map_err(|_| damaged("the sealed key is not hexadecimal"))?;
        if nonce.len() != 24 {
            return Err(damaged("the nonce is not 24 bytes"));
        }
        let cipher = XChaCha20Poly1305::new(stretched.as_ref().into());
        let opened = cipher
            .decrypt(XNonce::from_slice(&nonce), Payload { msg: &sealed, aad: self.aad().as_bytes() })
            .map_err(|_| StoreError::WrongPassphrase { path: db.to_path_buf() })?;
        let opened = Zeroizing::new(opened);
        DataKey::from_bytes(&opened).ok_or_else(|| damaged("the sealed key is not 32 bytes"))
    }

    fn aad(&self) -> String {
        aad(&self.database_id)
    }

    /// Reads the header of the database at `db`. A missing header is refused, naming the file —
    /// never made anew: the recovery key makes a new one, on purpose.
    pub fn read(db: &Path) -> Result<Header, StoreError> {
        let path = header_path(db);
        let text = match crate::disk::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(StoreError::VaultHeaderMissing { path });
            }
            Err(source) => return Err(StoreError::Io { path, source }),
        };
        Header::parse(&text, &path.display().to_string())
    }

    /// Reads a header from its text (`file` names where it came from, in errors).
    pub fn parse(text: &str, file: &str) -> Result<Header, StoreError> {
        let header: Header =
            serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("{file}: not a vault header: {e}")))?;
        if header.format != HEADER_FORMAT {
            return Err(StoreError::Corrupt(format!(
                "{file}: vault header format {} is not one this program reads ({HEADER_FORMAT})",
                header.format
            )));
        }
        Ok(header)
    }

    /// Writes the header beside the database, replacing the old one whole or not at all (a new
    /// file renamed over it), readable by the owner only.
    pub fn write(&self, db: &Path) -> Result<(), StoreError> {
        let path = header_path(db);
        let text = serde_json::to_string_pretty(self).map_err(|e| StoreError::Internal(e.to_string()))?;
        replace_file(&path, text.as_bytes())
    }
}

fn aad(database_id: &str) -> String {
    format!("{HEADER_FORMAT}:{database_id}")
}

fn seal(
    key: &DataKey,
    passphrase: &Passphrase,
    kdf: &Kdf,
    database_id: &str,
    path: &Path,
) -> Result<SealedKey, StoreError> {
    let stretched = kdf.stretch(passphrase, path)?;
    let cipher = XChaCha20Poly1305::new(stretched.as_ref().into());
    let nonce: [u8; 24] = random_key()[..24].try_into().expect("24 of 32 bytes");
    let sealed = cipher
        .encrypt(XNonce::from_slice(&nonce), Payload { msg: key.0.as_ref(), aad: aad(database_id).as_bytes() })
        .map_err(|_| StoreError::Internal("sealing the data key failed".into()))?;
    Ok(SealedKey { aead: "xchacha20poly1305".into(), nonce: hex::encode(nonce), ciphertext: hex::encode(sealed) })
}

/// The recovery key's text, printed once for the supervisor: the data key in 16 groups of four
/// hexadecimal digits and a check group, with what it opens in three languages.
pub fn recovery_text(key: &DataKey, header: &Header, db: &Path) -> Zeroizing<String> {
    let digits = hex::encode(*key.0).to_uppercase();
    let mut groups: Vec<&str> = (0..16).map(|i| &digits[i * 4..i * 4 + 4]).collect();
    let check = recovery_check(&key.0[..]);
    groups.push(&check);
    Zeroizing::new(format!(
        "ЭКН — ключ восстановления базы данных / дерекқорды қалпына келтіру кілті / database recovery key\n\
         database: {}\nid: {}\nmade: {}\n\n\
         Храните у руководителя, отдельно от компьютера. / Компьютерден бөлек, басшыда сақтаңыз. / Keep it with the supervisor, away from the computer.\n\
         ekn vault recover --recovery <this file>\n\n\
         {RECOVERY_TAG} {}\n",
        db.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        header.database_id,
        header.created_at,
        groups.join("-"),
    ))
}

fn recovery_check(key: &[u8]) -> String {
    crate::domain::digest::sha256_hex(key)[..4].to_uppercase()
}

/// Reads a recovery key from its text: the line beginning `EKN-RECOVERY-1`. Errors name the file
/// and the line.
pub fn parse_recovery(text: &str, file: &str) -> Result<DataKey, StoreError> {
    let Some((index, line)) = text.lines().enumerate().find(|(_, l)| l.trim_start().starts_with(RECOVERY_TAG)) else {
        return Err(StoreError::Invalid(format!(
            "{file}: no line beginning {RECOVERY_TAG}; this is not a recovery key"
        )));
    };
    let line_no = index + 1;
    let digits: String = line.trim_start()[RECOVERY_TAG.len()..].chars().filter(|c| c.is_ascii_hexdigit()).collect();
    let bad = |why: &str| StoreError::Invalid(format!("{file}, line {line_no}: {why}"));
    if digits.len() != 68 {
        return Err(bad("the key has the wrong number of digits (17 groups of 4 expected)"));
    }
    let bytes = hex::decode(&digits[..64]).map_err(|_| bad("the key is not hexadecimal"))?;
    if !recovery_check(&bytes).eq_ignore_ascii_case(&digits[64..]) {
        return Err(bad("the check group does not match: a digit was mistyped"));
    }
    let bytes = Zeroizing::new(bytes);
    DataKey::from_bytes(&bytes).ok_or_else(|| bad("the key is not 32 bytes"))
}

/// Writes `bytes` to `path` whole or not at all: a new file beside it, flushed, renamed over it.
pub fn replace_file(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    let io = |source| StoreError::Io { path: path.to_path_buf(), source };
    let partial = beside(path, ".partial");
    let _ = fs::remove_file(&partial);
    {
        let mut file = private_file(&partial).map_err(io)?;
        file.write_all(bytes).map_err(io)?;
        file.sync_all().map_err(io)?;
    }
    fs::rename(&partial, path).map_err(io)?;
    sync_dir(path);
    Ok(())
}

/// Writes a new file that must not exist yet, readable by the owner only.
pub fn write_new_private(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    let io = |source| StoreError::Io { path: path.to_path_buf(), source };
    let mut file = private_file(path).map_err(io)?;
    file.write_all(bytes).map_err(io)?;
    file.sync_all().map_err(io)
}

fn private_file(path: &Path) -> std::io::Result<fs::File> {
    crate::disk::create_private(path)
}

/// Flushes the directory holding `path`, so a rename in it survives a power cut.
pub fn sync_dir(path: &Path) {
    crate::disk::sync_dir(path)
}

/// Overwrites a file with zeros, flushes, and removes it: a plain copy of the database or a loose
/// key does not stay readable in the file system's free space on a disk that writes in place (a
/// solid-state disk may keep old blocks; full-disk encryption covers those).
pub fn shred(path: &Path) -> Result<(), StoreError> {
    let io = |source| StoreError::Io { path: path.to_path_buf(), source };
    let len = match fs::metadata(path) {
        Ok(meta) => meta.len(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(source) => return Err(io(source)),
    };
    {
        let mut file = match crate::disk::open_to_overwrite(path) {
            Ok(file) => file,
            // Another program finishing the same tidy-up shredded it first.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(source) => return Err(io(source)),
        };
        let zeros = vec![0u8; 1 << 20];
        let mut left = len;
        while left > 0 {
            let n = left.min(zeros.len() as u64) as usize;
            file.write_all(&zeros[..n]).map_err(io)?;
            left -= n as u64;
        }
        file.sync_all().map_err(io)?;
    }
    match fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io(e)),
        _ => Ok(()),
    }
}

/// Finishes or undoes an encryption in place that stopped part-way (a crash, a kill), so the
/// database is either the old plain file or the new encrypted one, whole:
/// - the encrypted copy was not yet swapped in (the database is still plain): the copy is removed,
///   and the plain file's second name, if made, is dropped (it is the same file);
/// - it was swapped in (the database is encrypted): the replaced plain file is shredded.
pub fn tidy(db: &Path) -> Result<(), StoreError> {
    let copy = encrypting_path(db);
    let replaced = replaced_plain_path(db);
    if !copy.exists() && !replaced.exists() {
        return Ok(());
    }
    match file_kind(db)? {
        FileKind::Plain => {
            // The copy may be an encryption another program is making right now, over the
            // database it holds open: only a database nobody has open is tidied.
            let Some(_alone) = sole_access(db)? else { return Ok(()) };
            for leftover in [&copy, &replaced] {
                match fs::remove_file(leftover) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(source) => return Err(StoreError::Io { path: leftover.clone(), source }),
                }
            }
            let _ = fs::remove_file(beside(&copy, "-journal"));
        }
        FileKind::Encrypted => {
            shred(&replaced)?;
            let _ = fs::remove_file(&copy);
        }
        FileKind::Missing => {}
    }
    Ok(())
}

/// Puts the encrypted copy (`<db>.encrypting`, closed) in the plain database's place: the plain
/// file gets a second name (`<db>.plain-replaced`, the same file), the copy is renamed over the
/// database — the one step that switches, atomic — the folder is flushed, and the plain file is
/// overwritten and removed. While another program has the database open, the copy is removed and
/// nothing switched; the database is held to this process from the check to the switch.
pub fn switch_to_encrypted_copy(db: &Path) -> Result<(), StoreError> {
    let copy = encrypting_path(db);
    let alone = match sole_access(db)? {
        Some(alone) => alone,
        None => {
            let _ = fs::remove_file(&copy);
            return Err(StoreError::InUse { path: db.to_path_buf() });
        }
    };
    let replaced = replaced_plain_path(db);
    fs::hard_link(db, &replaced).map_err(|source| StoreError::Io { path: replaced.clone(), source })?;
    fs::rename(&copy, db).map_err(|source| StoreError::Io { path: db.to_path_buf(), source })?;
    sync_dir(db);
    drop(alone);
    shred(&replaced)
}

/// The two keys kept inside an encrypted database, by their row names.
pub struct InnerKeys {
    pub pseudonyms: Zeroizing<[u8; 32]>,
    pub signing: Zeroizing<[u8; 32]>,
}

impl super::Store {
    /// The keys kept inside the database (an encrypted one); `None` in a plain database.
    pub fn vault_keys(&self) -> Result<Option<InnerKeys>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT name, key FROM vault_keys")?;
        let rows: Vec<(String, Zeroizing<Vec<u8>>)> =
            stmt.query_map([], |r| Ok((r.get(0)?, Zeroizing::new(r.get(1)?))))?.collect::<Result<_, _>>()?;
        if rows.is_empty() {
            return Ok(None);
        }
        let find = |name: &str| -> Result<Zeroizing<[u8; 32]>, StoreError> {
            let (_, key) = rows.iter().find(|(n, _)| n == name).ok_or_else(|| {
                StoreError::Corrupt(format!("the database keeps its keys inside, but its {name} key is not there"))
            })?;
            let array: [u8; 32] =
                key.as_slice().try_into().map_err(|_| StoreError::Corrupt(format!("the {name} key is damaged")))?;
            Ok(Zeroizing::new(array))
        };
        Ok(Some(InnerKeys { pseudonyms: find("pseudonyms")?, signing: find("signing")? }))
    }

    /// SQLCipher's version, or `None` when the library is plain SQLite.
    pub fn cipher_version(&self) -> Result<Option<String>, StoreError> {
        use rusqlite::OptionalExtension;
        Ok(self.conn.query_row("PRAGMA cipher_version", [], |r| r.get(0)).optional()?)
    }

    /// Copies this plain database, whole and consistent, into a new encrypted file at `to`
    /// (SQLCipher's `sqlcipher_export`), with its schema version. `to` must not exist.
    pub fn export_encrypted(&self, to: &Path, key: &DataKey) -> Result<(), StoreError> {
        if to.exists() {
            return Err(StoreError::Invalid(format!("{} already exists", to.display())));
        }
        let version: i64 = self.conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let target = to.to_str().ok_or_else(|| StoreError::Invalid(format!("{}: not a UTF-8 path", to.display())))?;
        let key_value = key.attach_value();
        self.conn.execute("ATTACH DATABASE ?1 AS vault KEY ?2", rusqlite::params![target, key_value.as_str()])?;
        // One transaction: a copy of a database in use is of one moment, whatever another
        // connection commits meanwhile.
        let exported = (|| -> Result<(), StoreError> {
            self.conn.execute_batch("BEGIN")?;
            let copied = self
                .conn
                .query_row("SELECT sqlcipher_export('vault')", [], |_| Ok(()))
                .and_then(|()| self.conn.pragma_update(Some("vault"), "user_version", version));
            match copied {
                Ok(()) => self.conn.execute_batch("COMMIT")?,
                Err(e) => {
                    let _ = self.conn.execute_batch("ROLLBACK");
                    return Err(e.into());
                }
            }
            Ok(())
        })();
        let detached = self.conn.execute_batch("DETACH DATABASE vault");
        exported?;
        detached?;
        Ok(())
    }
}

impl super::Write<'_> {
    /// Keeps the database's two keys inside it (an encrypted database), replacing none: a key
    /// that is there stays.
    pub fn put_vault_keys(&self, pseudonyms: &[u8; 32], signing: &[u8; 32]) -> Result<(), StoreError> {
        for (name, key) in [("pseudonyms", pseudonyms), ("signing", signing)] {
            self.tx.execute("INSERT INTO vault_keys(name, key) VALUES (?1, ?2)", rusqlite::params![name, &key[..]])?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_opens_with_its_passphrase_only() {
        let db = Path::new("/tmp/x.db");
        let key = DataKey::random();
        let header = Header::new(&key, &Passphrase::new("correct horse"), "2026-11-22", db).unwrap();
        assert_eq!(*header.open(&Passphrase::new("correct horse"), db).unwrap().0, *key.0);
        let wrong = header.open(&Passphrase::new("correct horsf"), db).unwrap_err();
        assert!(matches!(wrong, StoreError::WrongPassphrase { .. }), "{wrong}");
    }

    #[test]
    fn a_header_moved_to_another_database_does_not_open() {
        let db = Path::new("/tmp/x.db");
        let key = DataKey::random();
        let passphrase = Passphrase::new("correct horse");
        let mut header = Header::new(&key, &passphrase, "2026-11-22", db).unwrap();
        header.database_id = hex::encode([7u8; 16]);
        assert!(matches!(header.open(&passphrase, db), Err(StoreError::WrongPassphrase { .. })));
    }

    #[test]
    fn the_recovery_key_reads_back_and_a_mistyped_digit_is_caught() {
        let db = Path::new("/tmp/ekn.db");
        let key = DataKey::random();
        let header = Header::new(&key, &Passphrase::new("correct horse"), "2026-11-22", db).unwrap();
        let text = recovery_text(&key, &header, db);
        assert_eq!(*parse_recovery(&text, "r.txt").unwrap().0, *key.0);
        let line = text.lines().find(|l| l.starts_with(RECOVERY_TAG)).unwrap();
        let digit = line.len() - 8;
        let swapped = if &line[digit..digit + 1] == "0" { "1" } else { "0" };
        let typo = text.replace(line, &format!("{}{swapped}{}", &line[..digit], &line[digit + 1..]));
        let err = parse_recovery(&typo, "r.txt").expect_err("a typo is caught").to_string();
        assert!(err.contains("r.txt, line 9") && err.contains("check group"), "{err}");
        assert!(parse_recovery("hello", "r.txt").is_err());
    }

    #[test]
    fn a_file_is_plain_only_when_it_begins_like_sqlite() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.db");
        assert_eq!(file_kind(&path).unwrap(), FileKind::Missing);
        fs::write(&path, b"").unwrap();
        assert_eq!(file_kind(&path).unwrap(), FileKind::Plain);
        fs::write(&path, b"SQLite format 3\0rest").unwrap();
        assert_eq!(file_kind(&path).unwrap(), FileKind::Plain);
        fs::write(&path, [0x5au8; 64]).unwrap();
        assert_eq!(file_kind(&path).unwrap(), FileKind::Encrypted);
    }
}
