//! The families of units each kind of practice is judged over: a body's repeat visits, the
//! share declared illegal, unplanned growth, refused appeals, unusual sanctions — each unit's
//! counts against what its peers make expected.

use super::*;

pub(super) fn in_window(day: Day, window: (Day, Day)) -> bool {
    day >= window.0 && day <= window.1
}

/// A (body, object) pair is *concentrated* when a body's share of the object's visits would give
/// that many this rarely: its binomial tail (given the body visited at all) is at most this.
pub const PAIR_ALPHA: f64 = 1e-3;
/// Pseudo-pairs pulling a body's share of a district's industry towards its share of the whole
/// district: a small stratum's share is mostly noise.
pub(super) const SHARE_PULL: f64 = 20.0;

/// P(X ≥ `n`) for X ~ Binomial(`visits`, `share`).
pub(super) fn binomial_tail(n: u64, visits: u64, share: f64) -> f64 {
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
pub(super) fn concentration_chance(visits: u64, share: f64) -> f64 {
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

pub(super) fn frequent_visits(registry: &Registry, window: (Day, Day), params: &DetectParams) -> Family {
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

pub(super) fn sorted<K: Ord + Copy>(units: HashMap<K, Unit>) -> Vec<Unit> {
    let mut list: Vec<(K, Unit)> = units.into_iter().collect();
    list.sort_by_key(|(k, _)| *k);
    list.into_iter().map(|(_, u)| u).collect()
}

/// Units grouped by appeal category as named groups, `PREFIX<category label>`, in the categories'
/// order, each group's units in their keys' order.
fn by_category<K: Ord + Copy>(
    registry: &Registry,
    prefix: &str,
    groups: HashMap<u16, HashMap<K, Unit>>,
) -> Vec<(String, Vec<Unit>)> {
    let mut list: Vec<_> = groups.into_iter().collect();
    list.sort_by_key(|(c, _)| *c);
    list.into_iter()
        .map(|(c, units)| {
            (format!("{prefix}{}", registry.categories.get(c as usize).cloned().unwrap_or_default()), sorted(units))
        })
        .collect()
}

pub(super) fn illegal_share(registry: &Registry, window: (Day, Day), params: &DetectParams) -> Family {
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

/// The neighbour comparison's groups: the share declared illegal, the share of small business's
/// inspections that were unplanned, and (a prefix, the category follows) the share of appeals of a
/// category.
pub(super) const NEIGHBOURS_ILLEGAL: &str = "neighbours/district";
pub(super) const NEIGHBOURS_UNPLANNED_SMALL: &str = "neighbours/unplanned_small";
pub(super) const NEIGHBOURS_APPEALS: &str = "neighbours/appeals/";

/// `neighbours`: per district, a share judged against the pooled share of the districts bordering
/// it (`analytics::neighbours`, the map of `ekn_domain::districts`) — the article's question, which
/// the all-peers comparison cannot ask: a district three times its neighbours but near the national
/// mean stands out only here. Two shares of inspections, each its own group: the share declared
/// illegal (`neighbours/district`), and the share of small and micro businesses' inspections that
/// were unplanned (`neighbours/unplanned_small`: the moratorium protects small business from
/// checks without grounds, so a district that checks them unplanned far more than its neighbours
/// is worth a question). A district the map does not hold (a code whose first four digits name no
/// unit) takes no part.
pub(super) fn neighbours(registry: &Registry, window: (Day, Day), params: &DetectParams) -> Family {
    let facts = &registry.inspections;
    let mut illegal_by_district: HashMap<u16, Unit> = HashMap::new();
    let mut unplanned_by_district: HashMap<u16, Unit> = HashMap::new();
    let new_unit = |d: u16, region: Option<u8>| Unit { district: Some(d), region, period: window, ..Unit::default() };
    for (i, f) in facts.iter().enumerate() {
        let Some(d) = f.district else { continue };
        if !in_window(f.day, window) || ekn_domain::districts::district(d).is_none() {
            continue;
        }
        let count = |units: &mut HashMap<u16, Unit>, event: bool| {
            let unit = units.entry(d).or_insert_with(|| new_unit(d, f.region));
            unit.volume += 1.0;
            unit.trials += 1.0;
            if event {
                unit.events += 1.0;
                unit.evidence.push(i);
                unit.subjects.push(f.subject);
            }
        };
        if let Some(illegal) = f.declared_illegal {
            count(&mut illegal_by_district, illegal);
        }
        if matches!(f.subject_size, Some(SubjectSize::Micro | SubjectSize::Small)) {
            count(&mut unplanned_by_district, f.kind == InspectionKind::Unplanned);
        }
    }
    Family {
        kind: AnomalyKind::Neighbours,
        scale: Scale::Proportion,
        groups: vec![
            (NEIGHBOURS_ILLEGAL.into(), sorted(illegal_by_district)),
            (NEIGHBOURS_UNPLANNED_SMALL.into(), sorted(unplanned_by_district)),
        ],
        min_volume: f64::from(params.min_inspections),
        appeals: false,
        judge: Judge::Neighbours,
    }
}

/// `neighbours` for appeals: per district and category, the share of the district's appeals that
/// are of that category, against the pooled share of the districts bordering it — a district whose
/// appeals speak of wage arrears three times as often as its neighbours'. One group per category
/// (`neighbours/appeals/<category>`), each district pooled with its neighbours within it. Appeals
/// are placed by their own KATO code; those without one, or outside the map, take no part.
pub(super) fn neighbours_appeals(registry: &Registry, window: (Day, Day), params: &DetectParams) -> Family {
    let mut per_district: HashMap<u16, Vec<usize>> = HashMap::new();
    for (i, a) in registry.appeals.iter().enumerate() {
        let (Some(kato), Some(_)) = (a.kato, a.category) else { continue };
        let Ok(d) = u16::try_from(kato / 100_000) else { continue };
        if in_window(a.received, window) && ekn_domain::districts::district(d).is_some() {
            per_district.entry(d).or_default().push(i);
        }
    }
    // Every district is every category's peer, at 0 of its total where it has none of them: the
    // neighbours' pooled share must count it.
    let categories: std::collections::BTreeSet<u16> =
        per_district.values().flatten().filter_map(|&i| registry.appeals[i].category).collect();
    let mut groups: HashMap<u16, HashMap<u16, Unit>> = HashMap::new();
    for (&d, appeals) in &per_district {
        let total = appeals.len() as f64;
        let region = appeals.first().and_then(|&i| registry.appeals[i].region);
        for &c in &categories {
            groups.entry(c).or_default().insert(
                d,
                Unit {
                    district: Some(d),
                    region,
                    category: Some(c),
                    period: window,
                    volume: total,
                    trials: total,
                    ..Unit::default()
                },
            );
        }
        for &i in appeals {
            let a = &registry.appeals[i];
            let Some(unit) = a.category.and_then(|c| groups.get_mut(&c)).and_then(|units| units.get_mut(&d)) else {
                continue;
            };
            unit.events += 1.0;
            unit.evidence.push(i);
            unit.subjects.extend(a.subject);
        }
    }
    Family {
        kind: AnomalyKind::Neighbours,
        scale: Scale::Proportion,
        groups: by_category(registry, NEIGHBOURS_APPEALS, groups),
        min_volume: f64::from(params.min_appeals),
        appeals: true,
        judge: Judge::Neighbours,
    }
}

/// Pseudo-inspections at the overall rate that pull a body's or a district's factor towards 1.
pub(super) const FACTOR_PULL: f64 = 20.0;

/// A (body, district) cell of inspections: (illegal, inspections).
pub(super) type Cell = ((u32, Option<u16>), (f64, f64));

/// The body and district factors of `illegal = overall × body × district`, fitted to the
/// inspections `known` (indexes into `facts`, each with a known outcome) by alternating the two
/// standardisations until no factor moves by more than 1e-6 (at most 100 rounds).
pub(super) fn two_factor_fit(
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
pub(super) const GROWTH_SPAN: i32 = 182;
pub(super) const GROWTH_STEP: i32 = 91;
/// How many earlier years, at most, a half-year is compared with (the same days a year and two
/// years before: the season is the same).
pub(super) const GROWTH_BASELINE_YEARS: i32 = 2;

pub(super) fn unplanned_growth(registry: &Registry, window: (Day, Day), params: &DetectParams) -> Family {
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
pub(super) fn month_start(day: Day, months: i32) -> Day {
    let d = date_of(day);
    let first = NaiveDate::from_ymd_opt(d.year(), d.month(), 1).unwrap_or(d);
    let moved = if months >= 0 {
        first.checked_add_months(Months::new(months as u32))
    } else {
        first.checked_sub_months(Months::new((-months) as u32))
    };
    day_of(moved.unwrap_or(first))
}

pub(super) fn refused_spike(registry: &Registry, window: (Day, Day), params: &DetectParams) -> Family {
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
    Family {
        kind: AnomalyKind::RefusedSpike,
        scale: Scale::Proportion,
        groups: by_category(registry, "refused_spike/", groups),
        min_volume: f64::from(params.min_appeals),
        appeals: true,
        judge: Judge::Peers,
    }
}

pub(super) fn sanction_combination(registry: &Registry, window: (Day, Day), params: &DetectParams) -> Family {
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
