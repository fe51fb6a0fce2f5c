//! The norms catalog: procedural rules as data (assets/norms.json, or a catalog an office imported)
//! — what period a rule sets, from what event, on what legal basis, how far it may be extended and
//! from what that cap counts, and whether the period was checked against the law's text. Every
//! text is in Russian, Kazakh and English. A rule that is not verified is still usable, but every
//! explanation built on it says so; there are no hidden constants for periods anywhere in the code.
//!
//! A catalog is read with its errors named by line and field, and checked as a whole (unique ids,
//! bounded periods, a reason for every unverified rule) before anything uses it.

use serde::{Deserialize, Serialize};

use super::deadline::{ExtensionCap, Period};

/// A text in the three languages of the product.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Localized {
    pub ru: String,
    pub kk: String,
    pub en: String,
}

/// The act, article and version a norm rests on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct LegalBasis {
    pub act_ru: String,
    pub act_kk: String,
    pub act_en: String,
    pub article: Option<String>,
    pub paragraph: Option<String>,
    pub version_date: Option<String>,
}

impl LegalBasis {
    /// The basis in words, in each language (the act, the article and paragraph, the version).
    pub fn describe(&self) -> Localized {
        let part = |act: &str,
                    article: &dyn Fn(&str) -> String,
                    para: &dyn Fn(&str) -> String,
                    version: &dyn Fn(&str) -> String| {
            let mut text = act.to_string();
            if let Some(a) = &self.article {
                text.push_str(&article(a));
            }
            if let Some(p) = &self.paragraph {
                text.push_str(&para(p));
            }
            if let Some(v) = &self.version_date {
                text.push_str(&version(v));
            }
            text
        };
        Localized {
            ru: part(&self.act_ru, &|a| format!(", ст. {a}"), &|p| format!(", п. {p}"), &|v| {
                format!(" (ред. от {v})")
            }),
            kk: part(&self.act_kk, &|a| format!(", {a}-бап"), &|p| format!(", {p}-тармақ"), &|v| {
                format!(" ({v} редакциясы)")
            }),
            en: part(&self.act_en, &|a| format!(", art. {a}"), &|p| format!(", para. {p}"), &|v| {
                format!(" (version of {v})")
            }),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
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
    pub trigger_kk: String,
    pub trigger_en: String,
    /// How far the period may be extended, and from what that cap counts; none when it may not.
    pub extension_cap: Option<ExtensionCap>,
    pub verified: bool,
    #[serde(default)]
    pub note_ru: Option<String>,
    #[serde(default)]
    pub note_kk: Option<String>,
    #[serde(default)]
    pub note_en: Option<String>,
}

impl Norm {
    pub fn name(&self) -> Localized {
        Localized { ru: self.name_ru.clone(), kk: self.name_kk.clone(), en: self.name_en.clone() }
    }

    pub fn note(&self) -> Option<Localized> {
        self.note_en.as_ref().map(|en| Localized {
            ru: self.note_ru.clone().unwrap_or_else(|| en.clone()),
            kk: self.note_kk.clone().unwrap_or_else(|| en.clone()),
            en: en.clone(),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct NormsCatalog {
    #[serde(default, rename = "_comment", skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    pub norms: Vec<Norm>,
}

/// Why a catalog was refused: where (line, field or norm) and what.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NormsError {
    #[error("line {line}, column {column}, field {field}: {reason}")]
    Format { line: usize, column: usize, field: String, reason: String },
    #[error("line {line}, norm '{norm}', field {field}: {reason}")]
    Invalid { line: usize, norm: String, field: String, reason: String },
    #[error("the catalog holds {count} norms; at most {max} are accepted")]
    TooMany { count: usize, max: usize },
}

/// The most norms a catalog may hold (the shipped one has seven).
pub const MAX_NORMS: usize = 500;

impl NormsCatalog {
    /// The catalog shipped with the product.
    pub fn builtin() -> NormsCatalog {
        NormsCatalog::from_json(BUILTIN).expect("assets/norms.json is a valid catalog (checked by a test)")
    }

    /// Reads and checks a catalog document.
    pub fn from_json(text: &str) -> Result<NormsCatalog, NormsError> {
        let deserializer = &mut serde_json::Deserializer::from_str(text);
        let catalog: NormsCatalog = serde_path_to_error::deserialize(deserializer).map_err(|e| {
            let field = e.path().to_string();
            let inner = e.into_inner();
            NormsError::Format {
                line: inner.line(),
                column: inner.column(),
                field,
                reason: strip_position(&inner.to_string()),
            }
        })?;
        catalog.validate(text)?;
        Ok(catalog)
    }

    fn validate(&self, text: &str) -> Result<(), NormsError> {
        if self.norms.len() > MAX_NORMS {
            return Err(NormsError::TooMany { count: self.norms.len(), max: MAX_NORMS });
        }
        let mut seen = std::collections::BTreeSet::new();
        for norm in &self.norms {
            let invalid = |field: &str, reason: String| NormsError::Invalid {
                line: line_of(text, &norm.id),
                norm: norm.id.clone(),
                field: field.to_string(),
                reason,
            };
            let id_ok = !norm.id.is_empty()
                && norm.id.len() <= 64
                && norm.id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if !id_ok {
                return Err(invalid("id", "an id is 1–64 characters of a–z, 0–9 and '-'".into()));
            }
            if !seen.insert(norm.id.as_str()) {
                return Err(invalid("id", "the id is used twice".into()));
            }
            for (field, value) in [
                ("name_ru", &norm.name_ru),
                ("name_kk", &norm.name_kk),
                ("name_en", &norm.name_en),
                ("basis.act_ru", &norm.basis.act_ru),
                ("basis.act_kk", &norm.basis.act_kk),
                ("basis.act_en", &norm.basis.act_en),
                ("trigger", &norm.trigger),
                ("trigger_ru", &norm.trigger_ru),
                ("trigger_kk", &norm.trigger_kk),
                ("trigger_en", &norm.trigger_en),
            ] {
                if value.trim().is_empty() {
                    return Err(invalid(field, "is empty".into()));
                }
            }
            norm.period.check().map_err(|e| invalid("period", e.to_string()))?;
            if let Some(cap) = &norm.extension_cap {
                cap.period.check().map_err(|e| invalid("extension_cap.period", e.to_string()))?;
                if cap.text_en.trim().is_empty() || cap.non_working_basis.trim().is_empty() {
                    return Err(invalid("extension_cap", "the cap needs its rule in words and its basis".into()));
                }
            }
            if !norm.verified && norm.note_en.as_deref().is_none_or(|n| n.trim().is_empty()) {
                return Err(invalid("note_en", "an unverified norm must say why (note_en)".into()));
            }
        }
        Ok(())
    }

    pub fn get(&self, id: &str) -> Option<&Norm> {
        self.norms.iter().find(|n| n.id == id)
    }

    /// The catalog as the JSON document `ekn norms import` reads.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("a catalog serialises");
        text.push('\n');
        text
    }
}

/// The shipped catalog's text.
pub const BUILTIN: &str = include_str!("../../assets/norms.json");

/// serde_json appends " at line L column C", which the error already says in its own words.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message.to_string(),
    }
}

/// The line on which a norm's id is written, so an error can point a person at it.
fn line_of(text: &str, id: &str) -> usize {
    let needle = format!("\"{id}\"");
    text.lines().position(|line| line.contains(&needle)).map_or(0, |i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::deadline::{CapAnchor, Unit};

    #[test]
    fn the_appeal_rules_of_appk_76_are_verified_and_the_prosecutorial_ones_are_not() {
        let catalog = NormsCatalog::builtin();
        let consideration = catalog.get("appk-76-consideration").unwrap();
        assert!(consideration.verified);
        assert_eq!(consideration.period, Period { amount: 15, unit: Unit::WorkingDays });
        let cap = consideration.extension_cap.as_ref().unwrap();
        assert_eq!(cap.period, Period { amount: 2, unit: Unit::Months });
        assert_eq!(cap.anchor, CapAnchor::Event, "art. 76 caps the whole term at two months from receipt");
        for id in ["prosecutor-protest", "prosecutor-submission", "prosecutor-order"] {
            let norm = catalog.get(id).unwrap();
            assert!(!norm.verified, "{id}");
            assert!(norm.note_en.as_deref().unwrap().starts_with("UNCONFIRMED"), "{id}");
            assert!(norm.note_kk.as_deref().unwrap().starts_with("РАСТАЛМАҒАН"), "{id}");
        }
    }

    #[test]
    fn every_norm_speaks_three_languages() {
        for norm in NormsCatalog::builtin().norms {
            let basis = norm.basis.describe();
            assert!(basis.ru.contains("Республики Казахстан") || basis.ru.contains("практика"), "{}", basis.ru);
            assert!(basis.kk.contains("Қазақстан") || basis.kk.contains("тәжірибесі"), "{}", basis.kk);
            assert_ne!(basis.ru, basis.en);
            assert!(!norm.trigger_kk.is_empty() && !norm.trigger_en.is_empty());
        }
    }

    #[test]
    fn a_bad_catalog_is_refused_with_its_line_and_field() {
        let bad_type = BUILTIN.replacen("\"amount\": 15", "\"amount\": \"fifteen\"", 1);
        let err = NormsCatalog::from_json(&bad_type).unwrap_err();
        assert!(
            matches!(&err, NormsError::Format { field, line, .. } if field == "norms[0].period.amount" && *line > 1),
            "{err}"
        );

        let too_long = BUILTIN.replacen("\"amount\": 15", "\"amount\": 4000000000", 1);
        let err = NormsCatalog::from_json(&too_long).unwrap_err();
        assert!(
            matches!(&err, NormsError::Invalid { norm, field, .. } if norm == "appk-76-consideration" && field == "period"),
            "{err}"
        );
        assert!(err.to_string().starts_with("line 5, norm 'appk-76-consideration'"), "{err}");

        let unknown =
            BUILTIN.replacen("\"verified\": true,\n      \"note_ru\"", "\"verifed\": true,\n      \"note_ru\"", 1);
        assert!(NormsCatalog::from_json(&unknown).is_err(), "a misspelt field is refused, not ignored");

        let twice = BUILTIN.replace("\"id\": \"appk-76-extension-notice\"", "\"id\": \"appk-76-consideration\"");
        assert!(matches!(NormsCatalog::from_json(&twice), Err(NormsError::Invalid { field, .. }) if field == "id"));
    }
}
