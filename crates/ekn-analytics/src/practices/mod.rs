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
//!   bodies' use of the same combination;
//! - `neighbours`: per district, the share of inspections declared illegal against the pooled
//!   share of the districts bordering it (issue 63; the map in `assets/geo`).
//!
//! A unit is listed when its Benjamini–Hochberg q-value is within the false-discovery rate AND it
//! is at least `min_ratio` times its expectation (significant and large enough to matter). Every
//! anomaly says, in Russian, Kazakh and English, what was compared with what, by how much, how
//! sure, and that it is a hypothesis to verify, never a finding.

//!
//! `families` builds each kind's units from the registry; `words` says what a listed one means.

mod families;
mod words;

pub use families::PAIR_ALPHA;
use families::*;
use words::*;

use std::collections::HashMap;

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use super::anomalies::{
    adjust, judge_each, judge_exact, judge_unadjusted, ratio_interval, Funnel, Judgement, Scale, UnitCounts,
};
use ekn_domain::districts::compared_with;
use ekn_domain::facts::{date_of, day_of, district_text, region_text, AppealOutcome, Day, Registry};
use ekn_domain::norms::Localized;
use ekn_domain::records::{InspectionKind, SubjectSize};
use ekn_domain::territory::REGIONS;

/// The method's version, named by every anomaly.
/// v2: `frequent_visits` counts concentrated (body, object) pairs against their exact chance.
/// v3: `illegal_share` from one model of bodies and districts fitted together; `unplanned_growth`
/// per region and district, each half-year against the same days of its own earlier years.
/// v4: `neighbours` for small business's unplanned share and appeals by category too, Fisher's exact
/// tail in its p-value's floor, a city inside one district against its region's units.
pub const METHOD: &str = "funnel-spiegelhalter-bh-v4";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum AnomalyKind {
    FrequentVisits,
    IllegalShare,
    UnplannedGrowth,
    RefusedSpike,
    SanctionCombination,
    Neighbours,
}

impl AnomalyKind {
    pub const ALL: [AnomalyKind; 6] = [
        AnomalyKind::FrequentVisits,
        AnomalyKind::IllegalShare,
        AnomalyKind::UnplannedGrowth,
        AnomalyKind::RefusedSpike,
        AnomalyKind::SanctionCombination,
        AnomalyKind::Neighbours,
    ];

    pub fn code(self) -> &'static str {
        match self {
            AnomalyKind::FrequentVisits => "frequent_visits",
            AnomalyKind::IllegalShare => "illegal_share",
            AnomalyKind::UnplannedGrowth => "unplanned_growth",
            AnomalyKind::RefusedSpike => "refused_spike",
            AnomalyKind::SanctionCombination => "sanction_combination",
            AnomalyKind::Neighbours => "neighbours",
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
    /// For `neighbours`: the bordering districts pooled, and their declared-illegal and inspections.
    neighbours: Vec<u16>,
    /// For `neighbours`: a city inside one district, compared with its region's units instead.
    enclosed: bool,
    neighbour_events: f64,
    neighbour_trials: f64,
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
    /// Each district against the pooled share of the districts bordering it
    /// (`neighbours::judge_against_neighbours`).
    Neighbours,
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
        neighbours(registry, window, params),
        neighbours_appeals(registry, window, params),
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

fn judge_family(registry: &Registry, mut family: Family, params: &DetectParams, out: &mut Detection) {
    let scale = family.scale;
    let mut judged: Vec<(usize, usize, Judgement)> = Vec::new();
    let mut funnels: Vec<Funnel> = Vec::new();
    let mut count = 0;
    if family.judge == Judge::Neighbours {
        pool_neighbours(&mut family);
    }
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
            Judge::Neighbours => judge_neighbours(units, &counts, family.min_volume),
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
    // A kind judged in two families (the neighbours' inspections and appeals) counts once.
    match out.units_judged.iter_mut().find(|(kind, _)| *kind == family.kind) {
        Some((_, units)) => *units += count,
        None => out.units_judged.push((family.kind, count)),
    }
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
        // Each district against its own neighbours has no one funnel to draw.
        if f.units == 0 || family.judge == Judge::Neighbours {
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

/// Sets each district's bordering districts with data, and their pooled counts, for judging and
/// for the words.
fn pool_neighbours(family: &mut Family) {
    for (_, units) in &mut family.groups {
        let by_district: HashMap<u16, (f64, f64)> =
            units.iter().filter_map(|u| u.district.map(|d| (d, (u.events, u.trials)))).collect();
        for unit in units.iter_mut() {
            // A city inside one district has one peer: its region's units stand in for neighbours.
            let compared = unit.district.and_then(|d| compared_with(d, |n| by_district.contains_key(&n)));
            let Some((around, enclosed)) = compared else { continue };
            unit.enclosed = enclosed;
            unit.neighbours = around;
            for n in &unit.neighbours {
                unit.neighbour_events += by_district[n].0;
                unit.neighbour_trials += by_district[n].1;
            }
        }
    }
}

/// The districts of one group against their neighbours: judgements (q-values set by the family's
/// adjustment) and a funnel that draws nothing (each district has a target of its own).
fn judge_neighbours(units: &[Unit], counts: &[UnitCounts], min_volume: f64) -> Option<(Vec<Judgement>, Funnel)> {
    let index: HashMap<u16, String> = counts
        .iter()
        .filter_map(|c| units[c.key.parse::<usize>().unwrap_or(0)].district.map(|d| (d, c.key.clone())))
        .collect();
    let adjacency: std::collections::BTreeMap<String, Vec<String>> = counts
        .iter()
        .map(|c| {
            let unit = &units[c.key.parse::<usize>().unwrap_or(0)];
            (c.key.clone(), unit.neighbours.iter().filter_map(|n| index.get(n).cloned()).collect())
        })
        .collect();
    let judged = crate::neighbours::judge_against_neighbours(counts, &adjacency, min_volume, 1.0);
    if judged.is_empty() {
        return None;
    }
    let n = judged.len();
    let judgements = judged.into_iter().map(|j| j.judgement).collect();
    Some((judgements, Funnel { target: 0.0, tau2: 0.0, proportion: true, units: n, exact: true }))
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
