//! The office's administration in the app (issue 64): an administrator logs in with their own name
//! and password — to the office this workstation joined, or to one they name — and sees its
//! people, workstations, connectors and their runs, incidents to act on and the administrators'
//! journal, and acts on them
//! with a reason. The session's token lives in this process's memory only (never on disk) and is
//! sent as a bearer token: an administrator enrols no workstation, and the office's database
//! checks and journals each action (docs/OFFICE.md, "Administration from the app").
//!
//! What the office answers is a peer's and is checked before it is shown: bounded lists, names
//! and districts as the office allows them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::client::{Auth, OfficeClient, OfficeTrust};
use super::heads::{bad_name, bad_text};
use super::Office;
use crate::api::{ApiError, ErrorCode};
pub use crate::domain::office_admin::{AdminAction, AdminOverview};
use crate::domain::office_admin::{MAX_INCIDENTS, MAX_JOURNAL, MAX_RUNS};

/// What a person's own login at the office needs (an administrator's or an analyst's: neither
/// enrols a workstation): their name and password, and the office — this workstation's when `url`
/// is absent (its pinned certificate with it).
#[derive(Clone, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct OfficeLoginParams {
    #[serde(default)]
    pub url: Option<String>,
    pub user: String,
    pub password: String,
    #[serde(default)]
    pub tls_ca: Option<String>,
    #[serde(default)]
    pub tls_pin: Option<String>,
}

impl std::fmt::Debug for OfficeLoginParams {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OfficeLoginParams").field("url", &self.url).field("user", &self.user).finish_non_exhaustive()
    }
}

/// A live administrator's session, held in memory by the process that logged in.
pub struct AdminSession {
    url: String,
    trust: OfficeTrust,
    token: String,
    person: String,
    expires_at: DateTime<Utc>,
}

/// `office_admin_act`: the action, with its reason.
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct AdminActParams {
    pub act: AdminAction,
}

/// The office as its administrator sees it in the app.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct AdminView {
    /// The administrator logged in, the office and when the session ends by itself.
    pub person: String,
    pub office: String,
    #[ts(type = "string")]
    pub expires_at: DateTime<Utc>,
    pub overview: AdminOverview,
}

/// A person's own bearer session at an office (an administrator's or an analyst's: neither enrols
/// a workstation): the office must say the person has `role`, or the session is ended at once and
/// refused here.
pub(super) struct PersonLogin {
    pub url: String,
    pub trust: OfficeTrust,
    pub token: String,
    pub person: String,
    pub expires_at: DateTime<Utc>,
}

#[derive(Deserialize)]
struct LoginReply {
    token: String,
    expires_at: DateTime<Utc>,
    person: LoggedIn,
}

#[derive(Deserialize)]
struct LoggedIn {
    name: String,
    role: String,
}

impl Office<'_> {
    /// Logs `user` in at the office `url` (this workstation's, with its pinned trust, when absent)
    /// and keeps the session only when the office says the person is `role`.
    pub(super) fn person_login(
        &self,
        url: Option<&str>,
        trust: OfficeTrust,
        user: &str,
        password: &str,
        role: &str,
        not_role: impl FnOnce(&str) -> String,
    ) -> Result<PersonLogin, ApiError> {
        let (url, trust) = match url {
            Some(url) if !url.trim().is_empty() => (url.trim().to_string(), trust),
            _ => {
                let link = self.linked()?;
                (link.url.clone(), OfficeTrust { ca_pem: link.tls_ca.clone(), pin: link.tls_pin.clone() })
            }
        };
        let client = OfficeClient::new(&url, &trust, None)?;
        let login: LoginReply = client.call(
            "POST",
            "/v1/login",
            Some(&serde_json::json!({ "name": user, "password": password })),
            Auth::None,
        )?;
        if login.person.role != role {
            let _ = client.call::<serde_json::Value>("POST", "/v1/logout", None::<&()>, Auth::Bearer(&login.token));
            return Err(ApiError::new(ErrorCode::OfficeRefused, not_role(&login.person.name)));
        }
        Ok(PersonLogin { url, trust, token: login.token, person: login.person.name, expires_at: login.expires_at })
    }
}

/// No office has more people or workstations than this: an answer with more is refused.
const MAX_ROWS: usize = 100_000;

/// Checks the office's overview as a peer's.
fn checked(overview: &AdminOverview) -> Result<(), ApiError> {
    let refused = || ApiError::new(ErrorCode::OfficeRefused, "the office's administration is not one an office sends");
    if overview.people.len() > MAX_ROWS
        || overview.workstations.len() > MAX_ROWS
        || overview.incidents.len() > MAX_INCIDENTS
        || overview.journal.len() > MAX_JOURNAL
        || overview.connectors.len() > 1_000
        || overview.connectors.iter().any(|c| c.runs.len() > MAX_RUNS)
    {
        return Err(refused());
    }
    let district = |d: &String| d == "*" || (d.len() <= 9 && !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()));
    let people_ok = overview.people.iter().all(|p| {
        !bad_name(&p.name)
            && ["prosecutor", "supervisor", "analyst", "admin"].contains(&p.role.as_str())
            && p.districts.len() <= 1_000
            && p.districts.iter().all(district)
            && p.blocked_reason.as_deref().is_none_or(|r| !bad_text(r, 4_000))
    });
    let workstations_ok = overview.workstations.iter().all(|w| {
        [&w.id, &w.name, &w.person, &w.epoch].iter().all(|t| !bad_name(t))
            && [&w.blocked_reason, &w.revoked_reason].iter().all(|r| r.as_deref().is_none_or(|r| !bad_text(r, 4_000)))
    });
    let lines_ok = overview.incidents.iter().all(|i| !bad_text(&i.kind, 64) && i.detail.chars().count() <= 4_000)
        && overview.journal.iter().all(|l| {
            !bad_name(&l.admin)
                && !bad_text(&l.action, 64)
                && !bad_text(&l.subject, 200)
                && l.reason.chars().count() <= 4_000
        });
    let connectors_ok = overview.connectors.iter().all(|c| {
        [&c.name, &c.data, &c.kind, &c.added_by].iter().all(|t| !bad_name(t))
            && !bad_text(&c.url, 2_000)
            && c.runs.iter().all(|r| {
                !bad_text(&r.status, 64)
                    && !bad_text(&r.started_by, 200)
                    && r.error.as_deref().is_none_or(|e| e.chars().count() <= 4_000)
            })
    });
    if !(people_ok && workstations_ok && lines_ok && connectors_ok) {
        return Err(refused());
    }
    Ok(())
}

impl Office<'_> {
    /// Logs an administrator in: the office must say the person is an administrator (anyone else's
    /// session is ended at once and refused here).
    pub fn admin_login(&self, params: &OfficeLoginParams) -> Result<AdminSession, ApiError> {
        let trust = OfficeTrust { ca_pem: params.tls_ca.clone(), pin: params.tls_pin.clone() };
        let login =
            self.person_login(params.url.as_deref(), trust, &params.user, &params.password, "admin", |name| {
                format!("{name} is not an administrator of the office")
            })?;
        Ok(AdminSession {
            url: login.url,
            trust: login.trust,
            token: login.token,
            person: login.person,
            expires_at: login.expires_at,
        })
    }
}

impl AdminSession {
    fn client(&self) -> Result<OfficeClient, ApiError> {
        OfficeClient::new(&self.url, &self.trust, None)
    }

    /// The office's address, as the reports name it.
    pub(super) fn office(&self) -> String {
        self.url.clone()
    }

    /// The administrator logged in.
    pub(super) fn person(&self) -> String {
        self.person.clone()
    }

    /// A client of the administrator's office and the session's bearer token.
    pub(super) fn client_and_token(&self) -> Result<(OfficeClient, &str), ApiError> {
        Ok((self.client()?, &self.token))
    }

    fn view(&self, overview: AdminOverview) -> Result<AdminView, ApiError> {
        checked(&overview)?;
        Ok(AdminView { person: self.person.clone(), office: self.url.clone(), expires_at: self.expires_at, overview })
    }

    /// People, workstations, incidents and the journal, as the office holds them now.
    pub fn overview(&self) -> Result<AdminView, ApiError> {
        let overview = self.client()?.call("GET", "/v1/admin", None::<&()>, Auth::Bearer(&self.token))?;
        self.view(overview)
    }

    /// One action with its reason; the office's overview after it.
    pub fn act(&self, action: &AdminAction) -> Result<AdminView, ApiError> {
        if action.reason().trim().is_empty() {
            return Err(ApiError::invalid("an administrator's action needs a reason"));
        }
        let overview = self.client()?.call("POST", "/v1/admin/act", Some(action), Auth::Bearer(&self.token))?;
        self.view(overview)
    }

    /// Ends the session at the office (the token is dropped here whatever the office says).
    pub fn logout(self) {
        if let Ok(client) = self.client() {
            let _ = client.call::<serde_json::Value>("POST", "/v1/logout", None::<&()>, Auth::Bearer(&self.token));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An overview with one person, one workstation, one incident; `edit` makes it hostile.
    fn overview(edit: impl FnOnce(&mut serde_json::Value)) -> AdminOverview {
        let mut value = serde_json::json!({
            "people": [{"name": "Асель Нурланова", "role": "prosecutor", "districts": ["1940"], "blocked": false,
                        "blocked_reason": null}],
            "workstations": [{"id": "ws-1", "name": "laptop", "person": "Асель Нурланова", "epoch": "e.0",
                              "last_push_at": null, "last_pull_at": null, "blocked_reason": null,
                              "revoked_at": null, "revoked_reason": null}],
            "connectors": [],
            "incidents": [{"at": "2026-11-29T06:00:00Z", "kind": "fork", "workstation": "ws-1", "detail": "d"}],
            "journal": [],
            "at": "2026-11-29T06:00:00Z"
        });
        edit(&mut value);
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn the_offices_administration_is_checked_as_a_peers() {
        assert!(checked(&overview(|_| {})).is_ok());
        type Edit = Box<dyn FnOnce(&mut serde_json::Value)>;
        let hostile: [(&str, Edit); 5] = [
            ("a role the office has not", Box::new(|v| v["people"][0]["role"] = "root".into())),
            ("a district that is no KATO prefix", Box::new(|v| v["people"][0]["districts"][0] = "19,55".into())),
            ("a name with control characters", Box::new(|v| v["workstations"][0]["person"] = "a\u{1b}[2J".into())),
            ("an empty name", Box::new(|v| v["people"][0]["name"] = " ".into())),
            (
                "more incidents than an overview carries",
                Box::new(|v| {
                    let one = v["incidents"][0].clone();
                    v["incidents"] = vec![one; MAX_INCIDENTS + 1].into();
                }),
            ),
        ];
        for (what, edit) in hostile {
            let refused = checked(&overview(edit)).expect_err(what);
            assert_eq!(refused.code, ErrorCode::OfficeRefused, "{what}");
        }
    }
}
