//! Retention and lawful destruction: `ekn retention plan` lists the records whose retention
//! period has ended on a day, with the rule for each and what an open case still holds;
//! `ekn retention apply` destroys their personal data under a numbered act in one journaled
//! write, drafts the act of selection for destruction (`act`), deletes the documents' files,
//! and leaves no freed page or log frame holding what was destroyed.
//!
//! What is destroyed is named by key and date only — appeal numbers, document digests — never
//! by content, here, in the act and in the journal. Every rule in force is shown with its legal
//! basis and whether the office confirmed it; an unconfirmed one is said so wherever it is used.

mod act;
mod received;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::acts::ActLang;
use crate::api::session::checked_reason;
use crate::api::session::handles::{Journal, Kernel, Read};
use crate::api::ApiError;
use crate::domain::journal::{Entry, RecordRef, RuleApplied};
use crate::domain::retention::{RecordKind, RetentionRule, RetentionRules};
use crate::store::retention::{DueAct, DueAppeal, DueAttachment, DueThemeNote};
use crate::store::{About, JournalFilter};

/// One record due for destruction, by key and date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct DueRecord {
    pub record: RecordKind,
    /// The appeal's number, the document's digest and its object (`sha256@BIN`), the act's
    /// object and number (`act:BIN:NUMBER`, `act:BIN:#ID` for an act without a number), or a
    /// theme note's journal entry (`theme-note:SEQ`).
    pub key: String,
    /// The day the period ran from (decided, attached).
    pub event_date: String,
    /// What else identifies it without personal data: the category and region of an appeal,
    /// the size of a document.
    pub about: String,
}

/// What one rule makes due.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct RulePlan {
    pub rule: RetentionRule,
    /// Records whose event fell on or before this day are due.
    pub events_until: Option<NaiveDate>,
    pub due: Vec<DueRecord>,
    /// Due by date, but an open case holds them (an undecided appeal is not counted here).
    pub held: usize,
}

/// What is due for destruction on a day.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct RetentionPlan {
    pub as_of: NaiveDate,
    pub rules_version: String,
    pub rules: Vec<RulePlan>,
    pub total: usize,
    /// True when a rule that makes something due is not confirmed by the office.
    pub unconfirmed: bool,
    /// Backups that may still hold what would be destroyed.
    pub backup_horizon: Option<BackupHorizon>,
}

/// The backups made before a destruction: they hold what it clears until they are rotated out,
/// and a database restored from one needs the act applied again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct BackupHorizon {
    pub backups: usize,
    pub first: String,
    pub last: String,
}

impl BackupHorizon {
    pub fn words(&self) -> String {
        format!(
            "{} backup(s) made from {} to {} may still hold the destroyed data until the office's backup rotation \
             destroys them; a database restored from one must have this act applied again",
            self.backups, self.first, self.last
        )
    }
}

/// A destruction to apply.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct RetentionApplyRequest {
    pub as_of: NaiveDate,
    pub act_number: String,
    pub reason: String,
    /// The act's language (Russian by default).
    pub lang: Option<ActLang>,
}

/// What a destruction did.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct RetentionReport {
    pub act_number: String,
    pub as_of: NaiveDate,
    pub rules: Vec<RuleApplied>,
    pub records: usize,
    /// Journal v2 entries whose personal data was cleared.
    pub redacted_entries: usize,
    /// Journal v1 entries about destroyed records: their text is part of the chain as it was.
    pub kept_v1_entries: usize,
    pub tasks_cleared: usize,
    pub documents_deleted: usize,
    pub journal_seq: i64,
    pub unconfirmed: bool,
    pub backup_horizon: Option<BackupHorizon>,
    /// The act of selection for destruction, filled (its digest is in the journal entry).
    pub act_file_name: String,
    pub act_sha256: String,
    #[serde(skip)]
    #[ts(skip)]
    pub act_docx: Vec<u8>,
}

/// A destruction act as listed, with how far it reached: this workstation, the office's copy
/// (what it cleared there and what it kept, and why), and the colleagues' workstations that
/// pulled it — the act's own document was drafted before any of that could be known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct DestructionView {
    pub act_number: String,
    pub as_of: String,
    pub reason: String,
    pub author: String,
    pub at: String,
    pub records: i64,
    pub journal_seq: Option<i64>,
    /// A colleague's act carried out here: the workstation it came from (through the office).
    pub received_from: Option<String>,
    /// Whether this workstation joined an office (else the act had no other copy to reach).
    pub office: bool,
    pub office_reached_at: Option<String>,
    pub office_entries: Option<i64>,
    pub office_kept_v1: Option<i64>,
    pub office_kept_outside: Option<i64>,
    pub replicas_reached: Vec<String>,
    pub replicas_pending: Vec<String>,
    pub replicas_checked_at: Option<String>,
}

/// A plan with the store's records behind it.
struct Gathered {
    plan: RetentionPlan,
    appeals: Vec<(DueAppeal, String)>,
    attachments: Vec<(DueAttachment, String)>,
    acts: Vec<(DueAct, String)>,
    notes: Vec<(DueThemeNote, String)>,
}

/// The longest act number accepted.
const MAX_ACT_NUMBER: usize = 64;

/// Retention as a capability: it reads what is due, writes the destruction through the journal,
/// and shreds the documents' files beside the database. `Session::retention` lends it.
pub struct Retention<'s> {
    kernel: Kernel<'s>,
}

impl<'s> Retention<'s> {
    pub(in crate::api) fn new(kernel: Kernel<'s>) -> Retention<'s> {
        Retention { kernel }
    }

    fn read(&self) -> Read<'_> {
        self.kernel.read()
    }

    fn journal(&mut self) -> Journal<'_> {
        self.kernel.journal()
    }
}

impl Retention<'_> {
    /// The destruction acts applied here or received through the office, newest first, with how
    /// far each reached (as of the last sync).
    pub fn acts(&self) -> Result<Vec<DestructionView>, ApiError> {
        let office = self.read().store().office_link()?.is_some();
        let names = |value: &serde_json::Value, key: &str| -> Vec<String> {
            value
                .get(key)
                .and_then(|v| v.as_array())
                .map_or_else(Vec::new, |a| a.iter().filter_map(|n| n.as_str().map(str::to_string)).collect())
        };
        Ok(self
            .read()
            .store()
            .destructions()?
            .into_iter()
            .map(|d| {
                let replicas: serde_json::Value =
                    d.replicas.as_deref().and_then(|r| serde_json::from_str(r).ok()).unwrap_or_default();
                DestructionView {
                    act_number: d.act_number,
                    as_of: d.as_of,
                    reason: d.reason,
                    author: d.author,
                    at: d.at,
                    records: d.records,
                    journal_seq: d.entry_seq,
                    received_from: d.received_from,
                    office,
                    office_reached_at: d.office_reached_at,
                    office_entries: d.office_entries,
                    office_kept_v1: d.office_kept_v1,
                    office_kept_outside: d.office_kept_outside,
                    replicas_reached: names(&replicas, "reached"),
                    replicas_pending: names(&replicas, "pending"),
                    replicas_checked_at: replicas.get("checked_at").and_then(|c| c.as_str()).map(str::to_string),
                }
            })
            .collect())
    }

    /// The records due for destruction on `as_of` under `rules`.
    pub fn plan(&self, rules: &RetentionRules, as_of: NaiveDate) -> Result<RetentionPlan, ApiError> {
        Ok(self.gather(rules, as_of)?.plan)
    }

    /// The plan and the store's due records behind it, each with its rule's id, read once.
    fn gather(&self, rules: &RetentionRules, as_of: NaiveDate) -> Result<Gathered, ApiError> {
        let mut plans = Vec::new();
        let mut appeals = Vec::new();
        let mut attachments = Vec::new();
        let mut acts = Vec::new();
        let mut notes = Vec::new();
        for rule in &rules.rules {
            let cut = RetentionRules::due_if_event_on_or_before(rule, as_of);
            let (due, held) = match (rule.record, cut) {
                (_, None) => (Vec::new(), 0),
                (RecordKind::Appeal, Some(cut)) => {
                    let (due, held) = self.read().store().due_appeals(cut)?;
                    let records = due.iter().map(appeal_record).collect();
                    appeals.extend(due.into_iter().map(|a| (a, rule.id.clone())));
                    (records, held)
                }
                (RecordKind::Attachment, Some(cut)) => {
                    let (due, held) = self.read().store().due_attachments(cut)?;
                    let records = due.iter().map(attachment_record).collect();
                    attachments.extend(due.into_iter().map(|a| (a, rule.id.clone())));
                    (records, held)
                }
                (RecordKind::Act, Some(cut)) => {
                    let (due, held) = self.read().store().due_acts(cut)?;
                    let records = due.iter().map(act_record).collect();
                    acts.extend(due.into_iter().map(|a| (a, rule.id.clone())));
                    (records, held)
                }
                (RecordKind::ThemeNote, Some(cut)) => {
                    let (due, held) = self.read().store().due_theme_notes(cut)?;
                    let records = due.iter().map(note_record).collect();
                    notes.extend(due.into_iter().map(|n| (n, rule.id.clone())));
                    (records, held)
                }
            };
            plans.push(RulePlan { rule: rule.clone(), events_until: cut, due, held });
        }
        let total = plans.iter().map(|p| p.due.len()).sum();
        let unconfirmed = plans.iter().any(|p| !p.due.is_empty() && !p.rule.confirmed);
        let plan = RetentionPlan {
            as_of,
            rules_version: rules.version.clone(),
            rules: plans,
            total,
            unconfirmed,
            backup_horizon: self.backup_horizon()?,
        };
        Ok(Gathered { plan, appeals, attachments, acts, notes })
    }

    /// Destroys what `retention_plan` lists under the act: see the module doc.
    pub fn apply(
        &mut self,
        rules: &RetentionRules,
        request: &RetentionApplyRequest,
    ) -> Result<RetentionReport, ApiError> {
        let act_number = request.act_number.trim().to_string();
        if act_number.is_empty() || act_number.chars().count() > MAX_ACT_NUMBER {
            return Err(ApiError::invalid(format!("an act number of 1 to {MAX_ACT_NUMBER} characters is needed")));
        }
        if act_number.chars().any(char::is_control) {
            return Err(ApiError::invalid("the act number has control characters"));
        }
        let reason = checked_reason(&request.reason, "a destruction")?;
        if self.read().store().destruction_exists(&act_number)? {
            return Err(ApiError::invalid(format!(
                "act {act_number} was applied already; a new destruction needs a new act number"
            )));
        }
        let as_of = request.as_of;
        let today = self.read().context().clock.today();
        if as_of > today {
            return Err(ApiError::invalid(format!("the destruction's day {as_of} is after today ({today})")));
        }
        let lang = request.lang.unwrap_or(ActLang::Ru);
        // Read once, before the write, so the act lists exactly what the write destroys.
        let Gathered { plan, appeals, attachments, acts, notes } = self.gather(rules, as_of)?;
        if plan.total == 0 {
            return Err(ApiError::invalid(format!("nothing is due for destruction on {as_of}")));
        }
        let records = appeals.len() + attachments.len() + acts.len() + notes.len();
        let applied: Vec<RuleApplied> = plan
            .rules
            .iter()
            .filter(|p| !p.due.is_empty())
            .map(|p| RuleApplied { rule: p.rule.id.clone(), confirmed: p.rule.confirmed, records: p.due.len() })
            .collect();
        let keys: Vec<String> = plan.rules.iter().flat_map(|p| p.due.iter().map(|d| d.key.clone())).collect();
        let stamp = self.read().stamp()?;
        let author = stamp.actor.person.clone();
        let context = act::ActContext {
            plan: &plan,
            form: &rules.act,
            act_number: &act_number,
            reason: &reason,
            author: &author,
            today,
            lang,
            office: self.read().store().office_link()?.map(|l| l.url),
        };
        self.journal().store().secure_delete()?;
        let mut report = self.journal().run_as(stamp, |w| {
            let destruction = w.begin_destruction(&act_number, as_of, &reason)?;
            let mut redacted = Vec::new();
            let mut kept_v1 = 0;
            let mut tasks = Vec::new();
            for (appeal, rule) in &appeals {
                let cleared = w.clear_appeal(appeal, rule, destruction, &act_number)?;
                redacted.extend(cleared.entries);
                kept_v1 += cleared.kept_v1_entries;
                tasks.extend(cleared.tasks.into_iter().map(|t| (t, appeal.appeal_no.clone())));
            }
            // Acts before the documents: a destroyed act no longer holds the document it names
            // (the plan, read before, lists that document only from the next destruction on).
            for (act, rule) in &acts {
                let cleared = w.clear_act(act, rule, destruction, &act_number)?;
                redacted.extend(cleared.entries);
                kept_v1 += cleared.kept_v1_entries;
            }
            for (attachment, rule) in &attachments {
                let cleared = w.clear_attachment(attachment, rule, destruction, &act_number)?;
                redacted.extend(cleared.entries);
                kept_v1 += cleared.kept_v1_entries;
            }
            for (note, rule) in &notes {
                let cleared = w.clear_theme_note(note, rule, destruction, &act_number)?;
                redacted.extend(cleared.entries);
                kept_v1 += cleared.kept_v1_entries;
            }
            w.optimize_search_index()?;
            for (task_id, appeal_no) in &tasks {
                let entry = Entry::RecordRedacted { task_id: *task_id, act_number: act_number.clone() };
                let about = About { subject_bin: None, appeal_no: Some(appeal_no.clone()) };
                w.append(&entry, about, Some(RecordRef::Task(*task_id)))?;
            }
            redacted.sort_unstable();
            redacted.dedup();
            let docx = act::draft(&context, redacted.len())?;
            let act_sha256 = crate::api::sha256_hex(&docx);
            let entry = Entry::RetentionApplied {
                act_number: act_number.clone(),
                reason: reason.clone(),
                as_of,
                rules_version: plan.rules_version.clone(),
                rules: applied.clone(),
                records: keys.clone(),
                redacted_entries: redacted.clone(),
                tables: w.destruction_table_states()?,
                backup_horizon: plan.backup_horizon.as_ref().map(BackupHorizon::words),
                act_sha256: Some(act_sha256.clone()),
            };
            // The decisions' table is a journaled record of its own (corrections name it).
            let stored = w.append(&entry, About::default(), Some(RecordRef::Table("appeal_decisions".into())))?;
            w.finish_destruction(destruction, records, stored.seq)?;
            let report = RetentionReport {
                act_number: act_number.clone(),
                as_of,
                rules: applied.clone(),
                records,
                redacted_entries: redacted.len(),
                kept_v1_entries: kept_v1,
                tasks_cleared: tasks.len(),
                documents_deleted: 0,
                journal_seq: stored.seq,
                unconfirmed: plan.unconfirmed,
                backup_horizon: plan.backup_horizon.clone(),
                act_file_name: format!("destruction-act-{}.{}.docx", file_safe(&act_number), lang.code()),
                act_sha256,
                act_docx: docx,
            };
            Ok(report)
        })?;
        report.documents_deleted = self.delete_destroyed_documents()?;
        self.journal().store().checkpoint_truncate()?;
        // Rows were destroyed beyond what any one entry names.
        self.read().memo().forget();
        Ok(report)
    }

    /// Deletes the files of documents a destruction act cleared that no attachment names any
    /// more (a crash after an earlier destruction's commit may have left one): overwritten, then
    /// removed.
    fn delete_destroyed_documents(&self) -> Result<usize, ApiError> {
        let mut deleted = 0;
        for sha256 in self.read().store().destroyed_documents()? {
            let path = crate::store::blobs::document_path(self.read().database(), &sha256);
            if path.is_file() {
                crate::store::vault::shred(&path)?;
                deleted += 1;
            }
        }
        Ok(deleted)
    }

    /// Backups made before now hold what a destruction clears until they are rotated out.
    fn backup_horizon(&self) -> Result<Option<BackupHorizon>, ApiError> {
        let filter = JournalFilter { kind: Some("backup_made".into()), ..Default::default() };
        let backups = self.read().store().journal_entries(&filter)?;
        let (Some(first), Some(last)) = (backups.first(), backups.last()) else { return Ok(None) };
        let day = |at: &str| at.get(..10).unwrap_or(at).to_string();
        Ok(Some(BackupHorizon { backups: backups.len(), first: day(&first.at), last: day(&last.at) }))
    }
}

fn appeal_record(a: &DueAppeal) -> DueRecord {
    DueRecord {
        record: RecordKind::Appeal,
        key: a.appeal_no.clone(),
        event_date: a.decided.clone(),
        about: format!(
            "received {}, category {}, region {}",
            a.received,
            a.category.as_deref().unwrap_or("—"),
            a.region_code.as_deref().unwrap_or("—")
        ),
    }
}

fn act_record(a: &DueAct) -> DueRecord {
    DueRecord {
        record: RecordKind::Act,
        key: a.key(),
        event_date: a.closed.clone(),
        about: format!("{} issued {}, {} outcome(s)", a.kind, a.issued_on, a.outcomes),
    }
}

fn note_record(n: &DueThemeNote) -> DueRecord {
    DueRecord {
        record: RecordKind::ThemeNote,
        key: n.key(),
        event_date: n.noted.clone(),
        about: format!("a note on theme «{}»", n.theme),
    }
}

fn attachment_record(a: &DueAttachment) -> DueRecord {
    DueRecord {
        record: RecordKind::Attachment,
        key: format!("{}@{}", a.sha256, a.subject_bin),
        event_date: a.attached[..a.attached.len().min(10)].to_string(),
        about: format!("{} bytes", a.octets),
    }
}

/// An act number as part of a file name.
fn file_safe(text: &str) -> String {
    text.chars().map(|c| if c.is_alphanumeric() || c == '-' { c } else { '_' }).collect()
}
