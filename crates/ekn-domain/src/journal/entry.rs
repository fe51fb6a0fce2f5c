//! The typed entries every write appends (`Entry`): what happened, with the words and the
//! fields the journal views and the office read from it.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{LegalCardRecord, TableState};
use crate::deadline::Period;

/// What happened, typed. Later capabilities (predictions, overrides, acts, evidence packages)
/// add variants; old entries keep their meaning.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Entry {
    /// One import, not one entry per row: the file, its digest, the counts, the legal card, and
    /// the state of the tables it wrote.
    Import {
        import_id: i64,
        data_kind: String,
        file: String,
        sha256: String,
        size_bytes: u64,
        rows_read: u64,
        inserted: u64,
        updated: u64,
        unchanged: u64,
        rejected: u64,
        legal_card: LegalCardRecord,
        tables: Vec<TableState>,
    },
    TaskCreated {
        task_id: i64,
        task_kind: String,
        title: String,
        norm_id: Option<String>,
        period: Period,
        event_date: NaiveDate,
        due: NaiveDate,
    },
    TaskExtended {
        task_id: i64,
        from: NaiveDate,
        to: NaiveDate,
        reason: String,
        /// The day of the decision to extend (a cap may count from it); absent in entries written
        /// before it was recorded, so their hashes stand.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        decided: Option<NaiveDate>,
    },
    TaskSuspended {
        task_id: i64,
        from: NaiveDate,
        to: NaiveDate,
        reason: String,
        old_due: NaiveDate,
        new_due: NaiveDate,
    },
    TaskNoted {
        task_id: i64,
        note: String,
    },
    TaskDone {
        task_id: i64,
        on: NaiveDate,
        late: bool,
    },
    TaskRecomputed {
        task_id: i64,
        from: NaiveDate,
        to: NaiveDate,
        why: String,
    },
    /// A person recounted a task under the version of its norm that now governs its trigger
    /// (the law changed after it was counted), with their reason.
    TaskRecounted {
        task_id: i64,
        norm_id: String,
        /// The versions, by their first day in force.
        from_version: NaiveDate,
        to_version: NaiveDate,
        from: NaiveDate,
        to: NaiveDate,
        reason: String,
    },
    /// The product moved a task from a norm that left the catalogue (or does not govern it) to
    /// the one that does, keeping the period it ran for.
    TaskNormReplaced {
        task_id: i64,
        from: String,
        to: String,
        reason: String,
    },
    DependencyAdded {
        task_id: i64,
        depends_on: i64,
    },
    /// A suggested next step accepted: the tasks it created.
    SuggestionAccepted {
        after_task: Option<i64>,
        subject_bin: Option<String>,
        step: String,
        created: Vec<i64>,
    },
    /// A suggested next step declined, with the person's reason.
    SuggestionDeclined {
        after_task: i64,
        subject_bin: Option<String>,
        step: String,
        reason: String,
    },
    SettingChanged {
        key: String,
        value: String,
    },
    CalendarImported {
        year: i32,
        sha256: String,
        file: String,
        replaced: bool,
    },
    NormsImported {
        catalog_id: i64,
        sha256: String,
        file: String,
        norms: usize,
    },
    /// The norms catalogue the office confirmed, taken with a sync: who imported it at the office,
    /// from what file and when.
    NormsFromOffice {
        catalog_id: i64,
        sha256: String,
        file: String,
        norms: usize,
        imported_by: String,
        imported_at: String,
    },
    NormVersionRecorded {
        norm_id: String,
        version: u32,
        sha256: String,
        origin: String,
    },
    /// A model version trained and registered: on what (the file's digest), with which result.
    ModelTrained {
        model: String,
        model_kind: String,
        data_file: String,
        data_sha256: String,
        texts: usize,
        accuracy: f64,
        macro_f1: f64,
        arrays_sha256: String,
    },
    /// A stored model version re-tested on newer labelled data (`ekn models check`): on what, and
    /// how its figures moved against those it was registered with — overall, per category, per
    /// region.
    ModelChecked {
        model: String,
        data_file: String,
        data_sha256: String,
        texts: usize,
        accuracy: f64,
        macro_f1: f64,
        /// The held-out figures the version was registered with.
        accuracy_then: f64,
        macro_f1_then: f64,
        /// (category, texts, F1 now, F1 then).
        per_class: Vec<(String, usize, f64, Option<f64>)>,
        /// (region, texts, accuracy now, accuracy then).
        by_region: Vec<(String, usize, f64, Option<f64>)>,
        /// Labels the model does not know (always counted wrong), with their texts.
        unknown_labels: Vec<(String, usize)>,
    },
    /// Appeals went through the pipeline: each got its category, priority, route and duplicate
    /// group as stored decisions (only those that changed), and open ones their SLA tasks (each
    /// journaled on its own). Names every model and rule version used.
    AppealsTriaged {
        appeals: usize,
        decisions: usize,
        tasks: usize,
        model: Option<String>,
        taxonomy: String,
        priority_rules: String,
        routing: String,
        duplicates_method: String,
        tables: Vec<TableState>,
    },
    /// A person corrected an automatic decision about an appeal (its category or route), with a
    /// reason; the correction is a decision in force until the next one.
    AppealCorrected {
        appeal_no: String,
        aspect: String,
        from: Option<String>,
        to: String,
        reason: String,
        tables: Vec<TableState>,
    },
    /// A risk model version trained and registered: its target, its data (the imports' digest),
    /// and its held-out figures on the most recent period.
    RiskModelTrained {
        model: String,
        target: String,
        data_sha256: String,
        examples: usize,
        auc: f64,
        brier: f64,
        arrays_sha256: String,
    },
    /// A stored risk model re-tested on the inspections dated after those it was trained on
    /// (`ekn models check risk-vN`): how its AUC, Brier score and rate moved, overall and by region.
    RiskModelChecked {
        model: String,
        /// The newer inspections' first and last day.
        period: (String, String),
        inspections: usize,
        auc: Option<f64>,
        auc_then: Option<f64>,
        brier: f64,
        brier_then: f64,
        observed_rate: f64,
        mean_predicted: f64,
        /// (region, inspections, AUC now, AUC then).
        by_region: Vec<(String, usize, Option<f64>, Option<f64>)>,
        drifted: bool,
    },
    /// Predictions shown or exported (a plan scored, an object's risk explained): which model
    /// version, for what, how many, over which inputs.
    PredictionsMade {
        model: String,
        purpose: String,
        rows: usize,
        inputs_sha256: String,
    },
    /// A person dismissed (or restored) an anomaly, with a reason; it stays listed as dismissed.
    AnomalyReviewed {
        key: String,
        anomaly_kind: String,
        action: String,
        reason: String,
        review_id: i64,
    },
    /// A person saved a theme of supervision (a new version of its definition) or retired it.
    ThemeSaved {
        name: String,
        version: i64,
        /// The definition saved, as JSON (`analytics::themes::ThemeDefinition`).
        definition: String,
        retired: bool,
        reason: String,
    },
    /// A person accepted an appeal or inspection into a theme, or rejected it from the theme.
    ThemeMemberDecided {
        theme: String,
        /// `appeal` or `inspection`.
        item_kind: String,
        item_key: String,
        /// `accepted` or `rejected`.
        decision: String,
        reason: String,
    },
    /// A person wrote a note on a theme's card (free text: personal data under the journal's rules,
    /// kept apart and cleared by a destruction act like any other).
    ThemeNoted {
        theme: String,
        note: String,
    },
    /// A person overrode the local model's risk estimate of an object with their own assessment
    /// (or withdrew an override), with a reason.
    RiskOverridden {
        subject_bin: String,
        model: Option<String>,
        probability: Option<f64>,
        assessment: Option<String>,
        reason: String,
        review_id: i64,
    },
    /// An evidence package (a BagIt bag signed by the office) was assembled for an object.
    EvidencePacked {
        subject_bin: String,
        external_identifier: String,
        /// Where it was written (a directory, or a zip).
        path: String,
        payload_files: usize,
        payload_octets: u64,
        /// The digest of the signed tag manifest: it names the package's every byte.
        tagmanifest_sha256: String,
    },
    /// An evidence package was checked.
    EvidenceVerified {
        path: String,
        external_identifier: Option<String>,
        ok: bool,
        problems: usize,
        tagmanifest_sha256: Option<String>,
    },
    /// An act of response was drafted from a template (the draft's footer names this entry).
    ActDrafted {
        subject_bin: String,
        act_kind: String,
        lang: String,
        /// `builtin` or the office's template file, and the template's digest.
        template: String,
        template_sha256: String,
        /// The digest of the draft .docx written.
        sha256: String,
        task_id: Option<i64>,
        /// The placeholders the draft left for the prosecutor to fill (absent when none, and in
        /// entries written before they were counted).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        unfilled: Vec<String>,
    },
    /// An act was recorded as issued; its control-of-execution task follows in its own entry.
    ActIssued {
        act_id: i64,
        subject_bin: String,
        act_kind: String,
        number: Option<String>,
        issued_on: NaiveDate,
        addressee: String,
        requirements: usize,
        response_due: Option<NaiveDate>,
        control_task_id: Option<i64>,
        /// Checklist items not satisfied when the act went out (ids).
        missing: Vec<String>,
        /// The journal entry of the draft the act was issued from, when one was made here.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        draft_seq: Option<i64>,
        /// The violation's category, when the person or the export named it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        category: Option<String>,
        /// The import that brought the act from a registry's export (absent for an act recorded
        /// here, and in entries written before imports of acts existed).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        import_id: Option<i64>,
        /// The registry number of the inspection that prompted the act, when the export named it
        /// (absent otherwise, and in entries written before it was carried): the office's
        /// estimate reads it as the act's trigger, as the workstation's does.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        trigger_registry_no: Option<String>,
    },
    /// A document was attached to an object (stored content-addressed by its SHA-256).
    DocumentAttached {
        subject_bin: String,
        sha256: String,
        file_name: String,
        octets: u64,
    },
    /// What became of an issued act at one stage: the addressee's answer, its consideration, a
    /// court's decision — recorded by a person, or confirmed by one from a read document.
    ActOutcome {
        act_id: i64,
        subject_bin: String,
        stage: String,
        result: String,
        on: NaiveDate,
        measures: crate::outcomes::Measures,
        document: Option<String>,
        /// `person`, `document` when a read document proposed it, or `import` from an export.
        source: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        import_id: Option<i64>,
        /// The act was returned or overturned for a formal defect (absent when not, and in
        /// entries written before the flag existed).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        formal_defect: bool,
    },
    /// A document's text and requisites were read (on attaching, or again after a rules or
    /// engine update): how many pages, how many by OCR, how many facts were proposed.
    DocumentRead {
        subject_bin: String,
        sha256: String,
        state: String,
        pages: u32,
        ocr_pages: u32,
        facts: usize,
        engine: String,
        rules_version: String,
    },
    /// A person confirmed a fact read from a document, as proposed or corrected.
    FactConfirmed {
        subject_bin: String,
        sha256: String,
        fact_id: i64,
        fact_kind: String,
        /// The value in force (JSON); personal, since an addressee may be a citizen.
        value: String,
        corrected: bool,
    },
    /// A person rejected a fact read from a document, with the reason.
    FactRejected {
        subject_bin: String,
        sha256: String,
        fact_id: i64,
        fact_kind: String,
        reason: String,
    },
    /// A checklist item was ticked or unticked by a person.
    ChecklistMarked {
        subject_bin: String,
        item: String,
        ticked: bool,
        document: Option<String>,
    },
    /// The rules in force (calendar, norms) differ from those last recorded; open deadlines were
    /// recomputed (each move is its own `task_recomputed` entry).
    RulesChanged {
        fingerprint: String,
        recomputed: usize,
    },
    /// The state of a record when the journal began in a database older than it (or the tables'
    /// state, in `tables`), so later changes have something to be compared with.
    Baseline {
        note: String,
        tables: Vec<TableState>,
    },
    /// A person started a new signed checkpoint over the journal as it stands, with a reason,
    /// after the old one was lost or no longer matched (verification had said why).
    CheckpointReset {
        reason: String,
        previous_size: Option<u64>,
        previous_root: Option<String>,
    },
    /// A person made a new key for a database whose key file was lost, with a reason: what the old
    /// key sealed (pseudonyms to link, documents, the checkpoint) can no longer be opened with it.
    KeysReset {
        /// The key files made anew (`<db>.key`, `<db>.signing-key`), by name.
        files: Vec<String>,
        reason: String,
    },
    /// The database's encryption at rest changed: it was created encrypted, encrypted in place,
    /// its passphrase changed, or a forgotten passphrase replaced with the recovery key. Names the
    /// cipher and how the passphrase is stretched — never a key or a passphrase.
    VaultChanged {
        change: VaultChange,
        cipher: String,
        kdf: String,
    },
    /// A backup was made: the file's name (not its folder), the digest of its signed manifest,
    /// and how much of the journal it holds.
    BackupMade {
        file: String,
        manifest_sha256: String,
        journal_entries: i64,
        encrypted_with: BackupPassphrase,
    },
    /// The database was restored from a backup and begins a new epoch: its journal goes on from
    /// the backup's.
    Restored {
        file: String,
        manifest_sha256: String,
        made_at: String,
        made_by: String,
        journal_entries: i64,
        epoch: i64,
    },
    /// Personal data due under the retention rules was destroyed under a numbered act: which
    /// rules, how many records each, the records' keys (appeal numbers, document digests — no
    /// personal data), the journal entries whose personal data was cleared, the registry
    /// tables' states after it, and how far back backups may still hold what was destroyed.
    RetentionApplied {
        act_number: String,
        reason: String,
        as_of: NaiveDate,
        rules_version: String,
        rules: Vec<RuleApplied>,
        records: Vec<String>,
        redacted_entries: Vec<i64>,
        tables: Vec<TableState>,
        backup_horizon: Option<String>,
        act_sha256: Option<String>,
    },
    /// A record's personal data was cleared by a destruction act (a task's note): its new state.
    RecordRedacted {
        task_id: i64,
        act_number: String,
    },
    /// A colleague's destruction act reached this workstation through the office: the records it
    /// names that this workstation held and cleared (by the same rules as its own acts), those an
    /// open case here still holds, this journal's own entries whose personal data the act cleared
    /// at the office, how many pulled entries of colleagues were cleared, and the tables' states.
    RetentionReceived {
        act_number: String,
        from_workstation: String,
        records_cleared: Vec<String>,
        records_held: Vec<String>,
        redacted_entries: Vec<i64>,
        replica_entries: usize,
        tables: Vec<TableState>,
    },
    /// The office revoked this workstation, or blocked its person: everything pulled from it
    /// (colleagues' entries, tasks, assignments, conflicts) was purged here.
    OfficePurged {
        office: String,
        why: String,
        remote_entries: usize,
        remote_tasks: usize,
    },
    /// This workstation joined an office: from this entry on, the journal's author is the
    /// enrolled person the office knows, never a typed name.
    OfficeJoined {
        office: String,
        workstation_id: String,
        workstation_name: String,
        person: String,
        role: String,
        districts: Vec<String>,
        /// The office's public key, which cosigns this workstation's checkpoints.
        office_key: String,
    },
    /// A line of the task log an older database kept before the journal existed, carried over.
    LegacyTaskLog {
        task_id: Option<i64>,
        at: String,
        action: String,
        old_due: Option<NaiveDate>,
        new_due: Option<NaiveDate>,
        detail: Option<String>,
    },
}

impl Entry {
    /// The entry's kind, as stored and listed.
    pub fn kind(&self) -> &'static str {
        match self {
            Entry::Import { .. } => "import",
            Entry::TaskCreated { .. } => "task_created",
            Entry::TaskExtended { .. } => "task_extended",
            Entry::TaskSuspended { .. } => "task_suspended",
            Entry::TaskNoted { .. } => "task_noted",
            Entry::TaskDone { .. } => "task_done",
            Entry::TaskRecomputed { .. } => "task_recomputed",
            Entry::TaskRecounted { .. } => "task_recounted",
            Entry::TaskNormReplaced { .. } => "task_norm_replaced",
            Entry::DependencyAdded { .. } => "dependency_added",
            Entry::SuggestionAccepted { .. } => "suggestion_accepted",
            Entry::SuggestionDeclined { .. } => "suggestion_declined",
            Entry::SettingChanged { .. } => "setting_changed",
            Entry::CalendarImported { .. } => "calendar_imported",
            Entry::NormsImported { .. } => "norms_imported",
            Entry::NormsFromOffice { .. } => "norms_from_office",
            Entry::NormVersionRecorded { .. } => "norm_version_recorded",
            Entry::ModelTrained { .. } => "model_trained",
            Entry::ModelChecked { .. } => "model_checked",
            Entry::AppealsTriaged { .. } => "appeals_triaged",
            Entry::AppealCorrected { .. } => "appeal_corrected",
            Entry::RiskModelTrained { .. } => "risk_model_trained",
            Entry::RiskModelChecked { .. } => "risk_model_checked",
            Entry::PredictionsMade { .. } => "predictions_made",
            Entry::AnomalyReviewed { .. } => "anomaly_reviewed",
            Entry::ThemeSaved { .. } => "theme_saved",
            Entry::ThemeMemberDecided { .. } => "theme_member_decided",
            Entry::ThemeNoted { .. } => "theme_noted",
            Entry::RiskOverridden { .. } => "risk_overridden",
            Entry::EvidencePacked { .. } => "evidence_packed",
            Entry::EvidenceVerified { .. } => "evidence_verified",
            Entry::ActDrafted { .. } => "act_drafted",
            Entry::ActIssued { .. } => "act_issued",
            Entry::ActOutcome { .. } => "act_outcome",
            Entry::DocumentAttached { .. } => "document_attached",
            Entry::DocumentRead { .. } => "document_read",
            Entry::FactConfirmed { .. } => "fact_confirmed",
            Entry::FactRejected { .. } => "fact_rejected",
            Entry::ChecklistMarked { .. } => "checklist_marked",
            Entry::RulesChanged { .. } => "rules_changed",
            Entry::Baseline { .. } => "baseline",
            Entry::CheckpointReset { .. } => "checkpoint_reset",
            Entry::KeysReset { .. } => "keys_reset",
            Entry::VaultChanged { .. } => "vault_changed",
            Entry::BackupMade { .. } => "backup_made",
            Entry::Restored { .. } => "restored",
            Entry::RetentionApplied { .. } => "retention_applied",
            Entry::RecordRedacted { .. } => "record_redacted",
            Entry::RetentionReceived { .. } => "retention_received",
            Entry::OfficePurged { .. } => "office_purged",
            Entry::OfficeJoined { .. } => "office_joined",
            Entry::LegacyTaskLog { .. } => "legacy_task_log",
        }
    }

    /// The journaled tables' states an entry records, if it records any.
    pub fn tables(&self) -> Option<&[TableState]> {
        match self {
            Entry::Import { tables, .. }
            | Entry::Baseline { tables, .. }
            | Entry::AppealsTriaged { tables, .. }
            | Entry::AppealCorrected { tables, .. }
            | Entry::RetentionApplied { tables, .. }
            | Entry::RetentionReceived { tables, .. } => Some(tables),
            _ => None,
        }
    }

    /// The kinds of entry that record tables' states (for queries that look for them).
    pub const WITH_TABLES: [&'static str; 6] =
        ["import", "baseline", "appeals_triaged", "appeal_corrected", "retention_applied", "retention_received"];

    /// The fields of an entry of `kind` that may hold personal data: text a person typed about a
    /// case (a note, a reason, a title), a document's file name, an act's addressee. A journal v2
    /// entry keeps them apart, in a table a destruction act may clear, and hashes only their
    /// salted digest into the chain.
    pub fn personal_fields(kind: &str) -> &'static [&'static str] {
        match kind {
            "task_created" => &["title"],
            "task_extended"
            | "task_suspended"
            | "task_recounted"
            | "suggestion_declined"
            | "appeal_corrected"
            | "anomaly_reviewed"
            | "theme_saved"
            | "theme_member_decided"
            | "risk_overridden" => &["reason"],
            "task_noted" | "theme_noted" => &["note"],
            "document_attached" => &["file_name"],
            "fact_confirmed" => &["value"],
            "fact_rejected" => &["reason"],
            "act_issued" => &["addressee"],
            _ => &[],
        }
    }

    /// The task an entry concerns, if any.
    pub fn task_id(&self) -> Option<i64> {
        match self {
            Entry::TaskCreated { task_id, .. }
            | Entry::TaskExtended { task_id, .. }
            | Entry::TaskSuspended { task_id, .. }
            | Entry::TaskNoted { task_id, .. }
            | Entry::TaskDone { task_id, .. }
            | Entry::TaskRecomputed { task_id, .. }
            | Entry::TaskRecounted { task_id, .. }
            | Entry::TaskNormReplaced { task_id, .. }
            | Entry::DependencyAdded { task_id, .. }
            | Entry::RecordRedacted { task_id, .. } => Some(*task_id),
            Entry::SuggestionAccepted { after_task, .. } => *after_task,
            Entry::SuggestionDeclined { after_task, .. } => Some(*after_task),
            Entry::LegacyTaskLog { task_id, .. } => *task_id,
            _ => None,
        }
    }

    /// The due dates an entry moved (for the task's history): before and after.
    pub fn due_change(&self) -> (Option<NaiveDate>, Option<NaiveDate>) {
        match self {
            Entry::TaskCreated { due, .. } => (None, Some(*due)),
            Entry::TaskExtended { from, to, .. }
            | Entry::TaskRecomputed { from, to, .. }
            | Entry::TaskRecounted { from, to, .. } => (Some(*from), Some(*to)),
            Entry::TaskSuspended { old_due, new_due, .. } => (Some(*old_due), Some(*new_due)),
            Entry::LegacyTaskLog { old_due, new_due, .. } => (*old_due, *new_due),
            _ => (None, None),
        }
    }

    /// The entry in one line of English, for the command line and logs.
    pub fn detail(&self) -> String {
        match self {
            Entry::Import { data_kind, file, rows_read, inserted, updated, unchanged, rejected, sha256, .. } => format!(
                "imported {data_kind} from {file} (sha256 {}…): {rows_read} rows, {inserted} new, {updated} updated, {unchanged} unchanged, {rejected} rejected",
                &sha256[..sha256.len().min(12)]
            ),
            Entry::TaskCreated { title, .. } => title.clone(),
            Entry::TaskExtended { reason, .. } => reason.clone(),
            Entry::TaskSuspended { from, to, reason, .. } => format!("{from} – {to}: {reason}"),
            Entry::TaskNoted { note, .. } => note.clone(),
            Entry::TaskDone { on, late, .. } => format!("done on {on} ({})", if *late { "late" } else { "on time" }),
            Entry::TaskRecomputed { why, .. } => why.clone(),
            Entry::TaskRecounted { norm_id, from_version, to_version, reason, .. } => format!(
                "recounted under norm {norm_id} as in force from {to_version} (was counted under the version from {from_version}): {reason}"
            ),
            Entry::TaskNormReplaced { from, to, reason, .. } => format!("norm {from} → {to}: {reason}"),
            Entry::DependencyAdded { depends_on, .. } => format!("waits for task {depends_on}"),
            Entry::SuggestionAccepted { step, created, .. } => format!("{step}: accepted, created task(s) {created:?}"),
            Entry::SuggestionDeclined { step, reason, .. } => format!("{step}: {reason}"),
            Entry::SettingChanged { key, value } => format!("{key} = {value}"),
            Entry::CalendarImported { year, file, replaced, .. } => {
                format!("calendar {year} {} from {file}", if *replaced { "replaced" } else { "added" })
            }
            Entry::NormsImported { file, norms, .. } => format!("norms catalog of {norms} norms imported from {file}"),
            Entry::NormsFromOffice { file, norms, imported_by, imported_at, .. } => {
                format!("the office's norms catalog of {norms} norms, imported there by {imported_by} on {imported_at} from {file}")
            }
            Entry::NormVersionRecorded { norm_id, version, origin, .. } => {
                format!("norm {norm_id} version {version} in force ({origin})")
            }
            Entry::ModelTrained { model, texts, accuracy, macro_f1, .. } => format!(
                "model {model} trained on {texts} texts (held-out accuracy {accuracy:.3}, macro-F1 {macro_f1:.3})"
            ),
            Entry::ModelChecked { model, texts, accuracy, accuracy_then, .. } => format!(
                "model {model} re-tested on {texts} newer labelled texts: accuracy {accuracy:.3} (held out when \
                 registered: {accuracy_then:.3})"
            ),
            Entry::AppealsTriaged { appeals, decisions, tasks, model, .. } => format!(
                "{appeals} appeal(s) triaged by {}: {decisions} decision(s), {tasks} SLA task(s)",
                model.as_deref().unwrap_or("rules only (no classifier trained)")
            ),
            Entry::AppealCorrected { appeal_no, aspect, from, to, reason, .. } => format!(
                "{appeal_no}: {aspect} {} → {to}: {reason}",
                from.as_deref().unwrap_or("—")
            ),
            Entry::RiskModelTrained { model, target, examples, auc, brier, .. } => format!(
                "risk model {model} ({target}) trained on {examples} inspections (held-out AUC {auc:.3}, Brier {brier:.4})"
            ),
            Entry::RiskModelChecked { model, inspections, auc, auc_then, drifted, .. } => format!(
                "risk model {model} re-tested on {inspections} newer inspections: AUC {} (registered {}){}",
                auc.map_or("—".to_string(), |a| format!("{a:.3}")),
                auc_then.map_or("—".to_string(), |a| format!("{a:.3}")),
                if *drifted { ", drifted" } else { "" }
            ),
            Entry::PredictionsMade { model, purpose, rows, .. } => format!("{rows} prediction(s) by {model}: {purpose}"),
            Entry::AnomalyReviewed { key, action, reason, .. } => format!("anomaly {key} {action}: {reason}"),
            Entry::ThemeMemberDecided { theme, item_kind, item_key, decision, reason } => {
                format!("theme «{theme}»: {item_kind} {item_key} {decision}: {reason}")
            }
            Entry::ThemeNoted { theme, note } => format!("theme «{theme}»: note: {note}"),
            Entry::ThemeSaved { name, version, retired, reason, .. } => {
                format!("theme «{name}» v{version}{}: {reason}", if *retired { " retired" } else { "" })
            }
            Entry::RiskOverridden { subject_bin, assessment, reason, .. } => match assessment {
                Some(a) => format!("{subject_bin}: local risk estimate overridden as {a}: {reason}"),
                None => format!("{subject_bin}: risk override withdrawn: {reason}"),
            },
            Entry::RulesChanged { recomputed, .. } => {
                format!("the rules in force changed; {recomputed} open deadline(s) recomputed")
            }
            Entry::EvidencePacked { subject_bin, path, payload_files, .. } => {
                format!("{subject_bin}: evidence package of {payload_files} file(s) written to {path}")
            }
            Entry::EvidenceVerified { path, ok: true, .. } => format!("evidence package {path} verified: intact"),
            Entry::EvidenceVerified { path, problems, .. } => {
                format!("evidence package {path} verified: {problems} problem(s)")
            }
            Entry::ActDrafted { subject_bin, act_kind, lang, .. } => {
                format!("{subject_bin}: draft {act_kind} ({lang}) generated")
            }
            Entry::ActIssued { subject_bin, act_kind, issued_on, addressee, missing, .. } => format!(
                "{subject_bin}: {act_kind} issued on {issued_on} to {addressee}{}",
                if missing.is_empty() { String::new() } else { format!("; {} checklist item(s) missing", missing.len()) }
            ),
            Entry::DocumentAttached { subject_bin, file_name, octets, .. } => {
                format!("{subject_bin}: document {file_name} ({octets} bytes) attached")
            }
            Entry::DocumentRead { subject_bin, pages, ocr_pages, facts, state, .. } => format!(
                "{subject_bin}: document read ({state}): {pages} page(s), {ocr_pages} by OCR, {facts} fact(s) proposed"
            ),
            Entry::FactConfirmed { subject_bin, fact_kind, value, corrected, .. } => format!(
                "{subject_bin}: {fact_kind} from a document {} as {value}",
                if *corrected { "corrected" } else { "confirmed" }
            ),
            Entry::ActOutcome { act_id, subject_bin, stage, result, on, .. } => {
                format!("{subject_bin}: act {act_id}, {stage}: {result} on {on}")
            }
            Entry::FactRejected { subject_bin, fact_kind, reason, .. } => {
                format!("{subject_bin}: {fact_kind} from a document rejected: {reason}")
            }
            Entry::ChecklistMarked { subject_bin, item, ticked, .. } => {
                format!("{subject_bin}: checklist item {item} {}", if *ticked { "ticked" } else { "unticked" })
            }
            Entry::Baseline { note, .. } => note.clone(),
            Entry::CheckpointReset { reason, previous_size, .. } => format!(
                "a new checkpoint was started ({}): {reason}",
                previous_size.map_or_else(|| "there was none".to_string(), |n| format!("the old one covered {n} entries"))
            ),
            Entry::KeysReset { files, reason } => format!("new keys were made ({}): {reason}", files.join(", ")),
            Entry::VaultChanged { change, cipher, kdf } => format!("{} ({cipher}, {kdf})", change.words()),
            Entry::BackupMade { file, journal_entries, encrypted_with, .. } => format!(
                "backup {file} made with {journal_entries} journal entries, encrypted with {}",
                encrypted_with.words()
            ),
            Entry::Restored { file, made_at, made_by, journal_entries, epoch, .. } => format!(
                "restored from {file} (made {made_at} by {made_by}, {journal_entries} journal entries); epoch {epoch} begins"
            ),
            Entry::RetentionApplied { act_number, as_of, records, redacted_entries, .. } => format!(
                "destruction act {act_number} (as of {as_of}): personal data of {} record(s) destroyed, {} journal entr(ies) redacted",
                records.len(),
                redacted_entries.len()
            ),
            Entry::RecordRedacted { act_number, .. } => format!("personal data cleared by destruction act {act_number}"),
            Entry::RetentionReceived {
                act_number, from_workstation, records_cleared, records_held, redacted_entries, replica_entries, ..
            } => format!(
                "destruction act {act_number} of workstation {from_workstation} received from the office: {} record(s) cleared here, {} held by an open case, {} own journal entr(ies) and {replica_entries} pulled entr(ies) cleared",
                records_cleared.len(),
                records_held.len(),
                redacted_entries.len()
            ),
            Entry::OfficePurged { office, why, remote_entries, remote_tasks } => format!(
                "the office {office} refused this workstation ({why}): {remote_entries} pulled entr(ies) and {remote_tasks} colleagues' task(s) purged"
            ),
            Entry::OfficeJoined { office, workstation_name, person, role, districts, .. } => format!(
                "joined the office at {office} as {person} ({role}, districts {}) from workstation \"{workstation_name}\"",
                districts.join(",")
            ),
            Entry::LegacyTaskLog { at, action, detail, .. } => {
                format!("{action} at {at} (before the journal){}", detail.as_ref().map_or(String::new(), |d| format!(": {d}")))
            }
        }
    }
}

/// One rule a destruction applied, and to how many records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct RuleApplied {
    pub rule: String,
    pub confirmed: bool,
    pub records: usize,
}

/// Which passphrase opens a backup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum BackupPassphrase {
    /// The encrypted database's own, as it was when the backup was made (its recovery key too).
    Database,
    /// One given for the backup of a plain database.
    Given,
}

impl BackupPassphrase {
    pub fn words(self) -> &'static str {
        match self {
            BackupPassphrase::Database => "the database's passphrase (and its recovery key)",
            BackupPassphrase::Given => "the passphrase given for the backup",
        }
    }
}

/// What happened to the database's encryption at rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum VaultChange {
    /// Created encrypted (`ekn init --encrypt`).
    Created,
    /// A plain database encrypted in place (`ekn vault encrypt`).
    Encrypted,
    /// The passphrase changed (`ekn vault rekey`).
    PassphraseChanged,
    /// A new passphrase set with the recovery key (`ekn vault recover`).
    Recovered,
    /// The encrypted copy a backup of a plain database holds: its keys were put inside it. Only
    /// in the backup (and a database restored from it), never in the plain original.
    CopiedForBackup,
}

impl VaultChange {
    fn words(self) -> &'static str {
        match self {
            VaultChange::Created => "the database was created encrypted",
            VaultChange::Encrypted => "the database was encrypted in place",
            VaultChange::PassphraseChanged => "the database's passphrase was changed",
            VaultChange::Recovered => "a new passphrase was set with the recovery key",
            VaultChange::CopiedForBackup => "an encrypted copy of the plain database was made for a backup",
        }
    }
}
