//! The country in the app (issue 64): a national analyst or administrator logs in to the national
//! database's read-only HTTP face (`ekn-office national serve`) with their own PostgreSQL role and
//! password, and the Country screen shows the situation of the regions — the deadlines, appeals,
//! the acts' effectiveness, themes and anomalies, a region drilled into — or, for the national
//! administrator, how each region's replication stands. No workstation needs to have joined an
//! office: the face is reached at the address a person types, with its own CA or pin.
//!
//! The token and the last figures live in this process's memory only (nothing of the country is
//! written to the workstation's database); offline, the screen keeps the last figures and says
//! when they were fetched and why they are not fresher. What the face answers is a peer's and is
//! checked before it is shown: regions are two digits, districts KATO digits, lists bounded, and
//! no anomaly may name an object (the face withholds them; an answer that does not is refused).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::client::{Auth, OfficeClient, OfficeTrust};
use super::heads::bad_text;
use crate::api::{ApiError, ErrorCode};
use ekn_analytics::effect::EffectOutcome;
use ekn_analytics::effect_pool::kind_is_pooled;
pub use ekn_analytics::national_reports::{
    NationalAnomalies, NationalCells, NationalDashboard, NationalEffect, NationalHealth,
};

/// A national login: the face's address, the role's name and password, and how its certificate
/// is trusted (its CA, or the SHA-256 pin of its certificate; neither: the system's roots).
#[derive(Clone, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct NationalLoginParams {
    pub url: String,
    pub user: String,
    pub password: String,
    #[serde(default)]
    pub tls_ca: Option<String>,
    #[serde(default)]
    pub tls_pin: Option<String>,
}

impl std::fmt::Debug for NationalLoginParams {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NationalLoginParams").field("url", &self.url).field("user", &self.user).finish_non_exhaustive()
    }
}

/// `national_country`: the figures again, of the whole country or drilled into one region.
#[derive(Debug, Clone, Default, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct CountryParams {
    /// Two digits of KATO: the themes and anomalies of that region judged alone.
    #[serde(default)]
    pub region: Option<String>,
    /// The day the figures are for (default: the face's today in Kazakhstan).
    #[serde(default)]
    #[ts(type = "string | null")]
    pub today: Option<NaiveDate>,
}

/// The country as the Country screen shows it.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct CountryView {
    /// The role logged in, the face, when the session ends by itself.
    pub person: String,
    pub server: String,
    #[ts(type = "string")]
    pub expires_at: DateTime<Utc>,
    /// Reads the figures (a national analyst).
    pub analyst: bool,
    /// Reads the regions' replication (a national administrator).
    pub admin: bool,
    /// The region the themes and anomalies were judged for, or none: the country.
    pub region: Option<String>,
    pub dashboard: Option<NationalDashboard>,
    pub effect: Option<NationalEffect>,
    pub themes: Option<NationalCells>,
    pub anomalies: Option<NationalAnomalies>,
    pub health: Option<NationalHealth>,
    /// When these figures were fetched from the face.
    #[ts(type = "string")]
    pub fetched_at: DateTime<Utc>,
    /// Why these are the last figures fetched and not fresher ones (the face unreachable), if so.
    pub stale: Option<String>,
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
    analyst: bool,
    admin: bool,
}

/// A live national session, in this process's memory only.
pub struct NationalSession {
    url: String,
    trust: OfficeTrust,
    token: String,
    person: LoggedIn,
    expires_at: DateTime<Utc>,
    /// The last figures fetched, shown when the face cannot be reached.
    last: Option<CountryView>,
}

/// No country has more regions than this, nor districts.
const MAX_REGIONS: usize = 100;
const MAX_DISTRICTS: usize = 10_000;
/// A list of anomalies or alarms the face sends is at most this long.
const MAX_LISTED: usize = 100_000;

fn region_code(code: &str) -> bool {
    code.len() == 2 && code.bytes().all(|b| b.is_ascii_digit())
}

fn district_code(code: &str) -> bool {
    code == "—" || (!code.is_empty() && code.len() <= 9 && code.bytes().all(|b| b.is_ascii_digit()))
}

/// Checks what the face answered as a peer's answer.
fn checked(view: &CountryView) -> Result<(), ApiError> {
    let refused = |what: &str| ApiError::new(ErrorCode::OfficeRefused, format!("the national face sent {what}"));
    if let Some(board) = &view.dashboard {
        let matrix_cells: usize = board.overdue_matrix.values().map(|c| c.len()).sum();
        if board.regions.len() > MAX_REGIONS
            || board.appeals.by_region_category.len() > MAX_REGIONS
            || board.overdue_matrix.len() > MAX_DISTRICTS
            || matrix_cells > MAX_LISTED
            || board.appeals.by_month.len() > 1_200
            || board.appeals.by_district.len() > MAX_DISTRICTS
            || board.by_district.len() > MAX_DISTRICTS
        {
            return Err(refused("a dashboard larger than a country's"));
        }
        let codes_ok = board.regions.keys().chain(board.appeals.by_region_category.keys()).all(|r| region_code(r))
            && board.overdue_matrix.iter().all(|(d, c)| district_code(d) && c.keys().all(|k| !bad_text(k, 64)))
            && board
                .appeals
                .by_region_category
                .values()
                .all(|c| c.len() <= 1_000 && c.keys().all(|k| !bad_text(k, 200)))
            && board.appeals.by_month.keys().all(|m| NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d").is_ok())
            && board.appeals.by_district.keys().chain(board.by_district.keys()).all(|d| district_code(d));
        if !codes_ok {
            return Err(refused("a region, district, category or month that is none"));
        }
    }
    if let Some(effect) = &view.effect {
        if effect.regions.len() > MAX_REGIONS || !effect.regions.keys().all(|r| region_code(r)) {
            return Err(refused("effectiveness figures of regions that are none"));
        }
        // Tier 3: at most an estimate a region, outcome and kind of act, a pooled figure an outcome
        // and kind; kinds the country pools; ratios and intervals positive numbers, texts short and
        // printable.
        let ratio_ok =
            |r: f64, ci: [f64; 2]| r.is_finite() && r > 0.0 && ci[0] > 0.0 && ci[1] >= ci[0] && ci[1].is_finite();
        let figures = EffectOutcome::ALL.len() * ekn_analytics::effect_pool::pooled_kinds().count();
        let estimates_ok = effect.estimates.len() <= figures * MAX_REGIONS
            && effect.estimates.iter().all(|e| {
                region_code(&e.region)
                    && kind_is_pooled(&e.kind)
                    && ratio_ok(e.ratio, e.ci95)
                    && !bad_text(&e.method, 200)
                    && e.log_se.is_finite()
            });
        let pooled_ok = effect.pooled.len() <= figures
            && effect.pooled.iter().all(|p| {
                p.regions <= MAX_REGIONS
                    && kind_is_pooled(&p.kind)
                    && p.regions_warned <= p.regions
                    && ratio_ok(p.common.ratio, p.common.ci95)
                    && ratio_ok(p.random.ratio, p.random.ci95)
                    && (0.0..=1.0).contains(&p.i2)
                    && p.tau2.is_finite()
                    && !bad_text(&p.method, 200)
            });
        if !estimates_ok || !pooled_ok {
            return Err(refused("estimates of the acts' effect that are none"));
        }
    }
    if let Some(themes) = &view.themes {
        if themes.regions.len() > MAX_REGIONS
            || !themes.regions.iter().all(|r| region_code(r))
            || themes.region.as_deref().is_some_and(|r| !region_code(r))
            || bad_text(&themes.method, 200)
        {
            return Err(refused("themes of regions that are none"));
        }
    }
    if let Some(anomalies) = &view.anomalies {
        let listed = &anomalies.report.anomalies;
        if anomalies.regions.len() > MAX_REGIONS
            || !anomalies.regions.iter().all(|r| region_code(r))
            || listed.len() > MAX_LISTED
        {
            return Err(refused("anomalies of regions that are none"));
        }
        // The face withholds every object; one that names objects is not the face we trust.
        if !anomalies.objects_withheld || listed.iter().any(|a| !a.anomaly.subject_bins.is_empty()) {
            return Err(refused("anomalies naming objects, which a national analyst never reads"));
        }
    }
    if let Some(health) = &view.health {
        let ok = health.regions.len() <= MAX_REGIONS
            && health.regions.iter().all(|r| {
                region_code(&r.region)
                    && r.last_check.as_ref().is_none_or(|c| {
                        c.slot.as_deref().is_none_or(|s| !bad_text(s, 32))
                            && c.problem.as_deref().is_none_or(|p| !bad_text(p, 4_000))
                    })
            });
        if !ok {
            return Err(refused("a replication status of regions that are none"));
        }
    }
    Ok(())
}

/// One of the face's answers as the type it must be.
fn parse<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> Result<T, ApiError> {
    serde_json::from_value(value).map_err(|e| {
        ApiError::new(ErrorCode::OfficeRefused, format!("the national face's figures are not its own: {e}"))
    })
}

/// The query string of one of the face's figures.
fn query(params: &CountryParams, day_name: &str, with_region: bool) -> String {
    let mut parts = Vec::new();
    if let Some(today) = params.today {
        parts.push(format!("{day_name}={today}"));
    }
    if let (true, Some(region)) = (with_region, &params.region) {
        parts.push(format!("region={region}"));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

impl NationalSession {
    /// Logs in to the national face at `params.url` and fetches the country's figures (`now`: the
    /// session's clock, which the figures' fetching time is stamped with).
    pub fn login(params: &NationalLoginParams, now: DateTime<Utc>) -> Result<(NationalSession, CountryView), ApiError> {
        let url = params.url.trim().to_string();
        if url.is_empty() {
            return Err(ApiError::invalid("the national face's address is empty"));
        }
        let trust = OfficeTrust { ca_pem: params.tls_ca.clone(), pin: params.tls_pin.clone() };
        let client = OfficeClient::new(&url, &trust, None)?;
        let login: LoginReply = client.call(
            "POST",
            "/v1/login",
            Some(&serde_json::json!({ "name": params.user, "password": params.password })),
            Auth::None,
        )?;
        if bad_text(&login.person.name, 63) || login.token.len() > 100 {
            return Err(ApiError::new(ErrorCode::OfficeRefused, "the national face's login is not one it sends"));
        }
        let mut session = NationalSession {
            url,
            trust,
            token: login.token,
            person: login.person,
            expires_at: login.expires_at,
            last: None,
        };
        let view = session.country(&CountryParams::default(), now)?;
        Ok((session, view))
    }

    /// The figures of the country (or with a region drilled into) as the face computes them now;
    /// when it cannot be reached, the last figures fetched with the reason they are not fresher.
    pub fn country(&mut self, params: &CountryParams, now: DateTime<Utc>) -> Result<CountryView, ApiError> {
        if params.region.as_deref().is_some_and(|r| !region_code(r)) {
            return Err(ApiError::invalid("a region is two digits of KATO (19)"));
        }
        match self.fetch(params, now) {
            Ok(view) => {
                self.last = Some(view.clone());
                Ok(view)
            }
            // The face unreachable: the last figures, saying so. A refusal (the session ended, the
            // role lost its right) is said as it is.
            Err(e) if e.code == ErrorCode::OfficeUnreachable => match &self.last {
                Some(last) => Ok(CountryView { stale: Some(e.message.clone()), ..last.clone() }),
                None => Err(e),
            },
            Err(e) => Err(e),
        }
    }

    fn fetch(&self, params: &CountryParams, now: DateTime<Utc>) -> Result<CountryView, ApiError> {
        let client = OfficeClient::new(&self.url, &self.trust, None)?;
        let auth = || Auth::Bearer(&self.token);
        let get = |path: String| client.call::<serde_json::Value>("GET", &path, None::<&()>, auth());
        let (mut dashboard, mut effect, mut themes, mut anomalies, mut health) = (None, None, None, None, None);
        if self.person.analyst {
            dashboard = Some(parse(get(format!("/v1/national/dashboard{}", query(params, "today", false)))?)?);
            effect = Some(parse(get(format!("/v1/national/effect{}", query(params, "today", false)))?)?);
            themes = Some(parse(get(format!("/v1/national/themes{}", query(params, "as_of", true)))?)?);
            anomalies = Some(parse(get(format!("/v1/national/anomalies{}", query(params, "today", true)))?)?);
        }
        if self.person.admin {
            health = Some(parse(get("/v1/national/status".into())?)?);
        }
        let view = CountryView {
            person: self.person.name.clone(),
            server: self.url.clone(),
            expires_at: self.expires_at,
            analyst: self.person.analyst,
            admin: self.person.admin,
            region: params.region.clone(),
            dashboard,
            effect,
            themes,
            anomalies,
            health,
            fetched_at: now,
            stale: None,
        };
        checked(&view)?;
        Ok(view)
    }

    /// The figures last fetched (what the Country screen shows), if any.
    pub fn last(&self) -> Option<&CountryView> {
        self.last.as_ref()
    }

    /// Ends the session at the face (the token is dropped here whatever the face says).
    pub fn logout(self) {
        if let Ok(client) = OfficeClient::new(&self.url, &self.trust, None) {
            let _ = client.call::<serde_json::Value>("POST", "/v1/logout", None::<&()>, Auth::Bearer(&self.token));
        }
    }
}

/// Tier-3 figures as the national face sends them, for the tests of what reads them (the peer
/// check here, the Country screen's file).
#[cfg(test)]
pub(crate) mod fixtures {
    use ekn_analytics::effect::EffectOutcome;
    use ekn_analytics::effect_pool::{pool, RegionEstimate};
    use ekn_analytics::national_reports::NationalEffect;

    fn day() -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(2026, 11, 29).expect("a day")
    }

    /// A region's published estimate of violations: `ratio` with an interval ×0.8…×1.25.
    pub(crate) fn estimate(region: &str, ratio: f64) -> RegionEstimate {
        RegionEstimate {
            region: region.into(),
            outcome: EffectOutcome::ViolationsPerInspection,
            kind: "all".into(),
            ratio,
            ci95: [ratio * 0.8, ratio * 1.25],
            log_se: 0.114,
            n_treated: 40,
            n_controls: 90,
            pre_trend_p: Some(0.5),
            method: "effect-2026.11.29".into(),
            as_of: day(),
        }
    }

    /// The country's effect figures with `estimates` and their pooling, no acts' KPIs.
    pub(crate) fn effect_of(estimates: Vec<RegionEstimate>) -> NationalEffect {
        NationalEffect {
            today: day(),
            totals: ekn_analytics::outcome_kpis::kpis(&[], day()),
            regions: Default::default(),
            pooled: pool(&estimates),
            estimates,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A view with one region's figures and one anomaly; `edit` makes it hostile.
    fn view(edit: impl FnOnce(&mut serde_json::Value)) -> CountryView {
        let figures = serde_json::json!({"open": 1, "due_within_3_working_days": 0, "overdue": 1,
            "done_on_time_last_90_days": 0, "done_late_last_90_days": 0, "median_days_late": null,
            "by_assignee": {}, "by_unit": {}, "overdue_matrix": {}});
        let mut value = serde_json::json!({
            "person": "aigerim", "server": "https://national.example", "expires_at": "2026-11-29T18:00:00Z",
            "analyst": true, "admin": false, "region": null,
            "dashboard": {"today": "2026-11-29", "totals": figures.clone(),
                "overdue_matrix": {"1940": {"fire_safety": 1}},
                "regions": {"19": {"totals": figures, "tasks": 1, "appeals": 2}}, "tasks": 1,
                "appeals": {"total": 2, "by_region_category": {"19": {"housing": 2}}, "by_month": {"2026-10": 2}},
                "calendar": "c"},
            "effect": null, "themes": null, "anomalies": null, "health": null,
            "fetched_at": "2026-11-29T07:00:00Z", "stale": null
        });
        edit(&mut value);
        let dashboard = serde_json::from_value(value["dashboard"].clone()).unwrap();
        CountryView {
            person: "aigerim".into(),
            server: "https://national.example".into(),
            expires_at: Utc::now(),
            analyst: true,
            admin: false,
            region: None,
            dashboard: Some(dashboard),
            effect: None,
            themes: None,
            anomalies: None,
            health: None,
            fetched_at: Utc::now(),
            stale: None,
        }
    }

    #[test]
    fn the_national_faces_figures_are_checked_as_a_peers() {
        checked(&view(|_| {})).unwrap();
        type Edit = Box<dyn FnOnce(&mut serde_json::Value)>;
        let hostile: [(&str, Edit); 6] = [
            (
                "a region that is no two digits",
                Box::new(|v| {
                    let one = v["dashboard"]["regions"]["19"].clone();
                    v["dashboard"]["regions"]["19; DROP"] = one;
                }),
            ),
            (
                "a district of letters",
                Box::new(|v| v["dashboard"]["overdue_matrix"] = serde_json::json!({"абв": {"x": 1}})),
            ),
            (
                "a category with control characters",
                Box::new(|v| v["dashboard"]["overdue_matrix"] = serde_json::json!({"1940": {"a\u{1b}[2J": 1}})),
            ),
            (
                "a month that is none",
                Box::new(|v| v["dashboard"]["appeals"]["by_month"] = serde_json::json!({"2026-13": 1})),
            ),
            (
                "a district of appeals that is no KATO",
                Box::new(|v| v["dashboard"]["appeals"]["by_district"] = serde_json::json!({"19 OR 1=1": 1})),
            ),
            (
                "a district of tasks that is no KATO",
                Box::new(|v| {
                    let one = v["dashboard"]["totals"].clone();
                    v["dashboard"]["by_district"] = serde_json::json!({"<script>": one});
                }),
            ),
        ];
        for (what, edit) in hostile {
            let refused = checked(&view(edit)).expect_err(what);
            assert_eq!(refused.code, ErrorCode::OfficeRefused, "{what}");
        }
    }

    /// Tier 3 from the face: a region's estimate and the pooled figure are checked as a peer's.
    #[test]
    fn the_faces_estimates_of_the_acts_effect_are_checked_as_a_peers() {
        use super::fixtures::{effect_of, estimate};
        use ekn_analytics::effect_pool::RegionEstimate;
        let with = |estimates: Vec<RegionEstimate>, edit: &dyn Fn(&mut NationalEffect)| {
            let mut v = view(|_| {});
            let mut effect = effect_of(estimates);
            edit(&mut effect);
            v.effect = Some(effect);
            v
        };
        checked(&with(vec![estimate("19", 0.8), estimate("11", 0.9)], &|_| {})).unwrap();
        type Edit<'a> = (&'a str, &'a dyn Fn(&mut NationalEffect));
        let hostile: [Edit; 6] = [
            ("a region that is none", &|e| e.estimates[0].region = "19'; --".into()),
            ("a ratio of nought", &|e| e.estimates[0].ratio = 0.0),
            ("a method with control characters", &|e| e.pooled[0].method = "x\u{1b}[2J".into()),
            ("a spread beyond all", &|e| e.pooled[0].i2 = 7.0),
            ("a kind the country does not pool", &|e| e.estimates[0].kind = "appeal-answer".into()),
            ("a pooled kind that is none", &|e| e.pooled[0].kind = "<b>".into()),
        ];
        for (what, edit) in hostile {
            let refused = checked(&with(vec![estimate("19", 0.8), estimate("11", 0.9)], edit)).expect_err(what);
            assert_eq!(refused.code, ErrorCode::OfficeRefused, "{what}");
        }
        let many: Vec<RegionEstimate> = (0..1201).map(|i| estimate(&format!("{:02}", i % 100), 0.9)).collect();
        assert!(checked(&with(many, &|_| {})).is_err(), "more estimates than a country's regions");
    }
}
