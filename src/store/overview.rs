//! Read-only overviews for the screens that look across objects rather than at one card: the
//! risk of each region (the map), the riskiest objects of a district and the newest appeals (the
//! desk). Every figure is computed from the latest risk score of each object and model.

use rusqlite::params;
use serde::Serialize;

use super::{Store, StoreError};

/// One top-level unit with the objects supervised in it and their latest risk.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct RegionOverview {
    pub code: String,
    pub name_ru: String,
    pub name_kk: String,
    pub name_en: String,
    pub subjects: i64,
    /// Objects whose latest score of any model is of high degree.
    pub high_risk: i64,
    /// Mean of the latest scores (0–100) of the objects that have one.
    pub mean_risk: Option<f64>,
}

/// An object whose latest risk score is high, for the desk.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct RiskyObject {
    pub bin: String,
    pub name: Option<String>,
    pub region_code: Option<String>,
    pub score: f64,
    pub model: String,
    pub computed: String,
}

/// A recently received appeal, for the desk.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct AppealHeadline {
    pub appeal_no: String,
    pub received: String,
    pub category: Option<String>,
    pub status: Option<String>,
    pub region_code: Option<String>,
    pub subject_bin: Option<String>,
    pub subject_name: Option<String>,
}

/// The latest score of each object and model; the views below start from it.
const LATEST_RISK: &str = "SELECT r.subject_id, r.model, r.score, r.degree, r.computed FROM risk_scores r
    WHERE r.computed = (SELECT max(computed) FROM risk_scores t WHERE t.subject_id = r.subject_id AND t.model = r.model)";

impl Store {
    pub fn regions_overview(&self) -> Result<Vec<RegionOverview>, StoreError> {
        // One pass over the latest scores and one over the objects, grouped by region: a subquery per
        // region took 1.9 s on 250,000 objects, this 1.0 s (docs/PERFORMANCE.md).
        let sql = format!(
            "WITH latest AS ({LATEST_RISK}),
             risk AS (SELECT s.region_code AS code,
                             count(DISTINCT CASE WHEN l.degree = 'high' THEN l.subject_id END) AS high,
                             avg(l.score) AS mean
                      FROM latest l JOIN subjects s ON s.id = l.subject_id GROUP BY s.region_code),
             objects AS (SELECT region_code AS code, count(*) AS n FROM subjects GROUP BY region_code)
             SELECT g.code, g.name_ru, g.name_kk, g.name_en, coalesce(o.n, 0), coalesce(r.high, 0), r.mean
             FROM regions g LEFT JOIN objects o ON o.code = g.code LEFT JOIN risk r ON r.code = g.code
             ORDER BY g.code"
        );
        let mut statement = self.conn.prepare_cached(&sql)?;
        let rows = statement.query_map([], |r| {
            Ok(RegionOverview {
                code: r.get(0)?,
                name_ru: r.get(1)?,
                name_kk: r.get(2)?,
                name_en: r.get(3)?,
                subjects: r.get(4)?,
                high_risk: r.get(5)?,
                mean_risk: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Objects with a high latest score, riskiest first; in one region when it is given.
    pub fn high_risk_objects(&self, region: Option<&str>, limit: usize) -> Result<Vec<RiskyObject>, StoreError> {
        let sql = format!(
            "WITH latest AS ({LATEST_RISK})
             SELECT s.bin, s.name, s.region_code, l.score, l.model, l.computed
             FROM latest l JOIN subjects s ON s.id = l.subject_id
             WHERE l.degree = 'high' AND (?1 IS NULL OR s.region_code = ?1)
             ORDER BY l.score DESC, s.bin LIMIT ?2"
        );
        let mut statement = self.conn.prepare_cached(&sql)?;
        let rows = statement.query_map(params![region, limit as i64], |r| {
            Ok(RiskyObject {
                bin: r.get(0)?,
                name: r.get(1)?,
                region_code: r.get(2)?,
                score: r.get(3)?,
                model: r.get(4)?,
                computed: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Appeals received on or after `since` (ISO date), newest first; in one region when given.
    pub fn recent_appeals(
        &self,
        since: &str,
        region: Option<&str>,
        limit: usize,
    ) -> Result<Vec<AppealHeadline>, StoreError> {
        let mut statement = self.conn.prepare_cached(
            "SELECT a.appeal_no, a.received, a.category, a.status, a.region_code, s.bin, s.name
             FROM appeals a LEFT JOIN subjects s ON s.id = a.subject_id
             WHERE a.received >= ?1 AND (?2 IS NULL OR a.region_code = ?2)
             ORDER BY a.received DESC, a.appeal_no LIMIT ?3",
        )?;
        let rows = statement.query_map(params![since, region, limit as i64], |r| {
            Ok(AppealHeadline {
                appeal_no: r.get(0)?,
                received: r.get(1)?,
                category: r.get(2)?,
                status: r.get(3)?,
                region_code: r.get(4)?,
                subject_bin: r.get(5)?,
                subject_name: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
