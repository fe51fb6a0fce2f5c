//! The anomaly list in the person's language, for the command lines of both programs (`ekn
//! anomalies`, `ekn-office anomalies`, `ekn-office national anomalies`): one text, so they cannot
//! drift apart.

use std::fmt::Write as _;

use crate::{lang, local, local_date, tr, tr_with, Lang};
use ekn_analytics::anomaly_list::AnomalyReport;

/// A review's action: its code in English (scripts match it), else its words.
fn action_words(action: &str) -> String {
    match lang() {
        Lang::En => action.to_string(),
        _ => tr(&format!("cli.anomaly.action.{action}")),
    }
}

/// `ekn anomalies` as text: the window, the units compared, each anomaly with its figures, its
/// explanation, the objects behind it and a person's review, then the note that an anomaly is a
/// hypothesis.
pub fn report_text(r: &AnomalyReport) -> String {
    let mut out = String::new();
    let seconds = format!("{:.1}", r.seconds);
    let head: [(&str, &dyn std::fmt::Display); 7] = [
        ("date", &local_date(r.as_of)),
        ("from", &local_date(r.window.from)),
        ("to", &local_date(r.window.to)),
        ("method", &r.method),
        ("fdr", &r.params.fdr),
        ("ratio", &r.params.min_ratio),
        ("seconds", &seconds),
    ];
    let _ = writeln!(out, "{}", tr_with("cli.anomalies.head", &head));
    let judged: Vec<String> = r.units_judged.iter().map(|u| format!("{} {}", u.kind.code(), u.units)).collect();
    let _ = writeln!(out, "  {}", tr_with("cli.anomalies.units", &[("units", &judged.join(", "))]));
    if r.anomalies.is_empty() {
        let _ = writeln!(out, "  {}", tr("cli.anomalies.none"));
    }
    for a in &r.anomalies {
        let x = &a.anomaly;
        let interval = x.ratio_interval.map(|(low, high)| format!(", 95% {low:.1}–{high:.1}")).unwrap_or_default();
        let figures: [(&str, &dyn std::fmt::Display); 6] = [
            ("observed", &format!("{:.0}", x.observed)),
            ("expected", &format!("{:.1}", x.expected)),
            ("ratio", &format!("{:.1}", x.ratio)),
            ("interval", &interval),
            ("p", &format!("{:.2e}", x.p_value)),
            ("q", &format!("{:.2e}", x.q_value)),
        ];
        let _ = writeln!(
            out,
            "\n{} [{}]{}  {}  {}",
            x.id,
            x.kind.code(),
            if a.dismissed { tr("cli.anomalies.dismissed") } else { String::new() },
            x.key,
            tr_with("cli.anomalies.line", &figures)
        );
        let _ = writeln!(out, "  {}", local(&x.explanation));
        if !x.subject_bins.is_empty() {
            let shown: Vec<&str> = x.subject_bins.iter().take(6).map(String::as_str).collect();
            let objects = format!("{}{}", shown.join(", "), if x.subject_bins.len() > 6 { ", …" } else { "" });
            let _ = writeln!(out, "  {}", tr_with("cli.anomalies.objects", &[("objects", &objects)]));
        }
        if let Some(review) = &a.review {
            let vars: [(&str, &dyn std::fmt::Display); 4] = [
                ("action", &action_words(&review.action)),
                ("who", &review.author),
                ("at", &review.at),
                ("reason", &review.reason),
            ];
            let _ = writeln!(out, "  {}", tr_with("cli.anomalies.review", &vars));
        }
    }
    let _ = writeln!(out, "\n{}", local(&r.note));
    out
}
