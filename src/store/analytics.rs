//! Queries for risk analytics: the registry read in one pass into `domain::facts::Registry` (names
//! interned, dates as day numbers) and the people's reviews of automatic outputs (append-only).

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::params;

use super::{Store, StoreError, Write};
use crate::domain::facts::{
    day_of, district_of, kato_number, normalise_sanctions, AppealFact, AppealOutcome, InspectionFact, Registry,
    SubjectFact,
};
use crate::domain::records::{InspectionKind, SubjectSize};

pub use crate::domain::review::Review;

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

/// A stored ISO date (`2025-03-14`) as a day number. Read by hand: a million rows through
/// chrono's format parser cost a noticeable share of the registry read.
fn parse_day(text: &str) -> Option<i32> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        b[range].iter().try_fold(0u32, |n, &d| d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0')))
    };
    NaiveDate::from_ymd_opt(number(0..4)? as i32, number(5..7)?, number(8..10)?).map(day_of)
}

/// Sanction texts interned by their normalised set; the raw text is remembered too, since the
/// registry repeats a few dozen spellings a million times and normalising each is costly.
#[derive(Default)]
struct SanctionSets {
    by_text: HashMap<String, u16>,
    sets: Interner,
}

impl SanctionSets {
    fn id(&mut self, text: &str) -> u16 {
        if let Some(&id) = self.by_text.get(text) {
            return id;
        }
        let id = self.sets.id(&normalise_sanctions(text)) as u16;
        self.by_text.insert(text.to_string(), id);
        id
    }
}

fn region_of(code: Option<&str>, kato: Option<&str>) -> Option<u8> {
    code.or(kato).and_then(|c| c.get(..2)).and_then(|c| c.parse().ok())
}

impl Store {
    /// The whole registry as analytics reads it. Inspections come in date order.
    pub fn analytics_registry(&self) -> Result<Registry, StoreError> {
        // Plain table scans, joined and sorted here: SQLite's join and ORDER BY over a million rows
        // (a B-tree sort and an index lookup per row) cost several times the scans themselves
        // (docs/PERFORMANCE.md, "Risk analytics").
        let mut registry = Registry::default();
        let mut subject_index: HashMap<i64, u32> = HashMap::new();
        // Per subject: its KATO, region code and OKED section, which an inspection falls back to.
        let mut subject_places: Vec<(Option<String>, Option<String>, Option<u8>)> = Vec::new();
        {
            let mut stmt = self
                .conn
                .prepare("SELECT id, bin, name, kato, region_code, oked_section, oked FROM subjects ORDER BY id")?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                subject_index.insert(r.get(0)?, registry.subjects.len() as u32);
                registry.subjects.push(SubjectFact {
                    bin: r.get(1)?,
                    name: r.get(2)?,
                    oked: r.get_ref(6)?.as_str().ok().map(Into::into),
                    oked_section: r.get_ref(5)?.as_str().ok().and_then(|o| o.bytes().next()),
                });
                let oked: Option<String> = r.get(5)?;
                subject_places.push((r.get(3)?, r.get(4)?, oked.and_then(|o| o.bytes().next())));
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
        let mut sanctions = SanctionSets::default();
        sanctions.id("");
        let mut stmt = self.conn.prepare(
            "SELECT id, registry_no, subject_id, control_body_id, kind, start_date, kato, region_code,
                    violations, sanctions, appealed, declared_illegal, subject_size
             FROM inspections",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let (Some(day), Some(kind)) = (
                parse_day(r.get_ref(5)?.as_str().unwrap_or("")),
                InspectionKind::from_code(r.get_ref(4)?.as_str().unwrap_or("")),
            ) else {
                continue;
            };
            let Some(&subject) = subject_index.get(&r.get::<_, i64>(2)?) else { continue };
            let (subject_kato, subject_region, oked_section) = &subject_places[subject as usize];
            let own_kato = r.get_ref(6)?.as_str().ok();
            let own_region = r.get_ref(7)?.as_str().ok();
            let kato = own_kato.or(subject_kato.as_deref());
            let region = own_region.or(subject_region.as_deref());
            let sanction_text = r.get_ref(9)?.as_str().unwrap_or("");
            registry.inspections.push(InspectionFact {
                id: r.get(0)?,
                registry_no: r.get_ref(1)?.as_str().unwrap_or("").into(),
                subject,
                body: body_index.get(&r.get::<_, i64>(3)?).copied().unwrap_or(0),
                kind,
                day,
                district: kato.and_then(district_of),
                region: region_of(region, kato),
                kato: kato.and_then(kato_number),
                oked_section: *oked_section,
                violations: r.get::<_, i64>(8)?.max(0) as u32,
                sanctions: sanctions.id(sanction_text),
                appealed: r.get(10)?,
                declared_illegal: r.get(11)?,
                subject_size: r.get_ref(12)?.as_str().ok().and_then(SubjectSize::from_code),
            });
        }
        drop(rows);
        drop(stmt);
        registry.inspections.sort_unstable_by_key(|f| (f.day, f.id));

        // The category in force, as the appeal card has it: a person's correction, else the
        // registered label, else the model's newest decision. The newest decision per appeal is
        // read in one scan (id order, the later overwriting) rather than looked up per appeal.
        let mut categories = Interner::default();
        let mut newest_decision: HashMap<i64, (bool, Option<u16>)> = HashMap::new();
        {
            let mut stmt = self.conn.prepare(
                "SELECT appeal_id, basis, value FROM appeal_decisions WHERE aspect = 'category' ORDER BY id",
            )?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let by_person = r.get_ref(1)?.as_str().ok() == Some("person");
                let value = r.get_ref(2)?.as_str().ok().filter(|v| !v.is_empty()).map(|v| categories.id(v) as u16);
                newest_decision.insert(r.get(0)?, (by_person, value));
            }
        }
        let mut stmt = self.conn.prepare(
            "SELECT id, subject_id, region_code, kato, received, decided, outcome, category, appeal_no FROM appeals",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let Some(received) = parse_day(r.get_ref(4)?.as_str().unwrap_or("")) else { continue };
            let label = r.get_ref(7)?.as_str().ok().filter(|l| !l.trim().is_empty());
            let (by_person, decided_value) =
                newest_decision.get(&r.get::<_, i64>(0)?).copied().unwrap_or((false, None));
            let category = match (by_person, label) {
                (true, _) => decided_value,
                (false, Some(label)) => Some(categories.id(label) as u16),
                (false, None) => decided_value,
            };
            let region = r.get_ref(2)?.as_str().ok();
            let kato = r.get_ref(3)?.as_str().ok();
            registry.appeals.push(AppealFact {
                appeal_no: r.get_ref(8)?.as_str().unwrap_or("").into(),
                subject: r.get::<_, Option<i64>>(1)?.and_then(|id| subject_index.get(&id).copied()),
                region: region_of(region, kato),
                kato: kato.and_then(kato_number),
                category,
                received,
                decided: r.get_ref(5)?.as_str().ok().and_then(parse_day),
                outcome: r.get_ref(6)?.as_str().ok().and_then(AppealOutcome::from_code),
            });
        }
        drop(rows);
        drop(stmt);
        // Appeals in the order they were received (the ids break ties, as the id scan gave them).
        registry.appeals.sort_by_key(|a| a.received);
        registry.imports = self
            .conn
            .prepare("SELECT id, sha256 FROM imports WHERE finished_at IS NOT NULL AND kind IN ('inspections', 'appeals') ORDER BY id")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        registry.bodies = bodies.names;
        registry.sanction_sets = sanctions.sets.names;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_date_is_read_by_hand_as_chrono_would_and_nonsense_is_none() {
        let day = |y, m, d| day_of(NaiveDate::from_ymd_opt(y, m, d).unwrap());
        assert_eq!(parse_day("2025-03-14"), Some(day(2025, 3, 14)));
        assert_eq!(parse_day("2024-02-29"), Some(day(2024, 2, 29)));
        for bad in ["2025-02-29", "2025-13-01", "2025-3-14", "2025/03/14", "", "20x5-03-14", "2025-03-14T00"] {
            assert_eq!(parse_day(bad), None, "{bad}");
        }
    }

    #[test]
    fn spellings_of_one_sanction_set_share_an_id() {
        let mut sets = SanctionSets::default();
        let a = sets.id("штраф; приостановление деятельности");
        assert_eq!(sets.id("Приостановление  деятельности, штраф"), a);
        assert_eq!(sets.id("штраф; приостановление деятельности"), a);
        assert_ne!(sets.id("штраф"), a);
        assert_eq!(sets.sets.names.len(), 2);
    }
}
