//! The case card (ЭКН) of one supervised object, and the indicators a prosecutor asks for first.
//!
//! The store fills the lists; `Indicators::compute` derives the figures from them, so the maths is
//! tested on plain values and the same numbers appear in the CLI, the JSON contract and later the UI.
//! The serialised form is the contract documented in docs/CARD.md (`schema: "ekn.card/1"`): fields
//! may be added, never renamed or removed, without bumping the schema.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::records::{InspectionKind, Outcome, RiskDegree};

/// The schema tag written into every card.
pub const CARD_SCHEMA: &str = "ekn.card/1";

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Card {
    pub schema: &'static str,
    pub subject: SubjectView,
    pub indicators: Indicators,
    /// Oldest first: the inspection timeline.
    pub inspections: Vec<InspectionView>,
    /// Oldest first.
    pub appeals: Vec<AppealView>,
    /// The latest score of each model, models in name order.
    pub risk: Vec<RiskView>,
    /// Facts a person confirmed from attached documents, oldest document date first: the
    /// chronology glued from documents beside the registry's rows (absent when there are none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub document_facts: Vec<DocumentFactView>,
    /// Where the registry and a confirmed document fact differ, both values with their sources
    /// (`domain::reconcile`; absent when there are none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub disagreements: Vec<super::reconcile::Disagreement>,
}

/// A fact confirmed from an attached document, with its source.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct DocumentFactView {
    /// The document's own date, as confirmed (YYYY-MM-DD), if a person confirmed one.
    pub date: Option<String>,
    pub kind: String,
    /// The value in force, as JSON text.
    pub value: String,
    pub file_name: String,
    pub sha256: String,
    pub page: i64,
    pub corrected: bool,
    pub confirmed_by: String,
    pub confirmed_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct SubjectView {
    pub bin: String,
    /// `bin` for an organisation, `iin` for an individual entrepreneur.
    pub id_kind: String,
    pub name: Option<String>,
    pub kato: Option<String>,
    pub region: Option<NamedCode>,
    pub oked: Option<String>,
    pub oked_section: Option<NamedCode>,
}

/// A code with its names in the three languages of the product.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct NamedCode {
    pub code: String,
    pub name_ru: String,
    pub name_kk: String,
    pub name_en: String,
}

/// Where a row came from: the import that last wrote it and its line (or row) in that file.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Provenance {
    pub import_id: i64,
    pub line: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct InspectionView {
    pub registry_no: String,
    pub control_body: String,
    pub kind: InspectionKind,
    pub grounds: Option<String>,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub kato: Option<String>,
    pub violations: u32,
    pub sanctions: Option<String>,
    /// Tenge, exact to the tiyn.
    pub fine_kzt: Option<f64>,
    pub appealed: Option<bool>,
    pub declared_illegal: Option<bool>,
    pub source: Provenance,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct AppealView {
    pub appeal_no: String,
    pub received: NaiveDate,
    pub channel: Option<String>,
    pub applicant_category: Option<String>,
    /// Keyed pseudonym of the applicant: equal pseudonyms mean the same person, nothing more.
    pub applicant: Option<String>,
    pub category: Option<String>,
    pub status: Option<String>,
    pub decided: Option<NaiveDate>,
    pub outcome: Option<Outcome>,
    /// Personal markers are already masked.
    pub text: Option<String>,
    /// The earlier appeal of the same applicant with the same text, when this one repeats it.
    pub repeats: Option<String>,
    pub source: Provenance,
    /// The destruction act that cleared this appeal's personal data (its text, applicant).
    pub destroyed_by: Option<String>,
    /// The SimHash of the masked text, for telling the same matter from another (never shown).
    #[serde(skip)]
    #[ts(skip)]
    pub simhash: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct RiskView {
    pub model: String,
    pub score: f64,
    pub degree: RiskDegree,
    pub computed: NaiveDate,
    pub factors: Vec<RiskFactor>,
    pub source: Provenance,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct RiskFactor {
    pub name: String,
    pub value: f64,
}

/// Figures derived from the card's own lists. Shares are fractions 0..1 rounded to 3 places, and
/// are `null` when there is nothing to divide by (a share of zero inspections is not 0%).
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Indicators {
    pub inspections_total: usize,
    pub first_inspection: Option<NaiveDate>,
    pub last_inspection: Option<NaiveDate>,
    /// Every calendar year from the first inspection to the last, including years with none.
    pub inspections_per_year: Vec<YearCount>,
    /// Total divided by the number of years in `inspections_per_year`.
    pub mean_inspections_per_year: Option<f64>,
    pub by_kind: KindCounts,
    pub share_unplanned: Option<f64>,
    pub share_with_violations: Option<f64>,
    pub violations_total: u64,
    pub inspections_with_sanctions: usize,
    pub fines_total_kzt: f64,
    /// Inspections the object appealed, and how many of them were declared illegal.
    pub inspections_appealed: usize,
    pub inspections_declared_illegal: usize,
    pub appeals_total: usize,
    pub appeals_by_outcome: OutcomeCounts,
    /// Appeals that repeat an earlier appeal of the same applicant.
    pub appeals_repeated: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct YearCount {
    pub year: i32,
    pub count: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, ts_rs::TS)]
pub struct KindCounts {
    pub planned: usize,
    pub unplanned: usize,
    pub preventive_visit: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, ts_rs::TS)]
pub struct OutcomeCounts {
    pub satisfied: usize,
    pub refused: usize,
    pub explained: usize,
    /// No outcome yet.
    pub pending: usize,
}

impl Indicators {
    pub fn compute(inspections: &[InspectionView], appeals: &[AppealView]) -> Indicators {
        let total = inspections.len();
        let mut by_kind = KindCounts::default();
        let mut per_year: BTreeMap<i32, usize> = BTreeMap::new();
        let mut with_violations = 0;
        let mut violations_total = 0u64;
        let mut with_sanctions = 0;
        let mut fines_tiyn = 0i64;
        let mut appealed = 0;
        let mut illegal = 0;
        for inspection in inspections {
            match inspection.kind {
                InspectionKind::Planned => by_kind.planned += 1,
                InspectionKind::Unplanned => by_kind.unplanned += 1,
                InspectionKind::PreventiveVisit => by_kind.preventive_visit += 1,
            }
            *per_year.entry(inspection.start_date.year()).or_default() += 1;
            if inspection.violations > 0 {
                with_violations += 1;
            }
            violations_total += u64::from(inspection.violations);
            if inspection.sanctions.as_deref().is_some_and(|s| !s.trim().is_empty()) {
                with_sanctions += 1;
            }
            fines_tiyn += inspection.fine_kzt.map_or(0, |kzt| (kzt * 100.0).round() as i64);
            appealed += usize::from(inspection.appealed == Some(true));
            illegal += usize::from(inspection.declared_illegal == Some(true));
        }
        let first = inspections.iter().map(|i| i.start_date).min();
        let last = inspections.iter().map(|i| i.start_date).max();
        let inspections_per_year: Vec<YearCount> = match (first, last) {
            (Some(f), Some(l)) => (f.year()..=l.year())
                .map(|year| YearCount { year, count: per_year.get(&year).copied().unwrap_or(0) })
                .collect(),
            _ => Vec::new(),
        };
        let mean = (!inspections_per_year.is_empty()).then(|| round3(total as f64 / inspections_per_year.len() as f64));

        let mut by_outcome = OutcomeCounts::default();
        for appeal in appeals {
            match appeal.outcome {
                Some(Outcome::Satisfied) => by_outcome.satisfied += 1,
                Some(Outcome::Refused) => by_outcome.refused += 1,
                Some(Outcome::Explained) => by_outcome.explained += 1,
                None => by_outcome.pending += 1,
            }
        }
        Indicators {
            inspections_total: total,
            first_inspection: first,
            last_inspection: last,
            inspections_per_year,
            mean_inspections_per_year: mean,
            share_unplanned: share(by_kind.unplanned, total),
            by_kind,
            share_with_violations: share(with_violations, total),
            violations_total,
            inspections_with_sanctions: with_sanctions,
            fines_total_kzt: fines_tiyn as f64 / 100.0,
            inspections_appealed: appealed,
            inspections_declared_illegal: illegal,
            appeals_total: appeals.len(),
            appeals_by_outcome: by_outcome,
            appeals_repeated: appeals.iter().filter(|a| a.repeats.is_some()).count(),
        }
    }
}

fn share(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| round3(part as f64 / whole as f64))
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inspection(date: &str, kind: InspectionKind, violations: u32, fine: Option<f64>) -> InspectionView {
        InspectionView {
            registry_no: date.into(),
            control_body: "body".into(),
            kind,
            grounds: None,
            start_date: date.parse().unwrap(),
            end_date: None,
            kato: None,
            violations,
            sanctions: fine.map(|_| "штраф".into()),
            fine_kzt: fine,
            appealed: Some(fine.is_some()),
            declared_illegal: Some(false),
            source: Provenance { import_id: 1, line: 2 },
        }
    }

    #[test]
    fn years_without_inspections_count_as_zero_and_shares_are_fractions() {
        let list = [
            inspection("2021-03-01", InspectionKind::Planned, 0, None),
            inspection("2023-05-02", InspectionKind::Unplanned, 2, Some(1000.10)),
            inspection("2023-07-09", InspectionKind::Unplanned, 1, Some(0.20)),
        ];
        let ind = Indicators::compute(&list, &[]);
        assert_eq!(
            ind.inspections_per_year,
            vec![
                YearCount { year: 2021, count: 1 },
                YearCount { year: 2022, count: 0 },
                YearCount { year: 2023, count: 2 }
            ]
        );
        assert_eq!(ind.mean_inspections_per_year, Some(1.0));
        assert_eq!(ind.share_unplanned, Some(0.667));
        assert_eq!(ind.share_with_violations, Some(0.667));
        assert_eq!(ind.fines_total_kzt, 1000.30);
        assert_eq!(ind.inspections_appealed, 2);
        assert_eq!(ind.appeals_by_outcome, OutcomeCounts::default());
    }

    #[test]
    fn an_object_without_inspections_has_no_shares() {
        let ind = Indicators::compute(&[], &[]);
        assert_eq!(ind.share_unplanned, None);
        assert_eq!(ind.mean_inspections_per_year, None);
        assert!(ind.inspections_per_year.is_empty());
    }
}
