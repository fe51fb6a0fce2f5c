//! Search over the guide with the product's own full-text index: SQLite FTS5 with the `unicode61`
//! tokenizer (case folded for Cyrillic and Kazakh letters alike, ё read as е), in an in-memory
//! database filled from the built-in topics on each search (a few dozen pages: microseconds).
//!
//! Russian and Kazakh change a word's ending («продлить», «продление», «продлённый»; «мерзім»,
//! «мерзімді», «мерзімін»), so each word of a query is searched by its first five letters as a
//! prefix — one rule for both languages (Snowball's stemmers cover Russian, not Kazakh). Topics
//! that hold more of the words rank first (BM25, the title weighing five times the text).

use rusqlite::{params, Connection};

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
    let failed = |e: rusqlite::Error| format!("the guide's index: {e}");
    let db = Connection::open_in_memory().map_err(failed)?;
    db.execute_batch("CREATE VIRTUAL TABLE guide USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 2')")
        .map_err(failed)?;
    let all = topics();
    for (i, (topic, body)) in all.iter().enumerate() {
        db.execute(
            "INSERT INTO guide (rowid, title, body) VALUES (?1, ?2, ?3)",
            params![i as i64, topic.title.to_lowercase().replace('ё', "е"), body.to_lowercase().replace('ё', "е")],
        )
        .map_err(failed)?;
    }
    let expression = terms.iter().map(|t| format!("\"{}\"*", t.replace('"', ""))).collect::<Vec<_>>().join(" OR ");
    let mut statement = db
        .prepare("SELECT rowid, bm25(guide, 5.0, 1.0) AS r FROM guide WHERE guide MATCH ?1 ORDER BY r")
        .map_err(failed)?;
    let rows =
        statement.query_map(params![expression], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, f64>(1)?))).map_err(failed)?;
    let mut hits = Vec::new();
    for row in rows {
        let (i, rank) = row.map_err(failed)?;
        let (topic, body) = &all[i as usize];
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
