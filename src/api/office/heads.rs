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
use crate::analytics::effect_tiers::MAX_BODY_CHARS;
pub use crate::analytics::office_reports::{
    OfficeAnomalies, OfficeAppealsMap, OfficeEffect, OfficeThemeScan, OfficeThemeScores,
};
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

/// The office's anomalies of inspection practice as the app shows them (as the dashboard's).
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct OfficeAnomaliesView {
    pub anomalies: OfficeAnomalies,
    #[ts(type = "string")]
    pub fetched_at: DateTime<Utc>,
    pub offline: Option<String>,
}

/// The office's map of appeals as the app shows it (as the dashboard's).
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct OfficeAppealsMapView {
    pub map: OfficeAppealsMap,
    #[ts(type = "string")]
    pub fetched_at: DateTime<Utc>,
    pub offline: Option<String>,
}

/// What the kept rows of the office's figures are called in `office_figures`.
const DASHBOARD: &str = "dashboard";
const THEME_SCAN: &str = "themes_scan";
const EFFECT: &str = "effect";
const THEME_SCORES: &str = "themes_scores";
const ANOMALIES: &str = "anomalies";
const APPEALS_MAP: &str = "appeals_map";

/// A text the office sends (an id, a reason, a detail): at most `max` characters, no control characters.
pub(super) fn bad_text(text: &str, max: usize) -> bool {
    text.chars().count() > max || text.chars().any(char::is_control)
}

/// A name the office sends as a person's, a unit's or a theme's: not empty, at most 200
/// characters, no control characters.
pub(super) fn bad_name(name: &str) -> bool {
    name.trim().is_empty() || bad_text(name, 200)
}

/// Checks the office's answer as a peer's: bounded row counts, names as the office allows a name.
pub(super) fn checked(board: &OfficeDashboard) -> Result<(), ApiError> {
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
pub(super) fn checked_scan(scan: &OfficeThemeScan) -> Result<(), ApiError> {
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
pub(super) fn checked_effect(effect: &OfficeEffect) -> Result<(), ApiError> {
    // Each estimate's stacks and profile count as rows.
    let nested = effect.effects.iter().map(|e| e.figures.cohorts.len() + e.figures.profile.len()).sum::<usize>();
    let rows = effect.effects.len()
        + effect.kpis.funnel.len()
        + effect.registry.len()
        + effect.not_computed.len()
        + effect.bodies.len()
        + nested;
    let texts = effect
        .effects
        .iter()
        .flat_map(|e| [&e.kind, &e.scope].into_iter().chain(e.figures.cohorts.iter().map(|c| &c.quarter)))
        .chain(effect.kpis.funnel.iter().map(|f| &f.district));
    // A body's name as the registry writes it: one line, at most the filter's length.
    let bad_body = |b: &String| b.trim().is_empty() || bad_text(b, MAX_BODY_CHARS);
    let bodies_bad = effect.bodies.iter().map(|b| &b.body).chain(&effect.body).any(bad_body);
    if rows > MAX_ROWS || effect.horizon_days > 3_650 || texts.into_iter().any(|t| bad_name(t)) || bodies_bad {
        return Err(ApiError::new(ErrorCode::OfficeRefused, "the office's effect of acts is not one an office sends"));
    }
    Ok(())
}

/// Checks the office's map of appeals as a peer's: districts as four KATO digits, a bounded list.
pub(super) fn checked_appeals_map(map: &OfficeAppealsMap) -> Result<(), ApiError> {
    let districts_ok = map.by_district.keys().all(|d| d.len() == 4 && d.bytes().all(|b| b.is_ascii_digit()));
    let counts_ok = map.by_district.values().all(|c| c.open <= c.total && c.received_90_days <= c.total);
    if map.by_district.len() > MAX_ROWS || !districts_ok || !counts_ok {
        return Err(ApiError::new(ErrorCode::OfficeRefused, "the office's map of appeals is not one an office sends"));
    }
    Ok(())
}

/// The most objects an office names behind one anomaly (its detectors keep twenty).
const MAX_SUBJECTS: usize = 20;

/// Checks the office's anomalies as a peer's: bounded lists, figures that are numbers, places as
/// KATO digits, objects as BINs, words as an office's — and, for a role that reads aggregates
/// only, no object at all (the office said it withheld them).
pub(super) fn checked_anomalies(found: &OfficeAnomalies) -> Result<(), ApiError> {
    let list = &found.report.anomalies;
    let rows = list.len() + found.registry.len() + found.not_computed.len() + found.report.units_judged.len();
    let digits = |s: &str, lengths: &[usize]| lengths.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    let sound = |listed: &crate::analytics::anomaly_list::ListedAnomaly| {
        let a = &listed.anomaly;
        let texts = [Some(&a.key), a.control_body.as_ref(), a.category.as_ref(), a.combination.as_ref()];
        let figures = [a.observed, a.expected, a.ratio, a.p_value, a.q_value, a.volume, a.peer_rate];
        a.id.len() <= 64
            && texts.into_iter().flatten().all(|t| !bad_name(t))
            && figures.iter().all(|f| f.is_finite())
            && a.district.as_deref().is_none_or(|d| digits(d, &[4]))
            && a.region_code.as_deref().is_none_or(|r| digits(r, &[2]))
            && a.subject_bins.len() <= MAX_SUBJECTS
            && a.subject_bins.iter().all(|b| digits(b, &[12]))
            && (!found.objects_withheld || a.subject_bins.is_empty())
    };
    if rows > MAX_ROWS || found.districts.len() > 1_000 || !list.iter().all(sound) {
        return Err(ApiError::new(ErrorCode::OfficeRefused, "the office's anomalies are not ones an office sends"));
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

    /// The appeals every workstation handed over in this person's districts, counted by district for
    /// the Appeals screen's map (`GET /v1/appeals/map`).
    pub fn appeals_map(&mut self) -> Result<OfficeAppealsMapView, ApiError> {
        let (map, fetched_at, offline) = self.fetch_kept(APPEALS_MAP, "/v1/appeals/map", checked_appeals_map)?;
        Ok(OfficeAppealsMapView { map, fetched_at, offline })
    }

    /// The anomalies of inspection practice the office's detectors find over every workstation's
    /// appeals and its registry, listed as this person's role may read them (`GET /v1/anomalies`).
    pub fn anomalies(&mut self) -> Result<OfficeAnomaliesView, ApiError> {
        let (anomalies, fetched_at, offline) = self.fetch_kept(ANOMALIES, "/v1/anomalies", checked_anomalies)?;
        Ok(OfficeAnomaliesView { anomalies, fetched_at, offline })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An office's list of one anomaly in district 1940 behind two objects; `edit` makes it hostile.
    fn answer(edit: impl FnOnce(&mut serde_json::Value)) -> OfficeAnomalies {
        let words = serde_json::json!({"ru": "р", "kk": "к", "en": "e"});
        let mut value = serde_json::json!({
            "as_of": "2026-12-01", "window": {"from": "2023-11-02", "to": "2026-10-31"}, "method": "m",
            "params": {"window_days": 1095, "fdr": 0.05, "min_ratio": 1.5, "min_inspections": 20, "min_appeals": 10},
            "units_judged": [], "note": words, "seconds": 0.1,
            "anomalies": [{
                "id": "657dc7a8bc58", "key": "frequent_visits / 1940", "kind": "frequent_visits",
                "control_body": null, "region_code": "19", "district": "1940", "category": null, "combination": null,
                "subject_bins": ["160643008560", "140841006229"],
                "period": {"from": "2023-11-02", "to": "2026-10-31"}, "observed": 12.0, "expected": 0.5, "ratio": 24.0,
                "p_value": 1e-9, "q_value": 1e-8, "volume": 192.0, "peer_rate": 0.01, "peers": 15, "group": "g",
                "method": "m", "explanation": words, "dismissed": false, "review": null
            }],
            "appeals_held": 0, "registry": [], "not_computed": [], "districts": ["19"], "outside": 0,
            "objects_withheld": false, "computed_at": null
        });
        edit(&mut value);
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn an_offices_map_of_appeals_is_checked_as_a_peers() {
        let map = |district: &str, open: u64| -> OfficeAppealsMap {
            serde_json::from_value(serde_json::json!({
                "today": "2026-12-01", "without_district": 0, "appeals_held": 3, "computed_at": null,
                "by_district": {district: {"open": open, "received_90_days": 1, "total": 3}}
            }))
            .unwrap()
        };
        assert!(checked_appeals_map(&map("1940", 2)).is_ok());
        for (what, hostile) in
            [("a district that is no four digits", map("19AB", 2)), ("more open than all", map("1940", 4))]
        {
            assert_eq!(checked_appeals_map(&hostile).unwrap_err().code, ErrorCode::OfficeRefused, "{what}");
        }
    }

    #[test]
    fn an_offices_bodies_are_checked_as_a_peers() {
        let effect = |bodies: serde_json::Value| -> OfficeEffect {
            let kpis = crate::analytics::outcome_kpis::kpis(&[], chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap());
            serde_json::from_value(serde_json::json!({
                "as_of": "2026-12-01", "horizon_days": 365, "default_horizon_days": 365, "kind": null,
                "district": null, "body": null, "bodies": bodies, "kpis": kpis, "verification": null, "effects": [],
                "method": "m", "registry": [], "appeals_held": 0, "workstations": 1, "shared_acts": 0,
                "not_computed": [], "computed_at": null
            }))
            .unwrap()
        };
        assert!(checked_effect(&effect(serde_json::json!([{"body": "Инспекция труда", "acts": 3}]))).is_ok());
        let many: Vec<serde_json::Value> =
            (0..=MAX_ROWS).map(|i| serde_json::json!({"body": format!("орган {i}"), "acts": 1})).collect();
        for (what, bodies) in [
            ("a body's name over two lines", serde_json::json!([{"body": "Инспекция\nтруда", "acts": 3}])),
            ("a name longer than any body's", serde_json::json!([{"body": "я".repeat(MAX_BODY_CHARS + 1), "acts": 3}])),
            ("more bodies than rows an answer holds", serde_json::Value::Array(many)),
        ] {
            assert_eq!(checked_effect(&effect(bodies)).unwrap_err().code, ErrorCode::OfficeRefused, "{what}");
        }
    }

    #[test]
    fn an_offices_anomalies_are_checked_as_a_peers() {
        assert!(checked_anomalies(&answer(|_| {})).is_ok());
        type Edit = Box<dyn FnOnce(&mut serde_json::Value)>;
        let hostile: [(&str, Edit); 5] = [
            ("a place that is no district", Box::new(|v| v["anomalies"][0]["district"] = "19'; --".into())),
            ("an object that is no BIN", Box::new(|v| v["anomalies"][0]["subject_bins"][0] = "Иванов И.И.".into())),
            ("a word with control characters", Box::new(|v| v["anomalies"][0]["key"] = "a\u{1b}[2J".into())),
            ("objects sent where the office says it withheld them", Box::new(|v| v["objects_withheld"] = true.into())),
            (
                "more objects than the detectors keep",
                Box::new(|v| v["anomalies"][0]["subject_bins"] = vec!["160643008560"; 21].into()),
            ),
        ];
        for (what, edit) in hostile {
            let refused = checked_anomalies(&answer(edit)).expect_err(what);
            assert_eq!(refused.code, ErrorCode::OfficeRefused, "{what}");
        }
    }
}
