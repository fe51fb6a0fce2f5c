//! Themes of supervision: what a theme is (a definition over categories, places, sectors and
//! control bodies), which appeals and inspections it takes in, its monthly series, and the two
//! judgements made of themes — are they rising (`scan`, by `farrington` with false-discovery
//! control across everything judged together) and how do they rank for the plan (`score`, a
//! weighted sum of bounded parts ranked by its lower bound). Pure computation over the registry
//! the store reads; the store keeps the definitions and `api::themes` joins the two.
//!
//! A theme concerns practices and sectors, never a list of persons: it is defined by filters, and
//! nothing here lists who applied.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::anomalies::benjamini_hochberg;
use super::farrington::{self, FarringtonParams, MonthJudgement};
use ekn_domain::facts::{date_of, district_text, kato_has_prefix, AppealFact, Day, InspectionFact, Registry};
use ekn_domain::norms::Localized;
use ekn_domain::records::InspectionKind;
use ekn_domain::triage::fold;
use ekn_domain::triage::taxonomy::Taxonomy;

/// A theme's definition: each list narrows it (an empty list does not), every filter it names must
/// hold. Categories are the taxonomy's codes (a group takes in its categories); KATO prefixes of any
/// length (`19` a region, `1920` a district); OKED as a section letter (`F`) or a code prefix
/// (`41`, `41.20`); control bodies by name.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ThemeDefinition {
    #[serde(default)]
    pub categories: Vec<String>,
    #[serde(default)]
    pub kato: Vec<String>,
    #[serde(default)]
    pub oked: Vec<String>,
    #[serde(default)]
    pub bodies: Vec<String>,
    /// Only unplanned inspections (the article's «внеплановые проверки»).
    #[serde(default)]
    pub unplanned_only: bool,
    /// Only inspections of small or medium business, micro included, as the registry recorded the
    /// business's size (an inspection without a recorded size is not taken for small).
    #[serde(default)]
    pub small_business: bool,
    /// The period the theme is about: members are listed within it. The dynamics and the scan use
    /// all the history, since a month is judged against its earlier years.
    #[serde(default)]
    pub from: Option<NaiveDate>,
    #[serde(default)]
    pub to: Option<NaiveDate>,
    /// Words that describe it (kept for people and for proposals; not a filter).
    #[serde(default)]
    pub seed: Option<String>,
    /// Ids of norms from the catalogue the theme rests on.
    #[serde(default)]
    pub norms: Vec<String>,
}

/// What a theme counts month by month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum SeriesKind {
    /// Appeals: a theme that names categories of appeal.
    Appeals,
    /// Inspections: a theme about control bodies, sectors or places without categories.
    Inspections,
}

impl ThemeDefinition {
    /// The theme counts appeals when it names categories, inspections otherwise.
    pub fn series_kind(&self) -> SeriesKind {
        if self.categories.is_empty() {
            SeriesKind::Inspections
        } else {
            SeriesKind::Appeals
        }
    }

    /// Checks the definition, naming the field and value at fault: categories the taxonomy must
    /// know, KATO prefixes of 1–9 digits, OKED letters or code prefixes, a period in order, and at
    /// least one filter (a theme of everything is not a theme).
    pub fn validate(&self, taxonomy: &Taxonomy) -> Result<(), String> {
        for c in &self.categories {
            if taxonomy.get(c).is_none() {
                let hint = taxonomy.resolve(c).map(|k| format!(" (did you mean '{}'?)", k.code)).unwrap_or_default();
                return Err(format!("categories: '{c}' is not a code of the appeals taxonomy{hint}"));
            }
        }
        for k in &self.kato {
            if k.is_empty() || k.len() > 9 || !k.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!("kato: '{k}' is not a KATO prefix (1 to 9 digits)"));
            }
        }
        for o in &self.oked {
            let letter = o.len() == 1 && o.bytes().all(|b| b.is_ascii_uppercase());
            let code = !o.is_empty()
                && o.len() <= 10
                && o.bytes().next().is_some_and(|b| b.is_ascii_digit())
                && o.bytes().all(|b| b.is_ascii_digit() || b == b'.');
            if !letter && !code {
                return Err(format!("oked: '{o}' is neither a section letter (F) nor a code prefix (41.20)"));
            }
        }
        if self.bodies.iter().any(|b| b.trim().is_empty()) {
            return Err("bodies: a control body's name is empty".into());
        }
        if let (Some(from), Some(to)) = (self.from, self.to) {
            if to < from {
                return Err(format!("to: {to} is before from: {from}"));
            }
        }
        if self.small_business && !self.categories.is_empty() {
            return Err(
                "small_business: the size of business is an inspection's; a theme with categories counts appeals"
                    .into(),
            );
        }
        if self.categories.is_empty()
            && self.kato.is_empty()
            && self.oked.is_empty()
            && self.bodies.is_empty()
            && !self.unplanned_only
            && !self.small_business
        {
            return Err(
                "a theme needs at least one filter: categories, kato, oked, bodies, unplanned or small business".into(),
            );
        }
        Ok(())
    }
}

/// People's decisions about a theme's items in force: accepted items are members whatever the
/// filters say (pinned), rejected ones are not, whatever the filters say. By number. Decisions
/// about objects (by BIN) stand between the two: an accepted object is taken to belong to the
/// theme's places and sectors whatever the registry says of its district, OKED or size, so its
/// appeals and inspections count when they meet the theme's other filters (category; unplanned,
/// control body); a rejected object's items never count. A decision about an item wins over one
/// about its object.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Decided {
    pub accepted_appeals: HashSet<String>,
    pub rejected_appeals: HashSet<String>,
    pub accepted_inspections: HashSet<String>,
    pub rejected_inspections: HashSet<String>,
    pub accepted_objects: HashSet<String>,
    pub rejected_objects: HashSet<String>,
}

impl Decided {
    /// Records a person's decision (`accepted`, else rejected) about an item (`appeal`, `object`,
    /// else an inspection); the newest decision on an item is the one to record.
    pub fn record(&mut self, item_kind: &str, decision: &str, item_key: String) {
        let set = match (item_kind, decision) {
            ("appeal", "accepted") => &mut self.accepted_appeals,
            ("appeal", _) => &mut self.rejected_appeals,
            ("object", "accepted") => &mut self.accepted_objects,
            ("object", _) => &mut self.rejected_objects,
            (_, "accepted") => &mut self.accepted_inspections,
            _ => &mut self.rejected_inspections,
        };
        set.insert(item_key);
    }
}

/// A definition compiled against one registry: lookups by index instead of names.
pub struct Matcher<'a> {
    decided: Option<&'a Decided>,
    definition: &'a ThemeDefinition,
    /// Per registry category: whether it is one of the theme's.
    categories: Vec<bool>,
    /// Per control body.
    bodies: Vec<bool>,
    /// Per subject, when the theme names OKED codes.
    subjects_oked: Option<Vec<bool>>,
    /// Per subject, a person's decision about the object: accepted (`Some(true)`) or rejected.
    objects: Vec<Option<bool>>,
}

impl<'a> Matcher<'a> {
    pub fn new(definition: &'a ThemeDefinition, registry: &Registry, taxonomy: &Taxonomy) -> Matcher<'a> {
        let categories =
            registry.categories.iter().map(|label| category_in(taxonomy, label, &definition.categories)).collect();
        let wanted: Vec<String> = definition.bodies.iter().map(|b| fold(b.trim())).collect();
        let bodies = registry.bodies.iter().map(|b| wanted.is_empty() || wanted.contains(&fold(b.trim()))).collect();
        let subjects_oked = (!definition.oked.is_empty()).then(|| {
            registry
                .subjects
                .iter()
                .map(|s| s.oked.as_deref().is_some_and(|code| oked_matches(&definition.oked, code, s.oked_section)))
                .collect()
        });
        Matcher { decided: None, definition, categories, bodies, subjects_oked, objects: Vec::new() }
    }

    /// The same matcher with people's decisions applied (the registry names each object's BIN).
    pub fn with_decisions(mut self, decided: &'a Decided, registry: &Registry) -> Matcher<'a> {
        self.decided = Some(decided);
        if !decided.accepted_objects.is_empty() || !decided.rejected_objects.is_empty() {
            self.objects = registry
                .subjects
                .iter()
                .map(|s| {
                    if decided.accepted_objects.contains(&*s.bin) {
                        Some(true)
                    } else if decided.rejected_objects.contains(&*s.bin) {
                        Some(false)
                    } else {
                        None
                    }
                })
                .collect();
        }
        self
    }

    /// A person's decision about an object, if any.
    fn object_decision(&self, subject: Option<u32>) -> Option<bool> {
        subject.and_then(|s| self.objects.get(s as usize).copied().flatten())
    }

    /// Whether an appeal meets the filters about the appeal itself (its category), leaving out
    /// those about its object (district, OKED).
    fn appeal_own_filters(&self, a: &AppealFact) -> bool {
        !self.definition.categories.is_empty()
            && a.category.and_then(|c| self.categories.get(c as usize).copied()).unwrap_or(false)
    }

    /// Whether an inspection meets the filters about the inspection itself (unplanned, control
    /// body), leaving out those about its object (district, OKED, size).
    fn inspection_own_filters(&self, f: &InspectionFact) -> bool {
        (!self.definition.unplanned_only || f.kind == InspectionKind::Unplanned)
            && self.bodies.get(f.body as usize).copied().unwrap_or(false)
    }

    /// Whether an appeal matches the definition's filters alone (a candidate).
    pub fn appeal_matches(&self, a: &AppealFact) -> bool {
        self.appeal_own_filters(a) && self.place(a.kato) && self.subject(a.subject)
    }

    /// Whether an inspection matches the definition's filters alone (a candidate).
    pub fn inspection_matches(&self, f: &InspectionFact) -> bool {
        self.inspection_own_filters(f)
            && (!self.definition.small_business || f.subject_size.is_some_and(|s| s.is_small_or_medium()))
            && self.place(f.kato)
            && match &self.subjects_oked {
                None => true,
                Some(_) => {
                    self.subject(Some(f.subject))
                        || f.oked_section.is_some_and(|s| self.definition.oked.iter().any(|o| o.as_bytes() == [s]))
                }
            }
    }

    fn place(&self, kato: Option<u32>) -> bool {
        self.definition.kato.is_empty()
            || kato.is_some_and(|k| self.definition.kato.iter().any(|p| kato_has_prefix(k, p)))
    }

    fn subject(&self, subject: Option<u32>) -> bool {
        match &self.subjects_oked {
            None => true,
            Some(ok) => subject.and_then(|s| ok.get(s as usize).copied()).unwrap_or(false),
        }
    }

    /// Whether an appeal belongs: accepted by a person, or matching the filters and not rejected
    /// (a theme without categories takes in no appeals by its filters); an object a person
    /// accepted or rejected decides its place and sector.
    pub fn appeal(&self, a: &AppealFact) -> bool {
        match self.decided {
            Some(d) if d.accepted_appeals.contains(&*a.appeal_no) => true,
            Some(d) if d.rejected_appeals.contains(&*a.appeal_no) => false,
            _ => match self.object_decision(a.subject) {
                Some(true) => self.appeal_own_filters(a),
                Some(false) => false,
                None => self.appeal_matches(a),
            },
        }
    }

    /// Whether an inspection belongs: accepted, or matching and not rejected (categories do not
    /// apply to inspections).
    pub fn inspection(&self, f: &InspectionFact) -> bool {
        match self.decided {
            Some(d) if d.accepted_inspections.contains(&*f.registry_no) => true,
            Some(d) if d.rejected_inspections.contains(&*f.registry_no) => false,
            _ => match self.object_decision(Some(f.subject)) {
                Some(true) => self.inspection_own_filters(f),
                Some(false) => false,
                None => self.inspection_matches(f),
            },
        }
    }

    /// The day each member was received (appeals) or started (inspections), for the series.
    pub fn member_days(&self, registry: &Registry) -> Vec<Day> {
        match self.definition.series_kind() {
            SeriesKind::Appeals => registry.appeals.iter().filter(|a| self.appeal(a)).map(|a| a.received).collect(),
            SeriesKind::Inspections => {
                registry.inspections.iter().filter(|f| self.inspection(f)).map(|f| f.day).collect()
            }
        }
    }
}

/// Whether a registry's category label is one of `codes` (a group code takes in its categories).
fn category_in(taxonomy: &Taxonomy, label: &str, codes: &[String]) -> bool {
    match taxonomy.resolve(label) {
        Some(c) => codes.iter().any(|code| *code == c.code || c.parent.as_deref() == Some(code.as_str())),
        None => codes.iter().any(|code| fold(code) == fold(label.trim())),
    }
}

fn oked_matches(filters: &[String], code: &str, section: Option<u8>) -> bool {
    filters.iter().any(|f| {
        if f.len() == 1 && f.bytes().all(|b| b.is_ascii_uppercase()) {
            section == Some(f.as_bytes()[0])
        } else {
            code.trim().starts_with(f.as_str())
        }
    })
}

/// A month as a number (year × 12 + month − 1), so consecutive months differ by one.
pub fn month_number(date: NaiveDate) -> i32 {
    date.year() * 12 + date.month0() as i32
}

/// `2026-09`.
pub fn month_text(month: i32) -> String {
    format!("{:04}-{:02}", month.div_euclid(12), month.rem_euclid(12) + 1)
}

/// Counts per month from `first` to `last` (inclusive) of the given days.
pub fn monthly_counts(days: impl Iterator<Item = Day>, first: i32, last: i32) -> Vec<u32> {
    let mut series = vec![0u32; (last - first + 1).max(0) as usize];
    for day in days {
        let m = month_number(date_of(day)) - first;
        if m >= 0 && (m as usize) < series.len() {
            series[m as usize] += 1;
        }
    }
    series
}

/// The scan's settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ScanParams {
    pub farrington: FarringtonParams,
    /// How many full months before the as-of date are judged.
    pub months: u32,
    /// The false-discovery rate an alarm's q-value must be within.
    pub fdr: f64,
}

impl Default for ScanParams {
    fn default() -> Self {
        ScanParams { farrington: FarringtonParams::default(), months: 3, fdr: 0.05 }
    }
}

/// One month of one series judged, with its q-value among everything judged with it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct MonthJudged {
    /// `2026-09`.
    pub month: String,
    pub observed: u32,
    pub expected: f64,
    pub upper: f64,
    pub p: f64,
    pub q: f64,
    pub dispersion: f64,
    pub trend: bool,
    /// Above the bound, at least the minimum count, and within the false-discovery rate.
    pub alarm: bool,
}

/// A category × district cell's month judged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct CellAlarm {
    /// The taxonomy's code (or the registry's label when the taxonomy does not know it).
    pub category: String,
    /// The district's KATO code (`1920`).
    pub district: String,
    #[serde(flatten)]
    #[ts(flatten)]
    pub judged: MonthJudged,
}

/// What the cell scan judged and found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct CellScan {
    /// The months judged, oldest first.
    pub months: Vec<String>,
    /// Cells that had at least one appeal.
    pub cells: usize,
    /// Cell-months judged (with enough history); the q-values are over all of them.
    pub judged: usize,
    /// Cell-months with too little history to judge.
    pub not_judged: usize,
    /// Alarms only, the strongest first.
    pub alarms: Vec<CellAlarm>,
    /// Over the same months, cells whose share of their district's appeals stands out from their
    /// neighbours' (`theme_neighbours`), the strongest first.
    pub neighbours: Vec<super::theme_neighbours::CellNeighbourAlarm>,
    /// Cells compared with their neighbours.
    pub neighbours_judged: usize,
    /// The neighbour comparison's version (`theme_neighbours::METHOD`).
    pub neighbours_method: String,
}

/// The months to judge: the `months` full months before the as-of date's month.
pub fn judged_months(as_of: NaiveDate, months: u32) -> Vec<i32> {
    let current = month_number(as_of);
    (1..=months as i32).rev().map(|k| current - k).collect()
}

/// Judges each series' months, then corrects across every series and month judged together.
/// `series` are (first month, counts); returns, per series, the judged months in order.
pub fn judge_together(
    series: &[(i32, Vec<u32>)],
    months: &[i32],
    params: &ScanParams,
) -> Vec<Vec<Option<MonthJudged>>> {
    let mut raw: Vec<Vec<Option<MonthJudgement>>> = series
        .iter()
        .map(|(first, counts)| {
            months
                .iter()
                .map(|&m| {
                    let t = m - first;
                    (t >= 0).then(|| farrington::judge(counts, t as usize, &params.farrington)).flatten()
                })
                .collect()
        })
        .collect();
    let p: Vec<f64> = raw.iter().flatten().flatten().map(|j| j.p).collect();
    let q = benjamini_hochberg(&p);
    let mut q = q.into_iter();
    raw.iter_mut()
        .map(|row| {
            row.iter_mut()
                .zip(months)
                .map(|(j, &m)| {
                    j.take().map(|j| {
                        let q = q.next().unwrap_or(1.0);
                        MonthJudged {
                            month: month_text(m),
                            observed: j.observed,
                            expected: j.expected,
                            upper: j.upper,
                            p: j.p,
                            q,
                            dispersion: j.dispersion,
                            trend: j.trend,
                            alarm: j.exceeds && q <= params.fdr,
                        }
                    })
                })
                .collect()
        })
        .collect()
}

/// Every category × district cell of appeals, its last `months` months judged against its past.
pub fn scan_cells(registry: &Registry, taxonomy: &Taxonomy, as_of: NaiveDate, params: &ScanParams) -> CellScan {
    let months = judged_months(as_of, params.months);
    let last = *months.last().unwrap_or(&month_number(as_of));
    let codes: Vec<String> = registry.categories.iter().map(|l| taxonomy.code_or_label(l)).collect();
    let first = registry.appeals.iter().map(|a| month_number(date_of(a.received))).min().unwrap_or(last);
    let mut cells: HashMap<(usize, u32), Vec<u32>> = HashMap::new();
    for a in &registry.appeals {
        let (Some(c), Some(kato)) = (a.category, a.kato) else { continue };
        let m = month_number(date_of(a.received));
        if m > last {
            continue;
        }
        let series = cells.entry((c as usize, kato / 100_000)).or_insert_with(|| vec![0; (last - first + 1) as usize]);
        series[(m - first) as usize] += 1;
    }
    // Cells of the same category code (two labels the taxonomy maps to one code) are one cell.
    let mut merged: BTreeMap<(String, String), Vec<u32>> = BTreeMap::new();
    for ((c, district), series) in cells {
        let entry =
            merged.entry((codes[c].clone(), district_text(district as u16))).or_insert_with(|| vec![0; series.len()]);
        entry.iter_mut().zip(&series).for_each(|(a, b)| *a += b);
    }
    judge_cells(first, merged, &months, params)
}

/// Judges cells' monthly counts together (one false-discovery family): each cell keyed by
/// (category code, district), its counts month by month from `first`. The office's and the
/// national side's cells are judged by this one function, from appeals or from published counts.
pub fn judge_cells(
    first: i32,
    cells: BTreeMap<(String, String), Vec<u32>>,
    months: &[i32],
    params: &ScanParams,
) -> CellScan {
    let from = months.first().map_or(0, |&m| (m - first).max(0) as usize);
    let (neighbours, neighbours_judged) =
        super::theme_neighbours::judge_cells_against_neighbours(&cells, from, params.fdr);
    let keys: Vec<(String, String)> = cells.keys().cloned().collect();
    let series: Vec<(i32, Vec<u32>)> = cells.into_values().map(|counts| (first, counts)).collect();
    let judged = judge_together(&series, months, params);
    let (mut done, mut skipped) = (0, 0);
    let mut alarms = Vec::new();
    for ((category, district), row) in keys.iter().zip(judged) {
        for j in row {
            match j {
                None => skipped += 1,
                Some(j) => {
                    done += 1;
                    if j.alarm {
                        alarms.push(CellAlarm { category: category.clone(), district: district.clone(), judged: j });
                    }
                }
            }
        }
    }
    alarms.sort_by(|a, b| a.judged.q.total_cmp(&b.judged.q).then(a.judged.p.total_cmp(&b.judged.p)));
    CellScan {
        months: months.iter().map(|&m| month_text(m)).collect(),
        cells: keys.len(),
        judged: done,
        not_judged: skipped,
        alarms,
        neighbours,
        neighbours_judged,
        neighbours_method: super::theme_neighbours::METHOD.into(),
    }
}

/// The theme score's weights and the harm rules severity counts: versioned data with a passport.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ScoringWeights {
    #[serde(rename = "_comment", default, skip_serializing)]
    #[ts(skip)]
    pub comment: String,
    pub version: String,
    pub passport: ScoringPassport,
    pub weights: PartWeights,
    /// Priority rules whose firing makes an appeal count as carrying harm or a threat.
    pub severity_rules: Vec<String>,
    /// −log₁₀ q at which growth reaches 1.
    pub growth_full_at: f64,
}

/// Who set the weights, why, and what they were (not) checked against.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ScoringPassport {
    pub purpose: String,
    pub author: String,
    pub date: NaiveDate,
    pub validation: String,
    pub limits: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct PartWeights {
    pub growth: f64,
    pub severity: f64,
    pub anomaly: f64,
    pub member_risk: f64,
    pub repeats: f64,
}

impl ScoringWeights {
    pub fn builtin() -> ScoringWeights {
        Self::parse(include_str!("../../../assets/themes/scoring.json"))
            .expect("assets/themes/scoring.json is valid (a test reads it)")
    }

    pub fn parse(json: &str) -> Result<ScoringWeights, String> {
        let w: ScoringWeights = serde_json::from_str(json).map_err(|e| e.to_string())?;
        let all = [w.weights.growth, w.weights.severity, w.weights.anomaly, w.weights.member_risk, w.weights.repeats];
        if all.iter().any(|x| !x.is_finite() || *x < 0.0) || all.iter().sum::<f64>() <= 0.0 {
            return Err("weights: each must be a non-negative number and their sum positive".into());
        }
        if !(w.growth_full_at.is_finite() && w.growth_full_at > 0.0) {
            return Err("growth_full_at: must be a positive number".into());
        }
        Ok(w)
    }
}

/// What the score of one theme is computed from (figures the api gathers from the store).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScoreInputs {
    /// The smallest q-value among the theme's judged months (None: nothing judged).
    pub growth_q: Option<f64>,
    /// Member appeals in the scoring window, and how many of them carry a harm or threat rule.
    pub appeals: u64,
    pub severe: u64,
    /// And how many are repeats of an earlier appeal.
    pub repeats: u64,
    /// The q-value of the strongest linked anomaly, and its id.
    pub anomaly: Option<(f64, String)>,
    /// The latest risk score (0–100) of each member object with one, and the office's mean.
    pub member_risks: Vec<f64>,
    pub office_mean_risk: Option<f64>,
}

/// One part of a score: its value in [0, 1], its 95 % interval, its weight, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ScorePart {
    /// `growth`, `severity`, `anomaly`, `member_risk`, `repeats`.
    pub part: String,
    pub value: f64,
    pub low: f64,
    pub high: f64,
    pub weight: f64,
    /// The figures it rests on, in English (the UI words them from `figures`).
    pub why: String,
    /// The raw figures: counts, q-values, ratios, by name.
    pub figures: HashMap<String, f64>,
}

/// A theme's score: the weighted mean of its parts, with the interval the parts' intervals give.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ThemeScore {
    pub score: f64,
    pub low: f64,
    pub high: f64,
    pub parts: Vec<ScorePart>,
    pub weights_version: String,
}

/// Wilson's 95 % interval of a proportion.
fn wilson(k: u64, n: u64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let (k, n, z) = (k as f64, n as f64, 1.959_963_984_540_054);
    let p = k / n;
    let centre = (p + z * z / (2.0 * n)) / (1.0 + z * z / n);
    let half = z * ((p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt()) / (1.0 + z * z / n);
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

/// Scores a theme. Each part is bounded to [0, 1]: growth −log₁₀ q over `growth_full_at`;
/// severity and repeats as proportions (Wilson intervals; with no appeals, 0 within [0, 1]);
/// the anomaly part 1 − q of the strongest linked anomaly; member risk r/(1 + r) for r the member
/// objects' mean risk over the office's (1 = 0.5), its interval from the mean's standard error.
pub fn score(inputs: &ScoreInputs, weights: &ScoringWeights) -> ThemeScore {
    let w = &weights.weights;
    let mut parts = Vec::new();
    let figures = |pairs: &[(&str, f64)]| pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect::<HashMap<_, _>>();

    let (growth, why) = match inputs.growth_q {
        Some(q) => {
            let g = (-q.max(1e-300).log10() / weights.growth_full_at).clamp(0.0, 1.0);
            (g, format!("smallest q of the months judged {q:.3}"))
        }
        None => (0.0, "no month had enough history to be judged".to_string()),
    };
    parts.push(ScorePart {
        part: "growth".into(),
        value: growth,
        low: growth,
        high: growth,
        weight: w.growth,
        why,
        figures: figures(&[("q", inputs.growth_q.unwrap_or(1.0))]),
    });

    for (name, k, weight) in [("severity", inputs.severe, w.severity), ("repeats", inputs.repeats, w.repeats)] {
        let n = inputs.appeals;
        let (value, (low, high)) = if n == 0 { (0.0, (0.0, 1.0)) } else { (k as f64 / n as f64, wilson(k, n)) };
        let what = if name == "severity" { "carry a harm or threat rule" } else { "repeat an earlier appeal" };
        parts.push(ScorePart {
            part: name.into(),
            value,
            low,
            high,
            weight,
            why: format!("{k} of {n} member appeals {what}"),
            figures: figures(&[("count", k as f64), ("of", n as f64)]),
        });
    }

    let (anomaly, why, q) = match &inputs.anomaly {
        Some((q, id)) => (1.0 - q.clamp(0.0, 1.0), format!("anomaly {id}, q = {q:.3}"), *q),
        None => (0.0, "no listed anomaly in the theme's places and categories".to_string(), 1.0),
    };
    parts.push(ScorePart {
        part: "anomaly".into(),
        value: anomaly,
        low: anomaly,
        high: anomaly,
        weight: w.anomaly,
        why,
        figures: figures(&[("q", q)]),
    });

    let risks = &inputs.member_risks;
    let (value, low, high, why, ratio) = match (inputs.office_mean_risk, risks.len()) {
        (Some(office), n) if n > 0 && office > 0.0 => {
            let mean = risks.iter().sum::<f64>() / n as f64;
            let var = if n > 1 { risks.iter().map(|r| (r - mean).powi(2)).sum::<f64>() / (n - 1) as f64 } else { 0.0 };
            let se = if n > 1 { (var / n as f64).sqrt() } else { mean };
            let to_part = |m: f64| {
                let r = (m / office).max(0.0);
                r / (1.0 + r)
            };
            let r = mean / office;
            (
                to_part(mean),
                to_part(mean - 1.96 * se),
                to_part(mean + 1.96 * se),
                format!("{n} member objects' mean risk {mean:.1} against the office's {office:.1} (×{r:.2})"),
                r,
            )
        }
        _ => (0.0, 0.0, 1.0, "no member object has a risk score".to_string(), 0.0),
    };
    parts.push(ScorePart {
        part: "member_risk".into(),
        value,
        low,
        high,
        weight: w.member_risk,
        why,
        figures: figures(&[("ratio", ratio), ("objects", risks.len() as f64)]),
    });

    let total: f64 = parts.iter().map(|p| p.weight).sum();
    let sum = |f: fn(&ScorePart) -> f64| parts.iter().map(|p| p.weight * f(p)).sum::<f64>() / total;
    ThemeScore {
        score: sum(|p| p.value),
        low: sum(|p| p.low),
        high: sum(|p| p.high),
        parts,
        weights_version: weights.version.clone(),
    }
}

/// The note every theme screen carries.
pub fn note() -> Localized {
    Localized {
        ru: "Тема — это практика или отрасль, а не список лиц: чёрных списков ЭКН не ведёт. Рост и баллы — гипотезы для планирования, не выводы.".into(),
        kk: "Тақырып — тұлғалар тізімі емес, тәжірибе немесе сала: ЭКН қара тізімдер жүргізбейді. Өсу мен балл — жоспарлауға арналған болжам, қорытынды емес.".into(),
        en: "A theme is a practice or a sector, never a list of persons: ЭКН keeps no black lists. Growth and scores are hypotheses for planning, not findings.".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ekn_domain::facts::{day_of, SubjectFact};

    fn appeal(day: NaiveDate, category: u16, kato: u32) -> AppealFact {
        AppealFact {
            appeal_no: "A".into(),
            subject: Some(0),
            region: Some((kato / 10_000_000) as u8),
            kato: Some(kato),
            category: Some(category),
            received: day_of(day),
            decided: None,
            outcome: None,
        }
    }

    fn registry() -> Registry {
        Registry {
            categories: vec!["трудовые права".into(), "экология".into(), "вопросы космоса".into()],
            subjects: vec![SubjectFact {
                bin: "1".into(),
                name: None,
                oked: Some("41.20.0".into()),
                oked_section: Some(b'F'),
            }],
            bodies: vec!["Инспекция труда".into()],
            ..Registry::default()
        }
    }

    #[test]
    fn a_definition_names_the_field_at_fault() {
        let t = Taxonomy::builtin();
        let bad = ThemeDefinition { categories: vec!["трудовые права".into()], ..Default::default() };
        assert_eq!(
            bad.validate(t).unwrap_err(),
            "categories: 'трудовые права' is not a code of the appeals taxonomy (did you mean 'social.labour'?)"
        );
        let bad = ThemeDefinition { kato: vec!["19a".into()], ..Default::default() };
        assert!(bad.validate(t).unwrap_err().starts_with("kato: '19a'"));
        assert!(ThemeDefinition::default().validate(t).unwrap_err().contains("at least one filter"));
        let good = ThemeDefinition {
            categories: vec!["social".into()],
            kato: vec!["1920".into()],
            oked: vec!["F".into(), "41.2".into()],
            ..Default::default()
        };
        good.validate(t).unwrap();
    }

    #[test]
    fn a_group_takes_in_its_categories_and_a_prefix_of_any_length_its_places() {
        let r = registry();
        let t = Taxonomy::builtin();
        let d = |y, m| NaiveDate::from_ymd_opt(y, m, 5).unwrap();
        let def =
            ThemeDefinition { categories: vec!["social".into()], kato: vec!["19205".into()], ..Default::default() };
        let m = Matcher::new(&def, &r, t);
        assert!(m.appeal(&appeal(d(2025, 1), 0, 192_050_100)));
        assert!(!m.appeal(&appeal(d(2025, 1), 0, 192_060_100)), "another part of the district");
        assert!(!m.appeal(&appeal(d(2025, 1), 1, 192_050_100)), "ecology is not in the social group");
        let unknown =
            ThemeDefinition { categories: vec!["вопросы космоса".into()], ..Default::default() };
        assert!(Matcher::new(&unknown, &r, t).appeal(&appeal(d(2025, 1), 2, 192_050_100)));
        let oked =
            ThemeDefinition { categories: vec!["social.labour".into()], oked: vec!["42".into()], ..Default::default() };
        assert!(!Matcher::new(&oked, &r, t).appeal(&appeal(d(2025, 1), 0, 192_050_100)), "the object is in 41");
        let section =
            ThemeDefinition { categories: vec!["social.labour".into()], oked: vec!["F".into()], ..Default::default() };
        assert!(Matcher::new(&section, &r, t).appeal(&appeal(d(2025, 1), 0, 192_050_100)));
    }

    #[test]
    fn a_cell_whose_month_quadruples_is_an_alarm_and_its_neighbours_are_not() {
        let mut r = registry();
        let mut n = 0u64;
        for year in 2021..=2025 {
            for month in 1..=12 {
                if year == 2025 && month > 9 {
                    continue;
                }
                for (cat, kato) in [(0u16, 192_050_100u32), (1, 192_050_100), (0, 351_020_000)] {
                    // Five a month, with a little wobble from a fixed sequence.
                    n = n.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    let mut count = 4 + (n >> 62) as u32;
                    if year == 2025 && month == 9 && cat == 0 && kato == 192_050_100 {
                        count = 24;
                    }
                    for _ in 0..count {
                        r.appeals.push(appeal(NaiveDate::from_ymd_opt(year, month, 10).unwrap(), cat, kato));
                    }
                }
            }
        }
        let scan =
            scan_cells(&r, Taxonomy::builtin(), NaiveDate::from_ymd_opt(2025, 10, 15).unwrap(), &ScanParams::default());
        assert_eq!(scan.cells, 3);
        assert_eq!(scan.months, ["2025-07", "2025-08", "2025-09"]);
        assert_eq!(scan.judged, 9);
        assert_eq!(scan.alarms.len(), 1, "{:?}", scan.alarms);
        let a = &scan.alarms[0];
        assert_eq!(
            (a.category.as_str(), a.district.as_str(), a.judged.month.as_str()),
            ("social.labour", "1920", "2025-09")
        );
        assert!(a.judged.observed == 24 && a.judged.upper < 24.0 && a.judged.q <= 0.05, "{a:?}");
    }

    #[test]
    fn the_score_is_the_weighted_mean_of_bounded_parts_and_its_interval_is_theirs() {
        let weights = ScoringWeights::builtin();
        let inputs = ScoreInputs {
            growth_q: Some(0.001),
            appeals: 50,
            severe: 10,
            repeats: 5,
            anomaly: Some((0.02, "a1".into())),
            member_risks: vec![60.0, 70.0, 80.0],
            office_mean_risk: Some(35.0),
        };
        let s = score(&inputs, &weights);
        assert_eq!(s.parts.len(), 5);
        for p in &s.parts {
            assert!(p.low <= p.value + 1e-12 && p.value <= p.high + 1e-12 && (0.0..=1.0).contains(&p.value), "{p:?}");
        }
        let total: f64 = s.parts.iter().map(|p| p.weight).sum();
        let mean = s.parts.iter().map(|p| p.weight * p.value).sum::<f64>() / total;
        assert!((s.score - mean).abs() < 1e-12);
        assert!(s.low <= s.score && s.score <= s.high);
        let severity = s.parts.iter().find(|p| p.part == "severity").unwrap();
        assert!((severity.value - 0.2).abs() < 1e-12 && severity.low < 0.2 && severity.high > 0.2);
        // Nothing known gives nothing, with the widest honest interval.
        let empty = score(&ScoreInputs::default(), &weights);
        assert_eq!(empty.score, 0.0);
        assert!(empty.high > 0.0);
    }

    #[test]
    fn month_numbers_round_trip() {
        let d = NaiveDate::from_ymd_opt(2026, 1, 31).unwrap();
        assert_eq!(month_text(month_number(d) - 1), "2025-12");
        assert_eq!(judged_months(d, 2).iter().map(|&m| month_text(m)).collect::<Vec<_>>(), ["2025-11", "2025-12"]);
    }
}
