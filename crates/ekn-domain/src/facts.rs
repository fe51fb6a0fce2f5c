//! The registry as analytics sees it: one compact, typed row per inspection and per appeal, with
//! the names they refer to interned once. The store fills a `Registry` in one pass; the risk model
//! and the anomaly detectors compute over it in memory (a million inspections take about 60 MB),
//! so neither needs SQL nor re-reads the database per question.

use chrono::NaiveDate;

use super::records::{InspectionKind, SubjectSize};

/// Days since 1 January of year 1 (chrono's `num_days_from_ce`): dates as small integers.
pub type Day = i32;

pub fn day_of(date: NaiveDate) -> Day {
    use chrono::Datelike;
    date.num_days_from_ce()
}

pub fn date_of(day: Day) -> NaiveDate {
    NaiveDate::from_num_days_from_ce_opt(day).unwrap_or(NaiveDate::MIN)
}

/// One inspection, outcome columns included (the risk model takes care never to use them as inputs).
#[derive(Debug, Clone, PartialEq)]
pub struct InspectionFact {
    /// The row's id in the store.
    pub id: i64,
    pub registry_no: Box<str>,
    /// Index into `Registry::subjects`.
    pub subject: u32,
    /// Index into `Registry::bodies`.
    pub body: u32,
    pub kind: InspectionKind,
    pub day: Day,
    /// The district: the first four digits of the inspection's (or else the object's) KATO code.
    pub district: Option<u16>,
    /// The region: the first two digits.
    pub region: Option<u8>,
    /// The full nine-digit KATO code as a number (`kato_number`), for themes' prefixes of any length.
    pub kato: Option<u32>,
    /// The OKED section letter of the object (`G`), if known.
    pub oked_section: Option<u8>,
    pub violations: u32,
    /// Index into `Registry::sanction_sets` (0 = no measure recorded).
    pub sanctions: u16,
    pub appealed: Option<bool>,
    pub declared_illegal: Option<bool>,
    /// The inspected business's size, when the registry said it.
    pub subject_size: Option<SubjectSize>,
}

/// The outcome of an appeal, as analytics counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppealOutcome {
    Satisfied,
    Refused,
    Explained,
}

impl AppealOutcome {
    /// The outcome a stored appeal's code names (`satisfied`, `refused`, `explained`).
    pub fn from_code(code: &str) -> Option<AppealOutcome> {
        match code {
            "satisfied" => Some(AppealOutcome::Satisfied),
            "refused" => Some(AppealOutcome::Refused),
            "explained" => Some(AppealOutcome::Explained),
            _ => None,
        }
    }
}

/// One appeal: who it concerns, where, which category is in force, when and how it was decided.
#[derive(Debug, Clone, PartialEq)]
pub struct AppealFact {
    pub appeal_no: Box<str>,
    pub subject: Option<u32>,
    pub region: Option<u8>,
    /// The appeal's nine-digit KATO code as a number (`kato_number`), when it has one.
    pub kato: Option<u32>,
    /// Index into `Registry::categories`.
    pub category: Option<u16>,
    pub received: Day,
    pub decided: Option<Day>,
    pub outcome: Option<AppealOutcome>,
}

/// A supervised object as analytics needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct SubjectFact {
    pub bin: String,
    pub name: Option<String>,
    /// The object's OKED code as the registry writes it (`41.20.0`), if known.
    pub oked: Option<Box<str>>,
    /// Its OKED section letter (`F`), if known.
    pub oked_section: Option<u8>,
}

/// Everything the detectors and the risk model read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Registry {
    /// In date order (then id).
    pub inspections: Vec<InspectionFact>,
    pub appeals: Vec<AppealFact>,
    pub subjects: Vec<SubjectFact>,
    pub bodies: Vec<String>,
    /// Sets of measures as normalised text (`приостановление деятельности + штраф`); index 0 is
    /// "none recorded".
    pub sanction_sets: Vec<String>,
    pub categories: Vec<String>,
    /// The imports the facts came from (ids and SHA-256), so a model names its data.
    pub imports: Vec<(i64, String)>,
}

impl Registry {
    /// The latest day anything happened: analysis windows end here (or today, if earlier).
    pub fn last_day(&self) -> Option<Day> {
        let inspections = self.inspections.iter().map(|i| i.day).max();
        let appeals = self.appeals.iter().map(|a| a.decided.unwrap_or(a.received)).max();
        inspections.max(appeals)
    }
}

/// The measures of one inspection written as one normalised set: lower case, split on `;`, `,`
/// or `+`, sorted, joined with ` + `, so `Штраф; приостановление` and `приостановление,штраф` are
/// the same combination.
pub fn normalise_sanctions(text: &str) -> String {
    let mut parts: Vec<String> = text
        .split([';', ',', '+', '\n'])
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase().replace('ё', "е"))
        .filter(|p| !p.is_empty() && p != "-" && p != "—" && p != "нет")
        .collect();
    parts.sort();
    parts.dedup();
    parts.join(" + ")
}

/// The district code of a KATO code: its first four digits.
pub fn district_of(kato: &str) -> Option<u16> {
    let head = kato.get(..4)?;
    head.bytes().all(|b| b.is_ascii_digit()).then(|| head.parse().ok()).flatten()
}

/// A nine-digit KATO code as a number (`191020100` → 191020100): KATO codes have no leading zero,
/// so a prefix of any length is a division (`kato_has_prefix`). `None` for anything else.
pub fn kato_number(kato: &str) -> Option<u32> {
    let kato = kato.trim();
    (kato.len() == 9 && kato.bytes().all(|b| b.is_ascii_digit())).then(|| kato.parse().ok()).flatten()
}

/// Whether a KATO number starts with `prefix` (1 to 9 digits, as text).
pub fn kato_has_prefix(kato: u32, prefix: &str) -> bool {
    let digits = prefix.len();
    if digits == 0 || digits > 9 || !prefix.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let Ok(head) = prefix.parse::<u32>() else { return false };
    kato / 10u32.pow(9 - digits as u32) == head
}

/// The district code written as KATO writes it (`1920`).
pub fn district_text(district: u16) -> String {
    format!("{district:04}")
}

/// The region code written as KATO writes it (`19`).
pub fn region_text(region: u8) -> String {
    format!("{region:02}")
}

/// An appeal's applicant pseudonym and text SimHash, as stored (the returning-applicant check of
/// the acts' verification reads them beside the registry, which carries neither).
pub type AppealIdentity = (Option<String>, Option<i64>);

/// Per appeal (by number): whether its triage in force carries one of the harm rules, and whether
/// it was found a repeat of an earlier appeal (a theme's scores read them).
#[derive(Debug, Default)]
pub struct AppealFlags {
    pub severe: std::collections::HashSet<String>,
    pub repeats: std::collections::HashSet<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanction_sets_are_one_combination_whatever_the_order_or_spelling() {
        assert_eq!(normalise_sanctions("Штраф; приостановление  деятельности"), "приостановление деятельности + штраф");
        assert_eq!(normalise_sanctions("приостановление деятельности,штраф"), "приостановление деятельности + штраф");
        assert_eq!(normalise_sanctions(" - "), "");
        assert_eq!(district_of("192030000"), Some(1920));
        assert_eq!(district_of("19"), None);
        assert_eq!(district_text(710), "0710");
    }
}
