//! A colleague's destruction act, reaching this workstation through the office (`RedactionNotice`
//! in a pull). The office has cleared its own copy; the pull already cleared this replica's copies
//! of the colleagues' entries it named (`store::office`). What is left is this workstation's own:
//! the personal data of its own journal entries the act cleared at the office, and its own copies
//! of the records the act names (an appeal it imported too, a document it attached) — cleared the
//! way an act applied here clears them, unless an open case here still holds one (said, and left).
//! Each act is one journaled write (`retention_received`), which `ekn journal verify` accepts as
//! the authority for the entries it lists, as it does an act applied here.
//!
//! A database restored from a backup made before its own act gets that act back the same way: the
//! office keeps every act in its order, and a restored workstation pulls it again.

use crate::api::retention::Retention;
use crate::api::ApiError;
use crate::domain::journal::{Entry, RecordRef};
use crate::domain::sync::RedactionNotice;
use crate::store::About;

/// The rule a record cleared under a colleague's act is recorded with.
fn rule_of(notice: &RedactionNotice) -> String {
    format!("office act {} of workstation {}", notice.act_number, notice.workstation_id)
}

impl Retention<'_> {
    /// Carries out every colleague's act pulled and not yet carried out here.
    pub(in crate::api) fn receive_redactions(&mut self) -> Result<usize, ApiError> {
        let pending = self.read().store().pending_redactions()?;
        if pending.is_empty() {
            return Ok(0);
        }
        let own_ws = self.read().store().office_link()?.map(|l| l.workstation_id).unwrap_or_default();
        self.journal().store().secure_delete()?;
        for notice in &pending {
            self.receive_redaction(notice, &own_ws)?;
        }
        self.delete_destroyed_documents()?;
        self.journal().store().checkpoint_truncate()?;
        self.read().memo().forget();
        Ok(pending.len())
    }

    fn receive_redaction(&mut self, notice: &RedactionNotice, own_ws: &str) -> Result<(), ApiError> {
        // This workstation's own act, applied here already: nothing left to do.
        let own_act = notice.workstation_id == own_ws && self.read().store().destruction_exists(&notice.act_number)?;
        let label = format!("{} ({})", notice.act_number, &notice.workstation_id[..notice.workstation_id.len().min(8)]);
        let mut appeals = Vec::new();
        let mut attachments = Vec::new();
        let mut acts = Vec::new();
        let mut held = Vec::new();
        if !own_act {
            for record in &notice.records {
                // An act by its object and number: this workstation's copy of the same registry
                // act (an act without a number, `#ID`, is the colleague's own and has no copy here).
                if let Some((bin, number)) = record.strip_prefix("act:").and_then(|rest| rest.split_once(':')) {
                    if !number.starts_with('#') {
                        let (due, held_here) = self.read().store().acts_to_destroy(bin, number)?;
                        if held_here > 0 {
                            held.push(record.clone());
                        }
                        acts.extend(due);
                    }
                    continue;
                }
                // A theme note is an entry of its author's journal only: the act's list of
                // entries has cleared every copy of it (the office's, and this replica's at the pull).
                if record.starts_with("theme-note:") {
                    continue;
                }
                match record.split_once('@') {
                    Some((sha, bin)) => {
                        for (attachment, named_by_act) in self.read().store().attachments_to_destroy(sha, bin)? {
                            if named_by_act {
                                held.push(record.clone());
                            } else {
                                attachments.push(attachment);
                            }
                        }
                    }
                    None => match self.read().store().appeal_to_destroy(record)? {
                        Some((_, true)) => held.push(record.clone()),
                        Some((appeal, false)) => appeals.push(appeal),
                        None => {}
                    },
                }
            }
        }
        let rule = rule_of(notice);
        let stamp = self.read().stamp()?;
        let today = self.read().context().clock.today();
        self.journal().run_as(stamp, |w| {
            let mut redacted =
                if own_act { Vec::new() } else { w.redact_seqs(&notice.own_entries, &notice.act_number)? };
            let mut cleared_records = Vec::new();
            let mut tasks = Vec::new();
            if !appeals.is_empty() || !attachments.is_empty() || !acts.is_empty() {
                let reason = format!(
                    "destruction act {} of workstation {}, received from the office",
                    notice.act_number, notice.workstation_id
                );
                let destruction = w.begin_destruction(&label, today, &reason)?;
                w.destruction_received_from(destruction, &notice.workstation_id)?;
                for appeal in &appeals {
                    let cleared = w.clear_appeal(appeal, &rule, destruction, &notice.act_number)?;
                    redacted.extend(cleared.entries);
                    tasks.extend(cleared.tasks.into_iter().map(|t| (t, appeal.appeal_no.clone())));
                    cleared_records.push(appeal.appeal_no.clone());
                }
                for act in &acts {
                    let cleared = w.clear_act(act, &rule, destruction, &notice.act_number)?;
                    redacted.extend(cleared.entries);
                    cleared_records.push(act.key());
                }
                for attachment in &attachments {
                    let cleared = w.clear_attachment(attachment, &rule, destruction, &notice.act_number)?;
                    redacted.extend(cleared.entries);
                    cleared_records.push(format!("{}@{}", attachment.sha256, attachment.subject_bin));
                }
                w.optimize_search_index()?;
                for (task_id, appeal_no) in &tasks {
                    let entry = Entry::RecordRedacted { task_id: *task_id, act_number: notice.act_number.clone() };
                    let about = About { subject_bin: None, appeal_no: Some(appeal_no.clone()) };
                    w.append(&entry, about, Some(RecordRef::Task(*task_id)))?;
                }
                cleared_records.dedup();
                redacted.sort_unstable();
                redacted.dedup();
                let entry = received_entry(notice, &cleared_records, &held, &redacted, w.destruction_table_states()?);
                let stored = w.append(&entry, About::default(), Some(RecordRef::Table("appeal_decisions".into())))?;
                w.finish_destruction(destruction, cleared_records.len(), stored.seq)?;
                w.redaction_received(notice.global_seq, stored.seq)?;
                return Ok(());
            }
            redacted.sort_unstable();
            let entry = received_entry(notice, &cleared_records, &held, &redacted, w.destruction_table_states()?);
            let stored = w.append(&entry, About::default(), Some(RecordRef::Table("appeal_decisions".into())))?;
            w.redaction_received(notice.global_seq, stored.seq)?;
            Ok(())
        })
    }
}

fn received_entry(
    notice: &RedactionNotice,
    cleared: &[String],
    held: &[String],
    redacted: &[i64],
    tables: Vec<crate::domain::journal::TableState>,
) -> Entry {
    Entry::RetentionReceived {
        act_number: notice.act_number.clone(),
        from_workstation: notice.workstation_id.clone(),
        records_cleared: cleared.to_vec(),
        records_held: held.to_vec(),
        redacted_entries: redacted.to_vec(),
        replica_entries: notice.entries.len().saturating_sub(notice.own_entries.len()),
        tables,
    }
}
