//! Search across objects (by name, BIN/IIN prefix) and appeals (by words of their masked text).
//!
//! Names use the trigram index, so any three letters of a name find it, in Russian or Kazakh;
//! shorter input falls back to a prefix scan. Appeal texts use word tokens with prefix matching.
//! Everything is folded (lower case, ё→е) before it is indexed and before it is searched.

use rusqlite::params;
use serde::Serialize;

use super::{fold_for_search, Store, StoreError};

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct SearchHits {
    pub query: String,
    pub subjects: Vec<SubjectHit>,
    pub appeals: Vec<AppealHit>,
    /// Attached documents whose text holds the words, each at its best page.
    pub documents: Vec<super::DocumentHit>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct SubjectHit {
    pub bin: String,
    pub name: Option<String>,
    pub region_code: Option<String>,
    pub inspections: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct AppealHit {
    pub appeal_no: String,
    pub received: String,
    pub subject_bin: Option<String>,
    pub category: Option<String>,
    /// Up to about 160 characters of the text around the first matching word.
    pub excerpt: String,
}

impl Store {
    pub fn search(&self, query: &str, limit: usize) -> Result<SearchHits, StoreError> {
        let folded = fold_for_search(query.trim());
        let mut hits = SearchHits {
            query: query.trim().to_string(),
            subjects: Vec::new(),
            appeals: Vec::new(),
            documents: Vec::new(),
        };
        if folded.is_empty() {
            return Ok(hits);
        }
        let limit = limit as i64;
        let subject_row = |r: &rusqlite::Row<'_>| {
            Ok(SubjectHit { bin: r.get(0)?, name: r.get(1)?, region_code: r.get(2)?, inspections: r.get(3)? })
        };
        const SUBJECT_COLUMNS: &str = "s.bin, s.name, s.region_code,
            (SELECT count(*) FROM inspections i WHERE i.subject_id = s.id)";
        if folded.chars().all(|c| c.is_ascii_digit()) {
            let sql = format!(
                "SELECT {SUBJECT_COLUMNS} FROM subjects s WHERE s.bin >= ?1 AND s.bin < ?2 ORDER BY s.bin LIMIT ?3"
            );
            let upper = prefix_upper_bound(&folded);
            hits.subjects = self
                .conn
                .prepare_cached(&sql)?
                .query_map(params![folded, upper, limit], subject_row)?
                .collect::<Result<_, _>>()?;
        } else if folded.chars().count() >= 3 {
            let sql = format!(
                "SELECT {SUBJECT_COLUMNS} FROM subjects_fts f JOIN subjects s ON s.id = f.rowid
                 WHERE subjects_fts MATCH ?1 ORDER BY f.rank, s.bin LIMIT ?2"
            );
            hits.subjects = self
                .conn
                .prepare_cached(&sql)?
                .query_map(params![phrase(&folded), limit], subject_row)?
                .collect::<Result<_, _>>()?;
        } else {
            // One or two letters: too short for trigrams, so scan names. SQLite's own lower() and
            // LIKE fold ASCII only, hence the registered ekn_fold.
            let sql = format!(
                "SELECT {SUBJECT_COLUMNS} FROM subjects s WHERE ekn_fold(s.name) LIKE ?1 ESCAPE '!'
                 ORDER BY s.name, s.bin LIMIT ?2"
            );
            let escaped = folded.replace('!', "!!").replace('%', "!%").replace('_', "!_");
            hits.subjects = self
                .conn
                .prepare_cached(&sql)?
                .query_map(params![format!("%{escaped}%"), limit], subject_row)?
                .collect::<Result<_, _>>()?;
        }
        let words: Vec<String> = folded
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(|w| format!("{}*", phrase(w)))
            .collect();
        if !words.is_empty() {
            let mut stmt = self.conn.prepare_cached(
                "SELECT a.appeal_no, a.received, s.bin, a.category, a.text
                 FROM appeals_fts f JOIN appeals a ON a.id = f.rowid LEFT JOIN subjects s ON s.id = a.subject_id
                 WHERE appeals_fts MATCH ?1 ORDER BY f.rank, a.received DESC LIMIT ?2",
            )?;
            let first_word = folded.split(|c: char| !c.is_alphanumeric()).find(|w| !w.is_empty()).unwrap_or("");
            hits.appeals = stmt
                .query_map(params![words.join(" "), limit], |r| {
                    let text: Option<String> = r.get(4)?;
                    Ok(AppealHit {
                        appeal_no: r.get(0)?,
                        received: r.get(1)?,
                        subject_bin: r.get(2)?,
                        category: r.get(3)?,
                        excerpt: excerpt(text.as_deref().unwrap_or(""), first_word),
                    })
                })?
                .collect::<Result<_, _>>()?;
            hits.documents = self.search_documents(&folded, limit as usize)?;
        }
        Ok(hits)
    }
}

/// Quotes text as one FTS5 string, so punctuation in a query is never read as query syntax.
fn phrase(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// The smallest string greater than every string starting with `prefix` (digits only).
fn prefix_upper_bound(prefix: &str) -> String {
    format!("{prefix}\u{7f}")
}

/// About 160 characters around the first occurrence of `word` (folded comparison).
pub(super) fn excerpt(text: &str, word: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let folded: Vec<char> =
        chars.iter().map(|c| fold_for_search(&c.to_string()).chars().next().unwrap_or(*c)).collect();
    let needle: Vec<char> = word.chars().collect();
    let at = if needle.is_empty() {
        0
    } else {
        folded.windows(needle.len()).position(|w| w == needle.as_slice()).unwrap_or(0)
    };
    let start = at.saturating_sub(60);
    let end = (start + 160).min(chars.len());
    let mut out: String = chars[start..end].iter().collect();
    if start > 0 {
        out.insert(0, '…');
    }
    if end < chars.len() {
        out.push('…');
    }
    out
}
