//! The procedure of supervision as data (assets/procedure.json): the acts of prosecutorial response
//! the card may offer, each with the stages and the condition in the data under which it applies,
//! and the evidence checklist of each stage, each item with the signal in the data that ticks it.
//! It also names the norm of the catalog each procedural step follows (`norms`: appeals, control
//! of execution, the acts of response, the default of each task kind) and the rules read from a
//! card with them: the grounds that apply to an object and the stage its work is at. No norm id is
//! written in code. Conditions and signals are typed, so a misspelt one fails when the file is read
//! (at startup, by a test) instead of silently never applying. Parsed once per process.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::card::Card;
use super::tasks::{Stage, TaskKind};

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
    /// Never offered for a new act: a kind the law no longer has, kept for acts issued before.
    Retired,
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

/// The norm of the catalog each procedural step follows, by id.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepNorms {
    #[serde(rename = "_comment")]
    pub comment: Option<String>,
    pub appeal_registration: String,
    pub appeal_forwarding: String,
    pub appeal_consideration: String,
    pub control_of_execution: String,
    /// The acts of response, which apply once inspections found violations or were declared illegal.
    pub acts_of_response: Vec<String>,
    /// The norm a task of each kind follows when a suggestion creates it (every kind is listed).
    pub task_kinds: BTreeMap<TaskKind, String>,
}

/// Why a norm applies to the object: the fact in the data it comes from.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum GroundReason {
    /// An appeal about the object not yet decided.
    Appeal { appeal_no: String, received: NaiveDate },
    /// Inspections that found violations or were declared illegal: the acts of response apply.
    Inspections { with_violations: usize, declared_illegal: usize },
    /// An open task that follows the norm.
    Task { id: i64, title: String },
}

/// A norm that applies to an object, why, and the event its period runs from (none for the acts
/// of response, whose period starts when an act is issued).
#[derive(Debug, Clone, PartialEq)]
pub struct Ground {
    pub norm_id: String,
    pub because: GroundReason,
    pub event: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Procedure {
    #[serde(rename = "_comment")]
    pub comment: Option<String>,
    pub norms: StepNorms,
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
            ActCondition::Retired => false,
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
    serde_json::from_str(include_str!("../../../assets/procedure.json"))
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

    /// The norm a task of `kind` follows when a suggestion creates it.
    pub fn norm_for_task(&self, kind: TaskKind) -> &str {
        self.norms.task_kinds.get(&kind).map_or(self.norms.control_of_execution.as_str(), String::as_str)
    }

    /// The norms the card's data bring into play: consideration and forwarding for each appeal not
    /// yet decided (from the day it was received), and the acts of response once inspections found
    /// violations or were declared illegal.
    pub fn grounds(&self, card: &Card) -> Vec<Ground> {
        let mut grounds = Vec::new();
        for appeal in card.appeals.iter().filter(|a| a.decided.is_none()) {
            let because = GroundReason::Appeal { appeal_no: appeal.appeal_no.clone(), received: appeal.received };
            for norm in [&self.norms.appeal_consideration, &self.norms.appeal_forwarding] {
                grounds.push(Ground { norm_id: norm.clone(), because: because.clone(), event: Some(appeal.received) });
            }
        }
        let facts = CardFacts::of(card);
        if facts.with_violations > 0 || facts.declared_illegal > 0 {
            let because = GroundReason::Inspections {
                with_violations: facts.with_violations,
                declared_illegal: facts.declared_illegal,
            };
            for norm in &self.norms.acts_of_response {
                grounds.push(Ground { norm_id: norm.clone(), because: because.clone(), event: None });
            }
        }
        grounds
    }
}

/// The stage an object's work is at: that of its most advanced open task, else of its most
/// advanced finished one, else information gathering. `tasks` are (kind, open) pairs.
pub fn stage_of(tasks: impl Iterator<Item = (TaskKind, bool)> + Clone) -> Stage {
    let most_advanced =
        |open_only: bool| tasks.clone().filter(|&(_, open)| open || !open_only).map(|(kind, _)| kind.stage()).max();
    most_advanced(true).or_else(|| most_advanced(false)).unwrap_or(Stage::InformationGathering)
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
    fn every_norm_the_procedure_names_is_in_the_shipped_catalog_and_every_task_kind_has_one() {
        let p = Procedure::builtin();
        let catalog = crate::norms::NormsCatalog::builtin();
        let n = &p.norms;
        let mut named =
            vec![&n.appeal_registration, &n.appeal_forwarding, &n.appeal_consideration, &n.control_of_execution];
        named.extend(&n.acts_of_response);
        named.extend(n.task_kinds.values());
        named.extend(p.acts.iter().filter_map(|a| a.norm.as_ref()));
        for id in named {
            assert!(catalog.entry(id).is_some(), "'{id}' is not in assets/norms.json");
        }
        for kind in TaskKind::ALL {
            assert!(n.task_kinds.contains_key(&kind), "no norm for {kind:?}");
        }
    }

    #[test]
    fn the_stage_is_the_most_advanced_open_task_else_the_most_advanced_finished() {
        use TaskKind::*;
        assert_eq!(stage_of([].into_iter()), Stage::InformationGathering);
        assert_eq!(stage_of([(ControlExecution, false), (ConsiderAppeal, true)].into_iter()), ConsiderAppeal.stage());
        assert_eq!(
            stage_of([(ControlExecution, false), (GatherInformation, false)].into_iter()),
            Stage::ControlOfExecution
        );
    }

    #[test]
    fn a_misspelt_condition_or_signal_fails_at_load() {
        let text = include_str!("../../../assets/procedure.json");
        let typo = text.replacen("\"when\": \"violations\"", "\"when\": \"violatons\"", 1);
        assert!(serde_json::from_str::<Procedure>(&typo).is_err());
        let typo = text.replacen("\"signal\": \"risk\"", "\"signal\": \"risks\"", 1);
        assert!(serde_json::from_str::<Procedure>(&typo).is_err());
    }
}
