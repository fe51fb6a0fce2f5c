//! The deadline commands of the command line: compute and explain a due date, the working-day
//! calendar's years and imports, the norms catalog in force (list, export, import).

use std::fmt::Write as _;
use std::path::PathBuf;

use clap::Subcommand;
use ekn::api::{
    self, ApiError, CalendarImportReport, CalendarYearView, DeadlineReport, DeadlineRequest, ErrorCode,
    NormsImportReport, NormsList, Session,
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
    /// One norm with every version of it in force by date: dates, the law's words, act, article and edition.
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Read the catalogue's quotes against a law text (a newer edition, .txt or .pdf) and name every norm whose sentence is no longer there.
    Check {
        file: PathBuf,
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
        Ok(mut session) => session.deadlines().deadline(request)?,
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
        CalendarAction::List { json } => print(json, &session.deadlines().calendar_years()?, render_calendar_years),
        CalendarAction::Import { file } => {
            print(false, &session.deadlines().import_calendar(&file)?, render_calendar_import)
        }
    }
}

/// `ekn norms …`
pub fn run_norms(session: &mut Session, action: NormsAction) -> Result<(), ApiError> {
    match action {
        NormsAction::List { json } => print(json, &session.deadlines().norms_list()?, render_norms),
        NormsAction::Show { id, json } => {
            let list = session.deadlines().norms_list()?;
            let norm = list.norms.into_iter().find(|n| n.id == id).ok_or_else(|| {
                ApiError::new(ErrorCode::NotFound, format!("no norm '{id}' in the catalog (ekn norms list names them)"))
            })?;
            print(json, &norm, render_norm)
        }
        NormsAction::Check { file, json } => {
            let report = session.deadlines().check_norms_against(&file)?;
            print(json, &report, render_norms_check)?;
            match report.missing() {
                0 => Ok(()),
                n => Err(ApiError::new(
                    ErrorCode::NormsOutdated,
                    format!("{n} quote(s) of the catalogue are no longer in {}", file.display()),
                )),
            }
        }
        NormsAction::Export { out: path } => {
            let text = session.deadlines().norms_export()?;
            match path {
                Some(path) => ekn::api::disk::write(&path, text)
                    .map_err(|e| ApiError::new(ErrorCode::Io, format!("{}: {e}", path.display()))),
                None => {
                    out(&text);
                    Ok(())
                }
            }
        }
        NormsAction::Import { file, json } => {
            print(json, &session.deadlines().import_norms(&file)?, render_norms_import)
        }
    }
}

/// Builds a deadline request from the command line's words; dates as yyyy-mm-dd or dd.mm.yyyy.
pub fn deadline_request(
    from: &str,
    working_days: Option<u32>,
    calendar_days: Option<u32>,
    months: Option<u32>,
    norm: Option<String>,
    decided: Option<&str>,
    suspend: &[String],
) -> Result<DeadlineRequest, ApiError> {
    let date = |text: &str, what: &str| {
        ekn::api::parse_date(text)
            .map_err(|reason| ApiError::new(ErrorCode::InvalidInput, format!("--{what}: {reason}")))
    };
    let period = match (working_days, calendar_days, months) {
        (Some(n), _, _) => Some(Period { amount: n, unit: Unit::WorkingDays }),
        (_, Some(n), _) => Some(Period { amount: n, unit: Unit::CalendarDays }),
        (_, _, Some(n)) => Some(Period { amount: n, unit: Unit::Months }),
        _ => None,
    };
    if period.is_none() && norm.is_none() {
        return Err(ApiError::new(ErrorCode::InvalidInput, "give a period or a norm"));
    }
    let decided = decided.map(|d| date(d, "decided")).transpose()?;
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
    Ok(DeadlineRequest { from: date(from, "from")?, norm, period, decided, suspensions })
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
    out.push_str(&law_lines(&r.rule));
    if let Some(note) = &r.rule.note {
        let _ = writeln!(out, "  {}", tr_with("cli.deadline.note", &[("note", &local(note))]));
    }
    let cap_rule = r.rule.law.as_ref().and_then(|l| l.cap.as_ref());
    match (&e.extension_cap, cap_rule) {
        (Some(cap), _) => {
            let _ = writeln!(out, "{}", describe_cap(cap));
        }
        (None, Some(rule)) => {
            // Counted from a decision not taken yet.
            let text = ekn::i18n::lang().pick(&rule.text_ru, &rule.text_kk, &rule.text_en).to_string();
            let unconfirmed = if rule.verified { String::new() } else { tr("cli.deadline.unconfirmed") };
            let vars: &Vars =
                &[("period", &period_words(&rule.period)), ("rule", &text), ("unconfirmed", &unconfirmed)];
            let _ = writeln!(out, "{}", tr_with("cli.deadline.cap.after_decision", vars));
        }
        (None, None) if r.rule.norm_id.is_some() => {
            let _ = writeln!(out, "{}", tr("cli.deadline.no_extension"));
        }
        (None, None) => {}
    }
    if let Some(registered) = e.registered {
        let vars: &Vars = &[("received", &local_date(e.event)), ("date", &local_date(registered))];
        let _ = writeln!(out, "{}", tr_with("cli.deadline.registered", vars));
    }
    use ekn::domain::deadline::{Direction, FirstDay};
    if e.counting.direction == Direction::Before {
        let vars: &Vars = &[("period", &period_words(&e.period)), ("event", &local_date(e.event))];
        let _ = writeln!(out, "{}", tr_with("cli.deadline.before", vars));
    } else if e.counting.first_day == FirstDay::EventDay {
        let _ = writeln!(out, "{}", tr_with("cli.deadline.event_day", &[("event", &local_date(e.event))]));
    } else {
        let event: &Vars = &[("event", &local_date(e.registered.unwrap_or(e.event))), ("start", &local_date(e.start))];
        let _ = writeln!(out, "{}", tr_with("cli.deadline.event", event));
    }
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
        Warning::UnconfirmedInForce { norm_id, from, certain_from } => {
            let certain = certain_from
                .map_or(String::new(), |d| tr_with("cli.deadline.warn.certain_from", &[("date", &local_date(d))]));
            let vars: [(&str, &dyn std::fmt::Display); 3] =
                [("norm", norm_id), ("from", &local_date(*from)), ("certain", &certain)];
            tr_with("cli.deadline.warn.unconfirmed_in_force", &vars)
        }
        Warning::VersionBoundary { norm_id, other_from, other_due } => {
            let vars: [(&str, &dyn std::fmt::Display); 3] =
                [("norm", norm_id), ("from", &local_date(*other_from)), ("due", &local_date(*other_due))];
            tr_with("cli.deadline.warn.version_boundary", &vars)
        }
        Warning::BeforeFirstVersion { norm_id, first_from } => {
            let vars: [(&str, &dyn std::fmt::Display); 2] = [("norm", norm_id), ("from", &local_date(*first_from))];
            tr_with("cli.deadline.warn.before_first_version", &vars)
        }
        Warning::UnconfirmedEndRule { norm_id, raw_end, due } => {
            let vars: [(&str, &dyn std::fmt::Display); 3] =
                [("norm", norm_id), ("raw", &local_date(*raw_end)), ("due", &local_date(*due))];
            tr_with("cli.deadline.warn.unconfirmed_end_rule", &vars)
        }
        Warning::UnconfirmedCapEnd { norm_id } => {
            tr_with("cli.deadline.warn.unconfirmed_cap_end", &[("norm", norm_id)])
        }
        Warning::Caveat { text_ru, text_kk, text_en, .. } => name(text_ru, text_kk, text_en),
        Warning::LawChanged { norm_id, counted_under, now_from, due } => {
            let vars: [(&str, &dyn std::fmt::Display); 4] = [
                ("norm", norm_id),
                ("counted", &local_date(*counted_under)),
                ("now", &local_date(*now_from)),
                ("due", &local_date(*due)),
            ];
            tr_with("cli.deadline.warn.law_changed", &vars)
        }
    }
}

/// The version of the law a deadline is counted by, in lines: why it applies, whose deadline it
/// is, the law's own words, a period the act set, and how a last day off is treated.
pub fn law_lines(rule: &ekn::api::RuleView) -> String {
    let mut out = String::new();
    let Some(law) = &rule.law else { return out };
    if let Some(why) = &rule.why {
        let _ = writeln!(out, "  {}", tr_with("cli.deadline.law", &[("why", &local(why))]));
    }
    let _ = writeln!(out, "  {}", tr_with("cli.deadline.governs", &[("governs", &local(&law.governs))]));
    if let Some(quote) = &law.version.quote_ru {
        let _ = writeln!(out, "  {}", tr_with("cli.deadline.quote", &[("quote", quote)]));
    }
    if rule.set_by_act {
        let text = law.version.set_by_act.as_ref().map_or(String::new(), |s| local(&s.text).to_string());
        let _ = writeln!(out, "  {}", tr_with("cli.deadline.set_by_act", &[("text", &text)]));
    }
    if let Some(end) = &law.end_rule {
        let unconfirmed = if end.confirmed { String::new() } else { tr("cli.deadline.unconfirmed") };
        let basis = format!("{}{unconfirmed}", local(&end.basis));
        let _ = writeln!(out, "  {}", tr_with("cli.deadline.end_rule", &[("basis", &basis)]));
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
        let way = tr(match rule.on_non_working_day {
            NonWorkingEnd::NextWorkingDay => "cli.deadline.cap.next",
            NonWorkingEnd::PreviousWorkingDay => "cli.deadline.cap.previous",
            NonWorkingEnd::Stays => "cli.deadline.cap.stays",
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
        ekn::domain::deadline::CapAnchor::ExtensionDecision => "cli.deadline.anchor.extension_decision",
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
    if let Some(office) = &list.office {
        let vars: [(&str, &dyn std::fmt::Display); 3] =
            [("by", &office.imported_by), ("file", &office.source_file), ("at", &office.imported_at)];
        let _ = writeln!(out, "  {}", tr_with("cli.norms.office", &vars));
        if list.differs_from_office {
            let vars: [(&str, &dyn std::fmt::Display); 2] =
                [("by", &office.imported_by), ("file", &office.source_file)];
            let _ = writeln!(out, "  {}", tr_with("cli.norms.differs_office", &vars));
        }
    }
    for n in &list.norms {
        let state = tr(if n.verified { "cli.norms.confirmed" } else { "cli.norms.unconfirmed" });
        let _ = writeln!(
            out,
            "  {:<34} v{} {:<11} {:<18} {}",
            n.id,
            n.version,
            state,
            norm_period_words(n.period, n.versions.iter().any(|v| v.law.version.set_by_act.is_some())),
            local(&n.name)
        );
        let _ = writeln!(out, "      {}", tr_with("cli.norms.basis", &[("basis", &local(&n.basis))]));
        if n.versions.len() > 1 {
            let _ = writeln!(out, "      {}", tr_with("cli.norms.versions", &[("n", &n.versions.len())]));
            for v in &n.versions {
                let _ = writeln!(out, "        {}", version_line(v));
            }
        }
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

/// A norm's period in words, or what sets it.
fn norm_period_words(period: Option<Period>, set_by_act: bool) -> String {
    match period {
        Some(p) => period_words(&p),
        None if set_by_act => tr("cli.norms.set_by_act"),
        None => tr("cli.norms.no_period"),
    }
}

/// One version in a line: its dates, period, basis, and whether it is confirmed and today's.
fn version_line(v: &ekn::api::VersionView) -> String {
    let law = &v.law.version;
    let to = v.last_day.map_or(String::new(), |d| tr_with("cli.norms.version_to", &[("date", &local_date(d))]));
    let estimate = if law.in_force_from_confirmed { String::new() } else { tr("cli.norms.estimate") };
    let state = format!(
        "{}{}",
        if law.verified { String::new() } else { tr("cli.deadline.unconfirmed") },
        if v.in_force_today { tr("cli.norms.today") } else { String::new() }
    );
    let vars: [(&str, &dyn std::fmt::Display); 6] = [
        ("from", &local_date(law.in_force_from)),
        ("to", &to),
        ("estimate", &estimate),
        ("period", &norm_period_words(law.period, law.set_by_act.is_some())),
        ("basis", &local(&v.basis)),
        ("state", &state),
    ];
    tr_with("cli.norms.version_line", &vars)
}

/// `ekn norms show ID`: the norm and every version of it, with the law's words.
pub fn render_norm(n: &ekn::api::NormView) -> String {
    let mut out = format!(
        "{} — {}
",
        n.id,
        local(&n.name)
    );
    let _ = writeln!(out, "  {}", tr_with("cli.norms.governs", &[("governs", &local(&n.governs))]));
    for v in &n.versions {
        let _ = writeln!(out, "  {}", version_line(v));
        let law = &v.law;
        let _ = writeln!(out, "    {}", tr_with("cli.norms.in_force", &[("basis", &law.version.in_force_from_basis)]));
        if let Some(quote) = &law.version.quote_ru {
            let _ = writeln!(out, "    {}", tr_with("cli.deadline.quote", &[("quote", quote)]));
        }
        if law.version.quote_kk.is_none() && law.version.quote_ru.is_some() {
            let _ = writeln!(out, "    {}", tr("cli.norms.no_kazakh"));
        }
        if let Some(set) = &law.version.set_by_act {
            let _ = writeln!(out, "    {}", tr_with("cli.deadline.set_by_act", &[("text", &local(&set.text))]));
        }
        if let Some(cap) = &law.cap {
            let text = ekn::i18n::lang().pick(&cap.text_ru, &cap.text_kk, &cap.text_en).to_string();
            let vars: [(&str, &dyn std::fmt::Display); 3] =
                [("period", &period_words(&cap.period)), ("anchor", &anchor_words(cap.anchor)), ("rule", &text)];
            let _ = writeln!(out, "    {}", tr_with("cli.norms.cap", &vars));
        }
        if let Some(end) = &law.end_rule {
            let unconfirmed = if end.confirmed { String::new() } else { tr("cli.deadline.unconfirmed") };
            let basis = format!("{}{unconfirmed}", local(&end.basis));
            let _ = writeln!(out, "    {}", tr_with("cli.deadline.end_rule", &[("basis", &basis)]));
        }
        if let Some(t) = &law.version.transitional {
            let unconfirmed = if t.confirmed { String::new() } else { tr("cli.deadline.unconfirmed") };
            let vars: [(&str, &dyn std::fmt::Display); 2] = [("text", &local(&t.text)), ("unconfirmed", &unconfirmed)];
            let _ = writeln!(out, "    {}", tr_with("cli.norms.transitional", &vars));
        }
        for c in &law.caveats {
            let vars: [(&str, &dyn std::fmt::Display); 2] = [("from", &local_date(c.from)), ("text", &local(&c.text))];
            let _ = writeln!(out, "    {}", tr_with("cli.norms.caveat", &vars));
        }
        if let Some(note) = law.note() {
            let _ = writeln!(out, "    {}", tr_with("cli.deadline.note", &[("note", &local(&note))]));
        }
    }
    out
}

/// `ekn norms check FILE`: per act, how many of the catalogue's quotes the text still has, and
/// each one it no longer has.
pub fn render_norms_check(r: &ekn::api::NormsCheck) -> String {
    let vars: [(&str, &dyn std::fmt::Display); 2] = [("file", &r.file), ("sha", &&r.sha256[..16])];
    let mut out = format!(
        "{}
",
        tr_with("cli.norms.check_head", &vars)
    );
    let quoted: Vec<&ekn::api::ActCheck> = r.acts.iter().filter(|a| a.found > 0).collect();
    if quoted.is_empty() {
        let _ = writeln!(out, "  {}", tr("cli.norms.check_none"));
    }
    for act in quoted {
        let vars: [(&str, &dyn std::fmt::Display); 3] =
            [("act", &local(&act.name)), ("found", &act.found), ("total", &act.quotes)];
        let _ = writeln!(out, "  {}", tr_with("cli.norms.check_act", &vars));
        for m in &act.missing {
            let vars: [(&str, &dyn std::fmt::Display); 2] = [("place", &m.place), ("quote", &m.quote)];
            let _ = writeln!(out, "    {}", tr_with("cli.norms.check_missing", &vars));
        }
    }
    let others: Vec<String> = r.acts.iter().filter(|a| a.found == 0).map(|a| local(&a.name).to_string()).collect();
    if !others.is_empty() {
        let _ = writeln!(out, "  {}", tr_with("cli.norms.check_not_this", &[("acts", &others.join("; "))]));
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
