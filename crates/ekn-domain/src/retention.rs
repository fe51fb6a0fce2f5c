//! Retention rules as data (`assets/retention.json`, or an office's own file): which kind of
//! record holding personal data is kept how long, from which event, on what legal basis, and
//! whether the office has confirmed the period. Computation only — when a record falls due; the
//! store finds the records and the api destroys them under an act.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

pub const SCHEMA: &str = "ekn.retention/1";

/// The rules shipped with the product (every one unconfirmed: see the file's comment).
pub const BUILTIN: &str = include_str!("../../../assets/retention.json");

/// The kinds of record a rule may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// A citizen's appeal: its text, pseudonym, explanations and the notes about it.
    Appeal,
    /// A document attached to an object's card.
    Attachment,
    /// An act of response issued (its addressee and requirements) with its recorded outcomes.
    Act,
    /// A note on a theme's card: its text, kept only in its journal entry's personal part.
    ThemeNote,
}

/// The event a period runs from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum RetentionEvent {
    /// The day an appeal was decided.
    Decided,
    /// The day a document was attached.
    Attached,
    /// The day an act's matter closed: its latest recorded outcome, or its issue when it has none.
    Closed,
    /// The day a note was written (its journal entry's day, UTC).
    Noted,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum RetentionUnit {
    Years,
    Months,
    Days,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct RetentionPeriod {
    pub amount: u32,
    pub unit: RetentionUnit,
}

impl RetentionPeriod {
    /// The first day a record whose period began on `from` may be destroyed: the day after the
    /// period ends (5 years from 2020-03-01 end on 2025-03-01; destruction from 2025-03-02).
    pub fn destroyable_from(&self, from: NaiveDate) -> Option<NaiveDate> {
        let end = match self.unit {
            RetentionUnit::Years => from.checked_add_months(Months::new(self.amount.checked_mul(12)?))?,
            RetentionUnit::Months => from.checked_add_months(Months::new(self.amount))?,
            RetentionUnit::Days => from.checked_add_days(chrono::Days::new(u64::from(self.amount)))?,
        };
        end.succ_opt()
    }

    pub fn words(&self) -> String {
        let unit = match self.unit {
            RetentionUnit::Years => "year(s)",
            RetentionUnit::Months => "month(s)",
            RetentionUnit::Days => "day(s)",
        };
        format!("{} {unit}", self.amount)
    }
}

/// One legal basis of a rule, with where it was read and how far it was checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct LegalBasis {
    pub act: String,
    pub source: String,
    pub checked: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct RetentionRule {
    pub id: String,
    pub record: RecordKind,
    pub name_ru: String,
    pub name_kk: String,
    pub name_en: String,
    pub period: RetentionPeriod,
    pub from: RetentionEvent,
    pub from_ru: String,
    pub from_kk: String,
    pub from_en: String,
    /// What keeps a due record from destruction, in words (the store applies it).
    pub held_while: String,
    pub legal_basis: Vec<LegalBasis>,
    /// False until the office confirmed the period against its nomenclature of files.
    pub confirmed: bool,
}

/// The form of the destruction act and how far it was checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ActForm {
    pub form: String,
    pub source: String,
    pub confirmed: bool,
    pub checked: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct RetentionRules {
    #[serde(rename = "_comment", default, skip_serializing)]
    pub comment: String,
    pub schema: String,
    pub version: String,
    pub rules: Vec<RetentionRule>,
    pub act: ActForm,
}

impl RetentionRules {
    pub fn builtin() -> RetentionRules {
        RetentionRules::parse(BUILTIN).expect("the shipped retention rules parse")
    }

    /// Parses and checks a rules file; the error names the field (serde's path and line).
    pub fn parse(text: &str) -> Result<RetentionRules, String> {
        let rules: RetentionRules = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if rules.schema != SCHEMA {
            return Err(format!("schema is '{}', expected '{SCHEMA}'", rules.schema));
        }
        for (i, rule) in rules.rules.iter().enumerate() {
            let at = format!("rules[{i}] ({})", rule.id);
            if rule.id.trim().is_empty() {
                return Err(format!("rules[{i}].id is empty"));
            }
            if rules.rules.iter().filter(|r| r.id == rule.id).count() > 1 {
                return Err(format!("{at}: the id is used twice"));
            }
            // A record is destroyed once, under one period: two rules for one kind would be two
            // periods for the same data.
            if rules.rules.iter().filter(|r| r.record == rule.record).count() > 1 {
                return Err(format!("{at}.record: another rule already covers {:?} records", rule.record));
            }
            if rule.period.amount == 0 {
                return Err(format!("{at}.period.amount is 0: a record would be destroyed the day it is made"));
            }
            if rule.legal_basis.is_empty() {
                return Err(format!("{at}.legal_basis is empty: every period cites its source"));
            }
            let fits = matches!(
                (rule.record, rule.from),
                (RecordKind::Appeal, RetentionEvent::Decided)
                    | (RecordKind::Attachment, RetentionEvent::Attached)
                    | (RecordKind::Act, RetentionEvent::Closed)
                    | (RecordKind::ThemeNote, RetentionEvent::Noted)
            );
            if !fits {
                return Err(format!("{at}.from: a {:?} record has no {:?} event", rule.record, rule.from));
            }
        }
        Ok(rules)
    }

    /// The rule for a kind of record (there is at most one: `parse` refuses two).
    pub fn for_record(&self, kind: RecordKind) -> Option<&RetentionRule> {
        self.rules.iter().find(|r| r.record == kind)
    }

    /// The newest event date whose records are due on `as_of`: a record is due when its event
    /// fell on or before this day.
    pub fn due_if_event_on_or_before(rule: &RetentionRule, as_of: NaiveDate) -> Option<NaiveDate> {
        // destroyable_from is monotone in `from`; walk back from as_of by the period and fix up.
        let back = match rule.period.unit {
            RetentionUnit::Years => as_of.checked_sub_months(Months::new(rule.period.amount.checked_mul(12)?))?,
            RetentionUnit::Months => as_of.checked_sub_months(Months::new(rule.period.amount))?,
            RetentionUnit::Days => as_of.checked_sub_days(chrono::Days::new(u64::from(rule.period.amount)))?,
        };
        let mut day = back.checked_add_days(chrono::Days::new(2))?;
        while rule.period.destroyable_from(day)? > as_of {
            day = day.pred_opt()?;
        }
        Some(day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_shipped_rules_parse_and_say_they_are_unconfirmed() {
        let rules = RetentionRules::builtin();
        assert!(rules.for_record(RecordKind::Appeal).is_some());
        assert!(rules.rules.iter().all(|r| !r.confirmed), "no period here was verified");
        assert!(rules.rules.iter().all(|r| r.legal_basis.iter().all(|b| b.source.starts_with("https://"))));
    }

    #[test]
    fn a_record_is_due_the_day_after_its_period_ends() {
        let p = RetentionPeriod { amount: 5, unit: RetentionUnit::Years };
        assert_eq!(p.destroyable_from(d("2020-03-01")), Some(d("2025-03-02")));
        // The end of February in a leap year lands on the last day of February.
        assert_eq!(p.destroyable_from(d("2020-02-29")), Some(d("2025-03-01")));
        let rule = RetentionRules::builtin().for_record(RecordKind::Appeal).unwrap().clone();
        let cut = RetentionRules::due_if_event_on_or_before(&rule, d("2025-03-02")).unwrap();
        assert_eq!(cut, d("2020-03-01"));
        for from in [d("2020-02-28"), d("2020-02-29"), d("2020-03-01"), d("2020-03-02")] {
            let due = rule.period.destroyable_from(from).unwrap() <= d("2025-03-02");
            assert_eq!(due, from <= cut, "{from}");
        }
    }

    #[test]
    fn a_bad_rules_file_is_refused_naming_the_field() {
        let text = BUILTIN.replace("\"amount\": 5", "\"amount\": 0");
        assert!(RetentionRules::parse(&text).unwrap_err().contains("period.amount"));
        let text = BUILTIN.replace("\"from\": \"decided\"", "\"from\": \"attached\"");
        assert!(RetentionRules::parse(&text).unwrap_err().contains(".from"));
        assert!(RetentionRules::parse("{").is_err());
        let text = BUILTIN.replace("\"record\": \"attachment\"", "\"record\": \"appeal\"");
        assert!(RetentionRules::parse(&text).unwrap_err().contains(".record"));
    }
}
