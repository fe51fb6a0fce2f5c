//! The words of a listed practice: which unit it is, what was compared with what, by how much
//! and how sure, in Russian, Kazakh and English, and its interval from chance.

use super::*;

pub(super) fn short_id(key: &str) -> String {
    ekn_domain::digest::sha256_hex(key)[..12].to_string()
}

pub(super) fn percent(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// A probability with its relation: `< 1e-16`, `= 2.3e-5`, `= 0.012`.
pub(super) fn p_text(p: f64) -> String {
    if p < 1e-16 {
        "< 1e-16".to_string()
    } else if p < 0.001 {
        format!("= {p:.1e}")
    } else {
        format!("= {p:.3}")
    }
}

pub(super) fn region_names(code: u8) -> (String, String, String) {
    let text = region_text(code);
    match REGIONS.iter().find(|r| r.code == text) {
        Some(r) => (r.name_ru.to_string(), r.name_kk.to_string(), r.name_en.to_string()),
        None => (text.clone(), text.clone(), text),
    }
}

pub(super) fn unit_label(registry: &Registry, u: &Unit) -> String {
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

pub(super) fn top_subjects(registry: &Registry, subjects: &[u32]) -> Vec<String> {
    let mut counts: HashMap<u32, usize> = HashMap::new();
    for &s in subjects {
        *counts.entry(s).or_default() += 1;
    }
    let mut list: Vec<(u32, usize)> = counts.into_iter().collect();
    list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    list.into_iter().take(20).filter_map(|(s, _)| registry.subjects.get(s as usize).map(|f| f.bin.clone())).collect()
}

pub(super) fn describe(
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
    if group == super::NEIGHBOURS_UNPLANNED_SMALL {
        key_parts.push("unplanned small business".into());
    }
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
        group,
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
pub(super) fn interval_of(kind: AnomalyKind, unit: &Unit, j: &Judgement, funnel: &Funnel) -> Option<(f64, f64)> {
    let proportion = funnel.proportion && !funnel.exact && kind != AnomalyKind::UnplannedGrowth;
    ratio_interval(j.observed, j.expected, proportion.then_some(unit.trials))
}

#[allow(clippy::too_many_arguments)]
pub(super) fn explain(
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
    group: &str,
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
        AnomalyKind::Neighbours => {
            // The neighbours by name, in each language (their codes where the map has no name).
            let names = |pick: fn(&ekn_domain::districts::District) -> &str| {
                unit.neighbours
                    .iter()
                    .map(|n| ekn_domain::districts::district(*n).map_or_else(|| district_text(*n), |d| pick(d).to_string()))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let (n_ru, n_kk, n_en) = (names(|d| &d.name_ru), names(|d| &d.name_kk), names(|d| &d.name_en));
            let own = unit.district.and_then(ekn_domain::districts::district);
            let (own_ru, own_kk, own_en) = own.map_or_else(
                || (district.clone(), district.clone(), district.clone()),
                |d| (format!("{} ({district})", d.name_ru), format!("{} ({district})", d.name_kk), format!("{} ({district})", d.name_en)),
            );
            let (k, n) = (unit.neighbour_events as u64, unit.neighbour_trials as u64);
            let theirs = percent(unit.neighbour_events / unit.neighbour_trials.max(1.0));
            let approximate = unit
                .neighbours
                .iter()
                .chain(unit.district.iter())
                .any(|n| ekn_domain::districts::district(*n).is_some_and(|d| d.approximate));
            let (approx_ru, approx_kk, approx_en) = if approximate {
                (
                    " Границы одного из районов ещё не нанесены: соседство взято по району, из которого он выделен (приблизительно).",
                    " Аудандардың бірінің шекарасы әлі салынбаған: көршілестік ол бөлінген аудан бойынша алынды (шамамен).",
                    " One of the districts has no drawn boundary yet: its neighbours are those of the district it was carved from (approximate).",
                )
            } else {
                ("", "", "")
            };
            // What is counted, by the group: inspections declared illegal, small business's
            // inspections that were unplanned, or appeals of one category.
            let cat = category.unwrap_or("—");
            let (share_ru, share_kk, share_en) = if group == super::NEIGHBOURS_UNPLANNED_SMALL {
                (
                    format!("{events} из {trials} проверок малого и микробизнеса за {from}–{to} — внеплановые ({rate})"),
                    format!("{from}–{to} аралығындағы шағын және микробизнесті {trials} тексерудің {events}-і жоспардан тыс ({rate})"),
                    format!("{events} of {trials} inspections of small and micro businesses in {from}–{to} were unplanned ({rate})"),
                )
            } else if group.starts_with(super::NEIGHBOURS_APPEALS) {
                (
                    format!("{events} из {trials} обращений за {from}–{to} — по теме «{cat}» ({rate})"),
                    format!("{from}–{to} аралығындағы {trials} өтініштің {events}-і «{cat}» тақырыбы бойынша ({rate})"),
                    format!("{events} of {trials} appeals in {from}–{to} were about «{cat}» ({rate})"),
                )
            } else {
                (
                    format!("{events} из {trials} проверок за {from}–{to} признаны незаконными ({rate})"),
                    format!("{from}–{to} аралығындағы {trials} тексерудің {events}-і заңсыз деп танылды ({rate})"),
                    format!("{events} of {trials} inspections in {from}–{to} were declared illegal ({rate})"),
                )
            };
            if unit.enclosed {
                (
                    format!("{own_ru}, {region_ru}: {share_ru} — против {theirs} в районах и городах области ({n_ru}: {k} из {n}); город окружён одним районом, поэтому сравнивается со всей областью. При этой доле ожидалось около {expected}; наблюдается в {ratio} раза больше.{approx_ru}"),
                    format!("{own_kk}, {region_kk}: {share_kk} — облыстың аудандары мен қалаларында {theirs} ({n_kk}: {n}-нің {k}-і); қаланы бір аудан қоршап тұр, сондықтан ол бүкіл облыспен салыстырылады. Осы үлеспен шамамен {expected} күтілген; {ratio} есе көп.{approx_kk}"),
                    format!("{own_en}, {region_en}: {share_en} — against {theirs} in the region's districts and cities ({n_en}: {k} of {n}); the city lies inside one district, so it is compared with its whole region. At that share about {expected} were expected; this is {ratio} times as many.{approx_en}"),
                )
            } else {
                (
                    format!("{own_ru}, {region_ru}: {share_ru} — против {theirs} в соседних районах ({n_ru}: {k} из {n}). При доле соседей ожидалось около {expected}; наблюдается в {ratio} раза больше.{approx_ru}"),
                    format!("{own_kk}, {region_kk}: {share_kk} — көршілес аудандарда {theirs} ({n_kk}: {n}-нің {k}-і). Көршілердің үлесімен шамамен {expected} күтілген; {ratio} есе көп.{approx_kk}"),
                    format!("{own_en}, {region_en}: {share_en} — against {theirs} in the neighbouring districts ({n_en}: {k} of {n}). At the neighbours' share about {expected} were expected; this is {ratio} times as many.{approx_en}"),
                )
            }
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
pub(super) fn neighbours_rate(registry: &Registry, unit: &Unit) -> (String, String, String) {
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
