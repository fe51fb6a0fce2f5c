//! The themes' scan and scores over any registry and list of themes — a workstation's own, or the
//! office's over every workstation's appeals and themes — computed by one piece of code so the two
//! cannot drift apart: each theme's and each category × district cell's last months judged against
//! their past (`scan_report`), and the themes ranked for the plan by the lower bound of their score
//! (`score_report`) from what a `ScoreContext` gathered besides the registry.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::farrington;
use crate::practices::Anomaly;
use crate::themes::{
    self, month_number, monthly_counts, CellScan, Decided, Matcher, MonthJudged, ScanParams, ScoreInputs,
    ScoringWeights, SeriesKind, ThemeDefinition, ThemeScore,
};
use ekn_domain::facts::{date_of, day_of, AppealFlags, Registry};
use ekn_domain::norms::Localized;
use ekn_domain::triage::taxonomy::Taxonomy;

/// A theme as listed: its definition in force and who saved it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ThemeSummary {
    pub name: String,
    pub version: i64,
    pub definition: ThemeDefinition,
    pub series: SeriesKind,
    pub retired: bool,
    pub saved_by: String,
    pub saved_at: String,
    pub reason: String,
    /// People's decisions about its items in force (read with the theme; not sent).
    #[serde(skip)]
    #[ts(skip)]
    pub decided: Decided,
}

/// One theme's months judged in the scan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ThemeScanRow {
    pub name: String,
    pub version: i64,
    pub series: SeriesKind,
    /// One per month judged, oldest first; `None` where the history was too short.
    pub months: Vec<Option<MonthJudged>>,
    pub alarm: bool,
}

/// `ekn themes scan`: every theme and every category × district cell, each of the last months
/// judged against the same months of earlier years.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ThemeScanReport {
    pub as_of: NaiveDate,
    pub method: String,
    pub params: ScanParams,
    pub months: Vec<String>,
    /// Themes, those with an alarm first; q-values over all themes and months together.
    pub themes: Vec<ThemeScanRow>,
    /// Category × district cells of appeals; q-values over all cells and months together.
    pub cells: CellScan,
    pub note: Localized,
    pub seconds: f64,
}

/// A theme ranked for the plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ScoredTheme {
    pub name: String,
    pub version: i64,
    pub series: SeriesKind,
    /// Member appeals (or inspections) over the last twelve months.
    pub members: u64,
    pub score: ThemeScore,
}

/// `ekn themes score`: themes ranked by the lower bound of their score's interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ThemeScoreReport {
    pub as_of: NaiveDate,
    pub weights: ScoringWeights,
    pub themes: Vec<ScoredTheme>,
    pub note: Localized,
}

/// A count by a key (a district, a control body, a kind of act).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct KeyCount {
    pub key: String,
    pub count: u64,
}

/// The scoring window: twelve months up to the as-of date.
pub fn window(as_of: NaiveDate) -> (i32, i32) {
    (day_of(as_of) - 365, day_of(as_of))
}

/// Counts by key, the largest first (ties by key).
pub fn sorted_counts(map: HashMap<String, u64>) -> Vec<KeyCount> {
    let mut v: Vec<KeyCount> = map.into_iter().map(|(key, count)| KeyCount { key, count }).collect();
    v.sort_by(|a, b| b.count.cmp(&a.count).then(a.key.cmp(&b.key)));
    v
}

/// The first month the registry holds data of a series' kind (appeals, or inspections): months
/// before it are no data, never zeros in a month's reference.
pub fn series_start(registry: &Registry, kind: SeriesKind) -> Option<i32> {
    let day = match kind {
        SeriesKind::Appeals => registry.appeals.iter().map(|a| a.received).min(),
        SeriesKind::Inspections => registry.inspections.first().map(|f| f.day),
    };
    day.map(|d| month_number(date_of(d)))
}

/// The scan over any registry and list of themes (the workstation's, or the office's over every
/// workstation's appeals and themes): each theme's and each category × district cell's last
/// `months` (default 3, at most 24) full months before `as_of` judged against their past.
pub fn scan_report(
    registry: &Registry,
    list: &[ThemeSummary],
    family_of: &dyn Fn(&ThemeSummary) -> String,
    as_of: NaiveDate,
    months: Option<u32>,
    started: std::time::Instant,
) -> ThemeScanReport {
    let params = ScanParams { months: months.unwrap_or(3).clamp(1, 24), ..ScanParams::default() };
    let taxonomy = Taxonomy::builtin();
    let mut rows = scan_in_families(registry, taxonomy, list, family_of, as_of, &params);
    // Stable: alarms first, otherwise in the list's order (by name).
    rows.sort_by_key(|r| !r.alarm);
    let cells = themes::scan_cells(registry, taxonomy, as_of, &params);
    ThemeScanReport {
        as_of,
        method: farrington::METHOD.into(),
        months: cells.months.clone(),
        params,
        themes: rows,
        cells,
        note: themes::note(),
        seconds: started.elapsed().as_secs_f64(),
    }
}

/// One false-discovery family for every theme, as a workstation judges its own. The office keeps each
/// workstation's themes a family of its own, so a theme's growth is the figure its author sees
/// whatever the colleagues' themes are.
pub fn one_family(_: &ThemeSummary) -> String {
    String::new()
}

/// Each family's themes judged together (`scan_themes`), the families apart; rows in the list's order.
fn scan_in_families(
    registry: &Registry,
    taxonomy: &Taxonomy,
    list: &[ThemeSummary],
    family_of: &dyn Fn(&ThemeSummary) -> String,
    as_of: NaiveDate,
    params: &ScanParams,
) -> Vec<ThemeScanRow> {
    let mut families: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, theme) in list.iter().enumerate() {
        families.entry(family_of(theme)).or_default().push(i);
    }
    let mut rows: Vec<Option<ThemeScanRow>> = (0..list.len()).map(|_| None).collect();
    for members in families.values() {
        let themes: Vec<ThemeSummary> = members.iter().map(|&i| list[i].clone()).collect();
        for (&i, row) in members.iter().zip(scan_themes(registry, taxonomy, &themes, as_of, params)) {
            rows[i] = Some(row);
        }
    }
    rows.into_iter().flatten().collect()
}

/// Judges every theme's months together (one false-discovery family); rows in the list's order.
pub fn scan_themes(
    registry: &Registry,
    taxonomy: &Taxonomy,
    list: &[ThemeSummary],
    as_of: NaiveDate,
    params: &ScanParams,
) -> Vec<ThemeScanRow> {
    let months = themes::judged_months(as_of, params.months);
    let last = *months.last().unwrap_or(&month_number(as_of));
    let series: Vec<(i32, Vec<u32>)> = list
        .iter()
        .map(|t| {
            let first = series_start(registry, t.series).unwrap_or(last + 1).min(last + 1);
            let matcher = Matcher::new(&t.definition, registry, taxonomy).with_decisions(&t.decided, registry);
            (first, monthly_counts(matcher.member_days(registry).into_iter(), first, last))
        })
        .collect();
    let judged = themes::judge_together(&series, &months, params);
    list.iter()
        .zip(judged)
        .map(|(t, months)| ThemeScanRow {
            name: t.name.clone(),
            version: t.version,
            series: t.series,
            alarm: months.iter().flatten().any(|j| j.alarm),
            months,
        })
        .collect()
}

/// The themes ranked for the plan by the lower bound of their score, each with its parts: what
/// `ekn themes scores` and `ekn-office themes scores` both compute, over their own registry and
/// context.
pub fn score_report(
    registry: &Registry,
    list: &[ThemeSummary],
    family_of: &dyn Fn(&ThemeSummary) -> String,
    as_of: NaiveDate,
    context: &ScoreContext,
) -> ThemeScoreReport {
    let weights = ScoringWeights::builtin();
    let scans = scan_in_families(registry, Taxonomy::builtin(), list, family_of, as_of, &ScanParams::default());
    let mut scored = Vec::new();
    for (theme, scan) in list.iter().zip(&scans) {
        let (inputs, members) = context.inputs(registry, theme, scan, as_of);
        scored.push(ScoredTheme {
            name: theme.name.clone(),
            version: theme.version,
            series: theme.series,
            members,
            score: themes::score(&inputs, &weights),
        });
    }
    rank(&mut scored);
    ThemeScoreReport { as_of, weights, themes: scored, note: themes::note() }
}

/// Themes in the plan's order: by the lower bound of their score, then the score.
fn rank(scored: &mut [ScoredTheme]) {
    scored.sort_by(|a, b| b.score.low.total_cmp(&a.score.low).then(b.score.score.total_cmp(&a.score.score)));
}

/// What every theme's score reads besides the registry, gathered once: triage's flags by appeal,
/// each object's latest risk score, and the anomalies listed.
pub struct ScoreContext {
    flags: AppealFlags,
    risks: HashMap<String, f64>,
    office_mean: Option<f64>,
    /// The anomalies listed and not dismissed, the strongest first.
    anomalies: Vec<Anomaly>,
}

impl ScoreContext {
    /// From its parts: the appeals triage found severe or repeated (by number), each object's
    /// latest risk score (by BIN), and the anomalies to link (a person's dismissed ones left out).
    pub fn new(flags: AppealFlags, risks: HashMap<String, f64>, mut anomalies: Vec<Anomaly>) -> Self {
        let office_mean = (!risks.is_empty()).then(|| risks.values().sum::<f64>() / risks.len() as f64);
        anomalies.sort_by(|a, b| a.q_value.total_cmp(&b.q_value));
        ScoreContext { flags, risks, office_mean, anomalies }
    }

    /// The anomalies linked to a theme: in its places (a district or region inside or around its
    /// KATO prefixes), and of its categories (a theme of appeals) or of inspections by its control
    /// bodies (a theme of inspections).
    pub fn linked<'a>(
        &'a self,
        d: &'a ThemeDefinition,
        taxonomy: &'a Taxonomy,
    ) -> impl Iterator<Item = &'a Anomaly> + 'a {
        self.anomalies.iter().filter(move |a| {
            let place = a.district.as_deref().or(a.region_code.as_deref());
            let in_place = d.kato.is_empty()
                || place.is_some_and(|p| d.kato.iter().any(|k| p.starts_with(k.as_str()) || k.starts_with(p)));
            let related = match (&a.category, d.series_kind()) {
                (Some(label), SeriesKind::Appeals) => {
                    let code = taxonomy.code_or_label(label);
                    let parent = taxonomy.get(&code).and_then(|c| c.parent.clone());
                    d.categories.iter().any(|c| *c == code || Some(c) == parent.as_ref())
                }
                (None, SeriesKind::Inspections) => {
                    d.bodies.is_empty() || a.control_body.as_ref().is_some_and(|b| d.bodies.iter().any(|x| x == b))
                }
                _ => false,
            };
            in_place && related
        })
    }

    /// The score's inputs for one theme, and its members over the window.
    pub fn inputs(
        &self,
        registry: &Registry,
        theme: &ThemeSummary,
        scan: &ThemeScanRow,
        as_of: NaiveDate,
    ) -> (ScoreInputs, u64) {
        let taxonomy = Taxonomy::builtin();
        let d = &theme.definition;
        let matcher = Matcher::new(d, registry, taxonomy).with_decisions(&theme.decided, registry);
        let (from, to) = window(as_of);
        let mut inputs = ScoreInputs {
            growth_q: scan.months.iter().flatten().map(|j| j.q).min_by(f64::total_cmp),
            office_mean_risk: self.office_mean,
            anomaly: self.linked(d, taxonomy).next().map(|a| (a.q_value, a.id.clone())),
            ..ScoreInputs::default()
        };
        let mut objects: HashSet<u32> = HashSet::new();
        let mut members = 0u64;
        for a in registry.appeals.iter().filter(|a| a.received > from && a.received <= to && matcher.appeal(a)) {
            members += 1;
            inputs.appeals += 1;
            inputs.severe += u64::from(self.flags.severe.contains(&*a.appeal_no));
            inputs.repeats += u64::from(self.flags.repeats.contains(&*a.appeal_no));
            objects.extend(a.subject);
        }
        if theme.series == SeriesKind::Inspections {
            for f in registry.inspections.iter().filter(|f| f.day > from && f.day <= to && matcher.inspection(f)) {
                members += 1;
                objects.insert(f.subject);
            }
        }
        inputs.member_risks = objects
            .iter()
            .filter_map(|&s| registry.subjects.get(s as usize))
            .filter_map(|s| self.risks.get(&s.bin).copied())
            .collect();
        (inputs, members)
    }
}
