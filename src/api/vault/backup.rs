//! Backups that restore: `ekn backup --out FILE` makes one consistent, encrypted copy of a database
//! in use, with a manifest of every member signed by the database's own journal key, and journals it;
//! `ekn restore FILE --to PATH` checks every member against the manifest and the signature, writes
//! a new database (never over one), verifies its journal, and begins a new epoch in it.
//!
//! The copy is encrypted whatever the original is: an encrypted database's backup opens with its
//! passphrase of the day (and its recovery key, which never changes); a plain database's backup
//! needs a passphrase given for it, since a backup travels further than the laptop.

use std::path::Path;
use std::time::Instant;

use ed25519_dalek::{Signature, SigningKey, Verifier};
use serde::{Deserialize, Serialize};

use crate::api::session::context::Context;
use crate::api::session::journal::verify_with;
use crate::api::vault::Vault;
use crate::api::vault::{check_new_passphrase, Access};
use crate::api::{ApiError, ErrorCode, Session};
use crate::domain::digest::sha256_hex;
use crate::domain::journal::{BackupPassphrase, Entry, VaultChange};
use crate::store::backup::{
    self as file, Archive, CHECKPOINT_MEMBER, DATABASE_MEMBER, FILES_PREFIX, HEADER_MEMBER, MANIFEST_MEMBER,
    SIGNATURE_MEMBER,
};
use crate::store::vault::{DataKey, Header, Passphrase};
use crate::store::{About, Store};

const MANIFEST_FORMAT: &str = "ekn.backup/1";

/// What a backup holds, signed: every member's digest, the journal it carries, who made it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BackupManifest {
    pub format: String,
    pub made_at: String,
    pub made_by: String,
    /// The original database's file name.
    pub source: String,
    /// The epoch of the original when the backup was made.
    pub epoch: i64,
    pub journal_entries: i64,
    pub journal_head: Option<String>,
    pub encrypted_with: BackupPassphrase,
    /// The public half of the key that signed this manifest (the journal's signing key, kept
    /// inside the encrypted copy: a restore checks the two agree).
    pub signing_key: String,
    pub members: Vec<MemberDigest>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberDigest {
    pub name: String,
    pub sha256: String,
    pub bytes: u64,
}

/// What `ekn backup` reports.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct BackupReport {
    pub file: String,
    pub bytes: u64,
    pub manifest_sha256: String,
    pub journal_entries: i64,
    pub documents: usize,
    pub encrypted_with: BackupPassphrase,
    pub seconds: f64,
}

/// What `ekn restore` reports.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct RestoreReport {
    pub database: String,
    pub from_file: String,
    pub made_at: String,
    pub made_by: String,
    pub journal_entries: i64,
    pub documents: usize,
    /// The restored database's epoch (one more than the backup's original).
    pub epoch: i64,
    /// The restored journal verified (it must, or nothing is left behind).
    pub journal_verified: bool,
    pub seconds: f64,
}

impl Vault<'_> {
    /// Backs the database up to the new file `out`. A plain database's backup is encrypted under
    /// `passphrase` (required then, ignored for an encrypted database).
    pub fn backup(&mut self, out: &Path, passphrase: Option<&Passphrase>) -> Result<BackupReport, ApiError> {
        let started = Instant::now();
        if out.exists() {
            return Err(ApiError::invalid(format!(
                "{} already exists; a backup is written to a new file only",
                out.display()
            )));
        }
        let stamp = self.read().stamp()?;
        let (key, header, encrypted_with) = match &self.keys.access {
            Access::Encrypted(key) => (key.clone(), Header::read(self.read().database())?, BackupPassphrase::Database),
            Access::Plain => {
                let passphrase = passphrase.ok_or_else(|| {
                    ApiError::invalid(
                        "a backup is always encrypted: give the passphrase it will open with (EKN_PASSPHRASE, or the prompt)",
                    )
                })?;
                check_new_passphrase(passphrase)?;
                let key = DataKey::random();
                let header = Header::new(&key, passphrase, &stamp.at, out)?;
                (key, header, BackupPassphrase::Given)
            }
        };
        // The checkpoint is read before the copy is made, so it never covers more than the copy.
        let (checkpoint, documents) = file::beside_database(self.read().database())?;
        let scratch = file::scratch_path(out);
        crate::store::vault::shred(&scratch)?;
        self.read().store().export_encrypted(&scratch, &key)?;
        let (journal_entries, journal_head) = {
            let mut copy = Store::open_existing_keyed(&scratch, Some(&key))?;
            if encrypted_with == BackupPassphrase::Given {
                // The plain original's keys go inside the copy, journaled there.
                let entry = Entry::VaultChanged {
                    change: VaultChange::CopiedForBackup,
                    cipher: header.cipher.clone(),
                    kdf: header.kdf.describe(),
                };
                let mut write = copy.write(stamp.clone())?;
                write.put_vault_keys(&self.keys.files.0, &self.keys.files.1)?;
                write.append(&entry, About::default(), None)?;
                write.commit()?;
            }
            copy.checkpoint()?;
            copy.quick_check()?;
            let head = copy.journal_head()?;
            (head.as_ref().map_or(0, |h| h.0), head.map(|h| h.1))
        };

        let header_text = serde_json::to_vec_pretty(&header).map_err(internal)?;
        let mut members = vec![member(HEADER_MEMBER, &header_text)];
        if let Some(text) = &checkpoint {
            members.push(member(CHECKPOINT_MEMBER, text.as_bytes()));
        }
        let (sha256, bytes) = file::digest_file(&scratch)?;
        members.push(MemberDigest { name: DATABASE_MEMBER.into(), sha256, bytes });
        for (name, path) in &documents {
            let (sha256, bytes) = file::digest_file(path)?;
            members.push(MemberDigest { name: name.clone(), sha256, bytes });
        }
        let manifest = BackupManifest {
            format: MANIFEST_FORMAT.into(),
            made_at: stamp.at.clone(),
            made_by: stamp.actor.person.clone(),
            source: self.read().database().file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            epoch: self.read().store().epoch()?,
            journal_entries,
            journal_head,
            encrypted_with,
            signing_key: self.keys.sealer().public_hex(),
            members,
        };
        let manifest_bytes = serde_json::to_vec_pretty(&manifest).map_err(internal)?;
        let signature = hex::encode(self.keys.sealer().sign(&manifest_bytes).to_bytes());
        let mut small: Vec<(&str, &[u8])> = vec![
            (MANIFEST_MEMBER, &manifest_bytes),
            (SIGNATURE_MEMBER, signature.as_bytes()),
            (HEADER_MEMBER, &header_text),
        ];
        if let Some(text) = &checkpoint {
            small.push((CHECKPOINT_MEMBER, text.as_bytes()));
        }
        file::write_archive(out, &scratch, &small, &documents)?;

        let manifest_sha256 = sha256_hex(&manifest_bytes);
        let entry = Entry::BackupMade {
            file: out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            manifest_sha256: manifest_sha256.clone(),
            journal_entries,
            encrypted_with,
        };
        self.journal().run(|w| {
            w.append(&entry, About::default(), None)?;
            Ok(())
        })?;
        let bytes = std::fs::metadata(out).map(|m| m.len()).unwrap_or(0);
        Ok(BackupReport {
            file: out.display().to_string(),
            bytes,
            manifest_sha256,
            journal_entries,
            documents: documents.len(),
            encrypted_with,
            seconds: started.elapsed().as_secs_f64(),
        })
    }
}

fn member(name: &str, bytes: &[u8]) -> MemberDigest {
    MemberDigest { name: name.into(), sha256: sha256_hex(bytes), bytes: bytes.len() as u64 }
}

fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError::new(ErrorCode::Internal, e.to_string())
}

/// Restores the backup `backup` to the new database `to`, opened with the context's passphrase
/// (the one the backup was made under). Nothing is left at `to` unless every member matches the
/// signed manifest and the restored journal verifies.
pub fn restore(backup: &Path, to: &Path, context: Context) -> Result<RestoreReport, ApiError> {
    let started = Instant::now();
    file::check_restore_target(to)?;
    let label = backup.display().to_string();
    let mut archive = Archive::open(backup)?;
    let manifest_bytes = archive.small(MANIFEST_MEMBER)?;
    let manifest: BackupManifest = serde_json::from_slice(&manifest_bytes)
        .map_err(|e| ApiError::new(ErrorCode::Corrupt, format!("{label}: {MANIFEST_MEMBER}: {e}")))?;
    if manifest.format != MANIFEST_FORMAT {
        return Err(ApiError::invalid(format!(
            "{label}: backup format {} is not one this program reads ({MANIFEST_FORMAT})",
            manifest.format
        )));
    }
    let damaged = |what: &str| {
        ApiError::new(ErrorCode::Corrupt, format!("{label}: {what}; the backup is damaged or was altered"))
    };
    let expected = |name: &str| manifest.members.iter().find(|m| m.name == name);
    // Every member is named in the manifest, and every member named is there.
    let names = archive.names();
    for name in &names {
        if name != MANIFEST_MEMBER && name != SIGNATURE_MEMBER && expected(name).is_none() {
            return Err(damaged(&format!("{name} is not in its manifest")));
        }
    }
    for m in &manifest.members {
        if !names.contains(&m.name) {
            return Err(damaged(&format!("{} is missing", m.name)));
        }
    }
    let check_small = |name: &str, bytes: &[u8]| match expected(name) {
        Some(m) if m.sha256 == sha256_hex(bytes) => Ok(()),
        _ => Err(damaged(&format!("{name} does not match its manifest"))),
    };
    let header_bytes = archive.small(HEADER_MEMBER)?;
    check_small(HEADER_MEMBER, &header_bytes)?;
    let header_text = String::from_utf8(header_bytes).map_err(|_| damaged("vault.json is not text"))?;
    let header = Header::parse(&header_text, &format!("{label}: {HEADER_MEMBER}"))?;
    let checkpoint = match expected(CHECKPOINT_MEMBER) {
        Some(_) => {
            let bytes = archive.small(CHECKPOINT_MEMBER)?;
            check_small(CHECKPOINT_MEMBER, &bytes)?;
            Some(String::from_utf8(bytes).map_err(|_| damaged("checkpoint.json is not text"))?)
        }
        None => None,
    };
    let signature = archive.small(SIGNATURE_MEMBER)?;
    let passphrase =
        context.passphrase.clone().ok_or_else(|| crate::store::StoreError::Locked { path: backup.to_path_buf() })?;
    let key = header.open(&passphrase, backup)?;

    let restored = (|| -> Result<RestoreReport, ApiError> {
        let restoring = file::restoring_path(to);
        let (sha256, _) = archive.extract(DATABASE_MEMBER, &restoring)?;
        if expected(DATABASE_MEMBER).map(|m| &m.sha256) != Some(&sha256) {
            return Err(damaged(&format!("{DATABASE_MEMBER} does not match its manifest")));
        }
        {
            let store = Store::open_existing_keyed(&restoring, Some(&key))?;
            store.quick_check().map_err(|e| damaged(&format!("{DATABASE_MEMBER}: {e}")))?;
            let keys = store.vault_keys()?.ok_or_else(|| damaged("the database in it holds no keys"))?;
            let signer = SigningKey::from_bytes(&keys.signing);
            if hex::encode(signer.verifying_key().as_bytes()) != manifest.signing_key {
                return Err(damaged("the manifest was signed by another office's key"));
            }
            let signature = hex::decode(String::from_utf8_lossy(&signature).trim())
                .ok()
                .and_then(|bytes| Signature::from_slice(&bytes).ok())
                .ok_or_else(|| damaged("manifest.sig is not a signature"))?;
            signer
                .verifying_key()
                .verify(&manifest_bytes, &signature)
                .map_err(|_| damaged("the manifest's signature does not verify"))?;
        }
        let mut documents = 0;
        for m in manifest.members.iter().filter(|m| m.name.starts_with(FILES_PREFIX)) {
            let path = file::restored_document_path(to, &m.name)?;
            let (sha256, _) = archive.extract(&m.name, &path)?;
            if sha256 != m.sha256 {
                return Err(damaged(&format!("{} does not match its manifest", m.name)));
            }
            documents += 1;
        }
        header.write(to)?;
        if let Some(text) = &checkpoint {
            file::write_restored_checkpoint(to, text)?;
        }
        file::finish_restore(to)?;

        let access = Access::Encrypted(key.clone());
        let verification = verify_with(to, &access)?;
        if !verification.ok {
            let problems: Vec<String> = verification.problems.iter().map(|p| p.text()).collect();
            return Err(ApiError::new(
                ErrorCode::JournalBroken,
                format!("{label}: the restored journal does not verify: {}", problems.join("; ")),
            ));
        }
        let mut session = Session::open_with(to, context.with_passphrase(passphrase.clone()))?;
        let epoch = manifest.epoch.max(session.read().store().epoch()?) + 1;
        let manifest_sha256 = sha256_hex(&manifest_bytes);
        let file_name = backup.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let entry = Entry::Restored {
            file: file_name.clone(),
            manifest_sha256: manifest_sha256.clone(),
            made_at: manifest.made_at.clone(),
            made_by: manifest.made_by.clone(),
            journal_entries: manifest.journal_entries,
            epoch,
        };
        session.kernel().journal().run(|w| {
            w.record_restore(epoch, &file_name, &manifest_sha256, manifest.journal_entries)?;
            w.append(&entry, About::default(), None)?;
            Ok(())
        })?;
        Ok(RestoreReport {
            database: to.display().to_string(),
            from_file: label.clone(),
            made_at: manifest.made_at.clone(),
            made_by: manifest.made_by.clone(),
            journal_entries: manifest.journal_entries,
            documents,
            epoch,
            journal_verified: true,
            seconds: started.elapsed().as_secs_f64(),
        })
    })();
    if restored.is_err() {
        file::abandon_restore(to);
    }
    restored
}

/// Settings → Vault: the encryption's status, the epoch, and the last backup.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct VaultOverview {
    pub status: crate::api::VaultStatus,
    pub epoch: i64,
    pub last_backup: Option<LastBackup>,
    /// Where "back up now" writes.
    pub backups_dir: String,
    /// The backups in that folder, newest first, by file name.
    pub backups: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct LastBackup {
    pub at: String,
    pub person: String,
    pub file: String,
}

impl Vault<'_> {
    /// What Settings → Vault shows.
    pub fn overview(&self) -> Result<VaultOverview, ApiError> {
        let filter = crate::store::journal::JournalFilter {
            kind: Some("backup_made".into()),
            limit: Some(1),
            ..Default::default()
        };
        let last_backup = self.read().store().journal_entries(&filter)?.pop().map(|e| {
            let file = match serde_json::from_str::<Entry>(&e.payload) {
                Ok(Entry::BackupMade { file, .. }) => file,
                _ => String::new(),
            };
            LastBackup { at: e.at, person: e.person, file }
        });
        Ok(VaultOverview {
            status: crate::api::vault_status(self.read().database())?,
            epoch: self.read().store().epoch()?,
            last_backup,
            backups_dir: backups_dir(self.read().database()).display().to_string(),
            backups: backups_in(&backups_dir(self.read().database())),
        })
    }

    /// Settings → Vault → restore: the backup `file` (a name in the backups folder) restored to a
    /// new database `to` (a file name beside this one; never over an existing file), opened with
    /// `passphrase` or, when none is given, this database's own. The session stays on its database.
    pub fn restore_from_backups(
        &self,
        file: &str,
        to: &str,
        passphrase: Option<Passphrase>,
    ) -> Result<RestoreReport, ApiError> {
        let plain_name = |name: &str, what: &str| -> Result<(), ApiError> {
            let ok = !name.trim().is_empty()
                && !name.contains(['/', '\\'])
                && name != "."
                && name != ".."
                && !name.chars().any(char::is_control);
            if ok {
                Ok(())
            } else {
                Err(ApiError::invalid(format!("{what} '{name}' must be a file name, not a path")))
            }
        };
        plain_name(file, "the backup")?;
        plain_name(to, "the new database")?;
        let dir = backups_dir(self.read().database());
        let backup = dir.join(file);
        if !backup.is_file() {
            return Err(ApiError::new(ErrorCode::NotFound, format!("no backup {file} in {}", dir.display())));
        }
        let target = self.read().database().parent().unwrap_or(Path::new(".")).join(to);
        let context = match passphrase {
            Some(p) => self.read().context().clone().with_passphrase(p),
            None => self.read().context().clone(),
        };
        restore(&backup, &target, context)
    }

    /// "Back up now": a backup in the folder beside the database, named by the database and the
    /// moment. A plain database's backup needs the passphrase it will open with.
    pub fn backup_now(&mut self, passphrase: Option<&Passphrase>) -> Result<BackupReport, ApiError> {
        let dir = backups_dir(self.read().database());
        crate::store::backup::ensure_dir(&dir)?;
        let stem = self
            .read()
            .database()
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "ekn".into());
        let moment = self.read().context().clock.now().format("%Y%m%d-%H%M%S");
        self.backup(&dir.join(format!("{stem}-{moment}.ekn-backup")), passphrase)
    }
}

/// The backup files in `dir`, newest name first (names carry the moment).
fn backups_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .filter(|e| e.path().is_file())
                .filter_map(|e| e.file_name().to_str().map(str::to_string))
                .filter(|n| n.ends_with(".ekn-backup"))
                .collect()
        })
        .unwrap_or_default();
    names.sort_unstable_by(|a, b| b.cmp(a));
    names
}

/// The folder "back up now" writes to: `backups/` beside the database.
pub fn backups_dir(db: &Path) -> std::path::PathBuf {
    crate::store::files::DbFiles::of(db).backups
}
