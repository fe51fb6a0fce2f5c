//! Retention on the command line: `ekn retention plan --as-of DATE` lists what is due for
//! destruction with the rule for each; `ekn retention apply --as-of DATE --act-number N --reason
//! TEXT [--out act.docx]` destroys it under the act and writes the act's draft. The rules are the
//! shipped ones (every period unconfirmed) unless `--rules FILE` names the office's own.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use ekn::api::{ActLang, ApiError, RetentionApplyRequest, RetentionPlan, RetentionReport, Session};
use ekn::domain::retention::RetentionRules;

use super::print;

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
    let text = std::fs::read_to_string(file).map_err(|e| ApiError::invalid(format!("{}: {e}", file.display())))?;
    RetentionRules::parse(&text).map_err(|e| ApiError::invalid(format!("{}: {e}", file.display())))
}

pub fn run(session: &mut Session, action: RetentionAction) -> Result<(), ApiError> {
    match action {
        RetentionAction::Acts { json } => print(json, &session.retention_acts()?, |acts| render_acts(acts)),
        RetentionAction::Plan { as_of, rules, json } => {
            let rules = load_rules(rules.as_deref())?;
            print(json, &session.retention_plan(&rules, as_of)?, render_plan)
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
            let report = session.retention_apply(&rules, &RetentionApplyRequest { as_of, act_number, reason, lang })?;
            if let Some(out) = &out {
                std::fs::write(out, &report.act_docx).map_err(|e| {
                    ApiError::invalid(format!("{}: {e} (the destruction itself is done and journaled)", out.display()))
                })?;
            }
            print(json, &report, render_report)
        }
    }
}

fn render_acts(acts: &[ekn::api::DestructionView]) -> String {
    if acts.is_empty() {
        return "no destruction acts".into();
    }
    let day = |at: &Option<String>| at.as_deref().map_or("—".to_string(), |a| a.chars().take(10).collect());
    let mut out = String::new();
    for a in acts {
        match &a.received_from {
            Some(from) => {
                let _ = writeln!(
                    out,
                    "act {} of workstation {from}, received through the office: {} record(s) here",
                    a.act_number, a.records
                );
            }
            None => {
                let _ = writeln!(
                    out,
                    "act {} ({}): {} record(s) destroyed here",
                    a.act_number,
                    &a.at[..a.at.len().min(10)],
                    a.records
                );
                if !a.office {
                    let _ = writeln!(out, "  no office: there is no other copy");
                } else if a.office_reached_at.is_none() {
                    let _ = writeln!(out, "  the office has not received it yet: it is carried out with the next sync");
                } else {
                    let _ = writeln!(
                        out,
                        "  the office ({}): {} entr(ies) cleared; kept {} written before journal v2, {} of other districts",
                        day(&a.office_reached_at),
                        a.office_entries.unwrap_or(0),
                        a.office_kept_v1.unwrap_or(0),
                        a.office_kept_outside.unwrap_or(0)
                    );
                    let list = |names: &[String]| if names.is_empty() { "—".to_string() } else { names.join(", ") };
                    let _ = writeln!(out, "  colleagues' workstations carried it out: {}", list(&a.replicas_reached));
                    let _ = writeln!(out, "  not yet received (offline since): {}", list(&a.replicas_pending));
                }
            }
        }
    }
    out
}

fn render_plan(p: &RetentionPlan) -> String {
    let mut out = format!("Due for destruction on {} (rules {}): {}\n", p.as_of, p.rules_version, p.total);
    for plan in &p.rules {
        let rule = &plan.rule;
        let _ = writeln!(
            out,
            "\n{} — {} {}{}",
            rule.id,
            rule.period.words(),
            rule.from_en,
            if rule.confirmed { "" } else { " (UNCONFIRMED: the office has not confirmed this period)" }
        );
        for basis in &rule.legal_basis {
            let _ = writeln!(out, "  basis: {} <{}>", basis.act, basis.source);
        }
        match plan.events_until {
            Some(day) => {
                let _ = writeln!(out, "  due: {} record(s) whose period ran from {day} or earlier", plan.due.len());
            }
            None => {
                let _ = writeln!(out, "  due: none");
            }
        }
        if plan.held > 0 {
            let _ = writeln!(out, "  held: {} (open: {})", plan.held, rule.held_while);
        }
        for record in &plan.due {
            let _ = writeln!(out, "  {}  {}  {}", record.key, record.event_date, record.about);
        }
    }
    if let Some(h) = &p.backup_horizon {
        let _ = writeln!(out, "\nBackups: {}", h.words());
    }
    out
}

fn render_report(r: &RetentionReport) -> String {
    let mut out = format!(
        "Destruction act {} applied (as of {}): {} record(s) destroyed
Journal entries redacted: {} (entry {} records the act)
Tasks' notes cleared: {}
Documents deleted: {}
Act draft: {} (SHA-256 {})
",
        r.act_number,
        r.as_of,
        r.records,
        r.redacted_entries,
        r.journal_seq,
        r.tasks_cleared,
        r.documents_deleted,
        r.act_file_name,
        r.act_sha256
    );
    for rule in &r.rules {
        let _ = writeln!(
            out,
            "  {}: {} record(s){}",
            rule.rule,
            rule.records,
            if rule.confirmed { "" } else { " — UNCONFIRMED period" }
        );
    }
    if r.kept_v1_entries > 0 {
        let _ = writeln!(
            out,
            "{} journal entr(ies) written before journal v2 keep their text: it is part of their hash chain",
            r.kept_v1_entries
        );
    }
    if let Some(h) = &r.backup_horizon {
        let _ = writeln!(out, "Backups: {}", h.words());
    }
    out
}
