//! The calendar years this workstation imported, carried to its office: every pull names the
//! documents the office holds (by SHA-256); each imported year the office lacks is sent after the
//! push that carried its `calendar_imported` entry, so the office counts working days with the
//! newest calendar any workstation imported (the office checks the document against that entry).

use super::client::{Auth, OfficeClient};
use super::Office;
use crate::api::ApiError;

impl Office<'_> {
    /// Sends each imported year whose document the office does not hold; returns how many.
    pub(super) fn send_calendars<'a>(
        &self,
        client: &OfficeClient,
        auth: &dyn Fn() -> Auth<'a>,
        held: &[String],
    ) -> Result<usize, ApiError> {
        let mut sent = 0;
        for year in self.read().store().calendar_years()? {
            if held.contains(&year.sha256) {
                continue;
            }
            let body = serde_json::json!({ "year": year.year, "document": year.document });
            let _: serde_json::Value = client.call("POST", "/v1/calendar", Some(&body), auth())?;
            sent += 1;
        }
        Ok(sent)
    }
}
