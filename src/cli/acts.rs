//! The act commands of the command line: check templates, draft an act into a .docx (and its PDF
//! preview), record an act as issued, record what became of it and show it with its outcomes.
//! One `api` call each, rendered for a terminal.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use clap::Subcommand;
use ekn::api::analytics::effect_lines;
use ekn::api::{
    ActDetail, ActDraftRequest, ActIssueRequest, ActIssued, ActKind, ActLang, ActOutcomeRequest, ApiError, ErrorCode,
    PrecedentRequest, Precedents, Session, TemplateCheck,
};
use ekn::domain::outcomes::{ActResult, ActStage};
use ekn::i18n::{local_date, tr, tr_with};

use super::words;

#[derive(Subcommand)]
pub enum ActAction {
    /// Templates: `check [FILE]` names every placeholder a template uses that the product does
    /// not know and every one its kind must carry that it lacks (all templates in force when no
    /// FILE; a FILE's kind is read from its name, like `protest.kk.docx`).
    Templates {
        #[command(subcommand)]
        action: TemplatesAction,
    },
    /// Draft an act of KIND (submission, protest, order, warning, appeal-answer) about BIN into a
    /// .docx marked as a draft; what is not given stays a bracketed prompt for the prosecutor.
    Draft {
        kind: String,
        bin: String,
        #[arg(long, default_value = "ru")]
        lang: String,
        /// The task the act answers.
        #[arg(long)]
        task: Option<i64>,
        /// The appeal an answer is about (default: the task's, else the oldest undecided).
        #[arg(long)]
        appeal: Option<String>,
        #[arg(long)]
        addressee: Option<String>,
        #[arg(long)]
        addressee_position: Option<String>,
        /// The norms breached, with their articles, as the prosecutor states them.
        #[arg(long)]
        norms: Option<String>,
        /// A requirement of the act (repeat for several).
        #[arg(long = "requirement")]
        requirements: Vec<String>,
        #[arg(long)]
        prosecutor: Option<String>,
        #[arg(long)]
        prosecutor_position: Option<String>,
        #[arg(long)]
        out: PathBuf,
        /// Also write the PDF preview here.
        #[arg(long)]
        pdf: Option<PathBuf>,
        /// The period the act itself sets, in working days, where its norm lets it (a resolution's, a protest's own).
        #[arg(long)]
        working_days: Option<u32>,
        /// The period the act itself sets, in calendar days, where its norm lets it.
        #[arg(long)]
        calendar_days: Option<u32>,
        #[arg(long)]
        json: bool,
    },
    /// Record an act as issued: journaled, with its control-of-execution task due after the
    /// addressee's period from the norms catalog.
    Issue {
        kind: String,
        bin: String,
        /// The date the act was issued (yyyy-mm-dd or dd.mm.yyyy).
        #[arg(long)]
        date: String,
        #[arg(long)]
        addressee: String,
        #[arg(long)]
        number: Option<String>,
        #[arg(long = "requirement")]
        requirements: Vec<String>,
        #[arg(long)]
        assignee: Option<String>,
        #[arg(long)]
        unit: Option<String>,
        /// An attached document (its SHA-256, from `ekn evidence attach`) that is the act issued.
        #[arg(long)]
        document: Option<String>,
        /// The violation's category (the appeals taxonomy's code or name), for its later appeals
        /// and its precedents.
        #[arg(long)]
        category: Option<String>,
        /// The journal entry of the draft it is issued from (default: the latest unused draft).
        #[arg(long)]
        draft: Option<i64>,
        /// The period the act itself sets, in working days, where its norm lets it (a resolution's, a protest's own).
        #[arg(long)]
        working_days: Option<u32>,
        /// The period the act itself sets, in calendar days, where its norm lets it.
        #[arg(long)]
        calendar_days: Option<u32>,
        #[arg(long)]
        json: bool,
    },
    /// Record what became of an issued act at one stage: the addressee's answer, its
    /// consideration, or a court's decision (journaled, append-only).
    Outcome {
        act: i64,
        #[arg(long, value_parser = ["answer", "consideration", "court"])]
        stage: String,
        #[arg(long, value_parser = ["satisfied", "partly", "rejected", "withdrawn", "upheld", "overturned"])]
        result: String,
        /// The day of the answer or decision (default today).
        #[arg(long)]
        on: Option<String>,
        /// What the answer reports, as `disciplined=2,admin_cases=1,restored=150000.50,eliminated=yes`
        /// (restored in tenge; separate by `;` to write a decimal comma).
        #[arg(long)]
        measures: Option<String>,
        /// The document that says so: a file (attached and read now) or the SHA-256 of one attached.
        #[arg(long)]
        document: Option<String>,
        /// The confirmed `outcome` fact of a read answer this records (see `ekn act show`).
        #[arg(long)]
        from_fact: Option<i64>,
        /// The act was returned (rejected, withdrawn) or overturned for a formal defect.
        #[arg(long)]
        formal_defect: bool,
        #[arg(long)]
        json: bool,
    },
    /// The earlier acts of a kind most like one drafted for an object (the same violation
    /// category, the same activity), each with what became of it, and their outcomes counted.
    Precedents {
        bin: String,
        #[arg(long)]
        kind: String,
        /// The violation's category (the appeals taxonomy's code or name).
        #[arg(long)]
        category: Option<String>,
        /// How many to list (default 10, at most 50).
        #[arg(long)]
        limit: Option<usize>,
        #[arg(long)]
        json: bool,
    },
    /// An issued act with its outcomes, what read answers propose for it, and what later registry
    /// data say of it (the next inspection, the object's appeals) over the horizon.
    Show {
        act: i64,
        /// Days after the addressee's period that later data count (default 365).
        #[arg(long)]
        horizon_days: Option<u64>,
        #[arg(long)]
        json: bool,
    },
}

fn render_act(d: &ActDetail) -> String {
    let number = d.act.number.as_deref().map(|n| tr_with("cli.act.number", &[("number", &n)])).unwrap_or_default();
    let head: [(&str, &dyn std::fmt::Display); 6] = [
        ("id", &d.act.id),
        ("kind", &words::coded("cli.effect.kind", &d.act.kind)),
        ("number", &number),
        ("date", &words::stored_day(&d.act.issued_on)),
        ("addressee", &d.act.addressee),
        ("bin", &d.subject_bin),
    ];
    let mut out = format!("{}\n", tr_with("cli.act.head", &head));
    if let Some(due) = &d.act.response_due {
        let _ = writeln!(out, "  {}", tr_with("cli.act.due", &[("due", &words::stored_day(due))]));
    }
    if d.outcomes.is_empty() {
        let _ = writeln!(out, "  {}", tr("cli.act.no_outcome"));
    }
    for o in &d.outcomes {
        let m = &o.measures;
        let mut said = Vec::new();
        if let Some(n) = m.disciplined {
            said.push(tr_with("cli.act.m_disciplined", &[("n", &n)]));
        }
        if let Some(n) = m.admin_cases {
            said.push(tr_with("cli.act.m_admin_cases", &[("n", &n)]));
        }
        if let Some(t) = m.restored_tiyn {
            said.push(tr_with("cli.act.m_restored", &[("sum", &format!("{}.{:02}", t / 100, t % 100))]));
        }
        if let Some(e) = m.eliminated {
            said.push(tr(if e { "cli.act.m_eliminated" } else { "cli.act.m_not_eliminated" }));
        }
        if o.formal_defect {
            said.push(tr("cli.act.m_formal_defect"));
        }
        let measures = if said.is_empty() { String::new() } else { format!(" ({})", said.join(", ")) };
        let document = o
            .document
            .as_deref()
            .map(|d| tr_with("cli.act.document", &[("sha", &&d[..12.min(d.len())])]))
            .unwrap_or_default();
        let vars: [(&str, &dyn std::fmt::Display); 7] = [
            ("on", &words::stored_day(&o.on)),
            ("stage", &words::coded("outcome_stage", &o.stage)),
            ("result", &words::coded("outcome_result", &o.result)),
            ("measures", &measures),
            ("document", &document),
            ("author", &o.author),
            ("source", &words::coded("cli.act.source", &o.source)),
        ];
        let _ = writeln!(out, "  {}", tr_with("cli.act.outcome", &vars));
    }
    let v = &d.verification;
    let later: [(&str, &dyn std::fmt::Display); 4] =
        [("from", &local_date(v.from)), ("until", &local_date(v.until)), ("days", &v.horizon_days), ("rule", &v.rule)];
    let _ = writeln!(out, "  {}", tr_with("cli.act.later", &later));
    for (what, check) in v.checks() {
        let status = match words::serde_name(&check.status).as_str() {
            code if ekn::i18n::lang() == ekn::i18n::Lang::En => code.to_string(),
            code => tr(&format!("verify.status.{code}")),
        };
        let rows = if check.rows.is_empty() { String::new() } else { format!(" [{}]", check.rows.join(", ")) };
        let what = tr(&format!("cli.verify.{what}"));
        let _ = writeln!(out, "    {what}: {status} — {}{rows}", effect_lines::reason_words(check));
    }
    for p in &d.proposals {
        let command = format!(
            "ekn act outcome {} --stage {} --result {} --from-fact {}",
            p.act_id,
            p.stage.code(),
            p.result.code(),
            p.fact_id
        );
        let vars: [(&str, &dyn std::fmt::Display); 7] = [
            ("file", &p.file_name),
            ("fact", &p.fact_id),
            ("stage", &words::coded("outcome_stage", p.stage.code())),
            ("result", &words::coded("outcome_result", p.result.code())),
            ("on", &p.on.as_deref().map_or_else(|| "?".to_string(), words::stored_day)),
            ("why", &p.why),
            ("command", &command),
        ];
        let _ = writeln!(out, "  {}", tr_with("cli.act.proposed", &vars));
    }
    out
}

#[derive(Subcommand)]
pub enum TemplatesAction {
    Check {
        file: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
}

fn kind(code: &str) -> Result<ActKind, ApiError> {
    ActKind::parse(code).ok_or_else(|| {
        ApiError::new(
            ErrorCode::InvalidInput,
            format!(
                "no act kind '{code}'; one of: {}",
                ActKind::ALL.iter().map(|k| k.code()).collect::<Vec<_>>().join(", ")
            ),
        )
    })
}

fn write_new(path: &Path, bytes: &[u8]) -> Result<(), ApiError> {
    ekn::api::disk::write(path, bytes).map_err(|e| ApiError::new(ErrorCode::Io, format!("{}: {e}", path.display())))
}

pub fn render_template_checks(checks: &Vec<TemplateCheck>) -> String {
    let mut out = String::new();
    for c in checks {
        let state = tr(if c.ok { "cli.act.template_ok" } else { "cli.act.template_problems" });
        let _ = writeln!(out, "{}: {state}", c.file);
        for u in &c.unknown {
            let vars: [(&str, &dyn std::fmt::Display); 2] = [("name", &u.path), ("part", &u.part)];
            let _ = writeln!(out, "  ✗ {}", tr_with("cli.act.placeholder_unknown", &vars));
        }
        for m in &c.missing {
            let _ = writeln!(out, "  ✗ {}", tr_with("cli.act.placeholder_missing", &[("name", m)]));
        }
        for e in &c.errors {
            let _ = writeln!(out, "  ✗ {e}");
        }
    }
    out
}

fn render_precedents(p: &Precedents) -> String {
    let (kind, category, oked) = (
        words::coded("actkind", p.kind.code()),
        p.category.as_deref().unwrap_or("—"),
        p.oked.as_deref().unwrap_or("—"),
    );
    let head: [(&str, &dyn std::fmt::Display); 5] =
        [("kind", &kind), ("rule", &p.rule), ("category", &category), ("oked", &oked), ("n", &p.matching)];
    let mut out = format!("{}\n", tr_with("cli.act.precedents.head", &head));
    let t = &p.tally;
    let tally: [(&str, &dyn std::fmt::Display); 8] = [
        ("satisfied", &t.satisfied),
        ("partly", &t.partly),
        ("rejected", &t.rejected),
        ("withdrawn", &t.withdrawn),
        ("no_answer", &t.no_answer),
        ("upheld", &t.upheld),
        ("overturned", &t.overturned),
        ("defects", &t.formal_defects),
    ];
    let _ = writeln!(out, "  {}", tr_with("cli.act.precedents.tally", &tally));
    for a in &p.similar {
        let answer = a
            .answer
            .as_deref()
            .map_or_else(|| tr("cli.act.precedents.no_answer"), |r| super::words::coded("outcome_result", r));
        let _ = writeln!(
            out,
            "  #{}{} {}{} [{}]: {answer}{}{}{}",
            a.act_id,
            a.number.as_deref().map(|n| format!(" № {n}")).unwrap_or_default(),
            tr_with("cli.act.precedents.of", &[("date", &words::stored_day(&a.issued_on))]),
            if a.same_object { tr("cli.act.precedents.this_object") } else { String::new() },
            a.matched_on.join(", "),
            a.days_to_answer.map(|d| tr_with("cli.act.precedents.in_days", &[("n", &d)])).unwrap_or_default(),
            a.court
                .as_deref()
                .map(|c| tr_with("cli.act.precedents.court", &[("result", &super::words::coded("outcome_result", c))]))
                .unwrap_or_default(),
            if a.formal_defect { tr("cli.act.precedents.defect") } else { String::new() }
        );
    }
    out
}

fn render_issued(r: &ActIssued) -> String {
    let mut out = String::new();
    let kind = words::coded("actkind", &r.act.kind);
    let vars: [(&str, &dyn std::fmt::Display); 4] = [
        ("kind", &kind),
        ("id", &r.act.id),
        ("date", &words::stored_day(&r.act.issued_on)),
        ("addressee", &r.act.addressee),
    ];
    let _ = writeln!(out, "{}", tr_with("cli.act.issued", &vars));
    if let Some(due) = &r.act.response_due {
        let unconfirmed = if r.norm_verified == Some(false) { tr("cli.act.unconfirmed_period") } else { String::new() };
        let vars: [(&str, &dyn std::fmt::Display); 3] = [
            ("date", &words::stored_day(due)),
            ("norm", &r.norm_id.as_deref().unwrap_or("—")),
            ("unconfirmed", &unconfirmed),
        ];
        let _ = writeln!(out, "  {}", tr_with("cli.act.period_ends", &vars));
    }
    if let Some(task) = &r.control_task {
        let vars: [(&str, &dyn std::fmt::Display); 3] =
            [("id", &task.task.id), ("date", &local_date(task.task.current_due)), ("title", &task.task.title)];
        let _ = writeln!(out, "  {}", tr_with("cli.act.control_task", &vars));
    }
    for m in &r.missing {
        let item = ekn::i18n::lang().pick(&m.ru, &m.kk, &m.en).to_string();
        let _ = writeln!(out, "  ! {}", tr_with("cli.act.missing", &[("item", &item), ("id", &m.id)]));
    }
    match (&r.act.draft_seq, &r.act.draft_unfilled) {
        (Some(seq), Some(unfilled)) if !unfilled.is_empty() => {
            let vars: [(&str, &dyn std::fmt::Display); 2] = [("seq", seq), ("left", &unfilled.join(", "))];
            let _ = writeln!(out, "  ! {}", tr_with("cli.act.from_draft_unfilled", &vars));
        }
        (Some(seq), _) => {
            let _ = writeln!(out, "  {}", tr_with("cli.act.from_draft", &[("seq", seq)]));
        }
        _ => {
            let _ = writeln!(out, "  {}", tr("cli.act.no_draft"));
        }
    }
    if let Some(category) = &r.act.category {
        let _ = writeln!(out, "  {}", tr_with("cli.act.category", &[("category", category)]));
    }
    out
}

pub fn run_act(db: &Path, context: ekn::api::Context, action: ActAction) -> Result<(), ApiError> {
    let mut session = Session::open_with(db, context)?;
    match action {
        ActAction::Templates { action: TemplatesAction::Check { file, json } } => {
            let checks = match &file {
                Some(path) => {
                    let bytes = ekn::api::disk::read(path)
                        .map_err(|e| ApiError::new(ErrorCode::Io, format!("{}: {e}", path.display())))?;
                    session.acts().check_templates(Some((&path.display().to_string(), &bytes)))?
                }
                None => session.acts().check_templates(None)?,
            };
            super::print(json, &checks, render_template_checks)?;
            let bad = checks.iter().filter(|c| !c.ok).count();
            if bad > 0 {
                return Err(ApiError::new(ErrorCode::InvalidInput, format!("{bad} template(s) have problems")));
            }
            Ok(())
        }
        ActAction::Draft {
            kind: code,
            bin,
            lang,
            task,
            appeal,
            addressee,
            addressee_position,
            norms,
            requirements,
            prosecutor,
            prosecutor_position,
            out,
            pdf,
            working_days,
            calendar_days,
            json,
        } => {
            let lang = ActLang::parse(&lang).ok_or_else(|| {
                ApiError::new(ErrorCode::InvalidInput, format!("--lang {lang}: acts are drafted in ru or kk"))
            })?;
            let request = ActDraftRequest {
                bin,
                kind: Some(kind(&code)?),
                lang: Some(lang),
                task,
                appeal_no: appeal,
                addressee,
                addressee_position,
                norms_breached: norms,
                requirements,
                prosecutor,
                prosecutor_position,
                period: act_period(working_days, calendar_days)?,
            };
            let draft = session.acts().draft(&request)?;
            write_new(&out, &draft.docx)?;
            if let Some(pdf) = &pdf {
                write_new(pdf, &session.acts().preview_pdf(&draft.docx)?)?;
            }
            if json {
                return super::print(true, &draft, |_| String::new());
            }
            let (kind, path) = (words::coded("actkind", draft.kind.code()), out.display().to_string());
            let vars: [(&str, &dyn std::fmt::Display); 6] = [
                ("kind", &kind),
                ("lang", &draft.lang.code()),
                ("bin", &draft.subject_bin),
                ("path", &path),
                ("seq", &draft.journal_seq),
                ("sha", &draft.sha256),
            ];
            let mut text = format!("{}\n", tr_with("cli.act.drafted", &vars));
            for m in &draft.missing {
                let item = ekn::i18n::lang().pick(&m.ru, &m.kk, &m.en).to_string();
                let _ = writeln!(text, "  ! {}", tr_with("cli.act.still_missing", &[("item", &item), ("id", &m.id)]));
            }
            if !draft.unfilled.is_empty() {
                let left = draft.unfilled.join(", ");
                let _ = writeln!(text, "  ! {}", tr_with("cli.act.placeholders_left", &[("left", &left)]));
            }
            super::out(&text);
            Ok(())
        }
        ActAction::Issue {
            kind: code,
            bin,
            date,
            addressee,
            number,
            requirements,
            assignee,
            unit,
            document,
            category,
            draft,
            working_days,
            calendar_days,
            json,
        } => {
            let request = ActIssueRequest {
                bin,
                kind: Some(kind(&code)?),
                issued_on: Some(super::tasks::date(&date, "date")?),
                number,
                addressee,
                requirements,
                assignee,
                unit,
                document,
                category,
                draft_seq: draft,
                period: act_period(working_days, calendar_days)?,
            };
            super::print(json, &session.acts().issue(&request)?, render_issued)
        }
        ActAction::Outcome { act, stage, result, on, measures: m, document, from_fact, formal_defect, json } => {
            // A file is attached (and read) to the act's object first; otherwise it names one attached.
            let document = match document {
                Some(d) if Path::new(&d).is_file() => {
                    let bin = session.acts().detail(act)?.subject_bin;
                    let bytes =
                        ekn::api::disk::read(&d).map_err(|e| ApiError::new(ErrorCode::Io, format!("{d}: {e}")))?;
                    let name = Path::new(&d).file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or(d.clone());
                    Some(
                        session.evidence().attach_and_read(&bin, &name, &bytes, None, &mut |_| true)?.attachment.sha256,
                    )
                }
                other => other,
            };
            let request = ActOutcomeRequest {
                act,
                stage: ActStage::from_code(&stage).expect("clap checked the stage"),
                result: ActResult::from_code(&result).expect("clap checked the result"),
                on: on.as_deref().map(|d| super::tasks::date(d, "on")).transpose()?,
                measures: m.as_deref().map(ekn::api::parse_measures).transpose()?.unwrap_or_default(),
                document,
                from_fact,
                formal_defect,
            };
            super::print(json, &session.acts().record_outcome(&request)?, render_act)
        }
        ActAction::Precedents { bin, kind: code, category, limit, json } => {
            let request = PrecedentRequest { bin, kind: Some(kind(&code)?), category, limit };
            super::print(json, &session.acts().precedents(&request)?, render_precedents)
        }
        ActAction::Show { act, horizon_days, json } => {
            super::print(json, &session.acts().detail_over(act, horizon_days)?, render_act)
        }
    }
}

/// The period an act sets itself, from `--working-days` or `--calendar-days` (one of them at most).
fn act_period(working: Option<u32>, calendar: Option<u32>) -> Result<Option<ekn::domain::deadline::Period>, ApiError> {
    use ekn::domain::deadline::{Period, Unit};
    match (working, calendar) {
        (Some(_), Some(_)) => {
            Err(ApiError::invalid("give the act's period in working days or in calendar days, not both"))
        }
        (Some(n), None) => Ok(Some(Period { amount: n, unit: Unit::WorkingDays })),
        (None, Some(n)) => Ok(Some(Period { amount: n, unit: Unit::CalendarDays })),
        (None, None) => Ok(None),
    }
}
