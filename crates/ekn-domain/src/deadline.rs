//! Procedural deadlines computed the way the law counts them, each with its explanation.
//!
//! Rules (DOMAIN.md): a period starts the day after the triggering event; a period of N working
//! days ends on the N-th working day after the event; a period of calendar days or months that
//! ends on a non-working day moves to the next working day. Suspensions stop the clock for the
//! days they cover; extensions move the due date later, never earlier, within the norm's cap,
//! whose anchor (the event, or the original due date) and whose handling of a non-working end
//! are data of the norm. The explanation lists the start, every day skipped and why, the cap,
//! and every warning (a year without a calendar document, an unconfirmed holiday, an element of
//! a year still pending), so a prosecutor can check a date by hand.
//!
//! Every input is bounded (periods, years, suspensions): the functions here answer an error for
//! what no real procedure needs, and never panic.

use chrono::{Datelike, Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use super::calendar::{in_supported_years, Calendar, DayReason, FIRST_YEAR, LAST_YEAR};

/// How a period is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    WorkingDays,
    CalendarDays,
    Months,
}

impl Unit {
    pub fn code(self) -> &'static str {
        match self {
            Unit::WorkingDays => "working_days",
            Unit::CalendarDays => "calendar_days",
            Unit::Months => "months",
        }
    }

    /// The longest period of this unit the product computes: about five years, far beyond any
    /// procedural period, and small enough that every date sum stays within the supported years.
    pub fn max_amount(self) -> u32 {
        match self {
            Unit::WorkingDays => 1250,
            Unit::CalendarDays => 1830,
            Unit::Months => 60,
        }
    }
}

/// Whether the trigger's own day is the period's first day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum FirstDay {
    /// The general rule: the period starts the day after the event.
    NextDay,
    /// The event's own day counts (an inspection's first day).
    EventDay,
}

/// Whether a period runs after its trigger or ends before it (a notice due before a sitting).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    After,
    Before,
}

/// How a period is counted from its trigger beyond its length — all of it data of the norm's
/// version in force: the first day, the direction, whether the trigger is a receipt registered
/// on the next working day when it came on a non-working one, and whether a last day of
/// calendar days or months that is a non-working day moves to the next working day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Counting {
    pub first_day: FirstDay,
    pub direction: Direction,
    pub registration: bool,
    pub end_moves: bool,
}

impl Default for Counting {
    fn default() -> Counting {
        Counting { first_day: FirstDay::NextDay, direction: Direction::After, registration: false, end_moves: true }
    }
}

/// A length of time as a norm states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Period {
    pub amount: u32,
    pub unit: Unit,
}

impl Period {
    pub fn describe(&self) -> String {
        let unit = match self.unit {
            Unit::WorkingDays => "working days",
            Unit::CalendarDays => "calendar days",
            Unit::Months => "months",
        };
        format!("{} {unit}", self.amount)
    }

    /// Refuses a period of zero or longer than the unit's bound.
    pub fn check(&self) -> Result<(), DeadlineError> {
        if self.amount == 0 {
            return Err(DeadlineError::ZeroPeriod);
        }
        if self.amount > self.unit.max_amount() {
            return Err(DeadlineError::TooLong {
                amount: self.amount,
                unit: self.unit.code(),
                max: self.unit.max_amount(),
            });
        }
        Ok(())
    }
}

/// Why a deadline could not be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeadlineError {
    #[error("a period must be at least 1")]
    ZeroPeriod,
    #[error("{amount} {unit} is longer than the longest period the product computes ({max} {unit})")]
    TooLong { amount: u32, unit: &'static str, max: u32 },
    #[error("{date} is outside the years the product computes with ({FIRST_YEAR}–{LAST_YEAR})")]
    DateOutOfRange { date: NaiveDate },
    #[error("a suspension ends ({to}) before it starts ({from})")]
    SuspensionBackwards { from: NaiveDate, to: NaiveDate },
    #[error("{count} suspensions: at most {max} are accepted")]
    TooManySuspensions { count: usize, max: usize },
    #[error("a period due before its trigger is counted in working days only")]
    BackwardsNotWorkingDays,
}

/// Days on which the clock stands still (both ends included).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Suspension {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Suspension {
    fn covers(&self, date: NaiveDate) -> bool {
        self.from <= date && date <= self.to
    }
}

/// The most suspensions one deadline may carry.
pub const MAX_SUSPENSIONS: usize = 100;

/// Checks the dates and suspensions a computation is given.
pub fn check_inputs(event: NaiveDate, suspensions: &[Suspension]) -> Result<(), DeadlineError> {
    if !in_supported_years(event) {
        return Err(DeadlineError::DateOutOfRange { date: event });
    }
    if suspensions.len() > MAX_SUSPENSIONS {
        return Err(DeadlineError::TooManySuspensions { count: suspensions.len(), max: MAX_SUSPENSIONS });
    }
    for s in suspensions {
        for date in [s.from, s.to] {
            if !in_supported_years(date) {
                return Err(DeadlineError::DateOutOfRange { date });
            }
        }
        if s.to < s.from {
            return Err(DeadlineError::SuspensionBackwards { from: s.from, to: s.to });
        }
    }
    Ok(())
}

/// A day the count passed over, and why.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct SkippedDay {
    pub date: NaiveDate,
    #[serde(flatten)]
    pub reason: SkipReason,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(untagged)]
pub enum SkipReason {
    Calendar(DayReason),
    Suspended { kind: &'static str },
}

/// Something a person must know about a result: which of its parts is not confirmed law.
/// Tagged by `kind`, so the UI says it in the reader's language; `text` gives it in English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Warning {
    /// The year has no calendar document. With `by_rule`, its statutory holidays were applied by
    /// rule; the Government's transfers and the date of Kurban Ait are unknown either way.
    NoCalendar { year: i32, by_rule: bool },
    /// A holiday whose date is not confirmed by an official act yet.
    UnconfirmedHoliday { date: NaiveDate, name_ru: String, name_kk: String, name_en: String, source: String },
    /// A transfer of days off not confirmed by its act yet.
    UnconfirmedTransfer { date: NaiveDate, act: String },
    /// An element of a year's calendar that is not known yet (transfers not published…).
    Pending { element: String, from: NaiveDate, to: NaiveDate, name_ru: String, name_kk: String, name_en: String },
    /// The norm's period was not checked against the law's text.
    UnverifiedNorm { norm_id: String },
    /// The period was typed by hand, not taken from a norm.
    HandPeriod,
    /// The norm's extension cap was not checked against the law's text.
    UnverifiedCap { norm_id: String },
    /// The trigger falls before the day the version is known for certain to be in force: its
    /// first day is derived from a date the texts do not give (a publication).
    UnconfirmedInForce { norm_id: String, from: NaiveDate, certain_from: Option<NaiveDate> },
    /// Under the version before this one the due date would be `other_due`: which of the two
    /// governs a trigger this close to the change is not confirmed.
    VersionBoundary { norm_id: String, other_from: NaiveDate, other_due: NaiveDate },
    /// The trigger lies before the first version in the catalogue: counted by the first one.
    BeforeFirstVersion { norm_id: String, first_from: NaiveDate },
    /// A last day that is a non-working day was moved (or kept) by a rule that is not confirmed
    /// for this period.
    UnconfirmedEndRule { norm_id: String, raw_end: NaiveDate, due: NaiveDate },
    /// The cap's last day was moved off a non-working day by a rule not confirmed for it.
    UnconfirmedCapEnd { norm_id: String },
    /// Something may have changed the version since its edition, from a date on (a new
    /// Constitution in force): said in the reader's language.
    Caveat { norm_id: String, from: NaiveDate, text_ru: String, text_kk: String, text_en: String },
    /// The task was counted under the version in force on `counted_under`; the catalogue now
    /// puts its trigger under the version in force from `now_from`, by which it would be due on
    /// `due`. A recount is a person's decision (`ekn task recount`), never silent.
    LawChanged { norm_id: String, counted_under: NaiveDate, now_from: NaiveDate, due: NaiveDate },
}

impl Warning {
    /// The warning in English, for the command line and logs.
    pub fn text(&self) -> String {
        match self {
            Warning::NoCalendar { year, by_rule: true } => format!(
                "NO working-day calendar document for {year}: its statutory holidays were applied by rule (a weekend \
                 holiday moved to the next working day), but the Government's transfers of days off and the date of \
                 Kurban Ait are unknown; add the {year} calendar (ekn calendar import) and recompute"
            ),
            Warning::NoCalendar { year, by_rule: false } => format!(
                "NO working-day calendar for {year}: its days were judged by the weekday alone; add the {year} \
                 calendar (ekn calendar import) and recompute"
            ),
            Warning::UnconfirmedHoliday { date, name_en, .. } => {
                format!("the date of {name_en} on {date} is not confirmed by an official act yet")
            }
            Warning::UnconfirmedTransfer { date, .. } => {
                format!("the transfer of days off affecting {date} is not confirmed")
            }
            Warning::Pending { from, to, name_en, .. } => format!("{name_en} (affects {from} – {to})"),
            Warning::UnverifiedNorm { norm_id } => {
                format!("the period of norm {norm_id} is UNCONFIRMED against the law's text")
            }
            Warning::HandPeriod => "the period was given by hand; it is not a verified norm".into(),
            Warning::UnverifiedCap { norm_id } => {
                format!("the extension cap of norm {norm_id} is UNCONFIRMED against the law's text")
            }
            Warning::UnconfirmedInForce { norm_id, from, certain_from } => match certain_from {
                Some(certain) => format!(
                    "the version of norm {norm_id} counted here is in force from {from} by an estimate (UNCONFIRMED: \
                     the publication it counts from is not among the texts); it is certain from {certain}"
                ),
                None => format!("the version of norm {norm_id} counted here has no confirmed first day ({from})"),
            },
            Warning::VersionBoundary { norm_id, other_from, other_due } => format!(
                "norm {norm_id} changed near this trigger and the day the change came into force is UNCONFIRMED: \
                 under the version in force from {other_from} the due date would be {other_due}"
            ),
            Warning::BeforeFirstVersion { norm_id, first_from } => format!(
                "the trigger lies before the first version of norm {norm_id} in the catalogue ({first_from}): \
                 counted by that version, UNCONFIRMED for this date"
            ),
            Warning::UnconfirmedEndRule { norm_id, raw_end, due } => format!(
                "the period of norm {norm_id} ends on {raw_end}, a non-working day; it was taken to {due} by a rule \
                 that is UNCONFIRMED for this period"
            ),
            Warning::UnconfirmedCapEnd { norm_id } => format!(
                "the extension cap of norm {norm_id} ends on a non-working day and was moved by a rule UNCONFIRMED for it"
            ),
            Warning::Caveat { norm_id, text_en, .. } => format!("norm {norm_id}: {text_en}"),
            Warning::LawChanged { norm_id, counted_under, now_from, due } => format!(
                "the law changed: this task was counted under the version of norm {norm_id} in force from \
                 {counted_under}, and its trigger now falls under the version in force from {now_from}, by which it \
                 would be due on {due}; recounting is a decision (ekn task recount ID --reason …)"
            ),
        }
    }
}

/// What a norm's extension cap counts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum CapAnchor {
    /// The triggering event (the whole term counted from receipt).
    Event,
    /// The original due date.
    OriginalDue,
    /// The day of the decision to extend (APPC art. 76 part 3 as worded by Law 241-VIII).
    ExtensionDecision,
}

/// Where a cap that falls on a non-working day lands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum NonWorkingEnd {
    /// The general rule for periods: the next working day.
    NextWorkingDay,
    /// A stricter reading: the last working day before it.
    PreviousWorkingDay,
    /// The day stays as counted: no rule moves it.
    Stays,
}

/// The longest a deadline may be extended to, as a norm states it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ExtensionCap {
    pub period: Period,
    pub anchor: CapAnchor,
    pub on_non_working_day: NonWorkingEnd,
    /// The rule in words (the law's, where it has them), in three languages.
    pub text_ru: String,
    pub text_kk: String,
    pub text_en: String,
    /// Why a non-working end lands where it does.
    pub non_working_basis: String,
    /// False when the rule that moves a non-working end is not confirmed for this cap.
    #[serde(default = "confirmed")]
    pub end_confirmed: bool,
    pub verified: bool,
}

fn confirmed() -> bool {
    true
}

/// A cap computed for one deadline: the date, the date it counts from, and the norm's rule.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct CapDate {
    pub date: NaiveDate,
    pub anchor_date: NaiveDate,
    /// The date the count reaches before any move off a non-working day.
    pub raw_date: NaiveDate,
    #[serde(flatten)]
    pub rule: ExtensionCap,
}

/// A computed due date with its explanation.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Deadline {
    pub event: NaiveDate,
    /// The day a receipt was registered when the rule counts from registration and the receipt
    /// came on a non-working day (the next working day); the count runs from it.
    pub registered: Option<NaiveDate>,
    pub period: Period,
    pub counting: Counting,
    /// The first day of the period: the day after the event.
    pub start: NaiveDate,
    /// For calendar days and months: the date the count reaches before any move to a working day.
    pub raw_end: Option<NaiveDate>,
    pub due: NaiveDate,
    /// Every day skipped between the start and the due date, and why.
    pub skipped: Vec<SkippedDay>,
    pub suspensions: Vec<Suspension>,
    /// The latest date an extension may reach, when the rule allows extensions.
    pub extension_cap: Option<CapDate>,
    /// What is not confirmed law in this result: years without a calendar document, unconfirmed
    /// holidays and transfers, pending elements of a year, unverified norms.
    pub warnings: Vec<Warning>,
}

/// Computes the due date of `period` counted from `event` by the general rule (the day after,
/// forwards, a last day off moved to the next working day), the clock stopped on `suspensions`.
pub fn compute(
    calendar: &Calendar,
    event: NaiveDate,
    period: Period,
    suspensions: &[Suspension],
) -> Result<Deadline, DeadlineError> {
    compute_counted(calendar, event, period, suspensions, Counting::default())
}

/// The day a receipt is registered: the day itself when it is a working day, else the next one.
pub fn registration_day(calendar: &Calendar, received: NaiveDate) -> NaiveDate {
    calendar.next_working_on_or_after(received)
}

/// Computes the due date of `period` from `event` as `counting` says: a receipt counted from its
/// registration, the event's day as the first day or the next one, forwards or (in working days)
/// backwards to the last day before the event, and a last day off moved or kept.
pub fn compute_counted(
    calendar: &Calendar,
    event: NaiveDate,
    period: Period,
    suspensions: &[Suspension],
    counting: Counting,
) -> Result<Deadline, DeadlineError> {
    period.check()?;
    check_inputs(event, suspensions)?;
    let registered = (counting.registration && !calendar.is_working(event)).then(|| registration_day(calendar, event));
    if counting.direction == Direction::Before {
        if period.unit != Unit::WorkingDays {
            return Err(DeadlineError::BackwardsNotWorkingDays);
        }
        let mut counted = 0;
        let mut day = event;
        let mut skipped = Vec::new();
        while counted < period.amount {
            day = day.pred_opt().ok_or(DeadlineError::DateOutOfRange { date: event })?;
            if calendar.is_working(day) {
                counted += 1;
            } else {
                skipped.push(SkippedDay { date: day, reason: SkipReason::Calendar(calendar.day(day)) });
            }
        }
        skipped.reverse();
        let warnings = warnings_between(calendar, day, event);
        return Ok(Deadline {
            event,
            registered: None,
            period,
            counting,
            start: day,
            raw_end: None,
            due: day,
            skipped,
            suspensions: suspensions.to_vec(),
            extension_cap: None,
            warnings,
        });
    }
    // The count runs from the registration day, or from the day before the event when the
    // event's own day is the first day of the period.
    let from = registered.unwrap_or(event);
    let from = match counting.first_day {
        FirstDay::NextDay => from,
        FirstDay::EventDay => from.pred_opt().ok_or(DeadlineError::DateOutOfRange { date: event })?,
    };
    let mut deadline = count_forward(calendar, from, period, suspensions, counting.end_moves)?;
    deadline.event = event;
    deadline.registered = registered;
    deadline.counting = counting;
    Ok(deadline)
}

fn count_forward(
    calendar: &Calendar,
    event: NaiveDate,
    period: Period,
    suspensions: &[Suspension],
    end_moves: bool,
) -> Result<Deadline, DeadlineError> {
    let start = event + Days::new(1);
    let suspended = |date: NaiveDate| suspensions.iter().any(|s| s.covers(date));
    let mut skipped = Vec::new();
    let (raw_end, due) = match period.unit {
        Unit::WorkingDays => {
            let mut counted = 0;
            let mut day = event;
            while counted < period.amount {
                day = day + Days::new(1);
                if suspended(day) {
                    skipped.push(SkippedDay { date: day, reason: SkipReason::Suspended { kind: "suspended" } });
                } else if calendar.is_working(day) {
                    counted += 1;
                } else {
                    skipped.push(SkippedDay { date: day, reason: SkipReason::Calendar(calendar.day(day)) });
                }
            }
            (None, day)
        }
        Unit::CalendarDays | Unit::Months => {
            let mut end = match period.unit {
                Unit::CalendarDays => event + Days::new(u64::from(period.amount)),
                _ => event
                    .checked_add_months(Months::new(period.amount))
                    .ok_or(DeadlineError::DateOutOfRange { date: event })?,
            };
            // Suspended days inside the period push its end later, one calendar day each.
            let mut day = event;
            while day < end {
                day = day + Days::new(1);
                if suspended(day) {
                    skipped.push(SkippedDay { date: day, reason: SkipReason::Suspended { kind: "suspended" } });
                    end = end + Days::new(1);
                }
            }
            let mut due = end;
            while end_moves && (!calendar.is_working(due) || suspended(due)) {
                let reason = if suspended(due) {
                    SkipReason::Suspended { kind: "suspended" }
                } else {
                    SkipReason::Calendar(calendar.day(due))
                };
                skipped.push(SkippedDay { date: due, reason });
                due = due + Days::new(1);
            }
            (Some(end), due)
        }
    };
    let warnings = warnings_between(calendar, start, due);
    Ok(Deadline {
        event,
        registered: None,
        period,
        counting: Counting::default(),
        start,
        raw_end,
        due,
        skipped,
        suspensions: suspensions.to_vec(),
        extension_cap: None,
        warnings,
    })
}

/// How many working days lie after `event` up to and including `until` (the count backwards).
pub fn working_days_between(calendar: &Calendar, event: NaiveDate, until: NaiveDate) -> u32 {
    calendar.working_days_after(event, until)
}

/// The moved days off that the rule gives for a year's holidays: each holiday that moves and falls
/// on a weekend gives the next weekday that is neither a holiday nor already a moved day. Used to
/// check calendar documents, whose moved days must agree with the law's rule.
pub fn moved_days_by_rule(year: &super::calendar::YearCalendar) -> Vec<(NaiveDate, NaiveDate)> {
    use chrono::Weekday;
    let weekend = |d: NaiveDate| matches!(d.weekday(), Weekday::Sat | Weekday::Sun);
    let holidays: std::collections::BTreeSet<NaiveDate> = year.holidays.iter().map(|h| h.date).collect();
    let mut taken = std::collections::BTreeSet::new();
    let mut moved = Vec::new();
    for h in year.holidays.iter().filter(|h| h.moves_if_weekend && weekend(h.date)) {
        let mut day = h.date + Days::new(1);
        while weekend(day) || holidays.contains(&day) || taken.contains(&day) {
            day = day + Days::new(1);
        }
        taken.insert(day);
        moved.push((day, h.date));
    }
    moved
}

/// Warnings for the stretch of dates a result depends on: each year without a document, each
/// unconfirmed holiday or transfer, each pending element of a year that overlaps the stretch.
pub fn warnings_between(calendar: &Calendar, from: NaiveDate, to: NaiveDate) -> Vec<Warning> {
    let mut warnings = Vec::new();
    if to < from {
        return warnings;
    }
    for year in from.year()..=to.year() {
        if !calendar.has_year(year) {
            warnings.push(Warning::NoCalendar { year, by_rule: year >= calendar.rules().first_year });
        }
    }
    let mut day = from;
    while day <= to {
        match calendar.day(day) {
            DayReason::Holiday { confirmed: false, name_ru, name_kk, name_en, source }
            | DayReason::StatutoryHoliday { confirmed: false, name_ru, name_kk, name_en, source } => {
                warnings.push(Warning::UnconfirmedHoliday { date: day, name_ru, name_kk, name_en, source });
            }
            DayReason::TransferredDayOff { confirmed: false, act }
            | DayReason::TransferredWorkingDay { confirmed: false, act } => {
                warnings.push(Warning::UnconfirmedTransfer { date: day, act });
            }
            _ => {}
        }
        match day.succ_opt() {
            Some(next) => day = next,
            None => break,
        }
    }
    for p in calendar.pending_between(from, to) {
        warnings.push(Warning::Pending {
            element: p.element.clone(),
            from: p.from,
            to: p.to,
            name_ru: p.name_ru.clone(),
            name_kk: p.name_kk.clone(),
            name_en: p.name_en.clone(),
        });
    }
    warnings
}

/// Where an extended due date moves when a suspension stops the clock: later by as many of the
/// period's own units as the suspension takes out of the running term (working days for a
/// working-day period, calendar days otherwise), counting only days between the start and the
/// current due date not already suspended, and then onto a working day.
pub fn shift_extended_due(
    calendar: &Calendar,
    unit: Unit,
    start: NaiveDate,
    current_due: NaiveDate,
    suspension: Suspension,
    earlier: &[Suspension],
) -> NaiveDate {
    let stopped = |day: NaiveDate| earlier.iter().any(|s| s.covers(day)) || suspension.covers(day);
    let from = suspension.from.max(start);
    let to = suspension.to.min(current_due);
    let mut taken = 0u32;
    let mut day = from;
    while day <= to {
        let counts = match unit {
            Unit::WorkingDays => calendar.is_working(day),
            Unit::CalendarDays | Unit::Months => true,
        };
        if counts && !earlier.iter().any(|s| s.covers(day)) {
            taken += 1;
        }
        match day.succ_opt() {
            Some(next) => day = next,
            None => break,
        }
    }
    let mut due = current_due;
    match unit {
        Unit::WorkingDays => {
            while taken > 0 {
                due = due + Days::new(1);
                if calendar.is_working(due) && !stopped(due) {
                    taken -= 1;
                }
            }
        }
        Unit::CalendarDays | Unit::Months => due = due + Days::new(u64::from(taken)),
    }
    while !calendar.is_working(due) || stopped(due) {
        due = due + Days::new(1);
    }
    due
}

/// Why an extension was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExtensionError {
    #[error("an extension must move the due date later ({requested} is not after {current})")]
    NotLater { requested: NaiveDate, current: NaiveDate },
    #[error("{requested} is beyond the longest extension allowed ({cap}: {rule})")]
    BeyondCap { requested: NaiveDate, cap: NaiveDate, rule: String },
    #[error("{requested} is not a working day ({reason})")]
    NotWorkingDay { requested: NaiveDate, reason: String },
}

/// The latest date an extension may reach under `cap`: counted from the event or the original due
/// date as the norm says, the clock stopped on the suspensions, and moved off a non-working day
/// the way the norm says. Its warnings cover the days the cap's count passed.
pub fn extension_cap(
    calendar: &Calendar,
    cap: &ExtensionCap,
    event: NaiveDate,
    original_due: NaiveDate,
    decided: Option<NaiveDate>,
    suspensions: &[Suspension],
) -> Result<Option<(CapDate, Vec<Warning>)>, DeadlineError> {
    let anchor_date = match cap.anchor {
        CapAnchor::Event => event,
        CapAnchor::OriginalDue => original_due,
        // Counted from a decision not taken yet: there is no date until there is one.
        CapAnchor::ExtensionDecision => match decided {
            Some(day) => day,
            None => return Ok(None),
        },
    };
    let counted = compute(calendar, anchor_date, cap.period, suspensions)?;
    let raw_date = counted.raw_end.unwrap_or(counted.due);
    let date = match cap.on_non_working_day {
        NonWorkingEnd::NextWorkingDay => counted.due,
        NonWorkingEnd::Stays => raw_date,
        NonWorkingEnd::PreviousWorkingDay => {
            let mut day = raw_date;
            while (!calendar.is_working(day) || suspensions.iter().any(|s| s.covers(day))) && day > counted.start {
                day = day - Days::new(1);
            }
            day
        }
    };
    let capped = CapDate { date, anchor_date, raw_date, rule: cap.clone() };
    Ok(Some((capped, counted.warnings)))
}

/// Checks a requested extension: later than the current due date, within the cap, on a working day.
pub fn check_extension(
    calendar: &Calendar,
    cap: &CapDate,
    current_due: NaiveDate,
    requested: NaiveDate,
) -> Result<NaiveDate, ExtensionError> {
    if requested <= current_due {
        return Err(ExtensionError::NotLater { requested, current: current_due });
    }
    if requested > cap.date {
        return Err(ExtensionError::BeyondCap { requested, cap: cap.date, rule: cap.rule.text_en.clone() });
    }
    let reason = calendar.day(requested);
    if !reason.is_working() {
        return Err(ExtensionError::NotWorkingDay { requested, reason: reason.describe() });
    }
    Ok(requested)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn working(n: u32) -> Period {
        Period { amount: n, unit: Unit::WorkingDays }
    }

    fn art_76_cap() -> ExtensionCap {
        ExtensionCap {
            period: Period { amount: 2, unit: Unit::Months },
            anchor: CapAnchor::Event,
            on_non_working_day: NonWorkingEnd::NextWorkingDay,
            text_ru: "не более чем до двух месяцев".into(),
            text_kk: "екі айдан аспайтын".into(),
            text_en: "to no more than two months from receipt".into(),
            non_working_basis: "the general rule for periods".into(),
            end_confirmed: true,
            verified: true,
        }
    }

    #[test]
    fn fifteen_working_days_across_nauryz_2024() {
        // 15.03.2024 (Fri): 21–22 Mar holidays, 23 Mar a Saturday holiday moved to Mon 25 Mar.
        let c = Calendar::builtin();
        let due = compute(&c, d("2024-03-15"), working(15), &[]).unwrap();
        // Counted by hand: 18, 19, 20, 26, 27, 28, 29 March, 1–5, 8, 9, 10 April.
        assert_eq!(due.start, d("2024-03-16"));
        assert_eq!(due.due, d("2024-04-10"));
        let holidays: Vec<NaiveDate> = due
            .skipped
            .iter()
            .filter(|s| !matches!(s.reason, SkipReason::Calendar(DayReason::Weekend)))
            .map(|s| s.date)
            .collect();
        // 23 March is a Saturday, but it is reported as the holiday it is.
        assert_eq!(holidays, vec![d("2024-03-21"), d("2024-03-22"), d("2024-03-23"), d("2024-03-25")]);
        assert!(due.warnings.is_empty());
    }

    #[test]
    fn a_calendar_period_ending_on_a_day_off_moves_to_the_next_working_day() {
        let c = Calendar::builtin();
        // 28.12.2024 + 10 days = 07.01.2025, Orthodox Christmas (which never moves), so the
        // period ends on the next working day, 08.01.
        let due = compute(&c, d("2024-12-28"), Period { amount: 10, unit: Unit::CalendarDays }, &[]).unwrap();
        assert_eq!(due.raw_end, Some(d("2025-01-07")));
        assert_eq!(due.due, d("2025-01-08"));
        assert!(
            matches!(&due.skipped[0].reason, SkipReason::Calendar(DayReason::Holiday { name_en, .. }) if name_en == "Orthodox Christmas")
        );
    }

    #[test]
    fn months_clamp_to_the_end_of_a_shorter_month() {
        let c = Calendar::builtin();
        let due = compute(&c, d("2024-01-31"), Period { amount: 1, unit: Unit::Months }, &[]).unwrap();
        assert_eq!(due.raw_end, Some(d("2024-02-29")));
        assert_eq!(due.due, d("2024-02-29"));
    }

    #[test]
    fn a_suspension_stops_the_clock() {
        let c = Calendar::builtin();
        let plain = compute(&c, d("2024-10-01"), working(5), &[]).unwrap();
        assert_eq!(plain.due, d("2024-10-08"));
        let stopped =
            compute(&c, d("2024-10-01"), working(5), &[Suspension { from: d("2024-10-03"), to: d("2024-10-04") }])
                .unwrap();
        assert_eq!(stopped.due, d("2024-10-10"));
    }

    /// Art. 76: the term runs "to no more than two months" — from receipt, not from the first due
    /// date. Received 15.03.2024: the cap is 15.05.2024, not 10.06.2024.
    #[test]
    fn the_extension_cap_of_art_76_counts_two_months_from_receipt() {
        let c = Calendar::builtin();
        let event = d("2024-03-15");
        let original = compute(&c, event, working(15), &[]).unwrap().due;
        assert_eq!(original, d("2024-04-10"));
        let (cap, _) = extension_cap(&c, &art_76_cap(), event, original, None, &[]).unwrap().unwrap();
        assert_eq!((cap.anchor_date, cap.raw_date, cap.date), (event, d("2024-05-15"), d("2024-05-15")));
        assert!(matches!(check_extension(&c, &cap, original, d("2024-05-16")), Err(ExtensionError::BeyondCap { .. })));
        assert_eq!(check_extension(&c, &cap, original, d("2024-05-15")), Ok(d("2024-05-15")));
        assert!(matches!(check_extension(&c, &cap, original, original), Err(ExtensionError::NotLater { .. })));
        assert!(matches!(
            check_extension(&c, &cap, original, d("2024-05-08")),
            Err(ExtensionError::NotWorkingDay { .. })
        ));
        // The other anchor, for norms that count the cap from the original due date.
        let from_due = ExtensionCap { anchor: CapAnchor::OriginalDue, ..art_76_cap() };
        let (cap, _) = extension_cap(&c, &from_due, event, original, None, &[]).unwrap().unwrap();
        assert_eq!(cap.date, d("2024-06-10")); // 10.06.2024 is a Monday
    }

    #[test]
    fn a_cap_on_a_non_working_day_lands_where_the_norm_says() {
        let c = Calendar::builtin();
        // Received Monday 08.04.2024: two months reach Saturday 08.06.2024.
        let event = d("2024-04-08");
        let strict = ExtensionCap { on_non_working_day: NonWorkingEnd::PreviousWorkingDay, ..art_76_cap() };
        let (next, _) = extension_cap(&c, &art_76_cap(), event, event, None, &[]).unwrap().unwrap();
        let (previous, _) = extension_cap(&c, &strict, event, event, None, &[]).unwrap().unwrap();
        assert_eq!(next.raw_date, d("2024-06-08"));
        assert_eq!(next.date, d("2024-06-10"), "the next working day after Saturday 08.06.2024");
        assert_eq!(previous.date, d("2024-06-07"), "the last working day before it");
    }

    #[test]
    fn a_deadline_reaching_into_a_year_without_a_document_warns_loudly() {
        let c = Calendar::builtin();
        let due = compute(&c, d("2028-12-20"), working(15), &[]).unwrap();
        assert!(due.warnings.contains(&Warning::NoCalendar { year: 2029, by_rule: true }), "{:?}", due.warnings);
        assert!(due.warnings.iter().any(|w| w.text().starts_with("NO working-day calendar document for 2029")));
    }

    #[test]
    fn periods_and_dates_beyond_the_bounds_are_errors() {
        let c = Calendar::builtin();
        let event = d("2024-01-01");
        for (amount, unit) in [(0, Unit::WorkingDays), (100_000_000, Unit::CalendarDays), (4_000_000_000, Unit::Months)]
        {
            assert!(compute(&c, event, Period { amount, unit }, &[]).is_err(), "{amount} {unit:?}");
        }
        assert!(compute(&c, d("2200-01-01"), working(1), &[]).is_err());
        let backwards = Suspension { from: d("2024-02-01"), to: d("2024-01-01") };
        assert!(compute(&c, event, working(5), &[backwards]).is_err());
    }
}
