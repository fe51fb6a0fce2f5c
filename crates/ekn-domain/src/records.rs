//! The three kinds of registry records joined on a case card, as validated values.
//!
//! Importers turn a row of an export into one of these; the store writes them; nothing here does
//! I/O. Labels of enumerations are accepted in English, Russian and Kazakh because real exports
//! use all three.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::ids::SubjectId;
use super::territory::{Kato, Oked};

/// The size of a business as the inspection registry records it (the Entrepreneurial Code's
/// categories: micro, small, medium, large). Small and medium business (МСБ) takes in micro.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum SubjectSize {
    Micro,
    Small,
    Medium,
    Large,
}

impl SubjectSize {
    pub const ALL: [SubjectSize; 4] = [Self::Micro, Self::Small, Self::Medium, Self::Large];

    /// The stable code stored in the database and sent over the wire.
    pub fn code(self) -> &'static str {
        match self {
            Self::Micro => "micro",
            Self::Small => "small",
            Self::Medium => "medium",
            Self::Large => "large",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// Small or medium business, micro included (the article's «малый бизнес» in the registry's terms).
    pub fn is_small_or_medium(self) -> bool {
        self != Self::Large
    }

    /// Reads the label an export uses: the English code, or the Russian or Kazakh wording by its
    /// first word (микро…, мал…, средн…, крупн…; шағын, орта, ірі), any case.
    pub fn from_label(label: &str) -> Option<Self> {
        let l = normalise_label(label);
        let first = l.split([' ', '-']).next().unwrap_or("");
        let starts = |prefixes: &[&str]| prefixes.iter().any(|p| first.starts_with(p));
        if starts(&["micro", "микро"]) || l.contains("(микро") {
            Some(Self::Micro)
        } else if first == "small" || starts(&["мал", "шағын"]) {
            Some(Self::Small)
        } else if first == "medium" || starts(&["средн", "орта"]) {
            Some(Self::Medium)
        } else if first == "large" || starts(&["крупн", "ірі"]) {
            Some(Self::Large)
        } else {
            None
        }
    }
}

/// Kind of a control measure in the inspection registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum InspectionKind {
    Planned,
    Unplanned,
    PreventiveVisit,
}

impl InspectionKind {
    pub const ALL: [InspectionKind; 3] = [Self::Planned, Self::Unplanned, Self::PreventiveVisit];

    /// The stable code stored in the database and sent over the wire.
    pub fn code(self) -> &'static str {
        match self {
            Self::Planned => "planned",
            Self::Unplanned => "unplanned",
            Self::PreventiveVisit => "preventive_visit",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// Reads the label an export uses (English code, Russian or Kazakh wording, any case).
    pub fn from_label(label: &str) -> Option<Self> {
        let l = normalise_label(label);
        Some(match l.as_str() {
            "planned" | "плановая" | "плановая проверка" | "жоспарлы" | "жоспарлы тексеру" => {
                Self::Planned
            }
            "unplanned" | "внеплановая" | "внеплановая проверка" | "жоспардан тыс" | "жоспардан тыс тексеру" => {
                Self::Unplanned
            }
            "preventive_visit"
            | "preventive visit"
            | "профилактический контроль с посещением"
            | "профилактический контроль"
            | "пкп"
            | "бару арқылы профилактикалық бақылау" => Self::PreventiveVisit,
            _ => return None,
        })
    }
}

/// How an appeal ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Satisfied,
    Refused,
    Explained,
}

impl Outcome {
    pub const ALL: [Outcome; 3] = [Self::Satisfied, Self::Refused, Self::Explained];

    pub fn code(self) -> &'static str {
        match self {
            Self::Satisfied => "satisfied",
            Self::Refused => "refused",
            Self::Explained => "explained",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn from_label(label: &str) -> Option<Self> {
        let l = normalise_label(label);
        Some(match l.as_str() {
            "satisfied" | "удовлетворено" | "удовлетворена" | "қанағаттандырылды" => {
                Self::Satisfied
            }
            "refused" | "отказано" | "отказ" | "бас тартылды" => Self::Refused,
            "explained" | "разъяснено" | "дано разъяснение" | "түсіндірілді" => {
                Self::Explained
            }
            _ => return None,
        })
    }
}

/// Degree of risk as risk-assessment systems report it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum RiskDegree {
    High,
    Medium,
    Low,
}

impl RiskDegree {
    pub const ALL: [RiskDegree; 3] = [Self::High, Self::Medium, Self::Low];

    pub fn code(self) -> &'static str {
        match self {
            Self::High => "high",
            Self::Medium => "medium",
            Self::Low => "low",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn from_label(label: &str) -> Option<Self> {
        let l = normalise_label(label);
        Some(match l.as_str() {
            "high" | "высокая" | "высокий" | "жоғары" => Self::High,
            "medium" | "средняя" | "средний" | "орташа" => Self::Medium,
            "low" | "низкая" | "низкий" | "төмен" => Self::Low,
            _ => return None,
        })
    }
}

/// Lower-case, ё folded to е, inner spaces collapsed: how labels and headers are compared.
pub fn normalise_label(label: &str) -> String {
    let folded: String = label.trim().to_lowercase().replace('ё', "е");
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Name and location of the supervised object as a registry row describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct SubjectFacts {
    pub id: SubjectId,
    pub name: Option<String>,
    pub kato: Option<Kato>,
    pub oked: Option<Oked>,
}

/// One row of the inspection registry.
#[derive(Debug, Clone, PartialEq)]
pub struct Inspection {
    pub registry_no: String,
    pub subject: SubjectFacts,
    pub control_body: String,
    pub kind: InspectionKind,
    pub grounds: Option<String>,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub violations: u32,
    pub sanctions: Option<String>,
    /// Fines in tiyn (1/100 tenge), kept as an integer so sums are exact.
    pub fine_tiyn: Option<i64>,
    pub appealed: Option<bool>,
    pub declared_illegal: Option<bool>,
    /// The inspected business's size, when the export has the column.
    pub subject_size: Option<SubjectSize>,
}

/// One appeal of a citizen or organisation, after personal data was removed.
#[derive(Debug, Clone, PartialEq)]
pub struct Appeal {
    pub appeal_no: String,
    pub received: NaiveDate,
    pub channel: Option<String>,
    pub applicant_category: Option<String>,
    /// Keyed hash of the applicant's IIN; the IIN itself is never stored.
    pub applicant_pseudonym: Option<String>,
    /// The same under the office's key (`o:…`), on a workstation that has joined an office: the
    /// office matches an applicant across its workstations by it.
    pub applicant_office: Option<String>,
    pub subject: Option<SubjectId>,
    pub kato: Option<Kato>,
    /// Text with personal markers masked (IINs, phones, e-mails, names, addresses).
    pub text: Option<String>,
    /// What was masked, by kind and rule (never the values), for the appeal card.
    pub masked: Vec<crate::privacy::Masked>,
    /// SimHash of the masked text, for near-duplicate search (`analytics::duplicates`).
    pub text_simhash: Option<i64>,
    pub category: Option<String>,
    pub status: Option<String>,
    pub decided: Option<NaiveDate>,
    pub outcome: Option<Outcome>,
}

/// One risk score of an object from one model on one date.
#[derive(Debug, Clone, PartialEq)]
pub struct RiskScore {
    pub subject: SubjectId,
    pub score: f64,
    pub degree: RiskDegree,
    pub model: String,
    pub computed: NaiveDate,
    /// Named contributions in the order the source gave them.
    pub factors: Vec<(String, f64)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_in_three_languages_map_to_one_code() {
        assert_eq!(InspectionKind::from_label(" Внеплановая "), Some(InspectionKind::Unplanned));
        assert_eq!(InspectionKind::from_label("жоспарлы"), Some(InspectionKind::Planned));
        assert_eq!(
            InspectionKind::from_label("Профилактический контроль с посещением"),
            Some(InspectionKind::PreventiveVisit)
        );
        assert_eq!(Outcome::from_label("Разъяснено"), Some(Outcome::Explained));
        assert_eq!(RiskDegree::from_label("ЖОҒАРЫ"), Some(RiskDegree::High));
        assert_eq!(InspectionKind::from_label("weekly"), None);
    }
}

/// One act of response as a registry's export lists it (issue 39): which act, to which object,
/// when, for which violation, prompted by which inspection, and — when the export knows — what
/// came of it. The addressee, when given, is masked at the door like any free text.
#[derive(Debug, Clone, PartialEq)]
pub struct ActRecord {
    pub act_no: String,
    pub bin: SubjectId,
    pub kind: super::acts::ActKind,
    pub issued_on: NaiveDate,
    /// The violation's category, as the registry names it.
    pub category: Option<String>,
    /// The registry number of the inspection that prompted the act.
    pub registry_no: Option<String>,
    pub addressee: Option<String>,
    /// The outcome the export records: its stage, result and date.
    pub outcome: Option<(crate::outcomes::ActStage, crate::outcomes::ActResult, NaiveDate)>,
    /// The outcome returned or overturned the act for a formal defect (its form, not substance).
    pub formal_defect: bool,
}

/// The data sets an import reads: the three the card joins, and the acts issued to its objects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum DataKind {
    Inspections,
    Appeals,
    Risk,
    /// Acts of response issued, with their outcomes (issue 39): a registry's history of acts.
    Acts,
}

impl DataKind {
    pub fn code(self) -> &'static str {
        match self {
            Self::Inspections => "inspections",
            Self::Appeals => "appeals",
            Self::Risk => "risk",
            Self::Acts => "acts",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Inspections, Self::Appeals, Self::Risk, Self::Acts].into_iter().find(|k| k.code() == code)
    }
}
