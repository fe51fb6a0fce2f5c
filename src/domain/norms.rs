//! The norms catalog: procedural rules as data (assets/norms.json) — what period a rule sets, from
//! what event, on what legal basis, and whether the period was checked against the law's text.
//! A rule that is not verified is still usable, but every explanation built on it says so; there
//! are no hidden constants for periods anywhere in the code.

use serde::{Deserialize, Serialize};

use super::deadline::Period;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct LegalBasis {
    pub act: String,
    pub article: Option<String>,
    pub paragraph: Option<String>,
    pub version_date: Option<String>,
}

impl LegalBasis {
    pub fn describe(&self) -> String {
        let mut text = self.act.clone();
        if let Some(article) = &self.article {
            text.push_str(&format!(", art. {article}"));
        }
        if let Some(paragraph) = &self.paragraph {
            text.push_str(&format!(", para. {paragraph}"));
        }
        if let Some(version) = &self.version_date {
            text.push_str(&format!(" (version of {version})"));
        }
        text
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Norm {
    pub id: String,
    pub name_ru: String,
    pub name_kk: String,
    pub name_en: String,
    pub basis: LegalBasis,
    pub period: Period,
    /// The event the period counts from (`appeal_received`, `act_received`, …).
    pub trigger: String,
    pub trigger_ru: String,
    /// The longest extension allowed, counted from the original due date.
    pub extension_cap: Option<Period>,
    pub verified: bool,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct NormsCatalog {
    pub norms: Vec<Norm>,
}

impl NormsCatalog {
    /// The catalog shipped with the product.
    pub fn builtin() -> NormsCatalog {
        serde_json::from_str(include_str!("../../assets/norms.json")).expect("assets/norms.json is a valid catalog")
    }

    pub fn get(&self, id: &str) -> Option<&Norm> {
        self.norms.iter().find(|n| n.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::deadline::Unit;

    #[test]
    fn the_appeal_rules_of_appk_76_are_verified_and_the_prosecutorial_ones_are_not() {
        let catalog = NormsCatalog::builtin();
        let consideration = catalog.get("appk-76-consideration").unwrap();
        assert!(consideration.verified);
        assert_eq!(consideration.period, Period { amount: 15, unit: Unit::WorkingDays });
        assert_eq!(consideration.extension_cap, Some(Period { amount: 2, unit: Unit::Months }));
        for id in ["prosecutor-protest", "prosecutor-submission", "prosecutor-order"] {
            let norm = catalog.get(id).unwrap();
            assert!(!norm.verified, "{id}");
            assert!(norm.note.as_deref().unwrap().starts_with("UNCONFIRMED"), "{id}");
        }
        let mut ids: Vec<&str> = catalog.norms.iter().map(|n| n.id.as_str()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), catalog.norms.len(), "ids are unique");
    }
}
