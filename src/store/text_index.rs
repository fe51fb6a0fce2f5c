//! A full-text index over a handful of texts held in memory (the user guide's topics), for callers
//! with no database: SQLite FTS5 with the same `unicode61` tokenizer as the appeals' index, in an
//! in-memory connection made for one search (a few dozen pages: well under a millisecond to fill).

use rusqlite::{params, Connection};

use super::StoreError;

/// Ranks `texts` (title, body) by `expression`, an FTS5 query the caller built from its own terms:
/// (index into `texts`, BM25 rank — lower is better), best first, the title weighing `title_weight`
/// times the body. Texts are indexed as given: fold them (case, ё) the way the query is folded.
pub fn rank_texts(
    texts: &[(String, String)],
    expression: &str,
    title_weight: f64,
) -> Result<Vec<(usize, f64)>, StoreError> {
    let db = Connection::open_in_memory()?;
    db.execute_batch("CREATE VIRTUAL TABLE texts USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 2')")?;
    for (i, (title, body)) in texts.iter().enumerate() {
        db.execute("INSERT INTO texts (rowid, title, body) VALUES (?1, ?2, ?3)", params![i as i64, title, body])?;
    }
    let mut statement =
        db.prepare("SELECT rowid, bm25(texts, ?2, 1.0) AS r FROM texts WHERE texts MATCH ?1 ORDER BY r, rowid")?;
    let rows =
        statement.query_map(params![expression, title_weight], |r| Ok((r.get::<_, i64>(0)? as usize, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}
