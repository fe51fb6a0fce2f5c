//! The journal's lines in the person's language, for the command line (`ekn journal` in Russian and
//! Kazakh): an entry's kind and face in words, and what it says worded from its own data where its
//! kind is one people read daily — the same as the UI's `entryDetail` (ui/src/lib/journal.ts),
//! from the same catalogue. The stored detail is English and part of the hash chain, so it is never
//! rewritten; reasons and notes are the person's own words.

use super::journal::JournalLine;
use crate::domain::journal::Entry;
use crate::i18n::{local_date, tr};

/// A kind's or a face's words (`label("entry", "task_done")`), or the code when the catalogue
/// has none.
pub fn label(prefix: &str, code: &str) -> String {
    word_or(&format!("{prefix}.{code}"), code)
}

/// The catalogue's words for `key`, or `fallback` when it has none.
fn word_or(key: &str, fallback: &str) -> String {
    let text = tr(key);
    if text == key {
        fallback.to_string()
    } else {
        text
    }
}

/// What one entry says, in the person's language, worded from its own data as the UI's journal
/// words it; the detail the chain holds (English) only for an entry whose data could not be read.
pub fn detail(l: &JournalLine) -> String {
    let day = |d: &chrono::NaiveDate| local_date(*d);
    let Some(e) = &l.entry else { return l.detail.clone() };
    match e {
        Entry::TaskCreated { title, due, .. } => format!("{title} · {}: {}", tr("date.due"), day(due)),
        Entry::TaskExtended { from, to, reason, .. } => format!("{} → {}: {reason}", day(from), day(to)),
        Entry::TaskSuspended { from, to, reason, old_due, new_due, .. } => {
            format!("{} – {}: {reason} ({} → {})", day(from), day(to), day(old_due), day(new_due))
        }
        Entry::TaskNoted { note, .. } => note.clone(),
        Entry::TaskDone { on, late, .. } => {
            format!("{} · {}", day(on), tr(if *late { "journal.late" } else { "journal.on_time" }))
        }
        Entry::TaskRecomputed { from, to, .. } => format!("{} → {}", day(from), day(to)),
        Entry::TaskRecounted { norm_id, to_version, from, to, reason, .. } => format!(
            "{} → {} · {norm_id} ({} {}): {reason}",
            day(from),
            day(to),
            tr("journal.law_version_from"),
            day(to_version)
        ),
        Entry::TaskNormReplaced { from, to, .. } => format!("{from} → {to}"),
        Entry::SuggestionAccepted { step, created, .. } => {
            let created: Vec<String> = created.iter().map(|id| format!("№{id}")).collect();
            format!("{} → {}", word_or(&format!("kind.{step}"), step), created.join(", "))
        }
        Entry::SuggestionDeclined { step, reason, .. } => {
            format!("{}: {reason}", word_or(&format!("kind.{step}"), step))
        }
        Entry::SettingChanged { key, value } => format!("{key} = {value}"),
        Entry::Import { file, inserted, updated, rejected, .. } => format!(
            "{file} · {} {inserted}, {} {updated}, {} {rejected}",
            tr("import.inserted"),
            tr("import.updated"),
            tr("import.rejected")
        ),
        Entry::AppealCorrected { appeal_no, from, to, reason, .. } => {
            format!("{appeal_no}: {} → {to}: {reason}", from.as_deref().unwrap_or("—"))
        }
        Entry::ActIssued { act_kind, number, issued_on, addressee, response_due, .. } => format!(
            "{}{} · {} · {addressee}{}",
            word_or(&format!("actkind.{act_kind}"), act_kind),
            number.as_ref().map_or(String::new(), |n| format!(" № {n}")),
            day(issued_on),
            response_due.as_ref().map_or(String::new(), |d| format!(" · {}", day(d)))
        ),
        Entry::ActOutcome { act_id, stage, result, on, .. } => format!(
            "№{act_id} · {}: {} · {}",
            word_or(&format!("outcome_stage.{stage}"), stage),
            word_or(&format!("outcome_result.{result}"), result),
            day(on)
        ),
        Entry::ThemeSaved { name, version, retired, reason, .. } => format!(
            "«{name}» v{version}{}: {reason}",
            if *retired { format!(" · {}", tr("themes.retired")) } else { String::new() }
        ),
        Entry::ThemeMemberDecided { theme, item_key, decision, reason, .. } => {
            format!("«{theme}» · {item_key} · {}: {reason}", word_or(&format!("themes.decision.{decision}"), decision))
        }
        Entry::ThemeNoted { theme, note } => format!("«{theme}»: {note}"),
        Entry::AnomalyReviewed { key, action, reason, .. } => {
            format!("{}: {key}: {reason}", word_or(&format!("analytics.review.{action}"), action))
        }
        Entry::RiskOverridden { subject_bin, assessment, reason, .. } => format!(
            "{subject_bin}: {}: {reason}",
            match assessment {
                Some(level) => word_or(&format!("risk.level.{level}"), level),
                None => tr("risk.withdraw"),
            }
        ),
        Entry::RiskModelTrained { model, target, examples, auc, brier, .. } => {
            format!("{model} · {target} · {examples} · AUC {auc:.3}, Brier {brier:.4}")
        }
        Entry::KeysReset { files, reason } => format!("{}: {reason}", files.join(", ")),
        Entry::ModelTrained { model, texts, accuracy, macro_f1, .. } => {
            format!("{model} · {texts} · {} {accuracy:.3}, macro-F1 {macro_f1:.3}", tr("journal.accuracy"))
        }
        Entry::AppealsTriaged { appeals, model, priority_rules, routing, .. } => {
            format!("{appeals} · {} · {priority_rules}, {routing}", model.as_deref().unwrap_or("—"))
        }
        Entry::PredictionsMade { model, rows, purpose, .. } => format!("{model} · {rows} · {purpose}"),
        Entry::EvidencePacked { subject_bin, payload_files, path, .. } => {
            format!("{subject_bin} · {payload_files} · {path}")
        }
        Entry::EvidenceVerified { path, ok, problems, .. } => {
            format!("{path} · {}", if *ok { "✓".to_string() } else { format!("✗ {problems}") })
        }
        Entry::ActDrafted { act_kind, lang, sha256, .. } => {
            format!("{} ({lang}) · {}", word_or(&format!("actkind.{act_kind}"), act_kind), short(sha256))
        }
        Entry::DocumentAttached { file_name, octets, .. } => format!("{file_name} · {octets}"),
        Entry::ChecklistMarked { item, ticked, .. } => format!("{item} {}", if *ticked { "✔" } else { "✘" }),
        Entry::DocumentRead { sha256, state, pages, ocr_pages, facts, .. } => {
            format!("{} · {state} · {pages} (OCR {ocr_pages}) · {facts}", short(sha256))
        }
        Entry::FactConfirmed { fact_kind, value, corrected, .. } => {
            format!("{fact_kind} = {value}{}", if *corrected { " ✎" } else { "" })
        }
        Entry::FactRejected { fact_kind, reason, .. } => format!("{fact_kind}: {reason}"),
        Entry::VaultChanged { change, cipher, kdf } => {
            format!("{} · {cipher} · {kdf}", tr(&format!("vault.change.{}", code_of(change))))
        }
        Entry::BackupMade { file, journal_entries, encrypted_with, .. } => {
            format!("{file} · {journal_entries} · {}", tr(&format!("backup.with.{}", code_of(encrypted_with))))
        }
        Entry::Restored { file, made_by, made_at, epoch, .. } => format!(
            "{file} · {made_by}, {} · {}",
            made_at.get(..10).unwrap_or(made_at),
            crate::i18n::tr_with("backup.epoch", &[("epoch", epoch)])
        ),
        Entry::RetentionApplied { act_number, as_of, records, redacted_entries, reason, .. } => {
            format!("№ {act_number} · {} · {} · {}: {reason}", day(as_of), records.len(), redacted_entries.len())
        }
        Entry::RecordRedacted { act_number, .. } => format!("№ {act_number}"),
        Entry::RetentionReceived {
            act_number,
            from_workstation,
            records_cleared,
            redacted_entries,
            replica_entries,
            ..
        } => {
            format!(
                "№ {act_number} · {} · {} · {} · {replica_entries}",
                from_workstation.get(..8).unwrap_or(from_workstation),
                records_cleared.len(),
                redacted_entries.len()
            )
        }
        Entry::OfficePurged { office, remote_entries, remote_tasks, why } => {
            format!("{office} · {remote_entries} · {remote_tasks}: {why}")
        }
        Entry::OfficeJoined { person, role, districts, office, .. } => {
            format!("{person} · {role} · {} · {office}", districts.join(", "))
        }
        Entry::DependencyAdded { task_id, depends_on } => {
            format!("№{task_id} {} №{depends_on}", tr("journal.waits_for"))
        }
        Entry::CalendarImported { year, file, replaced, .. } => {
            format!(
                "{year} · {file}{}",
                if *replaced { format!(" · {}", tr("journal.replaced")) } else { String::new() }
            )
        }
        Entry::NormsImported { file, norms, .. } => format!("{file} · {norms}"),
        Entry::NormsFromOffice { file, norms, imported_by, imported_at, .. } => {
            format!("{file} · {norms} · {imported_by} · {imported_at}")
        }
        Entry::NormVersionRecorded { norm_id, version, origin, .. } => format!("{norm_id} v{version} · {origin}"),
        Entry::ModelChecked { model, texts, accuracy, accuracy_then, .. } => {
            format!("{model} · {texts} · {} {accuracy_then:.3} → {accuracy:.3}", tr("journal.accuracy"))
        }
        Entry::RiskModelChecked { model, inspections, auc, auc_then, drifted, .. } => {
            let figure = |a: &Option<f64>| a.map_or("—".to_string(), |a| format!("{a:.3}"));
            let drift = if *drifted { format!(" · {}", tr("journal.drifted")) } else { String::new() };
            format!("{model} · {inspections} · AUC {} → {}{drift}", figure(auc_then), figure(auc))
        }
        Entry::RulesChanged { fingerprint, recomputed } => format!("{} · {recomputed}", short(fingerprint)),
        Entry::Baseline { note, .. } => note.clone(),
        Entry::CheckpointReset { reason, .. } => reason.clone(),
        Entry::LegacyTaskLog { action, old_due, new_due, detail, .. } => {
            let dates = match (old_due, new_due) {
                (Some(a), Some(b)) => format!(" {} → {}", day(a), day(b)),
                _ => String::new(),
            };
            format!("{action}{dates}{}", detail.as_ref().map_or(String::new(), |d| format!(": {d}")))
        }
    }
}

/// The first twelve hex digits of a digest, as the journal screen shows it.
fn short(sha256: &str) -> &str {
    sha256.get(..12).unwrap_or(sha256)
}

/// A value's serde name (`created`, `given`), the tail of its catalogue key.
fn code_of<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}
