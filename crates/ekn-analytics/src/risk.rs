//! The local risk model: will the next inspection go wrong (be declared illegal, lead to a
//! satisfied appeal, find violations)? Features are built from what is known *before* an
//! inspection — never from its own outcome — by replaying the registry in date order: the control
//! body, the kind of measure, the industry (OKED section), the district and region, how often the
//! same body visited the same object before, the object's appeals and their outcomes, its earlier
//! violations and cancelled inspections, and the body's own record so far. A logistic regression
//! (`logistic`) is trained on the older 80% of inspections and judged on the most recent 20%
//! (AUC, Brier score, calibration, and the same by region and by control body as a bias check),
//! then refitted on everything. Every prediction decomposes exactly into per-feature contributions
//! to the log-odds against the average inspection, which `api::risk` puts into words.

use std::collections::HashMap;

// Fx hashing: these maps are keyed by small integer codes and looked up millions of times per
// replay; SipHash's protection against crafted keys buys nothing here.
use rustc_hash::FxHashMap;

use serde::{Deserialize, Serialize};

use super::logistic::{self, auc, brier, sigmoid, Design};
use ekn_domain::facts::{district_text, region_text, AppealOutcome, Day, InspectionFact, Registry};
use ekn_domain::records::InspectionKind;

/// What the model predicts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// The inspection is declared illegal (the default).
    DeclaredIllegal,
    /// A satisfied appeal about the object arrives within the horizon after the inspection starts.
    AppealSatisfied,
    /// The inspection finds at least one violation.
    ViolationsFound,
}

impl Target {
    pub const ALL: [Target; 3] = [Target::DeclaredIllegal, Target::AppealSatisfied, Target::ViolationsFound];

    pub fn code(self) -> &'static str {
        match self {
            Target::DeclaredIllegal => "declared_illegal",
            Target::AppealSatisfied => "appeal_satisfied",
            Target::ViolationsFound => "violations_found",
        }
    }

    pub fn from_code(code: &str) -> Option<Target> {
        Self::ALL.into_iter().find(|t| t.code() == code)
    }
}

/// Training parameters, recorded with every model version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct RiskParams {
    /// Inverse regularisation strength, as scikit-learn's `C`: the one used when `c_grid` is
    /// empty, and in a trained model's parameters the one chosen.
    pub c: f64,
    /// The values of C tried on the most recent fifth of the training side (by AUC, ties to the
    /// smaller); one value is used as it is (the demo's); empty for models trained before the
    /// choice (C fixed at `c`).
    #[serde(default)]
    pub c_grid: Vec<f64>,
    /// A category level seen fewer times in training shares the feature's "other" column.
    pub min_level_count: u32,
    /// Pseudo-count pulling a body's record towards the overall rate (a body with three
    /// inspections has no record to speak of yet).
    pub record_smoothing: f64,
    /// What counts as a recent visit, in days.
    pub recent_days: i32,
    /// For `appeal_satisfied`: how long after the inspection an appeal counts, in days.
    pub horizon_days: i32,
    /// The share of the most recent inspections held out for evaluation.
    pub holdout_share: f64,
}

impl Default for RiskParams {
    fn default() -> Self {
        RiskParams {
            c: 1.0,
            c_grid: vec![0.03, 0.1, 0.3, 1.0],
            min_level_count: 5,
            record_smoothing: 20.0,
            recent_days: 365,
            horizon_days: 90,
            holdout_share: 0.2,
        }
    }
}

/// The numeric features, in column order (after the intercept). Features are only ever appended: a
/// stored model uses the first as many as it has (models before the second set have nine).
pub const NUMERIC: [&str; 13] = [
    "prior_visits_same_body",
    "visits_same_body_recent",
    "prior_inspections_object",
    "object_appeals",
    "object_satisfied_appeals",
    "object_violation_share",
    "object_prior_illegal",
    "body_illegal_rate",
    "body_violation_rate",
    // Since issue 23: how long ago the last visits were, and the district's own record.
    "days_since_same_body",
    "days_since_object_inspected",
    "district_illegal_rate",
    "district_violation_rate",
];

/// The categorical features, one-hot after the numeric ones (appended only, as `NUMERIC`). The
/// last is an interaction: a body's own kind of measure (a body whose unplanned inspections go
/// wrong more than its planned ones, unlike the others).
pub const CATEGORICAL: [&str; 6] = ["control_body", "kind", "oked_section", "district", "region", "body_kind"];

/// "Never visited before" counts as this many days ago: about ten years, past any registry's memory.
const NEVER_DAYS: f64 = 3650.0;

const N_NUM: usize = NUMERIC.len();
const N_CAT: usize = CATEGORICAL.len();
/// Raw code of a missing category value.
const MISSING: u32 = u32::MAX;

/// A planned or past visit as the model sees it before its outcome.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Visit {
    pub subject: u32,
    pub body: u32,
    pub kind: InspectionKind,
    pub day: Day,
    pub district: Option<u16>,
    pub region: Option<u8>,
    pub oked_section: Option<u8>,
}

impl Visit {
    pub fn of(fact: &InspectionFact) -> Visit {
        Visit {
            subject: fact.subject,
            body: fact.body,
            kind: fact.kind,
            day: fact.day,
            district: fact.district,
            region: fact.region,
            oked_section: fact.oked_section,
        }
    }

    fn raw_categories(&self) -> [u32; N_CAT] {
        [
            self.body,
            kind_index(self.kind),
            self.oked_section.map_or(MISSING, u32::from),
            self.district.map_or(MISSING, u32::from),
            self.region.map_or(MISSING, u32::from),
            body_kind_code(self.body, self.kind),
        ]
    }
}

fn kind_index(kind: InspectionKind) -> u32 {
    InspectionKind::ALL.iter().position(|k| *k == kind).unwrap_or(0) as u32
}

/// The raw code of a body and kind together: the body's code times the kinds, plus the kind's.
fn body_kind_code(body: u32, kind: InspectionKind) -> u32 {
    body.saturating_mul(InspectionKind::ALL.len() as u32).saturating_add(kind_index(kind))
}

/// How a pair level reads: `Body name · unplanned`.
const PAIR_SEPARATOR: &str = " · ";

/// The raw numbers of one visit, before standardisation, with the categories' raw codes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RawFeatures {
    pub numbers: [f64; N_NUM],
    pub categories: [u32; N_CAT],
}

#[derive(Debug, Clone, Copy, Default)]
struct Record {
    inspections: u32,
    with_violations: u32,
    outcome_known: u32,
    illegal: u32,
}

/// The registry replayed up to a day: what is known about objects and bodies before a visit.
pub struct History {
    params: RiskParams,
    visits: FxHashMap<(u32, u32), Vec<Day>>,
    /// Per object: the days it was inspected by anyone, in order.
    inspected: Vec<Vec<Day>>,
    subjects: Vec<Record>,
    bodies: Vec<Record>,
    districts: FxHashMap<u16, Record>,
    overall: Record,
    /// Per object: days appeals about it were received, and days satisfied ones were decided.
    appeals: Vec<Vec<Day>>,
    satisfied: Vec<Vec<Day>>,
}

/// Visits laid on top of a replayed history without copying it: a plan's earlier rows, which
/// its later rows see (`History::features_with`). Outcomes of planned visits are not known.
#[derive(Debug, Default)]
pub struct Added {
    visits: FxHashMap<(u32, u32), Vec<Day>>,
    inspected: FxHashMap<u32, Vec<Day>>,
    subjects: FxHashMap<u32, u32>,
    bodies: FxHashMap<u32, u32>,
    districts: FxHashMap<u16, u32>,
    overall: u32,
}

/// Inserts `day` into a sorted list, after any equal days.
fn insert_sorted(days: &mut Vec<Day>, day: Day) {
    let at = days.partition_point(|&d| d <= day);
    days.insert(at, day);
}

impl Added {
    pub fn record_visit(&mut self, visit: &Visit) {
        insert_sorted(self.visits.entry((visit.subject, visit.body)).or_default(), visit.day);
        insert_sorted(self.inspected.entry(visit.subject).or_default(), visit.day);
        *self.subjects.entry(visit.subject).or_default() += 1;
        *self.bodies.entry(visit.body).or_default() += 1;
        if let Some(district) = visit.district {
            *self.districts.entry(district).or_default() += 1;
        }
        self.overall += 1;
    }
}

/// The last of sorted `days` before `day`.
fn last_before(days: &[Day], day: Day) -> Option<Day> {
    days[..count_before(days, day)].last().copied()
}

fn grow<T: Default + Clone>(v: &mut Vec<T>, index: usize) -> &mut T {
    if v.len() <= index {
        v.resize(index + 1, T::default());
    }
    &mut v[index]
}

fn count_before(days: &[Day], day: Day) -> usize {
    days.partition_point(|&d| d < day)
}

impl History {
    pub fn new(registry: &Registry, params: &RiskParams) -> History {
        let n = registry.subjects.len();
        let mut appeals = vec![Vec::new(); n];
        let mut satisfied = vec![Vec::new(); n];
        for a in &registry.appeals {
            let Some(s) = a.subject else { continue };
            appeals[s as usize].push(a.received);
            if a.outcome == Some(AppealOutcome::Satisfied) {
                satisfied[s as usize].push(a.decided.unwrap_or(a.received));
            }
        }
        for list in appeals.iter_mut().chain(satisfied.iter_mut()) {
            list.sort_unstable();
        }
        History {
            params: params.clone(),
            visits: FxHashMap::default(),
            inspected: vec![Vec::new(); n],
            subjects: vec![Record::default(); n],
            bodies: vec![Record::default(); registry.bodies.len()],
            districts: FxHashMap::default(),
            overall: Record::default(),
            appeals,
            satisfied,
        }
    }

    fn share(k: u32, n: u32, prior: f64, weight: f64) -> f64 {
        (f64::from(k) + weight * prior) / (f64::from(n) + weight)
    }

    /// What is known before `visit`, as raw numbers and category codes.
    pub fn features(&self, visit: &Visit) -> RawFeatures {
        self.features_with(visit, &Added::default())
    }

    /// What is known before `visit` when the visits in `added` (a plan's earlier rows) happened
    /// on top of this history.
    pub fn features_with(&self, visit: &Visit, added: &Added) -> RawFeatures {
        let pair = (visit.subject, visit.body);
        let visits_before = |day: Day| {
            let known = self.visits.get(&pair).map_or(0, |days| count_before(days, day));
            known + added.visits.get(&pair).map_or(0, |days| count_before(days, day))
        };
        let before = visits_before(visit.day);
        let recent = before - visits_before(visit.day - self.params.recent_days);
        let mut subject = self.subjects.get(visit.subject as usize).copied().unwrap_or_default();
        subject.inspections += added.subjects.get(&visit.subject).copied().unwrap_or(0);
        let mut body = self.bodies.get(visit.body as usize).copied().unwrap_or_default();
        body.inspections += added.bodies.get(&visit.body).copied().unwrap_or(0);
        let overall = Record { inspections: self.overall.inspections + added.overall, ..self.overall };
        let overall_violations = Self::share(overall.with_violations, overall.inspections, 0.5, 1.0);
        let overall_illegal = Self::share(overall.illegal, overall.outcome_known, 0.05, 1.0);
        let m = self.params.record_smoothing;
        let object_list = |lists: &Vec<Vec<Day>>| {
            lists.get(visit.subject as usize).map_or(0, |days| count_before(days, visit.day)) as f64
        };
        let mut district = visit.district.and_then(|d| self.districts.get(&d)).copied().unwrap_or_default();
        district.inspections += visit.district.and_then(|d| added.districts.get(&d)).copied().unwrap_or(0);
        // Days since the last of the known and the added visits (never: `NEVER_DAYS`).
        let days_since = |known: Option<&Vec<Day>>, more: Option<&Vec<Day>>| {
            let last = [known, more].into_iter().flatten().filter_map(|days| last_before(days, visit.day)).max();
            last.map_or(NEVER_DAYS, |d| f64::from(visit.day - d).min(NEVER_DAYS)).ln_1p()
        };
        RawFeatures {
            numbers: [
                (before as f64).ln_1p(),
                (recent as f64).ln_1p(),
                f64::from(subject.inspections).ln_1p(),
                object_list(&self.appeals).ln_1p(),
                object_list(&self.satisfied).ln_1p(),
                Self::share(subject.with_violations, subject.inspections, overall_violations, 1.0),
                f64::from(subject.illegal).ln_1p(),
                Self::share(body.illegal, body.outcome_known, overall_illegal, m),
                Self::share(body.with_violations, body.inspections, overall_violations, m),
                days_since(self.visits.get(&pair), added.visits.get(&pair)),
                days_since(self.inspected.get(visit.subject as usize), added.inspected.get(&visit.subject)),
                Self::share(district.illegal, district.outcome_known, overall_illegal, m),
                Self::share(district.with_violations, district.inspections, overall_violations, m),
            ],
            categories: visit.raw_categories(),
        }
    }

    /// A visit happened (a plan's earlier row counts as one): later visits see it.
    pub fn record_visit(&mut self, visit: &Visit) {
        // Kept sorted: facts arrive in date order; a plan's rows may not.
        insert_sorted(self.visits.entry((visit.subject, visit.body)).or_default(), visit.day);
        insert_sorted(grow(&mut self.inspected, visit.subject as usize), visit.day);
        grow(&mut self.subjects, visit.subject as usize).inspections += 1;
        grow(&mut self.bodies, visit.body as usize).inspections += 1;
        if let Some(district) = visit.district {
            self.districts.entry(district).or_default().inspections += 1;
        }
        self.overall.inspections += 1;
    }

    /// A past inspection's outcome, known to later visits.
    pub fn record_outcome(&mut self, fact: &InspectionFact) {
        let found = fact.violations > 0;
        let mut no_district = Record::default();
        let district = match fact.district {
            Some(d) => self.districts.entry(d).or_default(),
            None => &mut no_district,
        };
        for record in [
            grow(&mut self.subjects, fact.subject as usize),
            grow(&mut self.bodies, fact.body as usize),
            district,
            &mut self.overall,
        ] {
            record.with_violations += u32::from(found);
            if let Some(illegal) = fact.declared_illegal {
                record.outcome_known += 1;
                record.illegal += u32::from(illegal);
            }
        }
    }

    /// Replays every inspection of `registry`, calling `each` with an inspection and what was known
    /// before its day (inspections of the same day do not see each other).
    pub fn replay(&mut self, registry: &Registry, mut each: impl FnMut(usize, &InspectionFact, RawFeatures)) {
        let facts = &registry.inspections;
        let mut start = 0;
        while start < facts.len() {
            let mut end = start;
            while end < facts.len() && facts[end].day == facts[start].day {
                end += 1;
            }
            for (i, fact) in facts.iter().enumerate().take(end).skip(start) {
                each(i, fact, self.features(&Visit::of(fact)));
            }
            for fact in &facts[start..end] {
                self.record_visit(&Visit::of(fact));
                self.record_outcome(fact);
            }
            start = end;
        }
    }
}

/// The label of one past inspection for `target`, or None when it is not known (yet).
pub fn label(
    target: Target,
    fact: &InspectionFact,
    satisfied_received: &[Vec<Day>],
    horizon: i32,
    last_day: Day,
) -> Option<bool> {
    match target {
        Target::DeclaredIllegal => fact.declared_illegal,
        Target::ViolationsFound => Some(fact.violations > 0),
        Target::AppealSatisfied => {
            if fact.day + horizon > last_day {
                return None;
            }
            let days = satisfied_received.get(fact.subject as usize)?;
            let from = count_before(days, fact.day);
            Some(days.get(from).is_some_and(|&d| d <= fact.day + horizon))
        }
    }
}

/// The days satisfied appeals about each object were received (for `appeal_satisfied` labels).
pub fn satisfied_received(registry: &Registry) -> Vec<Vec<Day>> {
    let mut out = vec![Vec::new(); registry.subjects.len()];
    for a in &registry.appeals {
        if let (Some(s), Some(AppealOutcome::Satisfied)) = (a.subject, a.outcome) {
            out[s as usize].push(a.received);
        }
    }
    for days in &mut out {
        days.sort_unstable();
    }
    out
}

/// One numeric feature's standardisation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NumericSpec {
    pub name: String,
    pub mean: f64,
    pub std: f64,
}

impl NumericSpec {
    /// The value in standard deviations from the training mean, bounded at ±5: a feature that
    /// barely varied in training (or a value far outside it) must not swing a prediction alone.
    pub fn standardise(&self, x: f64) -> f32 {
        if self.std < 1e-6 {
            return 0.0;
        }
        ((x - self.mean) / self.std).clamp(-5.0, 5.0) as f32
    }
}

/// One categorical feature's levels: `levels[k]` has column `first_column + 1 + k`; the "other"
/// column (`first_column`) takes rare and unseen levels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoricalSpec {
    pub name: String,
    pub first_column: u32,
    /// Level names as people read them: a body's name, `unplanned`, `G`, `1920`, `19`.
    pub levels: Vec<String>,
    /// The training-weighted mean weight of the feature: contributions are told against it.
    pub reference: f64,
}

/// A trained model: everything needed to score and explain, stored as JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RiskModel {
    pub target: Target,
    pub params: RiskParams,
    pub numeric: Vec<NumericSpec>,
    pub categorical: Vec<CategoricalSpec>,
    pub weights: Vec<f64>,
    /// The log-odds of the average training inspection (the base contributions are told from).
    pub base_logit: f64,
}

/// The names category codes stand for, for a registry (and a plan's extra bodies).
pub fn level_name(feature: usize, raw: u32, bodies: &[String]) -> Option<String> {
    if raw == MISSING {
        return None;
    }
    match feature {
        0 => bodies.get(raw as usize).cloned(),
        1 => InspectionKind::ALL.get(raw as usize).map(|k| k.code().to_string()),
        2 => u8::try_from(raw).ok().map(|b| (b as char).to_string()),
        3 => u16::try_from(raw).ok().map(district_text),
        4 => u8::try_from(raw).ok().map(region_text),
        _ => {
            let kinds = InspectionKind::ALL.len() as u32;
            let body = bodies.get((raw / kinds) as usize)?;
            let kind = InspectionKind::ALL.get((raw % kinds) as usize)?;
            Some(format!("{body}{PAIR_SEPARATOR}{}", kind.code()))
        }
    }
}

/// A category's raw code from its level name (the inverse of `level_name`).
fn raw_of(feature: usize, name: &str, bodies: &HashMap<&str, u32>) -> Option<u32> {
    match feature {
        0 => bodies.get(name).copied(),
        1 => InspectionKind::from_code(name).map(kind_index),
        2 => name.bytes().next().map(u32::from),
        3 | 4 => name.parse::<u32>().ok(),
        _ => {
            let (body, kind) = name.rsplit_once(PAIR_SEPARATOR)?;
            Some(body_kind_code(*bodies.get(body)?, InspectionKind::from_code(kind)?))
        }
    }
}

/// A model bound to a list of body names: raw codes → columns.
pub struct Bound<'m> {
    model: &'m RiskModel,
    columns: Vec<FxHashMap<u32, u32>>,
}

impl RiskModel {
    /// Binds the model's levels to the codes of `bodies` (a registry's, plus a plan's new ones).
    pub fn bind<'m>(&'m self, bodies: &[String]) -> Bound<'m> {
        let names: HashMap<&str, u32> = bodies.iter().enumerate().map(|(i, n)| (n.as_str(), i as u32)).collect();
        let columns = self
            .categorical
            .iter()
            .enumerate()
            .map(|(f, spec)| {
                spec.levels
                    .iter()
                    .enumerate()
                    .filter_map(|(k, level)| {
                        raw_of(f, level, &names).map(|raw| (raw, spec.first_column + 1 + k as u32))
                    })
                    .collect()
            })
            .collect();
        Bound { model: self, columns }
    }

    pub fn dimension(&self) -> usize {
        self.weights.len()
    }
}

/// One feature's share of a prediction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Contribution {
    /// The feature (`control_body`, `prior_visits_same_body`…).
    pub feature: String,
    /// Its value for this visit, as people read it (a body's name, a count, a share).
    pub value: String,
    /// Added log-odds against the average inspection (positive raises the risk).
    pub effect: f64,
}

impl Bound<'_> {
    fn row(&self, raw: &RawFeatures) -> Vec<(u32, f32)> {
        let m = self.model;
        let mut row = Vec::with_capacity(N_NUM + N_CAT);
        for (j, spec) in m.numeric.iter().enumerate() {
            row.push((1 + j as u32, spec.standardise(raw.numbers[j])));
        }
        for (f, spec) in m.categorical.iter().enumerate() {
            let column = self.columns[f].get(&raw.categories[f]).copied().unwrap_or(spec.first_column);
            row.push((column, 1.0));
        }
        row
    }

    /// The predicted probability.
    pub fn probability(&self, raw: &RawFeatures) -> f64 {
        let w = &self.model.weights;
        sigmoid(w[0] + self.row(raw).iter().map(|&(c, v)| w[c as usize] * f64::from(v)).sum::<f64>())
    }

    /// Every feature's contribution to the log-odds, largest first; they add up with the base to
    /// the prediction's log-odds.
    pub fn contributions(&self, raw: &RawFeatures, bodies: &[String]) -> Vec<Contribution> {
        let m = self.model;
        let w = &m.weights;
        let row = self.row(raw);
        let mut out = Vec::with_capacity(row.len());
        for (j, spec) in m.numeric.iter().enumerate() {
            let (column, z) = row[j];
            let value = match j {
                0..=4 | 6 => format!("{:.0}", raw.numbers[j].exp_m1()),
                9 | 10 if raw.numbers[j].exp_m1() >= NEVER_DAYS => "—".to_string(),
                9 | 10 => format!("{:.0}", raw.numbers[j].exp_m1()),
                _ => format!("{:.0}%", raw.numbers[j] * 100.0),
            };
            out.push(Contribution { feature: spec.name.clone(), value, effect: w[column as usize] * f64::from(z) });
        }
        for (f, spec) in m.categorical.iter().enumerate() {
            // A model stored before the later features has fewer numeric columns than `N_NUM`.
            let (column, _) = row[m.numeric.len() + f];
            let value = level_name(f, raw.categories[f], bodies).unwrap_or_else(|| "—".into());
            out.push(Contribution { feature: spec.name.clone(), value, effect: w[column as usize] - spec.reference });
        }
        out.sort_by(|a, b| b.effect.abs().total_cmp(&a.effect.abs()));
        out
    }
}

/// Held-out figures of one group (a region, a control body): the bias check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct GroupError {
    pub group: String,
    pub inspections: usize,
    pub observed_rate: f64,
    pub mean_predicted: f64,
    pub auc: Option<f64>,
}

/// One bin of the reliability diagram.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct CalibrationBin {
    pub from: f64,
    pub to: f64,
    pub inspections: usize,
    pub mean_predicted: f64,
    pub observed_rate: f64,
}

/// How the model did on the most recent inspections it was not trained on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct RiskMetrics {
    pub target: Target,
    pub train_inspections: usize,
    pub test_inspections: usize,
    pub train_period: (String, String),
    pub test_period: (String, String),
    pub base_rate_train: f64,
    pub base_rate_test: f64,
    pub auc: Option<f64>,
    pub brier: f64,
    /// Expected calibration error over the bins (weighted mean |predicted − observed|).
    pub calibration_error: f64,
    pub calibration: Vec<CalibrationBin>,
    /// The best any constant prediction does (the test set's own base rate): the Brier score to beat.
    pub brier_of_base_rate: f64,
    pub by_region: Vec<GroupError>,
    pub by_control_body: Vec<GroupError>,
    pub iterations: usize,
    pub converged: bool,
    /// The AUC of each C tried on the most recent fifth of the training side (none before the
    /// choice), and the C kept.
    #[serde(default)]
    pub c_tried: Vec<(f64, Option<f64>)>,
    #[serde(default)]
    pub c: Option<f64>,
}

/// What training produced.
pub struct Trained {
    pub model: RiskModel,
    pub metrics: RiskMetrics,
    pub examples: usize,
}

/// Why training could not happen.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TrainError {
    #[error("{0} inspection(s) with a known outcome: too few to train and test a model (at least 200)")]
    TooFew(usize),
    #[error("every known outcome is the same ({0}): there is nothing to learn")]
    OneClass(bool),
}

/// Labelled examples: the features known before each inspection and its outcome.
pub struct Examples {
    pub raw: Vec<RawFeatures>,
    pub labels: Vec<bool>,
    pub days: Vec<Day>,
    /// Index of each example's inspection in the registry.
    pub facts: Vec<usize>,
}

pub fn examples(registry: &Registry, target: Target, params: &RiskParams) -> Examples {
    let satisfied = satisfied_received(registry);
    let last_day = registry.last_day().unwrap_or(0);
    let mut out = Examples { raw: Vec::new(), labels: Vec::new(), days: Vec::new(), facts: Vec::new() };
    let mut history = History::new(registry, params);
    history.replay(registry, |i, fact, raw| {
        if let Some(y) = label(target, fact, &satisfied, params.horizon_days, last_day) {
            out.raw.push(raw);
            out.labels.push(y);
            out.days.push(fact.day);
            out.facts.push(i);
        }
    });
    out
}

/// Where the held-out part begins: the most recent `holdout_share` of the examples, never testing
/// on the past of what was trained on (inspections of the cut's day all go to the test side).
pub fn time_split(ex: &Examples, holdout_share: f64) -> usize {
    split_days(&ex.days, holdout_share)
}

/// `time_split` over the examples' days alone (in date order), so a part of them can be split
/// without copying it.
fn split_days(days: &[Day], holdout_share: f64) -> usize {
    let n = days.len();
    let mut cut = ((n as f64) * (1.0 - holdout_share)).round() as usize;
    while cut > 0 && cut < n && days[cut - 1] == days[cut] {
        cut -= 1;
    }
    cut.clamp(1, n.saturating_sub(1).max(1))
}

/// The columns of the training table another tool can refit (`api`'s `export_risk_examples`): the
/// side of the time split, the label, the raw numbers, and the categories as `*_code` columns —
/// codes, which another tool must one-hot, not scale.
pub fn example_columns() -> Vec<String> {
    let categories = CATEGORICAL.iter().map(|c| format!("{c}_code"));
    ["split", "label"].into_iter().map(String::from).chain(NUMERIC.map(String::from)).chain(categories).collect()
}

/// One example as that table's row (`cut` from `time_split`).
pub fn example_row(ex: &Examples, r: usize, cut: usize) -> Vec<String> {
    let raw = &ex.raw[r];
    let mut record: Vec<String> =
        vec![if r < cut { "train" } else { "test" }.to_string(), u8::from(ex.labels[r]).to_string()];
    record.extend(raw.numbers.iter().map(|x| x.to_string()));
    record.extend(raw.categories.iter().map(|&c| if c == MISSING { String::new() } else { c.to_string() }));
    record
}

/// Fits a model on `rows` of the examples (vocabulary, standardisation and weights from them only).
fn fit_on(
    ex: &Examples,
    rows: &[usize],
    target: Target,
    params: &RiskParams,
    bodies: &[String],
) -> (RiskModel, usize, bool) {
    // Standardisation.
    let n = rows.len().max(1) as f64;
    let numeric: Vec<NumericSpec> = (0..N_NUM)
        .map(|j| {
            let mean = rows.iter().map(|&r| ex.raw[r].numbers[j]).sum::<f64>() / n;
            let var = rows.iter().map(|&r| (ex.raw[r].numbers[j] - mean).powi(2)).sum::<f64>() / n;
            NumericSpec { name: NUMERIC[j].to_string(), mean, std: var.sqrt() }
        })
        .collect();
    // Vocabulary: levels seen often enough, most frequent first, at most 2,000 per feature.
    let mut next_column = 1 + N_NUM as u32;
    let mut categorical = Vec::with_capacity(N_CAT);
    let mut maps: Vec<HashMap<u32, u32>> = Vec::with_capacity(N_CAT);
    for (f, name) in CATEGORICAL.iter().enumerate() {
        let mut counts: HashMap<u32, u32> = HashMap::new();
        for &r in rows {
            *counts.entry(ex.raw[r].categories[f]).or_default() += 1;
        }
        let mut kept: Vec<(u32, u32)> = counts
            .into_iter()
            .filter(|&(raw, c)| raw != MISSING && c >= params.min_level_count && level_name(f, raw, bodies).is_some())
            .collect();
        kept.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        kept.truncate(2_000);
        let first_column = next_column;
        let map: HashMap<u32, u32> =
            kept.iter().enumerate().map(|(k, &(raw, _))| (raw, first_column + 1 + k as u32)).collect();
        let levels = kept.iter().map(|&(raw, _)| level_name(f, raw, bodies).unwrap_or_default()).collect();
        next_column = first_column + 1 + kept.len() as u32;
        categorical.push(CategoricalSpec { name: name.to_string(), first_column, levels, reference: 0.0 });
        maps.push(map);
    }
    let dimension = next_column as usize;
    let mut model = RiskModel {
        target,
        params: params.clone(),
        numeric,
        categorical,
        weights: vec![0.0; dimension],
        base_logit: 0.0,
    };
    let mut design = Design::new(N_NUM + N_CAT);
    let mut labels = Vec::with_capacity(rows.len());
    let mut row = Vec::with_capacity(N_NUM + N_CAT);
    for &r in rows {
        let raw = &ex.raw[r];
        row.clear();
        for (j, spec) in model.numeric.iter().enumerate() {
            row.push((1 + j as u32, spec.standardise(raw.numbers[j])));
        }
        for (f, spec) in model.categorical.iter().enumerate() {
            row.push((maps[f].get(&raw.categories[f]).copied().unwrap_or(spec.first_column), 1.0));
        }
        design.push(&row);
        labels.push(ex.labels[r]);
    }
    let fit = logistic::fit(&design, &labels, dimension, params.c);
    model.weights = fit.weights;
    // References: the mean weight each categorical feature contributes over the training rows, and
    // the log-odds of the average inspection.
    let mut sums = [0.0f64; N_CAT];
    for i in 0..design.rows() {
        for (f, sum) in sums.iter_mut().enumerate() {
            *sum += model.weights[design.columns[i * design.width + N_NUM + f] as usize];
        }
    }
    for (spec, sum) in model.categorical.iter_mut().zip(sums) {
        spec.reference = sum / n;
    }
    model.base_logit = model.weights[0] + model.categorical.iter().map(|c| c.reference).sum::<f64>();
    (model, fit.iterations, fit.converged)
}

pub fn group_errors(keys: &[Option<String>], predicted: &[f64], labels: &[bool], min: usize) -> Vec<GroupError> {
    let mut groups: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, key) in keys.iter().enumerate() {
        groups.entry(key.as_deref().unwrap_or("—")).or_default().push(i);
    }
    let mut out: Vec<GroupError> = groups
        .into_iter()
        .filter(|(_, rows)| rows.len() >= min)
        .map(|(group, rows)| {
            let p: Vec<f64> = rows.iter().map(|&i| predicted[i]).collect();
            let y: Vec<bool> = rows.iter().map(|&i| labels[i]).collect();
            let n = rows.len() as f64;
            GroupError {
                group: group.to_string(),
                inspections: rows.len(),
                observed_rate: y.iter().filter(|&&v| v).count() as f64 / n,
                mean_predicted: p.iter().sum::<f64>() / n,
                auc: auc(&p, &y),
            }
        })
        .collect();
    out.sort_by(|a, b| b.inspections.cmp(&a.inspections).then(a.group.cmp(&b.group)));
    out
}

/// The ten-bin reliability table of probabilities against outcomes, and its expected calibration
/// error (the weighted mean |predicted − observed|). Also the classifier's, on its confidence
/// against being right.
pub(crate) fn calibration(predicted: &[f64], labels: &[bool]) -> (Vec<CalibrationBin>, f64) {
    const BINS: usize = 10;
    let mut bins = vec![(0usize, 0.0f64, 0usize); BINS];
    for (&p, &y) in predicted.iter().zip(labels) {
        let b = ((p * BINS as f64) as usize).min(BINS - 1);
        bins[b].0 += 1;
        bins[b].1 += p;
        bins[b].2 += usize::from(y);
    }
    let total = predicted.len().max(1) as f64;
    let mut error = 0.0;
    let out = bins
        .iter()
        .enumerate()
        .filter(|(_, b)| b.0 > 0)
        .map(|(k, &(n, sum, pos))| {
            let (mean, observed) = (sum / n as f64, pos as f64 / n as f64);
            error += n as f64 / total * (mean - observed).abs();
            CalibrationBin {
                from: k as f64 / BINS as f64,
                to: (k + 1) as f64 / BINS as f64,
                inspections: n,
                mean_predicted: mean,
                observed_rate: observed,
            }
        })
        .collect();
    (out, error)
}

/// Chooses C as an analyst would, never looking at the test side: each value of `c_grid` is fitted
/// on the older four fifths of the training side (rows `..cut`) and judged by AUC on its most
/// recent fifth. A small registry wants a stronger pull towards zero than a large one; a fixed C
/// over-fitted the demo's 9,600 inspections once the features grew. Returns the parameters with
/// the C chosen, and the AUC of each.
fn choose_c(
    ex: &Examples,
    cut: usize,
    target: Target,
    params: &RiskParams,
    bodies: &[String],
    progress: &dyn Fn(crate::Step),
) -> (RiskParams, Vec<(f64, Option<f64>)>) {
    let mut chosen = params.clone();
    if params.c_grid.len() < 2 {
        // Nothing to choose: the one value given (or C itself).
        chosen.c = params.c_grid.first().copied().unwrap_or(params.c);
        return (chosen, Vec::new());
    }
    let inner_cut = split_days(&ex.days[..cut], params.holdout_share);
    let fit_rows: Vec<usize> = (0..inner_cut).collect();
    let valid_rows: Vec<usize> = (inner_cut..cut).collect();
    let valid_labels: Vec<bool> = valid_rows.iter().map(|&r| ex.labels[r]).collect();
    let mut tried = Vec::with_capacity(params.c_grid.len());
    for &c in &params.c_grid {
        progress(super::Step::at("choosing_c", c));
        let (model, _, _) = fit_on(ex, &fit_rows, target, &RiskParams { c, ..params.clone() }, bodies);
        let bound = model.bind(bodies);
        let predicted: Vec<f64> = valid_rows.iter().map(|&r| bound.probability(&ex.raw[r])).collect();
        tried.push((c, auc(&predicted, &valid_labels)));
    }
    let best =
        tried.iter().filter_map(|&(c, a)| a.map(|a| (c, a))).fold(
            None,
            |best: Option<(f64, f64)>, (c, a)| match best {
                Some((_, b)) if a <= b + 1e-9 => best,
                _ => Some((c, a)),
            },
        );
    chosen.c = best.map_or(params.c, |(c, _)| c);
    (chosen, tried)
}

/// Trains on the older part, tests on the most recent, then refits on everything.
pub fn train(
    registry: &Registry,
    target: Target,
    params: &RiskParams,
    progress: &dyn Fn(crate::Step),
) -> Result<Trained, TrainError> {
    progress(super::Step::new("features"));
    train_on(registry, &examples(registry, target, params), target, params, progress)
}

/// `train` on examples already made from `registry` (a caller that also writes them out replays
/// the registry once).
pub fn train_on(
    registry: &Registry,
    ex: &Examples,
    target: Target,
    params: &RiskParams,
    progress: &dyn Fn(crate::Step),
) -> Result<Trained, TrainError> {
    let n = ex.labels.len();
    if n < 200 {
        return Err(TrainError::TooFew(n));
    }
    let positives = ex.labels.iter().filter(|&&y| y).count();
    if positives == 0 || positives == n {
        return Err(TrainError::OneClass(positives == n));
    }
    let cut = time_split(ex, params.holdout_share);
    let train_rows: Vec<usize> = (0..cut).collect();
    let test_rows: Vec<usize> = (cut..n).collect();
    let (params, c_tried) = &choose_c(ex, cut, target, params, &registry.bodies, progress);
    progress(super::Step::new("held_out_evaluation"));
    let (held_out, iterations, converged) = fit_on(ex, &train_rows, target, params, &registry.bodies);
    let bound = held_out.bind(&registry.bodies);
    let predicted: Vec<f64> = test_rows.iter().map(|&r| bound.probability(&ex.raw[r])).collect();
    let labels: Vec<bool> = test_rows.iter().map(|&r| ex.labels[r]).collect();
    let rate = |rows: &[usize]| rows.iter().filter(|&&r| ex.labels[r]).count() as f64 / rows.len().max(1) as f64;
    let base_rate_test = rate(&test_rows);
    let brier = brier(&predicted, &labels);
    let (calibration, calibration_error) = calibration(&predicted, &labels);
    let facts = &registry.inspections;
    let regions: Vec<Option<String>> = test_rows.iter().map(|&r| facts[ex.facts[r]].region.map(region_text)).collect();
    let bodies: Vec<Option<String>> =
        test_rows.iter().map(|&r| registry.bodies.get(facts[ex.facts[r]].body as usize).cloned()).collect();
    let date = |d: Day| ekn_domain::facts::date_of(d).to_string();
    let metrics = RiskMetrics {
        target,
        train_inspections: train_rows.len(),
        test_inspections: test_rows.len(),
        train_period: (date(ex.days[0]), date(ex.days[cut - 1])),
        test_period: (date(ex.days[cut]), date(ex.days[n - 1])),
        base_rate_train: rate(&train_rows),
        base_rate_test,
        auc: auc(&predicted, &labels),
        brier,
        calibration_error,
        calibration,
        brier_of_base_rate: base_rate_test * (1.0 - base_rate_test),
        by_region: group_errors(&regions, &predicted, &labels, 30),
        by_control_body: group_errors(&bodies, &predicted, &labels, 30),
        iterations,
        converged,
        c_tried: c_tried.clone(),
        c: Some(params.c),
    };
    progress(super::Step::new("final_fit"));
    let all: Vec<usize> = (0..n).collect();
    let (model, _, _) = fit_on(ex, &all, target, params, &registry.bodies);
    Ok(Trained { model, metrics, examples: n })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ekn_domain::facts::SubjectFact;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// A registry whose illegal inspections follow a known process: one body is much worse than
    /// the rest, and repeat visits to the same object raise the risk.
    fn registry(seed: u64) -> Registry {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut r = Registry {
            bodies: (0..6).map(|i| format!("body {i}")).collect(),
            sanction_sets: vec![String::new()],
            ..Registry::default()
        };
        r.subjects = (0..800)
            .map(|i| SubjectFact { bin: format!("{i:012}"), name: None, oked: None, oked_section: None })
            .collect();
        let mut visits: HashMap<(u32, u32), u32> = HashMap::new();
        for k in 0..20_000 {
            let subject = rng.random_range(0..800u32);
            let body = rng.random_range(0..6u32);
            let before = visits.entry((subject, body)).or_default();
            let z = -3.0 + if body == 2 { 1.5 } else { 0.0 } + 0.4 * f64::from(*before).min(5.0);
            *before += 1;
            r.inspections.push(InspectionFact {
                id: k,
                registry_no: format!("R{k}").into(),
                subject,
                body,
                kind: InspectionKind::Unplanned,
                day: 730_000 + (k as i32) / 10,
                district: Some(1920),
                region: Some(19),
                kato: None,
                oked_section: Some(b'G'),
                violations: 1,
                sanctions: 0,
                appealed: Some(true),
                declared_illegal: Some(rng.random_bool(sigmoid(z))),
                subject_size: None,
            });
        }
        r
    }

    #[test]
    fn the_model_learns_a_known_process_and_says_why() {
        let reg = registry(1);
        let trained = train(&reg, Target::DeclaredIllegal, &RiskParams::default(), &|_| {}).unwrap();
        let auc = trained.metrics.auc.unwrap();
        assert!(auc > 0.68, "held-out AUC {auc}");
        assert!(trained.metrics.calibration_error < 0.03, "{:?}", trained.metrics.calibration);
        let bound = trained.model.bind(&reg.bodies);
        let mut history = History::new(&reg, &RiskParams::default());
        history.replay(&reg, |_, _, _| {});
        let bad = history.features(&Visit {
            subject: 1,
            body: 2,
            kind: InspectionKind::Unplanned,
            day: 740_000,
            district: Some(1920),
            region: Some(19),
            oked_section: Some(b'G'),
        });
        let contributions = bound.contributions(&bad, &reg.bodies);
        assert_eq!(contributions[0].feature, "control_body", "{contributions:?}");
        assert_eq!(contributions[0].value, "body 2");
        assert!(contributions[0].effect > 0.5);
        // The contributions add up to the prediction's log-odds.
        let p = bound.probability(&bad);
        let total = trained.model.base_logit + contributions.iter().map(|c| c.effect).sum::<f64>();
        assert!((sigmoid(total) - p).abs() < 1e-5, "{} vs {p}", sigmoid(total));
    }

    #[test]
    fn features_never_see_the_inspection_itself_or_its_day() {
        let reg = registry(2);
        let mut seen = Vec::new();
        let mut history = History::new(&reg, &RiskParams::default());
        history.replay(&reg, |i, fact, raw| {
            if i < 12 {
                seen.push((fact.day, raw.numbers[2]));
            }
        });
        // The first day's inspections know no earlier inspection of anything.
        assert!(seen.iter().filter(|(d, _)| *d == seen[0].0).all(|(_, n)| *n == 0.0), "{seen:?}");
        assert!(matches!(
            train(
                &Registry { inspections: reg.inspections[..50].to_vec(), ..reg.clone() },
                Target::DeclaredIllegal,
                &RiskParams::default(),
                &|_| {}
            ),
            Err(TrainError::TooFew(50))
        ));
    }

    #[test]
    fn visits_added_on_top_see_what_recording_them_into_the_history_would() {
        let reg = registry(2);
        let params = RiskParams::default();
        let (mut recorded, mut layered) = (History::new(&reg, &params), History::new(&reg, &params));
        recorded.replay(&reg, |_, _, _| {});
        layered.replay(&reg, |_, _, _| {});
        let last = reg.inspections.last().unwrap();
        let planned: Vec<Visit> = (1..=4)
            .map(|k| Visit {
                day: last.day + 10 * k,
                ..Visit::of(&reg.inspections[reg.inspections.len() - k as usize])
            })
            .collect();
        let mut added = Added::default();
        for visit in &planned {
            assert_eq!(recorded.features(visit), layered.features_with(visit, &added));
            recorded.record_visit(visit);
            added.record_visit(visit);
        }
        // A new object (not in the registry) seen twice: the second visit knows the first.
        let stranger = Visit { subject: reg.subjects.len() as u32 + 7, ..planned[0] };
        added.record_visit(&stranger);
        let again = Visit { day: stranger.day + 1, ..stranger };
        let seen = layered.features_with(&again, &added);
        assert_eq!(seen.numbers[0], 1f64.ln_1p());
        assert_eq!(seen.numbers[9], 1f64.ln_1p(), "the same body's last visit: a day before");
        assert_eq!(seen.numbers[10], 1f64.ln_1p(), "the object's last inspection: a day before");
        assert_eq!(layered.features(&stranger).numbers[9], NEVER_DAYS.ln_1p(), "never visited");
    }
}
