//! The Country screen as a file a head hands on (issue 64): what the national face answered a
//! national analyst or administrator — each region's deadline figures, tasks, appeals and acts
//! answered in time, the KPIs by region, the risen cells and the anomalies (never an object), and
//! for an administrator each region's replication — each saying first the face, who asked, when the
//! figures were fetched (and, offline, that they are the last ones), the region drilled into and the
//! methods that produced them.

use super::build::{anomalies_table, figures_row, Words, COLUMNS};
use super::{Cell, Report, Table};
use crate::api::office::CountryView;
use crate::i18n::Lang;

/// The country's figures as a report in `lang`.
pub fn country(view: &CountryView, lang: Lang) -> Report {
    let w = Words(lang);
    let roles = [(view.analyst, "cli.xlsx.role.national_analyst"), (view.admin, "cli.xlsx.role.national_admin")]
        .iter()
        .filter(|(has, _)| *has)
        .map(|(_, role)| w.t(role))
        .collect::<Vec<_>>()
        .join(", ");
    let mut lines = vec![
        (w.t("cli.xlsx.face"), view.server.clone()),
        (w.t("cli.xlsx.asked_by"), format!("{} ({roles})", view.person)),
        (w.t("cli.xlsx.fetched_at"), view.fetched_at.to_rfc3339()),
        (w.t("cli.xlsx.region"), view.region.clone().unwrap_or_else(|| w.t("cli.xlsx.whole_country"))),
    ];
    if let Some(board) = &view.dashboard {
        lines.push((w.t("cli.xlsx.as_of"), board.today.to_string()));
        lines.push((w.t("cli.xlsx.calendar"), board.calendar.clone()));
    }
    if let Some(themes) = &view.themes {
        lines.push((w.t("cli.xlsx.method"), themes.method.clone()));
        lines.push((
            w.t("cli.xlsx.cells_judged"),
            format!("{} / {} ({})", themes.cells.judged, themes.cells.cells, themes.cells.not_judged),
        ));
    }
    if let Some(found) = &view.anomalies {
        lines.push((w.t("cli.xlsx.method"), found.report.method.clone()));
        if found.objects_withheld {
            lines.push((w.t("cli.xlsx.note"), w.t("office.anomalies.withheld")));
        }
    }
    lines.push(w.made_by());
    let mut tables = Vec::new();
    let summary = view.dashboard.as_ref().map(|board| {
        let mut heads = vec![w.t("cli.xlsx.region")];
        heads.extend(w.heads(&COLUMNS));
        heads.extend(w.heads(&["cli.xlsx.tasks", "cli.xlsx.appeals", "cli.xlsx.kpi.answered_in_time"]));
        let answered = |region: Option<&str>| {
            view.effect.as_ref().and_then(|e| match region {
                Some(r) => e.regions.get(r).and_then(|k| k.answered_in_time.share),
                None => e.totals.answered_in_time.share,
            })
        };
        let mut rows = vec![{
            let mut row = figures_row(&w.t("cli.xlsx.whole_country"), &board.totals);
            row.extend([Cell::Number(board.tasks as f64), Cell::Number(board.appeals.total as f64)]);
            row.push(Cell::from(answered(None)));
            row
        }];
        rows.extend(board.regions.iter().map(|(code, r)| {
            let mut row = figures_row(code, &r.totals);
            row.extend([Cell::Number(r.tasks as f64), Cell::Number(r.appeals as f64)]);
            row.push(Cell::from(answered(Some(code))));
            row
        }));
        Table { title: w.t("cli.xlsx.sheet.regions"), heads, rows, wide: vec![(0, 24.0)] }
    });
    // The districts' figures the map draws: of the region drilled into, else of the whole country.
    if let Some(board) = &view.dashboard {
        let in_scope = |d: &str| view.region.as_deref().is_none_or(|r| d.starts_with(r));
        let districts: std::collections::BTreeSet<&String> =
            board.by_district.keys().chain(board.appeals.by_district.keys()).filter(|d| in_scope(d)).collect();
        let rows = districts
            .into_iter()
            .map(|d| {
                let mut row = figures_row(d, &board.by_district.get(d).cloned().unwrap_or_default());
                row.push(Cell::Number(board.appeals.by_district.get(d).copied().unwrap_or(0) as f64));
                row
            })
            .collect();
        let mut heads = vec![w.t("cli.xlsx.district")];
        heads.extend(w.heads(&COLUMNS));
        heads.push(w.t("cli.xlsx.appeals"));
        tables.push(Table { title: w.t("cli.xlsx.sheet.by_district"), heads, rows, wide: vec![(0, 24.0)] });
    }
    if let Some(effect) = &view.effect {
        let kpi_row = |scope: String, k: &ekn_analytics::outcome_kpis::Kpis| {
            let mut row = vec![Cell::from(scope), Cell::Number(k.acts as f64)];
            for p in [&k.answered_in_time, &k.satisfied, &k.satisfied_or_partly, &k.protests_upheld] {
                row.push(Cell::from(p.share));
                row.push(Cell::from(format!("{} / {}", p.numerator, p.denominator)));
            }
            row
        };
        let mut rows = vec![kpi_row(w.t("cli.xlsx.whole_country"), &effect.totals)];
        rows.extend(effect.regions.iter().map(|(code, k)| kpi_row(code.clone(), k)));
        let mut heads = vec![w.t("cli.xlsx.region"), w.t("cli.xlsx.act_count")];
        for kpi in ["answered_in_time", "satisfied", "satisfied_or_partly", "protests_upheld"] {
            let name = w.t(&format!("cli.xlsx.kpi.{kpi}"));
            heads.push(name.clone());
            heads.push(format!("{name}: {}", w.t("cli.xlsx.of_n")));
        }
        tables.push(Table { title: w.t("cli.xlsx.sheet.kpis"), heads, rows, wide: vec![(0, 24.0)] });
    }
    // Tier 3: the country's pooled estimate of each outcome and kind of act (random effects; its
    // spread I² in the scope's cell), then each region's published one — of the region drilled into
    // alone.
    if let Some(effect) = view.effect.as_ref().filter(|e| !e.pooled.is_empty()) {
        let interval = |[lo, hi]: [f64; 2]| format!("{lo:.3}–{hi:.3}");
        let mut rows = Vec::new();
        for p in effect.pooled.iter().filter(|_| view.region.is_none()) {
            rows.push(vec![
                Cell::from(format!("{} (I² {:.0} %)", w.t("cli.xlsx.whole_country"), p.i2 * 100.0)),
                Cell::from(p.outcome.code()),
                Cell::from(w.t(&format!("cli.effect.kind.{}", p.kind))),
                Cell::Number(p.random.ratio),
                Cell::from(interval(p.random.ci95)),
                Cell::Number(p.n_treated as f64),
                Cell::from(None::<f64>),
                Cell::from(p.method.as_str()),
            ]);
        }
        let drilled = |code: &str| view.region.as_deref().is_none_or(|r| r == code);
        for e in effect.estimates.iter().filter(|e| drilled(&e.region)) {
            rows.push(vec![
                Cell::from(e.region.as_str()),
                Cell::from(e.outcome.code()),
                Cell::from(w.t(&format!("cli.effect.kind.{}", e.kind))),
                Cell::Number(e.ratio),
                Cell::from(interval(e.ci95)),
                Cell::Number(e.n_treated as f64),
                Cell::from(e.pre_trend_p),
                Cell::from(e.method.as_str()),
            ]);
        }
        tables.push(Table {
            title: w.t("cli.xlsx.sheet.estimates"),
            heads: w.heads(&[
                "cli.xlsx.region",
                "cli.xlsx.outcome",
                "cli.xlsx.act_kind",
                "cli.xlsx.ratio",
                "cli.xlsx.interval",
                "cli.xlsx.treated",
                "cli.xlsx.pre_trend_p",
                "cli.xlsx.method",
            ]),
            rows,
            wide: vec![(0, 24.0)],
        });
    }
    if let Some(themes) = &view.themes {
        let rows = themes
            .cells
            .alarms
            .iter()
            .map(|a| {
                vec![
                    Cell::from(a.category.as_str()),
                    Cell::from(a.district.as_str()),
                    Cell::from(a.judged.month.as_str()),
                    Cell::Number(f64::from(a.judged.observed)),
                    Cell::Number(a.judged.expected),
                    Cell::Number(a.judged.q),
                ]
            })
            .collect();
        tables.push(Table {
            title: w.t("cli.xlsx.sheet.cells"),
            heads: w.heads(&[
                "cli.xlsx.category",
                "cli.xlsx.district",
                "cli.xlsx.month",
                "cli.xlsx.observed",
                "cli.xlsx.expected",
                "cli.xlsx.q",
            ]),
            rows,
            wide: vec![(0, 30.0)],
        });
    }
    if let Some(found) = &view.anomalies {
        tables.push(anomalies_table(&w, &found.report.anomalies));
    }
    if let Some(health) = &view.health {
        let at = |t: Option<chrono::DateTime<chrono::Utc>>| t.map_or_else(String::new, |t| t.to_rfc3339());
        let rows = health
            .regions
            .iter()
            .map(|r| {
                let check = r.last_check.as_ref();
                vec![
                    Cell::from(r.region.as_str()),
                    Cell::from(r.attached_at.to_rfc3339()),
                    Cell::from(if r.enabled { "✓" } else { "✗" }),
                    Cell::Number(f64::from(r.copying)),
                    Cell::from(if r.worker { "✓" } else { "✗" }),
                    Cell::from(at(r.last_message_at)),
                    Cell::from(at(r.applied_up_to)),
                    Cell::from(check.map_or_else(String::new, |c| c.checked_at.to_rfc3339())),
                    Cell::from(check.and_then(|c| c.slot.clone()).unwrap_or_default()),
                    Cell::from(check.and_then(|c| c.lag_bytes).map(|b| b as f64)),
                    Cell::from(check.and_then(|c| c.problem.clone()).unwrap_or_default()),
                ]
            })
            .collect();
        tables.push(Table {
            title: w.t("cli.xlsx.sheet.replication"),
            heads: w.heads(&[
                "cli.xlsx.region",
                "cli.xlsx.attached_at",
                "cli.xlsx.enabled",
                "cli.xlsx.copying",
                "cli.xlsx.worker",
                "cli.xlsx.last_message",
                "cli.xlsx.applied_up_to",
                "cli.xlsx.checked_at",
                "cli.xlsx.slot",
                "cli.xlsx.lag_bytes",
                "cli.xlsx.problem",
            ]),
            rows,
            wide: vec![(10, 50.0)],
        });
    }
    let day = view.fetched_at.date_naive();
    let scope = view.region.as_deref().map_or_else(String::new, |r| format!("-{r}"));
    Report {
        lang,
        stem: format!("country{scope}-{day}"),
        title: w.t("cli.xlsx.country_title"),
        offline: view
            .stale
            .as_deref()
            .map(|why| w.with("cli.xlsx.offline", &[("why", &why), ("at", &view.fetched_at.to_rfc3339())])),
        lines,
        summary,
        tables,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::office::national::fixtures::{effect_of, estimate};

    fn view(region: Option<&str>) -> CountryView {
        CountryView {
            person: "aigerim".into(),
            server: "https://national.example".into(),
            expires_at: chrono::Utc::now(),
            analyst: true,
            admin: false,
            region: region.map(str::to_string),
            dashboard: None,
            effect: Some(effect_of(vec![estimate("19", 0.8), estimate("55", 0.9)])),
            themes: None,
            anomalies: None,
            health: None,
            fetched_at: chrono::Utc::now(),
            stale: None,
        }
    }

    /// The file carries tier 3 as the screen shows it: the country's pooled row and every region's,
    /// or the drilled region's alone.
    #[test]
    fn the_country_file_carries_the_pooled_and_the_regions_estimates() {
        let report = country(&view(None), Lang::En);
        let sheet =
            report.tables.iter().find(|t| t.title == Words(Lang::En).t("cli.xlsx.sheet.estimates")).expect("a sheet");
        let first: Vec<String> = sheet.rows.iter().map(|r| format!("{:?}", r[0])).collect();
        assert_eq!(sheet.rows.len(), 3, "{first:?}");
        assert!(first[0].contains("I²") && first[1].contains("19") && first[2].contains("55"), "{first:?}");
        // Each row names the kind of act its estimate is of.
        assert_eq!(sheet.heads[2], Words(Lang::En).t("cli.xlsx.act_kind"));
        assert!(sheet.rows.iter().all(|r| format!("{:?}", r[2]).contains(&Words(Lang::En).t("cli.effect.kind.all"))));
        let drilled = country(&view(Some("55")), Lang::Ru);
        let sheet =
            drilled.tables.iter().find(|t| t.title == Words(Lang::Ru).t("cli.xlsx.sheet.estimates")).expect("a sheet");
        assert_eq!(sheet.rows.len(), 1);
        assert!(format!("{:?}", sheet.rows[0][0]).contains("55"));
    }
}
