//! Connectors as use cases: a registry source kept as data (`ekn connect add`), listed with its
//! last run, removed, and run. A run fetches a data.egov.kz API v4 dataset page by page with the
//! patience of `connect::fetch`, stages each page (sealed beside the database, with the cursor
//! after it) before asking for the next, and only when the last page is in publishes the whole
//! run in one import — the same validation, masking, provenance and single journal entry as a file
//! — so the database never holds half a run. A run cut off (killed, offline, refused) is resumed by
//! the next run from its staged cursor; a run whose import fails publishes nothing and is marked
//! failed. A second run re-reads the dataset and the import writes only what changed (its report
//! says inserted, updated, unchanged).
//!
//! `run` is a connector's run: its pages staged, then published as one import.

mod run;

use crate::api::session::handles::{Documents, Journal, Kernel, Read};
use serde::Serialize;

use crate::api::{ApiError, ErrorCode};
use crate::connect::network::{NetworkSettings, NetworkSettingsExt};
pub use crate::connect::spec::{mapped_records, parse_map, ConnectorFlags, ConnectorSpec};
use crate::domain::journal::{Entry, RecordRef};
use crate::domain::sync::OfficeNetwork;
use crate::ingest::ImportReport;
use crate::store::connectors::RunRow;
use crate::store::About;

/// The connectors: portals added and removed, their network settings, their runs staged and published. `Session::connectors` lends it; it holds the kernel and the sealed documents, where a run stages its pages.
pub struct Connectors<'s> {
    kernel: Kernel<'s>,
    /// The sealed documents beside the database, where a run's pages are staged.
    documents: Documents<'s>,
}

impl<'s> Connectors<'s> {
    pub(in crate::api) fn new(kernel: Kernel<'s>, documents: Documents<'s>) -> Connectors<'s> {
        Connectors { kernel, documents }
    }

    pub(in crate::api) fn read(&self) -> Read<'_> {
        self.kernel.read()
    }

    pub(in crate::api) fn journal(&mut self) -> Journal<'_> {
        self.kernel.journal()
    }
}

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

impl Connectors<'_> {
    /// Adds (or replaces) a connector, journaled as a setting (without any key).
    pub fn add(&mut self, spec: &ConnectorSpec) -> Result<ConnectorView, ApiError> {
        spec.check()?;
        let text = serde_json::to_string(spec).map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
        let at = self.read().clock().stamp();
        self.journal().run(|w| {
            w.set_connector(&spec.name, &text, &at)?;
            let entry = Entry::SettingChanged { key: format!("connector.{}", spec.name), value: text.clone() };
            w.append(&entry, About::default(), None)?;
            Ok(())
        })?;
        self.connector(&spec.name)
    }

    pub fn remove(&mut self, name: &str) -> Result<(), ApiError> {
        let removed = self.journal().run(|w| {
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
    pub fn network(&self) -> Result<NetworkView, ApiError> {
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
        if self.read().store().setting(OFFICE_NETWORK_SETTING)?.as_deref() == Some(text.as_str()) {
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
        self.journal().run(|w| {
            w.set_setting(OFFICE_NETWORK_SETTING, &text)?;
            let entry = Entry::SettingChanged { key: OFFICE_NETWORK_SETTING.into(), value: recorded.clone() };
            w.append(&entry, About::default(), Some(RecordRef::Setting(OFFICE_NETWORK_SETTING.into())))?;
            Ok(())
        })
    }

    fn office_network(&self) -> Result<Option<OfficeNetwork>, ApiError> {
        match self.read().store().setting(OFFICE_NETWORK_SETTING)? {
            Some(text) => serde_json::from_str(&text)
                .map(Some)
                .map_err(|e| ApiError::new(ErrorCode::Internal, format!("the office's network settings: {e}"))),
            None => Ok(None),
        }
    }

    /// Sets the extra CA bundle and the proxy, checked first (a bundle that is not certificates,
    /// or a proxy with a password, is refused and nothing changes); journaled with the bundle's
    /// fingerprints, so who made the connectors trust which CA, and when, is on the record.
    pub fn set_network(&mut self, settings: &NetworkSettings) -> Result<NetworkView, ApiError> {
        let ca_fingerprints = settings.check().map_err(|e| ApiError::invalid(e.0))?;
        let text = serde_json::to_string(settings).map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
        let recorded = serde_json::json!({ "ca_fingerprints": ca_fingerprints, "proxy": settings.proxy }).to_string();
        self.journal().run(|w| {
            w.set_setting(NETWORK_SETTING, &text)?;
            let entry = Entry::SettingChanged { key: NETWORK_SETTING.into(), value: recorded.clone() };
            // The setting row is a journaled record: without it `ekn journal verify` names the row
            // as existing with no entry recording it.
            w.append(&entry, About::default(), Some(RecordRef::Setting(NETWORK_SETTING.into())))?;
            Ok(())
        })?;
        let mut view = self.network()?;
        view.ca_fingerprints = ca_fingerprints;
        Ok(view)
    }

    fn network_settings(&self) -> Result<NetworkSettings, ApiError> {
        match self.read().store().setting(NETWORK_SETTING)? {
            Some(text) => serde_json::from_str(&text)
                .map_err(|e| ApiError::new(ErrorCode::Internal, format!("the connectors' network settings: {e}"))),
            None => Ok(NetworkSettings::default()),
        }
    }

    /// Every connector with its schedule and last run.
    pub fn list(&self) -> Result<Vec<ConnectorView>, ApiError> {
        self.read()
            .store()
            .connectors()?
            .into_iter()
            .map(|(name, spec, added_at)| {
                let spec: ConnectorSpec = serde_json::from_str(&spec)
                    .map_err(|e| ApiError::new(ErrorCode::Internal, format!("connector {name}'s spec: {e}")))?;
                let last_run = self.read().store().connector_runs(&name, 1)?.pop();
                let next_run = next_run(&spec, &added_at, last_run.as_ref());
                Ok(ConnectorView { spec, added_at, last_run, next_run })
            })
            .collect()
    }

    fn connector(&self, name: &str) -> Result<ConnectorView, ApiError> {
        self.list()?
            .into_iter()
            .find(|c| c.spec.name == name)
            .ok_or_else(|| ApiError::new(ErrorCode::NotFound, format!("no connector '{name}' (ekn connect list)")))
    }

    /// Runs every scheduled connector that is due (its next run is past, or a run of it was cut
    /// off by a silence or a kill), one after another; a failure is reported and the others still
    /// run.
    pub fn run_due(
        &mut self,
        progress: &mut dyn FnMut(crate::ingest::Progress),
    ) -> Result<Vec<ScheduledRun>, ApiError> {
        let now = self.read().clock().now();
        let mut out = Vec::new();
        for view in self.list()? {
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
            match self.run(&name, progress) {
                Ok(report) => out.push(ScheduledRun { connector: name, report: Some(report), error: None }),
                Err(e) => out.push(ScheduledRun { connector: name, report: None, error: Some(e.message) }),
            }
        }
        Ok(out)
    }

    pub fn runs(&self, name: &str, limit: usize) -> Result<Vec<RunRow>, ApiError> {
        self.connector(name)?;
        Ok(self.read().store().connector_runs(name, limit.clamp(1, 1000))?)
    }
}

/// When a scheduled connector runs next: its schedule after its last run's start, or after it
/// was added when it never ran.
fn next_run(spec: &ConnectorSpec, added_at: &str, last: Option<&RunRow>) -> Option<String> {
    let hours = spec.every_hours?;
    let from = last.map_or(added_at, |r| r.started_at.as_str());
    let from = chrono::DateTime::parse_from_rfc3339(from).ok()?;
    Some((from + chrono::Duration::hours(i64::from(hours))).with_timezone(&chrono::Utc).to_rfc3339())
}
