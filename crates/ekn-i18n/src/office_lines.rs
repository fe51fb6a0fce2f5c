//! The office's reports in the person's language, one wording for `ekn-office` on the server and
//! `ekn office …` on a joined workstation (issue 64): what the office did not compute, its theme
//! scan, its anomalies and its effect of acts.

use std::fmt::Display;

use ekn_analytics::office_reports::{NotComputed, OfficeAnomalies, OfficeEffect, OfficeThemeScan};

use crate::{anomaly_lines, effect_lines, local_date, theme_lines, tr, tr_count, tr_with};

/// What the office did not compute, in the person's language.
pub fn not_computed_line(omitted: &NotComputed) -> String {
    let detail = omitted.detail.clone().unwrap_or_default();
    let reason = tr_with(&format!("office.not_computed.{}", omitted.code), &[("detail", &detail)]);
    tr_with("cli.effect.not_here", &[("reason", &reason)])
}

/// The office's anomalies as text: the list as `ekn anomalies` words it, what the office read,
/// what it listed outside the person's districts and whether it withheld the objects.
pub fn anomalies_text(found: &OfficeAnomalies) -> String {
    let mut out = anomaly_lines::report_text(&found.report);
    out.push_str(&tr_with("office.anomalies.read", &[("appeals", &found.appeals_held)]));
    out.push('\n');
    if found.outside > 0 {
        out.push_str(&tr_with("office.anomalies.outside", &[("n", &found.outside)]));
        out.push('\n');
    }
    if found.objects_withheld {
        out.push_str(&tr("office.anomalies.withheld"));
        out.push('\n');
    }
    for omitted in &found.not_computed {
        out.push_str(&not_computed_line(omitted));
        out.push('\n');
    }
    out
}

/// The office's scan as text: the workstation's, then whose each theme is and what it read.
pub fn themes_scan_text(scan: &OfficeThemeScan) -> String {
    let mut out = theme_lines::scan_text(&scan.scan);
    let vars: [(&str, &dyn Display); 2] = [("appeals", &scan.appeals_held), ("themes", &scan.owners.len())];
    out.push_str(&tr_with("cli.themes.office_read", &vars));
    out.push('\n');
    for omitted in &scan.not_computed {
        out.push_str(&not_computed_line(omitted));
        out.push('\n');
    }
    out
}

/// The effectiveness figures in words, as `ekn effect` prints them: each KPI with its numerator,
/// denominator and interval; what the next inspection found; the estimates on violations; what is
/// not computed at the office.
pub fn effect_text(e: &OfficeEffect) -> String {
    let k = &e.kpis;
    let mut lines = Vec::new();
    let head: [(&str, &dyn Display); 3] =
        [("workstations", &e.workstations), ("date", &local_date(e.as_of)), ("shared", &e.shared_acts)];
    lines.push(tr_count("cli.effect.office_head", k.acts, &head));
    lines.extend(effect_lines::kpi_lines(k));
    lines.push(effect_lines::funnel_line(k));
    if let Some(v) = &e.verification {
        lines.push(format!("\n{}", tr_with("cli.effect.tier2", &[("rule", &v.rule)])));
        let checks = [
            ("next_inspection", &v.next_inspection),
            ("appeals", &v.appeals),
            ("category_appeals", &v.category_appeals),
            ("returning_applicant", &v.returning_applicant),
        ];
        for (check, counts) in checks {
            if let Some(counts) = counts {
                lines.push(effect_lines::counts_line(check, counts));
            }
        }
        if v.not_in_registry > 0 {
            lines.push(format!("  {}", tr_with("cli.effect.not_in_registry", &[("n", &v.not_in_registry)])));
        }
        lines.push(format!("\n{}", tr_with("cli.effect.tier3", &[("method", &e.method)])));
        for entry in &e.effects {
            lines.extend(effect_lines::effect_lines(entry));
        }
        for run in &e.registry {
            let vars: [(&str, &dyn Display); 5] = [
                ("connector", &run.connector),
                ("run", &run.run_id),
                ("data", &run.data),
                ("rows", &run.rows),
                ("sha", &&run.sha256[..16.min(run.sha256.len())]),
            ];
            lines.push(tr_with("cli.effect.office_registry", &vars));
        }
    }
    for omitted in &e.not_computed {
        lines.push(not_computed_line(omitted));
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}
