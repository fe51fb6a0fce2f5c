//! The appeals a workstation hands to its office, as facts without a person in them
//! (`AppealFactWire`), and what it has handed already (`office_appeals_sent`), so each sync sends
//! only what is new or changed.

use std::collections::HashMap;

use rusqlite::params;
use sha2::{Digest, Sha256};

use super::{Store, StoreError};
use crate::domain::sync::AppealFactWire;

/// An appeal's facts with the SHA-256 they are remembered by once sent.
pub struct AppealToSend {
    pub facts: AppealFactWire,
    /// Where it lies: its own KATO code, else its object's (which districts it belongs to).
    pub place: Option<String>,
    pub fingerprint: String,
}

impl Store {
    /// Every appeal's facts, in the order of their numbers, with the fingerprint of each. The
    /// category is the one analytics count with: a person's correction, else the import's
    /// label, else the pipeline's newest decision. The applicant is the office-wide pseudonym
    /// when the appeal was imported after joining, else this workstation's own. `flags` are
    /// triage's severe and repeated appeals, by number (`appeal_flags`).
    pub fn appeal_facts_for_office(&self, flags: &super::AppealFlags) -> Result<Vec<AppealToSend>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT a.appeal_no, s.bin, nullif(trim(a.kato), ''), \
                    CASE WHEN d.basis = 'person' THEN d.value \
                         WHEN nullif(trim(a.category), '') IS NOT NULL THEN a.category \
                         ELSE d.value END, \
                    a.received, a.decided, a.outcome, coalesce(a.applicant_office, a.applicant_pseudonym), a.text_simhash, s.kato \
             FROM appeals a LEFT JOIN subjects s ON s.id = a.subject_id \
             LEFT JOIN appeal_decisions d ON d.id = (SELECT max(d2.id) FROM appeal_decisions d2 \
                                                     WHERE d2.appeal_id = a.id AND d2.aspect = 'category') \
             ORDER BY a.appeal_no",
        )?;
        let mut rows = stmt.query([])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let day = |i: usize| -> Result<Option<chrono::NaiveDate>, StoreError> {
                Ok(r.get::<_, Option<String>>(i)?
                    .and_then(|t| chrono::NaiveDate::parse_from_str(t.get(..10).unwrap_or(&t), "%Y-%m-%d").ok()))
            };
            let Some(received) = day(4)? else { continue };
            let appeal_no: String = r.get(0)?;
            let facts = AppealFactWire {
                severe: flags.severe.contains(&appeal_no),
                repeat: flags.repeats.contains(&appeal_no),
                appeal_no,
                subject_bin: r.get(1)?,
                kato: r.get(2)?,
                category: r.get::<_, Option<String>>(3)?.filter(|c| !c.trim().is_empty()),
                received,
                decided: day(5)?,
                outcome: r.get(6)?,
                applicant: r.get(7)?,
                simhash: r.get(8)?,
            };
            let json = serde_json::to_vec(&facts).map_err(|e| StoreError::Internal(e.to_string()))?;
            let place = facts.kato.clone().or(r.get(9)?);
            out.push(AppealToSend { fingerprint: hex::encode(Sha256::digest(&json)), place, facts });
        }
        Ok(out)
    }

    /// The fingerprint of every appeal handed to the office, by number.
    pub fn office_appeals_sent(&self) -> Result<HashMap<String, String>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT appeal_no, fingerprint FROM office_appeals_sent")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Remembers a batch the office took. Sync bookkeeping, like the pull's cursor: it changes no
    /// record of this workstation, so it has nothing to journal (the replica's transaction).
    pub fn record_appeals_sent(&mut self, sent: &[(&str, &str)]) -> Result<(), StoreError> {
        self.replicate(|tx| {
            let mut stmt = tx.prepare(
                "INSERT INTO office_appeals_sent(appeal_no, fingerprint) VALUES (?1, ?2) \
                 ON CONFLICT(appeal_no) DO UPDATE SET fingerprint = excluded.fingerprint",
            )?;
            for (no, fingerprint) in sent {
                stmt.execute(params![no, fingerprint])?;
            }
            Ok(())
        })
    }
}
