//! The effectiveness figures as lines of text in the reader's language (`i18n`, the shared
//! catalogue's `cli.effect.*`): the KPIs with their numerators, denominators and intervals, the
//! checks' counts, and each estimate with its interval, naive figure and the reason when there is
//! none. `ekn effect` and `ekn-office effect` print them, so both speak alike.

use crate::{lang, local_date, tr, tr_with, Lang};
use ekn_analytics::effect::{EffectDesign, EffectOutcome, MIN_TREATED};
use ekn_analytics::effect_staggered::ProfileSide;
use ekn_analytics::outcome_kpis::{Kpis, Proportion};
use ekn_analytics::verification::VerificationCheck;

use ekn_analytics::effect_pool::{PooledEffect, RegionEstimate};
use ekn_analytics::effect_tiers::{EffectEntry, StatusCounts};

/// A share with its numerator, denominator and 95 % interval, or the words for none.
pub fn share_words(p: &Proportion) -> String {
    match (p.share, p.ci95) {
        (Some(s), Some([lo, hi])) => tr_with(
            "cli.effect.share",
            &[
                ("share", &format!("{:.1}", s * 100.0)),
                ("k", &p.numerator),
                ("n", &p.denominator),
                ("lo", &format!("{:.1}", lo * 100.0)),
                ("hi", &format!("{:.1}", hi * 100.0)),
            ],
        ),
        _ => tr("cli.effect.no_acts"),
    }
}

fn outcome_words(outcome: EffectOutcome) -> String {
    tr(&format!("cli.effect.outcome.{}", outcome.code()))
}

/// Tier 3 for the country (`national effect`): each outcome's and kind's pooled estimate (all acts
/// first, then each kind), then each region's published one of that outcome and kind under it.
pub fn pooled_lines(pooled: &[PooledEffect], estimates: &[RegionEstimate]) -> Vec<String> {
    let mut lines = Vec::new();
    for p in pooled {
        let vars: [(&str, &dyn std::fmt::Display); 12] = [
            ("outcome", &outcome_words(p.outcome)),
            ("kind", &tr(&format!("cli.effect.kind.{}", p.kind))),
            ("regions", &p.regions),
            ("treated", &p.n_treated),
            ("ratio", &format!("{:.3}", p.random.ratio)),
            ("lo", &format!("{:.3}", p.random.ci95[0])),
            ("hi", &format!("{:.3}", p.random.ci95[1])),
            ("common", &format!("{:.3}", p.common.ratio)),
            ("i2", &format!("{:.0}", p.i2 * 100.0)),
            ("q_p", &p.q_p.map_or_else(|| "—".into(), |q| format!("{q:.3}"))),
            ("warned", &p.regions_warned),
            ("method", &p.method),
        ];
        lines.push(tr_with("office.national.effect.pooled", &vars));
        for e in estimates.iter().filter(|e| e.outcome == p.outcome && e.kind == p.kind) {
            let vars: [(&str, &dyn std::fmt::Display); 8] = [
                ("region", &e.region),
                ("ratio", &format!("{:.3}", e.ratio)),
                ("lo", &format!("{:.3}", e.ci95[0])),
                ("hi", &format!("{:.3}", e.ci95[1])),
                ("treated", &e.n_treated),
                ("p", &e.pre_trend_p.map_or_else(|| "—".into(), |p| format!("{p:.2}"))),
                ("method", &e.method),
                ("date", &local_date(e.as_of)),
            ];
            lines.push(format!("  {}", tr_with("office.national.effect.estimate", &vars)));
        }
    }
    if pooled.is_empty() {
        lines.push(tr("office.national.effect.no_estimates"));
    }
    lines
}

/// Tier 1, a KPI a line (indented as the report prints them).
pub fn kpi_lines(k: &Kpis) -> Vec<String> {
    let line = |key: &str, p: &Proportion| format!("  {}", tr_with(key, &[("value", &share_words(p))]));
    let mut lines = vec![line("cli.effect.answered_in_time", &k.answered_in_time)];
    if !k.unconfirmed_norms.is_empty() {
        lines.push(format!("    {}", tr_with("cli.effect.unconfirmed", &[("norms", &k.unconfirmed_norms.join(", "))])));
    }
    lines.push(line("cli.effect.satisfied", &k.satisfied));
    lines.push(line("cli.effect.satisfied_or_partly", &k.satisfied_or_partly));
    lines.push(line("cli.effect.protests_upheld", &k.protests_upheld));
    lines.push(match (k.median_days_to_answer, k.median_days_ci95) {
        (Some(m), Some([lo, hi])) => format!(
            "  {}",
            tr_with(
                "cli.effect.median",
                &[
                    ("median", &format!("{m:.0}")),
                    ("lo", &format!("{lo:.0}")),
                    ("hi", &format!("{hi:.0}")),
                    ("answered", &k.answered),
                ],
            )
        ),
        _ => format!("  {}", tr("cli.effect.median_none")),
    });
    let q = &k.quality;
    lines.push(line("cli.effect.checklist", &q.checklist_complete));
    lines.push(format!("  {}", line("cli.effect.placeholders", &q.placeholders_filled)));
    lines.push(format!("  {}", line("cli.effect.formal_defects", &q.formal_defects)));
    lines
}

/// The districts outside a funnel's 99.8 % limits, in one line.
pub fn funnel_line(k: &Kpis) -> String {
    let outside: Vec<String> = k
        .funnel
        .iter()
        .filter(|p| !p.inside998)
        .map(|p| {
            tr_with(
                "cli.effect.funnel_point",
                &[
                    ("district", &p.district),
                    ("kpi", &p.kpi),
                    ("share", &format!("{:.0}", p.share * 100.0)),
                    ("n", &p.denominator),
                ],
            )
        })
        .collect();
    let districts = if outside.is_empty() { tr("cli.effect.funnel_none") } else { outside.join("; ") };
    format!("  {}", tr_with("cli.effect.funnel", &[("districts", &districts)]))
}

/// One check's counts: `check` is `next_inspection`, `appeals`, `category_appeals` or
/// `returning_applicant`.
pub fn counts_line(check: &str, c: &StatusCounts) -> String {
    format!(
        "  {}",
        tr_with(
            "cli.effect.counts",
            &[
                ("check", &tr(&format!("cli.effect.check.{check}"))),
                ("verified", &c.verified),
                ("contradicted", &c.contradicted),
                ("no_data", &c.no_data),
            ],
        )
    )
}

/// Why a check came out as it did, in the reader's language: the shared catalogue's
/// `verify.reason.*` (the screen's words) filled from the reason's fields, dates as people write
/// them. English prints the core's own sentence (`why`), as it always has.
pub fn reason_words(check: &VerificationCheck) -> String {
    if lang() == Lang::En {
        return check.why.clone();
    }
    let Ok(serde_json::Value::Object(fields)) = serde_json::to_value(&check.reason) else {
        return check.why.clone();
    };
    let code = fields.get("code").and_then(|c| c.as_str()).unwrap_or_default().to_string();
    let values: Vec<(String, String)> = fields
        .iter()
        .filter(|(key, _)| key.as_str() != "code")
        .map(|(key, value)| {
            let text = match value {
                serde_json::Value::String(s) => match chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
                    Ok(day) => local_date(day),
                    Err(_) => s.clone(),
                },
                other => other.to_string(),
            };
            (key.clone(), text)
        })
        .collect();
    let vars: Vec<(&str, &dyn std::fmt::Display)> =
        values.iter().map(|(k, v)| (k.as_str(), v as &dyn std::fmt::Display)).collect();
    tr_with(&format!("verify.reason.{code}"), &vars)
}

fn ratio(r: Option<f64>) -> String {
    r.map_or_else(|| "—".to_string(), |r| format!("{r:.3}"))
}

/// One estimate: its figures, what it prevented (an estimate), and why there is none or what to
/// read it with.
pub fn effect_lines(entry: &EffectEntry) -> Vec<String> {
    let e = &entry.figures;
    let ci = e.ci95.map_or_else(String::new, |[lo, hi]| {
        tr_with("cli.effect.ci", &[("lo", &format!("{lo:.3}")), ("hi", &format!("{hi:.3}"))])
    });
    let mut lines = vec![format!(
        "  {}",
        tr_with(
            "cli.effect.entry",
            &[
                ("kind", &tr(&format!("cli.effect.kind.{}", entry.kind))),
                ("outcome", &outcome_words(e.outcome)),
                ("ratio", &ratio(e.ratio)),
                ("ci", &ci),
                ("naive", &ratio(e.naive_ratio)),
                ("treated", &e.n_treated),
                ("controls", &e.n_controls),
                ("p", &e.pre_trend_p.map_or_else(|| "—".into(), |p| format!("{p:.2}"))),
                ("mde", &ratio(e.mde)),
            ],
        )
    )];
    if let (Some(p), Some([lo, hi])) = (e.prevented, e.prevented_ci95) {
        let vars: [(&str, &dyn std::fmt::Display); 3] =
            [("p", &format!("{p:.0}")), ("lo", &format!("{lo:.0}")), ("hi", &format!("{hi:.0}"))];
        lines.push(format!("    {}", tr_with("cli.effect.prevented", &vars)));
    }
    if let (Some(acts), Some(l)) = (e.acts_in_scope, &e.left_out) {
        let vars: [(&str, &dyn std::fmt::Display); 6] = [
            ("acts", &acts),
            ("no_trigger", &l.no_trigger),
            ("too_early", &l.too_early),
            ("no_control", &l.no_control),
            ("no_data_after", &l.no_data_after),
            ("stacks", &e.cohorts.len()),
        ];
        lines.push(format!("    {}", tr_with("cli.effect.stacked", &vars)));
        if e.design == Some(EffectDesign::Stacked) {
            lines.push(format!("    {}", tr("cli.effect.stacked_caveat")));
        }
    }
    for (side, key) in
        [(ProfileSide::BeforeTrigger, "cli.effect.profile_before"), (ProfileSide::AfterAct, "cli.effect.profile_after")]
    {
        let points: Vec<String> = e
            .profile
            .iter()
            .filter(|p| p.side == side)
            .map(|p| format!("{:+}: {:.2} [{:.2}–{:.2}]", p.quarter, p.ratio, p.ci95[0], p.ci95[1]))
            .collect();
        if !points.is_empty() {
            lines.push(format!("    {}", tr_with(key, &[("points", &points.join("; "))])));
        }
    }
    // The estimator's note, by its case (the same cases the screen words).
    let note = if e.ratio.is_none() && e.n_treated < MIN_TREATED {
        Some(tr_with("cli.effect.too_few", &[("n", &e.n_treated)]))
    } else if e.ratio.is_none() {
        Some(tr("cli.effect.not_identified"))
    } else if e.design == Some(EffectDesign::AfterOnly) {
        Some(tr("cli.effect.after_only"))
    } else if e.pre_trend_p.is_some_and(|p| p < 0.05) {
        Some(tr(if e.design == Some(EffectDesign::Stacked) {
            "cli.effect.pre_trend_stacked"
        } else {
            "cli.effect.pre_trend_warning"
        }))
    } else {
        None
    };
    if let Some(note) = note {
        lines.push(format!("    {note}"));
    }
    if let Some(m) = &entry.matched {
        let ci = m.ci95.map_or_else(String::new, |[lo, hi]| {
            tr_with("cli.effect.ci", &[("lo", &format!("{lo:.3}")), ("hi", &format!("{hi:.3}"))])
        });
        let vars: [(&str, &dyn std::fmt::Display); 4] =
            [("ratio", &ratio(m.ratio)), ("ci", &ci), ("treated", &m.n_treated), ("controls", &m.n_controls)];
        lines.push(format!("    {}", tr_with("cli.effect.matched", &vars)));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use ekn_analytics::effect::figures;

    #[test]
    fn the_english_note_is_the_estimators_own() {
        // Cargo's environment sets EKN_LANG=en for tests (.cargo/config.toml).
        let figures = figures(EffectOutcome::ViolationsPerInspection, &[], 0, 0);
        let entry = EffectEntry {
            kind: "all".into(),
            scope: "all".into(),
            figures: figures.clone(),
            estimate: true,
            matched: None,
        };
        let lines = effect_lines(&entry);
        assert_eq!(lines.last().map(|l| l.trim()), figures.note.as_deref(), "{lines:?}");
        assert!(lines[0].starts_with("  all acts, violations per inspection: ratio —"), "{lines:?}");
    }
}
