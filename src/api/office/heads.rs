//! The office's figures for the heads, in the app (issue 64): the dashboard the office computes
//! from its kept counts over every workstation in the caller's scope, and its scan of the themes
//! and the category × district cells, asked for by this workstation as its enrolled person. The office decides what the person sees (a supervisor: the
//! people's figures; an analyst: aggregates only; a prosecutor: their own districts) — never this
//! workstation. Every answer says when the office computed it; the last one is kept in the
//! (encrypted) database, so an office out of reach shows its last figures and says so.
//!
//! The office's answer is a peer's and is checked before it is shown or kept: bounded in size,
//! names and keys as the office allows them.

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::collections::BTreeMap;

use super::Office;
pub use crate::analytics::office_reports::{OfficeEffect, OfficeThemeScan, OfficeThemeScores};
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

/// The office's theme scan as the app shows it: fresh, or the last one kept (as the dashboard's).
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct OfficeThemeScanView {
    pub scan: OfficeThemeScan,
    #[ts(type = "string")]
    pub fetched_at: DateTime<Utc>,
    pub offline: Option<String>,
}

/// The office's effect of acts as the app shows it: fresh, or the last one kept (as the dashboard's).
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct OfficeEffectView {
    pub effect: OfficeEffect,
    #[ts(type = "string")]
    pub fetched_at: DateTime<Utc>,
    pub offline: Option<String>,
}

/// The office's ranking of the themes for the plan as the app shows it (as the dashboard's).
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct OfficeThemeScoresView {
    pub scores: OfficeThemeScores,
    #[ts(type = "string")]
    pub fetched_at: DateTime<Utc>,
    pub offline: Option<String>,
}

/// What the kept rows of the office's figures are called in `office_figures`.
const DASHBOARD: &str = "dashboard";
const THEME_SCAN: &str = "themes_scan";
const EFFECT: &str = "effect";
const THEME_SCORES: &str = "themes_scores";

/// A name the office sends as a person's, a unit's or a theme's: not empty, at most 200
/// characters, no control characters.
fn bad_name(name: &str) -> bool {
    name.trim().is_empty() || name.chars().count() > 200 || name.chars().any(char::is_control)
}

/// Checks the office's answer as a peer's: bounded row counts, names as the office allows a name.
fn checked(board: &OfficeDashboard) -> Result<(), ApiError> {
    let f = &board.figures;
    let rows = board.by_owner.len()
        + board.by_district.len()
        + f.by_assignee.len()
        + f.by_unit.len()
        + f.overdue_matrix.len()
        + f.overdue_matrix.values().map(BTreeMap::len).sum::<usize>();
    let names = board.by_owner.keys().chain(f.by_assignee.keys()).chain(f.by_unit.keys());
    let district_codes = board.by_district.keys().all(|d| d.len() == 4 && d.bytes().all(|b| b.is_ascii_digit()));
    let keys = f.overdue_matrix.iter().flat_map(|(region, row)| std::iter::once(region).chain(row.keys()));
    if rows > MAX_ROWS
        || !district_codes
        || names.chain(keys).any(|n| bad_name(n))
        || board.calendar.chars().count() > 2_000
    {
        return Err(ApiError::new(ErrorCode::OfficeRefused, "the office's dashboard is not one an office sends"));
    }
    Ok(())
}

/// Checks the office's theme scan as a peer's: bounded lists, names as the office allows them.
fn checked_scan(scan: &OfficeThemeScan) -> Result<(), ApiError> {
    let cells = &scan.scan.cells;
    let rows = scan.owners.len() + scan.scan.themes.len() + cells.alarms.len() + cells.neighbours.len();
    let names =
        scan.owners.iter().flat_map(|o| [&o.theme, &o.name, &o.person]).chain(scan.scan.themes.iter().map(|t| &t.name));
    let districts = cells.alarms.iter().map(|a| &a.district).chain(cells.neighbours.iter().map(|a| &a.district));
    let bad_district = |d: &String| d.len() > 9 || !d.bytes().all(|b| b.is_ascii_digit() || b == b'-');
    if rows > MAX_ROWS
        || scan.scan.months.len() > 24
        || names.into_iter().any(|n| bad_name(n))
        || districts.into_iter().any(bad_district)
    {
        return Err(ApiError::new(ErrorCode::OfficeRefused, "the office's theme scan is not one an office sends"));
    }
    Ok(())
}

/// Checks the office's theme scores as a peer's: bounded lists, names as the office allows them.
fn checked_scores(scores: &OfficeThemeScores) -> Result<(), ApiError> {
    let rows = scores.owners.len() + scores.scores.themes.len() + scores.not_computed.len();
    let names = scores
        .owners
        .iter()
        .flat_map(|o| [&o.theme, &o.name, &o.person])
        .chain(scores.scores.themes.iter().map(|t| &t.name));
    let parts_ok = scores.scores.themes.iter().all(|t| t.score.parts.len() <= 16 && t.score.score.is_finite());
    if rows > MAX_ROWS || !parts_ok || names.into_iter().any(|n| bad_name(n)) {
        return Err(ApiError::new(ErrorCode::OfficeRefused, "the office's theme scores are not ones an office sends"));
    }
    Ok(())
}

/// Checks the office's effect of acts as a peer's: bounded lists, codes and names as an office's.
fn checked_effect(effect: &OfficeEffect) -> Result<(), ApiError> {
    // Each estimate's stacks and profile count as rows.
    let nested = effect.effects.iter().map(|e| e.figures.cohorts.len() + e.figures.profile.len()).sum::<usize>();
    let rows =
        effect.effects.len() + effect.kpis.funnel.len() + effect.registry.len() + effect.not_computed.len() + nested;
    let texts = effect
        .effects
        .iter()
        .flat_map(|e| [&e.kind, &e.scope].into_iter().chain(e.figures.cohorts.iter().map(|c| &c.quarter)))
        .chain(effect.kpis.funnel.iter().map(|f| &f.district));
    if rows > MAX_ROWS || effect.horizon_days > 3_650 || texts.into_iter().any(|t| bad_name(t)) {
        return Err(ApiError::new(ErrorCode::OfficeRefused, "the office's effect of acts is not one an office sends"));
    }
    Ok(())
}

impl Office<'_> {
    /// Asks the office for `path` as this workstation's person, checks the answer with `check` and
    /// keeps it as `kind`; when the office is out of reach, the last answer kept, with why. An
    /// office that refuses (a role that does not see these figures, a revoked workstation) is an
    /// error, never the old figures.
    fn fetch_kept<T: DeserializeOwned + Serialize>(
        &mut self,
        kind: &str,
        path: &str,
        check: fn(&T) -> Result<(), ApiError>,
    ) -> Result<(T, DateTime<Utc>, Option<String>), ApiError> {
        let link = self.linked()?;
        let client = self.office_client(&link)?;
        match client.call::<T>("GET", path, None::<&()>, self.office_auth(&link)) {
            Ok(answer) => {
                check(&answer)?;
                let fetched_at = self.read().clock().now();
                let body = serde_json::to_string(&answer)
                    .map_err(|e| ApiError::new(ErrorCode::Internal, format!("the office's {kind}: {e}")))?;
                self.journal().store().keep_office_figures(kind, &body, &fetched_at.to_rfc3339())?;
                Ok((answer, fetched_at, None))
            }
            Err(e) if e.code == ErrorCode::OfficeUnreachable => {
                let Some((body, fetched)) = self.read().store().office_figures(kind)? else {
                    return Err(ApiError::new(
                        ErrorCode::OfficeUnreachable,
                        format!("{}; no figures of the office are kept on this workstation yet", e.message),
                    ));
                };
                let kept: T = serde_json::from_str(&body)
                    .map_err(|e| ApiError::new(ErrorCode::Corrupt, format!("the kept office {kind}: {e}")))?;
                let fetched_at = DateTime::parse_from_rfc3339(&fetched)
                    .map_err(|e| ApiError::new(ErrorCode::Corrupt, format!("the kept office {kind}'s time: {e}")))?
                    .with_timezone(&Utc);
                Ok((kept, fetched_at, Some(e.message)))
            }
            Err(e) => Err(e),
        }
    }

    /// The office's dashboard for this workstation's person (`GET /v1/dashboard`).
    pub fn dashboard(&mut self) -> Result<OfficeDashboardView, ApiError> {
        let (dashboard, fetched_at, offline) = self.fetch_kept(DASHBOARD, "/v1/dashboard", checked)?;
        Ok(OfficeDashboardView { dashboard, fetched_at, offline })
    }

    /// The office's scan of the themes and cells in this person's districts over every
    /// workstation's themes and appeals (`GET /v1/themes/scan`).
    pub fn theme_scan(&mut self) -> Result<OfficeThemeScanView, ApiError> {
        let (scan, fetched_at, offline) = self.fetch_kept(THEME_SCAN, "/v1/themes/scan", checked_scan)?;
        Ok(OfficeThemeScanView { scan, fetched_at, offline })
    }

    /// The recorded outcomes of the acts in this person's districts over every workstation, and
    /// what the next inspection and the appeals say after them (`GET /v1/effect`).
    pub fn effect(&mut self) -> Result<OfficeEffectView, ApiError> {
        let (effect, fetched_at, offline) = self.fetch_kept(EFFECT, "/v1/effect", checked_effect)?;
        Ok(OfficeEffectView { effect, fetched_at, offline })
    }

    /// The office's ranking of the themes in this person's districts for the plan, each score in its
    /// parts, over every workstation's themes and appeals (`GET /v1/themes/scores`).
    pub fn theme_scores(&mut self) -> Result<OfficeThemeScoresView, ApiError> {
        let (scores, fetched_at, offline) = self.fetch_kept(THEME_SCORES, "/v1/themes/scores", checked_scores)?;
        Ok(OfficeThemeScoresView { scores, fetched_at, offline })
    }
}
