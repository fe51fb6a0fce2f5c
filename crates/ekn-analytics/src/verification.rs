//! Promised against done (issue 39, tier 2): whether later data bear out what an act asked for,
//! per act and horizon — `verified`, `contradicted` or `no_data`, never imputed. Four checks from
//! the registry the card already holds: the object's next inspection after the addressee's period
//! (no violation found: verified; violations found: contradicted); the object's appeals (there
//! were some before the act and none came within the horizon after its period: verified; more
//! came: contradicted); the same for the appeals of the act's violation category only (the
//! taxonomy's code, a group taking in its categories); and whether an applicant whose appeal came
//! before the act came back about the object within 90 days of a "satisfied" answer. Each check
//! carries a reason (a code with its figures, which the faces put into words in the reader's
//! language), the same in English as `why`, and the rows it rests on. Plain values; the api
//! fills them from the card or the registry.

use chrono::{Days, NaiveDate};
use serde::Serialize;

use super::duplicates;
use ekn_domain::card::{AppealView, InspectionView};

/// The version of these rules, reported with every verification.
pub const VERIFY_RULES: &str = "verify-2026.11.2";

/// The horizon when none is asked for: a year after the addressee's period ends.
pub const DEFAULT_HORIZON_DAYS: u64 = 365;

/// How long after a "satisfied" answer a returning applicant contradicts it (the 90 days:
/// a quarter, the period a citizen's follow-up is usually answered in).
pub const RETURN_WINDOW_DAYS: u64 = 90;

/// What later data say of an act.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum VerificationStatus {
    Verified,
    Contradicted,
    NoData,
}

/// Why a check came out as it did: a code and its figures, put into words by each face.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum VerificationReason {
    /// The next inspection after the period found no violation.
    InspectionClean { date: NaiveDate },
    /// The next inspection after the period found violations.
    InspectionFound { date: NaiveDate, violations: u32 },
    /// No inspection between the period's end and the horizon's, which has passed.
    NoInspection { from: NaiveDate, until: NaiveDate },
    /// No inspection since the period's end; the horizon has not passed.
    NoInspectionYet { from: NaiveDate, until: NaiveDate },
    /// No appeal (of the category, for that check) before the act: nothing that could stop.
    NothingToStop { horizon_days: u64 },
    /// Appeals came before the act and again after its period.
    AppealsWentOn { before: usize, after: usize },
    /// Appeals came before the act and none between the period's end and the horizon's.
    AppealsStopped { before: usize, from: NaiveDate, until: NaiveDate },
    /// None so far, but the horizon has not passed.
    AppealsNotYet { from: NaiveDate, until: NaiveDate },
    /// The act names no violation category (an act recorded here, or an export without one).
    NoCategory,
    /// The act's category is not in the appeals taxonomy, so no appeal can be said to share it.
    CategoryUnknown { label: String },
    /// No answer of the addressee is recorded as "satisfied".
    NotSatisfied,
    /// No appeal before the act carries an applicant's pseudonym to follow.
    NoApplicant,
    /// An applicant of an earlier appeal came back about the object after the "satisfied" answer.
    ApplicantReturned { applicants: usize, satisfied_on: NaiveDate, window_days: u64 },
    /// None of them came back in the window, which has passed.
    NoApplicantReturned { applicants: usize, satisfied_on: NaiveDate, window_days: u64 },
    /// None so far, but the window has not passed.
    ReturnWindowOpen { until: NaiveDate },
}

impl VerificationReason {
    /// The reason in English, for the command line and the JSON's `why`.
    pub fn english(&self) -> String {
        use VerificationReason::*;
        match self {
            InspectionClean { date } => format!("the next inspection ({date}) found no violation"),
            InspectionFound { date, violations } => {
                format!("the next inspection ({date}) found {violations} violation(s)")
            }
            NoInspection { from, until } => format!("no inspection of the object between {from} and {until}"),
            NoInspectionYet { from, until } => {
                format!("no inspection of the object since {from}; the horizon ends on {until}")
            }
            NothingToStop { horizon_days } => {
                format!("no such appeal about the object in the {horizon_days} days before the act: nothing to stop")
            }
            AppealsWentOn { before, after } => format!("{before} appeal(s) before the act, {after} after its period"),
            AppealsStopped { before, from, until } => {
                format!("{before} appeal(s) before the act, none between {from} and {until}")
            }
            AppealsNotYet { from, until } => format!("none since {from} so far; the horizon ends on {until}"),
            NoCategory => "the act names no violation category".into(),
            CategoryUnknown { label } => format!("the act's category '{label}' is not in the appeals taxonomy"),
            NotSatisfied => "no answer recorded as satisfied".into(),
            NoApplicant => "no appeal before the act names an applicant to follow".into(),
            ApplicantReturned { applicants, satisfied_on, window_days } => format!(
                "{applicants} applicant(s) of earlier appeals came back within {window_days} days of the answer of {satisfied_on}"
            ),
            NoApplicantReturned { applicants, satisfied_on, window_days } => format!(
                "none of {applicants} applicant(s) came back within {window_days} days of the answer of {satisfied_on}"
            ),
            ReturnWindowOpen { until } => format!("no applicant came back so far; the window ends on {until}"),
        }
    }
}

/// One check: its status, why (a code for the faces and the same in English), and the registry
/// rows it rests on.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct VerificationCheck {
    pub status: VerificationStatus,
    pub reason: VerificationReason,
    pub why: String,
    /// Registry numbers of inspections, or numbers of appeals.
    pub rows: Vec<String>,
}

impl VerificationCheck {
    fn new(status: VerificationStatus, reason: VerificationReason, rows: Vec<String>) -> VerificationCheck {
        VerificationCheck { status, why: reason.english(), reason, rows }
    }
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
    /// The appeals of the act's violation category only.
    pub category_appeals: VerificationCheck,
    /// Whether an earlier applicant came back within 90 days of a "satisfied" answer.
    pub returning_applicant: VerificationCheck,
    pub rule: String,
}

impl ActVerification {
    /// The four checks with their names in English, in the order the faces show them.
    pub fn checks(&self) -> [(&'static str, &VerificationCheck); 4] {
        [
            ("next inspection", &self.next_inspection),
            ("appeals", &self.appeals),
            ("appeals of its category", &self.category_appeals),
            ("returning applicant", &self.returning_applicant),
        ]
    }
}

/// The violation category an act names: the label, and the taxonomy's code it resolves to.
#[derive(Debug, Clone, PartialEq)]
pub struct ActCategory {
    pub label: String,
    pub code: Option<String>,
}

impl ActCategory {
    /// An act's category label resolved through the shipped taxonomy (names in any language,
    /// the office's aliases); a blank label is none.
    pub fn of(label: Option<&str>) -> Option<ActCategory> {
        let label = label.map(str::trim).filter(|l| !l.is_empty())?;
        let code = ekn_domain::triage::Taxonomy::builtin().resolve(label).map(|c| c.code.clone());
        Some(ActCategory { label: label.to_string(), code })
    }
}

/// The day of the latest recorded answer when it is "satisfied", from an act's outcomes as
/// `(stage, result, on)` in the order they were recorded (a later answer supersedes an earlier).
pub fn satisfied_on<'a>(outcomes: impl IntoIterator<Item = (&'a str, &'a str, NaiveDate)>) -> Option<NaiveDate> {
    let latest = outcomes.into_iter().filter(|(stage, _, _)| *stage == "answer").last()?;
    (latest.1 == "satisfied").then_some(latest.2)
}

/// The facts of an act the checks need.
pub struct ActFacts {
    pub act_id: i64,
    pub issued_on: NaiveDate,
    pub response_due: Option<NaiveDate>,
    pub category: Option<ActCategory>,
    /// The day of the addressee's answer, when the latest one recorded is "satisfied".
    pub satisfied_on: Option<NaiveDate>,
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
    /// The applicant's keyed pseudonym, when the registry gave one.
    pub applicant: Option<&'a str>,
    /// The SimHash of the masked text (`analytics::duplicates`), when it had one.
    pub simhash: Option<u64>,
    /// The appeal's category as the taxonomy's code, when it resolves to one.
    pub category: Option<&'a str>,
}

/// Whether an appeal's category code falls under an act's: the same code, or a category of the
/// group the act names (codes are `group.category`).
fn under(appeal: &str, act: &str) -> bool {
    appeal == act || appeal.strip_prefix(act).is_some_and(|rest| rest.starts_with('.'))
}

/// What the registry says after `act`, as of `today`, from the card's rows. The card's appeal
/// category is resolved through the shipped taxonomy.
pub fn verify(
    act: &ActFacts,
    inspections: &[InspectionView],
    appeals: &[AppealView],
    horizon_days: u64,
    today: NaiveDate,
) -> ActVerification {
    let taxonomy = ekn_domain::triage::Taxonomy::builtin();
    let inspections: Vec<InspectionRow<'_>> = inspections
        .iter()
        .map(|i| InspectionRow { start_date: i.start_date, violations: i.violations, registry_no: &i.registry_no })
        .collect();
    let appeals: Vec<AppealRow<'_>> = appeals
        .iter()
        .map(|a| AppealRow {
            received: a.received,
            appeal_no: &a.appeal_no,
            applicant: a.applicant.as_deref(),
            simhash: a.simhash.map(|h| h as u64),
            category: a.category.as_deref().and_then(|c| taxonomy.resolve(c)).map(|c| c.code.as_str()),
        })
        .collect();
    verify_rows(act, &inspections, &appeals, horizon_days, today)
}

/// The stop-or-go-on check over the appeals `keep` selects.
fn appeals_check(
    act: &ActFacts,
    appeals: &[AppealRow<'_>],
    keep: impl Fn(&AppealRow<'_>) -> bool,
    (from, until, horizon_days, horizon_over): (NaiveDate, NaiveDate, u64, bool),
) -> VerificationCheck {
    use VerificationStatus::*;
    let before: Vec<&AppealRow<'_>> = appeals
        .iter()
        .filter(|a| keep(a) && a.received > minus(act.issued_on, horizon_days) && a.received <= act.issued_on)
        .collect();
    let after: Vec<&AppealRow<'_>> =
        appeals.iter().filter(|a| keep(a) && a.received > from && a.received <= until).collect();
    let numbers = |rows: &[&AppealRow<'_>]| rows.iter().map(|a| a.appeal_no.to_string()).collect();
    if before.is_empty() {
        VerificationCheck::new(NoData, VerificationReason::NothingToStop { horizon_days }, Vec::new())
    } else if !after.is_empty() {
        let reason = VerificationReason::AppealsWentOn { before: before.len(), after: after.len() };
        VerificationCheck::new(Contradicted, reason, numbers(&after))
    } else if horizon_over {
        let reason = VerificationReason::AppealsStopped { before: before.len(), from, until };
        VerificationCheck::new(Verified, reason, numbers(&before))
    } else {
        VerificationCheck::new(NoData, VerificationReason::AppealsNotYet { from, until }, Vec::new())
    }
}

/// Whether an applicant of an appeal before the act came back about the object, with the same
/// matter (a near text fingerprint, or no text on either side to tell the matters apart), within
/// the window after a "satisfied" answer.
fn returning_check(
    act: &ActFacts,
    appeals: &[AppealRow<'_>],
    horizon_days: u64,
    today: NaiveDate,
) -> VerificationCheck {
    use VerificationStatus::*;
    let Some(satisfied_on) = act.satisfied_on else {
        return VerificationCheck::new(NoData, VerificationReason::NotSatisfied, Vec::new());
    };
    let earlier: Vec<&AppealRow<'_>> = appeals
        .iter()
        .filter(|a| {
            a.applicant.is_some() && a.received > minus(act.issued_on, horizon_days) && a.received <= act.issued_on
        })
        .collect();
    let mut applicants: Vec<&str> = earlier.iter().filter_map(|a| a.applicant).collect();
    applicants.sort_unstable();
    applicants.dedup();
    if applicants.is_empty() {
        return VerificationCheck::new(NoData, VerificationReason::NoApplicant, Vec::new());
    }
    let window_end = plus(satisfied_on, RETURN_WINDOW_DAYS);
    let same_matter = |late: &AppealRow<'_>, early: &AppealRow<'_>| match (late.simhash, early.simhash) {
        (Some(a), Some(b)) => duplicates::distance(a, b) <= duplicates::MAX_DISTANCE,
        _ => true,
    };
    let returned: Vec<&AppealRow<'_>> = appeals
        .iter()
        .filter(|late| {
            late.received > satisfied_on
                && late.received <= window_end
                && earlier.iter().any(|early| early.applicant == late.applicant && same_matter(late, early))
        })
        .collect();
    let window_days = RETURN_WINDOW_DAYS;
    if !returned.is_empty() {
        let mut who: Vec<&str> = returned.iter().filter_map(|a| a.applicant).collect();
        who.sort_unstable();
        who.dedup();
        let reason = VerificationReason::ApplicantReturned { applicants: who.len(), satisfied_on, window_days };
        VerificationCheck::new(Contradicted, reason, returned.iter().map(|a| a.appeal_no.to_string()).collect())
    } else if today >= window_end {
        let reason =
            VerificationReason::NoApplicantReturned { applicants: applicants.len(), satisfied_on, window_days };
        VerificationCheck::new(Verified, reason, earlier.iter().map(|a| a.appeal_no.to_string()).collect())
    } else {
        VerificationCheck::new(NoData, VerificationReason::ReturnWindowOpen { until: window_end }, Vec::new())
    }
}

/// `verify` over plain rows (the effectiveness report checks every act without reading cards).
pub fn verify_rows(
    act: &ActFacts,
    inspections: &[InspectionRow<'_>],
    appeals: &[AppealRow<'_>],
    horizon_days: u64,
    today: NaiveDate,
) -> ActVerification {
    use VerificationStatus::*;
    let from = act.response_due.unwrap_or(act.issued_on);
    let until = plus(from, horizon_days);
    let horizon_over = today >= until;

    let next = inspections.iter().filter(|i| i.start_date > from && i.start_date <= until).min_by_key(|i| i.start_date);
    let next_inspection = match next {
        Some(i) if i.violations == 0 => VerificationCheck::new(
            Verified,
            VerificationReason::InspectionClean { date: i.start_date },
            vec![i.registry_no.to_string()],
        ),
        Some(i) => VerificationCheck::new(
            Contradicted,
            VerificationReason::InspectionFound { date: i.start_date, violations: i.violations },
            vec![i.registry_no.to_string()],
        ),
        None if horizon_over => {
            VerificationCheck::new(NoData, VerificationReason::NoInspection { from, until }, vec![])
        }
        None => VerificationCheck::new(NoData, VerificationReason::NoInspectionYet { from, until }, vec![]),
    };

    // Appeals: as many days before the act as the horizon counts after its period.
    let window = (from, until, horizon_days, horizon_over);
    let appeals_all = appeals_check(act, appeals, |_| true, window);
    let category_appeals = match &act.category {
        None => VerificationCheck::new(NoData, VerificationReason::NoCategory, Vec::new()),
        Some(ActCategory { label, code: None }) => {
            VerificationCheck::new(NoData, VerificationReason::CategoryUnknown { label: label.clone() }, Vec::new())
        }
        Some(ActCategory { code: Some(code), .. }) => {
            appeals_check(act, appeals, |a| a.category.is_some_and(|c| under(c, code)), window)
        }
    };
    let returning_applicant = returning_check(act, appeals, horizon_days, today);
    ActVerification {
        act_id: act.act_id,
        from,
        until,
        horizon_days,
        next_inspection,
        appeals: appeals_all,
        category_appeals,
        returning_applicant,
        rule: VERIFY_RULES.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ekn_domain::card::Provenance;
    use ekn_domain::records::InspectionKind;

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
            simhash: None,
        }
    }

    /// An appeal with its applicant, category label and text.
    fn appeal_of(no: &str, received: &str, who: &str, category: &str, text: &str) -> AppealView {
        AppealView {
            applicant: Some(who.into()),
            category: Some(category.into()),
            simhash: Some(duplicates::simhash(text).0 as i64),
            ..appeal(no, received)
        }
    }

    const ACT: ActFacts =
        ActFacts { act_id: 7, issued_on: NaiveDate::MIN, response_due: None, category: None, satisfied_on: None };

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

    #[test]
    fn the_category_check_counts_only_the_acts_category_and_a_group_takes_in_its_categories() {
        let wages = "на предприятии задерживают заработную плату уже три месяца";
        let rows = [
            appeal_of("1", "2025-01-10", "p1", "трудовые права", wages),
            appeal_of("2", "2025-02-01", "p2", "экология", "свалка отходов за территорией завода у реки"),
            // After the period: ecology goes on, labour does not.
            appeal_of("3", "2025-07-01", "p3", "Экология", "снова свалка отходов у реки за заводом"),
        ];
        let labour = ActFacts { category: ActCategory::of(Some("Трудовые права")), ..act() };
        let v = verify(&labour, &[], &rows, 365, d("2026-11-01"));
        assert_eq!(
            (v.category_appeals.status, v.category_appeals.rows.clone()),
            (VerificationStatus::Verified, vec!["1".to_string()])
        );
        assert_eq!(v.appeals.status, VerificationStatus::Contradicted, "all appeals went on");
        let ecology = ActFacts { category: ActCategory::of(Some("environment")), ..act() };
        let v = verify(&ecology, &[], &rows, 365, d("2026-11-01"));
        assert_eq!(
            (v.category_appeals.status, v.category_appeals.rows.clone()),
            (VerificationStatus::Contradicted, vec!["3".to_string()])
        );
        let unknown = ActFacts { category: ActCategory::of(Some("налоги")), ..act() };
        let v = verify(&unknown, &[], &rows, 365, d("2026-11-01"));
        assert_eq!(v.category_appeals.reason, VerificationReason::CategoryUnknown { label: "налоги".into() });
        assert_eq!(
            verify(&act(), &[], &rows, 365, d("2026-11-01")).category_appeals.reason,
            VerificationReason::NoCategory
        );
    }

    #[test]
    fn an_earlier_applicant_back_on_the_same_matter_within_90_days_of_satisfied_contradicts_it() {
        let wages = "на предприятии задерживают заработную плату уже три месяца";
        let before = appeal_of("1", "2025-02-01", "p1", "трудовые права", wages);
        let satisfied = ActFacts { satisfied_on: Some(d("2025-03-20")), ..act() };
        // The same person, the same matter in other words, 40 days after the answer.
        let back = appeal_of(
            "2",
            "2025-04-29",
            "p1",
            "трудовые права",
            "на предприятии задерживают заработную плату уже четыре месяца",
        );
        let v = verify(&satisfied, &[], &[before.clone(), back], 365, d("2026-11-01"));
        assert_eq!(
            (v.returning_applicant.status, v.returning_applicant.rows.clone()),
            (VerificationStatus::Contradicted, vec!["2".to_string()])
        );
        // Another matter of the same person, someone else, or after 90 days: not a return.
        let other =
            appeal_of("3", "2025-04-29", "p1", "экология", "во дворе дома вырубили все деревья без разрешения акимата");
        let stranger = appeal_of("4", "2025-04-29", "p9", "трудовые права", wages);
        let late = appeal_of("5", "2025-07-01", "p1", "трудовые права", wages);
        let v = verify(&satisfied, &[], &[before.clone(), other, stranger, late], 365, d("2026-11-01"));
        assert_eq!(v.returning_applicant.status, VerificationStatus::Verified, "{}", v.returning_applicant.why);
        // The window still open, no satisfied answer, no applicant: no data.
        let open = verify(&satisfied, &[], std::slice::from_ref(&before), 365, d("2025-05-01"));
        assert_eq!(open.returning_applicant.reason, VerificationReason::ReturnWindowOpen { until: d("2025-06-18") });
        assert_eq!(
            verify(&act(), &[], std::slice::from_ref(&before), 365, d("2026-11-01")).returning_applicant.reason,
            VerificationReason::NotSatisfied
        );
        assert_eq!(
            verify(&satisfied, &[], &[appeal("6", "2025-02-01")], 365, d("2026-11-01")).returning_applicant.reason,
            VerificationReason::NoApplicant
        );
    }

    #[test]
    fn only_the_latest_answer_counts_as_satisfied() {
        let on = |s: &str| d(s);
        assert_eq!(satisfied_on([("answer", "satisfied", on("2025-03-01"))]), Some(on("2025-03-01")));
        assert_eq!(
            satisfied_on([("answer", "satisfied", on("2025-03-01")), ("answer", "rejected", on("2025-04-01"))]),
            None
        );
        assert_eq!(satisfied_on([("answer", "partly", on("2025-03-01")), ("court", "upheld", on("2025-05-01"))]), None);
    }
}
