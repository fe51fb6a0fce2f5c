//! The norms catalogue: procedural rules as versions of the law in force by date (assets/norms.json,
//! or a catalogue an office imported). A norm is a list of versions; each names its act (and the
//! act that amended it), article, part and paragraph, the exact Russian sentence that sets its
//! period as the official text publishes it, the edition read, the period and unit (or a period
//! the act itself sets, with its minimum), the trigger, the extension cap with what it counts from,
//! the rule for a last day that falls on a non-working day (with its own basis), the transitional
//! rule, and whether each part is confirmed. A deadline is counted by the version in force on its
//! trigger's date (`NormsCatalog::at`), so a change of law is a new version, never a rewrite of
//! the past. Every text is in Russian, Kazakh and English; there are no hidden constants for
//! periods anywhere in the code.
//!
//! A catalogue is read with its errors named by line and field, and checked as a whole (unique
//! ids, versions that never overlap, references that resolve, bounded periods, a quote for every
//! verified version, a reason for every unverified one) before anything uses it. A catalogue in
//! the earlier format (one wording per norm, no quotes) is still read: each norm becomes one
//! version in force on every date, unconfirmed.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::deadline::{CapAnchor, ExtensionCap, NonWorkingEnd, Period, Unit};
pub use super::deadline::{Direction, FirstDay};

/// The format name a catalogue of this kind carries.
pub const FORMAT: &str = "ekn.norms/2";

/// A text in the three languages of the product.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct Localized {
    pub ru: String,
    pub kk: String,
    pub en: String,
}

impl Localized {
    fn is_blank(&self) -> bool {
        self.ru.trim().is_empty() || self.kk.trim().is_empty() || self.en.trim().is_empty()
    }
}

/// A legal act: its name, number and date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ActRef {
    pub name: Localized,
    pub number: Option<String>,
    pub date: Option<NaiveDate>,
}

/// An edition of an act's official text that a version was read from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct Edition {
    /// The act (a key of `acts`).
    pub act: String,
    pub date: NaiveDate,
}

/// How a last day that is a non-working day is treated, with the rule's own basis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct EndRule {
    /// True: the last day moves to the next working day. False: it stays as counted.
    pub moves: bool,
    /// True only when the rule is quoted from the act that governs the period.
    pub confirmed: bool,
    pub act: Option<String>,
    pub article: Option<String>,
    pub part: Option<String>,
    pub edition: Option<String>,
    pub quote_ru: Option<String>,
    pub basis: Localized,
}

/// A period the act itself sets (the prosecutor's own period), with its lower bound.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct SetByAct {
    /// The shortest period the act may set, where the law gives one.
    pub min: Option<Period>,
    /// True: the norm's own period holds unless the act sets another. False: there is no default.
    pub default_stands: bool,
    pub quote_ru: Option<String>,
    pub text: Localized,
}

/// What an amendment says of procedures already running.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct Transitional {
    pub confirmed: bool,
    /// True when the new version governs procedures begun before it, too.
    pub applies_to_running: bool,
    pub text: Localized,
}

/// A version's extension cap: how far the period may be extended and from what that counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct VersionCap {
    pub period: Period,
    pub anchor: CapAnchor,
    /// How the cap's last day is treated when it is a non-working day (a key of `end_rules`).
    pub end_rule: Option<String>,
    pub quote_ru: Option<String>,
    pub text_ru: String,
    pub text_kk: String,
    pub text_en: String,
    pub verified: bool,
}

/// One version of a norm: the law as it stood from one date to another.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct NormVersion {
    /// The first day this version governs (a trigger on or after it is counted by it).
    pub in_force_from: NaiveDate,
    /// False when the first day is derived from a date not among the texts (a publication).
    pub in_force_from_confirmed: bool,
    /// The first day this version is known for certain to be in force (the edition that shows it).
    pub in_force_certain_from: Option<NaiveDate>,
    /// How the first day was found, in English (the act's own words where it has them).
    pub in_force_from_basis: String,
    /// The last day it governs; the day before the next version's first day when not given.
    pub in_force_to: Option<NaiveDate>,
    /// The act (a key of `acts`), and the act whose wording this is when it amended it.
    pub act: String,
    pub amended_by: Option<String>,
    pub article: Option<String>,
    pub part: Option<String>,
    pub paragraph: Option<String>,
    pub subparagraph: Option<String>,
    /// The sentence that sets the period, exactly as the official Russian text has it.
    pub quote_ru: Option<String>,
    /// The same from the official Kazakh text, where the catalogue has it.
    pub quote_kk: Option<String>,
    /// The edition read (a key of `editions`).
    pub edition: Option<String>,
    /// The period; none when the act sets it (see `set_by_act`) or the norm sets none.
    pub period: Option<Period>,
    pub set_by_act: Option<SetByAct>,
    pub first_day: FirstDay,
    pub direction: Direction,
    /// The trigger is a receipt that counts from its registration: the day of receipt when it is
    /// a working day, else the next working day (APPC art. 64 part 3).
    pub registration: bool,
    /// The event the period counts from (a key of `triggers`).
    pub trigger: String,
    pub extension_cap: Option<VersionCap>,
    /// How a last day that is a non-working day is treated (a key of `end_rules`); none for
    /// periods that end on a working day by their nature (working days).
    pub end_rule: Option<String>,
    pub transitional: Option<Transitional>,
    /// What a person must know of this version from a date on (keys of `caveats`): the version
    /// rests on an edition older than a change the catalogue cannot read yet.
    #[serde(default)]
    pub caveats: Vec<String>,
    pub verified: bool,
    pub note_ru: Option<String>,
    pub note_kk: Option<String>,
    pub note_en: Option<String>,
}

/// A norm: what it is about and its versions, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct NormEntry {
    pub id: String,
    pub name_ru: String,
    pub name_kk: String,
    pub name_en: String,
    /// Which law governs the deadline and whose it is (a key of `governing`).
    pub governs: String,
    pub versions: Vec<NormVersion>,
}

impl NormEntry {
    pub fn name(&self) -> Localized {
        Localized { ru: self.name_ru.clone(), kk: self.name_kk.clone(), en: self.name_en.clone() }
    }

    /// The last day a version governs: its own end, else the day before the next version.
    pub fn last_day(&self, index: usize) -> Option<NaiveDate> {
        let own = self.versions[index].in_force_to;
        let next = self.versions.get(index + 1).and_then(|n| n.in_force_from.pred_opt());
        match (own, next) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// The index of the version in force on `date`.
    pub fn index_at(&self, date: NaiveDate) -> Option<usize> {
        (0..self.versions.len())
            .rev()
            .find(|&i| self.versions[i].in_force_from <= date && self.last_day(i).is_none_or(|last| date <= last))
    }
}

/// Something that may have changed a version from a date on (a new Constitution in force, which
/// constitutional laws are re-made under), with its source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct Caveat {
    pub from: NaiveDate,
    pub source: String,
    pub text: Localized,
}

/// A norm no longer in the catalogue, and the one that takes its tasks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct Retired {
    pub replaced_by: String,
    pub reason: Localized,
    pub quote_ru: Option<String>,
    pub edition: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct NormsCatalog {
    #[serde(default, rename = "_comment", skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    pub format: String,
    pub acts: BTreeMap<String, ActRef>,
    pub editions: BTreeMap<String, Edition>,
    pub triggers: BTreeMap<String, Localized>,
    /// Which law governs a deadline and whose deadline it is, in words, by `governs` code.
    pub governing: BTreeMap<String, Localized>,
    #[serde(default)]
    pub caveats: BTreeMap<String, Caveat>,
    pub end_rules: BTreeMap<String, EndRule>,
    #[serde(default)]
    pub retired: BTreeMap<String, Retired>,
    pub norms: Vec<NormEntry>,
}

/// Why a catalogue was refused: where (line, field or norm) and what.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NormsError {
    #[error("line {line}, column {column}, field {field}: {reason}")]
    Format { line: usize, column: usize, field: String, reason: String },
    #[error("line {line}, norm '{norm}', field {field}: {reason}")]
    Invalid { line: usize, norm: String, field: String, reason: String },
    #[error("the catalog holds {count} norms; at most {max} are accepted")]
    TooMany { count: usize, max: usize },
}

/// The most norms a catalogue may hold, and versions a norm may have.
pub const MAX_NORMS: usize = 500;
pub const MAX_VERSIONS: usize = 50;
/// The longest quote or text a catalogue may carry (a sentence of law, not a chapter).
const MAX_TEXT: usize = 4000;

/// A norm as it governs one trigger date: the norm, the version in force that day, and what the
/// version names, resolved.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Norm {
    pub id: String,
    pub name: Localized,
    /// Which law governs this deadline, in words.
    pub governs: Localized,
    pub version: NormVersion,
    pub act: ActRef,
    pub amended_by: Option<ActRef>,
    pub edition_date: Option<NaiveDate>,
    pub trigger: Localized,
    pub end_rule: Option<EndRule>,
    /// The extension cap as the deadline engine counts it.
    pub cap: Option<ExtensionCap>,
    /// What may have changed this version since its edition, from a date on.
    pub caveats: Vec<Caveat>,
    /// The date asked for lies before the first version: the first one was used, unconfirmed.
    pub before_first_version: bool,
}

impl Norm {
    pub fn period(&self) -> Option<Period> {
        self.version.period
    }

    pub fn verified(&self) -> bool {
        self.version.verified
    }

    /// The version's key: its first day in force.
    pub fn version_key(&self) -> NaiveDate {
        self.version.in_force_from
    }

    /// The basis in words, in each language: the act (and the amending act), the article, part,
    /// paragraph and subparagraph, and the edition read.
    pub fn basis(&self) -> Localized {
        let v = &self.version;
        let edition = self.edition_date.map(|d| d.format("%d.%m.%Y").to_string());
        let amended = self.amended_by.as_ref();
        let say = |act: &str,
                   amended: Option<String>,
                   article: &dyn Fn(&str) -> String,
                   part: &dyn Fn(&str) -> String,
                   para: &dyn Fn(&str) -> String,
                   sub: &dyn Fn(&str) -> String,
                   ed: &dyn Fn(&str) -> String| {
            let mut text = act.to_string();
            for (value, f) in [(&v.article, article), (&v.part, part), (&v.paragraph, para), (&v.subparagraph, sub)] {
                if let Some(value) = value {
                    text.push_str(&f(value));
                }
            }
            if let Some(a) = amended {
                text.push_str(&a);
            }
            if let Some(e) = &edition {
                text.push_str(&ed(e));
            }
            text
        };
        let number = |a: &ActRef| a.number.clone().unwrap_or_default();
        let date = |a: &ActRef| a.date.map(|d| d.format("%d.%m.%Y").to_string()).unwrap_or_default();
        Localized {
            ru: say(
                &self.act.name.ru,
                amended.map(|a| format!(" (в редакции акта № {} от {})", number(a), date(a))),
                &|a| format!(", ст. {a}"),
                &|p| format!(", ч. {p}"),
                &|p| format!(", п. {p}"),
                &|s| format!(", пп. {s})"),
                &|e| format!("; редакция текста от {e}"),
            ),
            kk: say(
                &self.act.name.kk,
                amended.map(|a| format!(" ({} № {} актісінің редакциясында)", date(a), number(a))),
                &|a| format!(", {a}-бап"),
                &|p| format!(", {p}-бөлік"),
                &|p| format!(", {p}-тармақ"),
                &|s| format!(", {s})-тармақша"),
                &|e| format!("; мәтіннің {e} редакциясы"),
            ),
            en: say(
                &self.act.name.en,
                amended.map(|a| format!(" (as worded by act No. {} of {})", number(a), date(a))),
                &|a| format!(", art. {a}"),
                &|p| format!(", part {p}"),
                &|p| format!(", para. {p}"),
                &|s| format!(", subpara. {s})"),
                &|e| format!("; text of the edition of {e}"),
            ),
        }
    }

    pub fn note(&self) -> Option<Localized> {
        let v = &self.version;
        v.note_en.as_ref().map(|en| Localized {
            ru: v.note_ru.clone().unwrap_or_else(|| en.clone()),
            kk: v.note_kk.clone().unwrap_or_else(|| en.clone()),
            en: en.clone(),
        })
    }
}

/// Why a norm cannot be used for a date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LookupError {
    #[error("no norm '{0}' in the catalog")]
    Unknown(String),
}

impl NormsCatalog {
    /// The catalogue shipped with the product.
    pub fn builtin() -> NormsCatalog {
        NormsCatalog::from_json(BUILTIN).expect("assets/norms.json is a valid catalog (checked by a test)")
    }

    /// Reads and checks a catalogue document, of this format or the earlier one.
    pub fn from_json(text: &str) -> Result<NormsCatalog, NormsError> {
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| NormsError::Format {
            line: e.line(),
            column: e.column(),
            field: String::new(),
            reason: strip_position(&e.to_string()),
        })?;
        let earlier = value.get("format").is_none()
            && value
                .get("norms")
                .and_then(|n| n.as_array())
                .is_some_and(|n| n.iter().any(|n| n.get("period").is_some()));
        let catalog = if earlier { legacy::read(text)? } else { parse::<NormsCatalog>(text)? };
        catalog.validate(text)?;
        Ok(catalog)
    }

    pub fn entry(&self, id: &str) -> Option<&NormEntry> {
        self.norms.iter().find(|n| n.id == id)
    }

    /// The norm `id` as it governs a trigger on `date`: the version in force that day, resolved.
    /// A date before the first version is counted by the first one, and says so.
    pub fn at(&self, id: &str, date: NaiveDate) -> Result<Norm, LookupError> {
        let entry = self.entry(id).ok_or_else(|| LookupError::Unknown(id.to_string()))?;
        let (index, before) = match entry.index_at(date) {
            Some(i) => (i, false),
            // Before the first version, or in a gap between two: the nearest earlier version, else the first.
            None => match (0..entry.versions.len()).rev().find(|&i| entry.versions[i].in_force_from <= date) {
                Some(i) => (i, true),
                None => (0, true),
            },
        };
        Ok(self.resolve(entry, index, before))
    }

    /// The version at `index` of `entry`, resolved.
    pub fn resolve(&self, entry: &NormEntry, index: usize, before_first_version: bool) -> Norm {
        let version = entry.versions[index].clone();
        let act = self.acts.get(&version.act).cloned().unwrap_or_else(|| ActRef {
            name: Localized { ru: version.act.clone(), kk: version.act.clone(), en: version.act.clone() },
            number: None,
            date: None,
        });
        let amended_by = version.amended_by.as_ref().and_then(|a| self.acts.get(a)).cloned();
        let edition_date = version.edition.as_ref().and_then(|e| self.editions.get(e)).map(|e| e.date);
        let trigger = self.triggers.get(&version.trigger).cloned().unwrap_or_default();
        let governs = self.governing.get(&entry.governs).cloned().unwrap_or_default();
        let end_rule = version.end_rule.as_ref().and_then(|r| self.end_rules.get(r)).cloned();
        let cap = version.extension_cap.as_ref().map(|c| {
            let rule = c.end_rule.as_ref().and_then(|r| self.end_rules.get(r));
            ExtensionCap {
                period: c.period,
                anchor: c.anchor,
                on_non_working_day: match rule {
                    Some(r) if !r.moves => NonWorkingEnd::Stays,
                    _ => NonWorkingEnd::NextWorkingDay,
                },
                text_ru: c.text_ru.clone(),
                text_kk: c.text_kk.clone(),
                text_en: c.text_en.clone(),
                non_working_basis: match rule {
                    Some(r) => r.basis.en.clone(),
                    None if c.period.unit == Unit::WorkingDays => {
                        "a cap counted in working days ends on a working day".to_string()
                    }
                    None => "the catalogue names no rule for a cap that ends on a non-working day".to_string(),
                },
                end_confirmed: rule.is_none_or(|r| r.confirmed),
                verified: c.verified,
            }
        });
        let caveats = version.caveats.iter().filter_map(|c| self.caveats.get(c)).cloned().collect();
        Norm {
            caveats,
            id: entry.id.clone(),
            name: entry.name(),
            governs,
            version,
            act,
            amended_by,
            edition_date,
            trigger,
            end_rule,
            cap,
            before_first_version,
        }
    }

    fn validate(&self, text: &str) -> Result<(), NormsError> {
        if self.norms.len() > MAX_NORMS {
            return Err(NormsError::TooMany { count: self.norms.len(), max: MAX_NORMS });
        }
        let top = |field: &str, reason: String| NormsError::Invalid {
            line: line_of(text, field.split('.').next_back().unwrap_or(field)),
            norm: String::new(),
            field: field.to_string(),
            reason,
        };
        if self.format != FORMAT {
            return Err(top("format", format!("'{}' is not a format this program reads ({FORMAT})", self.format)));
        }
        for (key, act) in &self.acts {
            if act.name.is_blank() {
                return Err(top(&format!("acts.{key}"), "an act needs its name in ru, kk and en".into()));
            }
        }
        for (key, edition) in &self.editions {
            if !self.acts.contains_key(&edition.act) {
                return Err(top(&format!("editions.{key}.act"), format!("no act '{}' in `acts`", edition.act)));
            }
        }
        for (key, words) in self.triggers.iter().chain(&self.governing) {
            if words.is_blank() {
                return Err(top(key, "needs its words in ru, kk and en".into()));
            }
        }
        for (key, caveat) in &self.caveats {
            if caveat.text.is_blank() || caveat.source.trim().is_empty() {
                return Err(top(
                    &format!("caveats.{key}"),
                    "a caveat needs its words in ru, kk and en and its source".into(),
                ));
            }
        }
        for (key, rule) in &self.end_rules {
            if rule.basis.is_blank() {
                return Err(top(&format!("end_rules.{key}.basis"), "a rule needs its basis in ru, kk and en".into()));
            }
            if rule.confirmed && rule.quote_ru.as_deref().is_none_or(|q| q.trim().is_empty()) {
                return Err(top(&format!("end_rules.{key}"), "a confirmed rule quotes the law (quote_ru)".into()));
            }
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
            if self.retired.contains_key(&norm.id) {
                return Err(invalid("id", "the id is listed as retired too".into()));
            }
            for (field, value) in [("name_ru", &norm.name_ru), ("name_kk", &norm.name_kk), ("name_en", &norm.name_en)] {
                if value.trim().is_empty() {
                    return Err(invalid(field, "is empty".into()));
                }
            }
            if !self.governing.contains_key(&norm.governs) {
                return Err(invalid("governs", format!("no '{}' in `governing`", norm.governs)));
            }
            if norm.versions.is_empty() || norm.versions.len() > MAX_VERSIONS {
                return Err(invalid("versions", format!("a norm has 1 to {MAX_VERSIONS} versions")));
            }
            for (i, v) in norm.versions.iter().enumerate() {
                let field = |f: &str| format!("versions[{i}].{f}");
                let bad = |f: &str, reason: String| invalid(&field(f), reason);
                if let Some(next) = norm.versions.get(i + 1) {
                    if next.in_force_from <= v.in_force_from {
                        return Err(bad(
                            "in_force_from",
                            "versions are listed oldest first, each from a later day".into(),
                        ));
                    }
                    if v.in_force_to.is_some_and(|to| to >= next.in_force_from) {
                        return Err(bad(
                            "in_force_to",
                            format!(
                                "two versions would be in force on the same day: this one to {}, the next from {}",
                                v.in_force_to.expect("checked"),
                                next.in_force_from
                            ),
                        ));
                    }
                }
                if v.in_force_to.is_some_and(|to| to < v.in_force_from) {
                    return Err(bad("in_force_to", "ends before it begins".into()));
                }
                if v.in_force_certain_from.is_some_and(|c| c < v.in_force_from) {
                    return Err(bad("in_force_certain_from", "is earlier than in_force_from".into()));
                }
                if !self.acts.contains_key(&v.act) {
                    return Err(bad("act", format!("no act '{}' in `acts`", v.act)));
                }
                if let Some(a) = v.amended_by.as_ref().filter(|a| !self.acts.contains_key(*a)) {
                    return Err(bad("amended_by", format!("no act '{a}' in `acts`")));
                }
                if let Some(e) = v.edition.as_ref().filter(|e| !self.editions.contains_key(*e)) {
                    return Err(bad("edition", format!("no edition '{e}' in `editions`")));
                }
                if !self.triggers.contains_key(&v.trigger) {
                    return Err(bad("trigger", format!("no trigger '{}' in `triggers`", v.trigger)));
                }
                if let Some(r) = v.end_rule.as_ref().filter(|r| !self.end_rules.contains_key(*r)) {
                    return Err(bad("end_rule", format!("no rule '{r}' in `end_rules`")));
                }
                if v.direction == Direction::Before && v.period.is_none_or(|p| p.unit != Unit::WorkingDays) {
                    return Err(bad("direction", "a period due before its trigger is counted in working days".into()));
                }
                if let Some(p) = &v.period {
                    p.check().map_err(|e| bad("period", e.to_string()))?;
                    if p.unit != Unit::WorkingDays && v.end_rule.is_none() && v.direction == Direction::After {
                        return Err(bad(
                            "end_rule",
                            "a period of calendar days or months says how a last day off is treated (end_rule)".into(),
                        ));
                    }
                }
                if let Some(s) = &v.set_by_act {
                    if let Some(min) = &s.min {
                        min.check().map_err(|e| bad("set_by_act.min", e.to_string()))?;
                    }
                    if s.text.is_blank() {
                        return Err(bad("set_by_act.text", "needs its words in ru, kk and en".into()));
                    }
                    if s.default_stands && v.period.is_none() {
                        return Err(bad(
                            "set_by_act.default_stands",
                            "there is no period of the norm's own to stand".into(),
                        ));
                    }
                }
                if let Some(c) = &v.extension_cap {
                    c.period.check().map_err(|e| bad("extension_cap.period", e.to_string()))?;
                    if c.text_en.trim().is_empty() || c.text_ru.trim().is_empty() || c.text_kk.trim().is_empty() {
                        return Err(bad("extension_cap", "the cap needs its rule in words, in ru, kk and en".into()));
                    }
                    if let Some(r) = c.end_rule.as_ref().filter(|r| !self.end_rules.contains_key(*r)) {
                        return Err(bad("extension_cap.end_rule", format!("no rule '{r}' in `end_rules`")));
                    }
                    if c.verified && c.quote_ru.as_deref().is_none_or(|q| q.trim().is_empty()) {
                        return Err(bad("extension_cap.quote_ru", "a verified cap quotes the law".into()));
                    }
                }
                if v.verified {
                    if v.quote_ru.as_deref().is_none_or(|q| q.trim().is_empty()) {
                        return Err(bad(
                            "quote_ru",
                            "a version cannot be verified without the sentence of the law that sets it".into(),
                        ));
                    }
                    if v.edition.is_none() {
                        return Err(bad("edition", "a verified version names the edition it was read from".into()));
                    }
                } else if v.note_en.as_deref().is_none_or(|n| n.trim().is_empty()) {
                    return Err(bad("note_en", "an unverified version must say why (note_en)".into()));
                }
                if v.period.is_none() && v.set_by_act.is_none() && !v.registration && v.note_en.is_none() {
                    return Err(bad("period", "a version without a period says why (note_en) or what sets it".into()));
                }
                if let Some(c) = v.caveats.iter().find(|c| !self.caveats.contains_key(*c)) {
                    return Err(bad("caveats", format!("no caveat '{c}' in `caveats`")));
                }
                if let Some(t) = &v.transitional {
                    if t.text.is_blank() {
                        return Err(bad("transitional.text", "needs its words in ru, kk and en".into()));
                    }
                }
                if v.in_force_from_basis.trim().is_empty() {
                    return Err(bad("in_force_from_basis", "say how the first day in force was found".into()));
                }
                for (f, value) in [
                    ("quote_ru", v.quote_ru.as_deref()),
                    ("quote_kk", v.quote_kk.as_deref()),
                    ("note_ru", v.note_ru.as_deref()),
                    ("note_kk", v.note_kk.as_deref()),
                    ("note_en", v.note_en.as_deref()),
                    ("in_force_from_basis", Some(v.in_force_from_basis.as_str())),
                ] {
                    if value.is_some_and(|t| t.chars().count() > MAX_TEXT) {
                        return Err(bad(f, format!("is longer than {MAX_TEXT} characters")));
                    }
                }
            }
        }
        for (id, retired) in &self.retired {
            if self.entry(&retired.replaced_by).is_none() {
                return Err(top(&format!("retired.{id}.replaced_by"), format!("no norm '{}'", retired.replaced_by)));
            }
        }
        Ok(())
    }

    /// The catalogue as the JSON document `ekn norms import` reads.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("a catalog serialises");
        text.push('\n');
        text
    }
}

/// The shipped catalogue's text.
pub const BUILTIN: &str = include_str!("../../../assets/norms.json");

fn parse<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, NormsError> {
    let deserializer = &mut serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(deserializer).map_err(|e| {
        let field = e.path().to_string();
        let inner = e.into_inner();
        NormsError::Format {
            line: inner.line(),
            column: inner.column(),
            field,
            reason: strip_position(&inner.to_string()),
        }
    })
}

/// serde_json appends " at line L column C", which the error already says in its own words.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message.to_string(),
    }
}

/// The line on which a key or an id is first written, so an error can point a person at it.
fn line_of(text: &str, id: &str) -> usize {
    let needle = format!("\"{id}\"");
    text.lines().position(|line| line.contains(&needle)).map_or(0, |i| i + 1)
}

/// A text as quotes are compared: runs of white space as one space, none before closing
/// punctuation or after opening brackets (the official text's line breaks fall anywhere).
pub fn normalise_quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if space && !matches!(c, ',' | '.' | ';' | ':' | ')' | '»') && !out.ends_with(['(', '«']) {
            out.push(' ');
        }
        space = false;
        out.push(c);
    }
    out
}

/// Every quote of the catalogue that reads from the edition `edition`, with where it sits
/// (`norm@from`, a cap, a rule), for `ekn norms check` and the test that holds the shipped quotes
/// to the texts.
pub fn quotes_of<'a>(catalog: &'a NormsCatalog, edition: &str) -> Vec<(String, &'a str)> {
    let mut quotes = Vec::new();
    for norm in &catalog.norms {
        for v in norm.versions.iter().filter(|v| v.edition.as_deref() == Some(edition)) {
            let place = format!("{}@{}", norm.id, v.in_force_from);
            for (what, quote) in [
                ("", v.quote_ru.as_deref()),
                (" extension_cap", v.extension_cap.as_ref().and_then(|c| c.quote_ru.as_deref())),
                (" set_by_act", v.set_by_act.as_ref().and_then(|s| s.quote_ru.as_deref())),
            ] {
                if let Some(q) = quote {
                    quotes.push((format!("{place}{what}"), q));
                }
            }
        }
    }
    for (key, rule) in catalog.end_rules.iter().filter(|(_, r)| r.edition.as_deref() == Some(edition)) {
        if let Some(q) = rule.quote_ru.as_deref() {
            quotes.push((format!("end_rules.{key}"), q));
        }
    }
    for (key, retired) in catalog.retired.iter().filter(|(_, r)| r.edition.as_deref() == Some(edition)) {
        if let Some(q) = retired.quote_ru.as_deref() {
            quotes.push((format!("retired.{key}"), q));
        }
    }
    quotes
}

/// The catalogue format before versions by date: one wording per norm, without quotes. Read so
/// that an office's older catalogue still opens; each norm becomes one version in force on
/// every date, unconfirmed, with the reason said.
mod legacy {
    use super::*;

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Catalog {
        #[serde(default, rename = "_comment")]
        comment: Option<String>,
        norms: Vec<Norm>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Basis {
        act_ru: String,
        act_kk: String,
        act_en: String,
        article: Option<String>,
        paragraph: Option<String>,
        version_date: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Cap {
        period: Period,
        anchor: CapAnchor,
        on_non_working_day: NonWorkingEnd,
        text_ru: String,
        text_kk: String,
        text_en: String,
        non_working_basis: String,
        #[allow(dead_code)]
        verified: bool,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Norm {
        id: String,
        name_ru: String,
        name_kk: String,
        name_en: String,
        basis: Basis,
        period: Period,
        trigger: String,
        trigger_ru: String,
        trigger_kk: String,
        trigger_en: String,
        extension_cap: Option<Cap>,
        #[allow(dead_code)]
        verified: bool,
        #[serde(default)]
        note_ru: Option<String>,
        #[serde(default)]
        note_kk: Option<String>,
        #[serde(default)]
        note_en: Option<String>,
    }

    const WHY_EN: &str =
        "UNCONFIRMED: from a catalogue of the earlier format (without versions by date or quotes of the law)";
    const WHY_RU: &str = "НЕ ПОДТВЕРЖДЕНО: из каталога прежнего формата (без редакций по датам и цитат закона)";
    const WHY_KK: &str =
        "РАСТАЛМАҒАН: бұрынғы форматтағы каталогтан (күндер бойынша редакцияларсыз және заң дәйексөздерінсіз)";

    pub(super) fn read(text: &str) -> Result<NormsCatalog, NormsError> {
        let old: Catalog = parse(text)?;
        let mut catalog = NormsCatalog {
            comment: old.comment,
            format: FORMAT.into(),
            acts: BTreeMap::new(),
            editions: BTreeMap::new(),
            triggers: BTreeMap::new(),
            governing: BTreeMap::from([(
                "earlier_format".to_string(),
                Localized {
                    ru: "из каталога прежнего формата: какой закон регулирует срок, не указано".into(),
                    kk: "бұрынғы форматтағы каталогтан: мерзімді қай заң реттейтіні көрсетілмеген".into(),
                    en: "from a catalogue of the earlier format: which law governs the period is not said".into(),
                },
            )]),
            caveats: BTreeMap::new(),
            end_rules: BTreeMap::new(),
            retired: BTreeMap::new(),
            norms: Vec::new(),
        };
        for n in old.norms {
            let act_key = format!("{}-act", n.id);
            catalog.acts.insert(
                act_key.clone(),
                ActRef {
                    name: Localized { ru: n.basis.act_ru, kk: n.basis.act_kk, en: n.basis.act_en },
                    number: None,
                    date: n.basis.version_date.as_deref().and_then(|d| d.parse().ok()),
                },
            );
            catalog
                .triggers
                .insert(n.trigger.clone(), Localized { ru: n.trigger_ru, kk: n.trigger_kk, en: n.trigger_en });
            let mut end_rule = None;
            let cap = n.extension_cap.map(|c| {
                let key = format!("{}-cap", n.id);
                catalog.end_rules.insert(
                    key.clone(),
                    EndRule {
                        moves: c.on_non_working_day != NonWorkingEnd::Stays,
                        confirmed: false,
                        act: None,
                        article: None,
                        part: None,
                        edition: None,
                        quote_ru: None,
                        basis: Localized {
                            ru: c.non_working_basis.clone(),
                            kk: c.non_working_basis.clone(),
                            en: c.non_working_basis,
                        },
                    },
                );
                VersionCap {
                    period: c.period,
                    anchor: c.anchor,
                    end_rule: Some(key),
                    quote_ru: None,
                    text_ru: c.text_ru,
                    text_kk: c.text_kk,
                    text_en: c.text_en,
                    verified: false,
                }
            });
            if n.period.unit != Unit::WorkingDays {
                let key = "earlier-format-next-working-day".to_string();
                catalog.end_rules.entry(key.clone()).or_insert_with(|| EndRule {
                    moves: true,
                    confirmed: false,
                    act: None,
                    article: None,
                    part: None,
                    edition: None,
                    quote_ru: None,
                    basis: Localized {
                        ru: "каталог прежнего формата переносил последний нерабочий день на следующий рабочий".into(),
                        kk: "бұрынғы форматтағы каталог жұмыс емес соңғы күнді келесі жұмыс күніне ауыстыратын".into(),
                        en: "the earlier catalogue format moved a last day off to the next working day".into(),
                    },
                });
                end_rule = Some(key);
            }
            let join =
                |why: &str, note: Option<String>| Some(note.map_or_else(|| why.to_string(), |n| format!("{why}. {n}")));
            catalog.norms.push(NormEntry {
                id: n.id,
                name_ru: n.name_ru,
                name_kk: n.name_kk,
                name_en: n.name_en,
                governs: "earlier_format".into(),
                versions: vec![NormVersion {
                    in_force_from: NaiveDate::from_ymd_opt(2000, 1, 1).expect("a date"),
                    in_force_from_confirmed: false,
                    in_force_certain_from: None,
                    in_force_from_basis: "a catalogue of the earlier format gives no dates of force".into(),
                    in_force_to: None,
                    act: act_key,
                    amended_by: None,
                    article: n.basis.article,
                    part: None,
                    paragraph: n.basis.paragraph,
                    subparagraph: None,
                    quote_ru: None,
                    quote_kk: None,
                    edition: None,
                    period: Some(n.period),
                    set_by_act: None,
                    first_day: FirstDay::NextDay,
                    direction: Direction::After,
                    registration: false,
                    trigger: n.trigger,
                    extension_cap: cap,
                    end_rule,
                    transitional: None,
                    caveats: Vec::new(),
                    verified: false,
                    note_ru: join(WHY_RU, n.note_ru),
                    note_kk: join(WHY_KK, n.note_kk),
                    note_en: join(WHY_EN, n.note_en),
                }],
            });
        }
        Ok(catalog)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deadline::{CapAnchor, Unit};

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_norm_is_counted_by_the_version_in_force_on_its_trigger() {
        let catalog = NormsCatalog::builtin();
        // APPC art. 76: the earlier wording until Law 241-VIII, then the new one.
        let before = catalog.at("appk-76-consideration", d("2025-12-27")).unwrap();
        let after = catalog.at("appk-76-consideration", d("2025-12-28")).unwrap();
        assert_eq!(before.version_key(), d("2021-07-01"));
        assert_eq!(after.version_key(), d("2025-12-28"));
        assert!(!before.verified() && after.verified(), "the earlier wording is not among the texts");
        assert_eq!(before.cap.as_ref().unwrap().anchor, CapAnchor::Event);
        assert_eq!(after.cap.as_ref().unwrap().anchor, CapAnchor::ExtensionDecision);
        assert!(after.version.registration && !before.version.registration);
        assert_eq!(after.amended_by.as_ref().unwrap().number.as_deref(), Some("241-VIII"));
        // Before the first version: counted by it, and said so.
        let early = catalog.at("appk-76-consideration", d("2020-01-01")).unwrap();
        assert!(early.before_first_version);
        assert!(catalog.at("nope", d("2026-01-01")).is_err());
    }

    #[test]
    fn the_prosecutors_periods_are_quoted_from_155_vii() {
        let catalog = NormsCatalog::builtin();
        let on = d("2026-02-02");
        let submission = catalog.at("prosecutor-submission", on).unwrap();
        assert_eq!(submission.period(), Some(Period { amount: 30, unit: Unit::CalendarDays }));
        assert_eq!(
            (submission.version.article.as_deref(), submission.version.paragraph.as_deref()),
            (Some("36"), Some("2"))
        );
        assert!(submission.version.quote_ru.as_deref().unwrap().contains("тридцати календарных дней"));
        let protest = catalog.at("prosecutor-protest", on).unwrap();
        assert_eq!(protest.period(), Some(Period { amount: 10, unit: Unit::CalendarDays }));
        assert_eq!(
            protest.version.set_by_act.as_ref().unwrap().min,
            Some(Period { amount: 3, unit: Unit::WorkingDays })
        );
        let resolution = catalog.at("prosecutor-resolution", on).unwrap();
        assert_eq!(resolution.period(), None, "a resolution sets its own period, with no default");
        assert!(!resolution.version.set_by_act.as_ref().unwrap().default_stands);
        let appeal = catalog.at("prosecutor-appeal", on).unwrap();
        assert_eq!(appeal.period(), Some(Period { amount: 15, unit: Unit::WorkingDays }));
        assert_eq!(appeal.version.article.as_deref(), Some("24"));
        // «Предписание» left the catalogue for the постановление.
        assert!(catalog.entry("prosecutor-order").is_none());
        assert_eq!(catalog.retired["prosecutor-order"].replaced_by, "prosecutor-resolution");
        // Every version of 155-VII says its edition predates the Constitution of 2026.
        for n in catalog.norms.iter() {
            for v in n.versions.iter().filter(|v| v.act == "155-VII") {
                assert!(v.caveats.iter().any(|c| c == "constitution_2026"), "{}", n.id);
            }
        }
    }

    #[test]
    fn every_norm_speaks_three_languages() {
        let catalog = NormsCatalog::builtin();
        for entry in &catalog.norms {
            for i in 0..entry.versions.len() {
                let norm = catalog.resolve(entry, i, false);
                let basis = norm.basis();
                assert!(basis.ru.contains("Республики Казахстан") || basis.ru.contains("практика"), "{}", basis.ru);
                assert!(basis.kk.contains("Қазақстан") || basis.kk.contains("тәжірибесі"), "{}", basis.kk);
                assert_ne!(basis.ru, basis.en);
                assert!(!norm.trigger.is_blank(), "{}", entry.id);
                assert!(!norm.governs.is_blank(), "{}", entry.id);
            }
        }
    }

    #[test]
    fn a_bad_catalog_is_refused_with_its_line_and_field() {
        let bad_type = BUILTIN.replacen("\"amount\": 15", "\"amount\": \"fifteen\"", 1);
        let err = NormsCatalog::from_json(&bad_type).unwrap_err();
        assert!(
            matches!(&err, NormsError::Format { field, line, .. } if field.ends_with("period.amount") && *line > 1),
            "{err}"
        );

        let too_long = BUILTIN.replacen("\"amount\": 15", "\"amount\": 4000000000", 1);
        let err = NormsCatalog::from_json(&too_long).unwrap_err();
        assert!(
            matches!(&err, NormsError::Invalid { norm, field, .. } if norm == "prosecutor-appeal" && field == "versions[0].period"),
            "{err}"
        );
        assert!(err.to_string().contains("norm 'prosecutor-appeal'"), "{err}");

        let unknown = BUILTIN.replacen("\"verified\": true", "\"verifed\": true", 1);
        assert!(NormsCatalog::from_json(&unknown).is_err(), "a misspelt field is refused, not ignored");

        let twice = BUILTIN.replace("\"id\": \"prosecutor-complaint\"", "\"id\": \"prosecutor-appeal\"");
        assert!(matches!(NormsCatalog::from_json(&twice), Err(NormsError::Invalid { field, .. }) if field == "id"));

        // Two versions in force on the same day are an error, not last-one-wins.
        let mut catalog = NormsCatalog::builtin();
        let entry = catalog.norms.iter_mut().find(|n| n.id == "appk-76-consideration").unwrap();
        entry.versions[0].in_force_to = Some(d("2026-01-05"));
        let err = NormsCatalog::from_json(&catalog.to_json()).unwrap_err();
        assert!(err.to_string().contains("two versions would be in force on the same day"), "{err}");

        // A version cannot be verified without the sentence of the law that sets it.
        let mut catalog = NormsCatalog::builtin();
        let entry = catalog.norms.iter_mut().find(|n| n.id == "prosecutor-submission").unwrap();
        entry.versions[0].quote_ru = None;
        let err = NormsCatalog::from_json(&catalog.to_json()).unwrap_err();
        assert!(err.to_string().contains("cannot be verified without the sentence"), "{err}");
    }

    #[test]
    fn a_catalogue_of_the_earlier_format_is_read_as_one_unconfirmed_version_each() {
        let earlier = r#"{"norms": [{"id": "old-rule", "name_ru": "Срок", "name_kk": "Мерзім", "name_en": "A period",
            "basis": {"act_ru": "Закон", "act_kk": "Заң", "act_en": "A law", "article": "7", "paragraph": null, "version_date": "2021-07-01"},
            "period": {"amount": 10, "unit": "calendar_days"}, "trigger": "x", "trigger_ru": "с", "trigger_kk": "бастап",
            "trigger_en": "from", "extension_cap": null, "verified": true, "note_ru": null, "note_kk": null, "note_en": null}]}"#;
        let catalog = NormsCatalog::from_json(earlier).unwrap();
        let norm = catalog.at("old-rule", d("2026-01-01")).unwrap();
        assert!(!norm.verified(), "no quote, so not verified");
        assert!(norm.note().unwrap().en.starts_with("UNCONFIRMED"));
        assert_eq!(norm.period(), Some(Period { amount: 10, unit: Unit::CalendarDays }));
        assert!(norm.end_rule.as_ref().is_some_and(|r| r.moves && !r.confirmed));
    }

    #[test]
    fn quotes_are_compared_whatever_the_line_breaks() {
        assert_eq!(
            normalise_quote("процедуры\n  , возбужденной  на\tосновании ( обращения )"),
            "процедуры, возбужденной на основании (обращения)"
        );
    }
}
