//! Queries for themes of supervision: the saved definitions (every save a new version, append-only)
//! and the figures a theme's score reads from the appeals' triage (the risk scores it reads are
//! `latest_risk_scores`, shared with the effect estimator).

use std::collections::{HashMap, HashSet};

use rusqlite::params;
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

/// Per appeal (by number): whether its triage in force carries one of the harm rules, and whether
/// it was found a repeat of an earlier appeal.
#[derive(Debug, Default)]
pub struct AppealFlags {
    pub severe: HashSet<String>,
    pub repeats: HashSet<String>,
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
            "INSERT INTO theme_versions(name, version, definition, retired, reason, author, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![name, version, definition, retired, reason, self.stamp().actor.person, self.stamp().at],
        )?;
        Ok(version)
    }
}
