//! The session kernel: an open database with its keys and the `Context` of the face that opened
//! it (the clock, who acts through which face), the capability handles it lends (`s.tasks()`,
//! `s.registry()`, …; each writes through its `journal()`: one journaled write, committed, then the
//! journal's head sealed — `handles.rs`), the caches built from storage, and the small helpers every
//! use case shares (a reason's bounds, digests, JSON kept as text).

pub mod context;
pub(in crate::api) mod handles;
pub mod journal;
pub mod journal_words;
pub(in crate::api) mod memo;

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::api::models::Models;
use crate::api::retention::Retention;
use crate::api::vault::{self, Access, Keys, Vault};
use crate::api::{ApiError, ErrorCode};
use crate::domain::journal::{Actor, Entry};
use crate::store::secret::{self, KeyFile};
use crate::store::{About, Stamp, Store};
use context::{Clock, Context};
use handles::{Kernel, KeyRing, Read};
use memo::Memo;

/// Starts structured logging to stderr for a face: the level from `EKN_LOG` (`warn` when unset;
/// `info`, `debug`, or a filter such as `ekn::host=debug`). Logs carry method names, counts and
/// timings — never parameters, texts, names or identifiers, so no personal data reaches them.
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("EKN_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(true)
        .try_init();
}

/// A random 256-bit token in hex (the session token of `ekn serve`).
pub fn random_token() -> String {
    hex::encode(secret::random_key())
}

/// Where the database lives unless `--db` or `EKN_DB` says otherwise: the OS data directory
/// (on Linux `~/.local/share/ekn/ekn.db`).
pub fn default_db_path() -> PathBuf {
    directories::ProjectDirs::from("kz", "ekn", "ekn")
        .map(|dirs| dirs.data_dir().join("ekn.db"))
        .unwrap_or_else(|| PathBuf::from("ekn.db"))
}

/// An open database with its keys and the context of the face that opened it: the kernel every
/// use case runs on. It lends a `Read` for queries and a `Kernel` (a `Journal` for writes) to the
/// capabilities (`handles`); what it builds from storage it keeps in a `Memo` until a write
/// names what it was built from.
pub struct Session {
    store: Store,
    path: PathBuf,
    context: Context,
    /// The database's secrets, lent narrowly (`KeyRing::sealer`, `KeyRing::documents`).
    keys: KeyRing,
    /// The caches built from storage.
    memo: Memo,
}

/// The most characters a person's own words may have: a reason, a note — words, not a document.
pub const MAX_WORDS: usize = 4000;

/// A reason a person gives for a decision (a correction, a dismissal, an override, an extension,
/// a refusal): required, and at most `MAX_WORDS` characters. Returns it trimmed.
pub(crate) fn checked_reason(reason: &str, what: &str) -> Result<String, ApiError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(ApiError::new(ErrorCode::ReasonRequired, format!("{what} needs a reason")));
    }
    if reason.chars().count() > MAX_WORDS {
        return Err(ApiError::invalid(format!("a reason is at most {MAX_WORDS} characters")));
    }
    Ok(reason.to_string())
}

/// An optional note: trimmed, empty taken as none, at most `MAX_WORDS` characters.
pub(crate) fn checked_note(note: Option<&str>) -> Result<Option<String>, ApiError> {
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    if note.is_some_and(|n| n.chars().count() > MAX_WORDS) {
        return Err(ApiError::invalid(format!("a note is at most {MAX_WORDS} characters")));
    }
    Ok(note.map(str::to_string))
}

/// The SHA-256 of bytes, in hex: how every digest the product records is written.
pub(crate) use crate::domain::digest::sha256_hex;

/// JSON of a value kept as text in a record (a model's parameters and metrics, a decision's
/// explanation); these types always serialise.
pub(crate) fn json_text<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

impl Session {
    /// Opens an existing database as the command line (the person from `EKN_USER`, else
    /// Settings' "me", else the OS user); a missing database is an error that says how to create it.
    pub fn open(path: &Path) -> Result<Session, ApiError> {
        Session::open_with(path, Context::cli())
    }

    /// Opens an existing database for a face. A plain database whose key file is missing, and an
    /// encrypted one without its passphrase (the context's) or with a wrong one, are refused
    /// before anything is opened for writing.
    pub fn open_with(path: &Path, context: Context) -> Result<Session, ApiError> {
        let access = vault::access(path, &context)?;
        let (store, keys) = vault::open_store(path, &access)?;
        let mut session = Session::with_store(store, path, keys, access, context);
        session.start()?;
        Ok(session)
    }

    /// A session over a store just opened, with the database's two keys (pseudonyms and
    /// documents, signing).
    pub(in crate::api) fn with_store(
        store: Store,
        path: &Path,
        keys: Keys,
        access: Access,
        context: Context,
    ) -> Session {
        Session {
            store,
            path: path.to_path_buf(),
            context,
            keys: KeyRing::new(path, keys, access),
            memo: Memo::default(),
        }
    }

    /// A snapshot for queries.
    pub(in crate::api) fn read(&self) -> Read<'_> {
        Read::new(&self.store, &self.path, &self.context, &self.memo)
    }

    /// What a capability handle is built on: a `Read` or a `Journal` per call.
    pub(in crate::api) fn kernel(&mut self) -> Kernel<'_> {
        Kernel::new(&mut self.store, &self.path, &self.context, &self.memo, &self.keys)
    }

    /// The vault: the database's keys, its backups and restores.
    pub fn vault(&mut self) -> Vault<'_> {
        self.kernel().vault()
    }

    /// Retention: the destruction plan, the acts that carry it out, and colleagues' acts received.
    pub fn retention(&mut self) -> Retention<'_> {
        self.kernel().retention()
    }

    /// The models: every version, its passport, its re-tests.
    pub fn models(&mut self) -> Models<'_> {
        self.kernel().models()
    }

    /// The tasks: creating them with due dates, their lifecycle, the suggested next step, the desk's views.
    pub fn tasks(&mut self) -> crate::api::tasks::Tasks<'_> {
        self.kernel().tasks()
    }

    /// The deadlines: a due date computed with its explanation, the calendars, the norms catalogue and its versions.
    pub fn deadlines(&mut self) -> crate::api::deadlines::Deadlines<'_> {
        self.kernel().deadlines()
    }

    /// The appeals: their queue and cards, triage with its model, corrections, the classifier and its training.
    pub fn appeals(&mut self) -> crate::api::appeals::Appeals<'_> {
        self.kernel().appeals()
    }

    /// The registry: imports (with their previews), the case card, search, the database's status.
    pub fn registry(&mut self) -> crate::api::registry::Registry<'_> {
        self.kernel().registry()
    }

    /// The acts of response: templates, drafts and their preview, issuing, outcomes with verification, checklists and precedents.
    pub fn acts(&mut self) -> crate::api::acts::Acts<'_> {
        self.kernel().acts()
    }

    /// The analytics: the risk model and the plan it scores, themes, anomalies and the effect of acts.
    pub fn analytics(&mut self) -> crate::api::analytics::Analytics<'_> {
        self.kernel().analytics()
    }

    /// The screens' own reads and answers: the preferences, home, the case screen, the overdue list, the regions.
    pub fn screens(&mut self) -> crate::api::screens::Screens<'_> {
        self.kernel().screens()
    }

    /// The evidence: attached documents sealed at rest, their reading and facts, evidence packages signed and verified.
    pub fn evidence(&mut self) -> crate::api::evidence::Evidence<'_> {
        self.kernel().evidence()
    }

    /// The connectors: portals added and removed, their network settings, their runs staged and published.
    pub fn connectors(&mut self) -> crate::api::connectors::Connectors<'_> {
        self.kernel().connectors()
    }

    /// The office this workstation joined: its status, sync (push, pull, the papers, the catalogues), assignments, conflicts, the office's connectors.
    pub fn office(&mut self) -> crate::api::office::Office<'_> {
        self.kernel().office()
    }

    /// Joins the office at `params.url` as `params.user` (`Office::join`). Appeals imported from
    /// then on carry the office-wide pseudonym too: the join changes the session's own keys,
    /// which only the kernel holds.
    pub fn office_join(
        &mut self,
        params: &crate::api::office::JoinParams,
    ) -> Result<crate::api::office::OfficeStatus, ApiError> {
        let status = self.office().join(params)?;
        self.use_office_pseudonyms()?;
        Ok(status)
    }

    /// Whether the session's database is encrypted.
    pub fn is_encrypted(&self) -> bool {
        self.keys.is_encrypted()
    }

    /// What every open does: begins the journal of a database older than it, records the
    /// versions of the norms in force, and recomputes open deadlines when a rule changed.
    pub(in crate::api) fn start(&mut self) -> Result<(), ApiError> {
        self.use_office_pseudonyms()?;
        if self.store.has_legacy_task_log()? {
            let stamp = Stamp { at: self.context.clock.stamp(), actor: Actor::system() };
            let entries = self.store.start_journal(stamp)?;
            self.seal(entries.first().map_or(1, |e| e.seq))?;
        }
        self.deadlines().record_norm_versions()?;
        self.deadlines().recompute_if_rules_changed()?;
        Ok(())
    }

    /// Pseudonymises applicants under the office's key too, once this workstation has joined an
    /// office that handed one out (`office_link.pseudonym_key`).
    pub(in crate::api) fn use_office_pseudonyms(&mut self) -> Result<(), ApiError> {
        let key = self.store.office_link()?.and_then(|l| l.pseudonym_key).and_then(|hex_key| {
            let mut key = [0u8; 32];
            hex::decode_to_slice(hex_key.trim(), &mut key).ok().map(|()| key)
        });
        self.keys.pseudonymiser = self.keys.pseudonymiser.clone().with_office(key);
        Ok(())
    }

    /// The session's clock.
    pub fn clock(&self) -> &dyn Clock {
        self.read().clock()
    }

    /// Today's date in Kazakhstan by the session's clock.
    pub fn today(&self) -> chrono::NaiveDate {
        self.read().today()
    }

    /// Who is acting (`Read::actor`): on a workstation that joined an office, the enrolled person.
    pub fn actor(&self) -> Result<Actor, ApiError> {
        self.read().actor()
    }

    /// The database file this session has open.
    pub fn database(&self) -> &Path {
        &self.path
    }

    /// Drops every cache built from storage when another connection has committed since the
    /// last look: a session that lives long (the desktop app, `ekn serve`) then never answers
    /// from what was true before a colleague's sync or a command-line import.
    pub fn forget_caches_if_others_wrote(&self) -> Result<(), ApiError> {
        self.memo.forget_if_others_wrote(self.store.data_version()?);
        Ok(())
    }

    /// Drops every cache built from storage (after a failed request, nothing half-built stays).
    pub fn forget_caches(&self) {
        self.memo.forget();
    }
}

/// What `reset_keys` did.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct KeysReset {
    /// The key files made anew.
    pub files: Vec<String>,
    /// What the lost key had sealed that the new one cannot open, in words.
    pub consequences: Vec<String>,
}

/// Makes a new key for each key file of the database at `path` that is missing, on a person's
/// decision and with their reason, journaled: the one way a key is ever replaced. A lost signing
/// key also starts a new checkpoint (journaled); a lost pseudonymisation key leaves the documents
/// it sealed unreadable until it is found (they are named `key_mismatch`, never silently lost).
pub fn reset_keys(path: &Path, reason: &str, context: Context) -> Result<KeysReset, ApiError> {
    let reason = checked_reason(reason, "making a new key")?;
    match crate::store::vault::file_kind(path)? {
        crate::store::vault::FileKind::Missing => {
            Store::open_existing(path)?;
        }
        crate::store::vault::FileKind::Encrypted => {
            return Err(ApiError::invalid(format!(
                "{} is encrypted: its keys are inside it and cannot go missing; a forgotten passphrase is \
                 replaced with the recovery key (`ekn vault recover`)",
                path.display()
            )));
        }
        crate::store::vault::FileKind::Plain => {}
    }
    let missing: Vec<KeyFile> = KeyFile::ALL.into_iter().filter(|k| !k.path(path).exists()).collect();
    if missing.is_empty() {
        return Err(ApiError::invalid(format!(
            "both keys of {} are in place; a key that exists is never replaced",
            path.display()
        )));
    }
    for &which in &missing {
        secret::create(path, which)?;
    }
    let files: Vec<String> = missing.iter().map(|k| k.path(path).display().to_string()).collect();
    let mut consequences = Vec::new();
    if missing.contains(&KeyFile::Pseudonyms) {
        consequences.push(
            "applicants' pseudonyms made from now on do not match earlier ones, and documents attached before \
             cannot be read until the old key is found (attach them again to seal them anew)"
                .to_string(),
        );
    }
    let mut session = Session::open_with(path, context)?;
    let entry = Entry::KeysReset { files: files.clone(), reason: reason.clone() };
    session.kernel().journal().run(|w| {
        w.append(&entry, About::default(), None)?;
        Ok(())
    })?;
    if missing.contains(&KeyFile::Signing) {
        // The old checkpoint was signed by the lost key: a new one starts over the whole journal.
        session.reseal_journal(&reason)?;
        consequences.push("the journal's checkpoint was started anew, signed by the new key".to_string());
    }
    Ok(KeysReset { files, consequences })
}
