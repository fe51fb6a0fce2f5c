//! The deadline commands of the command line: compute and explain a due date, the working-day
//! calendar's years and imports, the norms catalog in force (list, export, import).

use std::fmt::Write as _;
use std::path::PathBuf;

use clap::Subcommand;
use ekn::api::{
    self, ApiError, CalendarImportReport, CalendarYearView, DeadlineReport, DeadlineRequest, ErrorCode,
    NormsImportReport, NormsList, RuleChoice, Session,
};
use ekn::domain::deadline::{Period, SkipReason, Suspension, Unit};

use super::{out, print};

#[derive(Subcommand)]
pub enum CalendarAction {
    /// The years the calendar knows, shipped or imported.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Add or replace a year from a document in the format of assets/calendar/kz-YYYY.json.
    Import { file: PathBuf },
}

#[derive(Subcommand)]
pub enum NormsAction {
    /// Every norm in force with its period, basis, cap, version and whether it is confirmed.
    List {
        #[arg(long)]
        json: bool,
    },
    /// The catalog in force as JSON in the format of assets/norms.json (to stdout, or to --out FILE).
    Export {
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Import a revised catalog: checked, versioned, recorded with its SHA-256; open deadlines that follow a changed norm are recomputed.
    Import {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
}

/// `ekn deadline`: without a database the shipped calendar and catalog are used; with one, its
/// imported years and catalog too.
pub fn run_deadline(
    open: impl Fn() -> Result<Session, ApiError>,
    request: &DeadlineRequest,
    json: bool,
) -> Result<(), ApiError> {
    let report = match open() {
        Ok(session) => session.deadline(request)?,
        Err(e) if e.code == ErrorCode::NoDatabase => {
            api::compute_deadline(&api::builtin_calendar(), &ekn::domain::norms::NormsCatalog::builtin(), request)?
        }
        Err(e) => return Err(e),
    };
    print(json, &report, render_deadline)
}

/// `ekn calendar …`
pub fn run_calendar(session: &mut Session, action: CalendarAction) -> Result<(), ApiError> {
    match action {
        CalendarAction::List { json } => print(json, &session.calendar_years()?, render_calendar_years),
        CalendarAction::Import { file } => print(false, &session.import_calendar(&file)?, render_calendar_import),
    }
}

/// `ekn norms …`
pub fn run_norms(session: &mut Session, action: NormsAction) -> Result<(), ApiError> {
    match action {
        NormsAction::List { json } => print(json, &session.norms_list()?, render_norms),
        NormsAction::Export { out: path } => {
            let text = session.norms_export()?;
            match path {
                Some(path) => std::fs::write(&path, text)
                    .map_err(|e| ApiError::new(ErrorCode::Io, format!("{}: {e}", path.display()))),
                None => {
                    out(&text);
                    Ok(())
                }
            }
        }
        NormsAction::Import { file, json } => print(json, &session.import_norms(&file)?, render_norms_import),
    }
}

/// Builds a deadline request from the command line's words; dates as yyyy-mm-dd or dd.mm.yyyy.
pub fn deadline_request(
    from: &str,
    working_days: Option<u32>,
    calendar_days: Option<u32>,
    months: Option<u32>,
    norm: Option<String>,
    suspend: &[String],
) -> Result<DeadlineRequest, ApiError> {
    let date = |text: &str, what: &str| {
        ekn::api::parse_date(text)
            .map_err(|reason| ApiError::new(ErrorCode::InvalidInput, format!("--{what}: {reason}")))
    };
    let rule = match (working_days, calendar_days, months, norm) {
        (Some(n), _, _, _) => RuleChoice::Period(Period { amount: n, unit: Unit::WorkingDays }),
        (_, Some(n), _, _) => RuleChoice::Period(Period { amount: n, unit: Unit::CalendarDays }),
        (_, _, Some(n), _) => RuleChoice::Period(Period { amount: n, unit: Unit::Months }),
        (_, _, _, Some(id)) => RuleChoice::Norm(id),
        _ => return Err(ApiError::new(ErrorCode::InvalidInput, "give a period or a norm")),
    };
    let suspensions = suspend
        .iter()
        .map(|text| {
            let (a, b) = text.split_once("..").ok_or_else(|| {
                ApiError::new(
                    ErrorCode::InvalidInput,
                    format!("--suspend {text}: expected FROM..TO, e.g. 2024-03-20..2024-03-25"),
                )
            })?;
            Ok(Suspension { from: date(a, "suspend")?, to: date(b, "suspend")? })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    Ok(DeadlineRequest { from: date(from, "from")?, rule, suspensions })
}

pub fn render_deadline(r: &DeadlineReport) -> String {
    let e = &r.explanation;
    let mut out = format!("Due: {} ({})\n", r.due, r.due.format("%A"));
    let _ = writeln!(out, "Rule: {}", r.rule.text);
    if let Some(basis) = &r.rule.legal_basis {
        let _ = writeln!(out, "  legal basis: {}{}", basis.en, if r.rule.verified { "" } else { " — UNCONFIRMED" });
    }
    if let Some(note) = &r.rule.note {
        let _ = writeln!(out, "  note: {}", note.en);
    }
    match &e.extension_cap {
        Some(cap) => {
            let _ = writeln!(out, "{}", describe_cap(cap));
        }
        None if r.rule.norm_id.is_some() => {
            let _ = writeln!(out, "Extension: the norm allows none");
        }
        None => {}
    }
    let _ = writeln!(out, "Event {}; the period starts the day after, on {}", e.event, e.start);
    if let Some(raw) = e.raw_end {
        let _ = writeln!(out, "The count reaches {raw}{}", if raw == e.due { ", a working day" } else { "" });
    }
    for s in &e.suspensions {
        let _ = writeln!(out, "Clock stopped from {} to {}", s.from, s.to);
    }
    if e.skipped.is_empty() {
        let _ = writeln!(out, "No day was skipped.");
    } else {
        let _ = writeln!(out, "Days skipped:");
        for day in &e.skipped {
            let why = match &day.reason {
                SkipReason::Calendar(reason) => reason.describe(),
                SkipReason::Suspended { .. } => "clock stopped (suspension)".into(),
            };
            let _ = writeln!(out, "  {} {}  {why}", day.date, day.date.format("%a"));
        }
    }
    for w in &e.warnings {
        let _ = writeln!(out, "WARNING: {}", w.text());
    }
    out
}

/// The extension cap in one line: the date, what it counts from, and where a non-working end lands.
pub fn describe_cap(cap: &ekn::domain::deadline::CapDate) -> String {
    use ekn::domain::deadline::NonWorkingEnd;
    let rule = &cap.rule;
    let moved = if cap.raw_date == cap.date {
        String::new()
    } else {
        let way = match rule.on_non_working_day {
            NonWorkingEnd::NextWorkingDay => "moved to the next working day",
            NonWorkingEnd::PreviousWorkingDay => "moved back to the last working day",
        };
        format!("; {} is a day off, {way} ({})", cap.raw_date, rule.non_working_basis)
    };
    format!(
        "Extension cap: {} — {} from {} ({}){moved}; rule: {}{}",
        cap.date,
        rule.period.describe(),
        anchor_words(rule.anchor),
        cap.anchor_date,
        rule.text_en,
        if rule.verified { "" } else { " — UNCONFIRMED" }
    )
}

fn anchor_words(anchor: ekn::domain::deadline::CapAnchor) -> &'static str {
    match anchor {
        ekn::domain::deadline::CapAnchor::Event => "the event",
        ekn::domain::deadline::CapAnchor::OriginalDue => "the original due date",
    }
}

pub fn render_calendar_years(years: &Vec<CalendarYearView>) -> String {
    let mut out = String::from("Working-day calendar of Kazakhstan\n");
    for y in years {
        let _ = writeln!(
            out,
            "  {}  {:<8} {} holidays, {} moved days off, {} transfers{}{}",
            y.year,
            y.origin,
            y.holidays,
            y.moved_days_off,
            y.transfers,
            if y.unconfirmed > 0 { format!(", {} unconfirmed", y.unconfirmed) } else { String::new() },
            y.source_file.as_ref().map_or(String::new(), |f| format!(" (from {f})"))
        );
    }
    out
}

pub fn render_norms(list: &NormsList) -> String {
    let mut out = format!(
        "Norms catalog in force: {}{} (sha256 {}…)\n",
        list.origin,
        list.source_file.as_ref().map_or(String::new(), |f| format!(" from {f}")),
        &list.sha256[..16]
    );
    if list.shipped_differs {
        out.push_str("  note: this release ships a different catalog; the imported one stays in force\n");
    }
    for n in &list.norms {
        let _ = writeln!(
            out,
            "  {:<26} v{} {:<11} {:<18} {}",
            n.id,
            n.version,
            if n.verified { "confirmed" } else { "UNCONFIRMED" },
            n.period.describe(),
            n.name.en
        );
        let _ = writeln!(out, "      basis: {}", n.basis.en);
        if let Some(cap) = &n.extension_cap {
            let _ = writeln!(
                out,
                "      extension cap: {} from {} ({})",
                cap.period.describe(),
                anchor_words(cap.anchor),
                cap.text_en
            );
        }
        if let Some(note) = &n.note {
            let _ = writeln!(out, "      note: {}", note.en);
        }
    }
    out
}

pub fn render_norms_import(r: &NormsImportReport) -> String {
    let mut out = format!("Norms catalog imported: {} norms (sha256 {}…)\n", r.norms, &r.sha256[..16]);
    for c in &r.changes {
        let _ = writeln!(
            out,
            "  {} {}{}",
            c.change,
            c.id,
            match (c.from_version, c.to_version) {
                (Some(a), Some(b)) => format!(" v{a} → v{b}"),
                (None, Some(b)) => format!(" v{b}"),
                (Some(a), None) => format!(" (was v{a})"),
                _ => String::new(),
            }
        );
    }
    for m in &r.recomputed {
        let _ = writeln!(out, "  task #{} due {} → {}", m.task_id, m.from, m.to);
    }
    if r.changes.is_empty() {
        out.push_str("  no norm changed\n");
    }
    out
}

pub fn render_calendar_import(r: &CalendarImportReport) -> String {
    format!("Calendar {} {} (sha256 {})\n", r.year, if r.replaced { "replaced" } else { "added" }, &r.sha256[..16])
}
