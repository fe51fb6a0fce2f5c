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

/// What one entry says, in the person's language where its data allow it; the detail the chain
/// holds (English) for the kinds not worded here.
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
        _ => l.detail.clone(),
    }
}
