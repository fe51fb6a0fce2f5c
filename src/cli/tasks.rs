//! The task commands of the command line: parse dates, call one `api` function each, render.

use std::fmt::Write as _;
use std::path::Path;

use ekn::api::analytics::effect_lines;
use ekn::api::{ApiError, CreatedTasks, Desk, ErrorCode, NewTaskRequest, Session, TaskDetail, TaskView};
use ekn::domain::deadline::{Period, SkipReason, Suspension, Unit};
use ekn::domain::tasks::{Dashboard, Figures, Reminder, Slip, TaskKind};
use ekn::i18n::{local_date, tr, tr_count, tr_with};

use super::{print, words};

/// The task subcommands of `ekn task`.
#[derive(clap::Subcommand)]
pub enum TaskAction {
    /// Create a task; its due date comes from a norm of the catalog or a period.
    Add {
        #[arg(long, value_parser = ["gather_information", "consider_appeal", "inspection_check", "issue_response", "control_execution", "follow_up", "forward_appeal"])]
        kind: String,
        #[arg(long)]
        assignee: String,
        #[arg(long)]
        unit: String,
        #[arg(long)]
        norm: Option<String>,
        #[arg(long)]
        working_days: Option<u32>,
        /// The triggering event (default: the appeal's receipt date).
        #[arg(long)]
        from: Option<String>,
        #[arg(long)]
        subject: Option<String>,
        #[arg(long)]
        appeal: Option<String>,
        #[arg(long)]
        title: Option<String>,
        #[arg(long)]
        depends_on: Vec<i64>,
        #[arg(long)]
        json: bool,
    },
    /// One task: its rule, the explanation of its due date, its log, the suggested next step.
    Show {
        /// A colleague's task pulled from the office has a negative number.
        #[arg(allow_negative_numbers = true)]
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// Assign a task (this workstation's, or a colleague's by its negative number) to a person
    /// of the office, with a reason: a supervisor's decision, recorded by the office.
    Assign {
        #[arg(allow_negative_numbers = true)]
        id: i64,
        #[arg(long)]
        to: String,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        json: bool,
    },
    /// Declare that a task waits for another.
    Depend {
        id: i64,
        #[arg(long)]
        on: i64,
    },
    /// Extend the due date by a reasoned decision (within the cap of the version the task is counted under).
    Extend {
        id: i64,
        #[arg(long)]
        to: String,
        /// The day the decision to extend was taken (default: today); a cap may count from it.
        #[arg(long)]
        decided: Option<String>,
        #[arg(long)]
        reason: String,
    },
    /// Recount a task under the version of its norm that now governs its trigger (the law changed), with a reason.
    Recount {
        id: i64,
        #[arg(long)]
        reason: String,
    },
    /// Stop the clock from FROM to TO (both included).
    Suspend {
        id: i64,
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
        #[arg(long)]
        reason: String,
    },
    /// Attach a note (an overdue task with a note is not reported as slipping unnoticed).
    Note { id: i64, text: String },
    /// Mark a task done (default: today).
    Done {
        id: i64,
        #[arg(long)]
        on: Option<String>,
    },
    /// Accept the next step suggested after a task: creates it.
    Accept {
        id: i64,
        #[arg(long)]
        assignee: Option<String>,
    },
    /// Decline the next step suggested after a task, with a reason (logged).
    Decline {
        id: i64,
        #[arg(long)]
        reason: String,
    },
}

pub(crate) fn date(text: &str, what: &str) -> Result<chrono::NaiveDate, ApiError> {
    ekn::api::parse_date(text).map_err(|reason| ApiError::new(ErrorCode::InvalidInput, format!("--{what}: {reason}")))
}

/// `--today` or today's date in Kazakhstan.
pub fn today(text: Option<&str>) -> Result<chrono::NaiveDate, ApiError> {
    text.map_or_else(|| Ok(ekn::api::today_in_kazakhstan()), |t| date(t, "today"))
}

pub fn run_task(db: &Path, context: ekn::api::Context, command: TaskAction) -> Result<(), ApiError> {
    let mut session = Session::open_with(db, context)?;
    match command {
        TaskAction::Add {
            kind,
            assignee,
            unit,
            norm,
            working_days,
            from,
            subject,
            appeal,
            title,
            depends_on,
            json,
        } => {
            let request = NewTaskRequest {
                kind: TaskKind::from_code(&kind).expect("clap checked the kind"),
                title,
                subject_bin: subject,
                appeal_no: appeal,
                assignee,
                unit,
                norm,
                period: working_days.map(|n| Period { amount: n, unit: Unit::WorkingDays }),
                event_date: from.as_deref().map(|f| date(f, "from")).transpose()?,
                depends_on,
            };
            print(json, &session.tasks().add(&request)?, render_created)
        }
        TaskAction::Show { id, json } => {
            let today = session.today();
            print(json, &session.tasks().detail(id, today)?, render_detail)
        }
        TaskAction::Assign { id, to, reason, json } => print(json, &session.office().assign(id, &to, &reason)?, |a| {
            format!("Task #{} ({}) is assigned to {} by {}\n", a.task_id, a.object_key, a.assigned_to, a.assigned_by)
        }),
        TaskAction::Depend { id, on } => {
            session.tasks().add_dependency(id, on)?;
            super::out(&format!("Task #{id} now waits for task #{on}\n"));
            Ok(())
        }
        TaskAction::Extend { id, to, decided, reason } => {
            let decided = decided.as_deref().map(|d| date(d, "decided")).transpose()?;
            print(false, &session.tasks().extend(id, date(&to, "to")?, decided, &reason)?, render_detail)
        }
        TaskAction::Recount { id, reason } => print(false, &session.tasks().recount(id, &reason)?, render_detail),
        TaskAction::Suspend { id, from, to, reason } => {
            let suspension = Suspension { from: date(&from, "from")?, to: date(&to, "to")? };
            print(false, &session.tasks().suspend(id, suspension, &reason)?, render_detail)
        }
        TaskAction::Note { id, text } => print(false, &session.tasks().note(id, &text)?, render_detail),
        TaskAction::Done { id, on } => {
            let on = today(on.as_deref())?;
            print(false, &session.tasks().complete(id, on)?, render_detail)
        }
        TaskAction::Accept { id, assignee } => {
            print(false, &session.tasks().accept_suggestion(id, assignee)?, render_created)
        }
        TaskAction::Decline { id, reason } => {
            session.tasks().decline_suggestion(id, &reason)?;
            super::out(&format!("{}\n", tr_with("cli.task.declined", &[("id", &id)])));
            Ok(())
        }
    }
}

fn line(v: &TaskView) -> String {
    let t = &v.task;
    let urgency = v.urgency.map_or(String::new(), |u| {
        tr_with(
            "cli.task.urgency",
            &[
                ("score", &format!("{:.0}", u.score)),
                ("deadline", &format!("{:.0}", u.from_deadline)),
                ("blocking", &format!("{:.0}", u.from_blocking)),
                ("risk", &format!("{:.0}", u.from_risk)),
                ("left", &u.working_days_left),
            ],
        )
    });
    let blocked = if v.blocked_by.is_empty() {
        String::new()
    } else {
        tr_with("cli.task.blocked", &[("ids", &format!("{:?}", v.blocked_by))])
    };
    let owner = v.owner.as_ref().map_or(String::new(), |o| tr_with("cli.task.held_by", &[("name", o)]));
    let owner = match &v.assigned_to {
        Some(to) => format!("{owner}{}", tr_with("cli.task.assigned_to", &[("name", to)])),
        None => owner,
    };
    let conflict = v.conflict.as_ref().map_or(String::new(), |c| format!(" | {}", super::office::conflict_headline(c)));
    let head = tr_with(
        "cli.task.line",
        &[
            ("id", &t.id),
            ("kind", &words::kind(t.kind.code())),
            ("due", &local_date(t.current_due)),
            ("status", &words::status(t.status.code())),
            ("title", &t.title),
            ("assignee", &t.assignee),
        ],
    );
    format!("{head}{owner}{urgency}{blocked}{conflict}")
}

pub(crate) fn render_created(c: &CreatedTasks) -> String {
    c.created.iter().map(|v| format!("{}\n", tr_with("cli.task.created", &[("line", &line(v))]))).collect()
}

fn render_detail(d: &TaskDetail) -> String {
    let t = &d.view.task;
    let mut out = format!("{}\n", line(&d.view));
    let version = d.rule.version.map_or(String::new(), |v| tr_with("cli.task.version", &[("v", &v)]));
    let mark = if d.rule.verified {
        String::new()
    } else if t.norm_id.is_some() {
        tr("cli.task.unconfirmed")
    } else {
        tr("cli.task.by_hand")
    };
    let rule = super::deadlines::rule_words(&d.rule, t.event_date);
    let _ = writeln!(out, "  {}", tr_with("cli.task.rule", &[("rule", &rule), ("version", &version), ("mark", &mark)]));
    if let Some(basis) = &d.rule.legal_basis {
        let _ = writeln!(out, "  {}", tr_with("cli.task.basis", &[("basis", &ekn::i18n::local(basis))]));
    }
    let dates: [(&str, &dyn std::fmt::Display); 3] = [
        ("event", &local_date(t.event_date)),
        ("original", &local_date(t.original_due)),
        ("current", &local_date(t.current_due)),
    ];
    let _ = writeln!(out, "  {}", tr_with("cli.task.dates", &dates));
    if let Some(v) = &d.act_verification {
        let later: [(&str, &dyn std::fmt::Display); 3] =
            [("from", &local_date(v.from)), ("until", &local_date(v.until)), ("rule", &v.rule)];
        let _ = writeln!(out, "  {}", tr_with("cli.task.later", &later));
        for (what, check) in v.checks() {
            let status = words::serde_name(&check.status);
            let status = match ekn::i18n::lang() {
                ekn::i18n::Lang::En => status,
                _ => tr(&format!("verify.status.{status}")),
            };
            let what = tr(&format!("cli.verify.{what}"));
            let _ = writeln!(out, "    {what}: {status} — {}", effect_lines::reason_words(check));
        }
    }
    if let Some(held) = &d.appeal_paper {
        out += &super::appeals::render_appeal_paper(held);
    }
    if let Some(conflict) = &d.view.conflict {
        out += &super::office::conflict_entries(conflict);
    }
    if let Some(cap) = &d.explanation.extension_cap {
        let _ = writeln!(out, "  {}", super::deadlines::describe_cap(cap));
    }
    for s in &d.suspensions {
        let _ = writeln!(
            out,
            "  {}",
            tr_with("cli.task.stopped", &[("from", &local_date(s.from)), ("to", &local_date(s.to))])
        );
    }
    let holidays: Vec<String> = d
        .explanation
        .skipped
        .iter()
        .filter_map(|s| match &s.reason {
            SkipReason::Calendar(r) if !matches!(r, ekn::domain::calendar::DayReason::Weekend) => {
                Some(format!("{} ({})", s.date, r.describe()))
            }
            _ => None,
        })
        .collect();
    if !holidays.is_empty() {
        let _ = writeln!(out, "  {}", tr_with("cli.task.days_off", &[("days", &holidays.join("; "))]));
    }
    for w in &d.explanation.warnings {
        let _ = writeln!(out, "  {}", tr_with("cli.task.warning", &[("text", &w.text())]));
    }
    if let Some(s) = &d.suggestion {
        let suggested: [(&str, &dyn std::fmt::Display); 3] =
            [("kind", &words::kind(s.kind.code())), ("reason", &s.reason), ("id", &t.id)];
        let _ = writeln!(out, "  {}", tr_with("cli.task.suggested", &suggested));
    }
    let _ = writeln!(out, "  {}", tr("cli.task.history"));
    for e in &d.log {
        let moved = match (e.old_due, e.new_due) {
            (Some(a), Some(b)) => format!(" {a} → {b}"),
            (None, Some(b)) => tr_with("cli.task.due_set", &[("date", &b)]),
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "    #{} {} {} ({}) {}{}{}",
            e.seq,
            e.at,
            e.person,
            e.face,
            e.action,
            moved,
            e.detail.as_ref().map_or(String::new(), |d| format!(": {d}"))
        );
    }
    out
}

pub fn render_desk(d: &Desk) -> String {
    let mut out = format!("{}\n", tr_with("cli.desk.for", &[("date", &local_date(d.today))]));
    for (title, list) in
        [("desk.overdue", &d.overdue), ("desk.due_today", &d.due_today), ("desk.next7", &d.next_7_working_days)]
    {
        let _ = writeln!(out, "{}", tr_with("cli.section", &[("title", &tr(title)), ("n", &list.len())]));
        for v in list.iter().take(50) {
            let _ = writeln!(out, "  {}", line(v));
        }
        if list.len() > 50 {
            let _ = writeln!(out, "  {}", tr_with("cli.more", &[("n", &(list.len() - 50))]));
        }
    }
    let _ = writeln!(out, "{}", tr_with("desk.later", &[("n", &d.later)]));
    let _ = writeln!(out, "{}", tr_with("cli.desk.reminders_today", &[("n", &d.reminders.len())]));
    out
}

pub fn render_reminders(list: &Vec<Reminder>) -> String {
    let mut out = format!("{}\n", tr_count("cli.reminders.count", list.len(), &[]));
    for r in list {
        let kind = match ekn::i18n::lang() {
            ekn::i18n::Lang::En => format!("{:?}", r.kind),
            _ => tr(&format!("reminder.{}", words::serde_name(&r.kind))),
        };
        let vars: [(&str, &dyn std::fmt::Display); 4] =
            [("id", &r.task_id), ("kind", &kind), ("due", &local_date(r.due)), ("left", &r.working_days_left)];
        let _ = writeln!(out, "  {}", tr_with("cli.reminders.line", &vars));
    }
    out
}

pub fn render_slips(list: &Vec<Slip>) -> String {
    let mut out = format!("{}\n", tr_count("cli.slips.count", list.len(), &[]));
    for s in list {
        let chain = if s.chain.is_empty() {
            String::new()
        } else {
            format!("; {}", tr_with("slips.chain", &[("ids", &format!("{:?}", s.chain))]))
        };
        let kind = match ekn::i18n::lang() {
            ekn::i18n::Lang::En => format!("{:?}", s.kind),
            _ => tr(&format!("slips.kind.{}", words::serde_name(&s.kind))),
        };
        let _ = writeln!(out, "  {}{chain}", tr_with("cli.slips.line", &[("id", &s.task_id), ("kind", &kind)]));
    }
    out
}

pub fn figures(f: &Figures) -> String {
    format!(
        "{} {:>5}  {} {:>4}  {} {:>4}  {} {:>4}  {} {:>4}  {} {}",
        tr("dash.open"),
        f.open,
        tr("dash.due3"),
        f.due_within_3_working_days,
        tr("dash.overdue"),
        f.overdue,
        tr("dash.on_time"),
        f.done_on_time_last_90_days,
        tr("dash.late"),
        f.done_late_last_90_days,
        tr("dash.median_late"),
        f.median_days_late.map_or("—".into(), |m| format!("{m:.1}"))
    )
}

pub fn render_dashboard(d: &Dashboard) -> String {
    let mut out = format!(
        "{} {}\n  {}: {}\n{}\n",
        tr("dash.title"),
        tr_with("dash.today", &[("date", &local_date(d.today))]),
        tr("cli.dash.all"),
        figures(&d.totals),
        tr("dash.by_unit")
    );
    for (unit, f) in &d.by_unit {
        let _ = writeln!(out, "  {unit}: {}", figures(f));
    }
    let _ = writeln!(out, "{}", tr("dash.by_assignee"));
    for (who, f) in &d.by_assignee {
        let _ = writeln!(out, "  {who}: {}", figures(f));
    }
    let _ = writeln!(out, "{}", tr("dash.heatmap"));
    if d.overdue_matrix.is_empty() {
        let _ = writeln!(out, "  {}", tr("cli.dash.none"));
    }
    for (district, row) in &d.overdue_matrix {
        let cells: Vec<String> = row.iter().map(|(c, n)| format!("{c} {n}")).collect();
        let _ = writeln!(out, "  {district}: {}", cells.join(", "));
    }
    out
}
