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
    query
        .to_lowercase()
        .replace('ё', "е")
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 2)
        .map(|w| w.chars().take(STEM).collect::<String>())
        .collect()
}

/// Topics matching `query` in `lang` (all languages when `None`), best first, at most `limit`.
pub fn search(query: &str, lang: Option<&str>, limit: usize) -> Result<Vec<GuideHit>, String> {
    let terms = terms(query);
    if terms.is_empty() {
        return Ok(Vec::new());
    }
    let all = topics();
    let fold = |text: &str| text.to_lowercase().replace('ё', "е");
    let texts: Vec<(String, String)> = all.iter().map(|(topic, body)| (fold(&topic.title), fold(body))).collect();
    // Each term a quoted prefix: a query is words, never FTS5 syntax.
    let expression = terms.iter().map(|t| format!("\"{}\"*", t.replace('"', ""))).collect::<Vec<_>>().join(" OR ");
    let ranked = crate::store::text_index::rank_texts(&texts, &expression, 5.0)
        .map_err(|e| format!("the guide's index: {e}"))?;
    let mut hits = Vec::new();
    for (i, rank) in ranked {
        let (topic, body) = &all[i];
        if lang.is_some_and(|l| l != topic.lang) {
            continue;
        }
        hits.push(GuideHit { topic: topic.clone(), excerpt: excerpt(body, &terms), rank });
        if hits.len() == limit {
            break;
        }
    }
    Ok(hits)
}

/// About 160 characters of `body` around the first word that starts with one of `terms`.
fn excerpt(body: &str, terms: &[String]) -> String {
    let words: Vec<&str> = body.split_whitespace().collect();
    let at = words
        .iter()
        .position(|w| {
            let w = w.to_lowercase().replace('ё', "е");
            let w = w.trim_start_matches(|c: char| !c.is_alphanumeric());
            terms.iter().any(|t| w.starts_with(t.as_str()))
        })
        .unwrap_or(0);
    let mut out = String::new();
    for w in words.iter().skip(at.saturating_sub(8)) {
        if out.chars().count() > 160 {
            out.push('…');
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        // The Markdown's marks are not words.
        let word: String = w.chars().filter(|c| !matches!(c, '*' | '`' | '#' | '|')).collect();
        if word.is_empty() {
            continue;
        }
        out.push_str(&word);
    }
    out
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
