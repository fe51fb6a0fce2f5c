//! Retention on the command line: `ekn retention plan --as-of DATE` lists what is due for
//! destruction with the rule for each; `ekn retention apply --as-of DATE --act-number N --reason
//! TEXT [--out act.docx]` destroys it under the act and writes the act's draft. The rules are the
//! shipped ones (every period unconfirmed) unless `--rules FILE` names the office's own.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use ekn::api::{ActLang, ApiError, RetentionApplyRequest, RetentionPlan, RetentionReport, Session};
use ekn::domain::retention::RetentionRules;

use super::{print, words};
use ekn::i18n::{local_date, tr, tr_count, tr_with};

/// `ekn retention …`
#[derive(clap::Subcommand)]
pub enum RetentionAction {
    /// List what is due for destruction on a day, with the rule for each (changes nothing).
    Plan {
        #[arg(long, value_name = "DATE")]
        as_of: NaiveDate,
        /// The office's retention rules (default: the shipped ones, every period unconfirmed).
        #[arg(long, value_name = "FILE")]
        rules: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Destroy the personal data of what is due under a numbered act, journaled, and draft the
    /// act of selection for destruction.
    Apply {
        #[arg(long, value_name = "DATE")]
        as_of: NaiveDate,
        #[arg(long, value_name = "N")]
        act_number: String,
        #[arg(long, value_name = "TEXT")]
        reason: String,
        /// Where to write the act's draft (.docx; refused if the file exists).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// The act's language: ru (default) or kk.
        #[arg(long, value_name = "LANG")]
        lang: Option<String>,
        #[arg(long, value_name = "FILE")]
        rules: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// The acts applied here or received through the office, each with how far it reached (the
    /// office's copy, colleagues' workstations), as of the last sync.
    Acts {
        #[arg(long)]
        json: bool,
    },
}

fn load_rules(file: Option<&Path>) -> Result<RetentionRules, ApiError> {
    let Some(file) = file else { return Ok(RetentionRules::builtin()) };
    let text =
        ekn::api::disk::read_to_string(file).map_err(|e| ApiError::invalid(format!("{}: {e}", file.display())))?;
    RetentionRules::parse(&text).map_err(|e| ApiError::invalid(format!("{}: {e}", file.display())))
}

pub fn run(session: &mut Session, action: RetentionAction) -> Result<(), ApiError> {
    match action {
        RetentionAction::Acts { json } => print(json, &session.retention().acts()?, |acts| render_acts(acts)),
        RetentionAction::Plan { as_of, rules, json } => {
            let rules = load_rules(rules.as_deref())?;
            print(json, &session.retention().plan(&rules, as_of)?, render_plan)
        }
        RetentionAction::Apply { as_of, act_number, reason, out, lang, rules, json } => {
            let rules = load_rules(rules.as_deref())?;
            let lang = match lang.as_deref() {
                None => None,
                Some(code) => Some(
                    ActLang::parse(code).ok_or_else(|| ApiError::invalid(format!("--lang {code}: use ru or kk")))?,
                ),
            };
            // Checked before anything is destroyed: the act must have somewhere to go.
            if let Some(out) = &out {
                if out.exists() {
                    return Err(ApiError::invalid(format!(
                        "{}: exists; the act is never written over a file",
                        out.display()
                    )));
                }
            }
            let report =
                session.retention().apply(&rules, &RetentionApplyRequest { as_of, act_number, reason, lang })?;
            if let Some(out) = &out {
                ekn::api::disk::write(out, &report.act_docx).map_err(|e| {
                    ApiError::invalid(format!("{}: {e} (the destruction itself is done and journaled)", out.display()))
                })?;
            }
            print(json, &report, render_report)
        }
    }
}

fn render_acts(acts: &[ekn::api::DestructionView]) -> String {
    if acts.is_empty() {
        return tr("cli.retention.no_acts");
    }
    let day = |at: &Option<String>| at.as_deref().map_or("—".to_string(), words::stored_day);
    let mut out = String::new();
    for a in acts {
        match &a.received_from {
            Some(from) => {
                let vars: [(&str, &dyn std::fmt::Display); 3] =
                    [("act", &a.act_number), ("from", from), ("n", &a.records)];
                let _ = writeln!(out, "{}", tr_with("cli.retention.act_received", &vars));
            }
            None => {
                let vars: [(&str, &dyn std::fmt::Display); 3] =
                    [("act", &a.act_number), ("date", &words::stored_day(&a.at)), ("n", &a.records)];
                let _ = writeln!(out, "{}", tr_with("cli.retention.act_applied", &vars));
                if !a.office {
                    let _ = writeln!(out, "  {}", tr("cli.retention.no_office"));
                } else if a.office_reached_at.is_none() {
                    let _ = writeln!(out, "  {}", tr("cli.retention.office_pending"));
                } else {
                    let vars: [(&str, &dyn std::fmt::Display); 4] = [
                        ("date", &day(&a.office_reached_at)),
                        ("n", &a.office_entries.unwrap_or(0)),
                        ("v1", &a.office_kept_v1.unwrap_or(0)),
                        ("outside", &a.office_kept_outside.unwrap_or(0)),
                    ];
                    let _ = writeln!(out, "  {}", tr_with("cli.retention.office_reached", &vars));
                    let list = |names: &[String]| if names.is_empty() { "—".to_string() } else { names.join(", ") };
                    let reached = list(&a.replicas_reached);
                    let _ = writeln!(out, "  {}", tr_with("cli.retention.replicas_reached", &[("names", &reached)]));
                    let pending = list(&a.replicas_pending);
                    let _ = writeln!(out, "  {}", tr_with("cli.retention.replicas_pending", &[("names", &pending)]));
                }
            }
        }
    }
    out
}

/// A retention period in words (`5 years`, `5 лет`).
fn period_words(period: &ekn::domain::retention::RetentionPeriod) -> String {
    use ekn::domain::retention::RetentionUnit;
    let unit = match period.unit {
        RetentionUnit::Years => "years",
        RetentionUnit::Months => "months",
        RetentionUnit::Days => "days",
    };
    tr_count(&format!("cli.retention.unit.{unit}"), period.amount, &[])
}

/// What the backups made since may still hold, in the person's language.
fn backups_words(h: &ekn::api::BackupHorizon) -> String {
    let vars: [(&str, &dyn std::fmt::Display); 2] = [("first", &h.first), ("last", &h.last)];
    tr_count("cli.retention.backups", h.backups, &vars)
}

fn render_plan(p: &RetentionPlan) -> String {
    let head: [(&str, &dyn std::fmt::Display); 2] = [("date", &local_date(p.as_of)), ("rules", &p.rules_version)];
    let mut out = format!("{}\n", tr_count("cli.retention.plan_head", p.total, &head));
    for plan in &p.rules {
        let rule = &plan.rule;
        let from = ekn::i18n::lang().pick(&rule.from_ru, &rule.from_kk, &rule.from_en).to_string();
        let unconfirmed = if rule.confirmed { String::new() } else { tr("cli.retention.rule_unconfirmed") };
        let _ = writeln!(out, "\n{} — {} {from}{unconfirmed}", rule.id, period_words(&rule.period));
        for basis in &rule.legal_basis {
            let vars: [(&str, &dyn std::fmt::Display); 2] = [("act", &basis.act), ("source", &basis.source)];
            let _ = writeln!(out, "  {}", tr_with("cli.retention.basis", &vars));
        }
        match plan.events_until {
            Some(day) => {
                let vars: [(&str, &dyn std::fmt::Display); 1] = [("date", &local_date(day))];
                let _ = writeln!(out, "  {}", tr_count("cli.retention.due", plan.due.len(), &vars));
            }
            None => {
                let _ = writeln!(out, "  {}", tr("cli.retention.due_none"));
            }
        }
        if plan.held > 0 {
            let vars: [(&str, &dyn std::fmt::Display); 2] = [("n", &plan.held), ("while", &rule.held_while)];
            let _ = writeln!(out, "  {}", tr_with("cli.retention.held", &vars));
        }
        for record in &plan.due {
            let _ = writeln!(out, "  {}  {}  {}", record.key, record.event_date, record.about);
        }
    }
    if let Some(h) = &p.backup_horizon {
        let _ = writeln!(out, "\n{}", backups_words(h));
    }
    out
}

fn render_report(r: &RetentionReport) -> String {
    let vars: [(&str, &dyn std::fmt::Display); 9] = [
        ("act", &r.act_number),
        ("date", &local_date(r.as_of)),
        ("records", &r.records),
        ("entries", &r.redacted_entries),
        ("seq", &r.journal_seq),
        ("tasks", &r.tasks_cleared),
        ("documents", &r.documents_deleted),
        ("file", &r.act_file_name),
        ("sha", &r.act_sha256),
    ];
    let mut out = format!("{}\n", tr_with("cli.retention.applied", &vars));
    for rule in &r.rules {
        let unconfirmed = if rule.confirmed { String::new() } else { tr("cli.retention.period_unconfirmed") };
        let vars: [(&str, &dyn std::fmt::Display); 3] =
            [("rule", &rule.rule), ("n", &rule.records), ("unconfirmed", &unconfirmed)];
        let _ = writeln!(out, "  {}", tr_with("cli.retention.rule_records", &vars));
    }
    if r.kept_v1_entries > 0 {
        let _ = writeln!(out, "{}", tr_with("cli.retention.kept_v1", &[("n", &r.kept_v1_entries)]));
    }
    if let Some(h) = &r.backup_horizon {
        let _ = writeln!(out, "{}", backups_words(h));
    }
    out
}
