//! Procedural deadlines computed the way the law counts them, each with its explanation.
//!
//! Rules (DOMAIN.md): a period starts the day after the triggering event; a period of N working
//! days ends on the N-th working day after the event; a period of calendar days or months that
//! ends on a non-working day moves to the next working day. Suspensions stop the clock for the
//! days they cover; extensions move the due date later, never earlier, within a cap. The
//! explanation lists the start, every day skipped and why, and every warning (an unknown
//! calendar year, an unconfirmed holiday date), so a prosecutor can check a date by hand.

use chrono::{Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use super::calendar::{Calendar, DayReason};

/// How a period is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    WorkingDays,
    CalendarDays,
    Months,
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

/// A computed due date with its explanation.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Deadline {
    pub event: NaiveDate,
    pub period: Period,
    /// The first day of the period: the day after the event.
    pub start: NaiveDate,
    /// For calendar days and months: the date the count reaches before any move to a working day.
    pub raw_end: Option<NaiveDate>,
    pub due: NaiveDate,
    /// Every day skipped between the start and the due date, and why.
    pub skipped: Vec<SkippedDay>,
    pub suspensions: Vec<Suspension>,
    /// Problems a person must know of: unknown calendar years, unconfirmed holiday dates.
    pub warnings: Vec<String>,
}

/// Computes the due date of `period` counted from `event`, the clock stopped on `suspensions`.
pub fn compute(calendar: &Calendar, event: NaiveDate, period: Period, suspensions: &[Suspension]) -> Deadline {
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
                _ => event.checked_add_months(Months::new(period.amount)).expect("dates stay far from chrono's limits"),
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
            while !calendar.is_working(due) || suspended(due) {
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
    Deadline { event, period, start, raw_end, due, skipped, suspensions: suspensions.to_vec(), warnings }
}

/// How many working days lie after `event` up to and including `until` (the count backwards).
pub fn working_days_between(calendar: &Calendar, event: NaiveDate, until: NaiveDate) -> u32 {
    calendar.working_days_after(event, until)
}

/// The moved days off that the rule gives for a year's holidays: each holiday that moves and falls
/// on a weekend gives the next weekday that is neither a holiday nor already a moved day. Used to
/// check calendar documents, whose moved days must agree with the law's rule.
pub fn moved_days_by_rule(year: &super::calendar::YearCalendar) -> Vec<(NaiveDate, NaiveDate)> {
    use chrono::{Datelike, Weekday};
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

/// Warnings for the stretch of dates a deadline depends on.
pub fn warnings_between(calendar: &Calendar, from: NaiveDate, to: NaiveDate) -> Vec<String> {
    let mut warnings = Vec::new();
    let mut day = from;
    while day <= to {
        match calendar.day(day) {
            DayReason::UnknownYear { .. } => {
                let year = chrono::Datelike::year(&day);
                let text = format!(
                    "NO working-day calendar for {year}: its days were judged by the weekday alone; \
                     add the {year} calendar (ekn calendar import) and recompute"
                );
                if !warnings.contains(&text) {
                    warnings.push(text);
                }
            }
            DayReason::Holiday { confirmed: false, name_en, .. } => {
                warnings.push(format!("the date of {name_en} on {day} is not confirmed by an official act yet"));
            }
            DayReason::TransferredDayOff { confirmed: false, .. }
            | DayReason::TransferredWorkingDay { confirmed: false, .. } => {
                warnings.push(format!("the transfer of days off affecting {day} is not confirmed"));
            }
            _ => {}
        }
        day = day + Days::new(1);
    }
    warnings
}

/// Why an extension was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExtensionError {
    #[error("an extension cannot move the due date earlier ({requested} is before {current})")]
    Shortens { requested: NaiveDate, current: NaiveDate },
    #[error("{requested} is beyond the longest extension allowed ({cap}: {rule})")]
    BeyondCap { requested: NaiveDate, cap: NaiveDate, rule: String },
    #[error("{requested} is not a working day ({reason})")]
    NotWorkingDay { requested: NaiveDate, reason: String },
}

/// The latest date an extension may reach: the original due date plus the cap period (for
/// АППК art. 76, two months), moved to a working day if it falls on a day off.
pub fn extension_cap(calendar: &Calendar, original_due: NaiveDate, cap: Period) -> NaiveDate {
    compute(calendar, original_due, cap, &[]).due
}

/// Checks a requested extension: later than the current due date, within the cap, on a working day.
pub fn check_extension(
    calendar: &Calendar,
    original_due: NaiveDate,
    current_due: NaiveDate,
    requested: NaiveDate,
    cap: Period,
) -> Result<NaiveDate, ExtensionError> {
    if requested < current_due {
        return Err(ExtensionError::Shortens { requested, current: current_due });
    }
    let cap_date = extension_cap(calendar, original_due, cap);
    if requested > cap_date {
        return Err(ExtensionError::BeyondCap {
            requested,
            cap: cap_date,
            rule: format!("at most {}", cap.describe()),
        });
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

    #[test]
    fn fifteen_working_days_across_nauryz_2024() {
        // 15.03.2024 (Fri): 21–22 Mar holidays, 23 Mar a Saturday holiday moved to Mon 25 Mar.
        let c = Calendar::builtin();
        let due = compute(&c, d("2024-03-15"), working(15), &[]);
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
        let due = compute(&c, d("2024-12-28"), Period { amount: 10, unit: Unit::CalendarDays }, &[]);
        assert_eq!(due.raw_end, Some(d("2025-01-07")));
        assert_eq!(due.due, d("2025-01-08"));
        assert!(
            matches!(&due.skipped[0].reason, SkipReason::Calendar(DayReason::Holiday { name_en, .. }) if name_en == "Orthodox Christmas")
        );
    }

    #[test]
    fn months_clamp_to_the_end_of_a_shorter_month() {
        let c = Calendar::builtin();
        let due = compute(&c, d("2024-01-31"), Period { amount: 1, unit: Unit::Months }, &[]);
        assert_eq!(due.raw_end, Some(d("2024-02-29")));
        assert_eq!(due.due, d("2024-02-29"));
    }

    #[test]
    fn a_suspension_stops_the_clock() {
        let c = Calendar::builtin();
        let plain = compute(&c, d("2024-10-01"), working(5), &[]);
        assert_eq!(plain.due, d("2024-10-08"));
        let stopped =
            compute(&c, d("2024-10-01"), working(5), &[Suspension { from: d("2024-10-03"), to: d("2024-10-04") }]);
        assert_eq!(stopped.due, d("2024-10-10"));
    }

    #[test]
    fn extensions_never_shorten_and_respect_the_cap() {
        let c = Calendar::builtin();
        let two_months = Period { amount: 2, unit: Unit::Months };
        let original = d("2024-04-09");
        assert_eq!(extension_cap(&c, original, two_months), d("2024-06-10")); // 09.06 is a Sunday
        assert!(matches!(
            check_extension(&c, original, original, d("2024-04-01"), two_months),
            Err(ExtensionError::Shortens { .. })
        ));
        assert!(matches!(
            check_extension(&c, original, original, d("2024-06-11"), two_months),
            Err(ExtensionError::BeyondCap { .. })
        ));
        assert!(matches!(
            check_extension(&c, original, original, d("2024-05-08"), two_months),
            Err(ExtensionError::NotWorkingDay { .. })
        ));
        assert_eq!(check_extension(&c, original, original, d("2024-05-10"), two_months), Ok(d("2024-05-10")));
    }

    #[test]
    fn a_deadline_reaching_into_an_unknown_year_warns_loudly() {
        let c = Calendar::builtin();
        let due = compute(&c, d("2026-12-20"), working(15), &[]);
        assert!(due.warnings.iter().any(|w| w.starts_with("NO working-day calendar for 2027")), "{:?}", due.warnings);
    }
}
