//! The vault as the faces reach it: opening a database that may be encrypted, creating one
//! encrypted, its status, changing its passphrase, replacing a forgotten one with the recovery
//! key, and encrypting a plain database in place.
//!
//! An encrypted database keeps its two keys (pseudonyms and documents, the journal's signing key)
//! inside itself; a plain one keeps them in files beside it, as before. Every operation that needs
//! the passphrase checks it before anything is opened for writing: a wrong one changes no byte.

pub mod backup;

use std::path::{Path, PathBuf};

use serde::Serialize;
use zeroize::Zeroizing;

use crate::api::session::context::Context;
use crate::api::session::handles::{Journal, Kernel, KeyRing, Read};
use crate::api::{ApiError, ErrorCode, Session};
use crate::domain::journal::{Entry, VaultChange};
use crate::store::secret::{self, KeyFile};
use crate::store::vault::{self, DataKey, FileKind, Header, Passphrase};
use crate::store::{About, Stamp, Store};

pub use crate::store::vault::{Passphrase as VaultPassphrase, MIN_PASSPHRASE_CHARS};

/// How a database is opened: plain, or with the data key its passphrase unsealed.
#[derive(Debug, Clone)]
pub enum Access {
    Plain,
    Encrypted(DataKey),
}

/// The keys a session works with: pseudonyms and documents, and the journal's signing key.
pub(in crate::api) type Keys = (Zeroizing<[u8; 32]>, Zeroizing<[u8; 32]>);

/// Works out how the existing database at `path` opens for `context`: finishes or undoes an
/// encryption in place that stopped part-way, then reads the file's first bytes; an encrypted one
/// needs the context's passphrase and its vault header.
pub(in crate::api) fn access(path: &Path, context: &Context) -> Result<Access, ApiError> {
    vault::tidy(path)?;
    match vault::file_kind(path)? {
        FileKind::Missing => {
            Store::open_existing(path)?;
            Err(ApiError::new(ErrorCode::NoDatabase, format!("no database at {}", path.display())))
        }
        FileKind::Plain => Ok(Access::Plain),
        FileKind::Encrypted => {
            let header = Header::read(path)?;
            let passphrase =
                context.passphrase.as_ref().ok_or_else(|| crate::store::StoreError::Locked { path: path.into() })?;
            Ok(Access::Encrypted(header.open(passphrase, path)?))
        }
    }
}

/// Opens the store of an existing database with its keys. A plain database's key files are read
/// first and a missing one refused before the database is opened; an encrypted database's keys are
/// read from inside it, and loose key files an encryption in place left behind are shredded.
pub(in crate::api) fn open_store(path: &Path, access: &Access) -> Result<(Store, Keys), ApiError> {
    match access {
        Access::Plain => {
            let keys = (
                Zeroizing::new(secret::load(path, KeyFile::Pseudonyms)?),
                Zeroizing::new(secret::load(path, KeyFile::Signing)?),
            );
            Ok((Store::open_existing(path)?, keys))
        }
        Access::Encrypted(key) => {
            let store = Store::open_existing_keyed(path, Some(key))?;
            let inner = store.vault_keys()?.ok_or_else(|| {
                ApiError::new(ErrorCode::Corrupt, format!("{}: the encrypted database holds no keys", path.display()))
            })?;
            for which in KeyFile::ALL {
                vault::shred(&which.path(path))?;
            }
            Ok((store, (inner.pseudonyms, inner.signing)))
        }
    }
}

/// A new passphrase, checked: long enough to be worth stretching.
pub fn check_new_passphrase(passphrase: &Passphrase) -> Result<(), ApiError> {
    if passphrase.as_str().chars().count() < MIN_PASSPHRASE_CHARS {
        return Err(ApiError::invalid(format!("a passphrase has at least {MIN_PASSPHRASE_CHARS} characters")));
    }
    Ok(())
}

/// What a new encrypted database needs: its passphrase, and where its recovery key is written
/// (a file that must not exist yet).
#[derive(Debug, Clone)]
pub struct NewVault {
    pub passphrase: Passphrase,
    pub recovery_out: PathBuf,
}

/// Refuses a recovery file that exists or whose folder does not, before anything is made.
pub(in crate::api) fn check_recovery_out(out: &Path) -> Result<(), ApiError> {
    if out.exists() {
        return Err(ApiError::invalid(format!(
            "{}: already exists; a recovery key is written to a new file only",
            out.display()
        )));
    }
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        if !dir.is_dir() {
            return Err(ApiError::new(ErrorCode::NotFound, format!("{}: no such folder", dir.display())));
        }
    }
    Ok(())
}

/// Creates the store of a new encrypted database at `path` (which must not exist): the vault
/// header and the recovery key are written first, so the database is never without them, then the
/// database keyed with a new data key. Returns it with its new keys, to be kept inside it by
/// `keep_keys` in the first write.
pub(in crate::api) fn create_encrypted(
    path: &Path,
    new: &NewVault,
    at: &str,
) -> Result<(Store, Keys, Access), ApiError> {
    check_new_passphrase(&new.passphrase)?;
    check_recovery_out(&new.recovery_out)?;
    let key = DataKey::random();
    let header = Header::new(&key, &new.passphrase, at, path)?;
    header.write(path)?;
    vault::write_new_private(&new.recovery_out, vault::recovery_text(&key, &header, path).as_bytes())?;
    let store = Store::open_keyed(path, Some(&key))?;
    let keys = (Zeroizing::new(secret::random_key()), Zeroizing::new(secret::random_key()));
    Ok((store, keys, Access::Encrypted(key)))
}

/// The vault as a capability: the one that sees the whole key ring (to copy the keys into an
/// encrypted database or a backup, and to sign a backup's manifest). `Session::vault` lends it.
pub struct Vault<'s> {
    kernel: Kernel<'s>,
    keys: &'s KeyRing,
}

impl<'s> Vault<'s> {
    pub(in crate::api) fn new(kernel: Kernel<'s>, keys: &'s KeyRing) -> Vault<'s> {
        Vault { kernel, keys }
    }

    fn read(&self) -> Read<'_> {
        self.kernel.read()
    }

    /// The database's key ring, for what re-keys, encrypts or copies the database whole.
    pub(in crate::api) fn ring(&self) -> &'s KeyRing {
        self.keys
    }

    fn journal(&mut self) -> Journal<'_> {
        self.kernel.journal()
    }

    /// Keeps the session's keys inside its (new, encrypted) database, journaled as `change`.
    pub(in crate::api) fn keep_keys(&mut self, change: VaultChange) -> Result<(), ApiError> {
        let (pseudonyms, signing) = (self.keys.files.0.clone(), self.keys.files.1.clone());
        let entry = vault_entry(self.read().database(), change)?;
        self.journal().run(|w| {
            w.put_vault_keys(&pseudonyms, &signing)?;
            w.append(&entry, About::default(), None)?;
            Ok(())
        })
    }
}

fn vault_entry(path: &Path, change: VaultChange) -> Result<Entry, ApiError> {
    let header = Header::read(path)?;
    Ok(Entry::VaultChanged { change, cipher: header.cipher.clone(), kdf: header.kdf.describe() })
}

/// Whether the database at `path` is encrypted (read from its first bytes; false when there is none).
pub fn is_encrypted(path: &Path) -> Result<bool, ApiError> {
    Ok(vault::file_kind(path)? == FileKind::Encrypted)
}

/// What `vault status` shows; read without the passphrase.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct VaultStatus {
    pub database: String,
    /// False for a plain database (and when there is none).
    pub encrypted: bool,
    pub exists: bool,
    /// The vault header's file, when the database is encrypted.
    pub header_file: Option<String>,
    pub database_id: Option<String>,
    pub cipher: Option<String>,
    /// How the passphrase is stretched, in words.
    pub kdf: Option<String>,
    pub created_at: Option<String>,
    pub passphrase_changed_at: Option<String>,
    /// SQLCipher's version as this program links it.
    pub cipher_library: String,
    /// What to do next, in words (a plain database: how to encrypt it).
    pub advice: Option<String>,
}

/// The status of the database at `path`'s encryption, without its passphrase.
pub fn vault_status(path: &Path) -> Result<VaultStatus, ApiError> {
    vault::tidy(path)?;
    let kind = vault::file_kind(path)?;
    let header = if kind == FileKind::Encrypted { Some(Header::read(path)?) } else { None };
    let library = Store::open_in_memory()?.cipher_version()?.unwrap_or_else(|| "none".into());
    Ok(VaultStatus {
        database: path.display().to_string(),
        encrypted: kind == FileKind::Encrypted,
        exists: kind != FileKind::Missing,
        header_file: header.as_ref().map(|_| vault::header_path(path).display().to_string()),
        database_id: header.as_ref().map(|h| h.database_id.clone()),
        cipher: header.as_ref().map(|h| h.cipher.clone()),
        kdf: header.as_ref().map(|h| h.kdf.describe()),
        created_at: header.as_ref().map(|h| h.created_at.clone()),
        passphrase_changed_at: header.as_ref().and_then(|h| h.passphrase_changed_at.clone()),
        cipher_library: format!("SQLCipher {library}"),
        advice: (kind == FileKind::Plain).then(|| {
            "the database is not encrypted: `ekn vault encrypt --recovery-out FILE` encrypts it in place".to_string()
        }),
    })
}

/// Changes the passphrase of the encrypted database at `path`: the context carries the current
/// one, which is checked first. The database's pages keep their key; the header is re-sealed
/// under the new passphrase (whole or not at all), and the change is journaled.
pub fn change_passphrase(path: &Path, new: &Passphrase, context: Context) -> Result<VaultStatus, ApiError> {
    check_new_passphrase(new)?;
    let mut session = Session::open_with(path, context)?;
    let Access::Encrypted(key) = session.vault().ring().access().clone() else {
        return Err(ApiError::invalid(format!("{} is not encrypted; `ekn vault encrypt` encrypts it", path.display())));
    };
    let header = Header::read(path)?;
    let at = session.clock().stamp();
    header.with_passphrase(&key, new, &at, path)?.write(path)?;
    let entry = vault_entry(path, VaultChange::PassphraseChanged)?;
    session.kernel().journal().run(|w| {
        w.append(&entry, About::default(), None)?;
        Ok(())
    })?;
    vault_status(path)
}

/// Sets a new passphrase for the encrypted database at `path` with its recovery key (the text of
/// the file `ekn init --encrypt` wrote). Works with the vault header lost, too: a new one is made.
pub fn recover(path: &Path, recovery_file: &Path, new: &Passphrase, context: Context) -> Result<VaultStatus, ApiError> {
    check_new_passphrase(new)?;
    let name = recovery_file.display().to_string();
    let text = Zeroizing::new(crate::disk::read_to_string(recovery_file).map_err(|e| ApiError::of_file(&name, &e))?);
    let key = vault::parse_recovery(&text, &name)?;
    if vault::file_kind(path)? != FileKind::Encrypted {
        Store::open_existing(path)?;
        return Err(ApiError::invalid(format!("{} is not encrypted; there is nothing to recover", path.display())));
    }
    // The key must open this database before any header is written.
    drop(Store::open_existing_keyed(path, Some(&key)).map_err(|e| match e {
        crate::store::StoreError::VaultMismatch { .. } => {
            ApiError::new(ErrorCode::KeyMismatch, format!("{name}: this recovery key does not open {}", path.display()))
        }
        other => other.into(),
    })?);
    let at = context.clock.stamp();
    let header = match Header::read(path) {
        Ok(old) => old.with_passphrase(&key, new, &at, path)?,
        Err(crate::store::StoreError::VaultHeaderMissing { .. }) => Header::new(&key, new, &at, path)?,
        Err(other) => return Err(other.into()),
    };
    header.write(path)?;
    let mut session = Session::open_with(path, context.with_passphrase(new.clone()))?;
    let entry = vault_entry(path, VaultChange::Recovered)?;
    session.kernel().journal().run(|w| {
        w.append(&entry, About::default(), None)?;
        Ok(())
    })?;
    vault_status(path)
}

/// Encrypts the plain database at `path` in place, so that a crash at any point leaves either the
/// old plain file or the new encrypted one, whole:
/// 1. the header and the recovery key are written (a header beside a plain file is ignored);
/// 2. an encrypted copy is made beside it (`<db>.encrypting`), its keys put inside it and the
///    encryption journaled there;
/// 3. the plain file gets a second name (`<db>.plain-replaced`, the same file), the copy is renamed
///    over the database — the one step that switches, atomic — and the directory flushed;
/// 4. the plain file is overwritten with zeros and removed, and so are the loose key files.
///
/// A crash before 3 leaves the plain database, and the next open removes the copy; after 3, the
/// next open finishes 4. Another program with the database open (`ekn serve`) makes it refuse.
pub fn encrypt_in_place(path: &Path, new: &NewVault, context: Context) -> Result<VaultStatus, ApiError> {
    check_new_passphrase(&new.passphrase)?;
    vault::tidy(path)?;
    match vault::file_kind(path)? {
        FileKind::Missing => {
            Store::open_existing(path)?;
        }
        FileKind::Encrypted => return Err(ApiError::invalid(format!("{} is encrypted already", path.display()))),
        FileKind::Plain => {}
    }
    check_recovery_out(&new.recovery_out)?;
    let copy = vault::encrypting_path(path);
    let key = DataKey::random();
    {
        // The plain database as it stands: its keys must be there (they move inside), and its
        // journal is sealed up to date before it is copied.
        let mut session = Session::open_with(path, context.clone())?;
        let stamp = session.read().stamp()?;
        let files = &session.vault().ring().files;
        let (pseudonyms, signing) = (files.0.clone(), files.1.clone());
        session.read().store().checkpoint()?;
        let header = Header::new(&key, &new.passphrase, &stamp.at, path)?;
        header.write(path)?;
        vault::write_new_private(&new.recovery_out, vault::recovery_text(&key, &header, path).as_bytes())?;
        session.read().store().export_encrypted(&copy, &key)?;
        let mut encrypted = Store::open_existing_keyed(&copy, Some(&key))?;
        journal_encryption(&mut encrypted, stamp, &pseudonyms, &signing, path)?;
        encrypted.checkpoint()?;
    }
    vault::switch_to_encrypted_copy(path)?;
    // Opening the encrypted database shreds the loose key files and seals the journal's new entry.
    let mut session = Session::open_with(path, context.with_passphrase(new.passphrase.clone()))?;
    session.seal_head()?;
    vault_status(path)
}

/// Puts the keys inside the encrypted copy and journals the encryption there, committed but not
/// yet sealed: the checkpoint beside the database still describes the plain file until the copy
/// replaces it, and is extended by the first open of the encrypted one.
fn journal_encryption(
    store: &mut Store,
    stamp: Stamp,
    pseudonyms: &[u8; 32],
    signing: &[u8; 32],
    path: &Path,
) -> Result<(), ApiError> {
    let entry = vault_entry(path, VaultChange::Encrypted)?;
    let mut write = store.write(stamp)?;
    write.put_vault_keys(pseudonyms, signing)?;
    write.append(&entry, About::default(), None)?;
    write.commit()?;
    Ok(())
}
