//! Who looked at whom, read from the office on a joined workstation (issue 64): the office's access
//! log as the office lets this workstation's person read it (a supervisor: the lines of their
//! districts; an administrator: all), filtered by the person who looked or by the subject looked
//! at, with what this workstation could check of the lines' chain (`ekn_domain::access_log`).
//!
//! The lines name people and subjects: they are shown, never kept here (the office logs each
//! reading of its log, so asking again is the way to see it again), and an office out of reach is
//! an error, not an old copy.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::client::{Auth, OfficeClient};
use super::{percent_path, Office};
use crate::api::{ApiError, ErrorCode};
use crate::domain::access_log::{check_lines, AccessLine, ChainCheck};

/// The most lines one reading asks for (the office answers at most 100,000).
const MAX_LINES: u32 = 10_000;
/// The longest person or subject asked for.
const MAX_FILTER: usize = 200;

/// What a reading of the access log asks for.
#[derive(Debug, Clone, Default, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct AccessLogParams {
    /// Only the lines about this subject (a BIN, an appeal's number).
    #[serde(default)]
    pub subject: Option<String>,
    /// Only the lines of this person's looking.
    #[serde(default)]
    pub person: Option<String>,
    /// How many of the newest lines (1–10,000; default 500).
    #[serde(default)]
    pub limit: Option<u32>,
}

/// The lines the office gave, newest first, and what could be checked of them.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct AccessLogView {
    pub lines: Vec<AccessLine>,
    pub check: ChainCheck,
    #[ts(type = "string")]
    pub fetched_at: DateTime<Utc>,
}

/// A filter as a person typed it: trimmed, empty as none, bounded and printable.
fn filter(field: &str, value: Option<&str>) -> Result<Option<String>, ApiError> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else { return Ok(None) };
    if value.chars().count() > MAX_FILTER || value.chars().any(char::is_control) {
        return Err(ApiError::invalid(format!("{field}: at most {MAX_FILTER} printable characters")));
    }
    Ok(Some(value.to_string()))
}

/// Checks the office's lines as a peer's: no more than asked for, fields as the office bounds them.
fn checked(lines: &[AccessLine], asked: u32) -> Result<(), ApiError> {
    let too_long = |text: &str, max: usize| text.chars().count() > max;
    let bad = lines.iter().any(|l| {
        too_long(&l.person, 200)
            || too_long(&l.action, 40)
            || too_long(&l.outcome, 40)
            || l.subject.as_deref().is_some_and(|s| too_long(s, 200))
            || l.detail.as_deref().is_some_and(|d| too_long(d, 1_000))
            || l.hash.len() != 64
            || l.prev_hash.len() != 64
    });
    if lines.len() > asked as usize || bad {
        return Err(ApiError::new(ErrorCode::OfficeRefused, "the office's access log is not one an office sends"));
    }
    Ok(())
}

/// The path of a reading with `params`, checked as a person typed them.
fn reading_path(params: &AccessLogParams) -> Result<(String, u32), ApiError> {
    let subject = filter("subject", params.subject.as_deref())?;
    let person = filter("person", params.person.as_deref())?;
    let limit = params.limit.unwrap_or(500);
    if !(1..=MAX_LINES).contains(&limit) {
        return Err(ApiError::invalid(format!("limit: 1 to {MAX_LINES} lines")));
    }
    let mut path = format!("/v1/access-log?limit={limit}");
    if let Some(subject) = &subject {
        path.push_str(&format!("&subject={}", percent_path(subject)));
    }
    if let Some(person) = &person {
        path.push_str(&format!("&user={}", percent_path(person)));
    }
    Ok((path, limit))
}

/// Reads the lines at `client` as `auth`, checks them as a peer's and their chain.
fn read_checked(
    client: &OfficeClient,
    auth: Auth<'_>,
    params: &AccessLogParams,
    now: DateTime<Utc>,
) -> Result<AccessLogView, ApiError> {
    let (path, limit) = reading_path(params)?;
    let lines: Vec<AccessLine> = client.call("GET", &path, None::<&()>, auth)?;
    checked(&lines, limit)?;
    let check = check_lines(&lines);
    Ok(AccessLogView { lines, check, fetched_at: now })
}

impl Office<'_> {
    /// The access log's newest lines this person may read, filtered, with the chain's check.
    pub fn access_log(&mut self, params: &AccessLogParams) -> Result<AccessLogView, ApiError> {
        reading_path(params)?;
        let link = self.linked()?;
        let client = self.office_client(&link)?;
        read_checked(&client, self.office_auth(&link), params, self.read().clock().now())
    }
}

impl super::AdminSession {
    /// The whole access log as the office's administrator reads it (their own session: an
    /// administrator enrols no workstation), filtered, with the chain's check (`now`: the session's
    /// clock).
    pub fn access_log(&self, params: &AccessLogParams, now: DateTime<Utc>) -> Result<AccessLogView, ApiError> {
        reading_path(params)?;
        let (client, token) = self.client_and_token()?;
        read_checked(&client, Auth::Bearer(token), params, now)
    }
}
