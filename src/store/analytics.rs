//! Queries for risk analytics: the registry read in one pass into `domain::facts::Registry` (names
//! interned, dates as day numbers) and the people's reviews of automatic outputs (append-only).

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::params;
use serde::{Deserialize, Serialize};

use super::{Store, StoreError, Write};
use crate::domain::facts::{
    day_of, district_of, normalise_sanctions, AppealFact, AppealOutcome, InspectionFact, Registry, SubjectFact,
};
use crate::domain::records::InspectionKind;

/// One person's answer to an automatic output, as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Review {
    pub id: i64,
    /// `anomaly` or `risk`.
    pub target: String,
    /// The anomaly's key, or the object's BIN.
    pub key: String,
    /// `dismissed`, `restored`, `override`, `withdrawn`.
    pub action: String,
    /// For an override: the person's own assessment (`high`, `medium`, `low`).
    pub value: Option<String>,
    /// The model version the person answered.
    pub basis: Option<String>,
    pub reason: String,
    pub author: String,
    pub at: String,
}

/// A review to store.
#[derive(Debug, Clone)]
pub struct NewReview<'a> {
    pub target: &'a str,
    pub key: &'a str,
    pub action: &'a str,
    pub value: Option<&'a str>,
    pub basis: Option<&'a str>,
    pub reason: &'a str,
}

/// Interns names to dense indexes.
#[derive(Default)]
struct Interner {
    index: HashMap<String, usize>,
    names: Vec<String>,
}

impl Interner {
    fn id(&mut self, name: &str) -> usize {
        if let Some(&i) = self.index.get(name) {
            return i;
        }
        self.names.push(name.to_string());
        self.index.insert(name.to_string(), self.names.len() - 1);
        self.names.len() - 1
    }
}

fn parse_day(text: &str) -> Option<i32> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok().map(day_of)
}

fn region_of(code: Option<&str>, kato: Option<&str>) -> Option<u8> {
    code.or(kato).and_then(|c| c.get(..2)).and_then(|c| c.parse().ok())
}

impl Store {
    /// The whole registry as analytics reads it. Inspections come in date order.
    pub fn analytics_registry(&self) -> Result<Registry, StoreError> {
        let mut registry = Registry::default();
        let mut subject_index: HashMap<i64, u32> = HashMap::new();
        {
            let mut stmt = self.conn.prepare("SELECT id, bin, name FROM subjects ORDER BY id")?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                subject_index.insert(r.get(0)?, registry.subjects.len() as u32);
                registry.subjects.push(SubjectFact { bin: r.get(1)?, name: r.get(2)? });
            }
        }
        let mut bodies = Interner::default();
        let mut body_index: HashMap<i64, u32> = HashMap::new();
        {
            let mut stmt = self.conn.prepare("SELECT id, name FROM control_bodies ORDER BY id")?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let name: String = r.get(1)?;
                body_index.insert(r.get(0)?, bodies.id(&name) as u32);
            }
        }
        let mut sanctions = Interner::default();
        sanctions.id("");
        let mut stmt = self.conn.prepare(
            "SELECT i.id, i.registry_no, i.subject_id, i.control_body_id, i.kind, i.start_date,
                    coalesce(i.kato, s.kato), coalesce(i.region_code, s.region_code), s.oked_section,
                    i.violations, i.sanctions, i.appealed, i.declared_illegal
             FROM inspections i JOIN subjects s ON s.id = i.subject_id
             ORDER BY i.start_date, i.id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let (Some(day), Some(kind)) = (
                parse_day(r.get_ref(5)?.as_str().unwrap_or("")),
                InspectionKind::from_code(r.get_ref(4)?.as_str().unwrap_or("")),
            ) else {
                continue;
            };
            let kato: Option<String> = r.get(6)?;
            let region: Option<String> = r.get(7)?;
            let oked: Option<String> = r.get(8)?;
            let sanction_text: Option<String> = r.get(10)?;
            registry.inspections.push(InspectionFact {
                id: r.get(0)?,
                registry_no: r.get::<_, String>(1)?.into_boxed_str(),
                subject: subject_index.get(&r.get::<_, i64>(2)?).copied().unwrap_or(0),
                body: body_index.get(&r.get::<_, i64>(3)?).copied().unwrap_or(0),
                kind,
                day,
                district: kato.as_deref().and_then(district_of),
                region: region_of(region.as_deref(), kato.as_deref()),
                oked_section: oked.and_then(|o| o.bytes().next()),
                violations: r.get::<_, i64>(9)?.max(0) as u32,
                sanctions: sanctions.id(&normalise_sanctions(sanction_text.as_deref().unwrap_or(""))) as u16,
                appealed: r.get(11)?,
                declared_illegal: r.get(12)?,
            });
        }
        drop(rows);
        drop(stmt);

        // The category in force, as the appeal card has it: a person's correction, else the
        // registered label, else the model's newest decision.
        let mut categories = Interner::default();
        let mut stmt = self.conn.prepare(
            "SELECT a.subject_id, a.region_code, a.kato, a.received, a.decided, a.outcome, a.category, a.appeal_no,
                    (SELECT d.basis || char(31) || coalesce(d.value, '') FROM appeal_decisions d
                     WHERE d.appeal_id = a.id AND d.aspect = 'category' ORDER BY d.id DESC LIMIT 1)
             FROM appeals a ORDER BY a.received, a.id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let Some(received) = parse_day(r.get_ref(3)?.as_str().unwrap_or("")) else { continue };
            let label: Option<String> = r.get(6)?;
            // The newest category decision as `basis␟value`, one lookup per appeal.
            let newest: Option<String> = r.get(8)?;
            let (basis, decided_value) = match newest.as_deref().and_then(|d| d.split_once('\u{1f}')) {
                Some((basis, value)) => (Some(basis.to_string()), Some(value.to_string()).filter(|v| !v.is_empty())),
                None => (None, None),
            };
            let category = match (basis.as_deref(), label.filter(|l| !l.trim().is_empty())) {
                (Some("person"), _) => decided_value,
                (_, Some(label)) => Some(label),
                _ => decided_value,
            };
            let region: Option<String> = r.get(1)?;
            let kato: Option<String> = r.get(2)?;
            registry.appeals.push(AppealFact {
                appeal_no: r.get::<_, String>(7)?.into_boxed_str(),
                subject: r.get::<_, Option<i64>>(0)?.and_then(|id| subject_index.get(&id).copied()),
                region: region_of(region.as_deref(), kato.as_deref()),
                category: category.map(|c| categories.id(&c) as u16),
                received,
                decided: r.get::<_, Option<String>>(4)?.as_deref().and_then(parse_day),
                outcome: match r.get::<_, Option<String>>(5)?.as_deref() {
                    Some("satisfied") => Some(AppealOutcome::Satisfied),
                    Some("refused") => Some(AppealOutcome::Refused),
                    Some("explained") => Some(AppealOutcome::Explained),
                    _ => None,
                },
            });
        }
        drop(rows);
        drop(stmt);
        registry.imports = self
            .conn
            .prepare("SELECT id, sha256 FROM imports WHERE finished_at IS NOT NULL AND kind IN ('inspections', 'appeals') ORDER BY id")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        registry.bodies = bodies.names;
        registry.sanction_sets = sanctions.names;
        registry.categories = categories.names;
        Ok(registry)
    }

    /// What the analytics registry depends on, as one string: it changes when an import finishes
    /// or a decision about an appeal is recorded, so a cached registry knows when it is stale.
    pub fn analytics_version(&self) -> Result<String, StoreError> {
        Ok(self.conn.query_row(
            "SELECT (SELECT coalesce(max(id), 0) FROM imports WHERE finished_at IS NOT NULL) || ':' ||
                    (SELECT coalesce(max(id), 0) FROM appeal_decisions)",
            [],
            |r| r.get(0),
        )?)
    }

    /// How many journaled prediction runs named `model`, and how many predictions they made.
    pub fn predictions_by(&self, model: &str) -> Result<(i64, i64), StoreError> {
        Ok(self.conn.query_row(
            "SELECT count(*), coalesce(sum(json_extract(payload, '$.rows')), 0) FROM journal
             WHERE kind = 'predictions_made' AND json_extract(payload, '$.model') = ?1",
            [model],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?)
    }

    /// Every review of one kind of target, oldest first.
    pub fn reviews(&self, target: &str) -> Result<Vec<Review>, StoreError> {
        let rows = self
            .conn
            .prepare(
                "SELECT id, target, key, action, value, basis, reason, author, at FROM analytic_reviews
                 WHERE target = ?1 ORDER BY id",
            )?
            .query_map([target], |r| {
                Ok(Review {
                    id: r.get(0)?,
                    target: r.get(1)?,
                    key: r.get(2)?,
                    action: r.get(3)?,
                    value: r.get(4)?,
                    basis: r.get(5)?,
                    reason: r.get(6)?,
                    author: r.get(7)?,
                    at: r.get(8)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }
}

impl Write<'_> {
    /// Appends a review; returns its id.
    pub fn insert_review(&self, review: &NewReview<'_>) -> Result<i64, StoreError> {
        self.tx.execute(
            "INSERT INTO analytic_reviews(target, key, action, value, basis, reason, author, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                review.target,
                review.key,
                review.action,
                review.value,
                review.basis,
                review.reason,
                self.stamp().actor.person,
                self.stamp().at,
            ],
        )?;
        Ok(self.tx.last_insert_rowid())
    }
}
