//! A second registry generator, written apart from the demo's (`generator/mod.rs`) and from the
//! anomaly detectors, so that what the detectors find can be measured on data they were not built
//! on (issue 23, `studies::power`). It makes the analytics' view of a registry (`Registry`)
//! directly, in memory, so a study can make hundreds of them.
//!
//! Its structure is its own: 14 of the 20 regions, each with 3 to 17 districts of log-normally
//! spread size; three tiers of control bodies — national committees working everywhere, regional
//! departments across their region, and district offices in about half the districts — each with
//! its own rate of inspections declared illegal (log-normal around 3%, so bodies differ by more than
//! chance) and its own share of unplanned inspections; monthly seasonality (January and August low,
//! spring and November high), a national rise of 6% a year, and a small random effect of every
//! district on every rate. Appeals come in eight categories, each refused at its own rate.
//!
//! One effect at a time may be planted, of a chosen size, in a unit chosen from the seed among the
//! middle-sized ones; the same spec without the plant is its clean twin. The plant's own draws come
//! from a stream of their own, so the twin is the same registry but for what was planted.

use chrono::{Datelike, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::domain::facts::{day_of, district_text, AppealFact, AppealOutcome, InspectionFact, Registry, SubjectFact};
use crate::domain::records::InspectionKind;
use crate::domain::territory::REGIONS;

/// What to make.
#[derive(Debug, Clone, PartialEq)]
pub struct SecondSpec {
    pub seed: u64,
    /// Inspections a year over the whole registry, before seasonality and trend.
    pub per_year: usize,
    /// Appeals a year.
    pub appeals_per_year: usize,
    pub years: u32,
    /// The last day of the registry.
    pub end: NaiveDate,
    pub plant: Option<Plant>,
    /// How an inspection comes to be declared illegal.
    pub outcomes: Outcomes,
}

/// The outcome process of inspections declared illegal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcomes {
    /// The body's own rate times the district's effect (and a plant's): what the power study of
    /// the detectors plants into.
    #[default]
    Rates,
    /// A process with more to it, for measuring risk models (`ekn risk study`): on the log-odds
    /// scale, the body's rate and the district's effect, plus an unplanned inspection (+0.8), a
    /// preventive visit (−0.5), a return of the same body soon after its last visit (+0.9 decaying
    /// with a 90-day scale), an unplanned inspection by a district office (+0.7 more: an
    /// interaction), and each object's own propensity (normal, sd 0.6; litigious owners). Plants
    /// are ignored. The true probability of each inspection is kept in `Truth`.
    Process,
}

/// An effect planted in one unit.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "effect", rename_all = "snake_case")]
pub enum Plant {
    /// One district's inspections are declared illegal `factor` times as often, whichever body
    /// inspected there (the district's practice, not a body's).
    DistrictIllegal { factor: f64 },
    /// One regional department's inspections are declared illegal `factor` times as often as a
    /// typical body's (its own rate replaced: bodies differ by design, so a factor on a body that
    /// was already low would plant less than it says).
    BodyIllegal { factor: f64 },
    /// One region's unplanned inspections are `factor` times as many in the last half-year.
    RegionUnplannedGrowth { factor: f64 },
    /// One district office returns to `objects` objects of its district `visits` times each within
    /// the last year.
    FrequentVisits { objects: usize, visits: usize },
    /// One regional department records suspension with a fine in `share` of its inspections,
    /// violations found or not.
    SanctionCombination { share: f64 },
    /// Appeals of one category in one region are refused `factor` times as often (at most 95%)
    /// for three months ending two months before the last day.
    RefusedSpike { factor: f64 },
}

impl Plant {
    /// The anomaly kind that should find it (`analytics::practices::AnomalyKind` codes).
    pub fn kind(&self) -> &'static str {
        match self {
            Plant::DistrictIllegal { .. } | Plant::BodyIllegal { .. } => "illegal_share",
            Plant::RegionUnplannedGrowth { .. } => "unplanned_growth",
            Plant::FrequentVisits { .. } => "frequent_visits",
            Plant::SanctionCombination { .. } => "sanction_combination",
            Plant::RefusedSpike { .. } => "refused_spike",
        }
    }
}

/// What the registry truly holds, to tell a find from a false alarm: the plant, and each body's
/// own rate of inspections declared illegal (the bodies differ by design; a body listed for a rate
/// truly far above the others' is right, not a false alarm).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Truth {
    pub planted: Option<Planted>,
    /// Each body's name and its own illegal rate (before district effects and plants).
    pub body_illegal: Vec<(String, f64)>,
    /// Each district's own effect on the illegal rate (its four KATO digits, the factor; before
    /// plants): a district the generator truly raised is not a false alarm.
    pub district_illegal: Vec<(String, f64)>,
    /// The rate over every inspection, as drawn.
    pub overall_illegal: f64,
    /// With `Outcomes::Process`: each inspection's true probability of being declared illegal, in
    /// the registry's order (what an oracle would predict).
    pub outcome_probability: Vec<f64>,
}

/// Where the effect was planted, to tell a find from a false alarm.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Planted {
    pub plant: Plant,
    pub region: Option<String>,
    pub district: Option<String>,
    pub body: Option<String>,
    pub category: Option<String>,
    pub combination: Option<String>,
}

const CATEGORIES: [&str; 8] = [
    "Трудовые права",
    "Жилищные вопросы",
    "Земельные отношения",
    "Социальное обеспечение",
    "Здравоохранение",
    "Образование",
    "Предпринимательство",
    "Коммунальные услуги",
];
const SINGLE_MEASURES: [&str; 3] = ["штраф", "предписание об устранении нарушений", "предупреждение"];
const COMMON_PAIR: &str = "предписание об устранении нарушений + штраф";
const PLANTED_COMBINATION: &str = "приостановление деятельности + штраф";
/// A typical body's rate of inspections declared illegal (the median of the log-normal spread).
const TYPICAL_ILLEGAL: f64 = 0.03;
/// Month weights, January first: winter and August holidays low, spring and November high.
const SEASON: [f64; 12] = [0.55, 0.85, 1.15, 1.25, 1.2, 1.0, 0.8, 0.6, 1.05, 1.15, 1.3, 1.0];

struct District {
    code: u16,
    region: u8,
    weight: f64,
    /// Its own small effect on the illegal rate.
    effect: f64,
    office: Option<usize>,
    subjects: Vec<u32>,
}

struct Body {
    name: String,
    illegal: f64,
    unplanned: f64,
}

/// A standard normal draw (Box–Muller).
pub(crate) fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u: f64 = rng.random_range(f64::EPSILON..1.0);
    let v: f64 = rng.random();
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

/// A Poisson draw (Knuth's method; the means here are small).
pub(crate) fn poisson(rng: &mut ChaCha8Rng, mean: f64) -> u32 {
    let limit = (-mean).exp();
    let (mut k, mut p) = (0, 1.0);
    loop {
        p *= rng.random::<f64>();
        if p <= limit || k > 1000 {
            return k;
        }
        k += 1;
    }
}

/// An index drawn with probability proportional to `weights` (their running sums given).
fn draw(rng: &mut ChaCha8Rng, cumulative: &[f64]) -> usize {
    let total = cumulative.last().copied().unwrap_or(0.0);
    let x = rng.random::<f64>() * total;
    cumulative.partition_point(|&c| c <= x).min(cumulative.len().saturating_sub(1))
}

fn cumulative(weights: impl Iterator<Item = f64>) -> Vec<f64> {
    weights
        .scan(0.0, |sum, w| {
            *sum += w;
            Some(*sum)
        })
        .collect()
}

/// The middle one of `candidates` by `size` (a unit neither tiny nor the largest), picked among
/// the middle third by the seed.
fn middle(rng: &mut ChaCha8Rng, mut candidates: Vec<(usize, f64)>) -> Option<usize> {
    candidates.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    let n = candidates.len();
    if n == 0 {
        return None;
    }
    let (from, to) = (n / 3, (2 * n / 3).max(n / 3 + 1).min(n));
    Some(candidates[rng.random_range(from..to)].0)
}

/// Draws every inspection's outcome by `Outcomes::Process`, in date order (a return visit needs the
/// last one), from a random stream of its own; returns each one's true probability.
fn draw_by_process(
    seed: u64,
    inspections: &mut [InspectionFact],
    bodies: &[Body],
    districts: &[District],
    subjects: usize,
) -> Vec<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x7157_0c55);
    let propensity: Vec<f64> = (0..subjects).map(|_| 0.6 * normal(&mut rng)).collect();
    let effect: std::collections::HashMap<u16, f64> = districts.iter().map(|d| (d.code, d.effect)).collect();
    let offices: std::collections::HashSet<usize> = districts.iter().filter_map(|d| d.office).collect();
    let mut last_visit: std::collections::HashMap<(u32, u32), i32> = Default::default();
    let logit = |p: f64| (p / (1.0 - p)).ln();
    let mut out = Vec::with_capacity(inspections.len());
    for f in inspections.iter_mut() {
        let body = f.body as usize;
        let base = bodies[body].illegal * f.district.and_then(|d| effect.get(&d)).copied().unwrap_or(1.0);
        let mut z = logit(base.min(0.9)) + propensity[f.subject as usize];
        z += match f.kind {
            InspectionKind::Unplanned => 0.8 + if offices.contains(&body) { 0.7 } else { 0.0 },
            InspectionKind::PreventiveVisit => -0.5,
            _ => 0.0,
        };
        if let Some(&last) = last_visit.get(&(f.subject, f.body)) {
            z += 0.9 * (-f64::from(f.day - last) / 90.0).exp();
        }
        last_visit.insert((f.subject, f.body), f.day);
        let p = 1.0 / (1.0 + (-z).exp());
        f.declared_illegal = Some(rng.random_bool(p));
        out.push(p);
    }
    out
}

/// Makes the registry and what it truly holds.
pub fn second_registry(spec: &SecondSpec) -> (Registry, Truth) {
    let mut rng = ChaCha8Rng::seed_from_u64(spec.seed ^ 0x5ec0_d9e0_0000_0002);
    let end = day_of(spec.end);
    let start = end - 365 * spec.years as i32 + 1;

    // Territory: 14 regions, each with its districts.
    let mut region_codes: Vec<u8> = REGIONS.iter().filter_map(|r| r.code.parse().ok()).collect();
    for i in (1..region_codes.len()).rev() {
        let j = rng.random_range(0..=i);
        region_codes.swap(i, j);
    }
    region_codes.truncate(14);
    region_codes.sort_unstable();
    let mut districts: Vec<District> = Vec::new();
    for &region in &region_codes {
        let region_weight = (0.5 * normal(&mut rng)).exp();
        for d in 0..rng.random_range(3..18u16) {
            districts.push(District {
                code: u16::from(region) * 100 + 10 + d * 3,
                region,
                weight: region_weight * (0.8 * normal(&mut rng)).exp(),
                effect: (0.15 * normal(&mut rng)).exp(),
                office: None,
                subjects: Vec::new(),
            });
        }
    }

    // Bodies: national committees, regional departments, district offices.
    let mut bodies: Vec<Body> = Vec::new();
    let mut new_body = |rng: &mut ChaCha8Rng, name: String| {
        bodies.push(Body {
            name,
            illegal: TYPICAL_ILLEGAL * (0.6 * normal(rng)).exp(),
            unplanned: rng.random_range(0.15..0.55),
        });
        bodies.len() - 1
    };
    let national: Vec<usize> =
        (1..=4).map(|n| new_body(&mut rng, format!("Республиканский комитет контроля № {n}"))).collect();
    let mut regional: Vec<(u8, Vec<usize>)> = Vec::new();
    for &region in &region_codes {
        let count = rng.random_range(2..5);
        let ids = (1..=count).map(|n| new_body(&mut rng, format!("Департамент контроля {region:02}-{n}"))).collect();
        regional.push((region, ids));
    }
    for district in &mut districts {
        if rng.random_bool(0.5) {
            district.office = Some(new_body(&mut rng, format!("Районный отдел контроля {:04}", district.code)));
        }
    }

    // Objects, in districts by weight.
    let district_cum = cumulative(districts.iter().map(|d| d.weight));
    let subject_count = (spec.per_year * spec.years as usize / 4).max(200);
    let mut subjects = Vec::with_capacity(subject_count);
    for n in 0..subject_count {
        let d = draw(&mut rng, &district_cum);
        districts[d].subjects.push(n as u32);
        subjects.push(SubjectFact {
            bin: format!("{:012}", 100_000_000_000u64 + n as u64 * 7),
            name: Some(format!("Объект {n}")),
            oked: None,
            oked_section: None,
        });
    }
    districts.retain(|d| !d.subjects.is_empty());
    let district_cum = cumulative(districts.iter().map(|d| d.weight));

    // Where a plant goes: a middle-sized unit, chosen from the seed.
    let plant_rng = &mut ChaCha8Rng::seed_from_u64(spec.seed ^ 0x91a7);
    let target_district = middle(plant_rng, districts.iter().enumerate().map(|(i, d)| (i, d.weight)).collect());
    let target_region = target_district.map(|d| districts[d].region);
    let target_department =
        regional.iter().find(|(r, _)| Some(*r) == target_region).and_then(|(_, ids)| ids.first().copied());
    let target_office = middle(
        plant_rng,
        districts.iter().enumerate().filter(|(_, d)| d.office.is_some()).map(|(i, d)| (i, d.weight)).collect(),
    );
    let target_category = plant_rng.random_range(0..CATEGORIES.len());

    let mut sanction_sets = vec![String::new()];
    sanction_sets.extend(SINGLE_MEASURES.iter().map(|s| s.to_string()));
    sanction_sets.push(COMMON_PAIR.to_string());
    sanction_sets.push(PLANTED_COMBINATION.to_string());
    let (pair_set, planted_set) = (SINGLE_MEASURES.len() as u16 + 1, SINGLE_MEASURES.len() as u16 + 2);

    // A day of the registry, by season and trend (rejection sampling).
    let day_weight = |day: i32| {
        let date = crate::domain::facts::date_of(day);
        SEASON[date.month0() as usize] * (1.0 + 0.06 * f64::from(day - start) / 365.0)
    };
    let max_weight = 1.3 * (1.0 + 0.06 * f64::from(spec.years));
    let draw_day = |rng: &mut ChaCha8Rng, from: i32, to: i32| loop {
        let day = rng.random_range(from..=to);
        if rng.random::<f64>() * max_weight <= day_weight(day) {
            return day;
        }
    };

    let mut inspections: Vec<InspectionFact> = Vec::new();
    let plant = spec.plant;
    let half_year = end - 182;
    // One inspection. `planted_measures`: the planted combination replaces the measures.
    let mut add = |rng: &mut ChaCha8Rng,
                   d: &District,
                   body: usize,
                   day: i32,
                   kind: InspectionKind,
                   object: Option<u32>,
                   planted_measures: bool| {
        let drawn = d.subjects[rng.random_range(0..d.subjects.len())];
        let subject = object.unwrap_or(drawn);
        let b = &bodies[body];
        let mut rate = b.illegal * d.effect;
        if let (Some(Plant::DistrictIllegal { factor }), Some(t)) = (plant, target_district) {
            if districts[t].code == d.code {
                rate *= factor;
            }
        }
        if let (Some(Plant::BodyIllegal { factor }), Some(t)) = (plant, target_department) {
            if t == body {
                rate = TYPICAL_ILLEGAL * factor * d.effect;
            }
        }
        let violations = poisson(rng, 1.2);
        let mut sanctions = if violations == 0 {
            u16::from(rng.random_bool(0.03))
        } else if rng.random_bool(0.06) {
            pair_set
        } else {
            rng.random_range(1..=SINGLE_MEASURES.len() as u16)
        };
        if planted_measures {
            sanctions = planted_set;
        }
        let appealed = rng.random_bool(0.12);
        inspections.push(InspectionFact {
            id: 0,
            registry_no: Box::from(""),
            subject,
            body: body as u32,
            kind,
            day,
            district: Some(d.code),
            region: Some(d.region),
            kato: Some(u32::from(d.code) * 100_000),
            oked_section: Some(b"ACFGHIMN"[rng.random_range(0..8)]),
            violations,
            sanctions,
            appealed: Some(appealed),
            declared_illegal: Some(rng.random_bool(rate.min(0.95))),
            subject_size: None,
        });
    };

    // The plant's own draws, apart from the registry's.
    let mut extra = ChaCha8Rng::seed_from_u64(spec.seed ^ 0x3c3c_0017);
    let total = spec.per_year * spec.years as usize;
    for _ in 0..total {
        let day = draw_day(&mut rng, start, end);
        let d = &districts[draw(&mut rng, &district_cum)];
        // Who inspects: a national committee (a quarter), the district office where there is one
        // (a third), else a regional department.
        let departments =
            &regional.iter().find(|(r, _)| *r == d.region).map(|(_, ids)| ids.clone()).unwrap_or_default();
        let tier: f64 = rng.random();
        let body = match (tier, d.office) {
            (t, _) if t < 0.25 => national[rng.random_range(0..national.len())],
            (t, Some(office)) if t < 0.6 => office,
            _ if !departments.is_empty() => departments[rng.random_range(0..departments.len())],
            _ => national[0],
        };
        let kind = if rng.random_bool(bodies[body].unplanned) {
            InspectionKind::Unplanned
        } else if rng.random_bool(0.1) {
            InspectionKind::PreventiveVisit
        } else {
            InspectionKind::Planned
        };
        let planted_measures = match (plant, target_department) {
            (Some(Plant::SanctionCombination { share }), Some(t)) if t == body => extra.random_bool(share),
            _ => false,
        };
        add(&mut rng, d, body, day, kind, None, planted_measures);
        // The planted growth: more unplanned inspections of the same kind in the region's last half-year.
        if let (Some(Plant::RegionUnplannedGrowth { factor }), Some(region)) = (plant, target_region) {
            if d.region == region && day >= half_year && kind == InspectionKind::Unplanned {
                let whole = (factor - 1.0).max(0.0);
                let more = whole.floor() as u32 + u32::from(extra.random_bool(whole.fract()));
                for _ in 0..more {
                    let other = draw_day(&mut extra, half_year, end);
                    add(&mut extra, d, body, other, InspectionKind::Unplanned, None, false);
                }
            }
        }
    }
    if let (Some(Plant::FrequentVisits { objects, visits }), Some(t)) = (plant, target_office) {
        let d = &districts[t];
        let office = d.office.expect("the target has an office");
        for o in 0..objects.min(d.subjects.len()) {
            let subject = d.subjects[o];
            for _ in 0..visits {
                let day = draw_day(&mut extra, end - 364, end);
                add(&mut extra, d, office, day, InspectionKind::Unplanned, Some(subject), false);
            }
        }
    }
    inspections.sort_by_key(|f| f.day);
    for (n, f) in inspections.iter_mut().enumerate() {
        f.id = n as i64 + 1;
        f.registry_no = format!("S2-{:08}", n + 1).into();
    }
    let outcome_probability = match spec.outcomes {
        Outcomes::Rates => Vec::new(),
        Outcomes::Process => draw_by_process(spec.seed, &mut inspections, &bodies, &districts, subjects.len()),
    };

    // Appeals: eight categories, each refused at its own rate; decided within two months.
    let refused_rate: Vec<f64> = (0..CATEGORIES.len()).map(|_| rng.random_range(0.15..0.45)).collect();
    let spike = (end - 60 - 91, end - 60);
    let mut appeals = Vec::new();
    for n in 0..spec.appeals_per_year * spec.years as usize {
        let received = draw_day(&mut rng, start, end - 1);
        let d = &districts[draw(&mut rng, &district_cum)];
        let category = rng.random_range(0..CATEGORIES.len());
        let decided = (received + rng.random_range(5..60)).min(end);
        let mut refused = refused_rate[category] * d.effect;
        if let Some(Plant::RefusedSpike { factor }) = plant {
            if Some(d.region) == target_region && category == target_category && (spike.0..=spike.1).contains(&decided)
            {
                refused = (refused * factor).min(0.95);
            }
        }
        let outcome = if rng.random_bool(refused.min(0.95)) {
            AppealOutcome::Refused
        } else if rng.random_bool(0.6) {
            AppealOutcome::Satisfied
        } else {
            AppealOutcome::Explained
        };
        appeals.push(AppealFact {
            appeal_no: format!("A2-{:08}", n + 1).into(),
            subject: Some(d.subjects[rng.random_range(0..d.subjects.len())]),
            region: Some(d.region),
            kato: Some(u32::from(d.code) * 100_000),
            category: Some(category as u16),
            received,
            decided: Some(decided),
            outcome: Some(outcome),
        });
    }
    appeals.sort_by_key(|a| a.received);

    let planted = plant.map(|plant| {
        let district = target_district.map(|t| district_text(districts[t].code));
        let region = target_region.map(|r| format!("{r:02}"));
        let department = target_department.map(|b| bodies[b].name.clone());
        let office = target_office.and_then(|t| districts[t].office).map(|b| bodies[b].name.clone());
        let mut planted =
            Planted { plant, region: None, district: None, body: None, category: None, combination: None };
        match plant {
            Plant::DistrictIllegal { .. } => planted.district = district,
            Plant::BodyIllegal { .. } => planted.body = department,
            Plant::RegionUnplannedGrowth { .. } => planted.region = region,
            Plant::FrequentVisits { .. } => {
                planted.body = office;
                planted.district = target_office.map(|t| district_text(districts[t].code));
            }
            Plant::SanctionCombination { .. } => {
                planted.body = department;
                planted.combination = Some(PLANTED_COMBINATION.to_string());
            }
            Plant::RefusedSpike { .. } => {
                planted.region = region;
                planted.category = Some(CATEGORIES[target_category].to_string());
            }
        }
        planted
    });
    let counted: Vec<f64> = inspections.iter().map(|f| bodies[f.body as usize].illegal).collect();
    let truth = Truth {
        planted,
        body_illegal: bodies.iter().map(|b| (b.name.clone(), b.illegal)).collect(),
        district_illegal: districts.iter().map(|d| (district_text(d.code), d.effect)).collect(),
        overall_illegal: counted.iter().sum::<f64>() / counted.len().max(1) as f64,
        outcome_probability,
    };
    let registry = Registry {
        inspections,
        appeals,
        subjects,
        bodies: bodies.into_iter().map(|b| b.name).collect(),
        sanction_sets,
        categories: CATEGORIES.iter().map(|c| c.to_string()).collect(),
        imports: Vec::new(),
    };
    (registry, truth)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(plant: Option<Plant>) -> SecondSpec {
        SecondSpec {
            seed: 7,
            per_year: 3_000,
            appeals_per_year: 1_500,
            years: 3,
            end: NaiveDate::from_ymd_opt(2026, 10, 31).unwrap(),
            plant,
            outcomes: Outcomes::Rates,
        }
    }

    /// The same spec gives the same registry; a planted one differs from its clean twin only where
    /// the plant acts (here: whether inspections in one district were declared illegal).
    #[test]
    fn a_plant_changes_only_what_it_plants() {
        let (clean, none) = second_registry(&spec(None));
        assert!(none.planted.is_none());
        assert_eq!(second_registry(&spec(None)).0, clean, "deterministic");
        let (planted, truth) = second_registry(&spec(Some(Plant::DistrictIllegal { factor: 4.0 })));
        let district: u16 = truth.planted.unwrap().district.unwrap().parse().unwrap();
        assert_eq!(planted.inspections.len(), clean.inspections.len());
        let (mut inside, mut outside_changed) = ((0, 0), 0);
        for (p, c) in planted.inspections.iter().zip(&clean.inspections) {
            assert_eq!((p.day, p.body, p.district, p.subject, p.kind), (c.day, c.body, c.district, c.subject, c.kind));
            if p.district == Some(district) {
                inside.0 += usize::from(p.declared_illegal == Some(true));
                inside.1 += usize::from(c.declared_illegal == Some(true));
            } else if p.declared_illegal != c.declared_illegal {
                outside_changed += 1;
            }
        }
        assert_eq!(outside_changed, 0, "nothing changes outside the district");
        assert!(inside.0 > 2 * inside.1, "the district's illegal inspections multiply: {inside:?}");
        assert_eq!(planted.appeals, clean.appeals);
    }

    /// A planted growth adds unplanned inspections only in its region's last half-year.
    #[test]
    fn a_planted_growth_adds_unplanned_inspections_in_its_region_only() {
        let (clean, _) = second_registry(&spec(None));
        let (grown, truth) = second_registry(&spec(Some(Plant::RegionUnplannedGrowth { factor: 3.0 })));
        let region: u8 = truth.planted.unwrap().region.unwrap().parse().unwrap();
        let half_year = day_of(spec(None).end) - 182;
        let count = |r: &Registry, inside: bool| {
            r.inspections
                .iter()
                .filter(|f| {
                    f.kind == InspectionKind::Unplanned && f.day >= half_year && (f.region == Some(region)) == inside
                })
                .count()
        };
        assert_eq!(count(&grown, false), count(&clean, false), "elsewhere the same");
        let (before, after) = (count(&clean, true), count(&grown, true));
        assert!(after as f64 > 2.5 * before as f64, "{before} → {after}");
    }
}
