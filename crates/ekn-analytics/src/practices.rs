//! The practices `ekn anomalies` looks for, each built as units compared with their peers on a
//! funnel (`anomalies`), with the false-discovery rate controlled across every unit of a kind:
//!
//! - `frequent_visits`: per control body × district, the share of its inspections and visits that
//!   return to an object it had visited within the last year, against other bodies' shares;
//! - `illegal_share`: per district, and per control body, the share of inspections declared
//!   illegal, against what one model of bodies and districts fitted together expects of it;
//! - `unplanned_growth`: per region and per district, unplanned inspections in a half-year against
//!   the same days of the unit's own earlier years, scaled by everyone else's change (so the season
//!   and a country-wide rise are not a local growth);
//! - `refused_spike`: per region × category of appeal × three-month window, the share of decided
//!   appeals refused, against the category's share everywhere and at all times (overlapping
//!   windows that all stand out are merged into one period);
//! - `sanction_combination`: per control body, the share of its inspections ending in an unusual
//!   combination of measures (two or more, or any with no violation recorded), against other
//!   bodies' use of the same combination.
//!
//! A unit is listed when its Benjamini–Hochberg q-value is within the false-discovery rate AND it
//! is at least `min_ratio` times its expectation (significant and large enough to matter). Every
//! anomaly says, in Russian, Kazakh and English, what was compared with what, by how much, how
//! sure, and that it is a hypothesis to verify, never a finding.

use std::collections::HashMap;

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use super::anomalies::{
    adjust, judge_each, judge_exact, judge_unadjusted, ratio_interval, Funnel, Judgement, Scale, UnitCounts,
};
use ekn_domain::facts::{date_of, day_of, district_text, region_text, AppealOutcome, Day, Registry};
use ekn_domain::norms::Localized;
use ekn_domain::records::InspectionKind;
use ekn_domain::territory::REGIONS;

/// The method's version, named by every anomaly.
/// v2: `frequent_visits` counts concentrated (body, object) pairs against their exact chance.
/// v3: `illegal_share` from one model of bodies and districts fitted together; `unplanned_growth`
/// per region and district, each half-year against the same days of its own earlier years.
pub const METHOD: &str = "funnel-spiegelhalter-bh-v3";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum AnomalyKind {
    FrequentVisits,
    IllegalShare,
    UnplannedGrowth,
    RefusedSpike,
    SanctionCombination,
}

impl AnomalyKind {
    pub const ALL: [AnomalyKind; 5] = [
        AnomalyKind::FrequentVisits,
        AnomalyKind::IllegalShare,
        AnomalyKind::UnplannedGrowth,
        AnomalyKind::RefusedSpike,
        AnomalyKind::SanctionCombination,
    ];

    pub fn code(self) -> &'static str {
        match self {
            AnomalyKind::FrequentVisits => "frequent_visits",
            AnomalyKind::IllegalShare => "illegal_share",
            AnomalyKind::UnplannedGrowth => "unplanned_growth",
            AnomalyKind::RefusedSpike => "refused_spike",
            AnomalyKind::SanctionCombination => "sanction_combination",
        }
    }

    pub fn from_code(code: &str) -> Option<AnomalyKind> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// The settings of a run, recorded in its output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct DetectParams {
    /// How far back the analysis window reaches from its last day, in days.
    pub window_days: i32,
    /// The false-discovery rate controlled across each kind's units.
    pub fdr: f64,
    /// The least observed/expected ratio worth listing.
    pub min_ratio: f64,
    /// Units with fewer inspections (or decided appeals) say nothing either way and are not judged.
    pub min_inspections: u32,
    pub min_appeals: u32,
}

impl Default for DetectParams {
    fn default() -> Self {
        DetectParams { window_days: 3 * 365, fdr: 0.05, min_ratio: 1.5, min_inspections: 20, min_appeals: 10 }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct DatePeriod {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// One anomaly: a unit that stands out from its peers, with the figures and the words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Anomaly {
    /// A short stable identifier (dismissals refer to it): the first 12 hex digits of the
    /// SHA-256 of `key`.
    pub id: String,
    /// What the unit is, readable: kind, body, place, category.
    pub key: String,
    pub kind: AnomalyKind,
    pub control_body: Option<String>,
    /// Two digits of KATO.
    pub region_code: Option<String>,
    /// The first four digits of KATO.
    pub district: Option<String>,
    pub category: Option<String>,
    /// For `sanction_combination`: the combination of measures.
    pub combination: Option<String>,
    /// The objects behind the anomaly, most concerned first (at most 20).
    pub subject_bins: Vec<String>,
    pub period: DatePeriod,
    pub observed: f64,
    pub expected: f64,
    pub ratio: f64,
    /// The ratio's 95% interval from chance alone (`anomalies::ratio_interval`); None when nothing
    /// was expected. Absent from anomalies stored before it was added.
    #[serde(default)]
    pub ratio_interval: Option<(f64, f64)>,
    pub p_value: f64,
    pub q_value: f64,
    /// The unit's volume: inspections, or decided appeals.
    pub volume: f64,
    /// The peers' rate the unit was compared with.
    pub peer_rate: f64,
    /// How many units were compared on the same funnel.
    pub peers: usize,
    /// The funnel it was judged on (`ekn anomalies funnel ID`).
    pub group: String,
    pub method: String,
    pub explanation: Localized,
}

/// One unit on a funnel plot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct FunnelPoint {
    pub label: String,
    pub volume: f64,
    pub rate: f64,
    /// Set when the unit is a listed anomaly.
    pub anomaly_id: Option<String>,
}

/// A funnel plot: the peers, the pooled rate and the control limits' parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct FunnelPlot {
    pub group: String,
    pub kind: AnomalyKind,
    pub target: f64,
    /// Between-unit variance beyond chance (Spiegelhalter's τ²).
    pub tau2: f64,
    pub proportion: bool,
    pub points: Vec<FunnelPoint>,
    /// Control limits at chosen volumes: (volume, 95% upper, 99.8% upper).
    pub limits: Vec<(f64, f64, f64)>,
}

/// What an anomaly rests on: the inspections or the appeals (indexes into the registry).
#[derive(Debug, Clone, PartialEq)]
pub enum Evidence {
    Inspections(Vec<usize>),
    Appeals(Vec<usize>),
}

/// A run's result.
#[derive(Debug, Clone, PartialEq)]
pub struct Detection {
    pub anomalies: Vec<Anomaly>,
    pub funnels: HashMap<String, FunnelPlot>,
    pub evidence: HashMap<String, Evidence>,
    /// The analysis window.
    pub window: DatePeriod,
    /// Units compared, by kind.
    pub units_judged: Vec<(AnomalyKind, usize)>,
}

/// One unit before judging.
#[derive(Debug, Clone, Default)]
struct Unit {
    body: Option<u32>,
    region: Option<u8>,
    district: Option<u16>,
    category: Option<u16>,
    combination: Option<u16>,
    period: (Day, Day),
    events: f64,
    /// Out of how many (a proportion), or how many were expected (a ratio).
    trials: f64,
    /// Inspections (or decided appeals) in the unit: its size, whatever the scale.
    volume: f64,
    /// For `frequent_visits`: the distinct objects visited.
    objects: usize,
    /// For `unplanned_growth`: the count in the same days of the earlier years.
    previous: f64,
    /// For `unplanned_growth`: how many earlier years `previous` covers.
    baseline_years: u32,
    /// For `unplanned_growth`: how much every other unit's count changed over the same days.
    growth: f64,
    /// For `unplanned_growth`: the share of the unit's inspections that would fall in the recent
    /// period if it changed as the others did (its null, `judge_each`).
    null_share: f64,
    /// For `sanction_combination`: the measures came with no violation recorded.
    no_violation: bool,
    evidence: Vec<usize>,
    subjects: Vec<u32>,
}

/// The units of one kind, in funnels (peer groups).
struct Family {
    kind: AnomalyKind,
    scale: Scale,
    groups: Vec<(String, Vec<Unit>)>,
    min_volume: f64,
    appeals: bool,
    judge: Judge,
}

/// How a family's units are judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Judge {
    /// Rates against their peers' funnel (`judge_unadjusted`).
    Peers,
    /// Counts against an expectation exact under the null (`judge_exact`).
    Exact,
    /// Each against its own past and the others' change (`judge_each`); the ratio is the count
    /// against the expected count.
    OwnPast,
}

fn short_id(key: &str) -> String {
    ekn_domain::digest::sha256_hex(key)[..12].to_string()
}

fn percent(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// A probability with its relation: `< 1e-16`, `= 2.3e-5`, `= 0.012`.
fn p_text(p: f64) -> String {
    if p < 1e-16 {
        "< 1e-16".to_string()
    } else if p < 0.001 {
        format!("= {p:.1e}")
    } else {
        format!("= {p:.3}")
    }
}

fn region_names(code: u8) -> (String, String, String) {
    let text = region_text(code);
    match REGIONS.iter().find(|r| r.code == text) {
        Some(r) => (r.name_ru.to_string(), r.name_kk.to_string(), r.name_en.to_string()),
        None => (text.clone(), text.clone(), text),
    }
}

/// The region most of a unit's rows are in, when at least 80% are.
fn dominant<T: Copy + Eq + std::hash::Hash>(values: impl Iterator<Item = Option<T>>) -> Option<T> {
    let mut counts: HashMap<T, usize> = HashMap::new();
    let mut total = 0;
    for v in values {
        total += 1;
        if let Some(v) = v {
            *counts.entry(v).or_default() += 1;
        }
    }
    counts.into_iter().max_by_key(|&(_, c)| c).filter(|&(_, c)| c * 5 >= total * 4).map(|(v, _)| v)
}

/// Runs every detector over `registry`, with the window ending on the earlier of `today` and the
/// registry's last day.
pub fn detect(registry: &Registry, today: NaiveDate, params: &DetectParams) -> Detection {
    let end = registry.last_day().map_or(day_of(today), |d| d.min(day_of(today)));
    let first = registry
        .inspections
        .first()
        .map(|f| f.day)
        .into_iter()
        .chain(registry.appeals.iter().map(|a| a.received))
        .min()
        .unwrap_or(end);
    let start = (end - params.window_days + 1).max(first);
    let window = (start, end);
    let families = [
        frequent_visits(registry, window, params),
        illegal_share(registry, window, params),
        unplanned_growth(registry, window, params),
        refused_spike(registry, window, params),
        sanction_combination(registry, window, params),
    ];
    let mut detection = Detection {
        anomalies: Vec::new(),
        funnels: HashMap::new(),
        evidence: HashMap::new(),
        window: DatePeriod { from: date_of(start), to: date_of(end) },
        units_judged: Vec::new(),
    };
    for family in families {
        judge_family(registry, family, params, &mut detection);
    }
    detection
        .anomalies
        .sort_by(|a, b| a.q_value.total_cmp(&b.q_value).then(b.ratio.total_cmp(&a.ratio)).then(a.key.cmp(&b.key)));
    detection
}

fn judge_family(registry: &Registry, family: Family, params: &DetectParams, out: &mut Detection) {
    let scale = family.scale;
    let mut judged: Vec<(usize, usize, Judgement)> = Vec::new();
    let mut funnels: Vec<Funnel> = Vec::new();
    let mut count = 0;
    for (g, (_, units)) in family.groups.iter().enumerate() {
        // Units too small to say anything take no part; the rest are judged on the family's scale.
        let counts: Vec<UnitCounts> = units
            .iter()
            .enumerate()
            .filter(|(_, u)| u.volume >= family.min_volume && u.trials > 0.0)
            .map(|(i, u)| UnitCounts { key: i.to_string(), events: u.events, trials: u.trials })
            .collect();
        // The peers' rate counts every unit, small ones too: they are peers even if too small
        // to be judged themselves.
        let (all_events, all_trials) = units.iter().fold((0.0, 0.0), |(e, t), u| (e + u.events, t + u.trials));
        let target = (all_trials > 0.0).then(|| all_events / all_trials);
        let judged_here = match family.judge {
            Judge::Exact => judge_exact(&counts),
            Judge::Peers => judge_unadjusted(&counts, scale, 0.0, target),
            Judge::OwnPast => {
                let nulls: Vec<f64> = counts.iter().map(|c| units[c.key.parse().unwrap_or(0)].null_share).collect();
                judge_each(&counts, &nulls)
            }
        };
        let Some((mut js, funnel)) = judged_here else {
            let proportion = scale == Scale::Proportion;
            let exact = family.judge == Judge::Exact;
            funnels.push(Funnel { target: 0.0, tau2: 0.0, proportion, units: 0, exact });
            continue;
        };
        if family.judge == Judge::OwnPast {
            // The p-value stays the proportion's; what is shown and gated is the count against the
            // count expected from the unit's own past and the others' change.
            for j in &mut js {
                let unit = &units[j.key.parse().unwrap_or(0)];
                j.expected = unit.previous * unit.growth;
                j.ratio = if j.expected > 0.0 { j.observed / j.expected } else { f64::INFINITY };
            }
        }
        count += js.len();
        for j in js {
            let i: usize = j.key.parse().unwrap_or(0);
            judged.push((g, i, j));
        }
        funnels.push(funnel);
    }
    out.units_judged.push((family.kind, count));
    let mut flat: Vec<Judgement> = judged.iter().map(|(_, _, j)| j.clone()).collect();
    adjust(&mut flat, params.fdr);
    let mut listed: HashMap<(usize, usize), String> = HashMap::new();
    let mut merged_spikes: Vec<(usize, usize, Unit, Judgement)> = Vec::new();
    let mut growth: Vec<(usize, usize, Judgement)> = Vec::new();
    for ((g, i, _), j) in judged.iter().zip(&flat) {
        if !(j.significant && j.ratio >= params.min_ratio) {
            continue;
        }
        let unit = &family.groups[*g].1[*i];
        if family.kind == AnomalyKind::RefusedSpike {
            merged_spikes.push((*g, *i, unit.clone(), j.clone()));
            continue;
        }
        if family.kind == AnomalyKind::UnplannedGrowth {
            growth.push((*g, *i, j.clone()));
            continue;
        }
        let anomaly = describe(registry, family.kind, &family.groups[*g].0, unit, j, &funnels[*g]);
        listed.insert((*g, *i), anomaly.id.clone());
        out.evidence.insert(
            anomaly.id.clone(),
            if family.appeals {
                Evidence::Appeals(unit.evidence.clone())
            } else {
                Evidence::Inspections(unit.evidence.clone())
            },
        );
        out.anomalies.push(anomaly);
    }
    // Overlapping windows of one region and category that all stand out are one spike.
    merged_spikes.sort_by_key(|(g, _, u, _)| (*g, u.region, u.period.0));
    let mut current: Option<(usize, Vec<usize>, Unit, Judgement)> = None;
    for (g, i, unit, j) in merged_spikes {
        match &mut current {
            Some((cg, windows, cu, cj)) if *cg == g && cu.region == unit.region && unit.period.0 <= cu.period.1 + 1 => {
                cu.period.1 = cu.period.1.max(unit.period.1);
                cj.q_value = cj.q_value.min(j.q_value);
                windows.push(i);
            }
            _ => {
                if let Some((cg, windows, cu, cj)) = current.take() {
                    let id = push_spike(registry, &family, (cg, cu, cj), &funnels, out);
                    listed.extend(windows.into_iter().map(|w| ((cg, w), id.clone())));
                }
                current = Some((g, vec![i], unit, j));
            }
        }
    }
    if let Some((cg, windows, cu, cj)) = current.take() {
        let id = push_spike(registry, &family, (cg, cu, cj), &funnels, out);
        listed.extend(windows.into_iter().map(|w| ((cg, w), id.clone())));
    }
    for (g, i, j) in pick_growth(&family, growth, params) {
        let unit = &family.groups[g].1[i];
        let anomaly = describe(registry, family.kind, &family.groups[g].0, unit, &j, &funnels[g]);
        listed.insert((g, i), anomaly.id.clone());
        out.evidence.insert(anomaly.id.clone(), Evidence::Inspections(unit.evidence.clone()));
        out.anomalies.push(anomaly);
    }
    for (g, (name, units)) in family.groups.iter().enumerate() {
        let f = &funnels[g];
        if f.units == 0 {
            continue;
        }
        let points: Vec<FunnelPoint> = units
            .iter()
            .enumerate()
            .filter(|(_, u)| u.volume >= family.min_volume && u.trials > 0.0)
            .map(|(i, u)| FunnelPoint {
                label: unit_label(registry, u),
                volume: u.trials,
                rate: u.events / u.trials,
                anomaly_id: listed.get(&(g, i)).cloned(),
            })
            .collect();
        let smallest = points.iter().map(|p| p.volume).fold(f64::INFINITY, f64::min).max(0.5);
        let largest = points.iter().map(|p| p.volume).fold(smallest, f64::max);
        let limits = (0..=40)
            .map(|k| {
                let v = smallest * (largest / smallest).powf(f64::from(k) / 40.0);
                (v, f.upper(v, 1.96), f.upper(v, 3.09))
            })
            .collect();
        out.funnels.insert(
            name.clone(),
            FunnelPlot {
                group: name.clone(),
                kind: family.kind,
                target: f.target,
                tau2: f.tau2,
                proportion: f.proportion,
                points,
                limits,
            },
        );
    }
}

/// A listed unit of a family: its group, its index in the group, its judgement.
type Listed = (usize, usize, Judgement);

/// Of the half-years that stand out, one per growth episode and place: overlapping half-years of
/// the same region or district are one episode, shown by its most certain half-year. A region
/// whose districts grew (two or more listed) stands for them; a region listed only because one
/// of its districts grew, the rest of it not, gives way to that district.
fn pick_growth(family: &Family, listed: Vec<Listed>, params: &DetectParams) -> Vec<Listed> {
    let unit = |g: usize, i: usize| &family.groups[g].1[i];
    let place = |u: &Unit| (u.district.is_some(), u.district.unwrap_or(u.region.map_or(0, u16::from)));
    let mut by_place: HashMap<(bool, u16), Vec<Listed>> = HashMap::new();
    for (g, i, j) in listed {
        by_place.entry(place(unit(g, i))).or_default().push((g, i, j));
    }
    let mut episodes: Vec<Listed> = Vec::new();
    let mut places: Vec<(bool, u16)> = by_place.keys().copied().collect();
    places.sort_unstable();
    for key in places {
        let mut halves = by_place.remove(&key).unwrap_or_default();
        halves.sort_by_key(|(g, i, _)| unit(*g, *i).period.0);
        let mut episode: Vec<Listed> = Vec::new();
        let mut reach = Day::MIN;
        for half in halves {
            let period = unit(half.0, half.1).period;
            if !episode.is_empty() && period.0 > reach {
                episodes.extend(best_half(std::mem::take(&mut episode)));
            }
            reach = reach.max(period.1);
            episode.push(half);
        }
        episodes.extend(best_half(episode));
    }
    let overlaps = |a: (Day, Day), b: (Day, Day)| a.0 <= b.1 && b.0 <= a.1;
    let mut dropped = vec![false; episodes.len()];
    for (r, (rg, ri, _)) in episodes.iter().enumerate() {
        let region = unit(*rg, *ri);
        if region.district.is_some() {
            continue;
        }
        let inside: Vec<usize> = (0..episodes.len())
            .filter(|&d| {
                let district = unit(episodes[d].0, episodes[d].1);
                district.district.is_some()
                    && district.region == region.region
                    && overlaps(district.period, region.period)
            })
            .collect();
        match inside.as_slice() {
            [] => {}
            [one] => {
                // The region without that district, over the region's own half-year.
                let d = unit(episodes[*one].0, episodes[*one].1).district;
                let same = family
                    .groups
                    .iter()
                    .flat_map(|(_, units)| units)
                    .find(|u| u.district == d && u.period == region.period);
                let (events, previous) = match same {
                    Some(u) => (region.events - u.events, region.previous - u.previous),
                    None => (region.events, region.previous),
                };
                let expected = previous * region.growth;
                if expected <= 0.0 || events / expected < params.min_ratio {
                    dropped[r] = true;
                }
            }
            several => several.iter().for_each(|&d| dropped[d] = true),
        }
    }
    episodes.into_iter().zip(dropped).filter(|(_, d)| !d).map(|(e, _)| e).collect()
}

/// The most certain half-year of an episode (the smallest q-value, then the largest ratio).
fn best_half(episode: Vec<Listed>) -> Option<Listed> {
    episode.into_iter().min_by(|a, b| a.2.q_value.total_cmp(&b.2.q_value).then(b.2.ratio.total_cmp(&a.2.ratio)))
}

fn push_spike(
    registry: &Registry,
    family: &Family,
    (g, unit, j): (usize, Unit, Judgement),
    funnels: &[Funnel],
    out: &mut Detection,
) -> String {
    // Recount over the merged period (windows overlap: each appeal once).
    let category = unit.category;
    let (mut events, mut trials) = (0.0, 0.0);
    let mut refused = Vec::new();
    for (i, a) in registry.appeals.iter().enumerate() {
        let Some(day) = a.decided.or(Some(a.received)) else { continue };
        if a.region != unit.region || a.category != category || day < unit.period.0 || day > unit.period.1 {
            continue;
        }
        let Some(outcome) = a.outcome else { continue };
        trials += 1.0;
        if outcome == AppealOutcome::Refused {
            events += 1.0;
            refused.push(i);
        }
    }
    let f = &funnels[g];
    let expected = f.target * trials;
    let merged_unit = Unit { events, trials, volume: trials, evidence: refused.clone(), ..unit };
    let judgement = Judgement {
        key: String::new(),
        observed: events,
        expected,
        ratio: if expected > 0.0 { events / expected } else { f64::INFINITY },
        z: 0.0,
        p_value: f.p_value(events, trials),
        q_value: j.q_value,
        significant: true,
    };
    let anomaly = describe(registry, family.kind, &family.groups[g].0, &merged_unit, &judgement, f);
    let id = anomaly.id.clone();
    out.evidence.insert(id.clone(), Evidence::Appeals(refused));
    out.anomalies.push(anomaly);
    id
}

fn unit_label(registry: &Registry, u: &Unit) -> String {
    let mut parts = Vec::new();
    if let Some(r) = u.region.filter(|_| u.district.is_none() && u.body.is_none()) {
        parts.push(region_text(r));
    }
    if let Some(b) = u.body {
        parts.push(registry.bodies.get(b as usize).cloned().unwrap_or_default());
    }
    if let Some(d) = u.district {
        parts.push(district_text(d));
    }
    if u.category.is_some() {
        parts.push(format!("{}..{}", date_of(u.period.0).format("%Y-%m"), date_of(u.period.1).format("%Y-%m")));
    }
    parts.join(" ")
}

fn top_subjects(registry: &Registry, subjects: &[u32]) -> Vec<String> {
    let mut counts: HashMap<u32, usize> = HashMap::new();
    for &s in subjects {
        *counts.entry(s).or_default() += 1;
    }
    let mut list: Vec<(u32, usize)> = counts.into_iter().collect();
    list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    list.into_iter().take(20).filter_map(|(s, _)| registry.subjects.get(s as usize).map(|f| f.bin.clone())).collect()
}

fn describe(
    registry: &Registry,
    kind: AnomalyKind,
    group: &str,
    unit: &Unit,
    j: &Judgement,
    funnel: &Funnel,
) -> Anomaly {
    let body = unit.body.and_then(|b| registry.bodies.get(b as usize).cloned());
    let category = unit.category.and_then(|c| registry.categories.get(c as usize).cloned());
    let combination = unit.combination.and_then(|c| registry.sanction_sets.get(c as usize).cloned());
    let region_code = unit.region.map(region_text).or_else(|| unit.district.map(|d| district_text(d)[..2].to_string()));
    let district = unit.district.map(district_text);
    let period = DatePeriod { from: date_of(unit.period.0), to: date_of(unit.period.1) };
    let mut key_parts = vec![kind.code().to_string()];
    key_parts.extend(body.clone());
    key_parts.extend(district.clone().or_else(|| region_code.clone()));
    key_parts.extend(category.clone());
    key_parts.extend(combination.clone().map(|c| if unit.no_violation { format!("{c} (no violation)") } else { c }));
    if matches!(kind, AnomalyKind::RefusedSpike | AnomalyKind::UnplannedGrowth) {
        key_parts.push(period.from.format("%Y-%m").to_string());
    }
    let key = key_parts.join(" / ");
    let interval = interval_of(kind, unit, j, funnel);
    let explanation = explain(
        kind,
        registry,
        unit,
        j,
        funnel,
        interval,
        &period,
        body.as_deref(),
        category.as_deref(),
        combination.as_deref(),
        &district,
        &region_code,
    );
    Anomaly {
        id: short_id(&key),
        key,
        kind,
        control_body: body,
        region_code,
        district,
        category,
        combination,
        subject_bins: top_subjects(registry, &unit.subjects),
        period,
        observed: j.observed,
        expected: j.expected,
        ratio: j.ratio,
        ratio_interval: interval,
        p_value: j.p_value,
        q_value: j.q_value,
        volume: unit.volume,
        peer_rate: if unit.volume > 0.0 { j.expected / unit.volume } else { funnel.target },
        peers: funnel.units,
        group: group.to_string(),
        method: METHOD.to_string(),
        explanation,
    }
}

/// The listed ratio's interval: on a proportion of the unit's trials where the family judges
/// proportions against the peers' rate (refusals, measures), else on the count against what was
/// expected (illegal shares, growth against the unit's own past, concentrated objects).
fn interval_of(kind: AnomalyKind, unit: &Unit, j: &Judgement, funnel: &Funnel) -> Option<(f64, f64)> {
    let proportion = funnel.proportion && !funnel.exact && kind != AnomalyKind::UnplannedGrowth;
    ratio_interval(j.observed, j.expected, proportion.then_some(unit.trials))
}

#[allow(clippy::too_many_arguments)]
fn explain(
    kind: AnomalyKind,
    registry: &Registry,
    unit: &Unit,
    j: &Judgement,
    funnel: &Funnel,
    interval: Option<(f64, f64)>,
    period: &DatePeriod,
    body: Option<&str>,
    category: Option<&str>,
    combination: Option<&str>,
    district: &Option<String>,
    region: &Option<String>,
) -> Localized {
    let (from, to) = (period.from.format("%d.%m.%Y").to_string(), period.to.format("%d.%m.%Y").to_string());
    let (events, trials) = (j.observed, unit.volume);
    let rate = percent(events / trials.max(1.0));
    let target = percent(funnel.target);
    let expected = format!("{:.1}", j.expected);
    let ratio = format!("{:.1}", j.ratio);
    let (p, q) = (p_text(j.p_value), p_text(j.q_value));
    let district = district.clone().unwrap_or_default();
    let (region_ru, region_kk, region_en) =
        region.as_deref().and_then(|r| r.parse::<u8>().ok()).map(region_names).unwrap_or_default();
    // How far the ratio may be from its estimate by chance: near the bar of 1.5 a busy unit's
    // estimate overstates it, and the reader should see by how much it might.
    let (interval_ru, interval_kk, interval_en) = match interval {
        Some((low, high)) => {
            let (low, high) = (format!("{low:.1}"), format!("{high:.1}"));
            (
                format!(" С учётом одной лишь случайности истинное отношение может лежать в пределах {low}–{high} (95%-й интервал)."),
                format!(" Тек кездейсоқтықты ескергенде, нақты қатынас {low}–{high} аралығында болуы мүмкін (95% аралық)."),
                format!(" Allowing for chance alone, the true ratio may lie anywhere in {low}–{high} (95% interval)."),
            )
        }
        None => Default::default(),
    };
    let tail_ru = format!("Вероятность такого превышения случайно p {p} (с поправкой на множественные сравнения q {q}).{interval_ru} Это гипотеза для проверки процессуальными средствами, а не вывод.");
    let tail_kk = format!("Мұндай асып кетудің кездейсоқ болу ықтималдығы p {p} (көптік салыстыруға түзетумен q {q}).{interval_kk} Бұл процестік құралдармен тексерілетін болжам, қорытынды емес.");
    let tail_en = format!("The chance of an excess this large by chance is p {p} (q {q} after correcting for the many comparisons).{interval_en} A hypothesis to verify by procedural means, not a finding.");
    let (events, trials) = (events as u64, trials as u64);
    let body = body.unwrap_or("—");
    let (ru, kk, en) = match kind {
        AnomalyKind::FrequentVisits => {
            let objects = unit.objects;
            let alpha = PAIR_ALPHA;
            (
                format!("{body}, район {district}: {trials} проверок и посещений {objects} объектов за {from}–{to}. К {events} из них орган приходил намного чаще, чем дала бы его доля среди органов, посещающих объекты той же отрасли в районе (для каждого такого объекта вероятность случайно не выше {alpha}); случайно ожидалось бы {expected} таких объектов — наблюдается в {ratio} раза больше."),
                format!("{body}, {district} ауданы: {from}–{to} аралығында {objects} объектіге {trials} тексеру мен бару. Олардың {events}-іне орган аудандағы сол саладағы объектілерге баратын органдар арасындағы үлесі бергеннен әлдеқайда жиі барған (әр осындай объект үшін кездейсоқтық ықтималдығы {alpha}-ден аспайды); кездейсоқ шамамен {expected} осындай объект күтілер еді — {ratio} есе көп."),
                format!("{body}, district {district}: {trials} inspections and visits to {objects} objects in {from}–{to}. It visited {events} of them far more often than its share among the bodies visiting objects of the same industry in the district would give (for each, a chance of at most {alpha}); about {expected} such objects would be expected by chance — {ratio} times as many."),
            )
        }
        AnomalyKind::IllegalShare if unit.body.is_some() => (
            format!("{body}: {events} из {trials} проверок за {from}–{to} признаны незаконными ({rate}). С учётом районов, где орган проверял, и доли незаконных проверок в них ожидалось около {expected}; наблюдается в {ratio} раза больше."),
            format!("{body}: {from}–{to} аралығындағы {trials} тексерудің {events}-і заңсыз деп танылды ({rate}). Орган тексерген аудандар мен олардағы заңсыз тексерулер үлесін ескергенде шамамен {expected} күтілген; {ratio} есе көп."),
            format!("{body}: {events} of {trials} inspections in {from}–{to} were declared illegal ({rate}). Given the districts it inspected in and their shares of illegal inspections, about {expected} were expected; this is {ratio} times as many."),
        ),
        AnomalyKind::IllegalShare => {
            let (n_ru, n_kk, n_en) = neighbours_rate(registry, unit);
            (
                format!("Район {district} ({region_ru}): {events} из {trials} проверок за {from}–{to} признаны незаконными ({rate}){n_ru}. С учётом органов, проверявших здесь, и их доли незаконных проверок в других местах ожидалось около {expected}; наблюдается в {ratio} раза больше."),
                format!("{district} ауданы ({region_kk}): {from}–{to} аралығындағы {trials} тексерудің {events}-і заңсыз деп танылды ({rate}){n_kk}. Мұнда тексерген органдар мен олардың басқа жерлердегі заңсыз тексерулер үлесін ескергенде шамамен {expected} күтілген; {ratio} есе көп."),
                format!("District {district} ({region_en}): {events} of {trials} inspections in {from}–{to} were declared illegal ({rate}){n_en}. Given the control bodies that inspected here and their shares of illegal inspections elsewhere, about {expected} were expected; this is {ratio} times as many."),
            )
        }
        AnomalyKind::UnplannedGrowth => {
            let per_year = unit.previous / f64::from(unit.baseline_years.max(1));
            // A small average keeps its decimal, so it multiplies to the expected count shown.
            let before = if per_year < 10.0 { format!("{per_year:.1}") } else { format!("{per_year:.0}") };
            // `growth` is the others' count now over theirs in all the earlier years together; per
            // year, as a person reads "changed by", it is that times the years.
            let growth = format!("{:.2}", unit.growth * f64::from(unit.baseline_years.max(1)));
            let (place_ru, place_kk, place_en) = if unit.district.is_some() {
                (
                    format!("Район {district} ({region_ru})"),
                    format!("{district} ауданы ({region_kk})"),
                    format!("District {district} ({region_en})"),
                )
            } else {
                (region_ru.clone(), region_kk.clone(), region_en.clone())
            };
            let (years_ru, years_kk, years_en) = if unit.baseline_years > 1 {
                (
                    format!("в среднем {before} в те же дни двух предыдущих лет"),
                    format!("алдыңғы екі жылдың сол күндерінде орта есеппен {before}"),
                    format!("{before} on average in the same days of each of the two years before"),
                )
            } else {
                (
                    format!("{before} в те же дни годом ранее"),
                    format!("бір жыл бұрынғы сол күндерде {before}"),
                    format!("{before} in the same days a year before"),
                )
            };
            let (others_ru, others_kk, others_en) = if unit.district.is_some() {
                ("В остальных районах", "Қалған аудандарда", "In the other districts")
            } else {
                ("В остальных регионах", "Қалған өңірлерде", "In the other regions")
            };
            (
                format!("{place_ru}: {events} внеплановых проверок за {from}–{to} против {years_ru}. {others_ru} за те же дни их число изменилось в {growth} раза; с учётом этого ожидалось около {expected}, наблюдается в {ratio} раза больше."),
                format!("{place_kk}: {from}–{to} аралығында {events} жоспардан тыс тексеру, {years_kk}. {others_kk} сол күндері олардың саны {growth} есе өзгерді; мұны ескергенде шамамен {expected} күтілген, {ratio} есе көп."),
                format!("{place_en}: {events} unplanned inspections in {from}–{to} against {years_en}. {others_en} their number changed {growth}× over the same days; so about {expected} were expected, {ratio} times as many were seen."),
            )
        }
        AnomalyKind::RefusedSpike => {
            let c = category.unwrap_or("—");
            (
                format!("{region_ru}, категория «{c}», {from}–{to}: отказано по {events} из {trials} рассмотренных обращений ({rate}) против {target} по этой категории во всех регионах за все периоды; ожидалось около {expected}, в {ratio} раза больше."),
                format!("{region_kk}, «{c}» санаты, {from}–{to}: қаралған {trials} өтініштің {events}-іне бас тартылды ({rate}), осы санат бойынша барлық өңірлерде барлық кезеңде — {target}; шамамен {expected} күтілген, {ratio} есе көп."),
                format!("{region_en}, category “{c}”, {from}–{to}: {events} of {trials} decided appeals were refused ({rate}) against {target} for this category in all regions and periods; about {expected} were expected, {ratio} times as many were seen."),
            )
        }
        AnomalyKind::SanctionCombination => {
            let c = combination.unwrap_or("—");
            let (c_ru, c_kk, c_en) = if unit.no_violation {
                (format!("{c} при отсутствии зафиксированных нарушений"), format!("{c}, бұзушылық тіркелмеген"), format!("{c} with no violation recorded"))
            } else {
                (c.to_string(), c.to_string(), c.to_string())
            };
            (
                format!("{body}: сочетание мер «{c_ru}» в {events} из {trials} проверок за {from}–{to} ({rate}) против {target} у других органов; ожидалось около {expected}, в {ratio} раза больше."),
                format!("{body}: {from}–{to} аралығындағы {trials} тексерудің {events}-інде «{c_kk}» шаралар үйлесімі ({rate}), басқа органдарда — {target}; шамамен {expected} күтілген, {ratio} есе көп."),
                format!("{body}: the combination “{c_en}” ended {events} of {trials} inspections in {from}–{to} ({rate}) against {target} for other bodies; about {expected} were expected, {ratio} times as many were seen."),
            )
        }
    };
    Localized { ru: format!("{ru} {tail_ru}"), kk: format!("{kk} {tail_kk}"), en: format!("{en} {tail_en}") }
}

/// The share declared illegal in the other districts of the unit's region, for the explanation.
fn neighbours_rate(registry: &Registry, unit: &Unit) -> (String, String, String) {
    let Some(d) = unit.district else { return Default::default() };
    let region = d / 100;
    let (mut k, mut n) = (0u64, 0u64);
    for f in &registry.inspections {
        if f.day < unit.period.0 || f.day > unit.period.1 {
            continue;
        }
        match (f.district, f.declared_illegal) {
            (Some(x), Some(illegal)) if x / 100 == region && x != d => {
                n += 1;
                k += u64::from(illegal);
            }
            _ => {}
        }
    }
    if n == 0 {
        return Default::default();
    }
    let r = percent(k as f64 / n as f64);
    (
        format!(" против {r} в других районах области ({k} из {n})"),
        format!(", облыстың басқа аудандарында — {r} ({n}-нің {k}-і)"),
        format!(" against {r} in the region's other districts ({k} of {n})"),
    )
}

fn in_window(day: Day, window: (Day, Day)) -> bool {
    day >= window.0 && day <= window.1
}

/// A (body, object) pair is *concentrated* when a body's share of the object's visits would give
/// that many this rarely: its binomial tail (given the body visited at all) is at most this.
pub const PAIR_ALPHA: f64 = 1e-3;
/// Pseudo-pairs pulling a body's share of a district's industry towards its share of the whole
/// district: a small stratum's share is mostly noise.
const SHARE_PULL: f64 = 20.0;

/// P(X ≥ `n`) for X ~ Binomial(`visits`, `share`).
fn binomial_tail(n: u64, visits: u64, share: f64) -> f64 {
    use statrs::distribution::{Binomial, DiscreteCDF};
    match (n, Binomial::new(share, visits)) {
        (0, _) => 1.0,
        (_, Ok(b)) => b.sf(n - 1),
        (_, Err(_)) => 1.0,
    }
}

/// For an object visited `visits` times whose body holds `share` of its kind: the chance that the
/// body's visits make the pair concentrated (at most `PAIR_ALPHA` by `binomial_tail`, given at
/// least one visit). Exact under the null, so it sums to the number of concentrated pairs a unit
/// should have by chance.
fn concentration_chance(visits: u64, share: f64) -> f64 {
    let at_least_one = binomial_tail(1, visits, share);
    if at_least_one <= 0.0 {
        return 0.0;
    }
    // The fewest visits that would count as concentrated (the tail falls as n grows).
    let (mut low, mut high) = (1u64, visits + 1);
    while low < high {
        let mid = (low + high) / 2;
        if binomial_tail(mid, visits, share) / at_least_one <= PAIR_ALPHA {
            high = mid;
        } else {
            low = mid + 1;
        }
    }
    if low > visits {
        0.0
    } else {
        binomial_tail(low, visits, share) / at_least_one
    }
}

fn frequent_visits(registry: &Registry, window: (Day, Day), params: &DetectParams) -> Family {
    // Two steps, because a practice of frequent visits is a handful of objects in a body's large
    // territory: summed over the territory, their excess drowns in ordinary visits.
    //
    // 1. Each (body, object) pair: were the object's visits (by every body, in the window) shared
    //    among bodies as visits to objects of its kind are — the body's share of the objects of
    //    the same district and industry it reached — the body's visits would be Binomial(V, s). A
    //    pair is concentrated when that makes its count improbable (PAIR_ALPHA). Popular objects
    //    expect many visits from every body; specialised bodies have a large share of their kind.
    // 2. Each body × district: how many concentrated pairs it has, against the number chance gives
    //    (the sum of every pair's exact chance of being concentrated), by the Poisson tail.
    let mut pairs: HashMap<(u32, u32, u16), Vec<usize>> = HashMap::new();
    let mut object_visits: HashMap<u32, u64> = HashMap::new();
    let mut section_of: HashMap<u32, Option<u8>> = HashMap::new();
    for (i, f) in registry.inspections.iter().enumerate() {
        let (true, Some(d)) = (in_window(f.day, window), f.district) else { continue };
        pairs.entry((f.body, f.subject, d)).or_default().push(i);
        *object_visits.entry(f.subject).or_default() += 1;
        section_of.entry(f.subject).or_insert(f.oked_section);
    }
    // Shares by objects reached (first visits), so the repeats under test do not inflate them.
    let mut reached: HashMap<(u32, u16, Option<u8>), f64> = HashMap::new();
    let mut stratum: HashMap<(u16, Option<u8>), f64> = HashMap::new();
    let mut reached_in_district: HashMap<(u32, u16), f64> = HashMap::new();
    let mut district_pairs: HashMap<u16, f64> = HashMap::new();
    for &(body, subject, d) in pairs.keys() {
        let section = section_of[&subject];
        *reached.entry((body, d, section)).or_default() += 1.0;
        *stratum.entry((d, section)).or_default() += 1.0;
        *reached_in_district.entry((body, d)).or_default() += 1.0;
        *district_pairs.entry(d).or_default() += 1.0;
    }
    let mut chance_cache: HashMap<(u64, u64), f64> = HashMap::new();
    let mut units: HashMap<(u32, u16), Unit> = HashMap::new();
    let mut keys: Vec<&(u32, u32, u16)> = pairs.keys().collect();
    keys.sort_unstable();
    for key in keys {
        let (body, subject, d) = *key;
        let visits = &pairs[key];
        let section = section_of[&subject];
        let district_share = reached_in_district[&(body, d)] / district_pairs[&d];
        let share = ((reached[&(body, d, section)] + SHARE_PULL * district_share)
            / (stratum[&(d, section)] + SHARE_PULL))
            .clamp(1e-9, 1.0 - 1e-9);
        let object_total = object_visits[&subject];
        let n = visits.len() as u64;
        let unit = units.entry((body, d)).or_insert_with(|| Unit {
            body: Some(body),
            district: Some(d),
            period: window,
            ..Unit::default()
        });
        unit.volume += n as f64;
        unit.objects += 1;
        unit.trials += *chance_cache
            .entry((object_total, share.to_bits()))
            .or_insert_with(|| concentration_chance(object_total, share));
        let at_least_one = binomial_tail(1, object_total, share);
        if n >= 2 && at_least_one > 0.0 && binomial_tail(n, object_total, share) / at_least_one <= PAIR_ALPHA {
            unit.events += 1.0;
            unit.evidence.extend(visits.iter().copied());
            unit.subjects.push(subject);
        }
    }
    Family {
        kind: AnomalyKind::FrequentVisits,
        scale: Scale::Ratio,
        groups: vec![("frequent_visits".into(), sorted(units))],
        min_volume: f64::from(params.min_inspections),
        appeals: false,
        judge: Judge::Exact,
    }
}

fn sorted<K: Ord + Copy>(units: HashMap<K, Unit>) -> Vec<Unit> {
    let mut list: Vec<(K, Unit)> = units.into_iter().collect();
    list.sort_by_key(|(k, _)| *k);
    list.into_iter().map(|(_, u)| u).collect()
}

fn illegal_share(registry: &Registry, window: (Day, Day), params: &DetectParams) -> Family {
    // One model for both: an inspection is declared illegal at the overall rate times its body's
    // factor times its district's factor, fitted by standardising each against the other in turn
    // until they settle (a Poisson model with two factors, fitted by iterative proportional
    // fitting). One pass of indirect standardisation let them hide each other: a district office
    // working only in its district carries the district's excess in its own rate, so the district
    // looked as expected (an independent registry's district with four times its neighbours'
    // share was missed). Fitted jointly, the excess goes to the district when every body sees it
    // there, and to the body when it shows wherever the body works. A district is then judged
    // against what its bodies' factors give, a body against what its districts' give. Factors are
    // pulled towards 1 by 20 pseudo-inspections at the overall rate (a small unit has no rate yet).
    let facts = &registry.inspections;
    let known: Vec<usize> =
        (0..facts.len()).filter(|&i| in_window(facts[i].day, window) && facts[i].declared_illegal.is_some()).collect();
    let illegal = |i: usize| facts[i].declared_illegal == Some(true);
    let overall = known.iter().filter(|&&i| illegal(i)).count() as f64 / known.len().max(1) as f64;
    let (body_factor, district_factor) = two_factor_fit(facts, &known, overall);
    let mut districts: HashMap<u16, Unit> = HashMap::new();
    let mut bodies: HashMap<u32, Unit> = HashMap::new();
    for &i in &known {
        let f = &facts[i];
        let mut units: Vec<(&mut Unit, f64)> = Vec::with_capacity(2);
        if let Some(d) = f.district {
            let expected = overall * body_factor[&f.body];
            units.push((
                districts.entry(d).or_insert_with(|| Unit { district: Some(d), period: window, ..Unit::default() }),
                expected,
            ));
        }
        let expected = overall * district_factor[&f.district];
        units.push((
            bodies.entry(f.body).or_insert_with(|| Unit { body: Some(f.body), period: window, ..Unit::default() }),
            expected,
        ));
        for (unit, expected) in units {
            unit.volume += 1.0;
            unit.trials += expected;
            if illegal(i) {
                unit.events += 1.0;
                unit.evidence.push(i);
                unit.subjects.push(f.subject);
            }
        }
    }
    // A body's region: where (nearly) all its inspections are. One pass, not one per body.
    let mut regions: HashMap<u32, Vec<Option<u8>>> = HashMap::new();
    for &i in &known {
        regions.entry(facts[i].body).or_default().push(facts[i].region);
    }
    let mut bodies = sorted(bodies);
    for unit in &mut bodies {
        let seen = unit.body.and_then(|b| regions.remove(&b)).unwrap_or_default();
        unit.region = dominant(seen.into_iter());
    }
    Family {
        kind: AnomalyKind::IllegalShare,
        scale: Scale::Ratio,
        groups: vec![
            ("illegal_share/district".into(), sorted(districts)),
            ("illegal_share/control_body".into(), bodies),
        ],
        min_volume: f64::from(params.min_inspections),
        appeals: false,
        judge: Judge::Peers,
    }
}

/// Pseudo-inspections at the overall rate that pull a body's or a district's factor towards 1.
const FACTOR_PULL: f64 = 20.0;

/// A (body, district) cell of inspections: (illegal, inspections).
type Cell = ((u32, Option<u16>), (f64, f64));

/// The body and district factors of `illegal = overall × body × district`, fitted to the
/// inspections `known` (indexes into `facts`, each with a known outcome) by alternating the two
/// standardisations until no factor moves by more than 1e-6 (at most 100 rounds).
fn two_factor_fit(
    facts: &[ekn_domain::facts::InspectionFact],
    known: &[usize],
    overall: f64,
) -> (HashMap<u32, f64>, HashMap<Option<u16>, f64>) {
    // The inspections collapse into (body, district) cells, so a round costs the cells, not the rows.
    let mut cells: HashMap<(u32, Option<u16>), (f64, f64)> = HashMap::new();
    for &i in known {
        let cell = cells.entry((facts[i].body, facts[i].district)).or_default();
        cell.0 += f64::from(u8::from(facts[i].declared_illegal == Some(true)));
        cell.1 += 1.0;
    }
    // In a fixed order, so the fit's floating-point sums are the same on every run.
    let mut cells: Vec<Cell> = cells.into_iter().collect();
    cells.sort_by_key(|c| c.0);
    let mut body: HashMap<u32, f64> = cells.iter().map(|((b, _), _)| (*b, 1.0)).collect();
    let mut district: HashMap<Option<u16>, f64> = cells.iter().map(|((_, d), _)| (*d, 1.0)).collect();
    let pull = FACTOR_PULL * overall;
    for _ in 0..100 {
        let mut sums: HashMap<Option<u16>, (f64, f64)> = HashMap::new();
        for ((b, d), (y, n)) in &cells {
            let s = sums.entry(*d).or_default();
            s.0 += y;
            s.1 += n * overall * body[b];
        }
        let mut moved = 0.0f64;
        for (d, (y, e)) in sums {
            let factor = (y + pull) / (e + pull);
            moved = moved.max((factor - district[&d]).abs());
            district.insert(d, factor);
        }
        let mut sums: HashMap<u32, (f64, f64)> = HashMap::new();
        for ((b, d), (y, n)) in &cells {
            let s = sums.entry(*b).or_default();
            s.0 += y;
            s.1 += n * overall * district[d];
        }
        for (b, (y, e)) in sums {
            let factor = (y + pull) / (e + pull);
            moved = moved.max((factor - body[&b]).abs());
            body.insert(b, factor);
        }
        if moved < 1e-6 {
            break;
        }
    }
    (body, district)
}

/// Growth of unplanned inspections is judged on half-years (182 days) ending every quarter
/// (91 days) back from the last day.
const GROWTH_SPAN: i32 = 182;
const GROWTH_STEP: i32 = 91;
/// How many earlier years, at most, a half-year is compared with (the same days a year and two
/// years before: the season is the same).
const GROWTH_BASELINE_YEARS: i32 = 2;

fn unplanned_growth(registry: &Registry, window: (Day, Day), params: &DetectParams) -> Family {
    // Each region and each district against its own past: its unplanned inspections in a
    // half-year against the same days a year (and two years) before — so the season is the same —
    // scaled by how much everyone else's changed over the same days (so a country-wide rise or a
    // new law is not a local growth). Under no growth, the half-year's share of the unit's
    // inspections in both periods is the others' share (`judge_each`, with the spread beyond
    // chance of the units on the same half-year); the reported ratio is the count against the
    // expected count. Judged against peers over fixed years only, a region whose unplanned
    // inspections grew fourfold for one half-year was missed: a whole year dilutes it, and a
    // share of two years cannot show more than a doubling.
    let (start, end) = window;
    // With no inspections there is no earlier year, so no half-year below.
    let first = registry.inspections.first().map_or(end, |f| f.day);
    // The half-years: the latest ends on the last day; each needs at least one earlier year of data.
    let mut spans: Vec<(Day, Day, i32)> = Vec::new();
    let mut to = end;
    loop {
        let from = to - GROWTH_SPAN + 1;
        let years = (1..=GROWTH_BASELINE_YEARS).take_while(|k| from - 365 * k >= first).count() as i32;
        if from < start || years == 0 {
            break;
        }
        spans.push((from, to, years));
        to -= GROWTH_STEP;
    }
    spans.reverse();
    // Units: (span, level, place), where level 0 is a region (its code) and 1 a district.
    let mut units: HashMap<(usize, u8, u16), Unit> = HashMap::new();
    for (i, f) in registry.inspections.iter().enumerate() {
        if f.kind != InspectionKind::Unplanned {
            continue;
        }
        for (s, &(from, to, years)) in spans.iter().enumerate() {
            let now = f.day >= from && f.day <= to;
            let before = (1..=years).any(|k| f.day >= from - 365 * k && f.day <= to - 365 * k);
            if !now && !before {
                continue;
            }
            let places = [(0u8, f.region.map(u16::from)), (1u8, f.district)];
            for (level, place) in places {
                let Some(place) = place else { continue };
                let unit = units.entry((s, level, place)).or_insert_with(|| Unit {
                    region: if level == 0 { Some(place as u8) } else { Some((place / 100) as u8) },
                    district: (level == 1).then_some(place),
                    period: (from, to),
                    baseline_years: years as u32,
                    ..Unit::default()
                });
                unit.volume += 1.0;
                unit.trials += 1.0;
                if now {
                    unit.events += 1.0;
                    unit.evidence.push(i);
                    unit.subjects.push(f.subject);
                } else {
                    unit.previous += 1.0;
                }
            }
        }
    }
    // Each unit's null: everyone else's change over the same days (leave-one-out, so a large
    // unit's own growth does not raise the bar it is judged against).
    let mut totals: HashMap<(usize, u8), (f64, f64)> = HashMap::new();
    for (&(s, level, _), u) in &units {
        let t = totals.entry((s, level)).or_default();
        t.0 += u.events;
        t.1 += u.previous;
    }
    let mut groups: HashMap<(usize, u8), Vec<Unit>> = HashMap::new();
    let mut keys: Vec<(usize, u8, u16)> = units.keys().copied().collect();
    keys.sort_unstable();
    for key in keys {
        let mut unit = units.remove(&key).unwrap_or_default();
        let (now, before) = totals[&(key.0, key.1)];
        let (others_now, others_before) = (now - unit.events, before - unit.previous);
        if others_now <= 0.0 || others_before <= 0.0 {
            continue;
        }
        unit.growth = others_now / others_before;
        unit.null_share = unit.growth / (unit.growth + 1.0);
        groups.entry((key.0, key.1)).or_default().push(unit);
    }
    let mut names: Vec<(usize, u8)> = groups.keys().copied().collect();
    names.sort_unstable();
    Family {
        kind: AnomalyKind::UnplannedGrowth,
        scale: Scale::Proportion,
        groups: names
            .into_iter()
            .map(|(s, level)| {
                let level_name = if level == 0 { "region" } else { "district" };
                let name = format!("unplanned_growth/{level_name}/{}", date_of(spans[s].0));
                (name, groups.remove(&(s, level)).unwrap_or_default())
            })
            .collect(),
        min_volume: f64::from(params.min_inspections),
        appeals: false,
        judge: Judge::OwnPast,
    }
}

/// The first day of the month `months` after `day`'s month.
fn month_start(day: Day, months: i32) -> Day {
    let d = date_of(day);
    let first = NaiveDate::from_ymd_opt(d.year(), d.month(), 1).unwrap_or(d);
    let moved = if months >= 0 {
        first.checked_add_months(Months::new(months as u32))
    } else {
        first.checked_sub_months(Months::new((-months) as u32))
    };
    day_of(moved.unwrap_or(first))
}

fn refused_spike(registry: &Registry, window: (Day, Day), params: &DetectParams) -> Family {
    // Three-month windows starting on every month in the analysis window: an appeal decided in
    // a month belongs to the windows starting that month and the two before.
    let mut groups: HashMap<u16, HashMap<(u8, Day), Unit>> = HashMap::new();
    for (i, a) in registry.appeals.iter().enumerate() {
        let (Some(outcome), Some(category), Some(region)) = (a.outcome, a.category, a.region) else { continue };
        let day = a.decided.unwrap_or(a.received);
        if !in_window(day, window) {
            continue;
        }
        let month = month_start(day, 0);
        for k in 0..3 {
            let start = month_start(month, -k);
            if start < month_start(window.0, 0) {
                continue;
            }
            let end = (month_start(start, 3) - 1).min(window.1);
            let unit = groups.entry(category).or_default().entry((region, start)).or_insert_with(|| Unit {
                region: Some(region),
                category: Some(category),
                period: (start, end),
                ..Unit::default()
            });
            unit.trials += 1.0;
            unit.volume += 1.0;
            if outcome == AppealOutcome::Refused {
                unit.events += 1.0;
                unit.evidence.push(i);
                unit.subjects.extend(a.subject);
            }
        }
    }
    let mut list: Vec<_> = groups.into_iter().collect();
    list.sort_by_key(|(c, _)| *c);
    Family {
        kind: AnomalyKind::RefusedSpike,
        scale: Scale::Proportion,
        groups: list
            .into_iter()
            .map(|(c, units)| {
                let name =
                    format!("refused_spike/{}", registry.categories.get(c as usize).cloned().unwrap_or_default());
                (name, sorted(units))
            })
            .collect(),
        min_volume: f64::from(params.min_appeals),
        appeals: true,
        judge: Judge::Peers,
    }
}

fn sanction_combination(registry: &Registry, window: (Day, Day), params: &DetectParams) -> Family {
    // An unusual combination: two or more measures, or any measure with no violation recorded.
    // Its code is the sanction set's index, doubled, plus one when no violation was recorded.
    let unusual = |f: &ekn_domain::facts::InspectionFact| -> Option<u32> {
        let set = registry.sanction_sets.get(f.sanctions as usize)?;
        if set.is_empty() {
            return None;
        }
        let several = set.contains(" + ");
        let without = f.violations == 0;
        (several || without).then_some(u32::from(f.sanctions) * 2 + u32::from(without))
    };
    let mut totals: HashMap<u32, (f64, Vec<Option<u8>>)> = HashMap::new();
    let mut combos: HashMap<u32, HashMap<u32, Unit>> = HashMap::new();
    for f in registry.inspections.iter().filter(|f| in_window(f.day, window)) {
        let t = totals.entry(f.body).or_default();
        t.0 += 1.0;
        t.1.push(f.region);
    }
    for (i, f) in registry.inspections.iter().enumerate() {
        if !in_window(f.day, window) {
            continue;
        }
        let Some(code) = unusual(f) else { continue };
        let unit = combos.entry(code).or_default().entry(f.body).or_insert_with(|| Unit {
            body: Some(f.body),
            combination: Some((code / 2) as u16),
            no_violation: code % 2 == 1,
            period: window,
            ..Unit::default()
        });
        unit.events += 1.0;
        unit.evidence.push(i);
        unit.subjects.push(f.subject);
    }
    let mut codes: Vec<u32> = combos.keys().copied().collect();
    codes.sort_unstable();
    let mut groups = Vec::new();
    for code in codes {
        let mut units = combos.remove(&code).unwrap_or_default();
        // Every body is a peer, with zero events if it never used the combination.
        for (&body, (n, regions)) in &totals {
            let unit = units.entry(body).or_insert_with(|| Unit {
                body: Some(body),
                combination: Some((code / 2) as u16),
                no_violation: code % 2 == 1,
                period: window,
                ..Unit::default()
            });
            unit.trials = *n;
            unit.volume = *n;
            unit.region = dominant(regions.iter().copied());
        }
        let name = format!(
            "sanction_combination/{}{}",
            registry.sanction_sets.get((code / 2) as usize).cloned().unwrap_or_default(),
            if code % 2 == 1 { " (no violation)" } else { "" }
        );
        groups.push((name, sorted(units)));
    }
    Family {
        kind: AnomalyKind::SanctionCombination,
        scale: Scale::Proportion,
        groups,
        min_volume: f64::from(params.min_inspections),
        appeals: false,
        judge: Judge::Peers,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ekn_domain::facts::{InspectionFact, SubjectFact};
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn a_pairs_chance_of_concentration_is_its_exact_tail_at_the_critical_count() {
        // Two visits can never be improbable enough; ten visits of a 10% body can.
        assert_eq!(concentration_chance(2, 0.1), 0.0);
        let chance = concentration_chance(10, 0.1);
        assert!(chance > 0.0 && chance <= PAIR_ALPHA, "{chance}");
        let given_one = binomial_tail(1, 10, 0.1);
        // The critical count is the first whose conditional tail is at most PAIR_ALPHA.
        let critical = (1..=10).find(|&n| binomial_tail(n, 10, 0.1) / given_one <= PAIR_ALPHA).unwrap();
        assert!((chance - binomial_tail(critical, 10, 0.1) / given_one).abs() < 1e-15);
        assert!(binomial_tail(critical - 1, 10, 0.1) / given_one > PAIR_ALPHA);
    }

    /// One district, ten bodies visiting objects at random (some objects far more popular than
    /// others); with `planted`, body 3 also returns to eight small objects twelve times each —
    /// 96 visits in a territory of about 3,000.
    fn registry(seed: u64, planted: bool) -> Registry {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let objects = 4_000u32;
        let mut r = Registry {
            bodies: (0..10).map(|i| format!("body {i}")).collect(),
            subjects: (0..objects)
                .map(|i| SubjectFact { bin: format!("{i:012}"), name: None, oked: None, oked_section: None })
                .collect(),
            sanction_sets: vec![String::new()],
            ..Registry::default()
        };
        let mut visits: Vec<(u32, u32, i32)> = (0..30_000)
            .map(|_| {
                let u: f64 = rng.random();
                ((u * u * f64::from(objects)) as u32, rng.random_range(0..10u32), rng.random_range(0..1000))
            })
            .collect();
        if planted {
            for subject in (objects - 8)..objects {
                visits.extend((0..12).map(|_| (subject, 3, rng.random_range(0..1000))));
            }
        }
        visits.sort_by_key(|v| v.2);
        r.inspections = visits
            .into_iter()
            .enumerate()
            .map(|(k, (subject, body, day))| InspectionFact {
                id: k as i64,
                registry_no: format!("R{k}").into(),
                subject,
                body,
                kind: InspectionKind::Unplanned,
                day: 739_000 + day,
                district: Some(1920),
                region: Some(19),
                kato: None,
                oked_section: Some(b'G'),
                violations: 0,
                sanctions: 0,
                appealed: None,
                declared_illegal: None,
                subject_size: None,
            })
            .collect();
        r
    }

    fn frequent(registry: &Registry) -> Vec<Anomaly> {
        let today = date_of(registry.last_day().unwrap());
        detect(registry, today, &DetectParams::default())
            .anomalies
            .into_iter()
            .filter(|a| a.kind == AnomalyKind::FrequentVisits)
            .collect()
    }

    /// Thirty districts, each inspected mostly (85%) by four bodies of its own and otherwise by
    /// two national ones, 3% declared illegal; with `planted`, every body in district 3530 is
    /// declared illegal four times as often. Its own bodies carry its excess in their rates, so
    /// standardising the district by their rates alone (one pass) saw nothing unusual there.
    fn local_bodies(seed: u64, planted: bool) -> Registry {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let districts: Vec<u16> = (0..30).map(|k| 3510 + 2 * k).collect();
        let mut r = Registry {
            bodies: (0..2)
                .map(|n| format!("national {n}"))
                .chain(districts.iter().flat_map(|d| (0..4).map(move |n| format!("local {d}-{n}"))))
                .collect(),
            subjects: (0..3_000u32)
                .map(|i| SubjectFact { bin: format!("{i:012}"), name: None, oked: None, oked_section: None })
                .collect(),
            sanction_sets: vec![String::new()],
            ..Registry::default()
        };
        r.inspections = (0..12_000)
            .map(|k| {
                let d = rng.random_range(0..districts.len());
                let body = if rng.random_bool(0.15) {
                    rng.random_range(0..2)
                } else {
                    2 + 4 * d as u32 + rng.random_range(0..4)
                };
                let rate = if planted && districts[d] == 3530 { 0.12 } else { 0.03 };
                InspectionFact {
                    id: k as i64,
                    registry_no: format!("R{k}").into(),
                    subject: rng.random_range(0..3_000),
                    body,
                    kind: InspectionKind::Planned,
                    day: 739_000 + rng.random_range(0..1000),
                    district: Some(districts[d]),
                    region: Some(35),
                    kato: None,
                    oked_section: Some(b'G'),
                    violations: 1,
                    sanctions: 0,
                    appealed: None,
                    declared_illegal: Some(rng.random_bool(rate)),
                    subject_size: None,
                }
            })
            .collect();
        r.inspections.sort_by_key(|f| f.day);
        r
    }

    #[test]
    fn a_district_whose_own_bodies_all_share_its_excess_is_named_and_its_clean_twin_is_not() {
        for seed in 1..=3 {
            let listed = |planted: bool| {
                let registry = local_bodies(seed, planted);
                let today = date_of(registry.last_day().unwrap());
                detect(&registry, today, &DetectParams::default())
                    .anomalies
                    .into_iter()
                    .filter(|a| a.kind == AnomalyKind::IllegalShare && a.control_body.is_none())
                    .map(|a| a.district.unwrap_or_default())
                    .collect::<Vec<_>>()
            };
            assert_eq!(listed(true), vec!["3530".to_string()], "seed {seed}");
            assert!(listed(false).is_empty(), "seed {seed}: {:?}", listed(false));
        }
    }

    #[test]
    fn a_listed_ratio_comes_with_its_interval_from_chance_in_every_language() {
        let registry = local_bodies(1, true);
        let today = date_of(registry.last_day().unwrap());
        let detection = detect(&registry, today, &DetectParams::default());
        assert!(!detection.anomalies.is_empty());
        for a in &detection.anomalies {
            let (low, high) = a.ratio_interval.unwrap_or_else(|| panic!("{} has no interval", a.key));
            assert!(low < a.ratio && a.ratio < high, "{}: {low} < {} < {high}", a.key, a.ratio);
            let shown = format!("{low:.1}–{high:.1}");
            for text in [&a.explanation.ru, &a.explanation.kk, &a.explanation.en] {
                assert!(text.contains(&shown), "{text}");
            }
        }
        // The planted district's excess is beyond chance: its whole interval is above 1.
        let district = detection.anomalies.iter().find(|a| a.district.as_deref() == Some("3530")).unwrap();
        assert!(district.ratio_interval.unwrap().0 > 1.0, "{:?}", district.ratio_interval);
    }

    #[test]
    fn a_few_objects_visited_again_and_again_stand_out_in_a_large_territory_and_chance_does_not() {
        for seed in 1..=3 {
            let found = frequent(&registry(seed, true));
            assert_eq!(found.len(), 1, "seed {seed}: {found:?}");
            assert_eq!(found[0].control_body.as_deref(), Some("body 3"));
            assert!(found[0].observed >= 8.0 && found[0].ratio > 10.0, "{:?}", found[0]);
            assert!(found[0].explanation.kk.contains("1920"));
            let clean = frequent(&registry(seed, false));
            assert!(clean.is_empty(), "seed {seed}, nothing planted: {clean:?}");
        }
    }
}
