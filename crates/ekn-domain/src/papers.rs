//! An appeal travelling with its SLA task (issue 41; docs/OFFICE.md, "An appeal travels with its
//! task"): when the office's routing or a supervisor gives an appeal's deadline task to a
//! colleague, the workstation that holds the appeal hands the office what the colleague needs to
//! work it — the masked text, the category in force and where it came from, the route, the
//! priority, the status and every triage decision with its basis and author — and never who
//! wrote it (no applicant's pseudonym, no channel address, no unmasked text). The office gives
//! each paper only to the person the task is assigned to; the holder withdraws it when the task
//! comes back, and a destruction act clears it everywhere.
//!
//! The checks here are the same on both sides: the office checks a holder's papers, and the
//! assignee's workstation checks what the office hands it (each is the other's peer).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::privacy::Masked;

/// The most papers one `POST /v1/appeals/papers` carries, and one page of the office's answer.
pub const MAX_PAPERS: usize = 200;
/// The longest masked text a paper carries, in characters (a longer one is cut there by
/// `fit_text`, and says so).
pub const MAX_PAPER_TEXT: usize = 20_000;
/// The most triage decisions a paper carries (the newest kept).
pub const MAX_PAPER_DECISIONS: usize = 100;
/// The most papers a workstation keeps from the office (a person's assigned appeals).
pub const MAX_HELD_PAPERS: usize = 5_000;

/// One triage decision as it travels: which aspect, the value, what decided it (a model or rule
/// version, or `person`), when, by whom, and a person's reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct PaperDecision {
    /// `category`, `priority`, `route` or `duplicate`.
    pub aspect: String,
    pub value: Option<String>,
    pub basis: String,
    pub decided_at: String,
    pub author: String,
    pub reason: Option<String>,
}

/// An appeal as it travels with its task to the colleague the task is assigned to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct AppealPaper {
    pub appeal_no: String,
    /// The SLA task it travels with: `appeal:<number>/<kind>`.
    pub task_key: String,
    #[ts(type = "string")]
    pub received: NaiveDate,
    pub kato: Option<String>,
    pub subject_bin: Option<String>,
    /// The applicant's category as registered (a citizen, an organisation…), never who.
    pub applicant_category: Option<String>,
    /// The text as it was masked on import.
    pub text: Option<String>,
    /// What the masking took out, by kind and rule.
    pub masked: Vec<Masked>,
    /// The category in force, and where it came from (`person`, `registered`, `model`, `none`).
    pub category: Option<String>,
    pub category_source: String,
    /// The priority level today (its code: `urgent`, `high`, `normal`) and its points.
    pub priority: String,
    pub priority_points: u32,
    /// The unit the appeal is routed to, and whether a person chose it.
    pub route_unit: Option<String>,
    pub route_by_person: bool,
    pub status: Option<String>,
    #[ts(type = "string | null")]
    pub decided: Option<NaiveDate>,
    pub outcome: Option<String>,
    pub decisions: Vec<PaperDecision>,
}

/// A holder's papers (`POST /v1/appeals/papers`): new or changed ones, and the task keys of those
/// it no longer hands over (the task came back, or the appeal is gone).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PapersRequest {
    pub papers: Vec<AppealPaper>,
    pub withdrawn: Vec<String>,
}

/// A paper the office did not take, and why (`not_assigned`: its task is not assigned to someone
/// other than the sender; `outside`: the appeal lies outside the sender's districts).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaperRefusal {
    pub task_key: String,
    pub reason: String,
}

/// What the office made of a holder's papers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PapersReceipt {
    pub stored: usize,
    pub withdrawn: usize,
    pub refused: Vec<PaperRefusal>,
}

/// A paper as the assignee receives it: who holds the appeal, since when the paper stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct HeldPaper {
    /// The person whose workstation holds the appeal.
    pub holder: String,
    pub updated_at: String,
    pub paper: AppealPaper,
}

/// `GET /v1/appeals/papers?after=NUMBER`: the papers of the caller's assigned tasks, by number.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PapersPage {
    pub papers: Vec<HeldPaper>,
    pub more: bool,
}

fn plain(text: &str, max: usize) -> bool {
    text.chars().count() <= max && !text.chars().any(char::is_control)
}

/// An appeal's masked text as a paper carries it: line breaks and tabs kept, any other control
/// character dropped, and cut at `MAX_PAPER_TEXT` characters with an ellipsis saying so.
pub fn fit_text(text: &str) -> String {
    let clean: String = text.chars().filter(|c| !c.is_control() || *c == '\n' || *c == '\t').collect();
    if clean.chars().count() <= MAX_PAPER_TEXT {
        return clean;
    }
    let mut cut: String = clean.chars().take(MAX_PAPER_TEXT - 1).collect();
    cut.push('…');
    cut
}

/// The number in a task key `appeal:<number>/<kind>`, with its kind.
pub fn appeal_of_task_key(key: &str) -> Option<(&str, &str)> {
    let rest = key.strip_prefix("appeal:")?;
    let (no, kind) = rest.rsplit_once('/')?;
    let kind_ok = !kind.is_empty() && kind.len() <= 40 && kind.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
    (!no.is_empty() && kind_ok).then_some((no, kind))
}

/// What is wrong with a paper, naming its field; `None` when nothing is.
pub fn check(paper: &AppealPaper) -> Option<(&'static str, String)> {
    let no = &paper.appeal_no;
    if no.is_empty() || no.len() > 64 || no.trim() != no || no.chars().any(char::is_control) {
        return Some((
            "appeal_no",
            "a number of 1 to 64 characters, no spaces around it, no control characters".into(),
        ));
    }
    if appeal_of_task_key(&paper.task_key).map(|(n, _)| n) != Some(no.as_str()) {
        return Some(("task_key", "appeal:<the paper's number>/<the task's kind>".into()));
    }
    if !(1991..=2100).contains(&chrono::Datelike::year(&paper.received)) {
        return Some(("received", format!("{} is not a day an appeal was received", paper.received)));
    }
    if paper.decided.is_some_and(|d| d < paper.received || chrono::Datelike::year(&d) > 2100) {
        return Some(("decided", "a decision comes on or after the day the appeal was received".into()));
    }
    if paper.kato.as_ref().is_some_and(|k| k.is_empty() || k.len() > 9 || !k.bytes().all(|b| b.is_ascii_digit())) {
        return Some(("kato", "a KATO code is 1 to 9 digits".into()));
    }
    if paper.subject_bin.as_ref().is_some_and(|b| crate::ids::SubjectId::parse(b).is_err()) {
        return Some(("subject_bin", "not a valid BIN or IIN (12 digits with its check digit)".into()));
    }
    // The masked text keeps its line breaks; nothing else a terminal or a page would act on.
    if paper.text.as_ref().is_some_and(|t| {
        t.chars().count() > MAX_PAPER_TEXT || t.chars().any(|c| c.is_control() && c != '\n' && c != '\t')
    }) {
        return Some(("text", format!("at most {MAX_PAPER_TEXT} characters, no control characters but line breaks")));
    }
    if paper.masked.len() > 50 || paper.masked.iter().any(|m| !plain(&m.rule, 64)) {
        return Some(("masked", "at most 50 markers, each rule named in at most 64 characters".into()));
    }
    for (field, value, max) in [
        ("applicant_category", paper.applicant_category.as_deref(), 200),
        ("category", paper.category.as_deref(), 200),
        ("route_unit", paper.route_unit.as_deref(), 200),
        ("status", paper.status.as_deref(), 200),
    ] {
        if value.is_some_and(|v| !plain(v, max)) {
            return Some((field, format!("at most {max} characters, no control characters")));
        }
    }
    if !matches!(paper.category_source.as_str(), "person" | "registered" | "model" | "none") {
        return Some(("category_source", "person, registered, model or none".into()));
    }
    let level = &paper.priority;
    if level.is_empty() || level.len() > 20 || !level.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
        return Some(("priority", "a level's code (urgent, high, normal…) of at most 20 letters".into()));
    }
    if paper.priority_points > 1_000 {
        return Some(("priority_points", "at most 1000".into()));
    }
    if paper.outcome.as_deref().is_some_and(|o| !matches!(o, "satisfied" | "refused" | "explained")) {
        return Some(("outcome", "satisfied, refused or explained".into()));
    }
    if paper.decisions.len() > MAX_PAPER_DECISIONS {
        return Some(("decisions", format!("at most {MAX_PAPER_DECISIONS}")));
    }
    for d in &paper.decisions {
        let bad = !matches!(d.aspect.as_str(), "category" | "priority" | "route" | "duplicate")
            || d.value.as_deref().is_some_and(|v| !plain(v, 200))
            || !plain(&d.basis, 64)
            || !plain(&d.decided_at, 40)
            || d.author.is_empty()
            || !plain(&d.author, 200)
            || d.reason.as_deref().is_some_and(|r| !plain(r, 2_000));
        if bad {
            return Some((
                "decisions",
                "each an aspect (category, priority, route, duplicate), a value, a basis, a time and an author of \
                 bounded length, without control characters"
                    .into(),
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    pub fn paper() -> AppealPaper {
        AppealPaper {
            appeal_no: "ЖТ-2026-000123".into(),
            task_key: "appeal:ЖТ-2026-000123/consider_appeal".into(),
            received: "2026-10-01".parse().unwrap(),
            kato: Some("192010000".into()),
            subject_bin: None,
            applicant_category: Some("физическое лицо".into()),
            text: Some("Прошу проверить задержку зарплаты.\nЗаявитель: [ФИО]".into()),
            masked: Vec::new(),
            category: Some("Трудовые права".into()),
            category_source: "model".into(),
            priority: "high".into(),
            priority_points: 3,
            route_unit: Some("надзор".into()),
            route_by_person: false,
            status: None,
            decided: None,
            outcome: None,
            decisions: vec![PaperDecision {
                aspect: "category".into(),
                value: Some("Трудовые права".into()),
                basis: "appeals-v3".into(),
                decided_at: "2026-10-02T09:00:00Z".into(),
                author: "Асель Нурланова".into(),
                reason: None,
            }],
        }
    }

    #[test]
    fn a_paper_is_checked_field_by_field() {
        assert_eq!(check(&paper()), None);
        let field = |change: fn(&mut AppealPaper)| {
            let mut p = paper();
            change(&mut p);
            check(&p).map(|(f, _)| f)
        };
        assert_eq!(field(|p| p.task_key = "appeal:ЖТ-2026-000999/consider_appeal".into()), Some("task_key"));
        assert_eq!(field(|p| p.task_key = "task:ws/3".into()), Some("task_key"));
        assert_eq!(field(|p| p.text = Some("x\u{1b}[2J".into())), Some("text"));
        assert_eq!(field(|p| p.text = Some("я".repeat(MAX_PAPER_TEXT + 1))), Some("text"));
        assert_eq!(field(|p| p.kato = Some("19a".into())), Some("kato"));
        assert_eq!(field(|p| p.category_source = "oracle".into()), Some("category_source"));
        assert_eq!(field(|p| p.decisions[0].author = String::new()), Some("decisions"));
        assert_eq!(field(|p| p.decided = Some("2026-09-01".parse().unwrap())), Some("decided"));
    }

    #[test]
    fn a_text_is_fitted_to_what_a_paper_carries() {
        assert_eq!(fit_text("a\r\nb\u{7}c"), "a\nbc");
        let long = fit_text(&"я".repeat(MAX_PAPER_TEXT + 10));
        assert_eq!(long.chars().count(), MAX_PAPER_TEXT);
        assert!(long.ends_with('…'));
        let mut p = paper();
        p.text = Some(long);
        assert_eq!(check(&p), None);
    }

    #[test]
    fn a_task_key_names_its_appeal_and_kind() {
        assert_eq!(appeal_of_task_key("appeal:A/1/consider_appeal"), Some(("A/1", "consider_appeal")));
        assert_eq!(appeal_of_task_key("appeal:A/Consider"), None);
        assert_eq!(appeal_of_task_key("appeal:/consider_appeal"), None);
        assert_eq!(appeal_of_task_key("task:ws/1"), None);
    }
}
