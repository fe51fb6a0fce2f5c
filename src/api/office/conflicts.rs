//! Conflicts on this workstation: the office's notices, pulled with the sync, decide the due
//! date in force on the desk, the dashboard and `ekn task show` (the earliest while a conflict is
//! open, the kept one once a supervisor resolved it, until the task's deadline moves again); a
//! supervisor lists the conflicts in their districts and resolves one with a reason
//! (`ekn office conflicts`, `ekn office resolve`, the app's Office panel).

use super::Office;
use crate::api::session::handles::Read;
use std::collections::HashMap;

use serde::Deserialize;

use crate::api::ApiError;
use crate::domain::sync::ConflictNotice;

/// A supervisor's resolution of conflict `id`: the entry (its number in the office's order)
/// whose date stands, and why.
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ResolveParams {
    pub id: i64,
    pub keep: i64,
    pub reason: String,
}

impl Office<'_> {
    /// The conflicts in the supervisor's districts as the office holds them now, open ones first.
    pub fn conflicts(&mut self) -> Result<Vec<ConflictNotice>, ApiError> {
        let link = self.linked()?;
        let client = self.office_client(&link)?;
        let notices: Vec<ConflictNotice> = client.call("GET", "/v1/conflicts", None::<&()>, self.office_auth(&link))?;
        for notice in &notices {
            self.journal().store().record_conflict(notice)?;
        }
        // Recorded as the office sent it, outside the journal: the tasks it names show it.
        self.read().memo().forget_graph();
        Ok(notices)
    }

    /// Resolves a conflict through the office: the office records the supervisor (the enrolled
    /// person), the kept entry and the reason, and every workstation that sees the task pulls it.
    pub fn resolve(&mut self, params: &ResolveParams) -> Result<ConflictNotice, ApiError> {
        let Some(reason) = crate::api::checked_note(Some(&params.reason))? else {
            return Err(ApiError::invalid("resolving a conflict needs a reason"));
        };
        let link = self.linked()?;
        let client = self.office_client(&link)?;
        let body = serde_json::json!({ "chosen": params.keep, "reason": reason.trim() });
        let notice: ConflictNotice = client.call(
            "POST",
            &format!("/v1/conflicts/{}/resolve", params.id),
            Some(&body),
            self.office_auth(&link),
        )?;
        self.journal().store().record_conflict(&notice)?;
        // Recorded as the office sent it, outside the journal: the tasks it names show it.
        self.read().memo().forget_graph();
        Ok(notice)
    }
}

/// The date a conflict puts in force over the task's own: the earlier of the two while it is
/// open, the kept entry's once resolved.
pub(in crate::api) fn date_in_force(notice: &ConflictNotice, own: chrono::NaiveDate) -> chrono::NaiveDate {
    match (notice.is_open(), notice.due_in_force) {
        (true, Some(due)) => due.min(own),
        (false, Some(due)) => due,
        (_, None) => own,
    }
}

impl Read<'_> {
    /// The conflicts that set a task's date in force, by task number: every open one (the safe
    /// side of a procedural deadline), and a resolved one while the task's latest deadline move
    /// is still one of its entries (a later extension, made knowing the decision, stands).
    pub(in crate::api) fn conflicts_in_force(
        &self,
        workstation_id: &str,
    ) -> Result<HashMap<i64, ConflictNotice>, ApiError> {
        let mut out: HashMap<i64, ConflictNotice> = HashMap::new();
        for (id, notice) in self.store().conflicted_tasks(workstation_id)? {
            let holds = notice.is_open()
                || self
                    .store()
                    .latest_deadline_move(workstation_id, id)?
                    .is_some_and(|(ws, seq)| notice.entries.iter().any(|e| e.workstation_id == ws && e.seq == seq));
            // Of two notices on one task, the newer decides.
            if holds && out.get(&id).is_none_or(|n| n.global_seq < notice.global_seq) {
                out.insert(id, notice);
            }
        }
        Ok(out)
    }
}
