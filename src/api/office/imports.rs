//! The office's connectors as a workstation meets them: every pull names the newest published run
//! of each connector the office runs for the whole office; a run this workstation has not
//! imported is downloaded (signed, its size and SHA-256 checked against what the pull named) and
//! imported like a file — the same validation, masking, provenance and one journal entry, whose
//! source names the office connector and its run, authored by the enrolled person. What each
//! connector last offered and what became of it is kept in one setting, for `ekn connect office`
//! and Import → Sources.
//!
//! A run that cannot be imported for good (its records refused, its digest wrong) is not fetched
//! again until the office publishes a newer one; a run that could not be downloaded (the office
//! unreachable) is tried again at the next sync. Neither stops the sync.

use super::Office;
use serde::{Deserialize, Serialize};

use super::client::{Auth, OfficeClient};
use crate::api::{ApiError, ErrorCode};
use crate::domain::records::DataKind;
use crate::domain::sync::OfficeConnectorRun;
use crate::ingest::{ImportOptions, ImportReport, Input};

/// Where the office connectors' state is kept on the workstation.
const OFFICE_CONNECTORS: &str = "connectors.office";

/// An office connector as this workstation knows it: the newest run the office offered, and
/// what became of it here.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct OfficeConnectorState {
    pub offered: OfficeConnectorRun,
    /// The newest of its runs imported here, and when.
    pub imported_run: Option<i64>,
    pub imported_at: Option<String>,
    /// What the last import wrote: inserted, updated, unchanged.
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Why the offered run is not imported (yet), and its error code (for the reader's language).
    pub error: Option<String>,
    pub error_code: Option<String>,
    /// The run refused for good (its records invalid, its digest wrong): not fetched again.
    pub refused_run: Option<i64>,
    /// The run being imported, marked before the import starts: a run that killed the program
    /// mid-import is found marked at the next sync and refused instead of tried at every start.
    #[serde(default)]
    pub importing_run: Option<i64>,
}

/// What one sync did with an office connector's run.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct OfficeImport {
    pub connector: String,
    pub run_id: i64,
    pub import: Option<ImportReport>,
    pub error: Option<String>,
}

impl Office<'_> {
    /// The office's connectors and what this workstation imported of them.
    pub fn connectors(&self) -> Result<Vec<OfficeConnectorState>, ApiError> {
        match self.read().store().setting(OFFICE_CONNECTORS)? {
            Some(text) => serde_json::from_str(&text)
                .map_err(|e| ApiError::new(ErrorCode::Internal, format!("the office connectors' state: {e}"))),
            None => Ok(Vec::new()),
        }
    }

    /// Imports every run the office offers that this workstation has not imported; returns what
    /// it did with each, and keeps why one was not imported in its connector's state.
    pub(super) fn receive_office_runs<'a>(
        &mut self,
        client: &OfficeClient,
        auth: &dyn Fn() -> Auth<'a>,
        offered: &[OfficeConnectorRun],
    ) -> Result<Vec<OfficeImport>, ApiError> {
        let mut states = self.connectors()?;
        let before = states.clone();
        // A connector the office no longer runs is forgotten here (its imports stay, journaled).
        states.retain(|s| offered.iter().any(|o| o.connector == s.offered.connector));
        let mut done = Vec::new();
        for run in offered {
            let at = states.iter().position(|s| s.offered.connector == run.connector).unwrap_or_else(|| {
                states.push(OfficeConnectorState {
                    offered: run.clone(),
                    imported_run: None,
                    imported_at: None,
                    inserted: 0,
                    updated: 0,
                    unchanged: 0,
                    error: None,
                    error_code: None,
                    refused_run: None,
                    importing_run: None,
                });
                states.len() - 1
            });
            let state = &mut states[at];
            state.offered = run.clone();
            let settled = state.imported_run.is_some_and(|r| r >= run.run_id) || state.refused_run == Some(run.run_id);
            if settled {
                continue;
            }
            if state.importing_run == Some(run.run_id) {
                // The last attempt never came back: the program stopped inside this run's import.
                state.importing_run = None;
                state.refused_run = Some(run.run_id);
                state.error_code = Some(ErrorCode::OfficeRefused.code());
                state.error = Some(format!(
                    "office connector {} run {}: its import stopped the program last time; it is not tried again (the \
                     office's next run will be)",
                    run.connector, run.run_id
                ));
                continue;
            }
            state.importing_run = Some(run.run_id);
            self.keep_office_connectors(&states)?;
            let result = self.import_office_run(client, auth, run);
            let state = &mut states[at];
            state.importing_run = None;
            match &result {
                Ok(report) => {
                    state.imported_run = Some(run.run_id);
                    state.imported_at = Some(self.read().clock().stamp());
                    (state.inserted, state.updated, state.unchanged) =
                        (report.inserted, report.updated, report.unchanged);
                    state.error = None;
                    state.error_code = None;
                }
                Err(e) => {
                    tracing::warn!(
                        connector = run.connector.as_str(),
                        run = run.run_id,
                        reason = e.message.as_str(),
                        "an office connector's run was not imported"
                    );
                    state.error = Some(e.message.clone());
                    state.error_code = Some(e.code.code());
                    // The office unreachable: try again next time. Anything else would fail the same way.
                    if e.code != ErrorCode::OfficeUnreachable {
                        state.refused_run = Some(run.run_id);
                    }
                }
            }
            done.push(OfficeImport {
                connector: run.connector.clone(),
                run_id: run.run_id,
                error: result.as_ref().err().map(|e| e.message.clone()),
                import: result.ok(),
            });
        }
        if states != before {
            self.keep_office_connectors(&states)?;
        }
        Ok(done)
    }

    fn keep_office_connectors(&mut self, states: &[OfficeConnectorState]) -> Result<(), ApiError> {
        let text = serde_json::to_string(states).map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
        self.journal().set_setting(OFFICE_CONNECTORS, &text)
    }

    /// Downloads one run's records, checks them against the pull's word, imports them.
    fn import_office_run<'a>(
        &mut self,
        client: &OfficeClient,
        auth: &dyn Fn() -> Auth<'a>,
        run: &OfficeConnectorRun,
    ) -> Result<ImportReport, ApiError> {
        let named = |code, message: String| {
            ApiError::new(code, format!("office connector {} run {}: {message}", run.connector, run.run_id))
        };
        if run.data == DataKind::Appeals {
            // The office never runs one (an applicant is pseudonymised with this workstation's
            // key at the door); a server that sends one anyway is not obeyed.
            return Err(named(ErrorCode::OfficeRefused, "appeals are not taken from the office".into()));
        }
        let size = u64::try_from(run.bytes).map_err(|_| named(ErrorCode::OfficeRefused, "a negative size".into()))?;
        let path = format!("/v1/connectors/{}/runs/{}/records", run.connector, run.run_id);
        let body = client.download(&path, auth(), size).map_err(|e| named(e.code, e.message))?;
        let digest = crate::api::sha256_hex(&body);
        if digest != run.sha256 {
            return Err(named(
                ErrorCode::OfficeRefused,
                format!("the records' SHA-256 is {digest}, the office announced {}; nothing was imported", run.sha256),
            ));
        }
        let options = ImportOptions {
            kind: run.data,
            source: Some(format!("office connector {} run {}: {}", run.connector, run.run_id, run.source)),
            skip_invalid: false,
            legal_card: None,
            act_periods: None,
        };
        let input = Input::Bytes { name: &run.file_name, bytes: body };
        self.kernel.lend().registry().import_input(input, &options, &mut |_| {}).map_err(|e| named(e.code, e.message))
    }
}
