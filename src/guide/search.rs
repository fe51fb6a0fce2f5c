//! Search over the guide with the product's own full-text index: SQLite FTS5 with the `unicode61`
//! tokenizer (case folded for Cyrillic and Kazakh letters alike, ё read as е), in an in-memory
//! database the store fills from the built-in topics on each search (`store::text_index`).
//!
//! Russian and Kazakh change a word's ending («продлить», «продление», «продлённый»; «мерзім»,
//! «мерзімді», «мерзімін»), so each word of a query is searched by its first five letters as a
//! prefix — one rule for both languages (Snowball's stemmers cover Russian, not Kazakh). Topics
//! that hold more of the words rank first (BM25, the title weighing five times the text).

use super::{topics, GuideHit};

/// Letters kept of a longer word: enough to tell words apart, short enough to reach every ending.
const STEM: usize = 5;

fn terms(query: &str) -> Vec<String> {
    crate::store::fold_for_search(query)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 2)
        .map(|w| w.chars().take(STEM).collect::<String>())
        .collect()
}

/// Topics matching `query` in `lang` (all languages when `None`), best first, at most `limit`.
pub fn search(query: &str, lang: Option<&str>, limit: usize) -> Result<Vec<GuideHit>, String> {
    let terms = terms(query);
    let all = topics();
    // Indexed as plain text on one line, so an excerpt shows words, not the Markdown's marks, a
    // link's address or a heading's id.
    let plain: Vec<String> = all.iter().map(|(_, body)| super::plain_text(body)).collect();
    let texts: Vec<(&str, &str)> =
        all.iter().zip(&plain).map(|((topic, _), body)| (topic.title.as_str(), body.as_str())).collect();
    let ranked =
        crate::store::text_index::rank_texts(&texts, &terms, 5.0).map_err(|e| format!("the guide's index: {e}"))?;
    Ok(ranked
        .into_iter()
        .filter(|hit| lang.is_none_or(|l| l == all[hit.index].0.lang))
        .take(limit)
        .map(|hit| GuideHit { topic: all[hit.index].0.clone(), excerpt: hit.excerpt, rank: hit.rank })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_becomes_prefixes_of_its_words_folded() {
        assert_eq!(terms("Продлить СРОК!"), ["продл", "срок"]);
        assert_eq!(terms("мерзімді ұзарту"), ["мерзі", "ұзарт"]);
        assert_eq!(terms("ёлка и"), ["елка"]);
    }
}
