//! The checklists a prosecutor works through before an act: the stage's items and each act's own
//! (`assets/procedure.json`), each satisfied by a signal in the card's data or by a person's tick
//! (who, when, which attached document); the latest tick per item is in force, journaled.

use super::Acts;
use crate::api::session::handles::Read;
use serde::{Deserialize, Serialize};

use crate::acts::ActKind;
use crate::api::{checked_note, ApiError, ErrorCode};
use crate::domain::journal::Entry;
use crate::domain::privacy::mask_personal_data;
use crate::domain::procedure::{CardFacts, ChecklistEntry, Procedure};
use crate::store::{About, ChecklistMark};

/// A checklist item with what satisfies it, if anything.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct ChecklistState {
    pub id: String,
    pub ru: String,
    pub kk: String,
    pub en: String,
    /// What the data say, for items a signal can tick.
    pub signal: Option<bool>,
    /// A person's mark in force; it outranks the signal either way.
    pub mark: Option<ChecklistMark>,
    pub satisfied: bool,
}

/// An act's checklist on the card: the stage's items and the act's own.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct ActChecklist {
    pub kind: ActKind,
    pub items: Vec<ChecklistState>,
    pub missing: usize,
}

/// An item not yet satisfied, as an act's draft and issue report it.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct MissingItem {
    pub id: String,
    pub ru: String,
    pub kk: String,
    pub en: String,
}

/// A person's tick or untick.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(default, deny_unknown_fields)]
pub struct ChecklistMarkRequest {
    pub bin: String,
    pub item: String,
    pub ticked: bool,
    /// The SHA-256 of an attached document that satisfies the item.
    pub document: Option<String>,
    pub note: Option<String>,
}

impl ChecklistState {
    fn of(entry: &ChecklistEntry, facts: &CardFacts, marks: &[ChecklistMark]) -> ChecklistState {
        let signal = entry.signal.map(|s| s.present(facts));
        let mark = marks.iter().find(|m| m.item == entry.id).cloned();
        let satisfied = mark.as_ref().map_or(signal == Some(true), |m| m.ticked);
        ChecklistState {
            id: entry.id.clone(),
            ru: entry.ru.clone(),
            kk: entry.kk.clone(),
            en: entry.en.clone(),
            signal,
            mark,
            satisfied,
        }
    }
}

impl Acts<'_> {
    /// Ticks or unticks a checklist item for an object, optionally pointing at the attached
    /// document that satisfies it; journaled with who and when.
    pub fn mark_checklist(&mut self, request: &ChecklistMarkRequest) -> Result<ChecklistState, ApiError> {
        let (bin, subject_id) = self.read().subject_id_of(&request.bin)?;
        let procedure = Procedure::builtin();
        let entry = procedure
            .item(request.item.trim())
            .ok_or_else(|| ApiError::new(ErrorCode::NotFound, format!("no checklist item '{}'", request.item.trim())))?
            .clone();
        if let Some(document) = &request.document {
            if !self.read().store().attachments(subject_id)?.iter().any(|a| &a.sha256 == document) {
                return Err(ApiError::invalid(format!(
                    "document {document} is not attached to {bin}; attach it first"
                )));
            }
        }
        let note = checked_note(request.note.as_deref())?.map(|n| mask_personal_data(&n).0);
        self.journal().run(|w| {
            w.insert_checklist_mark(
                subject_id,
                &entry.id,
                request.ticked,
                request.document.as_deref(),
                note.as_deref(),
            )?;
            let journal = Entry::ChecklistMarked {
                subject_bin: bin.clone(),
                item: entry.id.clone(),
                ticked: request.ticked,
                document: request.document.clone(),
            };
            w.append(&journal, About { subject_bin: Some(bin.clone()), appeal_no: None }, None)?;
            Ok(())
        })?;
        let facts = CardFacts::of(&self.read().card_content(&bin)?);
        let marks = self.read().store().checklist_marks(subject_id)?;
        Ok(ChecklistState::of(&entry, &facts, &marks))
    }

    /// The checklist of each act the card offers, with what is missing.
    pub fn checklists(&self, bin: &str) -> Result<Vec<ActChecklist>, ApiError> {
        let (bin, subject_id) = self.read().subject_id_of(bin)?;
        self.read().act_checklists_for(subject_id, &CardFacts::of(&self.read().card_content(&bin)?))
    }
}

impl Read<'_> {
    /// The states of `entries` for an object.
    pub(in crate::api) fn checklist_states(
        &self,
        subject_id: i64,
        facts: &CardFacts,
        entries: &[&ChecklistEntry],
    ) -> Result<Vec<ChecklistState>, ApiError> {
        let marks = self.store().checklist_marks(subject_id)?;
        Ok(entries.iter().map(|e| ChecklistState::of(e, facts, &marks)).collect())
    }

    pub(in crate::api) fn act_checklists_for(
        &self,
        subject_id: i64,
        facts: &CardFacts,
    ) -> Result<Vec<ActChecklist>, ApiError> {
        let procedure = Procedure::builtin();
        let mut out = Vec::new();
        for act in procedure.acts_for(facts) {
            let Some(kind) = ActKind::parse(&act.id) else { continue };
            let items = self.checklist_states(subject_id, facts, &procedure.checklist_for_act(&act))?;
            let missing = items.iter().filter(|i| !i.satisfied).count();
            out.push(ActChecklist { kind, items, missing });
        }
        Ok(out)
    }

    /// What of an act's checklist is not yet satisfied for an object whose card gave `facts`.
    pub(in crate::api) fn missing_for_act(
        &self,
        subject_id: i64,
        facts: &CardFacts,
        kind: ActKind,
    ) -> Result<Vec<MissingItem>, ApiError> {
        let procedure = Procedure::builtin();
        let Some(act) = procedure.act(kind.code()) else { return Ok(Vec::new()) };
        let items = self.checklist_states(subject_id, facts, &procedure.checklist_for_act(act))?;
        Ok(items
            .into_iter()
            .filter(|i| !i.satisfied)
            .map(|i| MissingItem { id: i.id, ru: i.ru, kk: i.kk, en: i.en })
            .collect())
    }
}
