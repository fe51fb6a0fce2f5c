//! The theme scan in the person's language, for the command lines of both programs (`ekn themes
//! scan`, `ekn-office themes scan`): one text, so the two cannot drift apart.

use std::fmt::Write as _;

use super::themes::ThemeScanReport;
use crate::analytics::themes::CellScan;
use crate::i18n::{local_date, tr, tr_with};

/// `ekn themes scan` and `ekn-office themes scan` as text: the months judged, each theme's
/// months, the cells' alarms, the note that a theme is never a list of persons.
pub fn scan_text(r: &ThemeScanReport) -> String {
    type Vars<'a> = [(&'a str, &'a dyn std::fmt::Display)];
    let mut out = String::new();
    let head: &Vars = &[
        ("months", &r.months.join(", ")),
        ("date", &local_date(r.as_of)),
        ("method", &r.method),
        ("fdr", &r.params.fdr),
    ];
    let _ = writeln!(out, "{}", tr_with("cli.themes.scan.head", head));
    if r.themes.is_empty() {
        let _ = writeln!(out, "{}", tr("cli.themes.scan.no_themes"));
    }
    for t in &r.themes {
        let months: Vec<String> = t
            .months
            .iter()
            .map(|m| match m {
                Some(j) => {
                    let (expected, upper, q) =
                        (format!("{:.1}", j.expected), format!("{:.0}", j.upper), format!("{:.3}", j.q));
                    let alarm = if j.alarm { tr("cli.themes.scan.alarm") } else { String::new() };
                    let month: &Vars = &[
                        ("month", &j.month),
                        ("observed", &j.observed),
                        ("expected", &expected),
                        ("upper", &upper),
                        ("q", &q),
                        ("alarm", &alarm),
                    ];
                    tr_with("cli.themes.scan.month", month)
                }
                None => tr("cli.themes.no_history"),
            })
            .collect();
        let theme: &Vars = &[("name", &t.name), ("version", &t.version), ("months", &months.join("; "))];
        let _ = writeln!(out, "{}", tr_with("cli.themes.scan.theme", theme));
    }
    let _ = write!(out, "\n{}", cells_text(&r.cells));
    let seconds = format!("{:.2}", r.seconds);
    let _ =
        writeln!(out, "\n{}\n{}", crate::i18n::local(&r.note), tr_with("cli.themes.seconds", &[("seconds", &seconds)]));
    out
}

/// The cells' part of a scan: how many were judged, and each alarm with its month, counts and
/// q-value (the office's and the national side's scans print it alike).
pub fn cells_text(c: &CellScan) -> String {
    type Vars<'a> = [(&'a str, &'a dyn std::fmt::Display)];
    let mut out = String::new();
    let cells: &Vars =
        &[("cells", &c.cells), ("judged", &c.judged), ("not_judged", &c.not_judged), ("alarms", &c.alarms.len())];
    let _ = writeln!(out, "{}", tr_with("cli.themes.scan.cells", cells));
    for a in &c.alarms {
        let j = &a.judged;
        let (expected, upper, p, q) =
            (format!("{:.1}", j.expected), format!("{:.0}", j.upper), format!("{:.2e}", j.p), format!("{:.3}", j.q));
        let alarm: &Vars = &[
            ("category", &a.category),
            ("district", &a.district),
            ("month", &j.month),
            ("observed", &j.observed),
            ("expected", &expected),
            ("upper", &upper),
            ("p", &p),
            ("q", &q),
        ];
        let _ = writeln!(out, "  {}", tr_with("cli.themes.scan.cell_alarm", alarm));
    }
    out
}
