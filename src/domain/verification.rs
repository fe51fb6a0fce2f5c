//! Promised against done (issue 39, tier 2): whether later data bear out what an act asked for,
//! per act and horizon — `verified`, `contradicted` or `no_data`, never imputed. Two checks from
//! the registry the card already holds: the object's next inspection after the addressee's period
//! (no violation found: verified; violations found: contradicted), and the object's appeals (there
//! were some before the act and none came within the horizon after its period: verified; more
//! came: contradicted). Each says which rows it rests on and why. Plain values; the api fills
//! them from the card.

use chrono::{Days, NaiveDate};
use serde::Serialize;

use super::card::{AppealView, InspectionView};

/// The version of these rules, reported with every verification.
pub const VERIFY_RULES: &str = "verify-2026.11.1";

/// The horizon when none is asked for: a year after the addressee's period ends.
pub const DEFAULT_HORIZON_DAYS: u64 = 365;

/// What later data say of an act.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum VerificationStatus {
    Verified,
    Contradicted,
    NoData,
}

/// One check: its status, why, and the registry rows it rests on.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct VerificationCheck {
    pub status: VerificationStatus,
    pub why: String,
    /// Registry numbers of inspections, or numbers of appeals.
    pub rows: Vec<String>,
}

/// An act's verification over a horizon.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct ActVerification {
    pub act_id: i64,
    /// The day the addressee's period ends (the act's date when it gives none): later data count from here.
    pub from: NaiveDate,
    /// The last day of the horizon.
    pub until: NaiveDate,
    pub horizon_days: u64,
    pub next_inspection: VerificationCheck,
    pub appeals: VerificationCheck,
    pub rule: String,
}

/// The facts of an act the checks need.
pub struct ActFacts {
    pub act_id: i64,
    pub issued_on: NaiveDate,
    pub response_due: Option<NaiveDate>,
}

fn plus(date: NaiveDate, days: u64) -> NaiveDate {
    date.checked_add_days(Days::new(days)).unwrap_or(NaiveDate::MAX)
}

fn minus(date: NaiveDate, days: u64) -> NaiveDate {
    date.checked_sub_days(Days::new(days)).unwrap_or(NaiveDate::MIN)
}

/// An inspection as the checks read it.
pub struct InspectionRow<'a> {
    pub start_date: NaiveDate,
    pub violations: u32,
    pub registry_no: &'a str,
}

/// An appeal as the checks read it.
pub struct AppealRow<'a> {
    pub received: NaiveDate,
    pub appeal_no: &'a str,
}

/// What the registry says after `act`, as of `today`, from the card's rows.
pub fn verify(
    act: &ActFacts,
    inspections: &[InspectionView],
    appeals: &[AppealView],
    horizon_days: u64,
    today: NaiveDate,
) -> ActVerification {
    let inspections: Vec<InspectionRow<'_>> = inspections
        .iter()
        .map(|i| InspectionRow { start_date: i.start_date, violations: i.violations, registry_no: &i.registry_no })
        .collect();
    let appeals: Vec<AppealRow<'_>> =
        appeals.iter().map(|a| AppealRow { received: a.received, appeal_no: &a.appeal_no }).collect();
    verify_rows(act, &inspections, &appeals, horizon_days, today)
}

/// `verify` over plain rows (the effectiveness report checks every act without reading cards).
pub fn verify_rows(
    act: &ActFacts,
    inspections: &[InspectionRow<'_>],
    appeals: &[AppealRow<'_>],
    horizon_days: u64,
    today: NaiveDate,
) -> ActVerification {
    let from = act.response_due.unwrap_or(act.issued_on);
    let until = plus(from, horizon_days);
    let horizon_over = today >= until;

    let next = inspections.iter().filter(|i| i.start_date > from && i.start_date <= until).min_by_key(|i| i.start_date);
    let next_inspection = match next {
        Some(i) if i.violations == 0 => VerificationCheck {
            status: VerificationStatus::Verified,
            why: format!("the next inspection ({}) found no violation", i.start_date),
            rows: vec![i.registry_no.to_string()],
        },
        Some(i) => VerificationCheck {
            status: VerificationStatus::Contradicted,
            why: format!("the next inspection ({}) found {} violation(s)", i.start_date, i.violations),
            rows: vec![i.registry_no.to_string()],
        },
        None => VerificationCheck {
            status: VerificationStatus::NoData,
            why: if horizon_over {
                format!("no inspection of the object between {from} and {until}")
            } else {
                format!("no inspection of the object since {from}; the horizon ends on {until}")
            },
            rows: Vec::new(),
        },
    };

    // Appeals: as many days before the act as the horizon counts after its period.
    let before: Vec<&AppealRow<'_>> = appeals
        .iter()
        .filter(|a| a.received > minus(act.issued_on, horizon_days) && a.received <= act.issued_on)
        .collect();
    let after: Vec<&AppealRow<'_>> = appeals.iter().filter(|a| a.received > from && a.received <= until).collect();
    let appeals = if before.is_empty() {
        VerificationCheck {
            status: VerificationStatus::NoData,
            why: format!("no appeal about the object in the {horizon_days} days before the act: nothing to stop"),
            rows: Vec::new(),
        }
    } else if !after.is_empty() {
        VerificationCheck {
            status: VerificationStatus::Contradicted,
            why: format!("{} appeal(s) before the act, {} after its period", before.len(), after.len()),
            rows: after.iter().map(|a| a.appeal_no.to_string()).collect(),
        }
    } else if horizon_over {
        VerificationCheck {
            status: VerificationStatus::Verified,
            why: format!("{} appeal(s) before the act, none between {from} and {until}", before.len()),
            rows: before.iter().map(|a| a.appeal_no.to_string()).collect(),
        }
    } else {
        VerificationCheck {
            status: VerificationStatus::NoData,
            why: format!("no appeal since {from} so far; the horizon ends on {until}"),
            rows: Vec::new(),
        }
    };
    ActVerification {
        act_id: act.act_id,
        from,
        until,
        horizon_days,
        next_inspection,
        appeals,
        rule: VERIFY_RULES.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::card::Provenance;
    use crate::domain::records::InspectionKind;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn inspection(no: &str, start: &str, violations: u32) -> InspectionView {
        InspectionView {
            registry_no: no.into(),
            control_body: "ДГД".into(),
            kind: InspectionKind::Unplanned,
            grounds: None,
            start_date: d(start),
            end_date: None,
            kato: None,
            violations,
            sanctions: None,
            fine_kzt: None,
            appealed: None,
            declared_illegal: None,
            source: Provenance { import_id: 1, line: 2 },
        }
    }

    fn appeal(no: &str, received: &str) -> AppealView {
        AppealView {
            appeal_no: no.into(),
            received: d(received),
            channel: None,
            applicant_category: None,
            applicant: None,
            category: None,
            status: None,
            decided: None,
            outcome: None,
            text: None,
            repeats: None,
            source: Provenance { import_id: 2, line: 3 },
            destroyed_by: None,
        }
    }

    const ACT: ActFacts = ActFacts { act_id: 7, issued_on: NaiveDate::MIN, response_due: None };

    fn act() -> ActFacts {
        ActFacts { issued_on: d("2025-03-01"), response_due: Some(d("2025-04-01")), ..ACT }
    }

    #[test]
    fn the_next_inspection_after_the_period_verifies_or_contradicts_and_an_earlier_one_does_not_count() {
        let rows =
            [inspection("A", "2025-03-15", 3), inspection("B", "2025-09-01", 0), inspection("C", "2025-12-01", 4)];
        let v = verify(&act(), &rows, &[], 365, d("2026-11-01"));
        assert_eq!(
            (v.next_inspection.status, v.next_inspection.rows.clone()),
            (VerificationStatus::Verified, vec!["B".to_string()])
        );
        let rows = [inspection("C", "2025-12-01", 4)];
        assert_eq!(
            verify(&act(), &rows, &[], 365, d("2026-11-01")).next_inspection.status,
            VerificationStatus::Contradicted
        );
        let none = verify(&act(), &[inspection("A", "2025-03-15", 3)], &[], 365, d("2025-06-01"));
        assert_eq!(none.next_inspection.status, VerificationStatus::NoData);
        assert!(none.next_inspection.why.contains("the horizon ends on 2026-04-01"), "{}", none.next_inspection.why);
        // Past the horizon, an inspection does not count.
        assert_eq!(
            verify(&act(), &[inspection("D", "2026-05-01", 0)], &[], 365, d("2026-11-01")).next_inspection.status,
            VerificationStatus::NoData
        );
    }

    #[test]
    fn appeals_that_stop_verify_only_once_the_horizon_has_passed_and_none_before_is_no_data() {
        let before = [appeal("1", "2024-12-01"), appeal("2", "2025-02-20")];
        let stopped = verify(&act(), &[], &before, 365, d("2026-11-01"));
        assert_eq!(stopped.appeals.status, VerificationStatus::Verified);
        let early = verify(&act(), &[], &before, 365, d("2025-08-01"));
        assert_eq!(early.appeals.status, VerificationStatus::NoData, "not yet: {}", early.appeals.why);
        let mut went_on = before.to_vec();
        went_on.push(appeal("3", "2025-06-10"));
        let v = verify(&act(), &[], &went_on, 365, d("2025-08-01"));
        assert_eq!(
            (v.appeals.status, v.appeals.rows.clone()),
            (VerificationStatus::Contradicted, vec!["3".to_string()])
        );
        assert_eq!(
            verify(&act(), &[], &[appeal("9", "2025-06-10")], 365, d("2026-11-01")).appeals.status,
            VerificationStatus::NoData
        );
        assert_eq!(v.rule, VERIFY_RULES);
        assert_eq!((v.from, v.until), (d("2025-04-01"), d("2026-04-01")));
    }
}
