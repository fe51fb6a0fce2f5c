//! Kazakhstan's working-day calendar, as data: one document per year listing public holidays,
//! days off moved from holidays that fell on a weekend, and transfers of days off by decree, each
//! with its source. The product ships 2018–2026 under assets/calendar/; an administrator can add a
//! year (`ekn calendar import`) without a new release.
//!
//! The calendar answers one question, with its reason: is this date a working day? A date in a
//! year the calendar does not know is answered by the weekday alone *and flagged*, so a deadline
//! that reaches into an unknown year says so instead of silently trusting Monday–Friday.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

/// One year's calendar document (the format of assets/calendar/kz-YYYY.json).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct YearCalendar {
    pub year: i32,
    #[serde(default)]
    pub sources: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub holidays: Vec<Holiday>,
    #[serde(default)]
    pub moved_days_off: Vec<MovedDayOff>,
    #[serde(default)]
    pub transfers: Vec<Transfer>,
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
    /// The calendar has no document for this year: judged by the weekday alone.
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
}

impl YearCalendar {
    /// Reads and checks a year document.
    pub fn from_json(text: &str) -> Result<YearCalendar, CalendarError> {
        let year: YearCalendar = serde_json::from_str(text).map_err(|e| CalendarError::Format(e.to_string()))?;
        year.validate()?;
        Ok(year)
    }

    fn validate(&self) -> Result<(), CalendarError> {
        let y = self.year;
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
    include_str!("../../assets/calendar/kz-2018.json"),
    include_str!("../../assets/calendar/kz-2019.json"),
    include_str!("../../assets/calendar/kz-2020.json"),
    include_str!("../../assets/calendar/kz-2021.json"),
    include_str!("../../assets/calendar/kz-2022.json"),
    include_str!("../../assets/calendar/kz-2023.json"),
    include_str!("../../assets/calendar/kz-2024.json"),
    include_str!("../../assets/calendar/kz-2025.json"),
    include_str!("../../assets/calendar/kz-2026.json"),
];

/// A set of year calendars; each date is looked up in O(log n), and working days between two
/// dates are counted in O(1) from a prefix sum over the known years (plus a margin either side),
/// because dashboards count them for every one of many thousands of tasks.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Calendar {
    years: BTreeMap<i32, YearCalendar>,
    days: BTreeMap<NaiveDate, DayReason>,
    /// `prefix[i]` = working days in `[prefix_start, prefix_start + i)`.
    prefix_start: Option<NaiveDate>,
    prefix: Vec<u32>,
}

impl Calendar {
    /// The calendar shipped with the product (2018–2026).
    pub fn builtin() -> Calendar {
        Calendar::from_years(
            BUILTIN.iter().map(|text| YearCalendar::from_json(text).expect("shipped calendar files are valid")),
        )
    }

    pub fn from_years(years: impl IntoIterator<Item = YearCalendar>) -> Calendar {
        let mut calendar = Calendar::default();
        for year in years {
            calendar.set_year(year);
        }
        calendar
    }

    /// Adds a year, or replaces the year's document with a newer one.
    pub fn set_year(&mut self, year: YearCalendar) {
        let y = year.year;
        self.days.retain(|date, _| date.year() != y);
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
            self.days
                .insert(t.working_day, DayReason::TransferredWorkingDay { act: t.act.clone(), confirmed: t.confirmed });
            self.days.insert(t.day_off, DayReason::TransferredDayOff { act: t.act.clone(), confirmed: t.confirmed });
        }
        self.years.insert(y, year);
        self.rebuild_prefix();
    }

    /// Recomputes the prefix sum over the known years, one year of margin before, two after.
    fn rebuild_prefix(&mut self) {
        let (Some(first), Some(last)) = (self.years.keys().next(), self.years.keys().next_back()) else {
            self.prefix_start = None;
            self.prefix.clear();
            return;
        };
        let start = NaiveDate::from_ymd_opt(first - 1, 1, 1).expect("valid year");
        let end = NaiveDate::from_ymd_opt(last + 3, 1, 1).expect("valid year");
        let mut prefix = Vec::with_capacity((end - start).num_days() as usize + 1);
        prefix.push(0);
        let mut day = start;
        let mut count = 0;
        while day < end {
            count += u32::from(self.is_working(day));
            prefix.push(count);
            day = day.succ_opt().expect("dates stay far from chrono's limits");
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
            day = day.succ_opt().expect("dates stay far from chrono's limits");
            count += u32::from(self.is_working(day));
        }
        count
    }

    pub fn has_year(&self, year: i32) -> bool {
        self.years.contains_key(&year)
    }

    pub fn years(&self) -> impl Iterator<Item = &YearCalendar> {
        self.years.values()
    }

    pub fn year(&self, year: i32) -> Option<&YearCalendar> {
        self.years.get(&year)
    }

    /// What kind of day `date` is, and why.
    pub fn day(&self, date: NaiveDate) -> DayReason {
        let weekend = matches!(date.weekday(), Weekday::Sat | Weekday::Sun);
        if !self.years.contains_key(&date.year()) {
            return DayReason::UnknownYear { weekend };
        }
        match self.days.get(&date) {
            Some(reason) => reason.clone(),
            None if weekend => DayReason::Weekend,
            None => DayReason::Working,
        }
    }

    pub fn is_working(&self, date: NaiveDate) -> bool {
        self.day(date).is_working()
    }

    /// The first working day on or after `date` (bounded: the calendar never has a year off).
    pub fn next_working_on_or_after(&self, date: NaiveDate) -> NaiveDate {
        let mut d = date;
        while !self.is_working(d) {
            d = d.succ_opt().expect("dates stay far from chrono's limits");
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
    fn the_shipped_years_are_2018_to_2026() {
        let c = Calendar::builtin();
        assert!((2018..=2026).all(|y| c.has_year(y)));
        assert!(!c.has_year(2027));
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
    fn days_in_an_unknown_year_are_flagged() {
        let c = Calendar::builtin();
        assert_eq!(c.day(d("2027-03-03")), DayReason::UnknownYear { weekend: false });
        assert!(c.is_working(d("2027-03-03")));
    }

    #[test]
    fn a_transfer_from_a_working_day_is_refused() {
        let mut year: YearCalendar = serde_json::from_str(BUILTIN[6]).unwrap();
        year.transfers[0].working_day = d("2024-05-06"); // a Monday
        assert_eq!(year.validate(), Err(CalendarError::TransferFromWorkingDay { year: 2024, date: d("2024-05-06") }));
    }
}
