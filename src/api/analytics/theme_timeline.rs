//! The theme card's history and documents: a timeline of what happened to the theme and around it
//! (its versions, people's decisions about its items, months above the expected band, acts issued to
//! its objects and their answers and court decisions), newest first, and the documents attached to
//! its objects as counts (read, facts confirmed or rejected by people). Counts, codes, numbers and
//! dates only: a document's name, an act's addressee or a decision's reason is not repeated here
//! (the documents' counts are `Store::documents_of_objects`).

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::themes::ThemeMonth;
use crate::store::{ActForReport, MemberDecision, OutcomeForReport, ThemeNote, ThemeVersion};

/// At most this many events are listed (the newest).
const MAX_EVENTS: usize = 200;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ThemeEventKind {
    /// A version of the definition saved (`detail`: the version).
    Version,
    /// The theme retired.
    Retired,
    /// An item accepted or rejected (`detail`: `accepted appeal Т-00020`).
    Decision,
    /// A note written on the card (`detail` empty: the text is in the card's notes).
    Note,
    /// A month above its expected band (`detail`: `2025-09: 20 > 10.4`).
    Alarm,
    /// An act issued to one of its objects (`detail`: the kind).
    Act,
    /// An addressee's answer or a court's decision on such an act (`detail`: `answer satisfied`).
    Outcome,
}

/// One event of the timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ThemeEvent {
    /// A date (`2025-09-30`) or a moment (`2026-11-25T10:00:00Z`); months are dated by their last day.
    pub at: String,
    pub kind: ThemeEventKind,
    pub detail: String,
    /// Who did it, for what people did (versions and decisions).
    pub who: Option<String>,
}

/// The month's last day (`2025-09` → `2025-09-30`).
fn month_end(month: &str) -> String {
    let first = chrono::NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d");
    first
        .ok()
        .and_then(|d| d.checked_add_months(chrono::Months::new(1)))
        .and_then(|d| d.pred_opt())
        .map_or_else(|| month.to_string(), |d| d.to_string())
}

/// The timeline from what the card already read: the versions, the decisions, the notes, the
/// months judged, and the acts of the theme's objects (with their outcomes).
pub(super) fn timeline(
    versions: &[ThemeVersion],
    decisions: &[MemberDecision],
    notes: &[ThemeNote],
    dynamics: &[ThemeMonth],
    acts: &[ActForReport],
    outcomes: &[OutcomeForReport],
    bins: &HashSet<&str>,
) -> Vec<ThemeEvent> {
    let mut events = Vec::new();
    for v in versions {
        events.push(ThemeEvent {
            at: v.at.clone(),
            kind: if v.retired { ThemeEventKind::Retired } else { ThemeEventKind::Version },
            detail: v.version.to_string(),
            who: Some(v.author.clone()),
        });
    }
    for d in decisions {
        events.push(ThemeEvent {
            at: d.at.clone(),
            kind: ThemeEventKind::Decision,
            detail: format!("{} {} {}", d.decision, d.item_kind, d.item_key),
            who: Some(d.author.clone()),
        });
    }
    for n in notes {
        events.push(ThemeEvent {
            at: n.at.clone(),
            kind: ThemeEventKind::Note,
            detail: String::new(),
            who: Some(n.author.clone()),
        });
    }
    for m in dynamics.iter().filter(|m| m.exceeds) {
        events.push(ThemeEvent {
            at: month_end(&m.month),
            kind: ThemeEventKind::Alarm,
            detail: format!("{}: {} > {:.1}", m.month, m.observed, m.upper.unwrap_or(0.0)),
            who: None,
        });
    }
    let theirs: HashMap<i64, &str> =
        acts.iter().filter(|a| bins.contains(a.bin.as_str())).map(|a| (a.id, a.kind.as_str())).collect();
    for a in acts.iter().filter(|a| theirs.contains_key(&a.id)) {
        events.push(ThemeEvent {
            at: a.issued_on.clone(),
            kind: ThemeEventKind::Act,
            detail: a.kind.clone(),
            who: None,
        });
    }
    for o in outcomes.iter().filter(|o| theirs.contains_key(&o.act_id)) {
        events.push(ThemeEvent {
            at: o.on.clone(),
            kind: ThemeEventKind::Outcome,
            detail: format!("{} {} {}", theirs[&o.act_id], o.stage, o.result),
            who: None,
        });
    }
    // Newest first; a moment and a date of the same day sort by their text, which is fine.
    events.sort_by(|a, b| b.at.cmp(&a.at));
    events.truncate(MAX_EVENTS);
    events
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_month_is_dated_by_its_last_day() {
        assert_eq!(month_end("2025-09"), "2025-09-30");
        assert_eq!(month_end("2024-02"), "2024-02-29");
        assert_eq!(month_end("2025-12"), "2025-12-31");
    }
}
