//! The four reports a head hands on, built from what the office answered: the dashboard (totals,
//! by person, assignee, unit and district, overdue by region × category), the anomalies (one row
//! per practice with its figures, words and objects), the effect of acts (the outcomes' KPIs, what
//! later data say of each act, each estimate) and the theme scan (each theme's months judged, the
//! cells above their past and above their neighbours). Each says first what produced it.

use std::collections::BTreeMap;
use std::fmt::Display;

use super::{Cell, Report, Table};
use crate::api::office::heads::{OfficeAnomaliesView, OfficeDashboardView, OfficeEffectView, OfficeThemeScanView};
use crate::domain::tasks::Figures;
use crate::i18n::{text_in, Lang};

/// Who asked for a report: the office, the person and their role there.
pub struct Asker {
    pub office: String,
    pub person: String,
    pub role: String,
}

/// The words of one language.
pub(super) struct Words(pub(super) Lang);

impl Words {
    pub(super) fn t(&self, key: &str) -> String {
        text_in(self.0, key, &[])
    }

    pub(super) fn with(&self, key: &str, vars: &[(&str, &dyn Display)]) -> String {
        text_in(self.0, key, vars)
    }

    pub(super) fn heads(&self, keys: &[&str]) -> Vec<String> {
        keys.iter().map(|k| self.t(k)).collect()
    }

    /// The first lines every report opens with: the office, who asked, when computed and received.
    fn asked(&self, asker: &Asker, computed: String, fetched: &chrono::DateTime<chrono::Utc>) -> Vec<(String, String)> {
        vec![
            (self.t("cli.xlsx.office"), asker.office.clone()),
            (self.t("cli.xlsx.asked_by"), format!("{} ({})", asker.person, asker.role)),
            (self.t("cli.xlsx.computed_at"), computed),
            (self.t("cli.xlsx.fetched_at"), fetched.to_rfc3339()),
        ]
    }

    /// Said first when the figures are the last ones kept.
    fn offline(&self, why: Option<&str>, fetched: &chrono::DateTime<chrono::Utc>) -> Option<String> {
        why.map(|why| self.with("cli.xlsx.offline", &[("why", &why), ("at", &fetched.to_rfc3339())]))
    }

    pub(super) fn made_by(&self) -> (String, String) {
        (self.t("cli.xlsx.made_by"), format!("ekn {}", env!("CARGO_PKG_VERSION")))
    }
}

/// The figures' columns, as the command line heads them.
pub(super) const COLUMNS: [&str; 6] =
    ["cli.col.open", "cli.col.due3", "cli.col.overdue", "cli.col.on_time", "cli.col.late", "cli.col.median"];

/// One row of deadline figures under `name`.
pub(super) fn figures_row(name: &str, f: &Figures) -> Vec<Cell> {
    let counts =
        [f.open, f.due_within_3_working_days, f.overdue, f.done_on_time_last_90_days, f.done_late_last_90_days];
    let mut row = vec![Cell::from(name)];
    row.extend(counts.into_iter().map(|n| Cell::Number(n as f64)));
    row.push(f.median_days_late.map_or_else(|| Cell::from("—"), Cell::Number));
    row
}

/// A table of deadline figures by a key (a person, a unit, a district).
fn figures_table(w: &Words, title: &str, key_head: &str, rows: &BTreeMap<String, Figures>) -> Table {
    let mut heads = vec![w.t(key_head)];
    heads.extend(w.heads(&COLUMNS));
    Table {
        title: w.t(title),
        heads,
        rows: rows.iter().map(|(key, f)| figures_row(key, f)).collect(),
        wide: vec![(0, 40.0)],
    }
}

/// The published registry runs a report was computed over, in one line.
fn runs(registry: &[crate::analytics::office_reports::RegistryRun]) -> String {
    let runs: Vec<String> =
        registry.iter().map(|r| format!("{} #{} ({}, SHA-256 {})", r.connector, r.run_id, r.rows, r.sha256)).collect();
    runs.join("; ")
}

/// When the office computed a report, or a dash from an office older than the field.
fn when(at: Option<chrono::DateTime<chrono::Utc>>) -> String {
    at.map_or_else(|| "—".to_string(), |at| at.to_rfc3339())
}

/// A JSON enum's snake-case name (`violations_per_inspection`, `stacked`).
fn code_of<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

/// The office's deadline figures.
pub fn dashboard(view: &OfficeDashboardView, asker: &Asker, lang: Lang) -> Report {
    let w = Words(lang);
    let board = &view.dashboard;
    let mut lines = w.asked(asker, board.computed_at.to_rfc3339(), &view.fetched_at);
    lines.extend([
        (w.t("cli.xlsx.as_of"), board.figures.today.to_string()),
        (
            w.t("cli.xlsx.over"),
            w.with("cli.xlsx.over_value", &[("tasks", &board.tasks), ("workstations", &board.workstations)]),
        ),
        (w.t("cli.xlsx.open_conflicts"), board.open_conflicts.to_string()),
        (w.t("cli.xlsx.calendar"), board.calendar.clone()),
        w.made_by(),
    ]);
    let mut heads = vec![w.t("cli.xlsx.totals")];
    heads.extend(w.heads(&COLUMNS));
    let summary = Table {
        title: w.t("cli.xlsx.totals"),
        heads,
        rows: vec![figures_row(&w.t("cli.dash.all"), &board.figures.totals)],
        wide: vec![],
    };
    let mut tables = vec![
        figures_table(&w, "cli.xlsx.sheet.by_owner", "cli.xlsx.person", &board.by_owner),
        figures_table(&w, "cli.xlsx.sheet.by_assignee", "cli.xlsx.assignee", &board.figures.by_assignee),
        figures_table(&w, "cli.xlsx.sheet.by_unit", "cli.xlsx.unit", &board.figures.by_unit),
        figures_table(&w, "cli.xlsx.sheet.by_district", "cli.xlsx.district", &board.by_district),
    ];
    let overdue = board
        .figures
        .overdue_matrix
        .iter()
        .flat_map(|(region, categories)| {
            categories.iter().map(move |(category, n)| {
                vec![Cell::from(region.as_str()), Cell::from(category.as_str()), Cell::Number(*n as f64)]
            })
        })
        .collect();
    tables.push(Table {
        title: w.t("cli.xlsx.sheet.overdue"),
        heads: w.heads(&["cli.xlsx.region", "cli.xlsx.category", "cli.col.overdue"]),
        rows: overdue,
        wide: vec![],
    });
    Report {
        lang,
        stem: format!("office-dashboard-{}", board.figures.today),
        title: w.t("cli.xlsx.dashboard_title"),
        offline: w.offline(view.offline.as_deref(), &view.fetched_at),
        lines,
        summary: Some(summary),
        tables,
    }
}

/// The office's anomalies of inspection practice.
pub fn anomalies(view: &OfficeAnomaliesView, asker: &Asker, lang: Lang) -> Report {
    let w = Words(lang);
    let found = &view.anomalies;
    let report = &found.report;
    let p = &report.params;
    let mut lines = w.asked(asker, when(found.computed_at), &view.fetched_at);
    lines.extend([
        (w.t("cli.xlsx.window"), format!("{} – {}", report.window.from, report.window.to)),
        (
            w.t("cli.xlsx.method"),
            format!(
                "{} (FDR {}, ≥ ×{}, ≥ {} / {})",
                report.method, p.fdr, p.min_ratio, p.min_inspections, p.min_appeals
            ),
        ),
        (w.t("cli.xlsx.districts"), found.districts.join(", ")),
        (w.t("cli.xlsx.appeals_held"), found.appeals_held.to_string()),
        (w.t("cli.xlsx.registry"), runs(&found.registry)),
        w.made_by(),
    ]);
    if found.outside > 0 {
        lines.push((w.t("cli.xlsx.note"), w.with("office.anomalies.outside", &[("n", &found.outside)])));
    }
    if found.objects_withheld {
        lines.push((w.t("cli.xlsx.note"), w.t("office.anomalies.withheld")));
    }
    lines.extend(found.not_computed.iter().map(|m| (w.t("cli.xlsx.note"), m.reason.clone())));
    let table = anomalies_table(&w, &report.anomalies);
    Report {
        lang,
        stem: format!("office-anomalies-{}", report.as_of),
        title: w.t("cli.xlsx.anomalies_title"),
        offline: w.offline(view.offline.as_deref(), &view.fetched_at),
        lines,
        summary: None,
        tables: vec![table],
    }
}

/// One row per listed practice with its figures, its words in the report's language and the
/// objects behind it (none where they were withheld): the office's anomalies and the country's.
pub(super) fn anomalies_table(w: &Words, anomalies: &[crate::analytics::anomaly_list::ListedAnomaly]) -> Table {
    let rows = anomalies
        .iter()
        .map(|listed| {
            let a = &listed.anomaly;
            vec![
                Cell::from(a.id.as_str()),
                Cell::from(w.t(&format!("cli.xlsx.kind.{}", a.kind.code()))),
                Cell::from(a.control_body.clone().unwrap_or_default()),
                Cell::from(a.district.clone().or_else(|| a.region_code.clone()).unwrap_or_default()),
                Cell::from(a.category.clone().or_else(|| a.combination.clone()).unwrap_or_default()),
                Cell::from(format!("{} – {}", a.period.from, a.period.to)),
                Cell::Number(a.observed),
                Cell::Number(a.expected),
                Cell::Number(a.ratio),
                Cell::from(a.ratio_interval.map_or_else(String::new, |(lo, hi)| format!("{lo:.2}–{hi:.2}"))),
                Cell::Number(a.q_value),
                Cell::Number(a.peers as f64),
                Cell::from(w.0.of(&a.explanation)),
                Cell::from(a.subject_bins.join(", ")),
            ]
        })
        .collect();
    Table {
        title: w.t("cli.xlsx.sheet.anomalies"),
        heads: w.heads(&[
            "cli.xlsx.id",
            "cli.xlsx.kind",
            "cli.xlsx.body",
            "cli.xlsx.district",
            "cli.xlsx.category",
            "cli.xlsx.period",
            "cli.xlsx.observed",
            "cli.xlsx.expected",
            "cli.xlsx.ratio",
            "cli.xlsx.interval",
            "cli.xlsx.q",
            "cli.xlsx.peers",
            "cli.xlsx.explanation",
            "cli.xlsx.objects",
        ]),
        rows,
        wide: vec![(2, 40.0), (12, 80.0)],
    }
}

/// The office's effect of acts: the outcomes' KPIs, tier 2's checks (a check the office lacks
/// data for said so, never a zero) and each estimate.
pub fn effect(view: &OfficeEffectView, asker: &Asker, lang: Lang) -> Report {
    let w = Words(lang);
    let e = &view.effect;
    let mut lines = w.asked(asker, when(e.computed_at), &view.fetched_at);
    lines.extend([
        (w.t("cli.xlsx.as_of"), e.as_of.to_string()),
        (w.t("cli.xlsx.horizon"), e.horizon_days.to_string()),
        (w.t("cli.xlsx.method"), e.method.clone()),
        (
            w.t("cli.xlsx.over"),
            w.with(
                "cli.xlsx.effect_over",
                &[("acts", &e.kpis.acts), ("workstations", &e.workstations), ("shared", &e.shared_acts)],
            ),
        ),
        (w.t("cli.xlsx.appeals_held"), e.appeals_held.to_string()),
        (w.t("cli.xlsx.registry"), runs(&e.registry)),
        w.made_by(),
    ]);
    if let Some(kind) = &e.kind {
        lines.push((w.t("cli.xlsx.kind"), kind.clone()));
    }
    if let Some(district) = &e.district {
        lines.push((w.t("cli.xlsx.district"), district.clone()));
    }
    lines.extend(e.not_computed.iter().map(|m| (w.t("cli.xlsx.note"), m.reason.clone())));
    let k = &e.kpis;
    let kpis = [
        ("answered_in_time", &k.answered_in_time),
        ("satisfied", &k.satisfied),
        ("satisfied_or_partly", &k.satisfied_or_partly),
        ("protests_upheld", &k.protests_upheld),
        ("checklist_complete", &k.quality.checklist_complete),
    ];
    let kpi_rows = kpis
        .into_iter()
        .map(|(name, p)| {
            vec![
                Cell::from(w.t(&format!("cli.xlsx.kpi.{name}"))),
                Cell::Number(p.numerator as f64),
                Cell::Number(p.denominator as f64),
                Cell::from(p.share),
                Cell::from(p.ci95.map_or_else(String::new, |[lo, hi]| format!("{lo:.3}–{hi:.3}"))),
            ]
        })
        .collect();
    let v = e.verification.as_ref();
    let checks = [
        ("next_inspection", v.and_then(|v| v.next_inspection.as_ref())),
        ("appeals", v.and_then(|v| v.appeals.as_ref())),
        ("category_appeals", v.and_then(|v| v.category_appeals.as_ref())),
        ("returning_applicant", v.and_then(|v| v.returning_applicant.as_ref())),
    ];
    let check_rows = checks
        .into_iter()
        .map(|(name, counts)| {
            let mut row = vec![Cell::from(w.t(&format!("cli.xlsx.check.{name}")))];
            match counts {
                Some(c) => row.extend([c.verified, c.contradicted, c.no_data].map(|n| Cell::Number(n as f64))),
                None => row.push(Cell::from(w.t("cli.xlsx.not_computed"))),
            }
            row
        })
        .collect();
    let estimate_rows = e
        .effects
        .iter()
        .map(|entry| {
            let f = &entry.figures;
            vec![
                Cell::from(entry.kind.as_str()),
                Cell::from(entry.scope.as_str()),
                Cell::from(code_of(&f.outcome)),
                Cell::from(f.design.as_ref().map(code_of).unwrap_or_default()),
                Cell::from(f.ratio),
                Cell::from(f.ci95.map_or_else(String::new, |[lo, hi]| format!("{lo:.3}–{hi:.3}"))),
                Cell::from(f.naive_ratio),
                Cell::Number(f.n_treated as f64),
                Cell::Number(f.n_controls as f64),
                Cell::from(f.pre_trend_p),
                Cell::from(f.mde),
            ]
        })
        .collect();
    let tables = vec![
        Table {
            title: w.t("cli.xlsx.sheet.kpis"),
            heads: w.heads(&[
                "cli.xlsx.kpi",
                "cli.xlsx.numerator",
                "cli.xlsx.denominator",
                "cli.xlsx.share",
                "cli.xlsx.interval",
            ]),
            rows: kpi_rows,
            wide: vec![(0, 40.0)],
        },
        Table {
            title: w.t("cli.xlsx.sheet.verification"),
            heads: w.heads(&["cli.xlsx.check", "cli.xlsx.verified", "cli.xlsx.contradicted", "cli.xlsx.no_data"]),
            rows: check_rows,
            wide: vec![(0, 40.0)],
        },
        Table {
            title: w.t("cli.xlsx.sheet.estimates"),
            heads: w.heads(&[
                "cli.xlsx.kind",
                "cli.xlsx.scope",
                "cli.xlsx.outcome",
                "cli.xlsx.design",
                "cli.xlsx.ratio",
                "cli.xlsx.interval",
                "cli.xlsx.naive_ratio",
                "cli.xlsx.treated",
                "cli.xlsx.controls",
                "cli.xlsx.pre_trend_p",
                "cli.xlsx.mde",
            ]),
            rows: estimate_rows,
            wide: vec![],
        },
    ];
    Report {
        lang,
        stem: format!("office-effect-{}", e.as_of),
        title: w.t("cli.xlsx.effect_title"),
        offline: w.offline(view.offline.as_deref(), &view.fetched_at),
        lines,
        summary: None,
        tables,
    }
}

/// A judged month's cells: the month, observed, expected, upper limit, q, and a mark if it rose.
fn month_cells(m: &ekn_analytics::themes::MonthJudged) -> [Cell; 6] {
    [
        Cell::from(m.month.as_str()),
        Cell::Number(f64::from(m.observed)),
        Cell::Number(m.expected),
        Cell::Number(m.upper),
        Cell::Number(m.q),
        Cell::from(if m.alarm { "●" } else { "" }),
    ]
}

const MONTH_HEADS: [&str; 6] =
    ["cli.xlsx.month", "cli.xlsx.observed", "cli.xlsx.expected", "cli.xlsx.upper", "cli.xlsx.q", "cli.xlsx.alarm"];

/// The office's scan of the themes and the category × district cells.
pub fn themes(view: &OfficeThemeScanView, asker: &Asker, lang: Lang) -> Report {
    let w = Words(lang);
    let found = &view.scan;
    let scan = &found.scan;
    let owners: Vec<String> =
        found.owners.iter().map(|o| format!("{} — {} ({})", o.name, o.person, o.workstation)).collect();
    let mut lines = w.asked(asker, when(found.computed_at), &view.fetched_at);
    lines.extend([
        (w.t("cli.xlsx.as_of"), scan.as_of.to_string()),
        (w.t("cli.xlsx.months"), scan.months.join(", ")),
        (w.t("cli.xlsx.method"), format!("{}; {}", scan.method, scan.cells.neighbours_method)),
        (w.t("cli.xlsx.authors"), owners.join("; ")),
        (w.t("cli.xlsx.appeals_held"), found.appeals_held.to_string()),
        (
            w.t("cli.xlsx.cells_judged"),
            format!("{} / {} ({})", scan.cells.judged, scan.cells.cells, scan.cells.not_judged),
        ),
        w.made_by(),
    ]);
    lines.extend(found.not_computed.iter().map(|m| (w.t("cli.xlsx.note"), m.reason.clone())));
    let theme_rows = scan
        .themes
        .iter()
        .flat_map(|theme| {
            theme.months.iter().flatten().map(|m| {
                let mut row = vec![Cell::from(theme.name.as_str())];
                row.extend(month_cells(m));
                row
            })
        })
        .collect();
    let cell_rows = scan
        .cells
        .alarms
        .iter()
        .map(|cell| {
            let mut row = vec![Cell::from(cell.category.as_str()), Cell::from(cell.district.as_str())];
            row.extend(month_cells(&cell.judged));
            row
        })
        .collect();
    let neighbour_rows = scan
        .cells
        .neighbours
        .iter()
        .map(|cell| {
            vec![
                Cell::from(cell.category.as_str()),
                Cell::from(cell.district.as_str()),
                Cell::Number(f64::from(cell.observed)),
                Cell::Number(f64::from(cell.district_total)),
                Cell::Number(cell.expected),
                Cell::Number(cell.ratio),
                Cell::Number(cell.q),
                Cell::from(cell.neighbours.join(", ")),
            ]
        })
        .collect();
    let with_months = |first: &[&str]| {
        let mut heads = w.heads(first);
        heads.extend(w.heads(&MONTH_HEADS));
        heads
    };
    let tables = vec![
        Table {
            title: w.t("cli.xlsx.sheet.themes"),
            heads: with_months(&["cli.xlsx.theme"]),
            rows: theme_rows,
            wide: vec![(0, 30.0)],
        },
        Table {
            title: w.t("cli.xlsx.sheet.cells"),
            heads: with_months(&["cli.xlsx.category", "cli.xlsx.district"]),
            rows: cell_rows,
            wide: vec![(0, 30.0)],
        },
        Table {
            title: w.t("cli.xlsx.sheet.neighbours"),
            heads: w.heads(&[
                "cli.xlsx.category",
                "cli.xlsx.district",
                "cli.xlsx.observed",
                "cli.xlsx.of_district",
                "cli.xlsx.expected",
                "cli.xlsx.ratio",
                "cli.xlsx.q",
                "cli.xlsx.neighbours",
            ]),
            rows: neighbour_rows,
            wide: vec![(0, 30.0)],
        },
    ];
    Report {
        lang,
        stem: format!("office-themes-{}", scan.as_of),
        title: w.t("cli.xlsx.themes_title"),
        offline: w.offline(view.offline.as_deref(), &view.fetched_at),
        lines,
        summary: None,
        tables,
    }
}
