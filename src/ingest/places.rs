//! The КАТО check at the door (issue 63): every row's KATO code looked up in the official
//! classifier (`domain::classifier`) as it is read. A code the classifier lacks is named with its
//! line and field; a retired code is replaced by its current one, and the report says so. Nothing
//! is refused for its place: the row is a true inspection or appeal whatever its code, and a person
//! corrects the code in the source once told which rows to look at.

use serde::Serialize;

use crate::domain::classifier::{classifier, KatoStatus};
use crate::domain::territory::{parse_kato, Kato};

/// The most notes a report lists one by one; beyond them it counts.
pub const MAX_NOTES: usize = 100;

/// What the check found in one row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct KatoNote {
    /// The row's line (or record) in the file.
    pub line: u64,
    /// The field, as the file's columns are mapped ("kato").
    pub field: String,
    /// The code as the file wrote it.
    pub code: String,
    /// The current code it was replaced by (a retired code); `None`: not in the classifier.
    pub current: Option<String>,
}

/// The check's findings over one import.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct KatoCheck {
    /// The classifier's edition the codes were checked against.
    pub classifier: String,
    /// Rows whose code the classifier lacks (kept as written).
    pub unknown: u64,
    /// Rows whose retired code was replaced by the current one.
    pub mapped: u64,
    /// The first `MAX_NOTES` of them, in file order.
    pub notes: Vec<KatoNote>,
}

impl KatoCheck {
    pub fn new() -> KatoCheck {
        KatoCheck { classifier: classifier().version.clone(), ..KatoCheck::default() }
    }

    /// Counts a row's finding and keeps its note while there is room.
    pub fn add(&mut self, note: KatoNote) {
        match note.current {
            Some(_) => self.mapped += 1,
            None => self.unknown += 1,
        }
        if self.notes.len() < MAX_NOTES {
            self.notes.push(note);
        }
    }
}

/// Looks a row's code up; a retired one is replaced in place. The note to report, if any
/// (`line` filled by the caller).
pub fn check(kato: &mut Option<Kato>, line: u64) -> Option<KatoNote> {
    let code = kato.as_ref()?.code.clone();
    match classifier().status(&code) {
        KatoStatus::Current => None,
        KatoStatus::Unknown => Some(KatoNote { line, field: "kato".into(), code, current: None }),
        KatoStatus::Retired { current } => {
            // The current code is the classifier's own: it parses. Should it not, the row keeps
            // the code it came with and is reported as unknown rather than guessed at.
            match parse_kato(&current) {
                Ok(replacement) => {
                    *kato = Some(replacement);
                    Some(KatoNote { line, field: "kato".into(), code, current: Some(current) })
                }
                Err(_) => Some(KatoNote { line, field: "kato".into(), code, current: None }),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_known_code_passes_an_unknown_one_is_named_and_the_count_goes_on_past_the_list() {
        let mut known = Some(parse_kato("553200000").unwrap());
        assert_eq!(check(&mut known, 2), None);
        let mut unknown = Some(parse_kato("553000000").unwrap());
        let note = check(&mut unknown, 7).expect("a note");
        assert_eq!(note, KatoNote { line: 7, field: "kato".into(), code: "553000000".into(), current: None });
        assert_eq!(unknown.unwrap().code, "553000000", "kept as written");
        assert_eq!(check(&mut None, 9), None);
        let mut all = KatoCheck::new();
        for line in 0..(MAX_NOTES as u64 + 5) {
            all.add(KatoNote { line, ..note.clone() });
        }
        assert_eq!((all.unknown, all.mapped, all.notes.len()), (MAX_NOTES as u64 + 5, 0, MAX_NOTES));
        assert_eq!(all.classifier, "NK RK 11-2025");
    }
}
