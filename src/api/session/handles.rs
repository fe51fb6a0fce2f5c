//! The handles a session lends its capabilities, so that what a piece of code may touch is written
//! in its type (after rust-analyzer's host and snapshot, and GitButler's read and write tokens):
//!
//! - `Read` answers queries: the store to read, the clock, who acts, and the caches (`Memo`).
//! - `Journal` is the one way to write: a transaction by a stamped person, committed with its
//!   journal entries, the journal's head sealed, and the caches those entries name forgotten.
//! - `Kernel` is what every capability handle is built on: it lends a `Read` or a `Journal` per
//!   call, never both at once, so the borrow checker sees a read and a write apart.
//! - The secrets are lent narrowly: `Sealer` (the signing key, for what the database signs),
//!   `Documents` (the sealed documents beside the database). Only the vault sees the whole ring.
//!
//! Every capability is a handle (`s.tasks()`, `s.registry()`, `s.office()`, …) holding a `Kernel`
//! and only the secrets `Kernel::<capability>()` below gives it; the key ring's fields stay in this
//! module. A handle calls another by lending its kernel for the call (`self.kernel.lend().tasks()`);
//! what it only reads of another is a `Read` method, written in the folder that owns it.

use std::path::Path;

use ed25519_dalek::{Signer as _, SigningKey};

use crate::api::acts::Acts;
use crate::api::analytics::Analytics;
use crate::api::appeals::Appeals;
use crate::api::connectors::Connectors;
use crate::api::deadlines::Deadlines;
use crate::api::evidence::Evidence;
use crate::api::models::Models;
use crate::api::office::Office;
use crate::api::registry::Registry;
use crate::api::retention::Retention;
use crate::api::screens::Screens;
use crate::api::tasks::Tasks;
use crate::api::vault::{Access, Keys, Vault};
use crate::api::{ApiError, ErrorCode};
use crate::domain::journal::{Actor, Entry, RecordRef};
use crate::domain::privacy::Pseudonymiser;
use crate::store::blobs::BlobStore;
use crate::store::{About, Stamp, Store, Write};

use super::context::{os_user, Clock, Context};
use super::memo::Memo;

/// The database's secrets: the pseudonymiser and the document cipher (from the pseudonyms key),
/// the signing key, the two keys as files hold them, and how the database was opened.
pub(in crate::api) struct KeyRing {
    pub(in crate::api) pseudonymiser: Pseudonymiser,
    pub(in crate::api) signer: SigningKey,
    /// The attached documents, sealed with the database's key.
    pub(in crate::api) blobs: BlobStore,
    /// The database's two keys (pseudonyms and documents, signing), kept to move them inside an
    /// encrypted copy.
    pub(in crate::api) files: Keys,
    /// How the database was opened (plain, or with its data key).
    pub(in crate::api) access: Access,
}

impl KeyRing {
    pub(in crate::api) fn new(path: &Path, files: Keys, access: Access) -> KeyRing {
        KeyRing {
            pseudonymiser: Pseudonymiser::new(*files.0),
            signer: SigningKey::from_bytes(&files.1),
            blobs: BlobStore::new(path, &files.0),
            files,
            access,
        }
    }

    pub(in crate::api) fn sealer(&self) -> Sealer<'_> {
        Sealer(&self.signer)
    }

    pub(in crate::api) fn documents(&self) -> Documents<'_> {
        Documents(&self.blobs)
    }

    /// The pseudonymiser, lent to what imports (applicants become pseudonyms at the door).
    pub(in crate::api) fn pseudonyms(&self) -> &Pseudonymiser {
        &self.pseudonymiser
    }

    /// How the database was opened, for what verifies its journal from its file.
    pub(in crate::api) fn access(&self) -> &Access {
        &self.access
    }

    /// Whether the database was opened encrypted.
    pub(in crate::api) fn is_encrypted(&self) -> bool {
        matches!(self.access, Access::Encrypted(_))
    }
}

/// The signing key, lent to what the database signs (a backup's manifest, an evidence package,
/// a request to the office).
#[derive(Clone, Copy)]
pub(in crate::api) struct Sealer<'s>(&'s SigningKey);

impl<'s> Sealer<'s> {
    pub(in crate::api) fn sign(&self, bytes: &[u8]) -> ed25519_dalek::Signature {
        self.0.sign(bytes)
    }

    /// The public half, in hex: how a signature's maker is named.
    pub(in crate::api) fn public_hex(&self) -> String {
        hex::encode(self.0.verifying_key().as_bytes())
    }

    pub(in crate::api) fn key(&self) -> &'s SigningKey {
        self.0
    }
}

/// The sealed documents beside the database, lent to what attaches, opens or destroys them.
#[derive(Clone, Copy)]
pub(in crate::api) struct Documents<'s>(&'s BlobStore);

impl<'s> Documents<'s> {
    pub(in crate::api) fn blobs(&self) -> &'s BlobStore {
        self.0
    }
}

/// A snapshot for queries: the store to read, the database's place, the face's context and the
/// caches. Holding one writes nothing.
#[derive(Clone, Copy)]
pub(in crate::api) struct Read<'s> {
    store: &'s Store,
    path: &'s Path,
    context: &'s Context,
    memo: &'s Memo,
}

impl<'s> Read<'s> {
    pub(in crate::api) fn new(store: &'s Store, path: &'s Path, context: &'s Context, memo: &'s Memo) -> Read<'s> {
        Read { store, path, context, memo }
    }

    pub(in crate::api) fn store(&self) -> &'s Store {
        self.store
    }

    /// The database file.
    pub(in crate::api) fn database(&self) -> &'s Path {
        self.path
    }

    pub(in crate::api) fn context(&self) -> &'s Context {
        self.context
    }

    pub(in crate::api) fn memo(&self) -> &'s Memo {
        self.memo
    }

    pub(in crate::api) fn clock(&self) -> &'s dyn Clock {
        self.context.clock.as_ref()
    }

    /// Today's date in Kazakhstan by the session's clock.
    pub(in crate::api) fn today(&self) -> chrono::NaiveDate {
        self.context.clock.today()
    }

    /// Who is acting. On a workstation that joined an office, the enrolled person, always: a
    /// different typed name is refused, not recorded. Otherwise the person the face named, else
    /// Settings' "me", else the OS user.
    pub(in crate::api) fn actor(&self) -> Result<Actor, ApiError> {
        if let Some(link) = self.store.office_link()? {
            if let Some(named) = self.context.person.as_ref().filter(|named| **named != link.person) {
                return Err(ApiError::new(
                    ErrorCode::NotEnrolledPerson,
                    format!(
                        "this workstation is enrolled in the office to {}; it does not write as {named} (drop --as / EKN_USER)",
                        link.person
                    ),
                ));
            }
            return Ok(Actor { person: link.person, face: self.context.face });
        }
        let person = match &self.context.person {
            Some(person) => person.clone(),
            None => match self.store.setting("ui.assignee")?.filter(|p| !p.trim().is_empty()) {
                Some(me) => me,
                None => os_user(),
            },
        };
        Ok(Actor { person, face: self.context.face })
    }

    /// The stamp of a write made now by the acting person.
    pub(in crate::api) fn stamp(&self) -> Result<Stamp, ApiError> {
        Ok(Stamp { at: self.context.clock.stamp(), actor: self.actor()? })
    }

    /// The stamp of a write the product makes on its own (a recomputation after a rule changed).
    pub(in crate::api) fn system_stamp(&self) -> Stamp {
        Stamp { at: self.context.clock.stamp(), actor: Actor::system() }
    }
}

impl<'s> Read<'s> {
    /// The reads the office must hear of, named as what they are: each queues a row for the
    /// office's access log (who looked at whom) as it reads.
    pub(in crate::api) fn logged(&self) -> Logged<'s> {
        Logged { read: *self }
    }
}

/// A read the office must hear of (a card, an appeal card, an evidence package, a search, a part
/// of a card, an export): it queues a row for the office's access log, and nothing on a
/// workstation that has not joined an office. The one place in `api` that writes the access
/// queue (`tests/core/architecture.rs`), so a query that does says so at its call:
/// `self.read().logged().card(bin)`.
pub(in crate::api) struct Logged<'s> {
    read: Read<'s>,
}

impl Logged<'_> {
    /// An object's card was read.
    pub(in crate::api) fn card(&self, bin: &str) -> Result<(), ApiError> {
        self.access("card", Some(bin), None)
    }

    /// An appeal's card was read.
    pub(in crate::api) fn appeal(&self, appeal_no: &str) -> Result<(), ApiError> {
        self.access("appeal", Some(appeal_no), None)
    }

    /// A colleague's appeal, read with the deadline task that brought its paper here: its district
    /// is the paper's (this workstation holds no appeal row for it).
    pub(in crate::api) fn colleagues_appeal(&self, appeal_no: &str, district: Option<&str>) -> Result<(), ApiError> {
        self.queue("appeal", Some(appeal_no), district, Some("with its task"))
    }

    /// A search was run (its words are not logged: they may name a person).
    pub(in crate::api) fn search(&self) -> Result<(), ApiError> {
        self.access("search", None, None)
    }

    /// An object's evidence package was built.
    pub(in crate::api) fn package(&self, bin: &str) -> Result<(), ApiError> {
        self.access("package", Some(bin), None)
    }

    /// A part of an object's card was read (an attached document, an act's outcomes): logged as
    /// a card read saying which part, since the office logs the reads a workstation may report
    /// (card, appeal, package, search, export) and a document is part of its object's card.
    pub(in crate::api) fn card_part(&self, bin: &str, part: &str) -> Result<(), ApiError> {
        self.access("card", Some(bin), Some(part))
    }

    /// Something was exported (an act drafted from a card, a file of records written out),
    /// saying what.
    pub(in crate::api) fn export(&self, subject: Option<&str>, what: &str) -> Result<(), ApiError> {
        self.access("export", subject, Some(what))
    }

    fn access(&self, action: &str, subject: Option<&str>, detail: Option<&str>) -> Result<(), ApiError> {
        let store = self.read.store();
        let district = match subject {
            Some(s) if action == "appeal" => store.appeal_kato(s)?,
            Some(s) => store.subject_kato(s)?,
            None => None,
        };
        self.queue(action, subject, district.as_deref(), detail)
    }

    fn queue(
        &self,
        action: &str,
        subject: Option<&str>,
        district: Option<&str>,
        detail: Option<&str>,
    ) -> Result<(), ApiError> {
        self.read.store().queue_read(&self.read.clock().stamp(), action, subject, district, detail)?;
        Ok(())
    }
}

/// The one write path: what a journaled write needs and nothing more.
pub(in crate::api) struct Journal<'s> {
    pub(super) store: &'s mut Store,
    pub(super) path: &'s Path,
    pub(super) context: &'s Context,
    pub(super) memo: &'s Memo,
    pub(super) signer: &'s SigningKey,
}

impl<'s> Journal<'s> {
    /// The store under the write lock's owner, for what the journal module itself does (sealing,
    /// starting a new checkpoint) and for the database's own upkeep that changes no record
    /// (`secure_delete`, a checkpoint of the write-ahead log).
    pub(in crate::api) fn store(&mut self) -> &mut Store {
        self.store
    }

    pub(in crate::api) fn read(&self) -> Read<'_> {
        Read { store: self.store, path: self.path, context: self.context, memo: self.memo }
    }

    /// Runs `f` inside one write by `stamp`, commits it with its journal entries, seals, and
    /// forgets the caches the entries name.
    pub(in crate::api) fn run_as<T>(
        &mut self,
        stamp: Stamp,
        f: impl FnOnce(&mut Write<'_>) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let mut write = self.store.write(stamp)?;
        let out = f(&mut write)?;
        let entries = write.commit()?;
        self.memo.after_commit(&entries);
        self.seal(entries.first().map_or(1, |e| e.seq))?;
        Ok(out)
    }

    /// Runs `f` inside one write by the acting person.
    pub(in crate::api) fn run<T>(
        &mut self,
        f: impl FnOnce(&mut Write<'_>) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let stamp = self.read().stamp()?;
        self.run_as(stamp, f)
    }

    /// Sets a setting, journaled; a value already set writes nothing.
    pub(in crate::api) fn set_setting(&mut self, key: &str, value: &str) -> Result<(), ApiError> {
        if self.store.setting(key)?.as_deref() == Some(value) {
            return Ok(());
        }
        self.run(|w| {
            w.set_setting(key, value)?;
            let entry = Entry::SettingChanged { key: key.into(), value: value.into() };
            w.append(&entry, About::default(), Some(RecordRef::Setting(key.into())))?;
            Ok(())
        })
    }
}

/// What every capability handle is built on: the store, the database's place, the face's
/// context, the caches and the key ring. It lends a `Read` or a `Journal` per call, and lends
/// each capability its handle (`tasks()`, `registry()`, …) with only the secrets that capability
/// uses: the ring itself stays private to this module.
pub(in crate::api) struct Kernel<'s> {
    store: &'s mut Store,
    path: &'s Path,
    context: &'s Context,
    memo: &'s Memo,
    keys: &'s KeyRing,
}

impl<'s> Kernel<'s> {
    pub(in crate::api) fn new(
        store: &'s mut Store,
        path: &'s Path,
        context: &'s Context,
        memo: &'s Memo,
        keys: &'s KeyRing,
    ) -> Kernel<'s> {
        Kernel { store, path, context, memo, keys }
    }

    pub(in crate::api) fn read(&self) -> Read<'_> {
        Read { store: self.store, path: self.path, context: self.context, memo: self.memo }
    }

    pub(in crate::api) fn journal(&mut self) -> Journal<'_> {
        Journal {
            store: self.store,
            path: self.path,
            context: self.context,
            memo: self.memo,
            signer: &self.keys.signer,
        }
    }

    /// The same kernel for a shorter while: what one capability lends another it calls (an
    /// import planning a task: `self.kernel.lend().tasks()`).
    pub(in crate::api) fn lend(&mut self) -> Kernel<'_> {
        Kernel { store: self.store, path: self.path, context: self.context, memo: self.memo, keys: self.keys }
    }
}

/// What each capability is lent: the kernel, and the secrets it uses and no other.
impl<'s> Kernel<'s> {
    pub(in crate::api) fn office(self) -> Office<'s> {
        let (sealer, encrypted) = (self.keys.sealer(), self.keys.is_encrypted());
        Office::new(self, sealer, encrypted)
    }

    pub(in crate::api) fn connectors(self) -> Connectors<'s> {
        let documents = self.keys.documents();
        Connectors::new(self, documents)
    }

    /// The vault sees the whole ring: it backs the keys up, restores and rotates them.
    pub(in crate::api) fn vault(self) -> Vault<'s> {
        let keys = self.keys;
        Vault::new(self, keys)
    }

    pub(in crate::api) fn retention(self) -> Retention<'s> {
        Retention::new(self)
    }

    pub(in crate::api) fn models(self) -> Models<'s> {
        Models::new(self)
    }

    pub(in crate::api) fn evidence(self) -> Evidence<'s> {
        let (documents, sealer) = (self.keys.documents(), self.keys.sealer());
        Evidence::new(self, documents, sealer)
    }

    pub(in crate::api) fn screens(self) -> Screens<'s> {
        Screens::new(self)
    }

    pub(in crate::api) fn analytics(self) -> Analytics<'s> {
        Analytics::new(self)
    }

    pub(in crate::api) fn acts(self) -> Acts<'s> {
        Acts::new(self)
    }

    pub(in crate::api) fn registry(self) -> Registry<'s> {
        let pseudonyms = self.keys.pseudonyms();
        Registry::new(self, pseudonyms)
    }

    pub(in crate::api) fn appeals(self) -> Appeals<'s> {
        Appeals::new(self)
    }

    pub(in crate::api) fn deadlines(self) -> Deadlines<'s> {
        Deadlines::new(self)
    }

    pub(in crate::api) fn tasks(self) -> Tasks<'s> {
        Tasks::new(self)
    }
}
