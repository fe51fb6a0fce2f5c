//! The appeals commands of the command line — the queue and its heat map, the appeal card, a
//! person's corrections, the pipeline, the classifier's training and classification — and their
//! rendering: a training report (held-out figures per category and the confusion matrix),
//! classified rows with their reasons, the model versions, the queue, the heat map, the appeal card
//! and what a run of the pipeline did.

use std::fmt::Write as _;
use std::path::PathBuf;

use clap::Subcommand;
use ekn::api::{
    ApiError, AppealCard, AppealQueue, CategorySource, ClassifiedRow, CorrectionAspect, HeatCell, MethodEvaluation,
    Metrics, ModelRecord, QueueFilter, Session, TrainReport, TriageReport, TriageScope,
};
use ekn::domain::triage::{PriorityRules, RoutingTable};
use ekn::i18n::{local_date, tr, tr_count, tr_with};

use super::print;

#[derive(Subcommand)]
pub enum AppealsAction {
    /// Train a new model version on a labelled export (CSV/XLSX/JSON with `text` and `category`):
    /// evaluated on a stratified held-out split, then trained on everything and registered.
    Train {
        file: PathBuf,
        /// Also learn from the categories people corrected in this database.
        #[arg(long)]
        include_corrections: bool,
        #[arg(long)]
        json: bool,
    },
    /// Measure the classifier's method on several stratified splits of a labelled export (C and
    /// the blend chosen inside each training part): mean and spread of accuracy, macro-F1 and
    /// calibration. Stores nothing; `scripts/compare-appeals.py` runs scikit-learn on the same splits.
    Evaluate {
        file: PathBuf,
        #[arg(long, default_value_t = 5)]
        splits: u64,
        /// Train with these settings instead of the defaults: a JSON object of the training
        /// parameters a model records (`c_grid`, `nb_blend_grid`, `spans`, `char_weight`, …; the
        /// rest as default) — to measure a setting on labelled data before it becomes the default.
        #[arg(long, value_name = "JSON_FILE")]
        params: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// One appeal's card: masked text and what was masked, category with its explanation,
    /// priority rules, duplicates, route, SLA steps, decisions and history.
    Show {
        appeal_no: String,
        #[arg(long)]
        json: bool,
    },
    /// Correct an appeal's category, with a reason (journaled; the route follows).
    Reclassify {
        appeal_no: String,
        category: String,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        json: bool,
    },
    /// Send an appeal to another unit of the routing table, with a reason (journaled).
    Reroute {
        appeal_no: String,
        unit: String,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        json: bool,
    },
    /// Run the pipeline again (after training a new model, or editing the rules): open appeals,
    /// or every appeal with --all. Only decisions that change are written.
    Triage {
        #[arg(long)]
        all: bool,
        #[arg(long)]
        json: bool,
    },
    /// Classify every row of an export with the newest model, without storing anything.
    Classify {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
}

/// `ekn appeals` without a subcommand: the queue, or its heat map.
pub fn run_queue(session: &mut Session, filter: &QueueFilter, heatmap: bool, json: bool) -> Result<(), ApiError> {
    let queue = session.appeals().queue(filter)?;
    if heatmap {
        print(json, &queue.heatmap, render_heatmap)
    } else {
        print(json, &queue, render_queue)
    }
}

/// `ekn appeals evaluate FILE [--params JSON_FILE]`: the method on several splits, without a database.
pub fn run_evaluate(
    file: &std::path::Path,
    splits: u64,
    params: Option<&std::path::Path>,
    json: bool,
) -> Result<(), ApiError> {
    let params = match params {
        Some(path) => ekn::api::read_train_params(path)?,
        None => ekn::api::TrainParams::default(),
    };
    let progress = step_reporter(json);
    let evaluation = ekn::api::evaluate_appeals_method(file, splits, &params, &progress)?;
    print(json, &evaluation, render_evaluation)
}

/// `ekn appeals …`
pub fn run_appeals(session: &mut Session, action: AppealsAction) -> Result<(), ApiError> {
    match action {
        AppealsAction::Train { file, include_corrections, json } => {
            let params = ekn::api::TrainParams::default();
            let progress = step_reporter(json);
            let report = session.appeals().train(&file, &params, include_corrections, &progress)?;
            print(json, &report, render_training)
        }
        AppealsAction::Evaluate { file, splits, params, json } => run_evaluate(&file, splits, params.as_deref(), json),
        AppealsAction::Classify { file, json: true } => {
            super::print_json_rows(&session.appeals().classify_file(&file)?)
        }
        AppealsAction::Classify { file, json: false } => {
            print(false, &session.appeals().classify_file(&file)?, render_classified)
        }
        AppealsAction::Show { appeal_no, json } => {
            print(json, &session.appeals().card(&appeal_no)?, render_appeal_card)
        }
        AppealsAction::Reclassify { appeal_no, category, reason, json } => {
            session.appeals().correct(&appeal_no, CorrectionAspect::Category, &category, &reason)?;
            print(json, &session.appeals().card(&appeal_no)?, render_appeal_card)
        }
        AppealsAction::Reroute { appeal_no, unit, reason, json } => {
            session.appeals().correct(&appeal_no, CorrectionAspect::Route, &unit, &reason)?;
            print(json, &session.appeals().card(&appeal_no)?, render_appeal_card)
        }
        AppealsAction::Triage { all, json } => {
            let scope = if all { TriageScope::All } else { TriageScope::Open };
            let report = session.appeals().triage(scope, &|done, total| {
                if !json {
                    eprint!("\r  … {done}/{total} appeals");
                }
            })?;
            if !json {
                eprintln!();
            }
            print(json, &report, render_triage)
        }
    }
}

/// Prints each training step on stderr (not with --json, whose stdout is the answer).
pub fn step_reporter(json: bool) -> impl Fn(ekn::api::Step) {
    move |step: ekn::api::Step| {
        if !json {
            let words = ekn::i18n::tr_with(&format!("cli.step.{}", step.code), &[("value", &step.value)]);
            eprintln!("  … {words}");
        }
    }
}

pub fn render_training(r: &TrainReport) -> String {
    use ekn::i18n::tr_with;
    let mut out = String::new();
    let m = &r.metrics;
    let head: [(&str, &dyn std::fmt::Display); 6] = [
        ("model", &r.model.name),
        ("n", &r.model.texts),
        ("file", &r.model.data_file),
        ("format", &r.file_format),
        ("features", &r.features),
        ("seconds", &format!("{:.1}", r.seconds)),
    ];
    let _ = writeln!(out, "{}", tr_with("cli.appeals.train.head", &head));
    let _ = writeln!(out, "  {}", tr_with("cli.appeals.train.sha256", &[("sha256", &r.model.data_sha256)]));
    if !r.skipped_lines.is_empty() {
        let shown: Vec<String> = r.skipped_lines.iter().take(10).map(u64::to_string).collect();
        let lines = format!("{}{}", shown.join(", "), if r.skipped_lines.len() > 10 { ", …" } else { "" });
        let vars: [(&str, &dyn std::fmt::Display); 2] = [("n", &r.skipped_lines.len()), ("lines", &lines)];
        let _ = writeln!(out, "  {}", tr_with("cli.appeals.train.skipped", &vars));
    }
    out.push_str(&render_metrics(m));
    out
}

/// The method's figures on each split, then their mean and spread.
fn render_evaluation(e: &MethodEvaluation) -> String {
    let mut out = format!(
        "{}: {} texts, {} categories, {} splits (80/20, stratified)\n",
        e.file,
        e.texts,
        e.categories,
        e.splits.len()
    );
    for s in &e.splits {
        let m = &s.metrics;
        let _ = writeln!(
            out,
            "  seed {}: accuracy {:.4}  macro-F1 {:.4}  log-loss {:.3}  calibration error {:.3}  (C {}, blend {})",
            s.seed,
            m.accuracy,
            m.macro_f1,
            m.log_loss.unwrap_or(f64::NAN),
            m.calibration_error.unwrap_or(f64::NAN),
            m.c,
            m.blend
        );
    }
    let _ = writeln!(
        out,
        "mean: accuracy {:.4} ± {:.4}  macro-F1 {:.4} ± {:.4}  log-loss {:.3}  calibration error {:.3}  ({:.1} s)",
        e.accuracy_mean,
        e.accuracy_sd,
        e.macro_f1_mean,
        e.macro_f1_sd,
        e.log_loss_mean,
        e.calibration_error_mean,
        e.seconds
    );
    out
}

/// Held-out figures, per category, and the confusion matrix.
pub fn render_metrics(m: &Metrics) -> String {
    use ekn::i18n::{tr, tr_with};
    let mut out = String::new();
    let head: [(&str, &dyn std::fmt::Display); 4] = [
        ("train", &m.train_texts),
        ("test", &m.test_texts),
        ("accuracy", &format!("{:.3}", m.accuracy)),
        ("f1", &format!("{:.3}", m.macro_f1)),
    ];
    let _ = writeln!(out, "{}", tr_with("cli.appeals.metrics.head", &head));
    if !m.cv.is_empty() {
        let tried: Vec<String> = m.cv.iter().map(|(c, a)| format!("C={c}: {a:.3}")).collect();
        let vars: [(&str, &dyn std::fmt::Display); 2] = [("c", &m.c), ("tried", &tried.join(", "))];
        let _ = writeln!(out, "  {}", tr_with("cli.appeals.metrics.cv", &vars));
    }
    let temperature = format!("{:.2}", m.temperature);
    let _ = writeln!(out, "  {}", tr_with("cli.appeals.metrics.temperature", &[("t", &temperature)]));
    let _ = writeln!(
        out,
        "  {:<40} {:>9} {:>7} {:>6} {:>8} {:>8}",
        tr("cli.appeals.metrics.category"),
        tr("cli.appeals.metrics.precision"),
        tr("cli.appeals.metrics.recall"),
        "F1",
        tr("cli.appeals.metrics.held_out"),
        tr("cli.appeals.metrics.examples")
    );
    for c in &m.per_class {
        let _ = writeln!(
            out,
            "  {:<40} {:>9.3} {:>7.3} {:>6.3} {:>8} {:>8}",
            c.category, c.precision, c.recall, c.f1, c.support, c.examples
        );
    }
    if !m.unmeasured.is_empty() {
        let _ = writeln!(out, "  {}", tr_with("cli.appeals.metrics.unmeasured", &[("list", &m.unmeasured.join(", "))]));
    }
    let _ = writeln!(out, "  {}", tr("cli.appeals.metrics.confusion"));
    for row in &m.confusion {
        let cells: Vec<String> = row.iter().map(|n| format!("{n:>5}")).collect();
        let _ = writeln!(out, "  {}", cells.join(""));
    }
    out
}

pub fn render_classified(rows: &Vec<ClassifiedRow>) -> String {
    let mut out = String::new();
    for r in rows {
        let reasons: Vec<&str> = r.explanation.for_category.iter().take(3).map(|w| w.ngram.as_str()).collect();
        let vars: [(&str, &dyn std::fmt::Display); 6] = [
            ("line", &format!("{:>6}", r.line)),
            ("no", &format!("{:<20}", r.appeal_no.as_deref().unwrap_or("-"))),
            ("category", &format!("{:<40}", r.category)),
            ("confidence", &format!("{:>5.1}", r.confidence * 100.0)),
            ("model", &r.model),
            ("because", &reasons.join(", ")),
        ];
        let _ = writeln!(out, "{}", ekn::i18n::tr_with("cli.appeals.classified", &vars));
    }
    out
}

pub fn render_models(models: &Vec<ModelRecord>) -> String {
    use ekn::i18n::{tr, tr_with};
    let mut out = String::new();
    if models.is_empty() {
        let _ = writeln!(out, "{}", tr("cli.models.none"));
    }
    for m in models {
        let figures = serde_json::from_str::<Metrics>(&m.metrics)
            .map(|x| {
                let vars: [(&str, &dyn std::fmt::Display); 2] =
                    [("accuracy", &format!("{:.3}", x.accuracy)), ("f1", &format!("{:.3}", x.macro_f1))];
                tr_with("cli.models.figures", &vars)
            })
            .unwrap_or_default();
        let vars: [(&str, &dyn std::fmt::Display); 7] = [
            ("name", &format!("{:<16}", m.name)),
            ("at", &m.created_at),
            ("author", &m.author),
            ("n", &m.texts),
            ("file", &m.data_file),
            ("sha256", &&m.data_sha256[..m.data_sha256.len().min(16)]),
            ("figures", &figures),
        ];
        let _ = writeln!(out, "{}", tr_with("cli.models.row", &vars));
    }
    out
}

/// What a run of the pipeline did.
pub fn render_triage(r: &TriageReport) -> String {
    let model = r.model.clone().unwrap_or_else(|| ekn::i18n::tr("cli.appeals.triage.no_model"));
    let vars: [(&str, &dyn std::fmt::Display); 6] = [
        ("appeals", &r.appeals),
        ("model", &model),
        ("seconds", &format!("{:.1}", r.seconds)),
        ("decisions", &r.decisions),
        ("tasks", &r.tasks),
        ("duplicates", &r.duplicates),
    ];
    format!("{}\n", ekn::i18n::tr_with("cli.appeals.triage.done", &vars))
}

fn unit_name(id: Option<&str>) -> String {
    let table = RoutingTable::builtin();
    // Russian in English too, as it always printed: the office's units are named in Russian there.
    let named = |u: &ekn::domain::triage::routing::RoutingUnit| match ekn::i18n::lang() {
        ekn::i18n::Lang::Kk => u.name_kk.clone(),
        _ => u.name_ru.clone(),
    };
    id.map_or_else(|| "—".into(), |id| table.unit(id).map_or(id.to_string(), named))
}

/// The queue: one line per open appeal, most urgent first, with the rules that put it there.
pub fn render_queue(q: &AppealQueue) -> String {
    let mut out = String::new();
    let today = local_date(q.today);
    let head: [(&str, &dyn std::fmt::Display); 4] =
        [("date", &today), ("shown", &q.items.len()), ("rules", &q.priority_rules), ("routing", &q.routing)];
    let _ = writeln!(out, "{}", tr_count("cli.queue.head", q.total, &head));
    for i in &q.items {
        let due = match (i.due, i.days_left) {
            (Some(d), Some(left)) if left < 0 => {
                tr_with("cli.queue.overdue", &[("due", &local_date(d)), ("days", &-left)])
            }
            (Some(d), Some(left)) => tr_with("cli.queue.due", &[("due", &local_date(d)), ("left", &left)]),
            _ => tr("cli.queue.no_task"),
        };
        let points = format!("{:>3}", i.points);
        let _ = writeln!(
            out,
            "{:<7} {}  {}  {}  {}  → {}{}  {}{}",
            i.priority,
            tr_with("cli.queue.points", &[("points", &points)]),
            i.appeal_no,
            i.received.parse().map(local_date).unwrap_or_else(|_| i.received.clone()),
            i.category.as_deref().unwrap_or("—"),
            unit_name(i.unit.as_deref()),
            if i.forward { tr("cli.queue.forward") } else { String::new() },
            due,
            i.duplicate_of.as_ref().map_or(String::new(), |h| tr_with("cli.queue.duplicate", &[("no", h)]))
        );
        if !i.rules.is_empty() {
            let rules: Vec<String> =
                i.rules.iter().map(|r| format!("{} +{} «{}»", r.id, r.points, r.evidence)).collect();
            let _ = writeln!(out, "        {}", tr_with("cli.queue.because", &[("rules", &rules.join("; "))]));
        }
    }
    out
}

/// The heat map as a table: districts down, categories across, "open/overdue" in the cells.
#[allow(clippy::ptr_arg)] // cli::print hands renderers a reference to the value it serialises
pub fn render_heatmap(cells: &Vec<HeatCell>) -> String {
    let mut districts: Vec<&str> = cells.iter().map(|c| c.district.as_str()).collect();
    districts.dedup();
    let mut categories: Vec<&str> = cells.iter().map(|c| c.category.as_str()).collect();
    categories.sort_unstable();
    categories.dedup();
    let mut out = String::from("Open/overdue appeals by district (KATO 4 digits) × category\n");
    let _ = write!(out, "{:<8}", "district");
    for c in &categories {
        let _ = write!(out, " {:>20}", c.chars().take(20).collect::<String>());
    }
    out.push('\n');
    for d in districts {
        let _ = write!(out, "{d:<8}");
        for c in &categories {
            let cell = cells.iter().find(|x| x.district == d && x.category == *c);
            let text = cell.map_or(String::from("·"), |x| format!("{}/{}", x.open, x.overdue));
            let _ = write!(out, " {text:>20}");
        }
        out.push('\n');
    }
    out
}

/// The appeal card in words.
pub fn render_appeal_card(c: &AppealCard) -> String {
    use super::words::{self, coded};
    type Vars<'a> = [(&'a str, &'a dyn std::fmt::Display)];
    let mut out = String::new();
    let state = if c.open {
        tr("cli.appeal.open")
    } else {
        let outcome = c.outcome.as_deref().map_or_else(|| tr("cli.appeal.decided"), |o| coded("outcome", o));
        format!("{outcome} {}", c.decided.as_deref().map(words::stored_day).unwrap_or_default())
    };
    let (received, channel) = (words::stored_day(&c.received), c.channel.as_deref().unwrap_or("—"));
    let head: &Vars = &[("no", &c.appeal_no), ("received", &received), ("channel", &channel), ("state", &state)];
    let _ = writeln!(out, "{}", tr_with("cli.appeal.head", head));
    let people: &Vars = &[
        ("applicant", &c.applicant.as_deref().unwrap_or("—")),
        ("category", &c.applicant_category.as_deref().unwrap_or("—")),
        ("bin", &c.subject_bin.as_deref().unwrap_or("—")),
        ("kato", &c.kato.as_deref().unwrap_or("—")),
    ];
    let _ = writeln!(out, "  {}", tr_with("cli.appeal.people", people));
    let _ = writeln!(out, "  {}", tr_with("cli.appeal.text", &[("text", &c.text.as_deref().unwrap_or("—"))]));
    let _ = writeln!(out, "  {}", masked_line(&c.masked));
    let source = match c.category_source {
        CategorySource::Person => "person",
        CategorySource::Registered => "registered",
        CategorySource::Model => "model",
        CategorySource::None => "none",
    };
    let source = tr(&format!("cli.appeal.source.{source}"));
    let code = c.category_code.clone().unwrap_or_else(|| tr("cli.appeal.not_in_taxonomy"));
    let category: &Vars = &[("category", &c.category.as_deref().unwrap_or("—")), ("source", &source), ("code", &code)];
    let _ = writeln!(out, "{}", tr_with("cli.appeal.category", category));
    if let Some(m) = &c.model {
        let confidence = format!("{:.2}", m.prediction.confidence);
        let disagrees = if m.agrees { String::new() } else { tr("cli.appeal.disagrees") };
        let said: &Vars = &[
            ("model", &m.model),
            ("category", &m.prediction.category),
            ("confidence", &confidence),
            ("disagrees", &disagrees),
        ];
        let _ = writeln!(out, "  {}", tr_with("cli.appeal.model", said));
        let fors: Vec<String> =
            m.prediction.for_category.iter().map(|w| format!("{} {:+.2}", w.ngram, w.weight)).collect();
        let against: Vec<String> =
            m.prediction.against_category.iter().map(|w| format!("{} {:+.2}", w.ngram, w.weight)).collect();
        let _ = writeln!(out, "    {}", tr_with("cli.appeal.for", &[("ngrams", &fors.join(", "))]));
        let _ = writeln!(out, "    {}", tr_with("cli.appeal.against", &[("ngrams", &against.join(", "))]));
    }
    let rules = PriorityRules::builtin();
    match &c.priority {
        Some(p) => {
            let level = level_name(&c.priority_level);
            let priority: &Vars = &[
                ("level", &level),
                ("points", &c.priority_points),
                ("basis", &c.priority_basis.as_deref().unwrap_or("—")),
            ];
            let _ = writeln!(out, "{}", tr_with("cli.appeal.priority", priority));
            for r in p.rules.iter().chain(&c.deadline_rules) {
                // The rule's Russian name in English too, as it always printed.
                let name = rules.rule(&r.id).map_or(r.id.clone(), |x| match ekn::i18n::lang() {
                    ekn::i18n::Lang::Kk => x.name_kk.clone(),
                    _ => x.name_ru.clone(),
                });
                let _ = writeln!(out, "  +{} {} («{}»)", r.points, name, r.evidence);
            }
        }
        None => {
            let _ = writeln!(out, "{}", tr("cli.appeal.not_triaged"));
        }
    }
    if let Some(r) = &c.route {
        let by_person = if c.route_by_person { tr("cli.appeal.by_person") } else { String::new() };
        let unit = unit_name(c.route_unit.as_deref());
        let route: &Vars = &[("unit", &unit), ("by_person", &by_person), ("matched", &r.route.matched)];
        let _ = writeln!(out, "{}", tr_with("cli.appeal.route", route));
        if let Some(f) = &r.route.forward_to {
            let body = match ekn::i18n::lang() {
                ekn::i18n::Lang::Kk => f.name_kk.clone(),
                _ => f.name_ru.clone(),
            };
            let _ = writeln!(out, "  {}", tr_with("cli.appeal.forward", &[("body", &body)]));
        }
    }
    if let Some(g) = &c.duplicates {
        let members: Vec<String> = g
            .members
            .iter()
            .map(|m| {
                format!(
                    "{} ({}{})",
                    m.appeal_no,
                    words::stored_day(&m.received),
                    m.similarity.map_or(String::new(), |s| format!(", {s:.2}"))
                )
            })
            .collect();
        let _ = writeln!(
            out,
            "{}",
            tr_with("cli.appeal.duplicates", &[("head", &g.head), ("members", &members.join(", "))])
        );
        if let Some(e) = &g.explanation {
            let same = tr(if e.same_applicant { "cli.appeal.same_applicant" } else { "cli.appeal.same_object" });
            let nearest: &Vars =
                &[("nearest", &e.nearest), ("distance", &e.distance), ("max", &e.max_distance), ("same", &same)];
            let _ = writeln!(out, "  {}", tr_with("cli.appeal.nearest", nearest));
        }
    }
    let _ = writeln!(out, "{}", tr("cli.appeal.sla"));
    for s in &c.sla {
        let step = format!("{:<14}", coded("cli.appeal.step", &s.step));
        let due = s.due.map_or("—".into(), local_date);
        let status = coded("cli.appeal.status", &s.status);
        let task = s.task_id.map_or(String::new(), |t| tr_with("cli.appeal.task", &[("id", &t)]));
        let unconfirmed = if s.verified { String::new() } else { tr("cli.appeal.unconfirmed") };
        let line: &Vars = &[
            ("step", &step),
            ("due", &due),
            ("status", &status),
            ("task", &task),
            ("norm", &s.norm_id),
            ("unconfirmed", &unconfirmed),
        ];
        let _ = writeln!(out, "  {}", tr_with("cli.appeal.sla_line", line));
    }
    let _ = writeln!(out, "{}", tr("cli.appeal.decisions"));
    for d in &c.decisions {
        let (value, reason) = (d.value.as_deref(), d.reason.as_deref());
        let _ = writeln!(out, "  {}", decision_line(&d.decided_at, &d.aspect, value, &d.basis, &d.author, reason));
    }
    out
}

/// What the masking took out of a text, in one line.
fn masked_line(masked: &[ekn::domain::privacy::Masked]) -> String {
    if masked.is_empty() {
        return tr("cli.appeal.masked_none");
    }
    let parts: Vec<String> = masked
        .iter()
        .map(|m| {
            let kind = super::words::coded("cli.appeal.mask", m.kind.code());
            tr_with("cli.appeal.masked_part", &[("kind", &kind), ("count", &m.count), ("rule", &m.rule)])
        })
        .collect();
    tr_with("cli.appeal.masked", &[("parts", &parts.join(", "))])
}

/// A priority level's name in the interface's language (its code in English, as it always printed).
fn level_name(code: &str) -> String {
    match ekn::i18n::lang() {
        ekn::i18n::Lang::En => code.to_string(),
        lang => PriorityRules::builtin()
            .levels
            .iter()
            .find(|l| l.code == code)
            .map_or(code.to_string(), |l| lang.pick(&l.name_ru, &l.name_kk, &l.name_en).to_string()),
    }
}

/// One triage decision: when, which aspect, the value, its basis and author, a person's reason.
fn decision_line(
    at: &str,
    aspect: &str,
    value: Option<&str>,
    basis: &str,
    author: &str,
    reason: Option<&str>,
) -> String {
    let reason = reason.map_or(String::new(), |r| format!(": {r}"));
    let aspect = super::words::coded("cli.appeal.aspect", aspect);
    let vars: [(&str, &dyn std::fmt::Display); 6] = [
        ("at", &at),
        ("aspect", &aspect),
        ("value", &value.unwrap_or("—")),
        ("basis", &basis),
        ("author", &author),
        ("reason", &reason),
    ];
    tr_with("cli.appeal.decision", &vars)
}

/// A colleague's appeal that came with its task (`TaskDetail::appeal_paper`), in words: who holds
/// it, its place, category, priority and route, the masked text, and every decision.
pub fn render_appeal_paper(held: &ekn::domain::papers::HeldPaper) -> String {
    let p = &held.paper;
    let mut out = String::new();
    let at = super::words::stored_day(&held.updated_at);
    let _ = writeln!(
        out,
        "  {}",
        tr_with("cli.task.paper", &[("no", &p.appeal_no), ("holder", &held.holder), ("at", &at)])
    );
    let received = local_date(p.received);
    let state = match (&p.outcome, p.decided) {
        (Some(o), Some(d)) => format!("{} {}", super::words::coded("outcome", o), local_date(d)),
        _ => tr("cli.appeal.open"),
    };
    let head: [(&str, &dyn std::fmt::Display); 4] =
        [("no", &p.appeal_no), ("received", &received), ("channel", &"—"), ("state", &state)];
    let _ = writeln!(out, "    {}", tr_with("cli.appeal.head", &head));
    let source = tr(&format!("cli.appeal.source.{}", p.category_source));
    let category: [(&str, &dyn std::fmt::Display); 3] =
        [("category", &p.category.as_deref().unwrap_or("—")), ("source", &source), ("code", &"—")];
    let _ = writeln!(out, "    {}", tr_with("cli.appeal.category", &category));
    let level = level_name(&p.priority);
    let priority: [(&str, &dyn std::fmt::Display); 3] =
        [("level", &level), ("points", &p.priority_points), ("basis", &"—")];
    let _ = writeln!(out, "    {}", tr_with("cli.appeal.priority", &priority));
    if p.route_unit.is_some() {
        let by_person = if p.route_by_person { tr("cli.appeal.by_person") } else { String::new() };
        let route: [(&str, &dyn std::fmt::Display); 3] =
            [("unit", &unit_name(p.route_unit.as_deref())), ("by_person", &by_person), ("matched", &"—")];
        let _ = writeln!(out, "    {}", tr_with("cli.appeal.route", &route));
    }
    let _ = writeln!(out, "    {}", tr_with("cli.appeal.text", &[("text", &p.text.as_deref().unwrap_or("—"))]));
    let _ = writeln!(out, "    {}", masked_line(&p.masked));
    let _ = writeln!(out, "    {}", tr("cli.appeal.decisions"));
    for d in &p.decisions {
        let (value, reason) = (d.value.as_deref(), d.reason.as_deref());
        let _ = writeln!(out, "      {}", decision_line(&d.decided_at, &d.aspect, value, &d.basis, &d.author, reason));
    }
    out
}
