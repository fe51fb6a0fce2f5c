//! The statutory public holidays of Kazakhstan as rules (assets/calendar/statutory.json): each
//! holiday with its basis and the years it applies to, and the movable religious holidays whose
//! dates are announced each year. They give a year that has no calendar document its holidays and
//! the days off moved from weekend holidays, so a deadline that runs into such a year is not judged
//! by the weekday alone. What the rules cannot know — the Government's transfers of days off and
//! the date of Kurban Ait — stays unknown, and every result that touches such a year says so.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

/// The rules file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatutoryRules {
    #[serde(default, rename = "_comment", skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    pub country: String,
    /// Years before this one are judged by the weekday alone: the rules are not known for them.
    pub first_year: i32,
    pub sources: Vec<String>,
    pub move_rule: String,
    pub holidays: Vec<StatutoryHoliday>,
    pub movable: Vec<MovableHoliday>,
}

/// A holiday on a fixed day of the year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatutoryHoliday {
    pub holiday: String,
    pub month: u32,
    pub day: u32,
    pub name_ru: String,
    pub name_kk: String,
    pub name_en: String,
    pub moves_if_weekend: bool,
    pub from_year: Option<i32>,
    pub to_year: Option<i32>,
    pub basis: String,
    pub confirmed: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl StatutoryHoliday {
    pub fn applies_to(&self, year: i32) -> bool {
        self.from_year.is_none_or(|from| year >= from) && self.to_year.is_none_or(|to| year <= to)
    }
}

/// A holiday whose date is set each year (Kurban Ait): unknown without the year's document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MovableHoliday {
    pub holiday: String,
    pub name_ru: String,
    pub name_kk: String,
    pub name_en: String,
    pub from_year: Option<i32>,
    pub basis: String,
}

/// A day the rules make a day off in a year without a document.
#[derive(Debug, Clone, PartialEq)]
pub enum RuleDay<'r> {
    Holiday(&'r StatutoryHoliday),
    /// The next working day after `for_holiday`, a holiday that fell on a weekend.
    Moved {
        for_holiday: NaiveDate,
        holiday: &'r StatutoryHoliday,
    },
}

impl StatutoryRules {
    /// The rules shipped with the product.
    pub fn builtin() -> StatutoryRules {
        serde_json::from_str(include_str!("../../../assets/calendar/statutory.json"))
            .expect("assets/calendar/statutory.json is valid (checked by a test)")
    }

    /// Every day off the rules give `year`, in date order; empty before `first_year`.
    pub fn days_off(&self, year: i32) -> Vec<(NaiveDate, RuleDay<'_>)> {
        if year < self.first_year {
            return Vec::new();
        }
        let mut holidays: Vec<(NaiveDate, &StatutoryHoliday)> = self
            .holidays
            .iter()
            .filter(|h| h.applies_to(year))
            .filter_map(|h| NaiveDate::from_ymd_opt(year, h.month, h.day).map(|date| (date, h)))
            .collect();
        holidays.sort_by_key(|(date, _)| *date);
        let weekend = |d: NaiveDate| matches!(d.weekday(), Weekday::Sat | Weekday::Sun);
        let is_holiday = |d: NaiveDate| holidays.iter().any(|(h, _)| *h == d);
        let mut days: Vec<(NaiveDate, RuleDay<'_>)> = Vec::new();
        let mut taken: Vec<NaiveDate> = Vec::new();
        for &(date, holiday) in &holidays {
            days.push((date, RuleDay::Holiday(holiday)));
            if holiday.moves_if_weekend && weekend(date) {
                // The next weekday that is neither a holiday nor already a moved day off; it may
                // fall in January of the next year, which this year's list does not hold.
                let mut next = date + Days::new(1);
                while weekend(next) || is_holiday(next) || taken.contains(&next) {
                    next = next + Days::new(1);
                }
                taken.push(next);
                if next.year() == year {
                    days.push((next, RuleDay::Moved { for_holiday: date, holiday }));
                }
            }
        }
        days.sort_by_key(|(date, _)| *date);
        days
    }

    /// The movable holidays that exist in `year` (their dates are unknown without a document).
    pub fn movable_in(&self, year: i32) -> impl Iterator<Item = &MovableHoliday> {
        self.movable.iter().filter(move |m| m.from_year.is_none_or(|from| year >= from))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_rules_give_2027_its_holidays_and_moved_days() {
        let rules = StatutoryRules::builtin();
        let days: Vec<NaiveDate> = rules.days_off(2027).into_iter().map(|(date, _)| date).collect();
        for day in ["2027-01-01", "2027-01-02", "2027-01-04", "2027-01-07", "2027-03-15", "2027-03-24", "2027-05-03"] {
            assert!(days.contains(&d(day)), "{day} in {days:?}");
        }
        assert!(!days.contains(&d("2027-08-30")), "no Constitution Day on 30 August from 2026");
    }

    #[test]
    fn abolished_and_new_holidays_follow_their_years() {
        let rules = StatutoryRules::builtin();
        let has = |year: i32, day: &str| rules.days_off(year).iter().any(|(date, _)| *date == d(day));
        assert!(has(2021, "2021-12-01") && !has(2022, "2022-12-01"));
        assert!(has(2021, "2021-12-17") && !has(2023, "2023-12-17"));
        assert!(!has(2021, "2021-10-25") && has(2023, "2023-10-25"));
        assert!(rules.days_off(1999).is_empty(), "before first_year nothing is assumed");
    }
}
