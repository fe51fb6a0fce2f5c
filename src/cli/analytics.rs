//! The analytics commands of the command line — anomalies (list, one, dismiss, restore), the local
//! risk model (train, score a plan, export its examples, explain, override), the model versions —
//! and their rendering for a terminal: the anomaly list and one anomaly (with a text funnel: where
//! the unit sits against its peers' limits), a risk model's training report (held-out AUC,
//! calibration, error by region and body), a scored plan, and an object's risk.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use clap::Subcommand;
use ekn::api::{
    AnomalyDetail, AnomalyKind, AnomalyReview, ApiError, CheckView, ContributionView, DetectParams, ErrorCode,
    ModelPassport, PlanScore, PlanSink, RiskAssessment, RiskExplanation, RiskParams, RiskTrainReport, ScoredRow,
    Session, SimilarCase, Target,
};

use super::{out, percent, print, step_reporter, typed};

#[derive(Subcommand)]
pub enum AnomaliesAction {
    /// One anomaly: its figures, explanation, funnel and the inspections or appeals behind it.
    Show {
        id: String,
        #[arg(long, default_value_t = 50)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
    /// Dismiss an anomaly with a reason (journaled; it stays listed as dismissed).
    Dismiss {
        id: String,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        json: bool,
    },
    /// Take a dismissal back, with a reason (journaled).
    Restore {
        id: String,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        json: bool,
    },
    /// The detectors' power on registries of a second generator they were not built on: each
    /// practice planted alone over a grid of sizes and volumes, how often the default list names it,
    /// and the clean twins' false alarms. Needs no database. --full: the grid of docs/ANALYTICS.md
    /// (minutes in release).
    Power {
        #[arg(long)]
        full: bool,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum RiskAction {
    /// Train a new version on the inspection history in the database: judged on the most recent
    /// 20% first (AUC, calibration, error by region and by control body), then refitted on all.
    Train {
        /// What is predicted: declared_illegal (default), appeal_satisfied or violations_found.
        #[arg(long, value_parser = typed::<Target>, default_value = "declared_illegal")]
        target: Target,
        #[arg(long)]
        json: bool,
    },
    /// Score a plan (upcoming inspections in the inspections format, outcome columns not needed):
    /// probability, contributions in words, similar past cases and what to check, most likely first.
    /// With --json every row is streamed (one per line inside the document); the text shows the
    /// first 20 unless --top says otherwise.
    Score {
        file: PathBuf,
        /// Only the N most likely rows.
        #[arg(long)]
        top: Option<usize>,
        #[arg(long)]
        json: bool,
    },
    /// Write the examples training sees (time split, label, features; codes, no names) as CSV,
    /// to refit them with another tool (scripts/compare-sklearn.py).
    Features {
        /// What is predicted: declared_illegal (default), appeal_satisfied or violations_found.
        #[arg(long, value_parser = typed::<Target>, default_value = "declared_illegal")]
        target: Target,
        #[arg(long)]
        out: PathBuf,
    },
    /// The model on a registry it was not built on (no database): a second generator's registry
    /// with an outcome process of its own, trained and tested as `train` does; writes the examples
    /// for scripts/compare-sklearn.py and gives the true probabilities' AUC beside the model's.
    Study {
        #[arg(long, default_value_t = 100_000)]
        per_year: usize,
        #[arg(long, default_value_t = 3)]
        years: u32,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Where the examples go (CSV).
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// An object's local-model risk beside its imported external scores, with the reasons.
    Explain {
        bin: String,
        #[arg(long)]
        json: bool,
    },
    /// Override the local estimate of an object with your own (high, medium, low) or withdraw
    /// an override (withdrawn), with a reason (journaled).
    Override {
        bin: String,
        /// high, medium, low, or withdrawn.
        #[arg(value_parser = typed::<RiskAssessment>)]
        assessment: RiskAssessment,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        json: bool,
    },
}

/// `ekn anomalies` without a subcommand: the list, judged with these settings.
pub fn run_anomaly_list(
    session: &mut Session,
    kind: Option<AnomalyKind>,
    fdr: f64,
    min_ratio: f64,
    json: bool,
) -> Result<(), ApiError> {
    let params = DetectParams { fdr, min_ratio, ..Default::default() };
    print(json, &session.analytics().anomalies(&params, kind)?, ekn::api::analytics::anomaly_lines::report_text)
}

/// `ekn anomalies power`: runs the study (no database) with a progress bar on a terminal.
pub fn run_power(full: bool, json: bool) -> Result<(), ApiError> {
    let bar = indicatif::ProgressBar::new(0);
    let report = ekn::api::power_study(full, &mut |done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    });
    bar.finish_and_clear();
    print(json, &report, render_power)
}

fn plant_text(plant: &ekn::api::Plant) -> String {
    use ekn::api::Plant;
    use ekn::i18n::tr_with;
    match plant {
        Plant::DistrictIllegal { factor } => tr_with("cli.power.district_illegal", &[("factor", factor)]),
        Plant::BodyIllegal { factor } => tr_with("cli.power.body_illegal", &[("factor", factor)]),
        Plant::RegionUnplannedGrowth { factor } => tr_with("cli.power.region_unplanned", &[("factor", factor)]),
        Plant::FrequentVisits { objects, visits } => {
            tr_with("cli.power.frequent_visits", &[("objects", objects), ("visits", visits)])
        }
        Plant::SanctionCombination { share } => {
            tr_with("cli.power.sanction_combination", &[("share", &format!("{:.0}", share * 100.0))])
        }
        Plant::RefusedSpike { factor } => tr_with("cli.power.refused_spike", &[("factor", factor)]),
    }
}

fn render_power(r: &ekn::api::PowerReport) -> String {
    use ekn::i18n::tr_with;
    let head: [(&str, &dyn std::fmt::Display); 3] =
        [("method", &r.method), ("generator", &r.generator), ("seconds", &format!("{:.1}", r.seconds))];
    let mut out = format!("{}\n", tr_with("cli.power.head", &head));
    for c in &r.clean {
        let vars: [(&str, &dyn std::fmt::Display); 4] = [
            ("per_year", &c.per_year),
            ("listed", &format!("{:?}", c.listed)),
            ("false_alarms", &format!("{:?}", c.false_alarms)),
            ("by_kind", &c.by_kind.iter().map(|(k, n)| format!("{k} {n}")).collect::<Vec<_>>().join(", ")),
        ];
        out += &format!("{}\n", tr_with("cli.power.clean", &vars));
    }
    for c in &r.cells {
        let vars: [(&str, &dyn std::fmt::Display); 5] = [
            ("kind", &format!("{:<12}", c.plant.kind())),
            ("per_year", &format!("{:>7}", c.per_year)),
            ("plant", &format!("{:<48}", plant_text(&c.plant))),
            ("found", &c.found),
            ("replicates", &c.replicates),
        ];
        out += &format!("{}\n", tr_with("cli.power.cell", &vars));
    }
    out
}

/// `ekn anomalies …`
pub fn run_anomalies(session: &mut Session, action: AnomaliesAction) -> Result<(), ApiError> {
    match action {
        AnomaliesAction::Power { full, json } => run_power(full, json),
        AnomaliesAction::Show { id, limit, json } => {
            print(json, &session.analytics().anomaly_detail(&id, limit)?, render_anomaly)
        }
        AnomaliesAction::Dismiss { id, reason, json } => {
            print(json, &session.analytics().review_anomaly(&id, AnomalyReview::Dismiss, &reason)?, render_anomaly)
        }
        AnomaliesAction::Restore { id, reason, json } => {
            print(json, &session.analytics().review_anomaly(&id, AnomalyReview::Restore, &reason)?, render_anomaly)
        }
    }
}

/// `ekn risk study`: no database.
pub fn run_risk_study(
    per_year: usize,
    years: u32,
    seed: u64,
    out: &std::path::Path,
    json: bool,
) -> Result<(), ApiError> {
    let spec = ekn::api::RiskStudySpec { seed, per_year, years };
    let study = ekn::api::risk_study(&spec, out, &step_reporter(json))?;
    print(json, &study, render_risk_study)
}

fn render_risk_study(s: &ekn::api::RiskStudy) -> String {
    let m = &s.metrics;
    let vars: [(&str, &dyn std::fmt::Display); 15] = [
        ("generator", &s.generator),
        ("seed", &s.spec.seed),
        ("per_year", &s.spec.per_year),
        ("years", &s.spec.years),
        ("inspections", &s.inspections),
        ("examples", &s.examples),
        ("from", &m.test_period.0),
        ("to", &m.test_period.1),
        ("auc", &m.auc.map_or("—".into(), |a| format!("{a:.4}"))),
        ("brier", &format!("{:.5}", m.brier)),
        ("base", &format!("{:.5}", m.brier_of_base_rate)),
        ("calibration", &format!("{:.4}", m.calibration_error)),
        ("oracle", &s.oracle_auc.map_or("—".into(), |a| format!("{a:.4}"))),
        ("file", &s.examples_file),
        ("seconds", &format!("{:.1}", s.seconds)),
    ];
    format!("{}\n", ekn::i18n::tr_with("cli.risk.study", &vars))
}

/// `ekn risk …`
pub fn run_risk(session: &mut Session, action: RiskAction) -> Result<(), ApiError> {
    match action {
        RiskAction::Train { target, json } => {
            let progress = step_reporter(json);
            let params = RiskParams::default();
            print(json, &session.analytics().train_risk_model(target, &params, &progress)?, render_risk_training)
        }
        RiskAction::Score { file, top, json: true } => stream_plan_json(session, &file, top),
        RiskAction::Score { file, top, json: false } => {
            print(false, &session.analytics().score_plan(&file, Some(top.unwrap_or(20)))?, render_plan_score)
        }
        RiskAction::Features { target, out: path } => {
            let rows = session.analytics().export_risk_examples(target, &path)?;
            out(&format!("{rows} example(s) written to {}\n", path.display()));
            Ok(())
        }
        RiskAction::Study { per_year, years, seed, out, json } => run_risk_study(per_year, years, seed, &out, json),
        RiskAction::Explain { bin, json } => print(json, &session.analytics().explain_risk(&bin)?, render_risk),
        RiskAction::Override { bin, assessment, reason, json } => {
            print(json, &session.analytics().override_risk(&bin, assessment, &reason)?, render_risk)
        }
    }
}

/// `ekn models [--passport NAME]`
#[derive(Subcommand)]
pub enum ModelsAction {
    /// Re-test a stored model version on newer labelled data (a text and a category column, a
    /// region column optional): accuracy, macro-F1, each category's F1 and each region's accuracy
    /// against the figures it was registered with; journaled, shown in the passport.
    /// A risk model (no --on) is re-tested on the database's inspections dated after those it was
    /// trained on: AUC, Brier score, observed against predicted rate, each region's AUC.
    Check {
        /// The version (`appeals-v2`, `risk-v3`).
        name: String,
        /// The labelled file (CSV, XLSX or JSON) an appeals classifier is checked on.
        #[arg(long)]
        on: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
}

/// `ekn models check …`
pub fn run_models_action(session: &mut Session, action: ModelsAction) -> Result<(), ApiError> {
    match action {
        ModelsAction::Check { name, on: Some(on), json } => {
            print(json, &session.models().check(&name, &on)?, render_check)
        }
        ModelsAction::Check { name, on: None, json } => {
            print(json, &session.models().check_risk(&name)?, render_risk_check)
        }
    }
}

fn render_risk_check(c: &ekn::api::RiskModelCheck) -> String {
    use ekn::i18n::{local, tr_with};
    type Vars<'a> = [(&'a str, &'a dyn std::fmt::Display)];
    let figure = |a: Option<f64>| a.map_or("—".to_string(), |a| format!("{a:.3}"));
    let head: &Vars = &[
        ("model", &c.model),
        ("n", &c.inspections),
        ("from", &c.period.0),
        ("to", &c.period.1),
        ("seconds", &format!("{:.1}", c.seconds)),
        ("auc", &figure(c.auc)),
        ("se", &figure(c.auc_standard_error)),
        ("auc_then", &figure(c.auc_then)),
        ("brier", &format!("{:.5}", c.brier)),
        ("brier_then", &format!("{:.5}", c.brier_then)),
        ("observed", &format!("{:.2}", c.observed_rate * 100.0)),
        ("predicted", &format!("{:.2}", c.mean_predicted * 100.0)),
    ];
    let mut out = format!("{}\n", tr_with("cli.models.risk_check", head));
    for r in c.by_region.iter().take(5) {
        let region: &Vars =
            &[("region", &r.region), ("auc", &figure(r.auc)), ("n", &r.inspections), ("auc_then", &figure(r.auc_then))];
        let _ = writeln!(out, "  {}", tr_with("cli.models.risk_region", region));
    }
    let _ = writeln!(out, "{}", local(&c.verdict));
    out
}

fn render_check(c: &ekn::api::ModelCheck) -> String {
    use ekn::i18n::{local, tr, tr_with};
    type Vars<'a> = [(&'a str, &'a dyn std::fmt::Display)];
    let head: &Vars = &[
        ("model", &c.model),
        ("file", &c.data_file),
        ("n", &c.texts),
        ("sha256", &&c.data_sha256[..16.min(c.data_sha256.len())]),
        ("seconds", &format!("{:.1}", c.seconds)),
        ("accuracy", &format!("{:.3}", c.accuracy)),
        ("accuracy_then", &format!("{:.3}", c.accuracy_then)),
        ("f1", &format!("{:.3}", c.macro_f1)),
        ("f1_then", &format!("{:.3}", c.macro_f1_then)),
    ];
    let mut out = format!("{}\n", tr_with("cli.models.check", head));
    let then = |x: Option<f64>| x.map_or("—".to_string(), |v| format!("{v:.3}"));
    out += &format!("  {}\n", tr("cli.models.by_category"));
    for k in &c.per_class {
        let row: &Vars = &[
            ("category", &format!("{:<40}", k.category)),
            ("n", &format!("{:>6}", k.texts)),
            ("f1", &format!("{:.3}", k.f1)),
            ("then", &then(k.f1_then)),
        ];
        out += &format!("    {}\n", tr_with("cli.models.category_row", row));
    }
    if !c.by_region.is_empty() {
        out += &format!("  {}\n", tr("cli.models.by_region"));
        for r in &c.by_region {
            let row: &Vars = &[
                ("region", &format!("{:<40}", r.region)),
                ("n", &format!("{:>6}", r.texts)),
                ("accuracy", &format!("{:.3}", r.accuracy)),
                ("then", &then(r.accuracy_then)),
            ];
            out += &format!("    {}\n", tr_with("cli.models.region_row", row));
        }
    }
    out += &format!("  {}\n  {}", local(&c.verdict), tr_with("cli.models.journal", &[("seq", &c.journal_seq)]));
    out
}

pub fn run_models(session: &mut Session, passport: Option<String>, json: bool) -> Result<(), ApiError> {
    match passport {
        None => print(json, &session.models().list()?, super::render_models),
        // The JSON carries every language; the text is the one asked for.
        Some(name) if json => print(true, &session.models().passport(&name)?, |_: &ModelPassport| String::new()),
        Some(name) => {
            let markdown = session.models().passport(&name)?.markdown;
            out(ekn::i18n::local(&markdown));
            Ok(())
        }
    }
}

pub fn render_anomaly(d: &AnomalyDetail) -> String {
    use ekn::i18n::{local, local_date, tr, tr_with};
    type Vars<'a> = [(&'a str, &'a dyn std::fmt::Display)];
    let mut out = String::new();
    let a = &d.anomaly.anomaly;
    let _ = writeln!(out, "{} [{}] {}", a.id, a.kind.code(), a.key);
    let period: &Vars =
        &[("from", &local_date(a.period.from)), ("to", &local_date(a.period.to)), ("method", &a.method)];
    let _ = writeln!(out, "  {}", tr_with("cli.anomaly.period", period));
    let observed: &Vars = &[
        ("observed", &format!("{:.0}", a.observed)),
        ("volume", &format!("{:.0}", a.volume)),
        ("rate", &percent(a.observed / a.volume.max(1.0))),
        ("peers", &percent(a.peer_rate)),
        ("expected", &format!("{:.1}", a.expected)),
        ("ratio", &format!("{:.1}", a.ratio)),
        ("p", &format!("{:.2e}", a.p_value)),
        ("q", &format!("{:.2e}", a.q_value)),
    ];
    let _ = writeln!(out, "  {}", tr_with("cli.anomaly.observed", observed));
    let _ = writeln!(out, "  {}", local(&a.explanation));
    if let Some(review) = &d.anomaly.review {
        let action = super::words::coded("cli.anomaly.action", &review.action);
        let said: &Vars =
            &[("action", &action), ("who", &review.author), ("at", &review.at), ("reason", &review.reason)];
        let _ = writeln!(out, "  {}", tr_with("cli.anomalies.review", said));
    }
    if let Some(f) = &d.funnel {
        let rate = a.observed / a.volume.max(1.0);
        let upper = f.limits.iter().min_by(|x, y| (x.0 - a.volume).abs().total_cmp(&(y.0 - a.volume).abs()));
        let limits = upper.map_or(String::new(), |u| {
            tr_with("cli.anomaly.limits", &[("l95", &percent(u.1)), ("l998", &percent(u.2))])
        });
        let funnel: &Vars = &[
            ("group", &f.group),
            ("peers", &f.points.len()),
            ("pooled", &percent(f.target)),
            ("tau2", &format!("{:.2e}", f.tau2)),
            ("rate", &percent(rate)),
            ("volume", &format!("{:.0}", a.volume)),
            ("limits", &limits),
        ];
        let _ = writeln!(out, "  {}", tr_with("cli.anomaly.funnel", funnel));
    }
    if !d.inspections.is_empty() {
        let head: &Vars = &[("n", &d.inspections.len()), ("of", &d.evidence_total)];
        let _ = writeln!(out, "  {}", tr_with("cli.anomaly.inspections", head));
        for i in &d.inspections {
            let sanctions = if i.sanctions.is_empty() { "—".to_string() } else { i.sanctions.clone() };
            let illegal = if i.declared_illegal == Some(true) { tr("cli.anomaly.illegal") } else { String::new() };
            let line: &Vars = &[
                ("no", &i.registry_no),
                ("date", &local_date(i.date)),
                ("bin", &i.subject_bin),
                ("kind", &super::words::coded("inspection", i.kind.code())),
                ("violations", &i.violations),
                ("sanctions", &sanctions),
                ("illegal", &illegal),
            ];
            let _ = writeln!(out, "    {}", tr_with("cli.anomaly.inspection", line));
        }
    }
    if !d.appeals.is_empty() {
        let head: &Vars = &[("n", &d.appeals.len()), ("of", &d.evidence_total)];
        let _ = writeln!(out, "  {}", tr_with("cli.anomaly.appeals", head));
        for x in &d.appeals {
            let decided = x.decided.map_or("—".into(), local_date);
            let line: &Vars = &[
                ("no", &x.appeal_no),
                ("received", &local_date(x.received)),
                ("decided", &decided),
                ("category", &x.category.as_deref().unwrap_or("—")),
            ];
            let _ = writeln!(out, "    {}", tr_with("cli.anomaly.appeal", line));
        }
    }
    out
}

pub fn render_risk_training(r: &RiskTrainReport) -> String {
    use ekn::i18n::tr_with;
    type Vars<'a> = [(&'a str, &'a dyn std::fmt::Display)];
    let mut out = String::new();
    let m = &r.metrics;
    let seconds = format!("{:.1}", r.seconds);
    let head: &Vars = &[
        ("model", &r.model.name),
        ("target", &m.target.code()),
        ("examples", &r.examples),
        ("features", &r.features),
        ("seconds", &seconds),
    ];
    let _ = writeln!(out, "{}", tr_with("cli.risk.train.head", head));
    let data: &Vars = &[("file", &r.model.data_file), ("sha256", &r.model.data_sha256)];
    let _ = writeln!(out, "  {}", tr_with("cli.risk.train.data", data));
    let held: &Vars = &[
        ("test", &m.test_inspections),
        ("test_from", &super::words::stored_day(&m.test_period.0)),
        ("test_to", &super::words::stored_day(&m.test_period.1)),
        ("train", &m.train_inspections),
        ("train_from", &super::words::stored_day(&m.train_period.0)),
        ("train_to", &super::words::stored_day(&m.train_period.1)),
    ];
    let _ = writeln!(out, "  {}", tr_with("cli.risk.train.held_out", held));
    let figures: &Vars = &[
        ("auc", &m.auc.map_or("—".into(), |a| format!("{a:.3}"))),
        ("brier", &format!("{:.4}", m.brier)),
        ("constant", &format!("{:.4}", m.brier_of_base_rate)),
        ("calibration", &format!("{:.4}", m.calibration_error)),
        ("base_train", &percent(m.base_rate_train)),
        ("base_test", &percent(m.base_rate_test)),
    ];
    let _ = writeln!(out, "  {}", tr_with("cli.risk.train.figures", figures));
    let _ = writeln!(out, "  {}", ekn::i18n::tr("cli.risk.train.calibration"));
    for b in &m.calibration {
        let bucket: &Vars = &[
            ("from", &format!("{:>4.0}", b.from * 100.0)),
            ("to", &format!("{:<4.0}", b.to * 100.0)),
            ("n", &format!("{:>7}", b.inspections)),
            ("predicted", &percent(b.mean_predicted)),
            ("observed", &percent(b.observed_rate)),
        ];
        let _ = writeln!(out, "    {}", tr_with("cli.risk.train.bucket", bucket));
    }
    for (title, groups) in [("cli.risk.train.by_region", &m.by_region), ("cli.risk.train.by_body", &m.by_control_body)]
    {
        let _ = writeln!(out, "  {}", ekn::i18n::tr(title));
        for g in groups.iter().take(10) {
            let group: &Vars = &[
                ("group", &format!("{:<60}", g.group)),
                ("n", &format!("{:>6}", g.inspections)),
                ("predicted", &percent(g.mean_predicted)),
                ("observed", &percent(g.observed_rate)),
                ("auc", &g.auc.map_or("—".into(), |a| format!("{a:.3}"))),
            ];
            let _ = writeln!(out, "    {}", tr_with("cli.risk.train.group", group));
        }
    }
    out
}

fn render_reasons(out: &mut String, contributions: &[ContributionView], similar: &[SimilarCase], norms: &[CheckView]) {
    use ekn::i18n::{local, local_date, tr, tr_with};
    type Vars<'a> = [(&'a str, &'a dyn std::fmt::Display)];
    for c in contributions {
        let _ = writeln!(out, "    {:+.2}  {}", c.effect, local(&c.text));
    }
    for s in similar {
        let outcome = match (s.declared_illegal, s.appealed) {
            (Some(true), _) => tr("cli.risk.similar.illegal"),
            (_, Some(true)) => tr("cli.risk.similar.appealed"),
            _ => tr("cli.risk.similar.not_appealed"),
        };
        let same = if s.same_object { tr("cli.risk.similar.same_object") } else { String::new() };
        let line: &Vars = &[
            ("no", &s.registry_no),
            ("date", &local_date(s.date)),
            ("kind", &super::words::coded("inspection", s.kind.code())),
            ("violations", &s.violations),
            ("outcome", &outcome),
            ("same", &same),
        ];
        let _ = writeln!(out, "    {}", tr_with("cli.risk.similar", line));
    }
    for n in norms {
        let basis = n.basis.as_ref().map_or(String::new(), |b| format!(" [{}]", local(b)));
        let unconfirmed = if n.verified { String::new() } else { tr("cli.risk.unconfirmed") };
        let line: &Vars = &[("text", &local(&n.text)), ("basis", &basis), ("unconfirmed", &unconfirmed)];
        let _ = writeln!(out, "    {}", tr_with("cli.risk.check", line));
    }
}

pub fn render_plan_score(p: &PlanScore) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} row(s) of {} scored by {} (base rate {}), {:.2} s; most likely first",
        p.rows_total,
        p.file,
        p.model,
        percent(p.base_rate),
        p.seconds
    );
    for r in p.rows.iter().take(20) {
        let _ = writeln!(
            out,
            "\n  {}  line {}  {}  {}  {}  p {} (×{:.1}, {})",
            r.registry_no,
            r.line,
            r.subject_bin,
            r.kind.code(),
            r.start_date,
            percent(r.probability),
            r.relative_risk,
            r.level
        );
        render_reasons(&mut out, &r.contributions, &r.similar, &r.norms);
    }
    if p.rows_total > p.rows.len() {
        let _ = writeln!(out, "\n  … {} more (--top N for more, --json for all)", p.rows_total - p.rows.len());
    }
    let _ = writeln!(out, "\n{}", p.note.en);
    out
}

pub fn render_risk(r: &RiskExplanation) -> String {
    use ekn::i18n::{local, local_date, tr, tr_with};
    type Vars<'a> = [(&'a str, &'a dyn std::fmt::Display)];
    let mut out = String::new();
    let _ = writeln!(out, "{} {}", r.subject_bin, r.name.as_deref().unwrap_or(""));
    match (&r.local, &r.local_missing) {
        (Some(l), _) => {
            let level = super::words::coded("degree", &l.level);
            let line: &Vars = &[
                ("model", &l.model),
                ("probability", &percent(l.probability)),
                ("level", &level),
                ("relative", &format!("{:.1}", l.relative_risk)),
                ("base", &percent(l.base_rate)),
            ];
            let _ = writeln!(out, "  {}", tr_with("cli.risk.local", line));
            let _ = writeln!(out, "  {}", tr_with("cli.risk.for", &[("assumed", &local(&l.assumed))]));
            render_reasons(&mut out, &l.contributions, &l.similar, &l.norms);
        }
        (None, Some(why)) => {
            let _ = writeln!(out, "  {}", tr_with("cli.risk.local_missing", &[("why", &local(why))]));
        }
        (None, None) => {}
    }
    if let Some(o) = &r.overridden {
        let value = o.value.as_deref().map_or_else(|| "—".to_string(), |v| super::words::coded("degree", v));
        let line: &Vars = &[("value", &value), ("who", &o.author), ("at", &o.at), ("reason", &o.reason)];
        let _ = writeln!(out, "  {}", tr_with("cli.risk.overridden", line));
    }
    if r.external.is_empty() {
        let _ = writeln!(out, "  {}", tr("cli.risk.no_external"));
    }
    for e in &r.external {
        let degree = match ekn::i18n::lang() {
            ekn::i18n::Lang::En => format!("{:?}", e.degree),
            _ => tr(&format!("degree.{}", e.degree.code())),
        };
        let line: &Vars = &[
            ("model", &e.model),
            ("score", &format!("{:.1}", e.score)),
            ("degree", &degree),
            ("computed", &local_date(e.computed)),
        ];
        let _ = writeln!(out, "  {}", tr_with("cli.risk.external", line));
    }
    let _ = writeln!(out, "{}", local(&r.note));
    out
}

/// Streams a scored plan as one JSON document: the plan's figures, then `rows` with one row per
/// line as each is put in words, so a plan of 200,000 rows is never held as text in memory.
pub fn stream_plan_json(session: &mut Session, file: &Path, top: Option<usize>) -> Result<(), ApiError> {
    let mut sink = PlanJson { out: std::io::BufWriter::new(std::io::stdout().lock()), rows: 0 };
    session.analytics().score_plan_into(file, top, &mut sink)?;
    sink.write(b"\n]}\n")?;
    sink.finish()
}

struct PlanJson<W: std::io::Write> {
    out: W,
    rows: usize,
}

impl<W: std::io::Write> PlanJson<W> {
    /// Writes, ending quietly when the reader has gone (`| head`), as `cli::out` does.
    fn write(&mut self, bytes: &[u8]) -> Result<(), ApiError> {
        let written = self.out.write_all(bytes);
        Self::answer(written)
    }

    fn finish(&mut self) -> Result<(), ApiError> {
        let flushed = self.out.flush();
        Self::answer(flushed)
    }

    fn answer(result: std::io::Result<()>) -> Result<(), ApiError> {
        match result {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
            Err(e) => Err(ApiError::new(ErrorCode::Internal, format!("could not write the output: {e}"))),
        }
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<Vec<u8>, ApiError> {
    serde_json::to_vec(value).map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))
}

impl<W: std::io::Write> PlanSink for PlanJson<W> {
    fn header(&mut self, header: &PlanScore) -> Result<(), ApiError> {
        // `rows` is the last field and empty here: the header is the document up to its `[`.
        let text = to_json(header)?;
        let Some(open) = text.strip_suffix(b"]}").filter(|t| t.ends_with(b"\"rows\":[")) else {
            return Err(ApiError::new(ErrorCode::Internal, "a plan's rows must be its last field"));
        };
        self.write(open)
    }

    fn row(&mut self, row: ScoredRow) -> Result<bool, ApiError> {
        let separator: &[u8] = if self.rows == 0 { b"\n" } else { b",\n" };
        self.write(separator)?;
        self.write(&to_json(&row)?)?;
        self.rows += 1;
        Ok(true)
    }
}
