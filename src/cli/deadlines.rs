//! The deadline commands of the command line: compute and explain a due date, the working-day
//! calendar's years and imports, the norms catalog in force (list, export, import).

use std::fmt::Write as _;
use std::path::PathBuf;

use clap::Subcommand;
use ekn::api::{
    self, ApiError, CalendarImportReport, CalendarYearView, DeadlineReport, DeadlineRequest, ErrorCode,
    NormsImportReport, NormsList, RuleChoice, Session,
};
use ekn::domain::calendar::DayReason;
use ekn::domain::deadline::{Period, SkipReason, Suspension, Unit, Warning};
use ekn::i18n::{local, local_date, tr, tr_count, tr_with};

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
                Some(path) => ekn::api::disk::write(&path, text)
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
    type Vars<'a> = [(&'a str, &'a dyn std::fmt::Display)];
    let e = &r.explanation;
    let (due, day_name) = (local_date(r.due), weekday(r.due, "full"));
    let mut out = format!("{}\n", tr_with("cli.deadline.due", &[("date", &due), ("weekday", &day_name)]));
    let _ = writeln!(out, "{}", tr_with("cli.deadline.rule", &[("rule", &rule_words(&r.rule, e.event))]));
    if let Some(basis) = &r.rule.legal_basis {
        let unconfirmed = if r.rule.verified { String::new() } else { tr("cli.deadline.unconfirmed") };
        let vars: &Vars = &[("basis", &local(basis)), ("unconfirmed", &unconfirmed)];
        let _ = writeln!(out, "  {}", tr_with("cli.deadline.basis", vars));
    }
    if let Some(note) = &r.rule.note {
        let _ = writeln!(out, "  {}", tr_with("cli.deadline.note", &[("note", &local(note))]));
    }
    match &e.extension_cap {
        Some(cap) => {
            let _ = writeln!(out, "{}", describe_cap(cap));
        }
        None if r.rule.norm_id.is_some() => {
            let _ = writeln!(out, "{}", tr("cli.deadline.no_extension"));
        }
        None => {}
    }
    let event: &Vars = &[("event", &local_date(e.event)), ("start", &local_date(e.start))];
    let _ = writeln!(out, "{}", tr_with("cli.deadline.event", event));
    if let Some(raw) = e.raw_end {
        let working = if raw == e.due { tr("cli.deadline.a_working_day") } else { String::new() };
        let _ =
            writeln!(out, "{}", tr_with("cli.deadline.reaches", &[("date", &local_date(raw)), ("working", &working)]));
    }
    for s in &e.suspensions {
        let stopped: &Vars = &[("from", &local_date(s.from)), ("to", &local_date(s.to))];
        let _ = writeln!(out, "{}", tr_with("cli.deadline.stopped", stopped));
    }
    if e.skipped.is_empty() {
        let _ = writeln!(out, "{}", tr("cli.deadline.none_skipped"));
    } else {
        let _ = writeln!(out, "{}", tr("cli.deadline.skipped"));
        for day in &e.skipped {
            let why = match &day.reason {
                SkipReason::Calendar(reason) => day_reason_words(reason),
                SkipReason::Suspended { .. } => tr("cli.deadline.day.suspended"),
            };
            let _ = writeln!(out, "  {} {}  {why}", local_date(day.date), weekday(day.date, "short"));
        }
    }
    for w in &e.warnings {
        let _ = writeln!(out, "{}", tr_with("cli.deadline.warning", &[("text", &warning_words(w))]));
    }
    out
}

/// A weekday's name, `full` (Monday) or `short` (Mon), in the person's language.
fn weekday(day: chrono::NaiveDate, form: &str) -> String {
    use chrono::Datelike;
    let code = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][day.weekday().num_days_from_monday() as usize];
    tr(&format!("cli.weekday.{form}.{code}"))
}

/// A period in words: `10 working days`, `10 рабочих дней`.
pub fn period_words(period: &Period) -> String {
    let unit = match period.unit {
        Unit::WorkingDays => "working_days",
        Unit::CalendarDays => "calendar_days",
        Unit::Months => "months",
    };
    tr_count(&format!("cli.deadline.unit.{unit}"), period.amount, &[])
}

/// The rule a deadline follows in words: a norm's name, period and trigger, or a period given by
/// hand counted from the day after `event`.
pub fn rule_words(rule: &ekn::api::RuleView, event: chrono::NaiveDate) -> String {
    let period = period_words(&rule.period);
    match (&rule.name, &rule.trigger) {
        (Some(name), Some(trigger)) => {
            let vars: [(&str, &dyn std::fmt::Display); 3] =
                [("name", &local(name)), ("period", &period), ("trigger", &local(trigger))];
            tr_with("cli.deadline.norm_rule", &vars)
        }
        _ => tr_with("cli.deadline.hand_rule", &[("period", &period), ("date", &local_date(event))]),
    }
}

/// Why a day was skipped, in the person's language.
fn day_reason_words(reason: &DayReason) -> String {
    let name = |ru: &str, kk: &str, en: &str| ekn::i18n::lang().pick(ru, kk, en).to_string();
    let unconfirmed = |confirmed: bool, key: &str| if confirmed { String::new() } else { tr(key) };
    match reason {
        DayReason::Working => tr("cli.deadline.day.working"),
        DayReason::TransferredWorkingDay { act, .. } => {
            tr_with("cli.deadline.day.transferred_working", &[("act", act)])
        }
        DayReason::Weekend => tr("cli.deadline.day.weekend"),
        DayReason::Holiday { name_ru, name_kk, name_en, confirmed, .. } => {
            let vars: [(&str, &dyn std::fmt::Display); 2] = [
                ("name", &name(name_ru, name_kk, name_en)),
                ("unconfirmed", &unconfirmed(*confirmed, "cli.deadline.day.date_unconfirmed")),
            ];
            tr_with("cli.deadline.day.holiday", &vars)
        }
        DayReason::MovedDayOff { for_holiday, name_ru, name_kk, name_en, .. } => {
            let vars: [(&str, &dyn std::fmt::Display); 2] =
                [("date", &local_date(*for_holiday)), ("name", &name(name_ru, name_kk, name_en))];
            tr_with("cli.deadline.day.moved", &vars)
        }
        DayReason::TransferredDayOff { act, .. } => tr_with("cli.deadline.day.transferred_off", &[("act", act)]),
        DayReason::StatutoryHoliday { name_ru, name_kk, name_en, confirmed, .. } => {
            let vars: [(&str, &dyn std::fmt::Display); 2] = [
                ("name", &name(name_ru, name_kk, name_en)),
                ("unconfirmed", &unconfirmed(*confirmed, "cli.deadline.day.not_confirmed")),
            ];
            tr_with("cli.deadline.day.statutory_holiday", &vars)
        }
        DayReason::StatutoryMovedDayOff { for_holiday, name_ru, name_kk, name_en, .. } => {
            let vars: [(&str, &dyn std::fmt::Display); 2] =
                [("date", &local_date(*for_holiday)), ("name", &name(name_ru, name_kk, name_en))];
            tr_with("cli.deadline.day.statutory_moved", &vars)
        }
        DayReason::UnknownYear { weekend: true } => tr("cli.deadline.day.unknown_weekend"),
        DayReason::UnknownYear { weekend: false } => tr("cli.deadline.day.unknown_working"),
    }
}

/// A warning about a result, in the person's language.
pub fn warning_words(w: &Warning) -> String {
    let name = |ru: &str, kk: &str, en: &str| ekn::i18n::lang().pick(ru, kk, en).to_string();
    match w {
        Warning::NoCalendar { year, by_rule: true } => tr_with("cli.deadline.warn.no_calendar_rule", &[("year", year)]),
        Warning::NoCalendar { year, by_rule: false } => {
            tr_with("cli.deadline.warn.no_calendar_weekday", &[("year", year)])
        }
        Warning::UnconfirmedHoliday { date, name_ru, name_kk, name_en, .. } => {
            let vars: [(&str, &dyn std::fmt::Display); 2] =
                [("name", &name(name_ru, name_kk, name_en)), ("date", &local_date(*date))];
            tr_with("cli.deadline.warn.unconfirmed_holiday", &vars)
        }
        Warning::UnconfirmedTransfer { date, .. } => {
            tr_with("cli.deadline.warn.unconfirmed_transfer", &[("date", &local_date(*date))])
        }
        Warning::Pending { from, to, name_ru, name_kk, name_en, .. } => {
            let vars: [(&str, &dyn std::fmt::Display); 3] =
                [("name", &name(name_ru, name_kk, name_en)), ("from", &local_date(*from)), ("to", &local_date(*to))];
            tr_with("cli.deadline.warn.pending", &vars)
        }
        Warning::UnverifiedNorm { norm_id } => tr_with("cli.deadline.warn.unverified_norm", &[("norm", norm_id)]),
        Warning::HandPeriod => tr("cli.deadline.warn.hand_period"),
        Warning::UnverifiedCap { norm_id } => tr_with("cli.deadline.warn.unverified_cap", &[("norm", norm_id)]),
    }
}

/// The extension cap in one line: the date, what it counts from, and where a non-working end lands.
pub fn describe_cap(cap: &ekn::domain::deadline::CapDate) -> String {
    use ekn::domain::deadline::NonWorkingEnd;
    let rule = &cap.rule;
    let moved = if cap.raw_date == cap.date {
        String::new()
    } else {
        let way = tr(match rule.on_non_working_day {
            NonWorkingEnd::NextWorkingDay => "cli.deadline.cap.next",
            NonWorkingEnd::PreviousWorkingDay => "cli.deadline.cap.previous",
        });
        let vars: [(&str, &dyn std::fmt::Display); 3] =
            [("date", &local_date(cap.raw_date)), ("way", &way), ("basis", &rule.non_working_basis)];
        tr_with("cli.deadline.cap.moved", &vars)
    };
    let text = ekn::i18n::lang().pick(&rule.text_ru, &rule.text_kk, &rule.text_en).to_string();
    let unconfirmed = if rule.verified { String::new() } else { tr("cli.deadline.unconfirmed") };
    let vars: [(&str, &dyn std::fmt::Display); 7] = [
        ("date", &local_date(cap.date)),
        ("period", &period_words(&rule.period)),
        ("anchor", &anchor_words(rule.anchor)),
        ("anchor_date", &local_date(cap.anchor_date)),
        ("moved", &moved),
        ("rule", &text),
        ("unconfirmed", &unconfirmed),
    ];
    tr_with("cli.deadline.cap.line", &vars)
}

fn anchor_words(anchor: ekn::domain::deadline::CapAnchor) -> String {
    tr(match anchor {
        ekn::domain::deadline::CapAnchor::Event => "cli.deadline.anchor.event",
        ekn::domain::deadline::CapAnchor::OriginalDue => "cli.deadline.anchor.original_due",
    })
}

pub fn render_calendar_years(years: &Vec<CalendarYearView>) -> String {
    let mut out = format!("{}\n", tr("cli.calendar.head"));
    for y in years {
        let unconfirmed = if y.unconfirmed > 0 {
            tr_with("cli.calendar.unconfirmed", &[("n", &y.unconfirmed)])
        } else {
            String::new()
        };
        let from = y.source_file.as_ref().map_or(String::new(), |f| tr_with("cli.calendar.from", &[("file", f)]));
        let origin = format!("{:<8}", tr(&format!("cli.origin.{}", y.origin)));
        let vars: [(&str, &dyn std::fmt::Display); 7] = [
            ("year", &y.year),
            ("origin", &origin),
            ("holidays", &y.holidays),
            ("moved", &y.moved_days_off),
            ("transfers", &y.transfers),
            ("unconfirmed", &unconfirmed),
            ("from", &from),
        ];
        let _ = writeln!(out, "  {}", tr_with("cli.calendar.year", &vars));
    }
    out
}

pub fn render_norms(list: &NormsList) -> String {
    let from = list.source_file.as_ref().map_or(String::new(), |f| tr_with("cli.norms.from", &[("file", f)]));
    let origin = tr(&format!("cli.origin.{}", list.origin));
    let head: [(&str, &dyn std::fmt::Display); 3] =
        [("origin", &origin), ("from", &from), ("sha", &&list.sha256[..16])];
    let mut out = format!("{}\n", tr_with("cli.norms.head", &head));
    if list.shipped_differs {
        let _ = writeln!(out, "  {}", tr("cli.norms.shipped_differs"));
    }
    for n in &list.norms {
        let state = tr(if n.verified { "cli.norms.confirmed" } else { "cli.norms.unconfirmed" });
        let _ = writeln!(
            out,
            "  {:<26} v{} {:<11} {:<18} {}",
            n.id,
            n.version,
            state,
            period_words(&n.period),
            local(&n.name)
        );
        let _ = writeln!(out, "      {}", tr_with("cli.norms.basis", &[("basis", &local(&n.basis))]));
        if let Some(cap) = &n.extension_cap {
            let text = ekn::i18n::lang().pick(&cap.text_ru, &cap.text_kk, &cap.text_en).to_string();
            let vars: [(&str, &dyn std::fmt::Display); 3] =
                [("period", &period_words(&cap.period)), ("anchor", &anchor_words(cap.anchor)), ("rule", &text)];
            let _ = writeln!(out, "      {}", tr_with("cli.norms.cap", &vars));
        }
        if let Some(note) = &n.note {
            let _ = writeln!(out, "      {}", tr_with("cli.deadline.note", &[("note", &local(note))]));
        }
    }
    out
}

pub fn render_norms_import(r: &NormsImportReport) -> String {
    let head: [(&str, &dyn std::fmt::Display); 1] = [("sha", &&r.sha256[..16])];
    let mut out = format!("{}\n", tr_count("cli.norms.imported", r.norms, &head));
    for c in &r.changes {
        let _ = writeln!(
            out,
            "  {} {}{}",
            tr(&format!("cli.norms.change.{}", c.change)),
            c.id,
            match (c.from_version, c.to_version) {
                (Some(a), Some(b)) => format!(" v{a} → v{b}"),
                (None, Some(b)) => format!(" v{b}"),
                (Some(a), None) => tr_with("cli.norms.was", &[("v", &a)]),
                _ => String::new(),
            }
        );
    }
    for m in &r.recomputed {
        let vars: [(&str, &dyn std::fmt::Display); 3] =
            [("id", &m.task_id), ("from", &local_date(m.from)), ("to", &local_date(m.to))];
        let _ = writeln!(out, "  {}", tr_with("cli.norms.recomputed", &vars));
    }
    if r.changes.is_empty() {
        let _ = writeln!(out, "  {}", tr("cli.norms.none_changed"));
    }
    out
}

pub fn render_calendar_import(r: &CalendarImportReport) -> String {
    let done = tr(if r.replaced { "cli.calendar.replaced" } else { "cli.calendar.added" });
    let vars: [(&str, &dyn std::fmt::Display); 3] = [("year", &r.year), ("done", &done), ("sha", &&r.sha256[..16])];
    format!("{}\n", tr_with("cli.calendar.imported", &vars))
}
