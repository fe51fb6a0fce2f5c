//! Connectors as use cases: a registry source kept as data (`ekn connect add`), listed with its
//! last run, removed, and run. A run fetches a data.egov.kz API v4 dataset page by page with the
//! patience of `connect::fetch`, stages each page (sealed beside the database, with the cursor
//! after it) before asking for the next, and only when the last page is in publishes the whole
//! run in one import — the same validation, masking, provenance and single journal entry as a file
//! — so the database never holds half a run. A run cut off (killed, offline, refused) is resumed by
//! the next run from its staged cursor; a run whose import fails publishes nothing and is marked
//! failed. A second run re-reads the dataset and the import writes only what changed (its report
//! says inserted, updated, unchanged).

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::Value;

use crate::api::{ApiError, ErrorCode, Session};
use crate::connect::egov::{self, Dataset, PageError, Since};
use crate::connect::fetch::{FetchPolicy, Fetcher, Validators};
use crate::connect::network::{NetworkSettings, NetworkSettingsExt};
pub use crate::connect::spec::{mapped_records, parse_map, ConnectorFlags, ConnectorSpec};
use crate::domain::journal::{Entry, RecordRef};
use crate::domain::sync::OfficeNetwork;
use crate::ingest::{ImportOptions, ImportReport, Input};
use crate::store::blobs::BlobStore;
use crate::store::connectors::{RunRow, StagedPage};
use crate::store::About;

/// A connector with its last run, for `ekn connect list` and Import → Sources.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct ConnectorView {
    pub spec: ConnectorSpec,
    pub added_at: String,
    pub last_run: Option<RunRow>,
    /// When its schedule runs it next (RFC 3339); `None` without a schedule.
    pub next_run: Option<String>,
}

/// What a background round of scheduled connectors did, one line per connector it ran.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct ScheduledRun {
    pub connector: String,
    pub report: Option<ConnectorRunReport>,
    pub error: Option<String>,
}

/// What one run did.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct ConnectorRunReport {
    pub connector: String,
    pub run_id: i64,
    /// The run continued one cut off before, from its staged cursor.
    pub resumed: bool,
    pub version: String,
    pub pages: usize,
    pub records: usize,
    pub requests: u32,
    pub retries: u32,
    pub too_many: u32,
    /// The import that published the run; `None` when a file had not changed (304).
    pub import: Option<ImportReport>,
    pub not_modified: bool,
    /// A modified-since run: the watermark it read from (only records modified since then).
    pub modified_since: Option<String>,
    pub seconds: f64,
}

/// The connectors' network settings as shown: the bundle's certificates by fingerprint, and what
/// the office hands out beside them.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct NetworkView {
    /// The workstation's own.
    pub settings: NetworkSettings,
    /// SHA-256 of each certificate of the workstation's own bundle, in its order.
    pub ca_fingerprints: Vec<String>,
    /// The office's, received with the last pull that changed them.
    pub office: Option<OfficeNetwork>,
    pub office_fingerprints: Vec<String>,
}

/// Where the connectors' network settings are kept: the workstation's own, and the office's.
const NETWORK_SETTING: &str = "connectors.network";
const OFFICE_NETWORK_SETTING: &str = "connectors.network.office";

impl Session {
    /// Adds (or replaces) a connector, journaled as a setting (without any key).
    pub fn connector_add(&mut self, spec: &ConnectorSpec) -> Result<ConnectorView, ApiError> {
        spec.check()?;
        let text = serde_json::to_string(spec).map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
        let at = self.clock().stamp();
        self.write(|w| {
            w.set_connector(&spec.name, &text, &at)?;
            let entry = Entry::SettingChanged { key: format!("connector.{}", spec.name), value: text.clone() };
            w.append(&entry, About::default(), None)?;
            Ok(())
        })?;
        self.connector(&spec.name)
    }

    pub fn connector_remove(&mut self, name: &str) -> Result<(), ApiError> {
        let removed = self.write(|w| {
            let removed = w.remove_connector(name)?;
            if removed {
                let entry = Entry::SettingChanged { key: format!("connector.{name}"), value: "removed".into() };
                w.append(&entry, About::default(), None)?;
            }
            Ok(removed)
        })?;
        if removed {
            Ok(())
        } else {
            Err(ApiError::new(ErrorCode::NotFound, format!("no connector '{name}'")))
        }
    }

    /// The connectors' network settings: the extra CA bundle and the proxy.
    pub fn connectors_network(&self) -> Result<NetworkView, ApiError> {
        let settings = self.network_settings()?;
        let ca_fingerprints = settings.check().map_err(|e| ApiError::new(ErrorCode::Internal, e.0))?;
        let office = self.office_network()?;
        let office_fingerprints = match &office {
            Some(o) => o.settings.check().map_err(|e| ApiError::new(ErrorCode::Internal, e.0))?,
            None => Vec::new(),
        };
        Ok(NetworkView { settings, ca_fingerprints, office, office_fingerprints })
    }

    /// Keeps the network settings the office handed out with a pull, when they changed: checked
    /// like a workstation's own, and journaled by fingerprint with who set them at the office.
    pub(crate) fn receive_office_network(&mut self, office: &OfficeNetwork) -> Result<(), ApiError> {
        let text = serde_json::to_string(office).map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
        if self.store.setting(OFFICE_NETWORK_SETTING)?.as_deref() == Some(text.as_str()) {
            return Ok(());
        }
        let fingerprints = office.settings.check().map_err(|e| {
            ApiError::new(ErrorCode::OfficeRefused, format!("the office's network settings are not usable: {}", e.0))
        })?;
        let recorded = serde_json::json!({
            "ca_fingerprints": fingerprints,
            "proxy": office.settings.proxy,
            "set_by": office.set_by,
            "set_at": office.set_at,
        })
        .to_string();
        self.write(|w| {
            w.set_setting(OFFICE_NETWORK_SETTING, &text)?;
            let entry = Entry::SettingChanged { key: OFFICE_NETWORK_SETTING.into(), value: recorded.clone() };
            w.append(&entry, About::default(), Some(RecordRef::Setting(OFFICE_NETWORK_SETTING.into())))?;
            Ok(())
        })
    }

    fn office_network(&self) -> Result<Option<OfficeNetwork>, ApiError> {
        match self.store.setting(OFFICE_NETWORK_SETTING)? {
            Some(text) => serde_json::from_str(&text)
                .map(Some)
                .map_err(|e| ApiError::new(ErrorCode::Internal, format!("the office's network settings: {e}"))),
            None => Ok(None),
        }
    }

    /// Sets the extra CA bundle and the proxy, checked first (a bundle that is not certificates,
    /// or a proxy with a password, is refused and nothing changes); journaled with the bundle's
    /// fingerprints, so who made the connectors trust which CA, and when, is on the record.
    pub fn connectors_network_set(&mut self, settings: &NetworkSettings) -> Result<NetworkView, ApiError> {
        let ca_fingerprints = settings.check().map_err(|e| ApiError::invalid(e.0))?;
        let text = serde_json::to_string(settings).map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
        let recorded = serde_json::json!({ "ca_fingerprints": ca_fingerprints, "proxy": settings.proxy }).to_string();
        self.write(|w| {
            w.set_setting(NETWORK_SETTING, &text)?;
            let entry = Entry::SettingChanged { key: NETWORK_SETTING.into(), value: recorded.clone() };
            // The setting row is a journaled record: without it `ekn journal verify` names the row
            // as existing with no entry recording it.
            w.append(&entry, About::default(), Some(RecordRef::Setting(NETWORK_SETTING.into())))?;
            Ok(())
        })?;
        let mut view = self.connectors_network()?;
        view.ca_fingerprints = ca_fingerprints;
        Ok(view)
    }

    fn network_settings(&self) -> Result<NetworkSettings, ApiError> {
        match self.store.setting(NETWORK_SETTING)? {
            Some(text) => serde_json::from_str(&text)
                .map_err(|e| ApiError::new(ErrorCode::Internal, format!("the connectors' network settings: {e}"))),
            None => Ok(NetworkSettings::default()),
        }
    }

    pub fn connectors(&self) -> Result<Vec<ConnectorView>, ApiError> {
        self.store
            .connectors()?
            .into_iter()
            .map(|(name, spec, added_at)| {
                let spec: ConnectorSpec = serde_json::from_str(&spec)
                    .map_err(|e| ApiError::new(ErrorCode::Internal, format!("connector {name}'s spec: {e}")))?;
                let last_run = self.store.connector_runs(&name, 1)?.pop();
                let next_run = next_run(&spec, &added_at, last_run.as_ref());
                Ok(ConnectorView { spec, added_at, last_run, next_run })
            })
            .collect()
    }

    fn connector(&self, name: &str) -> Result<ConnectorView, ApiError> {
        self.connectors()?
            .into_iter()
            .find(|c| c.spec.name == name)
            .ok_or_else(|| ApiError::new(ErrorCode::NotFound, format!("no connector '{name}' (ekn connect list)")))
    }

    /// Runs every scheduled connector that is due (its next run is past, or a run of it was cut
    /// off by a silence or a kill), one after another; a failure is reported and the others still
    /// run.
    pub fn connectors_run_due(
        &mut self,
        progress: &mut dyn FnMut(crate::ingest::Progress),
    ) -> Result<Vec<ScheduledRun>, ApiError> {
        let now = self.clock().now();
        let mut out = Vec::new();
        for view in self.connectors()? {
            let Some(next) = &view.next_run else { continue };
            // A run cut off by a silence or a kill resumes at the next round; one the portal
            // refused (the key, the dataset) waits for its schedule or a person, rather than
            // knocking with the same refused request every few minutes.
            let cut_off = view.last_run.as_ref().is_some_and(|r| {
                r.status == "staging" && r.error_code.as_deref() != Some(ErrorCode::PortalRefused.code().as_str())
            });
            let due = chrono::DateTime::parse_from_rfc3339(next).is_ok_and(|t| t <= now) || cut_off;
            if !due {
                continue;
            }
            let name = view.spec.name.clone();
            match self.connector_run(&name, progress) {
                Ok(report) => out.push(ScheduledRun { connector: name, report: Some(report), error: None }),
                Err(e) => out.push(ScheduledRun { connector: name, report: None, error: Some(e.message) }),
            }
        }
        Ok(out)
    }

    pub fn connector_runs(&self, name: &str, limit: usize) -> Result<Vec<RunRow>, ApiError> {
        self.connector(name)?;
        Ok(self.store.connector_runs(name, limit.clamp(1, 1000))?)
    }

    /// Runs a connector: resumes its run cut off before, or starts one; stages every page; then
    /// publishes the run in one import.
    pub fn connector_run(
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
        let clock = self.context.clock.clone();
        let mut fetcher = Fetcher::new(policy, Box::new(move || clock.now()));
        if spec.kind == "http-file" {
            return self.run_file(&spec, fetcher, started, progress);
        }

        let named = |e: PageError| {
            let e = ApiError::from(e);
            ApiError::new(e.code, format!("connector {name}: {}", e.message))
        };
        let (run, resumed, version, since) = match self.store.staging_run(name)? {
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
                        .store
                        .last_modified_upto(name)?
                        .as_deref()
                        .and_then(parse_mark)
                        .filter(|mark| &mark.field == field);
                }
                let run = self.store.start_run(name, &version, &self.clock().stamp())?;
                self.store.set_run_window(
                    run,
                    since.as_ref().map(mark_text).as_deref(),
                    upto.as_ref().map(mark_text).as_deref(),
                )?;
                (run, false, version, since)
            }
        };
        let staged = self.store.staged_pages(run)?;
        let cursor: Option<Value> =
            staged.last().and_then(|p| p.cursor.as_deref()).and_then(|c| serde_json::from_str(c).ok());
        let dataset = dataset_of(&spec, &version, api_key, since.clone());
        let mut page_no = staged.len() as i64;
        let mut staged_rows: u64 = staged.iter().map(|p| p.records as u64).sum();
        let fetched = {
            let (store, blobs, path) = (&self.store, self.keys.documents().blobs(), self.path.clone());
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
                blobs.put(&sha256, &bytes, &path)?;
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
        self.store.count_run_requests(run, stats.requests, stats.retries, stats.too_many)?;
        if let Err(e) = fetched {
            let staged_now = self.store.staged_pages(run)?.len();
            let message = format!(
                "connector {name}: {}. Nothing was published; {staged_now} page(s) are staged and the next run resumes after them",
                e.message
            );
            self.store.set_run_error(run, &e.code.code(), &message)?;
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
        let pages = self.store.staged_pages(run)?;
        let staged = StagedRecords::new(
            self.keys.documents().blobs().clone(),
            self.path.clone(),
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
        let imported = self.import_input(Input::Stream { name: &file, open: &open }, &options, progress);
        let at = self.clock().stamp();
        let (status, error, report) = match &imported {
            Ok(report) => ("published", None, serde_json::to_string(report).ok()),
            Err(e) => ("failed", Some((e.code.code(), e.message.clone())), None),
        };
        let error = error.as_ref().map(|(code, message)| (code.as_str(), message.as_str()));
        for sha256 in self.store.finish_run(run, status, &at, error, report.as_deref())? {
            self.keys.documents().blobs().remove(&sha256)?;
        }
        let import = imported.map_err(|e| {
            ApiError::new(e.code, format!("connector {}: run {run} was not published: {}", spec.name, e.message))
        })?;
        let row = self.store.connector_runs(&spec.name, 1)?.pop();
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
        let (run, resumed) = match self.store.staging_run(name)? {
            Some(run) => (run.id, true),
            None => (self.store.start_run(name, "file", &self.clock().stamp())?, false),
        };
        let (etag, last_modified) = self.store.last_validators(name)?;
        let known = Validators { etag, last_modified };
        let fetched = fetcher.get_file(&spec.url, &known, &format!("{name}'s file"));
        let stats = fetcher.stats;
        self.store.count_run_requests(run, stats.requests, stats.retries, stats.too_many)?;
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
        let at = self.clock().stamp();
        let (bytes, validators) = match fetched {
            Err(e) => {
                let e = ApiError::from(PageError::Fetch(e));
                let message = format!("connector {name}: {}. Nothing was published", e.message);
                self.store.set_run_error(run, &e.code.code(), &message)?;
                return Err(ApiError::new(e.code, message));
            }
            Ok(None) => {
                // Unchanged since the last import: the run is done, nothing to write.
                self.store.set_run_validators(run, known.etag.as_deref(), known.last_modified.as_deref())?;
                self.store.finish_run(run, "published", &at, None, None)?;
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
        let imported = self.import_input(Input::Bytes { name: &file, bytes: bytes.into() }, &options, progress);
        let at = self.clock().stamp();
        match imported {
            Ok(import) => {
                self.store.set_run_validators(run, validators.etag.as_deref(), validators.last_modified.as_deref())?;
                self.store.finish_run(run, "published", &at, None, serde_json::to_string(&import).ok().as_deref())?;
                let rows = import.rows_read as usize;
                Ok(report(Some(import), false, rows))
            }
            Err(e) => {
                self.store.finish_run(run, "failed", &at, Some((&e.code.code(), &e.message)), None)?;
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

/// When a scheduled connector runs next: its schedule after its last run's start, or after it
/// was added when it never ran.
fn next_run(spec: &ConnectorSpec, added_at: &str, last: Option<&RunRow>) -> Option<String> {
    let hours = spec.every_hours?;
    let from = last.map_or(added_at, |r| r.started_at.as_str());
    let from = chrono::DateTime::parse_from_rfc3339(from).ok()?;
    Some((from + chrono::Duration::hours(i64::from(hours))).with_timezone(&chrono::Utc).to_rfc3339())
}

impl From<PageError> for ApiError {
    fn from(e: PageError) -> ApiError {
        let code = if e.is_refusal() { ErrorCode::PortalRefused } else { ErrorCode::PortalUnavailable };
        ApiError::new(code, e.to_string())
    }
}
