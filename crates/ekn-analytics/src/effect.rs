//! What acts changed, estimated (issue 39, tier 3 — always labelled an estimate): did objects that
//! received an act of response have fewer violations per inspection, and fewer appeals per
//! quarter, afterwards than comparable objects that received none?
//!
//! Three traps decide the design. Acts follow spikes, and spikes fall back anyway (regression to
//! the mean): the naive before/after ratio of acted-on objects credits the act with that fall, so
//! it is printed beside the estimate to show its bias, never instead of it. Acted-on objects
//! differ from the rest: each act is compared with objects of the same stratum (OKED section and
//! region), risk decile (when scored), pre-period level, and — the point — **the same kind of
//! trigger**: a control had a spike of the same size (its own inspection with as many violations;
//! as many appeals in the 90 days before the same date) and got no act. Acts come at different
//! times: each act is its own cohort with its own controls, measured over its own windows, and an
//! object is a control only while no act has reached it — followed until its own act, never after
//! it (so the staggered-timing bias of two-way fixed effects, Goodman-Bacon 2021, where earlier
//! acted-on objects serve as controls of later ones, does not arise).
//!
//! The model is the Poisson regression with an effect per object (the matched units' level) and
//! one for "after", and the effect of interest "after × acted-on", with exposure as offset
//! (inspections, or quarters). With two periods per object its maximum likelihood estimate is
//! the conditional one — after-counts binomial given each object's total — fitted here by
//! Newton's method, with standard errors robust and clustered by object (each object is one
//! unit). The same fit on the two halves of the pre-period is the pre-trend check; 2.8 standard
//! errors give the minimum detectable effect (80 % power, 5 % two-sided). Fewer than
//! `MIN_TREATED` acted-on objects with data after the act: no estimate, and the report says so.
//! Checked against pyfixest's `fepois` on the same rows (docs/EFFECT.md).
//!
//! When every before window is clean on both sides (acts that follow an object's *first*
//! violation), after over before is zero over zero and the fit above cannot speak. The units were
//! matched on exactly that clean level and the same trigger, so their after rates alone are then
//! compared — acted-on over matched controls, the same weights and clustering — and the figure
//! says it rests on matching alone (`design: after_only`; no pre-trend check is possible).

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

/// The version of tier 3, reported with every estimate: since effect-2026.11.28 the headline is
/// the stacked design (`effect_staggered`) and this file's matched design stands beside it; since
/// effect-2026.11.29 the stacked fit lets the quarters after the act move with each member's path to
/// its trigger (`effect_staggered::path_terms`).
pub const EFFECT_METHOD: &str = "effect-2026.11.29";

/// No estimate from fewer acted-on objects with data after their act.
pub const MIN_TREATED: usize = 30;

/// Controls sought per act.
const CONTROLS_PER_ACT: usize = 3;

/// The note of an estimate the counts cannot give.
const NOT_IDENTIFIED: &str = "no estimate: the counts do not identify the effect (too few events on one side)";

/// The window before the act in which its trigger is looked for (days).
const TRIGGER_WINDOW_DAYS: u64 = 180;

/// The window of appeals that makes an appeals trigger (days before the act).
const APPEALS_TRIGGER_DAYS: u64 = 90;

/// A control's trigger is at most this far in time from the act's (days).
const CONTROL_REACH_DAYS: i64 = 365;

pub(crate) const Z95: f64 = 1.959_963_984_540_054;
/// 1.96 + 0.84: the distance, in standard errors, an effect must lie from none to be found
/// four times in five.
pub(crate) const MDE_Z: f64 = Z95 + 0.841_621_233_572_914;

/// One supervised object as the estimator sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectFacts {
    /// OKED section and region (objects are compared within it).
    pub stratum: String,
    /// Decile (0–9) of the object's latest risk score, when scored.
    pub risk_decile: Option<u8>,
    /// A number fixed by the object itself (from its BIN), not by where it stands in a list: a
    /// draw among candidates orders by it, so the office and a workstation, whose registries list
    /// objects in different orders, draw the same ones.
    pub identity: u64,
}

/// An object's `identity` from its BIN (FNV-1a: fixed across programs and versions).
pub fn identity_of(bin: &str) -> u64 {
    bin.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3))
}

/// An act as the estimator sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActEvent {
    pub object: usize,
    pub kind: String,
    pub issued_on: NaiveDate,
    /// The day of the inspection that prompted it, when the registry says.
    pub trigger: Option<NaiveDate>,
}

/// Everything the estimator reads: objects, their inspections (day, violations) and appeals
/// (day), each sorted by day, and the acts. `in_scope` marks the acts whose effect is asked for
/// (a kind, a district); every act, in scope or not, keeps its object out of the controls.
#[derive(Debug, Clone, Default)]
pub struct Panel {
    pub objects: Vec<ObjectFacts>,
    pub inspections: Vec<Vec<(NaiveDate, u32)>>,
    pub appeals: Vec<Vec<NaiveDate>>,
    pub acts: Vec<ActEvent>,
    /// The first and last days the data cover: windows are cut to them.
    pub since: NaiveDate,
    pub as_of: NaiveDate,
}

/// The two outcomes an act is meant to change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum EffectOutcome {
    ViolationsPerInspection,
    AppealsPerQuarter,
}

impl EffectOutcome {
    /// Both outcomes, in the order reports list them.
    pub const ALL: [EffectOutcome; 2] = [EffectOutcome::ViolationsPerInspection, EffectOutcome::AppealsPerQuarter];

    /// The outcome's code, as its JSON spells it (`violations_per_inspection`).
    pub fn code(self) -> &'static str {
        match self {
            EffectOutcome::ViolationsPerInspection => "violations_per_inspection",
            EffectOutcome::AppealsPerQuarter => "appeals_per_quarter",
        }
    }

    /// The outcome a code names; `None` for any other text.
    pub fn from_code(code: &str) -> Option<EffectOutcome> {
        EffectOutcome::ALL.into_iter().find(|o| o.code() == code)
    }
}

/// Which comparison an estimate rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum EffectDesign {
    /// Acted-on against matched controls, after over before (the difference in differences of
    /// the conditional Poisson fit): each object's own level cancels out.
    BeforeAfter,
    /// Acted-on against matched controls after the act only, because every before window was
    /// clean on both sides: the comparison rests on the matching (same trigger, stratum, clean
    /// level) alone.
    AfterOnly,
    /// Every act in stacks by quarter beside the objects that shared its trigger and had no act
    /// yet, cut at their own act (`effect_staggered`): the headline since issue 62.
    Stacked,
}

/// An estimate's figures. Ratios are multiplicative: acted-on over matched controls, after over
/// before; 0.75 means a quarter fewer. `None` where the data do not allow the figure (see `note`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct EffectFigures {
    pub outcome: EffectOutcome,
    /// The comparison the ratio rests on (`None` when there is no ratio).
    pub design: Option<EffectDesign>,
    /// The acted-on objects' rate after the act over their rate before it: biased by regression
    /// to the mean and by selection, shown so a reader sees how much.
    pub naive_ratio: Option<f64>,
    pub ratio: Option<f64>,
    pub ci95: Option<[f64; 2]>,
    /// Acted-on objects with data after the act (an inspection; a quarter of time).
    pub n_treated: usize,
    /// Matched controls with data after their pseudo-act date.
    pub n_controls: usize,
    /// Acts in scope with no trigger found before them (not estimated).
    pub n_without_trigger: usize,
    /// Acts in scope for which no control with the same trigger was found.
    pub n_unmatched: usize,
    /// Whether acted-on and controls already drifted apart before the act (a placebo fit on the
    /// two halves of the pre-period); a small p-value warns that the comparison is not like for like.
    pub pre_trend_p: Option<f64>,
    /// The smallest effect these data would detect four times in five, as a ratio (0.8: a fifth fewer).
    pub mde: Option<f64>,
    /// Violations (or appeals) prevented at the acted-on objects over the horizon: the effect
    /// times their exposure, with its interval — an estimate, never a count.
    pub prevented: Option<f64>,
    pub prevented_ci95: Option<[f64; 2]>,
    /// Why a figure is missing, or what to keep in mind.
    pub note: Option<String>,
    /// The stacked design's own figures (empty or `None` for the matched design): its stacks by
    /// the quarter the acts were issued in, the event-time profile, the acts in scope and those it
    /// could not use.
    #[serde(default)]
    pub cohorts: Vec<crate::effect_staggered::Cohort>,
    #[serde(default)]
    pub profile: Vec<crate::effect_staggered::ProfilePoint>,
    #[serde(default)]
    pub acts_in_scope: Option<usize>,
    #[serde(default)]
    pub left_out: Option<crate::effect_staggered::LeftOut>,
}

/// A matched unit's counts: before and after its (pseudo-)act date, with exposures (inspections,
/// or quarters). Public so a study can hand the same rows to an independent implementation.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Unit {
    /// The object (its index in the panel).
    pub object: usize,
    pub treated: bool,
    /// 1 for an acted-on object; one over the number of its act's controls for a control.
    pub weight: f64,
    pub y_pre: f64,
    pub e_pre: f64,
    /// The before window with its trigger in it, as the acted-on objects' naive figure reads it
    /// (for appeals the same as `y_pre`, `e_pre`).
    pub y_naive_pre: f64,
    pub e_naive_pre: f64,
    pub y_post: f64,
    pub e_post: f64,
    /// The pre-period's two halves, for the pre-trend check.
    pub y_early: f64,
    pub e_early: f64,
    pub y_late: f64,
    pub e_late: f64,
}

/// The units one outcome's estimate rests on, and the acts left out (no trigger; no control).
#[derive(Debug, Clone, PartialEq)]
pub struct Matched {
    pub outcome: EffectOutcome,
    pub units: Vec<Unit>,
    pub without_trigger: usize,
    pub unmatched: usize,
}

fn plus(d: NaiveDate, days: u64) -> NaiveDate {
    d.checked_add_days(Days::new(days)).unwrap_or(NaiveDate::MAX)
}

fn minus(d: NaiveDate, days: u64) -> NaiveDate {
    d.checked_sub_days(Days::new(days)).unwrap_or(NaiveDate::MIN)
}

/// A spike's size class: exact up to four violations, then 5–6, 7–9, ten and more.
fn violation_band(v: u32) -> u8 {
    match v {
        0..=4 => v as u8,
        5..=6 => 5,
        7..=9 => 6,
        _ => 7,
    }
}

/// A level's size class (violations or appeals over a period): exact up to four, then classes
/// about a third wider each — coarse classes leave worse objects matched with better ones, and
/// the worse regress less after a spike (the estimate drifted up by 4 % on the null twins).
fn level_band(n: u32) -> u8 {
    const UPPER: [u32; 12] = [0, 1, 2, 3, 4, 6, 8, 11, 15, 20, 27, 36];
    UPPER.iter().position(|&u| n <= u).unwrap_or(UPPER.len()) as u8
}

/// Inspections of one object in `[from, to)`: (count, violations).
fn inspections_in(rows: &[(NaiveDate, u32)], from: NaiveDate, to: NaiveDate) -> (f64, f64) {
    let start = rows.partition_point(|(d, _)| *d < from);
    let end = rows.partition_point(|(d, _)| *d < to);
    let slice = &rows[start..end.max(start)];
    // `+ 0.0`: an empty sum of floats is −0, which reads oddly in an export.
    (slice.len() as f64, slice.iter().map(|(_, v)| f64::from(*v)).sum::<f64>() + 0.0)
}

fn appeals_in(rows: &[NaiveDate], from: NaiveDate, to: NaiveDate) -> f64 {
    let start = rows.partition_point(|d| *d < from);
    let end = rows.partition_point(|d| *d < to);
    end.saturating_sub(start) as f64
}

/// The windows around a (pseudo-)act date `t` whose trigger is `p`, as half-open `[from, to)`
/// ranges: before, the year up to `pre_end` (for violations the trigger's day, excluded — the
/// trigger is the selection event, of one size on both sides by construction, and its weight
/// against an object's other inspections differs with the object's level, which would bring
/// regression to the mean back into the comparison; days between a spike and its act are left
/// out on both sides, since "the spike was the worst of them" is known of the acted-on only; for
/// appeals the act's day, included, whose trigger is the 90 days before it); after, `(t, t + h]`, cut at the last day of data and, for a control, at its own
/// first act; and, for the pre-trend check, the two halves of the year before `p` (the spike
/// itself, which both sides share by construction, left out).
struct Windows {
    pre: (NaiveDate, NaiveDate),
    early: (NaiveDate, NaiveDate),
    late: (NaiveDate, NaiveDate),
    post: (NaiveDate, NaiveDate),
}

fn windows(
    t: NaiveDate,
    (p, pre_end, pre_inclusive): (NaiveDate, NaiveDate, bool),
    horizon: u64,
    panel: &Panel,
    censor: Option<NaiveDate>,
) -> Windows {
    let half = horizon / 2;
    let mut post_end = plus(t, horizon + 1).min(plus(panel.as_of, 1));
    if let Some(c) = censor {
        post_end = post_end.min(c);
    }
    let since = panel.since;
    let clip = |d: NaiveDate| d.max(since);
    Windows {
        pre: (clip(minus(pre_end, horizon)), if pre_inclusive { plus(pre_end, 1) } else { pre_end }),
        early: (clip(minus(p, horizon)), clip(minus(p, half))),
        late: (clip(minus(p, half)), clip(p)),
        post: (plus(t, 1), post_end.max(plus(t, 1))),
    }
}

fn days_in((from, to): (NaiveDate, NaiveDate)) -> f64 {
    (to - from).num_days().max(0) as f64
}

/// Builds the unit of one object around `t` (its trigger on `p`) for one outcome.
#[allow(clippy::too_many_arguments)]
fn unit(
    panel: &Panel,
    outcome: EffectOutcome,
    object: usize,
    (t, p): (NaiveDate, NaiveDate),
    horizon: u64,
    censor: Option<NaiveDate>,
    treated: bool,
    weight: f64,
) -> Unit {
    let (pre_end, pre_inclusive) = match outcome {
        EffectOutcome::ViolationsPerInspection => (p, false),
        EffectOutcome::AppealsPerQuarter => (t, true),
    };
    let w = windows(t, (p, pre_end, pre_inclusive), horizon, panel, censor);
    let count = |range: (NaiveDate, NaiveDate)| -> (f64, f64) {
        match outcome {
            EffectOutcome::ViolationsPerInspection => {
                let (n, v) = inspections_in(&panel.inspections[object], range.0, range.1);
                (v, n)
            }
            EffectOutcome::AppealsPerQuarter => {
                (appeals_in(&panel.appeals[object], range.0, range.1), days_in(range) / 91.3125)
            }
        }
    };
    let ((y_pre, e_pre), (y_post, e_post)) = (count(w.pre), count(w.post));
    let (y_naive_pre, e_naive_pre) = count((w.pre.0, plus(pre_end, 1)));
    let ((y_early, e_early), (y_late, e_late)) = (count(w.early), count(w.late));
    Unit {
        object,
        treated,
        weight,
        y_pre,
        e_pre,
        y_naive_pre,
        e_naive_pre,
        y_post,
        e_post,
        y_early,
        e_early,
        y_late,
        e_late,
    }
}

/// Each object's first act (of any kind, in scope or not): an object acted on before has no clean
/// "before" for a later act, and is no control once acted on.
pub(crate) fn first_acts(panel: &Panel) -> Vec<Option<&ActEvent>> {
    let mut first: Vec<Option<&ActEvent>> = vec![None; panel.objects.len()];
    for act in &panel.acts {
        let slot = &mut first[act.object];
        if slot.is_none_or(|f| act.issued_on < f.issued_on) {
            *slot = Some(act);
        }
    }
    first
}

/// The inspection that prompted an act, among its object's inspections `rows` (by day): the one
/// the registry names, else the act's preceding spike — the one that found the most violations in
/// the half-year before the act (of equals, the earliest). Not merely the last one: a milder
/// inspection between the spike and the act would leave the spike uncompared. `None`: no
/// inspection in that half-year.
pub(crate) fn trigger_of(rows: &[(NaiveDate, u32)], act: &ActEvent) -> Option<(NaiveDate, u32)> {
    let window = (minus(act.issued_on, TRIGGER_WINDOW_DAYS), plus(act.issued_on, 1));
    let before: Vec<&(NaiveDate, u32)> = rows.iter().filter(|(d, _)| *d >= window.0 && *d < window.1).collect();
    let named = act.trigger.and_then(|day| before.iter().rev().find(|(d, _)| *d == day).copied());
    let spike = before.iter().rev().max_by_key(|(_, v)| *v).copied();
    named.or(spike).copied()
}

/// A deterministic order of candidates for one act (so the same data give the same controls).
pub(crate) fn mix(a: u64, b: u64) -> u64 {
    let mut x = a.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ b.wrapping_add(0xBF58_476D_1CE4_E5B9);
    x ^= x >> 31;
    x = x.wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 29)
}

/// The estimate of both outcomes for the acts `in_scope` selects, over `horizon_days` after
/// each act (and as many before it).
pub fn estimate(panel: &Panel, in_scope: &dyn Fn(&ActEvent) -> bool, horizon_days: u64) -> Vec<EffectFigures> {
    match_units(panel, in_scope, horizon_days)
        .iter()
        .map(|m| figures(m.outcome, &m.units, m.without_trigger, m.unmatched))
        .collect()
}

/// The matched units of both outcomes (what `estimate` fits).
///
/// Treated: each object's first act, when it is in scope (an object acted on before, by an act
/// out of scope, has no clean "before" and is left out). Controls: objects of the same stratum
/// and risk decile not acted on by the control's date — not "never acted on", which would pick
/// objects for what happened to them later; one acted on later is followed only until its act.
pub fn match_units(panel: &Panel, in_scope: &dyn Fn(&ActEvent) -> bool, horizon_days: u64) -> Vec<Matched> {
    let first_act = first_acts(panel);
    let mut treated: Vec<&ActEvent> = first_act.iter().flatten().copied().filter(|a| in_scope(a)).collect();
    treated.sort_by_key(|a| (a.issued_on, a.object));
    let first_day: Vec<Option<NaiveDate>> = first_act.iter().map(|a| a.map(|a| a.issued_on)).collect();
    let mut by_stratum: std::collections::HashMap<&str, Vec<usize>> = std::collections::HashMap::new();
    for (i, o) in panel.objects.iter().enumerate() {
        by_stratum.entry(o.stratum.as_str()).or_default().push(i);
    }
    vec![
        violations_matched(panel, &treated, &by_stratum, &first_day, horizon_days),
        appeals_matched(panel, &treated, &by_stratum, &first_day, horizon_days),
    ]
}

fn deciles_agree(panel: &Panel, a: usize, b: usize) -> bool {
    match (panel.objects[a].risk_decile, panel.objects[b].risk_decile) {
        (Some(x), Some(y)) => x == y,
        _ => true,
    }
}

/// Adds a treated unit and its controls, weighting each control by one over their number, so
/// every act counts once on each side whatever the number of controls it found.
fn add_set(units: &mut Vec<Unit>, treated: Unit, controls: Vec<Unit>) {
    let weight = 1.0 / controls.len() as f64;
    units.push(treated);
    units.extend(controls.into_iter().map(|c| Unit { weight, ..c }));
}

fn violations_matched(
    panel: &Panel,
    treated: &[&ActEvent],
    by_stratum: &std::collections::HashMap<&str, Vec<usize>>,
    first_day: &[Option<NaiveDate>],
    horizon: u64,
) -> Matched {
    const OUTCOME: EffectOutcome = EffectOutcome::ViolationsPerInspection;
    // Every object's inspections as candidate triggers, by stratum and size, in time order.
    let mut triggers: std::collections::HashMap<(&str, u8), Vec<(NaiveDate, usize)>> = Default::default();
    for (stratum, objects) in by_stratum {
        for &j in objects {
            for &(day, v) in &panel.inspections[j] {
                triggers.entry((stratum, violation_band(v))).or_default().push((day, j));
            }
        }
    }
    for list in triggers.values_mut() {
        list.sort();
    }
    // Each object is a control once. Not with replacement, as appeals' controls are: candidates
    // here are inspections, so an object with many inspections of the trigger's size would be
    // drawn again and again — a draw weighted toward worse objects (0.94 on the null twins of the
    // first-violation worlds, docs/EFFECT.md).
    let mut used = std::collections::HashSet::new();
    let mut units = Vec::new();
    let (mut without_trigger, mut unmatched) = (0, 0);
    for act in treated {
        let Some((trigger_day, trigger_v)) = trigger_of(&panel.inspections[act.object], act) else {
            without_trigger += 1;
            continue;
        };
        let lag = (act.issued_on - trigger_day).num_days().max(0) as u64;
        // The level before the trigger (its own violations left out), matched by size class.
        // (Matching the number of inspections too halved the matches and left the null twins'
        // +2.5 % where it was: docs/EFFECT.md.)
        let level = |object: usize, day: NaiveDate| {
            level_band(inspections_in(&panel.inspections[object], minus(day, horizon), day).1 as u32)
        };
        let act_level = level(act.object, trigger_day);
        let stratum = panel.objects[act.object].stratum.as_str();
        let candidates = triggers.get(&(stratum, violation_band(trigger_v))).map_or(&[][..], Vec::as_slice);
        // Nearest in time first.
        let start = candidates.partition_point(|(d, _)| *d < trigger_day);
        let (mut lo, mut hi) = (start, start);
        let mut controls = Vec::new();
        let mut tried = 0;
        while controls.len() < CONTROLS_PER_ACT && tried < 2000 && (lo > 0 || hi < candidates.len()) {
            tried += 1;
            let take_hi = match (lo > 0, hi < candidates.len()) {
                (true, true) => {
                    (candidates[hi].0 - trigger_day).num_days() <= (trigger_day - candidates[lo - 1].0).num_days()
                }
                (false, true) => true,
                _ => false,
            };
            let index = if take_hi {
                hi += 1;
                hi - 1
            } else {
                lo -= 1;
                lo
            };
            let (day, j) = candidates[index];
            if (day - trigger_day).num_days().abs() > CONTROL_REACH_DAYS {
                if take_hi {
                    hi = candidates.len();
                } else {
                    lo = 0;
                }
                continue;
            }
            let pseudo = plus(day, lag);
            // Not the act's object, not used, not acted on by its pseudo-act date, alike before.
            if j == act.object
                || used.contains(&j)
                || first_day[j].is_some_and(|f| f <= pseudo)
                || !deciles_agree(panel, act.object, j)
                || level(j, day) != act_level
            {
                continue;
            }
            used.insert(j);
            controls.push(unit(panel, OUTCOME, j, (pseudo, day), horizon, first_day[j], false, 1.0));
        }
        if controls.is_empty() {
            unmatched += 1;
            continue;
        }
        let unit = unit(panel, OUTCOME, act.object, (act.issued_on, trigger_day), horizon, None, true, 1.0);
        add_set(&mut units, unit, controls);
    }
    Matched { outcome: OUTCOME, units, without_trigger, unmatched }
}

fn appeals_matched(
    panel: &Panel,
    treated: &[&ActEvent],
    by_stratum: &std::collections::HashMap<&str, Vec<usize>>,
    first_day: &[Option<NaiveDate>],
    horizon: u64,
) -> Matched {
    const OUTCOME: EffectOutcome = EffectOutcome::AppealsPerQuarter;
    let mut units = Vec::new();
    let mut unmatched = 0;
    for act in treated {
        let t = act.issued_on;
        let spike_start = minus(t, APPEALS_TRIGGER_DAYS);
        let bands = |object: usize| {
            let rows = &panel.appeals[object];
            let spike = appeals_in(rows, minus(t, APPEALS_TRIGGER_DAYS), plus(t, 1)) as u32;
            let level = appeals_in(rows, minus(t, horizon), minus(t, APPEALS_TRIGGER_DAYS)) as u32;
            (spike.min(4), level_band(level))
        };
        let wanted = bands(act.object);
        let candidates = by_stratum.get(panel.objects[act.object].stratum.as_str()).map_or(&[][..], Vec::as_slice);
        // Controls on the same calendar day with as many appeals in the 90 days before it (the
        // trigger) and a like level before that; candidates in a fixed mixed order.
        //
        // Drawn with replacement: an object may be a control of several acts (once per act; the
        // errors are clustered by object, so its repeats are not counted as independent). Drawn
        // once per object, as violations' controls are, the early acts took the quiet objects
        // that match most acts, and the later acts' matches came from a pool left with the
        // livelier ones — at the same counts before, more appeals after: the null twins' estimate
        // drifted to 0.96–0.97 and the pre-trend check warned in a fifth of them (docs/EFFECT.md).
        let n = candidates.len().max(1);
        let offset = (mix(act.object as u64, chrono::Datelike::num_days_from_ce(&t) as u64) % n as u64) as usize;
        let mut controls = Vec::new();
        for step in 0..candidates.len().min(3000) {
            let j = candidates[(offset + step) % n];
            if j == act.object
                || first_day[j].is_some_and(|f| f <= t)
                || !deciles_agree(panel, act.object, j)
                || bands(j) != wanted
            {
                continue;
            }
            controls.push(unit(panel, OUTCOME, j, (t, spike_start), horizon, first_day[j], false, 1.0));
            if controls.len() == CONTROLS_PER_ACT {
                break;
            }
        }
        if controls.is_empty() {
            unmatched += 1;
            continue;
        }
        let unit = unit(panel, OUTCOME, act.object, (t, spike_start), horizon, None, true, 1.0);
        add_set(&mut units, unit, controls);
    }
    Matched { outcome: OUTCOME, units, without_trigger: 0, unmatched }
}

/// One unit's row for the fit: (object, weight, treated, y_before, e_before, y_after, e_after).
type FitRow = (usize, f64, bool, f64, f64, f64, f64);

/// The conditional Poisson fit of "after × acted-on": after-counts binomial given each unit's
/// total, log-odds `β + δ·treated + log(e_after / e_before)`, each unit weighted. Returns (δ, its
/// standard error clustered by object) or `None` when the data cannot identify it.
fn conditional_poisson(rows: &[FitRow]) -> Option<(f64, f64)> {
    // Units without both exposures or without any count carry no information.
    let rows: Vec<(usize, f64, f64, f64, f64, f64)> = rows
        .iter()
        .filter(|(_, w, _, yb, eb, ya, ea)| *w > 0.0 && *eb > 0.0 && *ea > 0.0 && yb + ya > 0.0)
        .map(|(o, w, t, yb, eb, ya, ea)| (*o, *w, if *t { 1.0 } else { 0.0 }, yb + ya, *ya, (ea / eb).ln()))
        .collect();
    let treated = rows.iter().filter(|r| r.2 == 1.0).count();
    if treated == 0 || treated == rows.len() {
        return None;
    }
    let (mut b, mut d) = (0.0f64, 0.0f64);
    let information = |b: f64, d: f64| {
        let (mut g0, mut g1, mut h00, mut h01, mut h11) = (0.0, 0.0, 0.0, 0.0, 0.0);
        for &(_, wt, x, n, y, o) in &rows {
            let p = crate::logistic::sigmoid(b + d * x + o);
            let w = wt * n * p * (1.0 - p);
            g0 += wt * (y - n * p);
            g1 += wt * x * (y - n * p);
            h00 += w;
            h01 += w * x;
            h11 += w * x * x;
        }
        (g0, g1, h00, h01, h11)
    };
    let mut converged = false;
    for _ in 0..100 {
        let (g0, g1, h00, h01, h11) = information(b, d);
        let det = h00 * h11 - h01 * h01;
        if !(det.is_finite() && det > 1e-12) {
            return None;
        }
        let (step0, step1) = ((h11 * g0 - h01 * g1) / det, (h00 * g1 - h01 * g0) / det);
        b += step0;
        d += step1;
        if !(b.is_finite() && d.is_finite()) || d.abs() > 20.0 {
            return None;
        }
        if step0.abs().max(step1.abs()) < 1e-10 {
            converged = true;
            break;
        }
    }
    if !converged {
        return None;
    }
    // Sandwich: bread from the information, meat from the scores summed per object.
    let (_, _, h00, h01, h11) = information(b, d);
    let mut by_object: std::collections::BTreeMap<usize, (f64, f64)> = std::collections::BTreeMap::new();
    for &(object, wt, x, n, y, o) in &rows {
        let p = crate::logistic::sigmoid(b + d * x + o);
        let e = by_object.entry(object).or_default();
        e.0 += wt * (y - n * p);
        e.1 += wt * x * (y - n * p);
    }
    let (mut m00, mut m01, mut m11) = (0.0, 0.0, 0.0);
    for (s0, s1) in by_object.values() {
        m00 += s0 * s0;
        m01 += s0 * s1;
        m11 += s1 * s1;
    }
    let det = h00 * h11 - h01 * h01;
    let (i01, i11) = (-h01 / det, h00 / det);
    // (A⁻¹ M A⁻¹)₁₁, with the small-sample factor G/(G−1) over G objects.
    let g = by_object.len() as f64;
    let row1 = (i01 * m00 + i11 * m01, i01 * m01 + i11 * m11);
    let var = (row1.0 * i01 + row1.1 * i11) * g / (g - 1.0);
    (var.is_finite() && var > 0.0).then(|| (d, var.sqrt()))
}

/// The after rates of acted-on units over their matched controls' (weighted), as the log of the
/// ratio and its standard error clustered by object: a Poisson fit of the after-counts on
/// "acted-on" with exposure as offset, whose estimate is the ratio of the two weighted rates;
/// the sandwich sums each object's influence on both rates (an object can be a control before
/// its own act), with the factor G/(G−1). `None` when either side has no event or no exposure.
fn after_rates(units: &[&Unit]) -> Option<(f64, f64)> {
    let side = |treated: bool| {
        let (y, e) = units
            .iter()
            .filter(|u| u.treated == treated)
            .fold((0.0, 0.0), |(y, e), u| (y + u.weight * u.y_post, e + u.weight * u.e_post));
        (y > 0.0 && e > 0.0).then_some((y, y / e))
    };
    let ((y_t, rate_t), (y_c, rate_c)) = (side(true)?, side(false)?);
    let mut influence: std::collections::BTreeMap<usize, f64> = std::collections::BTreeMap::new();
    for u in units {
        let (total, rate, sign) = if u.treated { (y_t, rate_t, 1.0) } else { (y_c, rate_c, -1.0) };
        *influence.entry(u.object).or_default() += sign * u.weight * (u.y_post - rate * u.e_post) / total;
    }
    let g = influence.len() as f64;
    if g < 2.0 {
        return None;
    }
    let var = influence.values().map(|v| v * v).sum::<f64>() * g / (g - 1.0);
    (var.is_finite() && var > 0.0).then(|| ((rate_t / rate_c).ln(), var.sqrt()))
}

fn two_sided_p(z: f64) -> f64 {
    use statrs::distribution::{ContinuousCDF, Normal};
    let normal = Normal::new(0.0, 1.0).expect("the standard normal");
    2.0 * (1.0 - normal.cdf(z.abs()))
}

/// The figures of one outcome from its matched units.
pub fn figures(outcome: EffectOutcome, units: &[Unit], without_trigger: usize, unmatched: usize) -> EffectFigures {
    let has_after = |u: &&Unit| u.e_post > 0.0 && u.e_pre > 0.0;
    let treated: Vec<&Unit> = units.iter().filter(|u| u.treated).filter(has_after).collect();
    let controls: Vec<&Unit> = units.iter().filter(|u| !u.treated).filter(has_after).collect();
    let sum = |list: &[&Unit], f: fn(&Unit) -> f64| list.iter().map(|u| f(u)).sum::<f64>();
    // The naive figure reads every acted-on object with an inspection after the act, its trigger
    // counted in "before" — as a before/after comparison would.
    let naive = {
        let acted: Vec<&Unit> = units.iter().filter(|u| u.treated && u.e_post > 0.0).collect();
        let (yb, eb) = (sum(&acted, |u| u.y_naive_pre), sum(&acted, |u| u.e_naive_pre));
        let (ya, ea) = (sum(&acted, |u| u.y_post), sum(&acted, |u| u.e_post));
        (yb > 0.0 && eb > 0.0 && ea > 0.0).then(|| (ya / ea) / (yb / eb))
    };
    let mut out = EffectFigures {
        outcome,
        design: None,
        naive_ratio: naive,
        ratio: None,
        ci95: None,
        n_treated: treated.len(),
        n_controls: controls.len(),
        n_without_trigger: without_trigger,
        n_unmatched: unmatched,
        pre_trend_p: None,
        mde: None,
        prevented: None,
        prevented_ci95: None,
        note: None,
        cohorts: Vec::new(),
        profile: Vec::new(),
        acts_in_scope: None,
        left_out: None,
    };
    if treated.len() < MIN_TREATED {
        out.note = Some(format!(
            "no estimate: {} acted-on object(s) with data after the act, fewer than {MIN_TREATED}",
            treated.len()
        ));
        return out;
    }
    let main: Vec<FitRow> =
        units.iter().map(|u| (u.object, u.weight, u.treated, u.y_pre, u.e_pre, u.y_post, u.e_post)).collect();
    let clean_before = treated.iter().chain(&controls).all(|u| u.y_pre == 0.0);
    let (delta, se) = match conditional_poisson(&main) {
        Some(fit) => {
            out.design = Some(EffectDesign::BeforeAfter);
            let placebo: Vec<FitRow> = units
                .iter()
                .map(|u| (u.object, u.weight, u.treated, u.y_early, u.e_early, u.y_late, u.e_late))
                .collect();
            out.pre_trend_p = conditional_poisson(&placebo).map(|(d, s)| two_sided_p(d / s));
            fit
        }
        None if clean_before => {
            // Every unit with data after the act counts here, a before window or not: the
            // comparison reads only what came after.
            let after: Vec<&Unit> = units.iter().filter(|u| u.e_post > 0.0).collect();
            out.n_treated = after.iter().filter(|u| u.treated).count();
            out.n_controls = after.len() - out.n_treated;
            if out.n_treated < MIN_TREATED {
                out.note = Some(format!(
                    "no estimate: {} acted-on object(s) with data after the act, fewer than {MIN_TREATED}",
                    out.n_treated
                ));
                return out;
            }
            let Some(fit) = after_rates(&after) else {
                out.note = Some(NOT_IDENTIFIED.into());
                return out;
            };
            out.design = Some(EffectDesign::AfterOnly);
            out.note = Some(
                "every before window was clean on both sides: the after rates alone are compared, so the estimate \
                 rests on the matching (same trigger, stratum, clean level) and no pre-trend check is possible"
                    .into(),
            );
            fit
        }
        None => {
            out.note = Some(NOT_IDENTIFIED.into());
            return out;
        }
    };
    let treated: Vec<&Unit> = match out.design {
        Some(EffectDesign::AfterOnly) => units.iter().filter(|u| u.treated && u.e_post > 0.0).collect(),
        _ => treated,
    };
    out.ratio = Some(delta.exp());
    out.ci95 = Some([(delta - Z95 * se).exp(), (delta + Z95 * se).exp()]);
    out.mde = Some((-MDE_Z * se).exp());
    // Prevented: what the acted-on objects would have had after the act without it, less what they had.
    let after = sum(&treated, |u| u.y_post);
    let prevented = |ratio: f64| after * (1.0 / ratio - 1.0);
    out.prevented = Some(prevented(delta.exp()));
    out.prevented_ci95 = out.ci95.map(|[lo, hi]| [prevented(hi), prevented(lo)]);
    if out.pre_trend_p.is_some_and(|p| p < 0.05) {
        out.note = Some(
            "the acted-on objects and their controls drifted apart before the act (pre-trend p < 0.05): read the \
             estimate with care"
                .into(),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_conditional_fit_recovers_a_known_ratio_and_its_interval_widens_with_fewer_units() {
        // Treated halve their rate after; controls keep theirs; every unit has 4 inspections a side.
        let mut rows = Vec::new();
        for i in 0..200 {
            let treated = i % 2 == 0;
            let before = 8.0 + (i % 5) as f64;
            let after = if treated { before / 2.0 } else { before };
            rows.push((i, 1.0, treated, before, 4.0, after, 4.0));
        }
        let (d, se) = conditional_poisson(&rows).unwrap();
        assert!((d.exp() - 0.5).abs() < 1e-9, "{}", d.exp());
        let (_, se_small) = conditional_poisson(&rows[..40]).unwrap();
        assert!(se_small > se);
        // Nothing to compare with: no estimate.
        assert!(conditional_poisson(&rows.iter().copied().filter(|r| r.2).collect::<Vec<_>>()).is_none());
    }

    #[test]
    fn fewer_than_thirty_acted_on_objects_give_no_estimate_and_say_why() {
        let unit = Unit {
            object: 0,
            treated: true,
            weight: 1.0,
            y_pre: 3.0,
            e_pre: 2.0,
            y_naive_pre: 3.0,
            e_naive_pre: 2.0,
            y_post: 1.0,
            e_post: 2.0,
            y_early: 1.0,
            e_early: 1.0,
            y_late: 2.0,
            e_late: 1.0,
        };
        let units = vec![unit; 29];
        let f = figures(EffectOutcome::ViolationsPerInspection, &units, 0, 0);
        assert!(f.ratio.is_none());
        assert!(f.note.unwrap().contains("fewer than 30"));
        assert!((f.naive_ratio.unwrap() - 1.0 / 3.0).abs() < 1e-12);
    }
}
