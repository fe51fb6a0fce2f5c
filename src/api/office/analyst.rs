//! The office's analyst in the app (issue 64): an analyst enrols no workstation (the office refuses
//! one), so they log in with their own name and password — to the office this workstation joined,
//! or to one they name — and the Office figures screen shows what the office computes for an
//! analyst: the dashboard by district and unit without a person's name, the acts' effectiveness,
//! the category × district cells of appeals judged (no theme: a theme is a person's work), the
//! anomalies with their objects withheld, and the appeals by district. The office decides what an
//! analyst reads; here it is checked again, and an answer that names a person or an object is
//! refused as not the office's to send.
//!
//! The token and the last figures live in this process's memory only; an office out of reach
//! shows the last figures with the reason.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::admin::{OfficeLoginParams, PersonLogin};
use super::client::{Auth, OfficeClient, OfficeTrust};
use super::heads::{checked, checked_anomalies, checked_appeals_map, checked_effect, checked_scan, OfficeDashboard};
use super::Office;
use crate::analytics::office_reports::{OfficeAnomalies, OfficeAppealsMap, OfficeEffect, OfficeThemeScan};
use crate::api::{ApiError, ErrorCode};

/// The office as its analyst sees it in the app.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct AnalystView {
    pub person: String,
    pub office: String,
    #[ts(type = "string")]
    pub expires_at: DateTime<Utc>,
    pub dashboard: OfficeDashboard,
    pub effect: OfficeEffect,
    pub themes: OfficeThemeScan,
    pub anomalies: OfficeAnomalies,
    pub appeals: OfficeAppealsMap,
    #[ts(type = "string")]
    pub fetched_at: DateTime<Utc>,
    /// Why these are the last figures fetched and not fresher ones (the office unreachable), if so.
    pub stale: Option<String>,
}

/// A live analyst's session, in this process's memory only.
pub struct AnalystSession {
    login: PersonLogin,
    last: Option<AnalystView>,
}

/// An analyst's answer must name nobody and no object: the office strips them for the role.
fn aggregates_only(view: &AnalystView) -> Result<(), ApiError> {
    let names_someone = !view.dashboard.by_owner.is_empty()
        || !view.dashboard.figures.by_assignee.is_empty()
        || !view.themes.owners.is_empty()
        || !view.themes.scan.themes.is_empty()
        || !view.anomalies.objects_withheld
        || view.anomalies.report.anomalies.iter().any(|a| !a.anomaly.subject_bins.is_empty());
    if names_someone {
        return Err(ApiError::new(
            ErrorCode::OfficeRefused,
            "the office sent an analyst people's names or objects, which an analyst never reads",
        ));
    }
    Ok(())
}

impl Office<'_> {
    /// Logs an analyst in: the office must say the person is an analyst (anyone else's session is
    /// ended at once and refused here); the office's figures fetched at once.
    pub fn analyst_login(&self, params: &OfficeLoginParams) -> Result<(AnalystSession, AnalystView), ApiError> {
        let trust = OfficeTrust { ca_pem: params.tls_ca.clone(), pin: params.tls_pin.clone() };
        let login =
            self.person_login(params.url.as_deref(), trust, &params.user, &params.password, "analyst", |name| {
                format!("{name} is not an analyst of the office")
            })?;
        let mut session = AnalystSession { login, last: None };
        let view = session.figures(self.read().clock().now())?;
        Ok((session, view))
    }
}

impl AnalystSession {
    /// The office's figures for this analyst now (`now`: the session's clock, stamped on them);
    /// when the office cannot be reached, the last ones fetched with the reason.
    pub fn figures(&mut self, now: DateTime<Utc>) -> Result<AnalystView, ApiError> {
        match self.fetch(now) {
            Ok(view) => {
                self.last = Some(view.clone());
                Ok(view)
            }
            Err(e) if e.code == ErrorCode::OfficeUnreachable => match &self.last {
                Some(last) => Ok(AnalystView { stale: Some(e.message.clone()), ..last.clone() }),
                None => Err(e),
            },
            Err(e) => Err(e),
        }
    }

    fn fetch(&self, now: DateTime<Utc>) -> Result<AnalystView, ApiError> {
        let client = OfficeClient::new(&self.login.url, &self.login.trust, None)?;
        let auth = || Auth::Bearer(&self.login.token);
        let dashboard: OfficeDashboard = client.call("GET", "/v1/dashboard", None::<&()>, auth())?;
        checked(&dashboard)?;
        let effect: OfficeEffect = client.call("GET", "/v1/effect", None::<&()>, auth())?;
        checked_effect(&effect)?;
        let themes: OfficeThemeScan = client.call("GET", "/v1/themes/scan", None::<&()>, auth())?;
        checked_scan(&themes)?;
        let anomalies: OfficeAnomalies = client.call("GET", "/v1/anomalies", None::<&()>, auth())?;
        checked_anomalies(&anomalies)?;
        let appeals: OfficeAppealsMap = client.call("GET", "/v1/appeals/map", None::<&()>, auth())?;
        checked_appeals_map(&appeals)?;
        let view = AnalystView {
            person: self.login.person.clone(),
            office: self.login.url.clone(),
            expires_at: self.login.expires_at,
            dashboard,
            effect,
            themes,
            anomalies,
            appeals,
            fetched_at: now,
            stale: None,
        };
        aggregates_only(&view)?;
        Ok(view)
    }

    /// The figures last fetched (what the Office figures screen shows), if any.
    pub fn last(&self) -> Option<&AnalystView> {
        self.last.as_ref()
    }

    /// Ends the session at the office (the token is dropped here whatever the office says).
    pub fn logout(self) {
        if let Ok(client) = OfficeClient::new(&self.login.url, &self.login.trust, None) {
            let _ =
                client.call::<serde_json::Value>("POST", "/v1/logout", None::<&()>, Auth::Bearer(&self.login.token));
        }
    }
}
