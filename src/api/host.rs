//! Hosts one open database for the faces that serve many requests (the desktop app, `ekn serve`):
//! a worker thread owns the `Session` (SQLite connections and the cached graph are not shared
//! between threads) and runs methods one at a time, while uploads and import progress are
//! answered beside it, so the progress bar moves while an import holds the worker.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Mutex};

use base64::Engine;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{clock_for, init, rpc, ApiError, Context, ErrorCode, Session};
use crate::domain::journal::Face;

/// Files the UI sent for import, kept under a directory beside the database.
pub struct Uploads {
    dir: PathBuf,
    next: AtomicU64,
}

/// An upload: the file's name as the user chose it and its bytes, base64-encoded.
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
pub struct UploadParams {
    pub name: String,
    pub base64: String,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct Uploaded {
    pub upload: String,
    pub size_bytes: u64,
}

/// How far the running import is; `running` is false between imports.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ts_rs::TS)]
pub struct ImportProgress {
    pub running: bool,
    pub bytes_done: u64,
    pub bytes_total: u64,
    pub rows: u64,
}

impl Uploads {
    fn new(db: &Path) -> Uploads {
        let mut name = db.as_os_str().to_owned();
        name.push(".uploads");
        Uploads { dir: PathBuf::from(name), next: AtomicU64::new(1) }
    }

    fn store(&self, params: &UploadParams) -> Result<Uploaded, ApiError> {
        let bytes = base64::engine::general_purpose::STANDARD.decode(params.base64.as_bytes()).map_err(|e| {
            ApiError::new(ErrorCode::InvalidInput, format!("upload of {}: not base64: {e}", params.name))
        })?;
        // Only the last path component of the name, without anything that could climb out.
        let base: String = Path::new(&params.name)
            .file_name()
            .map(|n| n.to_string_lossy().chars().filter(|c| !matches!(c, '/' | '\\' | '\0')).collect())
            .unwrap_or_default();
        if base.is_empty() || base.starts_with('.') {
            return Err(ApiError::new(ErrorCode::InvalidInput, format!("'{}' is not a file name", params.name)));
        }
        let id = format!("{}-{}", std::process::id() as u64 * 1000 + self.next.fetch_add(1, Ordering::Relaxed), base);
        std::fs::create_dir_all(&self.dir)
            .map_err(|e| ApiError::new(ErrorCode::Io, format!("{}: {e}", self.dir.display())))?;
        let path = self.dir.join(&id);
        std::fs::write(&path, &bytes).map_err(|e| ApiError::new(ErrorCode::Io, format!("{}: {e}", path.display())))?;
        Ok(Uploaded { upload: id, size_bytes: bytes.len() as u64 })
    }

    /// The file of an upload id; ids that are not plain names of this directory are refused.
    pub fn path(&self, id: &str) -> Result<PathBuf, ApiError> {
        let plain = !id.is_empty() && !id.contains(['/', '\\', '\0']) && !id.starts_with('.');
        let path = self.dir.join(id);
        if !plain || !path.is_file() {
            return Err(ApiError::new(ErrorCode::NotFound, format!("no uploaded file '{id}'")));
        }
        Ok(path)
    }
}

type Job = (String, Value, mpsc::Sender<Result<Value, ApiError>>);

/// One database served to many requests. Cheap to share behind an `Arc`.
pub struct Host {
    jobs: Mutex<mpsc::Sender<Job>>,
    progress: Arc<Mutex<ImportProgress>>,
    uploads: Arc<Uploads>,
    database: PathBuf,
    created_demo: bool,
}

impl Host {
    /// Opens the database at `db` for a face (the desktop app, a browser); when there is none and
    /// `demo_if_missing`, creates the demo database first. `today` fixes the date deadlines are
    /// judged on (otherwise today in Kazakhstan). Writes are made by Settings' "me" through `face`.
    pub fn start(db: &Path, demo_if_missing: bool, face: Face, today: Option<NaiveDate>) -> Result<Host, ApiError> {
        let context = Context::new(face, None, clock_for(today));
        let created_demo = demo_if_missing && !db.exists();
        if created_demo {
            init(db, Some(context.clock.today()), false, context.clone(), &mut |_, _| {})?;
        }
        let (sender, receiver) = mpsc::channel::<Job>();
        let (opened_tx, opened_rx) = mpsc::channel::<Result<(), ApiError>>();
        let progress: Arc<Mutex<ImportProgress>> = Default::default();
        let uploads = Arc::new(Uploads::new(db));
        let (worker_progress, worker_uploads, path) = (progress.clone(), uploads.clone(), db.to_path_buf());
        std::thread::Builder::new()
            .name("ekn-session".into())
            .spawn(move || {
                // The session is opened once, here; `start` waits for the outcome, so a bad database
                // is an error of `start`, not of every later request.
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
                    let importing = method == "import_file";
                    if importing {
                        *worker_progress.lock().expect("not poisoned") =
                            ImportProgress { running: true, ..Default::default() };
                    }
                    let mut on_progress = |p: crate::ingest::Progress| {
                        *worker_progress.lock().expect("not poisoned") = ImportProgress {
                            running: true,
                            bytes_done: p.bytes_done,
                            bytes_total: p.bytes_total,
                            rows: p.rows,
                        };
                    };
                    let result = rpc::call(&mut session, &method, params, &worker_uploads, &mut on_progress);
                    if importing {
                        worker_progress.lock().expect("not poisoned").running = false;
                    }
                    let _ = reply.send(result);
                }
            })
            .map_err(|e| ApiError::new(ErrorCode::Internal, format!("cannot start the session thread: {e}")))?;
        opened_rx
            .recv()
            .map_err(|_| ApiError::new(ErrorCode::Internal, "the session thread stopped while opening"))??;
        Ok(Host { jobs: Mutex::new(sender), progress, uploads, database: db.to_path_buf(), created_demo })
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
        match method {
            "upload" => {
                let p: UploadParams = serde_json::from_value(params)
                    .map_err(|e| ApiError::new(ErrorCode::InvalidInput, format!("bad parameters for 'upload': {e}")))?;
                to_json(self.uploads.store(&p)?)
            }
            "import_progress" => to_json(self.progress.lock().expect("not poisoned").clone()),
            _ => {
                let (reply, answer) = mpsc::channel();
                self.jobs
                    .lock()
                    .expect("not poisoned")
                    .send((method.to_string(), params, reply))
                    .map_err(|_| ApiError::new(ErrorCode::Internal, "the session thread has stopped"))?;
                answer.recv().map_err(|_| ApiError::new(ErrorCode::Internal, "the session thread has stopped"))?
            }
        }
    }
}

fn to_json<T: Serialize>(value: T) -> Result<Value, ApiError> {
    serde_json::to_value(value).map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))
}
