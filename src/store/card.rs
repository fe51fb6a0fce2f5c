//! Reading one case card: the subject, its inspections, the appeals about it and its latest risk
//! scores, each with the import it came from. Four indexed queries; the figures are derived in
//! `domain::card`.

use rusqlite::{params, OptionalExtension};

use super::{Store, StoreError};
use crate::domain::card::{
    AppealView, Card, Indicators, InspectionView, NamedCode, Provenance, RiskFactor, RiskView, SubjectView, CARD_SCHEMA,
};
use crate::domain::records::{InspectionKind, Outcome, RiskDegree};
use crate::domain::territory::oked_section_names;

impl Store {
    /// The card of the subject with this BIN/IIN, or `None` when the database has no such subject.
    pub fn card(&self, bin: &str) -> Result<Option<Card>, StoreError> {
        let subject = self
            .conn
            .prepare_cached(
                "SELECT s.id, s.bin, s.id_kind, s.name, s.kato, s.oked, s.oked_section,
                        r.code, r.name_ru, r.name_kk, r.name_en
                 FROM subjects s LEFT JOIN regions r ON r.code = s.region_code
                 WHERE s.bin = ?1",
            )?
            .query_row([bin], |r| {
                let region = match r.get::<_, Option<String>>(7)? {
                    Some(code) => Some(NamedCode { code, name_ru: r.get(8)?, name_kk: r.get(9)?, name_en: r.get(10)? }),
                    None => None,
                };
                let section: Option<String> = r.get(6)?;
                let oked_section = section.and_then(|code| {
                    let letter = code.chars().next()?;
                    let (ru, kk, en) = oked_section_names(letter)?;
                    Some(NamedCode { code, name_ru: ru.into(), name_kk: kk.into(), name_en: en.into() })
                });
                Ok((
                    r.get::<_, i64>(0)?,
                    SubjectView {
                        bin: r.get(1)?,
                        id_kind: r.get(2)?,
                        name: r.get(3)?,
                        kato: r.get(4)?,
                        region,
                        oked: r.get(5)?,
                        oked_section,
                    },
                ))
            })
            .optional()?;
        let Some((subject_id, subject)) = subject else {
            return Ok(None);
        };
        let inspections = self.card_inspections(subject_id)?;
        let appeals = self.card_appeals(subject_id)?;
        let risk = self.card_risk(subject_id)?;
        let indicators = Indicators::compute(&inspections, &appeals);
        Ok(Some(Card {
            schema: CARD_SCHEMA,
            subject,
            indicators,
            inspections,
            appeals,
            risk,
            document_facts: Vec::new(),
            disagreements: Vec::new(),
        }))
    }

    fn card_inspections(&self, subject_id: i64) -> Result<Vec<InspectionView>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT i.registry_no, b.name, i.kind, i.grounds, i.start_date, i.end_date, i.kato, i.violations,
                    i.sanctions, i.fine_tiyn, i.appealed, i.declared_illegal, i.last_import_id, i.source_line
             FROM inspections i JOIN control_bodies b ON b.id = i.control_body_id
             WHERE i.subject_id = ?1
             ORDER BY i.start_date, i.registry_no",
        )?;
        let rows = stmt.query_map([subject_id], |r| {
            Ok(InspectionView {
                registry_no: r.get(0)?,
                control_body: r.get(1)?,
                kind: coded(r, 2, InspectionKind::from_code)?,
                grounds: r.get(3)?,
                start_date: r.get(4)?,
                end_date: r.get(5)?,
                kato: r.get(6)?,
                violations: r.get(7)?,
                sanctions: r.get(8)?,
                fine_kzt: r.get::<_, Option<i64>>(9)?.map(|t| t as f64 / 100.0),
                appealed: r.get(10)?,
                declared_illegal: r.get(11)?,
                source: Provenance { import_id: r.get(12)?, line: r.get::<_, i64>(13)? as u64 },
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn card_appeals(&self, subject_id: i64) -> Result<Vec<AppealView>, StoreError> {
        // An appeal repeats another when the same applicant sent the same text earlier.
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.appeal_no, a.received, a.channel, a.applicant_category, a.applicant_pseudonym, a.category,
                    a.status, a.decided, a.outcome, a.text, a.last_import_id, a.source_line,
                    (SELECT e.appeal_no FROM appeals e
                      WHERE e.applicant_pseudonym = a.applicant_pseudonym
                        AND e.text_fingerprint = a.text_fingerprint
                        AND (e.received < a.received OR (e.received = a.received AND e.appeal_no < a.appeal_no))
                      ORDER BY e.received, e.appeal_no LIMIT 1),
                    (SELECT x.act_number FROM destroyed_records d JOIN destructions x ON x.id = d.destruction_id
                      WHERE d.record_kind = 'appeal' AND d.record_key = a.appeal_no),
                    a.text_simhash
             FROM appeals a
             WHERE a.subject_id = ?1
             ORDER BY a.received, a.appeal_no",
        )?;
        let rows = stmt.query_map([subject_id], |r| {
            Ok(AppealView {
                appeal_no: r.get(0)?,
                received: r.get(1)?,
                channel: r.get(2)?,
                applicant_category: r.get(3)?,
                applicant: r.get(4)?,
                category: r.get(5)?,
                status: r.get(6)?,
                decided: r.get(7)?,
                outcome: match r.get::<_, Option<String>>(8)? {
                    Some(code) => Some(Outcome::from_code(&code).ok_or_else(|| bad_code(8, &code))?),
                    None => None,
                },
                text: r.get(9)?,
                source: Provenance { import_id: r.get(10)?, line: r.get::<_, i64>(11)? as u64 },
                repeats: r.get(12)?,
                destroyed_by: r.get(13)?,
                simhash: r.get(14)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn card_risk(&self, subject_id: i64) -> Result<Vec<RiskView>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, model, score, degree, computed, last_import_id, source_line FROM risk_scores s
             WHERE subject_id = ?1
               AND computed = (SELECT max(computed) FROM risk_scores t WHERE t.subject_id = s.subject_id AND t.model = s.model)
             ORDER BY model",
        )?;
        let mut scores: Vec<(i64, RiskView)> = stmt
            .query_map([subject_id], |r| {
                Ok((
                    r.get(0)?,
                    RiskView {
                        model: r.get(1)?,
                        score: r.get(2)?,
                        degree: coded(r, 3, RiskDegree::from_code)?,
                        computed: r.get(4)?,
                        factors: Vec::new(),
                        source: Provenance { import_id: r.get(5)?, line: r.get::<_, i64>(6)? as u64 },
                    },
                ))
            })?
            .collect::<Result<_, _>>()?;
        let mut factors =
            self.conn.prepare_cached("SELECT name, value FROM risk_factors WHERE risk_id = ?1 ORDER BY position")?;
        for (id, view) in &mut scores {
            view.factors = factors
                .query_map(params![*id], |r| Ok(RiskFactor { name: r.get(0)?, value: r.get(1)? }))?
                .collect::<Result<_, _>>()?;
        }
        Ok(scores.into_iter().map(|(_, v)| v).collect())
    }
}

/// Reads a column holding one of the stable codes of an enumeration.
fn coded<T>(r: &rusqlite::Row<'_>, index: usize, parse: fn(&str) -> Option<T>) -> rusqlite::Result<T> {
    let code: String = r.get(index)?;
    parse(&code).ok_or_else(|| bad_code(index, &code))
}

fn bad_code(index: usize, code: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        index,
        rusqlite::types::Type::Text,
        format!("unknown code '{code}' in the database").into(),
    )
}
