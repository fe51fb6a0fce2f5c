//! Acts of prosecutorial response drafted from Word templates: the data a template may name
//! (`ActData`, whose serialised shape *is* the placeholder vocabulary, so the two cannot drift
//! apart), the placeholders each kind must carry, and the templates shipped in
//! `assets/acts/<kind>.<lang>.docx`. Reading a template's placeholders, checking them and filling
//! them in is `template`. The use cases that gather the data from a card live in `api`. The kinds
//! of act and their languages are `domain::acts`'s (the registry's records name them), re-exported.

pub mod template;

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

pub use crate::domain::acts::{ActKind, ActLang};

/// The templates shipped with the product, `(kind, language, bytes)`.
pub fn builtin_template(kind: ActKind, lang: ActLang) -> &'static [u8] {
    match (kind, lang) {
        (ActKind::Submission, ActLang::Ru) => include_bytes!("../../assets/acts/submission.ru.docx"),
        (ActKind::Submission, ActLang::Kk) => include_bytes!("../../assets/acts/submission.kk.docx"),
        (ActKind::Protest, ActLang::Ru) => include_bytes!("../../assets/acts/protest.ru.docx"),
        (ActKind::Protest, ActLang::Kk) => include_bytes!("../../assets/acts/protest.kk.docx"),
        (ActKind::Order, ActLang::Ru) => include_bytes!("../../assets/acts/order.ru.docx"),
        (ActKind::Order, ActLang::Kk) => include_bytes!("../../assets/acts/order.kk.docx"),
        (ActKind::Resolution, ActLang::Ru) => include_bytes!("../../assets/acts/resolution.ru.docx"),
        (ActKind::Resolution, ActLang::Kk) => include_bytes!("../../assets/acts/resolution.kk.docx"),
        (ActKind::Warning, ActLang::Ru) => include_bytes!("../../assets/acts/warning.ru.docx"),
        (ActKind::Warning, ActLang::Kk) => include_bytes!("../../assets/acts/warning.kk.docx"),
        (ActKind::AppealAnswer, ActLang::Ru) => include_bytes!("../../assets/acts/appeal-answer.ru.docx"),
        (ActKind::AppealAnswer, ActLang::Kk) => include_bytes!("../../assets/acts/appeal-answer.kk.docx"),
    }
}

/// The template file name a kind and language go by (`submission.kk.docx`).
pub fn template_file_name(kind: ActKind, lang: ActLang) -> String {
    format!("{}.{}.docx", kind.code(), lang.code())
}

/// Everything a template may name. Text the prosecutor has not given (a conclusion, a norm
/// breached, a requirement) is a bracketed prompt, never invented by the product.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ActData {
    pub office: Office,
    pub draft: DraftMark,
    /// The act's date, `dd.mm.yyyy`.
    pub date: String,
    pub addressee: Person,
    pub object: ObjectIdentity,
    pub facts: Facts,
    /// The appeal an answer is about (empty for other acts).
    pub appeal: AppealRef,
    pub norms: Norms,
    pub period: PeriodText,
    pub requirements: Vec<Requirement>,
    pub control: Control,
    pub prosecutor: Person,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Office {
    pub name: String,
}

/// The draft's marking: in the header and the footer, so no printed page loses it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct DraftMark {
    pub mark: String,
    pub footer: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Person {
    pub name: String,
    pub position: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ObjectIdentity {
    pub name: String,
    pub bin: String,
    pub kato: String,
    pub oked: String,
}

/// The facts from the registry and the appeals, each row as the registry has it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Facts {
    pub summary: String,
    pub violations: Vec<ViolationRow>,
    pub illegal: Vec<IllegalRow>,
    pub appeals: Vec<AppealRow>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ViolationRow {
    pub no: String,
    pub date: String,
    pub body: String,
    pub count: u32,
    pub sanctions: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct IllegalRow {
    pub no: String,
    pub date: String,
    pub body: String,
    pub kind: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct AppealRow {
    pub no: String,
    pub date: String,
    pub category: String,
    pub status: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct AppealRef {
    pub no: String,
    pub received: String,
    pub category: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Norms {
    pub breached: String,
}

/// The addressee's period from the norms catalog, in words, with its basis and, when the catalog
/// has it unconfirmed, the catalog's own warning.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct PeriodText {
    pub text: String,
    pub basis: String,
    pub note: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Requirement {
    pub n: u32,
    pub text: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Control {
    pub metrics: String,
    pub deadline: String,
}

/// Every placeholder path the product fills, arrays' items as `path[].field`: derived from the
/// serialised shape of `ActData`, so a field added there is known to the check at once.
pub fn vocabulary() -> BTreeSet<String> {
    let mut sample = ActData::default();
    sample.facts.violations.push(ViolationRow::default());
    sample.facts.illegal.push(IllegalRow::default());
    sample.facts.appeals.push(AppealRow::default());
    sample.requirements.push(Requirement::default());
    let value = serde_json::to_value(&sample).expect("ActData serialises");
    let mut paths = BTreeSet::new();
    collect_paths(&value, String::new(), &mut paths);
    paths
}

fn collect_paths(value: &serde_json::Value, prefix: String, out: &mut BTreeSet<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, inner) in map {
                let path = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
                collect_paths(inner, path, out);
            }
        }
        serde_json::Value::Array(items) => {
            out.insert(prefix.clone());
            if let Some(first) = items.first() {
                collect_paths(first, format!("{prefix}[]"), out);
            }
        }
        _ => {
            out.insert(prefix);
        }
    }
}

/// The placeholders a template of `kind` must carry: the draft's marking (so no edit can drop
/// it), who and what the act is about, who signs it, and what the kind itself is for.
pub fn required(kind: ActKind) -> BTreeSet<&'static str> {
    let mut set: BTreeSet<&'static str> = [
        "draft.mark",
        "draft.footer",
        "date",
        "addressee.name",
        "object.name",
        "object.bin",
        "requirements",
        "requirements[].text",
        "prosecutor.name",
        "prosecutor.position",
    ]
    .into_iter()
    .collect();
    match kind {
        ActKind::Submission | ActKind::Order | ActKind::Resolution => {
            set.extend(["facts.violations", "norms.breached", "period.text", "period.note", "control.deadline"]);
        }
        ActKind::Protest => {
            set.extend(["facts.illegal", "norms.breached", "period.text", "period.note", "control.deadline"]);
        }
        ActKind::Warning => {
            set.insert("norms.breached");
        }
        ActKind::AppealAnswer => {
            set.extend(["appeal.no", "appeal.received", "period.note"]);
        }
    }
    set
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_vocabulary_is_the_shape_of_the_data() {
        let v = vocabulary();
        for path in ["object.bin", "facts.violations", "facts.violations[].no", "requirements[].text", "draft.mark"] {
            assert!(v.contains(path), "{path}");
        }
        for kind in ActKind::ALL {
            for path in required(kind) {
                assert!(v.contains(path), "{kind:?} requires unknown {path}");
            }
            assert_eq!(ActKind::parse(kind.code()), Some(kind));
        }
    }
}
