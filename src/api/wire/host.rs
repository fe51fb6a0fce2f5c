//! Hosts one open database for the faces that serve many requests (the desktop app, `ekn serve`):
//! a worker thread owns the `Session` (SQLite connections and the cached graph are not shared
//! between threads) and runs methods one at a time, each under `catch_unwind`, so one request
//! that goes wrong answers `internal` and the next one works. Beside the worker, the host answers
//! what must not wait for it: uploads, the running import's progress, and the journal's status.
//!
//! Uploaded exports hold raw personal data, so they are kept in memory only, never on disk, and
//! only until their import is done, the screen discards them, a newer upload replaces them, or a
//! day has passed. An import's rejected rows (identifiers blanked, texts masked) are kept for the
//! Import screen to download, then dropped the same way.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::api::session::journal::{verify, JournalVerification};
use crate::api::wire::rpc::{self, CallContext, NoParams, Ok, Runs};
use crate::api::{
    clock_for, init, is_encrypted, vault_status, ApiError, Context, ErrorCode, Session, VaultPassphrase, VaultStatus,
};
use crate::domain::journal::Face;
use crate::ingest::ImportReport;

/// The largest upload accepted (the HTTP body limit of `ekn serve` is set to match).
pub const MAX_UPLOAD_BYTES: usize = 192 * 1024 * 1024;
/// How long an upload or a rejected-rows file waits for its import or download.
const KEEP_FOR: Duration = Duration::from_secs(24 * 60 * 60);
/// Uploads waiting at once; a newer one pushes the oldest out.
const MAX_PENDING: usize = 4;

/// An upload: the file's name as the user chose it and its bytes, base64-encoded.
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct UploadParams {
    pub name: String,
    pub base64: String,
}

/// An upload by its id.
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct UploadRef {
    pub upload: String,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct Uploaded {
    pub upload: String,
    pub size_bytes: u64,
}

/// The rejected rows of a UI import, as a CSV file to save.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct RejectedRows {
    pub file_name: String,
    pub base64: String,
}

/// How far the running import is; `running` is false between imports.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ts_rs::TS)]
pub struct ImportProgress {
    pub running: bool,
    pub bytes_done: u64,
    pub bytes_total: u64,
    pub rows: u64,
    /// Appeals through the pipeline after the rows are in, of how many (0 of 0 before).
    pub triaged: u64,
    pub triage_total: u64,
}

/// How far the document being read is (attaching reads too); `running` is false between readings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ts_rs::TS)]
pub struct ReadingProgress {
    pub running: bool,
    pub pages_done: u32,
    pub pages_total: u32,
    /// Set once the person asked to stop: the reading ends at the next page and records nothing.
    pub cancelling: bool,
}

/// The journal's verification as the UI shows it: running at start, then its result.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ts_rs::TS)]
pub struct JournalStatus {
    pub checking: bool,
    pub verification: Option<JournalVerification>,
    /// Why verification could not run at all.
    pub error: Option<String>,
}

/// An upload held in memory.
#[derive(Clone)]
pub struct Upload {
    pub name: String,
    pub bytes: Arc<[u8]>,
    received: Instant,
}

/// What the host keeps beside the session: uploads, rejected rows, progress, the journal status.
#[derive(Default)]
pub struct HostState {
    uploads: Mutex<HashMap<String, Upload>>,
    rejected: Mutex<HashMap<String, (RejectedRows, Instant)>>,
    progress: Mutex<ImportProgress>,
    reading: Mutex<ReadingProgress>,
    journal: Mutex<JournalStatus>,
    next: AtomicU64,
    unlocking: Mutex<()>,
}

/// Locks a mutex whatever a panicking holder left: these values are plain data, always whole.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl HostState {
    fn sweep(&self) {
        lock(&self.uploads).retain(|_, u| u.received.elapsed() < KEEP_FOR);
        lock(&self.rejected).retain(|_, (_, at)| at.elapsed() < KEEP_FOR);
    }

    fn store(&self, params: &UploadParams) -> Result<Uploaded, ApiError> {
        self.sweep();
        if params.base64.len() > MAX_UPLOAD_BYTES / 3 * 4 + 4 {
            return Err(ApiError::new(
                ErrorCode::TooLarge,
                format!("an upload is at most {} MB", MAX_UPLOAD_BYTES >> 20),
            ));
        }
        let bytes = base64::engine::general_purpose::STANDARD.decode(params.base64.as_bytes()).map_err(|e| {
            ApiError::new(ErrorCode::InvalidInput, format!("upload of {}: not base64: {e}", params.name))
        })?;
        // Only the last path component of the name, without anything that could climb out.
        let base: String = Path::new(&params.name)
            .file_name()
            .map(|n| n.to_string_lossy().chars().filter(|c| !matches!(c, '/' | '\\' | '\0')).take(200).collect())
            .unwrap_or_default();
        if base.is_empty() || base.starts_with('.') {
            return Err(ApiError::new(ErrorCode::InvalidInput, format!("'{}' is not a file name", params.name)));
        }
        let id = format!("u{}", self.next.fetch_add(1, Ordering::Relaxed) + 1);
        let size_bytes = bytes.len() as u64;
        let mut uploads = lock(&self.uploads);
        while uploads.len() >= MAX_PENDING {
            let oldest = uploads.iter().min_by_key(|(_, u)| u.received).map(|(k, _)| k.clone());
            match oldest {
                Some(k) => uploads.remove(&k),
                None => break,
            };
        }
        uploads.insert(id.clone(), Upload { name: base, bytes: bytes.into(), received: Instant::now() });
        Ok(Uploaded { upload: id, size_bytes })
    }

    /// An upload by id.
    pub fn get(&self, id: &str) -> Result<Upload, ApiError> {
        lock(&self.uploads).get(id).cloned().ok_or_else(|| {
            ApiError::new(
                ErrorCode::NotFound,
                format!("no uploaded file '{id}' (it is kept until imported, for a day at most)"),
            )
        })
    }

    /// Drops an upload once it has been used for something other than an import (a plan scored).
    pub fn discard(&self, id: &str) {
        lock(&self.uploads).remove(id);
    }

    /// Drops an upload once its import is done, keeping the rejected rows for download.
    pub fn finish_import(&self, id: &str, result: &Result<ImportReport, ApiError>) {
        let upload = lock(&self.uploads).remove(id);
        if let (Some(upload), Ok(report)) = (upload, result) {
            if let Some(csv) = &report.rejected_csv {
                let rows = RejectedRows {
                    file_name: format!("{}.rejected.csv", upload.name),
                    base64: base64::engine::general_purpose::STANDARD.encode(csv),
                };
                lock(&self.rejected).insert(id.to_string(), (rows, Instant::now()));
            }
        }
    }

    /// A document's reading begins: progress from nought, no cancel pending.
    pub fn begin_reading(&self) {
        *lock(&self.reading) = ReadingProgress { running: true, ..Default::default() };
    }

    /// A page is read; false when the person asked to stop.
    pub fn reading_step(&self, done: u32, total: u32) -> bool {
        let mut reading = lock(&self.reading);
        reading.pages_done = done;
        reading.pages_total = total;
        !reading.cancelling
    }

    pub fn end_reading(&self) {
        *lock(&self.reading) = ReadingProgress::default();
    }

    pub fn record_verification(&self, report: &JournalVerification) {
        *lock(&self.journal) = JournalStatus { checking: false, verification: Some(report.clone()), error: None };
    }
}

/// The handlers of the methods the host answers beside the worker (see `rpc::methods!`).
pub(in crate::api) mod on_host {
    use super::*;

    pub fn upload(host: &Host, p: UploadParams) -> Result<Uploaded, ApiError> {
        host.state.store(&p)
    }

    pub fn discard_upload(host: &Host, p: UploadRef) -> Result<Ok, ApiError> {
        lock(&host.state.uploads).remove(&p.upload);
        lock(&host.state.rejected).remove(&p.upload);
        Ok(Ok { ok: true })
    }

    pub fn rejected_rows(host: &Host, p: UploadRef) -> Result<RejectedRows, ApiError> {
        // Handed over once: the download is the copy the person keeps.
        lock(&host.state.rejected)
            .remove(&p.upload)
            .map(|(rows, _)| rows)
            .ok_or_else(|| ApiError::new(ErrorCode::NotFound, format!("no rejected rows kept for '{}'", p.upload)))
    }

    pub fn import_progress(host: &Host, _: NoParams) -> Result<ImportProgress, ApiError> {
        Ok(lock(&host.state.progress).clone())
    }

    pub fn reading_progress(host: &Host, _: NoParams) -> Result<ReadingProgress, ApiError> {
        Ok(lock(&host.state.reading).clone())
    }

    /// Asks the running reading to stop at its next page; nothing is recorded of it.
    pub fn reading_cancel(host: &Host, _: NoParams) -> Result<ReadingProgress, ApiError> {
        let mut reading = lock(&host.state.reading);
        if reading.running {
            reading.cancelling = true;
        }
        Ok(reading.clone())
    }

    pub fn journal_status(host: &Host, _: NoParams) -> Result<JournalStatus, ApiError> {
        Ok(lock(&host.state.journal).clone())
    }

    pub fn vault_state(host: &Host, _: NoParams) -> Result<VaultState, ApiError> {
        host.vault_state()
    }

    pub fn unlock(host: &Host, p: UnlockParams) -> Result<VaultState, ApiError> {
        host.unlock(&p.passphrase)
    }
}

type Job = (String, Value, mpsc::Sender<Result<Value, ApiError>>);

/// The passphrase the lock screen sends (in a request's body, never its address).
#[derive(Clone, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct UnlockParams {
    pub passphrase: String,
}

impl std::fmt::Debug for UnlockParams {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("UnlockParams { passphrase: … }")
    }
}

/// Whether the database is encrypted and, if so, whether this host has opened it yet; the lock
/// screen shows while `locked`.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct VaultState {
    pub encrypted: bool,
    pub locked: bool,
    pub status: VaultStatus,
}

/// One database served to many requests. Cheap to share behind an `Arc`.
pub struct Host {
    /// The worker's queue; `None` while an encrypted database waits for its passphrase.
    jobs: Mutex<Option<mpsc::Sender<Job>>>,
    /// The network worker's queue (the office's sync, connectors' runs): a session of its own on
    /// the same database, so minutes spent waiting on a portal or the office never hold up a
    /// screen's request behind them.
    network: Mutex<Option<mpsc::Sender<Job>>>,
    state: Arc<HostState>,
    database: PathBuf,
    created_demo: bool,
    /// The face, person and clock the session is opened with once unlocked.
    context: Context,
}

impl Host {
    /// Opens the database at `db` for a face (the desktop app, a browser); when there is none and
    /// `demo_if_missing`, creates the demo database first. `today` fixes the date deadlines are
    /// judged on (otherwise today in Kazakhstan). Writes are made by Settings' "me" through `face`.
    /// The journal is verified in the background from the start. An encrypted database starts
    /// locked: every method but the host's own answers `vault_locked` until `unlock`.
    pub fn start(db: &Path, demo_if_missing: bool, face: Face, today: Option<NaiveDate>) -> Result<Host, ApiError> {
        let context = Context::new(face, None, clock_for(today));
        let created_demo = demo_if_missing && !db.exists();
        if created_demo {
            init(db, Some(context.clock.today()), false, context.clone(), &mut |_, _| {})?;
        }
        let host = Host {
            jobs: Mutex::new(None),
            network: Mutex::new(None),
            state: Default::default(),
            database: db.to_path_buf(),
            created_demo,
            context: context.clone(),
        };
        if !is_encrypted(db)? {
            host.open(context)?;
        }
        Ok(host)
    }

    /// Opens the session on its worker thread with `context` (carrying the passphrase of an
    /// encrypted database) and starts verifying the journal.
    fn open(&self, context: Context) -> Result<(), ApiError> {
        let (sender, receiver) = mpsc::channel::<Job>();
        let (opened_tx, opened_rx) = mpsc::channel::<Result<(), ApiError>>();
        let (worker_state, path, verify_context) = (self.state.clone(), self.database.clone(), context.clone());
        let network_context = context.clone();
        std::thread::Builder::new()
            .name("ekn-session".into())
            .spawn(move || {
                // The session is opened once, here; `open` waits for the outcome, so a bad database
                // is an error of `start` (or `unlock`), not of every later request.
                let mut session = match Session::open_with(&path, context) {
                    Ok(s) => {
                        let _ = opened_tx.send(Ok(()));
                        s
                    }
                    Err(e) => {
                        let _ = opened_tx.send(Err(e));
                        return;
                    }
                };
                for (method, params, reply) in receiver {
                    let result = run_job(Worker::Screens(&mut session), &worker_state, &method, params);
                    let _ = reply.send(result);
                }
            })
            .map_err(|e| ApiError::new(ErrorCode::Internal, format!("cannot start the session thread: {e}")))?;
        opened_rx
            .recv()
            .map_err(|_| ApiError::new(ErrorCode::Internal, "the session thread stopped while opening"))??;
        *lock(&self.network) = Some(self.network_worker(network_context)?);
        Self::verify_in_background(&self.database, verify_context, self.state.clone());
        *lock(&self.jobs) = Some(sender);
        Ok(())
    }

    /// The network worker: its own `NetSession`, opened at its first request (an encrypted
    /// database's key is stretched once more then), running the methods that wait on the network.
    fn network_worker(&self, context: Context) -> Result<mpsc::Sender<Job>, ApiError> {
        let (sender, receiver) = mpsc::channel::<Job>();
        let (state, path) = (self.state.clone(), self.database.clone());
        std::thread::Builder::new()
            .name("ekn-network".into())
            .spawn(move || {
                let mut net: Option<NetSession> = None;
                for (method, params, reply) in receiver {
                    if net.is_none() {
                        match Session::open_with(&path, context.clone()) {
                            Ok(session) => {
                                net = Some(NetSession { session, admin: None, national: None, analyst: None })
                            }
                            Err(e) => {
                                let _ = reply.send(Err(e));
                                continue;
                            }
                        }
                    }
                    let Some(open) = net.as_mut() else { continue };
                    let result = run_job(Worker::Network(open), &state, &method, params);
                    let _ = reply.send(result);
                }
            })
            .map_err(|e| ApiError::new(ErrorCode::Internal, format!("cannot start the network thread: {e}")))?;
        Ok(sender)
    }

    /// The lock screen's answer: opens the encrypted database with `passphrase`. A wrong one
    /// changes nothing and the host stays locked; unlocking an open host does nothing.
    pub fn unlock(&self, passphrase: &str) -> Result<VaultState, ApiError> {
        // One unlock at a time: two tabs submitting at once must not open two sessions.
        let _one = lock(&self.state.unlocking);
        if lock(&self.jobs).is_none() {
            self.open(self.context.clone().with_passphrase(VaultPassphrase::new(passphrase)))?;
        }
        self.vault_state()
    }

    /// Whether the database is encrypted and still locked here.
    pub fn vault_state(&self) -> Result<VaultState, ApiError> {
        let status = vault_status(&self.database)?;
        Ok(VaultState { encrypted: status.encrypted, locked: lock(&self.jobs).is_none(), status })
    }

    /// Verifies the journal on a thread of its own (its own connection, reading only), so the
    /// UI can say at once when it fails.
    fn verify_in_background(db: &Path, context: Context, state: Arc<HostState>) {
        *lock(&state.journal) = JournalStatus { checking: true, ..Default::default() };
        let db = db.to_path_buf();
        let on_thread = state.clone();
        let spawned = std::thread::Builder::new().name("ekn-verify".into()).spawn(move || {
            let state = on_thread;
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| verify(&db, &context)));
            let status = match outcome {
                Ok(Ok(report)) => JournalStatus { checking: false, verification: Some(report), error: None },
                Ok(Err(e)) => JournalStatus { checking: false, verification: None, error: Some(e.message) },
                Err(_) => {
                    JournalStatus { checking: false, verification: None, error: Some("verification failed".into()) }
                }
            };
            *lock(&state.journal) = status;
        });
        if let Err(e) = spawned {
            *lock(&state.journal) = JournalStatus {
                checking: false,
                verification: None,
                error: Some(format!("cannot start verification: {e}")),
            };
        }
    }

    pub fn database(&self) -> &Path {
        &self.database
    }

    /// True when `start` created the demo database because there was none.
    pub fn created_demo(&self) -> bool {
        self.created_demo
    }

    /// Runs one method and waits for its answer. Blocks: call it off any async executor's threads.
    pub fn call(&self, method: &str, params: Value) -> Result<Value, ApiError> {
        let params = match rpc::call_host(self, method, params) {
            Ok(answer) => return answer,
            Err(params) => params,
        };
        let (reply, answer) = mpsc::channel();
        let queue = if rpc::runs_of(method) == Some(Runs::Network) { &self.network } else { &self.jobs };
        let jobs = lock(queue).clone().ok_or_else(|| {
            ApiError::new(
                ErrorCode::VaultLocked,
                format!("{} is encrypted: enter its passphrase to open it", self.database.display()),
            )
        })?;
        jobs.send((method.to_string(), params, reply))
            .map_err(|_| ApiError::new(ErrorCode::Internal, "the session thread has stopped"))?;
        answer.recv().map_err(|_| ApiError::new(ErrorCode::Internal, "the session thread has stopped"))?
    }
}

/// The network worker's session: the one the methods the table declares `Network` (the office's
/// sync, conflicts and assignments, connectors' runs) run on, owned by the `ekn-network` thread, so
/// minutes spent on a portal or the office never hold a screen's request. Only `rpc::call_network`
/// runs on it, and it runs nothing else; the screens' session refuses those methods.
pub struct NetSession {
    session: Session,
    /// An administrator's session at the office, in this process's memory only (issue 64).
    admin: Option<crate::api::office::AdminSession>,
    /// A national analyst's or administrator's session at the national face, in memory only.
    national: Option<crate::api::office::NationalSession>,
    /// The office's analyst's session (an analyst enrols no workstation), in memory only.
    analyst: Option<crate::api::office::AnalystSession>,
}

/// What the network methods may reach: the office link and the connectors (each a capability
/// handle), and joining an office; nothing a screen asks for runs here.
impl NetSession {
    pub(in crate::api) fn office(&mut self) -> crate::api::office::Office<'_> {
        self.session.office()
    }

    pub(in crate::api) fn connectors(&mut self) -> crate::api::connectors::Connectors<'_> {
        self.session.connectors()
    }

    /// Logs an administrator in (ending the session of whoever was logged in before).
    pub(in crate::api) fn admin_login(
        &mut self,
        params: &crate::api::office::OfficeLoginParams,
    ) -> Result<crate::api::office::AdminView, ApiError> {
        if let Some(before) = self.admin.take() {
            before.logout();
        }
        let admin = self.session.office().admin_login(params)?;
        let view = admin.overview()?;
        self.admin = Some(admin);
        Ok(view)
    }

    /// The administrator's session, or why there is none.
    pub(in crate::api) fn admin(&self) -> Result<&crate::api::office::AdminSession, ApiError> {
        self.admin.as_ref().ok_or_else(|| {
            ApiError::new(crate::api::ErrorCode::OfficeRefused, "log in as the office's administrator first")
        })
    }

    /// Logs the office's analyst in (ending the analyst's session before it, if any).
    pub(in crate::api) fn analyst_login(
        &mut self,
        params: &crate::api::office::OfficeLoginParams,
    ) -> Result<crate::api::office::AnalystView, ApiError> {
        if let Some(before) = self.analyst.take() {
            before.logout();
        }
        let (session, view) = self.session.office().analyst_login(params)?;
        self.analyst = Some(session);
        Ok(view)
    }

    /// The office's analyst's session, or why there is none.
    pub(in crate::api) fn analyst(&mut self) -> Result<&mut crate::api::office::AnalystSession, ApiError> {
        self.analyst
            .as_mut()
            .ok_or_else(|| ApiError::new(crate::api::ErrorCode::OfficeRefused, "log in as the office's analyst first"))
    }

    /// Ends the analyst's session, here and at the office.
    pub(in crate::api) fn analyst_logout(&mut self) {
        if let Some(analyst) = self.analyst.take() {
            analyst.logout();
        }
    }

    /// Logs in to the national face (ending the national session before it, if any).
    pub(in crate::api) fn national_login(
        &mut self,
        params: &crate::api::office::NationalLoginParams,
    ) -> Result<crate::api::office::CountryView, ApiError> {
        if let Some(before) = self.national.take() {
            before.logout();
        }
        let now = self.session.clock().now();
        let (session, view) = crate::api::office::NationalSession::login(params, now)?;
        self.national = Some(session);
        Ok(view)
    }

    /// The session's clock now (the national and the analyst's figures are stamped with it).
    pub(in crate::api) fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.session.clock().now()
    }

    /// The national session, or why there is none.
    pub(in crate::api) fn national(&mut self) -> Result<&mut crate::api::office::NationalSession, ApiError> {
        self.national
            .as_mut()
            .ok_or_else(|| ApiError::new(crate::api::ErrorCode::OfficeRefused, "log in to the national face first"))
    }

    /// Ends the national session, here and at the face.
    pub(in crate::api) fn national_logout(&mut self) {
        if let Some(national) = self.national.take() {
            national.logout();
        }
    }

    /// Ends the administrator's session, here and at the office.
    pub(in crate::api) fn admin_logout(&mut self) {
        if let Some(admin) = self.admin.take() {
            admin.logout();
        }
    }

    pub(in crate::api) fn office_join(
        &mut self,
        params: &crate::api::office::JoinParams,
    ) -> Result<crate::api::office::OfficeStatus, ApiError> {
        self.session.office_join(params)
    }
}

/// Which worker a job runs on: the screens' session or the network worker's.
enum Worker<'a> {
    Screens(&'a mut Session),
    Network(&'a mut NetSession),
}

impl Worker<'_> {
    fn session(&mut self) -> &mut Session {
        match self {
            Worker::Screens(session) => session,
            Worker::Network(net) => &mut net.session,
        }
    }
}

/// Runs one method on the worker. A panic inside it answers `internal` and leaves the session
/// usable: its write rolled back with the unwinding transaction, and its caches are dropped so
/// nothing half-built is reused.
fn run_job(mut worker: Worker<'_>, state: &HostState, method: &str, params: Value) -> Result<Value, ApiError> {
    // What another connection committed since the last request — the network worker's sync,
    // the command line, the desktop app beside `ekn serve` — is read afresh, never from a cache.
    worker.session().forget_caches_if_others_wrote()?;
    // Only a method the table declares `with progress` moves the progress bar, and it stops it
    // when it returns (a connector's run, which imports, once left it running for good).
    let reporting = rpc::reports_progress(method);
    if reporting {
        *lock(&state.progress) = ImportProgress { running: true, ..Default::default() };
    }
    let mut on_progress = |p: crate::ingest::Progress| {
        if !reporting {
            return;
        }
        *lock(&state.progress) = ImportProgress {
            running: true,
            bytes_done: p.bytes_done,
            bytes_total: p.bytes_total,
            rows: p.rows,
            triaged: p.triaged,
            triage_total: p.triage_total,
        };
    };
    let started = Instant::now();
    let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| {
        let mut cx = CallContext { state, progress: &mut on_progress };
        match &mut worker {
            Worker::Screens(session) => rpc::call(session, method, params, &mut cx),
            Worker::Network(net) => rpc::call_network(net, method, params, &mut cx),
        }
    }));
    if reporting {
        lock(&state.progress).running = false;
    }
    let result = match outcome {
        Ok(result) => result,
        Err(_) => {
            worker.session().forget_caches();
            tracing::error!(target: "ekn::host", method, "a request panicked; the session goes on");
            Err(ApiError::new(ErrorCode::Internal, format!("'{method}' failed inside; a write it committed before failing stays, journaled (the journal shows what)")))
        }
    };
    tracing::debug!(target: "ekn::host", method, ok = result.is_ok(), ms = started.elapsed().as_millis() as u64, "call");
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The split the table declares holds at the dispatch: the screens' session refuses a
    /// `Network` method, and the network worker's session refuses anything else.
    #[test]
    fn each_worker_runs_only_its_own_methods() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("ekn.db");
        let context = Context::cli();
        init(&db, None, false, context.clone(), &mut |_, _| {}).unwrap();
        let state = HostState::default();
        let mut progress = |_: crate::ingest::Progress| {};
        let mut screens = Session::open_with(&db, context.clone()).unwrap();
        let mut cx = CallContext { state: &state, progress: &mut progress };
        let refused = rpc::call(&mut screens, "sync", Value::Null, &mut cx).unwrap_err();
        assert!(refused.message.contains("network worker"), "{}", refused.message);
        assert!(rpc::call(&mut screens, "status", Value::Null, &mut cx).is_ok());
        let mut net = NetSession {
            session: Session::open_with(&db, context).unwrap(),
            admin: None,
            national: None,
            analyst: None,
        };
        let refused = rpc::call_network(&mut net, "status", Value::Null, &mut cx).unwrap_err();
        assert!(refused.message.contains("does not run on the network worker"), "{}", refused.message);
        // A Network method runs there: with no office joined it answers that, not a refusal.
        let answer = rpc::call_network(&mut net, "sync", Value::Null, &mut cx).unwrap_err();
        assert!(!answer.message.contains("network worker"), "{}", answer.message);
    }
}
