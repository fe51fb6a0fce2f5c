//! A connector's run: resumed where one was cut off, or started; every page fetched patiently and
//! staged encrypted; then published in one import, or the file of an `http-file` connector
//! fetched when it changed.

use super::Connectors;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::ConnectorRunReport;
use crate::api::{ApiError, ErrorCode};
use crate::connect::egov::{self, Dataset, PageError, Since};
use crate::connect::fetch::{FetchPolicy, Fetcher, Validators};
use crate::connect::spec::{mapped_records, ConnectorSpec};
use crate::ingest::{ImportOptions, ImportReport, Input};
use crate::store::blobs::BlobStore;
use crate::store::connectors::StagedPage;

impl Connectors<'_> {
    /// Runs a connector: resumes its run cut off before, or starts one; stages every page; then
    /// publishes the run in one import.
    pub fn run(
        &mut self,
        name: &str,
        progress: &mut dyn FnMut(crate::ingest::Progress),
    ) -> Result<ConnectorRunReport, ApiError> {
        let started = Instant::now();
        let spec = self.connector(name)?.spec;
        let api_key = match &spec.api_key_env {
            Some(var) => Some(std::env::var(var).map_err(|_| {
                ApiError::invalid(format!(
                    "connector {name}: the environment variable {var}, which holds its API key, is not set"
                ))
            })?),
            None => None,
        };
        let own = self.network_settings()?;
        let network = match self.office_network()? {
            Some(office) => own.with_office(&office.settings),
            None => own,
        };
        let mut policy = FetchPolicy::on(&network)
            .map_err(|e| ApiError::invalid(format!("connector {name}: the network settings: {}", e.0)))?;
        if let Some(seconds) = spec.read_timeout_s {
            policy.read_timeout = Duration::from_secs(seconds);
        }
        let clock = self.read().context().clock.clone();
        let mut fetcher = Fetcher::new(policy, Box::new(move || clock.now()));
        if spec.kind == "http-file" {
            return self.run_file(&spec, fetcher, started, progress);
        }

        let named = |e: PageError| {
            let e = ApiError::from(e);
            ApiError::new(e.code, format!("connector {name}: {}", e.message))
        };
        let (run, resumed, version, since) = match self.read().store().staging_run(name)? {
            // A run cut off resumes with its own version and window.
            Some(run) => {
                let since = run.modified_since.as_deref().and_then(parse_mark);
                (run.id, true, run.version, since)
            }
            None => {
                let version = match &spec.version {
                    Some(v) => v.clone(),
                    None => egov::newest_version(&mut fetcher, &spec.url, &spec.dataset, api_key.as_deref())
                        .map_err(named)?,
                };
                // Where the dataset names a modified field: read from the watermark the last
                // published run saw at its start (of the same field), and note the newest value
                // now, the next run's watermark. Both asked before the run exists, so a refusal
                // here leaves no run behind.
                let (mut since, mut upto) = (None, None);
                if let Some(field) = &spec.modified_field {
                    let probe = dataset_of(&spec, &version, api_key.clone(), None);
                    upto = egov::newest_modified(&mut fetcher, &probe, field)
                        .map_err(named)?
                        .map(|value| Since { field: field.clone(), value });
                    since = self
                        .read()
                        .store()
                        .last_modified_upto(name)?
                        .as_deref()
                        .and_then(parse_mark)
                        .filter(|mark| &mark.field == field);
                }
                let run = self.read().store().start_run(name, &version, &self.read().clock().stamp())?;
                self.read().store().set_run_window(
                    run,
                    since.as_ref().map(mark_text).as_deref(),
                    upto.as_ref().map(mark_text).as_deref(),
                )?;
                (run, false, version, since)
            }
        };
        let staged = self.read().store().staged_pages(run)?;
        let cursor: Option<Value> =
            staged.last().and_then(|p| p.cursor.as_deref()).and_then(|c| serde_json::from_str(c).ok());
        let dataset = dataset_of(&spec, &version, api_key, since.clone());
        let mut page_no = staged.len() as i64;
        let mut staged_rows: u64 = staged.iter().map(|p| p.records as u64).sum();
        let fetched = {
            let (store, blobs, path) = (self.read().store(), self.documents.blobs(), self.read().database());
            let progress = &mut *progress;
            egov::pages::<ApiError>(&mut fetcher, &dataset, cursor, |page| {
                page_no += 1;
                staged_rows += page.records.len() as u64;
                // While fetching, the rows staged so far (the size of the whole is not known yet).
                progress(crate::ingest::Progress {
                    bytes_done: 0,
                    bytes_total: 0,
                    rows: staged_rows,
                    triaged: 0,
                    triage_total: 0,
                });
                let bytes =
                    serde_json::to_vec(&page.records).map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
                let sha256 = crate::api::sha256_hex(&bytes);
                blobs.put(&sha256, &bytes, path)?;
                store.stage_page(
                    run,
                    &StagedPage {
                        page: page_no,
                        sha256,
                        records: page.records.len() as i64,
                        cursor: page.cursor.as_ref().map(Value::to_string),
                    },
                )?;
                Ok(())
            })
        };
        let stats = fetcher.stats;
        self.read().store().count_run_requests(run, stats.requests, stats.retries, stats.too_many)?;
        if let Err(e) = fetched {
            let staged_now = self.read().store().staged_pages(run)?.len();
            let message = format!(
                "connector {name}: {}. Nothing was published; {staged_now} page(s) are staged and the next run resumes after them",
                e.message
            );
            self.read().store().set_run_error(run, &e.code.code(), &message)?;
            return Err(ApiError::new(e.code, message));
        }
        let this = ThisRun { id: run, resumed, version, since };
        self.publish(&spec, &this, started, progress)
    }

    /// Publishes a run whose pages are all staged: one import of every record (the field map
    /// applied), then the staged pages are forgotten whatever the import's outcome.
    fn publish(
        &mut self,
        spec: &ConnectorSpec,
        this: &ThisRun,
        started: Instant,
        progress: &mut dyn FnMut(crate::ingest::Progress),
    ) -> Result<ConnectorRunReport, ApiError> {
        let (run, version, since) = (this.id, this.version.as_str(), this.since.as_ref());
        let pages = self.read().store().staged_pages(run)?;
        let staged = StagedRecords::new(
            self.documents.blobs().clone(),
            self.read().database().to_path_buf(),
            &spec.name,
            pages.clone(),
            spec.map.clone(),
        );
        let open = move || -> std::io::Result<Box<dyn std::io::Read + Send>> { Ok(Box::new(staged.clone())) };
        let count = pages.iter().map(|p| p.records as usize).sum::<usize>();
        let upto = pages.iter().rev().find_map(|p| p.cursor.clone()).unwrap_or_else(|| "the start".into());
        let file = format!("connector-{}-run-{run}.json", spec.name);
        let window =
            since.map(|s| format!(", records with {} ≥ {}", s.field, mark_value(&s.value))).unwrap_or_default();
        let source = format!(
            "connector {}: {}/{}/{version}, keyset on {} up to {upto}{window}, {} page(s)",
            spec.name,
            spec.url.trim_end_matches('/'),
            spec.dataset,
            spec.key_field,
            pages.len()
        );
        let options = ImportOptions {
            kind: spec.data,
            source: Some(source),
            skip_invalid: false,
            legal_card: None,
            act_periods: None,
        };
        // The records stream from the staged pages, a page at a time: read once for the digest and
        // once to import, never whole in memory (a million records were 825 MB as one buffer).
        let imported =
            self.kernel.lend().registry().import_input(Input::Stream { name: &file, open: &open }, &options, progress);
        let at = self.read().clock().stamp();
        let (status, error, report) = match &imported {
            Ok(report) => ("published", None, serde_json::to_string(report).ok()),
            Err(e) => ("failed", Some((e.code.code(), e.message.clone())), None),
        };
        let error = error.as_ref().map(|(code, message)| (code.as_str(), message.as_str()));
        for sha256 in self.read().store().finish_run(run, status, &at, error, report.as_deref())? {
            self.documents.blobs().remove(&sha256)?;
        }
        let import = imported.map_err(|e| {
            ApiError::new(e.code, format!("connector {}: run {run} was not published: {}", spec.name, e.message))
        })?;
        let row = self.read().store().connector_runs(&spec.name, 1)?.pop();
        let (requests, retries, too_many) =
            row.map_or((0, 0, 0), |r| (r.requests as u32, r.retries as u32, r.too_many as u32));
        Ok(ConnectorRunReport {
            connector: spec.name.clone(),
            run_id: run,
            resumed: this.resumed,
            version: version.to_string(),
            pages: pages.len(),
            records: count,
            requests,
            retries,
            too_many,
            import: Some(import),
            not_modified: false,
            modified_since: since.map(|s| mark_value(&s.value)),
            seconds: started.elapsed().as_secs_f64(),
        })
    }

    /// Runs an `http-file` connector: the file again only when it changed (its ETag or
    /// Last-Modified sent back; a 304 writes nothing), imported whole like a file from disk.
    fn run_file(
        &mut self,
        spec: &ConnectorSpec,
        mut fetcher: Fetcher,
        started: Instant,
        progress: &mut dyn FnMut(crate::ingest::Progress),
    ) -> Result<ConnectorRunReport, ApiError> {
        let name = spec.name.as_str();
        // A file has no pages: a run cut off is simply fetched again.
        let (run, resumed) = match self.read().store().staging_run(name)? {
            Some(run) => (run.id, true),
            None => (self.read().store().start_run(name, "file", &self.read().clock().stamp())?, false),
        };
        let (etag, last_modified) = self.read().store().last_validators(name)?;
        let known = Validators { etag, last_modified };
        let fetched = fetcher.get_file(&spec.url, &known, &format!("{name}'s file"));
        let stats = fetcher.stats;
        self.read().store().count_run_requests(run, stats.requests, stats.retries, stats.too_many)?;
        let report = |import: Option<ImportReport>, not_modified: bool, records: usize| ConnectorRunReport {
            connector: name.to_string(),
            run_id: run,
            resumed,
            version: "file".into(),
            pages: usize::from(!not_modified),
            records,
            requests: stats.requests,
            retries: stats.retries,
            too_many: stats.too_many,
            import,
            not_modified,
            modified_since: None,
            seconds: started.elapsed().as_secs_f64(),
        };
        let at = self.read().clock().stamp();
        let (bytes, validators) = match fetched {
            Err(e) => {
                let e = ApiError::from(PageError::Fetch(e));
                let message = format!("connector {name}: {}. Nothing was published", e.message);
                self.read().store().set_run_error(run, &e.code.code(), &message)?;
                return Err(ApiError::new(e.code, message));
            }
            Ok(None) => {
                // Unchanged since the last import: the run is done, nothing to write.
                self.read().store().set_run_validators(run, known.etag.as_deref(), known.last_modified.as_deref())?;
                self.read().store().finish_run(run, "published", &at, None, None)?;
                return Ok(report(None, true, 0));
            }
            Ok(Some(answer)) => answer,
        };
        let file = spec.file_name().unwrap_or_else(|| format!("connector-{name}-run-{run}"));
        let options = ImportOptions {
            kind: spec.data,
            source: Some(format!("connector {name}: {}", spec.url)),
            skip_invalid: false,
            legal_card: None,
            act_periods: None,
        };
        let imported = self.kernel.lend().registry().import_input(
            Input::Bytes { name: &file, bytes: bytes.into() },
            &options,
            progress,
        );
        let at = self.read().clock().stamp();
        match imported {
            Ok(import) => {
                self.read().store().set_run_validators(
                    run,
                    validators.etag.as_deref(),
                    validators.last_modified.as_deref(),
                )?;
                self.read().store().finish_run(
                    run,
                    "published",
                    &at,
                    None,
                    serde_json::to_string(&import).ok().as_deref(),
                )?;
                let rows = import.rows_read as usize;
                Ok(report(Some(import), false, rows))
            }
            Err(e) => {
                self.read().store().finish_run(run, "failed", &at, Some((&e.code.code(), &e.message)), None)?;
                Err(ApiError::new(e.code, format!("connector {name}: the file was not imported: {}", e.message)))
            }
        }
    }
}

/// A run's records as one JSON array read from its staged pages: `[`, each page's records (opened
/// and decrypted when the reading reaches it, the field map applied), comma-joined, `]`. Cloned to
/// read again from the start.
#[derive(Clone)]
struct StagedRecords {
    blobs: BlobStore,
    db_path: std::path::PathBuf,
    connector: String,
    pages: Arc<[StagedPage]>,
    map: Arc<[(String, String)]>,
    /// The next page to open, what is left of the piece being read, and whether a record was written.
    next: usize,
    piece: std::io::Cursor<Vec<u8>>,
    wrote_records: bool,
    closed: bool,
}

impl StagedRecords {
    fn new(
        blobs: BlobStore,
        db_path: std::path::PathBuf,
        connector: &str,
        pages: Vec<StagedPage>,
        map: Vec<(String, String)>,
    ) -> StagedRecords {
        StagedRecords {
            blobs,
            db_path,
            connector: connector.to_string(),
            pages: pages.into(),
            map: map.into(),
            next: 0,
            piece: std::io::Cursor::new(b"[".to_vec()),
            wrote_records: false,
            closed: false,
        }
    }

    /// The next piece to read: a page's records (after a comma), or the closing bracket.
    fn refill(&mut self) -> std::io::Result<bool> {
        while let Some(page) = self.pages.get(self.next) {
            self.next += 1;
            let failed = |e: String| {
                std::io::Error::other(format!("connector {}: staged page {}: {e}", self.connector, page.page))
            };
            let bytes = self.blobs.get(&page.sha256, &self.db_path).map_err(|e| failed(e.to_string()))?;
            let mut part = mapped_records(&bytes, &self.map).map_err(|e| failed(e.to_string()))?;
            if part.is_empty() {
                continue;
            }
            if self.wrote_records {
                part.insert(0, b',');
            }
            self.wrote_records = true;
            self.piece = std::io::Cursor::new(part);
            return Ok(true);
        }
        if self.closed {
            return Ok(false);
        }
        self.closed = true;
        self.piece = std::io::Cursor::new(b"]".to_vec());
        Ok(true)
    }
}

impl std::io::Read for StagedRecords {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            let n = self.piece.read(buf)?;
            if n > 0 || buf.is_empty() {
                return Ok(n);
            }
            if !self.refill()? {
                return Ok(0);
            }
        }
    }
}

/// The run being published: its id, whether it resumed one cut off, the dataset's version, and
/// its modified-since window.
struct ThisRun {
    id: i64,
    resumed: bool,
    version: String,
    since: Option<Since>,
}

/// The dataset as a run pages it.
fn dataset_of(spec: &ConnectorSpec, version: &str, api_key: Option<String>, since: Option<Since>) -> Dataset {
    Dataset {
        base: spec.url.clone(),
        id: spec.dataset.clone(),
        version: version.to_string(),
        key_field: spec.key_field.clone(),
        api_key,
        page_size: spec.page_size,
        since,
    }
}

/// A watermark as kept on a run: `{"field": F, "value": V}`.
fn mark_text(mark: &Since) -> String {
    serde_json::json!({ "field": mark.field, "value": mark.value }).to_string()
}

fn parse_mark(text: &str) -> Option<Since> {
    let value: Value = serde_json::from_str(text).ok()?;
    Some(Since { field: value.get("field")?.as_str()?.to_string(), value: value.get("value")?.clone() })
}

/// A watermark's value for a person: a string without its quotes.
fn mark_value(value: &Value) -> String {
    value.as_str().map_or_else(|| value.to_string(), str::to_string)
}

impl From<PageError> for ApiError {
    fn from(e: PageError) -> ApiError {
        let code = if e.is_refusal() { ErrorCode::PortalRefused } else { ErrorCode::PortalUnavailable };
        ApiError::new(code, e.to_string())
    }
}
