//! The theme scan and the theme scores in the person's language, for the command lines of both
//! programs (`ekn themes scan|scores`, `ekn-office themes scan|scores`): one text, so the two cannot
//! drift apart.

use std::fmt::Write as _;

use crate::{local_date, tr, tr_with};
use ekn_analytics::theme_reports::{ThemeScanReport, ThemeScoreReport};
use ekn_analytics::themes::{CellScan, ScorePart, ThemeScore};

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
    let _ = writeln!(out, "\n{}\n{}", crate::local(&r.note), tr_with("cli.themes.seconds", &[("seconds", &seconds)]));
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
    // The same months, each cell's share of its district's appeals against its neighbours'.
    let compared: &Vars =
        &[("judged", &c.neighbours_judged), ("alarms", &c.neighbours.len()), ("method", &c.neighbours_method)];
    let _ = writeln!(out, "{}", tr_with("cli.themes.scan.neighbours", compared));
    for a in &c.neighbours {
        let share = format!("{:.0}%", 100.0 * f64::from(a.observed) / f64::from(a.district_total.max(1)));
        let theirs = format!("{:.0}%", 100.0 * f64::from(a.neighbours_observed) / f64::from(a.neighbours_total.max(1)));
        let (ratio, q) = (format!("{:.1}", a.ratio), format!("{:.3}", a.q));
        let key =
            if a.enclosed { "cli.themes.scan.neighbour_alarm_enclosed" } else { "cli.themes.scan.neighbour_alarm" };
        let neighbours = a.neighbours.join(", ");
        let alarm: &Vars = &[
            ("category", &a.category),
            ("district", &a.district),
            ("observed", &a.observed),
            ("total", &a.district_total),
            ("share", &share),
            ("theirs", &theirs),
            ("neighbours", &neighbours),
            ("ratio", &ratio),
            ("q", &q),
        ];
        let _ = writeln!(out, "  {}", tr_with(key, alarm));
    }
    out
}

fn part_why(p: &ScorePart) -> String {
    if crate::lang() == crate::Lang::En {
        return p.why.clone();
    }
    let f = |name: &str| p.figures.get(name).copied().unwrap_or(0.0);
    let q = format!("{:.3}", f("q"));
    let (count, of) = (format!("{:.0}", f("count")), format!("{:.0}", f("of")));
    match p.part.as_str() {
        "growth" if f("q") >= 1.0 && p.value == 0.0 => tr("themes.why.growth_none"),
        "growth" => tr_with("themes.why.growth", &[("q", &q)]),
        "severity" => tr_with("themes.why.severity", &[("count", &count), ("of", &of)]),
        "repeats" => tr_with("themes.why.repeats", &[("count", &count), ("of", &of)]),
        "anomaly" if f("q") >= 1.0 => tr("themes.why.anomaly_none"),
        "anomaly" => tr_with("themes.why.anomaly", &[("q", &q)]),
        "member_risk" if f("objects") == 0.0 => tr("themes.why.risk_none"),
        "member_risk" => tr_with(
            "themes.why.risk",
            &[("objects", &format!("{:.0}", f("objects"))), ("ratio", &format!("{:.2}", f("ratio")))],
        ),
        _ => p.why.clone(),
    }
}

/// A theme's score and each of its parts with its interval, weight and reason.
pub fn score_parts_text(s: &ThemeScore) -> String {
    let mut out = String::new();
    let (score, low, high) = (format!("{:.2}", s.score), format!("{:.2}", s.low), format!("{:.2}", s.high));
    let head: [(&str, &dyn std::fmt::Display); 4] =
        [("score", &score), ("low", &low), ("high", &high), ("weights", &s.weights_version)];
    let _ = writeln!(out, "{}", tr_with("cli.themes.score.head", &head));
    for p in &s.parts {
        let part = match crate::lang() {
            crate::Lang::En => p.part.clone(),
            _ => tr(&format!("themes.part.{}", p.part)),
        };
        let _ = writeln!(
            out,
            "  {:<12} {:.2} ({:.2}–{:.2}) × {:.2}  {}",
            part,
            p.value,
            p.low,
            p.high,
            p.weight,
            part_why(p)
        );
    }
    out
}

/// `ekn themes scores` and `ekn-office themes scores` as text: the themes by rank, each score's parts.
pub fn scores_text(r: &ThemeScoreReport) -> String {
    let mut out = String::new();
    let head: [(&str, &dyn std::fmt::Display); 2] = [("date", &local_date(r.as_of)), ("weights", &r.weights.version)];
    let _ = writeln!(out, "{}", tr_with("cli.themes.scores.head", &head));
    if r.themes.is_empty() {
        let _ = writeln!(out, "{}", tr("cli.themes.scores.none"));
    }
    for (i, t) in r.themes.iter().enumerate() {
        let rank = i + 1;
        let theme: [(&str, &dyn std::fmt::Display); 4] =
            [("rank", &rank), ("name", &t.name), ("version", &t.version), ("members", &t.members)];
        let _ = writeln!(out, "\n{}", tr_with("cli.themes.scores.theme", &theme));
        out.push_str(&score_parts_text(&t.score));
    }
    let _ = writeln!(out, "\n{}", crate::local(&r.note));
    out
}
