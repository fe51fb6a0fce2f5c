//! The procedure of supervision as data (assets/procedure.json): the acts of prosecutorial response
//! the card may offer, each with the stages and the condition in the data under which it applies,
//! and the evidence checklist of each stage, each item with the signal in the data that ticks it.
//! Conditions and signals are typed, so a misspelt one fails when the file is read (at startup,
//! by a test) instead of silently never applying. Parsed once per process.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use super::tasks::Stage;

/// When an act applies, from the facts on the card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ActCondition {
    /// Inspections were declared illegal, or found violations.
    InspectionIllegal,
    /// Inspections found violations.
    Violations,
    /// Appeals about the object are still undecided.
    OpenAppeals,
    Always,
}

/// What in the data can tick a checklist item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Signal {
    Appeals,
    Inspections,
    Risk,
    Violations,
    /// Inspections declared illegal.
    Illegal,
}

/// A kind of procedural act the prosecutor may draft at a stage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ActTemplate {
    pub id: String,
    pub norm: Option<String>,
    pub stages: Vec<Stage>,
    pub when: ActCondition,
    pub name_ru: String,
    pub name_kk: String,
    pub name_en: String,
    pub use_ru: String,
    pub use_kk: String,
    pub use_en: String,
    /// What this act needs besides its stage's checklist.
    pub checklist: Vec<ChecklistEntry>,
}

/// An item of a stage's or an act's evidence checklist. Its id is what a person's tick is
/// stored against, so it is never reused for another item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ChecklistEntry {
    pub id: String,
    pub signal: Option<Signal>,
    pub ru: String,
    pub kk: String,
    pub en: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Procedure {
    #[serde(rename = "_comment")]
    pub comment: Option<String>,
    pub acts: Vec<ActTemplate>,
    /// Keyed by the stage's serde name, so an unknown stage in the file fails at load.
    pub checklists: BTreeMap<Stage, Vec<ChecklistEntry>>,
}

/// The facts of a card that conditions and signals read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CardFacts {
    pub appeals: usize,
    pub open_appeals: usize,
    pub inspections: usize,
    pub with_violations: usize,
    pub declared_illegal: usize,
    pub risk_scores: usize,
}

impl CardFacts {
    /// What the procedure reads from a card.
    pub fn of(card: &super::card::Card) -> CardFacts {
        CardFacts {
            appeals: card.appeals.len(),
            open_appeals: card.appeals.iter().filter(|a| a.decided.is_none()).count(),
            inspections: card.inspections.len(),
            with_violations: card.inspections.iter().filter(|i| i.violations > 0).count(),
            declared_illegal: card.inspections.iter().filter(|i| i.declared_illegal == Some(true)).count(),
            risk_scores: card.risk.len(),
        }
    }
}

impl ActCondition {
    pub fn holds(self, f: &CardFacts) -> bool {
        match self {
            ActCondition::InspectionIllegal => f.declared_illegal > 0 || f.with_violations > 0,
            ActCondition::Violations => f.with_violations > 0,
            ActCondition::OpenAppeals => f.open_appeals > 0,
            ActCondition::Always => true,
        }
    }
}

impl Signal {
    pub fn present(self, f: &CardFacts) -> bool {
        match self {
            Signal::Appeals => f.appeals > 0,
            Signal::Inspections => f.inspections > 0,
            Signal::Risk => f.risk_scores > 0,
            Signal::Violations => f.with_violations > 0,
            Signal::Illegal => f.declared_illegal > 0,
        }
    }
}

static PROCEDURE: LazyLock<Procedure> = LazyLock::new(|| {
    serde_json::from_str(include_str!("../../assets/procedure.json"))
        .expect("assets/procedure.json is valid (checked by a test)")
});

impl Procedure {
    /// The procedure shipped with the product, read once.
    pub fn builtin() -> &'static Procedure {
        &PROCEDURE
    }

    /// An act's whole checklist: the items of the stage it is issued at, then its own.
    pub fn checklist_for_act<'p>(&'p self, act: &'p ActTemplate) -> Vec<&'p ChecklistEntry> {
        let stage = act.stages.first().and_then(|s| self.checklists.get(s));
        stage.into_iter().flatten().chain(act.checklist.iter()).collect()
    }

    pub fn act(&self, id: &str) -> Option<&ActTemplate> {
        self.acts.iter().find(|a| a.id == id)
    }

    /// A checklist item by its id, wherever it is listed.
    pub fn item(&self, id: &str) -> Option<&ChecklistEntry> {
        self.checklists.values().flatten().chain(self.acts.iter().flat_map(|a| a.checklist.iter())).find(|i| i.id == id)
    }

    /// The acts whose condition holds for the card.
    pub fn acts_for(&self, facts: &CardFacts) -> Vec<ActTemplate> {
        self.acts.iter().filter(|a| a.when.holds(facts)).cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_procedure_reads_and_covers_every_stage() {
        let p = Procedure::builtin();
        for stage in [Stage::InformationGathering, Stage::Inspection, Stage::Response, Stage::ControlOfExecution] {
            assert!(!p.checklists[&stage].is_empty(), "{stage:?}");
        }
        assert!(p.acts.iter().any(|a| a.id == "protest"));
        // Every act is one the product can draft, and every item id is unique.
        for act in &p.acts {
            assert!(crate::acts::ActKind::parse(&act.id).is_some(), "{}", act.id);
        }
        let mut ids: Vec<&str> = p.checklists.values().flatten().map(|i| i.id.as_str()).collect();
        ids.extend(p.acts.iter().flat_map(|a| a.checklist.iter().map(|i| i.id.as_str())));
        let count = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), count, "a checklist item id is used twice");
    }

    #[test]
    fn a_misspelt_condition_or_signal_fails_at_load() {
        let text = include_str!("../../assets/procedure.json");
        let typo = text.replacen("\"when\": \"violations\"", "\"when\": \"violatons\"", 1);
        assert!(serde_json::from_str::<Procedure>(&typo).is_err());
        let typo = text.replacen("\"signal\": \"risk\"", "\"signal\": \"risks\"", 1);
        assert!(serde_json::from_str::<Procedure>(&typo).is_err());
    }
}
