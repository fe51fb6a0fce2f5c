//! The office's figures for the heads, in the app (issue 64): the dashboard the office computes
//! from its kept counts over every workstation in the caller's scope, asked for by this
//! workstation as its enrolled person. The office decides what the person sees (a supervisor: the
//! people's figures; an analyst: aggregates only; a prosecutor: their own districts) — never this
//! workstation. Every answer says when the office computed it; the last one is kept in the
//! (encrypted) database, so an office out of reach shows its last figures and says so.
//!
//! The office's answer is a peer's and is checked before it is shown or kept: bounded in size,
//! names and keys as the office allows them.

use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::BTreeMap;

use super::Office;
use crate::api::{ApiError, ErrorCode};
pub use crate::domain::tasks::OfficeDashboard;

/// The office's dashboard as the app shows it: fresh, or the last one kept when the office is out
/// of reach (`offline` says why, and `fetched_at` how old the figures are).
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct OfficeDashboardView {
    pub dashboard: OfficeDashboard,
    /// When this workstation received the figures (by its own clock).
    #[ts(type = "string")]
    pub fetched_at: DateTime<Utc>,
    /// Why the office was not asked again (it is out of reach): the figures are the last kept.
    pub offline: Option<String>,
}

/// No office has more people, districts or categories than this: an answer with more is refused.
const MAX_ROWS: usize = 20_000;

/// What the kept row of the office's figures is called in `office_figures`.
const DASHBOARD: &str = "dashboard";

/// Checks the office's answer as a peer's: bounded row counts, names as the office allows a name.
fn checked(board: &OfficeDashboard) -> Result<(), ApiError> {
    let f = &board.figures;
    let rows = board.by_owner.len()
        + board.by_district.len()
        + f.by_assignee.len()
        + f.by_unit.len()
        + f.overdue_matrix.len()
        + f.overdue_matrix.values().map(BTreeMap::len).sum::<usize>();
    let bad_name =
        |name: &String| name.trim().is_empty() || name.chars().count() > 200 || name.chars().any(char::is_control);
    let names = board.by_owner.keys().chain(f.by_assignee.keys()).chain(f.by_unit.keys());
    let district_codes = board.by_district.keys().all(|d| d.len() == 4 && d.bytes().all(|b| b.is_ascii_digit()));
    let keys = f.overdue_matrix.iter().flat_map(|(region, row)| std::iter::once(region).chain(row.keys()));
    if rows > MAX_ROWS || !district_codes || names.chain(keys).any(bad_name) || board.calendar.chars().count() > 2_000 {
        return Err(ApiError::new(ErrorCode::OfficeRefused, "the office's dashboard is not one an office sends"));
    }
    Ok(())
}

impl Office<'_> {
    /// The office's dashboard for this workstation's person, asked for now; the last one kept
    /// when the office is out of reach (an office that refuses — a role that does not see the
    /// dashboard, a revoked workstation — is an error, never the old figures).
    pub fn dashboard(&mut self) -> Result<OfficeDashboardView, ApiError> {
        let link = self.linked()?;
        let client = self.office_client(&link)?;
        let answer = client.call::<OfficeDashboard>("GET", "/v1/dashboard", None::<&()>, self.office_auth(&link));
        match answer {
            Ok(dashboard) => {
                checked(&dashboard)?;
                let fetched_at = self.read().clock().now();
                let body = serde_json::to_string(&dashboard)
                    .map_err(|e| ApiError::new(ErrorCode::Internal, format!("the office's dashboard: {e}")))?;
                self.journal().store().keep_office_figures(DASHBOARD, &body, &fetched_at.to_rfc3339())?;
                Ok(OfficeDashboardView { dashboard, fetched_at, offline: None })
            }
            Err(e) if e.code == ErrorCode::OfficeUnreachable => {
                let Some((body, fetched)) = self.read().store().office_figures(DASHBOARD)? else {
                    return Err(ApiError::new(
                        ErrorCode::OfficeUnreachable,
                        format!("{}; no figures of the office are kept on this workstation yet", e.message),
                    ));
                };
                let dashboard: OfficeDashboard = serde_json::from_str(&body)
                    .map_err(|e| ApiError::new(ErrorCode::Corrupt, format!("the kept office dashboard: {e}")))?;
                let fetched_at = DateTime::parse_from_rfc3339(&fetched)
                    .map_err(|e| ApiError::new(ErrorCode::Corrupt, format!("the kept office dashboard's time: {e}")))?
                    .with_timezone(&Utc);
                Ok(OfficeDashboardView { dashboard, fetched_at, offline: Some(e.message) })
            }
            Err(e) => Err(e),
        }
    }
}
