//! Queries for themes of supervision: the saved definitions (every save a new version, append-only),
//! people's decisions about the items a theme matched, what was imported since a theme was last
//! looked after, and the figures a theme's score reads from the appeals' triage (the risk scores
//! it reads are `latest_risk_scores`, shared with the effect estimator).

use std::collections::{HashMap, HashSet};

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::{Store, StoreError, Write};

/// One saved version of a theme.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ThemeVersion {
    pub name: String,
    pub version: i64,
    /// The definition as saved (JSON of `analytics::themes::ThemeDefinition`).
    pub definition: String,
    pub retired: bool,
    pub reason: String,
    pub author: String,
    pub at: String,
}

/// A person's decision about one item of a theme (the latest per item is in force).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct MemberDecision {
    /// `appeal` or `inspection`.
    pub item_kind: String,
    /// The appeal's or the inspection's number.
    pub item_key: String,
    /// `accepted` or `rejected`.
    pub decision: String,
    /// None once the appeal it concerns was destroyed under retention.
    pub reason: Option<String>,
    pub author: String,
    pub at: String,
}

/// A note written on a theme's card (newest first on the card).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ThemeNote {
    /// The journal entry that holds it.
    pub seq: i64,
    /// None once a destruction act cleared it (`destroyed_by` names the act).
    pub note: Option<String>,
    pub destroyed_by: Option<String>,
    pub author: String,
    pub at: String,
}

pub use crate::domain::facts::AppealFlags;

/// Documents attached to a set of objects, as counts (`documents_of_objects`).
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct DocumentCounts {
    pub attached: u64,
    pub read: u64,
    pub facts: u64,
    pub confirmed: u64,
    pub rejected: u64,
    pub objects: u64,
}

#[derive(Deserialize)]
struct PriorityExplanation {
    #[serde(default)]
    rules: Vec<FiredRuleId>,
}

#[derive(Deserialize)]
struct FiredRuleId {
    id: String,
}

impl Store {
    /// Every version of every theme (or of one), oldest first.
    pub fn theme_versions(&self, name: Option<&str>) -> Result<Vec<ThemeVersion>, StoreError> {
        let rows = self
            .conn
            .prepare(
                "SELECT name, version, definition, retired, reason, author, at FROM theme_versions
                 WHERE ?1 IS NULL OR name = ?1 ORDER BY name, version",
            )?
            .query_map([name], |r| {
                Ok(ThemeVersion {
                    name: r.get(0)?,
                    version: r.get(1)?,
                    definition: r.get(2)?,
                    retired: r.get(3)?,
                    reason: r.get(4)?,
                    author: r.get(5)?,
                    at: r.get(6)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// The decisions in force about a theme's items (the latest per item), oldest first.
    pub fn theme_decisions(&self, theme: &str) -> Result<Vec<MemberDecision>, StoreError> {
        let rows = self
            .conn
            .prepare(
                "SELECT item_kind, item_key, decision, reason, author, at FROM theme_members m
                 WHERE theme = ?1 AND id = (SELECT max(id) FROM theme_members n
                                            WHERE n.theme = m.theme AND n.item_kind = m.item_kind AND n.item_key = m.item_key)
                 ORDER BY id",
            )?
            .query_map([theme], |r| {
                Ok(MemberDecision {
                    item_kind: r.get(0)?,
                    item_key: r.get(1)?,
                    decision: r.get(2)?,
                    reason: r.get(3)?,
                    author: r.get(4)?,
                    at: r.get(5)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// The notes on a theme's card, newest first (at most `limit`), read from the journal entries
    /// that hold them: the text from the entry's personal part while it exists.
    pub fn theme_notes(&self, theme: &str, limit: u32) -> Result<Vec<ThemeNote>, StoreError> {
        let rows = self
            .conn
            .prepare(
                "SELECT j.seq, json_extract(p.fields, '$.note'), r.act_number, j.person, j.at
                 FROM journal j
                 LEFT JOIN journal_personal p ON p.seq = j.seq
                 LEFT JOIN journal_redactions r ON r.seq = j.seq
                 WHERE j.kind = 'theme_noted' AND json_extract(j.payload, '$.theme') = ?1
                 ORDER BY j.seq DESC LIMIT ?2",
            )?
            .query_map(params![theme, limit], |r| {
                Ok(ThemeNote {
                    seq: r.get(0)?,
                    note: r.get(1)?,
                    destroyed_by: r.get(2)?,
                    author: r.get(3)?,
                    at: r.get(4)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// The latest import a theme's news are counted from: the newest `seen_import` of its versions
    /// and decisions.
    pub fn theme_seen_import(&self, theme: &str) -> Result<i64, StoreError> {
        Ok(self.conn.query_row(
            "SELECT max(coalesce((SELECT max(seen_import) FROM theme_versions WHERE name = ?1), 0),
                        coalesce((SELECT max(seen_import) FROM theme_members WHERE theme = ?1), 0))",
            [theme],
            |r| r.get(0),
        )?)
    }

    /// The numbers of appeals and inspections first imported after import `after`.
    pub fn imported_after(&self, after: i64) -> Result<(HashSet<String>, HashSet<String>), StoreError> {
        let numbers = |sql: &str| -> Result<HashSet<String>, StoreError> {
            Ok(self.conn.prepare(sql)?.query_map([after], |r| r.get(0))?.collect::<Result<_, _>>()?)
        };
        Ok((
            numbers("SELECT appeal_no FROM appeals WHERE first_import_id > ?1")?,
            numbers("SELECT registry_no FROM inspections WHERE first_import_id > ?1")?,
        ))
    }

    /// The masked texts of the appeals with these numbers (at most a thousand), by number.
    pub fn appeal_texts(&self, numbers: &[String]) -> Result<HashMap<String, String>, StoreError> {
        let mut out = HashMap::new();
        let mut stmt = self.conn.prepare("SELECT text FROM appeals WHERE appeal_no = ?1 AND text IS NOT NULL")?;
        for number in numbers.iter().take(1_000) {
            if let Some(text) = stmt.query_row([number], |r| r.get::<_, String>(0)).optional()? {
                out.insert(number.clone(), text);
            }
        }
        Ok(out)
    }

    /// The masked texts of the appeals received from `from` to `to` (inclusive), the most recent
    /// first: (number, text).
    pub fn appeal_texts_received(&self, from: &str, to: &str) -> Result<Vec<(String, String)>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT appeal_no, text FROM appeals WHERE received >= ?1 AND received <= ?2
             AND text IS NOT NULL AND trim(text) <> '' ORDER BY received DESC, id DESC",
        )?;
        let rows = stmt.query_map([from, to], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
        Ok(rows)
    }

    /// Documents attached to the objects with these BINs: (attached, read fully or partly, facts
    /// proposed from them, confirmed and rejected by the decision in force, objects with one).
    pub fn documents_of_objects(&self, bins: &HashSet<&str>) -> Result<DocumentCounts, StoreError> {
        let mut counts = DocumentCounts::default();
        if bins.is_empty() {
            return Ok(counts);
        }
        let mut objects: HashSet<i64> = HashSet::new();
        let mut stmt = self.conn.prepare(
            "SELECT s.bin, a.subject_id, a.sha256,
                    EXISTS (SELECT 1 FROM doc_reads r WHERE r.sha256 = a.sha256 AND r.state IN ('read', 'partly'))
             FROM attachments a JOIN subjects s ON s.id = a.subject_id",
        )?;
        let mut rows = stmt.query([])?;
        let mut read_shas: Vec<(i64, String)> = Vec::new();
        while let Some(r) = rows.next()? {
            if !bins.contains(r.get_ref(0)?.as_str().unwrap_or("")) {
                continue;
            }
            let subject: i64 = r.get(1)?;
            counts.attached += 1;
            objects.insert(subject);
            if r.get::<_, bool>(3)? {
                counts.read += 1;
                read_shas.push((subject, r.get(2)?));
            }
        }
        counts.objects = objects.len() as u64;
        // Facts of each document's latest read, and the decision in force per (object, fact).
        let mut facts = self.conn.prepare(
            "SELECT f.id,
                    (SELECT d.status FROM doc_fact_decisions d WHERE d.subject_id = ?1 AND d.fact_id = f.id
                     ORDER BY d.id DESC LIMIT 1)
             FROM doc_facts f
             WHERE f.read_id = (SELECT max(id) FROM doc_reads WHERE sha256 = ?2)",
        )?;
        for (subject, sha) in &read_shas {
            let mut rows = facts.query(params![subject, sha])?;
            while let Some(r) = rows.next()? {
                counts.facts += 1;
                match r.get_ref(1)?.as_str().ok() {
                    Some("confirmed") => counts.confirmed += 1,
                    Some("rejected") => counts.rejected += 1,
                    _ => {}
                }
            }
        }
        Ok(counts)
    }

    /// Which appeals carry a harm rule in their priority decision in force, and which were found
    /// repeats (a duplicate decision naming an earlier appeal).
    pub fn appeal_flags(&self, severity_rules: &[String]) -> Result<AppealFlags, StoreError> {
        let mut priority: HashMap<i64, (String, bool)> = HashMap::new();
        let mut repeat: HashMap<i64, (String, bool)> = HashMap::new();
        let mut stmt = self.conn.prepare(
            "SELECT d.appeal_id, a.appeal_no, d.aspect, d.value, d.explanation FROM appeal_decisions d
             JOIN appeals a ON a.id = d.appeal_id WHERE d.aspect IN ('priority', 'duplicate') ORDER BY d.id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let number: String = r.get(1)?;
            match r.get_ref(2)?.as_str().unwrap_or("") {
                "priority" => {
                    let explanation = r.get_ref(4)?.as_str().unwrap_or("");
                    let severe = serde_json::from_str::<PriorityExplanation>(explanation)
                        .map(|e| e.rules.iter().any(|f| severity_rules.contains(&f.id)))
                        .unwrap_or(false);
                    priority.insert(id, (number, severe));
                }
                _ => {
                    let found = r.get_ref(3)?.as_str().ok().is_some_and(|v| !v.trim().is_empty());
                    repeat.insert(id, (number, found));
                }
            }
        }
        Ok(AppealFlags {
            severe: priority.into_values().filter(|(_, s)| *s).map(|(n, _)| n).collect(),
            repeats: repeat.into_values().filter(|(_, s)| *s).map(|(n, _)| n).collect(),
        })
    }
}

impl Write<'_> {
    fn latest_import(&self) -> Result<i64, StoreError> {
        Ok(self
            .tx
            .query_row("SELECT coalesce(max(id), 0) FROM imports WHERE finished_at IS NOT NULL", [], |r| r.get(0))?)
    }

    /// Appends a decision about one of a theme's items.
    pub fn insert_theme_member(
        &self,
        theme: &str,
        item_kind: &str,
        item_key: &str,
        decision: &str,
        reason: &str,
    ) -> Result<(), StoreError> {
        let seen = self.latest_import()?;
        self.tx.execute(
            "INSERT INTO theme_members(theme, item_kind, item_key, decision, reason, seen_import, author, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![theme, item_kind, item_key, decision, reason, seen, self.stamp().actor.person, self.stamp().at],
        )?;
        Ok(())
    }

    /// Appends a version of a theme (the next number for its name); returns the version.
    pub fn insert_theme_version(
        &self,
        name: &str,
        definition: &str,
        retired: bool,
        reason: &str,
    ) -> Result<i64, StoreError> {
        let version: i64 = self.tx.query_row(
            "SELECT coalesce(max(version), 0) + 1 FROM theme_versions WHERE name = ?1",
            [name],
            |r| r.get(0),
        )?;
        self.tx.execute(
            "INSERT INTO theme_versions(name, version, definition, retired, reason, seen_import, author, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                name,
                version,
                definition,
                retired,
                reason,
                self.latest_import()?,
                self.stamp().actor.person,
                self.stamp().at
            ],
        )?;
        Ok(version)
    }
}
