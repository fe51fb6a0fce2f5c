//! Kazakhstan's working-day calendar, as data: one document per year listing public holidays,
//! days off moved from holidays that fell on a weekend, transfers of days off by decree, and the
//! elements of the year still pending (transfers not yet published, a holiday date not yet
//! announced), each with its source. The product ships 2018–2027 under assets/calendar/; an
//! administrator can add a year (`ekn calendar import`) without a new release.
//!
//! The calendar answers one question, with its reason: is this date a working day? A year without
//! a document gets the statutory holidays by rule (`statutory`), with a weekend holiday moved to
//! the next working day, and is *flagged*: the Government's transfers and the date of Kurban Ait
//! cannot be known by rule, so a deadline that reaches into such a year says so.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use super::statutory::{RuleDay, StatutoryRules};

/// The years the product computes with. Dates outside them are refused at the door, which keeps
/// every date sum far from chrono's limits and every table bounded.
pub const FIRST_YEAR: i32 = 1990;
pub const LAST_YEAR: i32 = 2100;

/// Whether `date` lies in the years the product computes with.
pub fn in_supported_years(date: NaiveDate) -> bool {
    (FIRST_YEAR..=LAST_YEAR).contains(&date.year())
}

/// One year's calendar document (the format of assets/calendar/kz-YYYY.json).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct YearCalendar {
    pub year: i32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub week: Option<String>,
    #[serde(default)]
    pub sources: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub holidays: Vec<Holiday>,
    #[serde(default)]
    pub moved_days_off: Vec<MovedDayOff>,
    #[serde(default)]
    pub transfers: Vec<Transfer>,
    /// What is not known yet about the year: every result touching these dates warns.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pending: Vec<Pending>,
}

/// An element of a year that is not yet known, over the dates it could affect: transfers not yet
/// published (the whole year), a religious holiday whose date is not announced (a few days).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Pending {
    /// `transfers`, `kurban`, … — what is pending.
    pub element: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub name_ru: String,
    pub name_kk: String,
    pub name_en: String,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Holiday {
    pub date: NaiveDate,
    /// A stable key (`nauryz`, `kurban`, …) shared by the days of one holiday.
    pub holiday: String,
    pub name_ru: String,
    pub name_kk: String,
    pub name_en: String,
    /// False for the religious holidays (Kurban Ait, Orthodox Christmas), which never move.
    pub moves_if_weekend: bool,
    pub source: String,
    /// False when the date is expected but not yet confirmed by an official act.
    pub confirmed: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct MovedDayOff {
    pub date: NaiveDate,
    pub for_holiday: NaiveDate,
    pub name_ru: String,
    pub name_kk: String,
    pub name_en: String,
    pub source: String,
    pub confirmed: bool,
}

/// A transfer by decree: `working_day` (usually a Saturday) is worked, `day_off` is rested.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Transfer {
    pub working_day: NaiveDate,
    pub day_off: NaiveDate,
    pub act: String,
    pub confirmed: bool,
}

/// Why a date is or is not a working day. Serialised into every deadline explanation.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DayReason {
    Working,
    /// A weekend day made a working day by a transfer.
    TransferredWorkingDay {
        act: String,
        confirmed: bool,
    },
    Weekend,
    Holiday {
        name_ru: String,
        name_kk: String,
        name_en: String,
        source: String,
        confirmed: bool,
    },
    /// The next working day after a holiday that fell on a weekend.
    MovedDayOff {
        for_holiday: NaiveDate,
        name_ru: String,
        name_kk: String,
        name_en: String,
        source: String,
    },
    /// A weekday made a day off by a transfer.
    TransferredDayOff {
        act: String,
        confirmed: bool,
    },
    /// A statutory holiday applied by rule in a year that has no calendar document.
    StatutoryHoliday {
        name_ru: String,
        name_kk: String,
        name_en: String,
        source: String,
        confirmed: bool,
    },
    /// The day off the rule moves from a weekend holiday, in a year without a document.
    StatutoryMovedDayOff {
        for_holiday: NaiveDate,
        name_ru: String,
        name_kk: String,
        name_en: String,
        source: String,
    },
    /// The calendar has no document for this year and the rules make nothing of the day: judged
    /// by the weekday alone (a transfer or Kurban Ait could still make it a day off).
    UnknownYear {
        weekend: bool,
    },
}

impl DayReason {
    pub fn is_working(&self) -> bool {
        match self {
            DayReason::Working | DayReason::TransferredWorkingDay { .. } => true,
            DayReason::UnknownYear { weekend } => !weekend,
            _ => false,
        }
    }

    /// A short English description for logs and the command line.
    pub fn describe(&self) -> String {
        match self {
            DayReason::Working => "working day".into(),
            DayReason::TransferredWorkingDay { act, .. } => format!("working day by transfer ({act})"),
            DayReason::Weekend => "weekend".into(),
            DayReason::Holiday { name_en, confirmed, .. } => {
                format!("public holiday: {name_en}{}", if *confirmed { "" } else { " (date not confirmed)" })
            }
            DayReason::MovedDayOff { for_holiday, name_en, .. } => {
                format!("day off moved from the holiday of {for_holiday} that fell on a weekend ({name_en})")
            }
            DayReason::TransferredDayOff { act, .. } => format!("day off by transfer ({act})"),
            DayReason::StatutoryHoliday { name_en, confirmed, .. } => format!(
                "public holiday by statute: {name_en}{} (no calendar document for this year)",
                if *confirmed { "" } else { ", not confirmed" }
            ),
            DayReason::StatutoryMovedDayOff { for_holiday, name_en, .. } => format!(
                "day off moved by rule from the holiday of {for_holiday} that fell on a weekend ({name_en}; no calendar document for this year)"
            ),
            DayReason::UnknownYear { weekend: true } => "weekend (no calendar for this year)".into(),
            DayReason::UnknownYear { weekend: false } => "assumed working day (NO calendar for this year)".into(),
        }
    }
}

/// Why a year document was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("not a calendar document: {0}")]
    Format(String),
    #[error("year {year}: {what} {date} is not in that year")]
    OutsideYear { year: i32, what: &'static str, date: NaiveDate },
    #[error("year {year}: {date} is listed twice")]
    Duplicate { year: i32, date: NaiveDate },
    #[error("year {year}: the transfer makes {date} a working day, but it is not a day off")]
    TransferFromWorkingDay { year: i32, date: NaiveDate },
    #[error("year {year}: the transfer makes {date} a day off, but it is not a working day")]
    TransferToDayOff { year: i32, date: NaiveDate },
    #[error("year {year} is outside the years the product computes with ({FIRST_YEAR}–{LAST_YEAR})")]
    YearOutOfRange { year: i32 },
    #[error("year {year}: {what} lists {count} entries, more than the {limit} a year can have")]
    TooMany { year: i32, what: &'static str, count: usize, limit: usize },
    #[error("year {year}: {what} on {date} has an empty {field}")]
    Empty { year: i32, what: &'static str, date: NaiveDate, field: &'static str },
    #[error("year {year}: the pending element '{element}' ends ({to}) before it starts ({from})")]
    PendingBackwards { year: i32, element: String, from: NaiveDate, to: NaiveDate },
}

impl YearCalendar {
    /// Reads and checks a year document.
    pub fn from_json(text: &str) -> Result<YearCalendar, CalendarError> {
        let deserializer = &mut serde_json::Deserializer::from_str(text);
        let year: YearCalendar = serde_path_to_error::deserialize(deserializer).map_err(|e| {
            let field = e.path().to_string();
            let inner = e.into_inner();
            let reason = inner.to_string();
            let reason = reason.rfind(" at line ").map_or(reason.as_str(), |at| &reason[..at]).to_string();
            CalendarError::Format(format!("line {}, column {}, field {field}: {reason}", inner.line(), inner.column()))
        })?;
        year.validate()?;
        Ok(year)
    }

    fn validate(&self) -> Result<(), CalendarError> {
        let y = self.year;
        if !(FIRST_YEAR..=LAST_YEAR).contains(&y) {
            return Err(CalendarError::YearOutOfRange { year: y });
        }
        // A real year has some fifteen holidays; the limits keep a damaged document from making
        // the whole year a holiday (and every search for the next working day endless).
        for (what, count, limit) in [
            ("holidays", self.holidays.len(), 40),
            ("moved_days_off", self.moved_days_off.len(), 20),
            ("transfers", self.transfers.len(), 20),
            ("pending", self.pending.len(), 20),
        ] {
            if count > limit {
                return Err(CalendarError::TooMany { year: y, what, count, limit });
            }
        }
        for h in &self.holidays {
            for (field, value) in
                [("name_ru", &h.name_ru), ("name_kk", &h.name_kk), ("name_en", &h.name_en), ("source", &h.source)]
            {
                if value.trim().is_empty() {
                    return Err(CalendarError::Empty { year: y, what: "the holiday", date: h.date, field });
                }
            }
        }
        for t in &self.transfers {
            if t.act.trim().is_empty() {
                return Err(CalendarError::Empty { year: y, what: "the transfer", date: t.day_off, field: "act" });
            }
        }
        for p in &self.pending {
            if p.to < p.from {
                return Err(CalendarError::PendingBackwards {
                    year: y,
                    element: p.element.clone(),
                    from: p.from,
                    to: p.to,
                });
            }
            for date in [p.from, p.to] {
                if date.year() != y {
                    return Err(CalendarError::OutsideYear { year: y, what: "pending element", date });
                }
            }
            if p.name_en.trim().is_empty() || p.source.trim().is_empty() {
                return Err(CalendarError::Empty {
                    year: y,
                    what: "the pending element",
                    date: p.from,
                    field: "name_en/source",
                });
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        let in_year = |what, date: NaiveDate| {
            if date.year() == y {
                Ok(())
            } else {
                Err(CalendarError::OutsideYear { year: y, what, date })
            }
        };
        for h in &self.holidays {
            in_year("holiday", h.date)?;
            if !seen.insert(h.date) {
                return Err(CalendarError::Duplicate { year: y, date: h.date });
            }
        }
        for m in &self.moved_days_off {
            in_year("moved day off", m.date)?;
            if !seen.insert(m.date) {
                return Err(CalendarError::Duplicate { year: y, date: m.date });
            }
        }
        let base = Calendar::from_years([YearCalendar { transfers: Vec::new(), ..self.clone() }]);
        for t in &self.transfers {
            in_year("transfer", t.working_day)?;
            in_year("transfer", t.day_off)?;
            if base.day(t.working_day).is_working() {
                return Err(CalendarError::TransferFromWorkingDay { year: y, date: t.working_day });
            }
            if !base.day(t.day_off).is_working() {
                return Err(CalendarError::TransferToDayOff { year: y, date: t.day_off });
            }
        }
        Ok(())
    }
}

/// The shipped year documents, built into the binary.
const BUILTIN: &[&str] = &[
    include_str!("../../../assets/calendar/kz-2018.json"),
    include_str!("../../../assets/calendar/kz-2019.json"),
    include_str!("../../../assets/calendar/kz-2020.json"),
    include_str!("../../../assets/calendar/kz-2021.json"),
    include_str!("../../../assets/calendar/kz-2022.json"),
    include_str!("../../../assets/calendar/kz-2023.json"),
    include_str!("../../../assets/calendar/kz-2024.json"),
    include_str!("../../../assets/calendar/kz-2025.json"),
    include_str!("../../../assets/calendar/kz-2026.json"),
    include_str!("../../../assets/calendar/kz-2027.json"),
];

/// A set of year calendars; each date is looked up in O(log n), and working days between two
/// dates are counted in O(1) from a prefix sum over the known years (plus a margin either side),
/// because dashboards count them for every one of many thousands of tasks. Years without a
/// document inside that range are filled from the statutory rules once; further years are
/// answered by the rules on demand.
#[derive(Debug, Clone, PartialEq)]
pub struct Calendar {
    years: BTreeMap<i32, YearCalendar>,
    rules: std::sync::Arc<StatutoryRules>,
    days: BTreeMap<NaiveDate, DayReason>,
    /// Years without a document whose rule days are in `days`.
    by_rule: std::collections::BTreeSet<i32>,
    /// `prefix[i]` = working days in `[prefix_start, prefix_start + i)`.
    prefix_start: Option<NaiveDate>,
    prefix: Vec<u32>,
}

impl Default for Calendar {
    fn default() -> Calendar {
        Calendar {
            years: BTreeMap::new(),
            rules: std::sync::Arc::new(StatutoryRules::builtin()),
            days: BTreeMap::new(),
            by_rule: Default::default(),
            prefix_start: None,
            prefix: Vec::new(),
        }
    }
}

/// The reason the rules give `date`, if they make it a day off.
fn rule_reason(day: &RuleDay<'_>) -> DayReason {
    match day {
        RuleDay::Holiday(h) => DayReason::StatutoryHoliday {
            name_ru: h.name_ru.clone(),
            name_kk: h.name_kk.clone(),
            name_en: h.name_en.clone(),
            source: h.basis.clone(),
            confirmed: h.confirmed,
        },
        RuleDay::Moved { for_holiday, holiday } => DayReason::StatutoryMovedDayOff {
            for_holiday: *for_holiday,
            name_ru: format!("Перенос выходного: {}", holiday.name_ru),
            name_kk: format!("Демалыс күнін ауыстыру: {}", holiday.name_kk),
            name_en: format!("Day off moved from {}", holiday.name_en),
            source: holiday.basis.clone(),
        },
    }
}

impl Calendar {
    /// The calendar shipped with the product (2018–2027, and the statutory rules for other years).
    pub fn builtin() -> Calendar {
        Calendar::from_years(
            BUILTIN.iter().map(|text| YearCalendar::from_json(text).expect("shipped calendar files are valid")),
        )
    }

    pub fn from_years(years: impl IntoIterator<Item = YearCalendar>) -> Calendar {
        let mut calendar = Calendar::default();
        for year in years {
            calendar.insert_year(year);
        }
        calendar.rebuild();
        calendar
    }

    /// The statutory rules years without a document follow.
    pub fn rules(&self) -> &StatutoryRules {
        &self.rules
    }

    /// Adds a year, or replaces the year's document with a newer one.
    pub fn set_year(&mut self, year: YearCalendar) {
        self.insert_year(year);
        self.rebuild();
    }

    fn insert_year(&mut self, year: YearCalendar) {
        self.years.insert(year.year, year);
    }

    /// Rebuilds the day table and the prefix sum: documents' days, then rule days for the years
    /// without a document from one year before the first document to three after the last.
    fn rebuild(&mut self) {
        self.days.clear();
        self.by_rule.clear();
        for year in self.years.values() {
            for h in &year.holidays {
                self.days.insert(
                    h.date,
                    DayReason::Holiday {
                        name_ru: h.name_ru.clone(),
                        name_kk: h.name_kk.clone(),
                        name_en: h.name_en.clone(),
                        source: h.source.clone(),
                        confirmed: h.confirmed,
                    },
                );
            }
            for m in &year.moved_days_off {
                self.days.insert(
                    m.date,
                    DayReason::MovedDayOff {
                        for_holiday: m.for_holiday,
                        name_ru: m.name_ru.clone(),
                        name_kk: m.name_kk.clone(),
                        name_en: m.name_en.clone(),
                        source: m.source.clone(),
                    },
                );
            }
            // Transfers come last: a decree can make even a moved day off a working day (11.05.2020).
            for t in &year.transfers {
                self.days.insert(
                    t.working_day,
                    DayReason::TransferredWorkingDay { act: t.act.clone(), confirmed: t.confirmed },
                );
                self.days
                    .insert(t.day_off, DayReason::TransferredDayOff { act: t.act.clone(), confirmed: t.confirmed });
            }
        }
        let (Some(&first), Some(&last)) = (self.years.keys().next(), self.years.keys().next_back()) else {
            self.prefix_start = None;
            self.prefix.clear();
            return;
        };
        let (from, to) = ((first - 1).max(FIRST_YEAR), (last + 2).min(LAST_YEAR));
        for y in (from..=to).filter(|y| !self.years.contains_key(y)) {
            for (date, day) in self.rules.days_off(y) {
                self.days.insert(date, rule_reason(&day));
            }
            self.by_rule.insert(y);
        }
        let start = NaiveDate::from_ymd_opt(from, 1, 1).expect("bounded year");
        let end = NaiveDate::from_ymd_opt(to + 1, 1, 1).expect("bounded year");
        let mut prefix = Vec::with_capacity((end - start).num_days() as usize + 1);
        prefix.push(0);
        let mut day = start;
        let mut count = 0;
        while day < end {
            count += u32::from(self.is_working(day));
            prefix.push(count);
            day = day.succ_opt().expect("bounded year");
        }
        self.prefix_start = Some(start);
        self.prefix = prefix;
    }

    /// Working days after `after` up to and including `until` (0 when `until <= after`).
    pub fn working_days_after(&self, after: NaiveDate, until: NaiveDate) -> u32 {
        if until <= after {
            return 0;
        }
        if let Some(start) = self.prefix_start {
            let index = |d: NaiveDate| (d - start).num_days();
            let (a, b) = (index(after) + 1, index(until) + 1);
            if a >= 0 && (b as usize) < self.prefix.len() {
                return self.prefix[b as usize] - self.prefix[a as usize];
            }
        }
        let mut count = 0;
        let mut day = after;
        while day < until {
            let Some(next) = day.succ_opt() else { break };
            day = next;
            count += u32::from(self.is_working(day));
        }
        count
    }

    /// True when the year has a calendar document (shipped or imported).
    pub fn has_year(&self, year: i32) -> bool {
        self.years.contains_key(&year)
    }

    pub fn years(&self) -> impl Iterator<Item = &YearCalendar> {
        self.years.values()
    }

    pub fn year(&self, year: i32) -> Option<&YearCalendar> {
        self.years.get(&year)
    }

    /// The pending elements of the documents that overlap `from..=to`.
    pub fn pending_between(&self, from: NaiveDate, to: NaiveDate) -> Vec<&Pending> {
        self.years
            .range(from.year()..=to.year())
            .flat_map(|(_, y)| y.pending.iter())
            .filter(|p| p.from <= to && p.to >= from)
            .collect()
    }

    /// What kind of day `date` is, and why.
    pub fn day(&self, date: NaiveDate) -> DayReason {
        let weekend = matches!(date.weekday(), Weekday::Sat | Weekday::Sun);
        let year = date.year();
        if self.years.contains_key(&year) {
            return match self.days.get(&date) {
                Some(reason) => reason.clone(),
                None if weekend => DayReason::Weekend,
                None => DayReason::Working,
            };
        }
        if self.by_rule.contains(&year) {
            return self.days.get(&date).cloned().unwrap_or(DayReason::UnknownYear { weekend });
        }
        // A year far from the documents: the rules, computed for this one question.
        self.rules
            .days_off(year)
            .iter()
            .find(|(d, _)| *d == date)
            .map(|(_, day)| rule_reason(day))
            .unwrap_or(DayReason::UnknownYear { weekend })
    }

    pub fn is_working(&self, date: NaiveDate) -> bool {
        self.day(date).is_working()
    }

    /// The first working day on or after `date`. Bounded: documents are validated to hold at most
    /// a few dozen days off a year, so a working day always comes within weeks.
    pub fn next_working_on_or_after(&self, date: NaiveDate) -> NaiveDate {
        let mut d = date;
        while !self.is_working(d) {
            match d.succ_opt() {
                Some(next) => d = next,
                None => break,
            }
        }
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_shipped_years_are_2018_to_2027() {
        let c = Calendar::builtin();
        assert!((2018..=2027).all(|y| c.has_year(y)));
        assert!(!c.has_year(2028));
    }

    #[test]
    fn counting_with_the_prefix_agrees_with_walking_day_by_day() {
        let c = Calendar::builtin();
        let walk = |a: NaiveDate, b: NaiveDate| {
            let mut n = 0;
            let mut day = a;
            while day < b {
                day = day.succ_opt().unwrap();
                n += u32::from(c.is_working(day));
            }
            n
        };
        for (a, b) in [
            ("2016-12-01", "2017-02-01"),
            ("2024-03-15", "2024-04-10"),
            ("2028-12-20", "2030-01-10"),
            ("2024-01-01", "2024-01-01"),
        ] {
            assert_eq!(c.working_days_after(d(a), d(b)), walk(d(a), d(b)), "{a}..{b}");
        }
    }

    #[test]
    fn days_in_a_year_without_a_document_are_flagged_and_get_the_statutory_holidays() {
        let c = Calendar::builtin();
        assert_eq!(c.day(d("2030-03-06")), DayReason::UnknownYear { weekend: false });
        assert!(c.is_working(d("2030-03-06")));
        // 2030, inside the prefix range, and 2045, answered by the rules on demand.
        for (day, kind) in [("2030-01-01", "holiday"), ("2045-12-16", "holiday"), ("2045-12-18", "moved")] {
            match (c.day(d(day)), kind) {
                (DayReason::StatutoryHoliday { .. }, "holiday") | (DayReason::StatutoryMovedDayOff { .. }, "moved") => {
                }
                (other, _) => panic!("{day}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_transfer_from_a_working_day_is_refused() {
        let mut year: YearCalendar = serde_json::from_str(BUILTIN[6]).unwrap();
        year.transfers[0].working_day = d("2024-05-06"); // a Monday
        assert_eq!(year.validate(), Err(CalendarError::TransferFromWorkingDay { year: 2024, date: d("2024-05-06") }));
    }
}
