//! The appeals pipeline's rules as data: the taxonomy a category belongs to, the priority rules,
//! and the routing table (assets/appeals/). Each file carries a version that every decision made
//! with it records, and is parsed once per process with typed fields, so a misspelt rule kind
//! fails at startup (and in a test) instead of silently never firing.

pub mod priority;
pub mod routing;
pub mod taxonomy;

pub use priority::{FiredRule, PriorityLevel, PriorityRules};
pub use routing::{Forwarding, Route, RoutingTable, RoutingUnit};
pub use taxonomy::{Category, Taxonomy};

/// What a run of the pipeline did.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct TriageReport {
    pub appeals: usize,
    pub decisions: usize,
    pub tasks: usize,
    pub duplicates: usize,
    /// The classifier used; None when none has been trained (categories then come from the
    /// export's labels only).
    pub model: Option<String>,
    pub seconds: f64,
}

/// Lower case with ё as е, the form stems and labels are compared in.
pub fn fold(text: &str) -> String {
    text.to_lowercase().replace('ё', "е")
}

/// The words of a folded text: runs of letters and digits.
pub fn words(folded: &str) -> Vec<&str> {
    folded.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect()
}

/// Whether a stem (one or several words, each a prefix) matches consecutive words of `words`;
/// returns the matched words joined, for the explanation.
pub fn match_stem(words: &[&str], stem: &str) -> Option<String> {
    let parts: Vec<&str> = stem.split_whitespace().collect();
    if parts.is_empty() || parts.len() > words.len() {
        return None;
    }
    words
        .windows(parts.len())
        .find(|w| w.iter().zip(&parts).all(|(word, part)| word.starts_with(part)))
        .map(|w| w.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_match_word_starts_in_order() {
        let text = fold("Угроза ЖИЗНИ детей, отопления нет");
        let w = words(&text);
        assert_eq!(match_stem(&w, "угроз жизн").as_deref(), Some("угроза жизни"));
        assert_eq!(match_stem(&w, "детей").as_deref(), Some("детей"));
        assert_eq!(match_stem(&w, "жизн угроз"), None, "order matters");
        assert_eq!(match_stem(&w, "изни"), None, "a stem starts a word");
        assert_eq!(match_stem(&w, ""), None);
    }
}
