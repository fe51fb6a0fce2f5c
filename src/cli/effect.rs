//! `ekn effect`: what acts of response changed (docs/EFFECT.md) — recorded outcomes as KPIs with
//! their intervals, what later data say of the acts, and the estimated effect on later violations
//! and appeals, each tier apart; and `ekn effect study`, the estimator measured on generated
//! worlds with a planted effect and their null twins.

use std::fmt::Write as _;
use std::path::PathBuf;

use clap::Subcommand;
use ekn::api::analytics::effect_lines;
use ekn::api::ActKind;
use ekn::api::{self, ApiError, EffectReport, EffectRequest, EffectStudyRow};
use ekn::i18n::{local_date, tr, tr_count, tr_with};

use super::print;

#[derive(Subcommand)]
pub enum EffectAction {
    /// Measure the estimator: worlds with a planted effect (−10 %, −25 %, −40 %) and their null
    /// twins; prints how often the 95 % interval covers the truth and the naive figure's bias.
    Study {
        /// Worlds per planted effect.
        #[arg(long, default_value_t = 100)]
        seeds: u64,
        /// Objects per world.
        #[arg(long, default_value_t = 4000)]
        objects: usize,
        /// Worlds whose acts follow each object's first violating inspection, so every before
        /// window is clean and the after rates alone are compared.
        #[arg(long)]
        first_violation: bool,
        /// Also write one world's matched units (planted −25 %, seed 0) and its estimate here,
        /// for an independent implementation to fit (scripts/effect/oracle.py).
        #[arg(long)]
        export: Option<PathBuf>,
        /// Instead of generated worlds, estimate with the staggered design over this registry by
        /// quarters (CSV: obj,q,insp,viol,act) — for a study written outside ЭКН; with --export,
        /// its stacked rows and estimate are written there (scripts/effect/stacked_oracle.py).
        #[arg(long)]
        quarters: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
}

/// Reads a kind of act in English, Russian or Kazakh.
pub fn act_kind(text: &str) -> Result<ActKind, String> {
    ActKind::from_label(text)
        .ok_or_else(|| format!("'{text}' is not a kind of act (protest, submission, resolution, order, warning)"))
}

pub fn run_report(session: &mut api::Session, request: EffectRequest, json: bool) -> Result<(), ApiError> {
    let report = session.analytics().effect_report(&request)?;
    print(json, &report, render_report)
}

/// `ekn effect study --quarters FILE`: the staggered estimate over a registry by quarters.
pub fn run_quarters(file: &std::path::Path, export: Option<PathBuf>, json: bool) -> Result<(), ApiError> {
    let entry = api::staggered_from_quarters(file, export.as_deref())?;
    print(json, &entry, |e| effect_lines::effect_lines(e).join("\n"))
}

pub fn run_study(
    seeds: u64,
    objects: usize,
    first_violation: bool,
    export: Option<PathBuf>,
    json: bool,
) -> Result<(), ApiError> {
    if !(1..=10_000).contains(&seeds) || !(100..=1_000_000).contains(&objects) {
        return Err(ApiError::invalid("a study has 1 to 10,000 seeds of 100 to 1,000,000 objects"));
    }
    if let Some(dir) = &export {
        api::export_effect_world(dir, objects, first_violation)?;
    }
    let rows = api::effect_study(seeds, objects, first_violation);
    if json {
        return print(true, &rows, render_study);
    }
    let acts =
        tr(if first_violation { "cli.effect.study.first_violations" } else { "cli.effect.study.bad_inspections" });
    let vars: [(&str, &dyn std::fmt::Display); 3] = [("acts", &acts), ("seeds", &seeds), ("objects", &objects)];
    println!("{}", tr_with("cli.effect.study.head", &vars));
    print(false, &rows, render_study)
}

pub fn render_report(r: &EffectReport) -> String {
    let default = if r.horizon_days == r.default_horizon_days { tr("cli.effect.default") } else { String::new() };
    let kind =
        r.kind.map(|k| tr_with("cli.effect.kind_filter", &[("kind", &tr(&format!("cli.effect.kind.{}", k.code())))]));
    let district = r.district.as_ref().map(|d| tr_with("cli.effect.district_filter", &[("district", d)]));
    let body = r.body.as_ref().map(|b| tr_with("cli.effect.body_filter", &[("body", b)]));
    let head: [(&str, &dyn std::fmt::Display); 6] = [
        ("date", &local_date(r.as_of)),
        ("days", &r.horizon_days),
        ("default", &default),
        ("kind", &kind.unwrap_or_default()),
        ("district", &district.unwrap_or_default()),
        ("body", &body.unwrap_or_default()),
    ];
    let mut out = format!("{}\n", tr_with("cli.effect.head", &head));
    let k = &r.kpis;
    let _ = writeln!(out, "\n{}", tr_count("cli.effect.tier1", k.acts, &[]));
    for line in effect_lines::kpi_lines(k) {
        let _ = writeln!(out, "{line}");
    }
    let _ = writeln!(out, "{}", effect_lines::funnel_line(k));
    let v = &r.verification;
    let _ = writeln!(out, "\n{}", tr_with("cli.effect.tier2", &[("rule", &v.rule)]));
    for (check, c) in [
        ("next_inspection", &v.next_inspection),
        ("appeals", &v.appeals),
        ("category_appeals", &v.category_appeals),
        ("returning_applicant", &v.returning_applicant),
    ] {
        let _ = writeln!(out, "{}", effect_lines::counts_line(check, c));
    }
    let _ = writeln!(out, "\n{}", tr_with("cli.effect.tier3", &[("method", &r.method)]));
    for entry in &r.effects {
        for line in effect_lines::effect_lines(entry) {
            let _ = writeln!(out, "{line}");
        }
    }
    let journal =
        r.journal.as_ref().map_or_else(|| "—".into(), |j| format!("{} ({})", j.seq, &j.hash[..16.min(j.hash.len())]));
    let _ = writeln!(
        out,
        "\n{}",
        tr_with("cli.effect.computed", &[("digest", &&r.data_digest[..16]), ("journal", &journal)])
    );
    out
}

fn render_study(rows: &Vec<EffectStudyRow>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", tr("cli.effect.study.columns"));
    for r in rows {
        let _ = writeln!(
            out,
            "{:>7.2}  {:<25}  {:>9}  {:>10}  {:>8.2}  {:>9.2}  {:>10.3}  {:>10.3}  {:>7.0}  {:>8.0}  {:>14.2}",
            r.planted_ratio,
            format!("{:?}", r.outcome),
            r.estimated,
            r.after_only,
            r.coverage,
            r.rejects_no_effect,
            r.mean_ratio,
            r.mean_naive_ratio,
            r.mean_n_treated,
            r.mean_n_controls,
            r.pre_trend_warnings
        );
    }
    out
}
