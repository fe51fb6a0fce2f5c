//! `ekn docs …`: the documents attached to an object as ЭКН read them — list, show (pages with
//! how each was read and how well, and the facts proposed), the text of a page, the facts as the
//! JSON contract of docs/DOCUMENTS.md, reading again, and a person's confirm or reject.

use std::fmt::Write as _;

use clap::Subcommand;
use ekn::api::{
    ApiError, DocumentFacts, DocumentReadReport, DocumentView, FactTask, FactView, ReadProgress, Session, TaskFromFact,
};
use ekn::domain::tasks::TaskKind;

use ekn::i18n::{tr, tr_with};

use super::print;

#[derive(Subcommand)]
pub enum DocsAction {
    /// The documents attached to an object, each with its reading's state.
    List {
        bin: String,
        #[arg(long)]
        json: bool,
    },
    /// One document: its pages (text layer or OCR, quality) and the facts proposed from it.
    Show {
        doc: i64,
        #[arg(long)]
        json: bool,
    },
    /// The text of a document (every page, or one), masked where it names a citizen.
    Text {
        doc: i64,
        #[arg(long)]
        page: Option<u32>,
    },
    /// Every document of an object with its pages and facts (JSON: the contract in docs/DOCUMENTS.md).
    Facts {
        bin: String,
        #[arg(long)]
        json: bool,
    },
    /// Read a document again (after a rules or OCR update); records nothing when nothing changed.
    Extract {
        doc: i64,
        #[arg(long)]
        json: bool,
    },
    /// Confirm a fact as proposed, or with a corrected value (`--value '{"tenge": 500000, "tiyn": 0}'`).
    Confirm {
        fact: i64,
        #[arg(long)]
        value: Option<String>,
        /// The object, when the document is attached to more than one.
        #[arg(long)]
        bin: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Measure the reader on a corpus with ground truth (scripts/documents/make_corpus.py):
    /// precision and recall per rendition and requisite. Needs no database.
    Measure {
        dir: std::path::PathBuf,
        /// Read without OCR (what a machine without Tesseract does).
        #[arg(long)]
        no_ocr: bool,
        /// List every miss.
        #[arg(long)]
        misses: bool,
        /// With `--json`: every fact read, with its rule's score and whether it was right (what
        /// scripts/documents/calibrate.py fits the calibration on).
        #[arg(long)]
        facts: bool,
        #[arg(long)]
        json: bool,
    },
    /// Open a task with a confirmed period of a document, counted from the document's confirmed
    /// date (or `--from`).
    Task {
        fact: i64,
        #[arg(long)]
        assignee: String,
        #[arg(long)]
        unit: String,
        #[arg(long, default_value = "follow_up", value_parser = ["gather_information", "consider_appeal", "inspection_check", "issue_response", "control_execution", "follow_up", "forward_appeal"])]
        kind: String,
        /// The date the period runs from (default: the document's confirmed date).
        #[arg(long)]
        from: Option<String>,
        #[arg(long)]
        title: Option<String>,
        #[arg(long)]
        bin: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// The dates the rules find in each line of standard input, one output line per input line
    /// (dates as YYYY-MM-DD separated by spaces; empty when none): measuring date normalisation.
    /// Needs no database.
    Dates,
    /// Reject a fact, saying why.
    Reject {
        fact: i64,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        bin: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

/// Reads a document with a progress bar on the terminal (Ctrl-C stops it; nothing is recorded).
pub fn read_with_progress(session: &mut Session, doc: i64) -> Result<DocumentReadReport, ApiError> {
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("reading {bar:30} page {pos}/{len} {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let report = session.evidence().read_document(doc, &mut |p: ReadProgress| {
        bar.set_length(p.total as u64);
        bar.set_position(p.done as u64);
        true
    });
    bar.finish_and_clear();
    report
}

/// `ekn docs dates`: no database needed.
pub fn run_dates() -> Result<(), ApiError> {
    use std::io::BufRead;
    let mut out = String::new();
    for line in std::io::stdin().lock().lines() {
        let line = line.map_err(|e| ApiError::new(ekn::api::ErrorCode::Io, format!("standard input: {e}")))?;
        let dates: Vec<String> = ekn::api::dates_written(&line).iter().map(ToString::to_string).collect();
        out.push_str(&dates.join(" "));
        out.push('\n');
    }
    super::out(&out);
    Ok(())
}

/// `ekn docs measure DIR`: no database needed.
pub fn run_measure(dir: &std::path::Path, no_ocr: bool, misses: bool, facts: bool, json: bool) -> Result<(), ApiError> {
    let bar = indicatif::ProgressBar::new(0);
    let measured = ekn::api::measure_documents(dir, !no_ocr, facts, &mut |done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    });
    bar.finish_and_clear();
    let measured = measured?;
    if json {
        return print(true, &measured, |_| String::new());
    }
    let head: [(&str, &dyn std::fmt::Display); 3] =
        [("corpus", &measured.corpus), ("engine", &measured.engine), ("rules", &measured.rules_version)];
    let mut out = format!("{}\n", tr_with("cli.docs.measure.head", &head));
    let c = &measured.confidence;
    let figure = |x: f64| format!("{x:.3}");
    let vars: [(&str, &dyn std::fmt::Display); 7] = [
        ("calibration", &c.calibration),
        ("facts", &c.facts),
        ("right", &c.right),
        ("brier_rules", &figure(c.rule_scores.brier)),
        ("ece_rules", &figure(c.rule_scores.ece)),
        ("brier", &figure(c.calibrated.brier)),
        ("ece", &figure(c.calibrated.ece)),
    ];
    let _ = writeln!(out, "{}", tr_with("cli.docs.measure.confidence", &vars));
    let by_language = measured
        .languages
        .iter()
        .flat_map(|(lang, renditions)| renditions.iter().map(move |(name, r)| (format!("{lang}: {name}"), r)));
    let all = measured.renditions.iter().map(|(name, r)| (name.clone(), r)).chain(by_language);
    for (name, r) in all {
        let name = &name;
        let vars: [(&str, &dyn std::fmt::Display); 5] = [
            ("name", name),
            ("documents", &r.documents),
            ("pages", &r.pages),
            ("ocr", &r.pages_by_ocr),
            ("seconds", &format!("{:.3}", r.seconds_per_page)),
        ];
        let _ = writeln!(out, "{}", tr_with("cli.docs.measure.rendition", &vars));
        if let Some(accuracy) = r.word_accuracy {
            let vars: [(&str, &dyn std::fmt::Display); 1] = [("accuracy", &format!("{accuracy:.3}"))];
            let _ = writeln!(out, "  {}", tr_with("cli.docs.measure.words", &vars));
        }
        for (kind, f) in &r.fields {
            let vars: [(&str, &dyn std::fmt::Display); 7] = [
                ("kind", &format!("{kind:<20}")),
                ("precision", &format!("{:.3}", f.precision)),
                ("recall", &format!("{:.3}", f.recall)),
                ("f1", &format!("{:.3}", f.f1)),
                ("tp", &f.true_positives),
                ("fp", &f.false_positives),
                ("fn", &f.false_negatives),
            ];
            let _ = writeln!(out, "  {}", tr_with("cli.docs.measure.field", &vars));
        }
        if misses {
            for m in &r.misses {
                let _ = writeln!(out, "    {m}");
            }
        }
    }
    super::out(&out);
    Ok(())
}

pub fn run_docs(session: &mut Session, action: DocsAction) -> Result<(), ApiError> {
    match action {
        DocsAction::Measure { dir, no_ocr, misses, facts, json } => run_measure(&dir, no_ocr, misses, facts, json),
        DocsAction::Dates => run_dates(),
        DocsAction::List { bin, json } => print(json, &session.evidence().documents(&bin)?, render_list),
        DocsAction::Show { doc, json } => print(json, &session.evidence().document(doc)?, render_document),
        DocsAction::Text { doc, page } => {
            for p in session.evidence().document_text(doc, page)? {
                let vars: [(&str, &dyn std::fmt::Display); 3] =
                    [("page", &p.page), ("method", &p.method), ("quality", &format!("{:.2}", p.quality))];
                super::out(&format!("— {} —\n{}\n", tr_with("cli.docs.page_head", &vars), p.text));
            }
            Ok(())
        }
        DocsAction::Facts { bin, json } => print(json, &session.evidence().document_facts(&bin)?, render_facts),
        DocsAction::Extract { doc, json } => {
            let report = read_with_progress(session, doc)?;
            print(json, &report, render_read)
        }
        DocsAction::Confirm { fact, value, bin, json } => {
            print(json, &session.evidence().confirm_fact(fact, value.as_deref(), bin.as_deref())?, render_fact)
        }
        DocsAction::Task { fact, assignee, unit, kind, from, title, bin, json } => {
            let request = TaskFromFact {
                fact,
                bin,
                kind: TaskKind::from_code(&kind),
                from: from.as_deref().map(|f| super::tasks::date(f, "from")).transpose()?,
                assignee,
                unit,
                title,
            };
            print(json, &session.evidence().task_from_fact(&request)?, |t: &FactTask| {
                let vars: [(&str, &dyn std::fmt::Display); 3] = [
                    ("fact", &t.fact),
                    ("from", &ekn::i18n::local_date(t.counted_from)),
                    ("source", &super::words::coded("cli.docs.from_source", &t.from_source).replace('_', " ")),
                ];
                format!("{}\n{}", tr_with("cli.docs.fact_task", &vars), super::tasks::render_created(&t.created))
            })
        }
        DocsAction::Reject { fact, reason, bin, json } => {
            print(json, &session.evidence().reject_fact(fact, &reason, bin.as_deref())?, render_fact)
        }
    }
}

fn value_text(f: &FactView) -> String {
    match &f.value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

pub fn render_fact(f: &FactView) -> String {
    let reason = f.reason.as_deref().map(|r| format!(" ({r})")).unwrap_or_default();
    let task = f.task_id.map(|t| tr_with("cli.docs.fact_task_link", &[("task", &t)])).unwrap_or_default();
    format!(
        "  #{:<5} {:<20} {:<40} {} {:>4.0}%  {}{reason}{task}\n",
        f.id,
        f.kind,
        value_text(f),
        tr_with("cli.docs.page_short", &[("page", &f.page)]),
        f.confidence * 100.0,
        super::words::coded("cli.docs.fact_status", &f.status),
    )
}

fn render_list(docs: &Vec<DocumentView>) -> String {
    let mut out = String::new();
    if docs.is_empty() {
        let _ = writeln!(out, "{}", tr("cli.docs.none"));
    }
    for d in docs {
        let proposed = d.facts.iter().filter(|f| f.status == "proposed").count();
        let vars: [(&str, &dyn std::fmt::Display); 3] =
            [("pages", &d.pages.len()), ("facts", &d.facts.len()), ("proposed", &proposed)];
        let _ = writeln!(
            out,
            "{:>5}  {:<40} {:<15} {}",
            d.id,
            d.file_name,
            super::words::coded("cli.docs.state", &d.state),
            tr_with("cli.docs.list_counts", &vars)
        );
    }
    out
}

pub fn render_document(d: &DocumentView) -> String {
    let head: [(&str, &dyn std::fmt::Display); 3] =
        [("file", &d.file_name), ("bin", &d.subject_bin), ("bytes", &d.octets)];
    let mut out = format!(
        "{}\n  sha256 {}\n  {}",
        tr_with("cli.docs.head", &head),
        d.sha256,
        tr_with("cli.docs.state_line", &[("state", &super::words::coded("cli.docs.state", &d.state))])
    );
    if !d.why.is_empty() {
        let _ = write!(out, " — {}", d.why);
    }
    out.push('\n');
    if let Some(engine) = &d.engine {
        let vars: [(&str, &dyn std::fmt::Display); 2] =
            [("engine", engine), ("rules", &d.rules_version.as_deref().unwrap_or(""))];
        let _ = writeln!(out, "  {}", tr_with("cli.docs.read_by", &vars));
    }
    for p in &d.pages {
        let vars: [(&str, &dyn std::fmt::Display); 4] = [
            ("page", &format!("{:>3}", p.page)),
            ("method", &format!("{:<4}", p.method)),
            ("quality", &format!("{:.2}", p.quality)),
            ("why", &p.why),
        ];
        let _ = writeln!(out, "  {}", tr_with("cli.docs.page_line", &vars));
    }
    if !d.facts.is_empty() {
        let _ = writeln!(out, "  {}", tr("cli.docs.facts"));
        for f in &d.facts {
            out.push_str(&render_fact(f));
        }
    }
    out
}

fn render_facts(f: &DocumentFacts) -> String {
    let mut out = String::new();
    for d in &f.documents {
        out.push_str(&render_document(d));
    }
    if out.is_empty() {
        out = format!("{}: {}\n", f.bin, tr("cli.docs.none"));
    }
    out
}

pub fn render_read(r: &DocumentReadReport) -> String {
    let mut out = render_document(&r.document);
    let what = tr(if r.new_reading { "cli.docs.read" } else { "cli.docs.already_read" });
    let _ =
        writeln!(out, "{}", tr_with("cli.docs.took", &[("what", &what), ("seconds", &format!("{:.1}", r.seconds))]));
    out
}
