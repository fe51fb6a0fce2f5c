//! Reports a head hands on (issue 64): the office's dashboard, its anomalies, its effect of acts and
//! its scan of the themes as XLSX workbooks,
//! in the person's language, written by `rust_xlsxwriter`. Each first sheet says what the figures
//! are — the office, who asked and as what role, when the office computed them, when they reached
//! this workstation (and, offline, that they are the last ones kept), and what produced them (the
//! calendar; the detectors' method and settings) — then a sheet per table the screen shows: for the
//! dashboard the totals, by person, by assignee, by unit, by district, and overdue work by region ×
//! category; for the anomalies one row per practice with its figures, words and objects; for the
//! effect the outcomes' KPIs, what later data say of each act (tier 2) and each estimate; for the
//! themes each theme's months judged, and the cells above their past and above their neighbours.

use std::collections::BTreeMap;
use std::fmt::Display;

use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use super::heads::{OfficeAnomaliesView, OfficeDashboardView, OfficeEffectView, OfficeThemeScanView};
use super::Office;
use crate::api::{ApiError, ErrorCode};
use crate::domain::tasks::Figures;
use crate::i18n::{text_in, Lang};

/// The figures' columns, as the command line heads them.
const COLUMNS: [&str; 6] =
    ["cli.col.open", "cli.col.due3", "cli.col.overdue", "cli.col.on_time", "cli.col.late", "cli.col.median"];

fn xlsx_error(e: XlsxError) -> ApiError {
    ApiError::new(ErrorCode::Internal, format!("the workbook: {e}"))
}

/// One row of figures.
fn figures_row(sheet: &mut Worksheet, row: u32, name: &str, f: &Figures) -> Result<(), XlsxError> {
    sheet.write_string(row, 0, name)?;
    let counts =
        [f.open, f.due_within_3_working_days, f.overdue, f.done_on_time_last_90_days, f.done_late_last_90_days];
    for (col, n) in counts.into_iter().enumerate() {
        sheet.write_number(row, col as u16 + 1, n as f64)?;
    }
    match f.median_days_late {
        Some(m) => sheet.write_number(row, 6, m)?,
        None => sheet.write_string(row, 6, "—")?,
    };
    Ok(())
}

/// A sheet of figures by a key (a person, a unit, a district), headed in `lang`.
fn figures_sheet(
    book: &mut Workbook,
    lang: Lang,
    title: &str,
    key_head: &str,
    rows: &BTreeMap<String, Figures>,
    name_of: impl Fn(&str) -> String,
) -> Result<(), XlsxError> {
    let bold = Format::new().set_bold();
    let sheet = book.add_worksheet();
    sheet.set_name(title)?;
    sheet.write_string_with_format(0, 0, key_head, &bold)?;
    for (col, key) in COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16 + 1, text_in(lang, key, &[]), &bold)?;
    }
    for (i, (key, f)) in rows.iter().enumerate() {
        figures_row(sheet, i as u32 + 1, &name_of(key), f)?;
    }
    sheet.set_column_width(0, 40)?;
    Ok(())
}

/// The first sheet: the report's title, the offline warning when the figures are the last kept,
/// then `lines` of label and value; returns the next free row.
fn about_sheet(
    book: &mut Workbook,
    lang: Lang,
    title: &str,
    offline: Option<(&str, &str)>,
    lines: &[(String, String)],
) -> Result<u32, XlsxError> {
    let bold = Format::new().set_bold();
    let sheet = book.add_worksheet();
    sheet.set_name(text_in(lang, "cli.xlsx.sheet.about", &[]))?;
    let mut row = 0;
    sheet.write_string_with_format(row, 0, title, &bold)?;
    row += 1;
    if let Some((why, at)) = offline {
        let note = text_in(lang, "cli.xlsx.offline", &[("why", &why), ("at", &at)]);
        sheet.write_string_with_format(row, 0, note, &bold)?;
        row += 1;
    }
    for (label, value) in lines {
        row += 1;
        sheet.write_string(row, 0, label)?;
        sheet.write_string(row, 1, value)?;
    }
    sheet.set_column_width(0, 34)?;
    sheet.set_column_width(1, 60)?;
    Ok(row)
}

/// The workbook's bytes.
pub fn dashboard_workbook(
    view: &OfficeDashboardView,
    office: &str,
    person: &str,
    role: &str,
    lang: Lang,
) -> Result<Vec<u8>, ApiError> {
    let t = |key: &str, vars: &[(&str, &dyn Display)]| text_in(lang, key, vars);
    let board = &view.dashboard;
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let lines: Vec<(String, String)> = vec![
        (t("cli.xlsx.office", &[]), office.to_string()),
        (t("cli.xlsx.asked_by", &[]), format!("{person} ({role})")),
        (t("cli.xlsx.computed_at", &[]), board.computed_at.to_rfc3339()),
        (t("cli.xlsx.fetched_at", &[]), view.fetched_at.to_rfc3339()),
        (t("cli.xlsx.as_of", &[]), board.figures.today.to_string()),
        (
            t("cli.xlsx.over", &[]),
            t("cli.xlsx.over_value", &[("tasks", &board.tasks), ("workstations", &board.workstations)]),
        ),
        (t("cli.xlsx.open_conflicts", &[]), board.open_conflicts.to_string()),
        (t("cli.xlsx.calendar", &[]), board.calendar.clone()),
        (t("cli.xlsx.made_by", &[]), format!("ekn {}", env!("CARGO_PKG_VERSION"))),
    ];
    let fetched = view.fetched_at.to_rfc3339();
    let offline = view.offline.as_deref().map(|why| (why, fetched.as_str()));
    let mut row =
        about_sheet(&mut book, lang, &t("cli.xlsx.dashboard_title", &[]), offline, &lines).map_err(xlsx_error)?;
    {
        let sheet = book.worksheet_from_index(0).map_err(xlsx_error)?;
        row += 2;
        sheet.write_string_with_format(row, 0, t("cli.xlsx.totals", &[]), &bold).map_err(xlsx_error)?;
        for (col, key) in COLUMNS.iter().enumerate() {
            sheet.write_string_with_format(row, col as u16 + 1, t(key, &[]), &bold).map_err(xlsx_error)?;
        }
        figures_row(sheet, row + 1, &t("cli.dash.all", &[]), &board.figures.totals).map_err(xlsx_error)?;
    }
    let same = |key: &str| key.to_string();
    let sheets: [(&str, &str, &BTreeMap<String, Figures>); 4] = [
        ("cli.xlsx.sheet.by_owner", "cli.xlsx.person", &board.by_owner),
        ("cli.xlsx.sheet.by_assignee", "cli.xlsx.assignee", &board.figures.by_assignee),
        ("cli.xlsx.sheet.by_unit", "cli.xlsx.unit", &board.figures.by_unit),
        ("cli.xlsx.sheet.by_district", "cli.xlsx.district", &board.by_district),
    ];
    for (title, head, rows) in sheets {
        figures_sheet(&mut book, lang, &t(title, &[]), &t(head, &[]), rows, same).map_err(xlsx_error)?;
    }
    {
        let sheet = book.add_worksheet();
        sheet.set_name(t("cli.xlsx.sheet.overdue", &[])).map_err(xlsx_error)?;
        for (col, head) in ["cli.xlsx.region", "cli.xlsx.category", "cli.col.overdue"].iter().enumerate() {
            sheet.write_string_with_format(0, col as u16, t(head, &[]), &bold).map_err(xlsx_error)?;
        }
        let mut row = 1;
        for (region, categories) in &board.figures.overdue_matrix {
            for (category, n) in categories {
                sheet.write_string(row, 0, region).map_err(xlsx_error)?;
                sheet.write_string(row, 1, category).map_err(xlsx_error)?;
                sheet.write_number(row, 2, *n as f64).map_err(xlsx_error)?;
                row += 1;
            }
        }
    }
    book.save_to_buffer().map_err(xlsx_error)
}

/// The office's anomalies as a workbook: the first sheet says what produced the list, the second
/// holds one row per practice, as the Analytics screen lists it.
pub fn anomalies_workbook(
    view: &OfficeAnomaliesView,
    office: &str,
    person: &str,
    role: &str,
    lang: Lang,
) -> Result<Vec<u8>, ApiError> {
    let t = |key: &str, vars: &[(&str, &dyn Display)]| text_in(lang, key, vars);
    let found = &view.anomalies;
    let report = &found.report;
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let computed = found.computed_at.map_or_else(|| "—".to_string(), |at| at.to_rfc3339());
    let registry: Vec<String> = found
        .registry
        .iter()
        .map(|r| format!("{} #{} ({}, SHA-256 {})", r.connector, r.run_id, r.rows, r.sha256))
        .collect();
    let mut lines: Vec<(String, String)> = vec![
        (t("cli.xlsx.office", &[]), office.to_string()),
        (t("cli.xlsx.asked_by", &[]), format!("{person} ({role})")),
        (t("cli.xlsx.computed_at", &[]), computed),
        (t("cli.xlsx.fetched_at", &[]), view.fetched_at.to_rfc3339()),
        (t("cli.xlsx.window", &[]), format!("{} – {}", report.window.from, report.window.to)),
        (
            t("cli.xlsx.method", &[]),
            format!(
                "{} (FDR {}, ≥ ×{}, ≥ {} / {})",
                report.method,
                report.params.fdr,
                report.params.min_ratio,
                report.params.min_inspections,
                report.params.min_appeals
            ),
        ),
        (t("cli.xlsx.districts", &[]), found.districts.join(", ")),
        (t("cli.xlsx.appeals_held", &[]), found.appeals_held.to_string()),
        (t("cli.xlsx.registry", &[]), registry.join("; ")),
        (t("cli.xlsx.made_by", &[]), format!("ekn {}", env!("CARGO_PKG_VERSION"))),
    ];
    if found.outside > 0 {
        lines.push((t("cli.xlsx.note", &[]), t("office.anomalies.outside", &[("n", &found.outside)])));
    }
    if found.objects_withheld {
        lines.push((t("cli.xlsx.note", &[]), t("office.anomalies.withheld", &[])));
    }
    for missing in &found.not_computed {
        lines.push((t("cli.xlsx.note", &[]), missing.reason.clone()));
    }
    let fetched = view.fetched_at.to_rfc3339();
    let offline = view.offline.as_deref().map(|why| (why, fetched.as_str()));
    about_sheet(&mut book, lang, &t("cli.xlsx.anomalies_title", &[]), offline, &lines).map_err(xlsx_error)?;
    let sheet = book.add_worksheet();
    sheet.set_name(t("cli.xlsx.sheet.anomalies", &[])).map_err(xlsx_error)?;
    let heads = [
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
    ];
    for (col, head) in heads.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, t(head, &[]), &bold).map_err(xlsx_error)?;
    }
    for (i, listed) in report.anomalies.iter().enumerate() {
        let a = &listed.anomaly;
        let row = i as u32 + 1;
        let texts = [
            (0, a.id.clone()),
            (1, t(&format!("cli.xlsx.kind.{}", a.kind.code()), &[])),
            (2, a.control_body.clone().unwrap_or_default()),
            (3, a.district.clone().or_else(|| a.region_code.clone()).unwrap_or_default()),
            (4, a.category.clone().or_else(|| a.combination.clone()).unwrap_or_default()),
            (5, format!("{} – {}", a.period.from, a.period.to)),
            (9, a.ratio_interval.map_or_else(String::new, |(lo, hi)| format!("{lo:.2}–{hi:.2}"))),
            (12, lang.of(&a.explanation).to_string()),
            (13, a.subject_bins.join(", ")),
        ];
        for (col, text) in texts {
            sheet.write_string(row, col, text).map_err(xlsx_error)?;
        }
        for (col, n) in [(6, a.observed), (7, a.expected), (8, a.ratio), (10, a.q_value), (11, a.peers as f64)] {
            sheet.write_number(row, col, n).map_err(xlsx_error)?;
        }
    }
    sheet.set_column_width(2, 40).map_err(xlsx_error)?;
    sheet.set_column_width(12, 80).map_err(xlsx_error)?;
    book.save_to_buffer().map_err(xlsx_error)
}

/// A JSON enum's snake-case name (`violations_per_inspection`, `stacked`), as the words key it.
fn code_of<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

/// The office's effect of acts as a workbook: what produced it, the KPIs of the recorded outcomes,
/// the checks of tier 2 (a check the office lacks data for said so, never a zero) and each estimate.
pub fn effect_workbook(
    view: &OfficeEffectView,
    office: &str,
    person: &str,
    role: &str,
    lang: Lang,
) -> Result<Vec<u8>, ApiError> {
    let t = |key: &str, vars: &[(&str, &dyn Display)]| text_in(lang, key, vars);
    let e = &view.effect;
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let computed = e.computed_at.map_or_else(|| "—".to_string(), |at| at.to_rfc3339());
    let registry: Vec<String> = e
        .registry
        .iter()
        .map(|r| format!("{} #{} ({}, SHA-256 {})", r.connector, r.run_id, r.rows, r.sha256))
        .collect();
    let mut lines: Vec<(String, String)> = vec![
        (t("cli.xlsx.office", &[]), office.to_string()),
        (t("cli.xlsx.asked_by", &[]), format!("{person} ({role})")),
        (t("cli.xlsx.computed_at", &[]), computed),
        (t("cli.xlsx.fetched_at", &[]), view.fetched_at.to_rfc3339()),
        (t("cli.xlsx.as_of", &[]), e.as_of.to_string()),
        (t("cli.xlsx.horizon", &[]), e.horizon_days.to_string()),
        (t("cli.xlsx.method", &[]), e.method.clone()),
        (
            t("cli.xlsx.over", &[]),
            t(
                "cli.xlsx.effect_over",
                &[("acts", &e.kpis.acts), ("workstations", &e.workstations), ("shared", &e.shared_acts)],
            ),
        ),
        (t("cli.xlsx.appeals_held", &[]), e.appeals_held.to_string()),
        (t("cli.xlsx.registry", &[]), registry.join("; ")),
        (t("cli.xlsx.made_by", &[]), format!("ekn {}", env!("CARGO_PKG_VERSION"))),
    ];
    if let Some(kind) = &e.kind {
        lines.push((t("cli.xlsx.kind", &[]), kind.clone()));
    }
    if let Some(district) = &e.district {
        lines.push((t("cli.xlsx.district", &[]), district.clone()));
    }
    for missing in &e.not_computed {
        lines.push((t("cli.xlsx.note", &[]), missing.reason.clone()));
    }
    let fetched = view.fetched_at.to_rfc3339();
    let offline = view.offline.as_deref().map(|why| (why, fetched.as_str()));
    about_sheet(&mut book, lang, &t("cli.xlsx.effect_title", &[]), offline, &lines).map_err(xlsx_error)?;

    // Tier 1: the recorded outcomes' KPIs, each as its count of its denominator and its share.
    let sheet = book.add_worksheet();
    sheet.set_name(t("cli.xlsx.sheet.kpis", &[])).map_err(xlsx_error)?;
    for (col, head) in
        ["cli.xlsx.kpi", "cli.xlsx.numerator", "cli.xlsx.denominator", "cli.xlsx.share", "cli.xlsx.interval"]
            .iter()
            .enumerate()
    {
        sheet.write_string_with_format(0, col as u16, t(head, &[]), &bold).map_err(xlsx_error)?;
    }
    let k = &e.kpis;
    let kpis = [
        ("answered_in_time", &k.answered_in_time),
        ("satisfied", &k.satisfied),
        ("satisfied_or_partly", &k.satisfied_or_partly),
        ("protests_upheld", &k.protests_upheld),
        ("checklist_complete", &k.quality.checklist_complete),
    ];
    for (i, (name, p)) in kpis.into_iter().enumerate() {
        let row = i as u32 + 1;
        sheet.write_string(row, 0, t(&format!("cli.xlsx.kpi.{name}"), &[])).map_err(xlsx_error)?;
        sheet.write_number(row, 1, p.numerator as f64).map_err(xlsx_error)?;
        sheet.write_number(row, 2, p.denominator as f64).map_err(xlsx_error)?;
        if let Some(share) = p.share {
            sheet.write_number(row, 3, share).map_err(xlsx_error)?;
        }
        if let Some([lo, hi]) = p.ci95 {
            sheet.write_string(row, 4, format!("{lo:.3}–{hi:.3}")).map_err(xlsx_error)?;
        }
    }
    sheet.set_column_width(0, 40).map_err(xlsx_error)?;

    // Tier 2: what later data say of each act.
    let sheet = book.add_worksheet();
    sheet.set_name(t("cli.xlsx.sheet.verification", &[])).map_err(xlsx_error)?;
    for (col, head) in
        ["cli.xlsx.check", "cli.xlsx.verified", "cli.xlsx.contradicted", "cli.xlsx.no_data"].iter().enumerate()
    {
        sheet.write_string_with_format(0, col as u16, t(head, &[]), &bold).map_err(xlsx_error)?;
    }
    let v = e.verification.as_ref();
    let checks = [
        ("next_inspection", v.and_then(|v| v.next_inspection.as_ref())),
        ("appeals", v.and_then(|v| v.appeals.as_ref())),
        ("category_appeals", v.and_then(|v| v.category_appeals.as_ref())),
        ("returning_applicant", v.and_then(|v| v.returning_applicant.as_ref())),
    ];
    for (i, (name, counts)) in checks.into_iter().enumerate() {
        let row = i as u32 + 1;
        sheet.write_string(row, 0, t(&format!("cli.xlsx.check.{name}"), &[])).map_err(xlsx_error)?;
        match counts {
            Some(c) => {
                for (col, n) in [(1, c.verified), (2, c.contradicted), (3, c.no_data)] {
                    sheet.write_number(row, col, n as f64).map_err(xlsx_error)?;
                }
            }
            None => {
                sheet.write_string(row, 1, t("cli.xlsx.not_computed", &[])).map_err(xlsx_error)?;
            }
        }
    }
    sheet.set_column_width(0, 40).map_err(xlsx_error)?;

    // Tier 3: each estimate, the ratio with its interval, what it rests on.
    let sheet = book.add_worksheet();
    sheet.set_name(t("cli.xlsx.sheet.estimates", &[])).map_err(xlsx_error)?;
    let heads = [
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
    ];
    for (col, head) in heads.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, t(head, &[]), &bold).map_err(xlsx_error)?;
    }
    for (i, entry) in e.effects.iter().enumerate() {
        let row = i as u32 + 1;
        let f = &entry.figures;
        let texts = [
            (0, entry.kind.clone()),
            (1, entry.scope.clone()),
            (2, code_of(&f.outcome)),
            (3, f.design.as_ref().map(code_of).unwrap_or_default()),
            (5, f.ci95.map_or_else(String::new, |[lo, hi]| format!("{lo:.3}–{hi:.3}"))),
        ];
        for (col, text) in texts {
            sheet.write_string(row, col, text).map_err(xlsx_error)?;
        }
        let numbers = [
            (4, f.ratio),
            (6, f.naive_ratio),
            (7, Some(f.n_treated as f64)),
            (8, Some(f.n_controls as f64)),
            (9, f.pre_trend_p),
            (10, f.mde),
        ];
        for (col, n) in numbers {
            if let Some(n) = n.filter(|n| n.is_finite()) {
                sheet.write_number(row, col, n).map_err(xlsx_error)?;
            }
        }
    }
    book.save_to_buffer().map_err(xlsx_error)
}

/// Writes `heads` in bold on the first row of a new sheet named `title`, and returns the sheet.
fn table_sheet<'b>(
    book: &'b mut Workbook,
    lang: Lang,
    title: &str,
    heads: &[&str],
) -> Result<&'b mut Worksheet, XlsxError> {
    let bold = Format::new().set_bold();
    let sheet = book.add_worksheet();
    sheet.set_name(title)?;
    for (col, head) in heads.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, text_in(lang, head, &[]), &bold)?;
    }
    Ok(sheet)
}

/// The office's scan of the themes as a workbook: what produced it, each theme's months judged, the
/// category × district cells above their own past and those above their neighbours.
pub fn themes_workbook(
    view: &OfficeThemeScanView,
    office: &str,
    person: &str,
    role: &str,
    lang: Lang,
) -> Result<Vec<u8>, ApiError> {
    let t = |key: &str, vars: &[(&str, &dyn Display)]| text_in(lang, key, vars);
    let found = &view.scan;
    let scan = &found.scan;
    let mut book = Workbook::new();
    let computed = found.computed_at.map_or_else(|| "—".to_string(), |at| at.to_rfc3339());
    let owners: Vec<String> =
        found.owners.iter().map(|o| format!("{} — {} ({})", o.name, o.person, o.workstation)).collect();
    let mut lines: Vec<(String, String)> = vec![
        (t("cli.xlsx.office", &[]), office.to_string()),
        (t("cli.xlsx.asked_by", &[]), format!("{person} ({role})")),
        (t("cli.xlsx.computed_at", &[]), computed),
        (t("cli.xlsx.fetched_at", &[]), view.fetched_at.to_rfc3339()),
        (t("cli.xlsx.as_of", &[]), scan.as_of.to_string()),
        (t("cli.xlsx.months", &[]), scan.months.join(", ")),
        (t("cli.xlsx.method", &[]), format!("{}; {}", scan.method, scan.cells.neighbours_method)),
        (t("cli.xlsx.authors", &[]), owners.join("; ")),
        (t("cli.xlsx.appeals_held", &[]), found.appeals_held.to_string()),
        (
            t("cli.xlsx.cells_judged", &[]),
            format!("{} / {} ({})", scan.cells.judged, scan.cells.cells, scan.cells.not_judged),
        ),
        (t("cli.xlsx.made_by", &[]), format!("ekn {}", env!("CARGO_PKG_VERSION"))),
    ];
    for missing in &found.not_computed {
        lines.push((t("cli.xlsx.note", &[]), missing.reason.clone()));
    }
    let fetched = view.fetched_at.to_rfc3339();
    let offline = view.offline.as_deref().map(|why| (why, fetched.as_str()));
    about_sheet(&mut book, lang, &t("cli.xlsx.themes_title", &[]), offline, &lines).map_err(xlsx_error)?;

    let month_heads =
        ["cli.xlsx.month", "cli.xlsx.observed", "cli.xlsx.expected", "cli.xlsx.upper", "cli.xlsx.q", "cli.xlsx.alarm"];
    let write_month = |sheet: &mut Worksheet, row: u32, from: u16, m: &ekn_analytics::themes::MonthJudged| {
        sheet.write_string(row, from, &m.month)?;
        for (i, n) in [f64::from(m.observed), m.expected, m.upper, m.q].into_iter().enumerate() {
            sheet.write_number(row, from + 1 + i as u16, n)?;
        }
        sheet.write_string(row, from + 5, if m.alarm { "●" } else { "" })?;
        Ok::<(), XlsxError>(())
    };
    let heads: Vec<&str> = ["cli.xlsx.theme"].into_iter().chain(month_heads).collect();
    let sheet = table_sheet(&mut book, lang, &t("cli.xlsx.sheet.themes", &[]), &heads).map_err(xlsx_error)?;
    let mut row = 1;
    for theme in &scan.themes {
        for month in theme.months.iter().flatten() {
            sheet.write_string(row, 0, &theme.name).map_err(xlsx_error)?;
            write_month(sheet, row, 1, month).map_err(xlsx_error)?;
            row += 1;
        }
    }
    let heads: Vec<&str> = ["cli.xlsx.category", "cli.xlsx.district"].into_iter().chain(month_heads).collect();
    let sheet = table_sheet(&mut book, lang, &t("cli.xlsx.sheet.cells", &[]), &heads).map_err(xlsx_error)?;
    for (i, cell) in scan.cells.alarms.iter().enumerate() {
        let row = i as u32 + 1;
        sheet.write_string(row, 0, &cell.category).map_err(xlsx_error)?;
        sheet.write_string(row, 1, &cell.district).map_err(xlsx_error)?;
        write_month(sheet, row, 2, &cell.judged).map_err(xlsx_error)?;
    }
    let heads = [
        "cli.xlsx.category",
        "cli.xlsx.district",
        "cli.xlsx.observed",
        "cli.xlsx.of_district",
        "cli.xlsx.expected",
        "cli.xlsx.ratio",
        "cli.xlsx.q",
        "cli.xlsx.neighbours",
    ];
    let sheet = table_sheet(&mut book, lang, &t("cli.xlsx.sheet.neighbours", &[]), &heads).map_err(xlsx_error)?;
    for (i, cell) in scan.cells.neighbours.iter().enumerate() {
        let row = i as u32 + 1;
        sheet.write_string(row, 0, &cell.category).map_err(xlsx_error)?;
        sheet.write_string(row, 1, &cell.district).map_err(xlsx_error)?;
        let numbers = [f64::from(cell.observed), f64::from(cell.district_total), cell.expected, cell.ratio, cell.q];
        for (col, n) in numbers.into_iter().enumerate() {
            sheet.write_number(row, 2 + col as u16, n).map_err(xlsx_error)?;
        }
        sheet.write_string(row, 7, cell.neighbours.join(", ")).map_err(xlsx_error)?;
    }
    book.save_to_buffer().map_err(xlsx_error)
}

impl Office<'_> {
    /// The office's dashboard as a workbook in `lang`: the same figures `dashboard` gives (the last
    /// ones kept when the office is out of reach, said on its first sheet). Returns its file name.
    pub fn dashboard_xlsx(&mut self, lang: Lang) -> Result<(String, Vec<u8>), ApiError> {
        let view = self.dashboard()?;
        let link = self.linked()?;
        let bytes = dashboard_workbook(&view, &link.url, &link.person, &link.role, lang)?;
        let name = format!("office-dashboard-{}.xlsx", view.dashboard.figures.today);
        Ok((name, bytes))
    }

    /// The office's anomalies as a workbook in `lang` (the last list kept when the office is out of
    /// reach, said on its first sheet). Returns its file name.
    pub fn anomalies_xlsx(&mut self, lang: Lang) -> Result<(String, Vec<u8>), ApiError> {
        let view = self.anomalies()?;
        let link = self.linked()?;
        let bytes = anomalies_workbook(&view, &link.url, &link.person, &link.role, lang)?;
        let name = format!("office-anomalies-{}.xlsx", view.anomalies.report.as_of);
        Ok((name, bytes))
    }

    /// The office's effect of acts as a workbook in `lang` (the last figures kept when the office
    /// is out of reach, said on its first sheet). Returns its file name.
    pub fn effect_xlsx(&mut self, lang: Lang) -> Result<(String, Vec<u8>), ApiError> {
        let view = self.effect()?;
        let link = self.linked()?;
        let bytes = effect_workbook(&view, &link.url, &link.person, &link.role, lang)?;
        let name = format!("office-effect-{}.xlsx", view.effect.as_of);
        Ok((name, bytes))
    }

    /// The office's scan of the themes as a workbook in `lang` (the last scan kept when the office
    /// is out of reach, said on its first sheet). Returns its file name.
    pub fn themes_xlsx(&mut self, lang: Lang) -> Result<(String, Vec<u8>), ApiError> {
        let view = self.theme_scan()?;
        let link = self.linked()?;
        let bytes = themes_workbook(&view, &link.url, &link.person, &link.role, lang)?;
        let name = format!("office-themes-{}.xlsx", view.scan.scan.as_of);
        Ok((name, bytes))
    }
}
