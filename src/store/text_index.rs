//! A full-text index over a handful of texts held in memory (the user guide's topics), for callers
//! with no database: SQLite FTS5 with the same `unicode61` tokenizer, folding (`fold_for_search`)
//! and excerpts as the appeals' index, in an in-memory connection made for one search (a few dozen
//! pages: well under a millisecond to fill).

use rusqlite::{params, Connection};

use super::search::excerpt;
use super::{fold_for_search, StoreError};

/// One text that matched: its index in the input, its BM25 rank (lower is better) and about 160
/// characters around the first term found in it.
#[derive(Debug, Clone, PartialEq)]
pub struct TextHit {
    pub index: usize,
    pub rank: f64,
    pub excerpt: String,
}

/// Ranks `texts` (title, body) by `prefixes` — each matched as the start of a word, any of them —
/// best first, the title weighing `title_weight` times the body. Terms are folded here like the
/// texts; a term is words, never FTS5 syntax.
pub fn rank_texts(texts: &[(&str, &str)], prefixes: &[String], title_weight: f64) -> Result<Vec<TextHit>, StoreError> {
    let terms: Vec<String> =
        prefixes.iter().map(|p| fold_for_search(p).replace('"', "")).filter(|p| !p.is_empty()).collect();
    if terms.is_empty() {
        return Ok(Vec::new());
    }
    let db = Connection::open_in_memory()?;
    db.execute_batch("CREATE VIRTUAL TABLE texts USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 2')")?;
    for (i, (title, body)) in texts.iter().enumerate() {
        db.execute(
            "INSERT INTO texts (rowid, title, body) VALUES (?1, ?2, ?3)",
            params![i as i64, fold_for_search(title), fold_for_search(body)],
        )?;
    }
    let expression = terms.iter().map(|t| format!("\"{t}\"*")).collect::<Vec<_>>().join(" OR ");
    let mut statement =
        db.prepare("SELECT rowid, bm25(texts, ?2, 1.0) AS r FROM texts WHERE texts MATCH ?1 ORDER BY r, rowid")?;
    let ranked = statement
        .query_map(params![expression, title_weight], |r| Ok((r.get::<_, i64>(0)? as usize, r.get::<_, f64>(1)?)))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(ranked
        .into_iter()
        .map(|(index, rank)| {
            let body = texts[index].1;
            let folded = fold_for_search(body);
            let first = terms.iter().find(|t| folded.contains(t.as_str())).map_or("", String::as_str);
            TextHit { index, rank, excerpt: excerpt(body, first) }
        })
        .collect())
}
